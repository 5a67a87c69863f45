#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# SR-IOV as a guest drives it: three vnet-multi PFs on pcie-root-ports,
# each on its own slirp uplink, in sriov-mode bridge (8 VFs), private (4)
# and vepa (4), and a fourth with sriov-kind=ipvlan (l2, bridge; 4). The guest enables every PF's maximum through sriov_numvfs,
# the stock virtio_net binds each VF, and each VF goes into a network
# namespace of its own, as a CNI's sriov or host-device plugin moves it.
#  - bridge (an eswitch's VEB): every VF's first ping reaches every other
#    VF (all 56 pairs), the PF (function 0, whose own first ping reaches
#    each VF) and the uplink;
#  - private and vepa: the PF reaches no VF (they are not on a VEB);
#  - private: no VF reaches another (all 12 pairs fail), each the uplink;
#  - vepa: each VF reaches the uplink;
#  - ipvlan l2 bridge: every VF reaches every other (12 pairs) and the
#    uplink, each with the PF's MAC;
#  - the bridge PF's VFs are cycled 8 -> 0 -> 8 while a private VF pings
#    the uplink (at most one reply lost) and the PF and a bridge VF ping
#    VFs that go away, and work again, cold;
#  - query-vnet's accounting identities (each function's rings against
#    what it sent, dropped and was delivered, as the qtest suite checks
#    them) hold on the macvlan PFs at every step, the cycle and the
#    unplug included;
#  - query-vnet lists a PF's enabled VFs only, at each step;
#  - device_del of the vepa PF, its VFs enabled, takes the PF and its VFs
#    out of the guest and out of query-vnet, the other PFs' VFs working.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

