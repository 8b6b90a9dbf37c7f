/* test_advise.c - pk_advise, table-driven: each case is a plan, the
 * finding (id, severity) an expert review must produce for it, and the
 * RFC section that finding must cite.  Some cases also name a finding that
 * must NOT appear.  The fixture registry is written out below. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "helper_audit.h"
#include "helper_pickfix.h"

static const char fixture_csv[] =
	"http,80,tcp,World Wide Web HTTP,[IESG],[IETF_Chair],,2021-10-01,[RFC9110],,,\n"
	"http,80,udp,World Wide Web HTTP,[IESG],[IETF_Chair],,2021-10-01,[RFC9110],,,\n"
	"https,443,tcp,http protocol over TLS/SSL,[IESG],[IETF_Chair],,,[RFC9110],,,\n"
	"widget,4100,tcp,Widget control,[Jane_Doe],[Jane_Doe],2020-01-01,,,,,\n"
	"gadgets,4150,tcp,Gadget control over TLS,[Jane_Doe],[Jane_Doe],,,,,,\n"
	"keeper,4200,tcp,Keeper,[Jane_Doe],[Jane_Doe],,,,,,\n"
	",4200,udp,Reserved,,,,,,,,\n"
	"single,4201,tcp,Single transport,[Jane_Doe],[Jane_Doe],,,,,,\n"
	",4300,tcp,De-registered,,,,,,,,\n"
	",4400-4499,tcp,Unassigned,,,,,,,,\n"
	"exp1,1021,tcp,RFC3692-style Experiment 1,[IESG],[IETF_Chair],,,[RFC4727],,,\n";
static const char fixture_services[] = "localthing 4600/tcp\nwidget-ctl 4100/tcp\n";
static const char fixture_unofficial[] = "squatter 4500/tcp # a popular game\n";

#define TCP PK_PROTOMASK(PK_PROTO_TCP)
#define UDP PK_PROTOMASK(PK_PROTO_UDP)
#define DCCP PK_PROTOMASK(PK_PROTO_DCCP)
#define NOPORT -1

typedef struct acase {
	const char *name; /* NULL: no name planned */
	int port;         /* NOPORT: no port planned */
	unsigned protos;
	const char *expect_id;
	pk_severity expect_sev;
	const char *cite; /* the section the finding must cite */
	const char *absent_id; /* must not be reported (NULL: no check) */
} acase;

#define OK_ PK_SEV_OK
#define INFO PK_SEV_INFO
#define WARN PK_SEV_WARNING
#define ERR PK_SEV_ERROR

