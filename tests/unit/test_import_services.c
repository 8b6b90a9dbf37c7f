/* test_import_services.c - services(5) files: tests/data/import/services,
 * the origin variant mkindex uses, and malformed lines. */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "helper_import.h"
#include "helper_regfix.h"
#include "registry/registry_internal.h"

static void test_fixture(void **state)
{
	pk_registry *reg = imp_fixture("services", PK_FORMAT_AUTO);
	pk_registry_info info;
	pk_recid ids[8];
	pk_record r;

	(void)state;
	pk_registry_get_info(reg, &info);
	assert_int_equal(info.records, 15);
	assert_string_equal(info.source, "services(5)");
	assert_int_equal(info.flags, PK_REGFLAG_RANGES);

	r = imp_get(reg, "tcpmux", PK_PROTO_TCP, 1);
	assert_string_equal(r.description, "TCP port service multiplexer");
	assert_int_equal(r.origin, PK_ORIGIN_SERVICES);
	assert_int_equal(r.kind, PK_KIND_ASSIGNED);
	assert_int_equal(r.alias_count, 0);
	assert_string_equal(imp_get(reg, "echo", PK_PROTO_UDP, 7).description, "");

	/* 9/tcp/udp/sctp: one record per transport, each with the aliases. */
	for (pk_proto p = PK_PROTO_TCP; p <= PK_PROTO_SCTP; p++) {
		r = imp_get(reg, "discard", p, 9);
		assert_string_equal(imp_aliases(reg, r.id), "sink null");
		assert_string_equal(r.description, "merged form of some distributions");
	}
	assert_int_equal(imp_count(reg, "discard", PK_PROTO_DCCP, 9), 0);

	r = imp_get(reg, "http", PK_PROTO_TCP, 80);
	assert_string_equal(imp_aliases(reg, r.id), "www www-http");
	assert_string_equal(r.description, "WorldWideWeb HTTP");
	assert_int_equal(pk_lookup_name(reg, "WWW", PK_PROTOMASK_ANY, ids, 8), 1);
	assert_int_equal(ids[0], r.id);

	/* CRLF line ends leave no CR behind. */
	r = imp_get(reg, "kerberos", PK_PROTO_UDP, 88);
	assert_string_equal(r.description, "Kerberos v5");
	assert_string_equal(imp_aliases(reg, r.id), "kerberos5 krb5 kerberos-sec");
	assert_int_equal(pk_lookup_name(reg, "krb5", PK_PROTOMASK_ANY, ids, 8), 2);
	assert_int_equal(imp_count(reg, "domain", PK_PROTO_UDP, 53), 1);

	assert_string_equal(imp_get(reg, "sql*net", PK_PROTO_TCP, 66).description,
			    "historic name, kept as written");
	assert_string_equal(imp_aliases(reg, imp_get(reg, "z39.50", PK_PROTO_TCP, 210).id),
			    "z3950 wais");

	/* portkit extensions: a range, and no transport. */
	r = imp_get(reg, "x11", PK_PROTO_TCP, 6000);
	assert_int_equal(r.port_hi, 6063);
	assert_string_equal(imp_aliases(reg, r.id), "x11-0");
	r = imp_get(reg, "vrml-multi-use", PK_PROTO_NONE, 4200);
	assert_int_equal(r.port_hi, 4299);
	assert_string_equal(r.description, "portkit extension: no transport");

	/* Leading zeros; an empty comment is no description. */
	assert_string_equal(imp_get(reg, "nameonly", PK_PROTO_DCCP, 80).description, "");
	assert_int_equal(pk_lookup_name(reg, "commented-out", PK_PROTOMASK_ANY, NULL, 0), 0);
	pk_registry_close(reg);
}

