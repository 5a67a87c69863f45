// SPDX-License-Identifier: GPL-2.0-or-later
#include "vnet/neigh_reply.h"

#include "vnet/wire/ethernet.h"
#include "vnet/wire/icmpv6.h"

namespace vnet {

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
