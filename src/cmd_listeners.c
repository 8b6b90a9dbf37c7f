/* cmd_listeners.c - `portkit listeners`: what this host listens on, like
 * `ss -tulpn`, with the services the registry names on each port and a
 * mark when it sits in the ephemeral range (pk_render_listeners). */
#include <getopt.h>
#include <stdlib.h>

#include "cli.h"

static const cli_help help = {
	"usage: portkit listeners [OPTIONS]\n"
	"Every listening TCP socket and bound UDP socket, IPv4 and IPv6, with the\n"
	"registry's names for its port, its process and its user (all of them as root).\n"
	"\n"
	"options:\n"
	"      --proc-root DIR     read another proc tree (as PROC_ROOT does)\n",
	"example:\n"
	"  portkit listeners --proto tcp\n"
	"\n"
	"exit status: 0 sockets listed, 1 none, 2 usage error, 3 data or system error.\n"
};

static void usage(FILE *out)
{
	cli_help_print(out, &help);
}

enum { OPT_PROC_ROOT = 0x2001 };

int cmd_listeners(int argc, char **argv, cli_ctx *ctx); /* main.c */

int cmd_listeners(int argc, char **argv, cli_ctx *ctx)
{
	static const struct option longopts[] = {
		{ "proc-root", required_argument, NULL, OPT_PROC_ROOT },
		{ "help", no_argument, NULL, 'h' },
		CLI_COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 }
	};
	pk_host_portconf *conf = NULL;
	pk_host_sockets *socks = NULL;
	pk_registry *reg = NULL;
	const char *proc_root = NULL;
	size_t shown = 0;
	int rc = EXIT_FOUND;
	int opt;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "h" CLI_COMMON_SHORTOPTS, longopts,
				  NULL)) != -1) {
		if (opt == 'h') {
			usage(stdout);
			return EXIT_FOUND;
		}
		if (opt == OPT_PROC_ROOT) {
			proc_root = optarg;
			continue;
		}
		if ((rc = cli_other_option(opt, optarg, ctx, usage)) != 0)
			return rc;
	}
	if (optind < argc)
		return cli_usage(ctx, "listeners: unexpected argument '%s': expected options only",
				 argv[optind]);
	/* Only TCP listeners and UDP sockets are read: another transport
	 * would always answer "none". */
	unsigned other = ctx->protomask & ~(PK_PROTOMASK(PK_PROTO_TCP) | PK_PROTOMASK(PK_PROTO_UDP));
	if (other != 0)
		return cli_usage(ctx, "listeners: invalid transport '%s': expected tcp or udp",
				 pk_proto_name(other & PK_PROTOMASK(PK_PROTO_SCTP) ?
						       PK_PROTO_SCTP : PK_PROTO_DCCP));
	if ((rc = cli_read_host(ctx, proc_root, 0, &conf, &socks)) != EXIT_FOUND)
		goto out;
	if ((rc = cli_open_registry_optional(ctx, &reg)) != EXIT_FOUND)
		goto out;
	for (size_t i = 0; i < pk_host_sockets_count(socks); i++)
		shown += ctx->protomask == 0 ||
			 (ctx->protomask & PK_PROTOMASK(pk_host_sockets_get(socks, i)->proto));
	pk_render *r = cli_render_new(ctx);
	if (r != NULL)
		pk_render_listeners(r, reg, conf, socks, ctx->protomask);
	rc = cli_render_end(r, shown > 0 ? EXIT_FOUND : EXIT_NOTFOUND);
	if (rc == EXIT_DATA || ctx->json)
		goto out;
	pk_host_sockets_info info;
	pk_host_sockets_get_info(socks, &info);
	if (info.owners_unknown > 0 && info.procs_denied > 0)
		cli_warn("the processes of %u sockets are not visible: run as root to see them",
			 info.owners_unknown);
	if (shown == 0)
		cli_error("no listening TCP or bound UDP socket%s",
			  ctx->protomask != 0 ? " of the transports asked for" : "");
out:
	pk_registry_close(reg);
	pk_host_sockets_free(socks);
	free(conf);
	return rc;
}
