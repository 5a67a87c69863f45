/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * -netdev vxlan: VXLAN (RFC 7348) over host UDP sockets in QEMU's main
 * loop. libvnet makes every decision (FDB, learning, proxy, misses, the
 * outer header values); this file owns the sockets, the timer and QMP.
 */

#include "qemu/osdep.h"

#include <net/if.h>
#include <netinet/udp.h>

#include "clients.h"
#include "net/vnet-common.h"
#include "net/net.h"
#include "net/util.h"
#include "standard-headers/linux/virtio_net.h"
#include "qapi/error.h"
#include "qapi/qapi-commands-vxlan.h"
#include "qapi/qapi-events-vxlan.h"
#include "qemu/error-report.h"
#include "qemu/main-loop.h"
#include "qemu/queue.h"
#include "qemu/sockets.h"
#include "qemu/timer.h"
#include "migration/vmstate.h"
#include "vnet/vnet.h"

#ifndef UDP_NO_CHECK6_TX
#define UDP_NO_CHECK6_TX 101
#define UDP_NO_CHECK6_RX 102
#endif

/* Datagrams read per wakeup before the main loop gets a turn. */
#define VXLAN_READ_BURST 64
/* The largest UDP payload; one more byte makes MSG_TRUNC visible. */
#define VXLAN_BUF_SIZE 65536
/* Sockets bound to flow source ports, per shared socket. */
#define VXLAN_SRC_SOCKS 64

/*
 * The outer IP header fields last set on a socket (-1: not yet). They go
 * in as socket options when they change rather than as control messages
 * with every datagram, which the kernel would allocate for and parse.
 */
typedef struct VxlanIpOpts {
    int df;
    int tos;
    int ttl;
} VxlanIpOpts;

#define VXLAN_IP_OPTS_UNSET ((VxlanIpOpts){ -1, -1, -1 })

typedef struct VxlanSrcSock {
    uint16_t port;
    int fd;  /* -1: free slot; the shared socket's fd when bind failed */
    VxlanIpOpts ip;
} VxlanSrcSock;

typedef struct VxlanState VxlanState;

/* What netdevs sharing a socket must agree on, as Linux's vxlan_sock
 * flags: the UDP checksum options, IPv4's udpcsum and IPv6's
 * udp6zerocsumtx/rx (udp_port_cfg's use_udp_checksums and
 * use_udp6_tx/rx_checksums), gbp, remcsum-rx and external
 * (VXLAN_F_RCV_FLAGS). */
typedef struct VxlanSockOpts {
    bool udpcsum, zero6_tx, zero6_rx, gbp, remcsum_rx, external;
} VxlanSockOpts;

/* One host socket per (address, port): the struct vxlan_sock of Linux. */
typedef struct VxlanSocket {
    VnetIpAddr bind_addr;
    unsigned scope;  /* a link-local bind_addr's interface index */
    uint16_t port;
    VxlanSockOpts opts;
    int fd;
    VxlanIpOpts ip;
    int refs;
    int blocked; /* members whose NIC queue is full */
    bool has_mcast_if;
    struct in_addr mcast_if; /* IPv4 groups: the interface of `local` */
    VnetVxsock *demux;
    uint8_t *buf;
    VxlanSrcSock src[VXLAN_SRC_SOCKS];
    QTAILQ_ENTRY(VxlanSocket) next;
} VxlanSocket;

struct VxlanState {
    NetClientState nc;
    VnetVxlan *vx;
    VxlanSocket *sock;
    QEMUTimer *timer;
    VnetVxlanConfig cfg;
    bool blocked;
    bool own_mac_known;
    int vnet_hdr_len; /* with remote checksum offload: the NIC's header */
    /* Migration: the FDB travels in a section named for the netdev, so
     * the destination's netdev of the same id takes it. */
    VMStateDescription vmsd;
    char *vmsd_name;
    /* Its subsection, named after it as a subsection must be. */
    VMStateDescription neigh_vmsd;
    char *neigh_vmsd_name;
    const VMStateDescription *subsections[2];
    VnetStateBuf fdb;
    VnetStateBuf neigh;  /* permanent neighbours, in a subsection */
    QTAILQ_ENTRY(VxlanState) next;
};

static QTAILQ_HEAD(, VxlanSocket) vxlan_sockets =
    QTAILQ_HEAD_INITIALIZER(vxlan_sockets);
static QTAILQ_HEAD(, VxlanState) vxlan_netdevs =
    QTAILQ_HEAD_INITIALIZER(vxlan_netdevs);

/* fe80::/10 */
static bool vxlan_ip_is_link_local(const VnetIpAddr *a)
{
    return a->v6 && a->b[0] == 0xfe && (a->b[1] & 0xc0) == 0x80;
}

/* A link-local address takes `scope`, the interface of the socket's own
 * (local=fe80::...%IFNAME), as Linux's vxlan takes its `dev`. */
static socklen_t vxlan_sockaddr(const VnetIpAddr *a, uint16_t port,
                                unsigned scope, struct sockaddr_storage *ss)
{
    memset(ss, 0, sizeof(*ss));
    if (a->v6) {
        struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
        s6->sin6_family = AF_INET6;
        s6->sin6_port = htons(port);
        memcpy(&s6->sin6_addr, a->b, 16);
        if (vxlan_ip_is_link_local(a)) {
            s6->sin6_scope_id = scope;
        }
        return sizeof(*s6);
    } else {
        struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
        s4->sin_family = AF_INET;
        s4->sin_port = htons(port);
        memcpy(&s4->sin_addr, a->b, 4);
        return sizeof(*s4);
    }
}

/* 224.0.0.0/4 or ff00::/8 */
static bool vxlan_ip_is_multicast(const VnetIpAddr *a)
{
    return a->v6 ? a->b[0] == 0xff : (a->b[0] & 0xf0) == 0xe0;
}

static void vxlan_setopt(int fd, int level, int name, int v)
{
    setsockopt(fd, level, name, &v, sizeof(v));
}

/* Brings the socket's outer TOS/traffic class, TTL/hop limit and DF in
 * line with this datagram's. A socket's unicast and multicast TTLs are
 * separate options; both are set so either kind of remote gets it. */
