#!/bin/sh
# tests/cli/test_json.sh - the JSON documents of docs/json.md, byte for
# byte: every command rendered by lib/render against the fixture
# registries (tests/cli/expected/json_*.json), its errors and empty
# answers included, and the envelope ("schema", then "command") on every
# document, error documents of the other commands too.
# PK_REGEN_GOLDEN=1 rewrites the golden files instead of comparing.
. "$(dirname "$0")/lib.sh"
J=$BUILD/tests/tools/json_get

# Relative paths only, so that documents naming files do not depend on
# where the tests run.
cd "$CLI_TMP" || exit 1
cp "$DATA/cli/registry.xml" registry.xml
"$PORTKIT" import registry.xml -o fx.idx > /dev/null
"$PORTKIT" import "$DATA/pick/registry.csv" -o pick.idx > /dev/null
mkdir -p proc/sys/net/ipv4
printf '32768\t60999\n' > proc/sys/net/ipv4/ip_local_port_range
printf '8080,40500-40509\n' > proc/sys/net/ipv4/ip_local_reserved_ports
printf '1024\n' > proc/sys/net/ipv4/ip_unprivileged_port_start
# info names the per-user index: make it the same everywhere.
export HOME=/home/portkit-test
unset XDG_DATA_HOME
# info measures the registry's age against this day, not the clock's.
export PORTKIT_TODAY=2026-03-01

# golden NAME RC COMMAND ARGS...: stdout is expected/json_NAME.json, the
# exit status RC, and the document starts with schema 2 and COMMAND.
golden() {
	name=$1 code=$2 command=$3
	shift 3
	run "$PORTKIT" "$@"
	if [ "${PK_REGEN_GOLDEN:-0}" = 1 ]; then
		cp "$CLI_TMP/out" "$EXPECTED/json_$name.json"
	fi
	expect_out "json $name" "$code" "json_$name.json"
	envelope "$name" "$command"
}

# envelope NAME COMMAND: after `run`, the document begins as every one does.
envelope() {
	check "$1: schema and command come first" \
		test "$("$J" keys < "$CLI_TMP/out" | cut -d, -f1-2)" = "schema,command"
	check "$1: schema $2... is 2, command $2" \
		test "$("$J" schema command < "$CLI_TMP/out" | tr '\n' ' ')" = "2 $2 "
}

# error NAME RC COMMAND ARGS...: an error document with the message that
# stderr carries too.
error() {
	name=$1 code=$2 command=$3
	shift 3
	run "$PORTKIT" "$@"
	expect_err "$name: exit $code, message on stderr" "$code" '^portkit: '
	envelope "$name" "$command"
	check "$name: the error document holds stderr's message" \
		test "portkit: $("$J" error.message < "$CLI_TMP/out")" = "$(head -1 "$CLI_TMP/err")"
	check "$name: only schema, command and error" \
		test "$("$J" keys < "$CLI_TMP/out")" = "schema,command,error"
}

golden lookup 1 lookup --json --index fx.idx 22 6003/tcp nosuch 51234 airplay 4250/udp 63 53/tcp,udp --proto udp
golden lookup_error 2 lookup --json --index fx.idx 443 70000 http
golden search 0 search search --json --index fx.idx HTTP alternate --proto tcp
golden search_empty 1 search search --json --index fx.idx nosuchword
golden range 0 range range 0-10 --json --index fx.idx
golden range_assigned 0 range range 60-90/tcp --assigned --json --index fx.idx
golden range_unassigned 0 range range 1020-1030 --unassigned --json --index fx.idx
golden range_unassigned_none 1 range range 53/udp --unassigned --proto tcp --json --index fx.idx
golden range_error 2 range range abc/tcp --json --index fx.idx
golden info 0 info info --json --index fx.idx
golden import 0 import import --json registry.xml -o out.idx
golden ranges 0 ranges ranges --json
golden ranges_os 0 ranges ranges --os linux --json
run env PROC_ROOT="$CLI_TMP/proc" "$PORTKIT" ranges --host --json
[ "${PK_REGEN_GOLDEN:-0}" = 1 ] && cp "$CLI_TMP/out" "$EXPECTED/json_ranges_host.json"
expect_out "json ranges_host" 0 json_ranges_host.json
envelope ranges_host ranges
golden pick 0 pick pick --json --index pick.idx --no-host-check --avoid-os none --range 40000-40010 --near 40002 --count 2 --proto tcp
golden pick_name 0 pick pick --json --index pick.idx --no-host-check --avoid-os windows-xp,macos --name myservice --range 40000-40100
golden pick_exhausted 1 pick pick --json --index pick.idx --no-host-check --avoid-os none --range 40000-40000

