/* sim_fixture.h - fixed simulator results to plot: the plot's bytes are
 * compared with tests/data/svg/NAME.svg, drawn from the same numbers by
 * the chart code as it was before it moved into lib/render (so the move
 * changed no byte).  The numbers are made up, not simulated: a change to
 * the simulator does not touch these files. */
#ifndef SIM_FIXTURE_H
#define SIM_FIXTURE_H

#include <math.h>
#include <string.h>

#include "portkit.h"

typedef struct sim_fixture {
	const char *name;   /* tests/data/svg/NAME.svg */
	const char *metric; /* --metric NAME */
	pk_eph_algo algos[PK_EPH_ALGO_COUNT];
	size_t nalgo;
	double occ[8];
	size_t nocc;
	uint16_t lo, hi;
	uint64_t seed;
} sim_fixture;

static const sim_fixture sim_fixtures[] = {
	/* three lines on a log scale, the default occupancies */
	{ "probes3", "probes", { PK_EPH_SEQUENTIAL, PK_EPH_LINUX, PK_EPH_FREEBSD }, 3,
	  { 0, 0.5, 0.9, 0.99 }, 4, 32768, 60999, 1 },
	/* shares, with one line at 1 (the headroom) */
	{ "pred-same3", "pred-same", { PK_EPH_SEQUENTIAL, PK_EPH_LINUX, PK_EPH_FREEBSD }, 3,
	  { 0, 0.5, 0.9, 0.99 }, 4, 32768, 60999, 1 },
	/* one line, no sideways offset; 0.3 and 0.31 too close for two labels */
	{ "leak1", "leak", { PK_EPH_LINUX }, 1, { 0, 0.3, 0.31, 0.9, 0.999 }, 5, 1024, 65535, 7 },
	/* every algorithm: ten colours, dashes and markers; a round linear top */
	{ "failures10", "failures",
	  { PK_EPH_SEQUENTIAL, PK_EPH_DESCENDING, PK_EPH_RFC6056_1, PK_EPH_RFC6056_2,
	    PK_EPH_RFC6056_3, PK_EPH_RFC6056_4, PK_EPH_RFC6056_5, PK_EPH_LINUX,
	    PK_EPH_LINUX_2021, PK_EPH_FREEBSD }, 10, { 0.25, 0.75 }, 2, 100, 103, 42 },
	/* a log metric with a 0 among its values: drawn linear */
	{ "chi2zero", "chi2", { PK_EPH_DESCENDING, PK_EPH_RFC6056_3, PK_EPH_RFC6056_4 }, 3,
	  { 0.5, 0.9 }, 2, 49152, 65535, 3 },
	/* one occupancy: x has no extent */
	{ "p99one", "p99", { PK_EPH_RFC6056_2, PK_EPH_LINUX_2021 }, 2, { 0.6 }, 1,
	  32768, 60999, 18446744073709551615u },
};
#define SIM_FIXTURE_COUNT (sizeof sim_fixtures / sizeof sim_fixtures[0])

static inline void sim_fixture_workload(const sim_fixture *fx, pk_sim_workload *w)
{
	pk_sim_workload_default(w);
	w->lo = fx->lo;
	w->hi = fx->hi;
	w->seed = fx->seed;
	w->rate = 12.5;
	w->connections = 3000;
}

/* The made-up result at occupancy i for algorithm a. */
static inline void sim_fixture_result(const sim_fixture *fx, size_t i, size_t a,
				      pk_sim_result *r)
{
	double x = (double)(i + 1), y = (double)(a + 1);

	memset(r, 0, sizeof *r);
	r->algo = fx->algos[a];
	r->occupancy = fx->occ[i];
	r->allocations = 1000 * (uint64_t)(a + 1);
	r->failures = (uint64_t)(i * a * 37 + a);
	r->false_failures = (uint64_t)(i * a);
	r->probes_mean = 1 + 0.37 * y * pow(10, (double)i * 0.9);
	r->probes_p99 = (uint32_t)(3 * y * x * x);
	r->probes_max = (uint32_t)(11 * y * x * x * x);
	r->reuses = (uint64_t)(a * 5);
	r->reuse_min = 0.25 * x;
	r->reuse_mean = 3.5 * x;
	r->reuse_in_tw = fmod(0.13 * x * y, 1.0);
	r->pred_blind = 0.01 * y / x;
	r->pred_same = a == 0 ? 1.0 : fmod(0.29 * x * y, 1.0);
	r->pred_own = fmod(0.07 * x + 0.11 * y, 1.0);
	r->leak = fmod(0.17 * x * y, 0.95);
	r->chi2 = a == 1 && i == 0 ? 0 : 0.4 * y + 2.5 * x;
	r->ns_per_alloc = 40 + 7 * y + x;
}

#endif
