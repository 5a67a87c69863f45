// SPDX-License-Identifier: GPL-2.0-or-later
// An IPv4 or IPv6 address as a value type and hash key (ipvlan's address
// hash, the neighbour table, VXLAN's remotes). IPv4 sits in the first four
// bytes.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <span>

namespace vnet {

struct IpAddr {
    std::array<std::uint8_t, 16> bytes{};
    bool v6 = false;

    static IpAddr v4(std::span<const std::uint8_t, 4> a) {
        IpAddr r;
        std::copy(a.begin(), a.end(), r.bytes.begin());
        return r;
    }
    static IpAddr v6of(std::span<const std::uint8_t, 16> a) {
        IpAddr r;
        std::copy(a.begin(), a.end(), r.bytes.begin());
        r.v6 = true;
        return r;
    }
    std::span<const std::uint8_t> span() const { return {bytes.data(), v6 ? 16u : 4u}; }
    bool is_any() const {
        auto s = span();
        return std::all_of(s.begin(), s.end(), [](auto b) { return b == 0; });
    }
    // 224.0.0.0/4 or ff00::/8
    bool is_multicast() const { return v6 ? bytes[0] == 0xff : (bytes[0] & 0xf0) == 0xe0; }
    bool is_loopback() const {
        if (!v6) {
            return bytes[0] == 127;
        }
        return std::all_of(bytes.begin(), bytes.end() - 1, [](auto b) { return b == 0; }) &&
               bytes[15] == 1;
    }
    friend bool operator==(const IpAddr& a, const IpAddr& b) {
        return a.v6 == b.v6 && a.word(0) == b.word(0) && a.word(1) == b.word(1);
    }

    // Bytes 8i..8i+7 as one integer (host order), for hashing and compares.
    std::uint64_t word(int i) const {
        std::uint64_t w;
        std::memcpy(&w, bytes.data() + 8 * i, 8);
        return w;
    }
};

// Both words folded into one (the second through an odd multiply, a
// bijection), then MurmurHash3's 64-bit finaliser: every input bit reaches
// the low bits, which an open-addressing table masks.
struct IpAddrHash {
    // The hash of the address whose words are w0, w1 (IpAddr::word).
    static std::size_t of_words(std::uint64_t w0, std::uint64_t w1, bool v6) {
        std::uint64_t k = w0 ^ (w1 * 0x9E3779B97F4A7C15ull) ^ (v6 ? 1u : 0u);
        k ^= k >> 33;
        k *= 0xff51afd7ed558ccdull;
        k ^= k >> 33;
        k *= 0xc4ceb9fe1a85ec53ull;
        k ^= k >> 33;
        return static_cast<std::size_t>(k);
    }
    std::size_t operator()(const IpAddr& a) const noexcept {
        return of_words(a.word(0), a.word(1), a.v6);
    }
};

}  // namespace vnet
