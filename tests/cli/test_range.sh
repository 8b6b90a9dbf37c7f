#!/bin/sh
# tests/cli/test_range.sh - `portkit range LO-HI [--assigned|--unassigned]`
# on the fixture registry, whose records are few enough to count by hand.
. "$(dirname "$0")/lib.sh"

FX=$CLI_TMP/fx.idx
"$PORTKIT" import "$DATA/cli/registry.xml" -o "$FX" > /dev/null

run "$PORTKIT" range 0-10 --index "$FX"
expect_out "range 0-10: every record" 0 fx_range_0_10.out
run "$PORTKIT" range 0-100 --assigned --index "$FX"
expect_out "range 0-100 --assigned: named IANA records only" 0 fx_range_0_100_assigned.out
run "$PORTKIT" range 0-10 --unassigned --proto tcp --index "$FX"
expect_out "0-10 tcp: Reserved 0 and Unassigned 1-6 are unassigned, echo 7 is not" 0 fx_range_0_10_tcp_unassigned.out
run "$PORTKIT" range 4190-4210/udp --unassigned --index "$FX"
expect_out "4190-4210/udp: a range with no transport assigns udp too" 0 fx_range_4190_udp_unassigned.out
run "$PORTKIT" range 1020-1030 --unassigned --index "$FX"
expect_out "1020-1030: tcp and udp by default, runs split at 1023/1024" 0 fx_range_1020_unassigned.out
run "$PORTKIT" range 1020-1030 --unassigned -p dccp --index "$FX"
expect_out "1020-1030 dccp: 1021 is exp1's" 0 fx_range_1020_dccp_unassigned.out
run "$PORTKIT" range 49150-49153 --unassigned --proto tcp --index "$FX"
expect "49150-49153: the run is split at the Dynamic/Private boundary" 0 '^49150-49151 +tcp +User +2$'
expect "... into a Dynamic/Private part" 0 '^49152-49153 +tcp +Dynamic/Private +2$'
run "$PORTKIT" range 6000-6100 --assigned --index "$FX"
expect "6000-6100 --assigned: the x11 range" 0 '^6000-6063 +tcp +User +x11 +X Window System$'
run "$PORTKIT" range 6000-6100 --unassigned --proto tcp --index "$FX"
expect "6000-6100 --unassigned tcp: all but x11's 64 ports" 0 '^6064-6100 +tcp +User +37$'
expect "... with a total line" 0 '^unassigned in 6000-6100: tcp 37 of 101$'
run "$PORTKIT" range 7-7 --unassigned --proto tcp --index "$FX"
expect "7/tcp is assigned: nothing unassigned, exit 1" 1 '^unassigned in 7-7: tcp 0 of 1$'
run "$PORTKIT" range 9000-9100 --assigned --index "$FX"
expect_err "no assigned records: exit 1" 1 '^portkit: no assigned records in 9000-9100$'
run "$PORTKIT" range 0-65535 --unassigned --proto udp --index "$FX"
# udp assignments in the fixture: echo 7, domain 53, kerberos 88, and the
# transport-less vrml-multi-use 4200-4299 (100 ports): 65536 - 103.
expect "0-65535 udp: every port but 103" 0 '^unassigned in 0-65535: udp 65433 of 65536$'
run "$PORTKIT" range 80 --index "$FX"
expect "a single port is a range of one" 0 '^80 +tcp +System +www-http '

# JSON: the runs and counts, and every record object.
run "$PORTKIT" range 1020-1030 --unassigned --json --index "$FX"
expect "--json --unassigned" 0 '"unassigned_counts"'
J=$BUILD/tests/tools/json_get
printf '%s\n' "$out" > "$CLI_TMP/r.json"
check "json: filter" test "$("$J" filter < "$CLI_TMP/r.json")" = unassigned
check "json: 4 runs" test "$("$J" unassigned.# < "$CLI_TMP/r.json")" = 4
check "json: first run" test "$("$J" unassigned.0.port_lo unassigned.0.port_hi unassigned.0.protocol unassigned.0.class unassigned.0.count < "$CLI_TMP/r.json" | tr '\n' ' ')" = "1020 1023 tcp system 4 "
check "json: tcp count" test "$("$J" unassigned_counts.tcp < "$CLI_TMP/r.json")" = 11
check "json: records empty for --unassigned" test "$("$J" records.# < "$CLI_TMP/r.json")" = 0
check "json: --unassigned without --proto names tcp and udp as its protocols" test "$("$J" protocols < "$CLI_TMP/r.json")" = '["tcp","udp"]'
run "$PORTKIT" range 1020-1030 --unassigned -p dccp --json --index "$FX"
printf '%s\n' "$out" > "$CLI_TMP/r3.json"
check "json: --unassigned -p dccp: protocols and counts name dccp only" test "$("$J" protocols unassigned_counts.keys < "$CLI_TMP/r3.json" | tr '\n' ' ')" = '["dccp"] dccp '
run "$PORTKIT" range 53/udp --unassigned --proto tcp --json --index "$FX"
printf '%s\n' "$out" > "$CLI_TMP/r4.json"
check "json: --unassigned 53/udp --proto tcp (nothing can match): no protocols, no counts" test "$("$J" protocols unassigned_counts.# < "$CLI_TMP/r4.json" | tr '\n' ' ')" = '[] 0 '
run "$PORTKIT" range 60-70 --json --index "$FX"
printf '%s\n' "$out" > "$CLI_TMP/r2.json"
check "json (all): unassigned is null" test "$("$J" unassigned < "$CLI_TMP/r2.json")" = null
check "json (all): two records at 63" test "$("$J" records.# records.0.name records.1.name < "$CLI_TMP/r2.json" | tr '\n' ' ')" = "2 whois++ whoispp "

# The embedded snapshot: x11 and flex-lm are supplement ranges.
run "$PORTKIT" range 6000-6063 --assigned
expect "embedded: x11 6000-6063 is an assignment" 0 '^6000-6063 +tcp +User +x11 '
run "$PORTKIT" range 6000-6063 --unassigned
expect "embedded: no unassigned port in x11's range" 1 '^unassigned in 6000-6063: tcp 0 of 64, udp 0 of 64$'
