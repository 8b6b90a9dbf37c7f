/* builder.c - a mutable, in-memory set of records that importers fill and
 * pk__builder_finish() (index_write.c) serialises.  Strings are interned in
 * one arena: the real registry repeats most descriptions (tcp and udp
 * twins) and every person id several times. */
#include <stdlib.h>
#include <string.h>

#include "registry/builder.h"
#include "registry/index.h"

static pk_status grow(void **arr, uint32_t *cap, uint32_t n, size_t elem);

/* Offsets into the arena are 32-bit in the index. */
#define ARENA_LIMIT ((size_t)0x7fffffff)

static pk_status bhash_grow(pk_bhash *h)
{
	uint32_t nslots = h->mask ? (h->mask + 1) * 2 : 1024;
	pk_bslot *slot = nslots ? calloc(nslots, sizeof *slot) : NULL;

	if (slot == NULL)
		return PK_NOMEM;
	if (h->mask) {
		for (uint32_t i = 0; i <= h->mask; i++) {
			if (h->slot[i].val == 0)
				continue;
			uint32_t j = h->slot[i].hash & (nslots - 1);
			while (slot[j].val != 0)
				j = (j + 1) & (nslots - 1);
			slot[j] = h->slot[i];
		}
	}
	free(h->slot);
	h->slot = slot;
	h->mask = nslots - 1;
	return PK_OK;
}

void pk__bhash_free(pk_bhash *h)
{
	free(h->slot);
	memset(h, 0, sizeof *h);
}

pk_status pk__bhash_reserve(pk_bhash *h)
{
	if (h->mask != 0 && h->used + 1 <= (h->mask + 1) / 2)
		return PK_OK;
	return bhash_grow(h);
}

void pk__bhash_insert(pk_bhash *h, uint32_t hash, uint32_t val)
{
	uint32_t j = hash & h->mask;

	while (h->slot[j].val != 0)
		j = (j + 1) & h->mask;
	h->slot[j] = (pk_bslot){ val, hash };
	h->used++;
}

/* The hash of the builder's own tables (not part of the index format):
 * keyed, since the strings are the source's and the source may be an
 * attacker's (a registry served to `portkit update`). */
static uint32_t str_hash(const pk_builder *b, const char *s, size_t len)
{
	return (uint32_t)pk__siphash24(&b->key, s, len);
}

/* The messages below name the limits' numbers. */
_Static_assert(PK_REG_MAX_TEXT == (size_t)16 << 20 && PK_REG_MAX_RECORDS == 65536 &&
	       PK_REG_MAX_ITEMS == 262144 && PK_REG_MAX_PEOPLE == 65536,
	       "the messages name these numbers");

static pk_status too_big(pk_builder *b, const char *limit)
{
	b->limit = limit;
	return PK_TOOBIG;
}

const char *pk__builder_limit(const pk_builder *b)
{
	return b != NULL ? b->limit : NULL;
}

const char *pk__builder_strerror(const pk_builder *b, pk_status st)
{
	if (st == PK_TOOBIG && b != NULL && b->limit != NULL)
		return b->limit;
	return st == PK_NOMEM ? "out of memory" : pk_strerror(st);
}

pk_status pk__builder_intern(pk_builder *b, const char *s, uint32_t *out)
{
	*out = 0;
	if (s == NULL || s[0] == '\0')
		return PK_OK;
	size_t len = strlen(s);
	uint32_t h = str_hash(b, s, len);
	pk_bhash *t = &b->strings;

	if (t->mask != 0) {
		for (uint32_t j = h & t->mask; t->slot[j].val != 0; j = (j + 1) & t->mask) {
			const char *cand = pk_bstr(b, t->slot[j].val);
			if (t->slot[j].hash == h && strncmp(cand, s, len) == 0 &&
			    cand[len] == '\0') {
				*out = t->slot[j].val;
				return PK_OK;
			}
		}
	}
	if (len + 1 > PK_REG_MAX_TEXT - b->arena.len)
		return too_big(b, "more than 16 MB of text, the most a registry may hold");
	pk_status st = pk__bhash_reserve(t);
	if (st != PK_OK)
		return st;
	size_t off = b->arena.len;
	st = pk__buf_add(&b->arena, s, len + 1); /* with its NUL */
	if (st != PK_OK)
		return st;
	pk__bhash_insert(t, h, (uint32_t)off);
	*out = (uint32_t)off;
	return PK_OK;
}

