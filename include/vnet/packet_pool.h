// SPDX-License-Identifier: GPL-2.0-or-later
// A bounded pool of packet buffers: the datapath takes and returns buffers
// here and never calls the allocator per packet. Buffers are made on first
// need up to the bound, then recycled; running out is a counted event the
// caller turns into a drop, as a NIC out of descriptors does. Two sizes:
// MTU-sized buffers for most frames and a few large ones for GSO frames
// (up to 64 KiB of IP packet), each size with its own bound.
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

    // The large buffers' size: an IP packet of 65535 bytes under an
    // Ethernet header and a VLAN tag, after kDefaultHeadroom.
    static constexpr std::size_t kLargeBufferSize = kDefaultHeadroom + 18 + 65535;

    PacketPool(std::size_t buffer_size, std::size_t max_buffers, std::size_t max_large = 0);
    PacketPool(const PacketPool&) = delete;
    PacketPool& operator=(const PacketPool&) = delete;

    // An empty packet with kDefaultHeadroom and room for len bytes (a
    // large buffer when a small one is too small), or null when that
    // size's bound is hit or no buffer can hold len.
    PacketRef alloc(std::size_t len = 0);
    // A copy of pkt's bytes and metadata (skb_clone, which must copy here
    // because a borrowed frame is gone when the call that lent it returns);
    // null when the pool is exhausted or pkt does not fit a buffer.
    PacketRef clone(const Packet& pkt);

    std::size_t buffer_size() const { return buffer_size_; }
    // The longest frame any buffer holds after the headroom.
    std::size_t max_len() const {
        return large_.max ? large_.size - kDefaultHeadroom
                          : buffer_size_ - std::min(kDefaultHeadroom, buffer_size_);
    }
    std::size_t created() const { return small_.storage.size() + large_.storage.size(); }
    std::size_t in_use() const { return in_use_; }
    std::uint64_t exhausted() const { return exhausted_; }

  private:
    friend struct PacketReturn;
    void release(Packet* p);

    struct Slot {
        Packet pkt;
        std::unique_ptr<std::uint8_t[]> buf;
    };
    struct SizeClass {
        std::size_t size;
        std::size_t max;
        std::vector<std::unique_ptr<Slot>> storage;
        Packet* free = nullptr;
    };
    PacketRef take(SizeClass& c);

    std::size_t buffer_size_;
    SizeClass small_;
    SizeClass large_;
    std::size_t in_use_ = 0;
    std::uint64_t exhausted_ = 0;
};

}  // namespace vnet
