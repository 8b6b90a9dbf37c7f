#!/bin/sh
# test_pick.sh - `portkit pick`: constraints alone and combined against a
# fixture registry (tests/data/pick/registry.csv, compiled with `portkit
# import`), real sockets held by a helper process on ports the kernel chose,
# a fixture /proc tree (PROC_ROOT), name stability, and bad input.
. "$(dirname "$0")/lib.sh"

IDX="$CLI_TMP/pick.idx"
EMPTY_PROC="$CLI_TMP/proc-empty"
mkdir -p "$EMPTY_PROC/sys/net/ipv4"
# Checks that do not depend on this host: no host check, no OS profile.
STATIC="--no-host-check --avoid-os none"

if ! "$PORTKIT" import "$DATA/pick/registry.csv" -o "$IDX" > /dev/null 2>&1; then
	skip "pick: registry fixture" "portkit import cannot compile tests/data/pick/registry.csv"
	IDX=""
fi

lines() { awk '{print $1}' "$CLI_TMP/out" | tr '\n' ' ' | sed 's/ $//'; }
# After `run`: a jq condition on stdout, an awk program that exits 0 on it.
jqout() { jq -e "$1" "$CLI_TMP/out" > /dev/null 2>&1; }
awkout() { awk "$1" "$CLI_TMP/out"; }

