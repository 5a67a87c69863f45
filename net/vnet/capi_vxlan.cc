// SPDX-License-Identifier: GPL-2.0-or-later
// The VXLAN half of the C ABI (include/vnet/vnet.h): adapts the glue's
// callbacks to VxlanOps and Clock.
#include <arpa/inet.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <memory>

#include "capi_stats.h"
#include "vnet/trace.h"
#include "vnet/virtio_net_hdr.h"
#include "vnet/vnet.h"
#include "vnet/vxlan.h"
#include "vnet/vxlan_sock.h"

namespace {

vnet::IpAddr to_ip(const VnetIpAddr& a) {
    vnet::IpAddr r;
    r.v6 = a.v6;
    std::memcpy(r.bytes.data(), a.b, a.v6 ? 16 : 4);
    return r;
}

VnetIpAddr from_ip(const vnet::IpAddr& a) {
    VnetIpAddr r{};
    r.v6 = a.v6;
    std::memcpy(r.b, a.bytes.data(), 16);
    return r;
}

VnetFdbResult to_c(vnet::FdbResult r) {
    switch (r) {
        case vnet::FdbResult::exists:
            return VNET_FDB_EXISTS;
        case vnet::FdbResult::full:
            return VNET_FDB_FULL;
        case vnet::FdbResult::not_found:
            return VNET_FDB_NOT_FOUND;
        default:
            return VNET_FDB_OK;
    }
}

}  // namespace

struct VnetVxlan final : vnet::VxlanOps, vnet::Clock {
    VnetVxlan(const VnetVxlanOps& o, void* op) : ops(o), opaque(op) {}

    bool send(const vnet::VxlanTx& tx, std::span<const std::uint8_t> hdr,
              std::span<const std::uint8_t> frame) override {
        VnetVxlanTx t{from_ip(tx.dst.ip), tx.dst.port, tx.src_port, tx.tos, tx.ttl, tx.df};
        const struct iovec iov[2] = {{const_cast<std::uint8_t*>(hdr.data()), hdr.size()},
                                     {const_cast<std::uint8_t*>(frame.data()), frame.size()}};
        return ops.send(opaque, &t, iov, 2);
    }
    bool deliver(std::span<const std::uint8_t> frame, const vnet::Offload& off,
                 std::uint16_t vlan) override {
        std::uint8_t hdr[VNET_NET_HDR_LEN];
        vnet::virtio_net_hdr_from_offload(off, false).store(hdr);
        auto* f = const_cast<std::uint8_t*>(frame.data());
        if (vlan == 0) {
            const struct iovec iov = {f, frame.size()};
            return ops.deliver(opaque, hdr, &iov, 1);
        }
        // The tag between the MACs and the rest, without a copy of either.
        std::uint8_t tag[vnet::wire::kVlanHlen];
        vnet::wire::store_be16(tag, vnet::wire::kEthP8021Q);
        vnet::wire::store_be16(tag + 2, vlan);
        constexpr std::size_t kMacs = 2 * vnet::kEthAlen;
        const struct iovec iov[3] = {
            {f, kMacs}, {tag, sizeof tag}, {f + kMacs, frame.size() - kMacs}};
        return ops.deliver(opaque, hdr, iov, 3);
    }
    void l2miss(const vnet::MacAddr& m) override {
        if (ops.l2miss) {
            ops.l2miss(opaque, m.bytes.data());
        }
    }
    void l3miss(const vnet::IpAddr& a) override {
        if (ops.l3miss) {
            const VnetIpAddr c = from_ip(a);
            ops.l3miss(opaque, &c);
        }
    }
    std::uint64_t now_ms() const override { return ops.now_ms(opaque); }

    VnetVxlanOps ops;
    void* opaque;
    std::unique_ptr<vnet::VxlanDev> dev;
};

struct VnetVxsock {
    vnet::VxlanSock sock;
};

