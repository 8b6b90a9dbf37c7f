/* test_classify.c - the packet decoder on hand-built packets (every link
 * type, VLAN tags, IPv6 extension headers, SCTP; snaplen cuts, fragments,
 * bogus lengths, truncation at every byte), and the flow table (the
 * handshake decision, eviction at the limit and when idle, the state kept
 * per flow). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "portkit.h"
#include "classify/classify_internal.h"

/* An IPv4 TCP packet (20 + 20 + payload bytes) at b. */
static size_t ipv4_tcp(uint8_t *b, uint16_t sport, uint16_t dport,
		       uint8_t flags, size_t payload)
{
	size_t total = 40 + payload;
	memset(b, 0, total);
	b[0] = 0x45;
	b[2] = (uint8_t)(total >> 8);
	b[3] = (uint8_t)total;
	b[8] = 64;
	b[9] = 6;
	b[12] = 10, b[15] = 1;
	b[16] = 10, b[19] = 2;
	b[20] = (uint8_t)(sport >> 8), b[21] = (uint8_t)sport;
	b[22] = (uint8_t)(dport >> 8), b[23] = (uint8_t)dport;
	b[32] = 0x50;
	b[33] = flags;
	return total;
}

/* An IPv6 UDP packet with a hop-by-hop and a destination options header. */
static size_t ipv6_ext_udp(uint8_t *b, uint16_t sport, uint16_t dport)
{
	memset(b, 0, 40 + 8 + 8 + 8 + 4);
	b[0] = 0x60;
	b[5] = 8 + 8 + 8 + 4; /* payload length */
	b[6] = 0;             /* hop-by-hop */
	b[7] = 64;
	b[23] = 1, b[39] = 2;
	b[40] = 60;           /* next: destination options */
	b[48] = 17;           /* next: UDP */
	uint8_t *u = b + 56;
	u[0] = (uint8_t)(sport >> 8), u[1] = (uint8_t)sport;
	u[2] = (uint8_t)(dport >> 8), u[3] = (uint8_t)dport;
	u[5] = 12;
	return 40 + 8 + 8 + 12;
}

static void test_link_types(void **state)
{
	uint8_t ip[128], frame[256];
	pk_packet p;
	size_t n = ipv4_tcp(ip, 40000, 80, PK_TCP_SYN, 10);
	(void)state;

	/* Ethernet with two VLAN tags (QinQ) */
	memset(frame, 0, sizeof frame);
	frame[12] = 0x88, frame[13] = 0xa8;
	frame[16] = 0x81, frame[17] = 0x00;
	frame[20] = 0x08, frame[21] = 0x00;
	memcpy(frame + 22, ip, n);
	assert_int_equal(pk_packet_decode(PK_LINK_ETHERNET, frame, 22 + n, &p), PK_PKT_OK);
	assert_int_equal(p.vlans, 2);
	assert_int_equal(p.sport, 40000);
	assert_int_equal(p.dport, 80);
	assert_int_equal(p.tcp_flags, PK_TCP_SYN);
	assert_int_equal(p.payload, 10);
	assert_int_equal(p.ip_len, 50);
	/* Linux cooked v1: protocol at 14 */
	memset(frame, 0, sizeof frame);
	frame[14] = 0x08;
	memcpy(frame + 16, ip, n);
	assert_int_equal(pk_packet_decode(PK_LINK_LINUX_SLL, frame, 16 + n, &p), PK_PKT_OK);
	assert_int_equal(p.dport, 80);
	/* Linux cooked v2: protocol at 0 */
	memset(frame, 0, sizeof frame);
	frame[0] = 0x08;
	memcpy(frame + 20, ip, n);
	assert_int_equal(pk_packet_decode(PK_LINK_LINUX_SLL2, frame, 20 + n, &p), PK_PKT_OK);
	assert_int_equal(p.sport, 40000);
	/* raw IP, both numberings, and BSD loopback in both byte orders */
	assert_int_equal(pk_packet_decode(PK_LINK_RAW, ip, n, &p), PK_PKT_OK);
	assert_int_equal(pk_packet_decode(12, ip, n, &p), PK_PKT_OK);
	assert_int_equal(pk_packet_decode(PK_LINK_IPV4, ip, n, &p), PK_PKT_OK);
	memset(frame, 0, 4);
	frame[0] = 2;
	memcpy(frame + 4, ip, n);
	assert_int_equal(pk_packet_decode(PK_LINK_NULL, frame, 4 + n, &p), PK_PKT_OK);
	frame[0] = 0, frame[3] = 2;
	assert_int_equal(pk_packet_decode(108, frame, 4 + n, &p), PK_PKT_OK);
	/* ARP is not IP; an unknown link type is refused */
	memset(frame, 0, 64);
	frame[12] = 0x08, frame[13] = 0x06;
	assert_int_equal(pk_packet_decode(PK_LINK_ETHERNET, frame, 64, &p), PK_PKT_NOT_IP);
	assert_int_equal(pk_packet_decode(105, frame, 64, &p), PK_PKT_LINK);
	assert_false(pk_link_supported(105));
	assert_true(pk_link_supported(PK_LINK_LINUX_SLL2));
}

