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
