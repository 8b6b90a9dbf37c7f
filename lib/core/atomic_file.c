/* atomic_file.c - writing a whole file so that readers see the old or the
 * new contents, never a mix: a temporary file in the same directory,
 * fsync, rename over the target, fsync of the directory.  Used by
 * pk_registry_save and pk_audit_write_sysctl; and creating the
 * directories a new file goes into (pk_make_parent_dirs).
 *
 * Only a regular file is ever replaced: rename() would as happily put a
 * regular file in place of /dev/null, a FIFO or a symbolic link.  A
 * symbolic link is followed to the regular file it names (the link stays)
 * when the link belongs to the writer or to root, and refused otherwise,
 * as the kernel's protected_symlinks refuses links planted by others in
 * shared directories.  docs/security.md has the reasons. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/internal.h"

/* The temporary file's name: the target's, then this, then mkostemp's six
 * characters. */
#define TMP_SUFFIX ".tmp."
#define TMP_RANDOM 6
/* A temporary file of ours this long unmodified is left over from a writer
 * that died: a live one writes, syncs and renames within seconds. */
#define STALE_SECONDS (15 * 60)
/* Symbolic links followed to find the file to replace (Linux's MAXSYMLINKS). */
#define MAX_LINKS 40

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

/* The file a write to path replaces: path itself, or the regular file
 * its symbolic links lead to.  *out (malloc'd) is NULL when path does not
 * exist (a new file).  Refuses anything that is not a regular file. */
static pk_status resolve_target(const char *path, char **out, pk_error *err)
{
	char *cur = strdup(path);
	struct stat sb;

	*out = NULL;
	if (cur == NULL)
		return pk__error_set(err, PK_NOMEM, "%s: %s", path, pk_strerror(PK_NOMEM));
	for (int hops = 0;; hops++) {
		if (lstat(cur, &sb) != 0) {
			pk_status st = PK_OK;
			if (errno != ENOENT && errno != ENOTDIR)
				st = sys_error(err, "cannot examine", cur);
			else if (hops > 0) /* a dangling link: where would the file go? */
				st = pk__error_set(err, PK_INVAL, "%s is a symbolic link to %s, "
						  "which does not exist; refusing to create a file "
						  "through it", path, cur);
			free(cur);
			return st;
		}
		if (S_ISREG(sb.st_mode)) {
			*out = cur;
			return PK_OK;
		}
		if (!S_ISLNK(sb.st_mode)) {
			pk_status st = pk__error_set(err, PK_INVAL, "%s is %s, not a regular "
						    "file; refusing to replace it", cur,
						    pk__file_type_name(sb.st_mode));
			free(cur);
			return st;
		}
		if (sb.st_uid != geteuid() && sb.st_uid != 0) {
			pk_status st = pk__error_set(err, PK_PERM, "%s is a symbolic link owned "
						    "by uid %u, neither you nor root; refusing "
						    "to follow it", cur, (unsigned)sb.st_uid);
			free(cur);
			return st;
		}
		if (hops == MAX_LINKS) {
			pk_status st = pk__error_set(err, PK_INVAL, "%s: too many levels of "
						    "symbolic links", path);
			free(cur);
			return st;
		}
		/* The link's text, relative to the link's own directory. */
		char *link = malloc(PATH_MAX);
		ssize_t n = link ? readlink(cur, link, PATH_MAX) : -1;
		if (n < 0 || n >= PATH_MAX) {
			pk_status st = link == NULL
				? pk__error_set(err, PK_NOMEM, "%s: %s", path, pk_strerror(PK_NOMEM))
				: n < 0 ? sys_error(err, "cannot read the symbolic link", cur)
					: pk__error_set(err, PK_INVAL, "%s: the symbolic link is "
							"too long", cur);
			free(link);
			free(cur);
			return st;
		}
		link[n] = '\0';
		const char *slash = strrchr(cur, '/');
		size_t dlen = link[0] == '/' || slash == NULL ? 0 : (size_t)(slash - cur) + 1;
		char *next = malloc(dlen + (size_t)n + 1);
		if (next == NULL) {
			free(link);
			free(cur);
			return pk__error_set(err, PK_NOMEM, "%s: %s", path, pk_strerror(PK_NOMEM));
		}
		memcpy(next, cur, dlen);
		memcpy(next + dlen, link, (size_t)n + 1);
		free(link);
		free(cur);
		cur = next;
	}
}

