// SPDX-License-Identifier: GPL-2.0-or-later
// ipvlan (drivers/net/ipvlan/): children that share the lower's MAC and are
// told apart by their IP addresses. The port (struct ipvl_port) is the
// lower's rx_handler_data; mode and flags belong to the port, the latest
// newlink setting them for all, as in Linux. Entry points:
//   ipvlan_link_new        IpvlanDev::newlink
//   ipvlan_link_delete     IpvlanDev::dellink, ~IpvlanDev
//   ipvlan_device_event    the port's device_event
//   ipvlan_addr_add/del    IpvlanDev::add_addr / del_addr (the validator)
//   ipvlan_handle_frame    the port's rx_handler
//   ipvlan_queue_xmit      IpvlanDev::xmit
//   ipvlan_process_multicast  the port's deferred multicast work
// L3 and L3S route what is not for a sibling through an IP layer on the
// lower (ipvlan_process_outbound); that layer plugs in as L3Outbound, found
// on the lower's PhysDev when a frame needs it.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "vnet/backlog.h"
#include "vnet/flat_map.h"
#include "vnet/ip_addr.h"
#include "vnet/ipvlan_probe.h"
#include "vnet/net_device.h"
#include "vnet/work.h"

namespace vnet {

enum class IpvlanMode : std::uint8_t { l2 = 0, l3 = 1, l3s = 2 };  // IPVLAN_MODE_*
// IPVLAN_F_PRIVATE, IPVLAN_F_VEPA; neither is "bridge".
inline constexpr std::uint16_t kIpvlanFlagPrivate = 0x01;
inline constexpr std::uint16_t kIpvlanFlagVepa = 0x02;
// IPVLAN_QBACKLOG_LIMIT
inline constexpr std::size_t kIpvlanBacklogLimit = 1000;
// Addresses one child learns at most: a guest sending from ever new source
// addresses must not grow QEMU's memory without bound. Past it, a frame
// from a new address still goes, unlearned (as VXLAN at maxaddress).
inline constexpr std::size_t kIpvlanLearnLimit = 256;
// A learned address its child has not sent from for this long is asked
// about (ipvlan_probe.h); if the child no longer answers for it, it is
// forgotten. The bridge FDB's default ageing_time.
inline constexpr std::uint64_t kIpvlanAddrAgeMs = 300000;
// How often the port looks at its learned addresses' use.
inline constexpr std::uint64_t kIpvlanAddrSweepMs = 1000;

const char* ipvlan_mode_name(IpvlanMode m);

class IpvlanDev;
class IpvlanPort;

// The addresses ipvlan_addr_lookup picks from a frame: for ARP the sender
// and target protocol addresses, for IPv4/IPv6 source and destination,
// for a neighbour solicitation from :: (DAD) its target as both.
struct IpvlanL3Addrs {
    IpAddr src;
    IpAddr dst;
};

// The port's address hash, per address: its child; whether it was learned
// (else given with addrs=, which neither ages nor moves); for a learned
// one, whether it was sent from since the port last looked, and when it
// was last known in use.
struct IpvlanAddrEntry {
    IpvlanDev* dev = nullptr;
    bool learned = false;
    mutable bool used = false;
    std::uint64_t seen_ms = 0;
};

// What ipvlan_process_outbound does in L3/L3S: route a packet a child sent
// that is not for a sibling, through the lower's IP configuration.
class L3Outbound {
  public:
    virtual XmitResult outbound(IpvlanDev& from, Packet& pkt) = 0;
    // Sees every frame arriving on the lower of an L3/L3S port first: the
    // IP layer learns its neighbours from ARP and NA there, and answers
    // ARP/NS for the children's addresses itself (true: consumed).
    virtual bool neigh_rcv(const Packet& pkt, IpvlanPort& port) = 0;

  protected:
    ~L3Outbound() = default;
};

class IpvlanPort : public std::enable_shared_from_this<IpvlanPort> {
  public:
    // On `lower`, which must be stacked on a PhysDev.
    explicit IpvlanPort(NetDevice& lower);
    ~IpvlanPort();
    IpvlanPort(const IpvlanPort&) = delete;
    IpvlanPort& operator=(const IpvlanPort&) = delete;

    static IpvlanPort* of(const NetDevice& lower);

    NetDevice& lower() const { return lower_; }
    IpvlanMode mode() const { return mode_; }
    std::uint16_t flags() const { return flags_; }
    bool is_private() const { return flags_ & kIpvlanFlagPrivate; }
    bool is_vepa() const { return flags_ & kIpvlanFlagVepa; }
    std::size_t count() const { return ipvlans_.size(); }
    std::size_t backlog() const { return backlog_.size(); }
    // The lower's IP layer, looked up each time (null without one).
    L3Outbound* outbound() const;

    // ipvlan_addr_lookup on the address hash: O(1).
    IpvlanDev* addr_lookup(const IpAddr& a) const;
    // The same for an address's 4 or 16 bytes where they sit in a frame.
    IpvlanDev* addr_lookup(std::span<const std::uint8_t> bytes) const;
    const IpvlanAddrEntry* addr_entry(const IpAddr& a) const { return addrs_.find(a); }

    // Whether a frame for `dst`, which no child is known to own, should
    // wait while the children are asked (ipvlan_probe.h): with a clock,
    // a learning child, and in L3 an address on the lower's own link that
    // is neither the lower's nor a host the uplink answered for.
    bool may_probe(const IpAddr& dst) const;
    IpvlanProber& prober() { return prober_; }
    const IpvlanProber& prober() const { return prober_; }
    // A frame the lower's own stack sends (function 0's guest): it answers
    // for the addresses it has. True if it was the answer to a probe,
    // which the device asked and so takes.
    bool lower_sent(const Packet& pkt);
    // The probes' timers, and the ageing of learned addresses; the
    // milliseconds until they want to run again.
    std::uint64_t run_timers();

