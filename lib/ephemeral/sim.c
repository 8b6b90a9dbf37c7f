/* sim.c - replays one seeded workload against a port selection model and
 * measures it (docs/ephemeral.md explains every metric).
 *
 * The workload comes from its own PRNG, drawn identically whatever the
 * algorithm does, so every algorithm sees the same arrivals, the same
 * destinations, lifetimes and background occupancy.  The model's own
 * secrets and draws come from a second seed derived from the first.
 *
 * What a port's "use" means here: a port held by the background (bound
 * by listeners or bind() users) is usable by nobody; a port used by an
 * open connection blocks only that 4-tuple, as the kernels' 4-tuple
 * uniqueness checks do.  TIME_WAIT is held by the server side (the
 * common case for clients that do not close first), which the client
 * cannot see: reusing a 4-tuple within TIME_WAIT is exactly what the
 * reuse metric counts.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/fmath.h"
#include "core/prng.h"
#include "ephemeral/sim_internal.h"

#define ATTACKER_ADDR 0xcb007101u /* 203.0.113.1, its own server */
#define CLIENT_ADDR 0xc0000201u   /* 192.0.2.1 */
#define MAX_CONNECTIONS 10000000u
#define FRESH_DEST UINT32_MAX     /* a destination seen once, never held */

static void workload_default(pk_sim_workload *w)
{
	memset(w, 0, sizeof *w);
	w->lo = 32768;
	w->hi = 60999;
	w->destinations = 16;
	w->rate = 200;
	w->lifetime = 2;
	w->time_wait = 60;
	w->connections = 20000;
	w->attacker_share = 0.125;
	w->guesses = 10;
	w->leak_trials = 4000;
	w->leak_conns = 64;
	w->seed = 1;
}

void pk_sim_workload_default_(pk_sim_workload *w, size_t w_size)
{
	pk_sim_workload full;

	workload_default(&full);
	pk__copy_out(w, w_size, &full, sizeof full);
}

/* The caller's workload, its fields beyond w_size at their defaults. */
static void workload_in(pk_sim_workload *full, const pk_sim_workload *w,
			size_t w_size)
{
	workload_default(full);
	pk__copy_in(full, sizeof *full, w, w_size);
}

static pk_status workload_check(const pk_sim_workload *w, pk_error *err)
{
	if (w->lo > w->hi)
		return pk__error_set(err, PK_RANGE,
				    "invalid range %u-%u: expected LO <= HI", w->lo, w->hi);
	if (w->destinations == 0)
		return pk__error_set(err, PK_INVAL,
				    "invalid number of destinations 0: expected at least 1");
	if (w->destinations > 1000000)
		return pk__error_set(err, PK_RANGE,
				    "invalid number of destinations %u: expected at most 1000000",
				    w->destinations);
	if (!(w->rate > 0) || !isfinite(w->rate))
		return pk__error_set(err, PK_RANGE,
				    "invalid arrival rate %g: expected a number above 0", w->rate);
	if (!(w->lifetime >= 0) || !isfinite(w->lifetime))
		return pk__error_set(err, PK_RANGE,
				    "invalid lifetime %g: expected 0 or more seconds", w->lifetime);
	if (!(w->time_wait >= 0) || !isfinite(w->time_wait))
		return pk__error_set(err, PK_RANGE,
				    "invalid TIME_WAIT %g: expected 0 or more seconds", w->time_wait);
	if (w->connections == 0 || w->connections > MAX_CONNECTIONS)
		return pk__error_set(err, PK_RANGE,
				    "invalid number of connections %u: expected 1-%u",
				    w->connections, MAX_CONNECTIONS);
	if (!(w->attacker_share >= 0 && w->attacker_share <= 1))
		return pk__error_set(err, PK_RANGE,
				    "invalid attacker share %g: expected 0-1", w->attacker_share);
	if (w->guesses == 0)
		return pk__error_set(err, PK_RANGE,
				    "invalid number of guesses 0: expected at least 1");
	/* Nothing to allocate: every selection would scan the whole range
	 * and fail, for hours with the default workload. */
	if (w->reserved != NULL &&
	    pk_portset_count(w->reserved, w->lo, w->hi) == (uint32_t)w->hi - w->lo + 1)
		return pk__error_set(err, PK_RANGE,
				    "invalid reserved ports: they cover the whole range %u-%u; expected at least one port left to allocate",
				    w->lo, w->hi);
	if (w->leak_trials > 1000000 || w->leak_conns > 10000)
		return pk__error_set(err, PK_RANGE,
				    "invalid leakage game %u x %u: expected at most 1000000 rounds of 10000 connections",
				    w->leak_trials, w->leak_conns);
	return PK_OK;
}