/* pk__import_services_ex gives the records the origin asked for. */
static void test_origin(void **state)
{
	static const char text[] = "grafana 3000/tcp # Grafana web UI\n";
	pk_builder *b = pk__builder_new();
	pk_registry *reg;
	pk_registry_info info;
	pk_error err;
	pk_record r;

	(void)state;
	assert_non_null(b);
	assert_int_equal(pk__import_services_ex(b, text, sizeof text - 1, "unofficial",
					       PK_ORIGIN_UNOFFICIAL, &err),
			 PK_OK);
	reg = regfix_open(b); /* fails the test unless it compiles and opens */
	pk_registry_get_info(reg, &info);
	assert_int_equal(info.flags, PK_REGFLAG_UNOFFICIAL);
	assert_int_equal(pk_record_get(reg, 0, &r, NULL), PK_OK);
	assert_int_equal(r.origin, PK_ORIGIN_UNOFFICIAL);
	assert_string_equal(r.description, "Grafana web UI");
	pk_registry_close(reg);
	pk__builder_free(b);
}

static void test_malformed(void **state)
{
	(void)state;
	IMP_BAD("", PK_FORMAT_SERVICES, PK_PARSE,
		"bad:1: no entries (expected lines NAME PORT/PROTO [ALIASES...])");
	IMP_BAD("# only\n# comments\n", PK_FORMAT_SERVICES, PK_PARSE,
		"bad:2: no entries (expected lines NAME PORT/PROTO [ALIASES...])");
	IMP_BAD("echo 7/tcp\nhttp\n", PK_FORMAT_SERVICES, PK_PARSE,
		"bad:2: 'http' has no port (expected NAME PORT/PROTO [ALIASES...])");
	IMP_BAD("http 70000/tcp", PK_FORMAT_SERVICES, PK_PARSE,
		"bad:1: invalid port '70000/tcp' (expected PORT/PROTO: a port 0-65535 or a range LO-HI, and tcp, udp, sctp or dccp)");
	IMP_BAD("\n\nhttp 80-70/tcp", PK_FORMAT_SERVICES, PK_PARSE,
		"bad:3: invalid port '80-70/tcp' (expected PORT/PROTO: a port 0-65535 or a range LO-HI, and tcp, udp, sctp or dccp)");
	IMP_BAD("http 80/xyz", PK_FORMAT_SERVICES, PK_PARSE,
		"bad:1: invalid port '80/xyz' (expected PORT/PROTO: a port 0-65535 or a range LO-HI, and tcp, udp, sctp or dccp)");
	/* AppleTalk entries (Debian netbase) are skipped, not errors, so a
	 * file of only those has no entries; a bad port stays an error. */
	IMP_BAD("rtmp 1/ddp\nnbp 2/ddp\n", PK_FORMAT_SERVICES, PK_PARSE,
		"bad:2: no entries (expected lines NAME PORT/PROTO [ALIASES...])");
	IMP_BAD("rtmp 70000/ddp", PK_FORMAT_SERVICES, PK_PARSE,
		"bad:1: invalid port '70000/ddp' (expected PORT/PROTO: a port 0-65535 or a range LO-HI, and tcp, udp, sctp or dccp)");
	IMP_BAD("http tcp/80", PK_FORMAT_SERVICES, PK_PARSE,
		"bad:1: invalid port 'tcp/80' (expected PORT/PROTO: a port 0-65535 or a range LO-HI, and tcp, udp, sctp or dccp)");
	IMP_BAD("http 80/tcp w\x01w", PK_FORMAT_SERVICES, PK_PARSE,
		"bad:1: invalid alias 'w\\x01w' (expected printable ASCII)");
	IMP_BAD("echo 7/tcp\n\xc3\xa9" "cho 7/udp\n", PK_FORMAT_SERVICES, PK_PARSE,
		"bad:2: invalid service name '\\xc3\\xa9cho' (expected printable ASCII)");
	IMP_BAD("echo 7/tcp\r\nbad\xff 1/tcp\n", PK_FORMAT_SERVICES, PK_PARSE,
		"bad:2: byte 0xff is not UTF-8 text");
	IMP_BAD("\x7f" "ELF\x02\x01\x01\x00\x00", PK_FORMAT_SERVICES, PK_PARSE,
		"bad:1: byte 0x00 is not UTF-8 text");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixture),
		cmocka_unit_test(test_origin),
		cmocka_unit_test(test_malformed),
	};

	return cmocka_run_group_tests_name("import_services", tests, NULL, NULL);
}
