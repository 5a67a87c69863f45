// SPDX-License-Identifier: GPL-2.0-or-later
// The embedded IP layer under an ipvlan L3 port: the child's ARP and ND
// answered with the shared MAC, routing by prefix and gateway, neighbour
// resolution on the uplink (ARP / NS out, reply snooped, queue flushed),
// and what L3 drops as Linux does.
#include "vnet/inet.h"

#include <gtest/gtest.h>

#include <vector>

#include "vnet/dev.h"
#include "vnet/phys_dev.h"
#include "vnet/wire/arp.h"
#include "vnet/wire/ethernet.h"
#include "vnet/wire/icmpv6.h"
#include "vnet/wire/ipv4.h"
#include "vnet/wire/ipv6.h"

namespace vnet {
namespace {

const MacAddr kLower{{0x52, 0x54, 0x00, 0x12, 0x34, 0x56}};
const MacAddr kGwMac{{0x52, 0x55, 0x0a, 0x00, 0x02, 0x02}};
const wire::Ipv4Addr kLowerIp{10, 0, 2, 15}, kGw{10, 0, 2, 2}, kChildIp{10, 0, 2, 16},
    kInternet{8, 8, 8, 8}, kOnLink{10, 0, 2, 3};

struct Rec final : XmitOps, ProtocolHandler {
    XmitResult xmit(NetDevice&, Packet& p) override {
        wire.emplace_back(p.data(), p.data() + p.len());
        return XmitResult::sent;
    }
    DeliverResult deliver(NetDevice&, const Packet& p) override {
        child.emplace_back(p.data(), p.data() + p.len());
        return DeliverResult::delivered;
    }
    std::vector<std::vector<std::uint8_t>> wire, child;
};

// From the shared MAC (a child's frame) unless `src` says otherwise.
std::vector<std::uint8_t> frame(const MacAddr& dst, std::uint16_t type,
                                const std::vector<std::uint8_t>& l3, const MacAddr& src = kLower) {
    std::vector<std::uint8_t> f(wire::kEthHlen);
    wire::EthernetRepr{dst, src, type, std::nullopt}.emit(f.data());
    f.insert(f.end(), l3.begin(), l3.end());
    return f;
}

std::vector<std::uint8_t> ipv4(wire::Ipv4Addr src, wire::Ipv4Addr dst) {
    std::vector<std::uint8_t> p(wire::kIpv4MinHlen + 8);
    wire::Ipv4Repr{.src = src, .dst = dst, .protocol = wire::kIpProtoUdp}.emit(p.data(), 8);
    return p;
}

std::vector<std::uint8_t> arp(std::uint16_t op, const MacAddr& sha, wire::Ipv4Addr spa,
                              wire::Ipv4Addr tpa) {
    std::vector<std::uint8_t> p(wire::kArpLen);
    wire::ArpRepr{.op = op, .sha = sha, .spa = spa, .tha = {}, .tpa = tpa}.emit(p.data());
    return p;
}

class InetTest : public ::testing::Test {
  protected:
    InetTest() {
        std::string why;
        child = IpvlanDev::newlink(lower, {.name = "c", .mode = IpvlanMode::l3}, &rec, &why);
        child->add_addr(IpAddr::v4(kChildIp));
        child->dev().filter().set_promisc(false);
        phys.set_l3_outbound(&inet);
    }
    XmitResult send(const std::vector<std::uint8_t>& f) {
        auto p = pool.alloc();
        std::copy(f.begin(), f.end(), p->put(f.size()));
        return dev_queue_xmit(child->dev(), *p);
    }
    void arrive(const std::vector<std::uint8_t>& f) {
        auto p = Packet::borrow(f.data(), f.size());
        p.dev = &lower;
        netif_receive_eth(p);
    }

