/* test_nss_module.c - libnss_portkit.so.2's entry points, dlopen'd and
 * called as glibc calls them, on a fixture index (PORTKIT_NSS_INDEX):
 *   - every buffer size from 0 up (at two alignments) for getservbyport_r,
 *     getservbyname_r and getservent_r: ERANGE with TRYAGAIN below the
 *     size the answer needs, the whole answer inside the buffer from it
 *     on, never a byte past buflen, errno untouched on success;
 *   - misses: NOTFOUND with ENOENT, errno untouched;
 *   - getservent_r: every (name, port, transport) once, the entries of the
 *     library's services(5) view, a small buffer keeping the position;
 *   - no allocation per lookup (malloc counted, or ASan's hooks);
 *   - after fork, the child answers from the inherited mapping.
 * The module is BUILD/libnss_portkit.so.2, next to BUILD/tests/. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <nss.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "helper_regfix.h"

typedef enum nss_status byname_fn(const char *, const char *, struct servent *,
				  char *, size_t, int *);
typedef enum nss_status byport_fn(int, const char *, struct servent *, char *,
				  size_t, int *);
typedef enum nss_status ent_fn(struct servent *, char *, size_t, int *);
typedef enum nss_status set_fn(int);
typedef enum nss_status end_fn(void);

static byname_fn *byname;
static byport_fn *byport;
static ent_fn *getent;
static set_fn *setent;
static end_fn *endent;
static char *tmpdir;
static char index_path[PATH_MAX];

/* ---- counting allocations ------------------------------------------------ */

static volatile long allocations;

#if defined(__SANITIZE_ADDRESS__)
int __sanitizer_install_malloc_and_free_hooks(
	void (*malloc_hook)(const volatile void *, size_t),
	void (*free_hook)(const volatile void *));
static void count_malloc(const volatile void *p, size_t n)
{
	(void)p;
	(void)n;
	allocations++;
}
static void count_free(const volatile void *p)
{
	(void)p;
}
static void install_counter(void)
{
	/* Both hooks, or none is installed. */
	__sanitizer_install_malloc_and_free_hooks(count_malloc, count_free);
}
#else
/* glibc's own allocator under the public names: every allocation of the
 * process, the module's included, passes here. */
void *__libc_malloc(size_t);
void *__libc_calloc(size_t, size_t);
void *__libc_realloc(void *, size_t);
void *malloc(size_t n);
void *calloc(size_t a, size_t b);
void *realloc(void *p, size_t n);
void *malloc(size_t n)
{
	allocations++;
	return __libc_malloc(n);
}
void *calloc(size_t a, size_t b)
{
	allocations++;
	return __libc_calloc(a, b);
}
void *realloc(void *p, size_t n)
{
	allocations++;
	return __libc_realloc(p, n);
}
static void install_counter(void)
{
}
#endif

/* ---- the fixture ------------------------------------------------------------- */

typedef struct frec {
	const char *name;
	pk_proto proto;
	int lo, hi;
	pk_rec_origin origin;
	const char *aliases[4];
} frec;

static const frec fixture[] = {
	{ "bad name", PK_PROTO_TCP, 1001, 1001, PK_ORIGIN_IANA, { NULL } },
	{ "svc", PK_PROTO_TCP, 1020, 1020, PK_ORIGIN_IANA, { "a1", "alias-two", "a3", NULL } },
	{ "grafana", PK_PROTO_TCP, 3000, 3000, PK_ORIGIN_UNOFFICIAL, { NULL } },
	{ "x11", PK_PROTO_TCP, 6000, 6002, PK_ORIGIN_SUPPLEMENT, { NULL } },
	{ "boe", PK_PROTO_NONE, 7000, 7000, PK_ORIGIN_IANA, { NULL } },
	{ "Mixed", PK_PROTO_UDP, 7100, 7100, PK_ORIGIN_IANA, { "mixed-alias", NULL } },
};

/* The entries getservent_r must give, in order. */
static const char *const entries[] = {
	"svc 1020/tcp a1 alias-two a3", "x11 6000/tcp", "x11 6001/tcp", "x11 6002/tcp",
	"boe 7000/tcp", "boe 7000/udp", "Mixed 7100/udp mixed-alias",
};
#define NENTRIES (sizeof entries / sizeof entries[0])

