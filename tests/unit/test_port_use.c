/* test_port_use.c - the port-use rule (pk_port_use, pk_port_services,
 * pk_unassigned_runs) on a fixture holding every record kind, every
 * origin, records without a transport and ranges; then the same fixture
 * through every library caller of the rule - pick, advise, the audit - so
 * that they cannot drift apart again.  The 4250/tcp case (vrml-multi-use
 * 4200-4299, a supplement range naming no transport) runs through all of
 * them. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "helper_audit.h"
#include "helper_regfix.h"

#define TCP PK_PROTO_TCP
#define UDP PK_PROTO_UDP
#define SCTP PK_PROTO_SCTP
#define DCCP PK_PROTO_DCCP
#define NONE PK_PROTO_NONE
#define H PK_RECFLAG_HISTORIC

#define M_IANA PK_ORIGINMASK_IANA
#define M_SERVICES PK_ORIGINMASK(PK_ORIGIN_SERVICES)
#define M_UNOFFICIAL PK_ORIGINMASK(PK_ORIGIN_UNOFFICIAL)
#define M_ALL PK_ORIGINMASK_ALL

typedef struct frec {
	const char *name;
	pk_proto proto;
	int lo, hi;
	pk_rec_kind kind;
	pk_rec_origin origin;
	uint32_t flags;
	const char *description;
} frec;

/* Every kind and origin, ranges with and without a transport, and the
 * overlaps the rule has to order. */
static const frec fixture_recs[] = {
	{ "alpha", TCP, 20001, 20001, PK_KIND_ASSIGNED, PK_ORIGIN_IANA, 0, "Alpha" },
	{ NULL, UDP, 20001, 20001, PK_KIND_RESERVED, PK_ORIGIN_IANA, 0, "Reserved" },
	{ NULL, TCP, 20002, 20002, PK_KIND_UNASSIGNED, PK_ORIGIN_IANA, 0, "Unassigned" },
	{ NULL, TCP, 20003, 20003, PK_KIND_DEREGISTERED, PK_ORIGIN_IANA, 0, "De-registered" },
	{ NULL, TCP, 20004, 20004, PK_KIND_OTHER, PK_ORIGIN_IANA, 0, "any private delta server" },
	{ "svconly", TCP, 20005, 20005, PK_KIND_ASSIGNED, PK_ORIGIN_SERVICES, 0, "" },
	{ "unoff", TCP, 20006, 20006, PK_KIND_ASSIGNED, PK_ORIGIN_UNOFFICIAL, 0, "Unofficial" },
	/* 20007: no record at all */
	{ "rangesvc", TCP, 20010, 20012, PK_KIND_ASSIGNED, PK_ORIGIN_IANA, 0, "Range" },
	{ "widerange", NONE, 20020, 20029, PK_KIND_ASSIGNED, PK_ORIGIN_SUPPLEMENT, 0, "Wide" },
	{ "nglike", TCP, 20021, 20021, PK_KIND_ASSIGNED, PK_ORIGIN_UNOFFICIAL, 0, "Dev server" },
	{ "WIDERANGE", TCP, 20022, 20022, PK_KIND_ASSIGNED, PK_ORIGIN_SERVICES, 0, "" },
	{ "histonly", UDP, 20050, 20050, PK_KIND_ASSIGNED, PK_ORIGIN_IANA, H, "Alias" },
	{ "real", TCP, 20051, 20051, PK_KIND_ASSIGNED, PK_ORIGIN_IANA, 0, "Real" },
	{ "realalias", TCP, 20051, 20051, PK_KIND_ASSIGNED, PK_ORIGIN_IANA, H, "Real" },
	{ NULL, NONE, 20060, 20069, PK_KIND_RESERVED, PK_ORIGIN_IANA, 0, "Reserved" },
	{ "inres", TCP, 20065, 20065, PK_KIND_ASSIGNED, PK_ORIGIN_IANA, 0, "In reserved" },
	{ "notrans", NONE, 20070, 20070, PK_KIND_ASSIGNED, PK_ORIGIN_IANA, 0, "No transport" },
	{ NULL, NONE, 20080, 20080, PK_KIND_UNASSIGNED, PK_ORIGIN_IANA, 0, "Unassigned" },
	{ "udpunoff", UDP, 20080, 20080, PK_KIND_ASSIGNED, PK_ORIGIN_UNOFFICIAL, 0, "Game" },
	{ NULL, TCP, 20090, 20099, PK_KIND_UNASSIGNED, PK_ORIGIN_IANA, 0, "Unassigned" },
	{ "inside", TCP, 20095, 20095, PK_KIND_ASSIGNED, PK_ORIGIN_IANA, 0, "Inside" },
	{ NULL, TCP, 20100, 20100, PK_KIND_RESERVED, PK_ORIGIN_IANA, 0, "Reserved" },
	{ NULL, TCP, 20100, 20100, PK_KIND_UNASSIGNED, PK_ORIGIN_IANA, 0, "Unassigned" },
	{ NULL, UDP, 20110, 20110, PK_KIND_DEREGISTERED, PK_ORIGIN_IANA, 0, "De-registered" },
	{ "squat", UDP, 20110, 20110, PK_KIND_ASSIGNED, PK_ORIGIN_UNOFFICIAL, 0, "Squatter" },
	{ "sctponly", SCTP, 20120, 20120, PK_KIND_ASSIGNED, PK_ORIGIN_IANA, 0, "SCTP" },
	/* services(5) first: the IANA record still names the port first. */
	{ "dupname", TCP, 20130, 20130, PK_KIND_ASSIGNED, PK_ORIGIN_SERVICES, 0, "" },
	{ "dupname", TCP, 20130, 20130, PK_KIND_ASSIGNED, PK_ORIGIN_IANA, 0, "Dup" },
	/* The case that started it: IANA's range without a transport, as
	 * the snapshot's supplement has it, and an unofficial use inside. */
	{ "vrml-multi-use", NONE, 4200, 4299, PK_KIND_ASSIGNED, PK_ORIGIN_SUPPLEMENT, 0,
	  "VRML Multi User Systems" },
	{ "ng-serve", TCP, 4200, 4200, PK_KIND_ASSIGNED, PK_ORIGIN_UNOFFICIAL, 0,
	  "Angular CLI development server" },
};

