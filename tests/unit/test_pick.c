/* test_pick.c - pk_pick: every constraint alone and combined, real sockets
 * on ports the kernel chose, --near ties, name-derived stability (across
 * handles, processes and registries), randomness, and bad input. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "helper_pickfix.h"
#include "core/siphash.h"

#define TCP PK_PROTOMASK(PK_PROTO_TCP)
#define UDP PK_PROTOMASK(PK_PROTO_UDP)

/* A handle with every constraint off but the range: no registry, no OS
 * profile, this host only through proc (NULL: host checks off). */
static pk_pick *bare(const pk_registry *reg, uint16_t lo, uint16_t hi,
		     unsigned protos, const char *proc)
{
	pk_pick *p = NULL;
	pk_error err;

	assert_int_equal(pk_pick_new(reg, &p, &err), PK_OK);
	assert_int_equal(pk_pick_set_range(p, lo, hi, &err), PK_OK);
	assert_int_equal(pk_pick_set_protos(p, protos, &err), PK_OK);
	assert_int_equal(pk_pick_avoid_os(p, "none", &err), PK_OK);
	if (proc != NULL)
		assert_int_equal(pk_pick_set_proc_root(p, proc, &err), PK_OK);
	else
		pk_pick_set_flags(p, PK_PICK_NO_HOST_CHECK);
	return p;
}

/* Runs and returns how many were found; out holds them. */
static size_t run(pk_pick *p, size_t count, pk_pick_result *out,
		  pk_status expect)
{
	pk_error err;
	size_t found = 99999;
	pk_status st = pk_pick_run(p, count, out, &found, &err);

	if (st != expect)
		fail_msg("pk_pick_run: %s (expected %s): %s", pk_status_name(st),
			 pk_status_name(expect), err.message);
	if (st == PK_EXHAUSTED)
		assert_true(strstr(err.message, "satisf") != NULL);
	assert_true(found <= count);
	return found;
}

static bool contains(const pk_pick_result *r, size_t n, uint16_t port)
{
	for (size_t i = 0; i < n; i++)
		if (r[i].port == port)
			return true;
	return false;
}

/* ---- the host check, with real sockets -------------------------------- */

/* Occupies a port the kernel chose, then checks that a window holding
 * only that port is exhausted for the transports that conflict, and
 * (when other_ok) still acceptable for a transport that does not. */
static void occupied_case(const char *addr, int type, bool reuseaddr,
			  bool listen_too, unsigned conflict, unsigned other_ok)
{
	char *proc = pickfix_proc(NULL, NULL); /* host range unknown */
	pk_pick_result r[4];
	pk_pick_stats stats;
	uint16_t port;
	int fd = pickfix_occupy(addr, type, reuseaddr, listen_too, &port);

	if (fd < 0) {
		pickfix_rmtree(proc);
		skip();
	}
	pk_pick *p = bare(NULL, port, port, conflict, proc);
	assert_int_equal(run(p, 1, r, PK_EXHAUSTED), 0);
	pk_pick_get_stats(p, &stats);
	assert_int_equal(stats.examined, 1);
	assert_int_equal(stats.in_use, 1);
	assert_true(stats.host_checked);
	pk_pick_free(p);

	/* The neighbours may be taken by anyone on this machine, but the
	 * occupied port itself is never among the answers. */
	uint16_t lo = port > 1025 ? (uint16_t)(port - 1) : port;
	uint16_t hi = port < 65535 ? (uint16_t)(port + 1) : port;
	p = bare(NULL, lo, hi, conflict, proc);
	size_t n = run(p, 3, r, PK_EXHAUSTED);
	assert_false(contains(r, n, port));
	pk_pick_free(p);

	if (other_ok != 0) {
		p = bare(NULL, port, port, other_ok, proc);
		n = run(p, 1, r, PK_OK);
		assert_int_equal(r[0].port, port);
		assert_true(r[0].why & PK_PICK_WHY_BINDABLE);
		pk_pick_free(p);
	}
	close(fd);
	pickfix_rmtree(proc);
}

static void test_occupied_tcp6_only(void **state)
{
	(void)state;
	if (!pickfix_have_ipv6())
		skip();
	/* v6-only: 0.0.0.0 stays free, so only the :: check can see it. */
	occupied_case("::", SOCK_STREAM, false, false, TCP, UDP);
}

static void test_occupied_udp6_loopback(void **state)
{
	(void)state;
	if (!pickfix_have_ipv6())
		skip();
	occupied_case("::1", SOCK_DGRAM, false, false, UDP, TCP);
}

static void test_occupied_tcp_loopback4(void **state)
{
	(void)state;
	/* A wildcard bind on 0.0.0.0 conflicts with 127.0.0.1:P. */
	occupied_case("127.0.0.1", SOCK_STREAM, false, false, TCP, UDP);
}

static void test_occupied_udp_only(void **state)
{
	(void)state;
	occupied_case("0.0.0.0", SOCK_DGRAM, false, false, UDP | TCP, TCP);
}

