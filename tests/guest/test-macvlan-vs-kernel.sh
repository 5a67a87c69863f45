#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Differential test, macvlan: for each of the five modes, one guest builds
# the topology from the kernel's own macvlan over a veth and from
# vnet-multi's functions, runs the same traffic matrix on both (unicast,
# broadcast ARP, multicast; child to child, child to lower, child to
# outside and back), prints both side by side and fails where they differ.
# The outside of the vnet side is a virtio-net NIC of the same guest on a
# QEMU hub with the uplink, put in a Linux bridge with hairpin on (the
# relay VEPA needs) and then off, exactly as on the kernel side.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

kids() {
    local c="-device vnet-macvlan,lower=low"
    case $1 in
        passthru) echo "$c,id=c1,addr=5.1,mode=passthru" ;;
        source) echo "$c,id=c1,addr=5.1,mode=source,mac=02:00:00:00:01:01,macaddr=02:00:00:00:00:99" \
                     "$c,id=c2,addr=5.2,mode=source,mac=02:00:00:00:01:02,macaddr=02:00:00:00:00:99" ;;
        *) echo "$c,id=c1,addr=5.1,mode=$1,mac=02:00:00:00:01:01" \
                "$c,id=c2,addr=5.2,mode=$1,mac=02:00:00:00:01:02" ;;
    esac
}

vs_kernel macvlan "${MACVLAN_MODES:-private vepa bridge passthru source}" kids
