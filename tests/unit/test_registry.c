/* test_registry.c - lookups, accessors, search and diff over the fixture
 * registry (helper_regfix.c), the default registry search order, and the
 * atomic save.  Every expectation is written by hand from the fixture. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "registry/builder.h"
#include "helper_regfix.h"

#define TCP PK_PROTOMASK(PK_PROTO_TCP)
#define UDP PK_PROTOMASK(PK_PROTO_UDP)
#define SCTP PK_PROTOMASK(PK_PROTO_SCTP)
#define DCCP PK_PROTOMASK(PK_PROTO_DCCP)
#define NOPROTO PK_PROTOMASK(PK_PROTO_NONE)

static int setup(void **state)
{
	*state = regfix_registry();
	return 0;
}

static int teardown(void **state)
{
	pk_registry_close(*state);
	return 0;
}

static void test_lookup_port(void **state)
{
	const pk_registry *reg = *state;

	assert_string_equal(regfix_port(reg, 80, 0),
			    "http/tcp/80 www/tcp/80 www-http/tcp/80 http/udp/80 http/sctp/80");
	assert_string_equal(regfix_port(reg, 80, PK_PROTOMASK_ANY),
			    "http/tcp/80 www/tcp/80 www-http/tcp/80 http/udp/80 http/sctp/80");
	assert_string_equal(regfix_port(reg, 80, TCP), "http/tcp/80 www/tcp/80 www-http/tcp/80");
	assert_string_equal(regfix_port(reg, 80, UDP | SCTP), "http/udp/80 http/sctp/80");
	assert_string_equal(regfix_port(reg, 80, DCCP), "");
	/* Inside ranges. */
	assert_string_equal(regfix_port(reg, 6003, 0), "x11/tcp/6000-6063 x11/udp/6000-6063");
	assert_string_equal(regfix_port(reg, 6063, UDP), "x11/udp/6000-6063");
	assert_string_equal(regfix_port(reg, 6064, 0), "");
	assert_string_equal(regfix_port(reg, 1030, 0), "#unassigned/tcp/1030-1040 iad1/tcp/1030");
	assert_string_equal(regfix_port(reg, 1040, 0), "#unassigned/tcp/1030-1040");
	assert_string_equal(regfix_port(reg, 1041, 0), "");
	assert_string_equal(regfix_port(reg, 27009, 0), "flex-lm/tcp/27000-27009");
	/* The edges of the port space. */
	assert_string_equal(regfix_port(reg, 0, 0), "#reserved/tcp/0 #reserved/udp/0");
	assert_string_equal(regfix_port(reg, 65535, 0), "#reserved/tcp/65535");
	assert_string_equal(regfix_port(reg, 65534, 0), "");
	/* Records with no transport match only when PK_PROTO_NONE is asked for. */
	assert_string_equal(regfix_port(reg, 51, 0), "#reserved/-/51");
	assert_string_equal(regfix_port(reg, 51, PK_PROTOMASK_TRANSPORTS), "");
	assert_string_equal(regfix_port(reg, 51, NOPROTO), "#reserved/-/51");
	assert_string_equal(regfix_port(reg, 43, 0), "nicname/tcp/43 whois/tcp/43 nicname/udp/43");
	assert_string_equal(regfix_port(reg, 35, 0), "#other/tcp/35");
	assert_string_equal(regfix_port(reg, 1999, 0), "#deregistered/udp/1999");
	assert_string_equal(regfix_port(reg, 6514, 0), "syslog-tls/dccp/6514");
}