static void test_occupied_listener(void **state)
{
	(void)state;
	occupied_case("0.0.0.0", SOCK_STREAM, false, true, TCP, UDP);
}

static void test_occupied_reuseaddr(void **state)
{
	(void)state;
	/* Two SO_REUSEADDR UDP sockets may share a port: the check must not
	 * set it, or this busy port would look free. */
	occupied_case("0.0.0.0", SOCK_DGRAM, true, false, UDP, TCP);
}

static void test_picked_port_is_bindable(void **state)
{
	char *proc = pickfix_proc(NULL, NULL);
	pk_pick_result r[1];
	uint16_t port;
	int fd = pickfix_occupy("0.0.0.0", SOCK_STREAM, false, false, &port);

	(void)state;
	assert_true(fd >= 0);
	close(fd); /* the kernel's choice, now free */
	pk_pick *p = bare(NULL, port > 1100 ? (uint16_t)(port - 50) : 1024,
			  port, TCP | UDP, proc);
	run(p, 1, r, PK_OK);
	/* bind-then-close left nothing behind: all four binds work now. */
	int a = pickfix_occupy_port("0.0.0.0", SOCK_STREAM, r[0].port);
	int b = pickfix_occupy_port("0.0.0.0", SOCK_DGRAM, r[0].port);
	assert_true(a >= 0);
	assert_true(b >= 0);
	assert_true(r[0].bound & PK_PICK_BOUND(PK_PROTO_TCP, 0));
	assert_true(r[0].bound & PK_PICK_BOUND(PK_PROTO_UDP, 0));
	if (pickfix_have_ipv6()) {
		int c = pickfix_occupy_port("::", SOCK_STREAM, r[0].port);
		int d = pickfix_occupy_port("::", SOCK_DGRAM, r[0].port);
		assert_true(c >= 0 && d >= 0);
		assert_true(r[0].bound & PK_PICK_BOUND(PK_PROTO_TCP, 1));
		assert_true(r[0].bound & PK_PICK_BOUND(PK_PROTO_UDP, 1));
		close(c);
		close(d);
	}
	close(a);
	close(b);
	pk_pick_free(p);
	pickfix_rmtree(proc);
}

static void test_other_transports(void **state)
{
	char *proc = pickfix_proc(NULL, NULL);
	pk_pick_result r[1];
	pk_pick_stats stats;

	(void)state;
	/* SCTP and DCCP are bound when the kernel has them, and reported
	 * as not checkable when it has not; either way a port comes back. */
	pk_pick *p = bare(NULL, 20000, 29999,
			  PK_PROTOMASK(PK_PROTO_SCTP) | PK_PROTOMASK(PK_PROTO_DCCP),
			  proc);
	run(p, 1, r, PK_OK);
	pk_pick_get_stats(p, &stats);
	for (int v6 = 0; v6 <= 1; v6++) {
		unsigned s = PK_PICK_BOUND(PK_PROTO_SCTP, v6);
		unsigned d = PK_PICK_BOUND(PK_PROTO_DCCP, v6);
		assert_true(((r[0].bound | stats.unchecked) & s) != 0);
		assert_true(((r[0].bound | stats.unchecked) & d) != 0);
	}
	pk_pick_free(p);
	pickfix_rmtree(proc);
}

/* ---- registry constraints -------------------------------------------- */

static const char fixture_csv[] =
	"alpha,30001,tcp,Alpha,,,,,,,,\n"
	"beta,30003,udp,Beta,,,,,,,,\n"
	",30004,tcp,Reserved,,,,,,,,\n"
	",30005,udp,Unassigned,,,,,,,,\n"
	"ranged,30010-30019,tcp,Ranged,,,,,,,,\n"
	"ranged,30010-30019,udp,Ranged,,,,,,,,\n";
static const char fixture_services[] = "localsvc 30006/tcp\n";
static const char fixture_unofficial[] = "squatter 30007/udp # a game\n";

/* A record that names no transport (IANA's vrml-multi-use 4200-4299 has
 * none) assigns its ports for every transport: pick must step over it. */
static const char fixture_no_transport_csv[] =
	"multi,30100-30109,,Multi-transport range,,,,,,,,\n";

static void test_registry_no_transport(void **state)
{
	pk_registry *reg = pickfix_registry(fixture_no_transport_csv, NULL, NULL);
	pk_pick_result r[32];
	pk_pick_stats stats;

	(void)state;
	assert_true(pk_port_is_assigned(reg, 30100, PK_PROTO_TCP));
	assert_true(pk_port_is_assigned(reg, 30109, PK_PROTO_DCCP));
	assert_false(pk_port_is_assigned(reg, 30110, PK_PROTO_UDP));
	pk_pick *p = bare(reg, 30095, 30115, TCP | UDP, NULL);
	pk_pick_set_near(p, 30104);
	size_t n = run(p, 32, r, PK_EXHAUSTED);
	assert_int_equal(n, 11); /* 30095-30099 and 30110-30115 */
	for (size_t i = 0; i < n; i++)
		if (r[i].port >= 30100 && r[i].port <= 30109)
			fail_msg("picked %u inside a no-transport assignment",
				 (unsigned)r[i].port);
	pk_pick_get_stats(p, &stats);
	assert_int_equal(stats.assigned, 10);
	pk_pick_free(p);
	pk_registry_close(reg);
}

