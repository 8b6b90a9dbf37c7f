/*
 * registry_internal.h - what lib/registry/ and its importers share, and what
 * the layers above may use to build registries: the builder, the
 * importers, and wrapping a compiled index.
 *
 *   importers (import/import_xml.c, import_csv.c, import_services.c,
 *              import_npm.c)
 *        |  call pk__builder_add() and friends
 *        v
 *   builder.c     a mutable, in-memory set of records
 *        |  pk__builder_finish(): serialise to the compiled index format
 *        v
 *   index_write.c / index_read.c   the one binary format (docs/index-format.md)
 *        |  pk__registry_from_index(): validate, then use in place
 *        v
 *   registry.c    lookups over the validated index (mmap'd, embedded or heap)
 */
#ifndef PK_REGISTRY_INTERNAL_H
#define PK_REGISTRY_INTERNAL_H

#include "core/internal.h"
#include "core/siphash.h"

/* Largest input file any importer accepts: the real XML is about 4 MB. */
#define PK_IMPORT_MAX_BYTES ((size_t)256 << 20)

/* ---- the builder (builder.c) ------------------------------------------ */

/* What a registry may hold, checked as it is built, so that a hostile
 * source (a file given to import, an update server) cannot make portkit,
 * or any program that later opens the index, use memory without bound.
 * Generous: IANA's full registry has 14,533 records, 5,615 people,
 * 22,698 list entries and 0.6 MB of text (docs/index-format.md, "Limits"). */
#define PK_REG_MAX_RECORDS 65536u          /* records */
#define PK_REG_MAX_ITEMS 262144u           /* aliases, references, parties */
#define PK_REG_MAX_PEOPLE 65536u           /* people */
#define PK_REG_MAX_TEXT ((size_t)16 << 20) /* distinct text, in bytes */

typedef struct pk_builder pk_builder;

/* A builder whose hashes (and the index's name table) use a random key:
 * what every import of outside data uses, so that nobody can prepare
 * names that collide. */
pk_builder *pk__builder_new(void);
/* The same with a chosen key (NULL: random), for builds that must give
 * the same bytes every time from inputs an attacker does not write: the
 * embedded snapshot (tools/mkindex.c), fuzz seeds, tests. */
pk_builder *pk__builder_new_keyed(const pk_sipkey *key);
void pk__builder_free(pk_builder *b);

/* The report an import keeps its warnings and counts in (may be NULL: then
 * every warning is an error); the builder only carries it for the
 * importers.  With dedup, a record equal to an earlier one in name (exact
 * spelling), ports, transport, kind and description is merged into it: pk__builder_add
 * gives the earlier index, and lists added to it afterwards skip entries
 * it has already.  pk__builder_duplicates() counts the merges. */
void pk__builder_set_report(pk_builder *b, pk_import_report *rep);
pk_import_report *pk__builder_report(const pk_builder *b);
void pk__builder_set_dedup(pk_builder *b, bool on);
uint32_t pk__builder_duplicates(const pk_builder *b);
/* Records with all of flags set (PK_RECFLAG_*). */
uint32_t pk__builder_count_flags(const pk_builder *b, uint32_t flags);

/* RFC 6335 section 5.1's syntax: 1-15 characters, letters, digits and
 * hyphens, at least one letter, no hyphen first, last or next to another.
 * pk__builder_add flags a named record whose name breaks it
 * PK_RECFLAG_NONCONFORMING. */
bool pk__name_conforms(const char *s);

/* Popularity data: how often port/proto was found open, in millionths
 * (nmap-services' open frequency).  A second value for the same port and
 * transport replaces the first; PK_INVAL for a transport other than
 * tcp..dccp or ppm over 1000000. */
pk_status pk__builder_set_popularity(pk_builder *b, uint16_t port,
				    pk_proto proto, uint32_t ppm);
/* Copies the popularity data of reg into b. */
pk_status pk__builder_add_popularity(pk_builder *b, const pk_registry *reg);

/* Registry-level metadata; strings copied. */
pk_status pk__builder_set_source(pk_builder *b, const char *source);
pk_status pk__builder_set_updated(pk_builder *b, const char *updated);
void pk__builder_add_flags(pk_builder *b, uint32_t regflags);

