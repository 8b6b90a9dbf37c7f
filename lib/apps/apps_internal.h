/* apps_internal.h - lib/apps' private header: the catalog's storage and
 * what the registry build and the firewall generator need of it. */
#ifndef PK_APPS_INTERNAL_H
#define PK_APPS_INTERNAL_H

#include "core/internal.h"
#include "registry/registry_internal.h"

/* Bounds of the catalog format (docs/apps.md). */
#define PK_APPS_MAX_FILE (1u << 20)  /* bytes per file */
#define PK_APPS_MAX_LINE 1024u       /* bytes per line */
#define PK_APPS_MAX_NAME 32u         /* bytes of an application name */
#define PK_APPS_MAX_APPS 4096u
#define PK_APPS_MAX_LIST 64u         /* entries of one list per application */

struct pk_catalog {
	pk_app **apps;
	size_t napps, cap;
	char **files; /* labels the applications' file fields point to */
	size_t nfiles;
};

/* The catalog text compiled into the library (tools/apps_embedded.S, or
 * tools/no_embedded.c's empty one). */
extern const unsigned char pk__embedded_apps[];
extern const size_t pk__embedded_apps_size;

/* Is (lo, hi, protos) of a catalog line unofficial: IANA assigns it to no
 * name given on the line. */
static inline bool pk__app_port_unofficial(const pk_app_port *p)
{
	return p->iana[0] == '\0';
}

/* Adds a record of origin PK_ORIGIN_APP for every fixed port line of the
 * catalog, one per transport: name the application's, description its
 * title and the line's note, the flag
 * PK_RECFLAG_UNOFFICIAL where the line names no IANA service.  Dynamic
 * ranges (negotiated, not used), ports the application only connects
 * out to, and lines IANA assigns under the application's own name (ssh
 * 22) are left out.  (catalog_records.c) */
pk_status pk__apps_add_records(pk_builder *b, const pk_catalog *c, pk_error *err);

#endif /* PK_APPS_INTERNAL_H */
