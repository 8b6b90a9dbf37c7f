/* test_update_run.c - pk_update, the whole update sequence, against a
 * loopback HTTP server (helper_httpd) serving tests/data/cli: where the
 * index goes, the parent directories, what it is compared with, the
 * changes, and that every failure leaves the previous index byte for byte
 * as it was and no temporary file behind. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "helper_httpd.h"
#include "helper_regfix.h"

typedef struct fixture {
	char *tmp;       /* a scratch directory, removed at the end */
	char data[1024]; /* tests/data/cli */
	pk_test_httpd *httpd;
	uint16_t port;
} fixture;

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof *f);
	const char *top = getenv("PK_TEST_DATA");

	assert_non_null(f);
	snprintf(f->data, sizeof f->data, "%s/cli", top ? top : "tests/data");
	f->tmp = regfix_tmpdir();
	f->httpd = pk_test_httpd_start(f->data, &f->port);
	assert_non_null(f->httpd);
	/* Lookups of the default registry must not see the user's own. */
	setenv("XDG_DATA_HOME", f->tmp, 1);
	unsetenv("PORTKIT_INDEX");
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;

	pk_test_httpd_stop(f->httpd);
	regfix_rmtree(f->tmp);
	free(f->tmp);
	free(f);
	return 0;
}

static const char *url(const fixture *f, const char *path)
{
	static char buf[4][256];
	static unsigned next;
	char *b = buf[next++ % 4];

	snprintf(b, sizeof buf[0], "http://127.0.0.1:%u/%s", (unsigned)f->port, path);
	return b;
}

static const char *in_tmp(const fixture *f, const char *name)
{
	static char buf[4][4096];
	static unsigned next;
	char *b = buf[next++ % 4];

	snprintf(b, sizeof buf[0], "%s/%s", f->tmp, name);
	return b;
}

static const char *in_data(const fixture *f, const char *name)
{
	static char buf[2][4096];
	static unsigned next;
	char *b = buf[next++ % 2];

	snprintf(b, sizeof buf[0], "%s/%s", f->data, name);
	return b;
}

/* A new update from a URL or file into path, with no extras (the unit
 * tests have no embedded snapshot; test_extras gives one). */
static pk_update *new_update(const char *src, bool is_url, const char *path)
{
	pk_update *u = NULL;
	pk_error err;

	assert_int_equal(pk_update_new(&u, &err), PK_OK);
	if (is_url)
		assert_int_equal(pk_update_set_url(u, src, &err), PK_OK);
	else
		assert_int_equal(pk_update_set_file(u, src, &err), PK_OK);
	if (path != NULL)
		assert_int_equal(pk_update_set_output(u, PK_UPDATE_FILE, path, &err), PK_OK);
	pk_update_set_extras(u, NULL);
	return u;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *buf;
	long n;

	assert_non_null(fp);
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	rewind(fp);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, fp), (size_t)n);
	fclose(fp);
	*len = (size_t)n;
	return buf;
}

static bool exists(const char *path)
{
	return access(path, F_OK) == 0;
}

/* The first install: the parent directories are created, nothing to
 * compare with; the second is compared with the first. */