static void write_fixture(const char *path)
{
	pk_builder *b = pk__builder_new();
	pk_registry *reg;
	pk_error err;

	assert_non_null(b);
	for (size_t i = 0; i < sizeof fixture / sizeof fixture[0]; i++) {
		const frec *f = &fixture[i];
		pk_record r;
		uint32_t at;
		memset(&r, 0, sizeof r);
		r.name = f->name;
		r.proto = f->proto;
		r.has_port = true;
		r.port_lo = (uint16_t)f->lo;
		r.port_hi = (uint16_t)f->hi;
		r.kind = PK_KIND_ASSIGNED;
		r.origin = f->origin;
		r.description = "fixture";
		assert_int_equal(pk__builder_add(b, &r, &at), PK_OK);
		for (size_t k = 0; f->aliases[k] != NULL; k++)
			assert_int_equal(pk__builder_add_alias(b, at, f->aliases[k]), PK_OK);
	}
	reg = regfix_open(b);
	assert_int_equal(pk_registry_save(reg, path, &err), PK_OK);
	pk_registry_close(reg);
	pk__builder_free(b);
}

static int setup(void **state)
{
	char exe[PATH_MAX], mod[PATH_MAX + 64];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);

	(void)state;
	if (n <= 0)
		return -1;
	exe[n] = '\0';
	char *slash = strrchr(exe, '/'); /* BUILD/tests/test_nss_module */
	*slash = '\0';
	slash = strrchr(exe, '/');
	*slash = '\0';
	snprintf(mod, sizeof mod, "%s/libnss_portkit.so.2", exe);
	tmpdir = regfix_tmpdir();
	snprintf(index_path, sizeof index_path, "%s/registry.idx", tmpdir);
	write_fixture(index_path);
	/* Read when the module first looks, which is after this. */
	setenv("PORTKIT_NSS_INDEX", index_path, 1);
	void *h = dlopen(mod, RTLD_NOW | RTLD_LOCAL);
	if (h == NULL) {
		fprintf(stderr, "dlopen %s: %s\n", mod, dlerror());
		return -1;
	}
	byname = (byname_fn *)dlsym(h, "_nss_portkit_getservbyname_r");
	byport = (byport_fn *)dlsym(h, "_nss_portkit_getservbyport_r");
	getent = (ent_fn *)dlsym(h, "_nss_portkit_getservent_r");
	setent = (set_fn *)dlsym(h, "_nss_portkit_setservent");
	endent = (end_fn *)dlsym(h, "_nss_portkit_endservent");
	if (!byname || !byport || !getent || !setent || !endent)
		return -1;
	install_counter();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	regfix_rmtree(tmpdir);
	free(tmpdir);
	return 0;
}

/* "name port/proto alias..." of an answer. */
static const char *describe(const struct servent *se)
{
	static char buf[512];
	size_t n = (size_t)snprintf(buf, sizeof buf, "%s %d/%s", se->s_name,
				    ntohs((uint16_t)se->s_port), se->s_proto);
	for (char **a = se->s_aliases; *a != NULL && n < sizeof buf; a++)
		n += (size_t)snprintf(buf + n, sizeof buf - n, " %s", *a);
	return buf;
}

static bool inside(const void *p, const char *buf, size_t len)
{
	return (const char *)p >= buf && (const char *)p < buf + len;
}

/* The answer lies wholly in buf[0..len): every string and the aliases
 * array. */
static void assert_inside(const struct servent *se, const char *buf, size_t len)
{
	assert_true(inside(se->s_name, buf, len));
	assert_true(inside(se->s_name + strlen(se->s_name), buf, len));
	assert_true(inside(se->s_proto + strlen(se->s_proto), buf, len));
	assert_true(inside(se->s_aliases, buf, len));
	assert_int_equal((uintptr_t)se->s_aliases % _Alignof(char *), 0);
	size_t i = 0;
	for (; se->s_aliases[i] != NULL; i++)
		assert_true(inside(se->s_aliases[i] + strlen(se->s_aliases[i]), buf, len));
	assert_true(inside(&se->s_aliases[i], buf, len));
}

enum call { BY_PORT, BY_NAME, ENT };

static enum nss_status call(enum call c, struct servent *se, char *buf,
			    size_t len, int *e)
{
	switch (c) {
	case BY_PORT:
		return byport((int)htons(1020), "tcp", se, buf, len, e);
	case BY_NAME:
		return byname("ALIAS-TWO", NULL, se, buf, len, e);
	case ENT:
		return getent(se, buf, len, e);
	}
	return NSS_STATUS_UNAVAIL;
}

/* Every size from 0 up at alignment offset off: TRYAGAIN + ERANGE below
 * one size, the whole answer from it on; nothing written past len. */
