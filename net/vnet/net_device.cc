// SPDX-License-Identifier: GPL-2.0-or-later
// Net device set-up: the control side of struct net_device
// (netdev_rx_handler_register and friends).
#include "vnet/net_device.h"

#include <algorithm>
#include <utility>

namespace vnet {

NetDevice::NetDevice(std::string name, const MacAddr& mac, XmitOps* xmit, Stack* stack)
    : name_(std::move(name)), xmit_(xmit), stack_(stack) {
    filter_.set_mac(mac);
    counters_.owner = &name_;
}

NetDevice::~NetDevice() {
    set_lower(nullptr);
    for (NetDevice* u : uppers_) {
        u->lower_ = nullptr;
    }
}

void NetDevice::set_carrier(bool on) {
    const bool was = carrier();
    carrier_in_ = on;
    carrier_changed(was);
}

void NetDevice::set_link_down(bool down) {
    const bool was = carrier();
    link_down_ = down;
    carrier_changed(was);
}

void NetDevice::carrier_changed(bool was) {
    const bool on = carrier();
    if (was != on && carrier_hook_) {
        carrier_hook_(carrier_hook_opaque_, on);
    }
    for (NetDevice* u : uppers_) {
        u->set_carrier(on);
    }
}

void NetDevice::set_lower(NetDevice* lower) {
    if (lower_) {
        std::erase(lower_->uppers_, this);
    }
    lower_ = lower;
    if (lower_) {
        lower_->uppers_.push_back(this);
        set_carrier(lower_->carrier());
    }
}

bool NetDevice::rx_handler_register(RxHandler handler, void* data) {
    if (rx_handler_ || no_rx_handler_) {
        return false;  // -EBUSY in the kernel: one handler per device
    }
    rx_handler_ = handler;
    rx_handler_data_ = data;
    return true;
}

void NetDevice::rx_handler_unregister() {
    rx_handler_ = nullptr;
    rx_handler_data_ = nullptr;
}

}  // namespace vnet
