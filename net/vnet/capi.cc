// SPDX-License-Identifier: GPL-2.0-or-later
// The C ABI of include/vnet/vnet.h: adapts the glue's callbacks to XmitOps
// and Stack, guest iovecs to pooled packets, and owns the per-lower state
// (packet pool, deferred work queue) that the lower's children share.
#include <algorithm>
#include <cstdio>
#include <vector>

#include "capi_stats.h"
#include "vnet/dev.h"
#include "vnet/flow_hash.h"
#include "vnet/inet.h"
#include "vnet/ipvlan.h"
#include "vnet/macvlan.h"
#include "vnet/packet_pool.h"
#include "vnet/vnet.h"
#include "vnet/wire/ethernet.h"

static_assert(VNET_DROP_REASONS == vnet::kDropReasons, "vnet.h drop reasons out of date");

namespace {

// Guest TX in flight at once plus the macvlan broadcast backlog; buffers
// are made on first need, so an idle device holds few.
constexpr std::size_t kPoolBuffers = 256 + vnet::kMacvlanBcQueueLen;

}  // namespace

struct VnetDev final : vnet::XmitOps, vnet::Stack {
    VnetDev(const VnetDevOps& o, void* op) : ops(o), opaque(op) {}

    vnet::NetDevice& dev() {
        if (lower_dev) {
            return *lower_dev;
        }
        if (macvlan) {
            return macvlan->dev();
        }
        return ipvlan ? ipvlan->dev() : *orphan;
    }
    bool is_child() const { return macvlan || ipvlan || orphan; }