static const acase cases[] = {
	/* RFC 6335 section 5.1: service name syntax. */
	{ "", NOPORT, 0, "name-empty", ERR, "RFC 6335 §5.1", "name-syntax-ok" },
	{ "averyveryverylongname", NOPORT, 0, "name-too-long", ERR, "RFC 6335 §5.1", NULL },
	{ "my_app", NOPORT, 0, "name-bad-char", ERR, "RFC 6335 §5.1", NULL },
	{ "my.app", NOPORT, 0, "name-bad-char", ERR, "RFC 6335 §5.1", NULL },
	{ "1234", NOPORT, 0, "name-no-letter", ERR, "RFC 6335 §5.1", NULL },
	{ "12-34", NOPORT, 0, "name-no-letter", ERR, "RFC 6335 §5.1", "name-hyphen-end" },
	{ "-foo", NOPORT, 0, "name-hyphen-end", ERR, "RFC 6335 §5.1", NULL },
	{ "foo-", NOPORT, 0, "name-hyphen-end", ERR, "RFC 6335 §5.1", NULL },
	{ "foo--bar", NOPORT, 0, "name-double-hyphen", ERR, "RFC 6335 §5.1", "name-hyphen-end" },
	{ "foo-bar", NOPORT, 0, "name-syntax-ok", OK_, "RFC 6335 §5.1", "name-double-hyphen" },
	{ "a", NOPORT, 0, "name-syntax-ok", OK_, "RFC 6335 §5.1", NULL },
	{ "abcdefghijklmno", NOPORT, 0, "name-syntax-ok", OK_, "RFC 6335 §5.1", "name-too-long" },
	{ "FooBar", NOPORT, 0, "name-case", INFO, "RFC 6335 §5.1", NULL },
	/* RFC 6335 section 5: unique names, first come first served, brief. */
	{ "http", NOPORT, 0, "name-registered", WARN, "RFC 6335 §5", "name-available" },
	{ "HTTP", NOPORT, 0, "name-registered", WARN, "RFC 6335 §5", NULL },
	{ "newthing", NOPORT, 0, "name-available", OK_, "RFC 6335 §5", "name-registered" },
	{ "foo-service", NOPORT, 0, "name-redundant-word", WARN, "RFC 6335 §5", NULL },
	{ "foo-port", NOPORT, 0, "name-redundant-word", WARN, "RFC 6335 §5", NULL },
	{ "report", NOPORT, 0, "name-available", OK_, "RFC 6335 §5", "name-redundant-word" },
	/* RFC 6335 section 8.1: the plan is the existing assignment. */
	{ "http", 80, TCP, "name-matches-assignment", OK_, "RFC 6335 §8.1", "name-registered" },
	{ "http", 80, TCP, "port-assigned-to-plan", OK_, "RFC 6335 §8.1", "port-assigned" },
	/* Another record on the port carries the plan's name (the embedded
	 * snapshot has IANA's www-http and services(5)'s http on 80/tcp). */
	{ "widget-ctl", 4100, TCP, "port-assigned-to-plan", OK_, "RFC 6335 §8.1", "port-assigned" },
	/* RFC 7605 section 7.5: versions in-band, not in the name. */
	{ "foo-v2", NOPORT, 0, "name-version", WARN, "RFC 7605 §7.5", NULL },
	{ "foo-2", NOPORT, 0, "name-version", WARN, "RFC 7605 §7.5", NULL },
	{ "nfsv4", NOPORT, 0, "name-version", WARN, "RFC 7605 §7.5", NULL },
	{ "foo-ipv6", NOPORT, 0, "name-available", OK_, "RFC 6335 §5", "name-version" },
	{ "x11fwd", NOPORT, 0, "name-available", OK_, "RFC 6335 §5", "name-version" },
	/* RFC 7605 section 7.4: no separate insecure (or secure) port. */
	{ "foo-insecure", NOPORT, 0, "name-insecure-variant", WARN, "RFC 7605 §7.4", NULL },
	{ "widget-tls", NOPORT, 0, "name-secure-variant", WARN, "RFC 7605 §7.4", NULL },
	{ "widgets", NOPORT, 0, "name-secure-variant", WARN, "RFC 7605 §7.4", NULL },
	{ "gadget", NOPORT, 0, "name-insecure-variant", WARN, "RFC 7605 §7.4", NULL },
	{ "https", NOPORT, 0, "name-registered", WARN, "RFC 6335 §5", "name-secure-variant" },
	/* RFC 7605 section 7.6: discovery services, transports. */
	{ "foo-disc", NOPORT, 0, "name-disc", INFO, "RFC 7605 §7.6", NULL },
	{ "foo-discovery", NOPORT, 0, "name-disc", INFO, "RFC 7605 §7.6", NULL },
	{ "newthing", 4450, TCP | UDP, "proto-multiple", INFO, "RFC 7605 §7.6", NULL },
	{ "newthing", 4450, UDP, "proto-udp", INFO, "RFC 7605 §7.6", "proto-multiple" },
	{ "newthing", 4450, DCCP, "proto-dccp", INFO, "RFC 6335 §8.1", NULL },
	{ "newthing", 4450, 0, "proto-assumed", INFO, "RFC 6335 §8.1", NULL },
	/* RFC 6335 sections 6 and 8.1.2: the port's range. */
	{ NULL, 0, TCP, "port-zero", ERR, "RFC 6335 §6", "port-system" },
	{ NULL, 999, TCP, "port-system", WARN, "RFC 6335 §8.1.2", NULL },
	{ NULL, 999, TCP, "port-system", WARN, "RFC 7605 §7.3", NULL },
	{ NULL, 1023, TCP, "port-system", WARN, "RFC 6335 §8.1.2", NULL },
	{ "http", 80, TCP, "port-system", INFO, "RFC 6335 §8.1.2", "port-assigned" },
	{ "myweb", 80, TCP, "port-system", WARN, "RFC 7605 §7.3", NULL },
	{ NULL, 1024, TCP, "port-user", OK_, "RFC 6335 §8.1.2", "port-system" },
	{ NULL, 49151, TCP, "port-user", OK_, "RFC 6335 §8.1.2", "port-dynamic" },
	{ NULL, 49152, TCP, "port-dynamic", ERR, "RFC 6335 §6", "port-user" },
	{ NULL, 65535, TCP, "port-dynamic", ERR, "RFC 6335 §8.1.2", NULL },
	/* RFC 7605 section 7.7 and RFC 4727: experimental ports. */
	{ NULL, 1021, TCP, "port-experimental", WARN, "RFC 4727", NULL },
	{ NULL, 1022, UDP, "port-experimental", WARN, "RFC 7605 §7.7", NULL },
	{ NULL, 1020, TCP, "port-system", WARN, "RFC 6335 §8.1.2", "port-experimental" },
	/* 1021/tcp is assigned to exp1: experiments only, not "squatting" */
	{ NULL, 1021, TCP, "port-experimental", WARN, "RFC 4727", "port-assigned" },
	{ "mything", 1021, TCP, "port-experimental", WARN, "RFC 6335", "port-assigned" },
	/* Assigned, reserved, de-registered, unassigned (RFC 7605 section
	 * 7.8 squatting; RFC 6335 sections 7.2, 8.1, 8.3). */
	{ "myweb", 80, TCP, "port-assigned", WARN, "RFC 7605 §7.8", "port-unassigned" },
	{ NULL, 80, UDP, "port-assigned", WARN, "RFC 7605 §7.8", NULL },
	{ NULL, 4200, UDP, "port-reserved", WARN, "RFC 6335 §8.1", NULL },
	{ NULL, 4201, UDP, "port-assigned-other-transport", WARN, "RFC 6335 §7.2", NULL },
	{ "single", 4201, UDP, "port-other-transport-same-service", INFO, "RFC 6335 §7.2",
	  "port-assigned-other-transport" },
	{ NULL, 4300, TCP, "port-deregistered", INFO, "RFC 6335 §8.3", NULL },
	{ NULL, 4450, TCP, "port-unassigned", INFO, "RFC 7605 §7.7", "port-assigned" },
	{ NULL, 5555, TCP, "port-unassigned", INFO, "RFC 7605 §7.8", NULL },
	/* Commonly used without assignment (RFC 7605 section 7.8). */
	{ NULL, 4500, TCP, "port-unofficial", WARN, "RFC 7605 §7.8", "port-unofficial-unknown" },
	{ NULL, 4500, UDP, "port-unassigned", INFO, "RFC 7605 §7.7", "port-unofficial" },
	{ NULL, 4600, TCP, "port-listed", WARN, "RFC 7605 §7.8", NULL },
	{ "localthing", 4600, TCP, "port-listed-for-plan", OK_, "RFC 6335 §8.1", "port-listed" },
	/* Ephemeral ranges (RFC 6335 section 6, RFC 6056 section 3.2). */
	{ NULL, 33000, TCP, "port-os-ephemeral", WARN, "RFC 6056 §3.2", NULL },
	{ NULL, 5000, TCP, "port-user", OK_, "RFC 6335 §8.1.2", "port-os-ephemeral" },
	{ NULL, 60000, UDP, "port-os-ephemeral", WARN, "RFC 6335 §6", NULL },
	/* RFC 7605 section 7: the advice every plan gets. */
	{ "newthing", NOPORT, 0, "advice-need", INFO, "RFC 7605 §7.1", NULL },
	{ "newthing", NOPORT, 0, "advice-one-port", INFO, "RFC 7605 §7.2", NULL },
	{ NULL, 4450, TCP, "advice-versions", INFO, "RFC 7605 §7.5", NULL },
	{ NULL, 4450, TCP, "advice-security", INFO, "RFC 7605 §7.4", NULL },
	{ NULL, 4450, TCP, "advice-experimental", INFO, "RFC 4727", NULL },
	{ NULL, 4450, TCP, "advice-squatting", INFO, "RFC 7605 §7.8", NULL },
	{ "newthing", 4450, TCP, "advice-squatting", INFO, "RFC 7605 §7.8", NULL },
	/* ... but not when the plan is the port's assignment already */
	{ "http", 80, TCP, "advice-need", INFO, "RFC 7605 §7.1", "advice-squatting" },
	{ "http", 80, TCP, "advice-versions", INFO, "RFC 7605 §7.5", "advice-experimental" },
	{ "myweb", 80, TCP, "advice-squatting", INFO, "RFC 7605 §7.8", NULL },
};

