/* test_host_sockets.c - the socket readers: /proc/net table lines, netlink
 * sock_diag messages (built by hand here), classification of connections
 * into inbound and outbound, the fixture proc tree, and this host's own
 * sockets read both ways. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <cmocka.h>

#include "helper_audit.h"

#define HDR "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"

static pk_host_sockets *parse_ok(const char *data, pk_proto proto,
				 uint8_t family)
{
	pk_host_sockets *s;
	pk_error err;

	assert_int_equal(pk__host_sockets_begin(false, &s), PK_OK);
	pk_status st = pk__procnet_parse(s, data, strlen(data), proto, family,
					"fixture", &err);
	if (st != PK_OK)
		fail_msg("parse failed: %s", err.message);
	assert_int_equal(pk__host_sockets_finish(s), PK_OK);
	return s;
}

static void test_procnet_tcp4(void **state)
{
	(void)state;
	/* 127.0.0.1:631 listening; 0.0.0.0:22 listening; on a little-endian
	 * host the kernel prints 127.0.0.1 as 0100007F (see procnet.c). */
	const char *data =
		HDR
		"   0: 0100007F:0277 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 17042 1 0000000000000000 100 0 0 10 0\n"
		"   1: 00000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000   105        0 17000 1 0000000000000000 100 0 0 10 0\n";
	uint16_t probe = 1;
	if (*(uint8_t *)&probe != 1)
		skip(); /* the fixture words are little-endian */
	pk_host_sockets *s = parse_ok(data, PK_PROTO_TCP, 4);
	assert_int_equal(pk_host_sockets_count(s), 2);
	/* Sorted by port. */
	const pk_socket *k = pk_host_sockets_get(s, 0);
	assert_int_equal(k->port, 22);
	assert_int_equal(k->uid, 105);
	assert_int_equal(k->inode, 17000);
	assert_int_equal(k->family, 4);
	assert_int_equal(k->proto, PK_PROTO_TCP);
	assert_false(k->dual_stack);
	k = pk_host_sockets_get(s, 1);
	assert_int_equal(k->port, 631);
	char buf[64];
	assert_string_equal(pk_addr_format(4, k->addr, buf, sizeof buf), "127.0.0.1");
	assert_null(pk_host_sockets_get(s, 2));
	pk_host_sockets_free(s);
}

