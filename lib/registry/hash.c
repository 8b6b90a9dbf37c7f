/* hash.c - the index checksum and the name table hash.  Both are part of
 * the index format: changing either means a new format version. */
#include <string.h>

#include "registry/index.h"

#define P1 0x9e3779b185ebca87ull
#define P2 0xc2b2ae3d27d4eb4full
#define P3 0x165667b19e3779f9ull

static inline uint64_t rotl64(uint64_t x, unsigned r)
{
	return (x << r) | (x >> (64u - r));
}

static inline uint64_t load64(const unsigned char *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof v);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	v = __builtin_bswap64(v);
#endif
	return v;
}

/* One multiply per 8-byte word and lane: (acc ^ w) * odd is a bijection
 * of both acc and w, so changing any single word always changes the lane;
 * the rotation moves the high bits, which a multiply never carries down.
 * Eight independent lanes keep the multiplier busy while each lane waits
 * on its own result (about 8 bytes per cycle). */
static inline uint64_t lane(uint64_t acc, uint64_t w)
{
	return rotl64((acc ^ w) * P1, 29);
}

static inline uint64_t avalanche(uint64_t h)
{
	h ^= h >> 33;
	h *= P2;
	h ^= h >> 29;
	h *= P3;
	h ^= h >> 32;
	return h;
}

uint64_t pk__hash64(const void *data, size_t len, uint64_t seed)
{
	const unsigned char *p = data;
	const unsigned char *end = p + len;
	uint64_t v[8];

	for (int i = 0; i < 8; i++)
		v[i] = seed + P2 * (uint64_t)(i + 1);
	while ((size_t)(end - p) >= 64) {
		v[0] = lane(v[0], load64(p));
		v[1] = lane(v[1], load64(p + 8));
		v[2] = lane(v[2], load64(p + 16));
		v[3] = lane(v[3], load64(p + 24));
		v[4] = lane(v[4], load64(p + 32));
		v[5] = lane(v[5], load64(p + 40));
		v[6] = lane(v[6], load64(p + 48));
		v[7] = lane(v[7], load64(p + 56));
		p += 64;
	}
	uint64_t h = (uint64_t)len * P3;
	for (int i = 0; i < 8; i++)
		h = lane(h, v[i]);
	while ((size_t)(end - p) >= 8) {
		h = lane(h, load64(p));
		p += 8;
	}
	if (p < end) {
		unsigned char tail[8] = { 0 };
		memcpy(tail, p, (size_t)(end - p));
		h = lane(h, load64(tail) ^ ((uint64_t)(end - p) << 59));
	}
	return avalanche(h);
}

uint64_t pk__idx_header_checksum(const void *hdr, size_t header_size)
{
	const unsigned char *p = hdr;
	uint64_t h = pk__hash64(p, 32, 0x706b696478ull);

	return pk__hash64(p + 40, header_size - 40, h);
}

/* SipHash-2-4 under the index's key over the lower-cased bytes: the
 * table is built from outside names, and with an unkeyed hash (FNV-1a,
 * before format version 2) anyone could write names that all land in one
 * slot and make building it quadratic. */
uint32_t pk__name_hash(const pk_sipkey *key, const char *s, size_t len)
{
	return (uint32_t)pk__siphash24_lower(key, s, strnlen(s, len));
}
