// SPDX-License-Identifier: GPL-2.0-or-later
// The C ABI the QEMU glue uses: guest iovecs in, uplink frames out, uplink
// frames in, guest deliveries out, with the RX queue hash.
#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "frames.h"
#include "vnet/counters.h"
#include "vnet/flow_hash.h"
#include "vnet/vf_config.h"
#include "vnet/vnet.h"
#include "vnet/wire/bytes.h"

namespace {

struct Glue {
    std::vector<std::vector<std::uint8_t>> wire, guest;
    std::vector<std::uint32_t> queues;
    VnetXmitResult xmit_result = VNET_XMIT_SENT;
    VnetDeliverResult deliver_result = VNET_DELIVER_OK;
    std::vector<std::vector<uint8_t>> hdrs;  // each delivered frame's virtio-net header
    int kicks = 0;
    std::vector<bool> carrier;
    std::vector<unsigned> mtus;
};

VnetXmitResult glue_xmit(void* opaque, const uint8_t*, const uint8_t* f, size_t len) {
    auto* g = static_cast<Glue*>(opaque);
    g->wire.emplace_back(f, f + len);
    return g->xmit_result;
}

VnetDeliverResult glue_deliver(void* opaque, const uint8_t* hdr, const uint8_t* f, size_t len,
                               uint32_t queue) {
    auto* g = static_cast<Glue*>(opaque);
    if (g->deliver_result == VNET_DELIVER_OK) {
        g->hdrs.emplace_back(hdr, hdr + VNET_NET_HDR_LEN);
        g->guest.emplace_back(f, f + len);
        g->queues.push_back(queue);
    }
    return g->deliver_result;
}

// The pieces of a frame delivered around a VF's stripped port VLAN tag.
VnetDeliverResult glue_deliver_iov(void* opaque, const uint8_t* hdr, const struct iovec* iov,
                                   unsigned n, uint32_t queue) {
    std::vector<std::uint8_t> f;
    for (unsigned i = 0; i < n; ++i) {
        const auto* b = static_cast<const std::uint8_t*>(iov[i].iov_base);
        f.insert(f.end(), b, b + iov[i].iov_len);
    }
    return glue_deliver(opaque, hdr, f.data(), f.size(), queue);
}

void glue_kick(void* opaque) { ++static_cast<Glue*>(opaque)->kicks; }

void glue_carrier(void* opaque, bool on) { static_cast<Glue*>(opaque)->carrier.push_back(on); }

void glue_mtu(void* opaque, unsigned mtu) { static_cast<Glue*>(opaque)->mtus.push_back(mtu); }

std::uint64_t g_now_ms = 0;

std::uint64_t glue_now(void*) { return g_now_ms; }

const VnetDevOps kOps = {.xmit = glue_xmit,
                         .deliver = glue_deliver,
                         .deliver_iov = glue_deliver_iov,
                         .carrier_changed = glue_carrier,
                         .kick_work = glue_kick,
                         .now_ms = glue_now,
                         .timers_soon = nullptr,
                         .mtu_changed = glue_mtu,
                         .xmit_iov = nullptr};

class CapiTest : public ::testing::Test {
  protected:
    void SetUp() override {
        dev = vnet_lower_new("up0", vnet::test::kMacA.bytes.data(), 1500, &kOps, &g);
    }
    void TearDown() override {
        if (dev) {
            vnet_dev_free(dev);
        }
    }
    VnetDevStats stats() {
        VnetDevStats s;
        vnet_dev_get_stats(dev, &s);
        return s;
    }
    // ip=10.0.2.15/24, gw=10.0.2.2 on the lower.
    void give_lower_ip() {
        VnetInetConfig cfg{};
        cfg.has_ip4 = cfg.has_gw4 = true;
        const std::uint8_t ip[4] = {10, 0, 2, 15}, gw[4] = {10, 0, 2, 2};
        std::copy(ip, ip + 4, cfg.ip4);
        std::copy(gw, gw + 4, cfg.gw4);
        cfg.prefix4 = 24;
        vnet_lower_set_inet(dev, &cfg);
    }
    // An L3 ipvlan child with 10.0.2.16.
    VnetDev* l3_child(Glue& gc) {
        char why[128] = "";
        const char* field = nullptr;
        VnetDev* c = vnet_ipvlan_new(dev, "c", 1500, VNET_IPVLAN_L3, 0, &kOps, &gc, why,
                                     sizeof(why), &field);
        EXPECT_TRUE(c) << why;
        const std::uint8_t mine[4] = {10, 0, 2, 16};
        vnet_ipvlan_add_addr(c, mine, false);
        return c;
    }
    // What the L3 child sends to 8.8.8.8: to the shared MAC, off-link.
    static std::vector<std::uint8_t> frame_off_link() {
        auto f = vnet::test::ipv4_frame(0x0a000210, 0x08080808, 17, 1000, 53);
        std::copy(vnet::test::kMacA.bytes.begin(), vnet::test::kMacA.bytes.end(), f.begin());
        std::copy(vnet::test::kMacA.bytes.begin(), vnet::test::kMacA.bytes.end(), f.begin() + 6);
        return f;
    }

    Glue g;
    VnetDev* dev = nullptr;
};

TEST_F(CapiTest, TransmitSkipsHeaderAndJoinsIovecs) {
    auto f = vnet::test::eth_frame(vnet::test::kMacB, vnet::test::kMacA, 0x0800, 50);
    // No offload asked; num_buffers (the last two) is junk to skip.
    std::vector<std::uint8_t> hdr = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xee, 0xee};
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
    EXPECT_EQ(vnet_dev_queue_xmit(dev, iov, 4, 12), VNET_XMIT_SENT);
    ASSERT_EQ(g.wire.size(), 1u);
    EXPECT_EQ(g.wire[0], f);
    EXPECT_EQ(stats().tx_packets, 1u);
    EXPECT_EQ(stats().tx_bytes, f.size());
}

TEST_F(CapiTest, TransmitOfHeaderOnlyIsRunt) {
    std::vector<std::uint8_t> hdr(12, 0);
    struct iovec iov = {hdr.data(), hdr.size()};
    EXPECT_EQ(vnet_dev_queue_xmit(dev, &iov, 1, 12), VNET_XMIT_DROPPED);
    EXPECT_EQ(stats().drops[static_cast<int>(vnet::DropReason::tx_runt)], 1u);
    EXPECT_TRUE(g.wire.empty());
}

TEST_F(CapiTest, TransmitOverBufferIsOversizeNotOverflow) {
    std::vector<std::uint8_t> big(70000, 0);
    struct iovec iov = {big.data(), big.size()};
    EXPECT_EQ(vnet_dev_queue_xmit(dev, &iov, 1, 12), VNET_XMIT_DROPPED);
    EXPECT_EQ(stats().drops[static_cast<int>(vnet::DropReason::tx_oversize)], 1u);
}