static pk_registry *fixture(void)
{
	pk_builder *b = pk__builder_new();

	assert_non_null(b);
	assert_int_equal(pk__builder_set_source(b, "port-use fixture"), PK_OK);
	for (size_t i = 0; i < sizeof fixture_recs / sizeof fixture_recs[0]; i++) {
		const frec *f = &fixture_recs[i];
		pk_record in = { .name = f->name, .proto = f->proto, .has_port = true,
				 .port_lo = (uint16_t)f->lo, .port_hi = (uint16_t)f->hi,
				 .kind = f->kind, .origin = f->origin, .flags = f->flags,
				 .description = f->description,
				 .alias_of = (f->flags & H) ? "real" : NULL };
		assert_int_equal(pk__builder_add(b, &in, NULL), PK_OK);
	}
	pk_registry *reg = regfix_open(b);
	pk__builder_free(b);
	return reg;
}

/* pk_port_use's ids as "name/proto/port" words, checking count and cap. */
static const char *use_list(const pk_registry *reg, unsigned port, pk_proto proto,
			    unsigned mask, pk_port_state *state)
{
	pk_recid ids[64];
	size_t n = 12345, n0 = 12345;
	pk_recid one[1] = { 0xdead };

	*state = pk_port_use(reg, (uint16_t)port, proto, mask, ids, 64, &n);
	assert_true(n <= 64);
	/* The same answer counting only, capped at one, and bare. */
	assert_int_equal(pk_port_use(reg, (uint16_t)port, proto, mask, NULL, 0, &n0), *state);
	assert_int_equal(n0, n);
	assert_int_equal(pk_port_use(reg, (uint16_t)port, proto, mask, one, 1, &n0), *state);
	assert_int_equal(n0, n);
	if (n > 0)
		assert_int_equal(one[0], ids[0]);
	else
		assert_int_equal(one[0], 0xdead);
	assert_int_equal(pk_port_use(reg, (uint16_t)port, proto, mask, NULL, 0, NULL), *state);
	return regfix_list(reg, ids, n);
}

typedef struct use_case {
	unsigned port;
	pk_proto proto;
	unsigned mask;
	pk_port_state state;
	const char *ids;
} use_case;

#define A PK_PORT_ASSIGNED
#define R PK_PORT_RESERVED
#define U PK_PORT_UNASSIGNED
#define N PK_PORT_NO_RECORD

static const use_case use_cases[] = {
	/* One record of each kind. */
	{ 20001, TCP, M_IANA, A, "alpha/tcp/20001" },
	{ 20001, UDP, M_IANA, R, "#reserved/udp/20001" },
	{ 20001, SCTP, M_IANA, N, "" },
	{ 20001, NONE, M_IANA, N, "" }, /* NONE: records naming none only */
	{ 20002, TCP, M_IANA, U, "#unassigned/tcp/20002" },
	{ 20003, TCP, M_IANA, U, "#deregistered/tcp/20003" },
	{ 20004, TCP, M_IANA, U, "#other/tcp/20004" },
	{ 20007, TCP, M_ALL, N, "" },
	/* Origins are the caller's choice. */
	{ 20005, TCP, M_IANA, N, "" },
	{ 20005, TCP, M_SERVICES, A, "svconly/tcp/20005" },
	{ 20005, TCP, M_ALL, A, "svconly/tcp/20005" },
	{ 20005, TCP, 0, A, "svconly/tcp/20005" },
	{ 20005, TCP, M_IANA | M_SERVICES, A, "svconly/tcp/20005" },
	{ 20005, TCP, M_UNOFFICIAL, N, "" },
	{ 20006, TCP, M_IANA, N, "" },
	{ 20006, TCP, M_UNOFFICIAL, A, "unoff/tcp/20006" },
	{ 20006, TCP, PK_ORIGINMASK(20), N, "" }, /* an origin no record has */
	/* Ranges, with and without a transport. */
	{ 20011, TCP, M_IANA, A, "rangesvc/tcp/20010-20012" },
	{ 20011, UDP, M_IANA, N, "" },
	{ 20025, TCP, M_IANA, A, "widerange/-/20020-20029" },
	{ 20025, UDP, M_IANA, A, "widerange/-/20020-20029" },
	{ 20025, DCCP, M_IANA, A, "widerange/-/20020-20029" },
	{ 20025, NONE, M_IANA, A, "widerange/-/20020-20029" },
	{ 20025, TCP, PK_ORIGINMASK(PK_ORIGIN_IANA), N, "" }, /* supplement only */
	{ 20025, TCP, PK_ORIGINMASK(PK_ORIGIN_SUPPLEMENT), A, "widerange/-/20020-20029" },
	{ 20021, TCP, M_ALL, A, "widerange/-/20020-20029 nglike/tcp/20021" },
	{ 20021, TCP, M_IANA, A, "widerange/-/20020-20029" },
	{ 20021, TCP, M_UNOFFICIAL, A, "nglike/tcp/20021" },
	{ 20021, UDP, M_ALL, A, "widerange/-/20020-20029" },
	{ 20022, TCP, M_ALL, A, "widerange/-/20020-20029 WIDERANGE/tcp/20022" },
	/* Historic aliases assign nothing on their own. */
	{ 20050, UDP, M_IANA, U, "histonly/udp/20050" },
	{ 20051, TCP, M_IANA, A, "real/tcp/20051" },
	/* assigned > reserved > unassigned, whatever the transport. */
	{ 20065, TCP, M_IANA, A, "inres/tcp/20065" },
	{ 20065, UDP, M_IANA, R, "#reserved/-/20060-20069" },
	{ 20061, SCTP, M_IANA, R, "#reserved/-/20060-20069" },
	{ 20070, DCCP, M_IANA, A, "notrans/-/20070" },
	{ 20080, UDP, M_IANA, U, "#unassigned/-/20080" },
	{ 20080, UDP, M_ALL, A, "udpunoff/udp/20080" },
	{ 20080, TCP, M_ALL, U, "#unassigned/-/20080" },
	{ 20095, TCP, M_IANA, A, "inside/tcp/20095" },
	{ 20096, TCP, M_IANA, U, "#unassigned/tcp/20090-20099" },
	{ 20100, TCP, M_IANA, R, "#reserved/tcp/20100" },
	{ 20110, UDP, M_IANA, U, "#deregistered/udp/20110" },
	{ 20110, UDP, M_ALL, A, "squat/udp/20110" },
	{ 20120, SCTP, M_IANA, A, "sctponly/sctp/20120" },
	{ 20120, TCP, M_IANA, N, "" },
	{ 20130, TCP, M_ALL, A, "dupname/tcp/20130 dupname/tcp/20130" },
	/* 4250/tcp. */
	{ 4250, TCP, M_IANA, A, "vrml-multi-use/-/4200-4299" },
	{ 4250, UDP, M_IANA, A, "vrml-multi-use/-/4200-4299" },
	{ 4200, TCP, M_ALL, A, "vrml-multi-use/-/4200-4299 ng-serve/tcp/4200" },
	{ 4300, TCP, M_ALL, N, "" },
};

