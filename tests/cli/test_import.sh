#!/bin/sh
# tests/cli/test_import.sh - `portkit import FILE [--format F] [-o INDEX]`.
. "$(dirname "$0")/lib.sh"

# Default output: the per-user index (XDG_DATA_HOME is a fresh directory).
USER_IDX=$XDG_DATA_HOME/portkit/registry.idx
# The fixture (2026-01-15) is older than the embedded snapshot, and its 20
# records would shadow the snapshot's thousands: refused without --force,
# and nothing written.
run "$PORTKIT" import "$DATA/cli/registry.xml"
expect_err "older than the registry in use: refused" 3 \
	"registry.xml is older \(2026-01-15\) than the registry it would replace \(embedded snapshot: .*, [0-9-]+\); nothing written \(--force replaces it, -o INDEX writes elsewhere\)"
check "  ... and no per-user index written" test ! -e "$USER_IDX"
run "$PORTKIT" import "$DATA/cli/services"
expect_err "far fewer records than the registry in use: refused" 3 \
	"services has 4 records, fewer than half of the [0-9]+ of the registry it would replace \(embedded snapshot: .*\); nothing written"
check "  ... and no per-user index written" test ! -e "$USER_IDX"
run "$PORTKIT" import --json "$DATA/cli/registry.xml"
check "  ... with --json the error document says PK_REFUSED" \
	test "$(printf '%s\n' "$out" | "$BUILD/tests/tools/json_get" error.status)" = PK_REFUSED
run "$PORTKIT" import --force "$DATA/cli/registry.xml"
expect "--force replaces it, and says what it replaced" 0 '^replaced embedded snapshot: .* \(updated [0-9-]+, [0-9]+ records\)$'
expect "xml: counts (by hand from the fixture)" 0 '^  records:  20 \(tcp 13, udp 4, sctp 0, dccp 1, no transport 2\)$'
expect "xml: names and people" 0 '^  people:   5$'
expect "xml: registry date" 0 '^  updated:  2026-01-15$'
expect "xml: default output is the per-user index" 0 "^wrote $USER_IDX$"
check "xml: the per-user index exists" test -s "$USER_IDX"
run "$PORTKIT" info
expect "the per-user index is now the default registry" 0 "^location: +$USER_IDX$"
run "$PORTKIT" 6003
expect "... and answers lookups" 0 '^6000-6063 +tcp +User +x11 '
rm -f "$USER_IDX"

run "$PORTKIT" import "$DATA/cli/registry.csv" -o "$CLI_TMP/csv.idx"
expect "csv: counts" 0 '^  records:  5 \(tcp 4, udp 1, sctp 0, dccp 0, no transport 0\)$'
run "$PORTKIT" --index "$CLI_TMP/csv.idx" --long 63
expect "csv: quoted multi-line notes, historic alias" 0 '^historic: +historic alias of whoispp$'
run "$PORTKIT" --index "$CLI_TMP/csv.idx" --long 6003
expect "csv: unauthorized use column" 0 '^unauthorized: +Known Unauthorized Use on port 6003$'

run "$PORTKIT" import --format services "$DATA/cli/services" -o "$CLI_TMP/svc.idx"
expect "services: counts" 0 '^  records:  4 \(tcp 3, udp 1, sctp 0, dccp 0, no transport 0\)$'
run "$PORTKIT" --index "$CLI_TMP/svc.idx" krb5
expect "services: aliases are names" 0 '^88 +tcp +System +kerberos +\[services\(5\)\] Kerberos v5 \(aliases: kerberos5, krb5, kerberos-sec\)$'

# Bad input: file:line messages, exit 3, nothing written.
run "$PORTKIT" import --format csv "$DATA/cli/registry.xml" -o "$CLI_TMP/bad.idx"
expect_err "xml read as csv: file:line and what was expected" 3 "registry.xml:1: .*expected an IANA CSV header"
check "nothing written" test ! -e "$CLI_TMP/bad.idx"
head -c 2000 "$DATA/cli/registry.xml" > "$CLI_TMP/truncated.xml"
run "$PORTKIT" import "$CLI_TMP/truncated.xml" -o "$CLI_TMP/bad.idx"
expect_err "truncated xml: an error with file:line" 3 "truncated.xml:[0-9]+: "
check "nothing written for truncated xml" test ! -e "$CLI_TMP/bad.idx"
run "$PORTKIT" import "$CLI_TMP/no-such-file.xml" -o "$CLI_TMP/bad.idx"
expect_err "missing file" 2 "no-such-file.xml: No such file or directory"
run "$PORTKIT" import "$DATA/cli/registry.xml" -o "$CLI_TMP/no-such-dir/x.idx"
expect_err "unwritable output" 3 "no-such-dir"

# An existing index is replaced only by a complete new one.
"$PORTKIT" import "$DATA/cli/registry.xml" -o "$CLI_TMP/keep.idx" > /dev/null
cp "$CLI_TMP/keep.idx" "$CLI_TMP/keep.orig"
run "$PORTKIT" import "$CLI_TMP/truncated.xml" -o "$CLI_TMP/keep.idx"
check "a failed import leaves the old index as it was" cmp -s "$CLI_TMP/keep.idx" "$CLI_TMP/keep.orig"

run "$PORTKIT" import --json "$DATA/cli/registry.xml" -o "$CLI_TMP/j.idx"
printf '%s\n' "$out" > "$CLI_TMP/j.json"
check "json: records, people, output" test "$("$BUILD/tests/tools/json_get" records people output < "$CLI_TMP/j.json" | tr '\n' ' ')" = "20 5 $CLI_TMP/j.idx "

# The official registry, when it is there: all 14,533 records.
if [ -n "${PK_IANA_DIR:-}" ] && [ -r "$PK_IANA_DIR/service-names-port-numbers.xml" ]; then
	run "$PORTKIT" import "$PK_IANA_DIR/service-names-port-numbers.xml" -o "$CLI_TMP/iana.idx"
	expect "IANA XML: 14533 records" 0 '^  records:  14533 '
	run "$PORTKIT" --index "$CLI_TMP/iana.idx" 80/tcp
	expect "IANA XML: 80/tcp is http" 0 '^80 +tcp +System +http +World Wide Web HTTP$'
	expect "IANA XML: 80/tcp is www" 0 '^80 +tcp +System +www +World Wide Web HTTP$'
	expect "IANA XML: 80/tcp is www-http" 0 '^80 +tcp +System +www-http +World Wide Web HTTP$'
else
	skip "IANA XML import" "PK_IANA_DIR is empty"
fi
