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
enum class StateKind : std::uint8_t { neighbours = 1, ipvlan_addrs = 2, vxlan_fdb = 3 };
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
