/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vnet-multi: function 0, the lower port.
 *
 * Its wire is the -netdev uplink; the guest's function 0 stands for the
 * lower device's own host stack, so frames no child's rx_handler claims
 * land on its RX rings, and its TX goes to the uplink as the lower's own
 * dev_queue_xmit would. This file is function 0 and its PCI wrapper; what
 * the children share is vnet-child.c, what every PCI function shares
 * vnet-pci.c.
 *
 *   -netdev user,id=up -device vnet-multi,netdev=up[,queues=N][,mac=...]
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "hw/qdev-properties.h"
#include "hw/virtio/virtio.h"
#include "hw/virtio/virtio-net.h"
#include "hw/virtio/virtio-pci.h"
#include "hw/virtio/virtio-bus.h"
#include "hw/pci/pci.h"
#include "qemu/main-loop.h"
#include "qemu/cutils.h"
#include "qemu/sockets.h"
#include "qemu/timer.h"
#include "migration/vmstate.h"
#include "net/net.h"
#include "system/runstate.h"
#include "system/system.h"
#include "hw/net/vnet-multi.h"

/* ---- uplink netdev ---- */

static bool vnet_multi_can_receive(NetClientState *nc)
{
    VnetMulti *m = VNET_MULTI(qemu_get_nic_opaque(nc));

    /* A stopped VM takes nothing: the net layer holds the frames until
     * it runs again (taking them would drop them, every function down). */
    if (!VIRTIO_DEVICE(m)->vm_running) {
        return false;
    }
    /* With children, frames flow whatever function 0's ring holds. */
    return !vnet_dev_rx_holds_when_busy(VNET_FUNC(m)->dev) ||
           vnet_func_rx_ready(VNET_FUNC(m));
}

static ssize_t vnet_multi_receive(NetClientState *nc, const uint8_t *buf,
                                  size_t size)
{
    VnetMulti *m = VNET_MULTI(qemu_get_nic_opaque(nc));

    VnetRxResult r = m->wire_hdr
        ? vnet_dev_receive_hdr(VNET_FUNC(m)->dev, buf, size)
        : vnet_dev_receive(VNET_FUNC(m)->dev, buf, size);

    /* Busy: the net layer keeps the frame and retries after a flush. */
    if (r == VNET_RX_BUSY) {
        return 0;
    }
    m->uplink_rx_packets++;
    return size;
}

static void vnet_multi_link_status_changed(NetClientState *nc)
{
    VnetFunc *f = VNET_FUNC(qemu_get_nic_opaque(nc));

    /* libvnet carries it to the children and calls back for each. */
    vnet_dev_set_carrier(f->dev, !nc->link_down);
}

static void vnet_multi_announce_one(void *unused, void *func)
{
    vnet_func_announce(VNET_FUNC(func));
}

/* QEMU announces the VM on this NIC (it has sent function 0's RARP):
 * every function's guest announces its own addresses. */
static void vnet_multi_announce(NetClientState *nc)
{
    VnetFunc *f = VNET_FUNC(qemu_get_nic_opaque(nc));

    vnet_dev_for_each(f->dev, vnet_multi_announce_one, NULL);
}

static NetClientInfo vnet_multi_nic_info = {
    .type = NET_CLIENT_DRIVER_NIC,
    .size = sizeof(NICState),
    .can_receive = vnet_multi_can_receive,
    .receive = vnet_multi_receive,
    .link_status_changed = vnet_multi_link_status_changed,
    .announce = vnet_multi_announce,
};

static void vnet_multi_tx_done_one(void *unused, void *func)
{
    vnet_func_tx_done(VNET_FUNC(func));
}

static void vnet_multi_sent(NetClientState *nc, ssize_t len)
{
    VnetMulti *m = VNET_MULTI(qemu_get_nic_opaque(nc));

    /* Any function's frame may be the one the uplink held. */
    vnet_dev_for_each(VNET_FUNC(m)->dev, vnet_multi_tx_done_one, NULL);
}

/* libvnet's lower device hands a frame to its wire, in pieces (a large
 * one from a guest's TX ring has its payload in the guest's buffers: a tap
 * writes them straight out, a net queue that must wait copies them). A tap
 * with vnet_hdr takes the header before the frame; any other uplink takes
 * no offload (libvnet has done it in software) and no header. */
