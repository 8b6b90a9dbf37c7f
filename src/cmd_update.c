/* cmd_update.c - `portkit update [--url URL | --file FILE] [--system]`:
 * installs the full IANA registry.  The sequence (download, format check,
 * import, extras, comparison, directories, atomic install) is
 * pk_update_run's; this file parses the options and renders the outcome
 * (pk_render_update). */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

typedef struct progress {
	int last_permille;
	uint64_t last_bytes;
	bool shown;
} progress;

static int show_progress(void *ctx, uint64_t now, uint64_t total)
{
	progress *p = ctx;
	int permille = total > 0 ? (int)(now * 1000 / total) : -1;

	/* Redraw on each 0.1 % step, or every 256 kB when the size is unknown. */
	if (total > 0 ? permille == p->last_permille :
			now - p->last_bytes < 256 * 1024)
		return 0;
	p->last_permille = permille;
	p->last_bytes = now;
	p->shown = true;
	if (total > 0)
		fprintf(stderr, "\rdownloading: %.1f of %.1f MB (%d%%)  ",
			(double)now / 1e6, (double)total / 1e6, permille / 10);
	else
		fprintf(stderr, "\rdownloading: %.1f MB  ", (double)now / 1e6);
	return 0;
}

/* Says what failed, and that nothing changed (pk_update_run wrote
 * nothing), or that the new index is in place all the same. */
static int report_failure(const cli_ctx *ctx, const pk_update *u, pk_status st,
			  const pk_error *err)
{
	pk_error e = { .status = st };

	if (pk_update_in_place(u)) {
		/* The rename happened: the registry in use is the new one. */
		int rc = cli_fail(ctx, st, err);
		cli_error("installed %s to %s, but it is not known to be on disk: "
			  "lookups use the new registry, a crash may bring back the previous one",
			  pk_update_input(u), pk_update_output(u));
		return rc;
	}
	switch (pk_update_get_step(u)) {
	case PK_UPDATE_TARGET:
		snprintf(e.message, sizeof e.message,
			 "no place for the index: set XDG_DATA_HOME or HOME, or use --system; "
			 "the registry in use is unchanged");
		break;
	case PK_UPDATE_FORMAT:
		if (st == PK_PARSE) { /* not a registry at all: it says what */
			snprintf(e.message, sizeof e.message,
				 "%.400s; the registry in use is unchanged", err->message);
			break;
		}
		snprintf(e.message, sizeof e.message,
			 "%.300s: update installs IANA's registry (--format xml|csv forces one; "
			 "`portkit import` takes other formats); the registry in use is unchanged",
			 err->message);
		break;
	case PK_UPDATE_EMPTY:
		snprintf(e.message, sizeof e.message,
			 "%.400s; the registry in use is unchanged", err->message);
		break;
	case PK_UPDATE_OLDER:
		snprintf(e.message, sizeof e.message,
			 "%.400s; nothing installed (--force installs it anyway); "
			 "the registry in use is unchanged", err->message);
		break;
	default: {
		int rc = cli_fail(ctx, st, err);
		cli_error("update failed; the registry in use is unchanged");
		return rc;
	}
	}
	return cli_fail(ctx, st, &e);
}

int cmd_update(int argc, char **argv, cli_ctx *ctx); /* for main.c */

static const cli_help help = {
	"usage: portkit update [OPTIONS]\n"
	"Downloads IANA's registry, validates it completely and installs it as the\n"
	"default registry, reporting changes against the index it replaces.\n"
	"\n"
	"options:\n"
	"      --url URL           download from URL (default: IANA's XML)\n"
	"      --file FILE         install a copy already downloaded\n"
	"      --format FORMAT     xml or csv (default: told from the content)\n"
	"      --system            install for everyone (/var/lib/portkit/registry.idx)\n"
	"  -o, --output INDEX      write INDEX instead of the per-user index\n"
	"      --timeout SECONDS   give up a download not complete after SECONDS\n"
	"                          (default 300)\n"
	"      --force             install a registry older than the one in use\n",
	"example:\n"
	"  portkit update --file service-names-port-numbers.xml\n"
	"\n"
	"exit status: 0 installed, 2 usage error, not a URL, missing FILE or refused\n"
	"INDEX (not a regular file), 3 download, data or system error; on failure the\n"
	"registry in use is unchanged.\n"
};

