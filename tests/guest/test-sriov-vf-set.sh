#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The host's settings of the VFs the guest created (QMP vnet-vf-set, as
# `ip link set PF vf N ...`), enforced on a bridge-mode PF with 6 VFs in
# namespaces b0..b5 on slirp:
#  - spoofchk (on by default): b1 bridges a veth, whose frames leave the
#    VF with a foreign source MAC; they are dropped (tx-spoofed) and never
#    reach b0, and reach it once spoofchk is off. The bridge's promiscuous
#    request is refused to the untrusted VF;
#  - mac: set for VF 2 by the host, it is the VF's MAC once its driver binds
#    again; the untrusted VF cannot override it, and can once trusted;
#  - link-state (set through HMP vnet_vf_set): disable takes VF 3's carrier down and its traffic stops,
#    auto brings it back; enable keeps VFs 4 and 5 up and talking while the
#    uplink's cable is pulled, when the other VFs lose their carrier;
#  - vlan (a port VLAN, QMP and HMP): VFs 4 and 5 on VLAN 10 reach each
#    other and neither b0 nor slirp (untagged), what is not theirs is
#    counted (rx-vlan-port), and VF 4 reaches b0 once its VLAN is off;
#  - the settings show in query-vnet, and stay across the guest disabling
#    and re-enabling its VFs (VF 2 comes back with the host's MAC).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

cat > "$work/script" <<'EOS'
pf=eth0
ip link set $pf up
pci=$(readlink -f /sys/class/net/$pf/device/..)
setup() { vf_into_netns "$pci" "$1" "b$1" "10.0.2.$((100 + $1))"; }
carrier_is() { # K 0|1, within 5 s
    for _ in $(seq 50); do
        [ "$(ip netns exec "b$1" cat /sys/class/net/eth0/carrier 2>/dev/null)" = "$2" ] && return 0
        sleep 0.1
    done
    echo "b$1: carrier is not $2"
    return 1
}
reach() { ip netns exec "b$1" ping -c 1 -W 3 "10.0.2.$((100 + $2))" > /dev/null; }
host_checks() { echo "VFSET-$1"; head -n 1 /dev/ttyS1 > /dev/null; }

echo 6 > "$pci/sriov_numvfs"
for k in 0 1 2 3 4 5; do setup $k; done
reach 0 1

# spoofchk: a bridge in b1 forwards a veth's frames out of the VF.
ip netns add x
ip -n b1 link add br0 type bridge
ip -n b1 link set eth0 master br0
ip -n b1 link add vx type veth peer name vy netns x
ip -n b1 link set vx master br0
ip -n b1 link set vx up
ip -n b1 link set br0 up
ip -n x link set vy address 02:00:00:00:0f:50
ip -n x addr add 10.0.2.150/24 dev vy
ip -n x link set vy up
# b0's answer goes to a MAC no VF has, so no ping is answered; whether
# the ARP request reached b0 shows in b0's neighbour table.
ip netns exec x ping -c 1 -W 2 10.0.2.100 > /dev/null || true
if ip -n b0 neigh show 10.0.2.150 | grep -q lladdr; then
    echo "spoofchk on: b0 heard the bridged host"; exit 1
fi
echo "spoofchk on: the bridged host's frames did not reach b0"
host_checks spoofed
# x's own neighbour entry for b0 is still resolving (or failed) from the
# first try: a fresh one sends its ARP request now.
ip -n x neigh flush all
ip netns exec x ping -c 1 -W 2 10.0.2.100 > /dev/null || true
ip -n b0 neigh show 10.0.2.150 | grep -q "lladdr 02:00:00:00:0f:50" ||
    { echo "spoofchk off: b0 did not hear the bridged host"; exit 1; }
echo "spoofchk off: b0 heard the bridged host"

