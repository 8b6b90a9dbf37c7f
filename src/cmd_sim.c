/* cmd_sim.c - `portkit sim`: every ephemeral port selection algorithm on
 * one seeded workload, at several occupancies; a table, CSV, JSON or an
 * SVG plot.  `--observe N` instead asks this kernel for N ports over
 * loopback and sets them beside the Linux models. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "cli.h"

int cmd_sim(int argc, char **argv, cli_ctx *ctx);

#define MAX_OCC 32
#define MAX_ALGO 64

static void usage(FILE *out)
{
	fputs("usage: portkit sim [OPTIONS]\n"
	      "  --range LO-HI       the ephemeral range (default 32768-60999)\n"
	      "  --os ID             the range of an OS profile (portkit ranges)\n"
	      "  --occupancy LIST    shares of the range held by other sockets,\n"
	      "                      each in [0, 1) (default 0,0.5,0.9,0.99)\n"
	      "  --algo LIST         algorithms (default all): sequential, descending,\n"
	      "                      rfc6056-1 .. rfc6056-5, linux, linux-2021, freebsd\n"
	      "  --destinations N    servers connected to (default 16)\n"
	      "  --rate R            connections per second (default 200)\n"
	      "  --lifetime S        mean connection lifetime in seconds (default 2)\n"
	      "  --time-wait S       TIME_WAIT at the servers in seconds (default 60)\n"
	      "  --connections N     connections per run (default 20000)\n"
	      "  --attacker-share F  attacker probes per connection (default 0.125)\n"
	      "  --guesses K         the attacker's guesses (default 10)\n"
	      "  --leak-trials N     rounds of the leakage game (default 4000)\n"
	      "  --leak-conns N      victim connections per round (default 64)\n"
	      "  --reserved LIST     reserved ports, as ip_local_reserved_ports\n"
	      "  --seed N            the workload's and the secrets' seed (default 1)\n"
	      "  --csv               comma-separated values\n"
	      "  --svg FILE          plot a metric against occupancy to FILE\n"
	      "  --metric NAME       for --svg: probes, p99, max, failures, reuse-tw,\n"
	      "                      pred-blind, pred-same, pred-own, leak, chi2, ns\n"
	      "  --observe N         open N loopback connections; compare the kernel's\n"
	      "                      ports with the Linux models\n"
	      "  --observe-time S    at most S seconds for --observe (default 10)\n"
	      "See docs/ephemeral.md for what each column measures.\n", out);
}

/* ---- strict number parsing (ports go through pk_portspec_parse) ------- */

static int parse_double(const char *what, const char *s, double lo, double hi,
			double *out)
{
	char *end;

	errno = 0;
	double v = strtod(s, &end);
	if (s[0] == '\0' || *end != '\0' || errno != 0 || !isfinite(v) || v < lo ||
	    v > hi) {
		cli_error("invalid %s '%s': expected a number from %g to %g", what, s, lo, hi);
		return EXIT_USAGE;
	}
	*out = v;
	return 0;
}

/* An occupancy is a share in [0, 1): at 1 no port is free, every
 * selection fails after scanning the whole range, and the run compares
 * nothing. */
static int parse_occupancy(const char *s, double *out)
{
	char *end;

	errno = 0;
	double v = strtod(s, &end);
	if (s[0] == '\0' || *end != '\0' || errno != 0 || !isfinite(v) || v < 0 ||
	    v >= 1) {
		cli_error("invalid occupancy '%s': expected a share in [0, 1) "
			  "(at 1 no port is free)", s);
		return EXIT_USAGE;
	}
	*out = v;
	return 0;
}

static int parse_u64(const char *what, const char *s, uint64_t lo, uint64_t hi,
		     uint64_t *out)
{
	char *end;

	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (s[0] < '0' || s[0] > '9' || *end != '\0' || errno != 0 || v < lo || v > hi) {
		cli_error("invalid %s '%s': expected a whole number from %llu to %llu",
			  what, s, (unsigned long long)lo, (unsigned long long)hi);
		return EXIT_USAGE;
	}
	*out = v;
	return 0;
}

