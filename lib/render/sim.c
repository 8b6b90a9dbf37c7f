/* sim.c - the simulator's answers: the algorithm x occupancy sweep as a
 * table, CSV or a JSON document, and the kernel-vs-model comparison. */
#include <stdio.h>
#include <string.h>

#include "render/render_internal.h"

void pk__csv_field(pk_render *r, const char *s)
{
	bool quote = strpbrk(s, ",\"\r\n") != NULL;

	if (quote)
		pk__render_put(r, "\"", 1);
	if (s[0] != '\0' && strchr("=+-@", s[0]) != NULL)
		pk__render_put(r, "'", 1);
	for (const char *p = s; *p != '\0'; p++) {
		if (*p == '"')
			pk__render_put(r, "\"", 1);
		pk__render_put(r, p, 1);
	}
	if (quote)
		pk__render_put(r, "\"", 1);
}

static void json_workload(pk_render *r, const pk_sim_workload *w)
{
	pk__json_object_begin(r, "workload");
	pk__json_uint(r, "port_lo", w->lo);
	pk__json_uint(r, "port_hi", w->hi);
	pk__json_array_begin(r, "reserved");
	if (w->reserved != NULL) {
		for (uint32_t p = w->lo; p <= w->hi; p++) {
			if (!pk_portset_contains(w->reserved, (uint16_t)p))
				continue;
			uint32_t end = p;
			while (end < w->hi && pk_portset_contains(w->reserved, (uint16_t)(end + 1)))
				end++;
			pk__json_object_begin(r, NULL);
			pk__json_uint(r, "port_lo", p);
			pk__json_uint(r, "port_hi", end);
			pk__json_object_end(r);
			p = end;
		}
	}
	pk__json_array_end(r);
	pk__json_uint(r, "destinations", w->destinations);
	pk__json_real(r, "rate", w->rate);
	pk__json_real(r, "lifetime", w->lifetime);
	pk__json_real(r, "time_wait", w->time_wait);
	pk__json_uint(r, "connections", w->connections);
	pk__json_real(r, "attacker_share", w->attacker_share);
	pk__json_uint(r, "guesses", w->guesses);
	pk__json_uint(r, "leak_trials", w->leak_trials);
	pk__json_uint(r, "leak_conns", w->leak_conns);
	pk__json_uint(r, "seed", w->seed);
	pk__json_object_end(r);
}

static void json_result(pk_render *r, const pk_sim_result *s)
{
	pk__json_object_begin(r, NULL);
	pk__json_string(r, "algorithm", pk_eph_algo_name(s->algo));
	pk__json_real(r, "occupancy", s->occupancy);
	pk__json_uint(r, "allocations", s->allocations);
	pk__json_uint(r, "failures", s->failures);
	pk__json_uint(r, "false_failures", s->false_failures);
	pk__json_object_begin(r, "probes");
	pk__json_real(r, "mean", s->probes_mean);
	pk__json_uint(r, "p99", s->probes_p99);
	pk__json_uint(r, "max", s->probes_max);
	pk__json_object_end(r);
	pk__json_object_begin(r, "reuse");
	pk__json_uint(r, "count", s->reuses);
	pk__json_real(r, "min_s", s->reuse_min);
	pk__json_real(r, "mean_s", s->reuse_mean);
	pk__json_real(r, "within_time_wait", s->reuse_in_tw);
	pk__json_object_end(r);
	pk__json_object_begin(r, "predictability");
	pk__json_real(r, "blind", s->pred_blind);
	pk__json_real(r, "same_destination", s->pred_same);
	pk__json_real(r, "own_destination", s->pred_own);
	pk__json_object_end(r);
	pk__json_real(r, "leak", s->leak);
	pk__json_real(r, "chi2_per_df", s->chi2);
	pk__json_real(r, "ns_per_alloc", s->ns_per_alloc);
	pk__json_object_end(r);
}

static void csv_sweep(pk_render *r, const pk_sim_sweep *s, size_t nocc,
		      size_t nalgo)
{
	pk__render_puts(r, "algorithm,occupancy,allocations,failures,false_failures,"
			"probes_mean,probes_p99,probes_max,reuses,reuse_min_s,"
			"reuse_mean_s,reuse_within_tw,pred_blind,pred_same,pred_own,"
			"leak,chi2_per_df,ns_per_alloc\n");
	for (size_t o = 0; o < nocc; o++)
		for (size_t a = 0; a < nalgo; a++) {
			const pk_sim_result *x = pk_sim_sweep_result(s, o, a);
			pk__csv_field(r, pk_eph_algo_name(x->algo));
			pk__render_printf(r, ",%g,%llu,%llu,%llu,%.4f,%u,%u,%llu,%.4f,%.4f,"
					  "%.4f,%.4f,%.4f,%.4f,%.4f,%.4f,%.1f\n",
					  x->occupancy, (unsigned long long)x->allocations,
					  (unsigned long long)x->failures,
					  (unsigned long long)x->false_failures,
					  x->probes_mean, x->probes_p99, x->probes_max,
					  (unsigned long long)x->reuses, x->reuse_min,
					  x->reuse_mean, x->reuse_in_tw, x->pred_blind,
					  x->pred_same, x->pred_own, x->leak, x->chi2,
					  x->ns_per_alloc);
		}
}

