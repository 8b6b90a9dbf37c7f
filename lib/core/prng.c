/* prng.c - xoshiro256** with SplitMix64 seeding and unbiased bounded
 * draws; see prng.h for why this generator and what it is not for. */
#include "core/fmath.h"
#include "core/prng.h"

uint64_t pk__splitmix64(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15u);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

void pk__prng_seed(pk_prng *r, uint64_t seed)
{
	uint64_t sm = seed;

	for (int i = 0; i < 4; i++)
		r->s[i] = pk__splitmix64(&sm);
}

static inline uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

uint64_t pk__prng_next(pk_prng *r)
{
	uint64_t *s = r->s;
	const uint64_t result = rotl(s[1] * 5, 7) * 9;
	const uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

uint32_t pk__prng_u32(pk_prng *r)
{
	return (uint32_t)(pk__prng_next(r) >> 32);
}

uint32_t pk__prng_below(pk_prng *r, uint32_t bound)
{
	if (bound <= 1)
		return 0;
	uint64_t m = (uint64_t)pk__prng_u32(r) * bound;
	uint32_t low = (uint32_t)m;
	if (low < bound) {
		/* 2^32 mod bound: the size of the biased tail to reject. */
		uint32_t threshold = (uint32_t)(-bound) % bound;
		while (low < threshold) {
			m = (uint64_t)pk__prng_u32(r) * bound;
			low = (uint32_t)m;
		}
	}
	return (uint32_t)(m >> 32);
}

double pk__prng_unit(pk_prng *r)
{
	return (double)(pk__prng_next(r) >> 11) * 0x1.0p-53;
}

double pk__prng_exp(pk_prng *r, double mean)
{
	if (!(mean > 0))
		return 0;
	/* 1 - u is in (0, 1]: log never sees 0. */
	return -mean * pk__log(1.0 - pk__prng_unit(r));
}
