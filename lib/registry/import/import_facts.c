/*
 * import_facts.c - portkit's facts file of IANA's registry
 * (data/iana-facts.tsv, written by tools/mkfacts.c; format in
 * docs/registry.md, "The facts file") and its merge with a registry that
 * has the text but not every name (the npm copy in the embedded snapshot).
 *
 *     %updated<TAB>2026-08-17
 *     name<TAB>ports<TAB>transport<TAB>kind<TAB>historic_alias_of<TAB>text_group
 *     whois++<TAB>63<TAB>tcp<TAB>assigned<TAB>whoispp<TAB>-
 *
 * "-" is an empty field; '#' starts a comment line.
 */
#include <stdlib.h>
#include <string.h>

#include "registry/import/import.h"

typedef struct fact {
	const char *name;     /* NULL: nameless */
	const char *alias_of; /* NULL: not historic; "": historic, target unknown */
	const char *group;    /* NULL: no other name shares its text */
	unsigned long line;
	uint16_t lo, hi;
	bool has_port;
	pk_proto proto;
	pk_rec_kind kind;
} fact;

struct pk_facts {
	char *text; /* the file, cut into NUL-terminated fields */
	fact *f;
	uint32_t n, cap;
	char updated[16];
};

static const char *const kind_words[] = { "assigned", "reserved", "unassigned",
					  "deregistered", "other" };

/* Splits line (NUL-terminated, no '\n') at tabs into at most max fields;
 * max + 1 when there are more. */
static size_t split(char *line, char **field, size_t max)
{
	size_t n = 0;

	for (;;) {
		if (n == max)
			return max + 1; /* more than max */
		field[n++] = line;
		char *tab = strchr(line, '\t');
		if (tab == NULL)
			return n;
		*tab = '\0';
		line = tab + 1;
	}
}

static const char *opt(const char *s)
{
	return strcmp(s, "-") == 0 ? NULL : s;
}

static bool parse_ports(const char *s, fact *f)
{
	pk_portspec spec;

	if (strcmp(s, "-") == 0)
		return true;
	if (strchr(s, '/') != NULL || pk_portspec_parse(s, &spec, NULL) != PK_OK ||
	    spec.lo > spec.hi)
		return false;
	f->has_port = true;
	f->lo = spec.lo;
	f->hi = spec.hi;
	return true;
}

static pk_status parse_line(pk_facts *fs, char *line, unsigned long no,
			    const char *label, pk_error *err)
{
	char *field[6];
	char q[PK_QUOTE_SIZE];
	fact f = { 0 };
	size_t n = split(line, field, 6);

	if (n != 6)
		return pk__import_fail(err, PK_PARSE, label, no,
				      "%zu fields (expected 6: name, ports, transport, kind, historic_alias_of, text_group)",
				      n > 6 ? (size_t)7 : n);
	f.line = no;
	f.name = opt(field[0]);
	if (f.name != NULL && !pk__service_name_valid(f.name))
		return pk__import_fail(err, PK_PARSE, label, no,
				      "invalid name '%s' (expected printable ASCII, blanks only single and inside, or -)",
				      pk__quote(f.name, strlen(f.name), q, sizeof q));
	if (!parse_ports(field[1], &f))
		return pk__import_fail(err, PK_PARSE, label, no,
				      "invalid ports '%s' (expected PORT, LO-HI or -)",
				      pk__quote(field[1], strlen(field[1]), q, sizeof q));
	if (strcmp(field[2], "-") != 0 &&
	    (pk_proto_parse(field[2], strlen(field[2]), &f.proto, NULL) != PK_OK ||
	     f.proto == PK_PROTO_NONE))
		return pk__import_fail(err, PK_PARSE, label, no,
				      "invalid transport '%s' (expected tcp, udp, sctp, dccp or -)",
				      pk__quote(field[2], strlen(field[2]), q, sizeof q));
	size_t k = 0;
	while (k < sizeof kind_words / sizeof kind_words[0] &&
	       strcmp(field[3], kind_words[k]) != 0)
		k++;
	if (k == sizeof kind_words / sizeof kind_words[0])
		return pk__import_fail(err, PK_PARSE, label, no,
				      "invalid kind '%s' (expected assigned, reserved, unassigned, deregistered or other)",
				      pk__quote(field[3], strlen(field[3]), q, sizeof q));
	f.kind = (pk_rec_kind)k;
	f.alias_of = opt(field[4]);
	if (f.alias_of != NULL && strcmp(f.alias_of, "*") == 0)
		f.alias_of = "";
	f.group = opt(field[5]);
	if (fs->n == fs->cap) {
		uint32_t cap = fs->cap ? fs->cap * 2 : 1024;
		fact *nf = realloc(fs->f, cap * sizeof *nf);
		if (nf == NULL)
			return pk__import_fail(err, PK_NOMEM, label, no, "out of memory");
		fs->f = nf;
		fs->cap = cap;
	}
	fs->f[fs->n++] = f;
	return PK_OK;
}

