/* lookup.c - lookups by port, name, range and words over a validated
 * index.  None allocates or fails: each returns the total and fills up to
 * cap ids. */
#include <string.h>

#include "registry/index.h"

static inline void put(pk_recid *out, size_t cap, size_t *n, uint32_t id)
{
	if (*n < cap)
		out[*n] = id;
	(*n)++;
}

size_t pk_lookup_port(const pk_registry *reg, uint16_t port,
		      unsigned protomask, pk_recid *out, size_t cap)
{
	unsigned mask = pk_idx_mask(protomask);
	uint32_t a = reg->ports[port], z = reg->ports[port + 1];
	size_t n = 0;

	for (uint32_t k = a; k < z; k++) {
		uint32_t id = reg->port_post[k];
		if (pk_idx_proto_ok(mask, reg->recs[id].proto))
			put(out, cap, &n, id);
	}
	return n;
}

const pk_idx_name *pk__name_slot(const pk_registry *reg, const char *name)
{
	uint32_t h = pk__name_hash(&reg->name_key, name, SIZE_MAX);

	/* Bounded by the table size, whatever the file holds. */
	for (uint32_t j = h & reg->name_mask, probes = 0; probes <= reg->name_mask;
	     j = (j + 1) & reg->name_mask, probes++) {
		const pk_idx_name *s = &reg->names[j];
		if (s->key == 0)
			return NULL;
		if (s->hash == h && pk__strcasecmp(pk_idx_str(reg, s->key), name) == 0)
			return s;
	}
	return NULL;
}

/* Does record id carry name in exactly this spelling (name or alias)? */
static bool exact_spelling(const pk_registry *reg, uint32_t id, const char *name)
{
	const pk_idx_rec *r = &reg->recs[id];

	if (r->name != 0 && strcmp(pk_idx_str(reg, r->name), name) == 0)
		return true;
	for (uint32_t i = 0; i < r->alias_count; i++)
		if (strcmp(pk_idx_str(reg, reg->items[r->items + i].a), name) == 0)
			return true;
	return false;
}

size_t pk_lookup_name(const pk_registry *reg, const char *name,
		      unsigned protomask, pk_recid *out, size_t cap)
{
	unsigned mask = pk_idx_mask(protomask);
	const pk_idx_name *s;
	size_t n = 0;

	if (name == NULL || name[0] == '\0' || (s = pk__name_slot(reg, name)) == NULL)
		return 0;
	const uint32_t *post = reg->name_post + s->first;
	/* Two passes: the exact spelling first, then the other spellings. */
	for (int pass = 0; pass < 2; pass++) {
		for (uint32_t k = 0; k < s->count; k++) {
			uint32_t id = post[k];
			if (pk_idx_proto_ok(mask, reg->recs[id].proto) &&
			    exact_spelling(reg, id, name) == (pass == 0))
				put(out, cap, &n, id);
		}
	}
	return n;
}

size_t pk_lookup_range(const pk_registry *reg, uint16_t lo, uint16_t hi,
		       unsigned protomask, pk_recid *out, size_t cap)
{
	unsigned mask = pk_idx_mask(protomask);
	size_t n = 0;

	if (lo > hi)
		return 0;
	/* Records that start below lo and reach it: they are listed at lo,
	 * and their ids come before every record starting at lo or later. */
	for (uint32_t k = reg->ports[lo]; k < reg->ports[lo + 1]; k++) {
		uint32_t id = reg->port_post[k];
		if (reg->recs[id].port_lo < lo && pk_idx_proto_ok(mask, reg->recs[id].proto))
			put(out, cap, &n, id);
	}
	/* Records starting in [lo, hi]: a slice of the sorted records. */
	uint32_t a = 0, z = reg->nport_recs;
	while (a < z) {
		uint32_t mid = a + (z - a) / 2;
		if (reg->recs[mid].port_lo < lo)
			a = mid + 1;
		else
			z = mid;
	}
	for (uint32_t id = a; id < reg->nport_recs && reg->recs[id].port_lo <= hi; id++)
		if (pk_idx_proto_ok(mask, reg->recs[id].proto))
			put(out, cap, &n, id);
	return n;
}

/* ---- full-text search ------------------------------------------------------ */

#define SEARCH_MAX_WORDS 16
#define SEARCH_BUF 1024

typedef struct sword {
	const char *raw;  /* as given */
	const char *low;  /* lower-cased copy, or NULL when it did not fit */
	size_t len;
} sword;

typedef struct query {
	sword w[SEARCH_MAX_WORDS];
	size_t n;           /* words kept in w[] */
	const char *const *rest; /* words beyond the first SEARCH_MAX_WORDS */
	size_t nrest;
	size_t scan;        /* the word whose occurrences drive the scan */
	char buf[SEARCH_BUF];
} query;

/* Case-insensitive search for a needle that is not lower-cased. */
static const char *find_ci(const char *hay, size_t hlen, const char *needle,
			   size_t nlen)
{
	if (nlen > hlen)
		return NULL;
	for (size_t i = 0; i + nlen <= hlen; i++) {
		size_t k = 0;
		while (k < nlen && (unsigned char)hay[i + k] == pk__lower((unsigned char)needle[k]))
			k++;
		if (k == nlen)
			return hay + i;
	}
	return NULL;
}

static const char *find_word(const sword *w, const char *hay, size_t hlen)
{
	if (w->low != NULL)
		return memmem(hay, hlen, w->low, w->len);
	return find_ci(hay, hlen, w->raw, w->len);
}

