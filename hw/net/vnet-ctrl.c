/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vnet-multi: the control virtqueue (virtio 1.2 §5.1.6.5): RX mode, MAC
 * filter tables, MAC address, the VLAN filter, the number of active queue
 * pairs, the guest offloads, notification coalescing, and the driver's
 * acknowledgement of an announcement.
 * Each command is checked for exact length (vnet_ctrl_decode); a bad one
 * is answered VIRTIO_NET_ERR and changes nothing.
 */

#include "qemu/osdep.h"
#include "qemu/iov.h"
#include "qemu/units.h"
#include "hw/virtio/virtio.h"
#include "hw/virtio/virtio-net.h"
#include "hw/net/vnet-multi.h"
#include "trace.h"

/* Largest command we read. MAC tables past the filter's 64 entries are
 * accepted and turn into "accept all" of their kind (as Linux's own
 * filters do), so a guest with many groups must not be refused here. */
#define VNET_CTRL_MAX_DATA (64 * KiB)

typedef struct VnetCtrlHdr {
    uint8_t class;
    uint8_t cmd;
} QEMU_PACKED VnetCtrlHdr;

/* An RSS_CONFIG command (data[len]) taken by the function: its queues in
 * range, active pairs max_tx_vq. Or a HASH_CONFIG one: the hashes it
 * reports. */
bool vnet_func_apply_rss(VnetFunc *f, uint8_t cmd, const uint8_t *d,
                         size_t len)
{
    VirtIODevice *vdev = VIRTIO_DEVICE(f);
    bool rss = cmd == VIRTIO_NET_CTRL_MQ_RSS_CONFIG;
    VnetCtrlCmd c;

    if (len > sizeof(f->rss_cmd) ||
        vnet_ctrl_decode(vdev->guest_features, VIRTIO_NET_CTRL_MQ, cmd, d,
                         len, &c)
            != (rss ? VNET_CTRL_RSS_CONFIG : VNET_CTRL_HASH_CONFIG) ||
        (rss && (c.pairs < 1 || c.pairs > f->laid_pairs)) ||
        !vnet_dev_set_rss(f->dev, &c, f->laid_pairs)) {
        return false;
    }
    if (d != f->rss_cmd) {
        memcpy(f->rss_cmd, d, len);
    }
    f->rss_cmd_id = cmd;
    f->rss_len = (c.hash_types || c.key_len) ? len : 0;
    if (rss) {
        vnet_func_set_pairs(f, c.pairs);
    }
    return true;
}

/* libvnet decodes the command and checks its length and that its feature
 * was negotiated; here are the queue-pair range and the function's state. */
