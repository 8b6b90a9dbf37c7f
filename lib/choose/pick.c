/* pick.c - choosing ports that satisfy every constraint, and saying why
 * (RFC 6335 section 6, RFC 7605 section 7).  docs/pick.md
 * describes the choices; the name-derived sequence there is normative. */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "core/internal.h"
#include "core/siphash.h"

#define PICK_MAX_PROFILES 64
/* Consecutive rejected random draws before the remaining acceptable ports
 * are enumerated and drawn from directly (a nearly full range would
 * otherwise need ever more draws). */
#define RANDOM_TRIES 64
#define NAME_MAX_LEN 255
/* This host's port settings are re-read at most this often per handle:
 * reading the three /proc files costs more than the four binds of a check
 * (about 27 us against 29 us here), and sysctls change rarely. */
#define HOST_TTL_NS 1000000000ll

/* The published SipHash key of name-derived picks: the 16 ASCII bytes
 * "portkit/pick/v1/" read as two little-endian words.  Changing it moves
 * every name's port, so it is part of the interface (docs/pick.md). */
static const pk_sipkey name_key = {
	0x2f74696b74726f70ull, /* "portkit/" */
	0x2f31762f6b636970ull  /* "pick/v1/" */
};

typedef enum pick_mode { MODE_RANDOM, MODE_NEAR, MODE_NAME } pick_mode;

/* Why a candidate was turned down: the first constraint it failed. */
typedef enum reject {
	REJ_NONE = 0,
	REJ_AVOIDED,
	REJ_OS,
	REJ_HOST_RANGE,
	REJ_HOST_RESERVED,
	REJ_ASSIGNED,
	REJ_LISTED,
	REJ_RESERVED,
	REJ_UNOFFICIAL,
	REJ_IN_USE,
	REJ_PRIVILEGED
} reject;

struct pk_pick {
	const pk_registry *reg;
	bool reg_unofficial; /* the registry holds well-known unofficial uses */
	unsigned protos;
	uint16_t lo, hi;
	pick_mode mode;
	uint16_t near;
	char *name; /* lower-cased */
	uint64_t name_h1, name_h2;
	unsigned flags;
	char *proc_root;
	size_t nprofiles;
	const pk_os_profile *profiles[PICK_MAX_PROFILES];
	pk_portset os_set; /* union of the chosen profiles' ranges */
	bool have_avoid;
	pk_portset avoid;
	/* State of the last run. */
	pk_portset chosen;
	pk_host_portconf host;
	bool host_valid;      /* host holds what was read at host_read_ns */
	long long host_read_ns;
	pk_pick_stats stats;
};

/* ---- setup ------------------------------------------------------------- */

static void set_profiles_common(pk_pick *p)
{
	size_t n = 0;
	const pk_os_profile *all = pk_os_profiles(&n);

	p->nprofiles = 0;
	pk_portset_clear(&p->os_set);
	for (size_t i = 0; i < n && p->nprofiles < PICK_MAX_PROFILES; i++) {
		if (!all[i].common)
			continue;
		p->profiles[p->nprofiles++] = &all[i];
		pk_portset_add_range(&p->os_set, all[i].lo, all[i].hi);
	}
}

pk_status pk_pick_new(const pk_registry *reg, pk_pick **out, pk_error *err)
{
	pk_pick *p;

	pk__error_clear(err);
	*out = NULL;
	p = calloc(1, sizeof *p);
	if (p == NULL)
		return pk__error_set(err, PK_NOMEM, "out of memory");
	p->reg = reg;
	if (reg != NULL) {
		pk_registry_info info;
		pk_registry_get_info(reg, &info);
		p->reg_unofficial = (info.flags & PK_REGFLAG_UNOFFICIAL) != 0;
	}
	p->protos = PK_PROTOMASK(PK_PROTO_TCP) | PK_PROTOMASK(PK_PROTO_UDP);
	pk_port_class_bounds(PK_CLASS_USER, &p->lo, &p->hi);
	p->mode = MODE_RANDOM;
	set_profiles_common(p);
	*out = p;
	return PK_OK;
}

void pk_pick_free(pk_pick *pick)
{
	if (pick == NULL)
		return;
	free(pick->name);
	free(pick->proc_root);
	free(pick);
}

pk_status pk_pick_set_protos(pk_pick *pick, unsigned protomask, pk_error *err)
{
	if (protomask == 0 || (protomask & ~PK_PROTOMASK_TRANSPORTS) != 0)
		return pk__error_set(err, PK_INVAL,
				    "invalid transport set 0x%x: expected one or more of tcp, udp, sctp, dccp",
				    protomask);
	pick->protos = protomask;
	return PK_OK;
}

