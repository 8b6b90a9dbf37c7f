/* cmd_audit.c - `portkit audit`: does this host's ephemeral port range
 * collide with the ports its services use?  Prints findings grouped by
 * severity with the exact fix; exits 0 when nothing is at warning level or
 * above, 1 when something is (for monitoring and CI). */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "records.h"

static void usage(FILE *out)
{
	fputs("usage: portkit audit [--expect SPEC[=LABEL]]... [--config FILE]...\n"
	      "                     [--write-sysctl FILE] [--quiet] [--json] [--proc-root DIR]\n\n"
	      "  -e, --expect SPEC[=LABEL]  a port or range a service uses (40000/tcp,\n"
	      "                             30000-32767/tcp=nodeports), running or not\n"
	      "  -c, --config FILE          expected ports, one 'SPEC [LABEL]' per line\n"
	      "  -w, --write-sysctl FILE    write the proposed /etc/sysctl.d snippet (atomically)\n"
	      "  -q, --quiet                print only warnings and errors, one line each\n"
	      "      --proc-root DIR        read another proc tree (as PROC_ROOT does)\n"
	      "  -j, --json                 JSON output (docs/json.md)\n\n"
	      "portkit proposes settings; it never changes them.\n"
	      "exit status: 0 nothing at warning level or above, 1 findings,\n"
	      "2 usage or invalid input, 3 system error.\n", out);
}

/* "40000/tcp=billing" -> spec and label. */
static int add_expect(pk_expect_list *l, const char *arg)
{
	char spec[64];
	const char *eq = strchr(arg, '=');
	size_t n = eq ? (size_t)(eq - arg) : strlen(arg);
	pk_error err;
	pk_status st;

	if (n >= sizeof spec) {
		cli_error("invalid port '%.40s...': expected PORT, LO-HI or SPEC/PROTO",
			  arg);
		return EXIT_USAGE;
	}
	memcpy(spec, arg, n);
	spec[n] = '\0';
	/* "SPEC=" is a label forgotten, not "no label" (that is plain SPEC) */
	if (eq != NULL && eq[1] == '\0') {
		cli_error("invalid --expect '%.60s': empty label after '=': expected SPEC=LABEL or SPEC alone",
			  arg);
		return EXIT_USAGE;
	}
	st = pk_expect_add(l, spec, eq ? eq + 1 : "", &err);
	return st == PK_OK ? 0 : cli_report(st, &err);
}

static const char *sev_color(pk_severity sev)
{
	switch (sev) {
	case PK_SEV_ERROR:
		return "\033[1;31m";
	case PK_SEV_WARNING:
		return "\033[1;33m";
	default:
		return "\033[1;36m";
	}
}

/* Prints text with every line indented. */
static void print_indented(const char *text, const char *indent)
{
	while (*text != '\0') {
		size_t n = strcspn(text, "\n");
		printf("%s%.*s\n", indent, (int)n, text);
		text += n;
		if (*text == '\n')
			text++;
	}
}

static void print_header(const pk_host_portconf *conf,
			 const pk_host_sockets *socks)
{
	if (conf->have_range)
		printf("ephemeral range   %u-%u (net.ipv4.ip_local_port_range)\n",
		       conf->ephemeral_lo, conf->ephemeral_hi);
	else
		printf("ephemeral range   not readable\n");
	if (conf->have_reserved) {
		char buf[256];
		size_t need = pk_portset_format(&conf->reserved, buf, sizeof buf);
		printf("reserved ports    %s%s\n", need == 0 ? "none" : buf,
		       need >= sizeof buf ? ",..." : "");
	}
	if (conf->have_unprivileged)
		printf("unprivileged from %u (net.ipv4.ip_unprivileged_port_start)\n",
		       conf->unprivileged_start);
	if (socks != NULL) {
		pk_host_sockets_info info;
		pk_host_sockets_get_info(socks, &info);
		printf("sockets           %zu listening or bound, %u outgoing connections (%s)\n",
		       pk_host_sockets_count(socks), info.outbound, info.source);
	}
}

