#!/bin/sh
# tests/cli/test_sim.sh - `portkit sim`: the full default run (and its
# time budget), the output formats, the plot, determinism, --observe over
# loopback, and bad parameters (clear message, exit 2).
. "$(dirname "$0")/lib.sh"

# The acceptance run: every algorithm at 0, 0.5, 0.9 and 0.99 on the
# 28,232-port Linux range, in under 30 s (not timed under sanitizers).
start=$(date +%s)
run "$PORTKIT" sim
elapsed=$(( $(date +%s) - start ))
expect "sim default run" 0 '^linux-2021 +0\.99 '
check "sim default run: 40 result rows" test "$(printf '%s\n' "$out" | grep -cE '^[a-z0-9-]+ +(0|0\.5|0\.9|0\.99) ')" -eq 40
check "sim default run: workload line" sh -c "printf '%s\n' \"\$1\" | grep -q '^workload: ports 32768-60999 (28232), 16 destinations'" _ "$out"
for a in sequential descending rfc6056-1 rfc6056-2 rfc6056-3 rfc6056-4 rfc6056-5 linux linux-2021 freebsd; do
	check "sim default run has $a" sh -c "printf '%s\n' \"\$1\" | grep -Eq '^$a +0\.99 +[0-9]'" _ "$out"
done
case "${BUILD:-}" in
*san*) skip "sim default run under 30 s" "sanitizer build: $elapsed s" ;;
*) check "sim default run under 30 s ($elapsed s)" test "$elapsed" -lt 30 ;;
esac
check "sim prints no progress when stderr is not a terminal" test -z "$err"

small="--connections 2000 --leak-trials 200"

# CSV: a header and one row per algorithm and occupancy
run "$PORTKIT" sim $small --csv --occupancy 0,0.9 --algo linux,sequential
expect "sim --csv header" 0 '^algorithm,occupancy,allocations,failures,false_failures,probes_mean,'
check "sim --csv rows" test "$(printf '%s\n' "$out" | wc -l)" -eq 5
expect "sim --csv sequential at 0" 0 '^sequential,0,2000,0,0,1\.0000,1,1,'

# Same seed, same numbers (but for the last column, time)
run "$PORTKIT" sim $small --csv --seed 7
a=$(printf '%s\n' "$out" | cut -d, -f1-17)
run "$PORTKIT" sim $small --csv --seed 7
b=$(printf '%s\n' "$out" | cut -d, -f1-17)
check "sim is reproducible with --seed" test "$a" = "$b"
run "$PORTKIT" sim $small --csv --seed 8
c=$(printf '%s\n' "$out" | cut -d, -f1-17)
check "another seed, other numbers" test "$a" != "$c"

# Algorithm 2 loses ports it could have had: four ports, three held
run "$PORTKIT" sim --range 100-103 --occupancy 0.75 --algo rfc6056-2,freebsd \
	--destinations 1 --lifetime 0 --connections 1000 --leak-trials 0 --csv
expect "sim counts false failures" 0 '^rfc6056-2,0\.75,[0-9]+,[1-9][0-9]*,[1-9][0-9]*,'
expect "a scan never fails with a free port" 0 '^freebsd,0\.75,1000,0,0,'

# JSON
run "$PORTKIT" sim $small --json --occupancy 0.5 --algo rfc6056-5
expect "sim --json" 0 '"algorithm": "rfc6056-5"'
expect "sim --json workload" 0 '"destinations": 16'
expect "sim --json probes" 0 '"p99": '
check "sim --json is one result" test "$(printf '%s\n' "$out" | grep -c '"algorithm"')" -eq 1

# The plot: one line per algorithm, valid XML
svg="$CLI_TMP/probes.svg"
run "$PORTKIT" sim $small --svg "$svg" --metric pred-same
expect "sim --svg also prints the table" 0 '^ALGORITHM +OCC'
check "sim --svg writes an SVG" sh -c "head -2 '$svg' | grep -q '<svg xmlns'"
check "sim --svg has 10 lines" test "$(grep -c '<polyline' "$svg")" -eq 10
check "sim --svg has a legend" grep -q '>linux-2021</text>' "$svg"
if command -v xmllint >/dev/null 2>&1; then
	check "sim --svg is well-formed XML" xmllint --noout "$svg"
else
	skip "sim --svg is well-formed XML" "no xmllint"
