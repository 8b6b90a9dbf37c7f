/* bench_nss.c - the services database through glibc, and libnss_portkit
 * called directly; bench/nss.sh runs it once per database (portkit,
 * nss_files on a full-registry /etc/services and on netbase's, a stub
 * module answering NOTFOUND) in private mount namespaces, and prints the
 * table with the ratios.
 *
 *   bench_nss glibc LABEL             getservbyport_r/getservbyname_r as
 *                                     this process's nsswitch.conf says
 *   bench_nss direct MODULE           the module's entry points, dlopen'd
 *   bench_nss load LABEL MODULE RUNS  dlopen + first lookup in a fresh
 *                                     process: time and resident memory
 *                                     (the stub module too: the baseline)
 * Each prints lines "LABEL OP NS" (nanoseconds per call, the median of
 * seven batches of at least 20 ms). */
#include <dlfcn.h>
#include <netdb.h>
#include <netinet/in.h>
#include <nss.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"

typedef enum nss_status byname_fn(const char *, const char *, struct servent *,
				  char *, size_t, int *);
typedef enum nss_status byport_fn(int, const char *, struct servent *, char *,
				  size_t, int *);

static byname_fn *m_byname;
static byport_fn *m_byport;
static char buf[4096];

/* The four questions: a hit and a miss by port and by name.  443/tcp is
 * in every database measured; port 4 and the name are in none. */
enum op { PORT_HIT, PORT_MISS, NAME_HIT, NAME_MISS, NOPS };
static const char *const op_names[NOPS] = { "port-hit", "port-miss", "name-hit", "name-miss" };

static int glibc_call(enum op op)
{
	struct servent se, *res = NULL;

	switch (op) {
	case PORT_HIT:
		getservbyport_r((int)htons(443), "tcp", &se, buf, sizeof buf, &res);
		return res != NULL;
	case PORT_MISS:
		getservbyport_r((int)htons(4), "tcp", &se, buf, sizeof buf, &res);
		return res == NULL;
	case NAME_HIT:
		getservbyname_r("https", "tcp", &se, buf, sizeof buf, &res);
		return res != NULL;
	case NAME_MISS:
		getservbyname_r("no-such-service-name", "tcp", &se, buf, sizeof buf, &res);
		return res == NULL;
	case NOPS:
		break;
	}
	return 0;
}

static int direct_call(enum op op)
{
	struct servent se;
	int e = 0;

	switch (op) {
	case PORT_HIT:
		return m_byport((int)htons(443), "tcp", &se, buf, sizeof buf, &e) == NSS_STATUS_SUCCESS;
	case PORT_MISS:
		return m_byport((int)htons(4), "tcp", &se, buf, sizeof buf, &e) == NSS_STATUS_NOTFOUND;
	case NAME_HIT:
		return m_byname("https", "tcp", &se, buf, sizeof buf, &e) == NSS_STATUS_SUCCESS;
	case NAME_MISS:
		return m_byname("no-such-service-name", "tcp", &se, buf, sizeof buf, &e) == NSS_STATUS_NOTFOUND;
	case NOPS:
		break;
	}
	return 0;
}

/* ns per call of fn(op): batches of at least 20 ms, the median of 7. */
static double measure(int (*fn)(enum op), enum op op, int *ok)
{
	double v[7];
	long n = 1;

	*ok = fn(op);
	/* Calibrate: double until a batch takes 20 ms. */
	for (;;) {
		uint64_t t0 = bench_clock_ns();
		for (long i = 0; i < n; i++)
			fn(op);
		if (bench_clock_ns() - t0 >= 20000000u || n >= (1L << 26))
			break;
		n *= 2;
	}
	for (int b = 0; b < 7; b++) {
		uint64_t t0 = bench_clock_ns();
		for (long i = 0; i < n; i++)
			fn(op);
		v[b] = (double)(bench_clock_ns() - t0) / (double)n;
	}
	return bench_median(v, 7);
}

