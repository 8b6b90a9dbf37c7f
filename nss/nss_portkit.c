/*
 * nss_portkit.c - libnss_portkit.so.2: glibc's services database
 * (getservbyname, getservbyport, getservent) answered from the portkit
 * registry, `services: files portkit` in /etc/nsswitch.conf.  docs/nss.md
 * says what it answers, from which file, and why.
 *
 * A front end: it parses glibc's arguments, asks the registry's services(5)
 * view (pk_services_*, the same rule `portkit export --format services`
 * writes) and lays the answer out in the caller's buffer.  It runs inside
 * every program on the host, so it never prints, never uses stdio, never
 * allocates per lookup (only when it maps a registry), takes no lock a
 * fork could leave held, and leaves errno as it found it except where
 * glibc's protocol says otherwise.
 */
#include <errno.h>
#include <netdb.h>
#include <nss.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "portkit.h"

NSS_DECLARE_MODULE_FUNCTIONS(portkit)

#define NSS_API __attribute__((visibility("default")))

/* How often, at most, the index file is checked for replacement: a stat()
 * per lookup would add a system call to every lookup, which otherwise
 * makes none (the coarse clock is read from the vDSO). */
#define RECHECK_NS 100000000LL /* 0.1 s */

/* One registry the module has opened.  Generations are published with an
 * atomic pointer and never freed: a lookup that started on an older one
 * may still be reading its mapping (the pages of a replaced file stay
 * valid until unmapped).  Each replacement of the index therefore keeps
 * one mapping (its address space; the kernel may drop its clean pages). */
typedef struct generation {
	pk_registry *reg;
	struct generation *older; /* reachable, for leak checkers */
	/* The file it was opened for (or that failed and left the snapshot
	 * answering); seen == false: no file existed. */
	bool seen;
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime;
} generation;

static _Atomic(generation *) current;
static _Atomic long long checked_ns = -1; /* CLOCK_MONOTONIC_COARSE */
/* The enumeration's next entry (pk_services_next_entry's position). */
static _Atomic uint32_t enum_pos;

/* The index the module reads: PORTKIT_NSS_INDEX (an absolute path) when
 * the process is not setuid, setgid or otherwise AT_SECURE (secure_getenv
 * returns NULL then), else the system index of `portkit update --system`. */
static const char *index_path(void)
{
	const char *p = secure_getenv("PORTKIT_NSS_INDEX");

	return p != NULL && p[0] == '/' ? p : PK_SYSTEM_INDEX_PATH;
}

static bool same_file(const generation *g, const struct stat *sb)
{
	return g->seen && g->dev == sb->st_dev && g->ino == sb->st_ino &&
	       g->size == sb->st_size && g->mtime.tv_sec == sb->st_mtim.tv_sec &&
	       g->mtime.tv_nsec == sb->st_mtim.tv_nsec;
}

static long long now_ns(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC_COARSE, &ts) != 0)
		return 0;
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Opens what should answer now and publishes it; returns what answers. */
static generation *refresh(generation *old)
{
	const char *path = index_path();
	struct stat sb;
	generation *g;
	bool exists = stat(path, &sb) == 0;

	if (old != NULL && (exists ? same_file(old, &sb) : !old->seen))
		return old;
	g = calloc(1, sizeof *g);
	if (g == NULL)
		return old;
	if (exists) {
		g->seen = true;
		g->dev = sb.st_dev;
		g->ino = sb.st_ino;
		g->size = sb.st_size;
		g->mtime = sb.st_mtim;
		/* A file that cannot be read (an AppArmor profile without the
		 * rule of docs/nss.md, a bad index) leaves the embedded
		 * snapshot answering until the file changes. */
		if (pk_registry_open_file(path, &g->reg, NULL) != PK_OK)
			g->reg = NULL;
	}
	if (g->reg == NULL && pk_registry_open_embedded(&g->reg, NULL) != PK_OK) {
		free(g);
		return old;
	}
	g->older = old;
	/* Lock-free, so that a fork in the middle leaves nothing held: the
	 * loser of a race closes its own, never-published registry. */
	generation *expected = old;
	if (!atomic_compare_exchange_strong(&current, &expected, g)) {
		pk_registry_close(g->reg);
		free(g);
		return expected;
	}
	return g;
}

/* The registry to answer from, or NULL (no memory on first use). */
static const pk_registry *registry(void)
{
	generation *g = atomic_load_explicit(&current, memory_order_acquire);
	long long now = now_ns();
	long long last = atomic_load_explicit(&checked_ns, memory_order_relaxed);

	if (g != NULL && last >= 0 && now - last < RECHECK_NS)
		return g->reg;
	atomic_store_explicit(&checked_ns, now, memory_order_relaxed);
	g = refresh(g);
	return g != NULL ? g->reg : NULL;
}

/* "tcp", "udp", "sctp", "dccp" (as nss_files, case-sensitive) or NULL
 * (any: PK_PROTO_NONE); false for any other transport. */
static bool parse_proto(const char *s, pk_proto *out)
{
	if (s == NULL) {
		*out = PK_PROTO_NONE;
		return true;
	}
	for (unsigned p = PK_PROTO_TCP; p < PK_PROTO_COUNT; p++)
		if (strcmp(s, pk_proto_name((pk_proto)p)) == 0) {
			*out = (pk_proto)p;
			return true;
		}
	return false;
}

