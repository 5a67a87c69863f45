/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the children (vnet-macvlan, vnet-ipvlan) share: their own peerless
 * net client, so that QMP set_link and `info network` find a child by its
 * id (its cable, under its lower's carrier), the end of their realize and
 * their unrealize. Each child's libvnet device is stacked on its lower's
 * there (vnet_*_new); nothing here keeps a list of them.
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "hw/virtio/virtio-pci.h"
#include "net/net.h"
#include "system/system.h"
#include "hw/net/vnet-multi.h"

/* set_link on a child function: its own cable, under its lower's carrier. */
static void vnet_child_link_status_changed(NetClientState *nc)
{
    VnetFunc *f = qemu_get_nic_opaque(nc);

    vnet_dev_set_proto_down(f->dev, nc->link_down);
}

static ssize_t vnet_child_nc_receive(NetClientState *nc, const uint8_t *buf,
                                     size_t size)
{
    return size;  /* peerless: nothing sends to it */
}

static NetClientInfo vnet_child_nic_info = {
    .type = NET_CLIENT_DRIVER_NIC,
    .size = sizeof(NICState),
    .receive = vnet_child_nc_receive,
    .link_status_changed = vnet_child_link_status_changed,
};

static void vnet_child_link_ready(Notifier *n, void *data)
{
    VnetFunc *f = container_of(n, VnetFunc, link_ready);
    DeviceState *pci = DEVICE(f)->parent_bus->parent;

    if (f->link_nic) {
        return;
    }
    memcpy(f->link_conf.macaddr.a, f->mac, ETH_ALEN);
    f->link_nic = qemu_new_nic(&vnet_child_nic_info, &f->link_conf,
                               object_get_typename(OBJECT(pci)), pci->id,
                               &DEVICE(f)->mem_reentrancy_guard, f);
    qemu_format_nic_info_str(qemu_get_queue(f->link_nic), f->mac);
}

/* The end of a child's realize: its MAC and MTU as libvnet set them, down
 * until its driver is ready, carrier as the lower's. */
void vnet_child_attach(VnetFunc *f)
{
    vnet_dev_get_mac(f->dev, f->mac);
    f->mtu = vnet_dev_mtu(f->dev);  /* a child's mtu=0 is its lower's */
    vnet_dev_set_up(f->dev, false);
    vnet_func_link_changed(f, vnet_dev_carrier(f->dev));
    f->link_ready.notify = vnet_child_link_ready;
    qemu_add_machine_init_done_notifier(&f->link_ready);
}

void vnet_child_unrealize(DeviceState *dev)
{
    VnetFunc *f = VNET_FUNC(dev);

    qemu_remove_machine_init_done_notifier(&f->link_ready);
    if (f->link_nic) {
        qemu_del_nic(f->link_nic);
        f->link_nic = NULL;
    }
    vnet_func_cleanup_queues(f);
    vnet_dev_free(f->dev);
    f->dev = NULL;
}

/* A child's PCI realize: find its lower, name it, realize the function. */
void vnet_child_pci_realize(VirtIOPCIProxy *vpci_dev, VnetFunc *f,
                            const char *lower, VnetFunc **lower_func,
                            const char *type, Error **errp)
{
    DeviceState *qdev = DEVICE(vpci_dev);

    *lower_func = vnet_pci_find_lower(vpci_dev, lower, type, errp);
    if (!*lower_func) {
        return;
    }
    f->name = qdev->id ? qdev->id : object_get_typename(OBJECT(qdev));
    vnet_pci_realize_func(vpci_dev, f, errp);
}
