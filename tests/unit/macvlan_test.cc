// SPDX-License-Identifier: GPL-2.0-or-later
// macvlan delivery matrices, one per mode, as drivers/net/macvlan.c (Linux
// 6.1) decides them: who receives a frame sent by a child, by the lower's
// own stack, or arriving from outside. "wire" is the uplink; with a
// reflective relay (a VEPA switch with hairpin on), frames put on the wire
// come back into the lower's receive path.
#include "vnet/macvlan.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "frames.h"
#include "vnet/dev.h"
#include "vnet/phys_dev.h"

namespace vnet {
namespace {

const MacAddr kLower{{0x52, 0x54, 0x00, 0x00, 0x00, 0x01}};
const MacAddr kA{{0x52, 0x54, 0x00, 0x00, 0x00, 0x0a}};
const MacAddr kB{{0x52, 0x54, 0x00, 0x00, 0x00, 0x0b}};
const MacAddr kOutside{{0x52, 0x55, 0x00, 0x00, 0x00, 0x99}};
const MacAddr kUnknown{{0x52, 0x55, 0x00, 0x00, 0x00, 0x77}};
const MacAddr kGroup{{0x01, 0x00, 0x5e, 0x01, 0x02, 0x03}};
const MacAddr kOtherGroup{{0x01, 0x00, 0x5e, 0x01, 0x02, 0x04}};

// Records who got what: each device's stack, and the wire.
class Net final : public XmitOps, public ProtocolHandler {
  public:
    explicit Net(bool relay) : relay_(relay) {}

    XmitResult xmit(NetDevice&, Packet& pkt) override {
        seen_.insert("wire");
        if (relay_ && !reflecting_) {
            // The relay sends it back down the same port.
            reflecting_ = true;
            auto back = Packet::borrow(pkt.data(), pkt.len());
            back.dev = lower;
            netif_receive_eth(back);
            reflecting_ = false;
        }
        return XmitResult::sent;
    }
    DeliverResult deliver(NetDevice& dev, const Packet&) override {
        seen_.insert(dev.name());
        return DeliverResult::delivered;
    }
    std::string take() {
        std::string s;
        for (const auto& n : seen_) {
            s += (s.empty() ? "" : ",") + n;
        }
        seen_.clear();
        return s.empty() ? "-" : s;
    }

    NetDevice* lower = nullptr;

  private:
    bool relay_;
    bool reflecting_ = false;
    std::multiset<std::string> seen_;
};

class Topology {
  public:
    Topology(MacvlanMode mode, bool relay, int children = 2) : net(relay) {
        lower.filter().set_promisc(false);
        net.lower = &lower;
        const MacAddr macs[] = {kA, kB};
        for (int i = 0; i < children; ++i) {
            MacvlanConfig cfg{.name = i ? "B" : "A", .mac = macs[i], .mode = mode};
            std::string why;
            auto c = MacvlanDev::newlink(lower, cfg, &net, &why);
            EXPECT_TRUE(c) << why;
            c->dev().filter().set_promisc(false);
            const MacAddr groups[] = {kGroup};
            c->dev().filter().set_tables({}, groups);
            kids.push_back(std::move(c));
        }
    }

    // A child (or the lower itself, "lower") sends; then the worker runs.
    std::string send(const std::string& from, const MacAddr& dst) {
        NetDevice& dev = from == "lower" ? lower : child(from);
        auto f = test::eth_frame(dst, dev.mac(), 0x0800, 46);
        auto p = pool.alloc();
        std::copy(f.begin(), f.end(), p->put(f.size()));
        dev_queue_xmit(dev, *p);
        wq.run_pending();
        return net.take();
    }

    // A frame arrives from outside on the lower.
    std::string arrive(const MacAddr& dst, const MacAddr& src = kOutside) {
        auto f = test::eth_frame(dst, src, 0x0800, 46);
        auto p = Packet::borrow(f.data(), f.size());
        p.dev = &lower;
        netif_receive_eth(p);
        wq.run_pending();
        return net.take();
    }

    NetDevice& child(const std::string& name) {
        for (auto& k : kids) {
            if (k->dev().name() == name) {
                return k->dev();
            }
        }
        throw std::out_of_range(name);
    }
    MacvlanDev& vlan(int i) { return *kids.at(i); }

