#!/bin/sh
# tests/cli/test_lookup.sh - `portkit PORT|RANGE|NAME[/PROTO]...`: the
# embedded snapshot (IANA facts every registry version shares) and the
# hand-written fixture registry tests/data/cli/registry.xml via --index.
. "$(dirname "$0")/lib.sh"

# ---- the embedded snapshot -------------------------------------------------
run "$PORTKIT" 443
expect_out "443: https on tcp, udp and sctp" 0 lookup_443.out
run "$PORTKIT" lookup 443
expect_out "lookup 443: same as 443" 0 lookup_443.out
run "$PORTKIT" 53/udp
expect_out "53/udp: domain, udp only" 0 lookup_53_udp.out
run "$PORTKIT" kerberos/udp
expect_out "kerberos/udp: the netbase aliases ride along" 0 lookup_kerberos_udp.out
run "$PORTKIT" KERBEROS/UDP
expect_out "names and transports are case-insensitive" 0 lookup_kerberos_udp.out
run "$PORTKIT" krb5/udp
expect_out "an alias finds its record (the catalog's records carry no aliases)" 0 lookup_krb5_udp.out
run "$PORTKIT" 22/sctp 51234 HTTPS/sctp
expect_out "several arguments, one without a record (exit 1)" 1 lookup_several.out
run "$PORTKIT" 443 --proto sctp
expect "--proto after the argument filters" 0 '^443   sctp   System  https  HTTPS$'
check "--proto sctp leaves out tcp" sh -c '! printf "%s\n" "$1" | grep -q tcp' _ "$out"
run "$PORTKIT" -p udp 53/tcp
expect_err "53/tcp with --proto udp: nothing can match" 1 '.*'
check "... and says why, with the port's class" \
	sh -c 'printf "%s\n" "$1" | grep -q "^53 .*System .*nothing asked: tcp .* and udp .* exclude each other"' _ "$out"

# http: every record named http, or with http as an alias.
run "$PORTKIT" http
expect "http: IANA's http on 80/tcp (facts file), netbase's www alias" 0 '^80 +tcp +System +http +World Wide Web HTTP \(aliases: www\)$'
expect "http: IANA's http on 80/udp too (facts file)" 0 '^80 +udp +System +http +World Wide Web HTTP$'
expect "http: IANA's http on 80/sctp" 0 '^80 +sctp +System +http +HTTP$'
run "$PORTKIT" 80/tcp
expect "80/tcp: IANA's name in the npm data is www-http" 0 '^80 +tcp +System +www-http +World Wide Web HTTP$'
expect "80/tcp: and netbase's http" 0 '^80 +tcp +System +http '

# x11: the supplement's range and netbase's single ports.
run "$PORTKIT" 6000-6010
expect "6000-6010: x11 range from the supplement (tcp)" 0 '^6000-6063 +tcp +User +x11 +X Window System$'
expect "6000-6010: x11 range from the supplement (udp)" 0 '^6000-6063 +udp +User +x11 +X Window System$'
run "$PORTKIT" 27005/udp
expect "27005/udp: flex-lm, a range with no transport" 0 '^27000-27009 +- +User +flex-lm +FLEX LM \(1-10\)$'
run "$PORTKIT" 3000
expect "3000: an application's unofficial use is shown and marked" 0 '^3000 +tcp +User +grafana +\[app, unofficial\] Grafana'
expect "3000: next to IANA's assignment" 0 '^3000 +tcp +User +remoteware-cl '
run "$PORTKIT" 0
expect "0: reserved" 0 'Reserved'

