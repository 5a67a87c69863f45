// SPDX-License-Identifier: GPL-2.0-or-later
// A bounded queue of packets waiting for a deferred worker: the skb queue
// macvlan keeps for its broadcast work (port->bc_queue,
// macvlan_broadcast_enqueue / macvlan_process_broadcast) and ipvlan for its
// multicast work (port->backlog, ipvlan_multicast_enqueue /
// ipvlan_process_multicast). As in both: the frame is cloned (here into a
// pool buffer, since a borrowed frame is gone when its call returns), the
// clone is queued if the queue is below its limit and the work scheduled;
// past the limit nothing is queued and the caller counts the drop on the
// device the kernel counts it on (skb->dev: rx_dropped). macvlan's
// queue_work on a full queue is not repeated: every queued frame has
// already scheduled a run that will take it. Each entry carries `Meta`,
// what the worker needs of its sender.
#pragma once

#include <cstddef>
#include <vector>

#include "vnet/packet_pool.h"
#include "vnet/work.h"

namespace vnet {

enum class BacklogResult : std::uint8_t {
    queued,
    full,       // at the limit: not queued
    no_buffer,  // the clone failed (skb_clone's ENOMEM): not queued
};

template <typename Meta>
class Backlog {
  public:
    struct Entry {
        PacketRef pkt{nullptr, PacketReturn{nullptr}};
        Meta meta{};
    };

    // `work` is scheduled on `wq` after each frame queued.
    Backlog(std::size_t limit, PacketPool& pool, WorkQueue& wq, Work& work)
        : ring_(limit), pool_(pool), wq_(wq), work_(work) {}
    Backlog(const Backlog&) = delete;
    Backlog& operator=(const Backlog&) = delete;

    std::size_t size() const { return len_; }

    BacklogResult enqueue(const Packet& pkt, const Meta& meta) {
        if (len_ == ring_.size()) {
            return BacklogResult::full;
        }
        PacketRef copy = pool_.clone(pkt);
        if (!copy) {
            return BacklogResult::no_buffer;
        }
        Entry& e = ring_[(head_ + len_) % ring_.size()];
        e.pkt = std::move(copy);
        e.meta = meta;
        ++len_;
        wq_.schedule(work_);
        return BacklogResult::queued;
    }

    // The oldest entry, for the worker; its packet is null if forget_if
    // took it. The worker takes only size() entries, those queued when it
    // started (skb_queue_splice_tail_init): later ones wait for its next run.
    Entry dequeue() {
        Entry& e = ring_[head_];
        head_ = (head_ + 1) % ring_.size();
        --len_;
        Entry out{std::move(e.pkt), e.meta};
        e.meta = Meta{};
        return out;
    }

    // Empties the packet of every queued entry whose meta matches: a
    // sender going away (the kernel holds a reference instead; a worker
    // finding nothing to deliver for a gone sender is the same).
    template <typename Pred>
    void forget_if(Pred pred) {
        for (std::size_t i = 0; i < len_; ++i) {
            Entry& e = ring_[(head_ + i) % ring_.size()];
            if (e.pkt && pred(e.meta)) {
                e.pkt.reset();
                e.meta = Meta{};
            }
        }
    }

  private:
    std::vector<Entry> ring_;
    std::size_t head_ = 0;
    std::size_t len_ = 0;
    PacketPool& pool_;
    WorkQueue& wq_;
    Work& work_;
};

}  // namespace vnet
