/* audit.c - does this host's ephemeral port range collide with the ports
 * its services use?  Findings (lib/core/finding.c) with their facts and
 * the exact fix as data: sysctl keys and values, with the merged,
 * normalised ip_local_reserved_ports list.  The words are the renderer's
 * (lib/render/finding.c).  portkit proposes settings; it never changes
 * them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/fmath.h"
#include "core/internal.h"

/* Bounds on what one finding lists: the detail is for people. */
#define LIST_MAX 8
/* Ports a finding lists (taken, reserved). */
#define PORTS_MAX 64
/* Outbound load against the usable ports: warning and error levels. */
#define LOAD_WARN 0.5
#define LOAD_ERROR 0.9
/* Fewer usable ports than this is a small range whatever the load. */
#define SMALL_RANGE 1024
/* The widened range the exhaustion fix proposes keeps the busiest
 * destination under this share (percent) of it. */
#define LOAD_TARGET_PCT 25
/* Longest reserved list a finding's own fix repeats: a long one is given
 * once, with the proposal (repeated in each of thousands of findings it
 * would cost quadratic time and memory). */
#define FIX_LIST_MAX 200

#define KEY_RESERVED "net.ipv4.ip_local_reserved_ports"
#define KEY_RANGE "net.ipv4.ip_local_port_range"
#define KEY_UNPRIV "net.ipv4.ip_unprivileged_port_start"
#define KEY_TW_REUSE "net.ipv4.tcp_tw_reuse"

/* The fix steps whose value is known only once every finding is. */
#define STEP_RESERVE "reserve-ports"
#define STEP_RANGE "set-port-range"
#define STEP_PERSIST "persist"

/* Codes, in the order findings of one severity are listed. */
enum {
	EPHEMERAL_PORT,
	EPHEMERAL_OVERLAP,
	PORT_TAKEN,
	EXHAUSTION,
	RESERVED_MOST,
	RANGE_INVALID,
	RANGE_PARITY,
	UNPRIV_IN_RANGE,
	IANA_OTHER,
	SQUATTING,
	DYNAMIC,
	NOT_SEEN
};

static const char *const codes[] = {
	[EPHEMERAL_PORT] = "ephemeral-port",
	[EPHEMERAL_OVERLAP] = "ephemeral-overlap",
	[PORT_TAKEN] = "port-taken",
	[EXHAUSTION] = "exhaustion",
	[RESERVED_MOST] = "reserved-most",
	[RANGE_INVALID] = "range-invalid",
	[RANGE_PARITY] = "range-parity",
	[UNPRIV_IN_RANGE] = "unprivileged-in-range",
	[IANA_OTHER] = "iana-other-service",
	[SQUATTING] = "squatting",
	[DYNAMIC] = "dynamic-range",
	[NOT_SEEN] = "not-seen",
};

struct pk_audit {
	pk_findings *findings;
	/* What the audit ran on, for its renderer: the settings copied, the
	 * other pointers the caller's. */
	pk_audit_input input;
	pk_host_portconf conf;
	bool have_range;
	uint16_t range_lo, range_hi;
	char *reserved; /* "" when unchanged */
	char *commands;
	char *snippet;
};

/* Working state of one run; on the heap for its port sets. */
typedef struct run {
	const pk_audit_input *in; /* &in_full */
	pk_audit_input in_full;   /* the caller's, whatever its size */
	pk_host_portconf conf_full;
	pk_audit *a;
	pk_findings *l;
	bool have_range;          /* a usable current range */
	uint16_t lo, hi;          /* the current range, normalised */
	uint16_t floor;           /* lowest port a proposed range may use */
	bool propose_range;
	bool grow;                /* the proposal widens the range */
	uint16_t plo, phi;
	bool new_reserved;        /* the proposal reserves more */
	pk_portset reserved;      /* current */
	pk_portset reserve_add;   /* the fix reserves these */
	pk_portset tcp_listen;    /* ports of TCP listeners */
	pk_portset udp_bound;     /* ports of bound UDP sockets */
	pk_portset expected;      /* every expected port */
	pk_portset tmp;           /* scratch */
} run;

void pk_audit_free(pk_audit *a)
{
	if (a == NULL)
		return;
	pk__findings_free(a->findings);
	free(a->reserved);
	free(a->commands);
	free(a->snippet);
	free(a);
}

/* ---- building findings --------------------------------------------------- */

static void start(run *r, unsigned code, pk_severity sev, uint32_t port,
		  pk_proto proto)
{
	pk__finding_add(r->l, codes[code], sev);
	pk__finding_order(r->l, code, port, proto);
}

/* The one transport of a mask, or PK_PROTO_NONE. */
static pk_proto single_proto(unsigned mask)
{
	if (mask != 0 && (mask & (mask - 1)) == 0)
		return (pk_proto)__builtin_ctz(mask);
	return PK_PROTO_NONE;
}

static void fact_range_of_host(run *r)
{
	pk__fact_range(r->l, "ephemeral_range", r->lo, r->hi);
}

/* The steps that reserve ports: the merged list, and the sysctl.d file
 * that keeps it across reboots. */
static void fix_reserve(run *r, uint16_t lo, uint16_t hi)
{
	pk__fix_reserve(r->l, STEP_RESERVE, lo, hi);
	pk__fix_file(r->l, STEP_PERSIST, false, PK_AUDIT_SNIPPET_PATH, NULL);
}

