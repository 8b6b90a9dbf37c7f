/* index_read.c - pk__registry_from_index(): checks every byte a lookup
 * could ever read before the registry is used, so a truncated, corrupt or
 * hostile index is an error and never a crash.  Lookups then trust it.
 * pk__registry_from_image() wraps the embedded snapshot, which the build
 * checked completely (tools/mkindex.c) and which is as much part of the
 * program as its code: walking its 2 MB again at every start would cost
 * most of `portkit 443`'s own time, so only its layout is checked. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "registry/index.h"

#define CORRUPT(...) pk__error_set(err, PK_CORRUPT, __VA_ARGS__)

typedef struct elem_spec {
	const char *name;
	size_t size; /* bytes per element */
} elem_spec;

static const elem_spec sections[PK_SEC_COUNT_] = {
	[PK_SEC_STRINGS] = { "strings", 1 },
	[PK_SEC_RECORDS] = { "records", sizeof(pk_idx_rec) },
	[PK_SEC_PORTS] = { "port table", sizeof(uint32_t) },
	[PK_SEC_PORT_POSTINGS] = { "port postings", sizeof(uint32_t) },
	[PK_SEC_NAMES] = { "name table", sizeof(pk_idx_name) },
	[PK_SEC_NAME_POSTINGS] = { "name postings", sizeof(uint32_t) },
	[PK_SEC_LISTS] = { "lists", sizeof(pk_idx_item) },
	[PK_SEC_PEOPLE] = { "people", sizeof(pk_idx_person) },
	[PK_SEC_TEXT_OFFSETS] = { "search text offsets", sizeof(uint32_t) },
	[PK_SEC_TEXT] = { "search text", 1 },
	[PK_SEC_COUNTS] = { "counts", sizeof(pk_idx_counts) },
	[PK_SEC_POPULARITY] = { "popularity", sizeof(pk_idx_pop) },
};

static pk_status check_header(const unsigned char *data, size_t len,
			      bool trusted, const char *o, pk_error *err)
{
	const pk_idx_header *h = (const pk_idx_header *)data;

	if (len >= PK_IDX_MAGIC_LEN && memcmp(data, PK_IDX_MAGIC, PK_IDX_MAGIC_LEN) != 0)
		return CORRUPT("%s: not a portkit index (bad magic number)", o);
	if (len < sizeof *h)
		return CORRUPT("%s: truncated: %zu bytes, the header alone needs %zu",
			       o, len, sizeof *h);
	if (h->version != PK_IDX_VERSION)
		return pk__error_set(err, PK_VERSION,
				    "%s: index format version %u, this portkit reads version %u "
				    "(rebuild it with `portkit import` or `portkit update`)",
				    o, (unsigned)h->version, PK_IDX_VERSION);
	if (h->header_size != sizeof *h || h->section_count != PK_SEC_COUNT_)
		return CORRUPT("%s: header size %u with %u sections, expected %zu with %u",
			       o, (unsigned)h->header_size, (unsigned)h->section_count,
			       sizeof *h, (unsigned)PK_SEC_COUNT_);
	if (h->file_size != len)
		return CORRUPT("%s: %s: the file has %zu bytes, its header says %llu",
			       o, h->file_size > len ? "truncated" : "trailing bytes",
			       len, (unsigned long long)h->file_size);
	if (trusted)
		return PK_OK;
	if (pk__idx_header_checksum(data, sizeof *h) != h->header_checksum)
		return CORRUPT("%s: header checksum mismatch (the file is corrupt)", o);
	if (pk__hash64(data + sizeof *h, len - sizeof *h, 0) != h->body_checksum)
		return CORRUPT("%s: checksum mismatch (the file is corrupt)", o);
	return PK_OK;
}

