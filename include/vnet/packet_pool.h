// SPDX-License-Identifier: GPL-2.0-or-later
// A bounded pool of packet buffers: the datapath takes and returns buffers
// here and never calls the allocator per packet. Buffers are made on first
// need up to the bound, then recycled; running out is a counted event the
// caller turns into a drop, as a NIC out of descriptors does.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "vnet/packet.h"

namespace vnet {

class PacketPool;

// Returns the packet to its pool when it goes out of scope.
struct PacketReturn {
    PacketPool* pool;
    void operator()(Packet* p) const;
};
using PacketRef = std::unique_ptr<Packet, PacketReturn>;

class PacketPool {
  public:
    // Room in front of the frame for an outer Ethernet + IPv6 + UDP + VXLAN
    // header (14 + 40 + 8 + 8) with slack, rounded to a cache line.
    static constexpr std::size_t kDefaultHeadroom = 128;

    PacketPool(std::size_t buffer_size, std::size_t max_buffers);
    PacketPool(const PacketPool&) = delete;
    PacketPool& operator=(const PacketPool&) = delete;

    // An empty packet with kDefaultHeadroom, or null when the bound is hit.
    PacketRef alloc();
    // A copy of pkt's bytes and metadata (skb_clone, which must copy here
    // because a borrowed frame is gone when the call that lent it returns);
    // null when the pool is exhausted or pkt does not fit a buffer.
    PacketRef clone(const Packet& pkt);

    std::size_t buffer_size() const { return buffer_size_; }
    std::size_t created() const { return storage_.size(); }
    std::size_t in_use() const { return in_use_; }
    std::uint64_t exhausted() const { return exhausted_; }

  private:
    friend struct PacketReturn;
    void release(Packet* p);

    struct Slot {
        Packet pkt;
        std::unique_ptr<std::uint8_t[]> buf;
    };

    std::size_t buffer_size_;
    std::size_t max_buffers_;
    std::vector<std::unique_ptr<Slot>> storage_;
    Packet* free_ = nullptr;
    std::size_t in_use_ = 0;
    std::uint64_t exhausted_ = 0;
};

}  // namespace vnet
