/* eph_rfc6056.c - the five algorithms of RFC 6056 ("Recommendations for
 * Transport-Protocol Port Randomization", BCP 156), section 3.3, written
 * from its pseudo-code (cross-checked with NetBSD's portalgo.c, which
 * implements the same five).  check_suitable_port() is pk_eph_try().
 *
 * Where the RFC writes random() % n we draw below(n): no modulo bias.
 * Where it keeps 16-bit ("short") counters we keep 64-bit ones: 2^16 is
 * not a multiple of num_ephemeral, so a wrapping 16-bit counter skews
 * the distribution (the reason Linux uses 32 bits, see eph_linux.c).
 * F() and G() are SipHash-2-4 with two independent keys.
 */
#include <stdlib.h>

#include "ephemeral/eph_internal.h"

/* RFC 6056's F(local_IP, remote_IP, remote_port, secret_key): SipHash-2-4
 * over saddr, daddr and dport, each in network byte order. */
static uint64_t hash_tuple(const pk_sipkey *key, const pk_eph_request *req)
{
	unsigned char m[10] = {
		(unsigned char)(req->saddr >> 24), (unsigned char)(req->saddr >> 16),
		(unsigned char)(req->saddr >> 8), (unsigned char)req->saddr,
		(unsigned char)(req->daddr >> 24), (unsigned char)(req->daddr >> 16),
		(unsigned char)(req->daddr >> 8), (unsigned char)req->daddr,
		(unsigned char)(req->dport >> 8), (unsigned char)req->dport,
	};
	return pk__siphash24(key, m, sizeof m);
}

pk_status pk__eph_init_rfc6056(pk_eph *st)
{
	switch (st->algo) {
	case PK_EPH_RFC6056_3:
		st->key1.k0 = pk__prng_next(&st->rng);
		st->key1.k1 = pk__prng_next(&st->rng);
		/* "next_ephemeral = 0;  Initialization at system boot time.
		 *  Could be random." */
		st->next = 0;
		break;
	case PK_EPH_RFC6056_4:
		st->key1.k0 = pk__prng_next(&st->rng);
		st->key1.k1 = pk__prng_next(&st->rng);
		st->key2.k0 = pk__prng_next(&st->rng);
		st->key2.k1 = pk__prng_next(&st->rng);
		st->table = calloc(st->table_len, sizeof *st->table);
		if (st->table == NULL)
			return PK_NOMEM;
		/* "for(i = 0; i < TABLE_LENGTH; i++)
		 *      table[i] = random() % 65536;" */
		for (uint32_t i = 0; i < st->table_len; i++)
			st->table[i] = pk__prng_below(&st->rng, 65536);
		break;
	case PK_EPH_RFC6056_5:
		/* "next_ephemeral = random() % 65536;" */
		st->next = pk__prng_below(&st->rng, 65536);
		break;
	default:
		break;
	}
	return PK_OK;
}

/* 3.3.1 Algorithm 1: Simple Port Randomization Algorithm.
 *
 *	next_ephemeral = min_ephemeral + (random() % num_ephemeral);
 *	count = num_ephemeral;
 *	do {
 *		if (check_suitable_port(port)) return next_ephemeral;
 *		if (next_ephemeral == max_ephemeral)
 *			next_ephemeral = min_ephemeral;
 *		else
 *			next_ephemeral++;
 *		count--;
 *	} while (count > 0);
 *	return ERROR;
 */
pk_status pk__eph_rfc1(pk_eph *st, const pk_eph_request *req,
		      pk_eph_usable_fn usable, void *ctx, uint16_t *port,
		      uint32_t *probes)
{
	uint32_t next = st->lo + pk__prng_below(&st->rng, st->num);
	uint32_t count = st->num;

	do {
		if (pk_eph_try(st, next, req, usable, ctx, probes)) {
			*port = (uint16_t)next;
			return PK_OK;
		}
		if (next == st->hi)
			next = st->lo;
		else
			next++;
		count--;
	} while (count > 0);
	return PK_EXHAUSTED;
}

/* 3.3.2 Algorithm 2: Another Simple Port Randomization Algorithm.
 *
 *	next_ephemeral = min_ephemeral + (random() % num_ephemeral);
 *	count = num_ephemeral;
 *	do {
 *		if (check_suitable_port(port)) return next_ephemeral;
 *		next_ephemeral = min_ephemeral + (random() % num_ephemeral);
 *		count--;
 *	} while (count > 0);
 *	return ERROR;
 *
 * Probes are drawn with replacement, so it can give up while free ports
 * remain (a "false failure"), and it draws once more after the last
 * failed probe, as the pseudo-code does.
 */
