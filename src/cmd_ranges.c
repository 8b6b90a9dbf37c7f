/* cmd_ranges.c - `portkit ranges`: operating systems' default ephemeral
 * port ranges (--os ID for one), or this host's live settings (--host). */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int cmd_ranges(int argc, char **argv, cli_ctx *ctx);

static const cli_help help = {
	"usage: portkit ranges [OPTIONS]\n"
	"Operating systems' ephemeral port ranges, or this host's.\n"
	"\n"
	"options:\n"
	"      --os ID             one profile (linux, windows, macos, freebsd, ...)\n"
	"      --host              this host's ip_local_port_range, reserved ports and\n"
	"                          ip_unprivileged_port_start (PROC_ROOT is honoured)\n",
	"example:\n"
	"  portkit ranges --os windows --long\n"
	"\n"
	"exit status: 0 listed, 2 usage error or unknown profile, 3 data or system error.\n"
};

static void usage(FILE *out)
{
	cli_help_print(out, &help);
}

static int show_host(const cli_ctx *ctx)
{
	pk_host_portconf conf;
	pk_error err;
	pk_status st = pk_host_portconf_read(NULL, &conf, &err);
	int rc = EXIT_FOUND;

	if (st != PK_OK) {
		cli_fail(ctx, st, &err);
		return EXIT_DATA;
	}
	if (!conf.have_range && !conf.have_reserved && !conf.have_unprivileged) {
		const char *root = getenv("PROC_ROOT");
		cli_error("no port settings found under %s/sys/net/ipv4",
			  root != NULL && root[0] != '\0' ? root : "/proc");
		rc = EXIT_NOTFOUND;
		/* Nothing to show; with --json, the document, every setting
		 * null. */
		if (!ctx->json)
			return rc;
	}
	pk_render *r = cli_render_new(ctx);
	if (r != NULL)
		pk_render_host_ports(r, &conf);
	return cli_render_end(r, rc);
}

int cmd_ranges(int argc, char **argv, cli_ctx *ctx)
{
	enum { OPT_OS = 0x2001, OPT_HOST };
	static const struct option longopts[] = {
		{ "os", required_argument, NULL, OPT_OS },
		{ "host", no_argument, NULL, OPT_HOST },
		{ "help", no_argument, NULL, 'h' },
		CLI_COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 }
	};
	const pk_os_profile *only = NULL;
	const char *os = NULL;
	bool host = false;
	int opt, rc;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "h" CLI_COMMON_SHORTOPTS, longopts, NULL)) != -1) {
		switch (opt) {
		case OPT_OS:
			os = optarg;
			break;
		case OPT_HOST:
			host = true;
			break;
		case 'h':
			usage(stdout);
			return EXIT_FOUND;
		default:
			if ((rc = cli_common_option(opt, optarg, ctx)) != 0) {
				usage(stderr);
				return rc;
			}
		}
	}
	if (optind < argc)
		return cli_usage(ctx, "ranges: unexpected argument '%s'", argv[optind]);
	if (os != NULL && host)
		return cli_usage(ctx, "ranges: --os and --host exclude each other");
	if (host)
		return show_host(ctx);
	if (os != NULL && (only = pk_os_profile_find(os)) == NULL) {
		size_t n;
		const pk_os_profile *t = pk_os_profiles(&n);
		char ids[512] = "";
		for (size_t i = 0; i < n; i++) {
			if (i > 0)
				strncat(ids, ", ", sizeof ids - strlen(ids) - 1);
			strncat(ids, t[i].id, sizeof ids - strlen(ids) - 1);
		}
		return cli_usage(ctx, "unknown OS profile '%s': expected one of %s", os, ids);
	}
	pk_render *r = cli_render_new(ctx);
	if (r != NULL)
		pk_render_os_profiles(r, only);
	return cli_render_end(r, EXIT_FOUND);
}
