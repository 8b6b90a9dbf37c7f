#!/bin/sh
# tests/cli/test_lists.sh - nmap-style port lists wherever a port is
# accepted, and lookups that say which argument each row answers.
. "$(dirname "$0")/lib.sh"

# ---- port lists ---------------------------------------------------------------
run "$PORTKIT" 80,443
expect "80,443 is two ports, not a name" 0 '^80 +80 +tcp +System +http '
expect "... and 443 is answered too" 0 '^443 +443 +tcp +System +https '
run "$PORTKIT" T:22,U:53
expect "T:22,U:53: prefixes choose the transport (tcp)" 0 '^22/tcp +22 +tcp +System +ssh '
expect "... (udp)" 0 '^53/udp +53 +udp +System +domain '
check "... and leave out the others" sh -c '! printf "%s\n" "$1" | grep -q "53 .* tcp "' _ "$out"
run "$PORTKIT" T:80,443
expect "a prefix holds for the elements after it" 0 '^443/tcp +443 +tcp '
run "$PORTKIT" 9/tcp,udp,7
expect "9/tcp,udp,7: a transport after '/' continues its element" 0 '^9/tcp,udp +9 +udp +System +discard'
expect "... and 7 is the next element" 0 '^7 +7 +tcp +System +echo'
run "$PORTKIT" 80,70000
expect_err "80,70000: an invalid element is an error naming it" 2 "invalid port '70000'.*element 2 of the port list '80,70000'"
run "$PORTKIT" 80,abc
expect_err "80,abc is not a list: a name nobody registered" 1 "no service named '80,abc'"
run "$PORTKIT" --json 80,U:53
expect "JSON: each element is a query naming its list" 0 '"argument": "80,U:53"'
expect "JSON: the element with its transport" 0 '"query": "53/udp"'
run "$PORTKIT" 6000-6001,22
expect "a range is an element too" 0 '^6000-6001 +6000-6063 +tcp +User +x11'

# ---- grouping -------------------------------------------------------------------
run "$PORTKIT" 443 https
expect "443 https: a QUERY column" 0 '^QUERY +PORT +PROTO +CLASS +NAME +DESCRIPTION$'
expect "... rows of 443" 0 '^443 +443 +sctp +System +https'
expect "... rows of https" 0 '^https +443 +sctp +System +https'
run "$PORTKIT" 443
check "one argument: no QUERY column" sh -c '! printf "%s\n" "$1" | grep -q QUERY' _ "$out"

# ---- honest messages for filters that find nothing -------------------------------
run "$PORTKIT" 53/sctp
expect "53/sctp: says there is no sctp record" 1 '^53 +- +System +- +no sctp record for 53; it has .*domain/tcp, .*domain/udp$'
run "$PORTKIT" --proto tcp 53/udp
expect "--proto tcp 53/udp: the filters exclude each other" 1 'nothing asked: udp \(of the argument\) and tcp \(of the option\) exclude each other; it has .*domain/tcp'
expect_err "... and stderr names --proto" 1 "'53/udp' asks for udp and --proto for tcp: nothing can match"
check "... not 'unassigned'" sh -c '! printf "%s\n" "$1" | grep -q unassigned' _ "$out"
run "$PORTKIT" range 80/tcp --unassigned --proto udp
expect "range 80/tcp --unassigned --proto udp: no dangling line" 1 '^unassigned in 80-80: nothing asked: tcp \(of the argument\) and udp \(of the option\) exclude each other$'
run "$PORTKIT" 51234/udp
expect "a Dynamic port with nothing anywhere: as before" 1 'Dynamic/Private ports are never assigned'
