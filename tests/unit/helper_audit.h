/* helper_audit.h - what the host-socket and audit tests share: looking a
 * finding or a socket up, building socket rows by hand, and a substring
 * assertion that prints both strings.  Include after cmocka.h. */
#ifndef HELPER_AUDIT_H
#define HELPER_AUDIT_H

#include "host/host_sockets.h"

/* The finding with code about port (0: any port), or NULL: its fact
 * "port", or the first port of its fact "expected". */
const pk_finding *audit_find(const pk_audit *a, const char *code,
			     uint16_t port);
/* One part of a finding's words (pk_finding_text); each part has a buffer
 * of its own, valid until the next call for that part. */
const char *finding_text(const pk_finding *f, pk_finding_part part);
#define SUMMARY(f) finding_text((f), PK_FINDING_SUMMARY)
#define DETAIL(f) finding_text((f), PK_FINDING_DETAIL)
#define FIX(f) finding_text((f), PK_FINDING_FIX)
#define CITE(f) finding_text((f), PK_FINDING_CITE)
/* The fix step of f with code, or NULL. */
const pk_fix *fix_step(const pk_finding *f, const char *code);
/* The uint fact key of f; fails the test when there is none. */
uint64_t fact_u(const pk_finding *f, const char *key);
/* Fails the test when the words of f hold command-line syntax: the
 * program's name or an option. */
void assert_no_cli_syntax(const pk_finding *f);
/* The first listed socket of (proto, port), or NULL. */
const pk_socket *socket_find(const pk_host_sockets *s, pk_proto proto,
			     uint16_t port);
/* An IPv4 row as a reader would produce it (v6only unknown, inode 1). */
pk_sockrow sockrow4(pk_proto proto, uint8_t state, const char *laddr,
		    uint16_t lport, const char *raddr, uint16_t rport);

#define assert_contains(hay, needle)                                        \
	do {                                                                \
		if (strstr((hay), (needle)) == NULL)                        \
			fail_msg("'%s' not in '%s'", (needle), (hay));      \
	} while (0)

#endif /* HELPER_AUDIT_H */