/* ---- the work of a run, estimated before it starts ---------------------- */

/* Ports a run may use, and those the background leaves free. */
static void free_ports(const pk_sim_workload *w, double occupancy,
		       uint32_t *avail, uint32_t *left)
{
	uint32_t num = (uint32_t)w->hi - w->lo + 1;
	uint32_t a = num;
	if (w->reserved != NULL)
		a -= pk_portset_count(w->reserved, w->lo, w->hi);
	double o = occupancy >= 0 && occupancy < 1 ? occupancy : 1;
	uint32_t want = (uint32_t)pk__llround(o * a);
	*avail = a;
	*left = want < a ? a - want : 0;
}

/* Selections a run makes: every arrival, the attacker's probes, and the
 * leakage game's two reads per round plus (half the rounds) its victim
 * connections. */
static double selections(const pk_sim_workload *w, double *leak)
{
	*leak = (double)w->leak_trials * (2.0 + w->leak_conns / 2.0);
	return (double)w->connections * (1.0 + w->attacker_share) + *leak;
}

/* Ports one selection is expected to probe: with f of the range's a ports
 * free, about (a + 1) / (f + 1) for every algorithm (a random start, then
 * a scan or fresh draws), at most the range; with none free, a failed
 * selection scans the range and the simulator scans it again to tell a
 * false failure. */
static double probes_per_selection(uint32_t avail, uint32_t left)
{
	if (left == 0)
		return 2.0 * (avail + 1.0);
	double e = (avail + 1.0) / (left + 1.0);
	return e < avail ? e : avail;
}

double pk_sim_work_(const pk_sim_workload *w, size_t w_size, double occupancy)
{
	pk_sim_workload full;
	uint32_t avail, left;
	double leak;

	workload_in(&full, w, w_size);
	free_ports(&full, occupancy, &avail, &left);
	return selections(&full, &leak) * probes_per_selection(avail, left);
}

pk_status pk__sim_check_work(const pk_sim_workload *w, const double *occ,
			     size_t nocc, size_t nalgo, pk_error *err)
{
	double total = 0, worst = -1, leak;
	size_t wi = 0;

	for (size_t i = 0; i < nocc; i++) {
		double x = pk_sim_work(w, occ[i]);
		total += x * (double)nalgo;
		if (x > worst) {
			worst = x;
			wi = i;
		}
	}
	if (total <= PK_SIM_MAX_WORK)
		return PK_OK;
	/* Name what makes the work: the leakage game, the occupancy that
	 * leaves few ports free, or the number of connections. */
	double sel = selections(w, &leak);
	uint32_t avail, left;
	free_ports(w, occ[wi], &avail, &left);
	double per = probes_per_selection(avail, left);
	char why[200];
	if (per >= 100 && per * 1e3 >= sel)
		snprintf(why, sizeof why,
			 "occupancy %.10g leaves %u of %u ports free, so each selection probes about %.0f",
			 occ[wi], left, avail, per);
	else if (leak >= sel / 2)
		snprintf(why, sizeof why,
			 "the leakage game of %u rounds x %u connections makes %.3g selections",
			 w->leak_trials, w->leak_conns, leak);
	else
		snprintf(why, sizeof why, "%u connections make %.3g selections",
			 w->connections, sel);
	return pk__error_set(err, PK_RANGE,
			    "sim: about %.3g port probes, more than the limit of %.0e "
			    "(minutes of work): %s; lower that",
			    total, PK_SIM_MAX_WORK, why);
}