static void test_lookup_name(void **state)
{
	const pk_registry *reg = *state;

	assert_string_equal(regfix_name(reg, "http", 0), "http/tcp/80 http/udp/80 http/sctp/80");
	assert_string_equal(regfix_name(reg, "HTTP", 0), "http/tcp/80 http/udp/80 http/sctp/80");
	assert_string_equal(regfix_name(reg, "hTtP", UDP), "http/udp/80");
	/* One name on several ports. */
	assert_string_equal(regfix_name(reg, "http-alt", 0),
			    "http-alt/tcp/591 http-alt/tcp/8008 http-alt/tcp/8080 http-alt/udp/8080");
	assert_string_equal(regfix_name(reg, "http-alt", UDP), "http-alt/udp/8080");
	/* The exact spelling first, then the others in port order. */
	assert_string_equal(regfix_name(reg, "kerberos", 0),
			    "kerberos/tcp/88 kerberos/udp/88 KERBEROS/sctp/88");
	assert_string_equal(regfix_name(reg, "KERBEROS", 0),
			    "KERBEROS/sctp/88 kerberos/tcp/88 kerberos/udp/88");
	assert_string_equal(regfix_name(reg, "Kerberos", 0),
			    "kerberos/tcp/88 kerberos/udp/88 KERBEROS/sctp/88");
	/* Aliases. */
	assert_string_equal(regfix_name(reg, "krb5", 0), "kerberos/tcp/88 kerberos/udp/88");
	assert_string_equal(regfix_name(reg, "KRB5", TCP), "kerberos/tcp/88");
	assert_string_equal(regfix_name(reg, "kerberos-sec", 0), "kerberos/tcp/88");
	assert_string_equal(regfix_name(reg, "nbo", 0), "netbase-only/tcp/9999");
	/* Historic and odd names. */
	assert_string_equal(regfix_name(reg, "whois++", 0), "whois++/tcp/63");
	assert_string_equal(regfix_name(reg, "SQL*NET", 0), "sql*net/tcp/66");
	assert_string_equal(regfix_name(reg, "z39.50", 0), "z39.50/tcp/210");
	assert_string_equal(regfix_name(reg, "914C/G", 0), "914c/g/tcp/211");
	assert_string_equal(regfix_name(reg, "nicname", 0), "nicname/tcp/43 nicname/udp/43");
	assert_string_equal(regfix_name(reg, "whois", 0), "whois/tcp/43");
	/* Records without a port or a transport. */
	assert_string_equal(regfix_name(reg, "xmpp-bosh", 0), "xmpp-bosh/tcp/-");
	assert_string_equal(regfix_name(reg, "nameonly-svc", 0), "nameonly-svc/-/-");
	assert_string_equal(regfix_name(reg, "nameonly-svc", TCP), "");
	/* Misses. */
	assert_string_equal(regfix_name(reg, "nosuch", 0), "");
	assert_string_equal(regfix_name(reg, "", 0), "");
	assert_string_equal(regfix_name(reg, "http ", 0), "");
	assert_string_equal(regfix_name(reg, "htt", 0), "");
	assert_string_equal(regfix_name(reg, "Reserved", 0), "");
	assert_int_equal(pk_lookup_name(reg, NULL, 0, NULL, 0), 0);
	char longname[5000];
	memset(longname, 'h', sizeof longname - 1);
	longname[sizeof longname - 1] = '\0';
	assert_string_equal(regfix_name(reg, longname, 0), "");
}

static void test_lookup_range(void **state)
{
	const pk_registry *reg = *state;

	assert_string_equal(regfix_range(reg, 6000, 6010, 0), "x11/tcp/6000-6063 x11/udp/6000-6063");
	/* Ranges that start below the asked range. */
	assert_string_equal(regfix_range(reg, 6010, 6020, 0), "x11/tcp/6000-6063 x11/udp/6000-6063");
	assert_string_equal(regfix_range(reg, 1035, 6000, 0),
			    "#unassigned/tcp/1030-1040 #deregistered/udp/1999 mdns/tcp/5353 "
			    "mdns/udp/5353 x11/tcp/6000-6063 x11/udp/6000-6063");
	assert_string_equal(regfix_range(reg, 1035, 6000, UDP),
			    "#deregistered/udp/1999 mdns/udp/5353 x11/udp/6000-6063");
	assert_string_equal(regfix_range(reg, 79, 81, 0),
			    "http/tcp/80 www/tcp/80 www-http/tcp/80 http/udp/80 http/sctp/80 "
			    "#unassigned/-/81");
	assert_string_equal(regfix_range(reg, 80, 80, 0),
			    "http/tcp/80 www/tcp/80 www-http/tcp/80 http/udp/80 http/sctp/80");
	assert_string_equal(regfix_range(reg, 27005, 27005, TCP), "flex-lm/tcp/27000-27009");
	assert_string_equal(regfix_range(reg, 27010, 65534, 0), "");
	assert_string_equal(regfix_range(reg, 65535, 65535, 0), "#reserved/tcp/65535");
	assert_string_equal(regfix_range(reg, 0, 0, 0), "#reserved/tcp/0 #reserved/udp/0");
	assert_int_equal(pk_lookup_range(reg, 0, 65535, 0, NULL, 0), 36);
	assert_int_equal(pk_lookup_range(reg, 0, 65535, TCP, NULL, 0), 23);
	assert_int_equal(pk_lookup_range(reg, 100, 50, 0, NULL, 0), 0);
}

