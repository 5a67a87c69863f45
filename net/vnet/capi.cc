// SPDX-License-Identifier: GPL-2.0-or-later
// The C ABI of include/vnet/vnet.h, a translator: a VnetDev is one libvnet
// device (the lower's PhysDev, a MacvlanDev or an IpvlanDev; the ABI's
// free is its delete) with its kind, and the glue's callbacks seen as the
// XmitOps, ProtocolHandler, Clock and event hook that device wants. What the devices
// share, and how they follow each other's events, is libvnet's
// (phys_dev.h, the ports).
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <span>
#include <variant>
#include <vector>

#include "capi_stats.h"
#include "vnet/dev.h"
#include "vnet/flow_hash.h"
#include "vnet/inet.h"
#include "vnet/ipvlan.h"
#include "vnet/macvlan.h"
#include "vnet/phys_dev.h"
#include "vnet/rss.h"
#include "vnet/virtio_net_hdr.h"
#include "vnet/vnet.h"
#include "vnet/wire/bytes.h"

static_assert(VNET_DROP_REASONS == vnet::kDropReasons, "vnet.h drop reasons out of date");
static_assert(VNET_MIN_MTU == vnet::NetDevice::kMinMtu, "vnet.h minimum MTU out of date");

struct VnetDev final : vnet::XmitOps, vnet::ProtocolHandler, vnet::Clock {
    VnetDev(const VnetDevOps& o, void* op) : ops(o), opaque(op) {}

    VnetDevKind kind() const { return static_cast<VnetDevKind>(owned.index()); }
    template <std::size_t K>
    auto* get() const {
        auto* p = std::get_if<K>(&owned);
        return p ? p->get() : nullptr;
    }
    vnet::PhysDev* phys() const { return get<VNET_DEV_LOWER>(); }
    vnet::MacvlanDev* macvlan() const { return get<VNET_DEV_MACVLAN>(); }
    vnet::IpvlanDev* ipvlan() const { return get<VNET_DEV_IPVLAN>(); }

    // The lower port's wire.
    vnet::XmitResult xmit(vnet::NetDevice&, vnet::Packet& pkt) override {
        std::uint8_t hdr[VNET_NET_HDR_LEN];
        vnet::virtio_net_hdr_from_offload(pkt.offload, false).store(hdr);
        VnetXmitResult r;
        struct iovec parts[kPieces];
        unsigned n = 0;
        if (pkt.lent() && ops.xmit_iov && (n = pkt.pieces(0, parts)) != 0) {
            r = ops.xmit_iov(opaque, hdr, parts, n);  // the netdev's copy is the one
        } else {
            r = ops.xmit(opaque, hdr, pkt.data(), pkt.len());
        }
        switch (r) {
            case VNET_XMIT_SENT:
                return vnet::XmitResult::sent;
            case VNET_XMIT_QUEUED:
                return vnet::XmitResult::queued;
            case VNET_XMIT_DROPPED:
                break;
        }
        return vnet::XmitResult::dropped;
    }

    // The guest function behind this device.
    vnet::DeliverResult deliver(vnet::NetDevice& dev, const vnet::Packet& pkt) override {
        const vnet::RssSteering::Choice c = rss.choose(pkt.headers(), rx_queues);
        // A VF's port VLAN tag (netif_deliver let only those through) is
        // stripped: the frame goes in two pieces around it, not copied.
        const vnet::VfConfig* vf = dev.vf();
        const bool strip = vf && vf->vlan;
        if (strip && !vnet::vf_port_vlan_admits(*vf, pkt.headers())) [[unlikely]] {
            return vnet::DeliverResult::dropped;  // queued before the VLAN was set
        }
        const vnet::Offload off = strip ? vnet::offload_moved(pkt.offload, -4) : pkt.offload;
        // struct virtio_net_hdr_v1_hash: num_buffers is the glue's.
        std::uint8_t hdr[VNET_RX_HDR_LEN] = {};
        vnet::virtio_net_hdr_from_offload(off, dev.rx_offloads().csum).store(hdr);
        vnet::wire::store_le32(hdr + 12, c.reported.value);
        vnet::wire::store_le16(hdr + 16, static_cast<std::uint16_t>(c.reported.type));
        switch (hand_over(pkt, hdr, strip, c.queue)) {
            case VNET_DELIVER_OK:
                return vnet::DeliverResult::delivered;
            case VNET_DELIVER_BUSY:
                return vnet::DeliverResult::busy;
            case VNET_DELIVER_DOWN:
                return vnet::DeliverResult::down;
            case VNET_DELIVER_DROPPED:
                break;
        }
        return vnet::DeliverResult::dropped;
    }

