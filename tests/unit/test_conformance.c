/*
 * test_conformance.c - the importers against IANA's own files in
 * $PK_IANA_DIR (service-names-port-numbers.xml of 2026-08-17 and the CSV
 * next to it); every test is skipped when they are absent.
 *
 * The expected numbers were counted independently of portkit, with
 * Python's ElementTree and csv modules, on those two files.
 *
 * The CSV there is an OLDER registry version than the XML: its newest
 * date is 2026-02-13 and it has 14,499 rows against 14,533 records.  So
 * instead of requiring equal multisets of (name, number, transport,
 * description), the test requires every difference to be explained, and
 * counts each kind of explanation:
 *   new      an XML record registered or modified after the CSV's newest
 *            date (35 XML tuples; 5 CSV tuples hold their old text);
 *   split    a nameless Unassigned/Reserved range that a new assignment
 *            split (12 XML pieces, 8 CSV ranges);
 *   rewrap   the same text with its lines re-wrapped by IANA (14 each);
 *   recased  udpstp 24601/udp, re-capitalised without a date (1 each).
 */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "helper_import.h"

typedef struct regs {
	pk_registry *xml;
	pk_registry *csv;
} regs;

static char *iana_path(const char *file)
{
	const char *dir = getenv("PK_IANA_DIR");
	static char path[4096];
	struct stat st;

	if (dir == NULL || dir[0] == '\0')
		return NULL;
	snprintf(path, sizeof path, "%s/%s", dir, file);
	return stat(path, &st) == 0 ? path : NULL;
}

static pk_registry *import_file(const char *file)
{
	const char *path = iana_path(file);
	pk_registry *reg = NULL;
	pk_error err;

	if (path == NULL)
		return NULL;
	if (pk_registry_import(path, PK_FORMAT_AUTO, &reg, &err) != PK_OK)
		fail_msg("%s", err.message);
	return reg;
}

static int setup(void **state)
{
	regs *r = calloc(1, sizeof *r);

	r->xml = import_file("service-names-port-numbers.xml");
	r->csv = import_file("service-names-port-numbers.csv");
	*state = r;
	return 0;
}

static int teardown(void **state)
{
	regs *r = *state;

	pk_registry_close(r->xml);
	pk_registry_close(r->csv);
	free(r);
	return 0;
}

static const pk_registry *need_xml(void **state)
{
	regs *r = *state;

	if (r->xml == NULL)
		skip(); /* PK_IANA_DIR unset or without the XML */
	return r->xml;
}

static pk_record get(const pk_registry *reg, const char *name, pk_proto proto,
		     int port)
{
	pk_recid ids[64];
	size_t n = pk_lookup_name(reg, name, PK_PROTOMASK(proto), ids, 64);
	pk_record r;

	for (size_t i = 0; i < n && i < 64; i++) {
		assert_int_equal(pk_record_get(reg, ids[i], &r, NULL), PK_OK);
		if (strcmp(r.name, name) == 0 && r.proto == proto &&
		    (port < 0 ? !r.has_port : r.has_port && r.port_lo == port))
			return r;
	}
	fail_msg("no record %s/%s/%d", name, pk_proto_name(proto), port);
	return r;
}

