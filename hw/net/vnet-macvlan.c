/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vnet-macvlan: a macvlan child of a vnet-multi lower port, as its own PCI
 * function (1..7) in the lower's slot. The guest sees the same PV NIC as
 * function 0, with its own MAC and queues; behind it, libvnet's macvlan
 * decides delivery as Linux's drivers/net/macvlan.c does.
 *
 *   -device vnet-multi,id=nic0,netdev=up,addr=5.0,multifunction=on
 *   -device vnet-macvlan,lower=nic0,addr=5.1,mode=bridge[,mac=...]
 *           [,queues=N][,mtu=N][,macaddr=MAC,,MAC...]   (mode=source)
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "hw/pci/pci.h"
#include "hw/qdev-properties.h"
#include "hw/virtio/virtio.h"
#include "hw/virtio/virtio-net.h"
#include "hw/virtio/virtio-pci.h"
#include "migration/vmstate.h"
#include "net/net.h"
#include "hw/net/vnet-multi.h"

static void vnet_macvlan_configured_mac(VnetFunc *f, uint8_t mac[ETH_ALEN])
{
    VnetMacvlan *m = VNET_MACVLAN(f);

    memcpy(mac, m->mac.a, ETH_ALEN);
}

static void vnet_macvlan_realize(DeviceState *dev, Error **errp)
{
    VnetMacvlan *m = VNET_MACVLAN(dev);
    VnetFunc *f = VNET_FUNC(dev);
    VnetFunc *lower = m->lower_func;
    VnetMacvlanMode mode;
    g_autofree uint8_t *macs = NULL;  /* malloc()ed, which g_free takes */
    size_t n_macs = 0;
    const char *field = NULL;
    char why[160];

    assert(lower && lower->dev);
    if (!vnet_parse_macvlan_mode(m->mode, &mode, why, sizeof(why))) {
        error_setg(errp, "vnet-macvlan: property 'mode' %s", why);
        return;
    }
    if (m->macaddr) {
        if (mode != VNET_MACVLAN_SOURCE) {
            error_setg(errp, "vnet-macvlan: property 'macaddr' needs "
                       "mode=source");
            return;
        }
        n_macs = vnet_parse_mac_list(m->macaddr, &macs, why, sizeof(why));
        if (n_macs == SIZE_MAX) {
            error_setg(errp, "vnet-macvlan: property 'macaddr': %s", why);
            return;
        }
    }
    if (!vnet_func_check_props(f, "vnet-macvlan", true, errp)) {
        return;
    }
    qemu_macaddr_default_if_unset(&m->mac);

    vnet_func_init_queues(f);
    f->dev = vnet_macvlan_new(lower->dev, f->name, m->mac.a, f->mtu, mode,
                              false, &vnet_func_child_ops, f, why, sizeof(why),
                              &field);
    if (!f->dev) {
        error_setg(errp, "vnet-macvlan: property '%s': %s", field, why);
        vnet_func_cleanup_queues(f);
        return;
    }
    if (n_macs) {
        vnet_macvlan_macaddr(f->dev, VNET_MACADDR_SET, macs, n_macs);
    }
    vnet_child_attach(f);
    /* passthru takes the lower's MAC; reset must restore that one. */
    memcpy(m->mac.a, f->mac, ETH_ALEN);
}

static void vnet_macvlan_fill_info(VnetFunc *f, VnetFuncInfo *info)
{
    VnetMacvlan *m = VNET_MACVLAN(f);

    info->kind = VNET_FUNC_KIND_MACVLAN;
    info->mode = g_strdup(m->mode);
    info->lower = g_strdup(m->lower);
}

static const Property vnet_macvlan_properties[] = {
    DEFINE_PROP_STRING("lower", VnetMacvlan, lower),
    DEFINE_PROP_STRING("mode", VnetMacvlan, mode),
    DEFINE_PROP_MACADDR("mac", VnetMacvlan, mac),
    DEFINE_PROP_STRING("macaddr", VnetMacvlan, macaddr),
    DEFINE_PROP_UINT32("queues", VnetFunc, queues, 1),
    DEFINE_PROP_UINT16("mtu", VnetFunc, mtu, 0),
    VNET_FUNC_OFFLOAD_PROPERTIES,
};

