#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Two guests, each vnet-multi on its own -netdev vxlan, over the host's
# loopback: they ping each other and move a blob over TCP intact, over an
# IPv4 underlay (100 MiB, B's TSO frames cut before they are encapsulated;
# with a macvlan child of guest A pinging across the overlay, and
# malformed datagrams thrown at guest B's socket, which must be dropped and
# counted while forwarding goes on) and over an IPv6 underlay in a network
# namespace of its own (10 MiB).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

ns=vnetvx6-$$

guest_a() { # WITH_CHILD
    cat <<EOS
wait_for_if eth0
ip addr add 10.99.0.1/24 dev eth0
ip link set eth0 up
EOS
    if [ "$1" = 1 ]; then
        cat <<EOS
wait_for_if eth1
ip netns add c
ip link set eth1 netns c
ip -n c addr add 10.99.0.3/24 dev eth1
ip -n c link set eth1 up
EOS
    fi
    cat <<EOS
for i in \$(seq 240); do ping -c 1 -W 1 10.99.0.2 > /dev/null 2>&1 && break; done
ping -c 5 -W 2 10.99.0.2
EOS
    if [ "$1" = 1 ]; then
        echo "ip netns exec c ping -c 3 -W 2 10.99.0.2"
    fi
    cat <<EOS
echo "A-SHA \$(wget -q -O - http://10.99.0.2/blob | sha256sum | cut -d' ' -f1)"
echo done | nc -w 1 10.99.0.2 5001 || true
EOS
    if [ "$1" = 1 ]; then
        # Stay up for B's pings after the malformed datagrams.
        echo "timeout 120 nc -l -p 5003 > /dev/null || true"
    fi
}

guest_b() { # WITH_JUNK MIB
    cat <<EOS
wait_for_if eth0
mkdir -p /tmp/www
dd if=/dev/urandom of=/tmp/www/blob bs=1048576 count=$2 2> /dev/null
echo "B-SHA \$(sha256sum /tmp/www/blob | cut -d' ' -f1)"
httpd -p 80 -h /tmp/www
# B answers A's first ping only once it serves: making and hashing the
# blob takes minutes on a loaded machine, and A fetches on that answer.
ip addr add 10.99.0.2/24 dev eth0
ip link set eth0 up
timeout 300 nc -l -p 5001 > /dev/null || true
echo "B-TX-FRAMES \$(cat /sys/class/net/eth0/statistics/tx_packets)"
EOS
    if [ "$1" = 1 ]; then
        cat <<EOS
echo READY-FOR-JUNK
sleep 6
ping -c 3 -W 2 10.99.0.1
echo JUNK-PING-OK
sleep 6
echo bye | nc -w 1 10.99.0.1 5003 || true
EOS
    fi
}

# send_junk ADDR PORT: one of each malformed kind at a vxlan socket.
send_junk() {
    python3 - "$1" "$2" <<'EOP'
import socket, sys
addr, port = sys.argv[1], int(sys.argv[2])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
eth = bytes.fromhex("020000000b02" "02000000ee01" "88b5") + bytes(46)
def hdr(flags, vni):
    return bytes([flags, 0, 0, 0]) + vni.to_bytes(3, "big") + b"\0"
for p in (b"\x08\0\0",                          # short
          hdr(0x00, 42) + eth,                  # I flag clear
          hdr(0x08, 4242) + eth,                # unknown VNI
          hdr(0x08, 42) + eth[:9],              # truncated inner frame
          hdr(0x08, 42) + eth[:12] + b"\x08\x00" + bytes(8),  # inner IPv4 cut
          hdr(0x08, 42) + eth + bytes(3000)):   # over the MTU
    s.sendto(p, (addr, port))
EOP
}

