/* record.c - registry records for people and for programs: the record
 * table and --long blocks, the record object, the registry object, port
 * classes and transports (docs/json.md, "The record object"). */
#include <stdio.h>

#include "render/render_internal.h"

static const char *const kind_names[] = { "assigned", "reserved", "unassigned",
					  "deregistered", "other" };
static const char *const origin_names[] = { "iana", "services", "supplement",
					    "unofficial", "app" };
/* What each origin means, for --long. */
static const char *const origin_text[] = {
	"IANA registry",
	"services(5) file (Debian netbase), not an IANA record",
	"IANA range, from portkit's supplement",
	"well-known unofficial use, not an IANA assignment",
	"application catalog (data/apps)",
};

static const char *kind_name(pk_rec_kind k)
{
	return (unsigned)k < sizeof kind_names / sizeof kind_names[0] ?
		       kind_names[k] : "other";
}

const char *pk__origin_code(pk_rec_origin o)
{
	return (unsigned)o < sizeof origin_names / sizeof origin_names[0] ?
		       origin_names[o] : "unknown";
}

const char *pk__class_code(pk_port_class cls)
{
	switch (cls) {
	case PK_CLASS_SYSTEM:
		return "system";
	case PK_CLASS_USER:
		return "user";
	case PK_CLASS_DYNAMIC:
		return "dynamic";
	}
	return "user";
}

void pk__class_text(uint16_t lo, uint16_t hi, char *buf, size_t size)
{
	pk_port_class a = pk_port_class_of(lo);
	pk_port_class b = pk_port_class_of(hi);

	if (a == b)
		snprintf(buf, size, "%s", pk_port_class_name(a));
	else
		snprintf(buf, size, "%s..%s", pk_port_class_name(a),
			 pk_port_class_name(b));
}

void pk__ports_text(uint16_t lo, uint16_t hi, char *buf, size_t size)
{
	if (lo == hi)
		snprintf(buf, size, "%u", (unsigned)lo);
	else
		snprintf(buf, size, "%u-%u", (unsigned)lo, (unsigned)hi);
}

void pk__proto_counts_text(const pk_registry_info *in, char *buf, size_t size)
{
	snprintf(buf, size, "%u (tcp %u, udp %u, sctp %u, dccp %u, no transport %u)",
		 (unsigned)in->records, (unsigned)in->counts_by_proto[PK_PROTO_TCP],
		 (unsigned)in->counts_by_proto[PK_PROTO_UDP],
		 (unsigned)in->counts_by_proto[PK_PROTO_SCTP],
		 (unsigned)in->counts_by_proto[PK_PROTO_DCCP],
		 (unsigned)in->counts_by_proto[PK_PROTO_NONE]);
}

/* ---- JSON ---------------------------------------------------------------- */

void pk__json_registry(pk_render *r, const char *key, const pk_registry *reg)
{
	pk_registry_info info;

	if (reg == NULL) {
		pk__json_null(r, key);
		return;
	}
	pk_registry_get_info(reg, &info);
	pk__json_object_begin(r, key);
	pk__json_string(r, "source", info.source);
	pk__json_string(r, "updated", info.updated);
	pk__json_string(r, "origin", info.origin);
	pk__json_object_end(r);
}

void pk__json_classes(pk_render *r, const char *key, uint16_t lo, uint16_t hi)
{
	pk__json_array_begin(r, key);
	for (int c = pk_port_class_of(lo); c <= (int)pk_port_class_of(hi); c++)
		pk__json_string(r, NULL, pk__class_code((pk_port_class)c));
	pk__json_array_end(r);
}

void pk__json_protocols(pk_render *r, const char *key, unsigned mask)
{
	pk__json_array_begin(r, key);
	for (int p = PK_PROTO_TCP; p <= PK_PROTO_DCCP; p++)
		if (mask & PK_PROTOMASK(p))
			pk__json_string(r, NULL, pk_proto_name((pk_proto)p));
	pk__json_array_end(r);
}

void pk__json_proto_counts(pk_render *r, const char *key,
			   const pk_registry_info *info)
{
	pk__json_object_begin(r, key);
	for (int p = PK_PROTO_TCP; p < PK_PROTO_COUNT; p++)
		pk__json_uint(r, pk_proto_name((pk_proto)p),
			      info->counts_by_proto[p]);
	pk__json_uint(r, "none", info->counts_by_proto[PK_PROTO_NONE]);
	pk__json_object_end(r);
}

