/* cmd_app.c - `portkit app`: the application catalog (docs/apps.md).
 * An application by name, applications by word or port, the list, and
 * where firewalld, ufw, the catalog and IANA disagree (--crosswalk). */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int cmd_app(int argc, char **argv, cli_ctx *ctx); /* for main.c */

enum { OPT_CATALOG = 0x2101, OPT_CROSSWALK, OPT_FIREWALLD, OPT_UFW, OPT_LIST };

static const cli_help help = {
	"usage: portkit app [OPTIONS] NAME...\n"
	"       portkit app --search WORD... | --port PORT[/PROTO] | --list\n"
	"       portkit app --crosswalk [--firewalld DIR] [--ufw DIR]\n"
	"Which ports, transports and directions an application needs, with sources,\n"
	"and what IANA assigns on each port (docs/apps.md).\n\n"
	"options:\n"
	"  -s, --search           applications whose name, aliases, title, category or\n"
	"                         notes hold every WORD\n"
	"      --port PORT[/PROTO]\n"
	"                         applications using this port\n"
	"      --list             every application of the catalog\n"
	"      --catalog DIR      the *.apps files of DIR instead of the built-in catalog\n"
	"      --crosswalk        where firewalld, ufw, the catalog and IANA disagree\n"
	"      --firewalld DIR    firewalld's service files (default\n"
	"                         /usr/lib/firewalld/services)\n"
	"      --ufw DIR          ufw's application profiles (default\n"
	"                         /etc/ufw/applications.d)\n",
	"example:\n"
	"  portkit app wireguard openvpn\n\n"
	"exit status: 0 found, 1 unknown application or nothing found, 2 usage error\n"
	"or a malformed catalog, 3 data or system error.\n"
};

static void usage(FILE *out)
{
	cli_help_print(out, &help);
}

static int show_names(const cli_ctx *ctx, const pk_catalog *cat, char **names, int n)
{
	const pk_app **apps = calloc((size_t)n, sizeof *apps);
	pk_registry *reg = NULL;
	int rc;

	if (apps == NULL)
		return cli_fail(ctx, PK_NOMEM, NULL);
	for (int i = 0; i < n; i++) {
		apps[i] = pk_catalog_find(cat, names[i]);
		if (apps[i] != NULL)
			continue;
		const pk_app *near[5];
		size_t k = pk_catalog_suggest(cat, names[i], near, 5);
		if (ctx->json) {
			pk_render *r = cli_render_new(ctx);
			if (r != NULL)
				pk_render_app_unknown(r, names[i], near, k);
			cli_render_end(r, EXIT_NOTFOUND);
		}
		char list[256] = "";
		size_t used = 0;
		for (size_t j = 0; j < k && used < sizeof list; j++)
			used += (size_t)snprintf(list + used, sizeof list - used, "%s%s",
						 j ? ", " : "", near[j]->name);
		if (k > 0)
			cli_error("unknown application '%.60s'; did you mean: %s?", names[i], list);
		else
			cli_error("unknown application '%.60s' (portkit app --search WORD finds "
				  "applications by word)", names[i]);
		free(apps);
		return EXIT_NOTFOUND;
	}
	/* The registry tells what IANA assigns on each port; without one the
	 * catalog still answers. */
	if ((rc = cli_open_registry_optional(ctx, &reg)) != 0) {
		free(apps);
		return rc;
	}
	pk_render *r = cli_render_new(ctx);
	if (r != NULL)
		pk_render_apps(r, reg, apps, (size_t)n);
	rc = cli_render_end(r, EXIT_FOUND);
	pk_registry_close(reg);
	free(apps);
	return rc;
}

static int show_list(const cli_ctx *ctx, const char *what, const pk_app **apps, size_t n,
		     size_t found)
{
	pk_render *r = cli_render_new(ctx);
	if (found == 0 && !ctx->json)
		cli_error("no application matches %s", what);
	if (r != NULL)
		pk_render_app_list(r, what, apps, n);
	return cli_render_end(r, found ? EXIT_FOUND : EXIT_NOTFOUND);
}

