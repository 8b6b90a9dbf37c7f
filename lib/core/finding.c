/* finding.c - the one finding type of the audit and advise: a code, a
 * severity, named typed facts, the fix as data and citations.  A finding
 * is built in scratch arrays (facts, values, steps, ranges, citations)
 * and, once the next one starts, copied at its exact size into an arena
 * of large chunks: ten thousand findings cost a few allocations and touch
 * little more memory than they hold (growing one array for all of them
 * by realloc copied it, and faulted in its pages, over and over). */
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"

/* Arena chunks: what is written there never moves. */
#define CHUNK_MIN 65536

typedef struct chunk {
	struct chunk *next;
	size_t used, cap;
	_Alignas(max_align_t) char data[];
} chunk;

struct pk_finding {
	const char *code;
	pk_severity severity;
	unsigned rank;
	uint32_t port;
	unsigned proto;
	size_t seq;
	size_t nfacts, nfixes, ncites;
	/* In the arena, once sealed. */
	pk_fact *facts;
	pk_fix *fixes;
	pk_cite *cites;
};

struct pk_findings {
	pk_status st;
	bool finished;
	pk_finding **items; /* in the arena; sorting moves the pointers */
	size_t n, cap;
	size_t sealed;      /* items[0..sealed) are complete */
	/* Scratch: the facts, values, ... of the finding being built. */
	pk_fact *facts;
	size_t *fact_v0; /* index of each fact's first value */
	size_t nfacts, capfacts;
	pk_fact_value *values;
	size_t nvalues, capvalues;
	pk_fix *fixes;
	size_t *fix_r0; /* index of each step's first range */
	size_t nfixes, capfixes;
	pk_port_range *ranges;
	size_t nranges, capranges;
	pk_cite *cites;
	size_t ncites, capcites;
	chunk *arena;
};

/* ---- public accessors ---------------------------------------------------- */

const char *pk_fact_type_name(pk_fact_type type)
{
	static const char *const names[] = {
		"uint", "string", "bool", "range", "protocol", "protocols",
		"record", "socket", "destination", "os"
	};
	return (unsigned)type < sizeof names / sizeof names[0] ? names[type] :
								 "unknown";
}

const char *pk_fix_kind_name(pk_fix_kind kind)
{
	static const char *const names[] = { "sysctl", "reserve", "file",
					     "action" };
	return (unsigned)kind < sizeof names / sizeof names[0] ? names[kind] :
								 "unknown";
}

const char *pk_finding_code(const pk_finding *f)
{
	return f->code;
}

pk_severity pk_finding_severity(const pk_finding *f)
{
	return f->severity;
}

size_t pk_finding_fact_count(const pk_finding *f)
{
	return f->nfacts;
}

const pk_fact *pk_finding_fact_at(const pk_finding *f, size_t i)
{
	return i < f->nfacts ? &f->facts[i] : NULL;
}

const pk_fact *pk_finding_fact(const pk_finding *f, const char *key)
{
	for (size_t i = 0; i < f->nfacts; i++)
		if (strcmp(f->facts[i].key, key) == 0)
			return &f->facts[i];
	return NULL;
}

bool pk_finding_uint(const pk_finding *f, const char *key, uint64_t *out)
{
	const pk_fact *x = pk_finding_fact(f, key);

	if (x == NULL || x->count == 0)
		return false;
	switch (x->type) {
	case PK_FACT_UINT:
	case PK_FACT_BOOL:
	case PK_FACT_PROTO:
	case PK_FACT_PROTOS:
	case PK_FACT_RECORD:
		*out = x->values[0].uint;
		return true;
	default:
		return false;
	}
}

const char *pk_finding_string(const pk_finding *f, const char *key)
{
	const pk_fact *x = pk_finding_fact(f, key);

	return x != NULL && x->count > 0 && x->type == PK_FACT_STRING ?
		       x->values[0].string :
		       NULL;
}

bool pk_finding_range(const pk_finding *f, const char *key, pk_port_range *out)
{
	const pk_fact *x = pk_finding_fact(f, key);

	if (x == NULL || x->count == 0 || x->type != PK_FACT_RANGE)
		return false;
	*out = x->values[0].range;
	return true;
}

