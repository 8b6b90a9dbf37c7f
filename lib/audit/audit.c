/* audit.c - does this host's ephemeral port range collide with the ports
 * its services use?  Findings with severity, evidence and the exact fix:
 * sysctl lines with the merged, normalised ip_local_reserved_ports list.
 * portkit proposes settings; it never changes them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/fmath.h"
#include "core/internal.h"

/* Bounds on what one finding lists: the evidence is for people. */
#define LIST_MAX 8
/* Outbound load against the usable ports: warning and error levels. */
#define LOAD_WARN 0.5
#define LOAD_ERROR 0.9
/* Fewer usable ports than this is a small range whatever the load. */
#define SMALL_RANGE 1024
/* The widened range the exhaustion fix proposes keeps the busiest
 * destination under this share of it. */
#define LOAD_TARGET 0.25
/* Longest reserved list a finding's own fix repeats. */
#define FIX_LIST_MAX 200
/* Where the snippet is suggested to go. */
#define SNIPPET_PATH "/etc/sysctl.d/60-portkit.conf"

/* Commands a finding's fix starts with, filled in once every finding is
 * known (the reserved list is merged over all of them). */
#define FIX_RESERVE 0x1u
#define FIX_RANGE 0x2u

typedef struct item {
	pk_audit_finding f;
	char *summary;
	char *evidence;
	char *fix_text; /* after the commands */
	char *fix;      /* the whole fix */
	unsigned cmds;  /* FIX_* */
} item;

struct pk_audit {
	item *items;
	size_t n, cap;
	pk_audit_finding *view; /* items[i].f, most severe first */
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
	bool have_range;          /* a usable current range */
	uint16_t lo, hi;          /* the current range, normalised */
	uint16_t floor;           /* lowest port a proposed range may use */
	bool propose_range;
	bool grow;                /* the proposal widens the range */
	uint16_t plo, phi;
	pk_portset reserved;      /* current */
	pk_portset reserve_add;   /* the fix reserves these */
	pk_portset tcp_listen;    /* ports of TCP listeners */
	pk_portset udp_bound;     /* ports of bound UDP sockets */
	pk_portset expected;      /* every expected port */
	pk_portset tmp, tmp2;     /* scratch */
} run;

static const char *const kind_names[PK_FIND_KIND_COUNT_] = {
	[PK_FIND_EPHEMERAL_PORT] = "ephemeral-port",
	[PK_FIND_EPHEMERAL_OVERLAP] = "ephemeral-overlap",
	[PK_FIND_PORT_TAKEN] = "port-taken",
	[PK_FIND_EXHAUSTION] = "exhaustion",
	[PK_FIND_RESERVED_MOST] = "reserved-most",
	[PK_FIND_RANGE_INVALID] = "range-invalid",
	[PK_FIND_RANGE_PARITY] = "range-parity",
	[PK_FIND_UNPRIV_IN_RANGE] = "unprivileged-in-range",
	[PK_FIND_IANA_OTHER] = "iana-other-service",
	[PK_FIND_SQUATTING] = "squatting",
	[PK_FIND_DYNAMIC] = "dynamic-range",
	[PK_FIND_NOT_SEEN] = "not-seen",
};

const char *pk_audit_kind_name(pk_audit_kind kind)
{
	if ((unsigned)kind >= PK_FIND_KIND_COUNT_)
		return "unknown";
	return kind_names[kind];
}

void pk_audit_free(pk_audit *a)
{
	if (a == NULL)
		return;
	for (size_t i = 0; i < a->n; i++) {
		free(a->items[i].summary);
		free(a->items[i].evidence);
		free(a->items[i].fix_text);
		free(a->items[i].fix);
	}
	free(a->items);
	free(a->view);
	free(a->reserved);
	free(a->commands);
	free(a->snippet);
	free(a);
}

/* ---- building findings --------------------------------------------------- */

typedef struct draft {
	pk_audit_kind kind;
	pk_severity sev;
	pk_proto proto;
	bool has_port;
	uint16_t lo, hi;
	unsigned cmds;
	pk_buf summary, evidence, fix;
} draft;

static void draft_init(draft *d, pk_audit_kind kind, pk_severity sev)
{
	memset(d, 0, sizeof *d);
	d->kind = kind;
	d->sev = sev;
	pk__buf_init(&d->summary, 1 << 16);
	pk__buf_init(&d->evidence, 1 << 16);
	pk__buf_init(&d->fix, 1 << 16);
}

static void draft_free(draft *d)
{
	pk__buf_free(&d->summary);
	pk__buf_free(&d->evidence);
	pk__buf_free(&d->fix);
}

/* Takes the text of d (freed either way). */
static pk_status emit(run *r, draft *d)
{
	pk_audit *a = r->a;
	pk_status st = PK_OK;

	if ((st = pk__buf_terminate(&d->summary)) != PK_OK ||
	    (st = pk__buf_terminate(&d->evidence)) != PK_OK ||
	    (st = pk__buf_terminate(&d->fix)) != PK_OK)
		goto out;
	if (a->n == a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 16;
		item *p = realloc(a->items, cap * sizeof *p);
		if (p == NULL) {
			st = PK_NOMEM;
			goto out;
		}
		a->items = p;
		a->cap = cap;
	}
	item *it = &a->items[a->n++];
	memset(it, 0, sizeof *it);
	it->f.kind = d->kind;
	it->f.severity = d->sev;
	it->f.proto = d->proto;
	it->f.has_port = d->has_port;
	it->f.port_lo = d->lo;
	it->f.port_hi = d->hi;
	it->cmds = d->cmds;
	it->summary = d->summary.data;
	it->evidence = d->evidence.data;
	it->fix_text = d->fix.data;
	d->summary.data = d->evidence.data = d->fix.data = NULL;
out:
	draft_free(d);
	return st;
}

