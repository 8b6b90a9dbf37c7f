/* flows.c - the classifier: a flow table of fixed size (a hard limit set
 * before the first packet, idle and least-recently-seen eviction), the
 * endpoints the fan-in evidence counts, and the per-port summary every
 * flow ends in, evicted or not.  Memory is allocated up front, so adding
 * a packet never allocates and never fails. */
#include <stddef.h>
#include <stdlib.h>
#include <sys/random.h>

#include "classify/classify_internal.h"

#define MAX_FLOWS_LO 16u
#define MAX_FLOWS_HI (1u << 26)
#define BUCKETS_START 1024u

static uint32_t pow2_at_least(uint32_t n)
{
	uint32_t p = 1;

	while (p < n)
		p <<= 1;
	return p;
}

/* A keyed multiply-xorshift mix: fast, and the key (random per table)
 * keeps a hostile capture from aiming every flow at one chain. */
static inline uint64_t mix(uint64_t h)
{
	h ^= h >> 32;
	h *= 0xd6e8feb86659fd93ull;
	h ^= h >> 32;
	h *= 0xd6e8feb86659fd93ull;
	h ^= h >> 32;
	return h;
}

static inline uint64_t endpoint_hash(uint64_t seed, const uint8_t addr[16],
				     uint16_t port, uint8_t proto)
{
	uint64_t x, y;

	memcpy(&x, addr, 8);
	memcpy(&y, addr + 8, 8);
	return mix(seed ^ x ^ mix(y ^ ((uint64_t)port << 8 | proto)));
}

/* The same for both directions of a flow. */
static inline uint32_t flow_hash(uint64_t seed, const pk_packet *p)
{
	uint64_t hs = endpoint_hash(seed, p->src, p->sport, (uint8_t)p->proto);
	uint64_t hd = endpoint_hash(seed, p->dst, p->dport, (uint8_t)p->proto);
	return (uint32_t)mix((hs ^ hd) + (hs + hd) * 0x9e3779b97f4a7c15ull);
}

pk_status pk_classify_new(const pk_registry *reg, pk_classify **out,
			  pk_error *err)
{
	pk_classify *c = calloc(1, sizeof *c);

	*out = NULL;
	if (c == NULL)
		return pk__error_set(err, PK_NOMEM, "classify: out of memory");
	c->reg = reg;
	if (getrandom(&c->seed, sizeof c->seed, GRND_NONBLOCK) != sizeof c->seed)
		c->seed = (uint64_t)(uintptr_t)c ^ 0x5851f42d4c957f2dull;
	/* The table itself is allocated by pk_classify_set_max_flows, or at
	 * the first packet with the default limit. */
	c->stats.max_flows = PK_CLASSIFY_MAX_FLOWS;
	*out = c;
	return PK_OK;
}

static void free_tables(pk_classify *c)
{
	free(c->flows);
	free(c->buckets);
	free(c->eps);
	free(c->ep_buckets);
	c->flows = NULL;
	c->buckets = c->ep_buckets = NULL;
	c->eps = NULL;
}

void pk_classify_free(pk_classify *c)
{
	if (c == NULL)
		return;
	free_tables(c);
	free(c->ports);
	free(c->order);
	free(c->port_groups);
	free(c->svc_groups);
	free(c);
}

static pk_status alloc_tables(pk_classify *c, size_t max, pk_error *err);

pk_status pk_classify_set_max_flows(pk_classify *c, size_t max, pk_error *err)
{
	if (c->stats.packets > 0 || c->stats.flows > 0 || c->finished)
		return pk__error_set(err, PK_INVAL,
				     "classify: the flow limit is set before the first packet");
	if (max < MAX_FLOWS_LO || max > MAX_FLOWS_HI)
		return pk__error_set(err, PK_RANGE,
				     "classify: invalid flow limit %zu: expected %u-%u",
				     max, MAX_FLOWS_LO, MAX_FLOWS_HI);
	return alloc_tables(c, max, err);
}