pk_status pk_pick_set_range(pk_pick *pick, uint16_t lo, uint16_t hi,
			    pk_error *err)
{
	if (lo > hi)
		return pk__error_set(err, PK_INVAL,
				    "invalid range %u-%u: expected LO <= HI",
				    lo, hi);
	if (hi == 0)
		return pk__error_set(err, PK_INVAL,
				    "invalid range 0-0: port 0 cannot be picked (bind(2) reads it as \"any port\")");
	pick->lo = lo == 0 ? 1 : lo;
	pick->hi = hi;
	return PK_OK;
}

void pk_pick_set_class(pk_pick *pick, pk_port_class cls)
{
	uint16_t lo, hi;

	pk_port_class_bounds(cls, &lo, &hi);
	pick->lo = lo == 0 ? 1 : lo;
	pick->hi = hi;
}

void pk_pick_set_near(pk_pick *pick, uint16_t port)
{
	free(pick->name);
	pick->name = NULL;
	pick->mode = MODE_NEAR;
	pick->near = port;
}

pk_status pk_pick_set_name(pk_pick *pick, const char *name, pk_error *err)
{
	size_t len = name == NULL ? 0 : strlen(name);
	char *copy;

	if (len == 0 || len > NAME_MAX_LEN)
		return pk__error_set(err, PK_INVAL,
				    "invalid service name '%.40s': expected 1-%d bytes",
				    name == NULL ? "" : name, NAME_MAX_LEN);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)name[i];
		if (c < 0x20 || c == 0x7f)
			return pk__error_set(err, PK_INVAL,
					    "invalid service name: control character 0x%02x at byte %zu",
					    c, i + 1);
	}
	copy = malloc(len + 2);
	if (copy == NULL)
		return pk__error_set(err, PK_NOMEM, "out of memory");
	for (size_t i = 0; i < len; i++)
		copy[i] = (char)pk__lower((unsigned char)name[i]);
	/* h1 and h2 hash the name followed by one byte, 0 and 1. */
	copy[len] = '\0';
	pick->name_h1 = pk__siphash24(&name_key, copy, len + 1);
	copy[len] = '\1';
	pick->name_h2 = pk__siphash24(&name_key, copy, len + 1);
	copy[len] = '\0';
	free(pick->name);
	pick->name = copy;
	pick->mode = MODE_NAME;
	return PK_OK;
}

/* The profile ids, comma-separated, for messages. */
static void profile_ids(char *buf, size_t size)
{
	size_t n = 0, len = 0;
	const pk_os_profile *all = pk_os_profiles(&n);

	buf[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		int w = snprintf(buf + len, size - len, "%s%s",
				 i > 0 ? ", " : "", all[i].id);
		if (w < 0 || (size_t)w >= size - len)
			break;
		len += (size_t)w;
	}
}

pk_status pk_pick_avoid_os(pk_pick *pick, const char *ids, pk_error *err)
{
	const pk_os_profile *chosen[PICK_MAX_PROFILES];
	size_t nchosen = 0;
	const char *s = ids == NULL ? "" : ids;

	if (strcmp(s, "common") == 0) {
		set_profiles_common(pick);
		return PK_OK;
	}
	if (strcmp(s, "none") == 0) {
		pick->nprofiles = 0;
		pk_portset_clear(&pick->os_set);
		return PK_OK;
	}
	if (strcmp(s, "all") == 0) {
		size_t n = 0;
		const pk_os_profile *all = pk_os_profiles(&n);
		for (size_t i = 0; i < n && nchosen < PICK_MAX_PROFILES; i++)
			chosen[nchosen++] = &all[i];
	} else {
		for (;;) {
			char id[64];
			size_t len = strcspn(s, ",");
			const pk_os_profile *prof = NULL;
			if (len > 0 && len < sizeof id) {
				memcpy(id, s, len);
				id[len] = '\0';
				prof = pk_os_profile_find(id);
			}
			if (prof == NULL) {
				char known[512];
				profile_ids(known, sizeof known);
				return pk__error_set(err, PK_INVAL,
						    "unknown OS profile '%.*s': expected common, all, none, or a comma-separated list of %s",
						    (int)(len > 40 ? 40 : len), s,
						    known);
			}
			bool dup = false;
			for (size_t i = 0; i < nchosen; i++)
				dup = dup || chosen[i] == prof;
			if (!dup && nchosen < PICK_MAX_PROFILES)
				chosen[nchosen++] = prof;
			if (s[len] == '\0')
				break;
			s += len + 1;
		}
	}
	pick->nprofiles = nchosen;
	pk_portset_clear(&pick->os_set);
	for (size_t i = 0; i < nchosen; i++) {
		pick->profiles[i] = chosen[i];
		pk_portset_add_range(&pick->os_set, chosen[i]->lo, chosen[i]->hi);
	}
	return PK_OK;
}