static int parse_u32(const char *what, const char *s, uint32_t lo, uint32_t hi,
		     uint32_t *out)
{
	uint64_t v;
	int rc = parse_u64(what, s, lo, hi, &v);

	if (rc == 0)
		*out = (uint32_t)v;
	return rc;
}

/* ---- output ------------------------------------------------------------ */

/* The sweep's results in its order: occupancy by occupancy, each with
 * every algorithm. */
static size_t npoints(const pk_sim_sweep *s)
{
	return pk_sim_sweep_occupancy_count(s) * pk_sim_sweep_algo_count(s);
}

static const pk_sim_result *point(const pk_sim_sweep *s, size_t k)
{
	size_t nalgo = pk_sim_sweep_algo_count(s);

	return pk_sim_sweep_result(s, k / nalgo, k % nalgo);
}

static json_t *result_json(const pk_sim_result *r)
{
	return json_pack("{s:s, s:f, s:I, s:I, s:I, s:{s:f, s:i, s:i}, "
			 "s:{s:I, s:f, s:f, s:f}, s:{s:f, s:f, s:f}, s:f, s:f, s:f}",
			 "algorithm", pk_eph_algo_name(r->algo),
			 "occupancy", r->occupancy,
			 "allocations", (json_int_t)r->allocations,
			 "failures", (json_int_t)r->failures,
			 "false_failures", (json_int_t)r->false_failures,
			 "probes", "mean", r->probes_mean, "p99", (int)r->probes_p99,
			 "max", (int)r->probes_max,
			 "reuse", "count", (json_int_t)r->reuses, "min_s", r->reuse_min,
			 "mean_s", r->reuse_mean, "within_time_wait", r->reuse_in_tw,
			 "predictability", "blind", r->pred_blind, "same_destination",
			 r->pred_same, "own_destination", r->pred_own,
			 "leak", r->leak, "chi2_per_df", r->chi2,
			 "ns_per_alloc", r->ns_per_alloc);
}

static json_t *workload_json(const pk_sim_workload *w)
{
	return json_pack("{s:i, s:i, s:i, s:f, s:f, s:f, s:i, s:f, s:i, s:i, s:i, s:I}",
			 "lo", (int)w->lo, "hi", (int)w->hi,
			 "destinations", (int)w->destinations, "rate", w->rate,
			 "lifetime", w->lifetime, "time_wait", w->time_wait,
			 "connections", (int)w->connections,
			 "attacker_share", w->attacker_share,
			 "guesses", (int)w->guesses, "leak_trials", (int)w->leak_trials,
			 "leak_conns", (int)w->leak_conns, "seed", (json_int_t)w->seed);
}

static void print_csv(const pk_sim_sweep *s)
{
	puts("algorithm,occupancy,allocations,failures,false_failures,probes_mean,"
	     "probes_p99,probes_max,reuses,reuse_min_s,reuse_mean_s,reuse_within_tw,"
	     "pred_blind,pred_same,pred_own,leak,chi2_per_df,ns_per_alloc");
	for (size_t i = 0; i < npoints(s); i++) {
		const pk_sim_result *r = point(s, i);
		printf("%s,%g,%llu,%llu,%llu,%.4f,%u,%u,%llu,%.4f,%.4f,%.4f,%.4f,%.4f,%.4f,%.4f,%.4f,%.1f\n",
		       pk_eph_algo_name(r->algo), r->occupancy,
		       (unsigned long long)r->allocations, (unsigned long long)r->failures,
		       (unsigned long long)r->false_failures, r->probes_mean, r->probes_p99,
		       r->probes_max, (unsigned long long)r->reuses, r->reuse_min,
		       r->reuse_mean, r->reuse_in_tw, r->pred_blind, r->pred_same,
		       r->pred_own, r->leak, r->chi2, r->ns_per_alloc);
	}
}

