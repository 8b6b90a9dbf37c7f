/* test_audit.c - every finding of the audit on hand-built hosts: the
 * settings, the sockets and the expected ports are given directly, so each
 * case states exactly what the host looks like.  The proposed fixes are
 * checked against values worked out by hand in the comments. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "helper_audit.h"
#include "helper_regfix.h"

/* ---- building hosts ------------------------------------------------------ */

static pk_host_portconf conf;

static void set_conf(uint16_t lo, uint16_t hi, const char *reserved,
		     int unprivileged)
{
	pk_error err;

	memset(&conf, 0, sizeof conf);
	conf.size = sizeof conf;
	conf.have_range = true;
	conf.ephemeral_lo = lo;
	conf.ephemeral_hi = hi;
	conf.have_reserved = true;
	assert_int_equal(pk_portset_parse(&conf.reserved, reserved, &err), PK_OK);
	conf.have_unprivileged = unprivileged >= 0;
	conf.unprivileged_start = (uint16_t)(unprivileged >= 0 ? unprivileged : 0);
}

static pk_host_sockets *host(void)
{
	pk_host_sockets *s;
	assert_int_equal(pk__host_sockets_begin(false, &s), PK_OK);
	return s;
}

static void add(pk_host_sockets *s, pk_proto proto, uint8_t state,
		uint16_t lport, const char *raddr, uint16_t rport)
{
	pk_sockrow r = sockrow4(proto, state, "10.0.0.1", lport,
				raddr ? raddr : "0.0.0.0", rport);
	r.inode = 1000u + lport;
	r.uid = 1000;
	assert_int_equal(pk__host_sockets_add_row(s, &r), PK_OK);
}

static void listen_on(pk_host_sockets *s, uint16_t port)
{
	add(s, PK_PROTO_TCP, PK_TCP_LISTEN, port, NULL, 0);
}

static void connections(pk_host_sockets *s, uint16_t first, unsigned n,
			const char *dest, uint16_t dport)
{
	for (unsigned i = 0; i < n; i++)
		add(s, PK_PROTO_TCP, PK_TCP_ESTABLISHED, (uint16_t)(first + i), dest,
		    dport);
}

static pk_audit *audit(pk_host_sockets *s, pk_expect_list *e)
{
	pk_audit_input in = { .conf = &conf, .sockets = s, .expect = e };
	pk_audit *a;
	pk_error err;

	if (s != NULL)
		assert_int_equal(pk__host_sockets_finish(s), PK_OK);
	pk_status st = pk_audit_run(&in, &a, &err);
	if (st != PK_OK)
		fail_msg("audit: %s", err.message);
	/* The library's words are for any front end: none names the CLI. */
	for (size_t i = 0; i < pk_audit_count(a); i++)
		assert_no_cli_syntax(pk_audit_get(a, i));
	return a;
}

static pk_expect_list *expect(const char *spec, const char *label)
{
	pk_expect_list *l;
	pk_error err;

	assert_int_equal(pk_expect_list_new(&l, NULL), PK_OK);
	if (spec != NULL)
		assert_int_equal(pk_expect_add(l, spec, label, &err), PK_OK);
	return l;
}

static void dump(const pk_audit *a)
{
	for (size_t i = 0; i < pk_audit_count(a); i++) {
		const pk_finding *f = pk_audit_get(a, i);
		print_message("  %s %s: %s\n", pk_severity_name(pk_finding_severity(f)),
			      pk_finding_code(f), SUMMARY(f));
	}
}

static size_t serious(const pk_audit *a)
{
	return pk_audit_count_severity(a, PK_SEV_WARNING) +
	       pk_audit_count_severity(a, PK_SEV_ERROR);
}

/* ---- the cases ----------------------------------------------------------- */

static void test_clean(void **state)
{
	(void)state;
	set_conf(32768, 60999, "", 1024);
	pk_host_sockets *s = host();
	listen_on(s, 22);
	listen_on(s, 8080);
	pk_audit *a = audit(s, NULL);
	if (pk_audit_count(a) != 0)
		dump(a);
	assert_int_equal(pk_audit_count(a), 0);
	assert_string_equal(pk_audit_proposed_reserved(a), "");
	assert_string_equal(pk_audit_sysctl_snippet(a), "");
	assert_string_equal(pk_audit_sysctl_commands(a), "");
	uint16_t lo, hi;
	assert_false(pk_audit_proposed_range(a, &lo, &hi));
	pk_audit_free(a);
	pk_host_sockets_free(s);
	pk_audit_free(NULL);
}

