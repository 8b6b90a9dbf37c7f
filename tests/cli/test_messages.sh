#!/bin/sh
# tests/cli/test_messages.sh - update and import say what went wrong in
# words a user recognises: an HTML page, gzip, not a URL, a broken index
# and how to recover; every failed update ends with "unchanged".
. "$(dirname "$0")/lib.sh"

printf '<!DOCTYPE html>\n<html><head><title>Not found</title></head></html>\n' > "$CLI_TMP/page.html"
gzip -c "$DATA/cli/registry.xml" > "$CLI_TMP/registry.xml.gz"

run "$PORTKIT" update --file "$CLI_TMP/page.html" -o "$CLI_TMP/u.idx"
expect_err "update of an HTML page: called an HTML page" 3 'page.html is an HTML page, not IANA.s XML or CSV registry: a server.s error or login page'
expect_err "... and the registry is unchanged" 3 'the registry in use is unchanged$'
run "$PORTKIT" import "$CLI_TMP/page.html" -o "$CLI_TMP/u.idx"
expect_err "import of an HTML page: called an HTML page" 3 'page.html is an HTML page, not a registry source'
run "$PORTKIT" update --file "$CLI_TMP/registry.xml.gz" -o "$CLI_TMP/u.idx"
expect_err "update of gzip: recognised" 3 'registry.xml.gz is gzip-compressed data.*gunzip'
expect_err "... and the registry is unchanged" 3 'unchanged$'
# import reads gzip (zlib); other compressions are named and refused.
run "$PORTKIT" import "$CLI_TMP/registry.xml.gz" -o "$CLI_TMP/u.idx"
expect "import of gzip: read" 0 'registry.xml.gz'
check "... and written" test -s "$CLI_TMP/u.idx"
rm -f "$CLI_TMP/u.idx"
printf '\375\067\172\130\132\000rest' > "$CLI_TMP/registry.xml.xz"
run "$PORTKIT" import "$CLI_TMP/registry.xml.xz" -o "$CLI_TMP/u.idx"
expect_err "import of xz: named and refused" 3 'xz-compressed data.*decompress it first'
check "nothing written" test ! -e "$CLI_TMP/u.idx"
for u in notaurl http:// ftp://example.org/x "https://a b/" file://relative; do
	run "$PORTKIT" update --url "$u" -o "$CLI_TMP/u.idx"
	expect_err "update --url $u: not a URL, exit 2" 2 "'$u' is not a URL: expected http://HOST"
	check "update --url $u: no name was looked up" sh -c '! printf "%s\n" "$1" | grep -qi "resolve"' _ "$err"
	check "update --url $u: ends with unchanged" sh -c 'printf "%s\n" "$1" | tail -1 | grep -q "unchanged$"' _ "$err"
done
run "$PORTKIT" update --file "$DATA/cli/registry.xml" -o "$CLI_TMP/ok.idx"
expect "a successful update names where it installed" 0 "^  to: +$CLI_TMP/ok.idx$"

# A broken index: the message, then how to recover.
head -c 1000 "$CLI_TMP/ok.idx" > "$CLI_TMP/trunc.idx"
run "$PORTKIT" --index "$CLI_TMP/trunc.idx" 80
expect_err "a truncated --index: says truncated" 3 'trunc.idx: truncated'
expect_err "... and how to rebuild it, on the same line" 3 "trunc.idx: truncated: .*; rebuild it \\(portkit import SOURCE -o FILE\\) or leave --index out$"
X=$CLI_TMP/xdg
mkdir -p "$X/portkit"
head -c 1000 "$CLI_TMP/ok.idx" > "$X/portkit/registry.idx"
run env XDG_DATA_HOME="$X" "$PORTKIT" 80
expect_err "a truncated per-user index: portkit update or remove it" 3 "$X/portkit/registry.idx: truncated: .*; .portkit update. replaces it, or remove it to use the embedded snapshot$"
printf 'this is some other program'"'"'s file, long enough to hold a header of an index ......................................................\n' > "$X/portkit/registry.idx"
run env XDG_DATA_HOME="$X" "$PORTKIT" 80
expect_err "a foreign per-user index: the same hint" 3 "not a portkit index.*; .portkit update. replaces it, or remove"
run "$PORTKIT" import "$CLI_TMP/ok.idx" -o "$CLI_TMP/u.idx"
expect_err "import of an index: says it is one" 3 'is a compiled portkit index, not a registry source: an index is opened with --index FILE'
