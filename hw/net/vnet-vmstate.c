/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vnet-multi live migration: what each function carries besides the
 * virtio core's rings and negotiated features (VMSTATE_VIRTIO_DEVICE):
 * the guest-visible state the control queue set (MAC, RX mode, MAC
 * tables, active queue pairs), the per-queue counters, and the run-time
 * state of the function's libvnet device (the lower's neighbours, an
 * ipvlan child's addresses) as a blob of libvnet's own format.
 *
 * The carrier is the destination's (its uplink may differ), so the link
 * bit is recomputed, not loaded. Frames are never held across a save:
 * TX elements are pushed as they are taken, RX ones as they are filled.
 */

#include "qemu/osdep.h"
#include "hw/virtio/virtio.h"
#include "hw/virtio/virtio-net.h"
#include "migration/vmstate.h"
#include "net/vnet-common.h"
#include "hw/net/vnet-multi.h"

static int vnet_func_pre_save(void *opaque)
{
    VnetFunc *f = opaque;
    size_t len = 0;
    uint8_t *blob = vnet_dev_state_save(f->dev, &len);

    vnet_state_buf_take(&f->state, blob, len);
    f->saved_guest_offloads = f->guest_offloads;
    return 0;
}

static int vnet_func_post_save(void *opaque)
{
    vnet_state_buf_clear(&VNET_FUNC(opaque)->state);
    return 0;
}

static int vnet_func_post_load(void *opaque, int version_id)
{
    VnetFunc *f = opaque;
    char why[160];
    bool ok;

    if (f->curr_pairs < 1 || f->curr_pairs > f->queues) {
        error_report("%s: migrated %u active queue pairs, device has %u",
                     f->name, f->curr_pairs, f->queues);
        return -EINVAL;
    }
    /* The rings' layout (pre_load_queues) bounds them too. */
    if (f->curr_pairs > f->laid_pairs) {
        error_report("%s: migrated %u active queue pairs over %u laid out",
                     f->name, f->curr_pairs, f->laid_pairs);
        return -EINVAL;
    }
    /* The lower loads before its children, so a child's own MTU is set
     * after the lower's has been carried up to it. */
    if (!vnet_dev_set_mtu(f->dev, f->mtu, why, sizeof(why))) {
        error_report("%s: migrated MTU: %s", f->name, why);
        return -EINVAL;
    }
    if (!vnet_dev_set_mac(f->dev, f->mac)) {
        error_report("%s: migrated MAC is taken on this lower", f->name);
        return -EINVAL;
    }
    vnet_dev_set_rx_mode(f->dev, f->promisc, f->allmulti);
    vnet_dev_set_mac_tables(f->dev, f->uc_table,
                            MIN(f->uc_entries, VNET_MAC_TABLE_KEPT),
                            f->mc_table,
                            MIN(f->mc_entries, VNET_MAC_TABLE_KEPT));
    ok = vnet_dev_state_load(f->dev, f->state.data, f->state.len);
    vnet_state_buf_clear(&f->state);
    if (!ok) {
        error_report("%s: migrated stack state is malformed", f->name);
        return -EINVAL;
    }
    if (f->is_vf) {
        vnet_func_apply_vf(f);  /* its link state forces the carrier */
    }
    if (vnet_dev_carrier(f->dev)) {
        f->status |= VIRTIO_NET_S_LINK_UP;
    } else {
        f->status &= ~VIRTIO_NET_S_LINK_UP;
    }
    return 0;
}

static const VMStateDescription vmstate_vnet_queue = {
    .name = "vnet-func/queue",
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = (const VMStateField[]) {
        VMSTATE_UINT64(rx_packets, VnetQueue),
        VMSTATE_UINT64(rx_bytes, VnetQueue),
        VMSTATE_UINT64(tx_packets, VnetQueue),
        VMSTATE_UINT64(tx_bytes, VnetQueue),
        VMSTATE_END_OF_LIST()
    },
};

static bool vnet_func_vf_needed(void *opaque)
{
    return VNET_FUNC(opaque)->is_vf;
}

