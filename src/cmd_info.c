/* cmd_info.c - `portkit info`: which registry answers, what it holds,
 * what it lacks, and how to get the full one (pk_render_info). */
#include <getopt.h> /* optind */
#include <stdlib.h>

#include "cli.h"

int cmd_info(int argc, char **argv, cli_ctx *ctx); /* for main.c */

int cmd_info(int argc, char **argv, cli_ctx *ctx)
{
	pk_registry *reg = NULL;
	char user_path[4096];
	static const cli_help help = {
		"usage: portkit info [OPTIONS]\n"
		"Which registry answers (the first of $PORTKIT_INDEX, the per-user index,\n"
		"the system index and the embedded snapshot), its date, what it holds,\n"
		"what it lacks and how to get the full one.\n\n"
		"options: only the common ones.\n",
		"example:\n"
		"  portkit info --json\n\n"
		"exit status: 0 described, 2 usage error, 3 data or system error\n"
		"(an unreadable or corrupt index).\n"
	};
	int rc = cli_parse_options(argc, argv, ctx, &help);

	if (rc >= 0)
		return rc;
	if (optind < argc)
		return cli_usage(ctx, "unexpected argument '%.40s': info takes none",
				 argv[optind]);
	if ((rc = cli_open_registry(ctx, &reg)) != 0)
		return rc;
	pk_render *r = cli_render_new(ctx);
	/* PORTKIT_TODAY=YYYY-MM-DD: the day ages are measured against, so
	 * that tests and reproducible reports do not change with the date. */
	const char *today = getenv("PORTKIT_TODAY");
	int64_t days;
	if (r != NULL && today != NULL && today[0] != '\0') {
		pk_error err;
		if (pk_date_days(today, &days, &err) != PK_OK) {
			pk_render_free(r);
			pk_registry_close(reg);
			return cli_usage(ctx, "PORTKIT_TODAY: %s", err.message);
		}
		pk_render_set_now(r, days * 86400);
	}
	if (r != NULL)
		pk_render_info(r, reg, pk_user_index_path(user_path, sizeof user_path, NULL) ==
				       PK_OK ? user_path : NULL, "portkit update");
	pk_registry_close(reg);
	return cli_render_end(r, EXIT_FOUND);
}
