/* cmd_search.c - `portkit search WORD...`: records whose name, aliases or
 * description contain every word (pk_query_parse_words, pk_search). */
#include <getopt.h> /* optind */

#include "cli.h"

int cmd_search(int argc, char **argv, cli_ctx *ctx); /* for main.c */

int cmd_search(int argc, char **argv, cli_ctx *ctx)
{
	pk_registry *reg = NULL;
	pk_query *q = NULL;
	pk_error err;
	static const cli_help help = {
		"usage: portkit search [OPTIONS] WORD...\n"
		"Records whose name, aliases or description contain every word\n"
		"(case-insensitive).\n\n"
		"options: only the common ones.\n",
		"example:\n"
		"  portkit search multicast ping\n\n"
		"exit status: 0 found, 1 no record matches every word, 2 usage error,\n"
		"3 data or system error.\n"
	};
	int rc = cli_parse_options(argc, argv, ctx, &help);

	if (rc >= 0)
		return rc;
	pk_status st = pk_query_parse_words((const char *const *)argv + optind,
					    (size_t)(argc - optind), ctx->protomask,
					    &q, &err);
	if (st != PK_OK)
		return cli_fail(ctx, st, &err);
	if ((rc = cli_open_registry(ctx, &reg)) != 0)
		goto out;
	if ((st = pk_query_run(reg, q, &err)) != PK_OK) {
		rc = cli_fail(ctx, st, &err);
		goto out;
	}
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
