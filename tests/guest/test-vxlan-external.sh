#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Metadata mode (-netdev vxlan,external=on,vlan-tunnel=...) against the
# Linux kernel's own: a `vxlan external` device in a VLAN-filtering bridge
# with `vlan_tunnel on`, VLANs 110/120/130 mapped to VNIs 1000/2000/3000,
# a VLAN interface of the bridge on each. The kernel's side runs in the
# guest (the host's bridge has no VLAN filtering), in a namespace of its
# own whose underlay NIC is a tap to the host; our side is a trunk in
# another namespace on vnet-multi, VLANs 10 and 20 mapped to VNIs 1000
# and 2000 and untagged frames to 3000. Other VLAN IDs on each side: the
# VNI is what the two agree on. The trunk pings each of the kernel's
# addresses, every ping answered from the first, and fetches 1 MiB over
# HTTP on VLAN 20 intact; a VLAN of no map line (40) gets nowhere and is
# counted. A capture on the tap checks every datagram both ways: its inner
# frame untagged, its VNI the one of its subnet's VLAN. Each FDB holds the
# other's MAC per VNI: the kernel's `bridge fdb show` (src_vni) and our
# query-vxlan-fdb (src-vni), one MAC learned apart in three VNIs. A VNI
# neither side maps lands, on both, in the untagged network (the kernel's
# vxlan port's PVID, our vni=): an ARP request the host sends on it to each
# side is answered from there. Needs root on the host.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

tap=vnetext$$
ip tuntap add dev "$tap" mode tap
links_made+=("$tap")
ip addr add 198.18.52.1/24 dev "$tap"
# Room for a 1500-byte inner frame and its 50 bytes of outer headers.
ip link set "$tap" mtu 1600 up

# Every VXLAN datagram on the tap: direction, VNI, whether its inner frame
# is tagged, the inner IPv4 or ARP addresses' second byte (10.X.0.Y), and
# for ARP its operation and target address.
python3 - "$tap" > "$work/capture" 2>&1 <<'EOP' &
import socket, struct, sys, time
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0003))
s.bind((sys.argv[1], 0))
s.settimeout(1)
end = time.time() + 200
while time.time() < end:
    try:
        f, addr = s.recvfrom(2048)
    except socket.timeout:
        continue
    if f[12:14] != b"\x08\x00" or f[14 + 9] != 17:
        continue
    ip = f[14:]
    udp = ip[(ip[0] & 15) * 4:]
    if struct.unpack("!H", udp[2:4])[0] != 4789 or len(udp) < 16 + 14:
        continue
    vni = struct.unpack("!I", udp[12:16])[0] >> 8
    inner = udp[16:]
    etype = inner[12:14]
    net = arp = "-"
    if etype == b"\x08\x00" and len(inner) >= 34:
        net = "%d/%d" % (inner[14 + 12 + 1], inner[14 + 16 + 1])
    elif etype == b"\x08\x06" and len(inner) >= 42:
        net = "%d/%d" % (inner[14 + 14 + 1], inner[14 + 24 + 1])
        arp = "%d:%s" % (inner[14 + 7], socket.inet_ntoa(inner[14 + 24:14 + 28]))
    way = "ours" if addr[2] == socket.PACKET_OUTGOING else "kernel"
    print(way, vni, "tagged" if etype == b"\x81\x00" else "untagged", net, arp, flush=True)
EOP
cap=$!

gmac=02:00:00:00:12:01
# The kernel's bridge (and its VLAN interfaces) take this MAC.
kmac=02:00:00:00:12:02

