# SPDX-License-Identifier: GPL-2.0-or-later
# Guest side of test-macvlan-vs-kernel.sh and test-ipvlan-vs-kernel.sh
# (sourced; KIND is macvlan or ipvlan, MODE the macvlan mode or the ipvlan
# l2 flag): builds the same topology twice in one guest, once from the
# kernel's own driver over a veth, once from vnet-multi's functions (at PCI
# 05.0, 05.1, 05.2), runs one traffic matrix on both and fails where they
# differ.
#
#   ${P}low  the lower's own stack   10.9.0.1   (veth end / function 0)
#   ${P}1    child 1                 10.9.0.11  (kernel macvlan / vnet-macvlan)
#   ${P}2    child 2                 10.9.0.12  (not in passthru mode)
#   ${P}3    child 3 (ipvlan only)   10.9.0.13  (vnet-multi: PCI 05.3)
#   ${P}out  outside host            10.9.0.99  behind ${P}sw, a Linux bridge
#                                    whose lower-facing port has hairpin on:
#                                    the reflective relay VEPA needs.
MAC_LOW=02:00:00:00:00:01
MAC_C1=02:00:00:00:01:01
MAC_C2=02:00:00:00:01:02
MAC_OUT=02:00:00:00:00:99
MAC_SWPORT=02:00:00:00:00:98

if_by_mac() { # MAC -> interface name in the initial namespace
    for d in /sys/class/net/*; do
        [ "$(cat "$d/address")" = "$1" ] && { basename "$d"; return; }
    done
    echo "no interface with MAC $1" >&2
    return 1
}

# IPv6 cells too for ipvlan (its issue asks for both families).
V6=
if [ "$KIND" = ipvlan ]; then V6=1; fi

# v6of 10.9.0.X -> fd00:9::X
v6of() { echo "fd00:9::${1##*.}"; }

# nsif NS IF IP: move IF into a fresh NS and give it IP (and its IPv6).
nsif() {
    ip netns add "$1" 2>/dev/null || true
    ip link set "$2" netns "$1"
    ip -n "$1" link set lo up
    ip -n "$1" addr add "$3/24" dev "$2"
    if [ -n "$V6" ]; then
        ip -n "$1" addr add "$(v6of "$3")/64" dev "$2" nodad
    else
        ip netns exec "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
    fi
    ip -n "$1" link set "$2" up
    ip -n "$1" route add 224.0.0.0/4 dev "$2"
    ip netns exec "$1" sysctl -qw net.ipv4.icmp_echo_ignore_broadcasts=0
}

# switch P PORT: the outside: bridge ${P}sw with PORT (hairpin on) and a
# veth to the outside host ${P}out.
switch() {
    ip netns add "$1sw"
    ip link set "$2" netns "$1sw"
    ip -n "$1sw" link add br0 type bridge
    ip -n "$1sw" link set "$2" master br0
    ip -n "$1sw" link set "$2" type bridge_slave hairpin on
    ip -n "$1sw" link add o0 address $MAC_OUT type veth peer name swo
    ip -n "$1sw" link set swo master br0
    ip netns add "$1out"
    ip -n "$1sw" link set o0 netns "$1out"
    for l in br0 "$2" swo; do ip -n "$1sw" link set "$l" up; done
    ip -n "$1out" link set lo up
    ip -n "$1out" addr add 10.9.0.99/24 dev o0
    if [ -n "$V6" ]; then ip -n "$1out" addr add fd00:9::99/64 dev o0 nodad; fi
    ip -n "$1out" link set o0 up
    ip -n "$1out" route add 224.0.0.0/4 dev o0
    ip netns exec "$1out" sysctl -qw net.ipv4.icmp_echo_ignore_broadcasts=0
}

# Static neighbours, so unicast probes test unicast only (ARP is probed
# on its own, as the broadcast case). For ipvlan the lower resolves its
# children's addresses itself: its frames go out of the uplink and come
# back only through the relay, where Linux's NOARP L3 children leave its
# ARP unanswered; vnet-multi must too.
neigh() { # NS IP MAC
    dev=$(ip -n "$1" -o link show | awk -F': ' '$2 != "lo" {print $2; exit}' | cut -d@ -f1)
    ip -n "$1" neigh replace "$2" lladdr "$3" nud permanent dev "$dev"
    if [ -n "$V6" ]; then
        ip -n "$1" neigh replace "$(v6of "$2")" lladdr "$3" nud permanent dev "$dev"
    fi
}

statics() { # P
    c1mac=$MAC_C1
    c2mac=$MAC_C2
    if [ "$MODE" = passthru ] || [ "$KIND" = ipvlan ]; then c1mac=$MAC_LOW; fi
    if [ "$KIND" = ipvlan ]; then c2mac=$MAC_LOW; fi
    for ns in "$1low" "$1out" $(children "$1"); do
        if [ "$ns" != "$1low" ]; then neigh "$ns" 10.9.0.1 $MAC_LOW; fi
        if [ "$ns" != "$1out" ]; then neigh "$ns" 10.9.0.99 $MAC_OUT; fi
        if [ "$KIND" = ipvlan ] && [ "$ns" = "$1low" ]; then continue; fi
        if [ "$ns" != "$1"1 ]; then neigh "$ns" 10.9.0.11 $c1mac; fi
        if [ "$MODE" != passthru ] && [ "$ns" != "$1"2 ]; then
            neigh "$ns" 10.9.0.12 $c2mac
        fi
        if [ "$KIND" = ipvlan ] && [ "$ns" != "$1"3 ]; then neigh "$ns" 10.9.0.13 $MAC_LOW; fi
    done
}

children() {
    if [ "$MODE" = passthru ]; then
        echo "$1"1
    elif [ "$KIND" = ipvlan ]; then
        echo "$1"1 "$1"2 "$1"3
    else
        echo "$1"1 "$1"2
    fi
}

# listen NS IP: an HTTP server that only listens (it sends nothing until
# asked), on port 8080.
listen() {
    mkdir -p "/tmp/www-$1"
    echo "hello from $1" > "/tmp/www-$1/hello"
    ip netns exec "$1" httpd -p "$2:8080" -h "/tmp/www-$1"
}

tcp1() { # NS IP -> yes/no: a TCP connection to IP's listener, answered
    # (busybox wget -T crashes: the bound is timeout's)
    if ip netns exec "$1" timeout 5 wget -q -O - "http://$2:8080/hello" 2>/dev/null | grep -q hello; then
        echo yes
    else
        echo no
    fi
}

ping6() { # NS IP -> yes/no
    if ip netns exec "$1" ping -6 -c 1 -W 1 "$2" >/dev/null 2>&1; then echo yes; else echo no; fi
}

ping1() { # NS IP -> yes/no
    if ip netns exec "$1" ping -c 1 -W 1 "$2" >/dev/null 2>&1; then echo yes; else echo no; fi
}

arp1() { # NS IP -> yes/no: a broadcast ARP request answered
    dev=$(ip -n "$1" -o link show | awk -F': ' '$2 != "lo" {print $2; exit}' | cut -d@ -f1)
    if ip netns exec "$1" arping -q -c 1 -w 1 -I "$dev" "$2" >/dev/null 2>&1; then
        echo yes
    else
        echo no
    fi
}

mcast1() { # NS -> who answered a ping to 224.0.0.1 (all-hosts)
    ip netns exec "$1" ping -c 3 -i 0.5 -W 2 224.0.0.1 2>/dev/null |
        sed -n 's/.*bytes from 10\.9\.0\.\([0-9]*\):.*/\1/p' | sort -un | tr '\n' '+' |
        sed 's/+$//; s/^$/none/'
}

