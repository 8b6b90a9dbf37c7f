/* main.c - portkit: answers about the transport port number space.
 *
 * `portkit ARG...` looks ports and names up; anything else is a subcommand,
 * each in its own file (src/cmd_*.c).  This file only dispatches. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>

#include "cli.h"

int cmd_lookup(int argc, char **argv, cli_ctx *ctx);
int cmd_search(int argc, char **argv, cli_ctx *ctx);
int cmd_range(int argc, char **argv, cli_ctx *ctx);
int cmd_info(int argc, char **argv, cli_ctx *ctx);
int cmd_import(int argc, char **argv, cli_ctx *ctx);
int cmd_update(int argc, char **argv, cli_ctx *ctx);
int cmd_ranges(int argc, char **argv, cli_ctx *ctx);
int cmd_sim(int argc, char **argv, cli_ctx *ctx);
int cmd_pick(int argc, char **argv, cli_ctx *ctx);
int cmd_advise(int argc, char **argv, cli_ctx *ctx);
int cmd_audit(int argc, char **argv, cli_ctx *ctx);
int cmd_listeners(int argc, char **argv, cli_ctx *ctx);
int cmd_app(int argc, char **argv, cli_ctx *ctx);
int cmd_firewall(int argc, char **argv, cli_ctx *ctx);
int cmd_export(int argc, char **argv, cli_ctx *ctx);
int cmd_serve(int argc, char **argv, cli_ctx *ctx);
int cmd_classify(int argc, char **argv, cli_ctx *ctx);
int cmd_top(int argc, char **argv, cli_ctx *ctx);

static const struct command {
	const char *name;
	cli_command_fn fn;
	const char *args;    /* the synopsis after the name */
	const char *summary;
} commands[] = {
	{ "lookup", cmd_lookup, "PORT|RANGE|NAME[/PROTO]...", "what is this port / which port is this service" },
	{ "search", cmd_search, "WORD...", "records whose name or description has every word" },
	{ "range", cmd_range, "LO-HI [--unassigned|--assigned]", "records in a port range" },
	{ "info", cmd_info, "", "what the active registry is and what it lacks" },
	{ "import", cmd_import, "FILE [-o INDEX]", "compile an IANA XML/CSV or services(5) file" },
	{ "update", cmd_update, "[--url URL|--file FILE]", "fetch the full IANA registry and install it" },
	{ "ranges", cmd_ranges, "[--os ID|--host]", "OS ephemeral port ranges, or this host's" },
	{ "sim", cmd_sim, "[--svg FILE] [--observe N]", "compare ephemeral port selection algorithms" },
	{ "pick", cmd_pick, "[--count N] [--range LO-HI] [--near P|--name S]", "suggest free, unassigned ports" },
	{ "advise", cmd_advise, "[--name N] [--port P] [--draft]", "review a planned service (RFC 6335, RFC 7605)" },
	{ "audit", cmd_audit, "[--expect SPEC]... [--config FILE]", "does the ephemeral range collide with services?" },
	{ "listeners", cmd_listeners, "", "what this host listens on, ports named from the registry" },
	{ "app", cmd_app, "NAME|--search WORD...", "the ports an application needs, with sources" },
	{ "firewall", cmd_firewall, "[--format F] ITEM...", "rules opening an application's ports" },
	{ "export", cmd_export, "--format services", "the registry as a complete services(5) file" },
	{ "serve", cmd_serve, "[--listen ADDR:PORT]...", "HTTP/JSON API and web page (docs/serve.md)" },
	{ "classify", cmd_classify, "FILE|- [FILTER]", "server end and service of each flow of a capture" },
	{ "top", cmd_top, "[N] [--proto P]", "the ports most often found open (nmap popularity)" },
};

/* The commands list, with the summaries in one column: a synopsis too
 * long for it puts its summary on the next line, in that column. */
static void print_commands(FILE *out)
{
	enum { COLUMN = 39 };
	char head[128];

	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
		int n = snprintf(head, sizeof head, "  %-8s %s", commands[i].name,
				 commands[i].args);
		if (n > COLUMN - 2)
			fprintf(out, "%s\n%*s%s\n", head, COLUMN, "", commands[i].summary);
		else
			fprintf(out, "%-*s%s\n", COLUMN, head, commands[i].summary);
	}
}

