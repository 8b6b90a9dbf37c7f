/* finding.c - the words of a finding, made from its code and facts (the
 * findings of lib/audit and lib/choose hold no prose), and its JSON
 * object.  Sentences name no command line: a front end adds its own
 * hints after them. */
#include <stdio.h>
#include <stdlib.h>

#include "render/finding.h"

/* "s" unless n is 1: "1 port", "2 ports", "0 ports". */
static const char *plural(uint64_t n)
{
	return n == 1 ? "" : "s";
}

/* Longest part of a record's description quoted in a finding. */
#define DESC_MAX 100
/* Longest port list a sentence quotes; longer ones end in ",...". */
#define LIST_TEXT_MAX 256

/* A text being built: the first failure of pk_buf is kept. */
typedef struct text {
	pk_buf *b;
	pk_status st;
} text;

static void out(text *t, const char *fmt, ...) PK_PRINTF(2, 3);

static void out(text *t, const char *fmt, ...)
{
	char small[512];
	va_list ap;

	if (t->st != PK_OK)
		return;
	va_start(ap, fmt);
	int n = vsnprintf(small, sizeof small, fmt, ap);
	va_end(ap);
	if (n < 0) {
		t->st = PK_INVAL;
		return;
	}
	if ((size_t)n < sizeof small) {
		t->st = pk__buf_add(t->b, small, (size_t)n);
		return;
	}
	char *big = malloc((size_t)n + 1);
	if (big == NULL) {
		t->st = PK_NOMEM;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(big, (size_t)n + 1, fmt, ap);
	va_end(ap);
	t->st = pk__buf_add(t->b, big, (size_t)n);
	free(big);
}

/* A new line, unless the text is still empty. */
static void line(text *t)
{
	if (t->b->len > 0)
		out(t, "\n");
}

/* ---- facts ---------------------------------------------------------------- */

static uint64_t u(const pk_finding *f, const char *key)
{
	uint64_t v = 0;

	pk_finding_uint(f, key, &v);
	return v;
}

static unsigned uport(const pk_finding *f, const char *key)
{
	return (unsigned)u(f, key);
}

static const char *str(const pk_finding *f, const char *key)
{
	const char *s = pk_finding_string(f, key);

	return s != NULL ? s : "";
}

static pk_port_range range(const pk_finding *f, const char *key)
{
	pk_port_range r = { 0, 0 };

	pk_finding_range(f, key, &r);
	return r;
}

static bool has(const pk_finding *f, const char *key)
{
	return pk_finding_fact(f, key) != NULL;
}

static const char *range_text(pk_port_range r, char *buf, size_t size)
{
	pk__ports_text(r.lo, r.hi, buf, size);
	return buf;
}

/* "/tcp,udp" after a port; "" for any transport. */
static const char *protos_suffix(unsigned mask, char *buf, size_t size)
{
	buf[0] = '/';
	pk__protomask_format(mask, buf + 1, size - 1);
	if (buf[1] == '\0')
		buf[0] = '\0';
	return buf;
}

/* "12.5%", and "<0.1%" rather than a misleading "0.0%". */
static const char *pct(uint64_t part, uint64_t whole, char *buf, size_t size)
{
	double ratio = whole ? (double)part / (double)whole : 1.0;

	if (ratio > 0 && ratio < 0.0005)
		snprintf(buf, size, "<0.1%%");
	else
		snprintf(buf, size, "%.1f%%", 100.0 * ratio);
	return buf;
}

/* The ranges of a list fact, "40000-40063,40100", with ",..." when they
 * do not hold all count ports or do not fit a sentence. */
static void ports_list(text *t, const pk_fact *x, uint64_t count)
{
	char buf[LIST_TEXT_MAX + 16];
	size_t len = 0;
	uint64_t listed = 0;
	bool cut = false;

	buf[0] = '\0';
	for (size_t i = 0; x != NULL && i < x->count && !cut; i++) {
		pk_port_range r = x->values[i].range;
		char one[16];
		range_text(r, one, sizeof one);
		size_t n = strlen(one) + (len > 0);
		if (len + n > LIST_TEXT_MAX) {
			cut = true;
			break;
		}
		len += (size_t)snprintf(buf + len, sizeof buf - len, "%s%s",
					len > 0 ? "," : "", one);
		listed += (uint64_t)r.hi - r.lo + 1;
	}
	out(t, "%s%s", buf, cut || listed < count ? ",..." : "");
}

/* "tcp 0.0.0.0:40000 (IPv4 too), process java (pid 42, uid 1000)" */
static void socket_text(text *t, const pk_socket *k)
{
	char addr[64];

	pk_addr_format(k->family, k->addr, addr, sizeof addr);
	out(t, k->family == 6 ? "%s [%s]:%u" : "%s %s:%u",
	    pk_proto_name(k->proto), addr, k->port);
	if (k->dual_stack)
		out(t, " (IPv4 too)");
	if (k->pid != 0)
		out(t, ", process %s (pid %d, uid %u)",
		    k->comm[0] ? k->comm : "?", k->pid, k->uid);
	else
		out(t, ", uid %u, process not visible", k->uid);
}

static void dest_text(text *t, const pk_dest_load *d)
{
	char addr[64];

	pk_addr_format(d->family, d->addr, addr, sizeof addr);
	out(t, d->family == 6 ? "[%s]:%u" : "%s:%u", addr, d->port);
}

/* "'http' (World Wide Web HTTP; assignee Tim Berners-Lee)" from the
 * record facts service, description, assignee. */
static void record_text(text *t, const pk_finding *f)
{
	const char *name = str(f, "service");
	const char *desc = str(f, "description");
	const char *who = str(f, "assignee");
	bool cut;
	int dlen = (int)pk__cut_at_word(desc, DESC_MAX, &cut);
	const char *more = cut ? "..." : "";

	out(t, "'%s'", name[0] ? name : "(no name)");
	if (dlen > 0 && who[0] != '\0')
		out(t, " (%.*s%s; assignee %.60s)", dlen, desc, more, who);
	else if (dlen > 0)
		out(t, " (%.*s%s)", dlen, desc, more);
	else if (who[0] != '\0')
		out(t, " (assignee %.60s)", who);
}

/* "http-alt, foo" from a list of strings. */
static void names_text(text *t, const pk_fact *x)
{
	for (size_t i = 0; x != NULL && i < x->count; i++)
		out(t, "%s%s", i ? ", " : "", x->values[i].string);
}

static void cite_text(text *t, const pk_finding *f)
{
	uint32_t prev = 0;

	for (size_t i = 0; i < pk_finding_cite_count(f); i++) {
		const pk_cite *c = pk_finding_cite(f, i);
		if (i > 0 && c->rfc == prev && c->section[0] != '\0') {
			out(t, ", \302\247%s", c->section);
			continue;
		}
		out(t, "%sRFC %u", i ? "; " : "", c->rfc);
		if (c->section[0] != '\0')
			out(t, " \302\247%s", c->section);
		prev = c->rfc;
	}
}

/* Citation i alone, "RFC 7605" or "RFC 6335 §6", for a sentence that
 * refers to it. */
static void cite_at(text *t, const pk_finding *f, size_t i)
{
	const pk_cite *c = pk_finding_cite(f, i);

	if (c == NULL)
		return;
	out(t, "RFC %u", c->rfc);
	if (c->section[0] != '\0')
		out(t, " \302\247%s", c->section);
}

/* ---- the audit ------------------------------------------------------------ */

static bool is(const pk_finding *f, const char *code)
{
	return strcmp(pk_finding_code(f), code) == 0;
}

/* " billing-api" after an expected port, when it has a label. */
static void label_text(text *t, const pk_finding *f)
{
	if (str(f, "label")[0] != '\0')
		out(t, " %s", str(f, "label"));
}

static void audit_summary(text *t, const pk_finding *f)
{
	char a[16], b[16], p[32];
	pk_port_range eph = range(f, "ephemeral_range");

	if (is(f, "ephemeral-port")) {
		unsigned protos = (unsigned)u(f, "protocols");
		if (u(f, "listening"))
			out(t, "%s port %u%s is inside the ephemeral range %s and not reserved",
			    protos == PK_PROTOMASK(PK_PROTO_UDP) ? "bound" : "listening",
			    uport(f, "port"), protos_suffix(protos, p, sizeof p),
			    range_text(eph, a, sizeof a));
		else {
			out(t, "expected port %u%s", uport(f, "port"),
			    protos_suffix(protos, p, sizeof p));
			label_text(t, f);
			out(t, " is inside the ephemeral range %s and not reserved",
			    range_text(eph, a, sizeof a));
		}
	} else if (is(f, "ephemeral-overlap")) {
		out(t, "expected range %s%s",
		    range_text(range(f, "expected"), a, sizeof a),
		    protos_suffix((unsigned)u(f, "protocols"), p, sizeof p));
		label_text(t, f);
		out(t, " overlaps the ephemeral range %s in %u port%s",
		    range_text(eph, b, sizeof b), uport(f, "overlap_count"),
		    plural(u(f, "overlap_count")));
	} else if (is(f, "port-taken")) {
		pk_port_range e = range(f, "expected");
		uint64_t n = u(f, "taken_count");
		out(t, "expected %s%s%s", e.lo == e.hi ? "port " : "ports ",
		    range_text(e, a, sizeof a),
		    protos_suffix((unsigned)u(f, "protocols"), p, sizeof p));
		label_text(t, f);
		out(t, ": %llu port%s held by outgoing connections right now",
		    (unsigned long long)n, n == 1 ? " is" : "s are");
	} else if (is(f, "exhaustion") && u(f, "protocol") == PK_PROTO_UDP) {
		out(t, "UDP sockets hold %u of %u usable ephemeral ports (%s)",
		    uport(f, "used_count"), uport(f, "usable_count"),
		    pct(u(f, "used_count"), u(f, "usable_count"), p, sizeof p));
	} else if (is(f, "exhaustion")) {
		const pk_fact *d = pk_finding_fact(f, "destinations");
		if (u(f, "busiest_count") > 0 && d != NULL && d->count > 0) {
			out(t, "busiest destination ");
			dest_text(t, d->values[0].dest);
			out(t, " uses %u of %u usable ephemeral ports (%s)",
			    uport(f, "busiest_count"), uport(f, "usable_count"),
			    pct(u(f, "busiest_count"), u(f, "usable_count"), p,
				sizeof p));
		} else {
			out(t, "ephemeral range %s leaves only %u usable port%s for outgoing TCP connections",
			    range_text(eph, a, sizeof a), uport(f, "usable_count"),
			    plural(u(f, "usable_count")));
		}
	} else if (is(f, "reserved-most")) {
		out(t, "ip_local_reserved_ports covers %u of the %u ports of ip_local_port_range %s (%s)",
		    uport(f, "reserved_count"), uport(f, "range_size"),
		    range_text(eph, a, sizeof a),
		    pct(u(f, "reserved_count"), u(f, "range_size"), p, sizeof p));
	} else if (is(f, "range-invalid")) {
		pk_port_range r = range(f, "port_range");
		if (strcmp(str(f, "reason"), "system-ports") == 0)
			out(t, "ip_local_port_range %u-%u reaches into the System ports (%s)",
			    r.lo, r.hi,
			    range_text(range(f, "system_ports"), a, sizeof a));
		else
			out(t, "ip_local_port_range \"%u %u\" is invalid", r.lo, r.hi);
	} else if (is(f, "unprivileged-in-range")) {
		out(t, "ip_unprivileged_port_start %u is %s ip_local_port_range %s",
		    uport(f, "unprivileged_port_start"),
		    u(f, "inside") ? "inside" : "above",
		    range_text(eph, a, sizeof a));
	} else if (is(f, "range-parity")) {
		out(t, "ip_local_port_range %s: both ends have the same parity",
		    range_text(eph, a, sizeof a));
	} else if (is(f, "iana-other-service")) {
		out(t, "%s listens on %u/%s, which IANA assigns to ",
		    str(f, "process"), uport(f, "port"),
		    pk_proto_name((pk_proto)u(f, "protocol")));
		names_text(t, pk_finding_fact(f, "services"));
	} else if (is(f, "squatting")) {
		const char *who = str(f, "process");
		out(t, "%s on %u/%s, a User port IANA has not assigned",
		    who[0] ? who : "a listener", uport(f, "port"),
		    pk_proto_name((pk_proto)u(f, "protocol")));
	} else if (is(f, "dynamic-range")) {
		const char *who = str(f, "process");
		out(t, "%s on %u/%s, in the Dynamic/Private range %s",
		    who[0] ? who : "a listener", uport(f, "port"),
		    pk_proto_name((pk_proto)u(f, "protocol")),
		    range_text(range(f, "dynamic_ports"), a, sizeof a));
	} else if (is(f, "not-seen")) {
		const char *s = str(f, "subject");
		if (strcmp(s, "socket_tables") == 0)
			out(t, "some socket tables could not be read");
		else if (strcmp(s, "socket_owners") == 0)
			out(t, "owners of some sockets are not visible");
		else
			out(t, "%s could not be read", s);
	} else {
		out(t, "%s", pk_finding_code(f));
	}
}

/* "Declared at FILE:LINE" and then, or else (no place known), other. */
static void declared(text *t, const pk_finding *f, const char *then,
		     const char *other)
{
	const char *at = str(f, "declared_at");

	if (at[0] == '\0') {
		out(t, "%s", other);
		return;
	}
	if (t->b->len > 0 && t->b->data[t->b->len - 1] != '\n')
		out(t, " ");
	out(t, "Declared at %s%s", at, then);
}

static void audit_detail(text *t, const pk_finding *f)
{
	char a[16], p[32];
	pk_port_range eph = range(f, "ephemeral_range");

	if (is(f, "ephemeral-port") && u(f, "listening")) {
		const pk_fact *x = pk_finding_fact(f, "sockets");
		size_t shown = x != NULL ? x->count : 0;
		for (size_t i = 0; i < shown; i++) {
			line(t);
			socket_text(t, x->values[i].socket);
		}
		if (u(f, "socket_count") > shown)
			out(t, "\n... and %llu more socket%s",
			    (unsigned long long)(u(f, "socket_count") - shown),
			    plural(u(f, "socket_count") - shown));
		if (str(f, "label")[0] != '\0' && str(f, "declared_at")[0] != '\0')
			out(t, "\nExpected as '%s' (%s).", str(f, "label"),
			    str(f, "declared_at"));
		else if (str(f, "label")[0] != '\0')
			out(t, "\nExpected as '%s'.", str(f, "label"));
		if (pk_finding_severity(f) >= PK_SEV_WARNING)
			out(t, "\nWhile it runs the port is safe; when it restarts, an outgoing connection may hold %u first and bind() fails with EADDRINUSE.",
			    uport(f, "port"));
		else
			out(t, "\nA UDP socket here may be a client whose port the kernel chose; if it is a service, it can lose %u to an outgoing connection when it restarts.",
			    uport(f, "port"));
	} else if (is(f, "ephemeral-port")) {
		declared(t, f, "; not listening now.", "Not listening now.");
		out(t, " When the service starts, an outgoing connection may hold %u and bind() fails with EADDRINUSE.",
		    uport(f, "port"));
	} else if (is(f, "ephemeral-overlap")) {
		declared(t, f, ". ", "");
		out(t, "Overlap %s, of which %u %s not reserved: outgoing connections can take %s before the services that need %s.",
		    range_text(range(f, "overlap"), a, sizeof a),
		    uport(f, "unreserved_count"),
		    u(f, "unreserved_count") == 1 ? "port is" : "ports are",
		    u(f, "unreserved_count") == 1 ? "it" : "any of them",
		    u(f, "unreserved_count") == 1 ? "it" : "them");
		if (u(f, "overlap_large"))
			out(t, " The overlap is a large part of the range: moving the range (or the services) is the better cure than reserving it.");
	} else if (is(f, "port-taken")) {
		pk_port_range e = range(f, "expected");
		out(t, "Taken: ");
		ports_list(t, pk_finding_fact(f, "taken"), u(f, "taken_count"));
		out(t, "\nA service binding %s now fails with EADDRINUSE until those connections close.",
		    e.lo == e.hi ? "it" : "them");
		declared(t, f, ".", "");
	} else if (is(f, "exhaustion") && u(f, "protocol") == PK_PROTO_UDP) {
		out(t, "ip_local_port_range %s. A UDP port is not shared between destinations: once all are bound, bind(0) and connect() fail with EAGAIN/EADDRINUSE.",
		    range_text(eph, a, sizeof a));
	} else if (is(f, "exhaustion")) {
		out(t, "ip_local_port_range %s: %u ports, %u reserved, %u held by listeners; %u usable. Each destination (address and port) can have one connection per usable port; then connect() fails with EADDRNOTAVAIL.",
		    range_text(eph, a, sizeof a), uport(f, "range_size"),
		    uport(f, "reserved_count"), uport(f, "listener_count"),
		    uport(f, "usable_count"));
		const pk_fact *x = pk_finding_fact(f, "destinations");
		for (size_t i = 0; x != NULL && i < x->count; i++) {
			const pk_dest_load *d = x->values[i].dest;
			out(t, "\n  ");
			dest_text(t, d);
			out(t, ": %u connection%s (%u in TIME_WAIT), %s of usable",
			    d->count, plural(d->count), d->time_wait,
			    pct(d->count, u(f, "usable_count"), p, sizeof p));
		}
	} else if (is(f, "reserved-most")) {
		out(t, "Reserved inside the range: ");
		ports_list(t, pk_finding_fact(f, "reserved"), u(f, "reserved_count"));
		out(t, "\nOnly %u %s left for outgoing connections and bind(0)%s.",
		    uport(f, "usable_count"),
		    u(f, "usable_count") == 1 ? "port is" : "ports are",
		    u(f, "usable_count") == 0 ? ": connect() fails with EADDRNOTAVAIL" : "");
	} else if (is(f, "range-invalid")) {
		pk_port_range r = range(f, "port_range");
		const char *why = str(f, "reason");
		if (strcmp(why, "system-ports") == 0) {
			out(t, "net.ipv4.ip_local_port_range = %u %u: outgoing connections may take ports %s, which well-known services (the System ports, ",
			    r.lo, r.hi, range_text(range(f, "system_ports"), a, sizeof a));
			cite_at(t, f, 0);
			out(t, ") expect to find free.");
		} else {
			out(t, "net.ipv4.ip_local_port_range = %u %u: ", r.lo, r.hi);
			if (strcmp(why, "zero") == 0)
				out(t, "the lower end is %u, which the kernel does not allow", r.lo);
			else
				out(t, "the lower end is above the upper end");
			out(t, "; the kernel refuses to set it (EINVAL, net/ipv4/sysctl_net_ipv4.c ipv4_local_port_range).");
		}
	} else if (is(f, "unprivileged-in-range")) {
		out(t, "Ports %s are privileged (below net.ipv4.ip_unprivileged_port_start = %u) and ephemeral at once; the kernel refuses this combination (ipv4_local_port_range and ipv4_privileged_ports in net/ipv4/sysctl_net_ipv4.c require the range to start at or above it).",
		    range_text(range(f, "privileged"), a, sizeof a),
		    uport(f, "unprivileged_port_start"));
	} else if (is(f, "range-parity")) {
		pk_port_range d = range(f, "kernel_default");
		out(t, "Linux gives connect() the even ports of the range first and bind(0) the odd ones (net/ipv4/inet_hashtables.c __inet_hash_connect, inet_connection_sock.c inet_csk_find_open_port) and logs \"ip_local_port_range: prefer different parity for start/end values\" for a range like this one; the kernel's own default, %u %u, has one even and one odd end.",
		    d.lo, d.hi);
	} else if (is(f, "iana-other-service")) {
		const pk_fact *names = pk_finding_fact(f, "services");
		out(t, "Process %s (pid %u) is not ", str(f, "process"), uport(f, "pid"));
		names_text(t, names);
		out(t, " by name. A port number is only a hint of the service behind it (");
		cite_at(t, f, 0);
		out(t, "): clients and firewalls that go by the number will assume ");
		names_text(t, names);
		out(t, ".");
	} else if (is(f, "squatting")) {
		out(t, "Using an unassigned User port without registering it is squatting (");
		cite_at(t, f, 0);
		out(t, "): IANA may assign it to another service later.");
	} else if (is(f, "dynamic-range")) {
		out(t, "IANA never assigns these ports (");
		cite_at(t, f, 0);
		out(t, "): fine for private use, but Windows, macOS, FreeBSD and IANA's own recommendation use this range for outgoing connections, so the same service elsewhere can collide with them.");
	} else if (is(f, "not-seen")) {
		const char *s = str(f, "subject");
		if (strcmp(s, "ip_local_port_range") == 0) {
			out(t, "Without the ephemeral range, no collision can be checked.");
		} else if (strcmp(s, "ip_local_reserved_ports") == 0) {
			out(t, "Taken as empty: every port of the range counts as unreserved.");
		} else if (strcmp(s, "socket_tables") == 0) {
			const pk_fact *x = pk_finding_fact(f, "tables_missing");
			out(t, "Socket tables not read:");
			for (size_t i = 0; x != NULL && i < x->count; i++)
				out(t, " %s", x->values[i].string);
			out(t, " (source: %s).", str(f, "source"));
		} else if (strcmp(s, "socket_owners") == 0) {
			const char *why = str(f, "reason");
			out(t, "%u of %u listed sockets have no known process: ",
			    uport(f, "owners_unknown"), uport(f, "socket_count"));
			if (strcmp(why, "scan-bounded") == 0)
				out(t, "the process scan stopped at its bound.");
			else if (strcmp(why, "permission") == 0)
				out(t, "%u processes' descriptors could not be read.",
				    uport(f, "processes_denied"));
			else
				out(t, "no process visible here holds them (another PID namespace, e.g. a container, or the kernel itself).");
		}
	}
}

/* One fix step on a line of its own. */
static void step_text(text *t, const pk_finding *f, const pk_fix *x)
{
	char a[16];
	pk_port_range eph = range(f, "ephemeral_range");
	const char *c = x->code;

	line(t);
	switch (x->kind) {
	case PK_FIX_RESERVE:
		if (x->value == NULL)
			out(t, "Apply the merged %s list of the proposed settings (too long to repeat here).",
			    x->key);
		else
			out(t, "sysctl -w %s=%s", x->key, x->value);
		return;
	case PK_FIX_SYSCTL:
		if (strcmp(c, "reserve-only-used") == 0)
			out(t, "Reserve only the ports services here use, e.g.\n");
		else if (strcmp(c, "lower-unprivileged-start") == 0 && x->alternative)
			out(t, "Or lower the privileged limit instead: ");
		else if (strcmp(c, "tcp-tw-reuse") == 0)
			out(t, "When most connections are in TIME_WAIT: ");
		/* A value with a space is quoted for the shell. */
		out(t, strchr(x->value, ' ') ? "sysctl -w %s=\"%s\"" : "sysctl -w %s=%s",
		    x->key, x->value);
		return;
	case PK_FIX_FILE:
		if (strcmp(c, "persist") == 0)
			out(t, "To keep it across reboots, install the sysctl.d snippet of the proposed settings as %s.",
			    x->path);
		else
			out(t, "Write %s.", x->path);
		return;
	case PK_FIX_ACTION:
		break;
	}
	if (strcmp(c, "move-service") == 0)
		out(t, "(or move the service outside %s)", range_text(eph, a, sizeof a));
	else if (strcmp(c, "move-range") == 0)
		out(t, "(or move the range outside %s)", range_text(eph, a, sizeof a));
	else if (strcmp(c, "declare-expected") == 0)
		out(t, "If it is a service, declare it as expected: the fix then reserves it.");
	else if (strcmp(c, "restart-holder") == 0) {
		const pk_fact *x2 = pk_finding_fact(f, "taken");
		unsigned port = x2 != NULL && x2->count > 0 ? x2->values[0].range.lo :
							       range(f, "expected").lo;
		out(t, "Reserve it so the kernel stops handing it out, then restart what holds it:\nss -tanp 'sport = :%u'",
		    port);
	} else if (strcmp(c, "order-range-ends") == 0)
		out(t, "Set the range with its lower end first.");
	else if (strcmp(c, "start-above-system-ports") == 0)
		out(t, "Start the range above the System ports (%s).",
		    range_text(range(f, "system_ports"), a, sizeof a));
	else if (strcmp(c, "move-range-up") == 0)
		out(t, "(or move ip_local_port_range to start at %u or above)",
		    uport(f, "unprivileged_port_start"));
	else if (strcmp(c, "widen-port-range") == 0)
		out(t, x->alternative ? "or widen net.ipv4.ip_local_port_range." :
					"Widen net.ipv4.ip_local_port_range,");
	else if (strcmp(c, "reuse-sockets") == 0)
		out(t, "or have clients reuse their sockets.");
	else if (strcmp(c, "widened-range") == 0)
		out(t, "This widens the range to %s%u usable ports, so the busiest destination uses at most %u%% of them; listeners it takes in are added to the reserved list.",
		    u(f, "target_reached") ? "" : "as many as it can, short of ",
		    uport(f, "target_usable"), uport(f, "target_share_pct"));
	else if (strcmp(c, "reuse-connections") == 0)
		out(t, "Also: reuse connections (keep-alive, pools) and spread them over more source addresses (IP_BIND_ADDRESS_NO_PORT).");
	else if (strcmp(c, "keep-private-or-request") == 0)
		out(t, "Keep it private, or request an assignment from IANA.");
	else if (strcmp(c, "check-proc") == 0)
		out(t, "Check that /proc/sys/net/ipv4 is mounted and readable.");
	else if (strcmp(c, "check-ipv6") == 0)
		out(t, "IPv6 may be disabled; otherwise check /proc/net.");
	else if (strcmp(c, "run-as-root") == 0)
		out(t, "Run as root (or with CAP_SYS_PTRACE) to see every owner.");
	else
		out(t, "%s", c);
}

/* ---- advise ---------------------------------------------------------------- */

static const char *name_rule(const pk_finding *f, char *buf, size_t size)
{
	const char *c = pk_finding_code(f);

	if (strcmp(c, "name-empty") == 0)
		return "it is empty";
	if (strcmp(c, "name-too-long") == 0) {
		snprintf(buf, size, "it is longer than %u characters",
			 uport(f, "max_length"));
		return buf;
	}
	if (strcmp(c, "name-bad-char") == 0)
		return "only US-ASCII letters, digits and hyphens are allowed";
	if (strcmp(c, "name-no-letter") == 0)
		return "it needs at least one letter (so it cannot be mistaken for a port or a range)";
	if (strcmp(c, "name-hyphen-end") == 0)
		return "it must not begin or end with a hyphen";
	if (strcmp(c, "name-double-hyphen") == 0)
		return "hyphens must not be next to each other";
	return NULL;
}

/* "4711/tcp": the port and the transport of an advise finding. */
static void port_proto(text *t, const pk_finding *f)
{
	out(t, "%u/%s", uport(f, "port"), pk_proto_name((pk_proto)u(f, "protocol")));
}

static void advise_summary(text *t, const pk_finding *f)
{
	const char *name = str(f, "name");
	char a[16], p[32], rule[64];
	const char *why = name_rule(f, rule, sizeof rule);

	if (why != NULL) {
		out(t, "'%.64s' is not a valid service name: %s", name, why);
	} else if (is(f, "name-syntax-ok")) {
		out(t, "'%s' is a well-formed service name", name);
	} else if (is(f, "name-case")) {
		out(t, "service names compare case-insensitively: '%s' is the same name as its lower-case spelling, which the registry uses by convention",
		    name);
	} else if (is(f, "name-redundant-word")) {
		out(t, "'%s' contains '%s', which is redundant in a registry of services and ports: keep names brief and informative",
		    name, str(f, "word"));
	} else if (is(f, "name-version")) {
		out(t, "'%s' carries a version number: versions belong in-band, and names and descriptions should not include them",
		    name);
	} else if (is(f, "name-insecure-variant") && has(f, "word")) {
		out(t, "'%s' names an insecure variant: new services should build security in on one port, and a separate insecure port is unlikely to be approved",
		    name);
	} else if (is(f, "name-insecure-variant")) {
		out(t, "'%s' looks like an insecure variant of the registered secure service '%s': insecure versions of secure services should be avoided",
		    name, str(f, "registered_name"));
	} else if (is(f, "name-secure-variant")) {
		const char *other = str(f, "registered_name");
		out(t, "'%s' looks like a secure variant of the registered '%s': prefer securing '%s' in-band (e.g. a STARTTLS-style upgrade) over a second port, or justify both as independent services",
		    name, other, other);
	} else if (is(f, "name-disc")) {
		if (u(f, "suffix"))
			out(t, "'%s' uses the '-disc' suffix recommended for discovery services", name);
		else
			out(t, "if '%s' is a discovery service, name it with the suffix '-disc'", name);
	} else if (is(f, "name-available")) {
		out(t, "'%s' is not registered: service names are assigned first come, first served", name);
	} else if (is(f, "name-matches-assignment")) {
		pk__protomask_format((unsigned)u(f, "protocols"), p, sizeof p);
		out(t, "'%s' is already assigned on %u/%s: nothing to request for it",
		    name, uport(f, "port"), p);
	} else if (is(f, "name-registered")) {
		out(t, "'%s' is already registered", name);
		if (has(f, "ports"))
			out(t, " on %s/%s", range_text(range(f, "ports"), a, sizeof a),
			    pk_proto_name((pk_proto)u(f, "protocol")));
		out(t, " as ");
		record_text(t, f);
		out(t, ": service names are unique, choose another unless you are its assignee");
	} else if (is(f, "port-zero")) {
		out(t, "port %u is Reserved and cannot be a service port: to bind(2) it means \"any port\"",
		    uport(f, "port"));
	} else if (is(f, "port-system")) {
		out(t, "%u is a System port (%s)", uport(f, "port"),
		    range_text(range(f, "class_ports"), a, sizeof a));
		if (u(f, "assigned_to_plan"))
			out(t, ", assigned to this service already (through IETF Review or IESG Approval)");
		else
			out(t, ": assigned only through IETF Review or IESG Approval, and developers should not apply for one (the privilege it implies is not enforced everywhere)");
	} else if (is(f, "port-user")) {
		out(t, "%u is a User port (%s): IANA assigns these through Expert Review",
		    uport(f, "port"), range_text(range(f, "class_ports"), a, sizeof a));
	} else if (is(f, "port-dynamic")) {
		out(t, "%u is a Dynamic/Private port (%s): these are never assigned, and a service cannot count on finding one free; use it only when discovered dynamically or configured privately",
		    uport(f, "port"), range_text(range(f, "class_ports"), a, sizeof a));
	} else if (is(f, "port-experimental")) {
		out(t, "%u is an experimental port (", uport(f, "port"));
		cite_at(t, f, 1); /* RFC 4727's exp1/exp2 */
		out(t, "'s exp1/exp2): for experiments only, in a controlled environment; never for deployment or as a shipped default");
	} else if (is(f, "port-os-ephemeral")) {
		const pk_fact *x = pk_finding_fact(f, "os");
		out(t, "%u lies in the ephemeral range of ", uport(f, "port"));
		for (size_t i = 0; x != NULL && i < x->count; i++)
			out(t, "%s%s (%u-%u)", i ? ", " : "", x->values[i].os->id,
			    x->values[i].os->lo, x->values[i].os->hi);
		out(t, ": outgoing connections can hold it when the service starts");
	} else if (is(f, "port-assigned-to-plan")) {
		port_proto(t, f);
		out(t, " is assigned to this service, ");
		record_text(t, f);
	} else if (is(f, "port-listed-for-plan")) {
		port_proto(t, f);
		out(t, " is listed in services(5) for this service, ");
		record_text(t, f);
		out(t, " (this registry has no IANA record to confirm an assignment)");
	} else if (is(f, "port-listed")) {
		port_proto(t, f);
		out(t, " is listed in services(5) as ");
		record_text(t, f);
		out(t, ": another service there would meet it");
	} else if (is(f, "port-assigned")) {
		port_proto(t, f);
		out(t, " is assigned to ");
		record_text(t, f);
		out(t, ": running another service on it is squatting, and both will meet on real networks");
	} else if (is(f, "port-reserved")) {
		port_proto(t, f);
		out(t, " is Reserved: IANA assigns only numbers that are neither assigned nor reserved");
	} else if (is(f, "port-other-transport-same-service")) {
		pk__protomask_format((unsigned)u(f, "assigned_protocols"), p, sizeof p);
		out(t, "%u is assigned to this service for %s only: adding %s needs a new request (Expert Review)",
		    uport(f, "port"), p, pk_proto_name((pk_proto)u(f, "protocol")));
	} else if (is(f, "port-assigned-other-transport")) {
		pk__protomask_format((unsigned)u(f, "assigned_protocols"), p, sizeof p);
		port_proto(t, f);
		out(t, " has no assignment, but %u/%s is assigned to ", uport(f, "port"), p);
		record_text(t, f);
		out(t, ": IANA keeps a number for one service across transports");
	} else if (is(f, "port-deregistered")) {
		port_proto(t, f);
		out(t, " was de-registered: IANA re-uses such numbers only with care, so expect to be offered another");
	} else if (is(f, "port-unassigned")) {
		port_proto(t, f);
		out(t, " is unassigned today: request it, and do not ship it as a default before IANA assigns it; the list does not show pending requests");
	} else if (is(f, "port-unofficial")) {
		port_proto(t, f);
		out(t, " is commonly used without assignment by ");
		record_text(t, f);
		out(t, ": expect to meet it");
	} else if (is(f, "port-unofficial-unknown")) {
		out(t, "this registry (%s) holds no well-known unofficial uses: squatters on %u are not known",
		    str(f, "registry"), uport(f, "port"));
	} else if (is(f, "proto-assumed")) {
		out(t, "no transport given: %s assumed (assignments are made per transport)",
		    pk_proto_name((pk_proto)u(f, "protocol")));
	} else if (is(f, "proto-multiple")) {
		out(t, "several transports under one name only when they carry essentially the same service; otherwise use a name per transport (e.g. 'name-ctl', 'name-alarm')");
	} else if (is(f, "proto-udp")) {
		out(t, "over UDP: provide congestion control, use multicast rather than broadcast for multi-host services, and do not use UDP to get around TCP's congestion control");
	} else if (is(f, "proto-dccp")) {
		out(t, "a DCCP assignment needs a service code (");
		cite_at(t, f, 1); /* RFC 5595 */
		out(t, ") in the request");
	} else if (is(f, "advice-need")) {
		out(t, "first ask whether an assigned port is needed: a service found through configuration, a URI, a related service or discovery (mDNS/DNS-SD) can use a Dynamic port, and one used only inside a host should use IPC");
	} else if (is(f, "advice-one-port")) {
		out(t, "ask for one port per service: multiplex further functions in-band over it and hand out Dynamic ports for the rest");
	} else if (is(f, "advice-versions")) {
		out(t, "carry the protocol version in-band at the start of each association, not in the port number or the name");
	} else if (is(f, "advice-security")) {
		out(t, "build security (TLS, DTLS, TCP-AO) into the one port; a separate insecure port is unlikely to be approved");
	} else if (is(f, "advice-experimental")) {
		pk_port_range r = range(f, "experimental_ports");
		out(t, "until assignment, experiment on %u/%u in a controlled environment only, and never ship those as defaults",
		    r.lo, r.hi);
	} else if (is(f, "advice-squatting")) {
		out(t, "do not deploy on an unassigned port before IANA assigns it: use a symbolic name and a configurable port until then");
	} else {
		out(t, "%s", pk_finding_code(f));
	}
}

/* Advise's codes are the ones with an RFC section for every finding. */
static bool is_advice(const pk_finding *f)
{
	static const char *const prefixes[] = { "name-", "port-", "proto-",
						"advice-" };
	const char *c = pk_finding_code(f);

	for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++)
		if (strncmp(c, prefixes[i], strlen(prefixes[i])) == 0 &&
		    strcmp(c, "port-taken") != 0)
			return true;
	return false;
}

