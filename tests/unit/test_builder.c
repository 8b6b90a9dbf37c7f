/* test_builder.c - the builder: interning, validation of what importers
 * hand it, merging sources and copying registries, finishing. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "registry/builder.h"
#include "helper_regfix.h"

static void test_kind_from(void **state)
{
	(void)state;
	assert_int_equal(pk__kind_from("http", "Reserved"), PK_KIND_ASSIGNED);
	assert_int_equal(pk__kind_from(NULL, "Reserved"), PK_KIND_RESERVED);
	assert_int_equal(pk__kind_from("", "Reserved - IANA"), PK_KIND_RESERVED);
	assert_int_equal(pk__kind_from(NULL, "Unassigned"), PK_KIND_UNASSIGNED);
	assert_int_equal(pk__kind_from(NULL, "unassigned"), PK_KIND_UNASSIGNED);
	assert_int_equal(pk__kind_from(NULL, "Unassigned [was netstat]"), PK_KIND_UNASSIGNED);
	assert_int_equal(pk__kind_from(NULL, "De-registered"), PK_KIND_DEREGISTERED);
	assert_int_equal(pk__kind_from(NULL, "Removed"), PK_KIND_DEREGISTERED);
	assert_int_equal(pk__kind_from(NULL, "De-Commissioned Port"), PK_KIND_DEREGISTERED);
	assert_int_equal(pk__kind_from(NULL, "any private printer server"), PK_KIND_OTHER);
	assert_int_equal(pk__kind_from(NULL, "(unassigned) Possibly assigned"), PK_KIND_OTHER);
	assert_int_equal(pk__kind_from(NULL, NULL), PK_KIND_OTHER);
	assert_int_equal(pk__kind_from(NULL, ""), PK_KIND_OTHER);
}

static void test_add_rejects_bad_records(void **state)
{
	pk_builder *b = pk__builder_new();
	pk_record in = { .name = "ok", .proto = PK_PROTO_TCP, .has_port = true,
			 .port_lo = 10, .port_hi = 10 };
	uint32_t i;

	(void)state;
	assert_non_null(b);
	in.proto = (pk_proto)5;
	assert_int_equal(pk__builder_add(b, &in, NULL), PK_INVAL);
	in.proto = PK_PROTO_TCP;
	in.kind = (pk_rec_kind)5;
	assert_int_equal(pk__builder_add(b, &in, NULL), PK_INVAL);
	in.kind = PK_KIND_ASSIGNED;
	in.origin = (pk_rec_origin)5;
	assert_int_equal(pk__builder_add(b, &in, NULL), PK_INVAL);
	in.origin = PK_ORIGIN_IANA;
	in.port_lo = 11;
	assert_int_equal(pk__builder_add(b, &in, NULL), PK_INVAL);
	assert_int_equal(pk__builder_count(b), 0);
	/* Without a port, the port fields are ignored. */
	in.has_port = false;
	assert_int_equal(pk__builder_add(b, &in, &i), PK_OK);
	assert_int_equal(i, 0);
	assert_int_equal(b->recs[0].port_lo, 0);
	assert_int_equal(b->recs[0].port_hi, 0);

	assert_int_equal(pk__builder_add_alias(b, 1, "x"), PK_RANGE);
	assert_int_equal(pk__builder_add_alias(b, 0, ""), PK_INVAL);
	assert_int_equal(pk__builder_add_alias(b, 0, NULL), PK_INVAL);
	assert_int_equal(pk__builder_add_ref(b, 0, (pk_ref_type)6, "x"), PK_INVAL);
	assert_int_equal(pk__builder_add_ref(b, 7, PK_REF_RFC, "rfc1"), PK_RANGE);
	assert_int_equal(pk__builder_add_assignee(b, 0, "id", "text"), PK_INVAL);
	assert_int_equal(pk__builder_add_assignee(b, 0, NULL, ""), PK_INVAL);
	assert_int_equal(pk__builder_add_contact(b, 0, "", NULL), PK_INVAL);
	assert_int_equal(pk__builder_add_contact(b, 3, "id", NULL), PK_RANGE);
	assert_int_equal(pk__builder_add_person(b, "", "n", NULL, NULL, NULL), PK_INVAL);
	assert_int_equal(pk__builder_add_person(b, NULL, "n", NULL, NULL, NULL), PK_INVAL);
	pk__builder_free(b);
	pk__builder_free(NULL);
}

