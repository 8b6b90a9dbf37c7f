/* cmd_audit.c - `portkit audit`: does this host's ephemeral port range
 * collide with the ports its services use?  pk_audit_run finds, and
 * pk_render_audit prints; this file parses options, adds the hints that
 * name portkit's own options, and maps the result to an exit status: 0
 * when nothing is at warning level or above, 1 when something is (for
 * monitoring and CI). */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const cli_help help = {
	"usage: portkit audit [OPTIONS]\n"
	"Checks this host's ephemeral port range against the services that must be\n"
	"able to listen: expected ports, the registry's assignments, listeners.\n"
	"portkit proposes settings; it never changes them.\n"
	"\n"
	"options:\n"
	"  -e, --expect SPEC[=LABEL] a port, range or service name a service uses\n"
	"                            (40000/tcp, 30000-32767/tcp=nodeports, postgresql),\n"
	"                            running or not (repeatable)\n"
	"  -c, --config FILE         expected ports, one 'SPEC [LABEL]' per line\n"
	"  -w, --write-sysctl FILE   write the proposed sysctl.d snippet to FILE (atomically;\n"
	"                            FILE must be a regular file or not exist)\n"
	"  -q, --quiet               print only warnings and errors, one line each\n"
	"      --proc-root DIR       read another proc tree (as PROC_ROOT does)\n",
	"example:\n"
	"  portkit audit --expect 40000/tcp --expect postgresql -w /tmp/60-portkit.conf\n"
	"\n"
	"exit status: 0 nothing at warning level or above, 4 warnings or errors,\n"
	"2 usage error, invalid argument, missing --config file or refused FILE,\n"
	"3 data or system error.\n"
};

static void usage(FILE *out)
{
	cli_help_print(out, &help);
}

/* "40000/tcp=billing" -> spec and label. */
static int add_expect(const cli_ctx *ctx, pk_expect_list *l,
		      const pk_registry *reg, const char *arg)
{
	char spec[64];
	const char *eq = strchr(arg, '=');
	size_t n = eq ? (size_t)(eq - arg) : strlen(arg);
	pk_error err;
	pk_status st;

	if (n >= sizeof spec)
		return cli_usage(ctx, "invalid port '%.40s...': expected PORT, LO-HI or SPEC/PROTO",
				 arg);
	memcpy(spec, arg, n);
	spec[n] = '\0';
	/* "SPEC=" is a label forgotten, not "no label" (that is plain SPEC) */
	if (eq != NULL && eq[1] == '\0')
		return cli_usage(ctx, "invalid --expect '%.60s': empty label after '=': expected SPEC=LABEL or SPEC alone",
				 arg);
	st = pk_expect_add_lookup(l, reg, spec, eq ? eq + 1 : "", &err);
	return st == PK_OK ? 0 : cli_fail(ctx, st, &err);
}

/* Whether a finding's fix has the step code. */
static bool has_step(const pk_finding *f, const char *code)
{
	for (size_t i = 0; i < pk_finding_fix_count(f); i++)
		if (strcmp(pk_finding_fix(f, i)->code, code) == 0)
			return true;
	return false;
}

/* The options and commands of portkit that act on the findings: the
 * library's words name none. */
static void print_hints(const pk_audit *a, const char *written)
{
	bool any = false, declare = false, keep = false, proc = false;
	size_t drafts = 0;

	for (size_t i = 0; i < pk_audit_count(a); i++) {
		const pk_finding *f = pk_audit_get(a, i);
		const char *code = pk_finding_code(f);
		uint64_t port = 0, proto = 0;
		pk_finding_uint(f, "port", &port);
		pk_finding_uint(f, "protocol", &proto);
		if (has_step(f, "declare-expected") && !declare) {
			printf("%shint: declare a UDP service with --expect %u/udp, so that the fix reserves its port\n",
			       any ? "" : "\n", (unsigned)port);
			declare = any = true;
		} else if (strcmp(code, "reserved-most") == 0 && !keep) {
			printf("%shint: declare every service a reserved port belongs to with --expect, so that the fix keeps it\n",
			       any ? "" : "\n");
			keep = any = true;
		} else if (strcmp(code, "squatting") == 0 && drafts++ == 0) {
			printf("%shint: portkit advise --port %u/%s --draft reviews the port and drafts an IANA request\n",
			       any ? "" : "\n", (unsigned)port,
			       pk_proto_name((pk_proto)proto));
			any = true;
		} else if (has_step(f, "check-proc") && !proc) {
			printf("%shint: --proc-root DIR (or PROC_ROOT) reads the settings of another proc tree\n",
			       any ? "" : "\n");
			proc = any = true;
		}
	}
	if (pk_audit_sysctl_snippet(a)[0] != '\0' && written == NULL)
		printf("%shint: --write-sysctl %s (with the same options) writes the snippet\n",
		       any ? "" : "\n", PK_AUDIT_SNIPPET_PATH);
	else if (pk_audit_sysctl_snippet(a)[0] != '\0')
		printf("%sthe snippet was written to %s (apply it with: sysctl -p %s)\n",
		       any ? "" : "\n", written, written);
}