static void usage(FILE *out)
{
	fputs("usage: portkit [OPTIONS] PORT|RANGE|NAME[/PROTO]...\n"
	      "       portkit COMMAND [OPTIONS] [ARGS]\n\n"
	      "commands:\n", out);
	print_commands(out);
	fputs("\noptions:\n"
	      "  -p, --proto P[,P]  only these transports (tcp, udp, sctp, dccp)\n"
	      "  -l, --long         every field of each record\n"
	      "  -j, --json         JSON output (schema: docs/json.md)\n"
	      "      --index FILE   use this compiled index instead of the default\n"
	      "  -q, --porcelain    services(5) lines, as getent services prints them\n"
	      "      --color[=WHEN] auto (default), always or never; NO_COLOR is honoured\n"
	      "      --no-color     no colour (--color=never)\n"
	      "  -h, --help         this text;  -V, --version  the version\n\n"
	      "`portkit help COMMAND` (or COMMAND --help) lists a command's options.\n\n"
	      "exit status: 0 success, 1 nothing found, 2 usage error, invalid input or\n"
	      "refused file, 3 data or system error, 4 findings (audit, advise); each\n"
	      "command's --help and portkit(1) say which it uses.\n", out);
}

/* The version, and the registry a lookup would use now and its date:
 * what a bug report needs. */
static int version(int argc, char **argv, const cli_ctx *ctx)
{
	pk_registry *reg = NULL;
	pk_error err;
	const char *index = NULL;

	/* `portkit --version --index FILE` names FILE's registry. */
	cli_ctx c = *ctx;
	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--index") == 0 && i + 1 < argc)
			index = argv[i + 1];
		if (strcmp(argv[i], "--json") == 0 || strcmp(argv[i], "-j") == 0)
			c.json = true;
	}
	pk_status st = index != NULL ? pk_registry_open_file(index, &reg, &err) :
				      pk_registry_open_default(&reg, &err);
	if (st != PK_OK)
		cli_warn("%s", err.message);
	pk_render *r = cli_render_new(&c);
	if (r != NULL)
		pk_render_version(r, reg);
	int rc = cli_render_end(r, EXIT_FOUND);
	pk_registry_close(reg);
	return rc;
}

static int terminal_width(void)
{
	struct winsize ws;
	const char *columns = getenv("COLUMNS");

	if (!isatty(STDOUT_FILENO))
		return 0;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	if (columns != NULL) {
		long w = strtol(columns, NULL, 10);
		if (w > 0 && w < 10000)
			return (int)w;
	}
	return 80;
}

int main(int argc, char **argv)
{
	cli_ctx ctx = { 0 };
	const char *no_color = getenv("NO_COLOR");

	ctx.width = terminal_width();
	/* https://no-color.org: any non-empty NO_COLOR turns colour off. */
	ctx.color = ctx.width > 0 && (no_color == NULL || no_color[0] == '\0');

	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "help") == 0 && argc > 2) {
		/* `portkit help pick` is `portkit pick --help`. */
		static char prog[64], help_opt[] = "--help";
		for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
			if (strcmp(argv[2], commands[i].name) == 0) {
				char *args[] = { prog, help_opt, NULL };
				snprintf(prog, sizeof prog, "portkit %s", commands[i].name);
				ctx.command = commands[i].name;
				return cli_finish(commands[i].fn(2, args, &ctx));
			}
		cli_error("help: unknown command '%.40s': expected one of the commands of portkit --help",
			  argv[2]);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return cli_finish(EXIT_FOUND);
	}
	if (strcmp(argv[1], "-V") == 0 || strcmp(argv[1], "--version") == 0)
		return cli_finish(version(argc, argv, &ctx));
	/* The subcommand may follow common options: `portkit --json info`;
	 * it is moved in front of them, where its own parser expects it. */
	int first = cli_next_operand(argc, argv, 1, NULL, NULL);
	/* getopt names argv[0] in its messages: "portkit pick: unrecognized
	 * option", not "pick: ..." or the path portkit was run by. */
	static char prog[64];
	for (size_t i = 0; first > 0 && i < sizeof commands / sizeof commands[0]; i++)
		if (strcmp(argv[first], commands[i].name) == 0) {
			memmove(argv + 2, argv + 1, (size_t)(first - 1) * sizeof *argv);
			snprintf(prog, sizeof prog, "portkit %s", commands[i].name);
			argv[1] = prog;
			ctx.command = commands[i].name;
			return cli_finish(commands[i].fn(argc - 1, argv + 1, &ctx));
		}
	/* No subcommand: every argument (and option) belongs to a lookup. */
	argv[0] = (char *)"portkit";
	ctx.command = "lookup";
	return cli_finish(cmd_lookup(argc, argv, &ctx));
}
