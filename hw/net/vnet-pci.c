/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What every vnet PCI function shares (function 0 and the children):
 * virtio-net's IDs on a modern-only virtio-pci proxy, the transport
 * properties and vector count, finding a function by its id, and the
 * checks that put a child in its lower's slot.
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "hw/qdev-properties.h"
#include "hw/pci/pci.h"
#include "hw/virtio/virtio.h"
#include "hw/virtio/virtio-bus.h"
#include "hw/virtio/virtio-pci.h"
#include "hw/net/vnet-multi.h"

/* Shared by every vnet PCI function. */
static const Property vnet_pci_properties[] = {
    DEFINE_PROP_BIT("ioeventfd", VirtIOPCIProxy, flags,
                    VIRTIO_PCI_FLAG_USE_IOEVENTFD_BIT, true),
    DEFINE_PROP_UINT32("vectors", VirtIOPCIProxy, nvectors,
                       DEV_NVECTORS_UNSPECIFIED),
};

void vnet_pci_realize_func(VirtIOPCIProxy *vpci_dev, VnetFunc *f, Error **errp)
{
    if (vpci_dev->nvectors == DEV_NVECTORS_UNSPECIFIED) {
        /* One per queue, one for config changes, one for the control vq;
         * a bad 'queues' is refused by the function's realize. */
        vpci_dev->nvectors = 2 * MIN(MAX(f->queues, 1), VNET_MAX_QUEUE_PAIRS)
                             + 2;
    }
    qdev_realize(DEVICE(f), BUS(&vpci_dev->bus), errp);
}

/* What every vnet PCI function shares: virtio-net's IDs, no option ROM,
 * the transport properties. */
void vnet_pci_class_init_common(ObjectClass *klass, const char *desc,
                                void (*realize)(VirtIOPCIProxy *, Error **))
{
    DeviceClass *dc = DEVICE_CLASS(klass);
    PCIDeviceClass *k = PCI_DEVICE_CLASS(klass);

    /* No option ROM: guests boot from elsewhere; network boot is not a goal. */
    k->romfile = NULL;
    k->vendor_id = PCI_VENDOR_ID_REDHAT_QUMRANET;
    k->device_id = PCI_DEVICE_ID_VIRTIO_NET;
    k->revision = VIRTIO_PCI_ABI_VERSION;
    k->class_id = PCI_CLASS_NETWORK_ETHERNET;
    set_bit(DEVICE_CATEGORY_NETWORK, dc->categories);
    dc->desc = desc;
    device_class_set_props(dc, vnet_pci_properties);
    object_class_property_set_description(klass, "vectors",
        "MSI-X vectors (default: 2 per queue pair + 2, one each)");
    object_class_property_set_description(klass, "ioeventfd",
        "kick the rings through eventfds (default on)");
    VIRTIO_PCI_CLASS(klass)->realize = realize;
}

/* The lower named by 'lower=', in the same slot, this one a function 1..7. */
VnetFunc *vnet_pci_find_lower(VirtIOPCIProxy *vpci, const char *id,
                              const char *type, Error **errp)
{
    PCIDevice *pci = PCI_DEVICE(vpci);
    PCIDevice *lower_pci;
    VnetFunc *lower;

    if (!id) {
        error_setg(errp, "%s: property 'lower' is required: the id "
                   "of a vnet-multi or vnet child device", type);
        return NULL;
    }
    lower = vnet_func_by_id(id);
    if (!lower || !lower->dev || !vnet_dev_is_linked(lower->dev)) {
        error_setg(errp, "%s: property 'lower': '%s' is not a "
                   "vnet-multi or vnet child device defined before this one",
                   type, id);
        return NULL;
    }
    if (DEVICE(vpci)->hotplugged) {
        /* QEMU exposes no new function in a slot whose function 0 the
         * guest already has: a child added at run time takes a hotplug
         * slot of its own (a pcie-root-port on q35, say). */
        return lower;
    }
    if (PCI_FUNC(pci->devfn) == 0) {
        error_setg(errp, "%s: property 'addr': a child is function "
                   "1..7 of its lower's slot, not function 0 (only a "
                   "child added with device_add takes a slot of its own)",
                   type);
        return NULL;
    }
    lower_pci = vnet_func_pci(lower);
    if (pci_get_bus(pci) != pci_get_bus(lower_pci) ||
        PCI_SLOT(pci->devfn) != PCI_SLOT(lower_pci->devfn)) {
        error_setg(errp, "%s: property 'addr': %02x.%x is not in the slot "
                   "of its lower '%s' (%02x)", type, PCI_SLOT(pci->devfn),
                   PCI_FUNC(pci->devfn), id, PCI_SLOT(lower_pci->devfn));
        return NULL;
    }
    return lower;
}

/* The function of the vnet PCI device whose id is `id`, or NULL. */
VnetFunc *vnet_func_by_id(const char *id)
{
    Object *obj = object_resolve_path_component(
        machine_get_container("peripheral"), id);

    return obj ? vnet_func_of_proxy(obj) : NULL;
}

/* The PCI function whose virtio bus holds f. */
PCIDevice *vnet_func_pci(VnetFunc *f)
{
    BusState *bus = qdev_get_parent_bus(DEVICE(f));

    return bus ? (PCIDevice *)object_dynamic_cast(OBJECT(bus->parent),
                                                  TYPE_PCI_DEVICE)
               : NULL;
}

/* The function behind a vnet PCI device (function 0 or a child), or NULL. */
VnetFunc *vnet_func_of_proxy(Object *obj)
{
    VirtIOPCIProxy *proxy = (VirtIOPCIProxy *)object_dynamic_cast(obj,
                                                                TYPE_VIRTIO_PCI);
    VirtIODevice *vdev = proxy ? virtio_bus_get_device(&proxy->bus) : NULL;

    return vdev ? (VnetFunc *)object_dynamic_cast(OBJECT(vdev), TYPE_VNET_FUNC)
                : NULL;
}
