/* test_import_csv.c - the IANA CSV importer: tests/data/import/registry.csv
 * is the same registry version as registry.xml, as IANA's CSV export shows
 * it; the two importers must agree.  Then quoting, line numbers and
 * malformed input. */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "helper_import.h"

#define HEADER "Service Name,Port Number,Transport Protocol,Description,Assignee,Contact,Registration Date,Modification Date,Reference,Service Code,Unauthorized Use Reported,Assignment Notes\r\n"

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every record as one line of the fields both formats carry, sorted. */
static char **describe_all(const pk_registry *reg, bool all_fields)
{
	uint32_t n = pk_registry_count(reg);
	char **lines = calloc(n + 1, sizeof *lines);

	assert_non_null(lines);
	for (pk_recid id = 0; id < n; id++) {
		pk_record r;
		char buf[4096];
		int len;
		assert_int_equal(pk_record_get(reg, id, &r, NULL), PK_OK);
		len = snprintf(buf, sizeof buf, "%s|%d|%u-%u|%s|%s", r.name ? r.name : "",
			       r.has_port, r.port_lo, r.port_hi,
			       pk_proto_name(r.proto), r.description);
		if (all_fields) {
			len += snprintf(buf + len, sizeof buf - (size_t)len,
					"|kind=%d|flags=%u|alias_of=%s|unauth=%s|reg=%s|mod=%s|sc=%s|",
					r.kind, r.flags, r.alias_of, r.unauthorized,
					r.registered, r.modified, r.service_code);
			/* The CSV has no footnotes: exp1's notes differ. */
			if (r.name == NULL || strcmp(r.name, "exp1") != 0)
				len += snprintf(buf + len, sizeof buf - (size_t)len,
						"notes=%s", r.notes);
			len += snprintf(buf + len, sizeof buf - (size_t)len,
					"|assignees=%s", imp_assignees(reg, id));
			snprintf(buf + len, sizeof buf - (size_t)len,
				 "|contacts=%s", imp_contacts(reg, id));
		}
		lines[id] = strdup(buf);
	}
	qsort(lines, n, sizeof *lines, cmp_str);
	return lines;
}

static void free_lines(char **lines)
{
	for (size_t i = 0; lines[i] != NULL; i++)
		free(lines[i]);
	free(lines);
}

static void expect_same(const pk_registry *a, const pk_registry *b, bool all)
{
	char **la = describe_all(a, all);
	char **lb = describe_all(b, all);

	assert_int_equal(pk_registry_count(a), pk_registry_count(b));
	for (size_t i = 0; la[i] != NULL; i++)
		if (strcmp(la[i], lb[i]) != 0)
			fail_msg("records differ:\n  xml: %s\n  csv: %s", la[i], lb[i]);
	free_lines(la);
	free_lines(lb);
}

static void test_agrees_with_xml(void **state)
{
	pk_registry *xml = imp_fixture("registry.xml", PK_FORMAT_XML);
	pk_registry *csv = imp_fixture("registry.csv", PK_FORMAT_CSV);

	(void)state;
	/* (name, number, transport, description) of every record, and
	 * beyond those four every other field both formats
	 * carry, with the assignee/contact model of docs/import.md. */
	expect_same(xml, csv, false);
	expect_same(xml, csv, true);
	pk_registry_close(xml);
	pk_registry_close(csv);
}

