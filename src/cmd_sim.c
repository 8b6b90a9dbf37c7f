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

/* ---- metrics, by name -------------------------------------------------- */

static const struct metric {
	const char *name;
	const char *title;
	bool logscale;
} metrics[] = {
	{ "probes", "mean probes per allocation", true },
	{ "p99", "99th percentile of probes per allocation", true },
	{ "max", "most probes for one allocation", true },
	{ "failures", "failed allocations", false },
	{ "reuse-tw", "share of same-destination reuses within TIME_WAIT", false },
	{ "pred-blind", "P(next port among k blind guesses)", false },
	{ "pred-same", "P(next port among k guesses | last port to that server)", false },
	{ "pred-own", "P(next port among k guesses | port to the attacker's server)", false },
	{ "leak", "cross-destination leakage (attacker's advantage)", false },
	{ "chi2", "chi-square per degree of freedom (1 = uniform)", true },
	{ "ns", "nanoseconds per allocation", true },
};
#define NMETRICS (sizeof metrics / sizeof metrics[0])

static double metric_value(const pk_sim_result *r, size_t m)
{
	switch (m) {
	case 0: return r->probes_mean;
	case 1: return r->probes_p99;
	case 2: return r->probes_max;
	case 3: return (double)r->failures;
	case 4: return r->reuse_in_tw;
	case 5: return r->pred_blind;
	case 6: return r->pred_same;
	case 7: return r->pred_own;
	case 8: return r->leak;
	case 9: return r->chi2;
	default: return r->ns_per_alloc;
	}
}

/* ---- output ------------------------------------------------------------ */

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

static void print_csv(const pk_sim_result *res, size_t n)
{
	puts("algorithm,occupancy,allocations,failures,false_failures,probes_mean,"
	     "probes_p99,probes_max,reuses,reuse_min_s,reuse_mean_s,reuse_within_tw,"
	     "pred_blind,pred_same,pred_own,leak,chi2_per_df,ns_per_alloc");
	for (size_t i = 0; i < n; i++) {
		const pk_sim_result *r = &res[i];
		printf("%s,%g,%llu,%llu,%llu,%.4f,%u,%u,%llu,%.4f,%.4f,%.4f,%.4f,%.4f,%.4f,%.4f,%.4f,%.1f\n",
		       pk_eph_algo_name(r->algo), r->occupancy,
		       (unsigned long long)r->allocations, (unsigned long long)r->failures,
		       (unsigned long long)r->false_failures, r->probes_mean, r->probes_p99,
		       r->probes_max, (unsigned long long)r->reuses, r->reuse_min,
		       r->reuse_mean, r->reuse_in_tw, r->pred_blind, r->pred_same,
		       r->pred_own, r->leak, r->chi2, r->ns_per_alloc);
	}
}

static int print_table(const pk_sim_workload *w, const pk_sim_result *res,
		       size_t n, const cli_ctx *ctx)
{
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
	for (size_t i = 0; ok && i < n; i++) {
		const pk_sim_result *r = &res[i];
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

/* Ten colours a reader can tell apart (Tableau 10). */
static const char *const palette[] = {
	"#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
	"#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac",
};

static void xml_text(FILE *f, const char *s)
{
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '&': fputs("&amp;", f); break;
		default: fputc(*s, f);
		}
	}
}

/* Ten dash patterns and ten marker shapes, so that lines with equal
 * values (sequential and descending, say) stay apart in grey too. */
static const char *const dashes[] = {
	"", "8 4", "2 3", "8 3 2 3", "12 4", "4 4", "8 3 2 3 2 3", "1 4", "14 3 4 3", "6 2",
};

static void marker(FILE *f, size_t a, double x, double y, const char *col)
{
	switch (a % 5) {
	case 0:
		fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\"", x, y);
		break;
	case 1:
		fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"7\" height=\"7\"",
			x - 3.5, y - 3.5);
		break;
	case 2:
		fprintf(f, "<path d=\"M%.1f,%.1f l4,7 h-8 z\"", x, y - 4.5);
		break;
	case 3:
		fprintf(f, "<path d=\"M%.1f,%.1f l4.5,4.5 l-4.5,4.5 l-4.5,-4.5 z\"", x,
			y - 4.5);
		break;
	default:
		fprintf(f, "<path d=\"M%.1f,%.1f l8,0 l-4,7 z\"", x - 4, y - 2.5);
	}
	/* the second five are hollow */
	if (a % 10 < 5)
		fprintf(f, " fill=\"%s\"/>\n", col);
	else
		fprintf(f, " fill=\"white\" stroke=\"%s\" stroke-width=\"1.5\"/>\n", col);
}