static void json_party(pk_render *r, const char *key, const pk_party *p)
{
	pk__json_object_begin(r, key);
	pk__json_string(r, "id", p->id);
	pk__json_string(r, "name", p->name);
	pk__json_string(r, "org", p->org);
	pk__json_string(r, "uri", p->uri);
	pk__json_string(r, "updated", p->updated);
	pk__json_object_end(r);
}

/* The open frequency (nmap-services) of a one-port record with a
 * transport, when the registry has popularity data for it. */
static bool record_popularity(const pk_registry *reg, const pk_record *rec,
			      uint32_t *ppm)
{
	return rec->has_port && rec->port_lo == rec->port_hi &&
	       rec->proto != PK_PROTO_NONE &&
	       pk_port_popularity(reg, rec->port_lo, rec->proto, ppm);
}

void pk__json_record(pk_render *r, const char *key, const pk_registry *reg,
		     pk_recid id)
{
	pk_record rec;
	pk_party p;

	if (pk_record_get(reg, id, &rec, NULL) != PK_OK) {
		pk__render_fail(r, PK_RANGE, "no record %u", (unsigned)id);
		return;
	}
	pk__json_object_begin(r, key);
	pk__json_string(r, "name", rec.name);
	pk__json_array_begin(r, "aliases");
	for (uint32_t i = 0; i < rec.alias_count; i++) {
		const char *a = pk_record_alias(reg, id, i);
		if (a != NULL)
			pk__json_string(r, NULL, a);
	}
	pk__json_array_end(r);
	pk__json_string(r, "protocol", rec.proto == PK_PROTO_NONE ? NULL :
					pk_proto_name(rec.proto));
	if (rec.has_port) {
		pk__json_uint(r, "port_lo", rec.port_lo);
		pk__json_uint(r, "port_hi", rec.port_hi);
		pk__json_classes(r, "classes", rec.port_lo, rec.port_hi);
	} else {
		pk__json_null(r, "port_lo");
		pk__json_null(r, "port_hi");
		pk__json_array_begin(r, "classes");
		pk__json_array_end(r);
	}
	pk__json_string(r, "kind", kind_name(rec.kind));
	pk__json_string(r, "origin", pk__origin_code(rec.origin));
	pk__json_bool(r, "historic", rec.flags & PK_RECFLAG_HISTORIC);
	/* Only the catalog's records can be either; other origins say it
	 * by their origin alone. */
	if (rec.origin == PK_ORIGIN_APP)
		pk__json_bool(r, "unofficial", rec.flags & PK_RECFLAG_UNOFFICIAL);
	pk__json_bool(r, "nonconforming", rec.flags & PK_RECFLAG_NONCONFORMING);
	uint32_t ppm;
	if (record_popularity(reg, &rec, &ppm))
		pk__json_real(r, "popularity", ppm / 1e6);
	else
		pk__json_null(r, "popularity");
	pk__json_string(r, "alias_of", rec.alias_of[0] ? rec.alias_of : NULL);
	pk__json_string(r, "provenance", (rec.flags & PK_RECFLAG_FACTS) ? "facts" :
					 (rec.flags & PK_RECFLAG_NEWER) ? "newer" : NULL);
	pk__json_string(r, "description", rec.description);
	pk__json_string(r, "notes", rec.notes);
	pk__json_string(r, "unauthorized", rec.unauthorized);
	pk__json_string(r, "registered", rec.registered);
	pk__json_string(r, "modified", rec.modified);
	pk__json_string(r, "service_code", rec.service_code);
	pk__json_array_begin(r, "references");
	for (uint32_t i = 0; i < rec.ref_count; i++) {
		pk_ref ref;
		if (pk_record_ref(reg, id, i, &ref, NULL) != PK_OK)
			continue;
		pk__json_object_begin(r, NULL);
		pk__json_string(r, "type", pk_ref_type_name(ref.type));
		pk__json_string(r, "data", ref.data);
		if (ref.type == PK_REF_PERSON) {
			if (pk_person_get(reg, ref.data, &p, NULL) == PK_OK)
				json_party(r, "person", &p);
			else
				pk__json_null(r, "person");
		}
		pk__json_object_end(r);
	}
	pk__json_array_end(r);
	pk__json_array_begin(r, "assignees");
	for (uint32_t i = 0; i < rec.assignee_count; i++)
		if (pk_record_assignee(reg, id, i, &p, NULL) == PK_OK)
			json_party(r, NULL, &p);
	pk__json_array_end(r);
	pk__json_array_begin(r, "contacts");
	for (uint32_t i = 0; i < rec.contact_count; i++)
		if (pk_record_contact(reg, id, i, &p, NULL) == PK_OK)
			json_party(r, NULL, &p);
	pk__json_array_end(r);
	pk__json_object_end(r);
}

