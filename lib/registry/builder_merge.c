/* builder_merge.c - combining sources: another builder's records (the
 * embedded snapshot's netbase aliases and supplement ranges), or an
 * existing registry's (carried into a fresh download). */
#include <stdlib.h>
#include <string.h>

#include "registry/builder.h"
#include "registry/index.h"

/* The merge key: (name case-insensitively, transport, ports), under the
 * builder's key like every hash of the source's strings: records come
 * from a downloaded registry too. */
static uint32_t key_hash(const pk_builder *b, const char *name, const pk_idx_rec *r)
{
	uint64_t m[2] = {
		pk__siphash24_lower(&b->key, name, strlen(name)),
		(uint64_t)r->proto << 40 | (uint64_t)r->has_port << 32 |
			(uint32_t)r->port_lo << 16 | r->port_hi,
	};

	return (uint32_t)pk__siphash24(&b->key, m, sizeof m);
}

static bool same_key(const pk_builder *b, const pk_idx_rec *x,
		     const pk_builder *src, const pk_idx_rec *y)
{
	return x->proto == y->proto && x->has_port == y->has_port &&
	       x->port_lo == y->port_lo && x->port_hi == y->port_hi &&
	       x->name != 0 && y->name != 0 &&
	       pk__strcasecmp(pk_bstr(b, x->name), pk_bstr(src, y->name)) == 0;
}

static uint32_t port_hash(const pk_builder *b, const pk_idx_rec *r)
{
	uint64_t m = (uint64_t)r->proto << 32 | (uint32_t)r->port_lo << 16 | r->port_hi;

	return (uint32_t)pk__siphash24(&b->key, &m, sizeof m);
}

/* Copies person id from src to b unless b has it already. */
static pk_status copy_person(pk_builder *b, const pk_builder *src,
			     const char *id)
{
	uint32_t p = pk__builder_find_person(src, id);

	if (p == PK_B_NONE || pk__builder_find_person(b, id) != PK_B_NONE)
		return PK_OK;
	const pk_bperson *q = &src->people[p];
	return pk__builder_add_person(b, id, pk_bstr(src, q->name),
				     pk_bstr(src, q->org), pk_bstr(src, q->uri),
				     pk_bstr(src, q->updated));
}

/* Adds src's record s to b (a new record), with its lists and people. */
static pk_status copy_record(pk_builder *b, const pk_builder *src,
			     uint32_t s, uint32_t description, uint32_t *out)
{
	const pk_idx_rec *r = &src->recs[s];
	const pk_blists *ls = &src->lists[s];
	pk_record in;
	pk_status st;
	uint32_t id;

	pk_idx_rec_view(src->arena.data, r, 0, &in);
	if ((st = pk__builder_add(b, &in, &id)) != PK_OK)
		return st;
	/* A borrowed description is already in b's arena. */
	if (r->description == 0)
		b->recs[id].description = description;
	for (uint32_t i = ls->head[PK_L_ALIAS]; i != PK_B_NONE; i = src->items[i].next)
		if ((st = pk__builder_add_alias(b, id, pk_bstr(src, src->items[i].a))) != PK_OK)
			return st;
	for (uint32_t i = ls->head[PK_L_REF]; i != PK_B_NONE; i = src->items[i].next) {
		const pk_bitem *it = &src->items[i];
		if (it->a == PK_REF_PERSON &&
		    (st = copy_person(b, src, pk_bstr(src, it->b))) != PK_OK)
			return st;
		if ((st = pk__builder_add_ref(b, id, (pk_ref_type)it->a,
					     pk_bstr(src, it->b))) != PK_OK)
			return st;
	}
	for (int l = PK_L_ASSIGNEE; l <= PK_L_CONTACT; l++) {
		for (uint32_t i = ls->head[l]; i != PK_B_NONE; i = src->items[i].next) {
			const pk_bitem *it = &src->items[i];
			if (it->a != 0 &&
			    (st = copy_person(b, src, pk_bstr(src, it->a))) != PK_OK)
				return st;
			st = l == PK_L_ASSIGNEE
				? pk__builder_add_assignee(b, id, pk_bstr(src, it->a), pk_bstr(src, it->b))
				: pk__builder_add_contact(b, id, pk_bstr(src, it->a), pk_bstr(src, it->b));
			if (st != PK_OK)
				return st;
		}
	}
	*out = id;
	return PK_OK;
}