static void test_procnet_bad(void **state)
{
	static const struct {
		const char *line;
		const char *what; /* in the message */
	} cases[] = {
		{ "   0: 0100007F:0277 00000000:0000 0A 00000000:00000000\n", "too few fields" },
		{ "   0: 0100007G:0277 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 1\n", "local address" },
		{ "   0: 0100007F0277 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 1\n", "local address" },
		{ "   0: 0100007F:02770 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 1\n", "local address" },
		{ "   0: 0100007F:0277 00000000:000 0A 00000000:00000000 00:00000000 00000000 0 0 1\n", "remote address" },
		{ "   0: 0100007F:0277 00000000:0000 00 00000000:00000000 00:00000000 00000000 0 0 1\n", "state" },
		{ "   0: 0100007F:0277 00000000:0000 0D 00000000:00000000 00:00000000 00000000 0 0 1\n", "state" },
		{ "   0: 0100007F:0277 00000000:0000 A 00000000:00000000 00:00000000 00000000 0 0 1\n", "state" },
		{ "   0: 0100007F:0277 00000000:0000 0A 00000000:00000000 00:00000000 00000000 4294967296 0 1\n", "uid" },
		{ "   0: 0100007F:0277 00000000:0000 0A 00000000:00000000 00:00000000 00000000 -1 0 1\n", "uid" },
		{ "   0: 0100007F:0277 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 18446744073709551616\n", "inode" },
		{ "   0: 0100007F:0277 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 12x\n", "inode" },
		{ "   0 0100007F:0277 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 1\n", "slot" },
	};
	pk_error err;

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		pk_host_sockets *s;
		char data[512];
		snprintf(data, sizeof data, HDR "%s", cases[i].line);
		assert_int_equal(pk__host_sockets_begin(false, &s), PK_OK);
		pk_status st = pk__procnet_parse(s, data, strlen(data), PK_PROTO_TCP,
						4, "t/net/tcp", &err);
		if (st != PK_PARSE || strstr(err.message, cases[i].what) == NULL ||
		    strstr(err.message, "t/net/tcp:2:") == NULL)
			fail_msg("case %zu: status %d, message '%s'", i, st,
				 err.message);
		pk_host_sockets_free(s);
	}

	/* A NUL inside, a line longer than any real one, a tcp6 address
	 * in the tcp table. */
	pk_host_sockets *s;
	assert_int_equal(pk__host_sockets_begin(false, &s), PK_OK);
	const char nul[] = "  sl\n   0: 0100\0007F:0277\n";
	assert_int_equal(pk__procnet_parse(s, nul, sizeof nul - 1, PK_PROTO_TCP, 4,
					  "t", &err), PK_PARSE);
	assert_non_null(strstr(err.message, "t:2: NUL"));
	char *big = malloc(5000);
	memset(big, '1', 4999);
	big[4999] = '\0';
	assert_int_equal(pk__procnet_parse(s, big, 4999, PK_PROTO_TCP, 4, "t",
					  &err), PK_PARSE);
	assert_non_null(strstr(err.message, "longer"));
	free(big);
	const char *v6line =
		"   0: 00000000000000000000000000000000:1F90 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 5\n";
	assert_int_equal(pk__procnet_parse(s, v6line, strlen(v6line), PK_PROTO_TCP,
					  4, "t", &err), PK_PARSE);
	/* ... which is fine in tcp6; a table that does not exist is not. */
	assert_int_equal(pk__procnet_parse(s, v6line, strlen(v6line), PK_PROTO_TCP,
					  6, "t", &err), PK_OK);
	assert_int_equal(pk__procnet_parse(s, v6line, strlen(v6line), PK_PROTO_SCTP,
					  6, "t", &err), PK_INVAL);
	/* Empty input and blank lines are no sockets, not errors. */
	assert_int_equal(pk__procnet_parse(s, "", 0, PK_PROTO_UDP, 4, "t", &err), PK_OK);
	assert_int_equal(pk__procnet_parse(s, "\n  \n", 4, PK_PROTO_UDP, 4, "t", &err), PK_OK);
	pk_host_sockets_free(s);
}

/* Rows are built directly (sockrow4): the classification does not depend
 * on the reader. */
