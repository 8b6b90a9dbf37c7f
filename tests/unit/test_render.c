/* test_render.c - the renderer's buffer and the JSON writer: layout equal
 * to jansson's JSON_INDENT(2), escaping of hostile text, streaming with
 * bounded memory, and errors kept until the flush. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <jansson.h>

#include "render/render_internal.h"

/* A write callback collecting everything into a growing string. */
typedef struct sink {
	char *data;
	size_t len;
	size_t calls;
	size_t biggest; /* largest single write */
	size_t fail_after; /* fail the call after this many (0: never) */
} sink;

static int sink_write(void *ctx, const char *data, size_t len)
{
	sink *s = ctx;
	if (s->fail_after != 0 && s->calls >= s->fail_after)
		return -1;
	s->calls++;
	if (len > s->biggest)
		s->biggest = len;
	s->data = realloc(s->data, s->len + len + 1);
	assert_non_null(s->data);
	memcpy(s->data + s->len, data, len);
	s->len += len;
	s->data[s->len] = '\0';
	return 0;
}

static pk_render *json_renderer(sink *s)
{
	pk_render *r = NULL;
	memset(s, 0, sizeof *s);
	assert_int_equal(pk_render_new(PK_RENDER_JSON, sink_write, s, &r, NULL), PK_OK);
	return r;
}

static void finish(pk_render *r, pk_status want)
{
	pk_error err;
	assert_int_equal(pk_render_flush(r, &err), want);
	pk_render_free(r);
}

/* The same document through jansson and through the writer: byte for
 * byte equal, so earlier --json output keeps its layout. */
static void test_layout_equals_jansson(void **state)
{
	(void)state;
	sink s;
	pk_render *r = json_renderer(&s);
	pk__json_object_begin(r, NULL);
	pk__json_string(r, "name", "http");
	pk__json_uint(r, "port", 80);
	pk__json_int(r, "delta", -3);
	pk__json_bool(r, "historic", false);
	pk__json_null(r, "alias_of");
	pk__json_real(r, "share", 0.125);
	pk__json_real(r, "whole", 2.0);
	pk__json_real(r, "big", 1e6);
	pk__json_real(r, "small", 1.5e-5);
	pk__json_array_begin(r, "empty");
	pk__json_array_end(r);
	pk__json_object_begin(r, "nothing");
	pk__json_object_end(r);
	pk__json_array_begin(r, "list");
	pk__json_uint(r, NULL, 1);
	pk__json_object_begin(r, NULL);
	pk__json_string(r, "a", "caf\xc3\xa9 / \"q\" \\ \n\t");
	pk__json_object_end(r);
	pk__json_array_end(r);
	pk__json_object_end(r);
	finish(r, PK_OK);

	json_t *j = json_pack("{s:s, s:i, s:i, s:b, s:n, s:f, s:f, s:f, s:f, s:[], s:{}, s:[i, {s:s}]}",
			      "name", "http", "port", 80, "delta", -3, "historic", 0,
			      "alias_of", "share", 0.125, "whole", 2.0, "big", 1e6,
			      "small", 1.5e-5, "empty", "nothing", "list", 1, "a",
			      "caf\xc3\xa9 / \"q\" \\ \n\t");
	assert_non_null(j);
	char *want = json_dumps(j, JSON_INDENT(2) | JSON_REAL_PRECISION(6) | JSON_PRESERVE_ORDER);
	assert_non_null(want);
	size_t wl = strlen(want);
	assert_int_equal(s.len, wl + 1); /* the writer ends the document with '\n' */
	assert_memory_equal(s.data, want, wl);
	assert_int_equal(s.data[wl], '\n');
	free(want);
	json_decref(j);
	free(s.data);
}

/* Registry text is hostile: terminal escapes, C1 controls, bidi
 * overrides and bytes that are not UTF-8 come out as \u escapes. */
static void test_json_escapes_hostile_text(void **state)
{
	(void)state;
	sink s;
	pk_render *r = json_renderer(&s);
	pk__json_string(r, NULL,
			"\x1b]0;pwned\x07\x1b[2J" /* OSC title, clear screen */
			"\x7f"                     /* DEL */
			"\xc2\x9b" "31m"           /* U+009B CSI */
			"\xe2\x80\xae" "txt"       /* U+202E RIGHT-TO-LEFT OVERRIDE */
			"\xe2\x80\xa8"             /* U+2028 LINE SEPARATOR */
			"\xff" "\xc3"              /* not UTF-8, cut short */
			"\xe2\x82\xac");           /* U+20AC EURO SIGN: kept */
	finish(r, PK_OK);
	assert_string_equal(s.data,
			    "\"\\u001b]0;pwned\\u0007\\u001b[2J\\u007f\\u009b31m"
			    "\\u202etxt\\u2028\\ufffd\\ufffd\xe2\x82\xac\"\n");
	free(s.data);
}

