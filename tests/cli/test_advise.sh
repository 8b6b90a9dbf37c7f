#!/bin/sh
# test_advise.sh - `portkit advise`: exit codes (0 nothing against the plan,
# 1 warnings, 2 usage), findings with their RFC sections, --draft and --json,
# against the fixture registry tests/data/pick/registry.csv.
. "$(dirname "$0")/lib.sh"

IDX="$CLI_TMP/advise.idx"
jqout() { jq -e "$1" "$CLI_TMP/out" > /dev/null 2>&1; }

if ! "$PORTKIT" import "$DATA/pick/registry.csv" -o "$IDX" > /dev/null 2>&1; then
	skip "advise: registry fixture" "portkit import cannot compile tests/data/pick/registry.csv"
	IDX=""
fi

if [ -n "$IDX" ]; then
	A="$PORTKIT advise --index $IDX"

	run $A --name newthing --port 4711/tcp
	expect "advise: a clean plan exits 0" 0 "^ok +RFC 6335 §5\.1 +'newthing' is a well-formed service name"
	expect "advise: unassigned port, request before deploying" 0 "^info +RFC 7605 §7\.7, §7\.8 +4711/tcp is unassigned"
	expect "advise: RFC 7605 advice is given" 0 "^info +RFC 7605 §7\.2 +ask for one port per service"

	run $A --name alpha
	expect "advise: registered name exits 4" 4 "^warning +RFC 6335 §5 +'alpha' is already registered on 40000/(tcp|udp)"

	run $A --name myapp --port 40000 --proto udp
	expect "advise: assigned port names its service" 4 "^warning +RFC 7605 §7\.8 +40000/udp is assigned to 'alpha' \(Alpha test service\)"

	run $A --name keeper --port 4200/tcp
	expect "advise: the plan is the assignment" 0 "'keeper' is already assigned on 4200/tcp"
	run $A --name alpha --port 40000/tcp
	expect "advise: an assignment inside OS ephemeral ranges still warns" 4 "^warning +RFC 6335 §6; RFC 6056 §3\.2 +40000 lies in the ephemeral range of"


	run $A --port 4200/udp
	expect "advise: reserved port" 4 "^warning +RFC 6335 §8\.1 +4200/udp is Reserved"

	run $A --port 50000
	expect "advise: dynamic port is an error, exit 4" 4 "^error +RFC 6335 §6, §8\.1\.2 +50000 is a Dynamic/Private port"
	expect "advise: dynamic port lies in OS ranges" 4 "RFC 6056 §3\.2 .*ephemeral range of"

	run $A --port 80
	expect "advise: system port" 4 "^warning +RFC 6335 §8\.1\.2; RFC 7605 §7\.3 +80 is a System port"
	expect "advise: no transport: tcp assumed" 4 "tcp assumed"

	run $A --port 1021/udp
	expect "advise: experimental port" 4 "RFC 7605 §7\.7; RFC 4727; RFC 6335 +1021 is an experimental port"
	check "advise: an experimental port is not 'squatting'" sh -c '! printf "%s\n" "$1" | grep -q squatting' _ "$out"

	run $A --name http --port 80/tcp
	check "advise http on 80: no 'before assignment' advice" sh -c '! printf "%s\n" "$1" | grep -q "unassigned port before IANA assigns"' _ "$out"
	run $A --name newthing --port 4711/tcp
	expect "advise a new plan: 'before assignment' advice" 0 "do not deploy on an unassigned port before IANA assigns it"

	run $A --name my_app
	expect "advise: bad name syntax exits 4" 4 "^error +RFC 6335 §5\.1 +'my_app' is not a valid service name: only US-ASCII letters"
	run $A --name foo-v2
	expect "advise: version in the name" 4 "RFC 7605 §7\.5 +'foo-v2' carries a version number"
	run $A --name foo-insecure
	expect "advise: insecure variant" 4 "RFC 7605 §7\.4"

	run $A --name newthing --port 4711/tcp --draft --description "Remote widget control" --contact "Ann <ann@example.org>"
	expect "advise: --draft header" 0 "^IANA assignment request \(https://www\.iana\.org/form/ports-services"
	expect "advise: --draft service name" 0 "^Service Name: +newthing$"
	expect "advise: --draft transport" 0 "^Transport Protocol\(s\): +tcp$"
	expect "advise: --draft port" 0 "^Port Number: +4711$"
	expect "advise: --draft description" 0 "^Description: +Remote widget control$"
	expect "advise: --draft contact" 0 "^Contact: +Ann <ann@example.org>$"
	expect "advise: --draft placeholder" 0 "^Assignee: +\("

	run $A --name newthing --port 4711 --proto tcp,udp --json --draft
	check "advise: --json parses, worst is info" jqout '.worst == "info"'
	check "advise: --json schema and command first" jqout '(keys_unsorted[0:3]) == ["schema", "command", "registry"] and .schema == 2 and .command == "advise"'
	check "advise: --json every finding cites an RFC section, as data and in words" jqout '[.findings[] | select((.cite | length) == 0 or (.cite[0].rfc | type) != "number" or (.text.cite | startswith("RFC ") | not))] | length == 0'
	check "advise: --json plan" jqout '.plan == {"name": "newthing", "port": 4711, "protocols": ["tcp", "udp"], "protocols_assumed": false}'
	check "advise: --json draft" jqout '[.draft[] | select(.field == "Service Name" and .value == "newthing" and .known)] | length == 1'
	check "advise: --json multiple transports advice" jqout '[.findings[] | select(.code == "proto-multiple" and .facts.protocols == ["tcp", "udp"])] | length == 1'
	check "advise: --json facts of port-unassigned" jqout '[.findings[] | select(.code == "port-unassigned") | .facts] == [{"port": 4711, "protocol": "tcp"}, {"port": 4711, "protocol": "udp"}]'
	check "advise: --json no CLI syntax in the words" jqout '[.findings[].text[] | select(test("portkit |(^| )--[a-z]"))] | length == 0'
	run $A --name myapp --port 40000/tcp --json
	check "advise: --json record of an assigned port" jqout '[.findings[] | select(.code == "port-assigned") | .facts.service] == ["alpha"]'
	check "advise: --json record id is a number" jqout '[.findings[] | select(.code == "port-assigned") | .facts.record | type] == ["number"]'
	check "advise: --json exit 4 with warnings" [ "$rc" -eq 4 ]
	run $A --port 4711 --json
	check "advise: --json transport assumed" jqout '.plan.protocols == ["tcp"] and .plan.protocols_assumed and .plan.name == null'
	run $A --name newthing --port 4711/tcp
	expect "advise: the CLI's own hint names --draft" 0 "^hint: --draft adds the fields of the IANA assignment request$"