pk_status pk_sim_workload_check_(const pk_sim_workload *w, size_t w_size,
				 pk_error *err)
{
	pk_sim_workload full;

	workload_in(&full, w, w_size);
	return workload_check(&full, err);
}

/* ---- (destination, port) table: open connections and last close ------- */

typedef struct {
	uint64_t key;      /* dest << 16 | port, + 1 so that 0 is empty */
	uint32_t open;     /* connections on this 4-tuple now */
	double last_close; /* < 0: never closed */
} tuple_slot;

typedef struct {
	tuple_slot *slots;
	size_t cap, used; /* cap a power of two */
} tuple_map;

static uint64_t mix64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdu;
	x ^= x >> 33;
	return x;
}

static tuple_slot *map_find(const tuple_map *m, uint64_t key)
{
	size_t i = mix64(key) & (m->cap - 1);

	for (;;) {
		tuple_slot *s = &m->slots[i];
		if (s->key == key || s->key == 0)
			return s;
		i = (i + 1) & (m->cap - 1);
	}
}

static pk_status map_grow(tuple_map *m)
{
	tuple_map n = { calloc(m->cap * 2, sizeof(tuple_slot)), m->cap * 2, m->used };

	if (n.slots == NULL)
		return PK_NOMEM;
	for (size_t i = 0; i < m->cap; i++)
		if (m->slots[i].key != 0)
			*map_find(&n, m->slots[i].key) = m->slots[i];
	free(m->slots);
	*m = n;
	return PK_OK;
}

/* The slot of key, created when absent. */
static pk_status map_get(tuple_map *m, uint64_t key, tuple_slot **out)
{
	tuple_slot *s = map_find(m, key);

	if (s->key == 0) {
		if ((m->used + 1) * 2 > m->cap) {
			if (map_grow(m) != PK_OK)
				return PK_NOMEM;
			s = map_find(m, key);
		}
		s->key = key;
		s->open = 0;
		s->last_close = -1;
		m->used++;
	}
	*out = s;
	return PK_OK;
}

static uint64_t tuple_key(uint32_t dest, uint16_t port)
{
	return (((uint64_t)dest << 16) | port) + 1;
}

/* The array p of n elements of size elem, with room for one more
 * (capacity *cap, doubled as needed); NULL when out of memory, and p is
 * then still valid. */
static void *grow(void *p, size_t *cap, size_t n, size_t elem)
{
	if (n < *cap)
		return p;
	size_t c = *cap ? *cap * 2 : 1024;
	void *q = realloc(p, c * elem);
	if (q != NULL)
		*cap = c;
	return q;
}

/* ---- open connections, by close time (a binary min-heap) -------------- */

typedef struct {
	double close;
	uint32_t dest;
	uint16_t port;
} conn;

typedef struct {
	conn *v;
	size_t n, cap;
} conn_heap;

static pk_status heap_push(conn_heap *h, conn c)
{
	conn *v = grow(h->v, &h->cap, h->n, sizeof *v);
	if (v == NULL)
		return PK_NOMEM;
	h->v = v;
	size_t i = h->n++;
	while (i > 0 && h->v[(i - 1) / 2].close > c.close) {
		h->v[i] = h->v[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	h->v[i] = c;
	return PK_OK;
}

static conn heap_pop(conn_heap *h)
{
	conn top = h->v[0], last = h->v[--h->n];
	size_t i = 0;

	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= h->n)
			break;
		if (c + 1 < h->n && h->v[c + 1].close < h->v[c].close)
			c++;
		if (h->v[c].close >= last.close)
			break;
		h->v[i] = h->v[c];
		i = c;
	}
	if (h->n > 0)
		h->v[i] = last;
	return top;
}

