// SPDX-License-Identifier: GPL-2.0-or-later
// libFuzzer target: virtio-net control commands, through the C ABI the
// glue calls. The input is a run of commands, each [function, class,
// command, length, data...], for a lower port (function 0) with a
// bridge-mode macvlan child. Each command is decoded by vnet_ctrl_decode,
// checked against a second, independent reading of the specification, and
// applied as hw/net/vnet-ctrl.c applies it; then frames from the wire probe
// the function's receive filter against a model of what it must accept.
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "vnet/vnet.h"

namespace {

// CTRL_GUEST_OFFLOADS, CTRL_VQ, CTRL_RX, CTRL_VLAN, GUEST_ANNOUNCE, MQ, CTRL_MAC_ADDR,
// HASH_REPORT, RSS: every class may be sent (the unit tests cover the refusal
// without them).
constexpr std::uint64_t kAllCtrl = (1ull << 2) | (1ull << 17) | (1ull << 18) | (1ull << 19) |
                                   (1ull << 21) | (1ull << 22) | (1ull << 23) | (1ull << 57) |
                                   (1ull << 60);

using Mac = std::array<std::uint8_t, 6>;

constexpr std::size_t kTableEntries = 64;  // RxFilter::kTableEntries
constexpr std::size_t kProbes = 8;         // table entries probed per command
constexpr int kMaxCommands = 16;           // per input: more only repeats

struct Func {
    unsigned delivered = 0;
    // The model: what the guest programmed.
    bool promisc = true;  // a function starts promiscuous until programmed
    bool allmulti = false;
    bool uc_overflow = false, mc_overflow = false;
    std::vector<Mac> uc, mc;
};

VnetDeliverResult deliver(void* opaque, const uint8_t*, const uint8_t*, size_t, uint32_t) {
    ++static_cast<Func*>(opaque)->delivered;
    return VNET_DELIVER_OK;
}

VnetXmitResult xmit(void*, const uint8_t*, const uint8_t*, size_t) { return VNET_XMIT_SENT; }

const VnetDevOps kOps = {.xmit = xmit, .deliver = deliver};

// The specification read a second way: a command and its exact length.
bool spec_valid(std::uint8_t cls, std::uint8_t cmd, const std::uint8_t* d, std::size_t len) {
    if (cls == 0) {
        return cmd <= 1 && len == 1;
    }
    if (cls == 1 && cmd == 1) {
        return len == 6;
    }
    if (cls == 1 && cmd == 0) {
        std::uint64_t at = 0;
        for (int table = 0; table < 2; ++table) {
            if (len < at + 4) {
                return false;
            }
            std::uint64_t n = 0;
            std::memcpy(&n, d + at, 4);  // little-endian host (x86_64)
            at += 4 + 6 * n;
        }
        return at == len;
    }
    if (cls == 5) {
        return cmd == 0 && len == 8;  // GUEST_OFFLOADS_SET, one le64
    }
    if (cls == 3) {
        return cmd == 0 && len == 0;  // ANNOUNCE_ACK
    }
    if (cls == 2) {
        return cmd <= 1 && len == 2 && (d[0] | d[1] << 8) < 4096;  // VLAN_ADD/DEL, one le16 VID
    }
    if (cls == 4 && cmd == 1) {
        // RSS_CONFIG: 8 bytes, a power-of-two table of le16 up to 128, then
        // max_tx_vq, the key's length (up to 40) and the key, exactly.
        if (len < 8) {
            return false;
        }
        const std::size_t n = std::size_t(d[4] | d[5] << 8) + 1;
        if (n > 128 || (n & (n - 1)) || len < 8 + 2 * n + 3) {
            return false;
        }
        const std::size_t key = d[8 + 2 * n + 2];
        return key <= 40 && len == 8 + 2 * n + 3 + key;
    }
    if (cls == 4 && cmd == 2) {
        // HASH_CONFIG: hash types, 8 reserved bytes, the key's length (up
        // to 40) and the key, exactly.
        return len >= 13 && d[12] <= 40 && len == 13u + d[12];
    }
    return cls == 4 && cmd == 0 && len == 2;
}

Mac mac_at(const std::uint8_t* p) {
    Mac m;
    std::copy(p, p + 6, m.begin());
    return m;
}

bool is_mc(const Mac& m) { return m[0] & 1; }

bool in(const std::vector<Mac>& v, const Mac& m) {
    return std::find(v.begin(), v.end(), m) != v.end();
}

struct World {
    Func f[2];
    VnetDev* lower = nullptr;
    VnetDev* child = nullptr;

