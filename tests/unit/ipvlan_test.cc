// SPDX-License-Identifier: GPL-2.0-or-later
// ipvlan delivery as drivers/net/ipvlan (Linux 6.1) decides it, per mode
// and flag: children share the lower's MAC and are told apart by IP.
// "wire" is the uplink; "route" is the L3 outbound hook (the IP layer).
#include "vnet/ipvlan.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "vnet/dev.h"
#include "vnet/macvlan.h"
#include "vnet/phys_dev.h"
#include "vnet/wire/arp.h"
#include "vnet/wire/ethernet.h"
#include "vnet/wire/icmpv6.h"
#include "vnet/wire/ipv4.h"
#include "vnet/wire/ipv6.h"

namespace vnet {
namespace {

const MacAddr kLower{{0x52, 0x54, 0x00, 0x00, 0x00, 0x01}};
const MacAddr kOutside{{0x52, 0x55, 0x00, 0x00, 0x00, 0x99}};
const wire::Ipv4Addr kIpA{10, 0, 0, 1}, kIpB{10, 0, 0, 2}, kIpLower{10, 0, 0, 100},
    kIpOut{10, 0, 0, 200};

std::vector<std::uint8_t> ipv4(const MacAddr& dmac, const MacAddr& smac, wire::Ipv4Addr src,
                               wire::Ipv4Addr dst) {
    std::vector<std::uint8_t> f(wire::kEthHlen + wire::kIpv4MinHlen + 8);
    wire::EthernetRepr{dmac, smac, wire::kEthPIpv4, std::nullopt}.emit(f.data());
    wire::Ipv4Repr ip{.src = src, .dst = dst, .protocol = wire::kIpProtoUdp};
    ip.emit(f.data() + wire::kEthHlen, 8);
    return f;
}

std::vector<std::uint8_t> arp(const MacAddr& dmac, const MacAddr& smac, std::uint16_t op,
                              wire::Ipv4Addr spa, wire::Ipv4Addr tpa) {
    std::vector<std::uint8_t> f(wire::kEthHlen + wire::kArpLen);
    wire::EthernetRepr{dmac, smac, wire::kEthPArp, std::nullopt}.emit(f.data());
    wire::ArpRepr{.op = op, .sha = smac, .spa = spa, .tha = {}, .tpa = tpa}.emit(f.data() +
                                                                                 wire::kEthHlen);
    return f;
}

class Net final : public XmitOps, public ProtocolHandler, public L3Outbound {
  public:
    XmitResult xmit(NetDevice&, Packet& pkt) override {
        seen.insert("wire");
        if (relay && !reflecting) {
            reflecting = true;
            auto back = Packet::borrow(pkt.data(), pkt.len());
            back.dev = lower;
            netif_receive_eth(back);
            reflecting = false;
        }
        return XmitResult::sent;
    }
    DeliverResult deliver(NetDevice& dev, const Packet&) override {
        seen.insert(dev.name());
        return DeliverResult::delivered;
    }
    XmitResult outbound(IpvlanDev&, Packet&) override {
        seen.insert("route");
        return XmitResult::sent;
    }
    bool neigh_rcv(const Packet&, IpvlanPort&) override { return false; }
    std::string take() {
        std::string s;
        for (const auto& n : seen) {
            s += (s.empty() ? "" : ",") + n;
        }
        seen.clear();
        return s.empty() ? "-" : s;
    }
    std::multiset<std::string> seen;
    NetDevice* lower = nullptr;
    bool relay = false;
    bool reflecting = false;
};

class Topology {
  public:
    Topology(IpvlanMode mode, std::uint16_t flags, bool with_outbound = false) {
        lower.filter().set_promisc(false);
        net.lower = &lower;
        for (const char* name : {"A", "B"}) {
            std::string why;
            auto c =
                IpvlanDev::newlink(lower, {.name = name, .mode = mode, .flags = flags}, &net, &why);
            EXPECT_TRUE(c) << why;
            c->dev().filter().set_promisc(false);
            kids.push_back(std::move(c));
        }
        EXPECT_TRUE(kids[0]->add_addr(IpAddr::v4(kIpA)));
        EXPECT_TRUE(kids[1]->add_addr(IpAddr::v4(kIpB)));
        if (with_outbound) {
            phys.set_l3_outbound(&net);
        }
    }
    std::string send(int child, const std::vector<std::uint8_t>& f) {
        auto p = pool.alloc();
        std::copy(f.begin(), f.end(), p->put(f.size()));
        dev_queue_xmit(kids.at(child)->dev(), *p);
        wq.run_pending();
        return net.take();
    }
    std::string arrive(const std::vector<std::uint8_t>& f) {
        auto p = Packet::borrow(f.data(), f.size());
        p.dev = &lower;
        netif_receive_eth(p);
        wq.run_pending();
        return net.take();
    }

