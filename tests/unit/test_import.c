/* test_import.c - the dispatcher: format names, detection from the first
 * bytes, and formats that cannot be imported. */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "helper_import.h"
#include "registry/registry_internal.h"

static void test_format_names(void **state)
{
	static const struct {
		pk_format fmt;
		const char *name;
	} cases[] = {
		{ PK_FORMAT_AUTO, "auto" },	{ PK_FORMAT_XML, "xml" },
		{ PK_FORMAT_CSV, "csv" },	{ PK_FORMAT_SERVICES, "services" },
		{ PK_FORMAT_NPM_JSON, "npm-json" }, { PK_FORMAT_INDEX, "index" },
	};
	pk_format f;

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		assert_string_equal(pk_format_name(cases[i].fmt), cases[i].name);
		assert_int_equal(pk_format_parse(cases[i].name, &f, NULL), PK_OK);
		assert_int_equal(f, cases[i].fmt);
	}
	assert_int_equal(pk_format_parse("XML", &f, NULL), PK_OK);
	assert_int_equal(f, PK_FORMAT_XML);
	assert_int_equal(pk_format_parse("json", &f, NULL), PK_INVAL);
	assert_int_equal(pk_format_parse("", &f, NULL), PK_INVAL);
	assert_int_equal(pk_format_parse(NULL, &f, NULL), PK_INVAL);
	assert_string_equal(pk_format_name((pk_format)99), "?");
}

#define DETECT(s) pk_format_detect((s), sizeof(s) - 1)

static void test_detect(void **state)
{
	static const char *const fixtures[] = { "registry.xml", "registry.csv",
						"registry-old.csv", "services",
						"npm.json" };
	static const pk_format want[] = { PK_FORMAT_XML, PK_FORMAT_CSV,
					  PK_FORMAT_CSV, PK_FORMAT_SERVICES,
					  PK_FORMAT_NPM_JSON };

	(void)state;
	for (size_t i = 0; i < sizeof fixtures / sizeof fixtures[0]; i++) {
		size_t len;
		char *data = imp_read(fixtures[i], &len);
		assert_int_equal(pk_format_detect(data, len), want[i]);
		free(data);
	}
	assert_int_equal(DETECT("<?xml version='1.0'?><registry/>"), PK_FORMAT_XML);
	assert_int_equal(DETECT("\xef\xbb\xbf\r\n  <registry>"), PK_FORMAT_XML);
	assert_int_equal(DETECT("<!-- a comment first --><registry/>"), PK_FORMAT_XML);
	assert_int_equal(DETECT("\xef\xbb\xbf" "Service Name,Port Number"), PK_FORMAT_CSV);
	assert_int_equal(DETECT("service name,port number"), PK_FORMAT_CSV);
	assert_int_equal(DETECT("\"Service Name\",\"Port Number\""), PK_FORMAT_CSV);
	assert_int_equal(DETECT("\n\t{\"80/tcp\": [\"http\", \"x\"]}"), PK_FORMAT_NPM_JSON);
	assert_int_equal(DETECT("http 80/tcp"), PK_FORMAT_SERVICES);
	assert_int_equal(DETECT("Service Name 1/tcp"), PK_FORMAT_SERVICES);
	assert_int_equal(DETECT(""), PK_FORMAT_SERVICES);
	assert_int_equal(pk_format_detect(NULL, 0), PK_FORMAT_SERVICES);
}

static void test_not_importable(void **state)
{
	pk_builder *b = pk__builder_new();
	pk_error err;

	(void)state;
	assert_non_null(b);
	assert_int_equal(pk__import(b, PK_FORMAT_INDEX, "PKIX", 4, "x.idx", &err),
			 PK_UNSUPPORTED);
	assert_string_equal(err.message,
			    "x.idx: a compiled index is not a source to import (expected xml, csv, services, npm-json or nmap-services; open an index with pk_registry_open_file)");
	assert_int_equal(pk__import(b, (pk_format)42, "", 0, "x", &err), PK_INVAL);
	assert_string_equal(err.message,
			    "x: unknown format 42 (expected xml, csv, services, npm-json or nmap-services)");
	assert_int_equal(pk__builder_count(b), 0);
	/* AUTO dispatches on content: a services line. */
	assert_int_equal(pk__import(b, PK_FORMAT_AUTO, "echo 7/tcp\n", 11, "s", &err),
			 PK_OK);
	assert_int_equal(pk__builder_count(b), 1);
	pk__builder_free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format_names),
		cmocka_unit_test(test_detect),
		cmocka_unit_test(test_not_importable),
	};

	return cmocka_run_group_tests_name("import", tests, NULL, NULL);
}
