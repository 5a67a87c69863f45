/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vnet-multi management: QMP query-vnet and vnet-set-mtu, HMP info vnet.
 *
 * One walk over every vnet-multi device and the functions on its lower
 * port builds the QMP answer; HMP prints that answer as a table, so the
 * two never disagree.
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qapi/qapi-commands-vnet.h"
#include "qapi/qapi-types-vnet.h"
#include "monitor/hmp.h"
#include "monitor/monitor.h"
#include "hw/pci/pci_device.h"
#include "hw/qdev-core.h"
#include "hw/virtio/virtio.h"
#include "hw/virtio/virtio-net.h"
#include "net/net.h"
#include "net/vnet-common.h"
#include "hw/net/vnet-multi.h"

static QTAILQ_HEAD(, VnetMulti) vnet_multi_all =
    QTAILQ_HEAD_INITIALIZER(vnet_multi_all);

void vnet_info_register(VnetMulti *m)
{
    QTAILQ_INSERT_TAIL(&vnet_multi_all, m, next);
}

void vnet_info_unregister(VnetMulti *m)
{
    QTAILQ_REMOVE(&vnet_multi_all, m, next);
}

static VnetFuncInfo *vnet_func_query(VnetFunc *f)
{
    VirtIODevice *vdev = VIRTIO_DEVICE(f);
    VnetFuncInfo *info = g_new0(VnetFuncInfo, 1);
    PCIDevice *pci = vnet_func_pci(f);
    VnetQueueStatsList **qtail = &info->queue_stats;
    VnetDevStats st;
    VnetIpvlanProbeStats probes;

    VNET_FUNC_GET_CLASS(f)->fill_info(f, info);
    info->id = g_strdup(f->name);
    info->pci_addr = pci ? g_strdup_printf("%02x.%x", PCI_SLOT(pci->devfn),
                                           PCI_FUNC(pci->devfn))
                         : g_strdup("");
    info->mac = qemu_mac_strdup_printf(f->mac);
    info->mtu = vnet_dev_mtu(f->dev);
    info->queues = f->queues;
    info->active_queues = f->curr_pairs;
    info->link = f->status & VIRTIO_NET_S_LINK_UP;
    info->up = vnet_dev_is_up(f->dev);
    info->driver_ok = vdev->status & VIRTIO_CONFIG_S_DRIVER_OK;
    info->promisc = f->promisc;
    info->allmulti = f->allmulti;
    if (virtio_vdev_has_feature(vdev, VIRTIO_NET_F_CTRL_VLAN)) {
        uint16List **vtail = &info->vlans;

        info->vlan_filter = true;
        for (unsigned vid = 0; vid < VNET_VLAN_WORDS * 32; vid++) {
            if (f->vlans[vid / 32] & (1u << (vid % 32))) {
                QAPI_LIST_APPEND(vtail, vid);
            }
        }
        info->has_vlans = info->vlans != NULL;
    }

    vnet_dev_get_stats(f->dev, &st);
    info->rx_packets = st.rx_packets;
    info->rx_backlog = st.rx_backlog;
    info->rx_bytes = st.rx_bytes;
    info->tx_packets = st.tx_packets;
    info->tx_bytes = st.tx_bytes;
    info->drops = vnet_drop_counts(&st);
    if (vnet_ipvlan_probe_stats(f->dev, &probes)) {
        info->ipvlan_probes = g_new0(VnetIpvlanProbes, 1);
        info->ipvlan_probes->probes = probes.probes;
        info->ipvlan_probes->found = probes.found;
        info->ipvlan_probes->not_child = probes.not_child;
        info->ipvlan_probes->kept = probes.kept;
        info->ipvlan_probes->moved = probes.moved;
        info->ipvlan_probes->expired = probes.expired;
    }
    if (f->is_vf) {
        info->vf = vnet_func_vf_info(f);
    }
    for (unsigned i = 0; i < f->queues; i++) {
        VnetQueueStats *q = g_new0(VnetQueueStats, 1);

        q->queue = i;
        q->rx_packets = f->vq[i].rx_packets;
        q->rx_bytes = f->vq[i].rx_bytes;
        q->tx_packets = f->vq[i].tx_packets;
        q->tx_bytes = f->vq[i].tx_bytes;
        QAPI_LIST_APPEND(qtail, q);
    }
    return info;
}

static void vnet_info_add_func(void *tail, void *func)
{
    VnetFuncInfoList ***ftail = tail;

    /* A VF the guest has not enabled is not there for it either. */
    if (vnet_func_is_disabled_vf(VNET_FUNC(func))) {
        return;
    }
    QAPI_LIST_APPEND(*ftail, vnet_func_query(VNET_FUNC(func)));
}

VnetInfoList *qmp_query_vnet(Error **errp)
{
    VnetInfoList *head = NULL, **tail = &head;
    VnetMulti *m;

    QTAILQ_FOREACH(m, &vnet_multi_all, next) {
        VnetInfo *info = g_new0(VnetInfo, 1);
        VnetFuncInfoList **ftail = &info->functions;
        NetClientState *peer = m->nic_conf.peers.ncs[0];

        info->id = g_strdup(VNET_FUNC(m)->name);
        info->uplink_rx_packets = m->uplink_rx_packets;
        info->uplink_tx_packets = m->uplink_tx_packets;
        info->uplink_vnet_hdr = m->wire_hdr;
        if (peer) {
            info->netdev = g_strdup(peer->name);
        }
        /* Function 0, then its children in creation order. */
        vnet_dev_for_each(VNET_FUNC(m)->dev, vnet_info_add_func, &ftail);
        QAPI_LIST_APPEND(tail, info);
    }
    return head;
}

