// SPDX-License-Identifier: GPL-2.0-or-later
// ipvlan's probes for an address no child is known to own: the frame
// waits, the learning children and the lower's stack are asked (ARP probe,
// DAD-form NS), the answer teaches the owner and the frame goes there;
// nobody, the lower, or the uplink answering lets it go on as before. With
// the manual clock: retransmission, giving up, the "no child's" period,
// and the bounds on what waits. Then the same question keeping learned
// addresses true: an address moves to the sibling that claims it once its
// owner no longer answers, stays while it does, ages out unused, and goes
// when the child's driver resets.
#include "vnet/ipvlan_probe.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "vnet/dev.h"
#include "vnet/inet.h"
#include "vnet/ipvlan.h"
#include "vnet/neigh_reply.h"
#include "vnet/phys_dev.h"
#include "vnet/wire/arp.h"
#include "vnet/wire/ethernet.h"
#include "vnet/wire/icmpv6.h"
#include "vnet/wire/ipv4.h"
#include "vnet/wire/ipv6.h"

namespace vnet {
namespace {

const MacAddr kLower{{0x52, 0x54, 0x00, 0x12, 0x34, 0x56}};
const MacAddr kHost{{0x52, 0x55, 0x0a, 0x00, 0x02, 0x63}};
const wire::Ipv4Addr kLowerIp{10, 0, 2, 15}, kIpA{10, 0, 2, 21}, kIpB{10, 0, 2, 22},
    kNobody{10, 0, 2, 50}, kHostIp{10, 0, 2, 99};
const wire::Ipv6Addr kIp6A{0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x21};
const wire::Ipv6Addr kIp6B{0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x22};
MacAddr kOutside() { return MacAddr{{0x52, 0x55, 0x0a, 0x00, 0x02, 0x02}}; }
const wire::Ipv6Addr kAllNodes{0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};

struct Rec final : XmitOps, ProtocolHandler {
    XmitResult xmit(NetDevice&, Packet& p) override {
        wire.emplace_back(p.data(), p.data() + p.len());
        return XmitResult::sent;
    }
    DeliverResult deliver(NetDevice& dev, const Packet& p) override {
        got[dev.name()].emplace_back(p.data(), p.data() + p.len());
        return DeliverResult::delivered;
    }
    std::vector<std::vector<std::uint8_t>> wire;
    std::map<std::string, std::vector<std::vector<std::uint8_t>>> got;
};

std::vector<std::uint8_t> ipv4(const MacAddr& dmac, const MacAddr& smac, wire::Ipv4Addr src,
                               wire::Ipv4Addr dst) {
    std::vector<std::uint8_t> f(wire::kEthHlen + wire::kIpv4MinHlen + 8);
    wire::EthernetRepr{dmac, smac, wire::kEthPIpv4, std::nullopt}.emit(f.data());
    wire::Ipv4Repr{.src = src, .dst = dst, .protocol = wire::kIpProtoUdp}.emit(
        f.data() + wire::kEthHlen, 8);
    return f;
}

std::vector<std::uint8_t> ipv6(const wire::Ipv6Addr& src, const wire::Ipv6Addr& dst) {
    std::vector<std::uint8_t> f(wire::kEthHlen + wire::kIpv6Hlen + 8);
    wire::EthernetRepr{kLower, kLower, wire::kEthPIpv6, std::nullopt}.emit(f.data());
    wire::Ipv6Repr{.src = src, .dst = dst, .next_header = wire::kIpProtoUdp}.emit(
        f.data() + wire::kEthHlen, 8);
    return f;
}

std::vector<std::uint8_t> arp(const MacAddr& dmac, const MacAddr& smac, std::uint16_t op,
                              wire::Ipv4Addr spa, const MacAddr& tha, wire::Ipv4Addr tpa) {
    std::vector<std::uint8_t> f(wire::kEthHlen + wire::kArpLen);
    wire::EthernetRepr{dmac, smac, wire::kEthPArp, std::nullopt}.emit(f.data());
    wire::ArpRepr{.op = op, .sha = smac, .spa = spa, .tha = tha, .tpa = tpa}.emit(f.data() +
                                                                                  wire::kEthHlen);
    return f;
}

// What Linux sends for a probe of its address (arp_process, sip == 0).
std::vector<std::uint8_t> probe_reply(wire::Ipv4Addr mine) {
    return arp(kLower, kLower, wire::kArpOpReply, mine, kLower, wire::Ipv4Addr{});
}

// What Linux sends for a DAD probe of its address: an NA to all nodes.
std::vector<std::uint8_t> dad_defence(const wire::Ipv6Addr& mine) {
    std::vector<std::uint8_t> f(kNaReplyLen);
    build_na(f.data(), kLower, mine, ipv6_multicast_mac(kAllNodes), kAllNodes,
             wire::kNdFlagOverride);
    return f;
}

std::optional<wire::ArpRepr> as_arp(const std::vector<std::uint8_t>& f) {
    auto eth = wire::EthernetView::parse(f);
    return eth && eth->ethertype() == wire::kEthPArp ? wire::ArpRepr::parse(eth->payload())
                                                     : std::nullopt;
}

std::optional<wire::Ipv4Addr> ip4_dst(const std::vector<std::uint8_t>& f) {
    auto eth = wire::EthernetView::parse(f);
    auto ip = eth && eth->ethertype() == wire::kEthPIpv4 ? wire::Ipv4View::parse(eth->payload())
                                                         : std::nullopt;
    if (!ip) {
        return std::nullopt;
    }
    wire::Ipv4Addr a;
    std::copy(ip->dst().begin(), ip->dst().end(), a.begin());
    return a;
}

class Probe : public ::testing::Test {
  protected:
    void make(IpvlanMode mode, std::uint16_t flags = 0, bool inet = false, bool proxy = true) {
        phys.set_clock(clock);
        if (inet) {
            phys.set_inet(clock, InetConfig{.ip4 = kLowerIp, .prefix4 = 24, .proxy = proxy});
        }
        for (const char* name : {"A", "B"}) {
            std::string why;
            auto c =
                IpvlanDev::newlink(lower, {.name = name, .mode = mode, .flags = flags}, &rec, &why);
            ASSERT_TRUE(c) << why;
            c->set_learning(true);
            kids.push_back(std::move(c));
        }
        // A has spoken (learned); B has not.
        ASSERT_TRUE(kids[0]->add_addr(IpAddr::v4(kIpA), true));
        ASSERT_TRUE(kids[0]->add_addr(IpAddr::v6of(kIp6A), true));
    }
    IpvlanPort& port() { return kids[0]->port(); }
    XmitResult send(int child, const std::vector<std::uint8_t>& f) {
        auto p = pool.alloc();
        std::copy(f.begin(), f.end(), p->put(f.size()));
        const XmitResult r = dev_queue_xmit(kids.at(child)->dev(), *p);
        wq.run_pending();
        return r;
    }
    // What function 0's guest sends (the glue's hook, then the wire).
    void lower_sends(const std::vector<std::uint8_t>& f) {
        auto p = pool.alloc();
        std::copy(f.begin(), f.end(), p->put(f.size()));
        if (!port().lower_sent(*p)) {
            dev_queue_xmit(lower, *p);
        }
    }
    void arrive(const std::vector<std::uint8_t>& f) {
        auto p = Packet::borrow(f.data(), f.size());
        p.dev = &lower;
        netif_receive_eth(p);
        wq.run_pending();
    }
    void tick(std::uint64_t ms) {
        clock.advance_ms(ms);
        phys.run_timers();
        wq.run_pending();
    }
    std::vector<std::vector<std::uint8_t>>& got(const char* dev) { return rec.got[dev]; }

