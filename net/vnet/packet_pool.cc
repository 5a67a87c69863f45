// SPDX-License-Identifier: GPL-2.0-or-later
// The packet buffer pool: a free list of fixed-size buffers, created on
// first need up to a bound and recycled after that.
#include "vnet/packet_pool.h"

#include <cstring>

namespace vnet {

void PacketReturn::operator()(Packet* p) const { pool->release(p); }

PacketPool::PacketPool(std::size_t buffer_size, std::size_t max_buffers, std::size_t max_large)
    : buffer_size_(buffer_size),
      small_{buffer_size, max_buffers, {}, nullptr},
      large_{kLargeBufferSize, max_large, {}, nullptr} {
    small_.storage.reserve(max_buffers);
    large_.storage.reserve(max_large);
}

PacketRef PacketPool::alloc(std::size_t len) {
    const std::size_t head = std::min(kDefaultHeadroom, buffer_size_);
    if (head + len <= small_.size) {
        return take(small_);
    }
    if (kDefaultHeadroom + len <= large_.size && large_.max) {
        return take(large_);
    }
    ++exhausted_;
    return PacketRef(nullptr, PacketReturn{this});
}

PacketRef PacketPool::take(SizeClass& c) {
    Packet* p = c.free;
    if (p) {
        c.free = p->next_free_;
    } else if (c.storage.size() < c.max) {
        auto slot = std::make_unique<Slot>();
        slot->buf = std::make_unique<std::uint8_t[]>(c.size);
        p = &slot->pkt;
        p->head_ = slot->buf.get();
        p->cap_ = c.size;
        p->large_ = &c == &large_;
        c.storage.push_back(std::move(slot));
    } else {
        ++exhausted_;
        return PacketRef(nullptr, PacketReturn{this});
    }
    p->next_free_ = nullptr;
    p->reset(std::min(kDefaultHeadroom, c.size));
    ++in_use_;
    return PacketRef(p, PacketReturn{this});
}

PacketRef PacketPool::clone(const Packet& pkt) {
    PacketRef c = alloc(pkt.len());
    if (!c || pkt.len() > c->tailroom()) {
        return PacketRef(nullptr, PacketReturn{this});
    }
    pkt.copy_to(c->put(pkt.len()));
    c->pkt_type = pkt.pkt_type;
    c->hash = pkt.hash;
    c->dev = pkt.dev;
    c->offload = pkt.offload;
    return c;
}

void PacketPool::release(Packet* p) {
    SizeClass& c = p->large_ ? large_ : small_;
    p->next_free_ = c.free;
    c.free = p;
    --in_use_;
}

}  // namespace vnet