void pk_pick_avoid_ports(pk_pick *pick, const pk_portset *ports)
{
	if (ports == NULL) {
		pick->have_avoid = false;
		return;
	}
	if (!pick->have_avoid) {
		pk_portset_clear(&pick->avoid);
		pick->have_avoid = true;
	}
	pk_portset_union(&pick->avoid, ports);
}

void pk_pick_set_flags(pk_pick *pick, unsigned flags)
{
	pick->flags = flags;
}

pk_status pk_pick_set_proc_root(pk_pick *pick, const char *proc_root,
				pk_error *err)
{
	char *copy = NULL;

	if (proc_root != NULL) {
		copy = strdup(proc_root);
		if (copy == NULL)
			return pk__error_set(err, PK_NOMEM, "out of memory");
	}
	free(pick->proc_root);
	pick->proc_root = copy;
	pick->host_valid = false;
	return PK_OK;
}

const char *pk_pick_why_name(unsigned why)
{
	static const char *const names[PK_PICK_WHY_COUNT] = {
		"in-range", "unassigned", "not-unofficial",
		"outside-os-ephemeral", "outside-host-ephemeral",
		"not-host-reserved", "bindable", "random", "near", "name"
	};

	for (unsigned i = 0; i < PK_PICK_WHY_COUNT; i++)
		if (why == 1u << i)
			return names[i];
	return NULL;
}

void pk_pick_get_stats_(const pk_pick *pick, pk_pick_stats *out,
			size_t out_size)
{
	pk__copy_out(out, out_size, &pick->stats, sizeof pick->stats);
}

/* ---- randomness -------------------------------------------------------- */

/* Random words from getrandom(2), fetched 16 at a time: one system call
 * per draw was most of the cost of a pick.  The buffer lives on the stack
 * of one pk_pick_run, so a fork() never replays it. */
typedef struct rng {
	uint32_t buf[16];
	unsigned pos, len;
} rng;

static pk_status rand_word(rng *g, uint32_t *out, pk_error *err)
{
	if (g->pos == g->len) {
		ssize_t got;
		do
			got = getrandom(g->buf, sizeof g->buf, 0);
		while (got < 0 && errno == EINTR);
		if (got < (ssize_t)sizeof g->buf[0])
			return pk__error_set(err, PK_IO, "getrandom: %s",
					    got < 0 ? strerror(errno) :
						      "short read");
		g->len = (unsigned)((size_t)got / sizeof g->buf[0]);
		g->pos = 0;
	}
	*out = g->buf[g->pos++];
	return PK_OK;
}

/* A uniform integer in [0, n), n >= 1.  Draws below 2^32 mod n are
 * rejected so that every residue is equally likely (the plain `r % n`
 * would favour small values). */
static pk_status rand_below(rng *g, uint32_t n, uint32_t *out, pk_error *err)
{
	uint32_t threshold = (uint32_t)(0u - n) % n;

	for (;;) {
		uint32_t r;
		pk_status st = rand_word(g, &r, err);
		if (st != PK_OK)
			return st;
		if (r >= threshold) {
			*out = r % n;
			return PK_OK;
		}
	}
}

/* ---- checks ------------------------------------------------------------ */

/* Uses of a port without an IANA assignment: unofficial records, and
 * whatever origins later versions add. */
#define ORIGINS_UNOFFICIAL \
	(PK_ORIGINMASK_ALL & ~(PK_ORIGINMASK_IANA | PK_ORIGINMASK(PK_ORIGIN_SERVICES)))

/* What the registry says against port, by the port-use rule, for any of
 * the transports: the first of assigned, listed, reserved, unofficial
 * (the order pk_pick_stats counts them in). */
static reject registry_check(const pk_pick *p, uint16_t port)
{
	bool assigned = !(p->flags & PK_PICK_ALLOW_ASSIGNED);
	bool unofficial = !(p->flags & PK_PICK_ALLOW_UNOFFICIAL);
	reject why = REJ_NONE;

	for (unsigned proto = PK_PROTO_TCP; proto < PK_PROTO_COUNT; proto++) {
		if (!(p->protos & PK_PROTOMASK(proto)))
			continue;
		if (assigned) {
			pk_port_state s = pk_port_use(p->reg, port, (pk_proto)proto,
						      PK_ORIGINMASK_IANA, NULL, 0, NULL);
			if (s == PK_PORT_ASSIGNED)
				return REJ_ASSIGNED;
			if (why > REJ_LISTED || why == REJ_NONE) {
				if (pk_port_use(p->reg, port, (pk_proto)proto,
						PK_ORIGINMASK(PK_ORIGIN_SERVICES), NULL, 0,
						NULL) == PK_PORT_ASSIGNED)
					why = REJ_LISTED;
				/* IANA keeps a Reserved number (typically for
				 * the service assigned it on another transport):
				 * not ours to take. */
				else if (s == PK_PORT_RESERVED)
					why = REJ_RESERVED;
			}
		}
		if (unofficial && why == REJ_NONE &&
		    pk_port_use(p->reg, port, (pk_proto)proto, ORIGINS_UNOFFICIAL,
				NULL, 0, NULL) == PK_PORT_ASSIGNED)
			why = REJ_UNOFFICIAL;
	}
	return why;
}