static void fix_range(run *r)
{
	pk__fix_sysctl(r->l, STEP_RANGE, false, KEY_RANGE, "");
	pk__fix_file(r->l, STEP_PERSIST, false, PK_AUDIT_SNIPPET_PATH, NULL);
}

/* ---- checks of the settings themselves --------------------------------- */

/* Makes a range's two ends differ in parity (see the parity finding):
 * by growing it one port when grow is set and it can, else by lowering its
 * upper end, as the kernel's 32768-60999 does. */
static void fix_parity(uint16_t *lo, uint16_t *hi, uint16_t floor, bool grow)
{
	if (*lo == *hi || ((*lo ^ *hi) & 1) != 0)
		return;
	if (grow && *hi < 65535)
		(*hi)++;
	else if (grow && *lo > floor)
		(*lo)--;
	else
		(*hi)--; /* same parity and lo < hi: hi - lo >= 2 */
}

static void check_range_config(run *r)
{
	const pk_host_portconf *c = r->in->conf;

	if (!c->have_range)
		return;
	uint16_t lo = c->ephemeral_lo, hi = c->ephemeral_hi;
	if (lo > hi || lo == 0) {
		start(r, RANGE_INVALID, PK_SEV_ERROR, 0, PK_PROTO_NONE);
		pk__fact_range(r->l, "port_range", lo, hi);
		pk__fact_string(r->l, "reason", lo == 0 ? "zero" : "reversed");
		fix_range(r);
		pk__fix_action(r->l, "order-range-ends", false);
		r->propose_range = true;
		r->plo = lo > hi ? hi : lo;
		r->phi = lo > hi ? lo : hi;
		if (r->plo == 0)
			r->plo = 1;
	} else if (lo < 1024 && !(c->have_unprivileged &&
				   c->unprivileged_start > lo)) {
		start(r, RANGE_INVALID, PK_SEV_WARNING, 0, PK_PROTO_NONE);
		pk__cite(r->l, "RFC 6335 §6");
		pk__fact_range(r->l, "port_range", lo, hi);
		pk__fact_string(r->l, "reason", "system-ports");
		pk__fact_range(r->l, "system_ports", 0, 1023);
		fix_range(r);
		pk__fix_action(r->l, "start-above-system-ports", false);
		r->propose_range = true;
		r->plo = r->floor;
		r->phi = hi < r->plo ? r->plo : hi;
	}
	if (!r->have_range)
		return;

	if (c->have_unprivileged && c->unprivileged_start > r->lo) {
		uint16_t u = c->unprivileged_start;
		char v[8];
		snprintf(v, sizeof v, "%u", r->lo);
		start(r, UNPRIV_IN_RANGE, PK_SEV_ERROR, 0, PK_PROTO_NONE);
		pk__fact_uint(r->l, "unprivileged_port_start", u);
		fact_range_of_host(r);
		pk__fact_range(r->l, "privileged", r->lo,
			       u - 1 < r->hi ? (uint16_t)(u - 1) : r->hi);
		pk__fact_bool(r->l, "inside", u <= r->hi);
		if (u <= r->hi) {
			fix_range(r);
			pk__fix_sysctl(r->l, "lower-unprivileged-start", true,
				       KEY_UNPRIV, v);
			r->propose_range = true;
			r->plo = u;
			r->phi = r->hi;
		} else {
			pk__fix_sysctl(r->l, "lower-unprivileged-start", false,
				       KEY_UNPRIV, v);
			pk__fix_action(r->l, "move-range-up", true);
		}
	}

	if (r->lo != r->hi && ((r->lo ^ r->hi) & 1) == 0) {
		uint16_t nlo = r->lo, nhi = r->hi;
		char v[16];
		fix_parity(&nlo, &nhi, r->floor, false);
		snprintf(v, sizeof v, "%u %u", nlo, nhi);
		start(r, RANGE_PARITY, PK_SEV_INFO, 0, PK_PROTO_NONE);
		fact_range_of_host(r);
		pk__fact_range(r->l, "kernel_default", 32768, 60999);
		pk__fix_sysctl(r->l, "fix-parity", false, KEY_RANGE, v);
		/* The fix is a proposal like any other: in the commands and
		 * the snippet too (finalize() evens the ends out). */
		pk__fix_file(r->l, STEP_PERSIST, false, PK_AUDIT_SNIPPET_PATH, NULL);
		if (!r->propose_range) {
			r->propose_range = true;
			r->plo = r->lo;
			r->phi = r->hi;
		}
	}
}

static char *format_set(const pk_portset *set)
{
	size_t need = pk_portset_format(set, NULL, 0);
	char *s = malloc(need + 1);

	if (s != NULL)
		pk_portset_format(set, s, need + 1);
	return s;
}

static pk_status check_reserved_most(run *r)
{
	if (!r->have_range)
		return PK_OK;
	uint32_t size = (uint32_t)r->hi - r->lo + 1;
	uint32_t res = pk_portset_count(&r->reserved, r->lo, r->hi);
	if (res * 2 < size || res == 0)
		return PK_OK;
	/* The reservations no known service needs are the ones to drop. */
	pk_portset *keep = &r->tmp;
	*keep = r->reserved;
	for (uint32_t p = r->lo; p <= r->hi; p++)
		if (pk_portset_contains(keep, (uint16_t)p) &&
		    !pk_portset_contains(&r->tcp_listen, (uint16_t)p) &&
		    !pk_portset_contains(&r->udp_bound, (uint16_t)p) &&
		    !pk_portset_contains(&r->expected, (uint16_t)p))
			pk_portset_remove(keep, (uint16_t)p);
	char *list = format_set(keep);
	if (list == NULL)
		return PK_NOMEM;
	start(r, RESERVED_MOST, res == size ? PK_SEV_ERROR : PK_SEV_WARNING, 0,
	      PK_PROTO_NONE);
	fact_range_of_host(r);
	pk__fact_uint(r->l, "range_size", size);
	pk__fact_uint(r->l, "reserved_count", res);
	pk__fact_ports(r->l, "reserved", &r->reserved, r->lo, r->hi, PORTS_MAX);
	pk__fact_uint(r->l, "usable_count", size - res);
	pk__fix_sysctl(r->l, "reserve-only-used", false, KEY_RESERVED, list);
	pk__fix_action(r->l, "widen-port-range", true);
	free(list);
	return PK_OK;
}