// The flow hash spreads frames over the active pairs (entry hash & 127 of
// the default table holds entry mod pairs), until the driver sets RSS.
TEST_F(CapiTest, ReceiveQueueFromTheFlowHashThenFromRss) {
    auto f = vnet::test::ipv4_frame(0x420995bb, 0xa18e6450, 6, 2794, 1766);
    EXPECT_EQ(vnet::ToeplitzHasher::default_hasher().hash_frame(f).value, 0x51ccc178u);
    EXPECT_EQ(vnet_dev_receive(dev, f.data(), f.size()), VNET_RX_DELIVERED);
    vnet_dev_set_rx_queues(dev, 16);
    EXPECT_EQ(vnet_dev_receive(dev, f.data(), f.size()), VNET_RX_DELIVERED);
    ASSERT_EQ(g.guest.size(), 2u);
    EXPECT_EQ(g.guest[0], f);
    EXPECT_EQ(g.queues, (std::vector<std::uint32_t>{0, 0x78 % 16}));
    std::uint8_t table[2] = {3, 0};  // one entry: queue 3
    VnetCtrlCmd rss{};
    rss.kind = VNET_CTRL_RSS_CONFIG;
    rss.hash_types = 1;  // IPv4
    rss.table = table;
    rss.n_table = 1;
    rss.key = vnet::kDefaultRssKey.data();
    rss.key_len = 40;
    EXPECT_FALSE(vnet_dev_set_rss(dev, &rss, 3));  // queue 3 of 3: refused
    ASSERT_TRUE(vnet_dev_set_rss(dev, &rss, 4));
    EXPECT_EQ(vnet_dev_receive(dev, f.data(), f.size()), VNET_RX_DELIVERED);
    EXPECT_EQ(g.queues.back(), 3u);
    rss.key_len = 0;  // hash types without a key
    EXPECT_FALSE(vnet_dev_set_rss(dev, &rss, 4));
    ASSERT_TRUE(vnet_dev_set_rss(dev, nullptr, 4));
    EXPECT_EQ(vnet_dev_receive(dev, f.data(), f.size()), VNET_RX_DELIVERED);
    EXPECT_EQ(g.queues.back(), 0x78u % 16);
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
    EXPECT_EQ(vnet_dev_queue_xmit(dev, &iov, 1, 0), VNET_XMIT_DROPPED);
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
    EXPECT_STREQ(vnet_drop_reason_name(VNET_DROP_REASONS - 1), "rx-probe-queue-full");
    EXPECT_STREQ(vnet_drop_reason_name(VNET_DROP_REASONS), "unknown");
}

}  // namespace

namespace {

// A lower with two macvlan children through the C ABI, as the glue has it.
class CapiMacvlanTest : public CapiTest {
  protected:
    void SetUp() override {
        CapiTest::SetUp();
        a = vnet_macvlan_new(dev, "a", vnet::test::kMacB.bytes.data(), 1500, VNET_MACVLAN_BRIDGE,
                             false, &kOps, &ga, why, sizeof(why), &field);
        b = vnet_macvlan_new(dev, "b", vnet::test::kMacC.bytes.data(), 1500, VNET_MACVLAN_BRIDGE,
                             false, &kOps, &gb, why, sizeof(why), &field);
        ASSERT_TRUE(a && b) << why;
    }
    void TearDown() override {
        if (b) {
            vnet_dev_free(b);
        }
        if (a) {
            vnet_dev_free(a);
        }
        CapiTest::TearDown();
    }
    VnetXmitResult send(VnetDev* from, const vnet::MacAddr& dst) {
        std::uint8_t src[6];
        vnet_dev_get_mac(from, src);
        auto f = vnet::test::eth_frame(dst, vnet::MacAddr::from(src), 0x0800, 46);
        struct iovec iov = {f.data(), f.size()};
        return vnet_dev_queue_xmit(from, &iov, 1, 0);
    }

