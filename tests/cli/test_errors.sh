#!/bin/sh
# tests/cli/test_errors.sh - bad input: every case names the bad input in a
# one-line message on stderr, prints nothing on stdout, and exits 2 (usage
# or invalid input) or 3 (data or system error).
. "$(dirname "$0")/lib.sh"

# bad NAME RC STDERR-REGEX ARGS...
bad() {
	name=$1 code=$2 re=$3
	shift 3
	run "$PORTKIT" "$@"
	expect_err "$name" "$code" "$re"
	check "$name: nothing on stdout" test -z "$out"
	check "$name: one short line on stderr" \
		sh -c '[ "$(printf "%s\n" "$1" | wc -l)" -eq 1 ] && [ "${#1}" -lt 200 ]' _ "$err"
}

bad "70000"  2 "^portkit: invalid port '70000': expected 0-65535$" 70000
bad "-1"     2 "^portkit: invalid port '-1': expected 0-65535 or LO-HI \\(a port has no sign\\)$" -1
bad "-1 after a valid port" 2 "^portkit: invalid port '-1': expected " 443 -1
bad "80-"    2 "^portkit: invalid port '80-': expected a range LO-HI with both ends in 0-65535$" 80-
bad "80-70"  2 "^portkit: invalid port '80-70': range is reversed; expected LO <= HI$" 80-70
bad "80/xyz" 2 "^portkit: invalid transport in '80/xyz': expected tcp, udp, sctp or dccp$" 80/xyz
bad "empty argument" 2 "^portkit: invalid port '': empty; expected 0-65535, LO-HI or PORT/PROTO$" ""
bad "80 with a trailing blank" 2 "^portkit: invalid port '80 ': expected 0-65535$" "80 "
bad "99999-100000" 2 "^portkit: invalid port '99999-100000': expected a range" 99999-100000
long_digits=$(head -c 10240 /dev/zero | tr '\0' 1)
bad "10 kB of digits" 2 "^portkit: invalid port '1{40}\.\.\.': expected 0-65535$" "$long_digits"
long_name=$(head -c 10240 /dev/zero | tr '\0' a)
bad "10 kB name" 2 "^portkit: invalid service name 'a{40}\.\.\.' \(10240 bytes\): expected at most 63 characters$" "$long_name"
bad "control character in a name" 2 "^portkit: invalid service name: byte 0x01 at position 3; expected printable ASCII, spaces only inside$" "$(printf 'ab\001c')"
bad "invalid argument among good ones: no partial answer" 2 "invalid port '70000'" 443 70000 http
bad "bad --proto" 2 "^portkit: invalid transport 'xyz': expected tcp, udp, sctp, dccp or a comma-separated list$" --proto xyz 443
bad "unknown option" 2 "unrecognized option '--frobnicate'" --frobnicate 443
# getopt's own messages carry the program's name: portkit (not the path it
# was run by), and the subcommand's.
bad "unknown option: portkit, not the path" 2 "^portkit: unrecognized option '--frobnicate'" --frobnicate 443
run "$PORTKIT" pick --frobnicate
expect_err "unknown option of a subcommand names it" 2 "^portkit pick: unrecognized option '--frobnicate'"
run "$PORTKIT" sim --seed
expect_err "missing option argument names the subcommand" 2 "^portkit sim: option '--seed' requires an argument"