# ---- the fixture registry ----------------------------------------------------
FX=$CLI_TMP/fx.idx
run "$PORTKIT" import "$DATA/cli/registry.xml" -o "$FX"
expect "import the fixture" 0 'wrote '
run "$PORTKIT" --index "$FX" 80
expect_out "80/tcp: http, www and www-http (all names)" 0 fx_80.out
run "$PORTKIT" --index "$FX" http-alt
expect_out "http-alt: one name on two ports" 0 fx_http_alt.out
run "$PORTKIT" --index "$FX" 6003
expect_out "6003: inside the x11 range" 0 fx_6003.out
run "$PORTKIT" --index "$FX" 4250/udp
expect_out "4250/udp: a record with no transport applies to udp" 0 fx_4250_udp.out
run "$PORTKIT" --index "$FX" 63
expect_out "63: a historic alias and its name" 0 fx_63.out
run "$PORTKIT" --index "$FX" 0 3
expect_out "0 and 3: Reserved and an Unassigned range" 0 fx_0_3.out
run "$PORTKIT" --index "$FX" airplay
expect_out "airplay: a record with no port" 0 fx_airplay.out
run "$PORTKIT" --index "$FX" WwW
expect "WwW: case-insensitive name lookup" 0 '^80 +tcp +System +www +World Wide Web HTTP$'
run "$PORTKIT" --index "$FX" --long 22
expect_out "--long 22: assignee, contact, dates, notes" 0 fx_long_22.out
run "$PORTKIT" --index "$FX" --long 6003
expect_out "--long 6003: range with unauthorized use" 0 fx_long_6003.out
run "$PORTKIT" --index "$FX" --long 63
expect_out "--long 63: multi-line notes stay aligned" 0 fx_long_63.out
run "$PORTKIT" --index "$FX" -l 1021/dccp
expect_out "--long 1021/dccp: DCCP service code" 0 fx_long_1021.out
run "$PORTKIT" --index "$FX" whois++
expect "whois++: a name with '+'" 0 '^63 +tcp +System +whois\+\+ '
run "$PORTKIT" --index "$FX" 51234
expect "51234: no record, Dynamic/Private, exit 1" 1 '^51234 +- +Dynamic/Private +- +no record: Dynamic/Private ports are never assigned \(RFC 6335\)$'
run "$PORTKIT" --index "$FX" 9999
expect "9999: no record, User, unassigned, exit 1" 1 '^9999 +- +User +- +no record: unassigned$'

# ---- names that are not there ------------------------------------------------
run "$PORTKIT" abc/tcp
expect_err "abc/tcp: a valid name nobody registered (exit 1)" 1 "^portkit: no service named 'abc' for tcp(; did you mean [a-z, ]+\?)?$"
check "abc/tcp: nothing on stdout" test -z "$out"
run "$PORTKIT" 914c/g
expect "914c/g: a historic name with '/' is a name, not name/proto" 0 '914c/g'
run "$PORTKIT" 443 nosuchservice
expect_err "a found port and an unknown name: exit 1" 1 "no service named 'nosuchservice'"
expect "... and the port is still answered" 1 '^443 +443 +tcp'

# ---- names people type: curated aliases, "did you mean" -----------------------
run "$PORTKIT" dns
expect "dns: domain's records" 0 '^53 +udp +System +domain '
expect "dns: said to be a curated alias" 0 "^dns: a curated alias of domain \(.*; portkit's list, not a registry name\)$"
run "$PORTKIT" RDP/tcp
expect "RDP/tcp: ms-wbt-server, case-insensitively" 0 '^3389 +tcp +User +ms-wbt-server '
run "$PORTKIT" --json vnc
check "vnc --json: the curated alias object" test "$(printf '%s\n' "$out" | "$BUILD/tests/tools/json_get" queries.0.curated_alias.name)" = rfb
check "vnc --json: rfb's records after the catalog's vnc" sh -c 'printf "%s\n" "$1" | grep -q "\"name\": \"rfb\""' _ "$out"
run "$PORTKIT" mongo
expect "mongo: mongodb" 0 '^27017 +tcp +User +mongodb '
run "$PORTKIT" dnss
expect_err "a miss suggests close names" 1 "^portkit: no service named 'dnss'; did you mean dns, nss or snss\?$"
run "$PORTKIT" --json dnss
check "  ... and --json lists them" test "$(printf '%s\n' "$out" | "$BUILD/tests/tools/json_get" queries.0.suggestions.0)" = dns
run "$PORTKIT" search dns
check "search dns: 53/domain first" test "$(printf '%s\n' "$out" | sed -n 2p | awk '{print $1, $4}')" = "53 domain"
run "$PORTKIT" search remote desktop
expect "search remote desktop: 3389 (ms-wbt-server)" 0 '^3389 +tcp +User +ms-wbt-server '