static void test_fixture(void **state)
{
	pk_registry *reg = imp_fixture("registry.csv", PK_FORMAT_AUTO);
	pk_registry_info info;
	pk_record r;

	(void)state;
	pk_registry_get_info(reg, &info);
	assert_string_equal(info.source, "IANA CSV");
	assert_string_equal(info.updated, "");
	assert_int_equal(info.records, 29);
	assert_int_equal(info.people, 0);
	assert_int_equal(info.flags, PK_REGFLAG_RANGES | PK_REGFLAG_METADATA);
	assert_int_equal(info.counts_by_proto[PK_PROTO_NONE], 2);
	assert_int_equal(info.counts_by_proto[PK_PROTO_TCP], 22);

	/* Quoted fields: embedded newlines, doubled quotes, commas. */
	r = imp_get(reg, "whoispp", PK_PROTO_TCP, 63);
	assert_string_equal(r.description,
			    "whois++\nIANA assigned this well-formed service name as a replacement for \"whois++\".");
	r = imp_get(reg, "whois++", PK_PROTO_TCP, 63);
	assert_string_equal(r.alias_of, "whoispp");
	assert_int_equal(r.flags, PK_RECFLAG_HISTORIC | PK_RECFLAG_NONCONFORMING);
	assert_string_equal(imp_get(reg, "http-alt", PK_PROTO_TCP, 591).description,
			    "FileMaker, Inc. - HTTP Alternate (see Port 80)");
	r = imp_get(reg, NULL, PK_PROTO_NONE, 4461);
	assert_int_equal(r.port_hi, 4479);
	assert_int_equal(r.kind, PK_KIND_UNASSIGNED);
	assert_string_equal(imp_get(reg, "discard", PK_PROTO_DCCP, 9).service_code,
			    "1145656131");
	assert_string_equal(imp_get(reg, "x11", PK_PROTO_TCP, 6000).unauthorized,
			    "Known Unauthorized Use on port 6003");

	/* [A][B] lists, and references by what their text looks like. */
	r = imp_get(reg, "airsharing", PK_PROTO_NONE, -1);
	assert_string_equal(imp_assignees(reg, r.id), "Erik_Rogers Dave_Howell");
	assert_string_equal(r.registered, "2011-11");
	assert_string_equal(imp_refs(reg, imp_get(reg, NULL, PK_PROTO_TCP, 0).id),
			    "rfc:rfc6335");
	assert_string_equal(imp_refs(reg, imp_get(reg, "exp1", PK_PROTO_UDP, 1021).id),
			    "note:1 rfc:rfc4727");
	/* Where the XML has a labelled reference, the CSV shows the label. */
	assert_string_equal(imp_refs(reg, imp_get(reg, "snif", PK_PROTO_TCP, 7123).id),
			    "draft:draft-zubov-snif-05, Section 4.3");
	assert_string_equal(imp_refs(reg, imp_get(reg, "pon-ictp", PK_PROTO_TCP, 7202).id),
			    "text:TR-352 text:ICTP is a peer-to-peer protocol with\na binary message format.");
	assert_string_equal(imp_refs(reg, imp_get(reg, "dns-push-tls", PK_PROTO_TCP, -1).id),
			    "text:RFC8765, Section 6.1");
	r = imp_get(reg, "widget-sync", PK_PROTO_UDP, 47000);
	assert_string_equal(imp_refs(reg, r.id),
			    "draft:draft-acme-widget-sync-02 uri:https://widgets.example/sync");
	assert_string_equal(imp_assignees(reg, r.id), "text:ACME Widgets, Inc.");
	assert_string_equal(r.description, "Widget state synchronisation");
	pk_registry_close(reg);
}

/* The 11th column's older name, LF line ends, a blank line, every field
 * quoted, and a blank line inside a quoted note. */
static void test_old_header(void **state)
{
	pk_registry *reg = imp_fixture("registry-old.csv", PK_FORMAT_AUTO);
	pk_record r;

	(void)state;
	assert_int_equal(pk_registry_count(reg), 2);
	r = imp_get(reg, "x11", PK_PROTO_UDP, 6000);
	assert_string_equal(r.unauthorized, "Known Unauthorized Use on port 6003");
	r = imp_get(reg, "www-http", PK_PROTO_UDP, 80);
	assert_string_equal(r.notes,
			    "This is a duplicate of the \"http\" service and should not be used for discovery purposes.\n"
			    "(Old line wrapped here.)");
	assert_string_equal(imp_contacts(reg, r.id), "Tim_Berners_Lee");
	pk_registry_close(reg);
}

/* Messages name the line where the bad field starts, counting the lines
 * that quoted fields span. */
static void test_line_numbers(void **state)
{
	(void)state;
	IMP_BAD(HEADER "a,1,tcp,\"one\ntwo\nthree\",,,,,,,,\r\nb,70000,tcp,x,,,,,,,,\r\n",
		PK_FORMAT_CSV, PK_PARSE,
		"bad:5: invalid port number '70000' (expected a port 0-65535 or a range LO-HI with LO <= HI)");
	IMP_BAD(HEADER "c,2,tcp,\"x\ny\",,,2020-02-30x,,,,,\r\n", PK_FORMAT_CSV,
		PK_PARSE,
		"bad:3: invalid registration date '2020-02-30x' (expected YYYY-MM-DD or YYYY-MM)");
	IMP_BAD(HEADER "a,1,tcp,x,,,,,,,,\r\nb,2,tcp,\"never\nclosed,,,,,,,,\r\n",
		PK_FORMAT_CSV, PK_PARSE,
		"bad:3: unterminated quoted field (expected a closing '\"')");
}

