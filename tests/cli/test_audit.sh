#!/bin/sh
# tests/cli/test_audit.sh - `portkit audit` and `portkit listeners`:
#  1. fixture /proc trees (tests/data/proc-*), which run unprivileged;
#  2. bad input and system errors;
#  3. the same scenarios for real, in a fresh network namespace (root):
#     listeners inside and outside the range, the printed fix applied with
#     the printed commands, and the audit clean afterwards.
. "$(dirname "$0")/lib.sh"

J=$BUILD/tests/tools/json_get
HOLD=$BUILD/tests/tools/holdports
# The fixtures' addresses are 32-bit words as a little-endian kernel
# prints them (see lib/procnet.c).
little_endian=$(printf '\001\000' | od -An -tu2 | tr -d ' ')

# A registry of our own, so the expectations do not depend on the snapshot:
# 22 is ssh, 8080 http-alt, 7777 only "Unassigned".
cat > "$CLI_TMP/reg.csv" <<'EOF'
Service Name,Port Number,Transport Protocol,Description,Assignee,Contact,Registration Date,Modification Date,Reference,Service Code,Unauthorized Use Reported,Assignment Notes
ssh,22,tcp,The Secure Shell (SSH) Protocol,,,,,[RFC4251],,,
http-alt,8080,tcp,HTTP Alternate (see port 80),,,,,,,,
,7777,tcp,Unassigned,,,,,,,,
EOF
"$PORTKIT" import "$CLI_TMP/reg.csv" -o "$CLI_TMP/reg.idx" > /dev/null ||
	echo "FAIL: fixture registry could not be imported"
IDX="--index $CLI_TMP/reg.idx"

# ---- 1. fixture hosts -------------------------------------------------------
if [ "$little_endian" != 1 ]; then
	skip "fixture /proc trees" "they hold little-endian words"
else
P=$DATA/proc-audit
run "$PORTKIT" audit $IDX --proc-root "$P" --expect 40100/tcp=billing-api
expect "fixture: findings exist, exit 4" 4 '^1 error, 2 warnings, [0-9]+ info$'
expect "fixture: settings read from the tree" 4 '^ephemeral range   32768-60999 \(net.ipv4.ip_local_port_range\)$'
expect "fixture: sockets and outbound load" 4 '^sockets           6 listening or bound, 4 outgoing connections \(proc\)$'
expect "fixture: grouped, errors first" 4 '^ERRORS \(1\)$'
expect "fixture: port taken by an outgoing connection" 4 '^\* expected port 40100/tcp billing-api: 1 port is held by outgoing connections right now \[port-taken\]$'
expect "fixture: listener inside the range" 4 '^\* listening port 40000/tcp is inside the ephemeral range 32768-60999 and not reserved \[ephemeral-port\]$'
expect "fixture: its owner" 4 '^    tcp 0.0.0.0:40000, process billing \(pid 4242, uid 1000\)$'
expect "fixture: expected port inside the range" 4 '^\* expected port 40100/tcp billing-api is inside the ephemeral range'
expect "fixture: the merged reserved list (55555 was reserved)" 4 '^    sysctl -w net.ipv4.ip_local_reserved_ports=40000,40100,55555$'
expect "fixture: the sysctl.d snippet" 4 '^    net.ipv4.ip_local_reserved_ports = 40000,40100,55555$'
expect "fixture: another service's port, both named" 4 '^\* node listens on 8080/tcp, which IANA assigns to http-alt \[iana-other-service\]$'
expect "fixture: a port number is only a hint" 4 'only a hint of the service behind it \(RFC 7605\)'
expect "fixture: squatting on an unassigned User port" 4 '^\* squatter on 7777/tcp, a User port IANA has not assigned \[squatting\]$'
expect "fixture: Dynamic range" 4 '^\* dyn on 55555/tcp, in the Dynamic/Private range 49152-65535 \[dynamic-range\]$'
expect "fixture: outbound load per destination" 4 '^\* busiest destination 10.0.0.5:443 uses 4 of 28230 usable ephemeral ports'
expect "fixture: UDP in the range is information" 4 '^\* bound port 45000/udp is inside the ephemeral range'
expect "fixture: what could not be seen" 4 'Socket tables not read: udp6'
check "fixture: sshd on ssh is not flagged" sh -c "! grep -q 'on 22/tcp' '$CLI_TMP/out'"

