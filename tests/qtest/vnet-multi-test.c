/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * qtest for vnet-multi function 0: PCI identity, feature negotiation and
 * config space, the queue layout, the control queue, and frames crossing
 * between a socket netdev and the rings (RX queue chosen by the RSS hash,
 * mergeable buffers, TX from any queue). Bad properties are refused at
 * start with an error naming the property.
 */

#include "qemu/osdep.h"
#include "qemu/bswap.h"
#include "qemu/iov.h"
#include "hw/pci/pci_regs.h"
#include "libqtest.h"
#include "qobject/qdict.h"
#include "qobject/qlist.h"
#include "qobject/qstring.h"
#include "libqos/malloc-pc.h"
#include "libqos/pci-pc.h"
#include "libqos/virtio.h"
#include "libqos/virtio-pci.h"
#include "standard-headers/linux/virtio_ids.h"
#include "standard-headers/linux/virtio_net.h"
#include "standard-headers/linux/virtio_pci.h"
#include "standard-headers/linux/virtio_ring.h"

#define TIMEOUT_US (30 * 1000 * 1000)
#define HDR_LEN 12      /* virtio_net_hdr_v1 */
#define SLOT 4
#define MAC "52:54:00:12:34:56"
#define MAC_BYTES "\x52\x54\x00\x12\x34\x56"

typedef struct Fixture {
    QTestState *qts;
    QGuestAllocator alloc_store;
    QGuestAllocator *alloc;     /* a child function shares its parent's */
    bool shared;                /* a child: QEMU belongs to the parent */
    QPCIBus *bus;
    QVirtioPCIDevice *pci;
    QVirtioDevice *dev;
    QVirtQueue *vq[2 * 16 + 1];
    unsigned queues;
    int sock;
} Fixture;

static void fixture_open(Fixture *f, int func)
{
    QPCIAddress addr = { .devfn = QPCI_DEVFN(SLOT, func) };

    f->pci = virtio_pci_new(f->bus, &addr);
    g_assert_nonnull(f->pci);
    f->dev = &f->pci->vdev;
    qvirtio_pci_device_enable(f->pci);
    qvirtio_start_device(f->dev);
}

/* QEMU with vnet-multi on the netdev `netdev` (whose id is "up"). */
static void fixture_boot(Fixture *f, unsigned queues, const char *netdev,
                         const char *extra)
{
    f->queues = queues;
    f->qts = qtest_initf("-M pc -nodefaults %s "
                         "-device vnet-multi,id=nic0,netdev=up,addr=%d.0,"
                         "multifunction=on,mac=" MAC ",queues=%u%s",
                         netdev, SLOT, queues, extra ? extra : "");
    f->alloc = &f->alloc_store;
    pc_alloc_init(f->alloc, f->qts, 0);
    f->bus = qpci_new_pc(f->qts, f->alloc);
    fixture_open(f, 0);
}

static void fixture_start(Fixture *f, unsigned queues, const char *extra)
{
    int sv[2];
    g_autofree char *netdev = NULL;

    g_assert_cmpint(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), ==, 0);
    netdev = g_strdup_printf("-netdev socket,id=up,fd=%d", sv[1]);
    fixture_boot(f, queues, netdev, extra);
    close(sv[1]);
    f->sock = sv[0];
}

/* Function `func` of the same slot, on the parent's QEMU and socket. */
static void fixture_attach(Fixture *c, Fixture *f, int func, unsigned queues)
{
    *c = (Fixture) {
        .qts = f->qts, .alloc = f->alloc, .shared = true, .bus = f->bus,
        .queues = queues, .sock = f->sock,
    };
    fixture_open(c, func);
}

/* Negotiate `features` (plus VERSION_1), set up every queue, DRIVER_OK. */
static void fixture_drive(Fixture *f, uint64_t features)
{
    features |= 1ull << VIRTIO_F_VERSION_1;
    qvirtio_set_features(f->dev, features);
    for (unsigned i = 0; i < 2 * f->queues + 1; i++) {
        f->vq[i] = qvirtqueue_setup(f->dev, f->alloc, i);
    }
    qvirtio_set_driver_ok(f->dev);
}

static void fixture_stop(Fixture *f)
{
    for (unsigned i = 0; i < G_N_ELEMENTS(f->vq); i++) {
        if (f->vq[i]) {
            qvirtqueue_cleanup(f->dev->bus, f->vq[i], f->alloc);
        }
    }
    qvirtio_pci_device_disable(f->pci);
    g_free(f->pci->pdev);
    g_free(f->pci);
    if (f->shared) {
        return;
    }
    qpci_free_pc(f->bus);
    alloc_destroy(f->alloc);
    if (f->sock >= 0) {
        close(f->sock);
    }
    qtest_quit(f->qts);
}

static QVirtQueue *rxq(Fixture *f, unsigned i) { return f->vq[2 * i]; }
static QVirtQueue *txq(Fixture *f, unsigned i) { return f->vq[2 * i + 1]; }
static QVirtQueue *ctrlq(Fixture *f) { return f->vq[2 * f->queues]; }

/* The socket netdev frames each packet with a 4-byte big-endian length. */
static void sock_send(Fixture *f, const uint8_t *frame, size_t len)
{
    uint32_t be = htonl(len);
    struct iovec iov[] = {
        { .iov_base = &be, .iov_len = sizeof(be) },
        { .iov_base = (void *)frame, .iov_len = len },
    };
    g_assert_cmpint(iov_send(f->sock, iov, 2, 0, sizeof(be) + len), ==,
                    sizeof(be) + len);
}

static size_t sock_recv(Fixture *f, uint8_t *buf, size_t size)
{
    uint32_t be;
    size_t len;

    g_assert_cmpint(recv(f->sock, &be, sizeof(be), MSG_WAITALL), ==,
                    sizeof(be));
    len = ntohl(be);
    g_assert_cmpuint(len, <=, size);
    g_assert_cmpint(recv(f->sock, buf, len, MSG_WAITALL), ==, len);
    return len;
}

static void read_mac(Fixture *f, uint8_t mac[6])
{
    for (int i = 0; i < 6; i++) {
        mac[i] = qvirtio_config_readb(f->dev, i);
    }
}

/* Ethernet + IPv4 + TCP, addresses and ports in host order. */
static size_t tcp_frame(uint8_t *b, uint32_t src, uint32_t dst,
                        uint16_t sport, uint16_t dport)
{
    static const uint8_t dmac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
    static const uint8_t smac[6] = { 0x52, 0x55, 0x0a, 0x00, 0x02, 0x02 };

    memset(b, 0, 54);
    memcpy(b, dmac, 6);
    memcpy(b + 6, smac, 6);
    stw_be_p(b + 12, 0x0800);
    b[14] = 0x45;
    stw_be_p(b + 16, 40);
    b[22] = 64;
    b[23] = 6;
    stl_be_p(b + 26, src);
    stl_be_p(b + 30, dst);
    stw_be_p(b + 34, sport);
    stw_be_p(b + 36, dport);
    b[46] = 0x50;
    return 54;
}

/* One control command; returns the device's ack byte. */
static uint8_t ctrl_cmd(Fixture *f, uint8_t class, uint8_t cmd,
                        const void *data, size_t len)
{
    uint64_t req = guest_alloc(f->alloc, 2 + len);
    uint64_t ack = guest_alloc(f->alloc, 1);
    uint8_t hdr[2] = { class, cmd };
    uint8_t status = 0xff;
    uint32_t head;

    qtest_memwrite(f->qts, req, hdr, 2);
    qtest_memwrite(f->qts, req + 2, data, len);
    qtest_memwrite(f->qts, ack, &status, 1);
    head = qvirtqueue_add(f->qts, ctrlq(f), req, 2 + len, false, true);
    qvirtqueue_add(f->qts, ctrlq(f), ack, 1, true, false);
    qvirtqueue_kick(f->qts, f->dev, ctrlq(f), head);
    qvirtio_wait_used_elem(f->qts, f->dev, ctrlq(f), head, NULL, TIMEOUT_US);
    qtest_memread(f->qts, ack, &status, 1);
    guest_free(f->alloc, req);
    guest_free(f->alloc, ack);
    return status;
}

/* Drive the device with MQ and make `pairs` queue pairs active. */
static void drive_mq(Fixture *f, uint16_t pairs)
{
    uint16_t le = cpu_to_le16(pairs);

    fixture_drive(f, (1ull << VIRTIO_NET_F_CTRL_VQ) |
                     (1ull << VIRTIO_NET_F_MQ));
    g_assert_cmpint(ctrl_cmd(f, VIRTIO_NET_CTRL_MQ,
                             VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET, &le, 2),
                    ==, VIRTIO_NET_OK);
}

/* Drive the device with the RX filter on: promiscuous mode off. */
static void drive_filtered(Fixture *f, uint64_t features)
{
    uint8_t off = 0;

    fixture_drive(f, features | (1ull << VIRTIO_NET_F_CTRL_VQ) |
                     (1ull << VIRTIO_NET_F_CTRL_RX));
    g_assert_cmpint(ctrl_cmd(f, VIRTIO_NET_CTRL_RX,
                             VIRTIO_NET_CTRL_RX_PROMISC, &off, 1),
                    ==, VIRTIO_NET_OK);
}

static uint32_t post_rx(Fixture *f, unsigned q, uint64_t addr, size_t len)
{
    uint32_t head = qvirtqueue_add(f->qts, rxq(f, q), addr, len, true, false);

    qvirtqueue_kick(f->qts, f->dev, rxq(f, q), head);
    return head;
}

static void test_pci_identity(void)
{
    Fixture f = {};

    fixture_start(&f, 1, NULL);
    /* Modern-only virtio-net: device ID 0x1040 + VIRTIO_ID_NET. */
    g_assert_cmphex(qpci_config_readw(f.pci->pdev, PCI_VENDOR_ID), ==, 0x1af4);
    g_assert_cmphex(qpci_config_readw(f.pci->pdev, PCI_DEVICE_ID), ==,
                    0x1040 + VIRTIO_ID_NET);
    g_assert_cmphex(qpci_config_readw(f.pci->pdev, PCI_CLASS_DEVICE), ==,
                    0x0200);
    g_assert_cmpint(qpci_config_readb(f.pci->pdev, PCI_REVISION_ID), ==, 1);
    g_assert_cmpint(f.dev->device_type, ==, VIRTIO_ID_NET);
    fixture_stop(&f);
}

static void test_features_and_config(void)
{
    const uint64_t want = (1ull << VIRTIO_NET_F_MAC) |
                          (1ull << VIRTIO_NET_F_STATUS) |
                          (1ull << VIRTIO_NET_F_MTU) |
                          (1ull << VIRTIO_NET_F_MRG_RXBUF) |
                          (1ull << VIRTIO_NET_F_CTRL_VQ) |
                          (1ull << VIRTIO_NET_F_CTRL_RX) |
                          (1ull << VIRTIO_NET_F_CTRL_MAC_ADDR) |
                          (1ull << VIRTIO_F_VERSION_1);
    Fixture f = {};
    uint64_t host;
    uint8_t mac[6];

    fixture_start(&f, 4, ",mtu=9000");
    host = qvirtio_get_features(f.dev);
    g_assert_cmphex(host & want, ==, want);
    g_assert_true(host & (1ull << VIRTIO_NET_F_MQ));
    g_assert_false(host & (1ull << VIRTIO_F_RING_RESET));
    g_assert_false(host & (1ull << VIRTIO_NET_F_CSUM));  /* offloads: later */
    /* Config space is read after negotiation, as a driver does. */
    qvirtio_set_features(f.dev, host & (want | (1ull << VIRTIO_NET_F_MQ)));
    for (int i = 0; i < 6; i++) {
        mac[i] = qvirtio_config_readb(f.dev, i);
    }
    g_assert_cmpmem(mac, 6, "\x52\x54\x00\x12\x34\x56", 6);
    g_assert_cmpint(qvirtio_config_readw(f.dev, 6), ==, VIRTIO_NET_S_LINK_UP);
    g_assert_cmpint(qvirtio_config_readw(f.dev, 8), ==, 4);
    g_assert_cmpint(qvirtio_config_readw(f.dev, 10), ==, 9000);
    fixture_stop(&f);

    fixture_start(&f, 1, NULL);
    g_assert_false(qvirtio_get_features(f.dev) & (1ull << VIRTIO_NET_F_MQ));
    fixture_stop(&f);
}

static void test_queue_count(void)
{
    Fixture f = {};
    uint16_t numq;

    fixture_start(&f, 4, NULL);
    /* receiveq/transmitq per pair, then the control queue. */
    numq = qpci_io_readw(f.pci->pdev, f.pci->bar, f.pci->common_cfg_offset +
                         offsetof(struct virtio_pci_common_cfg, num_queues));
    g_assert_cmpint(numq, ==, 2 * 4 + 1);
    /* One MSI-X vector per queue plus config: 2 * 4 + 2. */
    g_assert_cmpint(qpci_msix_table_size(f.pci->pdev), ==, 2 * 4 + 2);
    fixture_stop(&f);
}

static void test_link_follows_set_link(void)
{
    Fixture f = {};

    fixture_start(&f, 1, NULL);
    fixture_drive(&f, 1ull << VIRTIO_NET_F_STATUS);
    qtest_qmp_assert_success(f.qts, "{'execute': 'set_link', 'arguments':"
                             " {'name': 'nic0', 'up': false}}");
    g_assert_cmpint(qvirtio_config_readw(f.dev, 6), ==, 0);
    qtest_qmp_assert_success(f.qts, "{'execute': 'set_link', 'arguments':"
                             " {'name': 'up', 'up': true}}");
    g_assert_cmpint(qvirtio_config_readw(f.dev, 6), ==, VIRTIO_NET_S_LINK_UP);
    fixture_stop(&f);
}

