/* siphash.h - SipHash-2-4, a keyed 64-bit PRF (private to lib/). */
#ifndef PK_SIPHASH_H
#define PK_SIPHASH_H

#include <stddef.h>
#include <stdint.h>

/* The key is 16 bytes read as two little-endian 64-bit words, as in the
 * reference implementation; the result does not depend on the host's
 * byte order. */
uint64_t pk_siphash24(const unsigned char key[16], const void *data,
		      size_t len);

#endif /* PK_SIPHASH_H */