pk_builder *pk__builder_new_keyed(const pk_sipkey *key)
{
	pk_builder *b = calloc(1, sizeof *b);

	if (b == NULL)
		return NULL;
	if (key != NULL)
		b->key = *key;
	else
		pk__sipkey_random(&b->key);
	b->merged = PK_B_NONE;
	pk__buf_init(&b->arena, ARENA_LIMIT);
	/* Offset 0 is the empty string. */
	if (pk__buf_addc(&b->arena, '\0') != PK_OK) {
		free(b);
		return NULL;
	}
	return b;
}

pk_builder *pk__builder_new(void)
{
	return pk__builder_new_keyed(NULL);
}

void pk__builder_free(pk_builder *b)
{
	if (b == NULL)
		return;
	pk__buf_free(&b->arena);
	pk__bhash_free(&b->strings);
	pk__bhash_free(&b->people_by_id);
	pk__bhash_free(&b->by_key);
	free(b->pop);
	free(b->recs);
	free(b->lists);
	free(b->items);
	free(b->people);
	free(b);
}

pk_status pk__builder_set_source(pk_builder *b, const char *source)
{
	return pk__builder_intern(b, source, &b->source);
}

pk_status pk__builder_set_updated(pk_builder *b, const char *updated)
{
	return pk__builder_intern(b, updated, &b->updated);
}

void pk__builder_add_flags(pk_builder *b, uint32_t regflags)
{
	b->flags |= regflags;
}

uint32_t pk__builder_count(const pk_builder *b)
{
	return b->nrecs;
}

void pk__builder_set_report(pk_builder *b, pk_import_report *rep)
{
	b->report = rep;
}

pk_import_report *pk__builder_report(const pk_builder *b)
{
	return b->report;
}

void pk__builder_set_dedup(pk_builder *b, bool on)
{
	b->dedup = on;
}

uint32_t pk__builder_duplicates(const pk_builder *b)
{
	return b->duplicates;
}

uint32_t pk__builder_count_flags(const pk_builder *b, uint32_t flags)
{
	uint32_t n = 0;

	for (uint32_t i = 0; i < b->nrecs; i++)
		if ((b->recs[i].flags & flags) == flags)
			n++;
	return n;
}

bool pk__name_conforms(const char *s)
{
	size_t n = 0;
	bool letter = false;

	if (s == NULL)
		return false;
	for (; s[n] != '\0'; n++) {
		char c = s[n];
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
			letter = true;
		else if (c == '-') {
			if (n == 0 || s[n + 1] == '\0' || s[n + 1] == '-')
				return false;
		} else if (c < '0' || c > '9')
			return false;
	}
	return n >= 1 && n <= 15 && letter;
}

pk_status pk__builder_set_popularity(pk_builder *b, uint16_t port,
				    pk_proto proto, uint32_t ppm)
{
	if (proto < PK_PROTO_TCP || proto >= PK_PROTO_COUNT || ppm > 1000000u)
		return PK_INVAL;
	/* Sorted and made unique when written (index_write.c): the last
	 * value added for a port and transport wins there. */
	pk_status st = grow((void **)&b->pop, &b->cappop, b->npop, sizeof *b->pop);
	if (st != PK_OK)
		return st;
	b->pop[b->npop++] = (pk_idx_pop){ port, (uint8_t)proto, 0, ppm };
	return PK_OK;
}