static void test_state_table(void **state)
{
	pk_registry *reg = fixture();

	(void)state;
	for (size_t i = 0; i < sizeof use_cases / sizeof use_cases[0]; i++) {
		const use_case *c = &use_cases[i];
		pk_port_state s;
		const char *got = use_list(reg, c->port, c->proto, c->mask, &s);
		if (s != c->state || strcmp(got, c->ids) != 0)
			fail_msg("%u/%s mask %#x: %s [%s], expected %s [%s]", c->port,
				 pk_proto_name(c->proto), c->mask, pk_port_state_name(s), got,
				 pk_port_state_name(c->state), c->ids);
	}
	pk_registry_close(reg);
}

/* The rule again, written over the public lookups: the index walk must
 * agree with it on every port, transport and choice of origins. */
static pk_port_state ref_use(const pk_registry *reg, uint16_t port, pk_proto proto,
			     unsigned mask, pk_recid *ids, size_t *n)
{
	pk_recid all[256];
	size_t m = pk_lookup_port(reg, port, PK_PROTOMASK_ANY, all, 256);
	pk_port_state best = PK_PORT_NO_RECORD;

	assert_true(m <= 256);
	*n = 0;
	for (size_t i = 0; i < m; i++) {
		pk_record r;
		assert_int_equal(pk_record_get(reg, all[i], &r, NULL), PK_OK);
		if (r.proto != proto && r.proto != PK_PROTO_NONE)
			continue;
		if (mask != 0 && mask != PK_ORIGINMASK_ALL &&
		    !(mask & PK_ORIGINMASK(r.origin)))
			continue;
		pk_port_state s = r.kind == PK_KIND_RESERVED ? PK_PORT_RESERVED :
				  r.kind == PK_KIND_ASSIGNED && !(r.flags & H) ?
							       PK_PORT_ASSIGNED :
							       PK_PORT_UNASSIGNED;
		if (s < best)
			continue;
		if (s > best) {
			best = s;
			*n = 0;
		}
		ids[(*n)++] = all[i];
	}
	return best;
}

static unsigned ref_rank(pk_rec_origin o)
{
	return o == PK_ORIGIN_IANA ? 0 : o == PK_ORIGIN_SUPPLEMENT ? 1 :
	       o == PK_ORIGIN_SERVICES ? 2 : 3;
}

/* pk_port_services by hand: named deciders, by origin, names once. */
static size_t ref_services(const pk_registry *reg, uint16_t port, pk_proto proto,
			   unsigned mask, pk_recid *out)
{
	pk_recid ids[256];
	size_t n, k = 0;

	if (ref_use(reg, port, proto, mask, ids, &n) != PK_PORT_ASSIGNED)
		return 0;
	for (unsigned rank = 0; rank < 4; rank++)
		for (size_t i = 0; i < n; i++) {
			pk_record r;
			assert_int_equal(pk_record_get(reg, ids[i], &r, NULL), PK_OK);
			if (r.name == NULL || ref_rank(r.origin) != rank)
				continue;
			bool seen = false;
			for (size_t j = 0; j < k && !seen; j++) {
				pk_record q;
				assert_int_equal(pk_record_get(reg, out[j], &q, NULL), PK_OK);
				seen = strcasecmp(q.name, r.name) == 0;
			}
			if (!seen)
				out[k++] = ids[i];
		}
	return k;
}

static void check_reference(const pk_registry *reg)
{
	static const unsigned masks[] = {
		0, M_ALL, M_IANA, M_SERVICES, M_UNOFFICIAL,
		PK_ORIGINMASK(PK_ORIGIN_IANA), PK_ORIGINMASK(PK_ORIGIN_SUPPLEMENT),
		M_IANA | M_SERVICES, PK_ORIGINMASK(20)
	};
	pk_recid got[256], want[256];

	for (uint32_t port = 0; port <= 65535; port++)
		for (unsigned p = PK_PROTO_NONE; p < PK_PROTO_COUNT; p++) {
			for (size_t m = 0; m < sizeof masks / sizeof masks[0]; m++) {
				size_t ng, nw;
				pk_port_state sg = pk_port_use(reg, (uint16_t)port, (pk_proto)p,
							       masks[m], got, 256, &ng);
				pk_port_state sw = ref_use(reg, (uint16_t)port, (pk_proto)p,
							   masks[m], want, &nw);
				if (sg != sw || ng != nw || memcmp(got, want, ng * sizeof *got) != 0)
					fail_msg("%u/%u mask %#x: %s (%zu), expected %s (%zu)",
						 port, p, masks[m], pk_port_state_name(sg), ng,
						 pk_port_state_name(sw), nw);
				ng = pk_port_services(reg, (uint16_t)port, (pk_proto)p, masks[m],
						      got, 256);
				nw = ref_services(reg, (uint16_t)port, (pk_proto)p, masks[m], want);
				if (ng != nw || memcmp(got, want, ng * sizeof *got) != 0)
					fail_msg("%u/%u mask %#x: %zu services, expected %zu",
						 port, p, masks[m], ng, nw);
			}
			/* The old public question is the rule over IANA's
			 * origins. */
			assert_int_equal(pk_port_is_assigned(reg, (uint16_t)port, (pk_proto)p),
					 pk_port_use(reg, (uint16_t)port, (pk_proto)p, M_IANA,
						     NULL, 0, NULL) == PK_PORT_ASSIGNED);
		}
}

