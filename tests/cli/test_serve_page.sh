#!/bin/sh
# test_serve_page.sh - the page of `portkit serve` in a real headless
# chromium over the DevTools protocol (tests/serve/test_page.py): search
# as you type, permalinks, the map, keyboard, a hostile registry.  The
# screenshots (desktop and phone widths) are left in $BUILD/artefacts/;
# docs/img/ holds the committed copies the README shows.
. "$(dirname "$0")/lib.sh"
top=$(cd "$(dirname "$0")/../.." && pwd)

if ! command -v python3 > /dev/null; then
	skip "serve page" "python3 is not installed"
	exit 0
fi
python3 "$top/tests/serve/test_page.py" "$PORTKIT" "${BUILD:-$CLI_TMP}/artefacts"
