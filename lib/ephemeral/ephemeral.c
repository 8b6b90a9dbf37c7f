/* ephemeral.c - the ephemeral port selection models: names, state and
 * dispatch.  The algorithms themselves live in eph_bsd.c, eph_rfc6056.c
 * and eph_linux.c, each citing what it follows. */
#include <stdlib.h>
#include <string.h>

#include "ephemeral/eph_internal.h"

static const struct {
	const char *name;
	const char *describe;
	pk_eph_select_fn select;
} algos[PK_EPH_ALGO_COUNT] = {
	[PK_EPH_SEQUENTIAL] = { "sequential",
		"last port + 1, wrapping (traditional BSD, FreeBSD without randomization)",
		pk__eph_sequential },
	[PK_EPH_DESCENDING] = { "descending",
		"from the top of the range downwards (NetBSD's default \"bsd\")",
		pk__eph_descending },
	[PK_EPH_RFC6056_1] = { "rfc6056-1",
		"RFC 6056 3.3.1: random start, then a linear scan",
		pk__eph_rfc1 },
	[PK_EPH_RFC6056_2] = { "rfc6056-2",
		"RFC 6056 3.3.2: a fresh random port for every probe",
		pk__eph_rfc2 },
	[PK_EPH_RFC6056_3] = { "rfc6056-3",
		"RFC 6056 3.3.3: keyed hash of the 3-tuple plus one global counter",
		pk__eph_rfc3 },
	[PK_EPH_RFC6056_4] = { "rfc6056-4",
		"RFC 6056 3.3.4: keyed hash plus a table of counters indexed by a second hash",
		pk__eph_rfc4 },
	[PK_EPH_RFC6056_5] = { "rfc6056-5",
		"RFC 6056 3.3.5: random increments of 1..N (N = 500)",
		pk__eph_rfc5 },
	[PK_EPH_LINUX] = { "linux",
		"Linux __inet_hash_connect() since 5.18: SipHash with a 10 s time slot, 2^16 perturbation table, even ports first, random extra step",
		pk__eph_linux },
	[PK_EPH_LINUX_2021] = { "linux-2021",
		"Linux 5.12-5.17: 256-entry perturbation table indexed by hash_32() (before the CVE-2022-1012 fix)",
		pk__eph_linux },
	[PK_EPH_FREEBSD] = { "freebsd",
		"FreeBSD in_pcb_lport_dest() with net.inet.ip.portrange.randomized=1: random start, linear scan",
		pk__eph_freebsd },
};

const char *pk_eph_algo_name(pk_eph_algo algo)
{
	return (unsigned)algo < PK_EPH_ALGO_COUNT ? algos[algo].name : "";
}

const char *pk_eph_algo_describe(pk_eph_algo algo)
{
	return (unsigned)algo < PK_EPH_ALGO_COUNT ? algos[algo].describe : "";
}

pk_status pk_eph_algo_parse(const char *s, pk_eph_algo *out, pk_error *err)
{
	for (unsigned i = 0; i < PK_EPH_ALGO_COUNT; i++)
		if (pk__strcasecmp(s, algos[i].name) == 0) {
			*out = (pk_eph_algo)i;
			return PK_OK;
		}
	return pk__error_set(err, PK_NOTFOUND,
			    "unknown algorithm '%s': expected sequential, descending, rfc6056-1 to rfc6056-5, linux, linux-2021 or freebsd",
			    s);
}

pk_status pk_eph_new_(pk_eph_algo algo, const pk_eph_config *cfg_in,
		      size_t cfg_size, pk_eph **out, pk_error *err)
{
	pk_status st = PK_OK;
	pk_eph *e = NULL;
	pk_eph_config full = { 0 };
	const pk_eph_config *cfg = &full;

	*out = NULL;
	pk__copy_in(&full, sizeof full, cfg_in, cfg_size);
	if ((unsigned)algo >= PK_EPH_ALGO_COUNT)
		return pk__error_set(err, PK_INVAL,
				    "invalid algorithm %d: expected 0-%d",
				    (int)algo, PK_EPH_ALGO_COUNT - 1);
	if (cfg->lo > cfg->hi)
		return pk__error_set(err, PK_RANGE,
				    "invalid range %u-%u: expected LO <= HI",
				    cfg->lo, cfg->hi);
	e = calloc(1, sizeof *e);
	if (e == NULL)
		return pk__error_set(err, PK_NOMEM, "out of memory");
	e->algo = algo;
	e->lo = cfg->lo;
	e->hi = cfg->hi;
	e->num = (uint32_t)cfg->hi - cfg->lo + 1;
	if (cfg->reserved != NULL)
		e->reserved = *cfg->reserved;
	e->table_len = cfg->table_len ? cfg->table_len : 10;
	e->increments = cfg->increments ? cfg->increments : 500;
	pk__prng_seed(&e->rng, cfg->seed);

	switch (algo) {
	case PK_EPH_RFC6056_3:
	case PK_EPH_RFC6056_4:
	case PK_EPH_RFC6056_5:
		st = pk__eph_init_rfc6056(e);
		break;
	case PK_EPH_LINUX:
	case PK_EPH_LINUX_2021:
		st = pk__eph_init_linux(e);
		break;
	default:
		break;
	}
	if (st != PK_OK) {
		pk_eph_free(e);
		return pk__error_set(err, st, "out of memory");
	}
	*out = e;
	return PK_OK;
}

void pk_eph_free(pk_eph *st)
{
	if (st == NULL)
		return;
	free(st->table);
	free(st);
}

pk_status pk_eph_select_(pk_eph *st, const pk_eph_request *req,
			 size_t req_size, pk_eph_usable_fn usable, void *ctx,
			 uint16_t *port, uint32_t *probes, pk_error *err)
{
	uint32_t n = 0;
	pk_eph_request full;

	/* The models and usable read a whole request: an older caller's is
	 * extended with zeros (the common case costs one comparison). */
	if (req_size < sizeof full) {
		memset(&full, 0, sizeof full);
		pk__copy_in(&full, sizeof full, req, req_size);
		req = &full;
	}
	pk_status s = algos[st->algo].select(st, req, usable, ctx, port, &n);

	if (probes != NULL)
		*probes = n;
	if (s == PK_EXHAUSTED)
		pk__error_set(err, s, "%s found no usable port in %u-%u after %u probes",
			      pk_eph_algo_name(st->algo), st->lo, st->hi, (unsigned)n);
	else if (s != PK_OK)
		pk__error_set(err, s, "%s: %s", pk_eph_algo_name(st->algo), pk_strerror(s));
	return s;
}
