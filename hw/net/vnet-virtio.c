/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vnet-multi: one PCI function as a virtio 1.x network device.
 *
 * Feature negotiation, config space, reset, and the rings: guest TX is
 * drained in a bottom half per kick (notifications off meanwhile) into the
 * function's libvnet device; frames libvnet delivers land on the RX queue
 * the flow hash picks, spread over mergeable buffers.
 */

#include "qemu/osdep.h"
#include "qemu/iov.h"
#include "qemu/main-loop.h"
#include "qemu/timer.h"
#include "qapi/error.h"
#include "qemu/error-report.h"
#include "hw/virtio/virtio.h"
#include "hw/virtio/virtio-net.h"
#include "standard-headers/linux/ethtool.h"
#include "standard-headers/linux/virtio_ids.h"
#include "hw/net/vnet-multi.h"
#include "trace.h"

/* Config space up to and including mtu (no SPEED_DUPLEX); with RSS, more. */
#define VNET_CONFIG_SIZE endof(struct virtio_net_config, mtu)
/* With RSS, up to its fields (speed and duplex before them read unknown). */
#define VNET_CONFIG_SIZE_RSS endof(struct virtio_net_config, supported_hash_types)
/* The hash types RSS offers (no _EX ones), as libvnet computes them. */
#define VNET_RSS_HASH_TYPES (VIRTIO_NET_RSS_HASH_TYPE_IPv4 | \
                             VIRTIO_NET_RSS_HASH_TYPE_TCPv4 | \
                             VIRTIO_NET_RSS_HASH_TYPE_UDPv4 | \
                             VIRTIO_NET_RSS_HASH_TYPE_IPv6 | \
                             VIRTIO_NET_RSS_HASH_TYPE_TCPv6 | \
                             VIRTIO_NET_RSS_HASH_TYPE_UDPv6)
#define VNET_MAX_MTU 65535   /* virtio-net config mtu is 16 bits */
/* Mergeable buffers one frame may span: a 64 KiB frame in 1.5 KiB buffers. */
#define VNET_RX_MAX_ELEMS 64

/* Function 0, the lower port's own function. */
bool vnet_func_is_lower(VnetFunc *f)
{
    return f->dev && vnet_dev_kind(f->dev) == VNET_DEV_LOWER;
}

static bool vnet_func_driver_ok(VnetFunc *f)
{
    VirtIODevice *vdev = VIRTIO_DEVICE(f);

    return vdev->vm_running && (vdev->status & VIRTIO_CONFIG_S_DRIVER_OK);
}

/* A child's mtu 0 is its lower's, which libvnet fills in. */
bool vnet_func_check_props(VnetFunc *f, const char *type, bool child,
                           Error **errp)
{
    if (f->queues < 1 || f->queues > VNET_MAX_QUEUE_PAIRS) {
        error_setg(errp, "%s: property 'queues' must be 1..%d, not %" PRIu32,
                   type, VNET_MAX_QUEUE_PAIRS, f->queues);
        return false;
    }
    if (f->mtu < VNET_MIN_MTU && !(child && f->mtu == 0)) {
        error_setg(errp, "%s: property 'mtu' must be %d..%d, not %u",
                   type, VNET_MIN_MTU, VNET_MAX_MTU, f->mtu);
        return false;
    }
    return true;
}

/* ---- RX notifications a burst owes ----
 *
 * One function's TX burst (or a refilled ring's backlog) may put several
 * frames on a sibling's RX queue. That guest is notified once, when the
 * burst ends, not once per frame: its NAPI poll then takes the frames
 * together, as behind a NIC that moderates its interrupts, where
 * per-frame interrupts had it handle each alone (see
 * docs/performance.md, "RX notifications"). Nothing waits on a timer:
 * the notifications go out before the burst's caller returns. All of
 * this runs under the BQL; the owed queues may be any device's (a burst
 * reaches another vnet-multi through the uplink's netdev), hence one
 * list, not one per device. */
#define VNET_RX_OWED_MAX 64

static struct {
    unsigned depth;     /* bursts in progress */
    unsigned n;
    VnetQueue *q[VNET_RX_OWED_MAX];
} vnet_rx_owed;

static void vnet_rx_owed_pay(void)
{
    for (unsigned i = 0; i < vnet_rx_owed.n; i++) {
        VnetQueue *q = vnet_rx_owed.q[i];

        q->rx_notify_owed = false;
        virtio_notify(VIRTIO_DEVICE(q->func), q->rx);
    }
    vnet_rx_owed.n = 0;
}

static void vnet_burst_begin(void)
{
    vnet_rx_owed.depth++;
}

static void vnet_burst_end(void)
{
    assert(vnet_rx_owed.depth);
    if (--vnet_rx_owed.depth == 0) {
        vnet_rx_owed_pay();
    }
}

