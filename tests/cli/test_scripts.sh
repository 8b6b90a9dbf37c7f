#!/bin/sh
# tests/cli/test_scripts.sh - what scripts rely on: bare output (pick -q,
# lookups as getent lines), --exclude, the warning about a registry that
# holds no IANA record, --version naming the registry, and the exit-code
# table (README, portkit(1)) for missing input files and refused writes.
. "$(dirname "$0")/lib.sh"

# ---- pick -q / --porcelain, --exclude --------------------------------------
run "$PORTKIT" pick -q --no-host-check
expect "pick -q: the port number alone" 0 '^[0-9]+$'
check "pick -q: one line, nothing else" test "$(printf '%s\n' "$out" | wc -l)" -eq 1
run "$PORTKIT" pick --porcelain --no-host-check --count 5 --range 20000-20100 --avoid-os none
expect "pick --porcelain --count 5: five numbers" 0 '^[0-9]+$'
check "... exactly five lines of digits" test "$(printf '%s\n' "$out" | grep -cE '^[0-9]+$')" -eq 5
run "$PORTKIT" pick -q --no-host-check --near 20010 --count 3 --avoid-os none --exclude 20009-20011,T:20012
nums=$(printf '%s\n' "$out" | tr '\n' ' ')
expect "pick --exclude: a port list" 0 '^[0-9]+$'
check "... none of the excluded ports ($nums)" sh -c '! printf "%s\n" "$1" | grep -qxE "2000(9)|2001[012]"' _ "$out"
run "$PORTKIT" pick -q --no-host-check --range 20000-20001 --avoid-os none --exclude 20000 --exclude 20001
expect_err "--exclude is repeatable: nothing left, exit 1" 1 'excluded by the caller'
run "$PORTKIT" pick --exclude 80,abc
expect_err "pick --exclude with a bad element: exit 2 naming it" 2 "invalid port 'abc'.*port list '80,abc'"
run "$PORTKIT" pick -q --json
expect_err "--porcelain with --json: a usage error" 2 'excludes --json'

# ---- a registry with no IANA record: a warning on stderr ----------------------
printf 'myservice\t20005/tcp\n' > "$CLI_TMP/services"
run "$PORTKIT" import "$CLI_TMP/services" -o "$CLI_TMP/svc.idx"
expect "import a services(5) file" 0
run "$PORTKIT" --index "$CLI_TMP/svc.idx" pick -q --no-host-check
expect "pick from it: still a number on stdout" 0 '^[0-9]+$'
expect_err "... and a warning that the registry is incomplete" 0 '^portkit: warning: the registry in use .*svc.idx.* holds no IANA assignment'
run "$PORTKIT" --index "$CLI_TMP/svc.idx" range 20000-20010 --unassigned
expect_err "range --unassigned warns too" 0 'holds no IANA assignment'
run "$PORTKIT" pick -q --no-host-check
check "the embedded snapshot: no such warning" test -z "$err"

# ---- lookups as getent lines ---------------------------------------------------
run "$PORTKIT" -q 53/udp
expect "-q 53/udp: getent's layout" 0 '^domain +53/udp$'
check "... and no header" sh -c '! printf "%s\n" "$1" | grep -q PORT' _ "$out"
run "$PORTKIT" --porcelain kerberos/udp
expect "--porcelain kerberos/udp: aliases after the port" 0 '^kerberos +88/udp kerberos5 krb5 kerberos-sec$'
run "$PORTKIT" -q 6003/tcp
expect "-q 6003/tcp: a range record gives the port asked about" 0 '^x11 +6003/tcp'
run "$PORTKIT" -q x11/udp
expect "-q x11/udp: a name gives its first port, as getent does" 0 '^x11 +6000/udp$'
if command -v getent > /dev/null && getent services ssh > /dev/null 2>&1; then
	want=$(getent services 22/tcp | tr -s ' ')
	run "$PORTKIT" -q 22/tcp
	check "-q 22/tcp is getent services 22/tcp" test "$(printf '%s\n' "$out" | grep '^ssh ' | tr -s ' ')" = "$want"
else
	skip "-q 22/tcp is getent services 22/tcp" "no getent or no ssh in services(5)"
fi

# ---- --version -----------------------------------------------------------------
run "$PORTKIT" --version
expect "--version: the version" 0 '^portkit [0-9]+\.[0-9]+'
expect "--version: the registry in use" 0 '^registry: embedded snapshot'
expect "--version: its date" 0 '^    date: [0-9]{4}-[0-9]{2}-[0-9]{2}$'
run "$PORTKIT" --version --index "$CLI_TMP/svc.idx"
expect "--version --index: that file" 0 "^    from: $CLI_TMP/svc.idx$"
expect "--version: no date is said" 0 '^    date: unknown'

# ---- exit codes: missing input files and refused writes are 2 ---------------
run "$PORTKIT" import "$CLI_TMP/missing.xml" -o "$CLI_TMP/x.idx"
expect_err "import of a missing file: 2" 2 'missing.xml: No such file or directory'
run "$PORTKIT" update --file "$CLI_TMP/missing.xml" -o "$CLI_TMP/x.idx"
expect_err "update --file of a missing file: 2" 2 'registry in use is unchanged'
run "$PORTKIT" audit --config "$CLI_TMP/missing.conf" --proc-root "$DATA/proc-audit"
expect_err "audit --config of a missing file: 2" 2 'missing.conf: No such file or directory'
run "$PORTKIT" --index "$CLI_TMP/missing.idx" 80
expect_err "--index of a missing file: 2" 2 'missing.idx: No such file or directory'
mkfifo "$CLI_TMP/fifo"
run timeout 10 "$PORTKIT" import "$DATA/cli/registry.xml" -o "$CLI_TMP/fifo"
expect_err "import -o over a FIFO: refused, 2" 2 'is a FIFO, not a regular file'
ln -s /dev/null "$CLI_TMP/link"
run "$PORTKIT" import "$DATA/cli/registry.xml" -o "$CLI_TMP/link"
expect_err "import -o through a link to a device: refused, 2" 2 'not a regular file'
if [ "$(printf '\001\000' | od -An -tu2 | tr -d ' ')" = 1 ]; then
	run timeout 10 "$PORTKIT" audit --index "$CLI_TMP/svc.idx" --proc-root "$DATA/proc-audit" \
		--expect 40100/tcp -q --write-sysctl "$CLI_TMP/fifo"
	expect_err "audit --write-sysctl over a FIFO: refused, 2" 2 'is a FIFO, not a regular file'
	run "$PORTKIT" audit --index "$CLI_TMP/svc.idx" --proc-root "$DATA/proc-audit" --expect 40100/tcp -q
	expect "audit with warnings: 4" 4
else
	skip "audit --write-sysctl over a FIFO" "the fixture /proc trees hold little-endian words"
fi
run "$PORTKIT" advise --name myapp --port 40000/tcp
expect "advise with warnings: 4" 4
run "$PORTKIT" --color=sometimes 80
expect_err "--color=sometimes: a usage error" 2 "invalid --color 'sometimes'"
