#!/bin/sh
# tests/cli/test_port_use.sh - the port-use rule (docs/registry.md, "Port
# use") through every command that asks it: lookup, range --unassigned,
# pick, advise, audit and listeners must agree on each port, for every
# record kind (assigned, reserved, unassigned, de-registered, other), every
# origin (IANA, supplement, services(5), unofficial), records naming no
# transport, and ranges.  Then the case that started it: a real listener on
# 4250/tcp in a fresh network namespace is vrml-multi-use's port.
. "$(dirname "$0")/lib.sh"

MKINDEX=$BUILD/tools/mkindex
little_endian=$(printf '\001\000' | od -An -tu2 | tr -d ' ')

# ---- two fixture registries ---------------------------------------------------
# FX: the embedded snapshot's recipe (npm copy of IANA's data, supplement of
# IANA's ranges, services(5), unofficial uses), with our own records.
cat > "$CLI_TMP/npm.json" <<'EOF'
{
 "20001/tcp": ["alpha", "Alpha"],
 "20001/udp": ["", "Reserved"],
 "20002/tcp": ["", "Unassigned"],
 "20003/tcp": ["", "De-registered"],
 "20004/tcp": ["", "any private delta server"],
 "20010-20012/tcp": ["rangesvc", "Range Service"],
 "20080/udp": ["", "Unassigned"],
 "20100/tcp": ["", "Reserved"],
 "20110/udp": ["", "De-registered"],
 "20120/sctp": ["sctponly", "SCTP only"],
 "20130/tcp": ["dupname", "Dup"]
}
EOF
cat > "$CLI_TMP/supplement" <<'EOF'
widerange       20020-20029     # Wide range, no transport
vrml-multi-use  4200-4299       # VRML Multi User Systems
EOF
cat > "$CLI_TMP/services" <<'EOF'
svconly         20005/tcp
WIDERANGE       20022/tcp
EOF
cat > "$CLI_TMP/unofficial" <<'EOF'
unoff           20006/tcp       # Unofficial
nglike          20021/tcp       # Dev server
udpunoff        20080/udp       # Game
squat           20110/udp       # Squatter
ng-serve        4200/tcp        # Angular CLI development server
EOF
FX=$CLI_TMP/fx.idx
"$MKINDEX" --npm "$CLI_TMP/npm.json" --services "$CLI_TMP/services" \
	--supplement "$CLI_TMP/supplement" --unofficial "$CLI_TMP/unofficial" \
	-o "$FX" > /dev/null || echo "FAIL: fixture index (mkindex)"

# FXX: IANA's XML, for what only it holds: historic aliases, nameless
# records naming no transport, ranges of Reserved and Unassigned ports.
cat > "$CLI_TMP/reg.xml" <<'EOF'
<?xml version='1.0' encoding='UTF-8'?>
<registry xmlns="http://www.iana.org/assignments" id="service-names-port-numbers">
  <title>Service Name and Transport Protocol Port Number Registry</title>
  <updated>2026-01-15</updated>
  <record><name>histonly</name><protocol>udp</protocol><description>Alias</description><number>20050</number>
    <note>This entry is an alias to "real".</note></record>
  <record><name>real</name><protocol>tcp</protocol><description>Real</description><number>20051</number></record>
  <record><name>realalias</name><protocol>tcp</protocol><description>Real</description><number>20051</number>
    <note>This entry is an alias to "real".</note></record>
  <record><description>Reserved</description><number>20060-20069</number></record>
  <record><name>inres</name><protocol>tcp</protocol><description>In reserved</description><number>20065</number></record>
  <record><name>notrans</name><description>No transport</description><number>20070</number></record>
  <record><description>Unassigned</description><number>20085</number></record>
  <record><protocol>tcp</protocol><description>Unassigned</description><number>20090-20099</number></record>
  <record><name>inside</name><protocol>tcp</protocol><description>Inside</description><number>20095</number></record>
</registry>
EOF
FXX=$CLI_TMP/fxx.idx
"$PORTKIT" import "$CLI_TMP/reg.xml" -o "$FXX" > /dev/null || echo "FAIL: fixture index (xml)"

