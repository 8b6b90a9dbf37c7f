/* ranges.c - ephemeral port ranges: the operating systems' defaults
 * (`portkit ranges`, `--os ID`) and this host's settings (`--host`). */
#include <stdio.h>

#include "render/render_internal.h"

/* "User+Dynamic": the RFC 6335 classes a range overlaps. */
static void classes_text(uint16_t lo, uint16_t hi, char *buf, size_t size)
{
	size_t used = 0;

	buf[0] = '\0';
	for (int c = pk_port_class_of(lo); c <= (int)pk_port_class_of(hi); c++)
		used += (size_t)snprintf(buf + used, used < size ? size - used : 0,
					 "%s%s", used ? "+" : "",
					 c == PK_CLASS_DYNAMIC ? "Dynamic" :
					 pk_port_class_name((pk_port_class)c));
}

static void json_profile(pk_render *r, const pk_os_profile *p)
{
	pk__json_object_begin(r, NULL);
	pk__json_string(r, "id", p->id);
	pk__json_string(r, "name", p->name);
	pk__json_uint(r, "port_lo", p->lo);
	pk__json_uint(r, "port_hi", p->hi);
	pk__json_uint(r, "count", (unsigned)(p->hi - p->lo) + 1);
	pk__json_bool(r, "common", p->common);
	pk__json_classes(r, "classes", p->lo, p->hi);
	pk__json_string(r, "source", p->source);
	pk__json_object_end(r);
}

/* One profile as "label value" lines. */
static void text_profile(pk_render *r, const pk_os_profile *p)
{
	char range[16], ports[8], classes[40];

	snprintf(range, sizeof range, "%u-%u", p->lo, p->hi);
	snprintf(ports, sizeof ports, "%u", p->hi - p->lo + 1);
	classes_text(p->lo, p->hi, classes, sizeof classes);
	pk_text_table *t = pk__table_new(r, 2);
	pk__table_add_pair(r, t, "id", p->id);
	pk__table_add_pair(r, t, "name", p->name);
	pk__table_add_pair(r, t, "range", range);
	pk__table_add_pair(r, t, "ports", ports);
	pk__table_add_pair(r, t, "classes", classes);
	pk__table_add_pair(r, t, "common", p->common ?
			   "yes (avoided when picking ports)" : "no");
	pk__table_add_pair(r, t, "source", p->source);
	pk__table_write(r, t);
	pk__table_free(t);
}

void pk_render_os_profiles(pk_render *r, const pk_os_profile *only)
{
	size_t n;
	const pk_os_profile *all = pk_os_profiles(&n);

	if (r->format == PK_RENDER_JSON) {
		pk__json_document_begin(r, "ranges");
		pk__json_array_begin(r, "profiles");
		for (size_t i = 0; i < n; i++)
			if (only == NULL || &all[i] == only)
				json_profile(r, &all[i]);
		pk__json_array_end(r);
		pk__json_object_end(r);
		return;
	}
	if (only != NULL) {
		text_profile(r, only);
		return;
	}
	static const char *const head[] = { "ID", "RANGE", "PORTS", "CLASSES",
					    "COMMON", "NAME", "SOURCE" };
	unsigned ncols = r->flags & PK_RENDER_LONG ? 7 : 6;
	pk_text_table *t = pk__table_new(r, ncols);
	pk__table_add(r, t, head);
	for (size_t i = 0; i < n; i++) {
		char range[16], ports[8], classes[40];
		snprintf(range, sizeof range, "%u-%u", all[i].lo, all[i].hi);
		snprintf(ports, sizeof ports, "%u", all[i].hi - all[i].lo + 1);
		classes_text(all[i].lo, all[i].hi, classes, sizeof classes);
		const char *row[] = { all[i].id, range, ports, classes,
				      all[i].common ? "yes" : "", all[i].name,
				      all[i].source };
		pk__table_add(r, t, row);
	}
	pk__table_write(r, t);
	pk__table_free(t);
}

/* The ids of the profiles whose range is the host's, ", "-separated. */
static void matches_text(const pk_host_portconf *c, char *buf, size_t size)
{
	size_t n, used = 0;
	const pk_os_profile *all = pk_os_profiles(&n);

	buf[0] = '\0';
	for (size_t i = 0; c->have_range && i < n; i++)
		if (all[i].lo == c->ephemeral_lo && all[i].hi == c->ephemeral_hi)
			used += (size_t)snprintf(buf + used, used < size ? size - used : 0,
						 "%s%s", used ? ", " : "", all[i].id);
}

