// SPDX-License-Identifier: GPL-2.0-or-later
// The Internet checksum (RFC 1071): ones' complement sum of 16-bit words,
// with the IPv4/IPv6 pseudo-headers UDP and ICMPv6 cover (RFC 768,
// RFC 8200 §8.1).
#pragma once

#include <cstdint>
#include <span>

namespace vnet::wire {

// Adds bytes to a running 32-bit sum; an odd tail is padded with zero.
inline std::uint32_t csum_add(std::uint32_t sum, std::span<const std::uint8_t> b) {
    std::size_t i = 0;
    for (; i + 1 < b.size(); i += 2) {
        sum += static_cast<std::uint32_t>((b[i] << 8) | b[i + 1]);
    }
    if (i < b.size()) {
        sum += static_cast<std::uint32_t>(b[i] << 8);
    }
    return sum;
}

inline std::uint16_t csum_fold(std::uint32_t sum) {
    while (sum >> 16) {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    return static_cast<std::uint16_t>(~sum);
}

// Pseudo-header sum: addresses (4 or 16 bytes each), protocol, length.
inline std::uint32_t csum_pseudo(std::span<const std::uint8_t> src,
                                 std::span<const std::uint8_t> dst, std::uint8_t proto,
                                 std::uint32_t len) {
    std::uint32_t sum = csum_add(csum_add(0, src), dst);
    return sum + proto + (len >> 16) + (len & 0xffff);
}

// remcsum_adjust: the sender left the field at `field` holding the
// pseudo-header's sum; the checksum of everything from `start` (an even
// offset) to the end, that sum included, is what belongs there. The
// caller has checked that the field lies within the frame.
inline void remcsum_adjust(std::span<std::uint8_t> frame, std::size_t start, std::size_t field) {
    const std::uint16_t c = csum_fold(csum_add(0, frame.subspan(start)));
    frame[field] = static_cast<std::uint8_t>(c >> 8);
    frame[field + 1] = static_cast<std::uint8_t>(c);
}

}  // namespace vnet::wire