static void test_text_escapes_hostile_text(void **state)
{
	(void)state;
	sink s;
	pk_render *r = NULL;
	memset(&s, 0, sizeof s);
	assert_int_equal(pk_render_new(PK_RENDER_TEXT, sink_write, &s, &r, NULL), PK_OK);
	const char *t = "a\x1b]0;T\x07" "b\tc\n\xc2\x9b\xe2\x81\xa6\xff\xc3\xa9";
	pk__render_text(r, t, strlen(t), false);
	pk__render_puts(r, "|");
	pk__render_text(r, "x\ny", 3, true);
	finish(r, PK_OK);
	assert_string_equal(s.data, "a\\x1b]0;T\\x07b\\tc\\x0a\\u009b\\u2066\\xff\xc3\xa9|x\ny");
	/* The width is that of what is printed: escapes count in full, a
	 * printable non-ASCII character is one column. */
	assert_int_equal(pk__text_width(t, strlen(t)),
			 strlen("a\\x1b]0;T\\x07b\\tc\\x0a\\u009b\\u2066\\xff") + 1);
	free(s.data);
}

/* CSV text cells: formulas neutralised, separators and quotes quoted. */
static void test_csv_field(void **state)
{
	(void)state;
	sink s;
	pk_render *r = NULL;
	memset(&s, 0, sizeof s);
	assert_int_equal(pk_render_new(PK_RENDER_CSV, sink_write, &s, &r, NULL), PK_OK);
	const char *cells[] = { "linux", "=HYPERLINK(\"x\")", "+1", "-2", "@SUM(A1)",
				"a,b", "say \"hi\"", "", "x=y" };
	for (size_t i = 0; i < sizeof cells / sizeof cells[0]; i++) {
		pk__csv_field(r, cells[i]);
		pk__render_puts(r, "|");
	}
	finish(r, PK_OK);
	assert_string_equal(s.data, "linux|\"'=HYPERLINK(\"\"x\"\")\"|'+1|'-2|'@SUM(A1)|"
			    "\"a,b\"|\"say \"\"hi\"\"\"||x=y|");
	free(s.data);
}

/* The sim renderers want a result: before the run, PK_INVAL. */
static void test_sim_not_run(void **state)
{
	(void)state;
	sink s;
	pk_sim_workload w;
	pk_sim_sweep *sw = NULL;
	pk_sim_workload_default(&w);
	assert_int_equal(pk_sim_sweep_new(&w, &sw, NULL), PK_OK);
	pk_render *r = json_renderer(&s);
	pk_render_sim_sweep(r, sw);
	finish(r, PK_INVAL);
	assert_null(s.data);
	pk_sim_sweep_free(sw);
	assert_string_equal(pk_render_format_name(PK_RENDER_CSV), "csv");
}

/* A long answer streams through the fixed buffer: every byte arrives,
 * no single write exceeds the buffer. */
static void test_streams_in_bounded_chunks(void **state)
{
	(void)state;
	sink s;
	pk_render *r = json_renderer(&s);
	pk__json_array_begin(r, NULL);
	for (unsigned i = 0; i < 100000; i++)
		pk__json_uint(r, NULL, i);
	pk__json_array_end(r);
	finish(r, PK_OK);
	assert_true(s.calls > 1);
	assert_true(s.biggest <= PK_RENDER_BUF);
	json_error_t jerr;
	json_t *j = json_loads(s.data, 0, &jerr);
	assert_non_null(j);
	assert_int_equal(json_array_size(j), 100000);
	assert_int_equal(json_integer_value(json_array_get(j, 99999)), 99999);
	json_decref(j);
	free(s.data);
}

static void test_write_error_is_kept(void **state)
{
	(void)state;
	sink s;
	pk_render *r = json_renderer(&s);
	s.fail_after = 1;
	pk__json_array_begin(r, NULL);
	for (unsigned i = 0; i < 50000; i++)
		pk__json_string(r, NULL, "0123456789");
	pk__json_array_end(r);
	pk_error err;
	assert_int_equal(pk_render_flush(r, &err), PK_IO);
	assert_non_null(strstr(err.message, "write"));
	pk_render_free(r);
	assert_int_equal(s.calls, 1);
	free(s.data);
}

static void test_depth_and_balance(void **state)
{
	(void)state;
	sink s;
	pk_render *r = json_renderer(&s);
	for (unsigned i = 0; i < PK_JSON_MAX_DEPTH + 1; i++)
		pk__json_array_begin(r, NULL);
	finish(r, PK_TOOBIG);
	free(s.data);

	r = json_renderer(&s);
	pk__json_object_end(r);
	finish(r, PK_INVAL);
	free(s.data);
}

