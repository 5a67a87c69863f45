/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * qtest for offloads between functions: a TSO frame a child's driver
 * hands over (virtio-net header with NEEDS_CSUM and GSO_TCPV4) reaches a
 * sibling whose driver took GUEST_TSO4 as one frame with its header, a
 * sibling without it as MSS-sized segments with valid checksums, and the
 * uplink (a socket netdev, no virtio-net header) as segments; headers that
 * lie are dropped and counted; the properties turn features off; and
 * CTRL_GUEST_OFFLOADS_SET (ethtool -K in a guest) takes effect.
 */

#include "qemu/osdep.h"
#include "vnet-fixture.h"

#define MSS 1000
#define PAYLOAD 3500          /* four segments: 3 x 1000 + 500 */
#define L4 (14 + 20)          /* the TCP header's offset */
#define HDRS (L4 + 20)        /* headers before the payload */

static const uint64_t sends = (1ull << VIRTIO_NET_F_CSUM) |
                              (1ull << VIRTIO_NET_F_HOST_TSO4);
static const uint64_t takes = (1ull << VIRTIO_NET_F_MRG_RXBUF) |
                              (1ull << VIRTIO_NET_F_GUEST_CSUM) |
                              (1ull << VIRTIO_NET_F_GUEST_TSO4);

static uint32_t csum_add(uint32_t sum, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i + 1 < n; i += 2) {
        sum += (p[i] << 8) | p[i + 1];
    }
    if (n & 1) {
        sum += p[n - 1] << 8;
    }
    return sum;
}