static void test_listener_in_range(void **state)
{
	(void)state;
	/* Existing reservations are kept and merged with the new port:
	 * 8080-8081,40001 + 40000 = 8080-8081,40000-40001. */
	set_conf(32768, 60999, "40001,8081,8080", 1024);
	pk_host_sockets *s = host();
	listen_on(s, 40000);
	listen_on(s, 40001); /* reserved already: no finding */
	pk_audit *a = audit(s, NULL);
	const pk_finding *f = audit_find(a, "ephemeral-port", 40000);
	assert_non_null(f);
	assert_int_equal(pk_finding_severity(f), PK_SEV_WARNING);
	/* The facts the words are made of. */
	assert_int_equal(fact_u(f, "protocols"), PK_PROTOMASK(PK_PROTO_TCP));
	assert_int_equal(fact_u(f, "port"), 40000);
	assert_int_equal(fact_u(f, "listening"), 1);
	assert_int_equal(fact_u(f, "socket_count"), 1);
	pk_port_range eph;
	assert_true(pk_finding_range(f, "ephemeral_range", &eph));
	assert_int_equal(eph.lo, 32768);
	assert_int_equal(eph.hi, 60999);
	const pk_fact *socks = pk_finding_fact(f, "sockets");
	assert_non_null(socks);
	assert_true(socks->list);
	assert_int_equal(socks->type, PK_FACT_SOCKET);
	assert_int_equal(socks->count, 1);
	assert_int_equal(socks->values[0].socket->port, 40000);
	/* The fix as data: reserve this port; the sysctl sets the merged
	 * list; the file keeps it; moving the service is the alternative. */
	const pk_fix *x = fix_step(f, "reserve-ports");
	assert_non_null(x);
	assert_int_equal(x->kind, PK_FIX_RESERVE);
	assert_string_equal(x->key, "net.ipv4.ip_local_reserved_ports");
	assert_string_equal(x->value, "8080-8081,40000-40001");
	assert_int_equal(x->port_count, 1);
	assert_int_equal(x->ports[0].lo, 40000);
	assert_int_equal(x->ports[0].hi, 40000);
	x = fix_step(f, "persist");
	assert_non_null(x);
	assert_int_equal(x->kind, PK_FIX_FILE);
	assert_string_equal(x->path, PK_AUDIT_SNIPPET_PATH);
	assert_string_equal(x->value, pk_audit_sysctl_snippet(a));
	x = fix_step(f, "move-service");
	assert_non_null(x);
	assert_int_equal(x->kind, PK_FIX_ACTION);
	assert_true(x->alternative);
	assert_int_equal(pk_finding_cite_count(f), 0);
	assert_null(audit_find(a, "ephemeral-port", 40001));
	assert_contains(SUMMARY(f), "40000/tcp");
	assert_contains(SUMMARY(f), "32768-60999");
	assert_contains(DETAIL(f), "EADDRINUSE");
	assert_contains(FIX(f), "sysctl -w net.ipv4.ip_local_reserved_ports=8080-8081,40000-40001\n");
	assert_string_equal(pk_audit_proposed_reserved(a), "8080-8081,40000-40001");
	assert_string_equal(pk_audit_sysctl_commands(a),
			    "sysctl -w net.ipv4.ip_local_reserved_ports=8080-8081,40000-40001\n");
	assert_contains(pk_audit_sysctl_snippet(a),
			"\nnet.ipv4.ip_local_reserved_ports = 8080-8081,40000-40001\n");
	assert_int_equal(serious(a), 1);
	pk_audit_free(a);
	pk_host_sockets_free(s);
}

static void test_many_listeners(void **state)
{
	(void)state;
	/* 100 listeners on every other port: a list of 100 items, too long
	 * to repeat in each finding; it is printed once, whole. */
	set_conf(32768, 60999, "", 1024);
	pk_host_sockets *s = host();
	for (unsigned i = 0; i < 100; i++)
		listen_on(s, (uint16_t)(40000 + 2 * i));
	pk_audit *a = audit(s, NULL);
	assert_int_equal(pk_audit_count_severity(a, PK_SEV_WARNING), 100);
	const pk_finding *f = audit_find(a, "ephemeral-port", 40010);
	assert_non_null(f);
	assert_contains(FIX(f), "Apply the merged net.ipv4.ip_local_reserved_ports list");
	/* Too long to repeat: the step says which ports, not the list. */
	assert_null(fix_step(f, "reserve-ports")->value);
	assert_null(fix_step(f, "persist")->value);
	const char *list = pk_audit_proposed_reserved(a);
	assert_true(strncmp(list, "40000,40002,40004,", 18) == 0);
	assert_non_null(strstr(list, ",40198"));
	assert_int_equal(strlen(list), 100 * 6 - 1);
	assert_contains(pk_audit_sysctl_commands(a), list);
	pk_audit_free(a);
	pk_host_sockets_free(s);
}

