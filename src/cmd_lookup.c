/* cmd_lookup.c - `portkit 443`, `portkit 53/udp`, `portkit 6000-6010`,
 * `portkit http`, `portkit kerberos/udp`: what is this port, which port is
 * this service.  The grammar of an argument is pk_query_parse()'s. */
#include <getopt.h>
#include <stdio.h>
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
	pk_query **list; /* the queries of the current argument */
	size_t nlist, inlist;
	bool missing; /* a query found nothing */
	bool popular; /* --popular: the most often open ports first */
	pk_status st;
	pk_error err;
} lookup;

/* "tcp,udp" */
static const char *protos_text(unsigned mask, char *buf, size_t size)
{
	size_t len = 0;

	buf[0] = '\0';
	for (unsigned p = PK_PROTO_TCP; p < PK_PROTO_COUNT; p++)
		if ((mask & PK_PROTOMASK(p)) && len < size)
			len += (size_t)snprintf(buf + len, size - len, "%s%s",
						len ? "," : "", pk_proto_name((pk_proto)p));
	return buf;
}

static const pk_query *next_query(void *p)
{
	lookup *l = p;

	if (l->st != PK_OK)
		return NULL;
	while (l->inlist >= l->nlist) {
		pk_query_list_free(l->list, l->nlist);
		l->list = NULL;
		l->nlist = l->inlist = 0;
		if (l->next >= l->nargs)
			return NULL;
		l->st = pk_query_parse_list(l->args[l->next++], l->ctx->protomask,
					    &l->list, &l->nlist, &l->err);
		if (l->st != PK_OK)
			return NULL;
	}
	pk_query *q = l->list[l->inlist++];
	if (l->ctx->limit != NULL &&
	    (l->st = pk_query_set_page(q, strtoul(l->ctx->limit, NULL, 10),
				       l->ctx->cursor, &l->err)) != PK_OK)
		return NULL;
	if ((l->st = pk_query_run(l->reg, q, &l->err)) != PK_OK)
		return NULL;
	if (l->popular)
		pk_query_rank_popularity(l->reg, q);
	const char *name = pk_query_name(q);
	unsigned own, option;
	char a[32], b[32];
	if (pk_query_conflict(q, &own, &option) && !l->ctx->json)
		cli_error("'%s' asks for %s and --proto for %s: nothing can match",
			  pk_query_text(q), protos_text(own, a, sizeof a),
			  protos_text(option, b, sizeof b));
	if (!pk_query_found(q)) {
		l->missing = true;
		/* Ports without a record get a row; names only this (and close
		 * names, if any), on stderr. */
		pk_render *r;
		if (name != NULL && !l->ctx->json &&
		    pk_render_new(PK_RENDER_TEXT, pk_write_stdio, stderr, &r, NULL) == PK_OK) {
			fflush(stdout);
			fputs("portkit: ", stderr);
			pk_render_not_found(r, q);
			pk_render_flush(r, NULL);
			pk_render_free(r);
		}
	}
	return q;
}

int cmd_lookup(int argc, char **argv, cli_ctx *ctx); /* for main.c */

enum { OPT_POPULAR = 0x2101 };

static const cli_help help = {
	"usage: portkit [lookup] [OPTIONS] PORT|LO-HI|NAME[/PROTO]|LIST...\n"
	"Looks ports and service names up: every record of a port, range or name\n"
	"(case-insensitive, aliases included).  LIST is an nmap-style port list,\n"
	"80,443,8000-8100 or T:80,U:53; with several arguments a QUERY column\n"
	"says which one each row answers.\n\n"
	"options:\n"
	"  -q, --porcelain       services(5) lines as getent prints them:\n"
	"                        NAME PORT/PROTO ALIASES..., no header\n"
	"      --popular         each answer's most often open ports first\n"
	"                        (popularity data, see portkit help import)\n",
	"example:\n"
	"  portkit 443 https       portkit T:22,U:53       portkit -q 80,443\n\n"
	"exit status: 0 every argument answered, 1 nothing found for one or more,\n"
	"2 usage error or invalid argument, 3 data or system error.\n"
};

int cmd_lookup(int argc, char **argv, cli_ctx *ctx)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "porcelain", no_argument, NULL, 'q' },
		{ "popular", no_argument, NULL, OPT_POPULAR },
		CLI_COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	const char *shortopts = "hq" CLI_COMMON_SHORTOPTS;
	pk_query *q = NULL;
	pk_error err, first;
	pk_status st = PK_OK;
	int rc, opt;
	size_t queries = 0;
	bool popular = false;

	/* Options and operands mix ("portkit 443 --json"), but a negative
	 * number is an invalid port, not an option. */
	int neg = cli_negative_operand(argc, argv, shortopts, longopts, ctx);
	if (neg > 0) {
		st = pk_query_parse(argv[neg], 0, &q, &err);
		pk_query_free(q);
		return cli_fail(ctx, st, &err);
	}
	optind = 1;
	while ((opt = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		switch (opt) {
		case 'h':
			cli_help_print(stdout, &help);
			return EXIT_FOUND;
		case 'q':
			ctx->bare = true;
			break;
		case OPT_POPULAR:
			popular = true;
			break;
		default:
			if ((rc = cli_common_option(opt, optarg, ctx)) != 0)
				return rc;
		}
	}
	if (ctx->bare && (ctx->json || ctx->long_format))
		return cli_usage(ctx, "--porcelain excludes --json and --long");
	if (optind >= argc)
		return cli_usage(ctx, "nothing to look up: expected PORT, LO-HI or NAME[/PROTO] (see portkit --help)");
	/* Every argument is checked before any answer, so a script gets
	 * either all answers or a clear usage error. */
	for (int i = optind; i < argc; i++) {
		pk_query **qs;
		size_t nq;
		pk_status s = pk_query_parse_list(argv[i], ctx->protomask, &qs, &nq, &err);
		/* --limit and --cursor are checked once, with the first. */
		if (s == PK_OK && i == optind && nq > 0 && (rc = cli_set_page(ctx, qs[0])) != 0) {
			pk_query_list_free(qs, nq);
			return rc;
		}
		if (s == PK_OK)
			queries += nq;
		pk_query_list_free(qs, nq);
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
	lookup l = { .ctx = ctx, .args = argv + optind, .nargs = argc - optind,
		     .popular = popular };
	pk_registry *reg = NULL;
	if ((rc = cli_open_registry(ctx, &reg)) != 0)
		return rc;
	l.reg = reg;
	pk_render *r = cli_render_new(ctx);
	if (r != NULL && queries > 1)
		pk_render_set_flags(r, pk_render_get_flags(r) | PK_RENDER_QUERIES);
	if (r != NULL)
		pk_render_lookup(r, reg, next_query, &l);
	pk_query_list_free(l.list, l.nlist);
	rc = cli_render_end(r, l.missing ? EXIT_NOTFOUND : EXIT_FOUND);
	if (l.st != PK_OK)
		rc = cli_report(l.st, &l.err);
	pk_registry_close(reg);
	return rc;
}
