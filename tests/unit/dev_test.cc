// SPDX-License-Identifier: GPL-2.0-or-later
// The receive loop (rx_handler results, nesting bound, filter, stack
// back-pressure) and dev_queue_xmit's checks.
#include "vnet/dev.h"

#include <gtest/gtest.h>

#include <vector>

#include "frames.h"
#include "vnet/packet_pool.h"

namespace vnet {
namespace {

using test::eth_frame;
using test::kMacA;
using test::kMacB;

struct Recorder final : XmitOps, ProtocolHandler {
    XmitResult xmit(NetDevice& dev, Packet& pkt) override {
        sent.push_back({&dev, pkt.len()});
        return xmit_result;
    }
    DeliverResult deliver(NetDevice& dev, const Packet& pkt) override {
        delivered.push_back({&dev, pkt.len()});
        return deliver_result;
    }
    struct Seen {
        NetDevice* dev;
        std::size_t len;
    };
    std::vector<Seen> sent, delivered;
    XmitResult xmit_result = XmitResult::sent;
    DeliverResult deliver_result = DeliverResult::delivered;
};

class DevTest : public ::testing::Test {
  protected:
    Recorder rec;
    NetDevice lower{"lower", kMacA, &rec, &rec};
    NetDevice upper{"upper", kMacB, &rec, &rec};
    std::vector<std::uint8_t> frame = eth_frame(kMacA, kMacB, 0x0800, 46);

