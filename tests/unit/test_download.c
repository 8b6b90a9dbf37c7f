/* test_download.c - pk_download() against a loopback HTTP server and
 * file:// URLs: content, HTTP errors with status and URL, the size cap,
 * progress and aborts, interrupted transfers, the overall deadline
 * against a server that trickles, and redirects (never from HTTPS to
 * HTTP: tested against a loopback HTTPS server trusted in a private
 * mount namespace). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "helper_httpd.h"
#include "portkit.h"

typedef struct fixture {
	char dir[64];
	char file[128];
	pk_test_httpd *httpd;
	uint16_t port;
	char *content;
	size_t len;
} fixture;

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof *f);

	assert_non_null(f);
	snprintf(f->dir, sizeof f->dir, "/tmp/pk-test-download.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->file, sizeof f->file, "%s/registry.xml", f->dir);
	/* 200 kB: several reads, several progress calls. */
	f->len = 200000;
	f->content = malloc(f->len);
	assert_non_null(f->content);
	for (size_t i = 0; i < f->len; i++)
		f->content[i] = (char)('a' + i % 26);
	FILE *fp = fopen(f->file, "wb");
	assert_non_null(fp);
	assert_int_equal(fwrite(f->content, 1, f->len, fp), f->len);
	assert_int_equal(fclose(fp), 0);
	f->httpd = pk_test_httpd_start(f->dir, &f->port);
	assert_non_null(f->httpd);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;

	pk_test_httpd_stop(f->httpd);
	unlink(f->file);
	rmdir(f->dir);
	free(f->content);
	free(f);
	return 0;
}

/* One download from the test server and what came back. */
typedef struct dl {
	char url[256];
	char *data;
	size_t len;
	pk_error err;
} dl;

static pk_status get(const fixture *f, const char *path, size_t max,
		     pk_progress_fn fn, void *ctx, dl *d)
{
	snprintf(d->url, sizeof d->url, "http://127.0.0.1:%u%s", (unsigned)f->port, path);
	d->data = (char *)1; /* must be reset on failure */
	d->len = 1;
	return pk_download(d->url, max, fn, ctx, &d->data, &d->len, &d->err);
}

static void test_http_ok(void **state)
{
	fixture *f = *state;
	dl d;

	assert_int_equal(get(f, "/registry.xml", 1 << 20, NULL, NULL, &d), PK_OK);
	assert_int_equal(d.len, f->len);
	assert_memory_equal(d.data, f->content, d.len);
	assert_int_equal(d.data[d.len], '\0');
	free(d.data);
}

static void test_http_404(void **state)
{
	dl d;

	assert_int_equal(get(*state, "/no-such-file.xml", 1 << 20, NULL, NULL, &d),
			 PK_NETWORK);
	assert_null(d.data);
	assert_int_equal(d.len, 0);
	assert_non_null(strstr(d.err.message, "HTTP 404"));
	assert_non_null(strstr(d.err.message, d.url));
}

static void test_http_500(void **state)
{
	dl d;

	assert_int_equal(get(*state, "/status/503", 1 << 20, NULL, NULL, &d), PK_NETWORK);
	assert_non_null(strstr(d.err.message, "HTTP 503"));
}

static void test_size_cap(void **state)
{
	fixture *f = *state;
	dl d;

	assert_int_equal(get(f, "/registry.xml", 1000, NULL, NULL, &d), PK_TOOBIG);
	assert_null(d.data);
	assert_non_null(strstr(d.err.message, "larger than 1000 bytes"));
	/* Exactly the size fits. */
	assert_int_equal(get(f, "/registry.xml", f->len, NULL, NULL, &d), PK_OK);
	free(d.data);
}

typedef struct prog {
	unsigned calls;
	uint64_t last_now;
	uint64_t last_total;
	uint64_t abort_after;
} prog;

static int on_progress(void *ctx, uint64_t now, uint64_t total)
{
	prog *p = ctx;

	p->calls++;
	assert_true(now >= p->last_now);
	p->last_now = now;
	p->last_total = total;
	return p->abort_after && now >= p->abort_after;
}

static void test_progress(void **state)
{
	fixture *f = *state;
	prog p = { 0 };
	dl d;

	assert_int_equal(get(f, "/registry.xml", 1 << 20, on_progress, &p, &d), PK_OK);
	assert_true(p.calls > 0);
	assert_int_equal(p.last_now, f->len);
	assert_int_equal(p.last_total, f->len);
	free(d.data);
}