static void test_interning_shares_strings(void **state)
{
	pk_builder *b = regfix_builder();

	(void)state;
	/* x11 tcp and udp were added first: same description, one copy. */
	assert_int_equal(b->recs[0].description, b->recs[1].description);
	assert_string_equal(pk_bstr(b, b->recs[0].description), "X Window System");
	assert_int_not_equal(b->recs[0].name, 0);
	assert_int_equal(b->recs[0].name, b->recs[1].name);
	/* Absent strings are offset 0, the empty string. */
	assert_int_equal(b->recs[0].notes, 0);
	assert_string_equal(pk_bstr(b, 0), "");
	uint32_t off1, off2;
	assert_int_equal(pk__builder_intern(b, "a fresh string", &off1), PK_OK);
	assert_int_equal(pk__builder_intern(b, "a fresh string", &off2), PK_OK);
	assert_int_equal(off1, off2);
	assert_int_equal(pk__builder_intern(b, "a fresh strin", &off2), PK_OK);
	assert_int_not_equal(off1, off2);
	assert_int_equal(pk__builder_intern(b, NULL, &off2), PK_OK);
	assert_int_equal(off2, 0);
	pk__builder_free(b);
}

static void test_aliases_dedup(void **state)
{
	pk_builder *b = pk__builder_new();
	pk_record in = { .name = "http", .proto = PK_PROTO_TCP, .has_port = true,
			 .port_lo = 80, .port_hi = 80 };
	uint32_t i;

	(void)state;
	assert_int_equal(pk__builder_add(b, &in, &i), PK_OK);
	assert_int_equal(pk__builder_add_alias(b, i, "www"), PK_OK);
	assert_int_equal(pk__builder_add_alias(b, i, "WWW"), PK_OK);
	assert_int_equal(pk__builder_add_alias(b, i, "HTTP"), PK_OK); /* the name */
	assert_int_equal(pk__builder_add_alias(b, i, "www-http"), PK_OK);
	assert_int_equal(b->recs[i].count[PK_L_ALIAS], 2);
	pk_registry *reg = regfix_open(b);
	assert_string_equal(pk_record_alias(reg, 0, 0), "www");
	assert_string_equal(pk_record_alias(reg, 0, 1), "www-http");
	assert_null(pk_record_alias(reg, 0, 2));
	pk_registry_close(reg);
	pk__builder_free(b);
}

static void test_person_replaced_by_later(void **state)
{
	pk_builder *b = pk__builder_new();
	pk_party p;

	(void)state;
	assert_int_equal(pk__builder_add_person(b, "Jon_Postel", "Jon", NULL, NULL, NULL), PK_OK);
	assert_int_equal(pk__builder_add_person(b, "Jon_Postel", "Jon Postel", "ISI",
					       "mailto:postel&isi.edu", "1998-10"), PK_OK);
	assert_int_equal(b->npeople, 1);
	pk_registry *reg = regfix_open(b);
	assert_int_equal(pk_person_get(reg, "Jon_Postel", &p, NULL), PK_OK);
	assert_string_equal(p.name, "Jon Postel");
	assert_string_equal(p.org, "ISI");
	assert_string_equal(p.updated, "1998-10");
	pk_registry_close(reg);
	pk__builder_free(b);
}

/* Every record of the fixture, in the order the index must hold them:
 * records with a port by (port, transport, name), then the portless. */
static const char fixture_order[] =
	"#reserved/tcp/0 #reserved/udp/0 #other/tcp/35 nicname/tcp/43 whois/tcp/43 "
	"nicname/udp/43 #reserved/-/51 whois++/tcp/63 sql*net/tcp/66 http/tcp/80 "
	"www/tcp/80 www-http/tcp/80 http/udp/80 http/sctp/80 #unassigned/-/81 "
	"kerberos/tcp/88 kerberos/udp/88 KERBEROS/sctp/88 z39.50/tcp/210 "
	"914c/g/tcp/211 http-alt/tcp/591 #unassigned/tcp/1030-1040 iad1/tcp/1030 "
	"#deregistered/udp/1999 mdns/tcp/5353 mdns/udp/5353 x11/tcp/6000-6063 "
	"x11/udp/6000-6063 syslog-tls/dccp/6514 http-alt/tcp/8008 http-alt/tcp/8080 "
	"http-alt/udp/8080 netbase-only/tcp/9999 minecraft/tcp/25565 "
	"flex-lm/tcp/27000-27009 #reserved/tcp/65535 nameonly-svc/-/- xmpp-bosh/tcp/-";