/* Does cite ("RFC 6335 §6, §8.1.2; RFC 7605 §7.3") cite expect ("RFC
 * 6335 §8.1.2"): that RFC, and that exact section in its part? */
static bool cites(const char *cite, const char *expect)
{
	const char *sect = strstr(expect, " §");
	char rfc[32];

	if (sect == NULL) /* "RFC 4727": the document as a whole */
		return strstr(cite, expect) != NULL;
	snprintf(rfc, sizeof rfc, "%.*s", (int)(sect - expect), expect);
	sect++;
	const char *part = strstr(cite, rfc);
	if (part == NULL)
		return false;
	const char *end = strstr(part + 1, "RFC ");
	size_t n = strlen(sect);
	for (const char *p = strstr(part, sect); p != NULL && (end == NULL || p < end);
	     p = strstr(p + 1, sect)) {
		char next = p[n];
		if (!(next >= '0' && next <= '9') &&
		    !(next == '.' && p[n + 1] >= '0' && p[n + 1] <= '9'))
			return true;
	}
	return false;
}

static pk_registry *fixture(void)
{
	return pickfix_registry(fixture_csv, fixture_services, fixture_unofficial);
}

static const pk_finding *find(const pk_advice *a, const char *id)
{
	for (size_t i = 0; i < pk_advice_count(a); i++)
		if (strcmp(pk_finding_code(pk_advice_get(a, i)), id) == 0)
			return pk_advice_get(a, i);
	return NULL;
}