    // The frame to the glue, copied by it into the RX buffers, the one
    // copy: a lent frame's tail straight from the sender's buffers, a
    // port VLAN tag left out between pieces.
    VnetDeliverResult hand_over(const vnet::Packet& pkt, const std::uint8_t* hdr, bool strip,
                                unsigned queue) {
        if (!strip && (!pkt.lent() || !ops.deliver_iov)) [[likely]] {
            return ops.deliver(opaque, hdr, pkt.data(), pkt.len(), queue);
        }
        if (!ops.deliver_iov) {
            return VNET_DELIVER_DROPPED;  // a tag it cannot leave out
        }
        // The tag sits within the head (bytes 12..15) of any frame.
        struct iovec parts[kPieces];
        unsigned n = 0;
        if (strip) {
            parts[n++] = {const_cast<std::uint8_t*>(pkt.headers().data()), 12};
        }
        const unsigned more = pkt.pieces(strip ? 16 : 0, std::span(parts).subspan(n));
        if (more == 0 && pkt.lent()) {
            // Scattered wider than parts[]: read it in, then whole.
            pkt.linearize();
            return hand_over(pkt, hdr, strip, queue);
        }
        return ops.deliver_iov(opaque, hdr, parts, n + more, queue);
    }

    // Pieces a frame is handed over in at most: a driver's TX scatter
    // list (virtio_net's up to MAX_SKB_FRAGS + 2) with room to spare.
    static constexpr unsigned kPieces = VNET_MAX_PIECES;

    // The glue's clock, for the IP layer's neighbour ageing.
    std::uint64_t now_ms() const override { return ops.now_ms(opaque); }

    static void on_event(void* self, vnet::NetDevice& dev, vnet::NetdevEvent ev) {
        auto* d = static_cast<VnetDev*>(self);
        if (ev == vnet::NetdevEvent::change && d->ops.carrier_changed) {
            d->ops.carrier_changed(d->opaque, dev.carrier());
        } else if (ev == vnet::NetdevEvent::change_mtu && d->ops.mtu_changed) {
            d->ops.mtu_changed(d->opaque, dev.mtu());
        }
    }

    static void kick(void* self) {
        auto* d = static_cast<VnetDev*>(self);
        if (d->ops.kick_work) {
            d->ops.kick_work(d->opaque);
        }
    }

    VnetDevOps ops;
    // The receive queue choice: the active pairs, and the driver's RSS.
    unsigned rx_queues = 1;
    vnet::RssSteering rss;
    void* opaque;
    vnet::NetDevice* dev = nullptr;
    // Indexed by VnetDevKind.
    std::variant<std::unique_ptr<vnet::PhysDev>, std::unique_ptr<vnet::MacvlanDev>,
                 std::unique_ptr<vnet::IpvlanDev>>
        owned;
};