run env PROC_ROOT="$P" "$PORTKIT" audit $IDX --expect 40100/tcp --quiet
expect "quiet: warnings and errors only, one line each" 4 '^warning: listening port 40000/tcp is inside the ephemeral range 32768-60999 and not reserved \[ephemeral-port\]$'
check "quiet: three lines (PROC_ROOT honoured)" test "$(wc -l < "$CLI_TMP/out")" -eq 3
check "quiet: no info" sh -c "! grep -q '^info' '$CLI_TMP/out'"

run "$PORTKIT" audit $IDX --proc-root "$P" --expect 40100/tcp=billing-api --json
expect "json: exit status as without --json" 4
check "json: counts" test "$($J counts.error counts.warning < "$CLI_TMP/out" | tr '\n' ' ')" = "1 2 "
check "json: schema and command first" test "$($J keys < "$CLI_TMP/out" | cut -d, -f1-3)" = "schema,command,registry"
check "json: host" test "$($J host.ip_local_port_range.port_lo host.ip_local_port_range.port_hi host.ip_local_reserved_ports host.ip_unprivileged_port_start host.sockets.source host.sockets.outbound host.sockets.tables_missing < "$CLI_TMP/out" | tr '\n' ' ')" = '32768 60999 [{"port_lo":55555,"port_hi":55555}] 1024 proc 4 ["udp6"] '
check "json: first finding" test "$($J findings.0.code findings.0.severity findings.0.facts.protocols findings.0.facts.expected.port_lo findings.0.facts.taken_count < "$CLI_TMP/out" | tr '\n' ' ')" = 'port-taken error ["tcp"] 40100 1 '
check "json: first finding's fix as data" test "$($J findings.0.fix.0.kind findings.0.fix.0.key findings.0.fix.0.value findings.0.fix.0.ports < "$CLI_TMP/out" | tr '\n' ' ')" = 'reserve net.ipv4.ip_local_reserved_ports 40000,40100,55555 [{"port_lo":40100,"port_hi":40100}] '
check "json: first finding's words" test "$($J findings.0.text.summary < "$CLI_TMP/out")" = "expected port 40100/tcp billing-api: 1 port is held by outgoing connections right now"
check "json: no CLI syntax in any finding's words" sh -c "! grep -E '\"(summary|detail|fix)\": \".*(portkit |--[a-z])' '$CLI_TMP/out'"
check "json: proposal" test "$($J proposed.ip_local_reserved_ports proposed.ip_local_port_range proposed.sysctl.0.value proposed.file.path < "$CLI_TMP/out" | tr '\n' ' ')" = '[{"port_lo":40000,"port_hi":40000},{"port_lo":40100,"port_hi":40100},{"port_lo":55555,"port_hi":55555}] null 40000,40100,55555 /etc/sysctl.d/60-portkit.conf '
check "json: expected entries" test "$($J expected.0.port_lo expected.0.label expected.0.origin expected.0.protocols < "$CLI_TMP/out" | tr '\n' ' ')" = '40100 billing-api  ["tcp"] '

# The configuration file, as an admin writes it.
printf '# services of this host\n40100/tcp   billing api   # moved here in 2024\n\n8443/tcp\n' > "$CLI_TMP/ports.conf"
run "$PORTKIT" audit $IDX --proc-root "$P" --config "$CLI_TMP/ports.conf"
expect "config: labels and file:line" 4 "Declared at $CLI_TMP/ports.conf:2\\."
expect "config: the label is shown" 4 '^\* expected port 40100/tcp billing api: 1 port is held'

