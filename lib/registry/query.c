/* query.c - questions as users type them: the lookup grammar (ports,
 * ranges, /PROTO suffixes, names that contain '/'), range and search
 * queries, each checked before it is run and holding its answer. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "registry/registry_internal.h"

struct pk_query {
	pk_query_type type;
	pk_range_filter filter;
	uint16_t lo, hi;
	unsigned mask;      /* the lookup mask; 0 when nothing can match */
	unsigned protocols; /* pk_query_protocols() */
	unsigned own, option; /* the transports of the argument and the caller */
	char *text;
	char *arg;      /* the port list it is an element of, or NULL */
	char name[PK_QUERY_NAME_MAX + 1];
	char **words;
	size_t nwords;
	pk_recid *ids;
	size_t nids;
	pk_port_runs *runs;
	size_t page_offset; /* pk_query_set_page(): the first record given */
	size_t page_limit;  /* at most this many; 0 = no paging */
	const pk_curated *curated;
	const char *suggest[3];
	size_t nsuggest;
};

const char *pk_range_filter_name(pk_range_filter filter)
{
	switch (filter) {
	case PK_FILTER_ALL:
		return "all";
	case PK_FILTER_ASSIGNED:
		return "assigned";
	case PK_FILTER_UNASSIGNED:
		return "unassigned";
	}
	return "unknown";
}

/* The lookup mask for a query's own transports (/PROTO) and the caller's:
 * both given means both must hold (0 when that leaves none); none at all
 * means every one.  Records that name no transport apply to every
 * transport, so they always match. */
static unsigned lookup_mask(unsigned own, unsigned option)
{
	own &= PK_PROTOMASK_TRANSPORTS;
	option &= PK_PROTOMASK_TRANSPORTS;
	unsigned m = own && option ? (own & option) : (own | option);

	if (own && option && m == 0)
		return 0; /* "53/udp --proto tcp": nothing can match */
	if (m == 0)
		return PK_PROTOMASK_ANY;
	return m | PK_PROTOMASK(PK_PROTO_NONE);
}

static void set_mask(pk_query *q, unsigned own, unsigned option)
{
	q->own = own & PK_PROTOMASK_TRANSPORTS;
	q->option = option & PK_PROTOMASK_TRANSPORTS;
	q->mask = lookup_mask(own, option);
	q->protocols = q->mask == PK_PROTOMASK_ANY ? 0 :
		       q->mask & PK_PROTOMASK_TRANSPORTS;
}

static pk_status new_query(const char *text, pk_query_type type,
			   pk_query **out, pk_error *err)
{
	pk_query *q = calloc(1, sizeof *q);

	if (q == NULL || (q->text = strdup(text)) == NULL) {
		free(q);
		return pk__error_set(err, PK_NOMEM, "out of memory");
	}
	q->type = type;
	*out = q;
	return PK_OK;
}

static pk_status parse_ports(const char *arg, unsigned protomask,
			     pk_query **out, pk_error *err)
{
	pk_portspec spec;
	pk_status st = pk_portspec_parse(arg, &spec, err);

	if (st == PK_OK)
		st = new_query(arg, spec.lo == spec.hi ? PK_QUERY_PORT :
					PK_QUERY_RANGE, out, err);
	if (st != PK_OK)
		return st;
	(*out)->lo = spec.lo;
	(*out)->hi = spec.hi;
	set_mask(*out, spec.protos, protomask);
	return PK_OK;
}

/* Digits, '-' and blanks only before any '/': blanks cannot be part of a
 * name, so "80 " is a port with a typo, not a service. */
static bool numeric_looking(const char *s)
{
	return strspn(s, "0123456789- \t") == strcspn(s, "/");
}

/* Parses "tcp", "tcp,udp" into a mask; false when s is not such a list. */
static bool parse_proto_list(const char *s, unsigned *mask)
{
	unsigned m = 0;

	for (;;) {
		size_t n = strcspn(s, ",");
		pk_proto p;
		if (n == 0 || pk_proto_parse(s, n, &p, NULL) != PK_OK ||
		    p == PK_PROTO_NONE)
			return false;
		m |= PK_PROTOMASK(p);
		if (s[n] == '\0')
			break;
		s += n + 1;
	}
	*mask = m;
	return true;
}