static VnetXmitResult vnet_multi_xmit_iov(void *opaque,
                                          const uint8_t *vnet_hdr,
                                          const struct iovec *frame,
                                          unsigned n)
{
    VnetMulti *m = opaque;
    struct iovec iov[1 + VNET_MAX_PIECES];
    ssize_t sent;

    assert(n <= VNET_MAX_PIECES);
    iov[0] = (struct iovec) { .iov_base = (void *)vnet_hdr,
                              .iov_len = VNET_NET_HDR_LEN };
    memcpy(&iov[1], frame, n * sizeof(*frame));
    m->uplink_tx_packets++;  /* sent now or held by the net queue */
    if (m->wire_hdr) {
        sent = qemu_sendv_packet_async(qemu_get_queue(m->nic), iov, n + 1,
                                       vnet_multi_sent);
    } else {
        sent = qemu_sendv_packet_async(qemu_get_queue(m->nic), &iov[1], n,
                                       vnet_multi_sent);
    }
    return sent ? VNET_XMIT_SENT : VNET_XMIT_QUEUED;
}

static VnetXmitResult vnet_multi_xmit(void *opaque, const uint8_t *vnet_hdr,
                                      const uint8_t *frame, size_t len)
{
    const struct iovec iov = { .iov_base = (void *)frame, .iov_len = len };

    return vnet_multi_xmit_iov(opaque, vnet_hdr, &iov, 1);
}

/* What the lower's wire takes and gives whole, as GUEST_* bits: a tap
 * with vnet_hdr does checksums and TCP segmentation (and UDP's where its
 * kernel has USO), as virtio-net asks of it. */
static void vnet_multi_setup_wire_offloads(VnetMulti *m)
{
    NetClientState *peer = qemu_get_queue(m->nic)->peer;
    uint64_t take;
    bool uso;

    m->wire_hdr = peer && qemu_has_vnet_hdr(peer) &&
                  qemu_has_vnet_hdr_len(peer, VNET_NET_HDR_LEN);
    if (!m->wire_hdr) {
        return;
    }
    qemu_set_vnet_hdr_len(peer, VNET_NET_HDR_LEN);
    qemu_set_vnet_le(peer, true);  /* virtio 1.x headers are little-endian */
    uso = qemu_has_uso(peer);
    take = BIT_ULL(VIRTIO_NET_F_GUEST_CSUM) | BIT_ULL(VIRTIO_NET_F_GUEST_TSO4) |
           BIT_ULL(VIRTIO_NET_F_GUEST_TSO6) | BIT_ULL(VIRTIO_NET_F_GUEST_ECN);
    if (uso) {
        take |= BIT_ULL(VIRTIO_NET_F_GUEST_USO4) |
                BIT_ULL(VIRTIO_NET_F_GUEST_USO6);
    }
    qemu_set_offload(peer, 1, 1, 1, 1, 0, uso, uso);
    vnet_lower_set_wire_offloads(VNET_FUNC(m)->dev, take);
}

static VnetDeliverResult vnet_multi_deliver(void *opaque,
                                            const uint8_t *vnet_hdr,
                                            const uint8_t *frame,
                                            size_t len, uint32_t hash)
{
    return vnet_func_deliver(VNET_FUNC(opaque), vnet_hdr, frame, len, hash);
}

static VnetDeliverResult vnet_multi_deliver_iov(void *opaque,
                                                const uint8_t *vnet_hdr,
                                                const struct iovec *frame,
                                                unsigned n, uint32_t hash)
{
    return vnet_func_deliver_iov(VNET_FUNC(opaque), vnet_hdr, frame, n, hash);
}

static void vnet_multi_carrier_changed(void *opaque, bool on)
{
    vnet_func_link_changed(VNET_FUNC(opaque), on);
}

static void vnet_multi_kick_work(void *opaque)
{
    qemu_bh_schedule(VNET_MULTI(opaque)->work_bh);
}

static void vnet_multi_work_bh(void *opaque)
{
    vnet_dev_run_work(VNET_FUNC(opaque)->dev);
}

static uint64_t vnet_multi_now_ms(void *opaque)
{
    return qemu_clock_get_ms(QEMU_CLOCK_VIRTUAL);
}

