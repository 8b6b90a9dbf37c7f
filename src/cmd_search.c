/* cmd_search.c - `portkit search WORD...`: records whose name, aliases or
 * description contain every word (pk_query_parse_words, pk_search). */
#include <getopt.h>

#include "cli.h"

int cmd_search(int argc, char **argv, cli_ctx *ctx); /* for main.c */

enum { OPT_POPULAR = 0x2101 };

static const cli_help help = {
	"usage: portkit search [OPTIONS] WORD...\n"
	"Records whose name, aliases or description contain every word\n"
	"(case-insensitive).\n\n"
	"options:\n"
	"      --popular          the most often open ports first (popularity data)\n",
	"example:\n"
	"  portkit search multicast ping\n\n"
	"exit status: 0 found, 1 no record matches every word, 2 usage error,\n"
	"3 data or system error.\n"
};

int cmd_search(int argc, char **argv, cli_ctx *ctx)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "popular", no_argument, NULL, OPT_POPULAR },
		CLI_COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	pk_registry *reg = NULL;
	pk_query *q = NULL;
	pk_error err;
	bool popular = false;
	int rc, opt;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "h" CLI_COMMON_SHORTOPTS, longopts,
				  NULL)) != -1) {
		switch (opt) {
		case 'h':
			cli_help_print(stdout, &help);
			return 0;
		case OPT_POPULAR:
			popular = true;
			break;
		default:
			if ((rc = cli_common_option(opt, optarg, ctx)) != 0)
				return rc;
		}
	}
	if (optind >= argc)
		return cli_usage(ctx, "nothing to search for: expected one or more words");
	pk_status st = pk_query_parse_words((const char *const *)argv + optind,
					    (size_t)(argc - optind), ctx->protomask,
					    &q, &err);
	if (st != PK_OK)
		return cli_fail(ctx, st, &err);
	if ((rc = cli_set_page(ctx, q)) != 0 || (rc = cli_open_registry(ctx, &reg)) != 0)
		goto out;
	if ((st = pk_query_run(reg, q, &err)) != PK_OK) {
		rc = cli_fail(ctx, st, &err);
		goto out;
	}
	if (popular)
		pk_query_rank_popularity(reg, q);
	rc = EXIT_FOUND;
	if (!pk_query_found(q)) {
		if (!ctx->json)
			cli_error("no record matches every word");
		rc = EXIT_NOTFOUND;
	}
	pk_render *r = cli_render_new(ctx);
	if (r != NULL)
		pk_render_search(r, reg, q);
	rc = cli_render_end(r, rc);
out:
	pk_query_free(q);
	pk_registry_close(reg);
	return rc;
}
