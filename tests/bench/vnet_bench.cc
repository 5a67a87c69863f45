// SPDX-License-Identifier: GPL-2.0-or-later
// libvnet micro-benchmarks (Google Benchmark): the cost per frame of
// classify-and-deliver for each macvlan and ipvlan mode with 1, 3 and 7
// children, child to child in bridge mode, SR-IOV VF to VF and uplink to VF
// with 2, 8 and 64 VFs, and VXLAN's FDB lookup, learning
// refresh, encapsulation and decapsulation with 10 to 100k FDB entries.
// The sinks do nothing, so the numbers are libvnet's own work; but for
// BM_TsoChildToChild, whose receiver copies the frame into an RX buffer as
// the glue does: the cost of a TSO frame between two rings, copies and all.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstring>
#include <memory>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "data/kernel_gso.h"
#include "frames.h"
#include "sinks.h"
#include "vnet/dev.h"
#include "vnet/ipvlan.h"
#include "vnet/macvlan.h"
#include "vnet/phys_dev.h"
#include "vnet/vf_config.h"
#include "vnet/virtio_net_hdr.h"
#include "vnet/vnet.h"
#include "vnet/vxlan.h"
#include "vnet/vxlan_sock.h"

namespace vnet {
namespace {

// Names built without operator+ on std::string, which GCC 12 at -O2
// misreads (-Wrestrict).
std::string name(char kind, std::size_t i) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "%c%zu", kind, i);
    return buf;
}

MacAddr child_mac(std::size_t i) {
    return MacAddr{{0x02, 0, 0, 0, 0x01, static_cast<std::uint8_t>(i)}};
}

const MacAddr kOutside{{0x52, 0x55, 0, 0, 0, 1}};

// Frames per second, and an error if fewer than one per iteration got
// through (`done` counts them).
void report(benchmark::State& st, long done) {
    st.counters["frames/s"] =
        benchmark::Counter(static_cast<double>(st.iterations()), benchmark::Counter::kIsRate);
    if (done < static_cast<long>(st.iterations())) {
        st.SkipWithError("frames did not get through");
    }
}

// A lower port on a counting sink, for children to hang on.
struct Lower {
    test::CountingSink sink;
    PhysDev phys{"lower", test::kMacC, &sink, &sink, {.buffers = 64, .buffer_size = 2048}};
    NetDevice& dev = phys.dev();
    PacketPool& pool = phys.pool();
    WorkQueue& wq = phys.wq();

    std::vector<std::unique_ptr<MacvlanDev>> macvlans(std::size_t n, MacvlanMode mode) {
        std::vector<std::unique_ptr<MacvlanDev>> kids;
        std::string why;
        for (std::size_t i = 0; i < n; ++i) {
            kids.push_back(MacvlanDev::newlink(
                dev, {.name = name('m', i), .mac = child_mac(i), .mode = mode}, &sink, &why));
        }
        return kids;
    }
    // A frame arriving on the uplink.
    void receive(const std::vector<std::uint8_t>& f) {
        auto p = Packet::borrow(f.data(), f.size());
        p.dev = &dev;
        netif_receive_eth(p);
    }
};

// A unicast frame from the uplink for the last of N macvlan children.
void BM_MacvlanUplinkToChild(benchmark::State& st) {
    const auto n = static_cast<std::size_t>(st.range(1));
    Lower l;
    auto kids = l.macvlans(n, static_cast<MacvlanMode>(st.range(0)));
    auto f = test::eth_frame(child_mac(n - 1), kOutside, 0x0800, 100);
    for (auto _ : st) {
        l.receive(f);
    }
    report(st, l.sink.delivered);
}
BENCHMARK(BM_MacvlanUplinkToChild)
    ->ArgNames({"mode", "children"})
    ->ArgsProduct({{static_cast<int>(MacvlanMode::private_), static_cast<int>(MacvlanMode::vepa),
                    static_cast<int>(MacvlanMode::bridge)},
                   {1, 3, 7}});

// Bridge mode, the first child to the last: dev_forward without the uplink.
void BM_MacvlanBridgeChildToChild(benchmark::State& st) {
    const auto n = static_cast<std::size_t>(st.range(0));
    Lower l;
    auto kids = l.macvlans(n, MacvlanMode::bridge);
    auto f = test::eth_frame(child_mac(n - 1), child_mac(0), 0x0800, 100);
    for (auto _ : st) {
        auto p = l.pool.alloc();
        std::copy(f.begin(), f.end(), p->put(f.size()));
        dev_queue_xmit(kids[0]->dev(), *p);
    }
    report(st, l.sink.delivered);
}
BENCHMARK(BM_MacvlanBridgeChildToChild)->ArgName("children")->Arg(2)->Arg(3)->Arg(7);

