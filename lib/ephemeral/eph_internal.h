/* eph_internal.h - what the ephemeral port selection models share.
 *
 *   ephemeral.c     names, state creation, dispatch (pk_eph_*)
 *   eph_bsd.c       sequential, descending (NetBSD "bsd"), FreeBSD random
 *   eph_rfc6056.c   RFC 6056 algorithms 1 to 5
 *   eph_linux.c     Linux __inet_hash_connect() today and as of 2021
 *
 * Reproducibility contract (the unit tests replay it): the state's PRNG
 * is pk__prng_seed(cfg->seed); at creation the algorithms draw, in this
 * order,
 *   rfc6056-3    key1 = (next, next)
 *   rfc6056-4    key1, key2 (4 x next), then table[i] = below(65536)
 *   rfc6056-5    next_ephemeral = below(65536)
 *   linux        key1 (2 x next), then 65536 x u32 for table_perturb[]
 *   linux-2021   key1 (2 x next), then 256 x u32 for table_perturb[]
 * and at selection exactly the draws their pseudo-code makes.
 */
#ifndef PK_EPH_INTERNAL_H
#define PK_EPH_INTERNAL_H

#include "core/internal.h"
#include "core/prng.h"
#include "core/siphash.h"

struct pk_eph {
	pk_eph_algo algo;
	uint16_t lo, hi;
	uint32_t num;       /* hi - lo + 1 */
	pk_portset reserved;
	pk_prng rng;
	pk_sipkey key1, key2;
	uint64_t next;      /* next_ephemeral / lastport, per algorithm */
	uint32_t table_len; /* entries of table */
	uint32_t increments;
	uint32_t *table;    /* rfc6056-4 counters, Linux table_perturb[] */
};

/* One candidate: counts it, then reserved ports are skipped without
 * asking, as every kernel does before looking at its socket tables. */
static inline bool pk_eph_try(pk_eph *st, uint32_t port,
			      const pk_eph_request *req,
			      pk_eph_usable_fn usable, void *ctx,
			      uint32_t *probes)
{
	(*probes)++;
	if (pk_portset_contains(&st->reserved, (uint16_t)port))
		return false;
	return usable == NULL || usable(ctx, (uint16_t)port, req);
}

/* Creation-time draws of each family (see above); PK_NOMEM possible. */
pk_status pk__eph_init_rfc6056(pk_eph *st);
pk_status pk__eph_init_linux(pk_eph *st);

typedef pk_status (*pk_eph_select_fn)(pk_eph *st, const pk_eph_request *req,
				      pk_eph_usable_fn usable, void *ctx,
				      uint16_t *port, uint32_t *probes);

pk_status pk__eph_sequential(pk_eph *, const pk_eph_request *, pk_eph_usable_fn,
			    void *, uint16_t *, uint32_t *);
pk_status pk__eph_descending(pk_eph *, const pk_eph_request *, pk_eph_usable_fn,
			    void *, uint16_t *, uint32_t *);
pk_status pk__eph_freebsd(pk_eph *, const pk_eph_request *, pk_eph_usable_fn,
			 void *, uint16_t *, uint32_t *);
pk_status pk__eph_rfc1(pk_eph *, const pk_eph_request *, pk_eph_usable_fn,
		      void *, uint16_t *, uint32_t *);
pk_status pk__eph_rfc2(pk_eph *, const pk_eph_request *, pk_eph_usable_fn,
		      void *, uint16_t *, uint32_t *);
pk_status pk__eph_rfc3(pk_eph *, const pk_eph_request *, pk_eph_usable_fn,
		      void *, uint16_t *, uint32_t *);
pk_status pk__eph_rfc4(pk_eph *, const pk_eph_request *, pk_eph_usable_fn,
		      void *, uint16_t *, uint32_t *);
pk_status pk__eph_rfc5(pk_eph *, const pk_eph_request *, pk_eph_usable_fn,
		      void *, uint16_t *, uint32_t *);
pk_status pk__eph_linux(pk_eph *, const pk_eph_request *, pk_eph_usable_fn,
		       void *, uint16_t *, uint32_t *);

#endif /* PK_EPH_INTERNAL_H */