static void test_rx_single_queue(void)
{
    Fixture f = {};
    uint8_t frame[64], got[64 + HDR_LEN];
    uint64_t buf;
    uint32_t head, len;
    size_t n;

    fixture_start(&f, 1, NULL);
    fixture_drive(&f, 0);
    buf = guest_alloc(f.alloc, 2048);
    head = post_rx(&f, 0, buf, 2048);
    n = tcp_frame(frame, 0x0a000202, 0x0a00020f, 80, 40000);
    sock_send(&f, frame, n);
    qvirtio_wait_used_elem(f.qts, f.dev, rxq(&f, 0), head, &len, TIMEOUT_US);
    g_assert_cmpint(len, ==, HDR_LEN + n);
    qtest_memread(f.qts, buf, got, HDR_LEN + n);
    g_assert_cmpint(got[0], ==, 0);                  /* flags */
    g_assert_cmpint(got[1], ==, VIRTIO_NET_HDR_GSO_NONE);
    g_assert_cmpint(lduw_le_p(got + 10), ==, 1);     /* num_buffers */
    g_assert_cmpmem(got + HDR_LEN, n, frame, n);
    fixture_stop(&f);
}

static void test_rx_mergeable_buffers(void)
{
    Fixture f = {};
    uint8_t frame[200], got[64];
    uint64_t buf[4];
    uint32_t head[4], len;
    size_t off = 0;

    fixture_start(&f, 1, NULL);
    fixture_drive(&f, 1ull << VIRTIO_NET_F_MRG_RXBUF);
    for (int i = 0; i < 4; i++) {
        buf[i] = guest_alloc(f.alloc, 64);
        head[i] = post_rx(&f, 0, buf[i], 64);
    }
    tcp_frame(frame, 0x0a000202, 0x0a00020f, 80, 40000);
    for (size_t i = 54; i < sizeof(frame); i++) {
        frame[i] = i;
    }
    sock_send(&f, frame, sizeof(frame));
    /* 12 + 200 bytes over 64-byte buffers: 64, 64, 64, 20. */
    /* One interrupt for the whole frame: wait for the first buffer, the
     * rest are already in the used ring behind it. */
    qvirtio_wait_used_elem(f.qts, f.dev, rxq(&f, 0), head[0], &len,
                           TIMEOUT_US);
    for (int i = 0; i < 4; i++) {
        uint32_t idx;

        if (i > 0) {
            g_assert_true(qvirtqueue_get_buf(f.qts, rxq(&f, 0), &idx, &len));
            g_assert_cmpint(idx, ==, head[i]);
        }
        g_assert_cmpint(len, ==, i < 3 ? 64 : HDR_LEN + 200 - 3 * 64);
        qtest_memread(f.qts, buf[i], got, len);
        if (i == 0) {
            g_assert_cmpint(lduw_le_p(got + 10), ==, 4);
            g_assert_cmpmem(got + HDR_LEN, len - HDR_LEN, frame, len - HDR_LEN);
            off = len - HDR_LEN;
        } else {
            g_assert_cmpmem(got, len, frame + off, len);
            off += len;
        }
    }
    g_assert_cmpint(off, ==, sizeof(frame));
    fixture_stop(&f);
}

/*
 * Flows from the RSS verification suite, whose Toeplitz hashes are
 * published: 0xafc7327f (low 7 bits 127 -> queue 127 % 4 = 3) and
 * 0xc626b0ea (106 -> queue 2).
 */
static void test_rx_queue_follows_flow_hash(void)
{
    Fixture f = {};
    uint8_t frame[64];
    uint64_t buf[4];
    uint32_t head[4];
    size_t n;

    fixture_start(&f, 4, NULL);
    drive_mq(&f, 4);
    for (int q = 0; q < 4; q++) {
        buf[q] = guest_alloc(f.alloc, 2048);
        head[q] = post_rx(&f, q, buf[q], 2048);
    }
    /* 38.27.205.30:48228 -> 209.142.163.6:2217 */
    n = tcp_frame(frame, 0x261bcd1e, 0xd18ea306, 48228, 2217);
    sock_send(&f, frame, n);
    qvirtio_wait_used_elem(f.qts, f.dev, rxq(&f, 3), head[3], NULL,
                           TIMEOUT_US);
    /* 199.92.111.2:14230 -> 65.69.140.83:4739 */
    n = tcp_frame(frame, 0xc75c6f02, 0x41458c53, 14230, 4739);
    sock_send(&f, frame, n);
    qvirtio_wait_used_elem(f.qts, f.dev, rxq(&f, 2), head[2], NULL,
                           TIMEOUT_US);
    /* Nothing landed on queues 0 and 1. */
    for (int q = 0; q < 2; q++) {
        uint32_t idx, len;
        g_assert_false(qvirtqueue_get_buf(f.qts, rxq(&f, q), &idx, &len));
    }
    fixture_stop(&f);
}

static void test_ctrl_mq_range(void)
{
    Fixture f = {};
    uint16_t pairs;

    fixture_start(&f, 4, NULL);
    fixture_drive(&f, (1ull << VIRTIO_NET_F_CTRL_VQ) |
                      (1ull << VIRTIO_NET_F_MQ));
    pairs = cpu_to_le16(0);
    g_assert_cmpint(ctrl_cmd(&f, VIRTIO_NET_CTRL_MQ,
                             VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET, &pairs, 2),
                    ==, VIRTIO_NET_ERR);
    pairs = cpu_to_le16(5);
    g_assert_cmpint(ctrl_cmd(&f, VIRTIO_NET_CTRL_MQ,
                             VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET, &pairs, 2),
                    ==, VIRTIO_NET_ERR);
    pairs = cpu_to_le16(2);
    g_assert_cmpint(ctrl_cmd(&f, VIRTIO_NET_CTRL_MQ,
                             VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET, &pairs, 1),
                    ==, VIRTIO_NET_ERR);             /* short */
    g_assert_cmpint(ctrl_cmd(&f, VIRTIO_NET_CTRL_MQ,
                             VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET, &pairs, 2),
                    ==, VIRTIO_NET_OK);
    g_assert_cmpint(ctrl_cmd(&f, 0x7f, 0, &pairs, 2), ==, VIRTIO_NET_ERR);
    fixture_stop(&f);
}

/* The RX filter the guest programs decides what reaches the ring. */
static void test_ctrl_rx_filter(void)
{
    Fixture f = {};
    uint8_t frame[64];
    uint8_t table[4 + 6 + 4] = { 1, 0, 0, 0, 0x02, 0, 0, 0, 0, 0x0c,
                                 0, 0, 0, 0 };
    uint64_t buf;
    uint32_t head, idx, len;
    size_t n;

    fixture_start(&f, 1, NULL);
    drive_filtered(&f, 0);
    buf = guest_alloc(f.alloc, 2048);
    head = post_rx(&f, 0, buf, 2048);
    /* To 02:00:00:00:00:0c: not ours, not in the table: filtered. */
    n = tcp_frame(frame, 0x0a000202, 0x0a00020f, 80, 40000);
    memcpy(frame, "\x02\x00\x00\x00\x00\x0c", 6);
    sock_send(&f, frame, n);
    /* Then to our own MAC: it must be the first thing in the ring. */
    n = tcp_frame(frame, 0x0a000202, 0x0a00020f, 80, 40001);
    sock_send(&f, frame, n);
    qvirtio_wait_used_elem(f.qts, f.dev, rxq(&f, 0), head, &len, TIMEOUT_US);
    qtest_memread(f.qts, buf + HDR_LEN, frame, 6);
    g_assert_cmpmem(frame, 6, "\x52\x54\x00\x12\x34\x56", 6);

    /* Now add 02:00:00:00:00:0c to the unicast table: it passes. */
    g_assert_cmpint(ctrl_cmd(&f, VIRTIO_NET_CTRL_MAC,
                             VIRTIO_NET_CTRL_MAC_TABLE_SET, table,
                             sizeof(table)), ==, VIRTIO_NET_OK);
    head = post_rx(&f, 0, buf, 2048);
    n = tcp_frame(frame, 0x0a000202, 0x0a00020f, 80, 40002);
    memcpy(frame, "\x02\x00\x00\x00\x00\x0c", 6);
    sock_send(&f, frame, n);
    qvirtio_wait_used_elem(f.qts, f.dev, rxq(&f, 0), head, &len, TIMEOUT_US);
    /* A table whose count overruns the command is refused. */
    table[0] = 3;
    g_assert_cmpint(ctrl_cmd(&f, VIRTIO_NET_CTRL_MAC,
                             VIRTIO_NET_CTRL_MAC_TABLE_SET, table,
                             sizeof(table)), ==, VIRTIO_NET_ERR);
    g_assert_false(qvirtqueue_get_buf(f.qts, rxq(&f, 0), &idx, &len));
    fixture_stop(&f);
}

/* More unicast entries than the filter holds: every unicast passes. */
static void test_ctrl_mac_table_overflow(void)
{
    Fixture f = {};
    const uint32_t n = 65;
    size_t size = 4 + n * 6 + 4;
    g_autofree uint8_t *table = g_malloc0(size);
    uint8_t frame[64];
    uint64_t buf;
    uint32_t head;
    size_t len;

    stl_le_p(table, n);
    for (uint32_t i = 0; i < n; i++) {
        uint8_t *m = table + 4 + 6 * i;
        m[0] = 0x02;
        m[5] = i;
    }
    fixture_start(&f, 1, NULL);
    drive_filtered(&f, 0);
    g_assert_cmpint(ctrl_cmd(&f, VIRTIO_NET_CTRL_MAC,
                             VIRTIO_NET_CTRL_MAC_TABLE_SET, table, size),
                    ==, VIRTIO_NET_OK);
    buf = guest_alloc(f.alloc, 2048);
    head = post_rx(&f, 0, buf, 2048);
    len = tcp_frame(frame, 0x0a000202, 0x0a00020f, 80, 40000);
    memcpy(frame, "\x02\x11\x22\x33\x44\x55", 6);   /* in no table */
    sock_send(&f, frame, len);
    qvirtio_wait_used_elem(f.qts, f.dev, rxq(&f, 0), head, NULL, TIMEOUT_US);
    fixture_stop(&f);
}

/* VIRTIO_NET_CTRL_MAC_ADDR_SET moves the filter to the new address. */
static void test_ctrl_mac_addr_set(void)
{
    static const uint8_t new_mac[6] = { 0x52, 0x54, 0x00, 0xaa, 0xbb, 0xcc };
    Fixture f = {};
    uint8_t frame[64];
    uint64_t buf;
    uint32_t head;
    size_t len;

    fixture_start(&f, 1, NULL);
    drive_filtered(&f, 1ull << VIRTIO_NET_F_CTRL_MAC_ADDR);
    g_assert_cmpint(ctrl_cmd(&f, VIRTIO_NET_CTRL_MAC,
                             VIRTIO_NET_CTRL_MAC_ADDR_SET, new_mac, 5),
                    ==, VIRTIO_NET_ERR);
    g_assert_cmpint(ctrl_cmd(&f, VIRTIO_NET_CTRL_MAC,
                             VIRTIO_NET_CTRL_MAC_ADDR_SET, new_mac, 6),
                    ==, VIRTIO_NET_OK);
    buf = guest_alloc(f.alloc, 2048);
    head = post_rx(&f, 0, buf, 2048);
    /* To the old address: filtered. Then to the new one: delivered first. */
    len = tcp_frame(frame, 0x0a000202, 0x0a00020f, 80, 40000);
    sock_send(&f, frame, len);
    memcpy(frame, new_mac, 6);
    sock_send(&f, frame, len);
    qvirtio_wait_used_elem(f.qts, f.dev, rxq(&f, 0), head, NULL, TIMEOUT_US);
    qtest_memread(f.qts, buf + HDR_LEN, frame, 6);
    g_assert_cmpmem(frame, 6, new_mac, 6);
    fixture_stop(&f);
}

/* A frame sent on any TX queue, here the last one, leaves on the uplink. */
static void test_tx_any_queue(void)
{
    Fixture f = {};
    uint8_t frame[64], got[256];
    uint64_t buf;
    uint32_t head;
    size_t n;

    fixture_start(&f, 4, NULL);
    drive_mq(&f, 4);
    n = tcp_frame(frame, 0x0a00020f, 0x0a000202, 40000, 80);
    buf = guest_alloc(f.alloc, HDR_LEN + n);
    qtest_memset(f.qts, buf, 0, HDR_LEN);
    qtest_memwrite(f.qts, buf + HDR_LEN, frame, n);
    head = qvirtqueue_add(f.qts, txq(&f, 3), buf, HDR_LEN + n, false, false);
    qvirtqueue_kick(f.qts, f.dev, txq(&f, 3), head);
    qvirtio_wait_used_elem(f.qts, f.dev, txq(&f, 3), head, NULL, TIMEOUT_US);
    g_assert_cmpint(sock_recv(&f, got, sizeof(got)), ==, n);
    g_assert_cmpmem(got, n, frame, n);
    fixture_stop(&f);
}

/* ---- vnet-macvlan children ---- */

