/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The vnet-multi qtests' fixture (vnet-fixture.h).
 */

#include "qemu/osdep.h"
#include "vnet-fixture.h"

const uint8_t mac_a[6] = { 0x52, 0x54, 0x00, 0x00, 0x00, 0x0a };
const uint8_t mac_b[6] = { 0x52, 0x54, 0x00, 0x00, 0x00, 0x0b };

void fixture_open(Fixture *f, int func)
{
    QPCIAddress addr = { .devfn = QPCI_DEVFN(SLOT, func) };

    f->pci = virtio_pci_new(f->bus, &addr);
    g_assert_nonnull(f->pci);
    f->dev = &f->pci->vdev;
    qvirtio_pci_device_enable(f->pci);
    qvirtio_start_device(f->dev);
}

/* QEMU with vnet-multi on the netdev `netdev` (whose id is "up"). */
void fixture_boot(Fixture *f, unsigned queues, const char *netdev,
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

void fixture_start(Fixture *f, unsigned queues, const char *extra)
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
void fixture_attach(Fixture *c, Fixture *f, int func, unsigned queues)
{
    *c = (Fixture) {
        .qts = f->qts, .alloc = f->alloc, .shared = true, .bus = f->bus,
        .queues = queues, .sock = f->sock,
    };
    fixture_open(c, func);
}

/* Negotiate `features` (plus VERSION_1), set up every queue, DRIVER_OK. */
void fixture_drive(Fixture *f, uint64_t features)
{
    features |= 1ull << VIRTIO_F_VERSION_1;
    qvirtio_set_features(f->dev, features);
    /* Without MQ the control queue follows the first pair (§5.1.2). */
    f->laid = (features & (1ull << VIRTIO_NET_F_MQ)) ? f->queues : 1;
    for (unsigned i = 0; i < 2 * f->laid + 1; i++) {
        f->vq[i] = qvirtqueue_setup(f->dev, f->alloc, i);
    }
    qvirtio_set_driver_ok(f->dev);
}

void fixture_stop(Fixture *f)
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

QVirtQueue *rxq(Fixture *f, unsigned i) { return f->vq[2 * i]; }
QVirtQueue *txq(Fixture *f, unsigned i) { return f->vq[2 * i + 1]; }
QVirtQueue *ctrlq(Fixture *f) { return f->vq[2 * f->laid]; }

/* The socket netdev frames each packet with a 4-byte big-endian length. */
void sock_send(Fixture *f, const uint8_t *frame, size_t len)
{
    uint32_t be = htonl(len);
    struct iovec iov[] = {
        { .iov_base = &be, .iov_len = sizeof(be) },
        { .iov_base = (void *)frame, .iov_len = len },
    };
    g_assert_cmpint(iov_send(f->sock, iov, 2, 0, sizeof(be) + len), ==,
                    sizeof(be) + len);
}

size_t sock_recv(Fixture *f, uint8_t *buf, size_t size)
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

void read_mac(Fixture *f, uint8_t mac[6])
{
    for (int i = 0; i < 6; i++) {
        mac[i] = qvirtio_config_readb(f->dev, i);
    }
}

/* Ethernet + IPv4 + TCP, addresses and ports in host order. */
size_t tcp_frame(uint8_t *b, uint32_t src, uint32_t dst,
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
uint8_t ctrl_cmd(Fixture *f, uint8_t class, uint8_t cmd,
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
void drive_mq(Fixture *f, uint16_t pairs)
{
    uint16_t le = cpu_to_le16(pairs);

    fixture_drive(f, (1ull << VIRTIO_NET_F_CTRL_VQ) |
                     (1ull << VIRTIO_NET_F_MQ));
    g_assert_cmpint(ctrl_cmd(f, VIRTIO_NET_CTRL_MQ,
                             VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET, &le, 2),
                    ==, VIRTIO_NET_OK);
}

/* Drive the device with the RX filter on: promiscuous mode off. */
void drive_filtered(Fixture *f, uint64_t features)
{
    uint8_t off = 0;

    fixture_drive(f, features | (1ull << VIRTIO_NET_F_CTRL_VQ) |
                     (1ull << VIRTIO_NET_F_CTRL_RX));
    g_assert_cmpint(ctrl_cmd(f, VIRTIO_NET_CTRL_RX,
                             VIRTIO_NET_CTRL_RX_PROMISC, &off, 1),
                    ==, VIRTIO_NET_OK);
}

uint32_t post_rx(Fixture *f, unsigned q, uint64_t addr, size_t len)
{
    uint32_t head = qvirtqueue_add(f->qts, rxq(f, q), addr, len, true, false);

    qvirtqueue_kick(f->qts, f->dev, rxq(f, q), head);
    return head;
}
void start_with_children(Fixture *f, Fixture *a, Fixture *b,
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

void stop_with_children(Fixture *f, Fixture *a, Fixture *b)
{
    fixture_stop(b);
    fixture_stop(a);
    fixture_stop(f);
}

uint32_t post_tx(Fixture *f, const uint8_t *frame, size_t n)
{
    uint64_t buf = guest_alloc(f->alloc, HDR_LEN + n);
    uint32_t head;

    qtest_memset(f->qts, buf, 0, HDR_LEN);
    qtest_memwrite(f->qts, buf + HDR_LEN, frame, n);
    head = qvirtqueue_add(f->qts, txq(f, 0), buf, HDR_LEN + n, false, false);
    qvirtqueue_kick(f->qts, f->dev, txq(f, 0), head);
    return head;
}

void send_from(Fixture *f, const uint8_t *frame, size_t n)
{
    uint32_t head = post_tx(f, frame, n);

    qvirtio_wait_used_elem(f->qts, f->dev, txq(f, 0), head, NULL, TIMEOUT_US);
}


/* Function `i` of the first vnet-multi in query-vnet, which must have
 * `nfuncs` functions; unref *resp. */
QDict *vnet_func_info(QTestState *qts, int i, int nfuncs, QDict **resp)
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
int64_t vnet_drops(QDict *fi, const char *reason)
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

/* Function `i`'s drops of `reason` now, as vnet_func_info finds it. */
int64_t vnet_func_drops(QTestState *qts, int i, int nfuncs, const char *reason)
{
    QDict *resp, *fi = vnet_func_info(qts, i, nfuncs, &resp);
    int64_t n = vnet_drops(fi, reason);

    qobject_unref(resp);
    return n;
}

/* The QMP command `fmt` fails, and its error names `what` (an argument,
 * say "'mtu'"). */
void assert_qmp_error_names(QTestState *qts, const char *what,
                            const char *fmt, ...)
{
    va_list ap;
    QDict *resp;

    va_start(ap, fmt);
    resp = qtest_vqmp(qts, fmt, ap);
    va_end(ap);
    g_assert_nonnull(strstr(qdict_get_str(qdict_get_qdict(resp, "error"),
                                          "desc"), what));
    qobject_unref(resp);
}

/* Function `i`'s counter `name` (rx-packets, ...) now. */
int64_t vnet_func_count(QTestState *qts, int i, int nfuncs, const char *name)
{
    QDict *resp, *fi = vnet_func_info(qts, i, nfuncs, &resp);
    int64_t n = qdict_get_int(fi, name);

    qobject_unref(resp);
    return n;
}

QDict *vnet_queue_stats(QDict *fi, int q)
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
void assert_refused(const char *args, const char *property)
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
void assert_help_describes(const char *type, const char *const *props)
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