pk_status pk__finding_text(pk_buf *b, const pk_finding *f,
			   pk_finding_part part)
{
	text t = { b, PK_OK };

	switch (part) {
	case PK_FINDING_SUMMARY:
		if (is_advice(f))
			advise_summary(&t, f);
		else
			audit_summary(&t, f);
		break;
	case PK_FINDING_DETAIL:
		if (!is_advice(f))
			audit_detail(&t, f);
		break;
	case PK_FINDING_FIX:
		for (size_t i = 0; i < pk_finding_fix_count(f); i++)
			step_text(&t, f, pk_finding_fix(f, i));
		break;
	case PK_FINDING_CITE:
		cite_text(&t, f);
		break;
	}
	return t.st == PK_OK ? pk__buf_terminate(b) : t.st;
}

size_t pk_finding_text(const pk_finding *f, pk_finding_part part, char *buf,
		       size_t size)
{
	pk_buf b;
	size_t n = 0;

	pk__buf_init(&b, (size_t)1 << 24);
	if (pk__finding_text(&b, f, part) == PK_OK)
		n = b.len;
	if (size > 0) {
		size_t k = n < size - 1 ? n : size - 1;
		if (k > 0)
			memcpy(buf, b.data, k);
		buf[k] = '\0';
	}
	pk__buf_free(&b);
	return n;
}