# ---- the cases ----------------------------------------------------------------
# INDEX PORT PROTO  IANA     NAMES                    PICK        ADVISE
#   IANA:  assigned or not, by pk_port_use over IANA's origins;
#   NAMES: what listeners shows (pk_port_services over every origin);
#   PICK:  ok, or the reason it is refused;
#   ADVISE: the finding about the port's registration (+ port-unofficial).
cat > "$CLI_TMP/cases" <<'EOF'
fx  20001 tcp  assigned alpha                        assigned   port-assigned
fx  20001 udp  no       -                            reserved   port-reserved
fx  20002 tcp  no       -                            ok         port-unassigned
fx  20003 tcp  no       -                            ok         port-deregistered
fx  20004 tcp  no       -                            ok         port-unassigned
fx  20005 tcp  no       svconly                      listed     port-listed
fx  20006 tcp  no       unoff_(unofficial)           unofficial port-unassigned+port-unofficial
fx  20007 tcp  no       -                            ok         port-unassigned
fx  20011 tcp  assigned rangesvc                     assigned   port-assigned
fx  20011 udp  no       -                            ok         port-assigned-other-transport
fx  20025 udp  assigned widerange                    assigned   port-assigned
fx  20021 tcp  assigned widerange,_nglike_(unofficial) assigned port-assigned+port-unofficial
fx  20022 tcp  assigned widerange                    assigned   port-assigned
fx  20080 udp  no       udpunoff_(unofficial)        unofficial port-unassigned+port-unofficial
fx  20100 tcp  no       -                            reserved   port-reserved
fx  20110 udp  no       squat_(unofficial)           unofficial port-deregistered+port-unofficial
fx  20120 tcp  no       -                            ok         port-assigned-other-transport
fx  20130 tcp  assigned dupname                      assigned   port-assigned
fx  4250  tcp  assigned vrml-multi-use               assigned   port-assigned
fx  4250  udp  assigned vrml-multi-use               assigned   port-assigned
fx  4200  tcp  assigned vrml-multi-use,_ng-serve_(unofficial) assigned port-assigned+port-unofficial
fxx 20050 udp  no       -                            ok         port-unassigned
fxx 20051 tcp  assigned real                         assigned   port-assigned
fxx 20061 udp  no       -                            reserved   port-reserved
fxx 20065 tcp  assigned inres                        assigned   port-assigned
fxx 20065 udp  no       -                            reserved   port-reserved
fxx 20070 udp  assigned notrans                      assigned   port-assigned
fxx 20085 tcp  no       -                            ok         port-unassigned
fxx 20096 tcp  no       -                            ok         port-unassigned
fxx 20095 tcp  assigned inside                       assigned   port-assigned
EOF

# A /proc tree where process "fixsvc" (pid 777) listens on every case port
# of one index (TCP listening, UDP bound).
proc_tree() { # $1 = index tag, $2 = directory
	mkdir -p "$2/net" "$2/777/fd" "$2/sys/net/ipv4"
	echo fixsvc > "$2/777/comm"
	printf '32768\t60999\n' > "$2/sys/net/ipv4/ip_local_port_range"
	printf '\n' > "$2/sys/net/ipv4/ip_local_reserved_ports"
	printf '1024\n' > "$2/sys/net/ipv4/ip_unprivileged_port_start"
	head='  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode'
	echo "$head" > "$2/net/tcp"
	echo "$head" > "$2/net/udp"
	i=0
	while read -r idx port proto rest; do
		[ "$idx" = "$1" ] || continue
		i=$((i + 1))
		st=0A; [ "$proto" = udp ] && st=07
		printf '%4d: 00000000:%04X 00000000:0000 %s 00000000:00000000 00:00000000 00000000  1000        0 %d 1 0000000000000000 100 0 0 10 0\n' \
			"$i" "$port" "$st" $((6000 + i)) >> "$2/net/$proto"
		ln -s "socket:[$((6000 + i))]" "$2/777/fd/$((i + 2))"
	done < "$CLI_TMP/cases"
}