static void test_registry_constraints(void **state)
{
	pk_registry *reg = pickfix_registry(fixture_csv, fixture_services,
					    fixture_unofficial);
	pk_pick_result r[32];
	pk_pick_stats stats;

	(void)state;
	/* tcp and udp: 30001 (tcp), 30003 (udp), 30004 (reserved tcp),
	 * 30006 (services tcp), 30007 (unofficial udp), 30010-30019 go. */
	pk_pick *p = bare(reg, 30000, 30020, TCP | UDP, NULL);
	pk_pick_set_near(p, 30000);
	size_t n = run(p, 32, r, PK_EXHAUSTED);
	uint16_t expect[] = { 30000, 30002, 30005, 30008, 30009, 30020 };
	assert_int_equal(n, sizeof expect / sizeof expect[0]);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(r[i].port, expect[i]);
		assert_true(r[i].why & PK_PICK_WHY_UNASSIGNED);
		assert_true(r[i].why & PK_PICK_WHY_NOT_UNOFFICIAL);
	}
	pk_pick_get_stats(p, &stats);
	assert_int_equal(stats.assigned, 12); /* 30001, 30003, 30010-19 */
	assert_int_equal(stats.reserved, 1);
	assert_int_equal(stats.listed, 1);
	assert_int_equal(stats.unofficial, 1);
	assert_int_equal(stats.examined, 21);
	pk_pick_free(p);

	/* Only the requested transports count: for tcp, 30003 (udp) and
	 * 30007 (unofficial udp) are fine. */
	p = bare(reg, 30000, 30009, TCP, NULL);
	pk_pick_set_near(p, 30000);
	n = run(p, 10, r, PK_EXHAUSTED);
	assert_true(contains(r, n, 30003));
	assert_true(contains(r, n, 30007));
	assert_false(contains(r, n, 30001));
	assert_false(contains(r, n, 30004));
	assert_false(contains(r, n, 30006));
	assert_int_equal(n, 7);
	pk_pick_free(p);

	/* --allow-unofficial lets 30007 through, --allow-assigned the rest. */
	p = bare(reg, 30007, 30007, UDP, NULL);
	run(p, 1, r, PK_EXHAUSTED);
	pk_pick_set_flags(p, PK_PICK_NO_HOST_CHECK | PK_PICK_ALLOW_UNOFFICIAL);
	run(p, 1, r, PK_OK);
	assert_int_equal(r[0].port, 30007);
	assert_false(r[0].why & PK_PICK_WHY_NOT_UNOFFICIAL);
	pk_pick_free(p);
	p = bare(reg, 30001, 30006, TCP | UDP, NULL);
	pk_pick_set_flags(p, PK_PICK_NO_HOST_CHECK | PK_PICK_ALLOW_ASSIGNED);
	n = run(p, 6, r, PK_OK);
	assert_int_equal(n, 6);
	assert_false(r[0].why & PK_PICK_WHY_UNASSIGNED);
	pk_pick_free(p);

	/* A registry without unofficial-use data claims nothing of them. */
	pk_registry *plain = pickfix_registry(fixture_csv, NULL, NULL);
	p = bare(plain, 30000, 30000, TCP, NULL);
	run(p, 1, r, PK_OK);
	assert_true(r[0].why & PK_PICK_WHY_UNASSIGNED);
	assert_false(r[0].why & PK_PICK_WHY_NOT_UNOFFICIAL);
	pk_pick_free(p);
	pk_registry_close(plain);

	/* No registry at all: nothing is claimed about assignments. */
	p = bare(NULL, 30001, 30001, TCP, NULL);
	run(p, 1, r, PK_OK);
	assert_false(r[0].why & PK_PICK_WHY_UNASSIGNED);
	char text[512];
	pk_pick_explain(p, &r[0], text, sizeof text);
	assert_non_null(strstr(text, "registry not consulted"));
	pk_pick_free(p);
	pk_registry_close(reg);
}

/* ---- OS profiles, the host's range and reserved ports ----------------- */

