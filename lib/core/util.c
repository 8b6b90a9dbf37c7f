/* util.c - bounded buffers, ASCII case folding and whole-file reads. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/internal.h"

int pk__strcasecmp(const char *a, const char *b)
{
	const unsigned char *p = (const unsigned char *)a;
	const unsigned char *q = (const unsigned char *)b;

	while (*p != '\0' && pk__lower(*p) == pk__lower(*q)) {
		p++;
		q++;
	}
	return (int)pk__lower(*p) - (int)pk__lower(*q);
}

int pk__strncasecmp(const char *a, const char *b, size_t n)
{
	const unsigned char *p = (const unsigned char *)a;
	const unsigned char *q = (const unsigned char *)b;

	for (; n > 0; n--, p++, q++) {
		int d = (int)pk__lower(*p) - (int)pk__lower(*q);
		if (d != 0 || *p == '\0')
			return d;
	}
	return 0;
}

const char *pk__strcasestr_lower(const char *haystack, const char *needle_lower)
{
	size_t n = strlen(needle_lower);
	const unsigned char *h = (const unsigned char *)haystack;
	unsigned char first = (unsigned char)needle_lower[0];

	if (n == 0)
		return haystack;
	for (; *h != '\0'; h++) {
		if (pk__lower(*h) != first)
			continue;
		size_t i = 1;
		while (i < n && h[i] != '\0' &&
		       pk__lower(h[i]) == (unsigned char)needle_lower[i])
			i++;
		if (i == n)
			return (const char *)h;
		if (h[i] == '\0')
			return NULL;
	}
	return NULL;
}

void pk__buf_init(pk_buf *b, size_t limit)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->limit = limit;
}

void pk__buf_free(pk_buf *b)
{
	free(b->data);
	pk__buf_init(b, b->limit);
}

/* Makes room for extra more bytes plus a terminating NUL. */
static pk_status buf_reserve(pk_buf *b, size_t extra)
{
	if (extra > b->limit || b->len > b->limit - extra)
		return PK_TOOBIG;
	size_t need = b->len + extra + 1;
	if (need <= b->cap)
		return PK_OK;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	char *p = realloc(b->data, cap);
	if (p == NULL)
		return PK_NOMEM;
	b->data = p;
	b->cap = cap;
	return PK_OK;
}

pk_status pk__buf_add(pk_buf *b, const void *data, size_t len)
{
	pk_status st = buf_reserve(b, len);
	if (st != PK_OK)
		return st;
	if (len > 0)
		memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
	return PK_OK;
}

pk_status pk__buf_addc(pk_buf *b, char c)
{
	return pk__buf_add(b, &c, 1);
}

pk_status pk__buf_addstr(pk_buf *b, const char *s)
{
	return pk__buf_add(b, s, strlen(s));
}

pk_status pk__buf_printf(pk_buf *b, const char *fmt, ...)
{
	va_list ap;
	char small[256];

	va_start(ap, fmt);
	int n = vsnprintf(small, sizeof small, fmt, ap);
	va_end(ap);
	if (n < 0)
		return PK_INVAL;
	if ((size_t)n < sizeof small)
		return pk__buf_add(b, small, (size_t)n);
	pk_status st = buf_reserve(b, (size_t)n);
	if (st != PK_OK)
		return st;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return PK_OK;
}

pk_status pk__buf_terminate(pk_buf *b)
{
	pk_status st = buf_reserve(b, 0);
	/* A buffer nothing was added to has no NUL yet. */
	if (st == PK_OK)
		b->data[b->len] = '\0';
	return st;
}

pk_status pk__read_file(const char *path, size_t limit, char **data,
		       size_t *len, pk_error *err)
{
	pk_buf buf;
	char chunk[65536];
	pk_status st = PK_OK;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	*data = NULL;
	*len = 0;
	if (fd < 0)
		return pk__error_set(err, errno == EACCES ? PK_PERM :
					  errno == ENOENT ? PK_NOTFOUND : PK_IO,
				    "%s: %s", path, strerror(errno));
	pk__buf_init(&buf, limit);
	for (;;) {
		ssize_t n = read(fd, chunk, sizeof chunk);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			st = pk__error_set(err, PK_IO, "%s: %s", path,
					  strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		st = pk__buf_add(&buf, chunk, (size_t)n);
		if (st == PK_TOOBIG) {
			pk__error_set(err, st, "%s: larger than %zu bytes", path,
				     limit);
			goto out;
		}
		if (st != PK_OK) {
			pk__error_set(err, st, "%s: %s", path, pk_strerror(st));
			goto out;
		}
	}
	st = pk__buf_terminate(&buf);
	if (st != PK_OK) {
		pk__error_set(err, st, "%s: %s", path, pk_strerror(st));
		goto out;
	}
	*data = buf.data;
	*len = buf.len;
	buf.data = NULL;
out:
	close(fd);
	pk__buf_free(&buf);
	return st;
}

size_t pk__cut_at_word(const char *s, size_t max, bool *more)
{
	size_t n = strlen(s);

	*more = n > max;
	if (n <= max)
		return n;
	n = max;
	while (n > max / 2 && s[n] != ' ')
		n--;
	return n;
}

const char *pk__file_type_name(unsigned mode)
{
	switch (mode & S_IFMT) {
	case S_IFREG: return "a regular file";
	case S_IFCHR: return "a character device";
	case S_IFBLK: return "a block device";
	case S_IFIFO: return "a FIFO";
	case S_IFSOCK: return "a socket";
	case S_IFDIR: return "a directory";
	case S_IFLNK: return "a symbolic link";
	default: return "a file of an unknown type";
	}
}
