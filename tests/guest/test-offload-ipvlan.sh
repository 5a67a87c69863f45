#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Offloads between ipvlan children, each in its own namespace: 100 MiB
# over TCP arrive intact (SHA-256) in far fewer frames than 1500-byte
# ones would take, in l2 (the port's bridge) and in l3 (routed through the
# lower's IP layer, which rewrites the MACs of the TSO frames it passes);
# then again with the receiver's rx-gro-hw off, where the device must cut
# the frames. One guest per mode, both at once.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

mib=100
# 1500-byte frames carry 1448 bytes of a stream.
small=$((mib * 1048576 / 1448))

guest_script() { # MODE: c1 serves the blob, c2 fetches it
    local a1 a2
    case $1 in
    l2) a1=10.0.0.1 a2=10.0.0.2 ;;
    l3) a1=10.0.2.21 a2=10.0.2.22 ;;
    esac
    cat <<EOS
wait_for_if eth1
wait_for_if eth2
ip link set eth0 up
for i in 1 2; do
    ip netns add c\$i
    ip link set eth\$i netns c\$i
    ip -n c\$i link set lo up
    ip -n c\$i link set eth\$i up
done
ip -n c1 addr add $a1/24 dev eth1
ip -n c2 addr add $a2/24 dev eth2
mkdir /tmp/www
head -c $((mib * 1048576)) /dev/urandom > /tmp/www/blob
want=\$(sha256sum /tmp/www/blob | cut -d' ' -f1)
ip netns exec c1 httpd -p 80 -h /tmp/www
fetch() { # LABEL: fetches the blob in c2, checks it, prints frames
    fetch_counted c2 eth2 http://$a1/blob
    echo "$1 \$1: sha256 \$got, \$frames frames"
    [ "\$got" = "\$want" ]
}
fetch "c1 to c2, offloads on"
[ \$frames -lt $((small / 4)) ]
ip netns exec c2 ethtool -K eth2 rx-gro-hw off
fetch "c1 to c2, rx-gro-hw off"
[ \$frames -ge $small ]
EOS
}

declare -A pid
for mode in l2 l3; do
    guest_script $mode > "$work/$mode.sh"
    lower=
    kids=(-device vnet-ipvlan,lower=nic0,addr=5.1,mode=$mode
          -device vnet-ipvlan,lower=nic0,addr=5.2,mode=$mode)
    if [ $mode = l3 ]; then
        # Fixed addresses: l3 children that have not spoken are otherwise
        # unknown to the device (a difference the docs list).
        lower=,ip=10.0.2.15/24
        kids=(-device vnet-ipvlan,lower=nic0,addr=5.1,mode=l3,addrs=10.0.2.21
              -device vnet-ipvlan,lower=nic0,addr=5.2,mode=l3,addrs=10.0.2.22)
    fi
    "$run_guest" --timeout 300 "$work/$mode.sh" -netdev user,id=up \
        -device vnet-multi,id=nic0,netdev=up,addr=5.0,multifunction=on$lower \
        "${kids[@]}" > "$work/$mode.log" 2>&1 & pid[$mode]=$!
done
rc=0
for mode in l2 l3; do
    wait "${pid[$mode]}" || { echo "$mode: failed"; rc=1; }
    grep -E "^$mode |VNET-GUEST-EXIT" "$work/$mode.log" || tail -20 "$work/$mode.log"
done
exit $rc
