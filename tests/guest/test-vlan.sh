#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Differential test, 802.1Q VLANs on the children: for macvlan bridge and
# ipvlan l2 and l3, one guest builds VLAN interfaces on two children and an
# outside host, once on the kernel's own driver over a veth and once on
# vnet-multi's functions (whose drivers program the VLAN filter with
# CTRL_VLAN), and pings cold across them (vlan-matrix.sh); fails where the
# two differ; and checks that the outside's VLAN 20 broadcasts never reach
# the vnet child without VLAN 20 (its filter). The outside of the vnet side
# is a virtio-net NIC of the same guest on a QEMU hub with the uplink.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

one() { # KIND MODE CHILD_PROPS LOWER_PROPS
    {
        echo "KIND=$1 MODE=$2"
        cat "$guest_dir/vlan-matrix.sh"
    } > "$work/$1-$2.sh"
    "$run_guest" --timeout 180 "$work/$1-$2.sh" \
        -netdev hubport,id=up,hubid=1 -netdev hubport,id=out,hubid=1 \
        -device vnet-multi,id=low,netdev=up,addr=5.0,multifunction=on,mac=02:00:00:00:00:01$4 \
        -device "vnet-$1,id=c1,lower=low,addr=5.1,$3${5:+,mac=02:00:00:00:01:01}" \
        -device "vnet-$1,id=c2,lower=low,addr=5.2,$3${5:+,mac=02:00:00:00:01:02}" \
        -device virtio-net-pci,netdev=out,addr=6.0,mac=02:00:00:00:00:99,romfile= \
        > "$work/$1-$2.log" 2>&1
}

one macvlan bridge mode=bridge "" mac & p1=$!
one ipvlan l2 mode=l2 "" & p2=$!
rc=0
wait $p1 || rc=1
wait $p2 || rc=1
one ipvlan l3 mode=l3 ",ip=10.9.0.1/24,l3-proxy=off" || rc=1
for r in macvlan-bridge ipvlan-l2 ipvlan-l3; do
    sed -n '/ mode .*: cell/,/^VLAN-RESULT/p' "$work/$r.log"
    if ! grep -q "VLAN-RESULT .* differ=0" "$work/$r.log"; then
        echo "--- $r: guest log tail"
        tail -30 "$work/$r.log"
        rc=1
    fi
done
exit $rc
