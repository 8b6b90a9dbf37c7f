/* cmd_pick.c - `portkit pick`: suggest ports that satisfy every
 * constraint, one line per port with the reasons (docs/pick.md). */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int cmd_pick(int argc, char **argv, cli_ctx *ctx);

enum {
	OPT_CLASS = 0x2001,
	OPT_AVOID_OS,
	OPT_ALLOW_ASSIGNED,
	OPT_ALLOW_UNOFFICIAL,
	OPT_NO_HOST_CHECK
};

#define MAX_COUNT 65535

static const cli_help help = {
	"usage: portkit pick [OPTIONS]\n"
	"Suggests ports free of IANA assignments, known unofficial uses, OS ephemeral\n"
	"ranges and this host's sockets (docs/pick.md).\n\n"
	"options:\n"
	"  -c, --count N          how many ports (1-65535; default 1)\n"
	"  -r, --range LO-HI      choose in LO-HI (default: the User ports 1024-49151)\n"
	"      --class CLASS      choose among user (1024-49151) or dynamic (49152-65535)\n"
	"  -n, --near PORT        the free ports nearest PORT, in order of distance\n"
	"  -N, --name SERVICE     a stable port derived from the service name\n"
	"  -x, --exclude LIST     never these ports: a port list such as 8080,9000-9100\n"
	"                         (repeatable)\n"
	"      --avoid-os LIST    outside the ephemeral ranges of these systems: common\n"
	"                         (default), all, none, or ids such as linux,windows\n"
	"      --allow-assigned   ports IANA assigned may be chosen\n"
	"      --allow-unofficial ports of well-known unofficial uses may be chosen\n"
	"      --no-host-check    do not look at this host's sockets and settings\n"
	"  -q, --porcelain        the port numbers alone, one per line\n",
	"example:\n"
	"  PORT=$(portkit pick -q --near 8080 --exclude 8081,8088)\n\n"
	"exit status: 0 ports chosen, 1 no acceptable port (or fewer than --count),\n"
	"2 usage error or invalid argument, 3 data or system error.\n"
};

static void usage(FILE *out)
{
	cli_help_print(out, &help);
}

/* A count is not a port: 1-65535, decimal digits only. */
static bool parse_count(const char *s, size_t *out)
{
	size_t n = 0;

	if (s[0] == '\0' || strlen(s) > 5 || strspn(s, "0123456789") != strlen(s))
		return false;
	for (const char *p = s; *p != '\0'; p++)
		n = n * 10 + (size_t)(*p - '0');
	*out = n;
	return n >= 1 && n <= MAX_COUNT;
}

/* The pick the options ask for; the exit code after a message, or 0. */
static int setup(pk_pick *pick, const cli_ctx *ctx, const char *range,
		 const char *cls, const char *near, const char *name,
		 const char *avoid_os, unsigned flags, const pk_portset *exclude)
{
	pk_error err;
	pk_status st = PK_OK;
	pk_portspec spec;
	uint16_t port;

	if (range != NULL && cls != NULL)
		return cli_usage(ctx, "pick: --range and --class exclude each other");
	if (near != NULL && name != NULL)
		return cli_usage(ctx, "pick: --near and --name exclude each other");
	if (ctx->protomask != 0 && (ctx->protomask & PK_PROTOMASK_TRANSPORTS) == 0)
		return cli_usage(ctx, "pick: invalid transport: expected tcp, udp, sctp or dccp");
	if (range != NULL) {
		if ((st = pk_portspec_parse(range, &spec, &err)) != PK_OK)
			return cli_fail(ctx, st, &err);
		if (spec.protos != 0)
			return cli_usage(ctx, "invalid range '%s': expected LO-HI without a transport (use --proto)",
					 range);
		st = pk_pick_set_range(pick, spec.lo, spec.hi, &err);
	} else if (cls != NULL) {
		if (strcmp(cls, "user") != 0 && strcmp(cls, "dynamic") != 0)
			return cli_usage(ctx, "invalid class '%s': expected user or dynamic", cls);
		pk_pick_set_class(pick, cls[0] == 'u' ? PK_CLASS_USER : PK_CLASS_DYNAMIC);
	}
	if (st == PK_OK && near != NULL && (st = pk_port_parse(near, &port, &err)) == PK_OK)
		pk_pick_set_near(pick, port);
	if (st == PK_OK && ctx->protomask != 0)
		st = pk_pick_set_protos(pick, ctx->protomask & PK_PROTOMASK_TRANSPORTS, &err);
	if (st == PK_OK && name != NULL)
		st = pk_pick_set_name(pick, name, &err);
	if (st == PK_OK)
		st = pk_pick_avoid_os(pick, avoid_os, &err);
	pk_pick_set_flags(pick, flags);
	pk_pick_avoid_ports(pick, exclude);
	return st == PK_OK ? 0 : cli_fail(ctx, st, &err);
}