static uint16_t csum_fold(uint32_t sum)
{
    while (sum >> 16) {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    return ~sum;
}

static uint32_t pseudo(const uint8_t *ip, uint32_t l4_len)
{
    return csum_add(0, ip + 12, 8) + 6 + l4_len;
}

/* A TCP/IPv4 frame of PAYLOAD bytes from 10.0.2.21 to 10.0.2.22 as a
 * driver hands it over for TSO: the TCP checksum field holds the
 * pseudo-header sum (CHECKSUM_PARTIAL). */
static size_t tso_frame(uint8_t *b, const uint8_t dst[6], const uint8_t src[6])
{
    const size_t len = HDRS + PAYLOAD;
    uint8_t *ip = b + 14, *tcp = b + L4;

    memset(b, 0, len);
    memcpy(b, dst, 6);
    memcpy(b + 6, src, 6);
    b[12] = 0x08;
    ip[0] = 0x45;
    stw_be_p(ip + 2, len - 14);
    stw_be_p(ip + 4, 0x4242);
    ip[6] = 0x40;                         /* DF */
    ip[8] = 64;
    ip[9] = 6;
    stl_be_p(ip + 12, 0x0a000215);
    stl_be_p(ip + 16, 0x0a000216);
    stw_be_p(ip + 10, csum_fold(csum_add(0, ip, 20)));
    stw_be_p(tcp, 40000);
    stw_be_p(tcp + 2, 5001);
    stl_be_p(tcp + 4, 1);
    tcp[12] = 5 << 4;
    tcp[13] = 0x18;                       /* PSH, ACK */
    stw_be_p(tcp + 14, 512);
    stw_be_p(tcp + 16, ~csum_fold(pseudo(ip, len - L4)) & 0xffff);
    for (size_t i = 0; i < PAYLOAD; i++) {
        b[HDRS + i] = i * 7 + 1;
    }
    return len;
}

/* The frame on f's TX queue 0 behind a virtio-net header. */
static void send_tso(Fixture *f, const uint8_t *frame, size_t n,
                     uint16_t gso_size)
{
    uint8_t hdr[HDR_LEN] = { VIRTIO_NET_HDR_F_NEEDS_CSUM,
                             VIRTIO_NET_HDR_GSO_TCPV4 };
    uint64_t buf = guest_alloc(f->alloc, HDR_LEN + n);
    uint32_t head;

    stw_le_p(hdr + 2, HDRS);
    stw_le_p(hdr + 4, gso_size);
    stw_le_p(hdr + 6, L4);
    stw_le_p(hdr + 8, 16);
    qtest_memwrite(f->qts, buf, hdr, HDR_LEN);
    qtest_memwrite(f->qts, buf + HDR_LEN, frame, n);
    head = qvirtqueue_add(f->qts, txq(f, 0), buf, HDR_LEN + n, false, false);
    qvirtqueue_kick(f->qts, f->dev, txq(f, 0), head);
    qvirtio_wait_used_elem(f->qts, f->dev, txq(f, 0), head, NULL, TIMEOUT_US);
}

/* Function 0 and macvlan bridge children a and b, a's driver with
 * features fa and b's with fb. */
static void start_offload(Fixture *f, Fixture *a, Fixture *b, uint64_t fa,
                          uint64_t fb)
{
    g_autofree char *extra = g_strdup_printf(
        " -device vnet-macvlan,id=a,lower=nic0,addr=%d.1,mode=bridge,mac="
        CHILD_A " -device vnet-macvlan,id=b,lower=nic0,addr=%d.2,"
        "mode=bridge,mac=" CHILD_B, SLOT, SLOT);

    fixture_start(f, 1, extra);
    fixture_attach(a, f, 1, 1);
    fixture_attach(b, f, 2, 1);
    fixture_drive(f, 0);
    fixture_drive(a, fa);
    fixture_drive(b, fb);
}

/* A segment's IPv4 and TCP checksums verify and its payload is the
 * frame's from `off`. */
static void assert_segment(const uint8_t *seg, size_t len,
                           const uint8_t *frame, size_t off)
{
    g_assert_cmpuint(len, <=, HDRS + MSS);
    g_assert_cmpuint(lduw_be_p(seg + 16), ==, len - 14);
    g_assert_cmphex(csum_fold(csum_add(0, seg + 14, 20)), ==, 0);
    g_assert_cmphex(csum_fold(pseudo(seg + 14, len - L4) +
                              csum_add(0, seg + L4, len - L4)), ==, 0);
    g_assert_cmpuint(ldl_be_p(seg + L4 + 4), ==, 1 + off);
    g_assert_cmpmem(seg + HDRS, len - HDRS, frame + HDRS + off, len - HDRS);
}

/* b's driver took GUEST_TSO4: the frame arrives whole, spread over
 * mergeable buffers, under a header saying what is left to do. */
static void test_tso_to_tso_sibling_whole(void)
{
    Fixture f = {}, a = {}, b = {};
    static uint8_t frame[HDRS + PAYLOAD];
    g_autofree uint8_t *got = g_malloc(4 * 2048);
    size_t n = tso_frame(frame, mac_b, mac_a);
    uint64_t bufs[4];
    uint32_t head = 0, len = 0;

    start_offload(&f, &a, &b, sends, takes);
    for (int i = 0; i < 4; i++) {
        bufs[i] = guest_alloc(b.alloc, 2048);
        uint32_t h = post_rx(&b, 0, bufs[i], 2048);
        if (i == 0) {
            head = h;
        }
    }
    send_tso(&a, frame, n, MSS);
    qvirtio_wait_used_elem(b.qts, b.dev, rxq(&b, 0), head, &len, TIMEOUT_US);
    g_assert_cmpuint(len, ==, 2048);        /* the first of two buffers */
    qtest_memread(b.qts, bufs[0], got, 2048);
    qtest_memread(b.qts, bufs[1], got + 2048, HDR_LEN + n - 2048);
    g_assert_cmpuint(got[0], ==, VIRTIO_NET_HDR_F_NEEDS_CSUM);
    g_assert_cmpuint(got[1], ==, VIRTIO_NET_HDR_GSO_TCPV4);
    g_assert_cmpuint(lduw_le_p(got + 2), ==, HDRS);
    g_assert_cmpuint(lduw_le_p(got + 4), ==, MSS);
    g_assert_cmpuint(lduw_le_p(got + 6), ==, L4);
    g_assert_cmpuint(lduw_le_p(got + 8), ==, 16);
    g_assert_cmpuint(lduw_le_p(got + 10), ==, 2);   /* num_buffers */
    g_assert_cmpmem(got + HDR_LEN, n, frame, n);
    g_assert_cmpint(vnet_func_count(f.qts, 2, 3, "rx-packets"), ==, 1);
    stop_with_children(&f, &a, &b);
}

/* Reads the next `count` frames b's RX queue 0 got into bufs[] and checks
 * them as the segments of frame. */
static void assert_segments_at(Fixture *b, const uint64_t *bufs,
                               const uint32_t *heads, int count,
                               const uint8_t *frame)
{
    uint8_t seg[HDR_LEN + HDRS + MSS];
    size_t off = 0;

    for (int i = 0; i < count; i++) {
        uint32_t idx = 0, len = 0;

        /* One interrupt may stand for all of them: poll the used ring. */
        g_assert_true(WAIT_UNTIL(qvirtqueue_get_buf(b->qts, rxq(b, 0), &idx,
                                                    &len)));
        g_assert_cmpuint(idx, ==, heads[i]);
        g_assert_cmpuint(len, <=, sizeof(seg));
        qtest_memread(b->qts, bufs[i], seg, len);
        g_assert_cmpuint(seg[0], ==, 0);                /* nothing left */
        g_assert_cmpuint(seg[1], ==, VIRTIO_NET_HDR_GSO_NONE);
        assert_segment(seg + HDR_LEN, len - HDR_LEN, frame, off);
        off += len - HDR_LEN - HDRS;
    }
    g_assert_cmpuint(off, ==, PAYLOAD);
}

/* b's driver took no offload: four segments, each checksummed. */
static void test_tso_to_plain_sibling_segmented(void)
{
    Fixture f = {}, a = {}, b = {};
    static uint8_t frame[HDRS + PAYLOAD];
    size_t n = tso_frame(frame, mac_b, mac_a);
    uint64_t bufs[4];
    uint32_t heads[4];

    start_offload(&f, &a, &b, sends, 0);
    for (int i = 0; i < 4; i++) {
        bufs[i] = guest_alloc(b.alloc, 2048);
        heads[i] = post_rx(&b, 0, bufs[i], 2048);
    }
    send_tso(&a, frame, n, MSS);
    assert_segments_at(&b, bufs, heads, 4, frame);
    g_assert_cmpint(vnet_func_count(f.qts, 2, 3, "rx-packets"), ==, 4);
    stop_with_children(&f, &a, &b);
}

/* The uplink netdev takes no virtio-net header: segments go out. */
static void test_tso_to_uplink_segmented(void)
{
    Fixture f = {}, a = {}, b = {};
    static uint8_t frame[HDRS + PAYLOAD];
    uint8_t seg[HDRS + MSS];
    size_t n = tso_frame(frame, (const uint8_t *)"\x52\x55\x0a\x00\x02\x02",
                         mac_a);
    size_t off = 0;

    start_offload(&f, &a, &b, sends, 0);
    send_tso(&a, frame, n, MSS);
    for (int i = 0; i < 4; i++) {
        size_t len = sock_recv(&f, seg, sizeof(seg));

        assert_segment(seg, len, frame, off);
        off += len - HDRS;
    }
    g_assert_cmpuint(off, ==, PAYLOAD);
    stop_with_children(&f, &a, &b);
}

/* A TSO header a's driver may not send (sender features fa, gso_size):
 * dropped and counted as tx-bad-gso on a; b gets nothing, and a's next
 * frame still goes. */
static void assert_tso_refused(uint64_t fa, uint16_t gso_size)
{
    Fixture f = {}, a = {}, b = {};
    static uint8_t frame[HDRS + PAYLOAD];
    uint8_t small[64];
    size_t n = tso_frame(frame, mac_b, mac_a);
    uint32_t head, len = 0;

    start_offload(&f, &a, &b, fa, takes);
    head = post_rx(&b, 0, guest_alloc(b.alloc, 2048), 2048);
    send_tso(&a, frame, n, gso_size);
    g_assert_cmpint(vnet_func_drops(f.qts, 1, 3, "tx-bad-gso"), ==, 1);
    n = tcp_frame(small, 0x0a000215, 0x0a000216, 40000, 5001);
    memcpy(small, mac_b, 6);
    memcpy(small + 6, mac_a, 6);
    send_from(&a, small, n);
    qvirtio_wait_used_elem(b.qts, b.dev, rxq(&b, 0), head, &len, TIMEOUT_US);
    g_assert_cmpuint(len, ==, HDR_LEN + n);       /* the small one, first */
    stop_with_children(&f, &a, &b);
}

static void test_tso_gso_size_zero_refused(void)
{
    assert_tso_refused(sends, 0);
}

static void test_tso_without_host_tso4_refused(void)
{
    assert_tso_refused(1ull << VIRTIO_NET_F_CSUM, MSS);
}

/* ethtool -K tso off in b's guest: CTRL_GUEST_OFFLOADS_SET to
 * GUEST_CSUM alone, and the next TSO frame arrives as segments; an
 * offload b's driver never negotiated is refused. */
static void test_ctrl_guest_offloads_take_effect(void)
{
    Fixture f = {}, a = {}, b = {};
    static uint8_t frame[HDRS + PAYLOAD];
    size_t n = tso_frame(frame, mac_b, mac_a);
    uint64_t off = cpu_to_le64(1ull << VIRTIO_NET_F_GUEST_CSUM);
    uint64_t tso6 = cpu_to_le64((1ull << VIRTIO_NET_F_GUEST_CSUM) |
                                (1ull << VIRTIO_NET_F_GUEST_TSO6));
    uint64_t bufs[4];
    uint32_t heads[4];

    start_offload(&f, &a, &b, sends,
                  (1ull << VIRTIO_NET_F_GUEST_CSUM) |
                  (1ull << VIRTIO_NET_F_GUEST_TSO4) |
                  (1ull << VIRTIO_NET_F_CTRL_VQ) |
                  (1ull << VIRTIO_NET_F_CTRL_GUEST_OFFLOADS));
    g_assert_cmpint(ctrl_cmd(&b, VIRTIO_NET_CTRL_GUEST_OFFLOADS,
                             VIRTIO_NET_CTRL_GUEST_OFFLOADS_SET, &tso6,
                             sizeof(tso6)), ==, VIRTIO_NET_ERR);
    g_assert_cmpint(ctrl_cmd(&b, VIRTIO_NET_CTRL_GUEST_OFFLOADS,
                             VIRTIO_NET_CTRL_GUEST_OFFLOADS_SET, &off,
                             sizeof(off)), ==, VIRTIO_NET_OK);
    for (int i = 0; i < 4; i++) {
        bufs[i] = guest_alloc(b.alloc, 2048);
        heads[i] = post_rx(&b, 0, bufs[i], 2048);
    }
    send_tso(&a, frame, n, MSS);
    assert_segments_at(&b, bufs, heads, 4, frame);
    stop_with_children(&f, &a, &b);
}

/* Every offload is offered; csum=off takes what depends on it too
 * (HOST_TSO4/6, HOST_ECN, HOST_USO), guest_tso4=off only itself;
 * mrg_rxbuf=off withdraws mergeable RX buffers (a TSO-taking Linux driver
 * then posts whole 64 KiB buffers). */
static void test_offload_properties(void)
{
    const uint64_t all = (1ull << VIRTIO_NET_F_CSUM) |
                         (1ull << VIRTIO_NET_F_GUEST_CSUM) |
                         (1ull << VIRTIO_NET_F_HOST_TSO4) |
                         (1ull << VIRTIO_NET_F_HOST_TSO6) |
                         (1ull << VIRTIO_NET_F_HOST_ECN) |
                         (1ull << VIRTIO_NET_F_HOST_USO) |
                         (1ull << VIRTIO_NET_F_GUEST_TSO4) |
                         (1ull << VIRTIO_NET_F_GUEST_TSO6) |
                         (1ull << VIRTIO_NET_F_GUEST_ECN) |
                         (1ull << VIRTIO_NET_F_GUEST_USO4) |
                         (1ull << VIRTIO_NET_F_GUEST_USO6) |
                         (1ull << VIRTIO_NET_F_CTRL_GUEST_OFFLOADS);
    const uint64_t host = (1ull << VIRTIO_NET_F_CSUM) |
                          (1ull << VIRTIO_NET_F_HOST_TSO4) |
                          (1ull << VIRTIO_NET_F_HOST_TSO6) |
                          (1ull << VIRTIO_NET_F_HOST_ECN) |
                          (1ull << VIRTIO_NET_F_HOST_USO);
    Fixture f = {};
    uint64_t got;

    fixture_start(&f, 1, NULL);
    g_assert_cmphex(qvirtio_get_features(f.dev) & all, ==, all);
    fixture_stop(&f);
    fixture_start(&f, 1, ",csum=off,guest_tso4=off");
    got = qvirtio_get_features(f.dev) & all;
    g_assert_cmphex(got, ==,
                    all & ~host & ~(1ull << VIRTIO_NET_F_GUEST_TSO4));
    g_assert_true(qvirtio_get_features(f.dev) &
                  (1ull << VIRTIO_NET_F_MRG_RXBUF));
    fixture_stop(&f);
    fixture_start(&f, 1, ",mrg_rxbuf=off");
    g_assert_false(qvirtio_get_features(f.dev) &
                   (1ull << VIRTIO_NET_F_MRG_RXBUF));
    fixture_stop(&f);
}

void vnet_offload_tests_register(void)
{
    qtest_add_func("/vnet-multi/offload/properties", test_offload_properties);
    qtest_add_func("/vnet-multi/offload/tso-to-tso-sibling-whole",
                   test_tso_to_tso_sibling_whole);
    qtest_add_func("/vnet-multi/offload/tso-to-plain-sibling-segmented",
                   test_tso_to_plain_sibling_segmented);
    qtest_add_func("/vnet-multi/offload/tso-to-uplink-segmented",
                   test_tso_to_uplink_segmented);
    qtest_add_func("/vnet-multi/offload/tso-gso-size-zero-refused",
                   test_tso_gso_size_zero_refused);
    qtest_add_func("/vnet-multi/offload/tso-without-host-tso4-refused",
                   test_tso_without_host_tso4_refused);
    qtest_add_func("/vnet-multi/offload/ctrl-guest-offloads-take-effect",
                   test_ctrl_guest_offloads_take_effect);
}
