// SPDX-License-Identifier: GPL-2.0-or-later
// IPv6 fixed header view (RFC 8200 §3). parse() checks the version and the
// payload length against the buffer.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <span>

#include "vnet/wire/bytes.h"

namespace vnet::wire {

inline constexpr std::size_t kIpv6Hlen = 40;

class Ipv6View {
  public:
    static std::optional<Ipv6View> parse(std::span<const std::uint8_t> pkt) {
        if (pkt.size() < kIpv6Hlen || (pkt[0] >> 4) != 6) {
            return std::nullopt;
        }
        const std::size_t plen = load_be16(pkt.data() + 4);
        if (plen > pkt.size() - kIpv6Hlen) {
            return std::nullopt;
        }
        return Ipv6View(pkt.first(kIpv6Hlen + plen));
    }

    std::uint8_t next_header() const { return pkt_[6]; }
    std::span<const std::uint8_t, 16> src() const { return pkt_.subspan<8, 16>(); }
    std::span<const std::uint8_t, 16> dst() const { return pkt_.subspan<24, 16>(); }
    std::span<const std::uint8_t> payload() const { return pkt_.subspan(kIpv6Hlen); }
    std::uint8_t hop_limit() const { return pkt_[7]; }
    std::uint8_t traffic_class() const {
        return static_cast<std::uint8_t>((load_be16(pkt_.data()) >> 4) & 0xff);
    }
    std::uint32_t flow_label() const { return load_be32(pkt_.data()) & 0xfffff; }

  private:
    explicit Ipv6View(std::span<const std::uint8_t> p) : pkt_(p) {}

    std::span<const std::uint8_t> pkt_;
};

using Ipv6Addr = std::array<std::uint8_t, 16>;

struct Ipv6Repr {
    Ipv6Addr src{};
    Ipv6Addr dst{};
    std::uint8_t next_header = 0;
    std::uint8_t hop_limit = 64;
    std::uint8_t traffic_class = 0;
    std::uint32_t flow_label = 0;

    static Ipv6Repr parse(const Ipv6View& v) {
        Ipv6Repr r;
        std::copy(v.src().begin(), v.src().end(), r.src.begin());
        std::copy(v.dst().begin(), v.dst().end(), r.dst.begin());
        r.next_header = v.next_header();
        r.hop_limit = v.hop_limit();
        r.traffic_class = v.traffic_class();
        r.flow_label = v.flow_label();
        return r;
    }

    // Writes kIpv6Hlen bytes for a payload of payload_len.
    void emit(std::uint8_t* p, std::size_t payload_len) const {
        store_be32(p, (6u << 28) | (std::uint32_t{traffic_class} << 20) | (flow_label & 0xfffff));
        store_be16(p + 4, static_cast<std::uint16_t>(payload_len));
        p[6] = next_header;
        p[7] = hop_limit;
        std::copy(src.begin(), src.end(), p + 8);
        std::copy(dst.begin(), dst.end(), p + 24);
    }
};

}  // namespace vnet::wire