namespace {

// The plain fields both configs carry, named once: fn(C member, C++
// member) for each, so both directions (and the defaults) follow one list.
template <class Fn>
void for_each_shared_field(Fn&& fn) {
    fn(&VnetVxlanConfig::vni, &vnet::VxlanConfig::vni);
    fn(&VnetVxlanConfig::dst_port, &vnet::VxlanConfig::dst_port);
    fn(&VnetVxlanConfig::port_min, &vnet::VxlanConfig::port_min);
    fn(&VnetVxlanConfig::port_max, &vnet::VxlanConfig::port_max);
    fn(&VnetVxlanConfig::ttl, &vnet::VxlanConfig::ttl);
    fn(&VnetVxlanConfig::tos, &vnet::VxlanConfig::tos);
    fn(&VnetVxlanConfig::tos_inherit, &vnet::VxlanConfig::tos_inherit);
    fn(&VnetVxlanConfig::learning, &vnet::VxlanConfig::learning);
    fn(&VnetVxlanConfig::ageing_s, &vnet::VxlanConfig::ageing_s);
    fn(&VnetVxlanConfig::maxaddress, &vnet::VxlanConfig::maxaddress);
    fn(&VnetVxlanConfig::proxy, &vnet::VxlanConfig::proxy);
    fn(&VnetVxlanConfig::l2miss, &vnet::VxlanConfig::l2miss);
    fn(&VnetVxlanConfig::l3miss, &vnet::VxlanConfig::l3miss);
    fn(&VnetVxlanConfig::rsc, &vnet::VxlanConfig::rsc);
    fn(&VnetVxlanConfig::udpcsum, &vnet::VxlanConfig::udpcsum);
    fn(&VnetVxlanConfig::udp6zerocsumtx, &vnet::VxlanConfig::udp6zerocsumtx);
    fn(&VnetVxlanConfig::udp6zerocsumrx, &vnet::VxlanConfig::udp6zerocsumrx);
    fn(&VnetVxlanConfig::gbp, &vnet::VxlanConfig::gbp);
    fn(&VnetVxlanConfig::gbp_mark, &vnet::VxlanConfig::gbp_mark);
    fn(&VnetVxlanConfig::remcsum_rx, &vnet::VxlanConfig::remcsum_rx);
    fn(&VnetVxlanConfig::remcsum_tx, &vnet::VxlanConfig::remcsum_tx);
    fn(&VnetVxlanConfig::mtu, &vnet::VxlanConfig::mtu);
    fn(&VnetVxlanConfig::external, &vnet::VxlanConfig::external);
}

vnet::VxlanConfig to_config(const VnetVxlanConfig* c) {
    vnet::VxlanConfig cfg;
    if (c->name) {
        cfg.name = c->name;
    }
    cfg.local = to_ip(c->local);
    if (c->has_remote) {
        cfg.remote = to_ip(c->remote);
    }
    cfg.df = static_cast<vnet::VxlanDf>(c->df);
    for_each_shared_field([&](auto from, auto to) { cfg.*to = c->*from; });
    for (std::size_t i = 0; i < c->n_vlan_tunnel; ++i) {
        cfg.vlan_tunnel.push_back({c->vlan_tunnel[i].vid, c->vlan_tunnel[i].vni});
    }
    return cfg;
}

}  // namespace

void vnet_vxlan_config_init(VnetVxlanConfig* c) {
    const vnet::VxlanConfig d;
    *c = VnetVxlanConfig{};
    c->df = static_cast<VnetVxlanDf>(d.df);
    for_each_shared_field([&](auto to, auto from) { c->*to = d.*from; });
}

bool vnet_vxlan_validate(const VnetVxlanConfig* c, char* why, size_t why_len, const char** field) {
    if (auto err = vnet::validate(to_config(c))) {
        std::snprintf(why, why_len, "%s", err->why.c_str());
        *field = err->field;
        return false;
    }
    return true;
}

VnetVxlan* vnet_vxlan_new(const VnetVxlanConfig* c, const VnetVxlanOps* ops, void* opaque) {
    const vnet::VxlanConfig cfg = to_config(c);
    if (vnet::validate(cfg)) {
        return nullptr;
    }
    auto* vx = new VnetVxlan(*ops, opaque);
    vx->dev = std::make_unique<vnet::VxlanDev>(cfg, *vx, *vx);
    return vx;
}

void vnet_vxlan_free(VnetVxlan* vx) { delete vx; }

void vnet_vxlan_xmit(VnetVxlan* vx, const uint8_t* frame, size_t len) {
    vx->dev->xmit({frame, len});
}