static pk_status alloc_tables(pk_classify *c, size_t max, pk_error *err)
{
	free_tables(c);
	c->max = (uint32_t)max;
	/* The hash tables start small and double with the flows they hold
	 * (up to a power of two at least the limit): a sparse table the size
	 * of the limit would put every flow's bucket on its own cache line. */
	c->nbuckets = pow2_at_least(c->max < BUCKETS_START ? c->max : BUCKETS_START);
	c->ep_max = 2 * c->max;
	c->ep_nbuckets = 2 * c->nbuckets;
	/* malloc, not calloc: entries are initialised as they are taken, so
	 * a limit of millions costs only what the capture fills. */
	c->flows = malloc((size_t)c->max * sizeof *c->flows);
	c->eps = malloc((size_t)c->ep_max * sizeof *c->eps);
	c->buckets = malloc((size_t)c->nbuckets * sizeof *c->buckets);
	c->ep_buckets = malloc((size_t)c->ep_nbuckets * sizeof *c->ep_buckets);
	if (c->flows == NULL || c->eps == NULL || c->buckets == NULL ||
	    c->ep_buckets == NULL) {
		free_tables(c);
		c->max = 0;
		return pk__error_set(err, PK_NOMEM,
				     "classify: no memory for %zu flows", max);
	}
	memset(c->buckets, 0xff, (size_t)c->nbuckets * sizeof *c->buckets);
	memset(c->ep_buckets, 0xff, (size_t)c->ep_nbuckets * sizeof *c->ep_buckets);
	c->free_flow = c->free_ep = PK__NIL;
	c->used_flows = c->used_eps = c->live = 0;
	c->lru_head = c->lru_tail = PK__NIL;
	c->stats.max_flows = max;
	return PK_OK;
}

void pk_classify_set_idle(pk_classify *c, uint32_t seconds)
{
	c->idle_s = seconds;
}

size_t pk_classify_flow_state_bytes(void)
{
	/* The entry, at most two hash buckets (a power of two at least the
	 * limit), and its share of the endpoints: two entries and their
	 * buckets at most. */
	return sizeof(pk__flowent) + 2 * sizeof(uint32_t) +
	       2 * (sizeof(pk__endpoint) + 2 * sizeof(uint32_t));
}

const pk_registry *pk_classify_registry(const pk_classify *c)
{
	return c->reg;
}

void pk_classify_get_stats_(const pk_classify *c, pk_classify_stats *out,
			    size_t out_size)
{
	pk__copy_out(out, out_size, &c->stats, sizeof c->stats);
}

/* ---- endpoints ---------------------------------------------------------- */

static uint32_t endpoint_ref(pk_classify *c, const uint8_t addr[16],
			     uint16_t port, uint8_t proto, uint8_t family)
{
	uint32_t h = (uint32_t)endpoint_hash(c->seed, addr, port, proto);
	uint32_t *head = &c->ep_buckets[h & (c->ep_nbuckets - 1)];

	for (uint32_t i = *head; i != PK__NIL; i = c->eps[i].next) {
		pk__endpoint *e = &c->eps[i];
		if (e->hash == h && e->port == port && e->proto == proto &&
		    e->family == family && memcmp(e->addr, addr, 16) == 0) {
			e->flows++;
			e->live++;
			return i;
		}
	}
	uint32_t i;
	if (c->free_ep != PK__NIL) {
		i = c->free_ep;
		c->free_ep = c->eps[i].next;
	} else {
		/* Two per live flow at most: there is always room. */
		i = c->used_eps++;
	}
	pk__endpoint *e = &c->eps[i];
	memcpy(e->addr, addr, 16);
	e->port = port;
	e->proto = proto;
	e->family = family;
	e->hash = h;
	e->flows = 1;
	e->live = 1;
	e->next = *head;
	*head = i;
	return i;
}

static void endpoint_unref(pk_classify *c, uint32_t i)
{
	pk__endpoint *e = &c->eps[i];

	if (--e->live > 0)
		return;
	uint32_t *link = &c->ep_buckets[e->hash & (c->ep_nbuckets - 1)];
	while (*link != i)
		link = &c->eps[*link].next;
	*link = e->next;
	e->next = c->free_ep;
	c->free_ep = i;
}

/* ---- the LRU list --------------------------------------------------------- */

static void lru_unlink(pk_classify *c, uint32_t i)
{
	pk__flowent *f = &c->flows[i];

	if (f->lru_prev != PK__NIL)
		c->flows[f->lru_prev].lru_next = f->lru_next;
	else
		c->lru_head = f->lru_next;
	if (f->lru_next != PK__NIL)
		c->flows[f->lru_next].lru_prev = f->lru_prev;
	else
		c->lru_tail = f->lru_prev;
}

static void lru_push(pk_classify *c, uint32_t i)
{
	pk__flowent *f = &c->flows[i];

	f->lru_prev = PK__NIL;
	f->lru_next = c->lru_head;
	if (c->lru_head != PK__NIL)
		c->flows[c->lru_head].lru_prev = i;
	c->lru_head = i;
	if (c->lru_tail == PK__NIL)
		c->lru_tail = i;
}

