/* port_use.c - what the registry says about one port: assigned, reserved,
 * de-registered, or used without assignment, per transport.  pick.c
 * avoids such ports; advise.c explains them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "port_use.h"

/* A port rarely has more than a handful of records (one per transport,
 * plus aliases and overlapping ranges); more spill to the heap. */
#define STACK_IDS 32

pk_status pk_port_use_get(const pk_registry *reg, uint16_t port,
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
	n = pk_lookup_port(reg, port, protomask, ids, STACK_IDS);
	if (n > STACK_IDS) {
		ids = malloc(n * sizeof *ids);
		if (ids == NULL)
			return PK_NOMEM;
		n = pk_lookup_port(reg, port, protomask, ids, n);
	}
	for (size_t i = 0; i < n; i++) {
		pk_record rec;
		if (pk_record_get(reg, ids[i], &rec) != PK_OK)
			continue;
		unsigned bit = PK_PROTOMASK(rec.proto);
		if ((bit & protomask) == 0)
			continue;
		switch (rec.kind) {
		case PK_KIND_ASSIGNED:
			if (rec.origin == PK_ORIGIN_UNOFFICIAL) {
				if (!(out->unofficial & bit))
					out->unofficial_rec[rec.proto] = rec.id;
				out->unofficial |= bit;
			} else if (rec.origin == PK_ORIGIN_SERVICES) {
				/* A services(5) name IANA also has is merged
				 * into the IANA record; one on its own is what
				 * a system's services file says, not IANA. */
				if (!(out->listed & bit))
					out->listed_rec[rec.proto] = rec.id;
				out->listed |= bit;
			} else if (pk_port_is_assigned(reg, port, rec.proto)) {
				/* Name the service by its current name, not a
				 * historic alias, when both are there. */
				bool hist = (rec.flags & PK_RECFLAG_HISTORIC) != 0;
				if (!(out->assigned & bit) ||
				    ((historic & bit) && !hist)) {
					out->assigned_rec[rec.proto] = rec.id;
					historic = hist ? historic | bit :
							  historic & ~bit;
				}
				out->assigned |= bit;
			}
			break;
		case PK_KIND_RESERVED:
			out->reserved |= bit;
			break;
		case PK_KIND_DEREGISTERED:
			if (!(out->deregistered & bit))
				out->deregistered_rec[rec.proto] = rec.id;
			out->deregistered |= bit;
			break;
		default:
			break;
		}
	}
	if (ids != stack_ids)
		free(ids);
	return PK_OK;
}