static pk_status check_sections(const unsigned char *data, size_t len,
				const char *o, pk_error *err)
{
	const pk_idx_header *h = (const pk_idx_header *)data;
	uint64_t end = sizeof *h;

	for (unsigned s = 0; s < PK_SEC_COUNT_; s++) {
		const pk_idx_section_ent *e = &h->sections[s];
		const char *name = sections[s].name;
		if (e->id != s)
			return CORRUPT("%s: section %u has id %u", o, s, (unsigned)e->id);
		if (e->offset % PK_IDX_ALIGN != 0)
			return CORRUPT("%s: %s section at offset %llu is not 8-byte aligned",
				       o, name, (unsigned long long)e->offset);
		if (e->offset < end || e->offset > len || e->size > len - e->offset)
			return CORRUPT("%s: %s section (offset %llu, %llu bytes) is outside "
				       "the file or overlaps another",
				       o, name, (unsigned long long)e->offset,
				       (unsigned long long)e->size);
		if ((uint64_t)e->count * sections[s].size != e->size)
			return CORRUPT("%s: %s section has %llu bytes for %u elements",
				       o, name, (unsigned long long)e->size, (unsigned)e->count);
		end = e->offset + e->size;
	}
	return PK_OK;
}

/* Wires reg's pointers to the sections (whose bounds are checked). */
static void map_sections(pk_registry *reg)
{
	const pk_idx_section_ent *s = reg->hdr->sections;
	const unsigned char *d = reg->base;

	reg->pool = (const char *)(d + s[PK_SEC_STRINGS].offset);
	reg->pool_size = s[PK_SEC_STRINGS].count;
	reg->recs = (const pk_idx_rec *)(d + s[PK_SEC_RECORDS].offset);
	reg->nrecs = s[PK_SEC_RECORDS].count;
	reg->ports = (const uint32_t *)(d + s[PK_SEC_PORTS].offset);
	reg->port_post = (const uint32_t *)(d + s[PK_SEC_PORT_POSTINGS].offset);
	reg->names = (const pk_idx_name *)(d + s[PK_SEC_NAMES].offset);
	reg->name_mask = s[PK_SEC_NAMES].count - 1;
	reg->name_key = (pk_sipkey){ reg->hdr->name_key[0], reg->hdr->name_key[1] };
	reg->name_post = (const uint32_t *)(d + s[PK_SEC_NAME_POSTINGS].offset);
	reg->items = (const pk_idx_item *)(d + s[PK_SEC_LISTS].offset);
	reg->people = (const pk_idx_person *)(d + s[PK_SEC_PEOPLE].offset);
	reg->npeople = s[PK_SEC_PEOPLE].count;
	reg->text_off = (const uint32_t *)(d + s[PK_SEC_TEXT_OFFSETS].offset);
	reg->text = (const char *)(d + s[PK_SEC_TEXT].offset);
	reg->counts = (const pk_idx_counts *)(d + s[PK_SEC_COUNTS].offset);
	reg->pop = (const pk_idx_pop *)(d + s[PK_SEC_POPULARITY].offset);
	reg->npop = s[PK_SEC_POPULARITY].count;
}

