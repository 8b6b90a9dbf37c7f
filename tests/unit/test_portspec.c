/* test_portspec.c - the one port specification parser and port classes. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "portkit.h"

struct good_case {
	const char *in;
	uint16_t lo, hi;
	unsigned protos;
};

static const struct good_case good[] = {
	{ "0", 0, 0, 0 },
	{ "443", 443, 443, 0 },
	{ "65535", 65535, 65535, 0 },
	{ "00080", 80, 80, 0 },
	{ "0000000443", 443, 443, 0 },
	{ "6000-6063", 6000, 6063, 0 },
	{ "7-7", 7, 7, 0 },
	{ "53/udp", 53, 53, PK_PROTOMASK(PK_PROTO_UDP) },
	{ "53/UDP", 53, 53, PK_PROTOMASK(PK_PROTO_UDP) },
	{ "9/tcp/udp/sctp", 9, 9,
	  PK_PROTOMASK(PK_PROTO_TCP) | PK_PROTOMASK(PK_PROTO_UDP) |
		  PK_PROTOMASK(PK_PROTO_SCTP) },
	{ "1-2/tcp,dccp", 1, 2,
	  PK_PROTOMASK(PK_PROTO_TCP) | PK_PROTOMASK(PK_PROTO_DCCP) },
};

static void test_good(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		pk_portspec spec;
		pk_error err;
		pk_status st = pk_portspec_parse(good[i].in, &spec, &err);
		if (st != PK_OK)
			fail_msg("'%s' rejected: %s", good[i].in, err.message);
		assert_int_equal(spec.lo, good[i].lo);
		assert_int_equal(spec.hi, good[i].hi);
		assert_int_equal(spec.protos, good[i].protos);
	}
}

struct bad_case {
	const char *in;
	const char *message_part;
};

static const struct bad_case bad[] = {
	{ "70000", "invalid port '70000': expected 0-65535" },
	{ "65536", "expected 0-65535" },
	{ "-1", "invalid port '-1': expected 0-65535 or LO-HI (a port has no sign)" },
	{ "80-", "expected a range LO-HI" },
	{ "-80", "invalid port '-80': expected 0-65535 or LO-HI (a port has no sign)" },
	{ "80-70", "range is reversed" },
	{ "abc/tcp", "invalid port 'abc/tcp'" },
	{ "80/xyz", "invalid transport in '80/xyz'" },
	{ "80/", "invalid transport" },
	{ "80/tcp,", "invalid transport" },
	{ "", "empty" },
	{ " 80", "invalid port ' 80'" },
	{ "80 ", "invalid port '80 '" },
	{ "+80", "invalid port '+80'" },
	{ "8o", "invalid port" },
	{ "999999999999999999999", "invalid port" },
	{ "1-2-3", "expected a range" },
	{ "0x50", "invalid port" },
};

static void test_bad(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		pk_portspec spec;
		pk_error err;
		pk_status st = pk_portspec_parse(bad[i].in, &spec, &err);
		if (st != PK_INVAL)
			fail_msg("'%s' accepted or wrong status %d", bad[i].in,
				 (int)st);
		if (strstr(err.message, bad[i].message_part) == NULL)
			fail_msg("'%s': message '%s' lacks '%s'", bad[i].in,
				 err.message, bad[i].message_part);
	}
}

/* A 10 kB argument is rejected with a message of bounded length that still
 * shows the start of the input. */
static void test_huge_argument(void **state)
{
	static char big[10241];
	pk_portspec spec;
	pk_error err;

	(void)state;
	memset(big, '9', sizeof big - 1);
	assert_int_equal(pk_portspec_parse(big, &spec, &err), PK_INVAL);
	assert_true(strlen(err.message) < 120);
	assert_non_null(strstr(err.message, "'9999999999"));
	assert_non_null(strstr(err.message, "...'"));
}

static void test_binary_input_is_escaped(void **state)
{
	pk_portspec spec;
	pk_error err;

	(void)state;
	assert_int_equal(pk_portspec_parse("8\x01\xff", &spec, &err), PK_INVAL);
	assert_non_null(strstr(err.message, "8\\x01\\xff"));
}

static void test_port_parse(void **state)
{
	uint16_t port = 1;
	pk_error err;

	(void)state;
	assert_int_equal(pk_port_parse("0", &port, &err), PK_OK);
	assert_int_equal(port, 0);
	assert_int_equal(pk_port_parse("65535", &port, &err), PK_OK);
	assert_int_equal(port, 65535);
	assert_int_equal(pk_port_parse("80/tcp", &port, &err), PK_INVAL);
	assert_int_equal(pk_port_parse("1-2", &port, &err), PK_INVAL);
	assert_int_equal(pk_port_parse(NULL, &port, NULL), PK_INVAL);
}