fi
# lines with equal values stay apart: a dash pattern of their own
check "sim --svg: 9 dash patterns and one solid line" test "$(grep '<polyline' "$svg" | sed -n 's/.*\(stroke-dasharray="[^"]*"\).*/\1/p' | sort -u | wc -l)" -eq 9
# headroom: sequential's pred-same is 1, yet no point touches the frame's top
top=$(sed -n 's/.*class="frame" x="[0-9.]*" y="\([0-9.]*\)".*/\1/p' "$svg")
miny=$(grep '<polyline' "$svg" | sed 's/.*points="\([^"]*\)".*/\1/' | tr ' ' '\n' | grep , | cut -d, -f2 | sort -n | head -1)
check "sim --svg: a share of 1 sits below the frame ($miny > $top + 10)" awk -v a="$miny" -v b="$top" 'BEGIN { exit !(b != "" && a > b + 10) }'
# x ticks at the measured occupancies, on a -log10(1 - p) scale: 0 to 0.9
# is as wide as 0.9 to 0.99
run "$PORTKIT" sim $small --svg "$svg" --metric leak --occupancy 0,0.5,0.9,0.99 --algo linux
tick() { sed -n "s/.*class=\"xtick\" x=\"\([0-9.]*\)\"[^>]*>$1<.*/\1/p" "$svg"; }
x0=$(tick 0); x5=$(tick 0.5); x9=$(tick 0.9); x99=$(tick 0.99)
check "sim --svg: x ticks labelled 0 0.5 0.9 0.99" test -n "$x0" -a -n "$x5" -a -n "$x9" -a -n "$x99"
check "sim --svg: x is -log10(1-p) ($x0 $x5 $x9 $x99)" awk -v a="$x0" -v b="$x5" -v c="$x9" -v d="$x99" \
	'BEGIN { g = c - a; h = d - c; m = (b - a) / g; exit !(g > 0 && (g - h < 1 && h - g < 1) && m > 0.29 && m < 0.31) }'
check "sim --svg: the axis says its scale" grep -q 'scale -log10(1 - occupancy)' "$svg"
# metrics by name or by their CSV column: the same plot
run "$PORTKIT" sim $small --svg "$CLI_TMP/a.svg" --metric pred-same --algo linux,sequential --occupancy 0,0.9
run "$PORTKIT" sim $small --svg "$CLI_TMP/b.svg" --metric pred_same --algo linux,sequential --occupancy 0,0.9
check "sim --metric pred_same (the CSV column) plots pred-same" cmp -s "$CLI_TMP/a.svg" "$CLI_TMP/b.svg"
check "sim --svg: the metric's title and name" sh -c \
	"grep -q '>P(next port among k guesses | last port to that server)</text>' '$CLI_TMP/a.svg' && grep -q 'rotate(-90)\">pred-same</text>' '$CLI_TMP/a.svg'"
run "$PORTKIT" sim $small --svg "$CLI_TMP/c.svg" --metric probes --algo linux,sequential --occupancy 0,0.9
check "sim --svg: another metric, another plot" sh -c "! cmp -s '$CLI_TMP/a.svg' '$CLI_TMP/c.svg' && grep -q 'probes (log scale)' '$CLI_TMP/c.svg'"
run "$PORTKIT" sim $small --svg "$CLI_TMP/no/such/dir/x.svg"
expect_err "sim --svg to an unwritable path" 3 "cannot write"

# The kernel over loopback, next to the models
run "$PORTKIT" sim --observe 200
if [ "$rc" -eq 3 ] && printf '%s\n' "$err" | grep -qE 'cannot listen|ip_local_port_range'; then
	skip "sim --observe" "no loopback sockets or /proc here: $err"
else
	expect "sim --observe: kernel row" 0 '^kernel +200 '
	expect "sim --observe: model row" 0 '^model linux +200 '
	run "$PORTKIT" sim --observe 50 --json
	expect "sim --observe --json" 0 '"source": "kernel"'
	expect "sim --observe --json: a model's algorithm as a code" 0 '"algorithm": "linux-2021"'
	check "sim --observe --json: schema and command first" \
		test "$(printf '%s\n' "$out" | sed -n 2,3p | tr -d ' \n')" = '"schema":2,"command":"sim",'
	run "$PORTKIT" sim --observe 50 --csv
	expect "sim --observe --csv: header" 0 '^source,count,distinct,same_parity,'
	expect "sim --observe --csv: kernel row" 0 '^kernel,50,'
	expect "sim --observe --csv: model row" 0 '^model linux,50,'
fi

