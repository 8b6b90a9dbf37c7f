/* observe_compare.c - the kernel's source ports next to the models': the
 * same connections, at the same times, replayed against each model, and
 * every sequence measured the same way (pk_seq_analyze). */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/internal.h"

#define MAX_MODELS PK_EPH_ALGO_COUNT

struct pk_observe_compare {
	pk_eph_config cfg;
	pk_portset reserved; /* cfg.reserved points here when there is one */
	size_t max;
	uint32_t max_ms;
	uint32_t guesses;
	pk_eph_algo models[MAX_MODELS];
	size_t nmodels;
	/* outcome: source 0 is the kernel, 1 + i model i */
	pk_observation obs;
	uint64_t elapsed_ns;
	size_t nsources;
	pk_seq_stats stats[1 + MAX_MODELS];
	double ns[1 + MAX_MODELS];
};

pk_status pk_observe_compare_new(const pk_eph_config *cfg,
				 pk_observe_compare **out, pk_error *err)
{
	pk_observe_compare *c;

	*out = NULL;
	if (cfg->lo > cfg->hi)
		return pk__error_set(err, PK_RANGE, "invalid range %u-%u: expected LO <= HI",
				    cfg->lo, cfg->hi);
	c = calloc(1, sizeof *c);
	if (c == NULL)
		return pk__error_set(err, PK_NOMEM, "observe: %s", pk_strerror(PK_NOMEM));
	c->cfg = *cfg;
	if (cfg->reserved != NULL) {
		c->reserved = *cfg->reserved;
		c->cfg.reserved = &c->reserved;
	}
	c->max = 1000;
	c->max_ms = 10000;
	c->guesses = 10;
	c->models[0] = PK_EPH_LINUX;
	c->models[1] = PK_EPH_LINUX_2021;
	c->nmodels = 2;
	*out = c;
	return PK_OK;
}

void pk_observe_compare_free(pk_observe_compare *c)
{
	free(c);
}

pk_status pk_observe_compare_set_limits(pk_observe_compare *c, size_t max,
					uint32_t max_ms, pk_error *err)
{
	if (max < 2)
		return pk__error_set(err, PK_RANGE, "observe: %zu connections: at least 2 "
				    "are needed to compare", max);
	c->max = max;
	c->max_ms = max_ms;
	return PK_OK;
}

pk_status pk_observe_compare_set_guesses(pk_observe_compare *c, uint32_t guesses,
					 pk_error *err)
{
	if (guesses == 0)
		return pk__error_set(err, PK_RANGE, "observe: 0 guesses: expected at least 1");
	c->guesses = guesses;
	return PK_OK;
}

pk_status pk_observe_compare_set_models(pk_observe_compare *c,
					const pk_eph_algo *models, size_t n,
					pk_error *err)
{
	pk_eph_algo list[MAX_MODELS];
	size_t m = 0;

	for (size_t k = 0; k < n; k++) {
		if ((unsigned)models[k] >= PK_EPH_ALGO_COUNT)
			return pk__error_set(err, PK_INVAL, "observe: unknown algorithm %d",
					    (int)models[k]);
		bool dup = false;
		for (size_t i = 0; i < m; i++)
			dup |= list[i] == models[k];
		if (!dup)
			list[m++] = models[k];
	}
	memcpy(c->models, list, m * sizeof *list);
	c->nmodels = m;
	return PK_OK;
}

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* The listener's port is the one port no model may choose: the kernel
 * could not have either. */
static bool not_listener(void *ctx, uint16_t port, const pk_eph_request *req)
{
	(void)req;
	return port != *(const uint16_t *)ctx;
}

/* Replays the observed connections (times in when_ns) against one model;
 * *ns receives the time per selection. */
static pk_status replay(const pk_observe_compare *c, pk_eph_algo algo,
			const uint64_t *when_ns, uint16_t *model, size_t *got,
			double *ns, pk_error *err)
{
	pk_eph *e = NULL;
	uint16_t listen_port = c->obs.listen_port;
	pk_status st = pk_eph_new(algo, &c->cfg, &e, err);

	if (st != PK_OK)
		return st;
	uint64_t t0 = mono_ns();
	*got = 0;
	for (size_t i = 0; i < c->obs.count; i++) {
		pk_eph_request req = { 0x7f000001u, 0x7f000001u, listen_port, false,
				       when_ns[i] / 1000000u };
		if (pk_eph_select(e, &req, not_listener, &listen_port, &model[*got],
				  NULL, NULL) == PK_OK)
			(*got)++;
	}
	*ns = (double)(mono_ns() - t0) / (double)c->obs.count;
	pk_eph_free(e);
	return PK_OK;
}

pk_status pk_observe_compare_run(pk_observe_compare *c, pk_error *err)
{
	uint16_t *ports = malloc(c->max * sizeof *ports);
	uint16_t *model = malloc(c->max * sizeof *model);
	uint64_t *when = malloc(c->max * sizeof *when);
	pk_status st;

	c->nsources = 0;
	if (ports == NULL || model == NULL || when == NULL) {
		st = pk__error_set(err, PK_NOMEM, "observe: %s", pk_strerror(PK_NOMEM));
		goto out;
	}
	st = pk_observe_loopback(c->max, c->max_ms, ports, when, &c->obs, err);
	if (st != PK_OK)
		goto out;
	if (c->obs.count < 2) {
		st = pk__error_set(err, PK_EXHAUSTED, "observe: only %zu connection(s) in %u "
				  "ms; nothing to compare", c->obs.count, c->max_ms);
		goto out;
	}
	c->elapsed_ns = when[c->obs.count - 1];
	st = pk_seq_analyze(ports, c->obs.count, c->cfg.lo, c->cfg.hi, c->guesses,
			    &c->stats[0], err);
	if (st != PK_OK)
		goto out;
	c->ns[0] = (double)c->obs.connect_ns / (double)c->obs.count;
	for (size_t m = 0; m < c->nmodels; m++) {
		size_t got;
		st = replay(c, c->models[m], when, model, &got, &c->ns[1 + m], err);
		if (st == PK_OK)
			st = pk_seq_analyze(model, got, c->cfg.lo, c->cfg.hi, c->guesses,
					    &c->stats[1 + m], err);
		if (st != PK_OK)
			goto out;
	}
	c->nsources = 1 + c->nmodels;
out:
	free(ports);
	free(model);
	free(when);
	return st;
}

void pk_observe_compare_get_observation(const pk_observe_compare *c,
					pk_observation *out)
{
	*out = c->obs;
}

uint64_t pk_observe_compare_elapsed_ns(const pk_observe_compare *c)
{
	return c->elapsed_ns;
}

void pk_observe_compare_get_range(const pk_observe_compare *c, uint16_t *lo,
				  uint16_t *hi)
{
	*lo = c->cfg.lo;
	*hi = c->cfg.hi;
}

uint32_t pk_observe_compare_guesses(const pk_observe_compare *c)
{
	return c->guesses;
}

size_t pk_observe_compare_count(const pk_observe_compare *c)
{
	return c->nsources;
}

bool pk_observe_compare_is_model(const pk_observe_compare *c, size_t i,
				 pk_eph_algo *model)
{
	if (i == 0 || i >= c->nsources)
		return false;
	if (model != NULL)
		*model = c->models[i - 1];
	return true;
}

const pk_seq_stats *pk_observe_compare_stats(const pk_observe_compare *c, size_t i)
{
	return i < c->nsources ? &c->stats[i] : NULL;
}

double pk_observe_compare_ns_per_op(const pk_observe_compare *c, size_t i)
{
	return i < c->nsources ? c->ns[i] : 0;
}