    Rec rec;
    ManualClock clock;
    PhysDev phys{"lower", kLower, &rec, &rec, {.buffers = 64, .buffer_size = 2048}};
    NetDevice& lower = phys.dev();
    PacketPool& pool = phys.pool();
    WorkQueue& wq = phys.wq();
    InetLayer inet{lower, pool, clock,
                   InetConfig{.ip4 = kLowerIp,
                              .prefix4 = 24,
                              .gw4 = kGw,
                              .ip6 = std::nullopt,
                              .prefix6 = 64,
                              .gw6 = std::nullopt}};
    std::unique_ptr<IpvlanDev> child;
};

TEST_F(InetTest, ChildsArpIsAnsweredWithTheSharedMac) {
    send(frame(MacAddr::broadcast(), wire::kEthPArp,
               arp(wire::kArpOpRequest, kLower, kChildIp, kGw)));
    EXPECT_TRUE(rec.wire.empty());
    ASSERT_EQ(rec.child.size(), 1u);
    auto eth = wire::EthernetView::parse(rec.child[0]);
    auto reply = wire::ArpRepr::parse(eth->payload());
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->op, wire::kArpOpReply);
    EXPECT_EQ(reply->sha, kLower);
    EXPECT_EQ(reply->spa, kGw);
    EXPECT_EQ(reply->tpa, kChildIp);
}

TEST_F(InetTest, GratuitousArpIsNotAnswered) {
    send(frame(MacAddr::broadcast(), wire::kEthPArp,
               arp(wire::kArpOpRequest, kLower, kChildIp, kChildIp)));
    EXPECT_TRUE(rec.child.empty());
    EXPECT_TRUE(rec.wire.empty());
}

TEST_F(InetTest, OffLinkGoesToTheGatewayOnceResolved) {
    EXPECT_EQ(send(frame(kLower, wire::kEthPIpv4, ipv4(kChildIp, kInternet))), XmitResult::sent);
    ASSERT_EQ(rec.wire.size(), 1u);  // the ARP request for the gateway
    auto req = wire::ArpRepr::parse(wire::EthernetView::parse(rec.wire[0])->payload());
    ASSERT_TRUE(req);
    EXPECT_EQ(req->tpa, kGw);
    EXPECT_EQ(req->spa, kLowerIp);
    // The gateway answers on the uplink; the queued packet goes.
    arrive(std::vector<std::uint8_t>(
        frame(kLower, wire::kEthPArp, arp(wire::kArpOpReply, kGwMac, kGw, kLowerIp), kGwMac)));
    ASSERT_EQ(rec.wire.size(), 2u);
    auto out = wire::EthernetView::parse(rec.wire[1]);
    EXPECT_EQ(out->dst(), kGwMac);
    EXPECT_EQ(out->src(), kLower);
    EXPECT_EQ(wire::Ipv4View::parse(out->payload())->dst()[0], 8);
    // The next one goes straight away.
    EXPECT_EQ(send(frame(kLower, wire::kEthPIpv4, ipv4(kChildIp, kInternet))), XmitResult::sent);
    EXPECT_EQ(rec.wire.size(), 3u);
    EXPECT_EQ(pool.in_use(), 0u);
}

TEST_F(InetTest, OnLinkIsResolvedDirectly) {
    send(frame(kLower, wire::kEthPIpv4, ipv4(kChildIp, kOnLink)));
    auto req = wire::ArpRepr::parse(wire::EthernetView::parse(rec.wire.at(0))->payload());
    EXPECT_EQ(req->tpa, kOnLink);
    EXPECT_EQ(inet.next_hop(IpAddr::v4(kInternet)), IpAddr::v4(kGw));
}

TEST_F(InetTest, TheLowersOwnAddressIsLocal) {
    EXPECT_EQ(send(frame(kLower, wire::kEthPIpv4, ipv4(kChildIp, kLowerIp))), XmitResult::sent);
    EXPECT_TRUE(rec.wire.empty());
    EXPECT_EQ(lower.counters().rx_packets, 1u);  // up the lower's own stack
}

TEST_F(InetTest, SiblingsAreReachedWithoutTheUplink) {
    std::string why;
    auto sib = IpvlanDev::newlink(lower, {.name = "s", .mode = IpvlanMode::l3}, &rec, &why);
    sib->add_addr(IpAddr::v4(kOnLink));
    send(frame(kLower, wire::kEthPIpv4, ipv4(kChildIp, kOnLink)));
    EXPECT_TRUE(rec.wire.empty());
    EXPECT_EQ(rec.child.size(), 1u);
}

TEST_F(InetTest, GroupFramesAndNonIpAreDroppedAsLinuxDoes) {
    send(frame(MacAddr::broadcast(), wire::kEthPIpv4, ipv4(kChildIp, {10, 0, 2, 255})));
    send(frame(kLower, 0x88cc, std::vector<std::uint8_t>(46)));  // LLDP
    EXPECT_TRUE(rec.wire.empty());
    EXPECT_EQ(child->dev().counters().dropped(DropReason::tx_l3_not_ip), 2u);
}

TEST_F(InetTest, NoRouteIsCounted) {
    InetLayer bare{lower, pool, clock, InetConfig{.ip4 = kLowerIp}};  // no gateway
    phys.set_l3_outbound(&bare);
    EXPECT_EQ(send(frame(kLower, wire::kEthPIpv4, ipv4(kChildIp, kInternet))), XmitResult::dropped);
    EXPECT_EQ(child->dev().counters().dropped(DropReason::tx_no_route), 1u);
}

TEST_F(InetTest, ChildsArpReplyGoesOutForItsAddress) {
    send(frame(kGwMac, wire::kEthPArp, arp(wire::kArpOpReply, kLower, kChildIp, kGw)));
    EXPECT_EQ(rec.wire.size(), 1u);
}

// Like a proxy_arp host, the lower answers the uplink for its L3 children.
TEST_F(InetTest, UplinkArpForAChildIsAnsweredByTheLower) {
    arrive(frame(MacAddr::broadcast(), wire::kEthPArp,
                 arp(wire::kArpOpRequest, kGwMac, kGw, kChildIp), kGwMac));
    EXPECT_TRUE(rec.child.empty());
    ASSERT_EQ(rec.wire.size(), 1u);
    auto eth = wire::EthernetView::parse(rec.wire[0]);
    EXPECT_EQ(eth->dst(), kGwMac);
    auto reply = wire::ArpRepr::parse(eth->payload());
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->op, wire::kArpOpReply);
    EXPECT_EQ(reply->sha, kLower);
    EXPECT_EQ(reply->spa, kChildIp);
    EXPECT_EQ(reply->tpa, kGw);
    // Not for a child: up the lower's own path, unanswered here.
    arrive(frame(MacAddr::broadcast(), wire::kEthPArp,
                 arp(wire::kArpOpRequest, kGwMac, kGw, kOnLink), kGwMac));
    EXPECT_EQ(rec.wire.size(), 1u);
}

