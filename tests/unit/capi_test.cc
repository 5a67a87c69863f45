// SPDX-License-Identifier: GPL-2.0-or-later
// The C ABI the QEMU glue uses: guest iovecs in, uplink frames out, uplink
// frames in, guest deliveries out, with the RX queue hash.
#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "frames.h"
#include "vnet/counters.h"
#include "vnet/vnet.h"

namespace {

struct Glue {
    std::vector<std::vector<std::uint8_t>> wire, guest;
    std::vector<std::uint32_t> hashes;
    VnetXmitResult xmit_result = VNET_XMIT_SENT;
    VnetDeliverResult deliver_result = VNET_DELIVER_OK;
};

VnetXmitResult glue_xmit(void* opaque, const uint8_t* f, size_t len) {
    auto* g = static_cast<Glue*>(opaque);
    g->wire.emplace_back(f, f + len);
    return g->xmit_result;
}

VnetDeliverResult glue_deliver(void* opaque, const uint8_t* f, size_t len, uint32_t hash) {
    auto* g = static_cast<Glue*>(opaque);
    if (g->deliver_result == VNET_DELIVER_OK) {
        g->guest.emplace_back(f, f + len);
        g->hashes.push_back(hash);
    }
    return g->deliver_result;
}

const VnetDevOps kOps = {glue_xmit, glue_deliver};

class CapiTest : public ::testing::Test {
  protected:
    void SetUp() override {
        dev = vnet_lower_new("up0", vnet::test::kMacA.bytes.data(), 1500, &kOps, &g);
    }
    void TearDown() override { vnet_dev_free(dev); }
    VnetDevStats stats() {
        VnetDevStats s;
        vnet_dev_get_stats(dev, &s);
        return s;
    }

