/*
 * import.h - what the importers (import_*.c) share, private to lib/.
 *
 * Every importer reports bad input as "label:line: what is wrong
 * (expected ...)" with status PK_PARSE (PK_NOMEM / PK_TOOBIG for
 * resources), and cleans free text the same way, so that the XML and the
 * CSV form of one registry version give identical records.
 */
#ifndef PK_IMPORT_H
#define PK_IMPORT_H

#include <stdarg.h>

#include "registry/registry_internal.h"

/* Stores "label:line: <message>" in err and returns status. */
pk_status pk__import_fail(pk_error *err, pk_status status, const char *label,
			 unsigned long line, const char *fmt, ...)
	PK_PRINTF(5, 6);

/* Clears err and refuses an input over PK_IMPORT_MAX_BYTES (PK_TOOBIG):
 * what every importer does first. */
pk_status pk__import_begin(size_t len, const char *label, pk_error *err);

/* Quotes s[0..len) for a message: at most 40 bytes, non-printable bytes as
 * \xNN, "..." when cut.  Returns buf. */
const char *pk__quote(const char *s, size_t len, char *buf, size_t size);
#define PK_QUOTE_SIZE 180

/*
 * Cleans free text in place, the way IANA's CSV shows the XML's text:
 * CR removed, runs of blanks (space, tab, VT, FF) become one space, every
 * line is trimmed, empty lines are dropped, lines are joined by '\n'.
 * s[len] need not be NUL; the result is NUL-terminated at the returned
 * length (which is <= len, so s must have room for len + 1 bytes).
 */
size_t pk__text_clean(char *s, size_t len);

/* Trims blanks and newlines at both ends, in place; returns the new
 * start and NUL-terminates it. */
char *pk__text_trim(char *s);
/* The same for s of length *len (no strlen); *len receives the new one. */
char *pk__text_trim_n(char *s, size_t *len);

/* Finds IANA's historic-alias marker, `This entry is an alias to "X"`,
 * in text; on success *name / *len is X (not NUL-terminated). */
bool pk__text_alias_of(const char *text, const char **name, size_t *len);

/* "YYYY-MM-DD" or "YYYY-MM" with a plausible month and day. */
bool pk__date_valid(const char *s);

/* A DCCP service code: a decimal 0-4294967295. */
bool pk__service_code_valid(const char *s);

/* A service name: non-empty, printable ASCII, blanks only as single
 * spaces inside.  Historic names such as "sql*net", "914c/g" or "z39.50"
 * and names with spaces are kept as IANA has them (the builder flags
 * them PK_RECFLAG_NONCONFORMING). */
bool pk__service_name_valid(const char *s);

/* 1 + the number of '\n' in data[0..off). */
unsigned long pk__line_at(const char *data, size_t off);

/* Applies the historic-alias rule to rec (notes first, then description):
 * sets alias_of (copied into buf) and PK_RECFLAG_HISTORIC. */
void pk__rec_detect_alias(pk_record *rec, char *buf, size_t size);

/* ---- warnings (report.c) ----------------------------------------------
 * A bad line or record: with the builder's report (and not strict) the
 * warning "label:line: message; <left_out> skipped" is kept and counted,
 * and PK_OK tells the importer to go on without what it names ("line",
 * "record", "entry": counted as skipped; "comment": part of an entry that
 * is kept; NULL: nothing left out, e.g. a byte order mark); otherwise the
 * warning is the error (PK_PARSE, "label:line: message"). */
pk_status pk__import_warn(pk_builder *b, pk_error *err, const char *label,
			  unsigned long line, const char *left_out,
			  const char *fmt, ...) PK_PRINTF(6, 7);
pk_status pk__import_vwarn(pk_builder *b, pk_error *err, const char *label,
			   unsigned long line, const char *left_out,
			   const char *fmt, va_list ap) PK_PRINTF(6, 0);
/* Adds n to a count of rep (NULL: nothing). */
void pk__report_add(pk_import_report *rep, pk_import_count what, uint64_t n);
/* No report, or PK_IMPORT_STRICT: every warning is an error. */
bool pk__report_strict(const pk_import_report *rep);

/* A gzip stream (RFC 1952), decompressed into a malloc'd, NUL-terminated
 * buffer of at most limit bytes (import_gzip.c).  PK_PARSE naming label
 * for a damaged stream, PK_TOOBIG past limit. */
bool pk__is_gzip(const char *data, size_t len);
pk_status pk__gunzip(const char *data, size_t len, size_t limit,
		     const char *label, char **out, size_t *out_len,
		     pk_error *err);
/* "xz", "bzip2", "zstd" when data starts like one of those, else NULL:
 * compressed input portkit does not read, refused by name. */
const char *pk__compressed_other(const char *data, size_t len);

/* nmap's open frequency s[0..n) ("0.484143", at most 1.0) in millionths;
 * digits past the sixth decimal are dropped. */
bool pk__nmap_frequency(const char *s, size_t n, uint32_t *ppm);

#endif /* PK_IMPORT_H */
