// SPDX-License-Identifier: GPL-2.0-or-later
// UDP (RFC 768): the view checks the length field against the buffer;
// UdpRepr emits a header whose checksum covers the IPv4 or IPv6
// pseudo-header, as VXLAN's outer UDP needs.
#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include "vnet/wire/bytes.h"
#include "vnet/wire/checksum.h"
#include "vnet/wire/ipv4.h"
#include "vnet/wire/l4_ports.h"

namespace vnet::wire {

class UdpView {
  public:
    static std::optional<UdpView> parse(std::span<const std::uint8_t> seg) {
        if (seg.size() < kUdpHlen) {
            return std::nullopt;
        }
        const std::size_t len = load_be16(seg.data() + 4);
        if (len < kUdpHlen || len > seg.size()) {
            return std::nullopt;
        }
        return UdpView(seg.first(len));
    }

    std::uint16_t src_port() const { return load_be16(seg_.data()); }
    std::uint16_t dst_port() const { return load_be16(seg_.data() + 2); }
    std::uint16_t checksum() const { return load_be16(seg_.data() + 6); }
    std::span<const std::uint8_t> payload() const { return seg_.subspan(kUdpHlen); }
    std::span<const std::uint8_t> bytes() const { return seg_; }

    // Zero means "no checksum" over IPv4 (RFC 768), never valid over IPv6.
    bool checksum_ok(std::span<const std::uint8_t> src, std::span<const std::uint8_t> dst) const {
        if (checksum() == 0) {
            return src.size() == 4;
        }
        return csum_fold(csum_add(csum_pseudo(src, dst, kIpProtoUdp, seg_.size()), seg_)) == 0;
    }

  private:
    explicit UdpView(std::span<const std::uint8_t> s) : seg_(s) {}

    std::span<const std::uint8_t> seg_;
};

struct UdpRepr {
    std::uint16_t src_port = 0;
    std::uint16_t dst_port = 0;

    // Writes the 8-byte header in front of payload_len bytes already at
    // p + kUdpHlen. With addresses, the checksum covers the pseudo-header
    // (0 computed becomes 0xffff, RFC 768); without, it is left 0.
    void emit(std::uint8_t* p, std::size_t payload_len, std::span<const std::uint8_t> src = {},
              std::span<const std::uint8_t> dst = {}) const {
        const std::size_t len = kUdpHlen + payload_len;
        store_be16(p, src_port);
        store_be16(p + 2, dst_port);
        store_be16(p + 4, static_cast<std::uint16_t>(len));
        store_be16(p + 6, 0);
        if (!src.empty()) {
            std::uint16_t c =
                csum_fold(csum_add(csum_pseudo(src, dst, kIpProtoUdp, len), {p, len}));
            store_be16(p + 6, c ? c : 0xffff);
        }
    }
};

}  // namespace vnet::wire