/* The x axis is -log10(1 - occupancy): 0, 0.9, 0.99 and 0.999 are equally
 * spaced, which is where probes grow tenfold.  Occupancy is below 1. */
static double occ_scale(double p)
{
	return -log10(1 - p);
}

static int write_svg(const char *path, const pk_sim_workload *w,
		     const pk_sim_result *res, const pk_eph_algo *algos,
		     size_t nalgo, const double *occ, size_t nocc, size_t m)
{
	const double W = 860, H = 480, L = 80, R = 210, T = 50, B = 60;
	const double pw = W - L - R, ph = H - T - B;
	double lo = INFINITY, hi = -INFINITY, xlo = INFINITY, xhi = -INFINITY;
	bool logy = metrics[m].logscale;
	FILE *f = fopen(path, "w");

	if (f == NULL) {
		cli_error("cannot write '%s': %s", path, strerror(errno));
		return EXIT_DATA;
	}
	for (size_t i = 0; i < nalgo * nocc; i++) {
		double v = metric_value(&res[i], m);
		if (logy && v <= 0)
			logy = false;
		lo = v < lo ? v : lo;
		hi = v > hi ? v : hi;
	}
	for (size_t i = 0; i < nocc; i++) {
		xlo = fmin(xlo, occ_scale(occ[i]));
		xhi = fmax(xhi, occ_scale(occ[i]));
	}
	double ylo, yhi;
	if (logy) {
		ylo = floor(log10(lo));
		yhi = ceil(log10(hi));
		if (yhi <= ylo)
			yhi = ylo + 1;
	} else {
		/* shares run 0-1; anything else gets a round top: 1, 2 or 5
		 * times a power of ten per tick */
		ylo = 0;
		bool share = strncmp(metrics[m].name, "pred", 4) == 0 ||
			     strcmp(metrics[m].name, "leak") == 0 ||
			     strcmp(metrics[m].name, "reuse-tw") == 0;
		if (share || hi <= 0) {
			yhi = 1;
		} else {
			double raw = hi / 5, mag = pow(10, floor(log10(raw)));
			double step = raw <= mag ? mag : raw <= 2 * mag ? 2 * mag :
				      raw <= 5 * mag ? 5 * mag : 10 * mag;
			yhi = ceil(hi / step) * step;
		}
	}
	/* Headroom: the top tick sits 6% below the frame, so a line at the
	 * maximum (a share of 1, say) does not run along the frame. */
	const double ytop = yhi + 0.06 * (yhi - ylo);
	/* Margins inside the frame, and a small sideways offset per
	 * algorithm, so that points with equal values sit side by side. */
	const double xpad = 24, spread = nalgo > 1 ? 2.0 : 0;
#define XPOS(p) (L + xpad + (xhi > xlo ? (pw - 2 * xpad) * (occ_scale(p) - xlo) / (xhi - xlo) \
				      : (pw - 2 * xpad) / 2))
