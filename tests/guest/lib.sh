# SPDX-License-Identifier: GPL-2.0-or-later
# Host-side helpers for guest tests: a work directory and an HTTP peer on
# the host's loopback, both removed when the test exits.
guest_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$guest_dir/../.." && pwd)
run_guest=$guest_dir/run-guest

work=$(mktemp -d "${TMPDIR:-/tmp}/vnet-test.XXXXXX")
http_pid=
netns_made=()
ovs_made=()
links_made=()
_cleanup() {
    local p
    # A test may have stopped it already.
    [ -z "$http_pid" ] || kill "$http_pid" 2>/dev/null || true
    # Open vSwitch's daemons would outlive their namespace, and while they
    # live it keeps its veth, whose host end would still route the
    # addresses the next test gives a veth of its own.
    for d in "${ovs_made[@]}"; do
        for p in $(cat "$d"/*.pid 2>/dev/null); do
            kill "$p" 2>/dev/null || continue
            for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
        done
    done
    for l in "${links_made[@]}"; do ip link del "$l" 2>/dev/null || true; done
    # A veth with an end in one of them goes with it.
    for n in "${netns_made[@]}"; do ip netns del "$n" 2>/dev/null || true; done
    rm -rf "$work"
}
trap _cleanup EXIT

# add_netns NAME: a host network namespace, deleted when the test exits;
# an interface named in links_made is deleted before it.
add_netns() {
    ip netns add "$1"
    netns_made+=("$1")
}

# kernel_vxlan NETNS HOSTIF NET VNI MAC ADDR [VXLAN-OPTIONS...]: a Linux
# vxlan vx0 (MAC, overlay ADDR/24) in a new namespace NETNS, whose veth vk
# (NET.2/24) is reached from the host's HOSTIF (NET.1/24); our side binds
# NET.1. veth's checksum offload is off: it would hand the kernel's inner
# checksums to our socket unfilled, left to a NIC that is not there.
kernel_vxlan() {
    local ns=$1 hv=$2 net=$3 vni=$4 mac=$5 addr=$6
    shift 6
    add_netns "$ns"
    ip link add "$hv" type veth peer name vk netns "$ns"
    ip addr add "$net.1/24" dev "$hv"
    ip link set "$hv" up
    ip -n "$ns" addr add "$net.2/24" dev vk
    ip -n "$ns" link set vk up
    ip netns exec "$ns" ethtool -K vk tx off > /dev/null
    ip -n "$ns" link set lo up
    ip -n "$ns" link add vx0 address "$mac" type vxlan id "$vni" dstport 4789 \
        local "$net.2" remote "$net.1" "$@"
    ip -n "$ns" addr add "$addr/24" dev vx0
    ip -n "$ns" link set vx0 up
}

# ovs_netns NETNS: Open vSwitch (ovsdb-server and ovs-vswitchd, their
# database, sockets and logs in $work/ovs) running in NETNS, stopped when
# the test exits; ovs_vsctl and ovs_appctl ARGS... drive it. Bridges
# need datapath_type=netdev: the userspace datapath, no kernel module.
ovs_netns() {
    local d=$work/ovs
    mkdir -p "$d"
    ovs_made+=("$d")
    export OVS_RUNDIR=$d OVS_DBDIR=$d OVS_LOGDIR=$d OVS_SYSCONFDIR=$d
    ovsdb-tool create "$d/conf.db" /usr/share/openvswitch/vswitch.ovsschema
    ip netns exec "$1" ovsdb-server "$d/conf.db" --remote=punix:"$d/db.sock" \
        --pidfile="$d/db.pid" --detach --log-file="$d/db.log"
    ovs_vsctl --no-wait init
    ip netns exec "$1" ovs-vswitchd unix:"$d/db.sock" --pidfile="$d/vs.pid" \
        --detach --log-file="$d/vs.log"
}
ovs_vsctl() { ovs-vsctl --db=unix:"$work/ovs/db.sock" --timeout=20 "$@"; }
ovs_appctl() { ovs-appctl -t "$work/ovs/ovs-vswitchd.$(cat "$work/ovs/vs.pid").ctl" "$@"; }

# vxlan_learned QMP NETDEV MAC REMOTE: the vxlan NETDEV of the QEMU at
# QMP has learned MAC behind REMOTE (query-vxlan-fdb, not permanent).
vxlan_learned() {
    python3 "$guest_dir/qmp.py" "$1" query-vxlan-fdb "{\"netdev\": \"$2\"}" |
        python3 -c '
import json, sys
fdb = json.load(sys.stdin)
sys.exit(0 if any(e["mac"] == sys.argv[1] and e["remote"] == sys.argv[2]
                  and not e["permanent"] for e in fdb) else 1)' "$3" "$4"
}

# start_http DIR [NETNS ADDR]: serve DIR on 127.0.0.1, or on ADDR inside
# network namespace NETNS; sets HTTP_PORT.
start_http() {
    if [ $# -ge 3 ]; then
        ip netns exec "$2" python3 "$guest_dir/http-server.py" "$1" "$work/http.port" 600 "$3" &
    else
        python3 "$guest_dir/http-server.py" "$1" "$work/http.port" 600 &
    fi
    http_pid=$!
    for _ in $(seq 50); do
        [ -s "$work/http.port" ] && break
        sleep 0.1
    done
    HTTP_PORT=$(cat "$work/http.port")
}

# serve_blob [NETNS ADDR]: 1 MiB of random bytes over start_http as /blob;
# sets BLOB_SUM to its SHA-256.
serve_blob() {
    mkdir -p "$work/www"
    head -c 1048576 /dev/urandom > "$work/www/blob"
    BLOB_SUM=$(sha256sum "$work/www/blob" | cut -d' ' -f1)
    start_http "$work/www" "$@"
}

# For a test that runs one guest in the background with
# `-qmp unix:$work/qmp,...`, its console in $work/log and its pid in $pid:
# qmp COMMAND [JSON] runs a QMP command; wait_mark MARK [SECONDS] waits
# (120 s by default) until the guest prints MARK, failing if the guest ends
# first; functions lists query-vnet's function ids, function 0 first.
qmp() { python3 "$guest_dir/qmp.py" "$work/qmp" "$@"; }
# live_migrate SRC_QMP DST_QMP PORT|URI: migrates the QEMU at SRC_QMP to
# the one the caller started with `-qmp unix:DST_QMP,... -incoming
# tcp:127.0.0.1:PORT` (or `-incoming URI`); prints the outcome, fails
# unless it completed.
live_migrate() {
    local st=
    for _ in $(seq 50); do [ -S "$2" ] && break; sleep 0.2; done
    local uri=$3
    # A bare port is on 127.0.0.1.
    case $uri in *:*) ;; *) uri=tcp:127.0.0.1:$uri ;; esac
    python3 "$guest_dir/qmp.py" "$1" migrate "{\"uri\": \"$uri\"}" >/dev/null ||
        return 1
    for _ in $(seq 300); do
        st=$(python3 "$guest_dir/qmp.py" "$1" query-migrate |
             python3 -c 'import json,sys; print(json.load(sys.stdin).get("status"))')
        [ "$st" = completed ] || [ "$st" = failed ] && break
        sleep 0.2
    done
    echo "migration: $st"
    [ "$st" = completed ]
}
# start_and_move ARGS...: runs $work/script in a guest with QEMU options
# ARGS (console in $work/log, pid in $pid); when it prints MIGRATE-NOW,
# migrates it live to a second QEMU of the same options (console in
# $work/c.log), quits the first and creates $work/www/moved (served by
# start_http, which the script waits for); returns once the second ends,
# failing if the migration or the second guest failed.
start_and_move() {
    local port pc
    port=$(free_port)
    "$run_guest" --timeout 180 "$work/script" "$@" \
        -qmp unix:"$work/a.qmp",server=on,wait=off > "$work/log" 2>&1 & pid=$!
    wait_mark MIGRATE-NOW 150 || return 1
    "$run_guest" --timeout 180 "$work/script" "$@" \
        -qmp unix:"$work/c.qmp",server=on,wait=off \
        -incoming tcp:127.0.0.1:"$port" > "$work/c.log" 2>&1 & pc=$!
    if ! live_migrate "$work/a.qmp" "$work/c.qmp" "$port"; then
        kill "$pc" 2>/dev/null || true
        return 1
    fi
    python3 "$guest_dir/qmp.py" "$work/a.qmp" quit >/dev/null 2>&1 || true
    touch "$work/www/moved"
    wait "$pc"
}
# free_port: a TCP port of 127.0.0.1 free now.
free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
wait_mark() {
    for _ in $(seq $((${2:-120} * 5))); do
        grep -q "$1" "$work/log" && return 0
        kill -0 "$pid" 2>/dev/null || { echo "guest ended before $1"; return 1; }
        sleep 0.2
    done
    echo "no $1 from the guest"
    return 1
}
# say SOCKET WORD: one line to the guest's second serial port, a unix
# socket (-chardev socket,id=ctl,path=SOCKET,server=on,wait=off -serial
# chardev:ctl), where `head -n 1 /dev/ttyS1` waits for it.
say() {
    python3 - "$1" "$2" <<'EOP'
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.sendall(sys.argv[2].encode() + b"\n")
s.close()
EOP
}
# run_drive: the host's side of a test whose guest is $pid with its
# console in $work/log: runs the caller's drive(), stops the guest if that
# fails, prints the end of the log and exits with the outcome.
run_drive() {
    local rc=0
    drive || { rc=1; kill "$pid" 2>/dev/null || true; }
    wait "$pid" || rc=1
    tr -d '\r' < "$work/log" | grep -v '^\s*$' | tail -40
    exit $rc
}
# ring_identities [ID...]: query-vnet's accounting identities, as the
# qtest suite checks them, on the vnet-multi devices named (all if none
# is): each frame a child's guest queued was sent or dropped under a tx-
# reason; each frame delivered to a function is in its rings; the lower
# sent what its uplink got. Prints each function's counters; fails if one
# does not hold.
ring_identities() {
    qmp query-vnet | python3 -c '
import json, sys
ok = True
for dev in json.load(sys.stdin):
    if sys.argv[1:] and dev["id"] not in sys.argv[1:]:
        continue
    for f in dev["functions"]:
        q_tx = sum(q["tx-packets"] for q in f["queue-stats"])
        q_rx = sum(q["rx-packets"] for q in f["queue-stats"])
        drops = {d["reason"]: d["count"] for d in f["drops"]}
        tx_drops = sum(n for r, n in drops.items() if r.startswith("tx-"))
        print("%s: rings tx %d rx %d; sent %d, tx drops %d, delivered %d, backlog %d; drops %s"
              % (f["id"], q_tx, q_rx, f["tx-packets"], tx_drops, f["rx-packets"],
                 f["rx-backlog"], drops))
        if f["kind"] == "lower":
            ok &= f["tx-packets"] == dev["uplink-tx-packets"]
        else:
            ok &= q_tx == f["tx-packets"] + tx_drops
        ok &= q_rx == f["rx-packets"]
    print("%s uplink: %d in, %d out" % (dev["id"], dev["uplink-rx-packets"], dev["uplink-tx-packets"]))
print("accounting holds" if ok else "ACCOUNTING BROKEN")
sys.exit(0 if ok else 1)' "$@"
}
functions() {
    qmp query-vnet | python3 -c 'import json,sys; print(" ".join(f["id"] for f in json.load(sys.stdin)[0]["functions"]))'
}

# The uplink most tests use: slirp, the guest at 10.0.2.15.
SLIRP_UP="ip addr add 10.0.2.15/24 dev eth0
ip link set eth0 up
ip route add default via 10.0.2.2"

# vs_kernel KIND "MODES" KIDS_FN [LOWER_FN]: the differential tests' runner.
# For each mode, one guest runs child-matrix.sh with vnet-multi at 05.0
# (plus the properties LOWER_FN MODE prints), the children KIDS_FN MODE
# prints at 05.1/05.2, and the switch port NIC at 06.0; two guests at a
# time (one per core). Prints every table; fails if any differs. The
# guest script also gets the lines EXTRA_FN MODE prints, if EXTRA_FN is set.
vs_kernel() {
    local kind=$1 modes=$2 kids_fn=$3 lower_fn=${4:-} rc=0 p1 p2 m
    _vs_one() {
        local mode=$1 lower=
        if [ -n "$lower_fn" ]; then lower=$("$lower_fn" "$mode"); fi
        {
            echo "KIND=$kind MODE=$mode"
            if [ -n "${EXTRA_FN:-}" ]; then "$EXTRA_FN" "$mode"; fi
            cat "$guest_dir/child-matrix.sh"
        } > "$work/$mode.sh"
        # shellcheck disable=SC2046
        "$run_guest" --timeout 240 "$work/$mode.sh" \
            -netdev hubport,id=up,hubid=1 -netdev hubport,id=swp,hubid=1 \
            -device vnet-multi,id=low,netdev=up,addr=5.0,multifunction=on,mac=02:00:00:00:00:01$lower \
            $("$kids_fn" "$mode") \
            -device virtio-net-pci,netdev=swp,addr=6.0,mac=02:00:00:00:00:98,romfile= \
            > "$work/$mode.log" 2>&1
    }
    set -- $modes
    while [ $# -gt 0 ]; do
        _vs_one "$1" & p1=$!
        p2=
        if [ $# -gt 1 ]; then _vs_one "$2" & p2=$!; fi
        wait $p1 || rc=1
        if [ -n "$p2" ]; then wait $p2 || rc=1; fi
        shift
        if [ $# -gt 0 ]; then shift; fi
    done
    for m in $modes; do
        sed -n "/^$kind mode/,/^MATRIX-RESULT/p" "$work/$m.log"
        if ! grep -q "MATRIX-RESULT mode=$m differ=0" "$work/$m.log"; then
            echo "--- mode $m: guest log tail"
            tail -30 "$work/$m.log"
            rc=1
        fi
    done
    return $rc
}
