#!/bin/sh
# tests/cli/test_output.sh - output forms: --json (the schema of
# docs/json.md, every field), colour only on a terminal and never with
# NO_COLOR or --no-color, tables that fit the terminal width.
. "$(dirname "$0")/lib.sh"
J=$BUILD/tests/tools/json_get
FX=$CLI_TMP/fx.idx
"$PORTKIT" import "$DATA/cli/registry.xml" -o "$FX" > /dev/null

# ---- JSON ----------------------------------------------------------------------
run "$PORTKIT" --json --index "$FX" 22 6003/tcp nosuch
expect "json: exit 1 when a query finds nothing" 1 '"queries"'
check "json: nothing on stderr" test -z "$err"
printf '%s\n' "$out" > "$CLI_TMP/l.json"
check "json: top-level keys" test "$("$J" keys < "$CLI_TMP/l.json")" = "schema,command,registry,queries"
check "json: registry keys" test "$("$J" registry.keys < "$CLI_TMP/l.json")" = "source,updated,origin"
check "json: registry origin is the index" test "$("$J" registry.origin < "$CLI_TMP/l.json")" = "$FX"
check "json: port query keys" test "$("$J" queries.0.keys < "$CLI_TMP/l.json")" = "query,type,port_lo,port_hi,classes,protocols,found,records"
check "json: name query keys" test "$("$J" queries.2.keys < "$CLI_TMP/l.json")" = "query,type,name,protocols,curated_alias,suggestions,found,records"
check "json: record keys (every field)" test "$("$J" queries.0.records.0.keys < "$CLI_TMP/l.json")" = \
	"name,aliases,protocol,port_lo,port_hi,classes,kind,origin,historic,nonconforming,popularity,alias_of,provenance,description,notes,unauthorized,registered,modified,service_code,references,assignees,contacts"
check "json: ssh's values" test "$("$J" queries.0.records.0.name queries.0.records.0.protocol queries.0.records.0.port_lo \
	queries.0.records.0.classes queries.0.records.0.kind queries.0.records.0.origin queries.0.records.0.registered \
	queries.0.records.0.modified queries.0.records.0.alias_of < "$CLI_TMP/l.json" | tr '\n' '|')" = \
	'ssh|tcp|22|["system"]|assigned|iana|2006-01|2019-01-10|null|'
check "json: references" test "$("$J" queries.0.records.0.references < "$CLI_TMP/l.json")" = '[{"type":"rfc","data":"rfc4251"}]'
check "json: assignee with the people section's fields" test "$("$J" queries.0.records.0.assignees < "$CLI_TMP/l.json")" = \
	'[{"id":"IESG","name":"","org":"IESG","uri":"mailto:iesg&ietf.org","updated":""}]'
check "json: contact" test "$("$J" queries.0.records.0.contacts.0.name queries.0.records.0.contacts.0.org < "$CLI_TMP/l.json" | tr '\n' '|')" = 'IETF Chair|IETF|'
check "json: a range record" test "$("$J" queries.1.records.0.port_lo queries.1.records.0.port_hi queries.1.records.0.unauthorized queries.1.protocols < "$CLI_TMP/l.json" | tr '\n' '|')" = \
	'6000|6063|Known Unauthorized Use on port 6003|["tcp"]|'
check "json: not found" test "$("$J" queries.2.found queries.2.records.# < "$CLI_TMP/l.json" | tr '\n' ' ')" = "false 0 "
run "$PORTKIT" --json --index "$FX" airplay 4250 63
printf '%s\n' "$out" > "$CLI_TMP/m.json"
check "json: no port is null, no classes" test "$("$J" queries.0.records.0.port_lo queries.0.records.0.classes < "$CLI_TMP/m.json" | tr '\n' ' ')" = "null [] "
check "json: no transport is null" test "$("$J" queries.1.records.0.protocol queries.1.records.0.name < "$CLI_TMP/m.json" | tr '\n' ' ')" = "null vrml-multi-use "
check "json: historic alias" test "$("$J" queries.2.records.0.historic queries.2.records.0.alias_of < "$CLI_TMP/m.json" | tr '\n' ' ')" = "true whoispp "
run "$PORTKIT" --json --index "$FX" 0
printf '%s\n' "$out" > "$CLI_TMP/n.json"
check "json: a nameless record" test "$("$J" queries.0.records.0.name queries.0.records.0.kind queries.0.records.0.description < "$CLI_TMP/n.json" | tr '\n' ' ')" = "null reserved Reserved "
run "$PORTKIT" --json 49152-65535/udp
printf '%s\n' "$out" > "$CLI_TMP/o.json"
check "json: a range query's classes" test "$("$J" queries.0.type queries.0.classes < "$CLI_TMP/o.json" | tr '\n' ' ')" = 'range ["dynamic"] '
run "$PORTKIT" --json 1000-2000
printf '%s\n' "$out" > "$CLI_TMP/p.json"
check "json: a range across classes" test "$("$J" queries.0.classes < "$CLI_TMP/p.json")" = '["system","user"]'
run "$PORTKIT" --json 3000/tcp
printf '%s\n' "$out" > "$CLI_TMP/q.json"
check "json: an application's record: origin app, unofficial" sh -c '"$1" queries.0.records.0.name queries.0.records.0.origin queries.0.records.0.unofficial < "$2" | tr "\n" " " | grep -qx "grafana app true "' _ "$J" "$CLI_TMP/q.json"

