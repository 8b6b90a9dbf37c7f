/*
 * import_services.c - services(5) files such as /etc/services:
 *
 *     name  port/proto  [aliases...]  [# comment]
 *
 * Also accepted: the merged "9/tcp/udp/sctp" form some distributions
 * ship (one record per transport) and CRLF line ends.  Two portkit
 * extensions, used by data/supplement.services for IANA's named ranges:
 * a range "6000-6063/tcp", and a port without "/proto", which gives one
 * record with no transport, as IANA's own records without one.
 * A comment on an entry's line becomes its description.
 */
#include <string.h>

#include "registry/import/import.h"

static bool blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* Splits line[0..len) (no '\n', no comment) into at most max words,
 * NUL-terminating each in place; returns the number of words. */
static size_t split(char *line, size_t len, char **words, size_t max,
		    size_t *total)
{
	size_t n = 0;
	size_t i = 0;

	*total = 0;
	while (i < len) {
		while (i < len && blank(line[i]))
			i++;
		if (i == len)
			break;
		size_t start = i;
		while (i < len && !blank(line[i]))
			i++;
		if (n < max)
			words[n++] = line + start;
		(*total)++;
		line[i] = '\0';
		if (i < len)
			i++;
	}
	return n;
}

#define SERVICES_MAX_WORDS 256

typedef struct services_ctx {
	pk_builder *b;
	const char *label;
	pk_error *err;
	pk_rec_origin origin;
	unsigned long line;
	uint32_t records;
	bool ranges;
} services_ctx;

/* A valid port with a transport that services(5) files really list but
 * that has no port numbers in IANA's sense: Debian's netbase has AppleTalk
 * ("rtmp 1/ddp"), FreeBSD has ipfw's "natd 8668/divert".  Such entries
 * are skipped; any other transport ("80/xyz") is still an error. */
static bool other_transport(char *spec)
{
	static const char *const known[] = { "ddp", "divert" };
	char *slash = strchr(spec, '/');
	pk_portspec ps;
	bool listed = false;
	bool port_ok;

	if (slash == NULL)
		return false;
	for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
		if (strcmp(slash + 1, known[i]) == 0)
			listed = true;
	if (!listed)
		return false;
	*slash = '\0';
	port_ok = pk_portspec_parse(spec, &ps, NULL) == PK_OK;
	*slash = '/';
	return port_ok;
}

static pk_status add_entry(services_ctx *s, char **w, size_t nw,
			   const char *comment)
{
	char q[PK_QUOTE_SIZE];
	pk_portspec spec;
	pk_status st = PK_OK;

	for (size_t i = 0; i < nw; i++)
		if (!pk__service_name_valid(w[i]))
			return pk__import_warn(s->b, s->err, s->label, s->line, "line",
					      "invalid %s '%s' (expected printable ASCII)",
					      i == 0 ? "service name" : "alias",
					      pk__quote(w[i], strlen(w[i]), q, sizeof q));
	if (nw < 2)
		return pk__import_warn(s->b, s->err, s->label, s->line, "line",
				      "'%s' has no port (expected NAME PORT/PROTO [ALIASES...])",
				      pk__quote(w[0], strlen(w[0]), q, sizeof q));
	if (pk_portspec_parse(w[1], &spec, NULL) != PK_OK) {
		if (other_transport(w[1])) {
			/* Without a report (the build's own inputs) these
			 * are left out quietly, as they always were. */
			if (pk__builder_report(s->b) == NULL)
				return PK_OK;
			return pk__import_warn(s->b, s->err, s->label, s->line, "line",
					      "transport of '%s' has no IANA port numbers",
					      pk__quote(w[1], strlen(w[1]), q, sizeof q));
		}
		return pk__import_warn(s->b, s->err, s->label, s->line, "line",
				      "invalid port '%s' (expected PORT/PROTO: a port 0-65535 or a range LO-HI, and tcp, udp, sctp or dccp)",
				      pk__quote(w[1], strlen(w[1]), q, sizeof q));
	}
	if (spec.lo != spec.hi)
		s->ranges = true;
	if (spec.protos == 0)
		spec.protos = PK_PROTOMASK(PK_PROTO_NONE);
	for (unsigned p = PK_PROTO_NONE; st == PK_OK && p < PK_PROTO_COUNT; p++) {
		pk_record in;
		uint32_t idx;
		if ((spec.protos & PK_PROTOMASK(p)) == 0)
			continue;
		memset(&in, 0, sizeof in);
		in.name = w[0];
		in.proto = (pk_proto)p;
		in.has_port = true;
		in.port_lo = spec.lo;
		in.port_hi = spec.hi;
		in.kind = PK_KIND_ASSIGNED;
		in.origin = s->origin;
		in.description = comment;
		st = pk__builder_add(s->b, &in, &idx);
		for (size_t i = 2; st == PK_OK && i < nw; i++)
			st = pk__builder_add_alias(s->b, idx, w[i]);
		s->records++;
	}
	if (st != PK_OK)
		return pk__import_fail(s->err, st, s->label, s->line, "%s",
				      pk__builder_strerror(s->b, st));
	return PK_OK;
}

