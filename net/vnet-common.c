/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Glue helpers that -netdev vxlan (net/vxlan.c) and the vnet-multi devices
 * (hw/net/vnet-*.c) share: addresses as text, QMP drop lists and libvnet's
 * state blobs in a migration stream. Built with net/vxlan.c, which is
 * always built, so hw/net can count on it.
 */

#include "qemu/osdep.h"
#include "qemu/sockets.h"
#include "net/vnet-common.h"

char *vnet_ip_strdup(const VnetIpAddr *a)
{
    char buf[INET6_ADDRSTRLEN];

    inet_ntop(a->v6 ? AF_INET6 : AF_INET, a->b, buf, sizeof(buf));
    return g_strdup(buf);
}

VnetDropCountList *vnet_drop_counts(const VnetDevStats *st)
{
    VnetDropCountList *head = NULL, **tail = &head;
    unsigned i;

    for (i = 0; i < VNET_DROP_REASONS; i++) {
        if (st->drops[i]) {
            VnetDropCount *d = g_new0(VnetDropCount, 1);
            d->reason = g_strdup(vnet_drop_reason_name(i));
            d->count = st->drops[i];
            QAPI_LIST_APPEND(tail, d);
        }
    }
    return head;
}

void vnet_state_buf_take(VnetStateBuf *buf, uint8_t *blob, size_t len)
{
    vnet_state_buf_clear(buf);
    if (blob) {
        buf->data = g_memdup2(blob, len);
        buf->len = len;
    }
    free(blob);
}

void vnet_state_buf_clear(VnetStateBuf *buf)
{
    g_free(buf->data);
    buf->data = NULL;
    buf->len = 0;
}
