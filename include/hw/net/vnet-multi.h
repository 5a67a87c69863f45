/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vnet-multi: a multi-function PV NIC on an embedded network stack.
 *
 * TYPE_VNET_FUNC is one PCI function as the guest sees it: a virtio 1.x
 * network device (the stock virtio_net driver binds) whose rings feed a
 * libvnet device. TYPE_VNET_MULTI is function 0, the lower port, whose wire
 * is the -netdev uplink.
 */
#ifndef HW_NET_VNET_MULTI_H
#define HW_NET_VNET_MULTI_H

#include "hw/virtio/virtio.h"
#include "standard-headers/linux/virtio_net.h"
#include "net/eth.h"
#include "net/net.h"
#include "net/vnet-common.h"
#include "qapi/qapi-types-vnet.h"
#include "qom/object.h"
#include "vnet/vnet.h"

typedef struct VirtIOPCIProxy VirtIOPCIProxy;

#define VNET_MAX_QUEUE_PAIRS 16
/* virtio_net_hdr_v1: this size on a VERSION_1 device (virtio 1.2 §5.1.6),
 * VNET_RX_HDR_LEN (virtio_net_hdr_v1_hash) with HASH_REPORT, both ways. */
#define VNET_HDR_LEN 12
#define VNET_RX_QUEUE_SIZE 256
#define VNET_TX_QUEUE_SIZE 256
#define VNET_CTRL_QUEUE_SIZE 64
/* MAC table entries kept per table: libvnet's filter holds 64 and treats
 * more as overflow, so the 65th only needs to exist (a migration keeps
 * that much). */
#define VNET_MAC_TABLE_KEPT 65
/* The longest struct virtio_net_rss_config: 128 table entries, a 40-byte
 * key. */
#define VNET_RSS_CMD_MAX (8 + 2 * 128 + 3 + 40)
/* Frames one TX bottom half sends before yielding to the main loop. */
#define VNET_TX_BURST 256

/* The offloads a function offers (virtio 1.2 §5.1.3), each a property of
 * virtio-net's name to turn it off. Which of them are guest offloads
 * (CTRL_GUEST_OFFLOADS_SET's) is libvnet's to say: vnet_guest_offloads. */
#define VNET_OFFLOAD_FEATURES                                                \
    ((1ull << VIRTIO_NET_F_CSUM) | (1ull << VIRTIO_NET_F_GUEST_CSUM) |     \
     (1ull << VIRTIO_NET_F_HOST_TSO4) | (1ull << VIRTIO_NET_F_HOST_TSO6) | \
     (1ull << VIRTIO_NET_F_HOST_ECN) | (1ull << VIRTIO_NET_F_HOST_USO) |   \
     (1ull << VIRTIO_NET_F_GUEST_TSO4) | (1ull << VIRTIO_NET_F_GUEST_TSO6) | \
     (1ull << VIRTIO_NET_F_GUEST_ECN) | (1ull << VIRTIO_NET_F_GUEST_USO4) | \
     (1ull << VIRTIO_NET_F_GUEST_USO6) |                                   \
     (1ull << VIRTIO_NET_F_CTRL_GUEST_OFFLOADS))
