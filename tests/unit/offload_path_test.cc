// SPDX-License-Identifier: GPL-2.0-or-later
// Offloads through the stack, driven as the glue drives it (the C ABI):
// a TSO frame from one macvlan child reaches a sibling whole when the
// sibling's driver takes TSO, as the kernel's segments when it does not,
// and the uplink (a netdev without a virtio-net header) always gets the
// kernel's segments. The frames are data/kernel_gso.h's: 02:..:0a sends
// to 02:..:0b.
#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "data/kernel_gso.h"
#include "frames.h"
#include "vnet/counters.h"
#include "vnet/vnet.h"

namespace {

using Bytes = std::vector<std::uint8_t>;

// Feature numbers (virtio 1.2 §5.1.3).
constexpr std::uint64_t bit(unsigned n) { return 1ull << n; }
constexpr std::uint64_t kCsum = bit(0), kGuestCsum = bit(1), kGuestTso4 = bit(7),
                        kGuestEcn = bit(9), kHostTso4 = bit(11), kHostEcn = bit(13);
constexpr std::uint64_t kSends = kCsum | kHostTso4 | kHostEcn;
constexpr std::uint64_t kTakes = kGuestCsum | kGuestTso4 | kGuestEcn;

struct Func {
    std::vector<Bytes> frames, hdrs;
    // Where each piece of each frame delivered in pieces lay.
    std::vector<std::vector<const void*>> pieces;
    VnetDeliverResult result = VNET_DELIVER_OK;  // BUSY: the ring is full
};

VnetDeliverResult deliver(void* o, const uint8_t* hdr, const uint8_t* f, size_t len, uint32_t) {
    auto* fn = static_cast<Func*>(o);
    if (fn->result != VNET_DELIVER_OK) {
        return fn->result;
    }
    fn->hdrs.emplace_back(hdr, hdr + VNET_NET_HDR_LEN);
    fn->frames.emplace_back(f, f + len);
    return VNET_DELIVER_OK;
}

// The frame a glue makes of pieces, each piece's place noted in fn.
Bytes join(Func* fn, const struct iovec* iov, unsigned n) {
    Bytes f;
    std::vector<const void*> at;
    for (unsigned i = 0; i < n; ++i) {
        const auto* p = static_cast<const std::uint8_t*>(iov[i].iov_base);
        f.insert(f.end(), p, p + iov[i].iov_len);
        at.push_back(p);
    }
    fn->pieces.push_back(at);
    return f;
}

// As the glue's: the pieces are copied straight into the RX buffers.
VnetDeliverResult deliver_iov(void* o, const uint8_t* hdr, const struct iovec* iov, unsigned n,
                              uint32_t q) {
    auto* fn = static_cast<Func*>(o);
    if (fn->result != VNET_DELIVER_OK) {
        return fn->result;
    }
    const Bytes f = join(fn, iov, n);
    return deliver(o, hdr, f.data(), f.size(), q);
}

VnetXmitResult xmit(void* o, const uint8_t* hdr, const uint8_t* f, size_t len) {
    static_cast<Func*>(o)->hdrs.emplace_back(hdr, hdr + VNET_NET_HDR_LEN);
    static_cast<Func*>(o)->frames.emplace_back(f, f + len);
    return VNET_XMIT_SENT;
}

// As the glue's: a tap writes the pieces out as they are.
VnetXmitResult xmit_iov(void* o, const uint8_t* hdr, const struct iovec* iov, unsigned n) {
    const Bytes f = join(static_cast<Func*>(o), iov, n);
    return xmit(o, hdr, f.data(), f.size());
}

const VnetDevOps kOps = {.xmit = xmit,
                         .deliver = deliver,
                         .deliver_iov = nullptr,
                         .carrier_changed = nullptr,
                         .kick_work = nullptr,
                         .now_ms = nullptr,
                         .timers_soon = nullptr,
                         .mtu_changed = nullptr,
                         .xmit_iov = nullptr};

// A glue that takes a frame in pieces, both ways, as QEMU's does.
const VnetDevOps kIovOps = {.xmit = xmit,
                            .deliver = deliver,
                            .deliver_iov = deliver_iov,
                            .carrier_changed = nullptr,
                            .kick_work = nullptr,
                            .now_ms = nullptr,
                            .timers_soon = nullptr,
                            .mtu_changed = nullptr,
                            .xmit_iov = xmit_iov};

template <std::size_t N>
Bytes bytes(const std::uint8_t (&a)[N]) {
    return Bytes(a, a + N);
}

class OffloadPathTest : public ::testing::Test {
  protected:
    void SetUp() override {
        lower = vnet_lower_new("up0", vnet::test::kMacA.bytes.data(), 1500, ops, &wire);
        a = child("a", 0x0a, &fa);
        b = child("b", 0x0b, &fb);
    }
    void TearDown() override {
        vnet_dev_free(b);
        vnet_dev_free(a);
        vnet_dev_free(lower);
    }
    VnetDev* child(const char* name, std::uint8_t last, Func* f) {
        const std::uint8_t mac[6] = {0x02, 0, 0, 0, 0, last};
        char why[128] = "";
        const char* field = nullptr;
        VnetDev* c = vnet_macvlan_new(lower, name, mac, 0, VNET_MACVLAN_BRIDGE, false, ops, f, why,
                                      sizeof(why), &field);
        EXPECT_TRUE(c) << why;
        return c;
    }
    // What the guest's driver puts on its TX ring: the header (with a
    // num_buffers of 0) and the frame.
    VnetXmitResult send(VnetDev* from, const std::uint8_t* hdr, Bytes frame) {
        std::uint8_t h[12] = {};
        std::memcpy(h, hdr, VNET_NET_HDR_LEN);
        struct iovec iov[2] = {{h, sizeof(h)}, {frame.data(), frame.size()}};
        return vnet_dev_queue_xmit(from, iov, 2, sizeof(h));
    }
    // What a tap with vnet_hdr hands the lower: the header, then the frame.
    VnetRxResult receive_hdr(const std::uint8_t* hdr, const Bytes& frame) {
        Bytes buf(hdr, hdr + VNET_NET_HDR_LEN);
        buf.insert(buf.end(), frame.begin(), frame.end());
        return vnet_dev_receive_hdr(lower, buf.data(), buf.size());
    }
    std::uint64_t dropped(VnetDev* d, vnet::DropReason r) {
        VnetDevStats s;
        vnet_dev_get_stats(d, &s);
        return s.drops[static_cast<int>(r)];
    }

