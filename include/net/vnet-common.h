/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Glue helpers (net/vnet-common.c) that net/vxlan.c shares with the
 * vnet-multi devices in hw/net: addresses as text, QMP drop lists and the
 * migration of libvnet's state blobs.
 */
#ifndef NET_VNET_COMMON_H
#define NET_VNET_COMMON_H

#include "migration/vmstate.h"
#include "qapi/qapi-types-vnet.h"
#include "vnet/vnet.h"

/* An address as text (inet_ntop), g_malloc()ed. */
char *vnet_ip_strdup(const VnetIpAddr *a);

/* The non-zero drop counters of st, by reason name, for QMP. */
VnetDropCountList *vnet_drop_counts(const VnetDevStats *st);

/* A libvnet state blob on its way through a migration stream. */
typedef struct VnetStateBuf {
    uint8_t *data; /* g_malloc()ed */
    uint32_t len;
} VnetStateBuf;

/* Takes what vnet_*_state_save returned (malloc()ed, or NULL). */
void vnet_state_buf_take(VnetStateBuf *buf, uint8_t *blob, size_t len);
void vnet_state_buf_clear(VnetStateBuf *buf);

/* Its length, then its bytes. */
#define VMSTATE_VNET_STATE_BUF(_field, _state)                          \
    VMSTATE_UINT32(_field.len, _state),                                 \
    VMSTATE_VBUFFER_ALLOC_UINT32(_field.data, _state, 1, NULL, _field.len)

#endif