static void every_size(enum call c, size_t off)
{
	enum { GUARD = 32, MAX = 256 };
	static char mem[MAX + GUARD + 16];
	size_t first_ok = 0;

	if (c == ENT)
		setent(0);
	for (size_t len = 0; len <= MAX; len++) {
		struct servent se;
		char *buf = mem + off;
		int e = 0;
		memset(mem, 0x5a, sizeof mem);
		errno = 4242;
		enum nss_status st = call(c, &se, len == 0 ? NULL : buf, len, &e);
		for (size_t g = len; g < len + GUARD; g++)
			assert_int_equal((unsigned char)buf[g], 0x5a);
		if (st == NSS_STATUS_TRYAGAIN) {
			assert_int_equal(e, ERANGE);
			assert_int_equal(first_ok, 0); /* never again after a success */
			continue;
		}
		assert_int_equal(st, NSS_STATUS_SUCCESS);
		assert_int_equal(errno, 4242);
		assert_string_equal(describe(&se), "svc 1020/tcp a1 alias-two a3");
		assert_inside(&se, buf, len);
		if (first_ok == 0)
			first_ok = len;
		if (c == ENT) {
			/* The retries kept the position: the first entry came;
			 * from the next size on, start again. */
			setent(0);
		}
	}
	/* Pointers for three aliases and the NULL, and 4 + 3 + 10 + 3 + 4
	 * bytes of strings: the answer cannot fit in less. */
	assert_true(first_ok >= 4 * sizeof(char *) + 24);
	assert_true(first_ok <= 4 * sizeof(char *) + 24 + _Alignof(char *));
}

static void test_buffers_by_port(void **state)
{
	(void)state;
	every_size(BY_PORT, 0);
	every_size(BY_PORT, 1);
}

static void test_buffers_by_name(void **state)
{
	(void)state;
	every_size(BY_NAME, 0);
	every_size(BY_NAME, 3);
}

static void test_buffers_getservent(void **state)
{
	(void)state;
	every_size(ENT, 0);
	every_size(ENT, 5);
	endent();
}

static void test_answers_and_misses(void **state)
{
	char buf[1024];
	struct servent se;
	int e;

	(void)state;
	/* Case-insensitive names, any transport or one, ranges per port. */
	e = 0;
	assert_int_equal(byname("mixed", "udp", &se, buf, sizeof buf, &e), NSS_STATUS_SUCCESS);
	assert_string_equal(describe(&se), "Mixed 7100/udp mixed-alias");
	assert_int_equal(byname("X11", NULL, &se, buf, sizeof buf, &e), NSS_STATUS_SUCCESS);
	assert_string_equal(describe(&se), "x11 6000/tcp");
	assert_int_equal(byport((int)htons(6001), NULL, &se, buf, sizeof buf, &e), NSS_STATUS_SUCCESS);
	assert_string_equal(describe(&se), "x11 6001/tcp");
	assert_int_equal(byport((int)htons(7000), "udp", &se, buf, sizeof buf, &e), NSS_STATUS_SUCCESS);
	assert_string_equal(describe(&se), "boe 7000/udp");
	assert_int_equal(byname("boe", "udp", &se, buf, sizeof buf, &e), NSS_STATUS_SUCCESS);
	assert_string_equal(describe(&se), "boe 7000/udp");

	/* Misses: NOTFOUND, ENOENT in *errnop, errno itself untouched. */
	struct {
		const char *name;
		int port;
		const char *proto;
	} misses[] = {
		{ NULL, 4, "tcp" }, { NULL, 1020, "udp" }, { NULL, 1020, "ddp" },
		{ NULL, 1020, "TCP" }, { NULL, 7000, "sctp" }, { NULL, 3000, NULL },
		{ NULL, 1001, "tcp" }, { "bad name", 0, NULL }, { "grafana", 0, NULL },
		{ "svc", 0, "udp" }, { "nothing", 0, NULL }, { "", 0, NULL },
		{ "x11", 0, "sctp" },
	};
	for (size_t i = 0; i < sizeof misses / sizeof misses[0]; i++) {
		enum nss_status st;
		e = 0;
		errno = 4242;
		if (misses[i].name != NULL)
			st = byname(misses[i].name, misses[i].proto, &se, buf, sizeof buf, &e);
		else
			st = byport((int)htons((uint16_t)misses[i].port), misses[i].proto, &se,
				    buf, sizeof buf, &e);
		assert_int_equal(st, NSS_STATUS_NOTFOUND);
		assert_int_equal(e, ENOENT);
		assert_int_equal(errno, 4242);
	}
}