/* A port list with a ',' or a transport prefix: "80,443", "T:80". */
static bool is_list(const char *arg)
{
	return arg != NULL && strpbrk(arg, ",:") != NULL &&
	       pk_portlist_looks_like(arg);
}

pk_status pk_query_parse(const char *arg, unsigned protomask, pk_query **out,
			 pk_error *err)
{
	*out = NULL;
	if (arg == NULL)
		return pk__error_set(err, PK_INVAL, "no query");
	if (is_list(arg)) {
		pk_query **qs;
		size_t n;
		pk_status st = pk_query_parse_list(arg, protomask, &qs, &n, err);
		if (st == PK_OK && n == 1) {
			*out = qs[0];
			free(qs);
			return PK_OK;
		}
		pk_query_list_free(qs, n);
		if (st != PK_OK)
			return st;
		return pk__error_set(err, PK_INVAL,
				     "'%.40s' is a list of %zu port specifications; expected one here",
				     arg, n);
	}
	if (numeric_looking(arg))
		return parse_ports(arg, protomask, out, err);
	size_t len = strlen(arg);
	if (len > PK_QUERY_NAME_MAX)
		return pk__error_set(err, PK_INVAL,
				     "invalid service name '%.40s...' (%zu bytes): expected at most %d characters",
				     arg, len, PK_QUERY_NAME_MAX);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)arg[i];
		/* Single inner spaces: names such as "Apple Remote Desktop
		 * (Net Assistant)" are found by their exact text. */
		if (c == ' ' && i > 0 && i + 1 < len && arg[i + 1] != ' ')
			continue;
		if (c <= 0x20 || c >= 0x7f)
			return pk__error_set(err, PK_INVAL,
					     "invalid service name: byte 0x%02x at position %zu; expected printable ASCII, spaces only inside",
					     c, i + 1);
	}
	pk_status st = new_query(arg, PK_QUERY_NAME, out, err);
	if (st != PK_OK)
		return st;
	pk_query *q = *out;
	unsigned own = 0;
	const char *slash = strrchr(arg, '/');
	memcpy(q->name, arg, len + 1);
	if (slash != NULL && slash != arg && parse_proto_list(slash + 1, &own))
		q->name[slash - arg] = '\0';
	set_mask(q, own, protomask);
	return PK_OK;
}

void pk_query_list_free(pk_query **qs, size_t count)
{
	if (qs == NULL)
		return;
	for (size_t i = 0; i < count; i++)
		pk_query_free(qs[i]);
	free(qs);
}

/* The text of one element of a list: "80", "8000-8100", "53/udp". */
static void element_text(const pk_portspec *spec, char *buf, size_t size)
{
	char protos[32];
	int n = spec->lo == spec->hi ?
			snprintf(buf, size, "%u", (unsigned)spec->lo) :
			snprintf(buf, size, "%u-%u", (unsigned)spec->lo,
				 (unsigned)spec->hi);

	if (spec->protos != 0 && n > 0 && (size_t)n < size)
		snprintf(buf + n, size - (size_t)n, "/%s",
			 pk__protomask_format(spec->protos, protos, sizeof protos));
}