static void test_finish_sorts_records(void **state)
{
	pk_registry *reg = regfix_registry();
	pk_recid all[38];
	pk_registry_info info;

	(void)state;
	assert_int_equal(pk_registry_count(reg), 38);
	for (pk_recid i = 0; i < 38; i++)
		all[i] = i;
	assert_string_equal(regfix_list(reg, all, 38), fixture_order);
	pk_registry_get_info(reg, &info);
	/* FULL was set by the fixture; the rest follows from the records. */
	assert_int_equal(info.flags, PK_REGFLAG_FULL | PK_REGFLAG_RANGES | PK_REGFLAG_METADATA |
					     PK_REGFLAG_PEOPLE | PK_REGFLAG_UNOFFICIAL);
	pk_registry_close(reg);
}

static void test_finish_keeps_builder_usable(void **state)
{
	pk_builder *b = regfix_builder();
	size_t l1, l2;
	void *d1 = regfix_finish(b, &l1);
	void *d2 = regfix_finish(b, &l2);

	(void)state;
	/* Deterministic: the same builder gives the same bytes. */
	assert_int_equal(l1, l2);
	assert_memory_equal(d1, d2, l1);
	pk_record in = { .name = "late", .proto = PK_PROTO_UDP, .has_port = true,
			 .port_lo = 7, .port_hi = 7 };
	assert_int_equal(pk__builder_add(b, &in, NULL), PK_OK);
	pk_registry *reg = regfix_open(b);
	assert_int_equal(pk_registry_count(reg), 39);
	assert_string_equal(regfix_name(reg, "late", 0), "late/udp/7");
	pk_registry_close(reg);
	free(d1);
	free(d2);
	pk__builder_free(b);
}

static void test_empty_builder(void **state)
{
	pk_builder *b = pk__builder_new();
	pk_registry *reg = regfix_open(b);
	pk_registry_info info;
	const char *w = "x";

	(void)state;
	pk_registry_get_info(reg, &info);
	assert_int_equal(info.records, 0);
	assert_int_equal(info.names, 0);
	assert_int_equal(info.flags, 0);
	assert_string_equal(info.source, "");
	assert_string_equal(info.updated, "");
	assert_int_equal(pk_lookup_port(reg, 80, 0, NULL, 0), 0);
	assert_int_equal(pk_lookup_name(reg, "http", 0, NULL, 0), 0);
	assert_int_equal(pk_lookup_range(reg, 0, 65535, 0, NULL, 0), 0);
	assert_int_equal(pk_search(reg, &w, 1, 0, NULL, 0), 0);
	assert_int_equal(pk_search(reg, NULL, 0, 0, NULL, 0), 0);
	pk_registry_close(reg);
	pk__builder_free(b);
}

static uint32_t add_rec(pk_builder *b, const char *name, pk_proto proto, int port,
			pk_rec_origin origin, const char *desc)
{
	pk_record in = { .name = name, .proto = proto, .has_port = port >= 0,
			 .port_lo = (uint16_t)(port < 0 ? 0 : port),
			 .port_hi = (uint16_t)(port < 0 ? 0 : port),
			 .kind = pk__kind_from(name, desc), .origin = origin,
			 .description = desc };
	uint32_t i;

	assert_int_equal(pk__builder_add(b, &in, &i), PK_OK);
	return i;
}

