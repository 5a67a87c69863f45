// SPDX-License-Identifier: GPL-2.0-or-later
// vnet_ctrl_decode: each control command at exactly its length, and the
// lengths and counts a guest can lie with.
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "vnet/vnet.h"

namespace {

// Feature bits (virtio 1.2 §5.1.3) that let a driver send the commands.
constexpr std::uint64_t kCtrlGuestOffloads = 1ull << 2, kCtrlVq = 1ull << 17, kCtrlRx = 1ull << 18,
                        kCtrlVlan = 1ull << 19, kGuestAnnounce = 1ull << 21, kMq = 1ull << 22,
                        kCtrlMacAddr = 1ull << 23, kNotfCoal = 1ull << 53, kRss = 1ull << 60,
                        kHashReport = 1ull << 57;
constexpr std::uint64_t kAll = kCtrlGuestOffloads | kCtrlVq | kCtrlRx | kCtrlVlan | kGuestAnnounce |
                               kMq | kCtrlMacAddr | kNotfCoal | kRss | kHashReport;

std::vector<std::uint8_t> table_set(std::uint32_t n_uc, std::uint32_t n_mc, std::size_t macs) {
    std::vector<std::uint8_t> d;
    auto le32 = [&](std::uint32_t v) {
        for (int i = 0; i < 4; ++i) {
            d.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
        }
    };
    le32(n_uc);
    d.insert(d.end(), 6 * std::min<std::size_t>(macs, n_uc), 0x02);
    le32(n_mc);
    if (macs > n_uc) {
        d.insert(d.end(), 6 * (macs - n_uc), 0x01);
    }
    return d;
}

TEST(VirtioCtrl, RxModeTakesExactlyOneByte) {
    VnetCtrlCmd c;
    const std::uint8_t on[2] = {7, 0};
    EXPECT_EQ(vnet_ctrl_decode(kAll, 0, 0, on, 1, &c), VNET_CTRL_RX_PROMISC);
    EXPECT_TRUE(c.on);
    EXPECT_EQ(vnet_ctrl_decode(kAll, 0, 1, on + 1, 1, &c), VNET_CTRL_RX_ALLMULTI);
    EXPECT_FALSE(c.on);
    EXPECT_EQ(vnet_ctrl_decode(kAll, 0, 0, on, 0, &c), VNET_CTRL_INVALID);
    EXPECT_EQ(vnet_ctrl_decode(kAll, 0, 0, on, 2, &c), VNET_CTRL_INVALID);
    EXPECT_EQ(vnet_ctrl_decode(kAll, 0, 2, on, 1, &c), VNET_CTRL_INVALID);  // ALLUNI: not offered
}

TEST(VirtioCtrl, MacTableCountsMustFillTheData) {
    VnetCtrlCmd c;
    auto d = table_set(1, 2, 3);
    ASSERT_EQ(vnet_ctrl_decode(kAll, 1, 0, d.data(), d.size(), &c), VNET_CTRL_MAC_TABLE_SET);
    EXPECT_EQ(c.n_uc, 1u);
    EXPECT_EQ(c.n_mc, 2u);
    EXPECT_EQ(c.uc, d.data() + 4);
    EXPECT_EQ(c.mc, d.data() + 14);
    // A byte short, a byte over, and counts that claim more than was sent.
    EXPECT_EQ(vnet_ctrl_decode(kAll, 1, 0, d.data(), d.size() - 1, &c), VNET_CTRL_INVALID);
    d.push_back(0);
    EXPECT_EQ(vnet_ctrl_decode(kAll, 1, 0, d.data(), d.size(), &c), VNET_CTRL_INVALID);
    auto lie = table_set(1000, 0, 0);
    EXPECT_EQ(vnet_ctrl_decode(kAll, 1, 0, lie.data(), lie.size(), &c), VNET_CTRL_INVALID);
    auto wrap = table_set(0xffffffffu, 0, 0);  // 6 * n must not wrap past the check
    EXPECT_EQ(vnet_ctrl_decode(kAll, 1, 0, wrap.data(), wrap.size(), &c), VNET_CTRL_INVALID);
    EXPECT_EQ(vnet_ctrl_decode(kAll, 1, 0, d.data(), 7, &c), VNET_CTRL_INVALID);
}

TEST(VirtioCtrl, MacAddrAndQueuePairs) {
    VnetCtrlCmd c;
    const std::uint8_t mac[7] = {0x02, 1, 2, 3, 4, 5, 6};
    ASSERT_EQ(vnet_ctrl_decode(kAll, 1, 1, mac, 6, &c), VNET_CTRL_MAC_ADDR_SET);
    EXPECT_EQ(c.mac, mac);
    EXPECT_EQ(vnet_ctrl_decode(kAll, 1, 1, mac, 5, &c), VNET_CTRL_INVALID);
    EXPECT_EQ(vnet_ctrl_decode(kAll, 1, 1, mac, 7, &c), VNET_CTRL_INVALID);
    const std::uint8_t pairs[3] = {0x34, 0x12, 0};
    ASSERT_EQ(vnet_ctrl_decode(kAll, 4, 0, pairs, 2, &c), VNET_CTRL_MQ_PAIRS_SET);
    EXPECT_EQ(c.pairs, 0x1234);  // the range is the function's to check
    EXPECT_EQ(vnet_ctrl_decode(kAll, 4, 0, pairs, 3, &c), VNET_CTRL_INVALID);
    EXPECT_EQ(vnet_ctrl_decode(kAll, 4, 1, pairs, 2, &c), VNET_CTRL_INVALID);  // RSS: not offered
    EXPECT_EQ(vnet_ctrl_decode(kAll, 2, 0, pairs, 2, &c), VNET_CTRL_INVALID);  // VLAN: not offered
}

TEST(VirtioCtrl, GuestOffloadsSetIsOneLe64) {
    VnetCtrlCmd c;
    const std::uint8_t v[9] = {0x82, 0x01, 0, 0, 0, 0, 0x40, 0, 0};
    ASSERT_EQ(vnet_ctrl_decode(kAll, 5, 0, v, 8, &c), VNET_CTRL_GUEST_OFFLOADS_SET);
    EXPECT_EQ(c.offloads, 0x0040000000000182ull);  // GUEST_CSUM|TSO4|TSO6, USO4
    EXPECT_EQ(vnet_ctrl_decode(kAll, 5, 0, v, 7, &c), VNET_CTRL_INVALID);
    EXPECT_EQ(vnet_ctrl_decode(kAll, 5, 0, v, 9, &c), VNET_CTRL_INVALID);
    EXPECT_EQ(vnet_ctrl_decode(kAll, 5, 1, v, 8, &c), VNET_CTRL_INVALID);
}

// NOTF_COAL TX_SET/RX_SET: le32 max_packets then le32 usecs, exactly; the
// per-queue VQ_SET/VQ_GET need VQ_NOTF_COAL, which is not offered.
TEST(VirtioCtrl, NotfCoalIsTwoLe32) {
    VnetCtrlCmd c;
    const std::uint8_t v[9] = {0x40, 0, 0, 0, 0xfa, 0x00, 0, 0, 0};
    ASSERT_EQ(vnet_ctrl_decode(kAll, 6, 1, v, 8, &c), VNET_CTRL_NOTF_COAL_RX_SET);
    EXPECT_EQ(c.max_packets, 64u);
    EXPECT_EQ(c.max_usecs, 250u);
    ASSERT_EQ(vnet_ctrl_decode(kAll, 6, 0, v, 8, &c), VNET_CTRL_NOTF_COAL_TX_SET);
    EXPECT_EQ(c.max_packets, 64u);
    EXPECT_EQ(vnet_ctrl_decode(kAll, 6, 1, v, 7, &c), VNET_CTRL_INVALID);
    EXPECT_EQ(vnet_ctrl_decode(kAll, 6, 0, v, 9, &c), VNET_CTRL_INVALID);
    EXPECT_EQ(vnet_ctrl_decode(kAll, 6, 2, v, 8, &c), VNET_CTRL_INVALID);  // VQ_SET
    EXPECT_EQ(vnet_ctrl_decode(kAll, 6, 3, v, 4, &c), VNET_CTRL_INVALID);  // VQ_GET
}

}  // namespace