    Glue ga, gb;
    VnetDev* a = nullptr;
    VnetDev* b = nullptr;
    char why[128] = "";
    const char* field = nullptr;
};

const vnet::MacAddr kForeign{{0x02, 0x00, 0x00, 0x00, 0x00, 0x0d}};

// Linux's macvlan sends the lower's own frames to the wire and never
// hands a child's frame to the lower's stack; an SR-IOV NIC's VEB has the
// PF as a port: with veb on, the lower's stack and the bridge children
// reach each other inside the device, unicast and broadcast.
TEST_F(CapiMacvlanTest, VebMakesTheLowerABridgePort) {
    auto lower_to_a = vnet::test::eth_frame(vnet::test::kMacB, vnet::test::kMacA, 0x0800, 46);
    struct iovec iov = {lower_to_a.data(), lower_to_a.size()};
    EXPECT_EQ(vnet_dev_queue_xmit(dev, &iov, 1, 0), VNET_XMIT_SENT);
    EXPECT_EQ(g.wire.size(), 1u);  // macvlan: out to the wire
    EXPECT_TRUE(ga.guest.empty());
    EXPECT_EQ(send(a, vnet::test::kMacA), VNET_XMIT_SENT);
    EXPECT_EQ(g.wire.size(), 2u);
    EXPECT_TRUE(g.guest.empty());

    ASSERT_TRUE(vnet_macvlan_set_veb(dev, true));
    EXPECT_EQ(vnet_dev_queue_xmit(dev, &iov, 1, 0), VNET_XMIT_SENT);
    ASSERT_EQ(ga.guest.size(), 1u);
    EXPECT_EQ(ga.guest[0], lower_to_a);
    EXPECT_EQ(send(a, vnet::test::kMacA), VNET_XMIT_SENT);
    EXPECT_EQ(g.guest.size(), 1u);
    EXPECT_EQ(g.wire.size(), 2u);  // neither went out
    // Broadcast from the PF: each child and the wire; from a child: the
    // sibling, the PF and the wire.
    auto bcast = vnet::test::eth_frame(vnet::MacAddr{{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}},
                                       vnet::test::kMacA, 0x0806, 46);
    struct iovec biov = {bcast.data(), bcast.size()};
    EXPECT_EQ(vnet_dev_queue_xmit(dev, &biov, 1, 0), VNET_XMIT_SENT);
    EXPECT_EQ(ga.guest.size(), 2u);
    EXPECT_EQ(gb.guest.size(), 1u);
    EXPECT_EQ(g.wire.size(), 3u);
    EXPECT_EQ(g.guest.size(), 1u);  // not back to its sender
    EXPECT_EQ(send(a, vnet::MacAddr{{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}}), VNET_XMIT_SENT);
    EXPECT_EQ(gb.guest.size(), 2u);
    EXPECT_EQ(g.guest.size(), 2u);
    EXPECT_EQ(g.wire.size(), 4u);
    EXPECT_EQ(ga.guest.size(), 2u);
    // A MAC nobody here has still goes out.
    EXPECT_EQ(send(a, kForeign), VNET_XMIT_SENT);
    EXPECT_EQ(g.wire.size(), 5u);
}

// An SR-IOV VF with spoofchk (on by default, as Linux's PF drivers start
// a VF) sends only from its own MAC; the rest is dropped and counted, and
// reaches no sibling.
TEST_F(CapiMacvlanTest, VfSpoofchkDropsForeignSourceMacs) {
    VnetVfConfig vf;
    vnet_vf_config_init(&vf);
    EXPECT_TRUE(vf.spoofchk && !vf.trust && !vf.admin_mac);
    vnet_dev_set_vf(a, &vf);
    EXPECT_EQ(send(a, vnet::test::kMacC), VNET_XMIT_SENT);
    EXPECT_EQ(gb.guest.size(), 1u);
    auto forged = vnet::test::eth_frame(vnet::test::kMacC, kForeign, 0x0800, 46);
    struct iovec iov = {forged.data(), forged.size()};
    EXPECT_EQ(vnet_dev_queue_xmit(a, &iov, 1, 0), VNET_XMIT_DROPPED);
    EXPECT_EQ(gb.guest.size(), 1u);
    VnetDevStats st;
    vnet_dev_get_stats(a, &st);
    EXPECT_EQ(st.drops[static_cast<int>(vnet::DropReason::tx_spoofed)], 1u);
    // spoofchk off: the frame goes (a Linux bridge in the VF's guest).
    vf.spoofchk = false;
    vnet_dev_set_vf(a, &vf);
    EXPECT_EQ(vnet_dev_queue_xmit(a, &iov, 1, 0), VNET_XMIT_SENT);
    EXPECT_EQ(gb.guest.size(), 2u);
    // A device that is no VF is never checked.
    auto from_b = vnet::test::eth_frame(vnet::test::kMacB, kForeign, 0x0800, 46);
    struct iovec iov_b = {from_b.data(), from_b.size()};
    EXPECT_EQ(vnet_dev_queue_xmit(b, &iov_b, 1, 0), VNET_XMIT_SENT);
}

// `ip link set PF vf N vlan 10 qos 3`: what the VF sends leaves tagged
// (a frame it tagged itself is refused), and only frames with its tag
// reach it, stripped; a sibling without a port VLAN sees the tag.
TEST_F(CapiMacvlanTest, VfPortVlanTagsStripsAndFilters) {
    VnetVfConfig vf;
    vnet_vf_config_init(&vf);
    vf.vlan = 10;
    vf.qos = 3;
    vnet_dev_set_vf(a, &vf);
    auto untagged = vnet::test::eth_frame(vnet::test::kMacC, vnet::test::kMacB, 0x0800, 46);
    struct iovec iov = {untagged.data(), untagged.size()};
    EXPECT_EQ(vnet_dev_queue_xmit(a, &iov, 1, 0), VNET_XMIT_SENT);
    ASSERT_EQ(gb.guest.size(), 1u);
    std::vector<std::uint8_t> tagged(untagged.begin(), untagged.begin() + 12);
    const std::uint8_t tag[4] = {0x81, 0x00, 0x60, 0x0a};  // priority 3, VID 10
    tagged.insert(tagged.end(), tag, tag + 4);
    tagged.insert(tagged.end(), untagged.begin() + 12, untagged.end());
    EXPECT_EQ(gb.guest[0], tagged);
    // Out of the uplink too, tagged.
    EXPECT_EQ(send(a, kForeign), VNET_XMIT_SENT);
    ASSERT_EQ(g.wire.size(), 1u);
    EXPECT_EQ(vnet::wire::load_be16(g.wire[0].data() + 12), 0x8100);
    // Its own tag is not the VF's to choose.
    struct iovec tiov = {tagged.data(), tagged.size()};
    EXPECT_EQ(vnet_dev_queue_xmit(a, &tiov, 1, 0), VNET_XMIT_DROPPED);
    // From the uplink: untagged and VID 20 are dropped, VID 10 stripped.
    auto to_a = vnet::test::eth_frame(vnet::test::kMacB, vnet::test::kMacA, 0x0800, 46);
    EXPECT_EQ(vnet_dev_receive(dev, to_a.data(), to_a.size()), VNET_RX_DROPPED);
    std::vector<std::uint8_t> to_a10(to_a.begin(), to_a.begin() + 12);
    const std::uint8_t tag10[4] = {0x81, 0x00, 0x00, 0x0a};
    to_a10.insert(to_a10.end(), tag10, tag10 + 4);
    to_a10.insert(to_a10.end(), to_a.begin() + 12, to_a.end());
    auto to_a20 = to_a10;
    to_a20[15] = 20;
    EXPECT_EQ(vnet_dev_receive(dev, to_a20.data(), to_a20.size()), VNET_RX_DROPPED);
    EXPECT_EQ(vnet_dev_receive(dev, to_a10.data(), to_a10.size()), VNET_RX_DELIVERED);
    ASSERT_EQ(ga.guest.size(), 1u);
    EXPECT_EQ(ga.guest[0], to_a);
    VnetDevStats st;
    vnet_dev_get_stats(a, &st);
    EXPECT_EQ(st.drops[static_cast<int>(vnet::DropReason::tx_vlan_tagged)], 1u);
    EXPECT_EQ(st.drops[static_cast<int>(vnet::DropReason::rx_vlan_port)], 2u);
    // vlan 0: no port VLAN, frames as they are.
    vf.vlan = 0;
    vnet_dev_set_vf(a, &vf);
    EXPECT_EQ(vnet_dev_receive(dev, to_a.data(), to_a.size()), VNET_RX_DELIVERED);
    EXPECT_EQ(ga.guest.back(), to_a);
}

// A large frame comes in lent past its head (the sender's buffers): the
// tag goes in on the way out of one VF and comes out on the way into the
// other, the bytes between intact.
TEST_F(CapiMacvlanTest, VfPortVlanTagsALentFrame) {
    VnetVfConfig vf;
    vnet_vf_config_init(&vf);
    vf.vlan = 10;
    vnet_dev_set_vf(a, &vf);
    vnet_dev_set_vf(b, &vf);
    auto f = vnet::test::eth_frame(vnet::test::kMacC, vnet::test::kMacB, 0x0800, 1400);
    for (std::size_t i = 14; i < f.size(); ++i) {
        f[i] = static_cast<std::uint8_t>(i);
    }
    struct iovec iov[2] = {{f.data(), 700}, {f.data() + 700, f.size() - 700}};
    EXPECT_EQ(vnet_dev_queue_xmit(a, iov, 2, 0), VNET_XMIT_SENT);
    ASSERT_EQ(gb.guest.size(), 1u);
    EXPECT_EQ(gb.guest[0], f);
}

// A checksum or GSO frame keeps its metadata pointing at the same bytes
// when a tag goes in front of its network header or comes out.
TEST(VfConfig, OffloadMovesWithTheTag) {
    vnet::Offload o;
    o.ip_summed = vnet::IpSummed::partial;
    o.gso_type = vnet::GsoType::tcpv4;
    o.csum_start = 34;
    o.csum_offset = 16;
    o.network_offset = 14;
    o.hdr_len = 54;
    const vnet::Offload pushed = vnet::offload_moved(o, 4);
    EXPECT_EQ(pushed.csum_start, 38);
    EXPECT_EQ(pushed.csum_offset, 16);
    EXPECT_EQ(pushed.network_offset, 18);
    EXPECT_EQ(pushed.hdr_len, 58);
    const vnet::Offload back = vnet::offload_moved(pushed, -4);
    EXPECT_EQ(back.csum_start, 34);
    EXPECT_EQ(back.hdr_len, 54);
    vnet::Offload none;  // nothing to move
    EXPECT_EQ(vnet::offload_moved(none, 4).csum_start, 0);
    EXPECT_EQ(vnet::offload_moved(none, 4).hdr_len, 0);
}

// IFLA_VF_LINK_STATE: auto follows the lower's carrier, enable and
// disable force the VF's either way.
TEST_F(CapiMacvlanTest, VfLinkStateForcesTheCarrier) {
    VnetVfConfig vf;
    vnet_vf_config_init(&vf);
    vnet_dev_set_vf(a, &vf);
    EXPECT_TRUE(vnet_dev_carrier(a));
    vnet_dev_set_carrier(dev, false);
    EXPECT_FALSE(vnet_dev_carrier(a));
    vf.link_state = VNET_VF_LINK_ENABLE;
    vnet_dev_set_vf(a, &vf);
    EXPECT_TRUE(vnet_dev_carrier(a));
    EXPECT_FALSE(vnet_dev_carrier(b));
    vnet_dev_set_carrier(dev, true);
    vf.link_state = VNET_VF_LINK_DISABLE;
    vnet_dev_set_vf(a, &vf);
    EXPECT_FALSE(vnet_dev_carrier(a));
    EXPECT_EQ(send(a, vnet::test::kMacC), VNET_XMIT_DROPPED);
    EXPECT_TRUE(vnet_dev_carrier(b));
    vf.link_state = VNET_VF_LINK_AUTO;
    vnet_dev_set_vf(a, &vf);
    EXPECT_TRUE(vnet_dev_carrier(a));
    EXPECT_EQ(send(a, vnet::test::kMacC), VNET_XMIT_SENT);
}

// An untrusted VF may pick its own MAC until the host sets one, and then
// not override it (ixgbe's rule); it never goes promiscuous. Trusted, it
// may do both; a device that is no VF always may.
TEST_F(CapiMacvlanTest, VfTrustGatesMacOverrideAndPromisc) {
    VnetVfConfig vf;
    vnet_vf_config_init(&vf);
    vnet_dev_set_vf(a, &vf);
    const std::uint8_t* other = kForeign.bytes.data();
    const std::uint8_t* own = vnet::test::kMacB.bytes.data();
    EXPECT_TRUE(vnet_dev_vf_permits_mac(a, other));
    EXPECT_FALSE(vnet_dev_vf_permits_promisc(a));
    vf.admin_mac = true;
    vnet_dev_set_vf(a, &vf);
    EXPECT_FALSE(vnet_dev_vf_permits_mac(a, other));
    EXPECT_TRUE(vnet_dev_vf_permits_mac(a, own));
    vf.trust = true;
    vnet_dev_set_vf(a, &vf);
    EXPECT_TRUE(vnet_dev_vf_permits_mac(a, other));
    EXPECT_TRUE(vnet_dev_vf_permits_promisc(a));
    EXPECT_TRUE(vnet_dev_vf_permits_mac(b, other));
    EXPECT_TRUE(vnet_dev_vf_permits_promisc(b));
}

// A frame shorter than an Ethernet header from the wire goes to the
// lower's own driver while it is promiscuous (as a NIC, as virtio-net),
// never to a child; otherwise it is a counted runt.
TEST_F(CapiMacvlanTest, RuntFromTheWireReachesOnlyAPromiscuousLower) {
    const std::uint8_t runt[5] = {'T', 'E', 'S', 'T', 0};
    EXPECT_EQ(vnet_dev_receive(dev, runt, sizeof(runt)), VNET_RX_DELIVERED);
    ASSERT_EQ(g.guest.size(), 1u);
    EXPECT_EQ(g.guest[0], std::vector<std::uint8_t>(runt, runt + sizeof(runt)));
    EXPECT_TRUE(ga.guest.empty() && gb.guest.empty());
    vnet_dev_set_rx_mode(dev, false, false);
    EXPECT_EQ(vnet_dev_receive(dev, runt, sizeof(runt)), VNET_RX_DROPPED);
    EXPECT_EQ(stats().drops[static_cast<int>(vnet::DropReason::rx_runt)], 1u);
    EXPECT_EQ(g.guest.size(), 1u);
    // An empty one is no frame at all, promiscuous or not.
    vnet_dev_set_rx_mode(dev, true, false);
    EXPECT_EQ(vnet_dev_receive(dev, runt, 0), VNET_RX_DROPPED);
    EXPECT_EQ(stats().drops[static_cast<int>(vnet::DropReason::rx_runt)], 2u);
    EXPECT_EQ(g.guest.size(), 1u);
}

// A vlan device on a child (`ip link add link eth1 name eth1.10 type vlan
// id 10`) makes its driver add VID 10 (CTRL_VLAN); only frames with that
// tag reach the child, untagged ones still do, and a sibling's table is
// its own.
TEST_F(CapiMacvlanTest, VlanFilterAdmitsOnlyTheVidsTheDriverAdded) {
    auto tagged = [](const vnet::MacAddr& dst, std::uint16_t tci) {
        auto f = vnet::test::eth_frame(dst, vnet::test::kMacA, 0x8100, 50);
        f[14] = static_cast<std::uint8_t>(tci >> 8);
        f[15] = static_cast<std::uint8_t>(tci);
        f[16] = 0x08;
        f[17] = 0x00;
        return f;
    };
    vnet_dev_set_rx_mode(a, false, false);
    vnet_dev_set_rx_mode(b, false, false);
    auto vid10 = tagged(vnet::test::kMacB, 0x200a);  // priority 1, VID 10
    auto vid20 = tagged(vnet::test::kMacB, 20);
    // Not negotiated: every VID passes.
    EXPECT_EQ(vnet_dev_receive(dev, vid20.data(), vid20.size()), VNET_RX_DELIVERED);
    EXPECT_EQ(ga.guest.size(), 1u);
    vnet_dev_set_vlan_filter(a, true, nullptr);
    vnet_dev_set_vlan_filter(b, true, nullptr);
    EXPECT_EQ(vnet_dev_receive(dev, vid10.data(), vid10.size()), VNET_RX_DROPPED);
    vnet_dev_set_vlan(a, 10, true);
    EXPECT_EQ(vnet_dev_receive(dev, vid10.data(), vid10.size()), VNET_RX_DELIVERED);
    EXPECT_EQ(vnet_dev_receive(dev, vid20.data(), vid20.size()), VNET_RX_DROPPED);
    auto untagged = vnet::test::eth_frame(vnet::test::kMacB, vnet::test::kMacA, 0x0800, 46);
    EXPECT_EQ(vnet_dev_receive(dev, untagged.data(), untagged.size()), VNET_RX_DELIVERED);
    ASSERT_EQ(ga.guest.size(), 3u);
    EXPECT_EQ(ga.guest[1], vid10);
    // The sibling did not add VID 10.
    auto b10 = tagged(vnet::test::kMacC, 10);
    EXPECT_EQ(vnet_dev_receive(dev, b10.data(), b10.size()), VNET_RX_DROPPED);
    EXPECT_TRUE(gb.guest.empty());
    VnetDevStats st;
    vnet_dev_get_stats(a, &st);
    EXPECT_EQ(st.drops[static_cast<int>(vnet::DropReason::rx_vlan_filtered)], 2u);
    // Deleted, it is filtered again; a whole table (a migration) sets it back.
    vnet_dev_set_vlan(a, 10, false);
    EXPECT_EQ(vnet_dev_receive(dev, vid10.data(), vid10.size()), VNET_RX_DROPPED);
    std::uint32_t table[VNET_VLAN_WORDS] = {};
    table[0] = 1u << 10;
    vnet_dev_set_vlan_filter(a, true, table);
    EXPECT_EQ(vnet_dev_receive(dev, vid10.data(), vid10.size()), VNET_RX_DELIVERED);
    EXPECT_EQ(vnet_dev_receive(dev, vid20.data(), vid20.size()), VNET_RX_DROPPED);
}

// vlan_do_receive: a VID the lower's own guest has a VLAN interface for
// (its driver added it) is the lower's before any macvlan child sees the
// frame, as in Linux, where the child's VLAN interface then gets nothing;
// a priority tag, or a lower that does not filter, leaves it to the child.
TEST_F(CapiMacvlanTest, TheLowersVlanInterfaceTakesItsVidFirst) {
    auto tagged = [](std::uint16_t tci) {
        auto f = vnet::test::eth_frame(vnet::test::kMacB, vnet::test::kMacA, 0x8100, 50);
        f[14] = static_cast<std::uint8_t>(tci >> 8);
        f[15] = static_cast<std::uint8_t>(tci);
        return f;
    };
    auto vid10 = tagged(10), vid20 = tagged(20), prio = tagged(0x4000);
    EXPECT_EQ(vnet_dev_receive(dev, vid10.data(), vid10.size()), VNET_RX_DELIVERED);
    EXPECT_EQ(ga.guest.size(), 1u);  // the lower does not filter: unknown
    vnet_dev_set_vlan_filter(dev, true, nullptr);
    vnet_dev_set_vlan(dev, 0, true);
    vnet_dev_set_vlan(dev, 10, true);
    for (auto* f : {&vid10, &vid20, &prio}) {
        EXPECT_EQ(vnet_dev_receive(dev, f->data(), f->size()), VNET_RX_DELIVERED);
    }
    ASSERT_EQ(g.guest.size(), 1u);
    EXPECT_EQ(g.guest[0], vid10);
    ASSERT_EQ(ga.guest.size(), 3u);
    EXPECT_EQ(ga.guest[1], vid20);
    EXPECT_EQ(ga.guest[2], prio);
}

// A child's driver cannot send one (as Linux's packet sockets refuse
// frames shorter than the link header).
TEST_F(CapiMacvlanTest, RuntFromAGuestIsRefused) {
    std::uint8_t runt[13] = {};
    struct iovec iov = {runt, sizeof(runt)};
    EXPECT_EQ(vnet_dev_queue_xmit(a, &iov, 1, 0), VNET_XMIT_DROPPED);
    VnetDevStats s;
    vnet_dev_get_stats(a, &s);
    EXPECT_EQ(s.drops[static_cast<int>(vnet::DropReason::tx_runt)], 1u);
    EXPECT_TRUE(g.wire.empty() && gb.guest.empty());
}

TEST_F(CapiMacvlanTest, ChildToChildStaysOffTheWire) {
    EXPECT_EQ(vnet_dev_kind(a), VNET_DEV_MACVLAN);
    EXPECT_NE(vnet_dev_kind(dev), VNET_DEV_MACVLAN);
    EXPECT_EQ(send(a, vnet::test::kMacC), VNET_XMIT_SENT);
    EXPECT_EQ(gb.guest.size(), 1u);
    EXPECT_TRUE(g.wire.empty());
}

TEST_F(CapiMacvlanTest, ChildToOutsideUsesTheLowersWire) {
    const vnet::MacAddr outside{{0x52, 0x55, 0, 0, 0, 1}};
    EXPECT_EQ(send(a, outside), VNET_XMIT_SENT);
    EXPECT_EQ(g.wire.size(), 1u);
    EXPECT_TRUE(ga.wire.empty());
}

TEST_F(CapiMacvlanTest, UplinkFrameForAChildReachesIt) {
    auto f = vnet::test::eth_frame(vnet::test::kMacB, vnet::test::kMacA, 0x0800, 46);
    EXPECT_EQ(vnet_dev_receive(dev, f.data(), f.size()), VNET_RX_DELIVERED);
    EXPECT_EQ(ga.guest.size(), 1u);
    EXPECT_TRUE(g.guest.empty());
}

struct Traced {
    VnetTraceKind kind;
    std::string dev, what;
    bool has_mac, has_ip;
};
std::vector<Traced> g_traced;

void record_trace(VnetTraceKind kind, const char* dev, const char* what, const uint8_t* mac,
                  const VnetIpAddr* ip) {
    g_traced.push_back({kind, dev, what, mac != nullptr, ip != nullptr});
}

// The trace hook sees the lower's rx_handler pick the child ("another")
// and a runt dropped under its reason, each with the deciding device.
TEST_F(CapiMacvlanTest, TraceHookSeesRxHandlerResultsAndDrops) {
    g_traced.clear();
    vnet_set_trace(record_trace);
    auto f = vnet::test::eth_frame(vnet::test::kMacB, vnet::test::kMacA, 0x0800, 46);
    EXPECT_EQ(vnet_dev_receive(dev, f.data(), f.size()), VNET_RX_DELIVERED);
    const uint8_t runt[10] = {};
    vnet_dev_set_rx_mode(dev, false, false);  // promiscuous, it would take it
    EXPECT_EQ(vnet_dev_receive(dev, runt, sizeof(runt)), VNET_RX_DROPPED);
    vnet_set_trace(nullptr);
    EXPECT_EQ(vnet_dev_receive(dev, f.data(), f.size()), VNET_RX_DELIVERED);
    ASSERT_EQ(g_traced.size(), 2u);
    EXPECT_EQ(g_traced[0].kind, VNET_TRACE_RX_HANDLER);
    EXPECT_EQ(g_traced[0].dev, "up0");
    EXPECT_EQ(g_traced[0].what, "another");
    EXPECT_EQ(g_traced[1].kind, VNET_TRACE_DROP);
    EXPECT_EQ(g_traced[1].dev, "up0");
    EXPECT_EQ(g_traced[1].what, "rx-runt");
}

// NETDEV_CHANGEMTU as macvlan_device_event has it: a child above the
// lower's new MTU comes down to it, one below stays; raising the lower
// leaves them. A child may not exceed its lower; a lower not the MTU its
// buffers were made for.
TEST_F(CapiMacvlanTest, LowerMtuBoundsTheChildrenAsMacvlanDoes) {
    char why[128] = "";
    ASSERT_TRUE(vnet_dev_set_mtu(b, 1300, why, sizeof(why))) << why;
    EXPECT_EQ(gb.mtus, std::vector<unsigned>{1300});
    ASSERT_TRUE(vnet_dev_set_mtu(dev, 1400, why, sizeof(why))) << why;
    EXPECT_EQ(vnet_dev_mtu(a), 1400u);
    EXPECT_EQ(vnet_dev_mtu(b), 1300u);
    EXPECT_EQ(ga.mtus, std::vector<unsigned>{1400});
    EXPECT_EQ(gb.mtus, std::vector<unsigned>{1300});
    EXPECT_EQ(g.mtus, std::vector<unsigned>{1400});
    ASSERT_TRUE(vnet_dev_set_mtu(dev, 1500, why, sizeof(why)));
    EXPECT_EQ(vnet_dev_mtu(a), 1400u);
    EXPECT_FALSE(vnet_dev_set_mtu(dev, 1501, why, sizeof(why)));
    EXPECT_NE(std::string(why).find("1501"), std::string::npos) << why;
    EXPECT_FALSE(vnet_dev_set_mtu(a, 67, why, sizeof(why)));
    ASSERT_TRUE(vnet_dev_set_mtu(dev, 1450, why, sizeof(why)));
    EXPECT_FALSE(vnet_dev_set_mtu(a, 1451, why, sizeof(why)));
    EXPECT_TRUE(vnet_dev_set_mtu(a, 1450, why, sizeof(why)));
    // A frame over the child's MTU (plus Ethernet and VLAN headers) is
    // refused on the way out.
    auto big = vnet::test::eth_frame(vnet::test::kMacA, vnet::test::kMacB, 0x0800, 1455);
    struct iovec iov = {big.data(), big.size()};
    EXPECT_EQ(vnet_dev_queue_xmit(a, &iov, 1, 0), VNET_XMIT_DROPPED);
}

TEST_F(CapiMacvlanTest, BroadcastWorkIsKickedThenRun) {
    const vnet::MacAddr outside{{0x52, 0x55, 0, 0, 0, 1}};
    auto f = vnet::test::eth_frame(vnet::MacAddr::broadcast(), outside, 0x0806, 28);
    EXPECT_EQ(vnet_dev_receive(dev, f.data(), f.size()), VNET_RX_DELIVERED);  // lower's own
    EXPECT_EQ(g.kicks, 1);
    EXPECT_TRUE(ga.guest.empty());
    vnet_dev_run_work(a);  // any device of the lower runs its work
    EXPECT_EQ(ga.guest.size(), 1u);
    EXPECT_EQ(gb.guest.size(), 1u);
}

TEST_F(CapiMacvlanTest, RefusalSaysWhy) {
    Glue gx;
    EXPECT_EQ(vnet_macvlan_new(dev, "x", vnet::test::kMacB.bytes.data(), 1500, VNET_MACVLAN_VEPA,
                               false, &kOps, &gx, why, sizeof(why), &field),
              nullptr);
    EXPECT_NE(std::string(why).find("EBUSY"), std::string::npos) << why;
    EXPECT_STREQ(field, "mac");
    EXPECT_FALSE(vnet_dev_set_mac(a, vnet::test::kMacC.bytes.data()));
    EXPECT_TRUE(vnet_dev_set_mac(a, vnet::test::kMcast.bytes.data()) == false);
}

TEST_F(CapiMacvlanTest, CarrierOfTheLowerReachesTheChildren) {
    vnet_dev_set_carrier(dev, false);
    EXPECT_FALSE(vnet_dev_carrier(a));
    ASSERT_EQ(ga.carrier.size(), 1u);
    EXPECT_FALSE(ga.carrier[0]);
    vnet_dev_set_carrier(dev, true);
    EXPECT_TRUE(vnet_dev_carrier(b));
}

TEST_F(CapiMacvlanTest, SourceListThroughTheAbi) {
    Glue gs;
    const vnet::MacAddr s_mac{{0x52, 0x54, 0, 0, 0, 0x5}};
    VnetDev* s = vnet_macvlan_new(dev, "s", s_mac.bytes.data(), 1500, VNET_MACVLAN_SOURCE, false,
                                  &kOps, &gs, why, sizeof(why), &field);
    ASSERT_TRUE(s) << why;
    const std::uint8_t two[12] = {0x52, 0x55, 0, 0, 0, 1, 0x52, 0x55, 0, 0, 0, 2};
    // The list's entries: which of the two sources the child hears from.
    auto listed = [&] {
        std::size_t n = 0;
        for (int i = 0; i < 2; ++i) {
            auto f = vnet::test::eth_frame(vnet::test::kMacA, vnet::MacAddr::from(two + 6 * i),
                                           0x0800, 46);
            const std::size_t before = gs.guest.size();
            vnet_dev_receive(dev, f.data(), f.size());
            n += gs.guest.size() - before;
        }
        return n;
    };
    EXPECT_TRUE(vnet_macvlan_macaddr(s, VNET_MACADDR_SET, two, 2));
    EXPECT_EQ(listed(), 2u);
    EXPECT_TRUE(vnet_macvlan_macaddr(s, VNET_MACADDR_DEL, two, 1));
    EXPECT_EQ(listed(), 1u);
    EXPECT_FALSE(vnet_macvlan_macaddr(dev, VNET_MACADDR_FLUSH, nullptr, 0));
    vnet_dev_free(s);
}

TEST_F(CapiMacvlanTest, FreeingTheLowerFirstOrphansChildren) {
    vnet_dev_free(dev);
    dev = nullptr;
    EXPECT_FALSE(vnet_dev_carrier(a));
    EXPECT_EQ(send(a, vnet::test::kMacC), VNET_XMIT_DROPPED);
    vnet_dev_free(a);
    a = nullptr;
    vnet_dev_free(b);
    b = nullptr;
}

}  // namespace

