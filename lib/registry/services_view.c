/* services_view.c - the registry as services(5) sees it (include/portkit.h,
 * "The registry as services(5) sees it"): what `portkit export --format
 * services` writes and what the NSS module answers, from one rule.
 *
 * Read straight from the index postings without allocating or failing:
 * the NSS module calls this inside other people's processes, once per
 * getservbyport(), and must cost little more than glibc's dispatch. */
#include <string.h>

#include "registry/index.h"

/* Passes over a port's postings, in the order names come. */
enum { PASS_IANA, PASS_SUPPLEMENT, PASS_SERVICES, PASS_HISTORIC, PASS_COUNT_ };

/* A name is compared with this many earlier names at most, so that a
 * hostile index with thousands of names on one port costs linear time. */
#define DEDUP_MAX 256

bool pk_service_name_ok(const char *name)
{
	if (name == NULL || name[0] == '\0')
		return false;
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		if (*p <= 0x20 || *p >= 0x7f || *p == '#')
			return false;
	return true;
}

/* Does record r give names to (any port of it, proto), and in which pass? */
static inline bool contributes(const pk_idx_rec *r, pk_proto proto,
			       unsigned *pass)
{
	if (r->name == 0 || !r->has_port || r->kind != PK_KIND_ASSIGNED)
		return false;
	if (r->proto != (unsigned)proto &&
	    !(r->proto == PK_PROTO_NONE && (proto == PK_PROTO_TCP || proto == PK_PROTO_UDP)))
		return false;
	switch (r->origin) {
	case PK_ORIGIN_IANA:
		*pass = (r->flags & PK_RECFLAG_HISTORIC) ? PASS_HISTORIC : PASS_IANA;
		return true;
	case PK_ORIGIN_SUPPLEMENT:
		*pass = PASS_SUPPLEMENT;
		return true;
	case PK_ORIGIN_SERVICES:
		*pass = PASS_SERVICES;
		return true;
	default:
		return false; /* unofficial uses, origins added later */
	}
}

/* A position among the raw names of (port, proto): the pass, the posting
 * (from the port's first) and the name in the record (0: its name, i:
 * its alias i-1). */
typedef struct raw_pos {
	uint32_t pass;
	uint32_t k;
	uint32_t j;
} raw_pos;

#define CUR_J_BITS 20
#define CUR_K_BITS 40
#define CUR_END ((uint64_t)PASS_COUNT_ << (CUR_J_BITS + CUR_K_BITS))

static inline raw_pos decode(uint64_t c)
{
	raw_pos p = {
		.pass = (uint32_t)(c >> (CUR_J_BITS + CUR_K_BITS)),
		.k = (uint32_t)((c >> CUR_J_BITS) & (((uint64_t)1 << CUR_K_BITS) - 1)),
		.j = (uint32_t)(c & (((uint64_t)1 << CUR_J_BITS) - 1)),
	};
	return p;
}

static inline uint64_t encode(raw_pos p)
{
	return ((uint64_t)p.pass << (CUR_J_BITS + CUR_K_BITS)) |
	       ((uint64_t)p.k << CUR_J_BITS) | p.j;
}

/* The raw name at *p or after it (fit or not, repeated or not), *p
 * advanced past it; NULL at the end. */
static const char *raw_next(const pk_registry *reg, uint16_t port,
			    pk_proto proto, raw_pos *p)
{
	uint32_t a = reg->ports[port], n = reg->ports[port + 1] - a;

	for (; p->pass < PASS_COUNT_; p->pass++, p->k = 0, p->j = 0) {
		for (; p->k < n; p->k++, p->j = 0) {
			const pk_idx_rec *r = &reg->recs[reg->port_post[a + p->k]];
			unsigned pass;
			if (!contributes(r, proto, &pass) || pass != p->pass ||
			    p->j > r->alias_count)
				continue;
			uint32_t off = p->j == 0 ? r->name : reg->items[r->items + p->j - 1].a;
			p->j++;
			return pk_idx_str(reg, off);
		}
	}
	return NULL;
}

static inline bool same_pos(const raw_pos *a, const raw_pos *b)
{
	return a->pass == b->pass && a->k == b->k && a->j == b->j;
}

/* Did a fit name equal to s come before position at (s's own, advanced)? */
static bool seen_before(const pk_registry *reg, uint16_t port, pk_proto proto,
			const raw_pos *at, const char *s)
{
	raw_pos q = { 0, 0, 0 };
	unsigned compared = 0;
	const char *t;

	while (compared < DEDUP_MAX && (t = raw_next(reg, port, proto, &q)) != NULL) {
		if (same_pos(&q, at))
			return false;
		if (!pk_service_name_ok(t))
			continue;
		compared++;
		if (pk__strcasecmp(t, s) == 0)
			return true;
	}
	return false;
}

