/* records.c - how portkit shows registry records: table rows, --long
 * blocks and --json objects (schema in docs/json.md). */
#include <stdlib.h>
#include <string.h>

#include "records.h"

const char *const rec_table_header[REC_COLS] = { "PORT", "PROTO", "CLASS",
						 "NAME", "DESCRIPTION" };

static const char *const kind_names[] = { "assigned", "reserved", "unassigned",
					  "deregistered", "other" };
static const char *const origin_names[] = { "iana", "services", "supplement",
					    "unofficial" };
/* What each origin means, for --long and `portkit info`. */
static const char *const origin_text[] = {
	"IANA registry",
	"services(5) file (Debian netbase), not an IANA record",
	"IANA range, from portkit's supplement",
	"well-known unofficial use, not an IANA assignment",
};

static const char *kind_name(pk_rec_kind k)
{
	return (unsigned)k < sizeof kind_names / sizeof kind_names[0] ?
		       kind_names[k] : "other";
}

const char *rec_origin_name(pk_rec_origin o)
{
	return (unsigned)o < sizeof origin_names / sizeof origin_names[0] ?
		       origin_names[o] : "iana";
}

void rec_class_text(uint16_t lo, uint16_t hi, char *buf, size_t size)
{
	pk_port_class a = pk_port_class_of(lo);
	pk_port_class b = pk_port_class_of(hi);

	if (a == b)
		snprintf(buf, size, "%s", pk_port_class_name(a));
	else
		snprintf(buf, size, "%s..%s", pk_port_class_name(a),
			 pk_port_class_name(b));
}

static void ports_text(const pk_record *r, char *buf, size_t size)
{
	if (!r->has_port)
		snprintf(buf, size, "-");
	else if (r->port_lo == r->port_hi)
		snprintf(buf, size, "%u", (unsigned)r->port_lo);
	else
		snprintf(buf, size, "%u-%u", (unsigned)r->port_lo,
			 (unsigned)r->port_hi);
}

/* The aliases joined by ", " into a malloc'd string ("" when none). */
static char *aliases_text(const pk_registry *reg, const pk_record *r)
{
	size_t len = 1;

	for (uint32_t i = 0; i < r->alias_count; i++) {
		const char *a = pk_record_alias(reg, r->id, i);
		len += (a ? strlen(a) : 0) + 2;
	}
	char *s = malloc(len);
	if (s == NULL)
		return NULL;
	s[0] = '\0';
	for (uint32_t i = 0; i < r->alias_count; i++) {
		const char *a = pk_record_alias(reg, r->id, i);
		if (a == NULL)
			continue;
		if (s[0] != '\0')
			strcat(s, ", ");
		strcat(s, a);
	}
	return s;
}

