/* procnet.c - the /proc/net/{tcp,tcp6,udp,udp6} tables, the fallback when
 * NETLINK_SOCK_DIAG is not available and the way fixture hosts are fed in
 * (PROC_ROOT).  Lines look like
 *
 *   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
 *    0: 0100007F:0277 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 17042 ...
 *
 * (net/ipv4/tcp_ipv4.c get_tcp4_sock; tcp6 prints four 8-digit words per
 * address).  The kernel prints each 32-bit word of an address as a number
 * in host byte order, so its bytes in memory are the address's bytes:
 * fixtures written on a little-endian machine read back the same only on
 * little-endian machines, as with ss(8).  Ports here are fixed-width hex
 * fields of the kernel's format, not port specifications, so they have
 * their own bounded reader rather than pk_port_parse. */
#include <string.h>

#include "host/host_sockets.h"

/* Longest line accepted: a real one is about 150 bytes (tcp6 ~180). */
#define LINE_MAX_BYTES 1024
#define MAX_FIELDS 12

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Exactly n hex digits (n <= 8) into *out. */
static bool hex_fixed(const char *s, size_t n, uint32_t *out)
{
	uint32_t v = 0;

	for (size_t i = 0; i < n; i++) {
		int d = hexval(s[i]);
		if (d < 0)
			return false;
		v = v << 4 | (uint32_t)d;
	}
	*out = v;
	return true;
}

/* A decimal of at most 20 digits that fits in 64 bits. */
static bool dec_u64(const char *s, size_t n, uint64_t *out)
{
	uint64_t v = 0;

	if (n == 0 || n > 20)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		uint64_t d = (uint64_t)(s[i] - '0');
		if (v > (UINT64_MAX - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*out = v;
	return true;
}

/* "0100007F:0277" (family 4) or 32 hex digits ":" 4 hex digits. */
static bool parse_endpoint(const char *s, size_t n, uint8_t family,
			   uint8_t addr[16], uint16_t *port)
{
	size_t words = family == 4 ? 1 : 4;
	uint32_t w, p;

	if (n != words * 8 + 5 || s[words * 8] != ':')
		return false;
	memset(addr, 0, 16);
	for (size_t i = 0; i < words; i++) {
		if (!hex_fixed(s + 8 * i, 8, &w))
			return false;
		memcpy(addr + 4 * i, &w, 4); /* host order, see the top */
	}
	if (!hex_fixed(s + words * 8 + 1, 4, &p))
		return false;
	*port = (uint16_t)p;
	return true;
}

typedef struct field {
	const char *p;
	size_t n;
} field;

static size_t split_fields(const char *line, size_t len, field *f, size_t max)
{
	size_t nf = 0, i = 0;

	while (i < len && nf < max) {
		while (i < len && (line[i] == ' ' || line[i] == '\t'))
			i++;
		if (i == len)
			break;
		size_t start = i;
		while (i < len && line[i] != ' ' && line[i] != '\t')
			i++;
		f[nf].p = line + start;
		f[nf].n = i - start;
		nf++;
	}
	return nf;
}

static pk_status parse_line(pk_host_sockets *s, const char *line, size_t len,
			    pk_proto proto, uint8_t family, const char *label,
			    size_t lineno, pk_error *err)
{
	field f[MAX_FIELDS];
	size_t nf = split_fields(line, len, f, MAX_FIELDS);
	pk_sockrow row;
	uint32_t state;
	uint64_t uid, inode;
	const char *what;

	if (nf == 0)
		return PK_OK;
	/* The header, on the first line of the real files. */
	if (f[0].n == 2 && memcmp(f[0].p, "sl", 2) == 0)
		return PK_OK;
	if (nf < 10) {
		what = "too few fields";
		goto bad;
	}
	memset(&row, 0, sizeof row);
	row.proto = proto;
	row.family = family;
	row.v6only = -1;
	what = "slot number";
	if (f[0].n < 2 || f[0].p[f[0].n - 1] != ':')
		goto bad;
	what = "local address";
	if (!parse_endpoint(f[1].p, f[1].n, family, row.laddr, &row.lport))
		goto bad;
	what = "remote address";
	if (!parse_endpoint(f[2].p, f[2].n, family, row.raddr, &row.rport))
		goto bad;
	what = "state";
	if (f[3].n != 2 || !hex_fixed(f[3].p, 2, &state) || state == 0 ||
	    state > PK_TCP_NEW_SYN_RECV)
		goto bad;
	row.state = (uint8_t)state;
	what = "uid";
	if (!dec_u64(f[7].p, f[7].n, &uid) || uid > UINT32_MAX)
		goto bad;
	row.uid = (uint32_t)uid;
	what = "inode";
	if (!dec_u64(f[9].p, f[9].n, &inode))
		goto bad;
	row.inode = inode;
	return pk__host_sockets_add_row(s, &row);
bad:
	return pk__error_set(err, PK_PARSE,
			    "%s:%zu: bad %s in '%.80s': expected a /proc/net/%s%s line",
			    label, lineno, what, line,
			    proto == PK_PROTO_TCP ? "tcp" : "udp",
			    family == 6 ? "6" : "");
}

pk_status pk__procnet_parse(pk_host_sockets *s, const char *data, size_t len,
			   pk_proto proto, uint8_t family, const char *label,
			   pk_error *err)
{
	char line[LINE_MAX_BYTES + 1];
	size_t lineno = 0;
	size_t pos = 0;
	pk_status st;

	if ((proto != PK_PROTO_TCP && proto != PK_PROTO_UDP) ||
	    (family != 4 && family != 6))
		return pk__error_set(err, PK_INVAL, "%s: no such socket table",
				    label);
	const char *start;
	size_t n;

	while (pk__next_line(data, len, &pos, &start, &n)) {
		lineno++;
		if (memchr(start, '\0', n) != NULL)
			return pk__error_set(err, PK_PARSE,
					    "%s:%zu: NUL byte in line", label,
					    lineno);
		if (n > LINE_MAX_BYTES)
			return pk__error_set(err, PK_PARSE,
					    "%s:%zu: line longer than %d bytes",
					    label, lineno, LINE_MAX_BYTES);
		/* A copy, NUL-terminated for the message. */
		memcpy(line, start, n);
		line[n] = '\0';
		st = parse_line(s, line, n, proto, family, label, lineno, err);
		if (st == PK_NOMEM || st == PK_TOOBIG)
			return pk__error_set(err, st, "%s:%zu: %s", label, lineno,
					    pk_strerror(st));
		if (st != PK_OK)
			return st;
	}
	return PK_OK;
}
