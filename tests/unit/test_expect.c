/* test_expect.c - expected services: --expect specs and the config file
 * format (one "SPEC [LABEL]" per line), with bad input. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "portkit.h"

static void test_add(void **state)
{
	pk_expect_list *l;
	pk_error err;

	(void)state;
	assert_int_equal(pk_expect_list_new(&l, NULL), PK_OK);
	assert_int_equal(pk_expect_add(l, "40000/tcp", "billing", &err), PK_OK);
	assert_int_equal(pk_expect_add(l, "30000-32767/tcp", NULL, &err), PK_OK);
	assert_int_equal(pk_expect_add(l, "5353/udp,tcp", "", &err), PK_OK);
	assert_int_equal(pk_expect_add(l, "9000", "any transport", &err), PK_OK);
	assert_int_equal(pk_expect_count(l), 4);
	const pk_expect *e = pk_expect_get(l, 0);
	assert_int_equal(e->lo, 40000);
	assert_int_equal(e->hi, 40000);
	assert_int_equal(e->protos, PK_PROTOMASK(PK_PROTO_TCP));
	assert_string_equal(e->label, "billing");
	assert_string_equal(e->origin, ""); /* added one by one: no place */
	e = pk_expect_get(l, 1);
	assert_int_equal(e->lo, 30000);
	assert_int_equal(e->hi, 32767);
	assert_string_equal(e->label, "");
	e = pk_expect_get(l, 2);
	assert_int_equal(e->protos, PK_PROTOMASK(PK_PROTO_TCP) | PK_PROTOMASK(PK_PROTO_UDP));
	assert_int_equal(pk_expect_get(l, 3)->protos, 0);
	assert_null(pk_expect_get(l, 4));
	pk_expect_list_free(l);
	pk_expect_list_free(NULL);
}

static void test_add_bad(void **state)
{
	static const struct {
		const char *spec;
		const char *label;
		const char *msg;
	} cases[] = {
		{ "70000", "", "invalid port '70000': expected 0-65535" },
		{ "-1", "", "invalid port '-1'" },
		{ "80-", "", "invalid port '80-'" },
		{ "80-70", "", "reversed" },
		{ "abc/tcp", "", "invalid port 'abc/tcp'" },
		{ "80/xyz", "", "invalid transport in '80/xyz'" },
		{ "", "", "empty" },
		{ "0", "", "port 0" },
		{ "0-10", "", "port 0" },
		{ "80", "bad\tlabel", "control characters" },
	};
	pk_expect_list *l;
	pk_error err;

	(void)state;
	assert_int_equal(pk_expect_list_new(&l, NULL), PK_OK);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		pk_status st = pk_expect_add(l, cases[i].spec, cases[i].label, &err);
		if (st != PK_INVAL || strstr(err.message, cases[i].msg) == NULL)
			fail_msg("'%s': status %d, message '%s'", cases[i].spec, st,
				 err.message);
	}
	char label[200];
	memset(label, 'x', sizeof label - 1);
	label[sizeof label - 1] = '\0';
	assert_int_equal(pk_expect_add(l, "80", label, &err), PK_INVAL);
	assert_non_null(strstr(err.message, "at most"));
	assert_int_equal(pk_expect_count(l), 0);
	pk_expect_list_free(l);
}