static int run_all(const char *label, int (*fn)(enum op))
{
	/* The stub answers nothing: its hits are misses too. */
	bool stub = strcmp(label, "stub") == 0;
	int status = 0;

	for (int op = 0; op < NOPS; op++) {
		int ok;
		double ns = measure(fn, (enum op)op, &ok);
		if (stub)
			ok = 1;
		printf("%s %s %.1f%s\n", label, op_names[op], ns, ok ? "" : " WRONG-ANSWER");
		if (!ok)
			status = 1;
	}
	return status;
}

static int open_module(const char *path)
{
	void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);

	if (h == NULL) {
		fprintf(stderr, "bench_nss: %s\n", dlerror());
		return -1;
	}
	m_byname = (byname_fn *)dlsym(h, "_nss_portkit_getservbyname_r");
	m_byport = (byport_fn *)dlsym(h, "_nss_portkit_getservbyport_r");
	if (m_byport == NULL) {
		/* The stub, the baseline of the load cost. */
		m_byname = (byname_fn *)dlsym(h, "_nss_pkstub_getservbyname_r");
		m_byport = (byport_fn *)dlsym(h, "_nss_pkstub_getservbyport_r");
	}
	return m_byname && m_byport ? 0 : -1;
}

/* kB of resident memory (Rss) and of it private and dirty
 * (Private_Dirty): what the process holds, and what is its own. */
static void resident_kb(long *rss, long *dirty)
{
	char line[256];
	FILE *f = fopen("/proc/self/smaps_rollup", "r");

	*rss = *dirty = 0;
	if (f == NULL)
		return;
	while (fgets(line, sizeof line, f) != NULL) {
		sscanf(line, "Rss: %ld", rss);
		sscanf(line, "Private_Dirty: %ld", dirty);
	}
	fclose(f);
}

/* dlopen and the first lookup, each in a fresh child: what a process pays
 * the first time it resolves a service through portkit. */
static int load_cost(const char *label, const char *path, int runs)
{
	double t[64];

	if (runs < 1 || runs > 64)
		runs = runs < 1 ? 1 : 64;
	long kb = 0, dirty_kb = 0;

	for (int r = 0; r < runs; r++) {
		int fd[2];
		if (pipe(fd) != 0)
			return 1;
		pid_t pid = fork();
		if (pid == 0) {
			long rss0, dirty0, rss1, dirty1;
			resident_kb(&rss0, &dirty0);
			uint64_t t0 = bench_clock_ns();
			int ok = open_module(path) == 0;
			struct servent se;
			int e = 0;
			if (ok)
				m_byport((int)htons(443), "tcp", &se, buf, sizeof buf, &e);
			double ns = (double)(bench_clock_ns() - t0);
			resident_kb(&rss1, &dirty1);
			double out[3] = { ok ? ns : -1, (double)(rss1 - rss0), (double)(dirty1 - dirty0) };
			_exit(write(fd[1], out, sizeof out) == (ssize_t)sizeof out ? 0 : 1);
		}
		double in[3] = { -1, 0, 0 };
		close(fd[1]);
		if (read(fd[0], in, sizeof in) != (ssize_t)sizeof in || in[0] < 0)
			return 1;
		close(fd[0]);
		waitpid(pid, NULL, 0);
		t[r] = in[0];
		kb = (long)in[1];
		dirty_kb = (long)in[2];
	}
	printf("%s dlopen+first-lookup %.1f\n", label, bench_median(t, runs));
	printf("%s resident-kb %ld\n", label, kb);
	printf("%s private-dirty-kb %ld\n", label, dirty_kb);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 3 && strcmp(argv[1], "glibc") == 0)
		return run_all(argv[2], glibc_call);
	if (argc >= 3 && strcmp(argv[1], "direct") == 0) {
		if (open_module(argv[2]) != 0)
			return 1;
		return run_all("direct", direct_call);
	}
	if (argc >= 5 && strcmp(argv[1], "load") == 0)
		return load_cost(argv[2], argv[3], atoi(argv[4]));
	fputs("usage: bench_nss glibc LABEL | direct MODULE | load LABEL MODULE RUNS\n", stderr);
	return 2;
}
