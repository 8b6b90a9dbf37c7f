/*
 * import_nmap.c - nmap's nmap-services (Debian's nmap-common installs it
 * as /usr/share/nmap/nmap-services):
 *
 *     name <TAB> port/proto <TAB> open-frequency [<TAB> # comment]
 *
 * It looks like services(5) but is not: the third column is how often
 * nmap found the port open (0.484143 for 80/tcp), not an alias, and the
 * name "unknown" means nmap knows no service there.  Every entry gives
 * popularity data (pk__builder_set_popularity, in millionths); entries
 * with a name give a record too (origin services(5), the comment as its
 * description).  Bad lines are skipped with a warning, as in services(5).
 */
#include <string.h>

#include "registry/import/import.h"

typedef struct nmap_ctx {
	pk_builder *b;
	const char *label;
	pk_error *err;
	unsigned long line;
	uint32_t entries;
} nmap_ctx;

bool pk__nmap_frequency(const char *s, size_t n, uint32_t *ppm)
{
	uint64_t v = 0;
	size_t i = 0, digits = 0;

	while (i < n && s[i] >= '0' && s[i] <= '9' && i < 2)
		v = v * 10 + (uint64_t)(s[i++] - '0');
	if (i == 0 || i >= n || s[i] != '.')
		return false;
	i++;
	for (; i < n && s[i] >= '0' && s[i] <= '9'; i++, digits++)
		if (digits < 6)
			v = v * 10 + (uint64_t)(s[i] - '0');
	if (i != n || digits == 0)
		return false;
	for (; digits < 6; digits++)
		v *= 10;
	if (v > 1000000u)
		return false;
	*ppm = (uint32_t)v;
	return true;
}

/* One line without its '\n' (NUL-terminated in place: it is a copy). */
static pk_status parse_line(nmap_ctx *c, char *line, size_t len)
{
	char q[PK_QUOTE_SIZE];
	char *field[3];
	size_t flen[3];
	char *comment = NULL;
	size_t nf = 0, i = 0;
	pk_portspec spec;
	uint32_t ppm;

	char *hash = memchr(line, '#', len);
	if (hash != NULL) {
		size_t clen = len - (size_t)(hash - line) - 1;
		if (pk__utf8_check(hash + 1, clen) < clen)
			return pk__import_warn(c->b, c->err, c->label, c->line, "line",
					      "the comment is not UTF-8 text");
		comment = pk__text_trim(hash + 1);
		pk__text_clean(comment, strlen(comment));
		len = (size_t)(hash - line);
	}
	while (nf < 3) {
		while (i < len && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r'))
			i++;
		if (i == len)
			break;
		field[nf] = line + i;
		while (i < len && line[i] != ' ' && line[i] != '\t' && line[i] != '\r')
			i++;
		flen[nf] = (size_t)(line + i - field[nf]);
		nf++;
	}
	while (i < len && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r'))
		i++;
	if (nf == 0)
		return PK_OK;
	for (size_t f = 0; f < nf; f++)
		field[f][flen[f]] = '\0';
	if (nf < 3 || i < len)
		return pk__import_warn(c->b, c->err, c->label, c->line, "line",
				      "%zu field%s before the comment (expected NAME PORT/PROTO FREQUENCY)",
				      nf + (i < len), nf + (i < len) == 1 ? "" : "s");
	if (!pk__service_name_valid(field[0]))
		return pk__import_warn(c->b, c->err, c->label, c->line, "line",
				      "invalid service name '%s' (expected printable ASCII)",
				      pk__quote(field[0], flen[0], q, sizeof q));
	if (pk_portspec_parse(field[1], &spec, NULL) != PK_OK || spec.lo != spec.hi ||
	    spec.protos == 0 || (spec.protos & (spec.protos - 1)) != 0)
		return pk__import_warn(c->b, c->err, c->label, c->line, "line",
				      "invalid port '%s' (expected PORT/PROTO: one port 0-65535 and tcp, udp, sctp or dccp)",
				      pk__quote(field[1], flen[1], q, sizeof q));
	if (!pk__nmap_frequency(field[2], flen[2], &ppm))
		return pk__import_warn(c->b, c->err, c->label, c->line, "line",
				      "invalid open frequency '%s' (expected a decimal 0.0-1.0 such as 0.484143)",
				      pk__quote(field[2], flen[2], q, sizeof q));
	pk_proto proto = PK_PROTO_TCP;
	while ((spec.protos & PK_PROTOMASK(proto)) == 0)
		proto++;
	pk_status st = pk__builder_set_popularity(c->b, spec.lo, proto, ppm);
	c->entries++;
	/* "unknown": nmap knows no service there, only how often it is open. */
	if (st == PK_OK && strcmp(field[0], "unknown") != 0) {
		pk_record in;
		memset(&in, 0, sizeof in);
		in.name = field[0];
		in.proto = proto;
		in.has_port = true;
		in.port_lo = in.port_hi = spec.lo;
		in.kind = PK_KIND_ASSIGNED;
		in.origin = PK_ORIGIN_SERVICES;
		in.description = comment;
		st = pk__builder_add(c->b, &in, NULL);
	}
	if (st != PK_OK)
		return pk__import_fail(c->err, st, c->label, c->line, "%s",
				      st == PK_NOMEM ? "out of memory" : pk_strerror(st));
	return PK_OK;
}

pk_status pk__import_nmap(pk_builder *b, const char *data, size_t len,
			  const char *label, pk_error *err)
{
	nmap_ctx c = { b, label, err, 0, 0 };
	pk_buf line;
	size_t pos = 0;
	pk_status st;

	if ((st = pk__import_begin(len, label, err)) != PK_OK)
		return st;
	pk__buf_init(&line, PK_IMPORT_MAX_BYTES);
	for (c.line = 1; pos < len; c.line++) {
		const char *nl = memchr(data + pos, '\n', len - pos);
		size_t end = nl != NULL ? (size_t)(nl - data) : len;
		line.len = 0;
		if ((st = pk__buf_add(&line, data + pos, end - pos)) != PK_OK ||
		    (st = pk__buf_terminate(&line)) != PK_OK) {
			st = pk__import_fail(err, st, label, c.line, "out of memory");
			break;
		}
		pos = end + 1;
		size_t bad = pk__utf8_check(line.data, line.len);
		char *hash = memchr(line.data, '#', line.len);
		if (bad < line.len && (hash == NULL || line.data + bad < hash)) {
			st = pk__import_warn(b, err, label, c.line, "line",
					    "byte 0x%02x is not UTF-8 text",
					    (unsigned char)line.data[bad]);
		} else {
			st = parse_line(&c, line.data, line.len);
		}
		if (st != PK_OK)
			break;
	}
	pk__buf_free(&line);
	if (st != PK_OK)
		return st;
	if (c.entries == 0)
		return pk__import_fail(err, PK_PARSE, label, c.line > 1 ? c.line - 1 : 1,
				      "no entries (expected lines NAME PORT/PROTO FREQUENCY [# COMMENT])");
	if ((st = pk__builder_set_source(b, "nmap-services")) != PK_OK)
		return pk__import_fail(err, st, label, 1, "out of memory");
	return PK_OK;
}