/* Appends a record as an importer describes it: rec's id and counts are
 * ignored (lists are added by the calls below), every string is borrowed
 * for the duration of the call and copied, NULL and "" both mean absent.
 * *index_out (may be NULL) receives its builder index, used below. */
pk_status pk__builder_add(pk_builder *b, const pk_record *rec,
			 uint32_t *index_out);
uint32_t pk__builder_count(const pk_builder *b);
/* Words for a builder call that failed with st, for an importer's
 * "label:line: ..." message: for PK_TOOBIG the limit above that the
 * registry would pass ("more than 65536 records, the most a registry may
 * hold"), else "out of memory" or pk_strerror(st). */
const char *pk__builder_strerror(const pk_builder *b, pk_status st);
/* The limit above that a call of b's passed, or NULL (also for NULL b). */
const char *pk__builder_limit(const pk_builder *b);
pk_status pk__builder_add_alias(pk_builder *b, uint32_t rec, const char *alias);
pk_status pk__builder_add_ref(pk_builder *b, uint32_t rec, pk_ref_type type,
			     const char *data);
/* person_id for a reference into the people section, or text for a free
 * text party (exactly one of the two is non-empty). */
pk_status pk__builder_add_assignee(pk_builder *b, uint32_t rec,
				  const char *person_id, const char *text);
pk_status pk__builder_add_contact(pk_builder *b, uint32_t rec,
				 const char *person_id, const char *text);
pk_status pk__builder_add_person(pk_builder *b, const char *id,
				const char *name, const char *org,
				const char *uri, const char *updated);

/* The kind a nameless record's description implies ("Reserved",
 * "Unassigned", "De-registered", "Removed", anything else: OTHER); a named
 * record is PK_KIND_ASSIGNED. */
pk_rec_kind pk__kind_from(const char *name, const char *description);

/*
 * Merges the records of src (typically a services(5) file or the
 * supplement) into b, for building the embedded snapshot:
 *   - same name (case-insensitive), transport and ports as a record of b:
 *     src's aliases are added to it (no duplicates);
 *   - otherwise a new record is added, with src's origin, and, when it has
 *     no description, the description of b's assigned record on the same
 *     port and transport, or else of b's assigned range covering it.
 */
pk_status pk__builder_merge(pk_builder *b, const pk_builder *src,
			   pk_error *err);

/* Adds to b every record of reg whose origin is in origin_mask (bits
 * 1u << PK_ORIGIN_*), with all its fields, aliases, references and
 * parties (and the people they name), e.g. to carry the netbase aliases
 * and unofficial uses of the embedded snapshot into a freshly downloaded
 * IANA registry. */
pk_status pk__builder_add_registry(pk_builder *b, const pk_registry *reg,
				  unsigned origin_mask, pk_error *err);

/* Serialises to the compiled index format; *data is malloc'd and owned by
 * the caller.  The builder stays usable. */
pk_status pk__builder_finish(const pk_builder *b, void **data, size_t *len,
			    pk_error *err);

/* ---- importers (import_*.c) --------------------------------------------
 * Each parses data[0..len) (data[len] is NUL) and adds to b.  label names
 * the input in messages, which read "label:line: what is wrong".  They
 * set the builder's source and flags; they never crash on any input.
 */
pk_status pk__import_xml(pk_builder *b, const char *data, size_t len,
			const char *label, pk_error *err);
pk_status pk__import_csv(pk_builder *b, const char *data, size_t len,
			const char *label, pk_error *err);
pk_status pk__import_services(pk_builder *b, const char *data, size_t len,
			     const char *label, pk_error *err);
/* The same with the origin its records get: PK_ORIGIN_SERVICES for
 * pk__import_services(); mkindex reads data/supplement.services with
 * PK_ORIGIN_SUPPLEMENT and unofficial uses with PK_ORIGIN_UNOFFICIAL. */
pk_status pk__import_services_ex(pk_builder *b, const char *data, size_t len,
				const char *label, pk_rec_origin origin,
				pk_error *err);
pk_status pk__import_npm_json(pk_builder *b, const char *data, size_t len,
			     const char *label, pk_error *err);

/* portkit's facts file of IANA's registry (data/iana-facts.tsv, written
 * by tools/mkfacts.c, format in docs/registry.md "The facts file"): every
 * name, port, range, transport, record kind and historic mark of one
 * registry version, without text. */