static void test_xml_counts(void **state)
{
	const pk_registry *reg = need_xml(state);
	pk_registry_info info;
	uint32_t contacts = 0, assignees = 0, refs = 0, notes = 0, unauth = 0,
		 sc = 0, registered = 0, modified = 0, nameless = 0, ranges = 0,
		 portless = 0, historic = 0;

	pk_registry_get_info(reg, &info);
	assert_int_equal(info.records, 14533);
	assert_int_equal(info.people, 5615);
	assert_string_equal(info.updated, "2026-08-17");
	assert_int_equal(info.flags, PK_REGFLAG_FULL | PK_REGFLAG_RANGES |
					     PK_REGFLAG_METADATA | PK_REGFLAG_PEOPLE);
	assert_int_equal(info.counts_by_proto[PK_PROTO_TCP], 6606);
	assert_int_equal(info.counts_by_proto[PK_PROTO_UDP], 6356);
	assert_int_equal(info.counts_by_proto[PK_PROTO_SCTP], 93);
	assert_int_equal(info.counts_by_proto[PK_PROTO_DCCP], 11);
	assert_int_equal(info.counts_by_proto[PK_PROTO_NONE], 1467);

	for (pk_recid id = 0; id < info.records; id++) {
		pk_record r;
		assert_int_equal(pk_record_get(reg, id, &r, NULL), PK_OK);
		contacts += r.contact_count;
		assignees += r.assignee_count;
		refs += r.ref_count;
		notes += r.notes[0] != '\0';
		unauth += r.unauthorized[0] != '\0';
		sc += r.service_code[0] != '\0';
		registered += r.registered[0] != '\0';
		modified += r.modified[0] != '\0';
		nameless += r.name == NULL;
		ranges += r.has_port && r.port_hi != r.port_lo;
		portless += !r.has_port;
		historic += (r.flags & PK_RECFLAG_HISTORIC) != 0 &&
			    r.alias_of[0] != '\0';
	}
	assert_int_equal(contacts, 11129);
	/* 1365 <assignee>s, and the contacts of the records without one. */
	assert_int_equal(assignees, 11122);
	assert_int_equal(refs, 447);
	/* 1339 <note>s (6 of them empty) and 8 footnote citations. */
	assert_int_equal(notes, 1341);
	assert_int_equal(unauth, 112);
	assert_int_equal(sc, 4);
	assert_int_equal(registered, 4725);
	assert_int_equal(modified, 602);
	/* 1715 records without <name> and 9 with an empty <name/>. */
	assert_int_equal(nameless, 1715 + 9);
	/* 766 numbers written LO-HI, 6 of them a single port ("4748-4748"). */
	assert_int_equal(ranges, 766 - 6);
	assert_int_equal(portless, 1070);
	assert_int_equal(historic, 184);
}

static void test_xml_spot_checks(void **state)
{
	const pk_registry *reg = need_xml(state);
	pk_recid ids[16];
	pk_party p;
	pk_record r = get(reg, "http", PK_PROTO_TCP, 80);

	assert_string_equal(r.description, "World Wide Web HTTP");
	assert_string_equal(r.modified, "2021-10-01");
	assert_string_equal(imp_assignees(reg, r.id), "IESG");
	assert_string_equal(imp_contacts(reg, r.id), "IETF_Chair");
	assert_string_equal(imp_refs(reg, r.id), "rfc:rfc9110");
	assert_int_equal(pk_lookup_port(reg, 80, PK_PROTOMASK(PK_PROTO_TCP), ids, 16), 3);
	assert_int_equal(pk_lookup_name(reg, "http-alt", PK_PROTOMASK_ANY, ids, 16), 6);

	r = get(reg, "x11", PK_PROTO_UDP, 6000);
	assert_int_equal(r.port_hi, 6063);
	assert_string_equal(r.description, "X Window System");
	assert_string_equal(r.unauthorized, "Known Unauthorized Use on port 6003");
	assert_string_equal(imp_contacts(reg, r.id), "Stephen_Gildea");

	r = get(reg, "discard", PK_PROTO_DCCP, 9);
	assert_string_equal(r.service_code, "1145656131");
	assert_string_equal(imp_refs(reg, r.id), "rfc:rfc4340");

	r = get(reg, "whois++", PK_PROTO_UDP, 63);
	assert_string_equal(r.alias_of, "whoispp");
	/* '+' is outside RFC 6335's syntax: kept, and said to be. */
	assert_int_equal(r.flags, PK_RECFLAG_HISTORIC | PK_RECFLAG_NONCONFORMING);
	assert_string_equal(get(reg, "914c/g", PK_PROTO_TCP, 211).alias_of, "914c-g");

	r = get(reg, "exp2", PK_PROTO_DCCP, 1022);
	assert_string_equal(imp_refs(reg, r.id), "note:1 rfc:rfc4727 rfc:rfc6335");
	assert_true(strncmp(r.notes, "[1] It is only appropriate", 26) == 0);

	r = get(reg, "snif", PK_PROTO_TCP, 7123);
	assert_string_equal(imp_refs(reg, r.id), "draft:draft-zubov-snif-05#section-4.3");
	assert_string_equal(imp_assignees(reg, r.id), "VESvault_Corp");
	assert_string_equal(r.registered, "2021-12-24");
	assert_string_equal(r.modified, "2026-07-22");

	r = get(reg, "airsharing", PK_PROTO_NONE, -1);
	assert_string_equal(imp_contacts(reg, r.id), "Erik_Rogers Dave_Howell");

	assert_int_equal(pk_person_get(reg, "IESG", &p, NULL), PK_OK);
	assert_string_equal(p.org, "IESG");
	assert_string_equal(p.uri, "mailto:iesg&ietf.org");
	assert_int_equal(pk_person_get(reg, "Tim_Berners_Lee", &p, NULL), PK_OK);
	assert_string_equal(p.name, "Tim Berners-Lee");
	assert_string_equal(p.uri, "mailto:timbl&w3.org");
	assert_int_equal(pk_person_get(reg, "_3GPP", &p, NULL), PK_OK);
	assert_string_equal(p.org, "3GPP");
	assert_string_equal(p.updated, "2026-01-23");
}

