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

#include "cli.h"

int cmd_sim(int argc, char **argv, cli_ctx *ctx);

#define MAX_OCC 32
#define MAX_ALGO 64

static const cli_help help = {
	"usage: portkit sim [OPTIONS]\n"
	"Compares ephemeral port selection algorithms (RFC 6056 and real kernels) on\n"
	"a simulated workload; docs/ephemeral.md says what each column measures.\n"
	"\n"
	"options:\n"
	"      --range LO-HI|host  the ephemeral range (default 32768-60999; host: this\n"
	"                          host's ip_local_port_range)\n"
	"      --os ID             the range of an OS profile (portkit ranges)\n"
	"      --occupancy LIST    shares of the range held by other sockets,\n"
	"                          each in [0, 1) (default 0,0.5,0.9,0.99)\n"
	"      --algo LIST         algorithms (default all): sequential, descending,\n"
	"                          rfc6056-1 .. rfc6056-5, linux, linux-2021, freebsd\n"
	"      --destinations N    servers connected to (default 16)\n"
	"      --rate R            connections per second (default 200)\n"
	"      --lifetime S        mean connection lifetime in seconds (default 2)\n"
	"      --time-wait S       TIME_WAIT at the servers in seconds (default 60)\n"
	"      --connections N     connections per run (default 20000)\n"
	"      --attacker-share F  attacker probes per connection (default 0.125)\n"
	"      --guesses K         the attacker's guesses (default 10)\n"
	"      --leak-trials N     rounds of the leakage game (default 4000)\n"
	"      --leak-conns N      victim connections per round (default 64)\n"
	"      --reserved LIST     reserved ports, as ip_local_reserved_ports\n"
	"      --seed N            the workload's and the secrets' seed (default 1)\n"
	"      --csv               comma-separated values\n"
	"      --svg FILE          plot a metric against occupancy to FILE\n"
	"      --metric NAME       for --svg (default leak): probes, p99, max, failures, reuse-tw,\n"
	"                          pred-blind, pred-same, pred-own, leak, chi2, ns\n"
	"      --observe N         open N loopback connections; compare the kernel's\n"
	"                          ports with the Linux models\n"
	"      --observe-time S    at most S seconds for --observe (default 10)\n",
	"example:\n"
	"  portkit sim --os linux --occupancy 0,0.5,0.9 --svg sim.svg\n"
	"\n"
	"exit status: 0 simulated, 2 usage error or invalid argument, 3 data or system error.\n"
};

