/* test_http_query.c - the request targets of `portkit serve`
 * (serve/http_query.c, compiled in here: the server is a front end, not
 * part of the library the unit tests link). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "../../serve/http_query.c"

static sq_target t;

static int parse(const char *s, const char **why)
{
	*why = NULL;
	return sq_parse(s, strlen(s), &t, why);
}

static void test_path_and_params(void **state)
{
	const char *why;

	(void)state;
	assert_int_equal(parse("/v1/search?q=http+alt&limit=3&draft", &why), 0);
	assert_string_equal(t.path, "/v1/search");
	assert_int_equal(t.nparams, 3);
	assert_string_equal(sq_get(&t, "q"), "http alt");
	assert_string_equal(sq_get(&t, "limit"), "3");
	assert_string_equal(sq_get(&t, "draft"), "");
	assert_null(sq_get(&t, "cursor"));
	assert_string_equal(sq_path_after(&t, "/v1/"), "search");
	assert_null(sq_path_after(&t, "/v2/"));
}

static void test_decoding(void **state)
{
	const char *why;

	(void)state;
	/* %2F stays a slash in the decoded path; '+' is a plus there. */
	assert_int_equal(parse("/v1/names/kerberos%2Fudp+x?q=%3Cscript%3E%20a%2b", &why), 0);
	assert_string_equal(t.path, "/v1/names/kerberos/udp+x");
	assert_string_equal(sq_get(&t, "q"), "<script> a+");
	/* Empty pairs are nothing. */
	assert_int_equal(parse("/x?&&a=1&&", &why), 0);
	assert_int_equal(t.nparams, 1);
	assert_int_equal(parse("/x?", &why), 0);
	assert_int_equal(t.nparams, 0);
}

static void test_rejected(void **state)
{
	static const char *const bad[] = {
		"", "v1/health", "*", "/x?q=%", "/x?q=%4", "/x?q=%zz", "/%00",
		"/x?q=%01", "/x?q=%7f", "/x#frag", "/x?=1", "/x?a=1&a=2",
		"/x y", "/x\x01", "/\xc3\xa9",
	};
	const char *why;

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		int rc = parse(bad[i], &why);
		if (rc != 400)
			fail_msg("'%s' gave %d", bad[i], rc);
		assert_non_null(why);
	}
}

static void test_limits(void **state)
{
	char big[SQ_URI_MAX + 2];
	const char *why;

	(void)state;
	memset(big, 'a', sizeof big - 1);
	big[0] = '/';
	big[sizeof big - 1] = '\0';
	assert_int_equal(parse(big, &why), 414);
	big[SQ_URI_MAX] = '\0'; /* exactly the limit */
	assert_int_equal(parse(big, &why), 0);
	/* 16 parameters pass, 17 do not. */
	char many[256] = "/x?";
	for (int i = 0; i < SQ_MAX_PARAMS; i++)
		snprintf(many + strlen(many), sizeof many - strlen(many), "k%d=%d&", i, i);
	assert_int_equal(parse(many, &why), 0);
	assert_int_equal(t.nparams, SQ_MAX_PARAMS);
	strcat(many, "extra=1");
	assert_int_equal(parse(many, &why), 400);
	/* A key over SQ_KEY_MAX bytes. */
	char key[128] = "/x?";
	memset(key + 3, 'k', SQ_KEY_MAX + 1);
	assert_int_equal(parse(key, &why), 400);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_path_and_params),
		cmocka_unit_test(test_decoding),
		cmocka_unit_test(test_rejected),
		cmocka_unit_test(test_limits),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