/* ---- notification coalescing (VIRTIO_NET_F_NOTF_COAL) ----
 *
 * The driver's max_usecs bounds how long a used-buffer notification may
 * wait, its max_packets how many buffers may be owed before it goes,
 * whichever comes first: so a max_usecs of 0 (the reset value) means at
 * once, and nothing can be held without a timer to pay it. The timers run
 * on the virtual clock, stopped with the VM. */
static void vnet_coal_release(VnetCoalHold *h)
{
    h->pending = 0;
    timer_del(h->timer);
}

/* n more used buffers: true if their notification is to wait. */
static bool vnet_coal_hold(const VnetCoal *c, VnetCoalHold *h, unsigned n)
{
    if (!c->max_usecs) {
        return false;
    }
    h->pending += n;
    if (c->max_packets && h->pending >= c->max_packets) {
        vnet_coal_release(h);
        return false;
    }
    if (!timer_pending(h->timer)) {
        timer_mod(h->timer,
                  qemu_clock_get_us(QEMU_CLOCK_VIRTUAL) + c->max_usecs);
    }
    return true;
}

/* The timer's callback, and what pays the owed now. */
static void vnet_coal_pay(void *opaque)
{
    VnetCoalHold *h = opaque;

    h->pending = 0;
    if (vnet_func_driver_ok(h->func)) {
        virtio_notify(VIRTIO_DEVICE(h->func), h->vq);
    }
}

static void vnet_coal_hold_init(VnetCoalHold *h, VnetFunc *f, VirtQueue *vq)
{
    *h = (VnetCoalHold) {
        .func = f, .vq = vq,
        .timer = timer_new_us(QEMU_CLOCK_VIRTUAL, vnet_coal_pay, h),
    };
}

static void vnet_coal_hold_free(VnetCoalHold *h)
{
    timer_free(h->timer);
    *h = (VnetCoalHold) { 0 };
}

void vnet_func_set_coal(VnetFunc *f, bool rx, uint32_t max_packets,
                        uint32_t max_usecs)
{
    VnetCoal *c = rx ? &f->coal_rx : &f->coal_tx;

    c->max_packets = max_packets;
    c->max_usecs = max_usecs;
    /* What is owed under the old parameters goes out now. */
    for (unsigned i = 0; i < f->laid_pairs; i++) {
        VnetCoalHold *h[2] = { &f->vq[i].rx_hold, &f->vq[i].tx_hold };

        for (unsigned j = 0; j < 2; j++) {
            if (h[j]->pending) {
                timer_del(h[j]->timer);
                vnet_coal_pay(h[j]);
            }
        }
    }
}

/* The count of what the source owed did not travel: pay it once the held
 * time has passed here. */
void vnet_func_coal_migrated(VnetFunc *f)
{
    int64_t now = qemu_clock_get_us(QEMU_CLOCK_VIRTUAL);

    for (unsigned i = 0; i < f->laid_pairs; i++) {
        if (f->coal_rx.max_usecs) {
            timer_mod(f->vq[i].rx_hold.timer, now + f->coal_rx.max_usecs);
        }
        if (f->coal_tx.max_usecs) {
            timer_mod(f->vq[i].tx_hold.timer, now + f->coal_tx.max_usecs);
        }
    }
}

/* Frames went onto q's RX ring: notify its guest now, or at the end of
 * the burst under way, or when its coalescing says. */
static void vnet_rx_notify(VnetQueue *q)
{
    if (vnet_coal_hold(&q->func->coal_rx, &q->rx_hold, 1)) {
        return;
    }
    if (!vnet_rx_owed.depth) {
        virtio_notify(VIRTIO_DEVICE(q->func), q->rx);
        return;
    }
    if (q->rx_notify_owed) {
        return;
    }
    if (vnet_rx_owed.n == VNET_RX_OWED_MAX) {
        vnet_rx_owed_pay();
    }
    q->rx_notify_owed = true;
    vnet_rx_owed.q[vnet_rx_owed.n++] = q;
}

/* ---- transmit: guest TX rings to libvnet ---- */

static int vnet_func_flush_tx(VnetQueue *q)
{
    VnetFunc *f = q->func;
    VirtIODevice *vdev = VIRTIO_DEVICE(f);
    int n = 0;

    vnet_burst_begin();

    while (n < VNET_TX_BURST) {
        VirtQueueElement *elem = virtqueue_pop(q->tx, sizeof(*elem));
        VnetXmitResult r;
        size_t size;

        if (!elem) {
            break;
        }
        if (elem->in_num) {
            /* A TX descriptor the device would write to: not a driver we
             * can trust further (virtio 1.2 §2.7.4: device-writable
             * descriptors after readable ones are invalid here). */
            virtio_error(vdev, "vnet: TX descriptor chain has writable parts");
            virtqueue_detach_element(q->tx, elem, 0);
            g_free(elem);
            break;
        }
        size = iov_size(elem->out_sg, elem->out_num);
        q->tx_packets++;
        q->tx_bytes += size > f->hdr_len ? size - f->hdr_len : 0;
        r = vnet_dev_queue_xmit(f->dev, elem->out_sg, elem->out_num,
                              f->hdr_len);
        virtqueue_push(q->tx, elem, 0);
        g_free(elem);
        n++;
        if (r == VNET_XMIT_QUEUED) {
            q->tx_waiting = true;
            break;
        }
    }
    if (n) {
        if (!vnet_coal_hold(&f->coal_tx, &q->tx_hold, n)) {
            virtio_notify(vdev, q->tx);
        }
        trace_vnet_tx_burst(f->name, q - f->vq, n, q->tx_waiting);
    }
    vnet_burst_end();
    return n;
}

