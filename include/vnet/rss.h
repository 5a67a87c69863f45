// SPDX-License-Identifier: GPL-2.0-or-later
// Receive-side scaling as the guest configures it (VIRTIO_NET_F_RSS,
// virtio 1.2 §5.1.6.4.3, §5.1.6.5.7.1): the driver's Toeplitz key, the
// hash types it enables, its indirection table and the queue for frames
// no enabled type classifies. Without a configuration a function spreads
// flows as before: the default key, every type, entry i of a 128-entry
// table holding i mod the active pairs. With hash reporting
// (VIRTIO_NET_F_HASH_REPORT, §5.1.6.4.3.4) the hash of the driver's key
// and types (from RSS_CONFIG, or HASH_CONFIG without RSS) goes to the
// driver with each frame; before any, none.
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
    // HASH_CONFIG: the key and types of reported hashes alone, the queue
    // back to the default spreading (as virtio-net's, which ends RSS's
    // redirection); false, changing nothing, for a key too long or a type
    // not offered.
    bool configure_hash(std::uint32_t hash_types, std::span<const std::uint8_t> key);
    // Steering and the hash configuration end (reset, an MQ command).
    void disable() {
        enabled_ = false;
        hash_types_ = 0;
    }
    bool enabled() const { return enabled_; }
    void set_report(bool on) { report_ = on; }

    struct Choice {
        unsigned queue;
        FlowHash reported;  // type none unless reporting
    };
    // The receive queue for `frame`: configured, the driver's table (any
    // of the queues it was configured for); else the default spreading
    // over the `active` pairs. And the hash to report.
    Choice choose(std::span<const std::uint8_t> frame, unsigned active) const;
    unsigned queue_for(std::span<const std::uint8_t> frame, unsigned active) const {
        return choose(frame, active).queue;
    }

  private:
    bool enabled_ = false;
    bool report_ = false;
    std::uint32_t hash_types_ = 0;  // 0: nothing to hash (or report) with
    std::uint16_t unclassified_ = 0;
    std::uint16_t mask_ = 0;
    std::array<std::uint16_t, kRssMaxTable> table_{};
    // Built on configure (control path): the per-byte tables of its key.
    std::unique_ptr<ToeplitzHasher> hasher_;
};

}  // namespace vnet