namespace {

TEST_F(CapiTest, IpvlanChildrenThroughTheAbi) {
    Glue ga, gb;
    char why[128] = "";
    const char* field = nullptr;
    VnetDev* a =
        vnet_ipvlan_new(dev, "a", 1500, VNET_IPVLAN_L2, 0, &kOps, &ga, why, sizeof(why), &field);
    VnetDev* b =
        vnet_ipvlan_new(dev, "b", 1500, VNET_IPVLAN_L2, 0, &kOps, &gb, why, sizeof(why), &field);
    ASSERT_TRUE(a && b) << why;
    EXPECT_EQ(vnet_dev_kind(a), VNET_DEV_IPVLAN);
    std::uint8_t mac[6];
    vnet_dev_get_mac(a, mac);
    EXPECT_EQ(vnet::MacAddr::from(mac), vnet::test::kMacA);  // the lower's
    EXPECT_FALSE(vnet_dev_set_mac(a, vnet::test::kMacB.bytes.data()));
    const std::uint8_t ip_a[4] = {10, 0, 0, 1}, ip_b[4] = {10, 0, 0, 2};
    EXPECT_TRUE(vnet_ipvlan_add_addr(a, ip_a, false));
    EXPECT_FALSE(vnet_ipvlan_add_addr(b, ip_a, false));
    vnet_ipvlan_set_learning(b, true);
    // B announces 10.0.0.2 with a gratuitous ARP: learned, and A sees it.
    auto garp = vnet::test::eth_frame(vnet::MacAddr::broadcast(), vnet::test::kMacA, 0x0806, 0);
    const std::uint8_t arp[28] = {0,  1, 8, 0, 6, 4, 0, 1, 0x52, 0x54, 0,  0x12, 0x34, 0x56,
                                  10, 0, 0, 2, 0, 0, 0, 0, 0,    0,    10, 0,    0,    2};
    garp.insert(garp.end(), arp, arp + 28);
    struct iovec iov = {garp.data(), garp.size()};
    EXPECT_EQ(vnet_dev_queue_xmit(b, &iov, 1, 0), VNET_XMIT_SENT);
    vnet_dev_run_work(dev);
    EXPECT_EQ(ga.guest.size(), 1u);
    EXPECT_EQ(g.wire.size(), 1u);
    EXPECT_FALSE(vnet_ipvlan_add_addr(a, ip_b, false));  // B has it now
    // A macvlan cannot join a lower that has ipvlan children.
    Glue gm;
    EXPECT_EQ(vnet_macvlan_new(dev, "m", vnet::test::kMacC.bytes.data(), 1500, VNET_MACVLAN_BRIDGE,
                               false, &kOps, &gm, why, sizeof(why), &field),
              nullptr);
    EXPECT_STREQ(field, "lower");
    vnet_dev_free(b);
    vnet_dev_free(a);
}

}  // namespace

