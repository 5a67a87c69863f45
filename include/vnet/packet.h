// SPDX-License-Identifier: GPL-2.0-or-later
// The packet buffer, our sk_buff: a fixed buffer with headroom (so a VXLAN
// header can be pushed in front without a copy), the data window inside it,
// and the per-packet metadata the receive path reads (pkt_type, hash,
// the device it is on). A Packet either owns a pool buffer or borrows a
// caller's read-only bytes for the span of one call, as a frame handed in
// by the uplink does.
#pragma once

#include <cassert>
#include <cstdint>
#include <cstring>
#include <memory>
#include <span>

#include "vnet/offload.h"

namespace vnet {

class NetDevice;
class PacketPool;

// skb->pkt_type (include/uapi/linux/if_packet.h).
enum class PacketType : std::uint8_t { host, broadcast, multicast, otherhost };

class Packet {
  public:
    Packet() = default;
    Packet(const Packet&) = delete;
    Packet& operator=(const Packet&) = delete;

    // Wraps bytes the caller keeps alive and unmodified for this call.
    static Packet borrow(const std::uint8_t* data, std::size_t len) { return Packet(data, len); }
    // Another read-only look at p's bytes as received on `dev`: one frame
    // delivered to several devices, each with its own dev and pkt_type.
    static Packet view(const Packet& p, NetDevice& dev, PacketType type) {
        return Packet(p.data(), p.len(), &dev, type, p.hash, p.offload);
    }

    // Bytes made from p (one of its segments, or it with its checksum
    // filled), seen as p is, their offloads done.
    static Packet made_from(const Packet& p, std::span<const std::uint8_t> b) {
        return Packet(b.data(), b.size(), p.dev, p.pkt_type, p.hash);
    }

    const std::uint8_t* data() const { return head_ + off_; }
    std::uint8_t* mutable_data() {
        assert(!borrowed_);
        return head_ + off_;
    }
    std::size_t len() const { return len_; }
    std::span<const std::uint8_t> bytes() const { return {data(), len_}; }
    std::size_t headroom() const { return off_; }
    std::size_t tailroom() const { return cap_ - off_ - len_; }
    bool borrowed() const { return borrowed_; }

    // skb_reserve: empty packet with n bytes of headroom.
    void reset(std::size_t headroom) {
        assert(headroom <= cap_ && !borrowed_);
        off_ = headroom;
        len_ = 0;
        pkt_type = PacketType::host;
        hash = 0;
        dev = nullptr;
        offload = {};
    }
    // skb_put: grows the tail; nullptr if the buffer cannot hold n more.
    std::uint8_t* put(std::size_t n) {
        if (borrowed_ || n > tailroom()) {
            return nullptr;
        }
        std::uint8_t* p = head_ + off_ + len_;
        len_ += n;
        return p;
    }
    // skb_push: grows the front into the headroom.
    std::uint8_t* push(std::size_t n) {
        if (borrowed_ || n > off_) {
            return nullptr;
        }
        off_ -= n;
        len_ += n;
        return head_ + off_;
    }
    // skb_pull: drops n bytes from the front; false if shorter than n.
    bool pull(std::size_t n) {
        if (n > len_) {
            return false;
        }
        off_ += n;
        len_ -= n;
        return true;
    }

    PacketType pkt_type = PacketType::host;
    std::uint32_t hash = 0;
    NetDevice* dev = nullptr;
    // What a driver left to the device (checksum, segmentation), as on
    // the kernel's skb; travels with the frame until someone honours it.
    Offload offload;

  private:
    friend class PacketPool;

    // Never written through: mutable_data(), put() and push() refuse a
    // borrowed packet.
    Packet(const std::uint8_t* data, std::size_t len, NetDevice* d = nullptr,
           PacketType type = PacketType::host, std::uint32_t h = 0, const Offload& o = {})
        : pkt_type(type),
          hash(h),
          dev(d),
          offload(o),
          head_(const_cast<std::uint8_t*>(data)),
          cap_(len),
          len_(len),
          borrowed_(true) {}

    std::uint8_t* head_ = nullptr;
    std::size_t cap_ = 0;
    std::size_t off_ = 0;
    std::size_t len_ = 0;
    bool borrowed_ = false;
    bool large_ = false;  // from the pool's large buffers
    Packet* next_free_ = nullptr;
};

}  // namespace vnet
