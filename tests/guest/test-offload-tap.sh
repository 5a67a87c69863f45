#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Offloads through an uplink that carries a virtio-net header: vnet-multi
# on `-netdev tap,vnet_hdr=on`, the tap's far end in a host network
# namespace this test makes, with an HTTP peer there. 64 MiB from the host
# to a macvlan child and 32 MiB back arrive intact (SHA-256), in far fewer
# frames than 1500-byte ones would take on both sides: the host's large
# frames come in whole (GUEST_TSO through the lower to the child) and the
# child's TSO frames go to the host whole (the host fetches from the
# child's httpd). Then the child turns its
# receive offload off (ethtool -K rx-gro-hw off) and the device cuts the
# host's frames for it. query-vnet reports the uplink's vnet_hdr and no
# drop but the host's chatter before the guest's links are up.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

ns=vnet-tap-$$
tap=vnettap$$
add_netns "$ns"
ip -n "$ns" link set lo up
# Made before QEMU opens it, so the peer is in place when the guest starts.
ip -n "$ns" tuntap add dev "$tap" mode tap vnet_hdr
ip -n "$ns" addr add 10.9.0.1/24 dev "$tap"
ip -n "$ns" link set "$tap" up
mkdir -p "$work/www"
mib=64
head -c $((mib * 1048576)) /dev/urandom > "$work/www/blob"
want=$(sha256sum "$work/www/blob" | cut -d' ' -f1)
ip netns exec "$ns" python3 "$guest_dir/http-server.py" "$work/www" \
    "$work/http.port" 600 10.9.0.1 & http_pid=$!
for _ in $(seq 50); do
    [ -s "$work/http.port" ] && break
    sleep 0.1
done
port=$(cat "$work/http.port")
# 1500-byte frames carry 1448 bytes of a stream.
small=$((mib * 1048576 / 1448))
up=32
upsmall=$((up * 1048576 / 1448))

cat > "$work/script" <<EOS
wait_for_if eth0
wait_for_if eth1
ip link set eth0 up
ip netns add c1
ip link set eth1 netns c1
ip -n c1 link set lo up
ip -n c1 addr add 10.9.0.11/24 dev eth1
ip -n c1 link set eth1 up
fetch() { # LABEL: fetches the blob in c1, checks it, prints frames
    fetch_counted c1 eth1 http://10.9.0.1:$port/blob
    echo "\$1: sha256 \$got, \$frames frames"
    [ "\$got" = "$want" ]
}
fetch "host to c1, offloads on"
[ \$frames -lt $((small / 4)) ]
mkdir /tmp/www
head -c $((up * 1048576)) /dev/urandom > /tmp/www/up
ip netns exec c1 httpd -p 80 -h /tmp/www
echo "SERVING \$(sha256sum /tmp/www/up | cut -d' ' -f1)"
# The host fetches it, then says so on port 81.
ip netns exec c1 nc -l -p 81 > /dev/null
ip netns exec c1 ethtool -K eth1 rx-gro-hw off
fetch "host to c1, rx-gro-hw off"
[ \$frames -ge $small ]
echo "TRANSFERS-DONE"
sleep 5
EOS
ip netns exec "$ns" "$run_guest" --timeout 300 "$work/script" \
    -qmp unix:"$work/qmp",server=on,wait=off \
    -netdev tap,id=up,ifname="$tap",script=no,downscript=no,vnet_hdr=on \
    -device vnet-multi,id=nic0,netdev=up,addr=5.0,multifunction=on \
    -device vnet-macvlan,id=c1,lower=nic0,addr=5.1,mode=bridge \
    > "$work/log" 2>&1 & pid=$!
wait_mark SERVING 240 || { cat "$work/log"; exit 1; }
upwant=$(sed -n 's/^SERVING \([0-9a-f]*\).*/\1/p' "$work/log" | head -1)
rx0=$(ip netns exec "$ns" cat "/sys/class/net/$tap/statistics/rx_packets")
upgot=$(ip netns exec "$ns" python3 -c '
import hashlib, socket, sys, urllib.request
h = hashlib.sha256()
with urllib.request.urlopen("http://10.9.0.11/up", timeout=120) as r:
    for chunk in iter(lambda: r.read(65536), b""):
        h.update(chunk)
print(h.hexdigest())
socket.create_connection(("10.9.0.11", 81), timeout=30).close()
')
rx1=$(ip netns exec "$ns" cat "/sys/class/net/$tap/statistics/rx_packets")
echo "c1 to host: sha256 $upgot, the host's tap took $((rx1 - rx0)) frames"
wait_mark TRANSFERS-DONE 240 || { cat "$work/log"; exit 1; }
qmp query-vnet > "$work/vnet.json"
rc=0
wait "$pid" || rc=$?
cat "$work/log"
[ $rc = 0 ]
[ "$upgot" = "$upwant" ]
# Cut into 1500-byte frames the download alone would be $upsmall.
[ $((rx1 - rx0)) -lt $((upsmall / 4)) ]
python3 - "$work/vnet.json" <<'EOF'
import json, sys
v = json.load(open(sys.argv[1]))[0]
print("uplink-vnet-hdr:", v["uplink-vnet-hdr"])
assert v["uplink-vnet-hdr"] is True
# The host's own chatter before the guest's interfaces are up (IPv6
# solicitations) may be dropped as link-down or filtered; nothing else.
benign = {"rx-link-down", "rx-filtered"}
for f in v["functions"]:
    drops = {d["reason"]: d["count"] for d in f["drops"] if d["count"]}
    print(f["id"], "drops:", drops or "none")
    assert drops.keys() <= benign, f["id"]
EOF