static void test_malformed(void **state)
{
	(void)state;
	IMP_BAD("", PK_FORMAT_CSV, PK_PARSE,
		"bad:1: empty input (expected an IANA CSV registry)");
	IMP_BAD(HEADER, PK_FORMAT_CSV, PK_PARSE,
		"bad:2: no records after the header (expected at least one)");
	IMP_BAD("Name,Port\r\nhttp,80\r\n", PK_FORMAT_CSV, PK_PARSE,
		"bad:1: column 1 of the header is 'Name' (expected an IANA CSV header 'Service Name,Port Number,Transport Protocol,Description,...')");
	IMP_BAD("Service Name,Port Number,Transport Protocol,Description,Assignee\r\n",
		PK_FORMAT_CSV, PK_PARSE, "bad:1: the header has 5 columns (expected 12)");
	IMP_BAD(HEADER "http,80,tcp,World Wide Web HTTP,,,,,,,\r\n", PK_FORMAT_CSV,
		PK_PARSE, "bad:2: 11 fields (expected 12, as in the header)");
	IMP_BAD(HEADER "http,80,tcp,World Wide Web HTTP,,,,,,,,,\r\n", PK_FORMAT_CSV,
		PK_PARSE, "bad:2: 13 fields (expected 12, as in the header)");
	IMP_BAD(HEADER "just one field\r\n", PK_FORMAT_CSV, PK_PARSE,
		"bad:2: 1 field (expected 12, as in the header)");
	IMP_BAD(HEADER "http,80,tcp,\"World\"Wide,,,,,,,,\r\n", PK_FORMAT_CSV,
		PK_PARSE,
		"bad:2: 'W' after a closing quote (expected ',' or the end of the line)");
	IMP_BAD(HEADER "http,80,tcp,World \"Wide\",,,,,,,,\r\n", PK_FORMAT_CSV,
		PK_PARSE,
		"bad:2: a '\"' inside an unquoted field (expected the whole field in quotes, with '\"' doubled)");
	IMP_BAD(HEADER "http,80-70,tcp,x,,,,,,,,\r\n", PK_FORMAT_CSV, PK_PARSE,
		"bad:2: invalid port number '80-70' (expected a port 0-65535 or a range LO-HI with LO <= HI)");
	IMP_BAD(HEADER "http,-1,tcp,x,,,,,,,,\r\n", PK_FORMAT_CSV, PK_PARSE,
		"bad:2: invalid port number '-1' (expected a port 0-65535 or a range LO-HI with LO <= HI)");
	IMP_BAD(HEADER "http,80,xyz,x,,,,,,,,\r\n", PK_FORMAT_CSV, PK_PARSE,
		"bad:2: unknown transport protocol 'xyz' (expected tcp, udp, sctp, dccp or nothing)");
	IMP_BAD(HEADER "http,80,tcp,x,,,,2021-1,,,,\r\n", PK_FORMAT_CSV, PK_PARSE,
		"bad:2: invalid modification date '2021-1' (expected YYYY-MM-DD or YYYY-MM)");
	IMP_BAD(HEADER "http,80,dccp,x,,,,,,-5,,\r\n", PK_FORMAT_CSV, PK_PARSE,
		"bad:2: invalid service code '-5' (expected a decimal 0-4294967295)");
	IMP_BAD(HEADER "ht\ttp,80,tcp,x,,,,,,,,\r\n", PK_FORMAT_CSV, PK_PARSE,
		"bad:2: invalid service name 'ht\\x09tp' (expected printable ASCII, spaces only inside)");
	IMP_BAD(HEADER "ht  tp,80,tcp,x,,,,,,,,\r\n", PK_FORMAT_CSV, PK_PARSE,
		"bad:2: invalid service name 'ht  tp' (expected printable ASCII, spaces only inside)");
	IMP_BAD(HEADER "http,80,tcp,\xff\xfe,,,,,,,,\r\n", PK_FORMAT_CSV, PK_PARSE,
		"bad:2: byte 0xff is not UTF-8 text");
	IMP_BAD("Service Name\0,Port", PK_FORMAT_CSV, PK_PARSE,
		"bad:1: byte 0x00 is not text (expected UTF-8 CSV)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_agrees_with_xml),
		cmocka_unit_test(test_fixture),
		cmocka_unit_test(test_old_header),
		cmocka_unit_test(test_line_numbers),
		cmocka_unit_test(test_malformed),
	};

	return cmocka_run_group_tests_name("import_csv", tests, NULL, NULL);
}
