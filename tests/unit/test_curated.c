/* test_curated.c - names people type: the curated alias table, "did you
 * mean" suggestions, and searches that rank a curated target first. */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "portkit.h"

static const char services[] =
	"domain 53/tcp # Domain Name Server\n"
	"domain 53/udp # Domain Name Server\n"
	"ms-wbt-server 3389/tcp # MS WBT Server\n"
	"dnsix 90/tcp # DNSIX Securit Attribute Token Map\n"
	"dns-llq 5352/tcp # DNS Long-Lived Queries\n"
	"nss 159/tcp\n";

static pk_registry *reg_new(void)
{
	pk_registry *reg = NULL;

	assert_int_equal(pk_registry_import_mem(services, sizeof services - 1,
						PK_FORMAT_SERVICES, "t", &reg, NULL),
			 PK_OK);
	return reg;
}

static void test_table(void **state)
{
	(void)state;
	const pk_curated *c = pk_curated_alias("DNS");
	assert_non_null(c);
	assert_string_equal(c->name, "domain");
	assert_non_null(c->why);
	assert_string_equal(pk_curated_alias("rdp")->name, "ms-wbt-server");
	assert_string_equal(pk_curated_alias("vnc")->name, "rfb");
	assert_string_equal(pk_curated_alias("mongo")->name, "mongodb");
	assert_null(pk_curated_alias("domain"));
	assert_null(pk_curated_alias(NULL));
}

static void test_lookup_and_suggest(void **state)
{
	pk_registry *reg = reg_new();
	pk_query *q;
	size_t n;

	(void)state;
	assert_int_equal(pk_query_parse("dns/udp", 0, &q, NULL), PK_OK);
	assert_int_equal(pk_query_run(reg, q, NULL), PK_OK);
	const pk_recid *ids = pk_query_records(q, &n);
	assert_int_equal(n, 1);
	pk_record r;
	assert_int_equal(pk_record_get(reg, ids[0], &r, NULL), PK_OK);
	assert_string_equal(r.name, "domain");
	assert_string_equal(pk_query_curated(q)->typed, "dns");
	assert_int_equal(pk_query_suggestion_count(q), 0);
	pk_query_free(q);

	/* A miss: close names, closest first, then by name. */
	assert_int_equal(pk_query_parse("dnss", 0, &q, NULL), PK_OK);
	assert_int_equal(pk_query_run(reg, q, NULL), PK_OK);
	assert_false(pk_query_found(q));
	assert_null(pk_query_curated(q));
	assert_int_equal(pk_query_suggestion_count(q), 2);
	assert_string_equal(pk_query_suggestion(q, 0), "dns");
	assert_string_equal(pk_query_suggestion(q, 1), "nss");
	assert_null(pk_query_suggestion(q, 2));
	pk_query_free(q);

	const char *out[4];
	assert_int_equal(pk_suggest_names(reg, "domian", out, 4), 1);
	assert_string_equal(out[0], "domain");
	assert_int_equal(pk_suggest_names(reg, "zzzzzz", out, 4), 0);
	pk_registry_close(reg);
}

static void test_search(void **state)
{
	pk_registry *reg = reg_new();
	const char *dns[] = { "dns" };
	const char *rd[] = { "remote", "desktop" };
	pk_query *q;
	size_t n;
	pk_record r;

	(void)state;
	assert_int_equal(pk_query_parse_words(dns, 1, 0, &q, NULL), PK_OK);
	assert_int_equal(pk_query_run(reg, q, NULL), PK_OK);
	const pk_recid *ids = pk_query_records(q, &n);
	/* domain/tcp, domain/udp, then dnsix and dns-llq, each once. */
	assert_int_equal(n, 4);
	assert_int_equal(pk_record_get(reg, ids[0], &r, NULL), PK_OK);
	assert_string_equal(r.name, "domain");
	assert_int_equal(pk_record_get(reg, ids[1], &r, NULL), PK_OK);
	assert_string_equal(r.name, "domain");
	pk_query_free(q);

	assert_int_equal(pk_query_parse_words(rd, 2, 0, &q, NULL), PK_OK);
	assert_int_equal(pk_query_run(reg, q, NULL), PK_OK);
	ids = pk_query_records(q, &n);
	assert_int_equal(n, 1);
	assert_int_equal(pk_record_get(reg, ids[0], &r, NULL), PK_OK);
	assert_int_equal(r.port_lo, 3389);
	pk_query_free(q);
	pk_registry_close(reg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_lookup_and_suggest),
		cmocka_unit_test(test_search),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
