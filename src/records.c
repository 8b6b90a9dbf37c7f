/* records.c - the jansson forms of registry records that the subcommands
 * not yet rendered by lib/render (advise, audit) still build; the record
 * object is lib/render/record.c's, docs/json.md. */
#include <stdlib.h>
#include <string.h>

#include "records.h"

static const char *const kind_names[] = { "assigned", "reserved", "unassigned",
					  "deregistered", "other" };
static const char *const origin_names[] = { "iana", "services", "supplement",
					    "unofficial" };

static const char *rec_origin_name(pk_rec_origin o)
{
	return (unsigned)o < sizeof origin_names / sizeof origin_names[0] ?
		       origin_names[o] : "iana";
}

static const char *kind_name(pk_rec_kind k)
{
	return (unsigned)k < sizeof kind_names / sizeof kind_names[0] ?
		       kind_names[k] : "other";
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

static json_t *rec_classes_json(uint16_t lo, uint16_t hi)
{
	json_t *a = json_array();
	bool ok = true;

	for (int c = pk_port_class_of(lo); c <= (int)pk_port_class_of(hi); c++)
		append(a, json_string(c == PK_CLASS_SYSTEM ? "system" :
				      c == PK_CLASS_USER ? "user" : "dynamic"), &ok);
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