pk_status pk_query_parse_list(const char *arg, unsigned protomask,
			      pk_query ***out, size_t *count, pk_error *err)
{
	pk_query **qs;
	pk_portspec *specs = NULL;
	size_t n = 1;
	pk_status st;

	*out = NULL;
	*count = 0;
	if (!is_list(arg)) {
		pk_query *q;
		if ((st = pk_query_parse(arg, protomask, &q, err)) != PK_OK)
			return st;
		if ((qs = malloc(sizeof *qs)) == NULL) {
			pk_query_free(q);
			return pk__error_set(err, PK_NOMEM, "out of memory");
		}
		qs[0] = q;
		*out = qs;
		*count = 1;
		return PK_OK;
	}
	if ((st = pk_portlist_parse(arg, NULL, 0, &n, err)) != PK_OK)
		return st;
	if (n > PK_QUERY_LIST_MAX)
		return pk__error_set(err, PK_INVAL,
				     "invalid port list '%.40s...': %zu elements; expected at most %d (use ranges)",
				     arg, n, PK_QUERY_LIST_MAX);
	specs = malloc(n * sizeof *specs);
	qs = calloc(n, sizeof *qs);
	if (specs == NULL || qs == NULL) {
		free(specs);
		free(qs);
		return pk__error_set(err, PK_NOMEM, "out of memory");
	}
	st = pk_portlist_parse(arg, specs, n, &n, err);
	for (size_t i = 0; st == PK_OK && i < n; i++) {
		char text[64];
		element_text(&specs[i], text, sizeof text);
		/* One element: the argument as given, like any other. */
		st = new_query(n == 1 ? arg : text, specs[i].lo == specs[i].hi ? PK_QUERY_PORT :
								 PK_QUERY_RANGE,
			       &qs[i], err);
		if (st == PK_OK && n > 1 && (qs[i]->arg = strdup(arg)) == NULL)
			st = pk__error_set(err, PK_NOMEM, "out of memory");
		if (st != PK_OK)
			break;
		qs[i]->lo = specs[i].lo;
		qs[i]->hi = specs[i].hi;
		set_mask(qs[i], specs[i].protos, protomask);
	}
	free(specs);
	if (st != PK_OK) {
		pk_query_list_free(qs, n);
		return st;
	}
	*out = qs;
	*count = n;
	return PK_OK;
}

pk_status pk_query_parse_range(const char *arg, unsigned protomask,
			       pk_range_filter filter, pk_query **out,
			       pk_error *err)
{
	*out = NULL;
	if ((unsigned)filter > PK_FILTER_UNASSIGNED)
		return pk__error_set(err, PK_INVAL, "unknown range filter %d",
				     (int)filter);
	pk_status st = parse_ports(arg ? arg : "", protomask, out, err);
	if (st != PK_OK)
		return st;
	pk_query *q = *out;
	q->filter = filter;
	/* Unassigned is per transport: without a restriction the answer is
	 * for tcp and udp, the transports nearly every question is about. */
	if (filter == PK_FILTER_UNASSIGNED && q->mask != 0 && q->protocols == 0)
		q->protocols = PK_PROTOMASK(PK_PROTO_TCP) |
			       PK_PROTOMASK(PK_PROTO_UDP);
	return PK_OK;
}

pk_status pk_query_parse_words(const char *const *words, size_t nwords,
			       unsigned protomask, pk_query **out,
			       pk_error *err)
{
	pk_buf text;
	pk_status st = PK_OK;

	*out = NULL;
	if (words == NULL || nwords == 0)
		return pk__error_set(err, PK_INVAL,
				     "nothing to search for: expected one or more words");
	pk__buf_init(&text, (size_t)-1);
	for (size_t i = 0; i < nwords && st == PK_OK; i++) {
		size_t len = words[i] ? strlen(words[i]) : 0;
		if (len == 0)
			st = pk__error_set(err, PK_INVAL,
					   "invalid search word '': expected a non-empty word");
		else if (len > PK_QUERY_WORD_MAX)
			st = pk__error_set(err, PK_INVAL,
					   "invalid search word '%.40s...' (%zu bytes): expected at most %d bytes",
					   words[i], len, PK_QUERY_WORD_MAX);
		else if ((i > 0 && pk__buf_addc(&text, ' ') != PK_OK) ||
			 pk__buf_addstr(&text, words[i]) != PK_OK ||
			 pk__buf_terminate(&text) != PK_OK)
			st = pk__error_set(err, PK_NOMEM, "out of memory");
	}
	if (st == PK_OK)
		st = new_query(text.data, PK_QUERY_WORDS, out, err);
	pk__buf_free(&text);
	if (st != PK_OK)
		return st;
	pk_query *q = *out;
	q->words = calloc(nwords, sizeof *q->words);
	for (size_t i = 0; q->words != NULL && i < nwords; i++, q->nwords++)
		if ((q->words[i] = strdup(words[i])) == NULL)
			break;
	if (q->words == NULL || q->nwords < nwords) {
		pk_query_free(q);
		*out = NULL;
		return pk__error_set(err, PK_NOMEM, "out of memory");
	}
	set_mask(q, 0, protomask);
	return PK_OK;
}

