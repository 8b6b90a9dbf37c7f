/* test_facts.c - the facts file (pk__facts_parse), its merge with a
 * one-name-per-port registry (pk__facts_merge), and registry ages
 * (pk_date_days, pk_registry_age_days). */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "helper_import.h"
#include "registry/registry_internal.h"

/* A miniature of the real case: npm keeps one name per port and
 * transport (the historic whois++, www-http), has no ranges, no records
 * without a transport and no port-less names; 5543/tcp was renamed after
 * the facts' registry. */
static const char npm[] =
	"{\n"
	" \"42/tcp\": [\"nameserver\", \"Host Name Server\"],\n"
	" \"63/tcp\": [\"whois++\", \"whois++\"],\n"
	" \"80/tcp\": [\"www-http\", \"World Wide Web HTTP\"],\n"
	" \"81/tcp\": [\"\", \"Unassigned\"],\n"
	" \"3000/tcp\": [\"remoteware-cl\", \"RemoteWare Client\"],\n"
	" \"5543/tcp\": [\"qftest-lic-mcp\", \"QF-Test MCP\"],\n"
	" \"7000/tcp\": [\"npmonly\", \"Only in npm\"]\n"
	"}\n";

static const char facts[] =
	"# a comment\n"
	"%updated\t2026-08-17\n"
	"#name\tports\ttransport\tkind\thistoric_alias_of\ttext_group\n"
	"name\t42\ttcp\tassigned\t-\tname\n"
	"nameserver\t42\ttcp\tassigned\t-\tname\n"
	"whois++\t63\ttcp\tassigned\twhoispp\t-\n"
	"whoispp\t63\ttcp\tassigned\t-\t-\n"
	"http\t80\ttcp\tassigned\t-\thttp\n"
	"www-http\t80\ttcp\tassigned\t-\thttp\n"
	"-\t81\ttcp\tunassigned\t-\t-\n"
	"-\t81\t-\tunassigned\t-\t-\n"
	"hbci\t3000\ttcp\tassigned\t-\t-\n"
	"remoteware-cl\t3000\ttcp\tassigned\t-\t-\n"
	"qftest-licserve\t5543\ttcp\tassigned\t-\t-\n"
	"boe-cms\t6400\t-\tassigned\t-\t-\n"
	"x11\t6000-6063\ttcp\tassigned\t-\t-\n"
	"-\t49151\t-\treserved\t-\t-\n"
	"1password\t-\t-\tassigned\t-\t-\n";

static pk_registry *npm_registry(void)
{
	return imp_import(npm, strlen(npm), PK_FORMAT_NPM_JSON, "npm.json");
}

/* Merges facts over npm (newer or not) into a registry. */
static pk_registry *merged(bool npm_newer, pk_facts_stats *stats)
{
	pk_registry *base = npm_registry();
	pk_facts *fs = NULL;
	pk_builder *b = pk__builder_new();
	pk_registry *reg = NULL;
	void *idx = NULL;
	size_t len = 0;
	pk_error err;

	assert_int_equal(pk__facts_parse(facts, strlen(facts), "facts.tsv", &fs, &err), PK_OK);
	assert_string_equal(pk__facts_updated(fs), "2026-08-17");
	assert_int_equal(pk__facts_count(fs), 15);
	assert_int_equal(pk__facts_merge(b, fs, base, npm_newer, stats, &err), PK_OK);
	assert_int_equal(pk__builder_finish(b, &idx, &len, &err), PK_OK);
	assert_int_equal(pk__registry_from_index(idx, len, PK_MEM_HEAP, false, "m", &reg, &err), PK_OK);
	pk__facts_free(fs);
	pk__builder_free(b);
	pk_registry_close(base);
	return reg;
}