# sim: every metric follows from the workload and the seed but
# ns_per_alloc, a timing, which is zeroed before comparing.
run "$PORTKIT" sim --json --connections 500 --leak-trials 20 --leak-conns 8 \
	--occupancy 0,0.5 --algo sequential,linux --seed 3 --range 40000-40999 \
	--reserved 40100-40109,40500
sed 's/"ns_per_alloc": .*/"ns_per_alloc": 0/' "$CLI_TMP/out" > "$CLI_TMP/sim.json"
mv "$CLI_TMP/sim.json" "$CLI_TMP/out"
[ "${PK_REGEN_GOLDEN:-0}" = 1 ] && cp "$CLI_TMP/out" "$EXPECTED/json_sim.json"
expect_out "json sim" 0 json_sim.json
envelope sim sim
check "sim: a timing is a number" \
	sh -c "\"$PORTKIT\" sim --json --connections 50 --leak-trials 0 --occupancy 0 --algo linux | grep -Eq '\"ns_per_alloc\": [0-9.e+-]+\$'"

# update from a file: the first install has nothing to compare with, the
# second compares with the first.
cp "$DATA/cli/registry2.xml" registry2.xml
golden update 0 update update --json --file registry.xml -o up.idx
golden update_again 0 update update --json --file registry2.xml -o up.idx

# Errors: JSON on stdout, the same message on stderr.
error "lookup 80-70" 2 lookup --json 80-70
error "lookup with nothing to look up" 2 lookup --json --index fx.idx
error "lookup: missing index" 2 lookup --json --index missing.idx 80
error "search with an empty word" 2 search search --json http ""
error "range --assigned --unassigned" 2 range range --json --assigned --unassigned 1-2
error "info with an argument" 2 info info --json x
error "import of a missing file" 2 import import --json missing.xml -o out.idx
error "import --format bogus" 2 import import --json --format bogus registry.xml
error "ranges --os plan9" 2 ranges ranges --json --os plan9
error "pick --count 0" 2 pick pick --json --count 0
error "pick --near and --name" 2 pick pick --json --index pick.idx --near 1 --name x
error "advise: missing index" 2 advise advise --json --index missing.idx --name x
error "audit: missing index" 2 audit audit --json --index missing.idx
error "listeners: missing index" 2 listeners listeners --json --index missing.idx
error "sim --csv --json" 2 sim sim --json --csv
error "sim --metric without --svg" 2 sim sim --json --metric p99
error "sim: an unwritable plot" 3 sim sim --json --connections 50 --leak-trials 0 --occupancy 0 --algo linux --svg nosuchdir/plot.svg
error "update of a missing file" 2 update update --json --file missing.xml -o up2.idx
run env PROC_ROOT="$CLI_TMP/empty" "$PORTKIT" ranges --host --json
expect_err "ranges --host, nothing readable: exit 1, said on stderr" 1 'no port settings found'
envelope "ranges --host, nothing readable" ranges
check "ranges --host, nothing readable: every setting null" \
	test "$("$J" host.ip_local_port_range host.ip_local_reserved_ports host.matches < "$CLI_TMP/out" | tr '\n' ' ')" = "null null [] "
# A negative number is caught before the options are read: still JSON.
error "lookup -1 --json" 2 lookup 443 -1 --json
error "range -5 -j" 2 range range -j -5