/* ---- services inside the ephemeral range -------------------------------- */

static bool in_range(const run *r, uint16_t port)
{
	return r->have_range && port >= r->lo && port <= r->hi;
}

/* The expected entry naming (proto, port), if any. */
static const pk_expect *expected_for(const run *r, pk_proto proto,
				     uint16_t port)
{
	const pk_expect_list *l = r->in->expect;
	size_t n = l ? pk_expect_count(l) : 0;

	for (size_t i = 0; i < n; i++) {
		const pk_expect *e = pk_expect_get(l, i);
		if (port >= e->lo && port <= e->hi &&
		    (e->protos == 0 || (e->protos & PK_PROTOMASK(proto))))
			return e;
	}
	return NULL;
}

static void fact_expected(run *r, const pk_expect *e)
{
	pk__fact_string(r->l, "label", e != NULL ? e->label : "");
	pk__fact_string(r->l, "declared_at", e != NULL ? e->origin : "");
}

/* One finding per listened (transport, port) inside the range. */
static void check_listeners(run *r)
{
	const pk_host_sockets *s = r->in->sockets;
	size_t n = s ? pk_host_sockets_count(s) : 0;

	for (size_t i = 0; i < n;) {
		const pk_socket *k = pk_host_sockets_get(s, i);
		size_t j = i + 1;
		while (j < n && pk_host_sockets_get(s, j)->proto == k->proto &&
		       pk_host_sockets_get(s, j)->port == k->port)
			j++;
		if (!in_range(r, k->port) ||
		    pk_portset_contains(&r->reserved, k->port)) {
			i = j;
			continue;
		}
		const pk_expect *e = expected_for(r, k->proto, k->port);
		/* A bound UDP socket in the range is as often a client that
		 * got its port automatically as a service: say so, and
		 * reserve it only when declared. */
		bool serious = k->proto != PK_PROTO_UDP || e != NULL;
		start(r, EPHEMERAL_PORT, serious ? PK_SEV_WARNING : PK_SEV_INFO,
		      k->port, k->proto);
		pk__fact_uint(r->l, "port", k->port);
		pk__fact_protos(r->l, "protocols", PK_PROTOMASK(k->proto));
		fact_range_of_host(r);
		pk__fact_bool(r->l, "listening", true);
		fact_expected(r, e);
		pk__fact_list(r->l, "sockets", PK_FACT_SOCKET);
		for (size_t m = i; m < j && m < i + LIST_MAX; m++)
			pk__fact_socket(r->l, "sockets", pk_host_sockets_get(s, m));
		pk__fact_uint(r->l, "socket_count", j - i);
		if (serious) {
			fix_reserve(r, k->port, k->port);
			pk__fix_action(r->l, "move-service", true);
			pk_portset_add(&r->reserve_add, k->port);
		} else {
			pk__fix_action(r->l, "declare-expected", false);
		}
		i = j;
	}
}

/* Is any socket listening on (proto, port)?  protos 0 means either. */
static bool listened(const run *r, unsigned protos, uint16_t port)
{
	return ((protos == 0 || (protos & PK_PROTOMASK(PK_PROTO_TCP))) &&
		pk_portset_contains(&r->tcp_listen, port)) ||
	       ((protos == 0 || (protos & PK_PROTOMASK(PK_PROTO_UDP))) &&
		pk_portset_contains(&r->udp_bound, port));
}

