#!/bin/sh
# tests/cli/test_firewall.sh - portkit firewall: every format but pf read
# by its real tool (--check: nft, iptables-restore, ip6tables-restore,
# firewall-offline-cmd, ufw, each in a private namespace), pf against
# files written by hand from pf.conf(5), iptables' multiport limit, bad
# input, and an end-to-end run: the nft rules for an application loaded
# in a private network namespace, TCP and UDP to its port get through,
# to another port they are dropped.
. "$(dirname "$0")/lib.sh"
# Our own per-user directory: an index another script installed there
# (import, update) would answer instead of the embedded snapshot.
export XDG_DATA_HOME="$CLI_TMP/xdg"

PROBE=$BUILD/tests/tools/fw_probe
ROOT=0
[ "$(id -u)" -eq 0 ] && ROOT=1

# ---- each format, read by its tool ------------------------------------------
# pptp (GRE, a helper), ftp (a helper), sip (helpers on two transports),
# a range, sources of both families.
ITEMS="pptp ftp sip 6881-6889/udp 8080/tcp"
for fmt in nft iptables ip6tables ufw firewalld; do
	tool=$fmt
	case $fmt in
	iptables|ip6tables) tool=$fmt-restore ;;
	firewalld) tool=firewall-offline-cmd ;;
	esac
	if ! command -v "$tool" > /dev/null 2>&1 && [ ! -x "/usr/sbin/$tool" ]; then
		skip "$fmt: the rules are read by $tool" "$tool is not installed"
		continue
	fi
	if [ "$ROOT" -ne 1 ]; then
		skip "$fmt: the rules are read by $tool" "--check needs root (private namespaces)"
		continue
	fi
	run "$PORTKIT" firewall --format "$fmt" --check $ITEMS --source 192.0.2.0/24 --source 2001:db8::/32
	expect_err "$fmt: $tool accepts the rules (helpers, GRE, sources)" 0 "check: $fmt accepts the rules"
	run "$PORTKIT" firewall --format "$fmt" --check --policy drop ipsec
	expect_err "$fmt: $tool accepts a drop policy with ESP and AH" 0 "check: $fmt accepts the rules"
done

# Every application of the catalog at once, both directions (each has
# ports in one of them at least).
if [ "$ROOT" -eq 1 ] && command -v nft > /dev/null 2>&1; then
	APPS=$("$PORTKIT" app --list | awk 'NR > 1 { print $1 }')
	run "$PORTKIT" firewall --in --out --check $APPS
	expect_err "nft: every application at once" 0 "check: nft accepts"
	run "$PORTKIT" firewall --format iptables --in --out --check $APPS
	expect_err "iptables: every application at once" 0 "check: iptables accepts"
	run "$PORTKIT" firewall --format firewalld --check --in --out $APPS
	expect_err "firewalld: every application at once" 0 "check: firewalld accepts"
fi

# ---- the content of the formats ---------------------------------------------
run "$PORTKIT" firewall pptp ftp 8080/tcp 8081/tcp 8079/tcp 8080-8090/tcp
expect "nft: numbers, ranges merged in a named set with flags interval" 0 \
	'^		elements = \{ 21, 1723, 8079-8090 \}$'
expect "nft: GRE as a protocol number" 0 '^		meta l4proto 47 accept$'
expect "nft: the ftp helper attached in prerouting" 0 'tcp dport 21 ct helper set "ftp-21"'
check "nft: no service names" sh -c '! printf "%s" "$1" | grep -Eq "dport (ftp|http|pptp)"' _ "$out"
run "$PORTKIT" firewall --format iptables 1/tcp 3/tcp 5/tcp 7/tcp 9/tcp 11/tcp 13/tcp 15/tcp 17/tcp 19/tcp \
	21/tcp 23/tcp 25/tcp 27/tcp 29-30/tcp 32/tcp 34/tcp 36-37/tcp
check "iptables: multiport lists of at most 15 entries, a range counting as two" sh -c '
	printf "%s\n" "$1" | grep -- "--dports" | awk "{ n = split(\$(NF - 2), p, \",\"); w = 0
		for (i = 1; i <= n; i++) w += (p[i] ~ /:/) ? 2 : 1
		if (w > 15) bad = 1; rules++ } END { exit bad || rules != 2 }"' _ "$out"
expect "iptables: a range that would make 16 entries starts the next rule" 0 \
	' --dports 29:30,32,34,36:37 -j ACCEPT$'
