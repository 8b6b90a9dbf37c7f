/* cmd_pick.c - `portkit pick`: suggest ports that satisfy every
 * constraint, one line per port with the reasons (docs/pick.md). */
#include <getopt.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "records.h"

int cmd_pick(int argc, char **argv, cli_ctx *ctx);

enum {
	OPT_CLASS = 0x2001,
	OPT_AVOID_OS,
	OPT_ALLOW_ASSIGNED,
	OPT_ALLOW_UNOFFICIAL,
	OPT_NO_HOST_CHECK
};

#define MAX_COUNT 65535

static void usage(FILE *out)
{
	fputs("usage: portkit pick [--count N] [--proto tcp,udp] [--range LO-HI | --class user|dynamic]\n"
	      "                    [--near PORT | --name SERVICE] [--avoid-os LIST] [--allow-assigned]\n"
	      "                    [--allow-unofficial] [--no-host-check] [--json]\n"
	      "Suggests ports free of IANA assignments, known unofficial uses, OS ephemeral\n"
	      "ranges and this host's sockets.  LIST: common (default), all, none, or ids\n"
	      "such as linux,windows,macos,freebsd.  Exit status: 0 found, 1 no acceptable\n"
	      "port, 2 usage, 3 system error.\n", out);
}

/* A count is not a port: 1-65535, decimal digits only. */
static int parse_count(const char *s, size_t *out)
{
	size_t n = 0;

	if (s[0] == '\0' || strlen(s) > 5 || strspn(s, "0123456789") != strlen(s))
		goto bad;
	for (const char *p = s; *p != '\0'; p++)
		n = n * 10 + (size_t)(*p - '0');
	if (n < 1 || n > MAX_COUNT)
		goto bad;
	*out = n;
	return 0;
bad:
	cli_error("invalid count '%s': expected 1-%d", s, MAX_COUNT);
	return EXIT_USAGE;
}

static json_t *bound_json(unsigned bound)
{
	json_t *arr = json_array();

	for (unsigned proto = PK_PROTO_TCP; proto < PK_PROTO_COUNT; proto++)
		for (int v6 = 0; v6 <= 1; v6++)
			if (bound & PK_PICK_BOUND(proto, v6)) {
				char s[32];
				snprintf(s, sizeof s, "%s/%s",
					 pk_proto_name((pk_proto)proto),
					 v6 ? "::" : "0.0.0.0");
				json_array_append_new(arr, json_string(s));
			}
	return arr;
}

typedef struct pick_opts {
	size_t count;
	unsigned protos;
	uint16_t lo, hi;
	bool has_near;
	uint16_t near;
	const char *name;
	const char *avoid_os;
	unsigned flags;
} pick_opts;

static int print_json(const pk_pick *pick, const pick_opts *o,
		      const pk_registry *reg, const pk_pick_result *res,
		      size_t n)
{
	json_t *root = json_object(), *ports = json_array(), *c = json_object();
	pk_pick_stats stats;

	pk_pick_get_stats(pick, &stats);
	json_object_set_new(c, "count", json_integer((json_int_t)o->count));
	json_object_set_new(c, "protos", rec_protos_json(o->protos));
	json_object_set_new(c, "range", json_pack("[ii]", o->lo, o->hi));
	json_object_set_new(c, "near", o->has_near ? json_integer(o->near) : json_null());
	json_object_set_new(c, "name", o->name ? json_string(o->name) : json_null());
	json_object_set_new(c, "avoid_os", json_string(o->avoid_os));
	json_object_set_new(c, "allow_assigned",
			    json_boolean(o->flags & PK_PICK_ALLOW_ASSIGNED));
	json_object_set_new(c, "allow_unofficial",
			    json_boolean(o->flags & PK_PICK_ALLOW_UNOFFICIAL));
	json_object_set_new(c, "host_check",
			    json_boolean(!(o->flags & PK_PICK_NO_HOST_CHECK)));
	json_object_set_new(root, "constraints", c);
	json_object_set_new(root, "registry", rec_registry_json(reg));
	json_object_set_new(root, "host_range",
			    stats.host_checked && stats.host_range_known ?
				    json_pack("[ii]", stats.host_lo, stats.host_hi) :
				    json_null());
	for (size_t i = 0; i < n; i++) {
		json_t *p = json_object(), *why = json_array();
		char expl[1024];
		for (unsigned b = 0; b < PK_PICK_WHY_COUNT; b++)
			if (res[i].why & (1u << b))
				json_array_append_new(why, json_string(pk_pick_why_name(1u << b)));
		pk_pick_explain(pick, &res[i], expl, sizeof expl);
		json_object_set_new(p, "port", json_integer(res[i].port));
		json_object_set_new(p, "why", why);
		json_object_set_new(p, "bound", bound_json(res[i].bound));
		json_object_set_new(p, "distance", o->has_near ?
				    json_integer(res[i].distance) : json_null());
		json_object_set_new(p, "sequence", o->name != NULL ?
				    json_integer(res[i].sequence) : json_null());
		json_object_set_new(p, "explanation", json_string(expl));
		json_object_set_new(p, "system_port", json_boolean(res[i].port < 1024));
		json_array_append_new(ports, p);
	}
	json_object_set_new(root, "ports", ports);
	json_object_set_new(root, "unchecked", bound_json(stats.unchecked));
	return cli_json_print(root);
}

