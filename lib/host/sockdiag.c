/* sockdiag.c - socket tables through NETLINK_SOCK_DIAG (inet_diag_req_v2),
 * the interface ss(8) uses: no root needed, one dump per (family,
 * transport), and for IPv6 listeners the kernel says whether IPV6_V6ONLY is
 * set (INET_DIAG_SKV6ONLY, sent for LISTEN and CLOSE sockets by
 * net/ipv4/inet_diag.c inet_diag_msg_attrs_fill). */
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>

#include "host/host_sockets.h"

/* Everything is read with memcpy: a fuzzer's buffer need not be aligned. */
static pk_status parse_diag_msg(pk_host_sockets *s, const uint8_t *p,
				size_t len, pk_proto proto, pk_error *err)
{
	struct inet_diag_msg m;
	pk_sockrow row;

	if (len < sizeof m)
		return pk__error_set(err, PK_PARSE,
				    "sock_diag: message of %zu bytes, expected at least %zu",
				    len, sizeof m);
	memcpy(&m, p, sizeof m);
	if (m.idiag_family != AF_INET && m.idiag_family != AF_INET6)
		return PK_OK;
	memset(&row, 0, sizeof row);
	row.proto = proto;
	row.family = m.idiag_family == AF_INET ? 4 : 6;
	row.state = m.idiag_state;
	row.v6only = -1;
	memcpy(row.laddr, m.id.idiag_src, 16);
	memcpy(row.raddr, m.id.idiag_dst, 16);
	if (row.family == 4) {
		memset(row.laddr + 4, 0, 12);
		memset(row.raddr + 4, 0, 12);
	}
	row.lport = ntohs(m.id.idiag_sport);
	row.rport = ntohs(m.id.idiag_dport);
	row.uid = m.idiag_uid;
	row.ifindex = m.id.idiag_if;
	row.inode = m.idiag_inode;

	/* Attributes follow the aligned message. */
	size_t off = NLMSG_ALIGN(sizeof m);
	while (off + sizeof(struct rtattr) <= len) {
		struct rtattr a;
		memcpy(&a, p + off, sizeof a);
		if (a.rta_len < sizeof a || a.rta_len > len - off)
			return pk__error_set(err, PK_PARSE,
					    "sock_diag: attribute of length %u overruns its message",
					    (unsigned)a.rta_len);
		if (a.rta_type == INET_DIAG_SKV6ONLY && a.rta_len > sizeof a)
			row.v6only = p[off + RTA_ALIGN(sizeof a)] != 0;
		off += RTA_ALIGN(a.rta_len);
	}
	return pk__host_sockets_add_row(s, &row);
}

pk_status pk__sockdiag_parse(pk_host_sockets *s, const void *buf, size_t len,
			    pk_proto proto, bool *done, pk_error *err)
{
	const uint8_t *p = buf;
	pk_status st;

	*done = false;
	while (len >= sizeof(struct nlmsghdr)) {
		struct nlmsghdr h;
		memcpy(&h, p, sizeof h);
		if (h.nlmsg_len < sizeof h || h.nlmsg_len > len)
			return pk__error_set(err, PK_PARSE,
					    "sock_diag: message length %u, %zu bytes left",
					    (unsigned)h.nlmsg_len, len);
		const uint8_t *payload = p + NLMSG_HDRLEN;
		size_t plen = h.nlmsg_len > NLMSG_HDRLEN ? h.nlmsg_len - NLMSG_HDRLEN : 0;
		if (h.nlmsg_type == NLMSG_DONE) {
			*done = true;
			return PK_OK;
		}
		if (h.nlmsg_type == NLMSG_ERROR) {
			struct nlmsgerr e;
			if (plen < sizeof e.error)
				return pk__error_set(err, PK_PARSE,
						    "sock_diag: short error message");
			memcpy(&e.error, payload, sizeof e.error);
			if (e.error != 0) {
				/* A negative errno; anything else (INT_MIN cannot
				 * even be negated) is no errno at all. */
				int code = e.error < 0 && e.error > -4096 ? -e.error : EPROTO;
				return pk__error_set(err,
						    code == ENOENT || code == EOPNOTSUPP ||
								    code == EINVAL ?
							    PK_UNSUPPORTED :
							    PK_IO,
						    "sock_diag %s dump: %s",
						    pk_proto_name(proto),
						    strerror(code));
			}
		} else if (h.nlmsg_type == SOCK_DIAG_BY_FAMILY) {
			st = parse_diag_msg(s, payload, plen, proto, err);
			if (st == PK_NOMEM || st == PK_TOOBIG)
				return pk__error_set(err, st, "sock_diag: %s",
						    pk_strerror(st));
			if (st != PK_OK)
				return st;
		}
		size_t step = NLMSG_ALIGN(h.nlmsg_len);
		if (step >= len)
			break;
		p += step;
		len -= step;
	}
	return PK_OK;
}

