/* decide.c - which end of a flow is the server.  A seen handshake decides
 * alone; otherwise each piece of evidence gives points to one end and the
 * margin between the ends is the confidence (docs/classify.md lists the
 * weights and why).  Strongest kinds first: the handshake, port evidence
 * from the registry and the OS ephemeral ranges, fan-in, who spoke first
 * and request/response turns, the lower port last. */
#include "classify/classify_internal.h"

/* Points per kind of evidence. */
enum {
	W_HALF_HANDSHAKE = 60,
	W_SYSTEM_SERVICE = 30,   /* IANA assigns a port below 1024 */
	W_USER_SERVICE = 20,     /* IANA assigns a port above */
	W_LISTED_SERVICE = 12,   /* services(5) or an unofficial list only */
	W_SERVICE_IN_EPH = 8,    /* assigned, but inside the likely range */
	W_EPHEMERAL = 20,        /* Linux's range, or 49152-65535 */
	W_EPHEMERAL_WIDE = 8,    /* only FreeBSD's wide 10000-65535 */
	W_FAN_IN = 25,
	W_FAN_IN_TWO = 10,
	W_UDP_FIRST = 15,
	W_TCP_FIRST = 5,         /* the capture may start mid-stream */
	W_REQ_RESP = 10,
	W_ONE_WAY = 15,
	W_LOWER = 5
};

/* Services whose flows bring others on negotiated, dynamic ports. */
static const struct dynamic_service {
	uint16_t port;
	uint8_t proto; /* 0: both */
	const char *why;
} dynamic_services[] = {
	{ 21, PK_PROTO_TCP, "FTP data connections on ports the control connection negotiates" },
	{ 69, PK_PROTO_UDP, "TFTP answers from a new server port" },
	{ 111, 0, "ONC RPC programs on ports the portmapper hands out" },
	{ 135, 0, "DCE/Microsoft RPC services on dynamic ports" },
	{ 554, 0, "RTSP media streams on negotiated ports" },
	{ 1719, PK_PROTO_UDP, "H.323 media on negotiated ports" },
	{ 1720, PK_PROTO_TCP, "H.323 media on negotiated ports" },
	{ 1723, PK_PROTO_TCP, "PPTP carries its tunnel in GRE" },
	{ 5060, 0, "SIP sets up RTP media on negotiated ports" },
	{ 5061, 0, "SIP sets up RTP media on negotiated ports" },
};

const char *pk_confidence_name(pk_confidence c)
{
	static const char *const names[] = { "low", "medium", "high", "certain" };
	return (unsigned)c < 4 ? names[c] : "unknown";
}

const char *pk_evidence_name(pk_evidence_kind kind)
{
	static const char *const names[PK_EV_KIND_COUNT] = {
		"handshake", "syn", "syn-ack", "service-port", "ephemeral-port",
		"fan-in", "spoke-first", "request-response", "one-way", "lower-port"
	};
	return (unsigned)kind < PK_EV_KIND_COUNT ? names[kind] : "unknown";
}

/* An OS family from the initial TTL a packet suggests: 64 Linux, BSDs and
 * macOS; 128 Windows; 0 not known (no packet, or 255: many systems). */
enum { OS_ANY = 0, OS_UNIX = 1, OS_WINDOWS = 2 };

static int os_of_ttl(uint8_t ttl)
{
	if (ttl == 0 || ttl > 128)
		return OS_ANY;
	return ttl <= 64 ? OS_UNIX : OS_WINDOWS;
}

/* The common profiles of lib/ephemeral (pk_os_profiles) whose range
 * holds port and that fit the OS family, as a mask of their indices; the
 * weight that earns the other end (0: none).  A range of less than half
 * the port space (Linux's, macOS's, Windows') marks a port firmly;
 * FreeBSD's 10000-65535 only weakly. */
static unsigned ephemeral_weight(uint16_t port, int os, uint32_t *mask)
{
	size_t n;
	const pk_os_profile *p = pk_os_profiles(&n);
	bool narrow = false;

	*mask = 0;
	for (size_t i = 0; i < n && i < 32; i++) {
		if (!p[i].common || port < p[i].lo || port > p[i].hi)
			continue;
		bool windows = strncmp(p[i].id, "windows", 7) == 0;
		if ((os == OS_WINDOWS && !windows) || (os == OS_UNIX && windows))
			continue;
		*mask |= 1u << i;
		if ((uint32_t)(p[i].hi - p[i].lo) < 32768)
			narrow = true;
	}
	if (*mask == 0)
		return 0;
	return narrow ? W_EPHEMERAL : W_EPHEMERAL_WIDE;
}