# pair NAME LOCAL_A LOCAL_B CHILD_AND_JUNK MIB [NETNS]
pair() {
    local name=$1 la=$2 lb=$3 extra=$4 mib=$5 netns=${6:-} pa pb rc=0 wrap=()
    [ -n "$netns" ] && wrap=(ip netns exec "$netns")
    guest_a "$extra" > "$work/$name-a.sh"
    guest_b "$extra" "$mib" > "$work/$name-b.sh"
    local kid=()
    if [ "$extra" = 1 ]; then
        kid=(-device vnet-macvlan,lower=nic,addr=5.1,mode=bridge,mac=02:00:00:00:0a:03)
    fi
    "${wrap[@]}" "$run_guest" --timeout 420 "$work/$name-a.sh" \
        -netdev vxlan,id=vx,vni=42,local="$la",remote="$lb" \
        -device vnet-multi,id=nic,netdev=vx,addr=5.0,multifunction=on,mac=02:00:00:00:0a:01 \
        "${kid[@]}" > "$work/$name-a.log" 2>&1 & pa=$!
    "${wrap[@]}" "$run_guest" --timeout 420 "$work/$name-b.sh" \
        -netdev vxlan,id=vx,vni=42,local="$lb",remote="$la" \
        -device vnet-multi,netdev=vx,mac=02:00:00:00:0b:02 \
        -qmp unix:"$work/$name-b.qmp",server=on,wait=off > "$work/$name-b.log" 2>&1 & pb=$!
    if [ "$extra" = 1 ]; then
        for _ in $(seq 600); do
            grep -q READY-FOR-JUNK "$work/$name-b.log" && break
            sleep 0.5
        done
        send_junk "$lb" 4789
        for _ in $(seq 60); do
            grep -q JUNK-PING-OK "$work/$name-b.log" && break
            sleep 0.5
        done
        python3 "$guest_dir/qmp.py" "$work/$name-b.qmp" query-vxlan > "$work/$name-b.stats" || rc=1
        echo "$name: guest B's vxlan counters: $(cat "$work/$name-b.stats")"
        local frames
        frames=$(tr -d '\r' < "$work/$name-b.log" | sed -n 's/^B-TX-FRAMES //p')
        python3 - "$work/$name-b.stats" "$frames" <<'EOP' || rc=1
import json, sys
info = json.load(open(sys.argv[1]))[0]
# B's driver sent TSO frames; the device cut them into datagrams.
frames = int(sys.argv[2])
print("guest B sent %d frames, its vxlan %d datagrams" % (frames, info["tx-packets"]))
if frames * 4 > info["tx-packets"]:
    print("B's frames were not TSO frames cut by the device")
    sys.exit(1)
drops = {d["reason"]: d["count"] for d in info["drops"]}
sock = {d["reason"]: d["count"] for d in info["socket-drops"]}
want_sock = {"vxlan-short": 1, "vxlan-no-i-flag": 1, "vxlan-unknown-vni": 1}
want_dev = {"vxlan-truncated": 2, "vxlan-oversize": 1}
bad = [(k, v, sock.get(k)) for k, v in want_sock.items() if sock.get(k) != v]
bad += [(k, v, drops.get(k)) for k, v in want_dev.items() if drops.get(k) != v]
for k, want, got in bad:
    print("counter %s: want %s, got %s" % (k, want, got))
sys.exit(1 if bad else 0)
EOP
    fi
    wait $pa || { echo "$name: guest A failed"; tail -20 "$work/$name-a.log"; rc=1; }
    wait $pb || { echo "$name: guest B failed"; tail -20 "$work/$name-b.log"; rc=1; }
    local sa sb
    sa=$(tr -d '\r' < "$work/$name-a.log" | sed -n 's/^A-SHA //p')
    sb=$(tr -d '\r' < "$work/$name-b.log" | sed -n 's/^B-SHA //p')
    grep -E "packets transmitted|A-SHA|B-SHA|JUNK" "$work/$name-a.log" "$work/$name-b.log" |
        sed "s|$work/||" || true
    if [ -z "$sa" ] || [ "$sa" != "$sb" ]; then
        echo "$name: $mib MiB did not arrive intact (sent $sb, got $sa)"
        rc=1
    fi
    return $rc
}

rc=0
pair ipv4 127.0.0.11 127.0.0.12 1 100 || rc=1

add_netns "$ns"
ip -n "$ns" link set lo up
ip -n "$ns" addr add fd00::a/128 dev lo nodad
ip -n "$ns" addr add fd00::b/128 dev lo nodad
pair ipv6 fd00::a fd00::b 0 10 "$ns" || rc=1
exit $rc