cat > "$work/script" <<EOS
set -e
# The kernel's side.
kif=\$(if_by_pci 06.0)
ip netns add k
ip link set "\$kif" netns k
ip -n k link set lo up
ip -n k link set "\$kif" mtu 1600 up
ip -n k addr add 198.18.52.2/24 dev "\$kif"
ip -n k link add vx0 mtu 1500 type vxlan external learning dstport 4789 local 198.18.52.2
ip -n k link add br0 address $kmac type bridge vlan_filtering 1 vlan_default_pvid 0
ip -n k link set vx0 master br0
bridge -n k link set dev vx0 vlan_tunnel on
ip -n k link set vx0 up
ip -n k link set br0 up
for m in 110:1000:10 120:2000:20 130:3000:30; do
    vid=\${m%%:*} rest=\${m#*:}
    vni=\${rest%%:*} net=\${rest#*:}
    bridge -n k vlan add dev vx0 vid \$vid
    bridge -n k vlan add dev vx0 vid \$vid tunnel_info id \$vni
    bridge -n k vlan add dev br0 vid \$vid self
    bridge -n k fdb append 00:00:00:00:00:00 dev vx0 dst 198.18.52.1 src_vni \$vni self permanent
    ip -n k link add link br0 name br0.\$vid type vlan id \$vid
    ip -n k addr add 10.\$net.0.2/24 dev br0.\$vid
    ip -n k link set br0.\$vid up
done
# VLAN 150, of no tunnel, is the vxlan port's PVID: where the bridge puts
# the frames of a VNI no line maps.
bridge -n k vlan add dev vx0 vid 150 pvid untagged
bridge -n k vlan add dev br0 vid 150 self
ip -n k link add link br0 name br0.150 type vlan id 150
ip -n k addr add 10.50.0.2/24 dev br0.150
ip -n k link set br0.150 up
# 1 MiB for the trunk to fetch, served on VLAN 120's address.
mkdir -p /tmp/www
head -c 1048576 /dev/urandom > /tmp/www/blob
echo "KERNEL-SHA \$(sha256sum /tmp/www/blob | cut -d' ' -f1)"
ip netns exec k httpd -p 80 -h /tmp/www
# Ours: a trunk on vnet-multi.
oif=\$(if_by_pci 05.0)
ip netns add o
ip link set "\$oif" netns o
ip -n o link set lo up
ip -n o link set "\$oif" up
ip -n o addr add 10.30.0.1/24 dev "\$oif"
for v in 10 20 40; do
    ip -n o link add link "\$oif" name v\$v type vlan id \$v
    ip -n o addr add 10.\$v.0.1/24 dev v\$v
    ip -n o link set v\$v up
done
set +e
for net in 10 20 30; do
    echo "PING-\$net \$(ip netns exec o ping -c 3 -W 2 10.\$net.0.2 | grep -o '[0-9]* packets received' | cut -d' ' -f1)"
done
echo "PING-40 \$(ip netns exec o ping -c 2 -W 1 10.40.0.2 | grep -o '[0-9]* packets received' | cut -d' ' -f1)"
echo "GUEST-SHA \$(ip netns exec o wget -q -O - http://10.20.0.2/blob | sha256sum | cut -d' ' -f1)"
echo KERNEL-FDB
bridge -n k fdb show dev vx0
echo KERNEL-FDB-END
echo GUEST-DONE
# Up until the host has read our FDB and counters.
ip netns exec k timeout 120 nc -l -p 5003 > /dev/null
EOS

qmp=$work/qmp
"$run_guest" --timeout 240 "$work/script" \
    -netdev vxlan,id=vx,external=on,local=198.18.52.1,remote=198.18.52.2,vni=3000,vlan-tunnel=10:1000,vlan-tunnel=20:2000,learning=on \
    -device vnet-multi,netdev=vx,mac=$gmac,addr=5.0 \
    -netdev tap,id=under,ifname="$tap",script=no,downscript=no \
    -device virtio-net-pci,netdev=under,mac=02:00:00:00:12:03,addr=6.0 \
    -qmp unix:"$qmp",server=on,wait=off > "$work/log" 2>&1 & pid=$!

rc=0
wait_mark GUEST-DONE 240 || { rc=1; tail -20 "$work/log"; }
log=$(tr -d '\r' < "$work/log")
for net in 10 20 30; do
    got=$(sed -n "s/^PING-$net //p" <<< "$log")
    echo "trunk -> 10.$net.0.2: ${got:-nothing}"
    [ "$got" = 3 ] || { echo "VLAN of 10.$net/24: not every ping answered"; rc=1; }
done
got=$(sed -n "s/^PING-40 //p" <<< "$log")
echo "trunk -> 10.40.0.2 (VLAN 40, no map line): ${got:-nothing}"
[ "$got" = 0 ] || { echo "VLAN 40 reached something"; rc=1; }
sum=$(sed -n 's/^KERNEL-SHA //p' <<< "$log")
got=$(sed -n 's/^GUEST-SHA //p' <<< "$log")
echo "blob ${sum:-none}, trunk got ${got:-nothing} on VLAN 20"
[ -n "$sum" ] && [ "$got" = "$sum" ] || { echo "the blob did not arrive intact"; rc=1; }

# The kernel's vxlan learned our MAC in each VNI, behind our address.
sed -n '/^KERNEL-FDB$/,/^KERNEL-FDB-END$/p' <<< "$log" | grep -v KERNEL-FDB | tee "$work/kfdb"
for vni in 1000 2000 3000; do
    grep -q "^$gmac dst 198.18.52.1 src_vni $vni self" "$work/kfdb" ||
        { echo "the kernel did not learn $gmac in VNI $vni"; rc=1; }
done

# A VNI neither side maps (4000): an ARP request from the host to each
# side. The kernel's bridge gives the frame its vxlan port's PVID, VLAN
# 150, whose address answers (the reply rides the request's tunnel
# metadata back, on VNI 4000: arp_process's iptunnel_metadata_reply);
# ours lands in the trunk's untagged network, whose address answers, on
# the untagged frames' VNI 3000.
python3 - <<'EOP' || rc=1
import socket, struct
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
mac = bytes.fromhex("020000001299")
for tpa, to in (("10.50.0.2", "198.18.52.2"), ("10.30.0.1", "198.18.52.1")):
    arp = struct.pack("!HHBBH", 1, 0x0800, 6, 4, 1) + mac + socket.inet_aton("10.30.0.9")
    arp += bytes(6) + socket.inet_aton(tpa)
    frame = b"\xff" * 6 + mac + b"\x08\x06" + arp
    s.sendto(struct.pack("!II", 0x08000000, 4000 << 8) + frame, (to, 4789))
EOP
for answer in "kernel 4000 untagged 50/30 2:10.30.0.9" "ours 3000 untagged 30/30 2:10.30.0.9"; do
    for _ in $(seq 50); do
        grep -q "^$answer$" "$work/capture" && break
        sleep 0.1
    done
    if grep -q "^$answer$" "$work/capture"; then
        echo "VNI 4000's ARP answered from the PVID / untagged network: $answer"
    else
        echo "no answer to VNI 4000's ARP: $answer"; rc=1
    fi
done

qmp query-vxlan-fdb '{"netdev": "vx"}' > "$work/qfdb" || rc=1
qmp query-vxlan > "$work/stats" || rc=1
python3 - "$work/qfdb" "$work/stats" "$kmac" <<'EOP' || rc=1
import json, sys
fdb = json.load(open(sys.argv[1]))
learned = sorted(e["src-vni"] for e in fdb if e["mac"] == sys.argv[3] and
                 e["remote"] == "198.18.52.2" and not e["permanent"])
probe = [e["src-vni"] for e in fdb if e["mac"] == "02:00:00:00:12:99"]
print("the probe's MAC learned in VNIs %s" % probe)
print("query-vxlan-fdb: the kernel's MAC learned in VNIs %s" % learned)
defaults = sorted(e["src-vni"] for e in fdb if e["mac"] == "00:00:00:00:00:00")
print("default entries (remote=) in VNIs %s" % defaults)
info = json.load(open(sys.argv[2]))[0]
drops = {d["reason"]: d["count"] for d in info["drops"] + info["socket-drops"]}
print("query-vxlan: external %s, vni %s, drops %s" % (info["external"], info.get("vni"), drops))
# 4000 too: the kernel's answer to the probe came back on it.
ok = learned == [1000, 2000, 3000, 4000] and defaults == [1000, 2000, 3000] and probe == [4000]
ok = ok and info["external"] and drops.get("vxlan-no-vlan-tunnel", 0) > 0
# Only VLAN 40's frames, and the kernel's before our driver was up.
ok = ok and set(drops) <= {"vxlan-no-vlan-tunnel", "rx-link-down"}
sys.exit(0 if ok else 1)
EOP

kill $cap 2>/dev/null || true
wait $cap 2>/dev/null || true
# Every datagram: untagged inside, on its subnet's VNI, both ways.
python3 - "$work/capture" <<'EOP' || rc=1
import collections, sys
want = {10: 1000, 20: 2000, 30: 3000}
seen = collections.Counter()
bad = []
for line in open(sys.argv[1]):
    way, vni, tag, net, _ = line.split()
    vni = int(vni)
    if vni == 4000:
        continue  # the host's own probe
    if tag != "untagged":
        bad.append(line.strip())
        continue
    if net != "-":
        a, b = (int(x) for x in net.split("/"))
        if want.get(a) != vni or want.get(b) != vni:
            bad.append(line.strip())
            continue
        seen[way, vni] += 1
for way in ("ours", "kernel"):
    print("%s datagrams by VNI: %s" % (way, {v: seen[way, v] for v in want.values()}))
print("datagrams off their VNI or tagged inside: %d %s" % (len(bad), bad[:5]))
ok = not bad and all(seen[w, v] >= 3 for w in ("ours", "kernel") for v in want.values())
sys.exit(0 if ok else 1)
EOP
python3 -c 'import socket; socket.create_connection(("198.18.52.2", 5003), timeout=5).close()' ||
    rc=1
wait $pid || { echo "guest failed"; tail -20 "$work/log"; rc=1; }
exit $rc
