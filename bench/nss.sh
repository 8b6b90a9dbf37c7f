#!/bin/sh
# bench/nss.sh BUILDDIR - the services database through glibc, in the same
# run: libnss_portkit, nss_files on a full-registry /etc/services (written
# by `portkit export` from the same registry), nss_files on Debian's
# netbase file, and a stub module answering NOTFOUND (glibc's dispatch
# floor); then libnss_portkit called directly, and what loading it costs.
# Each database is switched in a private mount namespace (nsswitch.conf
# and /etc/services bind-mounted), so nothing on the host changes.
# Goals (docs/nss.md): a miss at least 200x faster than nss_files on the
# full file, within 1.5x of the stub, faster than nss_files on netbase.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-build}" && pwd) || exit 2
B="$build/bench/bench_nss"
MOD="$build/libnss_portkit.so.2"
netbase="$top/${FETCHED:-sources}/netbase-services"

echo "== NSS: getservbyport_r / getservbyname_r through glibc (ns per call, median)"
if [ "$(id -u)" != 0 ] || ! unshare -m true 2> /dev/null; then
	echo "SKIP: needs root and unshare -m (private mount namespaces)"
	exit 0
fi
for f in "$B" "$MOD" "$build/bench/libnss_pkstub.so.2" "$netbase"; do
	[ -e "$f" ] || { echo "SKIP: $f missing"; exit 0; }
done
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
mkdir "$T/xdg"
env -u PORTKIT_INDEX XDG_DATA_HOME="$T/xdg" "$build/portkit" export > "$T/services.full" || exit 1
printf 'services: portkit\n' > "$T/ns.portkit"
printf 'services: files\n' > "$T/ns.files"
printf 'services: pkstub\n' > "$T/ns.stub"

# in_ns NSSWITCH SERVICES CMD...: CMD with those two files over /etc's.
in_ns() {
	conf=$1 services=$2
	shift 2
	unshare -m sh -c 'mount --bind "$1" /etc/nsswitch.conf && mount --bind "$2" /etc/services && shift 2 && exec "$@"' \
		_ "$conf" "$services" env -u PORTKIT_NSS_INDEX LD_LIBRARY_PATH="$build:$build/bench" "$@"
}
status=0
{
	in_ns "$T/ns.portkit" "$netbase" "$B" glibc portkit || status=1
	in_ns "$T/ns.files" "$T/services.full" "$B" glibc files-full || status=1
	in_ns "$T/ns.files" "$netbase" "$B" glibc files-netbase || status=1
	in_ns "$T/ns.stub" "$netbase" "$B" glibc stub || status=1
	env -u PORTKIT_NSS_INDEX "$B" direct "$MOD" || status=1
	env -u PORTKIT_NSS_INDEX "$B" load load "$MOD" 25 || status=1
	"$B" load load-stub "$build/bench/libnss_pkstub.so.2" 25 || status=1
} > "$T/results"
grep WRONG "$T/results" && status=1
lines_full=$(grep -vc -e '^#' -e '^$' "$T/services.full")
lines_netbase=$(grep -vc -e '^#' -e '^$' "$netbase")
size=$(wc -c < "$MOD")
text=$(size "$MOD" 2> /dev/null | awk 'NR == 2 { print $1 }')
awk -v full="$lines_full" -v nb="$lines_netbase" -v size="$size" -v text="$text" '
	{ v[$1 " " $2] = $3 }
	END {
		split("port-hit port-miss name-hit name-miss", ops, " ")
		printf "%-10s %10s %12s %14s %8s %14s\n", "op", "portkit", "files-full", "files-netbase", "stub", "portkit-direct"
		for (i = 1; i <= 4; i++) {
			o = ops[i]
			printf "%-10s %10.0f %12.0f %14.0f %8.0f %14.0f\n", o, v["portkit " o], v["files-full " o],
				v["files-netbase " o], v["stub " o], v["direct " o]
		}
		printf "(files-full: %d entries written by portkit export; files-netbase: %d)\n\n", full, nb
		printf "ratios, same run:\n"
		for (i = 1; i <= 4; i++) {
			o = ops[i]
			r1 = v["files-full " o] / v["portkit " o]
			r2 = v["portkit " o] / v["stub " o]
			r3 = v["files-netbase " o] / v["portkit " o]
			printf "  %-10s files-full/portkit %7.1fx   portkit/stub %5.2fx   files-netbase/portkit %5.2fx\n", o, r1, r2, r3
		}
		m1 = v["files-full port-miss"] / v["portkit port-miss"]
		m2 = v["portkit port-miss"] / v["stub port-miss"]
		m3 = v["files-netbase port-miss"] / v["portkit port-miss"]
		printf "goals (port miss): >= 200x files-full: %s (%.0fx); <= 1.5x stub: %s (%.2fx); faster than files-netbase: %s (%.2fx)\n",
			(m1 >= 200 ? "met" : "NOT met"), m1, (m2 <= 1.5 ? "met" : "NOT met"), m2, (m3 > 1 ? "met" : "NOT met"), m3
		n1 = v["files-full name-miss"] / v["portkit name-miss"]
		n2 = v["portkit name-miss"] / v["stub name-miss"]
		printf "goals (name miss): >= 200x files-full: %s (%.0fx); <= 1.5x stub: %s (%.2fx)\n",
			(n1 >= 200 ? "met" : "NOT met"), n1, (n2 <= 1.5 ? "met" : "NOT met"), n2
		printf "module: %d bytes (%d of text and read-only data, the snapshot most of it, mapped shared and read-only)\n", size, text
		printf "loading it: dlopen + first lookup %.0f us in a fresh process (median; the stub module %.0f us, %.1fx);\n",
			v["load dlopen+first-lookup"] / 1000, v["load-stub dlopen+first-lookup"] / 1000,
			v["load dlopen+first-lookup"] / v["load-stub dlopen+first-lookup"]
		printf "  %d KiB more resident (stub %d), of which %d KiB private and dirty (stub %d): the rest are the module file'"'"'s page-cache pages, shared by every process\n",
			v["load resident-kb"], v["load-stub resident-kb"], v["load private-dirty-kb"], v["load-stub private-dirty-kb"]
	}' "$T/results"
exit $status