static void test_classify(void **state)
{
	pk_host_sockets *s;

	(void)state;
	assert_int_equal(pk__host_sockets_begin(false, &s), PK_OK);
	pk_sockrow rows[] = {
		/* inbound on a listener's port: not load */
		sockrow4(PK_PROTO_TCP, PK_TCP_ESTABLISHED, "10.0.0.1", 22, "10.0.0.9", 50000),
		sockrow4(PK_PROTO_TCP, PK_TCP_LISTEN, "0.0.0.0", 22, "0.0.0.0", 0),
		/* outbound: 3 to 1.1.1.1:443 (one TIME_WAIT, one SYN_SENT) */
		sockrow4(PK_PROTO_TCP, PK_TCP_ESTABLISHED, "10.0.0.1", 40001, "1.1.1.1", 443),
		sockrow4(PK_PROTO_TCP, PK_TCP_TIME_WAIT, "10.0.0.1", 40002, "1.1.1.1", 443),
		sockrow4(PK_PROTO_TCP, PK_TCP_SYN_SENT, "10.0.0.1", 40003, "1.1.1.1", 443),
		/* 1 to 1.1.1.1:80: another destination */
		sockrow4(PK_PROTO_TCP, PK_TCP_ESTABLISHED, "10.0.0.1", 40001, "1.1.1.1", 80),
		/* request sockets and bound-only TCP sockets are skipped */
		sockrow4(PK_PROTO_TCP, PK_TCP_SYN_RECV, "10.0.0.1", 22, "9.9.9.9", 1234),
		sockrow4(PK_PROTO_TCP, PK_TCP_CLOSE, "0.0.0.0", 5000, "0.0.0.0", 0),
		/* UDP: unconnected is listed, connected is load */
		sockrow4(PK_PROTO_UDP, PK_TCP_CLOSE, "0.0.0.0", 53, "0.0.0.0", 0),
		sockrow4(PK_PROTO_UDP, PK_TCP_ESTABLISHED, "10.0.0.1", 45000, "8.8.8.8", 53),
		/* a server's connected UDP socket on its own port: inbound */
		sockrow4(PK_PROTO_UDP, PK_TCP_ESTABLISHED, "10.0.0.1", 53, "8.8.4.4", 5353),
	};
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
		assert_int_equal(pk__host_sockets_add_row(s, &rows[i]), PK_OK);
	/* An IPv6 dual-stack socket talking to an IPv4 peer is an IPv4
	 * flow to that peer. */
	pk_sockrow m;
	memset(&m, 0, sizeof m);
	m.proto = PK_PROTO_TCP;
	m.family = 6;
	m.state = PK_TCP_ESTABLISHED;
	m.v6only = -1;
	inet_pton(AF_INET6, "::ffff:10.0.0.1", m.laddr);
	inet_pton(AF_INET6, "::ffff:1.1.1.1", m.raddr);
	m.lport = 40004;
	m.rport = 443;
	assert_int_equal(pk__host_sockets_add_row(s, &m), PK_OK);
	assert_int_equal(pk__host_sockets_finish(s), PK_OK);

	assert_int_equal(pk_host_sockets_count(s), 2);
	assert_int_equal(pk_host_sockets_get(s, 0)->proto, PK_PROTO_TCP);
	assert_int_equal(pk_host_sockets_get(s, 1)->proto, PK_PROTO_UDP);
	pk_host_sockets_info info;
	pk_host_sockets_get_info(s, &info);
	assert_int_equal(info.outbound, 6);
	assert_int_equal(pk_host_sockets_dest_count(s), 3);
	const pk_dest_load *d = pk_host_sockets_dest(s, 0);
	char buf[64];
	assert_string_equal(pk_addr_format(d->family, d->addr, buf, sizeof buf), "1.1.1.1");
	assert_int_equal(d->port, 443);
	assert_int_equal(d->count, 4);
	assert_int_equal(d->time_wait, 1);
	assert_int_equal(d->proto, PK_PROTO_TCP);
	/* Ties are ordered by transport then address and port. */
	assert_int_equal(pk_host_sockets_dest(s, 1)->port, 80);
	assert_int_equal(pk_host_sockets_dest(s, 2)->proto, PK_PROTO_UDP);
	assert_null(pk_host_sockets_dest(s, 3));
	const pk_portset *out = pk_host_sockets_outbound_ports(s, PK_PROTO_TCP);
	assert_true(pk_portset_contains(out, 40001));
	assert_true(pk_portset_contains(out, 40004));
	assert_false(pk_portset_contains(out, 22));
	out = pk_host_sockets_outbound_ports(s, PK_PROTO_UDP);
	assert_true(pk_portset_contains(out, 45000));
	assert_false(pk_portset_contains(out, 53));
	pk_host_sockets_free(s);
	pk_host_sockets_free(NULL);
}