static void vxlan_set_ip_opts(int fd, VxlanIpOpts *st, const VnetVxlanTx *tx)
{
    bool v6 = tx->dst.v6;

    if (st->tos != tx->tos) {
        vxlan_setopt(fd, v6 ? IPPROTO_IPV6 : IPPROTO_IP,
                     v6 ? IPV6_TCLASS : IP_TOS, tx->tos);
        st->tos = tx->tos;
    }
    if (st->ttl != tx->ttl) {
        vxlan_setopt(fd, v6 ? IPPROTO_IPV6 : IPPROTO_IP,
                     v6 ? IPV6_UNICAST_HOPS : IP_TTL, tx->ttl);
        vxlan_setopt(fd, v6 ? IPPROTO_IPV6 : IPPROTO_IP,
                     v6 ? IPV6_MULTICAST_HOPS : IP_MULTICAST_TTL, tx->ttl);
        st->ttl = tx->ttl;
    }
    if (!v6 && st->df != tx->df) {
        vxlan_setopt(fd, IPPROTO_IP, IP_MTU_DISCOVER,
                     tx->df ? IP_PMTUDISC_DO : IP_PMTUDISC_DONT);
        st->df = tx->df;
    }
}

static int vxlan_open(const VnetIpAddr *addr, unsigned scope, uint16_t port,
                      const VxlanSockOpts *opts, Error **errp)
{
    struct sockaddr_storage ss;
    socklen_t len = vxlan_sockaddr(addr, port, scope, &ss);
    int fd = qemu_socket(addr->v6 ? AF_INET6 : AF_INET, SOCK_DGRAM, 0);
    int one = 1, off = !opts->udpcsum;
    int tx6 = opts->zero6_tx, rx6 = opts->zero6_rx;

    if (fd < 0) {
        error_setg_errno(errp, errno, "vxlan: cannot create a UDP socket");
        return -1;
    }
    if (addr->v6) {
        setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
        setsockopt(fd, IPPROTO_IPV6, IPV6_RECVTCLASS, &one, sizeof(one));
        setsockopt(fd, IPPROTO_UDP, UDP_NO_CHECK6_TX, &tx6, sizeof(tx6));
        setsockopt(fd, IPPROTO_UDP, UDP_NO_CHECK6_RX, &rx6, sizeof(rx6));
    } else {
        setsockopt(fd, IPPROTO_IP, IP_RECVTOS, &one, sizeof(one));
        setsockopt(fd, SOL_SOCKET, SO_NO_CHECK, &off, sizeof(off));
    }
    if (bind(fd, (struct sockaddr *)&ss, len) < 0) {
        error_setg_errno(errp, errno, "vxlan: cannot bind UDP port %u", port);
        close(fd);
        return -1;
    }
    qemu_socket_set_nonblock(fd);
    return fd;
}

/*
 * Each flow leaves from its own source port (udp_flow_src_port), so the
 * datagram goes out of a socket bound to that port; they are opened on
 * first use. A port the host will not give us falls back to the shared
 * socket's.
 */
static VxlanSrcSock *vxlan_src_sock(VxlanSocket *so, uint16_t port)
{
    static VxlanSrcSock shared;
    unsigned i, h = port % VXLAN_SRC_SOCKS;

    for (i = 0; i < VXLAN_SRC_SOCKS; i++) {
        VxlanSrcSock *s = &so->src[(h + i) % VXLAN_SRC_SOCKS];

        if (s->fd >= 0 && s->port == port) {
            return s;
        }
        if (s->fd < 0) {
            int tiny = 1;

            s->port = port;
            s->ip = VXLAN_IP_OPTS_UNSET;
            s->fd = vxlan_open(&so->bind_addr, so->scope, port, &so->opts,
                               NULL);
            if (s->fd < 0) {
                s->fd = so->fd;
            } else {
                /* It only sends: keep what arrives on it small. */
                setsockopt(s->fd, SOL_SOCKET, SO_RCVBUF, &tiny, sizeof(tiny));
                if (so->has_mcast_if) {
                    setsockopt(s->fd, IPPROTO_IP, IP_MULTICAST_IF,
                               &so->mcast_if, sizeof(so->mcast_if));
                }
            }
            return s;
        }
    }
    shared = (VxlanSrcSock){ so->port, so->fd, VXLAN_IP_OPTS_UNSET };
    return &shared;
}

static bool vxlan_send(void *opaque, const VnetVxlanTx *tx,
                       const struct iovec *iov, unsigned iovcnt)
{
    VxlanState *s = opaque;
    VxlanSocket *so = s->sock;
    VxlanSrcSock *src = vxlan_src_sock(so, tx->src_port);
    struct sockaddr_storage ss;
    struct msghdr msg = {
        .msg_name = &ss,
        .msg_namelen = vxlan_sockaddr(&tx->dst, tx->dst_port, so->scope, &ss),
        .msg_iov = (struct iovec *)iov,
        .msg_iovlen = iovcnt,
    };

    vxlan_set_ip_opts(src->fd, src->fd == so->fd ? &so->ip : &src->ip, tx);
    return sendmsg(src->fd, &msg, MSG_DONTWAIT) >= 0;
}

static void vxlan_sync_own_mac(VxlanState *s)
{
    NICState *nic;

    if (s->own_mac_known || !s->nc.peer ||
        s->nc.peer->info->type != NET_CLIENT_DRIVER_NIC) {
        return;
    }
    nic = qemu_get_nic(s->nc.peer);
    vnet_vxlan_set_own_mac(s->vx, nic->conf->macaddr.a);
    s->own_mac_known = true;
}

static void vxlan_read(void *opaque);

static void vxlan_read_poll(VxlanSocket *so)
{
    qemu_set_fd_handler(so->fd, so->blocked ? NULL : vxlan_read, NULL, so);
}

static void vxlan_sent(NetClientState *nc, ssize_t len)
{
    VxlanState *s = DO_UPCAST(VxlanState, nc, nc);

    if (s->blocked) {
        s->blocked = false;
        s->sock->blocked--;
        vxlan_read_poll(s->sock);
    }
}