/* ---- text ---------------------------------------------------------------- */

static const char *const record_header[PK_RECORD_COLS] = {
	"PORT", "PROTO", "CLASS", "NAME", "DESCRIPTION"
};

void pk__record_header(pk_render *r, pk_text_table *t, const char *lead)
{
	const char *cells[PK_RECORD_COLS + 1] = { lead };

	memcpy(cells + 1, record_header, sizeof record_header);
	pk__table_add_header(r, t, lead != NULL ? cells : record_header);
}

/* Appends the aliases joined by ", " between before and after; nothing
 * when there are none.  False when out of memory. */
static bool add_aliases(pk_buf *b, const pk_registry *reg,
			const pk_record *rec, const char *before,
			const char *after)
{
	bool ok = true, first = true;

	for (uint32_t i = 0; i < rec->alias_count; i++) {
		const char *a = pk_record_alias(reg, rec->id, i);
		if (a == NULL)
			continue;
		ok = ok && pk__buf_addstr(b, first ? before : ", ") == PK_OK &&
		     pk__buf_addstr(b, a) == PK_OK;
		first = false;
	}
	return ok && (first || pk__buf_addstr(b, after) == PK_OK) &&
	       pk__buf_terminate(b) == PK_OK;
}

void pk__record_row(pk_render *r, pk_text_table *t, const pk_registry *reg,
		    pk_recid id, const char *lead)
{
	pk_record rec;
	char port[16] = "-", cls[48] = "-";
	pk_buf desc;

	if (pk_record_get(reg, id, &rec, NULL) != PK_OK)
		return;
	if (rec.has_port) {
		pk__ports_text(rec.port_lo, rec.port_hi, port, sizeof port);
		pk__class_text(rec.port_lo, rec.port_hi, cls, sizeof cls);
	}
	/* The description carries what a reader must not miss: that a record
	 * is not IANA's, that a name is a historic alias, the other names. */
	const char *tag = rec.origin == PK_ORIGIN_UNOFFICIAL ? "[unofficial]" :
			  rec.origin == PK_ORIGIN_APP ?
				  ((rec.flags & PK_RECFLAG_UNOFFICIAL) ? "[app, unofficial]" : "[app]") :
			  rec.origin == PK_ORIGIN_SERVICES   ? "[services(5)]" :
			  /* A service name registered without a port
			   * (RFC 6335 §5, e.g. for DNS-SD): the '-' cells
			   * are not missing data. */
			  !rec.has_port ? "[name only: registered without a port]" :
							       "";
	const char *text = rec.description[0] != '\0' ? rec.description :
			   rec.name == NULL ? kind_name(rec.kind) : "";
	pk__buf_init(&desc, (size_t)1 << 24);
	bool ok = pk__buf_printf(&desc, "%s%s", tag,
				 tag[0] != '\0' && text[0] != '\0' ? " " : "") == PK_OK;
	/* One line in the table: the registry's descriptions may hold
	 * several. */
	size_t start = desc.len;
	ok = ok && pk__buf_addstr(&desc, text) == PK_OK;
	for (size_t i = start; ok && i < desc.len; i++)
		if (desc.data[i] == '\n' || desc.data[i] == '\t')
			desc.data[i] = ' ';
	if ((rec.flags & PK_RECFLAG_HISTORIC) && rec.alias_of[0] != '\0')
		ok = ok && pk__buf_printf(&desc, " [historic alias of %s]",
					  rec.alias_of) == PK_OK;
	ok = ok && add_aliases(&desc, reg, &rec, " (aliases: ", ")");
	if (!ok) {
		pk__render_fail(r, PK_NOMEM, "out of memory");
	} else {
		const char *cells[PK_RECORD_COLS + 1] = {
			lead, port, rec.proto == PK_PROTO_NONE ? "-" : pk_proto_name(rec.proto),
			cls, rec.name ? rec.name : "-", desc.data
		};
		pk__table_add(r, t, lead != NULL ? cells : cells + 1);
	}
	pk__buf_free(&desc);
}

/* "Name (Org) <uri>", "Org <uri>" for an organisation, or the free text
 * of a text-only party. */
