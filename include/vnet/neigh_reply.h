// SPDX-License-Identifier: GPL-2.0-or-later
// Address resolution built on someone's behalf: an ARP reply
// (arp_create(ARPOP_REPLY, ...)) and an IPv6 neighbour advertisement
// (ndisc's NA, vxlan_na_create), used by the IP layer's proxy for ipvlan
// children and by VXLAN's proxy=on; and the questions, an ARP request and
// a neighbour solicitation, which the IP layer and ipvlan's probes ask.
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

inline constexpr std::size_t kArpRequestLen = wire::kEthHlen + wire::kArpLen;
// An NS with a source link-layer address option, and without (from ::).
inline constexpr std::size_t kNsLen = wire::kEthHlen + wire::kIpv6Hlen + wire::kNdHlen + 8;
inline constexpr std::size_t kNsDadLen = wire::kEthHlen + wire::kIpv6Hlen + wire::kNdHlen;

// ff02::1: where an answer to a DAD probe (from ::) goes (RFC 4862 §5.4.3).
inline constexpr wire::Ipv6Addr kIpv6AllNodes{0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};

// The solicited-node multicast group of an address (RFC 4291 §2.7.1) and
// an IPv6 group's MAC (RFC 2464 §7).
wire::Ipv6Addr solicited_node(const wire::Ipv6Addr& target);
MacAddr ipv6_multicast_mac(const wire::Ipv6Addr& group);

// A broadcast "who has `target`, tell `sender_ip`" from `sender_mac`
// (sender_ip 0.0.0.0: an RFC 5227 probe); kArpRequestLen bytes.
std::size_t build_arp_request(std::uint8_t* out, const MacAddr& sender_mac,
                              const wire::Ipv4Addr& sender_ip, const wire::Ipv4Addr& target);

// An NS for `target` to its solicited-node group from `src_ip`; from ::
// (a DAD probe, RFC 4862 §5.4.2) it carries no link-layer option (kNsDadLen
// bytes), else it carries `src_mac` (kNsLen bytes).
std::size_t build_ns(std::uint8_t* out, const MacAddr& src_mac, const wire::Ipv6Addr& src_ip,
                     const wire::Ipv6Addr& target);

// "`answer_ip` is at `answer_mac`", to the asker; kArpReplyLen bytes.
std::size_t build_arp_reply(std::uint8_t* out, const MacAddr& answer_mac,
                            const wire::Ipv4Addr& answer_ip, const MacAddr& asker_mac,
                            const wire::Ipv4Addr& asker_ip);

// A solicited NA for `target` at `answer_mac`, from the target address to
// `dst_ip` at `dst_mac`; kNaReplyLen bytes.
std::size_t build_na(std::uint8_t* out, const MacAddr& answer_mac, const wire::Ipv6Addr& target,
                     const MacAddr& dst_mac, const wire::Ipv6Addr& dst_ip, std::uint8_t flags);

}  // namespace vnet
