#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# An IPv6 underlay's corners as Linux has them: zero UDP checksums, split
# as Linux splits them (udp6zerocsumtx, udp6zerocsumrx; udpcsum is IPv4's),
# and a link-local underlay (local=fe80::1%IFNAME, Linux's `dev`). Two
# network namespaces joined by a veth: in one, a kernel vxlan; in the
# other, first a kernel vxlan (the oracle), then a guest on -netdev vxlan
# with the same settings, each pinging across the overlay. For each case
# the guest must get what the kernel pair gets, and where datagrams are
# refused, the receiving namespace counts them as checksum errors
# (Udp6InCsumErrors), as a zero checksum must be refused unless asked for.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

na=vnetza-$$
nk=vnetzk-$$
add_netns "$na"
add_netns "$nk"
ip -n "$na" link add va type veth peer name vk netns "$nk"
ip -n "$na" addr add 2001:db8:46::1/64 dev va nodad
ip -n "$nk" addr add 2001:db8:46::2/64 dev vk nodad
ip -n "$na" addr add fe80::46:1/64 dev va nodad
ip -n "$nk" addr add fe80::46:2/64 dev vk nodad
for n in "$na" "$nk"; do
    ip -n "$n" link set lo up
    # veth would hand the kernel's inner checksums on unfilled.
    ip netns exec "$n" ethtool -K "$([ "$n" = "$na" ] && echo va || echo vk)" tx off > /dev/null
done
ip -n "$na" link set va up
ip -n "$nk" link set vk up

csum_errors() { # NETNS
    ip netns exec "$1" awk '$1 == "Udp6InCsumErrors" {print $2}' /proc/net/snmp6
}
# kvx NETNS LOCAL REMOTE ADDR FLAGS...: a kernel vxlan vx0 with ADDR.
kvx() {
    local n=$1 l=$2 r=$3 a=$4
    shift 4
    ip -n "$n" link del vx0 2> /dev/null || true
    ip -n "$n" link add vx0 type vxlan id 46 dstport 4789 local "$l" remote "$r" "$@"
    ip -n "$n" addr add "$a"/24 dev vx0
    ip -n "$n" link set vx0 up
}
# Our options for the kernel's flags.
ours() {
    local o=
    for f in "$@"; do
        case $f in
            udp6zerocsumtx) o+=",udp6zerocsumtx=on" ;;
            udp6zerocsumrx) o+=",udp6zerocsumrx=on" ;;
            noudpcsum) o+=",udpcsum=off" ;;
            dev) ;;
            va) o="%va$o" ;;
        esac
    done
    echo "$o"
}

cat > "$work/script" <<'EOS'
wait_for_if eth0
ip addr add 10.97.0.1/24 dev eth0
ip link set eth0 up
ping -c 3 -W 2 10.97.0.2 || true
EOS

rc=0
# case NAME "A's FLAGS" "K's FLAGS" WANT_REPLIES REFUSING_NETNS(na|nk|-)
# [A's ADDRESS K's ADDRESS]
case_() {
    local name=$1 fa=$2 fk=$3 want=$4 refuser=$5 got ref0 ref1 kgot
    local la=${6:-2001:db8:46::1} lk=${7:-2001:db8:46::2}
    # shellcheck disable=SC2086
    kvx "$nk" "$lk" "$la" 10.97.0.2 $fk
    # The oracle: a kernel vxlan with A's flags.
    # shellcheck disable=SC2086
    kvx "$na" "$la" "$lk" 10.97.0.1 $fa
    kgot=$( (ip netns exec "$na" python3 "$guest_dir/icmp-ping.py" 10.97.0.2 3 || true) |
           awk '{print $4}')
    ip -n "$na" link del vx0
    ip -n "$nk" neigh flush dev vx0 2> /dev/null || true
    [ "$refuser" = - ] || ref0=$(csum_errors "${!refuser}")
    # shellcheck disable=SC2046
    ip netns exec "$na" "$run_guest" --timeout 120 "$work/script" \
        -netdev vxlan,id=vx,vni=46,local="$la$(ours $fa)",remote="$lk" \
        -device vnet-multi,netdev=vx,mac=02:00:00:00:0d:01 > "$work/$name.log" 2>&1 || true
    got=$(tr -d '\r' < "$work/$name.log" | sed -n 's/.* transmitted, \([0-9]*\) packets received.*/\1/p')
    local line="$name (A: ${fa:-default}; K: ${fk:-default}): kernel pair $kgot/3 replies, guest ${got:-?}/3"
    [ "$refuser" = - ] || {
        ref1=$(csum_errors "${!refuser}")
        line+=", ${refuser#n}'s checksum errors +$((ref1 - ref0))"
    }
    echo "$line"
    [ "$kgot" = "$want" ] || { echo "  the kernel pair gave $kgot, not $want"; rc=1; }
    [ "${got:-}" = "$want" ] || { echo "  the guest differs from the kernel"; rc=1; }
    if [ "$refuser" != - ] && [ $((ref1 - ref0)) -lt 1 ]; then
        echo "  nothing counted as refused"
        rc=1
    fi
}

case_ both-zero "udp6zerocsumtx udp6zerocsumrx" "udp6zerocsumtx udp6zerocsumrx" 3 -
case_ a-sends-zero "udp6zerocsumtx" "" 0 nk
case_ k-sends-zero "" "udp6zerocsumtx" 0 na
case_ a-accepts-zero "udp6zerocsumrx" "udp6zerocsumtx" 3 -
case_ udpcsum-is-ipv4s "noudpcsum" "" 3 -
case_ link-local "dev va" "dev vk" 3 - fe80::46:1 fe80::46:2
exit $rc
