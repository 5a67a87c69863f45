#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The docs' recipes, run as written: every code block captioned
# "recipe NAME: ..." in docs/system (QEMU command lines, the lines typed in
# each guest, the host's set-up and clean-up), by doc-recipes.py. A
# recipe that stops working fails this test, so the docs cannot rot.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
docs=("$top"/docs/system/devices/vnet-multi.rst "$top"/docs/system/netdev-vxlan.rst)
n=$(python3 "$top/tests/guest/doc-recipes.py" --list "${docs[@]}" | wc -l)
echo "test-docs: $n recipes"
[ "$n" -ge 6 ]
python3 "$top/tests/guest/doc-recipes.py" "${docs[@]}" "$@"