static void test_progress_abort(void **state)
{
	prog p = { .abort_after = 1 };
	dl d;

	assert_int_equal(get(*state, "/registry.xml", 1 << 20, on_progress, &p, &d),
			 PK_NETWORK);
	assert_null(d.data);
	assert_non_null(strstr(d.err.message, "interrupted"));
}

static void test_cut_transfer(void **state)
{
	dl d;

	assert_int_equal(get(*state, "/cut/registry.xml", 1 << 20, NULL, NULL, &d),
			 PK_NETWORK);
	assert_null(d.data);
	assert_non_null(strstr(d.err.message, d.url));
}

static void test_file_url(void **state)
{
	fixture *f = *state;
	char url[256];
	char *data;
	size_t len;
	pk_error err;

	snprintf(url, sizeof url, "file://%s", f->file);
	assert_int_equal(pk_download(url, 1 << 20, NULL, NULL, &data, &len, &err), PK_OK);
	assert_int_equal(len, f->len);
	assert_memory_equal(data, f->content, len);
	free(data);
	snprintf(url, sizeof url, "file://%s/missing.xml", f->dir);
	assert_int_equal(pk_download(url, 1 << 20, NULL, NULL, &data, &len, &err), PK_IO);
	assert_non_null(strstr(err.message, "missing.xml"));
}

static void test_refused(void **state)
{
	char url[256];
	char *data;
	size_t len;
	pk_error err;
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t sl = sizeof sa;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	(void)state;
	/* A port the kernel just gave us and nobody listens on. */
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &sl), 0);
	close(fd);
	snprintf(url, sizeof url, "http://127.0.0.1:%u/x", (unsigned)ntohs(sa.sin_port));
	assert_int_equal(pk_download(url, 1 << 20, NULL, NULL, &data, &len, &err),
			 PK_NETWORK);
	assert_non_null(strstr(err.message, url));
}

/* The reproducer: a server that keeps sending just fast enough for the
 * speed floor (the test server's /slow/ sends 2.5 kB/s, 200 kB in all,
 * some 80 s) held `portkit update` for as long as it liked. */
static void test_deadline(void **state)
{
	fixture *f = *state;
	char url[256];
	char *data = (char *)1;
	size_t len = 1;
	pk_error err;
	struct timespec t0, t1;

	snprintf(url, sizeof url, "http://127.0.0.1:%u/slow/registry.xml", (unsigned)f->port);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(pk_download_timeout(url, 1 << 20, 1, NULL, NULL, &data, &len, &err),
			 PK_NETWORK);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	assert_true(s >= 0.9 && s < 5);
	assert_null(data);
	assert_int_equal(len, 0);
	assert_non_null(strstr(err.message, url));
	assert_non_null(strstr(err.message, "not complete after 1 s, the download deadline"));
	/* The deadline covers all of it: a fast transfer within it is fine. */
	snprintf(url, sizeof url, "http://127.0.0.1:%u/registry.xml", (unsigned)f->port);
	assert_int_equal(pk_download_timeout(url, 1 << 20, 10, NULL, NULL, &data, &len, &err), PK_OK);
	assert_int_equal(len, f->len);
	free(data);
}

static void test_redirects_over_http(void **state)
{
	fixture *f = *state;
	char url[512];
	char *data;
	size_t len;
	pk_error err;

	/* http to http: followed. */
	snprintf(url, sizeof url, "http://127.0.0.1:%u/redirect?to=http://127.0.0.1:%u/registry.xml",
		 (unsigned)f->port, (unsigned)f->port);
	assert_int_equal(pk_download(url, 1 << 20, NULL, NULL, &data, &len, &err), PK_OK);
	assert_int_equal(len, f->len);
	free(data);
	/* http to a file: refused, and said so. */
	snprintf(url, sizeof url, "http://127.0.0.1:%u/redirect?to=file://%s", (unsigned)f->port,
		 f->file);
	assert_int_equal(pk_download(url, 1 << 20, NULL, NULL, &data, &len, &err), PK_NETWORK);
	assert_non_null(strstr(err.message, "redirects to file://"));
	assert_non_null(strstr(err.message, "refused"));
}

/* Downloads url; 0 when it succeeds with the fixture's content, 1 when
 * it fails with a message containing needle, 2 otherwise. */
