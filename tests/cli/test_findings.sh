#!/bin/sh
# tests/cli/test_findings.sh - audit, advise and listeners, byte for byte:
# their JSON documents (tests/cli/expected/json_{audit,advise,listeners}*.json)
# and text (expected/{audit,advise,listeners}_*.out) on the fixture hosts
# (tests/data/proc-*) and registries, errors and empty answers included;
# the envelope of every document; no command-line syntax in the words the
# library gives a finding (the CLI's own hints are separate lines).
# PK_REGEN_GOLDEN=1 rewrites the golden files instead of comparing.
. "$(dirname "$0")/lib.sh"
J=$BUILD/tests/tools/json_get

# The fixture /proc trees hold 32-bit words as a little-endian kernel
# prints them.
if [ "$(printf '\001\000' | od -An -tu2 | tr -d ' ')" != 1 ]; then
	skip "findings golden files" "the fixture /proc trees hold little-endian words"
	exit 0
fi

# Relative paths only: documents name the registry file.
cd "$CLI_TMP" || exit 1
cat > reg.csv <<'EOF'
Service Name,Port Number,Transport Protocol,Description,Assignee,Contact,Registration Date,Modification Date,Reference,Service Code,Unauthorized Use Reported,Assignment Notes
ssh,22,tcp,The Secure Shell (SSH) Protocol,,,,,[RFC4251],,,
http-alt,8080,tcp,HTTP Alternate (see port 80),,,,,,,,
,7777,tcp,Unassigned,,,,,,,,
EOF
"$PORTKIT" import reg.csv -o reg.idx > /dev/null
"$PORTKIT" import "$DATA/pick/registry.csv" -o pick.idx > /dev/null
printf '# services of this host\n40100/tcp   billing api\n30000-40050/tcp pool\n' > ports.conf

# envelope NAME COMMAND: after `run`, the document begins as every one does.
envelope() {
	check "$1: schema, command and registry come first" \
		test "$("$J" keys < "$CLI_TMP/out" | cut -d, -f1-3)" = "schema,command,registry"
	check "$1: schema is 2, command $2" \
		test "$("$J" schema command < "$CLI_TMP/out" | tr '\n' ' ')" = "2 $2 "
}

# same NAME RC FILE: after `run`, the exit status and stdout as FILE.
same() {
	if [ "${PK_REGEN_GOLDEN:-0}" = 1 ]; then
		cp "$CLI_TMP/out" "$EXPECTED/$3"
	fi
	expect_out "$1" "$2" "$3"
}

# golden NAME RC COMMAND ARGS...: the JSON document is expected/json_NAME.json.
golden() {
	name=$1 code=$2 command=$3
	shift 3
	run "$PORTKIT" "$@"
	same "json $name" "$code" "json_$name.json"
	envelope "$name" "$command"
	# Words are for any front end: no program name, no option.
	check "$name: no command-line syntax in the findings' words" \
		sh -c "! grep -E '^ *\"(summary|detail|fix)\": \".*(portkit |(^| |\\()--[a-z])' '$CLI_TMP/out'"
}

# text NAME RC ARGS...: the text is expected/NAME.out.
text() {
	name=$1 code=$2
	shift 2
	run "$PORTKIT" "$@"
	same "text $name" "$code" "$name.out"
}

# error NAME RC COMMAND STATUS ARGS...: an error document holding stderr's
# message, with the library's status.
error() {
	name=$1 code=$2 command=$3 status=$4
	shift 4
	run "$PORTKIT" "$@"
	expect_err "$name: exit $code, message on stderr" "$code" '^portkit: '
	check "$name: schema, command, error" \
		test "$("$J" keys < "$CLI_TMP/out")" = "schema,command,error"
	check "$name: the error document holds stderr's message" \
		test "portkit: $("$J" error.message < "$CLI_TMP/out")" = "$(head -1 "$CLI_TMP/err")"
	check "$name: the status is the library's" \
		test "$("$J" command error.status < "$CLI_TMP/out" | tr '\n' ' ')" = "$command $status "
}

