#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The stock virtio_net driver binds vnet-multi's function 0, which pings
# slirp's 10.0.2.2 and moves 1 MiB each way over TCP intact.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

serve_blob
sum=$BLOB_SUM

cat > "$work/script" <<EOS
wait_for_if eth0
drv=\$(basename "\$(readlink /sys/class/net/eth0/device/driver)")
pci=/sys/class/net/eth0/device/..
echo "eth0: driver \$drv, PCI \$(cat \$pci/vendor):\$(cat \$pci/device)"
[ "\$drv" = virtio_net ]
[ "\$(cat \$pci/vendor)" = 0x1af4 ] && [ "\$(cat \$pci/device)" = 0x1041 ]
$SLIRP_UP
ping -c 3 -W 5 10.0.2.2
wget -q -O /tmp/blob http://10.0.2.2:$HTTP_PORT/blob
got=\$(sha256sum /tmp/blob | cut -d' ' -f1)
echo "download sha256 \$got"
[ "\$got" = "$sum" ]
# busybox wget --post-file mangles binary data: send the POST with nc.
up=\$({ printf 'POST /upload HTTP/1.0\r\nContent-Length: 1048576\r\n\r\n'; cat /tmp/blob; } |
     nc 10.0.2.2 $HTTP_PORT | tail -1)
echo "upload sha256 as the host saw it: \$up"
[ "\$up" = "$sum" ]
EOS
"$run_guest" "$work/script" -netdev user,id=up -device vnet-multi,netdev=up