static void test_os_profiles(void **state)
{
	pk_pick_result r[64];
	pk_pick_stats stats;
	pk_error err;
	const pk_os_profile *linux_prof = pk_os_profile_find("linux");

	(void)state;
	assert_non_null(linux_prof);
	/* A window across the bottom of Linux's range. */
	uint16_t lo = (uint16_t)(linux_prof->lo - 3), hi = (uint16_t)(linux_prof->lo + 3);
	pk_pick *p = bare(NULL, lo, hi, TCP, NULL);
	assert_int_equal(pk_pick_avoid_os(p, "linux", &err), PK_OK);
	size_t n = run(p, 10, r, PK_EXHAUSTED);
	assert_int_equal(n, 3);
	for (size_t i = 0; i < n; i++) {
		assert_true(r[i].port < linux_prof->lo);
		assert_true(r[i].why & PK_PICK_WHY_OS_EPHEMERAL);
	}
	pk_pick_get_stats(p, &stats);
	assert_int_equal(stats.os_ephemeral, 4);

	/* "none" lifts it; the default ("common") is the union of the
	 * profiles marked common, so a port inside any of them is avoided. */
	assert_int_equal(pk_pick_avoid_os(p, "none", &err), PK_OK);
	assert_int_equal(run(p, 7, r, PK_OK), 7);
	size_t count = 0;
	const pk_os_profile *all = pk_os_profiles(&count);
	assert_int_equal(pk_pick_avoid_os(p, "common", &err), PK_OK);
	for (size_t i = 0; i < count; i++) {
		if (!all[i].common)
			continue;
		assert_int_equal(pk_pick_set_range(p, all[i].lo, all[i].lo, &err), PK_OK);
		run(p, 1, r, PK_EXHAUSTED);
		assert_int_equal(pk_pick_set_range(p, all[i].hi, all[i].hi, &err), PK_OK);
		run(p, 1, r, PK_EXHAUSTED);
	}
	/* Several ids, with a duplicate, and case-insensitive. */
	assert_int_equal(pk_pick_avoid_os(p, "LINUX,windows,linux", &err), PK_OK);
	pk_pick_free(p);
}

static void test_host_range_and_reserved(void **state)
{
	char *proc = pickfix_proc("20000\t20010\n", "19995,19996\n");
	pk_pick_result r[32];
	pk_pick_stats stats;

	(void)state;
	pk_pick *p = bare(NULL, 19990, 20015, TCP, proc);
	pk_pick_set_near(p, 20000);
	size_t n = run(p, 32, r, PK_EXHAUSTED);
	/* 26 ports, 11 in the range, 2 reserved; others on this machine may
	 * hold a few of the remaining 13 (they are real binds). */
	pk_pick_get_stats(p, &stats);
	assert_int_equal(stats.host_ephemeral, 11);
	assert_int_equal(stats.host_reserved, 2);
	assert_true(stats.host_range_known);
	assert_int_equal(stats.host_lo, 20000);
	assert_int_equal(stats.host_hi, 20010);
	assert_int_equal(n + stats.in_use + stats.privileged, 13);
	for (size_t i = 0; i < n; i++) {
		assert_false(r[i].port >= 20000 && r[i].port <= 20010);
		assert_false(r[i].port == 19995 || r[i].port == 19996);
		assert_true(r[i].why & PK_PICK_WHY_HOST_RANGE);
		assert_true(r[i].why & PK_PICK_WHY_HOST_RESERVED);
		assert_true(r[i].why & PK_PICK_WHY_BINDABLE);
	}
	/* Without the host check, the host's settings do not matter. */
	pk_pick_set_flags(p, PK_PICK_NO_HOST_CHECK);
	assert_int_equal(run(p, 26, r, PK_OK), 26);
	assert_false(r[0].why & (PK_PICK_WHY_HOST_RANGE | PK_PICK_WHY_BINDABLE));
	pk_pick_free(p);
	pickfix_rmtree(proc);

	/* A malformed /proc file is an error, not an empty constraint. */
	proc = pickfix_proc("20000\n", NULL);
	p = bare(NULL, 19990, 20015, TCP, proc);
	run(p, 1, r, PK_PARSE);
	pk_pick_free(p);
	pickfix_rmtree(proc);
}

/* Every constraint at once, around a port the kernel chose and a socket
 * occupies; the expected answers are worked out from the layout. */