static void test_port_is_assigned(void **state)
{
	const pk_registry *reg = *state;

	assert_true(pk_port_is_assigned(reg, 80, PK_PROTO_TCP));
	assert_true(pk_port_is_assigned(reg, 80, PK_PROTO_SCTP));
	assert_false(pk_port_is_assigned(reg, 80, PK_PROTO_DCCP));
	assert_false(pk_port_is_assigned(reg, 0, PK_PROTO_TCP));     /* Reserved */
	assert_true(pk_port_is_assigned(reg, 43, PK_PROTO_TCP));     /* whois */
	assert_false(pk_port_is_assigned(reg, 43, PK_PROTO_UDP));    /* only a historic alias */
	assert_true(pk_port_is_assigned(reg, 6003, PK_PROTO_UDP));   /* in x11's range */
	assert_true(pk_port_is_assigned(reg, 27005, PK_PROTO_TCP));  /* supplement: IANA's range */
	assert_false(pk_port_is_assigned(reg, 9999, PK_PROTO_TCP));  /* services(5) only */
	assert_false(pk_port_is_assigned(reg, 25565, PK_PROTO_TCP)); /* unofficial */
	assert_false(pk_port_is_assigned(reg, 1035, PK_PROTO_TCP));  /* Unassigned range */
	assert_true(pk_port_is_assigned(reg, 1030, PK_PROTO_TCP));   /* iad1 inside it */
	assert_true(pk_port_is_assigned(reg, 6514, PK_PROTO_DCCP));
	assert_false(pk_port_is_assigned(reg, 51, PK_PROTO_NONE));
	assert_false(pk_port_is_assigned(reg, 35, PK_PROTO_TCP));    /* nameless OTHER */
	assert_false(pk_port_is_assigned(reg, 1999, PK_PROTO_UDP));  /* De-registered */
	assert_false(pk_port_is_assigned(reg, 65535, PK_PROTO_TCP));
}

static void test_search(void **state)
{
	const pk_registry *reg = *state;

	/* Exact names, then name prefixes, then the rest by port. */
	assert_string_equal(regfix_search(reg, "http", 0),
			    "http/tcp/80 http/udp/80 http/sctp/80 http-alt/tcp/591 "
			    "http-alt/tcp/8008 http-alt/tcp/8080 http-alt/udp/8080 "
			    "www/tcp/80 www-http/tcp/80 xmpp-bosh/tcp/-");
	assert_string_equal(regfix_search(reg, "HTTP", TCP),
			    "http/tcp/80 http-alt/tcp/591 http-alt/tcp/8008 http-alt/tcp/8080 "
			    "www/tcp/80 www-http/tcp/80 xmpp-bosh/tcp/-");
	assert_string_equal(regfix_search(reg, "multicast", 0), "mdns/tcp/5353 mdns/udp/5353");
	/* Every word must match, anywhere and in any case. */
	assert_string_equal(regfix_search(reg, "WINDOW system", 0),
			    "x11/tcp/6000-6063 x11/udp/6000-6063");
	assert_string_equal(regfix_search(reg, "window http", 0), "");
	assert_string_equal(regfix_search(reg, "alternate 80", 0),
			    "http-alt/tcp/591 http-alt/tcp/8080 http-alt/udp/8080");
	/* Aliases are searched and rank like names. */
	assert_string_equal(regfix_search(reg, "krb5", 0), "kerberos/tcp/88 kerberos/udp/88");
	assert_string_equal(regfix_search(reg, "kerberos", 0),
			    "kerberos/tcp/88 kerberos/udp/88 KERBEROS/sctp/88");
	/* Prefix matches before a substring of a description ("FileMaker"). */
	assert_string_equal(regfix_search(reg, "ker", 0),
			    "kerberos/tcp/88 kerberos/udp/88 KERBEROS/sctp/88 http-alt/tcp/591");
	assert_string_equal(regfix_search(reg, "sql*net", 0), "sql*net/tcp/66");
	assert_string_equal(regfix_search(reg, "914c/g", 0), "914c/g/tcp/211");
	/* The prefix rank: "who" starts whois and whois++; "is" is only in
	 * the descriptions ("Who Is"). */
	assert_string_equal(regfix_search(reg, "who", 0),
			    "whois/tcp/43 whois++/tcp/63 nicname/tcp/43 nicname/udp/43");
	assert_string_equal(regfix_search(reg, "whois", 0),
			    "whois/tcp/43 whois++/tcp/63");
	/* Nameless records are found by their description. */
	assert_string_equal(regfix_search(reg, "printer", 0), "#other/tcp/35");
	assert_string_equal(regfix_search(reg, "reserved", 0),
			    "#reserved/tcp/0 #reserved/udp/0 #reserved/-/51 #reserved/tcp/65535");
	assert_string_equal(regfix_search(reg, "nosuchword", 0), "");
	/* The separator between fields never matches across them. */
	assert_string_equal(regfix_search(reg, "x11x", 0), "");
	/* No words: every record (38), port order, portless last. */
	assert_int_equal(pk_search(reg, NULL, 0, 0, NULL, 0), 38);
	const char *empty[] = { "", "" };
	assert_int_equal(pk_search(reg, empty, 2, 0, NULL, 0), 38);
	assert_int_equal(pk_search(reg, empty, 2, DCCP, NULL, 0), 1);
	/* Many words, and words too long for the fast path. */
	const char *many[20];
	for (int i = 0; i < 20; i++)
		many[i] = i % 2 ? "X" : "window";
	pk_recid ids[4];
	assert_int_equal(pk_search(reg, many, 20, 0, ids, 4), 2);
	many[19] = "nope";
	assert_int_equal(pk_search(reg, many, 20, 0, ids, 4), 0);
	static char longword[3000];
	memset(longword, 'a', sizeof longword - 1);
	const char *lw[] = { "http", longword };
	assert_int_equal(pk_search(reg, lw, 2, 0, ids, 4), 0);
	const char *lw2[] = { longword };
	assert_int_equal(pk_search(reg, lw2, 1, 0, ids, 4), 0);
	/* A word may hold spaces: it matches as a phrase. */
	strcpy(longword + 1500, "X WINDOW SYSTEM");
	lw2[0] = longword + 1500;
	assert_int_equal(pk_search(reg, lw2, 1, 0, ids, 4), 2);
}

