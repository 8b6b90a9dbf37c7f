/*
 * bench_lookup.c - in-process cost of the registry: lookup by port, by
 * name, full-text search, opening (validating) an index, and importing.
 *
 *   bench_lookup [FILE | embedded]
 *
 * FILE is a compiled index or a source file (IANA XML/CSV, services(5));
 * "embedded" is the snapshot in the library.  Without an argument:
 * $PK_IANA_DIR/service-names-port-numbers.xml (PK_IANA_DIR defaulting to
 * ../shared/data/iana), else the embedded snapshot.  Each figure is the
 * median over several batches of ns per operation, next to a baseline
 * measured in the same run: the C library's getservbyport_r and
 * getservbyname_r (what `getent services` does), a naive scan of every
 * record, one memcpy of the index, and read(2) of the index file.
 */
#include <netdb.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "registry/index.h"
#include "bench.h"

#define BATCHES 9

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rng(void)
{
	/* xorshift64*: fixed seed, so every run looks up the same keys. */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dull;
}

/* Keeps results alive so the compiler cannot drop the work. */
static volatile size_t sink;

typedef void (*op_fn)(void *ctx, size_t i);

/* Median ns per call of fn over BATCHES batches of n calls. */
static double measure(op_fn fn, void *ctx, size_t n)
{
	double t[BATCHES];

	for (size_t i = 0; i < n / 10 + 1; i++) /* warm up */
		fn(ctx, i);
	for (int b = 0; b < BATCHES; b++) {
		double t0 = bench_now_ns();
		for (size_t i = 0; i < n; i++)
			fn(ctx, i);
		t[b] = (bench_now_ns() - t0) / (double)n;
	}
	return bench_median(t, BATCHES);
}

typedef struct ctx {
	const pk_registry *reg;
	uint16_t *ports;  /* random ports */
	char **names;     /* random real names, mixed case */
	size_t nkeys;
	const void *index;
	size_t index_len;
	void *scratch;
	const char *data; /* the source file, for the import figure */
	size_t data_len;
	bool trusted;     /* op_open skips the checksum */
} ctx;

#define NKEYS 4096

static void op_port(void *p, size_t i)
{
	ctx *c = p;
	pk_recid ids[16];

	sink += pk_lookup_port(c->reg, c->ports[i % NKEYS], 0, ids, 16);
}

static void op_name(void *p, size_t i)
{
	ctx *c = p;
	pk_recid ids[16];

	sink += pk_lookup_name(c->reg, c->names[i % c->nkeys], 0, ids, 16);
}

static void op_getservbyport(void *p, size_t i)
{
	ctx *c = p;
	struct servent se, *res = NULL;
	char buf[4096];

	getservbyport_r(htons(c->ports[i % NKEYS]), "tcp", &se, buf, sizeof buf, &res);
	sink += res != NULL;
}

static void op_getservbyname(void *p, size_t i)
{
	ctx *c = p;
	struct servent se, *res = NULL;
	char buf[4096];

	getservbyname_r(c->names[i % c->nkeys], "tcp", &se, buf, sizeof buf, &res);
	sink += res != NULL;
}

static void op_search(void *p, size_t i)
{
	ctx *c = p;
	const char *w = "multicast";
	pk_recid ids[256];

	(void)i;
	sink += pk_search(c->reg, &w, 1, 0, ids, 256);
}

/* The obvious implementation: every record, every field, strcasestr. */
static void op_search_naive(void *p, size_t i)
{
	ctx *c = p;
	uint32_t n = pk_registry_count(c->reg);
	size_t hits = 0;

	(void)i;
	for (pk_recid id = 0; id < n; id++) {
		pk_record r;
		pk_record_get(c->reg, id, &r, NULL);
		bool hit = (r.name && strcasestr(r.name, "multicast")) ||
			   strcasestr(r.description, "multicast");
		for (uint32_t k = 0; !hit && k < r.alias_count; k++)
			hit = strcasestr(pk_record_alias(c->reg, id, k), "multicast") != NULL;
		hits += hit;
	}
	sink += hits;
}

