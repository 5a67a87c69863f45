// SPDX-License-Identifier: GPL-2.0-or-later
// Net device set-up: the control side of struct net_device
// (netdev_rx_handler_register and friends).
#include "vnet/net_device.h"

#include <algorithm>
#include <cstdio>
#include <utility>

#include "vnet/phys_dev.h"

namespace vnet {

NetDevice::NetDevice(std::string name, const MacAddr& mac, XmitOps* xmit, ProtocolHandler* stack)
    : name_(std::move(name)), xmit_(xmit), stack_(stack) {
    filter_.set_mac(mac);
    counters_.owner = &name_;
}

NetDevice::~NetDevice() {
    set_lower(nullptr);
    for (NetDevice* u : uppers_) {
        u->lower_ = nullptr;
        u->phys_ = nullptr;
        u->rx_backlog_.reset();  // its buffers are the pool's below
    }
}

void NetDevice::set_carrier(bool on) {
    const bool was = carrier();
    carrier_in_ = on;
    carrier_changed(was);
}

void NetDevice::set_proto_down(bool down) {
    const bool was = carrier();
    proto_down_ = down;
    carrier_changed(was);
}

void NetDevice::set_vf(const VfConfig& vf) {
    const bool was = carrier();
    if (!vf_) {
        vf_ = std::make_unique<VfConfig>();
    }
    *vf_ = vf;
    carrier_changed(was);
}

// NETDEV_CHANGE, then netif_stacked_transfer_operstate for every upper:
// macvlan and ipvlan each do that from their notifier, the same way, so it
// is done once here for any device stacked on this one.
void NetDevice::carrier_changed(bool was) {
    const bool on = carrier();
    if (was != on) {
        call_netdevice_notifiers(NetdevEvent::change);
    }
    for (NetDevice* u : uppers_) {
        u->set_carrier(on);
    }
}

void NetDevice::call_netdevice_notifiers(NetdevEvent ev) {
    if (event_hook_) {
        event_hook_(event_hook_opaque_, *this, ev);
    }
    if (rx_handler_event_) {
        rx_handler_event_(*this, ev, rx_handler_data_);
    }
}

bool NetDevice::is_phys() const { return phys_ && &phys_->dev() == this; }

bool NetDevice::change_mtu(unsigned mtu, std::string* why) {
    const unsigned max = max_mtu();
    if (mtu < kMinMtu || mtu > max) {
        char buf[128];
        std::snprintf(
            buf, sizeof(buf), "%u is outside %u..%u (%s)", mtu, kMinMtu, max,
            is_phys() ? "the MTU it was created with" : "a child's MTU is at most its lower's");
        *why = buf;
        return false;
    }
    if (mtu != mtu_) {
        mtu_ = mtu;
        call_netdevice_notifiers(NetdevEvent::change_mtu);
    }
    return true;
}

void NetDevice::set_up(bool up) {
    up_ = up;
    if (!up) {
        purge_rx_backlog(DropReason::rx_link_down);
    }
}

RxBacklog* NetDevice::make_rx_backlog() {
    if (!rx_backlog_ && phys_) {
        rx_backlog_ = std::make_unique<RxBacklog>(phys_->pool());
    }
    return rx_backlog_.get();
}

void NetDevice::purge_rx_backlog(DropReason why) {
    if (rx_backlog_) {
        for (std::size_t n = rx_backlog_->purge(); n; --n) {
            counters_.drop(why);
        }
    }
}

void NetDevice::set_lower(NetDevice* lower) {
    if (lower_) {
        std::erase(lower_->uppers_, this);
    }
    // Waiting frames are the old lower's pool's: they go with the link.
    purge_rx_backlog(DropReason::rx_link_down);
    rx_backlog_.reset();
    lower_ = lower;
    phys_ = lower ? lower->phys_ : nullptr;
    if (lower_) {
        lower_->uppers_.push_back(this);
        if (phys_ && ifindex_ == 0) {
            ifindex_ = phys_->next_ifindex();
        }
        set_carrier(lower_->carrier());
    }
}

bool NetDevice::rx_handler_register(RxHandler handler, void* data, DeviceEventHandler on_event) {
    if (rx_handler_ || no_rx_handler_) {
        return false;  // -EBUSY in the kernel: one handler per device
    }
    rx_handler_ = handler;
    rx_handler_data_ = data;
    rx_handler_event_ = on_event;
    return true;
}

void NetDevice::rx_handler_unregister() {
    rx_handler_ = nullptr;
    rx_handler_data_ = nullptr;
    rx_handler_event_ = nullptr;
}

}  // namespace vnet
