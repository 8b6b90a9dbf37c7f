/* builder.h - the builder's insides, shared by builder.c, builder_merge.c
 * and index_write.c (which serialises it).  Private to lib/.  Records are
 * kept as the index stores them (pk_idx_rec), with arena offsets: the
 * writer puts the arena first in the string section, so they stay valid. */
#ifndef PK_BUILDER_H
#define PK_BUILDER_H

#include <stdint.h>

#include "registry/index.h"

#define PK_B_NONE 0xffffffffu
#define PK_B_MAX_LIST 0xffffu /* list lengths are 16-bit in the index */

/* A record's lists while they grow: item chains through pk_bitem.next.
 * Their lengths are the record's count[]. */
typedef struct pk_blists {
	uint32_t head[PK_L_COUNT_]; /* first item, PK_B_NONE when empty */
	uint32_t tail[PK_L_COUNT_];
} pk_blists;

/* One list entry.  alias: a = string; ref: a = type, b = string;
 * party: a = person id string (0 for text), b = text string. */
typedef struct pk_bitem {
	uint32_t next;
	uint32_t a;
	uint32_t b;
} pk_bitem;

typedef struct pk_bperson {
	uint32_t id, name, org, uri, updated;
} pk_bperson;

/* Open addressing over uint32_t values (0 = empty slot), keyed by a
 * stored 32-bit hash so growing never re-reads the keys.  Value and hash
 * share a slot: a probe touches one cache line, not two. */
typedef struct pk_bslot {
	uint32_t val;
	uint32_t hash;
} pk_bslot;

typedef struct pk_bhash {
	pk_bslot *slot;
	uint32_t mask; /* slots - 1, or 0 before the first insert */
	uint32_t used;
} pk_bhash;

/* Makes room for one more entry (load factor at most 1/2). */
pk_status pk__bhash_reserve(pk_bhash *h);
/* Adds val (non-zero) under hash; call pk__bhash_reserve() first. */
void pk__bhash_insert(pk_bhash *h, uint32_t hash, uint32_t val);
void pk__bhash_free(pk_bhash *h);
/* Visits the values stored under hash (and some others: compare keys). */
#define PK_BHASH_FOREACH(h, hv, j) \
	for (uint32_t j = (h)->mask ? (hv) & (h)->mask : 0; \
	     (h)->mask != 0 && (h)->slot[j].val != 0; j = (j + 1) & (h)->mask) \
		if ((h)->slot[j].hash == (hv))

struct pk_builder {
	/* Every hash over the strings of the source (interning, people, merge
	 * keys, the index's name table) is keyed with this: random unless the
	 * caller asked for a reproducible build (pk__builder_new_keyed). */
	pk_sipkey key;
	pk_buf arena; /* "\0" then NUL-terminated strings */
	pk_bhash strings; /* values: arena offsets */
	pk_idx_rec *recs; /* strings as arena offsets; items unused */
	pk_blists *lists; /* per record */
	uint32_t nrecs, caprecs, caplists;
	pk_bitem *items;
	uint32_t nitems, capitems;
	pk_bperson *people;
	uint32_t npeople, cappeople;
	pk_bhash people_by_id; /* values: person index + 1 */
	uint32_t source;
	uint32_t updated;
	uint32_t flags;
	const char *limit; /* the PK_REG_MAX_* passed (static text), or NULL */
	pk_import_report *report; /* the importers', never read here */
	pk_idx_pop *pop;   /* popularity, in the order added */
	uint32_t npop, cappop;
	bool dedup;
	pk_bhash by_key;   /* with dedup: record index + 1 by its identity */
	uint32_t duplicates;
	uint32_t merged;   /* the record last merged into, or PK_B_NONE */
};

static inline const char *pk_bstr(const pk_builder *b, uint32_t off)
{
	return b->arena.data + off;
}

/* Interns s (NULL or "" give 0). */
pk_status pk__builder_intern(pk_builder *b, const char *s, uint32_t *out);
/* The person index for id, or PK_B_NONE. */
uint32_t pk__builder_find_person(const pk_builder *b, const char *id);

#endif /* PK_BUILDER_H */
