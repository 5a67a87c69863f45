#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Remote checksum offload both ways with the Linux kernel's vxlan
# (`remcsumtx remcsumrx`) in a host namespace: each side leaves the inner
# TCP and UDP checksums it would have filled to the receiver, with the RCO
# flag. A guest on -netdev vxlan,remcsum-rx=on,remcsum-tx=on fetches 1 MiB
# over HTTP from the kernel side (the kernel's checksums reach the guest
# still partial), takes UDP datagrams from it, and uploads the 1 MiB back
# (TCP segmentation offload: the netdev cuts the guest's 64 KiB frames and
# sends each segment with RCO). All arrive intact, a
# capture on the veth shows the RCO flag on both sides' datagrams,
# neither stack counts a checksum error and query-vxlan counts no drop.
# Then a second guest whose NIC takes no partial checksum
# (virtio-net-pci,guest_csum=off) fetches the 1 MiB again: the netdev
# finishes the kernel's checksums for it. Without remcsum-rx the kernel's
# datagrams are refused (the flag is a reserved bit) as Linux refuses
# them. Needs root on the host.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

ns=vnetrco-$$
hv=vrc$$
kernel_vxlan "$ns" "$hv" 198.18.48 48 02:00:00:00:10:02 10.95.0.2 remcsumtx remcsumrx

# Datagrams carrying inner TCP or UDP, each way, with and without the RCO
# flag (the first word's bit 0x00200000).
python3 - "$hv" > "$work/capture" 2>&1 <<'EOP' &
import socket, struct, sys, time
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0003))
s.bind((sys.argv[1], 0))
s.settimeout(1)
end = time.time() + 150
n = {}
while time.time() < end:
    try:
        f, addr = s.recvfrom(2048)
    except socket.timeout:
        continue
    if f[12:14] != b"\x08\x00" or f[14 + 9] != 17:
        continue
    ip = f[14:]
    udp = ip[(ip[0] & 15) * 4:]
    if struct.unpack("!H", udp[2:4])[0] != 4789:
        continue
    inner = udp[16:]
    if inner[12:14] != b"\x08\x00" or inner[14 + 9] not in (6, 17):
        continue
    way = "ours" if addr[2] == socket.PACKET_OUTGOING else "kernel's"
    kind = "rco" if struct.unpack("!I", udp[8:12])[0] & 0x00200000 else "plain"
    n[way, kind] = n.get((way, kind), 0) + 1
    print("%s rco %d plain %d" % (way, n.get((way, "rco"), 0), n.get((way, "plain"), 0)),
          flush=True)
EOP
cap=$!

serve_blob "$ns" 10.95.0.2
sum=$BLOB_SUM port=$HTTP_PORT

cat > "$work/script" <<EOS
wait_for_if eth0
ip addr add 10.95.0.1/24 dev eth0
ip link set eth0 up
wget -q -O /tmp/blob http://10.95.0.2:$port/blob
echo "GUEST-SHA \$(sha256sum /tmp/blob | cut -d' ' -f1)"
# busybox wget --post-file mangles binary data: send the POST with nc.
echo "GUEST-UP \$({ printf 'POST /up HTTP/1.0\r\nContent-Length: 1048576\r\n\r\n'; cat /tmp/blob; } |
     nc 10.95.0.2 $port | tail -1)"
echo READY-FOR-UDP
# The host sends its datagrams to a closed port, then connects here: the
# guest's UDP checks each checksum before it finds no socket (NoPorts),
# and counts a bad one as InCsumErrors.
timeout 60 nc -l -p 5004 > /dev/null || true
echo "GUEST-UDP \$(grep '^Udp: [0-9]' /proc/net/snmp)"
# Up until the host has read query-vxlan.
timeout 120 nc -l -p 5003 > /dev/null || true
EOS
qmp=$work/qmp
"$run_guest" --timeout 200 "$work/script" \
    -netdev vxlan,id=vx,vni=48,local=198.18.48.1,remote=198.18.48.2,remcsum-rx=on,remcsum-tx=on \
    -device vnet-multi,netdev=vx,mac=02:00:00:00:10:01 \
    -qmp unix:"$qmp",server=on,wait=off > "$work/log" 2>&1 & pid=$!