static void print_human(const pk_audit *a, const pk_host_portconf *conf,
			const pk_host_sockets *socks, const cli_ctx *ctx)
{
	static const char *const titles[] = { "", "INFO", "WARNINGS", "ERRORS" };

	print_header(conf, socks);
	for (int sev = PK_SEV_ERROR; sev >= PK_SEV_INFO; sev--) {
		size_t count = pk_audit_count_severity(a, (pk_severity)sev);
		if (count == 0)
			continue;
		printf("\n%s%s (%zu)%s\n", ctx->color ? sev_color((pk_severity)sev) : "",
		       titles[sev], count, ctx->color ? "\033[0m" : "");
		for (size_t i = 0; i < pk_audit_count(a); i++) {
			const pk_audit_finding *f = pk_audit_get(a, i);
			if ((int)f->severity != sev)
				continue;
			printf("* %s [%s]\n", f->summary, pk_audit_kind_name(f->kind));
			print_indented(f->evidence, "    ");
			if (f->fix[0] != '\0') {
				printf("  fix:\n");
				print_indented(f->fix, "    ");
			}
		}
	}
	const char *snippet = pk_audit_sysctl_snippet(a);
	if (snippet[0] != '\0') {
		printf("\nPROPOSED SETTINGS (portkit changes nothing itself)\n");
		print_indented(pk_audit_sysctl_commands(a), "  ");
		printf("  sysctl.d snippet (portkit audit --write-sysctl FILE writes it):\n");
		print_indented(snippet, "    ");
	}
	printf("\n%zu error%s, %zu warning%s, %zu info\n",
	       pk_audit_count_severity(a, PK_SEV_ERROR),
	       pk_audit_count_severity(a, PK_SEV_ERROR) == 1 ? "" : "s",
	       pk_audit_count_severity(a, PK_SEV_WARNING),
	       pk_audit_count_severity(a, PK_SEV_WARNING) == 1 ? "" : "s",
	       pk_audit_count_severity(a, PK_SEV_INFO));
}

static void print_quiet(const pk_audit *a)
{
	for (size_t i = 0; i < pk_audit_count(a); i++) {
		const pk_audit_finding *f = pk_audit_get(a, i);
		if (f->severity >= PK_SEV_WARNING)
			printf("%s: %s [%s]\n", pk_severity_name(f->severity),
			       f->summary, pk_audit_kind_name(f->kind));
	}
}

static json_t *range_json(bool have, uint16_t lo, uint16_t hi)
{
	return have ? json_pack("{s:i,s:i}", "lo", lo, "hi", hi) : json_null();
}

