// SPDX-License-Identifier: GPL-2.0-or-later
// The bounded backlog macvlan's broadcast work and ipvlan's multicast work
// share: queue up to the limit, refuse past it without scheduling again,
// clone into the pool, hand the worker what was queued when it started.
#include "vnet/backlog.h"

#include <gtest/gtest.h>

#include <vector>

namespace vnet {
namespace {

struct Worker {
    static void run(void* self) { static_cast<Worker*>(self)->runs++; }
    int runs = 0;
};

class BacklogTest : public ::testing::Test {
  protected:
    Packet frame(std::uint8_t tag) {
        bytes_.push_back(std::vector<std::uint8_t>(60, tag));
        return Packet::borrow(bytes_.back().data(), bytes_.back().size());
    }

    std::vector<std::vector<std::uint8_t>> bytes_;
    PacketPool pool{2048, 8};
    WorkQueue wq;
    Worker worker;
    Work work{&Worker::run, &worker};
    Backlog<int> backlog{3, pool, wq, work};
};

TEST_F(BacklogTest, QueuesUpToTheLimitThenRefuses) {
    for (int i = 0; i < 3; ++i) {
        EXPECT_EQ(backlog.enqueue(frame(i), i), BacklogResult::queued);
    }
    EXPECT_EQ(backlog.enqueue(frame(9), 9), BacklogResult::full);
    EXPECT_EQ(backlog.size(), 3u);
    EXPECT_EQ(pool.in_use(), 3u);  // the refused frame took no buffer
}

TEST_F(BacklogTest, EachQueuedFrameIsACopyAndSchedulesTheWork) {
    std::vector<std::uint8_t> f(60, 0x11);
    auto p = Packet::borrow(f.data(), f.size());
    EXPECT_EQ(backlog.enqueue(p, 1), BacklogResult::queued);
    EXPECT_FALSE(wq.idle());
    f.assign(60, 0x22);  // the lender reuses its buffer
    wq.run_pending();
    EXPECT_EQ(worker.runs, 1);
    auto e = backlog.dequeue();
    ASSERT_TRUE(e.pkt);
    EXPECT_EQ(e.pkt->data()[0], 0x11);
    EXPECT_EQ(e.meta, 1);
}

TEST_F(BacklogTest, AFullBacklogSchedulesNothingMore) {
    for (int i = 0; i < 3; ++i) {
        backlog.enqueue(frame(i), i);
    }
    wq.run_pending();
    EXPECT_EQ(worker.runs, 1);
    EXPECT_EQ(backlog.enqueue(frame(9), 9), BacklogResult::full);
    EXPECT_TRUE(wq.idle());  // refused: the work is not scheduled for it
}

TEST_F(BacklogTest, AFailedCloneIsNoBuffer) {
    PacketPool tiny{2048, 1};
    Backlog<int> b{3, tiny, wq, work};
    EXPECT_EQ(b.enqueue(frame(1), 1), BacklogResult::queued);
    EXPECT_EQ(b.enqueue(frame(2), 2), BacklogResult::no_buffer);
    EXPECT_EQ(b.size(), 1u);
}

TEST_F(BacklogTest, DequeueIsInOrderAndFreesTheSlot) {
    for (int i = 0; i < 3; ++i) {
        backlog.enqueue(frame(i), i);
    }
    EXPECT_EQ(backlog.dequeue().meta, 0);
    EXPECT_EQ(backlog.enqueue(frame(3), 3), BacklogResult::queued);  // wraps
    for (int want : {1, 2, 3}) {
        auto e = backlog.dequeue();
        ASSERT_TRUE(e.pkt);
        EXPECT_EQ(e.meta, want);
        EXPECT_EQ(e.pkt->data()[0], want);
    }
    EXPECT_EQ(backlog.size(), 0u);
    EXPECT_EQ(pool.in_use(), 0u);
}

TEST_F(BacklogTest, ForgottenSendersLeaveEmptyEntries) {
    for (int i = 0; i < 3; ++i) {
        backlog.enqueue(frame(i), i % 2);
    }
    backlog.forget_if([](int sender) { return sender == 1; });
    EXPECT_EQ(backlog.size(), 3u);  // the worker still walks the entry
    EXPECT_EQ(pool.in_use(), 2u);
    EXPECT_TRUE(backlog.dequeue().pkt);
    auto gone = backlog.dequeue();
    EXPECT_FALSE(gone.pkt);
    EXPECT_EQ(gone.meta, 0);
    EXPECT_TRUE(backlog.dequeue().pkt);
}

}  // namespace
}  // namespace vnet