static void test_record_fields(void **state)
{
	const pk_registry *reg = *state;
	pk_recid id;
	pk_record r;
	pk_ref ref;
	pk_party p;

	assert_int_equal(pk_lookup_port(reg, 80, TCP, &id, 1), 3);
	assert_int_equal(pk_record_get(reg, id, &r, NULL), PK_OK);
	assert_int_equal(r.id, id);
	assert_string_equal(r.name, "http");
	assert_int_equal(r.proto, PK_PROTO_TCP);
	assert_true(r.has_port);
	assert_int_equal(r.port_lo, 80);
	assert_int_equal(r.port_hi, 80);
	assert_int_equal(r.kind, PK_KIND_ASSIGNED);
	assert_int_equal(r.origin, PK_ORIGIN_IANA);
	assert_int_equal(r.flags, 0);
	assert_string_equal(r.description, "World Wide Web HTTP");
	assert_string_equal(r.notes, "Defined TXT keys: u=<username> p=<password>");
	assert_string_equal(r.unauthorized, "");
	assert_string_equal(r.registered, "1992-05");
	assert_string_equal(r.modified, "2022-06-14");
	assert_string_equal(r.service_code, "");
	assert_string_equal(r.alias_of, "");
	assert_int_equal(r.alias_count, 0);
	assert_int_equal(r.ref_count, 2);
	assert_int_equal(r.assignee_count, 1);
	assert_int_equal(r.contact_count, 1);
	assert_int_equal(pk_record_ref(reg, id, 0, &ref, NULL), PK_OK);
	assert_int_equal(ref.type, PK_REF_PERSON);
	assert_string_equal(ref.data, "IETF_Chair");
	assert_int_equal(pk_record_ref(reg, id, 1, &ref, NULL), PK_OK);
	assert_int_equal(ref.type, PK_REF_RFC);
	assert_string_equal(ref.data, "rfc9110");
	assert_int_equal(pk_record_ref(reg, id, 2, &ref, NULL), PK_RANGE);
	assert_int_equal(pk_record_assignee(reg, id, 0, &p, NULL), PK_OK);
	assert_string_equal(p.id, "IESG");
	assert_string_equal(p.name, "Internet Engineering Steering Group");
	assert_string_equal(p.org, "");
	assert_string_equal(p.uri, "mailto:iesg&ietf.org");
	assert_string_equal(p.updated, "");
	assert_int_equal(pk_record_assignee(reg, id, 1, &p, NULL), PK_RANGE);
	assert_int_equal(pk_record_contact(reg, id, 0, &p, NULL), PK_OK);
	assert_string_equal(p.id, "IETF_Chair");
	assert_string_equal(p.name, "IETF Chair");
	assert_string_equal(p.org, "IETF");
	assert_string_equal(p.updated, "2015-05-11");
	assert_int_equal(pk_record_contact(reg, id, 1, &p, NULL), PK_RANGE);

	/* http/sctp: a free-text assignee, a contact the people section lacks,
	 * every kind of reference. */
	assert_int_equal(pk_lookup_port(reg, 80, SCTP, &id, 1), 1);
	assert_int_equal(pk_record_get(reg, id, &r, NULL), PK_OK);
	assert_int_equal(pk_record_assignee(reg, id, 0, &p, NULL), PK_OK);
	assert_string_equal(p.id, "");
	assert_string_equal(p.name, "IETF TSVWG");
	assert_string_equal(p.uri, "");
	assert_int_equal(pk_record_contact(reg, id, 0, &p, NULL), PK_OK);
	assert_string_equal(p.id, "Ghost_Person");
	assert_string_equal(p.name, "");
	assert_int_equal(r.ref_count, 4);
	static const pk_ref_type types[] = { PK_REF_DRAFT, PK_REF_URI, PK_REF_TEXT, PK_REF_NOTE };
	static const char *const data[] = { "draft-ietf-tsvwg-sctp", "https://example.org/sctp",
					    "see the SCTP notes", "note-7" };
	for (uint32_t i = 0; i < 4; i++) {
		assert_int_equal(pk_record_ref(reg, id, i, &ref, NULL), PK_OK);
		assert_int_equal(ref.type, types[i]);
		assert_string_equal(ref.data, data[i]);
	}

	/* A range with an unauthorized-use note and a person reference. */
	assert_int_equal(pk_lookup_port(reg, 6000, UDP, &id, 1), 1);
	assert_int_equal(pk_record_get(reg, id, &r, NULL), PK_OK);
	assert_int_equal(r.port_lo, 6000);
	assert_int_equal(r.port_hi, 6063);
	assert_string_equal(r.unauthorized, "Known Unauthorized Use on port 6003");
	assert_int_equal(pk_record_ref(reg, id, 0, &ref, NULL), PK_OK);
	assert_int_equal(ref.type, PK_REF_PERSON);
	assert_int_equal(pk_person_get(reg, ref.data, &p, NULL), PK_OK);
	assert_string_equal(p.name, "Stephen Gildea");

	/* A historic alias. */
	assert_int_equal(pk_lookup_name(reg, "nicname", UDP, &id, 1), 1);
	assert_int_equal(pk_record_get(reg, id, &r, NULL), PK_OK);
	assert_int_equal(r.flags, PK_RECFLAG_HISTORIC);
	assert_string_equal(r.alias_of, "whois");

	/* DCCP service code. */
	assert_int_equal(pk_lookup_port(reg, 6514, DCCP, &id, 1), 1);
	assert_int_equal(pk_record_get(reg, id, &r, NULL), PK_OK);
	assert_string_equal(r.service_code, "1398361159");
	assert_string_equal(r.registered, "2010-02-05");

	/* Nameless and portless records. */
	assert_int_equal(pk_lookup_port(reg, 0, TCP, &id, 1), 1);
	assert_int_equal(pk_record_get(reg, id, &r, NULL), PK_OK);
	assert_null(r.name);
	assert_int_equal(r.kind, PK_KIND_RESERVED);
	assert_string_equal(r.description, "Reserved");
	assert_int_equal(pk_lookup_name(reg, "nameonly-svc", 0, &id, 1), 1);
	assert_int_equal(pk_record_get(reg, id, &r, NULL), PK_OK);
	assert_false(r.has_port);
	assert_int_equal(r.proto, PK_PROTO_NONE);
	assert_int_equal(r.port_lo, 0);
	assert_int_equal(r.port_hi, 0);

	/* Out of range ids. */
	assert_int_equal(pk_record_get(reg, 38, &r, NULL), PK_RANGE);
	assert_int_equal(pk_record_get(reg, UINT32_MAX, &r, NULL), PK_RANGE);
	assert_null(pk_record_alias(reg, 38, 0));
	assert_int_equal(pk_record_ref(reg, 38, 0, &ref, NULL), PK_RANGE);
	assert_int_equal(pk_record_assignee(reg, 38, 0, &p, NULL), PK_RANGE);
	assert_int_equal(pk_record_contact(reg, 1000, 0, &p, NULL), PK_RANGE);
}

