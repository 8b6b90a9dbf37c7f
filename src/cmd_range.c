/* cmd_range.c - `portkit range LO-HI [--assigned|--unassigned]`: the
 * records of a port range, only the IANA assignments in it, or the ports
 * in it that have no assignment (pk_unassigned_runs, by the port-use rule
 * of docs/registry.md).  Without --proto, --unassigned answers for tcp and
 * udp, the transports nearly every question is about. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "records.h"

enum filter { F_ALL, F_ASSIGNED, F_UNASSIGNED };
static const char *const filter_names[] = { "all", "assigned", "unassigned" };

/* IANA's named records (its origins, PK_ORIGINMASK_IANA), historic
 * aliases included: a list of records, not the state of a port. */
static bool is_assignment(const pk_registry *reg, pk_recid id)
{
	pk_record r;

	return pk_record_get(reg, id, &r) == PK_OK && r.kind == PK_KIND_ASSIGNED &&
	       r.origin < 32 && (PK_ORIGINMASK(r.origin) & PK_ORIGINMASK_IANA);
}

static int print_runs_text(const pk_port_runs *r, unsigned mask, uint16_t lo,
			   uint16_t hi, const cli_ctx *ctx)
{
	static const char *const header[4] = { "PORTS", "PROTO", "CLASS", "COUNT" };
	cli_table *t = cli_table_new(4);
	int rc = t == NULL || cli_table_add_header(t, header, ctx->color) != 0;

	size_t nruns = pk_port_runs_count(r);
	for (size_t i = 0; rc == 0 && i < nruns; i++) {
		char ports[16], cls[48], count[16];
		const pk_port_run *x = pk_port_runs_get(r, i);
		if (x->lo == x->hi)
			snprintf(ports, sizeof ports, "%u", (unsigned)x->lo);
		else
			snprintf(ports, sizeof ports, "%u-%u", (unsigned)x->lo,
				 (unsigned)x->hi);
		rec_class_text(x->lo, x->hi, cls, sizeof cls);
		snprintf(count, sizeof count, "%u", (unsigned)(x->hi - x->lo) + 1);
		const char *cells[4] = { ports, pk_proto_name(x->proto), cls, count };
		rc = cli_table_add(t, cells);
	}
	if (rc != 0) {
		cli_table_free(t);
		cli_error("out of memory");
		return EXIT_DATA;
	}
	if (nruns > 0)
		cli_table_print(t, stdout, ctx->width);
	cli_table_free(t);
	printf("%sunassigned in %u-%u:", nruns > 0 ? "\n" : "", (unsigned)lo,
	       (unsigned)hi);
	const char *sep = " ";
	for (int p = PK_PROTO_TCP; p <= PK_PROTO_DCCP; p++)
		if (mask & PK_PROTOMASK(p)) {
			printf("%s%s %u of %u", sep, pk_proto_name((pk_proto)p),
			       (unsigned)pk_port_runs_total(r, (pk_proto)p),
			       (unsigned)(hi - lo) + 1);
			sep = ", ";
		}
	fputc('\n', stdout);
	return 0;
}

static int print_json(const pk_registry *reg, uint16_t lo, uint16_t hi,
		      unsigned asked, enum filter f, const pk_recid *ids,
		      size_t n, const pk_port_runs *r, unsigned runmask)
{
	json_t *root = json_object();
	json_t *recs = json_array();
	bool ok = root != NULL && recs != NULL;

	ok = ok && json_object_set_new(root, "registry", rec_registry_json(reg)) == 0;
	ok = ok && json_object_set_new(root, "port_lo", json_integer(lo)) == 0;
	ok = ok && json_object_set_new(root, "port_hi", json_integer(hi)) == 0;
	ok = ok && json_object_set_new(root, "classes", rec_classes_json(lo, hi)) == 0;
	/* --unassigned answers for transports even when none was asked for:
	 * name the ones it considered. */
	ok = ok && json_object_set_new(root, "protocols",
				       rec_protos_json(f == F_UNASSIGNED ? runmask : asked)) == 0;
	ok = ok && json_object_set_new(root, "filter", json_string(filter_names[f])) == 0;
	for (size_t i = 0; ok && i < n; i++)
		ok = json_array_append_new(recs, rec_to_json(reg, ids[i])) == 0;
	ok = ok && json_object_set(root, "records", recs) == 0;
	json_decref(recs);
	if (f == F_UNASSIGNED) {
		json_t *arr = json_array();
		json_t *counts = json_object();
		ok = ok && arr != NULL && counts != NULL;
		for (size_t i = 0; ok && i < pk_port_runs_count(r); i++) {
			const pk_port_run *x = pk_port_runs_get(r, i);
			json_t *o = json_object();
			char cls[48];
			rec_class_text(x->lo, x->hi, cls, sizeof cls);
			ok = o != NULL &&
			     json_object_set_new(o, "port_lo", json_integer(x->lo)) == 0 &&
			     json_object_set_new(o, "port_hi", json_integer(x->hi)) == 0 &&
			     json_object_set_new(o, "protocol",
						 json_string(pk_proto_name(x->proto))) == 0 &&
			     json_object_set_new(o, "class", json_string(cls)) == 0 &&
			     json_object_set_new(o, "count",
						 json_integer(x->hi - x->lo + 1)) == 0;
			ok = json_array_append_new(arr, o) == 0 && ok;
		}
		for (int p = PK_PROTO_TCP; ok && p <= PK_PROTO_DCCP; p++)
			if (runmask & PK_PROTOMASK(p))
				ok = json_object_set_new(counts, pk_proto_name((pk_proto)p),
							 json_integer(pk_port_runs_total(r, (pk_proto)p))) == 0;
		ok = json_object_set_new(root, "unassigned", arr) == 0 && ok;
		ok = json_object_set_new(root, "unassigned_counts", counts) == 0 && ok;
	} else {
		ok = ok && json_object_set_new(root, "unassigned", json_null()) == 0;
		ok = ok && json_object_set_new(root, "unassigned_counts", json_null()) == 0;
	}
	return cli_json_finish(root, ok);
}