static void check_expected(run *r)
{
	const pk_expect_list *l = r->in->expect;
	const pk_host_sockets *s = r->in->sockets;
	size_t n = l ? pk_expect_count(l) : 0;

	for (size_t i = 0; i < n; i++) {
		const pk_expect *e = pk_expect_get(l, i);
		pk_proto one = single_proto(e->protos);
		bool overlaps = r->have_range && e->hi >= r->lo && e->lo <= r->hi;
		uint16_t olo = overlaps && e->lo > r->lo ? e->lo : r->lo;
		uint16_t ohi = overlaps && e->hi < r->hi ? e->hi : r->hi;

		/* Ports of the entry an outgoing connection holds now. */
		pk_portset *taken = &r->tmp;
		pk_portset_clear(taken);
		uint32_t ntaken = 0;
		if (s != NULL) {
			for (int p = PK_PROTO_TCP; p <= PK_PROTO_UDP; p++) {
				if (e->protos != 0 && !(e->protos & PK_PROTOMASK(p)))
					continue;
				const pk_portset *out =
					pk_host_sockets_outbound_ports(s, (pk_proto)p);
				for (int32_t q = pk_portset_next(out, e->lo);
				     q >= 0 && q <= e->hi;
				     q = pk_portset_next(out, (uint32_t)q + 1))
					if (!listened(r, e->protos, (uint16_t)q) &&
					    !pk_portset_contains(taken, (uint16_t)q)) {
						pk_portset_add(taken, (uint16_t)q);
						ntaken++;
					}
			}
		}
		if (ntaken > 0) {
			start(r, PORT_TAKEN, PK_SEV_ERROR, e->lo, one);
			pk__fact_range(r->l, "expected", e->lo, e->hi);
			pk__fact_protos(r->l, "protocols", e->protos);
			fact_expected(r, e);
			pk__fact_ports(r->l, "taken", taken, e->lo, e->hi, PORTS_MAX);
			pk__fact_uint(r->l, "taken_count", ntaken);
			/* What the range overlap reserves (the finding below)
			 * also frees this port for good. */
			if (overlaps)
				fix_reserve(r, olo, ohi);
			pk__fix_action(r->l, "restart-holder", false);
		}

		if (!overlaps)
			continue;
		uint32_t overlap = (uint32_t)ohi - olo + 1;
		uint32_t unreserved = overlap - pk_portset_count(&r->reserved, olo, ohi);
		if (unreserved == 0)
			continue;
		/* A single expected port that is listening now was reported
		 * with its sockets already. */
		if (e->lo == e->hi && listened(r, e->protos, e->lo))
			continue;
		pk_portset_add_range(&r->reserve_add, olo, ohi);
		if (e->lo == e->hi) {
			start(r, EPHEMERAL_PORT, PK_SEV_WARNING, e->lo, one);
			pk__fact_uint(r->l, "port", e->lo);
			pk__fact_protos(r->l, "protocols", e->protos);
			fact_range_of_host(r);
			pk__fact_bool(r->l, "listening", false);
			fact_expected(r, e);
			pk__fact_list(r->l, "sockets", PK_FACT_SOCKET);
			pk__fact_uint(r->l, "socket_count", 0);
			fix_reserve(r, olo, ohi);
			pk__fix_action(r->l, "move-service", true);
		} else {
			start(r, EPHEMERAL_OVERLAP, PK_SEV_WARNING, e->lo, one);
			pk__fact_range(r->l, "expected", e->lo, e->hi);
			pk__fact_protos(r->l, "protocols", e->protos);
			fact_expected(r, e);
			fact_range_of_host(r);
			pk__fact_range(r->l, "overlap", olo, ohi);
			pk__fact_uint(r->l, "overlap_count", overlap);
			pk__fact_uint(r->l, "unreserved_count", unreserved);
			/* A large part of the range: moving it (or the
			 * services) cures better than reserving. */
			pk__fact_bool(r->l, "overlap_large",
				      (uint64_t)overlap * 4 > (uint64_t)r->hi - r->lo + 1);
			fix_reserve(r, olo, ohi);
			pk__fix_action(r->l, "move-range", true);
		}
	}
}

/* ---- outbound load -------------------------------------------------------- */

/* Usable ports of [lo, hi] for connect(): not reserved, not held (NULL:
 * no set of held ports). */
static uint32_t usable(const run *r, uint16_t lo, uint16_t hi,
		       const pk_portset *held)
{
	uint32_t n = 0;

	for (uint32_t p = lo; p <= hi; p++)
		if (!pk_portset_contains(&r->reserved, (uint16_t)p) &&
		    (held == NULL || !pk_portset_contains(held, (uint16_t)p)))
			n++;
	return n;
}

/* Grows the range (as proposed so far) upwards to 65535, then downwards
 * to the floor, until target ports are usable; false when even the widest
 * range is short. */
static bool widen(const run *r, uint32_t target, uint16_t *plo, uint16_t *phi)
{
	uint16_t lo = r->propose_range ? r->plo : r->lo;
	uint16_t hi = r->propose_range ? r->phi : r->hi;
	uint32_t have = usable(r, lo, hi, &r->tcp_listen);

	while (have < target && hi < 65535) {
		hi++;
		have += !pk_portset_contains(&r->reserved, hi) &&
			!pk_portset_contains(&r->tcp_listen, hi);
	}
	while (have < target && lo > r->floor) {
		lo--;
		have += !pk_portset_contains(&r->reserved, lo) &&
			!pk_portset_contains(&r->tcp_listen, lo);
	}
	*plo = lo;
	*phi = hi;
	return have >= target;
}