/*
 * The entry (port, proto) into result, everything in buffer: the aliases
 * array (aligned), then the strings.  glibc's protocol: ERANGE with
 * TRYAGAIN when buflen is too small (the caller retries with more).
 */
static enum nss_status fill(const pk_registry *reg, uint16_t port,
			    pk_proto proto, struct servent *result,
			    char *buffer, size_t buflen, int *errnop)
{
	const char *pname = pk_proto_name(proto);
	size_t nnames = 0, bytes = strlen(pname) + 1;
	uint64_t c = 0;
	const char *s;

	while ((s = pk_services_name_next(reg, port, proto, &c, NULL)) != NULL) {
		nnames++;
		bytes += strlen(s) + 1;
	}
	if (nnames == 0) {
		*errnop = ENOENT;
		return NSS_STATUS_NOTFOUND;
	}
	size_t pad = (size_t)(-(uintptr_t)buffer & (_Alignof(char *) - 1));
	/* nnames - 1 aliases and the NULL that ends them. */
	size_t need = pad + nnames * sizeof(char *) + bytes;
	if (buffer == NULL || buflen < need) {
		*errnop = ERANGE;
		return NSS_STATUS_TRYAGAIN;
	}
	char **aliases = (char **)(void *)(buffer + pad);
	char *p = buffer + pad + nnames * sizeof(char *);
	size_t i = 0;

	c = 0;
	while ((s = pk_services_name_next(reg, port, proto, &c, NULL)) != NULL) {
		size_t len = strlen(s) + 1;
		memcpy(p, s, len);
		if (i == 0)
			result->s_name = p;
		else
			aliases[i - 1] = p;
		p += len;
		i++;
	}
	aliases[nnames - 1] = NULL;
	memcpy(p, pname, strlen(pname) + 1);
	result->s_proto = p;
	result->s_aliases = aliases;
	result->s_port = (int)htons(port);
	return NSS_STATUS_SUCCESS;
}

static enum nss_status notfound(int *errnop)
{
	*errnop = ENOENT;
	return NSS_STATUS_NOTFOUND;
}

/* No registry at all (memory ran out on first use): the next source in
 * nsswitch.conf answers. */
static enum nss_status unavailable(int *errnop)
{
	*errnop = ENOMEM;
	return NSS_STATUS_UNAVAIL;
}

NSS_API enum nss_status _nss_portkit_getservbyname_r(const char *name,
						     const char *proto,
						     struct servent *result,
						     char *buffer, size_t buflen,
						     int *errnop)
{
	int saved = errno;
	pk_proto want, got;
	uint16_t port;

	const pk_registry *reg = registry();
	errno = saved;
	if (reg == NULL)
		return unavailable(errnop);
	if (name == NULL || !parse_proto(proto, &want) ||
	    !pk_services_find_name(reg, name, want, &port, &got))
		return notfound(errnop);
	return fill(reg, port, got, result, buffer, buflen, errnop);
}

NSS_API enum nss_status _nss_portkit_getservbyport_r(int port, const char *proto,
						     struct servent *result,
						     char *buffer, size_t buflen,
						     int *errnop)
{
	int saved = errno;
	pk_proto want, got;
	/* glibc passes the port in network byte order, as s_port holds it. */
	uint16_t p = ntohs((uint16_t)port);

	const pk_registry *reg = registry();
	errno = saved;
	if (reg == NULL)
		return unavailable(errnop);
	if (!parse_proto(proto, &want) || !pk_services_find_port(reg, p, want, &got))
		return notfound(errnop);
	return fill(reg, p, got, result, buffer, buflen, errnop);
}

NSS_API enum nss_status _nss_portkit_setservent(int stayopen)
{
	(void)stayopen; /* the registry stays mapped either way */
	atomic_store(&enum_pos, 0);
	return NSS_STATUS_SUCCESS;
}

NSS_API enum nss_status _nss_portkit_endservent(void)
{
	atomic_store(&enum_pos, 0);
	return NSS_STATUS_SUCCESS;
}

NSS_API enum nss_status _nss_portkit_getservent_r(struct servent *result,
						  char *buffer, size_t buflen,
						  int *errnop)
{
	int saved = errno;
	const pk_registry *reg = registry();

	errno = saved;
	if (reg == NULL)
		return unavailable(errnop);
	for (;;) {
		uint32_t pos = atomic_load(&enum_pos), next = pos;
		uint16_t port;
		pk_proto proto;

		if (!pk_services_next_entry(reg, &next, &port, &proto, NULL))
			return notfound(errnop);
		enum nss_status st = fill(reg, port, proto, result, buffer, buflen, errnop);
		/* A buffer too small keeps the position: the retry with a
		 * larger one gets the same entry. */
		if (st != NSS_STATUS_SUCCESS)
			return st;
		/* Entries are numbered by (port, transport) whatever the
		 * registry, so a replacement mid-walk continues where it was. */
		if (atomic_compare_exchange_strong(&enum_pos, &pos, next))
			return st;
	}
}