# Bad parameters: a clear message and exit 2
run "$PORTKIT" sim --range 70000-1
expect_err "sim --range 70000-1" 2 "invalid port '70000-1'"
run "$PORTKIT" sim --range 200-100
expect_err "sim --range reversed" 2 "expected LO <= HI"
run "$PORTKIT" sim --range 100-200/tcp
expect_err "sim --range with a transport" 2 "without a transport"
run "$PORTKIT" sim --occupancy 1.5
expect_err "sim --occupancy 1.5" 2 "invalid occupancy '1\.5': expected a share in \[0, 1\)"
# at 1 no port is free: refused at once, not a full scan per selection
run timeout 20 "$PORTKIT" sim --occupancy 1 --algo sequential
expect_err "sim --occupancy 1" 2 "invalid occupancy '1': expected a share in \[0, 1\)"
run timeout 20 "$PORTKIT" sim --occupancy 0.5,1.0 --algo sequential
expect_err "sim --occupancy 1.0 in a list" 2 "invalid occupancy '1\.0'"
run "$PORTKIT" sim --occupancy 0.5,abc
expect_err "sim --occupancy with a word" 2 "invalid occupancy 'abc'"
run "$PORTKIT" sim --occupancy ,
expect_err "sim --occupancy empty" 2 "invalid occupancy list"
for l in "0.5," ",0.5" "0,,0.5" ""; do
	run "$PORTKIT" sim --occupancy "$l" --algo sequential --connections 10 --leak-trials 0
	expect_err "sim --occupancy '$l': empty item" 2 "invalid occupancy list '$l': empty item"
done
run "$PORTKIT" sim --algo linux, --connections 10 --leak-trials 0
expect_err "sim --algo with an empty item" 2 "invalid algorithm list 'linux,': empty item"
run "$PORTKIT" sim --metric leak --connections 10 --leak-trials 0
expect_err "sim --metric without --svg" 2 "--metric chooses what --svg plots"
run "$PORTKIT" sim --destinations 0
expect_err "sim --destinations 0" 2 "invalid number of destinations '0'"
run "$PORTKIT" sim --rate -5
expect_err "sim --rate -5" 2 "invalid rate '-5'"
run "$PORTKIT" sim --connections 12x
expect_err "sim --connections 12x" 2 "invalid number of connections '12x'"
run "$PORTKIT" sim --algo rfc6056-9
expect_err "sim --algo unknown" 2 "unknown algorithm 'rfc6056-9'"
run "$PORTKIT" sim --metric speed --svg "$svg"
expect_err "sim --metric unknown" 2 "unknown metric 'speed': expected probes, p99, max, failures, reuse-tw, pred-blind, pred-same, pred-own, leak, chi2 or ns$"
run "$PORTKIT" sim --os beos
expect_err "sim --os unknown" 2 "unknown OS profile 'beos'"
run "$PORTKIT" sim --reserved 8080-
expect_err "sim --reserved malformed" 2 "8080-"
run timeout 20 "$PORTKIT" sim --range 100-103 --reserved 100-103
expect_err "sim --reserved covering the whole range" 2 "reserved ports: they cover the whole range 100-103"
run "$PORTKIT" sim --csv --json
expect_err "sim --csv --json" 2 "exclude each other"
run "$PORTKIT" sim --observe 1
expect_err "sim --observe 1" 2 "from 2 to 1000000"
run "$PORTKIT" sim stray
expect_err "sim with an argument" 2 "unexpected argument 'stray'"

# Parameters that would run for days are refused before the first run,
# naming what makes the work and the limit (under `timeout`: a run that
# started would not end in time).
run timeout 20 "$PORTKIT" sim --leak-trials 1000000 --leak-conns 10000
expect_err "sim with a leakage game of days: refused, exit 2" 2 \
	'about 5.64e\+12 port probes, more than the limit of 1e\+10 .*the leakage game of 1000000 rounds x 10000 connections'
run timeout 20 "$PORTKIT" sim --occupancy 0.9999999999
expect_err "sim at occupancy 0.9999999999: refused, exit 2" 2 \
	'more than the limit of 1e\+10 .*occupancy 0.9999999999 leaves 0 of 28232 ports free'
run timeout 20 "$PORTKIT" sim --occupancy 0.9999999999 --json
expect "sim --json at occupancy 0.9999999999: an error document" 2 '"message": "sim: about .* port probes, more than the limit of 1e\+10'
run timeout 20 "$PORTKIT" sim --connections 10000000
expect_err "sim with 10,000,000 connections on the default grid: refused, exit 2" 2 \
	'10000000 connections make 1.14e\+07 selections'
