/* test_sim.c - the simulator's checks, its analytical anchors, and the
 * analysis of port sequences.  Tolerances are stated next to each. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <math.h>
#include <cmocka.h>

#include "portkit.h"

static pk_sim_result run(const pk_sim_workload *w, pk_eph_algo algo, double p)
{
	pk_sim_result r;
	pk_error err;

	if (pk_sim_run(w, algo, p, &r, &err) != PK_OK)
		fail_msg("pk_sim_run(%s, %g): %s", pk_eph_algo_name(algo), p, err.message);
	return r;
}

static void test_bad_workloads(void **state)
{
	pk_sim_workload w;
	pk_sim_result r;
	pk_error err;

	(void)state;
	pk_sim_workload_default(&w);
	assert_int_equal(pk_sim_workload_check(&w, &err), PK_OK);
	assert_int_equal(w.lo, 32768);
	assert_int_equal(w.hi, 60999);

	w.destinations = 0;
	assert_int_equal(pk_sim_workload_check(&w, &err), PK_INVAL);
	assert_non_null(strstr(err.message, "destinations 0"));
	assert_int_equal(pk_sim_run(&w, PK_EPH_LINUX, 0.5, &r, &err), PK_INVAL);

	pk_sim_workload_default(&w);
	w.lo = 60000;
	w.hi = 1;
	assert_int_equal(pk_sim_workload_check(&w, &err), PK_RANGE);
	assert_non_null(strstr(err.message, "60000-1"));

	pk_sim_workload_default(&w);
	w.rate = 0;
	assert_int_equal(pk_sim_workload_check(&w, &err), PK_RANGE);
	w.rate = NAN;
	assert_int_equal(pk_sim_workload_check(&w, &err), PK_RANGE);
	pk_sim_workload_default(&w);
	w.lifetime = -1;
	assert_int_equal(pk_sim_workload_check(&w, &err), PK_RANGE);
	pk_sim_workload_default(&w);
	w.attacker_share = 1.5;
	assert_int_equal(pk_sim_workload_check(&w, &err), PK_RANGE);
	pk_sim_workload_default(&w);
	w.connections = 0;
	assert_int_equal(pk_sim_workload_check(&w, &err), PK_RANGE);
	pk_sim_workload_default(&w);
	w.guesses = 0;
	assert_int_equal(pk_sim_workload_check(&w, &err), PK_RANGE);
	/* Reserved ports covering the whole range leave nothing to
	 * allocate: an error naming the range, not a run in which every
	 * selection scans the whole range and fails. */
	pk_portset all;
	pk_portset_clear(&all);
	pk_sim_workload_default(&w);
	w.lo = 100;
	w.hi = 103;
	assert_int_equal(pk_portset_parse(&all, "90-103", &err), PK_OK);
	w.reserved = &all;
	assert_int_equal(pk_sim_workload_check(&w, &err), PK_RANGE);
	assert_non_null(strstr(err.message, "100-103"));
	assert_int_equal(pk_sim_run(&w, PK_EPH_LINUX, 0, &r, &err), PK_RANGE);
	pk_portset_clear(&all);
	assert_int_equal(pk_portset_parse(&all, "90-102", &err), PK_OK);
	assert_int_equal(pk_sim_workload_check(&w, &err), PK_OK);

	pk_sim_workload_default(&w);
	assert_int_equal(pk_sim_run(&w, PK_EPH_LINUX, 1.5, &r, &err), PK_RANGE);
	assert_non_null(strstr(err.message, "occupancy 1.5"));
	/* a full range leaves nothing to select: refused, not scanned */
	assert_int_equal(pk_sim_run(&w, PK_EPH_LINUX, 1.0, &r, &err), PK_RANGE);
	assert_non_null(strstr(err.message, "[0, 1)"));
	assert_int_equal(pk_sim_run(&w, PK_EPH_LINUX, -0.1, &r, &err), PK_RANGE);
	assert_int_equal(pk_sim_run(&w, PK_EPH_LINUX, NAN, &r, &err), PK_RANGE);
	assert_int_equal(pk_sim_run(&w, (pk_eph_algo)77, 0.5, &r, &err), PK_INVAL);
}

static void small_workload(pk_sim_workload *w)
{
	pk_sim_workload_default(w);
	w->connections = 4000;
	w->leak_trials = 400;
}