pk_status pk__builder_add_popularity(pk_builder *b, const pk_registry *reg)
{
	pk_status st = PK_OK;

	for (uint32_t i = 0; st == PK_OK && i < reg->npop; i++)
		st = pk__builder_set_popularity(b, reg->pop[i].port,
					       (pk_proto)reg->pop[i].proto,
					       reg->pop[i].ppm);
	return st;
}

/* A record's identity for merging duplicates: the name as interned (its
 * exact spelling), ports, transport, kind and description.  The
 * description too: IANA's XML has two port-less "rdp" records, "Reliable
 * Data Protocol" and "Windows Remote Desktop Protocol", both worth
 * keeping. */
static uint32_t key_hash(const pk_builder *b, const pk_idx_rec *r)
{
	uint32_t k[4] = { r->name, (uint32_t)r->port_lo << 16 | r->port_hi,
			  (uint32_t)r->proto << 16 | (uint32_t)r->kind << 8 |
				  r->has_port, r->description };

	return (uint32_t)pk__siphash24(&b->key, k, sizeof k);
}

static bool same_key(const pk_idx_rec *a, const pk_idx_rec *c)
{
	return a->name == c->name && a->port_lo == c->port_lo &&
	       a->port_hi == c->port_hi && a->proto == c->proto &&
	       a->kind == c->kind && a->has_port == c->has_port &&
	       a->description == c->description;
}

/* Grows *arr (of elements of size elem) to hold one more. */
static pk_status grow(void **arr, uint32_t *cap, uint32_t n, size_t elem)
{
	if (n < *cap)
		return PK_OK;
	if (n >= 0x7fffffffu / 2)
		return PK_TOOBIG;
	uint32_t ncap = *cap ? *cap * 2 : 256;
	void *p = realloc(*arr, (size_t)ncap * elem);
	if (p == NULL)
		return PK_NOMEM;
	*arr = p;
	*cap = ncap;
	return PK_OK;
}

pk_status pk__builder_add(pk_builder *b, const pk_record *rec,
			 uint32_t *index_out)
{
	pk_idx_rec r;
	pk_blists lists;
	pk_status st;

	if ((unsigned)rec->proto >= PK_PROTO_COUNT ||
	    (unsigned)rec->kind > PK_KIND_OTHER ||
	    (unsigned)rec->origin > PK_ORIGIN_APP)
		return PK_INVAL;
	if (rec->has_port && rec->port_lo > rec->port_hi)
		return PK_INVAL;
	if (b->nrecs >= PK_REG_MAX_RECORDS)
		return too_big(b, "more than 65536 records, the most a registry may hold");
	memset(&r, 0, sizeof r);
	if ((st = pk__builder_intern(b, rec->name, &r.name)) != PK_OK)
		return st;
	/* Every field of the list, in its stored form. */
#define STR_(field) rec->field,
	const char *str[PK_IDX_NSTR] = { PK_RECORD_FIELDS(PK_IDX_NO_VAL_, STR_) };
#undef STR_
#define VAL_(type, field) r.field = (__typeof__(r.field))rec->field;
	PK_RECORD_FIELDS(VAL_, PK_IDX_NO_STR_)
#undef VAL_
	for (int f = 0; f < PK_IDX_NSTR; f++)
		if ((st = pk__builder_intern(b, str[f], &r.str[f])) != PK_OK)
			return st;
	if (!rec->has_port)
		r.port_lo = r.port_hi = 0;
	r.flags &= ~PK_RECFLAG_NONCONFORMING;
	if (rec->name != NULL && rec->name[0] != '\0' &&
	    !pk__name_conforms(rec->name))
		r.flags |= PK_RECFLAG_NONCONFORMING;
	b->merged = PK_B_NONE;
	uint32_t kh = 0;
	if (b->dedup) {
		kh = key_hash(b, &r);
		PK_BHASH_FOREACH(&b->by_key, kh, j) {
			uint32_t old = b->by_key.slot[j].val - 1;
			if (same_key(&b->recs[old], &r)) {
				b->duplicates++;
				b->merged = old;
				if (index_out != NULL)
					*index_out = old;
				return PK_OK;
			}
		}
		if ((st = pk__bhash_reserve(&b->by_key)) != PK_OK)
			return st;
	}
	for (int l = 0; l < PK_L_COUNT_; l++)
		lists.head[l] = lists.tail[l] = PK_B_NONE;
	if ((st = grow((void **)&b->recs, &b->caprecs, b->nrecs, sizeof *b->recs)) != PK_OK ||
	    (st = grow((void **)&b->lists, &b->caplists, b->nrecs, sizeof *b->lists)) != PK_OK)
		return st;
	b->recs[b->nrecs] = r;
	b->lists[b->nrecs] = lists;
	if (index_out != NULL)
		*index_out = b->nrecs;
	b->nrecs++;
	if (b->dedup)
		pk__bhash_insert(&b->by_key, kh, b->nrecs);
	return PK_OK;
}

