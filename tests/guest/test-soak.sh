#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A bounded soak (SOAK_SECONDS, 120 by default): traffic on every function
# at once (pings at 20 per second and repeated 1 MiB downloads through
# function 0 and the child c1; pings between c1 and a child c2 while it
# exists) while the host, over QMP, keeps hot-adding c2 into alternating
# root ports and removing it, and flaps the uplink's link and c1's.
# Afterwards: every function still works, and query-vnet's counts agree
# for every function (each frame a child's guest queued was sent or
# dropped under a tx- reason on it; each frame delivered is in its rings;
# all the lower sent is what the uplink got). Run on the sanitized build
# (make check-sanitize), QEMU's exit adds LeakSanitizer's verdict.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

soak=${SOAK_SECONDS:-120}
serve_blob 2>/dev/null  # not a line per download

cat > "$work/script" <<EOS
wait_until() {
    t=\$(( \$1 * 5 )); shift
    while ! "\$@" >/dev/null 2>&1; do
        t=\$((t - 1))
        [ \$t -le 0 ] && { echo "timed out waiting for: \$*"; return 1; }
        sleep 0.2
    done
}
by_mac() {
    for i in /sys/class/net/*; do
        [ "\$(cat "\$i/address")" = "\$1" ] && { basename "\$i"; return 0; }
    done
    return 1
}
wait_for_if eth0
wait_for_if eth1
$SLIRP_UP
ip netns add c1
ip link set eth1 netns c1
ip -n c1 addr add 10.0.2.16/24 dev eth1
ip -n c1 link set eth1 up
ip -n c1 route add default via 10.0.2.2
ip netns add c2
ping -c 1 -W 5 10.0.2.2 >/dev/null
ip netns exec c1 ping -c 1 -W 5 10.0.2.2 >/dev/null
echo SOAK-START
end=\$(( \$(date +%s) + $soak ))
ping -q -i 0.05 10.0.2.2 > /tmp/p0 2>&1 & p0=\$!
ip netns exec c1 ping -q -i 0.05 10.0.2.2 > /tmp/p1 2>&1 & p1=\$!
( while [ \$(date +%s) -lt \$end ]; do
      wget -q -O /dev/null http://10.0.2.2:$HTTP_PORT/blob || sleep 1; done ) & w0=\$!
( while [ \$(date +%s) -lt \$end ]; do
      ip netns exec c1 wget -q -O /dev/null http://10.0.2.2:$HTTP_PORT/blob || sleep 1
  done ) & w1=\$!
# Whenever the host has added c2, it goes to namespace c2 and pings c1.
used=0
while [ \$(date +%s) -lt \$end ]; do
    if dev=\$(by_mac 02:00:00:00:00:c2); then
        ip link set "\$dev" netns c2 &&
            ip -n c2 addr add 10.0.2.17/24 dev "\$dev" &&
            ip -n c2 link set "\$dev" up &&
            ip netns exec c2 ping -q -c 20 -i 0.05 -W 1 10.0.2.16 >/dev/null &&
            used=\$((used + 1))
    fi
    sleep 0.5
done
kill \$p0 \$p1 2>/dev/null || true
wait \$w0 \$w1 || true
wait \$p0 \$p1 || true
echo "soak over: c2 reached c1 in \$used of its lives"
[ \$used -ge 2 ]
# Links back and every function working.
wait_until 30 grep -q 1 /sys/class/net/eth0/carrier
wait_until 30 sh -c '! ip -n c1 link show eth1 | grep -q NO-CARRIER'
ping -c 2 -W 5 10.0.2.2 >/dev/null
ip netns exec c1 ping -c 2 -W 5 10.0.2.2 >/dev/null
wget -q -O /tmp/blob http://10.0.2.2:$HTTP_PORT/blob
[ "\$(sha256sum /tmp/blob | cut -d' ' -f1)" = "$BLOB_SUM" ]
echo "every function works after the soak"
echo SOAK-CHECK-NOW
# Quiet while the host reads the counters.
sleep 5
EOS

q() { qmp "$@" > /dev/null; }

timeout=$((soak + 200))
"$run_guest" --timeout "$timeout" "$work/script" \
    -netdev user,id=up \
    -device vnet-multi,id=nic0,netdev=up,addr=5.0,multifunction=on,mac=02:00:00:00:00:01,queues=2 \
    -device vnet-macvlan,id=c1,lower=nic0,addr=5.1,mode=bridge,mac=02:00:00:00:00:c1 \
    -device pcie-root-port,id=rp1,chassis=1,slot=1,addr=7.0 \
    -device pcie-root-port,id=rp2,chassis=2,slot=2,addr=8.0 \
    -qmp unix:"$work/qmp",server=on,wait=off > "$work/log" 2>&1 & pid=$!

drive() {
    local cycles=0 port
    wait_mark SOAK-START 300 || return 1
    local deadline=$((SECONDS + soak - 15))
    while [ $SECONDS -lt $deadline ]; do
        port=rp$((cycles % 2 + 1))
        q device_add "{\"driver\": \"vnet-macvlan\", \"id\": \"c2\", \"lower\": \"nic0\", \"bus\": \"$port\", \"mode\": \"bridge\", \"mac\": \"02:00:00:00:00:c2\"}" || return 1
        sleep 3
        q set_link '{"name": "up", "up": false}' || return 1
        sleep 1
        q set_link '{"name": "up", "up": true}' || return 1
        q set_link '{"name": "c1", "up": false}' || return 1
        sleep 1
        q set_link '{"name": "c1", "up": true}' || return 1
        sleep 2
        q device_del '{"id": "c2"}' || return 1
        for _ in $(seq 150); do
            [ "$(functions)" = "nic0 c1" ] && break
            sleep 0.2
        done
        [ "$(functions)" = "nic0 c1" ] || { echo "c2 was not removed"; return 1; }
        cycles=$((cycles + 1))
    done
    echo "host: $cycles cycles of add, link flaps and remove"
    [ $cycles -ge 2 ] || return 1
    wait_mark SOAK-CHECK-NOW 120 || return 1
    ring_identities
}
rc=0
drive || { rc=1; kill "$pid" 2>/dev/null; }
wait $pid || rc=1
tr -d "\r" < "$work/log" | grep -v -e "^\s*$" -e "^http-server:" | tail -25
exit $rc
