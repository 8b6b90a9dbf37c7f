/* test_sim_sweep.c - the simulator's library calls above pk_sim_run: the
 * algorithm x occupancy sweep (each point is pk_sim_run's result), the
 * metrics by name, the SVG plot (bytes compared with tests/data/svg), and
 * the kernel-vs-model comparison over loopback. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <cmocka.h>

#include "ephemeral/sim_internal.h"
#include "sim_fixture.h"

/* Small enough to run every algorithm at several occupancies quickly. */
static void small_workload(pk_sim_workload *w)
{
	pk_sim_workload_default(w);
	w->lo = 1000;
	w->hi = 1999;
	w->connections = 400;
	w->leak_trials = 20;
	w->leak_conns = 8;
	w->seed = 5;
}

/* Every field but the wall time, which differs from run to run (field by
 * field: padding bytes need not match). */
static void assert_same_result(const pk_sim_result *a, const pk_sim_result *b)
{
	assert_int_equal(a->algo, b->algo);
	assert_true(a->occupancy == b->occupancy);
	assert_int_equal(a->allocations, b->allocations);
	assert_int_equal(a->failures, b->failures);
	assert_int_equal(a->false_failures, b->false_failures);
	assert_true(a->probes_mean == b->probes_mean);
	assert_int_equal(a->probes_p99, b->probes_p99);
	assert_int_equal(a->probes_max, b->probes_max);
	assert_int_equal(a->reuses, b->reuses);
	assert_true(a->reuse_min == b->reuse_min);
	assert_true(a->reuse_mean == b->reuse_mean);
	assert_true(a->reuse_in_tw == b->reuse_in_tw);
	assert_true(a->pred_blind == b->pred_blind);
	assert_true(a->pred_same == b->pred_same);
	assert_true(a->pred_own == b->pred_own);
	assert_true(a->leak == b->leak);
	assert_true(a->chi2 == b->chi2);
}

static void test_sweep_equals_runs(void **state)
{
	pk_sim_workload w;
	pk_portset reserved;
	pk_sim_sweep *s = NULL;
	pk_error err;

	(void)state;
	small_workload(&w);
	pk_portset_clear(&reserved);
	pk_portset_add_range(&reserved, 1100, 1149);
	w.reserved = &reserved;
	assert_int_equal(pk_sim_sweep_new(&w, &s, &err), PK_OK);
	/* the sweep keeps its own copy of the reserved ports */
	pk_portset_add_range(&reserved, 1000, 1999);

	/* defaults: every algorithm in enum order, four occupancies */
	assert_int_equal(pk_sim_sweep_algo_count(s), PK_EPH_ALGO_COUNT);
	for (size_t a = 0; a < PK_EPH_ALGO_COUNT; a++)
		assert_int_equal(pk_sim_sweep_algo(s, a), (pk_eph_algo)a);
	assert_int_equal(pk_sim_sweep_occupancy_count(s), 4);
	assert_true(pk_sim_sweep_occupancy(s, 3) == 0.99);
	assert_null(pk_sim_sweep_result(s, 0, 0)); /* not run yet */

	const pk_eph_algo algos[] = { PK_EPH_LINUX, PK_EPH_SEQUENTIAL, PK_EPH_LINUX,
				      PK_EPH_RFC6056_2 };
	const double occ[] = { 0.7, 0, 0.95 };
	assert_int_equal(pk_sim_sweep_set_algos(s, algos, 4, &err), PK_OK);
	assert_int_equal(pk_sim_sweep_algo_count(s), 3); /* linux once */
	assert_int_equal(pk_sim_sweep_algo(s, 2), PK_EPH_RFC6056_2);
	assert_int_equal(pk_sim_sweep_set_occupancies(s, occ, 3, &err), PK_OK);
	assert_int_equal(pk_sim_sweep_run(s, &err), PK_OK);

	pk_portset_clear(&reserved);
	pk_portset_add_range(&reserved, 1100, 1149);
	for (size_t i = 0; i < 3; i++)
		for (size_t a = 0; a < 3; a++) {
			pk_sim_result want;
			assert_int_equal(pk_sim_run(&w, pk_sim_sweep_algo(s, a), occ[i], &want,
						    &err), PK_OK);
			const pk_sim_result *got = pk_sim_sweep_result(s, i, a);
			assert_non_null(got);
			assert_int_equal(got->algo, pk_sim_sweep_algo(s, a));
			assert_true(got->occupancy == occ[i]);
			assert_same_result(got, &want);
		}
	assert_null(pk_sim_sweep_result(s, 3, 0));
	assert_null(pk_sim_sweep_result(s, 0, 3));
	assert_int_equal(pk_sim_sweep_workload(s)->hi, 1999);
	assert_int_equal(pk_portset_count(pk_sim_sweep_workload(s)->reserved, 1000, 1999), 50);

	/* a new grid forgets the old results */
	assert_int_equal(pk_sim_sweep_set_occupancies(s, occ, 1, &err), PK_OK);
	assert_null(pk_sim_sweep_result(s, 0, 0));
	pk_sim_sweep_free(s);
	pk_sim_sweep_free(NULL);
}

