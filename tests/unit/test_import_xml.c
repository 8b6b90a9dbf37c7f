/* test_import_xml.c - the IANA XML importer on tests/data/import/registry.xml
 * (every pitfall of the real registry), and on malformed input. */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "helper_import.h"

static int setup(void **state)
{
	*state = imp_fixture("registry.xml", PK_FORMAT_XML);
	return 0;
}

static int teardown(void **state)
{
	pk_registry_close(*state);
	return 0;
}

static void test_registry_info(void **state)
{
	const pk_registry *reg = *state;
	pk_registry_info info;

	pk_registry_get_info(reg, &info);
	assert_string_equal(info.source,
			    "IANA XML: Service Name and Transport Protocol Port Number Registry");
	assert_string_equal(info.updated, "2026-08-17");
	assert_string_equal(info.origin, "registry.xml");
	assert_int_equal(info.records, 29);
	assert_int_equal(info.people, 6);
	assert_int_equal(info.flags, PK_REGFLAG_FULL | PK_REGFLAG_RANGES |
					     PK_REGFLAG_METADATA | PK_REGFLAG_PEOPLE);
	assert_int_equal(info.counts_by_proto[PK_PROTO_NONE], 2);
	assert_int_equal(info.counts_by_proto[PK_PROTO_TCP], 22);
	assert_int_equal(info.counts_by_proto[PK_PROTO_UDP], 3);
	assert_int_equal(info.counts_by_proto[PK_PROTO_SCTP], 1);
	assert_int_equal(info.counts_by_proto[PK_PROTO_DCCP], 1);
}

/* 80/tcp is http, www and www-http; with <assignee> the contact is the
 * record-level person xref, without one the contact is both. */
static void test_several_names_on_one_port(void **state)
{
	const pk_registry *reg = *state;
	pk_recid ids[8];
	pk_record r;
	size_t n = pk_lookup_port(reg, 80, PK_PROTOMASK(PK_PROTO_TCP), ids, 8);

	assert_int_equal(n, 3);
	r = imp_get(reg, "http", PK_PROTO_TCP, 80);
	assert_string_equal(r.description, "World Wide Web HTTP");
	assert_string_equal(r.notes,
			    "Defined TXT keys: u=<username> p=<password> path=<path to document>");
	assert_string_equal(r.modified, "2021-10-01");
	assert_string_equal(r.registered, "");
	assert_int_equal(r.kind, PK_KIND_ASSIGNED);
	assert_int_equal(r.origin, PK_ORIGIN_IANA);
	assert_int_equal(r.flags, 0);
	assert_string_equal(imp_assignees(reg, r.id), "IESG");
	assert_string_equal(imp_contacts(reg, r.id), "IETF_Chair");
	assert_string_equal(imp_refs(reg, r.id), "rfc:rfc9110");

	r = imp_get(reg, "www", PK_PROTO_TCP, 80);
	assert_string_equal(r.notes,
			    "This is a duplicate of the \"http\" service and should not be used for discovery purposes.");
	r = imp_get(reg, "www-http", PK_PROTO_TCP, 80);
	assert_string_equal(imp_assignees(reg, r.id), "Tim_Berners_Lee");
	assert_string_equal(imp_contacts(reg, r.id), "Tim_Berners_Lee");
	assert_string_equal(imp_refs(reg, r.id), "");

	r = imp_get(reg, "http", PK_PROTO_SCTP, 80);
	assert_string_equal(r.description, "HTTP");
	assert_string_equal(r.registered, "2022-02-07");
	assert_string_equal(imp_refs(reg, r.id), "rfc:rfc9260");
}

static void test_one_name_on_several_ports(void **state)
{
	const pk_registry *reg = *state;
	pk_recid ids[8];
	size_t n = pk_lookup_name(reg, "HTTP-ALT", PK_PROTOMASK_ANY, ids, 8);

	assert_int_equal(n, 3);
	assert_string_equal(imp_get(reg, "http-alt", PK_PROTO_TCP, 591).description,
			    "FileMaker, Inc. - HTTP Alternate (see Port 80)");
	assert_string_equal(imp_get(reg, "http-alt", PK_PROTO_TCP, 8008).description,
			    "HTTP Alternate");
	assert_string_equal(imp_get(reg, "http-alt", PK_PROTO_TCP, 8080).description,
			    "HTTP Alternate (see port 80)");
	assert_string_equal(imp_contacts(reg, imp_find(reg, "http-alt", PK_PROTO_TCP, 8080)),
			    "Stephen_Casner");
}

