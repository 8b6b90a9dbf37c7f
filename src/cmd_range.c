/* cmd_range.c - `portkit range LO-HI [--assigned|--unassigned]`: the
 * records of a port range, only the IANA assignments in it, or the ports
 * in it that have no assignment (pk_query_parse_range). */
#include <getopt.h>

#include "cli.h"

int cmd_range(int argc, char **argv, cli_ctx *ctx); /* for main.c */

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
			printf("usage: portkit range [--assigned|--unassigned] [OPTIONS] LO-HI[/PROTO]\n"
			       "The records of a port range, its IANA assignments, or its unassigned ports.\n");
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