/* ---- the summary ------------------------------------------------------------ */

/* The summary slot of (proto, port), made when new; NULL without memory
 * (the failure is kept for pk_classify_finish). */
static pk__port_acc *port_acc(pk_classify *c, pk_proto proto, uint16_t port)
{
	uint32_t key = ((uint32_t)proto << 16 | port) + 1;

	if (2 * (c->nports + 1) > c->capports) {
		uint32_t cap = c->capports ? 2 * c->capports : 64;
		pk__port_acc *t = calloc(cap, sizeof *t);
		if (t == NULL) {
			c->nomem = true;
			return NULL;
		}
		for (uint32_t i = 0; i < c->capports; i++) {
			if (c->ports[i].key == 0)
				continue;
			uint32_t j = (uint32_t)mix(c->ports[i].key) & (cap - 1);
			while (t[j].key != 0)
				j = (j + 1) & (cap - 1);
			t[j] = c->ports[i];
		}
		free(c->ports);
		c->ports = t;
		c->capports = cap;
	}
	uint32_t j = (uint32_t)mix(key) & (c->capports - 1);
	while (c->ports[j].key != 0 && c->ports[j].key != key)
		j = (j + 1) & (c->capports - 1);
	if (c->ports[j].key == 0) {
		c->ports[j].key = key;
		c->nports++;
	}
	return &c->ports[j];
}

void pk__account(pk_classify *c, const pk_flow *d, bool evicted)
{
	pk__port_acc *a = port_acc(c, d->proto, d->server_port);

	if (a == NULL)
		return;
	a->flows++;
	a->packets += d->packets_to_server + d->packets_to_client;
	a->bytes += d->bytes_to_server + d->bytes_to_client;
	a->evicted += evicted;
	a->certain += d->confidence == PK_CONF_CERTAIN;
}

static void evict(pk_classify *c, uint32_t i, bool idle)
{
	pk__flowent *f = &c->flows[i];

	pk_flow d;
	pk__decide(c, f, &d);
	pk__account(c, &d, true);
	if (idle)
		c->stats.evicted_idle++;
	else
		c->stats.evicted_lru++;
	lru_unlink(c, i);
	uint32_t *link = &c->buckets[f->hash & (c->nbuckets - 1)];
	while (*link != i)
		link = &c->flows[*link].next;
	*link = f->next;
	endpoint_unref(c, f->ep_a);
	endpoint_unref(c, f->ep_b);
	f->next = c->free_flow;
	c->free_flow = i;
	c->live--;
}

/* ---- packets ----------------------------------------------------------------- */

static inline uint32_t sat32(uint32_t v)
{
	return v == UINT32_MAX ? v : v + 1;
}

static inline uint16_t sat16(uint16_t v)
{
	return v == UINT16_MAX ? v : (uint16_t)(v + 1);
}

/* Doubles a chained hash table when it holds more entries than buckets.
 * Without memory it stays as it is: longer chains, still correct. */
static void grow(uint32_t **buckets, uint32_t *nbuckets, uint32_t limit,
		 uint32_t held, void *entries, size_t esize, size_t hash_off,
		 size_t next_off)
{
	if (held <= *nbuckets || *nbuckets >= limit)
		return;
	uint32_t n = *nbuckets * 2;
	uint32_t *nb = malloc((size_t)n * sizeof *nb);
	if (nb == NULL)
		return;
	memset(nb, 0xff, (size_t)n * sizeof *nb);
	for (uint32_t b = 0; b < *nbuckets; b++) {
		uint32_t i = (*buckets)[b];
		while (i != PK__NIL) {
			uint8_t *e = (uint8_t *)entries + (size_t)i * esize;
			uint32_t h, next;
			memcpy(&h, e + hash_off, sizeof h);
			memcpy(&next, e + next_off, sizeof next);
			memcpy(e + next_off, &nb[h & (n - 1)], sizeof next);
			nb[h & (n - 1)] = i;
			i = next;
		}
	}
	free(*buckets);
	*buckets = nb;
	*nbuckets = n;
}

