/* seqstats.c - the statistics of the simulator, and the same metrics
 * computed on a sequence of ports observed from a real kernel. */
#include <stdlib.h>
#include <string.h>

#include "ephemeral/sim_internal.h"

typedef struct {
	uint32_t value;
	uint32_t count;
} value_count;

static int by_count_desc(const void *a, const void *b)
{
	const value_count *x = a, *y = b;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return x->value < y->value ? -1 : x->value > y->value;
}

pk_status pk__stats_topk_rate(const uint32_t *train, size_t ntrain,
			     const uint32_t *test, size_t ntest,
			     uint32_t nvalues, uint32_t k, double *rate)
{
	value_count *vc = NULL;
	unsigned char *chosen = NULL;
	pk_status st = PK_OK;
	size_t hits = 0;

	*rate = 0;
	if (ntest == 0 || nvalues == 0)
		goto out;
	vc = calloc(nvalues, sizeof *vc);
	chosen = calloc(nvalues, 1);
	if (vc == NULL || chosen == NULL) {
		st = PK_NOMEM;
		goto out;
	}
	for (uint32_t v = 0; v < nvalues; v++)
		vc[v].value = v;
	for (size_t i = 0; i < ntrain; i++)
		vc[train[i]].count++;
	qsort(vc, nvalues, sizeof *vc, by_count_desc);
	/* Guesses without evidence are still guesses: an attacker who saw
	 * nothing guesses k values anyway (the smallest, by the tie rule). */
	for (uint32_t i = 0; i < k && i < nvalues; i++)
		chosen[vc[i].value] = 1;
	for (size_t i = 0; i < ntest; i++)
		hits += chosen[test[i]];
	*rate = (double)hits / (double)ntest;
out:
	free(vc);
	free(chosen);
	return st;
}

double pk__stats_chi2_per_df(const uint64_t *counts, const double *weight,
			    unsigned nbins)
{
	double total = 0, wsum = 0, chi2 = 0;
	unsigned used = 0;

	for (unsigned b = 0; b < nbins; b++) {
		if (weight[b] <= 0)
			continue;
		total += (double)counts[b];
		wsum += weight[b];
		used++;
	}
	if (used < 2 || total <= 0)
		return 0;
	for (unsigned b = 0; b < nbins; b++) {
		if (weight[b] <= 0)
			continue;
		double e = total * weight[b] / wsum;
		double d = (double)counts[b] - e;
		chi2 += d * d / e;
	}
	return chi2 / (used - 1);
}

static pk_status seq_analyze(const uint16_t *ports, size_t n, uint16_t lo,
			     uint16_t hi, uint32_t guesses, pk_seq_stats *out,
			     pk_error *err)
{
	uint32_t *offs = NULL, *steps = NULL, *stepcount = NULL;
	pk_portset seen;
	pk_status st = PK_OK;
	uint64_t counts[PK_CHI_BINS] = { 0 };
	double weight[PK_CHI_BINS] = { 0 };

	memset(out, 0, sizeof *out);
	if (lo > hi)
		return pk__error_set(err, PK_RANGE,
				    "invalid range %u-%u: expected LO <= HI", lo, hi);
	if (n < 2)
		return pk__error_set(err, PK_INVAL,
				    "too few ports (%zu): expected at least 2", n);
	if (guesses == 0)
		return pk__error_set(err, PK_RANGE,
				    "invalid number of guesses 0: expected at least 1");
	const uint32_t num = (uint32_t)hi - lo + 1;
	const unsigned nbins = num < PK_CHI_BINS ? num : PK_CHI_BINS;
	for (size_t i = 0; i < n; i++)
		if (ports[i] < lo || ports[i] > hi)
			return pk__error_set(err, PK_RANGE,
					    "port %u is outside the range %u-%u",
					    ports[i], lo, hi);
	offs = malloc(n * sizeof *offs);
	steps = malloc(n * sizeof *steps);
	stepcount = calloc(num, sizeof *stepcount);
	if (offs == NULL || steps == NULL || stepcount == NULL) {
		st = pk__error_set(err, PK_NOMEM, "out of memory");
		goto out;
	}
	pk_portset_clear(&seen);
	size_t parity = 0, small = 0;
	for (size_t i = 0; i < n; i++) {
		offs[i] = ports[i] - lo;
		if (!pk_portset_contains(&seen, ports[i])) {
			pk_portset_add(&seen, ports[i]);
			out->distinct++;
		}
		parity += (ports[i] & 1) == (lo & 1);
		counts[pk_stats_bin(offs[i], num, nbins)]++;
		if (i > 0) {
			uint32_t s = (offs[i] + num - offs[i - 1]) % num;
			steps[i - 1] = s;
			stepcount[s]++;
			small += s >= 1 && s <= 16;
		}
	}
	for (uint32_t o = 0; o < num; o++)
		weight[pk_stats_bin(o, num, nbins)] += 1;
	uint32_t mode = 0;
	for (uint32_t s = 1; s < num; s++)
		if (stepcount[s] > stepcount[mode])
			mode = s;
	out->count = n;
	out->same_parity = (double)parity / (double)n;
	out->small_steps = (double)small / (double)(n - 1);
	out->step_mode = mode > num / 2 ? (int32_t)mode - (int32_t)num : (int32_t)mode;
	out->step_mode_share = (double)stepcount[mode] / (double)(n - 1);
	out->chi2 = pk__stats_chi2_per_df(counts, weight, nbins);
	/* First half teaches the attacker, second half scores it. */
	size_t h = n / 2;
	st = pk__stats_topk_rate(offs, h, offs + h, n - h, num, guesses,
				&out->pred_blind);
	if (st == PK_OK) {
		size_t m = n - 1, hm = m / 2;
		st = pk__stats_topk_rate(steps, hm, steps + hm, m - hm, num,
					guesses, &out->pred_same);
	}
	if (st != PK_OK)
		pk__error_set(err, st, "out of memory");
out:
	free(offs);
	free(steps);
	free(stepcount);
	return st;
}

pk_status pk_seq_analyze_(const uint16_t *ports, size_t n, uint16_t lo,
			  uint16_t hi, uint32_t guesses, pk_seq_stats *out,
			  size_t out_size, pk_error *err)
{
	pk_seq_stats full;
	pk_status st = seq_analyze(ports, n, lo, hi, guesses, &full, err);

	pk__copy_out(out, out_size, &full, sizeof full);
	return st;
}
