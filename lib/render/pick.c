/* pick.c - the ports `pk_pick_run` chose: one line of reasons per port
 * for people, the constraints and each port's reasons as codes in JSON. */
#include <stdio.h>

#include "render/render_internal.h"

/* The binds of PK_PICK_BOUND bits: {"protocol", "address"} each. */
static void json_binds(pk_render *r, const char *key, unsigned bound)
{
	pk__json_array_begin(r, key);
	for (unsigned proto = PK_PROTO_TCP; proto < PK_PROTO_COUNT; proto++)
		for (int v6 = 0; v6 <= 1; v6++)
			if (bound & PK_PICK_BOUND(proto, v6)) {
				pk__json_object_begin(r, NULL);
				pk__json_string(r, "protocol",
						pk_proto_name((pk_proto)proto));
				pk__json_string(r, "address", v6 ? "::" : "0.0.0.0");
				pk__json_object_end(r);
			}
	pk__json_array_end(r);
}

static void json_constraints(pk_render *r, const pk_pick *pick, size_t count)
{
	const pk_os_profile *os[64];
	uint16_t lo, hi, near;
	unsigned flags = pk_pick_get_flags(pick);
	size_t nos = pk_pick_get_avoided_os(pick, os, 64);

	pk_pick_get_range(pick, &lo, &hi);
	pk__json_object_begin(r, "constraints");
	pk__json_uint(r, "count", count);
	pk__json_protocols(r, "protocols", pk_pick_get_protos(pick));
	pk__json_uint(r, "port_lo", lo);
	pk__json_uint(r, "port_hi", hi);
	if (pk_pick_get_near(pick, &near))
		pk__json_uint(r, "near", near);
	else
		pk__json_null(r, "near");
	pk__json_string(r, "name", pk_pick_get_name(pick));
	pk__json_array_begin(r, "avoid_os");
	for (size_t i = 0; i < nos && i < 64; i++)
		pk__json_string(r, NULL, os[i]->id);
	pk__json_array_end(r);
	pk__json_bool(r, "allow_assigned", flags & PK_PICK_ALLOW_ASSIGNED);
	pk__json_bool(r, "allow_unofficial", flags & PK_PICK_ALLOW_UNOFFICIAL);
	pk__json_bool(r, "host_check", !(flags & PK_PICK_NO_HOST_CHECK));
	pk__json_object_end(r);
}

static void json_pick(pk_render *r, const pk_registry *reg,
		      const pk_pick *pick, const pk_pick_result *res, size_t n)
{
	pk_pick_stats stats;
	uint16_t near;
	bool has_near = pk_pick_get_near(pick, &near);
	bool has_name = pk_pick_get_name(pick) != NULL;

	pk_pick_get_stats(pick, &stats);
	pk__json_document_begin(r, "pick");
	pk__json_registry(r, "registry", reg);
	json_constraints(r, pick, n);
	if (stats.host_checked && stats.host_range_known) {
		pk__json_object_begin(r, "host_range");
		pk__json_uint(r, "port_lo", stats.host_lo);
		pk__json_uint(r, "port_hi", stats.host_hi);
		pk__json_object_end(r);
	} else {
		pk__json_null(r, "host_range");
	}
	pk__json_array_begin(r, "ports");
	for (size_t i = 0; i < n; i++) {
		pk__json_object_begin(r, NULL);
		pk__json_uint(r, "port", res[i].port);
		pk__json_string(r, "class", pk__class_code(pk_port_class_of(res[i].port)));
		pk__json_array_begin(r, "why");
		for (unsigned b = 0; b < PK_PICK_WHY_COUNT; b++)
			if (res[i].why & (1u << b))
				pk__json_string(r, NULL, pk_pick_why_name(1u << b));
		pk__json_array_end(r);
		json_binds(r, "bound", res[i].bound);
		if (has_near)
			pk__json_uint(r, "distance", res[i].distance);
		else
			pk__json_null(r, "distance");
		if (has_name)
			pk__json_uint(r, "sequence", res[i].sequence);
		else
			pk__json_null(r, "sequence");
		pk__json_bool(r, "system_port", res[i].port < 1024);
		pk__json_object_end(r);
	}
	pk__json_array_end(r);
	json_binds(r, "unchecked", stats.unchecked);
	pk__json_object_end(r);
}

void pk_render_pick(pk_render *r, const pk_registry *reg, const pk_pick *pick,
		    const pk_pick_result *res, size_t n)
{
	if (r->format == PK_RENDER_JSON) {
		json_pick(r, reg, pick, res, n);
		return;
	}
	if (r->flags & PK_RENDER_BARE) {
		/* PORT=$(portkit pick -q): the numbers alone. */
		for (size_t i = 0; i < n; i++)
			pk__render_printf(r, "%u\n", res[i].port);
		return;
	}
	pk_text_table *t = pk__table_new(r, 2);
	for (size_t i = 0; i < n; i++) {
		char port[8], expl[1024];
		snprintf(port, sizeof port, "%u", res[i].port);
		pk_pick_explain(pick, &res[i], expl, sizeof expl);
		pk__table_add_pair(r, t, port, expl);
	}
	pk__table_write(r, t);
	pk__table_free(t);
}
