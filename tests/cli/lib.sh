# tests/cli/lib.sh - sourced by the CLI test scripts (tests/cli/*.sh).
#
#   run CMD ARGS...            runs CMD, sets $out, $err (file contents) and $rc
#   check NAME COND-COMMAND    PASS when COND-COMMAND succeeds, else FAIL with
#                              the captured output, so a failure names its case
#   expect NAME RC [REGEX]     after `run`: exit code is RC and stdout
#                              matches the extended REGEX (when given)
#   expect_err NAME RC REGEX   after `run`: exit code is RC, stderr matches
#   expect_out NAME RC FILE    after `run`: exit code is RC and stdout is
#                              exactly FILE (tests/cli/expected/FILE)
#   skip NAME WHY
# The script's exit status does not matter: tests/run counts the lines.
: "${PORTKIT:?PORTKIT must name the portkit binary}"
CLI_TMP=$(mktemp -d)
trap 'rm -rf "$CLI_TMP"' EXIT
DATA=${PK_TEST_DATA:-$(cd "$(dirname "$0")/../data" && pwd)}
EXPECTED=$(cd "$(dirname "$0")" && pwd)/expected

run() {
	"$@" > "$CLI_TMP/out" 2> "$CLI_TMP/err"
	rc=$?
	out=$(cat "$CLI_TMP/out")
	err=$(cat "$CLI_TMP/err")
}

_show() {
	echo "    command exit: $rc"
	echo "$out" | head -20 | sed 's/^/    stdout: /'
	echo "$err" | head -10 | sed 's/^/    stderr: /'
}

check() {
	name=$1
	shift
	if "$@"; then echo "PASS: $name"; else echo "FAIL: $name"; _show; fi
}

expect() {
	if [ "$rc" -ne "$2" ]; then
		echo "FAIL: $1 (exit $rc, expected $2)"; _show; return
	fi
	if [ $# -ge 3 ] && ! printf '%s\n' "$out" | grep -Eq -- "$3"; then
		echo "FAIL: $1 (stdout does not match /$3/)"; _show; return
	fi
	echo "PASS: $1"
}

expect_err() {
	if [ "$rc" -ne "$2" ]; then
		echo "FAIL: $1 (exit $rc, expected $2)"; _show; return
	fi
	if ! printf '%s\n' "$err" | grep -Eq -- "$3"; then
		echo "FAIL: $1 (stderr does not match /$3/)"; _show; return
	fi
	echo "PASS: $1"
}

expect_out() {
	if [ "$rc" -ne "$2" ]; then
		echo "FAIL: $1 (exit $rc, expected $2)"; _show; return
	fi
	if ! diff -u "$EXPECTED/$3" "$CLI_TMP/out" > "$CLI_TMP/diff"; then
		echo "FAIL: $1 (stdout differs from expected/$3)"
		sed 's/^/    /' "$CLI_TMP/diff" | head -40
		return
	fi
	echo "PASS: $1"
}

skip() {
	echo "SKIP: $1 ($2)"
}