static void test_udp_in_range(void **state)
{
	(void)state;
	set_conf(32768, 60999, "", 1024);
	pk_host_sockets *s = host();
	add(s, PK_PROTO_UDP, PK_TCP_CLOSE, 45000, NULL, 0);
	pk_audit *a = audit(s, NULL);
	const pk_finding *f = audit_find(a, "ephemeral-port", 45000);
	assert_non_null(f);
	/* Maybe a client's automatic port: said, not reserved. */
	assert_int_equal(pk_finding_severity(f), PK_SEV_INFO);
	assert_non_null(fix_step(f, "declare-expected"));
	assert_null(fix_step(f, "reserve-ports"));
	assert_int_equal(fact_u(f, "protocols"), PK_PROTOMASK(PK_PROTO_UDP));
	assert_string_equal(pk_audit_proposed_reserved(a), "");
	pk_audit_free(a);

	/* Declared as a service, it is one. */
	pk_expect_list *e = expect("45000/udp", "syslog");
	pk_audit_input in = { .conf = &conf, .sockets = s, .expect = e };
	pk_error err;
	assert_int_equal(pk_audit_run(&in, &a, &err), PK_OK);
	f = audit_find(a, "ephemeral-port", 45000);
	assert_int_equal(pk_finding_severity(f), PK_SEV_WARNING);
	assert_contains(DETAIL(f), "'syslog'");
	assert_string_equal(pk_audit_proposed_reserved(a), "45000");
	/* One finding for the port, not one per source of knowledge. */
	size_t n = 0;
	for (size_t i = 0; i < pk_audit_count(a); i++)
		n += strcmp(pk_finding_code(pk_audit_get(a, i)), "ephemeral-port") == 0;
	assert_int_equal(n, 1);
	pk_audit_free(a);
	pk_expect_list_free(e);
	pk_host_sockets_free(s);
}

static void test_expected(void **state)
{
	pk_error err;

	(void)state;
	set_conf(32768, 60999, "33000", 1024);
	pk_expect_list *e = expect("45000/tcp", "billing");
	assert_int_equal(pk_expect_add(e, "30000-33000/tcp", "nodeports", &err), PK_OK);
	assert_int_equal(pk_expect_add(e, "20000-30000", "", &err), PK_OK);
	assert_int_equal(pk_expect_add(e, "33000", "reserved already", &err), PK_OK);
	pk_audit *a = audit(NULL, e);
	const pk_finding *f = audit_find(a, "ephemeral-port", 45000);
	assert_non_null(f);
	assert_int_equal(pk_finding_severity(f), PK_SEV_WARNING);
	assert_contains(SUMMARY(f), "45000/tcp billing");
	assert_int_equal(fact_u(f, "listening"), 0);
	assert_string_equal(pk_finding_string(f, "label"), "billing");
	/* Declared one by one: no place to name. */
	assert_string_equal(pk_finding_string(f, "declared_at"), "");
	assert_contains(DETAIL(f), "Not listening now.");
	/* 30000-33000 overlaps 32768-60999 in 32768-33000: 233 ports, 232
	 * of them unreserved (33000 is reserved). */
	f = audit_find(a, "ephemeral-overlap", 30000);
	assert_non_null(f);
	pk_port_range r;
	assert_true(pk_finding_range(f, "expected", &r));
	assert_int_equal(r.hi, 33000);
	assert_true(pk_finding_range(f, "overlap", &r));
	assert_int_equal(r.lo, 32768);
	assert_int_equal(r.hi, 33000);
	assert_int_equal(fact_u(f, "overlap_count"), 233);
	assert_int_equal(fact_u(f, "unreserved_count"), 232);
	assert_int_equal(fact_u(f, "overlap_large"), 0);
	assert_int_equal(fix_step(f, "reserve-ports")->ports[0].lo, 32768);
	assert_contains(SUMMARY(f), "in 233 ports");
	assert_contains(DETAIL(f), "232 ports are not reserved");
	assert_null(audit_find(a, "ephemeral-overlap", 20000));
	assert_null(audit_find(a, "ephemeral-port", 33000));
	assert_string_equal(pk_audit_proposed_reserved(a), "32768-33000,45000");
	assert_int_equal(serious(a), 2);
	pk_audit_free(a);
	pk_expect_list_free(e);
}

static void test_port_taken(void **state)
{
	(void)state;
	set_conf(32768, 60999, "", 1024);
	pk_host_sockets *s = host();
	connections(s, 45001, 1, "1.2.3.4", 443);
	pk_expect_list *e = expect("45001/tcp", "api");
	pk_audit *a = audit(s, e);
	const pk_finding *f = audit_find(a, "port-taken", 45001);
	assert_non_null(f);
	assert_int_equal(pk_finding_severity(f), PK_SEV_ERROR);
	assert_contains(DETAIL(f), "Taken: 45001");
	assert_contains(FIX(f), "ip_local_reserved_ports=45001");
	/* Most severe first. */
	assert_string_equal(pk_finding_code(pk_audit_get(a, 0)), "port-taken");
	assert_int_equal(fact_u(f, "taken_count"), 1);
	assert_non_null(fix_step(f, "restart-holder"));
	assert_contains(FIX(f), "ss -tanp 'sport = :45001'");
	pk_audit_free(a);
	pk_expect_list_free(e);

	/* The UDP port 45001 is free: a TCP connection does not hold it. */
	e = expect("45001/udp", NULL);
	pk_audit_input in = { .conf = &conf, .sockets = s, .expect = e };
	pk_error err;
	assert_int_equal(pk_audit_run(&in, &a, &err), PK_OK);
	assert_null(audit_find(a, "port-taken", 0));
	pk_audit_free(a);
	pk_expect_list_free(e);
	pk_host_sockets_free(s);
}

