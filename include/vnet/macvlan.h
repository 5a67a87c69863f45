// SPDX-License-Identifier: GPL-2.0-or-later
// macvlan (drivers/net/macvlan.c): children with their own MAC addresses on
// a lower device, in the five modes of enum macvlan_mode. The port is the
// lower's rx_handler_data; the entry points mirror the kernel's:
//   newlink (macvlan_common_newlink)    MacvlanDev::newlink
//   dellink                             MacvlanDev::dellink, ~MacvlanDev
//   macvlan_device_event                the port's device_event
//   macvlan_handle_frame                the port's rx_handler
//   macvlan_queue_xmit                  MacvlanDev::xmit
//   macvlan_process_broadcast           the port's deferred broadcast work
//   IFLA_MACVLAN_MACADDR_MODE           source_add/del/flush/set
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "vnet/backlog.h"
#include "vnet/flat_map.h"
#include "vnet/net_device.h"
#include "vnet/work.h"

namespace vnet {

// The values of enum macvlan_mode (include/uapi/linux/if_link.h): bits,
// so a set of modes is a mask, as macvlan_broadcast() takes one.
enum class MacvlanMode : std::uint8_t {
    private_ = 1,
    vepa = 2,
    bridge = 4,
    passthru = 8,
    source = 16,
};

// MACVLAN_DEFAULT_BC_QUEUE_LEN: broadcast/multicast frames waiting for the
// worker; beyond it they are dropped and counted on the lower.
inline constexpr std::size_t kMacvlanBcQueueLen = 1000;

class MacvlanDev;

// struct macvlan_port: one per lower device that has macvlan children,
// shared by them and gone with the last.
class MacvlanPort : public std::enable_shared_from_this<MacvlanPort> {
  public:
    // On `lower`, which must be stacked on a PhysDev (its pool and work
    // queue serve the backlog).
    explicit MacvlanPort(NetDevice& lower);
    ~MacvlanPort();
    MacvlanPort(const MacvlanPort&) = delete;
    MacvlanPort& operator=(const MacvlanPort&) = delete;

    // The port of `lower` if its rx_handler is macvlan's, else null.
    static MacvlanPort* of(const NetDevice& lower);

    NetDevice& lower() const { return lower_; }
    bool passthru() const { return passthru_; }
    std::size_t count() const { return vlans_.size(); }
    std::size_t bc_queued() const { return bc_queue_.size(); }

    // macvlan_hash_lookup: the child whose MAC is `addr`.
    MacvlanDev* hash_lookup(const MacAddr& addr) const;

    // An SR-IOV NIC's VEB, which Linux's macvlan is not: the lower's own
    // stack (the PF) is a port of the bridge too, so it and the bridge-mode
    // children reach each other inside the device, unicast and broadcast,
    // where a macvlan lower's own frames go to the wire and never to its
    // children. Off unless set (the PF of an SR-IOV vnet-multi).
    void set_veb(bool on) { veb_ = on; }
    bool veb() const { return veb_; }
    // A frame the lower's own stack sends, with veb on: to a bridge child
    // (true: taken), or a copy to each bridge child of a group frame,
    // which then goes on to the wire (false), as any frame not taken.
    bool lower_xmit(Packet& pkt);

  private:
    friend class MacvlanDev;
    static RxHandlerResult handle_frame(Packet*& pkt, void* data);
    static void device_event(NetDevice& lower, NetdevEvent ev, void* data);
    static void process_broadcast(void* port);

    bool forward_source(const Packet& pkt, const MacAddr& src);
    void broadcast(const Packet& pkt, const NetDevice* src, unsigned mode_mask, bool local);
    void broadcast_enqueue(const MacvlanDev* src, const Packet& pkt);
    void forget(const MacvlanDev* vlan);

    NetDevice& lower_;
    WorkQueue& wq_;
    Work bc_work_;
    bool passthru_ = false;
    bool veb_ = false;
    std::vector<MacvlanDev*> vlans_;  // list order: passthru takes the first
    FlatMap<MacAddr, MacvlanDev*, MacHash> vlan_hash_;
    std::unordered_multimap<MacAddr, MacvlanDev*, MacHash> source_hash_;
    // port->bc_queue: each frame with the child that sent it (null: from
    // outside).
    Backlog<const MacvlanDev*> bc_queue_;
};

struct MacvlanConfig {
    std::string name;
    MacAddr mac;                            // ignored for passthru: the child takes the lower's
    unsigned mtu = NetDevice::kDefaultMtu;  // 0: the lower's
    MacvlanMode mode = MacvlanMode::vepa;
    bool nodst = false;  // MACVLAN_FLAG_NODST (source mode)
};

// struct macvlan_dev: one child. Its NetDevice transmits through
// macvlan_queue_xmit; what it receives goes to the ProtocolHandler given at newlink.
class MacvlanDev final : public XmitOps {
  public:
    // macvlan_common_newlink on `lower` (a device stacked on a PhysDev, or
    // the PhysDev's own). On refusal returns null, sets *why to the
    // kernel's reason (EBUSY, EINVAL...) in words and, if field is given,
    // *field to the setting at fault: "mac", "mode", "mtu" or "lower".
    static std::unique_ptr<MacvlanDev> newlink(NetDevice& lower, const MacvlanConfig& cfg,
                                               ProtocolHandler* stack, std::string* why,
                                               const char** field = nullptr);
    ~MacvlanDev();

    // macvlan_dellink, when the lower goes (NETDEV_UNREGISTER): the child
    // leaves its port, down and without carrier; what is stacked on it
    // goes the same way. The object stays for whoever owns it.
    void dellink();
    bool linked() const { return port_ != nullptr; }

    NetDevice& dev() { return dev_; }
    const NetDevice& dev() const { return dev_; }
    MacvlanMode mode() const { return mode_; }
    // Only while linked().
    MacvlanPort& port() const { return *port_; }

    // macvlan_queue_xmit.
    XmitResult xmit(NetDevice& dev, Packet& pkt) override;

    // The MAC list of source mode (ip link ... macaddr add|del|flush|set).
    void source_add(const MacAddr& a);
    void source_del(const MacAddr& a);
    void source_flush();
    void source_set(std::span<const MacAddr> addrs);
    std::size_t source_count() const { return source_count_; }

    // Changes the MAC (macvlan_set_mac_address); false if busy.
    bool set_mac(const MacAddr& m);

  private:
    friend class MacvlanPort;
    MacvlanDev(const MacvlanConfig& cfg, ProtocolHandler* stack, std::shared_ptr<MacvlanPort> port);
    void unlink();

    NetDevice dev_;
    std::shared_ptr<MacvlanPort> port_;
    MacvlanMode mode_;
    bool nodst_;
    std::size_t source_count_ = 0;
};

}  // namespace vnet