/* ---- XML against CSV ---------------------------------------------------- */

typedef struct tuple {
	char *key; /* name \x1f number \x1f transport \x1f description */
	pk_recid id;
} tuple;

static void number(const pk_record *r, char *buf, size_t size)
{
	if (!r->has_port)
		buf[0] = '\0';
	else if (r->port_lo == r->port_hi)
		snprintf(buf, size, "%u", r->port_lo);
	else
		snprintf(buf, size, "%u-%u", r->port_lo, r->port_hi);
}

static int cmp_tuple(const void *a, const void *b)
{
	return strcmp(((const tuple *)a)->key, ((const tuple *)b)->key);
}

static tuple *tuples(const pk_registry *reg, uint32_t *count)
{
	uint32_t n = pk_registry_count(reg);
	tuple *t = calloc(n, sizeof *t);

	assert_non_null(t);
	for (pk_recid id = 0; id < n; id++) {
		pk_record r;
		char num[16];
		size_t len;
		assert_int_equal(pk_record_get(reg, id, &r, NULL), PK_OK);
		number(&r, num, sizeof num);
		len = strlen(r.name ? r.name : "") + strlen(num) +
		      strlen(r.description) + 16;
		t[id].key = malloc(len);
		snprintf(t[id].key, len, "%s\x1f%s\x1f%s\x1f%s", r.name ? r.name : "",
			 num, pk_proto_name(r.proto), r.description);
		t[id].id = id;
	}
	qsort(t, n, sizeof *t, cmp_tuple);
	*count = n;
	return t;
}

static void free_tuples(tuple *t, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		free(t[i].key);
	free(t);
}

static const char *newest_date(const pk_registry *reg)
{
	static char newest[16];

	newest[0] = '\0';
	for (pk_recid id = 0; id < pk_registry_count(reg); id++) {
		pk_record r;
		assert_int_equal(pk_record_get(reg, id, &r, NULL), PK_OK);
		if (strcmp(r.registered, newest) > 0)
			snprintf(newest, sizeof newest, "%s", r.registered);
		if (strcmp(r.modified, newest) > 0)
			snprintf(newest, sizeof newest, "%s", r.modified);
	}
	return newest;
}

static bool is_new(const pk_record *r, const char *newest)
{
	return strcmp(r->registered, newest) > 0 || strcmp(r->modified, newest) > 0;
}

static bool same_key(const pk_record *a, const pk_record *b)
{
	return ((a->name == NULL && b->name == NULL) ||
		(a->name != NULL && b->name != NULL && strcmp(a->name, b->name) == 0)) &&
	       a->proto == b->proto && a->has_port == b->has_port &&
	       a->port_lo == b->port_lo && a->port_hi == b->port_hi;
}

/* Equal once every run of whitespace is one space. */
static bool same_words(const char *a, const char *b)
{
	for (;;) {
		bool sa = false, sb = false;
		while (*a == ' ' || *a == '\n') { a++; sa = true; }
		while (*b == ' ' || *b == '\n') { b++; sb = true; }
		if (*a == '\0' || *b == '\0')
			return *a == *b;
		if (sa != sb || *a != *b)
			return false;
		a++;
		b++;
	}
}

typedef struct side {
	const pk_registry *reg;
	pk_recid *ids; /* the tuples only this side has */
	size_t n;
} side;

/* Does the other side have a differing tuple with this record's key whose
 * text only differs in line breaks? */
static bool rewrapped(const pk_record *r, const side *other)
{
	for (size_t i = 0; i < other->n; i++) {
		pk_record o;
		assert_int_equal(pk_record_get(other->reg, other->ids[i], &o, NULL), PK_OK);
		if (same_key(r, &o) && same_words(r->description, o.description))
			return true;
	}
	return false;
}

/* A nameless range of this side lying inside one of the other side's. */
static bool inside_other_range(const pk_record *r, const side *other)
{
	if (r->name != NULL || !r->has_port)
		return false;
	for (size_t i = 0; i < other->n; i++) {
		pk_record o;
		assert_int_equal(pk_record_get(other->reg, other->ids[i], &o, NULL), PK_OK);
		if (o.name == NULL && o.has_port && o.port_lo <= r->port_lo &&
		    r->port_hi <= o.port_hi)
			return true;
	}
	return false;
}

