/* cmd_firewall.c - `portkit firewall`: rules that open the ports of
 * applications, service names and port specs, in nftables, iptables,
 * ip6tables, ufw, firewalld or pf syntax (docs/firewall.md); --check
 * reads them with the real tool. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int cmd_firewall(int argc, char **argv, cli_ctx *ctx); /* for main.c */

enum { OPT_IN = 0x2201, OPT_OUT, OPT_POLICY, OPT_NAME, OPT_CHECK, OPT_CATALOG };

static const cli_help help = {
	"usage: portkit firewall [OPTIONS] ITEM...\n"
	"Rules that open the ports of ITEMs: applications of the catalog (see portkit\n"
	"app), IANA service names or PORT[-PORT]/PROTO (docs/firewall.md).\n\n"
	"options:\n"
	"  -f, --format F         nft (default), iptables, ip6tables, ufw, firewalld or pf\n"
	"      --in               open what the host running the application accepts\n"
	"                         (the default)\n"
	"      --out              open what the application connects to\n"
	"  -s, --source ADDR      inbound rules only from this address or prefix\n"
	"                         (repeatable)\n"
	"      --policy P         accept (default) or drop everything else\n"
	"      --name NAME        the name of the table, service or profile (default\n"
	"                         portkit; a-z, 0-9 and -)\n"
	"      --check            read the rules with the real tool (needs root)\n"
	"      --catalog DIR      the *.apps files of DIR instead of the built-in catalog\n",
	"example:\n"
	"  portkit firewall --format iptables --source 10.0.0.0/8 ssh 8080/tcp\n\n"
	"exit status: 0 rules written (and accepted by --check), 1 refused by --check,\n"
	"2 usage error or unknown item, 3 data or system error or no checker.\n"
};

static void usage(FILE *out)
{
	cli_help_print(out, &help);
}

typedef struct membuf {
	char *data;
	size_t len, cap;
} membuf;

static int mem_write(void *ctx, const char *data, size_t len)
{
	membuf *m = ctx;
	if (m->len + len + 1 > m->cap) {
		size_t cap = (m->cap ? m->cap * 2 : 4096) + len;
		char *d = realloc(m->data, cap);
		if (d == NULL)
			return -1;
		m->data = d;
		m->cap = cap;
	}
	memcpy(m->data + m->len, data, len);
	m->len += len;
	m->data[m->len] = '\0';
	return 0;
}

/* An operand: a port spec, an application, or a service name. */
static int add_item(const cli_ctx *ctx, pk_fw *fw, const pk_catalog *cat,
		    pk_registry **reg, const char *item)
{
	pk_error err;
	pk_status st;

	if (item[0] >= '0' && item[0] <= '9') {
		if ((st = pk_fw_add_spec(fw, item, &err)) != PK_OK)
			return cli_fail(ctx, st, &err);
		return 0;
	}
	const pk_app *app = pk_catalog_find(cat, item);
	if (app != NULL) {
		if ((st = pk_fw_add_app(fw, app, &err)) != PK_OK)
			return cli_fail(ctx, st, &err);
		return 0;
	}
	if (*reg == NULL) {
		int rc = cli_open_registry(ctx, reg);
		if (rc != 0)
			return rc;
	}
	if ((st = pk_fw_add_service(fw, *reg, item, &err)) == PK_OK)
		return 0;
	if (st != PK_NOTFOUND)
		return cli_fail(ctx, st, &err);
	const pk_app *near[5];
	size_t k = pk_catalog_suggest(cat, item, near, 5);
	char list[256] = "";
	size_t used = 0;
	for (size_t j = 0; j < k && used < sizeof list; j++)
		used += (size_t)snprintf(list + used, sizeof list - used, "%s%s", j ? ", " : "",
					 near[j]->name);
	if (k > 0)
		return cli_usage(ctx, "firewall: '%.60s' is neither an application nor a service "
				      "name; did you mean: %s?", item, list);
	return cli_usage(ctx, "firewall: '%.60s' is neither an application of the catalog nor a "
			      "service name IANA assigns a port to", item);
}

