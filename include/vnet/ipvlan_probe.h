// SPDX-License-Identifier: GPL-2.0-or-later
// Finding the child that owns an address an ipvlan port has not learned.
// Linux's ipvlan knows every child's addresses (its validator sees each
// `ip addr add`); the device learns them from what a child sends, so a
// child that has not spoken yet is unknown to it. Before a frame for such
// an address goes the way of an address no child has, the port asks, as a
// router resolves a neighbour: an ARP probe (RFC 5227: sender 0.0.0.0, so
// no one's neighbour table takes it in) or a DAD-form neighbour
// solicitation (from ::, which an owner answers to all nodes, RFC 4862
// §5.4.3), to each learning child and to the lower's own stack. The frame
// waits meanwhile in a bounded queue, as the neighbour table's do; the
// answer's source address teaches the port its owner (the child's
// learning) and the frames go there. If the lower's stack or the uplink
// answers, or nobody does within the probes, the address is marked as no
// child's for a while and its frames go on as they would have (to the
// lower's stack, or out through its IP layer).
//
// The same question keeps learned addresses true (RFC 5227's conflict
// detection, asked by the device): when a child sends from an address a
// sibling learned, or a learned address has not been used for
// kIpvlanAddrAgeMs, the owner alone is asked. If it answers, it keeps the
// address (the claimant's frames are dropped as before, tx-addr-busy); if
// not, the address moves to the claimant (its frames, held meanwhile, go)
// or is forgotten.
#pragma once

#include <array>
#include <cstdint>
#include <optional>

#include "vnet/flat_map.h"
#include "vnet/ip_addr.h"
#include "vnet/mac_addr.h"
#include "vnet/packet_pool.h"

namespace vnet {

class IpvlanDev;
class IpvlanPort;

// A child answers from the same QEMU at once; three probes 100 ms apart
// cover a ring that was full for one of them.
inline constexpr std::uint64_t kIpvlanProbeIntervalMs = 100;
inline constexpr unsigned kIpvlanProbeTries = 3;
// How long an address stays known as no child's (a child that takes it
// meanwhile is learned from what it sends, which overrides this).
inline constexpr std::uint64_t kIpvlanNotChildMs = 3000;
// Addresses asked about (or known as no child's) at once: past it a frame
// for another unknown address goes on unasked, as before probing.
inline constexpr std::size_t kIpvlanProbeEntries = 64;
// Frames waiting per address (the neighbour table's unres_qlen).
inline constexpr std::size_t kIpvlanProbeQueueLen = 3;

// What became of a frame offered to wait: it goes on now (`no`), it waits
// (counted when it goes on), or it was dropped, counted.
enum class Hold : std::uint8_t { no, waits, dropped };

struct IpvlanProbeStats {
    std::uint64_t probes = 0;     // probe rounds sent (each to every learning child)
    std::uint64_t found = 0;      // addresses a child answered for
    std::uint64_t not_child = 0;  // addresses the lower or the uplink had, or nobody
    std::uint64_t kept = 0;       // learned addresses their owner still answered for
    std::uint64_t moved = 0;      // to the sibling that claimed them, the owner silent
    std::uint64_t expired = 0;    // unused, and the owner silent
};

class IpvlanProber {
  public:
    explicit IpvlanProber(IpvlanPort& port);
    ~IpvlanProber();
    IpvlanProber(const IpvlanProber&) = delete;
    IpvlanProber& operator=(const IpvlanProber&) = delete;

    bool idle() const { return index_.empty(); }
    const IpvlanProbeStats& stats() const { return stats_; }

