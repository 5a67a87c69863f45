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