static void test_merge(void **state)
{
	pk_builder *b = pk__builder_new(), *src = pk__builder_new();
	pk_error err;
	pk_record r;
	pk_recid id;
	pk_party p;
	uint32_t i;

	(void)state;
	/* b: what the npm package gives (one name per port). */
	add_rec(b, "www-http", PK_PROTO_TCP, 80, PK_ORIGIN_IANA, "World Wide Web HTTP");
	add_rec(b, "http-alt", PK_PROTO_TCP, 8080, PK_ORIGIN_IANA, "HTTP Alternate");
	add_rec(b, "domain", PK_PROTO_UDP, 53, PK_ORIGIN_IANA, "Domain Name Server");
	/* src: a services(5) file and a supplement. */
	i = add_rec(src, "http", PK_PROTO_TCP, 80, PK_ORIGIN_SERVICES, NULL);
	assert_int_equal(pk__builder_add_alias(src, i, "www"), PK_OK);
	i = add_rec(src, "HTTP-ALT", PK_PROTO_TCP, 8080, PK_ORIGIN_SERVICES, NULL);
	assert_int_equal(pk__builder_add_alias(src, i, "webcache"), PK_OK);
	i = add_rec(src, "domain", PK_PROTO_UDP, 53, PK_ORIGIN_SERVICES, NULL);
	assert_int_equal(pk__builder_add_alias(src, i, "dns"), PK_OK);
	add_rec(src, "domain", PK_PROTO_TCP, 53, PK_ORIGIN_SERVICES, NULL);
	i = add_rec(src, "http", PK_PROTO_TCP, 80, PK_ORIGIN_SERVICES, NULL);
	assert_int_equal(pk__builder_add_alias(src, i, "WWW"), PK_OK);
	assert_int_equal(pk__builder_add_alias(src, i, "web"), PK_OK);
	{
		pk_record in = { .name = "x11", .proto = PK_PROTO_TCP, .has_port = true,
				 .port_lo = 6000, .port_hi = 6063,
				 .origin = PK_ORIGIN_SUPPLEMENT, .description = "X Window System" };
		assert_int_equal(pk__builder_add(src, &in, NULL), PK_OK);
	}
	i = add_rec(src, "foo", PK_PROTO_TCP, 7, PK_ORIGIN_UNOFFICIAL, "Foo");
	assert_int_equal(pk__builder_add_assignee(src, i, "P1", NULL), PK_OK);
	assert_int_equal(pk__builder_add_contact(src, i, NULL, "Foo team"), PK_OK);
	assert_int_equal(pk__builder_add_ref(src, i, PK_REF_URI, "https://foo.example"), PK_OK);
	assert_int_equal(pk__builder_add_person(src, "P1", "Pat One", "Foo Inc", "mailto:p1", "2020-01"), PK_OK);
	assert_int_equal(pk__builder_add_person(src, "P2", "Unused", NULL, NULL, NULL), PK_OK);

	assert_int_equal(pk__builder_merge(b, b, &err), PK_INVAL);
	assert_int_equal(pk__builder_merge(b, src, &err), PK_OK);
	assert_int_equal(pk__builder_count(b), 7);
	assert_int_equal(b->npeople, 1); /* only the person a record names */

	pk_registry *reg = regfix_open(b);
	assert_string_equal(regfix_port(reg, 80, 0), "http/tcp/80 www-http/tcp/80");
	assert_string_equal(regfix_name(reg, "webcache", 0), "http-alt/tcp/8080");
	assert_string_equal(regfix_name(reg, "dns", 0), "domain/udp/53");
	assert_string_equal(regfix_name(reg, "web", 0), "http/tcp/80");
	assert_string_equal(regfix_port(reg, 53, 0), "domain/tcp/53 domain/udp/53");
	assert_string_equal(regfix_range(reg, 6000, 6000, 0), "x11/tcp/6000-6063");

	assert_int_equal(pk_lookup_name(reg, "http", 0, &id, 1), 1);
	assert_int_equal(pk_record_get(reg, id, &r, NULL), PK_OK);
	assert_int_equal(r.origin, PK_ORIGIN_SERVICES);
	/* Borrowed from b's assigned record on 80/tcp. */
	assert_string_equal(r.description, "World Wide Web HTTP");
	assert_int_equal(r.alias_count, 2);
	assert_string_equal(pk_record_alias(reg, id, 0), "www");
	assert_string_equal(pk_record_alias(reg, id, 1), "web");

	assert_int_equal(pk_lookup_name(reg, "http-alt", 0, &id, 1), 1);
	assert_int_equal(pk_record_get(reg, id, &r, NULL), PK_OK);
	assert_int_equal(r.origin, PK_ORIGIN_IANA); /* b's record, kept */
	assert_string_equal(r.name, "http-alt");

	assert_int_equal(pk_lookup_port(reg, 53, PK_PROTOMASK(PK_PROTO_TCP), &id, 1), 1);
	assert_int_equal(pk_record_get(reg, id, &r, NULL), PK_OK);
	assert_string_equal(r.description, ""); /* nothing to borrow on 53/tcp */

	assert_int_equal(pk_lookup_name(reg, "x11", 0, &id, 1), 1);
	assert_int_equal(pk_record_get(reg, id, &r, NULL), PK_OK);
	assert_int_equal(r.origin, PK_ORIGIN_SUPPLEMENT);

	assert_int_equal(pk_lookup_name(reg, "foo", 0, &id, 1), 1);
	assert_int_equal(pk_record_get(reg, id, &r, NULL), PK_OK);
	assert_int_equal(r.origin, PK_ORIGIN_UNOFFICIAL);
	assert_int_equal(pk_record_assignee(reg, id, 0, &p, NULL), PK_OK);
	assert_string_equal(p.id, "P1");
	assert_string_equal(p.name, "Pat One");
	assert_string_equal(p.org, "Foo Inc");
	assert_int_equal(pk_record_contact(reg, id, 0, &p, NULL), PK_OK);
	assert_string_equal(p.id, "");
	assert_string_equal(p.name, "Foo team");
	pk_ref ref;
	assert_int_equal(pk_record_ref(reg, id, 0, &ref, NULL), PK_OK);
	assert_int_equal(ref.type, PK_REF_URI);
	assert_string_equal(ref.data, "https://foo.example");
	pk_registry_close(reg);
	pk__builder_free(b);
	pk__builder_free(src);
}