/*
 * The stack's timers (neighbours, ipvlan's probes for unknown addresses):
 * libvnet says when it wants to run next, 1 s idle, 100 ms while probing.
 */
static void vnet_multi_timer_tick(void *opaque)
{
    VnetMulti *m = opaque;
    unsigned next = vnet_dev_run_timers(VNET_FUNC(m)->dev);

    timer_mod(m->timer, qemu_clock_get_ms(QEMU_CLOCK_VIRTUAL) + next);
}

static void vnet_multi_timers_soon(void *opaque, unsigned ms)
{
    VnetMulti *m = opaque;

    if (m->timer) {
        timer_mod_anticipate(m->timer,
                             qemu_clock_get_ms(QEMU_CLOCK_VIRTUAL) + ms);
    }
}

/* ip= and gw=, as libvnet reads them. */
static bool vnet_multi_parse_inet(VnetMulti *m, VnetInetConfig *cfg,
                                  Error **errp)
{
    const char *field;
    char why[160];

    if (!vnet_parse_inet(m->ip, m->gw, cfg, why, sizeof(why), &field)) {
        error_setg(errp, "vnet-multi: property '%s': %s", field, why);
        return false;
    }
    cfg->l3_proxy_off = !m->l3_proxy;
    return true;
}

static const VnetDevOps vnet_multi_ops = {
    .xmit = vnet_multi_xmit,
    .xmit_iov = vnet_multi_xmit_iov,
    .deliver = vnet_multi_deliver,
    .deliver_iov = vnet_multi_deliver_iov,
    .carrier_changed = vnet_multi_carrier_changed,
    .kick_work = vnet_multi_kick_work,
    .now_ms = vnet_multi_now_ms,
    .timers_soon = vnet_multi_timers_soon,
    .mtu_changed = vnet_func_mtu_changed,
};

static void vnet_multi_flush_queued(VnetFunc *f)
{
    qemu_flush_queued_packets(qemu_get_queue(VNET_MULTI(f)->nic));
}

/* After every device has seen the VM start (a bottom half runs after all
 * the run-state handlers), the frames held while it was stopped go. */
static void vnet_multi_flush_bh(void *opaque)
{
    vnet_multi_flush_queued(VNET_FUNC(opaque));
}

static void vnet_multi_vm_state_change(void *opaque, bool running,
                                       RunState state)
{
    VnetMulti *m = opaque;

    if (running) {
        qemu_bh_schedule(m->flush_bh);
    }
}

static void vnet_multi_configured_mac(VnetFunc *f, uint8_t mac[ETH_ALEN])
{
    memcpy(mac, VNET_MULTI(f)->nic_conf.macaddr.a, ETH_ALEN);
}

static void vnet_multi_fill_info(VnetFunc *f, VnetFuncInfo *info)
{
    g_auto(GStrv) ips = g_strsplit(VNET_MULTI(f)->ip ? VNET_MULTI(f)->ip : "",
                                   ",", -1);
    strList **tail = &info->addresses;

    info->kind = VNET_FUNC_KIND_LOWER;
    for (char **p = ips; *p; p++) {
        if (**p) {
            QAPI_LIST_APPEND(tail, g_strdup(*p));
        }
    }
}

/* ---- the virtio device ---- */

