#!/bin/sh
# tests/cli/test_listeners.sh - listeners filtered as ss filters them:
# by port (a port list), process (name or pid), user (name or uid) and
# transport; user names on this host, uids for another host's proc tree.
. "$(dirname "$0")/lib.sh"

if [ "$(printf '\001\000' | od -An -tu2 | tr -d ' ')" != 1 ]; then
	skip "listeners fixtures" "the fixture /proc trees hold little-endian words"
	exit 0
fi
P=$DATA/proc-audit

run "$PORTKIT" listeners --proc-root "$P"
expect "all listeners of the fixture" 0 '^tcp +0\.0\.0\.0 +22 '
all=$(printf '%s\n' "$out" | wc -l)
run "$PORTKIT" listeners --proc-root "$P" --port 40000,22
expect "--port 40000,22: 22" 0 '^tcp +0\.0\.0\.0 +22 '
expect "--port 40000,22: 40000" 0 '^tcp +0\.0\.0\.0 +40000 '
check "--port: nothing else" test "$(printf '%s\n' "$out" | wc -l)" -eq 3
run "$PORTKIT" listeners --proc-root "$P" --process billing
expect "--process billing: its socket" 0 '^tcp +0\.0\.0\.0 +40000 .* billing/4242 '
check "--process billing: only its" test "$(printf '%s\n' "$out" | wc -l)" -eq 2
run "$PORTKIT" listeners --proc-root "$P" --process 4243
expect "--process 4243: by pid" 0 ' node/4243 '
run "$PORTKIT" listeners --proc-root "$P" --user 0 --proto udp
expect "--user 0 --proto udp: root's UDP sockets" 0 '^udp +0\.0\.0\.0 +45000 '
check "--user 0 --proto udp: no tcp" sh -c '! printf "%s\n" "$1" | grep -q "^tcp"' _ "$out"
run "$PORTKIT" listeners --proc-root "$P" --process nosuch
expect_err "no socket matches: exit 1, said" 1 'no listening TCP or bound UDP socket matches the filters'
run "$PORTKIT" listeners --proc-root "$P" --user no-such-user-here
expect_err "an unknown user: exit 2" 2 "unknown user 'no-such-user-here'"
run "$PORTKIT" listeners --proc-root "$P" --port 80,abc
expect_err "--port with a bad element: exit 2" 2 "invalid port 'abc'"
run "$PORTKIT" listeners --proc-root "$P" --process "a-very-long-process-name"
expect_err "--process longer than a comm: exit 2" 2 "invalid process"
run "$PORTKIT" listeners --proc-root "$P" --state established
expect_err "--state without --all: exit 2, said" 2 '--state needs --all'
run "$PORTKIT" listeners --proc-root "$P" --all --state listening,bogus
expect_err "--state with a bad element: exit 2, named" 2 "invalid state 'bogus'"
run "$PORTKIT" listeners --proc-root "$P" --all --state listening --port 22
expect "--all --state listening on a fixture: the listener" 0 '^tcp +listening +0\.0\.0\.0:22 +\* '
run "$PORTKIT" listeners --proc-root "$P"
expect "another host's tree: uids, not this host's names" 0 '^tcp +0\.0\.0\.0 +22 +0 +sshd/1 '
run "$PORTKIT" listeners --proc-root "$P" --json --port 22
expect "JSON: user null for another host's tree" 0 '"user": null'
check "--json --port 22: one socket" sh -c 'printf "%s\n" "$1" | grep -q "\"count\": 1,"' _ "$out"
# This host: a socket of ours, named by our user name.
if command -v python3 > /dev/null; then
	python3 -c 'import socket,time,sys; s=socket.socket(); s.bind(("127.0.0.1",0)); s.listen(); print(s.getsockname()[1], flush=True); time.sleep(30)' > "$CLI_TMP/port" &
	pypid=$!
	i=0; while [ ! -s "$CLI_TMP/port" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
	port=$(cat "$CLI_TMP/port")
	me=$(id -un)
	run "$PORTKIT" listeners --port "$port" --process "$pypid"
	expect "this host: our listener, by port and pid, with our user name" 0 "^tcp +127\\.0\\.0\\.1 +$port .* $me +python3/$pypid"
	run "$PORTKIT" listeners --port "$port" --numeric
	expect "--numeric: the uid" 0 "^tcp +127\\.0\\.0\\.1 +$port .* $(id -u) +python3/"
	kill "$pypid" 2> /dev/null
	wait "$pypid" 2> /dev/null || : # killed on purpose: not the script's status
else
	skip "this host's listener" "no python3"
fi

# ---- --all and --state for real: a listener and a loopback connection ----
HOLD=$BUILD/tests/tools/holdports
if ! unshare -n true 2> /dev/null; then
	skip "listeners --all" "unshare -n not permitted here"
	exit 0
elif [ ! -x "$HOLD" ]; then
	skip "listeners --all" "no tests/tools/holdports in $BUILD"
	exit 0
fi
cat > "$CLI_TMP/all.sh" <<'EOF'
. "$LIBSH"
ip link set lo up 2> /dev/null || echo "SKIP: loopback (no ip(8))"
wait_ready() { i=0; while ! grep -q '^ready$' "$CLI_TMP/$1.out" 2> /dev/null; do
	i=$((i + 1)); [ $i -gt 200 ] && { echo "FAIL: $1 not ready"; exit 1; }; sleep 0.05; done; }
# 5432 is postgresql's: the listener names it as its own service, the
# client end as its peer's.
mkfifo "$CLI_TMP/s.in" "$CLI_TMP/c.in"
"$HOLD" tcp4:5432 < "$CLI_TMP/s.in" > "$CLI_TMP/s.out" & exec 7> "$CLI_TMP/s.in"
wait_ready s
"$HOLD" -n pkclient conn:5432:1 < "$CLI_TMP/c.in" > "$CLI_TMP/c.out" & exec 8> "$CLI_TMP/c.in"
wait_ready c
CLIENT=$!
CP=$(sed -n 's/^conn:5432:1 //p' "$CLI_TMP/c.out")
me=$(id -un)
run "$PORTKIT" listeners
check "without --all: no connection" sh -c '! grep -q established "$1"' _ "$CLI_TMP/out"
run "$PORTKIT" listeners --all
expect "--all: the listener and its service" 0 '^tcp +listening +0\.0\.0\.0:5432 +\* .* holdports/[0-9]+ +postgresql'
expect "--all: the client end: both ends, its process, the peer's service" 0 \
	"^tcp +established +127\\.0\\.0\\.1:$CP +127\\.0\\.0\\.1:5432 +$me +pkclient/$CLIENT +[^ ]+ +postgresql"
expect "--all: the server end and its service" 0 \
	"^tcp +established +127\\.0\\.0\\.1:5432 +127\\.0\\.0\\.1:$CP +$me +[^ ]+ +postgresql"
run "$PORTKIT" listeners --all --state established
expect "--state established: the connection" 0 "127\\.0\\.0\\.1:$CP +127\\.0\\.0\\.1:5432 "
check "--state established: no listener" sh -c '! grep -q listening "$1"' _ "$CLI_TMP/out"
check "--state established: its two ends, nothing else" \
	test "$(grep -c established "$CLI_TMP/out")" -eq 2 -a "$(wc -l < "$CLI_TMP/out")" -eq 3
run "$PORTKIT" listeners --all --state listening
expect "--state listening: the listener" 0 '^tcp +listening +0\.0\.0\.0:5432 '
check "--state listening: no connection" sh -c '! grep -q established "$1"' _ "$CLI_TMP/out"
run "$PORTKIT" listeners --all --state established --process pkclient
expect "--all --process: the client's end" 0 "pkclient/$CLIENT"
check "--all --process: only it" test "$(wc -l < "$CLI_TMP/out")" -eq 2
run "$PORTKIT" listeners --all --state time-wait
expect_err "--state time-wait: none, exit 1, said" 1 'no listening TCP or bound UDP socket or connection matches the filters'
run "$PORTKIT" listeners --all --json --state established --port "$CP"
expect "--all --json: both ends of the connection" 0 '"connection_count": 2,'
expect "--all --json: the state" 0 '"state": "established"'
expect "--all --json: the client process" 0 '"process": "pkclient"'
check "--all --json: the peer's service" sh -c 'tr -d " \n" < "$1" | grep -q "\"remote_services\":\[{\"name\":\"postgresql\""' _ "$CLI_TMP/out"
exec 8>&- 7>&-
wait
EOF
run env LIBSH="$(dirname "$0")/lib.sh" HOLD="$HOLD" PORTKIT="$PORTKIT" \
	PK_TEST_DATA="$DATA" unshare -n sh "$CLI_TMP/all.sh"
printf '%s\n' "$out"
[ "$rc" -eq 0 ] || { echo "FAIL: listeners --all: namespace script exited $rc"; printf '%s\n' "$err" | head -5; }