static void test_combined(void **state)
{
	pk_pick_result r[16];
	pk_pick_stats stats;
	pk_portset avoid;
	char csv[512], services[128], unofficial[128], range[64], reserved[32];
	uint16_t P;
	int fd = pickfix_occupy("0.0.0.0", SOCK_DGRAM, false, false, &P);

	(void)state;
	assert_true(fd >= 0);
	if (P < 1100 || P > 65000)
		skip();
	/* P-6 .. P+6:
	 *   P-5 tcp assigned   P-4 udp assigned   P-3 unofficial udp
	 *   P-2 services tcp   P-1 free           P   occupied (udp)
	 *   P+1 host-reserved  P+2 avoided        P+3 free
	 *   P+4..P+6 host ephemeral range         P-6 free            */
	snprintf(csv, sizeof csv, "a,%u,tcp,A,,,,,,,,\nb,%u,udp,B,,,,,,,,\n",
		 P - 5, P - 4);
	snprintf(unofficial, sizeof unofficial, "c %u/udp\n", P - 3);
	snprintf(services, sizeof services, "d %u/tcp\n", P - 2);
	snprintf(range, sizeof range, "%u %u\n", P + 4, P + 6);
	snprintf(reserved, sizeof reserved, "%u\n", P + 1);
	pk_registry *reg = pickfix_registry(csv, services, unofficial);
	char *proc = pickfix_proc(range, reserved);
	pk_pick *p = bare(reg, (uint16_t)(P - 6), (uint16_t)(P + 6), TCP | UDP, proc);
	pk_portset_clear(&avoid);
	pk_portset_add(&avoid, (uint16_t)(P + 2));
	pk_pick_avoid_ports(p, &avoid);
	pk_pick_set_near(p, P); /* every port examined once, in a known order */

	size_t n = run(p, 4, r, PK_EXHAUSTED);
	pk_pick_get_stats(p, &stats);
	assert_int_equal(stats.examined, 13);
	assert_int_equal(stats.assigned, 2);
	assert_int_equal(stats.unofficial, 1);
	assert_int_equal(stats.listed, 1);
	assert_int_equal(stats.avoided, 1);
	assert_int_equal(stats.host_reserved, 1);
	assert_int_equal(stats.host_ephemeral, 3);
	/* P is in use; P-6, P-1, P+3 are free unless someone else on this
	 * machine holds them right now. */
	assert_true(stats.in_use >= 1);
	assert_int_equal(n + stats.in_use + stats.privileged, 4);
	assert_false(contains(r, n, P));
	for (size_t i = 0; i < n; i++)
		assert_true(r[i].port == P - 6 || r[i].port == P - 1 ||
			    r[i].port == P + 3);
	/* Random order: the same set (the counts then cover the ports not
	 * already drawn). */
	pk_pick_free(p);
	p = bare(reg, (uint16_t)(P - 6), (uint16_t)(P + 6), TCP | UDP, proc);
	pk_pick_avoid_ports(p, &avoid);
	size_t m = run(p, 4, r, PK_EXHAUSTED);
	assert_int_equal(m, n);
	assert_false(contains(r, m, P));
	/* Forgetting the caller's set lets P+2 through. */
	pk_pick_avoid_ports(p, NULL);
	pk_pick_set_near(p, (uint16_t)(P + 2));
	run(p, 1, r, PK_OK);
	if (r[0].port != P + 2) /* unless someone else holds it now */
		assert_true(r[0].port == P + 3 || r[0].port == P - 1);
	pk_pick_free(p);
	pickfix_rmtree(proc);
	pk_registry_close(reg);
	close(fd);
}

/* ---- --near ------------------------------------------------------------ */

static void test_near_ties(void **state)
{
	pk_registry *reg = pickfix_registry("x,30000,tcp,X,,,,,,,,\n", NULL, NULL);
	pk_pick_result r[8];

	(void)state;
	/* 30000 is taken: 29999 and 30001 are equally near, the lower one
	 * first; then 29998 before 30002. */
	pk_pick *p = bare(reg, 29990, 30010, TCP, NULL);
	pk_pick_set_near(p, 30000);
	assert_int_equal(run(p, 5, r, PK_OK), 5);
	const uint16_t expect[] = { 29999, 30001, 29998, 30002, 29997 };
	const uint32_t dist[] = { 1, 1, 2, 2, 3 };
	for (size_t i = 0; i < 5; i++) {
		assert_int_equal(r[i].port, expect[i]);
		assert_int_equal(r[i].distance, dist[i]);
		assert_true(r[i].why & PK_PICK_WHY_NEAR);
	}
	/* The preferred port itself when it is acceptable. */
	pk_pick_set_near(p, 30005);
	run(p, 1, r, PK_OK);
	assert_int_equal(r[0].port, 30005);
	assert_int_equal(r[0].distance, 0);
	/* At the edge of the range only one side exists. */
	pk_pick_set_near(p, 29990);
	run(p, 2, r, PK_OK);
	assert_int_equal(r[0].port, 29990);
	assert_int_equal(r[1].port, 29991);
	/* A preferred port outside the range: the closest end. */
	pk_pick_set_near(p, 100);
	run(p, 1, r, PK_OK);
	assert_int_equal(r[0].port, 29990);
	assert_int_equal(r[0].distance, 29890);
	pk_pick_set_near(p, 65535);
	run(p, 1, r, PK_OK);
	assert_int_equal(r[0].port, 30010);
	pk_pick_free(p);
	pk_registry_close(reg);
}

/* ---- names --------------------------------------------------------------- */

static uint16_t name_port(const pk_registry *reg, const char *name,
			  uint16_t lo, uint16_t hi, uint32_t *seq)
{
	pk_pick_result r[1];
	pk_error err;
	pk_pick *p = bare(reg, lo, hi, TCP | UDP, NULL);

	assert_int_equal(pk_pick_set_name(p, name, &err), PK_OK);
	run(p, 1, r, PK_OK);
	assert_true(r[0].why & PK_PICK_WHY_NAME);
	if (seq != NULL)
		*seq = r[0].sequence;
	pk_pick_free(p);
	return r[0].port;
}

