/* cmd_ranges.c - `portkit ranges`: operating systems' default ephemeral
 * port ranges (--os ID for one), or this host's live settings (--host). */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"

int cmd_ranges(int argc, char **argv, cli_ctx *ctx);

static void usage(FILE *out)
{
	fputs("usage: portkit ranges [--os ID | --host] [--long] [--json]\n"
	      "  --os ID   one profile (linux, windows, macos, freebsd, ...)\n"
	      "  --host    this host's ip_local_port_range, reserved ports and\n"
	      "            ip_unprivileged_port_start (PROC_ROOT is honoured)\n"
	      "  --long    show where each range comes from\n", out);
}

/* "User+Dynamic": the RFC 6335 classes a range overlaps. */
static void classes_of(uint16_t lo, uint16_t hi, char *buf, size_t size)
{
	buf[0] = '\0';
	for (int c = PK_CLASS_SYSTEM; c <= PK_CLASS_DYNAMIC; c++) {
		uint16_t clo, chi;
		pk_port_class_bounds((pk_port_class)c, &clo, &chi);
		if (lo <= chi && hi >= clo) {
			const char *name = c == PK_CLASS_DYNAMIC ? "Dynamic" :
					   pk_port_class_name((pk_port_class)c);
			if (buf[0] != '\0')
				strncat(buf, "+", size - strlen(buf) - 1);
			strncat(buf, name, size - strlen(buf) - 1);
		}
	}
}

static json_t *profile_json(const pk_os_profile *p)
{
	json_t *classes = json_array();

	for (int c = PK_CLASS_SYSTEM; c <= PK_CLASS_DYNAMIC; c++) {
		uint16_t clo, chi;
		pk_port_class_bounds((pk_port_class)c, &clo, &chi);
		if (p->lo <= chi && p->hi >= clo)
			json_array_append_new(classes, json_string(
				c == PK_CLASS_SYSTEM ? "system" :
				c == PK_CLASS_USER ? "user" : "dynamic"));
	}
	return json_pack("{s:s, s:s, s:i, s:i, s:i, s:b, s:o, s:s}",
			 "id", p->id, "name", p->name, "lo", (int)p->lo,
			 "hi", (int)p->hi, "ports", (int)(p->hi - p->lo + 1),
			 "common", (int)p->common, "classes", classes,
			 "source", p->source);
}

static int list_profiles(const pk_os_profile *only, const cli_ctx *ctx)
{
	size_t n;
	const pk_os_profile *t = pk_os_profiles(&n);
	bool ok = true;

	if (ctx->json) {
		json_t *arr = json_array();
		for (size_t i = 0; i < n; i++)
			if (only == NULL || &t[i] == only)
				json_array_append_new(arr, profile_json(&t[i]));
		return cli_json_print(json_pack("{s:o}", "profiles", arr));
	}
	if (only != NULL) {
		char range[16], ports[8], classes[40];
		snprintf(range, sizeof range, "%u-%u", only->lo, only->hi);
		snprintf(ports, sizeof ports, "%u", only->hi - only->lo + 1);
		classes_of(only->lo, only->hi, classes, sizeof classes);
		cli_table *tb = cli_table_new(2);
		const char *rows[][2] = {
			{ "id", only->id }, { "name", only->name },
			{ "range", range }, { "ports", ports },
			{ "classes", classes },
			{ "common", only->common ? "yes (avoided by `portkit pick`)" : "no" },
			{ "source", only->source },
		};
		for (size_t i = 0; tb && i < sizeof rows / sizeof rows[0]; i++)
			ok = ok && cli_table_add(tb, rows[i]) == 0;
		return cli_table_finish(tb, ok, ctx->width);
	}
	unsigned ncols = ctx->long_format ? 7 : 6;
	cli_table *tb = cli_table_new(ncols);
	const char *head[] = { "ID", "RANGE", "PORTS", "CLASSES", "COMMON", "NAME", "SOURCE" };
	ok = tb != NULL && cli_table_add(tb, head) == 0;
	for (size_t i = 0; ok && i < n; i++) {
		char range[16], ports[8], classes[40];
		snprintf(range, sizeof range, "%u-%u", t[i].lo, t[i].hi);
		snprintf(ports, sizeof ports, "%u", t[i].hi - t[i].lo + 1);
		classes_of(t[i].lo, t[i].hi, classes, sizeof classes);
		const char *row[] = { t[i].id, range, ports, classes,
				      t[i].common ? "yes" : "", t[i].name, t[i].source };
		ok = cli_table_add(tb, row) == 0;
	}
	return cli_table_finish(tb, ok, ctx->width);
}