static void test_install_and_compare(void **state)
{
	fixture *f = *state;
	char out[4096];
	snprintf(out, sizeof out, "%s", in_tmp(f, "a/b/c/registry.idx"));
	pk_error err;

	pk_update *u = new_update(url(f, "registry.xml"), true, out);
	assert_false(exists(in_tmp(f, "a")));
	assert_int_equal(pk_update_run(u, &err), PK_OK);
	assert_int_equal(pk_update_get_step(u), PK_UPDATE_DONE);
	assert_string_equal(pk_update_input(u), url(f, "registry.xml"));
	assert_string_equal(pk_update_output(u), out);
	assert_true(exists(out));
	struct stat sb;
	assert_int_equal(stat(in_tmp(f, "a/b"), &sb), 0);
	assert_true(S_ISDIR(sb.st_mode));
	assert_int_equal(sb.st_mode & 0700, 0700);
	assert_null(pk_update_previous(u));
	assert_null(pk_update_previous_problem(u));
	assert_null(pk_update_shadowed_by(u));
	pk_diff_stats d;
	pk_update_get_changes(u, &d);
	assert_int_equal(d.added + d.removed + d.modified + d.unchanged, 0);
	assert_int_equal(pk_update_change_count(u), 0);

	/* The registry installed is the one in the file. */
	const pk_registry *reg = pk_update_registry(u);
	assert_non_null(reg);
	pk_registry *disk = NULL;
	assert_int_equal(pk_registry_open_file(out, &disk, &err), PK_OK);
	assert_int_equal(pk_registry_count(disk), pk_registry_count(reg));
	pk_registry_info info;
	pk_registry_get_info(reg, &info);
	assert_string_equal(info.updated, "2026-01-15");
	assert_string_equal(regfix_name(disk, "airplay", PK_PROTOMASK_ANY), "airplay/tcp/-");
	pk_registry_close(disk);
	uint32_t first = pk_registry_count(reg);
	pk_update_free(u);

	/* registry2.xml: gopher added, airplay removed, ssh modified. */
	u = new_update(url(f, "registry2.xml"), true, out);
	assert_int_equal(pk_update_run(u, &err), PK_OK);
	const pk_registry *prev = pk_update_previous(u);
	assert_non_null(prev);
	assert_int_equal(pk_registry_count(prev), first);
	pk_update_get_changes(u, &d);
	assert_int_equal(d.added, 1);
	assert_int_equal(d.removed, 1);
	assert_int_equal(d.modified, 1);
	assert_int_equal(d.added + d.modified + d.unchanged,
			 pk_registry_count(pk_update_registry(u)));
	assert_int_equal(pk_update_change_count(u), 3);
	char seen[3] = { 0 };
	for (size_t i = 0; i < 3; i++) {
		const pk_registry *r;
		pk_recid id;
		char buf[128];
		char c = pk_update_change(u, i, &r, &id);
		/* removals name the previous registry's record */
		assert_ptr_equal(r, c == '-' ? prev : pk_update_registry(u));
		const char *what = regfix_describe(r, id, buf);
		if (c == '+')
			assert_string_equal(what, "gopher/tcp/70");
		else if (c == '-')
			assert_string_equal(what, "airplay/tcp/-");
		else
			assert_string_equal(what, "ssh/tcp/22");
		seen[i] = c;
	}
	assert_non_null(memchr(seen, '+', 3));
	assert_non_null(memchr(seen, '-', 3));
	assert_non_null(memchr(seen, '~', 3));
	assert_int_equal(pk_update_change(u, 3, NULL, NULL), 0);
	pk_update_free(u);
	/* nothing but the index in its directory: no temporary file */
	assert_int_equal(regfix_count_entries(in_tmp(f, "a/b/c")), 1);
}

/* Runs an update that must fail at step with status and a message
 * containing in_message; nothing is installed. */
static void expect_failure(pk_update *u, pk_update_step step, pk_status status,
			   const char *in_message)
{
	pk_error err;
	pk_status st = pk_update_run(u, &err);

	if (st != status || pk_update_get_step(u) != step)
		fail_msg("expected %s at step %d, got %s at step %d: %s",
			 pk_status_name(status), (int)step, pk_status_name(st),
			 (int)pk_update_get_step(u), err.message);
	assert_int_equal(err.status, status);
	if (strstr(err.message, in_message) == NULL)
		fail_msg("'%s' not in '%s'", in_message, err.message);
	assert_null(pk_update_registry(u));
}

/* No "NAME.tmp.XXXXXX" left in dir by an atomic save. */
static void assert_no_temporary(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		if (strstr(e->d_name, ".tmp.") != NULL)
			fail_msg("temporary file %s/%s left behind", dir, e->d_name);
	closedir(d);
}

