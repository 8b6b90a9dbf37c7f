/* cli.c - messages, exit codes, opening the registry, renderers on stdout
 * and option parsing shared by every portkit subcommand. */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>


#include "cli.h"

void cli_error(const char *fmt, ...)
{
	va_list ap;

	fputs("portkit: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void cli_warn(const char *fmt, ...)
{
	va_list ap;

	fputs("portkit: warning: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static const char *message_of(pk_status st, const pk_error *err)
{
	return err != NULL && err->message[0] != '\0' ? err->message :
							 pk_strerror(st);
}

int cli_report(pk_status st, const pk_error *err)
{
	cli_error("%s", message_of(st, err));
	return st == PK_INVAL || st == PK_RANGE || st == PK_NOTFOUND ? EXIT_USAGE :
								      EXIT_DATA;
}

void cli_json_error(const cli_ctx *ctx, pk_status st, const pk_error *err)
{
	if (ctx->json) {
		pk_render *r = cli_render_new(ctx);
		if (r != NULL)
			pk_render_error(r, ctx->command, st, message_of(st, err));
		cli_render_end(r, 0);
	}
}

int cli_fail(const cli_ctx *ctx, pk_status st, const pk_error *err)
{
	cli_json_error(ctx, st, err);
	return cli_report(st, err);
}

int cli_usage(const cli_ctx *ctx, const char *fmt, ...)
{
	pk_error err = { .status = PK_INVAL };
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err.message, sizeof err.message, fmt, ap);
	va_end(ap);
	cli_fail(ctx, PK_INVAL, &err);
	return EXIT_USAGE;
}

void cli_io_error(const cli_ctx *ctx, const char *fmt, ...)
{
	pk_error err = { .status = PK_IO };
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err.message, sizeof err.message, fmt, ap);
	va_end(ap);
	cli_fail(ctx, PK_IO, &err);
}

pk_render *cli_render_new(const cli_ctx *ctx)
{
	return cli_render_new_as(ctx, ctx->json ? PK_RENDER_JSON : PK_RENDER_TEXT);
}

pk_render *cli_render_new_as(const cli_ctx *ctx, pk_render_format fmt)
{
	pk_render *r;
	pk_error err;

	if (pk_render_new(fmt, pk_write_stdio, stdout, &r, &err) != PK_OK) {
		cli_error("%s", err.message);
		return NULL;
	}
	pk_render_set_flags(r, (ctx->color ? PK_RENDER_COLOR : 0u) |
			       (ctx->long_format ? PK_RENDER_LONG : 0u) |
			       (ctx->bare ? PK_RENDER_BARE : 0u) |
			       (ctx->numeric ? PK_RENDER_NUMERIC : 0u));
	pk_render_set_width(r, ctx->width > 0 ? (unsigned)ctx->width : 0u);
	return r;
}

int cli_render_end(pk_render *r, int rc)
{
	pk_error err;

	if (r == NULL)
		return EXIT_DATA;
	pk_status st = pk_render_flush(r, &err);
	pk_render_free(r);
	if (st == PK_OK)
		return rc;
	if (st != PK_IO)
		cli_error("%s", err.message);
	return EXIT_DATA;
}

/* After an index that exists but cannot be used (truncated, corrupt,
 * another program's file or a newer version): how to get going again,
 * appended to the message so that it stays one line. */
static void add_recovery_hint(const cli_ctx *ctx, pk_error *err)
{
	const char *env = getenv("PORTKIT_INDEX");
	size_t len = strlen(err->message);
	const char *hint;

	/* The message starts with the file's path: the hint need not. */
	if (ctx->index_path != NULL)
		hint = "; rebuild it (portkit import SOURCE -o FILE) or leave --index out";
	else if (env != NULL && env[0] != '\0')
		hint = "; rebuild it (portkit update -o FILE) or unset PORTKIT_INDEX";
	else
		hint = "; `portkit update` replaces it, or remove it to use the embedded snapshot";
	snprintf(err->message + len, sizeof err->message - len, "%s", hint);
}

int cli_open_registry(const cli_ctx *ctx, pk_registry **out)
{
	pk_error err;
	pk_status st;

	if (ctx->index_path != NULL)
		st = pk_registry_open_file(ctx->index_path, out, &err);
	else
		st = pk_registry_open_default(out, &err);
	if (st == PK_CORRUPT || st == PK_VERSION)
		add_recovery_hint(ctx, &err);
	if (st != PK_OK)
		return cli_fail(ctx, st, &err);
	return EXIT_FOUND;
}

int cli_open_registry_optional(const cli_ctx *ctx, pk_registry **out)
{
	pk_error err;

	if (ctx->index_path != NULL)
		return cli_open_registry(ctx, out);
	if (pk_registry_open_default(out, &err) != PK_OK) {
		cli_warn("%s; port names not available", err.message);
		*out = NULL;
	}
	return EXIT_FOUND;
}

void cli_warn_partial(const pk_registry *reg)
{
	pk_registry_info info;

	if (reg == NULL || !pk_registry_is_partial(reg))
		return;
	pk_registry_get_info(reg, &info);
	/* Its source text comes from the index: not printed raw here. */
	cli_warn("the registry in use (%s) holds no IANA assignment: a port it "
		 "calls unassigned may be assigned; `portkit update` installs IANA's registry",
		 info.origin);
}

int cli_read_host(const cli_ctx *ctx, const char *proc_root, unsigned flags,
		  pk_host_portconf **conf, pk_host_sockets **socks)
{
	pk_error err;
	pk_status st;

	*socks = NULL;
	*conf = malloc(sizeof **conf);
	if (*conf == NULL) {
		st = err.status = PK_NOMEM;
		snprintf(err.message, sizeof err.message, "out of memory");
	} else if ((st = pk_host_portconf_read(proc_root, *conf, &err)) == PK_OK)
		st = pk_host_sockets_read(proc_root, flags, socks, &err);
	if (st != PK_OK) {
		cli_fail(ctx, st, &err);
		return EXIT_DATA;
	}
	return EXIT_FOUND;
}

int cli_parse_protos(const char *s, unsigned *mask)
{
	unsigned m = 0;
	const char *p = s;

	if (strcmp(s, "any") == 0 || strcmp(s, "all") == 0) {
		*mask = 0;
		return 0;
	}
	for (;;) {
		size_t n = strcspn(p, ",");
		pk_proto proto;
		if (n == 0 || pk_proto_parse(p, n, &proto, NULL) != PK_OK) {
			cli_error("invalid transport '%s': expected tcp, udp, sctp, dccp or a comma-separated list",
				  s);
			return EXIT_USAGE;
		}
		m |= PK_PROTOMASK(proto);
		if (p[n] == '\0')
			break;
		p += n + 1;
	}
	*mask = m;
	return 0;
}

int cli_common_option(int opt, const char *arg, cli_ctx *ctx)
{
	switch (opt) {
	case 'j':
		ctx->json = true;
		return 0;
	case 'l':
		ctx->long_format = true;
		return 0;
	case 'p':
		return cli_parse_protos(arg, &ctx->protomask);
	case CLI_OPT_INDEX:
		ctx->index_path = arg;
		return 0;
	case CLI_OPT_NO_COLOR:
		ctx->color = false;
		return 0;
	case CLI_OPT_LIMIT:
	case CLI_OPT_CURSOR:
		/* Only the answers that are lists of records page. */
		if (strcmp(ctx->command, "lookup") != 0 && strcmp(ctx->command, "search") != 0 &&
		    strcmp(ctx->command, "range") != 0)
			return cli_usage(ctx, "%s: --limit and --cursor apply to lookup, search and range",
					 ctx->command);
		*(opt == CLI_OPT_LIMIT ? &ctx->limit : &ctx->cursor) = arg;
		return 0;
	case CLI_OPT_COLOR:
		if (arg == NULL || strcmp(arg, "always") == 0) {
			ctx->color = true;
		} else if (strcmp(arg, "never") == 0) {
			ctx->color = false;
		} else if (strcmp(arg, "auto") == 0) {
			/* https://no-color.org: a non-empty NO_COLOR. */
			const char *no_color = getenv("NO_COLOR");
			ctx->color = ctx->width > 0 && (no_color == NULL || no_color[0] == '\0');
		} else {
			cli_error("invalid --color '%s': expected auto, always or never", arg);
			return EXIT_USAGE;
		}
		return 0;
	default:
		/* getopt_long already said what was wrong. */
		return EXIT_USAGE;
	}
}

int cli_set_page(const cli_ctx *ctx, pk_query *q)
{
	size_t limit = 0;
	pk_error err;

	if (ctx->limit == NULL && ctx->cursor == NULL)
		return 0;
	if (ctx->limit != NULL) {
		const char *s = ctx->limit;
		size_t len = strlen(s);
		if (len == 0 || len > 5 || strspn(s, "0123456789") != len || (limit = strtoul(s, NULL, 10)) == 0)
			return cli_usage(ctx, "invalid limit '%.40s': expected 1-%u", s,
					 (unsigned)PK_QUERY_LIMIT_MAX);
	}
	pk_status st = pk_query_set_page(q, limit, ctx->cursor, &err);
	return st == PK_OK ? 0 : cli_fail(ctx, st, &err);
}

int cli_other_option(int opt, const char *arg, cli_ctx *ctx,
		     void (*usage)(FILE *out))
{
	int rc = cli_common_option(opt, arg, ctx);

	if (rc != 0 && opt == '?')
		usage(stderr);
	return rc;
}

int cli_no_operands(int argc, char **argv, const char *name)
{
	if (optind < argc) {
		cli_error("%s: unexpected argument '%s'", name, argv[optind]);
		return EXIT_USAGE;
	}
	return 0;
}

int cli_finish(int rc)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		/* A reader that went away (EPIPE) is not worth a message. */
		if (errno != EPIPE)
			cli_error("error writing output: %s", strerror(errno));
		return EXIT_DATA;
	}
	return rc;
}