int rec_table_add(cli_table *t, const pk_registry *reg, pk_recid id)
{
	pk_record r;
	char port[16];
	char cls[48];
	char *aliases = NULL;
	char *desc = NULL;
	int rc = -1;

	if (pk_record_get(reg, id, &r, NULL) != PK_OK)
		return 0;
	ports_text(&r, port, sizeof port);
	if (r.has_port)
		rec_class_text(r.port_lo, r.port_hi, cls, sizeof cls);
	else
		snprintf(cls, sizeof cls, "-");
	aliases = aliases_text(reg, &r);
	if (aliases == NULL)
		goto out;

	/* The description carries what a reader must not miss: that a record
	 * is not IANA's, that a name is a historic alias, the other names. */
	const char *tag = r.origin == PK_ORIGIN_UNOFFICIAL ? "[unofficial]" :
			  r.origin == PK_ORIGIN_SERVICES   ? "[services(5)]" :
							     "";
	const char *text = r.description[0] != '\0' ? r.description :
			   r.name == NULL		? kind_name(r.kind) :
							  "";
	size_t len = strlen(tag) + strlen(text) + strlen(aliases) +
		     strlen(r.alias_of) + 64;
	desc = malloc(len);
	if (desc == NULL)
		goto out;
	int n = snprintf(desc, len, "%s%s%s", tag, tag[0] && text[0] ? " " : "", text);
	/* One line in the table: the registry's descriptions may hold
	 * several. */
	for (char *p = desc; *p != '\0'; p++)
		if (*p == '\n' || *p == '\t')
			*p = ' ';
	if ((r.flags & PK_RECFLAG_HISTORIC) && r.alias_of[0] != '\0')
		n += snprintf(desc + n, len - (size_t)n, " [historic alias of %s]",
			      r.alias_of);
	if (aliases[0] != '\0')
		snprintf(desc + n, len - (size_t)n, " (aliases: %s)", aliases);

	const char *cells[REC_COLS] = { port, r.proto == PK_PROTO_NONE ? "-" :
					pk_proto_name(r.proto),
					cls, r.name ? r.name : "-", desc };
	rc = cli_table_add(t, cells);
out:
	free(aliases);
	free(desc);
	return rc;
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

int rec_print_long(FILE *out, const pk_registry *reg, pk_recid id,
		   const cli_ctx *ctx)
{
	pk_record r;
	char buf[1024];
	char port[16];
	char *aliases = NULL;
	cli_table *t = cli_table_new(2);
	int rc = EXIT_DATA;

	if (t == NULL || pk_record_get(reg, id, &r, NULL) != PK_OK)
		goto out;
	aliases = aliases_text(reg, &r);
	if (aliases == NULL)
		goto out;
	ports_text(&r, port, sizeof port);
	if (cli_table_add_pair(t, "name:", r.name ? r.name : "-") != 0 ||
	    cli_table_add_pair(t, "port:", r.has_port ? port : "none") != 0 ||
	    cli_table_add_pair(t, "transport:", r.proto == PK_PROTO_NONE ?
				     "none given" : pk_proto_name(r.proto)) != 0)
		goto out;
	if (r.has_port) {
		uint16_t lo, hi;
		char cls[48];
		pk_port_class c = pk_port_class_of(r.port_lo);
		rec_class_text(r.port_lo, r.port_hi, cls, sizeof cls);
		pk_port_class_bounds(c, &lo, &hi);
		if (pk_port_class_of(r.port_hi) == c)
			snprintf(buf, sizeof buf, "%s (%u-%u, RFC 6335)", cls,
				 (unsigned)lo, (unsigned)hi);
		else
			snprintf(buf, sizeof buf, "%s (RFC 6335)", cls);
		if (cli_table_add_pair(t, "class:", buf) != 0)
			goto out;
	}
	if (cli_table_add_pair(t, "kind:", kind_name(r.kind)) != 0 ||
	    cli_table_add_pair(t, "origin:", (unsigned)r.origin < 4 ?
				  origin_text[r.origin] : origin_text[0]) != 0 ||
	    cli_table_add_pair(t, "description:", r.description[0] ? r.description : "-") != 0)
		goto out;
	if (aliases[0] != '\0' && cli_table_add_pair(t, "aliases:", aliases) != 0)
		goto out;
	if (r.flags & PK_RECFLAG_HISTORIC) {
		snprintf(buf, sizeof buf, "historic alias of %s",
			 r.alias_of[0] ? r.alias_of : "another name");
		if (cli_table_add_pair(t, "historic:", buf) != 0)
			goto out;
	}
	for (uint32_t i = 0; i < r.ref_count; i++) {
		pk_ref ref;
		pk_party p;
		if (pk_record_ref(reg, id, i, &ref, NULL) != PK_OK)
			continue;
		if (ref.type == PK_REF_PERSON &&
		    pk_person_get(reg, ref.data, &p, NULL) == PK_OK)
			party_text(&p, buf, sizeof buf);
		else
			snprintf(buf, sizeof buf, "%s", ref.data);
		char label[32];
		snprintf(label, sizeof label, "%s:", ref.type == PK_REF_PERSON ?
				"person" : "reference");
		size_t n = strlen(buf);
		if (ref.type != PK_REF_PERSON && ref.type != PK_REF_TEXT &&
		    n + 16 < sizeof buf)
			snprintf(buf + n, sizeof buf - n, " (%s)",
				 pk_ref_type_name(ref.type));
		if (cli_table_add_pair(t, label, buf) != 0)
			goto out;
	}
	for (uint32_t i = 0; i < r.assignee_count; i++) {
		pk_party p;
		if (pk_record_assignee(reg, id, i, &p, NULL) != PK_OK)
			continue;
		party_text(&p, buf, sizeof buf);
		if (cli_table_add_pair(t, "assignee:", buf) != 0)
			goto out;
	}
	for (uint32_t i = 0; i < r.contact_count; i++) {
		pk_party p;
		if (pk_record_contact(reg, id, i, &p, NULL) != PK_OK)
			continue;
		party_text(&p, buf, sizeof buf);
		if (cli_table_add_pair(t, "contact:", buf) != 0)
			goto out;
	}
	const struct { const char *label, *value; } rest[] = {
		{ "registered:", r.registered }, { "modified:", r.modified },
		{ "notes:", r.notes },		 { "unauthorized:", r.unauthorized },
		{ "service code:", r.service_code },
	};
	for (size_t i = 0; i < sizeof rest / sizeof rest[0]; i++)
		if (rest[i].value[0] != '\0' &&
		    cli_table_add_pair(t, rest[i].label, rest[i].value) != 0)
			goto out;
	cli_table_print(t, out, ctx->width);
	rc = 0;
out:
	if (rc != 0)
		cli_error("out of memory");
	free(aliases);
	cli_table_free(t);
	return rc;
}

/* ---- JSON --------------------------------------------------------------- */

/* Sets key to value (consumed) and remembers a failure in *ok, so a long
 * run of sets needs one check at the end. */
static void set(json_t *obj, const char *key, json_t *value, bool *ok)
{
	if (obj == NULL || value == NULL || json_object_set_new(obj, key, value) != 0)
		*ok = false;
}

static void append(json_t *arr, json_t *value, bool *ok)
{
	if (arr == NULL || value == NULL || json_array_append_new(arr, value) != 0)
		*ok = false;
}

static json_t *party_json(const pk_party *p)
{
	json_t *o = json_object();
	bool ok = true;

	set(o, "id", json_string(p->id), &ok);
	set(o, "name", json_string(p->name), &ok);
	set(o, "org", json_string(p->org), &ok);
	set(o, "uri", json_string(p->uri), &ok);
	set(o, "updated", json_string(p->updated), &ok);
	if (!ok) {
		json_decref(o);
		return NULL;
	}
	return o;
}

json_t *rec_classes_json(uint16_t lo, uint16_t hi)
{
	json_t *a = json_array();
	bool ok = true;

	for (int c = pk_port_class_of(lo); c <= (int)pk_port_class_of(hi); c++)
		append(a, json_string(pk_port_class_name((pk_port_class)c)), &ok);
	if (!ok) {
		json_decref(a);
		return NULL;
	}
	return a;
}

json_t *rec_to_json(const pk_registry *reg, pk_recid id)
{
	pk_record r;
	json_t *o;
	bool ok = true;

	if (pk_record_get(reg, id, &r, NULL) != PK_OK)
		return NULL;
	o = json_object();
	set(o, "name", r.name ? json_string(r.name) : json_null(), &ok);
	json_t *aliases = json_array();
	for (uint32_t i = 0; i < r.alias_count; i++) {
		const char *a = pk_record_alias(reg, id, i);
		if (a != NULL)
			append(aliases, json_string(a), &ok);
	}
	set(o, "aliases", aliases, &ok);
	set(o, "protocol", r.proto == PK_PROTO_NONE ?
				   json_null() : json_string(pk_proto_name(r.proto)), &ok);
	set(o, "port_lo", r.has_port ? json_integer(r.port_lo) : json_null(), &ok);
	set(o, "port_hi", r.has_port ? json_integer(r.port_hi) : json_null(), &ok);
	set(o, "classes", r.has_port ? rec_classes_json(r.port_lo, r.port_hi) :
				       json_array(), &ok);
	set(o, "kind", json_string(kind_name(r.kind)), &ok);
	set(o, "origin", json_string(rec_origin_name(r.origin)), &ok);
	set(o, "historic", json_boolean(r.flags & PK_RECFLAG_HISTORIC), &ok);
	set(o, "alias_of", r.alias_of[0] ? json_string(r.alias_of) : json_null(), &ok);
	set(o, "description", json_string(r.description), &ok);
	set(o, "notes", json_string(r.notes), &ok);
	set(o, "unauthorized", json_string(r.unauthorized), &ok);
	set(o, "registered", json_string(r.registered), &ok);
	set(o, "modified", json_string(r.modified), &ok);
	set(o, "service_code", json_string(r.service_code), &ok);

	json_t *refs = json_array();
	for (uint32_t i = 0; i < r.ref_count; i++) {
		pk_ref ref;
		pk_party p;
		if (pk_record_ref(reg, id, i, &ref, NULL) != PK_OK)
			continue;
		json_t *jr = json_object();
		set(jr, "type", json_string(pk_ref_type_name(ref.type)), &ok);
		set(jr, "data", json_string(ref.data), &ok);
		if (ref.type == PK_REF_PERSON)
			set(jr, "person", pk_person_get(reg, ref.data, &p, NULL) == PK_OK ?
						  party_json(&p) : json_null(), &ok);
		append(refs, jr, &ok);
	}
	set(o, "references", refs, &ok);
	json_t *assignees = json_array();
	for (uint32_t i = 0; i < r.assignee_count; i++) {
		pk_party p;
		if (pk_record_assignee(reg, id, i, &p, NULL) == PK_OK)
			append(assignees, party_json(&p), &ok);
	}
	set(o, "assignees", assignees, &ok);
	json_t *contacts = json_array();
	for (uint32_t i = 0; i < r.contact_count; i++) {
		pk_party p;
		if (pk_record_contact(reg, id, i, &p, NULL) == PK_OK)
			append(contacts, party_json(&p), &ok);
	}
	set(o, "contacts", contacts, &ok);
	if (!ok) {
		json_decref(o);
		return NULL;
	}
	return o;
}

json_t *rec_registry_json(const pk_registry *reg)
{
	pk_registry_info info;
	json_t *o = json_object();
	bool ok = true;

	pk_registry_get_info(reg, &info);
	set(o, "source", json_string(info.source), &ok);
	set(o, "updated", json_string(info.updated), &ok);
	set(o, "origin", json_string(info.origin), &ok);
	if (!ok) {
		json_decref(o);
		return NULL;
	}
	return o;
}

void rec_counts_text(const pk_registry_info *in, char *buf, size_t size)
{
	snprintf(buf, size, "%u (tcp %u, udp %u, sctp %u, dccp %u, no transport %u)",
		 (unsigned)in->records, (unsigned)in->counts_by_proto[PK_PROTO_TCP],
		 (unsigned)in->counts_by_proto[PK_PROTO_UDP],
		 (unsigned)in->counts_by_proto[PK_PROTO_SCTP],
		 (unsigned)in->counts_by_proto[PK_PROTO_DCCP],
		 (unsigned)in->counts_by_proto[PK_PROTO_NONE]);
}

json_t *rec_counts_json(const pk_registry_info *in)
{
	json_t *o = json_object();
	bool ok = true;

	for (int p = 0; p < PK_PROTO_COUNT; p++)
		set(o, p == 0 ? "none" : pk_proto_name((pk_proto)p),
		    json_integer(in->counts_by_proto[p]), &ok);
	if (!ok) {
		json_decref(o);
		return NULL;
	}
	return o;
}

json_t *rec_protos_json(unsigned mask)
{
	json_t *a = json_array();
	bool ok = true;

	for (int p = PK_PROTO_TCP; p <= PK_PROTO_DCCP; p++)
		if (mask & PK_PROTOMASK(p))
			append(a, json_string(pk_proto_name((pk_proto)p)), &ok);
	if (!ok) {
		json_decref(a);
		return NULL;
	}
	return a;
}

int rec_print_list(const cli_ctx *ctx, const pk_registry *reg,
		   const pk_recid *ids, size_t n)
{
	if (ctx->long_format) {
		for (size_t i = 0; i < n; i++) {
			if (i > 0)
				fputc('\n', stdout);
			if (rec_print_long(stdout, reg, ids[i], ctx) != 0)
				return EXIT_DATA;
		}
		return 0;
	}
	cli_table *t = cli_table_new(REC_COLS);
	bool ok = t != NULL &&
		  cli_table_add_header(t, rec_table_header, ctx->color) == 0;
	for (size_t i = 0; ok && i < n; i++)
		ok = rec_table_add(t, reg, ids[i]) == 0;
	return cli_table_finish(t, ok, ctx->width);
}

unsigned rec_protomask(unsigned own, unsigned option)
{
	unsigned m = own && option ? (own & option) : (own | option);

	if (own && option && m == 0)
		return 0; /* "53/udp --proto tcp": nothing can match */
	if (m == 0)
		return PK_PROTOMASK_ANY;
	return m | PK_PROTOMASK(PK_PROTO_NONE);
}

int rec_collect(const pk_registry *reg, const rec_query *q, pk_recid **ids,
		size_t *n)
{
	size_t total = 0;

	*ids = NULL;
	*n = 0;
	/* First count, then fill: every lookup returns its total. */
	for (int pass = 0; pass < 2; pass++) {
		pk_recid *out = pass == 0 ? NULL : *ids;
		size_t cap = pass == 0 ? 0 : total;
		size_t got;
		switch (q->type) {
		case REC_Q_PORTS:
			got = q->lo == q->hi ?
				      pk_lookup_port(reg, q->lo, q->protomask, out, cap) :
				      pk_lookup_range(reg, q->lo, q->hi, q->protomask,
						      out, cap);
			break;
		case REC_Q_NAME:
			got = pk_lookup_name(reg, q->name, q->protomask, out, cap);
			break;
		default:
			got = pk_search(reg, q->words, q->nwords, q->protomask,
					out, cap);
			break;
		}
		if (pass == 0) {
			total = got;
			if (total == 0)
				return 0;
			*ids = malloc(total * sizeof **ids);
			if (*ids == NULL) {
				cli_error("out of memory");
				return EXIT_DATA;
			}
		} else {
			*n = got < total ? got : total;
		}
	}
	return 0;
}