static void test_merge_npm_newer(void **state)
{
	pk_facts_stats st;
	pk_registry *reg = merged(true, &st);
	pk_record r;

	(void)state;
	/* Paired: nameserver, whois++, www-http, 81/tcp, remoteware-cl. */
	assert_int_equal(st.paired, 5);
	/* Restored: name, whoispp, http, 81 (none), hbci, boe-cms, x11,
	 * 49151, 1password; qftest-licserve is replaced. */
	assert_int_equal(st.restored, 9);
	assert_int_equal(st.borrowed, 3); /* name, whoispp, http */
	assert_int_equal(st.replaced, 1);
	assert_int_equal(st.base_only, 2); /* qftest-lic-mcp, npmonly */
	assert_int_equal(st.newer, 1);
	assert_int_equal(st.dropped, 0);

	/* Same text: borrowed from the same-text name npm has. */
	r = imp_get(reg, "name", PK_PROTO_TCP, 42);
	assert_string_equal(r.description, "Host Name Server");
	assert_true(r.flags & PK_RECFLAG_FACTS);
	r = imp_get(reg, "nameserver", PK_PROTO_TCP, 42);
	assert_false(r.flags & PK_RECFLAG_FACTS);
	assert_string_equal(imp_get(reg, "http", PK_PROTO_TCP, 80).description,
			    "World Wide Web HTTP");
	/* A historic alias: marked, and its text lent to the current name. */
	r = imp_get(reg, "whois++", PK_PROTO_TCP, 63);
	assert_true(r.flags & PK_RECFLAG_HISTORIC);
	assert_string_equal(r.alias_of, "whoispp");
	r = imp_get(reg, "whoispp", PK_PROTO_TCP, 63);
	assert_false(r.flags & PK_RECFLAG_HISTORIC);
	assert_string_equal(r.description, "whois++");
	/* Different text: none borrowed. */
	r = imp_get(reg, "hbci", PK_PROTO_TCP, 3000);
	assert_string_equal(r.description, "");
	/* No transport, ranges, Reserved, port-less names. */
	assert_int_equal(imp_get(reg, "boe-cms", PK_PROTO_NONE, 6400).kind, PK_KIND_ASSIGNED);
	r = imp_get(reg, "x11", PK_PROTO_TCP, 6000);
	assert_int_equal(r.port_hi, 6063);
	assert_int_equal(imp_get(reg, NULL, PK_PROTO_NONE, 49151).kind, PK_KIND_RESERVED);
	r = imp_get(reg, "1password", PK_PROTO_NONE, -1);
	assert_false(r.has_port);
	/* The nameless 81/tcp is npm's record (its text), 81/none the facts'. */
	assert_string_equal(imp_get(reg, NULL, PK_PROTO_TCP, 81).description, "Unassigned");
	assert_int_equal(imp_get(reg, NULL, PK_PROTO_NONE, 81).kind, PK_KIND_UNASSIGNED);
	/* The newer npm wins 5543/tcp whole. */
	assert_int_equal(imp_count(reg, "qftest-licserve", PK_PROTO_TCP, 5543), 0);
	r = imp_get(reg, "qftest-lic-mcp", PK_PROTO_TCP, 5543);
	assert_true(r.flags & PK_RECFLAG_NEWER);
	/* npm's own record where the facts say nothing: kept, unmarked. */
	r = imp_get(reg, "npmonly", PK_PROTO_TCP, 7000);
	assert_int_equal(r.flags, 0);
	assert_int_equal(pk_registry_count(reg), 16);
	pk_registry_close(reg);
}

static void test_merge_facts_newer(void **state)
{
	pk_facts_stats st;
	pk_registry *reg = merged(false, &st);

	(void)state;
	/* Newer facts: their 5543/tcp wins, npm's is left out. */
	assert_int_equal(st.replaced, 0);
	assert_int_equal(st.dropped, 1);
	assert_int_equal(imp_count(reg, "qftest-lic-mcp", PK_PROTO_TCP, 5543), 0);
	assert_true(imp_get(reg, "qftest-licserve", PK_PROTO_TCP, 5543).flags & PK_RECFLAG_FACTS);
	assert_int_equal(imp_count(reg, "npmonly", PK_PROTO_TCP, 7000), 1);
	pk_registry_close(reg);
}

static void test_merge_without_base(void **state)
{
	pk_facts *fs = NULL;
	pk_builder *b = pk__builder_new();
	pk_facts_stats st;
	pk_error err;

	(void)state;
	assert_int_equal(pk__facts_parse(facts, strlen(facts), "facts.tsv", &fs, &err), PK_OK);
	assert_int_equal(pk__facts_merge(b, fs, NULL, true, &st, &err), PK_OK);
	assert_int_equal(st.restored, 15);
	assert_int_equal(st.borrowed, 0);
	assert_int_equal(pk__builder_count(b), 15);
	pk__facts_free(fs);
	pk__builder_free(b);
}

static void expect_parse_error_n(const char *text, size_t len, const char *message)
{
	pk_facts *fs = (pk_facts *)1;
	pk_error err;

	assert_int_equal(pk__facts_parse(text, len, "f.tsv", &fs, &err), PK_PARSE);
	assert_null(fs);
	assert_string_equal(err.message, message);
}

static void expect_parse_error(const char *text, const char *message)
{
	expect_parse_error_n(text, strlen(text), message);
}