typedef struct progress_log {
	size_t calls;
	size_t stop_at;
	size_t last_index, last_total;
} progress_log;

static int on_progress(void *ctx, pk_eph_algo algo, double occupancy, size_t index,
		       size_t total)
{
	progress_log *p = ctx;

	(void)algo;
	(void)occupancy;
	p->calls++;
	assert_int_equal(index, p->calls); /* 1, 2, ... total */
	p->last_index = index;
	p->last_total = total;
	return p->stop_at != 0 && index == p->stop_at;
}

static void test_sweep_progress_and_errors(void **state)
{
	pk_sim_workload w;
	pk_sim_sweep *s = NULL;
	pk_error err;
	progress_log p = { 0 };

	(void)state;
	small_workload(&w);
	w.connections = 50;
	w.leak_trials = 0;
	assert_int_equal(pk_sim_sweep_new(&w, &s, &err), PK_OK);
	pk_sim_sweep_set_progress(s, on_progress, &p);
	assert_int_equal(pk_sim_sweep_run(s, &err), PK_OK);
	assert_int_equal(p.calls, 4 * PK_EPH_ALGO_COUNT);
	assert_int_equal(p.last_total, 4 * PK_EPH_ALGO_COUNT);

	/* the callback stops it: no results */
	p = (progress_log){ .stop_at = 3 };
	assert_int_equal(pk_sim_sweep_run(s, &err), PK_INVAL);
	assert_non_null(strstr(err.message, "stopped after 2 of 40"));
	assert_int_equal(p.calls, 3);
	assert_null(pk_sim_sweep_result(s, 0, 0));

	/* occupancies in [0, 1) only; nothing changes on error */
	const double bad[] = { 0.5, 1.0 };
	assert_int_equal(pk_sim_sweep_set_occupancies(s, bad, 2, &err), PK_RANGE);
	assert_non_null(strstr(err.message, "invalid occupancy 1: expected a share in [0, 1)"));
	const double nan_occ[] = { NAN };
	assert_int_equal(pk_sim_sweep_set_occupancies(s, nan_occ, 1, &err), PK_RANGE);
	const double neg[] = { -0.1 };
	assert_int_equal(pk_sim_sweep_set_occupancies(s, neg, 1, &err), PK_RANGE);
	assert_int_equal(pk_sim_sweep_set_occupancies(s, bad, 0, &err), PK_INVAL);
	assert_int_equal(pk_sim_sweep_occupancy_count(s), 4);
	const pk_eph_algo unknown[] = { (pk_eph_algo)PK_EPH_ALGO_COUNT };
	assert_int_equal(pk_sim_sweep_set_algos(s, unknown, 1, &err), PK_INVAL);
	assert_int_equal(pk_sim_sweep_set_algos(s, unknown, 0, &err), PK_INVAL);
	assert_int_equal(pk_sim_sweep_algo_count(s), PK_EPH_ALGO_COUNT);
	pk_sim_sweep_free(s);

	/* the workload is checked as pk_sim_workload_check does */
	w.destinations = 0;
	assert_int_equal(pk_sim_sweep_new(&w, &s, &err), PK_INVAL);
	assert_null(s);
	assert_non_null(strstr(err.message, "destinations 0"));
}