/* A services(5) entry inside one of b's ranges borrows the range's
 * description when no record sits on exactly its port (netbase's x11-1). */
static void test_merge_borrows_from_range(void **state)
{
	pk_builder *b = pk__builder_new(), *src = pk__builder_new();
	pk_error err;
	pk_record r;
	pk_recid id;

	(void)state;
	{
		pk_record in = { .name = "x11", .proto = PK_PROTO_TCP, .has_port = true,
				 .port_lo = 6000, .port_hi = 6063,
				 .origin = PK_ORIGIN_SUPPLEMENT, .description = "X Window System" };
		assert_int_equal(pk__builder_add(b, &in, NULL), PK_OK);
	}
	add_rec(b, "exact", PK_PROTO_TCP, 6010, PK_ORIGIN_IANA, "Exact match");
	add_rec(src, "x11-1", PK_PROTO_TCP, 6001, PK_ORIGIN_SERVICES, NULL);
	add_rec(src, "x11-1", PK_PROTO_UDP, 6001, PK_ORIGIN_SERVICES, NULL);
	add_rec(src, "other", PK_PROTO_TCP, 6010, PK_ORIGIN_SERVICES, NULL);
	add_rec(src, "outside", PK_PROTO_TCP, 6064, PK_ORIGIN_SERVICES, NULL);
	assert_int_equal(pk__builder_merge(b, src, &err), PK_OK);

	pk_registry *reg = regfix_open(b);
	assert_int_equal(pk_lookup_name(reg, "x11-1", PK_PROTOMASK(PK_PROTO_TCP), &id, 1), 1);
	assert_int_equal(pk_record_get(reg, id, &r, NULL), PK_OK);
	assert_string_equal(r.description, "X Window System");
	/* Only a range of the same transport lends its text. */
	assert_int_equal(pk_lookup_name(reg, "x11-1", PK_PROTOMASK(PK_PROTO_UDP), &id, 1), 1);
	assert_int_equal(pk_record_get(reg, id, &r, NULL), PK_OK);
	assert_string_equal(r.description, "");
	/* An exact port match wins over the covering range. */
	assert_int_equal(pk_lookup_name(reg, "other", 0, &id, 1), 1);
	assert_int_equal(pk_record_get(reg, id, &r, NULL), PK_OK);
	assert_string_equal(r.description, "Exact match");
	assert_int_equal(pk_lookup_name(reg, "outside", 0, &id, 1), 1);
	assert_int_equal(pk_record_get(reg, id, &r, NULL), PK_OK);
	assert_string_equal(r.description, "");
	pk_registry_close(reg);
	pk__builder_free(b);
	pk__builder_free(src);
}

