/* test_abi.c - structs sized by the caller (portkit.h's opening comment):
 * a program built against an older header passes a smaller struct, one
 * built against a newer header a larger one.  The library writes no byte
 * beyond min(its size, the caller's) and reads none beyond the caller's;
 * fields the caller does not have take their defaults.  Also: functions
 * that can fail say why in their pk_error. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "helper_regfix.h"

#define GUARD 0xa5
#define SLACK 64

/* A buffer of n bytes plus SLACK, every byte GUARD. */
static unsigned char *guarded(size_t n)
{
	unsigned char *p = malloc(n + SLACK);

	assert_non_null(p);
	memset(p, GUARD, n + SLACK);
	return p;
}

/* Bytes [from, to) of p are all GUARD. */
static void assert_untouched(const unsigned char *p, size_t from, size_t to)
{
	for (size_t i = from; i < to; i++)
		if (p[i] != GUARD)
			fail_msg("byte %zu of %zu was written", i, to);
}

static void test_record_get_old_and_new_sizes(void **state)
{
	pk_registry *reg = regfix_registry();
	pk_record full;
	pk_recid id;

	(void)state;
	assert_int_equal(pk_lookup_name(reg, "x11", PK_PROTOMASK(PK_PROTO_TCP), &id, 1), 1);
	assert_int_equal(pk_record_get(reg, id, &full, NULL), PK_OK);
	assert_string_equal(full.description, "X Window System");

	/* An older pk_record that ended before the text fields. */
	size_t old = offsetof(pk_record, description);
	unsigned char *buf = guarded(sizeof full);
	assert_int_equal(pk_record_get_(reg, id, (pk_record *)buf, old, NULL), PK_OK);
	assert_memory_equal(buf, &full, old);
	assert_untouched(buf, old, sizeof full + SLACK);
	free(buf);

	/* A newer, larger one: the library fills what it knows, no more. */
	buf = guarded(sizeof full);
	assert_int_equal(pk_record_get_(reg, id, (pk_record *)buf, sizeof full + SLACK, NULL),
			 PK_OK);
	assert_memory_equal(buf, &full, sizeof full);
	assert_untouched(buf, sizeof full, sizeof full + SLACK);
	free(buf);

	/* Nothing at all is written for an id out of range. */
	buf = guarded(sizeof full);
	pk_error err;
	assert_int_equal(pk_record_get_(reg, 1000, (pk_record *)buf, sizeof full, &err),
			 PK_RANGE);
	assert_non_null(strstr(err.message, "1000"));
	assert_untouched(buf, 0, sizeof full + SLACK);
	free(buf);
	pk_registry_close(reg);
}

static void test_info_and_party_sizes(void **state)
{
	pk_registry *reg = regfix_registry();
	pk_registry_info info;
	pk_party party;

	(void)state;
	pk_registry_get_info(reg, &info);
	size_t old = offsetof(pk_registry_info, counts_by_proto);
	unsigned char *buf = guarded(sizeof info);
	pk_registry_get_info_(reg, (pk_registry_info *)buf, old);
	assert_memory_equal(buf, &info, old);
	assert_untouched(buf, old, sizeof info + SLACK);
	free(buf);

	assert_int_equal(pk_person_get(reg, "Stephen_Gildea", &party, NULL), PK_OK);
	old = offsetof(pk_party, uri);
	buf = guarded(sizeof party);
	assert_int_equal(pk_person_get_(reg, "Stephen_Gildea", (pk_party *)buf, old, NULL),
			 PK_OK);
	assert_memory_equal(buf, &party, old);
	assert_untouched(buf, old, sizeof party + SLACK);
	free(buf);
	pk_registry_close(reg);
}

/* A workload the caller filled: bytes beyond its size are not read, and
 * the fields there take pk_sim_workload_default's values. */
