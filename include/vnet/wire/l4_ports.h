// SPDX-License-Identifier: GPL-2.0-or-later
// The port pair that opens both the TCP (RFC 9293 §3.1) and the UDP
// (RFC 768) header: all the flow hash needs of either.
#pragma once

#include <cstdint>
#include <optional>
#include <span>

namespace vnet::wire {

inline constexpr std::size_t kUdpHlen = 8;
inline constexpr std::size_t kTcpMinHlen = 20;

class L4PortsView {
  public:
    // min_len is the protocol's minimum header: a truncated header is no
    // header, even if the four port bytes happen to be there.
    static std::optional<L4PortsView> parse(std::span<const std::uint8_t> seg,
                                            std::size_t min_len) {
        if (seg.size() < min_len) {
            return std::nullopt;
        }
        return L4PortsView(seg);
    }
    // Both ports as they sit on the wire: src then dst, network order.
    std::span<const std::uint8_t, 4> ports() const { return seg_.subspan<0, 4>(); }

  private:
    explicit L4PortsView(std::span<const std::uint8_t> s) : seg_(s) {}

    std::span<const std::uint8_t> seg_;
};

}  // namespace vnet::wire