static uint8_t vnet_ctrl_command(VnetFunc *f, const VnetCtrlHdr *h,
                                 const uint8_t *d, size_t len)
{
    VirtIODevice *vdev = VIRTIO_DEVICE(f);
    VnetCtrlCmd c;

    switch (vnet_ctrl_decode(vdev->guest_features, h->class, h->cmd, d, len,
                             &c)) {
    case VNET_CTRL_RX_PROMISC:
    case VNET_CTRL_RX_ALLMULTI:
        if (c.kind == VNET_CTRL_RX_PROMISC) {
            if (c.on && !vnet_dev_vf_permits_promisc(f->dev)) {
                return VIRTIO_NET_ERR;  /* an untrusted VF */
            }
            f->promisc = c.on;
        } else {
            f->allmulti = c.on;
        }
        vnet_dev_set_rx_mode(f->dev, f->promisc, f->allmulti);
        return VIRTIO_NET_OK;
    case VNET_CTRL_MAC_ADDR_SET:
        if (!vnet_dev_vf_permits_mac(f->dev, c.mac)) {
            return VIRTIO_NET_ERR;  /* an untrusted VF, the host's MAC */
        }
        if (!vnet_dev_set_mac(f->dev, c.mac)) {
            return VIRTIO_NET_ERR;  /* or a sibling has it (EBUSY in Linux) */
        }
        memcpy(f->mac, c.mac, ETH_ALEN);
        return VIRTIO_NET_OK;
    case VNET_CTRL_MAC_TABLE_SET:
        f->uc_entries = c.n_uc;
        f->mc_entries = c.n_mc;
        memcpy(f->uc_table, c.uc, MIN(c.n_uc, VNET_MAC_TABLE_KEPT) * ETH_ALEN);
        memcpy(f->mc_table, c.mc, MIN(c.n_mc, VNET_MAC_TABLE_KEPT) * ETH_ALEN);
        vnet_dev_set_mac_tables(f->dev, c.uc, c.n_uc, c.mc, c.n_mc);
        return VIRTIO_NET_OK;
    case VNET_CTRL_MQ_PAIRS_SET:
        /* Any MQ command ends RSS, as virtio-net has it. */
        f->rss_len = 0;
        vnet_dev_set_rss(f->dev, NULL, f->queues);
        if (c.pairs < VIRTIO_NET_CTRL_MQ_VQ_PAIRS_MIN || c.pairs > f->queues) {
            return VIRTIO_NET_ERR;
        }
        vnet_func_set_pairs(f, c.pairs);
        trace_vnet_queue_pairs(f->name, c.pairs);
        /* Frames held for a queue that is now inactive re-hash on retry. */
        vnet_func_flush_queued(f);
        return VIRTIO_NET_OK;
    case VNET_CTRL_GUEST_OFFLOADS_SET:
        /* ethtool -K in the guest: only offloads it negotiated. */
        if (!vnet_dev_set_offloads(f->dev, vdev->guest_features,
                                   c.offloads)) {
            return VIRTIO_NET_ERR;
        }
        f->guest_offloads = c.offloads;
        return VIRTIO_NET_OK;
    case VNET_CTRL_ANNOUNCE_ACK:
        f->status &= ~VIRTIO_NET_S_ANNOUNCE;
        return VIRTIO_NET_OK;
    case VNET_CTRL_HASH_CONFIG:
        if (!vnet_func_apply_rss(f, h->cmd, d, len)) {
            f->rss_len = 0;
            vnet_dev_set_rss(f->dev, NULL, f->queues);
            return VIRTIO_NET_ERR;
        }
        return VIRTIO_NET_OK;
    case VNET_CTRL_RSS_CONFIG:
        if (!vnet_func_apply_rss(f, h->cmd, d, len)) {
            f->rss_len = 0;
            vnet_dev_set_rss(f->dev, NULL, f->queues);
            return VIRTIO_NET_ERR;
        }
        trace_vnet_queue_pairs(f->name, f->curr_pairs);
        vnet_func_flush_queued(f);
        return VIRTIO_NET_OK;
    case VNET_CTRL_VLAN_ADD:
    case VNET_CTRL_VLAN_DEL:
        if (c.kind == VNET_CTRL_VLAN_ADD) {
            f->vlans[c.vid / 32] |= 1u << (c.vid % 32);
        } else {
            f->vlans[c.vid / 32] &= ~(1u << (c.vid % 32));
        }
        vnet_dev_set_vlan(f->dev, c.vid, c.kind == VNET_CTRL_VLAN_ADD);
        return VIRTIO_NET_OK;
    case VNET_CTRL_NOTF_COAL_TX_SET:
    case VNET_CTRL_NOTF_COAL_RX_SET:
        /* ethtool -C in the guest: any values, 0 us meaning at once. */
        vnet_func_set_coal(f, c.kind == VNET_CTRL_NOTF_COAL_RX_SET,
                           c.max_packets, c.max_usecs);
        return VIRTIO_NET_OK;
    case VNET_CTRL_INVALID:
    case VNET_CTRL_NOT_NEGOTIATED:
        break;
    }
    return VIRTIO_NET_ERR;
}

void vnet_func_handle_ctrl(VirtIODevice *vdev, VirtQueue *vq)
{
    VnetFunc *f = VNET_FUNC(vdev);
    VirtQueueElement *elem;

    while ((elem = virtqueue_pop(vq, sizeof(*elem)))) {
        size_t out = iov_size(elem->out_sg, elem->out_num);
        uint8_t status = VIRTIO_NET_ERR;
        VnetCtrlHdr h;

        if (iov_size(elem->in_sg, elem->in_num) < sizeof(status) ||
            out < sizeof(h)) {
            virtio_error(vdev, "vnet: control command without header or ack");
            virtqueue_detach_element(vq, elem, 0);
            g_free(elem);
            break;
        }
        iov_to_buf(elem->out_sg, elem->out_num, 0, &h, sizeof(h));
        if (out - sizeof(h) <= VNET_CTRL_MAX_DATA) {
            g_autofree uint8_t *data = g_malloc(out - sizeof(h) + 1);
            size_t len = iov_to_buf(elem->out_sg, elem->out_num, sizeof(h),
                                    data, out - sizeof(h));

            status = vnet_ctrl_command(f, &h, data, len);
        }
        trace_vnet_ctrl(f->name, h.class, h.cmd, status);
        iov_from_buf(elem->in_sg, elem->in_num, 0, &status, sizeof(status));
        virtqueue_push(vq, elem, sizeof(status));
        virtio_notify(vdev, vq);
        g_free(elem);
    }
}
