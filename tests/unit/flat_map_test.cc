// SPDX-License-Identifier: GPL-2.0-or-later
// FlatMap, the datapath's open-addressing table: random inserts, erases
// and erase_if checked against std::unordered_map as the model, with a
// hash that sends every key to a handful of slots so that probe runs wrap
// and backward-shift deletion is exercised.
#include "vnet/flat_map.h"

#include <gtest/gtest.h>

#include <random>
#include <set>
#include <unordered_map>

#include "vnet/ip_addr.h"
#include "vnet/mac_addr.h"

namespace vnet {
namespace {

// Keys collide in runs: only the low three bits of key/5 count.
struct Crowded {
    std::size_t operator()(unsigned k) const { return (k / 5) & 7; }
};

template <typename Map>
void expect_same(const FlatMap<unsigned, int, Map>& m, const std::unordered_map<unsigned, int>& ref,
                 unsigned universe) {
    ASSERT_EQ(m.size(), ref.size());
    for (unsigned k = 0; k < universe; ++k) {
        auto it = ref.find(k);
        const int* v = m.find(k);
        if (it == ref.end()) {
            EXPECT_EQ(v, nullptr) << "key " << k;
        } else {
            ASSERT_NE(v, nullptr) << "key " << k;
            EXPECT_EQ(*v, it->second) << "key " << k;
        }
    }
}

TEST(FlatMap, MatchesUnorderedMapUnderChurn) {
    constexpr unsigned kUniverse = 200;
    FlatMap<unsigned, int, Crowded> m;
    std::unordered_map<unsigned, int> ref;
    std::mt19937 rng(7);
    for (int step = 0; step < 20000; ++step) {
        const unsigned k = rng() % kUniverse;
        switch (rng() % 3) {
            case 0:
                EXPECT_EQ(m.emplace(k, step), ref.emplace(k, step).second);
                break;
            case 1:
                EXPECT_EQ(m.erase(k), ref.erase(k) == 1);
                break;
            default:
                if (step % 500 == 0) {
                    const unsigned r = rng() % 7;
                    m.erase_if([r](unsigned key, int) { return key % 7 == r; });
                    std::erase_if(ref, [r](const auto& kv) { return kv.first % 7 == r; });
                }
        }
        if (step % 250 == 0) {
            expect_same(m, ref, kUniverse);
        }
    }
    expect_same(m, ref, kUniverse);
}

TEST(FlatMap, EmptyFindsNothing) {
    FlatMap<MacAddr, int, MacHash> m;
    EXPECT_EQ(m.find(MacAddr{}), nullptr);
    EXPECT_FALSE(m.erase(MacAddr{}));
    EXPECT_TRUE(m.empty());
}

// The hashes feed a masked table: keys differing in any one byte must
// not all land in the same few slots.
TEST(FlatMap, HashesSpreadEveryByte) {
    for (std::size_t byte = 0; byte < kEthAlen; ++byte) {
        std::set<std::size_t> slots;
        for (unsigned v = 0; v < 16; ++v) {
            MacAddr m{{0x02, 0, 0, 0, 0, 1}};
            m.bytes[byte] = static_cast<std::uint8_t>(m.bytes[byte] ^ (v << 1));
            slots.insert(MacHash{}(m)&15);
        }
        EXPECT_GE(slots.size(), 6u) << "MAC byte " << byte;
    }
    for (std::size_t byte = 0; byte < 16; ++byte) {
        std::set<std::size_t> slots;
        for (unsigned v = 0; v < 16; ++v) {
            IpAddr a;
            a.v6 = true;
            a.bytes[byte] = static_cast<std::uint8_t>(v);
            slots.insert(IpAddrHash{}(a)&15);
        }
        EXPECT_GE(slots.size(), 6u) << "IP byte " << byte;
    }
}

}  // namespace
}  // namespace vnet
