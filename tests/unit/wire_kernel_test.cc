// SPDX-License-Identifier: GPL-2.0-or-later
// Byte-exact wire tests on frames the Linux kernel sent (data/kernel_frames.h):
// each is parsed into its Repr values, checked field by field, and emitted
// again to the very same bytes.
#include <gtest/gtest.h>

#include <vector>

#include "data/kernel_frames.h"
#include "vnet/wire/arp.h"
#include "vnet/wire/ethernet.h"
#include "vnet/wire/icmpv6.h"
#include "vnet/wire/ipv4.h"
#include "vnet/wire/ipv6.h"
#include "vnet/wire/udp.h"

namespace vnet::wire {
namespace {

const MacAddr kA{{0x02, 0, 0, 0, 0, 0x0a}};
const MacAddr kB{{0x02, 0, 0, 0, 0, 0x0b}};
const Ipv4Addr kIpA{192, 0, 2, 1};
const Ipv4Addr kIpB{192, 0, 2, 2};
const Ipv6Addr kIp6A{0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
const Ipv6Addr kIp6B{0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2};

template <std::size_t N>
std::vector<std::uint8_t> bytes(const std::uint8_t (&a)[N]) {
    return {a, a + N};
}

TEST(KernelFrames, ArpRequestParsesAndEmitsByteExact) {
    auto eth = EthernetView::parse(test::kArpRequest);
    ASSERT_TRUE(eth);
    EXPECT_TRUE(eth->dst().is_broadcast());
    EXPECT_EQ(eth->src(), kA);
    EXPECT_EQ(eth->ethertype(), kEthPArp);
    auto arp = ArpRepr::parse(eth->payload());
    ASSERT_TRUE(arp);
    EXPECT_EQ(arp->op, kArpOpRequest);
    EXPECT_EQ(arp->sha, kA);
    EXPECT_EQ(arp->spa, kIpA);
    EXPECT_TRUE(arp->tha.is_zero());
    EXPECT_EQ(arp->tpa, kIpB);

    std::vector<std::uint8_t> out(kEthHlen + kArpLen);
    EthernetRepr::parse(*eth).emit(out.data());
    arp->emit(out.data() + kEthHlen);
    EXPECT_EQ(out, bytes(test::kArpRequest));
}

TEST(KernelFrames, Ipv4UdpParsesAndEmitsByteExact) {
    auto eth = EthernetView::parse(test::kIpv4Udp);
    ASSERT_TRUE(eth);
    auto ip = Ipv4View::parse(eth->payload());
    ASSERT_TRUE(ip);
    EXPECT_TRUE(ip->checksum_ok());
    EXPECT_EQ(ip->protocol(), kIpProtoUdp);
    EXPECT_TRUE(ip->dont_fragment());
    auto udp = UdpView::parse(ip->payload());
    ASSERT_TRUE(udp);
    EXPECT_EQ(udp->dst_port(), 4789);
    EXPECT_TRUE(udp->checksum_ok(ip->src(), ip->dst()));
    ASSERT_EQ(udp->payload().size(), 10u);
    EXPECT_EQ(std::string(udp->payload().begin(), udp->payload().end()), "vnet-multi");

    const auto ipr = Ipv4Repr::parse(*ip);
    EXPECT_EQ(ipr.src, kIpA);
    EXPECT_EQ(ipr.dst, kIpB);
    std::vector<std::uint8_t> out(sizeof(test::kIpv4Udp));
    EthernetRepr::parse(*eth).emit(out.data());
    std::uint8_t* l4 = out.data() + kEthHlen + kIpv4MinHlen;
    std::copy(udp->payload().begin(), udp->payload().end(), l4 + kUdpHlen);
    UdpRepr{udp->src_port(), udp->dst_port()}.emit(l4, udp->payload().size(), ipr.src, ipr.dst);
    ipr.emit(out.data() + kEthHlen, kUdpHlen + udp->payload().size());
    EXPECT_EQ(out, bytes(test::kIpv4Udp));
}

TEST(KernelFrames, Ipv6UdpParsesAndEmitsByteExact) {
    auto eth = EthernetView::parse(test::kIpv6Udp);
    ASSERT_TRUE(eth);
    auto ip = Ipv6View::parse(eth->payload());
    ASSERT_TRUE(ip);
    auto udp = UdpView::parse(ip->payload());
    ASSERT_TRUE(udp);
    EXPECT_TRUE(udp->checksum_ok(ip->src(), ip->dst()));
    const auto ipr = Ipv6Repr::parse(*ip);
    EXPECT_EQ(ipr.src, kIp6A);
    EXPECT_EQ(ipr.dst, kIp6B);
    EXPECT_EQ(ipr.hop_limit, 64);

    std::vector<std::uint8_t> out(sizeof(test::kIpv6Udp));
    EthernetRepr::parse(*eth).emit(out.data());
    std::uint8_t* l4 = out.data() + kEthHlen + kIpv6Hlen;
    std::copy(udp->payload().begin(), udp->payload().end(), l4 + kUdpHlen);
    UdpRepr{udp->src_port(), udp->dst_port()}.emit(l4, udp->payload().size(), ipr.src, ipr.dst);
    ipr.emit(out.data() + kEthHlen, kUdpHlen + udp->payload().size());
    EXPECT_EQ(out, bytes(test::kIpv6Udp));
}

// Emits an Ethernet + IPv6 + ND frame from parsed values.
std::vector<std::uint8_t> emit_nd(const EthernetRepr& e, const Ipv6Repr& ip, const NdRepr& nd) {
    std::vector<std::uint8_t> out(kEthHlen + kIpv6Hlen + nd.len());
    e.emit(out.data());
    ip.emit(out.data() + kEthHlen, nd.len());
    nd.emit(out.data() + kEthHlen + kIpv6Hlen, ip.src, ip.dst);
    return out;
}

TEST(KernelFrames, NeighborSolicitParsesAndEmitsByteExact) {
    auto eth = EthernetView::parse(test::kIcmpv6NeighborSolicit);
    auto ip = Ipv6View::parse(eth->payload());
    ASSERT_TRUE(ip);
    auto nd = NdRepr::parse(*ip);
    ASSERT_TRUE(nd);
    EXPECT_EQ(nd->type, kNdNeighborSolicit);
    EXPECT_EQ(nd->target, kIp6B);
    ASSERT_TRUE(nd->link_addr);
    EXPECT_EQ(*nd->link_addr, kA);
    EXPECT_EQ(emit_nd(EthernetRepr::parse(*eth), Ipv6Repr::parse(*ip), *nd),
              bytes(test::kIcmpv6NeighborSolicit));
}

TEST(KernelFrames, NeighborAdvertParsesAndEmitsByteExact) {
    auto eth = EthernetView::parse(test::kIcmpv6NeighborAdvert);
    auto ip = Ipv6View::parse(eth->payload());
    ASSERT_TRUE(ip);
    auto nd = NdRepr::parse(*ip);
    ASSERT_TRUE(nd);
    EXPECT_EQ(nd->type, kNdNeighborAdvert);
    EXPECT_EQ(nd->flags, kNdFlagSolicited | kNdFlagOverride);
    EXPECT_EQ(nd->target, kIp6B);
    ASSERT_TRUE(nd->link_addr);
    EXPECT_EQ(*nd->link_addr, kB);
    EXPECT_EQ(emit_nd(EthernetRepr::parse(*eth), Ipv6Repr::parse(*ip), *nd),
              bytes(test::kIcmpv6NeighborAdvert));
}

TEST(KernelFrames, NdWithBadChecksumOrHopLimitIsRefused) {
    auto f = bytes(test::kIcmpv6NeighborSolicit);
    f[kEthHlen + kIpv6Hlen + 3] ^= 1;  // checksum
    EXPECT_FALSE(NdRepr::parse(*Ipv6View::parse(std::span(f).subspan(kEthHlen))));
    f = bytes(test::kIcmpv6NeighborSolicit);
    f[kEthHlen + 7] = 64;  // hop limit: not from the link
    EXPECT_FALSE(NdRepr::parse(*Ipv6View::parse(std::span(f).subspan(kEthHlen))));
}

TEST(KernelFrames, UdpWithBadChecksumIsDetected) {
    auto f = bytes(test::kIpv4Udp);
    f.back() ^= 0xff;
    auto ip = Ipv4View::parse(std::span(f).subspan(kEthHlen));
    EXPECT_FALSE(UdpView::parse(ip->payload())->checksum_ok(ip->src(), ip->dst()));
}

TEST(KernelFrames, EveryTruncationIsRefusedOrShorter) {
    for (auto* f : {&test::kArpRequest[0], &test::kIcmpv6NeighborSolicit[0]}) {
        const std::size_t n = f == test::kArpRequest ? sizeof(test::kArpRequest)
                                                     : sizeof(test::kIcmpv6NeighborSolicit);
        for (std::size_t len = 0; len < n; ++len) {
            auto eth = EthernetView::parse({f, len});
            if (!eth) {
                continue;
            }
            if (eth->ethertype() == kEthPArp) {
                EXPECT_FALSE(ArpRepr::parse(eth->payload())) << len;
            } else if (auto ip = Ipv6View::parse(eth->payload())) {
                EXPECT_FALSE(NdRepr::parse(*ip)) << len;
            }
        }
    }
}

TEST(Vlan, TagIsEmittedAndParsedBack) {
    auto eth = EthernetView::parse(test::kIpv4Udp);
    auto repr = EthernetRepr::parse(*eth);
    repr.vlan_tci = 5;
    std::vector<std::uint8_t> out(repr.header_len() + eth->payload().size());
    repr.emit(out.data());
    std::copy(eth->payload().begin(), eth->payload().end(), out.begin() + repr.header_len());
    auto tagged = EthernetView::parse(out);
    ASSERT_TRUE(tagged);
    EXPECT_EQ(tagged->vlan_tci(), 5);
    EXPECT_EQ(tagged->ethertype(), kEthPIpv4);
    EXPECT_TRUE(std::equal(tagged->payload().begin(), tagged->payload().end(),
                           eth->payload().begin(), eth->payload().end()));
    EXPECT_FALSE(eth->vlan_tci());
}

}  // namespace
}  // namespace vnet::wire
