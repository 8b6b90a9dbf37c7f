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

void pk__table_free(pk_text_table *t)
{
	if (t == NULL)
		return;
	for (size_t i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	free(t->header);
	free(t);
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

/* Columns of s[0..n): escaped cells are printable, one column per code
 * point. */
static size_t columns(const char *s, size_t n)
{
	size_t w = 0;

	for (size_t i = 0; i < n; i++)
		w += ((unsigned char)s[i] & 0xc0) != 0x80;
	return w;
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
 * breaking at a space when it can; returns the bytes consumed. */
static size_t put_folded(pk_render *r, const char *s, size_t max)
{
	size_t bytes = 0, cols = 0, last_space = 0;

	while (s[bytes] != '\0' && s[bytes] != '\n' && cols < max) {
		if (s[bytes] == ' ')
			last_space = bytes;
		bytes++;
		while (((unsigned char)s[bytes] & 0xc0) == 0x80)
			bytes++;
		cols++;
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

void pk__table_hide_first(pk_text_table *t)
{
	if (t != NULL && t->ncols > 1)
		t->first = 1;
}

void pk__table_write(pk_render *r, const pk_text_table *t)
{
	size_t w[MAX_COLS] = { 0 };

	if (t == NULL)
		return;
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
	/* Fold the last column only when there is a sensible amount of room. */
	size_t room = r->width > indent + 20 ? r->width - indent : 0;

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