static pk_advice *advise(const pk_registry *reg, const char *name, int port,
			 unsigned protos)
{
	pk_plan plan = { 0 };
	pk_advice *a = NULL;
	pk_error err;

	plan.name = name;
	plan.has_port = port != NOPORT;
	plan.port = port == NOPORT ? 0 : (uint16_t)port;
	plan.protos = protos;
	if (pk_advise(reg, &plan, &a, &err) != PK_OK)
		fail_msg("pk_advise: %s", err.message);
	return a;
}

static void test_table(void **state)
{
	pk_registry *reg = fixture();

	(void)state;
	assert_true(sizeof cases / sizeof cases[0] >= 30);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const acase *c = &cases[i];
		pk_advice *a = advise(reg, c->name, c->port, c->protos);
		const pk_finding *f = find(a, c->expect_id);
		if (f == NULL) {
			fprintf(stderr, "case %zu (%s, %d): findings:\n", i,
				c->name ? c->name : "-", c->port);
			for (size_t j = 0; j < pk_advice_count(a); j++)
				fprintf(stderr, "  %s %s\n",
					pk_finding_code(pk_advice_get(a, j)),
					SUMMARY(pk_advice_get(a, j)));
			fail_msg("case %zu: no finding '%s'", i, c->expect_id);
		}
		if (pk_finding_severity(f) != c->expect_sev)
			fail_msg("case %zu: '%s' is %s, expected %s", i, c->expect_id,
				 pk_severity_name(pk_finding_severity(f)),
				 pk_severity_name(c->expect_sev));
		if (!cites(CITE(f), c->cite))
			fail_msg("case %zu: '%s' cites '%s', expected '%s'", i,
				 c->expect_id, CITE(f), c->cite);
		if (SUMMARY(f)[0] == '\0')
			fail_msg("case %zu: '%s' has no text", i, c->expect_id);
		if (c->absent_id != NULL && find(a, c->absent_id) != NULL)
			fail_msg("case %zu: '%s' reported: %s", i, c->absent_id,
				 SUMMARY(find(a, c->absent_id)));
		/* Every finding cites an RFC section, as data and in words,
		 * and its words name no command line. */
		for (size_t j = 0; j < pk_advice_count(a); j++) {
			const pk_finding *g = pk_advice_get(a, j);
			assert_true(pk_finding_cite_count(g) > 0);
			assert_true(pk_finding_cite(g, 0)->rfc > 0);
			assert_non_null(strstr(CITE(g), "RFC "));
			assert_no_cli_syntax(g);
		}
		pk_advice_free(a);
	}
	pk_registry_close(reg);
}

