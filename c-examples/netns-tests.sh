#!/bin/bash
# The database examples (show, monitor, txn) against a network namespace
# this script creates and always deletes (trap), never the host's network.
#
#   ./netns-tests.sh [WRAPPER...]     e.g. ./netns-tests.sh valgrind -q ...
#
# Needs root for `ip netns add`: without it the tests are skipped with a
# loud message, or fail when IPDB_REQUIRE_NETNS=1.
set -euo pipefail
cd "$(dirname "$0")"

if [ "$(id -u)" != 0 ]; then
  if [ "${IPDB_REQUIRE_NETNS:-0}" = 1 ]; then
    echo "FAIL: the database C examples need root (ip netns) and IPDB_REQUIRE_NETNS=1" >&2
    exit 1
  fi
  echo "SKIPPED: the database C examples (show, monitor, txn) need root for ip netns;" \
       "set IPDB_REQUIRE_NETNS=1 to make this a failure" >&2
  exit 0
fi

ns="ipdb-c-$$"
tmp=$(mktemp -d)
mon_pid=""
cleanup() {
  [ -n "$mon_pid" ] && kill "$mon_pid" 2>/dev/null || true
  ip netns del "$ns" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
ip netns add "$ns"
path="/run/netns/$ns"
nsip() { ip -n "$ns" "$@"; }

fail() { echo "FAIL: $*" >&2; exit 1; }
expect_line() { # FILE REGEX
  grep -E -- "$2" "$1" >/dev/null || { cat "$1" >&2; fail "no line matching '$2'"; }
}

nsip link set lo up
nsip link add v0 type veth peer name v1
nsip link set v0 up
nsip link set v1 up
nsip addr add 10.1.0.1/24 dev v0
nsip route add 10.9.0.0/16 via 10.1.0.254
nsip route add 10.10.0.0/16 nexthop via 10.1.0.2 weight 1 nexthop via 10.1.0.3 weight 2
# IPv6 link-local addresses settle (DAD) before the state is compared.
for _ in $(seq 50); do
  [ -z "$(nsip -6 addr show tentative)" ] && break
  sleep 0.1
done

echo "show: dump and lookups"
status=0
"$@" ./show "$path" 10.9.1.1 10.1.0.7 192.0.2.1 >"$tmp/show" || status=$?
[ "$status" = 2 ] || fail "show exited $status, want 2 (192.0.2.1 has no route)"
expect_line "$tmp/show" '^link [0-9]+ v0 kind veth mtu 1500 '
expect_line "$tmp/show" '^address 10\.1\.0\.1/24 dev [0-9]+ scope 0 label v0$'
expect_line "$tmp/show" '^route 10\.9\.0\.0/16 table 254 .* via 10\.1\.0\.254 dev '
expect_line "$tmp/show" '^route 10\.10\.0\.0/16 table 254 .* nexthops 2$'
expect_line "$tmp/show" '^  nexthop via 10\.1\.0\.3 dev [0-9]+ weight 2$'
expect_line "$tmp/show" '^lookup 10\.9\.1\.1: dev v0$'
expect_line "$tmp/show" '^lookup 10\.1\.0\.7: route 10\.1\.0\.0/24 table 254 '
expect_line "$tmp/show" '^lookup 192\.0\.2\.1: no route$'
links=$(nsip -j link show | grep -o '"ifindex"' | wc -l)
expect_line "$tmp/show" "^counts links $links "

echo "monitor: epoll + ipdb_db_process, 2 events then exit"
: >"$tmp/monitor"
"$@" ./monitor "$path" 2 20000 >"$tmp/monitor" &
mon_pid=$!
for _ in $(seq 300); do
  grep -x ready "$tmp/monitor" >/dev/null && break
  kill -0 "$mon_pid" 2>/dev/null || break
  sleep 0.1
done
expect_line "$tmp/monitor" '^ready$'
nsip addr add 10.2.0.1/24 dev v1
wait "$mon_pid" || fail "monitor exited $?"
mon_pid=""
expect_line "$tmp/monitor" '^add address 10\.2\.0\.1/24 dev [0-9]+ scope 0 label v1$'
nsip addr del 10.2.0.1/24 dev v1
echo "monitor: times out (exit 3) when nothing happens"
status=0
"$@" ./monitor "$path" 1 300 >/dev/null 2>&1 || status=$?
[ "$status" = 3 ] || fail "idle monitor exited $status, want 3"

echo "txn: a failing transaction, a vetoed one and timed commits leave the namespace as it was"
state() {
  nsip -j link show; nsip -j addr show
  nsip -j -4 route show table all; nsip -j -6 route show table all
  nsip -j -4 rule show; nsip -j -6 rule show
}
state >"$tmp/before"
"$@" ./txn "$path" v0 >"$tmp/txn" || { cat "$tmp/txn" >&2; fail "txn exited $?"; }
expect_line "$tmp/txn" '^review \{"links":\[\{"name":"v0",.*"new":"1400".*"add_ip":\["10\.77\.0\.1/24"\]'
expect_line "$tmp/txn" '^commit 1: step [0-9]+ \(route add 10\.79\.0\.0/16 via 192\.0\.2\.99\) failed: .*Nexthop has invalid gateway'
expect_line "$tmp/txn" '^commit 2: commit hook "veto" vetoed: returned 7'
state >"$tmp/after"
diff -u "$tmp/before" "$tmp/after" >&2 || fail "the namespace changed"
echo "database C examples: ok"
