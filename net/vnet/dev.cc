// SPDX-License-Identifier: GPL-2.0-or-later
// The receive loop of __netif_receive_skb_core (net/core/dev.c) reduced to
// what a device model needs: eth_type_trans's pkt_type, the rx_handler
// chain with its four results, and delivery to the device's own stack;
// and dev_queue_xmit's checks in front of the driver's xmit.
#include "vnet/dev.h"

#include "vnet/trace.h"
#include "vnet/wire/ethernet.h"

namespace vnet {

namespace {

RxResult drop(NetDevice& dev, DropReason why) {
    dev.counters().drop(why);
    return RxResult::dropped;
}

}  // namespace

void eth_type_trans(Packet& pkt, const NetDevice& dev) {
    if (pkt.len() < wire::kEthHlen) {
        return;  // netif_receive drops it as a runt
    }
    const MacAddr dst = MacAddr::from(pkt.data());
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

RxResult netif_receive(Packet& pkt) {
    NetDevice* dev = pkt.dev;
    if (pkt.len() < wire::kEthHlen) {
        return drop(*dev, DropReason::rx_runt);
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

    dev = p->dev;
    if (p->pkt_type != PacketType::host && !dev->filter().accepts(MacAddr::from(p->data()))) {
        return drop(*dev, DropReason::rx_filtered);
    }
    switch (dev->protocol_handler()->deliver(*dev, *p)) {
        case DeliverResult::delivered:
            ++dev->counters().rx_packets;
            dev->counters().rx_bytes += p->len();
            return RxResult::delivered;
        case DeliverResult::busy:
            if (dev->rx_holds_when_busy()) {
                return RxResult::busy;
            }
            break;
        case DeliverResult::down:
            return drop(*dev, DropReason::rx_link_down);
        case DeliverResult::dropped:
            break;
    }
    return drop(*dev, DropReason::rx_no_buffer);
}

RxResult dev_forward(NetDevice& dev, Packet& pkt) {
    // ____dev_forward_skb's is_skb_forwardable: up, and MTU + header + tag.
    if (!dev.up() || pkt.len() > dev.mtu() + wire::kEthHlen + wire::kVlanHlen) {
        return drop(dev, DropReason::fwd_dropped);
    }
    pkt.dev = &dev;
    return netif_receive_eth(pkt);
}

XmitResult dev_queue_xmit(NetDevice& dev, Packet& pkt) {
    DropReason why;
    if (!dev.running()) {
        why = DropReason::tx_link_down;
    } else if (pkt.len() < wire::kEthHlen) {
        why = DropReason::tx_runt;
    } else if (pkt.len() > dev.mtu() + wire::kEthHlen + wire::kVlanHlen) {
        why = DropReason::tx_oversize;
    } else {
        const std::size_t len = pkt.len();
        const XmitResult r = dev.xmit_ops()->xmit(dev, pkt);
        if (r != XmitResult::dropped) {
            ++dev.counters().tx_packets;
            dev.counters().tx_bytes += len;
        }
        return r;
    }
    dev.counters().drop(why);
    return XmitResult::dropped;
}

}  // namespace vnet