    RxResult receive(const std::vector<std::uint8_t>& f) {
        auto p = Packet::borrow(f.data(), f.size());
        p.dev = &lower;
        return netif_receive_eth(p);
    }
};

TEST_F(DevTest, NoHandlerDeliversToOwnStackAndCounts) {
    EXPECT_EQ(receive(frame), RxResult::delivered);
    ASSERT_EQ(rec.delivered.size(), 1u);
    EXPECT_EQ(rec.delivered[0].dev, &lower);
    EXPECT_EQ(lower.counters().rx_packets, 1u);
    EXPECT_EQ(lower.counters().rx_bytes, frame.size());
}

TEST_F(DevTest, ConsumedStopsTheLoop) {
    lower.rx_handler_register([](Packet*&, void*) { return RxHandlerResult::consumed; }, nullptr);
    EXPECT_EQ(receive(frame), RxResult::consumed);
    EXPECT_TRUE(rec.delivered.empty());
}

TEST_F(DevTest, PassDeliversAsIfNoHandler) {
    lower.rx_handler_register([](Packet*&, void*) { return RxHandlerResult::pass; }, nullptr);
    EXPECT_EQ(receive(frame), RxResult::delivered);
    EXPECT_EQ(rec.delivered.at(0).dev, &lower);
}

TEST_F(DevTest, AnotherRunsTheLoopOnTheNewDevice) {
    auto to_upper = [](Packet*& p, void* data) {
        p->dev = static_cast<NetDevice*>(data);
        return RxHandlerResult::another;
    };
    lower.rx_handler_register(to_upper, &upper);
    upper.filter().set_promisc(false);
    auto f = eth_frame(kMacB, kMacA, 0x0800, 46);
    EXPECT_EQ(receive(f), RxResult::delivered);
    EXPECT_EQ(rec.delivered.at(0).dev, &upper);
    EXPECT_EQ(upper.counters().rx_packets, 1u);
    EXPECT_EQ(lower.counters().rx_packets, 0u);
}

TEST_F(DevTest, ExactWithNothingBoundIsCountedDrop) {
    lower.rx_handler_register([](Packet*&, void*) { return RxHandlerResult::exact; }, nullptr);
    EXPECT_EQ(receive(frame), RxResult::dropped);
    EXPECT_EQ(lower.counters().dropped(DropReason::rx_exact_unclaimed), 1u);
}

TEST_F(DevTest, HandlerLoopIsBounded) {
    auto loop = [](Packet*& p, void*) {
        (void)p;
        return RxHandlerResult::another;  // same device again and again
    };
    lower.rx_handler_register(loop, nullptr);
    EXPECT_EQ(receive(frame), RxResult::dropped);
    EXPECT_EQ(lower.counters().dropped(DropReason::rx_nesting_limit), 1u);
}

TEST_F(DevTest, OnlyOneHandlerPerDevice) {
    auto h = [](Packet*&, void*) { return RxHandlerResult::pass; };
    EXPECT_TRUE(lower.rx_handler_register(h, nullptr));
    EXPECT_FALSE(lower.rx_handler_register(h, nullptr));
    lower.rx_handler_unregister();
    EXPECT_TRUE(lower.rx_handler_register(h, nullptr));
}

TEST_F(DevTest, FilterDropsForeignUnicast) {
    lower.filter().set_promisc(false);
    auto f = eth_frame(test::kMacC, kMacB, 0x0800, 46);
    EXPECT_EQ(receive(f), RxResult::dropped);
    EXPECT_EQ(lower.counters().dropped(DropReason::rx_filtered), 1u);
    EXPECT_TRUE(rec.delivered.empty());
}

TEST_F(DevTest, RuntFramesAreCountedDrops) {
    std::vector<std::uint8_t> runt(13, 0);
    EXPECT_EQ(receive(runt), RxResult::dropped);
    EXPECT_EQ(lower.counters().dropped(DropReason::rx_runt), 1u);
}

TEST_F(DevTest, DeviceDownDropsReceive) {
    lower.set_up(false);
    EXPECT_EQ(receive(frame), RxResult::dropped);
    EXPECT_EQ(lower.counters().dropped(DropReason::rx_link_down), 1u);
}

// As in Linux, the receive path does not look at the carrier.
TEST_F(DevTest, CarrierDownStillReceives) {
    lower.set_carrier(false);
    EXPECT_EQ(receive(frame), RxResult::delivered);
}

TEST_F(DevTest, CarrierFollowsTheLowerToItsUppers) {
    upper.set_lower(&lower);
    lower.set_carrier(false);
    EXPECT_FALSE(upper.carrier());
    lower.set_carrier(true);
    EXPECT_TRUE(upper.carrier());
    upper.set_lower(nullptr);
    lower.set_carrier(false);
    EXPECT_TRUE(upper.carrier());
}

TEST_F(DevTest, CarrierHookSeesOnlyChanges) {
    int calls = 0;
    upper.set_event_hook([](void* n, NetDevice&,
                            NetdevEvent ev) { *static_cast<int*>(n) += ev == NetdevEvent::change; },
                         &calls);
    upper.set_lower(&lower);  // same state: no call
    lower.set_carrier(false);
    lower.set_carrier(false);
    lower.set_carrier(true);
    EXPECT_EQ(calls, 2);
    upper.set_lower(nullptr);
}

// A pulled cable on the upper itself holds its carrier off while the lower
// comes and goes; putting it back takes the lower's state again.
TEST_F(DevTest, LinkDownOnAnUpperOutlastsTheLowersCarrier) {
    upper.set_lower(&lower);
    upper.set_proto_down(true);
    EXPECT_FALSE(upper.carrier());
    lower.set_carrier(false);
    lower.set_carrier(true);
    EXPECT_FALSE(upper.carrier());
    upper.set_proto_down(false);
    EXPECT_TRUE(upper.carrier());
    lower.set_carrier(false);
    upper.set_proto_down(false);
    EXPECT_FALSE(upper.carrier());
    upper.set_lower(nullptr);
}

TEST_F(DevTest, LinkDownCarriesToTheUppersUppers) {
    NetDevice top{"top", kMacB, &rec, &rec};
    int calls = 0;
    top.set_event_hook([](void* n, NetDevice&,
                          NetdevEvent ev) { *static_cast<int*>(n) += ev == NetdevEvent::change; },
                       &calls);
    upper.set_lower(&lower);
    top.set_lower(&upper);
    upper.set_proto_down(true);
    EXPECT_FALSE(top.carrier());
    upper.set_proto_down(false);
    EXPECT_TRUE(top.carrier());
    EXPECT_EQ(calls, 2);
    top.set_lower(nullptr);
    upper.set_lower(nullptr);
}

TEST_F(DevTest, BusyStackIsReportedNotCounted) {
    rec.deliver_result = DeliverResult::busy;
    EXPECT_EQ(receive(frame), RxResult::busy);
    EXPECT_EQ(lower.counters().rx_packets, 0u);
    for (auto d : lower.counters().drops) {
        EXPECT_EQ(d, 0u);
    }
}

TEST_F(DevTest, BusyStackUnderAnUpperWithNoPoolIsDroppedAsNoBuffer) {
    upper.set_lower(&lower);  // holding one frame would stall the upper
    rec.deliver_result = DeliverResult::busy;
    EXPECT_EQ(receive(frame), RxResult::dropped);
    EXPECT_EQ(lower.counters().dropped(DropReason::rx_no_buffer), 1u);
    upper.set_lower(nullptr);
}

TEST_F(DevTest, BusyUpperWithNoPoolIsDroppedAsNoBuffer) {
    upper.set_lower(&lower);
    lower.rx_handler_register(
        [](Packet*& p, void* u) {
            p->dev = static_cast<NetDevice*>(u);
            return RxHandlerResult::another;
        },
        &upper);
    rec.deliver_result = DeliverResult::busy;
    EXPECT_EQ(receive(frame), RxResult::dropped);
    EXPECT_EQ(upper.counters().dropped(DropReason::rx_no_buffer), 1u);
    lower.rx_handler_unregister();
    upper.set_lower(nullptr);
}

TEST_F(DevTest, StackDownIsCountedAsLinkDown) {
    rec.deliver_result = DeliverResult::down;
    EXPECT_EQ(receive(frame), RxResult::dropped);
    EXPECT_EQ(lower.counters().dropped(DropReason::rx_link_down), 1u);
}

TEST_F(DevTest, PktTypeFollowsDestination) {
    PacketType seen{};
    lower.rx_handler_register(
        [](Packet*& p, void* d) {
            *static_cast<PacketType*>(d) = p->pkt_type;
            return RxHandlerResult::consumed;
        },
        &seen);
    receive(eth_frame(MacAddr::broadcast(), kMacB, 0x0806, 28));
    EXPECT_EQ(seen, PacketType::broadcast);
    receive(eth_frame(test::kMcast, kMacB, 0x0800, 28));
    EXPECT_EQ(seen, PacketType::multicast);
    receive(eth_frame(kMacA, kMacB, 0x0800, 28));
    EXPECT_EQ(seen, PacketType::host);
    receive(eth_frame(test::kMacC, kMacB, 0x0800, 28));
    EXPECT_EQ(seen, PacketType::otherhost);
}

class XmitTest : public DevTest {
  protected:
    PacketPool pool{2048, 4};