static void test_range_config(void **state)
{
	uint16_t lo, hi;

	(void)state;
	/* Reversed: swapped, then 61000 (same parity as 32768) lowered. */
	set_conf(61000, 32768, "", 1024);
	pk_audit *a = audit(NULL, NULL);
	const pk_finding *f = audit_find(a, "range-invalid", 0);
	assert_non_null(f);
	assert_int_equal(pk_finding_severity(f), PK_SEV_ERROR);
	assert_contains(DETAIL(f), "EINVAL");
	assert_true(pk_audit_proposed_range(a, &lo, &hi));
	assert_int_equal(lo, 32768);
	assert_int_equal(hi, 60999);
	assert_contains(FIX(f), "sysctl -w net.ipv4.ip_local_port_range=\"32768 60999\"");
	assert_contains(pk_audit_sysctl_snippet(a), "net.ipv4.ip_local_port_range = 32768 60999\n");
	pk_port_range as_read;
	assert_true(pk_finding_range(f, "port_range", &as_read));
	assert_int_equal(as_read.lo, 61000);
	assert_int_equal(as_read.hi, 32768);
	assert_string_equal(pk_finding_string(f, "reason"), "reversed");
	const pk_fix *x = fix_step(f, "set-port-range");
	assert_non_null(x);
	assert_int_equal(x->kind, PK_FIX_SYSCTL);
	assert_string_equal(x->key, "net.ipv4.ip_local_port_range");
	assert_string_equal(x->value, "32768 60999");
	pk_audit_free(a);

	/* Into the System ports, which the privileged limit allows. */
	set_conf(500, 60999, "", 0);
	a = audit(NULL, NULL);
	f = audit_find(a, "range-invalid", 0);
	assert_non_null(f);
	assert_int_equal(pk_finding_severity(f), PK_SEV_WARNING);
	assert_string_equal(pk_finding_string(f, "reason"), "system-ports");
	assert_string_equal(fix_step(f, "set-port-range")->value, "1024 60999");
	assert_true(pk_audit_proposed_range(a, &lo, &hi));
	assert_int_equal(lo, 1024);
	assert_int_equal(hi, 60999);
	pk_audit_free(a);

	/* The privileged limit inside the range (the kernel refuses). */
	set_conf(1024, 60999, "", 2048);
	a = audit(NULL, NULL);
	f = audit_find(a, "unprivileged-in-range", 0);
	assert_non_null(f);
	assert_int_equal(pk_finding_severity(f), PK_SEV_ERROR);
	assert_contains(SUMMARY(f), "2048 is inside");
	assert_contains(DETAIL(f), "1024-2047");
	assert_null(audit_find(a, "range-invalid", 0));
	assert_true(pk_audit_proposed_range(a, &lo, &hi));
	assert_int_equal(lo, 2048);
	assert_int_equal(hi, 60999);
	assert_contains(FIX(f), "ip_unprivileged_port_start=1024");
	assert_int_equal(fact_u(f, "unprivileged_port_start"), 2048);
	assert_int_equal(fact_u(f, "inside"), 1);
	x = fix_step(f, "lower-unprivileged-start");
	assert_non_null(x);
	assert_true(x->alternative);
	assert_string_equal(x->key, "net.ipv4.ip_unprivileged_port_start");
	assert_string_equal(x->value, "1024");
	pk_audit_free(a);

	/* ... and above all of it: only the limit can move. */
	set_conf(1024, 2001, "", 3000);
	a = audit(NULL, NULL);
	f = audit_find(a, "unprivileged-in-range", 0);
	assert_non_null(f);
	assert_contains(SUMMARY(f), "above");
	assert_contains(FIX(f), "sysctl -w net.ipv4.ip_unprivileged_port_start=1024");
	assert_false(pk_audit_proposed_range(a, &lo, &hi));
	pk_audit_free(a);

	/* Same parity: information, with its fix proposed like any other
	 * (so that --write-sysctl writes it). */
	set_conf(32768, 61000, "", 1024);
	a = audit(NULL, NULL);
	f = audit_find(a, "range-parity", 0);
	assert_non_null(f);
	assert_int_equal(pk_finding_severity(f), PK_SEV_INFO);
	assert_string_equal(FIX(f), "sysctl -w net.ipv4.ip_local_port_range=\"32768 60999\"\n"
			    "To keep it across reboots, install the sysctl.d snippet of the proposed "
			    "settings as /etc/sysctl.d/60-portkit.conf.");
	assert_string_equal(fix_step(f, "fix-parity")->value, "32768 60999");
	assert_true(pk_audit_proposed_range(a, &lo, &hi));
	assert_int_equal(lo, 32768);
	assert_int_equal(hi, 60999);
	assert_int_equal(serious(a), 0);
	pk_audit_free(a);
}

