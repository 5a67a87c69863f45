/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * qtest for vnet-multi function 0: PCI identity, feature negotiation and
 * config space, the queue layout, the control queue, and frames crossing
 * between a socket netdev and the rings (RX queue chosen by the RSS hash,
 * mergeable buffers, TX from any queue). Bad properties are refused at
 * start with an error naming the property. The children's tests are in
 * vnet-multi-children.c, a hostile guest's and network's in
 * vnet-multi-hostile.c, offloads between functions in
 * vnet-multi-offload.c; -netdev vxlan has netdev-vxlan-test.c.
 */

#include "qemu/osdep.h"
#include "qobject/qnum.h"
#include "vnet-fixture.h"

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
                          (1ull << VIRTIO_NET_F_CSUM) |
                          (1ull << VIRTIO_NET_F_GUEST_CSUM) |
                          (1ull << VIRTIO_NET_F_HOST_TSO4) |
                          (1ull << VIRTIO_NET_F_GUEST_TSO4) |
                          (1ull << VIRTIO_NET_F_CTRL_GUEST_OFFLOADS) |
                          (1ull << VIRTIO_F_VERSION_1);
    Fixture f = {};
    uint64_t host;
    uint8_t mac[6];

    fixture_start(&f, 4, ",mtu=9000");
    host = qvirtio_get_features(f.dev);
    g_assert_cmphex(host & want, ==, want);
    g_assert_true(host & (1ull << VIRTIO_NET_F_MQ));
    g_assert_false(host & (1ull << VIRTIO_F_RING_RESET));
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
    /* Out of reset no MQ is negotiated: one pair and the control queue,
     * as virtio-net lays them; a driver that takes MQ finds all four. */
    numq = qpci_io_readw(f.pci->pdev, f.pci->bar, f.pci->common_cfg_offset +
                         offsetof(struct virtio_pci_common_cfg, num_queues));
    g_assert_cmpint(numq, ==, 3);
    fixture_drive(&f, (1ull << VIRTIO_NET_F_CTRL_VQ) |
                      (1ull << VIRTIO_NET_F_MQ));
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

/* Waits for the RX buffer `head` (at `buf`) and checks it holds exactly
 * the header and frame[n]. */
static void assert_received(Fixture *f, uint64_t buf, uint32_t head,
                            const uint8_t *frame, size_t n)
{
    g_autofree uint8_t *got = g_malloc(HDR_LEN + n);
    uint32_t len;

    qvirtio_wait_used_elem(f->qts, f->dev, rxq(f, 0), head, &len, TIMEOUT_US);
    g_assert_cmpint(len, ==, HDR_LEN + n);
    qtest_memread(f->qts, buf, got, len);
    g_assert_cmpmem(got + HDR_LEN, n, frame, n);
}

/*
 * One buffer that holds the frame is enough, as for virtio-net: a 42-byte
 * frame in a 64-byte buffer (the ring is never asked for more than is
 * posted before the frame comes).
 */
static void test_rx_one_small_buffer(void)
{
    Fixture f = {};
    uint8_t frame[42] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56,
                          0x02, 0x00, 0x00, 0x00, 0x00, 0x0b, 0x08, 0x06 };
    uint64_t buf;
    uint32_t head;

    for (size_t i = 14; i < sizeof(frame); i++) {
        frame[i] = i;
    }
    fixture_start(&f, 1, NULL);
    fixture_drive(&f, 0);
    buf = guest_alloc(f.alloc, 64);
    head = post_rx(&f, 0, buf, 64);
    sock_send(&f, frame, sizeof(frame));
    assert_received(&f, buf, head, frame, sizeof(frame));
    fixture_stop(&f);
}

/*
 * A frame shorter than an Ethernet header reaches a promiscuous driver,
 * as on virtio-net (whose own test sends a 5-byte one); with the filter
 * programmed it is dropped as a runt and the next frame goes on.
 */
