// SPDX-License-Identifier: GPL-2.0-or-later
// An IPv4 or IPv6 address as a value type and hash key (ipvlan's address
// hash, the neighbour table, VXLAN's remotes). IPv4 sits in the first four
// bytes.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
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
    friend bool operator==(const IpAddr&, const IpAddr&) = default;
};

struct IpAddrHash {
    std::size_t operator()(const IpAddr& a) const noexcept {
        std::uint64_t h = a.v6 ? 0x9E3779B97F4A7C15ull : 0;
        for (auto b : a.bytes) {
            h = (h ^ b) * 0x100000001B3ull;
        }
        return static_cast<std::size_t>(h);
    }
};

}  // namespace vnet
