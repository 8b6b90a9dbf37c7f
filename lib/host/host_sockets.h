/*
 * host_sockets.h - private to lib/host: the socket parsers (sockdiag.c for
 * NETLINK_SOCK_DIAG, procnet.c for /proc/net/{tcp,tcp6,udp,udp6}) feed rows
 * into a pk_host_sockets table (socktable.c), which then classifies them;
 * host_sockets.c drives the parsers and the table.  Calls run one way:
 * host_sockets.c -> parsers -> socktable.c.
 * The unit tests and fuzz targets drive the parsers through this header.
 */
#ifndef PK_HOST_SOCKETS_H
#define PK_HOST_SOCKETS_H

#include "core/internal.h"

/* TCP states as the kernel numbers them (include/net/tcp_states.h); UDP
 * reuses them: an unconnected socket is CLOSE, a connected one
 * ESTABLISHED. */
enum {
	PK_TCP_ESTABLISHED = 1,
	PK_TCP_SYN_SENT = 2,
	PK_TCP_SYN_RECV = 3,
	PK_TCP_FIN_WAIT1 = 4,
	PK_TCP_FIN_WAIT2 = 5,
	PK_TCP_TIME_WAIT = 6,
	PK_TCP_CLOSE = 7,
	PK_TCP_CLOSE_WAIT = 8,
	PK_TCP_LAST_ACK = 9,
	PK_TCP_LISTEN = 10,
	PK_TCP_CLOSING = 11,
	PK_TCP_NEW_SYN_RECV = 12
};

/* One socket as a table line or a netlink message describes it. */
typedef struct pk_sockrow {
	pk_proto proto;     /* TCP or UDP */
	uint8_t family;     /* 4 or 6 */
	uint8_t state;      /* PK_TCP_* */
	int8_t v6only;      /* 1, 0, or -1 when the source does not say */
	uint8_t laddr[16];
	uint8_t raddr[16];
	uint16_t lport;
	uint16_t rport;
	uint32_t uid;
	uint32_t ifindex;
	uint64_t inode;
} pk_sockrow;

/* Most rows one read accepts (listed sockets and connections together):
 * memory stays bounded on a host with millions of connections. */
#define PK_SOCKETS_MAX_ROWS ((size_t)1 << 24)

/* An empty set to add rows to; bindv6only is the guess used for rows
 * whose v6only is -1. */
pk_status pk__host_sockets_begin(bool bindv6only, pk_host_sockets **out);
/* PK_SOCKETS_CONNECTIONS: list every connection (pk_host_sockets_conn). */
void pk__host_sockets_keep_conns(pk_host_sockets *s);
/* The ephemeral range, when known, sharpens the inbound/outbound split:
 * a connection from a port outside it to a port inside it is the server
 * end (a listener that is gone, or the TIME_WAIT a server keeps when it
 * closes first), not a connection this host opened. */
void pk__host_sockets_set_range(pk_host_sockets *s, uint16_t lo, uint16_t hi);
/* Keeps a listening or bound socket, or counts a connection.  Rows in
 * states that neither hold a listener nor an outgoing connection (SYN_RECV
 * request sockets, a bound-only TCP socket) are skipped. */
pk_status pk__host_sockets_add_row(pk_host_sockets *s, const pk_sockrow *row);
/* Sorts the list and splits connections into inbound (their local port is
 * a listener's, or see pk__host_sockets_set_range) and outbound, counted
 * per destination. */
pk_status pk__host_sockets_finish(pk_host_sockets *s);
/* Records where rows came from (PK_SOCKTAB_* bits). */
void pk__host_sockets_note_table(pk_host_sockets *s, unsigned table, bool read,
				bool netlink);

/* How many rows the table holds: a reader whose source fails half-way
 * drops what it added since its mark. */
typedef struct pk_sockrows_mark {
	size_t socks, conns, full;
} pk_sockrows_mark;
pk_sockrows_mark pk__host_sockets_mark(const pk_host_sockets *s);
void pk__host_sockets_rollback(pk_host_sockets *s, pk_sockrows_mark m);
/* The listed sockets (after finish: sorted), for the reader to fill in
 * their owners, and the counts it keeps in the table's info. */
pk_socket *pk__host_sockets_sockets(pk_host_sockets *s, size_t *n);
pk_host_sockets_info *pk__host_sockets_info(pk_host_sockets *s);
/* The listed connections (PK_SOCKETS_CONNECTIONS), for their owners. */
pk_conn *pk__host_sockets_conns(pk_host_sockets *s, size_t *n);

/* procnet.c: parses one /proc/net/{tcp,tcp6,udp,udp6} file (data[len] is
 * NUL).  label names the file in messages ("label:LINE: ..."). */
pk_status pk__procnet_parse(pk_host_sockets *s, const char *data, size_t len,
			   pk_proto proto, uint8_t family, const char *label,
			   pk_error *err);

/* sockdiag.c: parses one buffer received from a NETLINK_SOCK_DIAG dump of
 * proto.  *done becomes true at NLMSG_DONE; a kernel error reply becomes
 * PK_UNSUPPORTED (no such diag module) or PK_IO. */
pk_status pk__sockdiag_parse(pk_host_sockets *s, const void *buf, size_t len,
			    pk_proto proto, bool *done, pk_error *err);
/* Dumps one (family, proto) table of this network namespace through
 * netlink into s. */
pk_status pk__sockdiag_dump(pk_host_sockets *s, uint8_t family, pk_proto proto,
			   pk_error *err);

#endif /* PK_HOST_SOCKETS_H */
