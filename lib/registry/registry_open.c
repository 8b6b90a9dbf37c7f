/* registry_open.c - where registries come from (the embedded snapshot, an
 * mmap'd file, memory) and how one is written back atomically. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "registry/index.h"

void pk_registry_close(pk_registry *reg)
{
	if (reg == NULL)
		return;
	if (reg->mem == PK_MEM_HEAP)
		free((void *)reg->base);
	else if (reg->mem == PK_MEM_MMAP)
		munmap((void *)reg->base, reg->len);
	free(reg->origin);
	free(reg);
}

pk_status pk_registry_open_embedded(pk_registry **out, pk_error *err)
{
	*out = NULL;
	if (pk__embedded_index_size == 0)
		return pk__error_set(err, PK_NOTFOUND, "this build has no embedded registry");
	/* Part of the library's read-only image, verified byte for byte when
	 * the build made it: its layout is checked, its contents are not. */
	return pk__registry_from_image(pk__embedded_index, pk__embedded_index_size,
				      "embedded", out, err);
}

pk_status pk_registry_open_mem(const void *data, size_t len,
			       pk_registry **out, pk_error *err)
{
	void *copy;
	pk_status st;

	*out = NULL;
	if (len > PK_IDX_MAX_BYTES)
		return pk__error_set(err, PK_TOOBIG, "index in memory: %zu bytes, larger "
				    "than any index (%zu)", len, PK_IDX_MAX_BYTES);
	/* malloc's alignment suits the 8-byte aligned sections. */
	copy = malloc(len ? len : 1);
	if (copy == NULL)
		return pk__error_set(err, PK_NOMEM, "index in memory: %s",
				    pk_strerror(PK_NOMEM));
	if (len > 0)
		memcpy(copy, data, len);
	st = pk__registry_from_index(copy, len, PK_MEM_HEAP, false, "memory", out, err);
	if (st != PK_OK)
		free(copy);
	return st;
}

/* May the file behind sb be mapped and read in place?  Only when nobody
 * but the invoking user or root can change it under the mapping: owned
 * by one of them, and writable by neither group nor others (a POSIX ACL
 * granting write to anyone else shows in the group bits).  As ssh treats
 * its keys. */
static bool trusted_file(const struct stat *sb)
{
	return (sb->st_uid == geteuid() || sb->st_uid == 0) &&
	       (sb->st_mode & (S_IWGRP | S_IWOTH)) == 0;
}

/* Reads len bytes from fd into a private, 8-byte aligned copy. */
static pk_status read_copy(int fd, const char *path, size_t len, void **out,
			   size_t *got, pk_error *err)
{
	unsigned char *buf = malloc(len ? len : 1);
	size_t n = 0;

	*out = NULL;
	if (buf == NULL)
		return pk__error_set(err, PK_NOMEM, "%s: %s", path, pk_strerror(PK_NOMEM));
	while (n < len) {
		ssize_t r = pread(fd, buf + n, len - n, (off_t)n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			free(buf);
			return pk__error_set(err, PK_IO, "%s: %s", path, strerror(errno));
		}
		if (r == 0)
			break; /* shrunk meanwhile: the validator says truncated */
		n += (size_t)r;
	}
	*out = buf;
	*got = n;
	return PK_OK;
}

