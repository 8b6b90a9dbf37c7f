/* cli.h - what the portkit subcommands share: exit codes, messages,
 * opening the registry, renderers on stdout and checked output.  The CLI
 * is a client of the public API only: nothing here includes lib/. */
#ifndef PK_CLI_H
#define PK_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "portkit.h"

/* Exit codes, documented in portkit(1) and the README. */
enum {
	EXIT_FOUND = 0,    /* an answer, or nothing to report */
	EXIT_NOTFOUND = 1, /* nothing found */
	EXIT_USAGE = 2,    /* usage error, invalid input, a missing input
			      file, a refused output file */
	EXIT_DATA = 3,     /* data or system error */
	EXIT_FINDINGS = 4  /* audit, advise: warnings or errors found */
};

#if defined(__GNUC__)
#define CLI_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define CLI_PRINTF(f, a)
#endif

/* Options every subcommand understands (parsed by cli_common_option). */
typedef struct cli_ctx {
	const char *command;    /* "lookup", "search", ...: names JSON documents */
	const char *index_path; /* --index FILE, or NULL for the default */
	bool json;              /* --json */
	bool long_format;       /* --long */
	bool color;             /* colour on: a terminal and NO_COLOR unset */
	unsigned protomask;     /* --proto P[,P]: 0 = every transport */
	int width;              /* terminal width, 80 when not a terminal */
	const char *limit;      /* --limit N: records per page (lookup, search, range) */
	const char *cursor;     /* --cursor C: the page a paged answer named */
	bool bare;              /* --porcelain: lines for scripts */
	bool numeric;           /* uids, not user names */
} cli_ctx;

/* "portkit: message" on stderr. */
void cli_error(const char *fmt, ...) CLI_PRINTF(1, 2);
/* "portkit: warning: message" on stderr. */
void cli_warn(const char *fmt, ...) CLI_PRINTF(1, 2);

/* Prints err (or the status message) and returns the exit code for st:
 * EXIT_USAGE for invalid input (PK_INVAL, PK_RANGE: a bad argument, an
 * output file the atomic writer refuses) and a missing input file
 * (PK_NOTFOUND), EXIT_DATA for everything else. */
int cli_report(pk_status st, const pk_error *err);

/* A failure of ctx->command: the message on stderr and, with --json, the
 * error document on stdout (pk_render_error).  Returns the exit code for
 * st as cli_report() does. */
int cli_fail(const cli_ctx *ctx, pk_status st, const pk_error *err);
/* The error document alone, with --json (nothing otherwise). */
void cli_json_error(const cli_ctx *ctx, pk_status st, const pk_error *err);
/* A usage error found by the CLI itself: cli_fail() with PK_INVAL and the
 * formatted message; returns EXIT_USAGE. */
int cli_usage(const cli_ctx *ctx, const char *fmt, ...) CLI_PRINTF(2, 3);

/* A system failure found by the CLI itself (a file it writes, a setting
 * it reads): cli_fail() with PK_IO and the formatted message. */
void cli_io_error(const cli_ctx *ctx, const char *fmt, ...) CLI_PRINTF(2, 3);

/* A renderer on stdout in the form ctx asks for (--json, --long, colour,
 * terminal width); NULL after a message when there is no memory. */
pk_render *cli_render_new(const cli_ctx *ctx);
/* The same in format fmt (sim --csv). */
pk_render *cli_render_new_as(const cli_ctx *ctx, pk_render_format fmt);
/* Flushes and frees r (NULL: out of memory).  Returns rc, or EXIT_DATA
 * when rendering failed (a write error is left to cli_finish to name). */
int cli_render_end(pk_render *r, int rc);

/* Opens ctx->index_path, or the default registry.  On failure reports the
 * error (cli_fail) and returns its exit code (EXIT_USAGE for a missing
 * --index file, else EXIT_DATA); on success returns EXIT_FOUND. */
int cli_open_registry(const cli_ctx *ctx, pk_registry **out);

/* For commands that work without a registry too (audit, listeners): the
 * --index registry (failure: message, EXIT_DATA), else the default one,
 * or *out = NULL with a warning when it cannot be opened. */
int cli_open_registry_optional(const cli_ctx *ctx, pk_registry **out);

/* For audit and listeners: this host's port settings (malloc'd) and
 * sockets, read under proc_root (NULL: $PROC_ROOT or /proc) with
 * PK_SOCKETS_* flags.  On failure reports the error (cli_fail) and returns
 * EXIT_DATA; the caller frees *conf and *socks either way. */
int cli_read_host(const cli_ctx *ctx, const char *proc_root, unsigned flags,
		  pk_host_portconf **conf, pk_host_sockets **socks);