size_t pk_finding_fix_count(const pk_finding *f)
{
	return f->nfixes;
}

const pk_fix *pk_finding_fix(const pk_finding *f, size_t i)
{
	return i < f->nfixes ? &f->fixes[i] : NULL;
}

size_t pk_finding_cite_count(const pk_finding *f)
{
	return f->ncites;
}

const pk_cite *pk_finding_cite(const pk_finding *f, size_t i)
{
	return i < f->ncites ? &f->cites[i] : NULL;
}

/* ---- building ------------------------------------------------------------ */

pk_findings *pk__findings_new(void)
{
	return calloc(1, sizeof(pk_findings));
}

void pk__findings_free(pk_findings *l)
{
	if (l == NULL)
		return;
	for (chunk *c = l->arena, *next; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
	free(l->items);
	free(l->facts);
	free(l->fact_v0);
	free(l->values);
	free(l->fixes);
	free(l->fix_r0);
	free(l->ranges);
	free(l->cites);
	free(l);
}

static void fail(pk_findings *l)
{
	if (l->st == PK_OK)
		l->st = PK_NOMEM;
}

/* Room for one more element in *arr (and in *side, when given: an array
 * of size_t kept parallel to it). */
static bool grow(pk_findings *l, void **arr, size_t elem, size_t n,
		 size_t *cap, size_t **side)
{
	if (n < *cap)
		return true;
	size_t ncap = *cap ? *cap * 2 : 32;
	void *p = realloc(*arr, ncap * elem);
	if (p == NULL) {
		fail(l);
		return false;
	}
	*arr = p;
	if (side != NULL) {
		size_t *q = realloc(*side, ncap * sizeof *q);
		if (q == NULL) {
			fail(l);
			return false;
		}
		*side = q;
	}
	*cap = ncap;
	return true;
}

static void *arena_alloc(pk_findings *l, size_t size)
{
	size = (size + 15) & ~(size_t)15;
	chunk *c = l->arena;
	if (c == NULL || c->cap - c->used < size) {
		size_t cap = size > CHUNK_MIN ? size : CHUNK_MIN;
		chunk *nc = malloc(sizeof *nc + cap);
		if (nc == NULL) {
			fail(l);
			return NULL;
		}
		nc->next = l->arena;
		nc->used = 0;
		nc->cap = cap;
		l->arena = c = nc;
	}
	void *p = c->data + c->used;
	c->used += size;
	return p;
}

static const char *arena_strdup(pk_findings *l, const char *s)
{
	if (s[0] == '\0')
		return ""; /* the most common string of all */
	size_t n = strlen(s) + 1;
	char *p = arena_alloc(l, n);

	if (p != NULL)
		memcpy(p, s, n);
	return p;
}

/* A finding is being built: added, and not yet sealed. */
static bool building(const pk_findings *l)
{
	return l->st == PK_OK && !l->finished && l->n > l->sealed;
}

/* Copies the finding being built out of the scratch arrays into the
 * arena, at its size, and empties them for the next. */
static void seal(pk_findings *l)
{
	if (l->st != PK_OK || l->sealed == l->n)
		return;
	pk_finding *f = l->items[l->n - 1];
	pk_fact *facts = l->nfacts ? arena_alloc(l, l->nfacts * sizeof *facts) : NULL;
	pk_fact_value *values = l->nvalues ? arena_alloc(l, l->nvalues * sizeof *values) : NULL;
	pk_fix *fixes = l->nfixes ? arena_alloc(l, l->nfixes * sizeof *fixes) : NULL;
	pk_port_range *ranges = l->nranges ? arena_alloc(l, l->nranges * sizeof *ranges) : NULL;
	pk_cite *cites = l->ncites ? arena_alloc(l, l->ncites * sizeof *cites) : NULL;
	if (l->st != PK_OK)
		return;
	if (values != NULL)
		memcpy(values, l->values, l->nvalues * sizeof *values);
	if (ranges != NULL)
		memcpy(ranges, l->ranges, l->nranges * sizeof *ranges);
	for (size_t i = 0; i < l->nfacts; i++) {
		facts[i] = l->facts[i];
		facts[i].values = facts[i].count ? values + l->fact_v0[i] : NULL;
	}
	for (size_t i = 0; i < l->nfixes; i++) {
		fixes[i] = l->fixes[i];
		fixes[i].ports = fixes[i].port_count ? ranges + l->fix_r0[i] : NULL;
	}
	if (cites != NULL)
		memcpy(cites, l->cites, l->ncites * sizeof *cites);
	f->facts = facts;
	f->fixes = fixes;
	f->cites = cites;
	l->nfacts = l->nvalues = l->nfixes = l->nranges = l->ncites = 0;
	l->sealed = l->n;
}

void pk__finding_add(pk_findings *l, const char *code, pk_severity sev)
{
	seal(l);
	if (l->st != PK_OK || l->finished ||
	    !grow(l, (void **)&l->items, sizeof *l->items, l->n, &l->cap, NULL))
		return;
	pk_finding *f = arena_alloc(l, sizeof *f);
	if (f == NULL)
		return;
	memset(f, 0, sizeof *f);
	l->items[l->n] = f;
	f->code = code;
	f->severity = sev;
	f->seq = l->n;
	l->n++;
}

void pk__finding_order(pk_findings *l, unsigned rank, uint32_t port,
		       pk_proto proto)
{
	if (!building(l))
		return;
	pk_finding *f = l->items[l->n - 1];
	f->rank = rank;
	f->port = port;
	f->proto = (unsigned)proto;
}

void pk__fact_list(pk_findings *l, const char *key, pk_fact_type type)
{
	if (!building(l) ||
	    !grow(l, (void **)&l->facts, sizeof *l->facts, l->nfacts,
		  &l->capfacts, &l->fact_v0))
		return;
	pk_fact *x = &l->facts[l->nfacts];
	memset(x, 0, sizeof *x);
	x->key = key;
	x->type = type;
	x->list = true;
	l->fact_v0[l->nfacts] = l->nvalues;
	l->nfacts++;
	l->items[l->n - 1]->nfacts++;
}

/* A new value of the fact key, type: appended to the last fact when that
 * is a list of that key, else the one value of a new fact.  NULL when out
 * of memory or no finding is being built. */
static pk_fact_value *new_value(pk_findings *l, const char *key,
				pk_fact_type type)
{
	if (!building(l))
		return NULL;
	pk_finding *f = l->items[l->n - 1];
	pk_fact *last = f->nfacts ? &l->facts[l->nfacts - 1] : NULL;
	if (last == NULL || !last->list || strcmp(last->key, key) != 0) {
		pk__fact_list(l, key, type);
		if (l->st != PK_OK)
			return NULL;
		last = &l->facts[l->nfacts - 1];
		last->list = false;
	}
	if (last->type != type ||
	    !grow(l, (void **)&l->values, sizeof *l->values, l->nvalues,
		  &l->capvalues, NULL))
		return NULL;
	pk_fact_value *v = &l->values[l->nvalues++];
	memset(v, 0, sizeof *v);
	last->count++;
	return v;
}

void pk__fact_uint(pk_findings *l, const char *key, uint64_t v)
{
	pk_fact_value *x = new_value(l, key, PK_FACT_UINT);
	if (x != NULL)
		x->uint = v;
}

void pk__fact_bool(pk_findings *l, const char *key, bool v)
{
	pk_fact_value *x = new_value(l, key, PK_FACT_BOOL);
	if (x != NULL)
		x->uint = v;
}

void pk__fact_string(pk_findings *l, const char *key, const char *s)
{
	pk_fact_value *x = new_value(l, key, PK_FACT_STRING);
	if (x != NULL && (x->string = arena_strdup(l, s != NULL ? s : "")) == NULL)
		x->string = "";
}

void pk__fact_range(pk_findings *l, const char *key, uint16_t lo, uint16_t hi)
{
	pk_fact_value *x = new_value(l, key, PK_FACT_RANGE);
	if (x != NULL) {
		x->range.lo = lo;
		x->range.hi = hi;
	}
}

void pk__fact_proto(pk_findings *l, const char *key, pk_proto proto)
{
	pk_fact_value *x = new_value(l, key, PK_FACT_PROTO);
	if (x != NULL)
		x->uint = (uint64_t)proto;
}

void pk__fact_protos(pk_findings *l, const char *key, unsigned mask)
{
	pk_fact_value *x = new_value(l, key, PK_FACT_PROTOS);
	if (x != NULL)
		x->uint = mask;
}

void pk__fact_record(pk_findings *l, const char *key, pk_recid id)
{
	pk_fact_value *x = new_value(l, key, PK_FACT_RECORD);
	if (x != NULL)
		x->uint = id;
}

void pk__fact_socket(pk_findings *l, const char *key, const pk_socket *s)
{
	pk_fact_value *x = new_value(l, key, PK_FACT_SOCKET);
	pk_socket *copy = x != NULL ? arena_alloc(l, sizeof *copy) : NULL;
	if (copy != NULL) {
		*copy = *s;
		x->socket = copy;
	}
}

void pk__fact_dest(pk_findings *l, const char *key, const pk_dest_load *d)
{
	pk_fact_value *x = new_value(l, key, PK_FACT_DEST);
	pk_dest_load *copy = x != NULL ? arena_alloc(l, sizeof *copy) : NULL;
	if (copy != NULL) {
		*copy = *d;
		x->dest = copy;
	}
}

void pk__fact_os(pk_findings *l, const char *key, const pk_os_profile *os)
{
	/* Profiles are the library's static table: no copy. */
	pk_fact_value *x = new_value(l, key, PK_FACT_OS);
	if (x != NULL)
		x->os = os;
}

void pk__fact_ports(pk_findings *l, const char *key, const pk_portset *set,
		    uint16_t lo, uint16_t hi, uint32_t max)
{
	uint32_t n = 0;
	int32_t p = pk_portset_next(set, lo);

	pk__fact_list(l, key, PK_FACT_RANGE);
	while (p >= 0 && p <= hi && n < max) {
		uint16_t a = (uint16_t)p, b = a;
		while (b < hi && pk_portset_contains(set, (uint16_t)(b + 1)))
			b++;
		pk__fact_range(l, key, a, b);
		n++;
		p = b == 65535 ? -1 : pk_portset_next(set, (uint32_t)b + 1);
	}
}

static pk_fix *new_step(pk_findings *l, pk_fix_kind kind, const char *code,
			bool alternative)
{
	if (!building(l) ||
	    !grow(l, (void **)&l->fixes, sizeof *l->fixes, l->nfixes,
		  &l->capfixes, &l->fix_r0))
		return NULL;
	pk_fix *x = &l->fixes[l->nfixes];
	memset(x, 0, sizeof *x);
	x->kind = kind;
	x->code = code;
	x->alternative = alternative;
	x->key = x->value = x->path = "";
	l->fix_r0[l->nfixes] = l->nranges;
	l->nfixes++;
	l->items[l->n - 1]->nfixes++;
	return x;
}

void pk__fix_sysctl(pk_findings *l, const char *code, bool alternative,
		    const char *key, const char *value)
{
	pk_fix *x = new_step(l, PK_FIX_SYSCTL, code, alternative);
	if (x == NULL)
		return;
	x->key = key;
	if ((x->value = arena_strdup(l, value)) == NULL)
		x->value = "";
}

void pk__fix_reserve(pk_findings *l, const char *code, uint16_t lo,
		     uint16_t hi)
{
	if (!building(l))
		return;
	pk_finding *f = l->items[l->n - 1];
	pk_fix *x = f->nfixes ? &l->fixes[l->nfixes - 1] : NULL;
	if (x == NULL || x->kind != PK_FIX_RESERVE || strcmp(x->code, code) != 0)
		x = new_step(l, PK_FIX_RESERVE, code, false);
	if (x == NULL ||
	    !grow(l, (void **)&l->ranges, sizeof *l->ranges, l->nranges,
		  &l->capranges, NULL))
		return;
	l->ranges[l->nranges].lo = lo;
	l->ranges[l->nranges].hi = hi;
	l->nranges++;
	x->port_count++;
}

void pk__fix_file(pk_findings *l, const char *code, bool alternative,
		  const char *path, const char *text)
{
	pk_fix *x = new_step(l, PK_FIX_FILE, code, alternative);
	if (x == NULL)
		return;
	x->path = path;
	x->value = text != NULL ? arena_strdup(l, text) : NULL;
}

void pk__fix_action(pk_findings *l, const char *code, bool alternative)
{
	new_step(l, PK_FIX_ACTION, code, alternative);
}

static void add_cite(pk_findings *l, uint32_t rfc, const char *section,
		     size_t len)
{
	char sec[32];

	if (len >= sizeof sec ||
	    !grow(l, (void **)&l->cites, sizeof *l->cites, l->ncites,
		  &l->capcites, NULL))
		return;
	memcpy(sec, section, len);
	sec[len] = '\0';
	const char *s = arena_strdup(l, sec);
	if (s == NULL)
		return;
	l->cites[l->ncites].rfc = rfc;
	l->cites[l->ncites].section = s;
	l->ncites++;
	l->items[l->n - 1]->ncites++;
}

/* "RFC 6335 §6, §8.1.2; RFC 4727": groups by "; ", sections by ", ". */
void pk__cite(pk_findings *l, const char *text)
{
	const char *p = text;

	while (building(l) && strncmp(p, "RFC ", 4) == 0) {
		char *end;
		uint32_t rfc = (uint32_t)strtoul(p + 4, &end, 10);
		p = end;
		if (strncmp(p, " \302\247", 3) != 0) {
			add_cite(l, rfc, "", 0); /* the RFC as a whole */
		} else {
			p++;
			while (strncmp(p, "\302\247", 2) == 0) {
				p += 2;
				size_t n = strspn(p, "0123456789.");
				add_cite(l, rfc, p, n);
				p += n;
				if (strncmp(p, ", ", 2) == 0)
					p += 2;
			}
		}
		if (strncmp(p, "; ", 2) == 0)
			p += 2;
	}
}

const char *pk__findings_strdup(pk_findings *l, const char *s)
{
	return l->st == PK_OK ? arena_strdup(l, s) : NULL;
}

void pk__findings_edit_fixes(pk_findings *l, pk__fix_edit_fn edit, void *ctx)
{
	seal(l);
	if (l->st != PK_OK || l->finished)
		return;
	/* Every step of a finding is looked at before any moves: edit sees
	 * them all as they were. */
	for (size_t i = 0; i < l->n; i++) {
		pk_finding *f = l->items[i];
		uint64_t drop = 0;
		size_t out = 0;
		for (size_t k = 0; k < f->nfixes && k < 64; k++)
			if (!edit(ctx, f->fixes, f->nfixes, k))
				drop |= (uint64_t)1 << k;
		for (size_t k = 0; k < f->nfixes; k++) {
			if (k < 64 && (drop & ((uint64_t)1 << k)))
				continue;
			if (k != out)
				f->fixes[out] = f->fixes[k];
			out++;
		}
		f->nfixes = out;
	}
}

static int cmp_finding(const void *pa, const void *pb)
{
	const pk_finding *a = *(pk_finding *const *)pa;
	const pk_finding *b = *(pk_finding *const *)pb;

	if (a->severity != b->severity)
		return a->severity > b->severity ? -1 : 1;
	if (a->rank != b->rank)
		return a->rank < b->rank ? -1 : 1;
	if (a->port != b->port)
		return a->port < b->port ? -1 : 1;
	if (a->proto != b->proto)
		return a->proto < b->proto ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

void pk__findings_sort(pk_findings *l)
{
	seal(l);
	if (l->st == PK_OK && !l->finished && l->n > 1)
		qsort(l->items, l->n, sizeof *l->items, cmp_finding);
}

pk_status pk__findings_finish(pk_findings *l)
{
	seal(l);
	if (l->st != PK_OK || l->finished)
		return l->st;
	l->finished = true;
	return PK_OK;
}

size_t pk__findings_count(const pk_findings *l)
{
	return l->finished ? l->n : 0;
}

const pk_finding *pk__findings_get(const pk_findings *l, size_t i)
{
	return l->finished && i < l->n ? l->items[i] : NULL;
}

pk_severity pk__findings_worst(const pk_findings *l)
{
	pk_severity w = PK_SEV_OK;

	for (size_t i = 0; i < l->n; i++)
		if (l->items[i]->severity > w)
			w = l->items[i]->severity;
	return w;
}