namespace {

// Migration through the ABI: an ipvlan child's addresses (here one given,
// one it claimed) land on the destination's child; one a sibling there
// already owns stays the sibling's. A lower without an IP layer and a
// macvlan child have nothing to carry.
TEST_F(CapiTest, IpvlanAddressesMigrateThroughTheAbi) {
    Glue ga, gd, ge;
    char why[128] = "";
    const char* field = nullptr;
    VnetDev* a =
        vnet_ipvlan_new(dev, "a", 1500, VNET_IPVLAN_L2, 0, &kOps, &ga, why, sizeof(why), &field);
    ASSERT_TRUE(a) << why;
    const std::uint8_t ip1[4] = {10, 0, 0, 1};
    const std::uint8_t ip6[16] = {0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 6};
    ASSERT_TRUE(vnet_ipvlan_add_addr(a, ip1, false));
    ASSERT_TRUE(vnet_ipvlan_add_addr(a, ip6, true));
    size_t len = 0;
    uint8_t* blob = vnet_dev_state_save(a, &len);
    ASSERT_NE(blob, nullptr);

    Glue gl;
    VnetDev* lower = vnet_lower_new("up1", vnet::test::kMacA.bytes.data(), 1500, &kOps, &gl);
    VnetDev* d =
        vnet_ipvlan_new(lower, "a", 1500, VNET_IPVLAN_L2, 0, &kOps, &gd, why, sizeof(why), &field);
    VnetDev* e =
        vnet_ipvlan_new(lower, "e", 1500, VNET_IPVLAN_L2, 0, &kOps, &ge, why, sizeof(why), &field);
    ASSERT_TRUE(d && e) << why;
    ASSERT_TRUE(vnet_ipvlan_add_addr(e, ip6, true));
    EXPECT_FALSE(vnet_dev_state_load(d, blob, len - 1));
    EXPECT_EQ(vnet_ipvlan_addrs(
                  d, [](void*, const uint8_t*, bool) {}, nullptr),
              0u);
    EXPECT_TRUE(vnet_dev_state_load(d, blob, len));
    EXPECT_EQ(vnet_ipvlan_addrs(
                  d, [](void*, const uint8_t*, bool) {}, nullptr),
              1u);
    EXPECT_FALSE(vnet_ipvlan_add_addr(e, ip1, false));    // d has it now
    EXPECT_FALSE(vnet_dev_state_load(lower, blob, len));  // not a lower's blob
    std::free(blob);

    EXPECT_EQ(vnet_dev_state_save(lower, &len), nullptr);
    EXPECT_EQ(len, 0u);
    EXPECT_TRUE(vnet_dev_state_load(lower, nullptr, 0));
    vnet_dev_free(e);
    vnet_dev_free(d);
    vnet_dev_free(lower);
    vnet_dev_free(a);
}

// ipvlan_adjust_mtu: an ipvlan child takes its lower's MTU, down or up.
TEST_F(CapiTest, IpvlanChildrenTakeTheLowersMtu) {
    Glue ga;
    char why[128] = "";
    const char* field = nullptr;
    VnetDev* a =
        vnet_ipvlan_new(dev, "a", 1500, VNET_IPVLAN_L2, 0, &kOps, &ga, why, sizeof(why), &field);
    ASSERT_TRUE(a) << why;
    ASSERT_TRUE(vnet_dev_set_mtu(a, 1200, why, sizeof(why)));
    ASSERT_TRUE(vnet_dev_set_mtu(dev, 1400, why, sizeof(why)));
    EXPECT_EQ(vnet_dev_mtu(a), 1400u);
    ASSERT_TRUE(vnet_dev_set_mtu(dev, 1500, why, sizeof(why)));
    EXPECT_EQ(vnet_dev_mtu(a), 1500u);
    EXPECT_EQ(ga.mtus, (std::vector<unsigned>{1200, 1400, 1500}));
    vnet_dev_free(a);
}

TEST_F(CapiTest, IpvlanL3RoutesThroughTheLowersIpLayer) {
    EXPECT_FALSE(vnet_dev_has_inet(dev));
    give_lower_ip();
    EXPECT_TRUE(vnet_dev_has_inet(dev));
    Glue gc;
    VnetDev* c = l3_child(gc);
    ASSERT_TRUE(c);
    // An IPv4 packet for 8.8.8.8: the gateway is solicited on the wire.
    auto f = frame_off_link();
    struct iovec iov = {f.data(), f.size()};
    // Taken (it waits for the neighbour, not for the QEMU backend).
    EXPECT_EQ(vnet_dev_queue_xmit(c, &iov, 1, 0), VNET_XMIT_SENT);
    ASSERT_EQ(g.wire.size(), 1u);
    EXPECT_EQ(g.wire[0][12], 0x08);  // ARP
    EXPECT_EQ(g.wire[0][13], 0x06);
    g_now_ms += 1000;
    vnet_dev_run_timers(c);
    EXPECT_EQ(g.wire.size(), 2u);  // asked again
    vnet_dev_free(c);
}

// The child finds its lower's IP layer when it routes: an L3 child made
// before the lower has ip= routes once it has, with no re-creation.
TEST_F(CapiTest, IpLayerGivenAfterTheChildIsFoundWhenItRoutes) {
    Glue gc;
    VnetDev* c = l3_child(gc);
    ASSERT_TRUE(c);
    auto f = frame_off_link();
    struct iovec iov = {f.data(), f.size()};
    EXPECT_EQ(vnet_dev_queue_xmit(c, &iov, 1, 0), VNET_XMIT_DROPPED);  // no route yet
    VnetDevStats st;
    vnet_dev_get_stats(c, &st);
    EXPECT_EQ(st.drops[static_cast<int>(vnet::DropReason::tx_no_route)], 1u);

    give_lower_ip();
    EXPECT_EQ(vnet_dev_queue_xmit(c, &iov, 1, 0), VNET_XMIT_SENT);
    ASSERT_EQ(g.wire.size(), 1u);
    EXPECT_EQ(g.wire[0][13], 0x06);  // the gateway solicited: ARP
    vnet_dev_free(c);
}

// NETDEV_UNREGISTER down the stack: an ipvlan child on a macvlan child is
// unlinked (down, no carrier, nothing sent) when the macvlan goes, and
// freeing it afterwards touches nothing gone.
TEST_F(CapiTest, FreeingAChildUnlinksWhatIsStackedOnIt) {
    Glue gm, gi;
    char why[128] = "";
    const char* field = nullptr;
    VnetDev* m = vnet_macvlan_new(dev, "m", vnet::test::kMacB.bytes.data(), 0, VNET_MACVLAN_BRIDGE,
                                  false, &kOps, &gm, why, sizeof(why), &field);
    ASSERT_TRUE(m) << why;
    EXPECT_EQ(vnet_dev_mtu(m), 1500u);  // mtu 0: the lower's
    VnetDev* i =
        vnet_ipvlan_new(m, "i", 0, VNET_IPVLAN_L2, 0, &kOps, &gi, why, sizeof(why), &field);
    ASSERT_TRUE(i) << why;
    EXPECT_FALSE(vnet_dev_rx_holds_when_busy(dev));  // m sits on it
    std::vector<void*> seen;
    vnet_dev_for_each(
        i, [](void* s, void* o) { static_cast<std::vector<void*>*>(s)->push_back(o); }, &seen);
    EXPECT_EQ(seen, (std::vector<void*>{&g, &gm, &gi}));  // creation order

    vnet_dev_free(m);
    EXPECT_FALSE(vnet_dev_is_linked(i));
    EXPECT_FALSE(vnet_dev_carrier(i));
    EXPECT_FALSE(vnet_dev_is_up(i));
    EXPECT_EQ(gi.carrier, std::vector<bool>{false});
    EXPECT_TRUE(vnet_dev_rx_holds_when_busy(dev));  // nothing on it now
    auto f = vnet::test::eth_frame(vnet::test::kMacC, vnet::test::kMacB, 0x0800, 46);
    struct iovec iov = {f.data(), f.size()};
    EXPECT_EQ(vnet_dev_queue_xmit(i, &iov, 1, 0), VNET_XMIT_DROPPED);
    EXPECT_TRUE(g.wire.empty());
    vnet_dev_free(i);
}

}  // namespace

