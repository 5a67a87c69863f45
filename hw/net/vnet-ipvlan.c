/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vnet-ipvlan: an ipvlan child of a vnet-multi lower port (or of one of its
 * macvlan children), as its own PCI function 1..7 in the lower's slot. It
 * carries the lower's MAC; libvnet's ipvlan tells the children apart by IP
 * address, as Linux's drivers/net/ipvlan does.
 *
 *   -device vnet-ipvlan,lower=nic0,addr=5.1,mode=l2[,flags=bridge|private|vepa]
 *           [,addrs=IP,,IP...][,queues=N][,mtu=N]
 *
 * Without addrs= the child's addresses are learned from what it sends.
 * Modes l3 and l3s route through the lower's IP layer (ip=, gw= on
 * vnet-multi), which answers the child's ARP/ND with the shared MAC.
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "hw/pci/pci.h"
#include "hw/qdev-properties.h"
#include "hw/virtio/virtio.h"
#include "hw/virtio/virtio-pci.h"
#include "migration/vmstate.h"
#include "qemu/sockets.h"
#include "hw/net/vnet-multi.h"

static bool vnet_ipvlan_parse(VnetIpvlan *v, VnetFunc *lower,
                              VnetIpvlanMode *mode, uint16_t *flags,
                              Error **errp)
{
    char why[160];

    if (!vnet_parse_ipvlan_mode(v->mode, mode, why, sizeof(why))) {
        error_setg(errp, "vnet-ipvlan: property 'mode' %s", why);
        return false;
    }
    if (*mode != VNET_IPVLAN_L2 && !vnet_dev_has_inet(lower->dev)) {
        error_setg(errp, "vnet-ipvlan: property 'mode': %s routes "
                   "through the lower's IP layer: give the vnet-multi "
                   "device ip= (and gw=)", v->mode);
        return false;
    }
    if (!vnet_parse_ipvlan_flags(v->flags, flags, why, sizeof(why))) {
        error_setg(errp, "vnet-ipvlan: property 'flags' %s", why);
        return false;
    }
    return true;
}

/* Gives the child the addresses of addrs=; false (errp set) on a bad one. */
static bool vnet_ipvlan_add_addrs(VnetFunc *f, const char *list, Error **errp)
{
    g_autofree VnetIpAddr *addrs = NULL;  /* malloc()ed, which g_free takes */
    char why[160];
    size_t n = vnet_parse_ip_list(list, &addrs, why, sizeof(why));

    if (n == SIZE_MAX) {
        error_setg(errp, "vnet-ipvlan: property 'addrs': %s", why);
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        if (!vnet_ipvlan_add_addr(f->dev, addrs[i].b, addrs[i].v6)) {
            g_autofree char *a = vnet_ip_strdup(&addrs[i]);

            error_setg(errp, "vnet-ipvlan: property 'addrs': '%s' belongs to "
                       "another ipvlan child of this lower (EADDRINUSE)", a);
            return false;
        }
    }
    return true;
}

static void vnet_ipvlan_configured_mac(VnetFunc *f, uint8_t mac[ETH_ALEN])
{
    vnet_dev_get_mac(f->dev, mac);  /* always the lower's */
}

static void vnet_ipvlan_realize(DeviceState *dev, Error **errp)
{
    VnetIpvlan *v = VNET_IPVLAN(dev);
    VnetFunc *f = VNET_FUNC(dev);
    VnetFunc *lower = v->lower_func;
    VnetIpvlanMode mode;
    uint16_t flags;
    const char *field = NULL;
    char why[160];

    assert(lower && lower->dev);
    if (!vnet_ipvlan_parse(v, lower, &mode, &flags, errp)) {
        return;
    }
    if (!vnet_func_check_props(f, "vnet-ipvlan", true, errp)) {
        return;
    }
    vnet_func_init_queues(f);
    f->dev = vnet_ipvlan_new(lower->dev, f->name, f->mtu, mode, flags,
                             &vnet_func_child_ops, f, why, sizeof(why), &field);
    if (!f->dev) {
        error_setg(errp, "vnet-ipvlan: property '%s': %s", field, why);
        vnet_func_cleanup_queues(f);
        return;
    }
    if (v->addrs && !vnet_ipvlan_add_addrs(f, v->addrs, errp)) {
        vnet_dev_free(f->dev);
        f->dev = NULL;
        vnet_func_cleanup_queues(f);
        return;
    }
    vnet_ipvlan_set_learning(f->dev, !v->addrs);
    vnet_child_attach(f);
}

static void vnet_ipvlan_addr_str(void *opaque, const uint8_t *addr, bool v6)
{
    strList ***tail = opaque;
    VnetIpAddr a = { .v6 = v6 };

    memcpy(a.b, addr, v6 ? 16 : 4);
    QAPI_LIST_APPEND(*tail, vnet_ip_strdup(&a));
}

static void vnet_ipvlan_learned_info(void *opaque, const uint8_t *addr,
                                     bool v6, uint64_t age_ms)
{
    VnetLearnedAddressList ***tail = opaque;
    VnetLearnedAddress *l = g_new0(VnetLearnedAddress, 1);
    VnetIpAddr a = { .v6 = v6 };

    memcpy(a.b, addr, v6 ? 16 : 4);
    l->address = vnet_ip_strdup(&a);
    l->age_ms = age_ms;
    QAPI_LIST_APPEND(*tail, l);
}

