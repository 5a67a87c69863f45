// SPDX-License-Identifier: GPL-2.0-or-later
// The macvlan, ipvlan and VXLAN fast paths allocate nothing per packet: global operator new
// is replaced by one that counts while a test window is open; after a
// warm-up (pool buffers made on first need), traffic in every direction
// must leave the count at zero.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>

#include "frames.h"
#include "sinks.h"
#include "vnet/dev.h"
#include "vnet/ipvlan.h"
#include "vnet/macvlan.h"
#include "vnet/phys_dev.h"
#include "vnet/vxlan.h"
#include "vnet/vxlan_sock.h"

namespace {
std::atomic<bool> g_counting{false};
std::atomic<long> g_allocs{0};
}  // namespace

void* operator new(std::size_t n) {
    if (g_counting.load(std::memory_order_relaxed)) {
        g_allocs.fetch_add(1, std::memory_order_relaxed);
    }
    if (void* p = std::malloc(n ? n : 1)) {
        return p;
    }
    throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace vnet {
namespace {

using Sink = test::CountingSink;

class CountingWindow {
  public:
    CountingWindow() {
        g_allocs = 0;
        g_counting = true;
    }
    ~CountingWindow() { g_counting = false; }
    long allocs() const { return g_allocs.load(); }
};

// Runs `traffic` once to warm up, then kRounds times counting allocations;
// returns them and how many deliveries the counted rounds made.
constexpr int kRounds = 1000;

template <typename Fn>
std::pair<long, long> count_allocations(Sink& sink, Fn traffic) {
    traffic();  // warm-up: the pool makes its buffers
    const long before = sink.delivered;
    CountingWindow w;
    for (int i = 0; i < kRounds; ++i) {
        traffic();
    }
    const long allocs = w.allocs();
    return {allocs, sink.delivered - before};
}

TEST(NoAllocation, MacvlanFastPathAfterWarmUp) {
    Sink sink;
    PhysDev phys{"lower", test::kMacC, &sink, &sink, {.buffers = 64, .buffer_size = 2048}};
    NetDevice& lower = phys.dev();
    PacketPool& pool = phys.pool();
    WorkQueue& wq = phys.wq();
    std::string why;
    MacvlanConfig ca{.name = "A", .mac = test::kMacA, .mode = MacvlanMode::bridge};
    MacvlanConfig cb{.name = "B", .mac = test::kMacB, .mode = MacvlanMode::bridge};
    auto a = MacvlanDev::newlink(lower, ca, &sink, &why);
    auto b = MacvlanDev::newlink(lower, cb, &sink, &why);
    ASSERT_TRUE(a && b);

    const MacAddr outside{{0x52, 0x55, 0, 0, 0, 1}};
    auto to_b = test::eth_frame(test::kMacB, test::kMacA, 0x0800, 100);
    auto to_out = test::eth_frame(outside, test::kMacA, 0x0800, 100);
    auto bcast = test::eth_frame(MacAddr::broadcast(), test::kMacA, 0x0806, 28);
    auto from_out = test::eth_frame(test::kMacA, outside, 0x0800, 100);
    auto bcast_in = test::eth_frame(MacAddr::broadcast(), outside, 0x0806, 28);

    auto traffic = [&] {
        for (const auto* f : {&to_b, &to_out, &bcast}) {
            auto p = pool.alloc();
            std::copy(f->begin(), f->end(), p->put(f->size()));
            dev_queue_xmit(a->dev(), *p);
        }
        for (const auto* f : {&from_out, &bcast_in}) {
            auto p = Packet::borrow(f->data(), f->size());
            p.dev = &lower;
            netif_receive_eth(p);
        }
        wq.run_pending();
    };
    const auto [allocs, delivered] = count_allocations(sink, traffic);
    EXPECT_EQ(allocs, 0);
    // And the traffic did flow: B, B's broadcast copy, A, and A, B, lower
    // for the outside broadcast: 6 deliveries a round.
    EXPECT_EQ(delivered, 6 * kRounds);
}

TEST(NoAllocation, IpvlanL2FastPathAfterWarmUp) {
    Sink sink;
    PhysDev phys{"lower", test::kMacC, &sink, &sink, {.buffers = 64, .buffer_size = 2048}};
    NetDevice& lower = phys.dev();
    PacketPool& pool = phys.pool();
    WorkQueue& wq = phys.wq();
    std::string why;
    auto a = IpvlanDev::newlink(lower, {.name = "A", .mode = IpvlanMode::l2}, &sink, &why);
    auto b = IpvlanDev::newlink(lower, {.name = "B", .mode = IpvlanMode::l2}, &sink, &why);
    ASSERT_TRUE(a && b);
    const std::array<std::uint8_t, 4> ip_a{10, 0, 0, 1}, ip_b{10, 0, 0, 2}, ip_out{10, 0, 0, 9};
    ASSERT_TRUE(a->add_addr(IpAddr::v4(ip_a)) && b->add_addr(IpAddr::v4(ip_b)));
    auto frame = [](const MacAddr& d, const MacAddr& s, auto src, auto dst) {
        auto f = test::eth_frame(d, s, 0x0800, 0);
        std::uint8_t ip[20] = {0x45, 0, 0, 20, 0, 0, 0x40, 0, 64, 17};
        std::copy(src.begin(), src.end(), ip + 12);
        std::copy(dst.begin(), dst.end(), ip + 16);
        f.insert(f.end(), ip, ip + 20);
        return f;
    };
    const MacAddr outside{{0x52, 0x55, 0, 0, 0, 1}};
    auto to_b = frame(test::kMacC, test::kMacC, ip_a, ip_b);
    auto to_out = frame(outside, test::kMacC, ip_a, ip_out);
    auto from_out = frame(test::kMacC, outside, ip_out, ip_a);
    auto bcast_in = test::eth_frame(MacAddr::broadcast(), outside, 0x0806, 28);
    auto traffic = [&] {
        for (const auto* f : {&to_b, &to_out}) {
            auto p = pool.alloc();
            std::copy(f->begin(), f->end(), p->put(f->size()));
            dev_queue_xmit(a->dev(), *p);
        }
        for (const auto* f : {&from_out, &bcast_in}) {
            auto p = Packet::borrow(f->data(), f->size());
            p.dev = &lower;
            netif_receive_eth(p);
        }
        wq.run_pending();
    };
    const auto [allocs, delivered] = count_allocations(sink, traffic);
    EXPECT_EQ(allocs, 0);
    // B; A; and lower, A, B for the outside broadcast: 5 a round.
    EXPECT_EQ(delivered, 5 * kRounds);
}

TEST(NoAllocation, VxlanEncapAndDecapAfterWarmUp) {
    test::CountingVxlanOps ops;
    ManualClock clock;
    VxlanConfig cfg;
    cfg.vni = 42;
    const std::array<std::uint8_t, 4> local{10, 0, 0, 1}, remote{10, 0, 0, 2};
    cfg.local = IpAddr::v4(local);
    cfg.remote = IpAddr::v4(remote);
    VxlanDev dev(cfg, ops, clock);
    VxlanSock sock;
    sock.add(dev);
    auto out = test::ipv4_frame(0x0a000001, 0x0a000002, 17, 1000, 53);
    auto bcast = test::eth_frame(MacAddr::broadcast(), test::kMacA, 0x0806, 28);
    std::vector<std::uint8_t> in(wire::kVxlanHlen);
    wire::VxlanHeader{wire::kVxlanFlagI, 42, 0}.emit(in.data());
    const auto inner = test::ipv4_frame(0x0a000002, 0x0a000001, 17, 53, 1000);
    in.insert(in.end(), inner.begin(), inner.end());
    std::vector<std::uint8_t> buf(in.size());
    Sink unused;
    auto traffic = [&] {
        dev.xmit(out);  // a learned unicast destination after warm-up
        dev.xmit(bcast);
        std::copy(in.begin(), in.end(), buf.begin());
        sock.rx(IpAddr::v4(remote), 0, buf, false);  // learning refreshes
    };
    const auto [allocs, none] = count_allocations(unused, traffic);
    EXPECT_EQ(allocs, 0);
    EXPECT_EQ(ops.sent, 2 * (kRounds + 1));
    EXPECT_EQ(ops.delivered, kRounds + 1);
}

TEST(NoAllocation, CounterSeesAnAllocation) {
    // The check above can fail: an allocation inside the window counts.
    CountingWindow w;
    auto* p = new int(1);
    delete p;
    EXPECT_EQ(w.allocs(), 1);
}

}  // namespace
}  // namespace vnet