static bool vxlan_deliver(void *opaque, const uint8_t *vnet_hdr,
                          const struct iovec *frame, unsigned frame_cnt)
{
    VxlanState *s = opaque;
    uint8_t hdr[sizeof(struct virtio_net_hdr_v1_hash)] = { 0 };
    struct iovec iov[4] = {
        { .iov_base = hdr, .iov_len = s->vnet_hdr_len },
    };

    if (!s->nc.peer || s->nc.peer->link_down ||
        frame_cnt >= ARRAY_SIZE(iov)) {
        return false;
    }
    memcpy(&iov[1], frame, frame_cnt * sizeof(*frame));
    vxlan_sync_own_mac(s);
    /* A NIC that writes virtio-net headers reads one too: libvnet's, the
     * rest of a longer one (num_buffers, the hash) zero. */
    memcpy(hdr, vnet_hdr, VNET_NET_HDR_LEN);
    if (qemu_sendv_packet_async(&s->nc, s->vnet_hdr_len ? iov : &iov[1],
                                frame_cnt + !!s->vnet_hdr_len,
                                vxlan_sent) == 0 &&
        !s->blocked) {
        /* Queued: read no more until the NIC has room again. */
        s->blocked = true;
        s->sock->blocked++;
    }
    return true;
}

static void vxlan_read(void *opaque)
{
    VxlanSocket *so = opaque;
    int i;

    for (i = 0; i < VXLAN_READ_BURST && !so->blocked; i++) {
        struct sockaddr_storage from;
        union {
            char buf[CMSG_SPACE(sizeof(int))];
            struct cmsghdr align;
        } ctl;
        struct iovec iov = { so->buf, VXLAN_BUF_SIZE };
        struct msghdr msg = {
            .msg_name = &from, .msg_namelen = sizeof(from),
            .msg_iov = &iov, .msg_iovlen = 1,
            .msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf),
        };
        struct cmsghdr *c;
        VnetIpAddr src = { 0 };
        uint8_t tos = 0;
        ssize_t n = recvmsg(so->fd, &msg, MSG_DONTWAIT);

        if (n < 0) {
            break;
        }
        for (c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
            if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_TOS) {
                tos = *CMSG_DATA(c);
            } else if (c->cmsg_level == IPPROTO_IPV6 &&
                       c->cmsg_type == IPV6_TCLASS) {
                int tc;
                memcpy(&tc, CMSG_DATA(c), sizeof(tc));
                tos = tc;
            }
        }
        if (from.ss_family == AF_INET6) {
            src.v6 = true;
            memcpy(src.b, &((struct sockaddr_in6 *)&from)->sin6_addr, 16);
        } else {
            memcpy(src.b, &((struct sockaddr_in *)&from)->sin_addr, 4);
        }
        vnet_vxsock_receive(so->demux, &src, tos, so->buf, n,
                            msg.msg_flags & MSG_TRUNC);
    }
    /* Re-registering the handler costs more than reading one datagram:
     * only a NIC that filled up changes it (vxlan_sent restores it). */
    if (so->blocked) {
        vxlan_read_poll(so);
    }
}

/* The option of opts that differs from the socket's, for its family. */
static const char *vxlan_opts_differ(const VxlanSocket *so,
                                     const VxlanSockOpts *opts)
{
    if (so->opts.gbp != opts->gbp) {
        return "gbp";
    }
    if (so->opts.remcsum_rx != opts->remcsum_rx) {
        return "remcsum-rx";
    }
    if (so->opts.external != opts->external) {
        return "external";
    }
    if (!so->bind_addr.v6) {
        return so->opts.udpcsum != opts->udpcsum ? "udpcsum" : NULL;
    }
    if (so->opts.zero6_tx != opts->zero6_tx) {
        return "udp6zerocsumtx";
    }
    return so->opts.zero6_rx != opts->zero6_rx ? "udp6zerocsumrx" : NULL;
}

static VxlanSocket *vxlan_socket_get(const VnetIpAddr *addr, unsigned scope,
                                     uint16_t port, const VxlanSockOpts *opts,
                                     Error **errp)
{
    VxlanSocket *so;
    int i;

    QTAILQ_FOREACH(so, &vxlan_sockets, next) {
        if (so->port == port && so->scope == scope &&
            !memcmp(&so->bind_addr, addr, sizeof(*addr))) {
            const char *differs = vxlan_opts_differ(so, opts);

            if (differs) {
                error_setg(errp, "vxlan: '%s' must match the other "
                           "netdevs on this address and port", differs);
                return NULL;
            }
            so->refs++;
            return so;
        }
    }
    so = g_new0(VxlanSocket, 1);
    so->fd = vxlan_open(addr, scope, port, opts, errp);
    if (so->fd < 0) {
        g_free(so);
        return NULL;
    }
    so->bind_addr = *addr;
    so->scope = scope;
    so->port = port;
    so->opts = *opts;
    so->ip = VXLAN_IP_OPTS_UNSET;
    so->refs = 1;
    so->demux = vnet_vxsock_new();
    so->buf = g_malloc(VXLAN_BUF_SIZE);
    for (i = 0; i < VXLAN_SRC_SOCKS; i++) {
        so->src[i].fd = -1;
    }
    QTAILQ_INSERT_TAIL(&vxlan_sockets, so, next);
    vxlan_read_poll(so);
    return so;
}

static void vxlan_socket_put(VxlanSocket *so)
{
    int i;

    if (--so->refs) {
        return;
    }
    qemu_set_fd_handler(so->fd, NULL, NULL, NULL);
    for (i = 0; i < VXLAN_SRC_SOCKS; i++) {
        if (so->src[i].fd >= 0 && so->src[i].fd != so->fd) {
            close(so->src[i].fd);
        }
    }
    close(so->fd);
    vnet_vxsock_free(so->demux);
    g_free(so->buf);
    QTAILQ_REMOVE(&vxlan_sockets, so, next);
    g_free(so);
}

static void vxlan_l2miss(void *opaque, const uint8_t mac[6])
{
    VxlanState *s = opaque;
    g_autofree char *m = qemu_mac_strdup_printf(mac);

    qapi_event_send_vxlan_l2miss(s->nc.name, m);
}

static void vxlan_l3miss(void *opaque, const VnetIpAddr *ip)
{
    VxlanState *s = opaque;
    g_autofree char *a = vnet_ip_strdup(ip);

    qapi_event_send_vxlan_l3miss(s->nc.name, a);
}

static uint64_t vxlan_now_ms(void *opaque)
{
    return qemu_clock_get_ms(QEMU_CLOCK_VIRTUAL);
}