static uint32_t flow_new(pk_classify *c, const pk_packet *p, uint32_t h,
			 uint64_t ts_us)
{
	if (c->live == c->max)
		evict(c, c->lru_tail, false);
	uint32_t i;
	if (c->free_flow != PK__NIL) {
		i = c->free_flow;
		c->free_flow = c->flows[i].next;
	} else {
		i = c->used_flows++;
	}
	pk__flowent *f = &c->flows[i];
	memset(f, 0, sizeof *f);
	memcpy(f->a, p->src, 16);
	memcpy(f->b, p->dst, 16);
	f->pa = p->sport;
	f->pb = p->dport;
	f->proto = (uint8_t)p->proto;
	f->family = p->family;
	f->hash = h;
	f->first_us = ts_us;
	grow(&c->buckets, &c->nbuckets, pow2_at_least(c->max), c->live + 1, c->flows,
	     sizeof *c->flows, offsetof(pk__flowent, hash), offsetof(pk__flowent, next));
	grow(&c->ep_buckets, &c->ep_nbuckets, pow2_at_least(c->ep_max), c->used_eps + 2,
	     c->eps, sizeof *c->eps, offsetof(pk__endpoint, hash),
	     offsetof(pk__endpoint, next));
	f->ep_a = endpoint_ref(c, p->src, p->sport, (uint8_t)p->proto, p->family);
	f->ep_b = endpoint_ref(c, p->dst, p->dport, (uint8_t)p->proto, p->family);
	uint32_t *head = &c->buckets[h & (c->nbuckets - 1)];
	f->next = *head;
	*head = i;
	lru_push(c, i);
	c->live++;
	c->stats.flows++;
	if (c->live > c->stats.peak_flows)
		c->stats.peak_flows = c->live;
	return i;
}

/* The flow of p, created when new; *from_a: p goes from its end a. */
static uint32_t flow_get(pk_classify *c, const pk_packet *p, uint64_t ts_us,
			 bool *from_a)
{
	uint32_t h = flow_hash(c->seed, p);
	uint32_t i = c->buckets[h & (c->nbuckets - 1)];
	*from_a = true;
	for (; i != PK__NIL; i = c->flows[i].next) {
		const pk__flowent *f = &c->flows[i];
		/* The family too: an IPv4 address is an IPv6 one's first
		 * four bytes followed by zeros. */
		if (f->hash != h || f->proto != (uint8_t)p->proto ||
		    f->family != p->family)
			continue;
		if (f->pa == p->sport && f->pb == p->dport &&
		    memcmp(f->a, p->src, 16) == 0 && memcmp(f->b, p->dst, 16) == 0)
			break;
		if (f->pa == p->dport && f->pb == p->sport &&
		    memcmp(f->a, p->dst, 16) == 0 && memcmp(f->b, p->src, 16) == 0) {
			*from_a = false;
			break;
		}
	}
	if (i == PK__NIL) {
		i = flow_new(c, p, h, ts_us);
	} else if (i != c->lru_head) {
		lru_unlink(c, i);
		lru_push(c, i);
	}
	return i;
}

/* The table at the default limit, when none was set; false (and the
 * failure kept for pk_classify_finish) without memory. */
static bool ready(pk_classify *c)
{
	if (c->finished || c->nomem)
		return false;
	if (c->max == 0 && alloc_tables(c, c->stats.max_flows, NULL) != PK_OK) {
		c->nomem = true;
		return false;
	}
	return true;
}

void pk_classify_add(pk_classify *c, const pk_packet *p, uint64_t ts_us)
{
	if (!ready(c))
		return;
	/* Idle flows leave first, two per packet at most: the work per
	 * packet stays bounded and the list drains over a few packets. */
	if (c->idle_s > 0) {
		uint64_t limit = (uint64_t)c->idle_s * 1000000u;
		for (int k = 0; k < 2 && c->lru_tail != PK__NIL; k++) {
			const pk__flowent *t = &c->flows[c->lru_tail];
			if (ts_us < t->last_us || ts_us - t->last_us <= limit)
				break;
			evict(c, c->lru_tail, true);
		}
	}
	bool from_a;
	uint32_t i = flow_get(c, p, ts_us, &from_a);
	pk__flowent *f = &c->flows[i];
	f->last_us = ts_us;
	bool syn = false, synack = false;
	if (p->proto == PK_PROTO_TCP) {
		syn = (p->tcp_flags & (PK_TCP_SYN | PK_TCP_ACK)) == PK_TCP_SYN;
		synack = (p->tcp_flags & (PK_TCP_SYN | PK_TCP_ACK)) ==
			 (PK_TCP_SYN | PK_TCP_ACK);
	} else if (p->proto == PK_PROTO_SCTP) {
		syn = p->sctp_chunk == 1;
		synack = p->sctp_chunk == 2;
	}
	if (from_a) {
		if (f->pkts_ab == 0 && f->pkts_ba == 0)
			f->ttl_a = p->ttl;
		f->pkts_ab = sat32(f->pkts_ab);
		f->bytes_ab += p->ip_len;
		if (f->flags & PK__F_LAST_B || f->pkts_ab == 1)
			f->turns_a = sat16(f->turns_a);
		f->flags = (uint8_t)(f->flags & ~PK__F_LAST_B);
		f->flags |= (uint8_t)((syn ? PK__F_SYN_A : 0) | (synack ? PK__F_SYNACK_A : 0));
	} else {
		if (f->pkts_ba == 0)
			f->ttl_b = p->ttl;
		f->pkts_ba = sat32(f->pkts_ba);
		f->bytes_ba += p->ip_len;
		if (!(f->flags & PK__F_LAST_B))
			f->turns_b = sat16(f->turns_b);
		f->flags |= (uint8_t)(PK__F_LAST_B | (syn ? PK__F_SYN_B : 0) |
				      (synack ? PK__F_SYNACK_B : 0));
	}
}

