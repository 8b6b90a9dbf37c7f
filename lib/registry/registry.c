/* registry.c - what a registry is and what its records hold: accessors
 * over a validated index (index_read.c checked every offset they use). */
#include <string.h>

#include "registry/index.h"

void pk_registry_get_info(const pk_registry *reg, pk_registry_info *out)
{
	memset(out, 0, sizeof *out);
	out->source = pk_idx_str(reg, reg->hdr->source);
	out->updated = pk_idx_str(reg, reg->hdr->updated);
	out->origin = reg->origin;
	out->records = reg->nrecs;
	out->people = reg->npeople;
	out->names = reg->counts->names;
	out->flags = reg->hdr->flags;
	memcpy(out->counts_by_proto, reg->counts->by_proto, sizeof out->counts_by_proto);
}

uint32_t pk_registry_count(const pk_registry *reg)
{
	return reg->nrecs;
}

uint64_t pk_registry_content_hash(const pk_registry *reg)
{
	const pk_idx_header *h = reg->hdr;
	/* flags, source, updated: the header's words that are content. */
	uint32_t meta[3] = { h->flags, h->source, h->updated };
	uint64_t v = pk__hash64(meta, sizeof meta, PK_IDX_VERSION);

	/* Every section but the name table, whose slots and stored hashes
	 * follow from the key; the rest does not depend on it (the strings,
	 * lower-cased names included, are laid out in record order). */
	for (unsigned s = 0; s < PK_SEC_COUNT_; s++)
		if (s != PK_SEC_NAMES)
			v = pk__hash64(reg->base + h->sections[s].offset, h->sections[s].size, v);
	return v;
}

pk_status pk_record_get(const pk_registry *reg, pk_recid id, pk_record *out)
{
	if (id >= reg->nrecs)
		return PK_RANGE;
	pk_idx_rec_view(reg->pool, &reg->recs[id], id, out);
	return PK_OK;
}

const char *pk_record_alias(const pk_registry *reg, pk_recid id, uint32_t i)
{
	if (id >= reg->nrecs || i >= reg->recs[id].alias_count)
		return NULL;
	return pk_idx_str(reg, reg->items[reg->recs[id].items + i].a);
}

const char *pk_ref_type_name(pk_ref_type t)
{
	static const char *const names[] = { "rfc", "draft", "uri", "text", "note", "person" };

	if ((unsigned)t >= sizeof names / sizeof names[0])
		return "";
	return names[t];
}

pk_status pk_record_ref(const pk_registry *reg, pk_recid id, uint32_t i,
			pk_ref *out)
{
	if (id >= reg->nrecs || i >= reg->recs[id].ref_count)
		return PK_RANGE;
	const pk_idx_rec *r = &reg->recs[id];
	const pk_idx_item *it = &reg->items[r->items + r->alias_count + i];
	out->type = (pk_ref_type)it->a;
	out->data = pk_idx_str(reg, it->b);
	return PK_OK;
}

static void person_party(const pk_registry *reg, const pk_idx_person *p,
			 pk_party *out)
{
	out->id = pk_idx_str(reg, p->id);
	out->name = pk_idx_str(reg, p->name);
	out->org = pk_idx_str(reg, p->org);
	out->uri = pk_idx_str(reg, p->uri);
	out->updated = pk_idx_str(reg, p->updated);
}

static void item_party(const pk_registry *reg, const pk_idx_item *it,
		       pk_party *out)
{
	if (it->a < reg->npeople) {
		person_party(reg, &reg->people[it->a], out);
		return;
	}
	/* Free text (id ""), or an id the people section does not hold. */
	const char *s = pk_idx_str(reg, it->b);
	*out = (pk_party){ .id = "", .name = "", .org = "", .uri = "", .updated = "" };
	if (it->a == PK_IDX_PARTY_ID)
		out->id = s;
	else
		out->name = s;
}

pk_status pk_record_assignee(const pk_registry *reg, pk_recid id, uint32_t i,
			     pk_party *out)
{
	if (id >= reg->nrecs || i >= reg->recs[id].assignee_count)
		return PK_RANGE;
	const pk_idx_rec *r = &reg->recs[id];
	item_party(reg, &reg->items[r->items + r->alias_count + r->ref_count + i], out);
	return PK_OK;
}

pk_status pk_record_contact(const pk_registry *reg, pk_recid id, uint32_t i,
			    pk_party *out)
{
	if (id >= reg->nrecs || i >= reg->recs[id].contact_count)
		return PK_RANGE;
	const pk_idx_rec *r = &reg->recs[id];
	item_party(reg, &reg->items[r->items + r->alias_count + r->ref_count +
				    r->assignee_count + i], out);
	return PK_OK;
}

pk_status pk_person_get(const pk_registry *reg, const char *person_id,
			pk_party *out)
{
	uint32_t lo = 0, hi = reg->npeople;

	if (person_id == NULL)
		return PK_INVAL;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		int c = strcmp(pk_idx_str(reg, reg->people[mid].id), person_id);
		if (c == 0) {
			person_party(reg, &reg->people[mid], out);
			return PK_OK;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return PK_NOTFOUND;
}