static const VnetVxlanOps vxlan_ops = {
    .send = vxlan_send,
    .deliver = vxlan_deliver,
    .l2miss = vxlan_l2miss,
    .l3miss = vxlan_l3miss,
    .now_ms = vxlan_now_ms,
};

static void vxlan_timer(void *opaque)
{
    VxlanState *s = opaque;

    vnet_vxlan_run_timers(s->vx);
    timer_mod(s->timer, qemu_clock_get_ms(QEMU_CLOCK_VIRTUAL) + 1000);
}

static ssize_t vxlan_receive(NetClientState *nc, const uint8_t *buf,
                             size_t size)
{
    VxlanState *s = DO_UPCAST(VxlanState, nc, nc);

    vxlan_sync_own_mac(s);
    if (s->vnet_hdr_len) {
        vnet_vxlan_xmit_hdr(s->vx, buf, size, s->vnet_hdr_len);
    } else {
        vnet_vxlan_xmit(s->vx, buf, size);
    }
    return size;
}

/*
 * With remote checksum offload the NIC and the netdev exchange frames as
 * a NIC and a tap with vnet_hdr do, a virtio-net header first: a partial
 * checksum can then be left to the receiver either way, and libvnet does
 * the rest of what a header asks (filling other checksums, cutting GSO
 * frames). Without it, the NIC finishes every frame itself as before.
 */
static bool vxlan_has_vnet_hdr(NetClientState *nc)
{
    VxlanState *s = DO_UPCAST(VxlanState, nc, nc);

    return s->cfg.remcsum_tx || s->cfg.remcsum_rx;
}

static bool vxlan_has_vnet_hdr_len(NetClientState *nc, int len)
{
    return vxlan_has_vnet_hdr(nc) &&
           (len == sizeof(struct virtio_net_hdr) ||
            len == sizeof(struct virtio_net_hdr_mrg_rxbuf) ||
            len == sizeof(struct virtio_net_hdr_v1_hash));
}

static void vxlan_set_vnet_hdr_len(NetClientState *nc, int len)
{
    VxlanState *s = DO_UPCAST(VxlanState, nc, nc);

    s->vnet_hdr_len = len;
}

/* What the NIC takes from us, as TUNSETOFFLOAD tells a tap: a partial
 * checksum is all we may leave. */
static void vxlan_set_offload(NetClientState *nc, int csum, int tso4,
                              int tso6, int ecn, int ufo, int uso4, int uso6)
{
    VxlanState *s = DO_UPCAST(VxlanState, nc, nc);

    if (s->vx) {
        vnet_vxlan_set_nic_csum(s->vx, csum);
    }
}

static void vxlan_cleanup(NetClientState *nc)
{
    VxlanState *s = DO_UPCAST(VxlanState, nc, nc);

    if (!s->vx) {
        return;
    }
    timer_free(s->timer);
    vnet_vxsock_remove(s->sock->demux, s->vx);
    if (s->blocked) {
        /* The others on the socket may read again. */
        s->sock->blocked--;
        vxlan_read_poll(s->sock);
    }
    vxlan_socket_put(s->sock);
    vmstate_unregister(NULL, &s->vmsd, s);
    g_free(s->vmsd_name);
    g_free(s->neigh_vmsd_name);
    vnet_vxlan_free(s->vx);
    s->vx = NULL;
    QTAILQ_REMOVE(&vxlan_netdevs, s, next);
}

/* ---- migration of the FDB ---- */

static int vxlan_pre_save(void *opaque)
{
    VxlanState *s = opaque;
    size_t len = 0;
    uint8_t *blob = vnet_vxlan_state_save(s->vx, &len);

    vnet_state_buf_take(&s->fdb, blob, len);
    blob = vnet_vxlan_neigh_state_save(s->vx, &len);
    vnet_state_buf_take(&s->neigh, blob, len);
    return 0;
}

static int vxlan_post_save(void *opaque)
{
    vnet_state_buf_clear(&((VxlanState *)opaque)->fdb);
    vnet_state_buf_clear(&((VxlanState *)opaque)->neigh);
    return 0;
}

/* Runs after the subsection, if one came, has filled s->neigh. */
static int vxlan_post_load(void *opaque, int version_id)
{
    VxlanState *s = opaque;
    bool ok = vnet_vxlan_state_load(s->vx, s->fdb.data, s->fdb.len);
    bool neigh_ok = vnet_vxlan_neigh_state_load(s->vx, s->neigh.data,
                                                s->neigh.len);

    vnet_state_buf_clear(&s->fdb);
    vnet_state_buf_clear(&s->neigh);
    if (!ok || !neigh_ok) {
        error_report("vxlan '%s': the migrated %s is malformed%s",
                     s->nc.name, ok ? "neighbour table" : "FDB",
                     ok ? "" : ", or an external=on netdev's");
        return -EINVAL;
    }
    return 0;
}

/* Only when there are permanent neighbours, so a destination without
 * them still takes the stream. */
static bool vxlan_neigh_needed(void *opaque)
{
    return ((VxlanState *)opaque)->neigh.len > 0;
}

static const VMStateDescription vmstate_vxlan_neigh = {
    .version_id = 1,
    .minimum_version_id = 1,
    .needed = vxlan_neigh_needed,
    .fields = (const VMStateField[]) {
        VMSTATE_VNET_STATE_BUF(neigh, VxlanState),
        VMSTATE_END_OF_LIST()
    },
};

static const VMStateDescription vmstate_vxlan_fdb = {
    .version_id = 1,
    .minimum_version_id = 1,
    .pre_save = vxlan_pre_save,
    .post_save = vxlan_post_save,
    .post_load = vxlan_post_load,
    .fields = (const VMStateField[]) {
        VMSTATE_UINT32_EQUAL(cfg.vni, VxlanState, NULL),
        VMSTATE_VNET_STATE_BUF(fdb, VxlanState),
        VMSTATE_END_OF_LIST()
    },
};

static NetClientInfo net_vxlan_info = {
    .type = NET_CLIENT_DRIVER_VXLAN,
    .size = sizeof(VxlanState),
    .receive = vxlan_receive,
    .cleanup = vxlan_cleanup,
    .has_vnet_hdr = vxlan_has_vnet_hdr,
    .has_vnet_hdr_len = vxlan_has_vnet_hdr_len,
    .set_vnet_hdr_len = vxlan_set_vnet_hdr_len,
    .set_offload = vxlan_set_offload,
};