static void vnet_func_tx_bh(void *opaque)
{
    VnetQueue *q = opaque;

    if (q->tx_waiting || !vnet_func_driver_ok(q->func)) {
        return;
    }
    if (vnet_func_flush_tx(q) >= VNET_TX_BURST || q->tx_waiting) {
        if (!q->tx_waiting) {
            qemu_bh_schedule(q->tx_bh);
        }
        return;
    }
    /* Ring empty: take kicks again, then close the race with a driver
     * that added buffers before it saw notifications enabled. */
    virtio_queue_set_notification(q->tx, 1);
    if (vnet_func_flush_tx(q) > 0) {
        virtio_queue_set_notification(q->tx, 0);
        qemu_bh_schedule(q->tx_bh);
    }
}

static void vnet_func_handle_tx(VirtIODevice *vdev, VirtQueue *vq)
{
    VnetFunc *f = VNET_FUNC(vdev);
    VnetQueue *q = &f->vq[virtio_get_queue_index(vq) / 2];

    virtio_queue_set_notification(vq, 0);
    qemu_bh_schedule(q->tx_bh);
}

void vnet_func_tx_done(VnetFunc *f)
{
    for (unsigned i = 0; i < f->laid_pairs; i++) {
        VnetQueue *q = &f->vq[i];

        if (q->tx_waiting) {
            q->tx_waiting = false;
            qemu_bh_schedule(q->tx_bh);
        }
    }
}

/* ---- receive: libvnet to guest RX rings ---- */

/* The driver posted RX buffers: frames waiting in libvnet's backlog go,
 * then those QEMU's net queue holds for function 0. */
void vnet_func_flush_queued(VnetFunc *f)
{
    vnet_burst_begin();
    if (f->dev) {
        vnet_dev_rx_refilled(f->dev);
    }
    if (VNET_FUNC_GET_CLASS(f)->flush_queued) {
        VNET_FUNC_GET_CLASS(f)->flush_queued(f);
    }
    vnet_burst_end();
}

static void vnet_func_handle_rx(VirtIODevice *vdev, VirtQueue *vq)
{
    VnetFunc *f = VNET_FUNC(vdev);

    virtio_queue_set_notification(vq, 0);
    vnet_func_flush_queued(f);
}

/* Room for a frame of `need` bytes on q, asking for a kick if not. */
static bool vnet_queue_has_room(VnetQueue *q, unsigned need)
{
    if (!virtio_queue_ready(q->rx)) {
        return false;
    }
    if (virtqueue_avail_bytes(q->rx, need, 0)) {
        return true;
    }
    virtio_queue_set_notification(q->rx, 1);
    /* The driver may have refilled between the check and the enable. */
    if (virtqueue_avail_bytes(q->rx, need, 0)) {
        virtio_queue_set_notification(q->rx, 0);
        return true;
    }
    return false;
}

/* The RX queues frames may land on: the active pairs, or with RSS every
 * queue its table names (max_tx_vq, which sets the active pairs then,
 * bounds only transmission: Linux 6.1 leaves it at the pairs it probed
 * with after `ethtool -L`). */
static unsigned vnet_func_rx_pairs(const VnetFunc *f)
{
    return f->rss_len && f->rss_cmd_id == VIRTIO_NET_CTRL_MQ_RSS_CONFIG
           ? f->laid_pairs : f->curr_pairs;
}

bool vnet_func_rx_ready(VnetFunc *f)
{
    if (!vnet_func_driver_ok(f)) {
        /* Taken and counted as dropped by libvnet (device down). */
        return true;
    }
    /* As virtio-net's can_receive: a buffer posted is enough. Whether the
     * frame fits is known only when it comes (vnet_func_deliver): if not,
     * it waits for more buffers, as here when there are none. */
    for (unsigned i = 0; i < vnet_func_rx_pairs(f); i++) {
        if (vnet_queue_has_room(&f->vq[i], 1)) {
            return true;
        }
    }
    return false;
}

/* Gives back the first n RX buffers a frame took. */
static void vnet_rx_unpop(VnetQueue *q, VirtQueueElement **elems, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        virtqueue_unpop(q->rx, elems[i], 0);
        g_free(elems[i]);
    }
}

/* Copies bytes [off, off + n) of the frame in pieces src[0..sn) into sg
 * from its offset doff; returns what fitted. */