static void hmp_vnet_func(Monitor *mon, const VnetFuncInfo *fi)
{
    uint64_t drops = 0;

    for (VnetDropCountList *d = fi->drops; d; d = d->next) {
        drops += d->value->count;
    }
    monitor_printf(mon, "  %-5s %-12s %-8s %-8s %-17s %-4s %-4s %5u "
                   "%2u/%-2u %10" PRIu64 " %10" PRIu64 " %8" PRIu64 "\n",
                   fi->pci_addr, fi->id, VnetFuncKind_str(fi->kind),
                   fi->mode ? fi->mode : "-", fi->mac,
                   fi->link ? "up" : "down", fi->up ? "up" : "down", fi->mtu,
                   fi->active_queues, fi->queues, fi->rx_packets,
                   fi->tx_packets, drops);
    if (fi->lower || fi->flags) {
        monitor_printf(mon, "        lower %s%s%s\n",
                       fi->lower ? fi->lower : "-",
                       fi->flags ? ", flags " : "", fi->flags ? fi->flags : "");
    }
    if (fi->addresses) {
        monitor_printf(mon, "        addresses");
        for (strList *a = fi->addresses; a; a = a->next) {
            monitor_printf(mon, " %s", a->value);
        }
        monitor_printf(mon, "\n");
    }
    if (fi->vlan_filter) {
        monitor_printf(mon, "        vlan filter:");
        for (uint16List *v = fi->vlans; v; v = v->next) {
            monitor_printf(mon, " %u", v->value);
        }
        monitor_printf(mon, "%s\n", fi->vlans ? "" : " none");
    }
    if (fi->learned) {
        monitor_printf(mon, "        learned");
        for (VnetLearnedAddressList *l = fi->learned; l; l = l->next) {
            monitor_printf(mon, " %s (%" PRIu64 " s)", l->value->address,
                           l->value->age_ms / 1000);
        }
        monitor_printf(mon, "\n");
    }
    if (fi->vf) {
        monitor_printf(mon, "        vf %u:%s spoofchk %s, trust %s, link-state "
                       "%s", fi->vf->vf, fi->vf->admin_mac ? " mac set," : "",
                       fi->vf->spoofchk ? "on" : "off",
                       fi->vf->trust ? "on" : "off",
                       VnetVfLinkState_str(fi->vf->link_state));
        if (fi->vf->vlan) {
            monitor_printf(mon, ", vlan %u qos %u", fi->vf->vlan, fi->vf->qos);
        }
        monitor_printf(mon, "\n");
    }
    if (fi->ipvlan_probes) {
        VnetIpvlanProbes *p = fi->ipvlan_probes;

        monitor_printf(mon, "        ipvlan probes %" PRIu64 ": found %" PRIu64
                       ", not a child's %" PRIu64 ", kept %" PRIu64
                       ", moved %" PRIu64 ", expired %" PRIu64 "\n",
                       p->probes, p->found, p->not_child, p->kept, p->moved,
                       p->expired);
    }
    for (VnetQueueStatsList *q = fi->queue_stats; q; q = q->next) {
        monitor_printf(mon, "        queue %u: rx %" PRIu64 " (%" PRIu64
                       " B) tx %" PRIu64 " (%" PRIu64 " B)\n",
                       q->value->queue, q->value->rx_packets,
                       q->value->rx_bytes, q->value->tx_packets,
                       q->value->tx_bytes);
    }
    for (VnetDropCountList *d = fi->drops; d; d = d->next) {
        monitor_printf(mon, "        dropped %s: %" PRIu64 "\n",
                       d->value->reason, d->value->count);
    }
}

void qmp_vnet_set_mtu(const char *id, uint16_t mtu, Error **errp)
{
    VnetFunc *f = vnet_func_by_id(id);
    char why[160];

    if (!f || !f->dev) {
        error_setg(errp, "'%s' is not a vnet-multi, vnet-macvlan or "
                   "vnet-ipvlan device", id);
        return;
    }
    if (!vnet_dev_set_mtu(f->dev, mtu, why, sizeof(why))) {
        error_setg(errp, "%s: 'mtu': %s", id, why);
    }
}

void hmp_info_vnet(Monitor *mon, const QDict *qdict)
{
    g_autoptr(VnetInfoList) list = qmp_query_vnet(NULL);

    if (!list) {
        monitor_printf(mon, "No vnet-multi device\n");
        return;
    }
    for (VnetInfoList *l = list; l; l = l->next) {
        monitor_printf(mon, "%s: uplink %s%s, %" PRIu64 " frames in, %"
                       PRIu64 " out\n", l->value->id,
                       l->value->netdev ? l->value->netdev : "(none)",
                       l->value->uplink_vnet_hdr ? " (vnet_hdr)" : "",
                       l->value->uplink_rx_packets,
                       l->value->uplink_tx_packets);
        monitor_printf(mon, "  %-5s %-12s %-8s %-8s %-17s %-4s %-4s %5s "
                       "%5s %10s %10s %8s\n", "func", "id", "kind", "mode",
                       "mac", "link", "dev", "mtu", "queue", "rx-packets",
                       "tx-packets", "drops");
        for (VnetFuncInfoList *f = l->value->functions; f; f = f->next) {
            hmp_vnet_func(mon, f->value);
        }
    }
}
