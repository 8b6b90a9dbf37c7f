/* test_socket_filter.c - which sockets and connections a `listeners`
 * question is about: state lists (ss's names), and connections matched by
 * either port, owner, user and state. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "portkit.h"

static pk_conn conn(uint8_t state, uint16_t lport, uint16_t rport, int32_t pid,
		    const char *comm, uint32_t uid)
{
	pk_conn c;

	memset(&c, 0, sizeof c);
	c.proto = PK_PROTO_TCP;
	c.family = 4;
	c.state = state;
	c.lport = lport;
	c.rport = rport;
	c.pid = pid;
	c.uid = uid;
	strcpy(c.comm, comm);
	return c;
}

static void test_state_names(void **state)
{
	(void)state;
	assert_string_equal(pk_tcp_state_name(1), "established");
	assert_string_equal(pk_tcp_state_name(6), "time-wait");
	assert_string_equal(pk_tcp_state_name(10), "listening");
	assert_string_equal(pk_tcp_state_name(0), "?");
	assert_string_equal(pk_tcp_state_name(12), "?");
}

static void test_states(void **state)
{
	pk_socket_filter *f;
	pk_error err;
	pk_socket k;
	(void)state;

	memset(&k, 0, sizeof k);
	k.proto = PK_PROTO_TCP;
	k.port = 22;
	pk_conn est = conn(1, 40000, 443, 7, "curl", 1000);
	pk_conn tw = conn(6, 40001, 443, 0, "", 0);

	assert_int_equal(pk_socket_filter_new(&f, &err), PK_OK);
	assert_false(pk_socket_filter_has_states(f));
	assert_true(pk_socket_filter_match(f, &k));
	assert_true(pk_socket_filter_match_conn(f, &tw));

	assert_int_equal(pk_socket_filter_states(f, "established", &err), PK_OK);
	assert_true(pk_socket_filter_has_states(f));
	assert_false(pk_socket_filter_match(f, &k));
	assert_true(pk_socket_filter_match_conn(f, &est));
	assert_false(pk_socket_filter_match_conn(f, &tw));

	assert_int_equal(pk_socket_filter_states(f, "listening,time-wait", &err), PK_OK);
	assert_true(pk_socket_filter_match(f, &k));
	assert_false(pk_socket_filter_match_conn(f, &est));
	assert_true(pk_socket_filter_match_conn(f, &tw));

	assert_int_equal(pk_socket_filter_states(f, "connected", &err), PK_OK);
	assert_false(pk_socket_filter_match(f, &k));
	assert_true(pk_socket_filter_match_conn(f, &est));
	assert_true(pk_socket_filter_match_conn(f, &tw));

	/* A bad element is named, and the filter is left without states. */
	assert_int_equal(pk_socket_filter_states(f, "established,estab", &err), PK_INVAL);
	assert_non_null(strstr(err.message, "'estab'"));
	assert_false(pk_socket_filter_has_states(f));
	assert_int_equal(pk_socket_filter_states(f, "", &err), PK_INVAL);
	assert_int_equal(pk_socket_filter_states(f, "established,", &err), PK_INVAL);
	assert_int_equal(pk_socket_filter_states(f, NULL, &err), PK_OK);
	assert_true(pk_socket_filter_match_conn(f, &tw));
	pk_socket_filter_free(f);
	assert_true(pk_socket_filter_match_conn(NULL, &tw));
	assert_false(pk_socket_filter_has_states(NULL));
}

static void test_conn_filters(void **state)
{
	pk_socket_filter *f;
	pk_error err;
	static pk_portset ports;
	(void)state;

	pk_conn c = conn(1, 40000, 443, 7, "curl", 1000);
	pk_conn anon = conn(1, 40002, 80, 0, "", 1000);
	assert_int_equal(pk_socket_filter_new(&f, &err), PK_OK);
	/* Either end's port. */
	pk_portset_clear(&ports);
	pk_portset_add(&ports, 443);
	pk_socket_filter_ports(f, &ports);
	assert_true(pk_socket_filter_match_conn(f, &c));
	assert_false(pk_socket_filter_match_conn(f, &anon));
	pk_portset_clear(&ports);
	pk_portset_add(&ports, 40002);
	pk_socket_filter_ports(f, &ports);
	assert_false(pk_socket_filter_match_conn(f, &c));
	assert_true(pk_socket_filter_match_conn(f, &anon));
	pk_socket_filter_ports(f, NULL);
	/* The owner: by name or pid; an unknown owner is no process's. */
	assert_int_equal(pk_socket_filter_process(f, "curl", &err), PK_OK);
	assert_true(pk_socket_filter_match_conn(f, &c));
	assert_false(pk_socket_filter_match_conn(f, &anon));
	assert_int_equal(pk_socket_filter_process(f, "7", &err), PK_OK);
	assert_true(pk_socket_filter_match_conn(f, &c));
	assert_int_equal(pk_socket_filter_process(f, "8", &err), PK_OK);
	assert_false(pk_socket_filter_match_conn(f, &c));
	assert_int_equal(pk_socket_filter_process(f, NULL, &err), PK_OK);
	/* The user and the transport. */
	assert_int_equal(pk_socket_filter_user(f, "1000", &err), PK_OK);
	assert_true(pk_socket_filter_match_conn(f, &c));
	assert_int_equal(pk_socket_filter_user(f, "0", &err), PK_OK);
	assert_false(pk_socket_filter_match_conn(f, &c));
	assert_int_equal(pk_socket_filter_user(f, NULL, &err), PK_OK);
	pk_socket_filter_protos(f, PK_PROTOMASK(PK_PROTO_UDP));
	assert_false(pk_socket_filter_match_conn(f, &c));
	pk_socket_filter_protos(f, PK_PROTOMASK(PK_PROTO_TCP));
	assert_true(pk_socket_filter_match_conn(f, &c));
	pk_socket_filter_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_state_names),
		cmocka_unit_test(test_states),
		cmocka_unit_test(test_conn_filters),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
