// SPDX-License-Identifier: GPL-2.0-or-later
// The lower ("physical") device and what its host gives every device
// stacked on it: the packet pool (the kernel's skb allocator), the deferred
// work queue (its system workqueue) and the IP layer of the lower's network
// namespace, which ipvlan L3/L3S route through (ipvlan_process_outbound).
// Any device above reaches it as NetDevice::phys(), so nothing stacked on
// it needs these handed in, and an ipvlan child finds the IP layer when it
// routes, whenever that was configured. Destroying it unregisters its
// device (NETDEV_UNREGISTER): the devices stacked on it are unlinked and
// left down, as their dellink would leave them were they not the guest's.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "vnet/clock.h"
#include "vnet/inet.h"
#include "vnet/macvlan.h"
#include "vnet/net_device.h"
#include "vnet/packet_pool.h"
#include "vnet/work.h"

namespace vnet {

struct PhysConfig {
    // Also the largest MTU it takes later: its buffers are sized for it.
    unsigned mtu = NetDevice::kDefaultMtu;
    std::size_t buffers = 0;        // 0: kDefaultBuffers
    std::size_t buffer_size = 0;    // 0: headroom + mtu + Ethernet + VLAN header
    std::size_t large_buffers = 0;  // 0: kDefaultLargeBuffers (GSO frames)
};

class PhysDev {
  public:
    // Guest TX in flight at once, the broadcast backlog and one device's
    // full RX backlog; buffers are made on first need, so an idle device
    // holds few.
    static constexpr std::size_t kDefaultBuffers = 256 + kMacvlanBcQueueLen + RxBacklog::kLimit;
    // GSO frames in flight at once (a guest's TSO burst, queued frames):
    // 64 KiB each, so a bound of 4 MiB.
    static constexpr std::size_t kDefaultLargeBuffers = 64;

    PhysDev(std::string name, const MacAddr& mac, XmitOps* wire, ProtocolHandler* stack,
            const PhysConfig& cfg = {});
    ~PhysDev();
    PhysDev(const PhysDev&) = delete;
    PhysDev& operator=(const PhysDev&) = delete;

    NetDevice& dev() { return dev_; }
    const NetDevice& dev() const { return dev_; }
    PacketPool& pool() { return pool_; }
    WorkQueue& wq() { return wq_; }
    // What the uplink takes whole (a netdev without a virtio-net header:
    // nothing); frames sent on it are cut and checksummed to fit.
    const RxOffloads& wire_offloads() const { return wire_offloads_; }
    void set_wire_offloads(const RxOffloads& w) { wire_offloads_ = w; }
    // Where software segmentation and checksumming build their frames
    // (one at a time: the datapath runs on one thread), made once.
    std::span<std::uint8_t> gso_scratch() { return {scratch_.get(), PacketPool::kLargeBufferSize}; }

    // The clock of the stack's timers (neighbours, ipvlan's address
    // probes): without one, nothing that waits on time runs.
    void set_clock(const Clock& clock) { clock_ = &clock; }
    const Clock* clock() const { return clock_; }
    // Runs every timer of this device and what is stacked on it (the IP
    // layer's neighbours, ipvlan ports' probes); returns the milliseconds
    // until it wants to run again.
    std::uint64_t run_timers();
    // Whoever runs the timers hears when something wants them sooner than
    // their idle tick (a probe just sent).
    using TimerHook = void (*)(void* opaque, std::uint64_t ms);
    void set_timer_hook(TimerHook hook, void* opaque) {
        timer_hook_ = hook;
        timer_hook_opaque_ = opaque;
    }
    void want_timers_in(std::uint64_t ms) {
        if (timer_hook_) {
            timer_hook_(timer_hook_opaque_, ms);
        }
    }

    // Gives the lower its IP layer (ip=, gw=), replacing any earlier one;
    // the clock becomes the device's.
    void set_inet(const Clock& clock, const InetConfig& cfg);
    InetLayer* inet() const { return inet_.get(); }
    // What ipvlan L3/L3S route through: the IP layer, unless another
    // L3Outbound was put in its place (set_l3_outbound, for tests).
    L3Outbound* l3_outbound() const { return outbound_; }
    void set_l3_outbound(L3Outbound* out) { outbound_ = out; }

    // for_each_netdev over this device and everything stacked on it, at
    // any depth, in creation (ifindex) order. Control path: it allocates.
    template <typename Fn>
    void for_each_dev(Fn fn) {
        for (NetDevice* d : devices()) {
            fn(*d);
        }
    }
    std::vector<NetDevice*> devices();

  private:
    friend class NetDevice;
    std::uint32_t next_ifindex() { return ++ifindex_; }

    PacketPool pool_;  // before dev_: the ports' queued frames return here
    std::unique_ptr<std::uint8_t[]> scratch_;
    RxOffloads wire_offloads_;
    WorkQueue wq_;
    NetDevice dev_;
    std::uint32_t ifindex_ = 0;
    const Clock* clock_ = nullptr;
    TimerHook timer_hook_ = nullptr;
    void* timer_hook_opaque_ = nullptr;
    std::unique_ptr<InetLayer> inet_;
    L3Outbound* outbound_ = nullptr;
};

}  // namespace vnet
