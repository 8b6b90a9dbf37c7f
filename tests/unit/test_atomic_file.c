/* test_atomic_file.c - the atomic writer replaces regular files only
 * (device nodes, FIFOs, sockets and directories are refused and left as
 * they were), follows a symbolic link of the writer's or root's to the
 * regular file it names and refuses anyone else's, and removes the
 * temporary files an interrupted write for the same target left behind. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/internal.h"
#include "helper_regfix.h"

static char *path_in(const char *dir, const char *name)
{
	char *p = malloc(strlen(dir) + strlen(name) + 2);

	assert_non_null(p);
	sprintf(p, "%s/%s", dir, name);
	return p;
}

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static void assert_file_is(const char *path, const char *content)
{
	char *data;
	size_t len;
	pk_error err;

	assert_int_equal(pk__read_file(path, 1 << 20, &data, &len, &err), PK_OK);
	assert_string_equal(data, content);
	free(data);
}

static mode_t type_of(const char *path)
{
	struct stat sb;

	assert_int_equal(lstat(path, &sb), 0);
	return sb.st_mode & S_IFMT;
}

/* Writing over a node of this type is refused, names the type, and
 * leaves the node and the directory as they were. */
static void assert_refused(const char *dir, const char *path, const char *what)
{
	size_t before = regfix_count_entries(dir);
	mode_t type = type_of(path);
	pk_error err;

	assert_int_equal(pk__write_file_atomic(path, "new\n", 4, 0644, &err), PK_INVAL);
	assert_non_null(strstr(err.message, path));
	assert_non_null(strstr(err.message, what));
	assert_non_null(strstr(err.message, "not a regular file; refusing to replace it"));
	assert_int_equal(type_of(path), type);
	assert_int_equal(regfix_count_entries(dir), before);
}

static void test_refuses_special_files(void **state)
{
	char *dir = regfix_tmpdir();
	(void)state;

	/* A FIFO: also must not block (nothing opens it). */
	char *fifo = path_in(dir, "fifo");
	assert_int_equal(mkfifo(fifo, 0644), 0);
	assert_refused(dir, fifo, "is a FIFO");

	char *sub = path_in(dir, "adir");
	assert_int_equal(mkdir(sub, 0755), 0);
	assert_refused(dir, sub, "is a directory");

	char *sock = path_in(dir, "sock");
	int s = socket(AF_UNIX, SOCK_STREAM, 0);
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	assert_true(s >= 0 && strlen(sock) < sizeof sa.sun_path);
	strcpy(sa.sun_path, sock);
	assert_int_equal(bind(s, (struct sockaddr *)&sa, sizeof sa), 0);
	assert_refused(dir, sock, "is a socket");
	close(s);

	/* What `portkit audit -w /dev/null` did: a character device with
	 * /dev/null's numbers, made here (mknod needs root or CAP_MKNOD). */
	char *dev = path_in(dir, "null");
	if (mknod(dev, S_IFCHR | 0666, makedev(1, 3)) == 0) {
		assert_refused(dir, dev, "is a character device");
	} else {
		print_message("skipped the device node: mknod: %s\n", strerror(errno));
	}
	regfix_rmtree(dir);
	free(fifo);
	free(sub);
	free(sock);
	free(dev);
	free(dir);
}

static void test_symlinks(void **state)
{
	char *dir = regfix_tmpdir();
	char *real = path_in(dir, "real.conf");
	char *link = path_in(dir, "link.conf");
	char *chain = path_in(dir, "chain.conf");
	pk_error err;
	(void)state;

	/* A link of the writer's own: the file it names is replaced, the link
	 * stays a link, also through a chain of links and a relative target. */
	write_text(real, "old\n");
	assert_int_equal(symlink("real.conf", link), 0);
	assert_int_equal(symlink(link, chain), 0);
	assert_int_equal(pk__write_file_atomic(chain, "one\n", 4, 0644, &err), PK_OK);
	assert_int_equal(type_of(chain), S_IFLNK);
	assert_int_equal(type_of(link), S_IFLNK);
	assert_int_equal(type_of(real), S_IFREG);
	assert_file_is(real, "one\n");
	assert_int_equal(regfix_count_entries(dir), 3); /* no temporary file left */

	/* A link to a device is refused like the device. */
	char *tonull = path_in(dir, "tonull");
	assert_int_equal(symlink("/dev/null", tonull), 0);
	assert_int_equal(pk__write_file_atomic(tonull, "x", 1, 0644, &err), PK_INVAL);
	assert_non_null(strstr(err.message, "/dev/null is a character device"));
	assert_int_equal(type_of("/dev/null"), S_IFCHR);

	/* A dangling link: no file is created through it. */
	char *dangling = path_in(dir, "dangling");
	char *nothing = path_in(dir, "nothing");
	assert_int_equal(symlink("nothing", dangling), 0);
	assert_int_equal(pk__write_file_atomic(dangling, "x", 1, 0644, &err), PK_INVAL);
	assert_non_null(strstr(err.message, "which does not exist"));
	assert_int_equal(access(nothing, F_OK), -1);

	/* A loop of links ends with a message. */
	char *a = path_in(dir, "loop-a"), *b = path_in(dir, "loop-b");
	assert_int_equal(symlink("loop-b", a), 0);
	assert_int_equal(symlink("loop-a", b), 0);
	assert_int_equal(pk__write_file_atomic(a, "x", 1, 0644, &err), PK_INVAL);
	assert_non_null(strstr(err.message, "too many levels of symbolic links"));

	/* A link owned by another user (not root) is not followed, by root
	 * either: it could have been planted in a shared directory. */
	if (geteuid() == 0) {
		assert_int_equal(lchown(link, 65534, 65534), 0);
		assert_int_equal(pk__write_file_atomic(link, "two\n", 4, 0644, &err), PK_PERM);
		assert_non_null(strstr(err.message, "owned by uid 65534"));
		assert_file_is(real, "one\n");
		assert_int_equal(type_of(link), S_IFLNK);
	} else {
		print_message("skipped the foreign link: not root\n");
	}
	regfix_rmtree(dir);
	free(real);
	free(link);
	free(chain);
	free(tonull);
	free(dangling);
	free(nothing);
	free(a);
	free(b);
	free(dir);
}

