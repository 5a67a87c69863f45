// SPDX-License-Identifier: GPL-2.0-or-later
// The neighbour table with a manual clock: resolution and its bounded
// queue, retransmission and failure, ageing to STALE and re-probing.
#include "vnet/neighbour.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "vnet/trace.h"

namespace vnet {
namespace {

const IpAddr kGw = IpAddr::v4(std::array<std::uint8_t, 4>{10, 0, 2, 2});
const MacAddr kGwMac{{0x52, 0x55, 0x0a, 0x00, 0x02, 0x02}};

struct Ops final : NeighOps {
    void solicit(const IpAddr&) override { ++solicits; }
    void transmit(Packet& pkt, const MacAddr& mac) override {
        sent.push_back(pkt.data()[0]);
        last_mac = mac;
    }
    int solicits = 0;
    std::vector<std::uint8_t> sent;  // first byte of each packet: its id
    MacAddr last_mac{};
};

class NeighTest : public ::testing::Test {
  protected:
    PacketRef packet(std::uint8_t id) {
        auto p = pool.alloc();
        *p->put(1) = id;
        return p;
    }

    ManualClock clock;
    Ops ops;
    DeviceCounters counters;
    PacketPool pool{256, 16};
    NeighTable table{clock, ops, counters};
    // Last, so it goes back to the pool before the pool goes.
    PacketRef p{nullptr, {nullptr}};  // the packet being sent
};

TEST_F(NeighTest, FirstUseSolicitsAndQueuesThenConfirmSends) {
    EXPECT_FALSE(table.resolve(kGw, p = packet(1)));
    EXPECT_FALSE(p);  // taken into the queue
    EXPECT_EQ(ops.solicits, 1);
    EXPECT_EQ(table.state(kGw), NeighState::incomplete);
    table.confirm(kGw, kGwMac);
    EXPECT_EQ(ops.sent, std::vector<std::uint8_t>{1});
    EXPECT_EQ(ops.last_mac, kGwMac);
    EXPECT_EQ(table.state(kGw), NeighState::reachable);
    EXPECT_EQ(table.resolve(kGw, p = packet(2)), kGwMac);
    EXPECT_TRUE(p);  // resolved: the caller still has it to send
    EXPECT_EQ(ops.solicits, 1);
    p.reset();
    EXPECT_EQ(pool.in_use(), 0u);
}

std::vector<std::string> g_neigh_states;

// Each state change reaches the trace hook, named, with the neighbour.
TEST_F(NeighTest, StateChangesAreTraced) {
    g_neigh_states.clear();
    set_trace_hook([](const TraceEvent& e) {
        if (e.kind == TraceKind::neigh && e.ip && *e.ip == kGw) {
            g_neigh_states.emplace_back(e.what);
        }
    });
    EXPECT_FALSE(table.resolve(kGw, p = packet(1)));
    table.confirm(kGw, kGwMac);
    clock.advance_ms(kNeighReachableMs);
    table.run_timers();
    EXPECT_EQ(table.resolve(kGw, p = packet(2)), kGwMac);
    p.reset();
    for (unsigned i = 0; i <= kNeighMaxProbes; ++i) {
        clock.advance_ms(kNeighRetransMs);
        table.run_timers();
    }
    set_trace_hook(nullptr);
    EXPECT_EQ(g_neigh_states,
              (std::vector<std::string>{"incomplete", "reachable", "stale", "probe", "failed"}));
}

TEST_F(NeighTest, QueueIsBoundedAndDropsTheOldest) {
    for (std::uint8_t id = 1; id <= 5; ++id) {
        EXPECT_FALSE(table.resolve(kGw, p = packet(id)));
    }
    EXPECT_EQ(counters.dropped(DropReason::tx_neigh_queue_full), 2u);
    EXPECT_EQ(ops.solicits, 1);  // one solicitation, not one per packet
    table.confirm(kGw, kGwMac);
    EXPECT_EQ(ops.sent, (std::vector<std::uint8_t>{3, 4, 5}));
}

TEST_F(NeighTest, UnansweredSolicitationsFailAndDropTheQueue) {
    table.resolve(kGw, p = packet(1));
    table.resolve(kGw, p = packet(2));
    for (int s = 0; s < 3; ++s) {
        clock.advance_ms(kNeighRetransMs);
        table.run_timers();
    }
    EXPECT_EQ(ops.solicits, 3);  // mcast_solicit
    EXPECT_FALSE(table.state(kGw));
    EXPECT_EQ(counters.dropped(DropReason::tx_neigh_failed), 2u);
    EXPECT_TRUE(ops.sent.empty());
    EXPECT_EQ(pool.in_use(), 0u);
}

TEST_F(NeighTest, RetransmitsOnlyAfterRetransTime) {
    table.resolve(kGw, p = packet(1));
    clock.advance_ms(kNeighRetransMs - 1);
    table.run_timers();
    EXPECT_EQ(ops.solicits, 1);
    clock.advance_ms(1);
    table.run_timers();
    EXPECT_EQ(ops.solicits, 2);
}

TEST_F(NeighTest, ReachableAgesToStaleWhichIsUsedAndReprobed) {
    table.resolve(kGw, p = packet(1));
    table.confirm(kGw, kGwMac);
    clock.advance_ms(kNeighReachableMs);
    table.run_timers();
    EXPECT_EQ(table.state(kGw), NeighState::stale);
    EXPECT_EQ(table.resolve(kGw, p = packet(2)), kGwMac);  // still used
    EXPECT_EQ(ops.solicits, 2);                            // and asked again
    EXPECT_EQ(table.state(kGw), NeighState::probe);
    table.confirm(kGw, kGwMac);
    EXPECT_EQ(table.state(kGw), NeighState::reachable);
}

TEST_F(NeighTest, StaleEntryWithoutAnswerIsForgotten) {
    table.resolve(kGw, p = packet(1));
    table.confirm(kGw, kGwMac);
    clock.advance_ms(kNeighReachableMs);
    table.run_timers();
    table.resolve(kGw, p = packet(2));
    for (int s = 0; s < 3; ++s) {
        clock.advance_ms(kNeighRetransMs);
        table.run_timers();
    }
    EXPECT_FALSE(table.state(kGw));
}

TEST_F(NeighTest, UnaskedRepliesCreateNothing) {
    table.confirm(kGw, kGwMac);
    EXPECT_EQ(table.size(), 0u);
}

TEST_F(NeighTest, Ipv6NeighboursAreSeparateEntries) {
    std::array<std::uint8_t, 16> v6{0xfe, 0x80};
    v6[15] = 2;
    table.resolve(IpAddr::v6of(v6), p = packet(1));
    table.resolve(kGw, p = packet(2));
    EXPECT_EQ(table.size(), 2u);
    EXPECT_EQ(ops.solicits, 2);
}

}  // namespace
}  // namespace vnet
