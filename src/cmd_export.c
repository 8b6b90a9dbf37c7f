/* cmd_export.c - `portkit export --format services`: the registry in use as
 * a complete services(5) file on stdout (pk_render_services), the same
 * entries libnss_portkit answers. */
#include <getopt.h>
#include <string.h>

#include "cli.h"

int cmd_export(int argc, char **argv, cli_ctx *ctx); /* for main.c */

static const cli_help help = {
	"usage: portkit export [OPTIONS]\n"
	"The registry in use as a complete services(5) file on stdout: the entries\n"
	"libnss_portkit answers.  --json and --proto do not apply.\n\n"
	"options:\n"
	"  -f, --format services  the output format (the one there is)\n",
	"example:\n"
	"  portkit export --format services > services\n\n"
	"exit status: 0 written, 2 usage error, 3 data or system error.\n"
};

static void usage(FILE *out)
{
	cli_help_print(out, &help);
}

int cmd_export(int argc, char **argv, cli_ctx *ctx)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "format", required_argument, NULL, 'f' },
		CLI_COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	const char *shortopts = "hf:" CLI_COMMON_SHORTOPTS;
	pk_registry *reg = NULL;
	size_t skipped = 0;
	int rc, opt;

	optind = 1;
	while ((opt = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		switch (opt) {
		case 'h':
			usage(stdout);
			return EXIT_FOUND;
		case 'f':
			if (strcmp(optarg, "services") != 0)
				return cli_usage(ctx, "unknown export format '%.40s': the one "
						 "format is services", optarg);
			break;
		default:
			if ((rc = cli_other_option(opt, optarg, ctx, usage)) != 0)
				return rc;
		}
	}
	if (optind < argc)
		return cli_usage(ctx, "unexpected argument '%.40s': export takes none",
				 argv[optind]);
	if (ctx->json)
		return cli_usage(ctx, "export writes a services(5) file: --json does not apply");
	if (ctx->protomask != 0)
		return cli_usage(ctx, "export writes every transport: --proto does not apply");
	if ((rc = cli_open_registry(ctx, &reg)) != 0)
		return rc;
	pk_render *r = cli_render_new(ctx);
	if (r != NULL)
		pk_render_services(r, reg, &skipped);
	rc = cli_render_end(r, EXIT_FOUND);
	if (skipped > 0)
		cli_warn("%zu names left out: a services(5) file cannot hold them "
			 "(whitespace, '#', control or non-ASCII bytes)", skipped);
	pk_registry_close(reg);
	return rc;
}