// --- VXLAN through the C ABI ----------------------------------------------

namespace {

struct VxSink {
    std::vector<std::vector<uint8_t>> sent, delivered;
    std::vector<VnetVxlanTx> tx;
    bool up = true;
};

VnetVxlanConfig vx_config() {
    VnetVxlanConfig c{};
    c.name = "vx0";
    c.vni = 42;
    c.local = VnetIpAddr{false, {127, 0, 0, 1}};
    c.dst_port = 4789;
    c.learning = true;
    c.ageing_s = 300;
    c.udpcsum = true;
    c.mtu = 1500;
    return c;
}

const VnetVxlanOps kVxOps = {
    .send =
        [](void* o, const VnetVxlanTx* tx, const struct iovec* iov, unsigned n) {
            auto* s = static_cast<VxSink*>(o);
            std::vector<uint8_t> d;
            for (unsigned i = 0; i < n; ++i) {
                auto* b = static_cast<const uint8_t*>(iov[i].iov_base);
                d.insert(d.end(), b, b + iov[i].iov_len);
            }
            s->sent.push_back(d);
            s->tx.push_back(*tx);
            return true;
        },
    .deliver =
        [](void* o, const uint8_t*, const struct iovec* iov, unsigned n) {
            auto* s = static_cast<VxSink*>(o);
            std::vector<uint8_t> d;
            for (unsigned i = 0; i < n; ++i) {
                auto* b = static_cast<const uint8_t*>(iov[i].iov_base);
                d.insert(d.end(), b, b + iov[i].iov_len);
            }
            s->delivered.push_back(d);
            return s->up;
        },
    .l2miss = nullptr,
    .l3miss = nullptr,
    .now_ms = [](void*) -> uint64_t { return 0; },
};

}  // namespace

