/* test_audit_netns.c - the audit against the real kernel: each case enters
 * a fresh network namespace (unshare(CLONE_NEWNET), as root), sets that
 * namespace's ip_local_port_range and ip_local_reserved_ports, opens real
 * sockets (always on port 0: the kernel picks, inside or outside the range
 * as the case needs), audits, then applies the proposed fix exactly as
 * `sysctl -w` would and checks that the kernel accepts it and the finding
 * goes away.  A listener on 4250/tcp, inside IANA's vrml-multi-use
 * 4200-4299 (a range naming no transport), is that service's port for the
 * audit and for naming the socket alike.  Cases SKIP where namespaces are
 * not permitted. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>

#include "helper_audit.h"
#include "helper_regfix.h"

/* A fresh namespace with loopback up; false when not permitted. */
static bool enter_netns(void)
{
	if (unshare(CLONE_NEWNET) != 0)
		return false;
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	struct ifreq ifr;
	memset(&ifr, 0, sizeof ifr);
	strcpy(ifr.ifr_name, "lo");
	bool ok = fd >= 0 && ioctl(fd, SIOCGIFFLAGS, &ifr) == 0;
	ifr.ifr_flags |= IFF_UP;
	ok = ok && ioctl(fd, SIOCSIFFLAGS, &ifr) == 0;
	if (fd >= 0)
		close(fd);
	/* The sysctls of a new namespace must be writable too (not so in
	 * some containers). */
	return ok && access("/proc/sys/net/ipv4/ip_local_port_range", W_OK) == 0;
}

#define NETNS_OR_SKIP()                                                     \
	do {                                                                \
		if (!enter_netns()) {                                       \
			print_message("no network namespace: %s\n",          \
				      strerror(errno));                     \
			skip();                                             \
		}                                                           \
	} while (0)

/* What `sysctl -w net.ipv4.NAME=VALUE` does (a line, so that an empty
 * value is a write too); returns 0 or the errno. */
static int sysctl_set(const char *name, const char *value)
{
	char path[128], line[512];
	snprintf(path, sizeof path, "/proc/sys/net/ipv4/%s", name);
	snprintf(line, sizeof line, "%s\n", value);
	int fd = open(path, O_WRONLY);
	if (fd < 0)
		return errno;
	ssize_t n = write(fd, line, strlen(line));
	int e = n < 0 ? errno : 0;
	close(fd);
	return e;
}

static void set_range(uint16_t lo, uint16_t hi)
{
	char v[32];
	snprintf(v, sizeof v, "%u %u", lo, hi);
	assert_int_equal(sysctl_set("ip_local_port_range", v), 0);
}

/* A socket bound to port 0 of the wildcard address; returns its port. */
static int bound(int family, int type, int v6only, uint16_t *port)
{
	struct sockaddr_in6 a6 = { .sin6_family = AF_INET6 };
	struct sockaddr_in a4 = { .sin_family = AF_INET };
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;
	int fd = socket(family, type, 0);

	assert_true(fd >= 0);
	if (family == AF_INET6) {
		assert_int_equal(setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only,
					    sizeof v6only), 0);
		assert_int_equal(bind(fd, (struct sockaddr *)&a6, sizeof a6), 0);
	} else {
		assert_int_equal(bind(fd, (struct sockaddr *)&a4, sizeof a4), 0);
	}
	if (type == SOCK_STREAM)
		assert_int_equal(listen(fd, 256), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&ss, &len), 0);
	*port = ntohs(family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port :
					   ((struct sockaddr_in *)&ss)->sin_port);
	return fd;
}

/* A connection to 127.0.0.1:port; its local port in *lport.  -1 with
 * errno when connect fails. */
static int connect_to(uint16_t port, uint16_t *lport)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	socklen_t len = sizeof a;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	assert_true(fd >= 0);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	*lport = ntohs(a.sin_port);
	return fd;
}

static pk_host_portconf conf;

/* Audits this namespace as `portkit audit` does. */
static pk_audit *audit_now(const pk_expect_list *e, pk_host_sockets **sp)
{
	pk_host_sockets *s;
	pk_audit *a;
	pk_error err;

	assert_int_equal(pk_host_portconf_read("/proc", &conf, &err), PK_OK);
	assert_int_equal(pk_host_sockets_read("/proc", 0, &s, &err), PK_OK);
	pk_audit_input in = { .conf = &conf, .sockets = s, .expect = e };
	if (pk_audit_run(&in, &a, &err) != PK_OK)
		fail_msg("audit: %s", err.message);
	if (sp != NULL)
		*sp = s;
	else
		pk_host_sockets_free(s);
	return a;
}