#define XOFF(a) (spread * ((double)(a) - (double)(nalgo - 1) / 2))
#define YPOS(v) (T + ph - ph * ((logy ? log10(v) : (v)) - ylo) / (ytop - ylo))

	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		   "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
		   "viewBox=\"0 0 %.0f %.0f\" font-family=\"sans-serif\" font-size=\"12\">\n"
		   "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n",
		W, H, W, H);
	fprintf(f, "<text x=\"%.0f\" y=\"24\" font-size=\"15\" font-weight=\"bold\">",
		L);
	xml_text(f, metrics[m].title);
	fprintf(f, "</text>\n<text x=\"%.0f\" y=\"40\" fill=\"#555\">ports %u-%u, "
		   "%u destinations, %g conn/s, %u connections, seed %llu (portkit sim)</text>\n",
		L, w->lo, w->hi, w->destinations, w->rate, w->connections,
		(unsigned long long)w->seed);
	/* axes and grid */
	fprintf(f, "<g stroke=\"#ddd\" stroke-width=\"1\">\n");
	int nticks = logy ? (int)(yhi - ylo) : 5;
	for (int i = 0; i <= nticks; i++) {
		double y = YPOS(logy ? pow(10, ylo + i) : ylo + (yhi - ylo) * i / nticks);
		fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n", L, y,
			L + pw, y);
	}
	for (size_t i = 0; i < nocc; i++)
		fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n",
			XPOS(occ[i]), T, XPOS(occ[i]), T + ph);
	fprintf(f, "</g>\n<g fill=\"#333\" text-anchor=\"end\">\n");
	for (int i = 0; i <= nticks; i++) {
		double v = logy ? pow(10, ylo + i) : ylo + (yhi - ylo) * i / nticks;
		fprintf(f, "<text x=\"%.1f\" y=\"%.1f\">%g</text>\n", L - 6, YPOS(v) + 4, v);
	}
	/* ticks at the measured occupancies only, labelled with their values;
	 * a label too close to the previous one is left out (the tick stays) */
	fprintf(f, "</g>\n<g fill=\"#333\" text-anchor=\"middle\">\n");
	double last = -INFINITY;
	for (size_t i = 0; i < nocc; i++) {
		double x = XPOS(occ[i]);
		fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#333\"/>\n",
			x, T + ph, x, T + ph + 5);
		if (x - last >= 34) {
			fprintf(f, "<text class=\"xtick\" x=\"%.1f\" y=\"%.1f\">%g</text>\n", x,
				T + ph + 18, occ[i]);
			last = x;
		}
	}
	fprintf(f, "<text x=\"%.1f\" y=\"%.1f\">occupancy (share of the range held by other "
		   "sockets; scale -log10(1 - occupancy))</text>\n",
		L + pw / 2, H - 14);
	fprintf(f, "<text transform=\"translate(18,%.1f) rotate(-90)\">%s%s</text>\n</g>\n",
		T + ph / 2, metrics[m].name, logy ? " (log scale)" : "");
	fprintf(f, "<rect class=\"frame\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
		   "fill=\"none\" stroke=\"#333\"/>\n", L, T, pw, ph);
	/* one line per algorithm, and the legend */
	for (size_t a = 0; a < nalgo; a++) {
		const char *col = palette[a % 10];
		const char *dash = dashes[a % 10];
		fprintf(f, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\"", col);
		if (dash[0] != '\0')
			fprintf(f, " stroke-dasharray=\"%s\"", dash);
		fputs(" points=\"", f);
		for (size_t i = 0; i < nocc; i++)
			fprintf(f, "%.1f,%.1f ", XPOS(occ[i]) + XOFF(a),
				YPOS(metric_value(&res[i * nalgo + a], m)));
		fprintf(f, "\"/>\n");
		for (size_t i = 0; i < nocc; i++)
			marker(f, a, XPOS(occ[i]) + XOFF(a),
			       YPOS(metric_value(&res[i * nalgo + a], m)), col);
		double ly = T + 10 + 20 * (double)a;
		fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
			   "stroke-width=\"2\"", L + pw + 12, ly, L + pw + 52, ly, col);
		if (dash[0] != '\0')
			fprintf(f, " stroke-dasharray=\"%s\"", dash);
		fputs("/>\n", f);
		marker(f, a, L + pw + 32, ly, col);
		fprintf(f, "<text x=\"%.1f\" y=\"%.1f\">%s</text>\n", L + pw + 58, ly + 4,
			pk_eph_algo_name(algos[a]));
	}
	if (nalgo > 1)
		fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" fill=\"#555\" font-size=\"10\">"
			   "points shifted up to %.0f px sideways</text>\n"
			   "<text x=\"%.1f\" y=\"%.1f\" fill=\"#555\" font-size=\"10\">"
			   "so that equal values show</text>\n",
			L + pw + 12, T + 14 + 20 * (double)nalgo, XOFF(nalgo - 1),
			L + pw + 12, T + 27 + 20 * (double)nalgo);
	fputs("</svg>\n", f);
#undef XPOS
#undef XOFF
#undef YPOS
	if (ferror(f) || fclose(f) != 0) {
		cli_error("error writing '%s': %s", path, strerror(errno));
		return EXIT_DATA;
	}
	return EXIT_FOUND;
}

/* ---- --observe: the kernel next to the models --------------------------- */

