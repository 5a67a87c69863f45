// SPDX-License-Identifier: GPL-2.0-or-later
// Migration state: the VXLAN FDB and the neighbour table go through their
// blobs with ages kept across two clocks; the host's own default remote
// stays the destination's; malformed blobs (every truncation, a wrong tag,
// impossible counts) are refused with nothing changed.
#include <gtest/gtest.h>

#include <vector>

#include "vnet/neighbour.h"
#include "vnet/state_blob.h"
#include "vnet/vxlan_fdb.h"

namespace vnet {
namespace {

IpAddr v4(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d) {
    return IpAddr::v4(std::array<std::uint8_t, 4>{a, b, c, d});
}

const MacAddr kZero{};
const MacAddr kLearned{{0x02, 0, 0, 0, 0, 0x0b}};
const MacAddr kStatic{{0x02, 0, 0, 0, 0, 0x0c}};
const VxlanRemote kSrcDefault{v4(198, 18, 0, 2), 4789, 42};
const VxlanRemote kDstDefault{v4(198, 18, 0, 3), 4789, 42};
const VxlanRemote kPeerB{v4(198, 18, 0, 12), 4789, 42};
const VxlanRemote kPeerC{v4(198, 18, 0, 13), 4789, 42};

// A source FDB at its clock's t=8000: the default remote, one learned
// entry (made at 1000, last used at 5000), one static with two remotes.
std::vector<std::uint8_t> source_fdb_blob() {
    VxlanFdb src(0);
    src.add(kZero, kSrcDefault, false, 0);
    src.learn(kLearned, kPeerB, 1000);
    src.find(kLearned, 5000);
    src.add(kStatic, kPeerB, false, 2000);
    src.add(kStatic, kPeerC, true, 2000);
    std::vector<std::uint8_t> blob;
    src.save(blob, 8000);
    return blob;
}

TEST(StateFdbTest, EntriesMoveWithTheirAgesAndTheDefaultStaysTheHosts) {
    VxlanFdb dst(0);
    dst.add(kZero, kDstDefault, false, 0);
    ASSERT_TRUE(dst.load(source_fdb_blob(), 100000));
    EXPECT_EQ(dst.size(), 3u);
    EXPECT_EQ(dst.peek(kZero)->remotes, std::vector<VxlanRemote>{kDstDefault});
    const FdbEntry* l = dst.peek(kLearned);
    ASSERT_NE(l, nullptr);
    EXPECT_FALSE(l->is_static);
    EXPECT_EQ(l->remotes, std::vector<VxlanRemote>{kPeerB});
    EXPECT_EQ(l->used_ms, 100000u - 3000u);
    EXPECT_EQ(l->updated_ms, 100000u - 7000u);
    const FdbEntry* s = dst.peek(kStatic);
    ASSERT_NE(s, nullptr);
    EXPECT_TRUE(s->is_static);
    EXPECT_EQ(s->remotes, (std::vector<VxlanRemote>{kPeerB, kPeerC}));
    // It ages out when it would have at the source: 300 s after last use.
    EXPECT_EQ(dst.age(97000 + 300000 - 1, 300000), 0u);
    EXPECT_EQ(dst.age(97000 + 300000, 300000), 1u);
    EXPECT_EQ(dst.peek(kLearned), nullptr);
}

TEST(StateFdbTest, NewMacsPastMaxaddressAreLeftOut) {
    VxlanFdb dst(2);
    dst.add(kZero, kDstDefault, false, 0);
    ASSERT_TRUE(dst.load(source_fdb_blob(), 100000));
    EXPECT_EQ(dst.size(), 2u);
}

TEST(StateFdbTest, EveryTruncationIsRefusedAndChangesNothing) {
    const auto blob = source_fdb_blob();
    for (std::size_t n = 0; n < blob.size(); ++n) {
        VxlanFdb dst(0);
        dst.add(kZero, kDstDefault, false, 0);
        EXPECT_FALSE(dst.load({blob.data(), n}, 100000)) << n;
        EXPECT_EQ(dst.size(), 1u) << n;
    }
    auto longer = blob;
    longer.push_back(0);
    VxlanFdb dst(0);
    EXPECT_FALSE(dst.load(longer, 100000));
    EXPECT_EQ(dst.size(), 0u);
}

TEST(StateFdbTest, WrongTagVersionOrCountsAreRefused) {
    VxlanFdb dst(0);
    auto blob = source_fdb_blob();
    auto bad = blob;
    bad[0] = static_cast<std::uint8_t>(StateKind::neighbours);
    EXPECT_FALSE(dst.load(bad, 1));
    bad = blob;
    bad[1] = kStateVersion + 1;
    EXPECT_FALSE(dst.load(bad, 1));
    bad = blob;
    bad[2] = 0xff;  // 4 billion entries in a few bytes
    EXPECT_FALSE(dst.load(bad, 1));
    // First entry's remote count (after tag, version, count, MAC, flag,
    // two ages) set to 0.
    bad = blob;
    bad[2 + 4 + 6 + 1 + 16] = 0;
    bad[2 + 4 + 6 + 1 + 16 + 1] = 0;
    EXPECT_FALSE(dst.load(bad, 1));
    // The flags byte holds only the static (1) and router (2) bits.
    bad = blob;
    bad[2 + 4 + 6] = 4;
    EXPECT_FALSE(dst.load(bad, 1));
    EXPECT_EQ(dst.size(), 0u);
}

struct NullOps final : NeighOps {
    void solicit(const IpAddr&) override {}
    void transmit(Packet&, const MacAddr&) override {}
};

const IpAddr kGw = v4(10, 0, 2, 2);
const IpAddr kPending = v4(10, 0, 2, 9);
const MacAddr kGwMac{{0x52, 0x55, 0x0a, 0x00, 0x02, 0x02}};

class StateNeighTest : public ::testing::Test {
  protected:
    // The source resolved the gateway at t=0 and is asked for another
    // address it never resolves; saved at t=10000.
    std::vector<std::uint8_t> source_blob() {
        PacketRef none(nullptr, {nullptr});
        src.resolve(kGw, none);
        src.confirm(kGw, kGwMac);
        src.resolve(kPending, none);
        src_clock.advance_ms(10000);
        std::vector<std::uint8_t> blob;
        src.save(blob);
        return blob;
    }