static void text_sweep(pk_render *r, const pk_sim_sweep *s, size_t nocc,
		       size_t nalgo)
{
	const pk_sim_workload *w = pk_sim_sweep_workload(s);
	static const char *const head[] = {
		"ALGORITHM", "OCC", "PROBES", "P99", "MAX", "FAIL/FALSE",
		"REUSE<TW", "MIN-REUSE", "BLIND", "SAME-DST", "OWN-DST",
		"LEAK", "CHI2/DF", "NS"
	};

	char line[512];
	snprintf(line, sizeof line, "workload: ports %u-%u (%u), %u destinations, %g conn/s, "
		 "lifetime %g s, TIME_WAIT %g s, %u connections, seed %llu; "
		 "attacker: %u guesses",
		 w->lo, w->hi, w->hi - w->lo + 1, w->destinations, w->rate,
		 w->lifetime, w->time_wait, w->connections,
		 (unsigned long long)w->seed, w->guesses);
	pk__render_folded(r, line, 10);
	pk__render_put(r, "\n", 1);
	pk_text_table *t = pk__table_new(r, 14);
	if (t == NULL)
		return;
	pk__table_add(r, t, head);
	for (size_t o = 0; o < nocc; o++)
		for (size_t a = 0; a < nalgo; a++) {
			const pk_sim_result *x = pk_sim_sweep_result(s, o, a);
			char c[14][32];
			snprintf(c[0], 32, "%s", pk_eph_algo_name(x->algo));
			snprintf(c[1], 32, "%g", x->occupancy);
			snprintf(c[2], 32, "%.2f", x->probes_mean);
			snprintf(c[3], 32, "%u", x->probes_p99);
			snprintf(c[4], 32, "%u", x->probes_max);
			snprintf(c[5], 32, "%llu/%llu", (unsigned long long)x->failures,
				 (unsigned long long)x->false_failures);
			if (x->reuses > 0) {
				snprintf(c[6], 32, "%.0f%%", 100 * x->reuse_in_tw);
				snprintf(c[7], 32, "%.2fs", x->reuse_min);
			} else {
				snprintf(c[6], 32, "-");
				snprintf(c[7], 32, "-");
			}
			snprintf(c[8], 32, "%.3f", x->pred_blind);
			snprintf(c[9], 32, "%.3f", x->pred_same);
			snprintf(c[10], 32, "%.3f", x->pred_own);
			snprintf(c[11], 32, "%.2f", x->leak);
			snprintf(c[12], 32, "%.1f", x->chi2);
			snprintf(c[13], 32, "%.0f", x->ns_per_alloc);
			const char *row[14];
			for (int j = 0; j < 14; j++)
				row[j] = c[j];
			pk__table_add(r, t, row);
		}
	pk__table_write(r, t);
	pk__table_free(t);
}

void pk_render_sim_sweep(pk_render *r, const pk_sim_sweep *s)
{
	size_t nocc = pk_sim_sweep_occupancy_count(s);
	size_t nalgo = pk_sim_sweep_algo_count(s);

	if (pk_sim_sweep_result(s, 0, 0) == NULL) {
		pk__render_fail(r, PK_INVAL, "the sweep has not run");
		return;
	}
	switch (r->format) {
	case PK_RENDER_JSON:
		pk__json_document_begin(r, "sim");
		json_workload(r, pk_sim_sweep_workload(s));
		pk__json_array_begin(r, "results");
		for (size_t o = 0; o < nocc; o++)
			for (size_t a = 0; a < nalgo; a++)
				json_result(r, pk_sim_sweep_result(s, o, a));
		pk__json_array_end(r);
		pk__json_object_end(r);
		return;
	case PK_RENDER_CSV:
		csv_sweep(r, s, nocc, nalgo);
		return;
	case PK_RENDER_TEXT:
		break;
	}
	text_sweep(r, s, nocc, nalgo);
}

/* ---- the kernel next to the models ------------------------------------ */

static void source_name(const pk_observe_compare *c, size_t v, char *buf,
			size_t size)
{
	pk_eph_algo a;

	if (pk_observe_compare_is_model(c, v, &a))
		snprintf(buf, size, "model %s", pk_eph_algo_name(a));
	else
		snprintf(buf, size, "kernel");
}