static void op_open(void *p, size_t i)
{
	ctx *c = p;
	pk_registry *reg = NULL;

	(void)i;
	if (pk__registry_from_index(c->scratch, c->index_len, PK_MEM_STATIC, c->trusted,
				   "b", &reg, NULL) == PK_OK)
		sink += pk_registry_count(reg);
	pk_registry_close(reg);
}

/* What pk_registry_open_embedded does with the snapshot in the program's
 * image: the layout is checked, the contents are not (the build did). */
static void op_open_image(void *p, size_t i)
{
	ctx *c = p;
	pk_registry *reg = NULL;

	(void)i;
	if (pk__registry_from_image(c->scratch, c->index_len, "b", &reg, NULL) == PK_OK)
		sink += pk_registry_count(reg);
	pk_registry_close(reg);
}

static void op_memcpy(void *p, size_t i)
{
	ctx *c = p;

	(void)i;
	memcpy(c->scratch, c->index, c->index_len);
	sink += ((unsigned char *)c->scratch)[i % c->index_len];
}

static const char *saved_path;

static void op_open_file(void *p, size_t i)
{
	pk_registry *reg = NULL;

	(void)p;
	(void)i;
	if (pk_registry_open_file(saved_path, &reg, NULL) == PK_OK)
		sink += pk_registry_count(reg);
	pk_registry_close(reg);
}

static void op_read_file(void *p, size_t i)
{
	char *d = NULL;
	size_t n = 0;

	(void)p;
	(void)i;
	if (pk__read_file(saved_path, PK_IDX_MAX_BYTES, &d, &n, NULL) == PK_OK)
		sink += n;
	free(d);
}

static void op_import(void *p, size_t i)
{
	ctx *c = p;
	pk_registry *reg = NULL;

	(void)i;
	if (pk_registry_import_mem(c->data, c->data_len, PK_FORMAT_AUTO, "b", &reg,
				   NULL) == PK_OK)
		sink += pk_registry_count(reg);
	pk_registry_close(reg);
}

static void row(const char *what, double ns, const char *base, double base_ns,
		const char *target)
{
	char ratio[32] = "-";

	if (base_ns > 0)
		snprintf(ratio, sizeof ratio, "%.3g", ns / base_ns);
	printf("%-28s %12.1f  %-30s %12.1f  %8s  %s\n", what, ns, base, base_ns, ratio, target);
}

/* Every name and alias of the registry, each in a random mix of case. */
static size_t collect_names(const pk_registry *reg, char **out, size_t max)
{
	uint32_t n = pk_registry_count(reg);
	size_t all = 0;
	char **pool = malloc(sizeof *pool * ((size_t)n * 4 + 1));

	for (pk_recid id = 0; id < n && pool; id++) {
		pk_record r;
		pk_record_get(reg, id, &r, NULL);
		if (r.name)
			pool[all++] = (char *)r.name;
		for (uint32_t k = 0; k < r.alias_count && k < 3; k++)
			pool[all++] = (char *)pk_record_alias(reg, id, k);
	}
	size_t got = 0;
	for (; all > 0 && got < max; got++) {
		char *s = strdup(pool[rng() % all]);
		for (char *q = s; s && *q; q++)
			if (rng() & 1)
				*q = (char)toupper((unsigned char)*q);
		out[got] = s;
	}
	free(pool);
	return got;
}

