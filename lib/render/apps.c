/* apps.c - applications of the catalog: one application's ports and
 * sources (`portkit app NAME`), lists of applications (search, port),
 * and a miss with its suggestions; text and JSON (docs/json.md). */
#include <stdio.h>

#include "render/render_internal.h"

/* "6881-6889/tcp,udp" */
static void port_text(const pk_app_port *p, char *buf, size_t size)
{
	char ports[16], protos[32];

	pk__ports_text(p->lo, p->hi, ports, sizeof ports);
	pk__protomask_format(p->protos, protos, sizeof protos);
	snprintf(buf, size, "%s/%s", ports, protos);
}

/* What IANA assigns on the line's first port, for its transports: the
 * names, comma-separated, "" for none. */
static void iana_names(const pk_registry *reg, const pk_app_port *p, char *buf,
		       size_t size)
{
	size_t used = 0;

	buf[0] = '\0';
	for (unsigned proto = PK_PROTO_TCP; reg != NULL && proto <= PK_PROTO_DCCP; proto++) {
		if (!(p->protos & PK_PROTOMASK(proto)))
			continue;
		pk_recid ids[8];
		size_t n = pk_port_services(reg, p->lo, (pk_proto)proto, PK_ORIGINMASK_IANA,
					    ids, 8);
		for (size_t i = 0; i < n && i < 8; i++) {
			pk_record rec;
			if (pk_record_get(reg, ids[i], &rec, NULL) != PK_OK || rec.name == NULL)
				continue;
			/* Each name once, whatever the transport. */
			char probe[80];
			snprintf(probe, sizeof probe, "%s", rec.name);
			bool seen = false;
			for (const char *s = buf; *s != '\0' && !seen;) {
				size_t len = strcspn(s, ",");
				seen = len == strlen(probe) && strncmp(s, probe, len) == 0;
				s += len + (s[len] == ',');
			}
			if (!seen && used + strlen(probe) + 2 < size)
				used += (size_t)snprintf(buf + used, size - used, "%s%s",
							 used ? "," : "", probe);
		}
	}
}

static void json_strings(pk_render *r, const char *key, const char *const *list,
			 size_t n)
{
	pk__json_array_begin(r, key);
	for (size_t i = 0; i < n; i++)
		pk__json_string(r, NULL, list[i]);
	pk__json_array_end(r);
}

static void json_app(pk_render *r, const pk_registry *reg, const pk_app *a)
{
	char names[256];

	pk__json_object_begin(r, NULL);
	pk__json_string(r, "name", a->name);
	pk__json_string(r, "title", a->title);
	pk__json_string(r, "category", a->category);
	json_strings(r, "aliases", a->aliases, a->alias_count);
	pk__json_array_begin(r, "ports");
	for (size_t i = 0; i < a->port_count; i++) {
		const pk_app_port *p = &a->ports[i];
		pk__json_object_begin(r, NULL);
		pk__json_uint(r, "port_lo", p->lo);
		pk__json_uint(r, "port_hi", p->hi);
		pk__json_protocols(r, "protocols", p->protos);
		pk__json_string(r, "direction", pk_direction_name(p->dir));
		pk__json_bool(r, "dynamic", p->dynamic);
		pk__json_string(r, "iana", p->iana[0] ? p->iana : NULL);
		pk__json_bool(r, "unofficial", p->iana[0] == '\0');
		if (reg != NULL) {
			iana_names(reg, p, names, sizeof names);
			pk__json_array_begin(r, "iana_assigns");
			for (const char *s = names; *s != '\0';) {
				size_t len = strcspn(s, ",");
				pk__json_stringn(r, NULL, s, len);
				s += len + (s[len] == ',');
			}
			pk__json_array_end(r);
		}
		pk__json_string(r, "note", p->note);
		pk__json_object_end(r);
	}
	pk__json_array_end(r);
	pk__json_array_begin(r, "ip_protocols");
	for (size_t i = 0; i < a->ipproto_count; i++) {
		const pk_app_ipproto *p = &a->ipprotos[i];
		pk__json_object_begin(r, NULL);
		pk__json_uint(r, "number", p->number);
		pk__json_string(r, "name", p->name);
		pk__json_string(r, "direction", pk_direction_name(p->dir));
		pk__json_string(r, "note", p->note);
		pk__json_object_end(r);
	}
	pk__json_array_end(r);
	json_strings(r, "helpers", a->helpers, a->helper_count);
	json_strings(r, "notes", a->notes, a->note_count);
	json_strings(r, "sources", a->sources, a->source_count);
	pk__json_string(r, "file", a->file);
	pk__json_uint(r, "line", a->line);
	pk__json_object_end(r);
}

