// SPDX-License-Identifier: GPL-2.0-or-later
// RSS as a driver configures it (VIRTIO_NET_CTRL_MQ_RSS_CONFIG): the hash
// types it enables decide what is hashed (checked against the published
// RSS verification values), its table the queue, and what it may not ask.
// Hash reporting (HASH_CONFIG, or RSS_CONFIG's): the hash and its type
// that go to the driver with each frame.
#include "vnet/rss.h"

#include <gtest/gtest.h>

#include <array>
#include <cstring>
#include <utility>
#include <vector>

#include "frames.h"
#include "vnet/vnet.h"
#include "vnet/wire/bytes.h"

namespace vnet {
namespace {

// 66.9.149.187:2794 -> 161.142.100.80:1766, the suite's first flow:
// 0x51ccc178 with the ports, 0x323e8fc2 on the addresses only.
std::vector<std::uint8_t> suite_tcp() {
    return test::ipv4_frame(0x420995bb, 0xa18e6450, 6, 2794, 1766);
}

// A table whose entry for `h`'s low 7 bits holds `q`, every other 0.
std::array<std::uint16_t, 128> table_with(std::uint32_t h, std::uint16_t q) {
    std::array<std::uint16_t, 128> t{};
    t[h & 127] = q;
    return t;
}

TEST(Rss, HashTypesDecideWhatIsHashed) {
    RssSteering rss;
    auto t = table_with(0x51ccc178, 3);
    t[0x323e8fc2 & 127] = 5;
    const RssConfig base{.hash_types = kHashTypeIpv4 | kHashTypeTcpv4,
                         .unclassified_queue = 7,
                         .table = t,
                         .key = kDefaultRssKey};
    ASSERT_TRUE(rss.configure(base, 8));
    EXPECT_EQ(rss.queue_for(suite_tcp(), 8), 3u);  // TCPv4: addresses and ports
    RssConfig ip_only = base;
    ip_only.hash_types = kHashTypeIpv4;
    ASSERT_TRUE(rss.configure(ip_only, 8));
    EXPECT_EQ(rss.queue_for(suite_tcp(), 8), 5u);  // IPv4 only: the addresses
    RssConfig udp_only = base;
    udp_only.hash_types = kHashTypeUdpv4;
    ASSERT_TRUE(rss.configure(udp_only, 8));
    EXPECT_EQ(rss.queue_for(suite_tcp(), 8), 7u);  // no type classifies it
    auto arp = test::eth_frame(MacAddr::broadcast(), test::kMacA, 0x0806, 28);
    EXPECT_EQ(rss.queue_for(arp, 8), 7u);
}

TEST(Rss, TheDriversKeyIsUsed) {
    RssSteering rss;
    RssKey key{};
    key[0] = 0x80;  // another key: another hash
    const std::uint32_t h = ToeplitzHasher(key).hash_frame(suite_tcp()).value;
    ASSERT_NE(h & 127, 0x51ccc178u & 127);
    auto t = table_with(h, 2);
    ASSERT_TRUE(rss.configure({.hash_types = kHashTypesSupported, .table = t, .key = key}, 4));
    EXPECT_EQ(rss.queue_for(suite_tcp(), 4), 2u);
    // A shorter key is the same key zero-padded.
    const std::array<std::uint8_t, 1> short_key = {0x80};
    ASSERT_TRUE(
        rss.configure({.hash_types = kHashTypesSupported, .table = t, .key = short_key}, 4));
    EXPECT_EQ(rss.queue_for(suite_tcp(), 4), 2u);
}

TEST(Rss, WhatDoesNotHoldChangesNothing) {
    RssSteering rss;
    auto t = table_with(0x51ccc178, 3);
    const RssConfig good{.hash_types = kHashTypesSupported, .table = t, .key = kDefaultRssKey};
    ASSERT_TRUE(rss.configure(good, 4));
    RssConfig bad = good;
    bad.unclassified_queue = 4;
    EXPECT_FALSE(rss.configure(bad, 4));
    bad = good;
    bad.table = std::span(t.data(), 3);  // not a power of two
    EXPECT_FALSE(rss.configure(bad, 4));
    bad = good;
    bad.hash_types |= 1u << 6;  // IP_EX: not offered
    EXPECT_FALSE(rss.configure(bad, 4));
    auto far = t;
    far[9] = 4;
    bad = good;
    bad.table = far;
    EXPECT_FALSE(rss.configure(bad, 4));
    EXPECT_EQ(rss.queue_for(suite_tcp(), 4), 3u);
    // The table decides, whatever the active pairs (max_tx_vq bounds TX).
    EXPECT_EQ(rss.queue_for(suite_tcp(), 1), 3u);
    rss.disable();
    EXPECT_EQ(rss.queue_for(suite_tcp(), 4), queue_for_hash(0x51ccc178, 4));
}

// Through the C ABI, as the glue decodes and applies the command.
TEST(Rss, ConfigCommandThroughTheAbi) {
    std::vector<std::uint8_t> cmd = {0x03, 0, 0, 0,  // IPv4 | TCPv4
                                     0x7f, 0,        // mask: 128 entries
                                     1,    0};       // unclassified queue 1
    for (unsigned i = 0; i < 128; ++i) {
        cmd.push_back(i == (0x51ccc178 & 127) ? 2 : 0);
        cmd.push_back(0);
    }
    cmd.insert(cmd.end(), {4, 0, 40});  // max_tx_vq 4, 40-byte key
    cmd.insert(cmd.end(), kDefaultRssKey.begin(), kDefaultRssKey.end());
    VnetCtrlCmd c;
    const std::uint64_t feats = (1ull << 17) | (1ull << 60);
    ASSERT_EQ(vnet_ctrl_decode(feats, 4, 1, cmd.data(), cmd.size(), &c), VNET_CTRL_RSS_CONFIG);
    EXPECT_EQ(c.hash_types, 3u);
    EXPECT_EQ(c.n_table, 128);
    EXPECT_EQ(c.unclassified_queue, 1);
    EXPECT_EQ(c.pairs, 4);
    EXPECT_EQ(c.key_len, 40);
    EXPECT_EQ(vnet_ctrl_decode(1ull << 17, 4, 1, cmd.data(), cmd.size(), &c),
              VNET_CTRL_NOT_NEGOTIATED);
    // Lengths that do not hold.
    EXPECT_EQ(vnet_ctrl_decode(feats, 4, 1, cmd.data(), cmd.size() - 1, &c), VNET_CTRL_INVALID);
    auto longer = cmd;
    longer.push_back(0);
    EXPECT_EQ(vnet_ctrl_decode(feats, 4, 1, longer.data(), longer.size(), &c), VNET_CTRL_INVALID);
    auto odd = cmd;
    odd[4] = 0x7e;  // 127 entries
    EXPECT_EQ(vnet_ctrl_decode(feats, 4, 1, odd.data(), odd.size(), &c), VNET_CTRL_INVALID);
    auto big_key = cmd;
    big_key[8 + 256 + 2] = 41;
    big_key.push_back(0);
    EXPECT_EQ(vnet_ctrl_decode(feats, 4, 1, big_key.data(), big_key.size(), &c), VNET_CTRL_INVALID);
}

TEST(Rss, ReportsTheConfiguredHash) {
    RssSteering rss;
    const auto f = suite_tcp();
    rss.set_report(true);
    // Before the driver configures a hash: none reported.
    EXPECT_EQ(rss.choose(f, 4).reported.type, HashType::none);
    ASSERT_TRUE(rss.configure_hash(kHashTypeIpv4 | kHashTypeTcpv4, kDefaultRssKey));
    RssSteering::Choice c = rss.choose(f, 4);
    EXPECT_EQ(c.reported.type, HashType::tcpv4);
    EXPECT_EQ(c.reported.value, 0x51ccc178u);
    // HASH_CONFIG leaves the queue to the default spreading.
    EXPECT_EQ(c.queue, queue_for_hash(0x51ccc178, 4));
    ASSERT_TRUE(rss.configure_hash(kHashTypeIpv4, kDefaultRssKey));
    c = rss.choose(f, 4);
    EXPECT_EQ(c.reported.type, HashType::ipv4);
    EXPECT_EQ(c.reported.value, 0x323e8fc2u);
    EXPECT_FALSE(rss.configure_hash(1u << 6, kDefaultRssKey));  // IP_EX: not offered
    EXPECT_EQ(rss.choose(f, 4).reported.value, 0x323e8fc2u);
    // RSS_CONFIG's hash is the one reported, with its queue.
    auto t = table_with(0x51ccc178, 3);
    ASSERT_TRUE(
        rss.configure({.hash_types = kHashTypeTcpv4, .table = t, .key = kDefaultRssKey}, 4));
    c = rss.choose(f, 4);
    EXPECT_EQ(c.queue, 3u);
    EXPECT_EQ(c.reported.value, 0x51ccc178u);
    // Not negotiated: nothing reported, the queue the same.
    rss.set_report(false);
    c = rss.choose(f, 4);
    EXPECT_EQ(c.queue, 3u);
    EXPECT_EQ(c.reported.type, HashType::none);
    EXPECT_EQ(c.reported.value, 0u);
    // HASH_CONFIG after RSS_CONFIG ends the table's steering.
    rss.set_report(true);
    ASSERT_TRUE(rss.configure_hash(kHashTypeTcpv4, kDefaultRssKey));
    c = rss.choose(f, 4);
    EXPECT_EQ(c.queue, queue_for_hash(0x51ccc178, 4));
    EXPECT_EQ(c.reported.value, 0x51ccc178u);
    EXPECT_FALSE(rss.enabled());
    // Reset: neither steering nor a hash to report.
    rss.set_report(true);
    rss.disable();
    EXPECT_EQ(rss.choose(f, 4).reported.type, HashType::none);
}

// HASH_CONFIG through the C ABI: the header a function gets carries the
// hash (struct virtio_net_hdr_v1_hash: hash_value at 12, hash_report at 16).
TEST(Rss, HashConfigCommandThroughTheAbi) {
    std::vector<std::uint8_t> cmd = {0x02, 0, 0, 0,  // TCPv4
                                     0,    0, 0, 0, 0, 0, 0, 0, 40};
    cmd.insert(cmd.end(), kDefaultRssKey.begin(), kDefaultRssKey.end());
    VnetCtrlCmd c;
    const std::uint64_t feats = (1ull << 17) | (1ull << 57);
    ASSERT_EQ(vnet_ctrl_decode(feats, 4, 2, cmd.data(), cmd.size(), &c), VNET_CTRL_HASH_CONFIG);
    EXPECT_EQ(c.hash_types, 2u);
    EXPECT_EQ(c.key_len, 40);
    EXPECT_EQ(vnet_ctrl_decode(1ull << 17, 4, 2, cmd.data(), cmd.size(), &c),
              VNET_CTRL_NOT_NEGOTIATED);
    EXPECT_EQ(vnet_ctrl_decode(feats, 4, 2, cmd.data(), cmd.size() - 1, &c), VNET_CTRL_INVALID);
    auto longer = cmd;
    longer.push_back(0);
    EXPECT_EQ(vnet_ctrl_decode(feats, 4, 2, longer.data(), longer.size(), &c), VNET_CTRL_INVALID);
    EXPECT_EQ(vnet_ctrl_decode(feats, 4, 2, cmd.data(), 12, &c), VNET_CTRL_INVALID);

    struct Got {
        std::uint8_t hdr[VNET_RX_HDR_LEN];
        unsigned n = 0;
    } got;
    VnetDevOps ops{};
    ops.deliver = [](void* o, const std::uint8_t* hdr, const std::uint8_t*, std::size_t,
                     std::uint32_t) {
        auto* g = static_cast<Got*>(o);
        std::memcpy(g->hdr, hdr, VNET_RX_HDR_LEN);
        ++g->n;
        return VNET_DELIVER_OK;
    };
    ops.xmit = [](void*, const std::uint8_t*, const std::uint8_t*, std::size_t) {
        return VNET_XMIT_SENT;
    };
    VnetDev* dev = vnet_lower_new("up0", test::kMacA.bytes.data(), 1500, &ops, &got);
    ASSERT_NE(dev, nullptr);
    vnet_dev_set_up(dev, true);
    vnet_dev_set_rx_mode(dev, true, false);
    auto f = suite_tcp();
    const auto hash_of = [&] {
        return std::pair{wire::load_le32(got.hdr + 12), wire::load_le16(got.hdr + 16)};
    };
    vnet_dev_set_hash_report(dev, true);
    ASSERT_EQ(vnet_dev_receive(dev, f.data(), f.size()), VNET_RX_DELIVERED);
    EXPECT_EQ(hash_of(), std::pair(0u, std::uint16_t{0}));  // none configured yet
    ASSERT_EQ(vnet_ctrl_decode(feats, 4, 2, cmd.data(), cmd.size(), &c), VNET_CTRL_HASH_CONFIG);
    ASSERT_TRUE(vnet_dev_set_rss(dev, &c, 1));
    ASSERT_EQ(vnet_dev_receive(dev, f.data(), f.size()), VNET_RX_DELIVERED);
    EXPECT_EQ(hash_of(), std::pair(0x51ccc178u, std::uint16_t{2}));  // VIRTIO_NET_HASH_REPORT_TCPv4
    vnet_dev_set_hash_report(dev, false);
    ASSERT_EQ(vnet_dev_receive(dev, f.data(), f.size()), VNET_RX_DELIVERED);
    EXPECT_EQ(hash_of(), std::pair(0u, std::uint16_t{0}));
    EXPECT_EQ(got.n, 3u);
    vnet_dev_free(dev);
}

}  // namespace
}  // namespace vnet