run "$PORTKIT" firewall --format iptables 1-2/tcp
expect "iptables: a range is LO:HI" 0 '^-A PORTKIT-IN -p tcp -m multiport --dports 1:2 -j ACCEPT$'
run "$PORTKIT" firewall --format ufw pptp
expect "ufw: the profile" 0 '^ports=1723/tcp$'
expect "ufw: says GRE cannot be in a profile" 0 '^# A ufw profile cannot express IP protocol 47'
expect "ufw: says how to get the pptp helper" 0 'nf_conntrack_pptp'
run "$PORTKIT" firewall --format firewalld ftp sip
expect "firewalld: helpers by name" 0 '^  <helper name="ftp"/>$'
expect "firewalld: ports" 0 '^  <port protocol="udp" port="5060"/>$'
run "$PORTKIT" firewall --format firewalld --out zoom
expect "firewalld: outbound is said to be out of a service's reach" 0 'describes inbound traffic only'
run "$PORTKIT" firewall https
expect "a service name: IANA's ports" 0 '^		elements = \{ 443 \}$'

# ---- pf, against files written by hand from pf.conf(5) ------------------------
run "$PORTKIT" firewall --format pf ssh
expect_out "pf: one application" 0 firewall_pf_ssh.conf
run "$PORTKIT" firewall --format pf pptp ftp 6881-6889/udp --source 192.0.2.0/24 --source 2001:db8::/32 --policy drop
expect_out "pf: sources, a drop policy, GRE, helpers said in words" 0 firewall_pf_vpn.conf
run "$PORTKIT" firewall --format pf --out zoom
expect_out "pf: outbound rules" 0 firewall_pf_out.conf
run "$PORTKIT" firewall --format pf --check ssh
expect_err "pf: --check says there is no checker" 3 'no checker for pf output'

# ---- bad input ------------------------------------------------------------------
run "$PORTKIT" firewall postgress
expect_err "unknown item: suggestions" 2 "did you mean: postgresql\\?"
run "$PORTKIT" firewall ssh --out
expect_err "conflicting directions: ssh has no outbound ports" 2 'ssh has no outbound ports'
run "$PORTKIT" firewall 8080
expect_err "a port without a transport" 2 "names no transport"
run "$PORTKIT" firewall --source 300.1.1.1 ssh
expect_err "a bad source address" 2 "invalid source address '300.1.1.1'"
run "$PORTKIT" firewall --out --source 192.0.2.1 zoom
expect_err "--source with --out alone" 2 'scopes inbound rules'
run "$PORTKIT" firewall --format iptable ssh
expect_err "an unknown format" 2 "unknown firewall format 'iptable'"
run "$PORTKIT" firewall --policy reject ssh
expect_err "an unknown policy" 2 "invalid policy 'reject'"
mkdir -p "$CLI_TMP/cat"
printf 'app a\ntitle A\ncategory web\nport 80/tcp in\nport 80/tcp out\nsource rfc9110\n' > "$CLI_TMP/cat/x.apps"
run "$PORTKIT" firewall --catalog "$CLI_TMP/cat" a
expect_err "conflicting directions in a catalog: FILE:LINE" 2 "x.apps:5: conflicting directions: out here, in at line 4"

# ---- end to end: the rules loaded in a private network namespace ----------------
if [ "$ROOT" -ne 1 ] || ! command -v unshare > /dev/null 2>&1 || ! command -v nft > /dev/null 2>&1; then
	skip "end to end: nft rules in a network namespace" "needs root, unshare and nft"
else
	# mumble: 64738/tcp and 64738/udp inbound; 64739 is not allowed.
	"$PORTKIT" firewall --policy drop mumble > "$CLI_TMP/mumble.nft"
	run unshare -n sh -c '
		"$1" lo-up || exit 9
		for p in tcp udp; do printf "before %s %s\n" $p "$("$1" $p 64739)"; done
		nft -f "$2" || exit 8
		for p in tcp udp; do
			printf "allowed %s %s\n" $p "$("$1" $p 64738)"
			printf "other %s %s\n" $p "$("$1" $p 64739)"
		done' _ "$PROBE" "$CLI_TMP/mumble.nft"
	expect "end to end: without rules, loopback passes" 0 '^before tcp pass$'
	expect "end to end: TCP to the application's port gets through" 0 '^allowed tcp pass$'
	expect "end to end: UDP to the application's port gets through" 0 '^allowed udp pass$'
	expect "end to end: TCP to another port is dropped" 0 '^other tcp drop$'
	expect "end to end: UDP to another port is dropped" 0 '^other udp drop$'
fi