int cmd_update(int argc, char **argv, cli_ctx *ctx)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "url", required_argument, NULL, 'u' },
		{ "file", required_argument, NULL, 'f' },
		{ "format", required_argument, NULL, 'F' },
		{ "system", no_argument, NULL, 's' },
		{ "output", required_argument, NULL, 'o' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "force", no_argument, NULL, 'x' },
		CLI_COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	const char *url = NULL;
	const char *file = NULL;
	const char *target = NULL;
	bool system_wide = false;
	bool force = false;
	pk_format fmt = PK_FORMAT_AUTO;
	unsigned timeout = 0;
	pk_update *u = NULL;
	pk_error err;
	pk_status st;
	int rc;
	int opt;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "ho:" CLI_COMMON_SHORTOPTS, longopts,
				  NULL)) != -1) {
		switch (opt) {
		case 'h':
			cli_help_print(stdout, &help);
			return 0;
		case 'x':
			force = true;
			break;
		case 'u':
			url = optarg;
			break;
		case 'f':
			file = optarg;
			break;
		case 'F':
			if (pk_format_parse(optarg, &fmt, NULL) != PK_OK ||
			    (fmt != PK_FORMAT_XML && fmt != PK_FORMAT_CSV)) {
				cli_error("invalid format '%.40s': expected xml or csv (IANA's two formats)",
					  optarg);
				return EXIT_USAGE;
			}
			break;
		case 's':
			system_wide = true;
			break;
		case 'o':
			target = optarg;
			break;
		case 'T': {
			char *end;
			unsigned long v = strtoul(optarg, &end, 10);
			if (optarg[0] < '0' || optarg[0] > '9' || *end != '\0' || v < 1 ||
			    v > PK_DOWNLOAD_TIMEOUT_MAX) {
				cli_error("invalid --timeout '%.40s': expected seconds, 1 to %u",
					  optarg, PK_DOWNLOAD_TIMEOUT_MAX);
				return EXIT_USAGE;
			}
			timeout = (unsigned)v;
			break;
		}
		default:
			rc = cli_common_option(opt, optarg, ctx);
			if (rc != 0)
				return rc;
		}
	}
	if (optind < argc) {
		cli_error("unexpected argument '%.40s': update takes only options", argv[optind]);
		return EXIT_USAGE;
	}
	if (url != NULL && file != NULL) {
		cli_error("--url and --file exclude each other");
		return EXIT_USAGE;
	}
	if (system_wide && target != NULL) {
		cli_error("--system and -o exclude each other");
		return EXIT_USAGE;
	}

	progress p = { -1, 0, false };
	st = pk_update_new(&u, &err);
	if (st == PK_OK && url != NULL)
		st = pk_update_set_url(u, url, &err);
	if (st == PK_OK && file != NULL)
		st = pk_update_set_file(u, file, &err);
	if (st == PK_OK)
		st = pk_update_set_format(u, fmt, &err);
	if (st == PK_OK)
		st = pk_update_set_output(u, target ? PK_UPDATE_FILE :
					  system_wide ? PK_UPDATE_SYSTEM : PK_UPDATE_USER,
					  target, &err);
	if (st == PK_OK)
		st = pk_update_set_current(u, ctx->index_path, &err);
	if (st == PK_OK)
		st = pk_update_set_timeout(u, timeout, &err);
	if (st != PK_OK) {
		rc = cli_fail(ctx, st, &err);
		if (!ctx->json)
			cli_error("update not started; the registry in use is unchanged");
		goto out;
	}
	pk_update_set_force(u, force);
	if (isatty(STDERR_FILENO))
		pk_update_set_progress(u, show_progress, &p);

	st = pk_update_run(u, &err);
	if (p.shown)
		fputc('\n', stderr);
	/* An unreadable index is about to be replaced: a warning, not a failure. */
	const char *problem = pk_update_previous_problem(u);
	if (problem != NULL && target != NULL)
		cli_warn("%s cannot be read (%s); comparing with the embedded snapshot",
			 target, problem);
	else if (problem != NULL)
		cli_warn("the registry in use cannot be read (%s); comparing with the embedded snapshot",
			 problem);
	if (st != PK_OK) {
		rc = report_failure(ctx, u, st, &err);
		goto out;
	}

	pk_render *r = cli_render_new(ctx);
	if (r != NULL)
		pk_render_update(r, u);
	rc = cli_render_end(r, EXIT_FOUND);
	/* Say so when the index just installed is not the one lookups use. */
	const char *shadow = pk_update_shadowed_by(u);
	const char *env = getenv("PORTKIT_INDEX");
	if (shadow != NULL && env != NULL && strcmp(shadow, env) == 0)
		cli_warn("PORTKIT_INDEX=%s takes precedence over %s", shadow,
			 pk_update_output(u));
	else if (shadow != NULL)
		cli_warn("your per-user index %s takes precedence over %s", shadow,
			 pk_update_output(u));
out:
	pk_update_free(u);
	return rc;
}