static pk_status check_records(const pk_registry *reg, const char *o,
			       pk_error *err)
{
	const pk_idx_section_ent *s = reg->hdr->sections;
	const pk_idx_counts *c = reg->counts;
	uint32_t nitems = s[PK_SEC_LISTS].count;
	uint32_t ps = reg->pool_size;
	uint32_t by_proto[PK_PROTO_COUNT] = { 0 };
	uint64_t next_item = 0;

	if (c->records != reg->nrecs || c->people != reg->npeople ||
	    c->port_records > reg->nrecs || c->names > s[PK_SEC_NAMES].count)
		return CORRUPT("%s: counts disagree with the section sizes", o);
	for (uint32_t i = 0; i < reg->nrecs; i++) {
		const pk_idx_rec *r = &reg->recs[i];
		bool str_bad = r->name >= ps;
		for (int f = 0; f < PK_IDX_NSTR; f++)
			str_bad |= r->str[f] >= ps;
		if (str_bad)
			return CORRUPT("%s: record %u has a string outside the string pool", o, i);
		if (r->proto >= PK_PROTO_COUNT || r->kind > PK_KIND_OTHER ||
		    r->origin > PK_ORIGIN_APP || r->has_port > 1)
			return CORRUPT("%s: record %u has transport %u, kind %u, origin %u, "
				       "port flag %u: out of range",
				       o, i, r->proto, r->kind, r->origin, r->has_port);
		if (r->has_port != (i < c->port_records))
			return CORRUPT("%s: record %u is out of order (records with a port "
				       "come first)", o, i);
		if (r->has_port ? r->port_lo > r->port_hi : (r->port_lo | r->port_hi) != 0)
			return CORRUPT("%s: record %u has ports %u-%u", o, i, r->port_lo,
				       r->port_hi);
		if (i > 0 && r->has_port &&
		    ((uint32_t)r[-1].port_lo << 8 | r[-1].proto) > ((uint32_t)r->port_lo << 8 | r->proto))
			return CORRUPT("%s: record %u is out of (port, transport) order", o, i);
		/* Lists are contiguous and in record order: validating them costs
		 * one pass, whatever a hostile file claims. */
		if (r->items != next_item)
			return CORRUPT("%s: record %u lists start at %u, expected %llu", o, i,
				       (unsigned)r->items, (unsigned long long)next_item);
		next_item += (uint64_t)r->alias_count + r->ref_count +
			     r->assignee_count + r->contact_count;
		if (next_item > nitems)
			return CORRUPT("%s: record %u lists run past the list section", o, i);
		const pk_idx_item *it = &reg->items[r->items];
		for (uint32_t k = 0; k < r->alias_count; k++, it++)
			if (it->a == 0 || it->a >= ps)
				return CORRUPT("%s: record %u alias %u is outside the string pool",
					       o, i, k);
		for (uint32_t k = 0; k < r->ref_count; k++, it++)
			if (it->a > PK_REF_PERSON || it->b >= ps)
				return CORRUPT("%s: record %u reference %u is invalid", o, i, k);
		for (uint32_t k = 0; k < (uint32_t)r->assignee_count + r->contact_count; k++, it++) {
			bool person = it->a < reg->npeople;
			if ((!person && it->a != PK_IDX_PARTY_TEXT && it->a != PK_IDX_PARTY_ID) ||
			    it->b >= ps)
				return CORRUPT("%s: record %u party %u is invalid", o, i, k);
		}
		by_proto[r->proto]++;
	}
	if (next_item != nitems)
		return CORRUPT("%s: %u list entries, records use %llu", o,
			       (unsigned)nitems, (unsigned long long)next_item);
	if (memcmp(by_proto, c->by_proto, sizeof by_proto) != 0)
		return CORRUPT("%s: per-transport counts disagree with the records", o);
	return PK_OK;
}

static pk_status check_ports(const pk_registry *reg, const char *o,
			     pk_error *err)
{
	uint32_t npost = reg->hdr->sections[PK_SEC_PORT_POSTINGS].count;
	const uint32_t *ports = reg->ports, *post = reg->port_post;
	unsigned bad = 0;

	if (ports[0] != 0 || ports[PK_IDX_NPORTS] != npost)
		return CORRUPT("%s: port table does not span the %u port postings", o,
			       (unsigned)npost);
	for (uint32_t p = 0; p < PK_IDX_NPORTS; p++)
		bad |= ports[p] > ports[p + 1];
	if (bad) {
		for (uint32_t p = 0; p < PK_IDX_NPORTS; p++)
			if (ports[p] > ports[p + 1])
				return CORRUPT("%s: port table is not monotonic at port %u", o, p);
	}
	/* Ids in range is what lookups rely on.  That each listed record
	 * covers its port, in id order, is the writer's doing and under the
	 * checksum: checking it here would cost a cache miss per posting. */
	for (uint32_t k = 0; k < npost; k++)
		bad |= post[k] >= reg->nport_recs;
	if (bad) {
		for (uint32_t k = 0; k < npost; k++)
			if (post[k] >= reg->nport_recs)
				return CORRUPT("%s: port posting %u lists record %u, beyond the "
					       "%u records with a port", o, k, (unsigned)post[k],
					       (unsigned)reg->nport_recs);
	}
	return PK_OK;
}