# --write-sysctl writes the snippet, and only the snippet.
run "$PORTKIT" audit $IDX --proc-root "$P" --expect 40100/tcp -q --write-sysctl "$CLI_TMP/60-portkit.conf"
expect "write-sysctl: exit status unchanged" 4
check "write-sysctl: the file" grep -qx 'net.ipv4.ip_local_reserved_ports = 40000,40100,55555' "$CLI_TMP/60-portkit.conf"
check "write-sysctl: nothing but settings and comments" sh -c "! grep -v -e '^#' -e '^net.ipv4.ip_local_reserved_ports = ' '$CLI_TMP/60-portkit.conf'"
check "write-sysctl: no temporary file left" test "$(ls "$CLI_TMP" | grep -c 60-portkit)" -eq 1

# The settings' own problems, one fixture each.
run "$PORTKIT" audit $IDX --proc-root "$DATA/proc-reversed"
expect "reversed range: error" 4 '^\* ip_local_port_range "61000 32768" is invalid \[range-invalid\]$'
expect "reversed range: the fix" 4 '^  sysctl -w net.ipv4.ip_local_port_range="32768 60999"$'
run "$PORTKIT" audit $IDX --proc-root "$DATA/proc-unpriv"
expect "privileged limit inside the range" 4 '^\* ip_unprivileged_port_start 2048 is inside ip_local_port_range 1024-60999 \[unprivileged-in-range\]$'
expect "privileged limit: the fix" 4 '^  sysctl -w net.ipv4.ip_local_port_range="2048 60999"$'
run "$PORTKIT" audit $IDX --proc-root "$DATA/proc-lowrange"
expect "range into the System ports" 4 '^\* ip_local_port_range 500-60999 reaches into the System ports \(0-1023\) \[range-invalid\]$'
expect "System ports: the fix" 4 '^  sysctl -w net.ipv4.ip_local_port_range="1024 60999"$'
run "$PORTKIT" audit $IDX --proc-root "$DATA/proc-parity"
expect "same parity: information only, exit 0" 0 '^\* ip_local_port_range 32768-61000: both ends have the same parity \[range-parity\]$'
expect "same parity: its fix" 0 '^    sysctl -w net.ipv4.ip_local_port_range="32768 60999"$'
check "same parity: the fix is proposed like any other" grep -q '^PROPOSED SETTINGS' "$CLI_TMP/out"
run "$PORTKIT" audit $IDX --proc-root "$DATA/proc-parity" -q
expect "nothing serious: quiet prints nothing" 0 '^$'
run "$PORTKIT" audit $IDX --proc-root "$DATA/proc-parity" --write-sysctl "$CLI_TMP/parity.conf"
expect "same parity: the snippet is written too" 0 "^the snippet was written to $CLI_TMP/parity.conf"
check "same parity: the snippet names its FILE" grep -qx "# Apply with: sysctl -p $CLI_TMP/parity.conf" "$CLI_TMP/parity.conf"
check "same parity: and sets the fixed range" grep -qx 'net.ipv4.ip_local_port_range = 32768 60999' "$CLI_TMP/parity.conf"
check "same parity: not the default path" sh -c '! grep -q 60-portkit.conf "$1"' _ "$CLI_TMP/parity.conf"
# A tree with nothing to change: proc-parity with the kernel's default range.
cp -r "$DATA/proc-parity" "$CLI_TMP/proc-fine"
echo "32768	60999" > "$CLI_TMP/proc-fine/sys/net/ipv4/ip_local_port_range"
run "$PORTKIT" audit $IDX --proc-root "$CLI_TMP/proc-fine" --write-sysctl "$CLI_TMP/none.conf"
expect_err "nothing to write: said, file not created" 0 'not written: no setting needs changing'
check "nothing to write: no file" test ! -e "$CLI_TMP/none.conf"
run "$PORTKIT" audit $IDX --proc-root "$DATA/proc-reserved"
expect "reserved ports cover most of the range" 4 '^\* ip_local_reserved_ports covers 9000 of the 10000 ports of ip_local_port_range 40000-49999 \(90.0%\) \[reserved-most\]$'
expect "reserved: keep only what is used" 4 '^    sysctl -w net.ipv4.ip_local_reserved_ports=48000$'
run "$PORTKIT" audit $IDX --proc-root "$DATA/proc-exhaust"
expect "exhaustion: error" 4 '^\* busiest destination 10.1.1.1:80 uses 95 of 100 usable ephemeral ports \(95.0%\) \[exhaustion\]$'
expect "exhaustion: TIME_WAIT counted" 4 '^      10.1.1.1:80: 95 connections \(10 in TIME_WAIT\)'
expect "exhaustion: wider range" 4 '^  sysctl -w net.ipv4.ip_local_port_range="60000 61023"$'