static void test_rx_runt_to_promiscuous_driver(void)
{
    Fixture f = {};
    static const uint8_t runt[] = "TEST";
    uint8_t frame[64];
    uint8_t off = 0;
    uint64_t buf;
    uint32_t head;
    size_t n;

    fixture_start(&f, 1, NULL);
    fixture_drive(&f, (1ull << VIRTIO_NET_F_CTRL_VQ) |
                      (1ull << VIRTIO_NET_F_CTRL_RX));
    buf = guest_alloc(f.alloc, 2048);
    head = post_rx(&f, 0, buf, 2048);
    sock_send(&f, runt, sizeof(runt));
    assert_received(&f, buf, head, runt, sizeof(runt));

    g_assert_cmpint(ctrl_cmd(&f, VIRTIO_NET_CTRL_RX,
                             VIRTIO_NET_CTRL_RX_PROMISC, &off, 1),
                    ==, VIRTIO_NET_OK);
    head = post_rx(&f, 0, buf, 2048);
    sock_send(&f, runt, sizeof(runt));
    n = tcp_frame(frame, 0x0a000202, 0x0a00020f, 80, 40000);
    sock_send(&f, frame, n);
    assert_received(&f, buf, head, frame, n);
    g_assert_cmpint(vnet_func_drops(f.qts, 0, 1, "rx-runt"), ==, 1);
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

/* struct virtio_net_rss_config with a one-entry table (every hashed
 * frame to `queue`), hash types IPv4 and TCPv4, max_tx_vq 1 (as Linux 6.1
 * leaves it) and the RSS suite's key. */
static size_t rss_one_queue(uint8_t *b, uint16_t queue)
{
    static const uint8_t key[40] = {
        0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2, 0x41, 0x67,
        0x25, 0x3d, 0x43, 0xa3, 0x8f, 0xb0, 0xd0, 0xca, 0x2b, 0xcb,
        0xae, 0x7b, 0x30, 0xb4, 0x77, 0xcb, 0x2d, 0xa3, 0x80, 0x30,
        0xf2, 0x0c, 0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01, 0xfa,
    };

    stl_le_p(b, VIRTIO_NET_RSS_HASH_TYPE_IPv4 | VIRTIO_NET_RSS_HASH_TYPE_TCPv4);
    stw_le_p(b + 4, 0);         /* indirection_table_mask: one entry */
    stw_le_p(b + 6, 0);         /* unclassified_queue */
    stw_le_p(b + 8, queue);
    stw_le_p(b + 10, 1);        /* max_tx_vq */
    b[12] = sizeof(key);
    memcpy(b + 13, key, sizeof(key));
    return 13 + sizeof(key);
}

/*
 * VIRTIO_NET_F_HASH_REPORT (hash=on) without RSS: the header grows to
 * virtio_net_hdr_v1_hash both ways; no hash is reported until the driver
 * sends HASH_CONFIG, then the Toeplitz hash of its key and types with
 * their report type (the RSS suite's flow: 0x51ccc178 as TCPv4,
 * 0x323e8fc2 as IPv4 alone); a frame no type classifies reports none.
 */
static void test_hash_report(void)
{
    Fixture f = {};
    uint8_t frame[64], cmd[64], got[128], arp[60] = { 0 };
    uint8_t out[20 + 54] = { 0 };
    uint64_t buf = 0, tx;
    uint32_t head, len;
    size_t n, clen;

    fixture_start(&f, 1, ",hash=on");
    fixture_drive(&f, (1ull << VIRTIO_NET_F_CTRL_VQ) |
                      (1ull << VIRTIO_NET_F_HASH_REPORT));
    g_assert_cmphex(qvirtio_config_readl(f.dev,
                        offsetof(struct virtio_net_config,
                                 supported_hash_types)),
                    ==, 0x3f);
    /* 66.9.149.187:2794 -> 161.142.100.80:1766 */
    n = tcp_frame(frame, 0x420995bb, 0xa18e6450, 2794, 1766);

    /* Receives the frame f sends and the header's hash fields. */
#define RECV_HASH(fr, fl, want_value, want_report) do {                   \
        buf = guest_alloc(f.alloc, 2048);                                 \
        head = post_rx(&f, 0, buf, 2048);                                 \
        sock_send(&f, fr, fl);                                            \
        qvirtio_wait_used_elem(f.qts, f.dev, rxq(&f, 0), head, &len,      \
                               TIMEOUT_US);                               \
        g_assert_cmpint(len, ==, 20 + (fl));                              \
        qtest_memread(f.qts, buf, got, len);                              \
        g_assert_cmpmem(got + 20, fl, fr, fl);                            \
        g_assert_cmphex(ldl_le_p(got + 12), ==, want_value);              \
        g_assert_cmpint(lduw_le_p(got + 16), ==, want_report);            \
    } while (0)

    RECV_HASH(frame, n, 0, 0);
    /* struct virtio_net_hash_config: types, reserved[4], key: RSS_CONFIG's
     * one-entry layout with the table's fields zero (as Linux sends it). */
    clen = rss_one_queue(cmd, 0);
    memset(cmd + 4, 0, 8);
    g_assert_cmpint(clen, ==, 13 + 40);
    g_assert_cmpint(ctrl_cmd(&f, VIRTIO_NET_CTRL_MQ,
                             VIRTIO_NET_CTRL_MQ_HASH_CONFIG, cmd, clen),
                    ==, VIRTIO_NET_OK);
    RECV_HASH(frame, n, 0x51ccc178, VIRTIO_NET_HASH_REPORT_TCPv4);
    stl_le_p(cmd, VIRTIO_NET_RSS_HASH_TYPE_IPv4);
    g_assert_cmpint(ctrl_cmd(&f, VIRTIO_NET_CTRL_MQ,
                             VIRTIO_NET_CTRL_MQ_HASH_CONFIG, cmd, clen),
                    ==, VIRTIO_NET_OK);
    RECV_HASH(frame, n, 0x323e8fc2, VIRTIO_NET_HASH_REPORT_IPv4);
    memset(arp, 0xff, 6);
    memcpy(arp + 6, frame + 6, 6);
    stw_be_p(arp + 12, 0x0806);
    RECV_HASH(arp, sizeof(arp), 0, VIRTIO_NET_HASH_REPORT_NONE);
    /* A key longer than the device's is refused. */
    cmd[12] = 41;
    g_assert_cmpint(ctrl_cmd(&f, VIRTIO_NET_CTRL_MQ,
                             VIRTIO_NET_CTRL_MQ_HASH_CONFIG, cmd, clen + 1),
                    ==, VIRTIO_NET_ERR);
#undef RECV_HASH

    /* The driver's frames carry the 20-byte header too: the frame after
     * it leaves whole. */
    memcpy(out + 20, frame, n);
    memcpy(out + 20, frame + 6, 6);
    memcpy(out + 26, frame, 6);
    tx = guest_alloc(f.alloc, sizeof(out));
    qtest_memwrite(f.qts, tx, out, sizeof(out));
    head = qvirtqueue_add(f.qts, txq(&f, 0), tx, sizeof(out), false, false);
    qvirtqueue_kick(f.qts, f.dev, txq(&f, 0), head);
    qvirtio_wait_used_elem(f.qts, f.dev, txq(&f, 0), head, NULL, TIMEOUT_US);
    g_assert_cmpint(sock_recv(&f, got, sizeof(got)), ==, n);
    g_assert_cmpmem(got, n, out + 20, n);
    fixture_stop(&f);
}