static int print_table(const pk_sim_sweep *s, const cli_ctx *ctx)
{
	const pk_sim_workload *w = pk_sim_sweep_workload(s);
	char k[16];
	snprintf(k, sizeof k, "%u", w->guesses);
	printf("workload: ports %u-%u (%u), %u destinations, %g conn/s, lifetime %g s, "
	       "TIME_WAIT %g s, %u connections, seed %llu; attacker: %s guesses\n\n",
	       w->lo, w->hi, w->hi - w->lo + 1, w->destinations, w->rate, w->lifetime,
	       w->time_wait, w->connections, (unsigned long long)w->seed, k);

	cli_table *t = cli_table_new(14);
	const char *head[] = { "ALGORITHM", "OCC", "PROBES", "P99", "MAX", "FAIL/FALSE",
			       "REUSE<TW", "MIN-REUSE", "BLIND", "SAME-DST", "OWN-DST",
			       "LEAK", "CHI2/DF", "NS" };
	bool ok = t != NULL && cli_table_add(t, head) == 0;
	for (size_t i = 0; ok && i < npoints(s); i++) {
		const pk_sim_result *r = point(s, i);
		char c[14][32];
		snprintf(c[0], 32, "%s", pk_eph_algo_name(r->algo));
		snprintf(c[1], 32, "%g", r->occupancy);
		snprintf(c[2], 32, "%.2f", r->probes_mean);
		snprintf(c[3], 32, "%u", r->probes_p99);
		snprintf(c[4], 32, "%u", r->probes_max);
		snprintf(c[5], 32, "%llu/%llu", (unsigned long long)r->failures,
			 (unsigned long long)r->false_failures);
		if (r->reuses > 0) {
			snprintf(c[6], 32, "%.0f%%", 100 * r->reuse_in_tw);
			snprintf(c[7], 32, "%.2fs", r->reuse_min);
		} else {
			snprintf(c[6], 32, "-");
			snprintf(c[7], 32, "-");
		}
		snprintf(c[8], 32, "%.3f", r->pred_blind);
		snprintf(c[9], 32, "%.3f", r->pred_same);
		snprintf(c[10], 32, "%.3f", r->pred_own);
		snprintf(c[11], 32, "%.2f", r->leak);
		snprintf(c[12], 32, "%.1f", r->chi2);
		snprintf(c[13], 32, "%.0f", r->ns_per_alloc);
		const char *row[14];
		for (int j = 0; j < 14; j++)
			row[j] = c[j];
		ok = cli_table_add(t, row) == 0;
	}
	return cli_table_finish(t, ok, ctx->width);
}

/* ---- the SVG plot ------------------------------------------------------ */

static int write_svg(const char *path, const pk_sim_sweep *s, const pk_sim_metric *m)
{
	char *doc;
	size_t len;
	pk_error err;
	pk_status st = pk_sim_svg(s, m, &doc, &len, &err);

	if (st != PK_OK)
		return cli_report(st, &err);
	FILE *f = fopen(path, "w");
	if (f == NULL) {
		cli_error("cannot write '%s': %s", path, strerror(errno));
		free(doc);
		return EXIT_DATA;
	}
	bool bad = fwrite(doc, 1, len, f) != len || ferror(f);
	free(doc);
	if (fclose(f) != 0 || bad) {
		cli_error("error writing '%s': %s", path, strerror(errno));
		return EXIT_DATA;
	}
	return EXIT_FOUND;
}

/* ---- --observe: the kernel next to the models --------------------------- */