static void vnet_ipvlan_fill_info(VnetFunc *f, VnetFuncInfo *info)
{
    VnetLearnedAddressList **ltail = &info->learned;
    VnetIpvlan *v = VNET_IPVLAN(f);
    strList **tail = &info->addresses;

    info->kind = VNET_FUNC_KIND_IPVLAN;
    info->mode = g_strdup(v->mode);
    info->flags = g_strdup(v->flags);
    info->lower = g_strdup(v->lower);
    vnet_ipvlan_addrs(f->dev, vnet_ipvlan_addr_str, &tail);
    vnet_ipvlan_learned(f->dev, vnet_ipvlan_learned_info, &ltail);
}

static const Property vnet_ipvlan_properties[] = {
    DEFINE_PROP_STRING("lower", VnetIpvlan, lower),
    DEFINE_PROP_STRING("mode", VnetIpvlan, mode),
    DEFINE_PROP_STRING("flags", VnetIpvlan, flags),
    DEFINE_PROP_STRING("addrs", VnetIpvlan, addrs),
    DEFINE_PROP_UINT32("queues", VnetFunc, queues, 1),
    DEFINE_PROP_UINT16("mtu", VnetFunc, mtu, 0),
    VNET_FUNC_OFFLOAD_PROPERTIES,
};

static void vnet_ipvlan_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);
    VirtioDeviceClass *vdc = VIRTIO_DEVICE_CLASS(klass);
    VnetFuncClass *fc = VNET_FUNC_CLASS(klass);

    device_class_set_props(dc, vnet_ipvlan_properties);
    object_class_property_set_description(klass, "lower",
        "id of the vnet-multi (or vnet-macvlan, vnet-ipvlan) device below");
    object_class_property_set_description(klass, "mode",
        "l2, l3 or l3s (default l3, as 'ip link'; l3/l3s need ip= on the "
        "vnet-multi lower)");
    object_class_property_set_description(klass, "flags",
        "bridge, private or vepa (default bridge); the port's, as in Linux");
    object_class_property_set_description(klass, "addrs",
        "the child's IPv4/IPv6 addresses, comma-separated (',,' on the "
        "command line); without it they are learned from what it sends");
    object_class_property_set_description(klass, "queues",
        "RX/TX queue pairs, 1..16");
    object_class_property_set_description(klass, "mtu",
        "MTU offered to the guest, 68..the lower's (0: the lower's)");
    dc->vmsd = &vmstate_vnet_ipvlan;
    set_bit(DEVICE_CATEGORY_NETWORK, dc->categories);
    vdc->realize = vnet_ipvlan_realize;
    vdc->unrealize = vnet_child_unrealize;
    fc->configured_mac = vnet_ipvlan_configured_mac;
    fc->fill_info = vnet_ipvlan_fill_info;
}

static void vnet_ipvlan_instance_init(Object *obj)
{
    VnetIpvlan *v = VNET_IPVLAN(obj);

    v->mode = g_strdup("l3");
    v->flags = g_strdup("bridge");
}

static const TypeInfo vnet_ipvlan_info = {
    .name = TYPE_VNET_IPVLAN,
    .parent = TYPE_VNET_FUNC,
    .instance_size = sizeof(VnetIpvlan),
    .instance_init = vnet_ipvlan_instance_init,
    .class_init = vnet_ipvlan_class_init,
};

/* ---- the PCI function ---- */

#define TYPE_VNET_IPVLAN_PCI "vnet-ipvlan-base"
OBJECT_DECLARE_SIMPLE_TYPE(VnetIpvlanPCI, VNET_IPVLAN_PCI)

struct VnetIpvlanPCI {
    VirtIOPCIProxy parent_obj;
    VnetIpvlan vdev;
};

static void vnet_ipvlan_pci_realize(VirtIOPCIProxy *vpci_dev, Error **errp)
{
    VnetIpvlanPCI *p = VNET_IPVLAN_PCI(vpci_dev);

    vnet_child_pci_realize(vpci_dev, VNET_FUNC(&p->vdev), p->vdev.lower,
                           &p->vdev.lower_func, "vnet-ipvlan", errp);
}

static void vnet_ipvlan_pci_class_init(ObjectClass *klass, void *data)
{
    vnet_pci_class_init_common(klass, "vnet-ipvlan: an ipvlan child of a "
                               "vnet-multi lower, as its own PV NIC function",
                               vnet_ipvlan_pci_realize);
}

static void vnet_ipvlan_pci_instance_init(Object *obj)
{
    VnetIpvlanPCI *p = VNET_IPVLAN_PCI(obj);

    virtio_instance_init_common(obj, &p->vdev, sizeof(p->vdev),
                                TYPE_VNET_IPVLAN);
}

static const VirtioPCIDeviceTypeInfo vnet_ipvlan_pci_info = {
    .base_name = TYPE_VNET_IPVLAN_PCI,
    .non_transitional_name = "vnet-ipvlan",
    .instance_size = sizeof(VnetIpvlanPCI),
    .instance_init = vnet_ipvlan_pci_instance_init,
    .class_init = vnet_ipvlan_pci_class_init,
};

static void vnet_ipvlan_register_types(void)
{
    type_register_static(&vnet_ipvlan_info);
    virtio_pci_types_register(&vnet_ipvlan_pci_info);
}

type_init(vnet_ipvlan_register_types)