/* The constraints that need no socket, cheapest first. */
static reject static_check(const pk_pick *p, uint16_t port)
{
	if (p->have_avoid && pk_portset_contains(&p->avoid, port))
		return REJ_AVOIDED;
	if (p->nprofiles > 0 && pk_portset_contains(&p->os_set, port))
		return REJ_OS;
	if (!(p->flags & PK_PICK_NO_HOST_CHECK)) {
		if (p->host.have_range && port >= p->host.ephemeral_lo &&
		    port <= p->host.ephemeral_hi)
			return REJ_HOST_RANGE;
		if (p->host.have_reserved &&
		    pk_portset_contains(&p->host.reserved, port))
			return REJ_HOST_RESERVED;
	}
	if (p->reg != NULL)
		return registry_check(p, port);
	return REJ_NONE;
}

typedef enum bind_result { B_OK, B_BUSY, B_PRIV, B_UNSUPPORTED, B_ERROR } bind_result;

/* Binds one socket to the wildcard address and closes it at once.  No
 * listen(): nothing can connect to it, and no SO_REUSEADDR/SO_REUSEPORT:
 * with them bind() succeeds beside some existing sockets (another
 * SO_REUSEADDR UDP socket, a SO_REUSEPORT group of the same user, a
 * TIME_WAIT pair) and a busy port would look free. */
static bind_result try_bind(pk_proto proto, bool v6, uint16_t port,
			    int *errnum)
{
	int type, protocol, fd, one = 1;
	struct sockaddr_in sin;
	struct sockaddr_in6 sin6;
	const struct sockaddr *sa;
	socklen_t salen;

	switch (proto) {
	case PK_PROTO_TCP:
		type = SOCK_STREAM;
		protocol = IPPROTO_TCP;
		break;
	case PK_PROTO_UDP:
		type = SOCK_DGRAM;
		protocol = IPPROTO_UDP;
		break;
	case PK_PROTO_SCTP:
		type = SOCK_STREAM;
		protocol = IPPROTO_SCTP;
		break;
	case PK_PROTO_DCCP:
		type = SOCK_DCCP;
		protocol = IPPROTO_DCCP;
		break;
	default:
		return B_UNSUPPORTED;
	}
	fd = socket(v6 ? AF_INET6 : AF_INET, type | SOCK_CLOEXEC, protocol);
	if (fd < 0) {
		*errnum = errno;
		if (errno == EAFNOSUPPORT || errno == EPROTONOSUPPORT ||
		    errno == ESOCKTNOSUPPORT || errno == EPROTOTYPE)
			return B_UNSUPPORTED;
		return B_ERROR;
	}
	if (v6) {
		/* v6-only, so that the :: check does not also cover 0.0.0.0
		 * (a dual-stack bind would fail on either and not say which). */
		if (setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one,
			       sizeof one) != 0) {
			*errnum = errno;
			close(fd);
			return B_ERROR;
		}
		memset(&sin6, 0, sizeof sin6);
		sin6.sin6_family = AF_INET6;
		sin6.sin6_addr = in6addr_any;
		sin6.sin6_port = htons(port);
		sa = (const struct sockaddr *)&sin6;
		salen = sizeof sin6;
	} else {
		memset(&sin, 0, sizeof sin);
		sin.sin_family = AF_INET;
		sin.sin_addr.s_addr = htonl(INADDR_ANY);
		sin.sin_port = htons(port);
		sa = (const struct sockaddr *)&sin;
		salen = sizeof sin;
	}
	int rc = bind(fd, sa, salen);
	*errnum = errno;
	close(fd);
	if (rc == 0)
		return B_OK;
	switch (*errnum) {
	case EADDRINUSE:
		return B_BUSY;
	case EACCES:
	case EPERM:
		return B_PRIV;
	case EADDRNOTAVAIL:
		/* No IPv6 on this host: :: cannot be bound at all. */
		return v6 ? B_UNSUPPORTED : B_ERROR;
	default:
		return B_ERROR;
	}
}

