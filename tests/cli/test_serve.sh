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
python3 "$top/tests/serve/test_api.py" "$PORTKIT"
