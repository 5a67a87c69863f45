// SPDX-License-Identifier: GPL-2.0-or-later
// VXLAN against the Linux kernel's own packets (data/kernel_vxlan.h), and
// its FDB, learning, ageing, proxy, misses and receive checks on a manual
// clock.
#include "vnet/vxlan.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "data/kernel_gso.h"
#include "data/kernel_vxlan.h"
#include "frames.h"
#include "vnet/gso.h"
#include "vnet/virtio_net_hdr.h"
#include "vnet/vxlan_sock.h"
#include "vnet/wire/arp.h"
#include "vnet/wire/checksum.h"
#include "vnet/wire/ethernet.h"
#include "vnet/wire/icmpv6.h"
#include "vnet/wire/ipv4.h"

namespace vnet {
namespace {

using test::kMacA;
using test::kMacB;
using test::kMacC;

IpAddr ip4(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d) {
    const std::array<std::uint8_t, 4> v{a, b, c, d};
    return IpAddr::v4(v);
}

IpAddr ip6(std::uint8_t last) {
    std::array<std::uint8_t, 16> v{0x20, 0x01, 0x0d, 0xb8};
    v[15] = last;
    return IpAddr::v6of(v);
}

struct Sent {
    VxlanTx tx;
    std::vector<std::uint8_t> hdr, frame;
};

struct Recorder final : VxlanOps {
    bool send(const VxlanTx& tx, std::span<const std::uint8_t> hdr,
              std::span<const std::uint8_t> frame) override {
        sent.push_back({tx, {hdr.begin(), hdr.end()}, {frame.begin(), frame.end()}});
        return true;
    }
    bool deliver(std::span<const std::uint8_t> frame, const Offload& off,
                 std::uint16_t vlan) override {
        delivered.emplace_back(frame.begin(), frame.end());
        offloads.push_back(off);
        vlans.push_back(vlan);
        return true;
    }
    void l2miss(const MacAddr& m) override { l2.push_back(m); }
    void l3miss(const IpAddr& a) override { l3.push_back(a); }

