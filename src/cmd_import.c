/* cmd_import.c - `portkit import FILE [--format F] [-o INDEX]`: compiles
 * an IANA XML or CSV registry, a services(5) file or the npm package's
 * JSON into portkit's index format.  Exactly that file: nothing is merged
 * in (`portkit update --file FILE` adds the services(5) names and
 * unofficial uses too). */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "records.h"

int cmd_import(int argc, char **argv, cli_ctx *ctx); /* for main.c */

int cmd_import(int argc, char **argv, cli_ctx *ctx)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		CLI_COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	pk_format fmt = PK_FORMAT_AUTO;
	const char *output = NULL;
	char user_path[4096];
	pk_registry *reg = NULL;
	pk_error err;
	pk_status st;
	int rc;
	int opt;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "hf:o:" CLI_COMMON_SHORTOPTS,
				  longopts, NULL)) != -1) {
		switch (opt) {
		case 'h':
			printf("usage: portkit import FILE [--format auto|xml|csv|services|npm-json] [-o INDEX]\n"
			       "Compiles FILE into an index (default: the per-user index).\n");
			return 0;
		case 'f':
			if (pk_format_parse(optarg, &fmt, NULL) != PK_OK ||
			    fmt == PK_FORMAT_INDEX) {
				cli_error("invalid format '%.40s': expected auto, xml, csv, services or npm-json",
					  optarg);
				return EXIT_USAGE;
			}
			break;
		case 'o':
			output = optarg;
			break;
		default:
			rc = cli_common_option(opt, optarg, ctx);
			if (rc != 0)
				return rc;
		}
	}
	if (argc - optind != 1) {
		cli_error(argc == optind ? "no file given: expected portkit import FILE" :
					   "too many arguments: expected one FILE");
		return EXIT_USAGE;
	}
	const char *input = argv[optind];
	if (output == NULL) {
		st = pk_user_index_path(user_path, sizeof user_path, NULL);
		if (st != PK_OK) {
			cli_error("no place for the index: set XDG_DATA_HOME or HOME, or give -o INDEX");
			return EXIT_DATA;
		}
		output = user_path;
		st = pk_make_parent_dirs(output, &err);
		if (st != PK_OK)
			return cli_report(st, &err);
	}
	st = pk_registry_import(input, fmt, &reg, &err);
	if (st != PK_OK)
		return cli_report(st, &err);
	st = pk_registry_save(reg, output, &err);
	if (st != PK_OK) {
		cli_report(st, &err);
		rc = EXIT_DATA;
		goto out;
	}
	pk_registry_info info;
	pk_registry_get_info(reg, &info);
	if (ctx->json) {
		json_t *root = json_object();
		bool ok = root != NULL &&
			  json_object_set_new(root, "input", json_string(input)) == 0 &&
			  json_object_set_new(root, "output", json_string(output)) == 0 &&
			  json_object_set_new(root, "source", json_string(info.source)) == 0 &&
			  json_object_set_new(root, "updated", json_string(info.updated)) == 0 &&
			  json_object_set_new(root, "records", json_integer(info.records)) == 0 &&
			  json_object_set_new(root, "by_protocol", rec_counts_json(&info)) == 0 &&
			  json_object_set_new(root, "names", json_integer(info.names)) == 0 &&
			  json_object_set_new(root, "people", json_integer(info.people)) == 0;
		if (!ok) {
			json_decref(root);
			root = NULL;
		}
		rc = cli_json_print(root);
	} else {
		char counts[256];
		rec_counts_text(&info, counts, sizeof counts);
		printf("imported %s\n  source:   %s\n  updated:  %s\n  records:  %s\n"
		       "  names:    %u\n  people:   %u\nwrote %s\n",
		       input, info.source, info.updated[0] ? info.updated : "unknown",
		       counts, (unsigned)info.names, (unsigned)info.people, output);
		rc = 0;
	}
out:
	pk_registry_close(reg);
	return rc;
}