static size_t vnet_iov_copy(const struct iovec *sg, unsigned sg_num,
                            size_t doff, const struct iovec *src, unsigned sn,
                            size_t off, size_t n)
{
    size_t copied = 0;

    for (unsigned i = 0; i < sn && copied < n; i++) {
        size_t len = src[i].iov_len, got;

        if (off >= len) {
            off -= len;
            continue;
        }
        len = MIN(len - off, n - copied);
        got = iov_from_buf(sg, sg_num, doff + copied,
                           (const uint8_t *)src[i].iov_base + off, len);
        copied += got;
        off = 0;
        if (got < len) {
            break;
        }
    }
    return copied;
}

VnetDeliverResult vnet_func_deliver(VnetFunc *f, const uint8_t *vnet_hdr,
                                    const uint8_t *buf, size_t len,
                                    uint32_t queue)
{
    const struct iovec frame = { .iov_base = (void *)buf, .iov_len = len };

    return vnet_func_deliver_iov(f, vnet_hdr, &frame, 1, queue);
}

/* The frame in pieces (a VF's port VLAN tag left out between them). */
VnetDeliverResult vnet_func_deliver_iov(VnetFunc *f, const uint8_t *vnet_hdr,
                                        const struct iovec *frame,
                                        unsigned frame_num, uint32_t queue)
{
    size_t len = iov_size(frame, frame_num);
    VirtIODevice *vdev = VIRTIO_DEVICE(f);
    VnetQueue *q = &f->vq[queue < vnet_func_rx_pairs(f) ? queue : 0];
    bool mrg = virtio_vdev_has_feature(vdev, VIRTIO_NET_F_MRG_RXBUF);
    VirtQueueElement *elems[VNET_RX_MAX_ELEMS] = { NULL };
    size_t lens[VNET_RX_MAX_ELEMS];
    uint8_t hdr[VNET_RX_HDR_LEN];   /* num_buffers filled below */
    size_t hl = f->hdr_len;
    size_t total = hl + len;
    size_t done = 0;
    unsigned n = 0;
    bool retried = false;

    if (!vnet_func_driver_ok(f)) {
        return VNET_DELIVER_DOWN;
    }
    /* Buffers are popped first and checked for room only when they run
     * out: walking the ring for its free bytes on every frame costs more
     * than the pop. */
retry:
    while (done < total) {
        VirtQueueElement *elem;
        size_t chunk;

        if (n == VNET_RX_MAX_ELEMS || (n && !mrg)) {
            goto too_big;
        }
        elem = virtqueue_pop(q->rx, sizeof(*elem));
        if (!elem) {
            goto no_room;
        }
        if (elem->out_num || iov_size(elem->in_sg, elem->in_num) <
                             (n ? 1 : hl)) {
            virtio_error(vdev, "vnet: RX buffer unusable");
            virtqueue_detach_element(q->rx, elem, 0);
            g_free(elem);
            goto fail;
        }
        elems[n] = elem;
        if (n == 0) {
            memcpy(hdr, vnet_hdr, hl);
            chunk = iov_from_buf(elem->in_sg, elem->in_num, 0, hdr, hl);
            chunk += vnet_iov_copy(elem->in_sg, elem->in_num, hl, frame,
                                   frame_num, 0, len);
        } else {
            chunk = vnet_iov_copy(elem->in_sg, elem->in_num, 0, frame,
                                  frame_num, done - hl, total - done);
        }
        lens[n++] = chunk;
        done += chunk;
    }
    /* num_buffers sits at offset 10 of the first buffer's header. */
    {
        uint16_t nb = cpu_to_le16(n);
        iov_from_buf(elems[0]->in_sg, elems[0]->in_num,
                     offsetof(struct virtio_net_hdr_v1, num_buffers),
                     &nb, sizeof(nb));
    }
    for (unsigned i = 0; i < n; i++) {
        virtqueue_fill(q->rx, elems[i], lens[i], i);
        g_free(elems[i]);
    }
    virtqueue_flush(q->rx, n);
    vnet_rx_notify(q);
    q->rx_packets++;
    q->rx_bytes += len;
    trace_vnet_rx_deliver(f->name, q - f->vq, len, n);
    return VNET_DELIVER_OK;

no_room:
    vnet_rx_unpop(q, elems, n);
    if (!retried && vnet_queue_has_room(q, total)) {
        /* The driver refilled while we looked. */
        retried = true;
        done = 0;
        n = 0;
        goto retry;
    }
    /* libvnet decides whether the frame is held or dropped. */
    trace_vnet_rx_busy(f->name, q - f->vq,
                       vnet_dev_rx_holds_when_busy(f->dev));
    return VNET_DELIVER_BUSY;

too_big:
    /* Larger than the buffers the driver posts can ever hold (no
     * MRG_RXBUF and a small buffer): give them back and drop the frame. */
    trace_vnet_rx_too_big(f->name, q - f->vq, len);
fail:
    vnet_rx_unpop(q, elems, n);
    return VNET_DELIVER_DROPPED;
}

/* ---- libvnet callbacks of a child function ---- */