pk_status pk__eph_rfc2(pk_eph *st, const pk_eph_request *req,
		      pk_eph_usable_fn usable, void *ctx, uint16_t *port,
		      uint32_t *probes)
{
	uint32_t next = st->lo + pk__prng_below(&st->rng, st->num);
	uint32_t count = st->num;

	do {
		if (pk_eph_try(st, next, req, usable, ctx, probes)) {
			*port = (uint16_t)next;
			return PK_OK;
		}
		next = st->lo + pk__prng_below(&st->rng, st->num);
		count--;
	} while (count > 0);
	return PK_EXHAUSTED;
}

/* 3.3.3 Algorithm 3: Simple Hash-Based Port Selection Algorithm.
 *
 *	offset = F(local_IP, remote_IP, remote_port, secret_key);
 *	count = num_ephemeral;
 *	do {
 *		port = min_ephemeral + (next_ephemeral + offset) % num_ephemeral;
 *		next_ephemeral++;
 *		if (check_suitable_port(port)) return port;
 *		count--;
 *	} while (count > 0);
 *	return ERROR;
 *
 * One global next_ephemeral: every connection, to any destination,
 * moves every destination's sequence on by one.
 */
pk_status pk__eph_rfc3(pk_eph *st, const pk_eph_request *req,
		      pk_eph_usable_fn usable, void *ctx, uint16_t *port,
		      uint32_t *probes)
{
	uint64_t offset = hash_tuple(&st->key1, req);
	uint32_t count = st->num;

	do {
		uint32_t p = st->lo + (uint32_t)((st->next + offset) % st->num);
		st->next++;
		if (pk_eph_try(st, p, req, usable, ctx, probes)) {
			*port = (uint16_t)p;
			return PK_OK;
		}
		count--;
	} while (count > 0);
	return PK_EXHAUSTED;
}

/* 3.3.4 Algorithm 4: Double-Hash Port Selection Algorithm.
 *
 *	offset = F(local_IP, remote_IP, remote_port, secret_key1);
 *	index = G(local_IP, remote_IP, remote_port, secret_key2);
 *	count = num_ephemeral;
 *	do {
 *		port = min_ephemeral + (offset + table[index]) % num_ephemeral;
 *		table[index]++;
 *		if (check_suitable_port(port)) return port;
 *		count--;
 *	} while (count > 0);
 *	return ERROR;
 *
 * G() is SipHash with key2, reduced modulo TABLE_LENGTH (10 in the RFC);
 * the 64-bit hash makes that reduction's bias negligible (< 2^-60).
 */
pk_status pk__eph_rfc4(pk_eph *st, const pk_eph_request *req,
		      pk_eph_usable_fn usable, void *ctx, uint16_t *port,
		      uint32_t *probes)
{
	uint64_t offset = hash_tuple(&st->key1, req);
	uint32_t index = (uint32_t)(hash_tuple(&st->key2, req) %
				    st->table_len);
	uint32_t count = st->num;

	do {
		uint32_t p = st->lo +
			     (uint32_t)((offset + st->table[index]) % st->num);
		st->table[index]++;
		if (pk_eph_try(st, p, req, usable, ctx, probes)) {
			*port = (uint16_t)p;
			return PK_OK;
		}
		count--;
	} while (count > 0);
	return PK_EXHAUSTED;
}

/* 3.3.5 Algorithm 5: Random-Increments Port Selection Algorithm.
 *
 *	N = 500;	// Determines the trade-off
 *	count = num_ephemeral;
 *	do {
 *		next_ephemeral = next_ephemeral + (random() % N) + 1;
 *		port = min_ephemeral + (next_ephemeral % num_ephemeral);
 *		if (check_suitable_port(port)) return port;
 *		count--;
 *	} while (count > 0);
 *	return ERROR;
 */
pk_status pk__eph_rfc5(pk_eph *st, const pk_eph_request *req,
		      pk_eph_usable_fn usable, void *ctx, uint16_t *port,
		      uint32_t *probes)
{
	uint32_t count = st->num;

	do {
		st->next += pk__prng_below(&st->rng, st->increments) + 1;
		uint32_t p = st->lo + (uint32_t)(st->next % st->num);
		if (pk_eph_try(st, p, req, usable, ctx, probes)) {
			*port = (uint16_t)p;
			return PK_OK;
		}
		count--;
	} while (count > 0);
	return PK_EXHAUSTED;
}