/* ---- metrics ----------------------------------------------------------- */

static void test_metric_by_name(void **state)
{
	const pk_sim_metric *m = NULL;
	pk_sim_result r;
	pk_error err;

	(void)state;
	memset(&r, 0, sizeof r);
	r.probes_mean = 1.5;
	r.probes_p99 = 7;
	r.probes_max = 40;
	r.failures = 5000000000ull; /* more than 32 bits */
	r.reuse_in_tw = 0.25;
	r.pred_blind = 0.125;
	r.pred_same = 0.5;
	r.pred_own = 0.0625;
	r.leak = 0.75;
	r.chi2 = 1.25;
	r.ns_per_alloc = 88;
	const struct {
		const char *name, *column;
		double value;
		pk_sim_scale scale;
	} want[] = {
		{ "probes", "probes_mean", 1.5, PK_SIM_SCALE_LOG },
		{ "p99", "probes_p99", 7, PK_SIM_SCALE_LOG },
		{ "max", "probes_max", 40, PK_SIM_SCALE_LOG },
		{ "failures", "failures", 5000000000.0, PK_SIM_SCALE_LINEAR },
		{ "reuse-tw", "reuse_within_tw", 0.25, PK_SIM_SCALE_SHARE },
		{ "pred-blind", "pred_blind", 0.125, PK_SIM_SCALE_SHARE },
		{ "pred-same", "pred_same", 0.5, PK_SIM_SCALE_SHARE },
		{ "pred-own", "pred_own", 0.0625, PK_SIM_SCALE_SHARE },
		{ "leak", "leak", 0.75, PK_SIM_SCALE_SHARE },
		{ "chi2", "chi2_per_df", 1.25, PK_SIM_SCALE_LOG },
		{ "ns", "ns_per_alloc", 88, PK_SIM_SCALE_LOG },
	};
	assert_int_equal(pk_sim_metric_count(), sizeof want / sizeof want[0]);
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		const pk_sim_metric *at = pk_sim_metric_at(i);
		assert_non_null(at);
		assert_string_equal(pk_sim_metric_name(at), want[i].name);
		assert_string_equal(pk_sim_metric_column(at), want[i].column);
		assert_true(pk_sim_metric_title(at)[0] != '\0');
		assert_int_equal(pk_sim_metric_scale(at), want[i].scale);
		assert_true(pk_sim_metric_value(at, &r) == want[i].value);
		/* by name and by column, the same descriptor */
		assert_int_equal(pk_sim_metric_find(want[i].name, &m, &err), PK_OK);
		assert_ptr_equal(m, at);
		assert_int_equal(pk_sim_metric_find(want[i].column, &m, &err), PK_OK);
		assert_ptr_equal(m, at);
	}
	assert_null(pk_sim_metric_at(pk_sim_metric_count()));

	m = pk_sim_metric_at(0);
	assert_int_equal(pk_sim_metric_find("speed", &m, &err), PK_NOTFOUND);
	assert_null(m);
	assert_int_equal(err.status, PK_NOTFOUND);
	assert_string_equal(err.message,
			    "unknown metric 'speed': expected probes, p99, max, failures, "
			    "reuse-tw, pred-blind, pred-same, pred-own, leak, chi2 or ns");
	/* names are exact: no case folding, no prefixes */
	assert_int_equal(pk_sim_metric_find("Probes", &m, &err), PK_NOTFOUND);
	assert_int_equal(pk_sim_metric_find("pred", &m, &err), PK_NOTFOUND);
	assert_int_equal(pk_sim_metric_find("", &m, &err), PK_NOTFOUND);
}

/* ---- the SVG plot ------------------------------------------------------ */

