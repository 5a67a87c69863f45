// SPDX-License-Identifier: GPL-2.0-or-later
// A VXLAN device (drivers/net/vxlan/vxlan_core.c, RFC 7348) whose inner side
// is a NIC and whose outer side is a host UDP socket. libvnet decides; the
// glue only moves datagrams:
//   vxlan_validate          validate()
//   vxlan_xmit/_xmit_one    VxlanDev::xmit -> VxlanOps::send per remote
//   vxlan_rcv/vxlan_set_mac VxlanDev::rx (after VxlanSock demultiplexed it)
//   vxlan_snoop             learning, migration, static entries kept
//   arp_reduce/neigh_reduce the proxy (proxy=on)
//   route_shortcircuit      VxlanDev::route_shortcircuit (rsc=on)
//   vxlan_fdb_miss/ip_miss  VxlanOps::l2miss / l3miss
//   vxlan_cleanup           VxlanDev::run_timers
// The outer IP and UDP headers are the host kernel's to build; libvnet
// hands it the values that go in them (VxlanTx), and encapsulate_outer()
// builds the same headers for tests and benchmarks.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "vnet/clock.h"
#include "vnet/counters.h"
#include "vnet/ip_addr.h"
#include "vnet/mac_addr.h"
#include "vnet/offload.h"
#include "vnet/vxlan_fdb.h"
#include "vnet/wire/ethernet.h"
#include "vnet/wire/vxlan.h"

