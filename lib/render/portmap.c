/* portmap.c - the whole port space in one document: one character per
 * port saying who speaks for it, small enough (64 KiB, a few KiB
 * compressed) for a page to draw the map of all 65,536 ports from. */
#include <stdio.h>
#include <stdlib.h>

#include "render/render_internal.h"

/* The codes, strongest first: the first that holds for a port on any
 * transport is its code. */
static const struct {
	char code;
	const char *meaning;
} legend[] = {
	{ 'a', "assigned by IANA" },
	{ 'r', "reserved by IANA" },
	{ 's', "named only in a services(5) file" },
	{ 'o', "a known unofficial use only" },
	{ 'u', "unassigned (no record, or records that assign nothing)" },
};

char pk_port_map_code(const pk_registry *reg, uint16_t port)
{
	pk_port_state iana = PK_PORT_NO_RECORD;
	bool services = false, unofficial = false;

	for (int p = PK_PROTO_TCP; p <= PK_PROTO_DCCP; p++) {
		pk_port_state st = pk_port_use(reg, port, (pk_proto)p,
					       PK_ORIGINMASK_IANA, NULL, 0, NULL);
		if (st > iana)
			iana = st;
		if (iana == PK_PORT_ASSIGNED)
			return 'a';
	}
	if (iana == PK_PORT_RESERVED)
		return 'r';
	for (int p = PK_PROTO_TCP; p <= PK_PROTO_DCCP && !services; p++) {
		services = pk_port_use(reg, port, (pk_proto)p,
				       PK_ORIGINMASK(PK_ORIGIN_SERVICES), NULL, 0,
				       NULL) == PK_PORT_ASSIGNED;
		unofficial = unofficial ||
			     pk_port_use(reg, port, (pk_proto)p,
					 PK_ORIGINMASK(PK_ORIGIN_UNOFFICIAL), NULL,
					 0, NULL) == PK_PORT_ASSIGNED;
	}
	return services ? 's' : unofficial ? 'o' : 'u';
}

void pk_render_port_map(pk_render *r, const pk_registry *reg)
{
	size_t counts[sizeof legend / sizeof legend[0]] = { 0 };
	char *buf = malloc(65536);

	if (buf == NULL) {
		pk__render_fail(r, PK_NOMEM, "out of memory");
		return;
	}
	for (uint32_t p = 0; p <= 65535; p++) {
		buf[p] = pk_port_map_code(reg, (uint16_t)p);
		for (size_t i = 0; i < sizeof legend / sizeof legend[0]; i++)
			counts[i] += legend[i].code == buf[p];
	}
	if (r->format != PK_RENDER_JSON) {
		for (size_t i = 0; i < sizeof legend / sizeof legend[0]; i++)
			pk__render_printf(r, "%c  %5zu  %s\n", legend[i].code,
					  counts[i], legend[i].meaning);
		free(buf);
		return;
	}
	pk__json_document_begin(r, "map");
	pk__json_registry(r, "registry", reg);
	pk__json_array_begin(r, "legend");
	for (size_t i = 0; i < sizeof legend / sizeof legend[0]; i++) {
		char code[2] = { legend[i].code, '\0' };
		pk__json_object_begin(r, NULL);
		pk__json_string(r, "code", code);
		pk__json_string(r, "meaning", legend[i].meaning);
		pk__json_uint(r, "count", counts[i]);
		pk__json_object_end(r);
	}
	pk__json_array_end(r);
	pk__json_stringn(r, "ports", buf, 65536);
	pk__json_object_end(r);
	free(buf);
}

void pk_render_health(pk_render *r, const pk_registry *reg)
{
	char hash[24];

	snprintf(hash, sizeof hash, "%016llx",
		 (unsigned long long)pk_registry_content_hash(reg));
	if (r->format != PK_RENDER_JSON) {
		pk__render_printf(r, "ok: portkit %s, %u records, content %s\n",
				  pk_version(), (unsigned)pk_registry_count(reg), hash);
		return;
	}
	pk__json_document_begin(r, "health");
	pk__json_string(r, "status", "ok");
	pk__json_string(r, "version", pk_version());
	pk__json_registry(r, "registry", reg);
	pk__json_uint(r, "records", pk_registry_count(reg));
	pk__json_string(r, "content_hash", hash);
	pk__json_object_end(r);
}