/* ---- JSON ------------------------------------------------------------------ */

void pk__json_range(pk_render *r, const char *key, uint16_t lo, uint16_t hi)
{
	pk__json_object_begin(r, key);
	pk__json_uint(r, "port_lo", lo);
	pk__json_uint(r, "port_hi", hi);
	pk__json_object_end(r);
}

void pk__json_portset(pk_render *r, const char *key, const pk_portset *set)
{
	int32_t p = pk_portset_next(set, 0);

	pk__json_array_begin(r, key);
	while (p >= 0) {
		uint16_t lo = (uint16_t)p, hi = lo;
		while (hi < 65535 && pk_portset_contains(set, (uint16_t)(hi + 1)))
			hi++;
		pk__json_range(r, NULL, lo, hi);
		p = hi == 65535 ? -1 : pk_portset_next(set, (uint32_t)hi + 1);
	}
	pk__json_array_end(r);
}

static void json_proto(pk_render *r, const char *key, pk_proto p)
{
	if (p == PK_PROTO_NONE)
		pk__json_null(r, key);
	else
		pk__json_string(r, key, pk_proto_name(p));
}

static void json_value(pk_render *r, const char *key, pk_fact_type type,
		       const pk_fact_value *v)
{
	char addr[64];

	switch (type) {
	case PK_FACT_UINT:
	case PK_FACT_RECORD:
		pk__json_uint(r, key, v->uint);
		break;
	case PK_FACT_STRING:
		pk__json_string(r, key, v->string);
		break;
	case PK_FACT_BOOL:
		pk__json_bool(r, key, v->uint != 0);
		break;
	case PK_FACT_RANGE:
		pk__json_range(r, key, v->range.lo, v->range.hi);
		break;
	case PK_FACT_PROTO:
		json_proto(r, key, (pk_proto)v->uint);
		break;
	case PK_FACT_PROTOS:
		pk__json_protocols(r, key, (unsigned)v->uint);
		break;
	case PK_FACT_SOCKET: {
		const pk_socket *k = v->socket;
		pk_addr_format(k->family, k->addr, addr, sizeof addr);
		pk__json_object_begin(r, key);
		json_proto(r, "protocol", k->proto);
		pk__json_uint(r, "family", k->family);
		pk__json_string(r, "address", addr);
		pk__json_uint(r, "port", k->port);
		pk__json_bool(r, "dual_stack", k->dual_stack);
		pk__json_uint(r, "uid", k->uid);
		if (k->pid != 0) {
			pk__json_int(r, "pid", k->pid);
			pk__json_string(r, "process", k->comm);
		} else {
			pk__json_null(r, "pid");
			pk__json_null(r, "process");
		}
		pk__json_object_end(r);
		break;
	}
	case PK_FACT_DEST: {
		const pk_dest_load *d = v->dest;
		pk_addr_format(d->family, d->addr, addr, sizeof addr);
		pk__json_object_begin(r, key);
		json_proto(r, "protocol", d->proto);
		pk__json_uint(r, "family", d->family);
		pk__json_string(r, "address", addr);
		pk__json_uint(r, "port", d->port);
		pk__json_uint(r, "count", d->count);
		pk__json_uint(r, "time_wait", d->time_wait);
		pk__json_object_end(r);
		break;
	}
	case PK_FACT_OS:
		pk__json_object_begin(r, key);
		pk__json_string(r, "id", v->os->id);
		pk__json_string(r, "name", v->os->name);
		pk__json_uint(r, "port_lo", v->os->lo);
		pk__json_uint(r, "port_hi", v->os->hi);
		pk__json_object_end(r);
		break;
	}
}