/* Every requested transport on 0.0.0.0 and ::. */
static reject host_check(pk_pick *p, uint16_t port, unsigned *bound,
			 pk_status *st, pk_error *err)
{
	*st = PK_OK;
	*bound = 0;
	for (unsigned proto = PK_PROTO_TCP; proto < PK_PROTO_COUNT; proto++) {
		if (!(p->protos & PK_PROTOMASK(proto)))
			continue;
		for (int v6 = 0; v6 <= 1; v6++) {
			unsigned bit = PK_PICK_BOUND(proto, v6);
			int errnum = 0;
			if (p->stats.unchecked & bit)
				continue;
			switch (try_bind((pk_proto)proto, v6 != 0, port,
					 &errnum)) {
			case B_OK:
				*bound |= bit;
				break;
			case B_BUSY:
				return REJ_IN_USE;
			case B_PRIV:
				return REJ_PRIVILEGED;
			case B_UNSUPPORTED:
				p->stats.unchecked |= bit;
				break;
			case B_ERROR:
				*st = pk__error_set(err, PK_IO,
						   "cannot check port %u/%s on %s: %s",
						   port, pk_proto_name((pk_proto)proto),
						   v6 ? "::" : "0.0.0.0",
						   strerror(errnum));
				return REJ_NONE;
			}
		}
	}
	return REJ_NONE;
}

static void count_reject(pk_pick *p, reject why)
{
	pk_pick_stats *s = &p->stats;

	switch (why) {
	case REJ_AVOIDED: s->avoided++; break;
	case REJ_OS: s->os_ephemeral++; break;
	case REJ_HOST_RANGE: s->host_ephemeral++; break;
	case REJ_HOST_RESERVED: s->host_reserved++; break;
	case REJ_ASSIGNED: s->assigned++; break;
	case REJ_LISTED: s->listed++; break;
	case REJ_RESERVED: s->reserved++; break;
	case REJ_UNOFFICIAL: s->unofficial++; break;
	case REJ_IN_USE: s->in_use++; break;
	case REJ_PRIVILEGED: s->privileged++; break;
	case REJ_NONE: break;
	}
}

/* The constraints a port that passed every check was checked against. */
static unsigned why_bits(const pk_pick *p, unsigned bound)
{
	unsigned why = PK_PICK_WHY_RANGE;
	bool host = !(p->flags & PK_PICK_NO_HOST_CHECK);

	if (p->reg != NULL && !(p->flags & PK_PICK_ALLOW_ASSIGNED))
		why |= PK_PICK_WHY_UNASSIGNED;
	/* Claimed only when the registry knows such uses at all. */
	if (p->reg_unofficial && !(p->flags & PK_PICK_ALLOW_UNOFFICIAL))
		why |= PK_PICK_WHY_NOT_UNOFFICIAL;
	if (p->nprofiles > 0)
		why |= PK_PICK_WHY_OS_EPHEMERAL;
	if (host && p->host.have_range)
		why |= PK_PICK_WHY_HOST_RANGE;
	if (host && p->host.have_reserved)
		why |= PK_PICK_WHY_HOST_RESERVED;
	if (host && bound != 0)
		why |= PK_PICK_WHY_BINDABLE;
	switch (p->mode) {
	case MODE_RANDOM: why |= PK_PICK_WHY_RANDOM; break;
	case MODE_NEAR: why |= PK_PICK_WHY_NEAR; break;
	case MODE_NAME: why |= PK_PICK_WHY_NAME; break;
	}
	return why;
}

/* A run in progress: where answers go. */
typedef struct run {
	size_t count;
	unsigned char *out; /* the caller's array */
	size_t stride;      /* its element size */
	size_t found;
} run;

static void accept_port(pk_pick *p, run *r, uint16_t port, unsigned bound,
			uint32_t distance, uint32_t sequence)
{
	pk_pick_result res = {
		.port = port,
		.bound = bound,
		.why = why_bits(p, bound),
		.distance = distance,
		.sequence = sequence,
	};

	pk__copy_out(r->out + r->found++ * r->stride, r->stride, &res, sizeof res);
	pk_portset_add(&p->chosen, port);
}

/* Checks one candidate against everything; *ok when it is acceptable. */
static pk_status consider(pk_pick *p, uint16_t port, unsigned *bound,
			  bool *ok, pk_error *err)
{
	pk_status st;
	reject why;

	*ok = false;
	*bound = 0;
	if (port == 0 || pk_portset_contains(&p->chosen, port))
		return PK_OK;
	p->stats.examined++;
	why = static_check(p, port);
	if (why == REJ_NONE && !(p->flags & PK_PICK_NO_HOST_CHECK)) {
		why = host_check(p, port, bound, &st, err);
		if (st != PK_OK)
			return st;
	}
	count_reject(p, why);
	*ok = why == REJ_NONE;
	return PK_OK;
}

/* ---- the three orders -------------------------------------------------- */

/* Uniform over the acceptable ports: rejection sampling while draws are
 * cheap, then (when the acceptable ports are sparse) uniform draws without
 * replacement from the list of ports that pass the static checks. */