static pk_status parse(services_ctx *s, const char *data, size_t len,
		       pk_buf *line)
{
	char q[PK_QUOTE_SIZE];
	size_t pos = 0;
	pk_status st;

	if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0) {
		if ((st = pk__import_warn(s->b, s->err, s->label, 1, NULL,
					 "a UTF-8 byte order mark starts the file (read past it)")) != PK_OK)
			return st;
		pos = 3;
	}
	for (s->line = 1; pos < len; s->line++) {
		const char *nl = memchr(data + pos, '\n', len - pos);
		size_t end = nl != NULL ? (size_t)(nl - data) : len;
		char *words[SERVICES_MAX_WORDS];
		size_t total;
		char *comment = NULL;

		line->len = 0;
		if ((st = pk__buf_add(line, data + pos, end - pos)) != PK_OK ||
		    (st = pk__buf_terminate(line)) != PK_OK)
			return pk__import_fail(s->err, st, s->label, s->line, "%s",
					      st == PK_NOMEM ? "out of memory"
							     : "line too long");
		pos = end + 1;
		char *hash = memchr(line->data, '#', line->len);
		size_t n = line->len;
		size_t bad = pk__utf8_check(line->data, n);
		if (bad < n && (hash == NULL || line->data + bad < hash)) {
			if ((st = pk__import_warn(s->b, s->err, s->label, s->line, "line",
						 "byte 0x%02x is not UTF-8 text",
						 (unsigned char)line->data[bad])) != PK_OK)
				return st;
			continue;
		}
		if (hash != NULL) {
			n = (size_t)(hash - line->data);
			size_t clen = line->len - n - 1;
			bad = pk__utf8_check(hash + 1, clen);
			if (bad < clen) {
				/* The entry is good; only its comment is lost
				 * (Latin-1 text, most often), and said so. */
				if ((st = pk__import_warn(s->b, s->err, s->label, s->line, "comment",
							 "byte 0x%02x in the comment is not UTF-8 text",
							 (unsigned char)hash[1 + bad])) != PK_OK)
					return st;
			} else {
				comment = pk__text_trim(hash + 1);
				pk__text_clean(comment, strlen(comment));
			}
		}
		size_t nw = split(line->data, n, words, SERVICES_MAX_WORDS, &total);
		if (nw == 0)
			continue;
		if (total > nw) {
			if ((st = pk__import_warn(s->b, s->err, s->label, s->line, "line",
						 "%zu words after '%s' (expected at most %d)",
						 total, pk__quote(words[0], strlen(words[0]), q, sizeof q),
						 SERVICES_MAX_WORDS)) != PK_OK)
				return st;
			continue;
		}
		if ((st = add_entry(s, words, nw, comment)) != PK_OK)
			return st;
	}
	if (s->records == 0)
		return pk__import_fail(s->err, PK_PARSE, s->label,
				      s->line > 1 ? s->line - 1 : 1,
				      "no entries (expected lines NAME PORT/PROTO [ALIASES...])");
	return PK_OK;
}

pk_status pk__import_services_ex(pk_builder *b, const char *data, size_t len,
				const char *label, pk_rec_origin origin,
				pk_error *err)
{
	services_ctx s = { b, label, err, origin, 1, 0, false };
	pk_buf line;
	pk_status st;

	if ((st = pk__import_begin(len, label, err)) != PK_OK)
		return st;
	pk__buf_init(&line, PK_IMPORT_MAX_BYTES);
	st = pk__buf_terminate(&line);
	if (st != PK_OK)
		st = pk__import_fail(err, st, label, 1, "out of memory");
	else
		st = parse(&s, data, len, &line);
	pk__buf_free(&line);
	if (st != PK_OK)
		return st;
	st = pk__builder_set_source(b, origin == PK_ORIGIN_SERVICES
					      ? "services(5)"
					      : "portkit list (services(5) syntax)");
	if (st != PK_OK)
		return pk__import_fail(err, st, label, 1, "out of memory");
	pk__builder_add_flags(b, (s.ranges ? PK_REGFLAG_RANGES : 0u) |
					(origin == PK_ORIGIN_UNOFFICIAL
						 ? PK_REGFLAG_UNOFFICIAL
						 : 0u));
	return PK_OK;
}

pk_status pk__import_services(pk_builder *b, const char *data, size_t len,
			     const char *label, pk_error *err)
{
	return pk__import_services_ex(b, data, len, label, PK_ORIGIN_SERVICES,
				     err);
}