static int try_url(const fixture *f, const char *url, const char *needle)
{
	char *data = NULL;
	size_t len = 0;
	pk_error err;
	pk_status st = pk_download(url, 1 << 20, NULL, NULL, &data, &len, &err);

	if (st == PK_OK) {
		int ok = len == f->len && memcmp(data, f->content, len) == 0;
		free(data);
		return ok ? 0 : 2;
	}
	if (needle != NULL && strstr(err.message, needle) != NULL)
		return 1;
	fprintf(stderr, "%s: %s\n", url, err.message);
	return 2;
}

/* In a child with a mount namespace of its own, the test certificate is
 * bind-mounted over the system's CA bundle, so that libcurl trusts the
 * loopback HTTPS server exactly as it would trust IANA's. */
static int https_child(const fixture *f)
{
	const char *data = getenv("PK_TEST_DATA");
	const char *bundle = "/etc/ssl/certs/ca-certificates.crt";
	char cert[1024], key[1024], url[1024];
	uint16_t tport;

	if (data == NULL)
		return 77;
	snprintf(cert, sizeof cert, "%s/tls/cert.pem", data);
	snprintf(key, sizeof key, "%s/tls/key.pem", data);
	if (access(bundle, R_OK) != 0 || unshare(CLONE_NEWNS) != 0 ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0 ||
	    mount(cert, bundle, NULL, MS_BIND, NULL) != 0)
		return 77;
	pk_test_httpd *tls = pk_test_httpd_start_tls(f->dir, cert, key, &tport);
	if (tls == NULL)
		return 77;
	int rc = 0;
	/* The control: the server is trusted, and https to https is followed. */
	snprintf(url, sizeof url, "https://127.0.0.1:%u/registry.xml", (unsigned)tport);
	if (try_url(f, url, NULL) != 0)
		rc = 10;
	snprintf(url, sizeof url, "https://127.0.0.1:%u/redirect?to=https://127.0.0.1:%u/registry.xml",
		 (unsigned)tport, (unsigned)tport);
	if (rc == 0 && try_url(f, url, NULL) != 0)
		rc = 11;
	/* The defence: https to http is refused, and the message says why. */
	snprintf(url, sizeof url, "https://127.0.0.1:%u/redirect?to=http://127.0.0.1:%u/registry.xml",
		 (unsigned)tport, (unsigned)f->port);
	if (rc == 0 && try_url(f, url, "continues over https only") != 1)
		rc = 12;
	/* The case of the scheme does not matter. */
	snprintf(url, sizeof url, "HTTPS://127.0.0.1:%u/redirect?to=http://127.0.0.1:%u/registry.xml",
		 (unsigned)tport, (unsigned)f->port);
	if (rc == 0 && try_url(f, url, "continues over https only") != 1)
		rc = 13;
	pk_test_httpd_stop(tls);
	return rc;
}

static void test_https_never_redirects_to_http(void **state)
{
	fixture *f = *state;
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0)
		_exit(https_child(f));
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	if (WEXITSTATUS(status) == 77)
		skip(); /* no mount namespace (needs root or a user namespace) */
	assert_int_equal(WEXITSTATUS(status), 0);
}

static void test_bad_urls(void **state)
{
	char *data;
	size_t len;
	pk_error err;

	(void)state;
	assert_int_equal(pk_download("", 1 << 20, NULL, NULL, &data, &len, &err), PK_INVAL);
	assert_non_null(strstr(err.message, "is not a URL"));
	assert_int_equal(pk_download(NULL, 1 << 20, NULL, NULL, &data, &len, &err), PK_INVAL);
	/* Only http, https and file are allowed: refused before libcurl. */
	assert_int_equal(pk_download("gopher://127.0.0.1/x", 1 << 20, NULL, NULL,
				     &data, &len, &err), PK_INVAL);
	assert_non_null(strstr(err.message, "gopher://127.0.0.1/x"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_http_ok),
		cmocka_unit_test(test_http_404),
		cmocka_unit_test(test_http_500),
		cmocka_unit_test(test_size_cap),
		cmocka_unit_test(test_progress),
		cmocka_unit_test(test_progress_abort),
		cmocka_unit_test(test_cut_transfer),
		cmocka_unit_test(test_file_url),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_bad_urls),
		cmocka_unit_test(test_deadline),
		cmocka_unit_test(test_redirects_over_http),
		cmocka_unit_test(test_https_never_redirects_to_http),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
