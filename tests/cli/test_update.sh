#!/bin/sh
# tests/cli/test_update.sh - `portkit update` against a loopback HTTP server
# (tests/tools/pk_httpd: 127.0.0.1, a port the kernel picks) serving the
# fixture registries of tests/data/cli.  A failed or interrupted update
# must leave the installed index byte for byte as it was.
. "$(dirname "$0")/lib.sh"
J=$BUILD/tests/tools/json_get

"$BUILD/tests/tools/pk_httpd" "$DATA/cli" > "$CLI_TMP/port" 2> "$CLI_TMP/httpd.err" &
HTTPD=$!
trap 'kill "$HTTPD" 2>/dev/null; rm -rf "$CLI_TMP"' EXIT
i=0
while [ ! -s "$CLI_TMP/port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
PORT=$(cat "$CLI_TMP/port")
if [ -z "$PORT" ]; then
	echo "FAIL: the test HTTP server did not start"; cat "$CLI_TMP/httpd.err"
	exit 1
fi
URL=http://127.0.0.1:$PORT
IDX=$XDG_DATA_HOME/portkit/registry.idx

# ---- a first update, from the embedded snapshot -------------------------------
# The fixture (2026-01-15) is older than the snapshot (2026-09-17): refused.
run "$PORTKIT" update --url "$URL/registry.xml"
expect_err "update: an older registry is refused" 3 \
	"^portkit: $URL/registry.xml is older \(2026-01-15\) than the registry in use \(embedded snapshot: .*, 2026-09-17\); nothing installed \(--force installs it anyway\); the registry in use is unchanged$"
check "  ... and nothing is written" test ! -e "$IDX"
run "$PORTKIT" update --force --url "$URL/registry.xml"
expect "update: installed" 0 "^installed $URL/registry.xml$"
expect "update: the registry's date" 0 '^  updated:  2026-01-15$'
expect "update: into the per-user index" 0 "^  to:       $IDX$"
expect "update: compared with the embedded snapshot" 0 '^changes against the previous registry \(the embedded snapshot, updated 2026-09-17\):$'
expect "update: change counts" 0 '^  [0-9]+ added, [0-9]+ removed, [0-9]+ modified, [0-9]+ unchanged$'
check "update: no progress output when stderr is not a terminal" test -z "$err"
check "update: the index exists" test -s "$IDX"
run "$PORTKIT" info
expect "info: the installed index is the default now" 0 "^location: +$IDX$"
expect "info: the source says what was added" 0 "^registry: +IANA XML.* \+ services\(5\) names and unofficial uses from the embedded snapshot$"
run "$PORTKIT" 80/tcp
expect "IANA's three names on 80/tcp" 0 '^80 +tcp +System +www-http +World Wide Web HTTP$'
expect "netbase's alias www joins IANA's http record" 0 '^80 +tcp +System +http +World Wide Web HTTP \(aliases: www\)$'
run "$PORTKIT" krb5/udp
expect "the snapshot's netbase aliases survive the update" 0 '^88 +udp +System +kerberos +Kerberos \(aliases: kerberos5, krb5, kerberos-sec\)$'
run "$PORTKIT" 3000
expect "the catalog's uses survive the update" 0 '^3000 +tcp +User +grafana +\[app, unofficial\]'
run "$PORTKIT" --long 22
expect "the full registry's metadata is there" 0 '^contact: +IETF Chair \(IETF\) <mailto:chair&ietf.org>$'

# ---- a second update: the diff counts ------------------------------------------
run "$PORTKIT" update --url "$URL/registry2.xml"
expect "diff: against the first update" 0 "^changes against the previous registry \($IDX, updated 2026-01-15\):$"
expect "diff: gopher added, airplay removed, ssh modified" 0 '^  1 added, 1 removed, 1 modified, [0-9]+ unchanged$'
run "$PORTKIT" update --long --url "$URL/registry2.xml"
expect "diff: the same registry again changes nothing" 0 '^  0 added, 0 removed, 0 modified, [0-9]+ unchanged$'
run "$PORTKIT" update --long --file "$DATA/cli/registry.xml"
expect_err "going back to an older registry: refused" 3 "registry.xml is older \(2026-01-15\) than the registry in use \(IANA XML: .*, 2026-02-15\)"
run "$PORTKIT" update --force --long --file "$DATA/cli/registry.xml"
expect "--file: installed" 0 "^installed $DATA/cli/registry.xml$"
expect "--long lists the changes: gopher removed" 0 '^- 70/tcp gopher$'
expect "--long lists the changes: airplay added" 0 '^\+ -/tcp airplay$'
expect "--long lists the changes: ssh modified" 0 '^~ 22/tcp ssh$'
expect "--long explains modified by field" 0 '^  modified: [a-z_]+ 1(, [a-z_]+ 1)* \(records; one may count under several fields\)$'
run "$PORTKIT" update --json --url "$URL/registry2.xml"
printf '%s\n' "$out" > "$CLI_TMP/u.json"
check "json: changes" test "$("$J" changes.added changes.removed changes.modified < "$CLI_TMP/u.json" | tr '\n' ' ')" = "1 1 1 "
check "json: modified by field (an object)" test -n "$("$J" changes.modified_by_field.keys < "$CLI_TMP/u.json")"
check "json: previous registry" test "$("$J" previous.updated output < "$CLI_TMP/u.json" | tr '\n' ' ')" = "2026-01-15 $IDX "

# ---- --file without --format: the content says XML or CSV -------------------------
O=$CLI_TMP/o.idx
run "$PORTKIT" update --file "$DATA/cli/registry.csv" -o "$O"
expect "--file CSV without --format" 0 "^installed $DATA/cli/registry.csv$"
expect "CSV: says where the date is missing" 0 "^  updated:  no date in $DATA/cli/registry.csv \(IANA's CSV has no registry date\)$"
expect "-o a new file: nothing to compare with" 0 "^no previous registry at $O: nothing to compare with$"
run "$PORTKIT" update --file "$DATA/cli/registry.xml" -o "$O"
expect "--file XML without --format" 0 "^installed $DATA/cli/registry.xml$"
expect "-o FILE is compared with FILE's previous contents" 0 "^changes against the previous registry \($O, no registry date: imported from IANA's CSV\):$"
run "$PORTKIT" update --file "$DATA/cli/registry2.xml" -o "$O"
expect "-o FILE: the diff is against FILE, not the default registry" 0 '^  1 added, 1 removed, 1 modified, [0-9]+ unchanged$'
run "$PORTKIT" update --file "$DATA/cli/services" -o "$O"
expect_err "--file services(5): not IANA's registry, says what it looks like" 3 "services: looks like the services format, not IANA's XML or CSV"
run "$PORTKIT" update --file "$DATA/cli/registry.csv" --format xml -o "$O"
expect_err "--format xml forces XML" 3 "registry.csv"

# ---- -o into directories that do not exist yet -----------------------------------
run "$PORTKIT" update --file "$DATA/cli/registry.xml" -o "$CLI_TMP/new/a/b/x.idx"
expect "-o: the parent directories are created" 0 "^  to:       $CLI_TMP/new/a/b/x.idx$"
check "-o: the index is there" test -s "$CLI_TMP/new/a/b/x.idx"
: > "$CLI_TMP/plain"
run "$PORTKIT" update --file "$DATA/cli/registry.xml" -o "$CLI_TMP/plain/sub/x.idx"
expect_err "-o: a file where a directory must go" 3 "^portkit: cannot create directory $CLI_TMP/plain/sub: "
expect_err "-o: ... and nothing changed" 3 "^portkit: update failed; the registry in use is unchanged$"

# ---- --system, in a private mount namespace (never this machine's /var/lib) ------
if [ "$(id -u)" -eq 0 ] && unshare -m --propagation private true 2> /dev/null; then
	run unshare -m --propagation private sh -c \
		'mount -t tmpfs tmpfs /var/lib && "$1" update --force --system --file "$2" && test -s /var/lib/portkit/registry.idx' \
		_ "$PORTKIT" "$DATA/cli/registry.xml"
	expect "--system: installed under /var/lib" 0 '^  to:       /var/lib/portkit/registry.idx$'
	expect_err "--system: the per-user index takes precedence" 0 "^portkit: warning: your per-user index $IDX takes precedence over /var/lib/portkit/registry.idx$"
	run unshare -m --propagation private sh -c \
		'mount -t tmpfs tmpfs /var/lib && PORTKIT_INDEX="$3" "$1" update --force --system --file "$2"' \
		_ "$PORTKIT" "$DATA/cli/registry.xml" "$CLI_TMP/o.idx"
	expect_err "--system: PORTKIT_INDEX takes precedence" 0 "^portkit: warning: PORTKIT_INDEX=$CLI_TMP/o.idx takes precedence over /var/lib/portkit/registry.idx$"
else
	skip "--system" "needs root and unshare -m for a private /var/lib"
fi

# ---- failures leave the installed index untouched --------------------------------
cp "$IDX" "$CLI_TMP/before.idx"
unchanged() { cmp -s "$IDX" "$CLI_TMP/before.idx"; }
run "$PORTKIT" update --url "$URL/no-such-file.xml"
expect_err "HTTP 404: status and URL" 3 "^portkit: HTTP 404 from $URL/no-such-file.xml$"
expect_err "HTTP 404: says nothing changed" 3 "^portkit: update failed; the registry in use is unchanged$"
check "HTTP 404: index untouched" unchanged
run "$PORTKIT" update --url "$URL/status/500"
expect_err "HTTP 500" 3 "^portkit: HTTP 500 from $URL/status/500$"
check "HTTP 500: index untouched" unchanged
run "$PORTKIT" update --url "$URL/half/registry.xml"
expect_err "truncated XML (a complete HTTP reply): a parse error naming the URL" 3 "^portkit: $URL/half/registry.xml:[0-9]+: "
check "truncated XML: index untouched" unchanged
run "$PORTKIT" update --url "$URL/cut/registry.xml"
expect_err "interrupted transfer: the URL and the reason" 3 "^portkit: $URL/cut/registry.xml: .*(transfer closed|Transferred a partial file|bytes remaining)"
check "interrupted transfer: index untouched" unchanged
run "$PORTKIT" update --url "$URL/services"
expect_err "not an IANA XML file" 3 "^portkit: $URL/services:"
check "wrong format: index untouched" unchanged
run "$PORTKIT" update --file "$CLI_TMP/no-such-file.xml"
expect_err "--file missing" 2 "no-such-file.xml: No such file or directory"
check "--file missing: index untouched" unchanged
# Nobody listens on a port the kernel just gave back.
DEAD=$("$BUILD/tests/tools/pk_httpd" --free-port 2>/dev/null)
if [ -n "$DEAD" ]; then
	run "$PORTKIT" update --url "http://127.0.0.1:$DEAD/registry.xml"
	expect_err "connection refused" 3 "^portkit: http://127.0.0.1:$DEAD/registry.xml: "
	check "connection refused: index untouched" unchanged
else
	skip "connection refused" "pk_httpd --free-port failed"
fi
# A read-only directory: the new index cannot be written, the old one stays.
if [ "$(id -u)" -ne 0 ]; then
	chmod a-w "$XDG_DATA_HOME/portkit"
	run "$PORTKIT" update --url "$URL/registry.xml"
	expect_err "unwritable directory" 3 "update failed; the registry in use is unchanged"
	chmod u+w "$XDG_DATA_HOME/portkit"
	check "unwritable directory: index untouched" unchanged
else
	skip "unwritable directory" "root ignores directory permissions"
fi
# Killed in the middle of a download (the slow URL takes about 2 s).  A
# background job of a script ignores SIGINT, so SIGTERM stands in for
# Ctrl-C: both end portkit before anything is written.
"$PORTKIT" update --url "$URL/slow/registry.xml" > /dev/null 2>&1 &
pid=$!
sleep 0.5
kill -TERM "$pid"
wait "$pid"
rc=$?
check "killed during the download (exit $rc)" test "$rc" -eq 143
check "killed during the download: index untouched" unchanged
check "no temporary files left behind" \
	sh -c '[ "$(ls -A "$1" | wc -l)" -eq 1 ]' _ "$XDG_DATA_HOME/portkit"

# A corrupt installed index does not block the update that replaces it.
printf 'garbage' > "$IDX"
run "$PORTKIT" update --url "$URL/registry.xml"
expect_err "corrupt index: a warning" 0 "^portkit: warning: the registry in use cannot be read"
expect "corrupt index: replaced" 0 "^installed $URL/registry.xml$"
run "$PORTKIT" 22
expect "corrupt index: lookups work again" 0 '^22 +tcp +System +ssh '

# ---- libcurl is loaded by downloads only (glibc's loader says what it maps) --
LD_DEBUG=files "$PORTKIT" 443 > /dev/null 2> "$CLI_TMP/ld"
check "portkit 443 never loads libcurl" sh -c '! grep -q "file=libcurl" "$1"' _ "$CLI_TMP/ld"
check "... (the loader trace is there)" grep -q "file=libc.so" "$CLI_TMP/ld"
LD_DEBUG=files "$PORTKIT" update -o "$CLI_TMP/ld.idx" --url "$URL/registry.xml" > /dev/null 2> "$CLI_TMP/ld"
check "update --url loads libcurl at run time" grep -q "file=libcurl.so.4" "$CLI_TMP/ld"

# ---- progress on a terminal ---------------------------------------------------------
if command -v script > /dev/null 2>&1 && script -qc true /dev/null > /dev/null 2>&1; then
	script -qc "\"$PORTKIT\" update -o \"$CLI_TMP/tty.idx\" --url \"$URL/registry.xml\"" /dev/null \
		> "$CLI_TMP/tty.out" 2>&1
	rc=$?
	out=$(cat "$CLI_TMP/tty.out") err=""
	expect "progress is shown on a terminal" 0 'downloading: [0-9.]+ of [0-9.]+ MB \(100%\)'
	check "-o installs where asked" test -s "$CLI_TMP/tty.idx"
else
	skip "progress on a terminal" "no script(1)"
fi