pk_status pk__builder_merge(pk_builder *b, const pk_builder *src,
			   pk_error *err)
{
	pk_bhash keys = { 0 };  /* b's named records by merge key: index + 1 */
	pk_bhash ports = { 0 }; /* b's described assigned records by port: index + 1 */
	uint32_t *ranges = NULL; /* b's described assigned ranges, in b's order */
	uint32_t nranges = 0;
	pk_status st = PK_OK;
	uint32_t nb = b->nrecs;

	if (b == src)
		return pk__error_set(err, PK_INVAL, "cannot merge a builder into itself");
	if (nb > 0 && (ranges = malloc(nb * sizeof *ranges)) == NULL) {
		st = PK_NOMEM;
		goto out;
	}
	for (uint32_t i = 0; i < nb; i++) {
		const pk_idx_rec *r = &b->recs[i];
		if (r->name != 0) {
			if ((st = pk__bhash_reserve(&keys)) != PK_OK)
				goto out;
			pk__bhash_insert(&keys, key_hash(b, pk_bstr(b, r->name), r), i + 1);
		}
		if (r->has_port && r->kind == PK_KIND_ASSIGNED && r->description != 0) {
			if ((st = pk__bhash_reserve(&ports)) != PK_OK)
				goto out;
			pk__bhash_insert(&ports, port_hash(b, r), i + 1);
			if (r->port_lo < r->port_hi)
				ranges[nranges++] = i;
		}
	}
	for (uint32_t s = 0; s < src->nrecs; s++) {
		const pk_idx_rec *r = &src->recs[s];
		uint32_t target = PK_B_NONE;
		uint32_t kh = 0;

		if (r->name != 0) {
			kh = key_hash(b, pk_bstr(src, r->name), r);
			/* The first match wins: b's own order decides. */
			uint32_t best = PK_B_NONE;
			PK_BHASH_FOREACH(&keys, kh, j) {
				uint32_t cand = keys.slot[j].val - 1;
				if (cand < best && same_key(b, &b->recs[cand], src, r))
					best = cand;
			}
			target = best;
		}
		if (target != PK_B_NONE) {
			for (uint32_t i = src->lists[s].head[PK_L_ALIAS]; i != PK_B_NONE;
			     i = src->items[i].next) {
				st = pk__builder_add_alias(b, target, pk_bstr(src, src->items[i].a));
				if (st != PK_OK)
					goto out;
			}
			continue;
		}
		uint32_t description = 0;
		if (r->description == 0 && r->has_port) {
			uint32_t ph = port_hash(b, r), best = PK_B_NONE;
			PK_BHASH_FOREACH(&ports, ph, j) {
				uint32_t cand = ports.slot[j].val - 1;
				const pk_idx_rec *c = &b->recs[cand];
				if (cand < best && c->proto == r->proto &&
				    c->port_lo == r->port_lo && c->port_hi == r->port_hi)
					best = cand;
			}
			/* No record on exactly these ports: one of b's
			 * ranges covering them (netbase's x11-1 on 6001
			 * lies inside IANA's x11 6000-6063). */
			for (uint32_t k = 0; best == PK_B_NONE && k < nranges; k++) {
				const pk_idx_rec *c = &b->recs[ranges[k]];
				if (c->proto == r->proto && c->port_lo <= r->port_lo &&
				    r->port_hi <= c->port_hi)
					best = ranges[k];
			}
			if (best != PK_B_NONE)
				description = b->recs[best].description;
		}
		uint32_t id;
		if ((st = copy_record(b, src, s, description, &id)) != PK_OK)
			goto out;
		/* Later records of src with the same key fold into this one. */
		if (r->name != 0) {
			if ((st = pk__bhash_reserve(&keys)) != PK_OK)
				goto out;
			pk__bhash_insert(&keys, kh, id + 1);
		}
	}
out:
	pk__bhash_free(&keys);
	pk__bhash_free(&ports);
	free(ranges);
	if (st != PK_OK)
		pk__error_set(err, st, "merging records: %s", pk__builder_strerror(b, st));
	return st;
}