static void test_reserved_most(void **state)
{
	(void)state;
	/* 9000 of 10000 reserved; a listener uses 48000, nothing else. */
	set_conf(40000, 49999, "40000-48999", 1024);
	pk_host_sockets *s = host();
	listen_on(s, 48000);
	pk_audit *a = audit(s, NULL);
	const pk_finding *f = audit_find(a, "reserved-most", 0);
	assert_non_null(f);
	assert_int_equal(pk_finding_severity(f), PK_SEV_WARNING);
	assert_contains(SUMMARY(f), "9000 of the 10000");
	assert_contains(SUMMARY(f), "90.0%");
	assert_contains(FIX(f), "sysctl -w net.ipv4.ip_local_reserved_ports=48000\n");
	assert_int_equal(fact_u(f, "reserved_count"), 9000);
	assert_int_equal(fact_u(f, "range_size"), 10000);
	assert_int_equal(fact_u(f, "usable_count"), 1000);
	const pk_fact *listed = pk_finding_fact(f, "reserved");
	assert_int_equal(listed->count, 1); /* one run, whole */
	assert_int_equal(listed->values[0].range.lo, 40000);
	assert_int_equal(listed->values[0].range.hi, 48999);
	assert_contains(DETAIL(f), "Reserved inside the range: 40000-48999\n");
	const pk_fix *x = fix_step(f, "reserve-only-used");
	assert_string_equal(x->key, "net.ipv4.ip_local_reserved_ports");
	assert_string_equal(x->value, "48000");
	pk_audit_free(a);
	pk_host_sockets_free(s);

	/* All of it: nothing left for connect(). */
	set_conf(40000, 40999, "39000-41000", 1024);
	s = host();
	a = audit(s, NULL);
	f = audit_find(a, "reserved-most", 0);
	assert_non_null(f);
	assert_int_equal(pk_finding_severity(f), PK_SEV_ERROR);
	assert_contains(DETAIL(f), "EADDRNOTAVAIL");
	/* Reservations outside the range are not the problem: kept. */
	assert_contains(FIX(f), "ip_local_reserved_ports=39000-39999,41000\n");
	f = audit_find(a, "exhaustion", 0);
	assert_non_null(f);
	assert_int_equal(pk_finding_severity(f), PK_SEV_ERROR);
	pk_audit_free(a);
	pk_host_sockets_free(s);
}

static void test_exhaustion(void **state)
{
	uint16_t lo, hi;

	(void)state;
	/* 95 of 100 usable ports to one destination: error.  The proposal
	 * keeps it at 25% (380 usable ports) and the range no smaller than
	 * 1024 ports: 60000-61023 (even, odd). */
	set_conf(60000, 60099, "", 1024);
	pk_host_sockets *s = host();
	connections(s, 60000, 95, "10.1.1.1", 80);
	pk_audit *a = audit(s, NULL);
	const pk_finding *f = audit_find(a, "exhaustion", 0);
	assert_non_null(f);
	assert_int_equal(pk_finding_severity(f), PK_SEV_ERROR);
	assert_contains(SUMMARY(f), "10.1.1.1:80 uses 95 of 100");
	assert_contains(SUMMARY(f), "95.0%");
	assert_true(pk_audit_proposed_range(a, &lo, &hi));
	assert_int_equal(lo, 60000);
	assert_int_equal(hi, 61023);
	assert_contains(FIX(f), "sysctl -w net.ipv4.ip_local_port_range=\"60000 61023\"");
	assert_int_equal(fact_u(f, "busiest_count"), 95);
	assert_int_equal(fact_u(f, "usable_count"), 100);
	assert_int_equal(fact_u(f, "target_usable"), 1024);
	assert_int_equal(fact_u(f, "target_share_pct"), 25);
	const pk_fact *d = pk_finding_fact(f, "destinations");
	assert_int_equal(d->type, PK_FACT_DEST);
	assert_int_equal(d->values[0].dest->count, 95);
	assert_string_equal(fix_step(f, "set-port-range")->value, "60000 61023");
	assert_string_equal(fix_step(f, "tcp-tw-reuse")->key, "net.ipv4.tcp_tw_reuse");
	pk_audit_free(a);
	pk_host_sockets_free(s);

	/* A listener at 60200 is skipped by the widening (1025 ports for
	 * 1024 usable: 60000-61024), then the parity grows it to 61025; the
	 * listener it takes in is reserved. */
	s = host();
	connections(s, 60000, 95, "10.1.1.1", 80);
	listen_on(s, 60200);
	a = audit(s, NULL);
	assert_true(pk_audit_proposed_range(a, &lo, &hi));
	assert_int_equal(lo, 60000);
	assert_int_equal(hi, 61025);
	assert_string_equal(pk_audit_proposed_reserved(a), "60200");
	/* Reserve before widening. */
	assert_string_equal(pk_audit_sysctl_commands(a),
			    "sysctl -w net.ipv4.ip_local_reserved_ports=60200\n"
			    "sysctl -w net.ipv4.ip_local_port_range=\"60000 61025\"\n");
	pk_audit_free(a);
	pk_host_sockets_free(s);

	/* 2048 ports: 1100 connections (53.7%) warn, 1000 (48.8%) inform,
	 * 1900 (92.8%) are an error. */
	static const struct {
		unsigned n;
		pk_severity sev;
	} levels[] = { { 1000, PK_SEV_INFO }, { 1100, PK_SEV_WARNING },
		       { 1900, PK_SEV_ERROR } };
	for (size_t i = 0; i < 3; i++) {
		set_conf(40000, 42047, "", 1024);
		s = host();
		connections(s, 40000, levels[i].n, "192.0.2.7", 443);
		connections(s, 41000, 10, "192.0.2.8", 443); /* the second */
		a = audit(s, NULL);
		f = audit_find(a, "exhaustion", 0);
		assert_non_null(f);
		if (pk_finding_severity(f) != levels[i].sev)
			fail_msg("%u connections: %s", levels[i].n,
				 pk_severity_name(pk_finding_severity(f)));
		assert_contains(SUMMARY(f), "192.0.2.7:443");
		assert_contains(DETAIL(f), "192.0.2.8:443: 10 connections");
		pk_audit_free(a);
		pk_host_sockets_free(s);
	}

	/* No load at all: a small range is still worth a warning. */
	set_conf(60000, 60099, "", 1024);
	a = audit(NULL, NULL);
	assert_null(audit_find(a, "exhaustion", 0)); /* no sockets known */
	pk_audit_free(a);
	s = host();
	a = audit(s, NULL);
	f = audit_find(a, "exhaustion", 0);
	assert_non_null(f);
	assert_int_equal(pk_finding_severity(f), PK_SEV_WARNING);
	assert_contains(SUMMARY(f), "only 100 usable");
	pk_audit_free(a);
	pk_host_sockets_free(s);
}

