#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# run-guest itself: two instances at once each return their script's exit
# status, and a script that overruns --timeout fails with a clear message.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

echo 'echo first; exit 0' > "$work/ok.sh"
echo 'echo second; exit 3' > "$work/three.sh"
"$run_guest" "$work/ok.sh" > "$work/ok.log" 2>&1 & a=$!
"$run_guest" "$work/three.sh" > "$work/three.log" 2>&1 & b=$!
ra=0; wait $a || ra=$?
rb=0; wait $b || rb=$?
echo "parallel runs exited $ra and $rb"
[ $ra = 0 ] && [ $rb = 3 ]
grep -q '^first' "$work/ok.log" && grep -q '^second' "$work/three.log"

echo 'sleep 600' > "$work/slow.sh"
rc=0
"$run_guest" --timeout 12 "$work/slow.sh" > "$work/slow.log" 2>&1 || rc=$?
tail -1 "$work/slow.log"
[ $rc = 124 ] && grep -q 'TIMEOUT' "$work/slow.log"
