/* test_portset.c - port sets, the reserved-ports list syntax, and reading
 * a host's port settings from a fixture /proc tree. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "portkit.h"

static void test_add_contains_count(void **state)
{
	static pk_portset s;

	(void)state;
	pk_portset_clear(&s);
	assert_false(pk_portset_contains(&s, 0));
	pk_portset_add(&s, 0);
	pk_portset_add(&s, 65535);
	pk_portset_add_range(&s, 60, 130); /* crosses two word boundaries */
	assert_true(pk_portset_contains(&s, 0));
	assert_true(pk_portset_contains(&s, 65535));
	assert_true(pk_portset_contains(&s, 60));
	assert_true(pk_portset_contains(&s, 64));
	assert_true(pk_portset_contains(&s, 128));
	assert_true(pk_portset_contains(&s, 130));
	assert_false(pk_portset_contains(&s, 59));
	assert_false(pk_portset_contains(&s, 131));
	assert_int_equal(pk_portset_count(&s, 0, 65535), 71 + 2);
	assert_int_equal(pk_portset_count(&s, 61, 129), 69);
	assert_int_equal(pk_portset_count(&s, 200, 100), 0);
	pk_portset_remove(&s, 64);
	assert_false(pk_portset_contains(&s, 64));
	assert_int_equal(pk_portset_next(&s, 1), 60);
	assert_int_equal(pk_portset_next(&s, 64), 65);
	assert_int_equal(pk_portset_next(&s, 131), 65535);
	assert_int_equal(pk_portset_next(&s, 65536), -1);
	pk_portset_remove(&s, 65535);
	assert_int_equal(pk_portset_next(&s, 131), -1);
}

static void test_full_range(void **state)
{
	static pk_portset s;

	(void)state;
	pk_portset_clear(&s);
	pk_portset_add_range(&s, 0, 65535);
	assert_int_equal(pk_portset_count(&s, 0, 65535), 65536);
	char buf[32];
	assert_int_equal(pk_portset_format(&s, buf, sizeof buf), 7);
	assert_string_equal(buf, "0-65535");
}

static void test_parse_and_normalise(void **state)
{
	static pk_portset s;
	char buf[128];
	pk_error err;

	(void)state;
	pk_portset_clear(&s);
	/* Unsorted, overlapping and adjacent items, blanks and the newline
	 * the kernel prints. */
	assert_int_equal(pk_portset_parse(&s, "9000-9010, 8081,8080,9005-9020,9021\n",
					  &err), PK_OK);
	size_t need = pk_portset_format(&s, buf, sizeof buf);
	assert_string_equal(buf, "8080-8081,9000-9021");
	assert_int_equal(need, strlen("8080-8081,9000-9021"));
	/* Too small a buffer keeps whole items only and reports the need. */
	assert_int_equal(pk_portset_format(&s, buf, 12), need);
	assert_string_equal(buf, "8080-8081");
	pk_portset_clear(&s);
	assert_int_equal(pk_portset_parse(&s, "", &err), PK_OK);
	assert_int_equal(pk_portset_parse(&s, "\n", &err), PK_OK);
	assert_int_equal(pk_portset_format(&s, buf, sizeof buf), 0);
	assert_string_equal(buf, "");
}

/* What the audit's fix does: the kernel's current list merged with the
 * ports to reserve, printed back in the kernel's own syntax. */
static void test_merge_lists(void **state)
{
	static pk_portset cur, add;
	char buf[128];
	pk_error err;

	(void)state;
	pk_portset_clear(&cur);
	pk_portset_clear(&add);
	assert_int_equal(pk_portset_parse(&cur, "8080-8081,9000-9010", &err), PK_OK);
	/* The kernel's list reads back exactly as written. */
	pk_portset_format(&cur, buf, sizeof buf);
	assert_string_equal(buf, "8080-8081,9000-9010");
	/* Adjacent on both sides, inside, and apart. */
	assert_int_equal(pk_portset_parse(&add, "9011,8079,9005,20000", &err), PK_OK);
	pk_portset_union(&cur, &add);
	pk_portset_format(&cur, buf, sizeof buf);
	assert_string_equal(buf, "8079-8081,9000-9011,20000");
	/* The extremes of the port space. */
	pk_portset_clear(&add);
	assert_int_equal(pk_portset_parse(&add, "65535,0-1", &err), PK_OK);
	pk_portset_union(&cur, &add);
	pk_portset_format(&cur, buf, sizeof buf);
	assert_string_equal(buf, "0-1,8079-8081,9000-9011,20000,65535");
}