// The defaults live in libvnet, and are ip link's: the glue fills what the
// user gave on top of them.
TEST(CapiVxlanTest, ConfigInitGivesTheKernelsDefaults) {
    VnetVxlanConfig c;
    std::memset(&c, 0xa5, sizeof(c));
    vnet_vxlan_config_init(&c);
    EXPECT_EQ(c.dst_port, 4789);
    EXPECT_EQ(c.port_min, 0);
    EXPECT_EQ(c.port_max, 0);
    EXPECT_EQ(c.ttl, 0);
    EXPECT_FALSE(c.tos_inherit);
    EXPECT_EQ(c.df, VNET_VXLAN_DF_UNSET);
    EXPECT_TRUE(c.learning);
    EXPECT_EQ(c.ageing_s, 300u);
    EXPECT_EQ(c.maxaddress, 0u);
    EXPECT_FALSE(c.proxy || c.l2miss || c.l3miss);
    EXPECT_TRUE(c.udpcsum);
    EXPECT_EQ(c.mtu, 1500u);
    EXPECT_EQ(c.vni, 0u);
    EXPECT_FALSE(c.has_remote);
    EXPECT_EQ(c.name, nullptr);
}

TEST(CapiVxlanTest, ValidateNamesTheOption) {
    VnetVxlanConfig c = vx_config();
    char why[128];
    const char* field = nullptr;
    EXPECT_TRUE(vnet_vxlan_validate(&c, why, sizeof why, &field));
    c.vni = 1u << 24;
    EXPECT_FALSE(vnet_vxlan_validate(&c, why, sizeof why, &field));
    EXPECT_STREQ(field, "vni");
    VxSink sink;
    EXPECT_EQ(vnet_vxlan_new(&c, &kVxOps, &sink), nullptr);
}

