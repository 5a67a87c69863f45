// SPDX-License-Identifier: GPL-2.0-or-later
// The packet buffer, our sk_buff: a fixed buffer with headroom (so a VXLAN
// header can be pushed in front without a copy), the data window inside it,
// and the per-packet metadata the receive path reads (pkt_type, hash,
// the device it is on). A Packet either owns a pool buffer or borrows a
// caller's read-only bytes for the span of one call, as a frame handed in
// by the uplink does. A pool packet may also hold only the head of its
// frame, the rest lent from the sender's scatter list for one call (a
// guest's TX buffers), fetched only if someone reads past the headers:
// the kernel's linear head and page frags, with pskb_may_pull's job done
// once, up front, for every header a lookup reads.
#pragma once

#include <sys/uio.h>

#include <cassert>
#include <cstdint>
#include <cstring>
#include <memory>
#include <span>

#include "vnet/offload.h"

namespace vnet {

class NetDevice;
class PacketPool;

// Copies iov[]'s bytes from `from` on into out, across however the sender
// split them; returns how many there were (out's size at most).
std::size_t iov_gather(const struct iovec* iov, unsigned iovcnt, std::size_t from,
                       std::span<std::uint8_t> out);

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

    // The whole frame (a lent tail is fetched first).
    const std::uint8_t* data() const {
        fetch();
        return head_ + off_;
    }
    std::uint8_t* mutable_data() {
        assert(!borrowed_);
        fetch();
        return head_ + off_;
    }
    std::size_t len() const { return len_; }
    std::span<const std::uint8_t> bytes() const { return {data(), len_}; }

    // Bytes a lent frame holds from its start on, at least: every header
    // a lookup, filter or flow hash reads (Ethernet, two VLAN tags, IP
    // with options, TCP with options) lies within them.
    static constexpr std::size_t kHeaderRoom = 256;
    // The frame at its full length for reading its headers, without
    // fetching a lent tail: only the first kHeaderRoom bytes (all of a
    // shorter frame) are sure to be the frame's. Payload readers use
    // bytes().
    std::span<const std::uint8_t> headers() const { return {head_ + off_, len_}; }

    // Makes the frame's bytes from `at` (>= kHeaderRoom) on a loan: they
    // are iov[]'s from byte `from` on, which the caller keeps valid and
    // unchanged until this packet returns to its pool, and fetched into
    // the buffer (already put() to the full length) when first read.
    void lend_tail(const struct iovec* iov, unsigned iovcnt, std::size_t from, std::size_t at) {
        assert(!borrowed_ && at >= kHeaderRoom && at < len_);
        lent_iov_ = iov;
        lent_cnt_ = iovcnt;
        lent_from_ = from;
        lent_at_ = off_ + at;
    }
    bool lent() const { return lent_iov_ != nullptr; }
    // skb_linearize: the lent tail read in now.
    void linearize() const { fetch(); }
    // Copies the frame into out (len() bytes), a lent tail straight from
    // the lender: the one copy a path that keeps the frame makes.
    void copy_to(std::uint8_t* out) const;
    // The frame from byte `from` (below kHeaderRoom) on as pieces, the
    // head's then the lender's, into out: how many, or 0 if out is too
    // short for them. Nothing is copied.
    unsigned pieces(std::size_t from, std::span<struct iovec> out) const;
    std::size_t headroom() const { return off_; }
    std::size_t tailroom() const { return cap_ - off_ - len_; }
    bool borrowed() const { return borrowed_; }

    // skb_reserve: empty packet with n bytes of headroom.
    void reset(std::size_t headroom) {
        assert(headroom <= cap_ && !borrowed_);
        off_ = headroom;
        len_ = 0;
        lent_iov_ = nullptr;
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
        fetch();
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
        if (lent_iov_ && off_ + n > lent_at_) {
            fetch();  // the loan starts at lent_at_; never past the window
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

    // Reads the lent tail in, once; the packet then no longer refers to
    // the lender.
    void fetch() const {
        if (lent_iov_) [[unlikely]] {
            fetch_tail();
        }
    }
    void fetch_tail() const;
    // The frame's bytes in the buffer from its start: all but a lent tail.
    std::size_t present() const { return lent_iov_ ? lent_at_ - off_ : len_; }

    std::uint8_t* head_ = nullptr;
    std::size_t cap_ = 0;
    std::size_t off_ = 0;
    std::size_t len_ = 0;
    bool borrowed_ = false;
    bool large_ = false;  // from the pool's large buffers
    Packet* next_free_ = nullptr;
    // The loan: buffer bytes [lent_at_, off_ + len_) are iov[]'s from
    // lent_from_ on. Mutable: fetching it changes no observable byte.
    mutable const struct iovec* lent_iov_ = nullptr;
    mutable unsigned lent_cnt_ = 0;
    mutable std::size_t lent_from_ = 0;
    mutable std::size_t lent_at_ = 0;
};

}  // namespace vnet