/* A record of reg, new since newest, with r's key or inside r's range. */
static bool new_record_like(const pk_registry *reg, const pk_record *r,
			    const char *newest, bool in_range)
{
	for (pk_recid id = 0; id < pk_registry_count(reg); id++) {
		pk_record o;
		assert_int_equal(pk_record_get(reg, id, &o, NULL), PK_OK);
		if (!is_new(&o, newest))
			continue;
		if (!in_range && same_key(r, &o))
			return true;
		if (in_range && r->name == NULL && r->has_port && o.has_port &&
		    r->port_lo <= o.port_lo && o.port_lo <= r->port_hi)
			return true;
	}
	return false;
}

static bool recased(const pk_record *r)
{
	return r->name != NULL && strcmp(r->name, "udpstp") == 0 &&
	       r->port_lo == 24601 && r->proto == PK_PROTO_UDP;
}

static void test_csv_agrees_with_xml(void **state)
{
	regs *rg = *state;
	uint32_t nx, nc;
	tuple *tx, *tc;
	side xs, cs;
	const char *newest;
	/* new, split, rewrap, recased */
	unsigned xcount[4] = { 0 }, ccount[4] = { 0 };

	if (rg->xml == NULL || rg->csv == NULL)
		skip();
	assert_int_equal(pk_registry_count(rg->csv), 14499);
	newest = newest_date(rg->csv);
	assert_string_equal(newest, "2026-02-13");

	/* The multiset difference, by merging the sorted tuples. */
	tx = tuples(rg->xml, &nx);
	tc = tuples(rg->csv, &nc);
	xs = (side){ rg->xml, calloc(nx, sizeof(pk_recid)), 0 };
	cs = (side){ rg->csv, calloc(nc, sizeof(pk_recid)), 0 };
	for (uint32_t i = 0, j = 0; i < nx || j < nc;) {
		int c = i == nx ? 1 : j == nc ? -1 : strcmp(tx[i].key, tc[j].key);
		if (c == 0) {
			i++;
			j++;
		} else if (c < 0) {
			xs.ids[xs.n++] = tx[i++].id;
		} else {
			cs.ids[cs.n++] = tc[j++].id;
		}
	}
	assert_int_equal(xs.n, 62);
	assert_int_equal(cs.n, 28);

	for (size_t i = 0; i < xs.n; i++) {
		pk_record r;
		assert_int_equal(pk_record_get(rg->xml, xs.ids[i], &r, NULL), PK_OK);
		if (is_new(&r, newest))
			xcount[0]++;
		else if (inside_other_range(&r, &cs))
			xcount[1]++;
		else if (rewrapped(&r, &cs))
			xcount[2]++;
		else if (recased(&r))
			xcount[3]++;
		else
			fail_msg("unexplained XML record %s/%u/%s: %s", r.name ? r.name : "",
				 r.port_lo, pk_proto_name(r.proto), r.description);
	}
	for (size_t i = 0; i < cs.n; i++) {
		pk_record r;
		assert_int_equal(pk_record_get(rg->csv, cs.ids[i], &r, NULL), PK_OK);
		if (new_record_like(rg->xml, &r, newest, false))
			ccount[0]++;
		else if (new_record_like(rg->xml, &r, newest, true))
			ccount[1]++;
		else if (rewrapped(&r, &xs))
			ccount[2]++;
		else if (recased(&r))
			ccount[3]++;
		else
			fail_msg("unexplained CSV record %s/%u/%s: %s", r.name ? r.name : "",
				 r.port_lo, pk_proto_name(r.proto), r.description);
	}
	assert_int_equal(xcount[0], 35);
	assert_int_equal(xcount[1], 12);
	assert_int_equal(xcount[2], 14);
	assert_int_equal(xcount[3], 1);
	assert_int_equal(ccount[0], 5);
	assert_int_equal(ccount[1], 8);
	assert_int_equal(ccount[2], 14);
	assert_int_equal(ccount[3], 1);

	free(xs.ids);
	free(cs.ids);
	free_tuples(tx, nx);
	free_tuples(tc, nc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_xml_counts),
		cmocka_unit_test(test_xml_spot_checks),
		cmocka_unit_test(test_csv_agrees_with_xml),
	};

	return cmocka_run_group_tests_name("conformance", tests, setup, teardown);
}