# listeners: like ss -tulpn, with names.
run "$PORTKIT" listeners $IDX --proc-root "$P"
expect "listeners: header" 0 '^PROTO +ADDRESS +PORT +RANGE +USER +PROCESS +SERVICE$'
expect "listeners: named from the registry" 0 '^tcp +0\.0\.0\.0 +22 +0 +sshd/1 +ssh$'
expect "listeners: dual-stack" 0 '^tcp +\[::\] \+v4 +8080 +1000 +node/4243 +http-alt$'
expect "listeners: in the ephemeral range" 0 '^tcp +0\.0\.0\.0 +40000 +ephemeral +1000 +billing/4242 +-$'
expect "listeners: reserved" 0 '^tcp +0\.0\.0\.0 +55555 +reserved +1000 +dyn/4245'
check "listeners: one line per socket" test "$(wc -l < "$CLI_TMP/out")" -eq 7
run "$PORTKIT" listeners $IDX --proc-root "$P" -p udp
expect "listeners: --proto" 0 '^udp +0\.0\.0\.0 +45000 +ephemeral +0 +- +-$'
check "listeners: --proto filters" test "$(wc -l < "$CLI_TMP/out")" -eq 2
run "$PORTKIT" listeners $IDX --proc-root "$P" --json
check "listeners json" test "$($J sockets.# count sockets.2.port sockets.2.dual_stack sockets.2.process sockets.2.services sockets.2.class sockets.2.range host.sockets.source < "$CLI_TMP/out" | tr '\n' ' ')" = '6 6 8080 true node [{"name":"http-alt","origin":"iana"}] user null proc '
check "listeners json: a port in the range" test "$($J sockets.3.port sockets.3.range < "$CLI_TMP/out" | tr '\n' ' ')" = '40000 ephemeral '
run "$PORTKIT" listeners $IDX --proc-root "$DATA/proc-parity"
expect "listeners: none, exit 1" 1 '^$'
expect_err "listeners: none says so" 1 '^portkit: no listening TCP or bound UDP socket'
fi
run "$PORTKIT" listeners --proto sctp
expect_err "listeners --proto sctp: only tcp and udp are read" 2 "^portkit: listeners: invalid transport 'sctp': expected tcp or udp"

