/*
 * import_csv.c - IANA's service-names-port-numbers.csv.
 *
 * RFC 4180: fields separated by ',', records by CRLF (a bare LF is
 * accepted too), a quoted field may hold ',', newlines and doubled quotes.
 * The twelve columns are taken by position: the 11th has had two names
 * ("Unauthorized Use Reported", earlier "Known Unauthorized Uses"), so the
 * header is only checked loosely.  Person ids come as [Mark_Lottor],
 * references as [RFC6335][draft-...].  Free text is cleaned like the XML
 * importer's, so both agree on one registry version.
 */
#include <stdio.h>
#include <string.h>

#include "registry/import/import.h"

enum {
	C_NAME, C_PORT, C_PROTO, C_DESCRIPTION, C_ASSIGNEE, C_CONTACT,
	C_REGISTERED, C_MODIFIED, C_REFERENCE, C_SERVICE_CODE,
	C_UNAUTHORIZED, C_NOTES,
	C_COUNT /* 12 */
};

#define CSV_MAX_FIELDS 64

typedef struct csv {
	const char *data;
	size_t len;
	size_t pos;
	unsigned long line; /* of data[pos] */
	const char *label;
	pk_error *err;
	pk_builder *b;

	/* The current record: fields unquoted into buf, NUL-terminated. */
	pk_buf buf;
	size_t off[CSV_MAX_FIELDS];
	size_t flen[CSV_MAX_FIELDS];
	unsigned long fline[CSV_MAX_FIELDS];
	size_t nfields;
	unsigned long rline;
	bool blank; /* the record is an empty line */

	pk_buf tok;
	char alias[128];
} csv;

static pk_status fail(csv *c, unsigned long line, pk_status st,
		      const char *fmt, ...) PK_PRINTF(4, 5);

static pk_status fail(csv *c, unsigned long line, pk_status st,
		      const char *fmt, ...)
{
	char msg[PK_ERROR_MESSAGE_SIZE];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return pk__import_fail(c->err, st, c->label, line, "%s", msg);
}

/* A malformed record: a warning, and the record is skipped (the
 * builder's report decides whether that is an error). */
static pk_status skip(csv *c, unsigned long line, const char *fmt, ...)
	PK_PRINTF(3, 4);

static pk_status skip(csv *c, unsigned long line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	pk_status st = pk__import_vwarn(c->b, c->err, c->label, line, "record",
					fmt, ap);
	va_end(ap);
	return st;
}

static pk_status fail_status(csv *c, unsigned long line, pk_status st)
{
	if (st == PK_NOMEM)
		return fail(c, line, st, "out of memory");
	if (st == PK_TOOBIG && pk__builder_limit(c->b) != NULL)
		return fail(c, line, st, "%s", pk__builder_limit(c->b));
	if (st == PK_TOOBIG)
		return fail(c, line, st, "field too large");
	return fail(c, line, st, "the registry builder refused this (%s)",
		    pk_strerror(st));
}

static char *field(csv *c, size_t i)
{
	return c->buf.data + c->off[i];
}

/* Appends data[from..to) to the current field, counting its newlines. */
static pk_status take(csv *c, size_t from, size_t to)
{
	for (const char *p = c->data + from, *end = c->data + to;
	     (p = memchr(p, '\n', (size_t)(end - p))) != NULL; p++)
		c->line++;
	return pk__buf_add(&c->buf, c->data + from, to - from);
}

/* Reads one quoted field starting at the opening quote. */
static pk_status read_quoted(csv *c, unsigned long fline)
{
	pk_status st;

	c->pos++;
	for (;;) {
		const char *q = memchr(c->data + c->pos, '"', c->len - c->pos);
		if (q == NULL)
			return fail(c, fline, PK_PARSE,
				    "unterminated quoted field (expected a closing '\"')");
		size_t at = (size_t)(q - c->data);
		if ((st = take(c, c->pos, at)) != PK_OK)
			return fail_status(c, fline, st);
		if (at + 1 < c->len && c->data[at + 1] == '"') {
			if ((st = pk__buf_addc(&c->buf, '"')) != PK_OK)
				return fail_status(c, fline, st);
			c->pos = at + 2;
			continue;
		}
		c->pos = at + 1;
		break;
	}
	if (c->pos < c->len && c->data[c->pos] != ',' &&
	    c->data[c->pos] != '\n' &&
	    !(c->data[c->pos] == '\r' && c->pos + 1 < c->len &&
	      c->data[c->pos + 1] == '\n')) {
		char q[PK_QUOTE_SIZE];
		return fail(c, c->line, PK_PARSE,
			    "'%s' after a closing quote (expected ',' or the end of the line)",
			    pk__quote(c->data + c->pos, 1, q, sizeof q));
	}
	return PK_OK;
}

