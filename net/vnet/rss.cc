// SPDX-License-Identifier: GPL-2.0-or-later
// Receive-side scaling as the guest configures it (see rss.h).
#include "vnet/rss.h"

#include <algorithm>

namespace vnet {

RssSteering::RssSteering() = default;
RssSteering::~RssSteering() = default;

bool RssSteering::configure(const RssConfig& cfg, unsigned queues) {
    const std::size_t n = cfg.table.size();
    if (n == 0 || n > kRssMaxTable || (n & (n - 1)) != 0 || cfg.key.size() > kRssKeyLen ||
        (cfg.hash_types & ~kHashTypesSupported) != 0 || cfg.unclassified_queue >= queues ||
        std::any_of(cfg.table.begin(), cfg.table.end(),
                    [queues](std::uint16_t q) { return q >= queues; })) {
        return false;
    }
    RssKey key{};
    std::copy(cfg.key.begin(), cfg.key.end(), key.begin());
    hasher_ = std::make_unique<ToeplitzHasher>(key);
    std::copy(cfg.table.begin(), cfg.table.end(), table_.begin());
    mask_ = static_cast<std::uint16_t>(n - 1);
    hash_types_ = cfg.hash_types;
    unclassified_ = cfg.unclassified_queue;
    enabled_ = true;
    return true;
}

bool RssSteering::configure_hash(std::uint32_t hash_types, std::span<const std::uint8_t> key) {
    if (key.size() > kRssKeyLen || (hash_types & ~kHashTypesSupported) != 0) {
        return false;
    }
    RssKey k{};
    std::copy(key.begin(), key.end(), k.begin());
    hasher_ = std::make_unique<ToeplitzHasher>(k);
    hash_types_ = hash_types;
    enabled_ = false;
    return true;
}

RssSteering::Choice RssSteering::choose(std::span<const std::uint8_t> frame,
                                        unsigned active) const {
    // The driver's hash, where its table or a report needs it.
    const FlowHash h = (enabled_ || report_) && hash_types_ != 0
                           ? hasher_->hash_frame(frame, hash_types_)
                           : FlowHash{};
    const FlowHash reported = report_ ? h : FlowHash{};
    if (!enabled_) [[likely]] {
        return {queue_for_hash(ToeplitzHasher::default_hasher().hash_frame(frame).value, active),
                reported};
    }
    return {h.type == HashType::none ? unclassified_ : table_[h.value & mask_], reported};
}

}  // namespace vnet