    static const std::uint8_t* fb_mac() {
        static const std::uint8_t m[6] = {0x02, 0, 0, 0, 0, 0x0b};
        return m;
    }

    Func wire, fa, fb;
    VnetDev *lower = nullptr, *a = nullptr, *b = nullptr;
    const VnetDevOps* ops = &kOps;  // every device's
};

TEST_F(OffloadPathTest, TsoFrameReachesATsoSiblingWhole) {
    vnet_dev_set_offloads(a, kSends, 0);
    vnet_dev_set_offloads(b, kTakes, kTakes);
    EXPECT_EQ(send(a, vnet::test::kGsoTcp4Hdr, bytes(vnet::test::kGsoTcp4)), VNET_XMIT_SENT);
    ASSERT_EQ(fb.frames.size(), 1u);
    EXPECT_EQ(fb.frames[0], bytes(vnet::test::kGsoTcp4));
    EXPECT_EQ(fb.hdrs[0], bytes(vnet::test::kGsoTcp4Hdr));  // NEEDS_CSUM, TCPv4|ECN, 1000
    EXPECT_TRUE(wire.frames.empty());
}

TEST_F(OffloadPathTest, TsoFrameReachesAPlainSiblingAsTheKernelsSegments) {
    vnet_dev_set_offloads(a, kSends, 0);
    EXPECT_EQ(send(a, vnet::test::kGsoTcp4Hdr, bytes(vnet::test::kGsoTcp4)), VNET_XMIT_SENT);
    const std::vector<Bytes> want = {
        bytes(vnet::test::kGsoTcp4Out0), bytes(vnet::test::kGsoTcp4Out1),
        bytes(vnet::test::kGsoTcp4Out2), bytes(vnet::test::kGsoTcp4Out3)};
    EXPECT_EQ(fb.frames, want);
    for (const Bytes& h : fb.hdrs) {
        EXPECT_EQ(h, Bytes(VNET_NET_HDR_LEN, 0));
    }
    VnetDevStats s;
    vnet_dev_get_stats(b, &s);
    EXPECT_EQ(s.rx_packets, 4u);
}

// A driver that took GUEST_TSO4 but switched it off (ethtool -K tso off
// in the guest, CTRL_GUEST_OFFLOADS_SET) gets segments.
TEST_F(OffloadPathTest, GuestOffloadsTurnedOffGetSegments) {
    vnet_dev_set_offloads(a, kSends, 0);
    vnet_dev_set_offloads(b, kTakes, kGuestCsum);
    EXPECT_EQ(send(a, vnet::test::kGsoTcp4Hdr, bytes(vnet::test::kGsoTcp4)), VNET_XMIT_SENT);
    EXPECT_EQ(fb.frames.size(), 4u);
}

TEST_F(OffloadPathTest, UplinkGetsTheKernelsSegments) {
    vnet_dev_set_offloads(a, kSends, 0);
    Bytes f = bytes(vnet::test::kGsoTcp4);
    std::copy(vnet::test::kMacC.bytes.begin(), vnet::test::kMacC.bytes.end(), f.begin());
    EXPECT_EQ(send(a, vnet::test::kGsoTcp4Hdr, f), VNET_XMIT_SENT);
    ASSERT_EQ(wire.frames.size(), 4u);
    Bytes last = bytes(vnet::test::kGsoTcp4Out3);
    std::copy(vnet::test::kMacC.bytes.begin(), vnet::test::kMacC.bytes.end(), last.begin());
    EXPECT_EQ(wire.frames[3], last);
    VnetDevStats s;
    vnet_dev_get_stats(lower, &s);
    EXPECT_EQ(s.tx_packets, 4u);
}

TEST_F(OffloadPathTest, TsoFromADriverWithoutHostTso4IsRefused) {
    vnet_dev_set_offloads(a, kCsum, 0);
    EXPECT_EQ(send(a, vnet::test::kGsoTcp4Hdr, bytes(vnet::test::kGsoTcp4)), VNET_XMIT_DROPPED);
    EXPECT_EQ(dropped(a, vnet::DropReason::tx_bad_gso), 1u);
    EXPECT_TRUE(fb.frames.empty());
}

TEST_F(OffloadPathTest, PartialChecksumIsFilledOnlyForAReceiverWithoutGuestCsum) {
    vnet_dev_set_offloads(a, kCsum, 0);
    vnet_dev_set_offloads(b, kGuestCsum, kGuestCsum);
    EXPECT_EQ(send(a, vnet::test::kCsumUdp4Hdr, bytes(vnet::test::kCsumUdp4)), VNET_XMIT_SENT);
    vnet_dev_set_offloads(b, 0, 0);
    EXPECT_EQ(send(a, vnet::test::kCsumUdp4Hdr, bytes(vnet::test::kCsumUdp4)), VNET_XMIT_SENT);
    ASSERT_EQ(fb.frames.size(), 2u);
    EXPECT_EQ(fb.frames[0], bytes(vnet::test::kCsumUdp4));  // left to b's driver
    EXPECT_EQ(fb.hdrs[0], bytes(vnet::test::kCsumUdp4Hdr));
    EXPECT_EQ(fb.frames[1], bytes(vnet::test::kCsumUdp4Out0));  // filled here
    EXPECT_EQ(fb.hdrs[1], Bytes(VNET_NET_HDR_LEN, 0));
}

// A frame for a full ring waits, as netif_rx's backlog keeps it, and
// arrives when the driver posts buffers, in order with those behind it.
TEST_F(OffloadPathTest, FrameForAFullRingWaitsForTheRefill) {
    vnet_dev_set_offloads(a, kSends, 0);
    fb.result = VNET_DELIVER_BUSY;
    EXPECT_EQ(send(a, vnet::test::kGsoTcp4Hdr, bytes(vnet::test::kGsoTcp4)), VNET_XMIT_SENT);
    EXPECT_TRUE(fb.frames.empty());
    fb.result = VNET_DELIVER_OK;
    Bytes second = bytes(vnet::test::kCsumUdp4);  // behind the four, though b has room
    std::uint8_t none[VNET_NET_HDR_LEN] = {};
    EXPECT_EQ(send(a, none, second), VNET_XMIT_SENT);
    EXPECT_TRUE(fb.frames.empty());
    vnet_dev_rx_refilled(b);
    ASSERT_EQ(fb.frames.size(), 5u);
    EXPECT_EQ(fb.frames[0], bytes(vnet::test::kGsoTcp4Out0));
    EXPECT_EQ(fb.frames[3], bytes(vnet::test::kGsoTcp4Out3));
    EXPECT_EQ(fb.frames[4], second);
    VnetDevStats s;
    vnet_dev_get_stats(b, &s);
    EXPECT_EQ(s.rx_packets, 5u);
    EXPECT_EQ(dropped(b, vnet::DropReason::rx_no_buffer), 0u);
}

// Past netdev_max_backlog (1000) frames are dropped, counted.
TEST_F(OffloadPathTest, BacklogIsBoundedAt1000) {
    fb.result = VNET_DELIVER_BUSY;
    std::uint8_t none[VNET_NET_HDR_LEN] = {};
    for (int i = 0; i < 1003; ++i) {
        send(a, none, bytes(vnet::test::kCsumUdp4Out0));
    }
    EXPECT_EQ(dropped(b, vnet::DropReason::rx_no_buffer), 3u);
    fb.result = VNET_DELIVER_OK;
    vnet_dev_rx_refilled(b);
    EXPECT_EQ(fb.frames.size(), 1000u);
}

// A driver going down drops what waits for it (rx-link-down).
TEST_F(OffloadPathTest, BacklogGoesWithTheDriver) {
    fb.result = VNET_DELIVER_BUSY;
    std::uint8_t none[VNET_NET_HDR_LEN] = {};
    send(a, none, bytes(vnet::test::kCsumUdp4Out0));
    vnet_dev_set_up(b, false);
    EXPECT_EQ(dropped(b, vnet::DropReason::rx_link_down), 1u);
    vnet_dev_set_up(b, true);
    fb.result = VNET_DELIVER_OK;
    vnet_dev_rx_refilled(b);
    EXPECT_TRUE(fb.frames.empty());
}

// A wire that takes TSO (a tap with vnet_hdr) gets the frame whole, with
// its header.
TEST_F(OffloadPathTest, WireTakingTsoGetsTheFrameWhole) {
    vnet_dev_set_offloads(a, kSends, 0);
    vnet_lower_set_wire_offloads(lower, kTakes);
    Bytes f = bytes(vnet::test::kGsoTcp4);
    std::copy(vnet::test::kMacC.bytes.begin(), vnet::test::kMacC.bytes.end(), f.begin());
    EXPECT_EQ(send(a, vnet::test::kGsoTcp4Hdr, f), VNET_XMIT_SENT);
    ASSERT_EQ(wire.frames.size(), 1u);
    EXPECT_EQ(wire.frames[0], f);
    EXPECT_EQ(wire.hdrs[0], bytes(vnet::test::kGsoTcp4Hdr));
}

// From such a wire: a partial checksum left for a receiver without
// GUEST_CSUM is filled; a header that lies is dropped, counted.
TEST_F(OffloadPathTest, WireHeadersAreCheckedAndHonoured) {
    Bytes f = bytes(vnet::test::kCsumUdp4);
    std::copy(fb_mac(), fb_mac() + 6, f.begin());
    EXPECT_EQ(receive_hdr(vnet::test::kCsumUdp4Hdr, f), VNET_RX_DELIVERED);
    Bytes want = bytes(vnet::test::kCsumUdp4Out0);
    std::copy(fb_mac(), fb_mac() + 6, want.begin());
    ASSERT_EQ(fb.frames.size(), 1u);
    EXPECT_EQ(fb.frames[0], want);
    std::uint8_t lie[VNET_NET_HDR_LEN];
    std::memcpy(lie, vnet::test::kCsumUdp4Hdr, sizeof(lie));
    lie[6] = 0xff;  // csum_start past the frame
    lie[7] = 0xff;
    EXPECT_EQ(receive_hdr(lie, f), VNET_RX_DROPPED);
    EXPECT_EQ(dropped(lower, vnet::DropReason::rx_bad_offload), 1u);
    // Shorter than the header itself: nothing to read a frame from.
    EXPECT_EQ(vnet_dev_receive_hdr(lower, lie, VNET_NET_HDR_LEN - 1), VNET_RX_DROPPED);
    EXPECT_EQ(dropped(lower, vnet::DropReason::rx_bad_offload), 2u);
    EXPECT_EQ(fb.frames.size(), 1u);
}

// A driver may switch on only offloads it negotiated; what it negotiated
// is in force until then.
TEST_F(OffloadPathTest, GuestOffloadNotNegotiatedIsRefused) {
    EXPECT_EQ(vnet_guest_offloads(kSends | kTakes), kTakes);
    EXPECT_FALSE(vnet_dev_set_offloads(b, kGuestCsum, kGuestCsum | kGuestTso4));
    EXPECT_TRUE(vnet_dev_set_offloads(b, kTakes, kGuestCsum));
}

// An oversize check on a GSO frame is on its segments, not its length.
TEST_F(OffloadPathTest, GsoSegmentsOverTheMtuAreOversize) {
    vnet_dev_set_offloads(a, kSends, 0);
    std::uint8_t h[VNET_NET_HDR_LEN];
    std::memcpy(h, vnet::test::kGsoTcp4Hdr, sizeof(h));
    h[4] = 0xdc;  // gso_size 1500: segments of 1566 bytes
    h[5] = 0x05;
    EXPECT_EQ(send(a, h, bytes(vnet::test::kGsoTcp4)), VNET_XMIT_DROPPED);
    EXPECT_EQ(dropped(a, vnet::DropReason::tx_oversize), 1u);
}

// Between two rings a frame is copied once (the receiver's glue copies
// it into its RX buffers): past its headers a large frame reaches the
// receiver as the sender's own TX buffers, so a 64 KiB TSO frame is not
// copied on the way.
class OneCopyTest : public OffloadPathTest {
  protected:
    void SetUp() override {
        ops = &kIovOps;
        OffloadPathTest::SetUp();
        vnet_dev_set_offloads(a, kSends, 0);
        vnet_dev_set_offloads(b, kTakes, kTakes);
    }
    // The frame over the TX ring in pieces cut at `cuts`, as a driver's
    // scatter list has it: the header, then the pieces.
    VnetXmitResult send_split(Bytes& frame, std::initializer_list<std::size_t> cuts) {
        std::uint8_t h[12] = {};
        std::memcpy(h, vnet::test::kGsoTcp4Hdr, VNET_NET_HDR_LEN);
        std::vector<struct iovec> iov = {{h, sizeof(h)}};
        std::size_t at = 0;
        for (std::size_t c : cuts) {
            iov.push_back({frame.data() + at, c - at});
            at = c;
        }
        iov.push_back({frame.data() + at, frame.size() - at});
        return vnet_dev_queue_xmit(a, iov.data(), static_cast<unsigned>(iov.size()), sizeof(h));
    }
};

TEST_F(OneCopyTest, TsoFrameReachesASiblingAsTheSendersBuffers) {
    Bytes f = bytes(vnet::test::kGsoTcp4);
    ASSERT_GT(f.size(), 2000u);
    EXPECT_EQ(send_split(f, {100, 2000}), VNET_XMIT_SENT);
    ASSERT_EQ(fb.frames.size(), 1u);
    EXPECT_EQ(fb.frames[0], f);
    // The headers' copy, then the rest where the sender left it: the
    // second piece from its 256th byte on, the third whole.
    ASSERT_EQ(fb.pieces.size(), 1u);
    ASSERT_EQ(fb.pieces[0].size(), 3u);
    EXPECT_NE(fb.pieces[0][0], f.data());
    EXPECT_EQ(fb.pieces[0][1], f.data() + 256);
    EXPECT_EQ(fb.pieces[0][2], f.data() + 2000);
}

// A frame that waits in a backlog is the frame as sent, though the
// driver reuses its buffers as soon as the transmit call returns.
TEST_F(OneCopyTest, AFrameThatWaitsIsCopiedBeforeTheSenderReusesItsBuffers) {
    fb.result = VNET_DELIVER_BUSY;
    Bytes f = bytes(vnet::test::kGsoTcp4);
    const Bytes sent = f;
    EXPECT_EQ(send_split(f, {1000}), VNET_XMIT_SENT);
    std::fill(f.begin(), f.end(), 0xee);
    fb.result = VNET_DELIVER_OK;
    vnet_dev_rx_refilled(b);
    ASSERT_EQ(fb.frames.size(), 1u);
    EXPECT_EQ(fb.frames[0], sent);
    EXPECT_EQ(fb.hdrs[0], bytes(vnet::test::kGsoTcp4Hdr));
}

// Scattered over more pieces than a delivery takes, it is read in first
// and delivered whole (deliver, not deliver_iov); a small frame is copied
// in whole at once, and delivered so too.
TEST_F(OneCopyTest, ManyPiecesOrASmallFrameGoInOnePiece) {
    Bytes f = bytes(vnet::test::kGsoTcp4);
    EXPECT_EQ(send_split(f, {300,  320,  340,  360,  380,  400,  420,  440,  460,  480,  500,
                             520,  540,  560,  580,  600,  620,  640,  660,  680,  700,  720,
                             740,  760,  780,  800,  820,  840,  860,  880,  900,  920,  940,
                             960,  980,  1000, 1020, 1040, 1060, 1080, 1100, 1120, 1140, 1160,
                             1180, 1200, 1220, 1240, 1260, 1280, 1300, 1320, 1340, 1360, 1380,
                             1400, 1420, 1440, 1460, 1480, 1500, 1520, 1540, 1560, 1580}),
              VNET_XMIT_SENT);
    ASSERT_EQ(fb.frames.size(), 1u);
    EXPECT_EQ(fb.frames[0], f);
    EXPECT_TRUE(fb.pieces.empty());

    Bytes small = bytes(vnet::test::kCsumUdp4Out0);
    std::copy(fb_mac(), fb_mac() + 6, small.begin());
    ASSERT_LE(small.size(), 512u);
    std::uint8_t none[VNET_NET_HDR_LEN] = {};
    EXPECT_EQ(send(a, none, small), VNET_XMIT_SENT);
    ASSERT_EQ(fb.frames.size(), 2u);
    EXPECT_EQ(fb.frames[1], small);
    EXPECT_TRUE(fb.pieces.empty());
}

// To a wire that takes TSO (a tap with vnet_hdr) the same: the sender's
// buffers go out as they are.
TEST_F(OneCopyTest, TsoFrameGoesToATapAsTheSendersBuffers) {
    vnet_lower_set_wire_offloads(lower, kTakes);
    Bytes f = bytes(vnet::test::kGsoTcp4);
    std::copy(vnet::test::kMacC.bytes.begin(), vnet::test::kMacC.bytes.end(), f.begin());
    EXPECT_EQ(send_split(f, {3000}), VNET_XMIT_SENT);
    ASSERT_EQ(wire.frames.size(), 1u);
    EXPECT_EQ(wire.frames[0], f);
    EXPECT_EQ(wire.hdrs[0], bytes(vnet::test::kGsoTcp4Hdr));
    ASSERT_EQ(wire.pieces.size(), 1u);
    ASSERT_EQ(wire.pieces[0].size(), 3u);
    EXPECT_EQ(wire.pieces[0][1], f.data() + 256);
    EXPECT_EQ(wire.pieces[0][2], f.data() + 3000);
}

}  // namespace
