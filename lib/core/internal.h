/*
 * internal.h - lib/core: what every file of lib/ shares and nobody outside
 * lib/ sees: error reporting, string helpers, bounded buffers, files.
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
 * status so callers can write `return pk__error_set(err, PK_PARSE, ...)`. */
pk_status pk__error_set(pk_error *err, pk_status status, const char *fmt, ...)
	PK_PRINTF(3, 4);
pk_status pk__error_setv(pk_error *err, pk_status status, const char *fmt,
			va_list ap);
void pk__error_clear(pk_error *err);

/* ---- structs sized by the caller (portkit.h's opening comment) -------- */

/* Gives the caller the first out_size bytes of the library's full struct
 * (size bytes), and nothing beyond: a program built against an older
 * header has a smaller one. */
static inline void pk__copy_out(void *out, size_t out_size, const void *full,
				size_t size)
{
	size_t n = out_size < size ? out_size : size;

	if (n > 0)
		memcpy(out, full, n);
}

/* Reads the first in_size bytes of a struct the caller filled over full
 * (size bytes), which holds the defaults of the fields beyond them. */
static inline void pk__copy_in(void *full, size_t size, const void *in,
			       size_t in_size)
{
	size_t n = in_size < size ? in_size : size;

	if (n > 0)
		memcpy(full, in, n);
}

/* ---- transports (portspec.c) ------------------------------------------ */

/* "tcp,udp" for a transport mask, "" for none; an entry that does not fit
 * in size is left out.  Returns buf. */
const char *pk__protomask_format(unsigned mask, char *buf, size_t size);

/* ---- small string helpers (util.c) ------------------------------------ */

/* ASCII-only case folding: service names are ASCII (RFC 6335 5.1), and the
 * locale must not change what a lookup returns. */
static inline unsigned char pk__lower(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + ('a' - 'A')) : c;
}
int pk__strcasecmp(const char *a, const char *b);
int pk__strncasecmp(const char *a, const char *b, size_t n);
/* Case-insensitive substring search; needle must already be lower case. */
const char *pk__strcasestr_lower(const char *haystack, const char *needle_lower);
/* The length of the first at most max bytes of s, cut back to a space
 * (down to max / 2) when s is longer: *more is then true. */
size_t pk__cut_at_word(const char *s, size_t max, bool *more);

/* A growable byte buffer with a hard size cap (like curl's dynbuf). */
typedef struct pk_buf {
	char *data;
	size_t len;
	size_t cap;
	size_t limit; /* adding beyond this fails with PK_TOOBIG */
} pk_buf;

void pk__buf_init(pk_buf *b, size_t limit);
void pk__buf_free(pk_buf *b);
pk_status pk__buf_add(pk_buf *b, const void *data, size_t len);
pk_status pk__buf_addc(pk_buf *b, char c);
pk_status pk__buf_addstr(pk_buf *b, const char *s);
pk_status pk__buf_printf(pk_buf *b, const char *fmt, ...) PK_PRINTF(2, 3);
/* Keeps data NUL-terminated (not counted in len). */
pk_status pk__buf_terminate(pk_buf *b);

/* Steps through data[0..len) one line at a time: false at the end, else
 * *line and *n receive the next line without its '\n' and *pos moves
 * past it.  Start with *pos = 0. */