static void test_ipv6_and_sctp(void **state)
{
	uint8_t b[128];
	pk_packet p;
	size_t n = ipv6_ext_udp(b, 5353, 53);
	(void)state;

	assert_int_equal(pk_packet_decode(PK_LINK_RAW, b, n, &p), PK_PKT_OK);
	assert_int_equal(p.family, 6);
	assert_int_equal(p.proto, PK_PROTO_UDP);
	assert_int_equal(p.sport, 5353);
	assert_int_equal(p.dport, 53);
	assert_int_equal(p.payload, 4);
	/* a fragment header with offset 0 and M set: the first fragment */
	memset(b, 0, 64);
	b[0] = 0x60, b[5] = 8 + 12 + 4, b[6] = 44;
	b[40] = 132, b[43] = 1;
	b[48] = 0x0b, b[49] = 0x59, b[50] = 0x0b, b[51] = 0x59; /* 2905 */
	b[60] = 1; /* INIT */
	assert_int_equal(pk_packet_decode(PK_LINK_IPV6, b, 64, &p), PK_PKT_OK);
	assert_int_equal(p.proto, PK_PROTO_SCTP);
	assert_true(p.fragmented);
	assert_int_equal(p.sctp_chunk, 1);
	/* a later fragment carries no ports */
	b[42] = 0x01;
	assert_int_equal(pk_packet_decode(PK_LINK_IPV6, b, 64, &p), PK_PKT_FRAGMENT);
}

static void test_bad_packets(void **state)
{
	uint8_t ip[128];
	pk_packet p;
	size_t n = ipv4_tcp(ip, 1234, 443, PK_TCP_ACK, 20);
	(void)state;

	/* Cut at every length: never a read past the end (ASan watches),
	 * and no ports before all four bytes of them. */
	for (size_t cut = 0; cut < n; cut++) {
		uint8_t *copy = malloc(cut ? cut : 1);
		memcpy(copy, ip, cut);
		pk_packet_status st = pk_packet_decode(PK_LINK_RAW, copy, cut, &p);
		if (cut < 24)
			assert_true(st == PK_PKT_TRUNCATED || st == PK_PKT_NOT_IP);
		else
			assert_int_equal(st, PK_PKT_OK);
		if (cut >= 24 && cut < n)
			assert_true(p.cut); /* snaplen: the IP length says more */
		free(copy);
	}
	/* a later IPv4 fragment */
	ip[6] = 0x00, ip[7] = 0x10;
	assert_int_equal(pk_packet_decode(PK_LINK_RAW, ip, n, &p), PK_PKT_FRAGMENT);
	/* the first one, with More Fragments */
	ip[6] = 0x20, ip[7] = 0;
	assert_int_equal(pk_packet_decode(PK_LINK_RAW, ip, n, &p), PK_PKT_OK);
	assert_true(p.fragmented);
	ip[6] = 0;
	/* bogus lengths: total below the header, header below 20, data
	 * offset beyond the segment */
	ip[2] = 0, ip[3] = 10;
	assert_int_equal(pk_packet_decode(PK_LINK_RAW, ip, n, &p), PK_PKT_MALFORMED);
	ip[3] = (uint8_t)n;
	ip[0] = 0x44;
	assert_int_equal(pk_packet_decode(PK_LINK_RAW, ip, n, &p), PK_PKT_MALFORMED);
	ip[0] = 0x45;
	ip[32] = 0xf0;
	assert_int_equal(pk_packet_decode(PK_LINK_RAW, ip, n, &p), PK_PKT_MALFORMED);
	ip[32] = 0x50;
	/* ICMP is IP but nothing to classify */
	ip[9] = 1;
	assert_int_equal(pk_packet_decode(PK_LINK_RAW, ip, n, &p), PK_PKT_OTHER);
	assert_int_equal(pk_packet_decode(PK_LINK_RAW, NULL, 0, &p), PK_PKT_TRUNCATED);
	assert_string_equal(pk_packet_status_name(PK_PKT_FRAGMENT), "fragment");
}

static void feed(pk_classify *c, uint16_t sport, uint16_t dport, uint8_t flags,
		 uint64_t t, bool reverse)
{
	uint8_t ip[64];
	size_t n = ipv4_tcp(ip, sport, dport, flags, 0);
	if (reverse) {
		uint8_t tmp[4];
		memcpy(tmp, ip + 12, 4);
		memcpy(ip + 12, ip + 16, 4);
		memcpy(ip + 16, tmp, 4);
	}
	assert_int_equal(pk_classify_packet(c, PK_LINK_RAW, t, ip, n, (uint32_t)n), PK_PKT_OK);
}