// SR-IOV VFs as the device makes them: bridge-mode macvlan children with
// a VF's settings (spoofchk on). A unicast frame from the first VF to the
// last, and from the uplink to the last: the per-frame cost must not grow
// from 2 to 64 VFs (O(1) lookup, the source check per frame).
std::vector<std::unique_ptr<MacvlanDev>> vfs(Lower& l, std::size_t n) {
    auto kids = l.macvlans(n, MacvlanMode::bridge);
    for (auto& k : kids) {
        k->dev().set_vf(VfConfig{});
    }
    return kids;
}

void BM_SriovVfToVf(benchmark::State& st) {
    const auto n = static_cast<std::size_t>(st.range(0));
    Lower l;
    auto kids = vfs(l, n);
    auto f = test::eth_frame(child_mac(n - 1), child_mac(0), 0x0800, 100);
    for (auto _ : st) {
        auto p = l.pool.alloc();
        std::copy(f.begin(), f.end(), p->put(f.size()));
        if (!vf_spoofed(kids[0]->dev(), *p)) {
            dev_queue_xmit(kids[0]->dev(), *p);
        }
    }
    report(st, l.sink.delivered);
}
BENCHMARK(BM_SriovVfToVf)->ArgName("vfs")->Arg(2)->Arg(8)->Arg(64);

void BM_SriovUplinkToVf(benchmark::State& st) {
    const auto n = static_cast<std::size_t>(st.range(0));
    Lower l;
    auto kids = vfs(l, n);
    auto f = test::eth_frame(child_mac(n - 1), kOutside, 0x0800, 100);
    for (auto _ : st) {
        l.receive(f);
    }
    report(st, l.sink.delivered);
}
BENCHMARK(BM_SriovUplinkToVf)->ArgName("vfs")->Arg(2)->Arg(8)->Arg(64);

std::vector<std::uint8_t> ipv4_to(const MacAddr& dst, const MacAddr& src,
                                  std::array<std::uint8_t, 4> daddr) {
    auto f = test::eth_frame(dst, src, 0x0800, 0);
    std::uint8_t ip[28] = {0x45, 0, 0, 28, 0, 0, 0x40, 0, 64, 17, 0, 0, 10, 0, 0, 200};
    std::copy(daddr.begin(), daddr.end(), ip + 16);
    f.resize(14 + 28);
    std::copy(ip, ip + 28, f.begin() + 14);
    return f;
}

// A frame from the uplink for the last of N ipvlan children, by address.
void BM_IpvlanUplinkToChild(benchmark::State& st) {
    const auto mode = static_cast<IpvlanMode>(st.range(0));
    const auto n = static_cast<std::size_t>(st.range(1));
    Lower l;
    std::vector<std::unique_ptr<IpvlanDev>> kids;
    std::string why;
    for (std::size_t i = 0; i < n; ++i) {
        kids.push_back(
            IpvlanDev::newlink(l.dev, {.name = name('i', i), .mode = mode}, &l.sink, &why));
        const std::array<std::uint8_t, 4> a{10, 0, 0, static_cast<std::uint8_t>(i + 1)};
        kids.back()->add_addr(IpAddr::v4(a));
    }
    auto f = ipv4_to(test::kMacC, kOutside, {10, 0, 0, static_cast<std::uint8_t>(n)});
    for (auto _ : st) {
        l.receive(f);
    }
    report(st, l.sink.delivered);
}
BENCHMARK(BM_IpvlanUplinkToChild)
    ->ArgNames({"mode", "children"})
    ->ArgsProduct({{static_cast<int>(IpvlanMode::l2), static_cast<int>(IpvlanMode::l3),
                    static_cast<int>(IpvlanMode::l3s)},
                   {1, 3, 7}});

// --- VXLAN --------------------------------------------------------------

MacAddr nth_mac(std::uint32_t i) {
    return MacAddr{{0x02, 0x10, static_cast<std::uint8_t>(i >> 24),
                    static_cast<std::uint8_t>(i >> 16), static_cast<std::uint8_t>(i >> 8),
                    static_cast<std::uint8_t>(i)}};
}

IpAddr nth_ip(std::uint32_t i) {
    const std::array<std::uint8_t, 4> a{10, static_cast<std::uint8_t>(i >> 16),
                                        static_cast<std::uint8_t>(i >> 8),
                                        static_cast<std::uint8_t>(i)};
    return IpAddr::v4(a);
}