static pk_status run_random(pk_pick *p, run *r, pk_error *err)
{
	uint32_t n = (uint32_t)p->hi - p->lo + 1;
	unsigned misses = 0;
	uint16_t *cand = NULL;
	uint32_t m = 0;
	pk_status st = PK_OK;
	rng g = { .pos = 0, .len = 0 };

	while (r->found < r->count && misses < RANDOM_TRIES) {
		uint32_t k;
		unsigned bound;
		bool ok;
		st = rand_below(&g, n, &k, err);
		if (st != PK_OK)
			return st;
		st = consider(p, (uint16_t)(p->lo + k), &bound, &ok, err);
		if (st != PK_OK)
			return st;
		if (ok) {
			accept_port(p, r, (uint16_t)(p->lo + k), bound, 0, 0);
			misses = 0;
		} else {
			misses++;
		}
	}
	if (r->found == r->count)
		return PK_OK;

	/* Start the count afresh: from here every port of the range is
	 * looked at once, so the numbers explain an exhausted range. */
	pk_pick_stats keep = p->stats;
	memset(&p->stats, 0, sizeof p->stats);
	p->stats.unchecked = keep.unchecked;
	p->stats.host_checked = keep.host_checked;
	p->stats.host_range_known = keep.host_range_known;
	p->stats.host_lo = keep.host_lo;
	p->stats.host_hi = keep.host_hi;
	cand = malloc(n * sizeof *cand);
	if (cand == NULL)
		return pk__error_set(err, PK_NOMEM, "out of memory");
	for (uint32_t port = p->lo; port <= p->hi; port++) {
		if (pk_portset_contains(&p->chosen, (uint16_t)port))
			continue;
		p->stats.examined++;
		reject why = static_check(p, (uint16_t)port);
		if (why == REJ_NONE)
			cand[m++] = (uint16_t)port;
		count_reject(p, why);
	}
	while (r->found < r->count && m > 0) {
		uint32_t k;
		unsigned bound = 0;
		st = rand_below(&g, m, &k, err);
		if (st != PK_OK)
			goto out;
		uint16_t port = cand[k];
		cand[k] = cand[--m];
		reject why = REJ_NONE;
		if (!(p->flags & PK_PICK_NO_HOST_CHECK)) {
			why = host_check(p, port, &bound, &st, err);
			if (st != PK_OK)
				goto out;
		}
		count_reject(p, why);
		if (why == REJ_NONE)
			accept_port(p, r, port, bound, 0, 0);
	}
out:
	free(cand);
	return st;
}

/* Closest first; at equal distance the lower port first. */
static pk_status run_near(pk_pick *p, run *r, pk_error *err)
{
	int32_t near = p->near, lo = p->lo, hi = p->hi;

	for (int32_t d = 0; r->found < r->count; d++) {
		int32_t below = near - d, above = near + d;
		if (below < lo && above > hi)
			break;
		for (int side = 0; side < 2 && r->found < r->count; side++) {
			int32_t port = side == 0 ? below : above;
			unsigned bound;
			bool ok;
			if ((side == 1 && d == 0) || port < lo || port > hi)
				continue;
			pk_status st = consider(p, (uint16_t)port, &bound, &ok,
						err);
			if (st != PK_OK)
				return st;
			if (ok)
				accept_port(p, r, (uint16_t)port, bound,
					    (uint32_t)d, 0);
		}
	}
	return PK_OK;
}

static uint32_t gcd32(uint32_t a, uint32_t b)
{
	while (b != 0) {
		uint32_t t = a % b;
		a = b;
		b = t;
	}
	return a;
}

/* The name's sequence visits every port of the range once:
 *   k-th candidate = lo + (start + k * step) mod n,
 * start = h1 mod n, step = the first value coprime with n among
 * 1 + (h2 mod (n-1)), the next one, ... (wrapping within 1..n-1). */
static pk_status run_name(pk_pick *p, run *r, pk_error *err)
{
	uint32_t n = (uint32_t)p->hi - p->lo + 1;
	uint32_t start = (uint32_t)(p->name_h1 % n);
	uint32_t step = 1;

	if (n > 2) {
		step = 1 + (uint32_t)(p->name_h2 % (n - 1));
		while (gcd32(step, n) != 1)
			step = step % (n - 1) + 1;
	}
	for (uint32_t k = 0; k < n && r->found < r->count; k++) {
		uint16_t port = (uint16_t)(p->lo + (uint32_t)(((uint64_t)start +
				(uint64_t)k * step) % n));
		unsigned bound;
		bool ok;
		pk_status st = consider(p, port, &bound, &ok, err);
		if (st != PK_OK)
			return st;
		if (ok)
			accept_port(p, r, port, bound, 0, k);
	}
	return PK_OK;
}

/* ---- running ----------------------------------------------------------- */

/* ", 3 assigned by IANA" etc. for the non-zero counters. */
/* Examined and turned down, whatever the order: the random order starts
 * its count afresh for its final pass, which skips the ports already taken,
 * so "examined - found" is not it. */
