/* test_import_report.c - imports with a report: warnings kept with
 * file:line (at most PK_IMPORT_WARNINGS_KEPT, all counted), skipped lines,
 * merged duplicates, non-conforming names, --strict; gzip; and the check
 * before replacing the registry in use. */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <cmocka.h>

#include "portkit.h"

static pk_registry *import_rep(const char *s, size_t len, pk_format fmt,
			       pk_import_report *rep, pk_status want)
{
	pk_registry *reg = NULL;
	pk_error err;

	assert_int_equal(pk_registry_import_mem_ex(s, len, fmt, "t", rep, &reg,
						   &err), want);
	return reg;
}

static void test_warnings_and_counts(void **state)
{
	static const char text[] =
		"echo 7/tcp\n"
		"bad 80/xyz\n"
		"echo 7/tcp\n"
		"sql*net 66/tcp # Oracle\n";
	pk_import_report *rep;
	const char *file;
	unsigned long line;

	(void)state;
	assert_int_equal(pk_import_report_new(0, &rep, NULL), PK_OK);
	pk_registry *reg = import_rep(text, sizeof text - 1, PK_FORMAT_SERVICES,
				      rep, PK_OK);
	assert_int_equal(pk_registry_count(reg), 2);
	assert_int_equal(pk_import_report_count(rep, PK_IMPORT_WARNINGS), 1);
	assert_int_equal(pk_import_report_count(rep, PK_IMPORT_SKIPPED), 1);
	assert_int_equal(pk_import_report_count(rep, PK_IMPORT_DUPLICATES), 1);
	assert_int_equal(pk_import_report_count(rep, PK_IMPORT_NONCONFORMING), 1);
	assert_int_equal(pk_import_report_kept(rep), 1);
	assert_string_equal(pk_import_report_warning(rep, 0, &file, &line),
			    "invalid port '80/xyz' (expected PORT/PROTO: a port 0-65535 or a range LO-HI, and tcp, udp, sctp or dccp); line skipped");
	assert_string_equal(file, "t");
	assert_int_equal(line, 2);
	assert_null(pk_import_report_warning(rep, 1, NULL, NULL));
	pk_recid id;
	assert_int_equal(pk_lookup_name(reg, "sql*net", 0, &id, 1), 1);
	pk_record r;
	assert_int_equal(pk_record_get(reg, id, &r, NULL), PK_OK);
	assert_int_equal(r.flags, PK_RECFLAG_NONCONFORMING);
	pk_registry_close(reg);
	pk_import_report_free(rep);

	/* Strict, or no report: the first warning is the error. */
	pk_error err;
	assert_int_equal(pk_import_report_new(PK_IMPORT_STRICT, &rep, NULL), PK_OK);
	reg = NULL;
	assert_int_equal(pk_registry_import_mem_ex(text, sizeof text - 1,
						   PK_FORMAT_SERVICES, "t", rep,
						   &reg, &err), PK_PARSE);
	assert_null(reg);
	assert_string_equal(err.message, "t:2: invalid port '80/xyz' (expected PORT/PROTO: a port 0-65535 or a range LO-HI, and tcp, udp, sctp or dccp)");
	pk_import_report_free(rep);
	assert_int_equal(pk_registry_import_mem(text, sizeof text - 1,
						PK_FORMAT_SERVICES, "t", &reg,
						&err), PK_PARSE);
	pk_import_report_free(NULL);
}

