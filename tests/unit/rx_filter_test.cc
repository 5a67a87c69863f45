// SPDX-License-Identifier: GPL-2.0-or-later
// The NIC receive filter, as a guest programs it through the control queue.
#include "vnet/rx_filter.h"

#include <gtest/gtest.h>

#include <vector>

#include "frames.h"

namespace vnet {
namespace {

using test::kMacA;
using test::kMacB;
using test::kMacC;
using test::kMcast;

RxFilter programmed() {
    RxFilter f;
    f.set_mac(kMacA);
    f.set_promisc(false);
    return f;
}

TEST(RxFilter, PromiscuousUntilProgrammed) {
    RxFilter f;
    f.set_mac(kMacA);
    EXPECT_TRUE(f.accepts(kMacB));
}

TEST(RxFilter, OwnAddressAndBroadcastOnly) {
    RxFilter f = programmed();
    EXPECT_TRUE(f.accepts(kMacA));
    EXPECT_TRUE(f.accepts(MacAddr::broadcast()));
    EXPECT_FALSE(f.accepts(kMacB));
    EXPECT_FALSE(f.accepts(kMcast));
}

TEST(RxFilter, TablesAddUnicastAndMulticast) {
    RxFilter f = programmed();
    const MacAddr uc[] = {kMacB};
    const MacAddr mc[] = {kMcast};
    f.set_tables(uc, mc);
    EXPECT_TRUE(f.accepts(kMacB));
    EXPECT_TRUE(f.accepts(kMcast));
    EXPECT_FALSE(f.accepts(kMacC));
    f.set_tables({}, {});
    EXPECT_FALSE(f.accepts(kMacB));
    EXPECT_FALSE(f.accepts(kMcast));
}

TEST(RxFilter, AllmultiAcceptsEveryGroupAddress) {
    RxFilter f = programmed();
    f.set_allmulti(true);
    EXPECT_TRUE(f.accepts(kMcast));
    EXPECT_FALSE(f.accepts(kMacB));
}

TEST(RxFilter, FullTableHoldsEveryEntry) {
    RxFilter f = programmed();
    std::vector<MacAddr> uc;
    for (std::size_t i = 0; i < RxFilter::kTableEntries; ++i) {
        MacAddr m = kMacC;
        m.bytes[5] = static_cast<std::uint8_t>(i);
        m.bytes[4] = static_cast<std::uint8_t>(i * 7);
        uc.push_back(m);
    }
    f.set_tables(uc, {});
    EXPECT_FALSE(f.unicast_overflow());
    EXPECT_EQ(f.unicast_count(), RxFilter::kTableEntries);
    for (const auto& m : uc) {
        EXPECT_TRUE(f.accepts(m));
    }
    EXPECT_FALSE(f.accepts(kMacB));
}

TEST(RxFilter, OverflowingTableAcceptsAllOfItsKind) {
    RxFilter f = programmed();
    std::vector<MacAddr> mc(RxFilter::kTableEntries + 1, kMcast);
    f.set_tables({}, mc);
    EXPECT_TRUE(f.multicast_overflow());
    MacAddr other = kMcast;
    other.bytes[5] = 1;
    EXPECT_TRUE(f.accepts(other));
    EXPECT_FALSE(f.accepts(kMacB));  // unicast table unaffected
}

TEST(RxFilter, DuplicateEntriesCountOnce) {
    RxFilter f = programmed();
    const MacAddr uc[] = {kMacB, kMacB, kMacC};
    f.set_tables(uc, {});
    EXPECT_EQ(f.unicast_count(), 2u);
}

std::vector<std::uint8_t> tagged(std::uint16_t tpid, std::uint16_t tci) {
    auto f = test::eth_frame(kMacA, kMacB, tpid, 50);
    f[14] = static_cast<std::uint8_t>(tci >> 8);
    f[15] = static_cast<std::uint8_t>(tci);
    return f;
}

// As virtio-net's receive_filter: only the 802.1Q TPID is looked at, the
// VID is the TCI's low 12 bits, promiscuous mode passes everything, and
// a tag cut short passes nothing.
TEST(RxFilter, VlanFilterOnlyWhenNegotiated) {
    RxFilter f = programmed();
    const auto vid10 = tagged(0x8100, 0xe00a);
    EXPECT_TRUE(f.accepts_vlan(vid10));
    f.set_vlan_filtering(true);
    EXPECT_FALSE(f.accepts_vlan(vid10));
    f.set_vlan(10, true);
    EXPECT_TRUE(f.accepts_vlan(vid10));
    EXPECT_FALSE(f.accepts_vlan(tagged(0x8100, 11)));
    EXPECT_TRUE(f.accepts_vlan(tagged(0x88a8, 11)));  // 802.1ad: not this filter's
    EXPECT_TRUE(f.accepts_vlan(test::eth_frame(kMacA, kMacB, 0x0800, 46)));
    auto cut = tagged(0x8100, 10);
    cut.resize(15);
    EXPECT_FALSE(f.accepts_vlan(cut));
    f.set_promisc(true);
    EXPECT_TRUE(f.accepts_vlan(tagged(0x8100, 11)));
    f.set_promisc(false);
    f.set_vlan(10, false);
    EXPECT_FALSE(f.accepts_vlan(vid10));
    f.set_vlan_filtering(false);
    EXPECT_TRUE(f.accepts_vlan(vid10));
}

}  // namespace
}  // namespace vnet
