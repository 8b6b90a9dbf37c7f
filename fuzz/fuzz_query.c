/* fuzz_query.c - the lookup grammar, range and search queries on any
 * input: the first byte chooses the --proto mask, the rest is split at
 * newlines into arguments.  Each is parsed as a lookup, a range and a
 * search word; what parses is run against a small registry and rendered
 * in both formats, and as a port list (pk_query_parse_list).  Checked: a rejected argument has a message; an
 * accepted one has lo <= hi, only known transports, a name of at most
 * PK_QUERY_NAME_MAX printable bytes that starts the argument; the JSON
 * document parses and starts with schema and command. */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "portkit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static pk_registry *fixture(void)
{
	static pk_registry *reg;
	static const char csv[] =
		"Service Name,Port Number,Transport Protocol,Description,Assignee,"
		"Contact,Registration Date,Modification Date,Reference,Service Code,"
		"Unauthorized Use Reported,Assignment Notes\n"
		"http,80,tcp,World Wide Web HTTP,,,,,,,,\n"
		"914c/g,211,tcp,Texas Instruments 914C/G Terminal,,,,,,,,\n"
		",4200-4299,,Unassigned,,,,,,,,\n"
		",0,udp,Reserved,,,,,,,,\n";
	pk_error err;

	if (reg == NULL &&
	    pk_registry_import_mem(csv, sizeof csv - 1, PK_FORMAT_CSV, "fuzz",
				   &reg, &err) != PK_OK)
		abort();
	return reg;
}

typedef struct sink {
	char *data;
	size_t len;
} sink;

static int collect(void *ctx, const char *d, size_t n)
{
	sink *s = ctx;
	char *p = realloc(s->data, s->len + n + 1);
	if (p == NULL)
		abort();
	memcpy(p + s->len, d, n);
	s->len += n;
	p[s->len] = '\0';
	s->data = p;
	return 0;
}

static void check_json(const char *doc, const char *command)
{
	json_error_t jerr;
	json_t *o = json_loads(doc, 0, &jerr);
	void *it = o ? json_object_iter(o) : NULL;

	if (it == NULL || strcmp(json_object_iter_key(it), "schema") != 0 ||
	    json_integer_value(json_object_iter_value(it)) != PK_JSON_SCHEMA)
		abort();
	it = json_object_iter_next(o, it);
	if (it == NULL || strcmp(json_object_iter_key(it), "command") != 0 ||
	    strcmp(json_string_value(json_object_iter_value(it)), command) != 0)
		abort();
	json_decref(o);
}

static const pk_query *once(void *ctx)
{
	const pk_query **q = ctx;
	const pk_query *next = *q;
	*q = NULL;
	return next;
}

/* Runs q and renders it as its command would, in both formats. */
static void render(const pk_registry *reg, pk_query *q, const char *command)
{
	for (int fmt = PK_RENDER_TEXT; fmt <= PK_RENDER_JSON; fmt++) {
		sink s = { NULL, 0 };
		pk_render *r;
		const pk_query *pending = q;
		if (pk_render_new((pk_render_format)fmt, collect, &s, &r, NULL) != PK_OK)
			abort();
		pk_render_set_flags(r, fmt == PK_RENDER_TEXT ? PK_RENDER_LONG : 0);
		if (strcmp(command, "lookup") == 0)
			pk_render_lookup(r, reg, once, &pending);
		else if (strcmp(command, "range") == 0)
			pk_render_range(r, reg, q);
		else
			pk_render_search(r, reg, q);
		if (pk_render_flush(r, NULL) != PK_OK)
			abort();
		pk_render_free(r);
		if (fmt == PK_RENDER_JSON)
			check_json(s.data, command);
		free(s.data);
	}
}

static void one(const pk_registry *reg, const char *arg, unsigned mask)
{
	pk_query *q = NULL;
	pk_error err;
	uint16_t lo, hi;

	if (pk_query_parse(arg, mask, &q, &err) != PK_OK) {
		if (q != NULL || err.message[0] == '\0')
			abort();
	} else {
		const char *name = pk_query_name(q);
		if ((pk_query_protocols(q) & ~PK_PROTOMASK_TRANSPORTS) != 0 ||
		    (pk_query_ports(q, &lo, &hi) ? lo > hi || name != NULL :
		     name == NULL || strlen(name) > PK_QUERY_NAME_MAX ||
		     strncmp(name, arg, strlen(name)) != 0))
			abort();
		if (pk_query_run(reg, q, &err) != PK_OK)
			abort();
		render(reg, q, "lookup");
		pk_query_free(q);
	}
	if (pk_query_parse_range(arg, mask, (pk_range_filter)(mask % 3), &q, &err) == PK_OK) {
		if (!pk_query_ports(q, &lo, &hi) || lo > hi || pk_query_run(reg, q, &err) != PK_OK)
			abort();
		render(reg, q, "range");
		pk_query_free(q);
	}
	/* A port list: one query per element, each a port or a range
	 * whose argument is the list; anything else, what pk_query_parse
	 * says. */
	pk_query **qs = NULL;
	size_t nq = 0;
	if (pk_query_parse_list(arg, mask, &qs, &nq, &err) == PK_OK) {
		if (nq == 0 || nq > PK_QUERY_LIST_MAX)
			abort();
		for (size_t i = 0; i < nq; i++) {
			if (nq > 1 && (!pk_query_ports(qs[i], &lo, &hi) || lo > hi ||
				       strcmp(pk_query_argument(qs[i]), arg) != 0))
				abort();
			if (i < 8 && pk_query_run(reg, qs[i], &err) != PK_OK)
				abort();
		}
		if (nq > 1)
			render(reg, qs[0], "lookup");
		pk_query_list_free(qs, nq);
	} else if (qs != NULL || nq != 0 || err.message[0] == '\0') {
		abort();
	}
	const char *words[1] = { arg };
	if (pk_query_parse_words(words, 1, mask, &q, &err) == PK_OK) {
		if (pk_query_run(reg, q, &err) != PK_OK)
			abort();
		render(reg, q, "search");
		pk_query_free(q);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const pk_registry *reg = fixture();

	if (size < 1 || size > 4096)
		return 0;
	unsigned mask = data[0] & PK_PROTOMASK_ANY;
	char *s = malloc(size);
	if (s == NULL)
		return 0;
	memcpy(s, data + 1, size - 1);
	s[size - 1] = '\0';
	for (char *line = s, *nl; line != NULL; line = nl) {
		nl = memchr(line, '\n', (size_t)(s + size - 1 - line));
		if (nl != NULL)
			*nl++ = '\0';
		one(reg, line, mask);
	}
	free(s);
	return 0;
}