static void test_parse_bad(void **state)
{
	static const char *const bad[] = {
		"8080,", ",8080", "8080,,9000", "70000", "9000-8000",
		"80/tcp", "abc", "1-", "8080 9000",
	};
	static pk_portset s;
	pk_error err;

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		pk_portset_clear(&s);
		pk_portset_add(&s, 7);
		if (pk_portset_parse(&s, bad[i], &err) != PK_INVAL)
			fail_msg("'%s' accepted", bad[i]);
		assert_true(err.message[0] != '\0');
		/* unchanged on error */
		assert_int_equal(pk_portset_count(&s, 0, 65535), 1);
	}
}

static void write_file(const char *dir, const char *name, const char *text)
{
	char path[512];
	snprintf(path, sizeof path, "%s/sys/net/ipv4/%s", dir, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void make_proc(char *dir, size_t size)
{
	char path[512];
	snprintf(dir, size, "/tmp/pk-proc-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/sys", dir);
	mkdir(path, 0700);
	snprintf(path, sizeof path, "%s/sys/net", dir);
	mkdir(path, 0700);
	snprintf(path, sizeof path, "%s/sys/net/ipv4", dir);
	assert_int_equal(mkdir(path, 0700), 0);
}

static void remove_proc(const char *dir)
{
	char cmd[600];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

static void test_host_portconf_fixture(void **state)
{
	char dir[64];
	static pk_host_portconf conf;
	pk_error err;

	(void)state;
	make_proc(dir, sizeof dir);
	write_file(dir, "ip_local_port_range", "32768\t60999\n");
	write_file(dir, "ip_unprivileged_port_start", "1024\n");
	write_file(dir, "ip_local_reserved_ports", "40000-40010,50000\n");
	assert_int_equal(pk_host_portconf_read(dir, &conf, &err), PK_OK);
	assert_true(conf.have_range);
	assert_int_equal(conf.ephemeral_lo, 32768);
	assert_int_equal(conf.ephemeral_hi, 60999);
	assert_true(conf.have_unprivileged);
	assert_int_equal(conf.unprivileged_start, 1024);
	assert_true(conf.have_reserved);
	assert_int_equal(pk_portset_count(&conf.reserved, 0, 65535), 12);

	/* A missing file is not an error: it is reported as unknown. */
	char path[512];
	snprintf(path, sizeof path, "%s/sys/net/ipv4/ip_local_reserved_ports", dir);
	unlink(path);
	assert_int_equal(pk_host_portconf_read(dir, &conf, &err), PK_OK);
	assert_false(conf.have_reserved);

	/* A malformed file is, and the message names it. */
	write_file(dir, "ip_local_port_range", "32768\n");
	assert_int_equal(pk_host_portconf_read(dir, &conf, &err), PK_PARSE);
	assert_non_null(strstr(err.message, "ip_local_port_range"));
	write_file(dir, "ip_local_port_range", "32768 70000\n");
	assert_int_equal(pk_host_portconf_read(dir, &conf, &err), PK_PARSE);
	write_file(dir, "ip_local_port_range", "1 2 3\n");
	assert_int_equal(pk_host_portconf_read(dir, &conf, &err), PK_PARSE);
	remove_proc(dir);
}

static void test_host_portconf_live(void **state)
{
	static pk_host_portconf conf;
	pk_error err;

	(void)state;
	/* Whatever this machine says must parse; on Linux the range exists. */
	assert_int_equal(pk_host_portconf_read("/proc", &conf, &err), PK_OK);
	if (access("/proc/sys/net/ipv4/ip_local_port_range", R_OK) == 0) {
		assert_true(conf.have_range);
		assert_true(conf.ephemeral_lo <= conf.ephemeral_hi);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_add_contains_count),
		cmocka_unit_test(test_full_range),
		cmocka_unit_test(test_parse_and_normalise),
		cmocka_unit_test(test_merge_lists),
		cmocka_unit_test(test_parse_bad),
		cmocka_unit_test(test_host_portconf_fixture),
		cmocka_unit_test(test_host_portconf_live),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
