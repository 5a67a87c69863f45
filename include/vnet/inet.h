// SPDX-License-Identifier: GPL-2.0-or-later
// The lower's embedded IP layer: what ipvlan L3/L3S needs of the lower's
// network namespace in Linux (ipvlan_process_outbound: a route and a
// neighbour), plus the guest-boundary rules of docs/architecture.md: an L3 child's
// guest interface is not NOARP, so its ARP requests and neighbour
// solicitations are answered here with the shared MAC; and, as a proxy_arp
// host, the lower answers the uplink's ARP/NS for the L3 children's
// addresses. A child's own ARP replies and advertisements go out as they
// are.
#pragma once

#include <array>
#include <cstdint>
#include <optional>

#include "vnet/clock.h"
#include "vnet/ipvlan.h"
#include "vnet/neighbour.h"
#include "vnet/packet_pool.h"

namespace vnet {

struct InetConfig {
    std::optional<std::array<std::uint8_t, 4>> ip4{};
    unsigned prefix4 = 24;
    std::optional<std::array<std::uint8_t, 4>> gw4{};
    std::optional<std::array<std::uint8_t, 16>> ip6{};
    unsigned prefix6 = 64;
    std::optional<std::array<std::uint8_t, 16>> gw6{};
    // The lower answers the uplink's ARP/NS for its L3 children's
    // addresses (l3-proxy). Off, it answers none, as Linux's ipvlan does:
    // the outside then routes the children's addresses via the lower's.
    bool proxy = true;
};

class InetLayer final : public L3Outbound, private NeighOps {
  public:
    InetLayer(NetDevice& lower, PacketPool& pool, const Clock& clock, const InetConfig& cfg);

    // ipvlan_process_outbound for a frame an L3 child sent.
    XmitResult outbound(IpvlanDev& from, Packet& pkt) override;
    // Frames arriving on the lower: ARP and NA confirm neighbours; an ARP
    // request or NS for an L3 child's address is answered here with the
    // shared MAC, as a proxy_arp lower would, or (proxy off, or our own
    // request reflected back by a relay) dropped, as Linux's NOARP child
    // drops it; either way consumed. One for an address no child is known
    // to have asks the children, and is answered once one claims it.
    bool neigh_rcv(const Packet& pkt, IpvlanPort& port) override;
    // The proxy's answer: "target is at the shared MAC", to the asker.
    void answer_uplink(const IpAddr& target, const MacAddr& asker_mac, const IpAddr& asker_ip);

    // Retransmission and ageing of the neighbour table.
    void run_timers() { neigh_.run_timers(); }
    NeighTable& neigh() { return neigh_; }

    // The route: the next hop for dst (dst itself on the lower's prefix,
    // else the gateway), or nullopt without one.
    std::optional<IpAddr> next_hop(const IpAddr& dst) const;
    // One of the lower's own addresses (ip=, or its link-local).
    bool is_local(const IpAddr& a) const;
    bool proxy() const { return cfg_.proxy; }
    const NeighTable& neigh() const { return neigh_; }

  private:
    void solicit(const IpAddr& target) override;
    void transmit(Packet& pkt, const MacAddr& mac) override;
    XmitResult answer_child(IpvlanDev& child, Packet& pkt);
    XmitResult route(IpvlanDev& from, Packet& pkt);

    NetDevice& lower_;
    PacketPool& pool_;
    InetConfig cfg_;
    NeighTable neigh_;
};

}  // namespace vnet