TEST_F(InetTest, UnansweredResolutionDropsTheQueueCounted) {
    send(frame(kLower, wire::kEthPIpv4, ipv4(kChildIp, kInternet)));
    for (int i = 0; i < 3; ++i) {
        clock.advance_ms(kNeighRetransMs);
        inet.run_timers();
    }
    EXPECT_EQ(lower.counters().dropped(DropReason::tx_neigh_failed), 1u);
    EXPECT_EQ(rec.wire.size(), 3u);  // three ARP requests, then gave up
    EXPECT_EQ(pool.in_use(), 0u);
}

TEST_F(InetTest, Ipv6NeighbourSolicitationIsAnsweredAndRoutingUsesNd) {
    const wire::Ipv6Addr gw6{0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    const wire::Ipv6Addr me6{0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x16};
    const wire::Ipv6Addr far6{0x20, 0x01, 0x0d, 0xb9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    InetLayer v6{lower, pool, clock,
                 InetConfig{.ip6 = wire::Ipv6Addr{0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                                                  0, 0, 0x15},
                            .prefix6 = 64,
                            .gw6 = gw6}};
    phys.set_l3_outbound(&v6);
    child->add_addr(IpAddr::v6of(me6));
    // The child asks for its router: answered with the shared MAC.
    wire::NdRepr ns{
        .type = wire::kNdNeighborSolicit, .flags = 0, .target = gw6, .link_addr = kLower};
    wire::Ipv6Repr ip{.src = me6,
                      .dst = {0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0xff, 0, 0, 1},
                      .next_header = wire::kIpProtoIcmpv6,
                      .hop_limit = 255};
    std::vector<std::uint8_t> l3(wire::kIpv6Hlen + ns.len());
    ip.emit(l3.data(), ns.len());
    ns.emit(l3.data() + wire::kIpv6Hlen, ip.src, ip.dst);
    send(frame({{0x33, 0x33, 0xff, 0, 0, 1}}, wire::kEthPIpv6, l3));
    ASSERT_EQ(rec.child.size(), 1u);
    auto na = wire::NdRepr::parse(
        *wire::Ipv6View::parse(wire::EthernetView::parse(rec.child[0])->payload()));
    ASSERT_TRUE(na);
    EXPECT_EQ(na->type, wire::kNdNeighborAdvert);
    EXPECT_EQ(*na->link_addr, kLower);
    // Off-link IPv6 goes via gw6, resolved with a neighbour solicitation.
    std::vector<std::uint8_t> pkt(wire::kIpv6Hlen + 8);
    wire::Ipv6Repr{.src = me6, .dst = far6, .next_header = wire::kIpProtoUdp}.emit(pkt.data(), 8);
    EXPECT_EQ(send(frame(kLower, wire::kEthPIpv6, pkt)), XmitResult::sent);
    ASSERT_EQ(rec.wire.size(), 1u);
    auto sol = wire::NdRepr::parse(
        *wire::Ipv6View::parse(wire::EthernetView::parse(rec.wire[0])->payload()));
    ASSERT_TRUE(sol);
    EXPECT_EQ(sol->target, gw6);
    // The router asks for the child on the uplink: the lower answers.
    wire::NdRepr ask{
        .type = wire::kNdNeighborSolicit, .flags = 0, .target = me6, .link_addr = kGwMac};
    wire::Ipv6Repr aip{.src = gw6,
                       .dst = {0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0xff, 0, 0, 0x16},
                       .next_header = wire::kIpProtoIcmpv6,
                       .hop_limit = 255};
    std::vector<std::uint8_t> q(wire::kEthHlen + wire::kIpv6Hlen + ask.len());
    wire::EthernetRepr{{{0x33, 0x33, 0xff, 0, 0, 0x16}}, kGwMac, wire::kEthPIpv6, std::nullopt}
        .emit(q.data());
    aip.emit(q.data() + wire::kEthHlen, ask.len());
    ask.emit(q.data() + wire::kEthHlen + wire::kIpv6Hlen, aip.src, aip.dst);
    const std::size_t children_before = rec.child.size();
    arrive(q);
    ASSERT_EQ(rec.wire.size(), 2u);
    auto answer = wire::NdRepr::parse(
        *wire::Ipv6View::parse(wire::EthernetView::parse(rec.wire[1])->payload()));
    ASSERT_TRUE(answer);
    EXPECT_EQ(answer->type, wire::kNdNeighborAdvert);
    EXPECT_EQ(answer->target, me6);
    EXPECT_EQ(*answer->link_addr, kLower);
    EXPECT_EQ(rec.child.size(), children_before);
}

}  // namespace
}  // namespace vnet