static void test_workload_fields_beyond_size(void **state)
{
	pk_sim_workload w;
	pk_error err;

	(void)state;
	pk_sim_workload_default(&w);
	w.leak_trials = 0xffffffffu; /* invalid: more than 1000000 */
	assert_int_equal(pk_sim_workload_check(&w, &err), PK_RANGE);
	assert_non_null(strstr(err.message, "leakage"));
	/* An older caller whose workload ended before leak_trials. */
	assert_int_equal(pk_sim_workload_check_(&w, offsetof(pk_sim_workload, leak_trials),
						&err),
			 PK_OK);

	/* pk_sim_workload_default fills no more than the caller has. */
	unsigned char *buf = guarded(sizeof w);
	size_t old = offsetof(pk_sim_workload, attacker_share);
	pk_sim_workload_default_((pk_sim_workload *)buf, old);
	assert_int_equal(((pk_sim_workload *)buf)->rate, 200);
	assert_untouched(buf, old, sizeof w + SLACK);
	free(buf);

	/* A larger struct: the library reads its own size only. */
	buf = guarded(sizeof w);
	pk_sim_workload_default(&w);
	memcpy(buf, &w, sizeof w);
	assert_int_equal(pk_sim_workload_check_((pk_sim_workload *)buf, sizeof w + SLACK, &err),
			 PK_OK);
	free(buf);
}

/* The sim's result, written no further than the caller's size. */
static void test_sim_result_size(void **state)
{
	pk_sim_workload w;
	pk_sim_result full;
	pk_error err;

	(void)state;
	pk_sim_workload_default(&w);
	w.lo = 1000;
	w.hi = 1999;
	w.connections = 200;
	w.leak_trials = 10;
	assert_int_equal(pk_sim_run(&w, PK_EPH_RFC6056_1, 0.1, &full, &err), PK_OK);
	size_t old = offsetof(pk_sim_result, reuses);
	unsigned char *buf = guarded(sizeof full);
	assert_int_equal(pk_sim_run_(&w, sizeof w, PK_EPH_RFC6056_1, 0.1,
				     (pk_sim_result *)buf, old, &err),
			 PK_OK);
	pk_sim_result got;
	memcpy(&got, buf, old);
	assert_int_equal(got.allocations, full.allocations);
	assert_int_equal(got.probes_max, full.probes_max);
	assert_untouched(buf, old, sizeof full + SLACK);
	free(buf);
}

/* A plan that ends before description: the draft does not know one, even
 * though the caller's memory beyond its size holds a string. */
static void test_plan_fields_beyond_size(void **state)
{
	pk_plan plan = { .name = "abitestsvc", .has_port = false,
			 .description = "NOT PART OF THE OLD PLAN" };
	pk_advice *adv;
	pk_error err;

	(void)state;
	for (int pass = 0; pass < 2; pass++) {
		size_t size = pass == 0 ? sizeof plan : offsetof(pk_plan, description);
		assert_int_equal(pk_advise_(NULL, &plan, size, &adv, &err), PK_OK);
		bool seen = false;
		for (size_t i = 0; i < pk_advice_draft_count(adv); i++) {
			const pk_draft_field *f = pk_advice_draft_get(adv, i);
			seen |= strstr(f->value, "NOT PART OF") != NULL;
		}
		assert_int_equal(seen, pass == 0);
		pk_advice_free(adv);
	}
}

/* Results of pk_pick_run are strided by the caller's element size. */
static void test_pick_results_stride(void **state)
{
	enum { N = 4 };
	pk_pick *p;
	pk_pick_result full[N];
	size_t found;
	pk_error err;

	(void)state;
	assert_int_equal(pk_pick_new(NULL, &p, &err), PK_OK);
	assert_int_equal(pk_pick_avoid_os(p, "none", &err), PK_OK);
	pk_pick_set_flags(p, PK_PICK_NO_HOST_CHECK);
	assert_int_equal(pk_pick_set_range(p, 30000, 30100, &err), PK_OK);
	pk_pick_set_near(p, 30050);
	assert_int_equal(pk_pick_run(p, N, full, &found, &err), PK_OK);
	assert_int_equal(found, N);

	size_t old = offsetof(pk_pick_result, distance);
	unsigned char *buf = guarded(N * old);
	assert_int_equal(pk_pick_run_(p, N, (pk_pick_result *)buf, old, &found, &err), PK_OK);
	assert_int_equal(found, N);
	for (size_t i = 0; i < N; i++) {
		pk_pick_result r;
		memcpy(&r, buf + i * old, old);
		assert_int_equal(r.port, full[i].port);
		assert_int_equal(r.why, full[i].why);
	}
	assert_untouched(buf, N * old, N * old + SLACK);
	free(buf);

	/* The explanation reads no further than the caller's result: an older
	 * one has no distance, which the library takes as 0. */
	char a[512], b[512];
	pk_pick_result r = full[1];
	assert_true(r.distance != 0);
	r.distance = 0;
	pk_pick_explain(p, &r, a, sizeof a);
	pk_pick_explain_(p, &full[1], old, b, sizeof b);
	assert_string_equal(a, b);
	pk_pick_stats st;
	unsigned char *sb = guarded(sizeof st);
	pk_pick_get_stats_(p, (pk_pick_stats *)sb, offsetof(pk_pick_stats, in_use));
	assert_untouched(sb, offsetof(pk_pick_stats, in_use), sizeof st + SLACK);
	free(sb);
	pk_pick_free(p);
}

