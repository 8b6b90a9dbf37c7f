/* eph_linux.c - Linux's choice of a local port, as the kernel does it.
 *
 * connect(): __inet_hash_connect() in net/ipv4/inet_hashtables.c, with
 * the offset from secure_ipv4_port_ephemeral() in net/core/secure_seq.c.
 * bind(0): inet_csk_find_open_port() in net/ipv4/inet_connection_sock.c.
 * Arithmetic is the kernel's: 32-bit unsigned, including its `%`.
 *
 * Two generations are modelled:
 *
 * "linux" (5.18 and later, after Willy Tarreau's 2022 series answering
 * Kol, Klein and Gilad's device-tracking attack, CVE-2022-32296 and
 * CVE-2022-1012):
 *	port_offset = siphash_4u32(saddr, daddr, dport,
 *				   jiffies / (10 * HZ), net_secret);   // u64
 *	index  = port_offset & (INET_TABLE_PERTURB_SIZE - 1);         // 2^16
 *	offset = table_perturb[index] + (port_offset >> 32);
 *	offset %= remaining;
 *	...
 *	i = max_t(int, i, get_random_u32_below(8) * step);
 *	table_perturb[index] += i + step;
 *
 * "linux-2021" (commit 190cc82489f4, Linux 5.12 to 5.17):
 *	port_offset = siphash_3u32(saddr, daddr, dport, net_secret);  // u32
 *	index  = hash_32(port_offset, INET_TABLE_PERTURB_SHIFT);      // 8 bits
 *	offset = (table_perturb[index] + port_offset) % remaining;
 *	...
 *	table_perturb[index] += i + 2;
 * With 256 counters and the same hash choosing both index and offset,
 * connections to one destination move the ports of every destination
 * sharing its counter: the signal the attack reads.
 *
 * Common to both (since commit 07f4c90062f8, Linux 4.2): remaining =
 * high - low rounded down to even; the first scan tries ports of low's
 * parity with step 2, the second the other parity; reserved ports are
 * skipped; a port bound by connect() may be shared by connections whose
 * 4-tuples differ (__inet_check_established(): the usable callback).
 * Not modelled: per-socket IP_LOCAL_PORT_RANGE (step 1), SO_REUSEADDR's
 * half-range split in bind(0), ip_autobind_reuse, TIME_WAIT recycling.
 */
#include <stdlib.h>

#include "ephemeral/eph_internal.h"

#define PERTURB_SIZE (1u << 16)   /* CONFIG_INET_TABLE_PERTURB_ORDER 16 */
#define PERTURB_SHIFT_2021 8      /* INET_TABLE_PERTURB_SHIFT in 5.12 */
#define GOLDEN_RATIO_32 0x61C88647u /* include/linux/hash.h */
#define SHUFFLE_PERIOD_MS 10000u  /* EPHEMERAL_PORT_SHUFFLE_PERIOD 10*HZ */

pk_status pk__eph_init_linux(pk_eph *st)
{
	uint32_t n = st->algo == PK_EPH_LINUX ? PERTURB_SIZE
					      : 1u << PERTURB_SHIFT_2021;

	st->key1.k0 = pk__prng_next(&st->rng);
	st->key1.k1 = pk__prng_next(&st->rng);
	st->table = malloc(n * sizeof *st->table);
	if (st->table == NULL)
		return PK_NOMEM;
	/* get_random_sleepable_once(table_perturb, ...): random bytes */
	for (uint32_t i = 0; i < n; i++)
		st->table[i] = pk__prng_u32(&st->rng);
	st->table_len = n;
	return PK_OK;
}

static void put_be32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

/* The siphash_Nu32() words as they lie in memory on a little-endian
 * machine: __be32 addresses in network order, the __be16 port in network
 * order zero-extended, then (5.18+) the time slot as a native u32. */
