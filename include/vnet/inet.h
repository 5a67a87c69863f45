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
};

class InetLayer final : public L3Outbound, private NeighOps {
  public:
    InetLayer(NetDevice& lower, PacketPool& pool, const Clock& clock, const InetConfig& cfg);

    // ipvlan_process_outbound for a frame an L3 child sent.
    XmitResult outbound(IpvlanDev& from, Packet& pkt) override;
    // Frames arriving on the lower: ARP and NA confirm neighbours; an ARP
    // request or NS for an L3 child's address is answered here with the
    // shared MAC, as a proxy_arp lower would (and consumed).
    bool neigh_rcv(const Packet& pkt, const IpvlanPort& port) override;

    // Retransmission and ageing of the neighbour table.
    void run_timers() { neigh_.run_timers(); }
    NeighTable& neigh() { return neigh_; }

    // The route: the next hop for dst (dst itself on the lower's prefix,
    // else the gateway), or nullopt without one.
    std::optional<IpAddr> next_hop(const IpAddr& dst) const;

  private:
    void solicit(const IpAddr& target) override;
    void transmit(Packet& pkt, const MacAddr& mac) override;
    XmitResult answer_child(IpvlanDev& child, Packet& pkt);
    XmitResult route(IpvlanDev& from, Packet& pkt);
    bool is_local(const IpAddr& a) const;

    NetDevice& lower_;
    PacketPool& pool_;
    InetConfig cfg_;
    NeighTable neigh_;
};

}  // namespace vnet