/* After opening reg for a command that calls ports free or unassigned
 * (lookup, range, pick): a warning when reg holds no IANA record. */
void cli_warn_partial(const pk_registry *reg);

/* Parses "tcp", "tcp,udp" or "any" into a protocol mask. */
int cli_parse_protos(const char *s, unsigned *mask);

/* Flushes stdout and turns a write error (a full disk, a closed pipe)
 * into EXIT_DATA with a message; otherwise returns rc. */
int cli_finish(int rc);

/* The options every subcommand accepts, for getopt_long: append
 * CLI_COMMON_LONGOPTS to a subcommand's struct option array and pass
 * unknown codes to cli_common_option(), which returns 0 when it handled
 * the option, EXIT_USAGE after printing a message otherwise. */
#define CLI_OPT_INDEX 0x1001
#define CLI_OPT_NO_COLOR 0x1002
#define CLI_OPT_LIMIT 0x1003
#define CLI_OPT_CURSOR 0x1004
#define CLI_OPT_COLOR 0x1005
#define CLI_COMMON_SHORTOPTS "jlp:"
#define CLI_COMMON_LONGOPTS                                          \
	{ "json", no_argument, NULL, 'j' },                          \
	{ "long", no_argument, NULL, 'l' },                          \
	{ "proto", required_argument, NULL, 'p' },                   \
	{ "index", required_argument, NULL, CLI_OPT_INDEX },         \
	{ "no-color", no_argument, NULL, CLI_OPT_NO_COLOR },         \
	{ "limit", required_argument, NULL, CLI_OPT_LIMIT },         \
	{ "cursor", required_argument, NULL, CLI_OPT_CURSOR },       \
	{ "color", optional_argument, NULL, CLI_OPT_COLOR }

/* The --help of a command, in one layout for all: head (the usage line,
 * what the command does, then "options:" with each of its own options on
 * a line of its own), the options every command takes, then tail (an
 * "example:" and the command's "exit status:" line, portkit(1)'s
 * EXIT STATUS table for that command). */
typedef struct cli_help {
	const char *head;
	const char *tail;
} cli_help;
void cli_help_print(FILE *out, const cli_help *help);
int cli_common_option(int opt, const char *arg, cli_ctx *ctx);
/* --limit and --cursor onto q (pk_query_set_page), for the commands that
 * page (lookup, search, range; the HTTP API pages the same way).  0, or
 * the exit code after a message. */
int cli_set_page(const cli_ctx *ctx, pk_query *q);
/* The default: case of a subcommand's getopt loop: cli_common_option(), and
 * after an option getopt did not know ('?') the usage on stderr. */
int cli_other_option(int opt, const char *arg, cli_ctx *ctx,
		     void (*usage)(FILE *out));
/* After the options of a subcommand that takes no operands: when one is
 * left, says "NAME: unexpected argument 'ARG'" and returns EXIT_USAGE;
 * otherwise 0. */
int cli_no_operands(int argc, char **argv, const char *name);

/* Subcommands.  Each parses its own options (argv[0] is its name) and
 * returns an exit code. */
typedef int (*cli_command_fn)(int argc, char **argv, cli_ctx *ctx);

/* The index of the next operand of argv at or after from: an argument
 * that is not an option or an option's value (per shortopts and
 * longopts; NULL for both means the common options and --help).  An
 * argument that looks like a negative number ("-1",
 * "-80-90") counts as an operand, so that callers can report it as an
 * invalid port rather than let getopt call it an unknown option.  Returns
 * 0 when there is none before the end or "--".  main() uses it to find a
 * subcommand after common options (`portkit --json info`). */
struct option;
int cli_next_operand(int argc, char **argv, int from, const char *shortopts,
		     const struct option *longopts);

/* The index of the first operand that looks like a negative number, or 0.
 * Sets ctx->json when --json or -j is among the arguments, so that the
 * error about the operand is a JSON document then too. */
int cli_negative_operand(int argc, char **argv, const char *shortopts,
			 const struct option *longopts, cli_ctx *ctx);

/* Parses the options of a subcommand that takes only the common ones and
 * --help/-h (which prints usage on stdout).  Returns -1 when the caller
 * goes on with its operands at argv[optind], otherwise the exit code. */
int cli_parse_options(int argc, char **argv, cli_ctx *ctx,
		      const cli_help *help);

/* The application catalog: the *.apps files of dir (--catalog), or the
 * one built in when dir is NULL.  On failure reports it (a malformed
 * file is EXIT_USAGE, its FILE:LINE in the message) and returns the exit
 * code; 0 on success. */
int cli_open_catalog(const cli_ctx *ctx, const char *dir, pk_catalog **out);

#endif /* PK_CLI_H */
