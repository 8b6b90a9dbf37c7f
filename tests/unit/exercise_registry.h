/* exercise_registry.h - touches everything a registry exposes: every
 * accessor of every record, lookups by port, name, range and words, the
 * services(5) view.  Used
 * by the corruption tests and by fuzz/fuzz_index.c on every index that
 * passed validation: under ASan, any read outside the index shows up.
 * Returns a value that depends on everything read, so nothing is elided. */
#ifndef EXERCISE_REGISTRY_H
#define EXERCISE_REGISTRY_H

#include <string.h>

#include "portkit.h"

static size_t exercise_party(const pk_party *p)
{
	return strlen(p->id) + strlen(p->name) + strlen(p->org) + strlen(p->uri) +
	       strlen(p->updated);
}

static size_t exercise_registry(const pk_registry *reg)
{
	pk_registry_info info;
	pk_recid ids[64];
	size_t sum = 0;
	uint32_t n = pk_registry_count(reg);

	pk_registry_get_info(reg, &info);
	sum += strlen(info.source) + strlen(info.updated) + strlen(info.origin);
	for (pk_recid id = 0; id < n; id++) {
		pk_record r;
		pk_ref ref;
		pk_party p;
		if (pk_record_get(reg, id, &r, NULL) != PK_OK)
			return sum; /* cannot happen: id < count */
		sum += r.name ? strlen(r.name) : 0;
#define EXERCISE_VAL_(type, field) sum += (size_t)r.field;
#define EXERCISE_STR_(field) sum += strlen(r.field);
		PK_RECORD_FIELDS(EXERCISE_VAL_, EXERCISE_STR_)
#undef EXERCISE_VAL_
#undef EXERCISE_STR_
		for (uint32_t i = 0; i <= r.alias_count; i++) {
			const char *a = pk_record_alias(reg, id, i);
			sum += a ? strlen(a) : 1;
			if (a != NULL) {
				uint16_t sp;
				pk_proto spr;
				sum += pk_lookup_name(reg, a, 0, ids, 64);
				sum += pk_services_find_name(reg, a, PK_PROTO_NONE, &sp, &spr);
			}
		}
		for (uint32_t i = 0; i <= r.ref_count; i++)
			if (pk_record_ref(reg, id, i, &ref, NULL) == PK_OK)
				sum += strlen(ref.data) + strlen(pk_ref_type_name(ref.type));
		for (uint32_t i = 0; i <= r.assignee_count; i++)
			if (pk_record_assignee(reg, id, i, &p, NULL) == PK_OK) {
				pk_party q;
				sum += exercise_party(&p);
				if (pk_person_get(reg, p.id, &q, NULL) == PK_OK)
					sum += exercise_party(&q);
			}
		for (uint32_t i = 0; i <= r.contact_count; i++)
			if (pk_record_contact(reg, id, i, &p, NULL) == PK_OK)
				sum += exercise_party(&p);
		if (r.name != NULL) {
			sum += pk_lookup_name(reg, r.name, 0, ids, 64);
			sum += pk_search(reg, &r.name, 1, 0, ids, 64);
		}
		if (r.has_port) {
			sum += pk_lookup_port(reg, r.port_lo, PK_PROTOMASK(r.proto), ids, 64);
			sum += pk_lookup_range(reg, r.port_lo, r.port_hi, 0, ids, 64);
			sum += pk_port_is_assigned(reg, r.port_hi, r.proto);
			pk_proto spr;
			sum += pk_services_find_port(reg, r.port_lo, PK_PROTO_NONE, &spr);
		}
	}
	static const uint16_t ports[] = { 0, 1, 22, 80, 443, 1023, 6003, 49151, 65535 };
	for (size_t i = 0; i < sizeof ports / sizeof ports[0]; i++) {
		sum += pk_lookup_port(reg, ports[i], 0, ids, 64);
		sum += pk_lookup_port(reg, ports[i], PK_PROTOMASK(PK_PROTO_UDP), NULL, 0);
	}
	sum += pk_lookup_range(reg, 0, 65535, 0, ids, 64);
	sum += pk_lookup_range(reg, 65535, 65535, 0, ids, 64);
	static const char *const words[] = { "multicast", "HTTP", "x", "", "a b" };
	sum += pk_search(reg, words, 5, 0, ids, 64);
	sum += pk_search(reg, words, 1, 0, ids, 64);
	sum += pk_search(reg, NULL, 0, 0, ids, 64);
	sum += pk_lookup_name(reg, "http", 0, ids, 64);
	/* The services(5) view, whole: every entry and its names. */
	uint32_t pos = 0;
	uint16_t sport;
	pk_proto sproto;
	size_t unfit = 0;
	while (pk_services_next_entry(reg, &pos, &sport, &sproto, &unfit)) {
		uint64_t c = 0;
		const char *s;
		while ((s = pk_services_name_next(reg, sport, sproto, &c, &unfit)) != NULL)
			sum += strlen(s);
	}
	sum += unfit;
	pk_diff_stats ds;
	pk_registry_diff(reg, reg, NULL, NULL, &ds);
	sum += ds.modified + ds.added + ds.removed;
	return sum;
}

#endif