// Lookups of MACs drawn at random from a table of N.
void BM_FdbLookup(benchmark::State& st) {
    const auto n = static_cast<std::uint32_t>(st.range(0));
    VxlanFdb fdb(0);
    for (std::uint32_t i = 0; i < n; ++i) {
        fdb.learn(nth_mac(i), {nth_ip(i), 4789, 42}, 0);
    }
    std::mt19937 rng(1);
    std::vector<MacAddr> probe(4096);
    for (auto& m : probe) {
        m = nth_mac(rng() % n);
    }
    std::size_t k = 0;
    for (auto _ : st) {
        benchmark::DoNotOptimize(fdb.find(probe[k++ & 4095], 1));
    }
}
BENCHMARK(BM_FdbLookup)->ArgName("entries")->Arg(10)->Arg(1000)->Arg(100000);

// A VXLAN device whose FDB holds N learned entries, on counting ops.
struct VxlanWithFdb {
    ManualClock clock;
    test::CountingVxlanOps ops;
    VxlanDev dev;

    static VxlanConfig config() {
        VxlanConfig c;
        c.vni = 42;
        c.local = nth_ip(1);
        c.remote = nth_ip(2);
        c.udpcsum = false;  // the outer header alone, no checksum over the frame
        return c;
    }
    explicit VxlanWithFdb(std::uint32_t n) : dev(config(), ops, clock) {
        for (std::uint32_t i = 0; i < n; ++i) {
            dev.fdb().learn(nth_mac(i), {nth_ip(i), 4789, 42}, 0);
        }
    }
};

// Encapsulation of a unicast frame to a learned MAC, the FDB holding N.
void BM_VxlanEncap(benchmark::State& st) {
    const auto n = static_cast<std::uint32_t>(st.range(0));
    VxlanWithFdb v(n);
    auto f = test::ipv4_frame(0x0a000001, 0x0a000002, 17, 1000, 53);
    const MacAddr dst = nth_mac(n / 2);
    std::copy(dst.bytes.begin(), dst.bytes.end(), f.begin());
    for (auto _ : st) {
        v.dev.xmit(f);
    }
    report(st, v.ops.sent);
}
BENCHMARK(BM_VxlanEncap)->ArgName("entries")->Arg(10)->Arg(1000)->Arg(100000);

// Decapsulation through the shared socket, the sender already learned
// (the learning check refreshes it), the FDB holding N.
void BM_VxlanDecap(benchmark::State& st) {
    const auto n = static_cast<std::uint32_t>(st.range(0));
    VxlanWithFdb v(n);
    VxlanSock sock;
    sock.add(v.dev);
    const std::uint32_t who = n / 2;
    std::vector<std::uint8_t> d(wire::kVxlanHlen);
    wire::VxlanHeader{wire::kVxlanFlagI, 42, 0}.emit(d.data());
    auto inner = test::ipv4_frame(0x0a000002, 0x0a000001, 17, 53, 1000);
    const MacAddr src = nth_mac(who);
    std::copy(src.bytes.begin(), src.bytes.end(), inner.begin() + 6);
    d.insert(d.end(), inner.begin(), inner.end());
    const IpAddr from = nth_ip(who);
    for (auto _ : st) {
        sock.rx(from, 0, d, false);
    }
    report(st, v.ops.delivered);
}
BENCHMARK(BM_VxlanDecap)->ArgName("entries")->Arg(10)->Arg(1000)->Arg(100000);

// External mode against the plain device, side by side (argument 0:
// plain, an untagged frame; 1: external, 4094 VLANs mapped, a frame on
// VLAN 2000 out on its VNI, the tag left out, and back with it put in).
// 1000 MACs learned in the VNI either way.
struct VxlanExternal {
    ManualClock clock;
    test::CountingVxlanOps ops;
    VxlanDev dev;
    std::uint32_t vni;

    static VxlanConfig config(bool external) {
        VxlanConfig c = VxlanWithFdb::config();
        c.external = external;
        for (std::uint16_t v = 1; external && v <= 4094; ++v) {
            c.vlan_tunnel.push_back({v, 100000u + v});
        }
        return c;
    }
    explicit VxlanExternal(const benchmark::State& st)
        : dev(config(st.range(0) != 0), ops, clock), vni(st.range(0) ? 102000 : 42) {
        for (std::uint32_t i = 0; i < 1000; ++i) {
            dev.fdb().learn(nth_mac(i), {nth_ip(i), 4789, vni}, 0, st.range(0) ? vni : 0);
        }
    }
    // The frame as the NIC has it: tagged for VLAN 2000 in external mode.
    std::vector<std::uint8_t> frame(std::vector<std::uint8_t> f) const {
        if (dev.config().external) {
            const std::uint8_t tag[4] = {0x81, 0x00, 2000 >> 8, 2000 & 0xff};
            f.insert(f.begin() + 12, std::begin(tag), std::end(tag));
        }
        return f;
    }
};