static pk_status add_item(pk_builder *b, uint32_t rec, int list, uint32_t a,
			  uint32_t bb)
{
	pk_idx_rec *r = &b->recs[rec];
	pk_blists *ls = &b->lists[rec];

	/* A merged duplicate repeats its lists: keep each entry once. */
	if (rec == b->merged)
		for (uint32_t i = ls->head[list]; i != PK_B_NONE; i = b->items[i].next)
			if (b->items[i].a == a && b->items[i].b == bb)
				return PK_OK;
	if (r->count[list] >= PK_B_MAX_LIST)
		return too_big(b, "more than 65535 entries in one list of a record, the most the index holds");
	if (b->nitems >= PK_REG_MAX_ITEMS)
		return too_big(b, "more than 262144 aliases, references, assignees and contacts, the most a registry may hold");
	pk_status st = grow((void **)&b->items, &b->capitems, b->nitems,
			    sizeof *b->items);
	if (st != PK_OK)
		return st;
	uint32_t i = b->nitems++;
	b->items[i] = (pk_bitem){ PK_B_NONE, a, bb };
	if (ls->tail[list] == PK_B_NONE)
		ls->head[list] = i;
	else
		b->items[ls->tail[list]].next = i;
	ls->tail[list] = i;
	r->count[list]++;
	return PK_OK;
}

pk_status pk__builder_add_alias(pk_builder *b, uint32_t rec, const char *alias)
{
	uint32_t off;

	if (rec >= b->nrecs)
		return PK_RANGE;
	if (alias == NULL || alias[0] == '\0')
		return PK_INVAL;
	/* Names compare case-insensitively: a second spelling of the name
	 * or of an alias adds nothing a lookup could find. */
	const pk_idx_rec *r = &b->recs[rec];
	if (r->name != 0 && pk__strcasecmp(pk_bstr(b, r->name), alias) == 0)
		return PK_OK;
	for (uint32_t i = b->lists[rec].head[PK_L_ALIAS]; i != PK_B_NONE; i = b->items[i].next)
		if (pk__strcasecmp(pk_bstr(b, b->items[i].a), alias) == 0)
			return PK_OK;
	pk_status st = pk__builder_intern(b, alias, &off);
	if (st != PK_OK)
		return st;
	return add_item(b, rec, PK_L_ALIAS, off, 0);
}

pk_status pk__builder_add_ref(pk_builder *b, uint32_t rec, pk_ref_type type,
			     const char *data)
{
	uint32_t off;

	if (rec >= b->nrecs)
		return PK_RANGE;
	if ((unsigned)type > PK_REF_PERSON)
		return PK_INVAL;
	pk_status st = pk__builder_intern(b, data, &off);
	if (st != PK_OK)
		return st;
	return add_item(b, rec, PK_L_REF, (uint32_t)type, off);
}

