/*
 * bench_hashflood.c - hash flooding: how long importing N service names
 * takes when the names were chosen to collide, next to N random names of
 * the same length imported in the same run (the baseline).
 *
 *  1. Names colliding under the name hash of index format 1 (32-bit FNV-1a
 *     over the lower-cased bytes, then a bijective avalanche): a Joux
 *     multicollision.  From FNV-1a's start state a birthday search finds
 *     two 5-character blocks that reach the same 32-bit state; from that
 *     state two more; and so on, 17 times: the 2^17 = 131,072 ways to
 *     pick one block of each pair all have the same FNV-1a state, hence
 *     the same old hash, since FNV's state is its whole output.  Format 1
 *     put them all in one slot: importing them took 85 s.
 *  2. Names colliding under the new hash, SipHash-2-4, with the one key an
 *     attacker can know: the published key of the embedded snapshot.  An
 *     import draws its own random key, so they spread like any others.
 *     For contrast, a smaller set of them built with the published key
 *     itself shows what a fixed key for imports would have allowed.
 *
 * Each set is a CSV registry compiled with pk_registry_import_mem, as
 * `portkit import` and `portkit update` do.  The target: every crafted set
 * within 2x the time of the random names (exit status 1 otherwise).
 * PK_BENCH_FLOOD_NAMES sets N (default 131072, a power of two <= 2^20).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/siphash.h"
#include "registry/registry_internal.h"
#include "bench.h"

#define BLOCK 5
static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rng(void)
{
	/* splitmix64: reproducible sets from run to run */
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static void random_chars(char *out, size_t n)
{
	for (size_t i = 0; i < n; i++)
		out[i] = alphabet[rng() % (sizeof alphabet - 1)];
}

/* The name hash of index format 1, as the attacker's generator has it. */
static uint32_t fnv_step(uint32_t h, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		h ^= (c >= 'A' && c <= 'Z') ? (unsigned char)(c + 32) : c;
		h *= 16777619u;
	}
	return h;
}

static uint32_t old_name_hash(const char *s)
{
	uint32_t h = fnv_step(2166136261u, s, strlen(s));

	h ^= h >> 16;
	h *= 0x7feb352du;
	h ^= h >> 15;
	h *= 0x846ca68bu;
	h ^= h >> 16;
	return h;
}

/* Two different blocks that take FNV-1a from state h to the same state
 * (returned): a birthday search over random blocks.  The table is kept
 * from stage to stage; stamp tells this stage's entries from older ones. */
enum { SLOTS = 1 << 21 };
static uint32_t tab_state[SLOTS];
static char tab_block[SLOTS][BLOCK];
static uint8_t tab_stamp[SLOTS];

static uint32_t colliding_pair(uint32_t h, uint8_t stamp, char a[BLOCK], char b[BLOCK])
{
	for (;;) {
		char c[BLOCK];
		random_chars(c, BLOCK);
		uint32_t s = fnv_step(h, c, BLOCK);
		uint32_t j = (s * 0x9e3779b1u) >> 11;
		while (tab_stamp[j] == stamp && tab_state[j] != s)
			j = (j + 1) & (SLOTS - 1);
		if (tab_stamp[j] == stamp && memcmp(tab_block[j], c, BLOCK) != 0) {
			memcpy(a, tab_block[j], BLOCK);
			memcpy(b, c, BLOCK);
			return s;
		}
		tab_stamp[j] = stamp;
		tab_state[j] = s;
		memcpy(tab_block[j], c, BLOCK);
	}
}

/* n names (a power of two) of log2(n) blocks each, one FNV-1a state. */
static char **fnv_multicollision(size_t n, size_t *namelen)
{
	int stages = 0;
	while (((size_t)1 << stages) < n)
		stages++;
	char (*pair)[2][BLOCK] = calloc((size_t)stages, sizeof *pair);
	char **names = calloc(n, sizeof *names);
	uint32_t h = 2166136261u;

	if (pair == NULL || names == NULL)
		exit(3);
	for (int s = 0; s < stages; s++)
		h = colliding_pair(h, (uint8_t)(s + 1), pair[s][0], pair[s][1]);
	*namelen = (size_t)stages * BLOCK;
	for (size_t i = 0; i < n; i++) {
		names[i] = malloc(*namelen + 1);
		if (names[i] == NULL)
			exit(3);
		for (int s = 0; s < stages; s++)
			memcpy(names[i] + s * BLOCK, pair[s][(i >> s) & 1], BLOCK);
		names[i][*namelen] = '\0';
	}
	free(pair);
	return names;
}

static char **random_names(size_t n, size_t len)
{
	char **names = calloc(n, sizeof *names);

	if (names == NULL)
		exit(3);
	for (size_t i = 0; i < n; i++) {
		names[i] = malloc(len + 1);
		if (names[i] == NULL)
			exit(3);
		random_chars(names[i], len);
		names[i][len] = '\0';
	}
	return names;
}

/* Names whose SipHash under key lands in the first 1/256 of a table of
 * 2n slots: one long cluster for a table built with that key. */
static char **siphash_cluster(size_t n, size_t len, const pk_sipkey *key)
{
	char **names = calloc(n, sizeof *names);
	uint64_t mask = 2 * (uint64_t)n - 1, limit = (2 * (uint64_t)n) >> 8;
	char *c = malloc(len + 1);

	if (names == NULL || c == NULL)
		exit(3);
	c[len] = '\0';
	for (size_t i = 0; i < n;) {
		random_chars(c, len);
		if ((pk__siphash24_lower(key, c, len) & mask) < limit) {
			names[i] = strdup(c);
			if (names[i++] == NULL)
				exit(3);
		}
	}
	free(c);
	return names;
}

