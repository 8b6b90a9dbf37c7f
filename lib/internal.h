/*
 * internal.h - what the files of lib/ share and nobody else sees.
 *
 * The pieces fit together like this:
 *
 *   importers (import_xml.c, import_csv.c, import_services.c,
 *              import_npm.c)
 *        |  call pk_builder_add() and friends
 *        v
 *   builder.c     a mutable, in-memory set of records
 *        |  pk_builder_finish(): serialise to the compiled index format
 *        v
 *   index_write.c / index_read.c   the one binary format (see docs/index-format.md)
 *        |  pk_registry_from_index(): validate, then use in place
 *        v
 *   registry.c    lookups over the validated index (mmap'd, embedded or heap)
 */
#ifndef PK_INTERNAL_H
#define PK_INTERNAL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "portkit.h"

#if defined(__GNUC__)
#define PK_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define PK_PRINTF(f, a)
#endif

/* ---- errors (status.c) ------------------------------------------------ */

/* Stores status and a formatted message in err (when non-NULL); returns
 * status so callers can write `return pk_error_set(err, PK_PARSE, ...)`. */
pk_status pk_error_set(pk_error *err, pk_status status, const char *fmt, ...)
	PK_PRINTF(3, 4);
pk_status pk_error_setv(pk_error *err, pk_status status, const char *fmt,
			va_list ap);
void pk_error_clear(pk_error *err);

/* ---- transports (portspec.c) ------------------------------------------ */

/* "tcp,udp" for a transport mask, "" for none; an entry that does not fit
 * in size is left out.  Returns buf. */
const char *pk_protomask_format(unsigned mask, char *buf, size_t size);

/* ---- small string helpers (util.c) ------------------------------------ */

/* ASCII-only case folding: service names are ASCII (RFC 6335 5.1), and the
 * locale must not change what a lookup returns. */
static inline unsigned char pk_lower(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + ('a' - 'A')) : c;
}
int pk_strcasecmp(const char *a, const char *b);
int pk_strncasecmp(const char *a, const char *b, size_t n);
/* Case-insensitive substring search; needle must already be lower case. */
const char *pk_strcasestr_lower(const char *haystack, const char *needle_lower);

/* A growable byte buffer with a hard size cap (like curl's dynbuf). */
typedef struct pk_buf {
	char *data;
	size_t len;
	size_t cap;
	size_t limit; /* adding beyond this fails with PK_TOOBIG */
} pk_buf;

void pk_buf_init(pk_buf *b, size_t limit);
void pk_buf_free(pk_buf *b);
pk_status pk_buf_add(pk_buf *b, const void *data, size_t len);
pk_status pk_buf_addc(pk_buf *b, char c);
pk_status pk_buf_addstr(pk_buf *b, const char *s);
pk_status pk_buf_printf(pk_buf *b, const char *fmt, ...) PK_PRINTF(2, 3);
/* Keeps data NUL-terminated (not counted in len). */
pk_status pk_buf_terminate(pk_buf *b);

/* Steps through data[0..len) one line at a time: false at the end, else
 * *line and *n receive the next line without its '\n' and *pos moves
 * past it.  Start with *pos = 0. */
static inline bool pk_next_line(const char *data, size_t len, size_t *pos,
				const char **line, size_t *n)
{
	if (*pos >= len)
		return false;
	const char *start = data + *pos;
	const char *nl = (const char *)memchr(start, '\n', len - *pos);
	*line = start;
	*n = nl ? (size_t)(nl - start) : len - *pos;
	*pos += *n + (nl != NULL);
	return true;
}

/* Reads a whole file (at most limit bytes) into a NUL-terminated heap
 * buffer; *data is freed by the caller. */
pk_status pk_read_file(const char *path, size_t limit, char **data,
		       size_t *len, pk_error *err);

/* Writes data to path atomically (temporary file in the same directory,
 * fsync, rename, fsync of the directory) with the given mode; on failure
 * the previous file at path is untouched. */
pk_status pk_write_file_atomic(const char *path, const void *data, size_t len,
			       unsigned mode, pk_error *err);

/* Largest input file any importer accepts: the real XML is about 4 MB. */
#define PK_IMPORT_MAX_BYTES ((size_t)256 << 20)

/* ---- the builder (builder.c) ------------------------------------------ */

typedef struct pk_builder pk_builder;

/* A record as an importer describes it.  Every string is borrowed for the
 * duration of the call and copied by the builder; NULL and "" both mean
 * absent. */
typedef struct pk_rec_in {
	const char *name;
	pk_proto proto;
	bool has_port;
	uint16_t port_lo;
	uint16_t port_hi;
	pk_rec_kind kind;
	pk_rec_origin origin;
	uint32_t flags; /* PK_RECFLAG_* */
	const char *description;
	const char *notes;
	const char *unauthorized;
	const char *registered;
	const char *modified;
	const char *service_code;
	const char *alias_of;
} pk_rec_in;