    Net net;
    PhysDev phys{"lower", kLower, &net, &net, {.buffers = 2048, .buffer_size = 2048}};
    NetDevice& lower = phys.dev();
    PacketPool& pool = phys.pool();
    WorkQueue& wq = phys.wq();
    std::vector<std::unique_ptr<IpvlanDev>> kids;
};

struct L2Want {
    std::uint16_t flags;
    const char* a_to_b;
    const char* a_to_lower;
};

TEST(IpvlanL2, DeliveryMatrixPerFlag) {
    for (const L2Want& w : {L2Want{0, "B", "lower"}, L2Want{kIpvlanFlagPrivate, "-", "lower"},
                            L2Want{kIpvlanFlagVepa, "wire", "wire"}}) {
        SCOPED_TRACE(w.flags);
        Topology t(IpvlanMode::l2, w.flags);
        EXPECT_EQ(t.send(0, ipv4(kLower, kLower, kIpA, kIpB)), w.a_to_b);
        EXPECT_EQ(t.send(0, ipv4(kLower, kLower, kIpA, kIpLower)), w.a_to_lower);
        EXPECT_EQ(t.send(0, ipv4(kOutside, kLower, kIpA, kIpOut)), "wire");
        // Group frames a child sends reach every sibling, whatever the flag.
        EXPECT_EQ(t.send(0, arp(MacAddr::broadcast(), kLower, 1, kIpA, kIpB)), "B,wire");
        EXPECT_EQ(t.arrive(ipv4(kLower, kOutside, kIpOut, kIpA)), "A");
        EXPECT_EQ(t.arrive(ipv4(kLower, kOutside, kIpOut, kIpLower)), "lower");
        EXPECT_EQ(t.arrive(arp(MacAddr::broadcast(), kOutside, 1, kIpOut, kIpA)), "A,B,lower");
        EXPECT_EQ(t.arrive(arp(kLower, kOutside, 2, kIpOut, kIpA)), "A");
        // Our own broadcast coming back from a relay is not external.
        EXPECT_EQ(t.arrive(arp(MacAddr::broadcast(), kLower, 1, kIpA, kIpOut)), "lower");
    }
}

std::vector<std::uint8_t> tagged(std::vector<std::uint8_t> f, std::uint16_t tci) {
    const std::uint8_t tag[4] = {0x81, 0x00, static_cast<std::uint8_t>(tci >> 8),
                                 static_cast<std::uint8_t>(tci)};
    f.insert(f.begin() + 12, tag, tag + 4);
    return f;
}

// Linux's ipvlan refuses VLAN interfaces on a child (NETIF_F_VLAN_CHALLENGED):
// a frame tagged with a VID, from the wire or a child, is never a child's;
// it goes where an untagged non-IP frame goes. A priority tag (VID 0) is
// not a VLAN.
TEST(IpvlanL2, FramesTaggedWithAVidAreNoChilds) {
    Topology t(IpvlanMode::l2, 0);
    EXPECT_EQ(t.arrive(tagged(ipv4(kLower, kOutside, kIpOut, kIpA), 10)), "lower");
    EXPECT_EQ(t.arrive(tagged(ipv4(kLower, kOutside, kIpOut, kIpA), 0x6000)), "A");
    EXPECT_EQ(t.arrive(tagged(arp(MacAddr::broadcast(), kOutside, 1, kIpOut, kIpA), 10)), "lower");
    EXPECT_EQ(t.send(0, tagged(ipv4(kLower, kLower, kIpA, kIpB), 10)), "lower");
    EXPECT_EQ(t.send(0, tagged(arp(MacAddr::broadcast(), kLower, 1, kIpA, kIpB), 10)), "wire");
    // Untagged, the same frames are the children's.
    EXPECT_EQ(t.send(0, ipv4(kLower, kLower, kIpA, kIpB)), "B");
    EXPECT_EQ(t.send(0, arp(MacAddr::broadcast(), kLower, 1, kIpA, kIpB)), "B,wire");
}

// Nor is an address a child sends from inside a tag learned.
TEST(IpvlanL2, ATaggedFrameTeachesNoAddress) {
    Topology t(IpvlanMode::l2, 0);
    t.kids[1]->set_learning(true);
    const wire::Ipv4Addr k77{10, 0, 0, 77};
    EXPECT_EQ(t.send(1, tagged(ipv4(kOutside, kLower, k77, kIpOut), 10)), "wire");
    EXPECT_EQ(t.arrive(ipv4(kLower, kOutside, kIpOut, k77)), "lower");
    EXPECT_EQ(t.send(1, ipv4(kOutside, kLower, k77, kIpOut)), "wire");
    EXPECT_EQ(t.arrive(ipv4(kLower, kOutside, kIpOut, k77)), "B");
}

const wire::Ipv6Addr k6A{0xfd, 0, 0, 9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01};
const wire::Ipv6Addr k6B{0xfd, 0, 0, 9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02};
const wire::Ipv6Addr k6Lower{0xfd, 0, 0, 9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x64};
const wire::Ipv6Addr k6Out{0xfd, 0, 0, 9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xc8};

std::vector<std::uint8_t> ipv6(const MacAddr& dmac, const MacAddr& smac, wire::Ipv6Addr src,
                               wire::Ipv6Addr dst) {
    std::vector<std::uint8_t> f(wire::kEthHlen + wire::kIpv6Hlen + 8);
    wire::EthernetRepr{dmac, smac, wire::kEthPIpv6, std::nullopt}.emit(f.data());
    wire::Ipv6Repr{.src = src, .dst = dst, .next_header = wire::kIpProtoUdp}.emit(
        f.data() + wire::kEthHlen, 8);
    return f;
}

// The IPv6 half of the matrices above, every mode and flag.
TEST(Ipvlan, Ipv6DeliveryMatrixPerModeAndFlag) {
    struct Want {
        IpvlanMode mode;
        std::uint16_t flags;
        const char* a_to_b;
        const char* a_to_lower;
        const char* a_to_outside;
    };
    for (const Want& w : {Want{IpvlanMode::l2, 0, "B", "lower", "wire"},
                          Want{IpvlanMode::l2, kIpvlanFlagPrivate, "-", "lower", "wire"},
                          Want{IpvlanMode::l2, kIpvlanFlagVepa, "wire", "wire", "wire"},
                          Want{IpvlanMode::l3, 0, "B", "route", "route"},
                          Want{IpvlanMode::l3, kIpvlanFlagPrivate, "-", "route", "route"},
                          Want{IpvlanMode::l3, kIpvlanFlagVepa, "route", "route", "route"},
                          Want{IpvlanMode::l3s, 0, "B", "route", "route"}}) {
        SCOPED_TRACE(std::string(ipvlan_mode_name(w.mode)) + " " + std::to_string(w.flags));
        Topology t(w.mode, w.flags, true);
        ASSERT_TRUE(t.kids[0]->add_addr(IpAddr::v6of(k6A)));
        ASSERT_TRUE(t.kids[1]->add_addr(IpAddr::v6of(k6B)));
        EXPECT_EQ(t.send(0, ipv6(kLower, kLower, k6A, k6B)), w.a_to_b);
        EXPECT_EQ(t.send(0, ipv6(kLower, kLower, k6A, k6Lower)), w.a_to_lower);
        EXPECT_EQ(t.send(0, ipv6(kOutside, kLower, k6A, k6Out)), w.a_to_outside);
        EXPECT_EQ(t.arrive(ipv6(kLower, kOutside, k6Out, k6A)), "A");
        EXPECT_EQ(t.arrive(ipv6(kLower, kOutside, k6Out, k6Lower)), "lower");
        // A group frame from outside: in l2 every child and the lower;
        // in l3 the lower only (no child owns a group address).
        const wire::Ipv6Addr all_nodes{0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
        const MacAddr all_nodes_mac{{0x33, 0x33, 0, 0, 0, 1}};
        t.kids[0]->dev().filter().set_allmulti(true);
        t.kids[1]->dev().filter().set_allmulti(true);
        t.lower.filter().set_allmulti(true);
        EXPECT_EQ(t.arrive(ipv6(all_nodes_mac, kOutside, k6Out, all_nodes)),
                  w.mode == IpvlanMode::l2 ? "A,B,lower" : "lower");
    }
}

TEST(IpvlanL2, PrivateDropIsCounted) {
    Topology t(IpvlanMode::l2, kIpvlanFlagPrivate);
    t.send(0, ipv4(kLower, kLower, kIpA, kIpB));
    EXPECT_EQ(t.kids[0]->dev().counters().dropped(DropReason::tx_private), 1u);
}

TEST(IpvlanL3, LocalDeliveryPerFlagThenRoute) {
    struct Want {
        std::uint16_t flags;
        const char* a_to_b;
    };
    for (const Want& w :
         {Want{0, "B"}, Want{kIpvlanFlagPrivate, "-"}, Want{kIpvlanFlagVepa, "route"}}) {
        SCOPED_TRACE(w.flags);
        Topology t(IpvlanMode::l3, w.flags, true);
        EXPECT_EQ(t.send(0, ipv4(kLower, kLower, kIpA, kIpB)), w.a_to_b);
        EXPECT_EQ(t.send(0, ipv4(kLower, kLower, kIpA, kIpOut)), "route");
        EXPECT_EQ(t.arrive(ipv4(kLower, kOutside, kIpOut, kIpA)), "A");
        EXPECT_EQ(t.arrive(ipv4(kLower, kOutside, kIpOut, kIpLower)), "lower");
        // In L3 an ARP request goes to the owner of its target address only.
        EXPECT_EQ(t.arrive(arp(MacAddr::broadcast(), kOutside, 1, kIpOut, kIpB)), "B");
        EXPECT_EQ(t.arrive(arp(MacAddr::broadcast(), kOutside, 1, kIpOut, kIpLower)), "lower");
    }
}

TEST(IpvlanL3, WithoutAnIpLayerRoutingIsACountedDrop) {
    Topology t(IpvlanMode::l3, 0);
    EXPECT_EQ(t.send(0, ipv4(kLower, kLower, kIpA, kIpOut)), "-");
    EXPECT_EQ(t.kids[0]->dev().counters().dropped(DropReason::tx_no_route), 1u);
}

TEST(IpvlanL3s, ReceiveReachesTheChildAsInL3) {
    Topology t(IpvlanMode::l3s, 0, true);
    EXPECT_EQ(t.arrive(ipv4(kLower, kOutside, kIpOut, kIpA)), "A");
    EXPECT_EQ(t.send(0, ipv4(kLower, kLower, kIpA, kIpB)), "B");
}

TEST(Ipvlan, Ipv6UnicastAndDadSolicitationFindTheirOwner) {
    Topology t(IpvlanMode::l3, 0);
    const wire::Ipv6Addr a6{0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    const wire::Ipv6Addr out6{0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x99};
    ASSERT_TRUE(t.kids[0]->add_addr(IpAddr::v6of(a6)));
    std::vector<std::uint8_t> f(wire::kEthHlen + wire::kIpv6Hlen + 8);
    wire::EthernetRepr{kLower, kOutside, wire::kEthPIpv6, std::nullopt}.emit(f.data());
    wire::Ipv6Repr{.src = out6, .dst = a6, .next_header = wire::kIpProtoUdp}.emit(
        f.data() + wire::kEthHlen, 8);
    EXPECT_EQ(t.arrive(f), "A");
    // A DAD probe (from ::) for A's address is looked up by its target.
    const wire::Ipv6Addr any{};
    const wire::Ipv6Addr snm{0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0xff, 0, 0, 1};
    wire::NdRepr ns{
        .type = wire::kNdNeighborSolicit, .flags = 0, .target = a6, .link_addr = std::nullopt};
    std::vector<std::uint8_t> d(wire::kEthHlen + wire::kIpv6Hlen + ns.len());
    wire::EthernetRepr{{{0x33, 0x33, 0xff, 0, 0, 1}}, kOutside, wire::kEthPIpv6, std::nullopt}.emit(
        d.data());
    wire::Ipv6Repr ip{
        .src = any, .dst = snm, .next_header = wire::kIpProtoIcmpv6, .hop_limit = 255};
    ip.emit(d.data() + wire::kEthHlen, ns.len());
    ns.emit(d.data() + wire::kEthHlen + wire::kIpv6Hlen, ip.src, ip.dst);
    auto a = ipvlan_l3_addrs(d);
    ASSERT_TRUE(a);
    EXPECT_EQ(a->dst, IpAddr::v6of(a6));
}

TEST(Ipvlan, AddressValidatorRefusesASiblingsAddress) {
    Topology t(IpvlanMode::l2, 0);
    EXPECT_FALSE(t.kids[1]->add_addr(IpAddr::v4(kIpA)));
    EXPECT_TRUE(t.kids[0]->add_addr(IpAddr::v4(kIpA)));  // its own: fine
    t.kids[0]->del_addr(IpAddr::v4(kIpA));
    EXPECT_TRUE(t.kids[1]->add_addr(IpAddr::v4(kIpA)));
    EXPECT_EQ(t.kids[1]->addr_count(), 2u);
}

TEST(Ipvlan, ChildrenCarryTheLowersMac) {
    Topology t(IpvlanMode::l2, 0);
    EXPECT_EQ(t.kids[0]->dev().mac(), kLower);
    EXPECT_EQ(t.kids[1]->dev().mac(), kLower);
}

TEST(Ipvlan, LatestChildSetsThePortsModeAndFlags) {
    Topology t(IpvlanMode::l2, 0);
    std::string why;
    auto c = IpvlanDev::newlink(
        t.lower, {.name = "C", .mode = IpvlanMode::l3, .flags = kIpvlanFlagVepa}, &t.net, &why);
    ASSERT_TRUE(c);
    EXPECT_EQ(IpvlanPort::of(t.lower)->mode(), IpvlanMode::l3);
    EXPECT_TRUE(IpvlanPort::of(t.lower)->is_vepa());
}

TEST(Ipvlan, OneKindOfUpperPerLower) {
    Topology t(IpvlanMode::l2, 0);
    std::string why;
    const char* field = nullptr;
    MacvlanConfig mc{.name = "M", .mac = kOutside, .mode = MacvlanMode::bridge};
    EXPECT_FALSE(MacvlanDev::newlink(t.lower, mc, &t.net, &why, &field));
    EXPECT_STREQ(field, "lower");
    // Nothing stacks on an ipvlan either (IFF_NO_RX_HANDLER)...
    EXPECT_FALSE(MacvlanDev::newlink(t.kids[0]->dev(), mc, &t.net, &why));
    // ...but ipvlan on ipvlan goes on the real lower.
    auto c =
        IpvlanDev::newlink(t.kids[0]->dev(), {.name = "C", .mode = IpvlanMode::l2}, &t.net, &why);
    ASSERT_TRUE(c) << why;
    EXPECT_EQ(c->dev().lower(), &t.lower);

    PhysDev other_phys{"other", {{0x52, 0x54, 0x00, 0x00, 0x00, 0x42}}, &t.net, &t.net};
    NetDevice& other = other_phys.dev();
    auto m = MacvlanDev::newlink(other, mc, &t.net, &why);
    ASSERT_TRUE(m) << why;
    EXPECT_FALSE(IpvlanDev::newlink(other, {.name = "I"}, &t.net, &why, &field));
    EXPECT_STREQ(field, "lower");
}

TEST(Ipvlan, MulticastBacklogIsBounded) {
    Topology t(IpvlanMode::l2, 0);
    auto f = arp(MacAddr::broadcast(), kOutside, 1, kIpOut, kIpA);
    for (std::size_t i = 0; i < kIpvlanBacklogLimit + 3; ++i) {
        auto p = Packet::borrow(f.data(), f.size());
        p.dev = &t.lower;
        netif_receive_eth(p);
    }
    EXPECT_EQ(IpvlanPort::of(t.lower)->backlog(), kIpvlanBacklogLimit);
    EXPECT_EQ(t.lower.counters().dropped(DropReason::rx_bc_backlog_full), 3u);
    t.wq.run_pending();
    EXPECT_EQ(t.kids[1]->dev().counters().rx_packets, kIpvlanBacklogLimit);
}

TEST(Ipvlan, LastChildGivesTheRxHandlerBack) {
    Topology t(IpvlanMode::l2, 0);
    t.kids.clear();
    EXPECT_EQ(t.lower.rx_handler(), nullptr);
    EXPECT_EQ(IpvlanPort::of(t.lower), nullptr);
}

}  // namespace
}  // namespace vnet

namespace vnet {
namespace {

TEST(IpvlanLearning, ChildTakesTheSourcesItSends) {
    Topology t(IpvlanMode::l2, 0);
    std::string why;
    auto c = IpvlanDev::newlink(t.lower, {.name = "C", .mode = IpvlanMode::l2}, &t.net, &why);
    ASSERT_TRUE(c);
    c->set_learning(true);
    c->dev().filter().set_promisc(false);
    t.kids.push_back(std::move(c));
    const wire::Ipv4Addr ip_c{10, 0, 0, 3};
    // Before C has sent anything, its address is nobody's: up the lower.
    EXPECT_EQ(t.arrive(ipv4(kLower, kOutside, kIpOut, ip_c)), "lower");
    // A gratuitous ARP from C claims 10.0.0.3.
    EXPECT_EQ(t.send(2, arp(MacAddr::broadcast(), kLower, 1, ip_c, ip_c)), "A,B,wire");
    EXPECT_EQ(t.arrive(ipv4(kLower, kOutside, kIpOut, ip_c)), "C");
    // Unspecified and group sources claim nothing.
    t.send(2, ipv4(kOutside, kLower, {0, 0, 0, 0}, kIpOut));
    EXPECT_EQ(t.kids[2]->addr_count(), 1u);
}

TEST(IpvlanLearning, ASiblingsAddressIsRefusedAndCounted) {
    Topology t(IpvlanMode::l2, 0);
    t.kids[1]->set_learning(true);
    // B sends from A's address: dropped, not learned, counted.
    EXPECT_EQ(t.send(1, ipv4(kOutside, kLower, kIpA, kIpOut)), "-");
    EXPECT_EQ(t.kids[1]->dev().counters().dropped(DropReason::tx_addr_busy), 1u);
    EXPECT_EQ(t.arrive(ipv4(kLower, kOutside, kIpOut, kIpA)), "A");
}

TEST(IpvlanLearning, AFloodOfSourcesIsLearnedUpToTheLimit) {
    Topology t(IpvlanMode::l2, 0);
    t.kids[1]->set_learning(true);
    for (unsigned i = 0; i < kIpvlanLearnLimit + 100; ++i) {
        const wire::Ipv4Addr src{10, 1, static_cast<std::uint8_t>(i >> 8),
                                 static_cast<std::uint8_t>(i)};
        EXPECT_EQ(t.send(1, ipv4(kOutside, kLower, src, kIpOut)), "wire");
    }
    EXPECT_EQ(t.kids[1]->addr_count(), kIpvlanLearnLimit);
    // The first learned still reach B; one past the limit goes up the lower.
    EXPECT_EQ(t.arrive(ipv4(kLower, kOutside, kIpOut, {10, 1, 0, 0})), "B");
    EXPECT_EQ(t.arrive(ipv4(kLower, kOutside, kIpOut, {10, 1, 1, 0x40})), "lower");
}

TEST(IpvlanLearning, FixedAddressesAreNotExtended) {
    Topology t(IpvlanMode::l2, 0);  // learning off: addresses as configured
    const wire::Ipv4Addr other{10, 0, 0, 7};
    EXPECT_EQ(t.send(0, ipv4(kOutside, kLower, other, kIpOut)), "wire");
    EXPECT_EQ(t.kids[0]->addr_count(), 1u);
}

}  // namespace
}  // namespace vnet