static void test_udp_exhaustion(void **state)
{
	(void)state;
	set_conf(60000, 60199, "", 1024);
	pk_host_sockets *s = host();
	for (unsigned i = 0; i < 120; i++)
		add(s, PK_PROTO_UDP, PK_TCP_ESTABLISHED, (uint16_t)(60000 + i),
		    "192.0.2.53", (uint16_t)(1000 + i));
	pk_audit *a = audit(s, NULL);
	const pk_finding *f = NULL;
	for (size_t i = 0; i < pk_audit_count(a); i++)
		if (strcmp(pk_finding_code(pk_audit_get(a, i)), "exhaustion") == 0 &&
		    fact_u(pk_audit_get(a, i), "protocol") == PK_PROTO_UDP)
			f = pk_audit_get(a, i);
	assert_non_null(f);
	assert_int_equal(pk_finding_severity(f), PK_SEV_WARNING);
	assert_contains(SUMMARY(f), "120 of 200");
	assert_int_equal(fact_u(f, "used_count"), 120);
	assert_int_equal(fact_u(f, "usable_count"), 200);
	pk_audit_free(a);
	pk_host_sockets_free(s);
}

static void test_dynamic_and_visibility(void **state)
{
	(void)state;
	set_conf(32768, 40000, "", 1024);
	pk_host_sockets *s = host();
	listen_on(s, 50000);
	pk_audit *a = audit(s, NULL);
	const pk_finding *f = audit_find(a, "dynamic-range", 50000);
	assert_non_null(f);
	assert_int_equal(pk_finding_severity(f), PK_SEV_INFO);
	pk_port_range dyn;
	assert_true(pk_finding_range(f, "dynamic_ports", &dyn));
	assert_int_equal(dyn.lo, 49152);
	assert_int_equal(dyn.hi, 65535);
	/* RFC 6335 section 6 says so, and the words cite it. */
	assert_int_equal(pk_finding_cite_count(f), 1);
	assert_int_equal(pk_finding_cite(f, 0)->rfc, 6335);
	assert_string_equal(pk_finding_cite(f, 0)->section, "6");
	assert_contains(DETAIL(f), "(RFC 6335 §6)");
	assert_int_equal(serious(a), 0);
	pk_audit_free(a);
	pk_host_sockets_free(s);

	/* Nothing readable: the audit says what it could not check. */
	memset(&conf, 0, sizeof conf);
	conf.size = sizeof conf;
	a = audit(NULL, NULL);
	assert_non_null(audit_find(a, "not-seen", 0));
	assert_contains(SUMMARY(pk_audit_get(a, 0)), "ip_local_port_range could not be read");
	assert_string_equal(pk_finding_string(pk_audit_get(a, 0), "subject"),
			    "ip_local_port_range");
	assert_non_null(fix_step(pk_audit_get(a, 0), "check-proc"));
	assert_int_equal(serious(a), 0);
	pk_audit_free(a);

	/* Findings none of which has a fix step (the list of steps stays
	 * empty): the unreadable reserved list alone. */
	set_conf(32768, 60999, "", 1024);
	conf.have_reserved = false;
	a = audit(NULL, NULL);
	assert_int_equal(pk_audit_count(a), 1);
	assert_string_equal(pk_finding_string(pk_audit_get(a, 0), "subject"),
			    "ip_local_reserved_ports");
	assert_int_equal(pk_finding_fix_count(pk_audit_get(a, 0)), 0);
	assert_null(pk_finding_fix(pk_audit_get(a, 0), 0));
	assert_string_equal(FIX(pk_audit_get(a, 0)), "");
	pk_audit_free(a);

	pk_audit_input in = { 0 };
	pk_error err;
	assert_int_equal(pk_audit_run(&in, &a, &err), PK_INVAL);
	assert_null(a);
}