static int observe(uint32_t n, uint32_t max_ms, uint32_t guesses, uint64_t seed,
		   const cli_ctx *ctx)
{
	pk_host_portconf conf;
	pk_observe_compare *c = NULL;
	pk_error err;
	int rc = EXIT_DATA;

	if (pk_host_portconf_read(NULL, &conf, &err) != PK_OK) {
		cli_report(PK_PARSE, &err);
		return EXIT_DATA;
	}
	if (!conf.have_range) {
		cli_error("observe: cannot read ip_local_port_range (is this Linux?)");
		return EXIT_DATA;
	}
	pk_eph_config cfg = { conf.ephemeral_lo, conf.ephemeral_hi,
			      conf.have_reserved ? &conf.reserved : NULL, seed, 0, 0 };
	pk_status st = pk_observe_compare_new(&cfg, &c, &err);
	if (st == PK_OK)
		st = pk_observe_compare_set_limits(c, n, max_ms, &err);
	if (st == PK_OK)
		st = pk_observe_compare_set_guesses(c, guesses, &err);
	if (st == PK_OK)
		st = pk_observe_compare_run(c, &err);
	if (st != PK_OK) {
		cli_report(st, &err);
		goto out;
	}

	pk_observation obs;
	pk_observe_compare_get_observation(c, &obs);
	double elapsed = (double)pk_observe_compare_elapsed_ns(c) / 1e9;
	size_t nsrc = pk_observe_compare_count(c);
	char names[PK_EPH_ALGO_COUNT + 1][32];
	for (size_t v = 0; v < nsrc && v <= PK_EPH_ALGO_COUNT; v++) {
		pk_eph_algo a;
		if (pk_observe_compare_is_model(c, v, &a))
			snprintf(names[v], sizeof names[v], "model %s", pk_eph_algo_name(a));
		else
			snprintf(names[v], sizeof names[v], "kernel");
	}
	if (ctx->json) {
		json_t *arr = json_array();
		for (size_t v = 0; v < nsrc; v++) {
			const pk_seq_stats *q = pk_observe_compare_stats(c, v);
			json_array_append_new(arr, json_pack(
				"{s:s, s:I, s:i, s:f, s:f, s:i, s:f, s:f, s:f, s:f, s:f}",
				"source", names[v], "count", (json_int_t)q->count,
				"distinct", (int)q->distinct, "same_parity", q->same_parity,
				"small_steps", q->small_steps, "step_mode", (int)q->step_mode,
				"step_mode_share", q->step_mode_share,
				"pred_blind", q->pred_blind, "pred_same", q->pred_same,
				"chi2_per_df", q->chi2,
				"ns_per_op", pk_observe_compare_ns_per_op(c, v)));
		}
		rc = cli_json_print(json_pack("{s:{s:i, s:i, s:i, s:i, s:f, s:o}}", "observe",
					 "lo", (int)conf.ephemeral_lo, "hi", (int)conf.ephemeral_hi,
					 "listen_port", (int)obs.listen_port, "guesses", (int)guesses,
					 "elapsed_s", elapsed, "sources", arr));
		goto out;
	}
	printf("observed %zu connections to 127.0.0.1:%u in %.2f s; ports %u-%u; "
	       "attacker: %u guesses\n\n", obs.count, obs.listen_port, elapsed,
	       conf.ephemeral_lo, conf.ephemeral_hi, guesses);
	cli_table *t = cli_table_new(10);
	const char *head[] = { "SOURCE", "N", "DISTINCT", "SAME-PARITY", "STEPS<=16",
			       "STEP-MODE", "MODE-SHARE", "SAME-DST", "CHI2/DF", "NS/OP" };
	bool ok = t != NULL && cli_table_add(t, head) == 0;
	for (size_t v = 0; ok && v < nsrc; v++) {
		const pk_seq_stats *q = pk_observe_compare_stats(c, v);
		char cell[10][32];
		snprintf(cell[0], 32, "%s", names[v]);
		snprintf(cell[1], 32, "%zu", q->count);
		snprintf(cell[2], 32, "%u", q->distinct);
		snprintf(cell[3], 32, "%.3f", q->same_parity);
		snprintf(cell[4], 32, "%.3f", q->small_steps);
		snprintf(cell[5], 32, "%+d", q->step_mode);
		snprintf(cell[6], 32, "%.3f", q->step_mode_share);
		snprintf(cell[7], 32, "%.3f", q->pred_same);
		snprintf(cell[8], 32, "%.2f", q->chi2);
		snprintf(cell[9], 32, "%.0f", pk_observe_compare_ns_per_op(c, v));
		const char *row[10];
		for (int j = 0; j < 10; j++)
			row[j] = cell[j];
		ok = cli_table_add(t, row) == 0;
	}
	rc = cli_table_finish(t, ok, ctx->width);
out:
	pk_observe_compare_free(c);
	return rc;
}