    Net net;
    PhysDev phys{"lower", kLower, &net, &net, {.buffers = 2048, .buffer_size = 2048}};
    NetDevice& lower = phys.dev();
    PacketPool& pool = phys.pool();
    WorkQueue& wq = phys.wq();
    std::vector<std::unique_ptr<MacvlanDev>> kids;
};

// The traffic of every matrix: name, then how to run it.
using Matrix = std::map<std::string, std::string>;

Matrix run_matrix(Topology& t, bool two_children) {
    Matrix m;
    if (two_children) {
        m["A->B unicast"] = t.send("A", kB);
    }
    m["A->lower unicast"] = t.send("A", kLower);
    m["A->outside unicast"] = t.send("A", kOutside);
    m["A broadcast"] = t.send("A", MacAddr::broadcast());
    m["A multicast (subscribed group)"] = t.send("A", kGroup);
    m["A multicast (other group)"] = t.send("A", kOtherGroup);
    m["outside->A unicast"] = t.arrive(kA);
    m["outside->lower unicast"] = t.arrive(kLower);
    m["outside unknown unicast"] = t.arrive(kUnknown);
    m["outside broadcast"] = t.arrive(MacAddr::broadcast());
    m["outside multicast (subscribed group)"] = t.arrive(kGroup);
    m["lower->A unicast"] = t.send("lower", kA);
    return m;
}

void expect_matrix(const Matrix& got, const Matrix& want) {
    for (const auto& [traffic, who] : want) {
        auto it = got.find(traffic);
        ASSERT_NE(it, got.end()) << traffic;
        EXPECT_EQ(it->second, who) << traffic;
    }
    EXPECT_EQ(got.size(), want.size());
}

TEST(MacvlanBridge, DeliveryMatrix) {
    Topology t(MacvlanMode::bridge, false);
    expect_matrix(run_matrix(t, true), {
                                           {"A->B unicast", "B"},
                                           {"A->lower unicast", "wire"},
                                           {"A->outside unicast", "wire"},
                                           {"A broadcast", "B,wire"},
                                           {"A multicast (subscribed group)", "B,wire"},
                                           {"A multicast (other group)", "wire"},
                                           {"outside->A unicast", "A"},
                                           {"outside->lower unicast", "lower"},
                                           {"outside unknown unicast", "-"},
                                           {"outside broadcast", "A,B,lower"},
                                           {"outside multicast (subscribed group)", "A,B"},
                                           {"lower->A unicast", "wire"},
                                       });
}

TEST(MacvlanVepa, DeliveryMatrixWithoutRelay) {
    Topology t(MacvlanMode::vepa, false);
    expect_matrix(run_matrix(t, true), {
                                           {"A->B unicast", "wire"},
                                           {"A->lower unicast", "wire"},
                                           {"A->outside unicast", "wire"},
                                           {"A broadcast", "wire"},
                                           {"A multicast (subscribed group)", "wire"},
                                           {"A multicast (other group)", "wire"},
                                           {"outside->A unicast", "A"},
                                           {"outside->lower unicast", "lower"},
                                           {"outside unknown unicast", "-"},
                                           {"outside broadcast", "A,B,lower"},
                                           {"outside multicast (subscribed group)", "A,B"},
                                           {"lower->A unicast", "wire"},
                                       });
}

// With the relay, what VEPA children send comes back: siblings and the
// lower's own stack see it, the sender does not.
TEST(MacvlanVepa, DeliveryMatrixWithHairpinRelay) {
    Topology t(MacvlanMode::vepa, true);
    expect_matrix(run_matrix(t, true), {
                                           {"A->B unicast", "B,wire"},
                                           {"A->lower unicast", "lower,wire"},
                                           {"A->outside unicast", "wire"},
                                           {"A broadcast", "B,lower,wire"},
                                           {"A multicast (subscribed group)", "B,wire"},
                                           {"A multicast (other group)", "wire"},
                                           {"outside->A unicast", "A"},
                                           {"outside->lower unicast", "lower"},
                                           {"outside unknown unicast", "-"},
                                           {"outside broadcast", "A,B,lower"},
                                           {"outside multicast (subscribed group)", "A,B"},
                                           {"lower->A unicast", "A,wire"},
                                       });
}

// Private children never see each other's group frames, even reflected: a
// private child's own broadcast comes back to it alone. (Reflected unicast
// is not filtered by Linux 6.1's macvlan_handle_frame either.)
TEST(MacvlanPrivate, DeliveryMatrixWithHairpinRelay) {
    Topology t(MacvlanMode::private_, true);
    expect_matrix(run_matrix(t, true), {
                                           {"A->B unicast", "B,wire"},
                                           {"A->lower unicast", "lower,wire"},
                                           {"A->outside unicast", "wire"},
                                           {"A broadcast", "A,wire"},
                                           {"A multicast (subscribed group)", "A,wire"},
                                           {"A multicast (other group)", "wire"},
                                           {"outside->A unicast", "A"},
                                           {"outside->lower unicast", "lower"},
                                           {"outside unknown unicast", "-"},
                                           {"outside broadcast", "A,B,lower"},
                                           {"outside multicast (subscribed group)", "A,B"},
                                           {"lower->A unicast", "A,wire"},
                                       });
}

TEST(MacvlanPrivate, DeliveryMatrixWithoutRelay) {
    Topology t(MacvlanMode::private_, false);
    auto m = run_matrix(t, true);
    EXPECT_EQ(m["A->B unicast"], "wire");
    EXPECT_EQ(m["A broadcast"], "wire");
    EXPECT_EQ(m["outside broadcast"], "A,B,lower");
}

// Passthru: the one child has the lower's MAC and takes all unicast.
TEST(MacvlanPassthru, DeliveryMatrix) {
    Topology t(MacvlanMode::passthru, false, 1);
    EXPECT_EQ(t.child("A").mac(), kLower);
    expect_matrix(run_matrix(t, false), {
                                            {"A->lower unicast", "wire"},
                                            {"A->outside unicast", "wire"},
                                            {"A broadcast", "wire"},
                                            {"A multicast (subscribed group)", "wire"},
                                            {"A multicast (other group)", "wire"},
                                            {"outside->A unicast", "A"},
                                            {"outside->lower unicast", "A"},
                                            {"outside unknown unicast", "A"},
                                            {"outside broadcast", "A,lower"},
                                            {"outside multicast (subscribed group)", "A"},
                                            {"lower->A unicast", "wire"},
                                        });
}

TEST(MacvlanPassthru, RefusesASecondChild) {
    Topology t(MacvlanMode::passthru, false, 1);
    std::string why;
    MacvlanConfig cfg{.name = "B", .mac = kB, .mode = MacvlanMode::bridge};
    EXPECT_FALSE(MacvlanDev::newlink(t.lower, cfg, &t.net, &why));
    EXPECT_NE(why.find("passthru"), std::string::npos);
}

TEST(MacvlanPassthru, CannotJoinExistingChildren) {
    Topology t(MacvlanMode::bridge, false, 1);
    std::string why;
    MacvlanConfig cfg{.name = "P", .mac = kB, .mode = MacvlanMode::passthru};
    EXPECT_FALSE(MacvlanDev::newlink(t.lower, cfg, &t.net, &why));
}

// Source mode: a child receives what comes from the MACs on its list,
// whatever the destination, and nothing addressed to its own MAC alone.
TEST(MacvlanSource, DeliveryFollowsTheSourceList) {
    Topology t(MacvlanMode::source, false, 1);
    MacvlanDev& s = t.vlan(0);
    t.child("A").filter().set_promisc(true);  // it takes frames for others
    EXPECT_EQ(t.arrive(kLower, kOutside), "lower");
    s.source_add(kOutside);
    EXPECT_EQ(s.source_count(), 1u);
    EXPECT_EQ(t.arrive(kLower, kOutside), "A,lower");
    EXPECT_EQ(t.arrive(kUnknown, kOutside), "A");
    EXPECT_EQ(t.arrive(MacAddr::broadcast(), kOutside), "A,lower");
    EXPECT_EQ(t.arrive(kA, kUnknown), "-");  // own MAC, source not listed
    s.source_add(kOutside);                  // adding twice keeps one entry
    EXPECT_EQ(s.source_count(), 1u);
    s.source_del(kOutside);
    EXPECT_EQ(t.arrive(kLower, kOutside), "lower");
    const MacAddr list[] = {kUnknown, kOutside};
    s.source_set(list);
    EXPECT_EQ(s.source_count(), 2u);
    EXPECT_EQ(t.arrive(kLower, kUnknown), "A,lower");
    s.source_flush();
    EXPECT_EQ(s.source_count(), 0u);
    EXPECT_EQ(t.arrive(kLower, kUnknown), "lower");
}

TEST(MacvlanSource, NodstConsumes) {
    Topology t(MacvlanMode::bridge, false, 1);
    std::string why;
    MacvlanConfig cfg{.name = "S", .mac = kB, .mode = MacvlanMode::source, .nodst = true};
    auto s = MacvlanDev::newlink(t.lower, cfg, &t.net, &why);
    ASSERT_TRUE(s);
    s->dev().filter().set_promisc(true);
    s->source_add(kOutside);
    // Listed source: S alone gets it, even though A owns the destination.
    EXPECT_EQ(t.arrive(kA, kOutside), "S");
}

TEST(Macvlan, RefusesABusyMac) {
    Topology t(MacvlanMode::bridge, false, 1);
    std::string why;
    MacvlanConfig same_as_lower{.name = "X", .mac = kLower, .mode = MacvlanMode::bridge};
    EXPECT_FALSE(MacvlanDev::newlink(t.lower, same_as_lower, &t.net, &why));
    MacvlanConfig same_as_a{.name = "X", .mac = kA, .mode = MacvlanMode::vepa};
    EXPECT_FALSE(MacvlanDev::newlink(t.lower, same_as_a, &t.net, &why));
    EXPECT_NE(why.find("EBUSY"), std::string::npos);
    EXPECT_FALSE(t.vlan(0).set_mac(kLower));
    EXPECT_TRUE(t.vlan(0).set_mac(kB));
    EXPECT_EQ(t.arrive(kB), "A");
}

TEST(Macvlan, MixedModesFollowTheSendersMode) {
    // A bridge child's broadcast reaches bridge siblings on the way out and
    // VEPA siblings only when the relay reflects it.
    Topology t(MacvlanMode::bridge, true, 1);
    std::string why;
    MacvlanConfig cfg{.name = "V", .mac = kB, .mode = MacvlanMode::vepa};
    auto v = MacvlanDev::newlink(t.lower, cfg, &t.net, &why);
    ASSERT_TRUE(v);
    v->dev().filter().set_promisc(false);
    t.kids.push_back(std::move(v));
    EXPECT_EQ(t.send("A", MacAddr::broadcast()), "V,lower,wire");
    EXPECT_EQ(t.send("V", MacAddr::broadcast()), "A,lower,wire");
}

TEST(Macvlan, MacvlanOnMacvlanUsesTheRealLower) {
    Topology t(MacvlanMode::bridge, false, 1);
    std::string why;
    MacvlanConfig cfg{.name = "B", .mac = kB, .mode = MacvlanMode::bridge};
    auto b = MacvlanDev::newlink(t.child("A"), cfg, &t.net, &why);
    ASSERT_TRUE(b) << why;
    EXPECT_EQ(b->dev().lower(), &t.lower);
    b->dev().filter().set_promisc(false);
    EXPECT_EQ(t.send("A", kB), "B");
}

TEST(Macvlan, ChildDownDropsItsUnicastCounted) {
    Topology t(MacvlanMode::bridge, false);
    t.child("A").set_up(false);
    EXPECT_EQ(t.arrive(kA), "-");
    EXPECT_EQ(t.child("A").counters().dropped(DropReason::rx_upper_down), 1u);
}

TEST(Macvlan, BroadcastBacklogIsBounded) {
    Topology t(MacvlanMode::bridge, false);
    auto f = test::eth_frame(MacAddr::broadcast(), kOutside, 0x0806, 28);
    for (std::size_t i = 0; i < kMacvlanBcQueueLen + 5; ++i) {
        auto p = Packet::borrow(f.data(), f.size());
        p.dev = &t.lower;
        netif_receive_eth(p);
    }
    EXPECT_EQ(MacvlanPort::of(t.lower)->bc_queued(), kMacvlanBcQueueLen);
    EXPECT_EQ(t.lower.counters().dropped(DropReason::rx_bc_backlog_full), 5u);
    EXPECT_EQ(t.wq.run_pending(), 1u);
    EXPECT_EQ(t.child("A").counters().rx_packets, kMacvlanBcQueueLen);
}

TEST(Macvlan, LastChildGivesTheRxHandlerBack) {
    Topology t(MacvlanMode::bridge, false);
    EXPECT_NE(MacvlanPort::of(t.lower), nullptr);
    t.kids.clear();
    EXPECT_EQ(MacvlanPort::of(t.lower), nullptr);
    EXPECT_EQ(t.lower.rx_handler(), nullptr);
}

TEST(Macvlan, CarrierFollowsTheLower) {
    Topology t(MacvlanMode::bridge, false);
    t.lower.set_carrier(false);
    EXPECT_FALSE(t.child("A").carrier());
    EXPECT_EQ(t.send("A", kB), "-");
    t.lower.set_carrier(true);
    EXPECT_TRUE(t.child("B").carrier());
}

}  // namespace
}  // namespace vnet
