/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libqos graph node for vnet-multi's function 0, producing the
 * "virtio-net" interface: every qos test written against that interface
 * (QEMU's tests/qtest/virtio-net-test.c among them) runs on it, as on
 * virtio-net-pci. Such tests supply "-netdev ...,id=hs0" themselves.
 *
 *   qos-test -r /x86_64/pc/i440FX-pcihost/pci-bus-pc/pci-bus/vnet-multi
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

static void vnet_multi_qos_register(void)
{
    QPCIAddress addr = { .devfn = QPCI_DEVFN(4, 0) };
    QOSGraphEdgeOptions opts = {
        .extra_device_opts = "netdev=hs0,addr=04.0",
    };

    add_qpci_address(&opts, &addr);
    qos_node_create_driver("vnet-multi", vnet_multi_qos_create);
    qos_node_consumes("vnet-multi", "pci-bus", &opts);
    qos_node_produces("vnet-multi", "virtio-net");
}

libqos_init(vnet_multi_qos_register);