void pk_query_free(pk_query *q)
{
	if (q == NULL)
		return;
	for (size_t i = 0; i < q->nwords; i++)
		free(q->words[i]);
	free(q->words);
	free(q->ids);
	pk_port_runs_free(q->runs);
	free(q->text);
	free(q->arg);
	free(q);
}

pk_query_type pk_query_get_type(const pk_query *q)
{
	return q->type;
}

const char *pk_query_text(const pk_query *q)
{
	return q->text;
}

const char *pk_query_argument(const pk_query *q)
{
	return q->arg != NULL ? q->arg : q->text;
}

const char *pk_query_name(const pk_query *q)
{
	return q->type == PK_QUERY_NAME ? q->name : NULL;
}

bool pk_query_ports(const pk_query *q, uint16_t *lo, uint16_t *hi)
{
	bool ports = q->type == PK_QUERY_PORT || q->type == PK_QUERY_RANGE;

	*lo = ports ? q->lo : 0;
	*hi = ports ? q->hi : 0;
	return ports;
}

size_t pk_query_word_count(const pk_query *q)
{
	return q->nwords;
}

const char *pk_query_word(const pk_query *q, size_t i)
{
	return i < q->nwords ? q->words[i] : NULL;
}

pk_range_filter pk_query_filter(const pk_query *q)
{
	return q->filter;
}

bool pk_query_conflict(const pk_query *q, unsigned *own, unsigned *option)
{
	if (own != NULL)
		*own = q->own;
	if (option != NULL)
		*option = q->option;
	return q->mask == 0;
}

unsigned pk_query_protocols(const pk_query *q)
{
	return q->protocols;
}

/* One lookup of the query's kind: the total, up to cap ids in out. */
static size_t lookup(const pk_registry *reg, const pk_query *q, pk_recid *out,
		     size_t cap)
{
	switch (q->type) {
	case PK_QUERY_PORT:
		return pk_lookup_port(reg, q->lo, q->mask, out, cap);
	case PK_QUERY_RANGE:
		return pk_lookup_range(reg, q->lo, q->hi, q->mask, out, cap);
	case PK_QUERY_NAME:
		return pk_lookup_name(reg, q->curated ? q->curated->name : q->name,
				      q->mask, out, cap);
	case PK_QUERY_WORDS:
		return pk_search(reg, (const char *const *)q->words, q->nwords,
				 q->mask, out, cap);
	}
	return 0;
}

/* IANA's named records (its origins, PK_ORIGINMASK_IANA), historic
 * aliases included: a list of records, not the state of a port
 * (pk_port_use). */
static bool is_assignment(const pk_registry *reg, pk_recid id)
{
	pk_record r;

	return pk_record_get(reg, id, &r, NULL) == PK_OK && r.kind == PK_KIND_ASSIGNED &&
	       r.origin < 32 && (PK_ORIGINMASK(r.origin) & PK_ORIGINMASK_IANA);
}

/* Does every word occur in s (ASCII case-insensitively)? */
static bool has_words(const pk_query *q, const char *a, const char *b)
{
	for (size_t w = 0; w < q->nwords; w++) {
		size_t n = strlen(q->words[w]);
		bool found = false;
		for (const char *s = a; !found && s != NULL; s = s == a ? b : NULL)
			for (const char *p = s; !found && *p != '\0'; p++)
				found = pk__strncasecmp(p, q->words[w], n) == 0;
		if (!found)
			return false;
	}
	return true;
}

/* Search words that name a curated alias ("dns") or occur in one's
 * words ("remote desktop"): its target's records come first, then the
 * rest of the search, each record once. */
