/* index_write.c - pk__builder_finish(): the builder serialised to the
 * compiled index format of docs/index-format.md. */
#include <stdlib.h>
#include <string.h>

#include "registry/builder.h"
#include "registry/index.h"

/* A distinct lower-cased name (or alias) and the records that carry it. */
typedef struct wkey {
	uint32_t key; /* pool offset of the lower-cased spelling */
	uint32_t hash;
	uint32_t count;
	uint32_t first;
	uint32_t last_rec; /* dedups a name that is also its record's alias */
} wkey;

typedef struct writer {
	const pk_builder *b;
	uint32_t *order;  /* new id -> builder index */
	uint32_t *people_order; /* new person index -> builder index */
	uint32_t *person_new;   /* builder person index -> new index */
	pk_buf pool;
	wkey *keys;
	uint32_t nkeys, capkeys;
	pk_bhash key_hash; /* values: key index + 1 */
	uint32_t *port_count; /* 65537 */
	uint32_t nport_post;
	uint32_t nname_post;
	uint32_t nitems;
	pk_buf text;
	uint32_t *text_off;
	/* The key of every name and alias, in record order: prepare()
	 * looks each up once, emit() replays them. */
	uint32_t *name_keys;
	uint32_t nname_keys;
	/* Record order sort keys: (has_port, port_lo, proto) packed. */
	uint64_t *sort_key;
	/* People by the arena offset of their id (values: index + 1):
	 * strings are interned, so equal ids have equal offsets and a party
	 * finds its person without hashing or comparing the string. */
	pk_bhash person_by_off;
	/* Popularity, sorted by (port, transport), one entry each. */
	pk_idx_pop *pop;
	uint32_t npop;
} writer;

/* Entries as added, in (port, transport) order, the last one added for a
 * port and transport kept (qsort is not stable: the position breaks
 * ties). */
typedef struct pop_at {
	pk_idx_pop e;
	uint32_t at;
} pop_at;

static int pop_cmp(const void *x, const void *y)
{
	const pop_at *a = x, *b = y;
	uint32_t ka = (uint32_t)a->e.port << 8 | a->e.proto;
	uint32_t kb = (uint32_t)b->e.port << 8 | b->e.proto;

	if (ka != kb)
		return ka < kb ? -1 : 1;
	return a->at < b->at ? -1 : a->at > b->at;
}

static pk_status sort_popularity(writer *w)
{
	const pk_builder *b = w->b;
	pop_at *tmp;

	if (b->npop == 0)
		return PK_OK;
	tmp = malloc((size_t)b->npop * sizeof *tmp);
	w->pop = malloc((size_t)b->npop * sizeof *w->pop);
	if (tmp == NULL || w->pop == NULL) {
		free(tmp);
		return PK_NOMEM;
	}
	for (uint32_t i = 0; i < b->npop; i++)
		tmp[i] = (pop_at){ b->pop[i], i };
	qsort(tmp, b->npop, sizeof *tmp, pop_cmp);
	for (uint32_t i = 0; i < b->npop; i++) {
		if (i + 1 < b->npop && tmp[i + 1].e.port == tmp[i].e.port &&
		    tmp[i + 1].e.proto == tmp[i].e.proto)
			continue;
		w->pop[w->npop++] = tmp[i].e;
	}
	free(tmp);
	return PK_OK;
}

/* pk_idx_key_cmp's leading fields in one integer: with ports first, then
 * by port_lo, then by transport. */
static uint64_t sort_key(const pk_idx_rec *r)
{
	return (uint64_t)(r->has_port ? 0 : 1) << 40 |
	       (uint64_t)(r->has_port ? r->port_lo : 0) << 8 | r->proto;
}

typedef struct sort_ctx {
	const pk_builder *b;
	const uint64_t *key;
} sort_ctx;

