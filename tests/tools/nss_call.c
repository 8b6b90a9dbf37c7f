/* nss_call.c - calls libnss_portkit.so.2's entry points directly, as glibc
 * would, for tests/cli/test_nss.sh: the AT_SECURE case (a set-user-ID
 * copy of this program, which dlopens the module by its path: ld.so
 * ignores LD_LIBRARY_PATH then, glibc's NSS would find nothing).
 *
 *   nss_call MODULE name NAME [PROTO]
 *   nss_call MODULE port PORT [PROTO]
 * prints "name port/proto alias..." (exit 0) or "notfound" (exit 2), and
 * "at_secure=N" on stderr. */
#include <dlfcn.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <nss.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>

#if defined(__SANITIZE_ADDRESS__)
/* A set-user-ID process cannot read its own /proc/self/environ, so the
 * sanitizer never sees ASAN_OPTIONS there, and LeakSanitizer, which
 * needs to ptrace the process, fails at exit: built in instead. */
const char *__asan_default_options(void);
__attribute__((visibility("default"))) const char *__asan_default_options(void)
{
	return "detect_leaks=0";
}
#endif

typedef enum nss_status byname_fn(const char *, const char *, struct servent *,
				  char *, size_t, int *);
typedef enum nss_status byport_fn(int, const char *, struct servent *, char *,
				  size_t, int *);

int main(int argc, char **argv)
{
	static char buf[65536];
	struct servent se;
	enum nss_status st;
	int e = 0;

	if (argc < 4 || argc > 5) {
		fputs("usage: nss_call MODULE name|port KEY [PROTO]\n", stderr);
		return 64;
	}
	fprintf(stderr, "at_secure=%lu\n", getauxval(AT_SECURE));
	void *h = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
	if (h == NULL) {
		fprintf(stderr, "nss_call: %s\n", dlerror());
		return 64;
	}
	const char *proto = argc > 4 ? argv[4] : NULL;
	if (strcmp(argv[2], "name") == 0) {
		byname_fn *fn = (byname_fn *)dlsym(h, "_nss_portkit_getservbyname_r");
		if (fn == NULL)
			return 64;
		st = fn(argv[3], proto, &se, buf, sizeof buf, &e);
	} else {
		byport_fn *fn = (byport_fn *)dlsym(h, "_nss_portkit_getservbyport_r");
		if (fn == NULL)
			return 64;
		st = fn((int)htons((uint16_t)atoi(argv[3])), proto, &se, buf, sizeof buf, &e);
	}
	if (st != NSS_STATUS_SUCCESS) {
		printf("notfound\n");
		return 2;
	}
	printf("%s %d/%s", se.s_name, ntohs((uint16_t)se.s_port), se.s_proto);
	for (char **a = se.s_aliases; *a != NULL; a++)
		printf(" %s", *a);
	printf("\n");
	return 0;
}
