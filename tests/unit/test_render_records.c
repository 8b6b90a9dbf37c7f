/* test_render_records.c - the record renderers of lib/render: the record
 * object and registry object (every member, in order), hostile registry
 * text escaped in tables and --long blocks, the lookup table's rows for
 * ports without records, and a lookup's JSON written while its queries
 * are still coming (memory independent of their number). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <jansson.h>

#include "helper_regfix.h"
#include "render/render_internal.h"

typedef struct sink {
	char *data;
	size_t len;
	size_t calls;
} sink;

static int sink_write(void *ctx, const char *data, size_t len)
{
	sink *s = ctx;
	s->calls++;
	s->data = realloc(s->data, s->len + len + 1);
	assert_non_null(s->data);
	memcpy(s->data + s->len, data, len);
	s->len += len;
	s->data[s->len] = '\0';
	return 0;
}

static pk_render *renderer(sink *s, pk_render_format fmt, unsigned flags)
{
	pk_render *r = NULL;
	memset(s, 0, sizeof *s);
	assert_int_equal(pk_render_new(fmt, sink_write, s, &r, NULL), PK_OK);
	pk_render_set_flags(r, flags);
	return r;
}

static void finish(pk_render *r)
{
	pk_error err;
	assert_int_equal(pk_render_flush(r, &err), PK_OK);
	pk_render_free(r);
}

/* The queries of a lookup, from a list of arguments. */
typedef struct args {
	const pk_registry *reg;
	const char *const *v;
	size_t n, next;
	pk_query *cur;
	sink *out;
	size_t seen_before_last; /* bytes written when the last was asked for */
} args;

static const pk_query *next_arg(void *p)
{
	args *a = p;
	pk_error err;

	pk_query_free(a->cur);
	a->cur = NULL;
	if (a->next >= a->n)
		return NULL;
	if (a->next + 1 == a->n)
		a->seen_before_last = a->out->len;
	assert_int_equal(pk_query_parse(a->v[a->next++], 0, &a->cur, &err), PK_OK);
	assert_int_equal(pk_query_run(a->reg, a->cur, &err), PK_OK);
	return a->cur;
}

static char *lookup(const pk_registry *reg, pk_render_format fmt,
		    unsigned flags, const char *const *v, size_t n)
{
	sink s;
	/* As the CLI does: a QUERY column with several queries. */
	pk_render *r = renderer(&s, fmt, flags | (n > 1 ? PK_RENDER_QUERIES : 0u));
	args a = { .reg = reg, .v = v, .n = n, .out = &s };
	pk_render_lookup(r, reg, next_arg, &a);
	assert_null(a.cur);
	finish(r);
	return s.data ? s.data : strdup("");
}