# ---- 2. bad input -------------------------------------------------------------
run "$PORTKIT" audit --expect 70000
expect_err "bad --expect: message" 2 "^portkit: invalid port '70000': expected 0-65535$"
run "$PORTKIT" audit --expect 40000/tcp=
expect_err "bad --expect: empty label" 2 "^portkit: invalid --expect '40000/tcp=': empty label after '='"
run "$PORTKIT" audit --expect 80-
expect_err "bad --expect: range" 2 "^portkit: invalid port '80-'"
run "$PORTKIT" audit --expect 80/xyz=web
expect_err "bad --expect: transport" 2 "^portkit: invalid transport in '80/xyz'"
run "$PORTKIT" audit --expect 0
expect_err "bad --expect: port 0" 2 "port 0 is not one a service can use"
printf '80\n70000/tcp svc\n' > "$CLI_TMP/bad.conf"
run "$PORTKIT" audit --config "$CLI_TMP/bad.conf"
expect_err "bad config: file:line" 2 "^portkit: $CLI_TMP/bad.conf:2: invalid port '70000/tcp': expected 0-65535$"
run "$PORTKIT" audit --config "$CLI_TMP/missing.conf"
expect_err "missing config: system error" 2 "^portkit: $CLI_TMP/missing.conf: No such file"
run "$PORTKIT" audit --bogus
expect_err "unknown option" 2 'unrecognized option'
run "$PORTKIT" audit extra
expect_err "stray argument" 2 "^portkit: audit: unexpected argument 'extra'"
run "$PORTKIT" audit --proc-root "$CLI_TMP/no-such-proc"
expect_err "unreadable proc root: system error" 3 'no socket table could be read'
run "$PORTKIT" listeners --proc-root "$CLI_TMP/no-such-proc"
expect_err "listeners: unreadable proc root" 3 'no socket table could be read'
if [ "$little_endian" = 1 ]; then
	run "$PORTKIT" audit --proc-root "$DATA/proc-audit" --expect 40100 --write-sysctl "$CLI_TMP/no/such/dir/x.conf"
	expect_err "write-sysctl into a missing directory" 3 "cannot create a temporary file in $CLI_TMP/no/such/dir: No such file"
	run "$PORTKIT" audit --index "$CLI_TMP/missing.idx" --proc-root "$DATA/proc-audit"
	expect_err "a named index must open" 2 'missing.idx'
fi

# ---- 3. a real host: a fresh network namespace -----------------------------
if ! unshare -n true 2>/dev/null; then
	skip "network namespace" "unshare -n not permitted here"
	exit 0
fi
if ! command -v sysctl > /dev/null; then
	skip "network namespace" "no sysctl(8) to apply the fix with"
	exit 0
fi
# Everything inside runs in one namespace; it prints PASS/FAIL lines.
cat > "$CLI_TMP/inner.sh" <<'EOF'
. "$LIBSH"
ip link set lo up 2>/dev/null || echo "SKIP: loopback (no ip(8))"
port_of() { sed -n "s/^$2 //p" "$CLI_TMP/$1.out" | head -1; }
wait_ready() { i=0; while ! grep -q '^ready$' "$CLI_TMP/$1.out" 2>/dev/null; do
	i=$((i + 1)); [ $i -gt 200 ] && { echo "FAIL: $1 not ready"; exit 1; }; sleep 0.05; done; }

# One listener from 50000-59999; then the range moves to 40000-49999 and
# the others come from it.
sysctl -qw net.ipv4.ip_local_port_range="50000 59999"
mkfifo "$CLI_TMP/a.in"; "$HOLD" tcp4:0 < "$CLI_TMP/a.in" > "$CLI_TMP/a.out" & exec 7> "$CLI_TMP/a.in"
wait_ready a
OUT=$(port_of a tcp4:0)
sysctl -qw net.ipv4.ip_local_port_range="40000 49999"
mkfifo "$CLI_TMP/b.in"; "$HOLD" tcp4:0 tcp6:0 tcp6:0:only udp4:0 conn:$OUT:3 < "$CLI_TMP/b.in" > "$CLI_TMP/b.out" & exec 8> "$CLI_TMP/b.in"
wait_ready b
IN4=$(port_of b tcp4:0); IN6=$(port_of b tcp6:0); ONLY6=$(port_of b tcp6:0:only)
UDP=$(port_of b udp4:0); TAKEN=$(port_of b conn:$OUT:3)