static void test_add_registry_by_origin(void **state)
{
	pk_registry *reg = regfix_registry();
	pk_builder *b = pk__builder_new();
	pk_error err;

	(void)state;
	unsigned mask = 1u << PK_ORIGIN_SERVICES | 1u << PK_ORIGIN_SUPPLEMENT |
			1u << PK_ORIGIN_UNOFFICIAL;
	assert_int_equal(pk__builder_add_registry(b, reg, mask, &err), PK_OK);
	pk_registry *sub = regfix_open(b);
	pk_recid all[3] = { 0, 1, 2 };
	assert_int_equal(pk_registry_count(sub), 3);
	assert_string_equal(regfix_list(sub, all, 3),
			    "netbase-only/tcp/9999 minecraft/tcp/25565 flex-lm/tcp/27000-27009");
	assert_string_equal(pk_record_alias(sub, 0, 0), "nbo");
	pk_registry_close(sub);
	pk__builder_free(b);

	/* Everything: the copy must equal the original in every field. */
	b = pk__builder_new();
	assert_int_equal(pk__builder_add_registry(b, reg, 0xf, &err), PK_OK);
	assert_int_equal(b->npeople, 3); /* _3GPP is named by no record */
	pk_registry *copy = regfix_open(b);
	pk_diff_stats ds;
	pk_registry_diff(reg, copy, NULL, NULL, &ds);
	assert_int_equal(ds.unchanged, 38);
	assert_int_equal(ds.added + ds.removed + ds.modified, 0);
	for (pk_recid id = 0; id < 38; id++) {
		pk_record a, c;
		assert_int_equal(pk_record_get(reg, id, &a, NULL), PK_OK);
		assert_int_equal(pk_record_get(copy, id, &c, NULL), PK_OK);
		assert_int_equal(a.alias_count, c.alias_count);
		assert_int_equal(a.kind, c.kind);
		assert_int_equal(a.origin, c.origin);
		assert_int_equal(a.flags, c.flags);
		for (uint32_t k = 0; k < a.alias_count; k++)
			assert_string_equal(pk_record_alias(reg, id, k), pk_record_alias(copy, id, k));
		for (uint32_t k = 0; k < a.contact_count; k++) {
			pk_party x, y;
			assert_int_equal(pk_record_contact(reg, id, k, &x, NULL), PK_OK);
			assert_int_equal(pk_record_contact(copy, id, k, &y, NULL), PK_OK);
			assert_string_equal(x.id, y.id);
			assert_string_equal(x.name, y.name);
			assert_string_equal(x.uri, y.uri);
			assert_string_equal(x.updated, y.updated);
		}
	}
	pk_party p;
	assert_int_equal(pk_person_get(copy, "Stephen_Gildea", &p, NULL), PK_OK);
	assert_string_equal(p.uri, "mailto:gildea&stop.mail-abuse.org");
	assert_int_equal(pk_person_get(copy, "_3GPP", &p, NULL), PK_NOTFOUND);
	pk_registry_close(copy);
	pk__builder_free(b);
	pk_registry_close(reg);
}

/* Record id 0 of reg holds every field of want. */
static void assert_fields(const pk_registry *reg, const pk_record *want)
{
	pk_record r;

	assert_int_equal(pk_registry_count(reg), 1);
	assert_int_equal(pk_record_get(reg, 0, &r, NULL), PK_OK);
	assert_string_equal(r.name, want->name);
#define VAL_(type, field) assert_true(r.field == want->field);
#define STR_(field) assert_string_equal(r.field, want->field);
	PK_RECORD_FIELDS(VAL_, STR_)
#undef VAL_
#undef STR_
}

/* Every field of PK_RECORD_FIELDS, set to something other than its
 * default, goes through the builder, the index, and both ways of copying
 * records (another registry's, another builder's) unchanged. */