void BM_VxlanEncapExternal(benchmark::State& st) {
    VxlanExternal v(st);
    auto f = test::ipv4_frame(0x0a000001, 0x0a000002, 17, 1000, 53);
    const MacAddr dst = nth_mac(500);
    std::copy(dst.bytes.begin(), dst.bytes.end(), f.begin());
    f = v.frame(f);
    for (auto _ : st) {
        v.dev.xmit(f);
    }
    report(st, v.ops.sent);
}
BENCHMARK(BM_VxlanEncapExternal)->ArgName("external")->Arg(0)->Arg(1);

void BM_VxlanDecapExternal(benchmark::State& st) {
    VxlanExternal v(st);
    VxlanSock sock;
    sock.add(v.dev);
    std::vector<std::uint8_t> d(wire::kVxlanHlen);
    wire::VxlanHeader{wire::kVxlanFlagI, v.vni, 0}.emit(d.data());
    auto inner = test::ipv4_frame(0x0a000002, 0x0a000001, 17, 53, 1000);
    const MacAddr src = nth_mac(500);
    std::copy(src.bytes.begin(), src.bytes.end(), inner.begin() + 6);
    d.insert(d.end(), inner.begin(), inner.end());
    const IpAddr from = nth_ip(500);
    for (auto _ : st) {
        sock.rx(from, 0, d, false);
    }
    report(st, v.ops.delivered);
}
BENCHMARK(BM_VxlanDecapExternal)->ArgName("external")->Arg(0)->Arg(1);

// A VXLAN device with remcsum-tx as the benchmark's argument says.
struct VxlanRemcsum {
    ManualClock clock;
    test::CountingVxlanOps ops;
    VxlanDev dev;

    static VxlanConfig config(bool on) {
        VxlanConfig c = VxlanWithFdb::config();
        c.remcsum_tx = on;
        return c;
    }
    explicit VxlanRemcsum(const benchmark::State& st) : dev(config(st.range(0) != 0), ops, clock) {}
};

// A frame from a NIC whose checksum its guest left partial, a full-size
// TCP segment: filled here (remcsum-tx off) or sent as it is with the RCO
// flag for the receiver to finish (on).
void BM_VxlanPartialChecksum(benchmark::State& st) {
    VxlanRemcsum v(st);
    auto f = test::ipv4_frame(0x0a000001, 0x0a000002, 6, 1000, 80);
    f.resize(1514);
    Offload off;
    off.ip_summed = IpSummed::partial;
    off.csum_start = 34;
    off.csum_offset = 16;
    off.network_offset = 14;
    for (auto _ : st) {
        v.dev.xmit(f, off);
    }
    report(st, v.ops.sent);
    st.SetBytesProcessed(static_cast<std::int64_t>(st.iterations() * f.size()));
}
BENCHMARK(BM_VxlanPartialChecksum)->ArgName("remcsum_tx")->Arg(0)->Arg(1);

// A GSO frame from a NIC (the TCP frame of capture-gso.py, four segments), cut
// here into segments with their checksums final (remcsum-tx off) or left
// to the receiver with the RCO flag (on); frames/s counts the big frames.
void BM_VxlanGso(benchmark::State& st) {
    VxlanRemcsum v(st);
    const auto hc = virtio_net_hdr_to_offload(VirtioNetHdr::load(test::kGsoTcp4Hdr), test::kGsoTcp4,
                                              {true, true, true, true, true});
    if (hc.refused) {
        st.SkipWithError("the header is refused");
        return;
    }
    for (auto _ : st) {
        v.dev.xmit(test::kGsoTcp4, hc.offload);
    }
    report(st, v.ops.sent / 4);
    st.counters["frames_per_iteration"] = 4;  // for scripts/bench-sanity's bound
    st.SetBytesProcessed(static_cast<std::int64_t>(st.iterations() * sizeof test::kGsoTcp4));
}
BENCHMARK(BM_VxlanGso)->ArgName("remcsum_tx")->Arg(0)->Arg(1);

