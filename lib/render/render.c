/* render.c - the renderer: a bounded buffer in front of the caller's
 * write callback, the first error kept, and text escaped for terminals. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "render/render_internal.h"

const char *pk_render_format_name(pk_render_format fmt)
{
	switch (fmt) {
	case PK_RENDER_TEXT:
		return "text";
	case PK_RENDER_JSON:
		return "json";
	case PK_RENDER_CSV:
		return "csv";
	}
	return "unknown";
}

int pk_write_stdio(void *ctx, const char *data, size_t len)
{
	return fwrite(data, 1, len, (FILE *)ctx) == len ? 0 : -1;
}

pk_status pk_render_new(pk_render_format fmt, pk_write_fn write, void *ctx,
			pk_render **out, pk_error *err)
{
	*out = NULL;
	if (fmt != PK_RENDER_TEXT && fmt != PK_RENDER_JSON && fmt != PK_RENDER_CSV)
		return pk__error_set(err, PK_INVAL, "unknown output format %d",
				     (int)fmt);
	if (write == NULL)
		return pk__error_set(err, PK_INVAL, "no write callback");
	pk_render *r = calloc(1, sizeof *r);
	if (r == NULL)
		return pk__error_set(err, PK_NOMEM, "out of memory");
	r->format = fmt;
	r->write = write;
	r->ctx = ctx;
	r->now = (int64_t)time(NULL);
	r->first[0] = true;
	*out = r;
	return PK_OK;
}

void pk_render_set_now(pk_render *r, int64_t now)
{
	r->now = now;
}

void pk_render_free(pk_render *r)
{
	free(r);
}

pk_render_format pk_render_get_format(const pk_render *r)
{
	return r->format;
}

void pk_render_set_flags(pk_render *r, unsigned flags)
{
	r->flags = flags;
}

unsigned pk_render_get_flags(const pk_render *r)
{
	return r->flags;
}

void pk_render_set_width(pk_render *r, unsigned width)
{
	r->width = width;
}

void pk__render_fail(pk_render *r, pk_status status, const char *fmt, ...)
{
	if (!pk__render_ok(r))
		return;
	va_list ap;
	va_start(ap, fmt);
	pk__error_setv(&r->error, status, fmt, ap);
	va_end(ap);
}

static void drain(pk_render *r)
{
	if (r->len > 0 && pk__render_ok(r) && r->write(r->ctx, r->buf, r->len) != 0)
		pk__render_fail(r, PK_IO, "cannot write the output");
	r->len = 0;
}

pk_status pk_render_flush(pk_render *r, pk_error *err)
{
	drain(r);
	if (!pk__render_ok(r))
		return pk__error_set(err, r->error.status, "%s", r->error.message);
	pk__error_clear(err);
	return PK_OK;
}

void pk__render_put(pk_render *r, const char *data, size_t len)
{
	if (!pk__render_ok(r))
		return;
	while (len > 0) {
		if (r->len == sizeof r->buf)
			drain(r);
		size_t n = sizeof r->buf - r->len;
		if (n > len)
			n = len;
		memcpy(r->buf + r->len, data, n);
		r->len += n;
		data += n;
		len -= n;
	}
}

void pk__render_puts(pk_render *r, const char *s)
{
	pk__render_put(r, s, strlen(s));
}

void pk__render_printf(pk_render *r, const char *fmt, ...)
{
	char small[256];
	va_list ap;

	va_start(ap, fmt);
	int n = vsnprintf(small, sizeof small, fmt, ap);
	va_end(ap);
	if (n < 0) {
		pk__render_fail(r, PK_INVAL, "bad format '%s'", fmt);
		return;
	}
	if ((size_t)n < sizeof small) {
		pk__render_put(r, small, (size_t)n);
		return;
	}
	char *big = malloc((size_t)n + 1);
	if (big == NULL) {
		pk__render_fail(r, PK_NOMEM, "out of memory");
		return;
	}
	va_start(ap, fmt);
	vsnprintf(big, (size_t)n + 1, fmt, ap);
	va_end(ap);
	pk__render_put(r, big, (size_t)n);
	free(big);
}

/* Code points that reorder or hide text on a terminal or in a browser:
 * the bidirectional marks, embeddings, overrides and isolates, and the
 * line and paragraph separators. */
static bool is_format_control(uint32_t cp)
{
	return cp == 0x061c || cp == 0x200e || cp == 0x200f ||
	       (cp >= 0x202a && cp <= 0x202e) ||
	       (cp >= 0x2066 && cp <= 0x2069) || cp == 0x2028 ||
	       cp == 0x2029;
}

/* The escape pk__render_text writes for the character at s (n bytes,
 * code point cp; n == 0 for a byte that is not UTF-8), or "" when the
 * character is printed as it is. */
static const char *text_escape(uint32_t cp, size_t n, char esc[12])
{
	if (n == 0 || cp < 0x20 || cp == 0x7f) {
		if (n != 0 && cp == '\t')
			return "\\t";
		snprintf(esc, 12, "\\x%02x", (unsigned)(cp & 0xffu));
		return esc;
	}
	if ((cp >= 0x80 && cp <= 0x9f) || is_format_control(cp)) {
		snprintf(esc, 12, "\\u%04x", (unsigned)cp);
		return esc;
	}
	esc[0] = '\0';
	return esc;
}

void pk__render_text(pk_render *r, const char *s, size_t len,
		     bool keep_newline)
{
	size_t start = 0, i = 0;

	while (i < len) {
		uint32_t cp;
		size_t n = pk__utf8_decode(s + i, len - i, &cp);
		char esc[12];
		const char *e = (keep_newline && n == 1 && cp == '\n') ?
					"" : text_escape(cp, n, esc);
		if (*e == '\0') {
			i += n;
			continue;
		}
		pk__render_put(r, s + start, i - start);
		pk__render_puts(r, e);
		i += n == 0 ? 1 : n;
		start = i;
	}
	pk__render_put(r, s + start, len - start);
}

pk_status pk__text_escape(pk_buf *out, const char *s, size_t len,
			  bool keep_newline)
{
	size_t start = 0, i = 0;
	pk_status st = PK_OK;

	while (i < len && st == PK_OK) {
		uint32_t cp;
		size_t n = pk__utf8_decode(s + i, len - i, &cp);
		char esc[12];
		const char *e = (keep_newline && n == 1 && cp == '\n') ?
					"" : text_escape(cp, n, esc);
		if (*e == '\0') {
			i += n;
			continue;
		}
		st = pk__buf_add(out, s + start, i - start);
		if (st == PK_OK)
			st = pk__buf_addstr(out, e);
		i += n == 0 ? 1 : n;
		start = i;
	}
	if (st == PK_OK)
		st = pk__buf_add(out, s + start, len - start);
	return st == PK_OK ? pk__buf_terminate(out) : st;
}

size_t pk__text_width(const char *s, size_t len)
{
	size_t w = 0, i = 0;

	while (i < len) {
		uint32_t cp;
		size_t n = pk__utf8_decode(s + i, len - i, &cp);
		char esc[12];
		const char *e = text_escape(cp, n, esc);
		w += *e != '\0' ? strlen(e) : pk__cp_width(cp);
		i += n == 0 ? 1 : n;
	}
	return w;
}