/* docs/pick.md, written out again: key "portkit/pick/v1/", h1 and h2 the
 * SipHash-2-4 of the lower-cased name followed by 0 and by 1. */
static uint16_t documented_first(const char *lower_name, uint16_t lo,
				 uint16_t hi)
{
	pk_sipkey key;
	const unsigned char k[16] = "portkit/pick/v1/";
	char buf[300];
	size_t len = strlen(lower_name);

	key.k0 = key.k1 = 0;
	for (int i = 7; i >= 0; i--) {
		key.k0 = key.k0 << 8 | k[i];
		key.k1 = key.k1 << 8 | k[8 + i];
	}
	memcpy(buf, lower_name, len);
	buf[len] = 0;
	uint64_t h1 = pk__siphash24(&key, buf, len + 1);
	return (uint16_t)(lo + h1 % ((uint32_t)hi - lo + 1));
}

static void test_name_stable(void **state)
{
	(void)state;
	uint16_t a = name_port(NULL, "my-service", 1024, 49151, NULL);
	uint16_t b = name_port(NULL, "my-service", 1024, 49151, NULL);
	uint16_t c = name_port(NULL, "MY-Service", 1024, 49151, NULL);
	assert_int_equal(a, b);
	assert_int_equal(a, c);
	assert_int_equal(a, documented_first("my-service", 1024, 49151));
	assert_int_equal(name_port(NULL, "webhook", 20000, 20999, NULL),
			 documented_first("webhook", 20000, 20999));
	/* Different names spread out (not a proof, but 20 names landing on
	 * fewer than 15 distinct ports of 48128 would be a broken hash). */
	pk_portset seen;
	uint32_t distinct = 0;
	pk_portset_clear(&seen);
	for (int i = 0; i < 20; i++) {
		char name[16];
		snprintf(name, sizeof name, "svc%d", i);
		uint16_t port = name_port(NULL, name, 1024, 49151, NULL);
		if (!pk_portset_contains(&seen, port))
			distinct++;
		pk_portset_add(&seen, port);
	}
	assert_true(distinct >= 15);
}

static void test_name_across_processes(void **state)
{
	int fds[2];
	uint16_t here = name_port(NULL, "shared-cache", 1024, 49151, NULL), there = 0;

	(void)state;
	assert_int_equal(pipe(fds), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		/* A fresh handle in another process (another address space,
		 * another ASLR layout). */
		pk_pick *p = NULL;
		pk_pick_result r[1];
		size_t found = 0;
		pk_error err;
		uint16_t port = 0;
		if (pk_pick_new(NULL, &p, &err) == PK_OK &&
		    pk_pick_set_name(p, "Shared-Cache", &err) == PK_OK &&
		    pk_pick_avoid_os(p, "none", &err) == PK_OK) {
			pk_pick_set_flags(p, PK_PICK_NO_HOST_CHECK);
			if (pk_pick_run(p, 1, r, &found, &err) == PK_OK)
				port = r[0].port;
		}
		pk_pick_free(p);
		if (write(fds[1], &port, sizeof port) != sizeof port)
			_exit(2);
		_exit(0);
	}
	close(fds[1]);
	assert_int_equal(read(fds[0], &there, sizeof there), sizeof there);
	close(fds[0]);
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_int_equal(here, there);
}

/* The documented behaviour when the registry changes: the answer is the
 * first acceptable port of the name's fixed sequence, so it moves only
 * when that port stops being acceptable (to the next acceptable one of
 * the sequence), or when an earlier one of the sequence becomes so. */
static void test_name_registry_change(void **state)
{
	pk_pick_result seq[6], r[3];
	pk_error err;
	char csv[256];
	uint32_t k;

	(void)state;
	/* With nothing assigned, the first 6 answers are the sequence. */
	pk_pick *p = bare(NULL, 40000, 40999, TCP, NULL);
	assert_int_equal(pk_pick_set_name(p, "inventory", &err), PK_OK);
	assert_int_equal(run(p, 6, seq, PK_OK), 6);
	for (uint32_t i = 0; i < 6; i++)
		assert_int_equal(seq[i].sequence, i);
	pk_pick_free(p);

	/* Assign the first and the third: the answer moves to the second,
	 * and the three first answers are s1, s3, s4. */
	snprintf(csv, sizeof csv, "x,%u,tcp,X,,,,,,,,\ny,%u,tcp,Y,,,,,,,,\n",
		 seq[0].port, seq[2].port);
	pk_registry *reg = pickfix_registry(csv, NULL, NULL);
	assert_int_equal(name_port(reg, "inventory", 40000, 40999, &k), seq[1].port);
	assert_int_equal(k, 1);
	p = bare(reg, 40000, 40999, TCP, NULL);
	assert_int_equal(pk_pick_set_name(p, "inventory", &err), PK_OK);
	run(p, 3, r, PK_OK);
	assert_int_equal(r[0].port, seq[1].port);
	assert_int_equal(r[1].port, seq[3].port);
	assert_int_equal(r[2].port, seq[4].port);
	pk_pick_free(p);
	pk_registry_close(reg);

	/* An assignment anywhere else does not move it. */
	uint16_t elsewhere = seq[0].port == 40000 ? 40001 : 40000;
	snprintf(csv, sizeof csv, "z,%u,tcp,Z,,,,,,,,\n", elsewhere);
	reg = pickfix_registry(csv, NULL, NULL);
	assert_int_equal(name_port(reg, "inventory", 40000, 40999, NULL), seq[0].port);
	pk_registry_close(reg);

	/* A different range is a different sequence (documented). */
	(void)name_port(NULL, "inventory", 40000, 40998, NULL);
}

