#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Route short-circuit against the Linux kernel's vxlan (`rsc`), cell by
# cell. Two overlay subnets, 10.97.0.0/24 (host G) and 10.97.1.0/24 (host
# H, a kernel vxlan in a namespace), and no router at all: each side's
# gateway MAC is an FDB entry with the router flag, and route
# short-circuit sends a frame for the other subnet straight to the
# destination's MAC from the neighbour table. G is first a kernel vxlan in
# a namespace, then a guest on -netdev vxlan,rsc=on,proxy=on (the proxy
# answers the guest's ARP for its gateway), each with the router flag on
# and then off. Cells: G pings H; the inner Ethernet header of the echo
# request H receives. They must match cell for cell, and the ping must
# pass exactly when the flag is on. Needs root on the host.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

G_MAC=02:00:00:00:61:01 H_MAC=02:00:00:00:61:02
R1=02:00:00:00:61:f1 R2=02:00:00:00:61:f2 # the gateways no one runs

# H: vx0 (10.97.1.5, gateway 10.97.1.1 = R2) in namespace $1, its VTEP
# NET.2, the other side's NET.1; G's address and R2 as permanent neighbours.
make_h() {
    local ns=$1 net=$2
    ip -n "$ns" link add vx0 address "$H_MAC" type vxlan id 97 dstport 4789 \
        local "$net.2" remote "$net.1" rsc
    ip -n "$ns" addr add 10.97.1.5/24 dev vx0
    ip -n "$ns" link set vx0 up
    ip -n "$ns" route add 10.97.0.0/24 via 10.97.1.1
    ip -n "$ns" neigh add 10.97.1.1 lladdr "$R2" dev vx0 nud permanent
    ip -n "$ns" neigh add 10.97.0.2 lladdr "$G_MAC" dev vx0 nud permanent
    bridge -n "$ns" fdb add "$R2" dev vx0 dst "$net.1" router
}

# capture NS: the first echo request vx0 receives, as "dst DST src SRC".
capture() {
    ip netns exec "$1" python3 - "$work/ready.$1" > "$work/cap.$1" 2>&1 <<'EOP' &
import socket, sys, time
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0003))
s.bind(("vx0", 0))
s.settimeout(1)
open(sys.argv[1], "w").close()  # bound: the ping may go
end = time.time() + 60
while time.time() < end:
    try:
        f, addr = s.recvfrom(2048)
    except socket.timeout:
        continue
    if f[12:14] == b"\x08\x00" and f[14 + 9] == 1 and f[14 + 20] == 8:
        print("dst %s src %s" % (f[0:6].hex(":"), f[6:12].hex(":")))
        break
else:
    print("no echo request")
EOP
    cap_pid=$!
    for _ in $(seq 100); do [ -e "$work/ready.$1" ] && break; sleep 0.1; done
}

result() { # CELL-NAME PING-RC CAPTURE-NS
    local ping=fail
    [ "$2" = 0 ] && ping=pass
    wait "$cap_pid" || true
    printf '%s ping %s, H saw: %s\n' "$1" "$ping" "$(cat "$work/cap.$3")"
}

# --- the kernel as G -------------------------------------------------------
kernel_cells() {
    local router
    for router in on off; do
        # Names of their own each time: a namespace goes asynchronously.
        local ga=vrscga-$$-$router hb=vrschb-$$-$router
        add_netns "$ga"
        add_netns "$hb"
        ip link add vg netns "$ga" type veth peer name vh netns "$hb"
        ip -n "$ga" addr add 198.18.97.1/24 dev vg
        ip -n "$hb" addr add 198.18.97.2/24 dev vh
        ip -n "$ga" link set vg up
        ip -n "$hb" link set vh up
        ip netns exec "$ga" ethtool -K vg tx off > /dev/null
        ip netns exec "$hb" ethtool -K vh tx off > /dev/null
        make_h "$hb" 198.18.97
        ip -n "$ga" link add vx0 address "$G_MAC" type vxlan id 97 dstport 4789 \
            local 198.18.97.1 remote 198.18.97.2 rsc proxy
        ip -n "$ga" addr add 10.97.0.2/24 dev vx0
        ip -n "$ga" link set vx0 up
        ip -n "$ga" route add 10.97.1.0/24 via 10.97.0.1
        ip -n "$ga" neigh add 10.97.0.1 lladdr "$R1" dev vx0 nud permanent
        ip -n "$ga" neigh add 10.97.1.5 lladdr "$H_MAC" dev vx0 nud permanent
        if [ $router = on ]; then
            bridge -n "$ga" fdb add "$R1" dev vx0 dst 198.18.97.2 router
        else
            bridge -n "$ga" fdb add "$R1" dev vx0 dst 198.18.97.2
        fi
        capture "$hb"
        local rc=0
        ip netns exec "$ga" python3 "$guest_dir/icmp-ping.py" 10.97.1.5 1 > /dev/null || rc=$?
        result "router-$router" $rc "$hb"
        ip netns del "$ga"
        ip netns del "$hb"
    done
}

