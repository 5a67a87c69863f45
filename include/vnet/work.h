// SPDX-License-Identifier: GPL-2.0-or-later
// Deferred work, the kernel's schedule_work/queue_work: an item is queued
// at most once until it runs; the embedder decides when pending work runs
// (QEMU: a bottom half; unit tests: run_pending() by hand).
#pragma once

#include <cstddef>

namespace vnet {

class WorkQueue;

class Work {
  public:
    using Fn = void (*)(void* owner);
    Work(Fn fn, void* owner) : fn_(fn), owner_(owner) {}
    Work(const Work&) = delete;
    Work& operator=(const Work&) = delete;
    bool pending() const { return pending_; }

  private:
    friend class WorkQueue;
    Fn fn_;
    void* owner_;
    bool pending_ = false;
    Work* next_ = nullptr;
};

class WorkQueue {
  public:
    // Told when the queue goes from idle to having work, so the embedder
    // can arrange a call to run_pending().
    using Kick = void (*)(void* opaque);
    void set_kick(Kick kick, void* opaque) {
        kick_ = kick;
        kick_opaque_ = opaque;
    }

    // queue_work: no-op if already pending.
    void schedule(Work& w);
    // Cancels a pending item (cancel_work): used before its owner goes away.
    void cancel(Work& w);
    // Runs everything pending now, including work queued while running.
    std::size_t run_pending();
    bool idle() const { return head_ == nullptr; }

  private:
    Work* head_ = nullptr;
    Work* tail_ = nullptr;
    Kick kick_ = nullptr;
    void* kick_opaque_ = nullptr;
};

}  // namespace vnet
