#!/bin/sh
# tests/cli/test_archives.sh - what the build produces and links:
#   - libportkit-lookup.a answers from the embedded snapshot with nothing
#     but libc (tests/tools/lookup_only.c links the whole archive), the
#     same records as the CLI, and references no expat, jansson, libcurl,
#     libdl or libm symbol;
#   - the embedded snapshot passes every check a file gets (the library
#     checks only its layout at open: the build checked the rest);
#   - the CLI maps nothing but libc at start-up (no libm, no expat,
#     jansson or libcurl, no libportkit.so);
#   - unit tests link only what they use;
#   - a second `make tests` has nothing to do; `make distclean` exists.
. "$(dirname "$0")/lib.sh"
top=$(cd "$(dirname "$0")/../.." && pwd)
LO="$BUILD/tests/tools/lookup_only"
LIB="$BUILD/libportkit-lookup.a"
# The CLI must answer from the embedded snapshot, as lookup_only does: an
# index another test installed in the shared data directory would win.
export XDG_DATA_HOME="$CLI_TMP/xdg"
unset PORTKIT_INDEX

# needed BINARY: the shared libraries it names (DT_NEEDED), one per line,
# without the sanitizer runtimes a build-san binary also needs.
needed() {
	readelf -d "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' |
		grep -v -E '^lib(asan|ubsan|lsan|tsan|gcc_s|stdc\+\+)\.so' | sort
}

# triples: "PORT PROTO NAME" of the CLI's table on stdin
triples() { awk 'NR > 1 { print $1, $2, $4 }' | sort; }

# ---- the lookup library -------------------------------------------------------
check "libportkit-lookup.a is built" test -f "$LIB"
check "lookup_only (the archive, whole, and libc) is built" test -x "$LO"
check "lookup_only needs libc alone" test "$(needed "$LO")" = "libc.so.6"

nm -u "$LIB" 2> /dev/null | awk 'NF == 2 { print $2 }' | sort -u > "$CLI_TMP/undef"
nm --defined-only "$LIB" 2> /dev/null | awk 'NF == 3 { print $3 }' | sort -u > "$CLI_TMP/def"
comm -23 "$CLI_TMP/undef" "$CLI_TMP/def" > "$CLI_TMP/external"
check "the archive's outside references were read (malloc among them)" grep -qx malloc "$CLI_TMP/external"
grep -E '^(XML_|json_|curl_|inflate|deflate|dl(open|sym|close|error)$)' "$CLI_TMP/external" > "$CLI_TMP/foreign"
check "no expat, jansson, zlib, libcurl or libdl symbol in the lookup library" test ! -s "$CLI_TMP/foreign"
grep -E '^(log|log10|log2|exp|pow|sqrt|floor|ceil|round|lround|llround|fmin|fmax|fabs)f?$' \
	"$CLI_TMP/external" > "$CLI_TMP/libm"
check "no libm function in the lookup library" test ! -s "$CLI_TMP/libm"
for f in foreign libm; do
	if [ -s "$CLI_TMP/$f" ]; then sed 's/^/    /' "$CLI_TMP/$f"; fi
done
# The importers, the index writer and update stay out.
nm --defined-only "$LIB" 2> /dev/null | grep -E ' T (pk__import|pk__builder_finish|pk_update|pk_download|pk_registry_import)' \
	> "$CLI_TMP/writers"
check "no importer, writer or update in the lookup library" test ! -s "$CLI_TMP/writers"

for spec in 443 http 6000-6010 53/udp 4200-4210 kerberos/udp 914c/g; do
	run "$LO" "$spec"
	printf '%s\n' "$out" | sort > "$CLI_TMP/lo"
	"$PORTKIT" "$spec" | triples > "$CLI_TMP/cli"
	check "lookup_only $spec: the CLI's records ($(wc -l < "$CLI_TMP/cli"))" \
		sh -c '[ "$1" -eq 0 ] && [ -s "$2" ] && diff -u "$3" "$2"' _ "$rc" "$CLI_TMP/lo" "$CLI_TMP/cli"
done
run "$LO" search multicast ping
expect "lookup_only search: multicast-ping" 0 '^9903 udp multicast-ping$'
nl='
'
run "$LO" use 443 tcp
check "lookup_only use 443/tcp: assigned to https (and the catalog's web server)" test "$rc:$out" = "0:assigned${nl}443 tcp http${nl}443 tcp https"
run "$LO" use 4250 tcp
check "lookup_only use 4250/tcp: assigned to vrml-multi-use (a range naming no transport)" \
	test "$rc:$out" = "0:assigned${nl}4200-4299 - vrml-multi-use"
run "$LO" use 4 tcp
expect "lookup_only use 4/tcp: unassigned" 0 '^unassigned$'
run "$LO" no-such-service-name
expect "lookup_only: a name nobody has is exit 1" 1
run "$LO" 70000
expect_err "lookup_only: a bad port is exit 2 with the grammar's message" 2 '70000'
run "$LO" 80/xyz
expect_err "lookup_only: 80/xyz is a bad port, not a name" 2 '80/xyz'

# ---- the embedded snapshot, checked as a file is ----------------------------
run "$LO" verify "$CLI_TMP/embedded.idx"
expect "the embedded snapshot passes every check of a file (checksums, structures)" 0 '^[0-9]+ records$'
records=$("$PORTKIT" info --json | "$BUILD/tests/tools/json_get" records)
check "  ... and has the records portkit info counts ($records)" test "$out" = "$records records"
printf 'X' | dd of="$CLI_TMP/embedded.idx" bs=1 seek=4096 conv=notrunc 2> /dev/null
run env PORTKIT_INDEX="$CLI_TMP/embedded.idx" "$PORTKIT" 443
expect_err "  ... and a byte changed in its file copy is caught" 3 'checksum mismatch'

# ---- what the CLI maps -------------------------------------------------------------
check "the CLI needs libc alone (no libm, expat, jansson, libcurl, libportkit.so)" \
	test "$(needed "$PORTKIT")" = "libc.so.6"
needed "$PORTKIT" | sed 's/^/    needs: /'

# ---- unit tests link what they use -----------------------------------------------
if [ -x "$BUILD/tests/test_portset" ] && [ -x "$BUILD/tests/test_download" ]; then
	check "test_portset needs neither libmicrohttpd, expat nor jansson" \
		sh -c '! printf "%s\n" "$1" | grep -E "microhttpd|expat|jansson"' _ "$(needed "$BUILD/tests/test_portset")"
	check "test_download (helper_httpd's user) needs libmicrohttpd" \
		sh -c 'printf "%s\n" "$1" | grep -q microhttpd' _ "$(needed "$BUILD/tests/test_download")"
else
	skip "unit tests link what they use" "unit tests not built in $BUILD"
fi

# ---- make ---------------------------------------------------------------------------
if command -v make > /dev/null 2>&1 && [ -f "$top/Makefile" ]; then
	b=$BUILD
	case "$b" in "$top"/*) b=${b#"$top"/} ;; esac
	run make -C "$top" -q BUILD="$b" tests
	check "make tests twice: the second has nothing to do (make -q BUILD=$b tests)" test "$rc" -eq 0
	if [ "$rc" -ne 0 ]; then make -C "$top" -n BUILD="$b" tests 2>&1 | head -5 | sed 's/^/    would run: /'; fi
	run make -C "$top" -n distclean
	expect "make distclean removes the fetched sources and fuzz corpora" 0 'rm -rf sources .*build-\*'
else
	skip "make tests twice" "no make"
fi
