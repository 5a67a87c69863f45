#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Live migration while a ping runs. Guest A has vnet-multi (function 0)
# and two vnet-macvlan children, each in its own namespace, on a VXLAN
# uplink to guest B over loopback. A second QEMU (C, -incoming, its VXLAN
# endpoint on another loopback address, as a host move would have it)
# takes A over mid-ping. B floods to both hosts (head-end replication,
# added with vxlan-fdb-add): like any VXLAN fabric, B's broadcasts must
# reach the host the guest moves to, or an ARP of B's after the move goes
# to the old host only. Then:
#  - C's query-vxlan-fdb, read before C runs, lists B's MAC as learned
#    (it came with the migration: C has not received from B yet);
#  - the pings of function 0 and of a child go on with at most a few
#    replies lost, and the guest script ends on C with its status;
#  - B's FDB entry for the second child moves to C's address within
#    seconds, before that child sends anything: its guest announced it
#    (GUEST_ANNOUNCE), as QEMU asks every function's driver to;
#  - that child has two queue pairs (MQ negotiated, one active): on C it
#    switches to both over its control queue (ethtool -L), which is where
#    the guest left it only if C laid its queues out as A had them;
#  - that child's VLAN 10, first used after the move, reaches B: C has
#    its VLAN filter.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

cat > "$work/a.sh" <<'EOS'
wait_for_if eth0
wait_for_if eth1
wait_for_if eth2
ip addr add 10.9.0.1/24 dev eth0
ip link set eth0 up
for k in 1 2; do
    ip netns add n$k
    # c2 must stay silent but for its pings and its announcement: no IPv6
    # (router solicitations and DAD would announce it too).
    [ $k = 2 ] && ip netns exec n2 sh -c 'echo 1 > /proc/sys/net/ipv6/conf/default/disable_ipv6'
    ip link set eth$k netns n$k
    ip -n n$k addr add 10.9.0.1$k/24 dev eth$k
    ip -n n$k link set eth$k up
done
# c1 has VLAN 10: its driver's filter (CTRL_VLAN) admits it.
ip -n n1 link add link eth1 name eth1.10 type vlan id 10
ip -n n1 addr add 10.10.10.11/24 dev eth1.10
ip -n n1 link set eth1.10 up
# c1 moderates its interrupts (NOTF_COAL): the setting migrates with it,
# and its pings below go on through the destination's timers.
ip netns exec n1 ethtool -C eth1 rx-usecs 200 tx-usecs 200 tx-frames 1
ping -c 2 -W 5 10.9.0.2 >/dev/null
ip netns exec n1 ping -c 2 -W 5 10.9.0.2 >/dev/null
ip netns exec n2 ping -c 2 -W 5 10.9.0.2 >/dev/null
echo MIGRATE-NOW
ping -c 150 -i 0.2 10.9.0.2 > /tmp/p0 2>&1 & p0=$!
ip netns exec n1 ping -c 150 -i 0.2 10.9.0.2 > /tmp/p1 2>&1 & p1=$!
wait $p0 || true
wait $p1 || true
rc=0
pings_lost_at_most 5 /tmp/p0 /tmp/p1 || rc=1
ip netns exec n2 ping -c 2 -W 5 10.9.0.2 >/dev/null || rc=1
echo "after the move: the second child still pings ($rc)"
# c1 has queues=2: its control queue sits after both pairs, where the
# destination must have laid it out before the rings loaded.
ip netns exec n1 ethtool -L eth1 combined 2 || rc=1
ip netns exec n1 ethtool -l eth1 | tail -5 | grep -i combined
ip netns exec n1 ping -c 2 -W 5 10.9.0.2 >/dev/null || rc=1
echo "after the move: c1 takes 2 queue pairs over its control queue and pings ($rc)"
# First use of VLAN 10 after the move: B's tagged replies pass only if
# the destination has c1's VLAN filter as the source had it.
ip netns exec n1 ping -c 2 -W 5 10.10.10.2 >/dev/null || rc=1
echo "after the move: c1's VLAN 10 reaches B ($rc)"
exit $rc
EOS

cat > "$work/b.sh" <<'EOS'
wait_for_if eth0
ip addr add 10.9.0.2/24 dev eth0
ip link set eth0 up
ip link add link eth0 name eth0.10 type vlan id 10
ip addr add 10.10.10.2/24 dev eth0.10
ip link set eth0.10 up
echo B-READY
sleep 150
EOS

