// SPDX-License-Identifier: GPL-2.0-or-later
// ICMPv6 (RFC 4443) and its Neighbor Discovery messages (RFC 4861 §4.3,
// §4.4): neighbor solicitation and advertisement with the source/target
// link-layer address option, the parts ARP-like address resolution and
// the ipvlan and VXLAN proxies need.
#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include "vnet/mac_addr.h"
#include "vnet/wire/bytes.h"
#include "vnet/wire/checksum.h"
#include "vnet/wire/ipv4.h"
#include "vnet/wire/ipv6.h"

namespace vnet::wire {

inline constexpr std::uint8_t kNdNeighborSolicit = 135;
inline constexpr std::uint8_t kNdNeighborAdvert = 136;
inline constexpr std::size_t kNdHlen = 24;  // type..target
inline constexpr std::uint8_t kNdOptSourceLinkAddr = 1;
inline constexpr std::uint8_t kNdOptTargetLinkAddr = 2;
// NA flags (RFC 4861 §4.4), in the first byte after the checksum.
inline constexpr std::uint8_t kNdFlagRouter = 0x80;
inline constexpr std::uint8_t kNdFlagSolicited = 0x40;
inline constexpr std::uint8_t kNdFlagOverride = 0x20;

// An NS or NA, checked: ICMPv6 checksum against the IPv6 pseudo-header,
// hop limit 255 (RFC 4861 §7.1.1), options well-formed (no zero length).
struct NdRepr {
    std::uint8_t type = kNdNeighborSolicit;
    std::uint8_t flags = 0;  // NA only
    Ipv6Addr target{};
    std::optional<MacAddr> link_addr;  // SLLA in an NS, TLLA in an NA

    static std::optional<NdRepr> parse(const Ipv6View& ip) {
        auto p = ip.payload();
        if (ip.next_header() != kIpProtoIcmpv6 || ip.hop_limit() != 255 || p.size() < kNdHlen ||
            (p[0] != kNdNeighborSolicit && p[0] != kNdNeighborAdvert) || p[1] != 0) {
            return std::nullopt;
        }
        if (csum_fold(csum_add(csum_pseudo(ip.src(), ip.dst(), kIpProtoIcmpv6, p.size()), p)) !=
            0) {
            return std::nullopt;
        }
        NdRepr r;
        r.type = p[0];
        r.flags = p[0] == kNdNeighborAdvert ? p[4] : 0;
        std::copy(p.begin() + 8, p.begin() + 24, r.target.begin());
        const std::uint8_t want =
            r.type == kNdNeighborSolicit ? kNdOptSourceLinkAddr : kNdOptTargetLinkAddr;
        for (std::size_t off = kNdHlen; off < p.size();) {
            if (p.size() - off < 2 || p[off + 1] == 0 || p.size() - off < p[off + 1] * 8u) {
                return std::nullopt;
            }
            if (p[off] == want && p[off + 1] == 1) {
                r.link_addr = MacAddr::from(p.data() + off + 2);
            }
            off += p[off + 1] * 8u;
        }
        return r;
    }

    std::size_t len() const { return kNdHlen + (link_addr ? 8 : 0); }

    // Writes len() bytes after an IPv6 header that already holds src and
    // dst (the checksum covers them).
    void emit(std::uint8_t* p, std::span<const std::uint8_t> src,
              std::span<const std::uint8_t> dst) const {
        p[0] = type;
        p[1] = 0;
        store_be16(p + 2, 0);
        store_be32(p + 4, 0);
        p[4] = type == kNdNeighborAdvert ? flags : 0;
        std::copy(target.begin(), target.end(), p + 8);
        if (link_addr) {
            p[24] = type == kNdNeighborSolicit ? kNdOptSourceLinkAddr : kNdOptTargetLinkAddr;
            p[25] = 1;
            std::copy(link_addr->bytes.begin(), link_addr->bytes.end(), p + 26);
        }
        store_be16(p + 2,
                   csum_fold(csum_add(csum_pseudo(src, dst, kIpProtoIcmpv6, len()), {p, len()})));
    }
};

}  // namespace vnet::wire