  private:
    friend class IpvlanDev;
    friend class IpvlanProber;
    static RxHandlerResult handle_frame(Packet*& pkt, void* data);
    static void device_event(NetDevice& lower, NetdevEvent ev, void* data);
    static void process_multicast(void* port);

    RxHandlerResult handle_l3(Packet*& pkt);
    bool external_frame(const Packet& pkt) const;
    // The address a frame answers for, if it is the answer to one of this
    // port's probes (an ARP reply to 0.0.0.0 at the shared MAC, or an NA to
    // all nodes for an address being asked).
    std::optional<IpAddr> probe_answer(std::span<const std::uint8_t> frame) const;
    void age_addrs();
    std::uint64_t now_ms() const;
    void multicast_enqueue(const Packet& pkt, NetDevice* from, bool tx_pkt);
    void forget(const IpvlanDev* dev);

    // Who queued a frame: the sending child for a TX frame, else null.
    struct McSender {
        NetDevice* from = nullptr;
        bool tx_pkt = false;
    };

    NetDevice& lower_;
    PhysDev& phys_;  // under lower_: outlives the port, whose children it unlinks
    WorkQueue& wq_;
    Work mc_work_;
    IpvlanMode mode_ = IpvlanMode::l3;
    std::uint16_t flags_ = 0;
    std::vector<IpvlanDev*> ipvlans_;
    FlatMap<IpAddr, IpvlanAddrEntry, IpAddrHash> addrs_;
    std::uint64_t swept_ms_ = 0;
    Backlog<McSender> backlog_;  // port->backlog
    IpvlanProber prober_;
};

struct IpvlanConfig {
    std::string name;
    IpvlanMode mode = IpvlanMode::l3;       // ip link's default
    std::uint16_t flags = 0;                // bridge
    unsigned mtu = NetDevice::kDefaultMtu;  // 0: the lower's
};

class IpvlanDev final : public XmitOps {
  public:
    // ipvlan_link_new on `lower` (a device stacked on a PhysDev, or the
    // PhysDev's own). On refusal returns null with the reason in *why and
    // the setting at fault ("lower", "mtu") in *field.
    static std::unique_ptr<IpvlanDev> newlink(NetDevice& lower, const IpvlanConfig& cfg,
                                              ProtocolHandler* stack, std::string* why,
                                              const char** field = nullptr);
    ~IpvlanDev();

    // ipvlan_link_delete when the lower goes (NETDEV_UNREGISTER): off the
    // port, its addresses released, down and without carrier; the object
    // stays for whoever owns it.
    void dellink();
    bool linked() const { return port_ != nullptr; }

    NetDevice& dev() { return dev_; }
    // Only while linked().
    IpvlanPort& port() const { return *port_; }

    // The address validator: false if another child owns `a` (Linux's
    // ipvlan_addr_busy, EADDRINUSE). Adding one's own address again is fine.
    // A given address (addrs=) is the child's for good; a learned one ages
    // and may move to a sibling (ipvlan_probe.h).
    bool add_addr(const IpAddr& a, bool learned = false);
    void del_addr(const IpAddr& a);
    // The guest's driver reset the function: what was learned from it goes.
    void forget_learned();
    // `a` with its age in ms (0 for a given one), for each address.
    template <typename Fn>
    void for_each_addr(Fn fn) const;
    std::size_t addr_count() const { return addrs_.size(); }
    const std::vector<IpAddr>& addrs() const { return addrs_; }
    // Migration (state_blob.h): the child's addresses, learned ones too.
    void save(std::vector<std::uint8_t>& out) const;
    // Adds what save() wrote (one owned by a sibling stays the
    // sibling's). False, and nothing changed, if the bytes are malformed.
    bool load(std::span<const std::uint8_t> in);

    // At the guest boundary the child's addresses are not configured on the
    // device: with learning on, it takes the source addresses of what the
    // child sends (ARP, ND, IP). Either way a frame whose source address a
    // sibling owns is dropped and counted, as the validator would refuse it.
    void set_learning(bool on) { learning_ = on; }
    bool learning() const { return learning_; }

    XmitResult xmit(NetDevice& dev, Packet& pkt) override;

  private:
    friend class IpvlanPort;
    friend class IpvlanProber;
    IpvlanDev(const IpvlanConfig& cfg, const MacAddr& mac, ProtocolHandler* stack,
              std::shared_ptr<IpvlanPort> port);
    void unlink();
    using L3 = std::optional<IpvlanL3Addrs>;
    std::optional<XmitResult> to_sibling(Packet& pkt, const L3& l3);
    XmitResult xmit_l2(Packet& pkt, const L3& l3);
    XmitResult xmit_l3(Packet& pkt, const L3& l3);
    void rcv_local(Packet& pkt);

    enum class Source : std::uint8_t { allowed, held, busy };
    Source source_check(const L3& l3, const Packet& pkt);

    NetDevice dev_;
    std::shared_ptr<IpvlanPort> port_;
    std::vector<IpAddr> addrs_;
    bool learning_ = false;
};

template <typename Fn>
void IpvlanDev::for_each_addr(Fn fn) const {
    for (const IpAddr& a : addrs_) {
        const IpvlanAddrEntry* e = port_ ? port_->addr_entry(a) : nullptr;
        const bool learned = e && e->learned;
        fn(a, learned, learned ? port_->now_ms() - e->seen_ms : 0);
    }
}

// ipvlan_get_L3_hdr + ipvlan_addr_lookup's choice of addresses, in one
// parse.
std::optional<IpvlanL3Addrs> ipvlan_l3_addrs(std::span<const std::uint8_t> frame);

}  // namespace vnet