static void json_observe(pk_render *r, const pk_observe_compare *c,
			 const pk_observation *obs, double elapsed)
{
	uint16_t lo, hi;

	pk_observe_compare_get_range(c, &lo, &hi);
	pk__json_document_begin(r, "sim");
	pk__json_object_begin(r, "observe");
	pk__json_uint(r, "port_lo", lo);
	pk__json_uint(r, "port_hi", hi);
	pk__json_uint(r, "listen_port", obs->listen_port);
	pk__json_uint(r, "guesses", pk_observe_compare_guesses(c));
	pk__json_real(r, "elapsed_s", elapsed);
	pk__json_array_begin(r, "sources");
	for (size_t v = 0; v < pk_observe_compare_count(c); v++) {
		const pk_seq_stats *q = pk_observe_compare_stats(c, v);
		pk_eph_algo a;
		bool model = pk_observe_compare_is_model(c, v, &a);
		pk__json_object_begin(r, NULL);
		pk__json_string(r, "source", model ? "model" : "kernel");
		pk__json_string(r, "algorithm", model ? pk_eph_algo_name(a) : NULL);
		pk__json_uint(r, "count", q->count);
		pk__json_uint(r, "distinct", q->distinct);
		pk__json_real(r, "same_parity", q->same_parity);
		pk__json_real(r, "small_steps", q->small_steps);
		pk__json_int(r, "step_mode", q->step_mode);
		pk__json_real(r, "step_mode_share", q->step_mode_share);
		pk__json_real(r, "pred_blind", q->pred_blind);
		pk__json_real(r, "pred_same", q->pred_same);
		pk__json_real(r, "chi2_per_df", q->chi2);
		pk__json_real(r, "ns_per_op", pk_observe_compare_ns_per_op(c, v));
		pk__json_object_end(r);
	}
	pk__json_array_end(r);
	pk__json_object_end(r);
	pk__json_object_end(r);
}

static void csv_observe(pk_render *r, const pk_observe_compare *c)
{
	pk__render_puts(r, "source,count,distinct,same_parity,small_steps,step_mode,"
			"step_mode_share,pred_blind,pred_same,chi2_per_df,ns_per_op\n");
	for (size_t v = 0; v < pk_observe_compare_count(c); v++) {
		const pk_seq_stats *q = pk_observe_compare_stats(c, v);
		char name[40];
		source_name(c, v, name, sizeof name);
		pk__csv_field(r, name);
		pk__render_printf(r, ",%zu,%u,%.4f,%.4f,%d,%.4f,%.4f,%.4f,%.4f,%.1f\n",
				  q->count, q->distinct, q->same_parity, q->small_steps,
				  (int)q->step_mode, q->step_mode_share, q->pred_blind,
				  q->pred_same, q->chi2, pk_observe_compare_ns_per_op(c, v));
	}
}

void pk_render_observe_compare(pk_render *r, const pk_observe_compare *c)
{
	static const char *const head[] = {
		"SOURCE", "N", "DISTINCT", "SAME-PARITY", "STEPS<=16",
		"STEP-MODE", "MODE-SHARE", "SAME-DST", "CHI2/DF", "NS/OP"
	};
	pk_observation obs;
	uint16_t lo, hi;

	if (pk_observe_compare_count(c) == 0) {
		pk__render_fail(r, PK_INVAL, "the comparison has not run");
		return;
	}
	pk_observe_compare_get_observation(c, &obs);
	double elapsed = (double)pk_observe_compare_elapsed_ns(c) / 1e9;
	if (r->format == PK_RENDER_JSON) {
		json_observe(r, c, &obs, elapsed);
		return;
	}
	if (r->format == PK_RENDER_CSV) {
		csv_observe(r, c);
		return;
	}
	pk_observe_compare_get_range(c, &lo, &hi);
	pk__render_printf(r, "observed %zu connections to 127.0.0.1:%u in %.2f s; "
			  "ports %u-%u; attacker: %u guesses\n\n", obs.count,
			  obs.listen_port, elapsed, lo, hi,
			  pk_observe_compare_guesses(c));
	pk_text_table *t = pk__table_new(r, 10);
	if (t == NULL)
		return;
	pk__table_add(r, t, head);
	for (size_t v = 0; v < pk_observe_compare_count(c); v++) {
		const pk_seq_stats *q = pk_observe_compare_stats(c, v);
		char cell[10][40];
		source_name(c, v, cell[0], sizeof cell[0]);
		snprintf(cell[1], 40, "%zu", q->count);
		snprintf(cell[2], 40, "%u", q->distinct);
		snprintf(cell[3], 40, "%.3f", q->same_parity);
		snprintf(cell[4], 40, "%.3f", q->small_steps);
		snprintf(cell[5], 40, "%+d", (int)q->step_mode);
		snprintf(cell[6], 40, "%.3f", q->step_mode_share);
		snprintf(cell[7], 40, "%.3f", q->pred_same);
		snprintf(cell[8], 40, "%.2f", q->chi2);
		snprintf(cell[9], 40, "%.0f", pk_observe_compare_ns_per_op(c, v));
		const char *row[10];
		for (int j = 0; j < 10; j++)
			row[j] = cell[j];
		pk__table_add(r, t, row);
	}
	pk__table_write(r, t);
	pk__table_free(t);
}
