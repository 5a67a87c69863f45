#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Differential test, macvlan: for each of the five modes, one guest builds
# the topology from the kernel's own macvlan over a veth and from
# vnet-multi's functions, runs the same traffic matrix on both (unicast,
# broadcast ARP, multicast; child to child, child to lower, child to
# outside and back), prints both side by side and fails where they differ.
# The outside of the vnet side is a virtio-net NIC of the same guest on a
# QEMU hub with the uplink, put in a Linux bridge with hairpin on (the
# relay VEPA needs), exactly as on the kernel side.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

modes=${MACVLAN_MODES:-private vepa bridge passthru source}
run_mode() {
    local mode=$1 kids
    {
        echo "MODE=$mode"
        cat "$guest_dir/macvlan-matrix.sh"
    } > "$work/$mode.sh"
    case $mode in
        passthru) kids="-device vnet-macvlan,id=c1,lower=low,addr=5.1,mode=passthru" ;;
        source) kids="-device vnet-macvlan,id=c1,lower=low,addr=5.1,mode=source,mac=02:00:00:00:01:01,macaddr=02:00:00:00:00:99
                      -device vnet-macvlan,id=c2,lower=low,addr=5.2,mode=source,mac=02:00:00:00:01:02,macaddr=02:00:00:00:00:99" ;;
        *) kids="-device vnet-macvlan,id=c1,lower=low,addr=5.1,mode=$mode,mac=02:00:00:00:01:01
                 -device vnet-macvlan,id=c2,lower=low,addr=5.2,mode=$mode,mac=02:00:00:00:01:02" ;;
    esac
    # shellcheck disable=SC2086
    "$run_guest" --timeout 240 "$work/$mode.sh" \
        -netdev hubport,id=up,hubid=1 -netdev hubport,id=swp,hubid=1 \
        -device vnet-multi,id=low,netdev=up,addr=5.0,multifunction=on,mac=02:00:00:00:00:01 \
        $kids \
        -device virtio-net-pci,netdev=swp,addr=6.0,mac=02:00:00:00:00:98,romfile= \
        > "$work/$mode.log" 2>&1
}

# Two guests at a time: one per core.
set -- $modes
rc=0
while [ $# -gt 0 ]; do
    run_mode "$1" & p1=$!
    p2=
    if [ $# -gt 1 ]; then run_mode "$2" & p2=$!; fi
    wait $p1 || rc=1
    [ -n "$p2" ] && { wait $p2 || rc=1; }
    shift; [ $# -gt 0 ] && shift
done
for m in $modes; do
    sed -n '/^macvlan mode/,/^MATRIX-RESULT/p' "$work/$m.log"
    grep -q "MATRIX-RESULT mode=$m differ=0" "$work/$m.log" || {
        echo "--- mode $m: guest log tail"; tail -30 "$work/$m.log"; rc=1; }
done
exit $rc
