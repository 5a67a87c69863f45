// SPDX-License-Identifier: GPL-2.0-or-later
// The flow hash against the published RSS verification values (Microsoft,
// "Verifying the RSS Hash Calculation"), and the queue choice built on it.
#include "vnet/flow_hash.h"

#include <gtest/gtest.h>

#include <array>
#include <vector>

#include "frames.h"

namespace vnet {
namespace {

using test::ipv4_frame;

std::vector<std::uint8_t> ipv6_tcp_frame(const std::array<std::uint8_t, 16>& src,
                                         const std::array<std::uint8_t, 16>& dst,
                                         std::uint16_t sport, std::uint16_t dport) {
    auto f = test::eth_frame(test::kMacA, test::kMacB, 0x86dd, 0);
    std::uint8_t ip[40] = {0x60, 0, 0, 0, 0, 20, 6, 64};
    std::copy(src.begin(), src.end(), ip + 8);
    std::copy(dst.begin(), dst.end(), ip + 24);
    f.insert(f.end(), ip, ip + 40);
    std::uint8_t tcp[20] = {static_cast<std::uint8_t>(sport >> 8), static_cast<std::uint8_t>(sport),
                            static_cast<std::uint8_t>(dport >> 8),
                            static_cast<std::uint8_t>(dport)};
    tcp[12] = 0x50;
    f.insert(f.end(), tcp, tcp + 20);
    return f;
}

constexpr std::uint32_t ip4(int a, int b, int c, int d) {
    return (std::uint32_t(a) << 24) | (b << 16) | (c << 8) | d;
}

struct V4Case {
    std::uint32_t src, dst;
    std::uint16_t sport, dport;
    std::uint32_t ip_only, with_tcp;
};

const V4Case kV4Cases[] = {
    {ip4(66, 9, 149, 187), ip4(161, 142, 100, 80), 2794, 1766, 0x323e8fc2, 0x51ccc178},
    {ip4(199, 92, 111, 2), ip4(65, 69, 140, 83), 14230, 4739, 0xd718262a, 0xc626b0ea},
    {ip4(24, 19, 198, 95), ip4(12, 22, 207, 184), 12898, 38024, 0xd2d0a5de, 0x5c2b394a},
    {ip4(38, 27, 205, 30), ip4(209, 142, 163, 6), 48228, 2217, 0x82989176, 0xafc7327f},
    {ip4(153, 39, 163, 191), ip4(202, 188, 127, 2), 44251, 1303, 0x5d1809c5, 0x10e828a2},
};

TEST(FlowHash, Ipv4TcpMatchesRssVerificationSuite) {
    const auto& h = ToeplitzHasher::default_hasher();
    for (const auto& c : kV4Cases) {
        auto f = ipv4_frame(c.src, c.dst, 6, c.sport, c.dport);
        FlowHash fh = h.hash_frame(f);
        EXPECT_EQ(fh.type, HashType::tcpv4);
        EXPECT_EQ(fh.value, c.with_tcp) << std::hex << c.src;
    }
}

TEST(FlowHash, Ipv4AddressesOnlyMatchesRssVerificationSuite) {
    const auto& h = ToeplitzHasher::default_hasher();
    for (const auto& c : kV4Cases) {
        std::array<std::uint8_t, 8> in;
        for (int i = 0; i < 4; ++i) {
            in[i] = static_cast<std::uint8_t>(c.src >> (24 - 8 * i));
            in[4 + i] = static_cast<std::uint8_t>(c.dst >> (24 - 8 * i));
        }
        EXPECT_EQ(h.hash(in), c.ip_only);
    }
}

TEST(FlowHash, Ipv6TcpMatchesRssVerificationSuite) {
    // 3ffe:2501:200:1fff::7 port 2794 -> 3ffe:2501:200:3::1 port 1766
    const std::array<std::uint8_t, 16> src = {0x3f, 0xfe, 0x25, 0x01, 0x02, 0x00, 0x1f, 0xff,
                                              0,    0,    0,    0,    0,    0,    0,    7};
    const std::array<std::uint8_t, 16> dst = {0x3f, 0xfe, 0x25, 0x01, 0x02, 0x00, 0x00, 0x03,
                                              0,    0,    0,    0,    0,    0,    0,    1};
    FlowHash fh = ToeplitzHasher::default_hasher().hash_frame(ipv6_tcp_frame(src, dst, 2794, 1766));
    EXPECT_EQ(fh.type, HashType::tcpv6);
    EXPECT_EQ(fh.value, 0x40207d3du);
}

TEST(FlowHash, UdpUsesPortsToo) {
    auto f = ipv4_frame(ip4(10, 0, 2, 2), ip4(10, 0, 2, 15), 17, 53, 40000);
    FlowHash fh = ToeplitzHasher::default_hasher().hash_frame(f);
    EXPECT_EQ(fh.type, HashType::udpv4);
}

TEST(FlowHash, FragmentsHashOnAddressesOnly) {
    auto f = ipv4_frame(ip4(10, 0, 2, 2), ip4(10, 0, 2, 15), 17, 53, 40000);
    f[14 + 6] = 0x20;  // MF set
    FlowHash fh = ToeplitzHasher::default_hasher().hash_frame(f);
    EXPECT_EQ(fh.type, HashType::ipv4);
}

TEST(FlowHash, NonIpFramesHashToZero) {
    auto arp = test::eth_frame(MacAddr::broadcast(), test::kMacA, 0x0806, 28);
    FlowHash fh = ToeplitzHasher::default_hasher().hash_frame(arp);
    EXPECT_EQ(fh.type, HashType::none);
    EXPECT_EQ(fh.value, 0u);
}

TEST(FlowHash, TruncatedIpHeaderHashesToZero) {
    auto f = ipv4_frame(ip4(1, 2, 3, 4), ip4(5, 6, 7, 8), 6, 1, 2);
    f.resize(14 + 19);
    EXPECT_EQ(ToeplitzHasher::default_hasher().hash_frame(f).type, HashType::none);
}

TEST(FlowHash, TruncatedTcpHeaderFallsBackToAddresses) {
    auto f = ipv4_frame(ip4(1, 2, 3, 4), ip4(5, 6, 7, 8), 6, 1, 2);
    f.resize(f.size() - 1);
    f[14 + 3] -= 1;  // keep the IPv4 total length consistent
    EXPECT_EQ(ToeplitzHasher::default_hasher().hash_frame(f).type, HashType::ipv4);
}

TEST(FlowHash, QueueForHashUsesIndirectionTable) {
    EXPECT_EQ(queue_for_hash(0xdeadbeef, 1), 0u);
    EXPECT_EQ(queue_for_hash(0x80, 4), 0u);  // low 7 bits 0 -> entry 0
    EXPECT_EQ(queue_for_hash(0x7f, 4), 127u % 4);
    EXPECT_EQ(queue_for_hash(5, 3), 2u);
}

TEST(FlowHash, FlowsSpreadOverQueues) {
    std::array<int, 4> hits{};
    for (std::uint16_t port = 1000; port < 1400; ++port) {
        auto f = ipv4_frame(ip4(10, 0, 2, 2), ip4(10, 0, 2, 15), 6, port, 80);
        ++hits[queue_for_hash(ToeplitzHasher::default_hasher().hash_frame(f).value, 4)];
    }
    for (int h : hits) {
        EXPECT_GT(h, 50);  // 400 flows: no queue is starved
    }
}

}  // namespace
}  // namespace vnet