if [ -n "$IDX" ]; then
	P="$PORTKIT pick --index $IDX"

	# System ports: given when --range asks for them, with a warning
	run $P $STATIC --range 1000-1010 --count 2
	expect "pick System ports: given (exit 0)" 0 '^10(0[0-9]|10) '
	expect_err "pick System ports: warned on stderr" 0 "warning: 2 of the 2 port\(s\) chosen are System port\(s\) \(0-1023\): .*RFC 6335 §8\.1\.2.*root"
	run $P $STATIC --range 1020-1030 --near 1024 --count 2 --json
	check "pick --json: system_port per port" jqout '[.ports[] | select(.port < 1024) | .system_port] == [true] and [.ports[] | select(.port >= 1024) | .system_port] == [false]'
	run $P $STATIC --range 1024-1030 --count 2
	check "pick User ports: no System port warning" test -z "$err"

	# 40000 is assigned for tcp and udp, 40002 for tcp, 40004 for udp.
	run $P $STATIC --range 40000-40010 --near 40000 --count 3
	check "pick: unassigned for every transport, nearest first" [ "$rc" -eq 0 -a "$(lines)" = "40001 40003 40005" ]
	run $P $STATIC --range 40000-40010 --near 40000 --count 3 --proto tcp
	check "pick: only the requested transport counts" [ "$rc" -eq 0 -a "$(lines)" = "40001 40003 40004" ]
	run $P $STATIC --range 40000-40010 --near 40000 --count 2 --proto udp
	check "pick: udp only" [ "$rc" -eq 0 -a "$(lines)" = "40001 40002" ]
	run $P $STATIC --range 40000-40010 --near 40000 --count 2 --allow-assigned
	check "pick: --allow-assigned" [ "$rc" -eq 0 -a "$(lines)" = "40000 40001" ]
	# --near ties: 40002 is taken for tcp; 40001 and 40003 are both at
	# distance 1 and the lower comes first.
	run $P $STATIC --range 40000-40010 --near 40002 --count 2 --proto tcp
	check "pick: --near tie, lower port first" [ "$rc" -eq 0 -a "$(lines)" = "40001 40003" ]
	run $P $STATIC --range 40000-40010 --near 40002 --count 1 --proto tcp --json
	check "pick: --json distance" jqout '.ports[0].port == 40001 and .ports[0].distance == 1'
	check "pick: --json reasons" jqout '.ports[0].why | index("unassigned") and index("near")'
	check "pick: --json constraints" jqout '.constraints.port_lo == 40000 and .constraints.port_hi == 40010 and .constraints.protocols == ["tcp"] and .constraints.host_check == false'

	# Ranges with no acceptable port: exit 1, a clear message, no output.
	run $P $STATIC --range 40000-40000
	expect_err "pick: empty range exits 1" 1 "no port in 40000-40000 satisfies every constraint.*1 assigned by IANA"
	check "pick: empty range prints no port" [ -z "$out" ]
	run $P $STATIC --range 40000-40002 --count 2
	expect_err "pick: fewer than --count exits 1" 1 "only 1 of 2 ports in 40000-40002"
	check "pick: no partial answer" [ -z "$out" ]

	# N distinct ports, never the same twice; one more is too many.
	run $P $STATIC --range 42000-42019 --count 20
	check "pick: --count 20 distinct in range" [ "$rc" -eq 0 -a "$(awkout '$1 >= 42000 && $1 <= 42019 {print $1}' | sort -u | wc -l)" -eq 20 ]
	run $P $STATIC --range 42000-42019 --count 21
	expect_err "pick: --count beyond the range" 1 "only 20 of 21"
	# Every port of the range was taken: nothing more was examined (the
	# count once wrapped below zero to 4294967295).
	expect_err "pick: --count beyond the range examined nothing more" 1 "only 20 of 21 ports in 42000-42019 satisfy every constraint; 0 more examined\$"
	# The ports examined and not taken are the ones the reasons count.
	run $P $STATIC --range 40000-40002 --count 2
	check "pick: 'more examined' is the sum of the reasons" sh -c '
		m=$(printf "%s\n" "$1" | sed -n "s/.*; \([0-9]*\) more examined.*/\1/p")
		r=$(printf "%s\n" "$1" | sed -n "s/.*more examined: //p" | tr "," "\n" | awk "{ s += \$1 } END { print s + 0 }")
		[ -n "$m" ] && [ "$m" -eq "$r" ] && [ "$m" -gt 0 ]' _ "$err"

	# --class
	run $P $STATIC --class dynamic --count 5
	check "pick: --class dynamic" awkout '$1 < 49152 || $1 > 65535 {bad=1} END {exit bad + (NR != 5)}'

	# The default profiles (their union is 10000-65535) cover the whole
	# Dynamic range: no answer, and a hint.
	run $P --no-host-check --class dynamic
	expect_err "pick: --class dynamic inside the common OS ranges" 1 "16384 in OS ephemeral ranges"
	expect_err "pick: the hint names --avoid-os" 1 "hint: --avoid-os"

	# OS profiles: Linux's range starts at 32768.
	run $P --no-host-check --avoid-os linux --range 32760-32780 --count 8
	check "pick: --avoid-os linux" awkout '$1 >= 32768 {bad=1} END {exit bad + (NR != 8)}'
	expect "pick: --avoid-os explanation" 0 "outside the ephemeral ranges of linux"
	run $P --no-host-check --avoid-os linux --range 32760-32780 --count 9
	expect_err "pick: --avoid-os linux leaves 8" 1 "only 8 of 9 .*13 in OS ephemeral ranges"

	# The default: User ports outside every common OS ephemeral range.
	run $P --no-host-check --count 5 --json
	check "pick: default range and profiles" jqout '(.ports | length) == 5 and ([.ports[] | select(.port < 1024 or .port > 49151 or (.why | index("outside-os-ephemeral") | not))] | length) == 0'

	# The host's live range and reserved ports, from a fixture /proc.
	FPROC="$CLI_TMP/proc-fixture"
	mkdir -p "$FPROC/sys/net/ipv4"
	printf '40005\t40010\n' > "$FPROC/sys/net/ipv4/ip_local_port_range"
	printf '40001\n' > "$FPROC/sys/net/ipv4/ip_local_reserved_ports"
	run env PROC_ROOT="$FPROC" $P --avoid-os none --range 40000-40020 --near 40000 --count 3 --proto tcp
	# 40000/40002 assigned, 40001 reserved, 40005-40010 the host's range;
	# another process may hold a candidate, so check what must not appear.
	check "pick: host range and reserved ports avoided" awkout '$1 == 40000 || $1 == 40001 || $1 == 40002 || ($1 >= 40005 && $1 <= 40010) {bad=1} END {exit bad + (NR != 3)}'
	expect "pick: host range explained" 0 "outside this host's range 40005-40010"

	# Name-derived: the same answer in two processes, whatever the case.
	run $P $STATIC --name Inventory --range 41000-41999
	first=$(lines)
	run $P $STATIC --name inventory --range 41000-41999
	check "pick: --name is stable across runs and case" [ "$rc" -eq 0 -a -n "$first" -a "$(lines)" = "$first" ]
	run $P $STATIC --name inventory --range 41000-41999 --count 2
	second=$(awkout 'NR == 2 {print $1}')
	check "pick: --name first of --count 2 is the single answer" [ "$(awkout 'NR == 1 {print $1}')" = "$first" ]
	# Documented behaviour with another registry: assign the name's port,
	# and the answer moves to the next port of the same sequence.
	cp "$DATA/pick/registry.csv" "$CLI_TMP/moved.csv"
	printf 'taken,%s,tcp,Taken,,,,,,,,\n' "$first" >> "$CLI_TMP/moved.csv"
	if "$PORTKIT" import "$CLI_TMP/moved.csv" -o "$CLI_TMP/moved.idx" > /dev/null 2>&1; then
		run "$PORTKIT" pick --index "$CLI_TMP/moved.idx" $STATIC --name inventory --range 41000-41999
		check "pick: --name moves to the next of its sequence when its port is assigned" [ "$rc" -eq 0 -a "$(lines)" = "$second" ]
		expect "pick: --name explains the candidate number" 0 "candidate #2 of its sequence"
	else
		skip "pick: --name with another registry" "portkit import failed"
	fi