/* ---- the fixture host, with a registry ----------------------------------- */

static const char registry_csv[] =
	"Service Name,Port Number,Transport Protocol,Description,Assignee,Contact,Registration Date,Modification Date,Reference,Service Code,Unauthorized Use Reported,Assignment Notes\n"
	"ssh,22,tcp,The Secure Shell (SSH) Protocol,,,,,[RFC4251],,,\n"
	"http-alt,8080,tcp,HTTP Alternate (see port 80),,,,,,,,\n"
	"postgresql,5432,tcp,PostgreSQL Database,,,,,,,,\n"
	",7777,tcp,Unassigned,,,,,,,,\n";

static void test_fixture_with_registry(void **state)
{
	char dir[512];
	const char *top = getenv("PK_TEST_DATA");
	pk_host_sockets *s;
	pk_registry *reg;
	pk_error err;
	uint16_t probe = 1;

	(void)state;
	if (*(uint8_t *)&probe != 1)
		skip(); /* the fixture's addresses are little-endian words */
	snprintf(dir, sizeof dir, "%s/proc-audit", top ? top : "tests/data");
	assert_int_equal(pk_registry_import_mem(registry_csv, sizeof registry_csv - 1,
						PK_FORMAT_CSV, "fixture.csv", &reg, &err),
			 PK_OK);
	assert_int_equal(pk_host_portconf_read(dir, &conf, &err), PK_OK);
	assert_int_equal(pk_host_sockets_read(dir, 0, &s, &err), PK_OK);
	pk_expect_list *e = expect("40100/tcp", "billing-api");
	pk_audit_input in = { .conf = &conf, .sockets = s, .expect = e, .reg = reg };
	pk_audit *a;
	assert_int_equal(pk_audit_run(&in, &a, &err), PK_OK);

	/* 'node' on 8080, which IANA gives http-alt: both named. */
	const pk_finding *f = audit_find(a, "iana-other-service", 8080);
	assert_non_null(f);
	assert_int_equal(pk_finding_severity(f), PK_SEV_INFO);
	assert_contains(SUMMARY(f), "node");
	assert_contains(SUMMARY(f), "http-alt");
	assert_contains(DETAIL(f), "RFC 7605");
	assert_string_equal(pk_finding_string(f, "process"), "node");
	assert_int_equal(fact_u(f, "pid"), 4243);
	assert_int_equal(fact_u(f, "protocol"), PK_PROTO_TCP);
	const pk_fact *names = pk_finding_fact(f, "services");
	assert_int_equal(names->count, 1);
	assert_string_equal(names->values[0].string, "http-alt");
	uint64_t rec;
	assert_true(pk_finding_uint(f, "records", &rec));
	pk_record r;
	assert_int_equal(pk_record_get(reg, (pk_recid)rec, &r, NULL), PK_OK);
	assert_string_equal(r.name, "http-alt");
	for (size_t i = 0; i < pk_audit_count(a); i++)
		assert_no_cli_syntax(pk_audit_get(a, i));
	/* 'sshd' on 22 is ssh by name: nothing to say. */
	assert_null(audit_find(a, "iana-other-service", 22));
	/* 7777 has only an Unassigned record; 40000 has none: squatting. */
	f = audit_find(a, "squatting", 7777);
	assert_non_null(f);
	assert_contains(SUMMARY(f), "squatter");
	assert_non_null(fix_step(f, "keep-private-or-request"));
	assert_non_null(audit_find(a, "squatting", 40000));
	/* 55555 is Dynamic, and reserved: no collision. */
	assert_non_null(audit_find(a, "dynamic-range", 55555));
	assert_null(audit_find(a, "ephemeral-port", 55555));
	/* The UDP socket in the range says nothing about its number. */
	assert_null(audit_find(a, "squatting", 45000));
	/* The collisions, with the merged list: 55555 was reserved. */
	f = audit_find(a, "ephemeral-port", 40000);
	assert_non_null(f);
	assert_contains(DETAIL(f), "process billing (pid 4242, uid 1000)");
	f = audit_find(a, "port-taken", 40100);
	assert_non_null(f);
	/* The fixture's finding as data: expected 40100/tcp, taken by one
	 * outgoing connection, reserved by the merged list. */
	pk_port_range exp;
	assert_true(pk_finding_range(f, "expected", &exp));
	assert_int_equal(exp.lo, 40100);
	assert_int_equal(exp.hi, 40100);
	assert_string_equal(pk_finding_string(f, "label"), "billing-api");
	assert_int_equal(fact_u(f, "taken_count"), 1);
	const pk_fix *x = fix_step(f, "reserve-ports");
	assert_string_equal(x->key, "net.ipv4.ip_local_reserved_ports");
	assert_string_equal(x->value, "40000,40100,55555");
	assert_string_equal(pk_audit_proposed_reserved(a), "40000,40100,55555");
	/* The load: 4 connections to 10.0.0.5:443, one in TIME_WAIT. */
	f = audit_find(a, "exhaustion", 0);
	assert_non_null(f);
	assert_int_equal(pk_finding_severity(f), PK_SEV_INFO);
	assert_contains(SUMMARY(f), "10.0.0.5:443 uses 4 of 28230");
	assert_contains(DETAIL(f), "4 connections (1 in TIME_WAIT)");
	/* What could not be seen: udp6, and one socket's owner. */
	assert_non_null(audit_find(a, "not-seen", 0));
	assert_int_equal(pk_audit_count_severity(a, PK_SEV_ERROR), 1);
	assert_int_equal(pk_audit_count_severity(a, PK_SEV_WARNING), 2);
	pk_audit_free(a);

	/* A label that names the assigned service: the admin said so. */
	pk_expect_list_free(e);
	e = expect("8080/tcp", "http-alt proxy");
	in.expect = e;
	assert_int_equal(pk_audit_run(&in, &a, &err), PK_OK);
	assert_null(audit_find(a, "iana-other-service", 8080));
	pk_audit_free(a);
	pk_expect_list_free(e);
	pk_host_sockets_free(s);
	pk_registry_close(reg);
}