if [ "$little_endian" = 1 ]; then
	for tag in fx fxx; do
		proc_tree $tag "$CLI_TMP/proc-$tag"
		"$PORTKIT" audit --index "$CLI_TMP/$tag.idx" --proc-root "$CLI_TMP/proc-$tag" \
			> "$CLI_TMP/audit-$tag.out" 2>&1
		"$PORTKIT" listeners --index "$CLI_TMP/$tag.idx" --proc-root "$CLI_TMP/proc-$tag" \
			> "$CLI_TMP/listeners-$tag.out" 2>&1
	done
else
	skip "audit and listeners on fixture hosts" "the /proc trees hold little-endian words"
fi

while read -r idx port proto iana names pick advise; do
	I="--index $CLI_TMP/$idx.idx"
	c="$port/$proto ($idx)"
	names=$(printf '%s' "$names" | tr '_' ' ')

	# lookup: a record naming no transport is listed for every transport.
	run "$PORTKIT" "$port/$proto" $I
	if [ "$names" != - ]; then
		first=${names%%,*}; first=${first% (unofficial)}
		expect "$c lookup names $first" 0 "(^| )$first( |$)"
	fi

	# range --unassigned: one port, unassigned or not.
	run "$PORTKIT" range "$port/$proto" --unassigned $I
	if [ "$iana" = assigned ]; then
		expect "$c range --unassigned: assigned" 1 "^unassigned in $port-$port: $proto 0 of 1\$"
	else
		expect "$c range --unassigned: unassigned" 0 "^unassigned in $port-$port: $proto 1 of 1\$"
	fi

	# pick: that port alone, nothing about this host.
	run "$PORTKIT" pick --range "$port-$port" --proto "$proto" --avoid-os none --no-host-check $I
	case $pick in
	ok) expect "$c pick: acceptable" 0 "^$port( |\$)" ;;
	assigned) expect_err "$c pick: refused, assigned" 1 '1 assigned by IANA$' ;;
	listed) expect_err "$c pick: refused, listed" 1 '1 listed in services\(5\)$' ;;
	reserved) expect_err "$c pick: refused, reserved" 1 '1 reserved by IANA$' ;;
	unofficial) expect_err "$c pick: refused, unofficial" 1 '1 commonly used without assignment$' ;;
	esac

	# advise: the finding about the registration, and only that one.
	run "$PORTKIT" advise --port "$port" --proto "$proto" --json $I
	for id in $(printf '%s' "$advise" | tr '+' ' '); do
		check "$c advise: $id" grep -q "\"code\": \"$id\"" "$CLI_TMP/out"
	done
	case $advise in *port-unofficial*) ;; *)
		check "$c advise: no port-unofficial" sh -c "! grep -q '\"code\": \"port-unofficial\"' '$CLI_TMP/out'" ;;
	esac

	[ "$little_endian" = 1 ] || continue
	# audit: another service's port when IANA assigns it, squatting when not.
	A=$CLI_TMP/audit-$idx.out
	if [ "$iana" = assigned ]; then
		check "$c audit: IANA's port" grep -q "^\\* fixsvc listens on $port/$proto, which IANA assigns to " "$A"
		check "$c audit: not squatting" sh -c "! grep -q 'on $port/$proto, a User port IANA has not assigned' '$A'"
	else
		check "$c audit: squatting" grep -q "^\\* fixsvc on $port/$proto, a User port IANA has not assigned \\[squatting\\]\$" "$A"
		check "$c audit: nobody's port" sh -c "! grep -q 'listens on $port/$proto, which IANA' '$A'"
	fi
	# listeners: every origin's names, unofficial uses marked.
	want=$(printf '%s' "$names" | sed 's/,/, /g; s/  */ /g; s/(/\\(/g; s/)/\\)/g')
	check "$c listeners: $names" grep -Eq "^$proto +0\\.0\\.0\\.0 +$port +1000 +fixsvc/777 +$want\$" "$CLI_TMP/listeners-$idx.out"
done < "$CLI_TMP/cases"