run "$PORTKIT" audit $IDX --expect "$TAKEN/tcp=api" --expect 45000-45009/tcp=pool
expect "netns: findings, exit 4" 4
expect "netns: read through netlink" 4 '\(netlink\)$'
expect "netns: IPv4 listener inside" 4 "^\\* listening port $IN4/tcp is inside the ephemeral range 40000-49999 and not reserved"
expect "netns: dual-stack listener inside" 4 "^    tcp \\[::\\]:$IN6 \\(IPv4 too\\), process holdports"
expect "netns: v6-only listener" 4 "^    tcp \\[::\\]:$ONLY6, process holdports"
expect "netns: UDP inside is information" 4 "^\\* bound port $UDP/udp is inside the ephemeral range"
expect "netns: port held by an outgoing connection" 4 "^\\* expected port $TAKEN/tcp api: 1 port is held by outgoing connections right now"
expect "netns: expected range overlaps" 4 '^\* expected range 45000-45009/tcp pool overlaps the ephemeral range 40000-49999 in 10 ports'
expect "netns: load to our listener" 4 "^\\* busiest destination 127.0.0.1:$OUT uses 3 of "
check "netns: listener outside is not flagged" sh -c "! grep -q 'port $OUT/tcp is inside' '$CLI_TMP/out'"
cp "$CLI_TMP/out" "$CLI_TMP/first.out"

# Without root: the same sockets (netlink needs no privilege), and the
# audit says whose processes it could not look into.
if command -v setpriv > /dev/null; then
	run setpriv --reuid=65534 --regid=65534 --clear-groups "$PORTKIT" audit \
		--proc-root /proc --expect "$TAKEN/tcp=api" --expect 45000-45009/tcp=pool
	expect "netns unprivileged: the same collisions" 4 "^\\* listening port $IN4/tcp is inside the ephemeral range 40000-49999"
	expect "netns unprivileged: says what it could not see" 4 "processes' descriptors could not be read"
	expect "netns unprivileged: and how to see it" 4 'Run as root'
else
	echo "SKIP: netns unprivileged (no setpriv)"
fi

# Apply the printed commands, exactly as printed.
sed -n '/^PROPOSED SETTINGS/,/^  sysctl.d snippet/p' "$CLI_TMP/first.out" | sed -n 's/^  \(sysctl -w .*\)$/\1/p' > "$CLI_TMP/fix.sh"
check "netns: the fix is sysctl lines" grep -q '^sysctl -w net.ipv4.ip_local_reserved_ports=' "$CLI_TMP/fix.sh"
run sh "$CLI_TMP/fix.sh"
expect "netns: the kernel accepts the fix" 0
check "netns: the kernel has the ports reserved" grep -q "$IN4" /proc/sys/net/ipv4/ip_local_reserved_ports
for p in $IN4 $IN6 $ONLY6 $TAKEN; do
	run "$PORTKIT" audit $IDX --expect "$TAKEN/tcp=api" --expect 45000-45009/tcp=pool -q
	check "netns: $p no longer reported" sh -c "! grep -q 'port $p/tcp is inside' '$CLI_TMP/out'"
done
# What is left: the outgoing connection still holds the api port (an
# error until it closes), nothing else at warning level.
check "netns: only the held port remains" test "$(grep -c . "$CLI_TMP/out")" -eq 1
run "$PORTKIT" listeners $IDX
expect "netns: listeners, process names" 0 "^tcp +0\\.0\\.0\\.0 +$OUT +[a-z0-9_-]+ +holdports/[0-9]+"
# Closing the listener first resets its unaccepted connections: no
# TIME_WAIT keeps the api port busy afterwards.
exec 7>&-
sleep 0.2
exec 8>&-
wait
run "$PORTKIT" audit $IDX --expect "$TAKEN/tcp=api" --expect 45000-45009/tcp=pool -q
expect "netns: clean once the connection is gone, exit 0" 0 '^$'
EOF
run env LIBSH="$(dirname "$0")/lib.sh" HOLD="$HOLD" IDX="$IDX" PORTKIT="$PORTKIT" \
	PK_TEST_DATA="$DATA" unshare -n sh "$CLI_TMP/inner.sh"
printf '%s\n' "$out"
if [ "$rc" -ne 0 ]; then
	echo "FAIL: network namespace script exited $rc"
	printf '%s\n' "$err" | head -10
fi
