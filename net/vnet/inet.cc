// SPDX-License-Identifier: GPL-2.0-or-later
// The lower's embedded IP layer (see inet.h): ipvlan_process_outbound's
// route and neighbour step, and the answers to an L3 child's ARP and
// neighbour solicitations.
#include "vnet/inet.h"

#include <algorithm>

#include "vnet/dev.h"
#include "vnet/neigh_reply.h"
#include "vnet/wire/arp.h"
#include "vnet/wire/ethernet.h"
#include "vnet/wire/icmpv6.h"
#include "vnet/wire/ipv4.h"
#include "vnet/wire/ipv6.h"

namespace vnet {

namespace {

bool in_prefix(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b, unsigned prefix) {
    for (unsigned bit = 0; bit < prefix && bit < a.size() * 8; bit += 8) {
        const unsigned n = std::min(8u, prefix - bit);
        const std::uint8_t mask = static_cast<std::uint8_t>(0xff00 >> n);
        if ((a[bit / 8] & mask) != (b[bit / 8] & mask)) {
            return false;
        }
    }
    return true;
}

// A link-local address from the MAC (RFC 4291 appendix A), for neighbour
// solicitations when the lower has no IPv6 address of its own.
wire::Ipv6Addr link_local(const MacAddr& m) {
    return {0xfe,       0x80,       0,
            0,          0,          0,
            0,          0,          static_cast<std::uint8_t>(m.bytes[0] ^ 2),
            m.bytes[1], m.bytes[2], 0xff,
            0xfe,       m.bytes[3], m.bytes[4],
            m.bytes[5]};
}

std::optional<IpAddr> l3_dst(const wire::EthernetView& eth) {
    if (eth.ethertype() == wire::kEthPIpv4) {
        if (auto ip = wire::Ipv4View::parse(eth.payload())) {
            return IpAddr::v4(ip->dst());
        }
    } else if (eth.ethertype() == wire::kEthPIpv6) {
        if (auto ip = wire::Ipv6View::parse(eth.payload())) {
            return IpAddr::v6of(ip->dst());
        }
    }
    return std::nullopt;
}

}  // namespace

InetLayer::InetLayer(NetDevice& lower, PacketPool& pool, const Clock& clock, const InetConfig& cfg)
    : lower_(lower), pool_(pool), cfg_(cfg), neigh_(clock, *this, lower.counters()) {}

std::optional<IpAddr> InetLayer::next_hop(const IpAddr& dst) const {
    if (!dst.v6) {
        const std::span<const std::uint8_t> d(dst.bytes.data(), 4);
        if (cfg_.ip4 && in_prefix(d, *cfg_.ip4, cfg_.prefix4)) {
            return dst;
        }
        return cfg_.gw4 ? std::optional(IpAddr::v4(*cfg_.gw4)) : std::nullopt;
    }
    const bool link_local_dst = dst.bytes[0] == 0xfe && (dst.bytes[1] & 0xc0) == 0x80;
    if (link_local_dst || (cfg_.ip6 && in_prefix(dst.bytes, *cfg_.ip6, cfg_.prefix6))) {
        return dst;
    }
    return cfg_.gw6 ? std::optional(IpAddr::v6of(*cfg_.gw6)) : std::nullopt;
}

void InetLayer::solicit(const IpAddr& target) {
    PacketRef p = pool_.alloc();
    if (!p) {
        lower_.counters().drop(DropReason::tx_no_buffer);
        return;
    }
    if (!target.v6) {
        wire::Ipv4Addr tpa;
        std::copy(target.bytes.begin(), target.bytes.begin() + 4, tpa.begin());
        build_arp_request(p->put(kArpRequestLen), lower_.mac(), cfg_.ip4.value_or(wire::Ipv4Addr{}),
                          tpa);
    } else {
        build_ns(p->put(kNsLen), lower_.mac(), cfg_.ip6.value_or(link_local(lower_.mac())),
                 target.bytes);
    }
    dev_queue_xmit(lower_, *p);
}

void InetLayer::transmit(Packet& pkt, const MacAddr& mac) {
    std::uint8_t* f = pkt.mutable_data();
    std::copy(mac.bytes.begin(), mac.bytes.end(), f);
    std::copy(lower_.mac().bytes.begin(), lower_.mac().bytes.end(), f + kEthAlen);
    dev_queue_xmit(lower_, pkt);
}

// The device answers the child's own address resolution with the shared
// MAC, whatever it asks for: everything it reaches goes through the lower.
XmitResult InetLayer::answer_child(IpvlanDev& child, Packet& pkt) {
    auto eth = wire::EthernetView::parse(pkt.bytes());
    PacketRef r = pool_.alloc();
    if (!r) {
        child.dev().counters().drop(DropReason::tx_no_buffer);
        return XmitResult::dropped;
    }
    const MacAddr us = lower_.mac();
    if (eth->ethertype() == wire::kEthPArp) {
        auto req = wire::ArpRepr::parse(eth->payload());
        if (req->spa == req->tpa) {
            return XmitResult::sent;  // a gratuitous announcement: nothing to answer
        }
        build_arp_reply(r->put(kArpReplyLen), us, req->tpa, req->sha, req->spa);
    } else {
        auto ip = wire::Ipv6View::parse(eth->payload());
        auto ns = wire::NdRepr::parse(*ip);
        const auto src = ip->src();
        if (std::all_of(src.begin(), src.end(), [](auto b) { return b == 0; })) {
            return XmitResult::sent;  // DAD: answering would refuse the address
        }
        wire::Ipv6Addr dst;
        std::copy(src.begin(), src.end(), dst.begin());
        build_na(r->put(kNaReplyLen), us, ns->target, eth->src(), dst,
                 wire::kNdFlagSolicited | wire::kNdFlagOverride);
    }
    dev_forward(child.dev(), *r);
    return XmitResult::sent;
}

bool InetLayer::is_local(const IpAddr& a) const {
    if (!a.v6) {
        return cfg_.ip4 && std::equal(cfg_.ip4->begin(), cfg_.ip4->end(), a.bytes.begin());
    }
    return (cfg_.ip6 && *cfg_.ip6 == a.bytes) || link_local(lower_.mac()) == a.bytes;
}

XmitResult InetLayer::route(IpvlanDev& from, Packet& pkt) {
    auto eth = wire::EthernetView::parse(pkt.bytes());
    auto dst = l3_dst(*eth);
    if (dst && is_local(*dst)) {
        // For the lower's own address: its stack (function 0) takes it, as
        // ip_local_out in the lower's namespace would.
        std::uint8_t* f = pkt.mutable_data();
        std::copy(lower_.mac().bytes.begin(), lower_.mac().bytes.end(), f);
        return dev_forward(lower_, pkt) == RxResult::dropped ? XmitResult::dropped
                                                             : XmitResult::sent;
    }
    auto nh = dst ? next_hop(*dst) : std::nullopt;
    if (!nh) {
        from.dev().counters().drop(DropReason::tx_no_route);
        return XmitResult::dropped;
    }
    PacketRef none(nullptr, PacketReturn{nullptr});
    if (auto mac = neigh_.resolve(*nh, none)) {
        transmit(pkt, *mac);
        return XmitResult::sent;
    }
    if (!neigh_.state(*nh)) {
        return XmitResult::dropped;  // table full, counted there
    }
    // Unresolved: a copy waits in the entry's bounded queue (the caller's
    // packet is gone when this returns). Only here, not per packet.
    PacketRef copy = pool_.clone(pkt);
    if (!copy) {
        lower_.counters().drop(DropReason::tx_no_buffer);
        return XmitResult::dropped;
    }
    neigh_.resolve(*nh, copy);
    // Taken: it leaves when the neighbour answers. (XmitResult::queued
    // would tell the glue to wait for its backend, which is not involved.)
    return XmitResult::sent;
}

XmitResult InetLayer::outbound(IpvlanDev& from, Packet& pkt) {
    auto eth = wire::EthernetView::parse(pkt.bytes());
    if (!eth) {
        from.dev().counters().drop(DropReason::tx_runt);
        return XmitResult::dropped;
    }
    if (eth->ethertype() == wire::kEthPArp) {
        auto arp = wire::ArpRepr::parse(eth->payload());
        if (arp && arp->op == wire::kArpOpRequest) {
            return answer_child(from, pkt);
        }
        if (arp && arp->op == wire::kArpOpReply) {
            return dev_queue_xmit(lower_, pkt);  // the child answering the uplink
        }
    } else if (eth->ethertype() == wire::kEthPIpv6) {
        if (auto ip = wire::Ipv6View::parse(eth->payload())) {
            if (auto nd = wire::NdRepr::parse(*ip)) {
                return nd->type == wire::kNdNeighborSolicit ? answer_child(from, pkt)
                                                            : dev_queue_xmit(lower_, pkt);
            }
        }
    }
    const bool ip = eth->ethertype() == wire::kEthPIpv4 || eth->ethertype() == wire::kEthPIpv6;
    if (!ip || eth->dst().is_multicast()) {
        // ipvlan_process_outbound: "we dont care about multicast and
        // broadcast traffic" in L3, nor about anything but IP.
        from.dev().counters().drop(DropReason::tx_l3_not_ip);
        return XmitResult::dropped;
    }
    return route(from, pkt);
}

void InetLayer::answer_uplink(const IpAddr& target, const MacAddr& asker_mac,
                              const IpAddr& asker_ip) {
    PacketRef r = pool_.alloc();
    if (!r) {
        lower_.counters().drop(DropReason::tx_no_buffer);
        return;
    }
    const MacAddr us = lower_.mac();
    if (!target.v6) {
        wire::Ipv4Addr tpa;
        wire::Ipv4Addr spa;
        std::copy(target.bytes.begin(), target.bytes.begin() + 4, tpa.begin());
        std::copy(asker_ip.bytes.begin(), asker_ip.bytes.begin() + 4, spa.begin());
        build_arp_reply(r->put(kArpReplyLen), us, tpa, asker_mac, spa);
    } else {
        // To the solicitor, or to all nodes for a DAD probe from ::.
        const bool dad = std::all_of(asker_ip.bytes.begin(), asker_ip.bytes.end(),
                                     [](auto b) { return b == 0; });
        const wire::Ipv6Addr dst = dad ? kIpv6AllNodes : asker_ip.bytes;
        build_na(
            r->put(kNaReplyLen), us, target.bytes,
            dad ? ipv6_multicast_mac(kIpv6AllNodes) : asker_mac, dst,
            static_cast<std::uint8_t>((dad ? 0 : wire::kNdFlagSolicited) | wire::kNdFlagOverride));
    }
    dev_queue_xmit(lower_, *r);
}

bool InetLayer::neigh_rcv(const Packet& pkt, IpvlanPort& port) {
    auto eth = wire::EthernetView::parse(pkt.bytes());
    if (!eth) {
        return false;
    }
    // From the shared MAC: the lower's or a child's own frame, which a
    // relay beyond the uplink reflected. It teaches nothing, and the proxy
    // must not answer the lower's own question (Linux's lower gets no
    // answer from its NOARP children either).
    const bool reflected = eth->src() == lower_.mac();
    // For a child's address: answered by the proxy, or dropped where a
    // NOARP child would drop it.
    auto for_child = [&](const IpAddr& target, const MacAddr& asker_mac, const IpAddr& asker_ip) {
        if (cfg_.proxy && !reflected) {
            answer_uplink(target, asker_mac, asker_ip);
        } else {
            lower_.counters().drop(DropReason::rx_l3_noarp);
        }
        return true;
    };
    if (eth->ethertype() == wire::kEthPArp) {
        auto arp = wire::ArpRepr::parse(eth->payload());
        if (!arp || reflected) {
            if (arp && arp->op == wire::kArpOpRequest && port.addr_lookup(IpAddr::v4(arp->tpa))) {
                return for_child(IpAddr::v4(arp->tpa), arp->sha, IpAddr::v4(arp->spa));
            }
            return false;
        }
        const IpAddr spa = IpAddr::v4(arp->spa);
        const IpAddr tpa = IpAddr::v4(arp->tpa);
        neigh_.confirm(spa, arp->sha);
        port.prober().not_child(spa);  // a host on the uplink has it
        if (arp->spa == arp->tpa) {
            return false;  // an announcement: nothing to answer
        }
        if (port.addr_lookup(tpa)) {
            if (arp->op == wire::kArpOpRequest) {
                return for_child(tpa, arp->sha, spa);
            }
            lower_.counters().drop(DropReason::rx_l3_noarp);
            return true;
        }
        if (arp->op == wire::kArpOpRequest && cfg_.proxy && port.may_probe(tpa)) {
            port.prober().ask(tpa, arp->sha, spa);
        }
        return false;
    }
    if (eth->ethertype() != wire::kEthPIpv6) {
        return false;
    }
    auto ip = wire::Ipv6View::parse(eth->payload());
    auto nd = ip ? wire::NdRepr::parse(*ip) : std::nullopt;
    if (!nd) {
        return false;
    }
    const IpAddr target = IpAddr::v6of(nd->target);
    if (nd->type == wire::kNdNeighborAdvert) {
        if (nd->link_addr && !reflected) {
            neigh_.confirm(target, *nd->link_addr);
            port.prober().not_child(target);
        }
        return false;
    }
    const IpAddr src = IpAddr::v6of(ip->src());
    if (port.addr_lookup(target)) {
        return for_child(target, eth->src(), src);
    }
    const bool dad = std::all_of(src.bytes.begin(), src.bytes.end(), [](auto b) { return b == 0; });
    if (!reflected && !dad && cfg_.proxy && port.may_probe(target)) {
        port.prober().ask(target, eth->src(), src);
    }
    return false;
}

}  // namespace vnet
