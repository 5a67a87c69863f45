// SPDX-License-Identifier: GPL-2.0-or-later
// Offload headers and the software fallback, against the kernel: every
// input in data/kernel_gso.h is a frame with the virtio-net header a driver
// writes, and what Linux's skb_gso_segment / skb_checksum_help made of it
// on a device without offloads (capture-gso.py). Ours must be the same
// bytes. Then headers that lie, each refused under its reason.
#include "vnet/gso.h"

#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "data/kernel_gso.h"
#include "vnet/virtio_net_hdr.h"

namespace vnet {
namespace {

using Bytes = std::vector<std::uint8_t>;

constexpr TxOffloads kAll{.csum = true, .tso4 = true, .tso6 = true, .ecn = true, .uso = true};

template <std::size_t N>
Bytes bytes(const std::uint8_t (&a)[N]) {
    return Bytes(a, a + N);
}

template <std::size_t H, std::size_t F>
HdrCheck check(const std::uint8_t (&hdr)[H], const std::uint8_t (&frame)[F],
               const TxOffloads& allowed = kAll) {
    static_assert(H == kVirtioNetHdrLen);
    return virtio_net_hdr_to_offload(VirtioNetHdr::load(hdr), {frame, F}, allowed);
}

std::vector<Bytes> segment(const Bytes& frame, const Offload& o) {
    static std::uint8_t scratch[65536 + 256];
    std::vector<Bytes> out;
    const std::size_t n = skb_gso_segment(
        frame, o, scratch,
        [](void* c, std::span<const std::uint8_t> s) {
            static_cast<std::vector<Bytes>*>(c)->emplace_back(s.begin(), s.end());
            return true;
        },
        &out);
    EXPECT_EQ(n, out.size());
    return out;
}

TEST(GsoTest, Tcp4SegmentsAreTheKernels) {
    auto c = check(test::kGsoTcp4Hdr, test::kGsoTcp4);
    ASSERT_FALSE(c.refused);
    EXPECT_EQ(c.offload.gso_type, GsoType::tcpv4);
    EXPECT_TRUE(c.offload.gso_ecn);
    const auto segs = segment(bytes(test::kGsoTcp4), c.offload);
    ASSERT_EQ(segs.size(), 4u);
    EXPECT_EQ(segs[0], bytes(test::kGsoTcp4Out0));
    EXPECT_EQ(segs[1], bytes(test::kGsoTcp4Out1));
    EXPECT_EQ(segs[2], bytes(test::kGsoTcp4Out2));
    EXPECT_EQ(segs[3], bytes(test::kGsoTcp4Out3));
}

TEST(GsoTest, Tcp6SegmentsAreTheKernels) {
    auto c = check(test::kGsoTcp6Hdr, test::kGsoTcp6);
    ASSERT_FALSE(c.refused);
    const auto segs = segment(bytes(test::kGsoTcp6), c.offload);
    ASSERT_EQ(segs.size(), 3u);
    EXPECT_EQ(segs[0], bytes(test::kGsoTcp6Out0));
    EXPECT_EQ(segs[1], bytes(test::kGsoTcp6Out1));
    EXPECT_EQ(segs[2], bytes(test::kGsoTcp6Out2));
}

TEST(GsoTest, UdpSegmentsAreTheKernels) {
    for (auto [hdr, frame, outs] :
         {std::tuple{bytes(test::kGsoUdp4Hdr), bytes(test::kGsoUdp4),
                     std::vector{bytes(test::kGsoUdp4Out0), bytes(test::kGsoUdp4Out1),
                                 bytes(test::kGsoUdp4Out2)}},
          std::tuple{bytes(test::kGsoUdp6Hdr), bytes(test::kGsoUdp6),
                     std::vector{bytes(test::kGsoUdp6Out0), bytes(test::kGsoUdp6Out1),
                                 bytes(test::kGsoUdp6Out2)}}}) {
        auto c = virtio_net_hdr_to_offload(VirtioNetHdr::load(hdr.data()), frame, kAll);
        ASSERT_FALSE(c.refused);
        EXPECT_EQ(c.offload.gso_type, GsoType::udp_l4);
        EXPECT_EQ(segment(frame, c.offload), outs);
    }
}

TEST(GsoTest, ChecksumHelpIsTheKernels) {
    for (auto [hdr, frame, out] :
         {std::tuple{bytes(test::kCsumUdp4Hdr), bytes(test::kCsumUdp4), bytes(test::kCsumUdp4Out0)},
          std::tuple{bytes(test::kCsumUdp6Hdr), bytes(test::kCsumUdp6),
                     bytes(test::kCsumUdp6Out0)}}) {
        auto c = virtio_net_hdr_to_offload(VirtioNetHdr::load(hdr.data()), frame, kAll);
        ASSERT_FALSE(c.refused);
        ASSERT_EQ(c.offload.ip_summed, IpSummed::partial);
        ASSERT_TRUE(skb_checksum_help(frame, c.offload));
        EXPECT_EQ(c.offload.ip_summed, IpSummed::none);
        EXPECT_EQ(frame, out);
    }
}

// A frame no longer than gso_size is one segment, its flags whole.
TEST(GsoTest, ShortGsoFrameIsOneSegment) {
    auto c = check(test::kGsoTcp4Hdr, test::kGsoTcp4);
    c.offload.gso_size = 4000;
    const auto segs = segment(bytes(test::kGsoTcp4), c.offload);
    ASSERT_EQ(segs.size(), 1u);
    EXPECT_EQ(segs[0].size(), sizeof(test::kGsoTcp4));
    EXPECT_EQ(segs[0][34 + 13], test::kGsoTcp4[34 + 13]);  // CWR..FIN kept
}

TEST(GsoTest, ReceiverFullStopsSegmentation) {
    auto c = check(test::kGsoTcp4Hdr, test::kGsoTcp4);
    static std::uint8_t scratch[4096];
    int calls = 0;
    EXPECT_EQ(
        skb_gso_segment(
            {test::kGsoTcp4, sizeof(test::kGsoTcp4)}, c.offload, scratch,
            [](void* n, std::span<const std::uint8_t>) { return ++*static_cast<int*>(n) < 2; },
            &calls),
        2u);
    EXPECT_EQ(calls, 2);
}

TEST(GsoTest, ScratchTooSmallCutsNothing) {
    auto c = check(test::kGsoTcp4Hdr, test::kGsoTcp4);
    std::uint8_t scratch[1000];
    EXPECT_EQ(skb_gso_segment(
                  {test::kGsoTcp4, sizeof(test::kGsoTcp4)}, c.offload, scratch,
                  [](void*, std::span<const std::uint8_t>) { return true; }, nullptr),
              0u);
}

// The header a receiving driver gets back says what the sender's did.
TEST(GsoTest, HeaderRoundTrips) {
    for (const std::uint8_t* raw : {test::kGsoTcp4Hdr, test::kGsoTcp6Hdr, test::kGsoUdp4Hdr}) {
        const VirtioNetHdr h = VirtioNetHdr::load(raw);
        const std::uint8_t* frame = raw == test::kGsoTcp4Hdr   ? test::kGsoTcp4
                                    : raw == test::kGsoTcp6Hdr ? test::kGsoTcp6
                                                               : test::kGsoUdp4;
        const std::size_t len = raw == test::kGsoTcp4Hdr   ? sizeof(test::kGsoTcp4)
                                : raw == test::kGsoTcp6Hdr ? sizeof(test::kGsoTcp6)
                                                           : sizeof(test::kGsoUdp4);
        auto c = virtio_net_hdr_to_offload(h, {frame, len}, kAll);
        ASSERT_FALSE(c.refused);
        std::uint8_t back[kVirtioNetHdrLen];
        virtio_net_hdr_from_offload(c.offload, true).store(back);
        EXPECT_EQ(0, std::memcmp(back, raw, kVirtioNetHdrLen));
    }
}

TEST(GsoTest, CheckedFrameIsDataValidOnlyForGuestCsum) {
    Offload o;
    o.ip_summed = IpSummed::unnecessary;
    EXPECT_EQ(virtio_net_hdr_from_offload(o, true).flags, kVirtioNetHdrFDataValid);
    EXPECT_EQ(virtio_net_hdr_from_offload(o, false).flags, 0);
}

TEST(GsoTest, DataValidFromADriverMeansNothing) {
    VirtioNetHdr h;
    h.flags = kVirtioNetHdrFDataValid;
    auto c = virtio_net_hdr_to_offload(h, {test::kCsumUdp4, sizeof(test::kCsumUdp4)}, kAll);
    ASSERT_FALSE(c.refused);
    EXPECT_EQ(c.offload.ip_summed, IpSummed::none);
}

// ---- headers that lie ----

struct Lie {
    const char* what;
    void (*edit)(VirtioNetHdr&);
    TxOffloads allowed;
    DropReason why;
};

TEST(GsoTest, LyingHeadersAreRefusedUnderTheirReason) {
    const Lie lies[] = {
        {"checksum field past the frame",
         [](VirtioNetHdr& h) {
             h.csum_offset = static_cast<std::uint16_t>(sizeof(test::kGsoTcp4));
         },
         kAll, DropReason::tx_bad_csum},
        {"csum_start past the frame", [](VirtioNetHdr& h) { h.csum_start = 0xfff0; }, kAll,
         DropReason::tx_bad_csum},
        {"NEEDS_CSUM without CSUM", [](VirtioNetHdr&) {}, TxOffloads{.tso4 = true, .ecn = true},
         DropReason::tx_bad_csum},
        {"gso_size 0", [](VirtioNetHdr& h) { h.gso_size = 0; }, kAll, DropReason::tx_bad_gso},
        {"GSO without NEEDS_CSUM", [](VirtioNetHdr& h) { h.flags = 0; }, kAll,
         DropReason::tx_bad_gso},
        {"TSO4 not negotiated", [](VirtioNetHdr&) {},
         TxOffloads{.csum = true, .tso6 = true, .ecn = true}, DropReason::tx_bad_gso},
        {"ECN not negotiated", [](VirtioNetHdr&) {}, TxOffloads{.csum = true, .tso4 = true},
         DropReason::tx_bad_gso},
        {"TCPv6 type on an IPv4 frame", [](VirtioNetHdr& h) { h.gso_type = kVirtioNetHdrGsoTcpv6; },
         kAll, DropReason::tx_bad_gso},
        {"UDP (UFO), never offered", [](VirtioNetHdr& h) { h.gso_type = kVirtioNetHdrGsoUdp; },
         kAll, DropReason::tx_bad_gso},
        {"unknown GSO type", [](VirtioNetHdr& h) { h.gso_type = 9; }, kAll, DropReason::tx_bad_gso},
        {"ECN with no GSO", [](VirtioNetHdr& h) { h.gso_type = kVirtioNetHdrGsoEcn; }, kAll,
         DropReason::tx_bad_gso},
        {"checksum not at TCP's field", [](VirtioNetHdr& h) { h.csum_offset = 6; }, kAll,
         DropReason::tx_bad_gso},
        {"csum_start not the TCP header", [](VirtioNetHdr& h) { h.csum_start = 30; }, kAll,
         DropReason::tx_bad_gso},
        {"hdr_len past the frame", [](VirtioNetHdr& h) { h.hdr_len = 0xffff; }, kAll,
         DropReason::tx_bad_gso},
    };
    for (const Lie& l : lies) {
        VirtioNetHdr h = VirtioNetHdr::load(test::kGsoTcp4Hdr);
        l.edit(h);
        auto c = virtio_net_hdr_to_offload(h, {test::kGsoTcp4, sizeof(test::kGsoTcp4)}, l.allowed);
        ASSERT_TRUE(c.refused) << l.what;
        EXPECT_EQ(*c.refused, l.why) << l.what;
    }
}

// A GSO frame cut short: its IP length claims more than it has.
TEST(GsoTest, TruncatedGsoFrameIsRefused) {
    const VirtioNetHdr h = VirtioNetHdr::load(test::kGsoTcp4Hdr);
    auto c = virtio_net_hdr_to_offload(h, {test::kGsoTcp4, sizeof(test::kGsoTcp4) - 100}, kAll);
    ASSERT_TRUE(c.refused);
    EXPECT_EQ(*c.refused, DropReason::tx_bad_gso);
}

// A TCP data offset below 5 words, or past the frame.
TEST(GsoTest, BadTcpHeaderLengthIsRefused) {
    for (std::uint8_t doff : {0x40, 0x00}) {
        Bytes f = bytes(test::kGsoTcp4);
        f[34 + 12] = doff;
        auto c = virtio_net_hdr_to_offload(VirtioNetHdr::load(test::kGsoTcp4Hdr), f, kAll);
        ASSERT_TRUE(c.refused);
        EXPECT_EQ(*c.refused, DropReason::tx_bad_gso);
    }
}

}  // namespace
}  // namespace vnet