pk_status pk__facts_parse(const char *data, size_t len, const char *label,
			  pk_facts **out, pk_error *err)
{
	pk_facts *fs;
	pk_status st;
	unsigned long no = 0;

	*out = NULL;
	if ((st = pk__import_begin(len, label, err)) != PK_OK)
		return st;
	if ((fs = calloc(1, sizeof *fs)) == NULL || (fs->text = malloc(len + 1)) == NULL) {
		free(fs);
		return pk__import_fail(err, PK_NOMEM, label, 1, "out of memory");
	}
	memcpy(fs->text, data, len);
	fs->text[len] = '\0';
	if (memchr(fs->text, '\0', len) != NULL) {
		st = pk__import_fail(err, PK_PARSE, label, pk__line_at(data, strlen(fs->text)),
				    "a NUL byte (expected the text of data/iana-facts.tsv)");
		goto out;
	}
	for (char *line = fs->text; line != NULL && st == PK_OK;) {
		char *nl = strchr(line, '\n');
		if (nl != NULL)
			*nl = '\0';
		no++;
		if (strncmp(line, "%updated\t", 9) == 0) {
			if (!pk__date_valid(line + 9) || strlen(line + 9) >= sizeof fs->updated)
				st = pk__import_fail(err, PK_PARSE, label, no,
						    "invalid date (expected %%updated<TAB>YYYY-MM-DD)");
			else
				strcpy(fs->updated, line + 9);
		} else if (line[0] != '\0' && line[0] != '#') {
			st = parse_line(fs, line, no, label, err);
		}
		line = nl != NULL ? nl + 1 : NULL;
	}
	if (st == PK_OK && fs->updated[0] == '\0')
		st = pk__import_fail(err, PK_PARSE, label, 1,
				    "no %%updated line (expected %%updated<TAB>YYYY-MM-DD: the registry's date)");
	if (st == PK_OK && fs->n == 0)
		st = pk__import_fail(err, PK_PARSE, label, no, "no records");
out:
	if (st != PK_OK) {
		pk__facts_free(fs);
		return st;
	}
	*out = fs;
	return PK_OK;
}

void pk__facts_free(pk_facts *fs)
{
	if (fs == NULL)
		return;
	free(fs->f);
	free(fs->text);
	free(fs);
}

const char *pk__facts_updated(const pk_facts *fs)
{
	return fs->updated;
}

uint32_t pk__facts_count(const pk_facts *fs)
{
	return fs->n;
}

/* ---- the merge ------------------------------------------------------------ */

#define NONE_ 0xffffffffu

/* A single port with a transport: the unit a one-name-per-port source
 * such as the npm copy speaks for. */
static bool keyed(bool has_port, uint16_t lo, uint16_t hi, pk_proto proto)
{
	return has_port && lo == hi && proto != PK_PROTO_NONE;
}

static uint32_t key_of(uint16_t port, pk_proto proto)
{
	return (uint32_t)port * PK_PROTO_COUNT + (uint32_t)proto;
}

#define NKEYS ((uint32_t)65536 * PK_PROTO_COUNT)

typedef struct merge {
	const pk_facts *fs;
	const pk_registry *base;
	uint32_t *fact_base; /* per fact: the base record it is, or NONE_ */
	uint8_t *fact_drop;  /* per fact: a newer base disagrees */
	uint32_t *base_fact; /* per base record: its fact, or NONE_ */
	uint8_t *base_state; /* per base record: 0 keep, 1 newer than facts, 2 dropped */
	uint32_t *head;      /* per key: first fact, NONE_ */
	uint32_t *next;      /* per fact: next fact of its key */
	pk_recid *ids;
	size_t cap;
} merge;

static bool same_ports(const fact *f, const pk_record *r)
{
	return f->has_port == r->has_port && f->proto == r->proto &&
	       (!f->has_port || (f->lo == r->port_lo && f->hi == r->port_hi));
}

