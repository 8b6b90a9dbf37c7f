/* top.c - the most used ports (`portkit top`): the registry's popularity
 * table (nmap-services' open frequency) ranked, each port with the names
 * the registry has for it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render/render_internal.h"

/* The names of port/proto's assigned records, ", "-separated, into buf. */
static void names_of(const pk_registry *reg, uint16_t port, pk_proto proto,
		     pk_buf *buf)
{
	pk_recid ids[16];
	size_t n = pk_lookup_port(reg, port, PK_PROTOMASK(proto), ids, 16);

	buf->len = 0;
	for (size_t i = 0; i < n && i < 16; i++) {
		pk_record rec;
		if (pk_record_get(reg, ids[i], &rec, NULL) != PK_OK ||
		    rec.name == NULL || rec.proto != proto)
			continue;
		if (buf->len > 0)
			pk__buf_addstr(buf, ", ");
		pk__buf_addstr(buf, rec.name);
	}
	pk__buf_terminate(buf);
}

void pk_render_top(pk_render *r, const pk_registry *reg, unsigned protomask,
		   size_t count, const char *add_command)
{
	size_t *top = count ? calloc(count, sizeof *top) : NULL;
	size_t n = 0;
	pk_buf names;

	if (count > 0 && top == NULL) {
		pk__render_fail(r, PK_NOMEM, "out of memory");
		return;
	}
	if (pk_popularity_count(reg) > 0)
		n = pk_popularity_top(reg, protomask, top, count);
	if (n > count)
		n = count;
	pk__buf_init(&names, 4096);
	if (r->format == PK_RENDER_JSON) {
		pk__json_document_begin(r, "top");
		pk__json_registry(r, "registry", reg);
		pk__json_bool(r, "popularity", pk_popularity_count(reg) > 0);
		pk__json_array_begin(r, "ports");
		for (size_t i = 0; i < n; i++) {
			uint16_t port;
			pk_proto proto;
			uint32_t ppm;
			pk_popularity_get(reg, top[i], &port, &proto, &ppm);
			names_of(reg, port, proto, &names);
			pk__json_object_begin(r, NULL);
			pk__json_uint(r, "rank", i + 1);
			pk__json_uint(r, "port", port);
			pk__json_string(r, "protocol", pk_proto_name(proto));
			pk__json_real(r, "frequency", ppm / 1e6);
			pk__json_array_begin(r, "names");
			/* names.data is ", "-joined; split it again. */
			for (const char *p = names.data; p != NULL && *p != '\0';) {
				const char *e = strstr(p, ", ");
				size_t l = e != NULL ? (size_t)(e - p) : strlen(p);
				pk__json_stringn(r, NULL, p, l);
				p = e != NULL ? e + 2 : p + l;
			}
			pk__json_array_end(r);
			pk__json_object_end(r);
		}
		pk__json_array_end(r);
		pk__json_object_end(r);
	} else if (pk_popularity_count(reg) == 0) {
		pk_registry_info info;
		pk_registry_get_info(reg, &info);
		pk__render_puts(r, "no popularity data in this registry (");
		pk__render_text(r, info.source, strlen(info.source), false);
		pk__render_puts(r, ")");
		if (add_command != NULL) {
			pk__render_puts(r, ": `");
			pk__render_text(r, add_command, strlen(add_command), false);
			pk__render_puts(r, "` adds nmap's");
		}
		pk__render_put(r, "\n", 1);
	} else {
		pk_text_table *t = pk__table_new(r, 5);
		static const char *const header[] = { "RANK", "PORT", "PROTO", "OPEN", "NAMES" };
		if (t != NULL) {
			pk__table_add_header(r, t, header);
			for (size_t i = 0; i < n; i++) {
				uint16_t port;
				pk_proto proto;
				uint32_t ppm;
				char rank[24], ps[8], open[24];
				pk_popularity_get(reg, top[i], &port, &proto, &ppm);
				names_of(reg, port, proto, &names);
				snprintf(rank, sizeof rank, "%zu", i + 1);
				snprintf(ps, sizeof ps, "%u", (unsigned)port);
				snprintf(open, sizeof open, "%u.%04u %%",
					 (unsigned)(ppm / 10000), (unsigned)(ppm % 10000));
				const char *cells[] = { rank, ps, pk_proto_name(proto), open,
							names.len ? names.data : "-" };
				pk__table_add(r, t, cells);
			}
			pk__table_write(r, t);
			pk__table_free(t);
		}
	}
	pk__buf_free(&names);
	free(top);
}