namespace {

VnetDev* adopt(std::unique_ptr<VnetDev> d, vnet::NetDevice& dev) {
    d->dev = &dev;
    dev.set_event_hook(&VnetDev::on_event, d.get());
    return d.release();
}

VnetDev* refused(const std::string& reason, char* why, size_t why_len) {
    std::snprintf(why, why_len, "%s", reason.c_str());
    return nullptr;
}

// The VnetDev behind a libvnet device: every device the ABI made carries
// this file's event hook, with its VnetDev as the hook's opaque.
VnetDev* handle_of(const vnet::NetDevice& dev) {
    return dev.event_hook() == &VnetDev::on_event ? static_cast<VnetDev*>(dev.event_hook_opaque())
                                                  : nullptr;
}

// Feature numbers of virtio 1.2 §5.1.3; guest offloads use the same.
enum : unsigned {
    kCsum = 0,
    kGuestCsum = 1,
    kGuestTso4 = 7,
    kGuestTso6 = 8,
    kGuestEcn = 9,
    kHostTso4 = 11,
    kHostTso6 = 12,
    kHostEcn = 13,
    kGuestUso4 = 54,
    kGuestUso6 = 55,
    kHostUso = 56,
};
// Frames longer than this come in lent past their headers
// (vnet_dev_queue_xmit): below it a copy costs less than pieces do.
constexpr std::size_t kLendOver = 2 * vnet::Packet::kHeaderRoom;

constexpr std::uint64_t kGuestBits = (1ull << kGuestCsum) | (1ull << kGuestTso4) |
                                     (1ull << kGuestTso6) | (1ull << kGuestEcn) |
                                     (1ull << kGuestUso4) | (1ull << kGuestUso6);

bool has(std::uint64_t bits, unsigned n) { return ((bits >> n) & 1) != 0; }

vnet::RxOffloads rx_offloads(std::uint64_t g) {
    return {.csum = has(g, kGuestCsum),
            .tso4 = has(g, kGuestTso4),
            .tso6 = has(g, kGuestTso6),
            .ecn = has(g, kGuestEcn),
            .uso4 = has(g, kGuestUso4),
            .uso6 = has(g, kGuestUso6)};
}

VnetRxResult to_c(vnet::RxResult r) {
    switch (r) {
        case vnet::RxResult::delivered:
            return VNET_RX_DELIVERED;
        case vnet::RxResult::consumed:
            return VNET_RX_CONSUMED;
        case vnet::RxResult::busy:
            return VNET_RX_BUSY;
        case vnet::RxResult::dropped:
            break;
    }
    return VNET_RX_DROPPED;
}

}  // namespace

