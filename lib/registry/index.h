/*
 * index.h - the compiled index format (docs/index-format.md) and the
 * registry handle built over it.  Private to lib/ (and the unit tests,
 * which poke at the format to check its validation).
 *
 * Everything is little-endian; the sections are read in place, so these
 * structs mirror the bytes exactly (sizes are checked below).
 */
#ifndef PK_INDEX_H
#define PK_INDEX_H

#include <stddef.h>
#include <stdint.h>

#include "core/siphash.h"
#include "registry/registry_internal.h"

#define PK_IDX_MAGIC "PKIDX\r\n\x1a" /* 8 bytes, PNG-style: catches text-mode mangling */
#define PK_IDX_MAGIC_LEN 8
#define PK_IDX_VERSION 3u
#define PK_IDX_ALIGN 8u
#define PK_IDX_NPORTS 65536u
/* An index is never larger than this (offsets inside it are 32-bit). */
#define PK_IDX_MAX_BYTES ((size_t)1 << 30)
/* Upper bound on the port postings a builder writes: the real registry
 * has about 56k; this stops a hostile source from asking for gigabytes. */
#define PK_IDX_MAX_PORT_POSTINGS ((uint32_t)1 << 24)

/* Party list entries: the person index, or one of these. */
#define PK_IDX_PARTY_TEXT 0xffffffffu  /* b is free text */
#define PK_IDX_PARTY_ID 0xfffffffeu    /* b is a person id not in the people section */

/* Separates the fields of a record's search text; never in a word. */
#define PK_IDX_TEXT_SEP '\x1f'

enum pk_idx_section {
	PK_SEC_STRINGS = 0,       /* NUL-terminated strings; offset 0 is "" */
	PK_SEC_RECORDS = 1,       /* pk_idx_rec[count] */
	PK_SEC_PORTS = 2,         /* uint32_t[65537]: postings offsets per port */
	PK_SEC_PORT_POSTINGS = 3, /* uint32_t record ids */
	PK_SEC_NAMES = 4,         /* pk_idx_name[count], count a power of two */
	PK_SEC_NAME_POSTINGS = 5, /* uint32_t record ids */
	PK_SEC_LISTS = 6,         /* pk_idx_item: aliases, refs, parties */
	PK_SEC_PEOPLE = 7,        /* pk_idx_person[count], sorted by id */
	PK_SEC_TEXT_OFFSETS = 8,  /* uint32_t[records + 1] into PK_SEC_TEXT */
	PK_SEC_TEXT = 9,          /* lower-cased search text per record */
	PK_SEC_COUNTS = 10,       /* one pk_idx_counts */
	PK_SEC_POPULARITY = 11,   /* pk_idx_pop[count], by (port, transport) */
	PK_SEC_COUNT_ = 12
};

typedef struct pk_idx_section_ent {
	uint32_t id;    /* == its position in the table */
	uint32_t count; /* elements (bytes for the byte sections) */
	uint64_t offset;
	uint64_t size;  /* bytes */
} pk_idx_section_ent;

typedef struct pk_idx_header {
	char magic[8];
	uint32_t version;
	uint32_t header_size; /* this struct, section table included */
	uint64_t file_size;
	uint64_t body_checksum;   /* pk__hash64 of bytes [header_size, file_size) */
	uint64_t header_checksum; /* of bytes [0, 32) then [40, header_size) */
	uint32_t flags;           /* PK_REGFLAG_* */
	uint32_t source;          /* string offset */
	uint32_t updated;         /* string offset */
	uint32_t section_count;   /* PK_SEC_COUNT_ */
	uint64_t name_key[2];     /* pk__name_hash's key: k0, k1 */
	pk_idx_section_ent sections[PK_SEC_COUNT_];
} pk_idx_header;

/* The per-record lists, in the order the index stores them. */
enum { PK_L_ALIAS = 0, PK_L_REF = 1, PK_L_ASSIGNEE = 2, PK_L_CONTACT = 3, PK_L_COUNT_ = 4 };

