/* cmd_lookup.c - `portkit 443`, `portkit 53/udp`, `portkit 6000-6010`,
 * `portkit http`, `portkit kerberos/udp`: what is this port, which port is
 * this service.  The grammar of an argument is pk_query_parse()'s. */
#include <getopt.h> /* optind */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* The arguments, parsed and run one at a time as the renderer asks for
 * them: memory does not grow with their number. */
typedef struct lookup {
	const cli_ctx *ctx;
	const pk_registry *reg;
	char **args;
	int nargs, next;
	pk_query *cur;
	bool missing; /* a query found nothing */
	pk_status st;
	pk_error err;
} lookup;

static const pk_query *next_query(void *p)
{
	lookup *l = p;

	pk_query_free(l->cur);
	l->cur = NULL;
	if (l->st != PK_OK || l->next >= l->nargs)
		return NULL;
	l->st = pk_query_parse(l->args[l->next++], l->ctx->protomask, &l->cur,
			       &l->err);
	if (l->st == PK_OK && l->ctx->limit != NULL)
		l->st = pk_query_set_page(l->cur, strtoul(l->ctx->limit, NULL, 10),
					  l->ctx->cursor, &l->err);
	if (l->st == PK_OK)
		l->st = pk_query_run(l->reg, l->cur, &l->err);
	if (l->st != PK_OK)
		return NULL;
	const char *name = pk_query_name(l->cur);
	if (!pk_query_found(l->cur)) {
		l->missing = true;
		/* Ports without a record get a row; names only this (and close
		 * names, if any), on stderr. */
		pk_render *r;
		if (name != NULL && !l->ctx->json &&
		    pk_render_new(PK_RENDER_TEXT, pk_write_stdio, stderr, &r, NULL) == PK_OK) {
			fflush(stdout);
			fputs("portkit: ", stderr);
			pk_render_not_found(r, l->cur);
			pk_render_flush(r, NULL);
			pk_render_free(r);
		}
	}
	return l->cur;
}

int cmd_lookup(int argc, char **argv, cli_ctx *ctx); /* for main.c */

int cmd_lookup(int argc, char **argv, cli_ctx *ctx)
{
	pk_query *q = NULL;
	pk_error err, first;
	pk_status st = PK_OK;

	/* Options and operands mix ("portkit 443 --json"), but a negative
	 * number is an invalid port, not an option. */
	int neg = cli_negative_operand(argc, argv, NULL, NULL, ctx);
	if (neg > 0) {
		st = pk_query_parse(argv[neg], 0, &q, &err);
		pk_query_free(q);
		return cli_fail(ctx, st, &err);
	}
	int rc = cli_parse_options(argc, argv, ctx,
				   "usage: portkit [lookup] [OPTIONS] PORT|LO-HI|NAME[/PROTO]...\n"
				   "Looks ports and service names up; see portkit(1).\n");
	if (rc >= 0)
		return rc;
	if (optind >= argc)
		return cli_usage(ctx, "nothing to look up: expected PORT, LO-HI or NAME[/PROTO] (see portkit --help)");
	/* Every argument is checked before any answer, so a script gets
	 * either all answers or a clear usage error. */
	for (int i = optind; i < argc; i++) {
		pk_status s = pk_query_parse(argv[i], ctx->protomask, &q, &err);
		/* --limit and --cursor are checked once, with the first. */
		if (s == PK_OK && i == optind && (rc = cli_set_page(ctx, q)) != 0) {
			pk_query_free(q);
			return rc;
		}
		pk_query_free(q);
		if (s != PK_OK && st == PK_OK) {
			st = s;
			first = err;
		}
		if (s != PK_OK)
			rc = cli_report(s, &err);
	}
	if (st != PK_OK) {
		cli_json_error(ctx, st, &first);
		return rc;
	}
	lookup l = { .ctx = ctx, .args = argv + optind, .nargs = argc - optind };
	pk_registry *reg = NULL;
	if ((rc = cli_open_registry(ctx, &reg)) != 0)
		return rc;
	l.reg = reg;
	pk_render *r = cli_render_new(ctx);
	if (r != NULL)
		pk_render_lookup(r, reg, next_query, &l);
	pk_query_free(l.cur);
	rc = cli_render_end(r, l.missing ? EXIT_NOTFOUND : EXIT_FOUND);
	if (l.st != PK_OK)
		rc = cli_report(l.st, &l.err);
	pk_registry_close(reg);
	return rc;
}