static void test_record_object(void **state)
{
	(void)state;
	pk_registry *reg = regfix_registry();
	const char *q[] = { "43/tcp", "nameonly-svc" };
	char *out = lookup(reg, PK_RENDER_JSON, 0, q, 2);
	json_error_t jerr;
	json_t *doc = json_loads(out, 0, &jerr);
	assert_non_null(doc);

	/* The envelope first. */
	const char *k;
	json_t *v;
	const char *order[] = { "schema", "command", "registry", "queries" };
	size_t i = 0;
	json_object_foreach(doc, k, v) {
		assert_true(i < 4);
		assert_string_equal(k, order[i++]);
	}
	assert_int_equal(json_integer_value(json_object_get(doc, "schema")), PK_JSON_SCHEMA);
	assert_string_equal(json_string_value(json_object_get(doc, "command")), "lookup");
	json_t *regobj = json_object_get(doc, "registry");
	assert_string_equal(json_string_value(json_object_get(regobj, "source")), "portkit test fixture");
	assert_string_equal(json_string_value(json_object_get(regobj, "origin")), "fixture");

	json_t *q0 = json_array_get(json_object_get(doc, "queries"), 0);
	assert_string_equal(json_string_value(json_object_get(q0, "type")), "port");
	char *classes = json_dumps(json_object_get(q0, "classes"), JSON_COMPACT);
	assert_string_equal(classes, "[\"system\"]");
	free(classes);
	json_t *recs = json_object_get(q0, "records");
	assert_int_equal(json_array_size(recs), 2); /* nicname, whois */
	json_t *rec = json_array_get(recs, 0);
	const char *fields[] = { "name", "aliases", "protocol", "port_lo", "port_hi",
				 "classes", "kind", "origin", "historic", "nonconforming", "popularity", "alias_of",
				 "provenance", "description", "notes", "unauthorized", "registered",
				 "modified", "service_code", "references", "assignees",
				 "contacts" };
	i = 0;
	json_object_foreach(rec, k, v) {
		assert_true(i < sizeof fields / sizeof fields[0]);
		assert_string_equal(k, fields[i++]);
	}
	assert_int_equal(i, sizeof fields / sizeof fields[0]);
	assert_string_equal(json_string_value(json_object_get(rec, "name")), "nicname");
	assert_true(json_is_true(json_object_get(rec, "historic")));
	assert_string_equal(json_string_value(json_object_get(rec, "kind")), "assigned");
	assert_string_equal(json_string_value(json_object_get(rec, "origin")), "iana");

	/* No port, no transport: null, null, []. */
	json_t *q1 = json_array_get(json_object_get(doc, "queries"), 1);
	assert_string_equal(json_string_value(json_object_get(q1, "name")), "nameonly-svc");
	rec = json_array_get(json_object_get(q1, "records"), 0);
	assert_true(json_is_null(json_object_get(rec, "protocol")));
	assert_true(json_is_null(json_object_get(rec, "port_lo")));
	assert_int_equal(json_array_size(json_object_get(rec, "classes")), 0);
	json_decref(doc);
	free(out);
	pk_registry_close(reg);
}

static void test_lookup_table(void **state)
{
	(void)state;
	pk_registry *reg = regfix_registry();
	const char *q[] = { "211", "51234", "nosuch", "1041-1042" };
	char *out = lookup(reg, PK_RENDER_TEXT, 0, q, 4);
	assert_string_equal(out,
		"QUERY      PORT       PROTO  CLASS            NAME    DESCRIPTION\n"
		"211        211        tcp    System           914c/g  Texas Instruments 914C/G Terminal\n"
		"51234      51234      -      Dynamic/Private  -       no record: Dynamic/Private ports are never assigned (RFC 6335)\n"
		"1041-1042  1041-1042  -      User             -       no record: unassigned\n");
	free(out);
	/* Only names nobody has: nothing at all, not even the header. */
	const char *none[] = { "nosuch", "neither/udp" };
	out = lookup(reg, PK_RENDER_TEXT, 0, none, 2);
	assert_string_equal(out, "");
	free(out);
	/* --long: the port without a record says so, with its class. */
	const char *one[] = { "1041" };
	out = lookup(reg, PK_RENDER_TEXT, PK_RENDER_LONG, one, 1);
	assert_string_equal(out, "port:   1041\nclass:  User (RFC 6335)\nrecord: none\n");
	free(out);
	pk_registry_close(reg);
}

/* Control and bidirectional characters from the registry reach neither
 * a terminal nor a JSON reader as such. */
static void test_hostile_text(void **state)
{
	(void)state;
	pk_builder *b = pk__builder_new();
	pk_record in = { .name = "evil", .proto = PK_PROTO_TCP, .has_port = true,
			 .port_lo = 4444, .port_hi = 4444,
			 .description = "red\x1b[31m \xe2\x80\xae" "txt.exe",
			 .notes = "line one\nline\x07two" };
	uint32_t idx;
	assert_int_equal(pk__builder_add(b, &in, &idx), PK_OK);
	assert_int_equal(pk__builder_add_alias(b, idx, "ev\x1bil"), PK_OK);
	pk_registry *reg = regfix_open(b);
	pk__builder_free(b);

	const char *q[] = { "4444" };
	char *out = lookup(reg, PK_RENDER_TEXT, 0, q, 1);
	assert_non_null(strstr(out, "red\\x1b[31m \\u202etxt.exe (aliases: ev\\x1bil)"));
	assert_null(strchr(out, '\x1b'));
	free(out);
	out = lookup(reg, PK_RENDER_TEXT, PK_RENDER_LONG, q, 1);
	assert_non_null(strstr(out, "notes:        line one\n              line\\x07two\n"));
	assert_null(strchr(out, '\x1b'));
	free(out);
	out = lookup(reg, PK_RENDER_JSON, 0, q, 1);
	assert_non_null(strstr(out, "\"description\": \"red\\u001b[31m \\u202etxt.exe\""));
	free(out);
	pk_registry_close(reg);
}