static int cmp_records(const void *x, const void *y, void *ctx)
{
	const sort_ctx *c = ctx;
	const pk_builder *b = c->b;
	uint32_t i = *(const uint32_t *)x, j = *(const uint32_t *)y;
	const pk_idx_rec *r, *s;
	int d;

	if (c->key[i] != c->key[j])
		return c->key[i] < c->key[j] ? -1 : 1;
	r = &b->recs[i];
	s = &b->recs[j];
	pk_idx_key kr = { r->has_port, r->port_lo, r->proto, r->port_hi, pk_bstr(b, r->name) };
	pk_idx_key ks = { s->has_port, s->port_lo, s->proto, s->port_hi, pk_bstr(b, s->name) };
	if ((d = pk_idx_key_cmp(&kr, &ks)) != 0)
		return d;
	if ((d = strcmp(kr.name, ks.name)) != 0)
		return d;
	return i < j ? -1 : (i > j); /* stable: the source's own order */
}

/* Keyed too: the offsets follow from the lengths of the source's strings. */
static uint32_t off_hash(const pk_builder *b, uint32_t off)
{
	return (uint32_t)pk__siphash24(&b->key, &off, sizeof off);
}

/* pk__builder_find_person() for an interned id string. */
static uint32_t person_at(const writer *w, uint32_t id_off)
{
	PK_BHASH_FOREACH(&w->person_by_off, off_hash(w->b, id_off), j) {
		uint32_t p = w->person_by_off.slot[j].val - 1;
		if (w->b->people[p].id == id_off)
			return p;
	}
	return PK_B_NONE;
}

static int cmp_people(const void *x, const void *y, void *ctx)
{
	const pk_builder *b = ctx;
	uint32_t i = *(const uint32_t *)x, j = *(const uint32_t *)y;

	return strcmp(pk_bstr(b, b->people[i].id), pk_bstr(b, b->people[j].id));
}

/* Appends s lower-cased (with its NUL if nul). */
static pk_status add_lower(pk_buf *buf, const char *s, bool nul)
{
	size_t n = strlen(s) + nul, at = buf->len;
	pk_status st = pk__buf_add(buf, s, n);

	if (st != PK_OK)
		return st;
	for (char *p = buf->data + at, *end = p + n; p < end; p++)
		*p = (char)pk__lower((unsigned char)*p);
	return PK_OK;
}

/* The key for a name, created on first sight. */
static pk_status find_key(writer *w, const char *name, uint32_t name_off,
			  uint32_t *out)
{
	uint32_t h = pk__name_hash(&w->b->key, name, SIZE_MAX);
	pk_status st;

	PK_BHASH_FOREACH(&w->key_hash, h, j) {
		uint32_t k = w->key_hash.slot[j].val - 1;
		if (pk__strcasecmp(w->pool.data + w->keys[k].key, name) == 0) {
			*out = k;
			return PK_OK;
		}
	}
	if (w->nkeys == w->capkeys) {
		uint32_t cap = w->capkeys ? w->capkeys * 2 : 1024;
		wkey *k = realloc(w->keys, (size_t)cap * sizeof *k);
		if (k == NULL)
			return PK_NOMEM;
		w->keys = k;
		w->capkeys = cap;
	}
	/* Most names are lower case already: reuse their string. */
	uint32_t off = name_off;
	for (const char *p = name; *p != '\0'; p++) {
		if (pk__lower((unsigned char)*p) != (unsigned char)*p) {
			off = (uint32_t)w->pool.len;
			if ((st = add_lower(&w->pool, name, true)) != PK_OK)
				return st;
			break;
		}
	}
	if ((st = pk__bhash_reserve(&w->key_hash)) != PK_OK)
		return st;
	w->keys[w->nkeys] = (wkey){ off, h, 0, 0, PK_B_NONE };
	pk__bhash_insert(&w->key_hash, h, ++w->nkeys);
	*out = w->nkeys - 1;
	return PK_OK;
}

/* Notes key k as carried by record newid (once, however often it is
 * spelled there), filling its posting when postings is non-NULL. */
static void count_key(writer *w, uint32_t k, uint32_t newid,
		      uint32_t *postings)
{
	wkey *key = &w->keys[k];

	if (key->last_rec != newid) {
		key->last_rec = newid;
		if (postings != NULL)
			postings[key->first + key->count] = newid;
		key->count++;
	}
}

/* Finds the keys of the name and every alias of record newid, counts
 * them and remembers them for emit_names(). */
