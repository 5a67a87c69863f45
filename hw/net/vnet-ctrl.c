/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vnet-multi: the control virtqueue (virtio 1.2 §5.1.6.5): RX mode, MAC
 * filter tables, MAC address, and the number of active queue pairs.
 * Each command is checked for exact length; a bad one is answered
 * VIRTIO_NET_ERR and changes nothing.
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

static uint8_t vnet_ctrl_rx(VnetFunc *f, uint8_t cmd, const uint8_t *d,
                            size_t len)
{
    if (len != 1) {
        return VIRTIO_NET_ERR;
    }
    switch (cmd) {
    case VIRTIO_NET_CTRL_RX_PROMISC:
        f->promisc = d[0];
        break;
    case VIRTIO_NET_CTRL_RX_ALLMULTI:
        f->allmulti = d[0];
        break;
    default:
        return VIRTIO_NET_ERR;  /* ALLUNI & co. need CTRL_RX_EXTRA */
    }
    vnet_dev_set_rx_mode(f->dev, f->promisc, f->allmulti);
    return VIRTIO_NET_OK;
}

/* One table of struct virtio_net_ctrl_mac: le32 entries, then the MACs. */
static bool vnet_ctrl_mac_table(const uint8_t **d, size_t *len,
                                const uint8_t **macs, uint32_t *n)
{
    if (*len < sizeof(uint32_t)) {
        return false;
    }
    *n = ldl_le_p(*d);
    if (*n > (*len - sizeof(uint32_t)) / ETH_ALEN) {
        return false;
    }
    *macs = *d + sizeof(uint32_t);
    *d += sizeof(uint32_t) + (size_t)*n * ETH_ALEN;
    *len -= sizeof(uint32_t) + (size_t)*n * ETH_ALEN;
    return true;
}

static uint8_t vnet_ctrl_mac(VnetFunc *f, uint8_t cmd, const uint8_t *d,
                             size_t len)
{
    VirtIODevice *vdev = VIRTIO_DEVICE(f);
    const uint8_t *uc, *mc;
    uint32_t n_uc, n_mc;

    switch (cmd) {
    case VIRTIO_NET_CTRL_MAC_ADDR_SET:
        if (len != ETH_ALEN ||
            !virtio_vdev_has_feature(vdev, VIRTIO_NET_F_CTRL_MAC_ADDR)) {
            return VIRTIO_NET_ERR;
        }
        if (!vnet_dev_set_mac(f->dev, d)) {
            return VIRTIO_NET_ERR;  /* a sibling has it (EBUSY in Linux) */
        }
        memcpy(f->mac, d, ETH_ALEN);
        return VIRTIO_NET_OK;
    case VIRTIO_NET_CTRL_MAC_TABLE_SET:
        if (!vnet_ctrl_mac_table(&d, &len, &uc, &n_uc) ||
            !vnet_ctrl_mac_table(&d, &len, &mc, &n_mc) || len != 0) {
            return VIRTIO_NET_ERR;
        }
        f->uc_entries = n_uc;
        f->mc_entries = n_mc;
        memcpy(f->uc_table, uc, MIN(n_uc, VNET_MAC_TABLE_KEPT) * ETH_ALEN);
        memcpy(f->mc_table, mc, MIN(n_mc, VNET_MAC_TABLE_KEPT) * ETH_ALEN);
        vnet_dev_set_mac_tables(f->dev, uc, n_uc, mc, n_mc);
        return VIRTIO_NET_OK;
    }
    return VIRTIO_NET_ERR;
}

static uint8_t vnet_ctrl_mq(VnetFunc *f, uint8_t cmd, const uint8_t *d,
                            size_t len)
{
    VirtIODevice *vdev = VIRTIO_DEVICE(f);
    uint16_t pairs;

    if (cmd != VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET || len != sizeof(pairs) ||
        !virtio_vdev_has_feature(vdev, VIRTIO_NET_F_MQ)) {
        return VIRTIO_NET_ERR;
    }
    pairs = lduw_le_p(d);
    if (pairs < VIRTIO_NET_CTRL_MQ_VQ_PAIRS_MIN || pairs > f->queues) {
        return VIRTIO_NET_ERR;
    }
    f->curr_pairs = pairs;
    trace_vnet_queue_pairs(f->name, pairs);
    /* Frames held for a queue that is now inactive re-hash on retry. */
    VNET_FUNC_GET_CLASS(f)->rx_refilled(f);
    return VIRTIO_NET_OK;
}

static uint8_t vnet_ctrl_command(VnetFunc *f, const VnetCtrlHdr *h,
                                 const uint8_t *d, size_t len)
{
    switch (h->class) {
    case VIRTIO_NET_CTRL_RX:
        return vnet_ctrl_rx(f, h->cmd, d, len);
    case VIRTIO_NET_CTRL_MAC:
        return vnet_ctrl_mac(f, h->cmd, d, len);
    case VIRTIO_NET_CTRL_MQ:
        return vnet_ctrl_mq(f, h->cmd, d, len);
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