static void test_warnings_kept_are_bounded(void **state)
{
	pk_import_report *rep;
	char *text = malloc(300 * 16 + 32);
	size_t len = 0;

	(void)state;
	assert_non_null(text);
	for (int i = 0; i < 300; i++)
		len += (size_t)sprintf(text + len, "x%d 1/xyz\n", i);
	len += (size_t)sprintf(text + len, "ok 1/tcp\n");
	assert_int_equal(pk_import_report_new(0, &rep, NULL), PK_OK);
	pk_registry *reg = import_rep(text, len, PK_FORMAT_SERVICES, rep, PK_OK);
	assert_int_equal(pk_registry_count(reg), 1);
	assert_int_equal(pk_import_report_count(rep, PK_IMPORT_WARNINGS), 300);
	assert_int_equal(pk_import_report_kept(rep), PK_IMPORT_WARNINGS_KEPT);
	unsigned long line;
	assert_non_null(pk_import_report_warning(rep, PK_IMPORT_WARNINGS_KEPT - 1,
						 NULL, &line));
	assert_int_equal(line, PK_IMPORT_WARNINGS_KEPT);
	pk_registry_close(reg);
	pk_import_report_free(rep);
	free(text);
}

static void test_gzip(void **state)
{
	static const char text[] = "echo 7/tcp\nssh 22/tcp\n";
	unsigned char gz[256];
	z_stream z;
	pk_error err;
	pk_registry *reg = NULL;

	(void)state;
	memset(&z, 0, sizeof z);
	assert_int_equal(deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 8,
				      Z_DEFAULT_STRATEGY), Z_OK);
	z.next_in = (unsigned char *)(uintptr_t)text;
	z.avail_in = sizeof text - 1;
	z.next_out = gz;
	z.avail_out = sizeof gz;
	assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
	size_t n = sizeof gz - z.avail_out;
	deflateEnd(&z);
	assert_int_equal(pk_registry_import_mem((const char *)gz, n,
						PK_FORMAT_AUTO, "t.gz", &reg,
						&err), PK_OK);
	assert_int_equal(pk_registry_count(reg), 2);
	pk_registry_close(reg);
	/* Cut short: an error naming the input, never services(5). */
	assert_int_equal(pk_registry_import_mem((const char *)gz, n - 10,
						PK_FORMAT_AUTO, "t.gz", &reg,
						&err), PK_PARSE);
	assert_non_null(strstr(err.message, "t.gz:1: truncated gzip data"));
	assert_int_equal(pk_registry_import_mem("BZh91AY&SY", 10, PK_FORMAT_AUTO,
						"t.bz2", &reg, &err),
			 PK_UNSUPPORTED);
	assert_string_equal(err.message, "t.bz2: bzip2-compressed data (expected a registry as text, or gzip; decompress it first)");
}

static void test_check_replace(void **state)
{
	static const char big[] = "a 1/tcp\nb 2/tcp\nc 3/tcp\nd 4/tcp\n";
	static const char small[] = "a 1/tcp\n";
	static const char half[] = "a 1/tcp\nb 2/tcp\n";
	pk_registry *b = NULL, *s = NULL, *h = NULL;
	pk_error err;

	(void)state;
	assert_int_equal(pk_registry_import_mem(big, sizeof big - 1, PK_FORMAT_SERVICES, "big", &b, NULL), PK_OK);
	assert_int_equal(pk_registry_import_mem(small, sizeof small - 1, PK_FORMAT_SERVICES, "small", &s, NULL), PK_OK);
	assert_int_equal(pk_registry_import_mem(half, sizeof half - 1, PK_FORMAT_SERVICES, "half", &h, NULL), PK_OK);
	assert_int_equal(pk_registry_check_replace(b, s, "small", &err), PK_REFUSED);
	assert_string_equal(err.message, "small has 1 records, fewer than half of the 4 of the registry it would replace (services(5))");
	/* Exactly half is not "far fewer". */
	assert_int_equal(pk_registry_check_replace(b, h, "half", &err), PK_OK);
	assert_int_equal(pk_registry_check_replace(s, b, "big", &err), PK_OK);
	assert_int_equal(pk_registry_check_replace(NULL, s, "small", &err), PK_OK);
	pk_registry_close(b);
	pk_registry_close(s);
	pk_registry_close(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_warnings_and_counts),
		cmocka_unit_test(test_warnings_kept_are_bounded),
		cmocka_unit_test(test_gzip),
		cmocka_unit_test(test_check_replace),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