/* Applies the proposed settings the way the printed commands do. */
static void apply_fix(const pk_audit *a)
{
	uint16_t lo, hi;
	const char *res = pk_audit_proposed_reserved(a);

	if (res[0] != '\0')
		assert_int_equal(sysctl_set("ip_local_reserved_ports", res), 0);
	if (pk_audit_proposed_range(a, &lo, &hi))
		set_range(lo, hi);
}

static void test_listeners(void **state)
{
	uint16_t out, in4, in6, only6, udp;
	pk_host_sockets *s;
	char buf[64];

	(void)state;
	NETNS_OR_SKIP();
	/* One listener taken from 50000-59999, then the range moves: it is
	 * outside.  The others come from the new range: inside. */
	set_range(50000, 59999);
	int fo = bound(AF_INET, SOCK_STREAM, 0, &out);
	set_range(40000, 49999);
	int f4 = bound(AF_INET, SOCK_STREAM, 0, &in4);
	int f6 = bound(AF_INET6, SOCK_STREAM, 0, &in6);
	int f6o = bound(AF_INET6, SOCK_STREAM, 1, &only6);
	int fu = bound(AF_INET, SOCK_DGRAM, 0, &udp);
	assert_true(out >= 50000 && out <= 59999);
	assert_true(in4 >= 40000 && in4 <= 49999);

	pk_audit *a = audit_now(NULL, &s);
	/* What the kernel said about the sockets. */
	const pk_socket *k = socket_find(s, PK_PROTO_TCP, in6);
	assert_non_null(k);
	assert_int_equal(k->family, 6);
	assert_true(k->dual_stack);
	assert_true(k->v6only_known);
	assert_true(pk_socket_serves(k, 4));
	assert_int_equal(k->pid, getpid());
	k = socket_find(s, PK_PROTO_TCP, only6);
	assert_false(k->dual_stack);
	assert_false(pk_socket_serves(k, 4));
	k = socket_find(s, PK_PROTO_TCP, in4);
	assert_string_equal(pk_addr_format(k->family, k->addr, buf, sizeof buf), "0.0.0.0");

	const pk_finding *f = audit_find(a, "ephemeral-port", in4);
	assert_non_null(f);
	assert_int_equal(pk_finding_severity(f), PK_SEV_WARNING);
	snprintf(buf, sizeof buf, "pid %d", (int)getpid());
	assert_contains(DETAIL(f), buf);
	assert_non_null(audit_find(a, "ephemeral-port", in6));
	assert_non_null(audit_find(a, "ephemeral-port", only6));
	f = audit_find(a, "ephemeral-port", udp);
	assert_non_null(f);
	assert_int_equal(pk_finding_severity(f), PK_SEV_INFO);
	assert_null(audit_find(a, "ephemeral-port", out));

	/* The fix reserves exactly the three TCP ports. */
	pk_portset want;
	pk_portset_clear(&want);
	pk_portset_add(&want, in4);
	pk_portset_add(&want, in6);
	pk_portset_add(&want, only6);
	char list[64];
	pk_portset_format(&want, list, sizeof list);
	assert_string_equal(pk_audit_proposed_reserved(a), list);
	char cmd[128];
	snprintf(cmd, sizeof cmd, "ip_local_reserved_ports=%s\n", list);
	assert_contains(pk_audit_sysctl_commands(a), cmd);
	apply_fix(a);
	pk_audit_free(a);
	pk_host_sockets_free(s);

	/* The kernel took it, and the collisions are gone. */
	a = audit_now(NULL, NULL);
	pk_error err;
	assert_int_equal(pk_host_portconf_read("/proc", &conf, &err), PK_OK);
	assert_int_equal(pk_portset_count(&conf.reserved, 0, 65535), 3);
	assert_true(pk_portset_contains(&conf.reserved, in6));
	assert_null(audit_find(a, "ephemeral-port", in4));
	assert_null(audit_find(a, "ephemeral-port", in6));
	assert_null(audit_find(a, "ephemeral-port", only6));
	assert_int_equal(pk_audit_count_severity(a, PK_SEV_WARNING) +
				 pk_audit_count_severity(a, PK_SEV_ERROR), 0);
	assert_string_equal(pk_audit_sysctl_snippet(a), "");
	pk_audit_free(a);
	close(fo);
	close(f4);
	close(f6);
	close(f6o);
	close(fu);
}

