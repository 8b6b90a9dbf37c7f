/* test_query.c - the lookup grammar (every argument the CLI tests give
 * `portkit ARG...` and `portkit range`, valid or not, with the exact
 * message), search words, and running queries on the registry fixture:
 * /PROTO and --proto restrictions, names containing '/', the range
 * filters and the unassigned runs. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "helper_regfix.h"

#define TCP PK_PROTOMASK(PK_PROTO_TCP)
#define UDP PK_PROTOMASK(PK_PROTO_UDP)
#define SCTP PK_PROTOMASK(PK_PROTO_SCTP)
#define DCCP PK_PROTOMASK(PK_PROTO_DCCP)

/* A query that parses: its type, ports or name, and transports. */
static void ok(const char *arg, unsigned option, pk_query_type type,
	       unsigned lo, unsigned hi, const char *name, unsigned protocols)
{
	pk_query *q = NULL;
	pk_error err;
	uint16_t qlo, qhi;

	assert_int_equal(pk_query_parse(arg, option, &q, &err), PK_OK);
	assert_non_null(q);
	assert_int_equal(pk_query_get_type(q), type);
	assert_string_equal(pk_query_text(q), arg);
	assert_int_equal(pk_query_ports(q, &qlo, &qhi), name == NULL);
	assert_int_equal(qlo, lo);
	assert_int_equal(qhi, hi);
	if (name == NULL)
		assert_null(pk_query_name(q));
	else
		assert_string_equal(pk_query_name(q), name);
	assert_int_equal(pk_query_protocols(q), protocols);
	assert_int_equal(pk_query_filter(q), PK_FILTER_ALL);
	pk_query_free(q);
}

/* A query that does not parse: PK_INVAL and exactly this message. */
static void bad(const char *arg, const char *message)
{
	pk_query *q = (pk_query *)&q; /* must be reset to NULL */
	pk_error err;

	assert_int_equal(pk_query_parse(arg, 0, &q, &err), PK_INVAL);
	assert_null(q);
	assert_int_equal(err.status, PK_INVAL);
	assert_string_equal(err.message, message);
}

static void test_ports(void **state)
{
	(void)state;
	ok("443", 0, PK_QUERY_PORT, 443, 443, NULL, 0);
	ok("0", 0, PK_QUERY_PORT, 0, 0, NULL, 0);
	ok("51234", 0, PK_QUERY_PORT, 51234, 51234, NULL, 0);
	ok("0080", 0, PK_QUERY_PORT, 80, 80, NULL, 0);
	ok("53/udp", 0, PK_QUERY_PORT, 53, 53, NULL, UDP);
	ok("22/sctp", 0, PK_QUERY_PORT, 22, 22, NULL, SCTP);
	ok("9/tcp,udp", 0, PK_QUERY_PORT, 9, 9, NULL, TCP | UDP);
	ok("9/tcp/udp", 0, PK_QUERY_PORT, 9, 9, NULL, TCP | UDP);
	ok("6000-6010", 0, PK_QUERY_RANGE, 6000, 6010, NULL, 0);
	ok("80-80", 0, PK_QUERY_PORT, 80, 80, NULL, 0);
	ok("49152-65535/udp", 0, PK_QUERY_RANGE, 49152, 65535, NULL, UDP);
	/* --proto alone, and with /PROTO: both must hold. */
	ok("443", SCTP, PK_QUERY_PORT, 443, 443, NULL, SCTP);
	ok("9/tcp,udp", UDP | DCCP, PK_QUERY_PORT, 9, 9, NULL, UDP);
	/* "53/tcp --proto udp": nothing can match; no transport is named. */
	ok("53/tcp", UDP, PK_QUERY_PORT, 53, 53, NULL, 0);
}

static void test_names(void **state)
{
	(void)state;
	ok("http", 0, PK_QUERY_NAME, 0, 0, "http", 0);
	ok("kerberos/udp", 0, PK_QUERY_NAME, 0, 0, "kerberos", UDP);
	ok("KERBEROS/UDP", 0, PK_QUERY_NAME, 0, 0, "KERBEROS", UDP);
	ok("krb5/udp", 0, PK_QUERY_NAME, 0, 0, "krb5", UDP);
	ok("HTTPS/sctp", 0, PK_QUERY_NAME, 0, 0, "HTTPS", SCTP);
	ok("abc/tcp", 0, PK_QUERY_NAME, 0, 0, "abc", TCP);
	ok("abc/tcp,udp", 0, PK_QUERY_NAME, 0, 0, "abc", TCP | UDP);
	ok("whois++", 0, PK_QUERY_NAME, 0, 0, "whois++", 0);
	ok("nosuchservice", 0, PK_QUERY_NAME, 0, 0, "nosuchservice", 0);
	/* A suffix that is not a transport stays part of the name. */
	ok("914c/g", 0, PK_QUERY_NAME, 0, 0, "914c/g", 0);
	ok("914c/g/tcp", 0, PK_QUERY_NAME, 0, 0, "914c/g", TCP);
	ok("a/b/", 0, PK_QUERY_NAME, 0, 0, "a/b/", 0);
	ok("http", TCP, PK_QUERY_NAME, 0, 0, "http", TCP);
	ok("http/udp", TCP, PK_QUERY_NAME, 0, 0, "http", 0);
	/* A letter before the '/' makes a name, whatever follows. */
	ok("x80/tcp", 0, PK_QUERY_NAME, 0, 0, "x80", TCP);
	char longest[PK_QUERY_NAME_MAX + 1];
	memset(longest, 'a', PK_QUERY_NAME_MAX);
	longest[PK_QUERY_NAME_MAX] = '\0';
	ok(longest, 0, PK_QUERY_NAME, 0, 0, longest, 0);
}

