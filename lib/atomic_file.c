/* atomic_file.c - writing a whole file so that readers see the old or the
 * new contents, never a mix: a temporary file in the same directory,
 * fsync, rename over the target, fsync of the directory. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

static pk_status errno_status(int e)
{
	return e == EACCES || e == EPERM || e == EROFS ? PK_PERM : PK_IO;
}

pk_status pk_write_file_atomic(const char *path, const void *data, size_t len,
			       unsigned mode, pk_error *err)
{
	pk_status st = PK_OK;
	char *tmp = NULL;
	char *dircopy = NULL;
	int fd = -1;
	size_t n = strlen(path);

	tmp = malloc(n + sizeof ".XXXXXX");
	dircopy = strdup(path);
	if (tmp == NULL || dircopy == NULL) {
		st = pk_error_set(err, PK_NOMEM, "%s: %s", path,
				  pk_strerror(PK_NOMEM));
		goto out;
	}
	memcpy(tmp, path, n);
	memcpy(tmp + n, ".XXXXXX", sizeof ".XXXXXX");
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		st = pk_error_set(err, errno_status(errno), "%s: %s", path,
				  strerror(errno));
		free(tmp);
		tmp = NULL; /* nothing to unlink */
		goto out;
	}
	if (fchmod(fd, (mode_t)mode) != 0)
		goto fail;
	const char *p = data;
	while (len > 0) {
		ssize_t w = write(fd, p, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			goto fail;
		p += w;
		len -= (size_t)w;
	}
	if (fsync(fd) != 0)
		goto fail;
	if (close(fd) != 0) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) != 0)
		goto fail;
	free(tmp);
	tmp = NULL;
	/* The rename itself is durable only once the directory is. */
	int dfd = open(dirname(dircopy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	goto out;
fail:
	st = pk_error_set(err, errno_status(errno), "%s: %s", path,
			  strerror(errno));
out:
	if (fd >= 0)
		close(fd);
	if (tmp != NULL) {
		unlink(tmp);
		free(tmp);
	}
	free(dircopy);
	return st;
}
