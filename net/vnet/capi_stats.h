// SPDX-License-Identifier: GPL-2.0-or-later
// Counters to the C ABI's VnetDevStats and state blobs to malloc()ed
// copies, shared by the C ABI's files.
#pragma once

#include <algorithm>
#include <cstdlib>
#include <vector>

#include "vnet/counters.h"
#include "vnet/vnet.h"

// A malloc()ed copy of a migration state blob, for the C ABI's callers
// to free().
inline uint8_t* vnet_state_blob(const std::vector<uint8_t>& v, size_t* len) {
    auto* out = static_cast<uint8_t*>(std::malloc(v.size()));
    *len = out ? v.size() : 0;
    if (out) {
        std::copy(v.begin(), v.end(), out);
    }
    return out;
}

inline void vnet_fill_stats(const vnet::DeviceCounters& c, VnetDevStats* s) {
    s->rx_packets = c.rx_packets;
    s->rx_bytes = c.rx_bytes;
    s->tx_packets = c.tx_packets;
    s->tx_bytes = c.tx_bytes;
    s->rx_backlog = 0;
    std::copy(c.drops.begin(), c.drops.end(), s->drops);
}