static void usage(FILE *out)
{
	cli_help_print(out, &help);
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

/* ---- the SVG plot ------------------------------------------------------ */

static int write_svg(const cli_ctx *ctx, const char *path, const pk_sim_sweep *s,
		     const pk_sim_metric *m)
{
	char *doc;
	size_t len;
	pk_error err;
	pk_status st = pk_sim_svg(s, m, &doc, &len, &err);

	if (st != PK_OK)
		return cli_fail(ctx, st, &err);
	FILE *f = fopen(path, "w");
	if (f == NULL) {
		cli_io_error(ctx, "cannot write '%s': %s", path, strerror(errno));
		free(doc);
		return EXIT_DATA;
	}
	bool bad = fwrite(doc, 1, len, f) != len || ferror(f);
	free(doc);
	if (fclose(f) != 0 || bad) {
		cli_io_error(ctx, "error writing '%s': %s", path, strerror(errno));
		return EXIT_DATA;
	}
	return EXIT_FOUND;
}

/* ---- --observe: the kernel next to the models --------------------------- */

static int observe(uint32_t n, uint32_t max_ms, uint32_t guesses, uint64_t seed,
		   bool csv, const cli_ctx *ctx)
{
	pk_host_portconf conf;
	pk_observe_compare *c = NULL;
	pk_error err;
	int rc = EXIT_DATA;

	if (pk_host_portconf_read(NULL, &conf, &err) != PK_OK) {
		cli_fail(ctx, PK_PARSE, &err);
		return EXIT_DATA;
	}
	if (!conf.have_range) {
		cli_io_error(ctx, "observe: cannot read ip_local_port_range (is this Linux?)");
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
		cli_fail(ctx, st, &err);
		goto out;
	}

	pk_render *r = cli_render_new_as(ctx, csv ? PK_RENDER_CSV :
					 ctx->json ? PK_RENDER_JSON : PK_RENDER_TEXT);
	if (r != NULL)
		pk_render_observe_compare(r, c);
	rc = cli_render_end(r, EXIT_FOUND);
out:
	pk_observe_compare_free(c);
	return rc;
}

/* ---- the command ------------------------------------------------------ */

static int show_progress(void *ctx, pk_eph_algo algo, double occupancy,
			 size_t index, size_t total)
{
	(void)ctx;
	/* Short enough for a 40-column terminal (a line that wraps cannot
	 * be taken back with \r), and erased before it is rewritten. */
	fprintf(stderr, "\r\033[Ksim %zu/%zu: %s at %g", index, total,
		pk_eph_algo_name(algo), occupancy);
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
	/* The default plot separates the models: leakage runs from 0 (per
	 * destination secrets) to 1 (one global counter), where probes would
	 * draw ten lines on top of each other. */
	const pk_sim_metric *metric = NULL;
	pk_sim_metric_find("leak", &metric, NULL);
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
			if (strcmp(optarg, "host") == 0) {
				/* This host's ip_local_port_range. */
				pk_host_portconf conf;
				if (pk_host_portconf_read(NULL, &conf, &err) != PK_OK)
					return cli_fail(ctx, err.status, &err);
				if (!conf.have_range || conf.ephemeral_lo > conf.ephemeral_hi)
					return cli_usage(ctx, "sim --range host: this host's ip_local_port_range is %s",
							 conf.have_range ? "invalid (reversed)" : "unreadable");
				w.lo = conf.ephemeral_lo;
				w.hi = conf.ephemeral_hi;
				break;
			}
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
		return cli_usage(ctx, "sim: --csv and --json exclude each other");
	}
	/* The table, CSV and JSON always carry every metric; only the plot
	 * shows one, so a lone --metric would be silently ignored. */
	if (metric_given && svg == NULL) {
		return cli_usage(ctx, "sim: --metric chooses what --svg plots: give --svg FILE too");
	}
	if (observe_n > 0)
		return observe(observe_n, (uint32_t)(observe_s * 1000), w.guesses, w.seed,
			       csv, ctx);
	pk_status st = pk_sim_sweep_new(&w, &sweep, &err);
	if (st == PK_OK && nalgo > 0)
		st = pk_sim_sweep_set_algos(sweep, algos, nalgo, &err);
	if (st == PK_OK && nocc > 0)
		st = pk_sim_sweep_set_occupancies(sweep, occ, nocc, &err);
	if (st != PK_OK) {
		pk_sim_sweep_free(sweep);
		return cli_fail(ctx, st, &err);
	}
	bool tty = isatty(STDERR_FILENO);
	if (tty)
		pk_sim_sweep_set_progress(sweep, show_progress, NULL);
	st = pk_sim_sweep_run(sweep, &err);
	if (tty && st == PK_OK)
		fputs("\r\033[K", stderr); /* the progress line, gone */
	else if (tty)
		fputc('\n', stderr);
	if (st != PK_OK) {
		pk_sim_sweep_free(sweep);
		return cli_fail(ctx, st, &err);
	}

	rc = EXIT_FOUND;
	if (svg != NULL)
		rc = write_svg(ctx, svg, sweep, metric);
	if (rc == EXIT_FOUND) {
		pk_render *r = cli_render_new_as(ctx, csv ? PK_RENDER_CSV :
						 ctx->json ? PK_RENDER_JSON :
							     PK_RENDER_TEXT);
		if (r != NULL)
			pk_render_sim_sweep(r, sweep);
		rc = cli_render_end(r, EXIT_FOUND);
	}
	pk_sim_sweep_free(sweep);
	return rc;
}