static void vnet_macvlan_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);
    VirtioDeviceClass *vdc = VIRTIO_DEVICE_CLASS(klass);
    VnetFuncClass *fc = VNET_FUNC_CLASS(klass);

    device_class_set_props(dc, vnet_macvlan_properties);
    object_class_property_set_description(klass, "lower",
        "id of the vnet-multi (or vnet-macvlan) device below; required");
    object_class_property_set_description(klass, "mode",
        "private, vepa, bridge, passthru or source (default vepa, as "
        "'ip link add ... type macvlan')");
    object_class_property_set_description(klass, "mac",
        "the child's own MAC (default: a generated one; passthru takes "
        "the lower's)");
    object_class_property_set_description(klass, "macaddr",
        "mode=source: the source MACs to receive from, comma-separated "
        "(write ',,' between them on the command line)");
    object_class_property_set_description(klass, "queues",
        "RX/TX queue pairs, 1..16");
    object_class_property_set_description(klass, "mtu",
        "MTU offered to the guest, 68..the lower's (0: the lower's)");
    dc->vmsd = &vmstate_vnet_macvlan;
    set_bit(DEVICE_CATEGORY_NETWORK, dc->categories);
    vdc->realize = vnet_macvlan_realize;
    vdc->unrealize = vnet_child_unrealize;
    fc->configured_mac = vnet_macvlan_configured_mac;
    fc->fill_info = vnet_macvlan_fill_info;
}

static void vnet_macvlan_instance_init(Object *obj)
{
    VnetMacvlan *m = VNET_MACVLAN(obj);

    m->mode = g_strdup("vepa");
}

static const TypeInfo vnet_macvlan_info = {
    .name = TYPE_VNET_MACVLAN,
    .parent = TYPE_VNET_FUNC,
    .instance_size = sizeof(VnetMacvlan),
    .instance_init = vnet_macvlan_instance_init,
    .class_init = vnet_macvlan_class_init,
};

/* ---- the PCI function ---- */

#define TYPE_VNET_MACVLAN_PCI "vnet-macvlan-base"
OBJECT_DECLARE_SIMPLE_TYPE(VnetMacvlanPCI, VNET_MACVLAN_PCI)

struct VnetMacvlanPCI {
    VirtIOPCIProxy parent_obj;
    VnetMacvlan vdev;
};

static void vnet_macvlan_pci_realize(VirtIOPCIProxy *vpci_dev, Error **errp)
{
    VnetMacvlanPCI *p = VNET_MACVLAN_PCI(vpci_dev);

    vnet_child_pci_realize(vpci_dev, VNET_FUNC(&p->vdev), p->vdev.lower,
                           &p->vdev.lower_func, "vnet-macvlan", errp);
}

static void vnet_macvlan_pci_class_init(ObjectClass *klass, void *data)
{
    vnet_pci_class_init_common(klass, "vnet-macvlan: a macvlan child of a "
                               "vnet-multi lower, as its own PV NIC function",
                               vnet_macvlan_pci_realize);
}

static void vnet_macvlan_pci_instance_init(Object *obj)
{
    VnetMacvlanPCI *p = VNET_MACVLAN_PCI(obj);

    virtio_instance_init_common(obj, &p->vdev, sizeof(p->vdev),
                                TYPE_VNET_MACVLAN);
}

static const VirtioPCIDeviceTypeInfo vnet_macvlan_pci_info = {
    .base_name = TYPE_VNET_MACVLAN_PCI,
    .non_transitional_name = "vnet-macvlan",
    .instance_size = sizeof(VnetMacvlanPCI),
    .instance_init = vnet_macvlan_pci_instance_init,
    .class_init = vnet_macvlan_pci_class_init,
};

static void vnet_macvlan_register_types(void)
{
    type_register_static(&vnet_macvlan_info);
    virtio_pci_types_register(&vnet_macvlan_pci_info);
}

type_init(vnet_macvlan_register_types)
