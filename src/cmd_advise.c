/* cmd_advise.c - `portkit advise`: review a planned service name and port
 * as an IANA expert would (RFC 6335, RFC 7605), and draft the request. */
#include <getopt.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "records.h"

int cmd_advise(int argc, char **argv, cli_ctx *ctx);

enum {
	OPT_DRAFT = 0x2101,
	OPT_DESCRIPTION,
	OPT_REFERENCE,
	OPT_ASSIGNEE,
	OPT_CONTACT
};

static void usage(FILE *out)
{
	fputs("usage: portkit advise [--name NAME] [--port PORT[/PROTO]] [--proto P[,P]] [--draft]\n"
	      "                      [--description TEXT] [--reference REF] [--assignee WHO]\n"
	      "                      [--contact WHO] [--json]\n"
	      "Reviews a planned service against RFC 6335 and RFC 7605; --draft adds the\n"
	      "fields of an IANA assignment request.  Exit status: 0 nothing against the\n"
	      "plan, 1 warnings, 2 usage, 3 data error.\n", out);
}

/* Same-length escapes for every severity keep the column aligned. */
static const char *sev_color(pk_severity sev)
{
	switch (sev) {
	case PK_SEV_ERROR: return "\033[31m";
	case PK_SEV_WARNING: return "\033[33m";
	case PK_SEV_OK: return "\033[32m";
	default: return "\033[36m";
	}
}

static int print_json(const pk_registry *reg, const pk_plan *plan,
		      const pk_advice *adv, bool with_draft)
{
	json_t *root = json_object(), *p = json_object(), *fs = json_array();

	json_object_set_new(p, "name", plan->name ? json_string(plan->name) : json_null());
	json_object_set_new(p, "port", plan->has_port ? json_integer(plan->port) : json_null());
	json_object_set_new(p, "protos", rec_protos_json(plan->protos));
	json_object_set_new(root, "plan", p);
	json_object_set_new(root, "worst",
			    json_string(pk_severity_name(pk_advice_worst(adv))));
	for (size_t i = 0; i < pk_advice_count(adv); i++) {
		const pk_finding *f = pk_advice_get(adv, i);
		json_t *o = json_pack("{s:s, s:s, s:s, s:s}", "id", f->id,
				      "severity", pk_severity_name(f->severity),
				      "cite", f->cite, "text", f->text);
		json_object_set_new(o, "record", f->has_record ?
					 rec_to_json(reg, f->record) : json_null());
		json_array_append_new(fs, o);
	}
	json_object_set_new(root, "findings", fs);
	json_t *d = with_draft ? json_array() : json_null();
	for (size_t i = 0; with_draft && i < pk_advice_draft_count(adv); i++) {
		const pk_draft_field *f = pk_advice_draft_get(adv, i);
		json_array_append_new(d, json_pack("{s:s, s:s, s:b}", "field",
						   f->field, "value", f->value,
						   "known", f->known));
	}
	json_object_set_new(root, "draft", d);
	return cli_json_print(root);
}

static int print_text(const pk_advice *adv, const cli_ctx *ctx,
		      bool with_draft)
{
	cli_table *t = cli_table_new(3), *d = NULL;
	int rc = EXIT_FOUND;

	if (t == NULL)
		goto nomem;
	for (size_t i = 0; i < pk_advice_count(adv); i++) {
		const pk_finding *f = pk_advice_get(adv, i);
		char sev[32];
		if (ctx->color)
			snprintf(sev, sizeof sev, "%s%s\033[0m",
				 sev_color(f->severity), pk_severity_name(f->severity));
		else
			snprintf(sev, sizeof sev, "%s", pk_severity_name(f->severity));
		const char *cells[3] = { sev, f->cite, f->text };
		if (cli_table_add(t, cells) != 0)
			goto nomem;
	}
	cli_table_print(t, stdout, ctx->width);
	if (with_draft) {
		d = cli_table_new(2);
		if (d == NULL)
			goto nomem;
		for (size_t i = 0; i < pk_advice_draft_count(adv); i++) {
			const pk_draft_field *f = pk_advice_draft_get(adv, i);
			char field[64];
			snprintf(field, sizeof field, "%s:", f->field);
			const char *cells[2] = { field, f->value };
			if (cli_table_add(d, cells) != 0)
				goto nomem;
		}
		fputs("\nIANA assignment request (https://www.iana.org/form/ports-services; RFC 6335 §8.1):\n",
		      stdout);
		cli_table_print(d, stdout, ctx->width);
	}
	goto out;
nomem:
	cli_error("out of memory");
	rc = EXIT_DATA;
out:
	cli_table_free(t);
	cli_table_free(d);
	return rc;
}