    Rec rec;
    ManualClock clock;
    PhysDev phys{"lower", kLower, &rec, &rec, {.buffers = 256, .buffer_size = 2048}};
    NetDevice& lower = phys.dev();
    PacketPool& pool = phys.pool();
    WorkQueue& wq = phys.wq();
    std::vector<std::unique_ptr<IpvlanDev>> kids;
};

TEST_F(Probe, L3SiblingThatHasNotSpokenGetsTheFirstFrame) {
    make(IpvlanMode::l3, 0, true);
    // It waits, counted as neither sent nor dropped until it goes.
    EXPECT_EQ(send(0, ipv4(kLower, kLower, kIpA, kIpB)), XmitResult::held);
    EXPECT_EQ(kids[0]->dev().counters().tx_packets, 0u);
    // B was asked, with an RFC 5227 probe; so was the lower's stack.
    ASSERT_EQ(got("B").size(), 1u);
    auto q = as_arp(got("B")[0]);
    ASSERT_TRUE(q);
    EXPECT_EQ(q->op, wire::kArpOpRequest);
    EXPECT_EQ(q->spa, wire::Ipv4Addr{});
    EXPECT_EQ(q->tpa, kIpB);
    EXPECT_EQ(got("lower").size(), 1u);
    EXPECT_TRUE(got("A").empty());  // A learns only; the asker is never asked
    // The IP layer asked the uplink at the same time.
    ASSERT_EQ(rec.wire.size(), 1u);
    EXPECT_EQ(as_arp(rec.wire[0])->tpa, kIpB);
    // B answers as Linux does: the device takes the answer, learns B and
    // hands over what waited.
    EXPECT_EQ(send(1, probe_reply(kIpB)), XmitResult::sent);
    EXPECT_EQ(rec.wire.size(), 1u);
    EXPECT_EQ(port().addr_lookup(IpAddr::v4(kIpB)), kids[1].get());
    ASSERT_EQ(got("B").size(), 2u);
    EXPECT_EQ(ip4_dst(got("B")[1]), kIpB);
    EXPECT_EQ(kids[0]->dev().counters().tx_packets, 1u);
    EXPECT_EQ(port().prober().stats().found, 1u);
    EXPECT_TRUE(port().prober().idle());
    // The next frame goes straight there.
    send(0, ipv4(kLower, kLower, kIpA, kIpB));
    EXPECT_EQ(got("B").size(), 3u);
    EXPECT_EQ(port().prober().stats().probes, 1u);
    EXPECT_EQ(pool.in_use(), 0u);
}

TEST_F(Probe, L2NobodyAnswersTheFrameGoesToTheLowerAfterThreeProbes) {
    make(IpvlanMode::l2);
    send(0, ipv4(kLower, kLower, kIpA, kNobody));
    EXPECT_EQ(got("B").size(), 1u);
    tick(kIpvlanProbeIntervalMs);
    tick(kIpvlanProbeIntervalMs);
    EXPECT_EQ(got("B").size(), 3u);  // three probes
    EXPECT_EQ(got("lower").size(), 3u);
    tick(kIpvlanProbeIntervalMs);  // given up: it goes where it would have
    ASSERT_EQ(got("lower").size(), 4u);
    EXPECT_EQ(ip4_dst(got("lower")[3]), kNobody);
    EXPECT_EQ(port().prober().stats().not_child, 1u);
    // Known as no child's for a while: the next frame goes at once.
    send(0, ipv4(kLower, kLower, kIpA, kNobody));
    EXPECT_EQ(got("lower").size(), 5u);
    EXPECT_EQ(got("B").size(), 3u);
    // After that period it is asked about again.
    tick(kIpvlanNotChildMs);
    send(0, ipv4(kLower, kLower, kIpA, kNobody));
    EXPECT_EQ(got("B").size(), 4u);
    EXPECT_EQ(got("lower").size(), 6u);  // the probe, not the frame
}

TEST_F(Probe, TheLowersStackAnsweringLetsTheFrameGoAtOnce) {
    make(IpvlanMode::l2);
    send(0, ipv4(kLower, kLower, kIpA, kLowerIp));
    ASSERT_EQ(got("lower").size(), 1u);  // the probe
    // Function 0's guest answers: the answer is the device's, not the
    // wire's, and the frame goes to the lower's stack now.
    lower_sends(probe_reply(kLowerIp));
    EXPECT_TRUE(rec.wire.empty());
    ASSERT_EQ(got("lower").size(), 2u);
    EXPECT_EQ(ip4_dst(got("lower")[1]), kLowerIp);
    EXPECT_EQ(port().addr_lookup(IpAddr::v4(kLowerIp)), nullptr);
    EXPECT_EQ(port().prober().stats().not_child, 1u);
}

TEST_F(Probe, L2FromTheUplinkToAChildThatHasNotSpoken) {
    make(IpvlanMode::l2);
    arrive(ipv4(kLower, kHost, kHostIp, kIpB));
    EXPECT_TRUE(got("lower").size() == 1u && as_arp(got("lower")[0]));  // only the probe
    send(1, probe_reply(kIpB));
    ASSERT_EQ(got("B").size(), 2u);
    EXPECT_EQ(ip4_dst(got("B")[1]), kIpB);
    EXPECT_TRUE(rec.wire.empty());
}

TEST_F(Probe, L3FromTheUplinkAndTheProxyAnswersOnceTheChildIsFound) {
    make(IpvlanMode::l3, 0, true);
    // The host asks for B: nobody is known to have it, so the children
    // are asked, and the host is answered once B claims it.
    arrive(arp(MacAddr::broadcast(), kHost, wire::kArpOpRequest, kHostIp, MacAddr{}, kIpB));
    ASSERT_EQ(got("B").size(), 1u);
    EXPECT_TRUE(rec.wire.empty());
    send(1, probe_reply(kIpB));
    ASSERT_EQ(rec.wire.size(), 1u);
    auto r = as_arp(rec.wire[0]);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->op, wire::kArpOpReply);
    EXPECT_EQ(r->spa, kIpB);
    EXPECT_EQ(r->sha, kLower);
    EXPECT_EQ(r->tha, kHost);
    // An IP frame for a child not yet known waits for it too.
    arrive(ipv4(kLower, kHost, kHostIp, {10, 0, 2, 23}));
    EXPECT_EQ(got("B").size(), 2u);
    std::vector<std::uint8_t> claim = probe_reply({10, 0, 2, 23});
    send(1, claim);
    ASSERT_EQ(got("B").size(), 3u);
    EXPECT_EQ(ip4_dst(got("B")[2]), (wire::Ipv4Addr{10, 0, 2, 23}));
}

TEST_F(Probe, L3ProxyOffAsksNothingForTheUplinksArp) {
    make(IpvlanMode::l3, 0, true, false);
    arrive(arp(MacAddr::broadcast(), kHost, wire::kArpOpRequest, kHostIp, MacAddr{}, kIpB));
    EXPECT_TRUE(got("B").empty());
    // For a known child: not answered, dropped as a NOARP child would.
    arrive(arp(MacAddr::broadcast(), kHost, wire::kArpOpRequest, kHostIp, MacAddr{}, kIpA));
    EXPECT_TRUE(rec.wire.empty());
    EXPECT_TRUE(got("A").empty());
    EXPECT_EQ(lower.counters().dropped(DropReason::rx_l3_noarp), 1u);
}

TEST_F(Probe, L3TheLowersOwnRequestReflectedIsNotAnswered) {
    make(IpvlanMode::l3, 0, true);
    arrive(arp(MacAddr::broadcast(), kLower, wire::kArpOpRequest, kLowerIp, MacAddr{}, kIpA));
    EXPECT_TRUE(rec.wire.empty());
    EXPECT_TRUE(got("A").empty());
    EXPECT_EQ(lower.counters().dropped(DropReason::rx_l3_noarp), 1u);
    // A host's request for the same child is answered.
    arrive(arp(MacAddr::broadcast(), kHost, wire::kArpOpRequest, kHostIp, MacAddr{}, kIpA));
    EXPECT_EQ(rec.wire.size(), 1u);
}

TEST_F(Probe, L3TheUplinkAnsweringFirstSendsTheFrameOut) {
    make(IpvlanMode::l3, 0, true);
    send(0, ipv4(kLower, kLower, kIpA, kHostIp));
    ASSERT_EQ(rec.wire.size(), 1u);  // the IP layer's ARP request
    arrive(arp(kLower, kHost, wire::kArpOpReply, kHostIp, kLower, kLowerIp));
    ASSERT_EQ(rec.wire.size(), 2u);
    auto eth = wire::EthernetView::parse(rec.wire[1]);
    EXPECT_EQ(eth->dst(), kHost);
    EXPECT_EQ(ip4_dst(rec.wire[1]), kHostIp);
    // Now known as a host's: nothing more is asked.
    send(0, ipv4(kLower, kLower, kIpA, kHostIp));
    EXPECT_EQ(rec.wire.size(), 3u);
    EXPECT_EQ(port().prober().stats().probes, 1u);
}

TEST_F(Probe, Ipv6DadFormProbeAndTheOwnersDefence) {
    make(IpvlanMode::l2);
    send(0, ipv6(kIp6A, kIp6B));
    ASSERT_EQ(got("B").size(), 1u);
    auto eth = wire::EthernetView::parse(got("B")[0]);
    auto ip = wire::Ipv6View::parse(eth->payload());
    auto ns = wire::NdRepr::parse(*ip);
    ASSERT_TRUE(ns);
    EXPECT_EQ(ns->type, wire::kNdNeighborSolicit);
    EXPECT_EQ(ns->target, kIp6B);
    EXPECT_FALSE(ns->link_addr);
    EXPECT_TRUE(std::all_of(ip->src().begin(), ip->src().end(), [](auto b) { return b == 0; }));
    send(1, dad_defence(kIp6B));
    EXPECT_EQ(port().addr_lookup(IpAddr::v6of(kIp6B)), kids[1].get());
    ASSERT_EQ(got("B").size(), 2u);  // the frame; the NA went nowhere
    EXPECT_TRUE(rec.wire.empty());
    EXPECT_TRUE(got("A").empty());
}

TEST_F(Probe, PrivateFindsTheSiblingAndDropsAsLinuxWould) {
    make(IpvlanMode::l3, kIpvlanFlagPrivate, true);
    send(0, ipv4(kLower, kLower, kIpA, kIpB));
    send(1, probe_reply(kIpB));
    EXPECT_EQ(got("B").size(), 1u);  // the probe only
    EXPECT_EQ(kids[0]->dev().counters().dropped(DropReason::tx_private), 1u);
}

TEST_F(Probe, WhatWaitsIsBounded) {
    make(IpvlanMode::l2);
    for (int i = 0; i < 4; ++i) {
        send(0, ipv4(kLower, kLower, kIpA, kNobody));
    }
    EXPECT_EQ(kids[0]->dev().counters().dropped(DropReason::tx_probe_queue_full), 1u);
    // At most kIpvlanProbeEntries addresses are asked about at once;
    // beyond, a frame goes on unasked (here: to the lower at once).
    for (std::size_t i = 1; i < kIpvlanProbeEntries; ++i) {
        send(0, ipv4(kLower, kLower, kIpA,
                     {10, 1, static_cast<std::uint8_t>(i >> 8), static_cast<std::uint8_t>(i)}));
    }
    const std::size_t before = got("lower").size();
    send(0, ipv4(kLower, kLower, kIpA, {10, 2, 0, 1}));
    ASSERT_EQ(got("lower").size(), before + 1);
    EXPECT_EQ(ip4_dst(got("lower").back()), (wire::Ipv4Addr{10, 2, 0, 1}));
    EXPECT_EQ(port().prober().stats().probes, kIpvlanProbeEntries);
    // Giving up releases every waiting frame's buffer.
    for (unsigned i = 0; i < kIpvlanProbeTries; ++i) {
        tick(kIpvlanProbeIntervalMs);
    }
    EXPECT_EQ(pool.in_use(), 0u);
}

TEST_F(Probe, ASenderThatGoesAwayTakesItsWaitingFramesWithIt) {
    make(IpvlanMode::l2);
    send(0, ipv4(kLower, kLower, kIpA, kNobody));
    EXPECT_GT(pool.in_use(), 0u);
    kids[0].reset();
    EXPECT_EQ(pool.in_use(), 0u);
    for (unsigned i = 0; i < kIpvlanProbeTries; ++i) {
        tick(kIpvlanProbeIntervalMs);
    }
    EXPECT_EQ(got("lower").size(), 3u);  // probes only
}

TEST_F(Probe, NothingIsAskedWhenEveryChildsAddressesAreGiven) {
    make(IpvlanMode::l2);
    for (auto& k : kids) {
        k->set_learning(false);
    }
    send(0, ipv4(kLower, kLower, kIpA, kIpB));
    ASSERT_EQ(got("lower").size(), 1u);  // straight to the lower, as before
    EXPECT_EQ(ip4_dst(got("lower")[0]), kIpB);
    EXPECT_TRUE(port().prober().idle());
}

TEST_F(Probe, NoClockNoProbes) {
    std::string why;
    auto a = IpvlanDev::newlink(lower, {.name = "A", .mode = IpvlanMode::l2}, &rec, &why);
    a->set_learning(true);
    auto p = pool.alloc();
    const auto f = ipv4(kLower, kLower, kIpA, kIpB);
    std::copy(f.begin(), f.end(), p->put(f.size()));
    dev_queue_xmit(a->dev(), *p);
    ASSERT_EQ(got("lower").size(), 1u);
    EXPECT_EQ(ip4_dst(got("lower")[0]), kIpB);
}

TEST_F(Probe, AnAddressMovesOnceItsOwnerNoLongerAnswers) {
    make(IpvlanMode::l2);
    // B takes A's (learned) address: the frame waits while A is asked.
    EXPECT_EQ(send(1, ipv4(kOutside(), kLower, kIpA, kHostIp)), XmitResult::held);
    EXPECT_TRUE(rec.wire.empty());
    ASSERT_EQ(got("A").size(), 1u);  // only the owner is asked
    EXPECT_EQ(as_arp(got("A")[0])->tpa, kIpA);
    EXPECT_TRUE(got("B").empty());
    EXPECT_TRUE(got("lower").empty());
    // Meanwhile a frame for the address waits too, for whoever has it.
    arrive(ipv4(kLower, kHost, kHostIp, kIpA));
    EXPECT_EQ(got("A").size(), 1u);
    for (unsigned i = 0; i < kIpvlanProbeTries; ++i) {
        tick(kIpvlanProbeIntervalMs);
    }
    // A stayed silent: the address is B's, B's frame went, and the one
    // for it reached B.
    EXPECT_EQ(port().addr_lookup(IpAddr::v4(kIpA)), kids[1].get());
    ASSERT_EQ(rec.wire.size(), 1u);
    EXPECT_EQ(ip4_dst(rec.wire[0]), kHostIp);
    ASSERT_EQ(got("B").size(), 1u);
    EXPECT_EQ(ip4_dst(got("B")[0]), kIpA);
    EXPECT_EQ(port().prober().stats().moved, 1u);
    EXPECT_EQ(kids[0]->addr_count(), 1u);  // its IPv6 one only
    // Frames for it now reach B, not A.
    arrive(ipv4(kLower, kHost, kHostIp, kIpA));
    EXPECT_EQ(got("B").size(), 2u);
    EXPECT_EQ(got("A").size(), kIpvlanProbeTries);
    EXPECT_EQ(pool.in_use(), 0u);
}

TEST_F(Probe, AnOwnerThatStillAnswersKeepsItsAddress) {
    make(IpvlanMode::l2);
    send(1, ipv4(kOutside(), kLower, kIpA, kHostIp));
    arrive(ipv4(kLower, kHost, kHostIp, kIpA));  // waits for the answer
    EXPECT_EQ(got("A").size(), 1u);
    send(0, probe_reply(kIpA));  // A still has it
    EXPECT_EQ(port().addr_lookup(IpAddr::v4(kIpA)), kids[0].get());
    ASSERT_EQ(got("A").size(), 2u);  // and gets what waited for it
    EXPECT_EQ(ip4_dst(got("A")[1]), kIpA);
    EXPECT_TRUE(rec.wire.empty());
    EXPECT_EQ(kids[1]->dev().counters().dropped(DropReason::tx_addr_busy), 1u);
    EXPECT_EQ(port().prober().stats().kept, 1u);
    // For a while B is refused without asking again.
    send(1, ipv4(kOutside(), kLower, kIpA, kHostIp));
    EXPECT_EQ(kids[1]->dev().counters().dropped(DropReason::tx_addr_busy), 2u);
    EXPECT_EQ(got("A").size(), 2u);
    // Then A is asked again.
    tick(kIpvlanNotChildMs);
    send(1, ipv4(kOutside(), kLower, kIpA, kHostIp));
    EXPECT_EQ(got("A").size(), 3u);
}

// Every frame taken from a child's ring is counted once, as sent or under
// one tx- reason, whatever the question's end (the identity the guest
// tests check): a held frame is neither until it goes on or is dropped.
TEST_F(Probe, AHeldFrameIsCountedOnceWhateverBecomesOfIt) {
    make(IpvlanMode::l2);
    const DeviceCounters& b = kids[1]->dev().counters();
    auto tx_drops = [](const DeviceCounters& c) {
        std::uint64_t n = 0;
        for (std::size_t r = 0; r < kDropReasons; ++r) {
            if (std::string_view(drop_reason_name(static_cast<DropReason>(r))).starts_with("tx-")) {
                n += c.drops[r];
            }
        }
        return n;
    };
    // The owner answers: B's claims are dropped, once each, never sent.
    // One more than waits is dropped at once.
    for (unsigned i = 0; i <= kIpvlanProbeQueueLen; ++i) {
        send(1, ipv4(kOutside(), kLower, kIpA, kHostIp));
    }
    EXPECT_EQ(b.tx_packets, 0u);
    EXPECT_EQ(b.dropped(DropReason::tx_probe_queue_full), 1u);
    send(0, probe_reply(kIpA));
    EXPECT_EQ(b.tx_packets, 0u);
    EXPECT_EQ(b.dropped(DropReason::tx_addr_busy), kIpvlanProbeQueueLen);
    EXPECT_EQ(tx_drops(b), kIpvlanProbeQueueLen + 1);
    // Refused at once now, still once each.
    send(1, ipv4(kOutside(), kLower, kIpA, kHostIp));
    EXPECT_EQ(tx_drops(b), kIpvlanProbeQueueLen + 2);
    // Later the owner is silent: B's frames go, counted as sent then.
    tick(kIpvlanNotChildMs);
    send(1, ipv4(kOutside(), kLower, kIpA, kHostIp));
    send(1, ipv4(kOutside(), kLower, kIpA, kHostIp));
    EXPECT_EQ(b.tx_packets, 0u);
    for (unsigned i = 0; i < kIpvlanProbeTries; ++i) {
        tick(kIpvlanProbeIntervalMs);
    }
    EXPECT_EQ(port().addr_lookup(IpAddr::v4(kIpA)), kids[1].get());
    EXPECT_EQ(b.tx_packets, 2u);
    EXPECT_EQ(rec.wire.size(), 2u);
    EXPECT_EQ(tx_drops(b), kIpvlanProbeQueueLen + 2);
    EXPECT_EQ(b.tx_bytes, 2 * ipv4(kOutside(), kLower, kIpA, kHostIp).size());
    EXPECT_EQ(pool.in_use(), 0u);
}

// The owner going away while it is asked ends the question as its silence
// would: the claimant's frame goes, counted once, and nothing is lost.
TEST_F(Probe, AnOwnerThatGoesAwayWhileAskedHandsTheAddressOver) {
    make(IpvlanMode::l2);
    send(1, ipv4(kOutside(), kLower, kIpA, kHostIp));
    EXPECT_TRUE(rec.wire.empty());
    kids[0].reset();
    wq.run_pending();
    EXPECT_EQ(kids[1]->port().addr_lookup(IpAddr::v4(kIpA)), kids[1].get());
    ASSERT_EQ(rec.wire.size(), 1u);
    EXPECT_EQ(ip4_dst(rec.wire[0]), kHostIp);
    EXPECT_EQ(kids[1]->dev().counters().tx_packets, 1u);
    EXPECT_TRUE(kids[1]->port().prober().idle());
    EXPECT_EQ(pool.in_use(), 0u);
}

// A claimant that goes away takes its frames; the owner is still asked,
// and what waited for the address reaches it.
TEST_F(Probe, AClaimantThatGoesAwayLeavesTheOwnerAsked) {
    make(IpvlanMode::l2);
    send(1, ipv4(kOutside(), kLower, kIpA, kHostIp));
    arrive(ipv4(kLower, kHost, kHostIp, kIpA));
    kids[1].reset();
    send(0, probe_reply(kIpA));
    EXPECT_EQ(port().addr_lookup(IpAddr::v4(kIpA)), kids[0].get());
    ASSERT_EQ(got("A").size(), 2u);  // the probe, then what waited
    EXPECT_EQ(ip4_dst(got("A")[1]), kIpA);
    EXPECT_TRUE(rec.wire.empty());
    EXPECT_EQ(pool.in_use(), 0u);
}

TEST_F(Probe, Ipv6MoveWithTheNewOwnersDad) {
    make(IpvlanMode::l2);
    // B's DAD probe for A's address: A is asked the same way, and silent.
    std::vector<std::uint8_t> dad(kNsDadLen);
    build_ns(dad.data(), kLower, wire::Ipv6Addr{}, kIp6A);
    send(1, dad);
    ASSERT_EQ(got("A").size(), 1u);
    for (unsigned i = 0; i < kIpvlanProbeTries; ++i) {
        tick(kIpvlanProbeIntervalMs);
    }
    EXPECT_EQ(port().addr_lookup(IpAddr::v6of(kIp6A)), kids[1].get());
    // B's DAD probe went on, as a group frame (to the uplink, and to A
    // from the multicast worker): nobody defends it, B keeps it.
    EXPECT_EQ(rec.wire.size(), 1u);
}

TEST_F(Probe, AGivenAddressNeitherMovesNorAges) {
    make(IpvlanMode::l2);
    ASSERT_TRUE(kids[0]->add_addr(IpAddr::v4(kNobody)));  // as addrs= gives it
    send(1, ipv4(kOutside(), kLower, kNobody, kHostIp));
    EXPECT_EQ(kids[1]->dev().counters().dropped(DropReason::tx_addr_busy), 1u);
    EXPECT_TRUE(got("A").empty());
    tick(kIpvlanAddrAgeMs + kIpvlanAddrSweepMs);
    // Only the learned ones are asked about (ARP for kIpA, NS for kIp6A).
    ASSERT_EQ(got("A").size(), 2u);
    for (const auto& f : got("A")) {
        auto q = as_arp(f);
        EXPECT_TRUE(!q || q->tpa == kIpA);
    }
    for (unsigned i = 0; i < kIpvlanProbeTries; ++i) {
        tick(kIpvlanProbeIntervalMs);
    }
    EXPECT_EQ(port().addr_lookup(IpAddr::v4(kNobody)), kids[0].get());
    EXPECT_EQ(port().addr_lookup(IpAddr::v4(kIpA)), nullptr);
}

TEST_F(Probe, UnusedLearnedAddressesAgeOutUsedOnesStay) {
    make(IpvlanMode::l2);
    // A keeps using kIpA; its IPv6 address it never uses again.
    for (std::uint64_t t = 0; t <= kIpvlanAddrAgeMs; t += 10 * kIpvlanAddrSweepMs) {
        send(0, ipv4(kOutside(), kLower, kIpA, kHostIp));
        tick(10 * kIpvlanAddrSweepMs);
    }
    tick(kIpvlanAddrSweepMs);
    // Now the unused one is asked about (A silent: it goes), not the other.
    for (unsigned i = 0; i < kIpvlanProbeTries; ++i) {
        tick(kIpvlanProbeIntervalMs);
    }
    EXPECT_EQ(port().addr_lookup(IpAddr::v6of(kIp6A)), nullptr);
    EXPECT_EQ(port().addr_lookup(IpAddr::v4(kIpA)), kids[0].get());
    EXPECT_EQ(port().prober().stats().expired, 1u);
    // An unused address whose child still answers stays, seen anew.
    std::size_t before = got("A").size();
    tick(kIpvlanAddrAgeMs + kIpvlanAddrSweepMs);
    ASSERT_GT(got("A").size(), before);
    send(0, probe_reply(kIpA));
    EXPECT_EQ(port().addr_lookup(IpAddr::v4(kIpA)), kids[0].get());
    EXPECT_EQ(port().prober().stats().kept, 1u);
}

TEST_F(Probe, ADriverResetForgetsWhatWasLearned) {
    make(IpvlanMode::l2);
    ASSERT_TRUE(kids[0]->add_addr(IpAddr::v4(kNobody)));  // given
    kids[0]->forget_learned();
    EXPECT_EQ(port().addr_lookup(IpAddr::v4(kIpA)), nullptr);
    EXPECT_EQ(port().addr_lookup(IpAddr::v6of(kIp6A)), nullptr);
    EXPECT_EQ(port().addr_lookup(IpAddr::v4(kNobody)), kids[0].get());
    EXPECT_EQ(kids[0]->addr_count(), 1u);
}

}  // namespace
}  // namespace vnet