/* An SR-IOV VF's host-side settings (vnet-vf-set). */
static const VMStateDescription vmstate_vnet_func_vf = {
    .name = "vnet-func/device/vf",  /* a subsection: its parent's name first */
    .version_id = 1,
    .minimum_version_id = 1,
    .needed = vnet_func_vf_needed,
    .fields = (const VMStateField[]) {
        VMSTATE_BOOL(vf_admin_mac, VnetFunc),
        VMSTATE_BUFFER(vf_mac, VnetFunc),
        VMSTATE_BOOL(vf_spoofchk, VnetFunc),
        VMSTATE_BOOL(vf_trust, VnetFunc),
        VMSTATE_UINT8(vf_link_state, VnetFunc),
        VMSTATE_UINT16(vf_vlan, VnetFunc),
        VMSTATE_UINT8(vf_qos, VnetFunc),
        VMSTATE_END_OF_LIST()
    },
};

static bool vnet_func_coal_needed(void *opaque)
{
    VnetFunc *f = opaque;

    return f->coal_rx.max_usecs || f->coal_rx.max_packets ||
           f->coal_tx.max_usecs || f->coal_tx.max_packets;
}

static int vnet_func_coal_post_load(void *opaque, int version_id)
{
    vnet_func_coal_migrated(opaque);
    return 0;
}

/* The driver's notification coalescing (NOTF_COAL), when it set any. */
static const VMStateDescription vmstate_vnet_func_coal = {
    .name = "vnet-func/device/coal",
    .version_id = 1,
    .minimum_version_id = 1,
    .needed = vnet_func_coal_needed,
    .post_load = vnet_func_coal_post_load,
    .fields = (const VMStateField[]) {
        VMSTATE_UINT32(coal_rx.max_packets, VnetFunc),
        VMSTATE_UINT32(coal_rx.max_usecs, VnetFunc),
        VMSTATE_UINT32(coal_tx.max_packets, VnetFunc),
        VMSTATE_UINT32(coal_tx.max_usecs, VnetFunc),
        VMSTATE_END_OF_LIST()
    },
};

/* The function's own state, saved by the virtio core after the rings. */
const VMStateDescription vmstate_vnet_func_device = {
    .name = "vnet-func/device",
    .version_id = 1,
    .minimum_version_id = 1,
    .pre_save = vnet_func_pre_save,
    .post_save = vnet_func_post_save,
    .post_load = vnet_func_post_load,
    .fields = (const VMStateField[]) {
        VMSTATE_UINT32_EQUAL(queues, VnetFunc, NULL),
        VMSTATE_BUFFER(mac, VnetFunc),
        VMSTATE_UINT16(mtu, VnetFunc),
        VMSTATE_UINT16(status, VnetFunc),
        VMSTATE_UINT16(curr_pairs, VnetFunc),
        VMSTATE_BOOL(promisc, VnetFunc),
        VMSTATE_BOOL(allmulti, VnetFunc),
        VMSTATE_UINT32(uc_entries, VnetFunc),
        VMSTATE_UINT32(mc_entries, VnetFunc),
        VMSTATE_BUFFER(uc_table, VnetFunc),
        VMSTATE_BUFFER(mc_table, VnetFunc),
        VMSTATE_STRUCT_ARRAY(vq, VnetFunc, VNET_MAX_QUEUE_PAIRS, 1,
                             vmstate_vnet_queue, VnetQueue),
        VMSTATE_VNET_STATE_BUF(state, VnetFunc),
        VMSTATE_UINT64(saved_guest_offloads, VnetFunc),
        VMSTATE_UINT32_ARRAY(vlans, VnetFunc, VNET_VLAN_WORDS),
        VMSTATE_UINT32(rss_len, VnetFunc),
        VMSTATE_BUFFER(rss_cmd, VnetFunc),
        VMSTATE_UINT8(rss_cmd_id, VnetFunc),
        VMSTATE_END_OF_LIST()
    },
    .subsections = (const VMStateDescription * const []) {
        &vmstate_vnet_func_vf,
        &vmstate_vnet_func_coal,
        NULL
    },
};

/* The device's section: the virtio core's state, which calls the above. */
#define VNET_VMSTATE_OUTER(_var, _name)                                  \
    const VMStateDescription _var = {                                    \
        .name = _name,                                                   \
        .version_id = 1,                                                 \
        .minimum_version_id = 1,                                         \
        .fields = (const VMStateField[]) {                               \
            VMSTATE_VIRTIO_DEVICE,                                       \
            VMSTATE_END_OF_LIST()                                        \
        },                                                               \
    }

VNET_VMSTATE_OUTER(vmstate_vnet_multi, "vnet-multi");
VNET_VMSTATE_OUTER(vmstate_vnet_macvlan, "vnet-macvlan");
VNET_VMSTATE_OUTER(vmstate_vnet_ipvlan, "vnet-ipvlan");
