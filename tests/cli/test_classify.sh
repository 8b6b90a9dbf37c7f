#!/bin/sh
# tests/cli/test_classify.sh - `portkit classify` against ground truth made
# by construction: tests/tools/flowgen runs known servers and clients in a
# private network namespace while tcpdump captures lo (Ethernet) and "any"
# (Linux cooked v1 and v2).  Every flow whose handshake is in the capture
# must be right and certain; of the rest (the same capture with every SYN
# filtered out, as if tcpdump had started after the handshakes, and every
# UDP flow), at least 90% must be right and every wrong one low.  nDPI's
# answers (ndpiReader) are printed next to ours as a reference.  Then bad
# input: not a capture, a truncated header, an empty file, an unsupported
# link type, a capture cut short, a bad filter.
. "$(dirname "$0")/lib.sh"

# The expectations rest on the embedded snapshot (1080 is socks, 40000
# safetynetp, 25 smtp by IANA): no per-user index another test installed.
export XDG_DATA_HOME="$CLI_TMP/xdg"
unset PORTKIT_INDEX
FG=$BUILD/tests/tools/flowgen
MK=$BUILD/tests/tools/mkpcap
J=$BUILD/tests/tools/json_get
T=$CLI_TMP

# ---- the captures -------------------------------------------------------------
cat > "$T/scenario.sh" <<'EOS'
set -u
FG=$1 T=$2
ip link set lo up || exit 1
tcpdump -i lo -w "$T/lo.pcap" -Z root -U --immediate-mode -s 0 >/dev/null 2>"$T/td1.err" & a=$!
tcpdump -i any -y LINUX_SLL2 -w "$T/sll2.pcap" -Z root -U --immediate-mode -s 0 >/dev/null 2>"$T/td2.err" & b=$!
tcpdump -i any -y LINUX_SLL -w "$T/sll.pcap" -Z root -U --immediate-mode -s 0 >/dev/null 2>"$T/td3.err" & c=$!
# tcpdump says "listening on" once it captures.
for i in $(seq 50); do
	[ "$(cat "$T"/td*.err | grep -c 'listening on')" -ge 3 ] && break
	sleep 0.1
done
# ("listening on" comes a moment before the ring buffer takes packets.)
sleep 0.5
{
# TCP: servers on assigned ports, one speaking first (banner), IPv6
$FG tcp 127.0.0.1 80 127.0.0.1 0 3
$FG tcp 127.0.0.1 22 127.0.0.1 0 2 banner
$FG tcp ::1 443 ::1 0 3
$FG tcp 127.0.0.1 25 127.0.0.1 0 2 banner
# an unassigned port, and one inside the ephemeral range with four clients
$FG tcp 127.0.0.1 3092 127.0.0.1 0 3
for i in 1 2 3 4; do $FG tcp 127.0.0.1 45000 127.0.0.1 0 2; done
# a client bound to an assigned port (SOCKS's 1080) talking to 40000
$FG tcp 127.0.0.1 40000 127.0.0.1 1080 3
# UDP with fixed source ports equal to the server's
$FG udp 127.0.0.1 53 127.0.0.2 53 3
$FG udp 127.0.0.1 123 127.0.0.3 123 2
$FG udp 127.0.0.1 5060 127.0.0.4 5060 3
# UDP request/response from ephemeral ports, and one-way streams
for i in 1 2 3; do $FG udp 127.0.0.1 53 127.0.0.1 0 2; done
$FG udp 127.0.0.1 3001 127.0.0.1 0 3
$FG udp ::1 40001 ::1 0 3
$FG udp 127.0.0.1 514 127.0.0.1 0 4 oneway
$FG udp 127.0.0.1 50000 127.0.0.1 0 5 oneway
} > "$T/truth"
sleep 0.5
kill -INT $a $b $c
wait
EOS

if [ "$(id -u)" != 0 ] || ! command -v tcpdump > /dev/null ||
	! unshare -n true 2>/dev/null; then
	skip "classify ground truth" "needs root, tcpdump and unshare -n"
	have_cap=no
else
	unshare -n sh "$T/scenario.sh" "$FG" "$T" > "$T/scenario.out" 2>&1
	if [ -s "$T/lo.pcap" ] && [ "$(wc -l < "$T/truth")" = 20 ]; then
		have_cap=yes
	else
		echo "FAIL: the ground-truth capture could not be made"
		cat "$T/scenario.out" "$T"/td*.err | sed 's/^/    /'
		have_cap=no
	fi
fi

