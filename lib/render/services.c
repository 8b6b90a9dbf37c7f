/* services.c - the registry as a services(5) file (`portkit export
 * --format services`): the one services(5) view of lib/registry, the same
 * entries the NSS module answers, one line each. */
#include <stdio.h>

#include "render/render_internal.h"

/* The header's comment lines: registry text is escaped (a newline in a
 * source name must not end the comment and start an entry). */
static void comment(pk_render *r, const char *label, const char *value)
{
	pk__render_puts(r, "# ");
	pk__render_puts(r, label);
	pk__render_text(r, value, strlen(value), false);
	pk__render_puts(r, "\n");
}

void pk_render_services(pk_render *r, const pk_registry *reg, size_t *skipped)
{
	pk_registry_info info;
	size_t left_out = 0;
	uint32_t pos = 0;
	uint16_t port;
	pk_proto proto;

	pk_registry_get_info(reg, &info);
	pk__render_printf(r, "# services(5) written by portkit %s from the registry below:\n"
			  "# every named assignment, one line per port and transport\n"
			  "# (ranges expanded); unofficial uses are left out.\n",
			  pk_version());
	comment(r, "source:  ", info.source);
	comment(r, "updated: ", info.updated[0] ? info.updated : "unknown");
	comment(r, "origin:  ", info.origin);
	pk__render_puts(r, "\n");
	while (pk__render_ok(r) && pk_services_next_entry(reg, &pos, &port, &proto, &left_out)) {
		uint64_t c = 0;
		const char *name = pk_services_name_next(reg, port, proto, &c, &left_out);
		char where[16];
		int n;

		if (name == NULL)
			continue; /* not reached: an entry has a name */
		n = snprintf(where, sizeof where, "%u/%s", (unsigned)port, pk_proto_name(proto));
		/* Columns as netbase's file has them; a long name still gets
		 * its separator. */
		pk__render_puts(r, name);
		for (size_t w = strlen(name); w < 16; w += 8)
			pk__render_puts(r, "\t");
		if (strlen(name) >= 16)
			pk__render_puts(r, "\t");
		pk__render_puts(r, where);
		const char *alias = pk_services_name_next(reg, port, proto, &c, &left_out);
		if (alias != NULL && n < 8)
			pk__render_puts(r, "\t");
		for (; alias != NULL; alias = pk_services_name_next(reg, port, proto, &c, &left_out)) {
			pk__render_puts(r, "\t");
			pk__render_puts(r, alias);
		}
		pk__render_puts(r, "\n");
	}
	if (skipped != NULL)
		*skipped = left_out;
}