static pk_status prepare_names(writer *w, uint32_t newid)
{
	const pk_builder *b = w->b;
	const pk_idx_rec *r = &b->recs[w->order[newid]];
	uint32_t off = r->name;
	uint32_t item = b->lists[w->order[newid]].head[PK_L_ALIAS];

	for (;;) {
		if (off != 0) {
			uint32_t k;
			pk_status st = find_key(w, pk_bstr(b, off), off, &k);
			if (st != PK_OK)
				return st;
			w->name_keys[w->nname_keys++] = k; /* sized in prepare() */
			count_key(w, k, newid, NULL);
		}
		if (item == PK_B_NONE)
			return PK_OK;
		off = b->items[item].a;
		item = b->items[item].next;
	}
}

/* Fills the name postings of record newid from the keys prepare_names()
 * found; *cursor walks w->name_keys. */
static void emit_names(writer *w, uint32_t newid, uint32_t *postings,
		       uint32_t *cursor)
{
	const pk_idx_rec *r = &w->b->recs[w->order[newid]];
	uint32_t n = (r->name != 0) + r->count[PK_L_ALIAS];

	for (uint32_t i = 0; i < n; i++)
		count_key(w, w->name_keys[(*cursor)++], newid, postings);
}

/* name SEP alias SEP ... SEP description, lower-cased, NUL-terminated. */
static pk_status add_text(writer *w, uint32_t rec)
{
	const pk_builder *b = w->b;
	const pk_idx_rec *r = &b->recs[rec];
	pk_status st = add_lower(&w->text, pk_bstr(b, r->name), false);

	for (uint32_t i = b->lists[rec].head[PK_L_ALIAS]; i != PK_B_NONE && st == PK_OK;
	     i = b->items[i].next) {
		if ((st = pk__buf_addc(&w->text, PK_IDX_TEXT_SEP)) == PK_OK)
			st = add_lower(&w->text, pk_bstr(b, b->items[i].a), false);
	}
	if (st == PK_OK)
		st = pk__buf_addc(&w->text, PK_IDX_TEXT_SEP);
	if (st == PK_OK)
		st = add_lower(&w->text, pk_bstr(b, r->description), true);
	return st;
}

static uint32_t derived_flags(const pk_builder *b)
{
	uint32_t f = b->npeople ? PK_REGFLAG_PEOPLE : 0;

	if (b->npop > 0)
		f |= PK_REGFLAG_POPULARITY;

	for (uint32_t i = 0; i < b->nrecs; i++) {
		const pk_idx_rec *r = &b->recs[i];
		if (r->has_port && r->port_lo != r->port_hi)
			f |= PK_REGFLAG_RANGES;
		if (r->registered || r->modified || r->count[PK_L_REF] ||
		    r->count[PK_L_ASSIGNEE] || r->count[PK_L_CONTACT])
			f |= PK_REGFLAG_METADATA;
		if (r->origin == PK_ORIGIN_UNOFFICIAL ||
		    (r->origin == PK_ORIGIN_APP && (r->flags & PK_RECFLAG_UNOFFICIAL)))
			f |= PK_REGFLAG_UNOFFICIAL;
	}
	return f;
}

static size_t align8(size_t n)
{
	return (n + (PK_IDX_ALIGN - 1)) & ~(size_t)(PK_IDX_ALIGN - 1);
}

