/* sim_internal.h - statistics shared by the simulator (sim.c) and the
 * analysis of observed port sequences (seqstats.c); sweeps (sweep.c). */
#ifndef PK_SIM_INTERNAL_H
#define PK_SIM_INTERNAL_H

#include "core/internal.h"

/* Bins of the uniformity test: 64, or one per port for tiny ranges. */
#define PK_CHI_BINS 64u

/* The bin of offset off (0 .. num-1) among nbins equal-width bins. */
static inline unsigned pk_stats_bin(uint32_t off, uint32_t num, unsigned nbins)
{
	return (unsigned)(((uint64_t)off * nbins) / num);
}

/* An attacker's best k guesses: the k most frequent values of train
 * (each in 0 .. nvalues-1; ties to the smaller value); *rate receives
 * the share of test values among them (0 when ntest is 0). */
pk_status pk__stats_topk_rate(const uint32_t *train, size_t ntrain,
			     const uint32_t *test, size_t ntest,
			     uint32_t nvalues, uint32_t k, double *rate);

/* Chi-square over nbins bins divided by its degrees of freedom: observed
 * counts against expected shares proportional to weight (bins of weight
 * 0 are left out).  0 when fewer than two bins count. */
double pk__stats_chi2_per_df(const uint64_t *counts, const double *weight,
			    unsigned nbins);

/* PK_RANGE when nalgo runs at each of the nocc occupancies would take
 * more than PK_SIM_MAX_WORK port probes (pk_sim_work), naming what makes
 * most of it: a run of days otherwise starts without a word. */
pk_status pk__sim_check_work(const pk_sim_workload *w, const double *occ,
			     size_t nocc, size_t nalgo, pk_error *err);

/* Takes res (occupancy-major, nocc * nalgo results) as the sweep's
 * outcome instead of running it: a plot of known numbers, for tests. */
pk_status pk__sim_sweep_fill(pk_sim_sweep *s, const pk_sim_result *res);

#endif /* PK_SIM_INTERNAL_H */