static void test_classes(void **state)
{
	uint16_t lo, hi;

	(void)state;
	assert_int_equal(pk_port_class_of(0), PK_CLASS_SYSTEM);
	assert_int_equal(pk_port_class_of(1023), PK_CLASS_SYSTEM);
	assert_int_equal(pk_port_class_of(1024), PK_CLASS_USER);
	assert_int_equal(pk_port_class_of(49151), PK_CLASS_USER);
	assert_int_equal(pk_port_class_of(49152), PK_CLASS_DYNAMIC);
	assert_int_equal(pk_port_class_of(65535), PK_CLASS_DYNAMIC);
	assert_string_equal(pk_port_class_name(PK_CLASS_DYNAMIC),
			    "Dynamic/Private");
	pk_port_class_bounds(PK_CLASS_USER, &lo, &hi);
	assert_int_equal(lo, 1024);
	assert_int_equal(hi, 49151);
}

static void test_proto_names(void **state)
{
	pk_proto p;

	(void)state;
	assert_string_equal(pk_proto_name(PK_PROTO_SCTP), "sctp");
	assert_string_equal(pk_proto_name(PK_PROTO_NONE), "");
	assert_int_equal(pk_proto_parse("DCCP", 4, &p, NULL), PK_OK);
	assert_int_equal(p, PK_PROTO_DCCP);
	assert_int_equal(pk_proto_parse("tcpx", 4, &p, NULL), PK_INVAL);
	assert_int_equal(pk_proto_parse("tc", 2, &p, NULL), PK_INVAL);
}

static void test_status_strings(void **state)
{
	(void)state;
	assert_string_equal(pk_status_name(PK_NOMEM), "PK_NOMEM");
	assert_string_equal(pk_strerror(PK_OK), "success");
	assert_string_equal(pk_strerror((pk_status)9999), "unknown status");
}

#define T PK_PROTOMASK(PK_PROTO_TCP)
#define U PK_PROTOMASK(PK_PROTO_UDP)

/* nmap-style lists: prefixes hold until the next one, an element's own
 * /PROTO wins, a transport after a '/' element continues it. */
static void test_portlist(void **state)
{
	static const struct {
		const char *in;
		size_t n;
		pk_portspec want[4];
	} cases[] = {
		{ "80", 1, { { 80, 80, 0 } } },
		{ "80,443,8000-8100", 3, { { 80, 80, 0 }, { 443, 443, 0 }, { 8000, 8100, 0 } } },
		{ "T:80,U:53", 2, { { 80, 80, T }, { 53, 53, U } } },
		{ "t:80,443,u:53,5353/tcp", 4,
		  { { 80, 80, T }, { 443, 443, T }, { 53, 53, U }, { 5353, 5353, T } } },
		{ "9/tcp,udp,7", 2, { { 9, 9, T | U }, { 7, 7, 0 } } },
	};
	static const char *const bad_lists[] = {
		"", ",", "80,", ",80", "80,,443", "80,70000", "X:80", "T:", "80,443-1",
		"T:U:80", "80;443",
	};
	static const char *const names[] = { "http", "80,abc", "9/tcp,www", "T:x", "a:80" };
	static const char *const lists[] = { "80,443", "T:80", "9/tcp,udp,7", "1-2,3" };

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		pk_portspec got[4];
		size_t n = 99;
		pk_error err;
		assert_int_equal(pk_portlist_parse(cases[i].in, got, 4, &n, &err), PK_OK);
		assert_int_equal(n, cases[i].n);
		for (size_t k = 0; k < n; k++) {
			assert_int_equal(got[k].lo, cases[i].want[k].lo);
			assert_int_equal(got[k].hi, cases[i].want[k].hi);
			assert_int_equal(got[k].protos, cases[i].want[k].protos);
		}
	}
	for (size_t i = 0; i < sizeof bad_lists / sizeof bad_lists[0]; i++) {
		size_t n = 99;
		pk_error err = { 0 };
		assert_int_equal(pk_portlist_parse(bad_lists[i], NULL, 0, &n, &err), PK_INVAL);
		assert_true(err.message[0] != '\0');
		assert_int_equal(n, 0);
	}
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		assert_false(pk_portlist_looks_like(names[i]));
	for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++)
		assert_true(pk_portlist_looks_like(lists[i]));
	/* The count is right even when the caller's array is smaller. */
	size_t n = 0;
	pk_portspec one;
	assert_int_equal(pk_portlist_parse("1,2,3", &one, 1, &n, NULL), PK_OK);
	assert_int_equal(n, 3);
	assert_int_equal(one.lo, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_huge_argument),
		cmocka_unit_test(test_binary_input_is_escaped),
		cmocka_unit_test(test_port_parse),
		cmocka_unit_test(test_classes),
		cmocka_unit_test(test_proto_names),
		cmocka_unit_test(test_status_strings),
		cmocka_unit_test(test_portlist),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
