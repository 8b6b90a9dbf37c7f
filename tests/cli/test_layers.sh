#!/bin/sh
# tests/cli/test_layers.sh - the dependency rule of lib/ (tests/tools/layers.sh):
# the checker on made-up `nm -A -P` listings first (each rule must be able
# to fail), then on this build's objects; the table in
# docs/architecture.md is the checker's; front ends use the public API.
. "$(dirname "$0")/lib.sh"
top=$(cd "$(dirname "$0")/../.." && pwd)
L="$top/tests/tools/layers.sh"

# listing NAME: the lines on stdin become $CLI_TMP/NAME.nm
listing() { cat > "$CLI_TMP/$1.nm"; }

# ---- the checker on made-up listings ---------------------------------------
listing clean <<'EOF'
b/lib/core/a.o: pk__a T 0 10
b/lib/core/a.o: malloc U
b/lib/core/c.o: pk__c T 0 10
b/lib/core/c.o: pk__a U
b/lib/registry/r.o: pk_r T 0 10
b/lib/registry/r.o: pk__a U
b/lib/registry/r.o: pk__c U
b/lib/registry/import/i.o: pk__i T 0 10
b/lib/registry/import/i.o: pk_r U
b/lib/render/j.o: pk__i U
b/lib/render/j.o: pk__a U
b/lib/render/j.o: pk__local t 0 10
EOF
run sh "$L" --listing "$CLI_TMP/clean.nm"
check "checker: a listing that keeps the rule passes" test "$rc" -eq 0 -a -z "$out"

listing cycle2 <<'EOF'
b/lib/host/host_sockets.o: pk__host_sockets_add_row T 0 10
b/lib/host/host_sockets.o: pk__procnet_parse U
b/lib/host/procnet.o: pk__procnet_parse T 0 10
b/lib/host/procnet.o: pk__host_sockets_add_row U
EOF
run sh "$L" --listing "$CLI_TMP/cycle2.nm"
expect "checker: two files calling each other fail" 1 \
	'^cycle: host/host_sockets\.o, host/procnet\.o call each other: .*host/procnet\.o -> host/host_sockets\.o \(pk__host_sockets_add_row\)'

listing cycle3 <<'EOF'
b/lib/ephemeral/a.o: pk__a T 0 10
b/lib/ephemeral/a.o: pk__b U
b/lib/ephemeral/b.o: pk__b T 0 10
b/lib/ephemeral/b.o: pk__c U
b/lib/ephemeral/c.o: pk__c T 0 10
b/lib/ephemeral/c.o: pk__a U
b/lib/ephemeral/d.o: pk__a U
EOF
run sh "$L" --listing "$CLI_TMP/cycle3.nm"
expect "checker: a cycle through three files fails" 1 '^cycle: ephemeral/a\.o, ephemeral/b\.o, ephemeral/c\.o call each other'
check "checker: a file outside the cycle is not in it" sh -c '! printf "%s\n" "$1" | grep -q "d\.o"' _ "$out"

listing upward <<'EOF'
b/lib/core/a.o: pk__a T 0 10
b/lib/core/a.o: pk__r U
b/lib/registry/r.o: pk__r T 0 10
EOF
run sh "$L" --listing "$CLI_TMP/upward.nm"
expect "checker: a lower layer calling a higher one fails" 1 \
	'^layer: core/a\.o \(lib/core, rank 0\) uses pk__r from registry/r\.o \(lib/registry, rank 1\): a higher layer$'

listing import_up <<'EOF'
b/lib/registry/registry.o: pk__import U
b/lib/registry/import/import.o: pk__import T 0 10
EOF
run sh "$L" --listing "$CLI_TMP/import_up.nm"
expect "checker: the registry calling its importers fails" 1 '^layer: registry/registry\.o .*a higher layer$'

listing sibling <<'EOF'
b/lib/host/h.o: pk__h T 0 10
b/lib/host/h.o: pk__e U
b/lib/ephemeral/e.o: pk__e T 0 10
EOF
run sh "$L" --listing "$CLI_TMP/sibling.nm"
expect "checker: siblings of one rank calling each other fail" 1 '^layer: host/h\.o .*a sibling of the same rank$'

listing nofolder <<'EOF'
b/lib/frontend/x.o: pk__x T 0 10
b/lib/stray.o: pk__s T 0 10
EOF
run sh "$L" --listing "$CLI_TMP/nofolder.nm"
expect "checker: a folder without a layer fails" 1 '^table: frontend/x\.o is in folder lib/frontend, which has no layer'
expect "checker: a file directly in lib/ fails" 1 '^table: stray\.o is in folder lib/\.'

listing dup <<'EOF'
b/lib/core/a.o: pk__x T 0 10
b/lib/core/b.o: pk__x T 0 10
EOF
run sh "$L" --listing "$CLI_TMP/dup.nm"
expect "checker: one symbol defined twice fails" 1 '^duplicate: core/b\.o defines pk__x, as core/a\.o does$'

run sh "$L" --bogus
expect_err "checker: a bad option is a usage error (exit 2)" 2 '^usage: layers\.sh'
run sh "$L" "$CLI_TMP/no-such-build"
expect_err "checker: a missing build directory is exit 2" 2 'no .*no-such-build/lib'

# ---- this build -------------------------------------------------------------
run sh "$L" "$BUILD"
expect "lib/ keeps the rule: no cycles, no call upwards or sideways" 0
check "lib/: the checker saw the dependencies (more than 50 uses)" \
	test "$(sh "$L" --graph "$BUILD" | wc -l)" -gt 50

# ---- docs/architecture.md mirrors the table ------------------------------------
sh "$L" --table > "$CLI_TMP/table"
# The fenced block right after the marker line.
awk '/^<!-- the layer table of tests\/tools\/layers.sh -->$/ { at = 1; next }
     at == 1 && /^```/ { at = 2; next }
     at == 2 && /^```/ { exit }
     at == 2 { print }' "$top/docs/architecture.md" > "$CLI_TMP/doctable"
check "docs/architecture.md has the layer table" test -s "$CLI_TMP/doctable"
check "docs/architecture.md's table is the checker's" \
	diff -u "$CLI_TMP/table" "$CLI_TMP/doctable"

# ---- front ends use the public API only ------------------------------------------
# What src/ needs beyond include/portkit.h, a second front end would need too.
if ls "$BUILD"/src/*.o > /dev/null 2>&1; then
	nm -A -P -u "$BUILD"/src/*.o | awk '$2 ~ /^pk__/' > "$CLI_TMP/internal"
	check "src/ calls no pk__ (library-internal) function" test ! -s "$CLI_TMP/internal"
	if [ -s "$CLI_TMP/internal" ]; then sed 's/^/    /' "$CLI_TMP/internal"; fi
else
	skip "src/ calls no pk__ function" "no objects in $BUILD/src"
fi