#define CHILD_A "52:54:00:00:00:0a"
#define CHILD_B "52:54:00:00:00:0b"
static const uint8_t mac_a[6] = { 0x52, 0x54, 0x00, 0x00, 0x00, 0x0a };
static const uint8_t mac_b[6] = { 0x52, 0x54, 0x00, 0x00, 0x00, 0x0b };

static void start_with_children(Fixture *f, Fixture *a, Fixture *b,
                                const char *mode)
{
    g_autofree char *extra = g_strdup_printf(
        " -device vnet-macvlan,id=a,lower=nic0,addr=%d.1,mode=%s,mac=" CHILD_A
        " -device vnet-macvlan,id=b,lower=nic0,addr=%d.2,mode=%s,mac=" CHILD_B,
        SLOT, mode, SLOT, mode);

    fixture_start(f, 1, extra);
    fixture_attach(a, f, 1, 1);
    fixture_attach(b, f, 2, 1);
    fixture_drive(f, 0);
    fixture_drive(a, 0);
    fixture_drive(b, 0);
}

static void stop_with_children(Fixture *f, Fixture *a, Fixture *b)
{
    fixture_stop(b);
    fixture_stop(a);
    fixture_stop(f);
}

static void send_from(Fixture *f, const uint8_t *frame, size_t n)
{
    uint64_t buf = guest_alloc(f->alloc, HDR_LEN + n);
    uint32_t head;

    qtest_memset(f->qts, buf, 0, HDR_LEN);
    qtest_memwrite(f->qts, buf + HDR_LEN, frame, n);
    head = qvirtqueue_add(f->qts, txq(f, 0), buf, HDR_LEN + n, false, false);
    qvirtqueue_kick(f->qts, f->dev, txq(f, 0), head);
    qvirtio_wait_used_elem(f->qts, f->dev, txq(f, 0), head, NULL, TIMEOUT_US);
}

static void test_macvlan_enumerates_with_own_mac(void)
{
    Fixture f = {}, a = {}, b = {};
    uint8_t mac[6];

    start_with_children(&f, &a, &b, "bridge");
    g_assert_cmphex(qpci_config_readw(a.pci->pdev, PCI_DEVICE_ID), ==,
                    0x1040 + VIRTIO_ID_NET);
    read_mac(&a, mac);
    g_assert_cmpmem(mac, 6, mac_a, 6);
    read_mac(&b, mac);
    g_assert_cmpmem(mac, 6, mac_b, 6);
    stop_with_children(&f, &a, &b);
}

/* From the uplink, a frame for child A lands on A, not on function 0. */
static void test_macvlan_uplink_to_child(void)
{
    Fixture f = {}, a = {}, b = {};
    uint8_t frame[64];
    uint64_t buf0, bufa;
    uint32_t head, idx, len;
    size_t n;

    start_with_children(&f, &a, &b, "vepa");
    buf0 = guest_alloc(f.alloc, 2048);
    post_rx(&f, 0, buf0, 2048);
    bufa = guest_alloc(a.alloc, 2048);
    head = post_rx(&a, 0, bufa, 2048);
    n = tcp_frame(frame, 0x0a000202, 0x0a000210, 80, 40000);
    memcpy(frame, mac_a, 6);
    sock_send(&f, frame, n);
    qvirtio_wait_used_elem(a.qts, a.dev, rxq(&a, 0), head, &len, TIMEOUT_US);
    g_assert_cmpint(len, ==, HDR_LEN + n);
    g_assert_false(qvirtqueue_get_buf(f.qts, rxq(&f, 0), &idx, &len));
    stop_with_children(&f, &a, &b);
}

/* Function 0 with no RX buffers (its interface down, say) must not hold
 * the uplink: a frame for it is dropped, the next one reaches child A. */
static void test_macvlan_full_function0_does_not_stall(void)
{
    Fixture f = {}, a = {}, b = {};
    uint8_t frame[64];
    uint64_t bufa;
    uint32_t head, len;
    size_t n;

    start_with_children(&f, &a, &b, "bridge");
    bufa = guest_alloc(a.alloc, 2048);
    head = post_rx(&a, 0, bufa, 2048);
    n = tcp_frame(frame, 0x0a000202, 0x0a00020f, 80, 40000);   /* for f0 */
    sock_send(&f, frame, n);
    memcpy(frame, mac_a, 6);
    sock_send(&f, frame, n);
    qvirtio_wait_used_elem(a.qts, a.dev, rxq(&a, 0), head, &len, TIMEOUT_US);
    g_assert_cmpint(len, ==, HDR_LEN + n);
    stop_with_children(&f, &a, &b);
}

/* Bridge children reach each other directly; the uplink sees only what
 * goes outside. */
static void test_macvlan_bridge_child_to_child(void)
{
    static const uint8_t outside[6] = { 0x52, 0x55, 0x0a, 0x00, 0x02, 0x02 };
    Fixture f = {}, a = {}, b = {};
    uint8_t frame[64], got[256];
    uint64_t bufb;
    uint32_t head;
    size_t n;

    start_with_children(&f, &a, &b, "bridge");
    bufb = guest_alloc(b.alloc, 2048);
    head = post_rx(&b, 0, bufb, 2048);
    n = tcp_frame(frame, 0x0a000210, 0x0a000211, 40000, 80);
    memcpy(frame, mac_b, 6);
    memcpy(frame + 6, mac_a, 6);
    send_from(&a, frame, n);
    qvirtio_wait_used_elem(b.qts, b.dev, rxq(&b, 0), head, NULL, TIMEOUT_US);
    /* Then one to the outside: it is the first thing on the uplink. */
    memcpy(frame, outside, 6);
    send_from(&a, frame, n);
    g_assert_cmpint(sock_recv(&f, got, sizeof(got)), ==, n);
    g_assert_cmpmem(got, 6, outside, 6);
    g_assert_cmpmem(got + 6, 6, mac_a, 6);
    stop_with_children(&f, &a, &b);
}

/* VEPA children do not: A's frame for B goes out on the uplink. */
static void test_macvlan_vepa_child_to_child_goes_out(void)
{
    Fixture f = {}, a = {}, b = {};
    uint8_t frame[64], got[256];
    size_t n;

    start_with_children(&f, &a, &b, "vepa");
    n = tcp_frame(frame, 0x0a000210, 0x0a000211, 40000, 80);
    memcpy(frame, mac_b, 6);
    memcpy(frame + 6, mac_a, 6);
    send_from(&a, frame, n);
    g_assert_cmpint(sock_recv(&f, got, sizeof(got)), ==, n);
    g_assert_cmpmem(got, 6, mac_b, 6);
    stop_with_children(&f, &a, &b);
}

static void test_macvlan_passthru_takes_lower_mac(void)
{
    Fixture f = {}, p = {};
    uint8_t mac[6];

    fixture_start(&f, 1, " -device vnet-macvlan,id=p,lower=nic0,addr=4.1,"
                  "mode=passthru");
    fixture_attach(&p, &f, 1, 1);
    fixture_drive(&p, 0);
    read_mac(&p, mac);
    g_assert_cmpmem(mac, 6, "\x52\x54\x00\x12\x34\x56", 6);
    fixture_stop(&p);
    fixture_stop(&f);
}

static void test_macvlan_link_follows_uplink(void)
{
    Fixture f = {}, a = {}, b = {};

    start_with_children(&f, &a, &b, "bridge");
    qtest_qmp_assert_success(f.qts, "{'execute': 'set_link', 'arguments':"
                             " {'name': 'up', 'up': false}}");
    g_assert_cmpint(qvirtio_config_readw(a.dev, 6), ==, 0);
    g_assert_cmpint(qvirtio_config_readw(b.dev, 6), ==, 0);
    qtest_qmp_assert_success(f.qts, "{'execute': 'set_link', 'arguments':"
                             " {'name': 'up', 'up': true}}");
    g_assert_cmpint(qvirtio_config_readw(a.dev, 6), ==, VIRTIO_NET_S_LINK_UP);
    stop_with_children(&f, &a, &b);
}

/* set_link on a child is that function's own cable: the others keep
 * theirs, and the lower coming back does not bring it up. */
static void test_macvlan_set_link_on_child(void)
{
    Fixture f = {}, a = {}, b = {};

    start_with_children(&f, &a, &b, "bridge");
    qtest_qmp_assert_success(f.qts, "{'execute': 'set_link', 'arguments':"
                             " {'name': 'a', 'up': false}}");
    g_assert_cmpint(qvirtio_config_readw(a.dev, 6), ==, 0);
    g_assert_cmpint(qvirtio_config_readw(b.dev, 6), ==, VIRTIO_NET_S_LINK_UP);
    g_assert_cmpint(qvirtio_config_readw(f.dev, 6), ==, VIRTIO_NET_S_LINK_UP);
    qtest_qmp_assert_success(f.qts, "{'execute': 'set_link', 'arguments':"
                             " {'name': 'up', 'up': false}}");
    qtest_qmp_assert_success(f.qts, "{'execute': 'set_link', 'arguments':"
                             " {'name': 'up', 'up': true}}");
    g_assert_cmpint(qvirtio_config_readw(a.dev, 6), ==, 0);
    g_assert_cmpint(qvirtio_config_readw(b.dev, 6), ==, VIRTIO_NET_S_LINK_UP);
    qtest_qmp_assert_success(f.qts, "{'execute': 'set_link', 'arguments':"
                             " {'name': 'a', 'up': true}}");
    g_assert_cmpint(qvirtio_config_readw(a.dev, 6), ==, VIRTIO_NET_S_LINK_UP);
    stop_with_children(&f, &a, &b);
}

/* ---- query-vnet, info vnet ---- */

/* Function `i` of the first vnet-multi in query-vnet, which must have
 * `nfuncs` functions; unref *resp. */
static QDict *vnet_func_info(QTestState *qts, int i, int nfuncs, QDict **resp)
{
    QList *devs, *funcs;
    QDict *dev;

    *resp = qtest_qmp(qts, "{'execute': 'query-vnet'}");
    devs = qdict_get_qlist(*resp, "return");
    g_assert_cmpint(qlist_size(devs), ==, 1);
    dev = qobject_to(QDict, qlist_peek(devs));
    g_assert_cmpstr(qdict_get_str(dev, "id"), ==, "nic0");
    g_assert_cmpstr(qdict_get_str(dev, "netdev"), ==, "up");
    funcs = qdict_get_qlist(dev, "functions");
    g_assert_cmpint(qlist_size(funcs), ==, nfuncs);
    for (const QListEntry *e = qlist_first(funcs); e; e = qlist_next(e), i--) {
        if (!i) {
            return qobject_to(QDict, qlist_entry_obj(e));
        }
    }
    g_assert_not_reached();
}

/* The count of drop `reason` in a function's query-vnet entry. */
static int64_t vnet_drops(QDict *fi, const char *reason)
{
    QListEntry *e;

    QLIST_FOREACH_ENTRY(qdict_get_qlist(fi, "drops"), e) {
        QDict *d = qobject_to(QDict, qlist_entry_obj(e));
        if (!strcmp(qdict_get_str(d, "reason"), reason)) {
            return qdict_get_int(d, "count");
        }
    }
    return 0;
}

static QDict *vnet_queue_stats(QDict *fi, int q)
{
    QList *l = qdict_get_qlist(fi, "queue-stats");
    const QListEntry *e = qlist_first(l);

    while (q--) {
        e = qlist_next(e);
    }
    return qobject_to(QDict, qlist_entry_obj(e));
}

/* query-vnet says what the command line configured: kinds, modes, PCI
 * addresses, MACs, addresses, queues and links, function 0 first. */
static void test_query_vnet_reports_config(void)
{
    Fixture f = {};
    QDict *resp, *fi;
    QList *addrs;

    fixture_start(&f, 2, ",ip=10.0.2.15/24,,fd00::15/64,gw=10.0.2.2"
                  " -device vnet-ipvlan,id=a,lower=nic0,addr=4.1,mode=l3,"
                  "addrs=10.0.2.16"
                  " -device vnet-ipvlan,id=b,lower=nic0,addr=4.3,mode=l2,"
                  "flags=private,queues=3,mtu=1400");
    fi = vnet_func_info(f.qts, 0, 3, &resp);
    g_assert_cmpstr(qdict_get_str(fi, "id"), ==, "nic0");
    g_assert_cmpstr(qdict_get_str(fi, "kind"), ==, "lower");
    g_assert_cmpstr(qdict_get_str(fi, "pci-addr"), ==, "04.0");
    g_assert_cmpstr(qdict_get_str(fi, "mac"), ==, MAC);
    g_assert_cmpint(qdict_get_int(fi, "queues"), ==, 2);
    g_assert_cmpint(qdict_get_int(fi, "mtu"), ==, 1500);
    g_assert_true(qdict_get_bool(fi, "link"));
    g_assert_false(qdict_haskey(fi, "mode"));
    addrs = qdict_get_qlist(fi, "addresses");
    g_assert_cmpint(qlist_size(addrs), ==, 2);
    g_assert_cmpstr(qstring_get_str(qobject_to(QString, qlist_peek(addrs))),
                    ==, "10.0.2.15/24");
    g_assert_cmpint(qlist_size(qdict_get_qlist(fi, "queue-stats")), ==, 2);
    qobject_unref(resp);

    fi = vnet_func_info(f.qts, 1, 3, &resp);
    g_assert_cmpstr(qdict_get_str(fi, "id"), ==, "a");
    g_assert_cmpstr(qdict_get_str(fi, "kind"), ==, "ipvlan");
    g_assert_cmpstr(qdict_get_str(fi, "mode"), ==, "l3");
    g_assert_cmpstr(qdict_get_str(fi, "flags"), ==, "bridge");
    g_assert_cmpstr(qdict_get_str(fi, "lower"), ==, "nic0");
    g_assert_cmpstr(qdict_get_str(fi, "pci-addr"), ==, "04.1");
    g_assert_cmpstr(qdict_get_str(fi, "mac"), ==, MAC);
    addrs = qdict_get_qlist(fi, "addresses");
    g_assert_cmpint(qlist_size(addrs), ==, 1);
    g_assert_cmpstr(qstring_get_str(qobject_to(QString, qlist_peek(addrs))),
                    ==, "10.0.2.16");
    g_assert_false(qdict_get_bool(fi, "up"));   /* no driver yet */
    qobject_unref(resp);

    fi = vnet_func_info(f.qts, 2, 3, &resp);
    g_assert_cmpstr(qdict_get_str(fi, "id"), ==, "b");
    g_assert_cmpstr(qdict_get_str(fi, "mode"), ==, "l2");
    g_assert_cmpstr(qdict_get_str(fi, "flags"), ==, "private");
    g_assert_cmpstr(qdict_get_str(fi, "pci-addr"), ==, "04.3");
    g_assert_cmpint(qdict_get_int(fi, "queues"), ==, 3);
    g_assert_cmpint(qdict_get_int(fi, "mtu"), ==, 1400);
    g_assert_cmpint(qlist_size(qdict_get_qlist(fi, "addresses")), ==, 0);
    qobject_unref(resp);
    fixture_stop(&f);
}