static void test_classify_range(void **state)
{
	pk_host_sockets *s;

	(void)state;
	assert_int_equal(pk__host_sockets_begin(false, &s), PK_OK);
	pk__host_sockets_set_range(s, 32768, 60999);
	pk_sockrow rows[] = {
		/* A server that closed first keeps TIME_WAIT on its own port,
		 * its listener may be gone: from 80 to a client's 45000. */
		sockrow4(PK_PROTO_TCP, PK_TCP_TIME_WAIT, "10.0.0.1", 80, "10.0.0.9", 45000),
		/* This host's own connection: from the range to 443. */
		sockrow4(PK_PROTO_TCP, PK_TCP_ESTABLISHED, "10.0.0.1", 45001, "10.0.0.9", 443),
		/* Both inside the range (loopback tests): outbound. */
		sockrow4(PK_PROTO_TCP, PK_TCP_ESTABLISHED, "127.0.0.1", 45002, "127.0.0.1", 45003),
		/* Explicitly bound outside the range, to a server port. */
		sockrow4(PK_PROTO_TCP, PK_TCP_ESTABLISHED, "10.0.0.1", 1000, "10.0.0.9", 2049),
	};
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
		assert_int_equal(pk__host_sockets_add_row(s, &rows[i]), PK_OK);
	assert_int_equal(pk__host_sockets_finish(s), PK_OK);
	pk_host_sockets_info info;
	pk_host_sockets_get_info(s, &info);
	assert_int_equal(info.outbound, 3);
	const pk_portset *out = pk_host_sockets_outbound_ports(s, PK_PROTO_TCP);
	assert_false(pk_portset_contains(out, 80));
	assert_true(pk_portset_contains(out, 45001));
	assert_true(pk_portset_contains(out, 1000));
	pk_host_sockets_free(s);
}

static void test_dual_stack(void **state)
{
	pk_host_sockets *s;
	pk_sockrow r;

	(void)state;
	/* Known from the kernel: v6only 0 on [::] is dual-stack; on ::1 it
	 * is not (no IPv4 address is ::1); v6only 1 never is. */
	assert_int_equal(pk__host_sockets_begin(true, &s), PK_OK);
	memset(&r, 0, sizeof r);
	r.proto = PK_PROTO_TCP;
	r.family = 6;
	r.state = PK_TCP_LISTEN;
	r.lport = 1;
	r.v6only = 0;
	assert_int_equal(pk__host_sockets_add_row(s, &r), PK_OK);
	r.lport = 2;
	r.v6only = 1;
	assert_int_equal(pk__host_sockets_add_row(s, &r), PK_OK);
	r.lport = 3;
	r.v6only = -1; /* unknown: the guess (bindv6only = 1 here) */
	assert_int_equal(pk__host_sockets_add_row(s, &r), PK_OK);
	r.lport = 4;
	r.v6only = 0;
	inet_pton(AF_INET6, "::1", r.laddr);
	assert_int_equal(pk__host_sockets_add_row(s, &r), PK_OK);
	r.lport = 5;
	inet_pton(AF_INET6, "::ffff:127.0.0.1", r.laddr);
	assert_int_equal(pk__host_sockets_add_row(s, &r), PK_OK);
	assert_int_equal(pk__host_sockets_finish(s), PK_OK);
	const pk_socket *k = pk_host_sockets_get(s, 0);
	assert_true(k->dual_stack && k->v6only_known);
	assert_true(pk_socket_serves(k, 4) && pk_socket_serves(k, 6));
	k = pk_host_sockets_get(s, 1);
	assert_true(!k->dual_stack && k->v6only_known);
	assert_true(!pk_socket_serves(k, 4) && pk_socket_serves(k, 6));
	k = pk_host_sockets_get(s, 2);
	assert_true(!k->dual_stack && !k->v6only_known);
	k = pk_host_sockets_get(s, 3);
	assert_false(k->dual_stack);
	char buf[64];
	assert_string_equal(pk_addr_format(6, k->addr, buf, sizeof buf), "::1");
	/* Bound to an IPv4-mapped address: IPv4 only. */
	k = pk_host_sockets_get(s, 4);
	assert_true(pk_socket_serves(k, 4) && !pk_socket_serves(k, 6));
	pk_host_sockets_free(s);
}

/* ---- netlink messages, built as the kernel lays them out ---------------- */

typedef struct nlbuf {
	uint8_t data[4096];
	size_t len;
} nlbuf;