static void test_error_document(void **state)
{
	(void)state;
	sink s;
	pk_render *r = json_renderer(&s);
	pk_render_error(r, "lookup", PK_RANGE, "invalid port '70000': expected 0-65535");
	finish(r, PK_OK);
	json_t *j = json_loads(s.data, 0, NULL);
	assert_non_null(j);
	assert_int_equal(json_integer_value(json_object_get(j, "schema")), PK_JSON_SCHEMA);
	assert_string_equal(json_string_value(json_object_get(j, "command")), "lookup");
	json_t *e = json_object_get(j, "error");
	assert_string_equal(json_string_value(json_object_get(e, "status")), "PK_RANGE");
	assert_string_equal(json_string_value(json_object_get(e, "message")),
			    "invalid port '70000': expected 0-65535");
	json_decref(j);
	free(s.data);
}

/* Columns align on what is printed (escapes included), the last column
 * folds at a space to the width, continuation lines start under it, and
 * the header is bold only with colour. */
static void test_table(void **state)
{
	(void)state;
	for (int color = 0; color <= 1; color++) {
		sink s;
		pk_render *r = NULL;
		memset(&s, 0, sizeof s);
		assert_int_equal(pk_render_new(PK_RENDER_TEXT, sink_write, &s, &r, NULL), PK_OK);
		pk_render_set_flags(r, color ? PK_RENDER_COLOR : 0);
		pk_render_set_width(r, 40);
		pk_text_table *t = pk__table_new(r, 3);
		const char *h[] = { "PORT", "NAME", "DESCRIPTION" };
		const char *a[] = { "7", "e\033", "one two three four five six seven eight" };
		const char *b[] = { "65535", "x\x07y", NULL };
		pk__table_add_header(r, t, h);
		pk__table_add(r, t, a);
		pk__table_add(r, t, b);
		pk__table_write(r, t);
		pk__table_free(t);
		finish(r, PK_OK);
		const char *want = color ?
			"\033[1mPORT\033[0m   \033[1mNAME\033[0m    \033[1mDESCRIPTION\033[0m\n"
			"7      e\\x1b   one two three four five\n"
			"               six seven eight\n"
			"65535  x\\x07y\n" :
			"PORT   NAME    DESCRIPTION\n"
			"7      e\\x1b   one two three four five\n"
			"               six seven eight\n"
			"65535  x\\x07y\n";
		assert_string_equal(s.data, want);
		free(s.data);
	}
}

/* A table flushed a chunk at a time: each flush writes the rows held and
 * forgets them; later rows keep the widths used so far (a column widens,
 * never narrows), and the rows held after a flush start from none. */
static void test_table_flush(void **state)
{
	(void)state;
	sink s;
	pk_render *r = NULL;
	memset(&s, 0, sizeof s);
	assert_int_equal(pk_render_new(PK_RENDER_TEXT, sink_write, &s, &r, NULL), PK_OK);
	pk_text_table *t = pk__table_new(r, 3);
	const char *h[] = { "PORT", "NAME", "DESCRIPTION" };
	const char *a[] = { "7", "echo", "Echo" };
	const char *b[] = { "65535", "x", "wider port" };
	const char *c[] = { "1", "longer-name", "narrow again" };
	pk__table_add_header(r, t, h);
	pk__table_add(r, t, a);
	assert_int_equal(pk__table_rows(t), 2);
	pk__table_flush(r, t);
	assert_int_equal(pk__table_rows(t), 0);
	pk__table_add(r, t, b);
	pk__table_flush(r, t);
	pk__table_add(r, t, c);
	pk__table_flush(r, t);
	pk__table_flush(r, t); /* nothing held: nothing written */
	pk__table_free(t);
	finish(r, PK_OK);
	assert_string_equal(s.data,
			    "PORT  NAME  DESCRIPTION\n"
			    "7     echo  Echo\n"
			    "65535  x     wider port\n"
			    "1      longer-name  narrow again\n");
	assert_int_equal(pk__table_rows(NULL), 0);
	free(s.data);
}

static void test_new_rejects_bad_arguments(void **state)
{
	(void)state;
	pk_render *r = (pk_render *)&r;
	pk_error err;
	assert_int_equal(pk_render_new((pk_render_format)7, pk_write_stdio, stdout, &r, &err), PK_INVAL);
	assert_null(r);
	assert_int_equal(pk_render_new(PK_RENDER_JSON, NULL, NULL, &r, &err), PK_INVAL);
	assert_string_equal(pk_render_format_name(PK_RENDER_JSON), "json");
	pk_render_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layout_equals_jansson),
		cmocka_unit_test(test_json_escapes_hostile_text),
		cmocka_unit_test(test_text_escapes_hostile_text),
		cmocka_unit_test(test_streams_in_bounded_chunks),
		cmocka_unit_test(test_write_error_is_kept),
		cmocka_unit_test(test_depth_and_balance),
		cmocka_unit_test(test_error_document),
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_table_flush),
		cmocka_unit_test(test_csv_field),
		cmocka_unit_test(test_sim_not_run),
		cmocka_unit_test(test_new_rejects_bad_arguments),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