static void check_load(run *r)
{
	const pk_host_sockets *s = r->in->sockets;

	if (!r->have_range || s == NULL)
		return;

	/* TCP: connect() may reuse a local port for another destination,
	 * so the limit is per destination (address and port). */
	uint32_t cap = usable(r, r->lo, r->hi, &r->tcp_listen);
	uint32_t size = (uint32_t)r->hi - r->lo + 1;
	uint32_t reserved = pk_portset_count(&r->reserved, r->lo, r->hi);
	const pk_dest_load *top = NULL;
	for (size_t i = 0; i < pk_host_sockets_dest_count(s); i++) {
		const pk_dest_load *dl = pk_host_sockets_dest(s, i);
		if (dl->proto == PK_PROTO_TCP) {
			top = dl;
			break;
		}
	}
	uint32_t busiest = top ? top->count : 0;
	double ratio = cap ? (double)busiest / cap : (busiest ? 1.0 : 0.0);
	pk_severity sev;
	bool report = true;
	if (ratio >= LOAD_ERROR || cap == 0)
		sev = PK_SEV_ERROR;
	else if (ratio >= LOAD_WARN || cap < SMALL_RANGE)
		sev = PK_SEV_WARNING;
	else if (busiest > 0)
		sev = PK_SEV_INFO;
	else
		report = false;
	if (report) {
		start(r, EXHAUSTION, sev, 0, PK_PROTO_TCP);
		pk__fact_proto(r->l, "protocol", PK_PROTO_TCP);
		fact_range_of_host(r);
		pk__fact_uint(r->l, "range_size", size);
		pk__fact_uint(r->l, "reserved_count", reserved);
		pk__fact_uint(r->l, "listener_count", size - reserved - cap);
		pk__fact_uint(r->l, "usable_count", cap);
		pk__fact_uint(r->l, "busiest_count", busiest);
		/* The busiest first. */
		pk__fact_list(r->l, "destinations", PK_FACT_DEST);
		size_t shown = 0;
		for (size_t i = 0; i < pk_host_sockets_dest_count(s) && shown < 5; i++) {
			const pk_dest_load *dl = pk_host_sockets_dest(s, i);
			if (dl->proto != PK_PROTO_TCP)
				continue;
			pk__fact_dest(r->l, "destinations", dl);
			shown++;
		}
		if (sev >= PK_SEV_WARNING) {
			/* Enough for the load, and not a small range any more:
			 * the fix must clear this finding. */
			uint32_t want = (uint32_t)pk__ceil(busiest * 100.0 / LOAD_TARGET_PCT);
			if (want < SMALL_RANGE)
				want = SMALL_RANGE;
			uint16_t plo, phi;
			bool enough = widen(r, want, &plo, &phi);
			if (plo != r->lo || phi != r->hi) {
				pk__fact_uint(r->l, "target_usable", want);
				pk__fact_uint(r->l, "target_share_pct", LOAD_TARGET_PCT);
				pk__fact_bool(r->l, "target_reached", enough);
				fix_range(r);
				pk__fix_action(r->l, "widened-range", false);
				r->propose_range = true;
				r->grow = true;
				r->plo = plo;
				r->phi = phi;
			}
			pk__fix_action(r->l, "reuse-connections", false);
			pk__fix_sysctl(r->l, "tcp-tw-reuse", false, KEY_TW_REUSE, "1");
		}
	}

	/* UDP: a local port is not shared between sockets at all. */
	pk_portset *used = &r->tmp;
	*used = *pk_host_sockets_outbound_ports(s, PK_PROTO_UDP);
	pk_portset_union(used, &r->udp_bound);
	uint32_t ucap = usable(r, r->lo, r->hi, NULL);
	uint32_t uused = 0;
	for (uint32_t p = r->lo; p <= r->hi; p++)
		uused += pk_portset_contains(used, (uint16_t)p) &&
			 !pk_portset_contains(&r->reserved, (uint16_t)p);
	double uratio = ucap ? (double)uused / ucap : 0.0;
	if (ucap > 0 && uratio >= LOAD_WARN) {
		start(r, EXHAUSTION, uratio >= LOAD_ERROR ? PK_SEV_ERROR : PK_SEV_WARNING,
		      0, PK_PROTO_UDP);
		pk__fact_proto(r->l, "protocol", PK_PROTO_UDP);
		fact_range_of_host(r);
		pk__fact_uint(r->l, "used_count", uused);
		pk__fact_uint(r->l, "usable_count", ucap);
		pk__fix_action(r->l, "widen-port-range", false);
		pk__fix_action(r->l, "reuse-sockets", true);
	}
}

/* ---- the registry: what the port number suggests ------------------------ */

/* Does a process name look like a service name?  "sshd" is ssh, "postgres"
 * postgresql: one is a prefix of the other, for names of 3+ letters. */
static bool names_match(const char *comm, const char *name)
{
	size_t a = strlen(comm), b = strlen(name);
	size_t n = a < b ? a : b;

	if (n < 3 && a != b)
		return false;
	return pk__strncasecmp(comm, name, n) == 0;
}

static bool record_matches(const pk_registry *reg, const pk_record *rec,
			   const char *who)
{
	if (rec->name != NULL && names_match(who, rec->name))
		return true;
	for (uint32_t i = 0; i < rec->alias_count; i++) {
		const char *al = pk_record_alias(reg, rec->id, i);
		if (al != NULL && names_match(who, al))
			return true;
	}
	return false;
}

/* The services IANA assigns (proto, port) to, by the port-use rule, at
 * most cap; whether the process name or the admin's label for the port
 * matches one of them. */
static size_t assigned_records(const pk_registry *reg, pk_proto proto,
			       uint16_t port, const char *who,
			       const char *label, pk_recid *out, size_t cap,
			       bool *match)
{
	pk_recid ids[32];
	size_t n = pk_port_services(reg, port, proto, PK_ORIGINMASK_IANA, ids, 32);
	size_t count = 0;

	*match = false;
	for (size_t i = 0; i < n && i < 32 && count < cap; i++) {
		pk_record rec;
		if (pk_record_get(reg, ids[i], &rec, NULL) != PK_OK)
			continue;
		if ((who != NULL && record_matches(reg, &rec, who)) ||
		    (label != NULL && record_matches(reg, &rec, label)))
			*match = true;
		out[count++] = ids[i];
	}
	return count;
}

static void fact_listener(run *r, const pk_socket *k, const pk_socket *owner)
{
	pk__fact_string(r->l, "process", owner ? owner->comm : "");
	if (owner != NULL)
		pk__fact_uint(r->l, "pid", (uint64_t)owner->pid);
	pk__fact_uint(r->l, "port", k->port);
	pk__fact_proto(r->l, "protocol", k->proto);
}

