/* test_index_trust.c - opening index files: a FIFO at the index path is
 * refused at once instead of hanging the lookup; a file only its owner
 * (the caller or root) can write is mapped in place; any other file is
 * read into private memory, so that truncating or rewriting it after it
 * was validated changes nothing (it gave SIGBUS or wrong reads when the
 * mapping was trusted). */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "registry/index.h"
#include "helper_regfix.h"

#define TCP PK_PROTOMASK(PK_PROTO_TCP)

typedef struct fixture {
	char *dir;
	char path[512];
} fixture;

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof *f);
	pk_registry *reg = regfix_registry();
	pk_error err;

	f->dir = regfix_tmpdir();
	snprintf(f->path, sizeof f->path, "%s/registry.idx", f->dir);
	assert_int_equal(pk_registry_save(reg, f->path, &err), PK_OK);
	pk_registry_close(reg);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;

	regfix_rmtree(f->dir);
	free(f->dir);
	free(f);
	return 0;
}

/* The open happens in a child with an alarm: a blocking open() of a FIFO
 * would otherwise hang the suite rather than fail it. */
static void test_fifo_is_refused_at_once(void **state)
{
	fixture *f = *state;
	char fifo[600];

	snprintf(fifo, sizeof fifo, "%s/fifo.idx", f->dir);
	assert_int_equal(mkfifo(fifo, 0644), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		pk_registry *reg;
		pk_error err;
		alarm(5);
		pk_status st = pk_registry_open_file(fifo, &reg, &err);
		_exit(st == PK_IO && reg == NULL && strstr(err.message, fifo) &&
		      strstr(err.message, "is a FIFO, not a regular file") ? 0 : 1);
	}
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status)); /* not killed by the alarm */
	assert_int_equal(WEXITSTATUS(status), 0);

	/* A directory too. */
	pk_registry *reg;
	pk_error err;
	assert_int_equal(pk_registry_open_file(f->dir, &reg, &err), PK_IO);
	assert_non_null(strstr(err.message, "is a directory, not a regular file"));
}

static pk_registry *open_ok(const char *path)
{
	pk_registry *reg = NULL;
	pk_error err;

	if (pk_registry_open_file(path, &reg, &err) != PK_OK)
		fail_msg("%s", err.message);
	return reg;
}

static void test_own_file_is_mapped(void **state)
{
	fixture *f = *state;

	assert_int_equal(chmod(f->path, 0644), 0);
	pk_registry *reg = open_ok(f->path);
	assert_int_equal(reg->mem, PK_MEM_MMAP);
	pk_registry_close(reg);
	/* Group-readable, owner-writable only: still ours alone. */
	assert_int_equal(chmod(f->path, 0600), 0);
	reg = open_ok(f->path);
	assert_int_equal(reg->mem, PK_MEM_MMAP);
	pk_registry_close(reg);
}

/* What a lookup answers for 80/tcp, as text. */
static char *answer(const pk_registry *reg)
{
	return strdup(regfix_port(reg, 80, TCP));
}

/* Opens path, then destroys the file in place (truncated to nothing, as an
 * attacker with write access would): the registry must answer as before. */
static void assert_private_copy(const char *path)
{
	pk_registry *reg = open_ok(path);
	assert_int_equal(reg->mem, PK_MEM_HEAP);
	char *before = answer(reg);
	assert_string_equal(before, "http/tcp/80 www/tcp/80 www-http/tcp/80");
	assert_int_equal(truncate(path, 0), 0);
	char *after = answer(reg);
	assert_string_equal(after, before);
	pk_registry_info info;
	pk_registry_get_info(reg, &info);
	assert_int_equal(info.records, 38);
	free(before);
	free(after);
	pk_registry_close(reg);
}

static void test_writable_by_others_is_copied(void **state)
{
	fixture *f = *state;
	pk_registry *reg = regfix_registry();
	pk_error err;

	assert_int_equal(chmod(f->path, 0666), 0);
	assert_private_copy(f->path);
	/* Group-writable is no better. */
	assert_int_equal(pk_registry_save(reg, f->path, &err), PK_OK);
	assert_int_equal(chmod(f->path, 0664), 0);
	assert_private_copy(f->path);
	pk_registry_close(reg);
}

static void test_foreign_owner_is_copied(void **state)
{
	fixture *f = *state;
	pk_registry *reg = regfix_registry();
	pk_error err;

	if (geteuid() != 0) {
		pk_registry_close(reg);
		skip(); /* chown to another user needs root */
	}
	assert_int_equal(pk_registry_save(reg, f->path, &err), PK_OK);
	assert_int_equal(chmod(f->path, 0644), 0);
	assert_int_equal(chown(f->path, 65534, 65534), 0);
	assert_private_copy(f->path);
	/* Owned by root, opened by another user: root is trusted. */
	assert_int_equal(pk_registry_save(reg, f->path, &err), PK_OK);
	assert_int_equal(chmod(f->dir, 0755), 0);
	assert_int_equal(chmod(f->path, 0644), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		pk_registry *r = NULL;
		if (setgid(65534) != 0 || setuid(65534) != 0)
			_exit(2);
		if (pk_registry_open_file(f->path, &r, &err) != PK_OK)
			_exit(3);
		_exit(r->mem == PK_MEM_MMAP ? 0 : 1);
	}
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	pk_registry_close(reg);
}

/* A copy is validated like a mapping: a corrupt file others can write is
 * still refused with the validator's message. */
static void test_copy_is_validated(void **state)
{
	fixture *f = *state;
	pk_registry *reg = regfix_registry(), *back = NULL;
	pk_error err;

	assert_int_equal(pk_registry_save(reg, f->path, &err), PK_OK);
	assert_int_equal(chmod(f->path, 0666), 0);
	FILE *fp = fopen(f->path, "r+b");
	assert_non_null(fp);
	fseek(fp, 1000, SEEK_SET);
	fputc('!', fp);
	fclose(fp);
	assert_int_equal(pk_registry_open_file(f->path, &back, &err), PK_CORRUPT);
	assert_null(back);
	assert_non_null(strstr(err.message, "checksum"));
	assert_int_equal(truncate(f->path, 100), 0);
	assert_int_equal(pk_registry_open_file(f->path, &back, &err), PK_CORRUPT);
	assert_non_null(strstr(err.message, "truncated"));
	pk_registry_close(reg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_fifo_is_refused_at_once, setup, teardown),
		cmocka_unit_test_setup_teardown(test_own_file_is_mapped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_writable_by_others_is_copied, setup, teardown),
		cmocka_unit_test_setup_teardown(test_foreign_owner_is_copied, setup, teardown),
		cmocka_unit_test_setup_teardown(test_copy_is_validated, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