static void test_reference(void **state)
{
	(void)state;
	pk_registry *reg = fixture();
	check_reference(reg);
	pk_registry_close(reg);
	/* And on the registry tests' fixture, with its own pitfalls. */
	reg = regfix_registry();
	check_reference(reg);
	pk_registry_close(reg);
}

static void test_edges(void **state)
{
	pk_registry *reg = fixture();
	pk_recid ids[4] = { 7, 7, 7, 7 };
	size_t n = 99;

	(void)state;
	/* No registry: nothing is known. */
	assert_int_equal(pk_port_use(NULL, 4250, TCP, M_ALL, ids, 4, &n), PK_PORT_NO_RECORD);
	assert_int_equal(n, 0);
	assert_int_equal(ids[0], 7);
	assert_false(pk_port_is_assigned(NULL, 4250, TCP));
	assert_int_equal(pk_port_services(NULL, 4250, TCP, M_ALL, ids, 4), 0);
	/* A transport out of range matches only what names none. */
	assert_int_equal(pk_port_use(reg, 4250, (pk_proto)9, M_IANA, NULL, 0, NULL),
			 PK_PORT_ASSIGNED);
	assert_int_equal(pk_port_use(reg, 20001, (pk_proto)9, M_IANA, NULL, 0, NULL),
			 PK_PORT_NO_RECORD);
	/* Nothing is written beyond cap. */
	assert_int_equal(pk_port_use(reg, 20130, TCP, M_ALL, ids, 1, &n), PK_PORT_ASSIGNED);
	assert_int_equal(n, 2);
	assert_int_equal(ids[1], 7);
	assert_int_equal(pk_port_use(reg, 0, TCP, M_ALL, NULL, 0, &n), PK_PORT_NO_RECORD);
	assert_int_equal(pk_port_use(reg, 65535, TCP, M_ALL, NULL, 0, &n), PK_PORT_NO_RECORD);
	/* Names, and the order of the states. */
	assert_string_equal(pk_port_state_name(PK_PORT_NO_RECORD), "no-record");
	assert_string_equal(pk_port_state_name(PK_PORT_UNASSIGNED), "unassigned");
	assert_string_equal(pk_port_state_name(PK_PORT_RESERVED), "reserved");
	assert_string_equal(pk_port_state_name(PK_PORT_ASSIGNED), "assigned");
	assert_string_equal(pk_port_state_name((pk_port_state)17), "unknown");
	assert_true(PK_PORT_ASSIGNED > PK_PORT_RESERVED &&
		    PK_PORT_RESERVED > PK_PORT_UNASSIGNED &&
		    PK_PORT_UNASSIGNED > PK_PORT_NO_RECORD);
	assert_int_equal(PK_ORIGINMASK_IANA, 0x5u);
	pk_registry_close(reg);
}

/* pk_port_services' ids as "name/proto/port (origin)" words. */
static const char *services(const pk_registry *reg, unsigned port, pk_proto proto,
			    unsigned mask)
{
	static char out[1024];
	static const char *const origins[] = { "iana", "services", "supplement",
					       "unofficial" };
	pk_recid ids[16], two[2] = { 7, 7 };
	size_t n = pk_port_services(reg, (uint16_t)port, proto, mask, ids, 16);
	size_t o = 0;
	char one[128];

	assert_true(n <= 16);
	assert_int_equal(pk_port_services(reg, (uint16_t)port, proto, mask, NULL, 0), n);
	assert_int_equal(pk_port_services(reg, (uint16_t)port, proto, mask, two, 1), n);
	assert_int_equal(two[1], 7);
	if (n > 0)
		assert_int_equal(two[0], ids[0]);
	out[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		pk_record r;
		assert_int_equal(pk_record_get(reg, ids[i], &r, NULL), PK_OK);
		o += (size_t)snprintf(out + o, sizeof out - o, "%s%s (%s)", i ? " " : "",
				      regfix_describe(reg, ids[i], one), origins[r.origin]);
	}
	return out;
}

static void test_services(void **state)
{
	pk_registry *reg = fixture();

	(void)state;
	/* The socket on 4250/tcp is vrml-multi-use's; on 4200 the unofficial
	 * use comes after IANA's range. */
	assert_string_equal(services(reg, 4250, TCP, M_ALL),
			    "vrml-multi-use/-/4200-4299 (supplement)");
	assert_string_equal(services(reg, 4250, UDP, M_ALL),
			    "vrml-multi-use/-/4200-4299 (supplement)");
	assert_string_equal(services(reg, 4200, TCP, M_ALL),
			    "vrml-multi-use/-/4200-4299 (supplement) ng-serve/tcp/4200 (unofficial)");
	assert_string_equal(services(reg, 4200, TCP, M_IANA),
			    "vrml-multi-use/-/4200-4299 (supplement)");
	/* One name once, by the strongest origin, case-insensitively. */
	assert_string_equal(services(reg, 20130, TCP, M_ALL), "dupname/tcp/20130 (iana)");
	assert_string_equal(services(reg, 20130, TCP, M_SERVICES),
			    "dupname/tcp/20130 (services)");
	assert_string_equal(services(reg, 20022, TCP, M_ALL),
			    "widerange/-/20020-20029 (supplement)");
	assert_string_equal(services(reg, 20021, TCP, M_ALL),
			    "widerange/-/20020-20029 (supplement) nglike/tcp/20021 (unofficial)");
	/* What pk_port_use does not call assigned names nothing. */
	assert_string_equal(services(reg, 20001, UDP, M_ALL), "");
	assert_string_equal(services(reg, 20050, UDP, M_ALL), "");
	assert_string_equal(services(reg, 20051, TCP, M_ALL), "real/tcp/20051 (iana)");
	assert_string_equal(services(reg, 20080, UDP, M_ALL), "udpunoff/udp/20080 (unofficial)");
	assert_string_equal(services(reg, 20080, UDP, M_IANA), "");
	assert_string_equal(services(reg, 20005, TCP, M_ALL), "svconly/tcp/20005 (services)");
	assert_string_equal(services(reg, 20007, TCP, M_ALL), "");
	pk_registry_close(reg);
}

