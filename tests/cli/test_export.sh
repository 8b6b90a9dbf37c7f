#!/bin/sh
# tests/cli/test_export.sh - `portkit export --format services`: the
# registry's services(5) view as a file (the same entries libnss_portkit
# answers; tests/cli/test_nss.sh compares the two).  On the view's fixture
# (tests/tools/services_fixture.c, which holds names no services(5) file
# can hold) and on the embedded snapshot.
. "$(dirname "$0")/lib.sh"
FX="$BUILD/tests/tools/services_fixture"
export XDG_DATA_HOME="$CLI_TMP/xdg"
unset PORTKIT_INDEX

"$FX" "$CLI_TMP/fx.idx" || echo "FAIL: services_fixture wrote no index"

# ---- the fixture: every rule of the view ------------------------------------
run "$PORTKIT" export --format services --index "$CLI_TMP/fx.idx"
printf '%s\n' "$out" | grep -v '^#' > "$CLI_TMP/body"
check "fixture: the entries of expected/export_fixture.services" \
	diff -u "$EXPECTED/export_fixture.services" "$CLI_TMP/body"
expect_err "fixture: exit 0, the 7 unfit names counted on stderr" 0 \
	"^portkit: warning: 7 names left out: a services\(5\) file cannot hold them"
check "fixture: the header is comments, naming the source" \
	sh -c 'printf "%s\n" "$1" | sed -n 4p | grep -qx "# source:  services view fixture"' _ "$out"
LC_ALL=C grep -n '[^ -~	]' "$CLI_TMP/out" > "$CLI_TMP/bytes"
check "fixture: nothing but printable ASCII, tabs and newlines" test ! -s "$CLI_TMP/bytes"
check "fixture: no name with '#' or a blank, no unofficial use (grafana, flask)" \
	sh -c '! grep -v "^#" "$1" | grep -E "bad|zz|grafana|flask|caf|ctl|dnssd"' _ "$CLI_TMP/out"

# A registry whose source text carries a line break and a services line.
"$FX" "$CLI_TMP/evil.idx" "$(printf 'evil\n6666/tcp injected\033]0;x\007')"
run "$PORTKIT" export --index "$CLI_TMP/evil.idx"
check "hostile source text stays inside its comment (no injected entry)" \
	sh -c '! printf "%s\n" "$1" | grep -E "^6666|injected.*6666/|^[^#].*injected"' _ "$out"
LC_ALL=C grep -n '[^ -~	]' "$CLI_TMP/out" > "$CLI_TMP/bytes"
check "hostile source text: escaped, no control byte written" test ! -s "$CLI_TMP/bytes"

# ---- the embedded snapshot -----------------------------------------------------
run "$PORTKIT" export --format services
expect "embedded: exit 0, x11 on 6010/tcp (a range expanded)" 0 "^x11[[:space:]]+6010/tcp"
cp "$CLI_TMP/out" "$CLI_TMP/full"
check "embedded: nothing written to stderr" test -z "$err"
entries=$(grep -vc -e '^#' -e '^$' "$CLI_TMP/full")
check "embedded: over 10,000 entries ($entries)" test "$entries" -gt 10000
dups=$(grep -v -e '^#' -e '^$' "$CLI_TMP/full" | awk '{ print $2 }' | sort | uniq -d | head -3)
check "embedded: each port/transport on one line${dups:+ (twice: $dups)}" test -z "$dups"
rep=$(grep -v -e '^#' -e '^$' "$CLI_TMP/full" |
	awk '{ delete s; for (i = 1; i <= NF; i++) if (i != 2) { n = tolower($i); if (n in s) { print; exit } s[n] = 1 } }')
check "embedded: each name once per line, case-insensitively${rep:+ ($rep)}" test -z "$rep"
check "embedded: a range naming no transport has a tcp and a udp line per port (vrml-multi-use, 4250)" \
	sh -c 'grep -Eq "^vrml-multi-use[[:space:]]+4250/tcp" "$1" && grep -Eq "^vrml-multi-use[[:space:]]+4250/udp" "$1"' _ "$CLI_TMP/full"
check "embedded: unofficial uses are left out (no grafana)" sh -c '! grep -qw grafana "$1"' _ "$CLI_TMP/full"

# The file is a services(5) file portkit itself reads back.
run "$PORTKIT" import "$CLI_TMP/full" -o "$CLI_TMP/back.idx"
expect "embedded: the export imports as services(5)" 0
run "$PORTKIT" --index "$CLI_TMP/back.idx" 6010/tcp
expect "  ... and the imported file answers x11 on 6010/tcp" 0 "6010 +tcp .*x11"

# ---- usage ------------------------------------------------------------------------
run "$PORTKIT" export --format xml
expect_err "--format xml: exit 2, the one format named" 2 "unknown export format 'xml'"
run "$PORTKIT" export --json
expect_err "--json: exit 2, does not apply" 2 "json does not apply"
run "$PORTKIT" export --proto tcp
expect_err "--proto: exit 2, does not apply" 2 "proto does not apply"
run "$PORTKIT" export extra
expect_err "an operand: exit 2" 2 "unexpected argument 'extra'"
run "$PORTKIT" export --index "$CLI_TMP/nonexistent.idx"
expect_err "a missing index: exit 2 (a missing input file)" 2 "nonexistent.idx"