static bool not_listener(void *ctx, uint16_t port, const pk_eph_request *req)
{
	(void)req;
	return port != *(const uint16_t *)ctx;
}

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int observe(uint32_t n, uint32_t max_ms, uint32_t guesses, uint64_t seed,
		   const cli_ctx *ctx)
{
	pk_host_portconf conf;
	pk_observation obs;
	pk_error err;
	int rc = EXIT_DATA;
	uint16_t *ports = malloc(n * sizeof *ports), *model = malloc(n * sizeof *model);
	uint64_t *when = malloc(n * sizeof *when);
	pk_seq_stats st[3];
	double ns[3] = { 0 };
	const char *names[3] = { "kernel", "model linux", "model linux-2021" };
	json_t *arr = NULL;

	if (ports == NULL || model == NULL || when == NULL) {
		cli_error("out of memory");
		goto out;
	}
	if (pk_host_portconf_read(NULL, &conf, &err) != PK_OK) {
		cli_report(PK_PARSE, &err);
		goto out;
	}
	if (!conf.have_range) {
		cli_error("observe: cannot read ip_local_port_range (is this Linux?)");
		goto out;
	}
	pk_status s = pk_observe_loopback(n, max_ms, ports, when, &obs, &err);
	if (s != PK_OK) {
		cli_report(s, &err);
		goto out;
	}
	if (obs.count < 2) {
		cli_error("observe: only %zu connection(s) in %u ms; nothing to compare",
			  obs.count, max_ms);
		goto out;
	}
	if (pk_seq_analyze(ports, obs.count, conf.ephemeral_lo, conf.ephemeral_hi,
			   guesses, &st[0], &err) != PK_OK) {
		cli_report(PK_PARSE, &err);
		goto out;
	}
	ns[0] = (double)obs.connect_ns / (double)obs.count;
	/* The models, replaying the same requests at the same times. */
	for (int v = 1; v < 3; v++) {
		pk_eph_config cfg = { conf.ephemeral_lo, conf.ephemeral_hi,
				      conf.have_reserved ? &conf.reserved : NULL, seed, 0, 0 };
		pk_eph *e = NULL;
		if (pk_eph_new(v == 1 ? PK_EPH_LINUX : PK_EPH_LINUX_2021, &cfg, &e, &err) != PK_OK) {
			cli_report(PK_NOMEM, &err);
			goto out;
		}
		uint64_t t0 = mono_ns();
		size_t got = 0;
		for (size_t i = 0; i < obs.count; i++) {
			pk_eph_request req = { 0x7f000001u, 0x7f000001u, obs.listen_port,
					       false, when[i] / 1000000u };
			if (pk_eph_select(e, &req, not_listener, &obs.listen_port,
					  &model[got], NULL, NULL) == PK_OK)
				got++;
		}
		ns[v] = (double)(mono_ns() - t0) / (double)obs.count;
		pk_eph_free(e);
		if (pk_seq_analyze(model, got, conf.ephemeral_lo, conf.ephemeral_hi,
				   guesses, &st[v], &err) != PK_OK) {
			cli_report(PK_PARSE, &err);
			goto out;
		}
	}

	if (ctx->json) {
		arr = json_array();
		for (int v = 0; v < 3; v++)
			json_array_append_new(arr, json_pack(
				"{s:s, s:I, s:i, s:f, s:f, s:i, s:f, s:f, s:f, s:f, s:f}",
				"source", names[v], "count", (json_int_t)st[v].count,
				"distinct", (int)st[v].distinct, "same_parity", st[v].same_parity,
				"small_steps", st[v].small_steps, "step_mode", (int)st[v].step_mode,
				"step_mode_share", st[v].step_mode_share,
				"pred_blind", st[v].pred_blind, "pred_same", st[v].pred_same,
				"chi2_per_df", st[v].chi2, "ns_per_op", ns[v]));
		rc = cli_json_print(json_pack("{s:{s:i, s:i, s:i, s:i, s:f, s:o}}", "observe",
					 "lo", (int)conf.ephemeral_lo, "hi", (int)conf.ephemeral_hi,
					 "listen_port", (int)obs.listen_port, "guesses", (int)guesses,
					 "elapsed_s", (double)when[obs.count - 1] / 1e9,
					 "sources", arr));
		goto out;
	}
	printf("observed %zu connections to 127.0.0.1:%u in %.2f s; ports %u-%u; "
	       "attacker: %u guesses\n\n", obs.count, obs.listen_port,
	       (double)when[obs.count - 1] / 1e9, conf.ephemeral_lo, conf.ephemeral_hi,
	       guesses);
	cli_table *t = cli_table_new(10);
	const char *head[] = { "SOURCE", "N", "DISTINCT", "SAME-PARITY", "STEPS<=16",
			       "STEP-MODE", "MODE-SHARE", "SAME-DST", "CHI2/DF", "NS/OP" };
	bool ok = t != NULL && cli_table_add(t, head) == 0;
	for (int v = 0; ok && v < 3; v++) {
		char c[10][32];
		snprintf(c[0], 32, "%s", names[v]);
		snprintf(c[1], 32, "%zu", st[v].count);
		snprintf(c[2], 32, "%u", st[v].distinct);
		snprintf(c[3], 32, "%.3f", st[v].same_parity);
		snprintf(c[4], 32, "%.3f", st[v].small_steps);
		snprintf(c[5], 32, "%+d", st[v].step_mode);
		snprintf(c[6], 32, "%.3f", st[v].step_mode_share);
		snprintf(c[7], 32, "%.3f", st[v].pred_same);
		snprintf(c[8], 32, "%.2f", st[v].chi2);
		snprintf(c[9], 32, "%.0f", ns[v]);
		const char *row[10];
		for (int j = 0; j < 10; j++)
			row[j] = c[j];
		ok = cli_table_add(t, row) == 0;
	}
	rc = cli_table_finish(t, ok, ctx->width);
out:
	free(ports);
	free(model);
	free(when);
	return rc;
}

