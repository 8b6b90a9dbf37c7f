/* host_sockets.c - pk_host_sockets_read(): the sockets of this host (this
 * network namespace) read through netlink (sockdiag.c, as ss(8) reads
 * them) or the /proc/net tables (procnet.c) into a table (socktable.c),
 * then the owning process of each listener from /proc/PID/fd. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "host/host_sockets.h"

/* ---- owners: which process holds which socket ---------------------------
 * As ss -p does: every /proc/PID/fd/N that links to "socket:[INODE]". */

/* Most fd entries one scan reads: a bound on the time a host with
 * millions of descriptors can cost. */
#define OWNER_SCAN_MAX_FDS ((size_t)4 << 20)

typedef struct inode_ref {
	uint64_t inode;
	size_t index;
	bool conn;      /* index is into the connections, not the sockets */
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
static bool scan_process(pk_socket *socks, pk_conn *conns,
			 pk_host_sockets_info *info,
			 int procfd, const char *pid, const inode_ref *refs,
			 size_t nrefs, size_t *budget)
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
			info->procs_truncated = true;
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
			if (!have_comm) {
				read_comm(procfd, pid, comm);
				have_comm = true;
			}
			if (r->conn) {
				pk_conn *c = &conns[r->index];
				if (c->pid == 0 || pidnum < c->pid) {
					c->pid = (int32_t)pidnum;
					memcpy(c->comm, comm, sizeof comm);
				}
				continue;
			}
			pk_socket *k = &socks[r->index];
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
	pk_host_sockets_info *info = pk__host_sockets_info(s);
	size_t nsocks, nconns;
	pk_socket *socks = pk__host_sockets_sockets(s, &nsocks);
	pk_conn *conns = pk__host_sockets_conns(s, &nconns);
	inode_ref *refs = NULL;
	size_t nrefs = 0;
	size_t budget = OWNER_SCAN_MAX_FDS;
	pk_status st = PK_OK;
	int procfd = -1;
	DIR *d = NULL;

	if (nsocks + nconns == 0)
		return PK_OK;
	refs = malloc((nsocks + nconns) * sizeof *refs);
	if (refs == NULL)
		return PK_NOMEM;
	for (size_t i = 0; i < nsocks; i++)
		if (socks[i].inode != 0)
			refs[nrefs++] = (inode_ref){ socks[i].inode, i, false };
	for (size_t i = 0; i < nconns; i++)
		if (conns[i].inode != 0)
			refs[nrefs++] = (inode_ref){ conns[i].inode, i, true };
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
	while ((e = readdir(d)) != NULL && !info->procs_truncated) {
		if (!all_digits(e->d_name) || strlen(e->d_name) > 10)
			continue;
		if (scan_process(socks, conns, info, procfd, e->d_name, refs, nrefs, &budget))
			info->procs_scanned++;
		else
			info->procs_denied++;
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
	if (flags & PK_SOCKETS_CONNECTIONS)
		pk__host_sockets_keep_conns(s);
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
			pk_sockrows_mark mark = pk__host_sockets_mark(s);
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
			pk__host_sockets_rollback(s, mark);
		}
		if ((st = read_procnet(s, proc_root, t, err)) != PK_OK)
			goto out;
	}
	if (pk__host_sockets_info(s)->tables == 0) {
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
	size_t nsocks;
	const pk_socket *socks = pk__host_sockets_sockets(s, &nsocks);
	for (size_t i = 0; i < nsocks; i++)
		if (socks[i].pid == 0)
			pk__host_sockets_info(s)->owners_unknown++;
	*out = s;
	s = NULL;
out:
	pk_host_sockets_free(s);
	return st;
}
