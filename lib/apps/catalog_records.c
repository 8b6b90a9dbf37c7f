/* catalog_records.c - the catalog's ports as registry records, so that a
 * lookup and the one port-use rule (pk_port_use) see them, as records of
 * their own origin. */
#include <string.h>

#include "apps/apps_internal.h"

pk_status pk__apps_add_records(pk_builder *b, const pk_catalog *c, pk_error *err)
{
	pk_buf desc;
	pk_status st = PK_OK;

	pk__buf_init(&desc, PK_APPS_MAX_LINE * 2);
	for (size_t i = 0; st == PK_OK && i < pk_catalog_count(c); i++) {
		const pk_app *a = pk_catalog_app(c, i);
		for (size_t k = 0; st == PK_OK && k < a->port_count; k++) {
			const pk_app_port *p = &a->ports[k];
			/* A port the application connects out to is someone
			 * else's server's port: only what it listens on is its
			 * use of a port. */
			if (p->dynamic || p->dir == PK_DIR_OUT)
				continue;
			/* IANA's record already says it, under the same name. */
			if (strcmp(p->iana, a->name) == 0)
				continue;
			desc.len = 0;
			st = pk__buf_printf(&desc, "%s%s%s", a->title, p->note[0] ? ": " : "",
					    p->note);
			if (st == PK_OK)
				st = pk__buf_terminate(&desc);
			for (unsigned proto = PK_PROTO_TCP; st == PK_OK && proto <= PK_PROTO_DCCP;
			     proto++) {
				if (!(p->protos & PK_PROTOMASK(proto)))
					continue;
				pk_record r = { .name = a->name, .proto = (pk_proto)proto,
						.has_port = true, .port_lo = p->lo, .port_hi = p->hi,
						.kind = PK_KIND_ASSIGNED, .origin = PK_ORIGIN_APP,
						.flags = pk__app_port_unofficial(p) ?
								 PK_RECFLAG_UNOFFICIAL : 0,
						.description = desc.data };
				/* No aliases: the catalog's (www, krb5) would stand beside
				 * services(5)'s on other records; `portkit app` knows them. */
				st = pk__builder_add(b, &r, NULL);
			}
		}
	}
	pk__buf_free(&desc);
	if (st != PK_OK)
		return pk__error_set(err, st, "adding the application catalog to the registry: %s",
				     pk_strerror(st));
	return PK_OK;
}