static void test_parse_errors(void **state)
{
	(void)state;
	expect_parse_error("%updated\t2026-08-17\nx\t1\ttcp\tassigned\t-\n",
			   "f.tsv:2: 5 fields (expected 6: name, ports, transport, kind, historic_alias_of, text_group)");
	expect_parse_error("%updated\t2026-08-17\nx\t1\ttcp\tassigned\t-\t-\t-\n",
			   "f.tsv:2: 7 fields (expected 6: name, ports, transport, kind, historic_alias_of, text_group)");
	expect_parse_error("%updated\t2026-08-17\nx  y\t1\ttcp\tassigned\t-\t-\n",
			   "f.tsv:2: invalid name 'x  y' (expected printable ASCII, blanks only single and inside, or -)");
	expect_parse_error("%updated\t2026-08-17\nx\t70000\ttcp\tassigned\t-\t-\n",
			   "f.tsv:2: invalid ports '70000' (expected PORT, LO-HI or -)");
	expect_parse_error("%updated\t2026-08-17\nx\t9-1\ttcp\tassigned\t-\t-\n",
			   "f.tsv:2: invalid ports '9-1' (expected PORT, LO-HI or -)");
	expect_parse_error("%updated\t2026-08-17\nx\t1/tcp\ttcp\tassigned\t-\t-\n",
			   "f.tsv:2: invalid ports '1/tcp' (expected PORT, LO-HI or -)");
	expect_parse_error("%updated\t2026-08-17\nx\t1\tquic\tassigned\t-\t-\n",
			   "f.tsv:2: invalid transport 'quic' (expected tcp, udp, sctp, dccp or -)");
	expect_parse_error("%updated\t2026-08-17\nx\t1\ttcp\ttaken\t-\t-\n",
			   "f.tsv:2: invalid kind 'taken' (expected assigned, reserved, unassigned, deregistered or other)");
	expect_parse_error("%updated\t2026-13-01\n",
			   "f.tsv:1: invalid date (expected %updated<TAB>YYYY-MM-DD)");
	expect_parse_error("x\t1\ttcp\tassigned\t-\t-\n",
			   "f.tsv:1: no %updated line (expected %updated<TAB>YYYY-MM-DD: the registry's date)");
	expect_parse_error("%updated\t2026-08-17\n# nothing\n", "f.tsv:3: no records");
	static const char nul[] = "%updated\t2026-08-17\nx\0\t1\n";
	expect_parse_error_n(nul, sizeof nul - 1, "f.tsv:2: a NUL byte (expected the text of data/iana-facts.tsv)");
}

static void test_parse_nul_and_size(void **state)
{
	pk_facts *fs = NULL;
	pk_error err;
	static const char text[] = "%updated\t2026-08-17\nx\t1\ttcp\tassigned\t*\t-";

	(void)state;
	/* No final newline; "*" is a historic alias whose target is unknown. */
	assert_int_equal(pk__facts_parse(text, sizeof text - 1, "f.tsv", &fs, &err), PK_OK);
	assert_int_equal(pk__facts_count(fs), 1);
	pk_builder *b = pk__builder_new();
	assert_int_equal(pk__facts_merge(b, fs, NULL, false, NULL, &err), PK_OK);
	pk__builder_free(b);
	pk__facts_free(fs);
	pk__facts_free(NULL);
}

static void test_dates(void **state)
{
	int64_t d;
	pk_error err;

	(void)state;
	assert_int_equal(pk_date_days("1970-01-01", &d, NULL), PK_OK);
	assert_int_equal(d, 0);
	assert_int_equal(pk_date_days("2000-03-01", &d, NULL), PK_OK);
	assert_int_equal(d, 11017);
	assert_int_equal(pk_date_days("2024-02-29", &d, NULL), PK_OK);
	assert_int_equal(d, 19782);
	assert_int_equal(pk_date_days("2026-08", &d, NULL), PK_OK);
	assert_int_equal(d, 20666); /* 2026-08-01 */
	assert_int_equal(pk_date_days("2025-02-29", &d, &err), PK_INVAL);
	assert_string_equal(err.message, "'2025-02-29' is not a date (expected YYYY-MM-DD)");
	assert_int_equal(pk_date_days("2026-00-10", &d, NULL), PK_INVAL);
	assert_int_equal(pk_date_days("2026-1-10", &d, NULL), PK_INVAL);
	assert_int_equal(pk_date_days("", &d, NULL), PK_INVAL);
	assert_int_equal(pk_date_days(NULL, &d, NULL), PK_INVAL);
}

static void test_registry_age(void **state)
{
	pk_registry *reg = npm_registry(); /* no date */
	int64_t days;
	pk_error err;

	(void)state;
	assert_int_equal(pk_registry_age_days(reg, 0, &days, &err), PK_NOTFOUND);
	pk_registry_close(reg);

	pk_registry *fx = imp_fixture("registry.xml", PK_FORMAT_XML);
	pk_registry_info info;
	int64_t then;
	pk_registry_get_info(fx, &info);
	assert_int_equal(pk_date_days(info.updated, &then, NULL), PK_OK);
	/* The same day (any second of it), a day later, a day before. */
	assert_int_equal(pk_registry_age_days(fx, then * 86400 + 86399, &days, NULL), PK_OK);
	assert_int_equal(days, 0);
	assert_int_equal(pk_registry_age_days(fx, (then + 181) * 86400, &days, NULL), PK_OK);
	assert_int_equal(days, 181);
	assert_true(days > PK_REGISTRY_OLD_DAYS);
	assert_int_equal(pk_registry_age_days(fx, (then - 1) * 86400, &days, NULL), PK_OK);
	assert_int_equal(days, -1);
	pk_registry_close(fx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_merge_npm_newer),
		cmocka_unit_test(test_merge_facts_newer),
		cmocka_unit_test(test_merge_without_base),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_parse_nul_and_size),
		cmocka_unit_test(test_dates),
		cmocka_unit_test(test_registry_age),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
