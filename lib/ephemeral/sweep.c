/* sweep.c - every chosen algorithm at every chosen occupancy on one
 * workload: the grid `portkit sim` prints and plots. */
#include <stdlib.h>
#include <string.h>

#include "ephemeral/sim_internal.h"

/* More points than anyone plots; the bound keeps n * sizeof in range. */
#define MAX_POINTS 65536u

struct pk_sim_sweep {
	pk_sim_workload w;
	pk_portset reserved; /* w.reserved points here when there is one */
	pk_eph_algo algos[PK_EPH_ALGO_COUNT];
	size_t nalgo;
	double *occ;
	size_t nocc;
	pk_sim_progress_fn progress;
	void *progress_ctx;
	pk_sim_result *res; /* nocc * nalgo, occupancy-major */
	bool done;
};

static const double default_occ[] = { 0, 0.5, 0.9, 0.99 };

pk_status pk_sim_sweep_new(const pk_sim_workload *w, pk_sim_sweep **out,
			   pk_error *err)
{
	pk_sim_sweep *s;
	pk_status st;

	*out = NULL;
	if ((st = pk_sim_workload_check(w, err)) != PK_OK)
		return st;
	s = calloc(1, sizeof *s);
	if (s == NULL)
		return pk__error_set(err, PK_NOMEM, "sim: %s", pk_strerror(PK_NOMEM));
	s->w = *w;
	if (w->reserved != NULL) {
		s->reserved = *w->reserved;
		s->w.reserved = &s->reserved;
	}
	for (size_t i = 0; i < PK_EPH_ALGO_COUNT; i++)
		s->algos[i] = (pk_eph_algo)i;
	s->nalgo = PK_EPH_ALGO_COUNT;
	if ((st = pk_sim_sweep_set_occupancies(s, default_occ, 4, err)) != PK_OK) {
		pk_sim_sweep_free(s);
		return st;
	}
	*out = s;
	return PK_OK;
}

void pk_sim_sweep_free(pk_sim_sweep *s)
{
	if (s == NULL)
		return;
	free(s->occ);
	free(s->res);
	free(s);
}

/* A new grid invalidates the results of the old one. */
static void forget_results(pk_sim_sweep *s)
{
	free(s->res);
	s->res = NULL;
	s->done = false;
}

pk_status pk_sim_sweep_set_algos(pk_sim_sweep *s, const pk_eph_algo *algos,
				 size_t n, pk_error *err)
{
	pk_eph_algo list[PK_EPH_ALGO_COUNT];
	size_t m = 0;

	if (n == 0)
		return pk__error_set(err, PK_INVAL, "sim: no algorithm chosen");
	for (size_t k = 0; k < n; k++) {
		if ((unsigned)algos[k] >= PK_EPH_ALGO_COUNT)
			return pk__error_set(err, PK_INVAL, "sim: unknown algorithm %d",
					    (int)algos[k]);
		bool dup = false;
		for (size_t i = 0; i < m; i++)
			dup |= list[i] == algos[k];
		if (!dup)
			list[m++] = algos[k];
	}
	memcpy(s->algos, list, m * sizeof *list);
	s->nalgo = m;
	forget_results(s);
	return PK_OK;
}

pk_status pk_sim_sweep_set_occupancies(pk_sim_sweep *s, const double *occ,
				       size_t n, pk_error *err)
{
	if (n == 0)
		return pk__error_set(err, PK_INVAL, "sim: no occupancy chosen");
	if (n > MAX_POINTS / PK_EPH_ALGO_COUNT)
		return pk__error_set(err, PK_TOOBIG, "sim: %zu occupancies, at most %u", n,
				    MAX_POINTS / PK_EPH_ALGO_COUNT);
	/* At 1 no port is free: every selection would scan the whole range
	 * and fail, and the run would compare nothing. */
	for (size_t i = 0; i < n; i++)
		if (!(occ[i] >= 0 && occ[i] < 1))
			return pk__error_set(err, PK_RANGE, "invalid occupancy %g: expected a "
					    "share in [0, 1) (at 1 no port is free)", occ[i]);
	double *copy = malloc(n * sizeof *copy);
	if (copy == NULL)
		return pk__error_set(err, PK_NOMEM, "sim: %s", pk_strerror(PK_NOMEM));
	memcpy(copy, occ, n * sizeof *copy);
	free(s->occ);
	s->occ = copy;
	s->nocc = n;
	forget_results(s);
	return PK_OK;
}

void pk_sim_sweep_set_progress(pk_sim_sweep *s, pk_sim_progress_fn fn, void *ctx)
{
	s->progress = fn;
	s->progress_ctx = ctx;
}

pk_status pk_sim_sweep_run(pk_sim_sweep *s, pk_error *err)
{
	size_t total = s->nocc * s->nalgo;

	forget_results(s);
	pk_status st0 = pk__sim_check_work(&s->w, s->occ, s->nocc, s->nalgo, err);
	if (st0 != PK_OK)
		return st0;
	s->res = calloc(total, sizeof *s->res);
	if (s->res == NULL)
		return pk__error_set(err, PK_NOMEM, "sim: %s", pk_strerror(PK_NOMEM));
	for (size_t i = 0; i < s->nocc; i++)
		for (size_t a = 0; a < s->nalgo; a++) {
			size_t k = i * s->nalgo + a;
			if (s->progress != NULL &&
			    s->progress(s->progress_ctx, s->algos[a], s->occ[i], k + 1,
					total) != 0)
				return pk__error_set(err, PK_INVAL, "sim: stopped after %zu of "
						    "%zu runs", k, total);
			pk_status st = pk_sim_run(&s->w, s->algos[a], s->occ[i], &s->res[k],
						  err);
			if (st != PK_OK)
				return st;
		}
	s->done = true;
	return PK_OK;
}

const pk_sim_workload *pk_sim_sweep_workload(const pk_sim_sweep *s)
{
	return &s->w;
}

size_t pk_sim_sweep_algo_count(const pk_sim_sweep *s)
{
	return s->nalgo;
}

pk_eph_algo pk_sim_sweep_algo(const pk_sim_sweep *s, size_t i)
{
	return i < s->nalgo ? s->algos[i] : (pk_eph_algo)0;
}

size_t pk_sim_sweep_occupancy_count(const pk_sim_sweep *s)
{
	return s->nocc;
}

double pk_sim_sweep_occupancy(const pk_sim_sweep *s, size_t i)
{
	return i < s->nocc ? s->occ[i] : 0;
}

const pk_sim_result *pk_sim_sweep_result(const pk_sim_sweep *s, size_t oi,
					 size_t ai)
{
	if (!s->done || oi >= s->nocc || ai >= s->nalgo)
		return NULL;
	return &s->res[oi * s->nalgo + ai];
}

pk_status pk__sim_sweep_fill(pk_sim_sweep *s, const pk_sim_result *res)
{
	forget_results(s);
	s->res = malloc(s->nocc * s->nalgo * sizeof *s->res);
	if (s->res == NULL)
		return PK_NOMEM;
	memcpy(s->res, res, s->nocc * s->nalgo * sizeof *s->res);
	s->done = true;
	return PK_OK;
}
