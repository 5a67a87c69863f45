/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * qtest for vnet-multi's children (vnet-macvlan, vnet-ipvlan): their
 * functions, delivery between them and the uplink, carrier and set_link,
 * MTU, and the management view (query-vnet, info vnet, trace events).
 */

#include "qemu/osdep.h"
#include "vnet-fixture.h"

/* A lower for the children's refusals, on user networking. */
#define LOWER "-netdev user,id=up -device vnet-multi,id=nic0,netdev=up," \
              "addr=4.0,multifunction=on,mac=" MAC " "

/* ---- vnet-macvlan children ---- */

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
 * theirs. */
static void test_macvlan_set_link_on_child(void)
{
    Fixture f = {}, a = {}, b = {};

    start_with_children(&f, &a, &b, "bridge");
    qtest_qmp_assert_success(f.qts, "{'execute': 'set_link', 'arguments':"
                             " {'name': 'a', 'up': false}}");
    g_assert_cmpint(qvirtio_config_readw(a.dev, 6), ==, 0);
    g_assert_cmpint(qvirtio_config_readw(b.dev, 6), ==, VIRTIO_NET_S_LINK_UP);
    g_assert_cmpint(qvirtio_config_readw(f.dev, 6), ==, VIRTIO_NET_S_LINK_UP);
    stop_with_children(&f, &a, &b);
}

/* The lower's carrier coming back does not raise a child whose own cable
 * is out; only set_link on the child does. */
