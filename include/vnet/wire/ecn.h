// SPDX-License-Identifier: GPL-2.0-or-later
// ECN in tunnels (RFC 6040), as Linux's inet_ecn.h applies it: the outer
// header copies the inner ECN codepoint on encapsulation (CE goes out as
// ECT(0)); on decapsulation an outer CE marks an ECT inner packet CE and
// drops a not-ECT one, since that sender could not react to it.
#pragma once

#include <cstdint>
#include <span>

#include "vnet/wire/bytes.h"
#include "vnet/wire/checksum.h"
#include "vnet/wire/ethernet.h"
#include "vnet/wire/ipv4.h"
#include "vnet/wire/ipv6.h"

namespace vnet::wire {

inline constexpr std::uint8_t kEcnMask = 0x03;
inline constexpr std::uint8_t kEcnNotEct = 0x00;
inline constexpr std::uint8_t kEcnEct0 = 0x02;
inline constexpr std::uint8_t kEcnCe = 0x03;

inline std::uint8_t ecn_encapsulate(std::uint8_t outer_tos, std::uint8_t inner_dsfield) {
    const std::uint8_t in = inner_dsfield & kEcnMask;
    return static_cast<std::uint8_t>((outer_tos & ~kEcnMask) | (in == kEcnCe ? kEcnEct0 : in));
}

enum class EcnDecap : std::uint8_t { keep, set_ce, drop };

inline EcnDecap ecn_decapsulate(std::uint8_t outer_tos, std::uint8_t inner_dsfield) {
    const bool outer_ce = (outer_tos & kEcnMask) == kEcnCe;
    if ((inner_dsfield & kEcnMask) == kEcnNotEct) {
        return outer_ce ? EcnDecap::drop : EcnDecap::keep;
    }
    return outer_ce ? EcnDecap::set_ce : EcnDecap::keep;
}

// The DS field (TOS / traffic class) of the IP packet behind a parsed
// Ethernet header, 0 for anything else (ip_tunnel_get_dsfield).
inline std::uint8_t dsfield(const EthernetView& eth) {
    auto p = eth.payload();
    if (eth.ethertype() == kEthPIpv4 && p.size() >= kIpv4MinHlen && (p[0] >> 4) == 4) {
        return p[1];
    }
    if (eth.ethertype() == kEthPIpv6 && p.size() >= kIpv6Hlen && (p[0] >> 4) == 6) {
        return static_cast<std::uint8_t>((load_be16(p.data()) >> 4) & 0xff);
    }
    return 0;
}

inline std::uint8_t frame_dsfield(std::span<const std::uint8_t> frame) {
    auto eth = EthernetView::parse(frame);
    return eth ? dsfield(*eth) : 0;
}

// Marks the frame's IP packet CE in place (IP_ECN_set_ce / IP6_ECN_set_ce),
// the IPv4 header checksum updated incrementally (RFC 1624).
inline void frame_set_ce(std::span<std::uint8_t> frame, std::size_t l3_off) {
    std::uint8_t* p = frame.data() + l3_off;
    if ((p[0] >> 4) == 4) {
        const std::uint16_t old_word = load_be16(p);
        p[1] |= kEcnCe;
        const std::uint16_t new_word = load_be16(p);
        const std::uint16_t sum = load_be16(p + 10);
        std::uint32_t c = static_cast<std::uint16_t>(~sum) + static_cast<std::uint16_t>(~old_word) +
                          std::uint32_t{new_word};
        c = (c & 0xffff) + (c >> 16);
        c = (c & 0xffff) + (c >> 16);
        store_be16(p + 10, static_cast<std::uint16_t>(~c));
    } else {
        p[1] |= kEcnCe << 4;
    }
}

}  // namespace vnet::wire
