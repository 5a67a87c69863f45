// SPDX-License-Identifier: GPL-2.0-or-later
// vnet_ctrl_decode: each control command at exactly its length, and the
// lengths and counts a guest can lie with.
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "vnet/vnet.h"

namespace {

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
    EXPECT_EQ(vnet_ctrl_decode(0, 0, on, 1, &c), VNET_CTRL_RX_PROMISC);
    EXPECT_TRUE(c.on);
    EXPECT_EQ(vnet_ctrl_decode(0, 1, on + 1, 1, &c), VNET_CTRL_RX_ALLMULTI);
    EXPECT_FALSE(c.on);
    EXPECT_EQ(vnet_ctrl_decode(0, 0, on, 0, &c), VNET_CTRL_INVALID);
    EXPECT_EQ(vnet_ctrl_decode(0, 0, on, 2, &c), VNET_CTRL_INVALID);
    EXPECT_EQ(vnet_ctrl_decode(0, 2, on, 1, &c), VNET_CTRL_INVALID);  // ALLUNI: not offered
}

TEST(VirtioCtrl, MacTableCountsMustFillTheData) {
    VnetCtrlCmd c;
    auto d = table_set(1, 2, 3);
    ASSERT_EQ(vnet_ctrl_decode(1, 0, d.data(), d.size(), &c), VNET_CTRL_MAC_TABLE_SET);
    EXPECT_EQ(c.n_uc, 1u);
    EXPECT_EQ(c.n_mc, 2u);
    EXPECT_EQ(c.uc, d.data() + 4);
    EXPECT_EQ(c.mc, d.data() + 14);
    // A byte short, a byte over, and counts that claim more than was sent.
    EXPECT_EQ(vnet_ctrl_decode(1, 0, d.data(), d.size() - 1, &c), VNET_CTRL_INVALID);
    d.push_back(0);
    EXPECT_EQ(vnet_ctrl_decode(1, 0, d.data(), d.size(), &c), VNET_CTRL_INVALID);
    auto lie = table_set(1000, 0, 0);
    EXPECT_EQ(vnet_ctrl_decode(1, 0, lie.data(), lie.size(), &c), VNET_CTRL_INVALID);
    auto wrap = table_set(0xffffffffu, 0, 0);  // 6 * n must not wrap past the check
    EXPECT_EQ(vnet_ctrl_decode(1, 0, wrap.data(), wrap.size(), &c), VNET_CTRL_INVALID);
    EXPECT_EQ(vnet_ctrl_decode(1, 0, d.data(), 7, &c), VNET_CTRL_INVALID);
}

TEST(VirtioCtrl, MacAddrAndQueuePairs) {
    VnetCtrlCmd c;
    const std::uint8_t mac[7] = {0x02, 1, 2, 3, 4, 5, 6};
    ASSERT_EQ(vnet_ctrl_decode(1, 1, mac, 6, &c), VNET_CTRL_MAC_ADDR_SET);
    EXPECT_EQ(c.mac, mac);
    EXPECT_EQ(vnet_ctrl_decode(1, 1, mac, 5, &c), VNET_CTRL_INVALID);
    EXPECT_EQ(vnet_ctrl_decode(1, 1, mac, 7, &c), VNET_CTRL_INVALID);
    const std::uint8_t pairs[3] = {0x34, 0x12, 0};
    ASSERT_EQ(vnet_ctrl_decode(4, 0, pairs, 2, &c), VNET_CTRL_MQ_PAIRS_SET);
    EXPECT_EQ(c.pairs, 0x1234);  // the range is the function's to check
    EXPECT_EQ(vnet_ctrl_decode(4, 0, pairs, 3, &c), VNET_CTRL_INVALID);
    EXPECT_EQ(vnet_ctrl_decode(4, 1, pairs, 2, &c), VNET_CTRL_INVALID);  // RSS: not offered
    EXPECT_EQ(vnet_ctrl_decode(2, 0, pairs, 2, &c), VNET_CTRL_INVALID);  // VLAN: not offered
}

TEST(VirtioCtrl, GuestOffloadsSetIsOneLe64) {
    VnetCtrlCmd c;
    const std::uint8_t v[9] = {0x82, 0x01, 0, 0, 0, 0, 0x40, 0, 0};
    ASSERT_EQ(vnet_ctrl_decode(5, 0, v, 8, &c), VNET_CTRL_GUEST_OFFLOADS_SET);
    EXPECT_EQ(c.offloads, 0x0040000000000182ull);  // GUEST_CSUM|TSO4|TSO6, USO4
    EXPECT_EQ(vnet_ctrl_decode(5, 0, v, 7, &c), VNET_CTRL_INVALID);
    EXPECT_EQ(vnet_ctrl_decode(5, 0, v, 9, &c), VNET_CTRL_INVALID);
    EXPECT_EQ(vnet_ctrl_decode(5, 1, v, 8, &c), VNET_CTRL_INVALID);
}

}  // namespace
