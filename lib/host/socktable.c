/* socktable.c - the sockets of this host as a table: rows from a reader
 * (sockdiag.c, procnet.c) go in one by one; listeners are kept one by
 * one, connections this host opened are counted per destination.  The
 * table knows nothing of where rows come from, so the readers depend on
 * it and not the other way round (host_sockets.c drives both). */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/siphash.h"
#include "host/host_sockets.h"

typedef struct conn {
	uint32_t dest;  /* index into dests */
	uint16_t lport;
	uint16_t rport;
	uint8_t proto;
	uint8_t time_wait;
} conn;

struct pk_host_sockets {
	pk_socket *socks;
	size_t nsocks, capsocks;
	conn *conns;
	size_t nconns, capconns;
	pk_dest_load *dests;
	size_t ndests, capdests;
	uint32_t *slots; /* open addressing: dest index + 1, 0 = empty */
	size_t nslots;   /* a power of two, > 2 * ndests */
	pk_sipkey key;   /* of dest_hash, random per table */
	pk_portset out_tcp, out_udp;
	bool bindv6only;
	bool have_range;
	uint16_t range_lo, range_hi;
	bool used_netlink, used_proc;
	pk_host_sockets_info info;
	bool keep_conns;  /* PK_SOCKETS_CONNECTIONS: list each connection */
	pk_conn *full;
	size_t nfull, capfull;
};

pk_status pk__host_sockets_begin(bool bindv6only, pk_host_sockets **out)
{
	pk_host_sockets *s = calloc(1, sizeof *s);

	*out = NULL;
	if (s == NULL)
		return PK_NOMEM;
	s->bindv6only = bindv6only;
	s->info.source = "";
	pk__sipkey_random(&s->key);
	*out = s;
	return PK_OK;
}

void pk__host_sockets_set_range(pk_host_sockets *s, uint16_t lo, uint16_t hi)
{
	s->have_range = lo <= hi;
	s->range_lo = lo;
	s->range_hi = hi;
}

void pk_host_sockets_free(pk_host_sockets *s)
{
	if (s == NULL)
		return;
	free(s->socks);
	free(s->conns);
	free(s->full);
	free(s->dests);
	free(s->slots);
	free(s);
}

void pk__host_sockets_keep_conns(pk_host_sockets *s)
{
	s->keep_conns = true;
}

/* Grows *arr (of elem-sized items) to hold one more; PK_NOMEM, or
 * PK_TOOBIG past the row cap. */
static pk_status grow(void **arr, size_t *cap, size_t n, size_t elem)
{
	if (n < *cap)
		return PK_OK;
	if (n >= PK_SOCKETS_MAX_ROWS)
		return PK_TOOBIG;
	size_t ncap = *cap ? *cap * 2 : 64;
	void *p = realloc(*arr, ncap * elem);
	if (p == NULL)
		return PK_NOMEM;
	*arr = p;
	*cap = ncap;
	return PK_OK;
}

static bool addr_is_any(const uint8_t a[16], uint8_t family)
{
	size_t n = family == 4 ? 4 : 16;
	for (size_t i = 0; i < n; i++)
		if (a[i] != 0)
			return false;
	return true;
}

static bool addr_is_v4mapped(const uint8_t a[16])
{
	static const uint8_t prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	return memcmp(a, prefix, sizeof prefix) == 0;
}

/* ---- destinations: a small hash table over (proto, family, addr, port) */

/* Keyed: any local user chooses the destinations of the sockets it
 * opens (a UDP connect() costs nothing), and with an unkeyed hash could
 * make them all share a slot and the table quadratic. */
static uint32_t dest_hash(const pk_host_sockets *s, const pk_dest_load *d)
{
	uint8_t key[20];

	key[0] = (uint8_t)d->proto;
	key[1] = d->family;
	key[2] = (uint8_t)(d->port >> 8);
	key[3] = (uint8_t)d->port;
	memcpy(key + 4, d->addr, 16);
	return (uint32_t)pk__siphash24(&s->key, key, sizeof key);
}

static bool dest_equal(const pk_dest_load *a, const pk_dest_load *b)
{
	return a->proto == b->proto && a->family == b->family &&
	       a->port == b->port && memcmp(a->addr, b->addr, 16) == 0;
}