/* Accumulates the first error of a sequence of pk_buf calls. */
#define ADD(st, call)                  \
	do {                           \
		if ((st) == PK_OK)     \
			(st) = (call); \
	} while (0)

static const char *range_text(uint16_t lo, uint16_t hi, char *buf, size_t size)
{
	if (lo == hi)
		snprintf(buf, size, "%u", lo);
	else
		snprintf(buf, size, "%u-%u", lo, hi);
	return buf;
}

/* "12.5%", and "<0.1%" rather than a misleading "0.0%". */
static const char *pct(double ratio, char *buf, size_t size)
{
	if (ratio > 0 && ratio < 0.0005)
		snprintf(buf, size, "<0.1%%");
	else
		snprintf(buf, size, "%.1f%%", 100.0 * ratio);
	return buf;
}

/* "tcp 0.0.0.0:40000 (java, pid 42)" */
static pk_status describe_socket(pk_buf *b, const pk_socket *k)
{
	char addr[64];
	pk_status st = PK_OK;

	pk_addr_format(k->family, k->addr, addr, sizeof addr);
	ADD(st, pk__buf_printf(b, k->family == 6 ? "%s [%s]:%u" : "%s %s:%u",
			      pk_proto_name(k->proto), addr, k->port));
	if (k->dual_stack)
		ADD(st, pk__buf_addstr(b, " (IPv4 too)"));
	if (k->pid != 0)
		ADD(st, pk__buf_printf(b, ", process %s (pid %d, uid %u)",
				      k->comm[0] ? k->comm : "?", k->pid, k->uid));
	else
		ADD(st, pk__buf_printf(b, ", uid %u, process not visible", k->uid));
	return st;
}