int cmd_firewall(int argc, char **argv, cli_ctx *ctx)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "in", no_argument, NULL, OPT_IN },
		{ "out", no_argument, NULL, OPT_OUT },
		{ "source", required_argument, NULL, 's' },
		{ "policy", required_argument, NULL, OPT_POLICY },
		{ "name", required_argument, NULL, OPT_NAME },
		{ "check", no_argument, NULL, OPT_CHECK },
		{ "catalog", required_argument, NULL, OPT_CATALOG },
		{ "help", no_argument, NULL, 'h' },
		CLI_COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 }
	};
	const char *format = "nft", *policy = "accept", *name = NULL, *catalog_dir = NULL;
	const char **sources = calloc((size_t)argc + 1, sizeof *sources);
	size_t nsources = 0;
	unsigned dirs = 0;
	bool check = false;
	pk_catalog *cat = NULL;
	pk_registry *reg = NULL;
	pk_fw *fw = NULL;
	membuf out = { 0 };
	pk_fw_format fmt;
	pk_error err;
	pk_status st;
	int rc, opt;

	if (sources == NULL)
		return cli_fail(ctx, PK_NOMEM, NULL);
	optind = 1;
	while ((opt = getopt_long(argc, argv, "f:s:h" CLI_COMMON_SHORTOPTS, longopts, NULL)) !=
	       -1) {
		switch (opt) {
		case 'f': format = optarg; break;
		case OPT_IN: dirs |= PK_DIR_IN; break;
		case OPT_OUT: dirs |= PK_DIR_OUT; break;
		case 's': sources[nsources++] = optarg; break;
		case OPT_POLICY: policy = optarg; break;
		case OPT_NAME: name = optarg; break;
		case OPT_CHECK: check = true; break;
		case OPT_CATALOG: catalog_dir = optarg; break;
		case 'h':
			usage(stdout);
			free(sources);
			return EXIT_FOUND;
		default:
			if ((rc = cli_other_option(opt, optarg, ctx, usage)) != 0) {
				free(sources);
				return rc;
			}
		}
	}
	rc = EXIT_USAGE;
	if (ctx->json) {
		rc = cli_usage(ctx, "firewall: no --json: the output is the firewall's own syntax");
		goto out;
	}
	if (optind >= argc) {
		rc = cli_usage(ctx, "firewall: name an application, a service or PORT/PROTO");
		usage(stderr);
		goto out;
	}
	if ((st = pk_fw_format_parse(format, &fmt, &err)) != PK_OK) {
		rc = cli_fail(ctx, st, &err);
		goto out;
	}
	if (strcmp(policy, "accept") != 0 && strcmp(policy, "drop") != 0) {
		rc = cli_usage(ctx, "firewall: invalid policy '%.40s': expected accept or drop", policy);
		goto out;
	}
	if (dirs == 0)
		dirs = PK_DIR_IN;
	if (nsources > 0 && !(dirs & PK_DIR_IN)) {
		rc = cli_usage(ctx, "firewall: --source scopes inbound rules; --out alone has none");
		goto out;
	}
	if ((rc = cli_open_catalog(ctx, catalog_dir, &cat)) != 0)
		goto out;
	if ((st = pk_fw_new((pk_direction)dirs, &fw, &err)) != PK_OK ||
	    (name != NULL && (st = pk_fw_set_name(fw, name, &err)) != PK_OK)) {
		rc = cli_fail(ctx, st, &err);
		goto out;
	}
	pk_fw_set_drop_policy(fw, strcmp(policy, "drop") == 0);
	for (size_t i = 0; i < nsources; i++)
		if ((st = pk_fw_add_source(fw, sources[i], &err)) != PK_OK) {
			rc = cli_fail(ctx, st, &err);
			goto out;
		}
	for (int i = optind; i < argc; i++)
		if ((rc = add_item(ctx, fw, cat, &reg, argv[i])) != 0)
			goto out;

	pk_render *r = NULL;
	if ((st = pk_render_new(PK_RENDER_TEXT, mem_write, &out, &r, &err)) != PK_OK) {
		rc = cli_fail(ctx, st, &err);
		goto out;
	}
	pk_render_firewall(r, fw, fmt);
	st = pk_render_flush(r, &err);
	pk_render_free(r);
	if (st != PK_OK) {
		rc = cli_fail(ctx, st, &err);
		goto out;
	}
	if (out.len > 0 && fwrite(out.data, 1, out.len, stdout) != out.len) {
		cli_io_error(ctx, "writing the rules: output error");
		rc = EXIT_DATA;
		goto out;
	}
	rc = EXIT_FOUND;
	if (check) {
		st = pk_fw_check(out.data ? out.data : "", out.len, fmt, pk_fw_get_name(fw), &err);
		if (st == PK_PARSE) {
			cli_error("check: %s", err.message);
			rc = EXIT_NOTFOUND;
		} else if (st != PK_OK) {
			cli_error("check: %s", err.message);
			rc = EXIT_DATA;
		} else {
			fprintf(stderr, "portkit: check: %s accepts the rules\n", pk_fw_format_name(fmt));
		}
	}
out:
	free(out.data);
	free(sources);
	pk_fw_free(fw);
	pk_catalog_free(cat);
	pk_registry_close(reg);
	return rc;
}