static void test_cites(void **state)
{
	(void)state;
	assert_true(cites("RFC 6335 §6, §8.1.2", "RFC 6335 §8.1.2"));
	assert_true(cites("RFC 6335 §6, §8.1.2", "RFC 6335 §6"));
	assert_false(cites("RFC 6335 §8.1.2", "RFC 6335 §8.1"));
	assert_false(cites("RFC 6335 §8.1.2; RFC 7605 §7.3", "RFC 7605 §8.1.2"));
	assert_true(cites("RFC 6335 §8.1.2; RFC 7605 §7.3", "RFC 7605 §7.3"));
	assert_true(cites("RFC 7605 §7.7; RFC 4727", "RFC 4727"));
	assert_false(cites("RFC 7605 §7.7", "RFC 6335 §7.7"));
}

static void test_details(void **state)
{
	pk_registry *reg = fixture();

	(void)state;
	/* An assigned port names its service, and points at its record. */
	pk_advice *a = advise(reg, "myweb", 80, PK_PROTOMASK(PK_PROTO_TCP));
	const pk_finding *f = find(a, "port-assigned");
	assert_non_null(f);
	assert_non_null(strstr(SUMMARY(f), "'http'"));
	assert_non_null(strstr(SUMMARY(f), "World Wide Web HTTP"));
	pk_record rec;
	assert_int_equal(pk_record_get(reg, (pk_recid)fact_u(f, "record"), &rec, NULL), PK_OK);
	assert_string_equal(rec.name, "http");
	/* The facts the sentence is made of. */
	assert_int_equal(fact_u(f, "port"), 80);
	assert_int_equal(fact_u(f, "protocol"), PK_PROTO_TCP);
	assert_string_equal(pk_finding_string(f, "service"), "http");
	assert_string_equal(pk_finding_string(f, "description"), "World Wide Web HTTP");
	assert_int_equal(pk_finding_cite(f, 0)->rfc, 7605);
	assert_string_equal(pk_finding_cite(f, 0)->section, "7.8");
	assert_int_equal(pk_advice_worst(a), PK_SEV_WARNING);
	pk_advice_free(a);

	/* The plan's own record is the one named, not another record on
	 * the same port (4100/tcp holds IANA's widget and services(5)'s
	 * widget-ctl). */
	a = advise(reg, "widget-ctl", 4100, PK_PROTOMASK(PK_PROTO_TCP));
	f = find(a, "port-assigned-to-plan");
	assert_non_null(f);
	assert_non_null(strstr(SUMMARY(f), "'widget-ctl'"));
	assert_int_equal(pk_record_get(reg, (pk_recid)fact_u(f, "record"), &rec, NULL), PK_OK);
	assert_string_equal(rec.name, "widget-ctl");
	pk_advice_free(a);

	/* A registered name says where. */
	a = advise(reg, "widget", NOPORT, 0);
	f = find(a, "name-registered");
	assert_non_null(f);
	assert_non_null(strstr(SUMMARY(f), "4100/tcp"));
	pk_port_range where;
	assert_true(pk_finding_range(f, "ports", &where));
	assert_int_equal(where.lo, 4100);
	assert_int_equal(fact_u(f, "protocol"), PK_PROTO_TCP);
	pk_advice_free(a);

	/* An unofficial use names the user. */
	a = advise(reg, NULL, 4500, PK_PROTOMASK(PK_PROTO_TCP));
	f = find(a, "port-unofficial");
	assert_non_null(f);
	assert_non_null(strstr(SUMMARY(f), "squatter"));
	pk_advice_free(a);

	/* The ephemeral finding names the profiles whose range holds it. */
	a = advise(reg, NULL, 33000, PK_PROTOMASK(PK_PROTO_TCP));
	f = find(a, "port-os-ephemeral");
	assert_non_null(strstr(SUMMARY(f), "linux"));
	const pk_fact *os = pk_finding_fact(f, "os");
	assert_int_equal(os->type, PK_FACT_OS);
	assert_true(os->count >= 1);
	bool linux_seen = false;
	for (size_t i = 0; i < os->count; i++)
		linux_seen |= strcmp(os->values[i].os->id, "linux") == 0;
	assert_true(linux_seen);
	pk_advice_free(a);

	/* A clean plan: nothing against it (worst is advice), so exit 0. */
	a = advise(reg, "newthing", 4450, PK_PROTOMASK(PK_PROTO_TCP));
	assert_int_equal(pk_advice_worst(a), PK_SEV_INFO);
	pk_advice_free(a);
	/* A bad name is an error. */
	a = advise(reg, "my_app", 4450, PK_PROTOMASK(PK_PROTO_TCP));
	assert_int_equal(pk_advice_worst(a), PK_SEV_ERROR);
	pk_advice_free(a);
	pk_registry_close(reg);

	/* A registry without unofficial-use data says so. */
	reg = pickfix_registry(fixture_csv, NULL, NULL);
	a = advise(reg, NULL, 4450, PK_PROTOMASK(PK_PROTO_TCP));
	f = find(a, "port-unofficial-unknown");
	assert_non_null(f);
	assert_int_equal(pk_finding_severity(f), PK_SEV_INFO);
	pk_advice_free(a);
	pk_registry_close(reg);

	/* No registry: syntax and ranges only. */
	a = advise(NULL, "http", 80, PK_PROTOMASK(PK_PROTO_TCP));
	assert_null(find(a, "name-registered"));
	assert_null(find(a, "port-assigned"));
	assert_non_null(find(a, "port-system"));
	pk_advice_free(a);
}

