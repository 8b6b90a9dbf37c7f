/* port_use.h - what the registry says about one port, per transport, as
 * pick.c and advise.c need it (private to lib/). */
#ifndef PK_PORT_USE_H
#define PK_PORT_USE_H

#include "core/internal.h"

typedef struct pk_port_use {
	/* PK_PROTOMASK bits of the transports with ... */
	unsigned assigned;     /* an IANA assignment (pk_port_is_assigned) */
	unsigned listed;       /* a services(5) entry that is not also an IANA
				  record (origin PK_ORIGIN_SERVICES) */
	unsigned unofficial;   /* a well-known unofficial use */
	unsigned reserved;     /* a "Reserved" record */
	unsigned deregistered; /* a "De-registered"/"Removed" record */
	/* The first record of each kind per transport (valid when the bit is
	 * set above). */
	pk_recid assigned_rec[PK_PROTO_COUNT];
	pk_recid listed_rec[PK_PROTO_COUNT];
	pk_recid unofficial_rec[PK_PROTO_COUNT];
	pk_recid deregistered_rec[PK_PROTO_COUNT];
} pk_port_use;

/* Fills *out for port and the transports of protomask (reg may be NULL:
 * nothing is known).  PK_NOMEM is the only failure. */
pk_status pk__port_use_get(const pk_registry *reg, uint16_t port,
		     unsigned protomask, pk_port_use *out);

#endif /* PK_PORT_USE_H */