fi

# ---- usage: exit 2 ----------------------------------------------------------
IDXOPT=""
[ -n "$IDX" ] && IDXOPT="--index $IDX"
bad() { # $1 name, $2 regex, rest: arguments
	name=$1 re=$2
	shift 2
	run "$PORTKIT" advise $IDXOPT "$@"
	expect_err "advise: usage: $name" 2 "$re"
}
bad "nothing to review" "nothing to review: expected --name, --port, or both"
run "$PORTKIT" advise $IDXOPT --port 70000 --json
# (--json after the bad option: options are checked once all are read)
expect_err "advise: usage error with --json: exit 2" 2 "70000"
if command -v jq > /dev/null; then
	check "advise: usage error with --json is a JSON error document" jqout '.schema == 2 and .command == "advise" and .error.status == "PK_INVAL"'
fi
bad "--port 70000" "70000" --port 70000
bad "--port 80-90" "invalid port '80-90': expected one port, not a range" --port 80-90
bad "--port abc" "abc" --port abc
bad "--port ''" "invalid|empty" --port ""
bad "--port and --proto disagree" "--port and --proto name different transports" --port 80/tcp --proto udp
bad "--proto xyz" "invalid transport 'xyz'" --name foo --proto xyz
bad "extra argument" "unexpected argument 'bar'" --name foo bar
bad "unknown option" "unrecognized option|invalid option" --bogus