int main(int argc, char **argv)
{
	char def[4096];
	const char *path = argc > 1 ? argv[1] : NULL;
	const char *dir = getenv("PK_IANA_DIR");
	pk_registry *reg = NULL;
	pk_error err;
	ctx c = { 0 };
	char *data = NULL;
	size_t len = 0;

	/* Like tests/run: $PK_IANA_DIR, else the shared data next to the
	 * checkout (bench/run runs from the top of the tree). */
	const char *iana = NULL;
	snprintf(def, sizeof def, "%s/service-names-port-numbers.xml",
		 dir && dir[0] ? dir : "../shared/data/iana");
	FILE *f = fopen(def, "r");
	if (f) {
		fclose(f);
		iana = def;
	}
	if (path != NULL && strcmp(path, "embedded") == 0)
		path = NULL;
	else if (path == NULL) /* only when no argument was given */
		path = iana;
	if (path == NULL) {
		if (pk_registry_open_embedded(&reg, &err) != PK_OK) {
			fprintf(stderr, "bench_lookup: %s\n", err.message);
			return 1;
		}
	} else {
		if (pk__read_file(path, PK_IMPORT_MAX_BYTES, &data, &len, &err) != PK_OK) {
			fprintf(stderr, "bench_lookup: %s\n", err.message);
			return 1;
		}
		pk_status st = len >= PK_IDX_MAGIC_LEN && memcmp(data, PK_IDX_MAGIC, PK_IDX_MAGIC_LEN) == 0
			? pk_registry_open_file(path, &reg, &err)
			: pk_registry_import_mem(data, len, PK_FORMAT_AUTO, path, &reg, &err);
		if (st != PK_OK) {
			fprintf(stderr, "bench_lookup: %s\n", err.message);
			return 1;
		}
	}
	pk_registry_info info;
	pk_registry_get_info(reg, &info);
	c.reg = reg;
	c.index = reg->base;
	c.index_len = reg->len;
	c.scratch = malloc(reg->len);
	c.ports = malloc(NKEYS * sizeof *c.ports);
	c.names = malloc(NKEYS * sizeof *c.names);
	if (!c.scratch || !c.ports || !c.names)
		return 1;
	memcpy(c.scratch, reg->base, reg->len);
	for (size_t i = 0; i < NKEYS; i++)
		c.ports[i] = (uint16_t)rng();
	c.nkeys = collect_names(reg, c.names, NKEYS);
	if (c.nkeys == 0) {
		fprintf(stderr, "bench_lookup: the registry has no names\n");
		return 1;
	}
	setservent(1); /* keep /etc/services open between the libc calls */

	printf("registry: %s (%s, %s): %u records, %u names, index %zu bytes\n",
	       info.origin, info.source, info.updated[0] ? info.updated : "no date",
	       info.records, info.names, reg->len);
	printf("%-28s %12s  %-30s %12s  %8s  %s\n", "operation", "ns/op", "baseline",
	       "ns/op", "ratio", "target");
	double port = measure(op_port, &c, 1000000);
	double gport = measure(op_getservbyport, &c, 2000);
	row("lookup by port (random)", port, "getservbyport_r (libc)", gport, "<= 50 ns");
	double name = measure(op_name, &c, 1000000);
	double gname = measure(op_getservbyname, &c, 2000);
	row("lookup by name (mixed case)", name, "getservbyname_r (libc)", gname, "<= 150 ns");
	double search = measure(op_search, &c, 200);
	double naive = measure(op_search_naive, &c, 20);
	row("search multicast", search, "scan every record (strcasestr)", naive, "<= 1 ms");
	double mcp = measure(op_memcpy, &c, 200);
	double open = measure(op_open, &c, 200);
	row("open: full validation", open, "memcpy of the index", mcp, "< 1 ms");
	c.trusted = true;
	double open_t = measure(op_open, &c, 200);
	row("open: trusted (no checksum)", open_t, "memcpy of the index", mcp, "");
	double open_i = measure(op_open_image, &c, 2000);
	row("open: embedded (layout only)", open_i, "memcpy of the index", mcp, "<= 1 us");
	/* From a file: mmap, page faults and the full validation. */
	char tmpl[] = "/tmp/bench_lookup.XXXXXX";
	int fd = mkstemp(tmpl);
	if (fd >= 0) {
		close(fd);
		saved_path = tmpl;
		if (pk_registry_save(reg, tmpl, &err) == PK_OK) {
			double of = measure(op_open_file, &c, 200);
			double rf = measure(op_read_file, &c, 200);
			row("open file (mmap, validate)", of, "read(2) of the file", rf, "< 1 ms");
		}
		unlink(tmpl);
	}
	if (data != NULL && !(len >= PK_IDX_MAGIC_LEN && memcmp(data, PK_IDX_MAGIC, PK_IDX_MAGIC_LEN) == 0)) {
		c.data = data;
		c.data_len = len;
		double imp = measure(op_import, &c, 3);
		row("import source into index", imp, "memcpy of the index", mcp, "<= 40 ms (XML)");
	}
	endservent();
	for (size_t i = 0; i < c.nkeys; i++)
		free(c.names[i]);
	free(c.names);
	free(c.ports);
	free(c.scratch);
	free(data);
	pk_registry_close(reg);
	return 0;
}
