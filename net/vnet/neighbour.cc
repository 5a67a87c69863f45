// SPDX-License-Identifier: GPL-2.0-or-later
// The neighbour table (see neighbour.h): resolution with a bounded queue,
// retransmission, ageing.
#include "vnet/neighbour.h"

#include "vnet/state_blob.h"

namespace vnet {

void NeighTable::trace_state(const IpAddr& ip, const char* what) const {
    trace(TraceKind::neigh, counters_.owner ? *counters_.owner : unnamed(), what, nullptr, &ip);
}

void NeighTable::enqueue(Entry& e, PacketRef pkt) {
    if (!pkt) {
        return;
    }
    if (e.queued == kNeighQueueLen) {
        // Linux drops the oldest (__neigh_event_send); so do we.
        for (std::size_t i = 1; i < kNeighQueueLen; ++i) {
            e.queue[i - 1] = std::move(e.queue[i]);
        }
        --e.queued;
        counters_.drop(DropReason::tx_neigh_queue_full);
    }
    e.queue[e.queued++] = std::move(pkt);
}

void NeighTable::drop_queue(Entry& e, DropReason why) {
    for (std::size_t i = 0; i < e.queued; ++i) {
        e.queue[i].reset();
        counters_.drop(why);
    }
    e.queued = 0;
}

std::optional<MacAddr> NeighTable::resolve(const IpAddr& ip, PacketRef& pkt) {
    const std::uint64_t now = clock_.now_ms();
    auto it = entries_.find(ip);
    if (it == entries_.end()) {
        if (entries_.size() >= kNeighMaxEntries) {
            counters_.drop(DropReason::tx_neigh_table_full);
            pkt.reset();
            return std::nullopt;
        }
        it = entries_.emplace(ip, Entry{}).first;  // once per neighbour
        Entry& e = it->second;
        e.updated_ms = now;
        e.probes = 1;
        enqueue(e, std::move(pkt));
        trace_state(ip, "incomplete");
        ops_.solicit(ip);
        return std::nullopt;
    }
    Entry& e = it->second;
    switch (e.state) {
        case NeighState::reachable:
            return e.mac;
        case NeighState::stale:
            // Use it, and ask again (NUD_STALE -> NUD_DELAY/PROBE).
            e.state = NeighState::probe;
            e.updated_ms = now;
            e.probes = 1;
            trace_state(ip, "probe");
            ops_.solicit(ip);
            return e.mac;
        case NeighState::probe:
            return e.mac;
        case NeighState::incomplete:
            break;
    }
    enqueue(e, std::move(pkt));
    return std::nullopt;
}

void NeighTable::confirm(const IpAddr& ip, const MacAddr& mac) {
    auto it = entries_.find(ip);
    if (it == entries_.end()) {
        return;  // not asked for: Linux does not create entries from replies
    }
    Entry& e = it->second;
    e.state = NeighState::reachable;
    e.mac = mac;
    e.updated_ms = clock_.now_ms();
    e.probes = 0;
    trace_state(ip, "reachable");
    for (std::size_t i = 0; i < e.queued; ++i) {
        ops_.transmit(*e.queue[i], mac);
        e.queue[i].reset();
    }
    e.queued = 0;
}

void NeighTable::run_timers() {
    const std::uint64_t now = clock_.now_ms();
    for (auto it = entries_.begin(); it != entries_.end();) {
        Entry& e = it->second;
        const std::uint64_t age = now - e.updated_ms;
        bool forget = false;
        switch (e.state) {
            case NeighState::reachable:
                if (age >= kNeighReachableMs) {
                    e.state = NeighState::stale;
                    trace_state(it->first, "stale");
                }
                break;
            case NeighState::stale:
                break;
            case NeighState::incomplete:
            case NeighState::probe:
                if (age >= kNeighRetransMs) {
                    if (e.probes >= kNeighMaxProbes) {
                        forget = true;
                    } else {
                        ++e.probes;
                        e.updated_ms = now;
                        ops_.solicit(it->first);
                    }
                }
                break;
        }
        if (forget) {
            trace_state(it->first, "failed");
            drop_queue(e, DropReason::tx_neigh_failed);
            it = entries_.erase(it);
        } else {
            ++it;
        }
    }
}

std::optional<NeighState> NeighTable::state(const IpAddr& ip) const {
    auto it = entries_.find(ip);
    return it == entries_.end() ? std::nullopt : std::optional(it->second.state);
}

std::optional<MacAddr> NeighTable::mac(const IpAddr& ip) const {
    auto it = entries_.find(ip);
    if (it == entries_.end() || it->second.state == NeighState::incomplete) {
        return std::nullopt;
    }
    return it->second.mac;
}

namespace {

// An entry's bytes: IP (17), MAC, state, age.
constexpr std::size_t kNeighEntryBytes = 17 + 6 + 1 + 8;

}  // namespace

void NeighTable::save(std::vector<std::uint8_t>& out) const {
    StateWriter w(out, StateKind::neighbours);
    const std::uint64_t now = clock_.now_ms();
    std::uint32_t n = 0;
    for (const auto& [ip, e] : entries_) {
        n += e.state != NeighState::incomplete;
    }
    w.u32(n);
    for (const auto& [ip, e] : entries_) {
        if (e.state == NeighState::incomplete) {
            continue;
        }
        w.ip(ip);
        w.mac(e.mac);
        w.u8(static_cast<std::uint8_t>(e.state));
        w.age(now, e.updated_ms);
    }
}

bool NeighTable::load(std::span<const std::uint8_t> in) {
    struct Saved {
        IpAddr ip;
        MacAddr mac;
        NeighState state;
        std::uint64_t updated_ms;
    };
    const std::uint64_t now = clock_.now_ms();
    StateReader r(in, StateKind::neighbours);
    std::vector<Saved> got;
    const bool ok = r.records(kNeighEntryBytes, got, [&](Saved& s) {
        s.ip = r.ip();
        s.mac = r.mac();
        const std::uint8_t st = r.u8();
        s.updated_ms = r.time(now);
        s.state = st == static_cast<std::uint8_t>(NeighState::reachable) ? NeighState::reachable
                                                                         : NeighState::stale;
        return st != static_cast<std::uint8_t>(NeighState::incomplete) &&
               st <= static_cast<std::uint8_t>(NeighState::probe);
    });
    if (!ok) {
        return false;
    }
    for (const auto& s : got) {
        if (entries_.size() >= kNeighMaxEntries || entries_.contains(s.ip)) {
            continue;
        }
        Entry& e = entries_[s.ip];
        e.state = s.state;
        e.mac = s.mac;
        e.updated_ms = s.updated_ms;
    }
    return true;
}

}  // namespace vnet
