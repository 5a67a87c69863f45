#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# RSS the guest configures (VIRTIO_NET_F_RSS): with queues=4, the stock
# driver's ethtool commands decide where flows land. 16 TCP connections
# from slirp's host (each its own source port) after each change:
#  - `ethtool -X eth0 weight 0 0 0 1`: every IP packet on RX queue 3;
#  - `ethtool -X eth0 equal 4` with `ethtool -N eth0 rx-flow-hash tcp4 sd`
#    (addresses only, rxhash on): every packet on one queue, the same
#    flow hash;
#  - then `rx-flow-hash tcp4 sdfn` (with the ports): on more than one;
#  - `weight 0 0 1 0`, then a live migration to a second QEMU: on queue 2
#    after the move.
# The per-queue counts are the guest driver's own (ethtool -S).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

mkdir -p "$work/www"
head -c 16384 /dev/urandom > "$work/www/small"
start_http "$work/www"

cat > "$work/script" <<EOS
wait_for_if eth0
$SLIRP_UP
# No ARP in the counts: the router's MAC is known (slirp's own).
ip neigh replace 10.0.2.2 lladdr 52:55:0a:00:02:02 dev eth0 nud permanent
ethtool -L eth0 combined 4
rxq() { ethtool -S eth0 | awk -v q="rx_queue_\$1_packets:" '\$1 == q {print \$2}'; }
# batch: 16 connections; prints each queue's new packets.
batch() {
    local b0 b1 b2 b3
    b0=\$(rxq 0) b1=\$(rxq 1) b2=\$(rxq 2) b3=\$(rxq 3)
    for i in \$(seq 16); do
        wget -q -O /dev/null http://10.0.2.2:$HTTP_PORT/small
    done
    echo "\$((\$(rxq 0) - b0)) \$((\$(rxq 1) - b1)) \$((\$(rxq 2) - b2)) \$((\$(rxq 3) - b3))"
}
used() { n=0; for d in \$1; do [ "\$d" -gt 0 ] && n=\$((n + 1)); done; echo \$n; }
rc=0
ethtool -x eth0 | head -1
ethtool -x eth0 | grep -q 'with 4 RX ring' || rc=1

ethtool -X eth0 weight 0 0 0 1
d=\$(batch)
echo "weight 0 0 0 1: per-queue packets \$d"
set -- \$d
# Queue 0 is also the unclassified queue: slirp's one ARP request for the
# guest's MAC (it has not heard from the guest yet) is not IP.
[ "\$1" -le 1 ] && [ "\$2" = 0 ] && [ "\$3" = 0 ] && [ "\$4" -ge 100 ] || rc=1

ethtool -X eth0 equal 4
# Linux's virtio_net sends a changed hash-field set only while receive
# hashing is on (virtnet_set_hashflow), which is off by default.
ethtool -K eth0 rxhash on
ethtool -N eth0 rx-flow-hash tcp4 sd
d=\$(batch)
echo "equal 4, tcp4 hashed on addresses: per-queue packets \$d (queues used: \$(used "\$d"))"
[ "\$(used "\$d")" = 1 ] || rc=1

ethtool -N eth0 rx-flow-hash tcp4 sdfn
d=\$(batch)
echo "equal 4, tcp4 hashed with ports: per-queue packets \$d (queues used: \$(used "\$d"))"
[ "\$(used "\$d")" -ge 2 ] || rc=1

# The configuration migrates: every IP packet on queue 2 after the move
# too (lost, the flows above would spread again).
ethtool -X eth0 weight 0 0 1 0
echo MIGRATE-NOW
until wget -q -O /dev/null http://10.0.2.2:$HTTP_PORT/moved 2>/dev/null; do sleep 0.5; done
d=\$(batch)
echo "after the move, weight 0 0 1 0: per-queue packets \$d"
set -- \$d
[ "\$1" -le 1 ] && [ "\$2" = 0 ] && [ "\$3" -ge 100 ] && [ "\$4" = 0 ] || rc=1
exit \$rc
EOS
# No IPv6 from slirp (its router advertisements would land by their own hash).
args=(-netdev user,id=up,ipv6=off -device vnet-multi,netdev=up,queues=4)
rc=0
start_and_move "${args[@]}" || rc=1
kill "$pid" 2>/dev/null || true
wait "$pid" 2>/dev/null || true
tr -d '\r' < "$work/log" | grep -v '^\s*$' | grep -v http-server | tail -8
echo "--- destination"
tr -d '\r' < "$work/c.log" 2>/dev/null | grep -v '^\s*$' | grep -v http-server | tail -4
exit $rc