pk_status pk_registry_open_file(const char *path, pk_registry **out,
				pk_error *err)
{
	struct stat sb;
	void *map = NULL, *copy = NULL;
	size_t len = 0;
	pk_status st;
	int fd;

	*out = NULL;
	/* O_NONBLOCK: opening a FIFO for reading would wait for a writer
	 * before the type could be checked; nothing but a regular file is
	 * read, so the flag changes nothing else. */
	fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return pk__error_set(err, errno == EACCES ? PK_PERM : errno == ENOENT ? PK_NOTFOUND : PK_IO,
				    "%s: %s", path, strerror(errno));
	if (fstat(fd, &sb) != 0) {
		st = pk__error_set(err, PK_IO, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(sb.st_mode)) {
		st = pk__error_set(err, PK_IO, "%s is %s, not a regular file; an index is "
				  "a file", path, pk__file_type_name(sb.st_mode));
		goto out;
	}
	if ((uint64_t)sb.st_size > PK_IDX_MAX_BYTES) {
		st = pk__error_set(err, PK_CORRUPT, "%s: %lld bytes, larger than any index",
				  path, (long long)sb.st_size);
		goto out;
	}
	len = (size_t)sb.st_size;
	if (len < sizeof(pk_idx_header) || !trusted_file(&sb)) {
		/* A file someone else could truncate or rewrite while it is
		 * mapped (SIGBUS, or bytes changing after validation) is read
		 * into memory of our own and validated there; so is one too
		 * short to map usefully, for the validator to word the error. */
		size_t got = 0;
		if ((st = read_copy(fd, path, len, &copy, &got, err)) != PK_OK)
			goto out;
		st = pk__registry_from_index(copy, got, PK_MEM_HEAP, false, path, out, err);
		if (st == PK_OK)
			copy = NULL; /* the registry owns it now */
		goto out;
	}
	map = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
	if (map == MAP_FAILED) {
		map = NULL;
		st = pk__error_set(err, PK_IO, "%s: mmap: %s", path, strerror(errno));
		goto out;
	}
	/* No MADV_WILLNEED or MAP_POPULATE: measured on a 3 MB index, the
	 * kernel's fault-around maps it faster as the validation reads it. */
	st = pk__registry_from_index(map, len, PK_MEM_MMAP, false, path, out, err);
	if (st == PK_OK)
		map = NULL; /* the registry owns it now */
out:
	if (map != NULL)
		munmap(map, len);
	free(copy);
	close(fd);
	return st;
}

pk_status pk_user_index_path(char *buf, size_t buflen, pk_error *err)
{
	const char *xdg = getenv("XDG_DATA_HOME");
	const char *home = getenv("HOME");
	int n;

	/* The XDG base directory spec: relative values are ignored, so the
	 * registry never depends on the working directory; HOME likewise. */
	if (xdg != NULL && xdg[0] == '/')
		n = snprintf(buf, buflen, "%s/portkit/registry.idx", xdg);
	else if (home != NULL && home[0] == '/')
		n = snprintf(buf, buflen, "%s/.local/share/portkit/registry.idx", home);
	else
		return pk__error_set(err, PK_NOTFOUND, "neither XDG_DATA_HOME nor HOME is "
				    "set to an absolute path: no per-user index");
	if (n < 0 || (size_t)n >= buflen)
		return pk__error_set(err, PK_TOOBIG, "the per-user index path needs %d "
				    "bytes, the buffer has %zu", n + 1, buflen);
	return PK_OK;
}

/* PK_OK when path exists, PK_NOTFOUND when it does not, else an error. */
static pk_status exists(const char *path, pk_error *err)
{
	struct stat sb;

	if (stat(path, &sb) == 0)
		return PK_OK;
	if (errno == ENOENT || errno == ENOTDIR)
		return PK_NOTFOUND;
	return pk__error_set(err, errno == EACCES ? PK_PERM : PK_IO, "%s: %s", path,
			    strerror(errno));
}

pk_status pk_registry_open_default(pk_registry **out, pk_error *err)
{
	const char *env = getenv("PORTKIT_INDEX");
	char user[PATH_MAX];
	pk_status st;

	*out = NULL;
	/* An explicit choice: a missing file is an error, not a fallback. */
	if (env != NULL && env[0] != '\0')
		return pk_registry_open_file(env, out, err);
	if (pk_user_index_path(user, sizeof user, NULL) == PK_OK) {
		st = exists(user, err);
		if (st == PK_OK)
			return pk_registry_open_file(user, out, err);
		if (st != PK_NOTFOUND)
			return st;
	}
	st = exists(PK_SYSTEM_INDEX_PATH, err);
	if (st == PK_OK)
		return pk_registry_open_file(PK_SYSTEM_INDEX_PATH, out, err);
	if (st != PK_NOTFOUND)
		return st;
	return pk_registry_open_embedded(out, err);
}

/* ---- atomic save ------------------------------------------------------------- */

pk_status pk__registry_save(const pk_registry *reg, const char *path,
			    bool *in_place, pk_error *err)
{
	if (in_place != NULL)
		*in_place = false;
	if (path[0] == '\0')
		return pk__error_set(err, PK_INVAL, "empty index path");
	return pk__write_file_atomic_ex(path, reg->base, reg->len, 0644, in_place, err);
}

pk_status pk_registry_save(const pk_registry *reg, const char *path,
			   pk_error *err)
{
	return pk__registry_save(reg, path, NULL, err);
}