static bool vxlan_join(VxlanSocket *so, const VnetIpAddr *group,
                       const VnetIpAddr *local, Error **errp)
{
    int r, err;

    if (group->v6) {
        struct ipv6_mreq m = { .ipv6mr_interface = so->scope };
        memcpy(&m.ipv6mr_multiaddr, group->b, 16);
        r = setsockopt(so->fd, IPPROTO_IPV6, IPV6_JOIN_GROUP, &m, sizeof(m));
    } else {
        struct ip_mreq m = { 0 };
        memcpy(&m.imr_multiaddr, group->b, 4);
        memcpy(&m.imr_interface, local->b, 4);
        r = setsockopt(so->fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &m, sizeof(m));
        so->mcast_if = m.imr_interface;
    }
    err = r < 0 ? errno : 0;
    /* EADDRINUSE: another netdev on this socket joined it already. */
    if (err && err != EADDRINUSE) {
        error_setg_errno(errp, err, "vxlan: cannot join 'group'");
        return false;
    }
    if (!group->v6) {
        /* Send to the group out of the interface that holds `local`. */
        so->has_mcast_if = true;
        setsockopt(so->fd, IPPROTO_IP, IP_MULTICAST_IF, &so->mcast_if,
                   sizeof(so->mcast_if));
    }
    return true;
}

/* Options as QAPI gave them, to libvnet's config; refusals name the option. */
/* local=ADDR, or fe80::...%IFNAME: a link-local address names its
 * interface (Linux's vxlan takes it as `dev`), whose index is *scope. */
static bool vxlan_parse_local(const char *str, VnetIpAddr *a,
                              unsigned *scope, Error **errp)
{
    g_autofree char *addr = g_strdup(str);
    char *ifname = strchr(addr, '%');

    *scope = 0;
    if (ifname) {
        *ifname++ = 0;
    }
    if (!vnet_ip_parse(addr, a)) {
        error_setg(errp, "vxlan: 'local' must be an IPv4 or IPv6 address, "
                   "not '%s'", str);
        return false;
    }
    if (!ifname && vxlan_ip_is_link_local(a)) {
        error_setg(errp, "vxlan: 'local' %s is link-local: name its "
                   "interface, as in %s%%eth0", addr, addr);
        return false;
    }
    if (ifname && !vxlan_ip_is_link_local(a)) {
        error_setg(errp, "vxlan: 'local' names an interface, which only a "
                   "link-local (fe80::/10) address takes, not %s", addr);
        return false;
    }
    if (ifname) {
        *scope = if_nametoindex(ifname);
        if (!*scope) {
            error_setg(errp, "vxlan: 'local': no interface '%s'", ifname);
            return false;
        }
    }
    return true;
}

/* external=on's map, from each vlan-tunnel= given (4094 lines at most). */
static bool vxlan_vlan_tunnel(const NetdevVxlanOptions *o, VnetVxlanConfig *c,
                              VnetVlanTunnel *map, Error **errp)
{
    strList *l;
    char why[128];

    c->vlan_tunnel = map;
    c->n_vlan_tunnel = 0;
    for (l = o->vlan_tunnel; l; l = l->next) {
        if (!vnet_parse_vlan_tunnel(l->value, map, &c->n_vlan_tunnel, why,
                                    sizeof(why))) {
            error_setg(errp, "vxlan: 'vlan-tunnel': %s", why);
            return false;
        }
    }
    return true;
}

static bool vxlan_config(const NetdevVxlanOptions *o, VnetVxlanConfig *c,
                         unsigned *scope, VnetVlanTunnel *map, Error **errp)
{
    vnet_vxlan_config_init(c);  /* libvnet's defaults: ip link's */
    c->vni = o->has_vni ? o->vni : VNET_VXLAN_NO_VNI;
    c->external = o->has_external && o->external;
    if (!vxlan_vlan_tunnel(o, c, map, errp)) {
        return false;
    }
    if (!vxlan_parse_local(o->local, &c->local, scope, errp)) {
        return false;
    }
    if (o->remote && o->group) {
        error_setg(errp, "vxlan: 'remote' and 'group' exclude each other");
        return false;
    }
    if (o->remote) {
        if (!vnet_ip_parse(o->remote, &c->remote) ||
            vxlan_ip_is_multicast(&c->remote)) {
            error_setg(errp, "vxlan: 'remote' must be a unicast IPv4 or IPv6 "
                       "address (use 'group' for multicast), not '%s'",
                       o->remote);
            return false;
        }
        c->has_remote = true;
        /* vxlan_config_validate: both link-local, or neither. */
        if (vxlan_ip_is_link_local(&c->remote) !=
            vxlan_ip_is_link_local(&c->local)) {
            error_setg(errp, "vxlan: 'remote' %s and 'local' %s: a link-local "
                       "address goes only with another", o->remote, o->local);
            return false;
        }
    }
    if (o->group && vxlan_ip_is_link_local(&c->local)) {
        error_setg(errp, "vxlan: 'group' with a link-local 'local': Linux "
                   "refuses that combination of scopes too");
        return false;
    }
    if (o->group) {
        if (!vnet_ip_parse(o->group, &c->remote) ||
            !vxlan_ip_is_multicast(&c->remote)) {
            error_setg(errp, "vxlan: 'group' must be a multicast address, "
                       "not '%s'", o->group);
            return false;
        }
        if (c->remote.v6 != c->local.v6) {
            error_setg(errp, "vxlan: 'group' and 'local' must be of one "
                       "address family");
            return false;
        }
        c->has_remote = true;
    }
    if (o->has_dstport) {
        c->dst_port = o->dstport;
    }
    if (o->srcport) {
        unsigned lo, hi;
        char end;

        if (sscanf(o->srcport, "%u-%u%c", &lo, &hi, &end) != 2 ||
            lo > 65535 || hi > 65535) {
            error_setg(errp, "vxlan: 'srcport' must be MIN-MAX, two ports "
                       "from 0 to 65535, not '%s'", o->srcport);
            return false;
        }
        c->port_min = lo;
        c->port_max = hi;
    }
    if (o->has_ttl) {
        c->ttl = o->ttl;
    }
    if (o->tos) {
        char *end;
        unsigned long v;

        if (!strcmp(o->tos, "inherit")) {
            c->tos_inherit = true;
        } else {
            errno = 0;
            v = strtoul(o->tos, &end, 0);
            if (errno || *end || end == o->tos || v > 255) {
                error_setg(errp, "vxlan: 'tos' must be 0 to 255 or 'inherit', "
                           "not '%s'", o->tos);
                return false;
            }
            c->tos = v;
        }
    }
    c->df = o->has_df ? (VnetVxlanDf)o->df : c->df;
    /* `ip link add ... external` turns learning off unless told. */
    c->learning = o->has_learning ? o->learning
                                  : c->learning && !c->external;
    c->ageing_s = o->has_ageing ? o->ageing : c->ageing_s;
    c->maxaddress = o->has_maxaddress ? o->maxaddress : c->maxaddress;
    c->proxy = o->has_proxy ? o->proxy : c->proxy;
    c->l2miss = o->has_l2miss ? o->l2miss : c->l2miss;
    c->l3miss = o->has_l3miss ? o->l3miss : c->l3miss;
    c->rsc = o->has_rsc ? o->rsc : c->rsc;
    c->udpcsum = o->has_udpcsum ? o->udpcsum : c->udpcsum;
    c->udp6zerocsumtx = o->has_udp6zerocsumtx ? o->udp6zerocsumtx
                                              : c->udp6zerocsumtx;
    c->udp6zerocsumrx = o->has_udp6zerocsumrx ? o->udp6zerocsumrx
                                              : c->udp6zerocsumrx;
    c->gbp = o->has_gbp ? o->gbp : c->gbp;
    c->gbp_mark = o->has_gbp_id ? o->gbp_id : 0;
    c->remcsum_rx = o->has_remcsum_rx ? o->remcsum_rx : c->remcsum_rx;
    c->remcsum_tx = o->has_remcsum_tx ? o->remcsum_tx : c->remcsum_tx;
    c->mtu = o->has_mtu ? o->mtu : c->mtu;
    return true;
}