static void test_people(void **state)
{
	const pk_registry *reg = *state;
	pk_party p;

	assert_int_equal(pk_person_get(reg, "_3GPP", &p, NULL), PK_OK);
	assert_string_equal(p.id, "_3GPP");
	assert_string_equal(p.name, "");
	assert_string_equal(p.org, "3GPP");
	assert_string_equal(p.uri, "mailto:dongwook.kim&etsi.org");
	assert_string_equal(p.updated, "2026-01-23");
	assert_int_equal(pk_person_get(reg, "IESG", &p, NULL), PK_OK);
	assert_int_equal(pk_person_get(reg, "IETF_Chair", &p, NULL), PK_OK);
	assert_int_equal(pk_person_get(reg, "Stephen_Gildea", &p, NULL), PK_OK);
	/* Person ids are exact: not case-insensitive like service names. */
	assert_int_equal(pk_person_get(reg, "iesg", &p, NULL), PK_NOTFOUND);
	assert_int_equal(pk_person_get(reg, "Ghost_Person", &p, NULL), PK_NOTFOUND);
	assert_int_equal(pk_person_get(reg, "", &p, NULL), PK_NOTFOUND);
	assert_int_equal(pk_person_get(reg, NULL, &p, NULL), PK_INVAL);
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(pk_ref_type_name(PK_REF_RFC), "rfc");
	assert_string_equal(pk_ref_type_name(PK_REF_DRAFT), "draft");
	assert_string_equal(pk_ref_type_name(PK_REF_URI), "uri");
	assert_string_equal(pk_ref_type_name(PK_REF_TEXT), "text");
	assert_string_equal(pk_ref_type_name(PK_REF_NOTE), "note");
	assert_string_equal(pk_ref_type_name(PK_REF_PERSON), "person");
	assert_string_equal(pk_ref_type_name((pk_ref_type)6), "");
	assert_string_equal(pk_ref_type_name((pk_ref_type)-1), "");
}

/* ---- diff ---------------------------------------------------------------- */

typedef struct diff_log {
	char text[2048];
} diff_log;

static void log_change(void *ctx, char change, const pk_registry *reg, pk_recid id)
{
	diff_log *l = ctx;
	char one[128];
	size_t n = strlen(l->text);

	snprintf(l->text + n, sizeof l->text - n, "%s%c%s", n ? " " : "", change,
		 regfix_describe(reg, id, one));
}