static pk_status read_plain(csv *c)
{
	size_t start = c->pos;
	size_t end = start;
	pk_status st;

	while (end < c->len && c->data[end] != ',' && c->data[end] != '\n') {
		if (c->data[end] == '"')
			return fail(c, c->line, PK_PARSE,
				    "a '\"' inside an unquoted field (expected the whole field in quotes, with '\"' doubled)");
		end++;
	}
	c->pos = end;
	/* The CR of a CRLF ends the record, it is not data. */
	if (end < c->len && c->data[end] == '\n' && end > start &&
	    c->data[end - 1] == '\r')
		end--;
	if ((st = pk__buf_add(&c->buf, c->data + start, end - start)) != PK_OK)
		return fail_status(c, c->line, st);
	return PK_OK;
}

/* Reads the record at pos; false at the end of the input. */
static pk_status read_record(csv *c, bool *got)
{
	pk_status st;

	*got = c->pos < c->len;
	if (!*got)
		return PK_OK;
	c->buf.len = 0;
	c->nfields = 0;
	c->rline = c->line;
	c->blank = c->data[c->pos] == '\n' ||
		   (c->data[c->pos] == '\r' && c->pos + 1 < c->len &&
		    c->data[c->pos + 1] == '\n');
	for (;;) {
		size_t i = c->nfields;
		size_t start = c->buf.len;
		unsigned long fline = c->line;
		if (c->pos < c->len && c->data[c->pos] == '"')
			st = read_quoted(c, fline);
		else
			st = read_plain(c);
		if (st != PK_OK)
			return st;
		if ((st = pk__buf_addc(&c->buf, '\0')) != PK_OK)
			return fail_status(c, fline, st);
		if (i < CSV_MAX_FIELDS) {
			c->off[i] = start;
			c->flen[i] = c->buf.len - 1 - start;
			c->fline[i] = fline;
		}
		c->nfields++;
		if (c->pos >= c->len)
			break;
		if (c->data[c->pos] == ',') {
			c->pos++;
			continue;
		}
		if (c->data[c->pos] == '\r')
			c->pos++;
		c->pos++; /* '\n' */
		c->line++;
		break;
	}
	return PK_OK;
}

static pk_status check_header(csv *c)
{
	static const char *const want[] = { "Service Name", "Port Number",
					    "Transport Protocol",
					    "Description" };
	char q[PK_QUOTE_SIZE];

	for (size_t i = 0; i < 4; i++) {
		const char *h = i < c->nfields ? pk__text_trim(field(c, i)) : "";
		if (pk__strcasecmp(h, want[i]) != 0)
			return fail(c, 1, PK_PARSE,
				    "column %zu of the header is '%s' (expected an IANA CSV header 'Service Name,Port Number,Transport Protocol,Description,...')",
				    i + 1, pk__quote(h, strlen(h), q, sizeof q));
	}
	if (c->nfields != C_COUNT)
		return fail(c, 1, PK_PARSE,
			    "the header has %zu columns (expected %d)",
			    c->nfields, C_COUNT);
	return PK_OK;
}

/* The reference kind a CSV reference's text implies. */
static pk_ref_type classify_ref(const char *s)
{
	size_t n = strlen(s);
	size_t d = 3;

	if (n > 3 && pk__strncasecmp(s, "rfc", 3) == 0) {
		while (d < n && s[d] >= '0' && s[d] <= '9')
			d++;
		if (d == n)
			return PK_REF_RFC;
	}
	if (pk__strncasecmp(s, "draft-", 6) == 0 ||
	    pk__strncasecmp(s, "rfc-", 4) == 0)
		return PK_REF_DRAFT;
	if (n > 0 && strspn(s, "0123456789") == n)
		return PK_REF_NOTE;
	if (strstr(s, "://") != NULL || pk__strncasecmp(s, "mailto:", 7) == 0 ||
	    pk__strncasecmp(s, "urn:", 4) == 0)
		return PK_REF_URI;
	return PK_REF_TEXT;
}