/* getservent_r: the entries of the view, each once, in order; then
 * NOTFOUND; endservent starts over. */
static void test_enumeration(void **state)
{
	char buf[1024];
	struct servent se;
	int e = 0;
	pk_registry *reg;
	pk_error err;

	(void)state;
	assert_int_equal(pk_registry_open_file(index_path, &reg, &err), PK_OK);
	for (int round = 0; round < 2; round++) {
		uint32_t pos = 0;
		size_t n = 0;
		setent(1);
		while (getent(&se, buf, sizeof buf, &e) == NSS_STATUS_SUCCESS) {
			assert_true(n < NENTRIES);
			assert_string_equal(describe(&se), entries[n]);
			/* The library's view has the same entry there. */
			uint16_t port;
			pk_proto proto;
			assert_true(pk_services_next_entry(reg, &pos, &port, &proto, NULL));
			assert_int_equal(port, ntohs((uint16_t)se.s_port));
			assert_string_equal(pk_proto_name(proto), se.s_proto);
			n++;
		}
		assert_int_equal(e, ENOENT);
		assert_int_equal(n, NENTRIES);
		uint16_t port;
		pk_proto proto;
		assert_false(pk_services_next_entry(reg, &pos, &port, &proto, NULL));
		endent();
	}
	pk_registry_close(reg);
}

static void test_no_allocation(void **state)
{
	char buf[1024];
	struct servent se;
	int e = 0;

	(void)state;
	/* Mapped already by the tests before; once more to be sure. */
	assert_int_equal(byport((int)htons(1020), "tcp", &se, buf, sizeof buf, &e), NSS_STATUS_SUCCESS);
	allocations = 0;
	for (int i = 0; i < 2000; i++) {
		assert_int_equal(byport((int)htons(1020), "tcp", &se, buf, sizeof buf, &e), NSS_STATUS_SUCCESS);
		assert_int_equal(byport((int)htons(4), NULL, &se, buf, sizeof buf, &e), NSS_STATUS_NOTFOUND);
		assert_int_equal(byname("x11", "tcp", &se, buf, sizeof buf, &e), NSS_STATUS_SUCCESS);
		assert_int_equal(byname("no-such", NULL, &se, buf, sizeof buf, &e), NSS_STATUS_NOTFOUND);
		assert_int_equal(byname("svc", NULL, &se, buf, 8, &e), NSS_STATUS_TRYAGAIN);
	}
	setent(0);
	while (getent(&se, buf, sizeof buf, &e) == NSS_STATUS_SUCCESS)
		;
	long seen = allocations;
	assert_int_equal(seen, 0);
	/* The counter counts: one allocation of the test's own. */
	void *volatile p = malloc(16);
	free(p);
	assert_int_equal(allocations, 1);
}

/* After fork the child answers from the mapping it inherited, and walks
 * the enumeration on its own. */
static void test_fork(void **state)
{
	char buf[1024];
	struct servent se;
	int e = 0, status = 0;

	(void)state;
	assert_int_equal(byport((int)htons(1020), "tcp", &se, buf, sizeof buf, &e), NSS_STATUS_SUCCESS);
	setent(0);
	assert_int_equal(getent(&se, buf, sizeof buf, &e), NSS_STATUS_SUCCESS);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int bad = 0;
		bad |= byport((int)htons(6002), "tcp", &se, buf, sizeof buf, &e) != NSS_STATUS_SUCCESS ||
		       strcmp(describe(&se), "x11 6002/tcp") != 0;
		bad |= byname("ALIAS-TWO", "tcp", &se, buf, sizeof buf, &e) != NSS_STATUS_SUCCESS ||
		       strcmp(describe(&se), entries[0]) != 0;
		/* The parent had taken the first entry: the child goes on. */
		bad |= getent(&se, buf, sizeof buf, &e) != NSS_STATUS_SUCCESS ||
		       strcmp(describe(&se), entries[1]) != 0;
		_exit(bad ? 1 : 0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	/* The parent's position is its own. */
	assert_int_equal(getent(&se, buf, sizeof buf, &e), NSS_STATUS_SUCCESS);
	assert_string_equal(describe(&se), entries[1]);
	endent();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_buffers_by_port),
		cmocka_unit_test(test_buffers_by_name),
		cmocka_unit_test(test_buffers_getservent),
		cmocka_unit_test(test_answers_and_misses),
		cmocka_unit_test(test_enumeration),
		cmocka_unit_test(test_no_allocation),
		cmocka_unit_test(test_fork),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