static uint64_t port_offset(const pk_eph *st, const pk_eph_request *req)
{
	unsigned char m[16] = { 0 };
	size_t len = 12;

	put_be32(m, req->saddr);
	put_be32(m + 4, req->daddr);
	m[8] = (unsigned char)(req->dport >> 8);
	m[9] = (unsigned char)req->dport;
	if (st->algo == PK_EPH_LINUX) {
		uint32_t slot = (uint32_t)(req->now_ms / SHUFFLE_PERIOD_MS);
		m[12] = (unsigned char)slot;
		m[13] = (unsigned char)(slot >> 8);
		m[14] = (unsigned char)(slot >> 16);
		m[15] = (unsigned char)(slot >> 24);
		len = 16;
	}
	return pk__siphash24(&st->key1, m, len);
}

/* inet_csk_find_open_port(), without SO_REUSEADDR (no half ranges):
 *	offset = get_random_u32_below(remaining);
 *	offset |= 1U;		// odd first: leave even ports to connect()
 *  other_parity_scan:
 *	port = low + offset;
 *	for (i = 0; i < remaining; i += 2, port += 2) { ... }
 *	offset--;
 *	if (!(offset & 1)) goto other_parity_scan;
 */
static pk_status linux_bind(pk_eph *st, const pk_eph_request *req,
			    pk_eph_usable_fn usable, void *ctx, uint16_t *port,
			    uint32_t *probes)
{
	uint32_t low = st->lo, high = (uint32_t)st->hi + 1;
	uint32_t remaining = high - low;

	if (remaining > 1)
		remaining &= ~1u;
	uint32_t offset = pk__prng_below(&st->rng, remaining) | 1u;
	for (;;) {
		uint32_t p = low + offset;
		for (uint32_t i = 0; i < remaining; i += 2, p += 2) {
			if (p >= high)
				p -= remaining;
			if (pk_eph_try(st, p, req, usable, ctx, probes)) {
				*port = (uint16_t)p;
				return PK_OK;
			}
		}
		offset--;
		if (offset & 1)
			break;
	}
	return PK_EXHAUSTED;
}

pk_status pk__eph_linux(pk_eph *st, const pk_eph_request *req,
		       pk_eph_usable_fn usable, void *ctx, uint16_t *port,
		       uint32_t *probes)
{
	const uint32_t step = 2;
	uint32_t low = st->lo, high = (uint32_t)st->hi + 1;
	uint32_t remaining, offset, index;

	if (req->bind)
		return linux_bind(st, req, usable, ctx, port, probes);

	remaining = high - low; /* [32768, 60999] -> [32768, 61000[ */
	if (remaining > 1)
		remaining &= ~1u;

	uint64_t po = port_offset(st, req);
	if (st->algo == PK_EPH_LINUX) {
		index = (uint32_t)po & (PERTURB_SIZE - 1);
		offset = st->table[index] + (uint32_t)(po >> 32);
	} else {
		uint32_t po32 = (uint32_t)po; /* the u32 the 2021 kernel kept */
		index = (po32 * GOLDEN_RATIO_32) >> (32 - PERTURB_SHIFT_2021);
		offset = st->table[index] + po32;
	}
	offset %= remaining;
	/* In first pass we try ports of @low parity. */
	offset &= ~1u;

	for (;;) {
		uint32_t p = low + offset, i;
		for (i = 0; i < remaining; i += step, p += step) {
			if (p >= high)
				p -= remaining;
			if (!pk_eph_try(st, p, req, usable, ctx, probes))
				continue;
			if (st->algo == PK_EPH_LINUX) {
				/* a little randomness in the next choice: all
				 * of it on an empty table, none when busy */
				uint32_t r = pk__prng_below(&st->rng, 8) * step;
				if (r > i)
					i = r;
			}
			st->table[index] += i + step;
			*port = (uint16_t)p;
			return PK_OK;
		}
		offset++;
		if (!((offset & 1) && remaining > 1))
			break;
	}
	return PK_EXHAUSTED;
}