/* ---- the command ------------------------------------------------------ */

static int show_progress(void *ctx, pk_eph_algo algo, double occupancy,
			 size_t index, size_t total)
{
	(void)ctx;
	fprintf(stderr, "\rsim: %-11s at occupancy %-5g [%zu/%zu] ",
		pk_eph_algo_name(algo), occupancy, index, total);
	return 0;
}

/* Splits a comma-separated list in place into at most `max` items;
 * an empty item ("0.5,", ",0.5", "0.5,,0.9") is an error, not skipped. */
static int split_list(const char *what, const char *s, char *buf, size_t bufsz,
		      char **items, size_t max, size_t *n)
{
	if (strlen(s) >= bufsz) {
		cli_error("invalid %s list: too long (at most %zu characters)", what,
			  bufsz - 1);
		return EXIT_USAGE;
	}
	strcpy(buf, s);
	*n = 0;
	for (char *p = buf;;) {
		char *comma = strchr(p, ',');
		if (comma != NULL)
			*comma = '\0';
		if (*p == '\0') {
			cli_error("invalid %s list '%s': empty item; expected "
				  "comma-separated values", what, s);
			return EXIT_USAGE;
		}
		if (*n == max) {
			cli_error("too many %s values: at most %zu", what, max);
			return EXIT_USAGE;
		}
		items[(*n)++] = p;
		if (comma == NULL)
			return 0;
		p = comma + 1;
	}
}

static int parse_list_occ(const char *s, double *occ, size_t *n)
{
	char buf[1024];
	char *items[MAX_OCC];

	if (split_list("occupancy", s, buf, sizeof buf, items, MAX_OCC, n) != 0)
		return EXIT_USAGE;
	for (size_t i = 0; i < *n; i++)
		if (parse_occupancy(items[i], &occ[i]) != 0)
			return EXIT_USAGE;
	return 0;
}

static int parse_list_algo(const char *s, pk_eph_algo *algos, size_t *n)
{
	char buf[1024];
	char *items[MAX_ALGO];
	size_t nitems;
	pk_error err;

	if (split_list("algorithm", s, buf, sizeof buf, items, MAX_ALGO, &nitems) != 0)
		return EXIT_USAGE;
	for (size_t k = 0; k < nitems; k++)
		if (pk_eph_algo_parse(items[k], &algos[k], &err) != PK_OK) {
			cli_error("%s", err.message);
			return EXIT_USAGE;
		}
	*n = nitems; /* the sweep counts a repeated one once */
	return 0;
}