rc=0
wait_mark READY-FOR-UDP 200 || rc=1
ip netns exec "$ns" python3 - <<'EOP' || rc=1
import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(20):
    s.sendto(b"remote checksum offload %d" % i, ("10.95.0.1", 9))
    time.sleep(0.02)
socket.create_connection(("10.95.0.1", 5004), timeout=5).close()
EOP
wait_mark GUEST-UDP 60 || rc=1
got=$(tr -d '\r' < "$work/log" | sed -n 's/^GUEST-SHA //p')
echo "blob $sum, guest got ${got:-nothing}"
[ "$got" = "$sum" ] || { echo "the blob did not arrive intact"; rc=1; }
up=$(tr -d '\r' < "$work/log" | sed -n 's/^GUEST-UP //p')
echo "upload as the kernel side saw it: ${up:-nothing}"
[ "$up" = "$sum" ] || { echo "the upload did not arrive intact"; rc=1; }
# The kernel's TCP and UDP checksum errors: none.
ip netns exec "$ns" awk '/^(Tcp|Udp): [0-9]/ { print "kernel side " $0 }' /proc/net/snmp |
    tee "$work/ksnmp"
awk '$3 == "Tcp:" && $NF != 0 { bad = 1 } $3 == "Udp:" && $10 != 0 { bad = 1 }
     END { exit bad }' "$work/ksnmp" || { echo "the kernel counted checksum errors"; rc=1; }
# /proc/net/snmp's Udp: InDatagrams NoPorts InErrors OutDatagrams
# RcvbufErrors SndbufErrors InCsumErrors ...
udp=$(tr -d '\r' < "$work/log" | sed -n 's/^GUEST-UDP Udp: //p')
echo "guest's Udp counters: ${udp:-none}"
read -r _ noports _ _ _ _ csumerr _ <<< "${udp:-x x x x x x x}"
[ "$noports" -ge 20 ] 2>/dev/null && [ "$csumerr" = 0 ] ||
    { echo "the guest did not take 20 datagrams with good checksums"; rc=1; }
qmp query-vxlan > "$work/stats" || rc=1
ip netns exec "$ns" python3 -c \
    'import socket; socket.create_connection(("10.95.0.1", 5003), timeout=5).close()' || true
wait $pid || rc=1
# The second guest, its NIC without GUEST_CSUM.
cat > "$work/script2" <<EOS
wait_for_if eth0
ip addr add 10.95.0.1/24 dev eth0
ip link set eth0 up
echo "GUEST-SHA-NO-CSUM \$(wget -q -O - http://10.95.0.2:$port/blob | sha256sum | cut -d' ' -f1)"
EOS
"$run_guest" --timeout 200 "$work/script2" \
    -netdev vxlan,id=vx,vni=48,local=198.18.48.1,remote=198.18.48.2,remcsum-rx=on \
    -device virtio-net-pci,netdev=vx,mac=02:00:00:00:10:03,guest_csum=off \
    > "$work/log2" 2>&1 || rc=1
got=$(tr -d '\r' < "$work/log2" | sed -n 's/^GUEST-SHA-NO-CSUM //p')
echo "a NIC without GUEST_CSUM got ${got:-nothing}"
[ "$got" = "$sum" ] || { echo "the blob did not arrive intact without GUEST_CSUM"; rc=1; }
kill $cap 2>/dev/null || true
wait $cap 2>/dev/null || true

# Each side offloads every checksum its stack leaves partial (the data,
# the UDP datagrams); a few ACKs the kernel checksums itself
# (ip_send_unicast_reply).
for way in "kernel's" ours; do
    seen=$(grep "^$way rco" "$work/capture" | tail -1)
    echo "$way datagrams with inner TCP or UDP: ${seen:-none}"
    [ "$(echo "${seen:-x x 0}" | awk '{ print $3 }')" -gt 100 ] ||
        { echo "too few of $way datagrams with the RCO flag"; rc=1; }
done
python3 - "$work/stats" <<'EOP' || rc=1
import json, sys
info = json.load(open(sys.argv[1]))[0]
drops = {d["reason"]: d["count"] for d in info["drops"] + info["socket-drops"] if d["count"]}
print("query-vxlan drops: %s" % drops)
sys.exit(1 if drops else 0)
EOP
exit $rc