int net_init_vxlan(const Netdev *netdev, const char *name,
                   NetClientState *peer, Error **errp)
{
    const NetdevVxlanOptions *o = &netdev->u.vxlan;
    VnetVxlanConfig cfg;
    VxlanSocket *so;
    VxlanState *s;
    NetClientState *nc;
    VnetIpAddr bind_addr;
    unsigned scope;
    VxlanSockOpts opts;
    g_autofree char *local = NULL, *remote = NULL;
    char why[128];
    const char *field = NULL;
    g_autofree VnetVlanTunnel *map = g_new(VnetVlanTunnel, 4094);

    if (!vxlan_config(o, &cfg, &scope, map, errp)) {
        return -1;
    }
    if (!vnet_vxlan_validate(&cfg, why, sizeof(why), &field)) {
        error_setg(errp, "vxlan: '%s': %s", field, why);
        return -1;
    }
    /*
     * With a group, the socket takes the wildcard address so that the
     * group's datagrams reach it, as Linux's vxlan socket does.
     */
    bind_addr = cfg.local;
    if (o->group) {
        memset(bind_addr.b, 0, sizeof(bind_addr.b));
    }
    opts = (VxlanSockOpts){ cfg.udpcsum, cfg.udp6zerocsumtx,
                            cfg.udp6zerocsumrx, cfg.gbp, cfg.remcsum_rx,
                            cfg.external };
    so = vxlan_socket_get(&bind_addr, scope, cfg.dst_port, &opts, errp);
    if (!so) {
        return -1;
    }
    if (o->group && !vxlan_join(so, &cfg.remote, &cfg.local, errp)) {
        vxlan_socket_put(so);
        return -1;
    }
    nc = qemu_new_net_client(&net_vxlan_info, peer, "vxlan", name);
    s = DO_UPCAST(VxlanState, nc, nc);
    cfg.name = nc->name;  /* traces name the netdev */
    s->cfg = cfg;
    s->cfg.vlan_tunnel = NULL;  /* libvnet keeps its own copy of the map */
    /* A tap's default, for a NIC that never sets the length (the net
     * layer puts one before a NIC's raw frames too). */
    if (vxlan_has_vnet_hdr(nc)) {
        qemu_set_vnet_hdr_len(nc, sizeof(struct virtio_net_hdr));
    }
    s->sock = so;
    s->vx = vnet_vxlan_new(&cfg, &vxlan_ops, s);
    if (!vnet_vxsock_add(so->demux, s->vx)) {
        if (cfg.external) {
            error_setg(errp, "vxlan: 'external': this address and port "
                       "already have an external netdev, which takes "
                       "every VNI");
        } else {
            error_setg(errp, "vxlan: 'vni' %u is already used on this "
                       "address and port", cfg.vni);
        }
        vnet_vxlan_free(s->vx);
        s->vx = NULL;
        vxlan_socket_put(so);
        qemu_del_net_client(nc);
        return -1;
    }
    QTAILQ_INSERT_TAIL(&vxlan_netdevs, s, next);
    s->vmsd = vmstate_vxlan_fdb;
    s->vmsd_name = g_strdup_printf("vxlan-fdb/%s", name);
    s->vmsd.name = s->vmsd_name;
    s->neigh_vmsd = vmstate_vxlan_neigh;
    s->neigh_vmsd_name = g_strdup_printf("%s/neigh", s->vmsd_name);
    s->neigh_vmsd.name = s->neigh_vmsd_name;
    s->subsections[0] = &s->neigh_vmsd;
    s->subsections[1] = NULL;
    s->vmsd.subsections = s->subsections;
    vmstate_register(NULL, 0, &s->vmsd, s);
    s->timer = timer_new_ms(QEMU_CLOCK_VIRTUAL, vxlan_timer, s);
    timer_mod(s->timer, qemu_clock_get_ms(QEMU_CLOCK_VIRTUAL) + 1000);
    local = vnet_ip_strdup(&cfg.local);
    remote = cfg.has_remote ? vnet_ip_strdup(&cfg.remote) : g_strdup("none");
    if (cfg.external) {
        qemu_set_info_str(nc, "vxlan external vlans=%zu local=%s remote=%s "
                          "dstport=%u", cfg.n_vlan_tunnel, local, remote,
                          cfg.dst_port);
    } else {
        qemu_set_info_str(nc, "vxlan vni=%u local=%s remote=%s dstport=%u",
                          cfg.vni, local, remote, cfg.dst_port);
    }
    return 0;
}

