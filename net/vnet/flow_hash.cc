// SPDX-License-Identifier: GPL-2.0-or-later
// Toeplitz flow hash (Microsoft RSS specification, "RSS hashing function";
// virtio 1.2 §5.1.6.4.3.1 uses the same). Input order: source address,
// destination address, then source and destination port for TCP/UDP.
#include "vnet/flow_hash.h"

#include <algorithm>

#include "vnet/wire/ethernet.h"
#include "vnet/wire/ipv4.h"
#include "vnet/wire/ipv6.h"
#include "vnet/wire/l4_ports.h"

namespace vnet {

const RssKey kDefaultRssKey = {
    0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2, 0x41, 0x67, 0x25, 0x3d, 0x43, 0xa3,
    0x8f, 0xb0, 0xd0, 0xca, 0x2b, 0xcb, 0xae, 0x7b, 0x30, 0xb4, 0x77, 0xcb, 0x2d, 0xa3,
    0x80, 0x30, 0xf2, 0x0c, 0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01, 0xfa,
};

namespace {

// The 32-bit window of the key that starts at bit `bit`.
std::uint32_t key_window(const RssKey& key, std::size_t bit) {
    std::uint64_t w = 0;
    const std::size_t byte = bit / 8;
    for (std::size_t i = 0; i < 5; ++i) {
        w = (w << 8) | (byte + i < key.size() ? key[byte + i] : 0);
    }
    return static_cast<std::uint32_t>(w >> (8 - bit % 8));
}

}  // namespace

ToeplitzHasher::ToeplitzHasher(const RssKey& key) {
    // Input bit b (counted from the first byte's MSB) XORs in the key window
    // at bit b; a byte's contribution is the XOR over its set bits.
    for (std::size_t pos = 0; pos < kRssMaxInput; ++pos) {
        std::array<std::uint32_t, 8> bit_window{};
        for (std::size_t b = 0; b < 8; ++b) {
            bit_window[b] = key_window(key, pos * 8 + b);
        }
        for (unsigned v = 0; v < 256; ++v) {
            std::uint32_t h = 0;
            for (std::size_t b = 0; b < 8; ++b) {
                if (v & (0x80u >> b)) {
                    h ^= bit_window[b];
                }
            }
            table_[pos][v] = h;
        }
    }
}

std::uint32_t ToeplitzHasher::hash(std::span<const std::uint8_t> input) const {
    std::uint32_t h = 0;
    const std::size_t n = std::min(input.size(), kRssMaxInput);
    for (std::size_t i = 0; i < n; ++i) {
        h ^= table_[i][input[i]];
    }
    return h;
}

FlowHash ToeplitzHasher::hash_frame(std::span<const std::uint8_t> frame) const {
    return hash_frame(frame, ~0u);
}

FlowHash ToeplitzHasher::hash_frame(std::span<const std::uint8_t> frame,
                                    std::uint32_t types) const {
    auto eth = wire::EthernetView::parse(frame);
    if (!eth) {
        return {};
    }
    std::array<std::uint8_t, kRssMaxInput> in;
    std::size_t n = 0;
    auto append = [&](std::span<const std::uint8_t> s) {
        std::copy(s.begin(), s.end(), in.begin() + n);
        n += s.size();
    };
    std::uint8_t proto;
    std::span<const std::uint8_t> l4;
    bool v6;
    if (eth->ethertype() == wire::kEthPIpv4) {
        auto ip = wire::Ipv4View::parse(eth->payload());
        if (!ip) {
            return {};
        }
        append(ip->src());
        append(ip->dst());
        // Only the first fragment carries ports; hash every fragment of a
        // datagram alike so they stay on one queue.
        proto = ip->is_fragment() ? 0 : ip->protocol();
        l4 = ip->payload();
        v6 = false;
    } else if (eth->ethertype() == wire::kEthPIpv6) {
        auto ip = wire::Ipv6View::parse(eth->payload());
        if (!ip) {
            return {};
        }
        append(ip->src());
        append(ip->dst());
        proto = ip->next_header();
        l4 = ip->payload();
        v6 = true;
    } else {
        return {};
    }
    HashType type = v6 ? HashType::ipv6 : HashType::ipv4;
    if (proto == wire::kIpProtoTcp || proto == wire::kIpProtoUdp) {
        const bool tcp = proto == wire::kIpProtoTcp;
        auto ports = wire::L4PortsView::parse(l4, tcp ? wire::kTcpMinHlen : wire::kUdpHlen);
        const std::uint32_t l4_type =
            tcp ? (v6 ? kHashTypeTcpv6 : kHashTypeTcpv4) : (v6 ? kHashTypeUdpv6 : kHashTypeUdpv4);
        if (ports && (types & l4_type)) {
            append(ports->ports());
            type = tcp ? (v6 ? HashType::tcpv6 : HashType::tcpv4)
                       : (v6 ? HashType::udpv6 : HashType::udpv4);
        }
    }
    if (type == (v6 ? HashType::ipv6 : HashType::ipv4) &&
        !(types & (v6 ? kHashTypeIpv6 : kHashTypeIpv4))) {
        return {};
    }
    return {hash(std::span(in.data(), n)), type};
}

const ToeplitzHasher& ToeplitzHasher::default_hasher() {
    static const ToeplitzHasher hasher(kDefaultRssKey);
    return hasher;
}

}  // namespace vnet