/* Counters move as frames pass: a frame in from the uplink to child A,
 * one out from A, one for B dropped for want of RX buffers; info vnet
 * prints the same as a table. */
static void test_query_vnet_counters_and_info(void)
{
    Fixture f = {}, a = {}, b = {};
    uint8_t frame[64], got[64];
    uint32_t head, len;
    QDict *resp, *fi, *q;
    g_autofree char *hmp = NULL;
    size_t n;

    start_with_children(&f, &a, &b, "bridge");
    head = post_rx(&a, 0, guest_alloc(a.alloc, 2048), 2048);
    n = tcp_frame(frame, 0x0a000202, 0x0a000210, 80, 40000);
    memcpy(frame, mac_a, 6);
    sock_send(&f, frame, n);
    qvirtio_wait_used_elem(a.qts, a.dev, rxq(&a, 0), head, &len, TIMEOUT_US);
    memcpy(frame, "\x52\x55\x0a\x00\x02\x02", 6);
    memcpy(frame + 6, mac_a, 6);
    send_from(&a, frame, n);
    g_assert_cmpuint(sock_recv(&f, got, sizeof(got)), ==, n);
    memcpy(frame, mac_b, 6);
    sock_send(&f, frame, n);
    /* B has no RX buffer: wait until its drop is counted. */
    for (int i = 0; ; i++) {
        fi = vnet_func_info(f.qts, 2, 3, &resp);
        if (vnet_drops(fi, "rx-no-buffer") || i == 1000) {
            break;
        }
        qobject_unref(resp);
        g_usleep(1000);
    }
    g_assert_cmpint(vnet_drops(fi, "rx-no-buffer"), ==, 1);
    g_assert_cmpint(qdict_get_int(fi, "rx-packets"), ==, 0);
    qobject_unref(resp);

    fi = vnet_func_info(f.qts, 1, 3, &resp);
    g_assert_cmpstr(qdict_get_str(fi, "kind"), ==, "macvlan");
    g_assert_cmpstr(qdict_get_str(fi, "mode"), ==, "bridge");
    g_assert_cmpstr(qdict_get_str(fi, "mac"), ==, CHILD_A);
    g_assert_true(qdict_get_bool(fi, "up"));
    g_assert_true(qdict_get_bool(fi, "driver-ok"));
    g_assert_cmpint(qdict_get_int(fi, "rx-packets"), ==, 1);
    g_assert_cmpint(qdict_get_int(fi, "tx-packets"), ==, 1);
    g_assert_cmpint(qdict_get_int(fi, "tx-bytes"), ==, n);
    q = vnet_queue_stats(fi, 0);
    g_assert_cmpint(qdict_get_int(q, "rx-packets"), ==, 1);
    g_assert_cmpint(qdict_get_int(q, "rx-bytes"), ==, n);
    g_assert_cmpint(qdict_get_int(q, "tx-packets"), ==, 1);
    g_assert_cmpint(qdict_get_int(q, "tx-bytes"), ==, n);
    g_assert_cmpint(qlist_size(qdict_get_qlist(fi, "drops")), ==, 0);
    qobject_unref(resp);

    hmp = qtest_hmp(f.qts, "info vnet");
    g_assert_nonnull(strstr(hmp, "nic0: uplink up"));
    g_assert_true(g_regex_match_simple(
        "04\\.1 +a +macvlan +bridge +" CHILD_A " +up +up +1500 +1/1 +1 +1 +0",
        hmp, 0, 0));
    g_assert_true(g_regex_match_simple(
        "04\\.2 +b +macvlan +bridge +" CHILD_B " +up +up +1500 +1/1 +0 +0 +1",
        hmp, 0, 0));
    g_assert_nonnull(strstr(hmp, "dropped rx-no-buffer: 1"));
    stop_with_children(&f, &a, &b);
}

/* libvnet's decisions reach QEMU's trace events: the lower's rx_handler
 * handing a frame to child A, and a runt dropped under its reason. */
static void test_datapath_trace_events(void)
{
    Fixture f = {}, a = {};
    g_autofree char *log = g_strdup_printf("%s/vnet-trace-%d.log",
                                           g_get_tmp_dir(), getpid());
    g_autofree char *extra = g_strdup_printf(
        " -device vnet-macvlan,id=a,lower=nic0,addr=%d.1,mode=bridge,mac="
        CHILD_A " -trace vnet_rx_handler -trace vnet_drop -D %s", SLOT, log);
    g_autofree char *text = NULL;
    uint8_t frame[64] = {};
    uint32_t head, len;
    size_t n;

    fixture_start(&f, 1, extra);
    fixture_attach(&a, &f, 1, 1);
    fixture_drive(&f, 0);
    fixture_drive(&a, 0);
    head = post_rx(&a, 0, guest_alloc(a.alloc, 2048), 2048);
    n = tcp_frame(frame, 0x0a000202, 0x0a000210, 80, 40000);
    memcpy(frame, mac_a, 6);
    sock_send(&f, frame, n);
    qvirtio_wait_used_elem(a.qts, a.dev, rxq(&a, 0), head, &len, TIMEOUT_US);
    sock_send(&f, frame, 10);     /* a runt */
    for (int i = 0; ; i++) {
        QDict *resp, *fi = vnet_func_info(f.qts, 0, 2, &resp);
        bool seen = vnet_drops(fi, "rx-runt") == 1;

        qobject_unref(resp);
        if (seen) {
            break;
        }
        g_assert_cmpint(i, <, 1000);
        g_usleep(1000);
    }
    fixture_stop(&a);
    fixture_stop(&f);
    g_assert_true(g_file_get_contents(log, &text, NULL, NULL));
    unlink(log);
    g_assert_nonnull(strstr(text, "vnet_rx_handler nic0: rx_handler another"));
    g_assert_nonnull(strstr(text, "vnet_drop nic0: dropped, rx-runt"));
}

/* vnet-set-mtu on the lower: a macvlan child above the new MTU comes
 * down to it (config space too), one below stays; a child may not go
 * above its lower, a lower not above its mtu= property. */
static void test_set_mtu_bounds_children(void)
{
    Fixture f = {}, a = {}, b = {};
    QDict *resp;
    uint8_t frame[1500] = {};

    fixture_start(&f, 1,
                  " -device vnet-macvlan,id=a,lower=nic0,addr=4.1,mode=bridge,"
                  "mac=" CHILD_A
                  " -device vnet-macvlan,id=b,lower=nic0,addr=4.2,mode=bridge,"
                  "mac=" CHILD_B ",mtu=1300");
    fixture_attach(&a, &f, 1, 1);
    fixture_attach(&b, &f, 2, 1);
    fixture_drive(&f, 0);
    fixture_drive(&a, 0);
    fixture_drive(&b, 0);
    g_assert_cmpint(qvirtio_config_readw(a.dev, 10), ==, 1500);
    qtest_qmp_assert_success(f.qts, "{'execute': 'vnet-set-mtu', 'arguments':"
                             " {'id': 'nic0', 'mtu': 1400}}");
    g_assert_cmpint(qvirtio_config_readw(f.dev, 10), ==, 1400);
    g_assert_cmpint(qvirtio_config_readw(a.dev, 10), ==, 1400);
    g_assert_cmpint(qvirtio_config_readw(b.dev, 10), ==, 1300);
    g_assert_cmpint(qdict_get_int(vnet_func_info(f.qts, 1, 3, &resp), "mtu"),
                    ==, 1400);
    qobject_unref(resp);

    resp = qtest_qmp(f.qts, "{'execute': 'vnet-set-mtu', 'arguments':"
                     " {'id': 'a', 'mtu': 1401}}");
    g_assert_nonnull(strstr(qdict_get_str(qdict_get_qdict(resp, "error"),
                                          "desc"), "'mtu'"));
    qobject_unref(resp);
    resp = qtest_qmp(f.qts, "{'execute': 'vnet-set-mtu', 'arguments':"
                     " {'id': 'nic0', 'mtu': 1501}}");
    g_assert_true(qdict_haskey(resp, "error"));
    qobject_unref(resp);
    resp = qtest_qmp(f.qts, "{'execute': 'vnet-set-mtu', 'arguments':"
                     " {'id': 'nope', 'mtu': 1400}}");
    g_assert_true(qdict_haskey(resp, "error"));
    qobject_unref(resp);

    /* A's frame over its new MTU is refused on the way out. */
    memcpy(frame, "\x52\x55\x0a\x00\x02\x02", 6);
    memcpy(frame + 6, mac_a, 6);
    frame[12] = 0x08;
    send_from(&a, frame, 14 + 1405);
    g_assert_cmpint(vnet_drops(vnet_func_info(f.qts, 1, 3, &resp),
                               "tx-oversize"), ==, 1);
    qobject_unref(resp);
    stop_with_children(&f, &a, &b);
}

/* ---- vnet-ipvlan children ---- */

/* ipvlan children carry the lower's MAC; a frame from the uplink goes to
 * the child owning its destination IP (here fixed with addrs=). */
static void test_ipvlan_delivers_by_address(void)
{
    Fixture f = {}, a = {}, b = {};
    uint8_t frame[64], mac[6];
    uint64_t bufb;
    uint32_t head, idx, len;
    size_t n;

    fixture_start(&f, 1,
                  " -device vnet-ipvlan,id=a,lower=nic0,addr=4.1,mode=l2,"
                  "addrs=10.0.2.16"
                  " -device vnet-ipvlan,id=b,lower=nic0,addr=4.2,mode=l2,"
                  "addrs=10.0.2.17");
    fixture_attach(&a, &f, 1, 1);
    fixture_attach(&b, &f, 2, 1);
    fixture_drive(&f, 0);
    fixture_drive(&a, 0);
    fixture_drive(&b, 0);
    read_mac(&a, mac);
    g_assert_cmpmem(mac, 6, "\x52\x54\x00\x12\x34\x56", 6);
    post_rx(&a, 0, guest_alloc(a.alloc, 2048), 2048);
    bufb = guest_alloc(b.alloc, 2048);
    head = post_rx(&b, 0, bufb, 2048);
    n = tcp_frame(frame, 0x0a000202, 0x0a000211, 80, 40000);  /* to .17 */
    sock_send(&f, frame, n);
    qvirtio_wait_used_elem(b.qts, b.dev, rxq(&b, 0), head, &len, TIMEOUT_US);
    g_assert_cmpint(len, ==, HDR_LEN + n);
    g_assert_false(qvirtqueue_get_buf(a.qts, rxq(&a, 0), &idx, &len));
    stop_with_children(&f, &a, &b);
}

/* Start QEMU with `args`; it must exit non-zero naming `property`. */
static void assert_refused(const char *args, const char *property)
{
    const char *qemu = g_getenv("QTEST_QEMU_BINARY");
    g_autofree char *cmd = g_strdup_printf("%s -M pc -nodefaults -display none "
                                           "-S %s", qemu, args);
    /* Quoted in the message, so the echoed command line cannot match. */
    g_autofree char *needle = g_strdup_printf("%s'", property);
    g_autofree char *err = NULL;
    g_auto(GStrv) argv = NULL;
    int status;

    g_assert_true(g_shell_parse_argv(cmd, NULL, &argv, NULL));
    g_assert_true(g_spawn_sync(NULL, argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL,
                               NULL, NULL, NULL, &err, &status, NULL));
    g_assert_true(WIFEXITED(status) && WEXITSTATUS(status) != 0);
    g_test_message("refused as expected: %s", err);
    g_assert_nonnull(strstr(err, needle));
}

/* -device TYPE,help lists each of `props` with a description. */
static void assert_help_describes(const char *type, const char *const *props)
{
    const char *qemu = g_getenv("QTEST_QEMU_BINARY");
    g_autofree char *cmd = g_strdup_printf("%s -device %s,help", qemu, type);
    g_autofree char *out = NULL;
    int status;

    g_assert_true(g_spawn_command_line_sync(cmd, &out, NULL, &status, NULL));
    g_assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    for (const char *const *p = props; *p; p++) {
        g_autofree char *pat = g_strdup_printf("(?m)^  %s=<[a-z0-9]+> +- "
                                               "[A-Za-z]", *p);
        if (!g_regex_match_simple(pat, out, 0, 0)) {
            g_test_message("%s: no description of '%s' in:\n%s", type, *p,
                           out);
            g_assert_not_reached();
        }
    }
}

