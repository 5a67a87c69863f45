# SPDX-License-Identifier: GPL-2.0-or-later
# Guest side of test-vlan.sh (sourced; KIND is macvlan or ipvlan, MODE its
# mode): 802.1Q VLANs on the children, built twice in one guest, once on
# the kernel's own macvlan/ipvlan over a veth, once on vnet-multi's
# functions (PCI 05.0, 05.1, 05.2), with `ip link add link CHILD name
# CHILD.10 type vlan id 10` as a container platform does. The same cold
# pings run on both; the test fails where they differ.
#
#   ${P}1   child 1: untagged 10.9.0.11, VLAN 10 10.10.10.11, VLAN 20 10.10.20.11
#   ${P}2   child 2: untagged 10.9.0.12, VLAN 10 10.10.10.12 (no VLAN 20)
#   ${P}out outside: untagged 10.9.0.99, VLAN 10 10.10.10.99, VLAN 20 10.10.20.99
#           (vnet: a virtio-net NIC on the uplink's hub; kernel: the veth peer)
MAC_C1=02:00:00:00:01:01
MAC_C2=02:00:00:00:01:02
MAC_OUT=02:00:00:00:00:99

# host NS IF UNTAGGED [VID IP]...: IF into a fresh NS with its untagged
# address and a VLAN interface IF.VID per pair.
host() {
    local ns=$1 dev=$2 ip=$3
    shift 3
    ip netns add "$ns"
    ip link set "$dev" netns "$ns"
    ip -n "$ns" link set lo up
    ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
    ip -n "$ns" addr add "$ip/24" dev "$dev"
    ip -n "$ns" link set "$dev" up
    while [ $# -gt 1 ]; do
        if ! ip -n "$ns" link add link "$dev" name "$dev.$1" type vlan id "$1" 2>/tmp/vlan.err; then
            echo "$ns: $(cat /tmp/vlan.err)"
            return 0
        fi
        ip -n "$ns" addr add "$2/24" dev "$dev.$1"
        ip -n "$ns" link set "$dev.$1" up
        shift 2
    done
}

lower_ns() { # P LOWER: the lower's own stack in namespace ${P}low
    ip netns add "$1low"
    ip link set "$2" netns "$1low"
    ip -n "$1low" link set lo up
    ip netns exec "$1low" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
    ip -n "$1low" link set "$2" up
    if [ "$MODE" != l2 ] && [ "$KIND" = ipvlan ]; then
        ip -n "$1low" addr add 10.9.0.1/24 dev "$2"
    fi
}

ping1() { # NS IP -> yes/no, the first try
    if ip netns exec "$1" ping -c 1 -W 2 "$2" >/dev/null 2>&1; then echo yes; else echo no; fi
}

# matrix P: one line per cell, the same on both sides if all is well.
matrix() {
    echo "untagged c1->c2 $(ping1 "$1"1 10.9.0.12)"
    echo "vlan10 c1->c2 $(ping1 "$1"1 10.10.10.12)"
    echo "vlan10 c1->out $(ping1 "$1"1 10.10.10.99)"
    echo "vlan10 out->c2 $(ping1 "$1"out 10.10.10.12)"
    echo "vlan20 out->c1 $(ping1 "$1"out 10.10.20.11)"
    echo "vlan20 c1->out $(ping1 "$1"1 10.10.20.99)"
    echo "untagged out->c1 $(ping1 "$1"out 10.9.0.11)"
}

# matrix2 P LOWER: the lower (in namespace ${P}low) gets its own VLAN 10
# interface (10.10.10.1), which Linux's vlan_do_receive serves before any
# macvlan or ipvlan.
matrix2() {
    ip -n "$1low" link add link "$2" name "$2.10" type vlan id 10
    ip -n "$1low" addr add 10.10.10.1/24 dev "$2.10"
    ip -n "$1low" link set "$2.10" up
    echo "lower-vlan10 out->lower $(ping1 "$1"out 10.10.10.1)"
    echo "lower-vlan10 out->c2 $(ping1 "$1"out 10.10.10.12)"
    echo "lower-vlan10 c1->c2 $(ping1 "$1"1 10.10.10.12)"
    echo "lower-vlan10 vlan20 out->c1 $(ping1 "$1"out 10.10.20.11)"
}

kernel_side() { # the kernel's driver over a veth kl <-> ko
    local args
    ip link add kl type veth peer name ko
    ip link set kl up
    case $KIND in
        macvlan) args="type macvlan mode $MODE" ;;
        ipvlan) args="type ipvlan mode $MODE" ;;
    esac
    ip link add link kl name k1c $args
    ip link add link kl name k2c $args
    if [ "$KIND" = macvlan ]; then
        ip link set k1c address $MAC_C1
        ip link set k2c address $MAC_C2
    fi
    lower_ns k kl
    ip link set ko address $MAC_OUT
    host k1 k1c 10.9.0.11 10 10.10.10.11 20 10.10.20.11
    host k2 k2c 10.9.0.12 10 10.10.10.12
    host kout ko 10.9.0.99 10 10.10.10.99 20 10.10.20.99
}

vnet_side() {
    local low
    low=$(if_by_pci 05.0)
    vlow=$low
    lower_ns v "$low"
    host v1 "$(if_by_pci 05.1)" 10.9.0.11 10 10.10.10.11 20 10.10.20.11
    host v2 "$(if_by_pci 05.2)" 10.9.0.12 10 10.10.10.12
    host vout "$(if_by_pci 06.0)" 10.9.0.99 10 10.10.10.99 20 10.10.20.99
}

kernel_side
vnet_side
# Each side's cells run cold: nothing has been sent on either yet.
matrix k > /tmp/k.txt
matrix v > /tmp/v.txt
matrix2 k kl >> /tmp/k.txt
matrix2 v "$vlow" >> /tmp/v.txt
echo "$KIND mode $MODE: cell, kernel, vnet-multi"
differ=0
while read -r k_line && read -r v_line <&3; do
    k=${k_line##* } v=${v_line##* }
    mark=
    if [ "$k" != "$v" ]; then mark=" DIFFERS"; differ=$((differ + 1)); fi
    echo "  ${k_line% *} kernel=$k vnet=$v$mark"
done < /tmp/k.txt 3< /tmp/v.txt
# The filter, seen from the guest: the outside's VLAN 20 broadcasts do not
# reach child 2's interface, which has no VLAN 20 (the kernel's children,
# with no filter on the veth, see them and drop them in their stack).
rx() { ip netns exec "$1" cat "/sys/class/net/$2/statistics/rx_packets"; }
got20() { # P CHILD2_IF OUT_IF
    local before
    before=$(rx "$1"2 "$2")
    ip netns exec "$1"out arping -q -b -c 2 -w 2 -I "$3.20" 10.10.20.55 || true
    echo $(($(rx "$1"2 "$2") - before))
}
k20=$(got20 k k2c ko)
v20=$(got20 v "$(ip -n v2 -o link show | awk -F': ' '$2 !~ /^lo|\./ {print $2; exit}')" \
    "$(ip -n vout -o link show | awk -F': ' '$2 !~ /^lo|\./ {print $2; exit}')")
echo "  VLAN 20 broadcasts at child 2 (no VLAN 20): kernel=$k20 vnet=$v20 (vnet must be 0)"
if [ "$v20" != 0 ]; then differ=$((differ + 1)); fi
echo "VLAN-RESULT kind=$KIND mode=$MODE differ=$differ"
[ "$differ" -eq 0 ]
