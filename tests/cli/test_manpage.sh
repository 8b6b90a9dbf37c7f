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
