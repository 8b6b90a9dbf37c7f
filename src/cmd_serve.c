/* cmd_serve.c - `portkit serve`: the HTTP/JSON API and the web page
 * (serve/, docs/serve.md).  Parses the options and hands over. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "../serve/server.h"

int cmd_serve(int argc, char **argv, cli_ctx *ctx); /* for main.c */

/* serve takes none of the common options but --index: its answers are
 * JSON documents and the page, whatever the terminal. */
static const cli_help help = {
	"usage: portkit serve [OPTIONS]\n"
	"Serves the HTTP/JSON API (/v1, see /v1/openapi.json) and the web page (/)\n"
	"(docs/serve.md).  Sockets passed by systemd (LISTEN_FDS) are used instead\n"
	"of --listen.  SIGTERM stops, SIGHUP looks for a replaced index at once.\n\n"
	"options:\n"
	"  -L, --listen ADDR:PORT  listen here (repeatable; default localhost:8080, that\n"
	"                          is 127.0.0.1 and ::1; :0 picks a free port,\n"
	"                          [::1]:PORT for IPv6, *:PORT for every address)\n"
	"      --index FILE        this compiled index instead of the default registry\n"
	"  -q, --quiet             no request log (Common Log Format) on stderr\n"
	"      --cors ORIGIN       send Access-Control-Allow-Origin: ORIGIN\n"
	"      --timeout SECONDS   drop a connection idle this long (1-3600; default 10)\n"
	"      --max-connections N connections per listening socket (1-65536;\n"
	"                          default 512)\n"
	"      --threads N         threads per listening socket (1-256; default one per\n"
	"                          CPU)\n"
	"  -h, --help              this help\n",
	"example:\n"
	"  portkit serve --listen :8080 --quiet\n\n"
	"exit status: 0 stopped by SIGTERM or SIGINT, 2 usage error or invalid\n"
	"address, 3 data or system error (cannot start).\n"
};

/* The common layout without the common options, which serve does not take. */
static void usage(FILE *out)
{
	fprintf(out, "%s\n%s", help.head, help.tail);
}

/* A decimal number in [lo, hi]. */
static bool parse_uint(const char *s, unsigned lo, unsigned hi, unsigned *out)
{
	size_t len = strlen(s);

	if (len == 0 || len > 6 || strspn(s, "0123456789") != len)
		return false;
	unsigned long v = strtoul(s, NULL, 10);
	*out = (unsigned)v;
	return v >= lo && v <= hi;
}

int cmd_serve(int argc, char **argv, cli_ctx *ctx)
{
	enum { OPT_CORS = 0x2201, OPT_TIMEOUT, OPT_MAXCONN, OPT_THREADS };
	static const struct option longopts[] = {
		{ "listen", required_argument, NULL, 'L' },
		{ "index", required_argument, NULL, CLI_OPT_INDEX },
		{ "quiet", no_argument, NULL, 'q' },
		{ "cors", required_argument, NULL, OPT_CORS },
		{ "timeout", required_argument, NULL, OPT_TIMEOUT },
		{ "max-connections", required_argument, NULL, OPT_MAXCONN },
		{ "threads", required_argument, NULL, OPT_THREADS },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	serve_config cfg = { .timeout = 10, .max_conns = 512 };
	int opt;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "L:qh", longopts, NULL)) != -1) {
		switch (opt) {
		case 'L':
			if (cfg.nlisten == SERVE_MAX_LISTEN)
				return cli_usage(ctx, "serve: at most %d --listen", SERVE_MAX_LISTEN);
			cfg.listen[cfg.nlisten++] = optarg;
			break;
		case CLI_OPT_INDEX:
			cfg.index_path = optarg;
			break;
		case 'q':
			cfg.quiet = true;
			break;
		case OPT_CORS:
			/* An origin is a header value: no control bytes. */
			for (const char *p = optarg; *p != '\0'; p++)
				if ((unsigned char)*p < 0x20 || *p == 0x7f)
					return cli_usage(ctx, "invalid --cors origin");
			if (optarg[0] == '\0')
				return cli_usage(ctx, "invalid --cors origin");
			cfg.cors = optarg;
			break;
		case OPT_TIMEOUT:
			if (!parse_uint(optarg, 1, 3600, &cfg.timeout))
				return cli_usage(ctx, "invalid timeout '%s': expected 1-3600 seconds", optarg);
			break;
		case OPT_MAXCONN:
			if (!parse_uint(optarg, 1, 65536, &cfg.max_conns))
				return cli_usage(ctx, "invalid connection limit '%s': expected 1-65536", optarg);
			break;
		case OPT_THREADS:
			if (!parse_uint(optarg, 1, 256, &cfg.threads))
				return cli_usage(ctx, "invalid thread count '%s': expected 1-256", optarg);
			break;
		case 'h':
			usage(stdout);
			return EXIT_FOUND;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind < argc)
		return cli_usage(ctx, "serve: unexpected argument '%s'", argv[optind]);
	return serve_run(&cfg);
}
