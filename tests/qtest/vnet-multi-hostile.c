/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * qtest for what a hostile guest or network meets: bad TX chains and
 * control commands, notifications of absent queues, forged sources,
 * broadcast storms, and the accounting that every frame in is delivered,
 * sent or dropped under a reason.
 */

#include "qemu/osdep.h"
#include "vnet-fixture.h"

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

/* A header-only chain from child A is dropped and counted; A and its
 * sibling go on working. */
static void test_hostile_runt_tx(void)
{
    Fixture f = {}, a = {}, b = {};
    uint8_t none[1] = {};
    QDict *resp;

    start_with_children(&f, &a, &b, "bridge");
    send_from(&a, none, 0);
    g_assert_cmpint(vnet_drops(vnet_func_info(f.qts, 1, 3, &resp), "tx-runt"),
                    ==, 1);
    qobject_unref(resp);
    g_assert_cmphex(a.dev->bus->get_status(a.dev) &
                    VIRTIO_CONFIG_S_NEEDS_RESET, ==, 0);
    assert_sibling_forwards(&f, &b);
    stop_with_children(&f, &a, &b);
}

/* A frame over the MTU from child A is dropped and counted; A and its
 * sibling go on working. */
static void test_hostile_oversized_tx(void)
{
    Fixture f = {}, a = {}, b = {};
    g_autofree uint8_t *big = g_malloc0(1600);
    QDict *resp;

    start_with_children(&f, &a, &b, "bridge");
    memcpy(big, mac_b, 6);
    memcpy(big + 6, mac_a, 6);
    send_from(&a, big, 1600);
    g_assert_cmpint(vnet_drops(vnet_func_info(f.qts, 1, 3, &resp),
                               "tx-oversize"), ==, 1);
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
    WAIT_UNTIL(a.dev->bus->get_status(a.dev) & VIRTIO_CONFIG_S_NEEDS_RESET);
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

/* With queues=2, MQ negotiated but no pair count set (one pair active),
 * the driver sets up pair 0 and pair 1's TX queue only, then kicks the
 * queues it never set up (pair 1's RX, the control queue) and indexes past
 * the last queue. QEMU ignores them, the function is not broken, and a
 * frame from pair 0 leaves. A frame on pair 1's TX queue, beyond the
 * active pairs, is sent too, as QEMU's virtio-net sends it: the pair count
 * steers receive only. */
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
    qvirtio_set_features(f.dev, (1ull << VIRTIO_F_VERSION_1) |
                                (1ull << VIRTIO_NET_F_CTRL_VQ) |
                                (1ull << VIRTIO_NET_F_MQ));
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
    int64_t backlog;            /* waiting for room in a ring */
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
        a.backlog += qdict_get_int(fi, "rx-backlog");
    }
    qobject_unref(resp);
    return a;
}

/* Waits until the device has taken `n` frames from the uplink. */
static Acct account_after_uplink(QTestState *qts, int64_t n)
{
    Acct a;

    WAIT_UNTIL((a = account(qts)).uplink_rx >= n);
    g_assert_cmpint(a.uplink_rx, ==, n);
    return a;
}

/* Mixed unicast traffic from the uplink and from the guests, good and
 * bad: every frame that came in (from a guest ring or the uplink) is
 * delivered to one function, handed to the uplink, waiting for room in a
 * ring, or dropped under a reason, with each function's own counts
 * agreeing. */
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
     * nobody has (function 0 is promiscuous), a runt and one over A's
     * MTU. */
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
    g_assert_cmpint(t.uplink_rx, ==, t.rx + t.drops + t.backlog);
    g_assert_cmpint(t.rx, ==, 6);       /* A's three, function 0's three */
    /* B's two, A's fourth, and the runt, which function 0 (promiscuous,
     * as after reset) takes as virtio-net would, once it has room. */
    g_assert_cmpint(t.backlog, ==, 4);
    g_assert_cmpint(t.drops, ==, 0);

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
    out = t.uplink_tx + t.rx + t.drops + t.backlog;
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
 * dropped there under rx-bc-backlog-full (or, the pool spent,
 * rx-no-clone-buffer); every child gets, queues for
 * room or drops (by name) each frame the backlog took; function 0 does
 * the same with its own copy of each; and unicast forwarding goes on. */
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
                    qdict_get_int(fi, "rx-backlog") +
                    vnet_drops(fi, "rx-no-buffer"), ==, storm);
    qobject_unref(resp);
    for (int i = 1; i <= 2; i++) {
        fi = vnet_func_info(f.qts, i, 3, &resp);
        g_assert_cmpint(qdict_get_int(fi, "rx-packets") +
                        qdict_get_int(fi, "rx-backlog") +
                        vnet_drops(fi, "rx-no-buffer") + backlog_full +
                        no_clone, ==, storm);
        qobject_unref(resp);
    }
    g_test_message("backlog-full %" PRId64 ", no-clone-buffer %" PRId64,
                   backlog_full, no_clone);
    /* Bounded either way, each drop named: by the backlog's limit, or by
     * the pool when function 0's own backlog holds buffers first (which
     * one comes first depends on when the worker runs). */
    g_assert_cmpint(backlog_full + no_clone, >, 0);
    assert_sibling_forwards(&f, &b);
    stop_with_children(&f, &a, &b);
}

void vnet_hostile_tests_register(void)
{
    qtest_add_func("/vnet-multi/hostile/runt-tx", test_hostile_runt_tx);
    qtest_add_func("/vnet-multi/hostile/oversized-tx",
                   test_hostile_oversized_tx);
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
    qtest_add_func("/vnet-multi/accounting/nothing-lost",
                   test_accounting_nothing_lost);
    qtest_add_func("/vnet-multi/hostile/macvlan-forged-source-passes",
                   test_hostile_macvlan_forged_source_passes);
    qtest_add_func("/vnet-multi/hostile/broadcast-storm-bounded",
                   test_hostile_broadcast_storm_bounded);
}
