/* json.c - the one JSON writer: streaming, two-space indentation (the
 * layout jansson's JSON_INDENT(2) gives, which earlier output used), and
 * strings escaped so that no control, C1 or bidirectional character and no
 * byte that is not UTF-8 survives as such. */
#include <math.h>
#include <stdio.h>

#include "render/render_internal.h"

static void indent(pk_render *r, unsigned depth)
{
	pk__render_put(r, "\n", 1);
	for (unsigned i = 0; i < depth; i++)
		pk__render_put(r, "  ", 2);
}

static void put_quoted(pk_render *r, const char *s, size_t len);

/* Starts a value: the separator and indentation before it, and its key. */
static void value_begin(pk_render *r, const char *key)
{
	if (r->depth > 0) {
		if (!r->first[r->depth])
			pk__render_put(r, ",", 1);
		r->first[r->depth] = false;
		indent(r, r->depth);
	}
	if (key != NULL) {
		put_quoted(r, key, strlen(key));
		pk__render_put(r, ": ", 2);
	}
}

/* Ends a value: the top-level one ends the document with a newline. */
static void value_end(pk_render *r)
{
	if (r->depth == 0)
		pk__render_put(r, "\n", 1);
}

static void open_container(pk_render *r, const char *key, char c)
{
	value_begin(r, key);
	if (r->depth == PK_JSON_MAX_DEPTH) {
		pk__render_fail(r, PK_TOOBIG, "JSON nested deeper than %d",
				PK_JSON_MAX_DEPTH);
		return;
	}
	pk__render_put(r, &c, 1);
	r->depth++;
	r->first[r->depth] = true;
}

static void close_container(pk_render *r, char c)
{
	if (r->depth == 0) {
		pk__render_fail(r, PK_INVAL, "JSON: '%c' closes nothing", c);
		return;
	}
	bool empty = r->first[r->depth];
	r->depth--;
	if (!empty)
		indent(r, r->depth);
	pk__render_put(r, &c, 1);
	value_end(r);
}

void pk__json_object_begin(pk_render *r, const char *key)
{
	open_container(r, key, '{');
}

void pk__json_object_end(pk_render *r)
{
	close_container(r, '}');
}

void pk__json_array_begin(pk_render *r, const char *key)
{
	open_container(r, key, '[');
}

void pk__json_array_end(pk_render *r)
{
	close_container(r, ']');
}

/* What must not reach a terminal or a script tag as such: C1 controls,
 * bidirectional marks, embeddings, overrides and isolates, and the line
 * and paragraph separators JavaScript treats as line ends. */
static bool needs_escape(uint32_t cp)
{
	return (cp >= 0x7f && cp <= 0x9f) || cp == 0x061c || cp == 0x200e ||
	       cp == 0x200f || (cp >= 0x202a && cp <= 0x202e) ||
	       (cp >= 0x2066 && cp <= 0x2069) || cp == 0x2028 || cp == 0x2029;
}

static void put_quoted(pk_render *r, const char *s, size_t len)
{
	size_t start = 0, i = 0;

	pk__render_put(r, "\"", 1);
	while (i < len) {
		unsigned char c = (unsigned char)s[i];
		char esc[8];
		const char *e = NULL;
		size_t n = 1;

		if (c == '"')
			e = "\\\"";
		else if (c == '\\')
			e = "\\\\";
		else if (c == '\n')
			e = "\\n";
		else if (c == '\t')
			e = "\\t";
		else if (c == '\r')
			e = "\\r";
		else if (c == '\b')
			e = "\\b";
		else if (c == '\f')
			e = "\\f";
		else if (c < 0x20) {
			snprintf(esc, sizeof esc, "\\u%04x", c);
			e = esc;
		} else if (c >= 0x7f) {
			uint32_t cp;
			n = pk__utf8_decode(s + i, len - i, &cp);
			if (n == 0) {
				/* Not UTF-8: the replacement character. */
				e = "\\ufffd";
				n = 1;
			} else if (needs_escape(cp)) {
				snprintf(esc, sizeof esc, "\\u%04x", (unsigned)cp);
				e = esc;
			}
		}
		if (e != NULL) {
			pk__render_put(r, s + start, i - start);
			pk__render_puts(r, e);
			start = i + n;
		}
		i += n;
	}
	pk__render_put(r, s + start, len - start);
	pk__render_put(r, "\"", 1);
}

void pk__json_stringn(pk_render *r, const char *key, const char *s,
		      size_t len)
{
	value_begin(r, key);
	put_quoted(r, s, len);
	value_end(r);
}

void pk__json_string(pk_render *r, const char *key, const char *s)
{
	if (s == NULL)
		pk__json_null(r, key);
	else
		pk__json_stringn(r, key, s, strlen(s));
}

void pk__json_uint(pk_render *r, const char *key, uint64_t v)
{
	value_begin(r, key);
	pk__render_printf(r, "%llu", (unsigned long long)v);
	value_end(r);
}

void pk__json_int(pk_render *r, const char *key, int64_t v)
{
	value_begin(r, key);
	pk__render_printf(r, "%lld", (long long)v);
	value_end(r);
}

void pk__json_real(pk_render *r, const char *key, double v)
{
	char num[40];

	if (!isfinite(v)) {
		pk__json_null(r, key);
		return;
	}
	/* "%.6g" as jansson's JSON_REAL_PRECISION(6) writes it: a ".0"
	 * where the number would otherwise read as an integer, and the
	 * exponent without '+' or leading zeros ("1e6", "1e-5"). */
	int n = snprintf(num, sizeof num, "%.6g", v);
	char *e = strchr(num, 'e');
	if (e == NULL && strchr(num, '.') == NULL && n + 2 < (int)sizeof num) {
		memcpy(num + n, ".0", 3);
	} else if (e != NULL) {
		char *p = e + 1, *digits;
		if (*p == '+')
			memmove(p, p + 1, strlen(p));
		else if (*p == '-')
			p++;
		digits = p;
		while (*digits == '0' && digits[1] != '\0')
			digits++;
		memmove(p, digits, strlen(digits) + 1);
	}
	value_begin(r, key);
	pk__render_puts(r, num);
	value_end(r);
}

void pk__json_bool(pk_render *r, const char *key, bool v)
{
	value_begin(r, key);
	pk__render_puts(r, v ? "true" : "false");
	value_end(r);
}

void pk__json_null(pk_render *r, const char *key)
{
	value_begin(r, key);
	pk__render_puts(r, "null");
	value_end(r);
}

void pk__json_document_begin(pk_render *r, const char *command)
{
	pk__json_object_begin(r, NULL);
	pk__json_uint(r, "schema", PK_JSON_SCHEMA);
	pk__json_string(r, "command", command);
}