static void test_config(void **state)
{
	const char *text =
		"# services on this host\n"
		"\n"
		"40000/tcp            billing api   # the one from the incident\n"
		"  30000-32767/tcp kubernetes NodePorts\r\n"
		"5000/udp\n"
		"6000 C# service\n"
		"   # indented comment\n"
		"7000/tcp,udp#not a comment start\n";
	pk_expect_list *l;
	pk_error err;

	(void)state;
	assert_int_equal(pk_expect_list_new(&l, NULL), PK_OK);
	/* A '#' glued to the spec is part of it, which makes it invalid. */
	assert_int_equal(pk_expect_load_mem(l, text, strlen(text), "ports.conf", &err),
			 PK_INVAL);
	assert_non_null(strstr(err.message, "ports.conf:8: invalid transport"));
	/* All or nothing. */
	assert_int_equal(pk_expect_count(l), 0);

	size_t good = strlen(text) - strlen("7000/tcp,udp#not a comment start\n");
	assert_int_equal(pk_expect_load_mem(l, text, good, "ports.conf", &err), PK_OK);
	assert_int_equal(pk_expect_count(l), 4);
	const pk_expect *e = pk_expect_get(l, 0);
	assert_int_equal(e->lo, 40000);
	assert_string_equal(e->label, "billing api");
	assert_string_equal(e->origin, "ports.conf:3");
	e = pk_expect_get(l, 1);
	assert_int_equal(e->lo, 30000);
	assert_int_equal(e->hi, 32767);
	assert_string_equal(e->label, "kubernetes NodePorts");
	assert_string_equal(e->origin, "ports.conf:4");
	e = pk_expect_get(l, 2);
	assert_int_equal(e->protos, PK_PROTOMASK(PK_PROTO_UDP));
	assert_string_equal(e->label, "");
	e = pk_expect_get(l, 3);
	assert_string_equal(e->label, "C# service");
	/* No final newline, and the empty file. */
	assert_int_equal(pk_expect_load_mem(l, "8000", 4, "x", &err), PK_OK);
	assert_int_equal(pk_expect_count(l), 5);
	assert_int_equal(pk_expect_load_mem(l, "", 0, "x", &err), PK_OK);
	pk_expect_list_free(l);
}

static void test_config_bad(void **state)
{
	static const struct {
		const char *text;
		const char *msg;
	} cases[] = {
		{ "80\n70000/tcp\n", "f.conf:2: invalid port '70000/tcp': expected 0-65535" },
		{ "80-/tcp\n", "f.conf:1: invalid port '80-/tcp'" },
		{ "\n\n443/sctp ok\n9/xyz\n", "f.conf:4: invalid transport" },
		{ "0 zero\n", "f.conf:1: invalid port '0'" },
		{ "1234567890123456789012345678901234567890123456789012345678901234567890\n",
		  "f.conf:1: invalid port" },
		{ "80 label\x01with control\n", "f.conf:1: label of '80' has control" },
	};
	pk_expect_list *l;
	pk_error err;

	(void)state;
	assert_int_equal(pk_expect_list_new(&l, NULL), PK_OK);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		pk_status st = pk_expect_load_mem(l, cases[i].text, strlen(cases[i].text),
						  "f.conf", &err);
		if (st != PK_INVAL || strstr(err.message, cases[i].msg) == NULL)
			fail_msg("case %zu: status %d, message '%s'", i, st, err.message);
		assert_int_equal(pk_expect_count(l), 0);
	}
	const char nul[] = "80\n9\0000\n";
	assert_int_equal(pk_expect_load_mem(l, nul, sizeof nul - 1, "f.conf", &err),
			 PK_INVAL);
	assert_non_null(strstr(err.message, "f.conf:2: NUL"));
	char *big = malloc(10000);
	memset(big, ' ', 9999);
	big[9999] = '\0';
	assert_int_equal(pk_expect_load_mem(l, big, 9999, "f.conf", &err), PK_INVAL);
	assert_non_null(strstr(err.message, "f.conf:1: line longer"));
	free(big);
	assert_int_equal(pk_expect_count(l), 0);
	pk_expect_list_free(l);
}

static void test_config_file(void **state)
{
	char path[] = "/tmp/pk-expect-XXXXXX";
	pk_expect_list *l;
	pk_error err;

	(void)state;
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	const char *text = "40000/tcp billing\n";
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	assert_int_equal(pk_expect_list_new(&l, NULL), PK_OK);
	assert_int_equal(pk_expect_load(l, path, &err), PK_OK);
	assert_int_equal(pk_expect_count(l), 1);
	char origin[64];
	snprintf(origin, sizeof origin, "%s:1", path);
	assert_string_equal(pk_expect_get(l, 0)->origin, origin);
	unlink(path);
	/* A file that is not there: the error names it. */
	assert_int_equal(pk_expect_load(l, path, &err), PK_NOTFOUND);
	assert_non_null(strstr(err.message, path));
	pk_expect_list_free(l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_add),
		cmocka_unit_test(test_add_bad),
		cmocka_unit_test(test_config),
		cmocka_unit_test(test_config_bad),
		cmocka_unit_test(test_config_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
