/* decode.c - captured bytes to a 5-tuple: link headers (Ethernet with
 * 802.1Q/802.1ad tags, Linux cooked v1 and v2, raw IP, BSD loopback),
 * IPv4 and IPv6 with extension headers, then TCP, UDP or SCTP.  Every
 * read is checked against the captured length first, as tcpdump's
 * ND_TCHECK does: a capture is outside input. */
#include "classify/classify_internal.h"

#define ETH_IPV4 0x0800u
#define ETH_IPV6 0x86ddu
#define ETH_VLAN 0x8100u
#define ETH_QINQ 0x88a8u
#define ETH_QINQ_OLD 0x9100u
/* More tags than this is no real network: refuse rather than loop. */
#define VLAN_MAX 8
/* IPv6 extension headers walked before giving up. */
#define EXT_MAX 16

static inline uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static inline uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

bool pk_link_supported(int linktype)
{
	switch (linktype) {
	case PK_LINK_NULL:
	case PK_LINK_ETHERNET:
	case PK_LINK_RAW:
	case 12: /* DLT_RAW on most systems */
	case 14: /* DLT_RAW on OpenBSD */
	case 108: /* DLT_LOOP / LINKTYPE_LOOP: network-order family */
	case PK_LINK_LINUX_SLL:
	case PK_LINK_IPV4:
	case PK_LINK_IPV6:
	case PK_LINK_LINUX_SLL2:
		return true;
	default:
		return false;
	}
}

const char *pk_packet_status_name(pk_packet_status st)
{
	static const char *const names[PK_PKT_STATUS_COUNT] = {
		"ok", "truncated", "fragment", "not-ip", "other", "malformed", "link"
	};
	return (unsigned)st < PK_PKT_STATUS_COUNT ? names[st] : "unknown";
}

/* The ports and flags of a TCP, UDP or SCTP header at p (avail bytes
 * captured, l4len bytes by the IP header). */
static pk_packet_status transport(pk_packet *out, uint8_t proto,
				  const uint8_t *p, size_t avail, size_t l4len)
{
	switch (proto) {
	case 6:
		out->proto = PK_PROTO_TCP;
		break;
	case 17:
		out->proto = PK_PROTO_UDP;
		break;
	case 132:
		out->proto = PK_PROTO_SCTP;
		break;
	default:
		return PK_PKT_OTHER;
	}
	if (avail < 4)
		return PK_PKT_TRUNCATED;
	out->sport = be16(p);
	out->dport = be16(p + 2);
	if (out->proto == PK_PROTO_TCP) {
		if (avail >= 14) {
			size_t doff = (size_t)(p[12] >> 4) * 4;
			if (doff < 20 || doff > l4len)
				return PK_PKT_MALFORMED;
			out->tcp_flags = p[13];
			out->payload = (uint32_t)(l4len - doff);
		}
	} else if (out->proto == PK_PROTO_UDP) {
		if (l4len < 8)
			return PK_PKT_MALFORMED;
		out->payload = (uint32_t)(l4len - 8);
	} else {
		if (l4len < 12)
			return PK_PKT_MALFORMED;
		out->payload = (uint32_t)(l4len - 12);
		if (avail >= 13)
			out->sctp_chunk = p[12];
	}
	return PK_PKT_OK;
}

static pk_packet_status ipv4(pk_packet *out, const uint8_t *p, size_t avail)
{
	if (avail < 20)
		return PK_PKT_TRUNCATED;
	if (p[0] >> 4 != 4)
		return PK_PKT_MALFORMED;
	size_t ihl = (size_t)(p[0] & 0x0f) * 4;
	size_t total = be16(p + 2);
	if (ihl < 20)
		return PK_PKT_MALFORMED;
	/* Linux captures outgoing TSO segments with a total length of 0:
	 * the captured bytes are then the best measure. */
	if (total == 0)
		total = avail;
	if (total < ihl)
		return PK_PKT_MALFORMED;
	if (avail < ihl)
		return PK_PKT_TRUNCATED;
	out->family = 4;
	out->ttl = p[8];
	memcpy(out->src, p + 12, 4);
	memcpy(out->dst, p + 16, 4);
	out->ip_len = (uint32_t)total;
	if (avail > total)
		avail = total; /* Ethernet padding */
	else if (avail < total)
		out->cut = true;
	uint16_t frag = be16(p + 6);
	if ((frag & 0x1fffu) != 0)
		return p[9] == 6 || p[9] == 17 || p[9] == 132 ? PK_PKT_FRAGMENT :
								  PK_PKT_OTHER;
	out->fragmented = (frag & 0x2000u) != 0;
	return transport(out, p[9], p + ihl, avail - ihl, total - ihl);
}

