// SPDX-License-Identifier: GPL-2.0-or-later
// Builders for the frames the unit tests feed the stack.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "vnet/mac_addr.h"

namespace vnet::test {

inline const MacAddr kMacA{{0x52, 0x54, 0x00, 0x12, 0x34, 0x56}};
inline const MacAddr kMacB{{0x52, 0x54, 0x00, 0x12, 0x34, 0x57}};
inline const MacAddr kMacC{{0x02, 0x00, 0x00, 0x00, 0x00, 0x0c}};
inline const MacAddr kMcast{{0x01, 0x00, 0x5e, 0x00, 0x00, 0xfb}};

inline std::vector<std::uint8_t> eth_frame(const MacAddr& dst, const MacAddr& src,
                                           std::uint16_t proto, std::size_t payload_len) {
    // Sized once and filled in place: GCC 12 at -O2 misreads vector::insert
    // of a 6-byte array as an overflow (-Warray-bounds).
    std::vector<std::uint8_t> f(14 + payload_len);
    std::copy(dst.bytes.begin(), dst.bytes.end(), f.begin());
    std::copy(src.bytes.begin(), src.bytes.end(), f.begin() + 6);
    f[12] = static_cast<std::uint8_t>(proto >> 8);
    f[13] = static_cast<std::uint8_t>(proto);
    for (std::size_t i = 0; i < payload_len; ++i) {
        f[14 + i] = static_cast<std::uint8_t>(i);
    }
    return f;
}

// An Ethernet + IPv4 + TCP/UDP frame; addresses and ports in host order.
inline std::vector<std::uint8_t> ipv4_frame(std::uint32_t src, std::uint32_t dst,
                                            std::uint8_t proto, std::uint16_t sport,
                                            std::uint16_t dport) {
    auto f = eth_frame(kMacA, kMacB, 0x0800, 0);
    const std::size_t l4 = proto == 6 ? 20 : 8;
    const std::size_t total = 20 + l4;
    std::uint8_t ip[20] = {0x45,
                           0,
                           static_cast<std::uint8_t>(total >> 8),
                           static_cast<std::uint8_t>(total),
                           0,
                           0,
                           0x40,
                           0,
                           64,
                           proto};
    for (int i = 0; i < 4; ++i) {
        ip[12 + i] = static_cast<std::uint8_t>(src >> (24 - 8 * i));
        ip[16 + i] = static_cast<std::uint8_t>(dst >> (24 - 8 * i));
    }
    f.resize(14 + total);
    std::copy(ip, ip + 20, f.begin() + 14);
    std::uint8_t* seg = f.data() + 14 + 20;
    seg[0] = static_cast<std::uint8_t>(sport >> 8);
    seg[1] = static_cast<std::uint8_t>(sport);
    seg[2] = static_cast<std::uint8_t>(dport >> 8);
    seg[3] = static_cast<std::uint8_t>(dport);
    if (proto == 6) {
        seg[12] = 0x50;  // data offset 5 words
    }
    return f;
}

}  // namespace vnet::test
