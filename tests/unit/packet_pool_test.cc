// SPDX-License-Identifier: GPL-2.0-or-later
// The packet pool and the skb-style buffer operations.
#include "vnet/packet_pool.h"

#include <gtest/gtest.h>

#include <algorithm>
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

// A frame lent past its head: headers() reads the head without fetching,
// pieces() hands out the lender's buffers, a reader of the whole frame
// fetches it, once, and a keeper (clone) copies straight from the lender.
TEST(Packet, LentTailIsFetchedOnlyWhenRead) {
    std::vector<std::uint8_t> frame(1000);
    for (std::size_t i = 0; i < frame.size(); ++i) {
        frame[i] = static_cast<std::uint8_t>(i * 7);
    }
    const struct iovec iov[2] = {{frame.data(), 600}, {frame.data() + 600, 400}};
    PacketPool pool(PacketPool::kDefaultHeadroom + 2048, 2);
    auto p = pool.alloc(frame.size());
    std::uint8_t* out = p->put(frame.size());
    iov_gather(iov, 2, 0, {out, Packet::kHeaderRoom});
    p->lend_tail(iov, 2, Packet::kHeaderRoom, Packet::kHeaderRoom);
    ASSERT_TRUE(p->lent());
    EXPECT_EQ(p->headers().size(), frame.size());
    EXPECT_EQ(p->headers()[255], frame[255]);

    struct iovec parts[4];
    ASSERT_EQ(p->pieces(16, parts), 3u);
    EXPECT_EQ(parts[0].iov_base, out + 16);
    EXPECT_EQ(parts[0].iov_len, Packet::kHeaderRoom - 16);
    EXPECT_EQ(parts[1].iov_base, frame.data() + Packet::kHeaderRoom);
    EXPECT_EQ(parts[1].iov_len, 600 - Packet::kHeaderRoom);
    EXPECT_EQ(parts[2].iov_base, frame.data() + 600);
    EXPECT_EQ(p->pieces(0, std::span(parts, 2)), 0u);  // too few: none

    frame[900] ^= 0xff;  // the lender's bytes are what a keeper copies
    auto c = pool.clone(*p);
    ASSERT_TRUE(c);
    EXPECT_FALSE(c->lent());
    EXPECT_TRUE(std::equal(frame.begin(), frame.end(), c->data()));
    EXPECT_TRUE(p->lent());

    EXPECT_TRUE(std::equal(frame.begin(), frame.end(), p->data()));
    EXPECT_FALSE(p->lent());
    frame[901] ^= 0xff;  // read once: later changes do not reach it
    EXPECT_NE(p->data()[901], frame[901]);
    ASSERT_EQ(p->pieces(0, parts), 1u);
    EXPECT_EQ(parts[0].iov_base, out);
    EXPECT_EQ(parts[0].iov_len, frame.size());
}

// Pulling the window past the head reads the tail in first.
TEST(Packet, PullIntoALentTailFetchesIt) {
    std::vector<std::uint8_t> frame(600, 0x5a);
    const struct iovec iov = {frame.data(), frame.size()};
    PacketPool pool(PacketPool::kDefaultHeadroom + 2048, 1);
    auto p = pool.alloc(frame.size());
    iov_gather(&iov, 1, 0, {p->put(frame.size()), Packet::kHeaderRoom});
    p->lend_tail(&iov, 1, Packet::kHeaderRoom, Packet::kHeaderRoom);
    EXPECT_TRUE(p->pull(14));
    EXPECT_TRUE(p->lent());
    EXPECT_TRUE(p->pull(300));
    EXPECT_FALSE(p->lent());
    EXPECT_EQ(p->len(), 286u);
    EXPECT_TRUE(std::all_of(p->data(), p->data() + p->len(), [](auto b) { return b == 0x5a; }));
}

}  // namespace
}  // namespace vnet
