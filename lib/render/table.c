/* table.c - aligned text tables whose last column folds to the width of
 * the terminal.  Cells are escaped when added, so widths are those of
 * what is printed and nothing from outside reaches the terminal raw. */
#include <stdlib.h>

#include "render/render_internal.h"

#define MAX_COLS 16

struct pk_text_table {
	unsigned ncols;
	size_t nrows;
	size_t cap;
	char **cells;  /* nrows * ncols, escaped */
	bool *header;  /* per row */
	unsigned first; /* the first column written */
	size_t w[MAX_COLS]; /* widths of the rows already flushed */
};

pk_text_table *pk__table_new(pk_render *r, unsigned ncols)
{
	pk_text_table *t = NULL;

	if (ncols == 0 || ncols > MAX_COLS)
		pk__render_fail(r, PK_INVAL, "a table has 1 to %d columns", MAX_COLS);
	else if ((t = calloc(1, sizeof *t)) == NULL)
		pk__render_fail(r, PK_NOMEM, "out of memory");
	else
		t->ncols = ncols;
	return t;
}

static void drop_rows(pk_text_table *t)
{
	for (size_t i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	t->nrows = 0;
}

void pk__table_free(pk_text_table *t)
{
	if (t == NULL)
		return;
	drop_rows(t);
	free(t->cells);
	free(t->header);
	free(t);
}

size_t pk__table_rows(const pk_text_table *t)
{
	return t != NULL ? t->nrows : 0;
}

static void add_row(pk_render *r, pk_text_table *t, const char *const *cells,
		    bool header)
{
	if (t == NULL || !pk__render_ok(r))
		return;
	if (t->nrows == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 32;
		char **c = realloc(t->cells, cap * t->ncols * sizeof *c);
		if (c != NULL)
			t->cells = c;
		bool *h = c ? realloc(t->header, cap * sizeof *h) : NULL;
		if (h == NULL) {
			pk__render_fail(r, PK_NOMEM, "out of memory");
			return;
		}
		t->header = h;
		t->cap = cap;
	}
	char **row = t->cells + t->nrows * t->ncols;
	for (unsigned c = 0; c < t->ncols; c++) {
		const char *s = cells[c] ? cells[c] : "";
		pk_buf b;
		pk__buf_init(&b, (size_t)1 << 24);
		/* Only the last column may hold several lines. */
		if (pk__text_escape(&b, s, strlen(s), c + 1 == t->ncols) != PK_OK) {
			pk__buf_free(&b);
			while (c-- > 0)
				free(row[c]);
			pk__render_fail(r, PK_NOMEM, "out of memory");
			return;
		}
		row[c] = b.data;
	}
	t->header[t->nrows++] = header;
}

void pk__table_add(pk_render *r, pk_text_table *t, const char *const *cells)
{
	add_row(r, t, cells, false);
}

void pk__table_add_header(pk_render *r, pk_text_table *t,
			  const char *const *cells)
{
	add_row(r, t, cells, true);
}

void pk__table_add_pair(pk_render *r, pk_text_table *t, const char *label,
			const char *value)
{
	const char *cells[2] = { label, value };
	add_row(r, t, cells, false);
}

/* Columns of s[0..n): escaped cells are printable; wide characters take
 * two columns, combining ones none (pk__cp_width). */
static size_t columns(const char *s, size_t n)
{
	return pk__utf8_width(s, n);
}

static void spaces(pk_render *r, size_t n)
{
	static const char blank[] = "                ";
	while (n > 0) {
		size_t k = n < sizeof blank - 1 ? n : sizeof blank - 1;
		pk__render_put(r, blank, k);
		n -= k;
	}
}

/* Writes at most max columns of the line at s (up to '\n' or the end),
 * breaking at a space when it can; returns the bytes consumed.  A
 * character is never split from the combining marks that follow it, and a
 * wide one that does not fit starts the next line. */
static size_t put_folded(pk_render *r, const char *s, size_t max)
{
	size_t bytes = 0, cols = 0, last_space = 0;

	while (s[bytes] != '\0' && s[bytes] != '\n') {
		uint32_t cp;
		size_t n = pk__utf8_decode(s + bytes, strlen(s + bytes), &cp);
		unsigned w = n == 0 ? 1 : pk__cp_width(cp);
		if (n == 0)
			n = 1;
		if (cols + w > max && w > 0)
			break;
		if (s[bytes] == ' ')
			last_space = bytes;
		bytes += n;
		cols += w;
	}
	/* A word longer than the line is cut; nothing at all would loop. */
	if (bytes == 0 && s[0] != '\0' && s[0] != '\n') {
		uint32_t cp;
		size_t n = pk__utf8_decode(s, strlen(s), &cp);
		bytes = n == 0 ? 1 : n;
	}
	if (s[bytes] != '\0' && s[bytes] != '\n' && s[bytes] != ' ' &&
	    last_space > 0)
		bytes = last_space;
	pk__render_put(r, s, bytes);
	while (s[bytes] == ' ')
		bytes++;
	return bytes;
}

/* The last cell of a row: each of its lines starts at column indent, and
 * lines wider than room (when room > 0) are folded. */
static void put_last_cell(pk_render *r, const char *p, size_t indent,
			  size_t room)
{
	for (;;) {
		size_t len = strcspn(p, "\n");
		if (room == 0 || columns(p, len) <= room) {
			pk__render_put(r, p, len);
			p += len;
		} else {
			p += put_folded(r, p, room);
			while (*p != '\0' && *p != '\n') {
				pk__render_put(r, "\n", 1);
				spaces(r, indent);
				p += put_folded(r, p, room);
			}
		}
		if (*p == '\0')
			return;
		p++;
		pk__render_put(r, "\n", 1);
		spaces(r, indent);
	}
}

static void put_cell(pk_render *r, const char *cell, bool bold)
{
	if (bold)
		pk__render_puts(r, "\033[1m");
	pk__render_puts(r, cell);
	if (bold)
		pk__render_puts(r, "\033[0m");
}

/* The widest cell of column c. */
static size_t columns_max(const pk_text_table *t, unsigned c)
{
	size_t m = 0;

	for (size_t i = 0; i < t->nrows; i++) {
		const char *cell = t->cells[i * t->ncols + c];
		size_t cw = columns(cell, strlen(cell));
		if (cw > m)
			m = cw;
	}
	return m;
}

/* A table too wide for the terminal: its first column, then as many of
 * the others as fit, block after block separated by a blank line; the
 * table's last column folds in its block as it does otherwise. */
static void write_groups(pk_render *r, const pk_text_table *t, const size_t *w)
{
	unsigned key = t->first;
	unsigned c = key + 1;

	while (c < t->ncols) {
		size_t used = w[key] + 2;
		unsigned end = c;
		/* At least one column a block; the last one may fold. */
		while (end < t->ncols &&
		       (end == c || used + w[end] <= r->width ||
			(end + 1 == t->ncols && used + 12 <= r->width))) {
			used += w[end] + 2;
			end++;
		}
		if (c > key + 1)
			pk__render_put(r, "\n", 1);
		size_t indent = w[key] + 2;
		for (unsigned k = c; k + 1 < end; k++)
			indent += w[k] + 2;
		size_t room = r->width >= indent + 12 ? r->width - indent : 0;
		for (size_t i = 0; i < t->nrows; i++) {
			char *const *row = t->cells + i * t->ncols;
			bool bold = t->header[i] && (r->flags & PK_RENDER_COLOR);
			unsigned last = end; /* no blanks after the last text */
			while (last > c && row[last - 1][0] == '\0')
				last--;
			put_cell(r, row[key], bold);
			if (last > c)
				spaces(r, w[key] - columns(row[key], strlen(row[key])) + 2);
			for (unsigned k = c; k < last; k++) {
				if (k + 1 < last) {
					put_cell(r, row[k], bold);
					spaces(r, w[k] - columns(row[k], strlen(row[k])) + 2);
				} else if (k + 1 == t->ncols && !bold) {
					put_last_cell(r, row[k], indent, room);
				} else {
					put_cell(r, row[k], bold);
				}
			}
			pk__render_put(r, "\n", 1);
		}
		c = end;
	}
}

void pk__table_hide_first(pk_text_table *t)
{
	if (t != NULL && t->ncols > 1)
		t->first = 1;
}

/* The rows held, each column as wide as its widest cell and at least w[c];
 * w is updated to the widths used. */
static void write_rows(pk_render *r, const pk_text_table *t, size_t *w)
{
	for (size_t i = 0; i < t->nrows; i++)
		for (unsigned c = 0; c < t->ncols; c++) {
			const char *cell = t->cells[i * t->ncols + c];
			size_t cw = columns(cell, strlen(cell));
			if (cw > w[c])
				w[c] = cw;
		}
	size_t indent = 0;
	for (unsigned c = t->first; c + 1 < t->ncols; c++)
		indent += w[c] + 2;
	/* Fold the last column only when there is a sensible amount of room;
	 * when there is not, and the table is wider than the terminal, its
	 * columns are written in groups that fit, each after the first. */
	size_t room = r->width >= indent + 12 ? r->width - indent : 0;
	if (r->width > 0 && room == 0 && t->ncols - t->first > 2 &&
	    indent + columns_max(t, t->ncols - 1) > r->width) {
		write_groups(r, t, w);
		return;
	}

	for (size_t i = 0; i < t->nrows; i++) {
		char *const *row = t->cells + i * t->ncols;
		bool bold = t->header[i] && (r->flags & PK_RENDER_COLOR);
		unsigned used = t->ncols; /* up to the last non-empty column */
		while (used > 0 && row[used - 1][0] == '\0')
			used--;
		for (unsigned c = t->first; c + 1 < used; c++) {
			put_cell(r, row[c], bold);
			spaces(r, w[c] - columns(row[c], strlen(row[c])) + 2);
		}
		if (used == t->ncols && !bold)
			put_last_cell(r, row[used - 1], indent, room);
		else if (used > t->first)
			put_cell(r, row[used - 1], bold);
		pk__render_put(r, "\n", 1);
	}
}

void pk__table_write(pk_render *r, const pk_text_table *t)
{
	size_t w[MAX_COLS];

	if (t == NULL)
		return;
	memcpy(w, t->w, sizeof w);
	write_rows(r, t, w);
}

void pk__table_flush(pk_render *r, pk_text_table *t)
{
	if (t == NULL)
		return;
	write_rows(r, t, t->w);
	drop_rows(t);
}

void pk__render_folded(pk_render *r, const char *s, size_t indent)
{
	size_t room = r->width >= indent + 12 ? r->width : 0;

	/* The first line has the whole width, the others room - indent. */
	size_t n = room == 0 ? strlen(s) : put_folded(r, s, room);
	if (room == 0)
		pk__render_put(r, s, n);
	else if (s[n] != '\0') {
		pk__render_put(r, "\n", 1);
		spaces(r, indent);
		put_last_cell(r, s + n, indent, room - indent);
	}
	pk__render_put(r, "\n", 1);
}