# mac: the host set VF 2's; its driver binds again and reads it.
host_checks mac
vf2=$(basename "$(readlink -f "$pci/virtfn2")")
echo "$vf2" > /sys/bus/pci/drivers/virtio-pci/unbind
echo "$vf2" > /sys/bus/pci/drivers/virtio-pci/bind
setup 2
got=$(ip -n b2 link show eth0 | sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p')
echo "VF 2 after its driver bound again: $got"
[ "$got" = 02:00:00:00:0b:22 ]
reach 2 0
if ip -n b2 link set eth0 address 02:00:00:00:0b:99 2>/dev/null; then
    echo "untrusted VF 2 overrode the host's MAC"; exit 1
fi
echo "untrusted VF 2 could not override the host's MAC"
host_checks trusted
ip -n b2 link set eth0 address 02:00:00:00:0b:99
reach 2 0
echo "trusted VF 2 took 02:00:00:00:0b:99 and reaches b0"

# link-state
host_checks link-disable
carrier_is 3 0
if reach 3 0; then echo "VF 3 with link-state disable reached b0"; exit 1; fi
echo "VF 3 link-state disable: no carrier, no traffic"
host_checks link-auto
carrier_is 3 1
reach 3 0
echo "VF 3 link-state auto: back"
host_checks link-enable-uplink-down
carrier_is 0 0
carrier_is 4 1
carrier_is 5 1
reach 4 5
echo "uplink down: VFs 4 and 5 (link-state enable) up and talking, VF 0 without carrier"
host_checks uplink-up
carrier_is 0 1

# Port VLAN 10 on VFs 4 and 5: they reach each other, not b0 (untagged)
# nor slirp (which takes no tags).
host_checks vlan
reach 4 5
reach 5 4
if reach 4 0 || reach 0 5; then echo "a port-VLAN VF reached an untagged one"; exit 1; fi
if ip netns exec b4 ping -c 1 -W 2 10.0.2.2 > /dev/null; then
    echo "VF 4 on VLAN 10 reached slirp"; exit 1
fi
echo "VLAN 10: VFs 4 and 5 reach each other, not b0 nor the uplink"
host_checks vlan-off
# b4's entry for b0 is still failing from the try above.
ip -n b4 neigh flush all
reach 4 0
echo "VF 4 without its port VLAN reaches b0"

# The settings stay across disabling and enabling the VFs.
echo 0 > "$pci/sriov_numvfs"
echo 6 > "$pci/sriov_numvfs"
for k in 0 1 2 3 4 5; do setup $k; done
got=$(ip -n b2 link show eth0 | sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p')
echo "VF 2 after the VFs came back: $got"
[ "$got" = 02:00:00:00:0b:22 ]
reach 2 0
host_checks persisted
echo "vf-set: all good"
EOS

"$run_guest" --timeout 400 "$work/script" \
    -netdev user,id=up -device pcie-root-port,id=rp0,chassis=1 \
    -device vnet-multi,id=pf0,netdev=up,bus=rp0,mac=02:00:00:00:0b:00,sriov-max-vfs=6 \
    -chardev socket,id=ctl,path="$work/ctl",server=on,wait=off -serial chardev:ctl \
    -qmp unix:"$work/qmp",server=on,wait=off > "$work/log" 2>&1 & pid=$!

# vf_field VF EXPR: a Python expression over query-vnet's entry `f` for
# pf0-vfVF.
vf_field() {
    qmp query-vnet | python3 -c '
import json, sys
fs = {f["id"]: f for f in json.load(sys.stdin)[0]["functions"]}
f = fs["pf0-vf" + sys.argv[1]]
print(eval(sys.argv[2]))' "$1" "$2"
}
vf_set() { qmp vnet-vf-set "$1" > /dev/null; }
# refused ARGS PATTERN: vnet-vf-set ARGS fails with an error matching PATTERN.
refused() {
    local err
    if err=$(qmp vnet-vf-set "$1" 2>&1); then
        echo "vnet-vf-set $1 was taken"
        return 1
    fi
    echo "refused $1: $err"
    echo "$err" | grep -q "$2"
}
step() { # MARK: wait for it, then the checks after it ran
    wait_mark "VFSET-$1" 300
}
drive() {
    step spoofed || return 1
    local spoofed promisc
    spoofed=$(vf_field 1 'sum(d["count"] for d in f["drops"] if d["reason"] == "tx-spoofed")')
    promisc=$(vf_field 1 'f["promisc"]')
    echo "pf0-vf1 with spoofchk on: tx-spoofed $spoofed, promisc $promisc"
    [ "$spoofed" -ge 1 ] && [ "$promisc" = False ] || return 1
    [ "$(vf_field 1 'f["vf"]["spoofchk"]')" = True ] || return 1
    vf_set '{"pf": "pf0", "vf": 1, "spoofchk": false}' || return 1
    say "$work/ctl" go
    step mac || return 1
    vf_set '{"pf": "pf0", "vf": 2, "mac": "02:00:00:00:0b:22"}' || return 1
    [ "$(vf_field 2 'f["mac"] + " " + str(f["vf"]["admin-mac"])')" = "02:00:00:00:0b:22 True" ] || return 1
    say "$work/ctl" go
    step trusted || return 1
    vf_set '{"pf": "pf0", "vf": 2, "trust": true}' || return 1
    say "$work/ctl" go
    step link-disable || return 1
    # Through HMP, in ip link's words.
    qmp human-monitor-command '{"command-line": "vnet_vf_set pf0 3 state disable spoofchk on"}' > "$work/hmp" || return 1
    [ "$(cat "$work/hmp")" = '""' ] || { echo "HMP: $(cat "$work/hmp")"; return 1; }
    [ "$(vf_field 3 'f["link"]')" = False ] || return 1
    qmp human-monitor-command '{"command-line": "info vnet"}' > "$work/hmp" || return 1
    grep -q 'vf 3: spoofchk on, trust off, link-state disable' "$work/hmp" || { cat "$work/hmp"; return 1; }
    qmp human-monitor-command '{"command-line": "vnet_vf_set pf0 3 state down"}' > "$work/hmp" || return 1
    echo "HMP, a bad state: $(cat "$work/hmp")"
    grep -q "'state': 'down' is not auto" "$work/hmp" || return 1
    say "$work/ctl" go
    step link-auto || return 1
    vf_set '{"pf": "pf0", "vf": 3, "link-state": "auto"}' || return 1
    say "$work/ctl" go
    step link-enable-uplink-down || return 1
    vf_set '{"pf": "pf0", "vf": 4, "link-state": "enable"}' || return 1
    vf_set '{"pf": "pf0", "vf": 5, "link-state": "enable"}' || return 1
    qmp set_link '{"name": "up", "up": false}' > /dev/null || return 1
    say "$work/ctl" go
    step uplink-up || return 1
    qmp set_link '{"name": "up", "up": true}' > /dev/null || return 1
    say "$work/ctl" go
    step vlan || return 1
    vf_set '{"pf": "pf0", "vf": 4, "vlan": 10, "qos": 2}' || return 1
    qmp human-monitor-command '{"command-line": "vnet_vf_set pf0 5 vlan 10"}' > "$work/hmp" || return 1
    [ "$(cat "$work/hmp")" = '""' ] || { echo "HMP: $(cat "$work/hmp")"; return 1; }
    [ "$(vf_field 4 'str(f["vf"]["vlan"]) + "/" + str(f["vf"]["qos"])')" = 10/2 ] || return 1
    say "$work/ctl" go
    step vlan-off || return 1
    local port
    port=$(vf_field 4 'sum(d["count"] for d in f["drops"] if d["reason"] == "rx-vlan-port")')
    echo "pf0-vf4 on VLAN 10: rx-vlan-port $port"
    [ "$port" -ge 1 ] || return 1
    vf_set '{"pf": "pf0", "vf": 4, "vlan": 0}' || return 1
    [ "$(vf_field 4 'str(f["vf"]["vlan"]) + "/" + str(f["vf"]["qos"])')" = 0/0 ] || return 1
    say "$work/ctl" go
    step persisted || return 1
    local got
    got=$(vf_field 1 'f["vf"]["spoofchk"]')/$(vf_field 2 'f["vf"]["trust"]')/$(vf_field 4 'f["vf"]["link-state"]')/$(vf_field 0 'f["vf"]["spoofchk"]')
    got=$got/$(vf_field 5 'f["vf"]["vlan"]')
    echo "after the VFs came back: vf1 spoofchk, vf2 trust, vf4 link-state, vf0 spoofchk, vf5 vlan: $got"
    [ "$got" = "False/True/enable/True/10" ] || return 1
    # Refused, each naming what is wrong: a VF the guest has not enabled,
    # a multicast MAC, another VF's MAC.
    refused '{"pf": "pf0", "vf": 6, "spoofchk": false}' "has enabled 6 VFs" || return 1
    refused '{"pf": "pf0", "vf": 0, "mac": "03:00:00:00:00:01"}' "multicast" || return 1
    refused '{"pf": "pf0", "vf": 0, "mac": "02:00:00:00:0b:22"}' "EADDRINUSE" || return 1
    refused '{"pf": "pf0", "vf": 0, "vlan": 4095}' "'vlan': 4095 is not a VLAN ID" || return 1
    refused '{"pf": "pf0", "vf": 0, "qos": 3}' "'qos' needs a 'vlan'" || return 1
    say "$work/ctl" go
}
run_drive
