// SPDX-License-Identifier: GPL-2.0-or-later
// The neighbour table of the lower's embedded IP layer (net/core/neighbour.c
// reduced to what ipvlan L3 routing needs): next hop IP to MAC, learned by
// ARP (RFC 826) or neighbour discovery (RFC 4861 §7.2). An unresolved
// entry holds a bounded queue of packets while it solicits; entries age
// from REACHABLE to STALE (still used, re-confirmed by a probe) and are
// forgotten when a probe goes unanswered.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <unordered_map>
#include <vector>

#include "vnet/clock.h"
#include "vnet/counters.h"
#include "vnet/ipvlan.h"
#include "vnet/packet_pool.h"

namespace vnet {

// Linux's defaults (Documentation/networking/ip-sysctl.rst, neigh/default):
inline constexpr std::uint64_t kNeighReachableMs = 30000;  // base_reachable_time_ms
inline constexpr std::uint64_t kNeighRetransMs = 1000;     // retrans_time_ms
inline constexpr unsigned kNeighMaxProbes = 3;             // mcast_solicit / ucast_solicit
inline constexpr std::size_t kNeighQueueLen = 3;           // the classic unres_qlen
inline constexpr std::size_t kNeighMaxEntries = 1024;      // gc_thresh3
// How often the table's timer wants to run: retransmissions are a second
// apart.
inline constexpr std::uint64_t kNeighTickMs = 1000;

enum class NeighState : std::uint8_t { incomplete, reachable, stale, probe };

class NeighOps {
  public:
    // Send an ARP request or neighbour solicitation for `target`.
    virtual void solicit(const IpAddr& target) = 0;
    // A queued packet can go now, to `mac`.
    virtual void transmit(Packet& pkt, const MacAddr& mac) = 0;

  protected:
    ~NeighOps() = default;
};

class NeighTable {
  public:
    NeighTable(const Clock& clock, NeighOps& ops, DeviceCounters& counters)
        : clock_(clock), ops_(ops), counters_(counters) {}

    // neigh_resolve_output: the MAC to use for `ip` now (pkt untouched,
    // the caller sends it), or nullopt when pkt has been taken into the
    // entry's queue (or dropped and counted) pending resolution. A STALE
    // entry is used and re-probed.
    std::optional<MacAddr> resolve(const IpAddr& ip, PacketRef& pkt);

    // neigh_update from an ARP reply/request or NA: the entry becomes
    // REACHABLE and its queued packets go out.
    void confirm(const IpAddr& ip, const MacAddr& mac);

    // The timer: retransmit solicitations, age REACHABLE to STALE, forget
    // entries whose probes went unanswered (dropping their queue, counted).
    void run_timers();

    std::optional<NeighState> state(const IpAddr& ip) const;
    std::optional<MacAddr> mac(const IpAddr& ip) const;
    std::size_t size() const { return entries_.size(); }

    // Migration (state_blob.h): the resolved entries with their ages;
    // unresolved ones (and their queued packets) resolve again.
    void save(std::vector<std::uint8_t>& out) const;
    // Adds what save() wrote for neighbours not known yet; a probing
    // entry comes back STALE, so its next use probes again. False, and
    // nothing changed, if the bytes are malformed.
    bool load(std::span<const std::uint8_t> in);

  private:
    struct Entry {
        NeighState state = NeighState::incomplete;
        MacAddr mac{};
        std::uint64_t updated_ms = 0;  // last confirmation or solicitation
        unsigned probes = 0;
        std::array<PacketRef, kNeighQueueLen> queue{{PacketRef(nullptr, {nullptr}),
                                                     PacketRef(nullptr, {nullptr}),
                                                     PacketRef(nullptr, {nullptr})}};
        std::size_t queued = 0;
    };

    void enqueue(Entry& e, PacketRef pkt);
    void trace_state(const IpAddr& ip, const char* what) const;
    void drop_queue(Entry& e, DropReason why);

    const Clock& clock_;
    NeighOps& ops_;
    DeviceCounters& counters_;
    std::unordered_map<IpAddr, Entry, IpAddrHash> entries_;
};

}  // namespace vnet
