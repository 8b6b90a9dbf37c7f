/* fuzz_eph.c - every selection model on arbitrary ranges (0-65535 and
 * one-port ranges included), reserved sets and usable answers, and the
 * sequence analysis on arbitrary port lists.  Invariants: a port handed
 * out is inside the range, not reserved, and was declared usable. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "portkit.h"

typedef struct {
	const uint8_t *p;
	size_t n, bit;
	int32_t last_yes;
} bits;

static bool answer(void *ctx, uint16_t port, const pk_eph_request *req)
{
	bits *b = ctx;
	(void)req;
	bool yes = true;

	if (b->bit / 8 < b->n)
		yes = (b->p[b->bit / 8] >> (b->bit % 8)) & 1;
	b->bit++;
	if (yes)
		b->last_yes = port;
	return yes;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static pk_portset reserved;
	pk_eph *st = NULL;

	if (size < 14)
		return 0;
	pk_eph_algo algo = (pk_eph_algo)(data[0] % PK_EPH_ALGO_COUNT);
	uint16_t lo = (uint16_t)(data[1] | data[2] << 8);
	uint16_t hi = (uint16_t)(data[3] | data[4] << 8);
	/* mostly small ranges (fast), sometimes any range up to 0-65535 */
	if (!(data[4] & 0x80) && lo <= hi) {
		uint32_t top = (uint32_t)lo + (hi & 0x3ffu);
		hi = (uint16_t)(top > 65535 ? 65535 : top);
	}
	uint64_t seed;
	memcpy(&seed, data + 5, 8);
	unsigned nres = data[13] % 16;
	data += 14;
	size -= 14;
	pk_portset_clear(&reserved);
	for (unsigned i = 0; i < nres && size >= 2; i++, data += 2, size -= 2)
		pk_portset_add(&reserved, (uint16_t)(data[0] | data[1] << 8));

	pk_eph_config cfg = { lo, hi, &reserved, seed, (uint32_t)(seed & 0xff),
			      (uint32_t)((seed >> 8) & 0x3ff) };
	if (pk_eph_new(algo, &cfg, &st, NULL) != PK_OK) {
		if (lo <= hi)
			abort(); /* only a reversed range may be refused */
		return 0;
	}
	bits b = { data, size, 0, -1 };
	uint16_t seen[32];
	size_t nseen = 0;
	for (int k = 0; k < 32; k++) {
		uint8_t f = b.bit / 8 < size ? data[b.bit / 8] : 0;
		pk_eph_request req = { 0xc0000201u, 0x0a000000u + (f & 7), 443,
				       (f & 8) != 0, (uint64_t)(f >> 4) * 10000 };
		uint16_t port;
		uint32_t probes;
		b.last_yes = -1;
		pk_status s = pk_eph_select(st, &req, answer, &b, &port, &probes, NULL);
		if (s == PK_OK) {
			if (port < lo || port > hi || pk_portset_contains(&reserved, port) ||
			    b.last_yes != port || probes == 0)
				abort();
			seen[nseen++] = port;
		} else if (s != PK_EXHAUSTED) {
			abort();
		}
		/* no algorithm looks at more than twice the range */
		if (probes > 2u * ((uint32_t)hi - lo + 1))
			abort();
	}
	pk_eph_free(st);
	if (nseen >= 2) {
		pk_seq_stats stats;
		if (pk_seq_analyze(seen, nseen, lo, hi, 1 + (seed % 20), &stats, NULL) != PK_OK)
			abort();
		if (stats.distinct > nseen || stats.same_parity > 1)
			abort();
	}
	return 0;
}
