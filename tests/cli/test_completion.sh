#!/bin/sh
# tests/cli/test_completion.sh - completions/portkit.bash offers every
# subcommand `portkit --help` lists and every long option each
# subcommand's --help lists (so a new command or option cannot be
# forgotten there).
. "$(dirname "$0")/lib.sh"
COMP=$(cd "$(dirname "$0")/../.." && pwd)/completions/portkit.bash

if ! command -v bash > /dev/null; then
	skip "completion" "no bash"
	exit 0
fi

# complete WORDS...: the candidates bash completion offers for the last word.
complete_words() {
	bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1));
		_portkit; printf "%s\n" "${COMPREPLY[@]}"' _ "$COMP" portkit "$@"
}

run "$PORTKIT" --help
cmds=$(printf '%s\n' "$out" | sed -n '/^commands:/,/^$/p' | awk 'NR > 1 && /^  [a-z]/ { print $1 }')
check "--help lists subcommands" test -n "$cmds"
offered=$(complete_words "")
for c in $cmds; do
	check "subcommand $c is completed" sh -c 'printf "%s\n" "$1" | grep -qx -- "$2"' _ "$offered" "$c"
	run "$PORTKIT" "$c" --help
	opts=$( { printf '%s\n' "$out"; printf '%s\n' "$err"; } | grep -oE -- '--[a-z][a-z-]+' | sort -u)
	copts=$(complete_words "$c" "--")
	missing=""
	for o in $opts; do
		printf '%s\n' "$copts" | grep -qx -- "$o" || missing="$missing $o"
	done
	check "$c: every option of its --help is completed${missing:+ (missing:$missing)}" test -z "$missing"
done

# Option values.
v=$(complete_words sim --algo "")
check "sim --algo offers linux-2021" sh -c 'printf "%s\n" "$1" | grep -qx linux-2021' _ "$v"
v=$(complete_words ranges --os "")
check "ranges --os offers windows-xp" sh -c 'printf "%s\n" "$1" | grep -qx windows-xp' _ "$v"
v=$(complete_words sim --metric "")
check "sim --metric offers leak" sh -c 'printf "%s\n" "$1" | grep -qx leak' _ "$v"

# OS profile ids: --os and --avoid-os offer exactly the profiles of
# `portkit ranges --json`, --avoid-os also its keywords.
J=$BUILD/tests/tools/json_get
run "$PORTKIT" ranges --json
printf '%s\n' "$out" > "$CLI_TMP/ranges.json"
n=$("$J" profiles.# < "$CLI_TMP/ranges.json")
i=0
while [ "$i" -lt "${n:-0}" ]; do
	"$J" profiles.$i.id < "$CLI_TMP/ranges.json"
	i=$((i + 1))
done | sort > "$CLI_TMP/ids"
check "ranges --json lists profile ids" test "$(wc -l < "$CLI_TMP/ids")" -ge 10
complete_words ranges --os "" | sort > "$CLI_TMP/os"
check "ranges --os offers exactly the ids of ranges --json" cmp -s "$CLI_TMP/ids" "$CLI_TMP/os"
complete_words sim --os "" | sort > "$CLI_TMP/simos"
check "sim --os offers exactly the ids of ranges --json" cmp -s "$CLI_TMP/ids" "$CLI_TMP/simos"
complete_words pick --avoid-os "" | sort > "$CLI_TMP/avoid"
{ cat "$CLI_TMP/ids"; printf '%s\n' common all none; } | sort > "$CLI_TMP/avoid_want"
check "pick --avoid-os offers the ids of ranges --json and common, all, none" cmp -s "$CLI_TMP/avoid_want" "$CLI_TMP/avoid"
v=$(complete_words pick --avoid-os linux,windows-)
check "pick --avoid-os completes the last element of a list" \
	test "$(printf '%s\n' "$v" | sort | tr '\n' ' ')" = "linux,windows-exchange linux,windows-xp "

# Values, or nothing rather than options, after options that take one.
for o in "audit --expect" "pick --near" "pick --count" "pick -c" "pick --exclude" "advise --port"; do
	# shellcheck disable=SC2086
	v=$(complete_words $o "")
	check "$o offers no options" sh -c '! printf "%s\n" "$1" | grep -q "^-"' _ "$v"
done
mkdir -p "$CLI_TMP/procdir" && : > "$CLI_TMP/procfile"
v=$(complete_words listeners --proc-root "$CLI_TMP/proc")
check "--proc-root offers directories only" test "$v" = "$CLI_TMP/procdir"
v=$(complete_words audit -c "$CLI_TMP/procf")
check "audit -c (--config) offers files" test "$v" = "$CLI_TMP/procfile"
v=$(complete_words --color "")
check "--color offers auto, always, never" test "$(printf '%s\n' "$v" | sort | tr '\n' ' ')" = "always auto never "
v=$(complete_words help p)
check "help offers commands" test "$(printf '%s\n' "$v" | sort | tr '\n' ' ')" = "pick "