static int show_host(const cli_ctx *ctx)
{
	pk_host_portconf conf;
	pk_error err;
	pk_status st = pk_host_portconf_read(NULL, &conf, &err);
	const char *root = getenv("PROC_ROOT");
	size_t n;
	const pk_os_profile *t = pk_os_profiles(&n);
	char reserved[4096] = "";
	uint32_t in_range = 0;

	if (st != PK_OK) {
		cli_report(st, &err);
		return EXIT_DATA;
	}
	if (root == NULL || root[0] == '\0')
		root = "/proc";
	if (!conf.have_range && !conf.have_reserved && !conf.have_unprivileged) {
		cli_error("no port settings found under %s/sys/net/ipv4", root);
		return EXIT_NOTFOUND;
	}
	if (conf.have_reserved) {
		size_t need = pk_portset_format(&conf.reserved, reserved, sizeof reserved);
		if (need >= sizeof reserved)
			strcpy(reserved + sizeof reserved - 5, "...");
		if (conf.have_range)
			in_range = pk_portset_count(&conf.reserved, conf.ephemeral_lo,
						    conf.ephemeral_hi);
	}

	if (ctx->json) {
		json_t *h = json_object(), *matches = json_array();
		json_object_set_new(h, "ip_local_port_range", conf.have_range ?
			json_pack("{s:i, s:i, s:i}", "lo", (int)conf.ephemeral_lo,
				  "hi", (int)conf.ephemeral_hi, "ports",
				  (int)(conf.ephemeral_hi - conf.ephemeral_lo + 1)) :
			json_null());
		json_object_set_new(h, "ip_local_reserved_ports",
				    conf.have_reserved ? json_string(reserved) : json_null());
		json_object_set_new(h, "reserved_in_range", json_integer(in_range));
		json_object_set_new(h, "ip_unprivileged_port_start", conf.have_unprivileged ?
				    json_integer(conf.unprivileged_start) : json_null());
		for (size_t i = 0; conf.have_range && i < n; i++)
			if (t[i].lo == conf.ephemeral_lo && t[i].hi == conf.ephemeral_hi)
				json_array_append_new(matches, json_string(t[i].id));
		json_object_set_new(h, "matches", matches);
		return cli_json_print(json_pack("{s:o}", "host", h));
	}

	cli_table *tb = cli_table_new(2);
	char range[128] = "unavailable", res[4200] = "unavailable", unpriv[16] = "unavailable";
	char match[256] = "";
	if (conf.have_range) {
		unsigned count = conf.ephemeral_hi - conf.ephemeral_lo + 1;
		snprintf(range, sizeof range, "%u-%u (%u ports%s)", conf.ephemeral_lo,
			 conf.ephemeral_hi, count,
			 count % 2 ? "; odd count: Linux prefers LO and HI of different parity" : "");
		for (size_t i = 0; i < n; i++)
			if (t[i].lo == conf.ephemeral_lo && t[i].hi == conf.ephemeral_hi) {
				if (match[0] != '\0')
					strncat(match, ", ", sizeof match - strlen(match) - 1);
				strncat(match, t[i].id, sizeof match - strlen(match) - 1);
			}
	}
	if (conf.have_reserved)
		snprintf(res, sizeof res, "%s (%u in the range)",
			 reserved[0] ? reserved : "none", in_range);
	if (conf.have_unprivileged)
		snprintf(unpriv, sizeof unpriv, "%u", conf.unprivileged_start);
	const char *rows[][2] = {
		{ "ip_local_port_range", range },
		{ "ip_local_reserved_ports", res },
		{ "ip_unprivileged_port_start", unpriv },
		{ "same as profile", match[0] ? match : "none" },
	};
	bool ok = true;
	for (size_t i = 0; tb && i < sizeof rows / sizeof rows[0]; i++)
		ok = ok && cli_table_add(tb, rows[i]) == 0;
	return cli_table_finish(tb, ok, ctx->width);
}

int cmd_ranges(int argc, char **argv, cli_ctx *ctx)
{
	enum { OPT_OS = 0x2001, OPT_HOST };
	static const struct option longopts[] = {
		{ "os", required_argument, NULL, OPT_OS },
		{ "host", no_argument, NULL, OPT_HOST },
		{ "help", no_argument, NULL, 'h' },
		CLI_COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 }
	};
	const char *os = NULL;
	bool host = false;
	int opt, rc;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "h" CLI_COMMON_SHORTOPTS, longopts, NULL)) != -1) {
		switch (opt) {
		case OPT_OS:
			os = optarg;
			break;
		case OPT_HOST:
			host = true;
			break;
		case 'h':
			usage(stdout);
			return EXIT_FOUND;
		default:
			if ((rc = cli_common_option(opt, optarg, ctx)) != 0) {
				usage(stderr);
				return rc;
			}
		}
	}
	if ((rc = cli_no_operands(argc, argv, "ranges")) != 0)
		return rc;
	if (os != NULL && host) {
		cli_error("ranges: --os and --host exclude each other");
		return EXIT_USAGE;
	}
	if (host)
		return show_host(ctx);
	if (os != NULL) {
		const pk_os_profile *p = pk_os_profile_find(os);
		if (p == NULL) {
			size_t n;
			const pk_os_profile *t = pk_os_profiles(&n);
			char ids[512] = "";
			for (size_t i = 0; i < n; i++) {
				if (i > 0)
					strncat(ids, ", ", sizeof ids - strlen(ids) - 1);
				strncat(ids, t[i].id, sizeof ids - strlen(ids) - 1);
			}
			cli_error("unknown OS profile '%s': expected one of %s", os, ids);
			return EXIT_USAGE;
		}
		return list_profiles(p, ctx);
	}
	return list_profiles(NULL, ctx);
}
