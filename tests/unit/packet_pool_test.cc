// SPDX-License-Identifier: GPL-2.0-or-later
// The packet pool and the skb-style buffer operations.
#include "vnet/packet_pool.h"

#include <gtest/gtest.h>

#include <vector>

namespace vnet {
namespace {

TEST(PacketPool, AllocGivesEmptyPacketWithHeadroom) {
    PacketPool pool(2048, 4);
    auto p = pool.alloc();
    ASSERT_TRUE(p);
    EXPECT_EQ(p->len(), 0u);
    EXPECT_EQ(p->headroom(), PacketPool::kDefaultHeadroom);
    EXPECT_EQ(p->tailroom(), 2048 - PacketPool::kDefaultHeadroom);
}

TEST(PacketPool, RecyclesBuffersInsteadOfCreatingNew) {
    PacketPool pool(256, 4);
    for (int i = 0; i < 100; ++i) {
        auto p = pool.alloc();
        ASSERT_TRUE(p);
    }
    EXPECT_EQ(pool.created(), 1u);
    EXPECT_EQ(pool.in_use(), 0u);
}

TEST(PacketPool, ExhaustionIsCountedNotFatal) {
    PacketPool pool(256, 2);
    auto a = pool.alloc();
    auto b = pool.alloc();
    auto c = pool.alloc();
    EXPECT_TRUE(a && b);
    EXPECT_FALSE(c);
    EXPECT_EQ(pool.exhausted(), 1u);
    a.reset();
    EXPECT_TRUE(pool.alloc());
}

TEST(PacketPool, ReturnedPacketIsResetOnNextAlloc) {
    PacketPool pool(256, 1);
    {
        auto p = pool.alloc();
        p->put(10);
        p->hash = 7;
    }
    auto p = pool.alloc();
    EXPECT_EQ(p->len(), 0u);
    EXPECT_EQ(p->hash, 0u);
}

TEST(Packet, PutPushPullBounds) {
    PacketPool pool(PacketPool::kDefaultHeadroom + 64, 1);
    auto p = pool.alloc();
    EXPECT_NE(p->put(64), nullptr);
    EXPECT_EQ(p->put(1), nullptr);
    EXPECT_NE(p->push(PacketPool::kDefaultHeadroom), nullptr);
    EXPECT_EQ(p->push(1), nullptr);
    EXPECT_EQ(p->len(), 64 + PacketPool::kDefaultHeadroom);
    EXPECT_TRUE(p->pull(8));
    EXPECT_FALSE(p->pull(p->len() + 1));
}

TEST(Packet, BorrowedIsReadOnly) {
    const std::vector<std::uint8_t> bytes(60, 0xab);
    auto p = Packet::borrow(bytes.data(), bytes.size());
    EXPECT_EQ(p.data(), bytes.data());
    EXPECT_EQ(p.len(), 60u);
    EXPECT_EQ(p.put(1), nullptr);
    EXPECT_EQ(p.push(1), nullptr);
    EXPECT_TRUE(p.pull(14));
    EXPECT_EQ(p.len(), 46u);
}

}  // namespace
}  // namespace vnet