static void check_registry(run *r)
{
	const pk_host_sockets *s = r->in->sockets;
	const pk_registry *reg = r->in->reg;
	size_t n = s ? pk_host_sockets_count(s) : 0;

	for (size_t i = 0; i < n;) {
		const pk_socket *k = pk_host_sockets_get(s, i);
		size_t j = i + 1;
		const pk_socket *owner = k->pid ? k : NULL;
		while (j < n && pk_host_sockets_get(s, j)->proto == k->proto &&
		       pk_host_sockets_get(s, j)->port == k->port) {
			if (owner == NULL && pk_host_sockets_get(s, j)->pid)
				owner = pk_host_sockets_get(s, j);
			j++;
		}
		i = j;
		const pk_expect *e = expected_for(r, k->proto, k->port);
		/* A UDP socket in the ephemeral range is likely a client's
		 * automatic port: nothing to say about its number. */
		if (k->proto == PK_PROTO_UDP && in_range(r, k->port) && e == NULL)
			continue;
		if (owner != NULL && owner->comm[0] == '\0')
			owner = NULL;

		if (pk_port_class_of(k->port) == PK_CLASS_DYNAMIC) {
			start(r, DYNAMIC, PK_SEV_INFO, k->port, k->proto);
			pk__cite(r->l, "RFC 6335 §6");
			fact_listener(r, k, owner);
			pk__fact_range(r->l, "dynamic_ports", 49152, 65535);
			continue;
		}
		if (reg == NULL)
			continue;
		pk_recid ids[32];
		bool match = false;
		size_t count = assigned_records(reg, k->proto, k->port,
						owner ? owner->comm : NULL,
						e != NULL && e->label[0] ? e->label : NULL,
						ids, 32, &match);
		if (!pk_port_is_assigned(reg, k->port, k->proto) &&
		    pk_port_class_of(k->port) == PK_CLASS_USER) {
			start(r, SQUATTING, PK_SEV_INFO, k->port, k->proto);
			pk__cite(r->l, "RFC 7605");
			fact_listener(r, k, owner);
			pk__fix_action(r->l, "keep-private-or-request", false);
		} else if (count > 0 && owner != NULL && !match) {
			start(r, IANA_OTHER, PK_SEV_INFO, k->port, k->proto);
			pk__cite(r->l, "RFC 7605");
			fact_listener(r, k, owner);
			pk__fact_list(r->l, "services", PK_FACT_STRING);
			for (size_t m = 0; m < count; m++) {
				pk_record rec;
				if (pk_record_get(reg, ids[m], &rec, NULL) == PK_OK)
					pk__fact_string(r->l, "services", rec.name);
			}
			pk__fact_list(r->l, "records", PK_FACT_RECORD);
			for (size_t m = 0; m < count; m++)
				pk__fact_record(r->l, "records", ids[m]);
		}
	}
}

/* ---- what could not be seen ------------------------------------------- */

static void check_visibility(run *r)
{
	const pk_host_portconf *c = r->in->conf;
	const pk_host_sockets *s = r->in->sockets;

	if (!c->have_range) {
		start(r, NOT_SEEN, PK_SEV_INFO, 0, PK_PROTO_NONE);
		pk__fact_string(r->l, "subject", "ip_local_port_range");
		pk__fix_action(r->l, "check-proc", false);
	}
	if (!c->have_reserved) {
		start(r, NOT_SEEN, PK_SEV_INFO, 0, PK_PROTO_NONE);
		pk__fact_string(r->l, "subject", "ip_local_reserved_ports");
	}
	if (s == NULL)
		return;
	pk_host_sockets_info info;
	pk_host_sockets_get_info(s, &info);
	if (info.missing) {
		static const char *const names[] = { "tcp", "tcp6", "udp", "udp6" };
		start(r, NOT_SEEN, PK_SEV_INFO, 0, PK_PROTO_NONE);
		pk__fact_string(r->l, "subject", "socket_tables");
		pk__fact_list(r->l, "tables_missing", PK_FACT_STRING);
		for (unsigned t = 0; t < 4; t++)
			if (info.missing & (1u << t))
				pk__fact_string(r->l, "tables_missing", names[t]);
		pk__fact_string(r->l, "source", info.source);
		pk__fix_action(r->l, "check-ipv6", false);
	}
	if (info.owners_unknown > 0) {
		start(r, NOT_SEEN, PK_SEV_INFO, 0, PK_PROTO_NONE);
		pk__fact_string(r->l, "subject", "socket_owners");
		pk__fact_uint(r->l, "owners_unknown", info.owners_unknown);
		pk__fact_uint(r->l, "socket_count", pk_host_sockets_count(s));
		pk__fact_string(r->l, "reason",
				info.procs_truncated ? "scan-bounded" :
				info.procs_denied > 0 ? "permission" :
							"not-visible");
		pk__fact_uint(r->l, "processes_denied", info.procs_denied);
		if (info.procs_denied > 0)
			pk__fix_action(r->l, "run-as-root", false);
	}
}

/* ---- proposals, fixes -------------------------------------------------- */

typedef struct fill {
	const run *r;
	const char *reserved; /* the merged list; NULL: too long to repeat */
	const char *range;    /* "LO HI" of the proposal */
	const char *snippet;  /* NULL: too long to repeat */
} fill;

/* The steps of one finding once every finding is known: the merged
 * values filled in, and what changes nothing dropped. */