/* What the registry says of a port as a service port: the weight. */
static unsigned service_weight(const pk_registry *reg, uint16_t port,
			       pk_proto proto, bool in_eph)
{
	if (reg == NULL)
		return 0;
	if (pk_port_use(reg, port, proto, PK_ORIGINMASK_IANA, NULL, 0, NULL) ==
	    PK_PORT_ASSIGNED) {
		if (in_eph)
			return W_SERVICE_IN_EPH;
		return port < 1024 ? W_SYSTEM_SERVICE : W_USER_SERVICE;
	}
	if (pk_port_services(reg, port, proto, PK_ORIGINMASK_ALL, NULL, 0) > 0)
		return in_eph ? W_SERVICE_IN_EPH : W_LISTED_SERVICE;
	return 0;
}

typedef struct tally {
	unsigned score[2]; /* 0: a, 1: b */
	size_t n;
	struct {
		pk_evidence_kind kind;
		int side;
		unsigned weight;
		uint32_t value;
		uint32_t profiles;
	} ev[PK_EVIDENCE_MAX];
} tally;

static void give(tally *t, pk_evidence_kind kind, int side, unsigned weight,
		 uint32_t value, uint32_t profiles)
{
	t->score[side] += weight;
	if (t->n < PK_EVIDENCE_MAX) {
		t->ev[t->n].kind = kind;
		t->ev[t->n].side = side;
		t->ev[t->n].weight = weight;
		t->ev[t->n].value = value;
		t->ev[t->n].profiles = profiles;
		t->n++;
	}
}

static void fill_ends(const pk__flowent *f, int server, pk_flow *out)
{
	const uint8_t *sa = server == 0 ? f->a : f->b;
	const uint8_t *ca = server == 0 ? f->b : f->a;

	memcpy(out->server_addr, sa, 16);
	memcpy(out->client_addr, ca, 16);
	out->server_port = server == 0 ? f->pa : f->pb;
	out->client_port = server == 0 ? f->pb : f->pa;
	out->packets_to_server = server == 0 ? f->pkts_ba : f->pkts_ab;
	out->packets_to_client = server == 0 ? f->pkts_ab : f->pkts_ba;
	out->bytes_to_server = server == 0 ? f->bytes_ba : f->bytes_ab;
	out->bytes_to_client = server == 0 ? f->bytes_ab : f->bytes_ba;
}

static void warnings(const pk__flowent *f, pk_flow *out)
{
	uint32_t profiles;

	if (ephemeral_weight(out->server_port, OS_ANY, &profiles) > 0)
		out->warnings |= PK_FLOW_WARN_EPHEMERAL;
	for (size_t i = 0; i < sizeof dynamic_services / sizeof dynamic_services[0]; i++) {
		const struct dynamic_service *d = &dynamic_services[i];
		if (d->port == out->server_port && (d->proto == 0 || d->proto == f->proto)) {
			out->warnings |= PK_FLOW_WARN_DYNAMIC;
			out->dynamic_why = d->why;
			break;
		}
	}
}

/* A host connection: the listening sockets say which end serves. */
static void truth(const pk__flowent *f, int server, pk_flow *out)
{
	if (!(f->flags & PK__F_TRUTH))
		return;
	out->truth_known = true;
	out->truth_agrees = (server == 0) == ((f->flags & PK__F_TRUTH_A) != 0);
}

