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

    // Two loads and a compare, not a call to memcmp: it is on every
    // classify.
    friend bool operator==(const MacAddr& a, const MacAddr& b) { return a.key() == b.key(); }

    // The six bytes as one integer (host order), for hashing and compares.
    std::uint64_t key() const {
        std::uint32_t hi;
        std::uint16_t lo;
        std::memcpy(&hi, bytes.data(), 4);
        std::memcpy(&lo, bytes.data() + 4, 2);
        return hi | static_cast<std::uint64_t>(lo) << 32;
    }

    std::string to_string() const;
};

// For hash tables keyed by MAC (macvlan's hash, VXLAN's FDB). The high
// bits of the product depend on every byte; folding them down serves a
// table that masks the low bits.
struct MacHash {
    std::size_t operator()(const MacAddr& m) const noexcept {
        const std::uint64_t h = m.key() * 0x9E3779B97F4A7C15ull;
        return static_cast<std::size_t>(h ^ (h >> 20) ^ (h >> 40));
    }
};

}  // namespace vnet