    static constexpr Mac kLowerMac{0x02, 0, 0, 0, 0, 0x01}, kChildMac{0x02, 0, 0, 0, 1, 0x00};

    World() {
        char why[128];
        const char* field = nullptr;
        lower = vnet_lower_new("lower", kLowerMac.data(), 1500, &kOps, &f[0]);
        child = vnet_macvlan_new(lower, "m0", kChildMac.data(), 0, VNET_MACVLAN_BRIDGE, false,
                                 &kOps, &f[1], why, sizeof(why), &field);
        if (!child) {
            std::abort();
        }
        vnet_dev_set_up(lower, true);
        vnet_dev_set_up(child, true);
        // Reported hashes go through the same frames' headers.
        vnet_dev_set_hash_report(lower, true);
    }
    ~World() {
        vnet_dev_free(child);
        vnet_dev_free(lower);
    }

    // Back to the state after a reset, so that an input replays alone
    // (a fresh World per input would spend the run allocating pools).
    void reset() {
        for (int i = 0; i < 2; ++i) {
            VnetDev* dev = i ? child : lower;
            f[i] = Func{};
            vnet_dev_set_rx_mode(dev, true, false);
            vnet_dev_set_mac_tables(dev, nullptr, 0, nullptr, 0);
            // VLAN filtering on: untagged probes are not its concern.
            vnet_dev_set_vlan_filter(dev, true, nullptr);
            vnet_dev_set_rss(dev, nullptr, 4);
        }
        if (!vnet_dev_set_mac(lower, kLowerMac.data()) ||
            !vnet_dev_set_mac(child, kChildMac.data())) {
            std::abort();
        }
    }

    Mac mac(int i) const {
        Mac m;
        vnet_dev_get_mac(i ? child : lower, m.data());
        return m;
    }