static void test_invalid(void **state)
{
	(void)state;
	/* Digits, '-' and blanks before any '/': always a port. */
	bad("70000", "invalid port '70000': expected 0-65535");
	bad("-1", "invalid port '-1': expected 0-65535 or LO-HI (a port has no sign)");
	bad("80-", "invalid port '80-': expected a range LO-HI with both ends in 0-65535");
	bad("80-70", "invalid port '80-70': range is reversed; expected LO <= HI");
	bad("80/xyz", "invalid transport in '80/xyz': expected tcp, udp, sctp or dccp");
	bad("80/", "invalid transport in '80/': expected tcp, udp, sctp or dccp");
	bad("", "invalid port '': empty; expected 0-65535, LO-HI or PORT/PROTO");
	bad("80 ", "invalid port '80 ': expected 0-65535");
	bad("99999-100000",
	    "invalid port '99999-100000': expected a range LO-HI with both ends in 0-65535");
	/* Nothing before the '/' is no name either. */
	bad("/", "invalid port '/': expected 0-65535");
	bad("/tcp", "invalid port '/tcp': expected 0-65535");

	char *digits = malloc(10241), *name = malloc(10241);
	assert_non_null(digits);
	assert_non_null(name);
	memset(digits, '1', 10240);
	digits[10240] = '\0';
	memset(name, 'a', 10240);
	name[10240] = '\0';
	pk_query *q;
	pk_error err;
	assert_int_equal(pk_query_parse(digits, 0, &q, &err), PK_INVAL);
	assert_true(strncmp(err.message, "invalid port '1111111111111111111111111111111111111111...': expected 0-65535",
			    strlen(err.message)) == 0);
	bad(name, "invalid service name 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...' (10240 bytes): expected at most 63 characters");
	name[PK_QUERY_NAME_MAX + 1] = '\0';
	bad(name, "invalid service name 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...' (64 bytes): expected at most 63 characters");
	free(digits);
	free(name);
	bad("ab\001c", "invalid service name: byte 0x01 at position 3; expected printable ASCII, spaces only inside");
	bad("ab  c", "invalid service name: byte 0x20 at position 3; expected printable ASCII, spaces only inside");
	bad("ab c ", "invalid service name: byte 0x20 at position 5; expected printable ASCII, spaces only inside");
	bad("caf\xc3\xa9", "invalid service name: byte 0xc3 at position 4; expected printable ASCII, spaces only inside");
	assert_int_equal(pk_query_parse(NULL, 0, &q, NULL), PK_INVAL);
}

/* `portkit range`: a port specification only. */
static void test_range_grammar(void **state)
{
	(void)state;
	pk_query *q;
	pk_error err;
	uint16_t lo, hi;

	assert_int_equal(pk_query_parse_range("abc/tcp", 0, PK_FILTER_ALL, &q, &err), PK_INVAL);
	assert_string_equal(err.message, "invalid port 'abc/tcp': expected 0-65535");
	assert_int_equal(pk_query_parse_range("-5", 0, PK_FILTER_ALL, &q, &err), PK_INVAL);
	assert_string_equal(err.message, "invalid port '-5': expected 0-65535 or LO-HI (a port has no sign)");
	assert_int_equal(pk_query_parse_range("80-70", 0, PK_FILTER_ALL, &q, &err), PK_INVAL);
	assert_int_equal(pk_query_parse_range("1-2", 0, (pk_range_filter)7, &q, &err), PK_INVAL);

	assert_int_equal(pk_query_parse_range("80", 0, PK_FILTER_ASSIGNED, &q, &err), PK_OK);
	assert_int_equal(pk_query_get_type(q), PK_QUERY_PORT);
	assert_int_equal(pk_query_filter(q), PK_FILTER_ASSIGNED);
	assert_true(pk_query_ports(q, &lo, &hi));
	assert_int_equal(lo, 80);
	pk_query_free(q);
	/* Unassigned: tcp and udp unless restricted; nothing when the
	 * restrictions exclude each other. */
	assert_int_equal(pk_query_parse_range("1-9", 0, PK_FILTER_UNASSIGNED, &q, &err), PK_OK);
	assert_int_equal(pk_query_protocols(q), TCP | UDP);
	pk_query_free(q);
	assert_int_equal(pk_query_parse_range("1-9", DCCP, PK_FILTER_UNASSIGNED, &q, &err), PK_OK);
	assert_int_equal(pk_query_protocols(q), DCCP);
	pk_query_free(q);
	assert_int_equal(pk_query_parse_range("53/udp", TCP, PK_FILTER_UNASSIGNED, &q, &err), PK_OK);
	assert_int_equal(pk_query_protocols(q), 0);
	pk_query_free(q);
	assert_string_equal(pk_range_filter_name(PK_FILTER_UNASSIGNED), "unassigned");
}