static void test_port_taken(void **state)
{
	uint16_t l, p, q;
	pk_error err;

	(void)state;
	NETNS_OR_SKIP();
	set_range(50000, 59999);
	int fl = bound(AF_INET, SOCK_STREAM, 0, &l);
	set_range(40000, 44999);
	int fc = connect_to(l, &p);
	assert_true(fc >= 0);
	assert_true(p >= 40000 && p <= 44999);

	/* A service is expected on the port an outgoing connection holds. */
	char spec[16];
	snprintf(spec, sizeof spec, "%u/tcp", p);
	pk_expect_list *e;
	assert_int_equal(pk_expect_list_new(&e, NULL), PK_OK);
	assert_int_equal(pk_expect_add(e, spec, "billing", &err), PK_OK);
	pk_audit *a = audit_now(e, NULL);
	const pk_finding *f = audit_find(a, "port-taken", p);
	assert_non_null(f);
	assert_int_equal(pk_finding_severity(f), PK_SEV_ERROR);
	/* And indeed the service cannot bind it now. */
	int t = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a4 = { .sin_family = AF_INET, .sin_port = htons(p) };
	assert_int_equal(bind(t, (struct sockaddr *)&a4, sizeof a4), -1);
	assert_int_equal(errno, EADDRINUSE);
	close(t);
	apply_fix(a);
	pk_audit_free(a);
	close(fc);

	/* With p reserved, the kernel never hands it out again: in a range
	 * of p and p+1, a connection gets p+1, and the next one to the same
	 * destination finds no port at all. */
	set_range(p, (uint16_t)(p + 1));
	fc = connect_to(l, &q);
	assert_true(fc >= 0);
	assert_int_equal(q, p + 1);
	int fd2 = connect_to(l, &q);
	assert_int_equal(fd2, -1);
	assert_int_equal(errno, EADDRNOTAVAIL);
	close(fc);
	close(fl);
	pk_expect_list_free(e);
}

static void test_exhaustion(void **state)
{
	uint16_t l, lo, hi;
	int fds[95];

	(void)state;
	NETNS_OR_SKIP();
	set_range(50000, 59999);
	int fl = bound(AF_INET, SOCK_STREAM, 0, &l);
	set_range(45000, 45099);
	for (int i = 0; i < 95; i++) {
		uint16_t p;
		fds[i] = connect_to(l, &p);
		assert_true(fds[i] >= 0);
	}
	pk_audit *a = audit_now(NULL, NULL);
	const pk_finding *f = audit_find(a, "exhaustion", 0);
	assert_non_null(f);
	assert_int_equal(pk_finding_severity(f), PK_SEV_ERROR);
	char want[64];
	snprintf(want, sizeof want, "127.0.0.1:%u uses 95 of 100", l);
	assert_contains(SUMMARY(f), want);
	/* 380 usable ports would keep it at 25%, but fewer than 1024 is a
	 * small range: 45000-46023. */
	assert_true(pk_audit_proposed_range(a, &lo, &hi));
	assert_int_equal(lo, 45000);
	assert_int_equal(hi, 46023);
	apply_fix(a);
	pk_audit_free(a);

	a = audit_now(NULL, NULL);
	f = audit_find(a, "exhaustion", 0);
	assert_non_null(f);
	assert_int_equal(pk_finding_severity(f), PK_SEV_INFO);
	assert_contains(SUMMARY(f), "95 of 1024");
	pk_audit_free(a);
	for (int i = 0; i < 95; i++)
		close(fds[i]);
	close(fl);
}