/* One text part as a member; an error is kept in the renderer. */
static void json_text(pk_render *r, const char *key, const pk_finding *f,
		      pk_finding_part part)
{
	pk_buf b;

	pk__buf_init(&b, (size_t)1 << 24);
	pk_status st = pk__finding_text(&b, f, part);
	if (st != PK_OK)
		pk__render_fail(r, st, "finding %s: %s", pk_finding_code(f),
				pk_strerror(st));
	else
		pk__json_stringn(r, key, b.data ? b.data : "", b.len);
	pk__buf_free(&b);
}

void pk__json_finding(pk_render *r, const char *key, const pk_finding *f)
{
	pk__json_object_begin(r, key);
	pk__json_string(r, "code", pk_finding_code(f));
	pk__json_string(r, "severity", pk_severity_name(pk_finding_severity(f)));
	pk__json_object_begin(r, "facts");
	for (size_t i = 0; i < pk_finding_fact_count(f); i++) {
		const pk_fact *x = pk_finding_fact_at(f, i);
		if (!x->list) {
			json_value(r, x->key, x->type, &x->values[0]);
			continue;
		}
		pk__json_array_begin(r, x->key);
		for (size_t k = 0; k < x->count; k++)
			json_value(r, NULL, x->type, &x->values[k]);
		pk__json_array_end(r);
	}
	pk__json_object_end(r);
	pk__json_array_begin(r, "fix");
	for (size_t i = 0; i < pk_finding_fix_count(f); i++) {
		const pk_fix *x = pk_finding_fix(f, i);
		pk__json_object_begin(r, NULL);
		pk__json_string(r, "kind", pk_fix_kind_name(x->kind));
		pk__json_string(r, "code", x->code);
		pk__json_bool(r, "alternative", x->alternative);
		pk__json_string(r, "key", x->key);
		pk__json_string(r, "value", x->value);
		pk__json_string(r, "path", x->path);
		pk__json_array_begin(r, "ports");
		for (size_t k = 0; k < x->port_count; k++)
			pk__json_range(r, NULL, x->ports[k].lo, x->ports[k].hi);
		pk__json_array_end(r);
		pk__json_object_end(r);
	}
	pk__json_array_end(r);
	pk__json_array_begin(r, "cite");
	for (size_t i = 0; i < pk_finding_cite_count(f); i++) {
		const pk_cite *c = pk_finding_cite(f, i);
		pk__json_object_begin(r, NULL);
		pk__json_uint(r, "rfc", c->rfc);
		pk__json_string(r, "section", c->section);
		pk__json_object_end(r);
	}
	pk__json_array_end(r);
	pk__json_object_begin(r, "text");
	json_text(r, "summary", f, PK_FINDING_SUMMARY);
	json_text(r, "detail", f, PK_FINDING_DETAIL);
	json_text(r, "fix", f, PK_FINDING_FIX);
	json_text(r, "cite", f, PK_FINDING_CITE);
	pk__json_object_end(r);
	pk__json_object_end(r);
}

