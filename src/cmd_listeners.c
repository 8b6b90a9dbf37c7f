/* cmd_listeners.c - `portkit listeners`: what this host listens on, like
 * `ss -tulpn`, with the services the registry names on each port and a
 * mark when it sits in the ephemeral range (pk_render_listeners). */
#include <getopt.h>

#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const cli_help help = {
	"usage: portkit listeners [OPTIONS]\n"
	"Every listening TCP socket and bound UDP socket, IPv4 and IPv6, with the\n"
	"registry's names for its port, its process and its user (all of them as root).\n"
	"\n"
	"options:\n"
	"      --port LIST         only sockets on these ports (80,443,8000-8100)\n"
	"      --process P         only sockets of this process: a pid or a name (nginx)\n"
	"      --user U            only sockets of this user: a name or a uid\n"
	"      --all               connections too, one row each: both ends, state,\n"
	"                          process and the services of both ports\n"
	"      --state LIST        with --all: only these states (listening,\n"
	"                          established, time-wait, syn-sent, connected, ...)\n"
	"      --numeric           uids, not user names (the default with another\n"
	"                          host's --proc-root)\n"
	"      --proc-root DIR     read another proc tree (as PROC_ROOT does)\n",
	"example:\n"
	"  portkit listeners --proto tcp\n"
	"  portkit listeners --all --state established --port 443\n"
	"\n"
	"exit status: 0 sockets listed, 1 none (that match the filters), 2 usage error\n"
	"(a bad state, --state without --all) or unknown user, 3 data or system error.\n"
};

static void usage(FILE *out)
{
	cli_help_print(out, &help);
}

enum { OPT_PROC_ROOT = 0x2001, OPT_PORT, OPT_PROCESS, OPT_USER, OPT_NUMERIC,
       OPT_ALL, OPT_STATE };

int cmd_listeners(int argc, char **argv, cli_ctx *ctx); /* main.c */

int cmd_listeners(int argc, char **argv, cli_ctx *ctx)
{
	static const struct option longopts[] = {
		{ "proc-root", required_argument, NULL, OPT_PROC_ROOT },
		{ "port", required_argument, NULL, OPT_PORT },
		{ "process", required_argument, NULL, OPT_PROCESS },
		{ "user", required_argument, NULL, OPT_USER },
		{ "numeric", no_argument, NULL, OPT_NUMERIC },
		{ "all", no_argument, NULL, OPT_ALL },
		{ "state", required_argument, NULL, OPT_STATE },
		{ "help", no_argument, NULL, 'h' },
		CLI_COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 }
	};
	pk_host_portconf *conf = NULL;
	pk_host_sockets *socks = NULL;
	pk_registry *reg = NULL;
	const char *proc_root = NULL, *process = NULL, *user = NULL;
	const char *states = NULL;
	bool all = false;
	size_t shown = 0;
	int rc = EXIT_FOUND;
	int opt;
	/* 8 KiB: static rather than on the stack. */
	static pk_portset ports;
	bool have_ports = false;
	pk_socket_filter *filter = NULL;
	pk_error err;
	pk_status st;

	pk_portset_clear(&ports);

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
		if (opt == OPT_ALL) {
			all = true;
			continue;
		}
		if (opt == OPT_STATE) {
			states = optarg;
			continue;
		}
		if (opt == OPT_NUMERIC) {
			ctx->numeric = true;
			continue;
		}
		if (opt == OPT_PORT) {
			if ((st = pk_portset_add_list(&ports, optarg, &err)) != PK_OK)
				return cli_fail(ctx, st, &err);
			have_ports = true;
			continue;
		}
		if (opt == OPT_PROCESS || opt == OPT_USER) {
			*(opt == OPT_PROCESS ? &process : &user) = optarg;
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
	/* Without --all every row is listening: a state filter there would
	 * only hide everything or nothing, so it is refused. */
	if (states != NULL && !all)
		return cli_usage(ctx, "listeners: --state needs --all (without it only listening sockets are listed)");
	if ((st = pk_socket_filter_new(&filter, &err)) != PK_OK ||
	    (st = pk_socket_filter_states(filter, states, &err)) != PK_OK ||
	    (st = pk_socket_filter_process(filter, process, &err)) != PK_OK ||
	    (st = pk_socket_filter_user(filter, user, &err)) != PK_OK) {
		rc = cli_fail(ctx, st, &err);
		goto out;
	}
	/* Another host's proc tree: this host's user names would be wrong. */
	const char *root = proc_root != NULL ? proc_root : getenv("PROC_ROOT");
	if (root != NULL && root[0] != '\0' && strcmp(root, "/proc") != 0)
		ctx->numeric = true;
	pk_socket_filter_ports(filter, have_ports ? &ports : NULL);
	pk_socket_filter_protos(filter, ctx->protomask);
	if ((rc = cli_read_host(ctx, proc_root, all ? PK_SOCKETS_CONNECTIONS : 0,
				&conf, &socks)) != EXIT_FOUND)
		goto out;
	if ((rc = cli_open_registry_optional(ctx, &reg)) != EXIT_FOUND)
		goto out;
	for (size_t i = 0; i < pk_host_sockets_count(socks); i++)
		shown += pk_socket_filter_match(filter, pk_host_sockets_get(socks, i));
	for (size_t i = 0; all && i < pk_host_sockets_conn_count(socks); i++)
		shown += pk_socket_filter_match_conn(filter, pk_host_sockets_conn(socks, i));
	pk_render *r = cli_render_new(ctx);
	if (r != NULL && all)
		pk_render_listeners_all(r, reg, conf, socks, filter);
	else if (r != NULL)
		pk_render_listeners_where(r, reg, conf, socks, filter);
	rc = cli_render_end(r, shown > 0 ? EXIT_FOUND : EXIT_NOTFOUND);
	if (rc == EXIT_DATA || ctx->json)
		goto out;
	pk_host_sockets_info info;
	pk_host_sockets_get_info(socks, &info);
	if (info.owners_unknown > 0 && info.procs_denied > 0)
		cli_warn("the processes of %u sockets are not visible: run as root to see them",
			 info.owners_unknown);
	if (shown == 0)
		cli_error("no listening TCP or bound UDP socket%s%s",
			  all ? " or connection" : "",
			  ctx->protomask != 0 || have_ports || process || user || states ?
				  " matches the filters" : "");
out:
	pk_socket_filter_free(filter);
	pk_registry_close(reg);
	pk_host_sockets_free(socks);
	free(conf);
	return rc;
}