/* QMP */

static VxlanState *vxlan_find(const char *id, Error **errp)
{
    VxlanState *s;

    QTAILQ_FOREACH(s, &vxlan_netdevs, next) {
        if (!strcmp(s->nc.name, id)) {
            return s;
        }
    }
    error_setg(errp, "'%s' is not a vxlan netdev", id);
    return NULL;
}

typedef struct VxlanDumpCtx {
    VxlanState *s;
    VxlanFdbEntryList **tail;
} VxlanDumpCtx;

static void vxlan_dump_one(void *opaque, const uint8_t mac[6],
                           const VnetIpAddr *ip, uint16_t port, uint32_t vni,
                           uint32_t src_vni, bool is_static, bool router,
                           uint64_t idle_ms)
{
    VxlanDumpCtx *ctx = opaque;
    VxlanFdbEntry *e = g_new0(VxlanFdbEntry, 1);

    e->netdev = g_strdup(ctx->s->nc.name);
    e->mac = qemu_mac_strdup_printf(mac);
    e->remote = vnet_ip_strdup(ip);
    e->port = port;
    e->vni = vni;
    e->src_vni = src_vni;
    e->permanent = is_static;
    e->router = router;
    e->idle_ms = idle_ms;
    QAPI_LIST_APPEND(ctx->tail, e);
}

/* fn(s, opaque) for the netdev named `netdev`, or every one if NULL;
 * false (errp set) if there is no such netdev. */
static bool vxlan_for_each(const char *netdev,
                           void (*fn)(VxlanState *s, void *opaque),
                           void *opaque, Error **errp)
{
    VxlanState *s;

    if (netdev && !vxlan_find(netdev, errp)) {
        return false;
    }
    QTAILQ_FOREACH(s, &vxlan_netdevs, next) {
        if (!netdev || !strcmp(netdev, s->nc.name)) {
            fn(s, opaque);
        }
    }
    return true;
}

static void vxlan_fdb_dump_netdev(VxlanState *s, void *opaque)
{
    VxlanDumpCtx *ctx = opaque;

    ctx->s = s;
    vnet_vxlan_fdb_dump(s->vx, vxlan_dump_one, ctx);
}

VxlanFdbEntryList *qmp_query_vxlan_fdb(const char *netdev, Error **errp)
{
    VxlanFdbEntryList *head = NULL;
    VxlanDumpCtx ctx = { .tail = &head };

    vxlan_for_each(netdev, vxlan_fdb_dump_netdev, &ctx, errp);
    return head;
}

static bool vxlan_fdb_args(const char *mac, const char *remote, VxlanState *s,
                           uint8_t m[6], VnetIpAddr *ip, Error **errp)
{
    if (net_parse_macaddr(m, mac) < 0) {
        error_setg(errp, "'mac' must be a MAC address, not '%s'", mac);
        return false;
    }
    if (remote && (!vnet_ip_parse(remote, ip) || ip->v6 != s->cfg.local.v6)) {
        error_setg(errp, "'remote' must be an address of the netdev's "
                   "family, not '%s'", remote);
        return false;
    }
    return true;
}

/* The key VNI an FDB command names: required in external mode, where each
 * VNI has its own entries, and refused elsewhere. */
static bool vxlan_src_vni(VxlanState *s, bool has_src_vni, uint32_t src_vni,
                          uint32_t *out, Error **errp)
{
    if (!s->cfg.external) {
        if (has_src_vni) {
            error_setg(errp, "'src-vni' is for external=on netdevs only");
            return false;
        }
        *out = VNET_VXLAN_NO_VNI;
        return true;
    }
    if (!has_src_vni || src_vni > 0xffffff) {
        error_setg(errp, "'src-vni' (below 2^24) is required: '%s' is "
                   "external=on", s->nc.name);
        return false;
    }
    *out = src_vni;
    return true;
}

void qmp_vxlan_fdb_add(const char *netdev, const char *mac, const char *remote,
                       bool has_port, uint16_t port, bool has_vni,
                       uint32_t vni, bool has_append, bool append,
                       bool has_router, bool router, bool has_src_vni,
                       uint32_t src_vni, Error **errp)
{
    VxlanState *s = vxlan_find(netdev, errp);
    uint8_t m[6];
    VnetIpAddr ip;
    uint32_t key;

    if (!s || !vxlan_fdb_args(mac, remote, s, m, &ip, errp) ||
        !vxlan_src_vni(s, has_src_vni, src_vni, &key, errp)) {
        return;
    }
    if (has_vni && vni > 0xffffff) {
        error_setg(errp, "'vni' must be below 2^24");
        return;
    }
    switch (vnet_vxlan_fdb_add(s->vx, m, &ip, has_port ? port : 0,
                               has_vni ? vni : 0, has_append && append,
                               has_router && router, key)) {
    case VNET_FDB_EXISTS:
        error_setg(errp, "%s already has that remote", mac);
        break;
    case VNET_FDB_FULL:
        error_setg(errp, "the FDB of '%s' is full (maxaddress)", netdev);
        break;
    default:
        break;
    }
}

void qmp_vxlan_fdb_del(const char *netdev, const char *mac, const char *remote,
                       bool has_port, uint16_t port, bool has_vni,
                       uint32_t vni, bool has_src_vni, uint32_t src_vni,
                       Error **errp)
{
    VxlanState *s = vxlan_find(netdev, errp);
    uint8_t m[6];
    VnetIpAddr ip;
    uint32_t key;

    if (!s || !vxlan_fdb_args(mac, remote, s, m, &ip, errp) ||
        !vxlan_src_vni(s, has_src_vni, src_vni, &key, errp)) {
        return;
    }
    if (vnet_vxlan_fdb_del(s->vx, m, remote ? &ip : NULL, has_port ? port : 0,
                           has_vni ? vni : 0, key) == VNET_FDB_NOT_FOUND) {
        error_setg(errp, "no such FDB entry on '%s'", netdev);
    }
}