namespace {

// Each class only with its feature negotiated (and CTRL_VQ for any): a
// well-formed command without it is refused, whatever else was.
TEST(VirtioCtrl, EachClassNeedsItsFeature) {
    VnetCtrlCmd c;
    const std::uint8_t on = 1;
    const std::uint8_t mac[6] = {0x02, 0, 0, 0, 0, 0x0a};
    const std::uint8_t pairs[2] = {2, 0};
    const std::uint8_t offloads[8] = {};
    const auto table = table_set(0, 0, 0);
    // One table entry, max_tx_vq 1, no key, no hash type.
    const std::uint8_t rss[13] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0};
    // No hash type, reserved, no key.
    const std::uint8_t hash[13] = {};
    struct Case {
        std::uint8_t cls, cmd;
        const std::uint8_t* d;
        std::size_t len;
        std::uint64_t needs;
        VnetCtrlKind kind;
    } cases[] = {
        {0, 0, &on, 1, kCtrlRx, VNET_CTRL_RX_PROMISC},
        {0, 1, &on, 1, kCtrlRx, VNET_CTRL_RX_ALLMULTI},
        {1, 0, table.data(), table.size(), kCtrlRx, VNET_CTRL_MAC_TABLE_SET},
        {1, 1, mac, 6, kCtrlMacAddr, VNET_CTRL_MAC_ADDR_SET},
        {4, 0, pairs, 2, kMq, VNET_CTRL_MQ_PAIRS_SET},
        {5, 0, offloads, 8, kCtrlGuestOffloads, VNET_CTRL_GUEST_OFFLOADS_SET},
        {3, 0, nullptr, 0, kGuestAnnounce, VNET_CTRL_ANNOUNCE_ACK},
        {2, 0, pairs, 2, kCtrlVlan, VNET_CTRL_VLAN_ADD},
        {2, 1, pairs, 2, kCtrlVlan, VNET_CTRL_VLAN_DEL},
        {4, 1, rss, sizeof(rss), kRss, VNET_CTRL_RSS_CONFIG},
        {4, 2, hash, sizeof(hash), kHashReport, VNET_CTRL_HASH_CONFIG},
        {6, 0, offloads, 8, kNotfCoal, VNET_CTRL_NOTF_COAL_TX_SET},
        {6, 1, offloads, 8, kNotfCoal, VNET_CTRL_NOTF_COAL_RX_SET},
    };
    for (const auto& k : cases) {
        SCOPED_TRACE(testing::Message() << "class " << int(k.cls) << " cmd " << int(k.cmd));
        EXPECT_EQ(vnet_ctrl_decode(kCtrlVq | k.needs, k.cls, k.cmd, k.d, k.len, &c), k.kind);
        EXPECT_EQ(vnet_ctrl_decode(kAll & ~k.needs, k.cls, k.cmd, k.d, k.len, &c),
                  VNET_CTRL_NOT_NEGOTIATED);
        EXPECT_EQ(c.kind, VNET_CTRL_NOT_NEGOTIATED);
        EXPECT_EQ(c.mac, nullptr);  // nothing decoded is left behind
        EXPECT_EQ(vnet_ctrl_decode(kAll & ~kCtrlVq, k.cls, k.cmd, k.d, k.len, &c),
                  VNET_CTRL_NOT_NEGOTIATED);
    }
    // A malformed one stays invalid, negotiated or not.
    EXPECT_EQ(vnet_ctrl_decode(0, 0, 0, &on, 2, &c), VNET_CTRL_INVALID);
}

}  // namespace