    XmitResult send(std::size_t len) {
        auto p = pool.alloc();
        p->put(len);
        return dev_queue_xmit(lower, *p);
    }
};

TEST_F(XmitTest, SendsAndCounts) {
    EXPECT_EQ(send(60), XmitResult::sent);
    EXPECT_EQ(rec.sent.size(), 1u);
    EXPECT_EQ(lower.counters().tx_packets, 1u);
    EXPECT_EQ(lower.counters().tx_bytes, 60u);
}

TEST_F(XmitTest, MtuBoundsTheFrame) {
    EXPECT_EQ(send(1500 + 14 + 4), XmitResult::sent);
    EXPECT_EQ(send(1500 + 14 + 5), XmitResult::dropped);
    EXPECT_EQ(lower.counters().dropped(DropReason::tx_oversize), 1u);
}

TEST_F(XmitTest, RuntAndLinkDownAreCountedDrops) {
    EXPECT_EQ(send(13), XmitResult::dropped);
    EXPECT_EQ(lower.counters().dropped(DropReason::tx_runt), 1u);
    lower.set_up(false);
    EXPECT_EQ(send(60), XmitResult::dropped);
    EXPECT_EQ(lower.counters().dropped(DropReason::tx_link_down), 1u);
    EXPECT_TRUE(rec.sent.empty());
}

TEST_F(XmitTest, QueuedCountsAsSent) {
    rec.xmit_result = XmitResult::queued;
    EXPECT_EQ(send(60), XmitResult::queued);
    EXPECT_EQ(lower.counters().tx_packets, 1u);
}

}  // namespace
}  // namespace vnet
