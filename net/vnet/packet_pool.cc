// SPDX-License-Identifier: GPL-2.0-or-later
// The packet buffer pool: a free list of fixed-size buffers, created on
// first need up to a bound and recycled after that.
#include "vnet/packet_pool.h"

#include <cstring>

namespace vnet {

void PacketReturn::operator()(Packet* p) const { pool->release(p); }

PacketPool::PacketPool(std::size_t buffer_size, std::size_t max_buffers)
    : buffer_size_(buffer_size), max_buffers_(max_buffers) {
    storage_.reserve(max_buffers);
}

PacketRef PacketPool::alloc() {
    Packet* p = free_;
    if (p) {
        free_ = p->next_free_;
    } else if (storage_.size() < max_buffers_) {
        auto slot = std::make_unique<Slot>();
        slot->buf = std::make_unique<std::uint8_t[]>(buffer_size_);
        p = &slot->pkt;
        p->head_ = slot->buf.get();
        p->cap_ = buffer_size_;
        storage_.push_back(std::move(slot));
    } else {
        ++exhausted_;
        return PacketRef(nullptr, PacketReturn{this});
    }
    p->next_free_ = nullptr;
    p->reset(std::min(kDefaultHeadroom, buffer_size_));
    ++in_use_;
    return PacketRef(p, PacketReturn{this});
}

PacketRef PacketPool::clone(const Packet& pkt) {
    PacketRef c = alloc();
    if (!c || pkt.len() > c->tailroom()) {
        return PacketRef(nullptr, PacketReturn{this});
    }
    std::memcpy(c->put(pkt.len()), pkt.data(), pkt.len());
    c->pkt_type = pkt.pkt_type;
    c->hash = pkt.hash;
    c->dev = pkt.dev;
    return c;
}

void PacketPool::release(Packet* p) {
    p->next_free_ = free_;
    free_ = p;
    --in_use_;
}

}  // namespace vnet