# Scores portkit's CSV ($1) against the truth.  Prints "HS HS_BAD OTHERS
# RIGHT WRONG_NOT_LOW MATCHED": flows with a handshake (TCP, when $2 is
# "handshake"), of them wrong or not certain; the other flows, of them
# right, and wrong without a low confidence; flows matched in all.  On
# stderr, one line per flow.
score() {
	awk -F, -v mode="$2" '
	FNR == NR { split($0, f, " "); key = f[1] " " f[2] " " f[3] " " f[4] " " f[5]
		    truth[key] = 1; rev[f[1] " " f[4] " " f[5] " " f[2] " " f[3]] = key; next }
	FNR == 1 { next }
	{
		k = $1 " " $2 " " $3 " " $4 " " $5
		if (k in truth) ok = 1
		else if (k in rev) ok = 0
		else next
		matched++
		if (mode == "handshake" && $1 == "tcp") {
			hs++
			if (!ok || $10 != "certain") hsbad++
		} else {
			others++
			if (ok) right++; else if ($10 != "low") bad++
		}
		printf "#   %-5s %-4s server %s:%s client %s:%s  %s %s\n", ok ? "right" : "WRONG", $1,
		       $2, $3, $4, $5, $10, $11 > "/dev/stderr"
	}
	END { printf "%d %d %d %d %d %d\n", hs, hsbad, others, right, bad, matched }
	' "$T/truth" "$1"
}

if [ "$have_cap" = yes ]; then
	for cap in lo sll sll2; do
		run "$PORTKIT" classify --csv "$T/$cap.pcap"
		expect "classify --csv reads the $cap capture" 0 '^tcp,127.0.0.1,80,'
		printf '%s\n' "$out" > "$T/$cap.csv"
	done
	echo "# portkit classify on the capture with its handshakes:"
	set -- $(score "$T/lo.csv" handshake)
	check "all 20 flows found; the $1 TCP flows (handshake captured) right and certain" \
		test "$6" = 20 -a "$1" = 10 -a "$2" = 0
	check "the UDP flows: $4 of $3 right (>= 90%), every wrong one low" \
		test "$((100 * $4))" -ge "$((90 * $3))" -a "$5" = 0
	# ("any" sees each loopback packet twice, out and in: the counts differ.)
	for cap in lo sll sll2; do
		cut -d, -f1-5,10 "$T/$cap.csv" | sort > "$T/$cap.ends"
	done
	check "Linux cooked v1 and v2 give the ends and confidences Ethernet gives" \
		sh -c "cmp -s '$T/lo.ends' '$T/sll.ends' && cmp -s '$T/lo.ends' '$T/sll2.ends'"

	# As if the capture had started after the handshakes: no SYN at all.
	# (A load past a packet's end rejects it, inside "not" too: short UDP
	# packets are let through before any TCP byte is read.)
	nosyn='not tcp or (ip and tcp[tcpflags] & tcp-syn == 0) or (ip6 and ip6[53] & 2 == 0)'
	run "$PORTKIT" classify --csv "$T/lo.pcap" "$nosyn"
	expect "a filter leaves the SYNs out" 0 '^tcp,'
	printf '%s\n' "$out" > "$T/nosyn.csv"
	check "no flow is certain without its handshake" \
		sh -c "! grep -q ',certain,' '$T/nosyn.csv'"
	echo "# portkit classify with every SYN filtered out (capture started late):"
	set -- $(score "$T/nosyn.csv" late)
	check "without handshakes: $4 of $3 right (>= 90%), every wrong one low" \
		test "$6" = 20 -a "$((100 * $4))" -ge "$((90 * $3))" -a "$5" = 0
	check "the client on 1080 to 40000 without its handshake is low confidence" \
		grep -q '^tcp,127.0.0.1,[0-9]*,127.0.0.1,[0-9]*,.*,low,' "$T/nosyn.csv"

	if command -v ndpiReader > /dev/null; then
		echo "# nDPI's reference (ndpiReader -i lo.pcap -v 2): its flows, protocol and confidence:"
		ndpiReader -i "$T/lo.pcap" -v 2 2>/dev/null |
			grep -E '^[[:space:]]+[0-9]+[[:space:]]+(TCP|UDP) ' |
			sed -E 's/^[[:space:]]+[0-9]+[[:space:]]+/#   /; s/(\[proto: [^]]*\]).*(\[Confidence: [^]]*\]).*/\1\2/' | head -30
	fi

	# Other forms of the same answer.
	run "$PORTKIT" classify --json "$T/lo.pcap"
	expect "classify --json" 0 '"command": "classify"'
	printf '%s\n' "$out" > "$T/lo.json"
	check "JSON: 20 flows, the first with its server and evidence" \
		sh -c "[ \"\$('$J' flows.# < '$T/lo.json')\" = 20 ] &&
		       '$J' flows.0.server.port flows.0.evidence.0.kind < '$T/lo.json' | grep -qx handshake"
	run "$PORTKIT" classify --summary "$T/lo.pcap"
	expect "classify --summary: four flows to domain, four to 45000" 0 'udp +domain +4 '
	check "summary per port" sh -c "printf '%s\n' \"\$1\" | grep -Eq '^tcp +45000 +4 '" _ "$out"
	run "$PORTKIT" classify --summary --csv "$T/lo.pcap"
	expect "classify --summary --csv" 0 '^port,udp,53,domain,4,'
	run sh -c "cat '$T/lo.pcap' | '$PORTKIT' classify --csv -"
	check "standard input gives what the file gives" \
		sh -c "printf '%s\n' \"\$1\" | cmp -s - '$T/lo.csv'" _ "$out"
	"$MK" ng "$T/lo.pcap" "$T/lo.pcapng"
	run "$PORTKIT" classify --csv "$T/lo.pcapng"
	check "pcapng gives what pcap gives" \
		sh -c "printf '%s\n' \"\$1\" | cmp -s - '$T/lo.csv'" _ "$out"
	run "$PORTKIT" classify --max-flows 16 --summary "$T/lo.pcap"
	expect "a limit of 16 flows evicts 4, counted in the summary" 0 '20 flows \(4 evicted: 4 at the limit of 16'
	size=$(wc -c < "$T/lo.pcap")
	head -c $((size - 30)) "$T/lo.pcap" > "$T/cut.pcap"
	run "$PORTKIT" classify "$T/cut.pcap"
	expect_err "a capture cut short: a warning and the flows read" 0 'truncated dump file'
