/* port_use.c - the one port-use rule (include/portkit.h, "Port use";
 * docs/registry.md): what the registry says about a port for a transport,
 * and the services it names there.  Read straight from the index postings,
 * without allocating: `range --unassigned` and pick's candidate scan ask
 * once per port. */
#include "registry/index.h"

const char *pk_port_state_name(pk_port_state state)
{
	switch (state) {
	case PK_PORT_NO_RECORD: return "no-record";
	case PK_PORT_UNASSIGNED: return "unassigned";
	case PK_PORT_RESERVED: return "reserved";
	case PK_PORT_ASSIGNED: return "assigned";
	}
	return "unknown";
}

/* Does the caller ask about origin?  0 and PK_ORIGINMASK_ALL take every
 * origin, also one too new to have a bit. */
static inline bool origin_ok(unsigned originmask, unsigned origin)
{
	if (originmask == 0 || originmask == PK_ORIGINMASK_ALL)
		return true;
	return origin < 32 && (originmask & PK_ORIGINMASK(origin)) != 0;
}

/* The standing of one record, as a pk_port_state. */
static inline pk_port_state standing(const pk_idx_rec *r)
{
	switch (r->kind) {
	case PK_KIND_ASSIGNED:
		/* A historic alias stands for another record. */
		return (r->flags & PK_RECFLAG_HISTORIC) ? PK_PORT_UNASSIGNED :
							  PK_PORT_ASSIGNED;
	case PK_KIND_RESERVED:
		return PK_PORT_RESERVED;
	default:
		return PK_PORT_UNASSIGNED;
	}
}

/* Does r speak for proto?  One that names no transport speaks for all. */
static inline bool speaks_for(const pk_idx_rec *r, pk_proto proto)
{
	return r->proto == (unsigned)proto || r->proto == PK_PROTO_NONE;
}

/* pk_port_use(), inlined into its callers here: public functions can be
 * interposed in a shared library, so the compiler will not inline them. */
static inline pk_port_state port_use(const pk_registry *reg, uint16_t port,
				     pk_proto proto, unsigned originmask,
				     pk_recid *out, size_t cap, size_t *count)
{
	pk_port_state best = PK_PORT_NO_RECORD;
	size_t n = 0;
	/* Without ids or a count, the first assignment is the answer. */
	bool want_all = cap > 0 || count != NULL;

	if (reg != NULL) {
		for (uint32_t k = reg->ports[port]; k < reg->ports[port + 1]; k++) {
			uint32_t id = reg->port_post[k];
			const pk_idx_rec *r = &reg->recs[id];
			if (!speaks_for(r, proto) || !origin_ok(originmask, r->origin))
				continue;
			pk_port_state s = standing(r);
			if (s < best)
				continue;
			/* A stronger standing: the records so far decide
			 * nothing any more. */
			if (s > best) {
				best = s;
				n = 0;
			}
			if (n < cap)
				out[n] = id;
			n++;
			if (best == PK_PORT_ASSIGNED && !want_all)
				break;
		}
	}
	if (count != NULL)
		*count = n;
	return best;
}

pk_port_state pk_port_use(const pk_registry *reg, uint16_t port,
			  pk_proto proto, unsigned originmask, pk_recid *out,
			  size_t cap, size_t *count)
{
	return port_use(reg, port, proto, originmask, out, cap, count);
}

bool pk_port_is_assigned(const pk_registry *reg, uint16_t port,
			 pk_proto proto)
{
	return port_use(reg, port, proto, PK_ORIGINMASK_IANA, NULL, 0, NULL) ==
	       PK_PORT_ASSIGNED;
}

/* ---- the services on a port -------------------------------------------- */

/* Earlier records a name is compared with (real ports have a handful). */
#define DEDUP_MAX 64

/* Where an origin's names come in pk_port_services(): IANA's word first,
 * then a system's services(5), then uses without assignment, then origins
 * added later, in their order. */
static inline unsigned origin_rank(unsigned origin)
{
	switch (origin) {
	case PK_ORIGIN_IANA: return 0;
	case PK_ORIGIN_SUPPLEMENT: return 1;
	case PK_ORIGIN_SERVICES: return 2;
	case PK_ORIGIN_UNOFFICIAL: return 3;
	default: return origin; /* the enum grows past 3 */
	}
}

/* Is posting k a named record that assigns (port, proto) among originmask? */
static inline bool names_port(const pk_registry *reg, uint32_t k,
			      pk_proto proto, unsigned originmask)
{
	const pk_idx_rec *r = &reg->recs[reg->port_post[k]];

	return r->name != 0 && speaks_for(r, proto) &&
	       origin_ok(originmask, r->origin) &&
	       standing(r) == PK_PORT_ASSIGNED;
}

size_t pk_port_services(const pk_registry *reg, uint16_t port, pk_proto proto,
			unsigned originmask, pk_recid *out, size_t cap)
{
	size_t n = 0;

	if (reg == NULL)
		return 0;
	uint32_t a = reg->ports[port], z = reg->ports[port + 1];
	/* The ranks present, so that each is walked once.  Origins are a
	 * byte; ranks beyond 63 (none exists) share the last pass. */
	uint64_t ranks = 0;
	for (uint32_t k = a; k < z; k++)
		if (names_port(reg, k, proto, originmask)) {
			unsigned rk = origin_rank(reg->recs[reg->port_post[k]].origin);
			ranks |= (uint64_t)1 << (rk < 63 ? rk : 63);
		}
	for (unsigned pass = 0; pass < 64 && ranks != 0; pass++) {
		if (!(ranks & ((uint64_t)1 << pass)))
			continue;
		ranks &= ~((uint64_t)1 << pass);
		for (uint32_t k = a; k < z; k++) {
			if (!names_port(reg, k, proto, originmask))
				continue;
			const pk_idx_rec *r = &reg->recs[reg->port_post[k]];
			unsigned rk = origin_rank(r->origin);
			if ((rk < 63 ? rk : 63) != pass)
				continue;
			/* Given once: skip a name an earlier record (a
			 * stronger origin, or the same one earlier) has.
			 * Compared with DEDUP_MAX earlier records at most,
			 * so that a hostile index with thousands of names on
			 * one port costs linear time, not quadratic. */
			const char *name = pk_idx_str(reg, r->name);
			bool seen = false;
			unsigned compared = 0;
			for (uint32_t j = a; j < z && !seen && compared < DEDUP_MAX; j++) {
				if (j == k || !names_port(reg, j, proto, originmask))
					continue;
				const pk_idx_rec *q = &reg->recs[reg->port_post[j]];
				unsigned qk = origin_rank(q->origin);
				qk = qk < 63 ? qk : 63;
				if (qk > pass || (qk == pass && j > k))
					continue;
				compared++;
				seen = pk__strcasecmp(pk_idx_str(reg, q->name), name) == 0;
			}
			if (seen)
				continue;
			if (n < cap)
				out[n] = reg->port_post[k];
			n++;
		}
	}
	return n;
}