static void test_write_sysctl(void **state)
{
	char dir[] = "/tmp/pk-sysctl-XXXXXX";
	char path[128], buf[1024];
	pk_error err;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/60-portkit.conf", dir);

	/* Nothing to change: nothing written. */
	set_conf(32768, 60999, "", 1024);
	pk_audit *a = audit(NULL, NULL);
	assert_int_equal(pk_audit_write_sysctl(a, path, &err), PK_NOTFOUND);
	assert_int_equal(access(path, F_OK), -1);
	pk_audit_free(a);

	pk_host_sockets *s = host();
	listen_on(s, 40000);
	a = audit(s, NULL);
	/* An old file is replaced whole. */
	FILE *f = fopen(path, "w");
	fputs("old contents that are longer than the new ones will be, surely, yes\n"
	      "old contents that are longer than the new ones will be, surely, yes\n"
	      "old contents that are longer than the new ones will be, surely, yes\n"
	      "old contents that are longer than the new ones will be, surely, yes\n",
	      f);
	fclose(f);
	assert_int_equal(pk_audit_write_sysctl(a, path, &err), PK_OK);
	f = fopen(path, "r");
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* The snippet, with its first two lines naming the file written. */
	const char *body = strchr(strchr(pk_audit_sysctl_snippet(a), '\n') + 1, '\n') + 1;
	char head[512];
	snprintf(head, sizeof head, "# %s - proposed by portkit.\n# Apply with: sysctl -p %s\n%s",
		 path, path, body);
	assert_string_equal(buf, head);
	assert_contains(buf, "net.ipv4.ip_local_reserved_ports = 40000\n");
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0644);
	/* No temporary file is left next to it. */
	assert_int_equal(regfix_count_entries(dir), 1);

	/* A directory that is not there: an error naming it. */
	snprintf(path, sizeof path, "%s/missing/60-portkit.conf", dir);
	assert_int_equal(pk_audit_write_sysctl(a, path, &err), PK_IO);
	snprintf(path, sizeof path, "%s/missing:", dir);
	assert_contains(err.message, path);
	pk_audit_free(a);
	pk_host_sockets_free(s);
	snprintf(path, sizeof path, "%s/60-portkit.conf", dir);
	unlink(path);
	rmdir(dir);
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(pk_severity_name(PK_SEV_INFO), "info");
	assert_string_equal(pk_severity_name(PK_SEV_WARNING), "warning");
	assert_string_equal(pk_severity_name(PK_SEV_ERROR), "error");
	assert_string_equal(pk_fact_type_name(PK_FACT_RANGE), "range");
	assert_string_equal(pk_fact_type_name((pk_fact_type)99), "unknown");
	assert_string_equal(pk_fix_kind_name(PK_FIX_RESERVE), "reserve");
	assert_string_equal(pk_fix_kind_name((pk_fix_kind)99), "unknown");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clean),
		cmocka_unit_test(test_listener_in_range),
		cmocka_unit_test(test_many_listeners),
		cmocka_unit_test(test_udp_in_range),
		cmocka_unit_test(test_expected),
		cmocka_unit_test(test_port_taken),
		cmocka_unit_test(test_range_config),
		cmocka_unit_test(test_reserved_most),
		cmocka_unit_test(test_exhaustion),
		cmocka_unit_test(test_udp_exhaustion),
		cmocka_unit_test(test_dynamic_and_visibility),
		cmocka_unit_test(test_fixture_with_registry),
		cmocka_unit_test(test_write_sysctl),
		cmocka_unit_test(test_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
