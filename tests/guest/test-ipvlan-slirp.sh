#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# ipvlan children through slirp, as a user would set them up:
#  - an l3 child (and an l3s one) on a lower with ip=10.0.2.15/24,
#    gw=10.0.2.2 ping each other and 10.0.2.2, each first try from a cold
#    start (the l3s child has sent nothing when the l3 one pings it), and
#    fetch 1 MiB over HTTP from the host intact;
#  - an ipvlan (l2) on a macvlan child delivers both ways: it pings
#    10.0.2.2 and fetches the same file.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

serve_blob
sum=$BLOB_SUM

cat > "$work/script" <<EOS
netns_at() { # PCI-FUNCTION NS IP
    for d in /sys/class/net/*; do
        case \$(readlink -f \$d/device/..) in */0000:00:\$1) dev=\$(basename \$d) ;; esac
    done
    ip netns add \$2
    ip link set \$dev netns \$2
    ip -n \$2 link set lo up
    ip -n \$2 addr add \$3/24 dev \$dev
    ip -n \$2 link set \$dev up
    ip -n \$2 route add default via 10.0.2.2
    echo "\$2: \$dev at 00:\$1, \$3"
}
fetch() { # NS
    got=\$(ip netns exec \$1 wget -q -O - http://10.0.2.2:$HTTP_PORT/blob | sha256sum | cut -d' ' -f1)
    echo "\$1 fetched sha256 \$got"
    [ "\$got" = "$sum" ]
}
# lo and six functions
i=0
while [ \$(ls /sys/class/net | wc -l) -lt 7 ]; do
    i=\$((i + 1)); [ \$i -lt 100 ]; sleep 0.1
done
netns_at 05.1 l3 10.0.2.16
netns_at 05.2 l3s 10.0.2.17
netns_at 06.2 onmac 10.0.2.19
# No warm-up: each first ping must be answered.
first_ping() { # NS IP
    ip netns exec \$1 ping -c 1 -W 3 \$2 >/dev/null && echo "\$1: first ping to \$2 answered"
}
first_ping l3 10.0.2.17
first_ping l3 10.0.2.2
first_ping l3s 10.0.2.2
first_ping onmac 10.0.2.2
fetch l3
fetch l3s
fetch onmac
EOS
"$run_guest" --timeout 180 "$work/script" \
    -netdev user,id=up \
    -device vnet-multi,id=low,netdev=up,addr=5.0,multifunction=on,ip=10.0.2.15/24,gw=10.0.2.2 \
    -device vnet-ipvlan,lower=low,addr=5.1,mode=l3 \
    -device vnet-ipvlan,lower=low,addr=5.2,mode=l3s \
    -netdev user,id=up2 \
    -device vnet-multi,id=low2,netdev=up2,addr=6.0,multifunction=on,mac=52:54:00:12:34:60 \
    -device vnet-macvlan,id=m1,lower=low2,addr=6.1,mode=bridge,mac=52:54:00:12:34:61 \
    -device vnet-ipvlan,lower=m1,addr=6.2,mode=l2