static inline bool pk__next_line(const char *data, size_t len, size_t *pos,
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
pk_status pk__read_file(const char *path, size_t limit, char **data,
		       size_t *len, pk_error *err);

/* "a character device", "a FIFO", ...: what a stat(2) mode says the file
 * is, for messages that refuse it. */
const char *pk__file_type_name(unsigned mode);

/* Writes data to path atomically (temporary file in the same directory,
 * fsync, rename, fsync of the directory) with the given mode.  On failure
 * the previous file at path is untouched, except when only the last step,
 * the directory's fsync, failed: the new file is then in place (readers
 * see it) but may not survive a crash, and the message says so.  The _ex
 * form tells that case apart: *in_place (may be NULL) is true once the
 * rename is done. */
pk_status pk__write_file_atomic_ex(const char *path, const void *data,
				  size_t len, unsigned mode, bool *in_place,
				  pk_error *err);
pk_status pk__write_file_atomic(const char *path, const void *data, size_t len,
			       unsigned mode, pk_error *err);

/* ---- UTF-8 (utf8.c) ---------------------------------------------------- */

/* Decodes the code point at s[0..len) (len >= 1): returns its length in
 * bytes (1-4) and stores it in *cp, or 0 when the bytes there are not
 * well-formed UTF-8 (overlong forms, surrogates, beyond U+10FFFF, cut
 * short), and then *cp is the first byte.  A NUL byte decodes as U+0000. */
size_t pk__utf8_decode(const char *s, size_t len, uint32_t *cp);

/* Offset of the first byte that is NUL or not valid UTF-8, or len. */
size_t pk__utf8_check(const char *s, size_t len);
/* Columns a printable code point takes on a terminal, as wcwidth(3) says
 * in a UTF-8 locale but without depending on one: 0 for combining marks
 * and zero-width characters, 2 for East Asian wide and fullwidth ones
 * (CJK, Hangul, fullwidth forms, most emoji), 1 otherwise. */
unsigned pk__cp_width(uint32_t cp);
/* The columns of the UTF-8 text s[0..len) (bytes that are not UTF-8
 * count one each). */
size_t pk__utf8_width(const char *s, size_t len);

/* ---- findings (finding.c) ---------------------------------------------
 * The one finding type of the audit and advise, built one finding at a
 * time: pk__finding_add() starts one, and the facts, fix steps and
 * citations added after it belong to it.  A fact added with the key of
 * the finding's last fact, when that one is a list, appends a value to
 * it.  Codes, fact keys and fix step codes and keys are literals (kept as
 * pointers); other strings are copied.  The first failure (no memory) is kept and
 * every later call does nothing; pk__findings_finish() reports it and
 * makes the findings readable (pk_finding_* accessors). */
typedef struct pk_findings pk_findings;

pk_findings *pk__findings_new(void); /* NULL when out of memory */
void pk__findings_free(pk_findings *l);
/* Starts a finding; code is a string that outlives the list (a literal).
 * rank, port and proto order it in pk__findings_sort(). */
void pk__finding_add(pk_findings *l, const char *code, pk_severity sev);
void pk__finding_order(pk_findings *l, unsigned rank, uint32_t port,
		       pk_proto proto);
/* Facts of the last finding. */
void pk__fact_uint(pk_findings *l, const char *key, uint64_t v);
void pk__fact_bool(pk_findings *l, const char *key, bool v);
void pk__fact_string(pk_findings *l, const char *key, const char *s);
void pk__fact_range(pk_findings *l, const char *key, uint16_t lo,
		    uint16_t hi);
void pk__fact_proto(pk_findings *l, const char *key, pk_proto proto);
void pk__fact_protos(pk_findings *l, const char *key, unsigned mask);
void pk__fact_record(pk_findings *l, const char *key, pk_recid id);
void pk__fact_socket(pk_findings *l, const char *key, const pk_socket *s);
void pk__fact_dest(pk_findings *l, const char *key, const pk_dest_load *d);
void pk__fact_os(pk_findings *l, const char *key, const pk_os_profile *os);
/* An empty list fact of that type; values follow with the same key. */
void pk__fact_list(pk_findings *l, const char *key, pk_fact_type type);
/* The ports of set in [lo, hi] (at most max), as a list of ranges. */
void pk__fact_ports(pk_findings *l, const char *key, const pk_portset *set,
		    uint16_t lo, uint16_t hi, uint32_t max);
/* Fix steps of the last finding (code: a literal). */
void pk__fix_sysctl(pk_findings *l, const char *code, bool alternative,
		    const char *key, const char *value);
/* A RESERVE step for the ports of [lo, hi]; called again right after with
 * the same code, it adds a range to the same step.  Its key and value are
 * set once every finding is known (pk__findings_edit_fixes()). */
void pk__fix_reserve(pk_findings *l, const char *code, uint16_t lo,
		     uint16_t hi);
void pk__fix_file(pk_findings *l, const char *code, bool alternative,
		  const char *path, const char *text);
void pk__fix_action(pk_findings *l, const char *code, bool alternative);
/* Citations of the last finding, as "RFC 6335 §8.1.2; RFC 7605 §7.3" or
 * "RFC 7605 §7.7, §7.8" (literals of the library). */
void pk__cite(pk_findings *l, const char *text);
/* Calls edit for every fix step of every finding (steps: the finding's
 * steps, i: the one to look at); a step it returns false for is removed.
 * edit may change the step's key, value and path (strings that outlive
 * the list: literals, or from pk__findings_strdup()). */
typedef bool (*pk__fix_edit_fn)(void *ctx, pk_fix *steps, size_t n, size_t i);
void pk__findings_edit_fixes(pk_findings *l, pk__fix_edit_fn edit, void *ctx);
/* A copy of s that lives as long as the list; NULL when out of memory
 * (kept as the list's failure). */
const char *pk__findings_strdup(pk_findings *l, const char *s);
/* Most severe first, then by rank, port, proto and the order of adding. */
void pk__findings_sort(pk_findings *l);
/* The first failure, or PK_OK and the findings made readable. */
pk_status pk__findings_finish(pk_findings *l);
size_t pk__findings_count(const pk_findings *l);
const pk_finding *pk__findings_get(const pk_findings *l, size_t i);
/* The worst severity of any finding (PK_SEV_OK when none). */
pk_severity pk__findings_worst(const pk_findings *l);

#endif /* PK_INTERNAL_H */