static pk_packet_status ipv6(pk_packet *out, const uint8_t *p, size_t avail)
{
	if (avail < 40)
		return PK_PKT_TRUNCATED;
	if (p[0] >> 4 != 6)
		return PK_PKT_MALFORMED;
	size_t plen = be16(p + 4);
	/* 0: a jumbogram (RFC 2675) or a TSO segment; the capture measures. */
	if (plen == 0)
		plen = avail - 40;
	size_t total = plen + 40;
	out->family = 6;
	out->ttl = p[7];
	memcpy(out->src, p + 8, 16);
	memcpy(out->dst, p + 24, 16);
	out->ip_len = (uint32_t)total;
	if (avail > total)
		avail = total;
	else if (avail < total)
		out->cut = true;
	uint8_t next = p[6];
	size_t off = 40;
	for (int i = 0; i < EXT_MAX; i++) {
		size_t len;
		switch (next) {
		case 0:   /* hop-by-hop */
		case 43:  /* routing */
		case 60:  /* destination options */
		case 135: /* mobility */
		case 139: /* HIP */
		case 140: /* shim6 */
			if (avail < off + 2)
				return PK_PKT_TRUNCATED;
			len = ((size_t)p[off + 1] + 1) * 8;
			break;
		case 51: /* AH: length in 4-byte units, minus 2 */
			if (avail < off + 2)
				return PK_PKT_TRUNCATED;
			len = ((size_t)p[off + 1] + 2) * 4;
			break;
		case 44: /* fragment */
			if (avail < off + 8)
				return PK_PKT_TRUNCATED;
			if ((be16(p + off + 2) & 0xfff8u) != 0)
				return p[off] == 6 || p[off] == 17 || p[off] == 132 ?
					       PK_PKT_FRAGMENT : PK_PKT_OTHER;
			out->fragmented = (p[off + 3] & 1) != 0;
			len = 8;
			break;
		default:
			if (avail < off)
				return PK_PKT_TRUNCATED;
			return transport(out, next, p + off, avail - off, total - off);
		}
		if (off + len > total)
			return PK_PKT_MALFORMED;
		next = p[off];
		off += len;
	}
	return PK_PKT_MALFORMED;
}

/* An IP packet whose version the first nibble says. */
static pk_packet_status ip_any(pk_packet *out, const uint8_t *p, size_t avail)
{
	if (avail < 1)
		return PK_PKT_TRUNCATED;
	switch (p[0] >> 4) {
	case 4:
		return ipv4(out, p, avail);
	case 6:
		return ipv6(out, p, avail);
	default:
		return PK_PKT_NOT_IP;
	}
}

static pk_packet_status by_ethertype(pk_packet *out, uint16_t type,
				     const uint8_t *p, size_t avail)
{
	if (type == ETH_IPV4)
		return ipv4(out, p, avail);
	if (type == ETH_IPV6)
		return ipv6(out, p, avail);
	return PK_PKT_NOT_IP;
}

static pk_packet_status ethernet(pk_packet *out, const uint8_t *p, size_t avail)
{
	if (avail < 14)
		return PK_PKT_TRUNCATED;
	size_t off = 12;
	uint16_t type = be16(p + off);
	while (type == ETH_VLAN || type == ETH_QINQ || type == ETH_QINQ_OLD) {
		if (out->vlans == VLAN_MAX)
			return PK_PKT_MALFORMED;
		out->vlans++;
		off += 4;
		if (avail < off + 2)
			return PK_PKT_TRUNCATED;
		type = be16(p + off);
	}
	off += 2;
	return by_ethertype(out, type, p + off, avail - off);
}

/* BSD loopback: the address family, in the capturing host's byte order
 * (NULL) or network order (LOOP).  AF_INET6 differs between systems. */
static pk_packet_status loopback(pk_packet *out, const uint8_t *p, size_t avail)
{
	if (avail < 4)
		return PK_PKT_TRUNCATED;
	uint32_t af = le32(p);
	if (af > 0xffff)
		af = be32(p);
	switch (af) {
	case 2:
		return ipv4(out, p + 4, avail - 4);
	case 10: case 24: case 28: case 30:
		return ipv6(out, p + 4, avail - 4);
	default:
		return PK_PKT_NOT_IP;
	}
}

pk_packet_status pk__packet_decode(int linktype, const uint8_t *p,
				   size_t avail, pk_packet *out)
{
	memset(out, 0, sizeof *out);
	switch (linktype) {
	case PK_LINK_ETHERNET:
		return ethernet(out, p, avail);
	case PK_LINK_RAW:
	case 12:
	case 14:
		return ip_any(out, p, avail);
	case PK_LINK_IPV4:
		return ipv4(out, p, avail);
	case PK_LINK_IPV6:
		return ipv6(out, p, avail);
	case PK_LINK_NULL:
	case 108:
		return loopback(out, p, avail);
	case PK_LINK_LINUX_SLL:
		if (avail < 16)
			return PK_PKT_TRUNCATED;
		return by_ethertype(out, be16(p + 14), p + 16, avail - 16);
	case PK_LINK_LINUX_SLL2:
		if (avail < 20)
			return PK_PKT_TRUNCATED;
		return by_ethertype(out, be16(p), p + 20, avail - 20);
	default:
		return PK_PKT_LINK;
	}
}

pk_packet_status pk_packet_decode_(int linktype, const void *data,
				   size_t caplen, pk_packet *out,
				   size_t out_size)
{
	pk_packet full;
	pk_packet_status st;

	if (data == NULL)
		caplen = 0;
	st = pk__packet_decode(linktype, data, caplen, &full);
	if (out != NULL)
		pk__copy_out(out, out_size, &full, sizeof full);
	return st;
}
