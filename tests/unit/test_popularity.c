/* test_popularity.c - nmap-services: its own format (frequencies are
 * popularity, not aliases; "unknown" is no name), the popularity section
 * of the index, ranking, and adding popularity to another registry. */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "portkit.h"
#include "registry/import/import.h"

static const char nmap[] =
	"# Fields in this file are: Service name, portnum/protocol, open-frequency, optional comments\n"
	"tcpmux\t1/tcp\t0.001995\t# TCP Port Service Multiplexer\n"
	"unknown\t4/tcp\t0.000477\n"
	"http\t80/tcp\t0.484143\t# World Wide Web HTTP\n"
	"ipp\t631/udp\t0.450281\n"
	"snmp\t161/udp\t0.433467\t# Simple Net Mgmt Proto\n"
	"http\t80/udp\t0.000000\n";

static pk_registry *import_nmap(void)
{
	pk_registry *reg = NULL;
	pk_error err;

	assert_int_equal(pk_format_detect(nmap, sizeof nmap - 1), PK_FORMAT_NMAP);
	assert_int_equal(pk_registry_import_mem(nmap, sizeof nmap - 1, PK_FORMAT_AUTO,
						"nmap-services", &reg, &err), PK_OK);
	return reg;
}

static void test_format(void **state)
{
	pk_registry *reg = import_nmap();
	pk_recid ids[4];
	pk_registry_info info;

	(void)state;
	pk_registry_get_info(reg, &info);
	assert_string_equal(info.source, "nmap-services");
	assert_true(info.flags & PK_REGFLAG_POPULARITY);
	/* Five named entries; "unknown" is popularity only. */
	assert_int_equal(pk_registry_count(reg), 5);
	assert_int_equal(pk_lookup_name(reg, "unknown", 0, ids, 4), 0);
	/* The frequency is no alias. */
	assert_int_equal(pk_lookup_name(reg, "0.001995", 0, ids, 4), 0);
	assert_int_equal(pk_lookup_name(reg, "tcpmux", 0, ids, 4), 1);
	pk_record r;
	assert_int_equal(pk_record_get(reg, ids[0], &r, NULL), PK_OK);
	assert_string_equal(r.description, "TCP Port Service Multiplexer");
	assert_int_equal(r.alias_count, 0);
	assert_int_equal(pk_format_parse("nmap-services", &(pk_format){ 0 }, NULL), PK_OK);
	assert_string_equal(pk_format_name(PK_FORMAT_NMAP), "nmap-services");
	/* A services(5) file with an alias in the third column stays one. */
	assert_int_equal(pk_format_detect("http 80/tcp www\n", 16), PK_FORMAT_SERVICES);
	pk_registry_close(reg);
}

static void test_popularity(void **state)
{
	pk_registry *reg = import_nmap();
	uint32_t ppm;
	size_t top[10];

	(void)state;
	assert_int_equal(pk_popularity_count(reg), 6);
	assert_true(pk_port_popularity(reg, 80, PK_PROTO_TCP, &ppm));
	assert_int_equal(ppm, 484143);
	assert_true(pk_port_popularity(reg, 4, PK_PROTO_TCP, &ppm));
	assert_int_equal(ppm, 477);
	assert_true(pk_port_popularity(reg, 80, PK_PROTO_UDP, &ppm));
	assert_int_equal(ppm, 0);
	assert_false(pk_port_popularity(reg, 81, PK_PROTO_TCP, &ppm));
	assert_int_equal(pk_popularity_top(reg, 0, top, 3), 6);
	uint16_t port;
	pk_proto proto;
	const uint16_t want[] = { 80, 631, 161 };
	for (int i = 0; i < 3; i++) {
		assert_true(pk_popularity_get(reg, top[i], &port, &proto, &ppm));
		assert_int_equal(port, want[i]);
	}
	assert_int_equal(pk_popularity_top(reg, PK_PROTOMASK(PK_PROTO_UDP), top, 10), 3);
	assert_true(pk_popularity_get(reg, top[0], &port, &proto, NULL));
	assert_int_equal(port, 631);
	assert_int_equal(proto, PK_PROTO_UDP);
	assert_false(pk_popularity_get(reg, 6, NULL, NULL, NULL));

	/* Into another registry: its records, nmap's popularity. */
	pk_registry *base = NULL, *with = NULL;
	pk_error err;
	assert_int_equal(pk_registry_import_mem("www 80/tcp\n", 11, PK_FORMAT_SERVICES,
						"base", &base, NULL), PK_OK);
	assert_int_equal(pk_popularity_count(base), 0);
	assert_int_equal(pk_registry_add_popularity(base, reg, &with, &err), PK_OK);
	assert_int_equal(pk_registry_count(with), 1);
	assert_true(pk_port_popularity(with, 80, PK_PROTO_TCP, &ppm));
	assert_int_equal(ppm, 484143);
	pk_registry_info info;
	pk_registry_get_info(with, &info);
	assert_string_equal(info.source, "services(5) + popularity from nmap-services");
	assert_int_equal(pk_registry_add_popularity(reg, base, &(pk_registry *){ NULL }, &err),
			 PK_INVAL);
	/* Saved and opened again with every check. */
	void *copy = NULL;
	pk_registry *again = NULL;
	(void)copy;
	char path[] = "/tmp/pk_pop_XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(pk_registry_save(with, path, &err), PK_OK);
	assert_int_equal(pk_registry_open_file(path, &again, &err), PK_OK);
	assert_true(pk_port_popularity(again, 80, PK_PROTO_TCP, &ppm));
	unlink(path);
	pk_registry_close(again);
	pk_registry_close(with);
	pk_registry_close(base);
	pk_registry_close(reg);
}

static void test_frequency(void **state)
{
	uint32_t ppm;

	(void)state;
	assert_true(pk__nmap_frequency("0.484143", 8, &ppm));
	assert_int_equal(ppm, 484143);
	assert_true(pk__nmap_frequency("1.0", 3, &ppm));
	assert_int_equal(ppm, 1000000);
	assert_true(pk__nmap_frequency("0.1234567", 9, &ppm));
	assert_int_equal(ppm, 123456);
	assert_false(pk__nmap_frequency("1.5", 3, &ppm));
	assert_false(pk__nmap_frequency("www", 3, &ppm));
	assert_false(pk__nmap_frequency("5", 1, &ppm));
	assert_false(pk__nmap_frequency(".5", 2, &ppm));
	assert_false(pk__nmap_frequency("0.", 2, &ppm));

	/* Bad lines: warnings, strict refuses. */
	static const char bad[] = "http\t80/tcp\tlots\nssh\t22/tcp\t0.1\n";
	pk_registry *reg = NULL;
	pk_error err;
	assert_int_equal(pk_registry_import_mem(bad, sizeof bad - 1, PK_FORMAT_NMAP, "n",
						&reg, &err), PK_PARSE);
	assert_string_equal(err.message, "n:1: invalid open frequency 'lots' (expected a decimal 0.0-1.0 such as 0.484143)");
	pk_import_report *rep;
	assert_int_equal(pk_import_report_new(0, &rep, NULL), PK_OK);
	assert_int_equal(pk_registry_import_mem_ex(bad, sizeof bad - 1, PK_FORMAT_NMAP, "n",
						   rep, &reg, &err), PK_OK);
	assert_int_equal(pk_registry_count(reg), 1);
	assert_int_equal(pk_import_report_count(rep, PK_IMPORT_SKIPPED), 1);
	pk_registry_close(reg);
	pk_import_report_free(rep);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_popularity),
		cmocka_unit_test(test_frequency),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
