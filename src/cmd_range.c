/* cmd_range.c - `portkit range LO-HI [--assigned|--unassigned]`: the
 * records of a port range, only the IANA assignments in it, or the ports
 * in it that have no assignment (pk_query_parse_range). */
#include <getopt.h>

#include "cli.h"

int cmd_range(int argc, char **argv, cli_ctx *ctx); /* for main.c */

static const cli_help help = {
	"usage: portkit range [OPTIONS] LO-HI[/PROTO]\n"
	"The records of a port range, only its IANA assignments, or its ports that\n"
	"IANA has not assigned (runs, with counts).\n\n"
	"options:\n"
	"  -a, --assigned          only IANA's named assignments\n"
	"  -u, --unassigned        the ports no IANA record assigns, per transport\n"
	"                          (tcp and udp unless --proto or /PROTO)\n",
	"example:\n"
	"  portkit range 8000-8100 --unassigned --proto tcp\n\n"
	"exit status: 0 found, 1 no record (no unassigned port with --unassigned),\n"
	"2 usage error or invalid range, 3 data or system error.\n"
};

int cmd_range(int argc, char **argv, cli_ctx *ctx)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "assigned", no_argument, NULL, 'a' },
		{ "unassigned", no_argument, NULL, 'u' },
		CLI_COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	const char *shortopts = "hau" CLI_COMMON_SHORTOPTS;
	pk_range_filter f = PK_FILTER_ALL;
	pk_registry *reg = NULL;
	pk_query *q = NULL;
	pk_error err;
	pk_status st;
	int rc, opt;

	/* "-5" is an invalid port, not an option. */
	int neg = cli_negative_operand(argc, argv, shortopts, longopts, ctx);
	if (neg > 0) {
		st = pk_query_parse_range(argv[neg], 0, f, &q, &err);
		pk_query_free(q);
		return cli_fail(ctx, st, &err);
	}
	optind = 1;
	while ((opt = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		pk_range_filter want = opt == 'a' ? PK_FILTER_ASSIGNED : PK_FILTER_UNASSIGNED;
		switch (opt) {
		case 'h':
			cli_help_print(stdout, &help);
			return 0;
		case 'a':
		case 'u':
			if (f != PK_FILTER_ALL && f != want)
				return cli_usage(ctx, "--assigned and --unassigned exclude each other");
			f = want;
			break;
		default:
			if ((rc = cli_common_option(opt, optarg, ctx)) != 0)
				return rc;
		}
	}
	if (argc - optind != 1)
		return cli_usage(ctx, argc - optind == 0 ?
				 "no range given: expected LO-HI, e.g. portkit range 6000-6100" :
				 "too many arguments: expected one LO-HI");
	st = pk_query_parse_range(argv[optind], ctx->protomask, f, &q, &err);
	if (st != PK_OK)
		return cli_fail(ctx, st, &err);
	if ((rc = cli_set_page(ctx, q)) != 0 || (rc = cli_open_registry(ctx, &reg)) != 0)
		goto out;
	if (f == PK_FILTER_UNASSIGNED)
		cli_warn_partial(reg);
	if ((st = pk_query_run(reg, q, &err)) != PK_OK) {
		rc = cli_fail(ctx, st, &err);
		goto out;
	}
	uint16_t lo, hi;
	pk_query_ports(q, &lo, &hi);
	rc = EXIT_FOUND;
	if (!pk_query_found(q)) {
		if (!ctx->json && f != PK_FILTER_UNASSIGNED)
			cli_error("no %srecords in %u-%u", f == PK_FILTER_ASSIGNED ?
				  "assigned " : "", (unsigned)lo, (unsigned)hi);
		rc = EXIT_NOTFOUND;
	}
	pk_render *r = cli_render_new(ctx);
	if (r != NULL)
		pk_render_range(r, reg, q);
	rc = cli_render_end(r, rc);
out:
	pk_query_free(q);
	pk_registry_close(reg);
	return rc;
}
