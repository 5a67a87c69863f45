// SPDX-License-Identifier: GPL-2.0-or-later
// Hostile frames: mutations and truncations of real kernel frames, and
// plain noise, through every receive and transmit path of the stack (the
// lower with macvlan children, with ipvlan children in l2 and l3) and
// through the parsers. Run under ASan+UBSan by `make check`: any read
// outside a buffer fails the run. Afterwards every pool buffer must be back.
#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "data/kernel_frames.h"
#include "sinks.h"
#include "vnet/dev.h"
#include "vnet/flow_hash.h"
#include "vnet/inet.h"
#include "vnet/ipvlan.h"
#include "vnet/macvlan.h"
#include "vnet/phys_dev.h"
#include "vnet/wire/arp.h"
#include "vnet/wire/ethernet.h"
#include "vnet/wire/icmpv6.h"
#include "vnet/wire/ipv6.h"
#include "vnet/wire/udp.h"

namespace vnet {
namespace {

using Sink = test::TouchingSink;

class Frames {
  public:
    explicit Frames(std::uint32_t seed) : rng_(seed) {}

    // A real frame, mutated in a few random bytes and cut at a random
    // length; or noise; sometimes with the shared MAC as source.
    std::vector<std::uint8_t> next(const MacAddr& ours) {
        static const std::vector<std::vector<std::uint8_t>> seeds = {
            {std::begin(test::kArpRequest), std::end(test::kArpRequest)},
            {std::begin(test::kIpv4Udp), std::end(test::kIpv4Udp)},
            {std::begin(test::kIpv6Udp), std::end(test::kIpv6Udp)},
            {std::begin(test::kIcmpv6NeighborSolicit), std::end(test::kIcmpv6NeighborSolicit)},
            {std::begin(test::kIcmpv6NeighborAdvert), std::end(test::kIcmpv6NeighborAdvert)},
        };
        std::vector<std::uint8_t> f;
        if (pick(8) == 0) {
            f.resize(pick(200));
            for (auto& b : f) {
                b = static_cast<std::uint8_t>(pick(256));
            }
        } else {
            f = seeds[pick(seeds.size())];
            for (int n = static_cast<int>(pick(4)); n > 0; --n) {
                f[pick(f.size())] = static_cast<std::uint8_t>(pick(256));
            }
            if (pick(3) == 0) {
                f.resize(pick(f.size() + 1));
            }
        }
        if (f.size() >= 12 && pick(3) == 0) {
            std::copy(ours.bytes.begin(), ours.bytes.end(), f.begin() + (pick(2) ? 0 : 6));
        }
        return f;
    }

