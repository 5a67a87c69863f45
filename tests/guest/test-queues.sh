#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# queues=4: the guest sees 4 combined channels; `ethtool -L combined N`
# changes the active pairs through the control queue for N in 1..4, with
# traffic flowing after each change; at 4 pairs, flows spread over queues.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

mkdir -p "$work/www"
head -c 65536 /dev/urandom > "$work/www/small"
sum=$(sha256sum "$work/www/small" | cut -d' ' -f1)
start_http "$work/www"

cat > "$work/script" <<EOS
wait_for_if eth0
$SLIRP_UP
ethtool -l eth0
max=\$(ethtool -l eth0 | awk '/Pre-set maximums/{p=1} p && /^Combined/{print \$2; exit}')
echo "pre-set maximum combined channels: \$max"
[ "\$max" = 4 ]
for n in 1 2 3 4; do
    ethtool -L eth0 combined \$n
    cur=\$(ethtool -l eth0 | awk '/Current hardware/{p=1} p && /^Combined/{print \$2; exit}')
    rx=\$(ls -d /sys/class/net/eth0/queues/rx-* | wc -l)
    tx=\$(ls -d /sys/class/net/eth0/queues/tx-* | wc -l)
    echo "combined \$n: ethtool says \$cur, sysfs has \$rx rx and \$tx tx queues"
    [ "\$cur" = \$n ] && [ \$rx = \$n ] && [ \$tx = \$n ]
    ping -c 1 -W 5 10.0.2.2
    got=\$(wget -q -O - http://10.0.2.2:$HTTP_PORT/small | sha256sum | cut -d' ' -f1)
    [ "\$got" = "$sum" ]
done
for i in \$(seq 16); do
    wget -q -O /dev/null http://10.0.2.2:$HTTP_PORT/small
done
ethtool -S eth0 | grep -E 'rx_queue_[0-9]+_packets'
used=\$(ethtool -S eth0 | awk '/rx_queue_[0-9]+_packets/ && \$2 > 0 {n++} END {print n+0}')
echo "RX queues that received packets: \$used"
[ \$used -ge 2 ]
EOS
"$run_guest" "$work/script" -netdev user,id=up -device vnet-multi,netdev=up,queues=4