extern "C" {

VnetDev* vnet_lower_new(const char* name, const uint8_t mac[6], unsigned mtu, const VnetDevOps* ops,
                        void* opaque) {
    auto d = std::make_unique<VnetDev>(*ops, opaque);
    auto& phys = d->owned.emplace<VNET_DEV_LOWER>(std::make_unique<vnet::PhysDev>(
        name, vnet::MacAddr::from(mac), d.get(), d.get(), vnet::PhysConfig{.mtu = mtu}));
    phys->wq().set_kick(&VnetDev::kick, d.get());
    if (ops->now_ms) {
        phys->set_clock(*d);
    }
    if (ops->timers_soon) {
        phys->set_timer_hook(
            [](void* self, std::uint64_t ms) {
                auto* v = static_cast<VnetDev*>(self);
                v->ops.timers_soon(v->opaque, static_cast<unsigned>(ms));
            },
            d.get());
    }
    return adopt(std::move(d), phys->dev());
}

VnetDev* vnet_macvlan_new(VnetDev* lower, const char* name, const uint8_t mac[6], unsigned mtu,
                          VnetMacvlanMode mode, bool nodst, const VnetDevOps* ops, void* opaque,
                          char* why, size_t why_len, const char** field) {
    auto d = std::make_unique<VnetDev>(*ops, opaque);
    vnet::MacvlanConfig cfg{.name = name,
                            .mac = vnet::MacAddr::from(mac),
                            .mtu = mtu,
                            .mode = static_cast<vnet::MacvlanMode>(mode),
                            .nodst = nodst};
    std::string reason;
    auto& m = d->owned.emplace<VNET_DEV_MACVLAN>(
        vnet::MacvlanDev::newlink(*lower->dev, cfg, d.get(), &reason, field));
    return m ? adopt(std::move(d), m->dev()) : refused(reason, why, why_len);
}

VnetDev* vnet_ipvlan_new(VnetDev* lower, const char* name, unsigned mtu, VnetIpvlanMode mode,
                         uint16_t flags, const VnetDevOps* ops, void* opaque, char* why,
                         size_t why_len, const char** field) {
    auto d = std::make_unique<VnetDev>(*ops, opaque);
    vnet::IpvlanConfig cfg{
        .name = name, .mode = static_cast<vnet::IpvlanMode>(mode), .flags = flags, .mtu = mtu};
    std::string reason;
    auto& i = d->owned.emplace<VNET_DEV_IPVLAN>(
        vnet::IpvlanDev::newlink(*lower->dev, cfg, d.get(), &reason, field));
    return i ? adopt(std::move(d), i->dev()) : refused(reason, why, why_len);
}

void vnet_dev_free(VnetDev* d) {
    d->dev->set_event_hook(nullptr, nullptr);  // the glue is going: tell it nothing more
    d->owned = {};  // unregisters the device: what is stacked on it is unlinked
    delete d;
}

VnetDevKind vnet_dev_kind(const VnetDev* d) { return d->kind(); }

bool vnet_dev_is_linked(const VnetDev* d) { return d->dev->phys() != nullptr; }

bool vnet_dev_rx_holds_when_busy(const VnetDev* d) { return d->dev->rx_holds_when_busy(); }

void vnet_dev_for_each(VnetDev* d, VnetDevFn* fn, void* fn_opaque) {
    if (vnet::PhysDev* phys = d->dev->phys()) {
        phys->for_each_dev([&](vnet::NetDevice& dev) {
            if (VnetDev* h = handle_of(dev)) {
                fn(fn_opaque, h->opaque);
            }
        });
    }
}

bool vnet_ipvlan_add_addr(VnetDev* d, const uint8_t* addr, bool v6) {
    vnet::IpvlanDev* ipvlan = d->ipvlan();
    if (!ipvlan) {
        return false;
    }
    const auto a = v6 ? vnet::IpAddr::v6of(std::span<const uint8_t, 16>(addr, 16))
                      : vnet::IpAddr::v4(std::span<const uint8_t, 4>(addr, 4));
    return ipvlan->add_addr(a);
}

void vnet_ipvlan_set_learning(VnetDev* d, bool on) {
    if (vnet::IpvlanDev* ipvlan = d->ipvlan()) {
        ipvlan->set_learning(on);
    }
}

size_t vnet_ipvlan_addrs(const VnetDev* d, VnetAddrFn* fn, void* opaque) {
    vnet::IpvlanDev* ipvlan = d->ipvlan();
    if (!ipvlan) {
        return 0;
    }
    for (const auto& a : ipvlan->addrs()) {
        fn(opaque, a.bytes.data(), a.v6);
    }
    return ipvlan->addrs().size();
}

size_t vnet_ipvlan_learned(const VnetDev* d, VnetLearnedFn* fn, void* opaque) {
    vnet::IpvlanDev* ipvlan = d->ipvlan();
    if (!ipvlan) {
        return 0;
    }
    std::size_t n = 0;
    ipvlan->for_each_addr([&](const vnet::IpAddr& a, bool learned, std::uint64_t age) {
        if (learned) {
            fn(opaque, a.bytes.data(), a.v6, age);
            ++n;
        }
    });
    return n;
}

bool vnet_ipvlan_probe_stats(const VnetDev* d, VnetIpvlanProbeStats* out) {
    const vnet::IpvlanPort* port = vnet::IpvlanPort::of(*d->dev);
    if (!port) {
        return false;
    }
    const vnet::IpvlanProbeStats& s = port->prober().stats();
    *out = VnetIpvlanProbeStats{.probes = s.probes,
                                .found = s.found,
                                .not_child = s.not_child,
                                .kept = s.kept,
                                .moved = s.moved,
                                .expired = s.expired};
    return true;
}

void vnet_dev_reset(VnetDev* d) {
    if (vnet::IpvlanDev* ipvlan = d->ipvlan()) {
        ipvlan->forget_learned();
    }
}

bool vnet_macvlan_macaddr(VnetDev* d, VnetMacaddrOp op, const uint8_t* macs, size_t n) {
    vnet::MacvlanDev* macvlan = d->macvlan();
    if (!macvlan) {
        return false;
    }
    std::vector<vnet::MacAddr> addrs;  // control path
    for (size_t i = 0; i < n; ++i) {
        addrs.push_back(vnet::MacAddr::from(macs + 6 * i));
    }
    switch (op) {
        case VNET_MACADDR_ADD:
            for (const auto& a : addrs) {
                macvlan->source_add(a);
            }
            return true;
        case VNET_MACADDR_DEL:
            for (const auto& a : addrs) {
                macvlan->source_del(a);
            }
            return true;
        case VNET_MACADDR_FLUSH:
            macvlan->source_flush();
            return true;
        case VNET_MACADDR_SET:
            macvlan->source_set(addrs);
            return true;
    }
    return false;
}

void vnet_lower_set_inet(VnetDev* d, const VnetInetConfig* c) {
    vnet::PhysDev* phys = d->phys();
    if (!phys || !d->ops.now_ms) {
        return;
    }
    vnet::InetConfig cfg;
    if (c->has_ip4) {
        cfg.ip4.emplace();
        std::copy(c->ip4, c->ip4 + 4, cfg.ip4->begin());
        cfg.prefix4 = c->prefix4;
    }
    if (c->has_gw4) {
        cfg.gw4.emplace();
        std::copy(c->gw4, c->gw4 + 4, cfg.gw4->begin());
    }
    if (c->has_ip6) {
        cfg.ip6.emplace();
        std::copy(c->ip6, c->ip6 + 16, cfg.ip6->begin());
        cfg.prefix6 = c->prefix6;
    }
    if (c->has_gw6) {
        cfg.gw6.emplace();
        std::copy(c->gw6, c->gw6 + 16, cfg.gw6->begin());
    }
    cfg.proxy = !c->l3_proxy_off;
    phys->set_inet(*d, cfg);
}

bool vnet_dev_has_inet(const VnetDev* d) {
    return d->dev->phys() && d->dev->phys()->inet() != nullptr;
}

unsigned vnet_dev_run_timers(VnetDev* d) {
    vnet::PhysDev* phys = d->dev->phys();
    return static_cast<unsigned>(phys ? phys->run_timers() : vnet::kNeighTickMs);
}

void vnet_dev_run_work(VnetDev* d) {
    if (vnet::PhysDev* phys = d->dev->phys()) {
        phys->wq().run_pending();
    }
}

VnetXmitResult vnet_dev_queue_xmit(VnetDev* d, const struct iovec* iov, unsigned iovcnt,
                                   size_t skip) {
    std::size_t total = 0;
    for (unsigned i = 0; i < iovcnt; ++i) {
        total += iov[i].iov_len;
    }
    const std::size_t len = total > skip ? total - skip : 0;
    vnet::NetDevice& dev = *d->dev;
    vnet::PhysDev* phys = dev.phys();
    if (phys && len > phys->pool().max_len()) {
        dev.counters().drop(vnet::DropReason::tx_oversize);
        return VNET_XMIT_DROPPED;
    }
    auto pkt = phys ? phys->pool().alloc(len) : vnet::PacketRef(nullptr, {nullptr});
    if (!pkt) {
        dev.counters().drop(vnet::DropReason::tx_no_buffer);
        return VNET_XMIT_DROPPED;
    }
    std::uint8_t* out = pkt->put(len);
    if (!out) {
        dev.counters().drop(vnet::DropReason::tx_oversize);
        return VNET_XMIT_DROPPED;
    }
    // A large frame's payload stays in the guest's buffers, which are its
    // until this returns: it is copied once, where it ends up (a sibling's
    // RX buffers, a backlog), or read in if a path needs all of it.
    const std::size_t head = len > kLendOver ? vnet::Packet::kHeaderRoom : len;
    vnet::iov_gather(iov, iovcnt, skip, {out, head});
    if (head < len) {
        pkt->lend_tail(iov, iovcnt, skip + head, head);
    }
    std::uint8_t hdr[VNET_NET_HDR_LEN] = {};
    if (skip >= VNET_NET_HDR_LEN) {
        vnet::iov_gather(iov, iovcnt, 0, {hdr, sizeof(hdr)});
    }
    const auto checked = vnet::virtio_net_hdr_to_offload(vnet::VirtioNetHdr::load(hdr),
                                                         pkt->headers(), dev.tx_offloads());
    if (checked.refused) {
        dev.counters().drop(*checked.refused);
        return VNET_XMIT_DROPPED;
    }
    pkt->offload = checked.offload;
    if (dev.vf()) [[unlikely]] {
        if (const auto why = vnet::vf_egress(dev, *pkt)) {
            dev.counters().drop(*why);
            return VNET_XMIT_DROPPED;
        }
    }
    if (vnet::IpvlanPort* port = vnet::IpvlanPort::of(dev); port && port->lower_sent(*pkt)) {
        return VNET_XMIT_SENT;  // the answer to the device's own probe
    }
    if (vnet::MacvlanPort* port = vnet::MacvlanPort::of(dev); port && port->lower_xmit(*pkt)) {
        return VNET_XMIT_SENT;  // to a bridge child through the VEB
    }
    switch (vnet::dev_queue_xmit(dev, *pkt)) {
        case vnet::XmitResult::sent:
        case vnet::XmitResult::held:  // the ring's part is done
            return VNET_XMIT_SENT;
        case vnet::XmitResult::queued:
            return VNET_XMIT_QUEUED;
        case vnet::XmitResult::dropped:
            break;
    }
    return VNET_XMIT_DROPPED;
}

bool vnet_dev_set_offloads(VnetDev* d, uint64_t features, uint64_t guest_offloads) {
    if (guest_offloads & ~(features & kGuestBits)) {
        return false;
    }
    const vnet::TxOffloads tx{.csum = has(features, kCsum),
                              .tso4 = has(features, kHostTso4),
                              .tso6 = has(features, kHostTso6),
                              .ecn = has(features, kHostEcn),
                              .uso = has(features, kHostUso)};
    d->dev->set_offloads(tx, rx_offloads(guest_offloads));
    return true;
}

uint64_t vnet_guest_offloads(uint64_t features) { return features & kGuestBits; }

void vnet_lower_set_wire_offloads(VnetDev* lower, uint64_t guest_offloads) {
    if (vnet::PhysDev* phys = lower->dev->phys()) {
        phys->set_wire_offloads(rx_offloads(guest_offloads));
    }
}

void vnet_dev_rx_refilled(VnetDev* d) { vnet::process_backlog(*d->dev); }

VnetRxResult vnet_dev_receive(VnetDev* d, const uint8_t* frame, size_t len) {
    auto pkt = vnet::Packet::borrow(frame, len);
    pkt.dev = d->dev;
    return to_c(vnet::netif_receive_eth(pkt));
}

VnetRxResult vnet_dev_receive_hdr(VnetDev* d, const uint8_t* buf, size_t len) {
    // A host's tap may hand over whatever offload a driver may.
    static constexpr vnet::TxOffloads kAny{
        .csum = true, .tso4 = true, .tso6 = true, .ecn = true, .uso = true};
    if (len < VNET_NET_HDR_LEN) {
        d->dev->counters().drop(vnet::DropReason::rx_bad_offload);
        return VNET_RX_DROPPED;
    }
    const uint8_t* frame = buf + VNET_NET_HDR_LEN;
    len -= VNET_NET_HDR_LEN;
    const auto checked =
        vnet::virtio_net_hdr_to_offload(vnet::VirtioNetHdr::load(buf), {frame, len}, kAny, true);
    if (checked.refused) {
        d->dev->counters().drop(vnet::DropReason::rx_bad_offload);
        return VNET_RX_DROPPED;
    }
    auto pkt = vnet::Packet::borrow(frame, len);
    pkt.dev = d->dev;
    pkt.offload = checked.offload;
    return to_c(vnet::netif_receive_eth(pkt));
}

bool vnet_dev_set_mac(VnetDev* d, const uint8_t mac[6]) {
    const auto m = vnet::MacAddr::from(mac);
    if (vnet::MacvlanDev* macvlan = d->macvlan()) {
        return macvlan->set_mac(m);
    }
    if (d->kind() == VNET_DEV_IPVLAN) {
        return m == d->dev->mac();  // an ipvlan keeps its lower's MAC
    }
    d->dev->set_mac(m);
    return true;
}

void vnet_dev_get_mac(const VnetDev* d, uint8_t mac[6]) {
    const auto& m = d->dev->mac();
    std::copy(m.bytes.begin(), m.bytes.end(), mac);
}

bool vnet_dev_carrier(const VnetDev* d) { return d->dev->carrier(); }

void vnet_dev_set_up(VnetDev* d, bool up) { d->dev->set_up(up); }

void vnet_dev_set_carrier(VnetDev* d, bool carrier) { d->dev->set_carrier(carrier); }

void vnet_dev_set_proto_down(VnetDev* d, bool down) { d->dev->set_proto_down(down); }

bool vnet_dev_set_mtu(VnetDev* d, unsigned mtu, char* why, size_t why_len) {
    std::string reason;
    if (!d->dev->change_mtu(mtu, &reason)) {
        std::snprintf(why, why_len, "%s", reason.c_str());
        return false;
    }
    return true;
}

bool vnet_dev_is_up(const VnetDev* d) { return d->dev->up(); }

bool vnet_macvlan_set_veb(VnetDev* lower, bool on) {
    vnet::MacvlanPort* port = vnet::MacvlanPort::of(*lower->dev);
    if (!port) {
        return false;
    }
    port->set_veb(on);
    return true;
}

void vnet_vf_config_init(VnetVfConfig* cfg) {
    const vnet::VfConfig def;
    *cfg = {def.admin_mac, def.spoofchk, def.trust, static_cast<VnetVfLink>(def.link_state),
            def.vlan,      def.qos};
}

void vnet_dev_set_vf(VnetDev* d, const VnetVfConfig* cfg) {
    vnet::VfConfig vf;
    vf.vlan = cfg->vlan & 0xfff;
    vf.qos = cfg->qos & 7;
    vf.admin_mac = cfg->admin_mac;
    vf.spoofchk = cfg->spoofchk;
    vf.trust = cfg->trust;
    switch (cfg->link_state) {
        case VNET_VF_LINK_ENABLE:
            vf.link_state = vnet::VfLinkState::enable;
            break;
        case VNET_VF_LINK_DISABLE:
            vf.link_state = vnet::VfLinkState::disable;
            break;
        case VNET_VF_LINK_AUTO:
            break;
    }
    d->dev->set_vf(vf);
}

bool vnet_dev_vf_permits_mac(const VnetDev* d, const uint8_t mac[6]) {
    return vnet::vf_permits_mac(*d->dev, vnet::MacAddr::from(mac));
}

bool vnet_dev_vf_permits_promisc(const VnetDev* d) { return vnet::vf_permits_promisc(*d->dev); }

unsigned vnet_dev_mtu(const VnetDev* d) { return d->dev->mtu(); }

void vnet_dev_set_rx_mode(VnetDev* d, bool promisc, bool allmulti) {
    d->dev->filter().set_promisc(promisc);
    d->dev->filter().set_allmulti(allmulti);
}

void vnet_dev_set_vlan_filter(VnetDev* d, bool on, const uint32_t* table) {
    vnet::RxFilter& f = d->dev->filter();
    f.set_vlan_filtering(on);
    for (std::uint16_t vid = 0; vid < vnet::RxFilter::kVlanIds; ++vid) {
        f.set_vlan(vid, table && (table[vid / 32] >> (vid % 32)) & 1);
    }
}

void vnet_dev_set_vlan(VnetDev* d, uint16_t vid, bool on) { d->dev->filter().set_vlan(vid, on); }

void vnet_dev_set_mac_tables(VnetDev* d, const uint8_t* uc, size_t n_uc, const uint8_t* mc,
                             size_t n_mc) {
    // Control path: a guest's table is at most a few dozen entries, but
    // anything past the filter's capacity only sets the overflow flag.
    constexpr std::size_t kMax = vnet::RxFilter::kTableEntries + 1;
    std::array<vnet::MacAddr, kMax> u, m;
    const std::size_t nu = std::min(n_uc, kMax), nm = std::min(n_mc, kMax);
    for (std::size_t i = 0; i < nu; ++i) {
        u[i] = vnet::MacAddr::from(uc + 6 * i);
    }
    for (std::size_t i = 0; i < nm; ++i) {
        m[i] = vnet::MacAddr::from(mc + 6 * i);
    }
    d->dev->filter().set_tables(std::span(u.data(), nu), std::span(m.data(), nm));
}

void vnet_dev_get_stats(const VnetDev* d, VnetDevStats* s) {
    vnet_fill_stats(d->dev->counters(), s);
    const vnet::RxBacklog* b = d->dev->rx_backlog();
    s->rx_backlog = b ? b->size() : 0;
}

const char* vnet_drop_reason_name(unsigned reason) {
    return reason < vnet::kDropReasons
               ? vnet::drop_reason_name(static_cast<vnet::DropReason>(reason))
               : "unknown";
}

uint8_t* vnet_dev_state_save(const VnetDev* d, size_t* len) {
    std::vector<uint8_t> v;
    vnet::IpvlanDev* ipvlan = d->ipvlan();
    vnet::PhysDev* phys = d->phys();
    if (ipvlan && ipvlan->linked()) {
        ipvlan->save(v);
    } else if (phys && phys->inet()) {
        phys->inet()->neigh().save(v);
    } else {
        *len = 0;
        return nullptr;
    }
    return vnet_state_blob(v, len);
}

bool vnet_dev_state_load(VnetDev* d, const uint8_t* buf, size_t len) {
    if (len == 0) {
        return true;
    }
    const std::span<const uint8_t> in(buf, len);
    if (vnet::IpvlanDev* ipvlan = d->ipvlan()) {
        return ipvlan->linked() && ipvlan->load(in);
    }
    vnet::PhysDev* phys = d->phys();
    return phys && phys->inet() && phys->inet()->neigh().load(in);
}

void vnet_dev_set_rx_queues(VnetDev* d, unsigned n) { d->rx_queues = n ? n : 1; }

void vnet_dev_set_hash_report(VnetDev* d, bool on) { d->rss.set_report(on); }

bool vnet_dev_set_rss(VnetDev* d, const VnetCtrlCmd* c, unsigned queues) {
    if (c && c->kind == VNET_CTRL_HASH_CONFIG) {
        return d->rss.configure_hash(c->hash_types, std::span(c->key, c->key_len));
    }
    if (!c || (c->hash_types == 0 && c->key_len == 0)) {
        d->rss.disable();
        return true;
    }
    if (c->key_len == 0) {
        return false;  // hash types and no key to hash with
    }
    std::array<std::uint16_t, vnet::kRssMaxTable> table;
    const std::size_t n = std::min<std::size_t>(c->n_table, table.size());
    for (std::size_t i = 0; i < n; ++i) {
        table[i] = vnet::wire::load_le16(c->table + 2 * i);
    }
    return d->rss.configure({.hash_types = c->hash_types,
                             .unclassified_queue = c->unclassified_queue,
                             .table = std::span(table.data(), n),
                             .key = std::span(c->key, c->key_len)},
                            queues);
}

}  // extern "C"