typedef struct pk_facts pk_facts;
pk_status pk__facts_parse(const char *data, size_t len, const char *label,
			  pk_facts **out, pk_error *err);
void pk__facts_free(pk_facts *fs);
const char *pk__facts_updated(const pk_facts *fs); /* "YYYY-MM-DD" */
uint32_t pk__facts_count(const pk_facts *fs);

typedef struct pk_facts_stats {
	uint32_t paired;    /* facts the base has too: the base's record, marked */
	uint32_t restored;  /* facts the base lacks: added, PK_RECFLAG_FACTS */
	uint32_t borrowed;  /* of those, with the text of a same-text name */
	uint32_t replaced;  /* facts a newer base disagrees with: left out */
	uint32_t base_only; /* base records no fact pairs with: added */
	uint32_t newer;     /* of those, disagreeing with older facts: PK_RECFLAG_NEWER */
	uint32_t dropped;   /* base records newer facts disagree with: left out */
} pk_facts_stats;

/* Adds to b the records of fs merged with base (may be NULL), a registry
 * with text but not every name, such as the npm copy (one name per port
 * and transport):
 *   - a fact base has as the same record (same name case-insensitively,
 *     ports and transport; nameless: same kind there) is added as base's
 *     record, with the fact's kind and historic mark;
 *   - any other fact is restored (PK_RECFLAG_FACTS) with no text, or the
 *     text base gives a name on the same port and transport that IANA
 *     gives the same text (the facts' text group, or a historic alias
 *     and the name it stands for);
 *   - base records no fact pairs with are added as they are, except on a
 *     single port and transport where the facts name other records: there
 *     the sources disagree and the newer one (base_newer) wins that port
 *     and transport whole; base's winning records get PK_RECFLAG_NEWER.
 * Base records are carried with their aliases, not their references or
 * parties (the npm copy has none). */
pk_status pk__facts_merge(pk_builder *b, const pk_facts *fs,
			  const pk_registry *base, bool base_newer,
			  pk_facts_stats *stats, pk_error *err);

pk_status pk__import_nmap(pk_builder *b, const char *data, size_t len,
			  const char *label, pk_error *err);
/* Dispatches on fmt; PK_FORMAT_AUTO guesses from the first bytes. */
pk_status pk__import(pk_builder *b, pk_format fmt, const char *data,
		    size_t len, const char *label, pk_error *err);

/* The curated aliases (curated.c), in table order. */
size_t pk__curated_count(void);
const pk_curated *pk__curated_get(size_t i);

/* ---- registry over a compiled index (index_read.c, registry.c) -------- */

typedef enum pk_mem_kind {
	PK_MEM_STATIC = 0, /* embedded in the library: never freed */
	PK_MEM_HEAP = 1,   /* free() on close */
	PK_MEM_MMAP = 2    /* munmap() on close */
} pk_mem_kind;

/* Validates data as a compiled index and wraps it.  On success the
 * registry owns data according to mem; on failure ownership stays with
 * the caller.  trusted skips the checksum (only for the embedded
 * snapshot, which is part of the library's own read-only image). */
pk_status pk__registry_from_index(const void *data, size_t len,
				 pk_mem_kind mem, bool trusted,
				 const char *origin, pk_registry **out,
				 pk_error *err);

/* The same for an index image that is part of the program (the embedded
 * snapshot, fully checked when it was built): the header and section
 * table are checked, the records, tables and checksums are not. */
pk_status pk__registry_from_image(const void *data, size_t len,
				 const char *origin, pk_registry **out,
				 pk_error *err);

/* pk_registry_save, telling apart the one failure after which the new
 * index is nevertheless in place (the directory's fsync):
 * *in_place (may be NULL) is true once it was renamed over path. */
pk_status pk__registry_save(const pk_registry *reg, const char *path,
			    bool *in_place, pk_error *err);

/* The embedded snapshot, from tools/embedded.S (tools/no_embedded.c for
 * the index tool and the unit tests, which must not depend on it). */
extern const unsigned char pk__embedded_index[];
extern const size_t pk__embedded_index_size;

#endif /* PK_REGISTRY_INTERNAL_H */