static char *csv_of(char **names, size_t n, size_t *len)
{
	static const char header[] =
		"Service Name,Port Number,Transport Protocol,Description,Assignee,"
		"Contact,Registration Date,Modification Date,Reference,Service Code,"
		"Unauthorized Use Reported,Assignment Notes\n";
	pk_buf b;

	pk__buf_init(&b, (size_t)1 << 30);
	if (pk__buf_addstr(&b, header) != PK_OK)
		exit(3);
	for (size_t i = 0; i < n; i++)
		if (pk__buf_printf(&b, "%s,%zu,tcp,flood,,,,,,,,\n", names[i], i % 65535 + 1) != PK_OK)
			exit(3);
	if (pk__buf_terminate(&b) != PK_OK)
		exit(3);
	*len = b.len;
	return b.data;
}

/* Milliseconds to compile csv into a registry (median of runs). */
static double import_ms(const char *csv, size_t len, size_t n, int runs)
{
	double t[9];

	for (int r = 0; r < runs; r++) {
		pk_registry *reg = NULL;
		pk_error err;
		double t0 = bench_now_ms();
		if (pk_registry_import_mem(csv, len, PK_FORMAT_CSV, "flood", &reg, &err) != PK_OK) {
			fprintf(stderr, "bench_hashflood: %s\n", err.message);
			exit(3);
		}
		t[r] = bench_now_ms() - t0;
		if (pk_registry_count(reg) != n)
			exit(3);
		pk_registry_close(reg);
	}
	return bench_median(t, runs);
}

/* The same through a builder with a chosen key (what a fixed import key
 * would have been). */
static double keyed_import_ms(const char *csv, size_t len, const pk_sipkey *key)
{
	pk_builder *b = pk__builder_new_keyed(key);
	void *idx = NULL;
	size_t idx_len = 0;
	pk_error err;
	double t0 = bench_now_ms();

	if (b == NULL || pk__import(b, PK_FORMAT_CSV, csv, len, "flood", &err) != PK_OK ||
	    pk__builder_finish(b, &idx, &idx_len, &err) != PK_OK) {
		fprintf(stderr, "bench_hashflood: cannot import\n");
		exit(3);
	}
	double ms = bench_now_ms() - t0;
	free(idx);
	pk__builder_free(b);
	return ms;
}

static void free_names(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

int main(void)
{
	const char *e = getenv("PK_BENCH_FLOOD_NAMES");
	size_t n = e != NULL ? strtoul(e, NULL, 10) : 131072;
	/* "portkit-embedded": tools/mkindex.c's published key. */
	const pk_sipkey published = { 0x2d74696b74726f70ull, 0x6465646465626d65ull };
	size_t namelen, len;
	int runs = 3, status = 0;

	if (n < 1024 || n > (1u << 20) || (n & (n - 1)) != 0)
		n = 131072;
	double g0 = bench_now_ms();
	char **fnv = fnv_multicollision(n, &namelen);
	for (size_t i = 1; i < n; i++)
		if (old_name_hash(fnv[i]) != old_name_hash(fnv[0]) || strcmp(fnv[i], fnv[0]) == 0) {
			fprintf(stderr, "bench_hashflood: the multicollision is wrong at %zu\n", i);
			return 3;
		}
	double g1 = bench_now_ms();
	char **rnd = random_names(n, namelen);
	char **sip = siphash_cluster(n, namelen, &published);
	double g2 = bench_now_ms();

	char *csv_rnd = csv_of(rnd, n, &len);
	double base = import_ms(csv_rnd, len, n, runs);
	free(csv_rnd);
	char *csv_fnv = csv_of(fnv, n, &len);
	double t_fnv = import_ms(csv_fnv, len, n, runs);
	free(csv_fnv);
	char *csv_sip = csv_of(sip, n, &len);
	double t_sip = import_ms(csv_sip, len, n, runs);
	free(csv_sip);
	/* The contrast, on 1/8 of the names: the quadratic cost would make
	 * the whole set take minutes. */
	size_t m = n / 8;
	char *csv_sip_m = csv_of(sip, m, &len);
	double t_fixed = keyed_import_ms(csv_sip_m, len, &published);
	double t_fixed_rand = keyed_import_ms(csv_sip_m, len, NULL);
	free(csv_sip_m);

	printf("hash flooding: importing %zu crafted service names (%zu characters) next to as many random ones, median of %d runs\n",
	       n, namelen, runs);
	printf("  (generating the sets: %.0f ms for the FNV-1a multicollision, %.0f ms for the rest)\n",
	       g1 - g0, g2 - g1);
	printf("  %-58s %10s %8s\n", "names", "ms", "x random");
	printf("  %-58s %10.1f %8.2f\n", "baseline: random names", base, 1.0);
	printf("  %-58s %10.1f %8.2f\n", "one FNV-1a hash (85 s for 131,072 with format 1)", t_fnv, t_fnv / base);
	printf("  %-58s %10.1f %8.2f\n", "one SipHash cluster under the published key", t_sip, t_sip / base);
	printf("  for contrast, %zu of those names built with the published key itself: %.1f ms, %.1fx a random key's %.1f ms\n",
	       m, t_fixed, t_fixed / t_fixed_rand, t_fixed_rand);
	bool met = t_fnv <= 2 * base && t_sip <= 2 * base;
	printf("  target every crafted set <= 2x random: %s\n", met ? "met" : "NOT met");
	if (!met)
		status = 1;
	free_names(fnv, n);
	free_names(rnd, n);
	free_names(sip, n);
	return status;
}
