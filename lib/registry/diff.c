/* diff.c - what changed between two registries, for `portkit update`.
 *
 * Records are keyed by (name case-insensitively, transport, ports).  Both
 * indexes store their records sorted by that key (pk_idx_key_cmp), so one
 * merge walk pairs them up without allocating. */
#include <string.h>

#include "registry/index.h"

static int key_cmp(const pk_registry *ra, const pk_idx_rec *a,
		   const pk_registry *rb, const pk_idx_rec *b)
{
	pk_idx_key ka = { a->has_port, a->port_lo, a->proto, a->port_hi,
			  pk_idx_str(ra, a->name) };
	pk_idx_key kb = { b->has_port, b->port_lo, b->proto, b->port_hi,
			  pk_idx_str(rb, b->name) };

	return pk_idx_key_cmp(&ka, &kb);
}

static bool same_str(const pk_registry *ra, uint32_t a, const pk_registry *rb,
		     uint32_t b)
{
	return strcmp(pk_idx_str(ra, a), pk_idx_str(rb, b)) == 0;
}

static bool same_parties(const pk_registry *ra, pk_recid ia,
			 const pk_registry *rb, pk_recid ib, uint32_t n,
			 bool assignee)
{
	for (uint32_t i = 0; i < n; i++) {
		pk_party pa, pb;
		if (assignee) {
			pk_record_assignee(ra, ia, i, &pa, NULL);
			pk_record_assignee(rb, ib, i, &pb, NULL);
		} else {
			pk_record_contact(ra, ia, i, &pa, NULL);
			pk_record_contact(rb, ib, i, &pb, NULL);
		}
		if (strcmp(pa.id, pb.id) != 0 || strcmp(pa.name, pb.name) != 0)
			return false;
	}
	return true;
}

/* Same key; does anything a reader cares about differ? */
static bool modified(const pk_registry *ra, pk_recid ia, const pk_registry *rb,
		     pk_recid ib)
{
	const pk_idx_rec *a = &ra->recs[ia], *b = &rb->recs[ib];

	/* Every field of the list; the key's are equal already. */
#define VAL_(type, field) || a->field != b->field
	if (false PK_RECORD_FIELDS(VAL_, PK_IDX_NO_STR_))
		return true;
#undef VAL_
	for (int f = 0; f < PK_IDX_NSTR; f++)
		if (!same_str(ra, a->str[f], rb, b->str[f]))
			return true;
	if (a->ref_count != b->ref_count || a->assignee_count != b->assignee_count ||
	    a->contact_count != b->contact_count)
		return true;
	for (uint32_t i = 0; i < a->ref_count; i++) {
		const pk_idx_item *x = &ra->items[a->items + a->alias_count + i];
		const pk_idx_item *y = &rb->items[b->items + b->alias_count + i];
		if (x->a != y->a || !same_str(ra, x->b, rb, y->b))
			return true;
	}
	return !same_parties(ra, ia, rb, ib, a->assignee_count, true) ||
	       !same_parties(ra, ia, rb, ib, a->contact_count, false);
}

void pk_registry_diff(const pk_registry *old_reg, const pk_registry *new_reg,
		      pk_diff_fn fn, void *ctx, pk_diff_stats *out)
{
	pk_diff_stats st = { 0 };
	uint32_t i = 0, j = 0;
	uint32_t n = old_reg->nrecs, m = new_reg->nrecs;

	while (i < n || j < m) {
		int c = i == n ? 1 : j == m ? -1
			: key_cmp(old_reg, &old_reg->recs[i], new_reg, &new_reg->recs[j]);
		if (c < 0) {
			st.removed++;
			if (fn)
				fn(ctx, '-', old_reg, i);
			i++;
		} else if (c > 0) {
			st.added++;
			if (fn)
				fn(ctx, '+', new_reg, j);
			j++;
		} else {
			if (modified(old_reg, i, new_reg, j)) {
				st.modified++;
				if (fn)
					fn(ctx, '~', new_reg, j);
			} else {
				st.unchanged++;
			}
			i++;
			j++;
		}
	}
	if (out != NULL)
		*out = st;
}
