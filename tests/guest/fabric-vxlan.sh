#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A VXLAN fabric (`make check-fabric`; too slow for `make check`): six
# guests, each its own QEMU on -netdev vxlan in a host network namespace
# of its own, and the kernel's vxlan in a seventh, all in VNI 50 over one
# Linux bridge. Twice: with head-end replication (every member's
# all-zeros FDB entry lists the six others, `vxlan-fdb-add ... append` and
# `bridge fdb append`), then with a multicast group. Each time:
#   - every guest's first ping reaches each of the six others, and the
#     kernel's reaches each guest;
#   - a broadcast ping from each guest is answered by each member (its
#     own stack too) exactly once: a duplicate delivery answers twice;
#   - every FDB, ours (query-vxlan-fdb) and the kernel's (bridge fdb),
#     has learned each member's MAC behind its address;
#   - guest 6 migrates live to a QEMU in a new namespace with a new
#     local address: its announcement moves its MAC in every other FDB to
#     the new address, and every other guest's first ping reaches it.
# The guests wait on their second serial port for the host's word, so
# that each step starts only when every member is ready for it. Needs root.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

n=6
tag=$$
hub=vnetfab-$tag
add_netns "$hub"
ip -n "$hub" link add br0 type bridge mcast_snooping 0
ip -n "$hub" link set br0 up
ip -n "$hub" link set lo up
# member NAME ADDR [PORT]: a namespace on the hub's bridge (its port PORT,
# or pADDR), with underlay 198.18.50.ADDR/24.
member() {
    local m=$1-$tag p=${3:-p$2}
    add_netns "$m"
    ip -n "$hub" link add "$p" type veth peer name e0 netns "$m"
    ip -n "$hub" link set "$p" master br0 up
    ip -n "$m" addr add "198.18.50.$2/24" dev e0
    ip -n "$m" link set e0 up
    ip -n "$m" link set lo up
    ip -n "$m" route add 239.0.0.0/8 dev e0
    # veth would hand the kernel's inner checksums on unfilled.
    ip netns exec "$m" ethtool -K e0 tx off > /dev/null
}
for i in $(seq $n) 7; do member "m$i" "$i"; done
lx=m7-$tag
ip netns exec "$lx" sysctl -qw net.ipv4.icmp_echo_ignore_broadcasts=0
mac() { printf '02:00:00:00:50:%02x' "$1"; }
members=$(seq -s ' ' 7)

