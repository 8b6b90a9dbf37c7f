/* cmd_top.c - `portkit top [N] [--proto P]`: the N (default 20) ports most
 * often found open, from the popularity data of nmap-services that
 * `portkit import --add` put into the registry. */
#include <getopt.h> /* optind */
#include <stdlib.h>

#include "cli.h"

int cmd_top(int argc, char **argv, cli_ctx *ctx); /* for main.c */

#define TOP_DEFAULT 20
#define TOP_MAX 65536

/* The help names no option of import: completion offers every option a
 * --help names, and top takes none of import's. */
static const cli_help help = {
	"usage: portkit top [OPTIONS] [N]\n"
	"The N (1-65536, default 20) ports most often found open: nmap-services' open\n"
	"frequency, which `portkit import` adds to the registry in use from\n"
	"/usr/share/nmap/nmap-services (see portkit help import).\n\n"
	"options: only the common ones (--proto: these transports only).\n",
	"example:\n"
	"  portkit top 10 --proto udp\n\n"
	"exit status: 0 listed, 1 no popularity data in the registry, 2 usage error,\n"
	"3 data or system error.\n"
};

int cmd_top(int argc, char **argv, cli_ctx *ctx)
{
	pk_registry *reg = NULL;
	unsigned long n = TOP_DEFAULT;
	int rc = cli_parse_options(argc, argv, ctx, &help);

	if (rc >= 0)
		return rc;
	if (argc - optind > 1)
		return cli_usage(ctx, "too many arguments: expected portkit top [N]");
	if (argc - optind == 1) {
		char *end;
		const char *a = argv[optind];
		n = strtoul(a, &end, 10);
		if (a[0] < '0' || a[0] > '9' || *end != '\0' || n < 1 || n > TOP_MAX)
			return cli_usage(ctx, "invalid count '%.40s': expected 1 to %d", a,
					 TOP_MAX);
	}
	if ((rc = cli_open_registry(ctx, &reg)) != 0)
		return rc;
	rc = pk_popularity_count(reg) > 0 ? EXIT_FOUND : EXIT_NOTFOUND;
	pk_render *r = cli_render_new(ctx);
	if (r != NULL)
		pk_render_top(r, reg, ctx->protomask, (size_t)n,
			      "portkit import --add /usr/share/nmap/nmap-services");
	rc = cli_render_end(r, rc);
	pk_registry_close(reg);
	return rc;
}