/* Calls add() for each item of "[a][b]...", or once for the whole field
 * when it is free text.  kind: 'a'ssignee, 'c'ontact, 'r'eference. */
static pk_status add_list(csv *c, uint32_t idx, size_t col, int kind)
{
	const char *s = field(c, col);
	size_t n = strlen(s);
	bool bracketed = n >= 2 && s[0] == '[' && s[n - 1] == ']';
	const char *p = s;
	pk_status st = PK_OK;

	while (st == PK_OK && *p != '\0') {
		const char *item;
		size_t len;
		if (bracketed) {
			/* An item ends at a ']' followed by '[' or the end:
			 * text references may hold brackets themselves. */
			const char *q = strstr(p, "][");
			item = p + 1;
			len = q != NULL ? (size_t)(q - item) : (size_t)(s + n - 1 - item);
			p = q != NULL ? q + 1 : s + n;
		} else {
			item = p;
			len = n;
			p = s + n;
		}
		c->tok.len = 0;
		if ((st = pk__buf_add(&c->tok, item, len)) != PK_OK ||
		    (st = pk__buf_terminate(&c->tok)) != PK_OK)
			break;
		char *t = c->tok.data;
		if (pk__text_clean(t, c->tok.len) == 0)
			continue;
		if (kind == 'r') {
			pk_ref_type type = bracketed ? classify_ref(t) : PK_REF_TEXT;
			if (type == PK_REF_RFC) /* as the XML has it: rfc6335 */
				for (char *u = t; *u != '\0'; u++)
					*u = (char)pk__lower((unsigned char)*u);
			st = pk__builder_add_ref(c->b, idx, type, t);
		} else {
			const char *id = bracketed ? t : NULL;
			const char *text = bracketed ? NULL : t;
			st = kind == 'a' ? pk__builder_add_assignee(c->b, idx, id, text)
					 : pk__builder_add_contact(c->b, idx, id, text);
		}
	}
	if (st != PK_OK)
		return fail_status(c, c->fline[col], st);
	return PK_OK;
}

static char *clean(csv *c, size_t col)
{
	pk__text_clean(field(c, col), c->flen[col]);
	return field(c, col);
}

static pk_status add_record(csv *c)
{
	pk_record in;
	char q[PK_QUOTE_SIZE];
	char *name = pk__text_trim(field(c, C_NAME));
	char *port = pk__text_trim(field(c, C_PORT));
	char *proto = pk__text_trim(field(c, C_PROTO));
	char *reg = pk__text_trim(field(c, C_REGISTERED));
	char *mod = pk__text_trim(field(c, C_MODIFIED));
	char *sc = pk__text_trim(field(c, C_SERVICE_CODE));
	uint32_t idx;
	pk_status st;

	memset(&in, 0, sizeof in);
	if (name[0] != '\0' && !pk__service_name_valid(name))
		return skip(c, c->fline[C_NAME],
			    "invalid service name '%s' (expected printable ASCII, spaces only inside)",
			    pk__quote(name, strlen(name), q, sizeof q));
	in.name = name;
	if (port[0] != '\0') {
		pk_portspec spec;
		if (pk_portspec_parse(port, &spec, NULL) != PK_OK ||
		    spec.protos != 0)
			return skip(c, c->fline[C_PORT],
				    "invalid port number '%s' (expected a port 0-65535 or a range LO-HI with LO <= HI)",
				    pk__quote(port, strlen(port), q, sizeof q));
		in.has_port = true;
		in.port_lo = spec.lo;
		in.port_hi = spec.hi;
	}
	if (proto[0] != '\0' &&
	    pk_proto_parse(proto, strlen(proto), &in.proto, NULL) != PK_OK)
		return skip(c, c->fline[C_PROTO],
			    "unknown transport protocol '%s' (expected tcp, udp, sctp, dccp or nothing)",
			    pk__quote(proto, strlen(proto), q, sizeof q));
	if (reg[0] != '\0' && !pk__date_valid(reg))
		return skip(c, c->fline[C_REGISTERED],
			    "invalid registration date '%s' (expected YYYY-MM-DD or YYYY-MM)",
			    pk__quote(reg, strlen(reg), q, sizeof q));
	if (mod[0] != '\0' && !pk__date_valid(mod))
		return skip(c, c->fline[C_MODIFIED],
			    "invalid modification date '%s' (expected YYYY-MM-DD or YYYY-MM)",
			    pk__quote(mod, strlen(mod), q, sizeof q));
	if (sc[0] != '\0' && !pk__service_code_valid(sc))
		return skip(c, c->fline[C_SERVICE_CODE],
			    "invalid service code '%s' (expected a decimal 0-4294967295)",
			    pk__quote(sc, strlen(sc), q, sizeof q));
	in.registered = reg;
	in.modified = mod;
	in.service_code = sc;
	in.description = clean(c, C_DESCRIPTION);
	in.unauthorized = clean(c, C_UNAUTHORIZED);
	in.notes = clean(c, C_NOTES);
	in.origin = PK_ORIGIN_IANA;
	in.kind = pk__kind_from(name[0] != '\0' ? name : NULL, in.description);
	pk__rec_detect_alias(&in, c->alias, sizeof c->alias);
	if ((st = pk__builder_add(c->b, &in, &idx)) != PK_OK)
		return fail_status(c, c->rline, st);
	if ((st = add_list(c, idx, C_REFERENCE, 'r')) != PK_OK ||
	    (st = add_list(c, idx, C_ASSIGNEE, 'a')) != PK_OK ||
	    (st = add_list(c, idx, C_CONTACT, 'c')) != PK_OK)
		return st;
	return PK_OK;
}