fi

# ---- real sockets on ports the kernel chose -------------------------------
# A helper process binds port 0 and holds it; pick must never return it.
if command -v python3 > /dev/null 2>&1; then
	occupy() { # $1 family (4|6), $2 address, $3 type (tcp|udp); sets $hold_pid $held
		rm -f "$CLI_TMP/held"
		python3 - "$1" "$2" "$3" "$CLI_TMP/held" <<'PY' &
import socket, sys, time
fam = socket.AF_INET6 if sys.argv[1] == "6" else socket.AF_INET
typ = socket.SOCK_STREAM if sys.argv[3] == "tcp" else socket.SOCK_DGRAM
s = socket.socket(fam, typ)
if fam == socket.AF_INET6:
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
s.bind((sys.argv[2], 0))
with open(sys.argv[4] + ".tmp", "w") as f:
    f.write(str(s.getsockname()[1]))
import os
os.rename(sys.argv[4] + ".tmp", sys.argv[4])
time.sleep(60)
PY
		hold_pid=$!
		i=0
		while [ ! -s "$CLI_TMP/held" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
		held=$(cat "$CLI_TMP/held" 2>/dev/null)
	}
	release() { kill "$hold_pid" 2>/dev/null; wait "$hold_pid" 2>/dev/null; }
	# No registry constraint matters here; the host's range is unknown
	# (an empty PROC_ROOT) so that only the bind check can reject.
	HOSTP="env PROC_ROOT=$EMPTY_PROC $PORTKIT pick --avoid-os none --allow-assigned --allow-unofficial"
	[ -n "$IDX" ] && HOSTP="$HOSTP --index $IDX"
	for spec in "6 :: tcp tcp udp" "4 127.0.0.1 tcp tcp udp" "4 0.0.0.0 udp udp tcp" "6 ::1 udp udp tcp"; do
		set -- $spec
		occupy "$1" "$2" "$3"
		if [ -z "$held" ]; then
			skip "pick: port held on $2/$3" "cannot bind $2 here"
			release
			continue
		fi
		run $HOSTP --range "$held-$held" --proto "$4"
		expect_err "pick: a port held on $2/$3 is busy for $4" 1 "1 in use on this host"
		lo=$((held - 1)); hi=$((held + 1))
		run $HOSTP --range "$lo-$hi" --proto "$4" --near "$held" --count 3
		check "pick: a port held on $2/$3 is never returned" awkout "\$1 == $held {bad=1} END {exit bad}"
		run $HOSTP --range "$held-$held" --proto "$5"
		check "pick: a port held on $2/$3 is free for $5" [ "$rc" -eq 0 -a "$(lines)" = "$held" ]
		release
	done
else
	skip "pick: ports held by another process" "python3 not found"
fi

# ---- bad input: exit 2 and a message naming it -----------------------------
IDXOPT=""
[ -n "$IDX" ] && IDXOPT="--index $IDX"
bad() { # $1 name, $2 regex, rest: arguments
	name=$1 re=$2
	shift 2
	run "$PORTKIT" pick $IDXOPT "$@"
	expect_err "pick: bad input: $name" 2 "$re"
}
bad "--count 0" "invalid count '0': expected 1-65535" --count 0
bad "--count abc" "invalid count 'abc'" --count abc
bad "--count 70000" "invalid count '70000'" --count 70000
bad "--range 5-1" "5-1" --range 5-1
bad "--range 80/tcp" "invalid range '80/tcp'" --range 80/tcp
bad "--range abc" "abc" --range abc
bad "--class system" "invalid class 'system': expected user or dynamic" --class system
bad "--near 70000" "70000" --near 70000
bad "--near with --name" "--near and --name exclude each other" --near 8000 --name x
bad "--range with --class" "--range and --class exclude each other" --range 1-2 --class user
bad "--avoid-os plan9" "unknown OS profile 'plan9'" --avoid-os plan9
bad "--proto xyz" "invalid transport 'xyz'" --proto xyz
bad "--name ''" "invalid service name" --name ""
bad "extra argument" "unexpected argument 'extra'" extra
bad "unknown option" "unrecognized option|invalid option" --bogus