nsdev() { # NS -> its interface
    ip -n "$1" -o link show | awk -F': ' '$2 != "lo" {print $2; exit}' | cut -d@ -f1
}

# in_addr_errors NS: IPv4 and IPv6 packets NS's stack took in for an
# address it does not have (InAddrErrors, Ip6InAddrErrors).
in_addr_errors() {
    ip netns exec "$1" cat /proc/net/snmp /proc/net/snmp6 |
        awk '/^Ip: Forwarding/ {for (i = 1; i <= NF; i++) if ($i == "InAddrErrors") c = i}
             /^Ip: [0-9]/ {v4 = $c} /^Ip6InAddrErrors/ {v6 = $2} END {print v4 + v6}'
}

who1() { # NS URL -> whose server answered (v2, k3, ...) or none
    ip netns exec "$1" timeout 5 wget -q -O - "$2" 2>/dev/null | sed -n 's/^hello from //p' |
        grep . || echo none
}

# move P: c2's addresses move to c3, as a platform recycles a pod's
# address: deleted from c2, added to c3, which announces it (a gratuitous
# ARP; for IPv6 its own DAD) and serves on it. Then, at once, who is
# reached there, and whether c2 still gets frames for it.
move() {
    local d2 d3 before
    d2=$(nsdev "$1"2)
    d3=$(nsdev "$1"3)
    ip -n "$1"2 addr del 10.9.0.12/24 dev "$d2"
    ip -n "$1"2 addr del fd00:9::12/64 dev "$d2"
    ip -n "$1"3 addr add 10.9.0.12/24 dev "$d3"
    ip -n "$1"3 addr add fd00:9::12/64 dev "$d3"
    mkdir -p "/tmp/www-$1m"
    echo "hello from $1""3" > "/tmp/www-$1m/hello"
    ip netns exec "$1"3 httpd -p 10.9.0.12:8080 -h "/tmp/www-$1m"
    ip netns exec "$1"3 arping -q -U -c 1 -I "$d3" 10.9.0.12 || true
    before=$(in_addr_errors "$1"2)
    echo "moved c2's address to c3: c1 reaches it at=$(who1 "$1"1 http://10.9.0.12:8080/hello | sed "s/^$1/c/")"
    echo "moved c2's address to c3: outside reaches it at=$(who1 "$1"out http://10.9.0.12:8080/hello | sed "s/^$1/c/")"
    # IPv6: once c3's DAD is done, as for any new address.
    for _ in $(seq 30); do
        ip -n "$1"3 -6 addr show dev "$d3" tentative | grep -q fd00:9::12 || break
        sleep 0.1
    done
    echo "moved c2's address to c3: c1 IPv6 unicast to it=$(ping6 "$1"1 fd00:9::12)"
    echo "moved c2's address to c3: c2 still got frames for it=$([ "$(in_addr_errors "$1"2)" = "$before" ] && echo no || echo yes)"
    # And back, announced the same way, for the cells that follow.
    ip -n "$1"3 addr del 10.9.0.12/24 dev "$d3"
    ip -n "$1"3 addr del fd00:9::12/64 dev "$d3"
    ip -n "$1"2 addr add 10.9.0.12/24 dev "$d2"
    ip -n "$1"2 addr add fd00:9::12/64 dev "$d2"
    ip netns exec "$1"2 arping -q -U -c 1 -I "$d2" 10.9.0.12 || true
    echo "moved it back to c2: c1 reaches it at=$(who1 "$1"1 http://10.9.0.12:8080/hello | sed "s/^$1/c/")"
    for _ in $(seq 30); do
        ip -n "$1"2 -6 addr show dev "$d2" tentative | grep -q fd00:9::12 || break
        sleep 0.1
    done
}