static void prepare_query(query *q, const char *const *words, size_t nwords)
{
	size_t used = 0;

	q->n = 0;
	q->rest = NULL;
	q->nrest = 0;
	q->scan = 0;
	for (size_t i = 0; i < nwords; i++) {
		const char *s = words[i];
		if (s == NULL || s[0] == '\0')
			continue; /* matches everything */
		if (q->n == SEARCH_MAX_WORDS) {
			q->rest = words + i;
			q->nrest = nwords - i;
			break;
		}
		sword *w = &q->w[q->n++];
		w->raw = s;
		w->len = strlen(s);
		w->low = NULL;
		if (w->len < SEARCH_BUF - used) {
			char *d = q->buf + used;
			for (size_t k = 0; k < w->len; k++)
				d[k] = (char)pk__lower((unsigned char)s[k]);
			d[w->len] = '\0';
			w->low = d;
			used += w->len + 1;
		}
		/* The longest word has the fewest occurrences to visit. */
		if (w->len > q->w[q->scan].len)
			q->scan = q->n - 1;
	}
}

static bool has_all(const pk_registry *reg, const query *q, uint32_t id)
{
	const char *t = reg->text + reg->text_off[id];
	size_t len = reg->text_off[id + 1] - reg->text_off[id] - 1;

	for (size_t i = 0; i < q->n; i++)
		if (i != q->scan && find_word(&q->w[i], t, len) == NULL)
			return false;
	for (size_t i = 0; i < q->nrest; i++) {
		const char *s = q->rest[i];
		if (s != NULL && find_ci(t, len, s, strlen(s)) == NULL)
			return false;
	}
	return true;
}

/* 0: a name or alias equals a word; 1: one starts with a word; 2: other. */
static int rank(const pk_registry *reg, const query *q, uint32_t id)
{
	const pk_idx_rec *r = &reg->recs[id];
	int best = 2;

	for (uint32_t i = 0; i <= r->alias_count && best > 0; i++) {
		uint32_t off = i == 0 ? r->name : reg->items[r->items + i - 1].a;
		if (off == 0)
			continue;
		const char *name = pk_idx_str(reg, off);
		for (size_t k = 0; k < q->n; k++) {
			if (pk__strncasecmp(name, q->w[k].raw, q->w[k].len) != 0)
				continue;
			best = name[q->w[k].len] == '\0' ? 0 : (best < 1 ? best : 1);
			if (best == 0)
				break;
		}
	}
	return best;
}

/* The record whose search text holds byte off (text offsets ascend). */
static uint32_t text_record(const pk_registry *reg, uint32_t from, uint32_t off)
{
	uint32_t a = from, z = reg->nrecs;

	while (a < z) {
		uint32_t mid = a + (z - a) / 2;
		if (reg->text_off[mid + 1] <= off)
			a = mid + 1;
		else
			z = mid;
	}
	return a;
}

/* Calls visit for every matching record, in id order. */
typedef void (*visit_fn)(void *ctx, uint32_t id, int rank);

static void scan(const pk_registry *reg, const query *q, unsigned mask,
		 visit_fn visit, void *ctx)
{
	if (q->n == 0) {
		/* No word: every record matches (words beyond SEARCH_MAX_WORDS
		 * cannot exist without the first ones). */
		for (uint32_t id = 0; id < reg->nrecs; id++)
			if (pk_idx_proto_ok(mask, reg->recs[id].proto))
				visit(ctx, id, 2);
		return;
	}
	const sword *w = &q->w[q->scan];
	uint32_t total = reg->text_off[reg->nrecs];
	uint32_t pos = 0, id = 0;

	while (pos < total) {
		const char *hit = find_word(w, reg->text + pos, total - pos);
		if (hit == NULL)
			break;
		id = text_record(reg, id, (uint32_t)(hit - reg->text));
		if (id >= reg->nrecs)
			break;
		if (pk_idx_proto_ok(mask, reg->recs[id].proto) && has_all(reg, q, id))
			visit(ctx, id, rank(reg, q, id));
		pos = reg->text_off[id + 1];
	}
}

typedef struct search_ctx {
	size_t count[3];  /* matches per rank */
	size_t next[3];   /* where the next of each rank goes */
	pk_recid *out;
	size_t cap;
} search_ctx;

static void count_visit(void *ctx, uint32_t id, int r)
{
	(void)id;
	((search_ctx *)ctx)->count[r]++;
}

static void fill_visit(void *ctx, uint32_t id, int r)
{
	search_ctx *s = ctx;
	size_t at = s->next[r]++;

	if (at < s->cap)
		s->out[at] = id;
}

size_t pk_search(const pk_registry *reg, const char *const *words,
		 size_t nwords, unsigned protomask, pk_recid *out, size_t cap)
{
	unsigned mask = pk_idx_mask(protomask);
	search_ctx s = { .out = out, .cap = cap };
	query q;

	prepare_query(&q, words, words ? nwords : 0);
	/* First count the ranks, then place each match after the ranks
	 * before it: ranked output without allocating. */
	scan(reg, &q, mask, count_visit, &s);
	size_t total = s.count[0] + s.count[1] + s.count[2];
	if (cap > 0 && total > 0) {
		s.next[0] = 0;
		s.next[1] = s.count[0];
		s.next[2] = s.count[0] + s.count[1];
		scan(reg, &q, mask, fill_visit, &s);
	}
	return total;
}
