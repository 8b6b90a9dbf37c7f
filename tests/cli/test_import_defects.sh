#!/bin/sh
# tests/cli/test_import_defects.sh - real-world files (tests/data/import-defects):
# each defect is imported with its exact warning (FILE:LINE) and counted,
# nothing is lost silently, and --strict refuses the file.
. "$(dirname "$0")/lib.sh"

D=$DATA/import-defects
J=$BUILD/tests/tools/json_get

# defect FILE LINE-OF-THE-FIRST-WARNING MESSAGE: --strict refuses FILE with
# that message, exit 3, and writes nothing.
strict_refuses() {
	run "$PORTKIT" import --strict "$D/$1" -o "$CLI_TMP/strict.idx"
	expect_err "$1: --strict refuses it" 3 "^portkit: .*$1:$2: $3"
	check "$1: --strict writes nothing" test ! -e "$CLI_TMP/strict.idx"
}

run "$PORTKIT" import "$D/bom.services" -o "$CLI_TMP/bom.idx"
expect "BOM: imported" 0 '^  records:  2 \(tcp 1, udp 1,'
expect_err "BOM: the warning names FILE:1" 0 '^.*bom\.services:1: warning: a UTF-8 byte order mark starts the file \(read past it\)$'
expect "BOM: one warning, nothing skipped" 0 '^  warnings:  1 in all$'
expect "BOM: nothing skipped" 0 '^  skipped:   0 '
run "$PORTKIT" --index "$CLI_TMP/bom.idx" echo/tcp
expect "BOM: the first entry is kept" 0 '^7 +tcp +System +echo +\[services\(5\)\] Echo$'
strict_refuses bom.services 1 "a UTF-8 byte order mark starts the file"

run "$PORTKIT" import "$D/latin1-comment.services" -o "$CLI_TMP/l1.idx"
expect_err "Latin-1 comment: the warning names FILE:4" 0 'latin1-comment\.services:4: warning: byte 0xe9 in the comment is not UTF-8 text; comment skipped$'
expect "Latin-1 comment: the entry is kept (3 records)" 0 '^  records:  3 \(tcp 3,'
run "$PORTKIT" --index "$CLI_TMP/l1.idx" sink
expect "Latin-1 comment: the entry and its aliases are kept, without the comment" 0 '^9 +tcp +System +discard +\[services\(5\)\] +\(aliases: sink, null\)$'
strict_refuses latin1-comment.services 4 "byte 0xe9 in the comment is not UTF-8 text$"

run "$PORTKIT" import "$D/bad-lines.services" -o "$CLI_TMP/bl.idx"
expect_err "bad lines: unknown transport at FILE:5" 0 "bad-lines\.services:5: warning: invalid port '80/xyz' \(expected PORT/PROTO: .*\); line skipped$"
expect_err "bad lines: port out of range at FILE:6" 0 "bad-lines\.services:6: warning: invalid port '70000/tcp' .*; line skipped$"
expect_err "bad lines: AppleTalk at FILE:7" 0 "bad-lines\.services:7: warning: transport of '1/ddp' has no IANA port numbers; line skipped$"
expect_err "bad lines: a control character, escaped, at FILE:9" 0 "bad-lines\.services:9: warning: invalid service name 'bad\\\\x01name' \(expected printable ASCII\); line skipped$"
expect "bad lines: 2 records" 0 '^  records:  2 \(tcp 2,'
expect "bad lines: 4 skipped" 0 '^  skipped:   4 lines or records left out, each with a warning$'
check "bad lines: every warning is on stderr (4)" test "$(printf '%s\n' "$err" | grep -c ': warning: ')" = 4
strict_refuses bad-lines.services 5 "invalid port '80/xyz'"
run "$PORTKIT" import --json "$D/bad-lines.services" -o "$CLI_TMP/blj.idx"
printf '%s\n' "$out" > "$CLI_TMP/bl.json"
check "bad lines, --json: counts" test "$("$J" records warnings_total skipped < "$CLI_TMP/bl.json" | tr '\n' ' ')" = "2 4 4 "
check "bad lines, --json: the first warning's line and message" \
	test "$("$J" warnings.0.line warnings.3.line warnings.2.message < "$CLI_TMP/bl.json" | tr '\n' '|')" = \
	"5|9|transport of '1/ddp' has no IANA port numbers; line skipped|"
check "bad lines, --json: no warning text on stderr" test -z "$err"

run "$PORTKIT" import "$D/duplicates.services" -o "$CLI_TMP/dup.idx"
expect "duplicates: 2 records" 0 '^  records:  2 \(tcp 2,'
expect "duplicates: 3 merged, counted" 0 '^  merged:    3 duplicate records'
run "$PORTKIT" --index "$CLI_TMP/dup.idx" www
expect "duplicates: the alias once" 0 '^80 +tcp +System +http +\[services\(5\)\] World Wide Web HTTP \(aliases: www\)$'

