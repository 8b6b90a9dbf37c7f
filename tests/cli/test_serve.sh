#!/bin/sh
# test_serve.sh - `portkit serve`: the HTTP API against the real server
# (tests/serve/test_api.py: parity with --json, every endpoint and error
# status, ETag/304, gzip, CORS, a replaced index, hostile clients).
. "$(dirname "$0")/lib.sh"
top=$(cd "$(dirname "$0")/../.." && pwd)

if ! command -v python3 > /dev/null; then
	skip "serve API" "python3 is not installed (./bootstrap installs it)"
	exit 0
fi
run "$PORTKIT" serve --help
expect "serve --help" 0 'usage: portkit serve'
run "$PORTKIT" serve --timeout 0
expect_err "serve --timeout 0 is a usage error" 2 'invalid timeout'
run "$PORTKIT" serve extra
expect_err "serve takes no operands" 2 'unexpected argument'

# Paging, which the API shares with lookup, search and range.
run "$PORTKIT" search http --limit 0
expect_err "search --limit 0" 2 "invalid limit '0'"
run "$PORTKIT" search http --limit 3 --cursor x1
expect_err "search --cursor x1" 2 "invalid cursor 'x1'"
run "$PORTKIT" search http --cursor 3
expect_err "a cursor needs a limit" 2 'a cursor needs a limit'
run "$PORTKIT" info --limit 3
expect_err "info --limit: only lookup, search and range page" 2 'apply to lookup, search and range'
: > "$CLI_TMP/pages"
cursor=""
for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31 32 33 34 35 36 37 38 39 40; do
	"$PORTKIT" search http --json --limit 7 ${cursor:+--cursor "$cursor"} > "$CLI_TMP/page"
	grep '^      "name"' "$CLI_TMP/page" >> "$CLI_TMP/pages"
	cursor=$(sed -n 's/^  "next_cursor": "\([0-9]*\)",*$/\1/p' "$CLI_TMP/page")
	[ -n "$cursor" ] || break
done
"$PORTKIT" search http --json | grep '^      "name"' > "$CLI_TMP/allnames"
check "pages of 7 put together are the whole search ($(wc -l < "$CLI_TMP/allnames") records)" \
	sh -c 'test "$(wc -l < "$1")" -gt 20 && cmp -s "$1" "$2"' sh "$CLI_TMP/allnames" "$CLI_TMP/pages"
run "$PORTKIT" search http --limit 7
expect "text: the next page is named" 0 'the next page: --cursor 7'

python3 "$top/tests/serve/test_api.py" "$PORTKIT"