matrix() { # P -> "case=result" lines
    P=$1
    c2=yes
    if [ "$MODE" = passthru ]; then c2=; fi
    if [ "$KIND" = ipvlan ] && [ -n "$COLD" ]; then
        # First, while c2 and c3 have sent nothing (vnet-multi learns a
        # child's addresses from what it sends): a sibling, then the
        # outside, reach a server that only listens.
        echo "c1->c2 TCP, c2 silent until then=$(tcp1 "$P"1 10.9.0.12)"
        echo "outside->c3 TCP, c3 silent until then=$(tcp1 "$P"out 10.9.0.13)"
    fi
    if [ -n "$c2" ]; then echo "c1->c2 unicast=$(ping1 "$P"1 10.9.0.12)"; fi
    echo "c1->lower unicast=$(ping1 "$P"1 10.9.0.1)"
    echo "c1->outside unicast=$(ping1 "$P"1 10.9.0.99)"
    echo "outside->c1 unicast=$(ping1 "$P"out 10.9.0.11)"
    echo "lower->c1 unicast=$(ping1 "$P"low 10.9.0.11)"
    if [ -n "$V6" ]; then
        if [ -n "$c2" ]; then echo "c1->c2 IPv6 unicast=$(ping6 "$P"1 fd00:9::12)"; fi
        echo "c1->lower IPv6 unicast=$(ping6 "$P"1 fd00:9::1)"
        echo "c1->outside IPv6 unicast=$(ping6 "$P"1 fd00:9::99)"
        echo "outside->c1 IPv6 unicast=$(ping6 "$P"out fd00:9::11)"
        echo "lower->c1 IPv6 unicast=$(ping6 "$P"low fd00:9::11)"
    fi
    if [ -n "$c2" ]; then echo "c1->c2 broadcast ARP=$(arp1 "$P"1 10.9.0.12)"; fi
    echo "c1->lower broadcast ARP=$(arp1 "$P"1 10.9.0.1)"
    echo "c1->outside broadcast ARP=$(arp1 "$P"1 10.9.0.99)"
    echo "outside->c1 broadcast ARP=$(arp1 "$P"out 10.9.0.11)"
    echo "lower->c1 broadcast ARP=$(arp1 "$P"low 10.9.0.11)"
    echo "c1 multicast: answered by=$(mcast1 "$P"1)"
    echo "outside multicast: answered by=$(mcast1 "$P"out)"
    echo "lower multicast: answered by=$(mcast1 "$P"low)"
    if [ "$KIND" = ipvlan ] && [ -n "$COLD" ]; then move "$P"; fi
}

