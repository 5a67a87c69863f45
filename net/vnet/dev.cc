// SPDX-License-Identifier: GPL-2.0-or-later
// The receive loop of __netif_receive_skb_core (net/core/dev.c) reduced to
// what a device model needs: eth_type_trans's pkt_type, the rx_handler
// chain with its four results, and delivery to the device's own stack;
// and dev_queue_xmit's checks in front of the driver's xmit.
#include "vnet/dev.h"

#include "vnet/wire/ethernet.h"

namespace vnet {

namespace {

// eth_type_trans: classify by destination address.
PacketType classify(const NetDevice& dev, const MacAddr& dst) {
    if (dst.is_multicast()) {
        return dst.is_broadcast() ? PacketType::broadcast : PacketType::multicast;
    }
    return dst == dev.mac() ? PacketType::host : PacketType::otherhost;
}

RxResult drop(NetDevice& dev, DropReason why) {
    dev.counters().drop(why);
    return RxResult::dropped;
}

}  // namespace

RxResult netif_receive(Packet& pkt) {
    NetDevice* dev = pkt.dev;
    if (pkt.len() < wire::kEthHlen) {
        return drop(*dev, DropReason::rx_runt);
    }
    if (!dev->running()) {
        return drop(*dev, DropReason::rx_link_down);
    }
    const MacAddr dst = MacAddr::from(pkt.data());
    pkt.pkt_type = classify(*dev, dst);

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
    if (!dev->filter().accepts(MacAddr::from(p->data()))) {
        return drop(*dev, DropReason::rx_filtered);
    }
    switch (dev->stack()->deliver(*dev, *p)) {
        case DeliverResult::delivered:
            ++dev->counters().rx_packets;
            dev->counters().rx_bytes += p->len();
            return RxResult::delivered;
        case DeliverResult::busy:
            return RxResult::busy;
        case DeliverResult::dropped:
            break;
    }
    return drop(*dev, DropReason::rx_no_buffer);
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
