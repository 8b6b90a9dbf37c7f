/* helper_audit.c - see helper_audit.h. */
#include <arpa/inet.h>
#include <string.h>

#include "helper_audit.h"

const pk_audit_finding *audit_find(const pk_audit *a, pk_audit_kind kind,
				   uint16_t port)
{
	for (size_t i = 0; i < pk_audit_count(a); i++) {
		const pk_audit_finding *f = pk_audit_get(a, i);
		if (f->kind == kind && (port == 0 || (f->has_port && f->port_lo == port)))
			return f;
	}
	return NULL;
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