static void test_range_and_unauthorized(void **state)
{
	const pk_registry *reg = *state;
	pk_recid ids[4];
	pk_record r = imp_get(reg, "x11", PK_PROTO_TCP, 6000);
	pk_party p;

	assert_true(r.has_port);
	assert_int_equal(r.port_lo, 6000);
	assert_int_equal(r.port_hi, 6063);
	assert_string_equal(r.unauthorized, "Known Unauthorized Use on port 6003");
	assert_int_equal(pk_lookup_port(reg, 6063, PK_PROTOMASK_ANY, ids, 4), 1);
	assert_int_equal(ids[0], r.id);
	assert_int_equal(pk_lookup_port(reg, 6064, PK_PROTOMASK_ANY, ids, 4), 0);
	/* The assignee resolves through the people section. */
	assert_int_equal(pk_record_assignee(reg, r.id, 0, &p, NULL), PK_OK);
	assert_string_equal(p.id, "Stephen_Gildea");
	assert_string_equal(p.name, "Stephen Gildea");
	assert_string_equal(p.uri, "mailto:gildea&lcs.mit.edu");
	assert_string_equal(p.updated, "2010-10");
}

static void test_nameless_records(void **state)
{
	const pk_registry *reg = *state;
	pk_record r = imp_get(reg, NULL, PK_PROTO_TCP, 0);

	assert_null(r.name);
	assert_int_equal(r.kind, PK_KIND_RESERVED);
	assert_string_equal(r.description, "Reserved");
	assert_string_equal(r.modified, "2024-12-20");
	assert_string_equal(imp_refs(reg, r.id), "rfc:rfc6335");

	r = imp_get(reg, NULL, PK_PROTO_TCP, 24);
	assert_int_equal(r.kind, PK_KIND_OTHER);
	assert_string_equal(r.description, "any private mail system");

	r = imp_get(reg, NULL, PK_PROTO_UDP, 2905);
	assert_int_equal(r.kind, PK_KIND_DEREGISTERED);
	assert_string_equal(r.registered, "2001-06-07");

	r = imp_get(reg, NULL, PK_PROTO_NONE, 4461);
	assert_int_equal(r.kind, PK_KIND_UNASSIGNED);
	assert_int_equal(r.port_hi, 4479);
}

static void test_historic_aliases(void **state)
{
	const pk_registry *reg = *state;
	static const struct {
		const char *alias, *name;
		int port;
		const char *description;
	} cases[] = {
		{ "whois++", "whoispp", 63, "whois++" },
		{ "sql*net", "sql-net", 66, "Oracle SQL*NET" },
		{ "z39.50", "z39-50", 210, "ANSI Z39.50" },
		{ "914c/g", "914c-g", 211, "Texas Instruments 914C/G Terminal" },
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		pk_record a = imp_get(reg, cases[i].alias, PK_PROTO_TCP, cases[i].port);
		pk_record n = imp_get(reg, cases[i].name, PK_PROTO_TCP, cases[i].port);
		assert_string_equal(a.alias_of, cases[i].name);
		/* Historic names break RFC 6335's syntax: both flags. */
		assert_int_equal(a.flags, PK_RECFLAG_HISTORIC | PK_RECFLAG_NONCONFORMING);
		assert_string_equal(a.description, cases[i].description);
		assert_string_equal(n.alias_of, "");
		assert_int_equal(n.flags, 0);
	}
	/* <br/><br/> and the newline after them are one line break, as in
	 * IANA's CSV. */
	assert_string_equal(imp_get(reg, "whoispp", PK_PROTO_TCP, 63).description,
			    "whois++\nIANA assigned this well-formed service name as a replacement for \"whois++\".");
	assert_string_equal(imp_get(reg, "whois++", PK_PROTO_TCP, 63).notes,
			    "This entry is an alias to \"whoispp\".\n"
			    "This entry is now historic, not usable for use with many\n"
			    "common service discovery mechanisms.");
}

static void test_dccp_service_code(void **state)
{
	const pk_registry *reg = *state;
	pk_record r = imp_get(reg, "discard", PK_PROTO_DCCP, 9);

	assert_string_equal(r.service_code, "1145656131");
	assert_string_equal(imp_refs(reg, r.id), "rfc:rfc4340");
	assert_string_equal(imp_get(reg, "tcpmux", PK_PROTO_TCP, 1).service_code, "");
}

