// SPDX-License-Identifier: GPL-2.0-or-later
// Header views: every truncation is refused at parse time.
#include <gtest/gtest.h>

#include "frames.h"
#include "vnet/wire/ethernet.h"
#include "vnet/wire/ipv4.h"
#include "vnet/wire/ipv6.h"
#include "vnet/wire/l4_ports.h"

namespace vnet::wire {
namespace {

TEST(Ethernet, ParsesAddressesAndType) {
    auto f = test::eth_frame(test::kMacA, test::kMacB, kEthPArp, 28);
    auto eth = EthernetView::parse(f);
    ASSERT_TRUE(eth);
    EXPECT_EQ(eth->dst(), test::kMacA);
    EXPECT_EQ(eth->src(), test::kMacB);
    EXPECT_EQ(eth->ethertype(), kEthPArp);
    EXPECT_EQ(eth->payload().size(), 28u);
}

TEST(Ethernet, SkipsVlanTag) {
    auto f = test::eth_frame(test::kMacA, test::kMacB, kEthP8021Q, 0);
    const std::uint8_t tag[] = {0x00, 0x05, 0x86, 0xdd, 0xee};
    f.insert(f.end(), tag, tag + sizeof(tag));
    auto eth = EthernetView::parse(f);
    ASSERT_TRUE(eth);
    EXPECT_EQ(eth->ethertype(), kEthPIpv6);
    EXPECT_EQ(eth->header_len(), 18u);
    EXPECT_EQ(eth->payload().size(), 1u);
}

TEST(Ethernet, RefusesEveryTruncation) {
    auto f = test::eth_frame(test::kMacA, test::kMacB, kEthP8021Q, 4);
    for (std::size_t n = 0; n < 18; ++n) {
        EXPECT_FALSE(EthernetView::parse(std::span(f.data(), n))) << n;
    }
    EXPECT_TRUE(EthernetView::parse(std::span(f.data(), 18)));
}

TEST(Ipv4, RefusesEveryTruncationAndBadHeader) {
    auto f = test::ipv4_frame(0x0a000202, 0x0a00020f, 17, 1, 2);
    std::span<const std::uint8_t> ip(f.data() + 14, f.size() - 14);
    ASSERT_TRUE(Ipv4View::parse(ip));
    for (std::size_t n = 0; n < ip.size(); ++n) {
        EXPECT_FALSE(Ipv4View::parse(ip.first(n))) << n;
    }
    f[14] = 0x44;  // IHL 4: below the minimum
    EXPECT_FALSE(Ipv4View::parse(ip));
    f[14] = 0x55;  // version 5
    EXPECT_FALSE(Ipv4View::parse(ip));
}

TEST(Ipv4, PayloadStopsAtTotalLength) {
    auto f = test::ipv4_frame(0x0a000202, 0x0a00020f, 17, 1, 2);
    f.resize(f.size() + 10, 0);  // Ethernet padding
    auto ip = Ipv4View::parse(std::span(f).subspan(14));
    ASSERT_TRUE(ip);
    EXPECT_EQ(ip->payload().size(), kUdpHlen);
    EXPECT_EQ(ip->protocol(), kIpProtoUdp);
    EXPECT_FALSE(ip->is_fragment());
}

TEST(Ipv6, RefusesPayloadLengthBeyondBuffer) {
    std::uint8_t hdr[40] = {0x60, 0, 0, 0, 0, 1, 17, 64};
    EXPECT_FALSE(Ipv6View::parse(hdr));
    hdr[5] = 0;
    auto ip = Ipv6View::parse(hdr);
    ASSERT_TRUE(ip);
    EXPECT_EQ(ip->next_header(), 17);
    EXPECT_TRUE(ip->payload().empty());
}

TEST(L4Ports, NeedsTheWholeMinimumHeader) {
    std::uint8_t seg[20] = {0x01, 0x02, 0x03, 0x04};
    EXPECT_FALSE(L4PortsView::parse(std::span(seg, 19), kTcpMinHlen));
    auto p = L4PortsView::parse(seg, kTcpMinHlen);
    ASSERT_TRUE(p);
    EXPECT_EQ(load_be16(p->ports().data()), 0x0102);
    EXPECT_EQ(load_be16(p->ports().data() + 2), 0x0304);
}

}  // namespace
}  // namespace vnet::wire
