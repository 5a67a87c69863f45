// SPDX-License-Identifier: GPL-2.0-or-later
// The receive loop of __netif_receive_skb_core (net/core/dev.c) reduced to
// what a device model needs: eth_type_trans's pkt_type, the rx_handler
// chain with its four results, and delivery to the device's own stack;
// and dev_queue_xmit's checks in front of the driver's xmit.
#include "vnet/dev.h"

#include <cstring>

#include "vnet/gso.h"
#include "vnet/phys_dev.h"
#include "vnet/trace.h"
#include "vnet/wire/ethernet.h"

namespace vnet {

namespace {

RxResult drop(NetDevice& dev, DropReason why) {
    dev.counters().drop(why);
    return RxResult::dropped;
}

// validate_xmit_skb's software half, for a receiver (dev) that cannot take
// pkt's offload: each segment of a GSO frame, or the frame with its
// checksum filled, is built in the lower's scratch buffer and given to out
// (which returns false to stop). False if it could not be done.
template <class Out>
bool software_offload(NetDevice& dev, const Packet& pkt, Out&& out) {
    PhysDev* phys = dev.phys();
    if (!phys) {
        return false;
    }
    const std::span<std::uint8_t> scratch = phys->gso_scratch();
    if (pkt.offload.is_gso()) {
        struct Ctx {
            const Packet& pkt;
            Out& out;
        } ctx{pkt, out};
        return skb_gso_segment(
                   pkt.bytes(), pkt.offload, scratch,
                   [](void* c, std::span<const std::uint8_t> seg) {
                       auto* k = static_cast<Ctx*>(c);
                       Packet s = Packet::made_from(k->pkt, seg);
                       return k->out(s);
                   },
                   &ctx) != 0;
    }
    if (pkt.len() > scratch.size()) {
        return false;
    }
    pkt.copy_to(scratch.data());
    Offload o = pkt.offload;
    if (!skb_checksum_help(scratch.first(pkt.len()), o)) {
        return false;
    }
    Packet s = Packet::made_from(pkt, scratch.first(pkt.len()));
    out(s);
    return true;
}

// Queues p on dev's RX backlog (netif_rx's enqueue_to_backlog): taken,
// or dropped as rx_no_buffer past the bound or with the pool exhausted.
RxResult enqueue_to_backlog(NetDevice& dev, const Packet& p) {
    RxBacklog* b = dev.make_rx_backlog();
    if (b && b->enqueue(p)) {
        return RxResult::consumed;
    }
    return drop(dev, DropReason::rx_no_buffer);
}

// Counts what dev's stack did with p: delivered, or dropped under its
// reason. Not for busy, which its callers each answer their way.
RxResult count_delivery(NetDevice& dev, const Packet& p, DeliverResult r) {
    switch (r) {
        case DeliverResult::delivered:
            ++dev.counters().rx_packets;
            dev.counters().rx_bytes += p.len();
            return RxResult::delivered;
        case DeliverResult::down:
            return drop(dev, DropReason::rx_link_down);
        case DeliverResult::busy:
        case DeliverResult::dropped:
            break;
    }
    return drop(dev, DropReason::rx_no_buffer);
}

// deliver_skb: the device's stack takes one frame, counted. With no room
// the frame waits in the device's backlog, unless the device holds it
// back (rx_holds_when_busy); frames behind waiting ones wait too.
RxResult deliver_one(NetDevice& dev, const Packet& p) {
    if (const RxBacklog* b = dev.rx_backlog(); b && !b->empty()) [[unlikely]] {
        return enqueue_to_backlog(dev, p);
    }
    const DeliverResult r = dev.protocol_handler()->deliver(dev, p);
    if (r == DeliverResult::busy) {
        return dev.rx_holds_when_busy() ? RxResult::busy : enqueue_to_backlog(dev, p);
    }
    return count_delivery(dev, p, r);
}

// What the device's driver cannot take whole is cut or checksummed for it
// first; each segment then counts as a frame. When one is not taken the
// rest of the frame goes with it, counted once.
RxResult deliver_skb(NetDevice& dev, Packet& p) {
    p.dev = &dev;
    if (!offload_needs_software(p.offload, dev.rx_offloads(), p.headers())) [[likely]] {
        return deliver_one(dev, p);
    }
    RxResult first = RxResult::dropped;
    bool any = false;
    const bool ok = software_offload(dev, p, [&](const Packet& s) {
        RxResult r = deliver_one(dev, s);
        if (any && r == RxResult::busy) {
            r = drop(dev, DropReason::rx_no_buffer);
        }
        if (!any) {
            first = r;
        }
        any = true;
        return r == RxResult::delivered || r == RxResult::consumed;
    });
    if (!ok && !any) {
        return drop(dev, DropReason::tx_bad_gso);
    }
    return first;
}

// A frame shorter than an Ethernet header, from the wire. No rx_handler
// can classify it, and in Linux the lower's own driver sees it before any
// (virtio_net then drops it as a length error): so it goes to the lower's
// own stack, function 0, as a NIC hands it to its driver, only while that
// is promiscuous (with no destination there is nothing to filter on),
// as virtio-net does. Anything else (an empty one, too) drops it as a
// runt.
RxResult receive_runt(NetDevice& dev, Packet& pkt) {
    if (pkt.len() == 0 || !dev.is_phys() || !dev.up() || !dev.filter().promisc()) {
        return drop(dev, DropReason::rx_runt);
    }
    return deliver_skb(dev, pkt);
}

}  // namespace

void eth_type_trans(Packet& pkt, const NetDevice& dev) {
    if (pkt.len() < wire::kEthHlen) {
        return;  // netif_receive drops it as a runt
    }
    const MacAddr dst = MacAddr::from(pkt.headers().data());
    if (dst.is_multicast()) {
        pkt.pkt_type = dst.is_broadcast() ? PacketType::broadcast : PacketType::multicast;
    } else {
        pkt.pkt_type = dst == dev.mac() ? PacketType::host : PacketType::otherhost;
    }
}

RxResult netif_receive_eth(Packet& pkt) {
    eth_type_trans(pkt, *pkt.dev);
    return netif_receive(pkt);
}

namespace {

// vlan_do_receive, before the rx_handler: a frame tagged with a VID for
// which the device's own guest has a VLAN interface goes to that guest,
// whatever the children below would have made of it. The guest's driver
// says which VIDs those are, adding each to its VLAN filter (CTRL_VLAN);
// VID 0, which Linux adds without an interface, is not one.
bool vlan_device_takes(const NetDevice& dev, const Packet& pkt) {
    const RxFilter& f = dev.filter();
    if (!f.vlan_filtering()) {
        return false;
    }
    const std::optional<std::uint16_t> vid = wire::vlan_id(pkt.headers());
    return vid && *vid != 0 && f.has_vlan(*vid);
}

}  // namespace

RxResult netif_receive(Packet& pkt) {
    NetDevice* dev = pkt.dev;
    if (pkt.len() < wire::kEthHlen) [[unlikely]] {
        return receive_runt(*dev, pkt);
    }
    // Linux's receive path looks at IFF_UP, not the carrier: a frame that
    // arrives is taken even while the link is reported down.
    if (!dev->up()) {
        return drop(*dev, DropReason::rx_link_down);
    }
    Packet* p = &pkt;
    for (int hops = 0;; ++hops) {
        dev = p->dev;
        const RxHandler handler = dev->rx_handler();
        if (!handler) {
            break;
        }
        if (vlan_device_takes(*dev, *p)) [[unlikely]] {
            break;
        }
        if (hops == kMaxNesting) {
            return drop(*dev, DropReason::rx_nesting_limit);
        }
        const RxHandlerResult r = handler(p, dev->rx_handler_data());
        if (tracing()) [[unlikely]] {
            trace(TraceKind::rx_handler, dev->name(), rx_handler_result_name(r));
        }
        if (r == RxHandlerResult::consumed) {
            return RxResult::consumed;
        }
        if (r == RxHandlerResult::exact) {
            // Only packet taps bound to this very device would see it;
            // the model has none, so it ends here.
            return drop(*dev, DropReason::rx_exact_unclaimed);
        }
        if (r == RxHandlerResult::pass) {
            break;
        }
        // another: p->dev now names the next device; loop.
    }

    return netif_deliver(*p);
}

RxResult netif_deliver(Packet& pkt) {
    NetDevice& dev = *pkt.dev;
    if (!dev.up()) {
        return drop(dev, DropReason::rx_link_down);
    }
    const RxFilter& filter = dev.filter();
    if (const VfConfig* vf = dev.vf(); vf && vf->vlan) [[unlikely]] {
        // A VF's port VLAN: its tag or nothing; the guest's own VLAN filter
        // sees the frame as stripped (untagged).
        if (!vf_port_vlan_admits(*vf, pkt.headers())) {
            return drop(dev, DropReason::rx_vlan_port);
        }
    } else if (!filter.accepts_vlan(pkt.headers())) [[unlikely]] {
        return drop(dev, DropReason::rx_vlan_filtered);
    }
    if (pkt.pkt_type != PacketType::host && !filter.accepts(MacAddr::from(pkt.headers().data()))) {
        return drop(dev, DropReason::rx_filtered);
    }
    return deliver_skb(dev, pkt);
}

std::size_t process_backlog(NetDevice& dev) {
    RxBacklog* b = dev.rx_backlog();
    if (!b) {
        return 0;
    }
    return b->process([&](const Packet& p) {
        const DeliverResult r = dev.protocol_handler()->deliver(dev, p);
        if (r == DeliverResult::busy) {
            return false;  // still no room: it stays first
        }
        count_delivery(dev, p, r);
        return true;
    });
}

RxResult dev_forward(NetDevice& dev, Packet& pkt) {
    // ____dev_forward_skb's is_skb_forwardable: up, and MTU + header + tag.
    // A GSO frame is forwardable whole (skb_is_gso): its segments' length
    // is what the MTU bounds.
    if (!dev.up() ||
        pkt.offload.wire_len(pkt.len()) > dev.mtu() + wire::kEthHlen + wire::kVlanHlen) {
        return drop(dev, DropReason::fwd_dropped);
    }
    pkt.dev = &dev;
    return netif_receive_eth(pkt);
}

void count_xmit(NetDevice& dev, XmitResult r, std::size_t len) {
    if (r == XmitResult::sent || r == XmitResult::queued) {
        ++dev.counters().tx_packets;
        dev.counters().tx_bytes += len;
    }
}

XmitResult dev_queue_xmit(NetDevice& dev, Packet& pkt) {
    DropReason why;
    if (!dev.running()) {
        why = DropReason::tx_link_down;
    } else if (pkt.len() < wire::kEthHlen) {
        why = DropReason::tx_runt;
    } else if (pkt.offload.wire_len(pkt.len()) > dev.mtu() + wire::kEthHlen + wire::kVlanHlen) {
        why = DropReason::tx_oversize;
    } else if (dev.is_phys() && offload_needs_software(pkt.offload, dev.phys()->wire_offloads(),
                                                       pkt.headers())) [[unlikely]] {
        // The uplink takes no offload: cut and checksum here, each
        // segment sent and counted as the wire's frame.
        XmitResult worst = XmitResult::sent;
        const bool ok = software_offload(dev, pkt, [&](Packet& s) {
            const std::size_t len = s.len();
            const XmitResult r = dev.xmit_ops()->xmit(dev, s);
            if (r == XmitResult::dropped) {
                worst = r;
                return false;
            }
            count_xmit(dev, r, len);
            if (r == XmitResult::queued) {
                worst = r;
            }
            return true;
        });
        if (ok) {
            return worst;
        }
        why = DropReason::tx_bad_gso;
    } else {
        const std::size_t len = pkt.len();
        const XmitResult r = dev.xmit_ops()->xmit(dev, pkt);
        count_xmit(dev, r, len);
        return r;
    }
    dev.counters().drop(why);
    return XmitResult::dropped;
}

}  // namespace vnet
