// SPDX-License-Identifier: GPL-2.0-or-later
// A device's queue of received frames its stack had no room for: netif_rx's
// per-CPU backlog (enqueue_to_backlog, bounded by netdev_max_backlog,
// 1000), kept per device here because each device's stack (a guest
// function's RX ring) fills on its own. A frame its ring cannot take now
// is cloned in (the borrowed bytes are gone when the call returns) and
// delivered, in order, when the driver posts buffers again; only past the
// bound is it dropped. Frames arriving while some wait queue behind them.
#pragma once

#include <cstddef>
#include <vector>

#include "vnet/packet_pool.h"

namespace vnet {

class RxBacklog {
  public:
    static constexpr std::size_t kLimit = 1000;  // netdev_max_backlog

    explicit RxBacklog(PacketPool& pool) : ring_(kLimit), pool_(pool) {}
    RxBacklog(const RxBacklog&) = delete;
    RxBacklog& operator=(const RxBacklog&) = delete;

    std::size_t size() const { return len_; }
    bool empty() const { return len_ == 0; }

    // False (nothing queued) at the bound or when the pool is exhausted.
    bool enqueue(const Packet& pkt) {
        if (len_ == ring_.size()) {
            return false;
        }
        PacketRef copy = pool_.clone(pkt);
        if (!copy) {
            return false;
        }
        ring_[(head_ + len_) % ring_.size()] = std::move(copy);
        ++len_;
        return true;
    }

    // process_backlog: hands the oldest frames to take(pkt) until it
    // returns false (no room again: that frame stays first) or none is
    // left. Returns how many were taken.
    template <typename Take>
    std::size_t process(Take take) {
        std::size_t n = 0;
        while (len_ != 0) {
            PacketRef& p = ring_[head_];
            if (!take(*p)) {
                break;
            }
            p.reset();
            head_ = (head_ + 1) % ring_.size();
            --len_;
            ++n;
        }
        return n;
    }

    // Drops every waiting frame (the device went down); returns how many.
    std::size_t purge() {
        const std::size_t n = len_;
        while (len_ != 0) {
            ring_[head_].reset();
            head_ = (head_ + 1) % ring_.size();
            --len_;
        }
        return n;
    }

  private:
    std::vector<PacketRef> ring_;
    std::size_t head_ = 0;
    std::size_t len_ = 0;
    PacketPool& pool_;
};

}  // namespace vnet
