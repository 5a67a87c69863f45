// SPDX-License-Identifier: GPL-2.0-or-later
// The NIC receive address filter (see rx_filter.h).
#include "vnet/rx_filter.h"

#include "vnet/wire/bytes.h"
#include "vnet/wire/ethernet.h"

namespace vnet {

namespace {

std::size_t slot_of(const MacAddr& m, std::size_t mask) {
    // The low bytes of a MAC vary most (OUI first); FNV-1a mixes them all.
    std::uint32_t h = 2166136261u;
    for (auto b : m.bytes) {
        h = (h ^ b) * 16777619u;
    }
    return h & mask;
}

}  // namespace

void RxFilter::Table::assign(std::span<const MacAddr> addrs) {
    used.fill(false);
    count = 0;
    overflow = addrs.size() > kTableEntries;
    if (overflow) {
        return;
    }
    for (const auto& a : addrs) {
        if (contains(a)) {
            continue;
        }
        std::size_t i = slot_of(a, kSlots - 1);
        while (used[i]) {
            i = (i + 1) & (kSlots - 1);
        }
        slot[i] = a;
        used[i] = true;
        ++count;
    }
}

bool RxFilter::Table::contains(const MacAddr& m) const {
    // At most half full, so a probe run always ends at an empty slot.
    for (std::size_t i = slot_of(m, kSlots - 1); used[i]; i = (i + 1) & (kSlots - 1)) {
        if (slot[i] == m) {
            return true;
        }
    }
    return false;
}

void RxFilter::set_tables(std::span<const MacAddr> unicast, std::span<const MacAddr> multicast) {
    uc_.assign(unicast);
    mc_.assign(multicast);
}

bool RxFilter::accepts(const MacAddr& dst) const {
    if (promisc_) {
        return true;
    }
    if (dst.is_broadcast()) {
        return true;
    }
    if (dst.is_multicast()) {
        return allmulti_ || mc_.overflow || mc_.contains(dst);
    }
    return dst == mac_ || uc_.overflow || uc_.contains(dst);
}

bool RxFilter::accepts_vlan(std::span<const std::uint8_t> frame) const {
    if (promisc_ || !vlan_filtering_ || frame.size() < wire::kEthHlen ||
        wire::load_be16(frame.data() + 12) != wire::kEthP8021Q) {
        return true;
    }
    // A tag cut short has no VID to pass on (virtio-net drops it too).
    return frame.size() >= wire::kEthHlen + 2 &&
           has_vlan(wire::load_be16(frame.data() + wire::kEthHlen) & 0xfff);
}

}  // namespace vnet