static pk_status prepare(writer *w)
{
	const pk_builder *b = w->b;
	pk_status st;

	/* Record order: (port_lo, transport, name). */
	w->order = malloc(((size_t)b->nrecs + 1) * sizeof *w->order);
	w->people_order = malloc(((size_t)b->npeople + 1) * sizeof *w->people_order);
	w->person_new = malloc(((size_t)b->npeople + 1) * sizeof *w->person_new);
	w->port_count = calloc(PK_IDX_NPORTS + 1, sizeof *w->port_count);
	w->text_off = malloc(((size_t)b->nrecs + 1) * sizeof *w->text_off);
	w->sort_key = malloc(((size_t)b->nrecs + 1) * sizeof *w->sort_key);
	if (!w->order || !w->people_order || !w->person_new || !w->port_count ||
	    !w->text_off || !w->sort_key)
		return PK_NOMEM;
	for (uint32_t i = 0; i < b->nrecs; i++) {
		w->order[i] = i;
		w->sort_key[i] = sort_key(&b->recs[i]);
	}
	size_t nnames = 0;
	for (uint32_t i = 0; i < b->nrecs; i++)
		nnames += (b->recs[i].name != 0) + b->recs[i].count[PK_L_ALIAS];
	w->name_keys = malloc((nnames + 1) * sizeof *w->name_keys);
	if (w->name_keys == NULL)
		return PK_NOMEM;
	sort_ctx sc = { b, w->sort_key };
	qsort_r(w->order, b->nrecs, sizeof *w->order, cmp_records, &sc);
	for (uint32_t i = 0; i < b->npeople; i++)
		w->people_order[i] = i;
	qsort_r(w->people_order, b->npeople, sizeof *w->people_order, cmp_people,
		(void *)b);
	for (uint32_t i = 0; i < b->npeople; i++)
		w->person_new[w->people_order[i]] = i;
	for (uint32_t i = 0; i < b->npeople; i++) {
		if ((st = pk__bhash_reserve(&w->person_by_off)) != PK_OK)
			return st;
		pk__bhash_insert(&w->person_by_off, off_hash(b, b->people[i].id), i + 1);
	}

	/* The pool: the builder's arena, then lower-cased name keys. */
	if ((st = pk__buf_add(&w->pool, b->arena.data, b->arena.len)) != PK_OK)
		return st;

	uint64_t nport_post = 0;
	for (uint32_t id = 0; id < b->nrecs; id++) {
		const pk_idx_rec *r = &b->recs[w->order[id]];
		if ((st = prepare_names(w, id)) != PK_OK)
			return st;
		for (int l = 0; l < PK_L_COUNT_; l++)
			w->nitems += r->count[l];
		if (r->has_port) {
			nport_post += (uint64_t)r->port_hi - r->port_lo + 1;
			if (nport_post > PK_IDX_MAX_PORT_POSTINGS)
				return PK_TOOBIG;
			for (uint32_t p = r->port_lo; p <= r->port_hi; p++)
				w->port_count[p]++;
		}
		if (w->text.len > UINT32_MAX - 1)
			return PK_TOOBIG;
		w->text_off[id] = (uint32_t)w->text.len;
		if ((st = add_text(w, w->order[id])) != PK_OK)
			return st;
	}
	if (w->text.len > UINT32_MAX)
		return PK_TOOBIG;
	w->text_off[b->nrecs] = (uint32_t)w->text.len;
	w->nport_post = (uint32_t)nport_post;
	for (uint32_t k = 0; k < w->nkeys; k++) {
		w->keys[k].first = w->nname_post;
		w->nname_post += w->keys[k].count;
		w->keys[k].count = 0;
		w->keys[k].last_rec = PK_B_NONE;
	}
	return PK_OK;
}

typedef struct layout {
	pk_idx_section_ent sec[PK_SEC_COUNT_];
	size_t total;
} layout;