static bool fill_step(void *ctx, pk_fix *steps, size_t n, size_t i)
{
	const fill *f = ctx;
	pk_fix *x = &steps[i];

	if (x->kind == PK_FIX_RESERVE) {
		x->key = KEY_RESERVED;
		x->value = f->reserved;
		return f->r->new_reserved;
	}
	if (x->kind == PK_FIX_SYSCTL && strcmp(x->code, STEP_RANGE) == 0) {
		x->value = f->range;
		return f->r->a->have_range;
	}
	if (x->kind == PK_FIX_FILE && strcmp(x->code, STEP_PERSIST) == 0) {
		x->value = f->snippet;
		/* Only beside a setting this finding changes. */
		for (size_t k = 0; k < n; k++)
			if ((steps[k].kind == PK_FIX_RESERVE && f->r->new_reserved) ||
			    (steps[k].kind == PK_FIX_SYSCTL &&
			     (strcmp(steps[k].code, STEP_RANGE) == 0 ||
			      strcmp(steps[k].code, "fix-parity") == 0) &&
			     f->r->a->have_range))
				return true;
		return false;
	}
	return true;
}

static pk_status finalize(run *r)
{
	pk_audit *a = r->a;
	pk_status st = PK_OK;
	pk_buf cmds, snip;

	pk__buf_init(&cmds, 1 << 20);
	pk__buf_init(&snip, 1 << 20);

	if (r->propose_range) {
		fix_parity(&r->plo, &r->phi, r->floor, r->grow);
		/* Listeners and expected ports the new range takes in need the
		 * same protection as those inside the old one. */
		for (uint32_t p = r->plo; p <= r->phi; p++)
			if (!in_range(r, (uint16_t)p) &&
			    (pk_portset_contains(&r->tcp_listen, (uint16_t)p) ||
			     pk_portset_contains(&r->expected, (uint16_t)p)) &&
			    !pk_portset_contains(&r->reserved, (uint16_t)p))
				pk_portset_add(&r->reserve_add, (uint16_t)p);
		a->have_range = r->plo != r->in->conf->ephemeral_lo ||
				r->phi != r->in->conf->ephemeral_hi;
		a->range_lo = r->plo;
		a->range_hi = r->phi;
	}
	/* Reserving also what is reserved already changes nothing. */
	for (size_t w = 0; w < 65536 / 64; w++)
		if (r->reserve_add.bits[w] & ~r->reserved.bits[w])
			r->new_reserved = true;
	pk_portset *merged = &r->tmp;
	*merged = r->reserved;
	pk_portset_union(merged, &r->reserve_add);
	a->reserved = r->new_reserved ? format_set(merged) : strdup("");
	if (a->reserved == NULL) {
		st = PK_NOMEM;
		goto out;
	}

	/* Reserve first: a wider range must not hand out a listener's port
	 * in between. */
	if (r->new_reserved)
		st = pk__buf_printf(&cmds, "sysctl -w " KEY_RESERVED "=%s\n",
				    a->reserved);
	if (st == PK_OK && a->have_range)
		st = pk__buf_printf(&cmds, "sysctl -w " KEY_RANGE "=\"%u %u\"\n",
				    a->range_lo, a->range_hi);
	if (st == PK_OK && (r->new_reserved || a->have_range)) {
		st = pk__buf_addstr(&snip,
				    "# " PK_AUDIT_SNIPPET_PATH " - proposed by portkit.\n"
				    "# Apply with: sysctl -p " PK_AUDIT_SNIPPET_PATH "\n");
		if (st == PK_OK && r->new_reserved)
			st = pk__buf_printf(&snip,
					    "# Keep service ports out of the kernel's automatic (ephemeral) choice;\n"
					    "# this list also covers IPv6.\n"
					    KEY_RESERVED " = %s\n",
					    a->reserved);
		if (st == PK_OK && a->have_range)
			st = pk__buf_printf(&snip, KEY_RANGE " = %u %u\n",
					    a->range_lo, a->range_hi);
	}
	if (st == PK_OK)
		st = pk__buf_terminate(&cmds);
	if (st == PK_OK)
		st = pk__buf_terminate(&snip);
	if (st != PK_OK)
		goto out;
	a->commands = cmds.data;
	a->snippet = snip.data;
	cmds.data = snip.data = NULL;

	char range[16];
	snprintf(range, sizeof range, "%u %u", a->range_lo, a->range_hi);
	bool repeat = strlen(a->reserved) <= FIX_LIST_MAX;
	fill f = {
		.r = r,
		.reserved = repeat ? pk__findings_strdup(r->l, a->reserved) : NULL,
		.range = pk__findings_strdup(r->l, range),
		.snippet = repeat ? pk__findings_strdup(r->l, a->snippet) : NULL,
	};
	pk__findings_edit_fixes(r->l, fill_step, &f);
out:
	pk__buf_free(&cmds);
	pk__buf_free(&snip);
	return st;
}

/* The first pk_host_portconf with a size field ended with reserved: no
 * caller has less. */
#define PORTCONF_MIN_SIZE (offsetof(pk_host_portconf, reserved) + sizeof(pk_portset))