const char *pk_services_name_next(const pk_registry *reg, uint16_t port,
				  pk_proto proto, uint64_t *cursor,
				  size_t *skipped)
{
	const char *s;

	if (reg == NULL || proto == PK_PROTO_NONE || (unsigned)proto >= PK_PROTO_COUNT ||
	    *cursor >= CUR_END) {
		*cursor = CUR_END;
		return NULL;
	}
	raw_pos p = decode(*cursor);
	while ((s = raw_next(reg, port, proto, &p)) != NULL) {
		if (!pk_service_name_ok(s)) {
			if (skipped != NULL)
				(*skipped)++;
			continue;
		}
		if (seen_before(reg, port, proto, &p, s))
			continue;
		*cursor = encode(p);
		return s;
	}
	*cursor = CUR_END;
	return NULL;
}

/* Has (port, proto) an entry: a fit name?  When not, *unfit (may be
 * NULL) gets the names it has that are unfit. */
static bool has_entry(const pk_registry *reg, uint16_t port, pk_proto proto,
		      size_t *unfit)
{
	uint64_t c = 0;
	size_t n = 0;

	if (reg->ports[port] == reg->ports[port + 1])
		return false; /* most ports: no record at all */
	if (pk_services_name_next(reg, port, proto, &c, &n) != NULL)
		return true;
	if (unfit != NULL)
		*unfit += n;
	return false;
}

/* Entries are numbered port * 4 + transport - 1: tcp, udp, sctp, dccp. */
#define NPROTO 4u

bool pk_services_next_entry(const pk_registry *reg, uint32_t *pos,
			    uint16_t *port, pk_proto *proto, size_t *skipped)
{
	if (reg == NULL)
		return false;
	for (uint32_t i = *pos; i < PK_IDX_NPORTS * NPROTO; i++) {
		uint16_t pt = (uint16_t)(i / NPROTO);
		pk_proto pr = (pk_proto)(i % NPROTO + PK_PROTO_TCP);
		if (reg->ports[pt] == reg->ports[pt + 1]) {
			i = (uint32_t)pt * NPROTO + NPROTO - 1; /* the next port */
			continue;
		}
		if (has_entry(reg, pt, pr, skipped)) {
			*port = pt;
			*proto = pr;
			*pos = i + 1;
			return true;
		}
	}
	*pos = PK_IDX_NPORTS * NPROTO;
	return false;
}

bool pk_services_find_port(const pk_registry *reg, uint16_t port,
			   pk_proto proto, pk_proto *proto_out)
{
	if (reg == NULL || (unsigned)proto >= PK_PROTO_COUNT)
		return false;
	for (unsigned p = PK_PROTO_TCP; p < PK_PROTO_COUNT; p++) {
		if (proto != PK_PROTO_NONE && p != (unsigned)proto)
			continue;
		if (has_entry(reg, port, (pk_proto)p, NULL)) {
			*proto_out = (pk_proto)p;
			return true;
		}
	}
	return false;
}

bool pk_services_find_name(const pk_registry *reg, const char *name,
			   pk_proto proto, uint16_t *port, pk_proto *proto_out)
{
	const pk_idx_name *s;
	uint32_t best = UINT32_MAX; /* port * 4 + transport - 1, as entries */

	/* A name the view leaves out answers nothing, in any spelling (the
	 * rule is blind to ASCII case). */
	if (reg == NULL || (unsigned)proto >= PK_PROTO_COUNT ||
	    !pk_service_name_ok(name) || (s = pk__name_slot(reg, name)) == NULL)
		return false;
	/* Every record carrying the name in some spelling; the ones that give
	 * names to an entry hold it there (a fit name is never left out,
	 * only a repeat of it), at each port of their range: the first port
	 * is the first entry. */
	for (uint32_t k = 0; k < s->count; k++) {
		const pk_idx_rec *r = &reg->recs[reg->name_post[s->first + k]];
		for (unsigned p = PK_PROTO_TCP; p < PK_PROTO_COUNT; p++) {
			unsigned pass;
			if ((proto != PK_PROTO_NONE && p != (unsigned)proto) ||
			    !contributes(r, (pk_proto)p, &pass))
				continue;
			uint32_t at = (uint32_t)r->port_lo * NPROTO + p - PK_PROTO_TCP;
			if (at < best)
				best = at;
		}
	}
	if (best == UINT32_MAX)
		return false;
	*port = (uint16_t)(best / NPROTO);
	*proto_out = (pk_proto)(best % NPROTO + PK_PROTO_TCP);
	return true;
}