static void text_app(pk_render *r, const pk_registry *reg, const pk_app *a)
{
	char spec[64], names[256], line[512];
	pk_text_table *t = pk__table_new(r, 2);

	if (t == NULL)
		return;
	pk__table_add_pair(r, t, "application:", a->name);
	pk__table_add_pair(r, t, "title:", a->title);
	pk__table_add_pair(r, t, "category:", a->category);
	for (size_t i = 0; i < a->alias_count; i++)
		pk__table_add_pair(r, t, i == 0 ? "aliases:" : "", a->aliases[i]);
	pk__table_write(r, t);
	pk__table_free(t);

	/* The ports: one row per line, what IANA says of the port beside. */
	if ((t = pk__table_new(r, 5)) == NULL)
		return;
	const char *head[] = { "PORTS", "DIR", "IANA", "", "NOTE" };
	pk__render_puts(r, "\n");
	pk__table_add_header(r, t, head);
	for (size_t i = 0; i < a->port_count; i++) {
		const pk_app_port *p = &a->ports[i];
		port_text(p, spec, sizeof spec);
		iana_names(reg, p, names, sizeof names);
		const char *mark = p->dynamic ? "dynamic" :
				   p->iana[0] ? "" : "unofficial";
		if (p->iana[0])
			snprintf(line, sizeof line, "%s", p->iana);
		else if (names[0])
			snprintf(line, sizeof line, "assigns %s", names);
		else
			snprintf(line, sizeof line, "%s", reg != NULL ? "-" : "?");
		const char *cells[] = { spec, pk_direction_name(p->dir), line, mark, p->note };
		pk__table_add(r, t, cells);
	}
	for (size_t i = 0; i < a->ipproto_count; i++) {
		const pk_app_ipproto *p = &a->ipprotos[i];
		snprintf(spec, sizeof spec, "proto %s (%u)", p->name, (unsigned)p->number);
		const char *cells[] = { spec, pk_direction_name(p->dir), "-", "", p->note };
		pk__table_add(r, t, cells);
	}
	pk__table_write(r, t);
	pk__table_free(t);

	if ((t = pk__table_new(r, 2)) == NULL)
		return;
	pk__render_puts(r, "\n");
	for (size_t i = 0; i < a->helper_count; i++)
		pk__table_add_pair(r, t, i == 0 ? "conntrack:" : "", a->helpers[i]);
	for (size_t i = 0; i < a->note_count; i++)
		pk__table_add_pair(r, t, i == 0 ? "notes:" : "", a->notes[i]);
	for (size_t i = 0; i < a->source_count; i++)
		pk__table_add_pair(r, t, i == 0 ? "sources:" : "", a->sources[i]);
	snprintf(line, sizeof line, "%s:%u", a->file, (unsigned)a->line);
	pk__table_add_pair(r, t, "catalog:", line);
	pk__table_write(r, t);
	pk__table_free(t);
}

void pk_render_apps(pk_render *r, const pk_registry *reg, const pk_app *const *apps,
		    size_t n)
{
	if (r == NULL)
		return;
	if (r->format == PK_RENDER_JSON) {
		pk__json_document_begin(r, "app");
		pk__json_registry(r, "registry", reg);
		pk__json_array_begin(r, "apps");
		for (size_t i = 0; i < n; i++)
			json_app(r, reg, apps[i]);
		pk__json_array_end(r);
		pk__json_object_end(r);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			pk__render_puts(r, "\n");
		text_app(r, reg, apps[i]);
	}
}

/* Ports of an application in one cell: "5060/tcp,udp 5061/tcp +GRE". */
static void ports_summary(const pk_app *a, char *buf, size_t size)
{
	size_t used = 0;
	char spec[64];

	buf[0] = '\0';
	for (size_t i = 0; i < a->port_count && used + 1 < size; i++) {
		port_text(&a->ports[i], spec, sizeof spec);
		used += (size_t)snprintf(buf + used, size - used, "%s%s", used ? " " : "", spec);
	}
	for (size_t i = 0; i < a->ipproto_count && used < size; i++)
		used += (size_t)snprintf(buf + used, size - used, "%s+%s", used ? " " : "",
					 a->ipprotos[i].name);
	if (used >= size && size > 4)
		memcpy(buf + size - 4, "...", 4);
}