/* ---- one run ------------------------------------------------------------ */

typedef struct {
	const pk_portset *background;
	tuple_map map;
	uint32_t dest; /* whom the current request is for */
} sim_view;

static bool sim_usable(void *ctx, uint16_t port, const pk_eph_request *req)
{
	const sim_view *v = ctx;
	(void)req;

	if (pk_portset_contains(v->background, port))
		return false;
	if (v->dest == FRESH_DEST)
		return true;
	const tuple_slot *s = map_find(&v->map, tuple_key(v->dest, port));
	return s->key == 0 || s->open == 0;
}

/* A growable array of uint32_t. */
typedef struct {
	uint32_t *v;
	size_t n, cap;
} u32vec;

static pk_status vec_push(u32vec *a, uint32_t x)
{
	uint32_t *v = grow(a->v, &a->cap, a->n, sizeof *v);
	if (v == NULL)
		return PK_NOMEM;
	a->v = v;
	a->v[a->n++] = x;
	return PK_OK;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* The cost of the two clock reads around each selection. */
static double clock_overhead_ns(void)
{
	uint64_t t0 = now_ns(), t;

	for (int i = 0; i < 1000; i++)
		t = now_ns();
	(void)t;
	return (double)(now_ns() - t0) / 1001.0;
}

/* A step between two offsets, signed and binned by magnitude (four bins
 * per octave): the leakage game's observable.  0 .. 2*4*17 */
static uint32_t log_bin(uint32_t delta, uint32_t num)
{
	int64_t d = delta > num / 2 ? (int64_t)delta - num : (int64_t)delta;
	uint64_t a = (uint64_t)(d < 0 ? -d : d);
	uint32_t b = 0;

	if (a > 0) {
		int msb = 63 - __builtin_clzll(a);
		uint32_t sub = msb >= 2 ? (uint32_t)((a >> (msb - 2)) & 3) : (uint32_t)(a & 3);
		b = 1 + (uint32_t)msb * 4 + sub;
	}
	return d < 0 ? b + 4 * 17 + 1 : b;
}
#define LOG_BINS (2 * (4 * 17 + 1))

typedef struct {
	pk_eph *eph;
	sim_view view;
	uint64_t select_ns;
	uint64_t selects;
} runner;

static pk_status run_select(runner *r, const pk_eph_request *req,
			    uint32_t dest, uint16_t *port, uint32_t *probes)
{
	r->view.dest = dest;
	uint64_t t0 = now_ns();
	pk_status s = pk_eph_select(r->eph, req, sim_usable, &r->view, port, probes, NULL);
	r->select_ns += now_ns() - t0;
	r->selects++;
	return s;
}

static pk_status sim_run(const pk_sim_workload *w, pk_eph_algo algo,
			 double occupancy, pk_sim_result *out, pk_error *err)
{
	pk_status st;
	runner r = { 0 };
	pk_portset background, reserved;
	pk_prng wl, bgr;
	conn_heap heap = { 0 };
	u32vec probes = { 0 }, blind = { 0 }, same_obs = { 0 }, own_obs = { 0 };
	uint32_t *dest_addr = NULL;
	int32_t *prev_port = NULL;
	uint64_t counts[PK_CHI_BINS] = { 0 };
	double weight[PK_CHI_BINS] = { 0 };
	uint32_t (*leak_hist)[LOG_BINS] = NULL;

	memset(out, 0, sizeof *out);
	out->algo = algo;
	out->occupancy = occupancy;
	if ((st = workload_check(w, err)) != PK_OK)
		return st;
	/* At 1 no port is left: every selection would fail after scanning
	 * the whole range, and there is no algorithm behaviour to compare. */
	if (!(occupancy >= 0 && occupancy < 1))
		return pk__error_set(err, PK_RANGE,
				    "invalid occupancy %g: expected a share in [0, 1)",
				    occupancy);
	if ((unsigned)algo >= PK_EPH_ALGO_COUNT)
		return pk__error_set(err, PK_INVAL, "invalid algorithm %d", (int)algo);

	const uint32_t num = (uint32_t)w->hi - w->lo + 1;
	const unsigned nbins = num < PK_CHI_BINS ? num : PK_CHI_BINS;
	const uint32_t D = w->destinations;
	pk_portset_clear(&reserved);
	if (w->reserved != NULL)
		reserved = *w->reserved;

	/* Background: round(p * free) ports of the range, chosen without
	 * replacement from their own stream (the same for every algorithm). */
	uint64_t bgseed = w->seed ^ 0x6267u;
	pk__prng_seed(&bgr, pk__splitmix64(&bgseed) ^ (uint64_t)pk__llround(occupancy * 1e9));
	pk_portset_clear(&background);
	uint32_t avail = 0;
	for (uint32_t o = 0; o < num; o++)
		avail += !pk_portset_contains(&reserved, (uint16_t)(w->lo + o));
	uint32_t want = (uint32_t)pk__llround(occupancy * avail);
	for (uint32_t n = 0; n < want;) {
		uint16_t p = (uint16_t)(w->lo + pk__prng_below(&bgr, num));
		if (pk_portset_contains(&reserved, p) || pk_portset_contains(&background, p))
			continue;
		pk_portset_add(&background, p);
		n++;
	}
	for (uint32_t o = 0; o < num; o++) {
		uint16_t p = (uint16_t)(w->lo + o);
		if (!pk_portset_contains(&reserved, p) && !pk_portset_contains(&background, p))
			weight[pk_stats_bin(o, num, nbins)] += 1;
	}

	uint64_t aseed = w->seed + 0x9e37u * ((uint64_t)algo + 1);
	pk_eph_config cfg = { w->lo, w->hi, &reserved, pk__splitmix64(&aseed), 0, 0 };
	if ((st = pk_eph_new(algo, &cfg, &r.eph, err)) != PK_OK)
		goto out;
	r.view.background = &background;
	r.view.map.cap = 4096;
	r.view.map.slots = calloc(r.view.map.cap, sizeof(tuple_slot));
	dest_addr = malloc(D * sizeof *dest_addr);
	prev_port = malloc(D * sizeof *prev_port);
	if (r.view.map.slots == NULL || dest_addr == NULL || prev_port == NULL)
		goto nomem;

	pk__prng_seed(&wl, w->seed);
	for (uint32_t d = 0; d < D; d++) {
		dest_addr[d] = pk__prng_u32(&wl);
		prev_port[d] = -1;
	}

	double overhead = clock_overhead_ns();
	double t = 0, reuse_sum = 0;
	int32_t pending_own = -1;
	out->reuse_min = 0;
	for (uint32_t a = 0; a < w->connections; a++) {
		t += pk__prng_exp(&wl, 1.0 / w->rate);
		uint32_t d = pk__prng_below(&wl, D);
		double life = pk__prng_exp(&wl, w->lifetime);
		bool probe = pk__prng_unit(&wl) < w->attacker_share;

		while (heap.n > 0 && heap.v[0].close <= t) {
			conn c = heap_pop(&heap);
			tuple_slot *s = map_find(&r.view.map, tuple_key(c.dest, c.port));
			s->open--;
			s->last_close = c.close;
		}
		pk_eph_request req = { CLIENT_ADDR, 0, 443, false, (uint64_t)(t * 1000) };
		uint16_t port;
		uint32_t np;
		if (probe) {
			/* The attacker makes the client connect to its own
			 * server and reads the port; it closes at once. */
			req.daddr = ATTACKER_ADDR;
			if (run_select(&r, &req, D, &port, &np) == PK_OK)
				pending_own = port - w->lo;
		}
		req.daddr = dest_addr[d];
		st = run_select(&r, &req, d, &port, &np);
		if (st == PK_EXHAUSTED) {
			out->failures++;
			for (uint32_t o = 0; o < num; o++) {
				uint16_t p = (uint16_t)(w->lo + o);
				if (!pk_portset_contains(&reserved, p) &&
				    sim_usable(&r.view, p, &req)) {
					out->false_failures++;
					break;
				}
			}
			pending_own = -1;
			continue;
		}
		if (st != PK_OK)
			goto out;
		out->allocations++;
		uint32_t off = port - w->lo;
		tuple_slot *s;
		if (vec_push(&probes, np) != PK_OK || vec_push(&blind, off) != PK_OK ||
		    map_get(&r.view.map, tuple_key(d, port), &s) != PK_OK)
			goto nomem;
		if (s->last_close >= 0) {
			double gap = t - s->last_close;
			if (out->reuses == 0 || gap < out->reuse_min)
				out->reuse_min = gap;
			reuse_sum += gap;
			out->reuses++;
			if (gap < w->time_wait)
				out->reuse_in_tw += 1;
		}
		s->open++;
		if (heap_push(&heap, (conn){ t + life, d, port }) != PK_OK)
			goto nomem;
		counts[pk_stats_bin(off, num, nbins)]++;
		if (prev_port[d] >= 0 &&
		    (vec_push(&same_obs, (uint32_t)prev_port[d]) != PK_OK ||
		     vec_push(&same_obs, off) != PK_OK))
			goto nomem;
		prev_port[d] = (int32_t)off;
		if (pending_own >= 0 &&
		    (vec_push(&own_obs, (uint32_t)pending_own) != PK_OK ||
		     vec_push(&own_obs, off) != PK_OK))
			goto nomem;
		pending_own = -1;
	}

	/* The leakage game, at the workload's end with its connections still
	 * open: the attacker reads a port to its own server, the client
	 * connects (or not: a fair coin) to leak_conns other servers, the
	 * attacker reads another port.  Can it tell from the step? */
	leak_hist = calloc(2, sizeof *leak_hist);
	uint32_t *leak_guess_bins = malloc((w->leak_trials + 1) * sizeof *leak_guess_bins);
	unsigned char *leak_coin = malloc(w->leak_trials + 1);
	if (leak_hist == NULL || leak_guess_bins == NULL || leak_coin == NULL) {
		free(leak_guess_bins);
		free(leak_coin);
		goto nomem;
	}
	uint32_t played = 0;
	for (uint32_t j = 0; j < w->leak_trials; j++) {
		uint32_t coin = pk__prng_below(&wl, 2);
		pk_eph_request req = { CLIENT_ADDR, ATTACKER_ADDR, 443, false,
				       (uint64_t)(t * 1000) };
		uint16_t a1, a2, x;
		bool ok = run_select(&r, &req, D, &a1, NULL) == PK_OK;
		for (uint32_t m = 0; coin && m < w->leak_conns; m++) {
			req.daddr = pk__prng_u32(&wl);
			run_select(&r, &req, FRESH_DEST, &x, NULL);
		}
		req.daddr = ATTACKER_ADDR;
		ok = run_select(&r, &req, D, &a2, NULL) == PK_OK && ok;
		if (!ok)
			continue;
		leak_guess_bins[played] = log_bin((uint32_t)((a2 - a1 + num) % num), num);
		leak_coin[played++] = (unsigned char)coin;
	}
	/* The attacker learns both step distributions from the first half
	 * and answers "connected" where that is the likelier class; its
	 * advantage on the second half is P(yes | connected) - P(yes | not),
	 * which does not depend on how the coins happened to fall. */
	uint32_t half = played / 2, cnt[2] = { 0, 0 }, yes[2] = { 0, 0 };
	for (uint32_t j = 0; j < half; j++) {
		leak_hist[leak_coin[j]][leak_guess_bins[j]]++;
		cnt[leak_coin[j]]++;
	}
	uint32_t tn[2] = { 0, 0 };
	for (uint32_t j = half; j < played; j++) {
		uint32_t b = leak_guess_bins[j];
		bool guess = (uint64_t)leak_hist[1][b] * cnt[0] > (uint64_t)leak_hist[0][b] * cnt[1];
		yes[leak_coin[j]] += guess;
		tn[leak_coin[j]]++;
	}
	if (tn[0] > 0 && tn[1] > 0) {
		double adv = (double)yes[1] / tn[1] - (double)yes[0] / tn[0];
		out->leak = adv > 0 ? adv : 0;
	}
	free(leak_guess_bins);
	free(leak_coin);

	/* Summaries. */
	if (probes.n > 0) {
		uint64_t sum = 0;
		for (size_t i = 0; i < probes.n; i++) {
			sum += probes.v[i];
			if (probes.v[i] > out->probes_max)
				out->probes_max = probes.v[i];
		}
		out->probes_mean = (double)sum / (double)probes.n;
		qsort(probes.v, probes.n, sizeof *probes.v, cmp_u32);
		size_t i99 = (size_t)pk__ceil(0.99 * (double)probes.n);
		out->probes_p99 = probes.v[(i99 > 0 ? i99 : 1) - 1];
	}
	if (out->reuses > 0) {
		out->reuse_mean = reuse_sum / (double)out->reuses;
		out->reuse_in_tw /= (double)out->reuses;
	}
	out->chi2 = pk__stats_chi2_per_df(counts, weight, nbins);
	/* Predictability: the first half of the observations teaches the
	 * attacker its best guesses, the second half scores them. */
	size_t h = blind.n / 2;
	st = pk__stats_topk_rate(blind.v, h, blind.v + h, blind.n - h, num,
				w->guesses, &out->pred_blind);
	for (int v = 0; st == PK_OK && v < 2; v++) {
		u32vec *obs = v == 0 ? &same_obs : &own_obs;
		size_t n = obs->n / 2; /* pairs (seen, next) -> steps */
		for (size_t i = 0; i < n; i++)
			obs->v[i] = (obs->v[2 * i + 1] + num - obs->v[2 * i]) % num;
		st = pk__stats_topk_rate(obs->v, n / 2, obs->v + n / 2, n - n / 2,
					num, w->guesses,
					v == 0 ? &out->pred_same : &out->pred_own);
	}
	if (st != PK_OK)
		goto nomem;
	if (r.selects > 0) {
		double ns = (double)r.select_ns / (double)r.selects - overhead;
		out->ns_per_alloc = ns > 0 ? ns : 0;
	}
	st = PK_OK;
	goto out;
nomem:
	st = pk__error_set(err, PK_NOMEM, "out of memory");
out:
	pk_eph_free(r.eph);
	free(r.view.map.slots);
	free(heap.v);
	free(probes.v);
	free(blind.v);
	free(same_obs.v);
	free(own_obs.v);
	free(dest_addr);
	free(prev_port);
	free(leak_hist);
	return st;
}

pk_status pk_sim_run_(const pk_sim_workload *w, size_t w_size,
		      pk_eph_algo algo, double occupancy, pk_sim_result *out,
		      size_t out_size, pk_error *err)
{
	pk_sim_workload full;
	pk_sim_result r;

	workload_in(&full, w, w_size);
	pk_status st = workload_check(&full, err);
	if (st == PK_OK && occupancy >= 0 && occupancy < 1)
		st = pk__sim_check_work(&full, &occupancy, 1, 1, err);
	if (st != PK_OK) {
		memset(&r, 0, sizeof r);
		r.algo = algo;
		r.occupancy = occupancy;
		pk__copy_out(out, out_size, &r, sizeof r);
		return st;
	}
	st = sim_run(&full, algo, occupancy, &r, err);
	pk__copy_out(out, out_size, &r, sizeof r);
	return st;
}