pk_packet_status pk_classify_packet(pk_classify *c, int linktype,
				    uint64_t ts_us, const void *data,
				    size_t caplen, uint32_t wirelen)
{
	pk_packet p;
	pk_packet_status st;

	(void)wirelen; /* the IP header's length counts, cut or not */
	st = pk__packet_decode(linktype, data, data != NULL ? caplen : 0, &p);
	c->stats.packets++;
	c->stats.by_status[st]++;
	if (st == PK_PKT_OK)
		pk_classify_add(c, &p, ts_us);
	return st;
}

/* Is (proto, family, addr, port) served by a listed socket? */
static bool listens(const pk_host_sockets *s, pk_proto proto, uint8_t family,
		    const uint8_t addr[16], uint16_t port)
{
	static const uint8_t any[16];

	for (size_t i = 0; i < pk_host_sockets_count(s); i++) {
		const pk_socket *k = pk_host_sockets_get(s, i);
		if (k->proto != proto || k->port != port || !pk_socket_serves(k, family))
			continue;
		size_t n = k->family == 4 ? 4 : 16;
		if (memcmp(k->addr, any, n) == 0 ||
		    (k->family == family && memcmp(k->addr, addr, n) == 0))
			return true;
	}
	return false;
}

void pk_classify_host(pk_classify *c, const pk_host_sockets *s)
{
	if (pk_host_sockets_conn_count(s) == 0 || !ready(c))
		return;
	/* Two passes: the views from a listener's port first, so that they
	 * settle what the others would guess. */
	for (size_t n = 0; n < 2 * pk_host_sockets_conn_count(s); n++) {
		size_t i = n % pk_host_sockets_conn_count(s);
		const pk_conn *k = pk_host_sockets_conn(s, i);
		bool pass2 = n >= pk_host_sockets_conn_count(s);
		pk_packet p;
		bool from_a;
		memset(&p, 0, sizeof p);
		p.proto = k->proto;
		p.family = k->family;
		memcpy(p.src, k->laddr, 16);
		memcpy(p.dst, k->raddr, 16);
		p.sport = k->lport;
		p.dport = k->rport;
		bool local = listens(s, k->proto, k->family, k->laddr, k->lport);
		if (local == pass2)
			continue;
		uint32_t fi = flow_get(c, &p, 0, &from_a);
		pk__flowent *f = &c->flows[fi];
		/* The server end: the local one with a listener; without one,
		 * the remote one (this host opened the connection).  A loopback
		 * connection is listed from both of its sockets: a listener
		 * settles it, two views without one contradict each other and
		 * leave it unknown. */
		uint8_t a_serves = (local == from_a) ? PK__F_TRUTH_A : 0;
		/* TIME_WAIT stays with the end that closed first, server or
		 * client, and may outlive the listener: no evidence. */
		if (f->flags & PK__F_TRUTH_FIRM || (k->time_wait && !local))
			continue;
		if (local) {
			f->flags = (uint8_t)((f->flags & ~PK__F_TRUTH_A) | PK__F_TRUTH |
					     PK__F_TRUTH_FIRM | a_serves);
		} else if (!(f->flags & PK__F_TRUTH)) {
			f->flags |= (uint8_t)(PK__F_TRUTH | a_serves);
		} else if ((f->flags & PK__F_TRUTH_A) != a_serves) {
			f->flags = (uint8_t)(f->flags & ~(PK__F_TRUTH | PK__F_TRUTH_A));
			f->flags |= PK__F_TRUTH_FIRM; /* settled: unknown */
		}
	}
}
