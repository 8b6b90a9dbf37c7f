/*
 * render_internal.h - what the renderers of lib/render/ share: the
 * renderer's state, a streaming JSON writer and escaped text output.
 *
 * Writing calls never fail on their own: the first error (a failed write,
 * nesting too deep, no memory) is kept in the renderer, later calls do
 * nothing, and pk_render_flush() reports it.  Renderers of a result can
 * therefore be written as straight-line code.
 */
#ifndef PK_RENDER_INTERNAL_H
#define PK_RENDER_INTERNAL_H

#include "core/internal.h"

#define PK_RENDER_BUF 16384 /* bytes held before the write callback */
#define PK_JSON_MAX_DEPTH 32

struct pk_render {
	pk_render_format format;
	unsigned flags;
	unsigned width;
	int64_t now;         /* seconds since the epoch, for ages */
	pk_write_fn write;
	void *ctx;
	pk_error error;      /* the first failure; status PK_OK until then */
	size_t len;          /* bytes in buf */
	unsigned depth;      /* JSON: open objects and arrays */
	bool first[PK_JSON_MAX_DEPTH + 1]; /* JSON: no member written yet */
	char buf[PK_RENDER_BUF];
};

/* ---- output (render.c) ----------------------------------------------- */

void pk__render_put(pk_render *r, const char *data, size_t len);
void pk__render_puts(pk_render *r, const char *s);
void pk__render_printf(pk_render *r, const char *fmt, ...) PK_PRINTF(2, 3);
/* Records the first failure; later ones are ignored. */
void pk__render_fail(pk_render *r, pk_status status, const char *fmt, ...)
	PK_PRINTF(3, 4);
static inline bool pk__render_ok(const pk_render *r)
{
	return r->error.status == PK_OK;
}

/* Text from outside (the registry, process names) for people: printable
 * characters as they are; C0 and C1 controls, DEL, bidirectional
 * controls and bytes that are not UTF-8 as visible escapes ("\x1b",
 * "\u202e"); '\n' kept only when keep_newline. */
void pk__render_text(pk_render *r, const char *s, size_t len,
		     bool keep_newline);
/* The same into a buffer (NUL-terminated). */
pk_status pk__text_escape(pk_buf *out, const char *s, size_t len,
			  bool keep_newline);
/* Columns s takes on a terminal once escaped as pk__render_text would. */
size_t pk__text_width(const char *s, size_t len);

/* ---- CSV (sim.c) ------------------------------------------------------ */

/* One text field of a CSV row: quoted when it holds a separator, a quote
 * or a line break; a leading = + - @ gets a single quote first, so that a
 * spreadsheet opening the file shows the text instead of running it as a
 * formula.  Numbers a renderer formats itself are written as they are. */
void pk__csv_field(pk_render *r, const char *s);

/* ---- text tables (table.c) -------------------------------------------
 * Columns aligned to their widest cell, two spaces apart; the last column
 * is folded to the renderer's width (when set and there is room) with its
 * lines starting under the column.  Cells are escaped as pk__render_text
 * does (a '\n' inside the last cell starts a new line there).  A failure
 * to add a row is kept in the renderer. */
typedef struct pk_text_table pk_text_table;

/* NULL (and PK_NOMEM kept in r) when out of memory. */
pk_text_table *pk__table_new(pk_render *r, unsigned ncols);
void pk__table_free(pk_text_table *t);
/* Copies ncols cells; NULL cells print as "". */
void pk__table_add(pk_render *r, pk_text_table *t, const char *const *cells);
/* A header row: bold when the renderer has PK_RENDER_COLOR. */
void pk__table_add_header(pk_render *r, pk_text_table *t,
			  const char *const *cells);
/* A row of two cells, for a 2-column table of "label:" and value. */
void pk__table_add_pair(pk_render *r, pk_text_table *t, const char *label,
			const char *value);
void pk__table_write(pk_render *r, const pk_text_table *t);
/* Streaming: writes the rows held and forgets them, keeping their column
 * widths as the least widths of later rows (which may widen a column, but
 * never narrow it).  A renderer of answers without bound flushes every
 * PK_TABLE_CHUNK rows: memory stays that of one chunk and one answer,
 * and an output shorter than a chunk is aligned as one table. */
#define PK_TABLE_CHUNK 16384
void pk__table_flush(pk_render *r, pk_text_table *t);
/* Rows held (0 for NULL). */
size_t pk__table_rows(const pk_text_table *t);
/* A line of portkit's own text (not escaped: nothing from outside), folded
 * at word boundaries to the renderer's width with continuation lines
 * indented by indent columns, and a '\n'. */
