#!/bin/sh
# tests/cli/test_apps.sh - portkit app and the catalog's ports in lookups:
# an application with its ports, directions, IP protocols and sources,
# search, --port, --list, unknown names with suggestions, a malformed
# catalog (FILE:LINE), and `portkit PORT` listing the applications on a
# port, marked unofficial where IANA assigns it otherwise.
. "$(dirname "$0")/lib.sh"
# Our own per-user directory: an index another script installed there
# (import, update) would answer instead of the embedded snapshot.
export XDG_DATA_HOME="$CLI_TMP/xdg"

J=$BUILD/tests/tools/json_get

run "$PORTKIT" app pptp
expect "pptp: the control port, IANA's name beside it" 0 '^1723/tcp +in +pptp +control connection$'
expect "pptp: GRE as IP protocol 47" 0 '^proto gre \(47\) +both'
expect "pptp: its conntrack helper" 0 '^conntrack: +pptp$'
expect "pptp: its source" 0 '^sources: +rfc2637$'
run "$PORTKIT" app vnc
expect "vnc: 5901-5903 unofficial" 0 '^5901-5903/tcp +in +- +unofficial +displays :1 to :3'
expect "vnc: 5900 is IANA's rfb" 0 '^5900/tcp +in +rfb'
run "$PORTKIT" app bittorrent
expect "bittorrent: a range on both transports, unofficial" 0 '^6881-6889/udp +both +- +unofficial +DHT and uTP$'
run "$PORTKIT" app RFB
expect "an alias, in any case, finds its application" 0 '^application: +vnc$'
run "$PORTKIT" app asterisk
expect "a dynamic range is marked" 0 '^10000-20000/udp +both +.* dynamic '

run "$PORTKIT" app --json ipsec
printf '%s\n' "$out" > "$CLI_TMP/a.json"
check "json: the app document" test "$("$J" command apps.0.name apps.0.ports.0.port_lo apps.0.ports.0.direction apps.0.ports.0.iana < "$CLI_TMP/a.json" | tr '\n' ' ')" = "app ipsec 500 both isakmp "
check "json: IP protocols" test "$("$J" apps.0.ip_protocols.0.number apps.0.ip_protocols.1.name < "$CLI_TMP/a.json" | tr '\n' ' ')" = "50 ah "
check "json: what IANA assigns on the port" test "$("$J" apps.0.ports.1.iana_assigns < "$CLI_TMP/a.json")" = '["ipsec-nat-t"]'

run "$PORTKIT" app --search remote desktop
expect "search: every word" 0 '^rdp +remote-access +3389/tcp 3389/udp'
run "$PORTKIT" app --search nosuchwordatall
expect_err "search: nothing found" 1 'no application matches nosuchwordatall'
run "$PORTKIT" app --port 62078
expect "--port: an unassigned dynamic port" 0 '^iphone-sync '
run "$PORTKIT" app --list
check "--list: at least 100 applications" test "$(printf '%s\n' "$out" | tail -n +2 | wc -l)" -ge 100

# ---- unknown names, bad catalogs -------------------------------------------
run "$PORTKIT" app postgress
expect_err "unknown: did you mean" 1 "unknown application 'postgress'; did you mean: postgresql\\?"
run "$PORTKIT" app --json postgress
printf '%s\n' "$out" > "$CLI_TMP/u.json"
check "unknown, json: the suggestions" test "$("$J" error.status error.suggestions < "$CLI_TMP/u.json" | tr '\n' ' ')" = 'PK_NOTFOUND ["postgresql"] '
run "$PORTKIT" app qqqqqqqq
expect_err "unknown, nothing close" 1 "unknown application 'qqqqqqqq' \\(portkit app --search"
run "$PORTKIT" app
expect_err "no name" 2 'name an application'
run "$PORTKIT" app --list x
expect_err "--list takes no name" 2 "unexpected argument 'x'"
mkdir -p "$CLI_TMP/cat"
printf 'app good\ntitle G\ncategory web\nport 80/tcp in\nsource rfc9110\n\napp bad\ntitle B\ncategory web\nport 80/tpc in\nsource rfc1\n' > "$CLI_TMP/cat/one.apps"
run "$PORTKIT" app --catalog "$CLI_TMP/cat" good
expect_err "a malformed catalog line: FILE:LINE" 2 "one.apps:10: invalid transport|one.apps:10: .*tpc"
printf 'app good\ntitle G\ncategory web\nport 80/tcp in\nsource rfc9110\n' > "$CLI_TMP/cat/one.apps"
run "$PORTKIT" app --catalog "$CLI_TMP/cat" good
expect "--catalog: a directory of *.apps files" 0 '^application: +good$'
run "$PORTKIT" app --catalog "$CLI_TMP/nosuchdir" good
expect_err "--catalog: a missing directory" 3 'cannot open the catalog directory'