// A TSO frame of `bytes` from one macvlan bridge child to its sibling
// through the C ABI, as the glue drives it: the sender's scatter list is
// the virtio-net header and 4 KiB pieces (a driver's linear part and page
// frags), the receiver copies what it is given into its RX buffer.
struct RxRing {
    std::vector<std::uint8_t> buf = std::vector<std::uint8_t>(70000);
    long frames = 0;
};

VnetDeliverResult rx_copy(void* o, const uint8_t*, const uint8_t* f, size_t len, uint32_t) {
    auto* r = static_cast<RxRing*>(o);
    std::memcpy(r->buf.data(), f, len);
    ++r->frames;
    return VNET_DELIVER_OK;
}

VnetDeliverResult rx_copy_iov(void* o, const uint8_t*, const struct iovec* iov, unsigned n,
                              uint32_t) {
    auto* r = static_cast<RxRing*>(o);
    std::size_t at = 0;
    for (unsigned i = 0; i < n; ++i) {
        std::memcpy(r->buf.data() + at, iov[i].iov_base, iov[i].iov_len);
        at += iov[i].iov_len;
    }
    ++r->frames;
    return VNET_DELIVER_OK;
}

VnetXmitResult wire_none(void*, const uint8_t*, const uint8_t*, size_t) { return VNET_XMIT_SENT; }

void BM_TsoChildToChild(benchmark::State& st) {
    const auto bytes = static_cast<std::size_t>(st.range(0));
    const VnetDevOps ops = {.xmit = wire_none,
                            .deliver = rx_copy,
                            .deliver_iov = rx_copy_iov,
                            .carrier_changed = nullptr,
                            .kick_work = nullptr,
                            .now_ms = nullptr,
                            .timers_soon = nullptr,
                            .mtu_changed = nullptr,
                            .xmit_iov = nullptr};
    RxRing wire, ra, rb;
    VnetDev* lower = vnet_lower_new("up0", test::kMacC.bytes.data(), 1500, &ops, &wire);
    char why[128];
    const char* field = nullptr;
    VnetDev* a = vnet_macvlan_new(lower, "a", test::kMacA.bytes.data(), 0, VNET_MACVLAN_BRIDGE,
                                  false, &ops, &ra, why, sizeof why, &field);
    VnetDev* b = vnet_macvlan_new(lower, "b", test::kMacB.bytes.data(), 0, VNET_MACVLAN_BRIDGE,
                                  false, &ops, &rb, why, sizeof why, &field);
    // CSUM, HOST_TSO4 to send; GUEST_CSUM, GUEST_TSO4 to take whole.
    vnet_dev_set_offloads(a, (1ull << 0) | (1ull << 11), 0);
    vnet_dev_set_offloads(b, (1ull << 1) | (1ull << 7), (1ull << 1) | (1ull << 7));
    auto f = test::ipv4_frame(0x0a000001, 0x0a000002, 6, 40000, 5201);
    std::copy(test::kMacB.bytes.begin(), test::kMacB.bytes.end(), f.begin());
    std::copy(test::kMacA.bytes.begin(), test::kMacA.bytes.end(), f.begin() + 6);
    f.resize(bytes, 0x5a);
    const std::size_t ip_len = bytes - 14;
    f[16] = static_cast<std::uint8_t>(ip_len >> 8);
    f[17] = static_cast<std::uint8_t>(ip_len);
    // NEEDS_CSUM, TCPv4, hdr_len 54, gso_size 1448, csum at 34 + 16.
    std::uint8_t hdr[12] = {1, 1, 54, 0, 0xa8, 0x05, 34, 0, 16, 0, 0, 0};
    std::vector<struct iovec> iov = {{hdr, sizeof hdr}};
    for (std::size_t at = 0; at < bytes; at += 4096) {
        iov.push_back({f.data() + at, std::min<std::size_t>(4096, bytes - at)});
    }
    for (auto _ : st) {
        vnet_dev_queue_xmit(a, iov.data(), static_cast<unsigned>(iov.size()), sizeof hdr);
    }
    if (rb.frames < static_cast<long>(st.iterations()) ||
        !std::equal(f.begin(), f.end(), rb.buf.begin())) {
        st.SkipWithError("frames did not get through whole");
    }
    st.SetBytesProcessed(static_cast<std::int64_t>(st.iterations() * bytes));
    vnet_dev_free(b);
    vnet_dev_free(a);
    vnet_dev_free(lower);
}
BENCHMARK(BM_TsoChildToChild)->ArgName("bytes")->Arg(4096)->Arg(16384)->Arg(65000);

}  // namespace
}  // namespace vnet

BENCHMARK_MAIN();
