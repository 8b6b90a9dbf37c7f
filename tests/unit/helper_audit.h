/* helper_audit.h - what the host-socket and audit tests share: looking a
 * finding or a socket up, building socket rows by hand, and a substring
 * assertion that prints both strings.  Include after cmocka.h. */
#ifndef HELPER_AUDIT_H
#define HELPER_AUDIT_H

#include "host/host_sockets.h"

/* The finding of kind about port (0: any port), or NULL. */
const pk_audit_finding *audit_find(const pk_audit *a, pk_audit_kind kind,
				   uint16_t port);
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