static pk_status check_names(const pk_registry *reg, const char *o,
			     pk_error *err)
{
	uint32_t nslots = reg->hdr->sections[PK_SEC_NAMES].count;
	uint32_t npost = reg->hdr->sections[PK_SEC_NAME_POSTINGS].count;
	uint32_t used = 0;

	if (nslots == 0 || (nslots & (nslots - 1)) != 0)
		return CORRUPT("%s: name table has %u slots, not a power of two", o,
			       (unsigned)nslots);
	for (uint32_t j = 0; j < nslots; j++) {
		const pk_idx_name *n = &reg->names[j];
		if (n->key == 0) {
			if (n->count != 0)
				return CORRUPT("%s: empty name slot %u has postings", o, j);
			continue;
		}
		used++;
		if (n->key >= reg->pool_size || n->count == 0 ||
		    n->first > npost || n->count > npost - n->first)
			return CORRUPT("%s: name slot %u is out of range", o, j);
		for (uint32_t k = n->first; k < n->first + n->count; k++)
			if (reg->name_post[k] >= reg->nrecs)
				return CORRUPT("%s: name slot %u lists record %u, out of range",
					       o, j, (unsigned)reg->name_post[k]);
	}
	if (used != reg->counts->names)
		return CORRUPT("%s: %u names in the table, counts say %u", o,
			       (unsigned)used, (unsigned)reg->counts->names);
	return PK_OK;
}

static pk_status check_people(const pk_registry *reg, const char *o,
			      pk_error *err)
{
	uint32_t ps = reg->pool_size;

	for (uint32_t i = 0; i < reg->npeople; i++) {
		const pk_idx_person *p = &reg->people[i];
		if (p->id == 0 || p->id >= ps || p->name >= ps || p->org >= ps ||
		    p->uri >= ps || p->updated >= ps)
			return CORRUPT("%s: person %u has a string outside the string pool", o, i);
		/* Sorted and unique: pk_person_get() binary searches. */
		if (i > 0 && strcmp(reg->pool + p[-1].id, reg->pool + p->id) >= 0)
			return CORRUPT("%s: people are not sorted by id at %u", o, i);
	}
	return PK_OK;
}

/* Popularity: transports tcp..dccp, at most a million per million,
 * strictly ascending (port, transport), so lookups can binary search. */
static pk_status check_popularity(const pk_registry *reg, const char *o,
				  pk_error *err)
{
	uint32_t last = 0;

	for (uint32_t i = 0; i < reg->npop; i++) {
		const pk_idx_pop *e = &reg->pop[i];
		uint32_t key = (uint32_t)e->port << 8 | e->proto;
		if (e->proto < PK_PROTO_TCP || e->proto >= PK_PROTO_COUNT ||
		    e->zero != 0 || e->ppm > 1000000u)
			return CORRUPT("%s: popularity entry %u is invalid", o,
				       (unsigned)i);
		if (i > 0 && key <= last)
			return CORRUPT("%s: popularity entry %u is out of order", o,
				       (unsigned)i);
		last = key;
	}
	if (((reg->hdr->flags & PK_REGFLAG_POPULARITY) != 0) != (reg->npop > 0))
		return CORRUPT("%s: the popularity flag disagrees with the section", o);
	return PK_OK;
}

static pk_status check_text(const pk_registry *reg, const char *o,
			    pk_error *err)
{
	uint32_t size = reg->hdr->sections[PK_SEC_TEXT].count;

	if (reg->hdr->sections[PK_SEC_TEXT_OFFSETS].count != reg->nrecs + 1)
		return CORRUPT("%s: search text offsets do not match the records", o);
	if (reg->text_off[0] != 0 || reg->text_off[reg->nrecs] != size)
		return CORRUPT("%s: search text offsets do not span the text", o);
	for (uint32_t i = 0; i < reg->nrecs; i++) {
		uint32_t a = reg->text_off[i], z = reg->text_off[i + 1];
		if (z <= a || z > size || reg->text[z - 1] != '\0')
			return CORRUPT("%s: search text of record %u is malformed", o, i);
	}
	return PK_OK;
}