namespace {

// VIRTIO_NET_CTRL_ANNOUNCE_ACK carries no data; anything else in its class
// is unknown.
TEST(VirtioCtrl, AnnounceAckTakesNoData) {
    VnetCtrlCmd c;
    const std::uint8_t one = 0;
    EXPECT_EQ(vnet_ctrl_decode(kAll, 3, 0, nullptr, 0, &c), VNET_CTRL_ANNOUNCE_ACK);
    EXPECT_EQ(vnet_ctrl_decode(kAll, 3, 0, &one, 1, &c), VNET_CTRL_INVALID);
    EXPECT_EQ(vnet_ctrl_decode(kAll, 3, 1, nullptr, 0, &c), VNET_CTRL_INVALID);
}

}  // namespace

namespace {

// VIRTIO_NET_CTRL_VLAN_ADD/DEL: one le16 VID below 4096 (virtio 1.2
// §5.1.6.5.3), as Linux's virtnet_vlan_rx_add_vid sends it.
TEST(VirtioCtrl, VlanAddAndDelTakeOneVid) {
    VnetCtrlCmd c;
    const std::uint8_t vid[3] = {0xff, 0x0f, 0};  // 4095
    EXPECT_EQ(vnet_ctrl_decode(kAll, 2, 0, vid, 2, &c), VNET_CTRL_VLAN_ADD);
    EXPECT_EQ(c.vid, 4095);
    EXPECT_EQ(vnet_ctrl_decode(kAll, 2, 1, vid, 2, &c), VNET_CTRL_VLAN_DEL);
    EXPECT_EQ(c.vid, 4095);
    const std::uint8_t too_big[2] = {0x00, 0x10};  // 4096
    EXPECT_EQ(vnet_ctrl_decode(kAll, 2, 0, too_big, 2, &c), VNET_CTRL_INVALID);
    EXPECT_EQ(vnet_ctrl_decode(kAll, 2, 0, vid, 1, &c), VNET_CTRL_INVALID);
    EXPECT_EQ(vnet_ctrl_decode(kAll, 2, 0, vid, 3, &c), VNET_CTRL_INVALID);
    EXPECT_EQ(vnet_ctrl_decode(kAll, 2, 2, vid, 2, &c), VNET_CTRL_INVALID);
}

}  // namespace