static void test_every_field_round_trips(void **state)
{
	pk_record in = { .name = "allfields", .proto = PK_PROTO_SCTP, .has_port = true,
			 .port_lo = 7000, .port_hi = 7009, .kind = PK_KIND_ASSIGNED,
			 .origin = PK_ORIGIN_SERVICES, .flags = PK_RECFLAG_HISTORIC };
	pk_error err;

	(void)state;
#define NO_VAL_(type, field)
#define STR_(field) in.field = "the " #field;
	PK_RECORD_FIELDS(NO_VAL_, STR_)
#undef STR_
	pk_builder *b = pk__builder_new();
	assert_int_equal(pk__builder_add(b, &in, NULL), PK_OK);
	pk_registry *reg = regfix_open(b);
	assert_fields(reg, &in);

	pk_builder *c = pk__builder_new();
	assert_int_equal(pk__builder_add_registry(c, reg, 0xf, &err), PK_OK);
	pk_registry *copy = regfix_open(c);
	assert_fields(copy, &in);

	pk_builder *m = pk__builder_new();
	assert_int_equal(pk__builder_merge(m, b, &err), PK_OK);
	pk_registry *merged = regfix_open(m);
	assert_fields(merged, &in);

	pk_diff_stats ds;
	pk_registry_diff(reg, merged, NULL, NULL, &ds);
	assert_int_equal(ds.unchanged, 1);
	pk_registry_close(reg);
	pk_registry_close(copy);
	pk_registry_close(merged);
	pk__builder_free(b);
	pk__builder_free(c);
	pk__builder_free(m);
}

static void test_many_records(void **state)
{
	pk_builder *b = pk__builder_new();
	char name[32];
	pk_recid ids[4];

	(void)state;
	/* More than every initial table size: the hashes must grow. */
	for (unsigned i = 0; i < 20000; i++) {
		snprintf(name, sizeof name, "Svc%u", i);
		add_rec(b, name, (pk_proto)(1 + i % 4), (int)(i * 7 % 65536),
			PK_ORIGIN_IANA, name);
		assert_int_equal(pk__builder_add_person(b, name, name, NULL, NULL, NULL), PK_OK);
	}
	pk_registry *reg = regfix_open(b);
	pk_registry_info info;
	pk_registry_get_info(reg, &info);
	assert_int_equal(info.records, 20000);
	assert_int_equal(info.names, 20000);
	assert_int_equal(info.people, 20000);
	for (unsigned i = 0; i < 20000; i += 997) {
		pk_record r;
		pk_party p;
		snprintf(name, sizeof name, "svc%u", i);
		assert_int_equal(pk_lookup_name(reg, name, 0, ids, 4), 1);
		assert_int_equal(pk_record_get(reg, ids[0], &r, NULL), PK_OK);
		assert_int_equal(r.port_lo, i * 7 % 65536);
		snprintf(name, sizeof name, "Svc%u", i);
		assert_string_equal(r.name, name);
		assert_int_equal(pk_person_get(reg, name, &p, NULL), PK_OK);
		assert_string_equal(p.name, name);
	}
	pk_registry_close(reg);
	pk__builder_free(b);
}

static void test_too_many_postings(void **state)
{
	pk_builder *b = pk__builder_new();
	pk_record in = { .name = "all", .proto = PK_PROTO_TCP, .has_port = true,
			 .port_lo = 0, .port_hi = 65535 };
	void *data = NULL;
	size_t len = 0;
	pk_error err;

	(void)state;
	/* 300 records covering every port: 19.7M postings, over the cap. */
	for (int i = 0; i < 300; i++)
		assert_int_equal(pk__builder_add(b, &in, NULL), PK_OK);
	assert_int_equal(pk__builder_finish(b, &data, &len, &err), PK_TOOBIG);
	assert_null(data);
	assert_non_null(strstr(err.message, "too large"));
	pk__builder_free(b);
}

static void test_list_length_cap(void **state)
{
	pk_builder *b = pk__builder_new();
	uint32_t i;

	(void)state;
	add_rec(b, "many", PK_PROTO_TCP, 1, PK_ORIGIN_IANA, NULL);
	i = 0;
	for (unsigned k = 0; k < 65535; k++)
		assert_int_equal(pk__builder_add_ref(b, i, PK_REF_RFC, "rfc1"), PK_OK);
	/* The index stores list lengths in 16 bits. */
	assert_int_equal(pk__builder_add_ref(b, i, PK_REF_RFC, "rfc1"), PK_TOOBIG);
	pk__builder_free(b);
}

/* What a registry may hold: each limit is reached exactly, the next
 * addition is PK_TOOBIG, and pk__builder_strerror names the limit. */