static void test_name_visits_every_port(void **state)
{
	pk_pick_result r[51];
	pk_error err;

	(void)state;
	/* Ranges of every small size, including even sizes where the step
	 * must be coprime, visit each port exactly once. */
	for (uint16_t size = 1; size <= 50; size++) {
		pk_pick *p = bare(NULL, 30000, (uint16_t)(30000 + size - 1), TCP, NULL);
		assert_int_equal(pk_pick_set_name(p, "every", &err), PK_OK);
		assert_int_equal(run(p, size, r, PK_OK), size);
		pk_portset s;
		pk_portset_clear(&s);
		for (size_t i = 0; i < size; i++) {
			assert_false(pk_portset_contains(&s, r[i].port));
			pk_portset_add(&s, r[i].port);
		}
		assert_int_equal(run(p, (size_t)size + 1, r, PK_EXHAUSTED), size);
		pk_pick_free(p);
	}
}

/* ---- random ------------------------------------------------------------- */

static void test_random_distinct_and_exhausted(void **state)
{
	pk_pick_result r[41];
	pk_pick_stats stats;

	(void)state;
	pk_pick *p = bare(NULL, 31000, 31039, TCP, NULL);
	assert_int_equal(run(p, 40, r, PK_OK), 40);
	pk_portset s;
	pk_portset_clear(&s);
	for (size_t i = 0; i < 40; i++) {
		assert_false(pk_portset_contains(&s, r[i].port));
		pk_portset_add(&s, r[i].port);
		assert_true(r[i].why & PK_PICK_WHY_RANDOM);
	}
	assert_int_equal(run(p, 41, r, PK_EXHAUSTED), 40);
	pk_pick_free(p);

	/* One acceptable port among a thousand: found by the enumeration
	 * that follows a run of rejected draws. */
	pk_registry *reg = pickfix_registry("a,32000-32499,tcp,A,,,,,,,,\n"
					    "b,32501-32999,tcp,B,,,,,,,,\n",
					    NULL, NULL);
	p = bare(reg, 32000, 32999, TCP, NULL);
	assert_int_equal(run(p, 1, r, PK_OK), 1);
	assert_int_equal(r[0].port, 32500);
	assert_int_equal(run(p, 2, r, PK_EXHAUSTED), 1);
	pk_pick_get_stats(p, &stats);
	assert_int_equal(stats.assigned, 999); /* counted once per port */
	pk_pick_free(p);
	pk_registry_close(reg);
}

static void test_random_uniform(void **state)
{
	unsigned hits[8] = { 0 };
	pk_pick_result r[1];

	(void)state;
	/* 4000 draws over 8 ports: 500 expected each, sd about 21; a biased
	 * or stuck generator leaves this band. */
	pk_pick *p = bare(NULL, 33000, 33007, TCP, NULL);
	for (int i = 0; i < 4000; i++) {
		run(p, 1, r, PK_OK);
		hits[r[0].port - 33000]++;
	}
	for (int i = 0; i < 8; i++)
		if (hits[i] < 400 || hits[i] > 600)
			fail_msg("port %d drawn %u times of 4000", 33000 + i, hits[i]);
	pk_pick_free(p);
}

/* ---- defaults, explanations and bad input ------------------------------- */

