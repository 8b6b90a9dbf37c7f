#!/bin/sh
# bench/classify.sh BUILDDIR - `portkit classify` against the readers of
# the same capture, in the same run: a bare libpcap loop (the floor for
# any pcap reader), `tcpdump -nn -r FILE > /dev/null` and `ndpiReader -i
# FILE`; then peak memory with 1M flows held at once.  Each time is the
# best of PK_BENCH_CLASSIFY_RUNS runs (default 3).
set -u
build=$1
runs=${PK_BENCH_CLASSIFY_RUNS:-3}
packets=${PK_BENCH_CLASSIFY_PACKETS:-1000000}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export XDG_DATA_HOME="$tmp"

"$build/tests/tools/mkpcap" flows "$packets" 10000 "$tmp/bench.pcap" || exit 1

# Best wall time and best CPU time (user + system) of $runs runs of the
# command, in seconds: "WALL CPU".  The machine may be shared, so CPU time
# is the steadier measure; both are printed.
best() {
	bw=1e9 bc=1e9
	for i in $(seq "$runs"); do
		/usr/bin/time -f '%e %U %S' -o "$tmp/time" "$@" > /dev/null 2>&1
		read -r w u s < "$tmp/time"
		bw=$(echo "$w $bw" | awk '{ print ($1 < $2 ? $1 : $2) }')
		bc=$(echo "$u $s $bc" | awk '{ t = $1 + $2; print (t < $3 ? t : $3) }')
	done
	echo "$bw $bc"
}

floor=$(best "$build/bench/pcap_floor" "$tmp/bench.pcap")
pk=$(best "$build/portkit" classify --summary "$tmp/bench.pcap")
td=$(best tcpdump -nn -r "$tmp/bench.pcap")
nd=
if command -v ndpiReader > /dev/null; then
	nd=$(best ndpiReader -i "$tmp/bench.pcap" -q)
fi
echo "classify: $packets packets (10,000 flows interleaved, Ethernet/IPv4/TCP), best of $runs"
printf '%-30s %8s %8s %14s %14s\n' reader wall cpu "packets/s wall" "packets/s cpu"
row() {
	[ -n "$2" ] || { printf '%-30s %8s\n' "$1" "(not installed)"; return; }
	echo "$2" | awk -v n="$1" -v p="$packets" \
		'{ printf "%-30s %8.3f %8.3f %14.0f %14.0f\n", n, $1, $2, p / $1, p / $2 }'
}
row "bare libpcap loop (floor)" "$floor"
row "portkit classify --summary" "$pk"
row "tcpdump -nn -r > /dev/null" "$td"
row "ndpiReader -i" "$nd"
echo "$floor $pk $td" | awk '{
	printf "portkit: %.2fx tcpdump'"'"'s rate (goal >= 2), %.2fx the bare loop'"'"'s (goal >= 0.5), by CPU time\n", $6 / $4, $2 / $4
	printf "portkit: %.2fx tcpdump'"'"'s rate, %.2fx the bare loop'"'"'s, by wall time\n", $5 / $3, $1 / $3 }'

# Peak memory with 1M flows at once: 2M packets, every flow a SYN and a
# SYN/ACK, the limit raised to hold them all; the floor's peak is the
# reading itself.
"$build/tests/tools/mkpcap" flows 2000000 1000000 "$tmp/flows.pcap" || exit 1
rm -f "$tmp/bench.pcap"
rss_floor=$(/usr/bin/time -f %M "$build/bench/pcap_floor" "$tmp/flows.pcap" 2>&1 >/dev/null | tail -1)
/usr/bin/time -f %M -o "$tmp/rss" "$build/portkit" classify --json --summary \
	--max-flows 1048576 "$tmp/flows.pcap" > "$tmp/flows.json" 2>/dev/null
rss_pk=$(tail -1 "$tmp/rss")
state=$(sed -n 's/.*"flow_state_bytes": \([0-9]*\).*/\1/p' "$tmp/flows.json")
peak=$(sed -n 's/.*"peak_flows": \([0-9]*\).*/\1/p' "$tmp/flows.json")
awk -v a="$rss_floor" -v b="$rss_pk" -v s="$state" -v p="$peak" 'BEGIN {
	printf "%d concurrent flows: peak RSS %.1f MiB, bare loop %.1f MiB: %.0f bytes per flow in all (table state: %d bytes per flow at most)\n",
	       p, b / 1024, a / 1024, (b - a) * 1024 / p, s }'