static void test_no_port_no_transport(void **state)
{
	const pk_registry *reg = *state;
	pk_record r = imp_get(reg, "airsharing", PK_PROTO_NONE, -1);

	assert_false(r.has_port);
	assert_string_equal(r.registered, "2011-11");
	assert_string_equal(r.notes, "Defined TXT keys: None");
	assert_string_equal(imp_contacts(reg, r.id), "Erik_Rogers Dave_Howell");
	assert_string_equal(imp_assignees(reg, r.id), "Erik_Rogers Dave_Howell");

	r = imp_get(reg, "dns-push-tls", PK_PROTO_TCP, -1);
	assert_false(r.has_port);
	/* A reference's own text ("RFC8765, Section 6.1") is a label; the
	 * reference is its data. */
	assert_string_equal(imp_refs(reg, r.id), "rfc:rfc8765");
}

static void test_references_of_each_type(void **state)
{
	const pk_registry *reg = *state;
	pk_record r = imp_get(reg, "snif", PK_PROTO_TCP, 7123);

	assert_string_equal(imp_refs(reg, r.id), "draft:draft-zubov-snif-05#section-4.3");
	assert_string_equal(imp_assignees(reg, r.id), "VESvault_Corp");
	assert_string_equal(imp_contacts(reg, r.id), "Jim_Zubov");
	assert_string_equal(r.registered, "2021-12-24");
	assert_string_equal(r.modified, "2026-07-22");

	r = imp_get(reg, "pon-ictp", PK_PROTO_TCP, 7202);
	assert_string_equal(imp_refs(reg, r.id),
			    "uri:https://www.broadband-forum.org/technical/download/TR-352.pdf "
			    "text:ICTP is a peer-to-peer protocol with\na binary message format.");
	assert_string_equal(r.description,
			    "Inter-Channel Termination Protocol (ICTP) for multi-wavelength PON\n"
			    "(Passive Optical Network) systems");

	/* A footnote reference keeps the anchor, and the footnote's text
	 * (which follows the records in the file) joins the notes. */
	r = imp_get(reg, "exp1", PK_PROTO_UDP, 1021);
	assert_string_equal(imp_refs(reg, r.id), "note:1 rfc:rfc4727");
	assert_string_equal(r.notes,
			    "[1] It is only appropriate to use these values in explicitly-\n"
			    "configured experiments; they MUST NOT be shipped as defaults in\n"
			    "implementations. See RFC 3692 for details.");
	assert_string_equal(imp_assignees(reg, r.id), "IESG");

	r = imp_get(reg, "brski-reg-cmp", PK_PROTO_TCP, -1);
	assert_string_equal(r.description,
			    "Bootstrapping Remote Secure Key Infrastructure\n"
			    "registrar with CMP capabilities according to the Lightweight CMP\n"
			    "Profile (LCMPP) [RFC9483]");
	assert_string_equal(r.notes,
			    "Defined TXT keys:\n"
			    "td: Absolute pathname of the Thing Description,\n"
			    "see [https://www.w3.org/TR/wot-discovery/].");
	assert_string_equal(imp_refs(reg, r.id), "text:n/a");

	r = imp_get(reg, "widget-sync", PK_PROTO_UDP, 47000);
	assert_string_equal(r.description, "Widget state synchronisation");
	assert_string_equal(imp_assignees(reg, r.id), "text:ACME Widgets, Inc.");
	assert_string_equal(imp_contacts(reg, r.id), "");
	assert_string_equal(imp_refs(reg, r.id),
			    "draft:draft-acme-widget-sync-02 uri:https://widgets.example/sync");
	assert_string_equal(r.unauthorized, "Reported by [Erik_Rogers] in 2014");
	assert_string_equal(r.registered, "2013-06-05");
}