void pk__json_host(pk_render *r, const pk_host_portconf *conf,
		   const pk_host_sockets *socks)
{
	pk__json_object_begin(r, "host");
	if (conf->have_range) {
		pk__json_object_begin(r, "ip_local_port_range");
		pk__json_uint(r, "port_lo", conf->ephemeral_lo);
		pk__json_uint(r, "port_hi", conf->ephemeral_hi);
		/* As read: a reversed range holds no port. */
		pk__json_uint(r, "count", conf->ephemeral_lo <= conf->ephemeral_hi ?
				  (unsigned)(conf->ephemeral_hi - conf->ephemeral_lo) + 1 : 0);
		pk__json_object_end(r);
	} else {
		pk__json_null(r, "ip_local_port_range");
	}
	if (conf->have_reserved)
		pk__json_portset(r, "ip_local_reserved_ports", &conf->reserved);
	else
		pk__json_null(r, "ip_local_reserved_ports");
	if (conf->have_unprivileged)
		pk__json_uint(r, "ip_unprivileged_port_start", conf->unprivileged_start);
	else
		pk__json_null(r, "ip_unprivileged_port_start");
	if (socks == NULL) {
		pk__json_null(r, "sockets");
	} else {
		static const char *const names[] = { "tcp", "tcp6", "udp", "udp6" };
		pk_host_sockets_info info;
		pk_host_sockets_get_info(socks, &info);
		pk__json_object_begin(r, "sockets");
		pk__json_string(r, "source", info.source);
		pk__json_uint(r, "listening", pk_host_sockets_count(socks));
		pk__json_uint(r, "outbound", info.outbound);
		pk__json_uint(r, "owners_unknown", info.owners_unknown);
		pk__json_uint(r, "processes_denied", info.procs_denied);
		pk__json_array_begin(r, "tables_missing");
		for (unsigned i = 0; i < 4; i++)
			if (info.missing & (1u << i))
				pk__json_string(r, NULL, names[i]);
		pk__json_array_end(r);
		pk__json_bool(r, "process_scan_truncated", info.procs_truncated);
		pk__json_object_end(r);
	}
	pk__json_object_end(r);
}