/* Looks up into m->ids, growing it when needed; returns the count. */
static size_t lookup(merge *m, const fact *f, pk_status *st)
{
	for (;;) {
		size_t n = f->name != NULL
			? pk_lookup_name(m->base, f->name, PK_PROTOMASK_ANY, m->ids, m->cap)
			: pk_lookup_port(m->base, f->lo, PK_PROTOMASK(f->proto), m->ids, m->cap);
		if (n <= m->cap)
			return n;
		pk_recid *ids = realloc(m->ids, n * sizeof *ids);
		if (ids == NULL) {
			*st = PK_NOMEM;
			return 0;
		}
		m->ids = ids;
		m->cap = n;
	}
}

/* Pairs every fact with the base record that is the same record: the same
 * name (case-insensitively) on the same ports and transport, or, both
 * nameless, the same kind there. */
static pk_status pair(merge *m)
{
	pk_status st = PK_OK;

	for (uint32_t i = 0; i < m->fs->n; i++) {
		const fact *f = &m->fs->f[i];
		if (f->name == NULL && !f->has_port)
			continue;
		size_t n = lookup(m, f, &st);
		for (size_t k = 0; k < n && st == PK_OK; k++) {
			pk_record r;
			if (m->base_fact[m->ids[k]] != NONE_ ||
			    pk_record_get(m->base, m->ids[k], &r, NULL) != PK_OK ||
			    !same_ports(f, &r))
				continue;
			if (f->name != NULL ? r.name != NULL && pk__strcasecmp(r.name, f->name) == 0
					    : r.name == NULL && r.kind == f->kind) {
				m->fact_base[i] = m->ids[k];
				m->base_fact[m->ids[k]] = i;
				break;
			}
		}
		if (st != PK_OK)
			return st;
	}
	return PK_OK;
}

/* A base record on a single port and transport that no fact pairs with,
 * where the facts have records of their own: the two sources disagree
 * (5543/tcp: qftest-lic-mcp in the npm copy of 2026-09-17,
 * qftest-licserve in IANA's XML of 2026-08-17).  The newer one's view of
 * that port and transport wins whole. */
static void disagree(merge *m, bool base_newer)
{
	uint32_t n = pk_registry_count(m->base);

	for (pk_recid id = 0; id < n; id++) {
		pk_record r;
		if (m->base_fact[id] != NONE_ || pk_record_get(m->base, id, &r, NULL) != PK_OK ||
		    !keyed(r.has_port, r.port_lo, r.port_hi, r.proto))
			continue;
		uint32_t k = key_of(r.port_lo, r.proto);
		if (m->head[k] == NONE_)
			continue; /* nothing to disagree with: the base's own */
		if (!base_newer) {
			m->base_state[id] = 2;
			continue;
		}
		m->base_state[id] = 1;
		for (uint32_t i = m->head[k]; i != NONE_; i = m->next[i])
			if (m->fact_base[i] == NONE_)
				m->fact_drop[i] = 1;
	}
}

static bool same_text(const fact *a, const fact *b)
{
	if (a->group != NULL && b->group != NULL && strcmp(a->group, b->group) == 0)
		return true;
	/* A historic alias and the name it stands for are one record. */
	return (a->alias_of != NULL && b->name != NULL && pk__strcasecmp(a->alias_of, b->name) == 0) ||
	       (b->alias_of != NULL && a->name != NULL && pk__strcasecmp(b->alias_of, a->name) == 0);
}

/* The description a fact with no base record borrows: that of a paired
 * fact on the same port and transport with the same text, or "". */
static const char *borrow(const merge *m, uint32_t i)
{
	const fact *f = &m->fs->f[i];

	if (f->name == NULL || !keyed(f->has_port, f->lo, f->hi, f->proto))
		return "";
	for (uint32_t j = m->head[key_of(f->lo, f->proto)]; j != NONE_; j = m->next[j]) {
		pk_record r;
		if (j == i || m->fact_base[j] == NONE_ || !same_text(f, &m->fs->f[j]) ||
		    pk_record_get(m->base, m->fact_base[j], &r, NULL) != PK_OK)
			continue;
		if (r.description[0] != '\0')
			return r.description;
	}
	return "";
}

/* Adds r (a base record) to b with its aliases, kind and marks from f when
 * it has one; extra_flags are or'ed in. */
static pk_status add_base(pk_builder *b, const pk_registry *base, pk_record r,
			  const fact *f, uint32_t extra_flags)
{
	uint32_t to;
	pk_status st;

	if (f != NULL) {
		r.kind = f->kind;
		r.flags = (r.flags & ~PK_RECFLAG_HISTORIC) |
			  (f->alias_of != NULL ? PK_RECFLAG_HISTORIC : 0u);
		r.alias_of = f->alias_of != NULL ? f->alias_of : "";
	}
	r.flags |= extra_flags;
	if ((st = pk__builder_add(b, &r, &to)) != PK_OK)
		return st;
	for (uint32_t a = 0; a < r.alias_count && st == PK_OK; a++) {
		const char *alias = pk_record_alias(base, r.id, a);
		if (alias != NULL)
			st = pk__builder_add_alias(b, to, alias);
	}
	return st;
}