static void test_help_describes_every_property(void)
{
    static const char *const multi[] = {
        "netdev", "mac", "queues", "mtu", "ip", "gw", "vectors", "ioeventfd",
        NULL };
    static const char *const macvlan[] = {
        "lower", "mode", "mac", "macaddr", "queues", "mtu", "vectors", NULL };
    static const char *const ipvlan[] = {
        "lower", "mode", "flags", "addrs", "queues", "mtu", "vectors", NULL };

    assert_help_describes("vnet-multi", multi);
    assert_help_describes("vnet-macvlan", macvlan);
    assert_help_describes("vnet-ipvlan", ipvlan);
}

static void test_bad_properties_refused(void)
{
    assert_refused("-netdev user,id=up -device vnet-multi,netdev=up,queues=0",
                   "queues");
    assert_refused("-netdev user,id=up -device vnet-multi,netdev=up,queues=99",
                   "queues");
    assert_refused("-device vnet-multi,netdev=nosuchnet", "netdev");
    assert_refused("-device vnet-multi,mtu=10", "mtu");
    assert_refused("-device vnet-multi,mac=52:54:00:zz:00:01", "mac");
}

#define LOWER "-netdev user,id=up -device vnet-multi,id=nic0,netdev=up," \
              "addr=4.0,multifunction=on,mac=" MAC " "

static void test_macvlan_bad_properties_refused(void)
{
    assert_refused(LOWER "-device vnet-macvlan,lower=nic0,addr=4.1,mode=bogus",
                   "mode");
    assert_refused(LOWER "-device vnet-macvlan,lower=nic0,addr=4.1,mac=" MAC,
                   "mac");
    assert_refused(LOWER "-device vnet-macvlan,lower=nic0,addr=4.1,mac=" CHILD_A
                   " -device vnet-macvlan,lower=nic0,addr=4.2,mac=" CHILD_A,
                   "mac");
    assert_refused(LOWER "-device vnet-macvlan,lower=nic0,addr=5.1", "addr");
    assert_refused(LOWER "-device vnet-macvlan,lower=nic0,addr=5.0", "addr");
    assert_refused(LOWER "-device vnet-macvlan,lower=nic0,addr=4.1,"
                   "mode=passthru -device vnet-macvlan,lower=nic0,addr=4.2",
                   "mode");
    assert_refused(LOWER "-device vnet-macvlan,lower=nic0,addr=4.1 "
                   "-device vnet-macvlan,lower=nic0,addr=4.2,mode=passthru",
                   "mode");
    assert_refused(LOWER "-device e1000,id=e,addr=6.0,multifunction=on "
                   "-device vnet-macvlan,lower=e,addr=6.1", "lower");
    assert_refused(LOWER "-device vnet-macvlan,addr=4.1", "lower");
    assert_refused(LOWER "-device vnet-macvlan,lower=nic0,addr=4.1,"
                   "macaddr=" CHILD_B, "macaddr");
    assert_refused(LOWER "-device vnet-macvlan,lower=nic0,addr=4.1,"
                   "mode=source,macaddr=52:54", "macaddr");
}

static void test_ipvlan_bad_properties_refused(void)
{
    assert_refused(LOWER "-device vnet-ipvlan,lower=nic0,addr=4.1,mode=l4",
                   "mode");
    assert_refused(LOWER "-device vnet-ipvlan,lower=nic0,addr=4.1", "mode");
    assert_refused(LOWER "-device vnet-ipvlan,lower=nic0,addr=4.1,mode=l2,"
                   "flags=loud", "flags");
    assert_refused(LOWER "-device vnet-ipvlan,lower=nic0,addr=4.1,mode=l2,"
                   "addrs=10.0.2.300", "addrs");
    assert_refused(LOWER "-device vnet-ipvlan,lower=nic0,addr=4.1,mode=l2,"
                   "addrs=10.0.2.16,,10.0.2.16", "addrs");
    assert_refused(LOWER "-device vnet-ipvlan,lower=nic0,addr=4.1,mode=l2,"
                   "addrs=fd00::1 -device vnet-ipvlan,lower=nic0,addr=4.2,"
                   "mode=l2,addrs=fd00::1", "addrs");
    /* One kind of upper per lower: a device holds one rx_handler. */
    assert_refused(LOWER "-device vnet-macvlan,lower=nic0,addr=4.1 "
                   "-device vnet-ipvlan,lower=nic0,addr=4.2,mode=l2", "lower");
    assert_refused(LOWER "-device vnet-ipvlan,lower=nic0,addr=4.1,mode=l2 "
                   "-device vnet-macvlan,lower=nic0,addr=4.2", "lower");
    assert_refused(LOWER "-device vnet-ipvlan,lower=nic0,addr=5.1,mode=l2",
                   "addr");
    /* The lower's IP layer: ip= and gw= checked, l3 needs ip=. */
    assert_refused("-device vnet-multi,ip=10.0.2.15", "ip");
    assert_refused("-device vnet-multi,ip=10.0.2.15/33", "ip");
    assert_refused("-device vnet-multi,ip=10.0.2.15/24,,10.0.2.16/24", "ip");
    assert_refused("-device vnet-multi,ip=10.0.2.15/24,gw=10.0.2", "gw");
    assert_refused("-device vnet-multi,ip=10.0.2.15/24,gw=fd00::1", "gw");
}

/* With ip= on the lower, l3 and l3s children start. */
static void test_ipvlan_l3_needs_and_takes_ip(void)
{
    Fixture f = {}, a = {}, b = {};
    uint8_t mac[6];

    fixture_start(&f, 1, ",ip=10.0.2.15/24,,fd00::15/64,gw=10.0.2.2,,fd00::2"
                  " -device vnet-ipvlan,id=a,lower=nic0,addr=4.1,mode=l3"
                  " -device vnet-ipvlan,id=b,lower=nic0,addr=4.2,mode=l3s");
    fixture_attach(&a, &f, 1, 1);
    fixture_attach(&b, &f, 2, 1);
    fixture_drive(&a, 0);
    read_mac(&a, mac);
    g_assert_cmpmem(mac, 6, "\x52\x54\x00\x12\x34\x56", 6);
    fixture_stop(&b);
    fixture_stop(&a);
    fixture_stop(&f);
}


/* ---- a hostile guest ---- */

/* B still forwards to the outside: its frame is the next on the uplink. */
static void assert_sibling_forwards(Fixture *f, Fixture *b)
{
    static const uint8_t outside[6] = { 0x52, 0x55, 0x0a, 0x00, 0x02, 0x02 };
    uint8_t frame[64], got[256];
    size_t n = tcp_frame(frame, 0x0a000211, 0x0a000202, 40001, 80);

    memcpy(frame, outside, 6);
    memcpy(frame + 6, mac_b, 6);
    send_from(b, frame, n);
    g_assert_cmpint(sock_recv(f, got, sizeof(got)), ==, n);
    g_assert_cmpmem(got + 6, 6, mac_b, 6);
}

/* A header-only chain and a frame over the MTU from child A are dropped
 * and counted; A and its sibling go on working. */
static void test_hostile_runt_and_oversized_tx(void)
{
    Fixture f = {}, a = {}, b = {};
    g_autofree uint8_t *big = g_malloc0(1600);
    QDict *resp, *fi;

    start_with_children(&f, &a, &b, "bridge");
    send_from(&a, big, 0);
    memcpy(big, mac_b, 6);
    memcpy(big + 6, mac_a, 6);
    send_from(&a, big, 1600);
    fi = vnet_func_info(f.qts, 1, 3, &resp);
    g_assert_cmpint(vnet_drops(fi, "tx-runt"), ==, 1);
    g_assert_cmpint(vnet_drops(fi, "tx-oversize"), ==, 1);
    qobject_unref(resp);
    g_assert_cmphex(a.dev->bus->get_status(a.dev) &
                    VIRTIO_CONFIG_S_NEEDS_RESET, ==, 0);
    assert_sibling_forwards(&f, &b);
    stop_with_children(&f, &a, &b);
}

/* Control commands whose data is too short, too long or lies about its
 * count are refused (VIRTIO_NET_ERR) and change nothing; the queue goes
 * on taking good ones. */
static void test_hostile_ctrl_bad_lengths(void)
{
    Fixture f = {};
    uint8_t data[16] = { 1 };
    uint8_t mac[6];

    fixture_start(&f, 1, NULL);
    fixture_drive(&f, (1ull << VIRTIO_NET_F_CTRL_VQ) |
                      (1ull << VIRTIO_NET_F_CTRL_RX) |
                      (1ull << VIRTIO_NET_F_CTRL_MAC_ADDR));
    g_assert_cmpint(ctrl_cmd(&f, VIRTIO_NET_CTRL_RX,
                             VIRTIO_NET_CTRL_RX_PROMISC, data, 0),
                    ==, VIRTIO_NET_ERR);
    g_assert_cmpint(ctrl_cmd(&f, VIRTIO_NET_CTRL_RX,
                             VIRTIO_NET_CTRL_RX_PROMISC, data, 2),
                    ==, VIRTIO_NET_ERR);
    g_assert_cmpint(ctrl_cmd(&f, VIRTIO_NET_CTRL_MAC,
                             VIRTIO_NET_CTRL_MAC_ADDR_SET, data, 5),
                    ==, VIRTIO_NET_ERR);
    /* A unicast table claiming 1000 entries in 12 bytes. */
    stl_le_p(data, 1000);
    g_assert_cmpint(ctrl_cmd(&f, VIRTIO_NET_CTRL_MAC,
                             VIRTIO_NET_CTRL_MAC_TABLE_SET, data, 12),
                    ==, VIRTIO_NET_ERR);
    read_mac(&f, mac);
    g_assert_cmpmem(mac, 6, "\x52\x54\x00\x12\x34\x56", 6);
    data[0] = 0;
    g_assert_cmpint(ctrl_cmd(&f, VIRTIO_NET_CTRL_RX,
                             VIRTIO_NET_CTRL_RX_PROMISC, data, 1),
                    ==, VIRTIO_NET_OK);
    g_assert_cmphex(f.dev->bus->get_status(f.dev) &
                    VIRTIO_CONFIG_S_NEEDS_RESET, ==, 0);
    fixture_stop(&f);
}

enum { BAD_OUTSIDE_RAM, BAD_LOOP, BAD_ZERO_LENGTH };

/* Child A queues a TX chain QEMU must not follow: a buffer outside guest
 * RAM, a descriptor whose next is itself, or a zero-length descriptor
 * (which QEMU's virtqueue_pop refuses, as for virtio-net). A is marked as
 * needing a reset (virtio 1.2 §2.1.2), QEMU answers, and B forwards. */
static void hostile_bad_tx_chain(int kind)
{
    Fixture f = {}, a = {}, b = {};
    QVirtQueue *vq;
    uint64_t buf;
    uint32_t head;
    QDict *resp;
    int i;

    start_with_children(&f, &a, &b, "bridge");
    vq = txq(&a, 0);
    if (kind == BAD_OUTSIDE_RAM) {
        /* Not RAM: QEMU maps it only through a bounce buffer of a few
         * KiB, so a 64 KiB buffer there cannot be mapped at all. */
        head = qvirtqueue_add(a.qts, vq, 0xfff0000000ULL, 65536, false, false);
    } else if (kind == BAD_LOOP) {
        buf = guest_alloc(a.alloc, 256);
        head = qvirtqueue_add(a.qts, vq, buf, 256, false, true);
        qtest_writew(a.qts, vq->desc + 16 * head + 14, head);
    } else {
        buf = guest_alloc(a.alloc, 256);
        head = qvirtqueue_add(a.qts, vq, buf, 0, false, false);
    }
    qvirtqueue_kick(a.qts, a.dev, vq, head);
    for (i = 0; i < 5000; i++) {
        if (a.dev->bus->get_status(a.dev) & VIRTIO_CONFIG_S_NEEDS_RESET) {
            break;
        }
        g_usleep(1000);
    }
    g_assert_cmphex(a.dev->bus->get_status(a.dev) &
                    VIRTIO_CONFIG_S_NEEDS_RESET, ==,
                    VIRTIO_CONFIG_S_NEEDS_RESET);
    g_assert_cmphex(b.dev->bus->get_status(b.dev) &
                    VIRTIO_CONFIG_S_NEEDS_RESET, ==, 0);
    vnet_func_info(f.qts, 1, 3, &resp);
    qobject_unref(resp);
    assert_sibling_forwards(&f, &b);
    stop_with_children(&f, &a, &b);
}

static void test_hostile_tx_outside_ram(void)
{
    hostile_bad_tx_chain(BAD_OUTSIDE_RAM);
}

static void test_hostile_tx_descriptor_loop(void)
{
    hostile_bad_tx_chain(BAD_LOOP);
}

static void test_hostile_tx_zero_length_needs_reset(void)
{
    hostile_bad_tx_chain(BAD_ZERO_LENGTH);
}

/* A notification for queue `index` (modern virtio-pci: its own address
 * in the notify region), whether or not that queue exists. */
static void notify_queue(Fixture *f, unsigned index)
{
    qpci_io_writew(f->pci->pdev, f->pci->bar,
                   f->pci->notify_cfg_offset +
                   index * f->pci->notify_off_multiplier, index);
}