# The guest's side of each step; `head -n 1 /dev/ttyS1` waits for the host.
cat > "$work/script" <<EOS
dev=\$(if_by_pci 05.0)
# Which member this is: its MAC's last byte.
mac=\$(cat /sys/class/net/\$dev/address)
me=\$((0x\${mac##*:}))
echo 0 > /proc/sys/net/ipv4/icmp_echo_ignore_broadcasts
ip addr add 10.50.0.\$me/24 dev \$dev
ip link set \$dev up
pings() { # WORD
    for j in $members; do
        [ \$j = \$me ] && continue
        if ping -c 1 -W 5 10.50.0.\$j > /dev/null; then r=ok; else r=lost; fi
        echo "\$1 \$me->\$j \$r"
    done
}
echo FABRIC-READY
head -n 1 /dev/ttyS1 > /dev/null
pings REACH
# One request: each other member's answer is a line, the second on are DUP.
ping -c 2 -i 10 -w 4 10.50.0.255 | sed -n 's/.* bytes from 10\.50\.0\.\([0-9]*\):.*/BCAST \1/p'
echo FABRIC-PINGED
head -n 1 /dev/ttyS1 > /dev/null
pings AFTER
echo FABRIC-DONE
head -n 1 /dev/ttyS1 > /dev/null
EOS

# wait_all MARK SECONDS LOGS...: until each log has MARK.
wait_all() {
    local mark=$1 t=$2 l
    shift 2
    for _ in $(seq $((t * 5))); do
        ok=1
        for l in "$@"; do grep -q "$mark" "$l" || { ok=0; break; }; done
        [ $ok = 1 ] && return 0
        sleep 0.2
    done
    for l in "$@"; do grep -q "$mark" "$l" || echo "$(basename "$l"): no $mark"; done
    return 1
}
kfdb_has() { # MAC REMOTE
    ip netns exec "$lx" bridge fdb show dev vx0 | grep "^$1 dst $2 " | grep -qv permanent
}

rc=0
phase() { # her|group
    local mode=$1 i j pids=() logs=() grp= t0 moved
    echo "=== $mode"
    rm -f "$work"/*.log "$work"/ctl* "$work"/qmp* "$work"/mig*
    [ "$mode" = group ] && grp=,group=239.1.1.50
    ip -n "$lx" link del vx0 2> /dev/null || true
    # shellcheck disable=SC2086
    ip -n "$lx" link add vx0 address "$(mac 7)" type vxlan id 50 dstport 4789 \
        local 198.18.50.7 $([ -n "$grp" ] && echo "group 239.1.1.50 dev e0")
    ip -n "$lx" addr add 10.50.0.7/24 dev vx0
    if [ "$mode" = her ]; then
        for j in $(seq $n); do
            bridge -n "$lx" fdb append 00:00:00:00:00:00 dev vx0 dst "198.18.50.$j"
        done
    fi
    ip -n "$lx" link set vx0 up
    # her_list QMP I: guest I's replication list, every other member.
    her_list() {
        for j in $members; do
            [ "$j" = "$2" ] && continue
            python3 "$guest_dir/qmp.py" "$1" vxlan-fdb-add \
                "{\"netdev\": \"vx\", \"mac\": \"00:00:00:00:00:00\", \"remote\": \"198.18.50.$j\", \"append\": true}" > /dev/null
        done
    }
    qemu_args() { # I LOCAL_SUFFIX
        echo "-netdev vxlan,id=vx,vni=50,local=198.18.50.$2$grp"
        echo "-device vnet-multi,netdev=vx,addr=5.0,mac=$(mac "$1")"
        echo "-chardev socket,id=ctl,path=$work/ctl$2,server=on,wait=off -serial chardev:ctl"
        echo "-qmp unix:$work/qmp$2,server=on,wait=off"
    }
    for i in $(seq $n); do
        # shellcheck disable=SC2046
        ip netns exec "m$i-$tag" "$run_guest" --timeout 400 "$work/script" \
            $(qemu_args "$i" "$i") -S > "$work/g$i.log" 2>&1 &
        pids+=($!)
        logs+=("$work/g$i.log")
    done
    # Cold: the replication lists are in place before the guests run.
    for i in $(seq $n); do
        for _ in $(seq 100); do [ -S "$work/qmp$i" ] && break; sleep 0.1; done
        [ "$mode" = her ] && her_list "$work/qmp$i" "$i"
        python3 "$guest_dir/qmp.py" "$work/qmp$i" cont > /dev/null
    done
    t0=$SECONDS
    wait_all FABRIC-READY 300 "${logs[@]}" || rc=1
    echo "all $n guests ready after $((SECONDS - t0)) s"
    for i in $(seq $n); do say "$work/ctl$i" go; done
    wait_all FABRIC-PINGED 120 "${logs[@]}" || rc=1

    local lost=0 reach=0
    for i in $(seq $n); do
        reach=$((reach + $(tr -d '\r' < "$work/g$i.log" | grep -c "^REACH $i->[0-9] ok" || true)))
        tr -d '\r' < "$work/g$i.log" | grep "^REACH $i->[0-9] lost" && lost=1
        bc=$(tr -d '\r' < "$work/g$i.log" | sed -n 's/^BCAST //p' | sort -n | tr '\n' ' ')
        # The guest's own stack answers too, as Linux's does.
        want="$members "
        if [ "$bc" = "$want" ]; then
            echo "guest $i's broadcast: answered once by each member"
        else
            echo "guest $i's broadcast: answered by '$bc', want '$want'"; rc=1
        fi
    done
    echo "guests' first pings answered: $reach of $((n * 6))"
    [ $reach = $((n * 6)) ] && [ $lost = 0 ] || rc=1
    for i in $(seq $n); do
        ip netns exec "$lx" python3 "$guest_dir/icmp-ping.py" "10.50.0.$i" 1 > /dev/null ||
            { echo "kernel -> guest $i: lost"; rc=1; }
    done

    # Learning has converged: every member behind its address, everywhere.
    local miss=0
    for i in $(seq $n); do
        for j in $members; do
            [ "$j" = "$i" ] && continue
            vxlan_learned "$work/qmp$i" vx "$(mac "$j")" "198.18.50.$j" ||
                { echo "guest $i's FDB lacks $(mac "$j") behind 198.18.50.$j"; miss=1; }
        done
        kfdb_has "$(mac "$i")" "198.18.50.$i" ||
            { echo "the kernel's FDB lacks $(mac "$i") behind 198.18.50.$i"; miss=1; }
    done
    [ $miss = 0 ] && echo "all $((n * 6 + n)) FDB entries learned" || rc=1

    # Guest 6 moves to 198.18.50.16 in a new namespace.
    member "mv-$mode" 16 "p16$mode"
    # shellcheck disable=SC2046
    ip netns exec "mv-$mode-$tag" "$run_guest" --timeout 400 "$work/script" \
        $(qemu_args $n 16) -incoming "unix:$work/mig" > "$work/g16.log" 2>&1 &
    local pd=$!
    for _ in $(seq 100); do [ -S "$work/qmp16" ] && break; sleep 0.1; done
    # The all-zeros entries are the netdev's configuration, not learned
    # state: like any QMP-made configuration, the destination is given
    # them before the move (the learned FDB migrates).
    [ "$mode" = her ] && her_list "$work/qmp16" $n
    echo -n "guest $n: "
    live_migrate "$work/qmp$n" "$work/qmp16" "unix:$work/mig" || rc=1
    python3 "$guest_dir/qmp.py" "$work/qmp$n" quit > /dev/null 2>&1 || true
    t0=$SECONDS
    # Bounded wait for the announcement to be learned everywhere.
    for _ in $(seq 100); do
        moved=1
        for i in $(seq $((n - 1))); do
            vxlan_learned "$work/qmp$i" vx "$(mac $n)" 198.18.50.16 || { moved=0; break; }
        done
        [ $moved = 1 ] && kfdb_has "$(mac $n)" 198.18.50.16 && break
        moved=0
        sleep 0.2
    done
    if [ $moved = 1 ]; then
        echo "every FDB has guest $n behind 198.18.50.16 within $((SECONDS - t0)) s"
    else
        echo "FDBs did not follow guest $n to 198.18.50.16"; rc=1
        for i in $(seq $((n - 1))); do
            python3 "$guest_dir/qmp.py" "$work/qmp$i" query-vxlan-fdb '{"netdev": "vx"}'; echo
        done
        ip netns exec "$lx" bridge fdb show dev vx0
        python3 "$guest_dir/qmp.py" "$work/qmp16" query-vxlan; echo
        tail -20 "$work/g16.log"
    fi
    logs[n - 1]=$work/g16.log
    for i in $(seq $((n - 1))) 16; do say "$work/ctl$i" moved; done
    wait_all FABRIC-DONE 120 "${logs[@]}" || rc=1
    local after=0
    for l in "${logs[@]}"; do
        after=$((after + $(tr -d '\r' < "$l" | grep -c "^AFTER [0-9]->$n ok" || true)))
        tr -d '\r' < "$l" | grep "^AFTER [0-9]->[0-9] lost" && rc=1
    done
    echo "after the move, first pings to guest $n answered: $after of $((n - 1))"
    [ $after = $((n - 1)) ] || rc=1
    ip netns exec "$lx" python3 "$guest_dir/icmp-ping.py" "10.50.0.$n" 1 > /dev/null ||
        { echo "kernel -> moved guest $n: lost"; rc=1; }
    for i in $(seq $((n - 1))) 16; do say "$work/ctl$i" end; done
    for p in "${pids[@]}" $pd; do wait "$p" || true; done
    for l in "${logs[@]}"; do
        grep -q "VNET-GUEST-EXIT=0" "$l" || { echo "$(basename "$l") did not end well:"; tail -5 "$l"; rc=1; }
    done
    # The next phase's guest 6 moves to the same address.
    ip -n "$hub" link del "p16$mode"
}
for ph in ${FABRIC_PHASES:-her group}; do phase "$ph"; done
exit $rc
