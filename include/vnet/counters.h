// SPDX-License-Identifier: GPL-2.0-or-later
// Per-device counters: packets and bytes each way, and drops by the reason
// they happened (never a bare "errors"), so every frame that came in is
// either counted as delivered or counted under a named reason.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "vnet/trace.h"

namespace vnet {

enum class DropReason : std::uint8_t {
    tx_runt,              // shorter than an Ethernet header
    tx_oversize,          // longer than the device's MTU allows
    tx_no_buffer,         // packet pool exhausted
    tx_link_down,         // device or its carrier down
    rx_runt,              // shorter than an Ethernet header
    rx_link_down,         // device down
    rx_filtered,          // destination not accepted by the RX filter
    rx_exact_unclaimed,   // rx_handler said EXACT and nothing was bound to us
    rx_nesting_limit,     // rx_handler chain deeper than kMaxNesting
    rx_no_buffer,         // no room in the receiving function's ring
    rx_upper_down,        // unicast for an upper device that is down
    rx_bc_backlog_full,   // broadcast backlog at its bound (bc_queue_len)
    rx_no_clone_buffer,   // packet pool exhausted copying for deferred work
    fwd_dropped,          // dev_forward: target down or frame too long
    tx_private,           // ipvlan private flag: no traffic between siblings
    tx_no_route,          // ipvlan L3: no IP layer on the lower to route it
    tx_addr_busy,         // ipvlan: source address owned by a sibling
    tx_neigh_queue_full,  // waiting for neighbour resolution: queue at its bound
    tx_neigh_failed,      // neighbour resolution failed: queued packets dropped
    tx_neigh_table_full,  // neighbour table at its bound
    tx_l3_not_ip,         // ipvlan L3: group frame or not IPv4/IPv6 (Linux drops)
    tx_bad_csum,          // virtio-net header: checksum to fill outside the frame, or not offered
    tx_bad_gso,           // virtio-net header: GSO type, size or headers that do not hold
    rx_bad_offload,       // a wire's virtio-net header (tap) that does not hold
    vx_short,             // datagram shorter than the VXLAN header
    vx_no_i_flag,         // VXLAN I flag clear (RFC 7348 requires it)
    vx_unknown_vni,       // no vxlan netdev with this VNI on the socket (external: no VLAN)
    vx_reserved_bits,     // reserved header bits set (Linux drops)
    vx_oversize,          // datagram or inner frame beyond the netdev's MTU
    vx_truncated,         // inner frame cut inside its Ethernet or IP header
    vx_own_mac,           // inner source MAC is our own (a loop or echo)
    vx_bad_src_mac,       // inner source MAC multicast or zero (Linux drops)
    vx_static_moved,      // source seen behind another remote than its static entry
    vx_ecn,               // outer CE over a not-ECT inner packet (RFC 6040)
    vx_no_fdb,            // no FDB entry and no default remote (L2 miss)
    vx_no_vlan_tunnel,    // external mode: the frame's VLAN (or untagged) maps to no VNI
    vx_send_failed,       // the host socket refused the datagram
    vx_proxy_consumed,    // ARP/NS taken by proxy=on, answered or not (Linux consumes them)
    // ipvlan, while the children are asked who owns an address: a child's
    // frame (tx) or the uplink's (rx, on the lower) past the waiting bound.
    tx_probe_queue_full,
    rx_l3_noarp,  // ipvlan L3: ARP/NS from the uplink for a child (Linux's NOARP child drops it)
    rx_vlan_filtered,  // 802.1Q VID the driver did not add (VIRTIO_NET_CTRL_VLAN)
    tx_spoofed,        // an SR-IOV VF's frame from a source MAC not its own (spoofchk)
    tx_vlan_tagged,    // an SR-IOV VF with a port VLAN sent a frame it had tagged itself
    rx_vlan_port,      // to an SR-IOV VF with a port VLAN, without that tag
    rx_probe_queue_full,
    count_
};

inline constexpr std::size_t kDropReasons = static_cast<std::size_t>(DropReason::count_);

// Stable names: they appear in QMP, HMP and trace output.
const char* drop_reason_name(DropReason r);
const std::string& unnamed();

struct DeviceCounters {
    // The counting device's name, for the drop trace (null: "vnet").
    const std::string* owner = nullptr;
    std::uint64_t rx_packets = 0;
    std::uint64_t rx_bytes = 0;
    std::uint64_t tx_packets = 0;
    std::uint64_t tx_bytes = 0;
    std::array<std::uint64_t, kDropReasons> drops{};

    void drop(DropReason r) {
        ++drops[static_cast<std::size_t>(r)];
        if (tracing()) [[unlikely]] {
            trace(TraceKind::drop, owner ? *owner : unnamed(), drop_reason_name(r));
        }
    }
    std::uint64_t dropped(DropReason r) const { return drops[static_cast<std::size_t>(r)]; }
};

}  // namespace vnet