#define VNET_FUNC_OFFLOAD_PROPERTIES                                         \
    DEFINE_PROP_BIT64("csum", VnetFunc, offloads, VIRTIO_NET_F_CSUM, true), \
    DEFINE_PROP_BIT64("guest_csum", VnetFunc, offloads,                      \
                      VIRTIO_NET_F_GUEST_CSUM, true),                        \
    DEFINE_PROP_BIT64("host_tso4", VnetFunc, offloads,                       \
                      VIRTIO_NET_F_HOST_TSO4, true),                         \
    DEFINE_PROP_BIT64("host_tso6", VnetFunc, offloads,                       \
                      VIRTIO_NET_F_HOST_TSO6, true),                         \
    DEFINE_PROP_BIT64("host_ecn", VnetFunc, offloads,                        \
                      VIRTIO_NET_F_HOST_ECN, true),                          \
    DEFINE_PROP_BIT64("host_uso", VnetFunc, offloads,                        \
                      VIRTIO_NET_F_HOST_USO, true),                          \
    DEFINE_PROP_BIT64("guest_tso4", VnetFunc, offloads,                      \
                      VIRTIO_NET_F_GUEST_TSO4, true),                        \
    DEFINE_PROP_BIT64("guest_tso6", VnetFunc, offloads,                      \
                      VIRTIO_NET_F_GUEST_TSO6, true),                        \
    DEFINE_PROP_BIT64("guest_ecn", VnetFunc, offloads,                       \
                      VIRTIO_NET_F_GUEST_ECN, true),                         \
    DEFINE_PROP_BIT64("guest_uso4", VnetFunc, offloads,                      \
                      VIRTIO_NET_F_GUEST_USO4, true),                        \
    DEFINE_PROP_BIT64("guest_uso6", VnetFunc, offloads,                      \
                      VIRTIO_NET_F_GUEST_USO6, true),                        \
    DEFINE_PROP_BIT64("ctrl_guest_offloads", VnetFunc, offloads,             \
                      VIRTIO_NET_F_CTRL_GUEST_OFFLOADS, true),                \
    DEFINE_PROP_BIT64("mrg_rxbuf", VnetFunc, offloads,                       \
                      VIRTIO_NET_F_MRG_RXBUF, true),                         \
    DEFINE_PROP_BIT64("guest_announce", VnetFunc, offloads,                  \
                      VIRTIO_NET_F_GUEST_ANNOUNCE, true),                    \
    DEFINE_PROP_BIT64("ctrl_vlan", VnetFunc, offloads,                       \
                      VIRTIO_NET_F_CTRL_VLAN, true),                         \
    DEFINE_PROP_BIT64("rss", VnetFunc, offloads, VIRTIO_NET_F_RSS, true),     \
    DEFINE_PROP_BIT64("notf_coal", VnetFunc, offloads,                       \
                      VIRTIO_NET_F_NOTF_COAL, true),                         \
    DEFINE_PROP_BIT64("hash", VnetFunc, offloads,                            \
                      VIRTIO_NET_F_HASH_REPORT, false)

#define TYPE_VNET_FUNC "vnet-func"
OBJECT_DECLARE_TYPE(VnetFunc, VnetFuncClass, VNET_FUNC)

/* A queue's used-buffer notifications (one virtqueue's) held back as the
 * driver asked (NOTF_COAL): how many are owed, and the timer that pays
 * them max_usecs after the first. */
typedef struct VnetCoalHold {
    uint32_t pending;
    QEMUTimer *timer;
    VnetFunc *func;
    VirtQueue *vq;
} VnetCoalHold;

/* The driver's coalescing parameters for one direction (ethtool -C). */
typedef struct VnetCoal {
    uint32_t max_packets;
    uint32_t max_usecs;
} VnetCoal;

typedef struct VnetQueue {
    VirtQueue *rx;
    VirtQueue *tx;
    QEMUBH *tx_bh;
    VnetFunc *func;
    /* The uplink queued a frame of ours: wait for its completion. */
    bool tx_waiting;
    /* Frames went onto this RX queue during a burst: the guest is
     * notified when the burst ends (vnet_rx_notify). */
    bool rx_notify_owed;
    VnetCoalHold rx_hold, tx_hold;
    /* query-vnet's per-queue counters (bytes without the virtio header) */
    uint64_t rx_packets, rx_bytes, tx_packets, tx_bytes;
} VnetQueue;

struct VnetFunc {
    VirtIODevice parent_obj;

    /* properties */
    uint32_t queues;
    uint16_t mtu;
    /* VNET_OFFLOAD_FEATURES, MRG_RXBUF, GUEST_ANNOUNCE, CTRL_VLAN, RSS,
     * NOTF_COAL left on, HASH_REPORT turned on */
    uint64_t offloads;

    /* guest-visible state */
    uint8_t mac[ETH_ALEN];
    uint16_t status;
    uint16_t curr_pairs;
    /* Queue pairs laid out before the control queue: `queues` for a
     * driver that negotiated MQ, else 1 (virtio 1.2 §5.1.2). */
    uint16_t laid_pairs;
    bool promisc;
    bool allmulti;
    uint32_t uc_entries;
    uint32_t mc_entries;
    uint8_t uc_table[VNET_MAC_TABLE_KEPT * ETH_ALEN];
    uint8_t mc_table[VNET_MAC_TABLE_KEPT * ETH_ALEN];
    uint32_t vlans[VNET_VLAN_WORDS]; /* VIDs the driver added (CTRL_VLAN) */
    VnetCoal coal_rx, coal_tx;       /* NOTF_COAL, zero out of reset */
    /* The driver's RSS_CONFIG or HASH_CONFIG command (rss_cmd_id) as it
     * sent it (rss_len 0: neither in force), applied again after a
     * migration. */
    uint8_t rss_cmd[VNET_RSS_CMD_MAX];
    uint32_t rss_len;
    uint8_t rss_cmd_id;
    /* The virtio-net header's size, both ways: VNET_HDR_LEN, or
     * VNET_RX_HDR_LEN with HASH_REPORT negotiated. */
    uint32_t hdr_len;
    uint64_t guest_offloads;        /* in force: GUEST_* feature bits */
    uint64_t saved_guest_offloads;  /* as migrated, applied after features */