/* Thousands of names on one port (a hostile index): each is given, the
 * same name twice only once, and nothing is quadratic about it. */
static void test_services_many(void **state)
{
	pk_builder *b = pk__builder_new();
	char name[32];

	(void)state;
	assert_non_null(b);
	for (int i = 0; i < 3000; i++) {
		snprintf(name, sizeof name, "svc%04d", i);
		pk_record in = { .name = name, .proto = TCP, .has_port = true,
				 .port_lo = 30000, .port_hi = 30000,
				 .kind = PK_KIND_ASSIGNED, .origin = PK_ORIGIN_IANA };
		assert_int_equal(pk__builder_add(b, &in, NULL), PK_OK);
		if (i < 10) { /* the same name from services(5) */
			in.origin = PK_ORIGIN_SERVICES;
			assert_int_equal(pk__builder_add(b, &in, NULL), PK_OK);
		}
	}
	pk_registry *reg = regfix_open(b);
	pk__builder_free(b);
	size_t n = 0;
	assert_int_equal(pk_port_use(reg, 30000, TCP, M_ALL, NULL, 0, &n), PK_PORT_ASSIGNED);
	assert_int_equal(n, 3010);
	assert_int_equal(pk_port_services(reg, 30000, TCP, M_ALL, NULL, 0), 3000);
	assert_int_equal(pk_port_services(reg, 30000, TCP, M_SERVICES, NULL, 0), 10);
	pk_registry_close(reg);
}

/* "lo-hi/proto" words of the runs, and the totals. */
static const char *runs_text(const pk_port_runs *r)
{
	static char out[2048];
	size_t o = 0;

	out[0] = '\0';
	for (size_t i = 0; i < pk_port_runs_count(r); i++) {
		const pk_port_run *x = pk_port_runs_get(r, i);
		assert_non_null(x);
		assert_int_equal(x->cls, pk_port_class_of(x->lo));
		assert_int_equal(x->cls, pk_port_class_of(x->hi));
		o += (size_t)snprintf(out + o, sizeof out - o, "%s%u-%u/%s", i ? " " : "",
				      x->lo, x->hi, pk_proto_name(x->proto));
	}
	assert_null(pk_port_runs_get(r, pk_port_runs_count(r)));
	return out;
}

static pk_port_runs *runs(const pk_registry *reg, unsigned lo, unsigned hi,
			  unsigned mask)
{
	pk_port_runs *r = NULL;
	pk_error err;

	if (pk_unassigned_runs(reg, (uint16_t)lo, (uint16_t)hi, mask, &r, &err) != PK_OK)
		fail_msg("pk_unassigned_runs: %s", err.message);
	assert_non_null(r);
	return r;
}

static void test_runs(void **state)
{
	pk_registry *reg = fixture();
	pk_port_runs *r;
	pk_error err;

	(void)state;
	/* 20001/tcp is alpha's and 20010-20012/tcp rangesvc's; services(5)
	 * and unofficial uses (20005, 20006), Unassigned, De-registered and
	 * nameless records (20002-20004) are not IANA assignments.  For udp
	 * only a Reserved record (20001): unassigned. */
	r = runs(reg, 20000, 20012, PK_PROTOMASK(TCP) | PK_PROTOMASK(UDP));
	assert_string_equal(runs_text(r), "20000-20000/tcp 20002-20009/tcp 20000-20012/udp");
	assert_int_equal(pk_port_runs_total(r, TCP), 9);
	assert_int_equal(pk_port_runs_total(r, UDP), 13);
	assert_int_equal(pk_port_runs_total(r, SCTP), 0);
	assert_int_equal(pk_port_runs_total(r, (pk_proto)9), 0);
	pk_port_runs_free(r);
	/* The range without a transport covers every transport: 4250/tcp is
	 * never an unassigned port. */
	r = runs(reg, 4190, 4310, PK_PROTOMASK(TCP));
	assert_string_equal(runs_text(r), "4190-4199/tcp 4300-4310/tcp");
	pk_port_runs_free(r);
	r = runs(reg, 4250, 4250, PK_PROTOMASK(DCCP));
	assert_int_equal(pk_port_runs_count(r), 0);
	pk_port_runs_free(r);
	/* Split at every RFC 6335 class boundary. */
	r = runs(reg, 1020, 1030, PK_PROTOMASK(TCP));
	assert_string_equal(runs_text(r), "1020-1023/tcp 1024-1030/tcp");
	pk_port_runs_free(r);
	r = runs(reg, 49150, 49153, PK_PROTOMASK(UDP));
	assert_string_equal(runs_text(r), "49150-49151/udp 49152-49153/udp");
	assert_int_equal(pk_port_runs_get(r, 1)->cls, PK_CLASS_DYNAMIC);
	pk_port_runs_free(r);
	/* The whole space for sctp: everything but vrml-multi-use (100),
	 * widerange (10), notrans and sctponly. */
	r = runs(reg, 0, 65535, PK_PROTOMASK(SCTP));
	assert_string_equal(runs_text(r),
			    "0-1023/sctp 1024-4199/sctp 4300-20019/sctp 20030-20069/sctp "
			    "20071-20119/sctp 20121-49151/sctp 49152-65535/sctp");
	assert_int_equal(pk_port_runs_total(r, SCTP), 65536 - 112);
	pk_port_runs_free(r);
	/* 20060-20069 is Reserved for every transport: unassigned, but 20065
	 * is inres's for tcp. */
	r = runs(reg, 20060, 20069, PK_PROTOMASK(TCP));
	assert_string_equal(runs_text(r), "20060-20064/tcp 20066-20069/tcp");
	pk_port_runs_free(r);
	/* 0 means the four transports; the NONE bit is no transport. */
	r = runs(reg, 20070, 20070, 0);
	assert_int_equal(pk_port_runs_count(r), 0);
	pk_port_runs_free(r);
	r = runs(reg, 20007, 20007, 0);
	assert_string_equal(runs_text(r), "20007-20007/tcp 20007-20007/udp 20007-20007/sctp 20007-20007/dccp");
	pk_port_runs_free(r);
	r = runs(reg, 20007, 20007, PK_PROTOMASK(NONE));
	assert_int_equal(pk_port_runs_count(r), 0);
	pk_port_runs_free(r);
	/* Without a registry every port is unassigned. */
	r = runs(NULL, 100, 199, PK_PROTOMASK(TCP));
	assert_string_equal(runs_text(r), "100-199/tcp");
	pk_port_runs_free(r);
	/* A reversed range is an error that names it. */
	r = (pk_port_runs *)&err;
	assert_int_equal(pk_unassigned_runs(reg, 20005, 20001, 0, &r, &err), PK_RANGE);
	assert_null(r);
	assert_int_equal(err.status, PK_RANGE);
	assert_non_null(strstr(err.message, "20005-20001"));
	assert_int_equal(pk_unassigned_runs(reg, 20005, 20001, 0, &r, NULL), PK_RANGE);
	/* Accessors take NULL. */
	pk_port_runs_free(NULL);
	assert_int_equal(pk_port_runs_count(NULL), 0);
	assert_null(pk_port_runs_get(NULL, 0));
	assert_int_equal(pk_port_runs_total(NULL, TCP), 0);
	pk_registry_close(reg);
}