/* Is name one of our temporary files for base (base TMP_SUFFIX XXXXXX)? */
static bool is_our_tmp(const char *name, const char *base, size_t blen)
{
	if (strncmp(name, base, blen) != 0 ||
	    strncmp(name + blen, TMP_SUFFIX, sizeof TMP_SUFFIX - 1) != 0)
		return false;
	const char *r = name + blen + sizeof TMP_SUFFIX - 1;
	for (int i = 0; i < TMP_RANDOM; i++) {
		char c = r[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')))
			return false;
	}
	return r[TMP_RANDOM] == '\0';
}

/* Removes the temporary files an interrupted write for the same target
 * left in dfd: regular files of the writer's own user, named as this file
 * names them, unmodified for STALE_SECONDS.  Best effort: a failure here
 * changes nothing about the write that succeeded. */
static void remove_stale(int dfd, const char *base)
{
	int fd = dup(dfd);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *e;
	struct timespec now;
	size_t blen = strlen(base);

	if (d == NULL) {
		if (fd >= 0)
			close(fd);
		return;
	}
	clock_gettime(CLOCK_REALTIME, &now);
	while ((e = readdir(d)) != NULL) {
		struct stat sb;
		if (!is_our_tmp(e->d_name, base, blen) ||
		    fstatat(dfd, e->d_name, &sb, AT_SYMLINK_NOFOLLOW) != 0 ||
		    !S_ISREG(sb.st_mode) || sb.st_uid != geteuid() ||
		    now.tv_sec - sb.st_mtim.tv_sec < STALE_SECONDS)
			continue;
		unlinkat(dfd, e->d_name, 0);
	}
	closedir(d);
}

pk_status pk__write_file_atomic(const char *path, const void *data, size_t len,
			       unsigned mode, pk_error *err)
{
	return pk__write_file_atomic_ex(path, data, len, mode, NULL, err);
}

pk_status pk__write_file_atomic_ex(const char *path, const void *data,
				  size_t len, unsigned mode, bool *in_place,
				  pk_error *err)
{
	char *target = NULL, *tmp = NULL, *dir = NULL;
	int fd = -1, dfd = -1;
	pk_status st = PK_OK;

	if (in_place != NULL)
		*in_place = false;
	if (path[0] == '\0')
		return pk__error_set(err, PK_INVAL, "empty file name");
	if ((st = resolve_target(path, &target, err)) != PK_OK)
		return st;
	const char *to = target ? target : path;
	size_t plen = strlen(to);
	tmp = malloc(plen + sizeof TMP_SUFFIX + TMP_RANDOM);
	dir = strdup(to);
	if (tmp == NULL || dir == NULL) {
		st = pk__error_set(err, PK_NOMEM, "%s: %s", path, pk_strerror(PK_NOMEM));
		goto out;
	}
	/* The temporary file sits next to the file replaced: rename() is
	 * atomic only within one file system. */
	memcpy(tmp, to, plen);
	memcpy(tmp + plen, TMP_SUFFIX "XXXXXX", sizeof TMP_SUFFIX + TMP_RANDOM);
	char *slash = strrchr(dir, '/');
	const char *base = slash ? to + (slash - dir) + 1 : to;
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
	if (rename(tmp, to) != 0) {
		st = sys_error(err, "cannot rename the new file to", to);
		goto out;
	}
	tmp[0] = '\0'; /* renamed: nothing to unlink */
	if (in_place != NULL)
		*in_place = true;
	/* The rename itself is durable only once the directory is synced.
	 * When that fails the new file is nevertheless the one readers
	 * see: say so, not that the write failed and the old file stays. */
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0 || (fsync(dfd) != 0 && errno != EINVAL)) { /* EINVAL: not supported there */
		int e = errno;
		st = pk__error_set(err, e == EACCES || e == EPERM || e == EROFS ? PK_PERM : PK_IO,
				  "%s is in place, but syncing directory %s failed (%s): "
				  "a crash may still bring back the previous file",
				  to, dir, strerror(e));
	}
	if (dfd >= 0)
		remove_stale(dfd, base);
out:
	if (fd >= 0)
		close(fd);
	if (dfd >= 0)
		close(dfd);
	if (tmp != NULL && tmp[0] != '\0')
		unlink(tmp);
	free(tmp);
	free(dir);
	free(target);
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
