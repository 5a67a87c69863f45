// SPDX-License-Identifier: GPL-2.0-or-later
// macvlan datapath (drivers/net/macvlan.c): macvlan_handle_frame on the
// lower's receive path, macvlan_queue_xmit on a child's transmit path, the
// broadcast backlog and its worker (macvlan_broadcast_enqueue,
// macvlan_process_broadcast, macvlan_broadcast) and source-mode forwarding
// (macvlan_forward_source). No allocation: lookups are hash finds, and
// the frames the worker needs later are copied into pool buffers.
#include "vnet/dev.h"
#include "vnet/macvlan.h"
#include "vnet/wire/ethernet.h"

namespace vnet {

namespace {

constexpr unsigned bit(MacvlanMode m) { return static_cast<unsigned>(m); }

constexpr unsigned kAllButSource = bit(MacvlanMode::private_) | bit(MacvlanMode::vepa) |
                                   bit(MacvlanMode::passthru) | bit(MacvlanMode::bridge);

}  // namespace

// macvlan_forward_source: every source-mode child listing `src` gets a
// copy; true if one of them has NODST and so consumes the frame.
bool MacvlanPort::forward_source(const Packet& pkt, const MacAddr& src) {
    if (source_hash_.empty()) {
        return false;  // no source-mode child: skip the hash
    }
    bool consume = false;
    auto range = source_hash_.equal_range(src);
    for (auto it = range.first; it != range.second; ++it) {
        MacvlanDev* vlan = it->second;
        consume |= vlan->nodst_;
        if (!vlan->dev_.up()) {
            continue;
        }
        // macvlan_forward_source_one: PACKET_HOST if it is for this child,
        // else the type the lower saw.
        const bool mine = MacAddr::from(pkt.headers().data()) == vlan->dev_.mac();
        Packet v = Packet::view(pkt, vlan->dev_, mine ? PacketType::host : pkt.pkt_type);
        netif_receive(v);
    }
    return consume;
}

// macvlan_broadcast: a copy to every child in `mode_mask` but the sender
// whose multicast filter takes the destination. `local` is the bridge-mode
// transmit case, where the frame is forwarded (__dev_forward_skb) rather
// than received from the wire.
void MacvlanPort::broadcast(const Packet& pkt, const NetDevice* src, unsigned mode_mask,
                            bool local) {
    const MacAddr dst = MacAddr::from(pkt.headers().data());
    const PacketType type = dst.is_broadcast() ? PacketType::broadcast : PacketType::multicast;
    for (MacvlanDev* vlan : vlans_) {
        if (&vlan->dev_ == src || !(bit(vlan->mode_) & mode_mask) ||
            !vlan->dev_.filter().accepts(dst)) {
            continue;
        }
        Packet v = Packet::view(pkt, vlan->dev_, type);
        if (local) {
            dev_forward(vlan->dev_, v);  // __dev_forward_skb re-classifies
        } else {
            netif_receive(v);
        }
    }
}

// macvlan_broadcast_enqueue: the frame waits for the worker; a full
// backlog or a failed clone drops it, counted on the lower (skb->dev).
void MacvlanPort::broadcast_enqueue(const MacvlanDev* src, const Packet& pkt) {
    switch (bc_queue_.enqueue(pkt, src)) {
        case BacklogResult::queued:
            break;
        case BacklogResult::full:
            lower_.counters().drop(DropReason::rx_bc_backlog_full);
            break;
        case BacklogResult::no_buffer:
            lower_.counters().drop(DropReason::rx_no_clone_buffer);
            break;
    }
}

// macvlan_process_broadcast: who gets a frame depends on who sent it.
void MacvlanPort::process_broadcast(void* owner) {
    auto* port = static_cast<MacvlanPort*>(owner);
    // Only what is queued now: frames queued meanwhile wait for the next run.
    for (std::size_t n = port->bc_queue_.size(); n > 0; --n) {
        auto [pkt, src] = port->bc_queue_.dequeue();
        if (!pkt) {
            continue;  // its sender went away
        }
        if (!src) {
            // from an external address
            port->broadcast(*pkt, nullptr, kAllButSource, false);
        } else if (src->mode_ == MacvlanMode::vepa) {
            // back from the relay: everyone but the sender
            port->broadcast(*pkt, &src->dev_, bit(MacvlanMode::vepa) | bit(MacvlanMode::bridge),
                            false);
        } else {
            // a bridge child's own frame: bridge children had it on the way out
            port->broadcast(*pkt, &src->dev_, bit(MacvlanMode::vepa), false);
        }
    }
}

// macvlan_handle_frame: the lower's rx_handler.
RxHandlerResult MacvlanPort::handle_frame(Packet*& pkt, void* data) {
    auto* port = static_cast<MacvlanPort*>(data);
    const MacAddr dst = MacAddr::from(pkt->headers().data());
    const MacAddr src_mac = MacAddr::from(pkt->headers().data() + kEthAlen);

    if (dst.is_multicast()) {
        // ip_check_defrag is not modelled: fragments are delivered as they
        // come (see docs: how this differs from Linux).
        if (port->forward_source(*pkt, src_mac)) {
            return RxHandlerResult::consumed;
        }
        const MacvlanDev* src = port->hash_lookup(src_mac);
        if (src && src->mode_ != MacvlanMode::vepa && src->mode_ != MacvlanMode::bridge) {
            // Our own private/passthru/source child's frame came back from
            // the relay: only the sender sees it again.
            MacvlanDev* back = const_cast<MacvlanDev*>(src);
            Packet v =
                Packet::view(*pkt, back->dev_,
                             dst.is_broadcast() ? PacketType::broadcast : PacketType::multicast);
            netif_receive(v);
            return RxHandlerResult::consumed;
        }
        // The kernel filters here with the port's multicast hash (the union
        // of the children's lists); the worker applies each child's exact
        // filter instead, which delivers the same frames.
        port->broadcast_enqueue(src, *pkt);
        return RxHandlerResult::pass;
    }

    if (port->forward_source(*pkt, src_mac)) {
        return RxHandlerResult::consumed;
    }
    MacvlanDev* vlan = port->passthru_ ? (port->vlans_.empty() ? nullptr : port->vlans_.front())
                                       : port->hash_lookup(dst);
    if (!vlan || vlan->mode_ == MacvlanMode::source) {
        return RxHandlerResult::pass;
    }
    if (!vlan->dev_.up()) {
        vlan->dev_.counters().drop(DropReason::rx_upper_down);
        return RxHandlerResult::consumed;
    }
    pkt->dev = &vlan->dev_;
    pkt->pkt_type = PacketType::host;
    return RxHandlerResult::another;
}

bool MacvlanPort::lower_xmit(Packet& pkt) {
    if (!veb_ || pkt.len() < wire::kEthHlen) {
        return false;
    }
    const MacAddr dst = MacAddr::from(pkt.headers().data());
    if (dst.is_multicast()) {
        broadcast(pkt, &lower_, bit(MacvlanMode::bridge), true);
        return false;
    }
    MacvlanDev* dest = hash_lookup(dst);
    if (!dest || dest->mode_ != MacvlanMode::bridge) {
        return false;
    }
    dev_forward(lower_, pkt);  // the lower's rx_handler hands it to dest
    return true;
}

// macvlan_queue_xmit: bridge children reach each other directly; all else
// goes out through the lower.
XmitResult MacvlanDev::xmit(NetDevice& dev, Packet& pkt) {
    if (mode_ == MacvlanMode::bridge) {
        const MacAddr dst = MacAddr::from(pkt.headers().data());
        NetDevice& lower = port_->lower();
        if (dst.is_multicast()) {
            port_->broadcast(pkt, &dev, bit(MacvlanMode::bridge), true);
            if (port_->veb_) {
                // The VEB's other port, the lower's own stack, has it too.
                Packet v = Packet::view(
                    pkt, lower, dst.is_broadcast() ? PacketType::broadcast : PacketType::multicast);
                netif_deliver(v);
            }
        } else if (port_->veb_ && dst == lower.mac()) {
            // To the PF: through the lower's receive path, which no child
            // claims, to its own stack.
            dev_forward(lower, pkt);
            return XmitResult::sent;
        } else if (MacvlanDev* dest = port_->hash_lookup(dst);
                   dest && dest->mode_ == MacvlanMode::bridge) {
            // Through the lower's receive path (its taps see it), which
            // hands it to dest with macvlan_handle_frame. Sent once handed
            // over, as netif_rx's success is in Linux: a drop on the way
            // (dest's ring full) is counted there, so each frame once.
            dev_forward(port_->lower(), pkt);
            return XmitResult::sent;
        }
    }
    return dev_queue_xmit(port_->lower(), pkt);
}

}  // namespace vnet