static pk_status parse(csv *c)
{
	uint32_t records = 0;
	pk_status st;
	bool got;

	if (c->len >= 3 && memcmp(c->data, "\xef\xbb\xbf", 3) == 0)
		c->pos = 3;
	if ((st = read_record(c, &got)) != PK_OK)
		return st;
	if (!got)
		return fail(c, 1, PK_PARSE,
			    "empty input (expected an IANA CSV registry)");
	/* A header that is not text is not IANA's CSV at all. */
	for (size_t f = 0; f < c->nfields && f < CSV_MAX_FIELDS; f++) {
		size_t bad = pk__utf8_check(field(c, f), c->flen[f]);
		if (bad < c->flen[f])
			return fail(c, c->fline[f], PK_PARSE,
				    "byte 0x%02x is not text (expected UTF-8 CSV)",
				    (unsigned char)field(c, f)[bad]);
	}
	if ((st = check_header(c)) != PK_OK)
		return st;
	if ((st = pk__builder_set_source(c->b, "IANA CSV")) != PK_OK)
		return fail_status(c, 1, st);
	for (;;) {
		if ((st = read_record(c, &got)) != PK_OK)
			return st;
		if (!got)
			break;
		if (c->blank && c->nfields == 1)
			continue;
		records++;
		size_t f = 0, bad = 0;
		for (; f < c->nfields && f < CSV_MAX_FIELDS; f++)
			if ((bad = pk__utf8_check(field(c, f), c->flen[f])) < c->flen[f])
				break;
		if (f < c->nfields && f < CSV_MAX_FIELDS) {
			if ((st = skip(c, c->fline[f],
				       "byte 0x%02x is not UTF-8 text",
				       (unsigned char)field(c, f)[bad])) != PK_OK)
				return st;
			continue;
		}
		if (c->nfields != C_COUNT) {
			if ((st = skip(c, c->rline,
				       "%zu field%s (expected %d, as in the header)",
				       c->nfields, c->nfields == 1 ? "" : "s",
				       C_COUNT)) != PK_OK)
				return st;
			continue;
		}
		if ((st = add_record(c)) != PK_OK)
			return st;
	}
	if (records == 0)
		return fail(c, c->line, PK_PARSE,
			    "no records after the header (expected at least one)");
	pk__builder_add_flags(c->b, PK_REGFLAG_RANGES | PK_REGFLAG_METADATA);
	return PK_OK;
}

pk_status pk__import_csv(pk_builder *b, const char *data, size_t len,
			const char *label, pk_error *err)
{
	csv c;
	pk_status st;

	memset(&c, 0, sizeof c);
	c.data = data;
	c.len = len;
	c.line = 1;
	c.label = label;
	c.err = err;
	c.b = b;
	pk__buf_init(&c.buf, PK_IMPORT_MAX_BYTES);
	pk__buf_init(&c.tok, PK_IMPORT_MAX_BYTES);
	if ((st = pk__import_begin(len, label, err)) == PK_OK)
		st = parse(&c);
	pk__buf_free(&c.buf);
	pk__buf_free(&c.tok);
	return st;
}
