// SPDX-License-Identifier: GPL-2.0-or-later
// IPv4 header view (RFC 791 §3.1). parse() checks version, IHL and total
// length against the buffer; payload() is cut at the total length, so
// Ethernet padding never reads as payload.
#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include "vnet/wire/bytes.h"

namespace vnet::wire {

inline constexpr std::size_t kIpv4MinHlen = 20;
inline constexpr std::uint8_t kIpProtoTcp = 6;
inline constexpr std::uint8_t kIpProtoUdp = 17;
inline constexpr std::uint8_t kIpProtoIcmpv6 = 58;

class Ipv4View {
  public:
    static std::optional<Ipv4View> parse(std::span<const std::uint8_t> pkt) {
        if (pkt.size() < kIpv4MinHlen || (pkt[0] >> 4) != 4) {
            return std::nullopt;
        }
        const std::size_t hlen = std::size_t{pkt[0] & 0x0fu} * 4;
        const std::size_t total = load_be16(pkt.data() + 2);
        if (hlen < kIpv4MinHlen || total < hlen || total > pkt.size()) {
            return std::nullopt;
        }
        return Ipv4View(pkt.first(total), hlen);
    }

    std::size_t header_len() const { return hlen_; }
    std::uint8_t protocol() const { return pkt_[9]; }
    // Source and destination in network byte order as they sit on the wire.
    std::span<const std::uint8_t, 4> src() const { return pkt_.subspan<12, 4>(); }
    std::span<const std::uint8_t, 4> dst() const { return pkt_.subspan<16, 4>(); }
    // A fragment other than the first, or the first with more to come.
    bool is_fragment() const { return (load_be16(pkt_.data() + 6) & 0x3fffu) != 0; }
    std::span<const std::uint8_t> payload() const { return pkt_.subspan(hlen_); }

  private:
    Ipv4View(std::span<const std::uint8_t> p, std::size_t hlen) : pkt_(p), hlen_(hlen) {}

    std::span<const std::uint8_t> pkt_;
    std::size_t hlen_;
};

}  // namespace vnet::wire