    // The lower port's wire.
    vnet::XmitResult xmit(vnet::NetDevice&, vnet::Packet& pkt) override {
        switch (ops.xmit(opaque, pkt.data(), pkt.len())) {
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
    vnet::DeliverResult deliver(vnet::NetDevice&, const vnet::Packet& pkt) override {
        const auto h = vnet::ToeplitzHasher::default_hasher().hash_frame(pkt.bytes());
        switch (ops.deliver(opaque, pkt.data(), pkt.len(), h.value)) {
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

    static void carrier_hook(void* self, bool on) {
        auto* d = static_cast<VnetDev*>(self);
        if (d->ops.carrier_changed) {
            d->ops.carrier_changed(d->opaque, on);
        }
    }
    // The glue's clock, for the IP layer's neighbour ageing.
    struct OpsClock final : vnet::Clock {
        explicit OpsClock(VnetDev* d) : dev(d) {}
        std::uint64_t now_ms() const override { return dev->ops.now_ms(dev->opaque); }
        VnetDev* dev;
    };

    static void kick_hook(void* self) {
        auto* d = static_cast<VnetDev*>(self);
        if (d->ops.kick_work) {
            d->ops.kick_work(d->opaque);
        }
    }

    VnetDevOps ops;
    void* opaque;
    VnetDev* root = this;  // the lower port whose pool and work queue we use
    // Lower port only:
    std::unique_ptr<vnet::PacketPool> pool;
    std::unique_ptr<vnet::WorkQueue> wq;
    std::unique_ptr<vnet::NetDevice> lower_dev;
    unsigned max_mtu = 0;  // what the pool's buffers were sized for
    std::vector<VnetDev*> children;
    std::unique_ptr<OpsClock> clock;
    std::unique_ptr<vnet::InetLayer> inet;
    // A child: one of these
    std::unique_ptr<vnet::MacvlanDev> macvlan;
    std::unique_ptr<vnet::IpvlanDev> ipvlan;
    std::unique_ptr<vnet::NetDevice> orphan;  // stands in once the lower is gone
};

namespace {

void orphan(VnetDev* child) {
    vnet::NetDevice& d = child->dev();
    auto stand_in = std::make_unique<vnet::NetDevice>(d.name(), d.mac(), nullptr, child);
    stand_in->set_up(false);
    stand_in->set_carrier(false);
    child->macvlan.reset();
    child->ipvlan.reset();
    child->orphan = std::move(stand_in);
    child->root = child;
}

// NETDEV_CHANGEMTU of `lower`, for its uppers (macvlan_device_event,
// ipvlan_device_event), and for theirs in turn.
void mtu_notify(VnetDev* d) {
    if (d->ops.mtu_changed) {
        d->ops.mtu_changed(d->opaque, d->dev().mtu());
    }
    const unsigned mtu = d->dev().mtu();
    for (VnetDev* c : d->root->children) {
        if (c->dev().lower() != &d->dev() || c->orphan) {
            continue;
        }
        const bool follow = c->ipvlan ? c->dev().mtu() != mtu : c->dev().mtu() > mtu;
        if (follow) {
            c->dev().set_mtu(mtu);
            mtu_notify(c);
        }
    }
}

// What every child gets once created.
VnetDev* adopt(VnetDev* root, std::unique_ptr<VnetDev> d) {
    d->root = root;
    d->dev().set_carrier_hook(&VnetDev::carrier_hook, d.get());
    root->children.push_back(d.get());
    return d.release();
}

}  // namespace

extern "C" {

VnetDev* vnet_lower_new(const char* name, const uint8_t mac[6], unsigned mtu, const VnetDevOps* ops,
                        void* opaque) {
    auto* d = new VnetDev(*ops, opaque);
    d->pool = std::make_unique<vnet::PacketPool>(
        vnet::PacketPool::kDefaultHeadroom + mtu + vnet::wire::kEthHlen + vnet::wire::kVlanHlen,
        kPoolBuffers);
    d->wq = std::make_unique<vnet::WorkQueue>();
    d->wq->set_kick(&VnetDev::kick_hook, d);
    d->lower_dev = std::make_unique<vnet::NetDevice>(name, vnet::MacAddr::from(mac), d, d);
    d->lower_dev->set_mtu(mtu);
    d->max_mtu = mtu;
    d->lower_dev->set_carrier_hook(&VnetDev::carrier_hook, d);
    return d;
}

VnetDev* vnet_macvlan_new(VnetDev* lower, const char* name, const uint8_t mac[6], unsigned mtu,
                          VnetMacvlanMode mode, bool nodst, const VnetDevOps* ops, void* opaque,
                          char* why, size_t why_len, const char** field) {
    VnetDev* root = lower->root;
    *field = "lower";
    if (!root->lower_dev) {
        std::snprintf(why, why_len, "the lower device is gone");
        return nullptr;
    }
    auto d = std::make_unique<VnetDev>(*ops, opaque);
    vnet::MacvlanConfig cfg{.name = name,
                            .mac = vnet::MacAddr::from(mac),
                            .mtu = mtu,
                            .mode = static_cast<vnet::MacvlanMode>(mode),
                            .nodst = nodst};
    std::string reason;
    d->macvlan = vnet::MacvlanDev::newlink(lower->dev(), cfg, d.get(), *root->pool, *root->wq,
                                           &reason, field);
    if (!d->macvlan) {
        std::snprintf(why, why_len, "%s", reason.c_str());
        return nullptr;
    }
    return adopt(root, std::move(d));
}

VnetDev* vnet_ipvlan_new(VnetDev* lower, const char* name, unsigned mtu, VnetIpvlanMode mode,
                         uint16_t flags, const VnetDevOps* ops, void* opaque, char* why,
                         size_t why_len, const char** field) {
    VnetDev* root = lower->root;
    *field = "lower";
    if (!root->lower_dev) {
        std::snprintf(why, why_len, "the lower device is gone");
        return nullptr;
    }
    auto d = std::make_unique<VnetDev>(*ops, opaque);
    vnet::IpvlanConfig cfg{
        .name = name, .mode = static_cast<vnet::IpvlanMode>(mode), .flags = flags, .mtu = mtu};
    std::string reason;
    d->ipvlan = vnet::IpvlanDev::newlink(lower->dev(), cfg, d.get(), *root->pool, *root->wq,
                                         &reason, field);
    if (!d->ipvlan) {
        std::snprintf(why, why_len, "%s", reason.c_str());
        return nullptr;
    }
    // L3/L3S route through the lower's IP layer (ipvlan_process_outbound).
    d->ipvlan->port().set_outbound(root->inet.get());
    return adopt(root, std::move(d));
}

bool vnet_dev_is_ipvlan(const VnetDev* d) { return d->ipvlan != nullptr; }

bool vnet_ipvlan_add_addr(VnetDev* d, const uint8_t* addr, bool v6) {
    if (!d->ipvlan) {
        return false;
    }
    const auto a = v6 ? vnet::IpAddr::v6of(std::span<const uint8_t, 16>(addr, 16))
                      : vnet::IpAddr::v4(std::span<const uint8_t, 4>(addr, 4));
    return d->ipvlan->add_addr(a);
}

void vnet_ipvlan_set_learning(VnetDev* d, bool on) {
    if (d->ipvlan) {
        d->ipvlan->set_learning(on);
    }
}

size_t vnet_ipvlan_addrs(const VnetDev* d, VnetAddrFn* fn, void* opaque) {
    if (!d->ipvlan) {
        return 0;
    }
    for (const auto& a : d->ipvlan->addrs()) {
        fn(opaque, a.bytes.data(), a.v6);
    }
    return d->ipvlan->addrs().size();
}

void vnet_dev_free(VnetDev* d) {
    if (d->is_child()) {
        std::erase(d->root->children, d);
    }
    for (VnetDev* child : d->children) {
        orphan(child);
    }
    d->macvlan.reset();
    d->ipvlan.reset();
    delete d;
}

bool vnet_dev_is_macvlan(const VnetDev* d) { return d->macvlan != nullptr; }

bool vnet_macvlan_macaddr(VnetDev* d, VnetMacaddrOp op, const uint8_t* macs, size_t n) {
    if (!d->macvlan) {
        return false;
    }
    std::vector<vnet::MacAddr> addrs;  // control path
    for (size_t i = 0; i < n; ++i) {
        addrs.push_back(vnet::MacAddr::from(macs + 6 * i));
    }
    switch (op) {
        case VNET_MACADDR_ADD:
            for (const auto& a : addrs) {
                d->macvlan->source_add(a);
            }
            return true;
        case VNET_MACADDR_DEL:
            for (const auto& a : addrs) {
                d->macvlan->source_del(a);
            }
            return true;
        case VNET_MACADDR_FLUSH:
            d->macvlan->source_flush();
            return true;
        case VNET_MACADDR_SET:
            d->macvlan->source_set(addrs);
            return true;
    }
    return false;
}

size_t vnet_macvlan_macaddr_count(const VnetDev* d) {
    return d->macvlan ? d->macvlan->source_count() : 0;
}

void vnet_lower_set_inet(VnetDev* d, const VnetInetConfig* c) {
    if (!d->lower_dev || !d->ops.now_ms) {
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
    d->clock = std::make_unique<VnetDev::OpsClock>(d);
    d->inet = std::make_unique<vnet::InetLayer>(*d->lower_dev, *d->pool, *d->clock, cfg);
}

bool vnet_dev_has_inet(const VnetDev* d) { return d->root->inet != nullptr; }

void vnet_dev_run_timers(VnetDev* d) {
    if (d->root->inet) {
        d->root->inet->run_timers();
    }
}

void vnet_dev_run_work(VnetDev* d) {
    if (d->root->wq) {
        d->root->wq->run_pending();
    }
}

VnetXmitResult vnet_dev_transmit(VnetDev* d, const struct iovec* iov, unsigned iovcnt,
                                 size_t skip) {
    std::size_t total = 0;
    for (unsigned i = 0; i < iovcnt; ++i) {
        total += iov[i].iov_len;
    }
    const std::size_t len = total > skip ? total - skip : 0;
    vnet::NetDevice& dev = d->dev();
    auto pkt = d->root->pool ? d->root->pool->alloc() : vnet::PacketRef(nullptr, {nullptr});
    if (!pkt) {
        dev.counters().drop(vnet::DropReason::tx_no_buffer);
        return VNET_XMIT_DROPPED;
    }
    if (len > pkt->tailroom()) {
        dev.counters().drop(vnet::DropReason::tx_oversize);
        return VNET_XMIT_DROPPED;
    }
    std::uint8_t* out = pkt->put(len);
    for (unsigned i = 0; i < iovcnt; ++i) {
        auto* base = static_cast<const std::uint8_t*>(iov[i].iov_base);
        std::size_t n = iov[i].iov_len;
        const std::size_t s = std::min(skip, n);
        skip -= s;
        n -= s;
        std::copy(base + s, base + s + n, out);
        out += n;
    }
    switch (vnet::dev_queue_xmit(dev, *pkt)) {
        case vnet::XmitResult::sent:
            return VNET_XMIT_SENT;
        case vnet::XmitResult::queued:
            return VNET_XMIT_QUEUED;
        case vnet::XmitResult::dropped:
            break;
    }
    return VNET_XMIT_DROPPED;
}

VnetRxResult vnet_dev_receive(VnetDev* d, const uint8_t* frame, size_t len) {
    auto pkt = vnet::Packet::borrow(frame, len);
    pkt.dev = &d->dev();
    switch (vnet::netif_receive_eth(pkt)) {
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

bool vnet_dev_set_mac(VnetDev* d, const uint8_t mac[6]) {
    const auto m = vnet::MacAddr::from(mac);
    if (d->macvlan) {
        return d->macvlan->set_mac(m);
    }
    if (d->ipvlan || d->orphan) {
        return m == d->dev().mac();  // an ipvlan keeps its lower's MAC
    }
    d->dev().set_mac(m);
    return true;
}

void vnet_dev_get_mac(const VnetDev* d, uint8_t mac[6]) {
    const auto& m = const_cast<VnetDev*>(d)->dev().mac();
    std::copy(m.bytes.begin(), m.bytes.end(), mac);
}

bool vnet_dev_carrier(const VnetDev* d) { return const_cast<VnetDev*>(d)->dev().carrier(); }

void vnet_dev_set_up(VnetDev* d, bool up) { d->dev().set_up(up); }

void vnet_dev_set_carrier(VnetDev* d, bool carrier) { d->dev().set_carrier(carrier); }

void vnet_dev_set_link_down(VnetDev* d, bool down) { d->dev().set_link_down(down); }

bool vnet_dev_set_mtu(VnetDev* d, unsigned mtu, char* why, size_t why_len) {
    constexpr unsigned kMinMtu = 68;  // IPv4's minimum, RFC 791
    const vnet::NetDevice* lower = d->dev().lower();
    const unsigned max = d->lower_dev ? d->max_mtu : lower ? lower->mtu() : 0;
    if (mtu < kMinMtu || mtu > max) {
        std::snprintf(
            why, why_len, "%u is outside %u..%u (%s)", mtu, kMinMtu, max,
            d->lower_dev ? "the MTU it was created with" : "a child's MTU is at most its lower's");
        return false;
    }
    if (d->dev().mtu() != mtu) {
        d->dev().set_mtu(mtu);
        mtu_notify(d);
    }
    return true;
}

bool vnet_dev_is_up(const VnetDev* d) { return const_cast<VnetDev*>(d)->dev().up(); }

unsigned vnet_dev_mtu(const VnetDev* d) { return const_cast<VnetDev*>(d)->dev().mtu(); }

void vnet_dev_set_rx_mode(VnetDev* d, bool promisc, bool allmulti) {
    d->dev().filter().set_promisc(promisc);
    d->dev().filter().set_allmulti(allmulti);
}

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
    d->dev().filter().set_tables(std::span(u.data(), nu), std::span(m.data(), nm));
}

void vnet_dev_get_stats(const VnetDev* d, VnetDevStats* s) {
    vnet_fill_stats(const_cast<VnetDev*>(d)->dev().counters(), s);
}

const char* vnet_drop_reason_name(unsigned reason) {
    return reason < vnet::kDropReasons
               ? vnet::drop_reason_name(static_cast<vnet::DropReason>(reason))
               : "unknown";
}

uint8_t* vnet_dev_state_save(const VnetDev* d, size_t* len) {
    std::vector<uint8_t> v;
    if (d->ipvlan) {
        d->ipvlan->save(v);
    } else if (d->lower_dev && d->inet) {
        d->inet->neigh().save(v);
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
    if (d->ipvlan) {
        return d->ipvlan->load(in);
    }
    return d->lower_dev && d->inet && d->inet->neigh().load(in);
}

uint32_t vnet_flow_hash(const uint8_t* frame, size_t len) {
    return vnet::ToeplitzHasher::default_hasher().hash_frame({frame, len}).value;
}

unsigned vnet_queue_for_hash(uint32_t hash, unsigned nqueues) {
    return vnet::queue_for_hash(hash, nqueues);
}

}  // extern "C"