void pk__render_folded(pk_render *r, const char *s, size_t indent);
/* Leaves the first column out when the table is written. */
void pk__table_hide_first(pk_text_table *t);

/* ---- JSON (json.c) ----------------------------------------------------
 * key is the member name inside an object, NULL inside an array or for
 * the top-level value.  The layout is two-space indentation, one member
 * or element per line, "[]" and "{}" when empty; the top-level value
 * ends with a newline. */
void pk__json_object_begin(pk_render *r, const char *key);
void pk__json_object_end(pk_render *r);
void pk__json_array_begin(pk_render *r, const char *key);
void pk__json_array_end(pk_render *r);
/* NULL s writes null. */
void pk__json_string(pk_render *r, const char *key, const char *s);
void pk__json_stringn(pk_render *r, const char *key, const char *s,
		      size_t len);
void pk__json_uint(pk_render *r, const char *key, uint64_t v);
void pk__json_int(pk_render *r, const char *key, int64_t v);
/* Six significant digits; NaN and infinities are null. */
void pk__json_real(pk_render *r, const char *key, double v);
void pk__json_bool(pk_render *r, const char *key, bool v);
void pk__json_null(pk_render *r, const char *key);
/* Opens the top-level object of a document: {"schema": N, "command": c. */
void pk__json_document_begin(pk_render *r, const char *command);

/* ---- registry records (record.c) -------------------------------------
 * The pieces every document about the registry shares (docs/json.md):
 * the registry object, the record object, port classes and transports. */

/* "iana", "services", "supplement", "unofficial": the JSON codes of the
 * record origins ("unknown" for any other value; a validated index holds
 * none). */
const char *pk__origin_code(pk_rec_origin origin);
/* "system", "user", "dynamic": the JSON codes of the port classes. */
const char *pk__class_code(pk_port_class cls);
/* "System", "User", "Dynamic/Private", or "System..User" for ports that
 * span classes: the text form. */
void pk__class_text(uint16_t lo, uint16_t hi, char *buf, size_t size);
/* "80", "6000-6063". */
void pk__ports_text(uint16_t lo, uint16_t hi, char *buf, size_t size);

/* {"source", "updated", "origin"} of reg, null for no registry. */
void pk__json_registry(pk_render *r, const char *key, const pk_registry *reg);
/* The RFC 6335 classes [lo, hi] touches, as a list of codes. */
void pk__json_classes(pk_render *r, const char *key, uint16_t lo, uint16_t hi);
/* The transports of mask (tcp..dccp bits) in their order. */
void pk__json_protocols(pk_render *r, const char *key, unsigned mask);
/* {"tcp": n, "udp": n, "sctp": n, "dccp": n, "none": n} */
void pk__json_proto_counts(pk_render *r, const char *key,
			   const pk_registry_info *info);
/* The record object: every field of the record. */
void pk__json_record(pk_render *r, const char *key, const pk_registry *reg,
		     pk_recid id);

/* The record table: its header, and one row per record (PORT PROTO CLASS
 * NAME DESCRIPTION).  With a lead (a header cell, a row cell), the table
 * has a first column more: the query a row answers. */
#define PK_RECORD_COLS 5
void pk__record_header(pk_render *r, pk_text_table *t, const char *lead);
void pk__record_row(pk_render *r, pk_text_table *t, const pk_registry *reg,
		    pk_recid id, const char *lead);
/* A record as services(5) lines, as `getent services` prints them:
 * "name port/proto aliases", one line per port of [lo, hi] (clipped to
 * the record's ports; lo > hi: its first port alone, as getent gives for
 * a name) and per transport (a record naming none gives the
 * transports of protomask, tcp and udp when 0).  Nothing for a record
 * without a name or a port: services(5) cannot say those. */
void pk__record_services_lines(pk_render *r, const pk_registry *reg,
			       pk_recid id, uint16_t lo, uint16_t hi,
			       unsigned protomask);
/* Every field of a record as a block of "label: value" lines. */
void pk__record_long(pk_render *r, const pk_registry *reg, pk_recid id);
/* Records as a table, or as --long blocks separated by blank lines
 * (PK_RENDER_LONG); nothing when n is 0. */
void pk__record_list(pk_render *r, const pk_registry *reg,
		     const pk_recid *ids, size_t n);
/* "14533 (tcp 6100, udp 6050, sctp 91, dccp 10, no transport 282)" */
void pk__proto_counts_text(const pk_registry_info *info, char *buf,
			   size_t size);

#endif /* PK_RENDER_INTERNAL_H */
