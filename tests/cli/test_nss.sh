#!/bin/sh
# tests/cli/test_nss.sh - libnss_portkit.so.2 through glibc, from the build
# tree (nothing installed): what it exports and links, getent with
# `-s services:portkit`, the same entries as `portkit export`, a private
# mount namespace whose nsswitch.conf says `services: files portkit`
# (getent, Python's socket module, ss naming a listener in a private
# network namespace), environment variables ignored under AT_SECURE, and
# the threads test (tests/tools/nss_stress.c), also under ThreadSanitizer.
# tests/unit/test_nss_module.c drives the entry points themselves.
. "$(dirname "$0")/lib.sh"
MOD="$BUILD/libnss_portkit.so.2"
FX="$BUILD/tests/tools/services_fixture"
export XDG_DATA_HOME="$CLI_TMP/xdg"
unset PORTKIT_INDEX PORTKIT_NSS_INDEX

if [ ! -f "$MOD" ]; then
	echo "FAIL: $MOD is not built"
	exit 0
fi

# A module built with ASan/UBSan needs their runtimes first in programs
# that are not (getent, python3, ss): preload what it needs.
preload=$(ldd "$MOD" 2> /dev/null | awk '/lib(asan|ubsan)\.so/ { print $3 }' | tr '\n' ' ')
preload=${preload% }
# Leaks of the programs themselves are not the module's.
# (Appended: the last setting of an option wins.)
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
export ASAN_OPTIONS
nss() { LD_PRELOAD="$preload" LD_LIBRARY_PATH="$BUILD" "$@"; }

# ---- what the module is ---------------------------------------------------------
run readelf -d "$MOD"
expect "soname libnss_portkit.so.2" 0 'SONAME.*\[libnss_portkit\.so\.2\]'
needed=$(printf '%s\n' "$out" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' |
	grep -v -E '^lib(asan|ubsan|gcc_s|stdc\+\+|m|dl|pthread|rt)\.so' | tr '\n' ' ')
check "links libc alone (no expat, jansson, curl, libportkit.so): $needed" test "$needed" = "libc.so.6 "
nm -D --defined-only "$MOD" | awk '$2 ~ /^[TDBRVW]$/ { print $3 }' | sort > "$CLI_TMP/exports"
grep -v -E '^_nss_portkit_' "$CLI_TMP/exports" | grep -v -E '^(_init|_fini|__bss_start|_edata|_end|__asan|__ubsan|__sanitizer|__lsan)' > "$CLI_TMP/other"
check "exports only _nss_portkit_*" test ! -s "$CLI_TMP/other"
check "exports the five services entry points" test "$(grep -c -E '^_nss_portkit_(setservent|endservent|getservent_r|getservbyname_r|getservbyport_r)$' "$CLI_TMP/exports")" -eq 5
nm -D --undefined-only "$MOD" | awk '{ print $NF }' | sed 's/@.*//' | sort -u > "$CLI_TMP/imports"
grep -E '^(printf|fprintf|vfprintf|puts|fputs|fputc|putchar|fwrite|fopen|fdopen|perror|syslog|getenv|XML_.*|json_.*|curl_.*)$' \
	"$CLI_TMP/imports" > "$CLI_TMP/bad" || true
# (A sanitizer build imports the runtimes' __asan_*/__ubsan_* on top.)
check "no stdio, no getenv (secure_getenv only), no expat/jansson/curl" test ! -s "$CLI_TMP/bad"
check "  ... and secure_getenv is what it reads the environment with" grep -qx secure_getenv "$CLI_TMP/imports"
size=$(wc -c < "$MOD")
echo "    module: $size bytes (the embedded snapshot is most of it)"