P=$DATA/proc-audit
golden audit 4 audit audit --json --index reg.idx --proc-root "$P" --expect 40100/tcp=billing-api
golden audit_config 4 audit audit --json --index reg.idx --proc-root "$P" --config ports.conf --expect 45000/udp
golden audit_parity 0 audit audit --json --index reg.idx --proc-root "$DATA/proc-parity"
golden audit_exhaust 4 audit audit --json --index reg.idx --proc-root "$DATA/proc-exhaust"
golden audit_reserved 4 audit audit --json --index reg.idx --proc-root "$DATA/proc-reserved"
golden audit_reversed 4 audit audit --json --index reg.idx --proc-root "$DATA/proc-reversed"
text audit_fixture 4 audit --index reg.idx --proc-root "$P" --expect 40100/tcp=billing-api
text audit_config 4 audit --index reg.idx --proc-root "$P" --config ports.conf --expect 45000/udp
text audit_quiet 4 audit --index reg.idx --proc-root "$P" --expect 40100/tcp -q
text audit_exhaust 4 audit --index reg.idx --proc-root "$DATA/proc-exhaust"
# --json after the bad --expect: options are checked once all are read.
error "audit: bad --expect" 2 audit PK_INVAL audit --index reg.idx --proc-root "$P" --expect 70000 --json
error "audit: bad config line" 2 audit PK_INVAL audit --json --index reg.idx --proc-root "$P" --config reg.csv
error "audit: no socket table" 3 audit PK_IO audit --json --proc-root no-such-proc

golden advise 0 advise advise --json --index pick.idx --name newthing --port 4711 --proto tcp,udp --draft --description "Remote widget control"
golden advise_assigned 4 advise advise --json --index pick.idx --name myapp --port 40000/tcp
golden advise_name 4 advise advise --json --index pick.idx --name my_app--v2
golden advise_system 4 advise advise --json --index pick.idx --port 80
text advise_assigned 4 advise --index pick.idx --name myapp --port 40000/tcp
text advise_draft 0 advise --index pick.idx --name newthing --port 4711/tcp --draft --contact "Ann <ann@example.org>"
error "advise: a range" 2 advise PK_INVAL advise --json --index pick.idx --port 80-90
error "advise: nothing to review" 2 advise PK_INVAL advise --json --index pick.idx

golden listeners 0 listeners listeners --json --index reg.idx --proc-root "$P"
golden listeners_udp 0 listeners listeners --json --index reg.idx --proc-root "$P" --proto udp
golden listeners_none 1 listeners listeners --json --index reg.idx --proc-root "$DATA/proc-parity"
text listeners_fixture 0 listeners --index reg.idx --proc-root "$P"
error "listeners: sctp" 2 listeners PK_INVAL listeners --json --proto sctp

# The facts are the sentence's numbers: 40000 is both, in the same finding.
run "$PORTKIT" audit --json --index reg.idx --proc-root "$P"
check "audit: the finding's port is a fact and in its words" test \
	"$("$J" findings.0.code findings.0.facts.port findings.0.text.summary < "$CLI_TMP/out" | tr '\n' '|')" = \
	"ephemeral-port|40000|listening port 40000/tcp is inside the ephemeral range 32768-60999 and not reserved|"
check "audit: the sysctl fix as data" test \
	"$("$J" findings.0.fix.0.kind findings.0.fix.0.key findings.0.fix.0.value findings.0.fix.1.kind findings.0.fix.1.path < "$CLI_TMP/out" | tr '\n' '|')" = \
	"reserve|net.ipv4.ip_local_reserved_ports|40000,55555|file|/etc/sysctl.d/60-portkit.conf|"
# Text: the hints naming portkit's options are the CLI's, after the report.
run "$PORTKIT" audit --index reg.idx --proc-root "$P"
check "audit text: hints come after the summary line" test \
	"$(grep -n -e '^hint: ' -e '^[0-9]* errors*, ' "$CLI_TMP/out" | head -1 | cut -d: -f2-)" = "0 errors, 1 warning, 8 info"
check "audit text: no option in the findings' lines" sh -c \
	"! sed '/^hint: /d' '$CLI_TMP/out' | grep -E 'portkit (audit|advise)|(^| )--[a-z]'"