/* With queues=2 and MQ not negotiated, the driver sets up pair 0 and pair
 * 1's TX queue only, then kicks the queues it never set up (pair 1's RX,
 * the control queue) and indexes past the last queue. QEMU ignores them,
 * the function is not broken, and a frame from pair 0 leaves. A frame on
 * pair 1's TX queue, beyond the negotiated pairs, is sent too, as QEMU's
 * virtio-net sends it: the pair count steers receive only. */
static void test_hostile_notify_unconfigured_and_beyond(void)
{
    static const unsigned kicks[] = { 2, 4, 5, 63, 64, 1023 };
    Fixture f = {};
    uint8_t frame[64], got[128];
    size_t n = tcp_frame(frame, 0x0a00020f, 0x0a000202, 40000, 80);
    uint64_t buf;
    uint32_t head;
    QDict *resp;

    fixture_start(&f, 2, NULL);
    qvirtio_set_features(f.dev, 1ull << VIRTIO_F_VERSION_1);
    f.vq[0] = qvirtqueue_setup(f.dev, f.alloc, 0);
    f.vq[1] = qvirtqueue_setup(f.dev, f.alloc, 1);
    f.vq[3] = qvirtqueue_setup(f.dev, f.alloc, 3);
    qvirtio_set_driver_ok(f.dev);
    for (size_t i = 0; i < G_N_ELEMENTS(kicks); i++) {
        notify_queue(&f, kicks[i]);
    }
    resp = qtest_qmp(f.qts, "{'execute': 'query-vnet'}");
    g_assert_true(qdict_haskey(resp, "return"));
    qobject_unref(resp);
    g_assert_cmphex(f.dev->bus->get_status(f.dev) &
                    VIRTIO_CONFIG_S_NEEDS_RESET, ==, 0);

    send_from(&f, frame, n);
    g_assert_cmpint(sock_recv(&f, got, sizeof(got)), ==, n);
    g_assert_cmpmem(got, n, frame, n);

    frame[n - 1] = 0x77;
    buf = guest_alloc(f.alloc, HDR_LEN + n);
    qtest_memset(f.qts, buf, 0, HDR_LEN);
    qtest_memwrite(f.qts, buf + HDR_LEN, frame, n);
    head = qvirtqueue_add(f.qts, f.vq[3], buf, HDR_LEN + n, false, false);
    qvirtqueue_kick(f.qts, f.dev, f.vq[3], head);
    qvirtio_wait_used_elem(f.qts, f.dev, f.vq[3], head, NULL, TIMEOUT_US);
    g_assert_cmpint(sock_recv(&f, got, sizeof(got)), ==, n);
    g_assert_cmpmem(got, n, frame, n);
    fixture_stop(&f);
}

/* ipvlan children in each mode: B sending from A's address is dropped
 * and counted (tx-addr-busy), as Linux's address validator refuses a
 * sibling's address; B's frames from its own address still reach A. */
static void test_hostile_ipvlan_sibling_forgery(void)
{
    static const char *const modes[] = { "l2", "l3", "l3s" };

    for (size_t m = 0; m < G_N_ELEMENTS(modes); m++) {
        Fixture f = {}, a = {}, b = {};
        g_autofree char *extra = g_strdup_printf(
            ",ip=10.0.2.15/24,gw=10.0.2.2"
            " -device vnet-ipvlan,id=a,lower=nic0,addr=%d.1,mode=%s,"
            "addrs=10.0.2.21"
            " -device vnet-ipvlan,id=b,lower=nic0,addr=%d.2,mode=%s,"
            "addrs=10.0.2.22", SLOT, modes[m], SLOT, modes[m]);
        uint8_t frame[64];
        uint32_t head, idx, len;
        size_t n;
        QDict *resp, *fi;

        fixture_start(&f, 1, extra);
        fixture_attach(&a, &f, 1, 1);
        fixture_attach(&b, &f, 2, 1);
        fixture_drive(&f, 0);
        fixture_drive(&a, 0);
        fixture_drive(&b, 0);
        head = post_rx(&a, 0, guest_alloc(a.alloc, 2048), 2048);

        /* Both MACs the shared one: to a sibling in every mode. */
        n = tcp_frame(frame, 0x0a000215, 0x0a000215, 40000, 80);
        memcpy(frame + 6, frame, 6);
        send_from(&b, frame, n);
        fi = vnet_func_info(f.qts, 2, 3, &resp);
        g_assert_cmpint(vnet_drops(fi, "tx-addr-busy"), ==, 1);
        g_assert_cmpint(qdict_get_int(fi, "tx-packets"), ==, 0);
        qobject_unref(resp);
        g_assert_false(qvirtqueue_get_buf(a.qts, rxq(&a, 0), &idx, &len));

        stl_be_p(frame + 26, 0x0a000216);   /* from B's own address */
        send_from(&b, frame, n);
        qvirtio_wait_used_elem(a.qts, a.dev, rxq(&a, 0), head, &len,
                               TIMEOUT_US);
        g_assert_cmpint(len, ==, HDR_LEN + n);
        fi = vnet_func_info(f.qts, 2, 3, &resp);
        g_assert_cmpint(vnet_drops(fi, "tx-addr-busy"), ==, 1);
        g_assert_cmpint(qdict_get_int(fi, "tx-packets"), ==, 1);
        qobject_unref(resp);
        stop_with_children(&f, &a, &b);
    }
}

/* ---- accounting: nothing lost without a count ---- */

typedef struct Acct {
    int64_t uplink_rx, uplink_tx;
    int64_t ring_tx, ring_rx;   /* over every function's queues */
    int64_t tx, rx, drops;      /* over every function */
} Acct;

static int64_t drops_matching(QDict *fi, const char *prefix)
{
    QListEntry *e;
    int64_t n = 0;

    QLIST_FOREACH_ENTRY(qdict_get_qlist(fi, "drops"), e) {
        QDict *d = qobject_to(QDict, qlist_entry_obj(e));
        if (g_str_has_prefix(qdict_get_str(d, "reason"), prefix)) {
            n += qdict_get_int(d, "count");
        }
    }
    return n;
}

/* Sums query-vnet's counters, checking on the way each function's own
 * identities: every frame a child's guest queued was sent or dropped under
 * a tx- reason on it, and every frame delivered to a function is in its
 * rings. */
static Acct account(QTestState *qts)
{
    QDict *resp = qtest_qmp(qts, "{'execute': 'query-vnet'}");
    QDict *dev = qobject_to(QDict, qlist_peek(qdict_get_qlist(resp,
                                                               "return")));
    Acct a = {
        .uplink_rx = qdict_get_int(dev, "uplink-rx-packets"),
        .uplink_tx = qdict_get_int(dev, "uplink-tx-packets"),
    };
    QListEntry *e, *q;

    QLIST_FOREACH_ENTRY(qdict_get_qlist(dev, "functions"), e) {
        QDict *fi = qobject_to(QDict, qlist_entry_obj(e));
        int64_t ring_tx = 0, ring_rx = 0;

        QLIST_FOREACH_ENTRY(qdict_get_qlist(fi, "queue-stats"), q) {
            ring_tx += qdict_get_int(qobject_to(QDict, qlist_entry_obj(q)),
                                     "tx-packets");
            ring_rx += qdict_get_int(qobject_to(QDict, qlist_entry_obj(q)),
                                     "rx-packets");
        }
        if (!strcmp(qdict_get_str(fi, "kind"), "lower")) {
            /* The lower's device also sends its children's frames out
             * (as Linux counts them on the lower): all it sent is what
             * the uplink got. */
            g_assert_cmpint(qdict_get_int(fi, "tx-packets"), ==, a.uplink_tx);
        } else {
            g_assert_cmpint(ring_tx, ==, qdict_get_int(fi, "tx-packets") +
                                         drops_matching(fi, "tx-"));
        }
        g_assert_cmpint(ring_rx, ==, qdict_get_int(fi, "rx-packets"));
        a.ring_tx += ring_tx;
        a.ring_rx += ring_rx;
        a.tx += qdict_get_int(fi, "tx-packets");
        a.rx += qdict_get_int(fi, "rx-packets");
        a.drops += drops_matching(fi, "");
    }
    qobject_unref(resp);
    return a;
}

/* Waits until the device has taken `n` frames from the uplink. */
static Acct account_after_uplink(QTestState *qts, int64_t n)
{
    Acct a;

    for (int i = 0; i < 5000; i++) {
        a = account(qts);
        if (a.uplink_rx >= n) {
            break;
        }
        g_usleep(1000);
    }
    g_assert_cmpint(a.uplink_rx, ==, n);
    return a;
}

/* Mixed unicast traffic from the uplink and from the guests, good and
 * bad: every frame that came in (from a guest ring or the uplink) is
 * delivered to one function, handed to the uplink, or dropped under a
 * reason, with each function's own counts agreeing. */