static VnetDeliverResult vnet_func_child_deliver(void *opaque,
                                                 const uint8_t *vnet_hdr,
                                                 const uint8_t *frame,
                                                 size_t len, uint32_t hash)
{
    return vnet_func_deliver(VNET_FUNC(opaque), vnet_hdr, frame, len, hash);
}

static VnetDeliverResult vnet_func_child_deliver_iov(void *opaque,
                                                     const uint8_t *vnet_hdr,
                                                     const struct iovec *frame,
                                                     unsigned n, uint32_t hash)
{
    return vnet_func_deliver_iov(VNET_FUNC(opaque), vnet_hdr, frame, n, hash);
}

static void vnet_func_child_carrier(void *opaque, bool on)
{
    vnet_func_link_changed(VNET_FUNC(opaque), on);
}

/* libvnet changed the function's MTU (vnet-set-mtu here or below). */
void vnet_func_mtu_changed(void *opaque, unsigned mtu)
{
    VnetFunc *f = VNET_FUNC(opaque);
    VirtIODevice *vdev = VIRTIO_DEVICE(f);

    f->mtu = mtu;
    trace_vnet_mtu(f->name, mtu);
    /* Not while a migration loads (the VM is stopped): the guest reads the
     * field when it binds anyway. */
    if (vnet_func_driver_ok(f)) {
        virtio_notify_config(vdev);
    }
}

const VnetDevOps vnet_func_child_ops = {
    .deliver = vnet_func_child_deliver,
    .deliver_iov = vnet_func_child_deliver_iov,
    .carrier_changed = vnet_func_child_carrier,
    .mtu_changed = vnet_func_mtu_changed,
};

/* ---- virtio device ---- */

/* libvnet says the function's carrier changed: tell the guest. */
void vnet_func_link_changed(VnetFunc *f, bool up)
{
    VirtIODevice *vdev = VIRTIO_DEVICE(f);
    uint16_t old = f->status;

    if (up) {
        f->status |= VIRTIO_NET_S_LINK_UP;
    } else {
        f->status &= ~VIRTIO_NET_S_LINK_UP;
    }
    trace_vnet_link(f->name, up);
    if (f->status != old && (vdev->status & VIRTIO_CONFIG_S_DRIVER_OK)) {
        virtio_notify_config(vdev);
    }
}

/* QEMU announces the VM (after a migration, or QMP announce-self): ask
 * the guest's driver to announce this function's addresses itself
 * (gratuitous ARP, unsolicited NA), as VIRTIO_NET_F_GUEST_ANNOUNCE has it;
 * it acks through the control queue. A driver without it gets nothing:
 * QEMU's own RARP covers only function 0, the netdev's NIC. */
void vnet_func_announce(VnetFunc *f)
{
    VirtIODevice *vdev = VIRTIO_DEVICE(f);

    if (!virtio_vdev_has_feature(vdev, VIRTIO_NET_F_GUEST_ANNOUNCE) ||
        !virtio_vdev_has_feature(vdev, VIRTIO_NET_F_CTRL_VQ) ||
        !(vdev->status & VIRTIO_CONFIG_S_DRIVER_OK)) {
        return;
    }
    f->status |= VIRTIO_NET_S_ANNOUNCE;
    trace_vnet_announce(f->name);
    virtio_notify_config(vdev);
}

/* What of the offload properties can be offered: each feature with the
 * ones it depends on (virtio 1.2 §5.1.3.1), as virtio-net drops them. */
static uint64_t vnet_func_offered_offloads(uint64_t on)
{
    const uint64_t host_gso = (1ull << VIRTIO_NET_F_HOST_TSO4) |
                              (1ull << VIRTIO_NET_F_HOST_TSO6) |
                              (1ull << VIRTIO_NET_F_HOST_ECN) |
                              (1ull << VIRTIO_NET_F_HOST_USO);
    const uint64_t guest_gso = (1ull << VIRTIO_NET_F_GUEST_TSO4) |
                               (1ull << VIRTIO_NET_F_GUEST_TSO6) |
                               (1ull << VIRTIO_NET_F_GUEST_ECN) |
                               (1ull << VIRTIO_NET_F_GUEST_USO4) |
                               (1ull << VIRTIO_NET_F_GUEST_USO6);

    on &= VNET_OFFLOAD_FEATURES;
    if (!(on & (1ull << VIRTIO_NET_F_CSUM))) {
        on &= ~host_gso;
    }
    if (!(on & (1ull << VIRTIO_NET_F_GUEST_CSUM))) {
        on &= ~guest_gso;
    }
    if (!(on & ((1ull << VIRTIO_NET_F_HOST_TSO4) |
                (1ull << VIRTIO_NET_F_HOST_TSO6)))) {
        on &= ~(1ull << VIRTIO_NET_F_HOST_ECN);
    }
    if (!(on & ((1ull << VIRTIO_NET_F_GUEST_TSO4) |
                (1ull << VIRTIO_NET_F_GUEST_TSO6)))) {
        on &= ~(1ull << VIRTIO_NET_F_GUEST_ECN);
    }
    return on;
}

