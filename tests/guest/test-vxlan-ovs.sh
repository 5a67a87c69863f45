#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Open vSwitch as a VXLAN peer: Debian's ovs-vswitchd with its userspace
# datapath (datapath_type=netdev, no kernel module), in a host network
# namespace reached over a veth, its underlay address on bridge br-phy as
# OVS's native tunnelling wants. Three overlays, each an OVS bridge with a
# vxlan port and an internal port (the host port behind OVS) and, in one
# guest, a vnet-multi on its own -netdev vxlan:
#   v4:   an IPv4 underlay, options:key=45, NORMAL switching;
#   v6:   an IPv6 underlay, options:key=46;
#   flow: options:key=flow, the VNI (47) set and matched by OpenFlow rules.
# On each, the guest's first ping reaches the host port, the host port
# pings back, and 10 MiB go intact each way over TCP. OVS's MAC table
# must hold the guest behind its vxlan port, ours the host port behind
# OVS's address, and the key=flow rules must have matched. Needs root.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

ns=vnetovs-$$
hv=vov$$
add_netns "$ns"
ip link add "$hv" type veth peer name ovsphy netns "$ns"
links_made+=("$hv")
ip addr add 198.18.45.1/24 dev "$hv"
ip addr add 198.18.45.11/24 dev "$hv"
ip addr add 2001:db8:45::1/64 dev "$hv" nodad
ip link set "$hv" up
# veth would hand the inner checksums on unfilled; OVS fills none.
ethtool -K "$hv" tx off > /dev/null
ip -n "$ns" link set lo up
ip -n "$ns" link set ovsphy up
ip netns exec "$ns" ethtool -K ovsphy tx off > /dev/null

ovs_netns "$ns"
ovs_vsctl add-br br-phy -- set bridge br-phy datapath_type=netdev \
    -- add-port br-phy ovsphy
ip -n "$ns" addr add 198.18.45.2/24 dev br-phy
ip -n "$ns" addr add 2001:db8:45::2/64 dev br-phy nodad
ip -n "$ns" link set br-phy up
# overlay NAME VXLAN-OPTIONS... : bridge br-NAME with vxlan port vx-NAME
# and internal port h-NAME, whose MTU ($MTU, or 1450) leaves room for the
# encapsulation (OVS does not lower it as the kernel lowers a vxlan
# device's).
overlay() {
    local n=$1
    shift
    ovs_vsctl add-br "br-$n" -- set bridge "br-$n" datapath_type=netdev \
        -- add-port "br-$n" "vx-$n" -- set interface "vx-$n" type=vxlan "$@" \
        -- add-port "br-$n" "h-$n" -- set interface "h-$n" type=internal mtu_request="${MTU:-1450}"
}
overlay v4 options:remote_ip=198.18.45.1 options:key=45
MTU=1430 overlay v6 options:remote_ip=2001:db8:45::1 options:key=46
overlay flow options:remote_ip=198.18.45.11 options:key=flow
ovs-ofctl del-flows br-flow
ovs-ofctl add-flow br-flow "in_port=h-flow,actions=set_field:47->tun_id,output:vx-flow"
ovs-ofctl add-flow br-flow "in_port=vx-flow,tun_id=47,actions=output:h-flow"
i=0
for n in v4 v6 flow; do
    i=$((i + 1))
    ip -n "$ns" link set "h-$n" address "02:00:00:00:45:0$i"
    ip -n "$ns" addr add "10.45.$i.2/24" dev "h-$n"
    ip -n "$ns" link set "h-$n" up
done

mkdir -p "$work/www"
head -c 10485760 /dev/urandom > "$work/www/blob"
sum=$(sha256sum "$work/www/blob" | cut -d' ' -f1)
ip netns exec "$ns" python3 "$guest_dir/http-server.py" "$work/www" "$work/http.port" 600 0.0.0.0 &
http_pid=$!
for _ in $(seq 50); do [ -s "$work/http.port" ] && break; sleep 0.1; done
port=$(cat "$work/http.port")

cat > "$work/script" <<EOS
i=0
for f in 05.0 06.0 07.0; do
    i=\$((i + 1))
    dev=\$(if_by_pci \$f)
    ip addr add 10.45.\$i.1/24 dev \$dev
    ip link set \$dev up
done
for i in 1 2 3; do
    # Cold: this is the first packet the guest sends to the host port.
    ping -c 1 -W 5 10.45.\$i.2 > /dev/null && echo "OVERLAY-\$i first ping answered"
    wget -q -O /tmp/blob http://10.45.\$i.2:$port/blob
    echo "OVERLAY-\$i download \$(sha256sum /tmp/blob | cut -d' ' -f1)"
    # busybox wget --post-file mangles binary data: send the POST with nc.
    up=\$({ printf 'POST /up HTTP/1.0\r\nContent-Length: 10485760\r\n\r\n'; cat /tmp/blob; } |
         nc 10.45.\$i.2 $port | tail -1)
    echo "OVERLAY-\$i upload \$up"
    rm /tmp/blob
