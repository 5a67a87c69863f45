// SPDX-License-Identifier: GPL-2.0-or-later
// Receive-side scaling as the guest configures it (VIRTIO_NET_F_RSS,
// virtio 1.2 §5.1.6.4.3, §5.1.6.5.7.1): the driver's Toeplitz key, the
// hash types it enables, its indirection table and the queue for frames
// no enabled type classifies. Without a configuration a function spreads
// flows as before: the default key, every type, entry i of a 128-entry
// table holding i mod the active pairs.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <span>

#include "vnet/flow_hash.h"

namespace vnet {

inline constexpr std::uint32_t kHashTypesSupported = kHashTypeIpv4 | kHashTypeTcpv4 |
                                                     kHashTypeUdpv4 | kHashTypeIpv6 |
                                                     kHashTypeTcpv6 | kHashTypeUdpv6;
// rss_max_indirection_table_length, as virtio-net's.
inline constexpr std::size_t kRssMaxTable = 128;

struct RssConfig {
    std::uint32_t hash_types = 0;
    std::uint16_t unclassified_queue = 0;
    std::span<const std::uint16_t> table;  // a power of two entries, 1..kRssMaxTable
    std::span<const std::uint8_t> key;     // 0..kRssKeyLen bytes (zero-padded)
};

class RssSteering {
  public:
    RssSteering();
    ~RssSteering();

    // Takes the driver's configuration; false, changing nothing, if it
    // does not hold (a table that is not a power of two or too long, a key
    // too long, a queue at or past `queues`, a hash type not offered).
    bool configure(const RssConfig& cfg, unsigned queues);
    void disable() { enabled_ = false; }
    bool enabled() const { return enabled_; }

    // The receive queue for `frame`: configured, the driver's table (any
    // of the queues it was configured for); else the default spreading
    // over the `active` pairs.
    unsigned queue_for(std::span<const std::uint8_t> frame, unsigned active) const;

  private:
    bool enabled_ = false;
    std::uint32_t hash_types_ = 0;
    std::uint16_t unclassified_ = 0;
    std::uint16_t mask_ = 0;
    std::array<std::uint16_t, kRssMaxTable> table_{};
    // Built on configure (control path): the per-byte tables of its key.
    std::unique_ptr<ToeplitzHasher> hasher_;
};

}  // namespace vnet