static void test_failures_leave_index(void **state)
{
	fixture *f = *state;
	char out[4096];
	snprintf(out, sizeof out, "%s", in_tmp(f, "keep/registry.idx"));
	pk_error err;
	size_t len0, len1;

	pk_update *u = new_update(in_data(f, "registry.xml"), false, out);
	assert_int_equal(pk_update_run(u, &err), PK_OK);
	pk_update_free(u);
	char *before = slurp(out, &len0);

	struct {
		const char *src;
		bool is_url;
		pk_format fmt;
		pk_update_step step;
		pk_status status;
		const char *message;
	} cases[] = {
		{ "no-such-file.xml", true, PK_FORMAT_AUTO, PK_UPDATE_FETCH, PK_NETWORK, "HTTP 404 from " },
		{ "status/500", true, PK_FORMAT_AUTO, PK_UPDATE_FETCH, PK_NETWORK, "HTTP 500" },
		{ "cut/registry.xml", true, PK_FORMAT_AUTO, PK_UPDATE_FETCH, PK_NETWORK, "cut/registry.xml" },
		{ "half/registry.xml", true, PK_FORMAT_AUTO, PK_UPDATE_IMPORT, PK_PARSE, "half/registry.xml:" },
		{ "services", true, PK_FORMAT_AUTO, PK_UPDATE_FORMAT, PK_UNSUPPORTED,
		  "looks like the services format, not IANA's XML or CSV registry" },
		{ "services", false, PK_FORMAT_AUTO, PK_UPDATE_FORMAT, PK_UNSUPPORTED,
		  "looks like the services format" },
		{ "no-such-file.xml", false, PK_FORMAT_AUTO, PK_UPDATE_IMPORT, PK_NOTFOUND,
		  "no-such-file.xml: No such file or directory" },
		/* a format forced against the content */
		{ "registry.csv", false, PK_FORMAT_XML, PK_UPDATE_IMPORT, PK_PARSE, "registry.csv" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const char *src = cases[i].is_url ? url(f, cases[i].src) :
						   in_data(f, cases[i].src);
		u = new_update(src, cases[i].is_url, out);
		assert_int_equal(pk_update_set_format(u, cases[i].fmt, &err), PK_OK);
		expect_failure(u, cases[i].step, cases[i].status, cases[i].message);
		pk_update_free(u);
		char *after = slurp(out, &len1);
		assert_int_equal(len0, len1);
		assert_memory_equal(before, after, len0);
		free(after);
		assert_int_equal(regfix_count_entries(in_tmp(f, "keep")), 1);
		assert_no_temporary(in_tmp(f, "keep"));
	}

	/* An XML registry without a record: nothing installed either. */
	char empty[4096];
	snprintf(empty, sizeof empty, "%s", in_tmp(f, "empty.xml"));
	FILE *fp = fopen(empty, "w");
	assert_non_null(fp);
	fputs("<?xml version='1.0' encoding='UTF-8'?>\n"
	      "<registry xmlns=\"http://www.iana.org/assignments\" id=\"service-names-port-numbers\">\n"
	      "<title>Service Name and Transport Protocol Port Number Registry</title>\n"
	      "<updated>2026-01-01</updated>\n"
	      "</registry>\n", fp);
	fclose(fp);
	u = new_update(empty, false, out);
	/* the importer refuses it (the sequence checks again, in case) */
	expect_failure(u, PK_UPDATE_IMPORT, PK_PARSE, "no <record> elements");
	pk_update_free(u);

	char *after = slurp(out, &len1);
	assert_memory_equal(before, after, len0);
	free(after);
	free(before);
}

static int abort_at_once(void *ctx, uint64_t now, uint64_t total)
{
	(void)total;
	*(uint64_t *)ctx = now;
	return now > 0;
}

static void test_interrupted(void **state)
{
	fixture *f = *state;
	char out[4096];
	snprintf(out, sizeof out, "%s", in_tmp(f, "int/registry.idx"));
	uint64_t got = 0;
	pk_error err;

	pk_update *u = new_update(url(f, "slow/registry.xml"), true, out);
	pk_update_set_progress(u, abort_at_once, &got);
	assert_int_equal(pk_update_run(u, &err), PK_NETWORK);
	assert_int_equal(pk_update_get_step(u), PK_UPDATE_FETCH);
	assert_true(got > 0);
	assert_non_null(strstr(err.message, "interrupted"));
	/* nothing written, not even the directory */
	assert_false(exists(in_tmp(f, "int")));
	pk_update_free(u);
}

/* A server that trickles (2.5 kB/s, about 2 s for the fixture) against a
 * deadline of 1 s: given up at the deadline, nothing written. */
static void test_deadline(void **state)
{
	fixture *f = *state;
	char out[4096];
	snprintf(out, sizeof out, "%s", in_tmp(f, "late/registry.idx"));
	pk_error err;

	pk_update *u = new_update(url(f, "slow/registry.xml"), true, out);
	assert_int_equal(pk_update_set_timeout(u, PK_DOWNLOAD_TIMEOUT_MAX + 1, &err), PK_RANGE);
	assert_non_null(strstr(err.message, "at most 86400 s"));
	assert_int_equal(pk_update_set_timeout(u, 1, &err), PK_OK);
	assert_int_equal(pk_update_run(u, &err), PK_NETWORK);
	assert_int_equal(pk_update_get_step(u), PK_UPDATE_FETCH);
	assert_non_null(strstr(err.message, "not complete after 1 s, the download deadline"));
	assert_false(exists(in_tmp(f, "late")));
	pk_update_free(u);
	/* The control: the same download with the default deadline completes. */
	u = new_update(url(f, "slow/registry.xml"), true, out);
	assert_int_equal(pk_update_set_timeout(u, 0, &err), PK_OK);
	assert_int_equal(pk_update_run(u, &err), PK_OK);
	assert_true(exists(out));
	pk_update_free(u);
}

/* The parent directories cannot be made (a file is in the way), or the
 * target cannot be replaced (it is a directory): nothing is written. */
static void test_dirs_and_install_fail(void **state)
{
	fixture *f = *state;
	pk_error err;

	FILE *fp = fopen(in_tmp(f, "plain"), "w");
	assert_non_null(fp);
	fclose(fp);
	pk_update *u = new_update(in_data(f, "registry.xml"), false,
				  in_tmp(f, "plain/sub/registry.idx"));
	assert_int_equal(pk_update_run(u, &err), PK_IO);
	assert_int_equal(pk_update_get_step(u), PK_UPDATE_DIRS);
	assert_non_null(strstr(err.message, "cannot create directory"));
	assert_non_null(strstr(err.message, "plain/sub"));
	pk_update_free(u);

	assert_int_equal(mkdir(in_tmp(f, "isdir"), 0755), 0);
	u = new_update(in_data(f, "registry.xml"), false, in_tmp(f, "isdir"));
	assert_int_not_equal(pk_update_run(u, &err), PK_OK);
	assert_int_equal(pk_update_get_step(u), PK_UPDATE_INSTALL);
	assert_non_null(strstr(err.message, "isdir"));
	assert_int_equal(regfix_count_entries(in_tmp(f, "isdir")), 0);
	assert_no_temporary(f->tmp);
	pk_update_free(u);
}

/* An unreadable index at the target is replaced, and says why it could
 * not be compared with. */
static void test_unreadable_previous(void **state)
{
	fixture *f = *state;
	char out[4096];
	snprintf(out, sizeof out, "%s", in_tmp(f, "garbage.idx"));
	pk_error err;

	FILE *fp = fopen(out, "w");
	assert_non_null(fp);
	fputs("garbage", fp);
	fclose(fp);
	pk_update *u = new_update(in_data(f, "registry.csv"), false, out);
	assert_int_equal(pk_update_run(u, &err), PK_OK);
	assert_non_null(pk_update_previous_problem(u));
	assert_non_null(strstr(pk_update_previous_problem(u), "garbage.idx"));
	/* no embedded snapshot in the unit tests: nothing to compare with */
	assert_null(pk_update_previous(u));
	pk_update_free(u);
	pk_registry *reg = NULL;
	assert_int_equal(pk_registry_open_file(out, &reg, &err), PK_OK);
	pk_registry_close(reg);
}

/* The per-user index: under XDG_DATA_HOME, compared with the current
 * index while it does not exist, and shadowed by PORTKIT_INDEX. */
static void test_user_target(void **state)
{
	fixture *f = *state;
	char user[4096];
	snprintf(user, sizeof user, "%s", in_tmp(f, "portkit/registry.idx"));
	char other[4096];
	snprintf(other, sizeof other, "%s", in_tmp(f, "other.idx"));
	pk_error err;

	/* an index elsewhere, then the per-user one compared with it */
	pk_update *u = new_update(in_data(f, "registry.xml"), false, other);
	assert_int_equal(pk_update_run(u, &err), PK_OK);
	pk_update_free(u);

	u = new_update(in_data(f, "registry2.xml"), false, NULL);
	assert_int_equal(pk_update_set_current(u, other, &err), PK_OK);
	setenv("PORTKIT_INDEX", other, 1);
	assert_int_equal(pk_update_run(u, &err), PK_OK);
	unsetenv("PORTKIT_INDEX");
	assert_string_equal(pk_update_output(u), user);
	assert_true(exists(user));
	assert_non_null(pk_update_previous(u));
	pk_diff_stats d;
	pk_update_get_changes(u, &d);
	assert_int_equal(d.added, 1);
	assert_int_equal(d.removed, 1);
	/* PORTKIT_INDEX names another file: lookups will not see this one */
	assert_non_null(pk_update_shadowed_by(u));
	assert_string_equal(pk_update_shadowed_by(u), other);
	pk_update_free(u);

	/* Now the per-user index exists: it is what the update replaces. */
	u = new_update(in_data(f, "registry2.xml"), false, NULL);
	assert_int_equal(pk_update_set_current(u, other, &err), PK_OK);
	assert_int_equal(pk_update_run(u, &err), PK_OK);
	pk_update_get_changes(u, &d);
	assert_int_equal(d.added + d.removed + d.modified, 0);
	assert_null(pk_update_shadowed_by(u));
	pk_update_free(u);

	/* Nowhere to put it. */
	char *home = getenv("HOME") ? strdup(getenv("HOME")) : NULL;
	unsetenv("XDG_DATA_HOME");
	unsetenv("HOME");
	u = new_update(in_data(f, "registry.xml"), false, NULL);
	assert_int_equal(pk_update_run(u, &err), PK_NOTFOUND);
	assert_int_equal(pk_update_get_step(u), PK_UPDATE_TARGET);
	assert_non_null(strstr(err.message, "XDG_DATA_HOME"));
	assert_string_equal(pk_update_output(u), "");
	pk_update_free(u);
	setenv("XDG_DATA_HOME", f->tmp, 1);
	if (home != NULL)
		setenv("HOME", home, 1);
	free(home);
}

/* The extras registry's services(5) names and unofficial uses are kept. */
static void test_extras(void **state)
{
	fixture *f = *state;
	pk_error err;

	pk_builder *b = pk__builder_new();
	assert_non_null(b);
	pk_record in = { .name = "grafana", .proto = PK_PROTO_TCP, .has_port = true,
			 .port_lo = 3000, .port_hi = 3000, .kind = PK_KIND_ASSIGNED,
			 .origin = PK_ORIGIN_UNOFFICIAL, .description = "Grafana" };
	uint32_t idx;
	assert_int_equal(pk__builder_add(b, &in, &idx), PK_OK);
	pk__builder_add_flags(b, PK_REGFLAG_UNOFFICIAL);
	pk_registry *extras = regfix_open(b);
	pk__builder_free(b);

	pk_update *u = new_update(in_data(f, "registry.xml"), false, in_tmp(f, "x.idx"));
	pk_update_set_extras(u, extras);
	assert_int_equal(pk_update_run(u, &err), PK_OK);
	assert_string_equal(regfix_port(pk_update_registry(u), 3000, PK_PROTOMASK_ANY),
			    "grafana/tcp/3000");
	pk_registry_info info;
	pk_registry_get_info(pk_update_registry(u), &info);
	assert_true(info.flags & PK_REGFLAG_UNOFFICIAL);
	assert_non_null(strstr(info.source, "services(5) names and unofficial uses"));
	pk_update_free(u);
	pk_registry_close(extras);
}

static void test_bad_settings(void **state)
{
	pk_update *u = NULL;
	pk_error err;

	(void)state;
	assert_int_equal(pk_update_new(&u, &err), PK_OK);
	assert_int_equal(pk_update_set_format(u, PK_FORMAT_SERVICES, &err), PK_INVAL);
	assert_non_null(strstr(err.message, "expected xml or csv"));
	assert_int_equal(pk_update_set_format(u, PK_FORMAT_CSV, &err), PK_OK);
	assert_int_equal(pk_update_set_output(u, PK_UPDATE_FILE, NULL, &err), PK_INVAL);
	assert_int_equal(pk_update_set_output(u, PK_UPDATE_FILE, "", &err), PK_INVAL);
	assert_int_equal(pk_update_set_output(u, PK_UPDATE_SYSTEM, "/x", &err), PK_INVAL);
	assert_int_equal(pk_update_set_output(u, (pk_update_target)7, NULL, &err), PK_INVAL);
	assert_int_equal(pk_update_set_url(u, "", &err), PK_INVAL);
	assert_int_equal(pk_update_set_file(u, NULL, &err), PK_INVAL);
	assert_int_equal(pk_update_set_current(u, "", &err), PK_INVAL);
	/* the default source, and the last of URL and file wins */
	assert_string_equal(pk_update_input(u), PK_IANA_XML_URL);
	assert_int_equal(pk_update_set_file(u, "/a", &err), PK_OK);
	assert_int_equal(pk_update_set_url(u, "http://b", &err), PK_OK);
	assert_string_equal(pk_update_input(u), "http://b");
	assert_int_equal(pk_update_get_step(u), PK_UPDATE_NOT_RUN);
	assert_null(pk_update_registry(u));
	assert_int_equal(pk_update_change_count(u), 0);
	pk_update_free(u);
	pk_update_free(NULL);
}

/* mkdir -p: nested, existing, a file in the way, no directory part. */
static void test_make_parent_dirs(void **state)
{
	fixture *f = *state;
	pk_error err;
	struct stat sb;

	assert_int_equal(pk_make_parent_dirs(in_tmp(f, "p/q/r/file"), &err), PK_OK);
	assert_int_equal(stat(in_tmp(f, "p/q/r"), &sb), 0);
	assert_true(S_ISDIR(sb.st_mode));
	assert_false(exists(in_tmp(f, "p/q/r/file")));
	assert_int_equal(pk_make_parent_dirs(in_tmp(f, "p/q/r/file"), &err), PK_OK);
	assert_int_equal(pk_make_parent_dirs(in_tmp(f, "p//q/s/"), &err), PK_OK);
	assert_int_equal(stat(in_tmp(f, "p/q/s"), &sb), 0);
	assert_int_equal(pk_make_parent_dirs("file-here", &err), PK_OK);
	assert_int_equal(pk_make_parent_dirs("/file-at-root", &err), PK_OK);
	FILE *fp = fopen(in_tmp(f, "p/f"), "w");
	assert_non_null(fp);
	fclose(fp);
	assert_int_equal(pk_make_parent_dirs(in_tmp(f, "p/f/g/h"), &err), PK_IO);
	assert_non_null(strstr(err.message, "cannot create directory"));
	assert_non_null(strstr(err.message, "p/f/g"));
	regfix_rmtree(in_tmp(f, "p"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_install_and_compare),
		cmocka_unit_test(test_failures_leave_index),
		cmocka_unit_test(test_interrupted),
		cmocka_unit_test(test_deadline),
		cmocka_unit_test(test_dirs_and_install_fail),
		cmocka_unit_test(test_unreadable_previous),
		cmocka_unit_test(test_user_target),
		cmocka_unit_test(test_extras),
		cmocka_unit_test(test_bad_settings),
		cmocka_unit_test(test_make_parent_dirs),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