static void nl_diag(nlbuf *b, uint8_t family, uint8_t state, const char *src,
		    uint16_t sport, uint32_t inode, int v6only)
{
	struct nlmsghdr h = { 0 };
	struct inet_diag_msg m = { 0 };
	size_t attr = v6only >= 0 ? RTA_SPACE(1) : 0;

	h.nlmsg_len = (uint32_t)(NLMSG_LENGTH(sizeof m) + attr);
	h.nlmsg_type = SOCK_DIAG_BY_FAMILY;
	m.idiag_family = family;
	m.idiag_state = state;
	m.id.idiag_sport = htons(sport);
	inet_pton(family, src, m.id.idiag_src);
	m.idiag_uid = 1000;
	m.idiag_inode = inode;
	memcpy(b->data + b->len, &h, sizeof h);
	memcpy(b->data + b->len + NLMSG_HDRLEN, &m, sizeof m);
	if (attr) {
		struct rtattr a = { .rta_len = RTA_LENGTH(1),
				    .rta_type = INET_DIAG_SKV6ONLY };
		uint8_t *p = b->data + b->len + NLMSG_HDRLEN + NLMSG_ALIGN(sizeof m);
		memcpy(p, &a, sizeof a);
		p[RTA_LENGTH(0)] = (uint8_t)v6only;
	}
	b->len += NLMSG_ALIGN(h.nlmsg_len);
}

static void nl_simple(nlbuf *b, uint16_t type, int error)
{
	struct nlmsghdr h = { 0 };
	size_t plen = type == NLMSG_ERROR ? sizeof(struct nlmsgerr) : sizeof(int);

	h.nlmsg_len = (uint32_t)NLMSG_LENGTH(plen);
	h.nlmsg_type = type;
	memcpy(b->data + b->len, &h, sizeof h);
	memset(b->data + b->len + NLMSG_HDRLEN, 0, plen);
	memcpy(b->data + b->len + NLMSG_HDRLEN, &error, sizeof error);
	b->len += NLMSG_ALIGN(h.nlmsg_len);
}

static void test_sockdiag_parse(void **state)
{
	static nlbuf b;
	pk_host_sockets *s;
	pk_error err;
	bool done;

	(void)state;
	b.len = 0;
	nl_diag(&b, AF_INET, PK_TCP_LISTEN, "127.0.0.1", 8080, 77, -1);
	nl_diag(&b, AF_INET6, PK_TCP_LISTEN, "::", 8081, 78, 0);
	nl_diag(&b, AF_INET6, PK_TCP_LISTEN, "::", 8082, 79, 1);
	nl_diag(&b, 99, PK_TCP_LISTEN, "::", 8083, 80, -1); /* not inet: skipped */
	size_t before_done = b.len;
	nl_simple(&b, NLMSG_DONE, 0);
	assert_int_equal(pk__host_sockets_begin(false, &s), PK_OK);
	/* In two receives, as a dump arrives. */
	assert_int_equal(pk__sockdiag_parse(s, b.data, before_done, PK_PROTO_TCP,
					   &done, &err), PK_OK);
	assert_false(done);
	assert_int_equal(pk__sockdiag_parse(s, b.data + before_done,
					   b.len - before_done, PK_PROTO_TCP,
					   &done, &err), PK_OK);
	assert_true(done);
	assert_int_equal(pk__host_sockets_finish(s), PK_OK);
	assert_int_equal(pk_host_sockets_count(s), 3);
	const pk_socket *k = pk_host_sockets_get(s, 0);
	char buf[64];
	assert_int_equal(k->port, 8080);
	assert_int_equal(k->inode, 77);
	assert_int_equal(k->uid, 1000);
	assert_string_equal(pk_addr_format(k->family, k->addr, buf, sizeof buf),
			    "127.0.0.1");
	assert_true(pk_host_sockets_get(s, 1)->dual_stack);
	assert_true(pk_host_sockets_get(s, 1)->v6only_known);
	assert_false(pk_host_sockets_get(s, 2)->dual_stack);
	pk_host_sockets_free(s);
}

