#!/usr/bin/env bash
# libipdb against its peers, same run, same namespace: N IPv4 /24 routes in
# the main table of a throw-away network namespace, then, each as its own
# process RUNS times (best and median of the operation's wall time, median
# peak RSS):
#   (a) libipdb IpRoute::routes(AF_INET, 254), decoded into owned records
#   (b) libipdb Ipdb::open_in_netns, time to a ready database (every kind)
#   (c) pyroute2 IPRoute(netns=).get_routes(family=AF_INET, table=254), consumed
#   (d) pyroute2 NDB with a netns source, until its SQLite holds every route
#   (e) Go vishvananda/netlink RouteListFiltered(FAMILY_V4, table 254) via NewHandleAt
#   (f) ip -n NS -4 route show > /dev/null (whole process: start-up included)
# (a)-(e) time the operation inside the process (socket open and namespace
# entry included; interpreter/runtime start-up and imports not).
#
# Usage (root):  benches/peers/run.sh [N=100000] [RUNS=5]
# Environment:   PEERS_VENV (default /work/peers-venv: python venv with
#                pyroute2), PY_RUNS (default RUNS; runs of (c)),
#                NDB_RUNS (default 3; 0 skips NDB),
#                CARGO_TARGET_DIR (as cargo).
# Peers come from the registries: `python3 -m venv $PEERS_VENV &&
# $PEERS_VENV/bin/pip install pyroute2`; `apt-get install golang-go
# golang-github-vishvananda-netlink-dev` (built offline, GOPATH=/usr/share/gocode).
# A peer that is not installed is skipped with a note.
#
# Never touches the host's network: every kernel change is made with
# `ip -n NS` in the namespace this script creates; it is deleted on exit.
set -euo pipefail

N=${1:-100000}
RUNS=${2:-5}
PY_RUNS=${PY_RUNS:-$RUNS}
NDB_RUNS=${NDB_RUNS:-3}
VENV=${PEERS_VENV:-/work/peers-venv}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
NS=ipdb-peers-$$
OUT=$(mktemp -d)

[ "$(id -u)" = 0 ] || { echo "run.sh: needs root (network namespaces)" >&2; exit 1; }

cleanup() {
    ip netns del "$NS" 2>/dev/null || true
    rm -rf "$OUT"
}
trap cleanup EXIT

echo "# peers: N=$N runs=$RUNS, pyroute2 IPRoute runs=$PY_RUNS, NDB runs=$NDB_RUNS ($(date -u +%FT%TZ), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg))"

# --- build the measuring binaries ---------------------------------------
(cd "$ROOT" && cargo build -q --release -p ipdb --example peers_dump)
OURS=$TARGET/release/examples/peers_dump
GO_BIN=
if command -v go >/dev/null && [ -d /usr/share/gocode/src/github.com/vishvananda/netlink ]; then
    (cd "$ROOT/benches/peers/go_dump" &&
        GOPATH=/usr/share/gocode GO111MODULE=off GOFLAGS= GOCACHE="$OUT/gocache" \
            go build -o "$OUT/go_dump" .) && GO_BIN=$OUT/go_dump
else
    echo "# note: Go or golang-github-vishvananda-netlink-dev missing: (e) skipped"
fi
PY=
if [ -x "$VENV/bin/python" ] && "$VENV/bin/python" -c 'import pyroute2' 2>/dev/null; then
    PY=$VENV/bin/python
    echo "# pyroute2 $("$PY" -c 'import pyroute2; print(pyroute2.__version__)'), $("$PY" -V)"
else
    echo "# note: no pyroute2 in $VENV: (c) and (d) skipped"
fi
[ -n "$GO_BIN" ] && echo "# $(go version), vishvananda/netlink $(dpkg-query -W -f='${Version}' golang-github-vishvananda-netlink-dev 2>/dev/null)"
echo "# $(ip -V)"

# --- the namespace --------------------------------------------------------
ip netns add "$NS"
ip -n "$NS" -batch - <<EOF
link set lo up
link add r0 type veth peer name r1
link set r0 up
link set r1 up
addr add 10.255.255.1/30 dev r0
EOF
t0=$(date +%s%N)
# 1A.B.C.0/24 with i = A<<16 | B<<8 | C: 10.0.0.0/24 upwards, /24 apart.
awk -v n="$N" 'BEGIN { for (i = 0; i < n; i++)
    printf "route add 1%d.%d.%d.0/24 via 10.255.255.2 dev r0\n", int(i / 65536), int(i / 256) % 256, i % 256 }' |
    ip -n "$NS" -batch -