    // Whether function i must take a frame from the wire for dst.
    bool expect(int i, const Mac& dst) const {
        const Func& fn = f[i];
        const bool bcast = dst == Mac{0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
        if (!is_mc(dst)) {
            if (dst == mac(1)) {
                return i == 1;  // macvlan takes its own MAC before the lower sees it
            }
            return i == 0 && (dst == mac(0) || fn.promisc || fn.uc_overflow || in(fn.uc, dst));
        }
        return bcast || fn.promisc || fn.allmulti || fn.mc_overflow || in(fn.mc, dst);
    }

    void probe(int i, const Mac& dst) {
        std::uint8_t frame[60] = {};
        std::copy(dst.begin(), dst.end(), frame);
        const std::uint8_t src[6] = {0x02, 0xee, 0, 0, 0, 0x01};
        std::copy(src, src + 6, frame + 6);
        frame[12] = 0x88;  // IEEE local experimental: no stack looks inside
        frame[13] = 0xb5;
        const unsigned before = f[i].delivered;
        vnet_dev_receive(lower, frame, sizeof(frame));
        vnet_dev_run_work(lower);  // macvlan's broadcast worker
        if ((f[i].delivered != before) != expect(i, dst)) {
            std::abort();  // the filter disagrees with what was programmed
        }
    }

    void apply(int i, std::uint8_t cls, std::uint8_t cmd, const std::uint8_t* d, std::size_t len) {
        VnetDev* dev = i ? child : lower;
        Func& fn = f[i];
        VnetCtrlCmd c;
        const VnetCtrlKind k = vnet_ctrl_decode(kAllCtrl, cls, cmd, d, len, &c);
        if ((k != VNET_CTRL_INVALID) != spec_valid(cls, cmd, d, len) || c.kind != k) {
            std::abort();
        }
        switch (k) {
            case VNET_CTRL_RX_PROMISC:
            case VNET_CTRL_RX_ALLMULTI:
                (k == VNET_CTRL_RX_PROMISC ? fn.promisc : fn.allmulti) = d[0] != 0;
                vnet_dev_set_rx_mode(dev, fn.promisc, fn.allmulti);
                break;
            case VNET_CTRL_MAC_ADDR_SET: {
                if (c.mac != d) {
                    std::abort();
                }
                const Mac want = mac_at(c.mac), old = mac(i);
                const bool ok = vnet_dev_set_mac(dev, c.mac);
                if (mac(i) != (ok ? want : old)) {
                    std::abort();  // a refused change must change nothing
                }
                break;
            }
            case VNET_CTRL_MAC_TABLE_SET:
                if (c.uc != d + 4 || c.mc != d + 8 + 6 * std::size_t{c.n_uc} ||
                    8 + 6 * (std::size_t{c.n_uc} + c.n_mc) != len) {
                    std::abort();
                }
                vnet_dev_set_mac_tables(dev, c.uc, c.n_uc, c.mc, c.n_mc);
                fn.uc_overflow = c.n_uc > kTableEntries;
                fn.mc_overflow = c.n_mc > kTableEntries;
                fn.uc.clear();
                fn.mc.clear();
                for (std::uint32_t j = 0; !fn.uc_overflow && j < c.n_uc; ++j) {
                    fn.uc.push_back(mac_at(c.uc + 6 * j));
                }
                for (std::uint32_t j = 0; !fn.mc_overflow && j < c.n_mc; ++j) {
                    fn.mc.push_back(mac_at(c.mc + 6 * j));
                }
                break;
            case VNET_CTRL_MQ_PAIRS_SET:
                if (len != 2 || c.pairs != (d[0] | d[1] << 8)) {
                    std::abort();
                }
                break;
            case VNET_CTRL_GUEST_OFFLOADS_SET: {
                std::uint64_t v = 0;
                std::memcpy(&v, d, 8);  // little-endian host (x86_64)
                if (c.offloads != v) {
                    std::abort();
                }
                break;
            }
            case VNET_CTRL_VLAN_ADD:
            case VNET_CTRL_VLAN_DEL:
                if (c.vid != (d[0] | d[1] << 8)) {
                    std::abort();
                }
                vnet_dev_set_vlan(dev, c.vid, k == VNET_CTRL_VLAN_ADD);
                break;
            case VNET_CTRL_RSS_CONFIG: {
                const std::size_t n = c.n_table;
                std::uint32_t types = 0;
                std::memcpy(&types, d, 4);  // little-endian host (x86_64)
                if (c.hash_types != types || c.table != d + 8 || n != (d[4] | d[5] << 8) + 1u ||
                    c.unclassified_queue != (d[6] | d[7] << 8) ||
                    c.pairs != (d[8 + 2 * n] | d[9 + 2 * n] << 8) || c.key_len != d[10 + 2 * n] ||
                    c.key != d + 11 + 2 * n) {
                    std::abort();
                }
                // Taken or refused, it only moves frames between queues.
                vnet_dev_set_rss(dev, &c, 4);
                break;
            }
            case VNET_CTRL_HASH_CONFIG: {
                std::uint32_t types = 0;
                std::memcpy(&types, d, 4);
                if (c.hash_types != types || c.key_len != d[12] || c.key != d + 13) {
                    std::abort();
                }
                vnet_dev_set_rss(dev, &c, 4);
                break;
            }
            case VNET_CTRL_ANNOUNCE_ACK:  // the glue's alone: nothing in libvnet
            case VNET_CTRL_INVALID:
                break;
            case VNET_CTRL_NOT_NEGOTIATED:
                std::abort();  // every class's feature is negotiated here
        }
    }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static World w;
    w.reset();
    std::size_t at = 0;
    for (int k = 0; k < kMaxCommands && size - at >= 4; ++k) {
        const int i = data[at] & 1;
        const std::uint8_t cls = data[at + 1] & 7, cmd = data[at + 2] & 3;
        std::size_t len = data[at + 3];
        at += 4;
        if (len == 255) {
            len = size - at;  // one long command: large MAC tables
        }
        len = std::min(len, size - at);
        // Own copy, exactly len long, so that ASan sees any read past it.
        std::vector<std::uint8_t> d(data + at, data + at + len);
        at += len;
        w.apply(i, cls, cmd, d.data(), d.size());
        // Probe with the function's MAC, broadcast, a few table entries and
        // an address from the data.
        w.probe(i, w.mac(i));
        w.probe(i, {0xff, 0xff, 0xff, 0xff, 0xff, 0xff});
        for (std::size_t j = 0; j < std::min(kProbes, w.f[i].uc.size()); ++j) {
            w.probe(i, w.f[i].uc[j]);
        }
        for (std::size_t j = 0; j < std::min(kProbes, w.f[i].mc.size()); ++j) {
            w.probe(i, w.f[i].mc[j]);
        }
        if (len >= 6) {
            w.probe(i, mac_at(d.data() + len - 6));
        }
    }
    return 0;
}