static void test_deterministic(void **state)
{
	pk_sim_workload w;

	(void)state;
	small_workload(&w);
	for (unsigned a = 0; a < PK_EPH_ALGO_COUNT; a++) {
		pk_sim_result x = run(&w, a, 0.5), y = run(&w, a, 0.5);
		x.ns_per_alloc = y.ns_per_alloc = 0;
		if (memcmp(&x, &y, sizeof x) != 0)
			fail_msg("%s: two runs of one seed differ", pk_eph_algo_name(a));
		assert_int_equal(x.allocations, 4000);
		assert_true(x.probes_mean >= 1);
		assert_true(x.probes_p99 <= x.probes_max);
	}
	/* another seed, another run */
	pk_sim_result x = run(&w, PK_EPH_RFC6056_1, 0.5);
	w.seed = 2;
	pk_sim_result y = run(&w, PK_EPH_RFC6056_1, 0.5);
	assert_true(x.probes_mean != y.probes_mean || x.reuses != y.reuses);
}

/* Analytical anchor: with a share p of ports held at random, algorithm
 * 2's probes are geometric with mean 1 / (1 - p); 3% tolerance (the
 * standard error at p = 0.9 over 20,000 allocations is about 0.7%). */
static void test_rfc2_probes_match_theory(void **state)
{
	pk_sim_workload w;

	(void)state;
	pk_sim_workload_default(&w);
	w.leak_trials = 0;
	const double ps[] = { 0.5, 0.9 };
	for (int i = 0; i < 2; i++) {
		pk_sim_result r = run(&w, PK_EPH_RFC6056_2, ps[i]);
		double want = 1 / (1 - ps[i]);
		if (fabs(r.probes_mean - want) > 0.03 * want)
			fail_msg("p=%.1f: mean probes %.3f, expected %.3f +- 3%%",
				 ps[i], r.probes_mean, want);
	}
}

/* Analytical anchor: sequential allocation hands out last + 1.  One
 * destination, nothing held: the next port is the previous one + 1, so
 * a single guess is right every time (tolerance: >= 0.99).  With half
 * the ports held at random, the step is 1 + a geometric(1/2) skip, so
 * 10 guesses (steps 1..10) catch 1 - 2^-10 of them (>= 0.99). */
static void test_sequential_is_predictable(void **state)
{
	pk_sim_workload w;

	(void)state;
	small_workload(&w);
	w.destinations = 1;
	w.attacker_share = 0;
	w.guesses = 1;
	pk_sim_result r = run(&w, PK_EPH_SEQUENTIAL, 0);
	assert_true(r.pred_same >= 0.99);

	/* The attacker's own server: probe, then the victim's port */
	small_workload(&w);
	w.attacker_share = 1;
	w.guesses = 1;
	r = run(&w, PK_EPH_SEQUENTIAL, 0);
	assert_true(r.pred_own >= 0.99);
	w.guesses = 10;
	r = run(&w, PK_EPH_SEQUENTIAL, 0.5);
	assert_true(r.pred_own >= 0.99);
	/* and a random start per connection defeats the same attacker */
	r = run(&w, PK_EPH_RFC6056_1, 0.5);
	assert_true(r.pred_own < 0.05);
}

/* The leakage game: sequential counters show every connection (>= 0.9);
 * per-connection random starts show none (<= 0.1, the estimate's noise
 * floor with 1000 scored rounds); the 2021 Linux table shares a counter
 * with some of 128 other destinations in 1 - (255/256)^128 = 39% of
 * rounds, the 2022 table almost never (65,536 counters, 10 s re-keying,
 * random steps). */
static void test_leakage(void **state)
{
	pk_sim_workload w;

	(void)state;
	pk_sim_workload_default(&w);
	w.connections = 2000;
	w.leak_trials = 2000;
	w.leak_conns = 128;
	assert_true(run(&w, PK_EPH_SEQUENTIAL, 0).leak >= 0.9);
	assert_true(run(&w, PK_EPH_RFC6056_3, 0).leak >= 0.9);
	assert_true(run(&w, PK_EPH_RFC6056_1, 0).leak <= 0.1);
	assert_true(run(&w, PK_EPH_FREEBSD, 0).leak <= 0.1);
	double old = run(&w, PK_EPH_LINUX_2021, 0).leak;
	double now = run(&w, PK_EPH_LINUX, 0).leak;
	if (!(old > 0.25 && now < 0.1))
		fail_msg("linux-2021 leak %.3f (expected ~0.39), linux %.3f (expected ~0)",
			 old, now);
}

/* Four ports, three held: algorithm 2 makes four random probes and
 * misses the free one with probability (3/4)^4 = 0.32 - a false
 * failure; scanning algorithms never fail while a port is free.  With
 * everything held, failures are true ones. */
