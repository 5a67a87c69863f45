/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * qtest for -netdev vxlan: the QMP FDB commands and traffic both ways,
 * outer TTL and TOS on the wire, hostile datagrams counted by reason, a
 * MAC flood held at maxaddress, bad options refused. A vnet-multi
 * function 0 is the NIC on it.
 */

#include "qemu/osdep.h"
#include "vnet-fixture.h"

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

    /* src-vni names an FDB of an external netdev; this one has one. */
    assert_qmp_error_names(f.qts, "src-vni", "{'execute': 'vxlan-fdb-add', "
                           "'arguments': {'netdev': 'up', "
                           "'mac': '00:00:00:00:00:01', "
                           "'remote': '127.0.0.1', 'src-vni': 7}}");
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

/*
 * external=on: the NIC's VLAN 10 is VNI 1000 on the wire, without its
 * tag, and VNI 1000 comes back on VLAN 10; the FDB commands need the VNI
 * whose entry they mean (src-vni), and query-vxlan-fdb shows it.
 */
static void test_vxlan_external_vlan_tunnel(void)
{
    Fixture f = { .sock = -1 };
    uint8_t frame[80], tagged[84], dgram[128], got[128];
    uint16_t peer_port;
    int peer;
    struct sockaddr_in to;
    QDict *resp, *e;
    uint64_t buf;
    uint32_t head, len;
    size_t n;

    peer = vxlan_start(&f, ",external=on,vlan-tunnel=10:1000", "",
                       &peer_port, &to);
    assert_qmp_error_names(f.qts, "src-vni", "{'execute': 'vxlan-fdb-add', "
                           "'arguments': {'netdev': 'up', "
                           "'mac': '00:00:00:00:00:00', "
                           "'remote': '127.0.0.1'}}");
    qtest_qmp_assert_success(f.qts, "{'execute': 'vxlan-fdb-add', "
                             "'arguments': {'netdev': 'up', "
                             "'mac': '00:00:00:00:00:00', "
                             "'remote': '127.0.0.1', 'port': %u, "
                             "'src-vni': 1000}}", peer_port);
    e = fdb_find(f.qts, "00:00:00:00:00:00", &resp);
    g_assert_nonnull(e);
    g_assert_cmpint(qdict_get_int(e, "src-vni"), ==, 1000);
    g_assert_cmpint(qdict_get_int(e, "vni"), ==, 1000);
    qobject_unref(resp);

    /* Out on VLAN 10: VNI 1000, the tag left out. */
    n = tcp_frame(frame, 0x0a00020f, 0x0a000202, 40000, 80);
    memcpy(tagged, frame, 12);
    memcpy(tagged + 12, "\x81\x00\x00\x0a", 4);
    memcpy(tagged + 16, frame + 12, n - 12);
    send_from(&f, tagged, n + 4);
    g_assert_cmpint(recv(peer, got, sizeof(got), 0), ==, 8 + n);
    g_assert_cmpint(ldl_be_p(got + 4), ==, 1000 << 8);
    g_assert_cmpmem(got + 8, n, frame, n);

    /* In on VNI 1000: the tag put back. */
    buf = guest_alloc(f.alloc, 2048);
    head = post_rx(&f, 0, buf, 2048);
    n = tcp_frame(frame, 0x0a000202, 0x0a00020f, 80, 40000);
    vxlan_dgram(dgram, frame, n);
    stl_be_p(dgram + 4, 1000 << 8);
    g_assert_cmpint(sendto(peer, dgram, 8 + n, 0, (struct sockaddr *)&to,
                           sizeof(to)), ==, 8 + n);
    qvirtio_wait_used_elem(f.qts, f.dev, rxq(&f, 0), head, &len, TIMEOUT_US);
    g_assert_cmpint(len, ==, HDR_LEN + n + 4);
    qtest_memread(f.qts, buf + HDR_LEN, got, n + 4);
    g_assert_cmpmem(got, 12, frame, 12);
    g_assert_cmpmem(got + 12, 4, "\x81\x00\x00\x0a", 4);
    g_assert_cmpmem(got + 16, n - 12, frame + 12, n - 12);

    /* The map changes at run time: VLAN 10 now VNI 1001 on the wire. */
    assert_qmp_error_names(f.qts, "mapped already",
                           "{'execute': 'vxlan-vlan-tunnel-add', "
                           "'arguments': {'netdev': 'up', 'vid': 11, "
                           "'vni': 1000}}");
    qtest_qmp_assert_success(f.qts, "{'execute': 'vxlan-vlan-tunnel-del', "
                             "'arguments': {'netdev': 'up', 'vid': 10}}");
    qtest_qmp_assert_success(f.qts, "{'execute': 'vxlan-vlan-tunnel-add', "
                             "'arguments': {'netdev': 'up', 'vid': 10, "
                             "'vni': 1001}}");
    qtest_qmp_assert_success(f.qts, "{'execute': 'vxlan-fdb-add', "
                             "'arguments': {'netdev': 'up', "
                             "'mac': '00:00:00:00:00:00', "
                             "'remote': '127.0.0.1', 'port': %u, "
                             "'src-vni': 1001}}", peer_port);
    n = tcp_frame(frame, 0x0a00020f, 0x0a000202, 40000, 80);
    memcpy(tagged + 16, frame + 12, n - 12);
    send_from(&f, tagged, n + 4);
    g_assert_cmpint(recv(peer, got, sizeof(got), 0), ==, 8 + n);
    g_assert_cmpint(ldl_be_p(got + 4), ==, 1001 << 8);

    resp = qtest_qmp(f.qts, "{'execute': 'query-vxlan'}");
    e = qobject_to(QDict, qlist_peek(qdict_get_qlist(resp, "return")));
    g_assert_true(qdict_get_bool(e, "external"));
    g_assert_cmpint(qdict_get_int(e, "vni"), ==, 7);  /* untagged frames' */
    e = qobject_to(QDict, qlist_peek(qdict_get_qlist(e, "vlan-tunnel")));
    g_assert_cmpint(qdict_get_int(e, "vid"), ==, 10);
    g_assert_cmpint(qdict_get_int(e, "vni"), ==, 1001);
    qobject_unref(resp);
    close(peer);
    fixture_stop(&f);
}

