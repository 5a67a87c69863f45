/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QEMU's virtio-net "basic" and "rx_stop_cont" tests, with a frame any
 * network function can be given: they send a 5-byte frame, which only a
 * promiscuous NIC takes (virtio-net-pci, vnet-multi's function 0) and no
 * macvlan or ipvlan child ever sees, in Linux as here (the lower's own
 * driver drops it first). These send a 60-byte IPv4 frame to the
 * function's own MAC (read from its config space) and its address, and
 * check it arrives whole; and a frame the driver sends leaves on the
 * netdev whole. Written against the "virtio-net" interface, so they run
 * on virtio-net-pci too, as the reference.
 */

#include "qemu/osdep.h"
#include "libqtest-single.h"
#include "qemu/iov.h"
#include "qemu/module.h"
#include "qobject/qdict.h"
#include "hw/virtio/virtio-net.h"
#include "libqos/qgraph.h"
#include "libqos/virtio-net.h"

#define VNET_QOS_TIMEOUT_US (30 * 1000 * 1000)
#define VNET_QOS_HDR_LEN 12     /* virtio_net_hdr_mrg_rxbuf */
#define VNET_QOS_FRAME_LEN 60
#define VNET_QOS_BUF_LEN 128

/* The address the ipvlan node's child owns (addrs= in its libqos node);
 * any other function takes the frame by its MAC alone. */
static const uint8_t vnet_qos_dst_ip[4] = { 10, 0, 2, 31 };

/* An IPv4 frame to the function's MAC and vnet_qos_dst_ip, protocol 253
 * (RFC 3692's experimental), its payload marked with tag. */
static void vnet_qos_frame(QVirtioDevice *dev, uint8_t *f, uint8_t tag)
{
    uint32_t sum = 0;

    memset(f, 0, VNET_QOS_FRAME_LEN);
    for (int i = 0; i < 6; i++) {
        f[i] = qvirtio_config_readb(dev, i);
    }
    memcpy(f + 6, "\x02\x00\x00\x00\x51\x99\x08\x00", 8);
    f[14] = 0x45;
    f[17] = VNET_QOS_FRAME_LEN - 14;
    f[22] = 64;
    f[23] = 253;
    memcpy(f + 26, "\x0a\x00\x02\x63", 4);
    memcpy(f + 30, vnet_qos_dst_ip, 4);
    for (int i = 14; i < 34; i += 2) {
        sum += (f[i] << 8) | f[i + 1];
    }
    sum = (sum & 0xffff) + (sum >> 16);
    sum = (sum & 0xffff) + (sum >> 16);
    f[24] = ~sum >> 8;
    f[25] = ~sum & 0xff;
    memcpy(f + 34, "VNET-QOS", 8);
    f[42] = tag;
}

static void vnet_qos_send(int sock, const uint8_t *frame)
{
    uint32_t len = htonl(VNET_QOS_FRAME_LEN);
    struct iovec iov[] = {
        { .iov_base = &len, .iov_len = sizeof(len) },
        { .iov_base = (void *)frame, .iov_len = VNET_QOS_FRAME_LEN },
    };

    g_assert_cmpint(iov_send(sock, iov, 2, 0, sizeof(len) + VNET_QOS_FRAME_LEN),
                    ==, sizeof(len) + VNET_QOS_FRAME_LEN);
}

/* One posted buffer; the frame arrives in it, whole, after the header.
 * With stop_cont the VM is stopped while the frame comes in: the net layer
 * holds it, and it lands once the VM runs again. */
static void vnet_qos_rx(QVirtioDevice *dev, QGuestAllocator *alloc,
                        QVirtQueue *vq, int sock, bool stop_cont)
{
    QTestState *qts = global_qtest;
    uint8_t frame[VNET_QOS_FRAME_LEN], got[VNET_QOS_FRAME_LEN];
    uint64_t req = guest_alloc(alloc, VNET_QOS_BUF_LEN);
    uint32_t head, len = 0;

    vnet_qos_frame(dev, frame, stop_cont ? 2 : 1);
    head = qvirtqueue_add(qts, vq, req, VNET_QOS_BUF_LEN, true, false);
    qvirtqueue_kick(qts, dev, vq, head);
    if (stop_cont) {
        qobject_unref(qmp("{ 'execute': 'stop' }"));
    }
    vnet_qos_send(sock, frame);
    if (stop_cont) {
        /* A round trip, so the frame is in QEMU before the VM runs. */
        qobject_unref(qmp("{ 'execute': 'query-status' }"));
        qobject_unref(qmp("{ 'execute': 'cont' }"));
    }
    qvirtio_wait_used_elem(qts, dev, vq, head, &len, VNET_QOS_TIMEOUT_US);
    g_assert_cmpuint(len, ==, VNET_QOS_HDR_LEN + VNET_QOS_FRAME_LEN);
    memread(req + VNET_QOS_HDR_LEN, got, sizeof(got));
    g_assert(memcmp(got, frame, sizeof(got)) == 0);
    guest_free(alloc, req);
}

/* The driver's frame, to a MAC on the netdev's side, leaves whole. */
static void vnet_qos_tx(QVirtioDevice *dev, QGuestAllocator *alloc,
                        QVirtQueue *vq, int sock)
{
    QTestState *qts = global_qtest;
    uint8_t frame[VNET_QOS_FRAME_LEN], got[VNET_QOS_FRAME_LEN], mac[6];
    uint64_t req = guest_alloc(alloc, VNET_QOS_HDR_LEN + VNET_QOS_FRAME_LEN);
    uint32_t head, len;

    /* The function's frame to the MAC that sent it the RX one: that
     * frame with its addresses swapped. */
    vnet_qos_frame(dev, frame, 3);
    memcpy(mac, frame, 6);
    memmove(frame, frame + 6, 6);
    memcpy(frame + 6, mac, 6);
    qtest_memset(qts, req, 0, VNET_QOS_HDR_LEN);
    memwrite(req + VNET_QOS_HDR_LEN, frame, sizeof(frame));
    head = qvirtqueue_add(qts, vq, req, VNET_QOS_HDR_LEN + VNET_QOS_FRAME_LEN,
                          false, false);
    qvirtqueue_kick(qts, dev, vq, head);
    qvirtio_wait_used_elem(qts, dev, vq, head, NULL, VNET_QOS_TIMEOUT_US);
    guest_free(alloc, req);

    g_assert_cmpint(recv(sock, &len, sizeof(len), MSG_WAITALL), ==, sizeof(len));
    g_assert_cmpuint(ntohl(len), ==, VNET_QOS_FRAME_LEN);
    g_assert_cmpint(recv(sock, got, sizeof(got), MSG_WAITALL), ==, sizeof(got));
    g_assert(memcmp(got, frame, sizeof(got)) == 0);
}

static void vnet_qos_basic(void *obj, void *data, QGuestAllocator *alloc)
{
    QVirtioNet *net = obj;
    int *sv = data;

    vnet_qos_rx(net->vdev, alloc, net->queues[0], sv[0], false);
    vnet_qos_tx(net->vdev, alloc, net->queues[1], sv[0]);
}

static void vnet_qos_stop_cont(void *obj, void *data, QGuestAllocator *alloc)
{
    QVirtioNet *net = obj;
    int *sv = data;

    vnet_qos_rx(net->vdev, alloc, net->queues[0], sv[0], true);
}

static void vnet_qos_cleanup(void *sockets)
{
    int *sv = sockets;

    close(sv[0]);
    qos_invalidate_command_line();
    close(sv[1]);
    g_free(sv);
}

/* As virtio-net-test's setup: the netdev hs0 the nodes name, a stream
 * socket whose other end is the test's. */
static void *vnet_qos_setup(GString *cmd_line, void *arg)
{
    int *sv = g_new(int, 2);

    g_assert_cmpint(socketpair(PF_UNIX, SOCK_STREAM, 0, sv), !=, -1);
    g_string_append_printf(cmd_line, " -netdev socket,fd=%d,id=hs0 ", sv[1]);
    g_test_queue_destroy(vnet_qos_cleanup, sv);
    return sv;
}

static void vnet_qos_register_tests(void)
{
    QOSGraphTestOptions opts = { .before = vnet_qos_setup };

    qos_add_test("vnet-eth/basic", "virtio-net", vnet_qos_basic, &opts);
    qos_add_test("vnet-eth/rx_stop_cont", "virtio-net", vnet_qos_stop_cont,
                 &opts);
}

libqos_init(vnet_qos_register_tests);
