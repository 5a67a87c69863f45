// SPDX-License-Identifier: GPL-2.0-or-later
// Counters to the C ABI's VnetDevStats, shared by the C ABI's files.
#pragma once

#include <algorithm>

#include "vnet/counters.h"
#include "vnet/vnet.h"

inline void vnet_fill_stats(const vnet::DeviceCounters& c, VnetDevStats* s) {
    s->rx_packets = c.rx_packets;
    s->rx_bytes = c.rx_bytes;
    s->tx_packets = c.tx_packets;
    s->tx_bytes = c.tx_bytes;
    std::copy(c.drops.begin(), c.drops.end(), s->drops);
}