/* A forged index whose strings are not UTF-8 (no importer writes one: they
 * check): --json used to fail with "out of memory".  Every document is
 * valid JSON with U+FFFD for each such byte (docs/json.md), the text
 * shows \xNN, and nothing fails. */
static void test_invalid_utf8_in_index(void **state)
{
	(void)state;
	pk_builder *b = pk__builder_new();
	pk_record in = { .name = "bad\xff" "name", .proto = PK_PROTO_TCP, .has_port = true,
			 .port_lo = 7, .port_hi = 7, .kind = PK_KIND_ASSIGNED,
			 .description = "desc \xc3\x28 \xed\xa0\x80 \xf8\x88\x80\x80\x80 end" };
	uint32_t idx;
	assert_int_equal(pk__builder_add(b, &in, &idx), PK_OK);
	assert_int_equal(pk__builder_add_alias(b, idx, "al\xfe"), PK_OK);
	/* Through a file, as a forged index arrives. */
	char *dir = regfix_tmpdir();
	char path[512];
	snprintf(path, sizeof path, "%s/forged.idx", dir);
	pk_registry *made = regfix_open(b);
	pk__builder_free(b);
	pk_error err;
	assert_int_equal(pk_registry_save(made, path, &err), PK_OK);
	pk_registry_close(made);
	pk_registry *reg = NULL;
	assert_int_equal(pk_registry_open_file(path, &reg, &err), PK_OK);

	const char *q[] = { "7", "0-100" };
	char *out = lookup(reg, PK_RENDER_JSON, 0, q, 2);
	json_error_t jerr;
	json_t *doc = json_loads(out, 0, &jerr);
	assert_non_null(doc);
	json_decref(doc);
	assert_non_null(strstr(out, "\"name\": \"bad\\ufffdname\""));
	assert_non_null(strstr(out, "\"al\\ufffd\""));
	/* \xc3\x28: one bad byte then "("; a surrogate's three bytes and an
	 * old 5-byte form: one U+FFFD per byte. */
	assert_non_null(strstr(out, "\"description\": \"desc \\ufffd( \\ufffd\\ufffd\\ufffd "
				    "\\ufffd\\ufffd\\ufffd\\ufffd\\ufffd end\""));
	free(out);
	out = lookup(reg, PK_RENDER_TEXT, 0, q, 2);
	assert_non_null(strstr(out, "bad\\xffname"));
	assert_non_null(strstr(out, "desc \\xc3( \\xed\\xa0\\x80 \\xf8\\x88\\x80\\x80\\x80 end (aliases: al\\xfe)"));
	assert_null(strchr(out, '\xff'));
	free(out);
	out = lookup(reg, PK_RENDER_TEXT, PK_RENDER_LONG, q, 1);
	assert_non_null(strstr(out, "name:         bad\\xffname\n"));
	free(out);

	/* range and search documents too. */
	pk_query *rq = NULL;
	sink s;
	assert_int_equal(pk_query_parse_range("0-100", 0, PK_FILTER_ALL, &rq, &err), PK_OK);
	assert_int_equal(pk_query_run(reg, rq, &err), PK_OK);
	pk_render *r = renderer(&s, PK_RENDER_JSON, 0);
	pk_render_range(r, reg, rq);
	finish(r);
	pk_query_free(rq);
	doc = json_loads(s.data, 0, &jerr);
	assert_non_null(doc);
	json_decref(doc);
	assert_non_null(strstr(s.data, "bad\\ufffdname"));
	free(s.data);
	const char *words[] = { "desc" };
	assert_int_equal(pk_query_parse_words(words, 1, 0, &rq, &err), PK_OK);
	assert_int_equal(pk_query_run(reg, rq, &err), PK_OK);
	r = renderer(&s, PK_RENDER_JSON, 0);
	pk_render_search(r, reg, rq);
	finish(r);
	pk_query_free(rq);
	doc = json_loads(s.data, 0, &jerr);
	assert_non_null(doc);
	json_decref(doc);
	assert_non_null(strstr(s.data, "bad\\ufffdname"));
	free(s.data);

	pk_registry_close(reg);
	regfix_rmtree(dir);
	free(dir);
}