    Glue g;
    VnetDev* dev = nullptr;
};

TEST_F(CapiTest, TransmitSkipsHeaderAndJoinsIovecs) {
    auto f = vnet::test::eth_frame(vnet::test::kMacB, vnet::test::kMacA, 0x0800, 50);
    std::vector<std::uint8_t> hdr(12, 0xee);
    // header split across the first two iovecs, frame across the rest
    struct iovec iov[4] = {
        {hdr.data(), 8},
        {nullptr, 0},
        {nullptr, 0},
        {nullptr, 0},
    };
    std::vector<std::uint8_t> second(hdr.begin() + 8, hdr.end());
    second.insert(second.end(), f.begin(), f.begin() + 20);
    iov[1] = {second.data(), second.size()};
    iov[2] = {f.data() + 20, 0};
    iov[3] = {f.data() + 20, f.size() - 20};
    EXPECT_EQ(vnet_dev_transmit(dev, iov, 4, 12), VNET_XMIT_SENT);
    ASSERT_EQ(g.wire.size(), 1u);
    EXPECT_EQ(g.wire[0], f);
    EXPECT_EQ(stats().tx_packets, 1u);
    EXPECT_EQ(stats().tx_bytes, f.size());
}

TEST_F(CapiTest, TransmitOfHeaderOnlyIsRunt) {
    std::vector<std::uint8_t> hdr(12, 0);
    struct iovec iov = {hdr.data(), hdr.size()};
    EXPECT_EQ(vnet_dev_transmit(dev, &iov, 1, 12), VNET_XMIT_DROPPED);
    EXPECT_EQ(stats().drops[static_cast<int>(vnet::DropReason::tx_runt)], 1u);
    EXPECT_TRUE(g.wire.empty());
}

TEST_F(CapiTest, TransmitOverBufferIsOversizeNotOverflow) {
    std::vector<std::uint8_t> big(70000, 0);
    struct iovec iov = {big.data(), big.size()};
    EXPECT_EQ(vnet_dev_transmit(dev, &iov, 1, 12), VNET_XMIT_DROPPED);
    EXPECT_EQ(stats().drops[static_cast<int>(vnet::DropReason::tx_oversize)], 1u);
}

TEST_F(CapiTest, ReceiveDeliversWithFlowHash) {
    auto f = vnet::test::ipv4_frame(0x420995bb, 0xa18e6450, 6, 2794, 1766);
    EXPECT_EQ(vnet_dev_receive(dev, f.data(), f.size()), VNET_RX_DELIVERED);
    ASSERT_EQ(g.guest.size(), 1u);
    EXPECT_EQ(g.guest[0], f);
    EXPECT_EQ(g.hashes[0], 0x51ccc178u);
    EXPECT_EQ(vnet_flow_hash(f.data(), f.size()), 0x51ccc178u);
}

TEST_F(CapiTest, ReceiveBusyLeavesFrameWithCaller) {
    g.deliver_result = VNET_DELIVER_BUSY;
    auto f = vnet::test::eth_frame(vnet::test::kMacA, vnet::test::kMacB, 0x0800, 46);
    EXPECT_EQ(vnet_dev_receive(dev, f.data(), f.size()), VNET_RX_BUSY);
    EXPECT_EQ(stats().rx_packets, 0u);
}

TEST_F(CapiTest, RxModeAndTablesProgramTheFilter) {
    vnet_dev_set_rx_mode(dev, false, false);
    auto other = vnet::test::eth_frame(vnet::test::kMacC, vnet::test::kMacB, 0x0800, 46);
    EXPECT_EQ(vnet_dev_receive(dev, other.data(), other.size()), VNET_RX_DROPPED);
    vnet_dev_set_mac_tables(dev, vnet::test::kMacC.bytes.data(), 1, nullptr, 0);
    EXPECT_EQ(vnet_dev_receive(dev, other.data(), other.size()), VNET_RX_DELIVERED);
    EXPECT_EQ(stats().drops[static_cast<int>(vnet::DropReason::rx_filtered)], 1u);
}

TEST_F(CapiTest, MacChangeMovesTheFilter) {
    vnet_dev_set_rx_mode(dev, false, false);
    vnet_dev_set_mac(dev, vnet::test::kMacB.bytes.data());
    auto f = vnet::test::eth_frame(vnet::test::kMacB, vnet::test::kMacC, 0x0800, 46);
    EXPECT_EQ(vnet_dev_receive(dev, f.data(), f.size()), VNET_RX_DELIVERED);
}

TEST_F(CapiTest, CarrierDownStopsTransmit) {
    vnet_dev_set_carrier(dev, false);
    auto f = vnet::test::eth_frame(vnet::test::kMacB, vnet::test::kMacA, 0x0800, 46);
    struct iovec iov = {f.data(), f.size()};
    EXPECT_EQ(vnet_dev_transmit(dev, &iov, 1, 0), VNET_XMIT_DROPPED);
    EXPECT_EQ(stats().drops[static_cast<int>(vnet::DropReason::tx_link_down)], 1u);
    EXPECT_TRUE(g.wire.empty());
}

TEST_F(CapiTest, DeviceDownStopsReceive) {
    vnet_dev_set_up(dev, false);
    auto f = vnet::test::eth_frame(vnet::test::kMacA, vnet::test::kMacB, 0x0800, 46);
    EXPECT_EQ(vnet_dev_receive(dev, f.data(), f.size()), VNET_RX_DROPPED);
    EXPECT_EQ(stats().drops[static_cast<int>(vnet::DropReason::rx_link_down)], 1u);
    EXPECT_TRUE(g.guest.empty());
}

TEST(Capi, DropReasonNamesAreStable) {
    EXPECT_STREQ(vnet_drop_reason_name(0), "tx-runt");
    EXPECT_STREQ(vnet_drop_reason_name(VNET_DROP_REASONS - 1), "fwd-dropped");
    EXPECT_STREQ(vnet_drop_reason_name(VNET_DROP_REASONS), "unknown");
}

}  // namespace