static void party_text(const pk_party *p, char *buf, size_t size)
{
	const char *who = p->name[0] ? p->name : p->org[0] ? p->org : p->id;
	size_t n = (size_t)snprintf(buf, size, "%s", who);

	if (p->name[0] != '\0' && p->org[0] != '\0' && n < size)
		n += (size_t)snprintf(buf + n, size - n, " (%s)", p->org);
	if (p->uri[0] != '\0' && n < size)
		n += (size_t)snprintf(buf + n, size - n, " <%s>", p->uri);
	if (p->updated[0] != '\0' && n < size)
		snprintf(buf + n, size - n, ", updated %s", p->updated);
}

static void long_refs(pk_render *r, pk_text_table *t, const pk_registry *reg,
		      const pk_record *rec)
{
	char buf[1024];

	for (uint32_t i = 0; i < rec->ref_count; i++) {
		pk_ref ref;
		pk_party p;
		if (pk_record_ref(reg, rec->id, i, &ref, NULL) != PK_OK)
			continue;
		if (ref.type == PK_REF_PERSON &&
		    pk_person_get(reg, ref.data, &p, NULL) == PK_OK)
			party_text(&p, buf, sizeof buf);
		else
			snprintf(buf, sizeof buf, "%s", ref.data);
		size_t n = strlen(buf);
		if (ref.type != PK_REF_PERSON && ref.type != PK_REF_TEXT &&
		    n + 16 < sizeof buf)
			snprintf(buf + n, sizeof buf - n, " (%s)",
				 pk_ref_type_name(ref.type));
		pk__table_add_pair(r, t, ref.type == PK_REF_PERSON ? "person:" :
					 "reference:", buf);
	}
	for (uint32_t i = 0; i < rec->assignee_count; i++) {
		pk_party p;
		if (pk_record_assignee(reg, rec->id, i, &p, NULL) != PK_OK)
			continue;
		party_text(&p, buf, sizeof buf);
		pk__table_add_pair(r, t, "assignee:", buf);
	}
	for (uint32_t i = 0; i < rec->contact_count; i++) {
		pk_party p;
		if (pk_record_contact(reg, rec->id, i, &p, NULL) != PK_OK)
			continue;
		party_text(&p, buf, sizeof buf);
		pk__table_add_pair(r, t, "contact:", buf);
	}
}

void pk__record_long(pk_render *r, const pk_registry *reg, pk_recid id)
{
	pk_record rec;
	char buf[1024], port[16];
	pk_buf aliases;

	if (pk_record_get(reg, id, &rec, NULL) != PK_OK)
		return;
	pk_text_table *t = pk__table_new(r, 2);
	if (t == NULL)
		return;
	pk__buf_init(&aliases, (size_t)1 << 24);
	pk__table_add_pair(r, t, "name:", rec.name ? rec.name : "-");
	if (rec.has_port)
		pk__ports_text(rec.port_lo, rec.port_hi, port, sizeof port);
	pk__table_add_pair(r, t, "port:", rec.has_port ? port : "none");
	pk__table_add_pair(r, t, "transport:", rec.proto == PK_PROTO_NONE ?
			   "none given" : pk_proto_name(rec.proto));
	if (rec.has_port) {
		uint16_t lo, hi;
		char cls[48];
		pk_port_class c = pk_port_class_of(rec.port_lo);
		pk__class_text(rec.port_lo, rec.port_hi, cls, sizeof cls);
		pk_port_class_bounds(c, &lo, &hi);
		if (pk_port_class_of(rec.port_hi) == c)
			snprintf(buf, sizeof buf, "%s (%u-%u, RFC 6335)", cls,
				 (unsigned)lo, (unsigned)hi);
		else
			snprintf(buf, sizeof buf, "%s (RFC 6335)", cls);
		pk__table_add_pair(r, t, "class:", buf);
	}
	pk__table_add_pair(r, t, "kind:", kind_name(rec.kind));
	const char *origin = (unsigned)rec.origin < 5 ? origin_text[rec.origin] : origin_text[0];
	/* Which of the embedded snapshot's IANA sources: see `portkit info`. */
	if (rec.flags & PK_RECFLAG_FACTS)
		origin = "IANA registry, restored from portkit's facts file of IANA's XML (names and numbers; no text of its own)";
	else if (rec.flags & PK_RECFLAG_NEWER)
		origin = "IANA registry, from the newer npm copy: portkit's facts file of IANA's older XML names another service here";
	pk__table_add_pair(r, t, "origin:", origin);
	pk__table_add_pair(r, t, "description:",
			   rec.description[0] ? rec.description : "-");
	if (!add_aliases(&aliases, reg, &rec, "", ""))
		pk__render_fail(r, PK_NOMEM, "out of memory");
	else if (aliases.len > 0)
		pk__table_add_pair(r, t, "aliases:", aliases.data);
	if (rec.flags & PK_RECFLAG_HISTORIC) {
		snprintf(buf, sizeof buf, "historic alias of %s",
			 rec.alias_of[0] ? rec.alias_of : "another name");
		pk__table_add_pair(r, t, "historic:", buf);
	}
	uint32_t ppm;
	if (record_popularity(reg, &rec, &ppm)) {
		snprintf(buf, sizeof buf, "found open on %u.%04u %% of the hosts nmap scanned (nmap-services)",
			 (unsigned)(ppm / 10000), (unsigned)(ppm % 10000));
		pk__table_add_pair(r, t, "popularity:", buf);
	} else if (pk_popularity_count(reg) > 0) {
		pk__table_add_pair(r, t, "popularity:", "not in the popularity data (nmap-services)");
	}
	if (rec.flags & PK_RECFLAG_NONCONFORMING)
		pk__table_add_pair(r, t, "name syntax:",
				   "kept as the source has it, though not RFC 6335 syntax (letters, digits, inner hyphens, at most 15)");
	long_refs(r, t, reg, &rec);
	const struct { const char *label, *value; } rest[] = {
		{ "registered:", rec.registered }, { "modified:", rec.modified },
		{ "notes:", rec.notes },	   { "unauthorized:", rec.unauthorized },
		{ "service code:", rec.service_code },
	};
	for (size_t i = 0; i < sizeof rest / sizeof rest[0]; i++)
		if (rest[i].value[0] != '\0')
			pk__table_add_pair(r, t, rest[i].label, rest[i].value);
	pk__table_write(r, t);
	pk__table_free(t);
	pk__buf_free(&aliases);
}