done
echo GUEST-MOVED-ALL
# Up until the host has pinged us and read the tables.
timeout 120 nc -l -p 5003 > /dev/null || true
EOS
"$run_guest" --timeout 300 "$work/script" \
    -netdev vxlan,id=v4,vni=45,local=198.18.45.1,remote=198.18.45.2 \
    -device vnet-multi,netdev=v4,addr=5.0,mac=02:00:00:00:45:11 \
    -netdev vxlan,id=v6,vni=46,local=2001:db8:45::1,remote=2001:db8:45::2 \
    -device vnet-multi,netdev=v6,addr=6.0,mac=02:00:00:00:45:12 \
    -netdev vxlan,id=flow,vni=47,local=198.18.45.11,remote=198.18.45.2 \
    -device vnet-multi,netdev=flow,addr=7.0,mac=02:00:00:00:45:13 \
    -qmp unix:"$work/qmp",server=on,wait=off > "$work/log" 2>&1 & pid=$!

rc=0
wait_mark GUEST-MOVED-ALL 280 || rc=1
i=0
for n in v4 v6 flow; do
    i=$((i + 1))
    log=$(tr -d '\r' < "$work/log")
    if grep -q "^OVERLAY-$i first ping answered" <<< "$log"; then
        echo "$n: the guest's first ping was answered"
    else
        echo "$n: the guest's first ping went unanswered"; rc=1
    fi
    for way in download upload; do
        if grep -q "^OVERLAY-$i $way $sum" <<< "$log"; then
            echo "$n: 10 MiB $way intact"
        else
            echo "$n: $way: $(grep "^OVERLAY-$i $way" <<< "$log" || echo none), want $sum"; rc=1
        fi
    done
    pinged=$(ip netns exec "$ns" python3 "$guest_dir/icmp-ping.py" "10.45.$i.1" 3) || rc=1
    echo "$n: host port -> guest: $pinged"
    want=198.18.45.2
    [ $n = v6 ] && want=2001:db8:45::2
    if vxlan_learned "$work/qmp" "$n" "02:00:00:00:45:0$i" "$want"; then
        echo "$n: we learned the host port 02:00:00:00:45:0$i behind $want"
    else
        echo "$n: our FDB lacks 02:00:00:00:45:0$i behind $want:"
        python3 "$guest_dir/qmp.py" "$work/qmp" query-vxlan-fdb "{\"netdev\": \"$n\"}"; echo
        rc=1
    fi
done

# OVS learned the guest's MACs behind its vxlan ports (NORMAL bridges).
for n in v4 v6; do
    ofport=$(ovs_vsctl get interface "vx-$n" ofport)
    mac=02:00:00:00:45:1$([ $n = v4 ] && echo 1 || echo 2)
    if ovs_appctl fdb/show "br-$n" | awk -v p="$ofport" -v m="$mac" '$1 == p && $3 == m {f = 1} END {exit !f}'; then
        echo "$n: OVS learned the guest's $mac on vx-$n (port $ofport)"
    else
        echo "$n: OVS's MAC table lacks $mac on vx-$n:"; ovs_appctl fdb/show "br-$n"; rc=1
    fi
done
# Both key=flow rules carried traffic: what we send matched tun_id=47.
ovs-ofctl --names dump-flows br-flow | sed 's/^ *//' | tee "$work/flows"
if awk '/tun_id=0x2f/ && /in_port="?vx-flow"?/ { if (match($0, /n_packets=[0-9]+/) && substr($0, RSTART + 10, RLENGTH - 10) + 0 > 0) f = 1 } END { exit !f }' "$work/flows"; then
    echo "flow: frames from us matched tun_id=47"
else
    echo "flow: no frame from us matched tun_id=47"; rc=1
fi

ip netns exec "$ns" python3 -c \
    'import socket; socket.create_connection(("10.45.1.1", 5003), timeout=5).close()' || true
wait $pid || { echo "guest failed"; tail -30 "$work/log"; rc=1; }
if [ $rc != 0 ]; then
    echo "--- OVS's tunnel neighbours, ports and log tail"
    ovs_appctl tnl/neigh/show
    ovs_appctl tnl/ports/show -v
    ip neigh show dev "$hv"
    ip -n "$ns" link show br-phy
    for b in br-phy br-v4 br-v6 br-flow; do ovs-ofctl --names dump-ports "$b"; done
    tail -20 "$work/ovs/vs.log"
fi
exit $rc
