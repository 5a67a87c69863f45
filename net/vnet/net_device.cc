// SPDX-License-Identifier: GPL-2.0-or-later
// Net device set-up: the control side of struct net_device
// (netdev_rx_handler_register and friends).
#include "vnet/net_device.h"

#include <utility>

namespace vnet {

NetDevice::NetDevice(std::string name, const MacAddr& mac, XmitOps* xmit, Stack* stack)
    : name_(std::move(name)), xmit_(xmit), stack_(stack) {
    filter_.set_mac(mac);
}

NetDevice::~NetDevice() = default;

bool NetDevice::rx_handler_register(RxHandler handler, void* data) {
    if (rx_handler_) {
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