namespace vnet {

// IANA's port; Linux's own default is 8472 (it predates the assignment).
inline constexpr std::uint16_t kVxlanDefaultPort = 4789;
// inet_get_local_port_range's default, used when srcport= is not given.
inline constexpr std::uint16_t kVxlanDefaultPortMin = 32768;
inline constexpr std::uint16_t kVxlanDefaultPortMax = 61000;
// The IPv4 and IPv6 hop limit when neither ttl= nor a multicast
// destination says otherwise (sysctl ip_default_ttl).
inline constexpr std::uint8_t kVxlanDefaultTtl = 64;
// Neighbours learned for the proxy count as reachable this long, and at
// most this many are kept (an ARP flood from the overlay must not grow the
// table without end).
inline constexpr std::uint64_t kVxlanNeighReachableMs = 30000;
inline constexpr std::size_t kVxlanNeighMax = 4096;

enum class VxlanDf : std::uint8_t { unset, set, inherit };

// External mode: no VNI of untagged frames (vni= not given).
inline constexpr std::uint32_t kVxlanNoVni = 0xffffffff;

// One line of a bridge port's VLAN-to-tunnel map (`bridge vlan add dev
// vxlan0 vid VID tunnel_info id VNI`).
struct VlanTunnel {
    std::uint16_t vid;
    std::uint32_t vni;
};

struct VxlanConfig {
    std::string name = "vxlan";  // the netdev's id, for traces
    std::uint32_t vni = 0;
    IpAddr local;
    std::optional<IpAddr> remote;  // remote= or group=: the default entry
    std::uint16_t dst_port = kVxlanDefaultPort;
    // Source ports are drawn from [port_min, port_max); both 0 means the
    // kernel's default range (Linux's srcport semantics, upper end out).
    std::uint16_t port_min = 0;
    std::uint16_t port_max = 0;
    std::uint8_t ttl = 0;  // 0: 1 to a multicast group, else 64
    std::uint8_t tos = 0;
    bool tos_inherit = false;
    VxlanDf df = VxlanDf::unset;
    bool learning = true;
    std::uint32_t ageing_s = 300;  // 0: learned entries never age
    std::uint32_t maxaddress = 0;  // 0: no limit
    bool proxy = false;
    bool l2miss = false;
    bool l3miss = false;
    // IFLA_VXLAN_RSC: an IP frame to a router's MAC (an FDB entry with the
    // router flag) goes straight to the MAC the neighbour table has for its
    // destination address.
    bool rsc = false;
    bool udpcsum = true;  // IFLA_VXLAN_UDP_CSUM's default: checksums on (IPv4)
    // IPv6's own (IFLA_VXLAN_UDP_ZERO_CSUM6_TX/_RX): send zero checksums,
    // accept them; udpcsum does not concern IPv6, as in Linux.
    bool udp6zerocsumtx = false;
    bool udp6zerocsumrx = false;
    // IFLA_VXLAN_GBP: the G flag and group policy ID both ways. What we
    // send is gbp_mark (Linux takes it from skb->mark: the ID in the low
    // 16 bits, kVxlanGbpDontLearn and kVxlanGbpPolicyApplied's bits as
    // VXLAN_GBP_DONT_LEARN and _POLICY_APPLIED); 0 sends no G flag.
    bool gbp = false;
    std::uint32_t gbp_mark = 0;
    // IFLA_VXLAN_REMCSUM_RX: take remote checksum offload, the inner
    // checksum a sender with remcsumtx leaves for us to finish.
    bool remcsum_rx = false;
    // IFLA_VXLAN_REMCSUM_TX: leave a frame's partial TCP or UDP checksum
    // to the receiver (the RCO flag). With either option the glue hands
    // frames over with their offloads (a virtio-net header).
    bool remcsum_tx = false;
    unsigned mtu = 1500;  // the largest inner IP packet either way
    // IFLA_VXLAN_COLLECT_METADATA with a VLAN-filtering bridge's
    // vlan_tunnel in front: one device takes every VNI on its socket, the
    // FDB is keyed by (MAC, VNI), and the NIC side is a trunk whose 802.1Q
    // tags vlan_tunnel maps to VNIs, tag stripped on the way out and put
    // back on the way in. `vni` is then the VNI of untagged frames (the
    // port's PVID mapped to a tunnel), kVxlanNoVni for none.
    bool external = false;
    std::vector<VlanTunnel> vlan_tunnel;  // at creation; see vlan_tunnel_add
};

struct VxlanConfigError {
    const char* field;
    std::string why;
};

// vxlan_validate and vxlan_config_validate's refusals.
std::optional<VxlanConfigError> validate(const VxlanConfig& cfg);
// The first word of the VXLAN header we send: the I flag, and with GBP
// the G flag and the group policy mark.
std::uint32_t vxlan_header_flags(const VxlanConfig& cfg);

// What the glue puts in the outer headers of one datagram.
struct VxlanTx {
    VxlanRemote dst;
    std::uint16_t src_port = 0;
    std::uint8_t tos = 0;  // ECN bits already encapsulated
    std::uint8_t ttl = 0;
    bool df = false;
};

class VxlanOps {
  public:
    // One datagram: `hdr` (the VXLAN header, and after a route
    // short-circuit the rewritten Ethernet addresses) then `frame`. False
    // if the host refused it.
    virtual bool send(const VxlanTx& tx, std::span<const std::uint8_t> hdr,
                      std::span<const std::uint8_t> frame) = 0;
    // An inner frame for the NIC, with what is left to do to it (only a
    // partial checksum, and only after set_nic_csum(true)). A `vlan_tci`
    // other than 0 is an 802.1Q tag to insert after the MACs (external
    // mode); `off` counts it in. False if there is no NIC or its link is
    // down (a full NIC queue is the glue's to wait on, not a drop).
    virtual bool deliver(std::span<const std::uint8_t> frame, const Offload& off,
                         std::uint16_t vlan_tci) = 0;
    virtual void l2miss(const MacAddr&) {}
    virtual void l3miss(const IpAddr&) {}

  protected:
    ~VxlanOps() = default;
};

class VxlanDev {
  public:
    // cfg must have passed validate().
    VxlanDev(const VxlanConfig& cfg, VxlanOps& ops, const Clock& clock);

    // The NIC takes a partial checksum (GUEST_CSUM): remote checksum
    // offload's is then passed on partial, as Linux leaves it
    // (skb_remcsum_adjust_partial), rather than filled here.
    void set_nic_csum(bool on) { nic_csum_ = on; }
    // An inner frame whose checksum an RCO header `h` left to us: what the
    // NIC is to get it with, partial for one that takes that, else
    // finished here in `frame` (remcsum_nopartial) and nothing.
    Offload take_remcsum(std::span<std::uint8_t> frame, const wire::VxlanHeader& h) const;
    // A frame from the NIC, with what is left to do to it: a partial
    // checksum goes out as the receiver's to finish (remcsum_tx) or is
    // filled here; a GSO frame is cut here (the host's UDP socket takes
    // one datagram at a time).
    void xmit(std::span<const std::uint8_t> frame, const Offload& off = {});
    // A datagram's payload after its VXLAN header, whose VNI is ours (or,
    // in external mode, is `vni`); the outer source address and TOS as
    // received, and what is left to do to it (a checksum remote checksum
    // offload left partial). The frame may be changed in place (ECN).
    void rx(const IpAddr& src, std::uint8_t outer_tos, std::span<std::uint8_t> inner,
            const Offload& off = {}, std::uint32_t vni = kVxlanNoVni);
    // Ageing (vxlan_cleanup); call about once a second.
    void run_timers();