static void test_accounting_nothing_lost(void)
{
    static const uint8_t outside[6] = { 0x52, 0x55, 0x0a, 0x00, 0x02, 0x02 };
    static const uint8_t lower[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
    static const uint8_t nobody[6] = { 0x52, 0x54, 0x00, 0x00, 0x00, 0x99 };
    Fixture f = {}, a = {}, b = {};
    g_autofree uint8_t *big = g_malloc0(1600);
    uint8_t frame[64], got[2048];
    size_t n = tcp_frame(frame, 0x0a000202, 0x0a000211, 80, 40001);
    const uint8_t *to[] = { mac_a, mac_a, mac_a, mac_b, mac_b, lower, lower,
                            nobody };
    int64_t in, out;
    Acct t;

    start_with_children(&f, &a, &b, "bridge");
    /* Rings: three buffers each for function 0 and A, none for B. */
    for (int i = 0; i < 3; i++) {
        post_rx(&f, 0, guest_alloc(f.alloc, 2048), 2048);
        post_rx(&a, 0, guest_alloc(a.alloc, 2048), 2048);
    }

    /* From the uplink: to A, to B (no buffer), to function 0, to a MAC
     * nobody has, a runt and one over the MTU. */
    for (size_t i = 0; i < G_N_ELEMENTS(to); i++) {
        memcpy(frame, to[i], 6);
        memcpy(frame + 6, outside, 6);
        sock_send(&f, frame, n);
    }
    sock_send(&f, frame, 8);
    memcpy(big, mac_a, 6);
    memcpy(big + 6, outside, 6);
    sock_send(&f, big, 1600);
    t = account_after_uplink(f.qts, G_N_ELEMENTS(to) + 2);
    g_assert_cmpint(t.uplink_rx, ==, t.rx + t.drops);
    g_assert_cmpint(t.rx, >=, 5);     /* A's three, function 0's two */
    g_assert_cmpint(t.drops, >=, 3);  /* B's two, the runt, ... */

    /* From the guests: A to the outside, to function 0's MAC (out of the
     * uplink, as Linux's macvlan sends it), to B (no buffer), a runt and
     * one over the MTU; B to A. */
    memcpy(frame + 6, mac_a, 6);
    memcpy(frame, outside, 6);
    send_from(&a, frame, n);
    memcpy(frame, lower, 6);
    send_from(&a, frame, n);
    memcpy(frame, mac_b, 6);
    send_from(&a, frame, n);
    send_from(&a, frame, 0);
    memcpy(big + 6, mac_a, 6);
    memcpy(big, outside, 6);
    send_from(&a, big, 1600);
    memcpy(frame, mac_a, 6);
    memcpy(frame + 6, mac_b, 6);
    send_from(&b, frame, n);
    g_assert_cmpint(sock_recv(&f, got, sizeof(got)), ==, n);
    g_assert_cmpint(sock_recv(&f, got, sizeof(got)), ==, n);

    t = account(f.qts);
    in = t.ring_tx + t.uplink_rx;
    out = t.uplink_tx + t.rx + t.drops;
    g_assert_cmpint(t.ring_tx, ==, 6);
    g_assert_cmpint(t.uplink_tx, ==, 2);
    g_assert_cmpint(in, ==, out);
    stop_with_children(&f, &a, &b);
}

/* macvlan: Linux's macvlan_queue_xmit does not look at the source MAC (a
 * sibling's MAC is refused only as the device's own address, which
 * ctrl/mac-addr-set covers), so B's frame with A's source MAC leaves on
 * the uplink as it is, uncounted as a drop, in every mode. */
static void test_hostile_macvlan_forged_source_passes(void)
{
    static const char *const modes[] = { "private", "vepa", "bridge",
                                         "source" };
    static const uint8_t outside[6] = { 0x52, 0x55, 0x0a, 0x00, 0x02, 0x02 };

    for (size_t m = 0; m < G_N_ELEMENTS(modes); m++) {
        Fixture f = {}, a = {}, b = {};
        uint8_t frame[64], got[128];
        size_t n = tcp_frame(frame, 0x0a000211, 0x0a000202, 40001, 80);
        QDict *resp, *fi;

        start_with_children(&f, &a, &b, modes[m]);
        memcpy(frame, outside, 6);
        memcpy(frame + 6, mac_a, 6);
        send_from(&b, frame, n);
        g_assert_cmpint(sock_recv(&f, got, sizeof(got)), ==, n);
        g_assert_cmpmem(got, n, frame, n);
        fi = vnet_func_info(f.qts, 2, 3, &resp);
        g_assert_cmpint(qdict_get_int(fi, "tx-packets"), ==, 1);
        g_assert_cmpint(qlist_size(qdict_get_qlist(fi, "drops")), ==, 0);
        qobject_unref(resp);
        stop_with_children(&f, &a, &b);
    }
}

/* A storm of broadcasts from the uplink, faster than the children take
 * them: the lower's broadcast backlog is bounded, so what does not fit is
 * dropped there under rx-bc-backlog-full; every child gets or drops (by
 * name) each frame the backlog took; function 0 gets or drops its own
 * copy of each; and unicast forwarding goes on. */
static void test_hostile_broadcast_storm_bounded(void)
{
    const int storm = 2000;
    Fixture f = {}, a = {}, b = {};
    uint8_t frame[64];
    size_t n = tcp_frame(frame, 0x0a000202, 0x0a0002ff, 80, 40000);
    g_autofree uint8_t *all = g_malloc(storm * (4 + n));
    int64_t backlog_full, no_clone;
    QDict *resp, *fi;
    Acct t;

    start_with_children(&f, &a, &b, "bridge");
    memset(frame, 0xff, 6);
    /* Queued while the VM is stopped (the net layer does not read for a
     * stopped VM), so that QEMU then reads some 1200 frames at once
     * (64 KiB) before the backlog's worker next runs. */
    qtest_qmp_assert_success(f.qts, "{'execute': 'stop'}");
    for (int i = 0; i < storm; i++) {
        stl_be_p(all + i * (4 + n), n);
        memcpy(all + i * (4 + n) + 4, frame, n);
    }
    g_assert_cmpint(qemu_write_full(f.sock, all, storm * (4 + n)), ==,
                    storm * (4 + n));
    qtest_qmp_assert_success(f.qts, "{'execute': 'cont'}");
    t = account_after_uplink(f.qts, storm);
    g_assert_cmpint(t.uplink_rx, ==, storm);
    fi = vnet_func_info(f.qts, 0, 3, &resp);
    backlog_full = vnet_drops(fi, "rx-bc-backlog-full");
    no_clone = vnet_drops(fi, "rx-no-clone-buffer");
    g_assert_cmpint(qdict_get_int(fi, "rx-packets") +
                    vnet_drops(fi, "rx-no-buffer"), ==, storm);
    qobject_unref(resp);
    for (int i = 1; i <= 2; i++) {
        fi = vnet_func_info(f.qts, i, 3, &resp);
        g_assert_cmpint(qdict_get_int(fi, "rx-packets") +
                        vnet_drops(fi, "rx-no-buffer") + backlog_full +
                        no_clone, ==, storm);
        qobject_unref(resp);
    }
    g_test_message("backlog-full %" PRId64 ", no-clone-buffer %" PRId64,
                   backlog_full, no_clone);
    g_assert_cmpint(backlog_full, >, 0);
    assert_sibling_forwards(&f, &b);
    stop_with_children(&f, &a, &b);
}

/* ---- -netdev vxlan ---- */

/* A UDP socket on 127.0.0.1 at a port of the kernel's choosing. */
static int udp_bound(uint16_t *port)
{
    struct sockaddr_in a = { .sin_family = AF_INET,
                             .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t len = sizeof(a);
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    struct timeval tv = { .tv_sec = 30 };

    g_assert_cmpint(fd, >=, 0);
    g_assert_cmpint(bind(fd, (struct sockaddr *)&a, sizeof(a)), ==, 0);
    g_assert_cmpint(getsockname(fd, (struct sockaddr *)&a, &len), ==, 0);
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    *port = ntohs(a.sin_port);
    return fd;
}

/* The FDB entry for `mac` in query-vxlan-fdb, or NULL; unref the list. */
static QDict *fdb_find(QTestState *qts, const char *mac, QDict **resp)
{
    QListEntry *e;

    *resp = qtest_qmp(qts, "{'execute': 'query-vxlan-fdb',"
                      " 'arguments': {'netdev': 'up'}}");
    QLIST_FOREACH_ENTRY(qdict_get_qlist(*resp, "return"), e) {
        QDict *d = qobject_to(QDict, qlist_entry_obj(e));
        if (!strcmp(qdict_get_str(d, "mac"), mac)) {
            return d;
        }
    }
    return NULL;
}

/* QEMU whose uplink is -netdev vxlan (id "up", VNI 7, on 127.0.0.1 at a
 * free port) with `opts` appended, function 0 driven. Returns a UDP socket
 * on 127.0.0.1 to play the remote (its port in *peer_port); *to, if
 * given, is the netdev's address. */
static int vxlan_start(Fixture *f, const char *opts, const char *extra,
                       uint16_t *peer_port, struct sockaddr_in *to)
{
    uint16_t port;
    int probe = udp_bound(&port), peer = udp_bound(peer_port);
    g_autofree char *netdev = NULL;

    close(probe); /* its port is free for the netdev */
    netdev = g_strdup_printf("-netdev vxlan,id=up,vni=7,local=127.0.0.1,"
                             "dstport=%u%s", port, opts);
    fixture_boot(f, 1, netdev, extra);
    fixture_drive(f, 0);
    if (to) {
        *to = (struct sockaddr_in) {
            .sin_family = AF_INET, .sin_port = htons(port),
            .sin_addr.s_addr = htonl(INADDR_LOOPBACK),
        };
    }
    return peer;
}

/* A VXLAN datagram (I flag, VNI 7) carrying frame[n]; returns its length. */
static size_t vxlan_dgram(uint8_t *dgram, const uint8_t *frame, size_t n)
{
    memset(dgram, 0, 8);
    dgram[0] = 0x08;
    stl_be_p(dgram + 4, 7 << 8);
    memcpy(dgram + 8, frame, n);
    return 8 + n;
}

static void test_vxlan_qmp_fdb_and_traffic(void)
{
    Fixture f = { .sock = -1 };
    uint8_t frame[64], dgram[128], got[128];
    uint16_t peer_port;
    int peer;
    struct sockaddr_in to;
    g_autofree char *log = g_strdup_printf("%s/vnet-fdb-trace-%d.log",
                                           g_get_tmp_dir(), getpid());
    g_autofree char *text = NULL;
    g_autofree char *extra = NULL;
    QDict *resp, *ev, *e;
    uint64_t buf;
    uint32_t head, len;
    size_t n;

    extra = g_strdup_printf(" -trace vnet_fdb -D %s", log);
    peer = vxlan_start(&f, ",l2miss=on", extra, &peer_port, &to);
    g_assert_null(fdb_find(f.qts, "00:00:00:00:00:00", &resp));
    qobject_unref(resp);

    /* No entry and no default remote: dropped, and an L2 miss event. */
    n = tcp_frame(frame, 0x0a00020f, 0x0a000202, 40000, 80);
    send_from(&f, frame, n);
    ev = qtest_qmp_eventwait_ref(f.qts, "VXLAN_L2MISS");
    g_assert_cmpstr(qdict_get_str(qdict_get_qdict(ev, "data"), "mac"), ==,
                    MAC);
    qobject_unref(ev);

    /* A default remote at our socket: the frame arrives encapsulated. */
    qtest_qmp_assert_success(f.qts, "{'execute': 'vxlan-fdb-add', "
                             "'arguments': {'netdev': 'up', "
                             "'mac': '00:00:00:00:00:00', "
                             "'remote': '127.0.0.1', 'port': %u}}", peer_port);
    resp = qtest_qmp(f.qts, "{'execute': 'vxlan-fdb-add', "
                     "'arguments': {'netdev': 'up', "
                     "'mac': '00:00:00:00:00:00', "
                     "'remote': '127.0.0.1', 'port': %u}}", peer_port);
    g_assert_true(qdict_haskey(resp, "error"));
    qobject_unref(resp);
    send_from(&f, frame, n);
    g_assert_cmpint(recv(peer, got, sizeof(got), 0), ==, 8 + n);
    g_assert_cmpint(got[0], ==, 0x08);                 /* I flag */
    g_assert_cmpint(ldl_be_p(got + 4), ==, 7 << 8);    /* VNI 7 */
    g_assert_cmpmem(got + 8, n, frame, n);

    /* A datagram from the peer reaches the ring; its sender is learned. */
    buf = guest_alloc(f.alloc, 2048);
    head = post_rx(&f, 0, buf, 2048);
    n = tcp_frame(frame, 0x0a000202, 0x0a00020f, 80, 40000);
    vxlan_dgram(dgram, frame, n);
    g_assert_cmpint(sendto(peer, dgram, 8 + n, 0, (struct sockaddr *)&to,
                           sizeof(to)), ==, 8 + n);
    qvirtio_wait_used_elem(f.qts, f.dev, rxq(&f, 0), head, &len, TIMEOUT_US);
    g_assert_cmpint(len, ==, HDR_LEN + n);
    qtest_memread(f.qts, buf + HDR_LEN, got, n);
    g_assert_cmpmem(got, n, frame, n);
    e = fdb_find(f.qts, "52:55:0a:00:02:02", &resp);
    g_assert_nonnull(e);
    g_assert_cmpstr(qdict_get_str(e, "remote"), ==, "127.0.0.1");
    g_assert_false(qdict_get_bool(e, "permanent"));
    qobject_unref(resp);

    qtest_qmp_assert_success(f.qts, "{'execute': 'vxlan-fdb-del', "
                             "'arguments': {'netdev': 'up', "
                             "'mac': '00:00:00:00:00:00'}}");
    g_assert_null(fdb_find(f.qts, "00:00:00:00:00:00", &resp));
    qobject_unref(resp);
    close(peer);
    fixture_stop(&f);
    /* The learning was traced, naming the netdev. */
    g_assert_true(g_file_get_contents(log, &text, NULL, NULL));
    unlink(log);
    g_assert_nonnull(strstr(text, "vnet_fdb up: fdb learn "));
}

/* One datagram from `fd` with the TTL and TOS its IP header carried. */
static ssize_t recv_ttl_tos(int fd, uint8_t *buf, size_t size, int *ttl,
                            int *tos)
{
    union {
        char buf[CMSG_SPACE(sizeof(int)) * 2];
        struct cmsghdr align;
    } ctl;
    struct iovec iov = { buf, size };
    struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
                          .msg_control = ctl.buf,
                          .msg_controllen = sizeof(ctl.buf) };
    struct cmsghdr *c;
    ssize_t n = recvmsg(fd, &msg, 0);

    *ttl = *tos = -1;
    for (c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
        if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_TTL) {
            memcpy(ttl, CMSG_DATA(c), sizeof(int));
        } else if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_TOS) {
            *tos = *(uint8_t *)CMSG_DATA(c);
        }
    }
    return n;
}

/* The outer header's TTL and TOS are the netdev's ttl= and tos=, on the
 * first datagram and on later ones alike. */
static void test_vxlan_outer_ttl_and_tos(void)
{
    Fixture f = { .sock = -1 };
    uint8_t frame[64], got[128];
    uint16_t peer_port;
    int peer = vxlan_start(&f, ",ttl=7,tos=0x28", "", &peer_port, NULL);
    int one = 1, ttl, tos;
    size_t n;

    setsockopt(peer, IPPROTO_IP, IP_RECVTTL, &one, sizeof(one));
    setsockopt(peer, IPPROTO_IP, IP_RECVTOS, &one, sizeof(one));
    qtest_qmp_assert_success(f.qts, "{'execute': 'vxlan-fdb-add', "
                             "'arguments': {'netdev': 'up', "
                             "'mac': '00:00:00:00:00:00', "
                             "'remote': '127.0.0.1', 'port': %u}}", peer_port);
    n = tcp_frame(frame, 0x0a00020f, 0x0a000202, 40000, 80);
    for (int i = 0; i < 2; i++) {
        send_from(&f, frame, n);
        g_assert_cmpint(recv_ttl_tos(peer, got, sizeof(got), &ttl, &tos), ==,
                        8 + n);
        g_assert_cmpint(ttl, ==, 7);
        g_assert_cmpint(tos, ==, 0x28);
        g_assert_cmpmem(got + 8, n, frame, n);
    }
    close(peer);
    fixture_stop(&f);
}

/* Drop `reason` of netdev "up" in query-vxlan, from its drops and its
 * socket's; with reason NULL, every datagram it accounted for: frames
 * given to the NIC plus every drop. */
static int64_t vxlan_count(QTestState *qts, const char *reason)
{
    static const char *const lists[] = { "drops", "socket-drops" };
    QDict *resp = qtest_qmp(qts, "{'execute': 'query-vxlan'}");
    QDict *info = qobject_to(QDict, qlist_peek(qdict_get_qlist(resp, "return")));
    int64_t n = reason ? 0 : qdict_get_int(info, "rx-packets");
    QListEntry *e;

    g_assert_cmpstr(qdict_get_str(info, "netdev"), ==, "up");
    for (int i = 0; i < 2; i++) {
        QLIST_FOREACH_ENTRY(qdict_get_qlist(info, lists[i]), e) {
            QDict *d = qobject_to(QDict, qlist_entry_obj(e));
            if (!reason || !strcmp(qdict_get_str(d, "reason"), reason)) {
                n += qdict_get_int(d, "count");
            }
        }
    }
    qobject_unref(resp);
    return n;
}

/* Datagrams from the network cut at every length, with the I flag clear,
 * an unknown VNI, reserved bits set, or an inner frame over the MTU: each
 * is counted under its reason, every one is accounted for (delivered or
 * dropped), and a good one still arrives afterwards. */