/* ---- every caller of the rule --------------------------------------------- */

typedef struct cmd_case {
	unsigned port;
	pk_proto proto;
	const char *pick;   /* "ok", or the pk_pick_stats counter it fails */
	const char *advise; /* the finding about the port's registration */
	bool unofficial;    /* advise adds port-unofficial */
} cmd_case;

static const cmd_case cmd_cases[] = {
	{ 20001, TCP, "assigned", "port-assigned", false },
	{ 20001, UDP, "reserved", "port-reserved", false },
	{ 20002, TCP, "ok", "port-unassigned", false },
	{ 20003, TCP, "ok", "port-deregistered", false },
	{ 20004, TCP, "ok", "port-unassigned", false },
	{ 20005, TCP, "listed", "port-listed", false },
	{ 20006, TCP, "unofficial", "port-unassigned", true },
	{ 20007, TCP, "ok", "port-unassigned", false },
	{ 20011, TCP, "assigned", "port-assigned", false },
	{ 20011, UDP, "ok", "port-assigned-other-transport", false },
	{ 20025, UDP, "assigned", "port-assigned", false },
	{ 20025, SCTP, "assigned", "port-assigned", false },
	{ 20021, TCP, "assigned", "port-assigned", true },
	{ 20050, UDP, "ok", "port-unassigned", false },
	{ 20051, TCP, "assigned", "port-assigned", false },
	{ 20065, TCP, "assigned", "port-assigned", false },
	{ 20065, UDP, "reserved", "port-reserved", false },
	{ 20070, DCCP, "assigned", "port-assigned", false },
	{ 20080, UDP, "unofficial", "port-unassigned", true },
	{ 20080, TCP, "ok", "port-unassigned", false },
	{ 20096, TCP, "ok", "port-unassigned", false },
	{ 20100, TCP, "reserved", "port-reserved", false },
	{ 20110, UDP, "unofficial", "port-deregistered", true },
	{ 20120, TCP, "ok", "port-assigned-other-transport", false },
	{ 20130, TCP, "assigned", "port-assigned", false },
	{ 4250, TCP, "assigned", "port-assigned", false },
	{ 4250, UDP, "assigned", "port-assigned", false },
	{ 4200, TCP, "assigned", "port-assigned", true },
};

static const char *pick_one(const pk_registry *reg, unsigned port, unsigned protos,
			    unsigned flags)
{
	pk_pick *p = NULL;
	pk_pick_result res;
	pk_pick_stats s;
	pk_error err;
	size_t found = 9;

	assert_int_equal(pk_pick_new(reg, &p, &err), PK_OK);
	assert_int_equal(pk_pick_set_range(p, (uint16_t)port, (uint16_t)port, &err), PK_OK);
	assert_int_equal(pk_pick_set_protos(p, protos, &err), PK_OK);
	assert_int_equal(pk_pick_avoid_os(p, "none", &err), PK_OK);
	pk_pick_set_flags(p, PK_PICK_NO_HOST_CHECK | flags);
	pk_status st = pk_pick_run(p, 1, &res, &found, &err);
	pk_pick_get_stats(p, &s);
	pk_pick_free(p);
	if (st == PK_OK) {
		assert_int_equal(found, 1);
		assert_int_equal(res.port, port);
		return "ok";
	}
	assert_int_equal(st, PK_EXHAUSTED);
	assert_int_equal(found, 0);
	assert_int_equal(s.assigned + s.listed + s.reserved + s.unofficial, 1);
	return s.assigned ? "assigned" : s.listed ? "listed" :
	       s.reserved ? "reserved" : "unofficial";
}

/* Is the audit's finding about a listener on port/proto? */
static bool about(const pk_finding *f, unsigned port, pk_proto proto)
{
	uint64_t p, t;

	return pk_finding_uint(f, "port", &p) && p == port &&
	       pk_finding_uint(f, "protocol", &t) && t == (uint64_t)proto;
}

static const pk_finding *advice_find(const pk_advice *a, const char *id)
{
	for (size_t i = 0; i < pk_advice_count(a); i++)
		if (strcmp(pk_finding_code(pk_advice_get(a, i)), id) == 0)
			return pk_advice_get(a, i);
	return NULL;
}

static pk_advice *advise(const pk_registry *reg, const char *name, unsigned port,
			 unsigned protos)
{
	pk_plan plan = { .name = name, .has_port = true, .port = (uint16_t)port,
			 .protos = protos };
	pk_advice *a = NULL;
	pk_error err;

	if (pk_advise(reg, &plan, &a, &err) != PK_OK)
		fail_msg("advise: %s", err.message);
	return a;
}