static void test_macvlan_uplink_return_keeps_child_down(void)
{
    Fixture f = {}, a = {}, b = {};

    start_with_children(&f, &a, &b, "bridge");
    qtest_qmp_assert_success(f.qts, "{'execute': 'set_link', 'arguments':"
                             " {'name': 'a', 'up': false}}");
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

/* A child with several queue pairs takes VQ_PAIRS_SET from its driver
 * (Linux's virtio_net sends it at probe), and a frame for it then lands. */
static void test_macvlan_child_sets_queue_pairs(void)
{
    Fixture f = {}, a = {};
    g_autofree char *extra = g_strdup_printf(
        " -device vnet-macvlan,id=a,lower=nic0,addr=%d.1,mode=bridge,"
        "queues=2,mac=" CHILD_A, SLOT);
    uint8_t frame[64];
    size_t n = tcp_frame(frame, 0x0a000202, 0x0a000210, 80, 40000);
    uint32_t len = 0;

    fixture_start(&f, 1, extra);
    fixture_attach(&a, &f, 1, 2);
    fixture_drive(&f, 0);
    drive_mq(&a, 2);
    for (unsigned q = 0; q < 2; q++) {
        post_rx(&a, q, guest_alloc(a.alloc, 2048), 2048);
    }
    memcpy(frame, mac_a, 6);
    sock_send(&f, frame, n);
    g_assert_true(WAIT_UNTIL(qvirtqueue_get_buf(a.qts, rxq(&a, 0), NULL, &len) ||
                             qvirtqueue_get_buf(a.qts, rxq(&a, 1), NULL, &len)));
    g_assert_cmpuint(len, ==, HDR_LEN + n);
    fixture_stop(&a);
    fixture_stop(&f);
}

/* ---- query-vnet, info vnet, vnet-set-mtu, traces ---- */

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

/* The traffic both counter tests read: a frame in from the uplink to
 * child A, one out from A, one for B dropped because the one RX buffer B
 * posted cannot hold it (no MRG_RXBUF). Returns the frame's length. */
static size_t pass_counted_frames(Fixture *f, Fixture *a, Fixture *b)
{
    uint8_t frame[64], got[64];
    uint32_t head, len;
    size_t n;

    head = post_rx(a, 0, guest_alloc(a->alloc, 2048), 2048);
    n = tcp_frame(frame, 0x0a000202, 0x0a000210, 80, 40000);
    memcpy(frame, mac_a, 6);
    sock_send(f, frame, n);
    qvirtio_wait_used_elem(a->qts, a->dev, rxq(a, 0), head, &len, TIMEOUT_US);
    memcpy(frame, "\x52\x55\x0a\x00\x02\x02", 6);
    memcpy(frame + 6, mac_a, 6);
    send_from(a, frame, n);
    g_assert_cmpuint(sock_recv(f, got, sizeof(got)), ==, n);
    post_rx(b, 0, guest_alloc(b->alloc, 64), 64);
    memcpy(frame, mac_b, 6);
    sock_send(f, frame, n);
    /* Wait until B's drop is counted. */
    g_assert_true(WAIT_UNTIL(vnet_func_drops(f->qts, 2, 3, "rx-no-buffer")
                             != 0));
    return n;
}

/* query-vnet's counters move as frames pass, per function and per queue,
 * and a drop is counted under its reason on the function it hit. */
static void test_query_vnet_counters(void)
{
    Fixture f = {}, a = {}, b = {};
    QDict *resp, *fi, *q;
    size_t n;

    start_with_children(&f, &a, &b, "bridge");
    n = pass_counted_frames(&f, &a, &b);
    fi = vnet_func_info(f.qts, 2, 3, &resp);
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
    stop_with_children(&f, &a, &b);
}

/* info vnet prints the same counters as a table, a row per function. */
static void test_info_vnet_table(void)
{
    Fixture f = {}, a = {}, b = {};
    g_autofree char *hmp = NULL;

    start_with_children(&f, &a, &b, "bridge");
    pass_counted_frames(&f, &a, &b);
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
    drive_filtered(&f, 0);   /* a promiscuous function 0 would take a runt */
    fixture_drive(&a, 0);
    head = post_rx(&a, 0, guest_alloc(a.alloc, 2048), 2048);
    n = tcp_frame(frame, 0x0a000202, 0x0a000210, 80, 40000);
    memcpy(frame, mac_a, 6);
    sock_send(&f, frame, n);
    qvirtio_wait_used_elem(a.qts, a.dev, rxq(&a, 0), head, &len, TIMEOUT_US);
    sock_send(&f, frame, 10);     /* a runt */
    g_assert_true(WAIT_UNTIL(vnet_func_drops(f.qts, 0, 2, "rx-runt") == 1));
    fixture_stop(&a);
    fixture_stop(&f);
    g_assert_true(g_file_get_contents(log, &text, NULL, NULL));
    unlink(log);
    g_assert_nonnull(strstr(text, "vnet_rx_handler nic0: rx_handler another"));
    g_assert_nonnull(strstr(text, "vnet_drop nic0: dropped, rx-runt"));
}

/* The lower at 1500 with macvlan children a (MTU the lower's) and b
 * (mtu=1300), every function driven. */
static void start_mtu_children(Fixture *f, Fixture *a, Fixture *b)
{
    fixture_start(f, 1,
                  " -device vnet-macvlan,id=a,lower=nic0,addr=4.1,mode=bridge,"
                  "mac=" CHILD_A
                  " -device vnet-macvlan,id=b,lower=nic0,addr=4.2,mode=bridge,"
                  "mac=" CHILD_B ",mtu=1300");
    fixture_attach(a, f, 1, 1);
    fixture_attach(b, f, 2, 1);
    fixture_drive(f, 0);
    fixture_drive(a, 0);
    fixture_drive(b, 0);
}

static void set_lower_mtu_1400(Fixture *f)
{
    qtest_qmp_assert_success(f->qts, "{'execute': 'vnet-set-mtu', 'arguments':"
                             " {'id': 'nic0', 'mtu': 1400}}");
}

/* vnet-set-mtu on the lower: a macvlan child above the new MTU comes
 * down to it (config space and query-vnet), one below stays. */
static void test_set_mtu_lower_clamps_children(void)
{
    Fixture f = {}, a = {}, b = {};
    QDict *resp;

    start_mtu_children(&f, &a, &b);
    g_assert_cmpint(qvirtio_config_readw(a.dev, 10), ==, 1500);
    set_lower_mtu_1400(&f);
    g_assert_cmpint(qvirtio_config_readw(f.dev, 10), ==, 1400);
    g_assert_cmpint(qvirtio_config_readw(a.dev, 10), ==, 1400);
    g_assert_cmpint(qvirtio_config_readw(b.dev, 10), ==, 1300);
    g_assert_cmpint(qdict_get_int(vnet_func_info(f.qts, 1, 3, &resp), "mtu"),
                    ==, 1400);
    qobject_unref(resp);
    stop_with_children(&f, &a, &b);
}

/* A child may not go above its lower, a lower not above its mtu=
 * property, and an unknown id is refused. */
static void test_set_mtu_out_of_bounds_refused(void)
{
    Fixture f = {}, a = {}, b = {};
    QDict *resp;

    start_mtu_children(&f, &a, &b);
    set_lower_mtu_1400(&f);
    assert_qmp_error_names(f.qts, "'mtu'", "{'execute': 'vnet-set-mtu', "
                           "'arguments': {'id': 'a', 'mtu': 1401}}");
    resp = qtest_qmp(f.qts, "{'execute': 'vnet-set-mtu', 'arguments':"
                     " {'id': 'nic0', 'mtu': 1501}}");
    g_assert_true(qdict_haskey(resp, "error"));
    qobject_unref(resp);
    resp = qtest_qmp(f.qts, "{'execute': 'vnet-set-mtu', 'arguments':"
                     " {'id': 'nope', 'mtu': 1400}}");
    g_assert_true(qdict_haskey(resp, "error"));
    qobject_unref(resp);
    stop_with_children(&f, &a, &b);
}

/* A child's frame over the MTU its lower gave it is refused on the way
 * out. */
static void test_set_mtu_child_tx_over_it_dropped(void)
{
    Fixture f = {}, a = {}, b = {};
    QDict *resp;
    uint8_t frame[1500] = {};

    start_mtu_children(&f, &a, &b);
    set_lower_mtu_1400(&f);
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

void vnet_children_tests_register(void)
{
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
    qtest_add_func("/vnet-multi/macvlan/uplink-return-keeps-child-down",
                   test_macvlan_uplink_return_keeps_child_down);
    qtest_add_func("/vnet-multi/macvlan/child-sets-queue-pairs",
                   test_macvlan_child_sets_queue_pairs);
    qtest_add_func("/vnet-multi/query-vnet/reports-config",
                   test_query_vnet_reports_config);
    qtest_add_func("/vnet-multi/query-vnet/counters",
                   test_query_vnet_counters);
    qtest_add_func("/vnet-multi/info-vnet/table", test_info_vnet_table);
    qtest_add_func("/vnet-multi/trace/datapath-events",
                   test_datapath_trace_events);
    qtest_add_func("/vnet-multi/set-mtu/lower-clamps-children",
                   test_set_mtu_lower_clamps_children);
    qtest_add_func("/vnet-multi/set-mtu/out-of-bounds-refused",
                   test_set_mtu_out_of_bounds_refused);
    qtest_add_func("/vnet-multi/set-mtu/child-tx-over-it-dropped",
                   test_set_mtu_child_tx_over_it_dropped);
    qtest_add_func("/vnet-multi/ipvlan/delivers-by-address",
                   test_ipvlan_delivers_by_address);
    qtest_add_func("/vnet-multi/macvlan/bad-properties-refused",
                   test_macvlan_bad_properties_refused);
    qtest_add_func("/vnet-multi/ipvlan/bad-properties-refused",
                   test_ipvlan_bad_properties_refused);
    qtest_add_func("/vnet-multi/ipvlan/l3-needs-and-takes-ip",
                   test_ipvlan_l3_needs_and_takes_ip);
}
