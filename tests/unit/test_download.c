/* test_download.c - pk_download() against a loopback HTTP server and
 * file:// URLs: content, HTTP errors with status and URL, the size cap,
 * progress and aborts, interrupted transfers. */
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
#include <sys/socket.h>
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

static void test_bad_urls(void **state)
{
	char *data;
	size_t len;
	pk_error err;

	(void)state;
	assert_int_equal(pk_download("", 1 << 20, NULL, NULL, &data, &len, &err), PK_INVAL);
	assert_non_null(strstr(err.message, "invalid URL"));
	assert_int_equal(pk_download(NULL, 1 << 20, NULL, NULL, &data, &len, &err), PK_INVAL);
	/* Only http, https and file are allowed. */
	assert_int_equal(pk_download("gopher://127.0.0.1/x", 1 << 20, NULL, NULL,
				     &data, &len, &err), PK_NETWORK);
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
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