int cmd_sim(int argc, char **argv, cli_ctx *ctx)
{
	enum {
		OPT_RANGE = 0x2001, OPT_OS, OPT_OCC, OPT_ALGO, OPT_DEST, OPT_RATE,
		OPT_LIFE, OPT_TW, OPT_CONN, OPT_ASHARE, OPT_GUESS, OPT_LTRIALS,
		OPT_LCONNS, OPT_RESERVED, OPT_SEED, OPT_CSV, OPT_SVG, OPT_METRIC,
		OPT_OBSERVE, OPT_OBSTIME
	};
	static const struct option longopts[] = {
		{ "range", required_argument, NULL, OPT_RANGE },
		{ "os", required_argument, NULL, OPT_OS },
		{ "occupancy", required_argument, NULL, OPT_OCC },
		{ "algo", required_argument, NULL, OPT_ALGO },
		{ "destinations", required_argument, NULL, OPT_DEST },
		{ "rate", required_argument, NULL, OPT_RATE },
		{ "lifetime", required_argument, NULL, OPT_LIFE },
		{ "time-wait", required_argument, NULL, OPT_TW },
		{ "connections", required_argument, NULL, OPT_CONN },
		{ "attacker-share", required_argument, NULL, OPT_ASHARE },
		{ "guesses", required_argument, NULL, OPT_GUESS },
		{ "leak-trials", required_argument, NULL, OPT_LTRIALS },
		{ "leak-conns", required_argument, NULL, OPT_LCONNS },
		{ "reserved", required_argument, NULL, OPT_RESERVED },
		{ "seed", required_argument, NULL, OPT_SEED },
		{ "csv", no_argument, NULL, OPT_CSV },
		{ "svg", required_argument, NULL, OPT_SVG },
		{ "metric", required_argument, NULL, OPT_METRIC },
		{ "observe", required_argument, NULL, OPT_OBSERVE },
		{ "observe-time", required_argument, NULL, OPT_OBSTIME },
		{ "help", no_argument, NULL, 'h' },
		CLI_COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 }
	};
	pk_sim_workload w;
	pk_portset reserved;
	double occ[MAX_OCC];
	size_t nocc = 0, nalgo = 0;
	const pk_sim_metric *metric = pk_sim_metric_at(0);
	bool metric_given = false;
	pk_eph_algo algos[MAX_ALGO];
	pk_sim_sweep *sweep = NULL;
	const char *svg = NULL;
	bool csv = false;
	uint32_t observe_n = 0;
	double observe_s = 10;
	pk_error err;
	int opt, rc;

	pk_sim_workload_default(&w);
	optind = 1;
	while ((opt = getopt_long(argc, argv, "h" CLI_COMMON_SHORTOPTS, longopts, NULL)) != -1) {
		rc = 0;
		switch (opt) {
		case OPT_RANGE: {
			pk_portspec spec;
			if (pk_portspec_parse(optarg, &spec, &err) != PK_OK) {
				cli_error("%s", err.message);
				return EXIT_USAGE;
			}
			if (spec.protos != 0) {
				cli_error("invalid range '%s': expected LO-HI without a transport", optarg);
				return EXIT_USAGE;
			}
			w.lo = spec.lo;
			w.hi = spec.hi;
			break;
		}
		case OPT_OS: {
			const pk_os_profile *p = pk_os_profile_find(optarg);
			if (p == NULL) {
				cli_error("unknown OS profile '%s': see `portkit ranges`", optarg);
				return EXIT_USAGE;
			}
			w.lo = p->lo;
			w.hi = p->hi;
			break;
		}
		case OPT_OCC:
			rc = parse_list_occ(optarg, occ, &nocc);
			break;
		case OPT_ALGO:
			rc = parse_list_algo(optarg, algos, &nalgo);
			break;
		case OPT_DEST:
			rc = parse_u32("number of destinations", optarg, 1, 1000000, &w.destinations);
			break;
		case OPT_RATE:
			rc = parse_double("rate", optarg, 1e-6, 1e9, &w.rate);
			break;
		case OPT_LIFE:
			rc = parse_double("lifetime", optarg, 0, 1e9, &w.lifetime);
			break;
		case OPT_TW:
			rc = parse_double("TIME_WAIT", optarg, 0, 1e9, &w.time_wait);
			break;
		case OPT_CONN:
			rc = parse_u32("number of connections", optarg, 1, 10000000, &w.connections);
			break;
		case OPT_ASHARE:
			rc = parse_double("attacker share", optarg, 0, 1, &w.attacker_share);
			break;
		case OPT_GUESS:
			rc = parse_u32("number of guesses", optarg, 1, 65536, &w.guesses);
			break;
		case OPT_LTRIALS:
			rc = parse_u32("number of leakage rounds", optarg, 0, 1000000, &w.leak_trials);
			break;
		case OPT_LCONNS:
			rc = parse_u32("connections per leakage round", optarg, 0, 10000, &w.leak_conns);
			break;
		case OPT_RESERVED:
			pk_portset_clear(&reserved);
			if (pk_portset_parse(&reserved, optarg, &err) != PK_OK) {
				cli_error("%s", err.message);
				return EXIT_USAGE;
			}
			w.reserved = &reserved;
			break;
		case OPT_SEED:
			rc = parse_u64("seed", optarg, 0, UINT64_MAX, &w.seed);
			break;
		case OPT_CSV:
			csv = true;
			break;
		case OPT_SVG:
			svg = optarg;
			break;
		case OPT_METRIC:
			if (pk_sim_metric_find(optarg, &metric, &err) != PK_OK) {
				cli_error("%s", err.message);
				return EXIT_USAGE;
			}
			metric_given = true;
			break;
		case OPT_OBSERVE:
			rc = parse_u32("number of connections to observe", optarg, 2, 1000000,
				       &observe_n);
			break;
		case OPT_OBSTIME:
			rc = parse_double("observation time", optarg, 0.001, 600, &observe_s);
			break;
		case 'h':
			usage(stdout);
			return EXIT_FOUND;
		default:
			if ((rc = cli_common_option(opt, optarg, ctx)) != 0)
				usage(stderr);
		}
		if (rc != 0)
			return rc;
	}
	if ((rc = cli_no_operands(argc, argv, "sim")) != 0)
		return rc;
	if (csv && ctx->json) {
		cli_error("sim: --csv and --json exclude each other");
		return EXIT_USAGE;
	}
	/* The table, CSV and JSON always carry every metric; only the plot
	 * shows one, so a lone --metric would be silently ignored. */
	if (metric_given && svg == NULL) {
		cli_error("sim: --metric chooses what --svg plots: give --svg FILE too");
		return EXIT_USAGE;
	}
	if (observe_n > 0)
		return observe(observe_n, (uint32_t)(observe_s * 1000), w.guesses, w.seed, ctx);
	pk_status st = pk_sim_sweep_new(&w, &sweep, &err);
	if (st == PK_OK && nalgo > 0)
		st = pk_sim_sweep_set_algos(sweep, algos, nalgo, &err);
	if (st == PK_OK && nocc > 0)
		st = pk_sim_sweep_set_occupancies(sweep, occ, nocc, &err);
	if (st != PK_OK) {
		pk_sim_sweep_free(sweep);
		return cli_report(st, &err);
	}
	bool tty = isatty(STDERR_FILENO);
	if (tty)
		pk_sim_sweep_set_progress(sweep, show_progress, NULL);
	st = pk_sim_sweep_run(sweep, &err);
	if (tty && st == PK_OK)
		fprintf(stderr, "\r%60s\r", "");
	else if (tty)
		fputc('\n', stderr);
	if (st != PK_OK) {
		pk_sim_sweep_free(sweep);
		return cli_report(st, &err);
	}

	rc = EXIT_FOUND;
	if (svg != NULL)
		rc = write_svg(svg, sweep, metric);
	if (rc == EXIT_FOUND) {
		if (ctx->json) {
			json_t *arr = json_array();
			for (size_t i = 0; i < npoints(sweep); i++)
				json_array_append_new(arr, result_json(point(sweep, i)));
			rc = cli_json_print(json_pack("{s:o, s:o}", "workload", workload_json(&w),
						 "results", arr));
		} else if (csv) {
			print_csv(sweep);
		} else {
			rc = print_table(sweep, ctx);
		}
	}
	pk_sim_sweep_free(sweep);
	return rc;
}