static void vnet_multi_realize(DeviceState *dev, Error **errp)
{
    VnetMulti *m = VNET_MULTI(dev);
    VnetFunc *f = VNET_FUNC(dev);
    NetClientState *nc;
    VnetInetConfig inet;

    if (!vnet_func_check_props(f, "vnet-multi", false, errp) ||
        !vnet_multi_parse_inet(m, &inet, errp) ||
        !vnet_sriov_check_props(m, errp)) {
        return;
    }
    qemu_macaddr_default_if_unset(&m->nic_conf.macaddr);
    memcpy(f->mac, m->nic_conf.macaddr.a, ETH_ALEN);

    vnet_func_init_queues(f);
    m->work_bh = qemu_bh_new_guarded(vnet_multi_work_bh, m,
                                     &dev->mem_reentrancy_guard);
    m->flush_bh = qemu_bh_new_guarded(vnet_multi_flush_bh, m,
                                      &dev->mem_reentrancy_guard);
    m->vm_state = qemu_add_vm_change_state_handler(vnet_multi_vm_state_change,
                                                   m);
    m->nic = qemu_new_nic(&vnet_multi_nic_info, &m->nic_conf,
                          m->nc_type ? m->nc_type
                                     : object_get_typename(OBJECT(dev)),
                          m->nc_name ? m->nc_name : dev->id,
                          &dev->mem_reentrancy_guard, m);
    nc = qemu_get_queue(m->nic);
    qemu_format_nic_info_str(nc, f->mac);
    f->name = nc->name;
    f->dev = vnet_lower_new(nc->name, f->mac, f->mtu, &vnet_multi_ops, m);
    vnet_multi_setup_wire_offloads(m);
    vnet_dev_set_carrier(f->dev, !nc->link_down);
    if (inet.has_ip4 || inet.has_ip6) {
        vnet_lower_set_inet(f->dev, &inet);
    }
    m->timer = timer_new_ms(QEMU_CLOCK_VIRTUAL, vnet_multi_timer_tick, m);
    timer_mod(m->timer, qemu_clock_get_ms(QEMU_CLOCK_VIRTUAL) + 1000);
    vnet_info_register(m);
}

static void vnet_multi_unrealize(DeviceState *dev)
{
    VnetMulti *m = VNET_MULTI(dev);
    VnetFunc *f = VNET_FUNC(dev);

    vnet_info_unregister(m);
    qemu_del_vm_change_state_handler(m->vm_state);
    qemu_bh_delete(m->flush_bh);
    qemu_bh_delete(m->work_bh);
    timer_free(m->timer);
    m->timer = NULL;
    qemu_del_nic(m->nic);
    vnet_func_cleanup_queues(f);
    vnet_dev_free(f->dev);
    f->dev = NULL;  /* children outliving their lower are left down */
    g_free(m->nc_name);
    g_free(m->nc_type);
    m->nc_name = m->nc_type = NULL;
}

static const Property vnet_multi_properties[] = {
    DEFINE_NIC_PROPERTIES(VnetMulti, nic_conf),
    DEFINE_PROP_UINT32("queues", VnetFunc, queues, 1),
    DEFINE_PROP_UINT16("mtu", VnetFunc, mtu, 1500),
    VNET_FUNC_OFFLOAD_PROPERTIES,
    DEFINE_PROP_STRING("ip", VnetMulti, ip),
    DEFINE_PROP_STRING("gw", VnetMulti, gw),
    DEFINE_PROP_BOOL("l3-proxy", VnetMulti, l3_proxy, true),
    DEFINE_PROP_UINT16("sriov-max-vfs", VnetMulti, sriov_max_vfs, 0),
    DEFINE_PROP_STRING("sriov-kind", VnetMulti, sriov_kind),
    DEFINE_PROP_STRING("sriov-mode", VnetMulti, sriov_mode),
    DEFINE_PROP_STRING("sriov-flags", VnetMulti, sriov_flags),
};

static void vnet_multi_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);
    VirtioDeviceClass *vdc = VIRTIO_DEVICE_CLASS(klass);
    VnetFuncClass *fc = VNET_FUNC_CLASS(klass);

    device_class_set_props(dc, vnet_multi_properties);
    object_class_property_set_description(klass, "queues",
        "RX/TX queue pairs, 1..16; the guest picks how many are active "
        "(ethtool -L)");
    object_class_property_set_description(klass, "mtu",
        "the lower's MTU, offered to the guest (VIRTIO_NET_F_MTU), "
        "68..65535; the children's bound");
    object_class_property_set_description(klass, "ip",
        "the lower's own IPv4 and/or IPv6 address with prefix length "
        "(10.0.2.15/24,,fd00::15/64): its IP layer, which ipvlan l3/l3s "
        "children route through");
    object_class_property_set_description(klass, "gw",
        "the IP layer's default gateways (10.0.2.2,,fd00::2)");
    object_class_property_set_description(klass, "l3-proxy",
        "the lower answers ARP/NS from the uplink for its ipvlan l3/l3s "
        "children's addresses (off: none, as Linux; the outside routes "
        "them via the lower's address)");
    object_class_property_set_description(klass, "sriov-max-vfs",
        "SR-IOV: VFs the guest may create with sriov_numvfs, 0..128 "
        "(default 0: none); needs a PCI Express port");
    object_class_property_set_description(klass, "sriov-kind",
        "SR-IOV: what a VF is on this lower: macvlan (default) or ipvlan");
    object_class_property_set_description(klass, "sriov-mode",
        "SR-IOV: the VFs' mode; macvlan: bridge (an eswitch's VEB, "
        "default), vepa or private; ipvlan: l2 (default), l3 or l3s");
    object_class_property_set_description(klass, "sriov-flags",
        "SR-IOV, sriov-kind=ipvlan: bridge (default), private or vepa");
    dc->vmsd = &vmstate_vnet_multi;
    set_bit(DEVICE_CATEGORY_NETWORK, dc->categories);
    vdc->realize = vnet_multi_realize;
    vdc->unrealize = vnet_multi_unrealize;
    fc->flush_queued = vnet_multi_flush_queued;
    fc->configured_mac = vnet_multi_configured_mac;
    fc->fill_info = vnet_multi_fill_info;
}