static pk_status emit(merge *m, pk_builder *b, pk_facts_stats *stats)
{
	pk_status st = PK_OK;

	for (uint32_t i = 0; i < m->fs->n && st == PK_OK; i++) {
		const fact *f = &m->fs->f[i];
		pk_record r;
		if (m->fact_drop[i]) {
			stats->replaced++;
			continue;
		}
		if (m->fact_base[i] != NONE_) {
			st = pk_record_get(m->base, m->fact_base[i], &r, NULL);
			if (st == PK_OK)
				st = add_base(b, m->base, r, f, 0);
			stats->paired++;
			continue;
		}
		memset(&r, 0, sizeof r);
		r.name = f->name;
		r.has_port = f->has_port;
		r.port_lo = f->lo;
		r.port_hi = f->hi;
		r.proto = f->proto;
		r.kind = f->kind;
		r.origin = PK_ORIGIN_IANA;
		r.flags = PK_RECFLAG_FACTS | (f->alias_of != NULL ? PK_RECFLAG_HISTORIC : 0u);
		r.alias_of = f->alias_of;
		r.description = borrow(m, i);
		stats->restored++;
		if (r.description[0] != '\0')
			stats->borrowed++;
		st = pk__builder_add(b, &r, NULL);
	}
	uint32_t n = m->base != NULL ? pk_registry_count(m->base) : 0;
	for (pk_recid id = 0; id < n && st == PK_OK; id++) {
		pk_record r;
		if (m->base_fact[id] != NONE_)
			continue;
		if (m->base_state[id] == 2) {
			stats->dropped++;
			continue;
		}
		if ((st = pk_record_get(m->base, id, &r, NULL)) != PK_OK)
			break;
		st = add_base(b, m->base, r, NULL,
			      m->base_state[id] == 1 ? PK_RECFLAG_NEWER : 0u);
		stats->base_only++;
		if (m->base_state[id] == 1)
			stats->newer++;
	}
	return st;
}

pk_status pk__facts_merge(pk_builder *b, const pk_facts *fs,
			  const pk_registry *base, bool base_newer,
			  pk_facts_stats *stats, pk_error *err)
{
	merge m = { 0 };
	pk_facts_stats local;
	uint32_t nb = base ? pk_registry_count(base) : 0;
	pk_status st = PK_NOMEM;

	if (stats == NULL)
		stats = &local;
	memset(stats, 0, sizeof *stats);
	m.fs = fs;
	m.base = base;
	m.fact_base = malloc((fs->n + 1) * sizeof *m.fact_base);
	m.fact_drop = calloc(fs->n + 1, 1);
	m.next = malloc((fs->n + 1) * sizeof *m.next);
	m.head = malloc(NKEYS * sizeof *m.head);
	m.base_fact = malloc((nb + 1) * sizeof *m.base_fact);
	m.base_state = calloc(nb + 1, 1);
	if (!m.fact_base || !m.fact_drop || !m.next || !m.head || !m.base_fact || !m.base_state)
		goto out;
	memset(m.fact_base, 0xff, fs->n * sizeof *m.fact_base);
	memset(m.base_fact, 0xff, nb * sizeof *m.base_fact);
	memset(m.head, 0xff, NKEYS * sizeof *m.head);
	/* Chains in file order: insert from the end. */
	for (uint32_t i = fs->n; i-- > 0;) {
		const fact *f = &fs->f[i];
		m.next[i] = NONE_;
		if (!keyed(f->has_port, f->lo, f->hi, f->proto))
			continue;
		uint32_t k = key_of(f->lo, f->proto);
		m.next[i] = m.head[k];
		m.head[k] = i;
	}
	st = PK_OK;
	if (base != NULL) {
		if ((st = pair(&m)) != PK_OK)
			goto out;
		disagree(&m, base_newer);
	}
	st = emit(&m, b, stats);
out:
	free(m.fact_base);
	free(m.fact_drop);
	free(m.next);
	free(m.head);
	free(m.base_fact);
	free(m.base_state);
	free(m.ids);
	if (st != PK_OK)
		return pk__error_set(err, st, "merging the IANA facts: %s", pk_strerror(st));
	return PK_OK;
}