    NullOps ops;
    DeviceCounters counters;
    ManualClock src_clock, dst_clock;
    NeighTable src{src_clock, ops, counters};
    NeighTable dst{dst_clock, ops, counters};
};

TEST_F(StateNeighTest, ResolvedEntriesMoveAndKeepAgeing) {
    dst_clock.advance_ms(500000);
    ASSERT_TRUE(dst.load(source_blob()));
    EXPECT_EQ(dst.size(), 1u);  // the unresolved one resolves again
    EXPECT_EQ(dst.state(kGw), NeighState::reachable);
    EXPECT_EQ(dst.mac(kGw), kGwMac);
    dst_clock.advance_ms(kNeighReachableMs - 10000 - 1);
    dst.run_timers();
    EXPECT_EQ(dst.state(kGw), NeighState::reachable);
    dst_clock.advance_ms(1);
    dst.run_timers();
    EXPECT_EQ(dst.state(kGw), NeighState::stale);
}

TEST_F(StateNeighTest, EveryTruncationIsRefusedAndChangesNothing) {
    const auto blob = source_blob();
    for (std::size_t n = 0; n < blob.size(); ++n) {
        EXPECT_FALSE(dst.load({blob.data(), n})) << n;
        EXPECT_EQ(dst.size(), 0u) << n;
    }
    auto bad = blob;
    bad[2 + 4 + 17 + 6] = static_cast<std::uint8_t>(NeighState::incomplete);
    EXPECT_FALSE(dst.load(bad));
    bad[2 + 4 + 17 + 6] = 9;
    EXPECT_FALSE(dst.load(bad));
    bad = blob;
    bad[2 + 4] = 5;  // neither IPv4 nor IPv6
    EXPECT_FALSE(dst.load(bad));
    bad = blob;
    bad[2 + 4 + 1 + 4] = 1;  // an IPv4 address with junk in its padding
    EXPECT_FALSE(dst.load(bad));
    EXPECT_EQ(dst.size(), 0u);
}

}  // namespace
}  // namespace vnet