typedef struct seen_req {
	bool bind;
	uint64_t now_ms;
} seen_req;

static bool record_req(void *ctx, uint16_t port, const pk_eph_request *req)
{
	seen_req *s = ctx;

	(void)port;
	s->bind = req->bind;
	s->now_ms = req->now_ms;
	return true;
}

/* A request that ends before bind: the models and the callback see zeros
 * there, not the caller's bytes beyond its size. */
static void test_eph_request_beyond_size(void **state)
{
	pk_eph_config cfg = { .lo = 40000, .hi = 40100, .seed = 7 };
	pk_eph_request req = { .saddr = 1, .daddr = 2, .dport = 443, .bind = true,
			       .now_ms = 123456789 };
	pk_eph *e;
	uint16_t port;
	seen_req seen;
	pk_error err;

	(void)state;
	assert_int_equal(pk_eph_new(PK_EPH_SEQUENTIAL, &cfg, &e, &err), PK_OK);
	assert_int_equal(pk_eph_select(e, &req, record_req, &seen, &port, NULL, &err), PK_OK);
	assert_true(seen.bind);
	assert_int_equal(seen.now_ms, 123456789);
	assert_int_equal(pk_eph_select_(e, &req, offsetof(pk_eph_request, bind), record_req,
					&seen, &port, NULL, &err),
			 PK_OK);
	assert_false(seen.bind);
	assert_int_equal(seen.now_ms, 0);
	pk_eph_free(e);

	/* A config that ends before table_len gets the default 10. */
	pk_eph_config c4 = { .lo = 40000, .hi = 40100, .seed = 7, .table_len = 0 };
	assert_int_equal(pk_eph_new_(PK_EPH_RFC6056_4, &c4, offsetof(pk_eph_config, table_len),
				     &e, &err),
			 PK_OK);
	pk_eph_free(e);
}

/* pk_host_portconf goes back into the library: it carries its size. */
static void test_portconf_size_field(void **state)
{
	pk_host_portconf conf;
	pk_audit_input in = { .conf = &conf };
	pk_audit *a;
	pk_error err;

	(void)state;
	memset(&conf, 0, sizeof conf);
	assert_int_equal(pk_audit_run(&in, &a, &err), PK_INVAL);
	assert_non_null(strstr(err.message, "size 0"));
	conf.size = sizeof conf;
	conf.have_range = true;
	conf.ephemeral_lo = 32768;
	conf.ephemeral_hi = 60999;
	assert_int_equal(pk_audit_run(&in, &a, &err), PK_OK);
	pk_audit_free(a);

	/* An older input that ends before the registry: none is used. */
	pk_registry *reg = regfix_registry();
	in.reg = reg;
	assert_int_equal(pk_audit_run_(&in, offsetof(pk_audit_input, reg), &a, &err), PK_OK);
	pk_audit_free(a);
	pk_registry_close(reg);

	/* pk_host_portconf_read records the size the caller has. */
	unsigned char *buf = guarded(sizeof conf);
	size_t old = offsetof(pk_host_portconf, have_reserved);
	char *dir = regfix_tmpdir();
	pk_host_portconf_read_(dir, (pk_host_portconf *)buf, old, NULL);
	assert_int_equal(((pk_host_portconf *)buf)->size, old);
	assert_untouched(buf, old, sizeof conf + SLACK);
	free(buf);
	regfix_rmtree(dir);
	free(dir);
}

