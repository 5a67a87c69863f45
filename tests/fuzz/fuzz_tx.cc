// SPDX-License-Identifier: GPL-2.0-or-later
// libFuzzer target: a child's transmit path as the glue drives it, through
// the C ABI: vnet_dev_queue_xmit over a scatter list that skips the
// virtio-net header. Byte 0 picks the topology (two macvlan children in
// one of five modes, or two ipvlan children in l2, l3 or l3s over the
// lower's IP layer); byte 1 the sender and the number of segments; the
// next bytes cut the rest into segments. Checked after each frame: a frame
// the device refuses is counted under a drop reason somewhere, and one it
// takes is counted once, as sent by the child or (held, then refused)
// under a drop reason.
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <vector>

#include "vnet/vnet.h"

namespace {

constexpr std::size_t kHdrLen = 12;  // struct virtio_net_hdr_mrg_rxbuf

VnetDeliverResult deliver(void*, const uint8_t* hdr, const uint8_t* frame, size_t len, uint32_t) {
    volatile std::uint8_t x = 0;
    for (size_t i = 0; i < VNET_NET_HDR_LEN; ++i) {
        x = x ^ hdr[i];
    }
    for (size_t i = 0; i < len; ++i) {
        x = x ^ frame[i];  // ASan sees any window beyond the buffer
    }
    return VNET_DELIVER_OK;
}

// A large frame comes in pieces, some of them the sender's own segments:
// each read whole.
VnetDeliverResult deliver_iov(void*, const uint8_t* hdr, const struct iovec* iov, unsigned n,
                              uint32_t) {
    for (unsigned i = 0; i < n; ++i) {
        deliver(nullptr, hdr, static_cast<const std::uint8_t*>(iov[i].iov_base), iov[i].iov_len, 0);
    }
    return VNET_DELIVER_OK;
}

VnetXmitResult xmit(void*, const uint8_t* hdr, const uint8_t* frame, size_t len) {
    deliver(nullptr, hdr, frame, len, 0);
    return VNET_XMIT_SENT;
}

std::uint64_t now = 0;
uint64_t now_ms(void*) { return now; }

const VnetDevOps kOps = {
    .xmit = xmit, .deliver = deliver, .deliver_iov = deliver_iov, .now_ms = now_ms};

std::uint64_t drops(VnetDev* d) {
    VnetDevStats s;
    vnet_dev_get_stats(d, &s);
    std::uint64_t n = 0;
    for (auto v : s.drops) {
        n += v;
    }
    return n;
}

std::uint64_t tx_packets(VnetDev* d) {
    VnetDevStats s;
    vnet_dev_get_stats(d, &s);
    return s.tx_packets;
}

struct Topology {
    VnetDev* lower = nullptr;
    std::array<VnetDev*, 2> kids{};

    explicit Topology(unsigned kind) {
        const std::uint8_t lm[6] = {0x02, 0, 0, 0, 0, 0x01};
        char why[128];
        const char* field = nullptr;
        lower = vnet_lower_new("lower", lm, 1500, &kOps, nullptr);
        if (kind >= 5) {
            VnetInetConfig ic{};
            ic.has_ip4 = ic.has_gw4 = true;
            const std::uint8_t ip[4] = {10, 0, 2, 15}, gw[4] = {10, 0, 2, 2};
            std::copy(ip, ip + 4, ic.ip4);
            std::copy(gw, gw + 4, ic.gw4);
            ic.prefix4 = 24;
            vnet_lower_set_inet(lower, &ic);
        }
        for (int k = 0; k < 2; ++k) {
            const std::uint8_t cm[6] = {0x02, 0, 0, 0, 1, static_cast<std::uint8_t>(k)};
            if (kind < 5) {
                static constexpr VnetMacvlanMode modes[] = {
                    VNET_MACVLAN_PRIVATE, VNET_MACVLAN_VEPA, VNET_MACVLAN_BRIDGE,
                    VNET_MACVLAN_PASSTHRU, VNET_MACVLAN_SOURCE};
                kids[k] = vnet_macvlan_new(lower, k ? "m1" : "m0", cm, 0, modes[kind], false, &kOps,
                                           nullptr, why, sizeof(why), &field);
            } else {
                static constexpr VnetIpvlanMode modes[] = {VNET_IPVLAN_L2, VNET_IPVLAN_L3,
                                                           VNET_IPVLAN_L3S};
                kids[k] = vnet_ipvlan_new(lower, k ? "i1" : "i0", 0, modes[kind - 5], 0, &kOps,
                                          nullptr, why, sizeof(why), &field);
                // One child with its address given, one learning (as
                // without addrs=), so that floods of sources are bounded.
                const std::uint8_t a[4] = {10, 0, 2, 20};
                if (kids[k] && k == 0) {
                    vnet_ipvlan_add_addr(kids[k], a, false);
                } else if (kids[k]) {
                    vnet_ipvlan_set_learning(kids[k], true);
                }
            }
        }
        vnet_dev_set_up(lower, true);
        for (VnetDev* k : kids) {
            if (k) {
                vnet_dev_set_up(k, true);
            }
        }
    }