# ---- the catalog's ports in the registry ---------------------------------------
run "$PORTKIT" 6346
expect "6346: the application beside IANA's assignment" 0 '^6346 +tcp +User +gnutella +\[app\] Gnutella'
expect "6346: IANA's own record" 0 '^6346 +tcp +User +gnutella-svc '
run "$PORTKIT" 8333
expect "8333: an unofficial use" 0 '^8333 +tcp +User +bitcoin +\[app, unofficial\]'
run "$PORTKIT" 62078
expect "62078: iphone-sync" 0 '^62078 +tcp +Dynamic/Private +iphone-sync +\[app, unofficial\]'
run "$PORTKIT" 2375
expect "2375: docker, IANA's" 0 '^2375 +tcp +User +docker '
run "$PORTKIT" 5800
expect "5800: vnc's HTTP viewer" 0 '^5800 +tcp +User +vnc +\[app, unofficial\]'
run "$PORTKIT" 6667
expect "6667: irc's practice beside IANA's ircu" 0 '^6667 +tcp +User +irc +\[app\]'
run "$PORTKIT" --long 8333
expect "--long: the origin says the catalog" 0 '^origin: +application catalog \(data/apps\)$'
run "$PORTKIT" pick --range 8333-8333 --avoid-os none --no-host-check --proto tcp
expect_err "pick: an application's port is refused" 1 'commonly used without assignment'

# ---- the crosswalk ----------------------------------------------------------------
# Fixture files of both formats, against the embedded registry and catalog.
mkdir -p "$CLI_TMP/fwd" "$CLI_TMP/ufw"
printf '<?xml version="1.0" encoding="utf-8"?>\n<service>\n  <short>SLP</short>\n  <port port="427" protocol="tcp"/>\n  <port port="427" protocol="udp"/>\n</service>\n' > "$CLI_TMP/fwd/slp.xml"
printf '<?xml version="1.0"?>\n<service><port port="22" protocol="tcp"/></service>\n' > "$CLI_TMP/fwd/ssh.xml"
printf '<?xml version="1.0"?>\n<service><port port="5432" protocol="tcp"/></service>\n' > "$CLI_TMP/fwd/postgresql.xml"
printf 'not xml at all' > "$CLI_TMP/fwd/broken.xml"
printf '[IRC]\ntitle=IRC\ndescription=Internet Relay Chat\nports=6667/tcp\n\n[Web Server]\ntitle=W\ndescription=W\nports=80/tcp\n' > "$CLI_TMP/ufw/chat"
run "$PORTKIT" app --crosswalk --firewalld "$CLI_TMP/fwd" --ufw "$CLI_TMP/ufw"
expect "crosswalk: what was read" 0 '^read: 3 firewalld service files, 2 ufw profiles; '
expect "crosswalk: slp 427 against IANA's 1605" 0 '^firewalld +slp +disjoint +iana +1605/tcp,udp +427/tcp,udp$'
check "crosswalk: the same port on fewer transports agrees (ssh 22/tcp)" sh -c '! printf "%s\n" "$1" | grep -q "^firewalld  *ssh "' _ "$out"
expect "crosswalk: a ufw profile name (irc 6667 vs 194)" 0 '^ufw +irc +disjoint +iana +194/tcp,udp +6667/tcp$'
expect "crosswalk: the catalog's own irc against IANA's" 0 '^catalog +irc +disjoint +iana +194/tcp,udp +6667/tcp 6697/tcp$'
check "crosswalk: agreement is not reported (postgresql 5432/tcp)" sh -c '! printf "%s\n" "$1" | grep -q "^firewalld  *postgresql  *.*iana"' _ "$out"
run "$PORTKIT" app --crosswalk --json --firewalld "$CLI_TMP/fwd" --ufw "$CLI_TMP/nosuch"
printf '%s\n' "$out" > "$CLI_TMP/cw.json"
check "crosswalk json: the document" test "$("$J" command firewalld_files ufw_profiles disagreements.0.source disagreements.0.name disagreements.0.relation disagreements.0.other_ports < "$CLI_TMP/cw.json" | tr '\n' ' ')" = "crosswalk 3 0 firewalld slp disjoint 1605/tcp,udp "

# Debian's own firewalld service files against IANA's XML: the names
# whose ports share nothing with IANA's assignment of the same name,
# checked by hand in /usr/lib/firewalld/services/NAME.xml and the XML.
FWD=/usr/lib/firewalld/services
XML=${PK_IANA_DIR:-}/service-names-port-numbers.xml
if [ ! -d "$FWD" ] || [ -z "${PK_IANA_DIR:-}" ] || [ ! -f "$XML" ]; then
	skip "crosswalk: Debian's firewalld files against IANA" "needs firewalld's service files and the IANA XML"
else
	"$PORTKIT" import "$XML" -o "$CLI_TMP/iana.idx" > /dev/null 2>&1
	run "$PORTKIT" app --crosswalk --index "$CLI_TMP/iana.idx" --firewalld "$FWD" --ufw "$CLI_TMP/nosuch"
	printf '%s\n' "$out" | awk '$1 == "firewalld" && $3 == "disjoint" { $4 = ""; print }' | tr -s ' ' > "$CLI_TMP/found"
	cat > "$CLI_TMP/hand" <<'LIST'
firewalld audit disjoint 182/tcp,udp 60/tcp
firewalld ceph disjoint 3300/tcp 6800-7300/tcp
firewalld irc disjoint 194/tcp,udp 6667/tcp
firewalld ptp disjoint 15740/tcp,udp 319/udp 320/udp
firewalld slp disjoint 1605/tcp,udp 427/tcp,udp
LIST
	check "crosswalk: Debian's firewalld files, disjoint from IANA: the hand-written list" \
		cmp -s "$CLI_TMP/hand" "$CLI_TMP/found"
fi
