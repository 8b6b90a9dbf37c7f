/* atomic_file.c - writing a whole file so that readers see the old or the
 * new contents, never a mix: a temporary file in the same directory,
 * fsync, rename over the target, fsync of the directory.  Used by
 * pk_registry_save and pk_audit_write_sysctl.  And creating the
 * directories a new file goes into. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/internal.h"

static pk_status write_all(int fd, const unsigned char *p, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, p, len > (1u << 30) ? (1u << 30) : len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? PK_IO : (errno = EIO, PK_IO);
		p += n;
		len -= (size_t)n;
	}
	return PK_OK;
}

static pk_status sys_error(pk_error *err, const char *what, const char *path)
{
	int e = errno;

	return pk__error_set(err, e == EACCES || e == EPERM || e == EROFS ? PK_PERM : PK_IO,
			    "%s %s: %s", what, path, strerror(e));
}

pk_status pk__write_file_atomic(const char *path, const void *data, size_t len,
			       unsigned mode, pk_error *err)
{
	char *tmp = NULL, *dir = NULL;
	int fd = -1, dfd = -1;
	pk_status st = PK_OK;
	size_t plen = strlen(path);

	if (plen == 0)
		return pk__error_set(err, PK_INVAL, "empty file name");
	tmp = malloc(plen + sizeof ".tmp.XXXXXX");
	dir = strdup(path);
	if (tmp == NULL || dir == NULL) {
		st = pk__error_set(err, PK_NOMEM, "%s: %s", path, pk_strerror(PK_NOMEM));
		goto out;
	}
	/* The temporary file sits next to the target: rename() is atomic only
	 * within one file system. */
	memcpy(tmp, path, plen);
	memcpy(tmp + plen, ".tmp.XXXXXX", sizeof ".tmp.XXXXXX");
	char *slash = strrchr(dir, '/');
	if (slash == NULL)
		strcpy(dir, ".");
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		st = sys_error(err, "cannot create a temporary file in", dir);
		tmp[0] = '\0'; /* nothing to unlink */
		goto out;
	}
	if (fchmod(fd, (mode_t)mode) != 0 || write_all(fd, data, len) != PK_OK ||
	    fsync(fd) != 0) {
		st = sys_error(err, "cannot write", tmp);
		goto out;
	}
	if (close(fd) != 0) {
		fd = -1;
		st = sys_error(err, "cannot write", tmp);
		goto out;
	}
	fd = -1;
	if (rename(tmp, path) != 0) {
		st = sys_error(err, "cannot rename the new file to", path);
		goto out;
	}
	tmp[0] = '\0'; /* renamed: nothing to unlink */
	/* The rename itself is durable only once the directory is synced. */
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0 || (fsync(dfd) != 0 && errno != EINVAL)) /* EINVAL: not supported there */
		st = sys_error(err, "cannot sync directory", dir);
out:
	if (fd >= 0)
		close(fd);
	if (dfd >= 0)
		close(dfd);
	if (tmp != NULL && tmp[0] != '\0')
		unlink(tmp);
	free(tmp);
	free(dir);
	return st;
}

pk_status pk_make_parent_dirs(const char *path, pk_error *err)
{
	char *dir = strdup(path);
	pk_status st = PK_OK;

	if (dir == NULL)
		return pk__error_set(err, PK_NOMEM, "%s: %s", path, pk_strerror(PK_NOMEM));
	char *slash = strrchr(dir, '/');
	if (slash == NULL || slash == dir)
		goto out; /* the current or the root directory */
	*slash = '\0';
	/* Each prefix in turn, as mkdir -p does; one that exists is fine
	 * (EEXIST also covers a race with another creator). */
	for (char *p = dir + 1;; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char c = *p;
		*p = '\0';
		if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
			st = sys_error(err, "cannot create directory", dir);
			goto out;
		}
		*p = c;
		if (c == '\0')
			break;
	}
out:
	free(dir);
	return st;
}