void vnet_vxlan_xmit_hdr(VnetVxlan* vx, const uint8_t* buf, size_t len, size_t hdr_len) {
    if (hdr_len < VNET_NET_HDR_LEN || len < hdr_len) {
        vx->dev->counters().drop(vnet::DropReason::tx_runt);
        return;
    }
    const std::span<const std::uint8_t> frame{buf + hdr_len, len - hdr_len};
    // Whatever the NIC's guest negotiated: the netdev can do all of it.
    static constexpr vnet::TxOffloads kAll{
        .csum = true, .tso4 = true, .tso6 = true, .ecn = true, .uso = true};
    const vnet::HdrCheck c =
        vnet::virtio_net_hdr_to_offload(vnet::VirtioNetHdr::load(buf), frame, kAll);
    if (c.refused) {
        vx->dev->counters().drop(*c.refused);
        return;
    }
    vx->dev->xmit(frame, c.offload);
}

void vnet_vxlan_set_nic_csum(VnetVxlan* vx, bool on) { vx->dev->set_nic_csum(on); }

void vnet_vxlan_set_own_mac(VnetVxlan* vx, const uint8_t mac[6]) {
    vx->dev->set_own_mac(vnet::MacAddr::from(mac));
}

void vnet_vxlan_run_timers(VnetVxlan* vx) { vx->dev->run_timers(); }

void vnet_vxlan_get_stats(const VnetVxlan* vx, VnetDevStats* s) {
    vnet_fill_stats(vx->dev->counters(), s);
}

size_t vnet_vxlan_gbp_counts(const VnetVxlan* vx, VnetGbpCount* out, size_t max, uint64_t* other) {
    const auto counts = vx->dev->gbp_counts();
    const std::size_t n = std::min(max, counts.size());
    for (std::size_t i = 0; i < n; ++i) {
        out[i] = {counts[i].id, counts[i].packets};
    }
    *other = vx->dev->gbp_other();
    return n;
}

size_t vnet_vxlan_vlan_tunnel(const VnetVxlan* vx, VnetVlanTunnel* out, size_t max) {
    std::size_t n = 0;
    vx->dev->for_each_vlan_tunnel([&](std::uint16_t vid, std::uint32_t vni) {
        if (n < max) {
            out[n] = {vid, vni};
        }
        ++n;
    });
    return n;
}

bool vnet_vxlan_vlan_tunnel_add(VnetVxlan* vx, uint16_t vid, uint32_t vni, char* why,
                                size_t why_len) {
    using R = vnet::VxlanDev::MapResult;
    const char* what = nullptr;
    switch (vx->dev->vlan_tunnel_add(vid, vni)) {
        case R::added:
            return true;
        case R::not_external:
            what = "the netdev is not external=on";
            break;
        case R::bad_vid:
            what = "VLAN IDs run from 1 to 4094";
            break;
        case R::bad_vni:
            what = "the VNI must be below 2^24 (16777216)";
            break;
        case R::vid_taken:
            what = "the VLAN is mapped already";
            break;
        case R::vni_taken:
            what = "the VNI is mapped already";
            break;
    }
    std::snprintf(why, why_len, "%s", what);
    return false;
}

bool vnet_vxlan_vlan_tunnel_del(VnetVxlan* vx, uint16_t vid) {
    return vx->dev->vlan_tunnel_del(vid);
}

VnetFdbResult vnet_vxlan_fdb_add(VnetVxlan* vx, const uint8_t mac[6], const VnetIpAddr* ip,
                                 uint16_t port, uint32_t vni, bool append, bool router,
                                 uint32_t src_vni) {
    return to_c(vx->dev->fdb_add(vnet::MacAddr::from(mac), {to_ip(*ip), port, vni}, append, router,
                                 src_vni));
}

VnetFdbResult vnet_vxlan_fdb_del(VnetVxlan* vx, const uint8_t mac[6], const VnetIpAddr* ip,
                                 uint16_t port, uint32_t vni, uint32_t src_vni) {
    const vnet::VxlanRemote r{ip ? to_ip(*ip) : vnet::IpAddr{}, port, vni};
    return to_c(vx->dev->fdb_del(vnet::MacAddr::from(mac), ip ? &r : nullptr, src_vni));
}

void vnet_vxlan_fdb_dump(const VnetVxlan* vx, VnetFdbDumpFn* fn, void* opaque) {
    const std::uint64_t now = vx->now_ms();
    const auto& cfg = vx->dev->config();
    vx->dev->fdb().for_each([&](const vnet::MacAddr& mac, const vnet::FdbEntry& e) {
        for (const auto& r : e.remotes) {
            const VnetIpAddr ip = from_ip(r.ip);
            fn(opaque, mac.bytes.data(), &ip, r.port, r.vni, cfg.external ? e.vni : cfg.vni,
               e.is_static, e.router, now > e.used_ms ? now - e.used_ms : 0);
        }
    });
}