    // The NIC's address: frames coming back with it as source are loops.
    void set_own_mac(const MacAddr& m) { own_mac_ = m; }
    // The source port udp_flow_src_port would pick for this frame.
    std::uint16_t src_port_for(std::span<const std::uint8_t> frame) const;

    const VxlanConfig& config() const { return cfg_; }
    VxlanFdb& fdb() { return fdb_; }
    const VxlanFdb& fdb() const { return fdb_; }
    DeviceCounters& counters() { return counters_; }
    const DeviceCounters& counters() const { return counters_; }
    // GBP: datagrams received by group policy ID (the first kGbpIdsCounted
    // IDs seen; the rest together in gbp_other()).
    static constexpr std::size_t kGbpIdsCounted = 64;
    struct GbpCount {
        std::uint16_t id;
        std::uint64_t packets;
    };
    void count_gbp(std::uint16_t id);
    std::span<const GbpCount> gbp_counts() const { return {gbp_.data(), gbp_used_}; }
    std::uint64_t gbp_other() const { return gbp_other_; }
    // `bridge fdb add/append` with the device's defaults filled in: port 0
    // means dstport, VNI 0 the device's (in external mode the key's).
    // `src_vni` is the key's VNI (NDA_SRC_VNI), for external mode only.
    FdbResult fdb_add(const MacAddr& mac, VxlanRemote r, bool append, bool router = false,
                      std::uint32_t src_vni = kVxlanNoVni);
    FdbResult fdb_del(const MacAddr& mac, const VxlanRemote* r,
                      std::uint32_t src_vni = kVxlanNoVni);
    // External mode: the VLAN a VNI's frames reach the NIC on (0 for
    // untagged), none if no VLAN maps to it.
    std::optional<std::uint16_t> vlan_of(std::uint32_t vni) const;
    // `bridge vlan add/del dev vx0 vid V tunnel_info id N` at run time: a
    // VLAN or VNI already mapped is refused (EEXIST), as the bridge does;
    // with remote= or group=, the new VNI gets its default entry. The
    // FDB entries of a VNI whose line goes stay, as Linux leaves them.
    enum class MapResult : std::uint8_t {
        added,
        not_external,
        bad_vid,
        bad_vni,
        vid_taken,
        vni_taken
    };
    MapResult vlan_tunnel_add(std::uint16_t vid, std::uint32_t vni);
    bool vlan_tunnel_del(std::uint16_t vid);
    // The map's lines by VLAN ID: f(vid, vni).
    template <typename F>
    void for_each_vlan_tunnel(F&& f) const {
        for (std::size_t vid = 1; vid < vid_vni_.size(); ++vid) {
            if (vid_vni_[vid] != kVxlanNoVni) {
                f(static_cast<std::uint16_t>(vid), vid_vni_[vid]);
            }
        }
    }
    // A neighbour entry for the proxy and route short-circuit. Snooped
    // ones (permanent = false) are reachable for kVxlanNeighReachableMs
    // and never replace a permanent one; permanent ones are `ip neigh add
    // ... nud permanent`: they never expire. False if kVxlanNeighMax are
    // held and `ip` is new.
    bool neigh_add(const IpAddr& ip, const MacAddr& mac, bool permanent = false);
    bool neigh_del(const IpAddr& ip) { return neigh_.erase(ip) != 0; }
    std::size_t neigh_count() const { return neigh_.size(); }
    std::size_t neigh_permanent() const;
    template <typename F>
    void for_each_neigh(F&& f) const {
        for (const auto& [ip, n] : neigh_) {
            f(ip, n.mac, n.permanent, clock_.now_ms() - n.confirmed_ms);
        }
    }
    // Migration (state_blob.h): the permanent neighbours; load() adds
    // them, false (nothing changed) if the bytes are malformed.
    void neigh_save(std::vector<std::uint8_t>& out) const;
    bool neigh_load(std::span<const std::uint8_t> in);

  private:
    struct Neigh {
        MacAddr mac;
        std::uint64_t confirmed_ms;
        bool permanent = false;
    };