static uint32_t rejected_total(const pk_pick_stats *s)
{
	return s->avoided + s->os_ephemeral + s->host_ephemeral + s->host_reserved +
	       s->assigned + s->listed + s->reserved + s->unofficial + s->in_use +
	       s->privileged;
}

static void append_counts(const pk_pick *p, char *buf, size_t size)
{
	const pk_pick_stats *s = &p->stats;
	const struct {
		uint32_t n;
		const char *what;
	} items[] = {
		{ s->avoided, "excluded by the caller" },
		{ s->os_ephemeral, "in OS ephemeral ranges" },
		{ s->host_ephemeral, "in this host's ephemeral range" },
		{ s->host_reserved, "reserved on this host" },
		{ s->assigned, "assigned by IANA" },
		{ s->listed, "listed in services(5)" },
		{ s->reserved, "reserved by IANA" },
		{ s->unofficial, "commonly used without assignment" },
		{ s->in_use, "in use on this host" },
		{ s->privileged, "need privilege to bind" },
	};
	size_t len = strlen(buf);
	const char *sep = ": ";

	for (size_t i = 0; i < sizeof items / sizeof items[0]; i++) {
		if (items[i].n == 0)
			continue;
		int w = snprintf(buf + len, size - len, "%s%u %s", sep,
				 items[i].n, items[i].what);
		if (w < 0 || (size_t)w >= size - len)
			return;
		len += (size_t)w;
		sep = ", ";
	}
}

static long long monotonic_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000ll + ts.tv_nsec;
}

/* The host's settings, from the cache when they are recent enough. */
static pk_status read_host(pk_pick *pick, pk_error *err)
{
	long long now = monotonic_ns();
	pk_status st;

	if (pick->host_valid && now - pick->host_read_ns < HOST_TTL_NS)
		return PK_OK;
	pick->host_valid = false;
	st = pk_host_portconf_read(pick->proc_root, &pick->host, err);
	if (st != PK_OK) {
		memset(&pick->host, 0, sizeof pick->host);
		return st;
	}
	pick->host_valid = true;
	pick->host_read_ns = now;
	return PK_OK;
}

pk_status pk_pick_run_(pk_pick *pick, size_t count, pk_pick_result *out,
		       size_t out_size, size_t *found, pk_error *err)
{
	run r = { count, (unsigned char *)out, out_size, 0 };
	pk_status st;

	pk__error_clear(err);
	*found = 0;
	if (count == 0 || out == NULL)
		return pk__error_set(err, PK_INVAL,
				    "invalid count 0: expected at least 1 port");
	if (out_size == 0)
		return pk__error_set(err, PK_INVAL, "invalid result size 0");
	memset(&pick->stats, 0, sizeof pick->stats);
	pk_portset_clear(&pick->chosen);
	if (!(pick->flags & PK_PICK_NO_HOST_CHECK)) {
		st = read_host(pick, err);
		if (st != PK_OK)
			return st;
		pick->stats.host_checked = true;
		pick->stats.host_range_known = pick->host.have_range;
		pick->stats.host_lo = pick->host.ephemeral_lo;
		pick->stats.host_hi = pick->host.ephemeral_hi;
	}
	switch (pick->mode) {
	case MODE_NEAR:
		st = run_near(pick, &r, err);
		break;
	case MODE_NAME:
		st = run_name(pick, &r, err);
		break;
	default:
		st = run_random(pick, &r, err);
		break;
	}
	*found = r.found;
	if (st != PK_OK)
		return st;
	if (r.found < count) {
		char msg[PK_ERROR_MESSAGE_SIZE];
		if (r.found == 0)
			snprintf(msg, sizeof msg,
				 "no port in %u-%u satisfies every constraint; %u examined",
				 pick->lo, pick->hi, pick->stats.examined);
		else
			snprintf(msg, sizeof msg,
				 "only %zu of %zu ports in %u-%u satisfy every constraint; %u more examined",
				 r.found, count, pick->lo, pick->hi,
				 rejected_total(&pick->stats));
		append_counts(pick, msg, sizeof msg);
		return pk__error_set(err, PK_EXHAUSTED, "%s", msg);
	}
	return PK_OK;
}

/* ---- explaining -------------------------------------------------------- */

static const char *bound_text(unsigned bound, char *buf, size_t size)
{
	size_t len = 0;

	buf[0] = '\0';
	for (unsigned proto = PK_PROTO_TCP; proto < PK_PROTO_COUNT; proto++) {
		bool v4 = (bound & PK_PICK_BOUND(proto, 0)) != 0;
		bool v6 = (bound & PK_PICK_BOUND(proto, 1)) != 0;
		if (!v4 && !v6)
			continue;
		int w = snprintf(buf + len, size - len, "%s%s on %s",
				 len > 0 ? ", " : "",
				 pk_proto_name((pk_proto)proto),
				 v4 && v6 ? "0.0.0.0 and ::" :
				 v4 ? "0.0.0.0" : "::");
		if (w < 0 || (size_t)w >= size - len)
			break;
		len += (size_t)w;
	}
	return buf;
}

