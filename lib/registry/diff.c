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

/* The fields pk_diff_field_name() numbers: the values of PK_RECORD_FIELDS,
 * its strings, then the lists. */
static const char *const field_names[] = {
#define VAL_NAME_(type, field) #field,
#define STR_NAME_(field) #field,
	PK_RECORD_FIELDS(VAL_NAME_, STR_NAME_)
#undef VAL_NAME_
#undef STR_NAME_
	"references", "assignees", "contacts"
};
_Static_assert(sizeof field_names / sizeof field_names[0] == PK_DIFF_FIELDS,
	       "PK_DIFF_FIELDS counts PK_RECORD_FIELDS and the three lists");

const char *pk_diff_field_name(unsigned field)
{
	return field < PK_DIFF_FIELDS ? field_names[field] : NULL;
}

/* Same key: the fields a reader cares about that differ, as bits of
 * pk_diff_field_name()'s numbers (0: unchanged). */
static uint32_t changed_fields(const pk_registry *ra, pk_recid ia,
			       const pk_registry *rb, pk_recid ib)
{
	const pk_idx_rec *a = &ra->recs[ia], *b = &rb->recs[ib];
	uint32_t bits = 0;
	unsigned f = 0;

	/* Every field of the list; the key's are equal already. */
#define VAL_(type, field) bits |= (uint32_t)(a->field != b->field) << f++;
	PK_RECORD_FIELDS(VAL_, PK_IDX_NO_STR_)
#undef VAL_
	for (int i = 0; i < PK_IDX_NSTR; i++, f++)
		if (!same_str(ra, a->str[i], rb, b->str[i]))
			bits |= 1u << f;
	bool refs = a->ref_count != b->ref_count;
	for (uint32_t i = 0; !refs && i < a->ref_count; i++) {
		const pk_idx_item *x = &ra->items[a->items + a->alias_count + i];
		const pk_idx_item *y = &rb->items[b->items + b->alias_count + i];
		refs = x->a != y->a || !same_str(ra, x->b, rb, y->b);
	}
	bits |= (uint32_t)refs << f++;
	bits |= (uint32_t)(a->assignee_count != b->assignee_count ||
			   !same_parties(ra, ia, rb, ib, a->assignee_count, true)) << f++;
	bits |= (uint32_t)(a->contact_count != b->contact_count ||
			   !same_parties(ra, ia, rb, ib, a->contact_count, false)) << f++;
	return bits;
}

static bool modified(const pk_registry *ra, pk_recid ia, const pk_registry *rb,
		     pk_recid ib)
{
	return changed_fields(ra, ia, rb, ib) != 0;
}

void pk_registry_diff_fields(const pk_registry *old_reg,
			     const pk_registry *new_reg,
			     uint32_t counts[PK_DIFF_FIELDS])
{
	uint32_t i = 0, j = 0;
	uint32_t n = old_reg->nrecs, m = new_reg->nrecs;

	memset(counts, 0, PK_DIFF_FIELDS * sizeof counts[0]);
	while (i < n && j < m) {
		int c = key_cmp(old_reg, &old_reg->recs[i], new_reg, &new_reg->recs[j]);
		if (c < 0) {
			i++;
		} else if (c > 0) {
			j++;
		} else {
			uint32_t bits = changed_fields(old_reg, i, new_reg, j);
			for (unsigned f = 0; f < PK_DIFF_FIELDS; f++)
				counts[f] += (bits >> f) & 1u;
			i++;
			j++;
		}
	}
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