static void test_registry_limits(void **state)
{
	char name[32];
	uint32_t off;

	(void)state;
	/* Records. */
	pk_builder *b = pk__builder_new();
	assert_null(pk__builder_limit(b));
	assert_string_equal(pk__builder_strerror(b, PK_NOMEM), "out of memory");
	for (unsigned i = 0; i < PK_REG_MAX_RECORDS; i++)
		add_rec(b, "r", PK_PROTO_TCP, (int)(i % 65536), PK_ORIGIN_IANA, NULL);
	pk_record in = { .name = "one-more", .proto = PK_PROTO_TCP };
	assert_int_equal(pk__builder_add(b, &in, NULL), PK_TOOBIG);
	assert_int_equal(pk__builder_count(b), PK_REG_MAX_RECORDS);
	assert_string_equal(pk__builder_strerror(b, PK_TOOBIG),
			    "more than 65536 records, the most a registry may hold");
	pk__builder_free(b);

	/* List entries, over many records (each list stays short). */
	b = pk__builder_new();
	for (unsigned i = 0; i < PK_REG_MAX_ITEMS / 1024; i++) {
		add_rec(b, "r", PK_PROTO_TCP, (int)i, PK_ORIGIN_IANA, NULL);
		for (unsigned k = 0; k < 1024; k++)
			assert_int_equal(pk__builder_add_ref(b, i, PK_REF_RFC, "rfc1"), PK_OK);
	}
	assert_int_equal(pk__builder_add_ref(b, 0, PK_REF_RFC, "rfc1"), PK_TOOBIG);
	assert_non_null(strstr(pk__builder_strerror(b, PK_TOOBIG), "more than 262144 aliases"));
	pk__builder_free(b);

	/* People. */
	b = pk__builder_new();
	for (unsigned i = 0; i < PK_REG_MAX_PEOPLE; i++) {
		snprintf(name, sizeof name, "P%u", i);
		assert_int_equal(pk__builder_add_person(b, name, NULL, NULL, NULL, NULL), PK_OK);
	}
	assert_int_equal(pk__builder_add_person(b, "P0", "again", NULL, NULL, NULL), PK_OK);
	assert_int_equal(pk__builder_add_person(b, "Pnew", NULL, NULL, NULL, NULL), PK_TOOBIG);
	assert_string_equal(pk__builder_strerror(b, PK_TOOBIG),
			    "more than 65536 people, the most a registry may hold");
	pk__builder_free(b);

	/* Text: distinct strings up to 16 MB; a string already held costs
	 * nothing. */
	b = pk__builder_new();
	size_t chunk = (size_t)1 << 16;
	char *big = malloc(chunk);
	assert_non_null(big);
	memset(big, 'x', chunk - 1);
	big[chunk - 1] = '\0';
	pk_status st = PK_OK;
	unsigned n = 0;
	for (; st == PK_OK; n++) {
		snprintf(big, 12, "%010u", n);
		big[10] = 'x';
		st = pk__builder_intern(b, big, &off);
	}
	assert_int_equal(st, PK_TOOBIG);
	/* The arena starts with one byte; every string takes chunk bytes. */
	assert_int_equal(n - 1, (PK_REG_MAX_TEXT - 1) / chunk);
	assert_string_equal(pk__builder_strerror(b, PK_TOOBIG),
			    "more than 16 MB of text, the most a registry may hold");
	assert_int_equal(pk__builder_intern(b, "short", &off), PK_OK);
	snprintf(big, 12, "%010u", 0u);
	big[10] = 'x';
	assert_int_equal(pk__builder_intern(b, big, &off), PK_OK);
	free(big);
	pk__builder_free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kind_from),
		cmocka_unit_test(test_add_rejects_bad_records),
		cmocka_unit_test(test_interning_shares_strings),
		cmocka_unit_test(test_aliases_dedup),
		cmocka_unit_test(test_person_replaced_by_later),
		cmocka_unit_test(test_finish_sorts_records),
		cmocka_unit_test(test_finish_keeps_builder_usable),
		cmocka_unit_test(test_empty_builder),
		cmocka_unit_test(test_merge),
		cmocka_unit_test(test_merge_borrows_from_range),
		cmocka_unit_test(test_add_registry_by_origin),
		cmocka_unit_test(test_every_field_round_trips),
		cmocka_unit_test(test_many_records),
		cmocka_unit_test(test_too_many_postings),
		cmocka_unit_test(test_list_length_cap),
		cmocka_unit_test(test_registry_limits),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
