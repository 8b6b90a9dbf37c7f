#!/bin/sh
# tests/cli/test_manpage.sh - docs/portkit.1 documents every subcommand
# `portkit --help` lists: a SYNOPSIS line of its own and a tagged paragraph
# of its own under SUBCOMMANDS (a lost .br or .TP runs two together).
. "$(dirname "$0")/lib.sh"
MAN1=$(cd "$(dirname "$0")/../.." && pwd)/docs/portkit.1

if ! command -v man > /dev/null; then
	skip "man page" "no man(1)"
	exit 0
fi
MANWIDTH=200 man -l "$MAN1" 2> "$CLI_TMP/man.err" | col -bx > "$CLI_TMP/man.txt"
check "man page renders without warnings" test ! -s "$CLI_TMP/man.err"
sed -n '/^SYNOPSIS/,/^DESCRIPTION/p' "$CLI_TMP/man.txt" > "$CLI_TMP/syn"
sed -n '/^SUBCOMMANDS/,/^OPTIONS/p' "$CLI_TMP/man.txt" > "$CLI_TMP/sub"

run "$PORTKIT" --help
cmds=$(printf '%s\n' "$out" | sed -n '/^commands:/,/^$/p' | awk 'NR > 1 && /^  [a-z]/ { print $1 }')
check "--help lists subcommands" test -n "$cmds"
for c in $cmds; do
	check "SYNOPSIS: a line for portkit $c" grep -Eq "^ +portkit +$c( |\$)" "$CLI_TMP/syn"
	check "SUBCOMMANDS: no other synopsis runs into portkit $c" \
		sh -c '! grep -Eq "[^ ] +portkit +$1( |\$)" "$2"' _ "$c" "$CLI_TMP/syn"
	[ "$c" = lookup ] && continue # LOOKUPS has its own section
	check "SUBCOMMANDS: a paragraph for $c" grep -Eq "^ {7}$c( |\$)" "$CLI_TMP/sub"
done

# Options: every long option a command's --help lists is in the man page,
# and every command's --help has an option list, an example and its line
# of the exit-status table.
README=$(cd "$(dirname "$0")/../.." && pwd)/README.md
tr -s ' ' < "$CLI_TMP/man.txt" > "$CLI_TMP/man1"
for c in $cmds; do
	run "$PORTKIT" "$c" --help
	help_out=$out
	missing=""
	for o in $(printf '%s\n' "$help_out" | grep -oE -- '--[a-z][a-z0-9-]+' | sort -u); do
		grep -q -- "$o" "$CLI_TMP/man.txt" || missing="$missing $o"
	done
	check "$c: every option of its --help is in the man page${missing:+ (missing:$missing)}" test -z "$missing"
	check "$c --help: an options list" sh -c 'printf "%s\n" "$1" | grep -q "^options:"' _ "$help_out"
	check "$c --help: an example" sh -c 'printf "%s\n" "$1" | grep -A1 "^example:" | grep -q "portkit"' _ "$help_out"
	codes=$(printf '%s\n' "$help_out" | sed -n '/^exit status:/,$p' | grep -oE '(^|[ ,:])[0-4] [a-z]' | grep -oE '[0-4]' | sort -u | tr -d '\n')
	# The man page: "By command: lookup, search, ... use 0, 1, 2, 3; ..."
	mancodes=$(sed -n '/By command:/,/own line/p' "$CLI_TMP/man1" | tr '\n' ' ' | sed 's/By command: //' |
		tr ';' '\n' | grep -E "(^| |,)$c(,| )" | grep -oE 'use [0-4, ]+' | grep -oE '[0-4]' | sort -u | tr -d '\n')
	check "$c: exit codes of --help ($codes) are the man page's ($mancodes)" test -n "$codes" -a "$codes" = "$mancodes"
	# README's table: the codes whose commands column names c (or all).
	readme=$(sed -n '/^### Exit codes/,/^### /p' "$README" | grep -E '^\| [0-9] ' |
		awk -F'|' -v c="$c" '{ gsub(/ /, "", $2); n = split($4, w, /[ ,]+/); for (i = 1; i <= n; i++) if (w[i] == c || w[i] == "all") print $2 }' |
		sort -u | tr -d '\n')
	check "$c: exit codes of --help are README's ($readme)" test "$codes" = "$readme"
	run "$PORTKIT" help "$c"
	check "help $c is $c --help" test "$out" = "$help_out"
done
run "$PORTKIT" help nosuch
expect_err "help nosuch: a usage error" 2 "unknown command 'nosuch'"