static void vnet_func_lay_queues(VnetFunc *f, unsigned pairs);

/* The driver's choice: all it negotiated is in force until it says
 * otherwise (CTRL_GUEST_OFFLOADS_SET); the queues laid out as it expects. */
static void vnet_func_set_features(VirtIODevice *vdev, uint64_t features)
{
    VnetFunc *f = VNET_FUNC(vdev);

    vnet_func_lay_queues(f, virtio_has_feature(features, VIRTIO_NET_F_MQ)
                            ? f->queues : 1);
    if (f->curr_pairs > f->laid_pairs) {
        vnet_func_set_pairs(f, 1);
    }

    f->guest_offloads = vnet_guest_offloads(features);
    vnet_dev_set_offloads(f->dev, features, f->guest_offloads);
    /* With HASH_REPORT the header grows to virtio_net_hdr_v1_hash, for
     * the frames the driver sends too (virtio 1.2 §5.1.6). */
    f->hdr_len = virtio_has_feature(features, VIRTIO_NET_F_HASH_REPORT)
                 ? VNET_RX_HDR_LEN : VNET_HDR_LEN;
    vnet_dev_set_hash_report(f->dev, f->hdr_len == VNET_RX_HDR_LEN);
    /* As virtio-net: with CTRL_VLAN, tagged frames pass only for the VIDs
     * the driver adds (the table is empty out of reset). */
    vnet_dev_set_vlan_filter(f->dev,
                             virtio_has_feature(features,
                                                VIRTIO_NET_F_CTRL_VLAN),
                             f->vlans);
}

/* After a migration's features: the guest offloads it had set. */
static int vnet_func_post_load_virtio(VirtIODevice *vdev)
{
    VnetFunc *f = VNET_FUNC(vdev);

    if (!vnet_dev_set_offloads(f->dev, vdev->guest_features,
                               f->saved_guest_offloads)) {
        error_report("%s: migrated guest offloads 0x%" PRIx64
                     " not negotiated", f->name, f->saved_guest_offloads);
        return -EINVAL;
    }
    f->guest_offloads = f->saved_guest_offloads;
    vnet_dev_set_vlan_filter(f->dev,
                             virtio_vdev_has_feature(vdev,
                                                     VIRTIO_NET_F_CTRL_VLAN),
                             f->vlans);
    vnet_dev_set_rx_queues(f->dev, f->curr_pairs);
    if (f->rss_len &&
        !vnet_func_apply_rss(f, f->rss_cmd_id, f->rss_cmd, f->rss_len)) {
        error_report("%s: migrated RSS configuration does not hold", f->name);
        return -EINVAL;
    }
    return 0;
}

static uint64_t vnet_func_get_features(VirtIODevice *vdev, uint64_t features,
                                       Error **errp)
{
    VnetFunc *f = VNET_FUNC(vdev);

    virtio_add_feature(&features, VIRTIO_NET_F_MAC);
    virtio_add_feature(&features, VIRTIO_NET_F_STATUS);
    virtio_add_feature(&features, VIRTIO_NET_F_MTU);
    if (f->offloads & (1ull << VIRTIO_NET_F_MRG_RXBUF)) {
        virtio_add_feature(&features, VIRTIO_NET_F_MRG_RXBUF);
    }
    virtio_add_feature(&features, VIRTIO_NET_F_CTRL_VQ);
    virtio_add_feature(&features, VIRTIO_NET_F_CTRL_RX);
    virtio_add_feature(&features, VIRTIO_NET_F_CTRL_MAC_ADDR);
    if (f->offloads & (1ull << VIRTIO_NET_F_GUEST_ANNOUNCE)) {
        virtio_add_feature(&features, VIRTIO_NET_F_GUEST_ANNOUNCE);
    }
    if (f->offloads & (1ull << VIRTIO_NET_F_CTRL_VLAN)) {
        virtio_add_feature(&features, VIRTIO_NET_F_CTRL_VLAN);
    }
    if (f->queues > 1) {
        virtio_add_feature(&features, VIRTIO_NET_F_MQ);
    }
    if (f->offloads & (1ull << VIRTIO_NET_F_NOTF_COAL)) {
        virtio_add_feature(&features, VIRTIO_NET_F_NOTF_COAL);
    }
    if (vnet_func_offers_rss(f)) {
        virtio_add_feature(&features, VIRTIO_NET_F_RSS);
    }
    if (f->offloads & (1ull << VIRTIO_NET_F_HASH_REPORT)) {
        virtio_add_feature(&features, VIRTIO_NET_F_HASH_REPORT);
    }
    features |= vnet_func_offered_offloads(f->offloads);
    if (vnet_func_is_lower(f) && VNET_MULTI(f)->sriov_max_vfs) {
        virtio_add_feature(&features, VIRTIO_F_SR_IOV);
    }
    /* Per-queue reset is not implemented: a driver must reset the device. */
    virtio_clear_feature(&features, VIRTIO_F_RING_RESET);
    return features;
}

