#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Hash reporting (VIRTIO_NET_F_HASH_REPORT, hash=on) as the stock driver
# sees it: each frame's header carries the Toeplitz hash of the key and
# types the guest configured, and Linux's virtio_net makes it the skb's
# hash while receive hashing is on. Two macvlan children in bridge mode;
# c1 (10.0.2.21) pings c2 (10.0.2.22, hash=on), whose tc ingress filters
# match skb->hash (classic BPF's ld #rxhash) against the IPv4 hashes of
# the two addresses computed here, on the host, from the Toeplitz
# definition (TCP and UDP, with ports, are the qtest's and unit tests'):
#  - `ethtool -K rxhash on`, `ethtool -X hkey K1`: every echo request has
#    K1's hash;
#  - then a live migration to a second QEMU: still K1's (the driver's
#    configuration moved with the function);
#  - `ethtool -X hkey K2`: every one K2's, none K1's;
#  - `ethtool -K rxhash off`: they arrive, none with either (the driver
#    sends no hash types, and ignores the header's hash).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

mkdir -p "$work/www"
start_http "$work/www"

# The RSS verification suite's key, and another.
k1=6d:5a:56:da:25:5b:0e:c2:41:67:25:3d:43:a3:8f:b0:d0:ca:2b:cb:ae:7b:30:b4:77:cb:2d:a3:80:30:f2:0c:6a:42:b7:3b:be:ac:01:fa
k2=$(python3 -c 'print(":".join("%02x" % ((i * 37 + 11) & 0xff) for i in range(40)))')

# toeplitz KEY: the IPv4 hash of c1's packets to c2 (virtio 1.2
# §5.1.6.4.3.1: source and destination address).
toeplitz() {
    python3 - "$1" <<'EOP'
import sys
key = bytes(int(b, 16) for b in sys.argv[1].split(":"))
data = bytes([10, 0, 2, 21, 10, 0, 2, 22])
k = int.from_bytes(key, "big")
bits = len(key) * 8
h = 0
for i in range(len(data) * 8):
    if data[i // 8] & (0x80 >> (i % 8)):
        h ^= (k >> (bits - 32 - i)) & 0xffffffff
print("0x%08x" % h)
EOP
}
h1=$(toeplitz "$k1")
h2=$(toeplitz "$k2")
echo "expected hashes: K1 $h1, K2 $h2"

cat > "$work/script" <<EOS
wait_for_if eth0
ip addr add 10.0.2.15/24 dev eth0
ip link set eth0 up
wait_for_if eth1
wait_for_if eth2
c1=\$(if_by_pci 04.1)
c2=\$(if_by_pci 04.2)
for n in 1 2; do ip netns add c\$n; done
ip link set "\$c1" netns c1
ip link set "\$c2" netns c2
ip -n c1 addr add 10.0.2.21/24 dev "\$c1"
ip -n c2 addr add 10.0.2.22/24 dev "\$c2"
ip -n c1 link set "\$c1" up
ip -n c2 link set "\$c2" up
in2() { ip netns exec c2 "\$@"; }
in2 tc qdisc add dev "\$c2" ingress
# Classic BPF: ld #rxhash (skb->hash); jeq #H; match or not.
bpf_eq() { echo "4,32 0 0 4294963232,21 0 1 \$1,6 0 0 4294967295,6 0 0 0"; }
in2 tc filter add dev "\$c2" parent ffff: protocol ip prio 1 bpf \
    bytecode "\$(bpf_eq $((h1)))" action pass
in2 tc filter add dev "\$c2" parent ffff: protocol ip prio 2 bpf \
    bytecode "\$(bpf_eq $((h2)))" action pass
hits() { in2 tc -s filter show dev "\$c2" parent ffff: prio \$1 | awk '/Sent/ {print \$4; exit}'; }
# burst: 5 echo requests from c1; prints "K1-hits K2-hits arrived".
burst() {
    local a=\$(hits 1) b=\$(hits 2) r=\$(in2 cat /sys/class/net/\$c2/statistics/rx_packets)
    ip netns exec c1 ping -c 5 -i 0.2 -W 2 10.0.2.22 > /dev/null || true
    echo "\$((\$(hits 1) - a)) \$((\$(hits 2) - b)) \$((\$(in2 cat /sys/class/net/\$c2/statistics/rx_packets) - r))"
}
rc=0
in2 ethtool -k "\$c2" | grep receive-hashing
in2 ethtool -K "\$c2" rxhash on
in2 ethtool -X "\$c2" hkey $k1
in2 ethtool -x "\$c2" | grep -A3 'hash key' | head -3
d=\$(burst); echo "key K1: K1-hash K2-hash arrived = \$d"
set -- \$d; [ "\$1" = 5 ] && [ "\$2" = 0 ] || rc=1
echo MIGRATE-NOW
until wget -q -O /dev/null http://10.0.2.2:$HTTP_PORT/moved 2>/dev/null; do sleep 0.5; done
d=\$(burst); echo "key K1, migrated: K1-hash K2-hash arrived = \$d"
set -- \$d; [ "\$1" = 5 ] && [ "\$2" = 0 ] || rc=1
in2 ethtool -X "\$c2" hkey $k2
d=\$(burst); echo "key K2: K1-hash K2-hash arrived = \$d"
set -- \$d; [ "\$1" = 0 ] && [ "\$2" = 5 ] || rc=1
in2 ethtool -K "\$c2" rxhash off
d=\$(burst); echo "rxhash off: K1-hash K2-hash arrived = \$d"
set -- \$d; [ "\$1" = 0 ] && [ "\$2" = 0 ] && [ "\$3" -ge 5 ] || rc=1
exit \$rc
EOS
args=(-netdev user,id=up,ipv6=off
      -device vnet-multi,id=nic,netdev=up,addr=4.0,multifunction=on
      -device vnet-macvlan,lower=nic,addr=4.1,mode=bridge,mac=02:00:00:00:0e:01
      -device vnet-macvlan,lower=nic,addr=4.2,mode=bridge,mac=02:00:00:00:0e:02,hash=on)
rc=0
start_and_move "${args[@]}" || rc=1
kill "$pid" 2>/dev/null || true
wait "$pid" 2>/dev/null || true
cat "$work/log" "$work/c.log" 2>/dev/null | tr -d '\r' |
    grep -E "receive-hashing|K1-hash|hash key|^[0-9a-f]{2}:|migration:|VNET-GUEST-EXIT" || true
grep -q "VNET-GUEST-EXIT=0" "$work/c.log" || rc=1
exit $rc