static void test_people(void **state)
{
	const pk_registry *reg = *state;
	pk_party p;

	assert_int_equal(pk_person_get(reg, "IESG", &p, NULL), PK_OK);
	assert_string_equal(p.name, "");
	assert_string_equal(p.org, "IESG");
	assert_string_equal(p.uri, "mailto:iesg&ietf.org");
	assert_int_equal(pk_person_get(reg, "Broadband_Forum", &p, NULL), PK_OK);
	assert_string_equal(p.org, "Broadband Forum");
	assert_string_equal(p.updated, "2019-12-16");
	assert_int_equal(pk_person_get(reg, "Oracle_Corp", &p, NULL), PK_OK);
	assert_string_equal(p.uri, "mailto:bharathi.sivaramakrishnan&oracle.com "
				   "mailto:chris.newman&oracle.com");
	assert_int_equal(pk_person_get(reg, "Tim_Berners_Lee", &p, NULL), PK_OK);
	assert_string_equal(p.name, "Tim Berners-Lee");
	assert_int_equal(pk_person_get(reg, "Nobody", &p, NULL), PK_NOTFOUND);
}

/* The importer alone, without a registry: what it tells the builder. */
static void test_counts_without_people(void **state)
{
	static const char xml[] =
		"<registry xmlns=\"http://www.iana.org/assignments\">\n"
		"  <record><name>a</name><protocol>TCP</protocol>"
		"<number> 00080 </number></record>\n"
		"</registry>\n";
	pk_registry *reg = imp_import(xml, sizeof xml - 1, PK_FORMAT_AUTO, "mini");
	pk_registry_info info;
	pk_record r;

	(void)state;
	pk_registry_get_info(reg, &info);
	assert_int_equal(info.records, 1);
	assert_string_equal(info.source, "IANA XML");
	assert_string_equal(info.updated, "");
	assert_int_equal(info.flags, PK_REGFLAG_FULL | PK_REGFLAG_RANGES |
					     PK_REGFLAG_METADATA);
	assert_int_equal(pk_record_get(reg, 0, &r, NULL), PK_OK);
	assert_int_equal(r.proto, PK_PROTO_TCP);
	assert_int_equal(r.port_lo, 80);
	pk_registry_close(reg);
}

