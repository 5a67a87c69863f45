// SPDX-License-Identifier: GPL-2.0-or-later
// The receive flow hash: Toeplitz over the IP addresses and, for TCP and UDP,
// the ports, as Microsoft's RSS specification and the virtio-net RSS feature
// define it, so a queue choice here matches what an RSS NIC would make.
#pragma once

#include <array>
#include <cstdint>
#include <span>

namespace vnet {

inline constexpr std::size_t kRssKeyLen = 40;
// The longest hash input: IPv6 src + dst + two ports.
inline constexpr std::size_t kRssMaxInput = 16 + 16 + 2 + 2;

using RssKey = std::array<std::uint8_t, kRssKeyLen>;

// The key of the RSS specification's verification suite, also the usual
// NIC default; with it our hashes equal the published test values.
extern const RssKey kDefaultRssKey;

// VIRTIO_NET_HASH_TYPE_* (§5.1.6.4.3.1), the types a driver enables for
// RSS (rss.h); the _EX ones are not offered.
inline constexpr std::uint32_t kHashTypeIpv4 = 1u << 0, kHashTypeTcpv4 = 1u << 1,
                               kHashTypeUdpv4 = 1u << 2, kHashTypeIpv6 = 1u << 3,
                               kHashTypeTcpv6 = 1u << 4, kHashTypeUdpv6 = 1u << 5;

enum class HashType : std::uint8_t { none, ipv4, tcpv4, udpv4, ipv6, tcpv6, udpv6 };

struct FlowHash {
    std::uint32_t value = 0;
    HashType type = HashType::none;
};

// Table-driven Toeplitz: one table lookup per input byte instead of a loop
// over its bits; the tables are built once per key.
class ToeplitzHasher {
  public:
    explicit ToeplitzHasher(const RssKey& key);

    std::uint32_t hash(std::span<const std::uint8_t> input) const;
    // Hash of an Ethernet frame; type none (value 0) for anything that is
    // not IPv4/IPv6, so such frames all go to one queue.
    FlowHash hash_frame(std::span<const std::uint8_t> frame) const;
    // The same with only the virtio hash types in `types` (kHashType*)
    // enabled, as §5.1.6.4.3 chooses: the ports only if the frame's
    // TCP/UDP type is enabled, else the addresses if its IP type is, else
    // none.
    FlowHash hash_frame(std::span<const std::uint8_t> frame, std::uint32_t types) const;

    static const ToeplitzHasher& default_hasher();

  private:
    std::array<std::array<std::uint32_t, 256>, kRssMaxInput> table_{};
};

// RSS's indirection step with the default table (entry i holds i mod n):
// the low 7 bits of the hash pick the entry.
inline unsigned queue_for_hash(std::uint32_t hash, unsigned nqueues) {
    constexpr unsigned kIndirectionEntries = 128;
    return nqueues <= 1 ? 0 : (hash & (kIndirectionEntries - 1)) % nqueues;
}

}  // namespace vnet
