/* port_runs.c - the unassigned ports of a range, as runs per transport
 * split at the RFC 6335 class boundaries (what `portkit range
 * --unassigned` lists).  "Unassigned" is pk_port_use()'s: not assigned
 * by IANA's origins. */
#include <stdlib.h>

#include "core/internal.h"

struct pk_port_runs {
	pk_port_run *v;
	size_t n, cap;
	uint32_t total[PK_PROTO_COUNT];
};

static pk_status runs_add(pk_port_runs *r, uint16_t lo, uint16_t hi,
			  pk_proto proto)
{
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 64;
		pk_port_run *v = realloc(r->v, cap * sizeof *v);
		if (v == NULL)
			return PK_NOMEM;
		r->v = v;
		r->cap = cap;
	}
	r->v[r->n++] = (pk_port_run){ .lo = lo, .hi = hi, .proto = proto,
				      .cls = pk_port_class_of(lo) };
	r->total[proto] += (uint32_t)(hi - lo) + 1;
	return PK_OK;
}

static pk_status find_runs(const pk_registry *reg, uint16_t lo, uint16_t hi,
			   pk_proto proto, pk_port_runs *r)
{
	int32_t start = -1;
	pk_status st = PK_OK;

	for (uint32_t port = lo; port <= hi && st == PK_OK; port++) {
		bool free_port = !pk_port_is_assigned(reg, (uint16_t)port, proto);
		bool boundary = start >= 0 &&
				pk_port_class_of((uint16_t)port) !=
					pk_port_class_of((uint16_t)start);
		if (start >= 0 && (!free_port || boundary)) {
			st = runs_add(r, (uint16_t)start, (uint16_t)(port - 1), proto);
			start = -1;
		}
		if (free_port && start < 0)
			start = (int32_t)port;
	}
	if (st == PK_OK && start >= 0)
		st = runs_add(r, (uint16_t)start, hi, proto);
	return st;
}

pk_status pk_unassigned_runs(const pk_registry *reg, uint16_t lo, uint16_t hi,
			     unsigned protomask, pk_port_runs **out,
			     pk_error *err)
{
	pk_status st = PK_OK;

	*out = NULL;
	if (lo > hi)
		return pk__error_set(err, PK_RANGE,
				     "invalid range %u-%u: the first port is above the last",
				     (unsigned)lo, (unsigned)hi);
	if (protomask == 0)
		protomask = PK_PROTOMASK_TRANSPORTS;
	pk_port_runs *r = calloc(1, sizeof *r);
	if (r == NULL)
		return pk__error_set(err, PK_NOMEM, "out of memory");
	for (unsigned p = PK_PROTO_TCP; p < PK_PROTO_COUNT && st == PK_OK; p++)
		if (protomask & PK_PROTOMASK(p))
			st = find_runs(reg, lo, hi, (pk_proto)p, r);
	if (st != PK_OK) {
		pk_port_runs_free(r);
		return pk__error_set(err, st, "out of memory");
	}
	*out = r;
	pk__error_clear(err);
	return PK_OK;
}

void pk_port_runs_free(pk_port_runs *runs)
{
	if (runs == NULL)
		return;
	free(runs->v);
	free(runs);
}

size_t pk_port_runs_count(const pk_port_runs *runs)
{
	return runs != NULL ? runs->n : 0;
}

const pk_port_run *pk_port_runs_get(const pk_port_runs *runs, size_t i)
{
	return runs != NULL && i < runs->n ? &runs->v[i] : NULL;
}

uint32_t pk_port_runs_total(const pk_port_runs *runs, pk_proto proto)
{
	if (runs == NULL || (unsigned)proto >= PK_PROTO_COUNT)
		return 0;
	return runs->total[proto];
}
