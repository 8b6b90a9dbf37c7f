#!/bin/sh
# tests/cli/test_top.sh - nmap-services as its own format, its popularity
# added to the registry in use (`import --add`), `portkit top`, and
# popularity in --long and --json.  Reads Debian's nmap-common copy at run
# time (./bootstrap installs it); never a copy in the repository.
. "$(dirname "$0")/lib.sh"

# Its own per-user index: `import --add` writes one, which later tests of
# the suite (sharing XDG_DATA_HOME) must not find.
XDG_DATA_HOME=$CLI_TMP/xdg
export XDG_DATA_HOME
J=$BUILD/tests/tools/json_get
NMAP=/usr/share/nmap/nmap-services

run "$PORTKIT" top
expect "no popularity data: says so, exit 1" 1 '^no popularity data in this registry \(embedded snapshot: .*\): `portkit import --add /usr/share/nmap/nmap-services` adds nmap.s$'
run "$PORTKIT" top --json
check "  ... and --json says popularity false" test "$(printf '%s\n' "$out" | "$J" popularity)" = false
run "$PORTKIT" top 0
expect_err "top 0: invalid count" 2 "invalid count '0': expected 1 to 65536"

if [ ! -r "$NMAP" ]; then
	skip "nmap-services" "$NMAP is absent (Debian package nmap-common)"
	exit 0
fi

run "$PORTKIT" import "$NMAP" -o "$CLI_TMP/nmap.idx"
expect "nmap-services: told from its content" 0 '^  source:   nmap-services$'
run "$PORTKIT" --index "$CLI_TMP/nmap.idx" 0.001995
expect_err "a frequency is not an alias (not found)" 1 "no service named '0.001995'"
run "$PORTKIT" --index "$CLI_TMP/nmap.idx" unknown
expect_err "'unknown' is not a service name" 1 "no service named 'unknown'"
run "$PORTKIT" --index "$CLI_TMP/nmap.idx" tcpmux/tcp
expect "names are records, comments descriptions" 0 '^1 +tcp +System +tcpmux +\[services\(5\)\] TCP Port Service Multiplexer'

run "$PORTKIT" import --add "$NMAP"
expect "--add: the registry in use gets the popularity" 0 ' \+ popularity from nmap-services$'
expect "--add: says what it replaced" 0 '^replaced embedded snapshot: '
run "$PORTKIT" import --add "$NMAP"
expect "--add twice: one popularity source" 0 "^  source:   embedded snapshot: [^+]*(\+ [^+]*)* \+ popularity from nmap-services$"
run "$PORTKIT" top 3
expect "top: a header" 0 '^RANK +PORT +PROTO +OPEN +NAMES$'
expect "top: 80/tcp first, with its names" 0 '^1 +80 +tcp +[0-9]+\.[0-9]{4} % +http, (www, )?www-http$'
check "top 3: three ports" test "$(printf '%s\n' "$out" | wc -l)" = 4
run "$PORTKIT" top 2 --proto udp
expect "top --proto udp: only udp" 0 '^1 +[0-9]+ +udp '
check "  ... no tcp" sh -c '! printf "%s\n" "$1" | grep -q " tcp "' _ "$out"
run "$PORTKIT" top --json 1
printf '%s\n' "$out" > "$CLI_TMP/top.json"
check "top --json: rank, port, protocol, names" test "$("$J" popularity ports.0.rank ports.0.port ports.0.protocol ports.0.names.0 < "$CLI_TMP/top.json" | tr '\n' ' ')" = "true 1 80 tcp http "
run "$PORTKIT" --long 80/tcp
expect "--long: popularity" 0 '^popularity: +found open on [0-9]+\.[0-9]{4} % of the hosts nmap scanned \(nmap-services\)$'
run "$PORTKIT" --json 80/tcp
check "--json: popularity a number" sh -c 'printf "%s\n" "$1" | "$2" queries.0.records.0.popularity | grep -Eq "^0\.[0-9]+$"' _ "$out" "$J"
run "$PORTKIT" --long 36/tcp
expect "--long: a port nmap does not list says so" 0 '^popularity: +not in the popularity data \(nmap-services\)$'
run "$PORTKIT" search --popular netbios
check "search --popular: the most often open first (137/udp)" test "$(printf '%s\n' "$out" | sed -n 2p | awk '{print $1, $2}')" = "137 udp"
run "$PORTKIT" --popular --proto tcp 1-1024
check "lookup --popular: the most often open port first (80/tcp)" test "$(printf '%s\n' "$out" | sed -n 2p | awk '{print $1, $2}')" = "80 tcp"
run "$PORTKIT" --proto tcp 1-1024
check "lookup without --popular: in port order (1/tcp)" test "$(printf '%s\n' "$out" | sed -n 2p | awk '{print $1, $2}')" = "1 tcp"
run "$PORTKIT" search netbios
check "search without --popular: the curated netbios-ssn first (139/tcp)" test "$(printf '%s\n' "$out" | sed -n 2p | awk '{print $1, $2}')" = "139 tcp"