void pk_render_app_list(pk_render *r, const char *what, const pk_app *const *apps,
			size_t n)
{
	char ports[160];

	if (r == NULL)
		return;
	if (r->format == PK_RENDER_JSON) {
		pk__json_document_begin(r, "app");
		pk__json_string(r, "query", what);
		pk__json_array_begin(r, "apps");
		for (size_t i = 0; i < n; i++) {
			pk__json_object_begin(r, NULL);
			pk__json_string(r, "name", apps[i]->name);
			pk__json_string(r, "title", apps[i]->title);
			pk__json_string(r, "category", apps[i]->category);
			pk__json_object_end(r);
		}
		pk__json_array_end(r);
		pk__json_object_end(r);
		return;
	}
	pk_text_table *t = pk__table_new(r, 4);
	if (t == NULL || n == 0) {
		pk__table_free(t);
		return;
	}
	const char *head[] = { "APP", "CATEGORY", "PORTS", "TITLE" };
	pk__table_add_header(r, t, head);
	for (size_t i = 0; i < n; i++) {
		ports_summary(apps[i], ports, sizeof ports);
		const char *cells[] = { apps[i]->name, apps[i]->category, ports, apps[i]->title };
		pk__table_add(r, t, cells);
	}
	pk__table_write(r, t);
	pk__table_free(t);
}

void pk_render_app_unknown(pk_render *r, const char *name, const pk_app *const *near,
			   size_t n)
{
	if (r == NULL)
		return;
	if (r->format == PK_RENDER_JSON) {
		pk__json_document_begin(r, "app");
		pk__json_object_begin(r, "error");
		pk__json_string(r, "status", pk_status_name(PK_NOTFOUND));
		pk__json_string(r, "message", "unknown application");
		pk__json_string(r, "name", name);
		pk__json_array_begin(r, "suggestions");
		for (size_t i = 0; i < n; i++)
			pk__json_string(r, NULL, near[i]->name);
		pk__json_array_end(r);
		pk__json_object_end(r);
		pk__json_object_end(r);
		return;
	}
	pk__render_puts(r, "unknown application '");
	pk__render_text(r, name, strlen(name), false);
	pk__render_puts(r, "'");
	for (size_t i = 0; i < n; i++) {
		pk__render_puts(r, i == 0 ? "; did you mean: " : ", ");
		pk__render_text(r, near[i]->name, strlen(near[i]->name), false);
	}
	pk__render_puts(r, n ? "?\n" : " (portkit app --search WORDS finds applications by word)\n");
}

void pk_render_crosswalk(pk_render *r, const pk_crosswalk *cw)
{
	size_t nf, nu, n = pk_crosswalk_count(cw);

	if (r == NULL)
		return;
	pk_crosswalk_sources(cw, &nf, &nu);
	if (r->format == PK_RENDER_JSON) {
		pk__json_document_begin(r, "crosswalk");
		pk__json_uint(r, "firewalld_files", nf);
		pk__json_uint(r, "ufw_profiles", nu);
		pk__json_array_begin(r, "disagreements");
		for (size_t i = 0; i < n; i++) {
			const pk_crosswalk_entry *e = pk_crosswalk_get(cw, i);
			pk__json_object_begin(r, NULL);
			pk__json_string(r, "source", e->source);
			pk__json_string(r, "name", e->name);
			pk__json_string(r, "ports", e->ports);
			pk__json_string(r, "other", e->other);
			pk__json_string(r, "other_ports", e->other_ports);
			pk__json_string(r, "relation", e->disjoint ? "disjoint" : "overlap");
			pk__json_object_end(r);
		}
		pk__json_array_end(r);
		pk__json_object_end(r);
		return;
	}
	pk__render_printf(r, "read: %zu firewalld service files, %zu ufw profiles; "
			     "%zu disagreements\n", nf, nu, n);
	pk_text_table *t = pk__table_new(r, 6);
	if (t == NULL || n == 0) {
		pk__table_free(t);
		return;
	}
	const char *head[] = { "SOURCE", "NAME", "RELATION", "OTHER", "OTHER-PORTS", "PORTS" };
	pk__table_add_header(r, t, head);
	for (size_t i = 0; i < n; i++) {
		const pk_crosswalk_entry *e = pk_crosswalk_get(cw, i);
		const char *cells[] = { e->source, e->name, e->disjoint ? "disjoint" : "overlap",
					e->other, e->other_ports, e->ports };
		pk__table_add(r, t, cells);
	}
	pk__table_write(r, t);
	pk__table_free(t);
}
