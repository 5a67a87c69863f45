/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libqos graph nodes for vnet-multi's functions, each producing the
 * "virtio-net" interface: every qos test written against that interface
 * (QEMU's tests/qtest/virtio-net-test.c among them) runs on it, as on
 * virtio-net-pci. Such tests supply "-netdev ...,id=hs0" themselves.
 *
 *   vnet-multi     function 0, the lower's own stack, on hs0
 *   vnet-macvlan   a bridge-mode macvlan child on such a lower
 *   vnet-ipvlan    an l2-mode ipvlan child on such a lower
 *
 *   qos-test -r /x86_64/pc/i440FX-pcihost/pci-bus-pc/pci-bus/vnet-macvlan
 *
 * A child's lower is on the command line before it; its function 0 has
 * no driver, as the children need none there.
 */

#include "qemu/osdep.h"
#include "../libqtest.h"
#include "qemu/module.h"
#include "qgraph.h"
#include "virtio-net.h"
#include "hw/virtio/virtio-net.h"

typedef struct QVnetMulti {
    QVirtioNetPCI net;          /* what a virtio-net test expects */
    QGuestAllocator *alloc;
} QVnetMulti;

/* A driver as libqos's virtio-net one is: every offered feature but
 * indirect descriptors and event indices (the qos virtqueue code uses
 * neither), one queue pair, or all of them with MQ, and the control
 * queue after them (virtio 1.2 §5.1.2). */
static void vnet_multi_qos_drive(QVnetMulti *m)
{
    QVirtioNet *net = &m->net.net;
    uint64_t features = qvirtio_get_features(net->vdev);
    int pairs = 1;

    features &= ~(QVIRTIO_F_BAD_FEATURE |
                  (1ull << VIRTIO_RING_F_INDIRECT_DESC) |
                  (1ull << VIRTIO_RING_F_EVENT_IDX));
    qvirtio_set_features(net->vdev, features);
    if (features & (1ull << VIRTIO_NET_F_MQ)) {
        pairs = qvirtio_config_readw(net->vdev,
                    offsetof(struct virtio_net_config, max_virtqueue_pairs));
    }
    net->n_queues = 2 * pairs + 1;
    net->queues = g_new(QVirtQueue *, net->n_queues);
    for (int i = 0; i < net->n_queues; i++) {
        net->queues[i] = qvirtqueue_setup(net->vdev, m->alloc, i);
    }
    qvirtio_set_driver_ok(net->vdev);
}

static void vnet_multi_qos_start_hw(QOSGraphObject *obj)
{
    QVnetMulti *m = (QVnetMulti *)obj;

    qvirtio_pci_start_hw(&m->net.pci_vdev.obj);
    vnet_multi_qos_drive(m);
}

static void vnet_multi_qos_destructor(QOSGraphObject *obj)
{
    QVnetMulti *m = (QVnetMulti *)obj;
    QVirtioNet *net = &m->net.net;

    for (int i = 0; i < net->n_queues; i++) {
        qvirtqueue_cleanup(net->vdev->bus, net->queues[i], m->alloc);
    }
    g_free(net->queues);
    qvirtio_pci_destructor(&m->net.pci_vdev.obj);
}

static void *vnet_multi_qos_get_driver(void *obj, const char *interface)
{
    QVnetMulti *m = obj;

    if (!g_strcmp0(interface, "virtio-net")) {
        return &m->net.net;
    }
    if (!g_strcmp0(interface, "virtio")) {
        return m->net.net.vdev;
    }
    if (!g_strcmp0(interface, "pci-device")) {
        return m->net.pci_vdev.pdev;
    }
    fprintf(stderr, "vnet-multi does not produce %s\n", interface);
    g_assert_not_reached();
}

static void *vnet_multi_qos_create(void *pci_bus, QGuestAllocator *alloc,
                                   void *addr)
{
    QVnetMulti *m = g_new0(QVnetMulti, 1);
    QOSGraphObject *obj = &m->net.pci_vdev.obj;

    virtio_pci_init(&m->net.pci_vdev, pci_bus, addr);
    m->net.net.vdev = &m->net.pci_vdev.vdev;
    m->alloc = alloc;
    g_assert_cmphex(m->net.net.vdev->device_type, ==, VIRTIO_ID_NET);
    obj->start_hw = vnet_multi_qos_start_hw;
    obj->destructor = vnet_multi_qos_destructor;
    obj->get_driver = vnet_multi_qos_get_driver;
    return obj;
}

/* A function at devfn 4.fn, its -device taking opts; a child's lower
 * comes first, from before. */
static void vnet_qos_node(const char *name, int fn, const char *opts,
                          const char *before)
{
    QPCIAddress addr = { .devfn = QPCI_DEVFN(4, fn) };
    QOSGraphEdgeOptions edge = {
        .extra_device_opts = opts,
        .before_cmd_line = before,
    };

    add_qpci_address(&edge, &addr);
    qos_node_create_driver(name, vnet_multi_qos_create);
    qos_node_consumes(name, "pci-bus", &edge);
    qos_node_produces(name, "virtio-net");
}

static void vnet_multi_qos_register(void)
{
    static const char lower[] =
        "-device vnet-multi,id=vnetqos0,netdev=hs0,addr=04.0,"
        "multifunction=on";

    vnet_qos_node("vnet-multi", 0, "netdev=hs0,addr=04.0", NULL);
    vnet_qos_node("vnet-macvlan", 1,
                  "lower=vnetqos0,addr=04.1,mode=bridge,"
                  "mac=02:00:00:00:51:01", lower);
    vnet_qos_node("vnet-ipvlan", 1, "lower=vnetqos0,addr=04.1,mode=l2,addrs=10.0.2.31",
                  lower);
}

libqos_init(vnet_multi_qos_register);