static void test_sockdiag_bad(void **state)
{
	static nlbuf b;
	pk_host_sockets *s;
	pk_error err;
	bool done;

	(void)state;
	assert_int_equal(pk__host_sockets_begin(false, &s), PK_OK);
	/* The kernel has no diag handler for this transport. */
	b.len = 0;
	nl_simple(&b, NLMSG_ERROR, -ENOENT);
	assert_int_equal(pk__sockdiag_parse(s, b.data, b.len, PK_PROTO_UDP, &done,
					   &err), PK_UNSUPPORTED);
	b.len = 0;
	nl_simple(&b, NLMSG_ERROR, -EACCES);
	assert_int_equal(pk__sockdiag_parse(s, b.data, b.len, PK_PROTO_UDP, &done,
					   &err), PK_IO);
	/* Not an errno at all (found by fuzz_sockdiag: INT_MIN cannot be
	 * negated). */
	b.len = 0;
	nl_simple(&b, NLMSG_ERROR, INT32_MIN);
	assert_int_equal(pk__sockdiag_parse(s, b.data, b.len, PK_PROTO_UDP, &done,
					   &err), PK_IO);
	b.len = 0;
	nl_simple(&b, NLMSG_ERROR, 5);
	assert_int_equal(pk__sockdiag_parse(s, b.data, b.len, PK_PROTO_UDP, &done,
					   &err), PK_IO);
	/* A length beyond the buffer, a length below the header. */
	b.len = 0;
	nl_diag(&b, AF_INET, PK_TCP_LISTEN, "127.0.0.1", 1, 1, -1);
	assert_int_equal(pk__sockdiag_parse(s, b.data, b.len - 8, PK_PROTO_TCP,
					   &done, &err), PK_PARSE);
	struct nlmsghdr h = { .nlmsg_len = 4, .nlmsg_type = SOCK_DIAG_BY_FAMILY };
	memcpy(b.data, &h, sizeof h);
	assert_int_equal(pk__sockdiag_parse(s, b.data, sizeof h, PK_PROTO_TCP,
					   &done, &err), PK_PARSE);
	/* A message too short for inet_diag_msg. */
	h.nlmsg_len = NLMSG_LENGTH(8);
	memcpy(b.data, &h, sizeof h);
	assert_int_equal(pk__sockdiag_parse(s, b.data, NLMSG_LENGTH(8), PK_PROTO_TCP,
					   &done, &err), PK_PARSE);
	assert_non_null(strstr(err.message, "sock_diag"));
	/* An attribute that claims more than its message holds. */
	b.len = 0;
	nl_diag(&b, AF_INET6, PK_TCP_LISTEN, "::", 1, 1, 1);
	struct rtattr a = { .rta_len = 200, .rta_type = INET_DIAG_SKV6ONLY };
	memcpy(b.data + NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(struct inet_diag_msg)),
	       &a, sizeof a);
	assert_int_equal(pk__sockdiag_parse(s, b.data, b.len, PK_PROTO_TCP, &done,
					   &err), PK_PARSE);
	/* A short tail that is no message is ignored, as NLMSG_OK does. */
	assert_int_equal(pk__sockdiag_parse(s, b.data, 7, PK_PROTO_TCP, &done,
					   &err), PK_OK);
	pk_host_sockets_free(s);
}

/* Inputs fuzz_sockdiag once crashed on (tests/data/fuzz/sockdiag/), fed
 * the way the fuzz target feeds them: a selector byte, then the buffer. */
static void test_sockdiag_regressions(void **state)
{
	char dir[512];
	const char *top = getenv("PK_TEST_DATA");
	struct dirent *e;
	int n = 0;

	(void)state;
	snprintf(dir, sizeof dir, "%s/fuzz/sockdiag", top ? top : "tests/data");
	DIR *d = opendir(dir);
	if (d == NULL)
		skip();
	while ((e = readdir(d)) != NULL) {
		char path[1024];
		uint8_t buf[65536];
		pk_host_sockets *s;
		pk_error err;
		bool done;
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		FILE *f = fopen(path, "rb");
		assert_non_null(f);
		size_t len = fread(buf, 1, sizeof buf, f);
		fclose(f);
		assert_true(len >= 1);
		assert_int_equal(pk__host_sockets_begin(false, &s), PK_OK);
		uint8_t *copy = malloc(len);
		memcpy(copy, buf + 1, len - 1);
		if (pk__sockdiag_parse(s, copy, len - 1, buf[0] & 1 ? PK_PROTO_UDP : PK_PROTO_TCP,
				      &done, &err) == PK_OK)
			assert_int_equal(pk__host_sockets_finish(s), PK_OK);
		free(copy);
		pk_host_sockets_free(s);
		n++;
	}
	closedir(d);
	assert_true(n > 0);
}