    std::vector<Sent> sent;
    std::vector<std::vector<std::uint8_t>> delivered;
    std::vector<Offload> offloads;
    std::vector<std::uint16_t> vlans;
    std::vector<MacAddr> l2;
    std::vector<IpAddr> l3;
};

VxlanConfig base_config() {
    VxlanConfig c;
    c.vni = 42;
    c.local = ip4(192, 0, 2, 1);
    c.remote = ip4(192, 0, 2, 2);
    return c;
}

struct VxlanTest : ::testing::Test {
    ManualClock clock;
    Recorder ops;
};

// The L4 checksum of an Ethernet + IPv4 frame checks out: its sum with
// the pseudo-header folds to zero.
bool l4_checksum_ok(const std::vector<std::uint8_t>& f) {
    const std::span<const std::uint8_t> ip{f.data() + 14, 20};
    const std::uint32_t len = wire::load_be16(ip.data() + 2) - 20u;
    const std::uint32_t sum = wire::csum_pseudo(ip.subspan(12, 4), ip.subspan(16, 4), ip[9], len);
    return wire::csum_fold(wire::csum_add(sum, {f.data() + 34, len})) == 0;
}

// --- against the kernel --------------------------------------------------

struct KernelCase {
    const std::uint8_t* pkt;
    std::size_t len;
    VxlanConfig cfg;
};

std::size_t outer_hlen(const std::uint8_t* pkt) {
    return (pkt[0] >> 4) == 4 ? std::size_t{pkt[0] & 15u} * 4 : 40;
}

std::vector<KernelCase> kernel_cases() {
    std::vector<KernelCase> v;
    VxlanConfig c = base_config();
    c.port_min = 49152;
    c.port_max = 49153;
    c.udpcsum = true;  // Linux's default
    v.push_back({test::kVxlanIpv4Default, sizeof test::kVxlanIpv4Default, c});
    c.vni = 44;
    c.df = VxlanDf::set;
    c.ttl = 5;
    v.push_back({test::kVxlanIpv4CsumDfTtl, sizeof test::kVxlanIpv4CsumDfTtl, c});
    c = base_config();
    c.port_min = 49152;
    c.port_max = 49153;
    c.udpcsum = true;
    c.vni = 43;
    c.local = ip6(1);
    c.remote = ip6(2);
    c.tos_inherit = true;
    c.ttl = 10;
    v.push_back({test::kVxlanIpv6TosInherit, sizeof test::kVxlanIpv6TosInherit, c});
    c = base_config();
    c.port_min = 49152;
    c.port_max = 49153;
    c.vni = 45;
    c.remcsum_tx = c.remcsum_rx = true;
    v.push_back({test::kVxlanIpv4RemcsumTx, sizeof test::kVxlanIpv4RemcsumTx, c});
    return v;
}

// What the kernel's stack left for its vxlan to do: with remcsumtx, the
// UDP checksum partial, as a driver's NEEDS_CSUM leaves it (start 34,
// offset 6); else nothing.
Offload kernel_offload(const KernelCase& k) {
    Offload off;
    if (k.cfg.remcsum_tx) {
        off.ip_summed = IpSummed::partial;
        off.csum_start = 34;
        off.csum_offset = 6;
        off.network_offset = 14;
    }
    return off;
}

TEST_F(VxlanTest, EncapsulationIsByteExactWithTheKernel) {
    for (const auto& k : kernel_cases()) {
        SCOPED_TRACE(k.cfg.vni);
        const std::size_t inner_off = outer_hlen(k.pkt) + 16;
        std::span<const std::uint8_t> inner(k.pkt + inner_off, k.len - inner_off);
        Recorder rec;
        VxlanDev dev(k.cfg, rec, clock);
        dev.xmit(inner, kernel_offload(k));
        ASSERT_EQ(rec.sent.size(), 1u);
        EXPECT_EQ(rec.sent[0].tx.src_port, 49152);
        // The IPv4 ID is the kernel's random pick; take it from the capture.
        OuterIds ids;
        if ((k.pkt[0] >> 4) == 4) {
            ids.ip_id = static_cast<std::uint16_t>(k.pkt[4] << 8 | k.pkt[5]);
        }
        std::vector<std::uint8_t> out(k.len + 64);
        const std::size_t n =
            encapsulate_outer(k.cfg, rec.sent[0].tx, rec.sent[0].hdr, rec.sent[0].frame, ids, out);
        ASSERT_EQ(n, k.len);
        EXPECT_TRUE(std::equal(out.begin(), out.begin() + n, k.pkt));
        // The glue sends hdr + frame as the UDP payload: those bytes too.
        std::vector<std::uint8_t> payload = rec.sent[0].hdr;
        payload.insert(payload.end(), inner.begin(), inner.end());
        EXPECT_TRUE(std::equal(payload.begin(), payload.end(), k.pkt + outer_hlen(k.pkt) + 8));
    }
}

// Linux's split: udpcsum is IPv4's, udp6zerocsumtx IPv6's; each leaves
// the other family's checksum alone. Starting from the kernel's IPv6
// capture (checksum set, no zero-checksum flag).
TEST_F(VxlanTest, ZeroChecksumsAreIpv6sOwnOption) {
    for (const auto& k : kernel_cases()) {
        SCOPED_TRACE(k.cfg.vni);
        const bool v6 = (k.pkt[0] >> 4) == 6;
        const std::size_t udp = outer_hlen(k.pkt);
        const std::size_t inner_off = udp + 16;
        std::span<const std::uint8_t> inner(k.pkt + inner_off, k.len - inner_off);
        Recorder rec;
        VxlanDev dev(k.cfg, rec, clock);
        dev.xmit(inner, kernel_offload(k));
        ASSERT_EQ(rec.sent.size(), 1u);
        std::vector<std::uint8_t> out(k.len + 64);
        const auto csum_with = [&](bool udpcsum, bool zero6) {
            VxlanConfig c = k.cfg;
            c.udpcsum = udpcsum;
            c.udp6zerocsumtx = zero6;
            EXPECT_EQ(
                encapsulate_outer(c, rec.sent[0].tx, rec.sent[0].hdr, rec.sent[0].frame, {}, out),
                k.len);
            return wire::load_be16(out.data() + udp + 6);
        };
        const std::uint16_t kernel = wire::load_be16(k.pkt + udp + 6);
        if (v6) {
            EXPECT_NE(kernel, 0);
            EXPECT_EQ(csum_with(false, false), kernel);  // udpcsum is not IPv6's
            EXPECT_EQ(csum_with(true, true), 0);
        } else if (k.cfg.udpcsum && kernel != 0) {
            EXPECT_NE(csum_with(true, true), 0);  // nor the zero6 flag IPv4's
            EXPECT_EQ(csum_with(false, false), 0);
        }
    }
}

TEST_F(VxlanTest, DecapsulatesTheKernelPacketAndLearnsItsSender) {
    for (const auto& k : kernel_cases()) {
        SCOPED_TRACE(k.cfg.vni);
        Recorder rec;
        VxlanConfig cfg = k.cfg;
        cfg.local = k.cfg.remote.value();  // we are the receiver
        cfg.remote.reset();
        VxlanDev dev(cfg, rec, clock);
        VxlanSock sock;
        ASSERT_TRUE(sock.add(dev));
        const std::size_t h = outer_hlen(k.pkt);
        std::vector<std::uint8_t> payload(k.pkt + h + 8, k.pkt + k.len);
        const IpAddr src = k.cfg.local;
        sock.rx(src, (k.pkt[0] >> 4) == 4 ? k.pkt[1] : 0xba, payload, false);
        ASSERT_EQ(rec.delivered.size(), 1u);
        std::vector<std::uint8_t> want(k.pkt + h + 16, k.pkt + k.len);
        if (k.cfg.remcsum_rx) {
            // Its UDP checksum finished (RemoteChecksumOffloadFromTheKernel).
            want[40] = rec.delivered[0][40];
            want[41] = rec.delivered[0][41];
        }
        EXPECT_EQ(rec.delivered[0], want);
        const auto* e = dev.fdb().peek(MacAddr::from(k.pkt + h + 16 + 6));
        ASSERT_NE(e, nullptr);
        EXPECT_FALSE(e->is_static);
        EXPECT_EQ(e->remotes[0], (VxlanRemote{src, kVxlanDefaultPort, cfg.vni}));
        EXPECT_EQ(dev.counters().rx_packets, 1u);
    }
}

// --- FDB: learning, migration, static, ageing, maxaddress ---------------

std::vector<std::uint8_t> payload_for(std::uint32_t vni, const std::vector<std::uint8_t>& frame) {
    std::vector<std::uint8_t> p(wire::kVxlanHlen);
    wire::VxlanHeader{wire::kVxlanFlagI, vni, 0}.emit(p.data());
    p.insert(p.end(), frame.begin(), frame.end());
    return p;
}

TEST_F(VxlanTest, LearnsMigratesAndKeepsStaticEntries) {
    VxlanDev dev(base_config(), ops, clock);
    VxlanSock sock;
    sock.add(dev);
    auto from = [&](const MacAddr& src, const IpAddr& ip) {
        auto p = payload_for(42, test::eth_frame(kMacC, src, 0x88b5, 46));
        sock.rx(ip, 0, p, false);
    };
    from(kMacA, ip4(192, 0, 2, 10));
    ASSERT_NE(dev.fdb().peek(kMacA), nullptr);
    EXPECT_EQ(dev.fdb().peek(kMacA)->remotes[0].ip, ip4(192, 0, 2, 10));
    from(kMacA, ip4(192, 0, 2, 11));  // moved
    EXPECT_EQ(dev.fdb().peek(kMacA)->remotes[0].ip, ip4(192, 0, 2, 11));
    EXPECT_EQ(ops.delivered.size(), 2u);

    ASSERT_EQ(dev.fdb_add(kMacB, {ip4(192, 0, 2, 20), 0, 0}, false), FdbResult::added);
    from(kMacB, ip4(192, 0, 2, 21));  // a static entry never moves: dropped
    EXPECT_EQ(dev.fdb().peek(kMacB)->remotes[0].ip, ip4(192, 0, 2, 20));
    EXPECT_EQ(dev.counters().dropped(DropReason::vx_static_moved), 1u);
    EXPECT_EQ(ops.delivered.size(), 2u);

    // And what was learned is where unicast goes.
    dev.xmit(test::eth_frame(kMacA, kMacC, 0x88b5, 46));
    ASSERT_EQ(ops.sent.size(), 1u);
    EXPECT_EQ(ops.sent[0].tx.dst.ip, ip4(192, 0, 2, 11));
}

TEST_F(VxlanTest, LearningOffLearnsNothing) {
    VxlanConfig c = base_config();
    c.learning = false;
    VxlanDev dev(c, ops, clock);
    auto f = test::eth_frame(kMacC, kMacA, 0x88b5, 46);
    dev.rx(ip4(192, 0, 2, 10), 0, f);
    EXPECT_EQ(dev.fdb().peek(kMacA), nullptr);
    EXPECT_EQ(ops.delivered.size(), 1u);
}

TEST_F(VxlanTest, LearnedEntriesAgeStaticOnesDoNot) {
    VxlanConfig c = base_config();
    c.ageing_s = 300;
    VxlanDev dev(c, ops, clock);
    auto f = test::eth_frame(kMacC, kMacA, 0x88b5, 46);
    dev.rx(ip4(192, 0, 2, 10), 0, f);
    dev.fdb_add(kMacB, {ip4(192, 0, 2, 20), 0, 0}, false);
    clock.advance_ms(299'000);
    dev.run_timers();
    EXPECT_NE(dev.fdb().peek(kMacA), nullptr);
    // Sending to it counts as use (vxlan_find_mac), so it lives on.
    dev.xmit(test::eth_frame(kMacA, kMacC, 0x88b5, 46));
    clock.advance_ms(299'000);
    dev.run_timers();
    EXPECT_NE(dev.fdb().peek(kMacA), nullptr);
    clock.advance_ms(1'000);
    dev.run_timers();
    EXPECT_EQ(dev.fdb().peek(kMacA), nullptr);
    EXPECT_NE(dev.fdb().peek(kMacB), nullptr);
    EXPECT_NE(dev.fdb().peek(MacAddr{}), nullptr);  // the default entry
}

TEST_F(VxlanTest, AgeingZeroNeverAges) {
    VxlanConfig c = base_config();
    c.ageing_s = 0;
    VxlanDev dev(c, ops, clock);
    auto f = test::eth_frame(kMacC, kMacA, 0x88b5, 46);
    dev.rx(ip4(192, 0, 2, 10), 0, f);
    clock.advance_ms(100'000'000);
    dev.run_timers();
    EXPECT_NE(dev.fdb().peek(kMacA), nullptr);
}

TEST_F(VxlanTest, MaxaddressBoundsTheTableButNotDelivery) {
    VxlanConfig c = base_config();
    c.maxaddress = 3;  // the default entry counts, as in Linux's addrcnt
    VxlanDev dev(c, ops, clock);
    for (std::uint8_t i = 1; i <= 4; ++i) {
        MacAddr m{{0x02, 0, 0, 0, 0, i}};
        auto f = test::eth_frame(kMacC, m, 0x88b5, 46);
        dev.rx(ip4(192, 0, 2, i), 0, f);
    }
    EXPECT_EQ(dev.fdb().size(), 3u);
    EXPECT_EQ(dev.fdb().peek(MacAddr{{0x02, 0, 0, 0, 0, 3}}), nullptr);
    EXPECT_EQ(ops.delivered.size(), 4u);
    EXPECT_EQ(dev.fdb_add(kMacB, {ip4(192, 0, 2, 9), 0, 0}, false), FdbResult::full);
    // Once one ages out there is room again.
    clock.advance_ms(300'000);
    dev.run_timers();
    EXPECT_EQ(dev.fdb().size(), 1u);
    EXPECT_EQ(dev.fdb_add(kMacB, {ip4(192, 0, 2, 9), 0, 0}, false), FdbResult::added);
}

// --- transmit: replication, misses, source port, outer fields -------------

TEST_F(VxlanTest, HeadEndReplicationToEveryDefaultRemote) {
    VxlanDev dev(base_config(), ops, clock);
    dev.fdb_add(MacAddr{}, {ip4(192, 0, 2, 3), 0, 0}, true);
    dev.fdb_add(MacAddr{}, {ip4(192, 0, 2, 4), 4790, 77}, true);
    dev.xmit(test::eth_frame(MacAddr::broadcast(), kMacA, 0x0806, 46));
    ASSERT_EQ(ops.sent.size(), 3u);
    EXPECT_EQ(ops.sent[0].tx.dst.ip, ip4(192, 0, 2, 2));
    EXPECT_EQ(ops.sent[1].tx.dst.ip, ip4(192, 0, 2, 3));
    EXPECT_EQ(ops.sent[2].tx.dst, (VxlanRemote{ip4(192, 0, 2, 4), 4790, 77}));
    EXPECT_EQ(ops.sent[2].hdr[6], 77);  // the remote's VNI in the header
    // Unknown unicast floods the same way; a known MAC goes to one remote.
    dev.xmit(test::eth_frame(kMacB, kMacA, 0x88b5, 46));
    EXPECT_EQ(ops.sent.size(), 6u);
    dev.fdb_add(kMacB, {ip4(192, 0, 2, 5), 0, 0}, false);
    dev.xmit(test::eth_frame(kMacB, kMacA, 0x88b5, 46));
    ASSERT_EQ(ops.sent.size(), 7u);
    EXPECT_EQ(ops.sent[6].tx.dst.ip, ip4(192, 0, 2, 5));
    EXPECT_EQ(dev.counters().tx_packets, 7u);
}

TEST_F(VxlanTest, L2MissWithoutDefaultRemote) {
    VxlanConfig c = base_config();
    c.remote.reset();
    c.l2miss = true;
    VxlanDev dev(c, ops, clock);
    dev.xmit(test::eth_frame(kMacB, kMacA, 0x88b5, 46));
    dev.xmit(test::eth_frame(MacAddr::broadcast(), kMacA, 0x88b5, 46));  // no event for group
    ASSERT_EQ(ops.l2.size(), 1u);
    EXPECT_EQ(ops.l2[0], kMacB);
    EXPECT_TRUE(ops.sent.empty());
    EXPECT_EQ(dev.counters().dropped(DropReason::vx_no_fdb), 2u);
    c.l2miss = false;
    VxlanDev quiet(c, ops, clock);
    quiet.xmit(test::eth_frame(kMacB, kMacA, 0x88b5, 46));
    EXPECT_EQ(ops.l2.size(), 1u);
}

TEST_F(VxlanTest, SourcePortFromTheFlowWithinTheRange) {
    VxlanConfig c = base_config();
    c.port_min = 5000;
    c.port_max = 5010;
    VxlanDev dev(c, ops, clock);
    std::vector<std::uint16_t> ports;
    for (std::uint16_t sp = 1000; sp < 1200; ++sp) {
        auto f = test::ipv4_frame(0x0a000001, 0x0a000002, 17, sp, 53);
        const std::uint16_t p = dev.src_port_for(f);
        EXPECT_GE(p, 5000);
        EXPECT_LT(p, 5010);
        EXPECT_EQ(p, dev.src_port_for(f));  // one flow, one port
        ports.push_back(p);
    }
    std::sort(ports.begin(), ports.end());
    EXPECT_GE(std::unique(ports.begin(), ports.end()) - ports.begin(), 8);
    VxlanDev dflt(base_config(), ops, clock);
    const std::uint16_t p = dflt.src_port_for(test::ipv4_frame(1, 2, 6, 3, 4));
    EXPECT_GE(p, kVxlanDefaultPortMin);
    EXPECT_LT(p, kVxlanDefaultPortMax);
}

TEST_F(VxlanTest, TtlTosDfAndEcnOnTheOuterHeader) {
    VxlanConfig c = base_config();
    c.tos = 0x20;
    VxlanDev dev(c, ops, clock);
    auto f = test::ipv4_frame(0x0a000001, 0x0a000002, 17, 1, 2);
    f[15] = 0x03;  // inner CE: the outer says ECT(0)
    dev.xmit(f);
    ASSERT_EQ(ops.sent.size(), 1u);
    EXPECT_EQ(ops.sent[0].tx.tos, 0x22);
    EXPECT_EQ(ops.sent[0].tx.ttl, 64);
    EXPECT_FALSE(ops.sent[0].tx.df);
    c.df = VxlanDf::inherit;
    c.remote = ip4(239, 1, 1, 1);
    VxlanDev inh(c, ops, clock);
    inh.xmit(f);  // the inner has DF; a group gets TTL 1
    EXPECT_TRUE(ops.sent[1].tx.df);
    EXPECT_EQ(ops.sent[1].tx.ttl, 1);
}

// --- proxy ---------------------------------------------------------------

std::vector<std::uint8_t> arp_frame(std::uint16_t op, const MacAddr& sha, const IpAddr& spa,
                                    const IpAddr& tpa, const MacAddr& dst) {
    auto f = test::eth_frame(dst, sha, wire::kEthPArp, 0);
    f.resize(wire::kEthHlen + wire::kArpLen);
    wire::ArpRepr a{.op = op, .sha = sha};
    std::copy_n(spa.bytes.begin(), 4, a.spa.begin());
    std::copy_n(tpa.bytes.begin(), 4, a.tpa.begin());
    a.emit(f.data() + wire::kEthHlen);
    return f;
}

TEST_F(VxlanTest, ProxyAnswersArpFromLearnedNeighboursAndReportsL3Miss) {
    VxlanConfig c = base_config();
    c.proxy = true;
    c.l3miss = true;
    VxlanDev dev(c, ops, clock);
    // A remote host announces itself over the overlay.
    auto ann = arp_frame(wire::kArpOpReply, kMacB, ip4(10, 0, 0, 2), ip4(10, 0, 0, 1), kMacA);
    dev.rx(ip4(192, 0, 2, 2), 0, ann);
    ASSERT_EQ(ops.delivered.size(), 1u);
    // Our NIC asks for it: answered locally, nothing crosses the overlay.
    dev.xmit(arp_frame(wire::kArpOpRequest, kMacA, ip4(10, 0, 0, 1), ip4(10, 0, 0, 2),
                       MacAddr::broadcast()));
    EXPECT_TRUE(ops.sent.empty());
    ASSERT_EQ(ops.delivered.size(), 2u);
    auto reply = wire::ArpRepr::parse(std::span(ops.delivered[1]).subspan(wire::kEthHlen));
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->op, wire::kArpOpReply);
    EXPECT_EQ(reply->sha, kMacB);
    EXPECT_EQ(IpAddr::v4(reply->spa), ip4(10, 0, 0, 2));
    EXPECT_EQ(MacAddr::from(ops.delivered[1].data()), kMacA);
    // Someone unknown: an L3 miss, still not sent.
    dev.xmit(arp_frame(wire::kArpOpRequest, kMacA, ip4(10, 0, 0, 1), ip4(10, 0, 0, 3),
                       MacAddr::broadcast()));
    ASSERT_EQ(ops.l3.size(), 1u);
    EXPECT_EQ(ops.l3[0], ip4(10, 0, 0, 3));
    EXPECT_TRUE(ops.sent.empty());
    EXPECT_EQ(dev.counters().dropped(DropReason::vx_proxy_consumed), 2u);
    // The neighbour stops counting once no longer reachable.
    clock.advance_ms(kVxlanNeighReachableMs);
    dev.run_timers();
    dev.xmit(arp_frame(wire::kArpOpRequest, kMacA, ip4(10, 0, 0, 1), ip4(10, 0, 0, 2),
                       MacAddr::broadcast()));
    EXPECT_EQ(ops.l3.size(), 2u);
}

// A neighbour solicitation from kMacA at `src` for 2001:db8::`target`,
// built with the NA builder's sibling.
std::vector<std::uint8_t> ns_frame(const IpAddr& src, std::uint8_t target) {
    std::vector<std::uint8_t> ns(wire::kEthHlen + wire::kIpv6Hlen + 32);
    wire::EthernetRepr{MacAddr{{0x33, 0x33, 0xff, 0, 0, target}}, kMacA, wire::kEthPIpv6,
                       std::nullopt}
        .emit(ns.data());
    wire::NdRepr nd{.type = wire::kNdNeighborSolicit, .link_addr = kMacA};
    nd.target = ip6(target).bytes;
    wire::Ipv6Repr ip{.next_header = wire::kIpProtoIcmpv6, .hop_limit = 255};
    ip.src = src.bytes;
    ip.dst = {0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0xff, 0, 0, target};
    ip.emit(ns.data() + wire::kEthHlen, nd.len());
    nd.emit(ns.data() + wire::kEthHlen + wire::kIpv6Hlen, ip.src, ip.dst);
    return ns;
}

TEST_F(VxlanTest, ProxyAnswersNeighbourSolicitation) {
    VxlanConfig c = base_config();
    c.proxy = true;
    VxlanDev dev(c, ops, clock);
    const IpAddr target = ip6(2);
    dev.neigh_add(target, kMacB);
    // An NS from 2001:db8::1 for ::2.
    dev.xmit(ns_frame(ip6(1), 2));
    EXPECT_TRUE(ops.sent.empty());
    ASSERT_EQ(ops.delivered.size(), 1u);
    auto v6 = wire::Ipv6View::parse(std::span(ops.delivered[0]).subspan(wire::kEthHlen));
    ASSERT_TRUE(v6);
    auto na = wire::NdRepr::parse(*v6);
    ASSERT_TRUE(na);
    EXPECT_EQ(na->type, wire::kNdNeighborAdvert);
    EXPECT_EQ(na->link_addr, kMacB);
}

TEST_F(VxlanTest, ProxyNeighbourTableIsBounded) {
    VxlanConfig c = base_config();
    c.proxy = true;
    VxlanDev dev(c, ops, clock);
    for (std::uint32_t i = 0; i < kVxlanNeighMax + 100; ++i) {
        dev.neigh_add(ip4(10, static_cast<std::uint8_t>(i >> 16), static_cast<std::uint8_t>(i >> 8),
                          static_cast<std::uint8_t>(i)),
                      kMacB);
    }
    EXPECT_EQ(dev.neigh_count(), kVxlanNeighMax);
}

// --- route short-circuit -------------------------------------------------

// A router's MAC (kMacA, the frames' destination) behind 192.0.2.9, and the
// host 10.1.0.5 (kMacC) behind 192.0.2.3 in the neighbour table.
struct RscTest : VxlanTest {
    VxlanConfig cfg() {
        VxlanConfig c = base_config();
        c.rsc = true;
        c.l3miss = true;
        return c;
    }
    void routes(VxlanDev& dev, bool router = true) {
        dev.fdb_add(kMacA, {ip4(192, 0, 2, 9)}, false, router);
        dev.fdb_add(kMacC, {ip4(192, 0, 2, 3)}, false);
        ASSERT_TRUE(dev.neigh_add(ip4(10, 1, 0, 5), kMacC, true));
    }
    static std::vector<std::uint8_t> to_host() {
        return test::ipv4_frame(0x0a000002, 0x0a010005, 17, 1000, 2000);
    }
};

TEST_F(RscTest, RewritesToTheNeighbourAndSendsToItsRemote) {
    VxlanDev dev(cfg(), ops, clock);
    routes(dev);
    const auto f = to_host();
    dev.xmit(f);
    ASSERT_EQ(ops.sent.size(), 1u);
    const Sent& s = ops.sent[0];
    EXPECT_EQ(s.tx.dst.ip, ip4(192, 0, 2, 3));
    // On the wire: VXLAN header, then dst = the neighbour, src = the router.
    std::vector<std::uint8_t> wire_frame(s.hdr.begin() + wire::kVxlanHlen, s.hdr.end());
    wire_frame.insert(wire_frame.end(), s.frame.begin(), s.frame.end());
    ASSERT_EQ(wire_frame.size(), f.size());
    EXPECT_EQ(MacAddr::from(wire_frame.data()), kMacC);
    EXPECT_EQ(MacAddr::from(wire_frame.data() + 6), kMacA);
    EXPECT_TRUE(std::equal(f.begin() + 12, f.end(), wire_frame.begin() + 12));
    EXPECT_TRUE(ops.l3.empty());
}

TEST_F(RscTest, OnlyForARouterEntryWithRscOn) {
    for (bool rsc : {false, true}) {
        ops = Recorder{};
        VxlanConfig c = cfg();
        c.rsc = rsc;
        VxlanDev dev(c, ops, clock);
        routes(dev, /*router=*/rsc ? false : true);
        dev.xmit(to_host());
        ASSERT_EQ(ops.sent.size(), 1u);
        EXPECT_EQ(ops.sent[0].tx.dst.ip, ip4(192, 0, 2, 9)) << "rsc " << rsc;
        EXPECT_EQ(ops.sent[0].hdr.size(), wire::kVxlanHlen);
    }
}

TEST_F(RscTest, NoNeighbourIsAnL3MissAndTheFrameGoesToTheRouter) {
    VxlanDev dev(cfg(), ops, clock);
    routes(dev);
    dev.xmit(test::ipv4_frame(0x0a000002, 0x0a010006, 17, 1000, 2000));
    ASSERT_EQ(ops.l3.size(), 1u);
    EXPECT_EQ(ops.l3[0], ip4(10, 1, 0, 6));
    ASSERT_EQ(ops.sent.size(), 1u);
    EXPECT_EQ(ops.sent[0].tx.dst.ip, ip4(192, 0, 2, 9));
    EXPECT_EQ(ops.sent[0].hdr.size(), wire::kVxlanHlen);
}

TEST_F(RscTest, NotIpOrAlreadyTheNeighboursMacIsLeftAlone) {
    VxlanDev dev(cfg(), ops, clock);
    routes(dev);
    // The neighbour's MAC is the router's own: nothing to rewrite.
    ASSERT_TRUE(dev.neigh_add(ip4(10, 1, 0, 7), kMacA, true));
    dev.xmit(test::ipv4_frame(0x0a000002, 0x0a010007, 17, 1000, 2000));
    // An ARP frame to the router is not IP.
    dev.xmit(arp_frame(wire::kArpOpReply, kMacB, ip4(10, 0, 0, 2), ip4(10, 1, 0, 5), kMacA));
    // A truncated IPv4 header.
    auto shortf = to_host();
    shortf.resize(wire::kEthHlen + 19);
    dev.xmit(shortf);
    ASSERT_EQ(ops.sent.size(), 3u);
    for (const Sent& s : ops.sent) {
        EXPECT_EQ(s.tx.dst.ip, ip4(192, 0, 2, 9));
        EXPECT_EQ(s.hdr.size(), wire::kVxlanHlen);
    }
    EXPECT_TRUE(ops.l3.empty());
}

TEST_F(RscTest, Ipv6TooAndABridgeLocalNeighbourComesBack) {
    VxlanDev dev(cfg(), ops, clock);
    dev.fdb_add(kMacA, {ip4(192, 0, 2, 9)}, false, true);
    dev.fdb_add(kMacC, {ip4(0, 0, 0, 0)}, false);  // bridge-local: behind our NIC
    ASSERT_TRUE(dev.neigh_add(ip6(5), kMacC, true));
    auto f = test::eth_frame(kMacA, kMacB, wire::kEthPIpv6, wire::kIpv6Hlen + 8);
    wire::Ipv6Repr ip{.next_header = wire::kIpProtoUdp, .hop_limit = 64};
    ip.src = ip6(2).bytes;
    ip.dst = ip6(5).bytes;
    ip.emit(f.data() + wire::kEthHlen, 8);
    dev.xmit(f);
    EXPECT_TRUE(ops.sent.empty());
    ASSERT_EQ(ops.delivered.size(), 1u);
    const auto& back = ops.delivered[0];
    ASSERT_EQ(back.size(), f.size());
    EXPECT_EQ(MacAddr::from(back.data()), kMacC);
    EXPECT_EQ(MacAddr::from(back.data() + 6), kMacA);
    EXPECT_TRUE(std::equal(f.begin() + 12, f.end(), back.begin() + 12));
    EXPECT_EQ(dev.counters().tx_packets, 1u);
    EXPECT_EQ(dev.counters().rx_packets, 1u);
    // Without the short-circuit a bridge-local entry is nowhere to send.
    dev.xmit(test::eth_frame(kMacC, kMacB, wire::kEthPIpv6, 60));
    EXPECT_EQ(dev.counters().dropped(DropReason::vx_no_fdb), 1u);
}

// A frame whose checksum remcsum-tx would leave to the receiver comes back
// to our own NIC: we are the receiver, so it is finished here, or passed
// on partial to a NIC that takes that (vxlan_encap_bypass keeps the skb's
// CHECKSUM_PARTIAL).
TEST_F(RscTest, ABridgeLocalNeighbourGetsTheChecksumLeftPartial) {
    VxlanConfig c = cfg();
    c.remcsum_tx = true;
    auto f = to_host();
    const std::uint32_t ps = wire::csum_pseudo({f.data() + 26, 4}, {f.data() + 30, 4}, 17, 8);
    wire::store_be16(f.data() + 40, static_cast<std::uint16_t>(~wire::csum_fold(ps)));
    wire::store_be16(f.data() + 38, 8);  // UDP length
    Offload off;
    off.ip_summed = IpSummed::partial;
    off.csum_start = 34;
    off.csum_offset = 6;
    off.network_offset = 14;
    for (bool nic_csum : {false, true}) {
        SCOPED_TRACE(nic_csum);
        Recorder rec;
        VxlanDev dev(c, rec, clock);
        dev.set_nic_csum(nic_csum);
        dev.fdb_add(kMacA, {ip4(192, 0, 2, 9)}, false, true);
        dev.fdb_add(kMacC, {ip4(0, 0, 0, 0)}, false);
        ASSERT_TRUE(dev.neigh_add(ip4(10, 1, 0, 5), kMacC, true));
        dev.xmit(f, off);
        ASSERT_EQ(rec.delivered.size(), 1u);
        EXPECT_EQ(l4_checksum_ok(rec.delivered[0]), !nic_csum);
        EXPECT_EQ(rec.offloads[0].ip_summed, nic_csum ? IpSummed::partial : IpSummed::none);
    }
}

TEST_F(RscTest, ProxyAnswersForARouterWithTheRouterFlag) {
    VxlanConfig c = cfg();
    c.proxy = true;
    VxlanDev dev(c, ops, clock);
    dev.fdb_add(kMacC, {ip4(192, 0, 2, 3)}, false, true);
    ASSERT_TRUE(dev.neigh_add(ip6(1), kMacC, true));
    dev.xmit(ns_frame(ip6(2), 1));
    ASSERT_EQ(ops.delivered.size(), 1u);
    auto v6 = wire::Ipv6View::parse(std::span(ops.delivered[0]).subspan(wire::kEthHlen));
    ASSERT_TRUE(v6);
    auto na = wire::NdRepr::parse(*v6);
    ASSERT_TRUE(na);
    EXPECT_EQ(na->flags & wire::kNdFlagRouter, wire::kNdFlagRouter);
}

TEST_F(RscTest, PermanentNeighboursStayAndMigrateWithTheRouterFlag) {
    VxlanConfig c = cfg();
    c.proxy = true;
    VxlanDev dev(c, ops, clock);
    routes(dev);
    // A snooped ARP claiming the permanent neighbour's address changes nothing.
    auto claim = arp_frame(wire::kArpOpReply, kMacB, ip4(10, 1, 0, 5), ip4(10, 0, 0, 2), kMacA);
    dev.rx(ip4(192, 0, 2, 2), 0, claim);
    clock.advance_ms(kVxlanNeighReachableMs * 10);
    dev.run_timers();
    ASSERT_EQ(dev.neigh_count(), 1u);  // the snooped one aged out
    std::vector<std::uint8_t> neigh, fdb;
    dev.neigh_save(neigh);
    dev.fdb().save(fdb, clock.now_ms());

    Recorder ops2;
    VxlanDev dst(cfg(), ops2, clock);
    ASSERT_TRUE(dst.neigh_load(neigh));
    ASSERT_TRUE(dst.fdb().load(fdb, clock.now_ms()));
    dst.xmit(to_host());
    ASSERT_EQ(ops2.sent.size(), 1u);
    EXPECT_EQ(ops2.sent[0].tx.dst.ip, ip4(192, 0, 2, 3));
    EXPECT_EQ(MacAddr::from(ops2.sent[0].hdr.data() + wire::kVxlanHlen), kMacC);
    // Malformed blobs are refused whole.
    neigh.pop_back();
    EXPECT_FALSE(dst.neigh_load(neigh));
    fdb[2 + 4 + 6] = 4;  // the first entry's flags: an unknown bit
    EXPECT_FALSE(dst.fdb().load(fdb, clock.now_ms()));
}

// --- receive checks --------------------------------------------------------

TEST_F(VxlanTest, MalformedDatagramsAreDroppedAndCounted) {
    VxlanDev dev(base_config(), ops, clock);
    VxlanSock sock;
    sock.add(dev);
    auto good = payload_for(42, test::eth_frame(kMacC, kMacA, 0x88b5, 46));
    auto rx = [&](std::vector<std::uint8_t> p, bool trunc = false) {
        sock.rx(ip4(192, 0, 2, 2), 0, p, trunc);
    };
    rx({1, 2, 3});  // short
    auto p = good;
    p[0] = 0;  // I flag clear
    rx(p);
    rx(payload_for(43, test::eth_frame(kMacC, kMacA, 0x88b5, 46)));  // unknown VNI
    p = good;
    p[1] = 0x40;  // a reserved bit
    rx(p);
    rx(std::vector<std::uint8_t>(good.begin(), good.begin() + 8 + 10));     // inner cut short
    rx(payload_for(42, test::eth_frame(kMacC, kMacA, 0x0800, 10)));         // IPv4 header cut
    rx(payload_for(42, test::eth_frame(kMacC, kMacA, 0x88b5, 1600)));       // over the MTU
    rx(good, true);                                                         // MSG_TRUNC
    rx(payload_for(42, test::eth_frame(kMacC, test::kMcast, 0x88b5, 46)));  // group source
    dev.set_own_mac(kMacA);
    rx(good);  // our own frame come back
    EXPECT_TRUE(ops.delivered.empty());
    const auto& s = sock.counters();
    EXPECT_EQ(s.dropped(DropReason::vx_short), 1u);
    EXPECT_EQ(s.dropped(DropReason::vx_no_i_flag), 1u);
    EXPECT_EQ(s.dropped(DropReason::vx_unknown_vni), 1u);
    const auto& d = dev.counters();
    EXPECT_EQ(d.dropped(DropReason::vx_reserved_bits), 1u);
    EXPECT_EQ(d.dropped(DropReason::vx_truncated), 2u);
    EXPECT_EQ(d.dropped(DropReason::vx_oversize), 2u);
    EXPECT_EQ(d.dropped(DropReason::vx_bad_src_mac), 1u);
    EXPECT_EQ(d.dropped(DropReason::vx_own_mac), 1u);
    dev.set_own_mac(kMacB);
    rx(good);  // and a good one still passes
    EXPECT_EQ(ops.delivered.size(), 1u);
}

// Remote checksum offload (vxlan_remcsum): the kernel's vxlan with
// remcsumtx left its inner UDP checksum holding the pseudo-header's sum,
// the RCO flag set and start 34, UDP, in the byte after the VNI. With
// remcsum-rx we finish it and clear both; without, the flag is a reserved
// bit, as in Linux.
TEST_F(VxlanTest, RemoteChecksumOffloadFromTheKernel) {
    const std::uint8_t* k = test::kVxlanIpv4RemcsumTx;
    const std::size_t h = outer_hlen(k);
    const std::vector<std::uint8_t> payload(k + h + 8, k + sizeof test::kVxlanIpv4RemcsumTx);
    const auto hdr = wire::VxlanHeader::parse(payload);
    ASSERT_TRUE(hdr && hdr->has_rco());
    EXPECT_EQ(hdr->rco_start(), 34u);
    EXPECT_EQ(hdr->rco_field(), 40u);
    const std::vector<std::uint8_t> sent(payload.begin() + 8, payload.end());
    ASSERT_FALSE(l4_checksum_ok(sent));  // as the kernel left it

    VxlanConfig c = base_config();
    c.vni = 45;
    c.local = ip4(192, 0, 2, 2);
    c.remote.reset();
    c.remcsum_rx = true;
    VxlanDev dev(c, ops, clock);
    c.vni = 46;
    c.remcsum_rx = false;
    VxlanDev off(c, ops, clock);
    VxlanSock sock, sock_off;
    sock.add(dev);
    sock_off.add(off);
    auto p = payload;
    sock.rx(ip4(192, 0, 2, 1), 0, p, false);
    ASSERT_EQ(ops.delivered.size(), 1u);
    const auto got = ops.delivered[0];
    EXPECT_TRUE(l4_checksum_ok(got));
    // Only the checksum changed.
    auto expect = sent;
    expect[40] = got[40];
    expect[41] = got[41];
    EXPECT_EQ(got, expect);

    // Without remcsum-rx, Linux refuses the flag and the byte after the VNI.
    p = payload;
    p[6] = 46;  // VNI 46
    sock_off.rx(ip4(192, 0, 2, 1), 0, p, false);
    EXPECT_EQ(off.counters().dropped(DropReason::vx_reserved_bits), 1u);
    EXPECT_EQ(ops.delivered.size(), 1u);

    // TCP's field; the byte after the VNI taken even with RCO clear; a
    // field past the end of the frame is a truncated frame.
    auto tcp = test::ipv4_frame(0x0a2d0001, 0x0a2d0002, 6, 1000, 2000);
    const std::uint32_t ps = wire::csum_pseudo({tcp.data() + 26, 4}, {tcp.data() + 30, 4}, 6, 20);
    const std::uint16_t seed = static_cast<std::uint16_t>(~wire::csum_fold(ps));
    tcp[50] = static_cast<std::uint8_t>(seed >> 8);
    tcp[51] = static_cast<std::uint8_t>(seed);
    auto rco = [&](std::uint32_t flags, std::uint8_t low, const std::vector<std::uint8_t>& f) {
        auto q = payload_for(45, f);
        wire::store_be32(q.data(), flags);
        q[7] = low;
        sock.rx(ip4(192, 0, 2, 1), 0, q, false);
    };
    rco(wire::kVxlanFlagI | wire::kVxlanFlagRco, 17, tcp);
    ASSERT_EQ(ops.delivered.size(), 2u);
    EXPECT_TRUE(l4_checksum_ok(ops.delivered[1]));
    rco(wire::kVxlanFlagI, 0x55, tcp);
    ASSERT_EQ(ops.delivered.size(), 3u);
    EXPECT_EQ(ops.delivered[2], tcp);                               // RCO clear: left alone
    rco(wire::kVxlanFlagI | wire::kVxlanFlagRco, 0x80 | 127, tcp);  // field at 260
    EXPECT_EQ(dev.counters().dropped(DropReason::vx_truncated), 1u);
    EXPECT_EQ(ops.delivered.size(), 3u);
    EXPECT_EQ(ops.offloads[0].ip_summed, IpSummed::none);

    // A NIC that takes partial checksums gets it partial, as Linux leaves
    // it (skb_remcsum_adjust_partial): the frame as the kernel sent it.
    dev.set_nic_csum(true);
    p = payload;
    sock.rx(ip4(192, 0, 2, 1), 0, p, false);
    ASSERT_EQ(ops.delivered.size(), 4u);
    EXPECT_EQ(ops.delivered[3], sent);
    const Offload& o = ops.offloads[3];
    EXPECT_EQ(o.ip_summed, IpSummed::partial);
    EXPECT_EQ(o.csum_start, 34);
    EXPECT_EQ(o.csum_offset, 6);
    // Filled as the guest's driver would, it is the kernel's checksum.
    auto filled = sent;
    Offload fo = o;
    ASSERT_TRUE(skb_checksum_help(filled, fo));
    EXPECT_EQ(filled, got);
}

// Sending it (vxlan_build_skb with VXLAN_F_REMCSUM_TX): a partial TCP or
// UDP checksum at an even start up to 254 goes as the driver left it,
// with the RCO flag and start and kind in the byte after the VNI; any
// other partial checksum, or any without remcsum-tx, is filled here.
TEST_F(VxlanTest, RemoteChecksumOffloadSent) {
    VxlanConfig c = base_config();
    c.remcsum_tx = true;
    auto sent_for = [&](const VxlanConfig& cfg, std::vector<std::uint8_t> f, std::uint16_t start,
                        std::uint16_t offset) {
        Recorder rec;
        VxlanDev dev(cfg, rec, clock);
        Offload off;
        off.ip_summed = IpSummed::partial;
        off.csum_start = start;
        off.csum_offset = offset;
        off.network_offset = 14;
        dev.xmit(f, off);
        EXPECT_EQ(rec.sent.size(), 1u);
        return rec.sent.empty() ? Sent{} : rec.sent[0];
    };
    auto tcp = test::ipv4_frame(0x0a2d0001, 0x0a2d0002, 6, 1000, 2000);
    const std::uint32_t ps = wire::csum_pseudo({tcp.data() + 26, 4}, {tcp.data() + 30, 4}, 6, 20);
    const auto seed = static_cast<std::uint16_t>(~wire::csum_fold(ps));
    wire::store_be16(tcp.data() + 50, seed);
    Sent s = sent_for(c, tcp, 34, 16);
    EXPECT_EQ(wire::load_be32(s.hdr.data()), wire::kVxlanFlagI | wire::kVxlanFlagRco);
    EXPECT_EQ(s.hdr[7], 17);  // 34 / 2, TCP
    EXPECT_EQ(s.frame, tcp);  // untouched: the receiver finishes it
    // Without remcsum-tx, or where RCO cannot say it, filled here.
    VxlanConfig plain = base_config();
    for (const auto& [cfg, start, offset] :
         {std::tuple{plain, 34, 16}, std::tuple{c, 33, 16}, std::tuple{c, 34, 2}}) {
        auto f = tcp;
        if (start == 33) {  // one byte of padding before the TCP header's
            f.insert(f.begin() + 33, 0);
        }
        s = sent_for(cfg, f, static_cast<std::uint16_t>(start), static_cast<std::uint16_t>(offset));
        EXPECT_EQ(wire::load_be32(s.hdr.data()), wire::kVxlanFlagI);
        EXPECT_EQ(s.hdr[7], 0);
        EXPECT_NE(s.frame, f);
    }
    s = sent_for(plain, tcp, 34, 16);
    EXPECT_TRUE(l4_checksum_ok(s.frame));
}

// A GSO frame is cut here (the kernel's own TCP segments of capture-gso.py);
// with remcsum-tx each segment carries the RCO flag and its pseudo-header
// sum, and a receiver with remcsum-rx finishes each into the kernel's
// segment byte for byte. Without, each goes with its checksum final.
TEST_F(VxlanTest, GsoFramesAreCutAndTheirChecksumsLeftToTheReceiver) {
    using Bytes = std::vector<std::uint8_t>;
    auto b = [](const auto& a) { return Bytes(std::begin(a), std::end(a)); };
    struct Case {
        Bytes hdr, frame;
        std::vector<Bytes> kernel;
        std::uint8_t rco;  // the TCP header's start, in 2-byte units
    };
    const Case cases[] = {
        {b(test::kGsoTcp4Hdr),
         b(test::kGsoTcp4),
         {b(test::kGsoTcp4Out0), b(test::kGsoTcp4Out1), b(test::kGsoTcp4Out2),
          b(test::kGsoTcp4Out3)},
         (14 + 20) / 2},
        {b(test::kGsoTcp6Hdr),
         b(test::kGsoTcp6),
         {b(test::kGsoTcp6Out0), b(test::kGsoTcp6Out1), b(test::kGsoTcp6Out2)},
         (14 + 40) / 2},
    };
    for (const Case& k : cases) {
        const auto hc = virtio_net_hdr_to_offload(VirtioNetHdr::load(k.hdr.data()), k.frame,
                                                  {true, true, true, true, true});
        ASSERT_FALSE(hc.refused);
        for (bool remcsum : {true, false}) {
            SCOPED_TRACE(::testing::Message() << int{k.rco} << " remcsum " << remcsum);
            VxlanConfig c = base_config();
            c.remcsum_tx = remcsum;
            Recorder rec;
            VxlanDev dev(c, rec, clock);
            dev.xmit(k.frame, hc.offload);
            ASSERT_EQ(rec.sent.size(), k.kernel.size());
            EXPECT_EQ(dev.counters().tx_packets, k.kernel.size());
            VxlanConfig rc = base_config();
            rc.local = ip4(192, 0, 2, 2);
            rc.remote.reset();
            rc.remcsum_rx = true;
            Recorder got;
            VxlanDev peer(rc, got, clock);
            VxlanSock sock;
            sock.add(peer);
            for (std::size_t i = 0; i < k.kernel.size(); ++i) {
                const Sent& s = rec.sent[i];
                EXPECT_EQ(wire::load_be32(s.hdr.data()),
                          wire::kVxlanFlagI | (remcsum ? wire::kVxlanFlagRco : 0));
                EXPECT_EQ(s.hdr[7], remcsum ? k.rco : 0);
                EXPECT_EQ(s.frame == k.kernel[i], !remcsum);
                auto p = s.hdr;
                p.insert(p.end(), s.frame.begin(), s.frame.end());
                sock.rx(ip4(192, 0, 2, 1), 0, p, false);
            }
            ASSERT_EQ(got.delivered.size(), k.kernel.size());
            for (std::size_t i = 0; i < k.kernel.size(); ++i) {
                EXPECT_EQ(got.delivered[i], k.kernel[i]) << i;
            }
        }
    }
}

// GBP (vxlan_parse_gbp_hdr, vxlan_build_gbp_hdr): with gbp on, the G
// flag, its D and A bits and the policy ID are taken and counted by ID,
// anything else reserved still refused; with gbp off, the G flag is a
// reserved bit. We send the G flag only with a mark.
TEST_F(VxlanTest, GroupPolicyBothWays) {
    VxlanConfig c = base_config();
    c.gbp = true;
    VxlanDev dev(c, ops, clock);
    VxlanConfig off_cfg = base_config();
    off_cfg.vni = 43;
    VxlanDev off(off_cfg, ops, clock);
    VxlanSock sock;
    sock.add(dev);
    sock.add(off);
    const auto frame = test::eth_frame(kMacC, kMacA, 0x88b5, 46);
    auto with_flags = [&](std::uint32_t vni, std::uint32_t flags, std::uint8_t low = 0) {
        auto p = payload_for(vni, frame);
        wire::store_be32(p.data(), flags);
        p[7] = low;
        sock.rx(ip4(192, 0, 2, 2), 0, p, false);
    };
    with_flags(42, 0x88001234);
    with_flags(42, 0x88481234);  // Don't Learn and Policy Applied too
    with_flags(42, 0x88000007);
    with_flags(42, 0x08000000);     // no G flag: no ID
    with_flags(42, 0x88001234, 1);  // the byte after the VNI stays reserved
    with_flags(42, 0x8c001234);     // as does a flag byte bit
    with_flags(43, 0x88001234);     // gbp off: the G flag is reserved
    EXPECT_EQ(ops.delivered.size(), 4u);
    ASSERT_EQ(dev.gbp_counts().size(), 2u);
    EXPECT_EQ(dev.gbp_counts()[0].id, 0x1234);
    EXPECT_EQ(dev.gbp_counts()[0].packets, 2u);
    EXPECT_EQ(dev.gbp_counts()[1].id, 7);
    EXPECT_EQ(dev.counters().dropped(DropReason::vx_reserved_bits), 2u);
    EXPECT_EQ(off.counters().dropped(DropReason::vx_reserved_bits), 1u);
    EXPECT_TRUE(off.gbp_counts().empty());
    // Past 64 IDs, the rest together.
    for (std::uint32_t id = 100; id < 200; ++id) {
        with_flags(42, 0x88000000 | id);
    }
    EXPECT_EQ(dev.gbp_counts().size(), VxlanDev::kGbpIdsCounted);
    EXPECT_EQ(dev.gbp_other(), 100u - (VxlanDev::kGbpIdsCounted - 2));

    // Sending: the mark's ID and flags behind the G flag; no mark, no G.
    auto first_word = [&](const VxlanConfig& cfg) {
        Recorder rec;
        VxlanDev d(cfg, rec, clock);
        d.xmit(test::eth_frame(kMacB, kMacA, 0x88b5, 46));
        EXPECT_EQ(rec.sent.size(), 1u);
        return rec.sent.empty() ? 0u : wire::load_be32(rec.sent[0].hdr.data());
    };
    EXPECT_EQ(first_word(c), 0x08000000u);
    c.gbp_mark = 0x1234 | wire::kVxlanGbpDontLearn;
    EXPECT_EQ(first_word(c), 0x88401234u);
    EXPECT_FALSE(validate(c).has_value());
    c.gbp = false;
    ASSERT_TRUE(validate(c).has_value());
    EXPECT_STREQ(validate(c)->field, "gbp-id");
    EXPECT_EQ(first_word(c), 0x08000000u);
}

std::vector<std::uint8_t> ecn_frame(std::uint8_t ecn) {
    auto f = test::ipv4_frame(0x0a000001, 0x0a000002, 17, 1, 2);
    f[15] = ecn;
    f[24] = f[25] = 0;
    const std::uint16_t c = wire::csum_fold(wire::csum_add(0, {f.data() + 14, 20}));
    f[24] = static_cast<std::uint8_t>(c >> 8);
    f[25] = static_cast<std::uint8_t>(c);
    return f;
}

TEST_F(VxlanTest, EcnDecapsulationPerRfc6040) {
    VxlanDev dev(base_config(), ops, clock);
    auto not_ect = ecn_frame(0);
    dev.rx(ip4(192, 0, 2, 2), 0x03, not_ect);  // CE over not-ECT: dropped
    EXPECT_EQ(dev.counters().dropped(DropReason::vx_ecn), 1u);
    auto ect = ecn_frame(0x02);
    dev.rx(ip4(192, 0, 2, 2), 0x03, ect);  // CE over ECT(0): marked CE
    ASSERT_EQ(ops.delivered.size(), 1u);
    EXPECT_EQ(ops.delivered[0][15] & 3, 3);
    auto v4 = wire::Ipv4View::parse(std::span(ops.delivered[0]).subspan(14));
    ASSERT_TRUE(v4);
    EXPECT_TRUE(v4->checksum_ok());
    auto plain = ecn_frame(0x02);
    dev.rx(ip4(192, 0, 2, 2), 0x02, plain);  // ECT outer: unchanged
    EXPECT_EQ(ops.delivered[1], ecn_frame(0x02));
}

// --- configuration and socket sharing ---------------------------------------

TEST(VxlanConfigTest, ValidateRefusesWhatLinuxRefuses) {
    VxlanConfig c = base_config();
    EXPECT_FALSE(validate(c));
    c.vni = 1u << 24;
    ASSERT_TRUE(validate(c));
    EXPECT_STREQ(validate(c)->field, "vni");
    c = base_config();
    c.port_min = 6000;
    c.port_max = 5000;
    EXPECT_STREQ(validate(c)->field, "srcport");
    c = base_config();
    c.remote = ip6(2);
    EXPECT_STREQ(validate(c)->field, "remote");
    c = base_config();
    c.mtu = 67;
    EXPECT_STREQ(validate(c)->field, "mtu");
    c = base_config();
    c.local = ip4(239, 0, 0, 1);
    EXPECT_STREQ(validate(c)->field, "local");
}

TEST_F(VxlanTest, OneSocketManyVnis) {
    Recorder other;
    VxlanConfig c = base_config();
    VxlanDev a(c, ops, clock);
    c.vni = 7;
    VxlanDev b(c, other, clock);
    VxlanDev dup(c, other, clock);
    VxlanSock sock;
    EXPECT_TRUE(sock.add(a));
    EXPECT_TRUE(sock.add(b));
    EXPECT_FALSE(sock.add(dup));
    auto p = payload_for(7, test::eth_frame(kMacC, kMacA, 0x88b5, 46));
    sock.rx(ip4(192, 0, 2, 2), 0, p, false);
    EXPECT_TRUE(ops.delivered.empty());
    EXPECT_EQ(other.delivered.size(), 1u);
    sock.remove(b);
    sock.rx(ip4(192, 0, 2, 2), 0, p, false);
    EXPECT_EQ(sock.counters().dropped(DropReason::vx_unknown_vni), 1u);
}

// --- external mode: a VLAN trunk on the NIC side --------------------------
//
// The kernel's topology this stands for: a VLAN-filtering bridge whose
// port is a `vxlan external` device with `vlan_tunnel on` and `bridge vlan
// add dev vx0 vid V tunnel_info id N` per line of the map, the NIC on a
// trunk port of the same bridge.

std::vector<std::uint8_t> tagged(std::vector<std::uint8_t> f, std::uint16_t tci) {
    const std::uint8_t tag[4] = {0x81, 0x00, static_cast<std::uint8_t>(tci >> 8),
                                 static_cast<std::uint8_t>(tci)};
    f.insert(f.begin() + 12, std::begin(tag), std::end(tag));
    return f;
}

VxlanConfig external_config() {
    VxlanConfig c = base_config();
    c.external = true;
    c.vni = 3000;  // the untagged frames'
    c.vlan_tunnel = {{10, 1000}, {20, 2000}};
    c.learning = true;
    return c;
}

TEST(VxlanConfigTest, ExternalRefusesWhatTheBridgeRefuses) {
    VxlanConfig c = external_config();
    EXPECT_FALSE(validate(c));
    c.vni = kVxlanNoVni;  // only tagged frames pass
    EXPECT_FALSE(validate(c));
    c.vlan_tunnel.clear();
    ASSERT_TRUE(validate(c));
    EXPECT_STREQ(validate(c)->field, "external");
    const std::vector<std::vector<VlanTunnel>> bad = {{{0, 5}},           {{4095, 5}},
                                                      {{10, 5}, {10, 6}}, {{10, 5}, {11, 5}},
                                                      {{10, 3000}},       {{10, 1u << 24}}};
    for (const auto& m : bad) {
        c = external_config();
        c.vlan_tunnel = m;
        ASSERT_TRUE(validate(c)) << m[0].vid << ":" << m[0].vni;
        EXPECT_STREQ(validate(c)->field, "vlan-tunnel");
    }
    c = base_config();
    c.vlan_tunnel = {{10, 5}};
    EXPECT_STREQ(validate(c)->field, "vlan-tunnel");  // a map needs external
    c = base_config();
    c.vni = kVxlanNoVni;
    EXPECT_STREQ(validate(c)->field, "vni");
    EXPECT_NE(validate(c)->why.find("required"), std::string::npos);
}

// Out: the tag picks the VNI and is left out of the datagram; the FDB is
// the VNI's own, so one MAC may sit behind other remotes in other VNIs.
TEST_F(VxlanTest, ExternalTagsPickTheVniAndTheFdbIsPerVni) {
    VxlanConfig c = external_config();
    c.remote.reset();
    VxlanDev dev(c, ops, clock);
    ASSERT_EQ(dev.fdb_add(kMacA, {ip4(192, 0, 2, 10), 0, 0}, false, false, 1000), FdbResult::added);
    ASSERT_EQ(dev.fdb_add(kMacA, {ip4(192, 0, 2, 20), 0, 0}, false, false, 2000), FdbResult::added);
    ASSERT_EQ(dev.fdb_add(kMacA, {ip4(192, 0, 2, 30), 0, 0}, false, false, 3000), FdbResult::added);
    const auto f = test::ipv4_frame(0x0a000001, 0x0a000002, 17, 1, 2);
    auto to_a = f;
    std::copy(kMacA.bytes.begin(), kMacA.bytes.end(), to_a.begin());
    for (const auto& [tci, vni, last] :
         {std::tuple{10, 1000u, 10}, std::tuple{0x6014, 2000u, 20}, std::tuple{-1, 3000u, 30},
          std::tuple{0x5000, 3000u, 30}}) {
        ops.sent.clear();
        dev.xmit(tci < 0 ? to_a : tagged(to_a, static_cast<std::uint16_t>(tci)));
        ASSERT_EQ(ops.sent.size(), 1u) << tci;
        const Sent& sent = ops.sent[0];
        EXPECT_EQ(sent.tx.dst.ip, ip4(192, 0, 2, static_cast<std::uint8_t>(last)));
        EXPECT_EQ(wire::load_be32(sent.hdr.data() + 4) >> 8, vni);
        std::vector<std::uint8_t> wire_frame(sent.hdr.begin() + 8, sent.hdr.end());
        wire_frame.insert(wire_frame.end(), sent.frame.begin(), sent.frame.end());
        EXPECT_EQ(wire_frame, to_a) << tci;  // the tag (or priority tag) is gone
    }
    EXPECT_EQ(dev.counters().tx_bytes, 4 * to_a.size());
    ops.sent.clear();
    dev.xmit(tagged(to_a, 30));  // VLAN 30 maps to nothing
    EXPECT_TRUE(ops.sent.empty());
    EXPECT_EQ(dev.counters().dropped(DropReason::vx_no_vlan_tunnel), 1u);
    EXPECT_EQ(dev.fdb_del(kMacA, nullptr, 2000), FdbResult::removed);
    EXPECT_EQ(dev.fdb_del(kMacA, nullptr, 2000), FdbResult::not_found);
    EXPECT_NE(dev.fdb().peek(kMacA, 1000), nullptr);

    // Without an untagged VNI, untagged frames have nowhere to go.
    c.vni = kVxlanNoVni;
    Recorder rec;
    VxlanDev trunk(c, rec, clock);
    trunk.xmit(to_a);
    EXPECT_EQ(trunk.counters().dropped(DropReason::vx_no_vlan_tunnel), 1u);
}

// In: every VNI reaches the one device; the VNI's VLAN goes on as a tag
// the glue inserts, learning is per VNI, and a VNI the map lacks is dropped.
TEST_F(VxlanTest, ExternalVnisComeInOnTheirVlansAndAreLearnedApart) {
    VxlanDev dev(external_config(), ops, clock);
    VxlanSock sock;
    ASSERT_TRUE(sock.add(dev));
    VxlanDev plain(base_config(), ops, clock);
    EXPECT_FALSE(sock.add(plain));
    const auto f = test::eth_frame(kMacC, kMacA, 0x88b5, 46);
    for (const auto& [vni, ip] :
         {std::pair{1000u, 10}, std::pair{2000u, 20}, std::pair{3000u, 30}, std::pair{4000u, 40}}) {
        auto p = payload_for(vni, f);
        sock.rx(ip4(192, 0, 2, static_cast<std::uint8_t>(ip)), 0, p, false);
    }
    // VNI 4000, which no line maps, lands untagged, where the bridge's
    // PVID would put it; learned under its own VNI, as vxlan_snoop does.
    ASSERT_EQ(ops.delivered.size(), 4u);
    EXPECT_EQ(ops.vlans, (std::vector<std::uint16_t>{10, 20, 0, 0}));
    EXPECT_EQ(ops.delivered[0], f);  // the tag is the glue's to insert
    EXPECT_EQ(dev.counters().dropped(DropReason::vx_unknown_vni), 0u);
    EXPECT_EQ(dev.fdb().peek(kMacA, 1000)->remotes[0],
              (VxlanRemote{ip4(192, 0, 2, 10), 4789, 1000}));
    EXPECT_EQ(dev.fdb().peek(kMacA, 2000)->remotes[0].ip, ip4(192, 0, 2, 20));
    EXPECT_EQ(dev.fdb().peek(kMacA, 4000)->remotes[0].ip, ip4(192, 0, 2, 40));
    // A frame already tagged keeps its tag, if the map has its VLAN.
    auto p = payload_for(1000, tagged(f, 20));
    sock.rx(ip4(192, 0, 2, 10), 0, p, false);
    p = payload_for(1000, tagged(f, 30));
    sock.rx(ip4(192, 0, 2, 10), 0, p, false);
    ASSERT_EQ(ops.delivered.size(), 5u);
    EXPECT_EQ(ops.vlans[4], 0);
    EXPECT_EQ(ops.delivered[4], tagged(f, 20));
    EXPECT_EQ(dev.counters().dropped(DropReason::vx_unknown_vni), 1u);
    // Without an untagged network (no PVID), an unmapped VNI is dropped.
    VxlanConfig trunk_only = external_config();
    trunk_only.vni = kVxlanNoVni;
    Recorder rec2;
    VxlanDev trunk(trunk_only, rec2, clock);
    VxlanSock sock2;
    ASSERT_TRUE(sock2.add(trunk));
    p = payload_for(4000, f);
    sock2.rx(ip4(192, 0, 2, 40), 0, p, false);
    EXPECT_TRUE(rec2.delivered.empty());
    EXPECT_EQ(trunk.counters().dropped(DropReason::vx_unknown_vni), 1u);

    // Back out on VLAN 20, the learned remote of VNI 2000 is where it goes.
    auto back = tagged(test::eth_frame(kMacA, kMacC, 0x88b5, 46), 20);
    dev.xmit(back);
    ASSERT_EQ(ops.sent.size(), 1u);
    EXPECT_EQ(ops.sent[0].tx.dst.ip, ip4(192, 0, 2, 20));

    // The FDB migrates with its keys.
    std::vector<std::uint8_t> blob;
    dev.fdb().save(blob, clock.now_ms());
    Recorder rec;
    VxlanDev dst(external_config(), rec, clock);
    ASSERT_TRUE(dst.fdb().load(blob, clock.now_ms(), true));
    EXPECT_EQ(dst.fdb().peek(kMacA, 2000)->remotes[0].ip, ip4(192, 0, 2, 20));
    EXPECT_EQ(dst.fdb().peek(kMacA, 1000)->remotes[0].ip, ip4(192, 0, 2, 10));
    // Not into a device of the other mode, where no frame would find them.
    EXPECT_FALSE(plain.fdb().load(blob, clock.now_ms()));
    EXPECT_EQ(plain.fdb().size(), 1u);  // its default entry alone
}

// remote= serves every VNI of the map (Linux's one entry would be VNI 0's,
// which no frame of the map reaches).
TEST_F(VxlanTest, ExternalDefaultRemoteForEveryVni) {
    VxlanDev dev(external_config(), ops, clock);
    EXPECT_EQ(dev.fdb().size(), 3u);
    for (std::uint32_t vni : {1000u, 2000u, 3000u}) {
        ASSERT_NE(dev.fdb().peek(MacAddr{}, vni), nullptr) << vni;
        EXPECT_EQ(dev.fdb().peek(MacAddr{}, vni)->remotes[0].vni, vni);
    }
    dev.xmit(tagged(test::eth_frame(MacAddr::broadcast(), kMacC, 0x88b5, 46), 20));
    ASSERT_EQ(ops.sent.size(), 1u);
    EXPECT_EQ(ops.sent[0].tx.dst.ip, ip4(192, 0, 2, 2));
    EXPECT_EQ(wire::load_be32(ops.sent[0].hdr.data() + 4) >> 8, 2000u);
}

// The map changes at run time as `bridge vlan add/del ... tunnel_info`
// changes the bridge's, refusing what the bridge refuses.
TEST_F(VxlanTest, ExternalMapChangesAtRunTime) {
    VxlanDev dev(external_config(), ops, clock);
    using R = VxlanDev::MapResult;
    EXPECT_EQ(dev.vlan_tunnel_add(10, 5000), R::vid_taken);
    EXPECT_EQ(dev.vlan_tunnel_add(30, 1000), R::vni_taken);
    EXPECT_EQ(dev.vlan_tunnel_add(30, 3000), R::vni_taken);  // the untagged VNI
    EXPECT_EQ(dev.vlan_tunnel_add(4095, 5000), R::bad_vid);
    EXPECT_EQ(dev.vlan_tunnel_add(30, 1u << 24), R::bad_vni);
    const auto f = tagged(test::eth_frame(MacAddr::broadcast(), kMacC, 0x88b5, 46), 30);
    dev.xmit(f);
    EXPECT_EQ(dev.counters().dropped(DropReason::vx_no_vlan_tunnel), 1u);
    ASSERT_EQ(dev.vlan_tunnel_add(30, 5000), R::added);
    ASSERT_NE(dev.fdb().peek(MacAddr{}, 5000), nullptr);  // remote= serves it too
    dev.xmit(f);
    ASSERT_EQ(ops.sent.size(), 1u);
    EXPECT_EQ(wire::load_be32(ops.sent[0].hdr.data() + 4) >> 8, 5000u);
    auto p = payload_for(5000, test::eth_frame(kMacC, kMacA, 0x88b5, 46));
    VxlanSock sock;
    ASSERT_TRUE(sock.add(dev));
    sock.rx(ip4(192, 0, 2, 2), 0, p, false);
    ASSERT_EQ(ops.vlans.size(), 1u);
    EXPECT_EQ(ops.vlans[0], 30);
    std::vector<std::pair<std::uint16_t, std::uint32_t>> lines;
    dev.for_each_vlan_tunnel([&](std::uint16_t v, std::uint32_t n) { lines.emplace_back(v, n); });
    EXPECT_EQ(lines, (decltype(lines){{10, 1000}, {20, 2000}, {30, 5000}}));

    EXPECT_TRUE(dev.vlan_tunnel_del(30));
    EXPECT_FALSE(dev.vlan_tunnel_del(30));
    dev.xmit(f);
    EXPECT_EQ(dev.counters().dropped(DropReason::vx_no_vlan_tunnel), 2u);
    p = payload_for(5000, test::eth_frame(kMacC, kMacA, 0x88b5, 46));
    sock.rx(ip4(192, 0, 2, 2), 0, p, false);
    ASSERT_EQ(ops.vlans.size(), 2u);
    EXPECT_EQ(ops.vlans[1], 0);  // unmapped now: the untagged (PVID) network's
    EXPECT_EQ(dev.vlan_tunnel_add(31, 5000), R::added);  // the VNI is free again
    VxlanDev plain(base_config(), ops, clock);
    EXPECT_EQ(plain.vlan_tunnel_add(30, 5000), R::not_external);
}

// A tag before the transport header moves the checksum start: the RCO
// field counts from the frame as sent, without its tag, and a partial
// checksum delivered on a VLAN counts the tag in.
TEST_F(VxlanTest, ExternalRemoteChecksumOffloadCountsTheTag) {
    VxlanConfig c = external_config();
    c.remcsum_tx = true;
    c.remcsum_rx = true;
    VxlanDev dev(c, ops, clock);
    dev.set_nic_csum(true);
    auto tcp = tagged(test::ipv4_frame(0x0a2d0001, 0x0a2d0002, 6, 1000, 2000), 10);
    Offload off;
    off.ip_summed = IpSummed::partial;
    off.csum_start = 38;
    off.csum_offset = 16;
    off.network_offset = 18;
    dev.xmit(tcp, off);
    ASSERT_EQ(ops.sent.size(), 1u);
    EXPECT_EQ(wire::load_be32(ops.sent[0].hdr.data()), wire::kVxlanFlagI | wire::kVxlanFlagRco);
    EXPECT_EQ(ops.sent[0].hdr[7], 17);  // (38 - 4) / 2, TCP

    VxlanSock sock;
    ASSERT_TRUE(sock.add(dev));
    std::vector<std::uint8_t> p(ops.sent[0].hdr);
    p.insert(p.end(), ops.sent[0].frame.begin(), ops.sent[0].frame.end());
    p[8 + 6] ^= 0x02;  // not our own MAC coming back
    dev.set_own_mac(kMacB);
    sock.rx(ip4(192, 0, 2, 2), 0, p, false);
    ASSERT_EQ(ops.delivered.size(), 1u);
    EXPECT_EQ(ops.vlans[0], 10);
    EXPECT_EQ(ops.offloads[0].ip_summed, IpSummed::partial);
    EXPECT_EQ(ops.offloads[0].csum_start, 38);
    EXPECT_EQ(ops.offloads[0].csum_offset, 16);
    EXPECT_EQ(ops.offloads[0].network_offset, 18);
}

// A TSO frame on a VLAN (the guest's VLAN device passes TSO on, its
// offsets counting the tag): cut here, each segment out on the VLAN's VNI
// without the tag, the kernel's own segment; with remcsum-tx the RCO
// start counts from the frame as sent, and a receiver with remcsum-rx
// finishes each into the kernel's segment, delivered on its VLAN.
TEST_F(VxlanTest, ExternalGsoFramesOnAVlan) {
    using Bytes = std::vector<std::uint8_t>;
    const Bytes frame = tagged(Bytes(std::begin(test::kGsoTcp4), std::end(test::kGsoTcp4)), 10);
    Bytes hdr(std::begin(test::kGsoTcp4Hdr), std::end(test::kGsoTcp4Hdr));
    auto bump = [&](std::size_t at) {  // a little-endian offset, 4 bytes on
        const unsigned v = hdr[at] | (hdr[at + 1] << 8);
        hdr[at] = static_cast<std::uint8_t>(v + 4);
        hdr[at + 1] = static_cast<std::uint8_t>((v + 4) >> 8);
    };
    bump(2);  // hdr_len
    bump(6);  // csum_start
    const std::vector<Bytes> kernel = {
        Bytes(std::begin(test::kGsoTcp4Out0), std::end(test::kGsoTcp4Out0)),
        Bytes(std::begin(test::kGsoTcp4Out1), std::end(test::kGsoTcp4Out1)),
        Bytes(std::begin(test::kGsoTcp4Out2), std::end(test::kGsoTcp4Out2)),
        Bytes(std::begin(test::kGsoTcp4Out3), std::end(test::kGsoTcp4Out3))};
    const auto hc = virtio_net_hdr_to_offload(VirtioNetHdr::load(hdr.data()), frame,
                                              {true, true, true, true, true});
    ASSERT_FALSE(hc.refused);
    for (bool remcsum : {false, true}) {
        SCOPED_TRACE(::testing::Message() << "remcsum " << remcsum);
        VxlanConfig c = external_config();
        c.remcsum_tx = remcsum;
        Recorder rec;
        VxlanDev dev(c, rec, clock);
        dev.xmit(frame, hc.offload);
        ASSERT_EQ(rec.sent.size(), kernel.size());
        VxlanConfig rc = external_config();
        rc.local = ip4(192, 0, 2, 2);
        rc.remcsum_rx = true;
        Recorder got;
        VxlanDev peer(rc, got, clock);
        VxlanSock sock;
        sock.add(peer);
        for (std::size_t i = 0; i < kernel.size(); ++i) {
            const Sent& s = rec.sent[i];
            EXPECT_EQ(wire::load_be32(s.hdr.data() + 4) >> 8, 1000u);
            EXPECT_EQ(s.hdr[7], remcsum ? (14 + 20) / 2 : 0);
            Bytes wire_frame(s.hdr.begin() + 8, s.hdr.end());
            wire_frame.insert(wire_frame.end(), s.frame.begin(), s.frame.end());
            EXPECT_EQ(wire_frame == kernel[i], !remcsum) << i;
            Bytes p(s.hdr.begin(), s.hdr.begin() + 8);
            p.insert(p.end(), wire_frame.begin(), wire_frame.end());
            sock.rx(ip4(192, 0, 2, 1), 0, p, false);
        }
        ASSERT_EQ(got.delivered.size(), kernel.size());
        for (std::size_t i = 0; i < kernel.size(); ++i) {
            EXPECT_EQ(got.delivered[i], kernel[i]) << i;
            EXPECT_EQ(got.vlans[i], 10) << i;
        }
    }
}

// Route short-circuit reads past the tag and rewrites in the VNI's own
// FDB: out to the neighbour's remote without the tag, or, bridge-local,
// back to the NIC on the VLAN it came from.
TEST_F(VxlanTest, ExternalRouteShortcircuitPerVni) {
    VxlanConfig c = external_config();
    c.rsc = true;
    VxlanDev dev(c, ops, clock);
    const IpAddr any = IpAddr::v4(std::array<std::uint8_t, 4>{});
    for (std::uint32_t vni : {1000u, 2000u}) {
        ASSERT_EQ(dev.fdb_add(kMacA, {ip4(192, 0, 2, 9), 0, 0}, false, true, vni),
                  FdbResult::added);
    }
    ASSERT_EQ(dev.fdb_add(kMacC, {ip4(192, 0, 2, 3), 0, 0}, false, false, 1000), FdbResult::added);
    ASSERT_EQ(dev.fdb_add(kMacC, {any, 0, 0}, false, false, 2000), FdbResult::added);
    ASSERT_TRUE(dev.neigh_add(ip4(10, 1, 0, 5), kMacC, true));
    const auto f = test::ipv4_frame(0x0a000002, 0x0a010005, 17, 1000, 2000);
    std::vector<std::uint8_t> want = f;
    std::copy(kMacC.bytes.begin(), kMacC.bytes.end(), want.begin());
    std::copy(kMacA.bytes.begin(), kMacA.bytes.end(), want.begin() + 6);

    dev.xmit(tagged(f, 10));
    ASSERT_EQ(ops.sent.size(), 1u);
    EXPECT_EQ(ops.sent[0].tx.dst.ip, ip4(192, 0, 2, 3));
    std::vector<std::uint8_t> wire_frame(ops.sent[0].hdr.begin() + 8, ops.sent[0].hdr.end());
    wire_frame.insert(wire_frame.end(), ops.sent[0].frame.begin(), ops.sent[0].frame.end());
    EXPECT_EQ(wire_frame, want);

    dev.xmit(tagged(f, 20));
    EXPECT_EQ(ops.sent.size(), 1u);
    ASSERT_EQ(ops.delivered.size(), 1u);
    EXPECT_EQ(ops.vlans[0], 20);
    EXPECT_EQ(ops.delivered[0], want);

    // An 802.1ad tag is no VLAN of the map's (the bridge's protocol is
    // 802.1Q): the frame is untagged VNI 3000's, and not IP to rsc, as
    // in Linux; it goes to the router as it was.
    ASSERT_EQ(dev.fdb_add(kMacA, {ip4(192, 0, 2, 9), 0, 0}, false, true, 3000), FdbResult::added);
    auto qinq = tagged(f, 10);
    qinq[12] = 0x88;
    qinq[13] = 0xa8;
    dev.xmit(qinq);
    ASSERT_EQ(ops.sent.size(), 2u);
    EXPECT_EQ(ops.sent[1].tx.dst.ip, ip4(192, 0, 2, 9));
    EXPECT_EQ(ops.sent[1].frame, qinq);
}

// The proxy answers on the VLAN the question came on.
TEST_F(VxlanTest, ExternalProxyRepliesOnTheVlan) {
    VxlanConfig c = external_config();
    c.proxy = true;
    VxlanDev dev(c, ops, clock);
    ASSERT_TRUE(dev.neigh_add(ip4(10, 0, 0, 2), kMacB, true));
    ASSERT_EQ(dev.fdb_add(kMacB, {ip4(192, 0, 2, 20), 0, 0}, false, false, 2000), FdbResult::added);
    std::vector<std::uint8_t> arp = test::eth_frame(MacAddr::broadcast(), kMacA, 0x0806, 0);
    const std::uint8_t req[28] = {0,  1, 8, 0, 6, 4, 0, 1, 0x02, 0, 0,  0, 0, 0xa,
                                  10, 0, 0, 1, 0, 0, 0, 0, 0,    0, 10, 0, 0, 2};
    arp.insert(arp.end(), std::begin(req), std::end(req));
    std::copy(kMacA.bytes.begin(), kMacA.bytes.end(), arp.begin() + 14 + 8);
    dev.xmit(tagged(arp, 20));
    ASSERT_EQ(ops.delivered.size(), 1u);
    EXPECT_EQ(ops.vlans[0], 20);
    EXPECT_TRUE(std::equal(kMacB.bytes.begin(), kMacB.bytes.end(), ops.delivered[0].begin() + 6));
    EXPECT_TRUE(ops.sent.empty());
}

}  // namespace
}  // namespace vnet
