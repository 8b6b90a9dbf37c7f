/* cmd_lookup.c - `portkit 443`, `portkit 53/udp`, `portkit 6000-6010`,
 * `portkit http`, `portkit kerberos/udp`: what is this port, which port is
 * this service.
 *
 * An argument whose part before the first '/' is made of digits, '-' and
 * blanks only (or is empty) is a port specification, parsed by pk_portspec_parse
 * and an error when invalid: "70000" never falls back to a name lookup.
 * Anything else is a service name (case-insensitive), optionally followed
 * by /PROTO.  Names may themselves contain '/' ("914c/g"), so a suffix that
 * is not a transport stays part of the name. */
#include <getopt.h> /* optind */
#include <stdlib.h>
#include <string.h>

#include "records.h"

/* Longest service name accepted: RFC 6335 allows 15 characters; the
 * registry's historic and services(5) names stay well below this. */
#define NAME_MAX_LEN 63

typedef struct query {
	const char *arg;
	rec_query q;
	bool is_port;
	char name[NAME_MAX_LEN + 1];
	pk_recid *ids;
	size_t n;
} query;

/* Digits, '-' and blanks only before any '/': blanks cannot be part of a
 * name, so "80 " is a port with a typo, not a service. */
static bool numeric_looking(const char *s)
{
	size_t n = strcspn(s, "/");

	return strspn(s, "0123456789- \t") == n;
}

/* Parses "tcp", "tcp,udp" into a mask; false when s is not such a list. */
static bool parse_proto_list(const char *s, unsigned *mask)
{
	unsigned m = 0;

	for (;;) {
		size_t n = strcspn(s, ",");
		pk_proto p;
		if (n == 0 || pk_proto_parse(s, n, &p, NULL) != PK_OK ||
		    p == PK_PROTO_NONE)
			return false;
		m |= PK_PROTOMASK(p);
		if (s[n] == '\0')
			break;
		s += n + 1;
	}
	*mask = m;
	return true;
}

static int parse_query(const char *arg, unsigned option_mask, query *out)
{
	memset(out, 0, sizeof *out);
	out->arg = arg;
	if (numeric_looking(arg)) {
		pk_portspec spec;
		pk_error err;
		pk_status st = pk_portspec_parse(arg, &spec, &err);
		if (st != PK_OK)
			return cli_report(st, &err);
		out->is_port = true;
		out->q.type = REC_Q_PORTS;
		out->q.lo = spec.lo;
		out->q.hi = spec.hi;
		out->q.protomask = rec_protomask(spec.protos, option_mask);
		return 0;
	}
	size_t len = strlen(arg);
	if (len > NAME_MAX_LEN) {
		cli_error("invalid service name '%.40s...' (%zu bytes): expected at most %d characters",
			  arg, len, NAME_MAX_LEN);
		return EXIT_USAGE;
	}
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)arg[i];
		if (c <= 0x20 || c >= 0x7f) {
			cli_error("invalid service name: byte 0x%02x at position %zu; expected printable ASCII without blanks",
				  c, i + 1);
			return EXIT_USAGE;
		}
	}
	unsigned own = 0;
	const char *slash = strrchr(arg, '/');
	memcpy(out->name, arg, len + 1);
	if (slash != NULL && slash != arg && parse_proto_list(slash + 1, &own))
		out->name[slash - arg] = '\0';
	out->q.type = REC_Q_NAME;
	out->q.name = out->name;
	out->q.protomask = rec_protomask(own, option_mask);
	return 0;
}

/* A row saying that a port has no record, with its class: the class is
 * part of every answer. */
static int add_empty_port_row(cli_table *t, const query *qu)
{
	char port[16];
	char cls[48];
	const char *why;

	if (qu->q.lo == qu->q.hi)
		snprintf(port, sizeof port, "%u", (unsigned)qu->q.lo);
	else
		snprintf(port, sizeof port, "%u-%u", (unsigned)qu->q.lo,
			 (unsigned)qu->q.hi);
	rec_class_text(qu->q.lo, qu->q.hi, cls, sizeof cls);
	if (pk_port_class_of(qu->q.lo) == PK_CLASS_DYNAMIC &&
	    pk_port_class_of(qu->q.hi) == PK_CLASS_DYNAMIC)
		why = "no record: Dynamic/Private ports are never assigned (RFC 6335)";
	else
		why = "no record: unassigned";
	const char *cells[REC_COLS] = { port, "-", cls, "-", why };
	return cli_table_add(t, cells);
}