fi

# ---- --live: this host's connections, its listeners as the ground truth ----
cat > "$T/live.sh" <<'EOS'
FG=$1 PK=$2 T=$3
ip link set lo up || exit 1
$FG tcp 127.0.0.1 80 127.0.0.1 0 1 hold > "$T/live1" & p1=$!
$FG tcp 127.0.0.1 45000 127.0.0.1 0 3 hold > "$T/live2" & p2=$!
$FG tcp 127.0.0.1 40000 127.0.0.1 1080 1 hold > "$T/live3" & p3=$!
$FG udp 127.0.0.1 53 127.0.0.1 0 1 hold > "$T/live4" & p4=$!
$FG tcp ::1 22 ::1 0 1 hold > "$T/live5" & p5=$!
# Each prints its flows once they are up.
for i in $(seq 50); do
	[ "$(cat "$T"/live? | wc -l)" -ge 7 ] && break
	sleep 0.1
done
"$PK" classify --live --csv > "$T/live.csv" 2> "$T/live.err"
"$PK" classify --live > "$T/live.txt" 2>&1
kill $p1 $p2 $p3 $p4 $p5
wait
EOS
if [ "$(id -u)" = 0 ] && unshare -n true 2>/dev/null; then
	unshare -n sh "$T/live.sh" "$FG" "$PORTKIT" "$T"
	cat "$T"/live? > "$T/truth"
	echo "# portkit classify --live (ports and fan-in only, no packets):"
	set -- $(score "$T/live.csv" late)
	check "--live: all 7 connections found, each checked against the listeners" \
		sh -c "[ \"$6\" = 7 ] && [ \"\$(grep -cE ',(yes|no)\$' '$T/live.csv')\" = 7 ]"
	check "--live: the decision agrees with the listeners where portkit is sure" \
		test "$5" = 0 -a "$(grep -c ',yes$' "$T/live.csv")" = "$4"
	check "--live: $4 of 7 right; the text says how many agree" \
		grep -q "^$4 of 7 decisions agree with this host's listening sockets" "$T/live.txt"
else
	skip "classify --live" "needs root and unshare -n"
fi
run "$PORTKIT" classify --live "$T/x.pcap"
expect_err "--live takes no file" 2 "--live reads this host's connections"

# ---- bad input ------------------------------------------------------------------
printf 'hello, not a capture\n' > "$T/text"
run "$PORTKIT" classify "$T/text"
expect_err "not a capture" 2 "is not a pcap or pcapng capture"
: > "$T/empty"
run "$PORTKIT" classify "$T/empty"
expect_err "an empty file" 2 "is empty"
run sh -c "'$PORTKIT' classify - < '$T/empty'"
expect_err "empty standard input" 2 "'-' is empty"
"$MK" link 105 "$T/wifi.pcap"
head -c 10 "$T/wifi.pcap" > "$T/short.pcap"
run "$PORTKIT" classify "$T/short.pcap"
expect_err "a truncated header" 2 "truncated capture header"
run "$PORTKIT" classify "$T/wifi.pcap"
expect_err "an unsupported link type is named" 2 "unsupported link type 105 \(IEEE802_11\)"
run "$PORTKIT" classify --json "$T/wifi.pcap"
expect "... and in JSON an error document" 2 '"error"'
run "$PORTKIT" classify "$T/nonexistent.pcap"
expect_err "a missing file: exit 2, as every missing input" 2 "cannot open"
"$MK" link 1 "$T/eth.pcap"
run "$PORTKIT" classify "$T/eth.pcap" "tcp port"
expect_err "an invalid filter" 2 "invalid filter 'tcp port'"
run "$PORTKIT" classify "$T/eth.pcap"
expect_err "a capture without flows" 1 "no TCP, UDP or SCTP flow"
run "$PORTKIT" classify --max-flows 3 "$T/eth.pcap"
expect_err "--max-flows below 16" 2 "invalid --max-flows '3'"
run "$PORTKIT" classify
expect_err "no file" 2 "expected a capture file"