/* How much of an index is checked before it is used. */
typedef enum check_level {
	CHECK_ALL,       /* checksums and every structure: a file, memory */
	CHECK_STRUCTURE, /* every structure: an index just built here */
	CHECK_LAYOUT     /* header and section table: the embedded image */
} check_level;

static pk_status wrap_index(const void *data, size_t len, pk_mem_kind mem,
			    check_level level, const char *origin,
			    pk_registry **out, pk_error *err)
{
	const char *o = origin && origin[0] ? origin : "index";
	pk_registry *reg = NULL;
	pk_status st;

	*out = NULL;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	return pk__error_set(err, PK_UNSUPPORTED,
			    "%s: the index format is little-endian; this host is not", o);
#endif
	if (data == NULL && len > 0)
		return pk__error_set(err, PK_INVAL, "%s: no data", o);
	if ((uintptr_t)data % PK_IDX_ALIGN != 0)
		return pk__error_set(err, PK_INVAL, "%s: index data is not 8-byte aligned", o);
	if (len > PK_IDX_MAX_BYTES)
		return pk__error_set(err, PK_TOOBIG, "%s: %zu bytes, larger than any index (%zu)",
				    o, len, PK_IDX_MAX_BYTES);
	if ((st = check_header(data, len, level != CHECK_ALL, o, err)) != PK_OK ||
	    (st = check_sections(data, len, o, err)) != PK_OK)
		return st;
	reg = calloc(1, sizeof *reg);
	if (reg == NULL)
		return pk__error_set(err, PK_NOMEM, "%s: %s", o, pk_strerror(PK_NOMEM));
	reg->base = data;
	reg->len = len;
	reg->mem = mem;
	reg->hdr = data;
	map_sections(reg);
	const pk_idx_section_ent *s = reg->hdr->sections;
	if (reg->pool_size == 0 || reg->pool[0] != '\0' ||
	    reg->pool[reg->pool_size - 1] != '\0') {
		st = CORRUPT("%s: the string pool is not NUL-terminated", o);
		goto out;
	}
	if (reg->hdr->source >= reg->pool_size || reg->hdr->updated >= reg->pool_size) {
		st = CORRUPT("%s: registry source or date is outside the string pool", o);
		goto out;
	}
	if (s[PK_SEC_PORTS].count != PK_IDX_NPORTS + 1 || s[PK_SEC_COUNTS].count != 1) {
		st = CORRUPT("%s: port table or counts section has the wrong size", o);
		goto out;
	}
	reg->nport_recs = reg->counts->port_records;
	if (level != CHECK_LAYOUT &&
	    ((st = check_records(reg, o, err)) != PK_OK ||
	    (st = check_ports(reg, o, err)) != PK_OK ||
	    (st = check_names(reg, o, err)) != PK_OK ||
	    (st = check_people(reg, o, err)) != PK_OK ||
	    (st = check_text(reg, o, err)) != PK_OK ||
	    (st = check_popularity(reg, o, err)) != PK_OK))
		goto out;
	reg->origin = strdup(origin ? origin : "");
	if (reg->origin == NULL) {
		st = pk__error_set(err, PK_NOMEM, "%s: %s", o, pk_strerror(PK_NOMEM));
		goto out;
	}
	*out = reg;
	reg = NULL;
out:
	free(reg);
	return st;
}

pk_status pk__registry_from_index(const void *data, size_t len,
				 pk_mem_kind mem, bool trusted,
				 const char *origin, pk_registry **out,
				 pk_error *err)
{
	return wrap_index(data, len, mem, trusted ? CHECK_STRUCTURE : CHECK_ALL,
			  origin, out, err);
}

pk_status pk__registry_from_image(const void *data, size_t len,
				 const char *origin, pk_registry **out,
				 pk_error *err)
{
	return wrap_index(data, len, PK_MEM_STATIC, CHECK_LAYOUT, origin, out, err);
}
