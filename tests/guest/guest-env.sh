# SPDX-License-Identifier: GPL-2.0-or-later
# Sourced before every test script in the guest. busybox's shell runs its
# own applets before anything on PATH, so iproute2 and ethtool are called
# through functions.
export PATH=/sbin:/bin
ip() { /sbin/ip "$@"; }
ethtool() { /sbin/ethtool "$@"; }

# Wait until interface $1 exists (modules probe asynchronously).
wait_for_if() {
    i=0
    while [ ! -e "/sys/class/net/$1" ]; do
        i=$((i + 1))
        [ $i -gt 100 ] && { echo "wait_for_if: no $1" >&2; return 1; }
        sleep 0.1
    done
}

# if_by_pci FUNCTION (05.1): the interface at PCI 00:FUNCTION in the
# initial namespace, once its driver has made it.
if_by_pci() {
    i=0
    while :; do
        for d in /sys/class/net/*; do
            case $(readlink -f "$d/device/..") in
                */0000:00:$1) basename "$d"; return ;;
            esac
        done
        i=$((i + 1))
        [ $i -gt 100 ] && { echo "no interface at PCI 00:$1" >&2; return 1; }
        sleep 0.1
    done
}

# fetch_counted NS DEV URL: fetches URL inside network namespace NS and
# sets $got to the SHA-256 of what came and $frames to how many frames
# DEV received meanwhile (the offload tests' measure of frame size).
fetch_counted() {
    before=$(ip netns exec "$1" cat "/sys/class/net/$2/statistics/rx_packets")
    got=$(ip netns exec "$1" wget -q -O - "$3" | sha256sum | cut -d' ' -f1)
    after=$(ip netns exec "$1" cat "/sys/class/net/$2/statistics/rx_packets")
    frames=$((after - before))
}

# pings_lost_at_most N FILE...: each FILE, the output of a `ping -c`, lost
# at most N replies; prints each summary.
pings_lost_at_most() {
    max=$1; shift
    ok=0
    for f in "$@"; do
        line=$(grep 'packets transmitted' "$f")
        echo "$f: $line"
        tx=$(echo "$line" | sed 's/^\([0-9]*\) packets transmitted.*/\1/')
        rx=$(echo "$line" | sed 's/.* \([0-9]*\) packets received.*/\1/')
        [ "$rx" -ge $((tx - max)) ] || ok=1
    done
    return $ok
}

# vf_if PF_PCI K: the interface of SR-IOV VF K of the PF whose PCI
# directory is PF_PCI, once its driver has made it.
vf_if() {
    for _ in $(seq 100); do
        n=$(ls "$1/virtfn$2"/virtio*/net 2>/dev/null || true)
        [ -n "$n" ] && { echo "$n"; return 0; }
        sleep 0.1
    done
    echo "no interface for VF $2 of $1" >&2
    return 1
}

# vf_into_netns PF_PCI K NS ADDR: VF K into namespace NS (made if need
# be) as eth0 with ADDR/24, up, with slirp's 10.0.2.2 as its gateway.
vf_into_netns() {
    v=$(vf_if "$1" "$2") || return 1
    drv=$(basename "$(readlink "/sys/class/net/$v/device/driver")")
    [ "$drv" = virtio_net ] || { echo "VF $2 of $1: driver $drv"; return 1; }
    ip netns add "$3" 2>/dev/null || true
    ip link set "$v" netns "$3"
    ip -n "$3" link set "$v" name eth0
    ip -n "$3" addr add "$4/24" dev eth0
    ip -n "$3" link set lo up
    ip -n "$3" link set eth0 up
    ip -n "$3" route add default via 10.0.2.2
}