static pk_status curated_search(const pk_registry *reg, pk_query *q,
				pk_error *err)
{
	size_t extra = 0;
	pk_recid *front = NULL;

	for (size_t i = 0; i < pk__curated_count(); i++) {
		const pk_curated *c = pk__curated_get(i);
		if (!has_words(q, c->typed, c->why))
			continue;
		size_t n = pk_lookup_name(reg, c->name, q->mask, NULL, 0);
		if (n == 0)
			continue;
		pk_recid *p = realloc(front, (extra + n) * sizeof *p);
		if (p == NULL) {
			free(front);
			return pk__error_set(err, PK_NOMEM, "out of memory");
		}
		front = p;
		extra += pk_lookup_name(reg, c->name, q->mask, front + extra, n) < n ?
			 0 : n;
	}
	if (extra == 0)
		return PK_OK;
	pk_recid *all = malloc((extra + q->nids) * sizeof *all);
	if (all == NULL) {
		free(front);
		return pk__error_set(err, PK_NOMEM, "out of memory");
	}
	/* The search's own ids are distinct: only the few in front can
	 * repeat one. */
	size_t k = 0, kfront = 0;
	for (size_t i = 0; i < extra + q->nids; i++) {
		pk_recid id = i < extra ? front[i] : q->ids[i - extra];
		bool seen = false;
		for (size_t j = 0; j < (i < extra ? k : kfront) && !seen; j++)
			seen = all[j] == id;
		if (!seen)
			all[k++] = id;
		if (i < extra)
			kfront = k;
	}
	free(front);
	free(q->ids);
	q->ids = all;
	q->nids = k;
	return PK_OK;
}

/* Popularity of a record for ranking: its port and transport's open
 * frequency, or -1 for none (ranges and records without a transport have
 * none). */
static int64_t rank_of(const pk_registry *reg, pk_recid id)
{
	pk_record r;
	uint32_t ppm;

	if (pk_record_get(reg, id, &r, NULL) != PK_OK || !r.has_port ||
	    r.port_lo != r.port_hi || r.proto == PK_PROTO_NONE ||
	    !pk_port_popularity(reg, r.port_lo, r.proto, &ppm))
		return -1;
	return ppm;
}

void pk_query_rank_popularity(const pk_registry *reg, pk_query *q)
{
	if (reg == NULL || pk_popularity_count(reg) == 0)
		return;
	/* Insertion sort, stable: answers are short, and equal popularity
	 * keeps the search's own order. */
	for (size_t i = 1; i < q->nids; i++) {
		pk_recid id = q->ids[i];
		int64_t v = rank_of(reg, id);
		size_t j = i;
		while (j > 0 && rank_of(reg, q->ids[j - 1]) < v) {
			q->ids[j] = q->ids[j - 1];
			j--;
		}
		q->ids[j] = id;
	}
}

const pk_curated *pk_query_curated(const pk_query *q)
{
	return q->curated;
}

size_t pk_query_suggestion_count(const pk_query *q)
{
	return q->nsuggest;
}

const char *pk_query_suggestion(const pk_query *q, size_t i)
{
	return i < q->nsuggest ? q->suggest[i] : NULL;
}

/* Does one of ids give the name a port in a registry (not only in the
 * application catalog, whose names are portkit's own)? */
static bool names_a_port(const pk_registry *reg, const pk_recid *ids, size_t n)
{
	pk_record r;

	for (size_t i = 0; i < n; i++)
		if (pk_record_get(reg, ids[i], &r, NULL) == PK_OK && r.has_port &&
		    r.origin != PK_ORIGIN_APP)
			return true;
	return false;
}

/* Appends the records of q's curated alias, if it has one that names
 * another service the registry has. */
static pk_status add_curated(const pk_registry *reg, pk_query *q, pk_error *err)
{
	const pk_curated *c = pk_curated_alias(q->name);

	if (c == NULL || pk__strcasecmp(c->name, q->name) == 0)
		return PK_OK;
	q->curated = c;
	size_t n = lookup(reg, q, NULL, 0);
	if (n == 0) {
		q->curated = NULL;
		return PK_OK;
	}
	pk_recid *ids = realloc(q->ids, (q->nids + n) * sizeof *ids);
	if (ids == NULL)
		return pk__error_set(err, PK_NOMEM, "out of memory");
	q->ids = ids;
	size_t got = lookup(reg, q, ids + q->nids, n);
	q->nids += got < n ? got : n;
	return PK_OK;
}

