/* siphash.c - SipHash-2-4, written from the specification in the paper
 * "SipHash: a fast short-input PRF" (Aumasson, Bernstein, 2012) and
 * checked against its 64 reference vectors (tests/unit/test_siphash.c). */
#include <string.h>

#include "core/siphash.h"

static inline uint64_t rotl(uint64_t x, int b)
{
	return (x << b) | (x >> (64 - b));
}

static inline uint64_t load_le64(const unsigned char *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

#define SIPROUND                                                          \
	do {                                                              \
		v0 += v1; v1 = rotl(v1, 13); v1 ^= v0; v0 = rotl(v0, 32); \
		v2 += v3; v3 = rotl(v3, 16); v3 ^= v2;                    \
		v0 += v3; v3 = rotl(v3, 21); v3 ^= v0;                    \
		v2 += v1; v1 = rotl(v1, 17); v1 ^= v2; v2 = rotl(v2, 32); \
	} while (0)

uint64_t pk__siphash24(const pk_sipkey *key, const void *data, size_t len)
{
	const unsigned char *p = data;
	uint64_t v0 = 0x736f6d6570736575u ^ key->k0;
	uint64_t v1 = 0x646f72616e646f6du ^ key->k1;
	uint64_t v2 = 0x6c7967656e657261u ^ key->k0;
	uint64_t v3 = 0x7465646279746573u ^ key->k1;
	size_t whole = len - len % 8;

	for (size_t i = 0; i < whole; i += 8) {
		uint64_t m = load_le64(p + i);
		v3 ^= m;
		SIPROUND;
		SIPROUND;
		v0 ^= m;
	}
	/* The last block: the remaining bytes, and len mod 256 on top. */
	unsigned char tail[8] = { 0 };
	if (len > whole)
		memcpy(tail, p + whole, len - whole);
	uint64_t b = load_le64(tail) | ((uint64_t)(len & 0xff) << 56);
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