static pk_status plan(writer *w, uint32_t nslots, layout *L)
{
	const pk_builder *b = w->b;
	uint64_t sizes[PK_SEC_COUNT_] = {
		[PK_SEC_STRINGS] = w->pool.len,
		[PK_SEC_RECORDS] = (uint64_t)b->nrecs * sizeof(pk_idx_rec),
		[PK_SEC_PORTS] = (uint64_t)(PK_IDX_NPORTS + 1) * sizeof(uint32_t),
		[PK_SEC_PORT_POSTINGS] = (uint64_t)w->nport_post * sizeof(uint32_t),
		[PK_SEC_NAMES] = (uint64_t)nslots * sizeof(pk_idx_name),
		[PK_SEC_NAME_POSTINGS] = (uint64_t)w->nname_post * sizeof(uint32_t),
		[PK_SEC_LISTS] = (uint64_t)w->nitems * sizeof(pk_idx_item),
		[PK_SEC_PEOPLE] = (uint64_t)b->npeople * sizeof(pk_idx_person),
		[PK_SEC_TEXT_OFFSETS] = ((uint64_t)b->nrecs + 1) * sizeof(uint32_t),
		[PK_SEC_TEXT] = w->text.len,
		[PK_SEC_COUNTS] = sizeof(pk_idx_counts),
		[PK_SEC_POPULARITY] = (uint64_t)w->npop * sizeof(pk_idx_pop),
	};
	uint32_t counts[PK_SEC_COUNT_] = {
		[PK_SEC_STRINGS] = (uint32_t)w->pool.len,
		[PK_SEC_RECORDS] = b->nrecs,
		[PK_SEC_PORTS] = PK_IDX_NPORTS + 1,
		[PK_SEC_PORT_POSTINGS] = w->nport_post,
		[PK_SEC_NAMES] = nslots,
		[PK_SEC_NAME_POSTINGS] = w->nname_post,
		[PK_SEC_LISTS] = w->nitems,
		[PK_SEC_PEOPLE] = b->npeople,
		[PK_SEC_TEXT_OFFSETS] = b->nrecs + 1,
		[PK_SEC_TEXT] = (uint32_t)w->text.len,
		[PK_SEC_COUNTS] = 1,
		[PK_SEC_POPULARITY] = w->npop,
	};
	uint64_t off = sizeof(pk_idx_header);

	for (int s = 0; s < PK_SEC_COUNT_; s++) {
		off = align8(off);
		L->sec[s] = (pk_idx_section_ent){ (uint32_t)s, counts[s], off, sizes[s] };
		off += sizes[s];
		if (off > PK_IDX_MAX_BYTES)
			return PK_TOOBIG;
	}
	L->total = align8(off);
	return PK_OK;
}

static void emit(writer *w, unsigned char *out, const layout *L, uint32_t nslots)
{
	const pk_builder *b = w->b;
	pk_idx_header *h = (pk_idx_header *)out;
	pk_idx_rec *recs = (pk_idx_rec *)(out + L->sec[PK_SEC_RECORDS].offset);
	uint32_t *ports = (uint32_t *)(out + L->sec[PK_SEC_PORTS].offset);
	uint32_t *port_post = (uint32_t *)(out + L->sec[PK_SEC_PORT_POSTINGS].offset);
	pk_idx_name *names = (pk_idx_name *)(out + L->sec[PK_SEC_NAMES].offset);
	uint32_t *name_post = (uint32_t *)(out + L->sec[PK_SEC_NAME_POSTINGS].offset);
	pk_idx_item *items = (pk_idx_item *)(out + L->sec[PK_SEC_LISTS].offset);
	pk_idx_person *people = (pk_idx_person *)(out + L->sec[PK_SEC_PEOPLE].offset);
	pk_idx_counts *counts = (pk_idx_counts *)(out + L->sec[PK_SEC_COUNTS].offset);
	uint32_t nitems = 0, name_cursor = 0;

	memcpy(out + L->sec[PK_SEC_STRINGS].offset, w->pool.data, w->pool.len);
	if (w->npop > 0)
		memcpy(out + L->sec[PK_SEC_POPULARITY].offset, w->pop,
		       (size_t)w->npop * sizeof *w->pop);
	if (w->text.len > 0) /* no records: no text, and data is NULL */
		memcpy(out + L->sec[PK_SEC_TEXT].offset, w->text.data, w->text.len);
	memcpy(out + L->sec[PK_SEC_TEXT_OFFSETS].offset, w->text_off,
	       ((size_t)b->nrecs + 1) * sizeof(uint32_t));

	/* Port table: prefix sums, then postings in record order. */
	ports[0] = 0;
	for (uint32_t p = 0; p < PK_IDX_NPORTS; p++)
		ports[p + 1] = ports[p] + w->port_count[p];
	memcpy(w->port_count, ports, PK_IDX_NPORTS * sizeof(uint32_t)); /* now cursors */

	counts->records = b->nrecs;
	counts->people = b->npeople;
	counts->names = w->nkeys;
	for (uint32_t id = 0; id < b->nrecs; id++) {
		const pk_idx_rec *r = &b->recs[w->order[id]];
		pk_idx_rec *o = &recs[id];

		/* The builder's offsets are the pool's: it starts with the arena. */
		*o = *r;
		o->items = nitems;
		counts->by_proto[r->proto]++;
		if (r->has_port) {
			counts->port_records++;
			for (uint32_t p = r->port_lo; p <= r->port_hi; p++)
				port_post[w->port_count[p]++] = id;
		}
		for (int l = 0; l < PK_L_COUNT_; l++) {
			for (uint32_t i = b->lists[w->order[id]].head[l]; i != PK_B_NONE;
			     i = b->items[i].next) {
				const pk_bitem *it = &b->items[i];
				pk_idx_item *x = &items[nitems++];
				if (l == PK_L_ALIAS) {
					*x = (pk_idx_item){ it->a, 0 };
				} else if (l == PK_L_REF) {
					*x = (pk_idx_item){ it->a, it->b };
				} else if (it->a == 0) {
					*x = (pk_idx_item){ PK_IDX_PARTY_TEXT, it->b };
				} else {
					uint32_t p = person_at(w, it->a);
					*x = p == PK_B_NONE
						? (pk_idx_item){ PK_IDX_PARTY_ID, it->a }
						: (pk_idx_item){ w->person_new[p], 0 };
				}
			}
		}
		emit_names(w, id, name_post, &name_cursor);
	}
	for (uint32_t k = 0; k < w->nkeys; k++) {
		const wkey *key = &w->keys[k];
		uint32_t j = key->hash & (nslots - 1);
		while (names[j].key != 0)
			j = (j + 1) & (nslots - 1);
		names[j] = (pk_idx_name){ key->key, key->hash, key->first, key->count };
	}
	for (uint32_t i = 0; i < b->npeople; i++) {
		const pk_bperson *p = &b->people[w->people_order[i]];
		people[i] = (pk_idx_person){ p->id, p->name, p->org, p->uri, p->updated };
	}

	memcpy(h->magic, PK_IDX_MAGIC, PK_IDX_MAGIC_LEN);
	h->version = PK_IDX_VERSION;
	h->header_size = sizeof *h;
	h->file_size = L->total;
	/* Popularity is what the section holds, whatever a copied registry said. */
	h->flags = (b->flags & ~PK_REGFLAG_POPULARITY) | derived_flags(b);
	h->source = b->source;
	h->updated = b->updated;
	h->section_count = PK_SEC_COUNT_;
	h->name_key[0] = b->key.k0;
	h->name_key[1] = b->key.k1;
	memcpy(h->sections, L->sec, sizeof L->sec);
	h->body_checksum = pk__hash64(out + sizeof *h, L->total - sizeof *h, 0);
	h->header_checksum = pk__idx_header_checksum(out, sizeof *h);
}

