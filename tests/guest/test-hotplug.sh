#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Run-time changes, driven over QMP while the guest runs:
#  - a vnet-macvlan child is added with device_add into a pcie-root-port;
#    the guest's virtio_net binds it, the guest brings it up in its own
#    namespace and pings slirp's 10.0.2.2 through it; device_del removes
#    it and the interface goes away in the guest;
#  - meanwhile function 0 and the cold-plugged child c1 ping without a
#    break (at most one reply lost each);
#  - set_link on the uplink takes the carrier of function 0 and of c1
#    down in the guest and brings it back; set_link on c1 alone takes only
#    c1's down.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

cat > "$work/script" <<'EOS'
# wait_until SECONDS CMD...: poll CMD every 0.2 s.
wait_until() {
    t=$(( $1 * 5 )); shift
    while ! "$@" >/dev/null 2>&1; do
        t=$((t - 1))
        [ $t -le 0 ] && { echo "timed out waiting for: $*"; return 1; }
        sleep 0.2
    done
}
carrier() { # NS IF: 0 or 1
    ip -n "$1" link show "$2" | grep -q NO-CARRIER && echo 0 || echo 1
}
carrier_is() { [ "$(carrier "$1" "$2")" = "$3" ]; }
# A background job ignores SIGINT, so ping is stopped with SIGTERM and
# prints no summary: count its replies and its highest sequence number.
received() { grep -c 'bytes from' "$1"; }
sent() { echo $(( $(sed -n 's/.*seq=\([0-9]*\).*/\1/p' "$1" | sort -n | tail -1) + 1 )); }

wait_for_if eth0
wait_for_if eth1
ip addr add 10.0.2.15/24 dev eth0
ip link set eth0 up
ip route add default via 10.0.2.2
ip netns add c1
ip link set eth1 netns c1
ip -n c1 addr add 10.0.2.16/24 dev eth1
ip -n c1 link set eth1 up
ip -n c1 route add default via 10.0.2.2
ping -c 1 -W 5 10.0.2.2 >/dev/null
ip netns exec c1 ping -c 1 -W 5 10.0.2.2 >/dev/null
ping -i 0.5 10.0.2.2 > /tmp/p0 2>&1 & p0=$!
ip netns exec c1 ping -i 0.5 10.0.2.2 > /tmp/p1 2>&1 & p1=$!
sleep 1

echo HOTPLUG-ADD-NOW
# Named by the kernel's next free ethN in this namespace: find it by MAC.
by_mac() {
    for i in /sys/class/net/*; do
        [ "$(cat "$i/address")" = "$1" ] && { basename "$i"; return 0; }
    done
    return 1
}
wait_until 60 by_mac 02:00:00:00:00:c2
new=$(by_mac 02:00:00:00:00:c2)
drv=$(basename "$(readlink /sys/class/net/$new/device/driver)")
echo "hot-added $new: driver $drv, PCI $(basename "$(readlink -f /sys/class/net/$new/device)")"
[ "$drv" = virtio_net ]
ip netns add c2
ip link set "$new" netns c2
ip -n c2 link set "$new" name hot0
ip -n c2 addr add 10.0.2.17/24 dev hot0
ip -n c2 link set hot0 up
ip netns exec c2 ping -c 3 -W 5 10.0.2.2
echo HOTPLUG-PINGED

echo HOTPLUG-DEL-NOW
wait_until 60 sh -c '! ip -n c2 link show hot0'
echo "hot0 is gone from the guest"
sleep 1
kill $p0 $p1
wait $p0 $p1 || true
for f in /tmp/p0 /tmp/p1; do
    echo "$f: $(sent $f) sent, $(received $f) received"
    [ "$(received $f)" -ge $(( $(sent $f) - 1 )) ]
    [ "$(sent $f)" -ge 4 ]
done

echo SETLINK-UPLINK-OFF-NOW
wait_until 30 carrier_is c1 eth1 0
wait_until 30 sh -c '! cat /sys/class/net/eth0/carrier | grep -q 1'
echo "uplink down: carrier eth0 $(cat /sys/class/net/eth0/carrier), c1 $(carrier c1 eth1)"
echo SETLINK-UPLINK-ON-NOW
wait_until 30 carrier_is c1 eth1 1
wait_until 30 grep -q 1 /sys/class/net/eth0/carrier
ip netns exec c1 ping -c 2 -W 5 10.0.2.2 >/dev/null
echo "uplink back: carrier eth0 $(cat /sys/class/net/eth0/carrier), c1 $(carrier c1 eth1)"

echo SETLINK-CHILD-OFF-NOW
wait_until 30 carrier_is c1 eth1 0
[ "$(cat /sys/class/net/eth0/carrier)" = 1 ]
ping -c 2 -W 5 10.0.2.2 >/dev/null
echo "c1 down alone: carrier eth0 $(cat /sys/class/net/eth0/carrier), c1 $(carrier c1 eth1)"
echo SETLINK-CHILD-ON-NOW
wait_until 30 carrier_is c1 eth1 1
ip netns exec c1 ping -c 2 -W 5 10.0.2.2 >/dev/null
echo "hotplug and set_link: all good"
EOS

"$run_guest" --timeout 240 "$work/script" \
    -netdev user,id=up \
    -device vnet-multi,id=nic0,netdev=up,addr=5.0,multifunction=on,mac=02:00:00:00:00:01 \
    -device vnet-macvlan,id=c1,lower=nic0,addr=5.1,mode=bridge,mac=02:00:00:00:00:c1 \
    -device pcie-root-port,id=rp1,chassis=1,slot=1,addr=7.0 \
    -qmp unix:"$work/qmp",server=on,wait=off > "$work/log" 2>&1 & pid=$!
drive() {
    wait_mark HOTPLUG-ADD-NOW || return 1
    qmp device_add '{"driver": "vnet-macvlan", "id": "c2", "lower": "nic0", "bus": "rp1", "mode": "bridge", "mac": "02:00:00:00:00:c2"}' || return 1
    echo "functions after device_add: $(functions)"
    [ "$(functions)" = "nic0 c1 c2" ] || return 1
    wait_mark HOTPLUG-DEL-NOW || return 1
    qmp device_del '{"id": "c2"}' || return 1
    wait_mark "hot0 is gone" || return 1
    echo "functions after device_del: $(functions)"
    [ "$(functions)" = "nic0 c1" ] || return 1
    wait_mark SETLINK-UPLINK-OFF-NOW || return 1
    qmp set_link '{"name": "up", "up": false}' || return 1
    wait_mark SETLINK-UPLINK-ON-NOW || return 1
    qmp set_link '{"name": "up", "up": true}' || return 1
    wait_mark SETLINK-CHILD-OFF-NOW || return 1
    qmp set_link '{"name": "c1", "up": false}' || return 1
    wait_mark SETLINK-CHILD-ON-NOW || return 1
    qmp set_link '{"name": "c1", "up": true}'
}
run_drive