static char *read_golden(const char *name, size_t *len)
{
	const char *top = getenv("PK_TEST_DATA");
	char path[4096];
	FILE *f;
	char *buf;
	long n;

	snprintf(path, sizeof path, "%s/svg/%s.svg", top ? top : "tests/data", name);
	f = fopen(path, "rb");
	if (f == NULL)
		fail_msg("cannot open %s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return buf;
}

/* The fixture's sweep, with its made-up results. */
static pk_sim_sweep *fixture_sweep(const sim_fixture *fx)
{
	pk_sim_workload w;
	pk_sim_result res[PK_EPH_ALGO_COUNT * 8];
	pk_sim_sweep *s = NULL;
	pk_error err;

	sim_fixture_workload(fx, &w);
	assert_int_equal(pk_sim_sweep_new(&w, &s, &err), PK_OK);
	assert_int_equal(pk_sim_sweep_set_algos(s, fx->algos, fx->nalgo, &err), PK_OK);
	assert_int_equal(pk_sim_sweep_set_occupancies(s, fx->occ, fx->nocc, &err), PK_OK);
	for (size_t i = 0; i < fx->nocc; i++)
		for (size_t a = 0; a < fx->nalgo; a++)
			sim_fixture_result(fx, i, a, &res[i * fx->nalgo + a]);
	assert_int_equal(pk__sim_sweep_fill(s, res), PK_OK);
	return s;
}

typedef struct sink {
	char *data;
	size_t len;
	int calls;
	bool fail;
} sink;

static int to_sink(void *ctx, const char *data, size_t len)
{
	sink *k = ctx;

	k->calls++;
	if (k->fail)
		return -1;
	k->data = realloc(k->data, k->len + len + 1);
	assert_non_null(k->data);
	memcpy(k->data + k->len, data, len);
	k->len += len;
	return 0;
}

static void test_svg_bytes(void **state)
{
	pk_error err;

	(void)state;
	for (size_t k = 0; k < SIM_FIXTURE_COUNT; k++) {
		const sim_fixture *fx = &sim_fixtures[k];
		const pk_sim_metric *m;
		size_t want_len, len;
		char *want = read_golden(fx->name, &want_len);
		char *doc = NULL;
		pk_sim_sweep *s = fixture_sweep(fx);

		assert_int_equal(pk_sim_metric_find(fx->metric, &m, &err), PK_OK);
		assert_int_equal(pk_sim_svg(s, m, &doc, &len, &err), PK_OK);
		if (len != want_len || memcmp(doc, want, len) != 0)
			fail_msg("%s: the plot differs from tests/data/svg/%s.svg", fx->name,
				 fx->name);
		assert_int_equal(doc[len], '\0');
		free(doc);

		/* the same bytes through a write callback */
		sink out = { 0 };
		assert_int_equal(pk_sim_svg_write(s, m, to_sink, &out, &err), PK_OK);
		assert_true(out.calls >= 1);
		assert_int_equal(out.len, want_len);
		assert_memory_equal(out.data, want, want_len);
		free(out.data);
		free(want);
		pk_sim_sweep_free(s);
	}
}

static void test_svg_errors(void **state)
{
	const sim_fixture *fx = &sim_fixtures[0];
	const pk_sim_metric *m = pk_sim_metric_at(0);
	pk_sim_workload w;
	pk_sim_sweep *s = NULL;
	pk_error err;
	char *doc = (char *)1;
	size_t len = 1;

	(void)state;
	/* a sweep that has not run has nothing to plot */
	sim_fixture_workload(fx, &w);
	assert_int_equal(pk_sim_sweep_new(&w, &s, &err), PK_OK);
	assert_int_equal(pk_sim_svg(s, m, &doc, &len, &err), PK_INVAL);
	assert_null(doc);
	assert_int_equal(len, 0);
	assert_non_null(strstr(err.message, "has not run"));
	pk_sim_sweep_free(s);

	/* a writer that fails */
	s = fixture_sweep(fx);
	sink out = { .fail = true };
	assert_int_equal(pk_sim_svg_write(s, m, to_sink, &out, &err), PK_IO);
	assert_int_equal(out.calls, 1);
	pk_sim_sweep_free(s);
}

/* A real sweep plots too, and the plot shows every algorithm. */
static void test_svg_of_a_run(void **state)
{
	pk_sim_workload w;
	pk_sim_sweep *s = NULL;
	const pk_sim_metric *m;
	pk_error err;
	char *doc;
	size_t len;

	(void)state;
	small_workload(&w);
	assert_int_equal(pk_sim_sweep_new(&w, &s, &err), PK_OK);
	assert_int_equal(pk_sim_sweep_run(s, &err), PK_OK);
	assert_int_equal(pk_sim_metric_find("pred_same", &m, &err), PK_OK);
	assert_int_equal(pk_sim_svg(s, m, &doc, &len, &err), PK_OK);
	assert_int_equal(strlen(doc), len);
	size_t lines = 0;
	for (const char *p = doc; (p = strstr(p, "<polyline")) != NULL; p++)
		lines++;
	assert_int_equal(lines, PK_EPH_ALGO_COUNT);
	assert_non_null(strstr(doc, ">linux-2021</text>"));
	assert_non_null(strstr(doc, "rotate(-90)\">pred-same</text>"));
	assert_string_equal(doc + len - 7, "</svg>\n");
	free(doc);
	pk_sim_sweep_free(s);
}

/* ---- the kernel next to the models ------------------------------------- */

static void test_observe_compare(void **state)
{
	pk_host_portconf conf;
	pk_observe_compare *c = NULL;
	pk_error err;

	(void)state;
	if (pk_host_portconf_read(NULL, &conf, &err) != PK_OK || !conf.have_range) {
		print_message("SKIP: no ip_local_port_range here\n");
		skip();
	}
	pk_eph_config cfg = { conf.ephemeral_lo, conf.ephemeral_hi,
			      conf.have_reserved ? &conf.reserved : NULL, 9, 0, 0 };
	assert_int_equal(pk_observe_compare_new(&cfg, &c, &err), PK_OK);
	assert_int_equal(pk_observe_compare_count(c), 0);
	assert_int_equal(pk_observe_compare_set_limits(c, 1, 1000, &err), PK_RANGE);
	assert_int_equal(pk_observe_compare_set_guesses(c, 0, &err), PK_RANGE);
	assert_int_equal(pk_observe_compare_set_limits(c, 120, 10000, &err), PK_OK);
	assert_int_equal(pk_observe_compare_set_guesses(c, 4, &err), PK_OK);
	const pk_eph_algo models[] = { PK_EPH_LINUX, PK_EPH_SEQUENTIAL, PK_EPH_LINUX };
	assert_int_equal(pk_observe_compare_set_models(c, models, 3, &err), PK_OK);
	pk_status st = pk_observe_compare_run(c, &err);
	if (st == PK_PERM || st == PK_IO) {
		/* a sandbox without loopback sockets */
		print_message("SKIP: %s\n", err.message);
		pk_observe_compare_free(c);
		skip();
	}
	assert_int_equal(st, PK_OK);
	pk_observation obs;
	pk_observe_compare_get_observation(c, &obs);
	assert_int_equal(obs.count, 120);
	assert_true(obs.listen_port > 0);
	assert_true(pk_observe_compare_elapsed_ns(c) > 0);

	/* the kernel, then linux and sequential (linux once) */
	assert_int_equal(pk_observe_compare_count(c), 3);
	pk_eph_algo a = PK_EPH_FREEBSD;
	assert_false(pk_observe_compare_is_model(c, 0, &a));
	assert_int_equal(a, PK_EPH_FREEBSD);
	assert_true(pk_observe_compare_is_model(c, 1, &a));
	assert_int_equal(a, PK_EPH_LINUX);
	assert_true(pk_observe_compare_is_model(c, 2, &a));
	assert_int_equal(a, PK_EPH_SEQUENTIAL);
	assert_false(pk_observe_compare_is_model(c, 3, &a));
	for (size_t i = 0; i < 3; i++) {
		const pk_seq_stats *q = pk_observe_compare_stats(c, i);
		assert_non_null(q);
		assert_true(q->count >= 2 && q->count <= 120);
		assert_true(pk_observe_compare_ns_per_op(c, i) > 0);
	}
	assert_int_equal(pk_observe_compare_stats(c, 0)->count, 120);
	/* the sequential model steps by one: every step is small */
	const pk_seq_stats *seq = pk_observe_compare_stats(c, 2);
	assert_int_equal(seq->count, 120);
	assert_int_equal(seq->step_mode, 1);
	assert_true(seq->small_steps == 1.0);
	assert_null(pk_observe_compare_stats(c, 3));
	pk_observe_compare_free(c);
	pk_observe_compare_free(NULL);

	/* a reversed range */
	cfg.lo = 2000;
	cfg.hi = 1000;
	assert_int_equal(pk_observe_compare_new(&cfg, &c, &err), PK_RANGE);
	assert_null(c);
	assert_non_null(strstr(err.message, "2000-1000"));
}

/* The work estimate: the default grid is about 1.8e8 port probes; it grows
 * with the connections, the leakage game and the occupancy; past
 * PK_SIM_MAX_WORK a run and a sweep are refused before they start, naming
 * what makes the work. */
static void test_work_is_bounded(void **state)
{
	(void)state;
	pk_sim_workload w;
	pk_sim_result res;
	pk_error err;
	pk_sim_workload_default(&w);
	const double occ[] = { 0, 0.5, 0.9, 0.99 };
	double total = 0;
	for (size_t i = 0; i < 4; i++)
		total += PK_EPH_ALGO_COUNT * pk_sim_work(&w, occ[i]);
	assert_true(total > 1e8 && total < 3e8);
	/* 158,500 selections at occupancy 0: one probe each. */
	assert_true(fabs(pk_sim_work(&w, 0) - 158500) < 1);
	assert_true(pk_sim_work(&w, 0.99) > pk_sim_work(&w, 0.9));
	assert_true(pk_sim_work(&w, 0.9999999999) >= 2.0 * 28232 * 158500);

	/* The reproducers: days of work, refused at once. */
	pk_sim_workload big = w;
	big.leak_trials = 1000000;
	big.leak_conns = 10000;
	assert_int_equal(pk_sim_run(&big, PK_EPH_LINUX, 0.5, &res, &err), PK_RANGE);
	assert_non_null(strstr(err.message, "the leakage game of 1000000 rounds x 10000 connections"));
	assert_non_null(strstr(err.message, "more than the limit of 1e+10"));
	assert_int_equal(res.allocations, 0);
	pk_sim_sweep *s = NULL;
	const double full = 0.9999999999;
	assert_int_equal(pk_sim_sweep_new(&w, &s, &err), PK_OK);
	assert_int_equal(pk_sim_sweep_set_occupancies(s, &full, 1, &err), PK_OK);
	assert_int_equal(pk_sim_sweep_run(s, &err), PK_RANGE);
	assert_non_null(strstr(err.message, "occupancy 0.9999999999 leaves 0 of 28232 ports free"));
	pk_sim_sweep_free(s);
	assert_int_equal(pk_sim_sweep_new(&big, &s, &err), PK_OK);
	assert_int_equal(pk_sim_sweep_run(s, &err), PK_RANGE);
	assert_null(pk_sim_sweep_result(s, 0, 0));
	pk_sim_sweep_free(s);
	pk_sim_workload many = w;
	many.connections = 10000000;
	many.leak_trials = 0;
	assert_int_equal(pk_sim_sweep_new(&many, &s, &err), PK_OK);
	assert_int_equal(pk_sim_sweep_run(s, &err), PK_RANGE);
	assert_non_null(strstr(err.message, "10000000 connections make"));
	/* The same workload on fewer points fits. */
	const pk_eph_algo one = PK_EPH_SEQUENTIAL;
	const double zero = 0;
	assert_int_equal(pk_sim_sweep_set_algos(s, &one, 1, &err), PK_OK);
	assert_int_equal(pk_sim_sweep_set_occupancies(s, &zero, 1, &err), PK_OK);
	assert_true(pk_sim_work(&many, 0) < PK_SIM_MAX_WORK);
	pk_sim_sweep_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sweep_equals_runs),
		cmocka_unit_test(test_sweep_progress_and_errors),
		cmocka_unit_test(test_work_is_bounded),
		cmocka_unit_test(test_metric_by_name),
		cmocka_unit_test(test_svg_bytes),
		cmocka_unit_test(test_svg_errors),
		cmocka_unit_test(test_svg_of_a_run),
		cmocka_unit_test(test_observe_compare),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
