/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the vnet-multi qtests share: a QEMU with vnet-multi on a socket (or
 * any) netdev, its functions driven as a virtio-net driver would, frames
 * in and out of the socket and the rings, control commands, query-vnet.
 * Each helper is described where vnet-fixture.c defines it.
 */
#ifndef VNET_FIXTURE_H
#define VNET_FIXTURE_H

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
    unsigned laid;              /* pairs before the control queue */
    int sock;
} Fixture;

#define CHILD_A "52:54:00:00:00:0a"
#define CHILD_B "52:54:00:00:00:0b"
extern const uint8_t mac_a[6];
extern const uint8_t mac_b[6];

/* Polls `cond` every millisecond for up to 5 s: true once it holds. For
 * what QEMU's main loop does after a socket write or a kick returns. */
#define WAIT_UNTIL(cond) ({                                     \
    bool ok_ = false;                                           \
    for (int i_ = 0; i_ < 5000 && !(ok_ = (cond)); i_++) {      \
        g_usleep(1000);                                         \
    }                                                           \
    ok_;                                                        \
})

void fixture_open(Fixture *f, int func);

void fixture_boot(Fixture *f, unsigned queues, const char *netdev,
                         const char *extra);

void fixture_start(Fixture *f, unsigned queues, const char *extra);

void fixture_attach(Fixture *c, Fixture *f, int func, unsigned queues);

void fixture_drive(Fixture *f, uint64_t features);

void fixture_stop(Fixture *f);

QVirtQueue *rxq(Fixture *f, unsigned i);

QVirtQueue *txq(Fixture *f, unsigned i);

QVirtQueue *ctrlq(Fixture *f);

void sock_send(Fixture *f, const uint8_t *frame, size_t len);

size_t sock_recv(Fixture *f, uint8_t *buf, size_t size);

void read_mac(Fixture *f, uint8_t mac[6]);

size_t tcp_frame(uint8_t *b, uint32_t src, uint32_t dst,
                        uint16_t sport, uint16_t dport);

uint8_t ctrl_cmd(Fixture *f, uint8_t class, uint8_t cmd,
                        const void *data, size_t len);

void drive_mq(Fixture *f, uint16_t pairs);

void drive_filtered(Fixture *f, uint64_t features);

uint32_t post_rx(Fixture *f, unsigned q, uint64_t addr, size_t len);

void start_with_children(Fixture *f, Fixture *a, Fixture *b,
                                const char *mode);

void stop_with_children(Fixture *f, Fixture *a, Fixture *b);

/* Post a frame (zeroed virtio-net header) on TX queue 0 and kick; its
 * head. */
uint32_t post_tx(Fixture *f, const uint8_t *frame, size_t n);
void send_from(Fixture *f, const uint8_t *frame, size_t n);

QDict *vnet_func_info(QTestState *qts, int i, int nfuncs, QDict **resp);

int64_t vnet_drops(QDict *fi, const char *reason);

int64_t vnet_func_drops(QTestState *qts, int i, int nfuncs, const char *reason);

int64_t vnet_func_count(QTestState *qts, int i, int nfuncs, const char *name);

void assert_qmp_error_names(QTestState *qts, const char *what,
                            const char *fmt, ...) G_GNUC_PRINTF(3, 4);

QDict *vnet_queue_stats(QDict *fi, int q);

void assert_refused(const char *args, const char *property);

void assert_help_describes(const char *type, const char *const *props);

/* The sections of vnet-multi-test, each in its own file. */
void vnet_children_tests_register(void);
void vnet_hostile_tests_register(void);
void vnet_offload_tests_register(void);
void vnet_sriov_tests_register(void);

#endif
