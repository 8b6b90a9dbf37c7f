/* eph_bsd.c - the BSD family: sequential allocation, NetBSD's descending
 * "bsd" algorithm, and FreeBSD's randomized mode. */
#include "ephemeral/eph_internal.h"

/*
 * FreeBSD sys/netinet/in_pcb.c, in_pcb_lport_dest():
 *
 *	if (V_ipport_randomized)
 *		*lastport = first + (arc4random() % (last - first));
 *	count = last - first;
 *	do {
 *		if (count-- < 0)	// completely used?
 *			return (EADDRNOTAVAIL);
 *		++*lastport;
 *		if (*lastport < first || *lastport > last)
 *			*lastport = first;
 *		...lookup; done when free...
 *	} while (...);
 *
 * lastport is a u_short kept between calls.  Without randomization this
 * is the traditional BSD behaviour: one more than the last port handed
 * out, wrapping at the top.  The random start draws below(last - first)
 * instead of arc4random() % (last - first), so without modulo bias; the
 * first candidate is start + 1, so `first` itself is reached only by
 * wrapping, as in the kernel.  With first == last there is nothing to
 * randomize (older FreeBSD skipped the draw there; so do we).
 */
static pk_status bsd_scan(pk_eph *st, bool randomized,
			  const pk_eph_request *req, pk_eph_usable_fn usable,
			  void *ctx, uint16_t *port, uint32_t *probes)
{
	const int32_t first = st->lo, last = st->hi;
	uint16_t lastport = (uint16_t)st->next;

	if (randomized && first != last)
		lastport = (uint16_t)(first + (int32_t)pk__prng_below(
						      &st->rng, (uint32_t)(last - first)));
	int32_t count = last - first;
	for (;;) {
		if (count-- < 0) {
			st->next = lastport;
			return PK_EXHAUSTED;
		}
		++lastport;
		if (lastport < first || lastport > last)
			lastport = (uint16_t)first;
		if (pk_eph_try(st, lastport, req, usable, ctx, probes))
			break;
	}
	st->next = lastport;
	*port = lastport;
	return PK_OK;
}

pk_status pk__eph_sequential(pk_eph *st, const pk_eph_request *req,
			    pk_eph_usable_fn usable, void *ctx, uint16_t *port,
			    uint32_t *probes)
{
	return bsd_scan(st, false, req, usable, ctx, port, probes);
}

pk_status pk__eph_freebsd(pk_eph *st, const pk_eph_request *req,
			 pk_eph_usable_fn usable, void *ctx, uint16_t *port,
			 uint32_t *probes)
{
	return bsd_scan(st, true, req, usable, ctx, port, probes);
}

/*
 * NetBSD sys/netinet/portalgo.c, algo_bsd() ("This is the default BSD
 * algorithm, as described in RFC 6056"):
 *
 *	count = mymax - mymin + 1;
 *	do {
 *		uint16_t myport = *next_ephemeral;
 *		if (myport < mymin || mymax < myport)
 *			myport = mymax;
 *		*next_ephemeral = myport - 1;
 *		if (check_suitable_port(myport, ...))
 *			return myport;
 *		count--;
 *	} while (count > 0);
 *
 * next_ephemeral is a uint16_t starting at 0, so the first port is the
 * top of the range.  count is 32-bit here: NetBSD's 16-bit count is 0
 * for the full 0-65535 range.
 */
pk_status pk__eph_descending(pk_eph *st, const pk_eph_request *req,
			    pk_eph_usable_fn usable, void *ctx, uint16_t *port,
			    uint32_t *probes)
{
	uint32_t count = st->num;
	uint16_t next = (uint16_t)st->next;

	do {
		uint16_t myport = next;
		if (myport < st->lo || st->hi < myport)
			myport = st->hi;
		next = (uint16_t)(myport - 1);
		if (pk_eph_try(st, myport, req, usable, ctx, probes)) {
			st->next = next;
			*port = myport;
			return PK_OK;
		}
		count--;
	} while (count > 0);
	st->next = next;
	return PK_EXHAUSTED;
}