pk_status pk_query_run(const pk_registry *reg, pk_query *q, pk_error *err)
{
	free(q->ids);
	q->ids = NULL;
	q->nids = 0;
	pk_port_runs_free(q->runs);
	q->runs = NULL;
	if (reg == NULL)
		return pk__error_set(err, PK_INVAL, "no registry to ask");
	if (q->mask == 0)
		return PK_OK;
	if (q->filter == PK_FILTER_UNASSIGNED)
		return pk_unassigned_runs(reg, q->lo, q->hi, q->protocols,
					  &q->runs, err);
	q->curated = NULL;
	q->nsuggest = 0;
	/* Count, then fill: the lookups return their total. */
	size_t total = lookup(reg, q, NULL, 0);
	if (total == 0 && q->type == PK_QUERY_WORDS)
		return curated_search(reg, q, err);
	if (total > 0) {
		q->ids = malloc(total * sizeof *q->ids);
		if (q->ids == NULL)
			return pk__error_set(err, PK_NOMEM, "out of memory");
		size_t got = lookup(reg, q, q->ids, total);
		q->nids = got < total ? got : total;
	}
	if (q->type == PK_QUERY_NAME && !names_a_port(reg, q->ids, q->nids)) {
		/* A name people type that no registry gives a port ("dns";
		 * "rdp", IANA's port-less Reliable Data Protocol): the
		 * service they mean, after what there is. */
		pk_status st = add_curated(reg, q, err);
		if (st != PK_OK)
			return st;
		if (q->nids == 0)
			q->nsuggest = pk_suggest_names(reg, q->name, q->suggest, 3);
	}
	if (q->nids == 0)
		return PK_OK;
	if (q->type == PK_QUERY_WORDS)
		return curated_search(reg, q, err);
	if (q->filter == PK_FILTER_ASSIGNED) {
		size_t k = 0;
		for (size_t i = 0; i < q->nids; i++)
			if (is_assignment(reg, q->ids[i]))
				q->ids[k++] = q->ids[i];
		q->nids = k;
	}
	return PK_OK;
}

const pk_recid *pk_query_records(const pk_query *q, size_t *count)
{
	if (q->page_limit == 0) {
		*count = q->nids;
		return q->ids;
	}
	size_t off = q->page_offset < q->nids ? q->page_offset : q->nids;
	size_t n = q->nids - off;
	*count = n < q->page_limit ? n : q->page_limit;
	return q->ids == NULL ? NULL : q->ids + off;
}

/* A cursor is the offset of the next record in decimal: opaque to
 * clients, checked here like any other input. */
pk_status pk_query_set_page(pk_query *q, size_t limit, const char *cursor,
			    pk_error *err)
{
	size_t off = 0;

	if (limit > PK_QUERY_LIMIT_MAX)
		return pk__error_set(err, PK_INVAL,
				     "invalid limit %zu: expected 1-%u", limit,
				     (unsigned)PK_QUERY_LIMIT_MAX);
	if (cursor != NULL) {
		size_t len = strlen(cursor);
		if (len == 0 || len > 9 || strspn(cursor, "0123456789") != len)
			return pk__error_set(err, PK_INVAL,
					     "invalid cursor '%.40s': expected one a paged answer gave",
					     cursor);
		for (const char *c = cursor; *c != '\0'; c++)
			off = off * 10 + (size_t)(*c - '0');
		if (limit == 0)
			return pk__error_set(err, PK_INVAL,
					     "a cursor needs a limit");
	}
	q->page_offset = off;
	q->page_limit = limit;
	return PK_OK;
}

bool pk_query_page(const pk_query *q, size_t *total, size_t *next)
{
	*total = q->nids;
	*next = 0;
	if (q->page_limit == 0)
		return false;
	if (q->page_offset < q->nids && q->nids - q->page_offset > q->page_limit)
		*next = q->page_offset + q->page_limit;
	return true;
}

const pk_port_runs *pk_query_runs(const pk_query *q)
{
	return q->runs;
}

bool pk_query_found(const pk_query *q)
{
	if (q->filter == PK_FILTER_UNASSIGNED)
		return q->runs != NULL && pk_port_runs_count(q->runs) > 0;
	return q->nids > 0;
}