static void test_malformed(void **state)
{
	(void)state;
	IMP_BAD("", PK_FORMAT_XML, PK_PARSE,
		"bad:1: empty input (expected an IANA XML registry)");
	IMP_BAD("<registry>\n<record><name>x</name></registry>", PK_FORMAT_XML,
		PK_PARSE, "bad:2: malformed XML: mismatched tag (expected well-formed XML)");
	IMP_BAD("<registry>\n<record>\n<name>x</name>\n", PK_FORMAT_XML, PK_PARSE,
		"bad:4: malformed XML: no element found (expected well-formed XML)");
	IMP_BAD("\x7f\x45\x4c\x46\x02\x01\x01\x00", PK_FORMAT_XML, PK_PARSE,
		"bad:1: malformed XML: not well-formed (invalid token) (expected well-formed XML)");
	/* A web page is called one, whatever the format asked for. */
	IMP_BAD("<html><body/></html>", PK_FORMAT_XML, PK_PARSE,
		"bad is an HTML page, not a registry source: a server's error or login page, "
		"or the page about the registry? IANA's XML is " PK_IANA_XML_URL);
	IMP_BAD("<registry id=\"protocol-numbers\"/>", PK_FORMAT_XML, PK_PARSE,
		"bad:1: registry id=\"protocol-numbers\" (expected id=\"service-names-port-numbers\")");
	IMP_BAD("<registry>\n  <title>t</title>\n</registry>\n", PK_FORMAT_XML, PK_PARSE,
		"bad:4: no <record> elements (expected an IANA service-names-port-numbers registry)");
	IMP_BAD("<registry>\n<record>\n<name>a</name>\n<number>70000</number>\n</record></registry>",
		PK_FORMAT_XML, PK_PARSE,
		"bad:4: invalid <number> '70000' (expected a port 0-65535 or a range LO-HI with LO <= HI)");
	IMP_BAD("<registry><record><number>80-70</number></record></registry>",
		PK_FORMAT_XML, PK_PARSE,
		"bad:1: invalid <number> '80-70' (expected a port 0-65535 or a range LO-HI with LO <= HI)");
	IMP_BAD("<registry><record><number>eighty</number></record></registry>",
		PK_FORMAT_XML, PK_PARSE,
		"bad:1: invalid <number> 'eighty' (expected a port 0-65535 or a range LO-HI with LO <= HI)");
	IMP_BAD("<registry><record><number>80/tcp</number></record></registry>",
		PK_FORMAT_XML, PK_PARSE,
		"bad:1: invalid <number> '80/tcp' (expected a port 0-65535 or a range LO-HI with LO <= HI)");
	IMP_BAD("<registry><record><number> </number></record></registry>",
		PK_FORMAT_XML, PK_PARSE,
		"bad:1: empty <number> (expected a port 0-65535 or a range LO-HI)");
	IMP_BAD("<registry>\n\n<record><protocol>xyz</protocol></record></registry>",
		PK_FORMAT_XML, PK_PARSE,
		"bad:3: unknown <protocol> 'xyz' (expected tcp, udp, sctp or dccp)");
	IMP_BAD("<registry>\n<record date=\"2024-13-01\"><name>a</name></record></registry>",
		PK_FORMAT_XML, PK_PARSE,
		"bad:2: invalid date=\"2024-13-01\" (expected YYYY-MM-DD or YYYY-MM)");
	IMP_BAD("<registry><record updated=\"yesterday\"/></registry>",
		PK_FORMAT_XML, PK_PARSE,
		"bad:1: invalid updated=\"yesterday\" (expected YYYY-MM-DD or YYYY-MM)");
	IMP_BAD("<registry><record><sc>12a</sc></record></registry>",
		PK_FORMAT_XML, PK_PARSE,
		"bad:1: invalid <sc> '12a' (expected a DCCP service code, a decimal 0-4294967295)");
	IMP_BAD("<registry><record><sc>4294967296</sc></record></registry>",
		PK_FORMAT_XML, PK_PARSE,
		"bad:1: invalid <sc> '4294967296' (expected a DCCP service code, a decimal 0-4294967295)");
	IMP_BAD("<registry><record><name>a</name>\n<name>b</name></record></registry>",
		PK_FORMAT_XML, PK_PARSE,
		"bad:2: a second <name> in one <record> (expected at most one)");
	IMP_BAD("<registry><record><name>a\tb</name></record></registry>",
		PK_FORMAT_XML, PK_PARSE,
		"bad:1: invalid service name 'a\\x09b' (expected printable ASCII, spaces only inside)");
	IMP_BAD("<registry><record><xref data=\"rfc1\"/></record></registry>",
		PK_FORMAT_XML, PK_PARSE,
		"bad:1: <xref> without a type attribute (expected type=\"rfc\", \"draft\", \"uri\", \"text\", \"note\" or \"person\")");
	IMP_BAD("<registry><record><xref type=\"text\"> </xref></record></registry>",
		PK_FORMAT_XML, PK_PARSE,
		"bad:1: empty <xref> (expected a data attribute or text)");
	IMP_BAD("<registry><record/>\n<people><person><name>n</name></person></people></registry>",
		PK_FORMAT_XML, PK_PARSE,
		"bad:2: <person> without an id (expected id=\"Name_Surname\")");
	IMP_BAD("<registry><updated>2026-8-17</updated><record/></registry>",
		PK_FORMAT_XML, PK_PARSE,
		"bad:1: invalid registry <updated> '2026-8-17' (expected YYYY-MM-DD)");
	/* Entities could expand without bound: no DTD at all. */
	IMP_BAD("<?xml version=\"1.0\"?>\n<!DOCTYPE r [<!ENTITY a \"aaaaaaaaaa\">"
		"<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">]>\n<registry>&b;</registry>",
		PK_FORMAT_XML, PK_PARSE,
		"bad:2: a <!DOCTYPE> declaration (expected none: IANA's XML has no DTD)");
}

int main(void)
{
	const struct CMUnitTest fixture_tests[] = {
		cmocka_unit_test(test_registry_info),
		cmocka_unit_test(test_several_names_on_one_port),
		cmocka_unit_test(test_one_name_on_several_ports),
		cmocka_unit_test(test_range_and_unauthorized),
		cmocka_unit_test(test_nameless_records),
		cmocka_unit_test(test_historic_aliases),
		cmocka_unit_test(test_dccp_service_code),
		cmocka_unit_test(test_no_port_no_transport),
		cmocka_unit_test(test_references_of_each_type),
		cmocka_unit_test(test_people),
	};
	const struct CMUnitTest other_tests[] = {
		cmocka_unit_test(test_counts_without_people),
		cmocka_unit_test(test_malformed),
	};
	int failed = cmocka_run_group_tests_name("import_xml fixture", fixture_tests,
						 setup, teardown);

	return failed + cmocka_run_group_tests_name("import_xml", other_tests,
						    NULL, NULL);
}