size_t pk_pick_explain_(const pk_pick *pick, const pk_pick_result *r_in,
			size_t r_size, char *buf, size_t size)
{
	pk_buf b;
	char tmp[256];
	size_t need;
	pk_pick_result full = { 0 };
	const pk_pick_result *r = &full;

	pk__copy_in(&full, sizeof full, r_in, r_size);
	pk__buf_init(&b, 64 * 1024);
	switch (pick->mode) {
	case MODE_NEAR:
		pk__buf_printf(&b, "nearest to %u (distance %u) in %u-%u",
			      pick->near, r->distance, pick->lo, pick->hi);
		break;
	case MODE_NAME:
		pk__buf_printf(&b, "derived from '%s' (candidate #%u of its sequence in %u-%u)",
			      pick->name, r->sequence + 1, pick->lo, pick->hi);
		break;
	default:
		pk__buf_printf(&b, "random in %u-%u", pick->lo, pick->hi);
		break;
	}
	pk__protomask_format(pick->protos, tmp, sizeof tmp);
	if (r->why & PK_PICK_WHY_UNASSIGNED)
		pk__buf_printf(&b, "; unassigned for %s", tmp);
	else if (pick->reg == NULL)
		pk__buf_addstr(&b, "; registry not consulted");
	else
		pk__buf_addstr(&b, "; IANA assignments allowed");
	if (r->why & PK_PICK_WHY_NOT_UNOFFICIAL)
		pk__buf_addstr(&b, "; no known unofficial use");
	else if (pick->reg != NULL && !pick->reg_unofficial &&
		 !(pick->flags & PK_PICK_ALLOW_UNOFFICIAL))
		pk__buf_addstr(&b, "; unofficial uses unknown to this registry");
	if (r->why & PK_PICK_WHY_OS_EPHEMERAL) {
		pk__buf_addstr(&b, "; outside the ephemeral ranges of ");
		for (size_t i = 0; i < pick->nprofiles; i++)
			pk__buf_printf(&b, "%s%s", i > 0 ? "," : "",
				      pick->profiles[i]->id);
	}
	if (pick->flags & PK_PICK_NO_HOST_CHECK) {
		pk__buf_addstr(&b, "; this host not checked");
	} else {
		if (r->why & PK_PICK_WHY_HOST_RANGE)
			pk__buf_printf(&b, "; outside this host's range %u-%u",
				      pick->host.ephemeral_lo,
				      pick->host.ephemeral_hi);
		else
			pk__buf_addstr(&b, "; this host's range unknown");
		if (r->why & PK_PICK_WHY_HOST_RESERVED)
			pk__buf_addstr(&b, "; not reserved on this host");
		if (r->bound != 0)
			pk__buf_printf(&b, "; bindable now: %s",
				      bound_text(r->bound, tmp, sizeof tmp));
		if (pick->stats.unchecked != 0)
			pk__buf_printf(&b, "; not checkable here: %s",
				      bound_text(pick->stats.unchecked, tmp,
						 sizeof tmp));
	}
	if (pk__buf_terminate(&b) != PK_OK) {
		pk__buf_free(&b);
		if (size > 0)
			buf[0] = '\0';
		return 0;
	}
	need = b.len;
	if (size > 0) {
		size_t n = need < size - 1 ? need : size - 1;
		memcpy(buf, b.data, n);
		buf[n] = '\0';
	}
	pk__buf_free(&b);
	return need;
}

/* ---- what a pick was asked (for renderers) ------------------------------ */

void pk_pick_get_range(const pk_pick *pick, uint16_t *lo, uint16_t *hi)
{
	*lo = pick->lo;
	*hi = pick->hi;
}

unsigned pk_pick_get_protos(const pk_pick *pick)
{
	return pick->protos;
}

unsigned pk_pick_get_flags(const pk_pick *pick)
{
	return pick->flags;
}

bool pk_pick_get_near(const pk_pick *pick, uint16_t *port)
{
	*port = pick->mode == MODE_NEAR ? pick->near : 0;
	return pick->mode == MODE_NEAR;
}

const char *pk_pick_get_name(const pk_pick *pick)
{
	return pick->mode == MODE_NAME ? pick->name : NULL;
}

size_t pk_pick_get_avoided_os(const pk_pick *pick, const pk_os_profile **out,
			      size_t cap)
{
	for (size_t i = 0; i < pick->nprofiles && i < cap; i++)
		out[i] = pick->profiles[i];
	return pick->nprofiles;
}
