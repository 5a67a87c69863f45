#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Differential test, ipvlan: for each mode (l2, l3, l3s) and flag (bridge,
# private, vepa), the kernel's own ipvlan over a veth and vnet-multi's
# vnet-ipvlan functions in one guest, the same traffic matrix on both, with
# the hairpin relay on and off (see test-macvlan-vs-kernel.sh). Child 1 has
# its address fixed with addrs=, child 2 has it learned from its first
# frame. In l3/l3s the vnet side routes through the lower's IP layer
# (ip=10.9.0.1/24, as the kernel side's lower has).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

kids() {
    local mode=${1%-*} flag=${1#*-}
    echo "-device vnet-ipvlan,lower=low,id=c1,addr=5.1,mode=$mode,flags=$flag,addrs=10.9.0.11,,fd00:9::11" \
         "-device vnet-ipvlan,lower=low,id=c2,addr=5.2,mode=$mode,flags=$flag"
}

lower() {
    case $1 in l3*) echo ",ip=10.9.0.1/24,,fd00:9::1/64" ;; esac
}

# A Linux l3/l3s ipvlan is NOARP; the guest's interface of an L3 child is
# not, and the device answers its ARP (and the child answers the uplink's),
# as docs/system/devices/vnet-multi.rst says: the ARP cells differ by design.
extra() {
    case $1 in
        l3*) echo "EXPECT_DIFF='broadcast ARP'"
             echo "EXPECT_WHY='L3 child is not NOARP (docs: ipvlan, guest boundary)'" ;;
    esac
}
EXTRA_FN=extra

vs_kernel ipvlan "${IPVLAN_MODES:-l2-bridge l2-private l2-vepa l3-bridge l3-private l3-vepa l3s-bridge}" \
    kids lower
