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
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
