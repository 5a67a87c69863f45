# SPDX-License-Identifier: GPL-2.0-or-later
# Host-side helpers for guest tests: a work directory and an HTTP peer on
# the host's loopback, both removed when the test exits.
guest_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$guest_dir/../.." && pwd)
run_guest=$guest_dir/run-guest

work=$(mktemp -d "${TMPDIR:-/tmp}/vnet-test.XXXXXX")
http_pid=
_cleanup() {
    [ -n "$http_pid" ] && kill "$http_pid" 2>/dev/null
    rm -rf "$work"
}
trap _cleanup EXIT

# start_http DIR: serve DIR on 127.0.0.1; sets HTTP_PORT.
start_http() {
    python3 "$guest_dir/http-server.py" "$1" "$work/http.port" 600 &
    http_pid=$!
    for _ in $(seq 50); do
        [ -s "$work/http.port" ] && break
        sleep 0.1
    done
    HTTP_PORT=$(cat "$work/http.port")
}

# The uplink most tests use: slirp, the guest at 10.0.2.15.
SLIRP_UP="ip addr add 10.0.2.15/24 dev eth0
ip link set eth0 up
ip route add default via 10.0.2.2"
