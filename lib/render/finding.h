/*
 * finding.h - what the renderers of lib/render/ share about findings and
 * host results: a finding's words and its JSON object, and the members
 * audit, advise and listeners have in common.
 */
#ifndef PK_RENDER_FINDING_H
#define PK_RENDER_FINDING_H

#include "render/render_internal.h"

/* Appends one part of f's text to b (pk_finding_text's words). */
pk_status pk__finding_text(pk_buf *b, const pk_finding *f,
			   pk_finding_part part);

/* The finding as a JSON object: {"code", "severity", "facts", "fix",
 * "cite", "text"} (docs/json.md). */
void pk__json_finding(pk_render *r, const char *key, const pk_finding *f);

/* A list of port ranges: [{"port_lo", "port_hi"}, ...]. */
void pk__json_portset(pk_render *r, const char *key, const pk_portset *set);

/* {"port_lo", "port_hi"}. */
void pk__json_range(pk_render *r, const char *key, uint16_t lo, uint16_t hi);

/* "host": this host's settings and what its socket tables showed (socks
 * may be NULL). */
void pk__json_host(pk_render *r, const pk_host_portconf *conf,
		   const pk_host_sockets *socks);

#endif /* PK_RENDER_FINDING_H */