# abc/tcp is a well-formed service name that nobody registered: nothing
# found (exit 1), not invalid input.  The range subcommand takes only port
# specifications, so there the same text is invalid (exit 2).
run "$PORTKIT" abc/tcp
expect_err "abc/tcp: not found" 1 "^portkit: no service named 'abc' for tcp(; did you mean [a-z, ]+\?)?$"
bad "range abc/tcp" 2 "^portkit: invalid port 'abc/tcp': expected 0-65535$" range abc/tcp
bad "range -5" 2 "^portkit: invalid port '-5': expected " range -5
bad "range 80-70" 2 "range is reversed" range 80-70
bad "range with no argument" 2 "^portkit: no range given: expected LO-HI" range
bad "range with two arguments" 2 "^portkit: too many arguments: expected one LO-HI$" range 1-2 3-4
bad "range --assigned --unassigned" 2 "^portkit: --assigned and --unassigned exclude each other$" range --assigned --unassigned 1-10
bad "search with no words" 2 "^portkit: nothing to search for" search
bad "search with an empty word" 2 "^portkit: invalid search word '': expected a non-empty word$" search http ""
bad "search with a 10 kB word" 2 "^portkit: invalid search word 'a{40}\.\.\.' \(10240 bytes\): expected at most 256 bytes$" search "$long_name"
bad "info with an argument" 2 "^portkit: unexpected argument 'x': info takes none$" info x
bad "import with no file" 2 "^portkit: no file given: expected portkit import FILE$" import
bad "import --format bogus" 2 "^portkit: invalid format 'bogus': expected auto, xml, csv, services, npm-json or nmap-services$" import --format bogus x
bad "update --url and --file" 2 "^portkit: --url and --file exclude each other$" update --url http://127.0.0.1/ --file x
bad "update --system and -o" 2 "^portkit: --system and -o exclude each other$" update --system -o x
bad "update --format npm-json" 2 "^portkit: invalid format 'npm-json': expected xml or csv" update --format npm-json

run "$PORTKIT"
expect_err "no arguments: usage on stderr, exit 2" 2 '^usage: portkit '

# ---- broken index files --------------------------------------------------------
FX=$CLI_TMP/fx.idx
"$PORTKIT" import "$DATA/cli/registry.xml" -o "$FX" > /dev/null
size=$(wc -c < "$FX")
head -c $((size / 2)) "$FX" > "$CLI_TMP/truncated.idx"
bad "truncated index" 3 "^portkit: $CLI_TMP/truncated.idx: .*(truncat|size|short)" --index "$CLI_TMP/truncated.idx" 80
head -c 10 "$FX" > "$CLI_TMP/tiny.idx"
bad "index of 10 bytes" 3 "^portkit: $CLI_TMP/tiny.idx: " --index "$CLI_TMP/tiny.idx" 80
: > "$CLI_TMP/empty.idx"
bad "empty index" 3 "^portkit: $CLI_TMP/empty.idx: " --index "$CLI_TMP/empty.idx" 80
# Flip one byte in the last quarter (string data, covered by the checksum).
cp "$FX" "$CLI_TMP/corrupt.idx"
off=$((size * 3 / 4))
byte=$(od -An -tu1 -j "$off" -N1 "$FX" | tr -d ' ')
printf "$(printf '\\%03o' $(( (byte + 1) % 256 )))" |
	dd of="$CLI_TMP/corrupt.idx" bs=1 seek="$off" conv=notrunc 2>/dev/null
check "the corrupted copy differs" sh -c '! cmp -s "$1" "$2"' _ "$FX" "$CLI_TMP/corrupt.idx"
bad "corrupted checksum" 3 "^portkit: $CLI_TMP/corrupt.idx: .*checksum" --index "$CLI_TMP/corrupt.idx" 80
printf 'this is not an index at all, just text\n' > "$CLI_TMP/text.idx"
bad "not an index" 3 "^portkit: $CLI_TMP/text.idx: " --index "$CLI_TMP/text.idx" 80
bad "missing index" 2 "^portkit: $CLI_TMP/missing.idx: No such file or directory$" --index "$CLI_TMP/missing.idx" 80
# The default registry: an invalid per-user index is an error, not skipped.
mkdir -p "$XDG_DATA_HOME/portkit"
cp "$CLI_TMP/corrupt.idx" "$XDG_DATA_HOME/portkit/registry.idx"
bad "corrupt per-user index is reported" 3 "registry.idx: .*checksum" 443
rm -f "$XDG_DATA_HOME/portkit/registry.idx"
PORTKIT_INDEX=$CLI_TMP/truncated.idx run "$PORTKIT" 443
expect_err "PORTKIT_INDEX pointing at a truncated index" 3 "truncated.idx"

# ---- output errors ---------------------------------------------------------------
if [ -w /dev/full ]; then
	run "$PORTKIT" 443 --long
	"$PORTKIT" 443 > /dev/full 2> "$CLI_TMP/err"
	rc=$? err=$(cat "$CLI_TMP/err")
	expect_err "stdout write error (/dev/full): exit 3" 3 "^portkit: error writing output: No space left on device$"
else
	skip "stdout write error" "no /dev/full"
fi