void qmp_vxlan_vlan_tunnel_add(const char *netdev, uint16_t vid,
                               uint32_t vni, Error **errp)
{
    VxlanState *s = vxlan_find(netdev, errp);
    char why[128];

    if (s && !vnet_vxlan_vlan_tunnel_add(s->vx, vid, vni, why, sizeof(why))) {
        error_setg(errp, "'%s': VLAN %u to VNI %u: %s", netdev, vid, vni, why);
    }
}

void qmp_vxlan_vlan_tunnel_del(const char *netdev, uint16_t vid,
                               Error **errp)
{
    VxlanState *s = vxlan_find(netdev, errp);

    if (s && !vnet_vxlan_vlan_tunnel_del(s->vx, vid)) {
        error_setg(errp, "'%s' maps no VLAN %u%s", netdev, vid,
                   s->cfg.external ? "" : " (it is not external=on)");
    }
}

typedef struct VxlanNeighCtx {
    VxlanState *s;
    VxlanNeighEntryList **tail;
} VxlanNeighCtx;

static void vxlan_neigh_one(void *opaque, const VnetIpAddr *ip,
                            const uint8_t mac[6], bool permanent,
                            uint64_t age_ms)
{
    VxlanNeighCtx *ctx = opaque;
    VxlanNeighEntry *e = g_new0(VxlanNeighEntry, 1);

    e->netdev = g_strdup(ctx->s->nc.name);
    e->ip = vnet_ip_strdup(ip);
    e->mac = qemu_mac_strdup_printf(mac);
    e->permanent = permanent;
    e->age_ms = age_ms;
    QAPI_LIST_APPEND(ctx->tail, e);
}

static void vxlan_neigh_dump_netdev(VxlanState *s, void *opaque)
{
    VxlanNeighCtx *ctx = opaque;

    ctx->s = s;
    vnet_vxlan_neigh_dump(s->vx, vxlan_neigh_one, ctx);
}

VxlanNeighEntryList *qmp_query_vxlan_neigh(const char *netdev, Error **errp)
{
    VxlanNeighEntryList *head = NULL;
    VxlanNeighCtx ctx = { .tail = &head };

    vxlan_for_each(netdev, vxlan_neigh_dump_netdev, &ctx, errp);
    return head;
}

static bool vxlan_neigh_ip(const char *str, VnetIpAddr *ip, Error **errp)
{
    if (!vnet_ip_parse(str, ip)) {
        error_setg(errp, "'ip' must be an IPv4 or IPv6 address, not '%s'",
                   str);
        return false;
    }
    return true;
}

void qmp_vxlan_neigh_add(const char *netdev, const char *ip, const char *mac,
                         Error **errp)
{
    VxlanState *s = vxlan_find(netdev, errp);
    VnetIpAddr a;
    uint8_t m[6];

    if (!s || !vxlan_neigh_ip(ip, &a, errp)) {
        return;
    }
    if (net_parse_macaddr(m, mac) < 0 || (m[0] & 1) ||
        !memcmp(m, (uint8_t[6]){ 0 }, 6)) {
        error_setg(errp, "'mac' must be a unicast MAC address, not '%s'",
                   mac);
        return;
    }
    if (!vnet_vxlan_neigh_add(s->vx, &a, m)) {
        error_setg(errp, "the neighbour table of '%s' is full", netdev);
    }
}

void qmp_vxlan_neigh_del(const char *netdev, const char *ip, Error **errp)
{
    VxlanState *s = vxlan_find(netdev, errp);
    VnetIpAddr a;

    if (!s || !vxlan_neigh_ip(ip, &a, errp)) {
        return;
    }
    if (!vnet_vxlan_neigh_del(s->vx, &a)) {
        error_setg(errp, "'%s' has no neighbour %s", netdev, ip);
    }
}

VxlanInfoList *qmp_query_vxlan(Error **errp)
{
    VxlanInfoList *head = NULL, **tail = &head;
    VxlanState *s;

    QTAILQ_FOREACH(s, &vxlan_netdevs, next) {
        VxlanInfo *info = g_new0(VxlanInfo, 1);
        VnetDevStats st, sst;

        vnet_vxlan_get_stats(s->vx, &st);
        vnet_vxsock_get_stats(s->sock->demux, &sst);
        info->netdev = g_strdup(s->nc.name);
        info->has_vni = s->cfg.vni != VNET_VXLAN_NO_VNI;
        info->vni = info->has_vni ? s->cfg.vni : 0;
        info->external = s->cfg.external;
        info->local = vnet_ip_strdup(&s->cfg.local);
        info->dstport = s->cfg.dst_port;
        info->fdb_entries = vnet_vxlan_fdb_size(s->vx);
        info->rx_packets = st.rx_packets;
        info->rx_bytes = st.rx_bytes;
        info->tx_packets = st.tx_packets;
        info->tx_bytes = st.tx_bytes;
        info->drops = vnet_drop_counts(&st);
        info->socket_drops = vnet_drop_counts(&sst);
        if (s->cfg.gbp) {
            VnetGbpCount gc[64];
            uint64_t other;
            size_t n = vnet_vxlan_gbp_counts(s->vx, gc, ARRAY_SIZE(gc), &other);
            VxlanGbpCountList **gt = &info->gbp_rx;

            info->has_gbp_rx = true;  /* listed even while empty */
            info->has_gbp_rx_other = true;
            info->gbp_rx_other = other;
            for (size_t i = 0; i < n; i++) {
                VxlanGbpCount *e = g_new0(VxlanGbpCount, 1);

                e->id = gc[i].id;
                e->packets = gc[i].packets;
                QAPI_LIST_APPEND(gt, e);
            }
        }
        if (s->cfg.external) {
            g_autofree VnetVlanTunnel *map = g_new(VnetVlanTunnel, 4094);
            size_t n = vnet_vxlan_vlan_tunnel(s->vx, map, 4094);
            VxlanVlanTunnelList **vt = &info->vlan_tunnel;

            info->has_vlan_tunnel = true;
            for (size_t i = 0; i < n; i++) {
                VxlanVlanTunnel *e = g_new0(VxlanVlanTunnel, 1);

                e->vid = map[i].vid;
                e->vni = map[i].vni;
                QAPI_LIST_APPEND(vt, e);
            }
        }
        QAPI_LIST_APPEND(tail, info);
    }
    return head;
}
