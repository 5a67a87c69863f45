/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What net/vxlan.c shares with the vnet-multi devices' QMP code.
 */
#ifndef NET_VXLAN_H
#define NET_VXLAN_H

#include "qapi/qapi-types-vnet.h"
#include "vnet/vnet.h"

/* The non-zero drop counters of st, by reason name, for QMP. */
VnetDropCountList *vnet_drop_counts(const VnetDevStats *st);

#endif