int cmd_app(int argc, char **argv, cli_ctx *ctx)
{
	static const struct option longopts[] = {
		{ "search", no_argument, NULL, 's' },
		{ "port", required_argument, NULL, 'P' },
		{ "list", no_argument, NULL, OPT_LIST },
		{ "catalog", required_argument, NULL, OPT_CATALOG },
		{ "crosswalk", no_argument, NULL, OPT_CROSSWALK },
		{ "firewalld", required_argument, NULL, OPT_FIREWALLD },
		{ "ufw", required_argument, NULL, OPT_UFW },
		{ "help", no_argument, NULL, 'h' },
		CLI_COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 }
	};
	const char *catalog_dir = NULL, *port_arg = NULL;
	const char *firewalld = "/usr/lib/firewalld/services", *ufw = "/etc/ufw/applications.d";
	bool search = false, list = false, crosswalk = false;
	pk_catalog *cat = NULL;
	int rc, opt;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "sh" CLI_COMMON_SHORTOPTS, longopts, NULL)) !=
	       -1) {
		switch (opt) {
		case 's': search = true; break;
		case 'P': port_arg = optarg; break;
		case OPT_LIST: list = true; break;
		case OPT_CATALOG: catalog_dir = optarg; break;
		case OPT_CROSSWALK: crosswalk = true; break;
		case OPT_FIREWALLD: firewalld = optarg; break;
		case OPT_UFW: ufw = optarg; break;
		case 'h':
			usage(stdout);
			return EXIT_FOUND;
		default:
			if ((rc = cli_other_option(opt, optarg, ctx, usage)) != 0)
				return rc;
		}
	}
	int modes = search + list + crosswalk + (port_arg != NULL);
	if (modes > 1)
		return cli_usage(ctx, "app: --search, --port, --list and --crosswalk exclude each other");
	if (search ? optind >= argc : (modes > 0) == (optind < argc)) {
		rc = search ? cli_usage(ctx, "app: --search needs at least one word") :
		     modes > 0 ? cli_usage(ctx, "app: unexpected argument '%.40s'", argv[optind]) :
				 cli_usage(ctx, "app: name an application (or --search WORD, --list)");
		usage(stderr);
		return rc;
	}
	if ((rc = cli_open_catalog(ctx, catalog_dir, &cat)) != 0)
		return rc;

	size_t cap = pk_catalog_count(cat);
	const pk_app **apps = calloc(cap ? cap : 1, sizeof *apps);
	if (apps == NULL) {
		rc = cli_fail(ctx, PK_NOMEM, NULL);
		goto out;
	}
	if (crosswalk) {
		pk_registry *reg = NULL;
		if ((rc = cli_open_registry(ctx, &reg)) != 0)
			goto out;
		pk_crosswalk *cw = NULL;
		pk_error err;
		pk_status st = pk_crosswalk_run(cat, reg, firewalld, ufw, &cw, &err);
		if (st != PK_OK) {
			rc = cli_fail(ctx, st, &err);
		} else {
			pk_render *r = cli_render_new(ctx);
			if (r != NULL)
				pk_render_crosswalk(r, cw);
			rc = cli_render_end(r, EXIT_FOUND);
		}
		pk_crosswalk_free(cw);
		pk_registry_close(reg);
	} else if (search) {
		char words[1024];
		size_t used = 0;
		for (int i = optind; i < argc && used < sizeof words; i++)
			used += (size_t)snprintf(words + used, sizeof words - used, "%s%s",
						 i > optind ? " " : "", argv[i]);
		size_t n = pk_catalog_search(cat, words, apps, cap);
		rc = show_list(ctx, words, apps, n < cap ? n : cap, n);
	} else if (port_arg != NULL) {
		pk_portspec spec;
		pk_error err;
		if (pk_portspec_parse(port_arg, &spec, &err) != PK_OK || spec.lo != spec.hi) {
			rc = cli_usage(ctx, "app: invalid port '%.40s': expected PORT[/PROTO]", port_arg);
			goto out;
		}
		size_t n = pk_catalog_by_port(cat, spec.lo, spec.protos ? spec.protos :
							      ctx->protomask, apps, cap);
		rc = show_list(ctx, port_arg, apps, n < cap ? n : cap, n);
	} else if (list) {
		for (size_t i = 0; i < cap; i++)
			apps[i] = pk_catalog_app(cat, i);
		rc = show_list(ctx, "all", apps, cap, cap);
	} else {
		rc = show_names(ctx, cat, argv + optind, argc - optind);
	}
out:
	free(apps);
	pk_catalog_free(cat);
	return rc;
}
