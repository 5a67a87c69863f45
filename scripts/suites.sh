# SPDX-License-Identifier: GPL-2.0-or-later
# Sourced by scripts/check and scripts/check-sanitize. `run NAME CMD...`
# runs one suite and marks it PASS or FAIL with its time; `summary TITLE`
# prints the total time, the failed suites and the closing line
# "N passed, N failed", and returns non-zero if anything failed.
pass=0
fail=0
failed=()
start=$SECONDS

run() {
    local name=$1 t0=$SECONDS
    shift
    echo "=== $name"
    if "$@"; then
        pass=$((pass + 1))
        echo "--- PASS $name ($((SECONDS - t0)) s)"
    else
        fail=$((fail + 1))
        failed+=("$name")
        echo "--- FAIL $name ($((SECONDS - t0)) s)"
    fi
}

summary() {
    echo
    echo "$1: $((SECONDS - start)) s"
    [ $fail -gt 0 ] && echo "failed: ${failed[*]}"
    echo "$pass passed, $fail failed"
    [ $fail = 0 ]
}