    VnetQueue vq[VNET_MAX_QUEUE_PAIRS];
    VirtQueue *ctrl_vq;

    VnetDev *dev;           /* the libvnet device behind this function */
    VnetStateBuf state;     /* its run-time state, during a migration */
    const char *name;       /* for traces and libvnet: the device's id */
    /* A child's own net client, peerless, so that set_link and `info
     * network` find the function by its id; made once the machine is
     * ready (a peerless NIC earlier would draw net_check_clients' warning). */
    NICConf link_conf;
    NICState *link_nic;
    Notifier link_ready;

    /* An SR-IOV VF: its number and the host's settings (vnet-vf-set),
     * which libvnet enforces; kept here to report and migrate. */
    bool is_vf;
    uint16_t vf_number;
    bool vf_admin_mac;
    uint8_t vf_mac[ETH_ALEN];  /* with vf_admin_mac: what reset restores */
    bool vf_spoofchk;
    bool vf_trust;
    uint8_t vf_link_state;     /* VnetVfLinkState */
    uint16_t vf_vlan;          /* port VLAN, 0: none */
    uint8_t vf_qos;
};

struct VnetFuncClass {
    VirtioDeviceClass parent_class;
    /* Optional: the guest posted RX buffers, frames held back may go now. */
    void (*flush_queued)(VnetFunc *f);
    /* The MAC the device was configured with (reset restores it). */
    void (*configured_mac)(VnetFunc *f, uint8_t mac[ETH_ALEN]);
    /* query-vnet: kind, mode, flags, lower and addresses. */
    void (*fill_info)(VnetFunc *f, VnetFuncInfo *info);
};

/* vnet-virtio.c: the function's virtio device behaviour */
bool vnet_func_check_props(VnetFunc *f, const char *type, bool child,
                           Error **errp);
bool vnet_func_is_lower(VnetFunc *f);
void vnet_func_init_queues(VnetFunc *f);
void vnet_func_set_pairs(VnetFunc *f, unsigned pairs);
bool vnet_func_offers_rss(const VnetFunc *f);
bool vnet_func_apply_rss(VnetFunc *f, uint8_t cmd, const uint8_t *d,
                         size_t len);
void vnet_func_cleanup_queues(VnetFunc *f);
bool vnet_func_rx_ready(VnetFunc *f);
VnetDeliverResult vnet_func_deliver(VnetFunc *f, const uint8_t *vnet_hdr,
                                    const uint8_t *buf, size_t len,
                                    uint32_t hash);
VnetDeliverResult vnet_func_deliver_iov(VnetFunc *f, const uint8_t *vnet_hdr,
                                        const struct iovec *frame,
                                        unsigned frame_num, uint32_t queue);
void vnet_func_tx_done(VnetFunc *f);
void vnet_func_flush_queued(VnetFunc *f);
/* NOTF_COAL_RX_SET (rx) or _TX_SET: what is owed is paid at once. */
void vnet_func_set_coal(VnetFunc *f, bool rx, uint32_t max_packets,
                        uint32_t max_usecs);
/* After a migration: pay what the source may have owed, later. */
void vnet_func_coal_migrated(VnetFunc *f);
void vnet_func_link_changed(VnetFunc *f, bool up);
void vnet_func_announce(VnetFunc *f);
void vnet_func_mtu_changed(void *opaque, unsigned mtu);
extern const VnetDevOps vnet_func_child_ops;

/* vnet-vmstate.c: live migration */
extern const VMStateDescription vmstate_vnet_func_device;
extern const VMStateDescription vmstate_vnet_multi;
extern const VMStateDescription vmstate_vnet_macvlan;
extern const VMStateDescription vmstate_vnet_ipvlan;

/* vnet-ctrl.c: the control virtqueue */
void vnet_func_handle_ctrl(VirtIODevice *vdev, VirtQueue *vq);

