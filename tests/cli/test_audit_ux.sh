#!/bin/sh
# tests/cli/test_audit_ux.sh - audit and ranges as a user reads them:
# --expect takes service names and port lists, the snippet written names
# its own FILE, counts have the right plural, a reversed range is invalid.
. "$(dirname "$0")/lib.sh"

if [ "$(printf '\001\000' | od -An -tu2 | tr -d ' ')" != 1 ]; then
	skip "audit fixtures" "the fixture /proc trees hold little-endian words"
	exit 0
fi
P=$DATA/proc-audit

run "$PORTKIT" audit --proc-root "$P" --json --expect postgresql --expect 40000,T:40001=pair
expect "--expect postgresql: the name's ports (tcp)" 4 '"label": "postgresql"'
check "--expect postgresql: 5432 in the expected list" sh -c 'printf "%s\n" "$1" | grep -q "\"port_lo\": 5432"' _ "$out"
expect "--expect with a port list: each element, labelled" 4 '"label": "pair"'
run "$PORTKIT" audit --proc-root "$P" --expect nosuchservice
expect_err "--expect with an unknown name: exit 2 naming it" 2 "no service named 'nosuchservice'"
run "$PORTKIT" audit --proc-root "$P" --expect 70000
expect_err "--expect 70000: still an invalid port" 2 "invalid port '70000'"

# The snippet written names FILE, not the default place.
run "$PORTKIT" audit --proc-root "$P" --expect 40100/tcp -q --write-sysctl "$CLI_TMP/my.conf"
check "--write-sysctl: the file exists" test -s "$CLI_TMP/my.conf"
check "--write-sysctl: its first line names FILE" \
	test "$(head -1 "$CLI_TMP/my.conf")" = "# $CLI_TMP/my.conf - proposed by portkit."
check "--write-sysctl: sysctl -p FILE" grep -qx "# Apply with: sysctl -p $CLI_TMP/my.conf" "$CLI_TMP/my.conf"
run "$PORTKIT" audit --proc-root "$P" --expect 40100/tcp --write-sysctl "$CLI_TMP/my2.conf"
expect "--write-sysctl: says where it wrote" 4 "^the snippet was written to $CLI_TMP/my2.conf \\(apply it with: sysctl -p $CLI_TMP/my2.conf\\)$"

# Plurals: one outgoing connection, not "1 connections".
mkdir -p "$CLI_TMP/p1/net"
cp -r "$P/sys" "$CLI_TMP/p1/"
# One ESTABLISHED connection (state 01) from 127.0.0.1:40100 to 127.0.0.1:80.
cat > "$CLI_TMP/p1/net/tcp" <<'TCP'
  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:9CA4 0100007F:0050 01 00000000:00000000 00:00000000 00000000     0        0 1 1 0000000000000000 20 4 30 10 -1
TCP
: > "$CLI_TMP/p1/net/udp"
: > "$CLI_TMP/p1/net/tcp6"
: > "$CLI_TMP/p1/net/udp6"
run env PROC_ROOT="$CLI_TMP/p1" "$PORTKIT" audit
check "one outgoing connection, singular" sh -c 'printf "%s\n" "$1" | grep -q "^sockets .* 1 outgoing connection (proc)$"' _ "$out"
check "no '1 connections' anywhere" sh -c '! printf "%s\n" "$1" | grep -qE "(^|[^0-9])1 (connections|ports|sockets)"' _ "$out"

# ranges --host on a reversed range: invalid, as audit says.
run env PROC_ROOT="$DATA/proc-reversed" "$PORTKIT" ranges --host
expect "ranges --host 61000 32768: invalid" 0 '^ip_local_port_range +61000 32768: invalid, reversed'
check "... no huge count" sh -c '! printf "%s\n" "$1" | grep -q 4294' _ "$out"
run env PROC_ROOT="$DATA/proc-reversed" "$PORTKIT" ranges --host --json
expect "ranges --host --json: valid false" 0 '"valid": false'
expect "ranges --host --json: count 0" 0 '"count": 0,'
