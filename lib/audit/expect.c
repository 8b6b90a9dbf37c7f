/* expect.c - ports and ranges an admin declares services will use
 * one by one or in a config file, so the audit covers services that are
 * not running at the moment it looks. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"

/* Bounds on a config file: it is written by hand, so these are generous. */
#define EXPECT_MAX_BYTES ((size_t)1 << 20)
#define EXPECT_MAX_LINE 4096
#define EXPECT_MAX_ENTRIES 65536
#define EXPECT_MAX_LABEL 128

struct pk_expect_list {
	pk_expect *items;
	size_t n, cap;
};

pk_status pk_expect_list_new(pk_expect_list **out, pk_error *err)
{
	*out = calloc(1, sizeof **out);
	if (*out == NULL)
		return pk__error_set(err, PK_NOMEM, "out of memory");
	return PK_OK;
}

void pk_expect_list_free(pk_expect_list *l)
{
	if (l == NULL)
		return;
	for (size_t i = 0; i < l->n; i++) {
		free((char *)l->items[i].label);
		free((char *)l->items[i].origin);
	}
	free(l->items);
	free(l);
}

size_t pk_expect_count(const pk_expect_list *l)
{
	return l->n;
}

const pk_expect *pk_expect_get(const pk_expect_list *l, size_t i)
{
	return i < l->n ? &l->items[i] : NULL;
}

/* A label is shown to people and written into messages: printable text. */
static bool label_ok(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return false;
	return true;
}

static pk_status add_entry(pk_expect_list *l, const char *spec,
			   const char *label, size_t label_len,
			   const char *origin, pk_error *err)
{
	pk_portspec ps;
	pk_status st;

	if ((st = pk_portspec_parse(spec, &ps, err)) != PK_OK)
		return st;
	if (ps.lo == 0)
		return pk__error_set(err, PK_INVAL,
				    "invalid port '%s': port 0 is not one a service can use; expected 1-65535",
				    spec);
	if (label_len > EXPECT_MAX_LABEL)
		return pk__error_set(err, PK_INVAL,
				    "label of '%s' is %zu bytes: expected at most %d",
				    spec, label_len, EXPECT_MAX_LABEL);
	if (!label_ok(label, label_len))
		return pk__error_set(err, PK_INVAL,
				    "label of '%s' has control characters: expected text",
				    spec);
	if (l->n == EXPECT_MAX_ENTRIES)
		return pk__error_set(err, PK_TOOBIG,
				    "more than %d expected ports", EXPECT_MAX_ENTRIES);
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		pk_expect *p = realloc(l->items, cap * sizeof *p);
		if (p == NULL)
			return pk__error_set(err, PK_NOMEM, "%s", pk_strerror(PK_NOMEM));
		l->items = p;
		l->cap = cap;
	}
	char *lab = strndup(label, label_len);
	char *org = strdup(origin);
	if (lab == NULL || org == NULL) {
		free(lab);
		free(org);
		return pk__error_set(err, PK_NOMEM, "%s", pk_strerror(PK_NOMEM));
	}
	l->items[l->n++] = (pk_expect){ .lo = ps.lo, .hi = ps.hi,
					.protos = ps.protos, .label = lab,
					.origin = org };
	return PK_OK;
}

pk_status pk_expect_add(pk_expect_list *l, const char *spec,
			const char *label, pk_error *err)
{
	if (label == NULL)
		label = "";
	return add_entry(l, spec, label, strlen(label), "", err);
}