static void test_vxlan_hostile_datagrams_counted(void)
{
    Fixture f = { .sock = -1 };
    uint8_t frame[64], dgram[1700] = { 0 };
    uint16_t peer_port;
    struct sockaddr_in to;
    int peer = vxlan_start(&f, "", "", &peer_port, &to);
    int sent = 0, i;
    size_t n;

    for (i = 0; i < 32; i++) {
        post_rx(&f, 0, guest_alloc(f.alloc, 2048), 2048);
    }
    n = tcp_frame(frame, 0x0a000202, 0x0a00020f, 80, 40000);
    vxlan_dgram(dgram, frame, n);

    /* Cut short at every length: under 8 the header itself (vxlan-short),
     * under 8 + 14 + 20 the inner Ethernet or IPv4 header
     * (vxlan-truncated); longer ones carry a whole IPv4 header and go up,
     * as Linux's vxlan_rcv lets them. */
    for (size_t l = 0; l < 8 + n; l++, sent++) {
        g_assert_cmpint(sendto(peer, dgram, l, 0, (struct sockaddr *)&to,
                               sizeof(to)), ==, l);
    }
    dgram[0] = 0x00; /* I flag clear */
    sendto(peer, dgram, 8 + n, 0, (struct sockaddr *)&to, sizeof(to));
    dgram[0] = 0x08;
    dgram[3] = 0x01; /* a reserved bit */
    sendto(peer, dgram, 8 + n, 0, (struct sockaddr *)&to, sizeof(to));
    dgram[3] = 0x00;
    stl_be_p(dgram + 4, 8 << 8); /* a VNI no netdev has */
    sendto(peer, dgram, 8 + n, 0, (struct sockaddr *)&to, sizeof(to));
    stl_be_p(dgram + 4, 7 << 8);
    sendto(peer, dgram, 8 + 1600, 0, (struct sockaddr *)&to, sizeof(to));
    sent += 4;
    for (i = 0; i < 5000 && vxlan_count(f.qts, NULL) < sent; i++) {
        g_usleep(1000);
    }
    g_assert_cmpint(vxlan_count(f.qts, NULL), ==, sent);
    g_assert_cmpint(vxlan_count(f.qts, "vxlan-short"), ==, 8);
    g_assert_cmpint(vxlan_count(f.qts, "vxlan-truncated"), ==, 14 + 20);
    g_assert_cmpint(vxlan_count(f.qts, "vxlan-no-i-flag"), ==, 1);
    g_assert_cmpint(vxlan_count(f.qts, "vxlan-reserved-bits"), ==, 1);
    g_assert_cmpint(vxlan_count(f.qts, "vxlan-unknown-vni"), ==, 1);
    g_assert_cmpint(vxlan_count(f.qts, "vxlan-oversize"), ==, 1);

    /* QEMU took all that; a whole frame still reaches the ring, after
     * the 20 cut ones that carried a whole IPv4 header. */
    g_assert_cmpint(sendto(peer, dgram, 8 + n, 0, (struct sockaddr *)&to,
                           sizeof(to)), ==, 8 + n);
    for (i = 0; i < 5000; i++) {
        QDict *resp;
        int64_t rx = qdict_get_int(vnet_func_info(f.qts, 0, 1, &resp),
                                   "rx-packets");

        qobject_unref(resp);
        if (rx == 21) {
            break;
        }
        g_assert_cmpint(rx, <, 21);
        g_usleep(1000);
    }
    g_assert_cmpint(i, <, 5000);
    g_assert_cmpint(vxlan_count(f.qts, NULL), ==, sent + 1);
    close(peer);
    fixture_stop(&f);
}

#define VX "-netdev vxlan,id=v,local=127.0.0.1,"

/* A flood of inner source MACs from the network: learning stops at
 * maxaddress (the static entry counts and stays), every datagram is still
 * delivered or counted, and the guest still reaches the static MAC. */
static void test_vxlan_mac_flood_held_at_maxaddress(void)
{
    Fixture f = { .sock = -1 };
    uint8_t frame[64], dgram[128], got[128];
    uint16_t peer_port;
    struct sockaddr_in to;
    int peer = vxlan_start(&f, ",maxaddress=8", "", &peer_port, &to);
    const int flood = 300;
    QListEntry *e;
    QDict *resp, *st;
    int64_t learned = 0;
    size_t n;
    int i;

    qtest_qmp_assert_success(f.qts, "{'execute': 'vxlan-fdb-add', "
                             "'arguments': {'netdev': 'up', "
                             "'mac': '52:55:0a:00:02:99', "
                             "'remote': '127.0.0.1', 'port': %u}}", peer_port);

    n = tcp_frame(frame, 0x0a000202, 0x0a00020f, 80, 40000);
    vxlan_dgram(dgram, frame, n);
    /* In bursts the ring takes: function 0 alone holds frames back (the
     * socket keeps them) rather than drop them. */
    for (i = 0; i < flood; i++) {
        if (i % 50 == 0) {
            for (int j = 0; j < 5000 && vxlan_count(f.qts, NULL) < i; j++) {
                g_usleep(1000);
            }
            for (int j = 0; j < 50; j++) {
                post_rx(&f, 0, guest_alloc(f.alloc, 2048), 2048);
            }
        }
        stw_be_p(dgram + 8 + 10, i);  /* source 52:55:0a:00:ii:ii */
        g_assert_cmpint(sendto(peer, dgram, 8 + n, 0, (struct sockaddr *)&to,
                               sizeof(to)), ==, 8 + n);
    }
    for (i = 0; i < 5000 && vxlan_count(f.qts, NULL) < flood; i++) {
        g_usleep(1000);
    }
    g_assert_cmpint(vxlan_count(f.qts, NULL), ==, flood);

    /* The static entry and seven learned ones: the first seven sources. */
    g_assert_nonnull(st = fdb_find(f.qts, "52:55:0a:00:02:99", &resp));
    g_assert_true(qdict_get_bool(st, "permanent"));
    QLIST_FOREACH_ENTRY(qdict_get_qlist(resp, "return"), e) {
        QDict *d = qobject_to(QDict, qlist_entry_obj(e));

        if (!qdict_get_bool(d, "permanent")) {
            learned++;
            g_assert_true(g_str_has_prefix(qdict_get_str(d, "mac"),
                                           "52:55:0a:00:00:0"));
        }
    }
    g_assert_cmpint(learned, ==, 7);
    g_assert_cmpint(qlist_size(qdict_get_qlist(resp, "return")), ==, 8);
    qobject_unref(resp);

    /* Every datagram went up into the ring: none was dropped. */
    st = vnet_func_info(f.qts, 0, 1, &resp);
    g_assert_cmpint(qdict_get_int(st, "rx-packets"), ==, flood);
    qobject_unref(resp);

    /* Forwarding goes on: the guest's frame for the static MAC. */
    memcpy(frame, "\x52\x55\x0a\x00\x02\x99", 6);
    memcpy(frame + 6, MAC_BYTES, 6);
    send_from(&f, frame, n);
    g_assert_cmpint(recv(peer, got, sizeof(got), 0), ==, 8 + n);
    g_assert_cmpmem(got + 8, n, frame, n);
    close(peer);
    fixture_stop(&f);
}

static void test_vxlan_bad_options_refused(void)
{
    assert_refused(VX "vni=16777216,remote=127.0.0.2", "vni");
    assert_refused(VX "vni=1,srcport=5000-4000", "srcport");
    assert_refused(VX "vni=1,srcport=5000", "srcport");
    assert_refused(VX "vni=1,remote=::1", "remote");
    assert_refused(VX "vni=1,remote=239.1.1.1", "remote");
    assert_refused(VX "vni=1,group=10.0.0.1", "group");
    assert_refused(VX "vni=1,tos=300", "tos");
    assert_refused(VX "vni=1,ttl=256", "ttl");
    assert_refused(VX "vni=1,mtu=40", "mtu");
    assert_refused("-netdev vxlan,id=v,vni=1,local=nowhere", "local");
    /* Two netdevs on one address and port must differ in VNI. */
    assert_refused(VX "vni=1,dstport=47891 "
                   "-netdev vxlan,id=w,local=127.0.0.1,vni=1,dstport=47891",
                   "vni");
    assert_refused(VX "vni=1,dstport=47891 "
                   "-netdev vxlan,id=w,local=127.0.0.1,vni=2,dstport=47891,"
                   "udpcsum=off", "udpcsum");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    qtest_add_func("/vnet-multi/pci-identity", test_pci_identity);
    qtest_add_func("/vnet-multi/features-and-config", test_features_and_config);
    qtest_add_func("/vnet-multi/queue-count", test_queue_count);
    qtest_add_func("/vnet-multi/link-follows-set-link",
                   test_link_follows_set_link);
    qtest_add_func("/vnet-multi/rx/single-queue", test_rx_single_queue);
    qtest_add_func("/vnet-multi/rx/mergeable-buffers",
                   test_rx_mergeable_buffers);
    qtest_add_func("/vnet-multi/rx/queue-follows-flow-hash",
                   test_rx_queue_follows_flow_hash);
    qtest_add_func("/vnet-multi/ctrl/mq-range", test_ctrl_mq_range);
    qtest_add_func("/vnet-multi/ctrl/rx-filter", test_ctrl_rx_filter);
    qtest_add_func("/vnet-multi/ctrl/mac-table-overflow",
                   test_ctrl_mac_table_overflow);
    qtest_add_func("/vnet-multi/ctrl/mac-addr-set", test_ctrl_mac_addr_set);
    qtest_add_func("/vnet-multi/tx/any-queue", test_tx_any_queue);
    qtest_add_func("/vnet-multi/help-describes-every-property",
                   test_help_describes_every_property);
    qtest_add_func("/vnet-multi/bad-properties-refused",
                   test_bad_properties_refused);
    qtest_add_func("/vnet-multi/macvlan/enumerates-with-own-mac",
                   test_macvlan_enumerates_with_own_mac);
    qtest_add_func("/vnet-multi/macvlan/uplink-to-child",
                   test_macvlan_uplink_to_child);
    qtest_add_func("/vnet-multi/macvlan/full-function0-does-not-stall",
                   test_macvlan_full_function0_does_not_stall);
    qtest_add_func("/vnet-multi/macvlan/bridge-child-to-child",
                   test_macvlan_bridge_child_to_child);
    qtest_add_func("/vnet-multi/macvlan/vepa-child-to-child-goes-out",
                   test_macvlan_vepa_child_to_child_goes_out);
    qtest_add_func("/vnet-multi/macvlan/passthru-takes-lower-mac",
                   test_macvlan_passthru_takes_lower_mac);
    qtest_add_func("/vnet-multi/macvlan/link-follows-uplink",
                   test_macvlan_link_follows_uplink);
    qtest_add_func("/vnet-multi/macvlan/set-link-on-child",
                   test_macvlan_set_link_on_child);
    qtest_add_func("/vnet-multi/macvlan/bad-properties-refused",
                   test_macvlan_bad_properties_refused);
    qtest_add_func("/vnet-multi/query-vnet/reports-config",
                   test_query_vnet_reports_config);
    qtest_add_func("/vnet-multi/query-vnet/counters-and-info",
                   test_query_vnet_counters_and_info);
    qtest_add_func("/vnet-multi/macvlan/set-mtu-bounds-children",
                   test_set_mtu_bounds_children);
    qtest_add_func("/vnet-multi/trace/datapath-events",
                   test_datapath_trace_events);
    qtest_add_func("/vnet-multi/ipvlan/delivers-by-address",
                   test_ipvlan_delivers_by_address);
    qtest_add_func("/vnet-multi/ipvlan/bad-properties-refused",
                   test_ipvlan_bad_properties_refused);
    qtest_add_func("/vnet-multi/hostile/runt-and-oversized-tx",
                   test_hostile_runt_and_oversized_tx);
    qtest_add_func("/vnet-multi/hostile/ctrl-bad-lengths",
                   test_hostile_ctrl_bad_lengths);
    qtest_add_func("/vnet-multi/hostile/tx-outside-ram-needs-reset",
                   test_hostile_tx_outside_ram);
    qtest_add_func("/vnet-multi/hostile/tx-descriptor-loop-needs-reset",
                   test_hostile_tx_descriptor_loop);
    qtest_add_func("/vnet-multi/hostile/tx-zero-length-needs-reset",
                   test_hostile_tx_zero_length_needs_reset);
    qtest_add_func("/vnet-multi/hostile/notify-unconfigured-and-beyond",
                   test_hostile_notify_unconfigured_and_beyond);
    qtest_add_func("/vnet-multi/hostile/ipvlan-sibling-forgery",
                   test_hostile_ipvlan_sibling_forgery);
    qtest_add_func("/vnet-multi/hostile/macvlan-forged-source-passes",
                   test_hostile_macvlan_forged_source_passes);
    qtest_add_func("/vnet-multi/hostile/broadcast-storm-bounded",
                   test_hostile_broadcast_storm_bounded);
    qtest_add_func("/vnet-multi/accounting/nothing-lost",
                   test_accounting_nothing_lost);
    qtest_add_func("/vnet-multi/vxlan/qmp-fdb-and-traffic",
                   test_vxlan_qmp_fdb_and_traffic);
    qtest_add_func("/vnet-multi/vxlan/outer-ttl-and-tos",
                   test_vxlan_outer_ttl_and_tos);
    qtest_add_func("/vnet-multi/vxlan/hostile-datagrams-counted",
                   test_vxlan_hostile_datagrams_counted);
    qtest_add_func("/vnet-multi/vxlan/mac-flood-held-at-maxaddress",
                   test_vxlan_mac_flood_held_at_maxaddress);
    qtest_add_func("/vnet-multi/vxlan/bad-options-refused",
                   test_vxlan_bad_options_refused);
    qtest_add_func("/vnet-multi/ipvlan/l3-needs-and-takes-ip",
                   test_ipvlan_l3_needs_and_takes_ip);
    return g_test_run();
}