int cmd_range(int argc, char **argv, cli_ctx *ctx); /* for main.c */

int cmd_range(int argc, char **argv, cli_ctx *ctx)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "assigned", no_argument, NULL, 'a' },
		{ "unassigned", no_argument, NULL, 'u' },
		CLI_COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	const char *shortopts = "hau" CLI_COMMON_SHORTOPTS;
	enum filter f = F_ALL;
	pk_registry *reg = NULL;
	pk_recid *ids = NULL;
	pk_port_runs *r = NULL;
	size_t n = 0;
	pk_portspec spec;
	pk_error err;
	int rc;
	int opt;

	int neg = cli_negative_operand(argc, argv, shortopts, longopts);
	if (neg > 0) {
		pk_status st = pk_portspec_parse(argv[neg], &spec, &err);
		return cli_report(st, &err);
	}
	optind = 1;
	while ((opt = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		switch (opt) {
		case 'h':
			printf("usage: portkit range [--assigned|--unassigned] [OPTIONS] LO-HI[/PROTO]\n"
			       "The records of a port range, its IANA assignments, or its unassigned ports.\n");
			return 0;
		case 'a':
		case 'u':
			if (f != F_ALL && f != (opt == 'a' ? F_ASSIGNED : F_UNASSIGNED)) {
				cli_error("--assigned and --unassigned exclude each other");
				return EXIT_USAGE;
			}
			f = opt == 'a' ? F_ASSIGNED : F_UNASSIGNED;
			break;
		default:
			rc = cli_common_option(opt, optarg, ctx);
			if (rc != 0)
				return rc;
		}
	}
	if (argc - optind != 1) {
		cli_error(argc - optind == 0 ?
				  "no range given: expected LO-HI, e.g. portkit range 6000-6100" :
				  "too many arguments: expected one LO-HI");
		return EXIT_USAGE;
	}
	pk_status st = pk_portspec_parse(argv[optind], &spec, &err);
	if (st != PK_OK)
		return cli_report(st, &err);
	unsigned mask = rec_protomask(spec.protos, ctx->protomask);
	unsigned asked = mask == PK_PROTOMASK_ANY ? 0 : mask & PK_PROTOMASK_TRANSPORTS;
	/* The transports --unassigned answers for. */
	unsigned runmask = asked ? asked :
			   PK_PROTOMASK(PK_PROTO_TCP) | PK_PROTOMASK(PK_PROTO_UDP);

	rc = cli_open_registry(ctx, &reg);
	if (rc != 0)
		return rc;
	if (f == F_UNASSIGNED) {
		st = mask != 0 ? pk_unassigned_runs(reg, spec.lo, spec.hi, runmask,
						    &r, &err) : PK_OK;
		if (st != PK_OK) {
			rc = cli_report(st, &err);
			goto out;
		}
	} else if (mask != 0) {
		rec_query q = { .type = REC_Q_PORTS, .lo = spec.lo, .hi = spec.hi,
				.protomask = mask };
		rc = rec_collect(reg, &q, &ids, &n);
		if (rc != 0)
			goto out;
		if (f == F_ASSIGNED) {
			size_t k = 0;
			for (size_t i = 0; i < n; i++)
				if (is_assignment(reg, ids[i]))
					ids[k++] = ids[i];
			n = k;
		}
	}
	if (ctx->json)
		rc = print_json(reg, spec.lo, spec.hi, asked, f, ids, n, r,
				mask ? runmask : 0);
	else if (f == F_UNASSIGNED)
		rc = print_runs_text(r, mask ? runmask : 0, spec.lo, spec.hi, ctx);
	else if (n > 0)
		rc = rec_print_list(ctx, reg, ids, n);
	if (rc == 0 && (f == F_UNASSIGNED ? pk_port_runs_count(r) == 0 : n == 0)) {
		if (!ctx->json && f != F_UNASSIGNED)
			cli_error("no %srecords in %u-%u", f == F_ASSIGNED ? "assigned " : "",
				  (unsigned)spec.lo, (unsigned)spec.hi);
		rc = EXIT_NOTFOUND;
	}
out:
	free(ids);
	pk_port_runs_free(r);
	pk_registry_close(reg);
	return rc;
}