pk_status pk_expect_add_lookup(pk_expect_list *l, const pk_registry *reg,
			       const char *spec, const char *label,
			       pk_error *err)
{
	pk_query **qs = NULL;
	size_t n = 0;
	pk_status st = pk_query_parse_list(spec, 0, &qs, &n, err);

	if (label == NULL)
		label = "";
	for (size_t i = 0; st == PK_OK && i < n; i++) {
		uint16_t lo, hi;
		const char *name = pk_query_name(qs[i]);
		if (pk_query_ports(qs[i], &lo, &hi)) {
			st = add_entry(l, pk_query_text(qs[i]), label, strlen(label), "", err);
			continue;
		}
		if (reg == NULL) {
			st = pk__error_set(err, PK_NOTFOUND,
					   "'%s' is no port, and there is no registry to look the name up in",
					   name);
			break;
		}
		if ((st = pk_query_run(reg, qs[i], err)) != PK_OK)
			break;
		size_t nrec, added = 0;
		const pk_recid *ids = pk_query_records(qs[i], &nrec);
		const char *lab = label[0] != '\0' ? label : name;
		for (size_t k = 0; st == PK_OK && k < nrec; k++) {
			pk_record rec;
			char one[32];
			if (pk_record_get(reg, ids[k], &rec, NULL) != PK_OK || !rec.has_port ||
			    rec.port_lo == 0)
				continue;
			snprintf(one, sizeof one, "%u-%u%s%s", (unsigned)rec.port_lo,
				 (unsigned)rec.port_hi, rec.proto == PK_PROTO_NONE ? "" : "/",
				 pk_proto_name(rec.proto));
			st = add_entry(l, one, lab, strlen(lab), "", err);
			added++;
		}
		if (st == PK_OK && added == 0)
			st = pk__error_set(err, PK_NOTFOUND,
					   "no service named '%s' with a port in the registry: expected PORT, LO-HI, SPEC/PROTO or a registered service name",
					   pk_query_text(qs[i]));
	}
	pk_query_list_free(qs, n);
	return st;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* One line: "SPEC [LABEL] [# comment]"; a '#' starts a comment at the
 * start of the line or after a blank, so labels may hold "C#". */
static pk_status parse_line(pk_expect_list *l, const char *line, size_t n,
			    const char *origin, pk_error *err)
{
	size_t end = n;

	for (size_t i = 0; i < n; i++)
		if (line[i] == '#' && (i == 0 || is_blank(line[i - 1]))) {
			end = i;
			break;
		}
	while (end > 0 && is_blank(line[end - 1]))
		end--;
	size_t i = 0;
	while (i < end && is_blank(line[i]))
		i++;
	if (i == end)
		return PK_OK;
	size_t spec_start = i;
	while (i < end && !is_blank(line[i]))
		i++;
	char spec[64];
	size_t spec_len = i - spec_start;
	if (spec_len >= sizeof spec)
		return pk__error_set(err, PK_INVAL,
				    "invalid port '%.40s...': expected PORT, LO-HI or SPEC/PROTO",
				    line + spec_start);
	memcpy(spec, line + spec_start, spec_len);
	spec[spec_len] = '\0';
	while (i < end && is_blank(line[i]))
		i++;
	return add_entry(l, spec, line + i, end - i, origin, err);
}

pk_status pk_expect_load_mem(pk_expect_list *l, const char *data, size_t len,
			     const char *name, pk_error *err)
{
	size_t pos = 0, lineno = 0;
	size_t before = l->n;
	pk_status st = PK_OK;

	const char *start;
	size_t n;

	while (pk__next_line(data, len, &pos, &start, &n)) {
		lineno++;
		char origin[4096 + 32];
		snprintf(origin, sizeof origin, "%s:%zu", name, lineno);
		if (n > EXPECT_MAX_LINE) {
			st = pk__error_set(err, PK_INVAL,
					  "%s: line longer than %d bytes", origin,
					  EXPECT_MAX_LINE);
			goto fail;
		}
		if (memchr(start, '\0', n) != NULL) {
			st = pk__error_set(err, PK_INVAL, "%s: NUL byte in line",
					  origin);
			goto fail;
		}
		pk_error lerr;
		st = parse_line(l, start, n, origin, &lerr);
		if (st != PK_OK) {
			pk__error_set(err, st, "%s: %s", origin, lerr.message);
			goto fail;
		}
	}
	return PK_OK;
fail:
	/* All or nothing: a half-read file would audit the wrong plan. */
	while (l->n > before) {
		l->n--;
		free((char *)l->items[l->n].label);
		free((char *)l->items[l->n].origin);
	}
	return st;
}

pk_status pk_expect_load(pk_expect_list *l, const char *path, pk_error *err)
{
	char *data = NULL;
	size_t len = 0;
	pk_status st = pk__read_file(path, EXPECT_MAX_BYTES, &data, &len, err);

	if (st == PK_OK)
		st = pk_expect_load_mem(l, data, len, path, err);
	free(data);
	return st;
}