qmp() { python3 "$guest_dir/qmp.py" "$@"; }
# wait_for FILE PATTERN SECONDS
wait_for() {
    for _ in $(seq $(($3 * 5))); do
        grep -q "$2" "$1" 2>/dev/null && return 0
        sleep 0.2
    done
    echo "no '$2' in $1 after $3 s"
    return 1
}
guest_a_args() { # LOCAL
    echo -netdev vxlan,id=vx,vni=42,local="$1",remote=127.0.0.12 \
        -device vnet-multi,id=nic0,netdev=vx,addr=5.0,multifunction=on,mac=02:00:00:00:0a:01 \
        -device vnet-macvlan,id=c1,lower=nic0,addr=5.1,mode=bridge,mac=02:00:00:00:0a:11,queues=2 \
        -device vnet-macvlan,id=c2,lower=nic0,addr=5.2,mode=bridge,mac=02:00:00:00:0a:12
}
port=$(free_port)

"$run_guest" --timeout 240 "$work/b.sh" \
    -netdev vxlan,id=vx,vni=42,local=127.0.0.12,remote=127.0.0.11 \
    -device vnet-multi,netdev=vx,mac=02:00:00:00:0b:02 \
    -qmp unix:"$work/b.qmp",server=on,wait=off > "$work/b.log" 2>&1 & pb=$!
# shellcheck disable=SC2046
"$run_guest" --timeout 240 "$work/a.sh" $(guest_a_args 127.0.0.11) \
    -qmp unix:"$work/a.qmp",server=on,wait=off > "$work/a.log" 2>&1 & pa=$!
pc=
rc=0
move() {
    wait_for "$work/b.log" B-READY 120 || return 1
    qmp "$work/b.qmp" vxlan-fdb-add '{"netdev": "vx", "mac": "00:00:00:00:00:00", "remote": "127.0.0.13", "append": true}' || return 1
    wait_for "$work/a.log" MIGRATE-NOW 120 || return 1
    sleep 2
    # shellcheck disable=SC2046
    "$run_guest" --timeout 240 "$work/a.sh" $(guest_a_args 127.0.0.13) \
        -qmp unix:"$work/c.qmp",server=on,wait=off \
        -incoming tcp:127.0.0.1:"$port" -S > "$work/c.log" 2>&1 & pc=$!
    live_migrate "$work/a.qmp" "$work/c.qmp" "$port" || return 1
    for _ in $(seq 100); do
        [ "$(qmp "$work/c.qmp" query-status | python3 -c 'import json,sys; print(json.load(sys.stdin)["status"])')" = inmigrate ] || break
        sleep 0.1
    done
    qmp "$work/c.qmp" query-vxlan-fdb '{"netdev": "vx"}' > "$work/fdb.json" || return 1
    qmp "$work/c.qmp" cont || return 1
    qmp "$work/a.qmp" quit >/dev/null || true
    # c2 sends nothing of its own for the next 30 s: only its guest's
    # announcement (GUEST_ANNOUNCE) can move B's entry for it to C.
    local moved=
    for _ in $(seq 50); do
        qmp "$work/b.qmp" query-vxlan-fdb '{"netdev": "vx"}' > "$work/bfdb.json" || return 1
        moved=$(python3 -c 'import json,sys; print(" ".join(e["remote"] for e in json.load(open(sys.argv[1])) if e["mac"] == "02:00:00:00:0a:12"))' "$work/bfdb.json")
        [ "$moved" = 127.0.0.13 ] && break
        sleep 0.1
    done
    echo "B's FDB entry for c2 after the move, before c2 sent: $moved"
    [ "$moved" = 127.0.0.13 ] || return 1
    echo "destination FDB before it ran: $(cat "$work/fdb.json")"
    python3 - "$work/fdb.json" <<'EOP'
import json, sys
fdb = json.load(open(sys.argv[1]))
b = [e for e in fdb if e["mac"] == "02:00:00:00:0b:02"]
ok = len(b) == 1 and b[0]["remote"] == "127.0.0.12" and not b[0]["permanent"]
print("B's MAC came learned behind 127.0.0.12:", ok)
sys.exit(0 if ok else 1)
EOP
}
# On failure the source may be left paused: stop it rather than wait.
move || { rc=1; qmp "$work/a.qmp" quit >/dev/null 2>&1 || true; kill "$pa" 2>/dev/null || true; }
wait "$pa" 2>/dev/null || true  # ends without a status once it has moved
if [ -n "$pc" ]; then
    wait "$pc" || { echo "the guest script failed on the destination"; rc=1; }
else
    rc=1
fi
kill "$pb" 2>/dev/null || true
wait "$pb" 2>/dev/null || true
echo "--- source console (tail)"; tr -d '\r' < "$work/a.log" | grep -v '^\s*$' | tail -5
echo "--- destination console (tail)"; tr -d '\r' < "$work/c.log" | grep -v '^\s*$' | tail -8
exit $rc