static void test_diff(void **state)
{
	const pk_registry *old = *state;
	pk_builder *b = regfix_builder();
	pk_record in = { .name = "newsvc", .proto = PK_PROTO_UDP, .has_port = true,
			 .port_lo = 4000, .port_hi = 4000, .description = "New" };
	diff_log log = { "" };
	pk_diff_stats st;

	(void)state;
	/* Added: newsvc/udp/4000, and mdns/tcp with another range (a new
	 * key); modified: a new reference on whois, another description
	 * spelling, the last text field (alias_of) of x11/tcp and the origin
	 * of minecraft; the names compare case-insensitively. */
	assert_int_equal(pk__builder_add(b, &in, NULL), PK_OK);
	in = (pk_record){ .name = "MDNS", .proto = PK_PROTO_TCP, .has_port = true,
			  .port_lo = 5353, .port_hi = 5354, .description = "Multicast DNS" };
	assert_int_equal(pk__builder_add(b, &in, NULL), PK_OK);
	pk_registry *mid = regfix_open(b);
	pk_recid id;
	assert_int_equal(pk_lookup_name(mid, "whois", 0, &id, 1), 1);
	pk__builder_free(b);
	b = pk__builder_new();
	pk_error err;
	assert_int_equal(pk__builder_add_registry(b, mid, 0xf, &err), PK_OK);
	/* The copy keeps builder indexes in id order: id is whois. */
	assert_int_equal(pk__builder_add_ref(b, id, PK_REF_RFC, "rfc3912"), PK_OK);
	assert_int_equal(pk_lookup_name(mid, "syslog-tls", 0, &id, 1), 1);
	b->recs[id].description = b->recs[0].description; /* "Reserved" */
	assert_int_equal(pk_lookup_name(mid, "x11", PK_PROTOMASK(PK_PROTO_TCP), &id, 1), 1);
	b->recs[id].alias_of = b->recs[0].description;
	assert_int_equal(pk_lookup_name(mid, "minecraft", 0, &id, 1), 1);
	b->recs[id].origin = PK_ORIGIN_SERVICES;
	pk_registry *new_reg = regfix_open(b);
	pk__builder_free(b);
	pk_registry_close(mid);

	pk_registry_diff(old, new_reg, log_change, &log, &st);
	assert_string_equal(log.text, "~whois/tcp/43 +newsvc/udp/4000 +MDNS/tcp/5353-5354 "
				      "~x11/tcp/6000-6063 ~syslog-tls/dccp/6514 "
				      "~minecraft/tcp/25565");
	assert_int_equal(st.added, 2);
	assert_int_equal(st.removed, 0);
	assert_int_equal(st.modified, 4);
	assert_int_equal(st.unchanged, 34);

	log.text[0] = '\0';
	pk_registry_diff(new_reg, old, log_change, &log, &st);
	assert_string_equal(log.text, "~whois/tcp/43 -newsvc/udp/4000 -MDNS/tcp/5353-5354 "
				      "~x11/tcp/6000-6063 ~syslog-tls/dccp/6514 "
				      "~minecraft/tcp/25565");
	assert_int_equal(st.added, 0);
	assert_int_equal(st.removed, 2);
	pk_registry_diff(old, old, NULL, NULL, &st);
	assert_int_equal(st.unchanged, 38);
	assert_int_equal(st.added + st.removed + st.modified, 0);
	pk_registry_diff(old, old, NULL, NULL, NULL);
	pk_registry_close(new_reg);
}

/* ---- importing a source straight into a registry --------------------------- */

