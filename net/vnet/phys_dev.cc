// SPDX-License-Identifier: GPL-2.0-or-later
// The lower device's set-up and teardown (register_netdevice and
// unregister_netdevice of the device a host's driver creates).
#include "vnet/phys_dev.h"

#include <algorithm>

#include "vnet/ipvlan.h"
#include "vnet/wire/ethernet.h"

namespace vnet {

namespace {

std::size_t buffer_size(const PhysConfig& cfg) {
    return cfg.buffer_size
               ? cfg.buffer_size
               : PacketPool::kDefaultHeadroom + cfg.mtu + wire::kEthHlen + wire::kVlanHlen;
}

}  // namespace

PhysDev::PhysDev(std::string name, const MacAddr& mac, XmitOps* wire, ProtocolHandler* stack,
                 const PhysConfig& cfg)
    : pool_(buffer_size(cfg), cfg.buffers ? cfg.buffers : kDefaultBuffers,
            cfg.large_buffers ? cfg.large_buffers : kDefaultLargeBuffers),
      scratch_(std::make_unique<std::uint8_t[]>(PacketPool::kLargeBufferSize)),
      dev_(std::move(name), mac, wire, stack) {
    dev_.phys_ = this;
    dev_.ifindex_ = next_ifindex();
    dev_.set_mtu(cfg.mtu);
    dev_.set_max_mtu(cfg.mtu);
}

PhysDev::~PhysDev() {
    // What is stacked on it goes first (their ports hold pool buffers and
    // work items); the IP layer last, as a namespace outlives its devices.
    dev_.call_netdevice_notifiers(NetdevEvent::unregister);
}

void PhysDev::set_inet(const Clock& clock, const InetConfig& cfg) {
    clock_ = &clock;
    inet_ = std::make_unique<InetLayer>(dev_, pool_, clock, cfg);
    outbound_ = inet_.get();
}

std::uint64_t PhysDev::run_timers() {
    std::uint64_t next = kNeighTickMs;
    if (inet_) {
        inet_->run_timers();
    }
    // An ipvlan port sits on this device or on a macvlan child of it.
    for (NetDevice* d : devices()) {
        if (IpvlanPort* port = IpvlanPort::of(*d)) {
            next = std::min(next, port->run_timers());
        }
    }
    return next;
}

std::vector<NetDevice*> PhysDev::devices() {
    std::vector<NetDevice*> out{&dev_};
    for (std::size_t i = 0; i < out.size(); ++i) {
        for (NetDevice* u : out[i]->uppers()) {
            out.push_back(u);
        }
    }
    std::sort(out.begin(), out.end(),
              [](const NetDevice* a, const NetDevice* b) { return a->ifindex() < b->ifindex(); });
    return out;
}

}  // namespace vnet