/* Four ports 100-103, one destination, connections that close at once. */
static void four_ports(pk_sim_workload *w, uint32_t connections)
{
	pk_sim_workload_default(w);
	w->lo = 100;
	w->hi = 103;
	w->destinations = 1;
	w->lifetime = 0;
	w->connections = connections;
	w->leak_trials = 0;
}

static void test_false_failures(void **state)
{
	pk_sim_workload w;

	(void)state;
	four_ports(&w, 2000);
	pk_sim_result r = run(&w, PK_EPH_RFC6056_2, 0.75);
	assert_true(r.false_failures > 400 && r.false_failures < 900);
	assert_int_equal(r.failures, r.false_failures);
	for (unsigned a = 0; a < PK_EPH_ALGO_COUNT; a++) {
		if (a == PK_EPH_RFC6056_2 || a == PK_EPH_RFC6056_5)
			continue;
		r = run(&w, a, 0.75);
		if (r.failures != 0)
			fail_msg("%s failed %llu times with a free port",
				 pk_eph_algo_name(a), (unsigned long long)r.failures);
	}
}

/* Reuse: sequential over 4 ports with one destination and instant
 * closes reuses each port every 4th connection, about 4 / rate seconds
 * later - well within TIME_WAIT. */
static void test_reuse(void **state)
{
	pk_sim_workload w;

	(void)state;
	four_ports(&w, 4000);
	w.attacker_share = 0;
	pk_sim_result r = run(&w, PK_EPH_SEQUENTIAL, 0);
	assert_int_equal(r.reuses, 4000 - 4);
	assert_true(r.reuse_in_tw == 1.0);
	/* mean gap: 4 exponential inter-arrivals of mean 1/200 s */
	assert_true(fabs(r.reuse_mean - 0.02) < 0.002);
	assert_true(r.reuse_min > 0 && r.reuse_min < r.reuse_mean);
	/* a uniform start per connection: chi-square per df near 1 */
	pk_sim_workload_default(&w);
	w.leak_trials = 0;
	r = run(&w, PK_EPH_RFC6056_1, 0);
	assert_true(r.chi2 < 2.0);
}

static void test_seq_analyze(void **state)
{
	uint16_t ports[200];
	pk_seq_stats s;
	pk_error err;

	(void)state;
	/* 1000, 1002, ...: every step +2, all of lo's parity */
	for (int i = 0; i < 200; i++)
		ports[i] = (uint16_t)(1000 + 2 * i);
	assert_int_equal(pk_seq_analyze(ports, 200, 1000, 1999, 1, &s, &err), PK_OK);
	assert_int_equal(s.count, 200);
	assert_int_equal(s.distinct, 200);
	assert_true(s.same_parity == 1.0);
	assert_true(s.small_steps == 1.0);
	assert_int_equal(s.step_mode, 2);
	assert_true(s.step_mode_share == 1.0);
	assert_true(s.pred_same == 1.0);
	assert_true(s.pred_blind == 0.0); /* no port repeats */
	/* steps backwards are negative */
	for (int i = 0; i < 200; i++)
		ports[i] = (uint16_t)(1999 - 3 * i);
	assert_int_equal(pk_seq_analyze(ports, 200, 1000, 1999, 1, &s, &err), PK_OK);
	assert_int_equal(s.step_mode, -3);
	assert_true(s.small_steps == 0.0);
	/* every port of a 64-port range once: perfectly uniform */
	for (int i = 0; i < 64; i++)
		ports[i] = (uint16_t)(5000 + (i * 17) % 64);
	assert_int_equal(pk_seq_analyze(ports, 64, 5000, 5063, 1, &s, &err), PK_OK);
	assert_true(s.chi2 == 0.0);

	assert_int_equal(pk_seq_analyze(ports, 1, 5000, 5063, 1, &s, &err), PK_INVAL);
	assert_int_equal(pk_seq_analyze(ports, 64, 5000, 5010, 1, &s, &err), PK_RANGE);
	assert_non_null(strstr(err.message, "outside the range 5000-5010"));
	assert_int_equal(pk_seq_analyze(ports, 64, 5063, 5000, 1, &s, &err), PK_RANGE);
	assert_int_equal(pk_seq_analyze(ports, 64, 5000, 5063, 0, &s, &err), PK_RANGE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bad_workloads),
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_rfc2_probes_match_theory),
		cmocka_unit_test(test_sequential_is_predictable),
		cmocka_unit_test(test_leakage),
		cmocka_unit_test(test_false_failures),
		cmocka_unit_test(test_reuse),
		cmocka_unit_test(test_seq_analyze),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