/* ---- operands that look like options ------------------------------------ */

/* The options of subcommands that take only the common ones. */
static const struct option common_longopts[] = {
	{ "help", no_argument, NULL, 'h' },
	CLI_COMMON_LONGOPTS,
	{ NULL, 0, NULL, 0 },
};
#define COMMON_SHORTOPTS "h" CLI_COMMON_SHORTOPTS

/* Does the option spelled arg take its value from the next argument? */
static bool takes_next(const char *arg, const char *shortopts,
		       const struct option *longopts)
{
	if (arg[1] == '-') {
		const char *name = arg + 2;
		if (strchr(name, '=') != NULL)
			return false;
		for (const struct option *o = longopts; o->name != NULL; o++)
			if (strcmp(o->name, name) == 0)
				return o->has_arg == required_argument;
		return false;
	}
	/* "-p" takes the next argument, "-ptcp" and "-jp" do not / do. */
	for (const char *p = arg + 1; *p != '\0'; p++) {
		const char *o = strchr(shortopts, *p);
		if (o == NULL || *p == ':')
			return false;
		if (o[1] == ':')
			return p[1] == '\0';
	}
	return false;
}

int cli_next_operand(int argc, char **argv, int from, const char *shortopts,
		     const struct option *longopts)
{
	if (shortopts == NULL || longopts == NULL) {
		shortopts = COMMON_SHORTOPTS;
		longopts = common_longopts;
	}
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--") == 0)
			return 0;
		bool operand = a[0] != '-' || a[1] == '\0' ||
			       (a[1] >= '0' && a[1] <= '9');
		if (operand && i >= from)
			return i;
		if (!operand && takes_next(a, shortopts, longopts))
			i++;
	}
	return 0;
}

