#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Differential test, ipvlan: for each mode (l2, l3, l3s) and flag (bridge,
# private, vepa), the kernel's own ipvlan over a veth and vnet-multi's
# vnet-ipvlan functions in one guest, the same traffic matrix on both, with
# the hairpin relay on and off (see test-macvlan-vs-kernel.sh). Child 1 has
# its address fixed with addrs=; children 2 and 3 have theirs learned, and
# the matrix starts while they have sent nothing (servers that only
# listen). In l3/l3s the vnet side routes through the lower's IP layer
# (ip=10.9.0.1/24, as the kernel side's lower has); a mode named
# MODE:noproxy runs it with l3-proxy=off.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

kids() {
    local m=${1%:*}
    local mode=${m%-*} flag=${m#*-}
    echo "-device vnet-ipvlan,lower=low,id=c1,addr=5.1,mode=$mode,flags=$flag,addrs=10.9.0.11,,fd00:9::11" \
         "-device vnet-ipvlan,lower=low,id=c2,addr=5.2,mode=$mode,flags=$flag" \
         "-device vnet-ipvlan,lower=low,id=c3,addr=5.3,mode=$mode,flags=$flag"
}

lower() {
    local p=
    case $1 in l3*) p=",ip=10.9.0.1/24,,fd00:9::1/64" ;; esac
    case $1 in *:noproxy) p="$p,l3-proxy=off" ;; esac
    echo "$p"
}

# A Linux l3/l3s ipvlan is NOARP; the guest's interface of an L3 child is
# not, and the device answers its ARP, as docs/system/devices/vnet-multi.rst
# says: the cells where a child asks differ by design. With l3-proxy on
# (the default) the lower also answers the outside's ARP for a child, which
# Linux's lower does not; off, that cell must match.
extra() {
    echo "NAME=$1 MODE=${1%:*}"
    case $1 in
        l3*:noproxy)
            echo "EXPECT_DIFF='^c1->.* broadcast ARP'"
            echo "EXPECT_WHY='L3 child is not NOARP (docs: ipvlan, guest boundary)'" ;;
        l3*)
            echo "EXPECT_DIFF='^c1->.* broadcast ARP|^outside->c1 broadcast ARP'"
            echo "EXPECT_WHY='L3 child is not NOARP; the lower proxies ARP (docs: ipvlan)'" ;;
    esac
}
EXTRA_FN=extra

vs_kernel ipvlan "${IPVLAN_MODES:-l2-bridge l2-private l2-vepa l3-bridge l3-private l3-vepa l3s-bridge l3s-private l3s-vepa l3-bridge:noproxy l3s-vepa:noproxy}" \
    kids lower