static const TypeInfo vnet_multi_info = {
    .name = TYPE_VNET_MULTI,
    .parent = TYPE_VNET_FUNC,
    .instance_size = sizeof(VnetMulti),
    .class_init = vnet_multi_class_init,
};

/* ---- the PCI function ---- */

#define TYPE_VNET_MULTI_PCI "vnet-multi-base"
OBJECT_DECLARE_SIMPLE_TYPE(VnetMultiPCI, VNET_MULTI_PCI)

struct VnetMultiPCI {
    VirtIOPCIProxy parent_obj;
    VnetMulti vdev;
};

static void vnet_multi_pci_realize(VirtIOPCIProxy *vpci_dev, Error **errp)
{
    ERRP_GUARD();
    VnetMultiPCI *p = VNET_MULTI_PCI(vpci_dev);
    VnetFunc *f = VNET_FUNC(&p->vdev);
    DeviceState *qdev = DEVICE(vpci_dev);

    g_free(p->vdev.nc_name);
    g_free(p->vdev.nc_type);
    p->vdev.nc_name = g_strdup(qdev->id);
    p->vdev.nc_type = g_strdup(object_get_typename(OBJECT(qdev)));
    if (!vnet_sriov_check_bus(vpci_dev, &p->vdev, errp)) {
        return;
    }
    vnet_pci_realize_func(vpci_dev, f, errp);
    if (!*errp) {
        vnet_sriov_pf_init(vpci_dev, &p->vdev, errp);
    }
}

/* virtio-pci's exit, which ours runs after removing the VFs. */
static void (*vnet_multi_pci_parent_exit)(PCIDevice *pci);

static void vnet_multi_pci_exit(PCIDevice *pci)
{
    vnet_sriov_pf_exit(VIRTIO_PCI(pci));
    vnet_multi_pci_parent_exit(pci);
}

static void vnet_multi_pci_class_init(ObjectClass *klass, void *data)
{
    PCIDeviceClass *k = PCI_DEVICE_CLASS(klass);

    vnet_pci_class_init_common(klass, "vnet-multi lower port: PV NIC "
                               "function 0 on an embedded network stack",
                               vnet_multi_pci_realize);
    vnet_multi_pci_parent_exit = k->exit;
    k->exit = vnet_multi_pci_exit;
}

static void vnet_multi_pci_instance_init(Object *obj)
{
    VnetMultiPCI *p = VNET_MULTI_PCI(obj);

    virtio_instance_init_common(obj, &p->vdev, sizeof(p->vdev),
                                TYPE_VNET_MULTI);
}

static const VirtioPCIDeviceTypeInfo vnet_multi_pci_info = {
    .base_name = TYPE_VNET_MULTI_PCI,
    /* Modern only: virtio 1.x, device ID 0x1041, no legacy I/O BAR. */
    .non_transitional_name = "vnet-multi",
    .instance_size = sizeof(VnetMultiPCI),
    .instance_init = vnet_multi_pci_instance_init,
    .class_init = vnet_multi_pci_class_init,
};

static void vnet_multi_register_types(void)
{
    type_register_static(&vnet_multi_info);
    virtio_pci_types_register(&vnet_multi_pci_info);
}

type_init(vnet_multi_register_types)