/* With RSS or hash reporting, the config space has their fields. */
static size_t vnet_func_config_size(const VnetFunc *f)
{
    return vnet_func_offers_rss(f) ||
           (f->offloads & (1ull << VIRTIO_NET_F_HASH_REPORT))
           ? VNET_CONFIG_SIZE_RSS : VNET_CONFIG_SIZE;
}

static void vnet_func_get_config(VirtIODevice *vdev, uint8_t *config)
{
    VnetFunc *f = VNET_FUNC(vdev);
    struct virtio_net_config cfg = {};

    memcpy(cfg.mac, f->mac, ETH_ALEN);
    /* VERSION_1 only: config fields are little-endian. */
    stw_le_p(&cfg.status, f->status);
    stw_le_p(&cfg.max_virtqueue_pairs, f->queues);
    stw_le_p(&cfg.mtu, f->mtu);
    if (vnet_func_config_size(f) == VNET_CONFIG_SIZE_RSS) {
        stl_le_p(&cfg.speed, SPEED_UNKNOWN);
        cfg.duplex = DUPLEX_UNKNOWN;
        cfg.rss_max_key_size = VIRTIO_NET_RSS_MAX_KEY_SIZE;
        stw_le_p(&cfg.rss_max_indirection_table_length,
                 VIRTIO_NET_RSS_MAX_TABLE_LEN);
        stl_le_p(&cfg.supported_hash_types, VNET_RSS_HASH_TYPES);
        memcpy(config, &cfg, VNET_CONFIG_SIZE_RSS);
        return;
    }
    memcpy(config, &cfg, VNET_CONFIG_SIZE);
}

/* RSS only where there are queues to spread over (virtio-net offers it
 * with rss=on whatever its queues). */
bool vnet_func_offers_rss(const VnetFunc *f)
{
    return f->queues > 1 && (f->offloads & (1ull << VIRTIO_NET_F_RSS));
}

/* The driver's active queue pairs, which libvnet spreads frames over. */
void vnet_func_set_pairs(VnetFunc *f, unsigned pairs)
{
    f->curr_pairs = pairs;
    if (f->dev) {
        vnet_dev_set_rx_queues(f->dev, pairs);
    }
}

static void vnet_func_reset(VirtIODevice *vdev)
{
    VnetFunc *f = VNET_FUNC(vdev);

    vnet_func_set_pairs(f, 1);
    f->rss_len = 0;
    vnet_dev_set_rss(f->dev, NULL, f->queues);
    f->hdr_len = VNET_HDR_LEN;
    vnet_dev_set_hash_report(f->dev, false);
    f->status &= ~VIRTIO_NET_S_ANNOUNCE;
    /* Promiscuous until the driver says otherwise, as virtio-net; not an
     * untrusted VF, which may never be. */
    f->promisc = vnet_dev_vf_permits_promisc(f->dev);
    f->allmulti = false;
    f->uc_entries = 0;
    f->mc_entries = 0;
    memset(f->vlans, 0, sizeof(f->vlans));
    if (f->is_vf && f->vf_admin_mac) {
        memcpy(f->mac, f->vf_mac, ETH_ALEN);  /* the host's, as vnet-vf-set */
    } else {
        VNET_FUNC_GET_CLASS(f)->configured_mac(f, f->mac);
    }
    if (!vnet_dev_set_mac(f->dev, f->mac)) {
        /* The configured MAC was taken meanwhile: keep the current one. */
        vnet_dev_get_mac(f->dev, f->mac);
    }
    vnet_dev_set_rx_mode(f->dev, f->promisc, f->allmulti);
    vnet_dev_set_mac_tables(f->dev, NULL, 0, NULL, 0);
    vnet_dev_set_vlan_filter(f->dev, false, NULL);
    f->guest_offloads = 0;
    vnet_dev_set_offloads(f->dev, 0, 0);
    vnet_dev_reset(f->dev);
    for (unsigned i = 0; i < f->laid_pairs; i++) {
        f->vq[i].tx_waiting = false;
        vnet_coal_release(&f->vq[i].rx_hold);
        vnet_coal_release(&f->vq[i].tx_hold);
    }
    memset(&f->coal_rx, 0, sizeof(f->coal_rx));
    memset(&f->coal_tx, 0, sizeof(f->coal_tx));
}

static void vnet_func_set_status(VirtIODevice *vdev, uint8_t status)
{
    VnetFunc *f = VNET_FUNC(vdev);
    bool ok = vdev->vm_running && (status & VIRTIO_CONFIG_S_DRIVER_OK);

    /* A child is up when its driver is (ip link set ... up). The lower
     * port stays up whatever function 0's driver does: function 0 is only
     * the lower's own stack, and the children must work without it. */
    if (f->dev && !vnet_func_is_lower(f)) {
        vnet_dev_set_up(f->dev, ok);
    }
    if (ok) {
        for (unsigned i = 0; i < f->laid_pairs; i++) {
            qemu_bh_schedule(f->vq[i].tx_bh);
        }
        vnet_func_flush_queued(f);
    }
}

