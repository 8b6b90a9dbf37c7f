/* test_ranges.c - the table of OS ephemeral port range profiles. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "portkit.h"

/* The ranges each profile must give, written down independently of the
 * table (linux-2.4: the kernel source says 4999, see lib/ephemeral/ranges.c). */
static const struct {
	const char *id;
	unsigned lo, hi;
	bool common;
} expected[] = {
	{ "linux", 32768, 60999, true },
	{ "linux-old", 32768, 61000, false },
	{ "linux-2.4", 1024, 4999, false },
	{ "freebsd", 10000, 65535, true },
	{ "freebsd-4.6", 49152, 65535, false },
	{ "bsd", 1024, 5000, false },
	{ "netbsd", 49152, 65535, false },
	{ "openbsd", 1024, 49151, false },
	{ "macos", 49152, 65535, true },
	{ "windows", 49152, 65535, true },
	{ "windows-xp", 1025, 5000, false },
	{ "windows-exchange", 1025, 60000, false },
	{ "solaris", 32768, 65535, false },
	{ "aix", 32768, 65535, false },
	{ "iana", 49152, 65535, false },
	{ "rfc6056", 1024, 65535, false },
};
#define NEXPECTED (sizeof expected / sizeof expected[0])

static void test_every_profile_has_its_numbers(void **state)
{
	(void)state;
	for (size_t i = 0; i < NEXPECTED; i++) {
		const pk_os_profile *p = pk_os_profile_find(expected[i].id);
		if (p == NULL)
			fail_msg("profile '%s' missing", expected[i].id);
		assert_string_equal(p->id, expected[i].id);
		assert_int_equal(p->lo, expected[i].lo);
		assert_int_equal(p->hi, expected[i].hi);
		assert_int_equal(p->common, expected[i].common);
	}
}

static void test_table_is_well_formed(void **state)
{
	size_t n = 0;
	const pk_os_profile *t = pk_os_profiles(&n);

	(void)state;
	assert_non_null(t);
	assert_int_equal(n, NEXPECTED);
	assert_non_null(pk_os_profiles(NULL));
	for (size_t i = 0; i < n; i++) {
		assert_true(t[i].lo <= t[i].hi);
		assert_true(t[i].lo >= 1024); /* no profile hands out system ports */
		assert_true(strlen(t[i].id) > 0);
		assert_true(strlen(t[i].name) > 0);
		assert_true(strlen(t[i].source) > 10);
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(t[i].id, t[j].id);
		/* ids are lower case, stable, and shell-friendly */
		for (const char *c = t[i].id; *c != '\0'; c++)
			assert_true((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') ||
				    *c == '-' || *c == '.');
	}
}

static void test_common_set(void **state)
{
	size_t n = 0, common = 0;
	const pk_os_profile *t = pk_os_profiles(&n);

	(void)state;
	for (size_t i = 0; i < n; i++)
		common += t[i].common;
	/* linux, windows, macos, freebsd: what `portkit pick` avoids */
	assert_int_equal(common, 4);
}

static void test_find(void **state)
{
	(void)state;
	assert_ptr_equal(pk_os_profile_find("LINUX"), pk_os_profile_find("linux"));
	assert_ptr_equal(pk_os_profile_find("Windows-XP"), pk_os_profile_find("windows-xp"));
	assert_null(pk_os_profile_find("plan9"));
	assert_null(pk_os_profile_find(""));
	assert_null(pk_os_profile_find("linu"));
	assert_null(pk_os_profile_find(NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_profile_has_its_numbers),
		cmocka_unit_test(test_table_is_well_formed),
		cmocka_unit_test(test_common_set),
		cmocka_unit_test(test_find),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