static void test_words(void **state)
{
	(void)state;
	pk_query *q;
	pk_error err;
	const char *two[] = { "HTTP", "alternate" };
	const char *empty[] = { "http", "" };

	assert_int_equal(pk_query_parse_words(NULL, 0, 0, &q, &err), PK_INVAL);
	assert_string_equal(err.message, "nothing to search for: expected one or more words");
	assert_int_equal(pk_query_parse_words(empty, 2, 0, &q, &err), PK_INVAL);
	assert_string_equal(err.message, "invalid search word '': expected a non-empty word");
	char *big = malloc(PK_QUERY_WORD_MAX + 2);
	assert_non_null(big);
	memset(big, 'w', PK_QUERY_WORD_MAX + 1);
	big[PK_QUERY_WORD_MAX + 1] = '\0';
	const char *one[] = { big };
	assert_int_equal(pk_query_parse_words(one, 1, 0, &q, &err), PK_INVAL);
	assert_string_equal(err.message, "invalid search word 'wwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwww...' (257 bytes): expected at most 256 bytes");
	big[PK_QUERY_WORD_MAX] = '\0';
	assert_int_equal(pk_query_parse_words(one, 1, 0, &q, &err), PK_OK);
	pk_query_free(q);
	free(big);

	assert_int_equal(pk_query_parse_words(two, 2, UDP, &q, &err), PK_OK);
	assert_int_equal(pk_query_get_type(q), PK_QUERY_WORDS);
	assert_string_equal(pk_query_text(q), "HTTP alternate");
	assert_int_equal(pk_query_word_count(q), 2);
	assert_string_equal(pk_query_word(q, 1), "alternate");
	assert_null(pk_query_word(q, 2));
	assert_null(pk_query_name(q));
	assert_int_equal(pk_query_protocols(q), UDP);
	pk_query_free(q);
}

/* Parses and runs arg on reg; returns regfix_list() of the answer. */
static const char *run(const pk_registry *reg, const char *arg, unsigned option)
{
	pk_query *q;
	pk_error err;
	size_t n;

	assert_int_equal(pk_query_parse(arg, option, &q, &err), PK_OK);
	const pk_recid *ids = pk_query_records(q, &n);
	assert_int_equal(n, 0); /* nothing before it is run */
	assert_int_equal(pk_query_run(reg, q, &err), PK_OK);
	/* Running again replaces the answer. */
	assert_int_equal(pk_query_run(reg, q, &err), PK_OK);
	ids = pk_query_records(q, &n);
	assert_int_equal(pk_query_found(q), n > 0);
	const char *list = regfix_list(reg, ids, n);
	pk_query_free(q);
	return list;
}

static void test_run(void **state)
{
	(void)state;
	pk_registry *reg = regfix_registry();

	assert_string_equal(run(reg, "80/tcp", 0), "http/tcp/80 www/tcp/80 www-http/tcp/80");
	assert_string_equal(run(reg, "80", SCTP), "http/sctp/80");
	assert_string_equal(run(reg, "80/tcp", UDP), "");
	assert_string_equal(run(reg, "6003", 0), "x11/tcp/6000-6063 x11/udp/6000-6063");
	assert_string_equal(run(reg, "1040-1041", 0), "#unassigned/tcp/1030-1040");
	/* A record with no transport answers every transport. */
	assert_string_equal(run(reg, "51/udp", 0), "#reserved/-/51");
	assert_string_equal(run(reg, "914c/g", 0), "914c/g/tcp/211");
	assert_string_equal(run(reg, "914C/G/tcp", 0), "914c/g/tcp/211");
	assert_string_equal(run(reg, "914c/g/udp", 0), "");
	assert_string_equal(run(reg, "KRB5/udp", 0), "kerberos/udp/88");
	assert_string_equal(run(reg, "nameonly-svc", TCP), "nameonly-svc/-/-");
	assert_string_equal(run(reg, "nosuchservice", 0), "");
	pk_query *q;
	pk_error err;
	assert_int_equal(pk_query_parse("80", 0, &q, NULL), PK_OK);
	assert_int_equal(pk_query_run(NULL, q, &err), PK_INVAL);
	assert_false(pk_query_found(q));
	pk_query_free(q);
	pk_registry_close(reg);
}