/* Many queries: the document is written while they come, not held. */
static void test_lookup_streams(void **state)
{
	(void)state;
	pk_registry *reg = regfix_registry();
	enum { N = 3000 };
	const char **v = malloc(N * sizeof *v);
	assert_non_null(v);
	for (size_t i = 0; i < N; i++)
		v[i] = i % 2 ? "http" : "80";
	sink s;
	pk_render *r = renderer(&s, PK_RENDER_JSON, 0);
	args a = { .reg = reg, .v = v, .n = N, .out = &s };
	pk_render_lookup(r, reg, next_arg, &a);
	finish(r);
	/* Nearly all of it was out before the last query was asked for. */
	assert_true(a.seen_before_last > s.len - 2 * PK_RENDER_BUF);
	assert_true(s.calls > s.len / PK_RENDER_BUF);
	json_error_t jerr;
	json_t *doc = json_loads(s.data, 0, &jerr);
	assert_non_null(doc);
	assert_int_equal(json_array_size(json_object_get(doc, "queries")), N);
	json_decref(doc);
	free(s.data);
	free(v);
	pk_registry_close(reg);
}

static void test_search_and_range_documents(void **state)
{
	(void)state;
	pk_registry *reg = regfix_registry();
	pk_query *q;
	pk_error err;
	sink s;
	const char *w[] = { "nosuchword" };

	/* Nothing found is the ordinary document, with empty lists. */
	assert_int_equal(pk_query_parse_words(w, 1, 0, &q, &err), PK_OK);
	assert_int_equal(pk_query_run(reg, q, &err), PK_OK);
	pk_render *r = renderer(&s, PK_RENDER_JSON, 0);
	pk_render_search(r, reg, q);
	finish(r);
	assert_non_null(strstr(s.data, "\"count\": 0,\n  \"records\": []\n}\n"));
	free(s.data);
	pk_query_free(q);

	assert_int_equal(pk_query_parse_range("80-82", 0, PK_FILTER_UNASSIGNED, &q, &err), PK_OK);
	assert_int_equal(pk_query_run(reg, q, &err), PK_OK);
	r = renderer(&s, PK_RENDER_TEXT, 0);
	pk_render_range(r, reg, q);
	finish(r);
	assert_string_equal(s.data,
		"PORTS  PROTO  CLASS   COUNT\n"
		"81-82  tcp    System  2\n"
		"81-82  udp    System  2\n"
		"\n"
		"unassigned in 80-82: tcp 2 of 3, udp 2 of 3\n");
	free(s.data);
	r = renderer(&s, PK_RENDER_JSON, 0);
	pk_render_range(r, reg, q);
	finish(r);
	json_error_t jerr;
	json_t *doc = json_loads(s.data, 0, &jerr);
	assert_non_null(doc);
	assert_string_equal(json_string_value(json_object_get(doc, "command")), "range");
	json_t *run = json_array_get(json_object_get(doc, "unassigned"), 1);
	assert_string_equal(json_string_value(json_object_get(run, "protocol")), "udp");
	assert_string_equal(json_string_value(json_object_get(run, "class")), "system");
	assert_int_equal(json_integer_value(json_object_get(run, "count")), 2);
	json_decref(doc);
	free(s.data);
	pk_query_free(q);
	pk_registry_close(reg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_record_object),
		cmocka_unit_test(test_lookup_table),
		cmocka_unit_test(test_hostile_text),
		cmocka_unit_test(test_invalid_utf8_in_index),
		cmocka_unit_test(test_lookup_streams),
		cmocka_unit_test(test_search_and_range_documents),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