static pk_status add_party(pk_builder *b, uint32_t rec, int list,
			   const char *person_id, const char *text)
{
	bool has_id = person_id != NULL && person_id[0] != '\0';
	bool has_text = text != NULL && text[0] != '\0';
	uint32_t id_off, text_off;
	pk_status st;

	if (rec >= b->nrecs)
		return PK_RANGE;
	if (has_id == has_text)
		return PK_INVAL;
	if ((st = pk__builder_intern(b, person_id, &id_off)) != PK_OK ||
	    (st = pk__builder_intern(b, text, &text_off)) != PK_OK)
		return st;
	return add_item(b, rec, list, id_off, text_off);
}

pk_status pk__builder_add_assignee(pk_builder *b, uint32_t rec,
				  const char *person_id, const char *text)
{
	return add_party(b, rec, PK_L_ASSIGNEE, person_id, text);
}

pk_status pk__builder_add_contact(pk_builder *b, uint32_t rec,
				 const char *person_id, const char *text)
{
	return add_party(b, rec, PK_L_CONTACT, person_id, text);
}

uint32_t pk__builder_find_person(const pk_builder *b, const char *id)
{
	const pk_bhash *t = &b->people_by_id;

	if (t->mask == 0 || id == NULL)
		return PK_B_NONE;
	size_t len = strlen(id);
	uint32_t h = str_hash(b, id, len);
	for (uint32_t j = h & t->mask; t->slot[j].val != 0; j = (j + 1) & t->mask) {
		uint32_t p = t->slot[j].val - 1;
		if (t->slot[j].hash == h && strcmp(pk_bstr(b, b->people[p].id), id) == 0)
			return p;
	}
	return PK_B_NONE;
}

/* A second person with the same id replaces the first: the last word of
 * the source wins, and ids stay unique for the binary search. */
pk_status pk__builder_add_person(pk_builder *b, const char *id,
				const char *name, const char *org,
				const char *uri, const char *updated)
{
	pk_bperson p;
	pk_status st;

	if (id == NULL || id[0] == '\0')
		return PK_INVAL;
	if ((st = pk__builder_intern(b, id, &p.id)) != PK_OK ||
	    (st = pk__builder_intern(b, name, &p.name)) != PK_OK ||
	    (st = pk__builder_intern(b, org, &p.org)) != PK_OK ||
	    (st = pk__builder_intern(b, uri, &p.uri)) != PK_OK ||
	    (st = pk__builder_intern(b, updated, &p.updated)) != PK_OK)
		return st;
	uint32_t found = pk__builder_find_person(b, id);
	if (found != PK_B_NONE) {
		b->people[found] = p;
		return PK_OK;
	}
	if (b->npeople >= PK_REG_MAX_PEOPLE)
		return too_big(b, "more than 65536 people, the most a registry may hold");
	if ((st = pk__bhash_reserve(&b->people_by_id)) != PK_OK ||
	    (st = grow((void **)&b->people, &b->cappeople, b->npeople,
		       sizeof *b->people)) != PK_OK)
		return st;
	b->people[b->npeople] = p;
	pk__bhash_insert(&b->people_by_id, str_hash(b, id, strlen(id)), ++b->npeople);
	return PK_OK;
}

static bool starts_with(const char *s, const char *prefix)
{
	return pk__strncasecmp(s, prefix, strlen(prefix)) == 0;
}

pk_rec_kind pk__kind_from(const char *name, const char *description)
{
	static const char *const deregistered[] = {
		"de-registered", "deregistered", "removed", "de-commissioned",
		"decommissioned", "decomissioned" /* sic, in the registry */
	};
	const char *d = description ? description : "";

	if (name != NULL && name[0] != '\0')
		return PK_KIND_ASSIGNED;
	while (*d == ' ' || *d == '\t' || *d == '\n')
		d++;
	if (starts_with(d, "reserved"))
		return PK_KIND_RESERVED;
	if (starts_with(d, "unassigned"))
		return PK_KIND_UNASSIGNED;
	for (size_t i = 0; i < sizeof deregistered / sizeof deregistered[0]; i++)
		if (starts_with(d, deregistered[i]))
			return PK_KIND_DEREGISTERED;
	return PK_KIND_OTHER;
}
