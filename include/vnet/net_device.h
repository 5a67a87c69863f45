// SPDX-License-Identifier: GPL-2.0-or-later
// The net device, our struct net_device: MAC, MTU, administrative and
// carrier state, counters, one rx_handler slot (netdev_rx_handler_register)
// and the upper/lower link that rx_handler chaining follows. What a device
// does with a frame it sends, and what its own protocol stack is, are two
// small interfaces so the same object serves the lower port, the children
// and unit tests.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "vnet/counters.h"
#include "vnet/mac_addr.h"
#include "vnet/packet.h"
#include "vnet/rx_backlog.h"
#include "vnet/rx_filter.h"
#include "vnet/vf_config.h"

namespace vnet {

// rx_handler_result_t of include/linux/netdevice.h.
enum class RxHandlerResult : std::uint8_t {
    consumed,  // the handler took the packet
    another,   // packet->dev changed: run the loop again for the new device
    exact,     // deliver only to what is bound to this exact device
    pass,      // as if there were no handler: up this device's own stack
};

inline const char* rx_handler_result_name(RxHandlerResult r) {
    switch (r) {
        case RxHandlerResult::consumed:
            return "consumed";
        case RxHandlerResult::another:
            return "another";
        case RxHandlerResult::exact:
            return "exact";
        case RxHandlerResult::pass:
            break;
    }
    return "pass";
}

// The handler may replace the packet (the kernel's struct sk_buff **pskb).
using RxHandler = RxHandlerResult (*)(Packet*& pkt, void* data);

// The netdevice notifier events the stack acts on (NETDEV_* of
// include/linux/netdevice.h).
enum class NetdevEvent : std::uint8_t {
    change,      // NETDEV_CHANGE: the carrier went on or off
    change_mtu,  // NETDEV_CHANGEMTU
    unregister,  // NETDEV_UNREGISTER: the device is going away
};

class NetDevice;
class PhysDev;

// What the owner of a device's rx_handler does on that device's events
// (macvlan_device_event, ipvlan_device_event: the kernel's notifier chain
// reaches a port through its lower, as here).
using DeviceEventHandler = void (*)(NetDevice& dev, NetdevEvent ev, void* data);

// What the device does with a packet it transmits (ndo_start_xmit).
// `held`: taken, but it waits (ipvlan asking who owns an address); it is
// counted, sent or dropped, once it goes on, not now.
enum class XmitResult : std::uint8_t { sent, queued, dropped, held };

class XmitOps {
  public:
    virtual XmitResult xmit(NetDevice& dev, Packet& pkt) = 0;

  protected:
    ~XmitOps() = default;
};

// What the device's own protocol stack does with a packet passed up to it
// (deliver_skb to the protocol handlers dev_add_pack registered; here the
// guest function: for the lower port, function 0, its host stack).
enum class DeliverResult : std::uint8_t {
    delivered,
    busy,  // no room now (see NetDevice::rx_holds_when_busy)
    dropped,
    down,  // the stack is not running (its guest driver is not ready)
};

class ProtocolHandler {
  public:
    virtual DeliverResult deliver(NetDevice& dev, const Packet& pkt) = 0;

  protected:
    ~ProtocolHandler() = default;
};

class NetDevice {
  public:
    static constexpr unsigned kDefaultMtu = 1500;
    // The smallest MTU a device takes: IPv4's minimum, RFC 791 (ETH_MIN_MTU).
    static constexpr unsigned kMinMtu = 68;

    NetDevice(std::string name, const MacAddr& mac, XmitOps* xmit, ProtocolHandler* stack);
    NetDevice(const NetDevice&) = delete;
    NetDevice& operator=(const NetDevice&) = delete;
    ~NetDevice();

    const std::string& name() const { return name_; }
    const MacAddr& mac() const { return filter_.mac(); }
    void set_mac(const MacAddr& m) { filter_.set_mac(m); }
    unsigned mtu() const { return mtu_; }
    // Sets the MTU at creation, before anything is stacked or told.
    void set_mtu(unsigned mtu) { mtu_ = mtu; }
    // dev_set_mtu: kMinMtu..max_mtu() (dev_validate_mtu), then
    // NETDEV_CHANGEMTU. False, with the reason in *why, if refused.
    bool change_mtu(unsigned mtu, std::string* why);
    // An upper's bound is its lower's MTU (macvlan_change_mtu); the
    // lowest device's is what it was made for (dev->max_mtu).
    unsigned max_mtu() const { return lower_ ? lower_->mtu() : max_mtu_; }
    void set_max_mtu(unsigned mtu) { max_mtu_ = mtu; }