static const char *run_range(const pk_registry *reg, const char *arg,
			     unsigned option, pk_range_filter f)
{
	pk_query *q;
	pk_error err;
	size_t n;

	assert_int_equal(pk_query_parse_range(arg, option, f, &q, &err), PK_OK);
	assert_int_equal(pk_query_run(reg, q, &err), PK_OK);
	const pk_recid *ids = pk_query_records(q, &n);
	assert_int_equal(pk_query_found(q), n > 0);
	assert_null(pk_query_runs(q));
	const char *list = regfix_list(reg, ids, n);
	pk_query_free(q);
	return list;
}

static void test_run_range(void **state)
{
	(void)state;
	pk_registry *reg = regfix_registry();
	pk_query *q;
	pk_error err;

	assert_string_equal(run_range(reg, "40-52", 0, PK_FILTER_ALL),
			    "nicname/tcp/43 whois/tcp/43 nicname/udp/43 #reserved/-/51");
	/* IANA's named records, historic aliases included. */
	assert_string_equal(run_range(reg, "40-52", 0, PK_FILTER_ASSIGNED),
			    "nicname/tcp/43 whois/tcp/43 nicname/udp/43");
	/* Neither services(5) nor unofficial records are IANA's; the
	 * supplement's ranges are. */
	assert_string_equal(run_range(reg, "9999", 0, PK_FILTER_ASSIGNED), "");
	assert_string_equal(run_range(reg, "25565", 0, PK_FILTER_ASSIGNED), "");
	assert_string_equal(run_range(reg, "27005", 0, PK_FILTER_ASSIGNED),
			    "flex-lm/tcp/27000-27009");

	/* 80-82: http on 80 (tcp, udp); 81 Unassigned; 82 nothing. */
	assert_int_equal(pk_query_parse_range("80-82", 0, PK_FILTER_UNASSIGNED, &q, &err), PK_OK);
	assert_int_equal(pk_query_run(reg, q, &err), PK_OK);
	size_t n;
	assert_null(pk_query_records(q, &n));
	assert_int_equal(n, 0);
	const pk_port_runs *runs = pk_query_runs(q);
	assert_non_null(runs);
	assert_true(pk_query_found(q));
	assert_int_equal(pk_port_runs_count(runs), 2);
	const pk_port_run *r0 = pk_port_runs_get(runs, 0);
	assert_int_equal(r0->lo, 81);
	assert_int_equal(r0->hi, 82);
	assert_int_equal(r0->proto, PK_PROTO_TCP);
	assert_int_equal(pk_port_runs_total(runs, PK_PROTO_UDP), 2);
	pk_query_free(q);
	/* Excluding restrictions: no runs, nothing found. */
	assert_int_equal(pk_query_parse_range("80-82/udp", TCP, PK_FILTER_UNASSIGNED, &q, &err), PK_OK);
	assert_int_equal(pk_query_run(reg, q, &err), PK_OK);
	assert_null(pk_query_runs(q));
	assert_false(pk_query_found(q));
	pk_query_free(q);
	/* 80 is assigned for tcp: nothing unassigned. */
	assert_int_equal(pk_query_parse_range("80/tcp", 0, PK_FILTER_UNASSIGNED, &q, &err), PK_OK);
	assert_int_equal(pk_query_run(reg, q, &err), PK_OK);
	assert_false(pk_query_found(q));
	pk_query_free(q);
	pk_query_free(NULL);
	pk_registry_close(reg);
}

static void test_run_words(void **state)
{
	(void)state;
	pk_registry *reg = regfix_registry();
	const char *w[] = { "multicast", "DNS" };
	pk_query *q;
	pk_error err;
	size_t n;

	assert_int_equal(pk_query_parse_words(w, 2, UDP, &q, &err), PK_OK);
	assert_int_equal(pk_query_run(reg, q, &err), PK_OK);
	const pk_recid *ids = pk_query_records(q, &n);
	assert_string_equal(regfix_list(reg, ids, n), "mdns/udp/5353");
	pk_query_free(q);
	pk_registry_close(reg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ports),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_invalid),
		cmocka_unit_test(test_range_grammar),
		cmocka_unit_test(test_words),
		cmocka_unit_test(test_run),
		cmocka_unit_test(test_run_range),
		cmocka_unit_test(test_run_words),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
