/* helper_audit.c - see helper_audit.h. */
#include <arpa/inet.h>
#include <string.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "helper_audit.h"

static uint16_t finding_port(const pk_finding *f)
{
	uint64_t v;
	pk_port_range r;

	if (pk_finding_uint(f, "port", &v))
		return (uint16_t)v;
	if (pk_finding_range(f, "expected", &r))
		return r.lo;
	return 0;
}

const pk_finding *audit_find(const pk_audit *a, const char *code,
			     uint16_t port)
{
	for (size_t i = 0; i < pk_audit_count(a); i++) {
		const pk_finding *f = pk_audit_get(a, i);
		if (strcmp(pk_finding_code(f), code) == 0 &&
		    (port == 0 || finding_port(f) == port))
			return f;
	}
	return NULL;
}

const char *finding_text(const pk_finding *f, pk_finding_part part)
{
	static char bufs[4][1 << 16];
	char *buf = bufs[(unsigned)part & 3];

	size_t n = pk_finding_text(f, part, buf, sizeof bufs[0]);
	assert_true(n < sizeof bufs[0]);
	assert_int_equal(strlen(buf), n);
	return buf;
}

const pk_fix *fix_step(const pk_finding *f, const char *code)
{
	for (size_t i = 0; i < pk_finding_fix_count(f); i++)
		if (strcmp(pk_finding_fix(f, i)->code, code) == 0)
			return pk_finding_fix(f, i);
	return NULL;
}

uint64_t fact_u(const pk_finding *f, const char *key)
{
	uint64_t v = 0;

	if (!pk_finding_uint(f, key, &v))
		fail_msg("finding %s has no fact '%s'", pk_finding_code(f), key);
	return v;
}

/* An option: "--" starting a word, then a letter ("--expect"); a name
 * of the data such as "foo--bar" is not one. */
static bool has_option(const char *s)
{
	for (const char *p = strstr(s, "--"); p != NULL; p = strstr(p + 1, "--"))
		if ((p == s || p[-1] == ' ' || p[-1] == '(' || p[-1] == '\n') &&
		    p[2] >= 'a' && p[2] <= 'z')
			return true;
	return false;
}

void assert_no_cli_syntax(const pk_finding *f)
{
	for (int part = PK_FINDING_SUMMARY; part <= PK_FINDING_CITE; part++) {
		const char *s = finding_text(f, (pk_finding_part)part);
		if (strstr(s, "portkit ") != NULL || has_option(s) ||
		    strstr(s, "PROC_ROOT") != NULL)
			fail_msg("%s: command-line syntax in '%s'",
				 pk_finding_code(f), s);
	}
}

const pk_socket *socket_find(const pk_host_sockets *s, pk_proto proto,
			     uint16_t port)
{
	for (size_t i = 0; i < pk_host_sockets_count(s); i++) {
		const pk_socket *k = pk_host_sockets_get(s, i);
		if (k->proto == proto && k->port == port)
			return k;
	}
	return NULL;
}

pk_sockrow sockrow4(pk_proto proto, uint8_t state, const char *laddr,
		    uint16_t lport, const char *raddr, uint16_t rport)
{
	pk_sockrow r;

	memset(&r, 0, sizeof r);
	r.proto = proto;
	r.family = 4;
	r.state = state;
	r.v6only = -1;
	inet_pton(AF_INET, laddr, r.laddr);
	inet_pton(AF_INET, raddr, r.raddr);
	r.lport = lport;
	r.rport = rport;
	r.inode = 1;
	return r;
}
