/* prng.h - the seedable pseudo-random generator of the simulations.
 *
 * xoshiro256** 1.0 (Blackman and Vigna, https://prng.di.unimi.it/),
 * seeded from one 64-bit number through SplitMix64 as its authors
 * recommend.  It is fast and reproducible, which is what a simulation
 * needs; it is NOT a cryptographic generator and nothing secret may be
 * drawn from it outside a simulation.
 *
 * Bounded draws use Lemire's multiply-and-reject method ("Fast Random
 * Integer Generation in an Interval", ACM TOMACS 2019): exact, no
 * modulo bias. */
#ifndef PK_PRNG_H
#define PK_PRNG_H

#include <stdint.h>

typedef struct pk_prng {
	uint64_t s[4];
} pk_prng;

/* One SplitMix64 step: advances *state and returns the next output. */
uint64_t pk__splitmix64(uint64_t *state);

/* s[0..3] = the first four SplitMix64 outputs from seed. */
void pk__prng_seed(pk_prng *r, uint64_t seed);

/* The next 64 bits of xoshiro256**. */
uint64_t pk__prng_next(pk_prng *r);

/* The upper 32 bits of the next output (the better ones). */
uint32_t pk__prng_u32(pk_prng *r);

/* Uniform in [0, bound); bound 0 is treated as 1 (returns 0).  Consumes
 * one pk__prng_u32() per try; a try is rejected with probability below
 * bound / 2^32. */
uint32_t pk__prng_below(pk_prng *r, uint32_t bound);

/* Uniform in [0, 1) with 53 random bits. */
double pk__prng_unit(pk_prng *r);

/* Exponentially distributed with the given mean (0 gives 0). */
double pk__prng_exp(pk_prng *r, double mean);

#endif /* PK_PRNG_H */
