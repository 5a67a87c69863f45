/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libvnet's datapath decisions as QEMU trace events: rx_handler results,
 * drops by reason (the mode rule that refused a frame among them),
 * neighbour resolution, VXLAN FDB learn/migrate/age. One hook for the
 * process, installed with the device types; addresses are formatted only
 * when their event is enabled.
 *
 *   -trace 'vnet_*'   (or trace-event-set-state over QMP)
 */

#include "qemu/osdep.h"
#include "qemu/module.h"
#include "hw/net/vnet-multi.h"
#include "trace.h"

static void vnet_trace_ip(const VnetIpAddr *ip, char *buf, size_t len)
{
    if (!ip || !inet_ntop(ip->v6 ? AF_INET6 : AF_INET, ip->b, buf, len)) {
        g_strlcpy(buf, "-", len);
    }
}

static void vnet_trace(VnetTraceKind kind, const char *dev, const char *what,
                       const uint8_t *mac, const VnetIpAddr *ip)
{
    char ipbuf[INET6_ADDRSTRLEN];
    char macbuf[18] = "-";

    switch (kind) {
    case VNET_TRACE_RX_HANDLER:
        trace_vnet_rx_handler(dev, what);
        break;
    case VNET_TRACE_DROP:
        trace_vnet_drop(dev, what);
        break;
    case VNET_TRACE_NEIGH:
        if (trace_event_get_state_backends(TRACE_VNET_NEIGH)) {
            vnet_trace_ip(ip, ipbuf, sizeof(ipbuf));
            trace_vnet_neigh(dev, ipbuf, what);
        }
        break;
    case VNET_TRACE_FDB:
        if (trace_event_get_state_backends(TRACE_VNET_FDB)) {
            vnet_trace_ip(ip, ipbuf, sizeof(ipbuf));
            if (mac) {
                snprintf(macbuf, sizeof(macbuf),
                         "%02x:%02x:%02x:%02x:%02x:%02x",
                         mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
            }
            trace_vnet_fdb(dev, what, macbuf, ipbuf);
        }
        break;
    }
}

static void vnet_trace_init(void)
{
    vnet_set_trace(vnet_trace);
}

type_init(vnet_trace_init)