HELD=$(ip -n "$NS" -4 route show table main | wc -l)
echo "# setup: $N routes added in $(( ($(date +%s%N) - t0) / 1000000 )) ms; main table holds $HELD IPv4 routes"

# --- measuring --------------------------------------------------------------
# measure KEY RUNS CMD...: each run leaves "ms rss0_kb peak_kb n" in $OUT/KEY.
measure() {
    local key=$1 runs=$2
    shift 2
    : >"$OUT/$key"
    for ((r = 0; r < runs; r++)); do
        local line peak
        if ! line=$(/usr/bin/time -f '%M' -o "$OUT/time" "$@"); then
            echo "# $key: run failed: $*" >&2
            return 1
        fi
        peak=$(tail -n1 "$OUT/time")
        # ms=X rss0_kb=Y n=Z -> X Y peak Z
        echo "$line" | sed -E 's/ms=([^ ]+) rss0_kb=([^ ]+) n=([^ ]+)/\1 \2 '"$peak"' \3/' >>"$OUT/$key"
    done
}

# For `ip` the whole process is the operation.
ip_show() {
    local s e
    s=$(date +%s%N)
    ip -n "$NS" -4 route show >/dev/null
    e=$(date +%s%N)
    printf 'ms=%d.%03d rss0_kb=0 n=%s\n' $(((e - s) / 1000000)) $(((e - s) / 1000 % 1000)) "$HELD"
}
export -f ip_show
export NS HELD

# Interleaved peer by peer, one run each pass, so a burst of load from
# elsewhere on the machine does not land on one peer alone.
for key in a b c d e f; do : >"$OUT/$key"; done
for ((pass = 0; pass < RUNS; pass++)); do
    measure a.1 1 "$OURS" routes "/run/netns/$NS" && cat "$OUT/a.1" >>"$OUT/a"
    measure b.1 1 "$OURS" db "/run/netns/$NS" && cat "$OUT/b.1" >>"$OUT/b"
    if [ -n "$PY" ]; then
        if [ "$pass" -lt "$PY_RUNS" ]; then
            measure c.1 1 "$PY" "$ROOT/benches/peers/pyroute2_dump.py" iproute "$NS" && cat "$OUT/c.1" >>"$OUT/c"
        fi
        if [ "$pass" -lt "$NDB_RUNS" ]; then
            measure d.1 1 "$PY" "$ROOT/benches/peers/pyroute2_dump.py" ndb "$NS" "$HELD" && cat "$OUT/d.1" >>"$OUT/d"
        fi
    fi
    [ -n "$GO_BIN" ] && measure e.1 1 "$GO_BIN" "$NS" && cat "$OUT/e.1" >>"$OUT/e"
    measure f.1 1 bash -c ip_show && cat "$OUT/f.1" >>"$OUT/f"
done

# --- the table --------------------------------------------------------------
# stats KEY -> "best median peak_median rss0_median n" (empty if no runs)
stats() {
    [ -s "$OUT/$1" ] || return 0
    sort -g -k1,1 "$OUT/$1" | awk '{ ms[NR] = $1; r0[NR] = $2; pk[NR] = $3; n = $4 }
        END { m = int((NR + 1) / 2); print ms[1], ms[m], pk[m], r0[m], n }'
}
row() { # row KEY LABEL BASE_KEY
    local s b
    s=$(stats "$1")
    [ -n "$s" ] || { printf '| %s | (not run) |\n' "$2"; return; }
    b=$(stats "$3")
    echo "$s $b" | awk -v label="$2" -v self="$1" -v base="$3" '{
        best = $1; med = $2; peak = $3; rss0 = $4; n = $5; bmed = $7
        ratio = (self == base) ? "1 (ours)" : sprintf("%.2fx", med / bmed)
        grow = (rss0 > 0) ? sprintf("%.1f MiB = %.0f B/route", (peak - rss0) / 1024, (peak - rss0) * 1024 / n) : "-"
        printf "| %s | %d | %.1f | %.1f | %s | %.1f MiB | %s |\n", label, n, best, med, ratio, peak / 1024, grow }'
}
echo
echo "| what | routes | best ms | median ms | median vs ours | peak RSS | RSS growth over start |"
echo "|---|---|---|---|---|---|---|"
row a "(a) libipdb IpRoute::routes (owned records)" a
row c "(c) pyroute2 IPRoute.get_routes (consumed)" a
row e "(e) Go netlink RouteListFiltered" a
row f "(f) ip -4 route show >/dev/null (whole process)" a
row b "(b) libipdb Ipdb::open_in_netns (ready db)" b
row d "(d) pyroute2 NDB (netns source, all routes in SQLite)" b
echo
echo "# load at end: $(cut -d' ' -f1-3 /proc/loadavg)"
