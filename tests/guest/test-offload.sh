#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Offloads end to end with the stock virtio_net driver: 100 MiB over TCP
# between two macvlan children, each in its own namespace, arrive intact
# (SHA-256) in far fewer frames than 1500-byte ones would take (TSO frames
# cross whole); again with the receiver's `ethtool -K rx-gro-hw off`
# (CTRL_GUEST_OFFLOADS_SET: the device must cut the frames), and to a
# child with guest_csum=off (the device must also fill the checksums);
# and 32 MiB from function 0 to slirp, which takes no offload, so every
# TSO frame is cut before the uplink.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

mkdir -p "$work/www"
start_http "$work/www"
mib=100
# 1500-byte frames carry 1448 bytes of a stream: what a stream of $mib MiB
# would take without TSO, at least.
small=$((mib * 1048576 / 1448))

cat > "$work/script" <<EOS
wait_for_if eth0
wait_for_if eth3
$SLIRP_UP
for i in 1 2 3; do
    ip netns add c\$i
    ip link set eth\$i netns c\$i
    ip -n c\$i link set lo up
    ip -n c\$i addr add 10.0.0.\$i/24 dev eth\$i
    ip -n c\$i link set eth\$i up
done
ip netns exec c1 ethtool -k eth1 | grep -E '^(tcp-segmentation-offload|tx-checksumming|rx-gro-hw):'
mkdir /tmp/www
head -c $((mib * 1048576)) /dev/urandom > /tmp/www/blob
want=\$(sha256sum /tmp/www/blob | cut -d' ' -f1)
ip netns exec c1 httpd -p 80 -h /tmp/www
fetch() { # NS DEV LABEL: fetches the blob in NS, checks it, prints frames
    fetch_counted \$1 \$2 http://10.0.0.1/blob
    echo "\$3: sha256 \$got, \$frames frames"
    [ "\$got" = "\$want" ]
}
fetch c2 eth2 "c1 to c2, offloads on"
[ \$frames -lt $((small / 4)) ]
ip netns exec c2 ethtool -K eth2 rx-gro-hw off
ip netns exec c2 ethtool -k eth2 | grep -E '^rx-gro-hw:'
fetch c2 eth2 "c1 to c2, rx-gro-hw off"
[ \$frames -ge $small ]
fetch c3 eth3 "c1 to c3, guest_csum=off"
[ \$frames -ge $small ]
head -c 33554432 /tmp/www/blob > /tmp/up
upwant=\$(sha256sum /tmp/up | cut -d' ' -f1)
up=\$({ printf 'POST /upload HTTP/1.0\r\nContent-Length: 33554432\r\n\r\n'; cat /tmp/up; } |
     nc 10.0.2.2 $HTTP_PORT | tail -1)
echo "function 0 to slirp: the host saw sha256 \$up"
[ "\$up" = "\$upwant" ]
EOS
"$run_guest" "$work/script" -netdev user,id=up \
    -device vnet-multi,id=nic0,netdev=up,addr=5.0,multifunction=on \
    -device vnet-macvlan,id=c1,lower=nic0,addr=5.1,mode=bridge \
    -device vnet-macvlan,id=c2,lower=nic0,addr=5.2,mode=bridge \
    -device vnet-macvlan,id=c3,lower=nic0,addr=5.3,mode=bridge,guest_csum=off
