#!/bin/sh
# tests/cli/test_sim_plot.sh - sim plots people can read: the default
# metric separates the models, an undefined value is a gap (not 0), counts
# get whole-number axes, --range host takes this host's range, and the
# output states the range simulated.
. "$(dirname "$0")/lib.sh"

SIM="--connections 300 --leak-trials 20 --occupancy 0,0.5,0.9 --algo linux,sequential,rfc6056-1"
# shellcheck disable=SC2086
run "$PORTKIT" sim $SIM --svg "$CLI_TMP/default.svg"
expect "sim --svg: the table still states the range" 0 '^workload: ports 32768-60999 \(28232\)'
check "default metric: leakage, not probes" grep -q 'cross-destination leakage' "$CLI_TMP/default.svg"
check "... one line per algorithm" test "$(grep -c '<polyline' "$CLI_TMP/default.svg")" -eq 3
check "the plot states the range" grep -q 'ports 32768-60999' "$CLI_TMP/default.svg"

# shellcheck disable=SC2086
run "$PORTKIT" sim $SIM --svg "$CLI_TMP/reuse.svg" --metric reuse-tw
nodash=$(printf '%s\n' "$out" | awk '$1 ~ /^(linux|sequential|rfc6056-1)$/ && $7 == "-"' | wc -l)
points=$(grep '<polyline' "$CLI_TMP/reuse.svg" | sed 's/.*points="\([^"]*\)".*/\1/' | tr ' ' '\n' | grep -c ,)
check "reuse-tw: some runs had no reuse ($nodash)" test "$nodash" -gt 0
check "reuse-tw: no point for them, a gap ($points points of 9)" test "$points" -eq $((9 - nodash))

# shellcheck disable=SC2086
run "$PORTKIT" sim $SIM --svg "$CLI_TMP/fail.svg" --metric failures
labels=$(sed -n '/text-anchor="end"/,/<\/g>/p' "$CLI_TMP/fail.svg" | sed -n 's/.*<text[^>]*>\([^<]*\)<\/text>.*/\1/p')
check "failures: y labels are whole numbers ($(echo $labels))" sh -c '! printf "%s\n" "$1" | grep -q "\."' _ "$labels"

if [ -r /proc/sys/net/ipv4/ip_local_port_range ]; then
	# shellcheck disable=SC2046
	set -- $(cat /proc/sys/net/ipv4/ip_local_port_range)
	lo=$1 hi=$2
	# shellcheck disable=SC2086
	run "$PORTKIT" sim --range host --connections 200 --leak-trials 10 --occupancy 0 --algo linux
	if [ "$lo" -le "$hi" ]; then
		expect "--range host: this host's range, stated" 0 "^workload: ports $lo-$hi "
	else
		expect_err "--range host on a reversed range: a usage error" 2 'invalid'
	fi
else
	skip "--range host" "no /proc/sys/net/ipv4/ip_local_port_range"
fi
run "$PORTKIT" sim --range 40000-40999 --connections 200 --leak-trials 10 --occupancy 0 --algo linux --json
expect "JSON states the range too" 0 '"port_lo": 40000'