enum { OPT_PROC_ROOT = 0x2001 };

int cmd_audit(int argc, char **argv, cli_ctx *ctx); /* main.c */

int cmd_audit(int argc, char **argv, cli_ctx *ctx)
{
	static const struct option longopts[] = {
		{ "expect", required_argument, NULL, 'e' },
		{ "config", required_argument, NULL, 'c' },
		{ "write-sysctl", required_argument, NULL, 'w' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "proc-root", required_argument, NULL, OPT_PROC_ROOT },
		{ "help", no_argument, NULL, 'h' },
		CLI_COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 }
	};
	pk_expect_list *exp = NULL;
	pk_host_portconf *conf = NULL;
	pk_host_sockets *socks = NULL;
	pk_registry *reg = NULL;
	pk_audit *audit = NULL;
	const char *proc_root = NULL;
	const char *write_path = NULL;
	/* --expect and --config in order, read once every option is (--json
	 * may come after them): 'e' or 'c', and the argument. */
	const char **specs = calloc((size_t)argc + 1, sizeof *specs);
	char *kinds = calloc((size_t)argc + 1, 1);
	size_t nspecs = 0;
	bool quiet = false;
	pk_error err;
	pk_status st;
	int rc = EXIT_FOUND;
	int opt;

	if (pk_expect_list_new(&exp, NULL) != PK_OK || specs == NULL || kinds == NULL) {
		cli_error("out of memory");
		rc = EXIT_DATA;
		goto out;
	}
	optind = 1;
	while ((opt = getopt_long(argc, argv, "e:c:w:qh" CLI_COMMON_SHORTOPTS,
				  longopts, NULL)) != -1) {
		switch (opt) {
		case 'e':
		case 'c':
			kinds[nspecs] = (char)opt;
			specs[nspecs++] = optarg;
			break;
		case 'w':
			write_path = optarg;
			break;
		case 'q':
			quiet = true;
			break;
		case OPT_PROC_ROOT:
			proc_root = optarg;
			break;
		case 'h':
			usage(stdout);
			goto out;
		default:
			rc = cli_other_option(opt, optarg, ctx, usage);
			break;
		}
		if (rc != 0)
			goto out;
	}
	if (optind < argc) {
		rc = cli_usage(ctx, "audit: unexpected argument '%s': expected options only",
			       argv[optind]);
		goto out;
	}
	/* Registry findings are informational: without a registry the audit
	 * still runs, unless one was asked for by name.  --expect NAME needs
	 * it first. */
	if ((rc = cli_open_registry_optional(ctx, &reg)) != EXIT_FOUND)
		goto out;
	for (size_t i = 0; i < nspecs && rc == 0; i++) {
		if (kinds[i] == 'e') {
			rc = add_expect(ctx, exp, reg, specs[i]);
		} else if ((st = pk_expect_load(exp, specs[i], &err)) != PK_OK) {
			rc = cli_fail(ctx, st, &err);
		}
	}
	if (rc != 0)
		goto out;

	/* Owners only show in the detail and in information-level
	 * findings, which --quiet does not print: the scan of every
	 * /proc/PID/fd is skipped then. */
	if ((rc = cli_read_host(ctx, proc_root,
				quiet && !ctx->json ? PK_SOCKETS_NO_OWNERS : 0,
				&conf, &socks)) != EXIT_FOUND)
		goto out;
	pk_audit_input in = { .conf = conf, .sockets = socks, .expect = exp,
			      .reg = reg };
	if ((st = pk_audit_run(&in, &audit, &err)) != PK_OK) {
		rc = cli_fail(ctx, st, &err);
		goto out;
	}
	if (write_path != NULL) {
		st = pk_audit_write_sysctl(audit, write_path, &err);
		if (st == PK_NOTFOUND) {
			cli_warn("%s", err.message);
		} else if (st != PK_OK) {
			/* A refused FILE (a device, a FIFO, a link) is bad
			 * input: exit 2, as the table says. */
			rc = cli_fail(ctx, st, &err);
			goto out;
		}
	}
	rc = pk_audit_count_severity(audit, PK_SEV_WARNING) +
			     pk_audit_count_severity(audit, PK_SEV_ERROR) > 0 ?
		     EXIT_FINDINGS :
		     EXIT_FOUND;
	pk_render *r = cli_render_new(ctx);
	if (r != NULL) {
		if (quiet)
			pk_render_set_flags(r, PK_RENDER_BRIEF |
					       (ctx->color ? PK_RENDER_COLOR : 0u));
		pk_render_audit(r, audit);
	}
	rc = cli_render_end(r, rc);
	if (!ctx->json && !quiet && rc != EXIT_DATA)
		print_hints(audit, write_path);
out:
	pk_audit_free(audit);
	pk_registry_close(reg);
	pk_host_sockets_free(socks);
	free(conf);
	pk_expect_list_free(exp);
	free(specs);
	free(kinds);
	return rc;
}