static void test_import_entry_points(void **state)
{
	static const char services[] = "# a services(5) file\n"
				       "http\t80/tcp\twww # WorldWideWeb HTTP\n"
				       "kerberos\t88/udp\tkrb5 kerberos5\n";
	pk_registry *reg = (pk_registry *)0x1;
	pk_registry_info info;
	pk_error err;

	(void)state;
	assert_int_equal(pk_registry_import_mem(services, sizeof services - 1,
						PK_FORMAT_SERVICES, "mine", &reg, &err), PK_OK);
	pk_registry_get_info(reg, &info);
	assert_string_equal(info.origin, "mine");
	assert_int_equal(info.records, 2);
	assert_string_equal(regfix_name(reg, "WWW", 0), "http/tcp/80");
	assert_string_equal(regfix_name(reg, "krb5", 0), "kerberos/udp/88");
	pk_registry_close(reg);

	/* An index is opened, not imported. */
	reg = (pk_registry *)0x1;
	assert_int_equal(pk_registry_import_mem(services, sizeof services - 1,
						PK_FORMAT_INDEX, "x.idx", &reg, &err), PK_INVAL);
	assert_null(reg);
	assert_non_null(strstr(err.message, "x.idx"));

	/* Files: the path names the registry, and errors name the path. */
	char *dir = regfix_tmpdir();
	char path[512];
	snprintf(path, sizeof path, "%s/services", dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(services, f);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(pk_registry_import(path, PK_FORMAT_AUTO, &reg, &err), PK_OK);
	pk_registry_get_info(reg, &info);
	assert_string_equal(info.origin, path);
	assert_int_equal(info.records, 2);
	pk_registry_close(reg);
	snprintf(path, sizeof path, "%s/missing", dir);
	assert_int_not_equal(pk_registry_import(path, PK_FORMAT_AUTO, &reg, &err), PK_OK);
	assert_null(reg);
	assert_non_null(strstr(err.message, path));
	regfix_rmtree(dir);
	free(dir);
}

/* ---- the default registry -------------------------------------------------- */

static void test_user_index_path(void **state)
{
	char buf[256];

	(void)state;
	setenv("XDG_DATA_HOME", "/x/data", 1);
	setenv("HOME", "/home/u", 1);
	assert_int_equal(pk_user_index_path(buf, sizeof buf, NULL), PK_OK);
	assert_string_equal(buf, "/x/data/portkit/registry.idx");
	assert_int_equal(pk_user_index_path(buf, 10, NULL), PK_TOOBIG);
	/* A relative XDG_DATA_HOME is ignored (XDG base directory spec). */
	setenv("XDG_DATA_HOME", "rel", 1);
	assert_int_equal(pk_user_index_path(buf, sizeof buf, NULL), PK_OK);
	assert_string_equal(buf, "/home/u/.local/share/portkit/registry.idx");
	unsetenv("XDG_DATA_HOME");
	assert_int_equal(pk_user_index_path(buf, sizeof buf, NULL), PK_OK);
	assert_string_equal(buf, "/home/u/.local/share/portkit/registry.idx");
	unsetenv("HOME");
	assert_int_equal(pk_user_index_path(buf, sizeof buf, NULL), PK_NOTFOUND);
	/* A relative HOME is ignored too: the registry must not depend on
	 * the working directory. */
	setenv("HOME", "home/u", 1);
	assert_int_equal(pk_user_index_path(buf, sizeof buf, NULL), PK_NOTFOUND);
	setenv("HOME", "", 1);
	assert_int_equal(pk_user_index_path(buf, sizeof buf, NULL), PK_NOTFOUND);
	setenv("HOME", ".", 1);
	setenv("XDG_DATA_HOME", "data", 1);
	assert_int_equal(pk_user_index_path(buf, sizeof buf, NULL), PK_NOTFOUND);
	setenv("XDG_DATA_HOME", "/x/data", 1);
	assert_int_equal(pk_user_index_path(buf, sizeof buf, NULL), PK_OK);
	assert_string_equal(buf, "/x/data/portkit/registry.idx");
	unsetenv("XDG_DATA_HOME");
	unsetenv("HOME");
}

static void test_open_default(void **state)
{
	const pk_registry *fix = *state;
	char *dir = regfix_tmpdir();
	char path[512], sub[512];
	pk_registry *reg = NULL;
	pk_registry_info info;
	pk_error err;

	/* $PORTKIT_INDEX first. */
	snprintf(path, sizeof path, "%s/explicit.idx", dir);
	assert_int_equal(pk_registry_save(fix, path, &err), PK_OK);
	setenv("PORTKIT_INDEX", path, 1);
	setenv("XDG_DATA_HOME", dir, 1);
	assert_int_equal(pk_registry_open_default(&reg, &err), PK_OK);
	pk_registry_get_info(reg, &info);
	assert_string_equal(info.origin, path);
	pk_registry_close(reg);
	/* An explicit index that does not exist is an error, not a fallback. */
	snprintf(path, sizeof path, "%s/nope.idx", dir);
	setenv("PORTKIT_INDEX", path, 1);
	assert_int_equal(pk_registry_open_default(&reg, &err), PK_NOTFOUND);
	assert_null(reg);
	assert_non_null(strstr(err.message, path));
	unsetenv("PORTKIT_INDEX");

	/* Then $XDG_DATA_HOME/portkit/registry.idx. */
	snprintf(sub, sizeof sub, "%s/portkit", dir);
	assert_int_equal(mkdir(sub, 0755), 0);
	snprintf(path, sizeof path, "%s/portkit/registry.idx", dir);
	assert_int_equal(pk_registry_save(fix, path, &err), PK_OK);
	assert_int_equal(pk_registry_open_default(&reg, &err), PK_OK);
	pk_registry_get_info(reg, &info);
	assert_string_equal(info.origin, path);
	assert_int_equal(info.records, 38);
	pk_registry_close(reg);
	/* An existing but broken user index is an error naming it. */
	FILE *f = fopen(path, "r+b");
	assert_non_null(f);
	fseek(f, 1000, SEEK_SET);
	fputc('!', f);
	fclose(f);
	assert_int_equal(pk_registry_open_default(&reg, &err), PK_CORRUPT);
	assert_null(reg);
	assert_non_null(strstr(err.message, path));
	assert_non_null(strstr(err.message, "checksum"));
	unlink(path);

	/* Nothing there: the system index when it exists, else the embedded
	 * snapshot, which the unit tests do not link. */
	struct stat sb;
	if (stat(PK_SYSTEM_INDEX_PATH, &sb) != 0) {
		assert_int_equal(pk_registry_open_default(&reg, &err), PK_NOTFOUND);
		assert_string_equal(err.message, "this build has no embedded registry");
	}
	unsetenv("XDG_DATA_HOME");
	regfix_rmtree(dir);
	free(dir);
}

/* ---- atomic save -------------------------------------------------------------- */

static void assert_file_is(const char *path, const char *content)
{
	char *data;
	size_t len;
	pk_error err;

	assert_int_equal(pk__read_file(path, 1 << 20, &data, &len, &err), PK_OK);
	assert_string_equal(data, content);
	free(data);
}

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

/* Runs pk_registry_save in a child with a resource limit or less
 * privilege, so the parent keeps its own. Returns the child's status. */
static int save_in_child(const pk_registry *reg, const char *path, int mode)
{
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		pk_error err;
		if (mode == 0) {
			/* Writes beyond 4 KiB fail with EFBIG, not a signal. */
			struct rlimit rl = { 4096, 4096 };
			signal(SIGXFSZ, SIG_IGN);
			if (setrlimit(RLIMIT_FSIZE, &rl) != 0)
				_exit(100);
		} else if (geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0)) {
			_exit(101); /* root ignores directory permissions */
		}
		pk_status st = pk_registry_save(reg, path, &err);
		if (st == PK_OK)
			_exit(0);
		_exit(strstr(err.message, mode == 0 ? "cannot write" : "cannot create") ? 10 + st : 99);
	}
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