pk_status pk__builder_finish(const pk_builder *b, void **data, size_t *len,
			    pk_error *err)
{
	writer w;
	layout L;
	unsigned char *out = NULL;
	pk_status st;

	*data = NULL;
	*len = 0;
	memset(&w, 0, sizeof w);
	w.b = b;
	pk__buf_init(&w.pool, PK_IDX_MAX_BYTES);
	pk__buf_init(&w.text, PK_IDX_MAX_BYTES);
	if ((st = prepare(&w)) != PK_OK || (st = sort_popularity(&w)) != PK_OK)
		goto out;
	/* At most half full, so a miss ends after a probe or two. */
	uint32_t nslots = 16;
	while (nslots < 2 * w.nkeys)
		nslots *= 2;
	if ((st = plan(&w, nslots, &L)) != PK_OK)
		goto out;
	out = calloc(1, L.total);
	if (out == NULL) {
		st = PK_NOMEM;
		goto out;
	}
	/* The name postings are refilled in emit(), after the counts. */
	emit(&w, out, &L, nslots);
	*data = out;
	*len = L.total;
	out = NULL;
out:
	if (st != PK_OK)
		pk__error_set(err, st, "building the index of %u records: %s",
			     (unsigned)b->nrecs,
			     st == PK_TOOBIG ? "the index would be too large (port "
					       "ranges or strings beyond the format's limits)"
					     : pk_strerror(st));
	free(out);
	free(w.order);
	free(w.people_order);
	free(w.person_new);
	free(w.port_count);
	free(w.text_off);
	free(w.sort_key);
	free(w.name_keys);
	free(w.keys);
	free(w.pop);
	pk__bhash_free(&w.key_hash);
	pk__bhash_free(&w.person_by_off);
	pk__buf_free(&w.pool);
	pk__buf_free(&w.text);
	return st;
}