run "$PORTKIT" import "$D/nonconforming.csv" -o "$CLI_TMP/nc.idx"
expect "non-conforming name: kept (3 records)" 0 '^  records:  3 \(tcp 2, udp 1,'
expect "non-conforming name: counted" 0 "^  odd names: 1 kept that break RFC 6335's name syntax$"
run "$PORTKIT" --index "$CLI_TMP/nc.idx" "Apple Remote Desktop (Net Assistant)"
expect "non-conforming name: found by its exact text" 0 '^3283 +udp +User +Apple Remote Desktop \(Net Assistant\) +Net Assistant$'
run "$PORTKIT" --index "$CLI_TMP/nc.idx" "apple remote desktop (net assistant)/udp"
expect "  ... case-insensitively, with /udp" 0 '^3283 +udp +User +Apple Remote Desktop'
run "$PORTKIT" --index "$CLI_TMP/nc.idx" --long 3283/udp
expect "  ... and flagged in --long" 0 '^name syntax: +kept as the source has it, though not RFC 6335 syntax'
run "$PORTKIT" --index "$CLI_TMP/nc.idx" --json 3283/udp
check "  ... and in --json" test "$(printf '%s\n' "$out" | "$J" queries.0.records.0.nonconforming)" = true
run "$PORTKIT" --index "$CLI_TMP/nc.idx" search remote desktop
expect "  ... and by a search" 0 'Apple Remote Desktop \(Net Assistant\)'

run "$PORTKIT" import "$D/bad-record.csv" -o "$CLI_TMP/brc.idx"
expect_err "CSV: a record with 11 fields at FILE:3" 0 'bad-record\.csv:3: warning: 11 fields \(expected 12, as in the header\); record skipped$'
expect_err "CSV: a port out of range at FILE:5" 0 "bad-record\.csv:5: warning: invalid port number '70000' .*; record skipped$"
expect "CSV: the other 2 records" 0 '^  records:  2 \(tcp 2,'
expect "CSV: 2 skipped" 0 '^  skipped:   2 '
strict_refuses bad-record.csv 3 "11 fields"

run "$PORTKIT" import "$D/bad-record.xml" -o "$CLI_TMP/brx.idx"
expect_err "XML: a port out of range at FILE:16" 0 "bad-record\.xml:16: warning: invalid <number> '70000' .*; record skipped$"
expect_err "XML: an unknown transport at FILE:21" 0 "bad-record\.xml:21: warning: unknown <protocol> 'xyz' .*; record skipped$"
expect "XML: the other record" 0 '^  records:  1 \(tcp 1,'
strict_refuses bad-record.xml 16 "invalid <number> '70000'"
head -c 600 "$D/bad-record.xml" > "$CLI_TMP/cut.xml"
run "$PORTKIT" import "$CLI_TMP/cut.xml" -o "$CLI_TMP/cut.idx"
expect_err "XML: malformed structure stays fatal" 3 'cut\.xml:[0-9]+: '

# Compressed input: gzip is read; xz, bzip2 and zstd are refused by name.
gzip -c "$D/bad-lines.services" > "$CLI_TMP/bl.services.gz"
run "$PORTKIT" import "$CLI_TMP/bl.services.gz" -o "$CLI_TMP/gz.idx"
expect "gzip: read (2 records)" 0 '^  records:  2 \(tcp 2,'
expect_err "gzip: the warnings name the .gz file and the line" 0 "bl\.services\.gz:5: warning: invalid port '80/xyz'"
run "$PORTKIT" import --format services "$CLI_TMP/bl.services.gz" -o "$CLI_TMP/gz2.idx"
expect "gzip with --format services: decompressed, not read as text" 0 '^  records:  2 \(tcp 2,'
gzip -c "$DATA/cli/registry.xml" > "$CLI_TMP/reg.xml.gz"
run "$PORTKIT" import "$CLI_TMP/reg.xml.gz" -o "$CLI_TMP/gz3.idx"
expect "gzip: the format is told from the decompressed bytes (XML)" 0 '^  source:   IANA XML: '
head -c 100 "$CLI_TMP/reg.xml.gz" > "$CLI_TMP/cut.gz"
run "$PORTKIT" import "$CLI_TMP/cut.gz" -o "$CLI_TMP/cut.idx"
expect_err "gzip: truncated data is an error" 3 'cut\.gz:1: truncated gzip data'
printf '\375\067\172\130\132\000rest' > "$CLI_TMP/x.xz"
run "$PORTKIT" import "$CLI_TMP/x.xz" -o "$CLI_TMP/xz.idx"
expect_err "xz: refused by name" 3 'x\.xz: xz-compressed data \(expected a registry as text, or gzip; decompress it first\)$'
check "nothing written for refused input" test ! -e "$CLI_TMP/xz.idx" -a ! -e "$CLI_TMP/cut.idx"