static pk_status rehash(pk_host_sockets *s)
{
	size_t n = s->nslots ? s->nslots * 2 : 256;
	uint32_t *slots = calloc(n, sizeof *slots);

	if (slots == NULL)
		return PK_NOMEM;
	for (size_t i = 0; i < s->ndests; i++) {
		size_t j = dest_hash(s, &s->dests[i]) & (n - 1);
		while (slots[j] != 0)
			j = (j + 1) & (n - 1);
		slots[j] = (uint32_t)i + 1;
	}
	free(s->slots);
	s->slots = slots;
	s->nslots = n;
	return PK_OK;
}

/* The index of key's destination, added when new. */
static pk_status dest_find(pk_host_sockets *s, const pk_dest_load *key,
			   uint32_t *index)
{
	pk_status st;

	if (2 * (s->ndests + 1) > s->nslots && (st = rehash(s)) != PK_OK)
		return st;
	size_t j = dest_hash(s, key) & (s->nslots - 1);
	while (s->slots[j] != 0) {
		if (dest_equal(&s->dests[s->slots[j] - 1], key)) {
			*index = s->slots[j] - 1;
			return PK_OK;
		}
		j = (j + 1) & (s->nslots - 1);
	}
	st = grow((void **)&s->dests, &s->capdests, s->ndests, sizeof *s->dests);
	if (st != PK_OK)
		return st;
	s->dests[s->ndests] = *key;
	s->slots[j] = (uint32_t)s->ndests + 1;
	*index = (uint32_t)s->ndests++;
	return PK_OK;
}

/* ---- rows --------------------------------------------------------------- */

static bool is_connection_state(uint8_t state)
{
	switch (state) {
	case PK_TCP_ESTABLISHED:
	case PK_TCP_SYN_SENT:
	case PK_TCP_FIN_WAIT1:
	case PK_TCP_FIN_WAIT2:
	case PK_TCP_TIME_WAIT:
	case PK_TCP_CLOSE_WAIT:
	case PK_TCP_LAST_ACK:
	case PK_TCP_CLOSING:
		return true;
	default:
		return false;
	}
}

pk_status pk__host_sockets_add_row(pk_host_sockets *s, const pk_sockrow *row)
{
	pk_status st;
	bool listed;

	if (row->family != 4 && row->family != 6)
		return PK_OK;
	if (row->proto == PK_PROTO_TCP)
		listed = row->state == PK_TCP_LISTEN;
	else if (row->proto == PK_PROTO_UDP)
		/* An unconnected UDP socket is what `ss -ul` calls listening;
		 * a UDP socket is only in the table once it has a port. */
		listed = row->state == PK_TCP_CLOSE;
	else
		return PK_OK;

	if (listed) {
		st = grow((void **)&s->socks, &s->capsocks, s->nsocks,
			  sizeof *s->socks);
		if (st != PK_OK)
			return st;
		pk_socket *k = &s->socks[s->nsocks++];
		memset(k, 0, sizeof *k);
		k->proto = row->proto;
		k->family = row->family;
		memcpy(k->addr, row->laddr, 16);
		k->port = row->lport;
		k->ifindex = row->ifindex;
		k->uid = row->uid;
		k->inode = row->inode;
		k->v6only_known = row->v6only >= 0;
		bool v6only = row->v6only >= 0 ? row->v6only != 0 : s->bindv6only;
		k->dual_stack = row->family == 6 && !v6only &&
				addr_is_any(row->laddr, 6);
		return PK_OK;
	}
	if (!(row->proto == PK_PROTO_TCP ? is_connection_state(row->state) :
					    row->state == PK_TCP_ESTABLISHED))
		return PK_OK;

	pk_dest_load key;
	memset(&key, 0, sizeof key);
	key.proto = row->proto;
	key.port = row->rport;
	/* A dual-stack socket talking to an IPv4 peer is an IPv4 flow. */
	if (row->family == 6 && addr_is_v4mapped(row->raddr)) {
		key.family = 4;
		memcpy(key.addr, row->raddr + 12, 4);
	} else {
		key.family = row->family;
		memcpy(key.addr, row->raddr, row->family == 4 ? 4 : 16);
	}
	uint32_t index;
	if ((st = dest_find(s, &key, &index)) != PK_OK)
		return st;
	st = grow((void **)&s->conns, &s->capconns, s->nconns, sizeof *s->conns);
	if (st != PK_OK)
		return st;
	s->conns[s->nconns++] = (conn){ .dest = index, .lport = row->lport,
					.rport = row->rport,
					.proto = (uint8_t)row->proto,
					.time_wait = row->state == PK_TCP_TIME_WAIT };
	if (!s->keep_conns)
		return PK_OK;
	st = grow((void **)&s->full, &s->capfull, s->nfull, sizeof *s->full);
	if (st != PK_OK)
		return st;
	pk_conn *c = &s->full[s->nfull++];
	memset(c, 0, sizeof *c);
	c->proto = row->proto;
	c->family = key.family;
	c->time_wait = row->state == PK_TCP_TIME_WAIT;
	/* IPv4 peers of dual-stack sockets as IPv4 on both ends. */
	if (key.family == 4 && row->family == 6)
		memcpy(c->laddr, row->laddr + 12, 4);
	else
		memcpy(c->laddr, row->laddr, 16);
	memcpy(c->raddr, key.addr, 16);
	c->lport = row->lport;
	c->rport = row->rport;
	c->uid = row->uid;
	c->inode = row->inode;
	c->state = row->state;
	return PK_OK;
}