#define TYPE_VNET_MULTI "vnet-multi-device"
OBJECT_DECLARE_SIMPLE_TYPE(VnetMulti, VNET_MULTI)

struct VnetMulti {
    VnetFunc parent_obj;
    NICConf nic_conf;
    NICState *nic;
    QEMUBH *work_bh;                     /* runs libvnet's deferred work */
    QEMUBH *flush_bh;                    /* the uplink's held frames go */
    VMChangeStateEntry *vm_state;        /* held while the VM is stopped */
    char *ip;                            /* ip=: the lower's addresses */
    char *gw;                            /* gw=: its gateways */
    QEMUTimer *timer;                    /* the stack's timers */
    bool l3_proxy;                       /* l3-proxy= */
    uint16_t sriov_max_vfs;              /* sriov-max-vfs=: 0, not a PF */
    char *sriov_kind;                    /* sriov-kind=: macvlan, ipvlan */
    char *sriov_mode;                    /* sriov-mode=: the VFs' mode */
    char *sriov_flags;                   /* sriov-flags=: ipvlan VFs' */
    /* The uplink is a tap with vnet_hdr: each frame both ways carries a
     * virtio-net header, and its offloads pass through. */
    bool wire_hdr;
    /* The PCI function's id and type, so QMP set_link and `info network`
     * name the device the user wrote, not its inner virtio object. */
    char *nc_name;
    char *nc_type;
    QTAILQ_ENTRY(VnetMulti) next;        /* every vnet-multi, for query-vnet */
    uint64_t uplink_rx_packets;          /* taken from the uplink */
    uint64_t uplink_tx_packets;          /* handed to the uplink */
};

/* vnet-sriov.c: function 0 as an SR-IOV physical function */
bool vnet_sriov_check_props(VnetMulti *m, Error **errp);
bool vnet_sriov_check_bus(VirtIOPCIProxy *proxy, VnetMulti *m, Error **errp);
bool vnet_sriov_pf_init(VirtIOPCIProxy *proxy, VnetMulti *m, Error **errp);
void vnet_sriov_pf_exit(VirtIOPCIProxy *proxy);
bool vnet_func_is_disabled_vf(VnetFunc *f);
void vnet_func_apply_vf(VnetFunc *f);
VnetVfInfo *vnet_func_vf_info(VnetFunc *f);

/* vnet-info.c: query-vnet and info vnet */
void vnet_info_register(VnetMulti *m);
void vnet_info_unregister(VnetMulti *m);

/* vnet-multi.c: what the children need of function 0 */
void vnet_pci_class_init_common(ObjectClass *klass, const char *desc,
                                void (*realize)(VirtIOPCIProxy *, Error **));
void vnet_pci_realize_func(VirtIOPCIProxy *vpci_dev, VnetFunc *f,
                           Error **errp);
VnetFunc *vnet_func_of_proxy(Object *obj);
VnetFunc *vnet_func_by_id(const char *id);
PCIDevice *vnet_func_pci(VnetFunc *f);
VnetFunc *vnet_pci_find_lower(VirtIOPCIProxy *vpci, const char *id,
                              const char *type, Error **errp);
void vnet_child_attach(VnetFunc *f);
void vnet_child_unrealize(DeviceState *dev);
void vnet_child_pci_realize(VirtIOPCIProxy *vpci_dev, VnetFunc *f,
                            const char *lower, VnetFunc **lower_func,
                            const char *type, Error **errp);

#define TYPE_VNET_MACVLAN "vnet-macvlan-device"
OBJECT_DECLARE_SIMPLE_TYPE(VnetMacvlan, VNET_MACVLAN)

#define TYPE_VNET_IPVLAN "vnet-ipvlan-device"
OBJECT_DECLARE_SIMPLE_TYPE(VnetIpvlan, VNET_IPVLAN)

struct VnetIpvlan {
    VnetFunc parent_obj;
    char *lower;
    char *mode;
    char *flags;
    char *addrs;          /* fixed addresses, comma-separated */
    VnetFunc *lower_func; /* resolved by the PCI function's realize */
};

struct VnetMacvlan {
    VnetFunc parent_obj;
    char *lower;          /* id of the vnet device below */
    char *mode;
    char *macaddr;        /* source mode's MAC list, comma-separated */
    MACAddr mac;
    VnetFunc *lower_func; /* resolved by the PCI function's realize */
};

#endif
