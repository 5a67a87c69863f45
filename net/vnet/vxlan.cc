// SPDX-License-Identifier: GPL-2.0-or-later
// The VXLAN device: encapsulation to the FDB's remotes, decapsulation with
// learning, the ARP/ND proxy and ageing. See vxlan.h for the map to Linux.
#include "vnet/vxlan.h"

#include <algorithm>
#include <cstring>

#include "vnet/flow_hash.h"
#include "vnet/gso.h"
#include "vnet/neigh_reply.h"
#include "vnet/state_blob.h"
#include "vnet/trace.h"
#include "vnet/wire/arp.h"
#include "vnet/wire/checksum.h"
#include "vnet/wire/ecn.h"
#include "vnet/wire/ethernet.h"
#include "vnet/wire/icmpv6.h"
#include "vnet/wire/ipv4.h"
#include "vnet/wire/ipv6.h"
#include "vnet/wire/udp.h"

namespace vnet {

namespace {

// The outer headers Linux reserves room for (VXLAN_HEADROOM, VXLAN6_HEADROOM)
// bound the inner MTU: IP_MAX_MTU minus them.
constexpr unsigned kMinMtu = 68;
constexpr unsigned kMaxMtu4 = 65535 - (20 + 8 + 8 + 14);
constexpr unsigned kMaxMtu6 = 65535 - (40 + 8 + 8 + 14);

// VXLAN_MAX_REMCSUM_START: 7 bits of 2-byte units.
constexpr unsigned kVxlanMaxRemcsumStart = 0x7f << 1;
// The largest frame a NIC hands over with its offloads: a 64 KiB GSO
// frame, or one segment of it with its headers.
constexpr std::size_t kScratchLen = 65536 + 256;

}  // namespace

namespace {

// The bridge's vlan_tunnel refusals (br_vlan_tunnel_info_add) and what
// external mode needs to pass any frame.
std::optional<VxlanConfigError> validate_external(const VxlanConfig& cfg) {
    if (!cfg.external) {
        if (!cfg.vlan_tunnel.empty()) {
            return VxlanConfigError{"vlan-tunnel", "a VLAN-to-VNI map needs external=on"};
        }
        return std::nullopt;
    }
    if (cfg.vlan_tunnel.empty() && cfg.vni == kVxlanNoVni) {
        return VxlanConfigError{"external",
                                "external=on needs vlan-tunnel or vni (for untagged frames)"};
    }
    std::vector<bool> vid_seen(wire::kVlanVidMax + 1);
    std::unordered_map<std::uint32_t, bool> vni_seen;
    for (const VlanTunnel& t : cfg.vlan_tunnel) {
        if (t.vid == 0 || t.vid >= wire::kVlanVidMax) {
            return VxlanConfigError{"vlan-tunnel", "VLAN IDs run from 1 to 4094"};
        }
        if (t.vni > wire::kVxlanVniMax) {
            return VxlanConfigError{"vlan-tunnel", "the VNI must be below 2^24 (16777216)"};
        }
        if (vid_seen[t.vid]) {
            return VxlanConfigError{"vlan-tunnel",
                                    "VLAN " + std::to_string(t.vid) + " is mapped twice"};
        }
        if (t.vni == cfg.vni || !vni_seen.emplace(t.vni, true).second) {
            return VxlanConfigError{"vlan-tunnel",
                                    "VNI " + std::to_string(t.vni) + " is mapped twice"};
        }
        vid_seen[t.vid] = true;
    }
    return std::nullopt;
}

}  // namespace

std::optional<VxlanConfigError> validate(const VxlanConfig& cfg) {
    if (cfg.vni > wire::kVxlanVniMax && !(cfg.external && cfg.vni == kVxlanNoVni)) {
        return VxlanConfigError{"vni", cfg.vni == kVxlanNoVni
                                           ? "a VNI is required without external=on"
                                           : "the VNI must be below 2^24 (16777216)"};
    }
    if (auto err = validate_external(cfg)) {
        return err;
    }
    if (cfg.port_min > cfg.port_max) {
        return VxlanConfigError{"srcport", "the low source port must not exceed the high one"};
    }
    if (cfg.local.is_multicast()) {
        return VxlanConfigError{"local", "the local address must be unicast"};
    }
    if (cfg.remote && cfg.remote->v6 != cfg.local.v6) {
        return VxlanConfigError{"remote", "the remote and local addresses must be of one family"};
    }
    const unsigned max_mtu = cfg.local.v6 ? kMaxMtu6 : kMaxMtu4;
    if (cfg.mtu < kMinMtu || cfg.mtu > max_mtu) {
        return VxlanConfigError{"mtu", "the MTU must be between 68 and " + std::to_string(max_mtu)};
    }
    if (cfg.dst_port == 0) {
        return VxlanConfigError{"dstport", "the destination port must not be 0"};
    }
    if (cfg.gbp_mark != 0 && !cfg.gbp) {
        return VxlanConfigError{"gbp-id", "a group policy ID is sent only with gbp=on"};
    }
    if ((cfg.gbp_mark & ~(0xffffu | wire::kVxlanGbpDontLearn | wire::kVxlanGbpPolicyApplied)) !=
        0) {
        return VxlanConfigError{"gbp-id", "the group policy mark has bits GBP does not carry"};
    }
    return std::nullopt;
}

std::uint32_t vxlan_header_flags(const VxlanConfig& cfg) {
    // vxlan_build_gbp_hdr: nothing without a mark, else the G flag and
    // the mark's ID and flags where struct vxlanhdr_gbp has them.
    if (!cfg.gbp || cfg.gbp_mark == 0) {
        return wire::kVxlanFlagI;
    }
    return wire::kVxlanFlagI | wire::kVxlanFlagG | cfg.gbp_mark;
}

void VxlanDev::count_gbp(std::uint16_t id) {
    for (std::size_t i = 0; i < gbp_used_; ++i) {
        if (gbp_[i].id == id) {
            ++gbp_[i].packets;
            return;
        }
    }
    if (gbp_used_ == gbp_.size()) {
        ++gbp_other_;
        return;
    }
    gbp_[gbp_used_++] = {id, 1};
}

VxlanDev::VxlanDev(const VxlanConfig& cfg, VxlanOps& ops, const Clock& clock)
    : cfg_(cfg),
      ops_(ops),
      clock_(clock),
      fdb_(cfg.maxaddress),
      bypass_(cfg.rsc ? cfg.mtu + wire::kEthHlen + wire::kVlanHlen : 0),
      scratch_(kScratchLen) {
    counters_.owner = &cfg_.name;
    if (cfg_.external) {
        vid_vni_.assign(wire::kVlanVidMax + 1, kVxlanNoVni);
        for (const VlanTunnel& t : cfg_.vlan_tunnel) {
            vid_vni_[t.vid] = t.vni;
            vni_vid_.emplace(t.vni, t.vid);
        }
    }
    if (cfg_.remote) {
        // The default entry: permanent, as vxlan_dev_configure makes it.
        // External mode keys it by VNI, so each VNI gets its own: Linux's
        // one at VNI 0 would serve no frame of the map.
        if (!cfg_.external) {
            fdb_.add(MacAddr{}, VxlanRemote{*cfg_.remote, cfg_.dst_port, cfg_.vni}, false,
                     clock_.now_ms());
        }
        for (const VlanTunnel& t : cfg_.vlan_tunnel) {
            fdb_add(MacAddr{}, VxlanRemote{*cfg_.remote, 0, 0}, false, false, t.vni);
        }
        if (cfg_.external && cfg_.vni != kVxlanNoVni) {
            fdb_add(MacAddr{}, VxlanRemote{*cfg_.remote, 0, 0}, false, false, cfg_.vni);
        }
    }
}

FdbResult VxlanDev::fdb_add(const MacAddr& mac, VxlanRemote r, bool append, bool router,
                            std::uint32_t src_vni) {
    if (r.port == 0) {
        r.port = cfg_.dst_port;
    }
    const std::uint32_t own = cfg_.external ? src_vni : cfg_.vni;
    if (r.vni == 0) {
        r.vni = own;  // vxlan_xmit_one: rdst->remote_vni ?: vni
    }
    return fdb_.add(mac, r, append, clock_.now_ms(), router, key(own));
}

FdbResult VxlanDev::fdb_del(const MacAddr& mac, const VxlanRemote* r, std::uint32_t src_vni) {
    const std::uint32_t own = cfg_.external ? src_vni : cfg_.vni;
    if (!r) {
        return fdb_.del(mac, nullptr, key(own));
    }
    VxlanRemote d = *r;
    if (d.port == 0) {
        d.port = cfg_.dst_port;
    }
    if (d.vni == 0) {
        d.vni = own;
    }
    return fdb_.del(mac, &d, key(own));
}

VxlanDev::MapResult VxlanDev::vlan_tunnel_add(std::uint16_t vid, std::uint32_t vni) {
    if (!cfg_.external) {
        return MapResult::not_external;
    }
    if (vid == 0 || vid >= wire::kVlanVidMax) {
        return MapResult::bad_vid;
    }
    if (vni > wire::kVxlanVniMax) {
        return MapResult::bad_vni;
    }
    if (vid_vni_[vid] != kVxlanNoVni) {
        return MapResult::vid_taken;
    }
    if (vni == cfg_.vni || vni_vid_.contains(vni)) {
        return MapResult::vni_taken;
    }
    vid_vni_[vid] = vni;
    vni_vid_.emplace(vni, vid);
    if (cfg_.remote) {
        fdb_add(MacAddr{}, VxlanRemote{*cfg_.remote, 0, 0}, false, false, vni);
    }
    return MapResult::added;
}

bool VxlanDev::vlan_tunnel_del(std::uint16_t vid) {
    if (!cfg_.external || vid == 0 || vid >= wire::kVlanVidMax || vid_vni_[vid] == kVxlanNoVni) {
        return false;
    }
    vni_vid_.erase(vid_vni_[vid]);
    vid_vni_[vid] = kVxlanNoVni;
    return true;
}

std::optional<std::uint16_t> VxlanDev::vlan_of(std::uint32_t vni) const {
    if (vni == cfg_.vni) {
        return 0;
    }
    auto it = vni_vid_.find(vni);
    if (it == vni_vid_.end()) {
        return std::nullopt;
    }
    return it->second;
}

// An 802.1Q tag's VLAN through the map, its tag left out; an untagged or
// priority-tagged frame goes on the untagged VNI, as the bridge gives it
// the PVID. Outside external mode every frame is the device's VNI's.
std::optional<VxlanDev::Tunnel> VxlanDev::tunnel_for(std::span<const std::uint8_t> frame) const {
    if (!cfg_.external) {
        return Tunnel{cfg_.vni, 0, 0};
    }
    const auto vid = wire::vlan_id(frame);
    const std::uint8_t strip = vid ? static_cast<std::uint8_t>(wire::kVlanHlen) : 0;
    if (vid && *vid != 0) {
        const std::uint32_t vni = vid_vni_[*vid];
        if (vni == kVxlanNoVni) {
            return std::nullopt;
        }
        return Tunnel{vni, *vid, strip};
    }
    if (cfg_.vni == kVxlanNoVni) {
        return std::nullopt;
    }
    return Tunnel{cfg_.vni, 0, strip};
}

// To the NIC, on `vlan` if not 0: the tag goes in after the MACs, and the
// offsets that count from the frame's start move with it.
bool VxlanDev::deliver(std::span<const std::uint8_t> frame, Offload off, std::uint16_t vlan) {
    if (vlan != 0 && off.ip_summed == IpSummed::partial) {
        off.csum_start = static_cast<std::uint16_t>(off.csum_start + wire::kVlanHlen);
        off.network_offset = static_cast<std::uint16_t>(off.network_offset + wire::kVlanHlen);
    }
    return ops_.deliver(frame, off, vlan);
}

// udp_flow_src_port: the flow hash, folded so the high half matters, scaled
// into the range.
std::uint16_t VxlanDev::src_port_for(std::span<const std::uint8_t> frame) const {
    const auto& hasher = ToeplitzHasher::default_hasher();
    std::uint32_t hash = hasher.hash_frame(frame).value;
    if (hash == 0) {
        // Not IP: the addresses and type, as Linux hashes the Ethernet header.
        hash = hasher.hash(frame.first(std::min(frame.size(), wire::kEthHlen)));
    }
    hash ^= hash << 16;
    std::uint32_t lo = cfg_.port_min;
    std::uint32_t hi = cfg_.port_max;
    if (lo >= hi) {
        lo = kVxlanDefaultPortMin;
        hi = kVxlanDefaultPortMax;
    }
    return static_cast<std::uint16_t>(((std::uint64_t{hash} * (hi - lo)) >> 32) + lo);
}

void VxlanDev::xmit(std::span<const std::uint8_t> frame, const Offload& off) {
    const std::optional<Tunnel> tun = tunnel_for(frame);
    if (!tun) {
        counters_.drop(DropReason::vx_no_vlan_tunnel);
        return;
    }
    if (off.is_gso()) {
        xmit_gso(frame, off, *tun);
        return;
    }
    if (off.ip_summed != IpSummed::partial) {
        xmit_frame(frame, 0, *tun);
        return;
    }
    if (const std::uint8_t rco = rco_byte(off, tun->strip)) {
        xmit_frame(frame, rco, *tun);  // the guest's pseudo-header sum goes as it is
        return;
    }
    // Not one the receiver may finish: filled here, as the kernel's
    // software fallback does before the frame leaves.
    if (frame.size() > scratch_.size()) {
        counters_.drop(DropReason::tx_oversize);
        return;
    }
    std::copy(frame.begin(), frame.end(), scratch_.begin());
    const std::span<std::uint8_t> f{scratch_.data(), frame.size()};
    Offload o = off;
    if (!skb_checksum_help(f, o)) {
        counters_.drop(DropReason::tx_bad_csum);
        return;
    }
    xmit_frame(f, 0, *tun);
}

std::uint8_t VxlanDev::rco_byte(const Offload& off, std::uint8_t strip) const {
    const unsigned start = off.csum_start - strip;
    if (!cfg_.remcsum_tx || off.csum_start < strip || start > kVxlanMaxRemcsumStart ||
        (start & 1) != 0) {
        return 0;
    }
    const std::uint8_t units = static_cast<std::uint8_t>(start >> 1);
    if (off.csum_offset == wire::kVxlanUdpCsumOffset) {
        return units | wire::kVxlanRcoUdp;
    }
    return off.csum_offset == wire::kVxlanTcpCsumOffset ? units : 0;
}

// Each segment of a GSO frame leaves as a datagram of its own, its
// checksum final or, where the receiver may finish it, left partial with
// the RCO flag, as the kernel's segments of a SKB_GSO_TUNNEL_REMCSUM frame
// carry it.
void VxlanDev::xmit_gso(std::span<const std::uint8_t> frame, const Offload& off,
                        const Tunnel& tun) {
    if (std::size_t{off.hdr_len} + off.gso_size > scratch_.size()) {
        counters_.drop(DropReason::tx_oversize);
        return;
    }
    struct Ctx {
        VxlanDev* dev;
        std::uint8_t rco;
        const Tunnel* tun;
    } ctx{this, rco_byte(off, tun.strip), &tun};
    auto emit = [](void* c, std::span<const std::uint8_t> seg) {
        auto* x = static_cast<Ctx*>(c);
        x->dev->xmit_frame(seg, x->rco, *x->tun);
        return true;
    };
    if (skb_gso_segment(frame, off, scratch_, emit, &ctx, ctx.rco != 0) == 0) {
        counters_.drop(DropReason::tx_bad_gso);
    }
}

void VxlanDev::xmit_frame(std::span<const std::uint8_t> frame, std::uint8_t rco,
                          const Tunnel& tun) {
    auto eth = wire::EthernetView::parse(frame);
    if (!eth) {
        counters_.drop(DropReason::tx_runt);
        return;
    }
    if (frame.size() > cfg_.mtu + eth->header_len()) {
        counters_.drop(DropReason::tx_oversize);
        return;
    }
    if (cfg_.proxy && proxy_reply(*eth, tun)) {
        counters_.drop(DropReason::vx_proxy_consumed);
        return;
    }
    const std::uint64_t now = clock_.now_ms();
    const std::uint32_t k = key(tun.vni);
    MacAddr dst = eth->dst();
    FdbEntry* f = fdb_.find(dst, now, k);
    std::optional<RscMacs> rsc;
    if (f && f->router && cfg_.rsc) {
        rsc = route_shortcircuit(*eth, tun.strip != 0);
        if (rsc) {
            dst = MacAddr::from(rsc->bytes.data());
            f = fdb_.find(dst, now, k);
        }
    }
    if (!f) {
        f = fdb_.find(MacAddr{}, now, k);
    }
    if (!f) {
        if (cfg_.l2miss && !dst.is_multicast()) {
            ops_.l2miss(dst);
        }
        counters_.drop(DropReason::vx_no_fdb);
        return;
    }
    // What depends on the frame alone is worked out once for every remote.
    const VxlanTx outer = outer_for(*eth, frame);
    for (const VxlanRemote& r : f->remotes) {
        xmit_one(r, outer, frame, rsc ? &*rsc : nullptr, rco, tun);
    }
}

// route_shortcircuit: an IPv4 or IPv6 frame (untagged, or with the tag
// external mode leaves out, as the bridge has popped it before the device
// sees the frame) to a unicast MAC gets the neighbour table's MAC for its
// destination address, the old destination becoming the source. Nothing
// when there is no neighbour (with l3miss, the miss is reported) or it
// already has that MAC.
std::optional<VxlanDev::RscMacs> VxlanDev::route_shortcircuit(const wire::EthernetView& eth,
                                                              bool tag_stripped) {
    const std::span<const std::uint8_t> frame = eth.frame();
    if ((frame[0] & 1) || (eth.vlan_tci() && !tag_stripped)) {
        return std::nullopt;
    }
    const std::span<const std::uint8_t> l3 = eth.payload();
    IpAddr daddr;
    if (eth.ethertype() == wire::kEthPIpv4 && l3.size() >= wire::kIpv4MinHlen) {
        daddr = IpAddr::v4(std::span<const std::uint8_t, 4>(l3.data() + 16, 4));
    } else if (eth.ethertype() == wire::kEthPIpv6 && l3.size() >= wire::kIpv6Hlen) {
        daddr = IpAddr::v6of(std::span<const std::uint8_t, 16>(l3.data() + 24, 16));
    } else {
        return std::nullopt;
    }
    auto it = neigh_.find(daddr);
    if (it == neigh_.end()) {
        if (cfg_.l3miss) {
            ops_.l3miss(daddr);
        }
        return std::nullopt;
    }
    const MacAddr& ha = it->second.mac;
    if (std::equal(ha.bytes.begin(), ha.bytes.end(), frame.begin())) {
        return std::nullopt;
    }
    RscMacs m;
    std::copy(ha.bytes.begin(), ha.bytes.end(), m.bytes.begin());
    std::copy_n(frame.begin(), kEthAlen, m.bytes.begin() + kEthAlen);
    return m;
}

// vxlan_encap_bypass to ourselves: a short-circuited frame whose new
// destination is bridge-local goes back up to the NIC, counted both ways.
// In external mode the frame comes back on its own VLAN.
void VxlanDev::encap_bypass(std::span<const std::uint8_t> frame, const RscMacs& rsc,
                            std::uint8_t rco, const Tunnel& tun) {
    const std::size_t len = frame.size() - tun.strip;
    if (len > bypass_.size()) {
        counters_.drop(DropReason::tx_oversize);
        return;
    }
    std::copy(rsc.bytes.begin(), rsc.bytes.end(), bypass_.begin());
    std::copy(frame.begin() + rsc.bytes.size() + tun.strip, frame.end(),
              bypass_.begin() + rsc.bytes.size());
    counters_.tx_packets++;
    counters_.tx_bytes += len;
    // A checksum left to the receiver: we are it.
    const std::span<std::uint8_t> f{bypass_.data(), len};
    const Offload off = rco ? take_remcsum(f, wire::VxlanHeader::rco(rco)) : Offload{};
    if (!deliver(f, off, tun.vlan)) {
        counters_.drop(DropReason::rx_link_down);
        return;
    }
    counters_.rx_packets++;
    counters_.rx_bytes += len;
}

Offload VxlanDev::take_remcsum(std::span<std::uint8_t> frame, const wire::VxlanHeader& h) const {
    Offload o;
    if (!nic_csum_) {
        wire::remcsum_adjust(frame, h.rco_start(), h.rco_field());
        return o;
    }
    o.ip_summed = IpSummed::partial;
    o.csum_start = static_cast<std::uint16_t>(h.rco_start());
    o.csum_offset = static_cast<std::uint16_t>(h.rco_field() - h.rco_start());
    o.network_offset = wire::kEthHlen;
    return o;
}

// The outer values that come from the frame: TOS with ECN, DF, source port.
VxlanTx VxlanDev::outer_for(const wire::EthernetView& eth,
                            std::span<const std::uint8_t> frame) const {
    VxlanTx tx;
    const std::uint8_t inner_ds = wire::dsfield(eth);
    tx.tos = wire::ecn_encapsulate(cfg_.tos_inherit ? inner_ds : cfg_.tos, inner_ds);
    switch (cfg_.df) {
        case VxlanDf::unset:
            tx.df = false;
            break;
        case VxlanDf::set:
            tx.df = true;
            break;
        case VxlanDf::inherit: {
            const std::uint16_t type = eth.ethertype();
            const std::size_t frag = eth.header_len() + 6;  // the IPv4 flags byte
            tx.df = type == wire::kEthPIpv6 ||
                    (type == wire::kEthPIpv4 && frame.size() > frag && (frame[frag] & 0x40) != 0);
            break;
        }
    }
    tx.src_port = src_port_for(frame);
    return tx;
}

// The rest per remote: where to, and the TTL a group wants.
void VxlanDev::xmit_one(const VxlanRemote& r, VxlanTx tx, std::span<const std::uint8_t> frame,
                        const RscMacs* rsc, std::uint8_t rco, const Tunnel& tun) {
    if (r.ip.is_any()) {
        if (rsc) {
            encap_bypass(frame, *rsc, rco, tun);  // short-circuited back to the local bridge
        } else {
            counters_.drop(DropReason::vx_no_fdb);  // a bridge-local entry: nowhere to send
        }
        return;
    }
    tx.dst = r;
    if (tx.dst.port == 0) {
        tx.dst.port = cfg_.dst_port;
    }
    tx.ttl = cfg_.ttl;
    if (tx.ttl == 0) {
        tx.ttl = r.ip.is_multicast() ? 1 : kVxlanDefaultTtl;
    }
    // The VXLAN header, and for a short-circuited frame its new addresses
    // (for one whose tag is left out, its own) in front of the rest, so
    // the guest's buffer is sent as it is.
    std::array<std::uint8_t, wire::kVxlanHlen + sizeof(RscMacs::bytes)> hdr;
    const std::uint32_t flags = header_flags() | (rco ? wire::kVxlanFlagRco : 0);
    wire::VxlanHeader{flags, r.vni, rco}.emit(hdr.data());
    std::size_t hlen = wire::kVxlanHlen;
    std::span<const std::uint8_t> rest = frame;
    if (rsc || tun.strip) {
        const std::uint8_t* macs = rsc ? rsc->bytes.data() : frame.data();
        std::copy_n(macs, sizeof(RscMacs::bytes), hdr.begin() + hlen);
        hlen += sizeof(RscMacs::bytes);
        rest = frame.subspan(sizeof(RscMacs::bytes) + tun.strip);
    }
    if (!ops_.send(tx, {hdr.data(), hlen}, rest)) {
        counters_.drop(DropReason::vx_send_failed);
        return;
    }
    counters_.tx_packets++;
    counters_.tx_bytes += frame.size() - tun.strip;
}

const MacAddr* VxlanDev::neigh_lookup(const IpAddr& ip) const {
    auto it = neigh_.find(ip);
    if (it == neigh_.end() ||
        (!it->second.permanent &&
         it->second.confirmed_ms + kVxlanNeighReachableMs <= clock_.now_ms())) {
        return nullptr;  // absent or no longer NUD_CONNECTED
    }
    return &it->second.mac;
}

bool VxlanDev::neigh_add(const IpAddr& ip, const MacAddr& mac, bool permanent) {
    auto it = neigh_.find(ip);
    if (it != neigh_.end()) {
        if (it->second.permanent && !permanent) {
            return true;  // neigh_update leaves NUD_PERMANENT to the admin
        }
        it->second = Neigh{mac, clock_.now_ms(), permanent};
        return true;
    }
    if (neigh_.size() >= kVxlanNeighMax) {
        return false;
    }
    neigh_.emplace(ip, Neigh{mac, clock_.now_ms(), permanent});
    return true;
}

namespace {

constexpr std::size_t kNeighRecordBytes = 17 + 6;  // IP, MAC

}  // namespace

std::size_t VxlanDev::neigh_permanent() const {
    return static_cast<std::size_t>(std::count_if(
        neigh_.begin(), neigh_.end(), [](const auto& kv) { return kv.second.permanent; }));
}

void VxlanDev::neigh_save(std::vector<std::uint8_t>& out) const {
    StateWriter w(out, StateKind::vxlan_neigh);
    w.u32(static_cast<std::uint32_t>(neigh_permanent()));
    for (const auto& [ip, n] : neigh_) {
        if (n.permanent) {
            w.ip(ip);
            w.mac(n.mac);
        }
    }
}

bool VxlanDev::neigh_load(std::span<const std::uint8_t> in) {
    StateReader r(in, StateKind::vxlan_neigh);
    std::vector<std::pair<IpAddr, MacAddr>> got;
    if (!r.records(kNeighRecordBytes, got, [&](std::pair<IpAddr, MacAddr>& e) {
            e.first = r.ip();
            e.second = r.mac();
            return r.ok();
        })) {
        return false;
    }
    for (const auto& [ip, mac] : got) {
        neigh_add(ip, mac, true);
    }
    return true;
}

// arp_reduce / neigh_reduce: every ARP frame and every NS is consumed; a
// request for a neighbour we know is answered on its behalf.
bool VxlanDev::proxy_reply(const wire::EthernetView& eth, const Tunnel& tun) {
    std::optional<IpAddr> target;
    std::size_t n = 0;
    const MacAddr* ha = nullptr;
    const std::uint32_t k = key(tun.vni);
    auto bridge_local = [&](const MacAddr& m) {
        const FdbEntry* f = fdb_.find(m, clock_.now_ms(), k);
        return f && f->remotes.front().ip.is_any();
    };
    if (eth.ethertype() == wire::kEthPArp) {
        auto arp = wire::ArpRepr::parse(eth.payload());
        if (!arp || arp->op != wire::kArpOpRequest) {
            return true;
        }
        target = IpAddr::v4(arp->tpa);
        if (target->is_loopback() || target->is_multicast()) {
            return true;
        }
        ha = neigh_lookup(*target);
        if (ha && !bridge_local(*ha)) {
            n = build_arp_reply(reply_.data(), *ha, arp->tpa, arp->sha, arp->spa);
        }
    } else if (eth.ethertype() == wire::kEthPIpv6) {
        auto ip = wire::Ipv6View::parse(eth.payload());
        if (!ip || ip->next_header() != wire::kIpProtoIcmpv6) {
            return false;
        }
        auto p = ip->payload();
        if (p.size() < wire::kNdHlen || p[0] != wire::kNdNeighborSolicit || p[1] != 0) {
            return false;
        }
        wire::Ipv6Addr tgt;
        std::copy(p.begin() + 8, p.begin() + 24, tgt.begin());
        target = IpAddr::v6of(tgt);
        if (IpAddr::v6of(ip->dst()).is_loopback() || target->is_multicast()) {
            return true;
        }
        ha = neigh_lookup(*target);
        if (ha && !bridge_local(*ha)) {
            wire::Ipv6Addr dst;
            std::copy(ip->src().begin(), ip->src().end(), dst.begin());
            // vxlan_na_create: the R flag when the neighbour is a router.
            const FdbEntry* f = fdb_.peek(*ha, k);
            n = build_na(reply_.data(), *ha, tgt, eth.src(), dst,
                         wire::kNdFlagSolicited | wire::kNdFlagOverride |
                             (f && f->router ? wire::kNdFlagRouter : 0));
        }
    } else {
        return false;
    }
    if (n) {
        deliver({reply_.data(), n}, {}, tun.vlan);
    } else if (!ha && cfg_.l3miss) {
        ops_.l3miss(*target);
    }
    return true;
}

// What a host stack on the overlay would put in its neighbour table.
void VxlanDev::snoop_neigh(const wire::EthernetView& eth) {
    if (eth.ethertype() == wire::kEthPArp) {
        auto arp = wire::ArpRepr::parse(eth.payload());
        const IpAddr spa = arp ? IpAddr::v4(arp->spa) : IpAddr{};
        if (arp && !spa.is_any() && arp->sha.is_unicast()) {
            neigh_add(spa, arp->sha);
        }
        return;
    }
    if (eth.ethertype() != wire::kEthPIpv6) {
        return;
    }
    auto ip = wire::Ipv6View::parse(eth.payload());
    auto nd = ip ? wire::NdRepr::parse(*ip) : std::nullopt;
    if (!nd || !nd->link_addr) {
        return;
    }
    if (nd->type == wire::kNdNeighborAdvert) {
        neigh_add(IpAddr::v6of(nd->target), *nd->link_addr);
    } else if (!IpAddr::v6of(ip->src()).is_any()) {
        neigh_add(IpAddr::v6of(ip->src()), *nd->link_addr);
    }
}

// vxlan_snoop: true means drop the frame.
bool VxlanDev::snoop(const IpAddr& src, const MacAddr& mac, std::uint32_t vni) {
    if (mac.is_multicast() || mac.is_zero()) {
        counters_.drop(DropReason::vx_bad_src_mac);
        return true;
    }
    const std::uint64_t now = clock_.now_ms();
    if (FdbEntry* f = fdb_.find(mac, now, key(vni))) {
        VxlanRemote& first = f->remotes.front();
        if (first.ip == src) {
            return false;
        }
        if (f->is_static) {
            counters_.drop(DropReason::vx_static_moved);
            return true;
        }
        first.ip = src;  // the MAC moved to another remote
        f->updated_ms = now;
        trace(TraceKind::fdb, cfg_.name, "migrate", &mac, &src);
        return false;
    }
    if (fdb_.learn(mac, VxlanRemote{src, cfg_.dst_port, vni}, now, key(vni)) == FdbResult::added) {
        trace(TraceKind::fdb, cfg_.name, "learn", &mac, &src);
    }
    return false;
}

void VxlanDev::rx(const IpAddr& src, std::uint8_t outer_tos, std::span<std::uint8_t> inner,
                  const Offload& off, std::uint32_t vni) {
    auto eth = wire::EthernetView::parse(inner);
    if (!eth) {
        counters_.drop(DropReason::vx_truncated);
        return;
    }
    // br_handle_ingress_vlan_tunnel: the VNI's VLAN goes on as a tag; a
    // frame already tagged keeps its own, if the map has that VLAN. One of
    // a VNI the map lacks stays untagged, and the bridge gives it the
    // port's PVID: here the untagged frames' network, if there is one.
    std::uint16_t vlan = 0;
    if (!cfg_.external) {
        vni = cfg_.vni;
    } else if (const auto vid = wire::vlan_id(inner)) {
        if (*vid == 0 || vid_vni_[*vid] == kVxlanNoVni) {
            counters_.drop(DropReason::vx_unknown_vni);
            return;
        }
    } else if (const auto v = vlan_of(vni)) {
        vlan = *v;
    } else if (cfg_.vni == kVxlanNoVni) {
        counters_.drop(DropReason::vx_unknown_vni);
        return;
    }
    if (inner.size() > cfg_.mtu + eth->header_len()) {
        counters_.drop(DropReason::vx_oversize);
        return;
    }
    const MacAddr smac = eth->src();
    if (smac == own_mac_ && !own_mac_.is_zero()) {
        counters_.drop(DropReason::vx_own_mac);
        return;
    }
    if (cfg_.learning && snoop(src, smac, vni)) {
        return;
    }
    // pskb_inet_may_pull, then RFC 6040 on what is IP.
    const std::uint16_t type = eth->ethertype();
    const std::size_t l3 = eth->header_len();
    const std::size_t need = type == wire::kEthPIpv4   ? wire::kIpv4MinHlen
                             : type == wire::kEthPIpv6 ? wire::kIpv6Hlen
                                                       : 0;
    if (inner.size() - l3 < need) {
        counters_.drop(DropReason::vx_truncated);
        return;
    }
    if (need) {
        switch (wire::ecn_decapsulate(outer_tos, wire::dsfield(*eth))) {
            case wire::EcnDecap::drop:
                counters_.drop(DropReason::vx_ecn);
                return;
            case wire::EcnDecap::set_ce:
                wire::frame_set_ce(inner, l3);
                break;
            case wire::EcnDecap::keep:
                break;
        }
    }
    if (cfg_.proxy) {
        snoop_neigh(*eth);
    }
    if (!deliver(inner, off, vlan)) {
        counters_.drop(DropReason::rx_link_down);
        return;
    }
    counters_.rx_packets++;
    counters_.rx_bytes += inner.size();
}

void VxlanDev::run_timers() {
    const std::uint64_t now = clock_.now_ms();
    if (cfg_.ageing_s != 0) {
        fdb_.age(now, std::uint64_t{cfg_.ageing_s} * 1000,
                 [this](const MacAddr& mac, const FdbEntry& e) {
                     trace(TraceKind::fdb, cfg_.name, "age", &mac, &e.remotes.front().ip);
                 });
    }
    std::erase_if(neigh_, [&](const auto& kv) {
        return !kv.second.permanent && kv.second.confirmed_ms + kVxlanNeighReachableMs <= now;
    });
}

std::size_t encapsulate_outer(const VxlanConfig& cfg, const VxlanTx& tx,
                              std::span<const std::uint8_t> hdr,
                              std::span<const std::uint8_t> frame, const OuterIds& ids,
                              std::span<std::uint8_t> out) {
    const bool v6 = tx.dst.ip.v6;
    const std::size_t iph = v6 ? wire::kIpv6Hlen : wire::kIpv4MinHlen;
    const std::size_t udp_len = wire::kUdpHlen + hdr.size() + frame.size();
    if (out.size() < iph + udp_len) {
        return 0;
    }
    std::uint8_t* udp = out.data() + iph;
    std::memcpy(udp + wire::kUdpHlen, hdr.data(), hdr.size());
    std::memcpy(udp + wire::kUdpHlen + hdr.size(), frame.data(), frame.size());
    const wire::UdpRepr u{tx.src_port, tx.dst.port};
    // vxlan_xmit_one's udp_sum: UDP_ZERO_CSUM6_TX over IPv6, UDP_CSUM over IPv4.
    if (v6 ? !cfg.udp6zerocsumtx : cfg.udpcsum) {
        u.emit(udp, udp_len - wire::kUdpHlen, cfg.local.span(), tx.dst.ip.span());
    } else {
        u.emit(udp, udp_len - wire::kUdpHlen);
    }
    if (v6) {
        wire::Ipv6Repr ip{.next_header = wire::kIpProtoUdp,
                          .hop_limit = tx.ttl,
                          .traffic_class = tx.tos,
                          .flow_label = ids.flow_label};
        std::copy_n(cfg.local.bytes.begin(), 16, ip.src.begin());
        std::copy_n(tx.dst.ip.bytes.begin(), 16, ip.dst.begin());
        ip.emit(out.data(), udp_len);
    } else {
        wire::Ipv4Repr ip{.protocol = wire::kIpProtoUdp,
                          .ttl = tx.ttl,
                          .tos = tx.tos,
                          .id = ids.ip_id,
                          .dont_fragment = tx.df};
        std::copy_n(cfg.local.bytes.begin(), 4, ip.src.begin());
        std::copy_n(tx.dst.ip.bytes.begin(), 4, ip.dst.begin());
        ip.emit(out.data(), udp_len);
    }
    return iph + udp_len;
}

}  // namespace vnet