/*
 * Layout of virtio 1.2 §5.1.2: receiveq1, transmitq1, ..., receiveqN,
 * transmitqN, controlq, with N the pairs a driver that negotiated MQ
 * finds, 1 for one that did not. Re-laid when the features are set (a
 * reset sets none) and before a migration loads the rings, as
 * virtio-net does; only while the driver has no queue running.
 */
static void vnet_func_lay_queues(VnetFunc *f, unsigned pairs)
{
    VirtIODevice *vdev = VIRTIO_DEVICE(f);

    if (f->laid_pairs == pairs) {
        return;
    }
    if (f->laid_pairs) {
        virtio_del_queue(vdev, 2 * f->laid_pairs);     /* controlq */
    }
    for (unsigned i = f->laid_pairs; i-- > pairs;) {
        VnetQueue *q = &f->vq[i];

        qemu_bh_delete(q->tx_bh);
        vnet_coal_hold_free(&q->rx_hold);
        vnet_coal_hold_free(&q->tx_hold);
        virtio_del_queue(vdev, 2 * i + 1);
        virtio_del_queue(vdev, 2 * i);
        q->rx = q->tx = NULL;
        q->tx_bh = NULL;
        q->tx_waiting = false;
    }
    /* virtio_add_queue takes the first free index: these follow on. */
    for (unsigned i = f->laid_pairs; i < pairs; i++) {
        VnetQueue *q = &f->vq[i];

        q->func = f;
        q->rx = virtio_add_queue(vdev, VNET_RX_QUEUE_SIZE,
                                 vnet_func_handle_rx);
        q->tx = virtio_add_queue(vdev, VNET_TX_QUEUE_SIZE,
                                 vnet_func_handle_tx);
        q->tx_bh = qemu_bh_new_guarded(vnet_func_tx_bh, q,
                                       &DEVICE(f)->mem_reentrancy_guard);
        vnet_coal_hold_init(&q->rx_hold, f, q->rx);
        vnet_coal_hold_init(&q->tx_hold, f, q->tx);
    }
    f->ctrl_vq = virtio_add_queue(vdev, VNET_CTRL_QUEUE_SIZE,
                                  vnet_func_handle_ctrl);
    f->laid_pairs = pairs;
    trace_vnet_queue_layout(f->name, pairs);
}

void vnet_func_init_queues(VnetFunc *f)
{
    virtio_init(VIRTIO_DEVICE(f), VIRTIO_ID_NET, vnet_func_config_size(f));
    /* All of them until a driver says otherwise, as virtio-net. */
    f->laid_pairs = 0;
    vnet_func_lay_queues(f, f->queues);
    f->curr_pairs = 1;
    f->hdr_len = VNET_HDR_LEN;
    f->status = VIRTIO_NET_S_LINK_UP;
}

void vnet_func_cleanup_queues(VnetFunc *f)
{
    VirtIODevice *vdev = VIRTIO_DEVICE(f);

    for (unsigned i = 0; i < f->laid_pairs; i++) {
        qemu_bh_delete(f->vq[i].tx_bh);
        vnet_coal_hold_free(&f->vq[i].rx_hold);
        vnet_coal_hold_free(&f->vq[i].tx_hold);
        virtio_delete_queue(f->vq[i].rx);
        virtio_delete_queue(f->vq[i].tx);
    }
    virtio_delete_queue(f->ctrl_vq);
    virtio_cleanup(vdev);
}

/* A migration stream lays the rings out as the source had them. */
static int vnet_func_pre_load_queues(VirtIODevice *vdev, uint32_t n)
{
    VnetFunc *f = VNET_FUNC(vdev);

    if (n < 3 || n % 2 == 0 || n > 2 * f->queues + 1) {
        error_report("%s: migrated %u virtqueues, device lays out 3 or %u",
                     f->name, n, 2 * f->queues + 1);
        return -EINVAL;
    }
    vnet_func_lay_queues(f, (n - 1) / 2);
    return 0;
}

static void vnet_func_class_init(ObjectClass *klass, void *data)
{
    VirtioDeviceClass *vdc = VIRTIO_DEVICE_CLASS(klass);

    vdc->get_features = vnet_func_get_features;
    vdc->get_config = vnet_func_get_config;
    vdc->reset = vnet_func_reset;
    vdc->set_features = vnet_func_set_features;
    vdc->pre_load_queues = vnet_func_pre_load_queues;
    vdc->post_load = vnet_func_post_load_virtio;
    vdc->set_status = vnet_func_set_status;
    vdc->vmsd = &vmstate_vnet_func_device;
}

static const TypeInfo vnet_func_info = {
    .name = TYPE_VNET_FUNC,
    .parent = TYPE_VIRTIO_DEVICE,
    .instance_size = sizeof(VnetFunc),
    .class_size = sizeof(VnetFuncClass),
    .class_init = vnet_func_class_init,
    .abstract = true,
};

static void vnet_func_register_types(void)
{
    type_register_static(&vnet_func_info);
}

type_init(vnet_func_register_types)