static int print_table(const pk_pick *pick, const cli_ctx *ctx,
		       const pk_pick_result *res, size_t n)
{
	cli_table *t = cli_table_new(2);
	bool ok = t != NULL;

	for (size_t i = 0; ok && i < n; i++) {
		char port[8], expl[1024];
		snprintf(port, sizeof port, "%u", res[i].port);
		pk_pick_explain(pick, &res[i], expl, sizeof expl);
		const char *cells[2] = { port, expl };
		ok = cli_table_add(t, cells) == 0;
	}
	return cli_table_finish(t, ok, ctx->width);
}

int cmd_pick(int argc, char **argv, cli_ctx *ctx)
{
	static const struct option longopts[] = {
		{ "count", required_argument, NULL, 'c' },
		{ "range", required_argument, NULL, 'r' },
		{ "class", required_argument, NULL, OPT_CLASS },
		{ "near", required_argument, NULL, 'n' },
		{ "name", required_argument, NULL, 'N' },
		{ "avoid-os", required_argument, NULL, OPT_AVOID_OS },
		{ "allow-assigned", no_argument, NULL, OPT_ALLOW_ASSIGNED },
		{ "allow-unofficial", no_argument, NULL, OPT_ALLOW_UNOFFICIAL },
		{ "no-host-check", no_argument, NULL, OPT_NO_HOST_CHECK },
		{ "help", no_argument, NULL, 'h' },
		CLI_COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 }
	};
	pick_opts o = { .count = 1, .avoid_os = "common" };
	const char *range_arg = NULL, *class_arg = NULL;
	pk_registry *reg = NULL;
	pk_pick *pick = NULL;
	pk_pick_result *res = NULL;
	pk_error err;
	pk_status st;
	size_t found = 0;
	int rc, opt;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "c:r:n:N:h" CLI_COMMON_SHORTOPTS,
				  longopts, NULL)) != -1) {
		switch (opt) {
		case 'c':
			if ((rc = parse_count(optarg, &o.count)) != 0)
				return rc;
			break;
		case 'r':
			range_arg = optarg;
			break;
		case OPT_CLASS:
			class_arg = optarg;
			break;
		case 'n':
			if (pk_port_parse(optarg, &o.near, &err) != PK_OK)
				return cli_report(PK_INVAL, &err);
			o.has_near = true;
			break;
		case 'N':
			o.name = optarg;
			break;
		case OPT_AVOID_OS:
			o.avoid_os = optarg;
			break;
		case OPT_ALLOW_ASSIGNED:
			o.flags |= PK_PICK_ALLOW_ASSIGNED;
			break;
		case OPT_ALLOW_UNOFFICIAL:
			o.flags |= PK_PICK_ALLOW_UNOFFICIAL;
			break;
		case OPT_NO_HOST_CHECK:
			o.flags |= PK_PICK_NO_HOST_CHECK;
			break;
		case 'h':
			usage(stdout);
			return EXIT_FOUND;
		default:
			if ((rc = cli_other_option(opt, optarg, ctx, usage)) != 0)
				return rc;
		}
	}
	if ((rc = cli_no_operands(argc, argv, "pick")) != 0) {
		usage(stderr);
		return rc;
	}
	if (range_arg != NULL && class_arg != NULL) {
		cli_error("pick: --range and --class exclude each other");
		return EXIT_USAGE;
	}
	if (o.has_near && o.name != NULL) {
		cli_error("pick: --near and --name exclude each other");
		return EXIT_USAGE;
	}
	o.protos = ctx->protomask != 0 ? ctx->protomask & PK_PROTOMASK_TRANSPORTS :
		   PK_PROTOMASK(PK_PROTO_TCP) | PK_PROTOMASK(PK_PROTO_UDP);
	if (o.protos == 0) {
		cli_error("pick: invalid transport: expected tcp, udp, sctp or dccp");
		return EXIT_USAGE;
	}
	pk_port_class_bounds(PK_CLASS_USER, &o.lo, &o.hi);
	if (range_arg != NULL) {
		pk_portspec spec;
		if (pk_portspec_parse(range_arg, &spec, &err) != PK_OK)
			return cli_report(PK_INVAL, &err);
		if (spec.protos != 0) {
			cli_error("invalid range '%s': expected LO-HI without a transport (use --proto)",
				  range_arg);
			return EXIT_USAGE;
		}
		o.lo = spec.lo;
		o.hi = spec.hi;
	} else if (class_arg != NULL) {
		pk_port_class cls;
		if (strcmp(class_arg, "user") == 0)
			cls = PK_CLASS_USER;
		else if (strcmp(class_arg, "dynamic") == 0)
			cls = PK_CLASS_DYNAMIC;
		else {
			cli_error("invalid class '%s': expected user or dynamic",
				  class_arg);
			return EXIT_USAGE;
		}
		pk_port_class_bounds(cls, &o.lo, &o.hi);
	}

	if ((rc = cli_open_registry(ctx, &reg)) != 0)
		return rc;
	st = pk_pick_new(reg, &pick, &err);
	if (st == PK_OK)
		st = pk_pick_set_protos(pick, o.protos, &err);
	if (st == PK_OK)
		st = pk_pick_set_range(pick, o.lo, o.hi, &err);
	if (st == PK_OK && o.name != NULL)
		st = pk_pick_set_name(pick, o.name, &err);
	if (st == PK_OK)
		st = pk_pick_avoid_os(pick, o.avoid_os, &err);
	if (st != PK_OK) {
		rc = cli_report(st, &err);
		goto out;
	}
	if (o.has_near)
		pk_pick_set_near(pick, o.near);
	pk_pick_set_flags(pick, o.flags);
	if (o.lo == 0)
		o.lo = 1; /* as the library does: port 0 is never picked */

	res = calloc(o.count, sizeof *res);
	if (res == NULL) {
		cli_error("out of memory");
		rc = EXIT_DATA;
		goto out;
	}
	st = pk_pick_run(pick, o.count, res, &found, &err);
	if (st == PK_EXHAUSTED) {
		/* Fewer ports than asked for is no answer: a script would
		 * otherwise go on with too few. */
		pk_pick_stats stats;
		cli_error("%s", err.message);
		pk_pick_get_stats(pick, &stats);
		if (stats.os_ephemeral > 0)
			cli_error("hint: --avoid-os with the systems the service will run on (or none) leaves more ports");
		rc = EXIT_NOTFOUND;
		goto out;
	}
	if (st != PK_OK) {
		rc = cli_report(st, &err);
		goto out;
	}
	/* A System port is no free choice: IANA assigns them only through
	 * IETF Review or IESG Approval, and binding one takes privilege.
	 * Asked for by --range, they are given, with a warning. */
	size_t nsys = 0;
	for (size_t i = 0; i < found; i++)
		nsys += res[i].port < 1024;
	if (nsys > 0)
		cli_warn("%zu of the %zu port(s) chosen %s System port(s) (0-1023): assigned only "
			 "through IETF Review or IESG Approval (RFC 6335 §8.1.2), and binding one "
			 "needs root (CAP_NET_BIND_SERVICE on Linux)", nsys, found,
			 nsys == 1 ? "is a" : "are");
	rc = ctx->json ? print_json(pick, &o, reg, res, found) :
			 print_table(pick, ctx, res, found);
out:
	free(res);
	pk_pick_free(pick);
	pk_registry_close(reg);
	return rc;
}