void pk__host_sockets_note_table(pk_host_sockets *s, unsigned table, bool read,
				bool netlink)
{
	if (read) {
		s->info.tables |= table;
		s->info.missing &= ~table;
		if (netlink)
			s->used_netlink = true;
		else
			s->used_proc = true;
	} else if (!(s->info.tables & table)) {
		s->info.missing |= table;
	}
	s->info.source = s->used_netlink ? (s->used_proc ? "netlink+proc" :
							   "netlink") :
					   (s->used_proc ? "proc" : "");
}

static int cmp_socket(const void *pa, const void *pb)
{
	const pk_socket *a = pa, *b = pb;

	if (a->proto != b->proto)
		return a->proto < b->proto ? -1 : 1;
	if (a->port != b->port)
		return a->port < b->port ? -1 : 1;
	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	int c = memcmp(a->addr, b->addr, 16);
	if (c != 0)
		return c;
	return a->inode < b->inode ? -1 : a->inode > b->inode;
}

static int cmp_dest(const void *pa, const void *pb)
{
	const pk_dest_load *a = pa, *b = pb;

	if (a->count != b->count)
		return a->count > b->count ? -1 : 1;
	if (a->proto != b->proto)
		return a->proto < b->proto ? -1 : 1;
	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	int c = memcmp(a->addr, b->addr, 16);
	if (c != 0)
		return c;
	return a->port < b->port ? -1 : a->port > b->port;
}

pk_status pk__host_sockets_finish(pk_host_sockets *s)
{
	/* On the heap: two 8 KiB sets are a lot of stack for a library. */
	pk_portset *listen_tcp = malloc(2 * sizeof *listen_tcp);
	pk_portset *bound_udp;

	if (listen_tcp == NULL)
		return PK_NOMEM;
	bound_udp = listen_tcp + 1;
	pk_portset_clear(listen_tcp);
	pk_portset_clear(bound_udp);
	for (size_t i = 0; i < s->nsocks; i++)
		pk_portset_add(s->socks[i].proto == PK_PROTO_TCP ? listen_tcp :
								   bound_udp,
			       s->socks[i].port);

	/* A connection on a listener's port was accepted (or, for UDP, is a
	 * server's connected socket): it used no ephemeral port. */
	pk_portset_clear(&s->out_tcp);
	pk_portset_clear(&s->out_udp);
	for (size_t i = 0; i < s->ndests; i++)
		s->dests[i].count = s->dests[i].time_wait = 0;
	s->info.outbound = 0;
	for (size_t i = 0; i < s->nconns; i++) {
		const conn *c = &s->conns[i];
		bool tcp = c->proto == PK_PROTO_TCP;
		if (pk_portset_contains(tcp ? listen_tcp : bound_udp, c->lport))
			continue;
		if (s->have_range &&
		    (c->lport < s->range_lo || c->lport > s->range_hi) &&
		    c->rport >= s->range_lo && c->rport <= s->range_hi)
			continue;
		pk_portset_add(tcp ? &s->out_tcp : &s->out_udp, c->lport);
		s->dests[c->dest].count++;
		s->dests[c->dest].time_wait += c->time_wait;
		s->info.outbound++;
	}
	free(listen_tcp);

	/* Keep the destinations that carry outbound load; the hash index is
	 * not needed any more. */
	size_t n = 0;
	for (size_t i = 0; i < s->ndests; i++)
		if (s->dests[i].count > 0)
			s->dests[n++] = s->dests[i];
	s->ndests = n;
	free(s->slots);
	s->slots = NULL;
	s->nslots = 0;
	free(s->conns);
	s->conns = NULL;
	s->nconns = s->capconns = 0;

	/* qsort wants an array, even an empty one. */
	if (s->nsocks > 0)
		qsort(s->socks, s->nsocks, sizeof *s->socks, cmp_socket);
	if (s->ndests > 0)
		qsort(s->dests, s->ndests, sizeof *s->dests, cmp_dest);
	return PK_OK;
}