pk_builder *pk_builder_new(void);
void pk_builder_free(pk_builder *b);

/* Registry-level metadata; strings copied. */
pk_status pk_builder_set_source(pk_builder *b, const char *source);
pk_status pk_builder_set_updated(pk_builder *b, const char *updated);
void pk_builder_add_flags(pk_builder *b, uint32_t regflags);

/* Appends a record; *index_out (may be NULL) receives its builder index,
 * used by the calls below. */
pk_status pk_builder_add(pk_builder *b, const pk_rec_in *rec,
			 uint32_t *index_out);
uint32_t pk_builder_count(const pk_builder *b);
pk_status pk_builder_add_alias(pk_builder *b, uint32_t rec, const char *alias);
pk_status pk_builder_add_ref(pk_builder *b, uint32_t rec, pk_ref_type type,
			     const char *data);
/* person_id for a reference into the people section, or text for a free
 * text party (exactly one of the two is non-empty). */
pk_status pk_builder_add_assignee(pk_builder *b, uint32_t rec,
				  const char *person_id, const char *text);
pk_status pk_builder_add_contact(pk_builder *b, uint32_t rec,
				 const char *person_id, const char *text);
pk_status pk_builder_add_person(pk_builder *b, const char *id,
				const char *name, const char *org,
				const char *uri, const char *updated);

/* The kind a nameless record's description implies ("Reserved",
 * "Unassigned", "De-registered", "Removed", anything else: OTHER); a named
 * record is PK_KIND_ASSIGNED. */
pk_rec_kind pk_kind_from(const char *name, const char *description);

/*
 * Merges the records of src (typically a services(5) file or the
 * supplement) into b, for building the embedded snapshot:
 *   - same name (case-insensitive), transport and ports as a record of b:
 *     src's aliases are added to it (no duplicates);
 *   - otherwise a new record is added, with src's origin, and, when it has
 *     no description, the description of b's assigned record on the same
 *     port and transport, or else of b's assigned range covering it.
 */
pk_status pk_builder_merge(pk_builder *b, const pk_builder *src,
			   pk_error *err);

/* Adds to b every record of reg whose origin is in origin_mask (bits
 * 1u << PK_ORIGIN_*), with all its fields, aliases, references and
 * parties (and the people they name), e.g. to carry the netbase aliases
 * and unofficial uses of the embedded snapshot into a freshly downloaded
 * IANA registry. */
pk_status pk_builder_add_registry(pk_builder *b, const pk_registry *reg,
				  unsigned origin_mask, pk_error *err);

/* Serialises to the compiled index format; *data is malloc'd and owned by
 * the caller.  The builder stays usable. */
pk_status pk_builder_finish(const pk_builder *b, void **data, size_t *len,
			    pk_error *err);

/* ---- importers (import_*.c) --------------------------------------------
 * Each parses data[0..len) (data[len] is NUL) and adds to b.  label names
 * the input in messages, which read "label:line: what is wrong".  They
 * set the builder's source and flags; they never crash on any input.
 */
pk_status pk_import_xml(pk_builder *b, const char *data, size_t len,
			const char *label, pk_error *err);
pk_status pk_import_csv(pk_builder *b, const char *data, size_t len,
			const char *label, pk_error *err);
pk_status pk_import_services(pk_builder *b, const char *data, size_t len,
			     const char *label, pk_error *err);
/* The same with the origin its records get: PK_ORIGIN_SERVICES for
 * pk_import_services(); mkindex reads data/supplement.services with
 * PK_ORIGIN_SUPPLEMENT and unofficial uses with PK_ORIGIN_UNOFFICIAL. */
pk_status pk_import_services_ex(pk_builder *b, const char *data, size_t len,
				const char *label, pk_rec_origin origin,
				pk_error *err);
pk_status pk_import_npm_json(pk_builder *b, const char *data, size_t len,
			     const char *label, pk_error *err);
/* Dispatches on fmt; PK_FORMAT_AUTO guesses from the first bytes. */
pk_status pk_import(pk_builder *b, pk_format fmt, const char *data,
		    size_t len, const char *label, pk_error *err);

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
pk_status pk_registry_from_index(const void *data, size_t len,
				 pk_mem_kind mem, bool trusted,
				 const char *origin, pk_registry **out,
				 pk_error *err);

/* The embedded snapshot, from tools/embedded.S (tools/no_embedded.c for
 * the index tool and the unit tests, which must not depend on it). */
extern const unsigned char pk_embedded_index[];
extern const size_t pk_embedded_index_size;

#endif /* PK_INTERNAL_H */
