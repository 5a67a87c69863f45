// SPDX-License-Identifier: GPL-2.0-or-later
// IPv6 fixed header view (RFC 8200 §3). parse() checks the version and the
// payload length against the buffer.
#pragma once

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

  private:
    explicit Ipv6View(std::span<const std::uint8_t> p) : pkt_(p) {}

    std::span<const std::uint8_t> pkt_;
};

}  // namespace vnet::wire
