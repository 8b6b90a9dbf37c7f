/* cli.c - messages, exit codes, registry opening and aligned tables shared
 * by every portkit subcommand. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

void cli_error(const char *fmt, ...)
{
	va_list ap;

	fputs("portkit: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void cli_warn(const char *fmt, ...)
{
	va_list ap;

	fputs("portkit: warning: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int cli_report(pk_status st, const pk_error *err)
{
	if (err != NULL && err->message[0] != '\0')
		cli_error("%s", err->message);
	else
		cli_error("%s", pk_strerror(st));
	switch (st) {
	case PK_INVAL:
	case PK_RANGE:
		return EXIT_USAGE;
	default:
		return EXIT_DATA;
	}
}

int cli_open_registry(const cli_ctx *ctx, pk_registry **out)
{
	pk_error err;
	pk_status st;

	if (ctx->index_path != NULL)
		st = pk_registry_open_file(ctx->index_path, out, &err);
	else
		st = pk_registry_open_default(out, &err);
	if (st != PK_OK) {
		cli_report(st, &err);
		return EXIT_DATA;
	}
	return EXIT_FOUND;
}

int cli_open_registry_optional(const cli_ctx *ctx, pk_registry **out)
{
	pk_error err;

	if (ctx->index_path != NULL)
		return cli_open_registry(ctx, out);
	if (pk_registry_open_default(out, &err) != PK_OK) {
		cli_warn("%s; port names not available", err.message);
		*out = NULL;
	}
	return EXIT_FOUND;
}

int cli_parse_protos(const char *s, unsigned *mask)
{
	unsigned m = 0;
	const char *p = s;

	if (strcmp(s, "any") == 0 || strcmp(s, "all") == 0) {
		*mask = 0;
		return 0;
	}
	for (;;) {
		size_t n = strcspn(p, ",");
		pk_proto proto;
		if (n == 0 || pk_proto_parse(p, n, &proto) != PK_OK) {
			cli_error("invalid transport '%s': expected tcp, udp, sctp, dccp or a comma-separated list",
				  s);
			return EXIT_USAGE;
		}
		m |= PK_PROTOMASK(proto);
		if (p[n] == '\0')
			break;
		p += n + 1;
	}
	*mask = m;
	return 0;
}

int cli_common_option(int opt, const char *arg, cli_ctx *ctx)
{
	switch (opt) {
	case 'j':
		ctx->json = true;
		return 0;
	case 'l':
		ctx->long_format = true;
		return 0;
	case 'p':
		return cli_parse_protos(arg, &ctx->protomask);
	case CLI_OPT_INDEX:
		ctx->index_path = arg;
		return 0;
	case CLI_OPT_NO_COLOR:
		ctx->color = false;
		return 0;
	default:
		/* getopt_long already said what was wrong. */
		return EXIT_USAGE;
	}
}

int cli_finish(int rc)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		/* A reader that went away (EPIPE) is not worth a message. */
		if (errno != EPIPE)
			cli_error("error writing output: %s", strerror(errno));
		return EXIT_DATA;
	}
	return rc;
}

/* ---- aligned tables --------------------------------------------------- */

struct cli_table {
	unsigned ncols;
	size_t nrows;
	size_t cap;
	char **cells; /* nrows * ncols */
};

cli_table *cli_table_new(unsigned ncols)
{
	cli_table *t = calloc(1, sizeof *t);

	if (t != NULL)
		t->ncols = ncols;
	return t;
}

void cli_table_free(cli_table *t)
{
	if (t == NULL)
		return;
	for (size_t i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	free(t);
}

int cli_table_add(cli_table *t, const char *const *cells)
{
	if (t->nrows == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 32;
		char **p = realloc(t->cells, cap * t->ncols * sizeof *p);
		if (p == NULL)
			return -1;
		t->cells = p;
		t->cap = cap;
	}
	char **row = t->cells + t->nrows * t->ncols;
	for (unsigned c = 0; c < t->ncols; c++) {
		row[c] = strdup(cells[c] ? cells[c] : "");
		if (row[c] == NULL) {
			while (c-- > 0)
				free(row[c]);
			return -1;
		}
	}
	t->nrows++;
	return 0;
}

/* Display width of a UTF-8 string: counts code points, not bytes.  The
 * registry is ASCII but people's names and orgs need not be. */
static size_t display_width(const char *s)
{
	size_t w = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			w++;
	return w;
}

/* Prints at most max display columns of s, breaking at a space when it can;
 * returns the number of bytes consumed. */
static size_t print_folded(FILE *out, const char *s, size_t max)
{
	size_t bytes = 0;
	size_t cols = 0;
	size_t last_space = 0;

	while (s[bytes] != '\0' && cols < max) {
		if (s[bytes] == ' ')
			last_space = bytes;
		bytes++;
		while (((unsigned char)s[bytes] & 0xc0) == 0x80)
			bytes++;
		cols++;
	}
	if (s[bytes] != '\0' && s[bytes] != ' ' && last_space > 0)
		bytes = last_space;
	fwrite(s, 1, bytes, out);
	while (s[bytes] == ' ')
		bytes++;
	return bytes;
}

void cli_table_print(const cli_table *t, FILE *out, int width)
{
	size_t w[16] = { 0 };
	unsigned ncols = t->ncols < 16 ? t->ncols : 16;

	for (size_t r = 0; r < t->nrows; r++)
		for (unsigned c = 0; c < ncols; c++) {
			size_t cw = display_width(t->cells[r * t->ncols + c]);
			if (cw > w[c])
				w[c] = cw;
		}
	size_t indent = 0;
	for (unsigned c = 0; c + 1 < ncols; c++)
		indent += w[c] + 2;
	/* Fold the last column only when there is a sensible amount of room. */
	size_t room = width > 0 && (size_t)width > indent + 20 ?
			      (size_t)width - indent : 0;

	for (size_t r = 0; r < t->nrows; r++) {
		char *const *row = t->cells + r * t->ncols;
		unsigned used = ncols; /* columns up to the last non-empty one */
		while (used > 0 && row[used - 1][0] == '\0')
			used--;
		for (unsigned c = 0; c + 1 < used; c++)
			fprintf(out, "%s%*s", row[c],
				(int)(w[c] - display_width(row[c]) + 2), "");
		if (used == 0) {
			/* an empty row */
		} else if (used < ncols || room == 0 ||
			   display_width(row[used - 1]) <= room) {
			fputs(row[used - 1], out);
		} else {
			const char *p = row[ncols - 1];
			p += print_folded(out, p, room);
			while (*p != '\0') {
				fprintf(out, "\n%*s", (int)indent, "");
				p += print_folded(out, p, room);
			}
		}
		fputc('\n', out);
	}
}