static void json_host(pk_render *r, const pk_host_portconf *c, uint32_t in_range)
{
	size_t n;
	const pk_os_profile *all = pk_os_profiles(&n);

	pk__json_document_begin(r, "ranges");
	pk__json_object_begin(r, "host");
	if (c->have_range) {
		pk__json_object_begin(r, "ip_local_port_range");
		pk__json_uint(r, "port_lo", c->ephemeral_lo);
		pk__json_uint(r, "port_hi", c->ephemeral_hi);
		/* A reversed range is no range (the kernel refuses to set
		 * one; a proc tree may still hold it): 0 ports, invalid. */
		bool valid = c->ephemeral_lo <= c->ephemeral_hi;
		pk__json_uint(r, "count", valid ? (unsigned)(c->ephemeral_hi - c->ephemeral_lo) + 1 : 0u);
		pk__json_bool(r, "valid", valid);
		pk__json_object_end(r);
	} else {
		pk__json_null(r, "ip_local_port_range");
	}
	if (c->have_reserved) {
		pk__json_array_begin(r, "ip_local_reserved_ports");
		for (int32_t p = pk_portset_next(&c->reserved, 0); p >= 0;) {
			int32_t hi = p;
			while (hi < 65535 && pk_portset_contains(&c->reserved, (uint16_t)(hi + 1)))
				hi++;
			pk__json_object_begin(r, NULL);
			pk__json_uint(r, "port_lo", (uint32_t)p);
			pk__json_uint(r, "port_hi", (uint32_t)hi);
			pk__json_object_end(r);
			p = hi < 65535 ? pk_portset_next(&c->reserved, (uint32_t)hi + 1) : -1;
		}
		pk__json_array_end(r);
	} else {
		pk__json_null(r, "ip_local_reserved_ports");
	}
	pk__json_uint(r, "reserved_in_range", in_range);
	if (c->have_unprivileged)
		pk__json_uint(r, "ip_unprivileged_port_start", c->unprivileged_start);
	else
		pk__json_null(r, "ip_unprivileged_port_start");
	pk__json_array_begin(r, "matches");
	for (size_t i = 0; c->have_range && i < n; i++)
		if (all[i].lo == c->ephemeral_lo && all[i].hi == c->ephemeral_hi)
			pk__json_string(r, NULL, all[i].id);
	pk__json_array_end(r);
	pk__json_object_end(r);
	pk__json_object_end(r);
}

void pk_render_host_ports(pk_render *r, const pk_host_portconf *c)
{
	uint32_t in_range = c->have_reserved && c->have_range &&
			    c->ephemeral_lo <= c->ephemeral_hi ?
		pk_portset_count(&c->reserved, c->ephemeral_lo, c->ephemeral_hi) : 0;

	if (r->format == PK_RENDER_JSON) {
		json_host(r, c, in_range);
		return;
	}
	char range[128] = "unavailable", res[4200] = "unavailable";
	char unpriv[16] = "unavailable", match[256];
	if (c->have_range && c->ephemeral_lo > c->ephemeral_hi) {
		snprintf(range, sizeof range, "%u %u: invalid, reversed (LO > HI): no port is ephemeral as set",
			 c->ephemeral_lo, c->ephemeral_hi);
	} else if (c->have_range) {
		unsigned count = (unsigned)(c->ephemeral_hi - c->ephemeral_lo) + 1;
		snprintf(range, sizeof range, "%u-%u (%u ports%s)", c->ephemeral_lo,
			 c->ephemeral_hi, count,
			 count % 2 ? "; odd count: Linux prefers LO and HI of different parity" : "");
	}
	if (c->have_reserved) {
		char list[4096];
		if (pk_portset_format(&c->reserved, list, sizeof list) >= sizeof list)
			memcpy(list + sizeof list - 5, "...", 4);
		snprintf(res, sizeof res, "%s (%u in the range)",
			 list[0] ? list : "none", (unsigned)in_range);
	}
	if (c->have_unprivileged)
		snprintf(unpriv, sizeof unpriv, "%u", c->unprivileged_start);
	matches_text(c, match, sizeof match);
	pk_text_table *t = pk__table_new(r, 2);
	pk__table_add_pair(r, t, "ip_local_port_range", range);
	pk__table_add_pair(r, t, "ip_local_reserved_ports", res);
	pk__table_add_pair(r, t, "ip_unprivileged_port_start", unpriv);
	pk__table_add_pair(r, t, "same as profile", match[0] ? match : "none");
	pk__table_write(r, t);
	pk__table_free(t);
}