int cmd_pick(int argc, char **argv, cli_ctx *ctx)
{
	static const struct option longopts[] = {
		{ "count", required_argument, NULL, 'c' },
		{ "range", required_argument, NULL, 'r' },
		{ "class", required_argument, NULL, OPT_CLASS },
		{ "near", required_argument, NULL, 'n' },
		{ "name", required_argument, NULL, 'N' },
		{ "avoid-os", required_argument, NULL, OPT_AVOID_OS },
		{ "allow-assigned", no_argument, NULL, OPT_ALLOW_ASSIGNED },
		{ "allow-unofficial", no_argument, NULL, OPT_ALLOW_UNOFFICIAL },
		{ "no-host-check", no_argument, NULL, OPT_NO_HOST_CHECK },
		{ "exclude", required_argument, NULL, 'x' },
		{ "porcelain", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		CLI_COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 }
	};
	const char *count_arg = NULL, *range = NULL, *cls = NULL, *near = NULL;
	const char *name = NULL, *avoid_os = "common";
	unsigned flags = 0;
	size_t count = 1, found = 0;
	pk_registry *reg = NULL;
	pk_pick *pick = NULL;
	pk_pick_result *res = NULL;
	pk_error err;
	pk_status st;
	int rc, opt;
	/* 8 KiB: static rather than on the stack. */
	static pk_portset exclude;

	pk_portset_clear(&exclude);
	optind = 1;
	while ((opt = getopt_long(argc, argv, "c:r:n:N:x:qh" CLI_COMMON_SHORTOPTS,
				  longopts, NULL)) != -1) {
		switch (opt) {
		case 'c': count_arg = optarg; break;
		case 'r': range = optarg; break;
		case OPT_CLASS: cls = optarg; break;
		case 'n': near = optarg; break;
		case 'N': name = optarg; break;
		case OPT_AVOID_OS: avoid_os = optarg; break;
		case OPT_ALLOW_ASSIGNED: flags |= PK_PICK_ALLOW_ASSIGNED; break;
		case OPT_ALLOW_UNOFFICIAL: flags |= PK_PICK_ALLOW_UNOFFICIAL; break;
		case OPT_NO_HOST_CHECK: flags |= PK_PICK_NO_HOST_CHECK; break;
		case 'q': ctx->bare = true; break;
		case 'x':
			if ((st = pk_portset_add_list(&exclude, optarg, &err)) != PK_OK)
				return cli_fail(ctx, st, &err);
			break;
		case 'h':
			usage(stdout);
			return EXIT_FOUND;
		default:
			if ((rc = cli_other_option(opt, optarg, ctx, usage)) != 0)
				return rc;
		}
	}
	if (optind < argc) {
		rc = cli_usage(ctx, "pick: unexpected argument '%s'", argv[optind]);
		usage(stderr);
		return rc;
	}
	if (count_arg != NULL && !parse_count(count_arg, &count))
		return cli_usage(ctx, "invalid count '%s': expected 1-%d", count_arg, MAX_COUNT);
	if (ctx->bare && (ctx->json || ctx->long_format))
		return cli_usage(ctx, "--porcelain excludes --json and --long");
	if ((rc = cli_open_registry(ctx, &reg)) != 0)
		return rc;
	cli_warn_partial(reg);
	if ((st = pk_pick_new(reg, &pick, &err)) != PK_OK) {
		rc = cli_fail(ctx, st, &err);
		goto out;
	}
	if ((rc = setup(pick, ctx, range, cls, near, name, avoid_os, flags, &exclude)) != 0)
		goto out;
	if ((res = calloc(count, sizeof *res)) == NULL) {
		rc = cli_fail(ctx, PK_NOMEM, NULL);
		goto out;
	}
	st = pk_pick_run(pick, count, res, &found, &err);
	if (st != PK_OK) {
		/* Fewer ports than asked for is no answer: a script would
		 * otherwise go on with too few. */
		rc = cli_fail(ctx, st, &err);
		pk_pick_stats stats;
		pk_pick_get_stats(pick, &stats);
		if (st == PK_EXHAUSTED && stats.os_ephemeral > 0)
			cli_error("hint: --avoid-os with the systems the service will run on (or none) leaves more ports");
		if (st == PK_EXHAUSTED)
			rc = EXIT_NOTFOUND;
		goto out;
	}
	/* A System port is no free choice: IANA assigns them only through
	 * IETF Review or IESG Approval, and binding one takes privilege.
	 * Asked for by --range, they are given, with a warning. */
	size_t nsys = 0;
	for (size_t i = 0; i < found; i++)
		nsys += res[i].port < 1024;
	if (nsys > 0)
		cli_warn("%zu of the %zu port(s) chosen %s System port(s) (0-1023): assigned only "
			 "through IETF Review or IESG Approval (RFC 6335 §8.1.2), and binding one "
			 "needs root (CAP_NET_BIND_SERVICE on Linux)", nsys, found,
			 nsys == 1 ? "is a" : "are");
	pk_render *r = cli_render_new(ctx);
	if (r != NULL)
		pk_render_pick(r, reg, pick, res, found);
	rc = cli_render_end(r, EXIT_FOUND);
out:
	free(res);
	pk_pick_free(pick);
	pk_registry_close(reg);
	return rc;
}
