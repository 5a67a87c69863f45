#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Live migration with VFs enabled. The guest enables 4 VFs of a vnet-multi
# PF (bridge) on slirp, puts each in a namespace, and pings from VF 0 to
# VF 3 and from VF 1 to the uplink while a second QEMU (-incoming) takes
# it over. Then:
#  - the destination's query-vnet, read before it runs, lists the 4 VFs
#    (the PF's SR-IOV state came with it) with the host's settings
#    (vnet-vf-set before the move);
#  - both pings go on with at most a few replies lost;
#  - on the destination every VF still reaches every other and the
#    uplink, and the guest can disable and enable its VFs again.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

cat > "$work/script" <<'EOS'
wait_for_if eth0
ip link set eth0 up
pci=$(readlink -f /sys/class/net/eth0/device/..)
echo 4 > "$pci/sriov_numvfs"
into_netns() {
    for k in 0 1 2 3; do vf_into_netns "$pci" $k n$k 10.0.2.$((100 + k)); done
}
pairs() {
    bad=0
    for a in 0 1 2 3; do
        for b in 0 1 2 3; do
            [ $a = $b ] && continue
            ip netns exec n$a ping -c 1 -W 3 10.0.2.$((100 + b)) > /dev/null ||
                { echo "n$a -> n$b: no reply"; bad=1; }
        done
        ip netns exec n$a ping -c 1 -W 5 10.0.2.2 > /dev/null ||
            { echo "n$a -> uplink: no reply"; bad=1; }
    done
    return $bad
}
into_netns
pairs
echo MIGRATE-NOW
ip netns exec n0 ping -c 100 -i 0.2 10.0.2.103 > /tmp/p0 2>&1 & p0=$!
ip netns exec n1 ping -c 100 -i 0.2 10.0.2.2 > /tmp/p1 2>&1 & p1=$!
wait $p0 || true
wait $p1 || true
rc=0
pings_lost_at_most 5 /tmp/p0 /tmp/p1 || rc=1
pairs || rc=1
echo "after the move: every VF reaches every other and the uplink ($rc)"
echo 0 > "$pci/sriov_numvfs"
echo 4 > "$pci/sriov_numvfs"
into_netns
pairs || rc=1
echo "after the move, VFs disabled and enabled again: all pairs ($rc)"
exit $rc
EOS

args=(-netdev user,id=up -device pcie-root-port,id=rp0,chassis=1
      -device vnet-multi,id=pf0,netdev=up,bus=rp0,mac=02:00:00:00:0a:00,sriov-max-vfs=4)
"$run_guest" --timeout 300 "$work/script" "${args[@]}" \
    -qmp unix:"$work/a.qmp",server=on,wait=off > "$work/log" 2>&1 & pid=$!
pc=
vfs() { # QMP: the ids query-vnet lists after the PF
    python3 "$guest_dir/qmp.py" "$1" query-vnet | python3 -c '
import json, sys
print(" ".join(f["id"] for f in json.load(sys.stdin)[0]["functions"][1:]))'
}
move() {
    wait_mark MIGRATE-NOW 200 || return 1
    python3 "$guest_dir/qmp.py" "$work/a.qmp" vnet-vf-set '{"pf": "pf0", "vf": 2, "link-state": "enable"}' > /dev/null || return 1
    python3 "$guest_dir/qmp.py" "$work/a.qmp" vnet-vf-set '{"pf": "pf0", "vf": 3, "spoofchk": false, "trust": true}' > /dev/null || return 1
    sleep 2
    "$run_guest" --timeout 300 "$work/script" "${args[@]}" \
        -qmp unix:"$work/c.qmp",server=on,wait=off \
        -incoming unix:"$work/mig" -S > "$work/c.log" 2>&1 & pc=$!
    live_migrate "$work/a.qmp" "$work/c.qmp" "unix:$work/mig" || return 1
    for _ in $(seq 100); do
        [ "$(python3 "$guest_dir/qmp.py" "$work/c.qmp" query-status | python3 -c 'import json,sys; print(json.load(sys.stdin)["status"])')" = inmigrate ] || break
        sleep 0.1
    done
    local got
    got=$(vfs "$work/c.qmp")
    echo "destination's VFs before it ran: $got"
    [ "$got" = "pf0-vf0 pf0-vf1 pf0-vf2 pf0-vf3" ] || return 1
    got=$(python3 "$guest_dir/qmp.py" "$work/c.qmp" query-vnet | python3 -c '
import json, sys
for f in json.load(sys.stdin)[0]["functions"][1:]:
    v = f["vf"]
    print("%s:%s/%s/%s" % (f["id"], v["link-state"], v["spoofchk"], v["trust"]), end=" ")')
    echo "destination's VF settings before it ran: $got"
    [ "$got" = "pf0-vf0:auto/True/False pf0-vf1:auto/True/False pf0-vf2:enable/True/False pf0-vf3:auto/False/True " ] || return 1
    python3 "$guest_dir/qmp.py" "$work/c.qmp" cont > /dev/null || return 1
    python3 "$guest_dir/qmp.py" "$work/a.qmp" quit > /dev/null || true
}
rc=0
move || rc=1
wait "$pid" || true
if [ -n "$pc" ]; then
    [ $rc = 0 ] || kill "$pc" 2>/dev/null || true
    wait "$pc" || rc=1
else
    rc=1
fi
echo "--- source"; tr -d '\r' < "$work/log" | grep -v '^\s*$' | tail -15
echo "--- destination"; tr -d '\r' < "$work/c.log" 2>/dev/null | grep -v '^\s*$' | tail -15
exit $rc