void pk__record_list(pk_render *r, const pk_registry *reg,
		     const pk_recid *ids, size_t n)
{
	if (n == 0)
		return;
	if (r->flags & PK_RENDER_LONG) {
		for (size_t i = 0; i < n; i++) {
			if (i > 0)
				pk__render_put(r, "\n", 1);
			pk__record_long(r, reg, ids[i]);
		}
		return;
	}
	pk_text_table *t = pk__table_new(r, PK_RECORD_COLS);
	pk__record_header(r, t, NULL);
	for (size_t i = 0; i < n && pk__render_ok(r); i++) {
		pk__record_row(r, t, reg, ids[i], NULL);
		if (pk__table_rows(t) >= PK_TABLE_CHUNK)
			pk__table_flush(r, t);
	}
	pk__table_flush(r, t);
	pk__table_free(t);
}

void pk__record_services_lines(pk_render *r, const pk_registry *reg,
			       pk_recid id, uint16_t lo, uint16_t hi,
			       unsigned protomask)
{
	pk_record rec;

	if (pk_record_get(reg, id, &rec, NULL) != PK_OK || rec.name == NULL ||
	    !rec.has_port)
		return;
	unsigned protos = rec.proto != PK_PROTO_NONE ? PK_PROTOMASK(rec.proto) :
			  (protomask & PK_PROTOMASK_TRANSPORTS) != 0 ?
				  protomask & PK_PROTOMASK_TRANSPORTS :
				  PK_PROTOMASK(PK_PROTO_TCP) | PK_PROTOMASK(PK_PROTO_UDP);
	uint32_t from = lo > hi || rec.port_lo > lo ? rec.port_lo : lo;
	uint32_t to = lo > hi ? rec.port_lo : rec.port_hi < hi ? rec.port_hi : hi;
	for (uint32_t port = from; port <= to && pk__render_ok(r); port++)
		for (unsigned p = PK_PROTO_TCP; p < PK_PROTO_COUNT; p++) {
			if (!(protos & PK_PROTOMASK(p)))
				continue;
			size_t len = strlen(rec.name);
			pk__render_text(r, rec.name, len, false);
			/* getent's layout: the name in 21 columns, then a space. */
			pk__render_printf(r, "%*s%u/%s", len < 21 ? (int)(21 - len) : 0, "",
					  (unsigned)port, pk_proto_name((pk_proto)p));
			for (uint32_t a = 0; a < rec.alias_count; a++) {
				const char *alias = pk_record_alias(reg, id, a);
				if (alias == NULL)
					continue;
				pk__render_put(r, " ", 1);
				pk__render_text(r, alias, strlen(alias), false);
			}
			pk__render_put(r, "\n", 1);
		}
}