static void test_pick_and_advise(void **state)
{
	pk_registry *reg = fixture();
	static const char *const port_ids[] = {
		"port-assigned", "port-reserved", "port-unassigned", "port-deregistered",
		"port-listed", "port-assigned-other-transport",
		"port-other-transport-same-service", "port-assigned-to-plan",
		"port-listed-for-plan", NULL
	};

	(void)state;
	for (size_t i = 0; i < sizeof cmd_cases / sizeof cmd_cases[0]; i++) {
		const cmd_case *c = &cmd_cases[i];
		const char *got = pick_one(reg, c->port, PK_PROTOMASK(c->proto), 0);
		if (strcmp(got, c->pick) != 0)
			fail_msg("pick %u/%s: %s, expected %s", c->port,
				 pk_proto_name(c->proto), got, c->pick);
		/* The pick agrees with the rule it is built on. */
		assert_int_equal(strcmp(got, "assigned") == 0,
				 pk_port_is_assigned(reg, (uint16_t)c->port, c->proto));

		pk_advice *a = advise(reg, NULL, c->port, PK_PROTOMASK(c->proto));
		const pk_finding *f = advice_find(a, c->advise);
		if (f == NULL)
			fail_msg("advise %u/%s: no %s", c->port, pk_proto_name(c->proto),
				 c->advise);
		/* Exactly one finding about the registration. */
		for (size_t k = 0; port_ids[k] != NULL; k++)
			if (strcmp(port_ids[k], c->advise) != 0 && advice_find(a, port_ids[k]))
				fail_msg("advise %u/%s: %s besides %s", c->port,
					 pk_proto_name(c->proto), port_ids[k], c->advise);
		assert_int_equal(advice_find(a, "port-unofficial") != NULL, c->unofficial);
		pk_advice_free(a);
	}
	/* The transports together: the first reason in pk_pick_stats' order. */
	unsigned tu = PK_PROTOMASK(TCP) | PK_PROTOMASK(UDP);
	assert_string_equal(pick_one(reg, 20001, tu, 0), "assigned");
	assert_string_equal(pick_one(reg, 20005, tu, 0), "listed");
	assert_string_equal(pick_one(reg, 20065, tu, 0), "assigned");
	assert_string_equal(pick_one(reg, 20080, tu, 0), "unofficial");
	assert_string_equal(pick_one(reg, 20110, tu, 0), "unofficial");
	/* What the flags let through. */
	assert_string_equal(pick_one(reg, 20001, PK_PROTOMASK(UDP), PK_PICK_ALLOW_ASSIGNED), "ok");
	assert_string_equal(pick_one(reg, 4250, tu, PK_PICK_ALLOW_ASSIGNED), "ok");
	assert_string_equal(pick_one(reg, 4200, PK_PROTOMASK(TCP), PK_PICK_ALLOW_ASSIGNED),
			    "unofficial");
	assert_string_equal(pick_one(reg, 20006, PK_PROTOMASK(TCP), PK_PICK_ALLOW_UNOFFICIAL), "ok");

	/* The advice names the record that decides. */
	pk_advice *a = advise(reg, NULL, 4250, PK_PROTOMASK(TCP));
	const pk_finding *f = advice_find(a, "port-assigned");
	uint64_t id;
	assert_true(pk_finding_uint(f, "record", &id));
	pk_record rec;
	assert_int_equal(pk_record_get(reg, (pk_recid)id, &rec, NULL), PK_OK);
	assert_string_equal(rec.name, "vrml-multi-use");
	assert_string_equal(pk_finding_string(f, "service"), "vrml-multi-use");
	assert_non_null(strstr(SUMMARY(f), "4250/tcp is assigned to 'vrml-multi-use'"));
	pk_advice_free(a);
	/* Planning vrml-multi-use itself on 4250: its own assignment, for
	 * any transport, since the record names none. */
	a = advise(reg, "vrml-multi-use", 4250, PK_PROTOMASK(UDP));
	assert_non_null(advice_find(a, "name-matches-assignment"));
	assert_non_null(strstr(SUMMARY(advice_find(a, "name-matches-assignment")), "4250/udp"));
	assert_int_equal(fact_u(advice_find(a, "name-matches-assignment"), "protocols"),
			 PK_PROTOMASK(UDP));
	assert_non_null(advice_find(a, "port-assigned-to-plan"));
	assert_null(advice_find(a, "port-assigned"));
	pk_advice_free(a);
	/* A services(5) name without IANA's record, planned on its port. */
	a = advise(reg, "svconly", 20005, PK_PROTOMASK(TCP));
	assert_non_null(advice_find(a, "port-listed-for-plan"));
	pk_advice_free(a);
	/* The unofficial use goes into the request's draft. */
	a = advise(reg, "newsvc", 20110, PK_PROTOMASK(UDP));
	bool drafted = false;
	for (size_t i = 0; i < pk_advice_draft_count(a); i++) {
		const pk_draft_field *d = pk_advice_draft_get(a, i);
		if (strcmp(d->field, "Known Unauthorized Uses") == 0) {
			assert_true(d->known);
			assert_non_null(strstr(d->value, "squat"));
			drafted = true;
		}
	}
	assert_true(drafted);
	pk_advice_free(a);
	pk_registry_close(reg);
}

/* ---- the audit, over a fixture host --------------------------------------- */

/* A /proc-like tree in which process "fixsvc" (pid 777) listens on every
 * case port, TCP or UDP; returns its path (malloc'd). */
