/* nss_stress.c - libnss_portkit.so.2 under threads while its index file
 * is replaced, for tests/cli/test_nss.sh.  Built plain, under ASan with
 * the sanitizer build, and under ThreadSanitizer (with a TSan build of the
 * module: Makefile, "the NSS module").
 *
 *   nss_stress MODULE INDEX A.idx B.idx ROUNDS
 * INDEX is where the module looks (PORTKIT_NSS_INDEX); A and B are the
 * services fixture's two variants (1020/tcp "big" with three aliases, or
 * "huge" with one).  Four threads look up while the main thread renames A
 * and B over INDEX ROUNDS times, 10 ms apart; one more walks getservent_r.  Every answer
 * must be A's or B's exactly; both must be seen; after the last rename
 * (B) and the module's recheck interval, B must answer.  Prints the
 * counts; exit 0 when all held. */
#include <dlfcn.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <nss.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

typedef enum nss_status byname_fn(const char *, const char *, struct servent *,
				  char *, size_t, int *);
typedef enum nss_status byport_fn(int, const char *, struct servent *, char *,
				  size_t, int *);
typedef enum nss_status ent_fn(struct servent *, char *, size_t, int *);
typedef enum nss_status set_fn(int);

static byname_fn *byname;
static byport_fn *byport;
static ent_fn *getent;
static set_fn *setent;
static atomic_bool stop;
static atomic_long lookups, errors, seen_a, seen_b, walked;

/* 0: neither, 1: A's answer for 1020/tcp, 2: B's. */
static int which(void)
{
	char buf[1024];
	struct servent se;
	int e = 0;

	if (byport((int)htons(1020), "tcp", &se, buf, sizeof buf, &e) != NSS_STATUS_SUCCESS)
		return 0;
	if (strcmp(se.s_name, "big") == 0 && se.s_aliases[0] != NULL &&
	    strcmp(se.s_aliases[0], "big-alias-number-one") == 0 &&
	    se.s_aliases[1] != NULL && se.s_aliases[2] != NULL && se.s_aliases[3] == NULL &&
	    ntohs((uint16_t)se.s_port) == 1020 && strcmp(se.s_proto, "tcp") == 0)
		return 1;
	if (strcmp(se.s_name, "huge") == 0 && se.s_aliases[0] != NULL &&
	    strcmp(se.s_aliases[0], "huge-alias") == 0 && se.s_aliases[1] == NULL)
		return 2;
	return 0;
}

static void *looker(void *arg)
{
	(void)arg;
	while (!atomic_load(&stop)) {
		char buf[512];
		struct servent se;
		int e = 0;
		int w = which();
		if (w == 0)
			atomic_fetch_add(&errors, 1);
		else
			atomic_fetch_add(w == 1 ? &seen_a : &seen_b, 1);
		if (byname("X11", "tcp", &se, buf, sizeof buf, &e) != NSS_STATUS_SUCCESS ||
		    ntohs((uint16_t)se.s_port) != 6000)
			atomic_fetch_add(&errors, 1);
		if (byname("no-such-name", NULL, &se, buf, sizeof buf, &e) != NSS_STATUS_NOTFOUND ||
		    e != ENOENT)
			atomic_fetch_add(&errors, 1);
		atomic_fetch_add(&lookups, 3);
	}
	return NULL;
}

static void *walker(void *arg)
{
	(void)arg;
	while (!atomic_load(&stop)) {
		char buf[1024];
		struct servent se;
		int e = 0;
		long n = 0;
		setent(0);
		while (getent(&se, buf, sizeof buf, &e) == NSS_STATUS_SUCCESS)
			n++;
		if (n == 0)
			atomic_fetch_add(&errors, 1);
		atomic_fetch_add(&walked, 1);
	}
	return NULL;
}

static int copy_over(const char *from, const char *to)
{
	char tmp[4096], data[65536];
	snprintf(tmp, sizeof tmp, "%s.tmp", to);
	FILE *in = fopen(from, "rb"), *out = fopen(tmp, "wb");
	size_t n;
	int rc = -1;
	if (in != NULL && out != NULL) {
		rc = 0;
		while ((n = fread(data, 1, sizeof data, in)) > 0)
			if (fwrite(data, 1, n, out) != n)
				rc = -1;
	}
	if (in != NULL)
		fclose(in);
	if (out != NULL && fclose(out) != 0)
		rc = -1;
	if (rc == 0)
		rc = rename(tmp, to);
	return rc;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

int main(int argc, char **argv)
{
	pthread_t t[5];

	if (argc != 6) {
		fputs("usage: nss_stress MODULE INDEX A.idx B.idx ROUNDS\n", stderr);
		return 64;
	}
	if (copy_over(argv[3], argv[2]) != 0 || setenv("PORTKIT_NSS_INDEX", argv[2], 1) != 0)
		return 64;
	void *h = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
	if (h == NULL) {
		fprintf(stderr, "nss_stress: %s\n", dlerror());
		return 64;
	}
	byname = (byname_fn *)dlsym(h, "_nss_portkit_getservbyname_r");
	byport = (byport_fn *)dlsym(h, "_nss_portkit_getservbyport_r");
	getent = (ent_fn *)dlsym(h, "_nss_portkit_getservent_r");
	setent = (set_fn *)dlsym(h, "_nss_portkit_setservent");
	if (!byname || !byport || !getent || !setent)
		return 64;
	for (int i = 0; i < 5; i++)
		if (pthread_create(&t[i], NULL, i < 4 ? looker : walker, NULL) != 0)
			return 64;
	long rounds = atol(argv[5]);
	for (long i = 0; i < rounds; i++) {
		if (copy_over(i % 2 ? argv[3] : argv[4], argv[2]) != 0)
			atomic_fetch_add(&errors, 1);
		sleep_ms(10);
	}
	if (copy_over(argv[4], argv[2]) != 0)
		atomic_fetch_add(&errors, 1);
	sleep_ms(250); /* the module checks the file every 0.1 s at most */
	int last = which();
	atomic_store(&stop, true);
	for (int i = 0; i < 5; i++)
		pthread_join(t[i], NULL);
	printf("lookups %ld walks %ld answers A %ld B %ld errors %ld last %c\n",
	       atomic_load(&lookups), atomic_load(&walked), atomic_load(&seen_a),
	       atomic_load(&seen_b), atomic_load(&errors), last == 2 ? 'B' : last == 1 ? 'A' : '-');
	return atomic_load(&errors) == 0 && atomic_load(&seen_a) > 0 &&
	       atomic_load(&seen_b) > 0 && last == 2 ? 0 : 1;
}