static const pk_draft_field *draft_field(const pk_advice *a, const char *name)
{
	for (size_t i = 0; i < pk_advice_draft_count(a); i++)
		if (strcmp(pk_advice_draft_get(a, i)->field, name) == 0)
			return pk_advice_draft_get(a, i);
	return NULL;
}

static void test_draft(void **state)
{
	pk_registry *reg = fixture();
	pk_plan plan = { 0 };
	pk_advice *a = NULL;
	pk_error err;
	const pk_draft_field *f;

	(void)state;
	plan.name = "newthing";
	plan.has_port = true;
	plan.port = 4500;
	plan.protos = PK_PROTOMASK(PK_PROTO_TCP) | PK_PROTOMASK(PK_PROTO_UDP);
	plan.description = "Remote newthing control";
	plan.contact = "Ann Example <ann@example.org>";
	assert_int_equal(pk_advise(reg, &plan, &a, &err), PK_OK);
	/* The RFC 6335 section 8.1 fields, filled in from the plan ... */
	f = draft_field(a, "Service Name");
	assert_string_equal(f->value, "newthing");
	assert_true(f->known);
	assert_string_equal(draft_field(a, "Transport Protocol(s)")->value, "tcp,udp");
	assert_string_equal(draft_field(a, "Port Number")->value, "4500");
	assert_string_equal(draft_field(a, "Description")->value, "Remote newthing control");
	assert_string_equal(draft_field(a, "Contact")->value, "Ann Example <ann@example.org>");
	/* ... what is unknown says what to write ... */
	f = draft_field(a, "Assignee");
	assert_false(f->known);
	assert_true(f->value[0] == '(');
	assert_non_null(draft_field(a, "Reference"));
	/* ... and the registry's knowledge of squatters. */
	f = draft_field(a, "Known Unauthorized Uses");
	assert_true(f->known);
	assert_non_null(strstr(f->value, "squatter"));
	assert_null(draft_field(a, "Service Code")); /* DCCP only */
	assert_non_null(draft_field(a, "Broadcast, multicast, congestion control"));
	pk_advice_free(a);

	plan.protos = PK_PROTOMASK(PK_PROTO_DCCP);
	plan.has_port = false;
	assert_int_equal(pk_advise(reg, &plan, &a, &err), PK_OK);
	assert_non_null(draft_field(a, "Service Code"));
	assert_false(draft_field(a, "Port Number")->known);
	pk_advice_free(a);
	pk_registry_close(reg);
}