static void test_save_failure_keeps_old_file(void **state)
{
	const pk_registry *reg = *state;
	char *dir = regfix_tmpdir();
	char path[512];
	pk_error err;

	snprintf(path, sizeof path, "%s/registry.idx", dir);
	write_text(path, "the previous registry");

	/* The write fails half way (file size limit). */
	assert_int_equal(save_in_child(reg, path, 0), 10 + PK_IO);
	assert_file_is(path, "the previous registry");
	assert_int_equal(regfix_count_entries(dir), 1); /* no temporary file left */

	/* The directory is read-only. */
	assert_int_equal(chmod(dir, 0555), 0);
	int rc = save_in_child(reg, path, 1);
	assert_true(rc == 10 + PK_PERM);
	assert_file_is(path, "the previous registry");
	assert_int_equal(regfix_count_entries(dir), 1);
	assert_int_equal(chmod(dir, 0755), 0);

	/* A directory that does not exist. */
	char missing[600];
	snprintf(missing, sizeof missing, "%s/no/such/dir/r.idx", dir);
	assert_int_equal(pk_registry_save(reg, missing, &err), PK_IO);
	assert_non_null(strstr(err.message, "/no/such/dir"));
	assert_int_equal(pk_registry_save(reg, "", &err), PK_INVAL);

	/* The target is a directory: rename fails, the temp file goes. */
	char target[600];
	snprintf(target, sizeof target, "%s/adir", dir);
	assert_int_equal(mkdir(target, 0755), 0);
	char inner[700];
	snprintf(inner, sizeof inner, "%s/keep", target);
	write_text(inner, "x");
	assert_true(pk_registry_save(reg, target, &err) != PK_OK);
	assert_non_null(strstr(err.message, target));
	assert_int_equal(regfix_count_entries(dir), 2);

	/* And success replaces the old file. */
	assert_int_equal(pk_registry_save(reg, path, &err), PK_OK);
	pk_registry *back;
	assert_int_equal(pk_registry_open_file(path, &back, &err), PK_OK);
	assert_int_equal(pk_registry_count(back), 38);
	pk_registry_close(back);
	assert_int_equal(regfix_count_entries(dir), 2);

	/* A relative path saves in the working directory. */
	char cwd[512];
	assert_non_null(getcwd(cwd, sizeof cwd));
	assert_int_equal(chdir(dir), 0);
	assert_int_equal(pk_registry_save(reg, "rel.idx", &err), PK_OK);
	assert_int_equal(chdir(cwd), 0);
	assert_int_equal(regfix_count_entries(dir), 3);
	regfix_rmtree(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lookup_port),
		cmocka_unit_test(test_lookup_name),
		cmocka_unit_test(test_lookup_range),
		cmocka_unit_test(test_port_is_assigned),
		cmocka_unit_test(test_search),
		cmocka_unit_test(test_record_fields),
		cmocka_unit_test(test_people),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_diff),
		cmocka_unit_test(test_import_entry_points),
		cmocka_unit_test(test_user_index_path),
		cmocka_unit_test(test_open_default),
		cmocka_unit_test(test_save_failure_keeps_old_file),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
