#!/bin/sh
# tests/cli/test_ranges.sh - `portkit ranges`: the OS profile table, one
# profile, this host's settings from a fixture /proc tree, and bad input.
. "$(dirname "$0")/lib.sh"

run "$PORTKIT" ranges
expect "ranges lists linux" 0 '^linux +32768-60999 +28232 +User\+Dynamic +yes +Linux'
check "ranges lists 16 profiles and a header" test "$(printf '%s\n' "$out" | wc -l)" -eq 17
check "ranges marks 4 common systems" test "$(printf '%s\n' "$out" | grep -c '  yes  ')" -eq 4
check "ranges lists windows-xp" sh -c "printf '%s\n' \"\$1\" | grep -Eq '^windows-xp +1025-5000 +3976 +User +Windows XP'" _ "$out"
check "ranges lists freebsd" sh -c "printf '%s\n' \"\$1\" | grep -Eq '^freebsd +10000-65535 +55536'" _ "$out"

run "$PORTKIT" ranges --long
expect "ranges --long shows sources" 0 'af_inet\.c inet_init_net'

run "$PORTKIT" ranges --os linux
expect "ranges --os linux" 0 '^range +32768-60999$'
run "$PORTKIT" ranges --os WINDOWS-Exchange
expect "ranges --os is case-insensitive" 0 '^range +1025-60000$'
run "$PORTKIT" ranges --os plan9
expect_err "ranges --os unknown" 2 "unknown OS profile 'plan9': expected one of linux, "
run "$PORTKIT" ranges --os
expect_err "ranges --os without a value" 2 "requires an argument"

run "$PORTKIT" ranges --json
expect "ranges --json" 0 '"id": "linux"'
check "ranges --json has 16 profiles" test "$(printf '%s\n' "$out" | grep -c '"id":')" -eq 16
check "ranges --json gives numbers" sh -c "printf '%s\n' \"\$1\" | grep -q '\"port_lo\": 49152'" _ "$out"
run "$PORTKIT" ranges --os macos --json
expect "ranges --os --json" 0 '"classes": \['
check "ranges --os --json has one profile" test "$(printf '%s\n' "$out" | grep -c '"id":')" -eq 1

run "$PORTKIT" ranges --os linux --host
expect_err "ranges --os with --host" 2 "exclude each other"
run "$PORTKIT" ranges extra
expect_err "ranges with an argument" 2 "unexpected argument 'extra'"
run "$PORTKIT" ranges --bogus
expect_err "ranges with an unknown option" 2 "unrecognized option"

# A fixture /proc: PROC_ROOT/sys/net/ipv4/...
proc="$CLI_TMP/proc"
mkdir -p "$proc/sys/net/ipv4"
printf '40000\t40999\n' > "$proc/sys/net/ipv4/ip_local_port_range"
printf '8080,40500-40509\n' > "$proc/sys/net/ipv4/ip_local_reserved_ports"
printf '80\n' > "$proc/sys/net/ipv4/ip_unprivileged_port_start"
run env PROC_ROOT="$proc" "$PORTKIT" ranges --host
expect "ranges --host: range" 0 '^ip_local_port_range +40000-40999 \(1000 ports\)$'
expect "ranges --host: reserved" 0 '^ip_local_reserved_ports +8080,40500-40509 \(10 in the range\)$'
expect "ranges --host: unprivileged start" 0 '^ip_unprivileged_port_start +80$'
expect "ranges --host: no profile matches" 0 '^same as profile +none$'
run env PROC_ROOT="$proc" "$PORTKIT" ranges --host --json
expect "ranges --host --json" 0 '"port_lo": 40000'
J=$BUILD/tests/tools/json_get
printf '%s\n' "$out" > "$CLI_TMP/h.json"
check "ranges --host --json reserved: a list of ranges" test "$("$J" host.ip_local_reserved_ports < "$CLI_TMP/h.json")" = \
	'[{"port_lo":8080,"port_hi":8080},{"port_lo":40500,"port_hi":40509}]'
expect "ranges --host --json count" 0 '"reserved_in_range": 10'

printf '32768 60999\n' > "$proc/sys/net/ipv4/ip_local_port_range"
printf '' > "$proc/sys/net/ipv4/ip_local_reserved_ports"
run env PROC_ROOT="$proc" "$PORTKIT" ranges --host
expect "ranges --host matches linux" 0 '^same as profile +linux$'
expect "ranges --host with no reserved ports" 0 '^ip_local_reserved_ports +none \(0 in the range\)$'

printf '32768 61000\n' > "$proc/sys/net/ipv4/ip_local_port_range"
run env PROC_ROOT="$proc" "$PORTKIT" ranges --host
expect "ranges --host notes an odd count" 0 'odd count'
expect "ranges --host matches linux-old" 0 '^same as profile +linux-old$'

printf 'lots of ports\n' > "$proc/sys/net/ipv4/ip_local_port_range"
run env PROC_ROOT="$proc" "$PORTKIT" ranges --host
expect_err "ranges --host with a malformed file" 3 'ip_local_port_range'

mkdir -p "$CLI_TMP/empty"
run env PROC_ROOT="$CLI_TMP/empty" "$PORTKIT" ranges --host
expect_err "ranges --host with nothing to read" 1 'no port settings found under'