static void test_flow_table(void **state)
{
	pk_classify *c;
	pk_classify_stats s;
	(void)state;

	/* The state per flow, as docs/classify.md states it. */
	assert_true(sizeof(pk__flowent) <= 128);
	assert_true(pk_classify_flow_state_bytes() <= 256);

	assert_int_equal(pk_classify_new(NULL, &c, NULL), PK_OK);
	assert_int_equal(pk_classify_set_max_flows(c, 3, NULL), PK_RANGE);
	assert_int_equal(pk_classify_set_max_flows(c, 16, NULL), PK_OK);
	pk_classify_set_idle(c, 10);
	/* A handshake with the client on 1080 and the server on 40000. */
	feed(c, 1080, 40000, PK_TCP_SYN, 1, false);
	feed(c, 40000, 1080, PK_TCP_SYN | PK_TCP_ACK, 2, true);
	feed(c, 1080, 40000, PK_TCP_ACK, 3, false);
	/* 20 more flows: 5 go at the limit */
	for (uint16_t i = 0; i < 20; i++)
		feed(c, (uint16_t)(50000 + i), 80, PK_TCP_ACK, 4 + i, false);
	pk_classify_get_stats(c, &s);
	assert_int_equal(s.flows, 21);
	assert_int_equal(s.evicted_lru, 5);
	assert_int_equal(s.peak_flows, 16);
	/* 20 s later every flow is idle: two go per packet */
	feed(c, 9, 9, PK_TCP_ACK, 30 * 1000000ull, false);
	pk_classify_get_stats(c, &s);
	assert_int_equal(s.evicted_idle, 2);
	assert_int_equal(pk_classify_set_max_flows(c, 32, NULL), PK_INVAL);
	assert_int_equal(pk_classify_finish(c, NULL), PK_OK);
	size_t total = 0;
	for (size_t i = 0; i < pk_classify_port_count(c); i++)
		total += pk_classify_port(c, i)->flows;
	assert_int_equal(total, 22); /* every flow, evicted or not */
	/* The handshake flow was evicted first (least recently seen); its
	 * decision is in the summary under 40000 with one handshake. */
	bool found = false;
	for (size_t i = 0; i < pk_classify_port_count(c); i++) {
		const pk_classify_group *g = pk_classify_port(c, i);
		if (g->port == 40000) {
			found = true;
			assert_int_equal(g->certain, 1);
			assert_int_equal(g->evicted, 1);
		}
	}
	assert_true(found);
	pk_classify_free(c);
	pk_classify_free(NULL);
}

static void test_decision_without_handshake(void **state)
{
	pk_classify *c;
	(void)state;

	assert_int_equal(pk_classify_new(NULL, &c, NULL), PK_OK);
	/* Only a SYN/ACK from 9000: the server, high, not certain. */
	feed(c, 9000, 45678, PK_TCP_SYN | PK_TCP_ACK, 1, false);
	assert_int_equal(pk_classify_finish(c, NULL), PK_OK);
	const pk_flow *f = pk_classify_flow(c, 0);
	assert_non_null(f);
	assert_int_equal(f->server_port, 9000);
	assert_int_equal(f->evidence[0].kind, PK_EV_SYNACK);
	assert_true(f->confidence == PK_CONF_HIGH);
	assert_null(pk_classify_flow(c, 1));
	pk_classify_free(c);
}

/* 10.0.0.1 -> 10.0.0.2 over IPv4, and the IPv6 addresses with the same
 * first bytes (0a00:0001:: -> 0a00:0002::): two flows, not one. */
static void test_families_apart(void **state)
{
	uint8_t v4[64], v6[64];
	pk_classify *c;
	pk_classify_stats s;
	(void)state;

	size_t n4 = ipv4_tcp(v4, 1000, 2000, PK_TCP_ACK, 0);
	memset(v6, 0, sizeof v6);
	v6[0] = 0x60, v6[5] = 20, v6[6] = 6, v6[7] = 64;
	memcpy(v6 + 8, v4 + 12, 4);
	memcpy(v6 + 24, v4 + 16, 4);
	memcpy(v6 + 40, v4 + 20, 20);
	assert_int_equal(pk_classify_new(NULL, &c, NULL), PK_OK);
	assert_int_equal(pk_classify_packet(c, PK_LINK_RAW, 1, v4, n4, (uint32_t)n4), PK_PKT_OK);
	assert_int_equal(pk_classify_packet(c, PK_LINK_RAW, 2, v6, 60, 60), PK_PKT_OK);
	pk_classify_get_stats(c, &s);
	assert_int_equal(s.flows, 2);
	assert_int_equal(pk_classify_finish(c, NULL), PK_OK);
	assert_int_equal(pk_classify_flow_count(c), 2);
	pk_classify_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_link_types),
		cmocka_unit_test(test_ipv6_and_sctp),
		cmocka_unit_test(test_bad_packets),
		cmocka_unit_test(test_flow_table),
		cmocka_unit_test(test_decision_without_handshake),
		cmocka_unit_test(test_families_apart),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