    // IFF_UP and the carrier (netif_carrier_on/off). Receiving needs the
    // device up; sending also needs carrier (a carrier-less device's qdisc
    // drops, as Linux's dev_deactivate makes it).
    bool up() const { return up_; }
    // Going down drops what waits in the RX backlog (as dev_close's
    // flush_backlog), counted as rx_link_down.
    void set_up(bool up);
    // The carrier is the lower's (or the wire's) and not taken down by
    // the user (QEMU's set_link on this device's own function); a VF's
    // link state may force it either way.
    bool carrier() const {
        return (vf_ ? vf_carrier(*vf_, carrier_in_) : carrier_in_) && !proto_down_;
    }
    // What the wire or the lower says. Also carries the resulting state to
    // every upper device, as netif_stacked_transfer_operstate does for
    // macvlan and ipvlan.
    void set_carrier(bool on);
    // The user's cable pull; the uppers follow as for a carrier loss.
    void set_proto_down(bool down);
    bool proto_down() const { return proto_down_; }
    bool running() const { return up_ && carrier(); }
    // An SR-IOV VF's host-side settings (null: not a VF). Setting them
    // makes the device a VF; the carrier follows a new link state.
    const VfConfig* vf() const { return vf_.get(); }
    void set_vf(const VfConfig& vf);
    // Whoever embeds this device hears of its events first (the glue tells
    // its guest of NETDEV_CHANGE and NETDEV_CHANGEMTU).
    using EventHook = void (*)(void* opaque, NetDevice& dev, NetdevEvent ev);
    void set_event_hook(EventHook hook, void* opaque) {
        event_hook_ = hook;
        event_hook_opaque_ = opaque;
    }
    EventHook event_hook() const { return event_hook_; }
    void* event_hook_opaque() const { return event_hook_opaque_; }
    // call_netdevice_notifiers: the embedder's hook, then the handler of
    // whatever is stacked on this device (its rx_handler's owner).
    void call_netdevice_notifiers(NetdevEvent ev);

    // The offloads of the driver behind this device: what it may send
    // with a frame, and what it takes whole (else frames are cut and
    // checksummed for it, as validate_xmit_skb does for a device without
    // the feature). A device with no driver of its own (the lower's wire)
    // takes none.
    const TxOffloads& tx_offloads() const { return tx_offloads_; }
    const RxOffloads& rx_offloads() const { return rx_offloads_; }
    void set_offloads(const TxOffloads& tx, const RxOffloads& rx) {
        tx_offloads_ = tx;
        rx_offloads_ = rx;
    }

    // Frames the stack had no room for, waiting (made on first need, from
    // the pool of the PhysDev below).
    RxBacklog* rx_backlog() const { return rx_backlog_.get(); }
    RxBacklog* make_rx_backlog();
    // Drops every waiting frame, each counted under `why`.
    void purge_rx_backlog(DropReason why);

    RxFilter& filter() { return filter_; }
    const RxFilter& filter() const { return filter_; }
    DeviceCounters& counters() { return counters_; }
    const DeviceCounters& counters() const { return counters_; }

    // IFF_NO_RX_HANDLER: nothing may stack on this device (ipvlan sets it).
    void set_no_rx_handler(bool on) { no_rx_handler_ = on; }
    bool no_rx_handler() const { return no_rx_handler_; }

    // netdev_rx_handler_register: one handler per device; false if taken
    // or refused (IFF_NO_RX_HANDLER). on_event, if given, hears this
    // device's events for as long as the handler stays.
    bool rx_handler_register(RxHandler handler, void* data, DeviceEventHandler on_event = nullptr);
    void rx_handler_unregister();
    RxHandler rx_handler() const { return rx_handler_; }
    void* rx_handler_data() const { return rx_handler_data_; }

    // netdev_upper_dev_link / unlink: this device sits on `lower` (null to
    // unlink); it starts with the lower's carrier.
    void set_lower(NetDevice* lower);
    NetDevice* lower() const { return lower_; }
    const std::vector<NetDevice*>& uppers() const { return uppers_; }
    // The lowest device this one is stacked on, with the pool, work queue
    // and IP layer they all share; null for a device on none (unlinked).
    PhysDev* phys() const { return phys_; }
    bool is_phys() const;
    // Whether a handler's "busy" is passed back to whoever fed the packet
    // in, so it keeps the packet and retries (QEMU's net queue does): only
    // for the bottom of a stack (the lower port) with nothing stacked on
    // it. Anywhere else holding one packet would stall every sibling
    // behind it, so it is dropped as rx_no_buffer, as a full backlog drops
    // in Linux (enqueue_to_backlog).
    bool rx_holds_when_busy() const { return !lower_ && uppers_.empty(); }
    // ifindex: creation order among the devices of one PhysDev.
    std::uint32_t ifindex() const { return ifindex_; }

    XmitOps* xmit_ops() const { return xmit_; }
    ProtocolHandler* protocol_handler() const { return stack_; }

  private:
    friend class PhysDev;
    void carrier_changed(bool was);

    std::string name_;
    unsigned mtu_ = kDefaultMtu;
    unsigned max_mtu_ = 0;
    bool up_ = true;
    bool carrier_in_ = true;
    bool proto_down_ = false;
    std::unique_ptr<VfConfig> vf_;
    RxFilter filter_;
    DeviceCounters counters_;
    TxOffloads tx_offloads_;
    RxOffloads rx_offloads_;
    std::unique_ptr<RxBacklog> rx_backlog_;
    bool no_rx_handler_ = false;
    RxHandler rx_handler_ = nullptr;
    void* rx_handler_data_ = nullptr;
    DeviceEventHandler rx_handler_event_ = nullptr;
    NetDevice* lower_ = nullptr;
    std::vector<NetDevice*> uppers_;
    PhysDev* phys_ = nullptr;
    std::uint32_t ifindex_ = 0;
    EventHook event_hook_ = nullptr;
    void* event_hook_opaque_ = nullptr;
    XmitOps* xmit_;
    ProtocolHandler* stack_;
};

}  // namespace vnet