static void test_settings(void **state)
{
	(void)state;
	NETNS_OR_SKIP();
	/* What the findings say of the kernel's own rules holds: a reversed
	 * range and a privileged limit inside the range are refused. */
	assert_int_equal(sysctl_set("ip_local_port_range", "61000 32768"), EINVAL);
	set_range(32768, 60999);
	assert_int_equal(sysctl_set("ip_unprivileged_port_start", "40000"), EINVAL);

	/* Same parity is accepted, and reported; its fix is accepted too. */
	set_range(40000, 49998);
	pk_audit *a = audit_now(NULL, NULL);
	const pk_finding *f = audit_find(a, "range-parity", 0);
	assert_non_null(f);
	assert_string_equal(FIX(f), "sysctl -w net.ipv4.ip_local_port_range=\"40000 49997\"\n"
			    "To keep it across reboots, install the sysctl.d snippet of the proposed "
			    "settings as /etc/sysctl.d/60-portkit.conf.");
	pk_audit_free(a);
	set_range(40000, 49997);
	a = audit_now(NULL, NULL);
	assert_null(audit_find(a, "range-parity", 0));
	pk_audit_free(a);

	/* Reserved ports covering 90% of the range. */
	assert_int_equal(sysctl_set("ip_local_reserved_ports", "40000-48999"), 0);
	a = audit_now(NULL, NULL);
	f = audit_find(a, "reserved-most", 0);
	assert_non_null(f);
	assert_int_equal(pk_finding_severity(f), PK_SEV_WARNING);
	/* No service uses them: the fix empties the list, and the kernel
	 * takes an empty list. */
	assert_contains(FIX(f), "sysctl -w net.ipv4.ip_local_reserved_ports=\n");
	pk_audit_free(a);
	assert_int_equal(sysctl_set("ip_local_reserved_ports", ""), 0);
	a = audit_now(NULL, NULL);
	assert_null(audit_find(a, "reserved-most", 0));
	pk_audit_free(a);
}

/* A real listener on 4250/tcp: the audit and the socket's services name
 * vrml-multi-use, as pk_port_use() says, and nobody calls it squatting. */
static void test_port_4250(void **state)
{
	struct sockaddr_in a4 = { .sin_family = AF_INET, .sin_port = htons(4250) };
	pk_host_sockets *s;
	pk_audit *a;
	pk_error err;

	(void)state;
	NETNS_OR_SKIP();
	/* IANA's range as the snapshot's supplement holds it. */
	pk_builder *b = pk__builder_new();
	assert_non_null(b);
	pk_record in = { .name = "vrml-multi-use", .proto = PK_PROTO_NONE,
			 .has_port = true, .port_lo = 4200, .port_hi = 4299,
			 .kind = PK_KIND_ASSIGNED, .origin = PK_ORIGIN_SUPPLEMENT,
			 .description = "VRML Multi User Systems" };
	assert_int_equal(pk__builder_add(b, &in, NULL), PK_OK);
	pk_registry *reg = regfix_open(b);
	pk__builder_free(b);

	/* A fresh namespace: nothing else can hold the port. */
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&a4, sizeof a4), 0);
	assert_int_equal(listen(fd, 8), 0);

	assert_int_equal(pk_host_portconf_read("/proc", &conf, &err), PK_OK);
	assert_int_equal(pk_host_sockets_read("/proc", 0, &s, &err), PK_OK);
	pk_audit_input ain = { .conf = &conf, .sockets = s, .reg = reg };
	if (pk_audit_run(&ain, &a, &err) != PK_OK)
		fail_msg("audit: %s", err.message);
	const pk_socket *k = socket_find(s, PK_PROTO_TCP, 4250);
	assert_non_null(k);
	assert_int_equal(k->pid, getpid());
	const pk_finding *f = audit_find(a, "iana-other-service", 4250);
	assert_non_null(f);
	assert_contains(SUMMARY(f), "listens on 4250/tcp, which IANA assigns to vrml-multi-use");
	assert_null(audit_find(a, "squatting", 4250));
	/* What `portkit listeners` shows for the socket. */
	pk_recid ids[4];
	pk_record rec;
	assert_int_equal(pk_port_services(reg, k->port, k->proto, PK_ORIGINMASK_ALL, ids, 4), 1);
	assert_int_equal(pk_record_get(reg, ids[0], &rec, NULL), PK_OK);
	assert_string_equal(rec.name, "vrml-multi-use");
	assert_int_equal(rec.origin, PK_ORIGIN_SUPPLEMENT);
	pk_audit_free(a);
	pk_host_sockets_free(s);
	close(fd);
	pk_registry_close(reg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_listeners),
		cmocka_unit_test(test_port_taken),
		cmocka_unit_test(test_exhaustion),
		cmocka_unit_test(test_settings),
		cmocka_unit_test(test_port_4250),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