int cmd_advise(int argc, char **argv, cli_ctx *ctx)
{
	static const struct option longopts[] = {
		{ "name", required_argument, NULL, 'N' },
		{ "port", required_argument, NULL, 'P' },
		{ "draft", no_argument, NULL, OPT_DRAFT },
		{ "description", required_argument, NULL, OPT_DESCRIPTION },
		{ "reference", required_argument, NULL, OPT_REFERENCE },
		{ "assignee", required_argument, NULL, OPT_ASSIGNEE },
		{ "contact", required_argument, NULL, OPT_CONTACT },
		{ "help", no_argument, NULL, 'h' },
		CLI_COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 }
	};
	pk_plan plan = { 0 };
	unsigned port_protos = 0;
	bool with_draft = false;
	pk_registry *reg = NULL;
	pk_advice *adv = NULL;
	pk_error err;
	pk_status st;
	int rc, opt;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "N:P:h" CLI_COMMON_SHORTOPTS,
				  longopts, NULL)) != -1) {
		switch (opt) {
		case 'N':
			plan.name = optarg;
			break;
		case 'P': {
			pk_portspec spec;
			if (pk_portspec_parse(optarg, &spec, &err) != PK_OK)
				return cli_report(PK_INVAL, &err);
			if (spec.lo != spec.hi) {
				cli_error("invalid port '%s': expected one port, not a range",
					  optarg);
				return EXIT_USAGE;
			}
			plan.has_port = true;
			plan.port = spec.lo;
			port_protos = spec.protos;
			break;
		}
		case OPT_DRAFT:
			with_draft = true;
			break;
		case OPT_DESCRIPTION:
			plan.description = optarg;
			break;
		case OPT_REFERENCE:
			plan.reference = optarg;
			break;
		case OPT_ASSIGNEE:
			plan.assignee = optarg;
			break;
		case OPT_CONTACT:
			plan.contact = optarg;
			break;
		case 'h':
			usage(stdout);
			return EXIT_FOUND;
		default:
			if ((rc = cli_other_option(opt, optarg, ctx, usage)) != 0)
				return rc;
		}
	}
	if ((rc = cli_no_operands(argc, argv, "advise")) != 0) {
		usage(stderr);
		return rc;
	}
	if (plan.name == NULL && !plan.has_port) {
		cli_error("advise: nothing to review: expected --name, --port, or both");
		usage(stderr);
		return EXIT_USAGE;
	}
	/* --port 80/udp and --proto udp say the same; both must agree. */
	if (port_protos != 0 && ctx->protomask != 0 && port_protos != ctx->protomask) {
		cli_error("advise: --port and --proto name different transports");
		return EXIT_USAGE;
	}
	plan.protos = port_protos != 0 ? port_protos : ctx->protomask;
	plan.protos &= PK_PROTOMASK_TRANSPORTS;

	if ((rc = cli_open_registry(ctx, &reg)) != 0)
		return rc;
	st = pk_advise(reg, &plan, &adv, &err);
	if (st != PK_OK) {
		rc = cli_report(st, &err);
		goto out;
	}
	if (plan.protos == 0)
		plan.protos = PK_PROTOMASK(PK_PROTO_TCP); /* as assumed */
	rc = ctx->json ? print_json(reg, &plan, adv, with_draft) :
			 print_text(adv, ctx, with_draft);
	if (rc == EXIT_FOUND && pk_advice_worst(adv) >= PK_SEV_WARNING)
		rc = EXIT_NOTFOUND;
out:
	pk_advice_free(adv);
	pk_registry_close(reg);
	return rc;
}
