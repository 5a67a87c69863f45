#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Differential test, ipvlan l2: for each flag (bridge, private, vepa), the
# kernel's own ipvlan over a veth and vnet-multi's vnet-ipvlan functions in
# one guest, the same traffic matrix on both, with the hairpin relay on and
# off (see test-macvlan-vs-kernel.sh). Child 1 has its address fixed with
# addrs=, child 2 has it learned from its first frame.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

kids() {
    echo "-device vnet-ipvlan,lower=low,id=c1,addr=5.1,mode=l2,flags=$1,addrs=10.9.0.11" \
         "-device vnet-ipvlan,lower=low,id=c2,addr=5.2,mode=l2,flags=$1"
}

vs_kernel ipvlan "${IPVLAN_FLAGS:-bridge private vepa}" kids