static void test_defaults_and_explain(void **state)
{
	pk_pick *p = NULL;
	pk_pick_result r[3];
	pk_error err;
	char text[1024];
	size_t count = 0;
	const pk_os_profile *prof = pk_os_profiles(&count);

	(void)state;
	assert_int_equal(pk_pick_new(NULL, &p, &err), PK_OK);
	pk_pick_set_flags(p, PK_PICK_NO_HOST_CHECK);
	assert_int_equal(run(p, 3, r, PK_OK), 3);
	for (size_t i = 0; i < 3; i++) {
		/* User ports, outside every common OS range. */
		assert_true(r[i].port >= 1024 && r[i].port <= 49151);
		for (size_t j = 0; j < count; j++)
			if (prof[j].common)
				assert_false(r[i].port >= prof[j].lo &&
					     r[i].port <= prof[j].hi);
		assert_true(r[i].why & PK_PICK_WHY_OS_EPHEMERAL);
	}
	size_t need = pk_pick_explain(p, &r[0], text, sizeof text);
	assert_int_equal(need, strlen(text));
	assert_non_null(strstr(text, "random in 1024-49151"));
	assert_non_null(strstr(text, "outside the ephemeral ranges of"));
	assert_non_null(strstr(text, "this host not checked"));
	/* Truncation reports the whole length, like snprintf. */
	char small[8];
	assert_int_equal(pk_pick_explain(p, &r[0], small, sizeof small), need);
	assert_int_equal(strlen(small), 7);
	pk_pick_set_class(p, PK_CLASS_DYNAMIC);
	assert_int_equal(pk_pick_avoid_os(p, "none", &err), PK_OK);
	run(p, 1, r, PK_OK);
	assert_true(r[0].port >= 49152);
	pk_pick_set_class(p, PK_CLASS_SYSTEM);
	run(p, 1, r, PK_OK);
	assert_true(r[0].port >= 1 && r[0].port <= 1023);
	pk_pick_free(p);
	pk_pick_free(NULL);

	for (unsigned b = 0; b < PK_PICK_WHY_COUNT; b++)
		assert_non_null(pk_pick_why_name(1u << b));
	assert_null(pk_pick_why_name(0));
	assert_null(pk_pick_why_name(3));
	assert_string_equal(pk_pick_why_name(PK_PICK_WHY_NEAR), "near");
}

static void test_bad_input(void **state)
{
	pk_pick *p = NULL;
	pk_pick_result r[1];
	pk_error err;
	size_t found;
	char longname[300];

	(void)state;
	assert_int_equal(pk_pick_new(NULL, &p, &err), PK_OK);
	assert_int_equal(pk_pick_set_range(p, 10, 5, &err), PK_INVAL);
	assert_non_null(strstr(err.message, "10-5"));
	assert_int_equal(pk_pick_set_range(p, 0, 0, &err), PK_INVAL);
	assert_int_equal(pk_pick_set_protos(p, 0, &err), PK_INVAL);
	assert_int_equal(pk_pick_set_protos(p, PK_PROTOMASK(PK_PROTO_NONE), &err),
			 PK_INVAL);
	assert_int_equal(pk_pick_set_name(p, "", &err), PK_INVAL);
	assert_int_equal(pk_pick_set_name(p, NULL, &err), PK_INVAL);
	assert_int_equal(pk_pick_set_name(p, "tab\there", &err), PK_INVAL);
	memset(longname, 'a', sizeof longname - 1);
	longname[sizeof longname - 1] = '\0';
	assert_int_equal(pk_pick_set_name(p, longname, &err), PK_INVAL);
	assert_int_equal(pk_pick_avoid_os(p, "plan9", &err), PK_INVAL);
	assert_non_null(strstr(err.message, "'plan9'"));
	assert_non_null(strstr(err.message, "linux"));
	assert_int_equal(pk_pick_avoid_os(p, "linux,", &err), PK_INVAL);
	assert_int_equal(pk_pick_avoid_os(p, "", &err), PK_INVAL);
	assert_int_equal(pk_pick_run(p, 0, r, &found, &err), PK_INVAL);
	assert_int_equal(found, 0);
	/* Range 0-N: port 0 is skipped, never picked. */
	assert_int_equal(pk_pick_set_range(p, 0, 1, &err), PK_OK);
	assert_int_equal(pk_pick_avoid_os(p, "none", &err), PK_OK);
	pk_pick_set_flags(p, PK_PICK_NO_HOST_CHECK);
	assert_int_equal(run(p, 1, r, PK_OK), 1);
	assert_int_equal(r[0].port, 1);
	pk_pick_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_occupied_tcp6_only),
		cmocka_unit_test(test_occupied_udp6_loopback),
		cmocka_unit_test(test_occupied_tcp_loopback4),
		cmocka_unit_test(test_occupied_udp_only),
		cmocka_unit_test(test_occupied_listener),
		cmocka_unit_test(test_occupied_reuseaddr),
		cmocka_unit_test(test_picked_port_is_bindable),
		cmocka_unit_test(test_other_transports),
		cmocka_unit_test(test_registry_constraints),
		cmocka_unit_test(test_registry_no_transport),
		cmocka_unit_test(test_os_profiles),
		cmocka_unit_test(test_host_range_and_reserved),
		cmocka_unit_test(test_combined),
		cmocka_unit_test(test_near_ties),
		cmocka_unit_test(test_name_stable),
		cmocka_unit_test(test_name_across_processes),
		cmocka_unit_test(test_name_registry_change),
		cmocka_unit_test(test_name_visits_every_port),
		cmocka_unit_test(test_random_distinct_and_exhausted),
		cmocka_unit_test(test_random_uniform),
		cmocka_unit_test(test_defaults_and_explain),
		cmocka_unit_test(test_bad_input),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