/*
 * VIRTIO_NET_F_RSS: the driver's table picks the queue (here queue 1 for
 * a flow the default spreading puts on 3), whatever max_tx_vq; a table
 * naming a queue the function lacks is refused; VQ_PAIRS_SET ends RSS,
 * as with virtio-net, and the flow is back on queue 3.
 */
static void test_rss_config_steers(void)
{
    Fixture f = {};
    uint8_t frame[64], cmd[64];
    uint64_t buf[4];
    uint32_t head[4];
    uint16_t pairs = cpu_to_le16(4);
    size_t n, len;

    fixture_start(&f, 4, NULL);
    fixture_drive(&f, (1ull << VIRTIO_NET_F_CTRL_VQ) |
                      (1ull << VIRTIO_NET_F_MQ) | (1ull << VIRTIO_NET_F_RSS));
    g_assert_cmpint(ctrl_cmd(&f, VIRTIO_NET_CTRL_MQ,
                             VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET, &pairs, 2),
                    ==, VIRTIO_NET_OK);
    len = rss_one_queue(cmd, 4);
    g_assert_cmpint(ctrl_cmd(&f, VIRTIO_NET_CTRL_MQ,
                             VIRTIO_NET_CTRL_MQ_RSS_CONFIG, cmd, len),
                    ==, VIRTIO_NET_ERR);
    len = rss_one_queue(cmd, 1);
    g_assert_cmpint(ctrl_cmd(&f, VIRTIO_NET_CTRL_MQ,
                             VIRTIO_NET_CTRL_MQ_RSS_CONFIG, cmd, len),
                    ==, VIRTIO_NET_OK);
    for (int q = 0; q < 4; q++) {
        buf[q] = guest_alloc(f.alloc, 2048);
        head[q] = post_rx(&f, q, buf[q], 2048);
    }
    /* 38.27.205.30:48228 -> 209.142.163.6:2217: default queue 3 */
    n = tcp_frame(frame, 0x261bcd1e, 0xd18ea306, 48228, 2217);
    sock_send(&f, frame, n);
    qvirtio_wait_used_elem(f.qts, f.dev, rxq(&f, 1), head[1], NULL,
                           TIMEOUT_US);
    g_assert_cmpint(ctrl_cmd(&f, VIRTIO_NET_CTRL_MQ,
                             VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET, &pairs, 2),
                    ==, VIRTIO_NET_OK);
    sock_send(&f, frame, n);
    qvirtio_wait_used_elem(f.qts, f.dev, rxq(&f, 3), head[3], NULL,
                           TIMEOUT_US);
    for (int q = 0; q < 4; q += 2) {
        uint32_t idx, l;
        g_assert_false(qvirtqueue_get_buf(f.qts, rxq(&f, q), &idx, &l));
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

/* With one buffer posted, sends a frame to 02:00:00:00:00:0c, then one to
 * the function's own MAC, and reads the destination MAC of what landed in
 * the buffer: the first if the filter let it pass, else ours. */
static void first_arrival(Fixture *f, uint8_t dst[6])
{
    uint8_t frame[64];
    uint64_t buf = guest_alloc(f->alloc, 2048);
    uint32_t head = post_rx(f, 0, buf, 2048), len;
    size_t n = tcp_frame(frame, 0x0a000202, 0x0a00020f, 80, 40000);

    memcpy(frame, "\x02\x00\x00\x00\x00\x0c", 6);
    sock_send(f, frame, n);
    n = tcp_frame(frame, 0x0a000202, 0x0a00020f, 80, 40001);
    sock_send(f, frame, n);
    qvirtio_wait_used_elem(f->qts, f->dev, rxq(f, 0), head, &len, TIMEOUT_US);
    qtest_memread(f->qts, buf + HDR_LEN, dst, 6);
}

/* A frame to a unicast address that is neither the function's nor in
 * its table is filtered: the next frame, to our own MAC, is the first
 * thing in the ring. */
static void test_ctrl_rx_filter_drops_other_unicast(void)
{
    Fixture f = {};
    uint8_t dst[6];

    fixture_start(&f, 1, NULL);
    drive_filtered(&f, 0);
    first_arrival(&f, dst);
    g_assert_cmpmem(dst, 6, "\x52\x54\x00\x12\x34\x56", 6);
    fixture_stop(&f);
}

/*
 * queues=4 and a driver that declines MQ: the control queue is index 2
 * (virtio 1.2 §5.1.2), where it programs the filter; a frame to another
 * unicast address is then dropped and ours arrives.
 */
static void test_ctrl_queue_without_mq(void)
{
    Fixture f = {};
    uint8_t dst[6];

    fixture_start(&f, 4, NULL);
    drive_filtered(&f, 0);     /* CTRL_VQ, CTRL_RX: promisc off answered OK */
    g_assert_cmpint(f.laid, ==, 1);
    first_arrival(&f, dst);
    g_assert_cmpmem(dst, 6, "\x52\x54\x00\x12\x34\x56", 6);
    g_assert_cmpint(vnet_func_drops(f.qts, 0, 1, "rx-filtered"), ==, 1);
    fixture_stop(&f);
}

/* One entry, 02:00:00:00:00:0c, in the unicast table. */
static uint8_t table_one[4 + 6 + 4] = { 1, 0, 0, 0, 0x02, 0, 0, 0, 0, 0x0c,
                                        0, 0, 0, 0 };

/*
 * A driver that negotiated the control queue but not CTRL_RX may not
 * program the filter (nor MAC_ADDR_SET without CTRL_MAC_ADDR, nor the
 * queue pairs without MQ): each is answered VIRTIO_NET_ERR and changes
 * nothing, so a frame to another unicast address still arrives.
 */
static void test_ctrl_class_needs_its_feature(void)
{
    Fixture f = {};
    uint8_t dst[6];
    uint8_t off = 0;
    static const uint8_t mac[6] = { 0x02, 0, 0, 0, 0, 0x0d };
    uint16_t pairs = cpu_to_le16(1);

    fixture_start(&f, 2, NULL);
    fixture_drive(&f, 1ull << VIRTIO_NET_F_CTRL_VQ);
    g_assert_cmpint(ctrl_cmd(&f, VIRTIO_NET_CTRL_RX,
                             VIRTIO_NET_CTRL_RX_PROMISC, &off, 1),
                    ==, VIRTIO_NET_ERR);
    g_assert_cmpint(ctrl_cmd(&f, VIRTIO_NET_CTRL_MAC,
                             VIRTIO_NET_CTRL_MAC_TABLE_SET,
                             table_one, sizeof(table_one)),
                    ==, VIRTIO_NET_ERR);
    g_assert_cmpint(ctrl_cmd(&f, VIRTIO_NET_CTRL_MAC,
                             VIRTIO_NET_CTRL_MAC_ADDR_SET, mac, 6),
                    ==, VIRTIO_NET_ERR);
    g_assert_cmpint(ctrl_cmd(&f, VIRTIO_NET_CTRL_MQ,
                             VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET, &pairs, 2),
                    ==, VIRTIO_NET_ERR);
    first_arrival(&f, dst);
    g_assert_cmpmem(dst, 6, "\x02\x00\x00\x00\x00\x0c", 6);
    fixture_stop(&f);
}

/* Sends a frame to 02:00:00:00:00:0c and waits for it in the ring. */
static void assert_table_entry_passes(Fixture *f, uint16_t sport)
{
    uint8_t frame[64];
    uint32_t head, len;
    size_t n;

    head = post_rx(f, 0, guest_alloc(f->alloc, 2048), 2048);
    n = tcp_frame(frame, 0x0a000202, 0x0a00020f, 80, sport);
    memcpy(frame, table_one + 4, 6);
    sock_send(f, frame, n);
    qvirtio_wait_used_elem(f->qts, f->dev, rxq(f, 0), head, &len, TIMEOUT_US);
    g_assert_cmpuint(len, ==, HDR_LEN + n);
}

/* MAC_TABLE_SET admits the unicast address it lists. */
static void test_ctrl_mac_table_admits_entry(void)
{
    Fixture f = {};

    fixture_start(&f, 1, NULL);
    drive_filtered(&f, 0);
    g_assert_cmpint(ctrl_cmd(&f, VIRTIO_NET_CTRL_MAC,
                             VIRTIO_NET_CTRL_MAC_TABLE_SET, table_one,
                             sizeof(table_one)), ==, VIRTIO_NET_OK);
    assert_table_entry_passes(&f, 40002);
    fixture_stop(&f);
}

/* A table whose count overruns the command is refused and leaves the
 * table programmed before it in place. */
static void test_ctrl_mac_table_overrun_refused(void)
{
    Fixture f = {};
    uint8_t table[sizeof(table_one)];

    fixture_start(&f, 1, NULL);
    drive_filtered(&f, 0);
    g_assert_cmpint(ctrl_cmd(&f, VIRTIO_NET_CTRL_MAC,
                             VIRTIO_NET_CTRL_MAC_TABLE_SET, table_one,
                             sizeof(table_one)), ==, VIRTIO_NET_OK);
    memcpy(table, table_one, sizeof(table));
    table[0] = 3;
    g_assert_cmpint(ctrl_cmd(&f, VIRTIO_NET_CTRL_MAC,
                             VIRTIO_NET_CTRL_MAC_TABLE_SET, table,
                             sizeof(table)), ==, VIRTIO_NET_ERR);
    assert_table_entry_passes(&f, 40003);
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

/* A TCP frame to the function's MAC with an 802.1Q tag of `tci` (0: none). */
static size_t vlan_frame(uint8_t *b, uint16_t tci, uint16_t sport)
{
    size_t n = tcp_frame(b, 0x0a000202, 0x0a00020f, 80, sport);

    if (!tci) {
        return n;
    }
    memmove(b + 16, b + 12, n - 12);
    stw_be_p(b + 12, 0x8100);
    stw_be_p(b + 14, tci);
    return n + 4;
}

/* With one buffer posted, sends `first` then `second`, and returns the TCI
 * of what landed (0: untagged). */
static uint16_t first_tci(Fixture *f, uint16_t first, uint16_t second)
{
    uint8_t frame[80];
    uint64_t buf = guest_alloc(f->alloc, 2048);
    uint32_t head = post_rx(f, 0, buf, 2048);

    sock_send(f, frame, vlan_frame(frame, first, 40000));
    sock_send(f, frame, vlan_frame(frame, second, 40001));
    qvirtio_wait_used_elem(f->qts, f->dev, rxq(f, 0), head, NULL, TIMEOUT_US);
    qtest_memread(f->qts, buf + HDR_LEN + 12, frame, 4);
    return lduw_be_p(frame) == 0x8100 ? lduw_be_p(frame + 2) : 0;
}

/*
 * CTRL_VLAN, as Linux's virtio_net uses it under `ip link add ... type
 * vlan id 10`: once negotiated, a tagged frame passes only with a VID the
 * driver added (whatever its priority bits); untagged frames always do.
 * query-vnet shows the table.
 */
static void test_ctrl_vlan_filter(void)
{
    Fixture f = {};
    uint16_t vid = cpu_to_le16(10);
    QDict *resp, *fi;
    QList *vlans;

    fixture_start(&f, 1, NULL);
    drive_filtered(&f, 1ull << VIRTIO_NET_F_CTRL_VLAN);
    g_assert_cmpint(ctrl_cmd(&f, VIRTIO_NET_CTRL_VLAN,
                             VIRTIO_NET_CTRL_VLAN_ADD, &vid, 2),
                    ==, VIRTIO_NET_OK);
    g_assert_cmphex(first_tci(&f, 20, 0xa00a), ==, 0xa00a);
    g_assert_cmpint(vnet_func_drops(f.qts, 0, 1, "rx-vlan-filtered"), ==, 1);
    fi = vnet_func_info(f.qts, 0, 1, &resp);
    g_assert_true(qdict_get_bool(fi, "vlan-filter"));
    vlans = qdict_get_qlist(fi, "vlans");
    g_assert_cmpint(qlist_size(vlans), ==, 1);
    g_assert_cmpint(qnum_get_int(qobject_to(QNum, qlist_peek(vlans))), ==, 10);
    qobject_unref(resp);

    g_assert_cmpint(ctrl_cmd(&f, VIRTIO_NET_CTRL_VLAN,
                             VIRTIO_NET_CTRL_VLAN_DEL, &vid, 2),
                    ==, VIRTIO_NET_OK);
    g_assert_cmphex(first_tci(&f, 10, 0), ==, 0);
    g_assert_cmpint(vnet_func_drops(f.qts, 0, 1, "rx-vlan-filtered"), ==, 2);
    vid = cpu_to_le16(4096);
    g_assert_cmpint(ctrl_cmd(&f, VIRTIO_NET_CTRL_VLAN,
                             VIRTIO_NET_CTRL_VLAN_ADD, &vid, 2),
                    ==, VIRTIO_NET_ERR);
    fixture_stop(&f);
}

/* A driver without CTRL_VLAN gets every VID, and may not program any. */
static void test_ctrl_vlan_not_negotiated(void)
{
    Fixture f = {};
    uint16_t vid = cpu_to_le16(10);
    QDict *resp, *fi;

    fixture_start(&f, 1, NULL);
    drive_filtered(&f, 0);
    g_assert_cmpint(ctrl_cmd(&f, VIRTIO_NET_CTRL_VLAN,
                             VIRTIO_NET_CTRL_VLAN_ADD, &vid, 2),
                    ==, VIRTIO_NET_ERR);
    g_assert_cmphex(first_tci(&f, 20, 0), ==, 20);
    fi = vnet_func_info(f.qts, 0, 1, &resp);
    g_assert_false(qdict_get_bool(fi, "vlan-filter"));
    g_assert_false(qdict_haskey(fi, "vlans"));
    qobject_unref(resp);
    fixture_stop(&f);
}

/* The used ring's index, read without consuming: a used buffer the
 * device has not (yet) notified. */
static void wait_used_idx(Fixture *f, QVirtQueue *vq, uint16_t idx)
{
    gint64 end = g_get_monotonic_time() + TIMEOUT_US;

    while (qtest_readw(f->qts, vq->used + 2) != idx) {
        g_assert_cmpint(g_get_monotonic_time(), <, end);
        g_usleep(1000);
    }
}

static bool notified(Fixture *f, QVirtQueue *vq)
{
    return f->dev->bus->get_queue_isr_status(f->dev, vq);
}

/* NOTF_COAL (ethtool -C in the guest): an RX notification waits for
 * max_packets frames or max_usecs on the virtual clock, whichever comes
 * first; 0 us is at once, as out of reset and as before the command. */
static void test_notf_coal_rx(void)
{
    Fixture f = {};
    uint32_t coal[2] = { cpu_to_le32(2), cpu_to_le32(1000) };
    uint8_t frame[64];
    size_t n;

    fixture_start(&f, 1, NULL);
    g_assert_true(qvirtio_get_features(f.dev) &
                  (1ull << VIRTIO_NET_F_NOTF_COAL));
    fixture_drive(&f, (1ull << VIRTIO_NET_F_CTRL_VQ) |
                      (1ull << VIRTIO_NET_F_NOTF_COAL));
    for (int i = 0; i < 5; i++) {
        post_rx(&f, 0, guest_alloc(f.alloc, 2048), 2048);
    }
    n = tcp_frame(frame, 0x0a000202, 0x0a00020f, 80, 40000);
    sock_send(&f, frame, n);
    wait_used_idx(&f, rxq(&f, 0), 1);
    g_assert_true(notified(&f, rxq(&f, 0)));

    g_assert_cmpint(ctrl_cmd(&f, VIRTIO_NET_CTRL_NOTF_COAL,
                             VIRTIO_NET_CTRL_NOTF_COAL_RX_SET, coal, 8),
                    ==, VIRTIO_NET_OK);
    /* One frame of two: used, not notified. */
    sock_send(&f, frame, n);
    wait_used_idx(&f, rxq(&f, 0), 2);
    g_assert_false(notified(&f, rxq(&f, 0)));
    /* The second: max_packets, at once. */
    sock_send(&f, frame, n);
    wait_used_idx(&f, rxq(&f, 0), 3);
    g_assert_true(notified(&f, rxq(&f, 0)));
    /* One more waits its 1000 us, and not a nanosecond less. */
    sock_send(&f, frame, n);
    wait_used_idx(&f, rxq(&f, 0), 4);
    qtest_clock_step(f.qts, 1000 * 1000 - 1);
    g_assert_false(notified(&f, rxq(&f, 0)));
    qtest_clock_step(f.qts, 1);
    g_assert_true(notified(&f, rxq(&f, 0)));
    /* 0 us: at once again, whatever max_packets says. */
    coal[1] = 0;
    g_assert_cmpint(ctrl_cmd(&f, VIRTIO_NET_CTRL_NOTF_COAL,
                             VIRTIO_NET_CTRL_NOTF_COAL_RX_SET, coal, 8),
                    ==, VIRTIO_NET_OK);
    sock_send(&f, frame, n);
    wait_used_idx(&f, rxq(&f, 0), 5);
    g_assert_true(notified(&f, rxq(&f, 0)));
    fixture_stop(&f);
}

/* TX completions wait for max_usecs too; a reset forgets the setting;
 * a driver that did not negotiate NOTF_COAL may not set it, and
 * notf_coal=off does not offer it. */
static void test_notf_coal_tx_and_reset(void)
{
    Fixture f = {}, off = {};
    uint32_t coal[2] = { cpu_to_le32(0), cpu_to_le32(500) };
    uint8_t frame[64];
    size_t n = tcp_frame(frame, 0x0a00020f, 0x0a000202, 40000, 80);

    fixture_start(&f, 1, NULL);
    fixture_drive(&f, (1ull << VIRTIO_NET_F_CTRL_VQ) |
                      (1ull << VIRTIO_NET_F_NOTF_COAL));
    g_assert_cmpint(ctrl_cmd(&f, VIRTIO_NET_CTRL_NOTF_COAL,
                             VIRTIO_NET_CTRL_NOTF_COAL_TX_SET, coal, 8),
                    ==, VIRTIO_NET_OK);
    post_tx(&f, frame, n);
    wait_used_idx(&f, txq(&f, 0), 1);
    g_assert_false(notified(&f, txq(&f, 0)));
    qtest_clock_step(f.qts, 500 * 1000);
    g_assert_true(notified(&f, txq(&f, 0)));

    /* Out of reset, no coalescing: the completion is notified at once. */
    qvirtio_reset(f.dev);
    for (unsigned i = 0; i < 3; i++) {
        qvirtqueue_cleanup(f.dev->bus, f.vq[i], f.alloc);
        f.vq[i] = NULL;
    }
    qvirtio_set_acknowledge(f.dev);
    qvirtio_set_driver(f.dev);
    fixture_drive(&f, 1ull << VIRTIO_NET_F_CTRL_VQ);
    send_from(&f, frame, n);
    g_assert_cmpint(ctrl_cmd(&f, VIRTIO_NET_CTRL_NOTF_COAL,
                             VIRTIO_NET_CTRL_NOTF_COAL_TX_SET, coal, 8),
                    ==, VIRTIO_NET_ERR);
    fixture_stop(&f);

    fixture_start(&off, 1, ",notf_coal=off");
    g_assert_false(qvirtio_get_features(off.dev) &
                   (1ull << VIRTIO_NET_F_NOTF_COAL));
    fixture_stop(&off);
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


static uint16_t net_status(Fixture *f)
{
    return qvirtio_config_readw(f->dev, offsetof(struct virtio_net_config,
                                                 status));
}

static void announce_self(QTestState *qts)
{
    QDict *resp = qtest_qmp(qts, "{'execute': 'announce-self', 'arguments': "
                            "{'initial': 10, 'max': 10, 'rounds': 1, "
                            "'step': 10}}");

    g_assert_true(qdict_haskey(resp, "return"));
    qobject_unref(resp);
}

/*
 * QMP announce-self (what a migration's destination does) asks every
 * function whose driver negotiated GUEST_ANNOUNCE to announce itself:
 * VIRTIO_NET_S_ANNOUNCE in its config status, until its driver acks over
 * the control queue. A child's driver without the feature is not asked,
 * and may not ack.
 */
static void test_announce_self_asks_each_driver(void)
{
    Fixture f = {}, a = {};
    g_autofree char *extra = g_strdup_printf(
        " -device vnet-macvlan,id=a,lower=nic0,addr=%d.1,mode=bridge,mac="
        CHILD_A " -device vnet-macvlan,id=b,lower=nic0,addr=%d.2,"
        "mode=bridge,mac=" CHILD_B, SLOT, SLOT);
    Fixture b = {};
    const uint64_t ctrl = (1ull << VIRTIO_NET_F_CTRL_VQ) |
                          (1ull << VIRTIO_NET_F_STATUS);
    const uint64_t announce = 1ull << VIRTIO_NET_F_GUEST_ANNOUNCE;

    fixture_start(&f, 1, extra);
    fixture_attach(&a, &f, 1, 1);
    fixture_attach(&b, &f, 2, 1);
    fixture_drive(&f, ctrl | announce);
    fixture_drive(&a, ctrl | announce);
    fixture_drive(&b, ctrl);
    g_assert_cmphex(net_status(&f) & VIRTIO_NET_S_ANNOUNCE, ==, 0);
    announce_self(f.qts);
    g_assert_true(WAIT_UNTIL(net_status(&f) & VIRTIO_NET_S_ANNOUNCE));
    g_assert_true(WAIT_UNTIL(net_status(&a) & VIRTIO_NET_S_ANNOUNCE));
    g_assert_cmphex(net_status(&b) & VIRTIO_NET_S_ANNOUNCE, ==, 0);
    g_assert_cmpint(ctrl_cmd(&a, VIRTIO_NET_CTRL_ANNOUNCE,
                             VIRTIO_NET_CTRL_ANNOUNCE_ACK, NULL, 0),
                    ==, VIRTIO_NET_OK);
    g_assert_cmphex(net_status(&a) & VIRTIO_NET_S_ANNOUNCE, ==, 0);
    g_assert_cmphex(net_status(&f) & VIRTIO_NET_S_ANNOUNCE, !=, 0);
    g_assert_cmpint(ctrl_cmd(&b, VIRTIO_NET_CTRL_ANNOUNCE,
                             VIRTIO_NET_CTRL_ANNOUNCE_ACK, NULL, 0),
                    ==, VIRTIO_NET_ERR);
    g_assert_cmpint(ctrl_cmd(&f, VIRTIO_NET_CTRL_ANNOUNCE,
                             VIRTIO_NET_CTRL_ANNOUNCE_ACK, NULL, 0),
                    ==, VIRTIO_NET_OK);
    g_assert_cmphex(net_status(&f) & VIRTIO_NET_S_ANNOUNCE, ==, 0);
    g_assert_cmphex(net_status(&f) & VIRTIO_NET_S_LINK_UP, !=, 0);
    fixture_stop(&b);
    fixture_stop(&a);
    fixture_stop(&f);
}

static void test_help_describes_every_property(void)
{
    static const char *const multi[] = {
        "netdev", "mac", "queues", "mtu", "ip", "gw", "vectors", "ioeventfd",
        "sriov-max-vfs", "sriov-kind", "sriov-mode", "sriov-flags", NULL };
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
    qtest_add_func("/vnet-multi/rx/one-small-buffer", test_rx_one_small_buffer);
    qtest_add_func("/vnet-multi/rx/runt-to-promiscuous-driver",
                   test_rx_runt_to_promiscuous_driver);
    qtest_add_func("/vnet-multi/rx/queue-follows-flow-hash",
                   test_rx_queue_follows_flow_hash);
    qtest_add_func("/vnet-multi/ctrl/mq-range", test_ctrl_mq_range);
    qtest_add_func("/vnet-multi/ctrl/rx-filter-drops-other-unicast",
                   test_ctrl_rx_filter_drops_other_unicast);
    qtest_add_func("/vnet-multi/ctrl/queue-without-mq",
                   test_ctrl_queue_without_mq);
    qtest_add_func("/vnet-multi/ctrl/class-needs-its-feature",
                   test_ctrl_class_needs_its_feature);
    qtest_add_func("/vnet-multi/ctrl/mac-table-admits-entry",
                   test_ctrl_mac_table_admits_entry);
    qtest_add_func("/vnet-multi/ctrl/mac-table-overrun-refused",
                   test_ctrl_mac_table_overrun_refused);
    qtest_add_func("/vnet-multi/ctrl/mac-table-overflow",
                   test_ctrl_mac_table_overflow);
    qtest_add_func("/vnet-multi/ctrl/mac-addr-set", test_ctrl_mac_addr_set);
    qtest_add_func("/vnet-multi/ctrl/vlan-filter", test_ctrl_vlan_filter);
    qtest_add_func("/vnet-multi/ctrl/rss-config-steers",
                   test_rss_config_steers);
    qtest_add_func("/vnet-multi/ctrl/hash-report", test_hash_report);
    qtest_add_func("/vnet-multi/ctrl/vlan-not-negotiated",
                   test_ctrl_vlan_not_negotiated);
    qtest_add_func("/vnet-multi/tx/any-queue", test_tx_any_queue);
    qtest_add_func("/vnet-multi/notf-coal/rx", test_notf_coal_rx);
    qtest_add_func("/vnet-multi/notf-coal/tx-and-reset",
                   test_notf_coal_tx_and_reset);
    qtest_add_func("/vnet-multi/announce-self-asks-each-driver",
                   test_announce_self_asks_each_driver);
    qtest_add_func("/vnet-multi/help-describes-every-property",
                   test_help_describes_every_property);
    qtest_add_func("/vnet-multi/bad-properties-refused",
                   test_bad_properties_refused);
    vnet_children_tests_register();
    vnet_hostile_tests_register();
    vnet_offload_tests_register();
    vnet_sriov_tests_register();
    return g_test_run();
}
