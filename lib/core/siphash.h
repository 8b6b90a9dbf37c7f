/* siphash.h - SipHash-2-4 (Aumasson and Bernstein, 2012), the keyed PRF
 * the Linux kernel uses to pick ephemeral port offsets and portkit's
 * models use wherever RFC 6056 asks for a keyed hash F(). */
#ifndef PK_SIPHASH_H
#define PK_SIPHASH_H

#include <stddef.h>
#include <stdint.h>

/* The 128-bit key as two little-endian 64-bit halves: k0 = bytes 0-7,
 * k1 = bytes 8-15. */
typedef struct pk_sipkey {
	uint64_t k0, k1;
} pk_sipkey;

/* SipHash-2-4 of len bytes, 64-bit output (as the reference returns it,
 * read little-endian). */
uint64_t pk__siphash24(const pk_sipkey *key, const void *data, size_t len);
/* The same of the bytes with ASCII upper case folded to lower case, as if
 * they had been lower-cased first: the hash of a name that compares
 * case-insensitively (RFC 6335 5.1). */
uint64_t pk__siphash24_lower(const pk_sipkey *key, const void *data, size_t len);

/* A key nobody can predict, for hash tables over outside input: 16 bytes
 * from getrandom(2), or, should the kernel refuse them (no getrandom, no
 * entropy yet at boot), the clock, the process and the stack address
 * stirred through SipHash, which an attacker cannot query. */
void pk__sipkey_random(pk_sipkey *key);

#endif /* PK_SIPHASH_H */