    ~Topology() {
        for (VnetDev* k : kids) {
            if (k) {
                vnet_dev_free(k);
            }
        }
        vnet_dev_free(lower);
    }

    std::uint64_t all_drops() const {
        std::uint64_t n = drops(lower);
        for (VnetDev* k : kids) {
            n += k ? drops(k) : 0;
        }
        return n;
    }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static std::unique_ptr<Topology> topo[8];
    if (size < 2) {
        return 0;
    }
    const unsigned kind = data[0] % 8;
    if (!topo[kind]) {
        topo[kind] = std::make_unique<Topology>(kind);
    }
    Topology& t = *topo[kind];
    VnetDev* from = t.kids[data[1] & 1] ? t.kids[data[1] & 1] : t.kids[0];
    const unsigned nseg = 1 + ((data[1] >> 1) & 7);
    std::size_t at = 2;
    std::vector<std::size_t> cut;
    for (unsigned s = 1; s < nseg && at < size; ++s) {
        cut.push_back(data[at++]);
    }
    // Each segment its own allocation, so that ASan catches a read that
    // runs from one into the next.
    std::vector<std::vector<std::uint8_t>> seg;
    std::size_t left = size - at;
    for (std::size_t c : cut) {
        const std::size_t n = std::min(c, left);
        seg.emplace_back(data + at, data + at + n);
        at += n;
        left -= n;
    }
    seg.emplace_back(data + at, data + size);
    std::vector<iovec> iov;
    for (auto& s : seg) {
        iov.push_back({s.data(), s.size()});
    }
    const std::uint64_t drops_before = t.all_drops(), tx_before = tx_packets(from);
    const VnetXmitResult r = vnet_dev_queue_xmit(from, iov.data(), iov.size(), kHdrLen);
    vnet_dev_run_work(t.lower);
    if (vnet_dev_has_inet(t.lower)) {
        // Let a resolution the frame started end: an ipvlan port's probe
        // of who owns a source address, or a neighbour lookup, so that
        // what waits on it goes on or is dropped and its buffers return.
        for (int s = 0; s < 5; ++s) {
            now += 1000;
            vnet_dev_run_timers(t.lower);
        }
    }
    // A frame the port held while it asked is counted when the question
    // ends, hence these checks after the timers: counted once, as sent or
    // under a drop reason, never both and never twice.
    const std::uint64_t sent = tx_packets(from) - tx_before;
    const bool dropped = t.all_drops() != drops_before;
    if (r == VNET_XMIT_DROPPED && (!dropped || sent != 0)) {
        std::abort();  // refused without a reason counted, or counted as sent
    }
    if (r != VNET_XMIT_DROPPED && !(sent == 1 || (sent == 0 && dropped))) {
        std::abort();  // taken but counted neither as sent nor as dropped
    }
    return 0;
}