# --- vnet-multi as G -------------------------------------------------------
cat > "$work/script" <<'EOS'
wait_for_if eth0
ip addr add 10.97.0.2/24 dev eth0
ip link set eth0 up
ip route add 10.97.1.0/24 via 10.97.0.1
if ping -c 1 -W 5 10.97.1.5; then echo GUEST-PING=0; else echo GUEST-PING=1; fi
EOS
ours_cells() {
    local router
    for router in on off; do
        # The host end and underlay differ each time: a namespace (and
        # with it the veth) goes asynchronously.
        local hb=vrsch-$$-$router hv=vr$router$$ qmp=$work/qmp.$router net=198.18.98
        [ $router = off ] && net=198.18.99
        kernel_vxlan "$hb" "$hv" $net 97 "$H_MAC" 10.97.1.5
        # kernel_vxlan made vx0 without rsc: make it again as make_h does.
        ip -n "$hb" link del vx0
        make_h "$hb" $net
        # Stopped (-S) until the FDB and neighbours are in, so the
        # guest's first ping is the first frame.
        "$run_guest" --timeout 120 "$work/script" -S \
            -netdev vxlan,id=vx,vni=97,local=$net.1,remote=$net.2,proxy=on,rsc=on \
            -device vnet-multi,netdev=vx,mac=$G_MAC \
            -qmp unix:"$qmp",server=on,wait=off > "$work/log" 2>&1 & pid=$!
        for _ in $(seq 100); do [ -S "$qmp" ] && break; sleep 0.1; done
        local flag=false
        [ $router = on ] && flag=true
        python3 "$guest_dir/qmp.py" "$qmp" vxlan-fdb-add \
            "{\"netdev\": \"vx\", \"mac\": \"$R1\", \"remote\": \"$net.2\", \"router\": $flag}" > /dev/null
        python3 "$guest_dir/qmp.py" "$qmp" vxlan-neigh-add \
            "{\"netdev\": \"vx\", \"ip\": \"10.97.0.1\", \"mac\": \"$R1\"}" > /dev/null
        python3 "$guest_dir/qmp.py" "$qmp" vxlan-neigh-add \
            "{\"netdev\": \"vx\", \"ip\": \"10.97.1.5\", \"mac\": \"$H_MAC\"}" > /dev/null
        capture "$hb"
        python3 "$guest_dir/qmp.py" "$qmp" cont > /dev/null
        wait_mark GUEST-PING= 110 || true
        local rc
        rc=$(sed -n 's/.*GUEST-PING=\([01]\).*/\1/p' "$work/log" | head -1)
        wait "$pid" || true
        result "router-$router" "${rc:-1}" "$hb"
        ip netns del "$hb"
    done
}

# --- migration ---------------------------------------------------------------
# The router flag and the permanent neighbours go with the netdev: a QEMU
# with them saves its state to a file, a second one loads it and lists
# them. No guest is needed for that.
migrate_check() {
    local q=$top/build/qemu-system-x86_64 p1 p2 st
    local nd="-netdev vxlan,id=vx,vni=97,local=127.0.0.1,dstport=$(free_port),rsc=on"
    $q -M q35 -accel tcg -display none -S $nd -device vnet-multi,netdev=vx \
        -qmp unix:"$work/m1",server=on,wait=off 2> /dev/null & p1=$!
    for _ in $(seq 100); do [ -S "$work/m1" ] && break; sleep 0.1; done
    python3 "$guest_dir/qmp.py" "$work/m1" vxlan-fdb-add \
        "{\"netdev\": \"vx\", \"mac\": \"$R1\", \"remote\": \"127.0.0.2\", \"router\": true}" > /dev/null
    python3 "$guest_dir/qmp.py" "$work/m1" vxlan-neigh-add \
        "{\"netdev\": \"vx\", \"ip\": \"10.97.1.5\", \"mac\": \"$H_MAC\"}" > /dev/null
    python3 "$guest_dir/qmp.py" "$work/m1" migrate "{\"uri\": \"exec:cat > $work/state\"}" > /dev/null
    for _ in $(seq 300); do
        st=$(python3 "$guest_dir/qmp.py" "$work/m1" query-migrate)
        case $st in *completed*|*failed*) break ;; esac
        sleep 0.1
    done
    kill $p1; wait $p1 2> /dev/null || true
    $q -M q35 -accel tcg -display none $nd -device vnet-multi,netdev=vx \
        -qmp unix:"$work/m2",server=on,wait=off -incoming "exec:cat $work/state" 2> /dev/null & p2=$!
    for _ in $(seq 100); do [ -S "$work/m2" ] && break; sleep 0.1; done
    for _ in $(seq 300); do
        st=$(python3 "$guest_dir/qmp.py" "$work/m2" query-status)
        case $st in *prelaunch*|*paused*|*running*) break ;; esac
        sleep 0.1
    done
    python3 "$guest_dir/qmp.py" "$work/m2" query-vxlan-fdb > "$work/fdb2"
    python3 "$guest_dir/qmp.py" "$work/m2" query-vxlan-neigh > "$work/neigh2"
    kill $p2; wait $p2 2> /dev/null || true
    python3 - "$work/fdb2" "$work/neigh2" "$R1" "$H_MAC" <<'EOP'
import json, sys
fdb, neigh = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
ok = any(e["mac"] == sys.argv[3] and e["router"] and e["permanent"] for e in fdb) and \
    any(e["ip"] == "10.97.1.5" and e["mac"] == sys.argv[4] and e["permanent"] for e in neigh)
print("after migration: fdb %s, neighbours %s" % (fdb, neigh))
sys.exit(0 if ok else 1)
EOP
}

kernel_cells > "$work/kernel"
ours_cells > "$work/ours"
echo "Linux vxlan as G:"
cat "$work/kernel"
echo "-netdev vxlan as G:"
cat "$work/ours"
rc=0
diff "$work/kernel" "$work/ours" > /dev/null || { echo "cells differ from the kernel's"; rc=1; }
expect="router-on ping pass, H saw: dst $H_MAC src $R1"
grep -qxF "$expect" "$work/ours" || { echo "expected: $expect"; rc=1; }
grep -q '^router-off ping fail' "$work/ours" || { echo "without the router flag the ping must fail"; rc=1; }
migrate_check || { echo "the router flag or the neighbours did not migrate"; rc=1; }
exit $rc