/* A broken rule is data: the limit the sentence names is a fact. */
static void test_name_facts(void **state)
{
	(void)state;
	pk_advice *a = advise(NULL, "a-very-long-service-name", NOPORT, 0);
	const pk_finding *f = find(a, "name-too-long");
	assert_non_null(f);
	assert_string_equal(pk_finding_string(f, "name"), "a-very-long-service-name");
	assert_int_equal(fact_u(f, "length"), 24);
	assert_int_equal(fact_u(f, "max_length"), 15);
	assert_int_equal(pk_finding_fix_count(f), 0);
	assert_string_equal(SUMMARY(f),
			    "'a-very-long-service-name' is not a valid service name: it is longer than 15 characters");
	assert_string_equal(CITE(f), "RFC 6335 §5.1");
	assert_int_equal(pk_finding_cite(f, 0)->rfc, 6335);
	assert_string_equal(pk_finding_cite(f, 0)->section, "5.1");
	assert_null(pk_finding_cite(f, 1));
	assert_null(pk_finding_fact_at(f, 99));
	assert_null(pk_finding_fact(f, "no-such-fact"));
	assert_null(pk_finding_string(f, "length")); /* a uint, not a string */
	uint64_t v;
	assert_false(pk_finding_uint(f, "name", &v));
	/* pk_finding_text says how long the whole text is, like snprintf. */
	char small[8];
	size_t need = pk_finding_text(f, PK_FINDING_SUMMARY, small, sizeof small);
	assert_int_equal(need, strlen(SUMMARY(f)));
	assert_string_equal(small, "'a-very");
	pk_advice_free(a);

	/* Several citations of one RFC are grouped in the words. */
	a = advise(NULL, NULL, 50000, PK_PROTOMASK(PK_PROTO_TCP));
	f = find(a, "port-dynamic");
	assert_int_equal(pk_finding_cite_count(f), 2);
	assert_string_equal(CITE(f), "RFC 6335 §6, §8.1.2");
	pk_port_range r;
	assert_true(pk_finding_range(f, "class_ports", &r));
	assert_int_equal(r.lo, 49152);
	assert_int_equal(r.hi, 65535);
	pk_advice_free(a);
}

static void test_service_name_check(void **state)
{
	const char *why = NULL;

	(void)state;
	assert_true(pk_service_name_check("http", &why));
	assert_null(why);
	assert_true(pk_service_name_check("z39-50", NULL));
	assert_false(pk_service_name_check("z39.50", &why));
	assert_string_equal(why, "name-bad-char");
	assert_false(pk_service_name_check("sql*net", &why));
	assert_false(pk_service_name_check("", &why));
	assert_false(pk_service_name_check(NULL, &why));
	assert_false(pk_service_name_check("a-", &why));
	assert_false(pk_service_name_check("0123456789abcdef", &why));
	assert_string_equal(why, "name-too-long");
	assert_true(pk_service_name_check("0123456789abcde", &why));
	/* Non-ASCII letters are not letters here. */
	assert_false(pk_service_name_check("caf\xc3\xa9", &why));
}

static void test_bad_plan(void **state)
{
	pk_plan plan = { 0 };
	pk_advice *a = (pk_advice *)&plan;
	pk_error err;

	(void)state;
	assert_int_equal(pk_advise(NULL, &plan, &a, &err), PK_INVAL);
	assert_null(a);
	assert_non_null(strstr(err.message, "nothing to review"));
	assert_int_equal(pk_advise(NULL, NULL, &a, &err), PK_INVAL);
	pk_advice_free(NULL);
	assert_string_equal(pk_severity_name(PK_SEV_WARNING), "warning");
	assert_string_equal(pk_severity_name(PK_SEV_ERROR), "error");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cites),
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_details),
		cmocka_unit_test(test_draft),
		cmocka_unit_test(test_name_facts),
		cmocka_unit_test(test_service_name_check),
		cmocka_unit_test(test_bad_plan),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