/*
 * Route short-circuit: a frame to a router's MAC leaves with the MAC the
 * neighbour table has for its destination, the router's as its source;
 * without a neighbour, an L3 miss and the frame goes to the router as it
 * was. The neighbour commands refuse what is not an address.
 */
static void test_vxlan_route_shortcircuit(void)
{
    Fixture f = { .sock = -1 };
    static const uint8_t host_mac[6] = { 0x02, 0, 0, 0, 0, 0x0b };
    uint8_t frame[64], got[128];
    uint16_t peer_port;
    int peer;
    QDict *resp, *e, *ev;
    QListEntry *le;
    size_t n;
    bool found = false;

    peer = vxlan_start(&f, ",rsc=on,l3miss=on", "", &peer_port, NULL);
    /* The router (the frames' destination MAC) and the host behind it. */
    qtest_qmp_assert_success(f.qts, "{'execute': 'vxlan-fdb-add', "
                             "'arguments': {'netdev': 'up', "
                             "'mac': '" MAC "', 'remote': '127.0.0.1', "
                             "'port': %u, 'router': true}}", peer_port);
    qtest_qmp_assert_success(f.qts, "{'execute': 'vxlan-fdb-add', "
                             "'arguments': {'netdev': 'up', "
                             "'mac': '02:00:00:00:00:0b', "
                             "'remote': '127.0.0.1', 'port': %u}}",
                             peer_port);
    qtest_qmp_assert_success(f.qts, "{'execute': 'vxlan-neigh-add', "
                             "'arguments': {'netdev': 'up', "
                             "'ip': '10.1.0.5', "
                             "'mac': '02:00:00:00:00:0b'}}");
    e = fdb_find(f.qts, MAC, &resp);
    g_assert_nonnull(e);
    g_assert_true(qdict_get_bool(e, "router"));
    qobject_unref(resp);
    resp = qtest_qmp(f.qts, "{'execute': 'query-vxlan-neigh'}");
    QLIST_FOREACH_ENTRY(qdict_get_qlist(resp, "return"), le) {
        QDict *d = qobject_to(QDict, qlist_entry_obj(le));
        if (!strcmp(qdict_get_str(d, "ip"), "10.1.0.5")) {
            g_assert_cmpstr(qdict_get_str(d, "mac"), ==, "02:00:00:00:00:0b");
            g_assert_true(qdict_get_bool(d, "permanent"));
            found = true;
        }
    }
    g_assert_true(found);
    qobject_unref(resp);

    n = tcp_frame(frame, 0x0a00020f, 0x0a010005, 40000, 80);
    send_from(&f, frame, n);
    g_assert_cmpint(recv(peer, got, sizeof(got), 0), ==, 8 + n);
    g_assert_cmpmem(got + 8, 6, host_mac, 6);
    g_assert_cmpmem(got + 8 + 6, 6, frame, 6);     /* the router's MAC */
    g_assert_cmpmem(got + 8 + 12, n - 12, frame + 12, n - 12);

    /* No neighbour for 10.1.0.6: a miss, and the frame goes unchanged. */
    n = tcp_frame(frame, 0x0a00020f, 0x0a010006, 40000, 80);
    send_from(&f, frame, n);
    ev = qtest_qmp_eventwait_ref(f.qts, "VXLAN_L3MISS");
    g_assert_cmpstr(qdict_get_str(qdict_get_qdict(ev, "data"), "ip"), ==,
                    "10.1.0.6");
    qobject_unref(ev);
    g_assert_cmpint(recv(peer, got, sizeof(got), 0), ==, 8 + n);
    g_assert_cmpmem(got + 8, n, frame, n);

    /* Once deleted, 10.1.0.5 is a miss too. */
    qtest_qmp_assert_success(f.qts, "{'execute': 'vxlan-neigh-del', "
                             "'arguments': {'netdev': 'up', "
                             "'ip': '10.1.0.5'}}");
    n = tcp_frame(frame, 0x0a00020f, 0x0a010005, 40000, 80);
    send_from(&f, frame, n);
    g_assert_cmpint(recv(peer, got, sizeof(got), 0), ==, 8 + n);
    g_assert_cmpmem(got + 8, n, frame, n);

    assert_qmp_error_names(f.qts, "'ip'", "{'execute': 'vxlan-neigh-add', "
                           "'arguments': {'netdev': 'up', 'ip': '10.1.0.500', "
                           "'mac': '02:00:00:00:00:0b'}}");
    assert_qmp_error_names(f.qts, "'mac'", "{'execute': 'vxlan-neigh-add', "
                           "'arguments': {'netdev': 'up', 'ip': '10.1.0.7', "
                           "'mac': 'ff:ff:ff:ff:ff:ff'}}");
    resp = qtest_qmp(f.qts, "{'execute': 'vxlan-neigh-del', "
                     "'arguments': {'netdev': 'up', 'ip': '10.1.0.5'}}");
    g_assert_true(qdict_haskey(resp, "error"));
    qobject_unref(resp);
    close(peer);
    fixture_stop(&f);
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
    WAIT_UNTIL(vxlan_count(f.qts, NULL) >= sent);
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
    WAIT_UNTIL(vnet_func_count(f.qts, 0, 1, "rx-packets") >= 21);
    g_assert_cmpint(vnet_func_count(f.qts, 0, 1, "rx-packets"), ==, 21);
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
            WAIT_UNTIL(vxlan_count(f.qts, NULL) >= i);
            for (int j = 0; j < 50; j++) {
                post_rx(&f, 0, guest_alloc(f.alloc, 2048), 2048);
            }
        }
        stw_be_p(dgram + 8 + 10, i);  /* source 52:55:0a:00:ii:ii */
        g_assert_cmpint(sendto(peer, dgram, 8 + n, 0, (struct sockaddr *)&to,
                               sizeof(to)), ==, 8 + n);
    }
    WAIT_UNTIL(vxlan_count(f.qts, NULL) >= flood);
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
    /* Over IPv6 the zero-checksum options are the socket's. */
    assert_refused("-netdev vxlan,id=v,local=::1,vni=1,dstport=47892 "
                   "-netdev vxlan,id=w,local=::1,vni=2,dstport=47892,"
                   "udp6zerocsumrx=on", "udp6zerocsumrx");
    assert_refused("-netdev vxlan,id=v,local=::1,vni=1,dstport=47892 "
                   "-netdev vxlan,id=w,local=::1,vni=2,dstport=47892,"
                   "udp6zerocsumtx=on", "udp6zerocsumtx");
    /* A link-local underlay names its interface (Linux's dev), and a
     * link-local address goes only with another. */
    assert_refused("-netdev vxlan,id=v,vni=1,local=fe80::1", "local");
    assert_refused("-netdev vxlan,id=v,vni=1,local=fe80::1%vnet-none0",
                   "local");
    assert_refused("-netdev vxlan,id=v,vni=1,local=::1%lo", "local");
    assert_refused("-netdev vxlan,id=v,vni=1,local=fe80::1%lo,"
                   "remote=2001:db8::2", "remote");
    assert_refused("-netdev vxlan,id=v,vni=1,local=::1,remote=fe80::2",
                   "remote");
    assert_refused("-netdev vxlan,id=v,vni=1,local=fe80::1%lo,group=ff02::42",
                   "group");
    /* A group policy ID is sent only with gbp, which a socket's netdevs
     * share. */
    assert_refused(VX "vni=1,gbp-id=5", "gbp-id");
    assert_refused(VX "vni=1,dstport=47893,gbp=on "
                   "-netdev vxlan,id=w,local=127.0.0.1,vni=2,dstport=47893",
                   "gbp");
    /* As does remote checksum offload's receive side (VXLAN_F_RCV_FLAGS). */
    assert_refused(VX "vni=1,dstport=47894,remcsum-rx=on "
                   "-netdev vxlan,id=w,local=127.0.0.1,vni=2,dstport=47894",
                   "remcsum-rx");
    /* Metadata mode: a VNI needed without it, a map only with it, the
     * map as the bridge takes it, and a socket of its own. */
    assert_refused(VX "remote=127.0.0.2", "vni");
    assert_refused(VX "vni=1,vlan-tunnel=10:100", "vlan-tunnel");
    assert_refused(VX "external=on", "external");
    assert_refused(VX "external=on,vlan-tunnel=0:100", "vlan-tunnel");
    assert_refused(VX "external=on,vlan-tunnel=10:100,vlan-tunnel=10:101",
                   "vlan-tunnel");
    assert_refused(VX "external=on,vlan-tunnel=10-12:100-101",
                   "vlan-tunnel");
    assert_refused(VX "external=on,vlan-tunnel=10:x", "vlan-tunnel");
    assert_refused(VX "vni=100,external=on,vlan-tunnel=10:100",
                   "vlan-tunnel");
    assert_refused(VX "vni=1,dstport=47895 "
                   "-netdev vxlan,id=w,local=127.0.0.1,dstport=47895,"
                   "external=on,vlan-tunnel=10:100", "external");
    assert_refused(VX "external=on,vni=1,dstport=47896 "
                   "-netdev vxlan,id=w,local=127.0.0.1,dstport=47896,"
                   "external=on,vlan-tunnel=10:100", "external");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    qtest_add_func("/netdev-vxlan/qmp-fdb-and-traffic",
                   test_vxlan_qmp_fdb_and_traffic);
    qtest_add_func("/netdev-vxlan/route-shortcircuit",
                   test_vxlan_route_shortcircuit);
    qtest_add_func("/netdev-vxlan/outer-ttl-and-tos",
                   test_vxlan_outer_ttl_and_tos);
    qtest_add_func("/netdev-vxlan/hostile-datagrams-counted",
                   test_vxlan_hostile_datagrams_counted);
    qtest_add_func("/netdev-vxlan/mac-flood-held-at-maxaddress",
                   test_vxlan_mac_flood_held_at_maxaddress);
    qtest_add_func("/netdev-vxlan/external-vlan-tunnel",
                   test_vxlan_external_vlan_tunnel);
    qtest_add_func("/netdev-vxlan/bad-options-refused",
                   test_vxlan_bad_options_refused);
    return g_test_run();
}
