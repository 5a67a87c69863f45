// SPDX-License-Identifier: GPL-2.0-or-later
// The C ABI of include/vnet/vnet.h: adapts the glue's callbacks to XmitOps
// and Stack, and guest iovecs to pooled packets.
#include <algorithm>

#include "vnet/dev.h"
#include "vnet/flow_hash.h"
#include "vnet/packet_pool.h"
#include "vnet/vnet.h"
#include "vnet/wire/ethernet.h"

static_assert(VNET_DROP_REASONS == vnet::kDropReasons, "vnet.h drop reasons out of date");

namespace {

// Buffers a burst of guest TX may hold at once before they are freed.
constexpr std::size_t kPoolBuffers = 256;

}  // namespace

struct VnetDev final : vnet::XmitOps, vnet::Stack {
    VnetDev(const char* name, const vnet::MacAddr& mac, unsigned mtu, const VnetDevOps& o, void* op)
        : pool(vnet::PacketPool::kDefaultHeadroom + mtu + vnet::wire::kEthHlen +
                   vnet::wire::kVlanHlen,
               kPoolBuffers),
          dev(name, mac, this, this),
          ops(o),
          opaque(op) {
        dev.set_mtu(mtu);
    }

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

    vnet::DeliverResult deliver(vnet::NetDevice&, const vnet::Packet& pkt) override {
        const auto h = vnet::ToeplitzHasher::default_hasher().hash_frame(pkt.bytes());
        switch (ops.deliver(opaque, pkt.data(), pkt.len(), h.value)) {
            case VNET_DELIVER_OK:
                return vnet::DeliverResult::delivered;
            case VNET_DELIVER_BUSY:
                return vnet::DeliverResult::busy;
            case VNET_DELIVER_DROPPED:
                break;
        }
        return vnet::DeliverResult::dropped;
    }

    vnet::PacketPool pool;
    vnet::NetDevice dev;
    VnetDevOps ops;
    void* opaque;
};

extern "C" {

VnetDev* vnet_lower_new(const char* name, const uint8_t mac[6], unsigned mtu, const VnetDevOps* ops,
                        void* opaque) {
    return new VnetDev(name, vnet::MacAddr::from(mac), mtu, *ops, opaque);
}

void vnet_dev_free(VnetDev* dev) { delete dev; }

VnetXmitResult vnet_dev_transmit(VnetDev* d, const struct iovec* iov, unsigned iovcnt,
                                 size_t skip) {
    std::size_t total = 0;
    for (unsigned i = 0; i < iovcnt; ++i) {
        total += iov[i].iov_len;
    }
    const std::size_t len = total > skip ? total - skip : 0;
    auto pkt = d->pool.alloc();
    if (!pkt) {
        d->dev.counters().drop(vnet::DropReason::tx_no_buffer);
        return VNET_XMIT_DROPPED;
    }
    if (len > pkt->tailroom()) {
        d->dev.counters().drop(vnet::DropReason::tx_oversize);
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
    switch (vnet::dev_queue_xmit(d->dev, *pkt)) {
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
    pkt.dev = &d->dev;
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

void vnet_dev_set_mac(VnetDev* d, const uint8_t mac[6]) {
    d->dev.set_mac(vnet::MacAddr::from(mac));
}

void vnet_dev_set_up(VnetDev* d, bool up) { d->dev.set_up(up); }

void vnet_dev_set_carrier(VnetDev* d, bool carrier) { d->dev.set_carrier(carrier); }

void vnet_dev_set_rx_mode(VnetDev* d, bool promisc, bool allmulti) {
    d->dev.filter().set_promisc(promisc);
    d->dev.filter().set_allmulti(allmulti);
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
    d->dev.filter().set_tables(std::span(u.data(), nu), std::span(m.data(), nm));
}

void vnet_dev_get_stats(const VnetDev* d, VnetDevStats* s) {
    const auto& c = d->dev.counters();
    s->rx_packets = c.rx_packets;
    s->rx_bytes = c.rx_bytes;
    s->tx_packets = c.tx_packets;
    s->tx_bytes = c.tx_bytes;
    std::copy(c.drops.begin(), c.drops.end(), s->drops);
}

const char* vnet_drop_reason_name(unsigned reason) {
    return reason < vnet::kDropReasons
               ? vnet::drop_reason_name(static_cast<vnet::DropReason>(reason))
               : "unknown";
}

uint32_t vnet_flow_hash(const uint8_t* frame, size_t len) {
    return vnet::ToeplitzHasher::default_hasher().hash_frame({frame, len}).value;
}

unsigned vnet_queue_for_hash(uint32_t hash, unsigned nqueues) {
    return vnet::queue_for_hash(hash, nqueues);
}

}  // extern "C"