/* Up to LIST_MAX ports of set within [lo, hi], as a normalised list. */
static pk_status list_ports(pk_buf *b, const pk_portset *set, uint16_t lo,
			    uint16_t hi, pk_portset *tmp)
{
	char buf[256];
	int32_t p = pk_portset_next(set, lo);
	size_t n = 0;

	pk_portset_clear(tmp);
	while (p >= 0 && p <= hi && n < 64) {
		pk_portset_add(tmp, (uint16_t)p);
		n++;
		p = pk_portset_next(set, (uint32_t)p + 1);
	}
	size_t need = pk_portset_format(tmp, buf, sizeof buf);
	pk_status st = pk__buf_addstr(b, buf);
	if (st == PK_OK && (need >= sizeof buf || (p >= 0 && p <= hi)))
		st = pk__buf_addstr(b, ",...");
	return st;
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


static pk_status check_range_config(run *r)
{
	const pk_host_portconf *c = r->in->conf;
	char rt[32];
	pk_status st = PK_OK;
	draft d;

	if (!c->have_range)
		return PK_OK;
	uint16_t lo = c->ephemeral_lo, hi = c->ephemeral_hi;
	if (lo > hi || lo == 0) {
		draft_init(&d, PK_FIND_RANGE_INVALID, PK_SEV_ERROR);
		ADD(st, pk__buf_printf(&d.summary,
				      "ip_local_port_range \"%u %u\" is invalid",
				      lo, hi));
		ADD(st, pk__buf_printf(&d.evidence,
				      "net.ipv4.ip_local_port_range = %u %u: %s; the kernel refuses to set it (EINVAL, net/ipv4/sysctl_net_ipv4.c ipv4_local_port_range).",
				      lo, hi,
				      lo == 0 ? "the lower end is 0, the kernel's minimum is 1" :
						"the lower end is above the upper end"));
		ADD(st, pk__buf_addstr(&d.fix,
				      "Set the range with its lower end first."));
		d.cmds = FIX_RANGE;
		r->propose_range = true;
		r->plo = lo > hi ? hi : lo;
		r->phi = lo > hi ? lo : hi;
		if (r->plo == 0)
			r->plo = 1;
		if ((st = emit(r, &d)) != PK_OK)
			return st;
	} else if (lo < 1024 && !(c->have_unprivileged &&
				   c->unprivileged_start > lo)) {
		draft_init(&d, PK_FIND_RANGE_INVALID, PK_SEV_WARNING);
		ADD(st, pk__buf_printf(&d.summary,
				      "ip_local_port_range %s reaches into the System ports (below 1024)",
				      range_text(lo, hi, rt, sizeof rt)));
		ADD(st, pk__buf_printf(&d.evidence,
				      "net.ipv4.ip_local_port_range = %u %u: outgoing connections may take ports 0-1023, which well-known services (RFC 6335 System ports) expect to find free.",
				      lo, hi));
		ADD(st, pk__buf_addstr(&d.fix,
				      "Start the range at 1024 or above."));
		d.cmds = FIX_RANGE;
		r->propose_range = true;
		r->plo = r->floor;
		r->phi = hi < r->plo ? r->plo : hi;
		if ((st = emit(r, &d)) != PK_OK)
			return st;
	}
	if (!r->have_range)
		return PK_OK;

	if (c->have_unprivileged && c->unprivileged_start > r->lo) {
		uint16_t u = c->unprivileged_start;
		draft_init(&d, PK_FIND_UNPRIV_IN_RANGE, PK_SEV_ERROR);
		ADD(st, pk__buf_printf(&d.summary,
				      "ip_unprivileged_port_start %u is %s ip_local_port_range %s",
				      u, u <= r->hi ? "inside" : "above",
				      range_text(r->lo, r->hi, rt, sizeof rt)));
		ADD(st, pk__buf_printf(&d.evidence,
				      "Ports %u-%u are privileged (below net.ipv4.ip_unprivileged_port_start = %u) and ephemeral at once; the kernel refuses this combination (ipv4_local_port_range and ipv4_privileged_ports in net/ipv4/sysctl_net_ipv4.c require the range to start at or above it).",
				      r->lo, u - 1 < r->hi ? u - 1 : r->hi, u));
		if (u <= r->hi) {
			ADD(st, pk__buf_printf(&d.fix,
					      "Or lower the privileged limit instead: sysctl -w net.ipv4.ip_unprivileged_port_start=%u",
					      r->lo));
			d.cmds = FIX_RANGE;
			r->propose_range = true;
			r->plo = u;
			r->phi = r->hi;
		} else {
			ADD(st, pk__buf_printf(&d.fix,
					      "sysctl -w net.ipv4.ip_unprivileged_port_start=%u\n"
					      "(or move ip_local_port_range above %u)",
					      r->lo, u - 1));
		}
		if ((st = emit(r, &d)) != PK_OK)
			return st;
	}

	if (r->lo != r->hi && ((r->lo ^ r->hi) & 1) == 0) {
		uint16_t nlo = r->lo, nhi = r->hi;
		fix_parity(&nlo, &nhi, r->floor, false);
		draft_init(&d, PK_FIND_RANGE_PARITY, PK_SEV_INFO);
		ADD(st, pk__buf_printf(&d.summary,
				      "ip_local_port_range %s: both ends have the same parity",
				      range_text(r->lo, r->hi, rt, sizeof rt)));
		ADD(st, pk__buf_addstr(&d.evidence,
				      "Linux gives connect() the even ports of the range first and bind(0) the odd ones (net/ipv4/inet_hashtables.c __inet_hash_connect, inet_connection_sock.c inet_csk_find_open_port) and logs \"ip_local_port_range: prefer different parity for start/end values\" for a range like this one; the kernel's own default, 32768 60999, has one even and one odd end."));
		ADD(st, pk__buf_printf(&d.fix,
				      "sysctl -w net.ipv4.ip_local_port_range=\"%u %u\"",
				      nlo, nhi));
		if ((st = emit(r, &d)) != PK_OK)
			return st;
	}
	return st;
}

static pk_status check_reserved_most(run *r)
{
	char rt[32], pc[16];
	pk_status st = PK_OK;
	draft d;

	if (!r->have_range)
		return PK_OK;
	uint32_t size = (uint32_t)r->hi - r->lo + 1;
	uint32_t res = pk_portset_count(&r->reserved, r->lo, r->hi);
	if (res * 2 < size || res == 0)
		return PK_OK;
	draft_init(&d, PK_FIND_RESERVED_MOST,
		   res == size ? PK_SEV_ERROR : PK_SEV_WARNING);
	ADD(st, pk__buf_printf(&d.summary,
			      "ip_local_reserved_ports covers %u of the %u ports of ip_local_port_range %s (%s)",
			      res, size, range_text(r->lo, r->hi, rt, sizeof rt),
			      pct((double)res / size, pc, sizeof pc)));
	ADD(st, pk__buf_addstr(&d.evidence, "Reserved inside the range: "));
	ADD(st, list_ports(&d.evidence, &r->reserved, r->lo, r->hi, &r->tmp));
	ADD(st, pk__buf_printf(&d.evidence,
			      "\nOnly %u ports are left for outgoing connections and bind(0)%s.",
			      size - res,
			      res == size ? ": connect() fails with EADDRNOTAVAIL" : ""));
	/* The reservations no known service needs are the ones to drop. */
	pk_portset *keep = &r->tmp;
	*keep = r->reserved;
	for (uint32_t p = r->lo; p <= r->hi; p++)
		if (pk_portset_contains(keep, (uint16_t)p) &&
		    !pk_portset_contains(&r->tcp_listen, (uint16_t)p) &&
		    !pk_portset_contains(&r->udp_bound, (uint16_t)p) &&
		    !pk_portset_contains(&r->expected, (uint16_t)p))
			pk_portset_remove(keep, (uint16_t)p);
	char *list = NULL;
	size_t need = pk_portset_format(keep, NULL, 0);
	if (st == PK_OK && (list = malloc(need + 1)) == NULL)
		st = PK_NOMEM;
	if (st == PK_OK) {
		pk_portset_format(keep, list, need + 1);
		ADD(st, pk__buf_printf(&d.fix,
				      "Reserve only the ports services here use (declare others with --expect so they are kept), e.g.\n"
				      "sysctl -w net.ipv4.ip_local_reserved_ports=%s\n"
				      "or widen net.ipv4.ip_local_port_range.",
				      list));
	}
	free(list);
	if (st != PK_OK) {
		draft_free(&d);
		return st;
	}
	return emit(r, &d);
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

/* One finding per listened (transport, port) inside the range. */
static pk_status check_listeners(run *r)
{
	const pk_host_sockets *s = r->in->sockets;
	size_t n = s ? pk_host_sockets_count(s) : 0;
	char rt[32];
	pk_status st = PK_OK;

	for (size_t i = 0; i < n && st == PK_OK;) {
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
		bool udp = k->proto == PK_PROTO_UDP;
		/* A bound UDP socket in the range is as often a client that
		 * got its port automatically as a service: say so, and
		 * reserve it only when declared. */
		bool serious = !udp || e != NULL;
		draft d;
		draft_init(&d, PK_FIND_EPHEMERAL_PORT,
			   serious ? PK_SEV_WARNING : PK_SEV_INFO);
		d.proto = k->proto;
		d.has_port = true;
		d.lo = d.hi = k->port;
		ADD(st, pk__buf_printf(&d.summary,
				      "%s port %u/%s is inside the ephemeral range %s and not reserved",
				      udp ? "bound" : "listening", k->port,
				      pk_proto_name(k->proto),
				      range_text(r->lo, r->hi, rt, sizeof rt)));
		for (size_t m = i; m < j && m < i + LIST_MAX; m++) {
			ADD(st, pk__buf_addstr(&d.evidence, m == i ? "" : "\n"));
			ADD(st, describe_socket(&d.evidence, pk_host_sockets_get(s, m)));
		}
		if (j - i > LIST_MAX)
			ADD(st, pk__buf_printf(&d.evidence, "\n... and %zu more sockets",
					      j - i - LIST_MAX));
		if (e != NULL && e->label[0])
			ADD(st, pk__buf_printf(&d.evidence, "\nExpected as '%s' (%s).",
					      e->label, e->origin));
		if (serious) {
			ADD(st, pk__buf_printf(&d.evidence,
					      "\nWhile it runs the port is safe; when it restarts, an outgoing connection may hold %u first and bind() fails with EADDRINUSE.",
					      k->port));
			ADD(st, pk__buf_printf(&d.fix,
					      "(or move the service outside %s)",
					      range_text(r->lo, r->hi, rt, sizeof rt)));
			d.cmds = FIX_RESERVE;
			pk_portset_add(&r->reserve_add, k->port);
		} else {
			ADD(st, pk__buf_printf(&d.evidence,
					      "\nA UDP socket here may be a client whose port the kernel chose; if it is a service, it can lose %u to an outgoing connection when it restarts.",
					      k->port));
			ADD(st, pk__buf_printf(&d.fix,
					      "If it is a service: portkit audit --expect %u/udp, then apply the fix it prints.",
					      k->port));
		}
		if (st != PK_OK) {
			draft_free(&d);
			break;
		}
		st = emit(r, &d);
		i = j;
	}
	return st;
}

/* Is any socket listening on (proto, port)?  protos 0 means either. */
static bool listened(const run *r, unsigned protos, uint16_t port)
{
	return ((protos == 0 || (protos & PK_PROTOMASK(PK_PROTO_TCP))) &&
		pk_portset_contains(&r->tcp_listen, port)) ||
	       ((protos == 0 || (protos & PK_PROTOMASK(PK_PROTO_UDP))) &&
		pk_portset_contains(&r->udp_bound, port));
}

static pk_status check_expected(run *r)
{
	const pk_expect_list *l = r->in->expect;
	const pk_host_sockets *s = r->in->sockets;
	size_t n = l ? pk_expect_count(l) : 0;
	char rt[32], et[32], pt[32];
	pk_status st = PK_OK;

	for (size_t i = 0; i < n && st == PK_OK; i++) {
		const pk_expect *e = pk_expect_get(l, i);
		const char *lab = e->label[0] ? e->label : NULL;
		range_text(e->lo, e->hi, et, sizeof et);
		/* "/tcp,udp" after the port; nothing for any transport. */
		pt[0] = '/';
		pk__protomask_format(e->protos, pt + 1, sizeof pt - 1);
		if (pt[1] == '\0')
			pt[0] = '\0';

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
			draft d;
			draft_init(&d, PK_FIND_PORT_TAKEN, PK_SEV_ERROR);
			if (e->protos != 0 && (e->protos & (e->protos - 1)) == 0)
				d.proto = (pk_proto)__builtin_ctz(e->protos);
			d.has_port = true;
			d.lo = e->lo;
			d.hi = e->hi;
			ADD(st, pk__buf_printf(&d.summary,
					      "expected %s%s%s%s%s: %u port%s held by outgoing connections right now",
					      e->lo == e->hi ? "port " : "ports ", et, pt,
					      lab ? " " : "", lab ? lab : "", ntaken,
					      ntaken == 1 ? " is" : "s are"));
			ADD(st, pk__buf_addstr(&d.evidence, "Taken: "));
			ADD(st, list_ports(&d.evidence, taken, e->lo, e->hi, &r->tmp2));
			ADD(st, pk__buf_printf(&d.evidence,
					      "\nA service binding %s now fails with EADDRINUSE until those connections close. Declared at %s.",
					      e->lo == e->hi ? "it" : "them", e->origin));
			ADD(st, pk__buf_addstr(&d.fix,
					      "Reserve it so the kernel stops handing it out, then restart what holds it:"));
			ADD(st, pk__buf_printf(&d.fix, "\nss -tanp 'sport = :%u'", e->lo));
			d.cmds = FIX_RESERVE;
			if (st != PK_OK) {
				draft_free(&d);
				break;
			}
			if ((st = emit(r, &d)) != PK_OK)
				break;
		}

		if (!r->have_range || e->hi < r->lo || e->lo > r->hi)
			continue;
		uint16_t olo = e->lo > r->lo ? e->lo : r->lo;
		uint16_t ohi = e->hi < r->hi ? e->hi : r->hi;
		uint32_t overlap = (uint32_t)ohi - olo + 1;
		uint32_t unreserved = overlap - pk_portset_count(&r->reserved, olo, ohi);
		if (unreserved == 0)
			continue;
		/* A single expected port that is listening now was reported
		 * with its sockets already. */
		if (e->lo == e->hi && listened(r, e->protos, e->lo))
			continue;
		pk_portset_add_range(&r->reserve_add, olo, ohi);
		draft d;
		draft_init(&d, e->lo == e->hi ? PK_FIND_EPHEMERAL_PORT :
						 PK_FIND_EPHEMERAL_OVERLAP,
			   PK_SEV_WARNING);
		d.has_port = true;
		d.lo = e->lo;
		d.hi = e->hi;
		if (e->protos != 0 && (e->protos & (e->protos - 1)) == 0)
			d.proto = (pk_proto)__builtin_ctz(e->protos);
		d.cmds = FIX_RESERVE;
		range_text(r->lo, r->hi, rt, sizeof rt);
		if (e->lo == e->hi) {
			ADD(st, pk__buf_printf(&d.summary,
					      "expected port %s%s%s%s is inside the ephemeral range %s and not reserved",
					      et, pt, lab ? " " : "", lab ? lab : "", rt));
			ADD(st, pk__buf_printf(&d.evidence,
					      "Declared at %s; not listening now. When the service starts, an outgoing connection may hold %u and bind() fails with EADDRINUSE.",
					      e->origin, e->lo));
		} else {
			ADD(st, pk__buf_printf(&d.summary,
					      "expected range %s%s%s%s overlaps the ephemeral range %s in %u ports",
					      et, pt, lab ? " " : "", lab ? lab : "", rt,
					      overlap));
			ADD(st, pk__buf_printf(&d.evidence,
					      "Declared at %s. Overlap %s, of which %u ports are not reserved: outgoing connections can take any of them before the services that need them.",
					      e->origin, range_text(olo, ohi, et, sizeof et),
					      unreserved));
			if ((uint64_t)overlap * 4 > (uint64_t)r->hi - r->lo + 1)
				ADD(st, pk__buf_addstr(&d.evidence,
						      " The overlap is a large part of the range: moving the range (or the services) is the better cure than reserving it."));
		}
		ADD(st, pk__buf_printf(&d.fix, "(or move %s outside %s)",
				      e->lo == e->hi ? "the service" : "the range",
				      rt));
		if (st != PK_OK) {
			draft_free(&d);
			break;
		}
		st = emit(r, &d);
	}
	return st;
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

static pk_status check_load(run *r)
{
	const pk_host_sockets *s = r->in->sockets;
	char rt[32], addr[64], pc[16];
	pk_status st = PK_OK;

	if (!r->have_range || s == NULL)
		return PK_OK;
	range_text(r->lo, r->hi, rt, sizeof rt);

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
		draft d;
		draft_init(&d, PK_FIND_EXHAUSTION, sev);
		d.proto = PK_PROTO_TCP;
		if (busiest > 0) {
			pk_addr_format(top->family, top->addr, addr, sizeof addr);
			ADD(st, pk__buf_printf(&d.summary,
					      "busiest destination %s%s%s:%u uses %u of %u usable ephemeral ports (%s)",
					      top->family == 6 ? "[" : "", addr,
					      top->family == 6 ? "]" : "", top->port,
					      busiest, cap, pct(ratio, pc, sizeof pc)));
		} else {
			ADD(st, pk__buf_printf(&d.summary,
					      "ephemeral range %s leaves only %u usable ports for outgoing TCP connections",
					      rt, cap));
		}
		ADD(st, pk__buf_printf(&d.evidence,
				      "ip_local_port_range %s: %u ports, %u reserved, %u held by listeners; %u usable. Each destination (address and port) can have one connection per usable port; then connect() fails with EADDRNOTAVAIL.",
				      rt, size, reserved, size - reserved - cap, cap));
		size_t shown = 0;
		for (size_t i = 0; i < pk_host_sockets_dest_count(s) && shown < 5; i++) {
			const pk_dest_load *dl = pk_host_sockets_dest(s, i);
			if (dl->proto != PK_PROTO_TCP)
				continue;
			pk_addr_format(dl->family, dl->addr, addr, sizeof addr);
			ADD(st, pk__buf_printf(&d.evidence,
					      "\n  %s%s%s:%u: %u connections (%u in TIME_WAIT), %s of usable",
					      dl->family == 6 ? "[" : "", addr,
					      dl->family == 6 ? "]" : "", dl->port,
					      dl->count, dl->time_wait,
					      pct(cap ? (double)dl->count / cap : 1.0, pc,
						  sizeof pc)));
			shown++;
		}
		if (sev >= PK_SEV_WARNING) {
			/* Enough for the load, and not a small range any more:
			 * the fix must clear this finding. */
			uint32_t want = (uint32_t)pk__ceil(busiest / LOAD_TARGET);
			if (want < SMALL_RANGE)
				want = SMALL_RANGE;
			uint16_t plo, phi;
			bool enough = widen(r, want, &plo, &phi);
			if (plo != r->lo || phi != r->hi) {
				d.cmds = FIX_RANGE;
				r->propose_range = true;
				r->grow = true;
				r->plo = plo;
				r->phi = phi;
				ADD(st, pk__buf_printf(&d.fix,
						      "This widens the range to %s%u usable ports, so the busiest destination uses at most %.0f%% of them; listeners it takes in are added to the reserved list.\n",
						      enough ? "" : "as many as it can, short of ", want,
						      100 * LOAD_TARGET));
			}
			ADD(st, pk__buf_addstr(&d.fix,
					      "Also: reuse connections (keep-alive, pools), spread them over more source addresses (IP_BIND_ADDRESS_NO_PORT), and when most are in TIME_WAIT, sysctl -w net.ipv4.tcp_tw_reuse=1."));
		}
		if (st != PK_OK) {
			draft_free(&d);
			return st;
		}
		if ((st = emit(r, &d)) != PK_OK)
			return st;
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
		draft d;
		draft_init(&d, PK_FIND_EXHAUSTION,
			   uratio >= LOAD_ERROR ? PK_SEV_ERROR : PK_SEV_WARNING);
		d.proto = PK_PROTO_UDP;
		ADD(st, pk__buf_printf(&d.summary,
				      "UDP sockets hold %u of %u usable ephemeral ports (%s)",
				      uused, ucap, pct(uratio, pc, sizeof pc)));
		ADD(st, pk__buf_printf(&d.evidence,
				      "ip_local_port_range %s. A UDP port is not shared between destinations: once all are bound, bind(0) and connect() fail with EAGAIN/EADDRINUSE.",
				      rt));
		ADD(st, pk__buf_addstr(&d.fix,
				      "Widen net.ipv4.ip_local_port_range, or have clients reuse their sockets."));
		if (st != PK_OK) {
			draft_free(&d);
			return st;
		}
		st = emit(r, &d);
	}
	return st;
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

/* The services IANA assigns (proto, port) to, by the port-use rule, as
 * "a, b"; whether the process name or the admin's label for the port
 * matches one of them. */
static pk_status assigned_names(const pk_registry *reg, pk_proto proto,
				uint16_t port, const char *who,
				const char *label, pk_buf *names, bool *match,
				size_t *count)
{
	pk_recid ids[32];
	size_t n = pk_port_services(reg, port, proto, PK_ORIGINMASK_IANA, ids, 32);
	pk_status st = PK_OK;

	*match = false;
	*count = 0;
	for (size_t i = 0; i < n && i < 32; i++) {
		pk_record rec;
		if (pk_record_get(reg, ids[i], &rec, NULL) != PK_OK)
			continue;
		if ((who != NULL && record_matches(reg, &rec, who)) ||
		    (label != NULL && record_matches(reg, &rec, label)))
			*match = true;
		ADD(st, pk__buf_printf(names, "%s%s", *count ? ", " : "", rec.name));
		(*count)++;
	}
	return st;
}

static pk_status check_registry(run *r)
{
	const pk_host_sockets *s = r->in->sockets;
	const pk_registry *reg = r->in->reg;
	size_t n = s ? pk_host_sockets_count(s) : 0;
	pk_status st = PK_OK;

	for (size_t i = 0; i < n && st == PK_OK;) {
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
		const char *proto = pk_proto_name(k->proto);
		draft d;

		if (pk_port_class_of(k->port) == PK_CLASS_DYNAMIC) {
			draft_init(&d, PK_FIND_DYNAMIC, PK_SEV_INFO);
			d.proto = k->proto;
			d.has_port = true;
			d.lo = d.hi = k->port;
			ADD(st, pk__buf_printf(&d.summary,
					      "%s on %u/%s, in the Dynamic/Private range 49152-65535",
					      owner ? owner->comm : "a listener", k->port,
					      proto));
			ADD(st, pk__buf_addstr(&d.evidence,
					      "IANA never assigns these ports (RFC 6335 section 6): fine for private use, but Windows, macOS, FreeBSD and IANA's own recommendation use this range for outgoing connections, so the same service elsewhere can collide with them."));
			if (st != PK_OK || (st = emit(r, &d)) != PK_OK)
				break;
			continue;
		}
		if (reg == NULL)
			continue;
		pk_buf names;
		pk__buf_init(&names, 1 << 12);
		bool match = false;
		size_t count = 0;
		const char *who = owner ? owner->comm : NULL;
		if (who != NULL && who[0] == '\0')
			who = NULL;
		st = assigned_names(reg, k->proto, k->port, who,
				    e != NULL && e->label[0] ? e->label : NULL,
				    &names, &match, &count);
		if (st == PK_OK &&
		    !pk_port_is_assigned(reg, k->port, k->proto) &&
		    pk_port_class_of(k->port) == PK_CLASS_USER) {
			draft_init(&d, PK_FIND_SQUATTING, PK_SEV_INFO);
			d.proto = k->proto;
			d.has_port = true;
			d.lo = d.hi = k->port;
			ADD(st, pk__buf_printf(&d.summary,
					      "%s on %u/%s, a User port IANA has not assigned",
					      who ? who : "a listener", k->port, proto));
			ADD(st, pk__buf_addstr(&d.evidence,
					      "Using an unassigned User port without registering it is squatting (RFC 7605): IANA may assign it to another service later."));
			ADD(st, pk__buf_addstr(&d.fix,
					      "Keep it private, or request an assignment from IANA (portkit advise)."));
			if (st == PK_OK)
				st = emit(r, &d);
			else
				draft_free(&d);
		} else if (st == PK_OK && count > 0 && who != NULL && !match) {
			draft_init(&d, PK_FIND_IANA_OTHER, PK_SEV_INFO);
			d.proto = k->proto;
			d.has_port = true;
			d.lo = d.hi = k->port;
			ADD(st, pk__buf_printf(&d.summary,
					      "%s listens on %u/%s, which IANA assigns to %s",
					      who, k->port, proto, names.data));
			ADD(st, pk__buf_printf(&d.evidence,
					      "Process %s (pid %d) is not %s by name. A port number is only a hint of the service behind it (RFC 7605): clients and firewalls that go by the number will assume %s.",
					      who, owner->pid, names.data, names.data));
			if (st == PK_OK)
				st = emit(r, &d);
			else
				draft_free(&d);
		}
		pk__buf_free(&names);
	}
	return st;
}

/* ---- what could not be seen ------------------------------------------- */

static pk_status note(run *r, const char *summary, const char *evidence,
		      const char *fix)
{
	draft d;
	pk_status st = PK_OK;

	draft_init(&d, PK_FIND_NOT_SEEN, PK_SEV_INFO);
	ADD(st, pk__buf_addstr(&d.summary, summary));
	ADD(st, pk__buf_addstr(&d.evidence, evidence));
	ADD(st, pk__buf_addstr(&d.fix, fix));
	if (st != PK_OK) {
		draft_free(&d);
		return st;
	}
	return emit(r, &d);
}

static pk_status check_visibility(run *r)
{
	const pk_host_portconf *c = r->in->conf;
	const pk_host_sockets *s = r->in->sockets;
	pk_status st = PK_OK;
	char buf[512];

	if (!c->have_range)
		st = note(r, "ip_local_port_range could not be read",
			  "Without the ephemeral range, no collision can be checked.",
			  "Check that /proc/sys/net/ipv4 is mounted and readable (PROC_ROOT).");
	if (st == PK_OK && !c->have_reserved)
		st = note(r, "ip_local_reserved_ports could not be read",
			  "Taken as empty: every port of the range counts as unreserved.", "");
	if (st != PK_OK || s == NULL)
		return st;
	pk_host_sockets_info info;
	pk_host_sockets_get_info(s, &info);
	if (info.missing) {
		snprintf(buf, sizeof buf, "Socket tables not read:%s%s%s%s (source: %s).",
			 info.missing & PK_SOCKTAB_TCP4 ? " tcp" : "",
			 info.missing & PK_SOCKTAB_TCP6 ? " tcp6" : "",
			 info.missing & PK_SOCKTAB_UDP4 ? " udp" : "",
			 info.missing & PK_SOCKTAB_UDP6 ? " udp6" : "",
			 info.source);
		st = note(r, "some socket tables could not be read", buf,
			  "IPv6 may be disabled; otherwise check /proc/net.");
	}
	if (st == PK_OK && info.owners_unknown > 0) {
		int n = snprintf(buf, sizeof buf,
				 "%u of %zu listed sockets have no known process: ",
				 info.owners_unknown, pk_host_sockets_count(s));
		if (info.procs_truncated)
			snprintf(buf + n, sizeof buf - (size_t)n,
				 "the process scan stopped at its bound.");
		else if (info.procs_denied > 0)
			snprintf(buf + n, sizeof buf - (size_t)n,
				 "%u processes' descriptors could not be read.",
				 info.procs_denied);
		else
			snprintf(buf + n, sizeof buf - (size_t)n,
				 "no process visible here holds them (another PID namespace, e.g. a container, or the kernel itself).");
		st = note(r, "owners of some sockets are not visible", buf,
			  info.procs_denied ? "Run as root (or with CAP_SYS_PTRACE) to see every owner." :
					      "");
	}
	return st;
}

/* ---- proposals, fixes, order --------------------------------------------- */

static char *format_set(const pk_portset *set)
{
	size_t need = pk_portset_format(set, NULL, 0);
	char *s = malloc(need + 1);

	if (s != NULL)
		pk_portset_format(set, s, need + 1);
	return s;
}

static pk_status finalize(run *r)
{
	pk_audit *a = r->a;
	pk_status st = PK_OK;
	pk_buf cmds, snip, fix;

	pk__buf_init(&cmds, 1 << 20);
	pk__buf_init(&snip, 1 << 20);
	pk__buf_init(&fix, 1 << 20);

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
	bool new_reserved = false;
	for (size_t w = 0; w < 65536 / 64; w++)
		if (r->reserve_add.bits[w] & ~r->reserved.bits[w])
			new_reserved = true;
	pk_portset *merged = &r->tmp;
	*merged = r->reserved;
	pk_portset_union(merged, &r->reserve_add);
	a->reserved = new_reserved ? format_set(merged) : strdup("");
	if (a->reserved == NULL) {
		st = PK_NOMEM;
		goto out;
	}

	/* Reserve first: a wider range must not hand out a listener's port
	 * in between. */
	if (new_reserved)
		ADD(st, pk__buf_printf(&cmds, "sysctl -w net.ipv4.ip_local_reserved_ports=%s\n",
				      a->reserved));
	if (a->have_range)
		ADD(st, pk__buf_printf(&cmds, "sysctl -w net.ipv4.ip_local_port_range=\"%u %u\"\n",
				      a->range_lo, a->range_hi));
	if (new_reserved || a->have_range) {
		ADD(st, pk__buf_addstr(&snip,
				      "# " SNIPPET_PATH " - proposed by `portkit audit`.\n"
				      "# Apply with: sysctl -p " SNIPPET_PATH "\n"));
		if (new_reserved)
			ADD(st, pk__buf_printf(&snip,
					      "# Keep service ports out of the kernel's automatic (ephemeral) choice;\n"
					      "# this list also covers IPv6.\n"
					      "net.ipv4.ip_local_reserved_ports = %s\n",
					      a->reserved));
		if (a->have_range)
			ADD(st, pk__buf_printf(&snip, "net.ipv4.ip_local_port_range = %u %u\n",
					      a->range_lo, a->range_hi));
	}
	ADD(st, pk__buf_terminate(&cmds));
	ADD(st, pk__buf_terminate(&snip));
	if (st != PK_OK)
		goto out;
	a->commands = cmds.data;
	a->snippet = snip.data;
	cmds.data = snip.data = NULL;

	for (size_t i = 0; i < a->n && st == PK_OK; i++) {
		item *it = &a->items[i];
		fix.len = 0;
		/* A long list is printed once, with the proposal: repeated in
		 * each of thousands of findings it would cost quadratic time
		 * and memory. */
		if ((it->cmds & FIX_RESERVE) && new_reserved && strlen(a->reserved) <= FIX_LIST_MAX)
			ADD(st, pk__buf_printf(&fix, "sysctl -w net.ipv4.ip_local_reserved_ports=%s\n",
					      a->reserved));
		else if ((it->cmds & FIX_RESERVE) && new_reserved)
			ADD(st, pk__buf_addstr(&fix,
					      "Apply the merged net.ipv4.ip_local_reserved_ports list of the proposed settings (too long to repeat here).\n"));
		if ((it->cmds & FIX_RANGE) && a->have_range)
			ADD(st, pk__buf_printf(&fix, "sysctl -w net.ipv4.ip_local_port_range=\"%u %u\"\n",
					      a->range_lo, a->range_hi));
		if (it->cmds && (new_reserved || a->have_range))
			ADD(st, pk__buf_addstr(&fix,
					      "To keep it across reboots: portkit audit --write-sysctl " SNIPPET_PATH " (same options)\n"));
		ADD(st, pk__buf_addstr(&fix, it->fix_text));
		ADD(st, pk__buf_terminate(&fix));
		/* No trailing newline. */
		while (st == PK_OK && fix.len > 0 && fix.data[fix.len - 1] == '\n')
			fix.data[--fix.len] = '\0';
		if (st == PK_OK && (it->fix = strdup(fix.data)) == NULL)
			st = PK_NOMEM;
		it->f.summary = it->summary;
		it->f.evidence = it->evidence;
		it->f.fix = it->fix;
	}
out:
	pk__buf_free(&cmds);
	pk__buf_free(&snip);
	pk__buf_free(&fix);
	return st;
}

static int cmp_finding(const void *pa, const void *pb)
{
	const pk_audit_finding *a = pa, *b = pb;

	if (a->severity != b->severity)
		return a->severity > b->severity ? -1 : 1;
	if (a->kind != b->kind)
		return a->kind < b->kind ? -1 : 1;
	if (a->port_lo != b->port_lo)
		return a->port_lo < b->port_lo ? -1 : 1;
	return (int)a->proto - (int)b->proto;
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
	if (r == NULL || a == NULL) {
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
		free(a);
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

	if ((st = check_range_config(r)) != PK_OK ||
	    (st = check_reserved_most(r)) != PK_OK ||
	    (st = check_listeners(r)) != PK_OK ||
	    (st = check_expected(r)) != PK_OK ||
	    (st = check_load(r)) != PK_OK ||
	    (st = check_registry(r)) != PK_OK ||
	    (st = check_visibility(r)) != PK_OK ||
	    (st = finalize(r)) != PK_OK)
		goto fail;
	a->view = malloc((a->n ? a->n : 1) * sizeof *a->view);
	if (a->view == NULL) {
		st = PK_NOMEM;
		goto fail;
	}
	for (size_t i = 0; i < a->n; i++)
		a->view[i] = a->items[i].f;
	qsort(a->view, a->n, sizeof *a->view, cmp_finding);
	free(r);
	*out = a;
	return PK_OK;
fail:
	free(r);
	pk_audit_free(a);
	return pk__error_set(err, st, "audit: %s", pk_strerror(st));
}

size_t pk_audit_count(const pk_audit *a)
{
	return a->n;
}

const pk_audit_finding *pk_audit_get(const pk_audit *a, size_t i)
{
	return i < a->n ? &a->view[i] : NULL;
}

size_t pk_audit_count_severity(const pk_audit *a, pk_severity sev)
{
	size_t n = 0;

	for (size_t i = 0; i < a->n; i++)
		n += a->view[i].severity == sev;
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
	return pk__write_file_atomic(path, a->snippet, strlen(a->snippet), 0644,
				    err);
}
