// SPDX-License-Identifier: GPL-2.0-or-later
// ipvlan datapath (drivers/net/ipvlan/ipvlan_core.c): ipvlan_get_L3_hdr and
// ipvlan_addr_lookup, ipvlan_handle_frame in L2/L3/L3S, ipvlan_queue_xmit
// in L2 and L3, and the multicast worker with its bounded backlog.
#include <algorithm>

#include "vnet/dev.h"
#include "vnet/inet.h"
#include "vnet/ipvlan.h"
#include "vnet/neigh_reply.h"
#include "vnet/phys_dev.h"
#include "vnet/wire/arp.h"
#include "vnet/wire/ethernet.h"
#include "vnet/wire/icmpv6.h"
#include "vnet/wire/ipv4.h"
#include "vnet/wire/ipv6.h"

namespace vnet {

namespace {

// The addresses' bytes where they sit in the frame (4 or 16 each). Built
// as pointers rather than IpAddr values: the per-frame path then makes
// only the one key it looks up.
struct L3Spans {
    std::span<const std::uint8_t> src;
    std::span<const std::uint8_t> dst;
};

std::optional<L3Spans> l3_spans(std::span<const std::uint8_t> frame) {
    auto eth = wire::EthernetView::parse(frame);
    if (!eth) {
        return std::nullopt;
    }
    switch (eth->ethertype()) {
        case wire::kEthPArp: {
            // Sender and target protocol addresses.
            auto arp = wire::ArpView::parse(eth->payload());
            if (!arp) {
                return std::nullopt;
            }
            return L3Spans{arp->spa(), arp->tpa()};
        }
        case wire::kEthPIpv4: {
            auto ip = wire::Ipv4View::parse(eth->payload());
            if (!ip) {
                return std::nullopt;
            }
            return L3Spans{ip->src(), ip->dst()};
        }
        case wire::kEthPIpv6: {
            auto ip = wire::Ipv6View::parse(eth->payload());
            if (!ip) {
                return std::nullopt;
            }
            const auto src = ip->src();
            const bool any = std::all_of(src.begin(), src.end(), [](auto b) { return b == 0; });
            if (any && ip->next_header() == wire::kIpProtoIcmpv6) {
                // Only a neighbour solicitation from :: (DAD) is looked up,
                // by its target; other ICMPv6 from :: matches nothing.
                auto p = ip->payload();
                if (p.size() >= wire::kNdHlen && p[0] == wire::kNdNeighborSolicit) {
                    return L3Spans{p.subspan(8, 16), p.subspan(8, 16)};
                }
                return std::nullopt;
            }
            return L3Spans{src, ip->dst()};
        }
    }
    return std::nullopt;
}

IpAddr addr_of(std::span<const std::uint8_t> b) {
    return b.size() == 4 ? IpAddr::v4(b.first<4>()) : IpAddr::v6of(b.first<16>());
}

// Addresses that claim nothing: unspecified (DHCP, DAD), group addresses.
bool claimable(const IpAddr& a) {
    const auto& b = a.bytes;
    if (!a.v6) {
        const bool zero = b[0] == 0 && b[1] == 0 && b[2] == 0 && b[3] == 0;
        return !zero && b[0] < 224;
    }
    return b[0] != 0xff && !std::all_of(b.begin(), b.end(), [](auto x) { return x == 0; });
}

// IPv4 or IPv6, and not neighbour discovery: what waits for a probe.
bool holdable(std::span<const std::uint8_t> frame);

}  // namespace

std::optional<IpvlanL3Addrs> ipvlan_l3_addrs(std::span<const std::uint8_t> frame) {
    auto a = l3_spans(frame);
    if (!a) {
        return std::nullopt;
    }
    return IpvlanL3Addrs{addr_of(a->src), addr_of(a->dst)};
}

namespace {

bool is_nd(std::span<const std::uint8_t> frame) {
    auto eth = wire::EthernetView::parse(frame);
    auto ip = eth ? wire::Ipv6View::parse(eth->payload()) : std::nullopt;
    if (!ip || ip->next_header() != wire::kIpProtoIcmpv6 || ip->payload().empty()) {
        return false;
    }
    const std::uint8_t t = ip->payload()[0];
    return t == wire::kNdNeighborSolicit || t == wire::kNdNeighborAdvert;
}

PacketType group_type(const Packet& pkt) {
    return MacAddr::from(pkt.data()).is_broadcast() ? PacketType::broadcast : PacketType::multicast;
}

// Linux's ipvlan is NETIF_F_VLAN_CHALLENGED: no VLAN interface can sit on
// a child ("VLANs not supported on device"), so a frame tagged with a VID
// is never a child's (the lower's own VLAN interface may take it); a
// priority tag (VID 0) is stripped and the frame taken as untagged.
bool vlan_challenged(const Packet& pkt) {
    const std::optional<std::uint16_t> vid = wire::vlan_id(pkt.headers(), true);
    return vid && *vid != 0;
}

bool holdable(std::span<const std::uint8_t> frame) {
    const std::uint16_t type = wire::load_be16(frame.data() + 12);
    return type == wire::kEthPIpv4 || (type == wire::kEthPIpv6 && !is_nd(frame));
}

}  // namespace

bool IpvlanPort::may_probe(const IpAddr& dst) const {
    if (!phys_.clock() || !claimable(dst)) {
        return false;
    }
    if (std::none_of(ipvlans_.begin(), ipvlans_.end(),
                     [](const IpvlanDev* d) { return d->learning(); })) {
        return false;  // every child's addresses are given: nothing to find
    }
    if (mode_ != IpvlanMode::l2) {
        if (const InetLayer* inet = phys_.inet()) {
            if (inet->is_local(dst) || inet->next_hop(dst) != dst) {
                return false;  // the lower's own, or beyond a gateway
            }
            if (auto mac = inet->neigh().mac(dst); mac && *mac != lower_.mac()) {
                return false;  // a host on the uplink answered for it
            }
        }
    }
    return true;
}

std::optional<IpAddr> IpvlanPort::probe_answer(std::span<const std::uint8_t> frame) const {
    auto eth = wire::EthernetView::parse(frame);
    if (!eth) {
        return std::nullopt;
    }
    if (eth->ethertype() == wire::kEthPArp) {
        auto arp = wire::ArpRepr::parse(eth->payload());
        if (arp && arp->op == wire::kArpOpReply && arp->tha == lower_.mac() &&
            arp->tpa == wire::Ipv4Addr{}) {
            return IpAddr::v4(arp->spa);
        }
        return std::nullopt;
    }
    if (eth->ethertype() != wire::kEthPIpv6) {
        return std::nullopt;
    }
    auto ip = wire::Ipv6View::parse(eth->payload());
    auto nd = ip ? wire::NdRepr::parse(*ip) : std::nullopt;
    if (nd && nd->type == wire::kNdNeighborAdvert &&
        std::equal(kIpv6AllNodes.begin(), kIpv6AllNodes.end(), ip->dst().begin()) &&
        prober_.probing(IpAddr::v6of(nd->target))) {
        return IpAddr::v6of(nd->target);
    }
    return std::nullopt;
}

bool IpvlanPort::lower_sent(const Packet& pkt) {
    if (prober_.idle()) [[likely]] {
        return false;
    }
    const bool answer = probe_answer(pkt.bytes()).has_value();
    if (auto a = l3_spans(pkt.bytes())) {
        prober_.not_child(addr_of(a->src));
    }
    return answer;
}

// Here, where the datapath calls it, so that it inlines.
L3Outbound* IpvlanPort::outbound() const { return phys_.l3_outbound(); }

// ipvlan_external_frame: a group frame is ours (not external) if it comes
// from the shared MAC and a child's source address.
bool IpvlanPort::external_frame(const Packet& pkt) const {
    if (MacAddr::from(pkt.data() + kEthAlen) != lower_.mac()) {
        return true;
    }
    auto a = l3_spans(pkt.bytes());
    return !a || !addr_lookup(a->src);
}

// ipvlan_multicast_enqueue: a copy waits for the worker, bounded; a full
// backlog drops it, counted on skb->dev (the sending child for a TX frame,
// else the lower).
void IpvlanPort::multicast_enqueue(const Packet& pkt, NetDevice* from, bool tx_pkt) {
    switch (backlog_.enqueue(pkt, McSender{from, tx_pkt})) {
        case BacklogResult::queued:
            break;
        case BacklogResult::full:
            (from ? *from : lower_).counters().drop(DropReason::rx_bc_backlog_full);
            break;
        case BacklogResult::no_buffer:
            lower_.counters().drop(DropReason::rx_no_clone_buffer);
            break;
    }
}

// ipvlan_process_multicast: every child whose filter takes the group gets
// a copy (not the sender of a TX frame); a TX frame then goes out.
void IpvlanPort::process_multicast(void* owner) {
    auto* port = static_cast<IpvlanPort*>(owner);
    for (std::size_t n = port->backlog_.size(); n > 0; --n) {
        auto [pkt, sender] = port->backlog_.dequeue();
        NetDevice* from = sender.from;
        const bool tx_pkt = sender.tx_pkt;
        if (!pkt) {
            continue;  // its sender went away
        }
        const MacAddr dst = MacAddr::from(pkt->data());
        const PacketType type = group_type(*pkt);
        const bool to_children = !vlan_challenged(*pkt);
        for (IpvlanDev* ipvlan : port->ipvlans_) {
            NetDevice& d = ipvlan->dev_;
            if (!to_children || (tx_pkt && &d == from) || !d.filter().accepts(dst) || !d.up()) {
                continue;
            }
            Packet v = Packet::view(*pkt, d, type);
            if (tx_pkt) {
                dev_forward(d, v);
            } else {
                netif_receive(v);
            }
        }
        if (tx_pkt) {
            pkt->pkt_type = type;
            dev_queue_xmit(port->lower_, *pkt);
        }
    }
}

// ipvlan_handle_mode_l3 (and l2's unicast): to the child owning the
// destination address, else up the lower's own path.
RxHandlerResult IpvlanPort::handle_l3(Packet*& pkt) {
    auto a = l3_spans(pkt->headers());
    IpvlanDev* owner = a ? addr_lookup(a->dst) : nullptr;
    if (!owner) [[unlikely]] {
        // For the shared MAC and no child known to have it: perhaps one
        // that has not spoken yet.
        if (a && pkt->pkt_type == PacketType::host && holdable(pkt->bytes())) {
            const IpAddr dst = addr_of(a->dst);
            if (may_probe(dst) && prober_.hold(*pkt, dst, nullptr) != Hold::no) {
                return RxHandlerResult::consumed;
            }
        }
        return RxHandlerResult::pass;
    }
    if (!prober_.idle() && prober_.hold_owned(*pkt, addr_of(a->dst), nullptr) != Hold::no)
        [[unlikely]] {
        return RxHandlerResult::consumed;  // its owner is being asked whether it still has it
    }
    pkt->dev = &owner->dev_;
    return RxHandlerResult::another;
}

RxHandlerResult IpvlanPort::handle_frame(Packet*& pkt, void* data) {
    auto* port = static_cast<IpvlanPort*>(data);
    if (vlan_challenged(*pkt)) [[unlikely]] {
        return RxHandlerResult::pass;
    }
    switch (port->mode_) {
        case IpvlanMode::l2:
            if (MacAddr::from(pkt->headers().data()).is_multicast()) {
                // External group frames: the lower keeps the original
                // (PASS), the children get copies from the worker.
                if (port->external_frame(*pkt)) {
                    port->multicast_enqueue(*pkt, nullptr, false);
                }
                return RxHandlerResult::pass;
            }
            return port->handle_l3(pkt);
        case IpvlanMode::l3:
            if (L3Outbound* out = port->outbound(); out && out->neigh_rcv(*pkt, *port)) {
                return RxHandlerResult::consumed;
            }
            return port->handle_l3(pkt);
        case IpvlanMode::l3s:
            // Linux hands l3s frames to the child at the IP layer (the
            // l3mdev hooks) rather than here; the child gets the same
            // frames, only the lower's netfilter would see them first.
            if (L3Outbound* out = port->outbound(); out && out->neigh_rcv(*pkt, *port)) {
                return RxHandlerResult::consumed;
            }
            return port->handle_l3(pkt);
    }
    return RxHandlerResult::pass;
}

// ipvlan_rcv_frame(local = true): a sibling's frame, forwarded.
void IpvlanDev::rcv_local(Packet& pkt) {
    if (!dev_.up()) {
        dev_.counters().drop(DropReason::rx_upper_down);
        return;
    }
    dev_forward(dev_, pkt);
}

static XmitResult held_result(Hold h) {
    return h == Hold::waits ? XmitResult::held : XmitResult::dropped;
}

// The sibling part of both xmit modes: if a sibling owns the destination,
// hand it over (ipvlan_rcv_frame, local) or, with the private flag, drop.
std::optional<XmitResult> IpvlanDev::to_sibling(Packet& pkt, const L3& l3) {
    IpvlanDev* owner = l3 ? port_->addr_lookup(l3->dst) : nullptr;
    if (!owner) {
        // A sibling that has not spoken yet may have it: ask before it
        // goes to the lower.
        if (l3 && holdable(pkt.bytes()) && port_->may_probe(l3->dst)) {
            if (const Hold h = port_->prober_.hold(pkt, l3->dst, this); h != Hold::no) {
                return held_result(h);
            }
        }
        return std::nullopt;
    }
    if (!port_->prober_.idle()) [[unlikely]] {
        // Its owner may be being asked whether it still has it.
        if (const Hold h = port_->prober_.hold_owned(pkt, l3->dst, this); h != Hold::no) {
            return held_result(h);
        }
    }
    if (port_->is_private()) {
        dev_.counters().drop(DropReason::tx_private);
        return XmitResult::dropped;
    }
    owner->rcv_local(pkt);
    return XmitResult::sent;
}

XmitResult IpvlanDev::xmit_l2(Packet& pkt, const L3& l3) {
    IpvlanPort& port = *port_;
    const MacAddr dst = MacAddr::from(pkt.headers().data());
    if (!port.is_vepa() && dst == MacAddr::from(pkt.headers().data() + kEthAlen)) {
        // To the shared MAC: a sibling or the lower itself.
        if (auto r = to_sibling(pkt, l3)) {
            return *r;
        }
        dev_forward(port.lower(), pkt);  // any drop counted there, as to_sibling
        return XmitResult::sent;
    }
    if (dst.is_multicast()) {
        port.multicast_enqueue(pkt, &dev_, true);
        return XmitResult::sent;
    }
    return dev_queue_xmit(port.lower(), pkt);
}

XmitResult IpvlanDev::xmit_l3(Packet& pkt, const L3& l3) {
    IpvlanPort& port = *port_;
    // Address resolution is the IP layer's to answer (the guest's
    // interface is not NOARP as a Linux L3 ipvlan is), before any lookup.
    const std::uint16_t type = wire::load_be16(pkt.data() + 12);
    const bool resolution =
        type == wire::kEthPArp || (type == wire::kEthPIpv6 && is_nd(pkt.bytes()));
    if (!port.is_vepa() && !resolution) {
        if (auto r = to_sibling(pkt, l3)) {
            return *r;
        }
    }
    L3Outbound* out = port.outbound();
    if (!out) {
        dev_.counters().drop(DropReason::tx_no_route);
        return XmitResult::dropped;
    }
    return out->outbound(*this, pkt);
}

IpvlanDev::Source IpvlanDev::source_check(const L3& l3, const Packet& pkt) {
    if (!l3 || !claimable(l3->src)) {
        return Source::allowed;
    }
    const IpvlanAddrEntry* e = port_->addrs_.find(l3->src);
    if (e && e->dev == this) {
        if (e->learned && !e->used) [[unlikely]] {
            e->used = true;  // seen in use: it does not age
        }
        return Source::allowed;
    }
    if (e) {
        // A sibling learned it: perhaps it has let it go. Ask it; the
        // frame waits for the answer.
        if (e->learned && learning_ && port_->phys_.clock()) {
            switch (port_->prober_.verify(l3->src, *e->dev, this, &pkt)) {
                case Hold::waits:
                    return Source::held;
                case Hold::dropped:
                    return Source::busy;  // counted where it was dropped
                case Hold::no:
                    break;
            }
        }
        dev_.counters().drop(DropReason::tx_addr_busy);
        return Source::busy;
    }
    if (learning_ && addrs_.size() < kIpvlanLearnLimit) {
        add_addr(l3->src, true);  // control-path allocation, once per new address
    }
    return Source::allowed;
}

// ipvlan_queue_xmit.
XmitResult IpvlanDev::xmit(NetDevice&, Packet& pkt) {
    // A child's own tagged frame has no address of its (skb->protocol is
    // the tag's, which ipvlan_get_L3_hdr does not parse): it is not
    // learned from, and goes as any non-IP frame.
    const L3 l3 =
        wire::vlan_id(pkt.headers(), true) ? std::nullopt : ipvlan_l3_addrs(pkt.headers());
    const std::optional<IpAddr> answer =
        port_->prober_.idle() ? std::nullopt : port_->probe_answer(pkt.bytes());
    switch (source_check(l3, pkt)) {
        case Source::allowed:
            break;
        case Source::held:
            return XmitResult::held;
        case Source::busy:
            return XmitResult::dropped;
    }
    if (answer) [[unlikely]] {
        // The device asked: the source taught it the owner, or the owner
        // still has it.
        port_->prober_.answered(*answer, *this);
        return XmitResult::sent;
    }
    return port_->mode() == IpvlanMode::l2 ? xmit_l2(pkt, l3) : xmit_l3(pkt, l3);
}

}  // namespace vnet