TEST(CapiVxlanTest, FdbAddSendDumpDelAndReceive) {
    VnetVxlanConfig c = vx_config();
    VxSink sink;
    VnetVxlan* vx = vnet_vxlan_new(&c, &kVxOps, &sink);
    VnetVxsock* vs = vnet_vxsock_new();
    ASSERT_TRUE(vnet_vxsock_add(vs, vx));
    const uint8_t zero[6] = {};
    const VnetIpAddr peer{false, {127, 0, 0, 2}};
    EXPECT_EQ(vnet_vxlan_fdb_add(vx, zero, &peer, 0, 0, false, false, VNET_VXLAN_NO_VNI),
              VNET_FDB_OK);
    EXPECT_EQ(vnet_vxlan_fdb_add(vx, zero, &peer, 0, 0, true, false, VNET_VXLAN_NO_VNI),
              VNET_FDB_EXISTS);
    auto f = vnet::test::eth_frame(vnet::MacAddr::broadcast(), vnet::test::kMacA, 0x88b5, 46);
    vnet_vxlan_xmit(vx, f.data(), f.size());
    ASSERT_EQ(sink.sent.size(), 1u);
    EXPECT_EQ(sink.tx[0].dst_port, 4789);
    EXPECT_EQ(sink.tx[0].dst.b[3], 2);
    EXPECT_EQ(sink.sent[0].size(), 8 + f.size());

    // Receive what we sent, as if from the peer: the sender is learned,
    // and the trace hook sees it with its MAC and remote.
    std::vector<uint8_t> d = sink.sent[0];
    g_traced.clear();
    vnet_set_trace(record_trace);
    vnet_vxsock_receive(vs, &peer, 0, d.data(), d.size(), false);
    vnet_set_trace(nullptr);
    ASSERT_EQ(sink.delivered.size(), 1u);
    ASSERT_EQ(g_traced.size(), 1u);
    EXPECT_EQ(g_traced[0].kind, VNET_TRACE_FDB);
    EXPECT_EQ(g_traced[0].dev, "vx0");
    EXPECT_EQ(g_traced[0].what, "learn");
    EXPECT_TRUE(g_traced[0].has_mac && g_traced[0].has_ip);
    size_t entries = 0;
    vnet_vxlan_fdb_dump(
        vx,
        [](void* o, const uint8_t*, const VnetIpAddr*, uint16_t, uint32_t, uint32_t src_vni, bool,
           bool, uint64_t) {
            EXPECT_EQ(src_vni, 42u);  // outside external mode, the device's
            ++*static_cast<size_t*>(o);
        },
        &entries);
    EXPECT_EQ(entries, 2u);
    EXPECT_EQ(vnet_vxlan_fdb_size(vx), 2u);
    EXPECT_EQ(vnet_vxlan_fdb_del(vx, zero, nullptr, 0, 0, VNET_VXLAN_NO_VNI), VNET_FDB_OK);
    EXPECT_EQ(vnet_vxlan_fdb_del(vx, zero, nullptr, 0, 0, VNET_VXLAN_NO_VNI), VNET_FDB_NOT_FOUND);

    // With the NIC's link down the frame is dropped and counted.
    sink.up = false;
    vnet_vxsock_receive(vs, &peer, 0, d.data(), d.size(), false);
    VnetDevStats st;
    vnet_vxlan_get_stats(vx, &st);
    EXPECT_EQ(st.rx_packets, 1u);
    EXPECT_EQ(st.tx_packets, 1u);
    EXPECT_EQ(st.drops[static_cast<unsigned>(vnet::DropReason::rx_link_down)], 1u);
    vnet_vxsock_remove(vs, vx);
    vnet_vxsock_free(vs);
    vnet_vxlan_free(vx);
}

// External mode through the ABI: the map from the option's words, a
// tagged frame out on its VNI without the tag, and back with it, the tag
// given to the glue as a piece of its own between the MACs and the rest.
TEST(CapiVxlanTest, ExternalMapsTagsToVnisBothWays) {
    VnetVlanTunnel map[4094];
    size_t n = 0;
    char why[128];
    ASSERT_TRUE(vnet_parse_vlan_tunnel("10-12:1010-1012", map, &n, why, sizeof why));
    ASSERT_TRUE(vnet_parse_vlan_tunnel("20:2000", map, &n, why, sizeof why));
    ASSERT_EQ(n, 4u);
    EXPECT_EQ(map[2].vid, 12);
    EXPECT_EQ(map[2].vni, 1012u);
    EXPECT_EQ(map[3].vni, 2000u);
    for (const char* bad : {"10", "10:", ":5", "10-9:1-2", "10-11:1", "4096:1", "1:16777216", "a:1",
                            "1:-1", "+1:1", "1-4095:1-4095x"}) {
        size_t m = 0;
        EXPECT_FALSE(vnet_parse_vlan_tunnel(bad, map, &m, why, sizeof why)) << bad;
        EXPECT_NE(std::strstr(why, bad), nullptr) << why;
    }

    VnetVxlanConfig c = vx_config();
    c.external = true;
    c.vni = VNET_VXLAN_NO_VNI;
    c.vlan_tunnel = map;
    c.n_vlan_tunnel = n;
    c.learning = false;  // as ip link's `external` sets it
    VxSink sink;
    VnetVxlan* vx = vnet_vxlan_new(&c, &kVxOps, &sink);
    ASSERT_NE(vx, nullptr);
    VnetVxsock* vs = vnet_vxsock_new();
    ASSERT_TRUE(vnet_vxsock_add(vs, vx));
    VnetVxlanConfig plain = vx_config();
    VnetVxlan* other = vnet_vxlan_new(&plain, &kVxOps, &sink);
    EXPECT_FALSE(vnet_vxsock_add(vs, other));  // an external device's socket is its own
    vnet_vxlan_free(other);

    const uint8_t zero[6] = {};
    const VnetIpAddr peer{false, {127, 0, 0, 2}};
    EXPECT_EQ(vnet_vxlan_fdb_add(vx, zero, &peer, 0, 0, false, false, 2000), VNET_FDB_OK);
    auto f = vnet::test::eth_frame(vnet::MacAddr::broadcast(), vnet::test::kMacA, 0x88b5, 46);
    vnet_vxlan_xmit(vx, f.data(), f.size());  // untagged, and no untagged VNI
    EXPECT_TRUE(sink.sent.empty());
    std::vector<uint8_t> tagged(f.begin(), f.begin() + 12);
    tagged.insert(tagged.end(), {0x81, 0x00, 0x00, 20});
    tagged.insert(tagged.end(), f.begin() + 12, f.end());
    vnet_vxlan_xmit(vx, tagged.data(), tagged.size());
    ASSERT_EQ(sink.sent.size(), 1u);
    std::vector<uint8_t> d = sink.sent[0];
    EXPECT_EQ(std::vector<uint8_t>(d.begin() + 4, d.begin() + 8),
              (std::vector<uint8_t>{0x00, 0x07, 0xd0, 0x00}));  // VNI 2000
    EXPECT_EQ(std::vector<uint8_t>(d.begin() + 8, d.end()), f);

    d[5] = 0x03;  // VNI 2000 -> 1011 (0x0003f3), VLAN 11's
    d[6] = 0xf3;
    d[8 + 6] ^= 0x02;  // another source MAC than our NIC's
    vnet_vxsock_receive(vs, &peer, 0, d.data(), d.size(), false);
    ASSERT_EQ(sink.delivered.size(), 1u);
    const auto& got = sink.delivered[0];
    ASSERT_EQ(got.size(), f.size() + 4);
    EXPECT_EQ(std::vector<uint8_t>(got.begin() + 12, got.begin() + 16),
              (std::vector<uint8_t>{0x81, 0x00, 0x00, 11}));
    EXPECT_TRUE(std::equal(got.begin() + 16, got.end(), f.begin() + 12));
    size_t keys = 0;
    vnet_vxlan_fdb_dump(
        vx,
        [](void* o, const uint8_t*, const VnetIpAddr*, uint16_t, uint32_t vni, uint32_t src_vni,
           bool, bool, uint64_t) {
            EXPECT_EQ(vni, src_vni);
            *static_cast<size_t*>(o) += src_vni;
        },
        &keys);
    EXPECT_EQ(keys, 2000u);  // the one entry added, nothing learned
    vnet_vxsock_remove(vs, vx);
    EXPECT_TRUE(vnet_vxsock_add(vs, vx));
    vnet_vxsock_remove(vs, vx);
    vnet_vxsock_free(vs);
    vnet_vxlan_free(vx);
}

TEST(CapiIpParseTest, Ipv4Ipv6AndJunk) {
    VnetIpAddr a;
    ASSERT_TRUE(vnet_ip_parse("10.0.2.15", &a));
    EXPECT_FALSE(a.v6);
    EXPECT_EQ(a.b[0], 10);
    EXPECT_EQ(a.b[3], 15);
    ASSERT_TRUE(vnet_ip_parse("fd00::15", &a));
    EXPECT_TRUE(a.v6);
    EXPECT_EQ(a.b[0], 0xfd);
    EXPECT_EQ(a.b[15], 0x15);
    EXPECT_FALSE(vnet_ip_parse("10.0.2", &a));
    EXPECT_FALSE(vnet_ip_parse("nowhere", &a));
    EXPECT_FALSE(vnet_ip_parse("", &a));
}