    // Where a frame from the NIC goes (br_handle_egress_vlan_tunnel): its
    // VNI, the VLAN replies to it go back on, and how many tag bytes after
    // the MACs are left out of the datagram.
    struct Tunnel {
        std::uint32_t vni;
        std::uint16_t vlan;
        std::uint8_t strip;
    };
    std::optional<Tunnel> tunnel_for(std::span<const std::uint8_t> frame) const;
    // The FDB's key VNI: the VNI itself in external mode, else 0.
    std::uint32_t key(std::uint32_t vni) const { return cfg_.external ? vni : 0; }
    bool deliver(std::span<const std::uint8_t> frame, Offload off, std::uint16_t vlan);
    std::uint32_t header_flags() const { return vxlan_header_flags(cfg_); }
    VxlanTx outer_for(const wire::EthernetView& eth, std::span<const std::uint8_t> frame) const;
    // The rewritten Ethernet addresses of a short-circuited frame.
    struct RscMacs {
        std::array<std::uint8_t, 2 * kEthAlen> bytes;
    };
    std::optional<RscMacs> route_shortcircuit(const wire::EthernetView& eth, bool tag_stripped);
    // The byte after the VNI for a frame whose checksum the receiver is to
    // finish, 0 if it may not (vxlan_build_skb's SKB_GSO_TUNNEL_REMCSUM);
    // `strip` tag bytes go before the checksum start.
    std::uint8_t rco_byte(const Offload& off, std::uint8_t strip) const;
    void xmit_frame(std::span<const std::uint8_t> frame, std::uint8_t rco, const Tunnel& tun);
    void xmit_gso(std::span<const std::uint8_t> frame, const Offload& off, const Tunnel& tun);
    void xmit_one(const VxlanRemote& r, VxlanTx tx, std::span<const std::uint8_t> frame,
                  const RscMacs* rsc, std::uint8_t rco, const Tunnel& tun);
    void encap_bypass(std::span<const std::uint8_t> frame, const RscMacs& rsc, std::uint8_t rco,
                      const Tunnel& tun);
    bool proxy_reply(const wire::EthernetView& eth, const Tunnel& tun);
    bool snoop(const IpAddr& src, const MacAddr& mac, std::uint32_t vni);
    void snoop_neigh(const wire::EthernetView& eth);
    const MacAddr* neigh_lookup(const IpAddr& ip) const;

    VxlanConfig cfg_;
    VxlanOps& ops_;
    const Clock& clock_;
    VxlanFdb fdb_;
    MacAddr own_mac_{};
    std::array<GbpCount, kGbpIdsCounted> gbp_{};
    std::size_t gbp_used_ = 0;
    std::uint64_t gbp_other_ = 0;
    DeviceCounters counters_;
    std::unordered_map<IpAddr, Neigh, IpAddrHash> neigh_;
    std::uint64_t next_age_ms_ = 0;
    // Room for a proxy reply (Ethernet + IPv6 + NA with its option).
    std::array<std::uint8_t, 96> reply_{};
    // A short-circuited frame delivered back to the NIC (a bridge-local
    // FDB entry), sized once for the largest frame xmit() takes.
    std::vector<std::uint8_t> bypass_;
    // Where a frame's checksum is filled or a GSO frame's segments are
    // built, sized once for the largest (64 KiB).
    std::vector<std::uint8_t> scratch_;
    bool nic_csum_ = false;
    // External mode's map both ways: VID -> VNI (4096 slots, kVxlanNoVni
    // where none), VNI -> VID.
    std::vector<std::uint32_t> vid_vni_;
    std::unordered_map<std::uint32_t, std::uint16_t> vni_vid_;
};

// Builds the whole outer packet (IPv4 or IPv6, UDP, VXLAN, inner frame)
// the way the kernel's udp_tunnel_xmit_skb would, for tests and benchmarks.
// Returns its length, or 0 if `out` is too small.
struct OuterIds {  // the fields the kernel fills from its own counters or hash
    std::uint16_t ip_id = 0;
    std::uint32_t flow_label = 0;
};
// `hdr` is the VXLAN header as VxlanOps::send got it.
std::size_t encapsulate_outer(const VxlanConfig& cfg, const VxlanTx& tx,
                              std::span<const std::uint8_t> hdr,
                              std::span<const std::uint8_t> frame, const OuterIds& ids,
                              std::span<std::uint8_t> out);

}  // namespace vnet
