// SPDX-License-Identifier: GPL-2.0-or-later
// Answers to address resolution built on someone's behalf: an ARP reply
// (arp_create(ARPOP_REPLY, ...)) and an IPv6 neighbour advertisement
// (ndisc's NA, vxlan_na_create). Used by the IP layer's proxy for ipvlan
// children and by VXLAN's proxy=on.
#pragma once

#include <cstdint>

#include "vnet/mac_addr.h"
#include "vnet/wire/arp.h"
#include "vnet/wire/ethernet.h"
#include "vnet/wire/icmpv6.h"
#include "vnet/wire/ipv6.h"

namespace vnet {

// An NA with one target link-layer address option (RFC 4861 §4.4: the
// 24-byte message, then an 8-byte option).
inline constexpr std::size_t kNaWithLladdrLen = wire::kNdHlen + 8;
inline constexpr std::size_t kArpReplyLen = wire::kEthHlen + wire::kArpLen;
inline constexpr std::size_t kNaReplyLen = wire::kEthHlen + wire::kIpv6Hlen + kNaWithLladdrLen;

// "`answer_ip` is at `answer_mac`", to the asker; kArpReplyLen bytes.
std::size_t build_arp_reply(std::uint8_t* out, const MacAddr& answer_mac,
                            const wire::Ipv4Addr& answer_ip, const MacAddr& asker_mac,
                            const wire::Ipv4Addr& asker_ip);

// A solicited NA for `target` at `answer_mac`, from the target address to
// `dst_ip` at `dst_mac`; kNaReplyLen bytes.
std::size_t build_na(std::uint8_t* out, const MacAddr& answer_mac, const wire::Ipv6Addr& target,
                     const MacAddr& dst_mac, const wire::Ipv6Addr& dst_ip, std::uint8_t flags);

}  // namespace vnet
