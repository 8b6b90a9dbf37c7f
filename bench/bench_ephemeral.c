/* bench_ephemeral.c - nanoseconds per port selection for every model at
 * occupancies 0, 0.5, 0.9 and 0.99 of the 28,232-port Linux range, next
 * to what the running kernel takes for a whole connect() over loopback,
 * measured in the same run (the baseline of the ratios).  Then the
 * reality check: the kernel's own source ports beside the Linux model's
 * on the same sequence of requests.
 *
 *   build/bench/bench_ephemeral [SECONDS-PER-CELL]   (default 0.05) */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "portkit.h"
#include "bench.h"

static bool not_held(void *ctx, uint16_t port, const pk_eph_request *req)
{
	(void)req;
	return !pk_portset_contains(ctx, port);
}

/* The background: round(p * n) ports of lo..hi, from a fixed seed. */
static void hold(pk_portset *set, uint16_t lo, uint16_t hi, double p)
{
	uint32_t n = (uint32_t)hi - lo + 1, want = (uint32_t)(p * n + 0.5), got = 0;
	uint64_t x = 88172645463325252u;

	pk_portset_clear(set);
	while (got < want) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		uint16_t port = (uint16_t)(lo + x % n);
		if (!pk_portset_contains(set, port)) {
			pk_portset_add(set, port);
			got++;
		}
	}
}

int main(int argc, char **argv)
{
	const double occ[] = { 0, 0.5, 0.9, 0.99 };
	const uint16_t lo = 32768, hi = 60999;
	double cell = argc > 1 ? atof(argv[1]) : 0.05;
	static pk_portset held;
	static uint16_t ports[4000], model[4000];
	static uint64_t when[4000];
	pk_observation obs;
	pk_error err;

	if (!(cell > 0 && cell < 60))
		cell = 0.05;
	/* The baseline: the kernel's connect() over loopback, this run. */
	if (pk_observe_loopback(4000, 5000, ports, when, &obs, &err) != PK_OK ||
	    obs.count < 2) {
		fprintf(stderr, "bench_ephemeral: no loopback connections: %s\n", err.message);
		return 1;
	}
	double connect_ns = (double)obs.connect_ns / (double)obs.count;
	printf("baseline: connect() to 127.0.0.1 = %.0f ns (mean of %zu)\n\n",
	       connect_ns, obs.count);
	printf("ns per selection at occupancy p, and its ratio to one connect()\n");
	printf("%-11s", "ALGORITHM");
	for (size_t o = 0; o < 4; o++) {
		char h[24];
		snprintf(h, sizeof h, "p=%g ns", occ[o]);
		printf("  %10s %8s", h, "ratio");
	}
	printf("\n");

	for (unsigned a = 0; a < PK_EPH_ALGO_COUNT; a++) {
		printf("%-11s", pk_eph_algo_name(a));
		for (size_t o = 0; o < 4; o++) {
			pk_eph_config cfg = { lo, hi, NULL, 42, 0, 0 };
			pk_eph *st;
			pk_eph_request req = { 0xc0000201u, 0xc6336407u, 443, false, 0 };
			hold(&held, lo, hi, occ[o]);
			if (pk_eph_new(a, &cfg, &st, &err) != PK_OK) {
				fprintf(stderr, "%s\n", err.message);
				return 1;
			}
			uint64_t n = 0;
			double t0 = bench_now_s(), t;
			do {
				for (int i = 0; i < 256; i++) {
					uint16_t port;
					req.daddr += 0x9e3779b9u; /* many destinations */
					req.now_ms += 1;
					pk_eph_select(st, &req, not_held, &held, &port, NULL, NULL);
				}
				n += 256;
				t = bench_now_s() - t0;
			} while (t < cell);
			pk_eph_free(st);
			double ns = t * 1e9 / (double)n;
			printf("  %10.0f %8.4f", ns, ns / connect_ns);
		}
		printf("\n");
	}

	/* The reality check: same requests, kernel and model. */
	pk_host_portconf conf;
	if (pk_host_portconf_read(NULL, &conf, &err) != PK_OK || !conf.have_range)
		return 0;
	pk_eph_config cfg = { conf.ephemeral_lo, conf.ephemeral_hi,
			      conf.have_reserved ? &conf.reserved : NULL, 7, 0, 0 };
	pk_eph *st;
	if (pk_eph_new(PK_EPH_LINUX, &cfg, &st, &err) != PK_OK)
		return 1;
	size_t got = 0;
	for (size_t i = 0; i < obs.count; i++) {
		pk_eph_request req = { 0x7f000001u, 0x7f000001u, obs.listen_port, false,
				       when[i] / 1000000u };
		pk_portset_clear(&held);
		pk_portset_add(&held, obs.listen_port);
		if (pk_eph_select(st, &req, not_held, &held, &model[got], NULL, NULL) == PK_OK)
			got++;
	}
	pk_eph_free(st);
	pk_seq_stats k, m;
	if (pk_seq_analyze(ports, obs.count, conf.ephemeral_lo, conf.ephemeral_hi, 10, &k, &err) != PK_OK ||
	    pk_seq_analyze(model, got, conf.ephemeral_lo, conf.ephemeral_hi, 10, &m, &err) != PK_OK) {
		fprintf(stderr, "%s\n", err.message);
		return 1;
	}
	printf("\nreality check, %zu connections to one destination:\n", obs.count);
	printf("%-12s %11s %10s %9s %9s %8s\n", "SOURCE", "SAME-PARITY", "STEPS<=16",
	       "SAME-DST", "DISTINCT", "CHI2/DF");
	printf("%-12s %11.3f %10.3f %9.3f %9u %8.2f\n", "kernel", k.same_parity,
	       k.small_steps, k.pred_same, k.distinct, k.chi2);
	printf("%-12s %11.3f %10.3f %9.3f %9u %8.2f\n", "model linux", m.same_parity,
	       m.small_steps, m.pred_same, m.distinct, m.chi2);
	return 0;
}