# ---- colour ----------------------------------------------------------------------
ESC=$(printf '\033')
run "$PORTKIT" 443
check "no colour when stdout is not a terminal" sh -c '! printf "%s" "$1" | grep -q "$2"' _ "$out" "$ESC"
if command -v script > /dev/null 2>&1 && script -qc true /dev/null > /dev/null 2>&1; then
	tty_run() { # NAME ENV... -- runs portkit 443 on a pseudo-terminal
		env -u NO_COLOR "$@" script -qc "\"$PORTKIT\" 443" /dev/null > "$CLI_TMP/tty" 2>&1
	}
	tty_run
	check "colour on a terminal: a bold header" grep -q "${ESC}\[1mPORT${ESC}\[0m" "$CLI_TMP/tty"
	tty_run NO_COLOR=1
	check "NO_COLOR=1: no escape sequences" sh -c '! grep -q "$1" "$2"' _ "$ESC" "$CLI_TMP/tty"
	tty_run NO_COLOR=
	check "an empty NO_COLOR does not count (no-color.org)" grep -q "${ESC}\[1m" "$CLI_TMP/tty"
	# The bold header's escape codes take no width: once they are
	# stripped, every column starts where the data below it starts, and
	# the output is the uncoloured one byte for byte.
	tty_run
	tr -d '\r' < "$CLI_TMP/tty" | sed "s/${ESC}\[[0-9;]*m//g" > "$CLI_TMP/tty_plain"
	starts() { # FILE: per line, the columns where its first 5 cells start
		awk '{ s = "1"; n = 1
		       for (i = 3; i <= length($0) && n < 5; i++)
			       if (substr($0, i - 2, 3) ~ /^  [^ ]$/) { s = s " " i; n++ }
		       print s }' "$1"
	}
	check "colour on a terminal: header and rows start their columns alike" \
		test "$(starts "$CLI_TMP/tty_plain" | sort -u | wc -l)" -eq 1
	check "colour on a terminal: 5 columns, the header's in the rows' places" \
		test "$(starts "$CLI_TMP/tty_plain" | sed -n 1p | wc -w)" -eq 5
	tty_run NO_COLOR=1
	check "colour on a terminal: without its escape codes, the uncoloured table" \
		sh -c 'tr -d "\r" < "$1" | cmp -s - "$2"' _ "$CLI_TMP/tty" "$CLI_TMP/tty_plain"
	script -qc "\"$PORTKIT\" range 1020-1030 --unassigned --index \"$FX\"" /dev/null | tr -d '\r' |
		sed "s/${ESC}\[[0-9;]*m//g" | sed '/^$/,$d' > "$CLI_TMP/tty_range"
	check "range --unassigned on a terminal: the table has a header and rows" \
		test "$(grep -c '^PORTS \|^10[0-9][0-9]' "$CLI_TMP/tty_range")" -ge 3
	check "range --unassigned on a terminal: the bold header's columns line up" \
		test "$(starts "$CLI_TMP/tty_range" | cut -d' ' -f1-4 | sort -u | wc -l)" -eq 1
	script -qc "\"$PORTKIT\" --no-color 443" /dev/null > "$CLI_TMP/tty" 2>&1
	check "--no-color: no escape sequences" sh -c '! grep -q "$1" "$2"' _ "$ESC" "$CLI_TMP/tty"
	# Width: a 60-column terminal folds the description column.
	script -qc "stty cols 60; NO_COLOR=1 \"$PORTKIT\" 3000" /dev/null | tr -d '\r' > "$CLI_TMP/narrow"
	check "60 columns: no line is wider" sh -c '! awk "length > 60" "$1" | grep -q .' _ "$CLI_TMP/narrow"
	check "60 columns: the long description continues, aligned" \
		grep -Eq '^ {35}[^ ]' "$CLI_TMP/narrow"
	script -qc "stty cols 200; NO_COLOR=1 \"$PORTKIT\" 3000" /dev/null | tr -d '\r' > "$CLI_TMP/wide"
	check "200 columns: one line per record" test "$(wc -l < "$CLI_TMP/wide")" -eq "$("$PORTKIT" 3000 | wc -l)"
else
	skip "colour and width on a terminal" "no script(1)"
fi

# portkit --help: every command's summary starts in one column (a long
# synopsis puts its summary on the next line, in that column)
run "$PORTKIT" --help
printf '%s\n' "$out" | awk '/^commands:/ { on = 1; next } on && /^$/ { exit } on { print }' > "$CLI_TMP/cmds"
ncmds=$(grep -c '^	{ "[a-z]*", cmd_' "$(dirname "$0")/../../src/main.c")
check "--help lists every command ($ncmds in src/main.c)" test "$(grep -c '^  [a-z]' "$CLI_TMP/cmds")" -eq "$ncmds"
check "--help: summaries in one column" awk '
	{ s = substr($0, 38, 2); t = substr($0, 40, 1) }
	/^  [a-z]/ && s == "  " && t != " " { next }           # name, synopsis, summary
	/^  [a-z]/ { pending = 1; next }                       # synopsis only
	pending && substr($0, 1, 39) ~ /^ *$/ && t != " " { pending = 0; next }  # its summary below
	{ bad = 1; print "misaligned: " $0 }
	END { exit bad || pending }' "$CLI_TMP/cmds"