# ---- the kernel's macvlan over a veth ----
kernel_topology() {
    ip link add klowdev address $MAC_LOW type veth peer name kswport address $MAC_SWPORT
    switch k kswport
    nsif klow klowdev 10.9.0.1
    extra=
    if [ "$MODE" = source ]; then extra="macaddr add $MAC_OUT"; fi
    i=1
    for mac in $MAC_C1 $MAC_C2 3; do
        [ "$MODE" = passthru ] && [ $i = 2 ] && break
        [ "$KIND" != ipvlan ] && [ $i = 3 ] && break
        if [ "$KIND" = ipvlan ]; then
            ip -n klow link add link klowdev name k$i type ipvlan mode "${MODE%-*}" "${MODE#*-}"
        elif [ "$MODE" = passthru ]; then
            ip -n klow link add link klowdev name k$i type macvlan mode passthru
        else
            ip -n klow link add link klowdev name k$i address $mac type macvlan mode "$MODE" $extra
        fi
        ip -n klow link set k$i netns k$i 2>/dev/null ||
            { ip netns add k$i; ip -n klow link set k$i netns k$i; }
        ip -n k$i link set lo up
        ip -n k$i addr add 10.9.0.1$i/24 dev k$i
        if [ -n "$V6" ]; then ip -n k$i addr add fd00:9::1$i/64 dev k$i nodad; fi
        ip -n k$i link set k$i up
        ip -n k$i route add 224.0.0.0/4 dev k$i
        ip netns exec k$i sysctl -qw net.ipv4.icmp_echo_ignore_broadcasts=0
        i=$((i + 1))
    done
    statics k
    servers k
}

# ipvlan: c2 and c3 serve HTTP, and send nothing until asked (no warm-up:
# vnet-multi must find a child that has not spoken, as Linux knows it).
servers() { # P
    if [ "$KIND" = ipvlan ]; then
        listen "$1"2 10.9.0.12
        listen "$1"3 10.9.0.13
    fi
}

# ---- vnet-multi's functions (the QEMU command line made them) ----
vnet_topology() {
    switch v "$(if_by_mac $MAC_SWPORT)"
    nsif vlow "$(if_by_pci 05.0)" 10.9.0.1
    nsif v1 "$(if_by_pci 05.1)" 10.9.0.11
    if [ "$MODE" != passthru ]; then
        nsif v2 "$(if_by_pci 05.2)" 10.9.0.12
    fi
    if [ "$KIND" = ipvlan ]; then nsif v3 "$(if_by_pci 05.3)" 10.9.0.13; fi
    statics v
    servers v
}

kernel_topology
vnet_topology
sleep 1
differ=0
# relay SW PORT on|off: the switch's hairpin on the lower-facing port.
relay() { ip -n "$1" link set "$2" type bridge_slave hairpin "$3"; }
COLD=1
for hairpin in on off; do
    relay ksw kswport $hairpin
    relay vsw "$(ip -n vsw -o link show | awk -F': ' '/master br0/ && !/swo/ {print $2; exit}' | cut -d@ -f1)" $hairpin
    # Forget what the bridges learned with the other setting.
    ip -n ksw link set br0 type bridge ageing_time 0 2>/dev/null || true
    ip -n vsw link set br0 type bridge ageing_time 0 2>/dev/null || true
    sleep 1
    ip -n ksw link set br0 type bridge ageing_time 30000
    ip -n vsw link set br0 type bridge ageing_time 30000
    matrix k > /tmp/kernel.txt
    matrix v > /tmp/vnet.txt
    COLD=
    echo
    echo "$KIND mode ${NAME:-$MODE}, relay hairpin $hairpin: Linux kernel $KIND vs vnet-multi"
    printf '%-34s %-12s %-12s\n' "traffic" "kernel" "vnet-multi"
    while IFS='=' read -r what k; do
        v=$(grep -F "$what=" /tmp/vnet.txt | head -1 | cut -d= -f2)
        mark=
        if [ "$k" != "$v" ]; then
            # EXPECT_DIFF: cells where vnet-multi differs from Linux by
            # design (documented), reported but not failed.
            if [ -n "${EXPECT_DIFF:-}" ] && echo "$what" | grep -Eq "$EXPECT_DIFF"; then
                mark="  <-- differs by design: $EXPECT_WHY"
            else
                mark="  <-- differs"
                differ=1
            fi
        fi
        printf '%-34s %-12s %-12s%s\n' "$what" "$k" "$v" "$mark"
    done < /tmp/kernel.txt
done
echo "MATRIX-RESULT mode=${NAME:-$MODE} differ=$differ"
[ $differ = 0 ]
