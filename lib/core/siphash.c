/* siphash.c - SipHash-2-4, written from the specification in the paper
 * "SipHash: a fast short-input PRF" (Aumasson, Bernstein, 2012) and
 * checked against its 64 reference vectors (tests/unit/test_siphash.c). */
#include <stdbool.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "core/siphash.h"

static inline uint64_t rotl(uint64_t x, int b)
{
	return (x << b) | (x >> (64 - b));
}

static inline uint64_t load_le64(const unsigned char *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof v); /* one load, where a byte loop was eight */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	v = __builtin_bswap64(v);
#endif
	return v;
}

/* ASCII 'A'-'Z' to 'a'-'z' in all eight bytes of w at once: a byte's
 * high bit, after adding to its low seven bits, says whether it is at
 * least 'A', and at least 'Z' + 1; bytes with their own high bit set
 * (UTF-8) are left alone. */
static inline uint64_t fold_upper(uint64_t w)
{
	const uint64_t ones = 0x0101010101010101ull, high = 0x8080808080808080ull;
	uint64_t low7 = w & ~high;
	uint64_t ge_a = low7 + (0x80 - 'A') * ones;
	uint64_t gt_z = low7 + (0x80 - 'Z' - 1) * ones;

	return w ^ (((ge_a & ~gt_z & ~w) & high) >> 2);
}

static inline uint64_t load(const unsigned char *p, bool lower)
{
	uint64_t v = load_le64(p);

	return lower ? fold_upper(v) : v;
}

#define SIPROUND                                                          \
	do {                                                              \
		v0 += v1; v1 = rotl(v1, 13); v1 ^= v0; v0 = rotl(v0, 32); \
		v2 += v3; v3 = rotl(v3, 16); v3 ^= v2;                    \
		v0 += v3; v3 = rotl(v3, 21); v3 ^= v0;                    \
		v2 += v1; v1 = rotl(v1, 17); v1 ^= v2; v2 = rotl(v2, 32); \
	} while (0)

/* Inlined twice, with lower constant: no test in the loop. */
static inline uint64_t siphash24(const pk_sipkey *key, const void *data,
				 size_t len, bool lower)
{
	const unsigned char *p = data;
	uint64_t v0 = 0x736f6d6570736575u ^ key->k0;
	uint64_t v1 = 0x646f72616e646f6du ^ key->k1;
	uint64_t v2 = 0x6c7967656e657261u ^ key->k0;
	uint64_t v3 = 0x7465646279746573u ^ key->k1;
	size_t whole = len - len % 8;

	for (size_t i = 0; i < whole; i += 8) {
		uint64_t m = load(p + i, lower);
		v3 ^= m;
		SIPROUND;
		SIPROUND;
		v0 ^= m;
	}
	/* The last block: the remaining bytes, and len mod 256 on top.  The
	 * bytes are assembled in a register: a variable-length memcpy into a
	 * buffer that is then loaded whole stalls on store forwarding. */
	uint64_t t = 0;
	for (size_t i = 0; i < len - whole; i++)
		t |= (uint64_t)p[whole + i] << (8 * i);
	uint64_t b = (lower ? fold_upper(t) : t) | ((uint64_t)(len & 0xff) << 56);
	v3 ^= b;
	SIPROUND;
	SIPROUND;
	v0 ^= b;
	v2 ^= 0xff;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	return v0 ^ v1 ^ v2 ^ v3;
}

uint64_t pk__siphash24(const pk_sipkey *key, const void *data, size_t len)
{
	return siphash24(key, data, len, false);
}

uint64_t pk__siphash24_lower(const pk_sipkey *key, const void *data, size_t len)
{
	return siphash24(key, data, len, true);
}

void pk__sipkey_random(pk_sipkey *key)
{
	unsigned char b[16];
	size_t got = 0;

	/* GRND_NONBLOCK: a key for a hash table is no reason to hang at boot. */
	while (got < sizeof b) {
		ssize_t n = getrandom(b + got, sizeof b - got, GRND_NONBLOCK);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	if (got == sizeof b) {
		key->k0 = load_le64(b);
		key->k1 = load_le64(b + 8);
		return;
	}
	struct timespec ts[2];
	clock_gettime(CLOCK_REALTIME, &ts[0]);
	clock_gettime(CLOCK_MONOTONIC, &ts[1]);
	uint64_t m[4] = { (uint64_t)ts[0].tv_sec, (uint64_t)ts[0].tv_nsec ^ (uint64_t)ts[1].tv_nsec,
			  (uint64_t)getpid(), (uint64_t)(uintptr_t)&m };
	pk_sipkey seed = { (uint64_t)(uintptr_t)key, (uint64_t)ts[1].tv_sec };
	key->k0 = pk__siphash24(&seed, m, sizeof m);
	m[0] ^= key->k0;
	key->k1 = pk__siphash24(&seed, m, sizeof m);
}
