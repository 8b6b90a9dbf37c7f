/* test_observe.c - real connections over loopback: the kernel's source
 * ports come back, inside this namespace's ip_local_port_range.  The
 * listener binds port 0; nothing leaves 127.0.0.1. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "portkit.h"

static void test_observe(void **state)
{
	uint16_t ports[200];
	uint64_t when[200];
	pk_observation o;
	pk_error err;

	(void)state;
	pk_status st = pk_observe_loopback(200, 10000, ports, when, &o, &err);
	if (st == PK_PERM || (st == PK_IO && o.count == 0)) {
		/* a sandbox without sockets: nothing to observe */
		print_message("SKIP: %s\n", err.message);
		skip();
	}
	assert_int_equal(st, PK_OK);
	assert_int_equal(o.count, 200);
	assert_true(o.listen_port > 0);
	assert_true(o.connect_ns > 0);
	for (size_t i = 0; i < o.count; i++) {
		assert_true(ports[i] != o.listen_port);
		if (i > 0)
			assert_true(when[i] >= when[i - 1]);
	}

	pk_host_portconf conf;
	if (pk_host_portconf_read(NULL, &conf, &err) == PK_OK && conf.have_range) {
		for (size_t i = 0; i < o.count; i++)
			if (ports[i] < conf.ephemeral_lo || ports[i] > conf.ephemeral_hi)
				fail_msg("port %u outside ip_local_port_range %u-%u",
					 ports[i], conf.ephemeral_lo, conf.ephemeral_hi);
		pk_seq_stats s;
		assert_int_equal(pk_seq_analyze(ports, o.count, conf.ephemeral_lo,
						conf.ephemeral_hi, 10, &s, &err), PK_OK);
		assert_int_equal(s.count, 200);
		assert_true(s.distinct > 100);
	}
}

static void test_bounds(void **state)
{
	uint16_t ports[5];
	pk_observation o;

	(void)state;
	/* max 0 and a zero time budget: nothing made, no error */
	assert_int_equal(pk_observe_loopback(0, 1000, ports, NULL, &o, NULL), PK_OK);
	assert_int_equal(o.count, 0);
	pk_status st = pk_observe_loopback(5, 0, ports, NULL, &o, NULL);
	assert_true(st == PK_OK || st == PK_PERM || st == PK_IO);
	assert_int_equal(o.count, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_observe),
		cmocka_unit_test(test_bounds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
