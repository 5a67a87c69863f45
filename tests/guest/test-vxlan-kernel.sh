#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Interop with the Linux kernel's vxlan: a vxlan device in a host network
# namespace, reached over a veth, and a guest on -netdev vxlan ping each
# other; the kernel's `bridge fdb show` lists the guest's MAC as learned
# and our query-vxlan-fdb lists the kernel side's. Needs root on the host.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

ns=vnetkx-$$
hv=vkx$$
kernel_vxlan "$ns" "$hv" 198.18.42 42 02:00:00:00:0c:02 10.98.0.2

cat > "$work/script" <<'EOS'
wait_for_if eth0
ip addr add 10.98.0.1/24 dev eth0
ip link set eth0 up
for i in $(seq 60); do ping -c 1 -W 1 10.98.0.2 > /dev/null 2>&1 && break; done
ping -c 5 -W 2 10.98.0.2
echo GUEST-PINGED-KERNEL
# Up until the host has pinged us and read both FDBs.
timeout 120 nc -l -p 5003 > /dev/null || true
EOS
qmp=$work/qmp
"$run_guest" --timeout 200 "$work/script" \
    -netdev vxlan,id=vx,vni=42,local=198.18.42.1,remote=198.18.42.2 \
    -device vnet-multi,netdev=vx,mac=02:00:00:00:0c:01 \
    -qmp unix:"$qmp",server=on,wait=off > "$work/log" 2>&1 & pid=$!

rc=0
wait_mark GUEST-PINGED-KERNEL 200 || rc=1
grep "packets transmitted" "$work/log" || true
grep -q GUEST-PINGED-KERNEL "$work/log" || { echo "guest could not ping the kernel"; rc=1; }

# The kernel side pings the guest.
pinged=$(ip netns exec "$ns" python3 "$guest_dir/icmp-ping.py" 10.98.0.1 5) || rc=1
echo "kernel -> guest: $pinged"

echo "kernel: bridge fdb show dev vx0:"
ip netns exec "$ns" bridge fdb show dev vx0 | tee "$work/kfdb"
if grep "^02:00:00:00:0c:01 dst 198.18.42.1" "$work/kfdb" | grep -qv permanent; then
    echo "kernel learned the guest's MAC behind 198.18.42.1"
else
    echo "kernel FDB lacks a learned entry for the guest's MAC"; rc=1
fi
python3 "$guest_dir/qmp.py" "$qmp" query-vxlan-fdb '{"netdev": "vx"}' > "$work/qfdb" || rc=1
echo "query-vxlan-fdb: $(cat "$work/qfdb")"
python3 - "$work/qfdb" <<'EOP' || rc=1
import json, sys
fdb = json.load(open(sys.argv[1]))
hit = [e for e in fdb if e["mac"] == "02:00:00:00:0c:02"]
ok = len(hit) == 1 and hit[0]["remote"] == "198.18.42.2" and not hit[0]["permanent"]
print("we learned the kernel's MAC behind 198.18.42.2" if ok else "no learned entry for the kernel's MAC")
sys.exit(0 if ok else 1)
EOP

ip netns exec "$ns" python3 -c \
    'import socket; socket.create_connection(("10.98.0.1", 5003), timeout=5).close()' || true
wait $pid || { echo "guest failed"; tail -20 "$work/log"; rc=1; }
exit $rc