static void set_age(const char *path, time_t seconds)
{
	struct timespec t[2];

	clock_gettime(CLOCK_REALTIME, &t[0]);
	t[0].tv_sec -= seconds;
	t[1] = t[0];
	assert_int_equal(utimensat(AT_FDCWD, path, t, AT_SYMLINK_NOFOLLOW), 0);
}

static void test_stale_temporaries(void **state)
{
	char *dir = regfix_tmpdir();
	pk_error err;
	(void)state;

	/* Left by interrupted writes of registry.idx an hour ago: removed. */
	const char *stale[] = { "registry.idx.tmp.Ab3dE9", "registry.idx.tmp.000000" };
	/* Kept: a write in progress (young), another target's, names that
	 * do not match the writer's pattern exactly, a directory, a link. */
	const char *kept[] = { "registry.idx.tmp.young1", "other.idx.tmp.Ab3dE9",
			       "registry.idx.tmp.Ab3dE", "registry.idx.tmp.Ab3dE99",
			       "registry.idx.tmp.Ab-dE9", "xregistry.idx.tmp.Ab3dE9",
			       "registry.idx.tmp.dir000", "registry.idx.tmp.link00",
			       "registry.idx" };
	for (size_t i = 0; i < sizeof stale / sizeof *stale; i++) {
		char *p = path_in(dir, stale[i]);
		write_text(p, "partial");
		set_age(p, 3600);
		free(p);
	}
	for (size_t i = 0; i < sizeof kept / sizeof *kept; i++) {
		char *p = path_in(dir, kept[i]);
		if (strstr(p, "dir000"))
			assert_int_equal(mkdir(p, 0755), 0);
		else if (strstr(p, "link00"))
			assert_int_equal(symlink("registry.idx", p), 0);
		else
			write_text(p, "partial");
		if (!strstr(p, "young"))
			set_age(p, 3600);
		free(p);
	}
	char *target = path_in(dir, "registry.idx");
	assert_int_equal(pk__write_file_atomic(target, "new", 3, 0644, &err), PK_OK);
	assert_file_is(target, "new");
	assert_int_equal(regfix_count_entries(dir), sizeof kept / sizeof *kept);
	for (size_t i = 0; i < sizeof stale / sizeof *stale; i++) {
		char *p = path_in(dir, stale[i]);
		assert_int_equal(access(p, F_OK), -1);
		free(p);
	}
	for (size_t i = 0; i < sizeof kept / sizeof *kept; i++) {
		char *p = path_in(dir, kept[i]);
		assert_int_equal(faccessat(AT_FDCWD, p, F_OK, AT_SYMLINK_NOFOLLOW), 0);
		free(p);
	}

	/* Another user's stale file is not ours to remove. */
	if (geteuid() == 0) {
		char *p = path_in(dir, "registry.idx.tmp.theirs");
		write_text(p, "partial");
		assert_int_equal(chown(p, 65534, 65534), 0);
		set_age(p, 3600);
		assert_int_equal(pk__write_file_atomic(target, "again", 5, 0644, &err), PK_OK);
		assert_int_equal(access(p, F_OK), 0);
		free(p);
	}
	regfix_rmtree(dir);
	free(target);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_refuses_special_files),
		cmocka_unit_test(test_symlinks),
		cmocka_unit_test(test_stale_temporaries),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
