/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libvnet's datapath decisions as QEMU trace events: rx_handler results,
 * drops by reason (the mode rule that refused a frame among them),
 * neighbour resolution, VXLAN FDB learn/migrate/age, ipvlan's probes for
 * unknown addresses. One hook for the
 * process, installed with the device types; addresses are formatted only
 * when their event is enabled.
 *
 *   -trace 'vnet_*'   (or trace-event-set-state over QMP)
 */

#include "qemu/osdep.h"
#include "qemu/module.h"
#include "net/net.h"
#include "net/vnet-common.h"
#include "hw/net/vnet-multi.h"
#include "trace.h"

static void vnet_trace(VnetTraceKind kind, const char *dev, const char *what,
                       const uint8_t *mac, const VnetIpAddr *ip)
{
    g_autofree char *ipstr = NULL;
    g_autofree char *macstr = NULL;

    switch (kind) {
    case VNET_TRACE_RX_HANDLER:
        trace_vnet_rx_handler(dev, what);
        break;
    case VNET_TRACE_DROP:
        trace_vnet_drop(dev, what);
        break;
    case VNET_TRACE_NEIGH:
        if (trace_event_get_state_backends(TRACE_VNET_NEIGH)) {
            ipstr = ip ? vnet_ip_strdup(ip) : g_strdup("-");
            trace_vnet_neigh(dev, ipstr, what);
        }
        break;
    case VNET_TRACE_IPVLAN_ADDR:
        if (trace_event_get_state_backends(TRACE_VNET_IPVLAN_ADDR)) {
            ipstr = ip ? vnet_ip_strdup(ip) : g_strdup("-");
            trace_vnet_ipvlan_addr(dev, ipstr, what);
        }
        break;
    case VNET_TRACE_FDB:
        if (trace_event_get_state_backends(TRACE_VNET_FDB)) {
            ipstr = ip ? vnet_ip_strdup(ip) : g_strdup("-");
            macstr = mac ? qemu_mac_strdup_printf(mac) : g_strdup("-");
            trace_vnet_fdb(dev, what, macstr, ipstr);
        }
        break;
    }
}

static void vnet_trace_init(void)
{
    vnet_set_trace(vnet_trace);
}

type_init(vnet_trace_init)