# ---- make install: the module into the multiarch directory, nothing run -----
top=$(cd "$(dirname "$0")/../.." && pwd)
b=$BUILD
case "$b" in "$top"/*) b=${b#"$top"/} ;; esac
ma=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2> /dev/null || cc -print-multiarch)
run make -C "$top" -n install BUILD="$b" PREFIX=/usr DESTDIR=/nonexistent-destdir
expect "make install PREFIX=/usr puts the module into /usr/lib/$ma" 0 \
	"install -m 644 $b/libnss_portkit.so.2 /nonexistent-destdir/usr/lib/$ma/libnss_portkit.so.2"
check "make install runs no ldconfig and touches no nsswitch.conf" \
	sh -c '! printf "%s\n" "$1" | grep -E "ldconfig|nsswitch"' _ "$out"

# ---- getent from the build tree ----------------------------------------------------
run nss getent -s services:portkit services 6010/tcp
expect "getent -s services:portkit services 6010/tcp: x11" 0 '^x11 +6010/tcp$'
run nss getent -s services:portkit services 4/tcp
expect "getent: a port no record names is exit 2, as getent's miss" 2
run nss getent -s services:portkit services no-such-service-xyz
expect "getent: a name nobody has is exit 2" 2
run nss getent -s services:portkit services X11/udp
expect "getent: names match case-insensitively (X11/udp: x11 6000/udp)" 0 '^x11 +6000/udp'
run nss getent -s services:portkit services 4250/udp
expect "getent: a range naming no transport answers for udp (4250: vrml-multi-use)" 0 '^vrml-multi-use +4250/udp'
run nss getent -s services:portkit services 3000/tcp
check "getent: unofficial uses are not answered (3000/tcp is not grafana)" \
	sh -c '! printf "%s\n" "$1" | grep -qw grafana' _ "$out"

# Enumeration: the same entries as the export, each once.
nss getent -s services:portkit services | awk '{ $1 = $1; print }' > "$CLI_TMP/enum"
"$PORTKIT" export | grep -v -e '^#' -e '^$' | awk '{ $1 = $1; print }' > "$CLI_TMP/export"
check "getent services (getservent_r): every entry of portkit export, in its order ($(wc -l < "$CLI_TMP/enum"))" \
	sh -c '[ -s "$1" ] && diff -u "$2" "$1" > /dev/null' _ "$CLI_TMP/enum" "$CLI_TMP/export"
dups=$(awk '{ print $2 }' "$CLI_TMP/enum" | sort | uniq -d | head -3)
check "getservent_r: each port/transport once${dups:+ (twice: $dups)}" test -z "$dups"

# The fixture, through PORTKIT_NSS_INDEX (an absolute path).
"$FX" "$CLI_TMP/a.idx" "fixture A" || echo "FAIL: services_fixture A"
"$FX" "$CLI_TMP/b.idx" "fixture B" b || echo "FAIL: services_fixture B"
run nss env PORTKIT_NSS_INDEX="$CLI_TMP/a.idx" getent -s services:portkit services whois++
expect "PORTKIT_NSS_INDEX: the fixture answers; a historic name gives the current entry (whoispp)" 0 '^whoispp +63/tcp +whois\+\+$'
run nss env PORTKIT_NSS_INDEX="$CLI_TMP/a.idx" getent -s services:portkit services 80/tcp
expect "fixture: IANA's names first, services(5) aliases after, each once" 0 '^http +80/tcp +www-http www$'
run nss env PORTKIT_NSS_INDEX="$CLI_TMP/a.idx" getent -s services:portkit services 1005/tcp
expect "fixture: unfit aliases left out" 0 '^primary-ok +1005/tcp +alias-ok$'
run nss env PORTKIT_NSS_INDEX="$CLI_TMP/a.idx" getent -s services:portkit services 1001/tcp
expect "fixture: an entry whose only name is unfit does not exist" 2
nss env PORTKIT_NSS_INDEX="$CLI_TMP/a.idx" getent -s services:portkit services | awk '{ $1 = $1; print }' > "$CLI_TMP/fx-enum"
"$PORTKIT" export --index "$CLI_TMP/a.idx" 2> /dev/null | grep -v -e '^#' -e '^$' | awk '{ $1 = $1; print }' > "$CLI_TMP/fx-export"
check "fixture: getservent_r and export agree ($(wc -l < "$CLI_TMP/fx-enum") entries)" \
	sh -c '[ -s "$1" ] && diff -u "$2" "$1"' _ "$CLI_TMP/fx-enum" "$CLI_TMP/fx-export"
run nss env PORTKIT_NSS_INDEX=relative.idx getent -s services:portkit services 6010/tcp
expect "PORTKIT_NSS_INDEX relative: ignored, the snapshot answers" 0 '^x11 +6010/tcp'
printf 'not an index\n' > "$CLI_TMP/bad.idx"
run nss env PORTKIT_NSS_INDEX="$CLI_TMP/bad.idx" getent -s services:portkit services 6010/tcp
expect "an index that does not validate: the embedded snapshot answers (documented)" 0 '^x11 +6010/tcp'

# ---- AT_SECURE: the environment is not consulted --------------------------------
# A set-user-ID copy of nss_call (owned by nobody, run by root: euid !=
# ruid, so the kernel sets AT_SECURE).  The fixture is readable by nobody,
# so only secure_getenv stands between the variable and the module.
if [ "$(id -u)" = 0 ] && id nobody > /dev/null 2>&1; then
	sdir="$CLI_TMP/secure"
	mkdir -p "$sdir"
	chmod 755 "$CLI_TMP" "$sdir"
	cp "$CLI_TMP/a.idx" "$sdir/a.idx"
	chmod 644 "$sdir/a.idx"
	cp "$BUILD/tests/tools/nss_call" "$sdir/nss_call"
	chown nobody "$sdir/nss_call"
	chmod 4755 "$sdir/nss_call"
	modpath=$(cd "$(dirname "$MOD")" && pwd)/$(basename "$MOD")
	run env PORTKIT_NSS_INDEX="$sdir/a.idx" LD_PRELOAD="$preload" "$sdir/nss_call" "$modpath" name big-alias-number-one
	if printf '%s\n' "$err" | grep -q 'at_secure=1'; then
		expect "AT_SECURE (set-user-ID): PORTKIT_NSS_INDEX ignored, the fixture's name unknown" 2 '^notfound$'
		run env PORTKIT_NSS_INDEX="$sdir/a.idx" LD_PRELOAD="$preload" "$sdir/nss_call" "$modpath" port 6010 tcp
		expect "  ... the snapshot answers instead (6010/tcp x11)" 0 '^x11 6010/tcp$'
		run env PORTKIT_NSS_INDEX="$sdir/a.idx" LD_PRELOAD="$preload" setpriv --reuid=nobody --regid=nogroup --clear-groups \
			"$sdir/nss_call" "$modpath" name big-alias-number-one
		check "  control: the same user without AT_SECURE reads the variable (big 1020/tcp)" \
			sh -c 'printf "%s\n" "$1" | grep -q at_secure=0 && printf "%s\n" "$2" | grep -q "^big 1020/tcp"' _ "$err" "$out"
	else
		echo "FAIL: the set-user-ID copy did not run with AT_SECURE=1 ($err)"
	fi
else
	skip "AT_SECURE" "needs root and a nobody user"
fi

# ---- a private mount namespace: nsswitch.conf says portkit --------------------
if [ "$(id -u)" = 0 ] && command -v unshare > /dev/null && unshare -m true 2> /dev/null; then
	printf 'services: files portkit\n' > "$CLI_TMP/nsswitch.conf"
	# Runs sh -c SCRIPT in new mount and network namespaces with the test
	# nsswitch.conf bound over /etc's.
	in_ns() {
		unshare -m -n sh -c 'mount --bind "$1" /etc/nsswitch.conf && shift && exec "$@"' \
			_ "$CLI_TMP/nsswitch.conf" env LD_PRELOAD="$preload" LD_LIBRARY_PATH="$BUILD" "$@"
	}
	run in_ns getent services 6010/tcp
	expect "namespace: getent services 6010/tcp (netbase lacks it): x11" 0 '^x11 +6010/tcp'
	run in_ns getent services 27017
	expect "namespace: getent services 27017: mongodb" 0 '^mongodb +27017/tcp'
	run in_ns python3 -c 'import socket; print(socket.getservbyport(6010), socket.getservbyname("mongodb", "tcp"), socket.getservbyport(27017, "tcp"))'
	expect "namespace: python3 socket.getservbyport(6010), getservbyname('mongodb')" 0 '^x11 27017 mongodb$'
	run in_ns python3 -c 'import socket
try:
    socket.getservbyport(4, "tcp")
except OSError as e:
    print("miss", e)'
	expect "namespace: python3 getservbyport(4) raises OSError" 0 '^miss'
	# nss_files on the exported file and portkit answer alike: every 20th
	# entry's names (all spellings as written) by name, with and without
	# the transport, and its port.
	"$PORTKIT" export > "$CLI_TMP/services.export"
	cat > "$CLI_TMP/same.py" <<'PY'
import socket, sys
out = []
for i, line in enumerate(open(sys.argv[1])):
    f = line.split()
    if not f or f[0].startswith("#") or i % 20:
        continue
    port, proto = f[1].split("/")
    for name in [f[0]] + f[2:]:
        for p in (proto, None):
            try:
                out.append("%s/%s %d" % (name, p, socket.getservbyname(name, p) if p else socket.getservbyname(name)))
            except OSError:
                out.append("%s/%s miss" % (name, p))
    try:
        out.append("%s %s" % (f[1], socket.getservbyport(int(port), proto)))
    except OSError:
        out.append("%s miss" % f[1])
print("\n".join(out))
PY
	printf 'services: files\n' > "$CLI_TMP/nsswitch.files"
	unshare -m sh -c 'mount --bind "$1" /etc/nsswitch.conf && mount --bind "$2" /etc/services && python3 "$3" "$2"' \
		_ "$CLI_TMP/nsswitch.files" "$CLI_TMP/services.export" "$CLI_TMP/same.py" > "$CLI_TMP/same.files" 2>&1
	printf 'services: portkit\n' > "$CLI_TMP/nsswitch.portkit"
	unshare -m sh -c 'mount --bind "$1" /etc/nsswitch.conf && shift && exec "$@"' \
		_ "$CLI_TMP/nsswitch.portkit" env LD_PRELOAD="$preload" LD_LIBRARY_PATH="$BUILD" \
		python3 "$CLI_TMP/same.py" "$CLI_TMP/services.export" > "$CLI_TMP/same.portkit" 2>&1
	check "namespace: nss_files on the export and portkit give the same answers ($(grep -c . "$CLI_TMP/same.files") lookups, $(grep -c miss "$CLI_TMP/same.files") misses)" \
		sh -c '[ "$(grep -c . "$1")" -gt 500 ] && ! grep -q miss "$1" && diff -u "$1" "$2"' _ "$CLI_TMP/same.files" "$CLI_TMP/same.portkit"
	if command -v ss > /dev/null; then
		run in_ns sh -c 'python3 -c "
import socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((\"127.0.0.1\", 27017)); s.listen(1)
sys.stdout.write(\"up\n\"); sys.stdout.flush(); time.sleep(5)" > "$1/listener.out" &
			i=0; while [ "$i" -lt 50 ] && ! grep -q up "$1/listener.out" 2> /dev/null; do sleep 0.1; i=$((i + 1)); done
			ip link set lo up 2> /dev/null; ss -tl; kill $! 2> /dev/null' _ "$CLI_TMP"
		expect "namespace: ss -tl names the listener on 27017 mongodb (netbase lacks it)" 0 '127\.0\.0\.1:mongodb'
	else
		skip "ss" "no ss(8)"
	fi
else
	skip "mount namespace" "needs root and unshare -m"
fi

# ---- threads while the index is replaced ----------------------------------------------
run "$BUILD/tests/tools/nss_stress" "$MOD" "$CLI_TMP/live.idx" "$CLI_TMP/a.idx" "$CLI_TMP/b.idx" 40
expect "threads: lookups and enumeration while the index is renamed over, every answer A's or B's, B after the last" 0 'errors 0 last B'
if [ -x "$BUILD/tsan/nss_stress" ] && [ -f "$BUILD/tsan/libnss_portkit.so.2" ]; then
	run env TSAN_OPTIONS="halt_on_error=1:exitcode=66" "$BUILD/tsan/nss_stress" "$BUILD/tsan/libnss_portkit.so.2" \
		"$CLI_TMP/tsan.idx" "$CLI_TMP/a.idx" "$CLI_TMP/b.idx" 40
	expect "threads under ThreadSanitizer: no race reported" 0 'errors 0 last B'
else
	echo "FAIL: the TSan build of the module and nss_stress is missing in $BUILD/tsan"
fi
