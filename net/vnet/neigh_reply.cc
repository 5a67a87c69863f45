// SPDX-License-Identifier: GPL-2.0-or-later
#include "vnet/neigh_reply.h"

#include <algorithm>

#include "vnet/wire/ethernet.h"
#include "vnet/wire/icmpv6.h"

namespace vnet {

wire::Ipv6Addr solicited_node(const wire::Ipv6Addr& target) {
    wire::Ipv6Addr a{0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0xff};
    std::copy(target.begin() + 13, target.end(), a.begin() + 13);
    return a;
}

MacAddr ipv6_multicast_mac(const wire::Ipv6Addr& a) {
    return MacAddr{{0x33, 0x33, a[12], a[13], a[14], a[15]}};
}

std::size_t build_arp_request(std::uint8_t* out, const MacAddr& sender_mac,
                              const wire::Ipv4Addr& sender_ip, const wire::Ipv4Addr& target) {
    wire::EthernetRepr{MacAddr::broadcast(), sender_mac, wire::kEthPArp, std::nullopt}.emit(out);
    wire::ArpRepr{
        .op = wire::kArpOpRequest, .sha = sender_mac, .spa = sender_ip, .tha = {}, .tpa = target}
        .emit(out + wire::kEthHlen);
    return kArpRequestLen;
}

std::size_t build_ns(std::uint8_t* out, const MacAddr& src_mac, const wire::Ipv6Addr& src_ip,
                     const wire::Ipv6Addr& target) {
    const bool dad = std::all_of(src_ip.begin(), src_ip.end(), [](auto b) { return b == 0; });
    wire::NdRepr ns{.type = wire::kNdNeighborSolicit,
                    .flags = 0,
                    .target = target,
                    .link_addr = dad ? std::nullopt : std::optional(src_mac)};
    wire::Ipv6Repr ip{.src = src_ip,
                      .dst = solicited_node(target),
                      .next_header = wire::kIpProtoIcmpv6,
                      .hop_limit = 255};
    wire::EthernetRepr{ipv6_multicast_mac(ip.dst), src_mac, wire::kEthPIpv6, std::nullopt}.emit(
        out);
    ip.emit(out + wire::kEthHlen, ns.len());
    ns.emit(out + wire::kEthHlen + wire::kIpv6Hlen, ip.src, ip.dst);
    return wire::kEthHlen + wire::kIpv6Hlen + ns.len();
}

std::size_t build_arp_reply(std::uint8_t* out, const MacAddr& answer_mac,
                            const wire::Ipv4Addr& answer_ip, const MacAddr& asker_mac,
                            const wire::Ipv4Addr& asker_ip) {
    wire::EthernetRepr{asker_mac, answer_mac, wire::kEthPArp, std::nullopt}.emit(out);
    wire::ArpRepr{.op = wire::kArpOpReply,
                  .sha = answer_mac,
                  .spa = answer_ip,
                  .tha = asker_mac,
                  .tpa = asker_ip}
        .emit(out + wire::kEthHlen);
    return kArpReplyLen;
}

std::size_t build_na(std::uint8_t* out, const MacAddr& answer_mac, const wire::Ipv6Addr& target,
                     const MacAddr& dst_mac, const wire::Ipv6Addr& dst_ip, std::uint8_t flags) {
    wire::NdRepr na{
        .type = wire::kNdNeighborAdvert, .flags = flags, .target = target, .link_addr = answer_mac};
    wire::Ipv6Repr ip{
        .src = target, .dst = dst_ip, .next_header = wire::kIpProtoIcmpv6, .hop_limit = 255};
    wire::EthernetRepr{dst_mac, answer_mac, wire::kEthPIpv6, std::nullopt}.emit(out);
    ip.emit(out + wire::kEthHlen, na.len());
    na.emit(out + wire::kEthHlen + wire::kIpv6Hlen, ip.src, ip.dst);
    return wire::kEthHlen + wire::kIpv6Hlen + na.len();
}

}  // namespace vnet