int cli_negative_operand(int argc, char **argv, const char *shortopts,
			 const struct option *longopts, cli_ctx *ctx)
{
	for (int i = cli_next_operand(argc, argv, 1, shortopts, longopts); i > 0;
	     i = cli_next_operand(argc, argv, i + 1, shortopts, longopts)) {
		if (argv[i][0] != '-' || argv[i][1] == '\0')
			continue;
		for (int j = 1; j < argc && strcmp(argv[j], "--") != 0; j++)
			if (strcmp(argv[j], "--json") == 0 || strcmp(argv[j], "-j") == 0)
				ctx->json = true;
		return i;
	}
	return 0;
}

void cli_help_print(FILE *out, const cli_help *help)
{
	fputs(help->head, out);
	fputs("\ncommon options:\n"
	      "  -j, --json            JSON output (schema: docs/json.md)\n"
	      "  -l, --long            every field of each record\n"
	      "  -p, --proto P[,P]     only these transports: tcp, udp, sctp, dccp (any: all)\n"
	      "      --index FILE      this compiled index instead of the default registry\n"
	      "      --color[=WHEN]    colour: auto (a terminal, NO_COLOR unset; the default),\n"
	      "                        always (no WHEN) or never\n"
	      "      --no-color        the same as --color=never\n"
	      "  -h, --help            this help\n\n", out);
	fputs(help->tail, out);
}

int cli_parse_options(int argc, char **argv, cli_ctx *ctx,
		      const cli_help *help)
{
	int opt;

	optind = 1;
	while ((opt = getopt_long(argc, argv, COMMON_SHORTOPTS, common_longopts,
				  NULL)) != -1) {
		if (opt == 'h') {
			cli_help_print(stdout, help);
			return EXIT_FOUND;
		}
		int rc = cli_common_option(opt, optarg, ctx);
		if (rc != 0)
			return rc;
	}
	return -1;
}

int cli_open_catalog(const cli_ctx *ctx, const char *dir, pk_catalog **out)
{
	pk_error err;
	pk_status st = dir != NULL ? pk_catalog_open_dir(dir, out, &err) :
				     pk_catalog_open_embedded(out, &err);
	if (st == PK_OK)
		return 0;
	/* A malformed catalog is bad input: the message names FILE:LINE. */
	return cli_fail(ctx, st == PK_PARSE ? PK_INVAL : st, &err);
}