/* The text fields of PK_RECORD_FIELDS, numbered in list order: PK_RSTR_notes
 * is the index of notes in pk_idx_rec.str. */
#define PK_IDX_NO_VAL_(type, field)
#define PK_IDX_NO_STR_(field)
#define PK_IDX_STR_ENUM_(field) PK_RSTR_##field,
#define PK_IDX_STR_MEMBER_(field) uint32_t field;
enum { PK_RECORD_FIELDS(PK_IDX_NO_VAL_, PK_IDX_STR_ENUM_) PK_IDX_NSTR };

/* A record as the index stores it, and the builder keeps it.  The text
 * fields are string offsets in list order, by name or as the array str;
 * the values are the on-disk form of PK_RECORD_FIELDS' values and must
 * carry their names (a new value field is a change of this format). */
typedef struct pk_idx_rec {
	uint32_t name; /* 0: nameless */
	union {
		struct {
			PK_RECORD_FIELDS(PK_IDX_NO_VAL_, PK_IDX_STR_MEMBER_)
		};
		uint32_t str[PK_IDX_NSTR];
	};
	uint32_t items; /* first entry in PK_SEC_LISTS: aliases, refs, assignees, contacts */
	uint16_t port_lo;
	uint16_t port_hi;
	uint8_t proto;
	uint8_t kind;
	uint8_t origin;
	uint8_t has_port;
	uint32_t flags;
	union {
		struct {
			uint16_t alias_count;
			uint16_t ref_count;
			uint16_t assignee_count;
			uint16_t contact_count;
		};
		uint16_t count[PK_L_COUNT_]; /* by PK_L_* */
	};
} pk_idx_rec;

/* The record's fields as pk_record has them: strings from pool (the index's
 * string section, or the builder's arena, which has the same offsets). */
static inline void pk_idx_rec_view(const char *pool, const pk_idx_rec *r,
				   pk_recid id, pk_record *out)
{
	out->id = id;
	out->name = r->name ? pool + r->name : NULL;
	out->alias_count = r->alias_count;
	out->ref_count = r->ref_count;
	out->assignee_count = r->assignee_count;
	out->contact_count = r->contact_count;
#define PK_IDX_VIEW_VAL_(type, field) out->field = (type)r->field;
#define PK_IDX_VIEW_STR_(field) out->field = pool + r->field;
	PK_RECORD_FIELDS(PK_IDX_VIEW_VAL_, PK_IDX_VIEW_STR_)
#undef PK_IDX_VIEW_VAL_
#undef PK_IDX_VIEW_STR_
}

/* alias: a = string; ref: a = pk_ref_type, b = string;
 * party: a = person index or PK_IDX_PARTY_*, b = string (text or id). */
typedef struct pk_idx_item {
	uint32_t a;
	uint32_t b;
} pk_idx_item;

typedef struct pk_idx_name {
	uint32_t key;   /* string offset of the lower-cased name; 0: empty slot */
	uint32_t hash;  /* pk__name_hash(the header's name_key, key) */
	uint32_t first; /* into PK_SEC_NAME_POSTINGS */
	uint32_t count;
} pk_idx_name;

typedef struct pk_idx_person {
	uint32_t id;
	uint32_t name;
	uint32_t org;
	uint32_t uri;
	uint32_t updated;
} pk_idx_person;

/* How often a port was found open (nmap-services' open frequency), in
 * millionths: one entry per (port, transport), strictly ascending. */
typedef struct pk_idx_pop {
	uint16_t port;
	uint8_t proto; /* tcp .. dccp */
	uint8_t zero;  /* 0 */
	uint32_t ppm;  /* 0 .. 1000000 */
} pk_idx_pop;

typedef struct pk_idx_counts {
	uint32_t records;
	uint32_t port_records; /* records with a port: ids 0 .. port_records-1 */
	uint32_t people;
	uint32_t names;
	uint32_t by_proto[PK_PROTO_COUNT];
	uint32_t reserved_;
} pk_idx_counts;