/* ---- the command ------------------------------------------------------ */

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
	char *items[64];
	size_t nitems;
	pk_error err;

	if (split_list("algorithm", s, buf, sizeof buf, items, 64, &nitems) != 0)
		return EXIT_USAGE;
	*n = 0;
	for (size_t k = 0; k < nitems; k++) {
		pk_eph_algo a;
		if (pk_eph_algo_parse(items[k], &a, &err) != PK_OK) {
			cli_error("%s", err.message);
			return EXIT_USAGE;
		}
		bool dup = false;
		for (size_t i = 0; i < *n; i++)
			dup |= algos[i] == a;
		if (!dup)
			algos[(*n)++] = a;
	}
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
	double occ[MAX_OCC] = { 0, 0.5, 0.9, 0.99 };
	size_t nocc = 4, nalgo = PK_EPH_ALGO_COUNT, metric = 0;
	bool metric_given = false;
	pk_eph_algo algos[PK_EPH_ALGO_COUNT];
	const char *svg = NULL;
	bool csv = false;
	uint32_t observe_n = 0;
	double observe_s = 10;
	pk_error err;
	int opt, rc;

	pk_sim_workload_default(&w);
	for (size_t i = 0; i < PK_EPH_ALGO_COUNT; i++)
		algos[i] = (pk_eph_algo)i;
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
			for (metric = 0; metric < NMETRICS; metric++)
				if (strcmp(optarg, metrics[metric].name) == 0)
					break;
			if (metric == NMETRICS) {
				cli_error("unknown metric '%s': expected probes, p99, max, failures, reuse-tw, pred-blind, pred-same, pred-own, leak, chi2 or ns",
					  optarg);
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
	if (pk_sim_workload_check(&w, &err) != PK_OK)
		return cli_report(err.status, &err);

	pk_sim_result *res = calloc(nocc * nalgo, sizeof *res);
	if (res == NULL) {
		cli_error("out of memory");
		return EXIT_DATA;
	}
	bool progress = isatty(STDERR_FILENO);
	for (size_t i = 0; i < nocc; i++)
		for (size_t a = 0; a < nalgo; a++) {
			if (progress)
				fprintf(stderr, "\rsim: %-11s at occupancy %-5g [%zu/%zu] ",
					pk_eph_algo_name(algos[a]), occ[i], i * nalgo + a + 1,
					nocc * nalgo);
			pk_status st = pk_sim_run(&w, algos[a], occ[i], &res[i * nalgo + a], &err);
			if (st != PK_OK) {
				if (progress)
					fputc('\n', stderr);
				free(res);
				return cli_report(st, &err);
			}
		}
	if (progress)
		fprintf(stderr, "\r%60s\r", "");

	rc = EXIT_FOUND;
	if (svg != NULL)
		rc = write_svg(svg, &w, res, algos, nalgo, occ, nocc, metric);
	if (rc == EXIT_FOUND) {
		if (ctx->json) {
			json_t *arr = json_array();
			for (size_t i = 0; i < nocc * nalgo; i++)
				json_array_append_new(arr, result_json(&res[i]));
			rc = cli_json_print(json_pack("{s:o, s:o}", "workload", workload_json(&w),
						 "results", arr));
		} else if (csv) {
			print_csv(res, nocc * nalgo);
		} else {
			rc = print_table(&w, res, nocc * nalgo, ctx);
		}
	}
	free(res);
	return rc;
}
