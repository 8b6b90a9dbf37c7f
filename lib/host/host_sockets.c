/* host_sockets.c - the sockets of this host (this network namespace):
 * listeners listed one by one with their owning process, connections this
 * host opened counted per destination.  The rows come from sockdiag.c
 * (netlink, as ss(8) reads them) or procnet.c (/proc/net tables). */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "host/host_sockets.h"

/* A connection seen before all listeners are known: whether it is
 * outbound is decided in finish. */
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
	pk_portset out_tcp, out_udp;
	bool bindv6only;
	bool have_range;
	uint16_t range_lo, range_hi;
	bool used_netlink, used_proc;
	pk_host_sockets_info info;
};

pk_status pk__host_sockets_begin(bool bindv6only, pk_host_sockets **out)
{
	pk_host_sockets *s = calloc(1, sizeof *s);

	*out = NULL;
	if (s == NULL)
		return PK_NOMEM;
	s->bindv6only = bindv6only;
	s->info.source = "";
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
	free(s->dests);
	free(s->slots);
	free(s);
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

static uint32_t dest_hash(const pk_dest_load *d)
{
	/* FNV-1a: the keys come from this host's own connections. */
	uint32_t h = 2166136261u;
	uint8_t key[20];

	key[0] = (uint8_t)d->proto;
	key[1] = d->family;
	key[2] = (uint8_t)(d->port >> 8);
	key[3] = (uint8_t)d->port;
	memcpy(key + 4, d->addr, 16);
	for (size_t i = 0; i < sizeof key; i++) {
		h ^= key[i];
		h *= 16777619u;
	}
	return h;
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
		size_t j = dest_hash(&s->dests[i]) & (n - 1);
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
	size_t j = dest_hash(key) & (s->nslots - 1);
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

/* ---- owners: which process holds which socket ---------------------------
 * As ss -p does: every /proc/PID/fd/N that links to "socket:[INODE]". */

/* Most fd entries one scan reads: a bound on the time a host with
 * millions of descriptors can cost. */
#define OWNER_SCAN_MAX_FDS ((size_t)4 << 20)

typedef struct inode_ref {
	uint64_t inode;
	size_t index;
} inode_ref;

static int cmp_inode_ref(const void *pa, const void *pb)
{
	const inode_ref *a = pa, *b = pb;
	return a->inode < b->inode ? -1 : a->inode > b->inode;
}

/* "socket:[12345]" -> 12345; false for anything else. */
static bool socket_link_inode(const char *link, size_t n, uint64_t *inode)
{
	static const char prefix[] = "socket:[";
	uint64_t v = 0;
	size_t i = sizeof prefix - 1;

	if (n < sizeof prefix + 1 || memcmp(link, prefix, sizeof prefix - 1) != 0 ||
	    link[n - 1] != ']')
		return false;
	if (n - 1 - i > 20)
		return false;
	for (; i < n - 1; i++) {
		if (link[i] < '0' || link[i] > '9')
			return false;
		uint64_t d = (uint64_t)(link[i] - '0');
		if (v > (UINT64_MAX - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*inode = v;
	return true;
}

static bool all_digits(const char *s)
{
	if (*s == '\0')
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

static void read_comm(int procfd, const char *pid, char comm[16])
{
	char path[64];
	ssize_t n = -1;

	snprintf(path, sizeof path, "%s/comm", pid);
	int fd = openat(procfd, path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		n = read(fd, comm, 15);
		close(fd);
	}
	if (n < 0)
		n = 0;
	comm[n] = '\0';
	comm[strcspn(comm, "\n")] = '\0';
}

/* Scans one process's descriptors; returns false when they could not be
 * read (another user's process without privileges). */
static bool scan_process(pk_host_sockets *s, int procfd, const char *pid,
			 const inode_ref *refs, size_t nrefs, size_t *budget)
{
	char path[64];
	char link[64];

	snprintf(path, sizeof path, "%s/fd", pid);
	int fdfd = openat(procfd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fdfd < 0)
		return errno == ENOENT; /* gone meanwhile: nothing to see */
	DIR *d = fdopendir(fdfd);
	if (d == NULL) {
		close(fdfd);
		return false;
	}
	struct dirent *e;
	char comm[16];
	bool have_comm = false;
	long pidnum = strtol(pid, NULL, 10);
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		if (*budget == 0) {
			s->info.procs_truncated = true;
			break;
		}
		(*budget)--;
		ssize_t n = readlinkat(dirfd(d), e->d_name, link, sizeof link);
		uint64_t inode;
		if (n <= 0 || (size_t)n >= sizeof link ||
		    !socket_link_inode(link, (size_t)n, &inode))
			continue;
		inode_ref key = { .inode = inode };
		const inode_ref *r = bsearch(&key, refs, nrefs, sizeof *refs,
					     cmp_inode_ref);
		if (r == NULL)
			continue;
		/* Equal inodes are adjacent: visit each listed socket. */
		while (r > refs && r[-1].inode == inode)
			r--;
		for (; r < refs + nrefs && r->inode == inode; r++) {
			pk_socket *k = &s->socks[r->index];
			if (!have_comm) {
				read_comm(procfd, pid, comm);
				have_comm = true;
			}
			k->nprocs++;
			/* The lowest pid is usually the parent that bound. */
			if (k->pid == 0 || pidnum < k->pid) {
				k->pid = (int32_t)pidnum;
				memcpy(k->comm, comm, sizeof comm);
			}
		}
	}
	closedir(d);
	return true;
}

static pk_status scan_owners(pk_host_sockets *s, const char *proc_root)
{
	inode_ref *refs = NULL;
	size_t nrefs = 0;
	size_t budget = OWNER_SCAN_MAX_FDS;
	pk_status st = PK_OK;
	int procfd = -1;
	DIR *d = NULL;

	if (s->nsocks == 0)
		return PK_OK;
	refs = malloc(s->nsocks * sizeof *refs);
	if (refs == NULL)
		return PK_NOMEM;
	for (size_t i = 0; i < s->nsocks; i++)
		if (s->socks[i].inode != 0)
			refs[nrefs++] = (inode_ref){ s->socks[i].inode, i };
	if (nrefs == 0)
		goto out;
	qsort(refs, nrefs, sizeof *refs, cmp_inode_ref);

	procfd = open(proc_root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (procfd < 0)
		goto out; /* owners stay unknown; counted below */
	d = fdopendir(dup(procfd));
	if (d == NULL)
		goto out;
	struct dirent *e;
	while ((e = readdir(d)) != NULL && !s->info.procs_truncated) {
		if (!all_digits(e->d_name) || strlen(e->d_name) > 10)
			continue;
		if (scan_process(s, procfd, e->d_name, refs, nrefs, &budget))
			s->info.procs_scanned++;
		else
			s->info.procs_denied++;
	}
out:
	if (d != NULL)
		closedir(d);
	if (procfd >= 0)
		close(procfd);
	free(refs);
	return st;
}

/* ---- reading ------------------------------------------------------------ */

static const struct table {
	const char *file;
	pk_proto proto;
	uint8_t family;
	unsigned bit;
} tables[] = {
	{ "tcp", PK_PROTO_TCP, 4, PK_SOCKTAB_TCP4 },
	{ "tcp6", PK_PROTO_TCP, 6, PK_SOCKTAB_TCP6 },
	{ "udp", PK_PROTO_UDP, 4, PK_SOCKTAB_UDP4 },
	{ "udp6", PK_PROTO_UDP, 6, PK_SOCKTAB_UDP6 },
};

/* Largest /proc/net table read: about 150 bytes a socket, so room for
 * more than a million. */
#define PROCNET_MAX_BYTES ((size_t)256 << 20)

static pk_status read_procnet(pk_host_sockets *s, const char *root,
			      const struct table *t, pk_error *err)
{
	char path[4096];
	char *data = NULL;
	size_t len = 0;
	pk_status st;

	if ((size_t)snprintf(path, sizeof path, "%s/net/%s", root, t->file) >=
	    sizeof path)
		return pk__error_set(err, PK_INVAL, "proc root '%.60s...': path too long",
				    root);
	st = pk__read_file(path, PROCNET_MAX_BYTES, &data, &len, NULL);
	if (st == PK_NOMEM)
		return st;
	if (st != PK_OK) {
		/* No IPv6 in this kernel, or a fixture without the file. */
		pk__host_sockets_note_table(s, t->bit, false, false);
		return PK_OK;
	}
	st = pk__procnet_parse(s, data, len, t->proto, t->family, path, err);
	free(data);
	if (st == PK_OK)
		pk__host_sockets_note_table(s, t->bit, true, false);
	return st;
}

/* net.ipv6.bindv6only: whether an IPv6 socket that did not say is
 * IPv6-only.  Only the /proc tables need the guess; netlink tells. */
static bool read_bindv6only(const char *root)
{
	char path[4096];
	char *data = NULL;
	size_t len;
	bool on = false;

	if ((size_t)snprintf(path, sizeof path, "%s/sys/net/ipv6/bindv6only",
			     root) >= sizeof path)
		return false;
	if (pk__read_file(path, 64, &data, &len, NULL) == PK_OK)
		on = data[0] == '1';
	free(data);
	return on;
}

pk_status pk_host_sockets_read(const char *proc_root, unsigned flags,
			       pk_host_sockets **out, pk_error *err)
{
	pk_host_sockets *s = NULL;
	pk_status st;

	*out = NULL;
	pk__error_clear(err);
	if (proc_root == NULL)
		proc_root = getenv("PROC_ROOT");
	if (proc_root == NULL || proc_root[0] == '\0')
		proc_root = "/proc";
	/* A different proc root describes another host: what netlink says
	 * about this one would be wrong there. */
	bool netlink = !(flags & PK_SOCKETS_NO_NETLINK) &&
		       strcmp(proc_root, "/proc") == 0;

	if ((st = pk__host_sockets_begin(read_bindv6only(proc_root), &s)) != PK_OK)
		return pk__error_set(err, st, "reading sockets: %s",
				    pk_strerror(st));
	pk_host_portconf *conf = malloc(sizeof *conf);
	if (conf == NULL) {
		st = pk__error_set(err, PK_NOMEM, "reading sockets: %s",
				  pk_strerror(PK_NOMEM));
		goto out;
	}
	/* Unreadable or malformed settings only cost the sharper split. */
	if (pk_host_portconf_read(proc_root, conf, NULL) == PK_OK &&
	    conf->have_range)
		pk__host_sockets_set_range(s, conf->ephemeral_lo, conf->ephemeral_hi);
	free(conf);
	for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++) {
		const struct table *t = &tables[i];
		if (netlink) {
			pk_error nlerr;
			size_t nsocks = s->nsocks, nconns = s->nconns;
			st = pk__sockdiag_dump(s, t->family, t->proto, &nlerr);
			if (st == PK_OK) {
				pk__host_sockets_note_table(s, t->bit, true, true);
				continue;
			}
			if (st == PK_NOMEM || st == PK_TOOBIG) {
				pk__error_set(err, st, "%s", nlerr.message);
				goto out;
			}
			/* No sock_diag for this table (a kernel without
			 * udp_diag, a seccomp filter): the file says it.
			 * Rows of a dump that failed half-way are dropped
			 * (their destinations keep a zero count). */
			s->nsocks = nsocks;
			s->nconns = nconns;
		}
		if ((st = read_procnet(s, proc_root, t, err)) != PK_OK)
			goto out;
	}
	if (s->info.tables == 0) {
		st = pk__error_set(err, PK_IO,
				  "%s/net/{tcp,tcp6,udp,udp6}: no socket table could be read",
				  proc_root);
		goto out;
	}
	if ((st = pk__host_sockets_finish(s)) != PK_OK) {
		pk__error_set(err, st, "reading sockets: %s", pk_strerror(st));
		goto out;
	}
	if (!(flags & PK_SOCKETS_NO_OWNERS) &&
	    (st = scan_owners(s, proc_root)) != PK_OK) {
		pk__error_set(err, st, "reading socket owners: %s",
			     pk_strerror(st));
		goto out;
	}
	for (size_t i = 0; i < s->nsocks; i++)
		if (s->socks[i].pid == 0)
			s->info.owners_unknown++;
	*out = s;
	s = NULL;
out:
	pk_host_sockets_free(s);
	return st;
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