    // A frame for `dst`, which no child is known to own: it waits for the
    // answer, or is dropped (its queue full), or goes on as for an address
    // no child has (`no`: known as such, or no room to ask). `from` is the
    // sending child, null for a frame from the uplink.
    Hold hold(const Packet& pkt, const IpAddr& dst, IpvlanDev* from);
    // The uplink asks for `target` (an ARP request or NS to the lower's
    // proxy): ask the children, and answer the asker for the owner.
    void ask(const IpAddr& target, const MacAddr& asker_mac, const IpAddr& asker_ip);
    // `owner` was learned for `a`: what waited for it goes to it.
    void learned(const IpAddr& a, IpvlanDev& owner);
    // Whether `owner` still has its learned address `a`: `claimant` (null
    // when the address only aged) sent `pkt` from it. pkt waits for the
    // answer, or is dropped (the queue full), or (`no`) is to be refused:
    // the owner has answered for it lately, or there is no room to ask.
    Hold verify(const IpAddr& a, IpvlanDev& owner, IpvlanDev* claimant, const Packet* pkt);
    // `dev` answered a probe for `a`.
    void answered(const IpAddr& a, IpvlanDev& dev);
    // A frame for `dst` while its owner is being asked whether it still
    // has it: it waits, to go to whoever has it then, or is dropped, or
    // (`no`) goes on now.
    Hold hold_owned(const Packet& pkt, const IpAddr& dst, IpvlanDev* from);
    // `a` is no child's (the lower's stack sent from it, or the uplink
    // answered for it): what waited goes on.
    void not_child(const IpAddr& a);
    bool probing(const IpAddr& a) const;

    // Retransmits and gives up; returns the milliseconds until it wants to
    // run again.
    std::uint64_t run_timers();
    // `dev` is leaving the port: frames it sent that wait are dropped; a
    // question about its address ends as if it stayed silent.
    void forget(const IpvlanDev* dev);

  private:
    struct Entry {
        IpAddr addr{};
        bool used = false;
        bool probing = false;
        std::uint64_t until_ms = 0;  // next probe, or the end of "no child's"
        unsigned sent = 0;
        std::array<PacketRef, kIpvlanProbeQueueLen> held{{PacketRef(nullptr, {nullptr}),
                                                          PacketRef(nullptr, {nullptr}),
                                                          PacketRef(nullptr, {nullptr})}};
        std::array<IpvlanDev*, kIpvlanProbeQueueLen> from{};
        // Verifying: the claimant's own frame (else one for the address).
        std::array<bool, kIpvlanProbeQueueLen> claim{};
        std::size_t nheld = 0;
        std::optional<MacAddr> asker_mac;
        IpAddr asker_ip{};
        // The child whose frame started it: not asked (what it has, its
        // own stack would have kept).
        IpvlanDev* sender = nullptr;
        // Verifying a learned address: its owner, the only one asked, and
        // the sibling that claims it (null if it only aged).
        IpvlanDev* owner = nullptr;
        IpvlanDev* claimant = nullptr;
    };

    Entry* find(const IpAddr& a);
    Entry* start(const IpAddr& a);
    void release(Entry& e);
    void send_probe(const Entry& e);
    void give_up(Entry& e);
    void move(Entry& e);
    Hold queue(Entry& e, const Packet& pkt, IpvlanDev* from, bool claim = false);
    // What waited in an entry, taken out before it goes on (delivering may
    // bring more frames to the entry).
    struct Taken {
        std::array<PacketRef, kIpvlanProbeQueueLen> held{{PacketRef(nullptr, {nullptr}),
                                                          PacketRef(nullptr, {nullptr}),
                                                          PacketRef(nullptr, {nullptr})}};
        std::array<IpvlanDev*, kIpvlanProbeQueueLen> from{};
        std::array<bool, kIpvlanProbeQueueLen> claim{};
        std::size_t n = 0;
    };
    static Taken take(Entry& e);
    // A frame that waited goes its way again, now that the question is
    // settled: `from` sends it (counted then), or (null) the uplink
    // delivers it.
    void reinject(Packet& p, IpvlanDev* from);
    std::uint64_t now() const;

    IpvlanPort& port_;
    std::array<Entry, kIpvlanProbeEntries> entries_;
    FlatMap<IpAddr, std::uint8_t, IpAddrHash> index_;
    IpvlanProbeStats stats_;
};

}  // namespace vnet
