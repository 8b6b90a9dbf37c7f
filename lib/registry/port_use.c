/* port_use.c - what the registry says about one port: assigned, reserved,
 * de-registered, or used without assignment, per transport.  pick.c
 * avoids such ports; advise.c explains them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "registry/port_use.h"

/* A port rarely has more than a handful of records (one per transport,
 * plus aliases and overlapping ranges); more spill to the heap. */
#define STACK_IDS 32

/* Files one record under one transport p (the record's own, or every
 * requested one when it names no transport). */
static void note_record(const pk_registry *reg, uint16_t port,
			const pk_record *rec, pk_proto p, unsigned *historic,
			pk_port_use *out)
{
	unsigned bit = PK_PROTOMASK(p);

	switch (rec->kind) {
	case PK_KIND_ASSIGNED:
		if (rec->origin == PK_ORIGIN_UNOFFICIAL) {
			if (!(out->unofficial & bit))
				out->unofficial_rec[p] = rec->id;
			out->unofficial |= bit;
		} else if (rec->origin == PK_ORIGIN_SERVICES) {
			/* A services(5) name IANA also has is merged into the
			 * IANA record; one on its own is what a system's
			 * services file says, not IANA. */
			if (!(out->listed & bit))
				out->listed_rec[p] = rec->id;
			out->listed |= bit;
		} else if (pk_port_is_assigned(reg, port, p)) {
			/* Name the service by its current name, not a
			 * historic alias, when both are there. */
			bool hist = (rec->flags & PK_RECFLAG_HISTORIC) != 0;
			if (!(out->assigned & bit) || ((*historic & bit) && !hist)) {
				out->assigned_rec[p] = rec->id;
				*historic = hist ? *historic | bit : *historic & ~bit;
			}
			out->assigned |= bit;
		}
		break;
	case PK_KIND_RESERVED:
		out->reserved |= bit;
		break;
	case PK_KIND_DEREGISTERED:
		if (!(out->deregistered & bit))
			out->deregistered_rec[p] = rec->id;
		out->deregistered |= bit;
		break;
	default:
		break;
	}
}

pk_status pk__port_use_get(const pk_registry *reg, uint16_t port,
			  unsigned protomask, pk_port_use *out)
{
	pk_recid stack_ids[STACK_IDS];
	pk_recid *ids = stack_ids;
	size_t n;
	unsigned historic = 0; /* transports whose assigned_rec is historic */

	memset(out, 0, sizeof *out);
	if (reg == NULL)
		return PK_OK;
	protomask &= PK_PROTOMASK_TRANSPORTS;
	/* Records that name no transport speak for every transport. */
	unsigned lookup_mask = protomask | PK_PROTOMASK(PK_PROTO_NONE);
	n = pk_lookup_port(reg, port, lookup_mask, ids, STACK_IDS);
	if (n > STACK_IDS) {
		ids = malloc(n * sizeof *ids);
		if (ids == NULL)
			return PK_NOMEM;
		n = pk_lookup_port(reg, port, lookup_mask, ids, n);
	}
	for (size_t i = 0; i < n; i++) {
		pk_record rec;
		if (pk_record_get(reg, ids[i], &rec, NULL) != PK_OK)
			continue;
		unsigned bits = rec.proto == PK_PROTO_NONE ?
					protomask :
					PK_PROTOMASK(rec.proto) & protomask;
		for (unsigned p = PK_PROTO_TCP; p < PK_PROTO_COUNT; p++) {
			unsigned bit = PK_PROTOMASK(p);
			if ((bits & bit) == 0)
				continue;
			note_record(reg, port, &rec, (pk_proto)p, &historic, out);
		}
	}
	if (ids != stack_ids)
		free(ids);
	return PK_OK;
}