  private:
    std::size_t pick(std::size_t n) { return n ? rng_() % n : 0; }
    std::mt19937 rng_;
};

constexpr int kRounds = 20000;

void parse_everything(std::span<const std::uint8_t> f) {
    ToeplitzHasher::default_hasher().hash_frame(f);
    ipvlan_l3_addrs(f);
    if (auto eth = wire::EthernetView::parse(f)) {
        wire::ArpRepr::parse(eth->payload());
        if (auto ip6 = wire::Ipv6View::parse(eth->payload())) {
            wire::NdRepr::parse(*ip6);
            if (auto udp = wire::UdpView::parse(ip6->payload())) {
                udp->checksum_ok(ip6->src(), ip6->dst());
            }
        }
    }
}

TEST(Hostile, ParsersTakeAnything) {
    Frames frames(1);
    for (int i = 0; i < kRounds; ++i) {
        auto f = frames.next(MacAddr{});
        parse_everything(f);
    }
}

template <typename Child>
void drive(NetDevice& lower, std::vector<std::unique_ptr<Child>>& kids, PacketPool& pool,
           WorkQueue& wq, std::uint32_t seed) {
    Frames frames(seed);
    for (int i = 0; i < kRounds; ++i) {
        auto f = frames.next(lower.mac());
        if (i % 2) {
            auto p = Packet::borrow(f.data(), f.size());
            p.dev = &lower;
            netif_receive_eth(p);
        } else if (auto p = pool.alloc()) {
            std::copy(f.begin(), f.end(), p->put(f.size()));
            dev_queue_xmit(kids[i % kids.size()]->dev(), *p);
        }
        if (i % 64 == 0) {
            wq.run_pending();
        }
    }
    wq.run_pending();
}

// A lower port on a sink, with room for everything the paths queue.
struct Lower {
    Sink sink;
    PhysDev phys{"lower", MacAddr{{0x02, 0, 0, 0, 0, 0x0b}}, &sink, &sink,
                 PhysConfig{.buffers = 2048, .buffer_size = 2048}};
};

TEST(Hostile, MacvlanPathsTakeAnything) {
    for (auto mode :
         {MacvlanMode::bridge, MacvlanMode::vepa, MacvlanMode::private_, MacvlanMode::source}) {
        Lower l;
        Sink& sink = l.sink;
        NetDevice& lower = l.phys.dev();
        PacketPool& pool = l.phys.pool();
        WorkQueue& wq = l.phys.wq();
        std::vector<std::unique_ptr<MacvlanDev>> kids;
        std::string why;
        for (std::uint8_t i = 1; i <= 2; ++i) {
            MacvlanConfig cfg{.name = "m", .mac = {{0x02, 0, 0, 0, 0, i}}, .mode = mode};
            kids.push_back(MacvlanDev::newlink(lower, cfg, &sink, &why));
            ASSERT_TRUE(kids.back()) << why;
            kids.back()->source_add(MacAddr{{0x02, 0, 0, 0, 0, 0x0a}});
        }
        drive(lower, kids, pool, wq, static_cast<std::uint32_t>(mode));
        EXPECT_EQ(pool.in_use(), 0u);
    }
}

TEST(Hostile, IpvlanPathsTakeAnything) {
    for (auto mode : {IpvlanMode::l2, IpvlanMode::l3}) {
        for (std::uint16_t flags : {0, int{kIpvlanFlagPrivate}, int{kIpvlanFlagVepa}}) {
            Lower l;
            Sink& sink = l.sink;
            NetDevice& lower = l.phys.dev();
            PacketPool& pool = l.phys.pool();
            WorkQueue& wq = l.phys.wq();
            std::vector<std::unique_ptr<IpvlanDev>> kids;
            std::string why;
            for (int i = 0; i < 2; ++i) {
                kids.push_back(IpvlanDev::newlink(
                    lower, {.name = "i", .mode = mode, .flags = flags}, &sink, &why));
                ASSERT_TRUE(kids.back()) << why;
                kids.back()->set_learning(true);
            }
            kids[0]->add_addr(IpAddr::v4(std::array<std::uint8_t, 4>{192, 0, 2, 2}));
            // L3 with the embedded IP layer behind it (answers, routes).
            ManualClock clock;
            InetLayer inet(lower, pool, clock,
                           InetConfig{.ip4 = std::array<std::uint8_t, 4>{192, 0, 2, 1},
                                      .gw4 = std::array<std::uint8_t, 4>{192, 0, 2, 254},
                                      .gw6 = std::array<std::uint8_t, 16>{
                                          0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}});
            if (mode == IpvlanMode::l3) {
                l.phys.set_l3_outbound(&inet);
            }
            drive(lower, kids, pool, wq, 100u + static_cast<unsigned>(mode) * 8 + flags);
            // Packets waiting for neighbours that never answer are dropped
            // once the probes run out: then every buffer is back.
            for (int t = 0; t < 4; ++t) {
                clock.advance_ms(kNeighRetransMs);
                inet.run_timers();
            }
            EXPECT_EQ(pool.in_use(), 0u);
        }
    }
}

}  // namespace
}  // namespace vnet