static char *proc_tree(void)
{
	char *dir = regfix_tmpdir();
	char path[512];
	FILE *tcp, *udp;

	snprintf(path, sizeof path, "%s/net", dir);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof path, "%s/777", dir);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof path, "%s/777/fd", dir);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof path, "%s/777/comm", dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs("fixsvc\n", f);
	fclose(f);
	snprintf(path, sizeof path, "%s/net/tcp", dir);
	tcp = fopen(path, "w");
	snprintf(path, sizeof path, "%s/net/udp", dir);
	udp = fopen(path, "w");
	assert_non_null(tcp);
	assert_non_null(udp);
	static const char head[] =
		"  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n";
	fputs(head, tcp);
	fputs(head, udp);
	for (size_t i = 0; i < sizeof cmd_cases / sizeof cmd_cases[0]; i++) {
		const cmd_case *c = &cmd_cases[i];
		if (c->proto != TCP && c->proto != UDP)
			continue;
		unsigned inode = 5000 + (unsigned)i;
		fprintf(c->proto == TCP ? tcp : udp,
			"%4zu: 00000000:%04X 00000000:0000 %s 00000000:00000000 00:00000000 00000000  1000        0 %u 1 0000000000000000 100 0 0 10 0\n",
			i, c->port, c->proto == TCP ? "0A" : "07", inode);
		char target[64];
		snprintf(path, sizeof path, "%s/777/fd/%zu", dir, i + 3);
		snprintf(target, sizeof target, "socket:[%u]", inode);
		assert_int_equal(symlink(target, path), 0);
	}
	fclose(tcp);
	fclose(udp);
	return dir;
}

static void test_audit(void **state)
{
	uint16_t probe = 1;
	pk_registry *reg = fixture();
	pk_host_portconf conf;
	pk_host_sockets *s;
	pk_audit *a;
	pk_error err;

	(void)state;
	if (*(uint8_t *)&probe != 1)
		skip(); /* /proc/net holds the addresses as little-endian words */
	char *dir = proc_tree();
	memset(&conf, 0, sizeof conf);
	conf.size = sizeof conf;
	conf.have_range = true;
	conf.ephemeral_lo = 32768;
	conf.ephemeral_hi = 60999;
	if (pk_host_sockets_read(dir, 0, &s, &err) != PK_OK)
		fail_msg("sockets: %s", err.message);
	pk_audit_input in = { .conf = &conf, .sockets = s, .reg = reg };
	assert_int_equal(pk_audit_run(&in, &a, &err), PK_OK);

	/* Each listener: another service's port when IANA assigns it (by
	 * the rule), squatting otherwise; never both. */
	for (size_t i = 0; i < sizeof cmd_cases / sizeof cmd_cases[0]; i++) {
		const cmd_case *c = &cmd_cases[i];
		if (c->proto != TCP && c->proto != UDP)
			continue;
		const pk_socket *k = socket_find(s, c->proto, (uint16_t)c->port);
		assert_non_null(k);
		assert_string_equal(k->comm, "fixsvc");
		bool assigned = strcmp(c->pick, "assigned") == 0;
		const pk_finding *other = NULL, *squat = NULL;
		for (size_t j = 0; j < pk_audit_count(a); j++) {
			const pk_finding *f = pk_audit_get(a, j);
			if (!about(f, c->port, c->proto))
				continue;
			if (strcmp(pk_finding_code(f), "iana-other-service") == 0)
				other = f;
			if (strcmp(pk_finding_code(f), "squatting") == 0)
				squat = f;
		}
		if ((other != NULL) != assigned || (squat != NULL) == assigned)
			fail_msg("audit %u/%s: iana-other %s, squatting %s", c->port,
				 pk_proto_name(c->proto), other ? "yes" : "no",
				 squat ? "yes" : "no");
	}
	const pk_finding *f = NULL;
	for (size_t j = 0; j < pk_audit_count(a); j++) {
		const pk_finding *g = pk_audit_get(a, j);
		if (strcmp(pk_finding_code(g), "iana-other-service") == 0 &&
		    about(g, 4250, TCP))
			f = g;
	}
	assert_non_null(f);
	assert_string_equal(SUMMARY(f),
			    "fixsvc listens on 4250/tcp, which IANA assigns to vrml-multi-use");
	/* IANA's names only, each once: no unofficial use, no services(5). */
	f = audit_find(a, "iana-other-service", 4200);
	assert_string_equal(SUMMARY(f),
			    "fixsvc listens on 4200/tcp, which IANA assigns to vrml-multi-use");
	f = audit_find(a, "iana-other-service", 20130);
	assert_string_equal(SUMMARY(f),
			    "fixsvc listens on 20130/tcp, which IANA assigns to dupname");
	f = audit_find(a, "squatting", 20005);
	assert_string_equal(SUMMARY(f),
			    "fixsvc on 20005/tcp, a User port IANA has not assigned");
	pk_audit_free(a);

	/* The admin's label names the service: nothing to say about 4250. */
	pk_expect_list *e;
	assert_int_equal(pk_expect_list_new(&e, NULL), PK_OK);
	assert_int_equal(pk_expect_add(e, "4250/tcp", "vrml-multi-use", &err), PK_OK);
	in.expect = e;
	assert_int_equal(pk_audit_run(&in, &a, &err), PK_OK);
	for (size_t j = 0; j < pk_audit_count(a); j++) {
		const pk_finding *g = pk_audit_get(a, j);
		assert_false(about(g, 4250, TCP));
	}
	pk_audit_free(a);
	pk_expect_list_free(e);
	pk_host_sockets_free(s);
	regfix_rmtree(dir);
	free(dir);
	pk_registry_close(reg);
}

/* The lookup a user types, `portkit 4250/tcp`: the record naming no
 * transport is listed for tcp (the CLI adds PK_PROTO_NONE to /tcp). */
static void test_lookup(void **state)
{
	pk_registry *reg = fixture();

	(void)state;
	assert_string_equal(regfix_port(reg, 4250, PK_PROTOMASK(TCP) | PK_PROTOMASK(NONE)),
			    "vrml-multi-use/-/4200-4299");
	assert_true(pk_port_is_assigned(reg, 4250, TCP));
	assert_true(pk_port_is_assigned(reg, 4250, DCCP));
	assert_false(pk_port_is_assigned(reg, 4300, TCP));
	pk_registry_close(reg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_state_table),
		cmocka_unit_test(test_reference),
		cmocka_unit_test(test_edges),
		cmocka_unit_test(test_services),
		cmocka_unit_test(test_services_many),
		cmocka_unit_test(test_runs),
		cmocka_unit_test(test_pick_and_advise),
		cmocka_unit_test(test_audit),
		cmocka_unit_test(test_lookup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
