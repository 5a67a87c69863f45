// SPDX-License-Identifier: GPL-2.0-or-later
// The byte format of the stack's migration state: what a running stack
// learned that the destination's configuration does not give back (learned
// VXLAN FDB entries, ipvlan addresses, neighbours), with ages relative to
// the moment of saving so that two clocks need not agree. Big-endian
// fields; the reader checks every length, since the bytes come from a
// migration stream.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "vnet/ip_addr.h"
#include "vnet/mac_addr.h"

namespace vnet {

// Leading tag of each blob: what it holds and its format version.
enum class StateKind : std::uint8_t {
    neighbours = 1,
    ipvlan_addrs = 2,
    vxlan_fdb = 3,
    vxlan_neigh = 4,
};
inline constexpr std::uint8_t kStateVersion = 1;

class StateWriter {
  public:
    StateWriter(std::vector<std::uint8_t>& out, StateKind kind) : out_(out) {
        out_.clear();
        u8(static_cast<std::uint8_t>(kind));
        u8(kStateVersion);
    }
    void u8(std::uint8_t v) { out_.push_back(v); }
    void u16(std::uint16_t v);
    void u32(std::uint32_t v);
    void u64(std::uint64_t v);
    void mac(const MacAddr& m);
    void ip(const IpAddr& a);
    // A time as its age at `now` (0 if it lies ahead).
    void age(std::uint64_t now, std::uint64_t then) { u64(now > then ? now - then : 0); }

  private:
    std::vector<std::uint8_t>& out_;
};

class StateReader {
  public:
    // ok() is false from the start if the tag or version does not match.
    StateReader(std::span<const std::uint8_t> in, StateKind kind);
    std::uint8_t u8();
    std::uint16_t u16();
    std::uint32_t u32();
    std::uint64_t u64();
    MacAddr mac();
    IpAddr ip();
    // What StateWriter::age wrote, as a time of the reader's clock `now`.
    std::uint64_t time(std::uint64_t now) {
        const std::uint64_t a = u64();
        return now > a ? now - a : 0;
    }
    // A count, then that many records of at least min_bytes each, which
    // read_one(T&) reads (false: malformed). False if the count cannot fit
    // what is left, a record is malformed, or bytes are left over; a count
    // is bounded by the bytes before anything is reserved.
    template <typename T, typename F>
    bool records(std::size_t min_bytes, std::vector<T>& out, F&& read_one) {
        const std::uint32_t n = u32();
        if (!ok_ || n > remaining() / min_bytes) {
            return false;
        }
        out.reserve(n);  // control path: once per migration
        for (std::uint32_t i = 0; i < n; ++i) {
            T t{};
            if (!read_one(t) || !ok_) {
                return false;
            }
            out.push_back(std::move(t));
        }
        return done();
    }
    // Every read so far was in bounds and well-formed.
    bool ok() const { return ok_; }
    // ok() and nothing left over.
    bool done() const { return ok_ && pos_ == in_.size(); }
    std::size_t remaining() const { return in_.size() - pos_; }

  private:
    bool take(std::size_t n);

    std::span<const std::uint8_t> in_;
    std::size_t pos_ = 0;
    bool ok_ = true;
};

}  // namespace vnet