size_t vnet_vxlan_fdb_size(const VnetVxlan* vx) { return vx->dev->fdb().size(); }

uint8_t* vnet_vxlan_state_save(const VnetVxlan* vx, size_t* len) {
    std::vector<uint8_t> v;
    vx->dev->fdb().save(v, vx->now_ms());
    return vnet_state_blob(v, len);
}

bool vnet_vxlan_state_load(VnetVxlan* vx, const uint8_t* buf, size_t len) {
    return len == 0 || vx->dev->fdb().load({buf, len}, vx->now_ms(), vx->dev->config().external);
}

bool vnet_vxlan_neigh_add(VnetVxlan* vx, const VnetIpAddr* ip, const uint8_t mac[6]) {
    return vx->dev->neigh_add(to_ip(*ip), vnet::MacAddr::from(mac), true);
}

bool vnet_vxlan_neigh_del(VnetVxlan* vx, const VnetIpAddr* ip) {
    return vx->dev->neigh_del(to_ip(*ip));
}

void vnet_vxlan_neigh_dump(const VnetVxlan* vx, VnetNeighDumpFn* fn, void* opaque) {
    vx->dev->for_each_neigh(
        [&](const vnet::IpAddr& a, const vnet::MacAddr& mac, bool permanent, std::uint64_t age) {
            const VnetIpAddr ip = from_ip(a);
            fn(opaque, &ip, mac.bytes.data(), permanent, age);
        });
}

uint8_t* vnet_vxlan_neigh_state_save(const VnetVxlan* vx, size_t* len) {
    std::vector<uint8_t> v;
    if (vx->dev->neigh_permanent() != 0) {
        vx->dev->neigh_save(v);
    }
    return vnet_state_blob(v, len);
}

bool vnet_vxlan_neigh_state_load(VnetVxlan* vx, const uint8_t* buf, size_t len) {
    return len == 0 || vx->dev->neigh_load({buf, len});
}

namespace {

VnetTraceFn* g_trace_fn = nullptr;

void trace_to_c(const vnet::TraceEvent& e) {
    VnetIpAddr ip;
    if (e.ip) {
        ip = from_ip(*e.ip);
    }
    g_trace_fn(static_cast<VnetTraceKind>(e.kind), e.dev, e.what,
               e.mac ? e.mac->bytes.data() : nullptr, e.ip ? &ip : nullptr);
}

}  // namespace

static_assert(VNET_TRACE_FDB == static_cast<int>(vnet::TraceKind::fdb), "trace kinds out of step");
static_assert(VNET_TRACE_IPVLAN_ADDR == static_cast<int>(vnet::TraceKind::ipvlan_addr),
              "trace kinds out of step");

void vnet_set_trace(VnetTraceFn* fn) {
    g_trace_fn = fn;
    vnet::set_trace_hook(fn ? trace_to_c : nullptr);
}

bool vnet_ip_parse(const char* s, VnetIpAddr* out) {
    *out = VnetIpAddr{};
    if (inet_pton(AF_INET, s, out->b) == 1) {
        return true;
    }
    out->v6 = true;
    return inet_pton(AF_INET6, s, out->b) == 1;
}

VnetVxsock* vnet_vxsock_new(void) { return new VnetVxsock; }

void vnet_vxsock_free(VnetVxsock* vs) { delete vs; }

bool vnet_vxsock_add(VnetVxsock* vs, VnetVxlan* vx) { return vs->sock.add(*vx->dev); }

void vnet_vxsock_remove(VnetVxsock* vs, VnetVxlan* vx) { vs->sock.remove(*vx->dev); }

void vnet_vxsock_receive(VnetVxsock* vs, const VnetIpAddr* src, uint8_t outer_tos, uint8_t* payload,
                         size_t len, bool truncated) {
    vs->sock.rx(to_ip(*src), outer_tos, {payload, len}, truncated);
}

void vnet_vxsock_get_stats(const VnetVxsock* vs, VnetDevStats* s) {
    vnet_fill_stats(vs->sock.counters(), s);
}
