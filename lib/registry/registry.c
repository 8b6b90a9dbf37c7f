/* registry.c - what a registry is and what its records hold: accessors
 * over a validated index (index_read.c checked every offset they use). */
#include <string.h>

#include "registry/index.h"

void pk_registry_get_info_(const pk_registry *reg, pk_registry_info *out,
			   size_t out_size)
{
	pk_registry_info info = {
		.source = pk_idx_str(reg, reg->hdr->source),
		.updated = pk_idx_str(reg, reg->hdr->updated),
		.origin = reg->origin,
		.records = reg->nrecs,
		.people = reg->npeople,
		.names = reg->counts->names,
		.flags = reg->hdr->flags,
	};

	memcpy(info.counts_by_proto, reg->counts->by_proto, sizeof info.counts_by_proto);
	pk__copy_out(out, out_size, &info, sizeof info);
}

uint32_t pk_registry_count(const pk_registry *reg)
{
	return reg->nrecs;
}

bool pk_registry_is_partial(const pk_registry *reg)
{
	for (pk_recid id = 0; id < reg->nrecs; id++) {
		pk_record r;
		if (pk_record_get(reg, id, &r, NULL) == PK_OK && r.origin < 32 &&
		    (PK_ORIGINMASK(r.origin) & PK_ORIGINMASK_IANA))
			return false;
	}
	return true;
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

/* PK_RANGE unless id is a record of reg (and i < n, its count of what is
 * asked for). */
static pk_status check_id(const pk_registry *reg, pk_recid id, uint32_t i,
			  uint32_t n, const char *what, pk_error *err)
{
	if (id >= reg->nrecs)
		return pk__error_set(err, PK_RANGE, "no record %u: the registry has %u",
				    (unsigned)id, (unsigned)reg->nrecs);
	if (i >= n)
		return pk__error_set(err, PK_RANGE, "no %s %u: record %u has %u", what,
				    (unsigned)i, (unsigned)id, (unsigned)n);
	return PK_OK;
}

pk_status pk_record_get_(const pk_registry *reg, pk_recid id, pk_record *out,
			 size_t out_size, pk_error *err)
{
	pk_record r;
	pk_status st = check_id(reg, id, 0, 1, "record", err);

	if (st != PK_OK)
		return st;
	memset(&r, 0, sizeof r); /* its padding too: no stack bytes leak out */
	pk_idx_rec_view(reg->pool, &reg->recs[id], id, &r);
	pk__copy_out(out, out_size, &r, sizeof r);
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
			pk_ref *out, pk_error *err)
{
	pk_status st = check_id(reg, id, i, id < reg->nrecs ? reg->recs[id].ref_count : 0,
				"reference", err);

	if (st != PK_OK)
		return st;
	const pk_idx_rec *r = &reg->recs[id];
	const pk_idx_item *it = &reg->items[r->items + r->alias_count + i];
	out->type = (pk_ref_type)it->a;
	out->data = pk_idx_str(reg, it->b);
	return PK_OK;
}

static pk_party person_party(const pk_registry *reg, const pk_idx_person *p)
{
	return (pk_party){
		.id = pk_idx_str(reg, p->id),
		.name = pk_idx_str(reg, p->name),
		.org = pk_idx_str(reg, p->org),
		.uri = pk_idx_str(reg, p->uri),
		.updated = pk_idx_str(reg, p->updated),
	};
}

/* The i-th entry of list l (PK_L_ASSIGNEE or PK_L_CONTACT) of record id. */
static pk_status list_party(const pk_registry *reg, pk_recid id, uint32_t i,
			    int l, pk_party *out, size_t out_size, pk_error *err)
{
	pk_status st = check_id(reg, id, i, id < reg->nrecs ? reg->recs[id].count[l] : 0,
				l == PK_L_ASSIGNEE ? "assignee" : "contact", err);

	if (st != PK_OK)
		return st;
	const pk_idx_rec *r = &reg->recs[id];
	uint32_t at = r->items;
	for (int k = 0; k < l; k++)
		at += r->count[k];
	const pk_idx_item *it = &reg->items[at + i];
	pk_party p;
	if (it->a < reg->npeople) {
		p = person_party(reg, &reg->people[it->a]);
	} else {
		/* Free text (id ""), or an id the people section does not hold. */
		const char *s = pk_idx_str(reg, it->b);
		p = (pk_party){ .id = "", .name = "", .org = "", .uri = "", .updated = "" };
		if (it->a == PK_IDX_PARTY_ID)
			p.id = s;
		else
			p.name = s;
	}
	pk__copy_out(out, out_size, &p, sizeof p);
	return PK_OK;
}

pk_status pk_record_assignee_(const pk_registry *reg, pk_recid id, uint32_t i,
			      pk_party *out, size_t out_size, pk_error *err)
{
	return list_party(reg, id, i, PK_L_ASSIGNEE, out, out_size, err);
}

pk_status pk_record_contact_(const pk_registry *reg, pk_recid id, uint32_t i,
			     pk_party *out, size_t out_size, pk_error *err)
{
	return list_party(reg, id, i, PK_L_CONTACT, out, out_size, err);
}

pk_status pk_person_get_(const pk_registry *reg, const char *person_id,
			 pk_party *out, size_t out_size, pk_error *err)
{
	uint32_t lo = 0, hi = reg->npeople;

	if (person_id == NULL)
		return pk__error_set(err, PK_INVAL, "no person id given");
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		int c = strcmp(pk_idx_str(reg, reg->people[mid].id), person_id);
		if (c == 0) {
			pk_party p = person_party(reg, &reg->people[mid]);
			pk__copy_out(out, out_size, &p, sizeof p);
			return PK_OK;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return pk__error_set(err, PK_NOTFOUND, "no person '%s' in the registry", person_id);
}

/* Days since 1970-01-01 of y-m-d (Howard Hinnant's days_from_civil). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	const int64_t era = (y >= 0 ? y : y - 399) / 400;
	const unsigned yoe = (unsigned)(y - era * 400);
	const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static bool digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

pk_status pk_date_days(const char *s, int64_t *days, pk_error *err)
{
	static const unsigned char mdays[12] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	size_t n = s ? strlen(s) : 0;

	if ((n != 7 && n != 10) || !digits(s, 4) || s[4] != '-' || !digits(s + 5, 2) ||
	    (n == 10 && (s[7] != '-' || !digits(s + 8, 2))))
		return pk__error_set(err, PK_INVAL, "'%.40s' is not a date (expected YYYY-MM-DD)",
				    s ? s : "");
	int64_t y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	unsigned m = (unsigned)((s[5] - '0') * 10 + (s[6] - '0'));
	unsigned d = n == 10 ? (unsigned)((s[8] - '0') * 10 + (s[9] - '0')) : 1;
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (m < 1 || m > 12 || d < 1 || d > mdays[m - 1] || (m == 2 && d == 29 && !leap))
		return pk__error_set(err, PK_INVAL, "'%.40s' is not a date (expected YYYY-MM-DD)", s);
	*days = days_from_civil(y, m, d);
	return PK_OK;
}

pk_status pk_registry_age_days(const pk_registry *reg, int64_t now,
			       int64_t *days, pk_error *err)
{
	pk_registry_info info;
	int64_t then;

	pk_registry_get_info(reg, &info);
	if (info.updated[0] == '\0' || pk_date_days(info.updated, &then, NULL) != PK_OK)
		return pk__error_set(err, PK_NOTFOUND, "the registry has no date");
	/* Floor division: a time before the epoch still counts whole days. */
	int64_t today = now / 86400 - (now % 86400 < 0);
	*days = today - then;
	return PK_OK;
}