/* ---- copying a registry's records ---------------------------------------- */

static pk_status copy_reg_person(pk_builder *b, const pk_registry *reg,
				 const char *id)
{
	pk_party p;

	if (pk__builder_find_person(b, id) != PK_B_NONE ||
	    pk_person_get(reg, id, &p, NULL) != PK_OK)
		return PK_OK;
	return pk__builder_add_person(b, p.id, p.name, p.org, p.uri, p.updated);
}

static pk_status copy_reg_parties(pk_builder *b, const pk_registry *reg,
				  pk_recid id, uint32_t n, bool assignee,
				  uint32_t to)
{
	pk_status st = PK_OK;

	for (uint32_t i = 0; i < n && st == PK_OK; i++) {
		pk_party p;
		if (assignee)
			st = pk_record_assignee(reg, id, i, &p, NULL);
		else
			st = pk_record_contact(reg, id, i, &p, NULL);
		if (st != PK_OK)
			break;
		if (p.id[0] != '\0') {
			if ((st = copy_reg_person(b, reg, p.id)) != PK_OK)
				break;
			st = assignee ? pk__builder_add_assignee(b, to, p.id, NULL)
				      : pk__builder_add_contact(b, to, p.id, NULL);
		} else {
			st = assignee ? pk__builder_add_assignee(b, to, NULL, p.name)
				      : pk__builder_add_contact(b, to, NULL, p.name);
		}
	}
	return st;
}

static pk_status copy_reg_record(pk_builder *b, const pk_registry *reg,
				 const pk_record *r)
{
	uint32_t to;
	pk_status st = pk__builder_add(b, r, &to);

	for (uint32_t i = 0; i < r->alias_count && st == PK_OK; i++) {
		const char *a = pk_record_alias(reg, r->id, i);
		st = a ? pk__builder_add_alias(b, to, a) : PK_CORRUPT;
	}
	for (uint32_t i = 0; i < r->ref_count && st == PK_OK; i++) {
		pk_ref ref;
		if ((st = pk_record_ref(reg, r->id, i, &ref, NULL)) != PK_OK)
			break;
		if (ref.type == PK_REF_PERSON &&
		    (st = copy_reg_person(b, reg, ref.data)) != PK_OK)
			break;
		st = pk__builder_add_ref(b, to, ref.type, ref.data);
	}
	if (st == PK_OK)
		st = copy_reg_parties(b, reg, r->id, r->assignee_count, true, to);
	if (st == PK_OK)
		st = copy_reg_parties(b, reg, r->id, r->contact_count, false, to);
	return st;
}

pk_status pk__builder_add_registry(pk_builder *b, const pk_registry *reg,
				  unsigned origin_mask, pk_error *err)
{
	uint32_t n = pk_registry_count(reg);

	for (pk_recid id = 0; id < n; id++) {
		pk_record r = { 0 };
		pk_status st = pk_record_get(reg, id, &r, NULL);
		if (st == PK_OK && !(origin_mask & (1u << (unsigned)r.origin)))
			continue;
		if (st == PK_OK)
			st = copy_reg_record(b, reg, &r);
		if (st != PK_OK)
			return pk__error_set(err, st, "copying record %u (%s/%s) of %s: %s",
					    (unsigned)id, r.name ? r.name : "(nameless)",
					    pk_proto_name(r.proto), reg->origin,
					    pk_strerror(st));
	}
	return PK_OK;
}