pk_status pk_audit_run_(const pk_audit_input *in_arg, size_t in_size,
			pk_audit **out, pk_error *err)
{
	run *r = NULL;
	pk_audit *a = NULL;
	pk_status st;

	*out = NULL;
	pk__error_clear(err);
	if (in_arg == NULL)
		return pk__error_set(err, PK_INVAL, "audit: no input given");
	r = calloc(1, sizeof *r);
	a = calloc(1, sizeof *a);
	if (r == NULL || a == NULL || (a->findings = pk__findings_new()) == NULL) {
		st = PK_NOMEM;
		goto fail;
	}
	/* The input and the settings come from a caller perhaps built
	 * against an older header: read no further than it has, and see
	 * zeros beyond. */
	pk__copy_in(&r->in_full, sizeof r->in_full, in_arg, in_size);
	const pk_host_portconf *cin = r->in_full.conf;
	if (cin == NULL || cin->size < PORTCONF_MIN_SIZE) {
		free(r);
		pk_audit_free(a);
		if (cin == NULL)
			return pk__error_set(err, PK_INVAL, "audit: no host settings given");
		return pk__error_set(err, PK_INVAL,
				    "audit: host settings of size %zu, expected at least %zu "
				    "(fill them with pk_host_portconf_read, or set size)",
				    cin->size, (size_t)PORTCONF_MIN_SIZE);
	}
	pk__copy_in(&r->conf_full, sizeof r->conf_full, cin, cin->size);
	r->conf_full.size = sizeof r->conf_full;
	r->in_full.conf = &r->conf_full;
	r->in = &r->in_full;
	const pk_audit_input *in = r->in;
	r->a = a;
	r->l = a->findings;
	const pk_host_portconf *c = in->conf;
	if (c->have_reserved)
		r->reserved = c->reserved;
	r->floor = 1024;
	if (c->have_unprivileged && c->unprivileged_start > r->floor)
		r->floor = c->unprivileged_start;
	if (c->have_range && c->ephemeral_lo > 0) {
		r->have_range = true;
		r->lo = c->ephemeral_lo < c->ephemeral_hi ? c->ephemeral_lo : c->ephemeral_hi;
		r->hi = c->ephemeral_lo < c->ephemeral_hi ? c->ephemeral_hi : c->ephemeral_lo;
	}
	if (in->sockets != NULL)
		for (size_t i = 0; i < pk_host_sockets_count(in->sockets); i++) {
			const pk_socket *k = pk_host_sockets_get(in->sockets, i);
			pk_portset_add(k->proto == PK_PROTO_TCP ? &r->tcp_listen :
								  &r->udp_bound,
				       k->port);
		}
	if (in->expect != NULL)
		for (size_t i = 0; i < pk_expect_count(in->expect); i++) {
			const pk_expect *e = pk_expect_get(in->expect, i);
			pk_portset_add_range(&r->expected, e->lo, e->hi);
		}

	check_range_config(r);
	if ((st = check_reserved_most(r)) != PK_OK)
		goto fail;
	check_listeners(r);
	check_expected(r);
	check_load(r);
	check_registry(r);
	check_visibility(r);
	if ((st = finalize(r)) != PK_OK)
		goto fail;
	pk__findings_sort(r->l);
	if ((st = pk__findings_finish(r->l)) != PK_OK)
		goto fail;
	a->conf = r->conf_full;
	a->input = r->in_full;
	a->input.conf = &a->conf;
	free(r);
	*out = a;
	return PK_OK;
fail:
	free(r);
	pk_audit_free(a);
	return pk__error_set(err, st, "audit: %s", pk_strerror(st));
}

const pk_audit_input *pk_audit_get_input(const pk_audit *a)
{
	return &a->input;
}

size_t pk_audit_count(const pk_audit *a)
{
	return pk__findings_count(a->findings);
}

const pk_finding *pk_audit_get(const pk_audit *a, size_t i)
{
	return pk__findings_get(a->findings, i);
}

size_t pk_audit_count_severity(const pk_audit *a, pk_severity sev)
{
	size_t n = 0;

	for (size_t i = 0; i < pk_audit_count(a); i++)
		n += pk_finding_severity(pk_audit_get(a, i)) == sev;
	return n;
}

bool pk_audit_proposed_range(const pk_audit *a, uint16_t *lo, uint16_t *hi)
{
	if (a->have_range) {
		*lo = a->range_lo;
		*hi = a->range_hi;
	}
	return a->have_range;
}

const char *pk_audit_proposed_reserved(const pk_audit *a)
{
	return a->reserved;
}

const char *pk_audit_sysctl_commands(const pk_audit *a)
{
	return a->commands;
}

const char *pk_audit_sysctl_snippet(const pk_audit *a)
{
	return a->snippet;
}

pk_status pk_audit_write_sysctl(const pk_audit *a, const char *path,
				pk_error *err)
{
	if (a->snippet[0] == '\0')
		return pk__error_set(err, PK_NOTFOUND,
				    "%s: not written: no setting needs changing", path);
	/* The snippet's first two lines name its place: FILE, not the
	 * default one, so that "sysctl -p" in it applies what it holds. */
	const char *body = strchr(a->snippet, '\n');
	body = body != NULL ? strchr(body + 1, '\n') : NULL;
	body = body != NULL ? body + 1 : a->snippet;
	/* A path with a line break must not end the comment. */
	char *shown = strdup(path);
	if (shown == NULL)
		return pk__error_set(err, PK_NOMEM, "%s: %s", path, pk_strerror(PK_NOMEM));
	for (char *p = shown; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	pk_buf b;
	pk__buf_init(&b, 1 << 20);
	pk_status st = pk__buf_printf(&b, "# %s - proposed by portkit.\n# Apply with: sysctl -p %s\n",
				     shown, shown);
	free(shown);
	if (st == PK_OK)
		st = pk__buf_addstr(&b, body);
	if (st == PK_OK)
		st = pk__write_file_atomic(path, b.data, b.len, 0644, err);
	else
		st = pk__error_set(err, st, "%s: %s", path, pk_strerror(st));
	pk__buf_free(&b);
	return st;
}