_Static_assert(sizeof(pk_idx_section_ent) == 24, "section entry layout");
_Static_assert(sizeof(pk_idx_header) == 72 + 24 * PK_SEC_COUNT_, "header layout");
_Static_assert(sizeof(pk_idx_header) % PK_IDX_ALIGN == 0, "header alignment");
_Static_assert(sizeof(pk_idx_rec) == 56, "record layout");
_Static_assert(sizeof(pk_idx_item) == 8, "item layout");
_Static_assert(sizeof(pk_idx_name) == 16, "name slot layout");
_Static_assert(sizeof(pk_idx_person) == 20, "person layout");
_Static_assert(sizeof(pk_idx_counts) == 40, "counts layout");
_Static_assert(sizeof(pk_idx_pop) == 8, "popularity layout");

/* The registry: a validated index, read in place. */
struct pk_registry {
	const unsigned char *base;
	size_t len;
	pk_mem_kind mem;
	char *origin;
	const pk_idx_header *hdr;
	const char *pool;
	uint32_t pool_size;
	const pk_idx_rec *recs;
	uint32_t nrecs;
	uint32_t nport_recs;
	const uint32_t *ports;
	const uint32_t *port_post;
	const pk_idx_name *names;
	uint32_t name_mask; /* slots - 1 */
	pk_sipkey name_key; /* the header's */
	const uint32_t *name_post;
	const pk_idx_item *items;
	const pk_idx_person *people;
	uint32_t npeople;
	const uint32_t *text_off;
	const char *text;
	const pk_idx_counts *counts;
	const pk_idx_pop *pop;
	uint32_t npop;
};

/* The order of the records in an index, up to the exact spelling of the
 * name, and the identity by which pk_registry_diff pairs records: records
 * with a port first, port_lo, transport, name case-insensitively, port_hi. */
typedef struct pk_idx_key {
	unsigned has_port, port_lo, proto, port_hi;
	const char *name;
} pk_idx_key;

static inline int pk_idx_key_cmp(const pk_idx_key *a, const pk_idx_key *b)
{
	int c;

	if (a->has_port != b->has_port)
		return a->has_port ? -1 : 1;
	if (a->port_lo != b->port_lo)
		return a->port_lo < b->port_lo ? -1 : 1;
	if (a->proto != b->proto)
		return a->proto < b->proto ? -1 : 1;
	if ((c = pk__strcasecmp(a->name, b->name)) != 0)
		return c;
	if (a->port_hi != b->port_hi)
		return a->port_hi < b->port_hi ? -1 : 1;
	return 0;
}

/* ---- hashing (hash.c) -------------------------------------------------- */

/* The index checksum: 64-bit, eight independent lanes of 8-byte words,
 * so a full check of a 3 MB index costs a fraction of a millisecond.  Not
 * cryptographic: it detects corruption, not tampering. */
uint64_t pk__hash64(const void *data, size_t len, uint64_t seed);
/* The header checksum (see pk_idx_header). */
uint64_t pk__idx_header_checksum(const void *hdr, size_t header_size);
/* The name table hash of a string under key, ASCII-lower-cased on the
 * fly; len bytes or up to the NUL, whichever comes first (SIZE_MAX: the
 * whole string). */
uint32_t pk__name_hash(const pk_sipkey *key, const char *s, size_t len);

/* ---- helpers shared by the registry files ------------------------------- */

/* The name table slot of name (any spelling, RFC 6335), or NULL
 * (lookup.c). */
const pk_idx_name *pk__name_slot(const pk_registry *reg, const char *name);

static inline const char *pk_idx_str(const pk_registry *reg, uint32_t off)
{
	return reg->pool + off;
}

static inline bool pk_idx_proto_ok(unsigned protomask, unsigned proto)
{
	return (protomask & PK_PROTOMASK(proto)) != 0;
}

/* protomask 0 means every transport (the CLI's "no --proto"). */
static inline unsigned pk_idx_mask(unsigned protomask)
{
	return protomask == 0 ? PK_PROTOMASK_ANY : protomask;
}

#endif /* PK_INDEX_H */