static int print_json(const pk_audit *a, const pk_host_portconf *conf,
		      const pk_host_sockets *socks, const pk_expect_list *exp)
{
	json_t *root = json_object();
	json_t *host = json_object();

	json_object_set_new(root, "host", host);
	json_object_set_new(host, "ephemeral_range",
			    range_json(conf->have_range, conf->ephemeral_lo,
				       conf->ephemeral_hi));
	if (conf->have_reserved) {
		size_t need = pk_portset_format(&conf->reserved, NULL, 0);
		char *buf = malloc(need + 1);
		if (buf == NULL) {
			json_decref(root);
			cli_error("out of memory");
			return EXIT_DATA;
		}
		pk_portset_format(&conf->reserved, buf, need + 1);
		json_object_set_new(host, "reserved_ports", json_string(buf));
		free(buf);
	} else {
		json_object_set_new(host, "reserved_ports", json_null());
	}
	json_object_set_new(host, "unprivileged_port_start",
			    conf->have_unprivileged ?
				    json_integer(conf->unprivileged_start) :
				    json_null());
	if (socks != NULL) {
		pk_host_sockets_info info;
		pk_host_sockets_get_info(socks, &info);
		json_t *missing = json_array();
		static const char *const names[] = { "tcp", "tcp6", "udp", "udp6" };
		for (unsigned i = 0; i < 4; i++)
			if (info.missing & (1u << i))
				json_array_append_new(missing, json_string(names[i]));
		json_object_set_new(host, "sockets",
				    json_pack("{s:s,s:I,s:I,s:I,s:I,s:o,s:b}",
					      "source", info.source,
					      "listening", (json_int_t)pk_host_sockets_count(socks),
					      "outbound", (json_int_t)info.outbound,
					      "owners_unknown", (json_int_t)info.owners_unknown,
					      "processes_denied", (json_int_t)info.procs_denied,
					      "tables_missing", missing,
					      "process_scan_truncated", info.procs_truncated));
	} else {
		json_object_set_new(host, "sockets", json_null());
	}

	json_t *expected = json_array();
	for (size_t i = 0; exp != NULL && i < pk_expect_count(exp); i++) {
		const pk_expect *e = pk_expect_get(exp, i);
		json_array_append_new(expected,
				      json_pack("{s:i,s:i,s:o,s:s,s:s}", "lo", e->lo,
						"hi", e->hi, "protos", rec_protos_json(e->protos),
						"label", e->label, "origin", e->origin));
	}
	json_object_set_new(root, "expected", expected);

	json_t *findings = json_array();
	for (size_t i = 0; i < pk_audit_count(a); i++) {
		const pk_audit_finding *f = pk_audit_get(a, i);
		json_array_append_new(
			findings,
			json_pack("{s:s,s:s,s:o,s:o,s:o,s:s,s:s,s:s}",
				  "kind", pk_audit_kind_name(f->kind),
				  "severity", pk_severity_name(f->severity),
				  "proto", f->proto == PK_PROTO_NONE ? json_null() :
						json_string(pk_proto_name(f->proto)),
				  "port_lo", f->has_port ? json_integer(f->port_lo) : json_null(),
				  "port_hi", f->has_port ? json_integer(f->port_hi) : json_null(),
				  "summary", f->summary, "evidence", f->evidence,
				  "fix", f->fix));
	}
	json_object_set_new(root, "findings", findings);
	json_object_set_new(root, "counts",
			    json_pack("{s:I,s:I,s:I}",
				      "error", (json_int_t)pk_audit_count_severity(a, PK_SEV_ERROR),
				      "warning", (json_int_t)pk_audit_count_severity(a, PK_SEV_WARNING),
				      "info", (json_int_t)pk_audit_count_severity(a, PK_SEV_INFO)));
	uint16_t lo = 0, hi = 0;
	bool have = pk_audit_proposed_range(a, &lo, &hi);
	const char *res = pk_audit_proposed_reserved(a);
	json_object_set_new(root, "proposed",
			    json_pack("{s:o,s:o,s:s,s:s}",
				      "ip_local_reserved_ports",
				      res[0] ? json_string(res) : json_null(),
				      "ip_local_port_range", range_json(have, lo, hi),
				      "commands", pk_audit_sysctl_commands(a),
				      "sysctl_snippet", pk_audit_sysctl_snippet(a)));
	return cli_json_print(root);
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
	bool quiet = false;
	pk_error err;
	pk_status st;
	int rc = EXIT_FOUND;
	int opt;

	if (pk_expect_list_new(&exp, NULL) != PK_OK) {
		cli_error("out of memory");
		return EXIT_DATA;
	}
	optind = 1;
	while ((opt = getopt_long(argc, argv, "e:c:w:qh" CLI_COMMON_SHORTOPTS,
				  longopts, NULL)) != -1) {
		switch (opt) {
		case 'e':
			rc = add_expect(exp, optarg);
			break;
		case 'c':
			st = pk_expect_load(exp, optarg, &err);
			rc = st == PK_OK ? 0 : cli_report(st, &err);
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
		cli_error("audit: unexpected argument '%s': expected options only",
			  argv[optind]);
		rc = EXIT_USAGE;
		goto out;
	}

	/* Owners only show in evidence and in information-level findings,
	 * which --quiet does not print: the scan of every /proc/PID/fd is
	 * skipped then. */
	if ((rc = cli_read_host(proc_root,
				quiet && !ctx->json ? PK_SOCKETS_NO_OWNERS : 0,
				&conf, &socks)) != EXIT_FOUND)
		goto out;
	/* Registry findings are informational: without a registry the audit
	 * still runs, unless one was asked for by name. */
	if ((rc = cli_open_registry_optional(ctx, &reg)) != EXIT_FOUND)
		goto out;

	pk_audit_input in = { .conf = conf, .sockets = socks, .expect = exp,
			      .reg = reg };
	if ((st = pk_audit_run(&in, &audit, &err)) != PK_OK) {
		rc = cli_report(st, &err);
		goto out;
	}
	if (write_path != NULL) {
		st = pk_audit_write_sysctl(audit, write_path, &err);
		if (st == PK_NOTFOUND) {
			cli_warn("%s", err.message);
		} else if (st != PK_OK) {
			cli_report(st, &err);
			rc = EXIT_DATA;
			goto out;
		}
	}
	if (ctx->json)
		rc = print_json(audit, conf, socks, exp);
	else if (quiet)
		print_quiet(audit);
	else
		print_human(audit, conf, socks, ctx);
	if (rc == 0)
		rc = pk_audit_count_severity(audit, PK_SEV_WARNING) +
				     pk_audit_count_severity(audit, PK_SEV_ERROR) > 0 ?
			     EXIT_NOTFOUND :
			     EXIT_FOUND;
out:
	pk_audit_free(audit);
	pk_registry_close(reg);
	pk_host_sockets_free(socks);
	free(conf);
	pk_expect_list_free(exp);
	return rc;
}