/* Every function that can fail says why, naming the bad input. */
static void test_errors_name_the_input(void **state)
{
	pk_registry *reg = regfix_registry();
	pk_error err;
	pk_proto proto;
	pk_format fmt;
	pk_party party;
	pk_ref ref;
	pk_expect_list *l;

	(void)state;
	assert_int_equal(pk_proto_parse("tcpx", 4, &proto, &err), PK_INVAL);
	assert_non_null(strstr(err.message, "'tcpx'"));
	assert_int_equal(pk_format_parse("yaml", &fmt, &err), PK_INVAL);
	assert_non_null(strstr(err.message, "'yaml'"));
	assert_int_equal(pk_person_get(reg, "Nobody_Here", &party, &err), PK_NOTFOUND);
	assert_non_null(strstr(err.message, "Nobody_Here"));
	assert_int_equal(pk_record_ref(reg, 0, 99, &ref, &err), PK_RANGE);
	assert_non_null(strstr(err.message, "reference 99"));
	assert_int_equal(pk_record_assignee(reg, 0, 99, &party, &err), PK_RANGE);
	assert_non_null(strstr(err.message, "assignee 99"));
	assert_int_equal(pk_record_contact(reg, 5000, 0, &party, &err), PK_RANGE);
	assert_non_null(strstr(err.message, "record 5000"));
	assert_int_equal(pk_expect_list_new(&l, &err), PK_OK);
	pk_expect_list_free(l);

	char small[4];
	char *home = getenv("HOME") ? strdup(getenv("HOME")) : NULL;
	char *xdg = getenv("XDG_DATA_HOME") ? strdup(getenv("XDG_DATA_HOME")) : NULL;
	unsetenv("XDG_DATA_HOME");
	setenv("HOME", "/home/someone", 1);
	assert_int_equal(pk_user_index_path(small, sizeof small, &err), PK_TOOBIG);
	assert_non_null(strstr(err.message, "bytes"));
	unsetenv("HOME");
	assert_int_equal(pk_user_index_path(small, sizeof small, &err), PK_NOTFOUND);
	assert_non_null(strstr(err.message, "HOME"));
	if (home != NULL)
		setenv("HOME", home, 1);
	if (xdg != NULL)
		setenv("XDG_DATA_HOME", xdg, 1);
	free(home);
	free(xdg);

	/* An exhausted selection names the algorithm and the range. */
	pk_eph_config cfg = { .lo = 50000, .hi = 50003, .seed = 1 };
	pk_eph_request req = { .daddr = 1, .dport = 80 };
	pk_eph *e;
	uint16_t port;
	assert_int_equal(pk_eph_new(PK_EPH_SEQUENTIAL, &cfg, &e, &err), PK_OK);
	pk_portset all;
	pk_portset_clear(&all);
	assert_int_equal(pk_eph_select(e, &req, NULL, NULL, &port, NULL, &err), PK_OK);
	pk_eph_free(e);
	pk_portset_add_range(&all, 50000, 50003);
	cfg.reserved = &all;
	assert_int_equal(pk_eph_new(PK_EPH_SEQUENTIAL, &cfg, &e, &err), PK_OK);
	assert_int_equal(pk_eph_select(e, &req, NULL, NULL, &port, NULL, &err), PK_EXHAUSTED);
	assert_non_null(strstr(err.message, "sequential"));
	assert_non_null(strstr(err.message, "50000-50003"));
	pk_eph_free(e);
	pk_registry_close(reg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_record_get_old_and_new_sizes),
		cmocka_unit_test(test_info_and_party_sizes),
		cmocka_unit_test(test_workload_fields_beyond_size),
		cmocka_unit_test(test_sim_result_size),
		cmocka_unit_test(test_plan_fields_beyond_size),
		cmocka_unit_test(test_pick_results_stride),
		cmocka_unit_test(test_eph_request_beyond_size),
		cmocka_unit_test(test_portconf_size_field),
		cmocka_unit_test(test_errors_name_the_input),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