/* Receive buffer: the kernel fills dump replies up to about 32 KiB. */
#define RECV_BYTES ((size_t)64 << 10)

pk_status pk__sockdiag_dump(pk_host_sockets *s, uint8_t family, pk_proto proto,
			   pk_error *err)
{
	struct {
		struct nlmsghdr nlh;
		struct inet_diag_req_v2 r;
	} req;
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	/* A dump that stalls must not hang an audit run from monitoring. */
	struct timeval tv = { .tv_sec = 5 };
	uint8_t *buf = NULL;
	pk_status st = PK_OK;
	bool done = false;
	int fd;

	fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	if (fd < 0)
		return pk__error_set(err, errno == EACCES || errno == EPERM ? PK_PERM :
									      PK_UNSUPPORTED,
				    "NETLINK_SOCK_DIAG socket: %s", strerror(errno));
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	buf = malloc(RECV_BYTES);
	if (buf == NULL) {
		st = PK_NOMEM;
		pk__error_set(err, st, "sock_diag: %s", pk_strerror(st));
		goto out;
	}
	memset(&req, 0, sizeof req);
	req.nlh.nlmsg_len = sizeof req;
	req.nlh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
	req.nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	req.nlh.nlmsg_seq = 1;
	req.r.sdiag_family = family == 4 ? AF_INET : AF_INET6;
	req.r.sdiag_protocol = proto == PK_PROTO_TCP ? IPPROTO_TCP : IPPROTO_UDP;
	/* Listeners and connections; request sockets (SYN_RECV) are inbound
	 * and numerous under load, so they are not asked for. */
	req.r.idiag_states = proto == PK_PROTO_TCP ?
				     ~((1u << PK_TCP_SYN_RECV) |
				       (1u << PK_TCP_NEW_SYN_RECV)) :
				     (1u << PK_TCP_CLOSE) | (1u << PK_TCP_ESTABLISHED);
	if (sendto(fd, &req, sizeof req, 0, (struct sockaddr *)&sa, sizeof sa) < 0) {
		st = pk__error_set(err, PK_IO, "sock_diag request: %s",
				  strerror(errno));
		goto out;
	}
	while (!done) {
		struct iovec iov = { buf, RECV_BYTES };
		struct msghdr msg = { .msg_name = &sa, .msg_namelen = sizeof sa,
				      .msg_iov = &iov, .msg_iovlen = 1 };
		ssize_t n = recvmsg(fd, &msg, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			st = pk__error_set(err, PK_IO, "sock_diag dump: %s",
					  strerror(errno));
			goto out;
		}
		if (n == 0 || (msg.msg_flags & MSG_TRUNC)) {
			st = pk__error_set(err, PK_IO,
					  "sock_diag dump: %s reply",
					  n == 0 ? "empty" : "truncated");
			goto out;
		}
		st = pk__sockdiag_parse(s, buf, (size_t)n, proto, &done, err);
		if (st != PK_OK)
			goto out;
	}
out:
	free(buf);
	close(fd);
	return st;
}
