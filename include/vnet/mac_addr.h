// SPDX-License-Identifier: GPL-2.0-or-later
// An Ethernet MAC address as a value type (the kernel's u8[ETH_ALEN] plus the
// is_*_ether_addr helpers of include/linux/etherdevice.h).
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <string>

namespace vnet {

inline constexpr std::size_t kEthAlen = 6;  // IEEE 802 address length

struct MacAddr {
    std::array<std::uint8_t, kEthAlen> bytes{};

    static MacAddr from(const std::uint8_t* p) {
        MacAddr m;
        std::memcpy(m.bytes.data(), p, kEthAlen);
        return m;
    }
    static constexpr MacAddr broadcast() { return MacAddr{{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}}; }

    // The I/G bit: group (multicast or broadcast) addresses.
    bool is_multicast() const { return (bytes[0] & 0x01) != 0; }
    bool is_broadcast() const { return *this == broadcast(); }
    bool is_zero() const { return *this == MacAddr{}; }
    bool is_unicast() const { return !is_multicast(); }

    friend bool operator==(const MacAddr&, const MacAddr&) = default;

    std::string to_string() const;
};

// For unordered containers keyed by MAC (macvlan's hash, VXLAN's FDB).
struct MacHash {
    std::size_t operator()(const MacAddr& m) const noexcept {
        std::uint64_t v = 0;
        for (auto b : m.bytes) {
            v = (v << 8) | b;
        }
        return static_cast<std::size_t>(v * 0x9E3779B97F4A7C15ull >> 16);
    }
};

}  // namespace vnet
