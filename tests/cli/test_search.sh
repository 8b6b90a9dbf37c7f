#!/bin/sh
# tests/cli/test_search.sh - `portkit search WORD...`.
. "$(dirname "$0")/lib.sh"

FX=$CLI_TMP/fx.idx
"$PORTKIT" import "$DATA/cli/registry.xml" -o "$FX" > /dev/null

run "$PORTKIT" search www --index "$FX"
expect_out "www: the exact name first, then the name prefix" 0 fx_search_www.out
run "$PORTKIT" search HTTP alternate --index "$FX"
expect_out "two words, any case: both http-alt records" 0 fx_search_http_alternate.out
run "$PORTKIT" search world wide --proto udp --index "$FX"
expect_err "world wide on udp: none in the fixture, exit 1" 1 '^portkit: no record matches every word$'
run "$PORTKIT" search unauthorized --index "$FX"
expect_err "unauthorized-use text is not searched" 1 'no record matches'
run "$PORTKIT" search window --index "$FX"
expect "a word of the description" 0 '^6000-6063 +tcp +User +x11 +X Window System$'
run "$PORTKIT" search nosuchword --index "$FX"
expect_err "nothing: exit 1" 1 '^portkit: no record matches every word$'
check "nothing: empty stdout" test -z "$out"

# The embedded snapshot.
run "$PORTKIT" search multicast
expect "multicast: IANA descriptions" 0 'multicast-ping'
run "$PORTKIT" search elasticsearch
expect "elasticsearch: an application's unofficial use" 0 '^9200 +tcp +User +elasticsearch +\[app, unofficial\]'
run "$PORTKIT" search krb5
expect "krb5: aliases are searched" 0 '^88 +tcp +System +kerberos '
run "$PORTKIT" search --json www --index "$FX"
printf '%s\n' "$out" > "$CLI_TMP/s.json"
J=$BUILD/tests/tools/json_get
check "json: count and order" test "$("$J" count records.0.name records.1.name words.0 < "$CLI_TMP/s.json" | tr '\n' ' ')" = "2 www www-http www "