static json_t *query_json(const query *qu, const pk_registry *reg)
{
	json_t *o = json_object();
	json_t *recs = json_array();
	bool ok = o != NULL && recs != NULL;

	ok = ok && json_object_set_new(o, "query", json_string(qu->arg)) == 0;
	ok = ok && json_object_set_new(o, "type", json_string(
			qu->is_port ? (qu->q.lo == qu->q.hi ? "port" : "range") :
				      "name")) == 0;
	if (qu->is_port) {
		ok = ok && json_object_set_new(o, "port_lo", json_integer(qu->q.lo)) == 0;
		ok = ok && json_object_set_new(o, "port_hi", json_integer(qu->q.hi)) == 0;
		ok = ok && json_object_set_new(o, "classes",
					       rec_classes_json(qu->q.lo, qu->q.hi)) == 0;
	} else {
		ok = ok && json_object_set_new(o, "name", json_string(qu->name)) == 0;
	}
	/* [] when the query is not restricted to some transports. */
	unsigned asked = qu->q.protomask == PK_PROTOMASK_ANY ? 0 : qu->q.protomask;
	ok = ok && json_object_set_new(o, "protocols", rec_protos_json(asked)) == 0;
	ok = ok && json_object_set_new(o, "found", json_boolean(qu->n > 0)) == 0;
	for (size_t i = 0; ok && i < qu->n; i++)
		ok = json_array_append_new(recs, rec_to_json(reg, qu->ids[i])) == 0;
	ok = ok && json_object_set(o, "records", recs) == 0;
	json_decref(recs);
	if (!ok) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static int print_json(const query *qs, int nq, const pk_registry *reg)
{
	json_t *root = json_object();
	json_t *arr = json_array();
	bool ok = root != NULL && arr != NULL &&
		  json_object_set_new(root, "registry", rec_registry_json(reg)) == 0;

	for (int i = 0; ok && i < nq; i++)
		ok = json_array_append_new(arr, query_json(&qs[i], reg)) == 0;
	ok = ok && json_object_set(root, "queries", arr) == 0;
	json_decref(arr);
	return cli_json_finish(root, ok);
}

static int print_text(const query *qs, int nq, const pk_registry *reg,
		      const cli_ctx *ctx)
{
	if (ctx->long_format) {
		bool first = true;
		for (int i = 0; i < nq; i++) {
			for (size_t j = 0; j < qs[i].n; j++) {
				if (!first)
					fputc('\n', stdout);
				first = false;
				if (rec_print_long(stdout, reg, qs[i].ids[j], ctx) != 0)
					return EXIT_DATA;
			}
			if (qs[i].n == 0 && qs[i].is_port) {
				char cls[48];
				rec_class_text(qs[i].q.lo, qs[i].q.hi, cls, sizeof cls);
				printf("%sport:   %s\nclass:  %s (RFC 6335)\nrecord: none\n",
				       first ? "" : "\n", qs[i].arg, cls);
				first = false;
			}
		}
		return 0;
	}
	cli_table *t = cli_table_new(REC_COLS);
	int rc = t == NULL || cli_table_add_header(t, rec_table_header, ctx->color) != 0;
	size_t rows = 0;
	for (int i = 0; rc == 0 && i < nq; i++) {
		for (size_t j = 0; rc == 0 && j < qs[i].n; j++, rows++)
			rc = rec_table_add(t, reg, qs[i].ids[j]);
		if (rc == 0 && qs[i].n == 0 && qs[i].is_port) {
			rc = add_empty_port_row(t, &qs[i]);
			rows++;
		}
	}
	/* Only unknown names: the messages on stderr say it all. */
	if (rc == 0 && rows > 0)
		cli_table_print(t, stdout, ctx->width);
	cli_table_free(t);
	if (rc != 0) {
		cli_error("out of memory");
		return EXIT_DATA;
	}
	return 0;
}

int cmd_lookup(int argc, char **argv, cli_ctx *ctx); /* for main.c */

int cmd_lookup(int argc, char **argv, cli_ctx *ctx)
{
	pk_registry *reg = NULL;
	query *qs = NULL;
	int nq = 0;
	int rc = 0;

	/* Options and operands mix ("portkit 443 --json"), but a negative
	 * number is an invalid port, not an option. */
	int neg = cli_negative_operand(argc, argv, NULL, NULL);
	if (neg > 0) {
		query dummy;
		return parse_query(argv[neg], 0, &dummy);
	}
	rc = cli_parse_options(argc, argv, ctx,
			       "usage: portkit [lookup] [OPTIONS] PORT|LO-HI|NAME[/PROTO]...\n"
			       "Looks ports and service names up; see portkit(1).\n");
	if (rc >= 0)
		return rc;
	rc = 0;
	if (optind >= argc) {
		cli_error("nothing to look up: expected PORT, LO-HI or NAME[/PROTO] (see portkit --help)");
		return EXIT_USAGE;
	}
	nq = argc - optind;
	qs = calloc((size_t)nq, sizeof *qs);
	if (qs == NULL) {
		cli_error("out of memory");
		return EXIT_DATA;
	}
	/* Every argument is checked before any answer, so a script gets
	 * either all answers or a clear usage error. */
	for (int i = 0; i < nq; i++) {
		int r = parse_query(argv[optind + i], ctx->protomask, &qs[i]);
		if (r > rc)
			rc = r;
	}
	if (rc != 0)
		goto out;
	rc = cli_open_registry(ctx, &reg);
	if (rc != 0)
		goto out;
	bool missing = false;
	for (int i = 0; i < nq; i++) {
		if (qs[i].q.protomask != 0) {
			rc = rec_collect(reg, &qs[i].q, &qs[i].ids, &qs[i].n);
			if (rc != 0)
				goto out;
		}
		if (qs[i].n == 0) {
			missing = true;
			if (!qs[i].is_port && !ctx->json)
				cli_error("no service named '%s'%s%s", qs[i].name,
					  strcmp(qs[i].name, qs[i].arg) != 0 ? " for " : "",
					  strcmp(qs[i].name, qs[i].arg) != 0 ?
						  qs[i].arg + strlen(qs[i].name) + 1 : "");
		}
	}
	rc = ctx->json ? print_json(qs, nq, reg) : print_text(qs, nq, reg, ctx);
	if (rc == 0 && missing)
		rc = EXIT_NOTFOUND;
out:
	for (int i = 0; qs != NULL && i < nq; i++)
		free(qs[i].ids);
	free(qs);
	pk_registry_close(reg);
	return rc;
}