cat > "$work/script" <<'EOS'
by_mac() {
    for i in /sys/class/net/*; do
        [ "$(cat "$i/address")" = "$1" ] && { basename "$i"; return 0; }
    done
    return 1
}
# enable PF N: sriov_numvfs, checked; prints the PF's PCI directory.
enable() {
    pci=$(readlink -f "/sys/class/net/$1/device/..")
    echo "$2" > "$pci/sriov_numvfs"
    [ "$(cat "$pci/sriov_numvfs")" = "$2" ]
}
# into_netns PF TAG BASE N: VF k into namespace TAGk as eth0, 10.0.2.(BASE+k).
into_netns() {
    pci=$(readlink -f "/sys/class/net/$1/device/..")
    for k in $(seq 0 $(($4 - 1))); do
        vf_into_netns "$pci" "$k" "$2$k" "10.0.2.$(($3 + k))"
    done
}
# pairs TAG BASE N: every VF's first ping to every other; prints failures.
pairs() {
    for a in $(seq 0 $(($3 - 1))); do
        for b in $(seq 0 $(($3 - 1))); do
            [ "$a" = "$b" ] && continue
            ip netns exec "$1$a" ping -c 1 -W 3 "10.0.2.$(($2 + b))" > /dev/null ||
                echo "$1$a -> $1$b: no reply"
        done
    done
}
uplink() { # TAG N
    for k in $(seq 0 $(($2 - 1))); do
        ip netns exec "$1$k" ping -c 1 -W 5 10.0.2.2 > /dev/null ||
            { echo "$1$k: no reply from the uplink"; return 1; }
    done
    echo "$1: all $2 VFs reach the uplink"
}
host_checks() { echo "SRIOV-CHECK-$1"; head -n 1 /dev/ttyS1 > /dev/null; }

wait_for_if eth3
pfb=$(by_mac 02:00:00:00:0b:00)
pfp=$(by_mac 02:00:00:00:0c:00)
pfv=$(by_mac 02:00:00:00:0d:00)
pfi=$(by_mac 02:00:00:00:0e:00)
echo "PFs: bridge $pfb, private $pfp, vepa $pfv, ipvlan $pfi"
for pf in $pfb $pfp $pfv $pfi; do ip link set "$pf" up; done
[ "$(cat "$(readlink -f /sys/class/net/$pfb/device/..)/sriov_totalvfs")" = 8 ]
enable "$pfb" 8
enable "$pfp" 4
enable "$pfv" 4
enable "$pfi" 4
into_netns "$pfb" b 100 8
into_netns "$pfp" p 120 4
into_netns "$pfv" v 140 4
into_netns "$pfi" i 160 4
host_checks enabled

bad=$(pairs b 100 8)
[ -z "$bad" ] || { echo "bridge: $bad"; exit 1; }
echo "bridge: all 56 pairs answered their first ping"
uplink b 8
# The PF is the VEB's port too: its stack and each VF, both ways.
ip addr add 10.0.2.99/24 dev "$pfb"
for k in 0 1 2 3 4 5 6 7; do
    ping -c 1 -W 3 10.0.2.$((100 + k)) > /dev/null || { echo "PF -> b$k: no reply"; exit 1; }
    ip netns exec b$k ping -c 1 -W 3 10.0.2.99 > /dev/null || { echo "b$k -> PF: no reply"; exit 1; }
done
echo "bridge: the PF and every VF reach each other"

# Private: in parallel, or the 12 timeouts would add up.
for a in 0 1 2 3; do
    for b in 0 1 2 3; do
        [ $a = $b ] && continue
        ip netns exec p$a ping -c 1 -W 2 10.0.2.$((120 + b)) > /dev/null 2>&1 &&
            echo "p$a -> p$b answered" >> /tmp/private &
    done
done
wait
[ ! -s /tmp/private ] || { echo "private: $(cat /tmp/private)"; exit 1; }
echo "private: none of the 12 pairs answered"
uplink p 4
uplink v 4
# Off the VEB (private, vepa), the PF's frames go to the uplink only.
ip addr add 10.0.2.98/24 dev "$pfp"
ip addr add 10.0.2.97/24 dev "$pfv"
if ip netns exec p0 ping -c 1 -W 2 10.0.2.98 > /dev/null 2>&1 ||
   ip netns exec v0 ping -c 1 -W 2 10.0.2.97 > /dev/null 2>&1; then
    echo "a private or vepa VF reached its PF"; exit 1
fi
echo "private, vepa: the PF reaches no VF"
bad=$(pairs i 160 4)
[ -z "$bad" ] || { echo "ipvlan: $bad"; exit 1; }
echo "ipvlan: all 12 pairs answered their first ping"
uplink i 4
for k in 0 1 2 3; do
    [ "$(ip netns exec i$k cat /sys/class/net/eth0/address)" = 02:00:00:00:0e:00 ]
done

# A background job ignores SIGINT: stop ping with SIGTERM, count replies.
ip netns exec p0 ping -i 0.2 10.0.2.2 > /tmp/pp 2>&1 & pp=$!
# Traffic on the VFs that go away too: the PF pings b7 through the whole
# cycle, b0 pings b1 until b0's VF vanishes (busybox ping ends on a send
# error). query-vnet's accounting identities are checked at each step,
# under this traffic.
ping -i 0.05 10.0.2.107 > /dev/null 2>&1 & f1=$!
ip netns exec b0 ping -i 0.05 10.0.2.101 > /dev/null 2>&1 & f2=$!
enable "$pfb" 0
host_checks disabled
enable "$pfb" 8
into_netns "$pfb" b 100 8
host_checks reenabled
kill $pp $f1 $f2 2>/dev/null || true; wait $pp $f1 $f2 || true
got=$(grep -c 'bytes from' /tmp/pp)
sent=$(( $(sed -n 's/.*seq=\([0-9]*\).*/\1/p' /tmp/pp | sort -n | tail -1) + 1 ))
echo "p0 during the cycle: $sent sent, $got answered"
[ "$got" -ge $((sent - 1)) ] && [ "$sent" -ge 5 ]
bad=$(pairs b 100 8)
[ -z "$bad" ] || { echo "bridge after the cycle: $bad"; exit 1; }
echo "bridge after the cycle: all 56 pairs answered their first ping"
uplink b 8

echo SRIOV-UNPLUG-NOW
for _ in $(seq 300); do
    [ ! -e "/sys/class/net/$pfv" ] && ! ip -n v0 link show eth0 > /dev/null 2>&1 &&
        ! ip -n v3 link show eth0 > /dev/null 2>&1 && break
    sleep 0.2
done
[ ! -e "/sys/class/net/$pfv" ] || { echo "$pfv is still there"; exit 1; }
echo "the vepa PF and its VFs are gone from the guest"
host_checks unplugged
uplink i 4
bad=$(pairs b 100 8)
[ -z "$bad" ] || { echo "bridge after the unplug: $bad"; exit 1; }
echo "sriov: all good"
EOS

"$run_guest" --timeout 400 "$work/script" \
    -netdev user,id=up1 -netdev user,id=up2 -netdev user,id=up3 \
    -device pcie-root-port,id=rp1,chassis=1 \
    -device vnet-multi,id=pfb,netdev=up1,bus=rp1,mac=02:00:00:00:0b:00,sriov-max-vfs=8 \
    -device pcie-root-port,id=rp2,chassis=2 \
    -device vnet-multi,id=pfp,netdev=up2,bus=rp2,mac=02:00:00:00:0c:00,sriov-max-vfs=4,sriov-mode=private \
    -device pcie-root-port,id=rp3,chassis=3 \
    -device vnet-multi,id=pfv,netdev=up3,bus=rp3,mac=02:00:00:00:0d:00,sriov-max-vfs=4,sriov-mode=vepa \
    -netdev user,id=up4 -device pcie-root-port,id=rp4,chassis=4 \
    -device vnet-multi,id=pfi,netdev=up4,bus=rp4,mac=02:00:00:00:0e:00,sriov-max-vfs=4,sriov-kind=ipvlan \
    -chardev socket,id=ctl,path="$work/ctl",server=on,wait=off -serial chardev:ctl \
    -qmp unix:"$work/qmp",server=on,wait=off > "$work/log" 2>&1 & pid=$!

# vfs PF: the ids query-vnet lists for PF after the PF itself.
vfs() {
    qmp query-vnet | python3 -c '
import json, sys
for v in json.load(sys.stdin):
    if v["id"] == sys.argv[1]:
        print(" ".join(f["id"] for f in v["functions"][1:]))' "$1"
}
expect_vfs() { # PF N
    local want="" k
    for k in $(seq 0 $(($2 - 1))); do want="$want $1-vf$k"; done
    echo "query-vnet $1:$(vfs "$1" | sed 's/^/ /')"
    [ "$(vfs "$1")" = "${want# }" ]
}
# identities STEP: the accounting identities on every PF and VF, kept in
# $work/ident-STEP. The ipvlan PF's VFs share its MAC, so their link-local
# addresses collide and their frames wait while ipvlan asks who owns them:
# each such frame must still be counted once.
identities() {
    ring_identities > "$work/ident-$1" || { cat "$work/ident-$1"; return 1; }
}
drive() {
    wait_mark SRIOV-CHECK-enabled 300 || return 1
    expect_vfs pfb 8 && expect_vfs pfp 4 && expect_vfs pfv 4 &&
        expect_vfs pfi 4 || return 1
    identities enabled || return 1
    grep -h "^pfi-vf" "$work/ident-enabled"
    say "$work/ctl" go
    wait_mark SRIOV-CHECK-disabled || return 1
    expect_vfs pfb 0 && expect_vfs pfp 4 || return 1
    identities disabled || return 1
    say "$work/ctl" go
    wait_mark SRIOV-CHECK-reenabled || return 1
    expect_vfs pfb 8 || return 1
    identities reenabled || return 1
    grep -h "^pfb-vf[07]:\|^pfb:" "$work/ident-reenabled"
    say "$work/ctl" go
    wait_mark SRIOV-UNPLUG-NOW || return 1
    qmp device_del '{"id": "pfv"}' || return 1
    wait_mark SRIOV-CHECK-unplugged || return 1
    local left=
    for _ in $(seq 50); do
        left=$(qmp query-vnet | python3 -c 'import json,sys; print(" ".join(v["id"] for v in json.load(sys.stdin)))')
        [ "$left" = "pfb pfp pfi" ] && break
        sleep 0.1
    done
    echo "query-vnet after device_del pfv: $left"
    [ "$left" = "pfb pfp pfi" ] || return 1
    expect_vfs pfb 8 && expect_vfs pfp 4 && expect_vfs pfi 4 || return 1
    identities unplugged || return 1
    tail -1 "$work/ident-unplugged"
    say "$work/ctl" go
}
run_drive