if [ "$little_endian" = 1 ]; then
	# The audit names IANA's services only (no unofficial use), once each.
	check "audit: 4200/tcp is vrml-multi-use's only" \
		grep -q '^\* fixsvc listens on 4200/tcp, which IANA assigns to vrml-multi-use \[iana-other-service\]$' "$CLI_TMP/audit-fx.out"
	run "$PORTKIT" listeners --index "$FX" --proc-root "$CLI_TMP/proc-fx" --json
	check "listeners --json: services of 4200/tcp" test \
		"$("$BUILD/tests/tools/json_get" sockets.0.port sockets.0.services < "$CLI_TMP/out" | tr '\n' ' ')" = \
		'4200 [{"name":"vrml-multi-use","origin":"supplement"},{"name":"ng-serve","origin":"unofficial"}] '
fi

# range --unassigned over the whole space and four transports at once.
# Assigned: tcp 20001, 20010-20012, 20130 (5); every transport 4200-4299
# and 20020-20029 (110); sctp 20120.
run "$PORTKIT" range 0-65535 --unassigned --index "$FX"
expect "range 0-65535, tcp and udp" 0 '^unassigned in 0-65535: tcp 65421 of 65536, udp 65426 of 65536$'
run "$PORTKIT" range 0-65535 --unassigned -p sctp,dccp --index "$FX"
expect "range 0-65535, sctp and dccp" 0 '^unassigned in 0-65535: sctp 65425 of 65536, dccp 65426 of 65536$'

# ---- a real listener on 4250/tcp, in a fresh network namespace ----------------
if ! unshare -n true 2>/dev/null; then
	skip "netns 4250/tcp" "unshare -n not permitted here"
	exit 0
fi
cat > "$CLI_TMP/inner.sh" <<'EOF'
. "$LIBSH"
ip link set lo up 2>/dev/null || echo "SKIP: loopback (no ip(8))"
mkfifo "$CLI_TMP/h.in"
"$HOLD" tcp4:4250 < "$CLI_TMP/h.in" > "$CLI_TMP/h.out" & exec 7> "$CLI_TMP/h.in"
i=0; while ! grep -q '^ready$' "$CLI_TMP/h.out" 2>/dev/null; do
	i=$((i + 1)); [ $i -gt 200 ] && { echo "FAIL: holdports not ready"; exit 1; }; sleep 0.05; done
# The embedded snapshot: vrml-multi-use 4200-4299 comes from the
# supplement and names no transport.
run "$PORTKIT" audit
expect "netns 4250/tcp: audit names vrml-multi-use" 0 '^\* holdports listens on 4250/tcp, which IANA assigns to vrml-multi-use \[iana-other-service\]$'
check "netns 4250/tcp: audit does not call it squatting" sh -c "! grep -q '4250/tcp, a User port IANA has not assigned' '$CLI_TMP/out'"
run "$PORTKIT" listeners
expect "netns 4250/tcp: listeners names vrml-multi-use" 0 '^tcp +0\.0\.0\.0 +4250 +root +holdports/[0-9]+ +vrml-multi-use$'
run "$PORTKIT" advise --port 4250
expect "netns 4250/tcp: advise agrees" 4 "4250/tcp is assigned to 'vrml-multi-use'"
run "$PORTKIT" range 4250/tcp --unassigned
expect "netns 4250/tcp: range --unassigned agrees" 1 '^unassigned in 4250-4250: tcp 0 of 1$'
run "$PORTKIT" pick --range 4200-4299 --avoid-os none
expect_err "netns 4250/tcp: pick skips the range" 1 'no port in 4200-4299 satisfies every constraint'
exec 7>&-
wait
EOF
run env LIBSH="$(dirname "$0")/lib.sh" HOLD="$BUILD/tests/tools/holdports" \
	PORTKIT="$PORTKIT" PK_TEST_DATA="$DATA" unshare -n sh "$CLI_TMP/inner.sh"
printf '%s\n' "$out"
if [ "$rc" -ne 0 ]; then
	echo "FAIL: network namespace script exited $rc"
	printf '%s\n' "$err" | head -10
fi
