#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# group= and socket sharing: two guests, each QEMU in a network namespace
# of its own joined by a veth, with two vxlan netdevs on one host socket
# (VNI 42 on a multicast group for vnet-multi, VNI 43 on another group for
# a stock NIC: virtio-net-pci in A, e1000 in B). Broadcast reaches the
# peer through the groups, unicast through what was learned; each VNI
# reaches only its own subnet. Needs root.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

na=vnetga-$$
nb=vnetgb-$$
add_netns "$na"
add_netns "$nb"
ip -n "$na" link add va type veth peer name vb netns "$nb"
for n in "$na:va:198.18.43.1" "$nb:vb:198.18.43.2"; do
    IFS=: read -r ns dev addr <<< "$n"
    ip -n "$ns" link set lo up
    ip -n "$ns" addr add "$addr/24" dev "$dev"
    ip -n "$ns" link set "$dev" up
    ip -n "$ns" route add 239.0.0.0/8 dev "$dev"
done

guest() { # MY_SUFFIX PEER_SUFFIX [serve]
    cat <<EOS
wait_for_if eth0
wait_for_if eth1
# Answer ARP only for the interface's own address, so that a reply can
# only come from the VNI the request travelled on.
echo 1 > /proc/sys/net/ipv4/conf/all/arp_ignore
ip addr add 10.42.0.$1/24 dev eth0
ip addr add 10.43.0.$1/24 dev eth1
ip link set eth0 up
ip link set eth1 up
for i in \$(seq 90); do ping -c 1 -W 1 10.42.0.$2 > /dev/null 2>&1 && break; done
ping -c 3 -W 2 10.42.0.$2
ping -c 3 -W 2 10.43.0.$2
# The VNIs stay apart: the peer's VNI 43 address is not behind eth0.
ip route add 10.43.0.$2/32 dev eth0
if ping -c 2 -W 1 10.43.0.$2 > /dev/null 2>&1; then
    echo "VNI 42 reached VNI 43"; exit 1
fi
ip route del 10.43.0.$2/32 dev eth0
echo GROUP-OK
# Stay up while the peer finishes.
sleep 8
EOS
}
guest 1 2 > "$work/a.sh"
guest 2 1 > "$work/b.sh"
vx() { # LOCAL
    echo "-netdev vxlan,id=vx42,vni=42,local=$1,group=239.1.1.42"
    echo "-netdev vxlan,id=vx43,vni=43,local=$1,group=239.1.1.43"
}
# shellcheck disable=SC2046
ip netns exec "$na" "$run_guest" --timeout 200 "$work/a.sh" $(vx 198.18.43.1) \
    -device vnet-multi,netdev=vx42,mac=02:00:00:00:2a:01 \
    -device virtio-net-pci,netdev=vx43,mac=02:00:00:00:2b:01,romfile= \
    > "$work/a.log" 2>&1 & pa=$!
# shellcheck disable=SC2046
ip netns exec "$nb" "$run_guest" --timeout 200 "$work/b.sh" $(vx 198.18.43.2) \
    -device vnet-multi,netdev=vx42,mac=02:00:00:00:2a:02 \
    -device e1000,netdev=vx43,mac=02:00:00:00:2b:02,romfile= \
    > "$work/b.log" 2>&1 & pb=$!
rc=0
wait $pa || rc=1
wait $pb || rc=1
for g in a b; do
    echo "--- guest $g"
    grep -E "packets transmitted|GROUP-OK|VNI 42" "$work/$g.log" || true
    if ! grep -q GROUP-OK "$work/$g.log"; then
        tail -20 "$work/$g.log"
        rc=1
    fi
done
exit $rc