void pk__decide(const pk_classify *c, const pk__flowent *f, pk_flow *out)
{
	pk_proto proto = (pk_proto)f->proto;
	uint16_t port[2] = { f->pa, f->pb };
	uint8_t ttl[2] = { f->ttl_a, f->ttl_b };
	tally t;

	memset(out, 0, sizeof *out);
	memset(&t, 0, sizeof t);
	out->proto = proto;
	out->family = f->family;
	out->first_us = f->first_us;
	out->last_us = f->last_us;

	/* The handshake: a SYN from one end answered by a SYN/ACK from the
	 * other (SCTP: INIT and INIT ACK). */
	bool syn[2] = { f->flags & PK__F_SYN_A, f->flags & PK__F_SYN_B };
	bool synack[2] = { f->flags & PK__F_SYNACK_A, f->flags & PK__F_SYNACK_B };
	for (int s = 0; s < 2; s++) {
		if (synack[s] && syn[1 - s] && !syn[s]) {
			fill_ends(f, s, out);
			out->confidence = PK_CONF_CERTAIN;
			out->score = 100;
			out->evidence_count = 1;
			out->evidence[0].kind = PK_EV_HANDSHAKE;
			out->evidence[0].for_server = true;
			out->evidence[0].weight = 100;
			warnings(f, out);
			truth(f, s, out);
			return;
		}
	}
	if (syn[0] != syn[1]) /* a SYN unanswered, or its answer unseen */
		give(&t, PK_EV_SYN, syn[0] ? 1 : 0, W_HALF_HANDSHAKE, 0, 0);
	else if (synack[0] != synack[1])
		give(&t, PK_EV_SYNACK, synack[0] ? 0 : 1, W_HALF_HANDSHAKE, 0, 0);

	/* Port evidence: a service port points at its own end, a port in an
	 * ephemeral range (of the OS the end's TTL suggests) at the other. */
	uint32_t profiles[2];
	unsigned eph[2];
	for (int s = 0; s < 2; s++)
		eph[s] = ephemeral_weight(port[s], os_of_ttl(ttl[s]), &profiles[s]);
	if (port[0] != port[1]) {
		unsigned svc[2];
		for (int s = 0; s < 2; s++)
			svc[s] = service_weight(c->reg, port[s], proto, eph[s] > 0);
		/* Both ports named: a client bound to a service port (SOCKS's
		 * 1080 talking to 1494) reads like a server, so the ports only
		 * hint, at a third of their weight. */
		unsigned div = svc[0] > 0 && svc[1] > 0 ? 3 : 1;
		for (int s = 0; s < 2; s++)
			if (svc[s] / div > 0)
				give(&t, PK_EV_SERVICE_PORT, s, svc[s] / div, port[s], 0);
		for (int s = 0; s < 2; s++)
			if (eph[s] / div > 0)
				give(&t, PK_EV_EPHEMERAL_PORT, 1 - s, eph[s] / div, port[s],
				     profiles[s]);
	}

	/* Fan-in: one address:port in several flows, its peer in one. */
	uint32_t fl[2] = { c->eps[f->ep_a].flows, c->eps[f->ep_b].flows };
	for (int s = 0; s < 2; s++) {
		if (fl[s] >= 3 && fl[1 - s] * 3 <= fl[s])
			give(&t, PK_EV_FAN_IN, s, W_FAN_IN, fl[s], 0);
		else if (fl[s] == 2 && fl[1 - s] == 1)
			give(&t, PK_EV_FAN_IN, s, W_FAN_IN_TWO, fl[s], 0);
	}

	/* Who spoke first: a is the end whose packet came first (a host
	 * connection has no packets to say). */
	if (f->pkts_ab == 0) {
		/* nothing */
	} else if (f->pkts_ba == 0) {
		if (proto != PK_PROTO_TCP)
			give(&t, PK_EV_ONE_WAY, 1, W_ONE_WAY, 0, 0);
	} else if (proto == PK_PROTO_TCP) {
		give(&t, PK_EV_SPOKE_FIRST, 1, W_TCP_FIRST, 0, 0);
	} else {
		give(&t, PK_EV_SPOKE_FIRST, 1, W_UDP_FIRST, 0, 0);
		/* Requests answered in turn: a began each exchange. */
		if (f->turns_a >= 2 && f->turns_b >= 2)
			give(&t, PK_EV_REQUEST_RESPONSE, 1, W_REQ_RESP, f->turns_b, 0);
	}

	/* The rule tcpdump and Wireshark use, weak: the lower port. */
	if (port[0] != port[1])
		give(&t, PK_EV_LOWER_PORT, port[0] < port[1] ? 0 : 1, W_LOWER,
		     port[0] < port[1] ? port[0] : port[1], 0);

	/* A tie goes to the end that received the first packet. */
	int server = t.score[0] > t.score[1] ? 0 : 1;
	unsigned margin = t.score[server] - t.score[1 - server];
	fill_ends(f, server, out);
	out->score = (uint8_t)(50 + (margin > 49 ? 49 : margin));
	out->confidence = out->score >= 90 ? PK_CONF_HIGH :
			  out->score >= 70 ? PK_CONF_MEDIUM : PK_CONF_LOW;
	/* Strongest first: by weight, the evidence for the server first. */
	for (int pass = 0; pass < 2; pass++) {
		for (int w = 100; w >= 0; w--) {
			for (size_t i = 0; i < t.n; i++) {
				if ((int)t.ev[i].weight != w ||
				    (t.ev[i].side == server) != (pass == 0))
					continue;
				pk_evidence *e = &out->evidence[out->evidence_count++];
				e->kind = t.ev[i].kind;
				e->for_server = pass == 0;
				e->weight = (uint8_t)t.ev[i].weight;
				e->value = t.ev[i].value;
				e->profiles = t.ev[i].profiles;
			}
		}
	}
	warnings(f, out);
	truth(f, server, out);
}