/* ---- the fixture proc tree ---------------------------------------------- */

static const char *data_dir(const char *name, char *buf, size_t size)
{
	const char *top = getenv("PK_TEST_DATA");
	snprintf(buf, size, "%s/%s", top ? top : "tests/data", name);
	return buf;
}

static void test_fixture_tree(void **state)
{
	char dir[512];
	pk_host_sockets *s;
	pk_error err;
	uint16_t probe = 1;

	(void)state;
	if (*(uint8_t *)&probe != 1)
		skip();
	data_dir("proc-audit", dir, sizeof dir);
	/* Netlink is not asked: this tree describes another host. */
	assert_int_equal(pk_host_sockets_read(dir, 0, &s, &err), PK_OK);
	pk_host_sockets_info info;
	pk_host_sockets_get_info(s, &info);
	assert_string_equal(info.source, "proc");
	assert_int_equal(info.tables, PK_SOCKTAB_TCP4 | PK_SOCKTAB_TCP6 | PK_SOCKTAB_UDP4);
	assert_int_equal(info.missing, PK_SOCKTAB_UDP6);
	assert_int_equal(pk_host_sockets_count(s), 6);
	assert_int_equal(info.procs_scanned, 5);
	assert_int_equal(info.procs_denied, 0);
	assert_int_equal(info.owners_unknown, 1);
	assert_int_equal(info.outbound, 4);

	const pk_socket *k = socket_find(s, PK_PROTO_TCP, 40000);
	assert_non_null(k);
	assert_int_equal(k->pid, 4242);
	assert_string_equal(k->comm, "billing");
	assert_int_equal(k->uid, 1000);
	assert_int_equal(k->nprocs, 1);
	k = socket_find(s, PK_PROTO_TCP, 8080);
	assert_non_null(k);
	assert_int_equal(k->family, 6);
	assert_true(k->dual_stack);       /* bindv6only is 0 in the tree */
	assert_false(k->v6only_known);
	assert_string_equal(k->comm, "node");
	k = socket_find(s, PK_PROTO_UDP, 45000);
	assert_non_null(k);
	assert_int_equal(k->pid, 0);
	assert_string_equal(k->comm, "");

	/* Three IPv4 connections and one over a dual-stack socket go to
	 * 10.0.0.5:443; the one to port 22 came in. */
	assert_int_equal(pk_host_sockets_dest_count(s), 1);
	const pk_dest_load *d = pk_host_sockets_dest(s, 0);
	assert_int_equal(d->count, 4);
	assert_int_equal(d->time_wait, 1);
	assert_int_equal(d->family, 4);
	const pk_portset *out = pk_host_sockets_outbound_ports(s, PK_PROTO_TCP);
	assert_int_equal(pk_portset_count(out, 0, 65535), 4);
	assert_true(pk_portset_contains(out, 40200));
	pk_host_sockets_free(s);

	/* Without the owner scan, nobody owns anything. */
	assert_int_equal(pk_host_sockets_read(dir, PK_SOCKETS_NO_OWNERS, &s, &err), PK_OK);
	pk_host_sockets_get_info(s, &info);
	assert_int_equal(info.owners_unknown, 6);
	assert_int_equal(info.procs_scanned, 0);
	pk_host_sockets_free(s);

	/* $PROC_ROOT is the default root. */
	setenv("PROC_ROOT", dir, 1);
	assert_int_equal(pk_host_sockets_read(NULL, 0, &s, &err), PK_OK);
	assert_int_equal(pk_host_sockets_count(s), 6);
	pk_host_sockets_free(s);
	unsetenv("PROC_ROOT");

	/* No table at all is an error naming the root. */
	assert_int_equal(pk_host_sockets_read("/nonexistent-proc", 0, &s, &err), PK_IO);
	assert_null(s);
	assert_non_null(strstr(err.message, "/nonexistent-proc"));
}

