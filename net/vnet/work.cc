// SPDX-License-Identifier: GPL-2.0-or-later
// The deferred work queue (see work.h): an intrusive FIFO, no allocation.
#include "vnet/work.h"

namespace vnet {

void WorkQueue::schedule(Work& w) {
    if (w.pending_) {
        return;
    }
    const bool was_idle = idle();
    w.pending_ = true;
    w.next_ = nullptr;
    if (tail_) {
        tail_->next_ = &w;
    } else {
        head_ = &w;
    }
    tail_ = &w;
    if (was_idle && kick_) {
        kick_(kick_opaque_);
    }
}

void WorkQueue::cancel(Work& w) {
    Work* prev = nullptr;
    for (Work* it = head_; it; prev = it, it = it->next_) {
        if (it == &w) {
            (prev ? prev->next_ : head_) = it->next_;
            if (tail_ == it) {
                tail_ = prev;
            }
            w.pending_ = false;
            return;
        }
    }
}

std::size_t WorkQueue::run_pending() {
    std::size_t n = 0;
    while (Work* w = head_) {
        head_ = w->next_;
        if (!head_) {
            tail_ = nullptr;
        }
        w->pending_ = false;
        w->fn_(w->owner_);
        ++n;
    }
    return n;
}

}  // namespace vnet
