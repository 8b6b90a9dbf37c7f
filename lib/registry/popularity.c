/* popularity.c - how often ports are found open: nmap-services' open
 * frequency per port and transport, kept in the index's popularity
 * section (docs/index-format.md).  `portkit top`, the popularity of a
 * record and ranking by it read it here; none of it allocates. */
#include "registry/index.h"

size_t pk_popularity_count(const pk_registry *reg)
{
	return reg->npop;
}

bool pk_popularity_get(const pk_registry *reg, size_t i, uint16_t *port,
		       pk_proto *proto, uint32_t *ppm)
{
	if (i >= reg->npop)
		return false;
	if (port != NULL)
		*port = reg->pop[i].port;
	if (proto != NULL)
		*proto = (pk_proto)reg->pop[i].proto;
	if (ppm != NULL)
		*ppm = reg->pop[i].ppm;
	return true;
}

bool pk_port_popularity(const pk_registry *reg, uint16_t port, pk_proto proto,
			uint32_t *ppm)
{
	uint32_t key = (uint32_t)port << 8 | (uint32_t)proto;
	size_t lo = 0, hi = reg->npop;

	/* Validated strictly ascending: a binary search. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		uint32_t k = (uint32_t)reg->pop[mid].port << 8 | reg->pop[mid].proto;
		if (k == key) {
			if (ppm != NULL)
				*ppm = reg->pop[mid].ppm;
			return true;
		}
		if (k < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

/* Does entry a come before entry b in a ranking: more popular first, then
 * by port and transport. */
static bool before(const pk_registry *reg, uint32_t a, uint32_t b)
{
	const pk_idx_pop *x = &reg->pop[a], *y = &reg->pop[b];

	if (x->ppm != y->ppm)
		return x->ppm > y->ppm;
	return a < b; /* the section's own (port, transport) order */
}

size_t pk_popularity_top(const pk_registry *reg, unsigned protomask,
			 size_t *out, size_t cap)
{
	size_t n = 0, total = 0;

	protomask = pk_idx_mask(protomask);
	for (uint32_t i = 0; i < reg->npop; i++) {
		if (!pk_idx_proto_ok(protomask, reg->pop[i].proto))
			continue;
		total++;
		if (cap == 0 || (n == cap && !before(reg, i, (uint32_t)out[n - 1])))
			continue;
		/* Insertion into the sorted prefix; the last falls off. */
		size_t j = n < cap ? n++ : n - 1;
		while (j > 0 && before(reg, i, (uint32_t)out[j - 1])) {
			out[j] = out[j - 1];
			j--;
		}
		out[j] = i;
	}
	return total;
}