/* ---- this host, both ways ---------------------------------------------- */

static int listen_loopback(int type, uint16_t *port)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t len = sizeof a;
	int fd = socket(AF_INET, type, 0);

	assert_true(fd >= 0);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
	if (type == SOCK_STREAM)
		assert_int_equal(listen(fd, 8), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	*port = ntohs(a.sin_port);
	return fd;
}

static void check_live(unsigned flags, uint16_t tport, uint16_t uport,
		       uint16_t cport)
{
	pk_host_sockets *s;
	pk_error err;

	assert_int_equal(pk_host_sockets_read("/proc", flags, &s, &err), PK_OK);
	pk_host_sockets_info info;
	pk_host_sockets_get_info(s, &info);
	assert_string_equal(info.source, flags & PK_SOCKETS_NO_NETLINK ? "proc" : "netlink");
	const pk_socket *k = socket_find(s, PK_PROTO_TCP, tport);
	assert_non_null(k);
	/* Our own descriptors are always readable. */
	assert_int_equal(k->pid, getpid());
	assert_int_equal(k->uid, getuid());
	assert_non_null(socket_find(s, PK_PROTO_UDP, uport));
	/* The client end of our connection is outbound load to our
	 * listener; its accepted end is not. */
	assert_true(pk_portset_contains(pk_host_sockets_outbound_ports(s, PK_PROTO_TCP),
					cport));
	assert_false(pk_portset_contains(pk_host_sockets_outbound_ports(s, PK_PROTO_TCP),
					 tport));
	bool found = false;
	for (size_t i = 0; i < pk_host_sockets_dest_count(s); i++) {
		const pk_dest_load *d = pk_host_sockets_dest(s, i);
		if (d->proto == PK_PROTO_TCP && d->port == tport && d->family == 4 &&
		    d->addr[0] == 127)
			found = d->count >= 1;
	}
	assert_true(found);
	pk_host_sockets_free(s);
}

static void test_live(void **state)
{
	uint16_t tport, uport, cport;

	(void)state;
	if (access("/proc/net/tcp", R_OK) != 0)
		skip();
	int t = listen_loopback(SOCK_STREAM, &tport);
	int u = listen_loopback(SOCK_DGRAM, &uport);
	int c = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(tport) };
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(connect(c, (struct sockaddr *)&a, sizeof a), 0);
	socklen_t len = sizeof a;
	assert_int_equal(getsockname(c, (struct sockaddr *)&a, &len), 0);
	cport = ntohs(a.sin_port);
	int acc = accept(t, NULL, NULL);
	assert_true(acc >= 0);

	check_live(PK_SOCKETS_NO_NETLINK, tport, uport, cport);
	/* Where sock_diag is not allowed (a seccomp sandbox), the reader
	 * falls back to the files and says so. */
	pk_host_sockets *s;
	pk_error err;
	assert_int_equal(pk_host_sockets_read("/proc", 0, &s, &err), PK_OK);
	pk_host_sockets_info info;
	pk_host_sockets_get_info(s, &info);
	pk_host_sockets_free(s);
	if (strcmp(info.source, "netlink") == 0)
		check_live(0, tport, uport, cport);
	close(acc);
	close(c);
	close(u);
	close(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_procnet_tcp4),
		cmocka_unit_test(test_procnet_bad),
		cmocka_unit_test(test_classify),
		cmocka_unit_test(test_classify_range),
		cmocka_unit_test(test_dual_stack),
		cmocka_unit_test(test_sockdiag_parse),
		cmocka_unit_test(test_sockdiag_bad),
		cmocka_unit_test(test_sockdiag_regressions),
		cmocka_unit_test(test_fixture_tree),
		cmocka_unit_test(test_live),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
