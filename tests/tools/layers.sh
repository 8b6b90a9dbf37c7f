#!/bin/sh
# tests/tools/layers.sh - the dependency rule of lib/, checked on the built
# objects (what the linker sees, not what the includes say).
#
#   sh tests/tools/layers.sh BUILDDIR        checks BUILDDIR/lib/**/*.o
#   sh tests/tools/layers.sh --listing FILE  checks an `nm -A -P` listing
#   sh tests/tools/layers.sh --graph BUILDDIR   prints "user -> definer  symbol"
#   sh tests/tools/layers.sh --table         prints the layer table
#
# An object may use a global symbol of another object only when
#   - both are in the same folder, or the definer's folder has a lower
#     rank than the user's (siblings of equal rank never call each other),
#   - and no chain of such uses leads back to the user: no file-level
#     cycles, inside a folder either.
# Exit status: 0 when the rule holds, 1 with one line per violation, 2 on
# a usage or tool error.  docs/architecture.md mirrors the table; the test
# (tests/cli/test_layers.sh) fails when the two differ.
set -u

# ---- the layer table: folder of lib/ and its rank -------------------------
# A new folder gets one line here (and the same line in
# docs/architecture.md); an object in a folder without a line fails.
LAYERS='
core            0
registry        1
registry/import 2
ephemeral       2
host            2
apps            2
update          3
audit           3
choose          3
firewall        3
classify        3
render          4
'
# ---- end of the table -------------------------------------------------------

usage() {
	echo "usage: layers.sh BUILDDIR | --listing FILE | --graph BUILDDIR | --table" >&2
	exit 2
}

top=$(cd "$(dirname "$0")/../.." && pwd)

# nm -A -P over every object under BUILDDIR/lib whose source still exists
# (a file moved or removed leaves its old object behind).
listing() {
	[ -d "$1/lib" ] || { echo "layers.sh: no $1/lib (build first)" >&2; exit 2; }
	objs=
	for o in $(cd "$1" && find lib -name '*.o' | sort); do
		[ -f "$top/${o%.o}.c" ] && objs="$objs $1/$o"
	done
	[ -n "$objs" ] || { echo "layers.sh: no objects under $1/lib" >&2; exit 2; }
	# shellcheck disable=SC2086
	nm -A -P $objs || { echo "layers.sh: nm failed" >&2; exit 2; }
}

# Reads a listing on stdin; mode "check" or "graph".
analyse() {
	awk -v mode="$1" -v layers="$LAYERS" '
	function folder(path,   p) {
		# build/lib/registry/import/import_xml.o -> registry/import
		p = path
		sub(/^.*\/lib\//, "", p)
		if (p !~ /\//)
			return "."
		sub(/\/[^\/]*$/, "", p)
		return p
	}
	function short(path,   p) {
		p = path
		sub(/^.*\/lib\//, "", p)
		return p
	}
	BEGIN {
		n = split(layers, lines, "\n")
		for (i = 1; i <= n; i++) {
			if (split(lines[i], f, " ") == 2)
				rank[f[1]] = f[2] + 0
		}
		bad = 0
	}
	{
		file = $1
		sub(/:$/, "", file)
		sym = $2
		type = $3
		obj = short(file)
		if (!(obj in seen)) {
			seen[obj] = 1
			nobj++
			objs[nobj] = obj
		}
		if (type == "U" || type == "w" || type == "v") {
			nuse++
			use_obj[nuse] = obj
			use_sym[nuse] = sym
		} else if (type ~ /^[TDBRVWGSCui]$/) {
			if ((sym in def) && def[sym] != obj) {
				printf "duplicate: %s defines %s, as %s does\n", obj, sym, def[sym]
				bad = 1
			}
			def[sym] = obj
		}
	}
	END {
		for (i = 1; i <= nobj; i++) {
			o = objs[i]
			if (!(folder(o) in rank)) {
				printf "table: %s is in folder lib/%s, which has no layer (add a line to the table in tests/tools/layers.sh and docs/architecture.md)\n", o, folder(o)
				bad = 1
			}
		}
		# Edges between objects, with the first symbol that makes each.
		for (i = 1; i <= nuse; i++) {
			u = use_obj[i]; s = use_sym[i]
			if (!(s in def) || def[s] == u)
				continue
			d = def[s]
			if ((u SUBSEP d) in why)
				continue
			why[u, d] = s
			nedge++
			edge_u[nedge] = u
			edge_d[nedge] = d
			nadj[u]++
			adj[u, nadj[u]] = d
			if (mode == "graph")
				printf "%s -> %s  %s\n", u, d, s
		}
		if (mode == "graph")
			exit 0
		# (b) layers: same folder, or a strictly lower rank.
		for (i = 1; i <= nedge; i++) {
			u = edge_u[i]; d = edge_d[i]
			fu = folder(u); fd = folder(d)
			if (fu == fd || !(fu in rank) || !(fd in rank))
				continue
			if (rank[fd] >= rank[fu]) {
				printf "layer: %s (lib/%s, rank %d) uses %s from %s (lib/%s, rank %d): %s\n", \
				    u, fu, rank[fu], why[u, d], d, fd, rank[fd], \
				    (rank[fd] > rank[fu] ? "a higher layer" : "a sibling of the same rank")
				bad = 1
			}
		}
		# (a) cycles: strongly connected components of more than one
		# object (Tarjan), each printed with the uses that close it.
		idx = 0; sp = 0
		for (i = 1; i <= nobj; i++)
			if (!(objs[i] in index_of))
				strong(objs[i])
		exit bad
	}
	function strong(v,   j, w, c, m, list, a, b) {
		index_of[v] = idx; low[v] = idx; idx++
		stack[++sp] = v; onstack[v] = 1
		for (j = 1; j <= nadj[v]; j++) {
			w = adj[v, j]
			if (!(w in index_of)) {
				strong(w)
				if (low[w] < low[v]) low[v] = low[w]
			} else if (onstack[w] && index_of[w] < low[v]) {
				low[v] = index_of[w]
			}
		}
		if (low[v] != index_of[v])
			return
		m = 0
		do {
			w = stack[sp--]; onstack[w] = 0
			comp[++m] = w
		} while (w != v)
		if (m < 2)
			return
		list = ""
		for (a = m; a >= 1; a--)
			list = list (list == "" ? "" : ", ") comp[a]
		printf "cycle: %s call each other:", list
		for (a = 1; a <= m; a++)
			for (b = 1; b <= m; b++)
				if ((comp[a] SUBSEP comp[b]) in why)
					printf " %s -> %s (%s);", comp[a], comp[b], why[comp[a], comp[b]]
		printf "\n"
		bad = 1
	}'
}

case "${1:-}" in
--table)
	printf '%s\n' "$LAYERS" | sed '/^$/d'
	;;
--listing)
	[ $# -eq 2 ] && [ -r "$2" ] || usage
	analyse check < "$2"
	;;
--graph)
	[ $# -eq 2 ] || usage
	listing "$2" | analyse graph
	;;
-*|'')
	usage
	;;
*)
	[ $# -eq 1 ] || usage
	out=$(listing "$1") || exit 2
	printf '%s\n' "$out" | analyse check
	;;
esac
