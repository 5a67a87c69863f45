// SPDX-License-Identifier: GPL-2.0-or-later
// Names of the drop reasons, as QMP and trace output show them.
#include "vnet/counters.h"

namespace vnet {

const std::string& unnamed() {
    static const std::string name = "vnet";
    return name;
}

const char* drop_reason_name(DropReason r) {
    switch (r) {
        case DropReason::tx_runt:
            return "tx-runt";
        case DropReason::tx_oversize:
            return "tx-oversize";
        case DropReason::tx_no_buffer:
            return "tx-no-buffer";
        case DropReason::tx_link_down:
            return "tx-link-down";
        case DropReason::rx_runt:
            return "rx-runt";
        case DropReason::rx_link_down:
            return "rx-link-down";
        case DropReason::rx_filtered:
            return "rx-filtered";
        case DropReason::rx_exact_unclaimed:
            return "rx-exact-unclaimed";
        case DropReason::rx_nesting_limit:
            return "rx-nesting-limit";
        case DropReason::rx_no_buffer:
            return "rx-no-buffer";
        case DropReason::rx_upper_down:
            return "rx-upper-down";
        case DropReason::rx_bc_backlog_full:
            return "rx-bc-backlog-full";
        case DropReason::rx_no_clone_buffer:
            return "rx-no-clone-buffer";
        case DropReason::fwd_dropped:
            return "fwd-dropped";
        case DropReason::tx_private:
            return "tx-private";
        case DropReason::tx_no_route:
            return "tx-no-route";
        case DropReason::tx_addr_busy:
            return "tx-addr-busy";
        case DropReason::tx_neigh_queue_full:
            return "tx-neigh-queue-full";
        case DropReason::tx_neigh_failed:
            return "tx-neigh-failed";
        case DropReason::tx_neigh_table_full:
            return "tx-neigh-table-full";
        case DropReason::tx_l3_not_ip:
            return "tx-l3-not-ip";
        case DropReason::tx_bad_csum:
            return "tx-bad-csum";
        case DropReason::tx_bad_gso:
            return "tx-bad-gso";
        case DropReason::rx_bad_offload:
            return "rx-bad-offload";
        case DropReason::vx_short:
            return "vxlan-short";
        case DropReason::vx_no_i_flag:
            return "vxlan-no-i-flag";
        case DropReason::vx_unknown_vni:
            return "vxlan-unknown-vni";
        case DropReason::vx_reserved_bits:
            return "vxlan-reserved-bits";
        case DropReason::vx_oversize:
            return "vxlan-oversize";
        case DropReason::vx_truncated:
            return "vxlan-truncated";
        case DropReason::vx_own_mac:
            return "vxlan-own-mac";
        case DropReason::vx_bad_src_mac:
            return "vxlan-bad-src-mac";
        case DropReason::vx_static_moved:
            return "vxlan-static-moved";
        case DropReason::vx_ecn:
            return "vxlan-ecn";
        case DropReason::vx_no_fdb:
            return "vxlan-no-fdb";
        case DropReason::vx_no_vlan_tunnel:
            return "vxlan-no-vlan-tunnel";
        case DropReason::vx_send_failed:
            return "vxlan-send-failed";
        case DropReason::vx_proxy_consumed:
            return "vxlan-proxy-consumed";
        case DropReason::tx_probe_queue_full:
            return "tx-probe-queue-full";
        case DropReason::rx_l3_noarp:
            return "rx-l3-noarp";
        case DropReason::rx_vlan_filtered:
            return "rx-vlan-filtered";
        case DropReason::tx_spoofed:
            return "tx-spoofed";
        case DropReason::tx_vlan_tagged:
            return "tx-vlan-tagged";
        case DropReason::rx_vlan_port:
            return "rx-vlan-port";
        case DropReason::rx_probe_queue_full:
            return "rx-probe-queue-full";
        case DropReason::count_:
            break;
    }
    return "unknown";
}

}  // namespace vnet