/* ---- for the reader (host_sockets.c) ------------------------------------ */

pk_sockrows_mark pk__host_sockets_mark(const pk_host_sockets *s)
{
	return (pk_sockrows_mark){ s->nsocks, s->nconns, s->nfull };
}

void pk__host_sockets_rollback(pk_host_sockets *s, pk_sockrows_mark m)
{
	if (m.socks <= s->nsocks)
		s->nsocks = m.socks;
	if (m.conns <= s->nconns)
		s->nconns = m.conns;
	if (m.full <= s->nfull)
		s->nfull = m.full;
}

pk_socket *pk__host_sockets_sockets(pk_host_sockets *s, size_t *n)
{
	*n = s->nsocks;
	return s->socks;
}

pk_conn *pk__host_sockets_conns(pk_host_sockets *s, size_t *n)
{
	*n = s->nfull;
	return s->full;
}

pk_host_sockets_info *pk__host_sockets_info(pk_host_sockets *s)
{
	return &s->info;
}

/* ---- accessors ---------------------------------------------------------- */

void pk_host_sockets_get_info_(const pk_host_sockets *s,
			       pk_host_sockets_info *out, size_t out_size)
{
	pk__copy_out(out, out_size, &s->info, sizeof s->info);
}

size_t pk_host_sockets_count(const pk_host_sockets *s)
{
	return s->nsocks;
}

const pk_socket *pk_host_sockets_get(const pk_host_sockets *s, size_t i)
{
	return i < s->nsocks ? &s->socks[i] : NULL;
}

size_t pk_host_sockets_dest_count(const pk_host_sockets *s)
{
	return s->ndests;
}

const pk_dest_load *pk_host_sockets_dest(const pk_host_sockets *s, size_t i)
{
	return i < s->ndests ? &s->dests[i] : NULL;
}

const pk_portset *pk_host_sockets_outbound_ports(const pk_host_sockets *s,
						 pk_proto proto)
{
	return proto == PK_PROTO_UDP ? &s->out_udp : &s->out_tcp;
}

bool pk_socket_serves(const pk_socket *s, int family)
{
	if (s->family == 6 && addr_is_v4mapped(s->addr))
		return family == 4;
	return s->family == family || (family == 4 && s->dual_stack);
}

const char *pk_addr_format(uint8_t family, const uint8_t addr[16], char *buf,
			   size_t size)
{
	char tmp[INET6_ADDRSTRLEN];

	if (inet_ntop(family == 4 ? AF_INET : AF_INET6, addr, tmp, sizeof tmp) ==
	    NULL)
		snprintf(tmp, sizeof tmp, "?");
	snprintf(buf, size, "%s", tmp);
	return buf;
}

size_t pk_host_sockets_conn_count(const pk_host_sockets *s)
{
	return s->nfull;
}

const pk_conn *pk_host_sockets_conn(const pk_host_sockets *s, size_t i)
{
	return i < s->nfull ? &s->full[i] : NULL;
}
