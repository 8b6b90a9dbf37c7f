/* cmd_advise.c - `portkit advise`: review a planned service name and port
 * as an IANA expert would (RFC 6335, RFC 7605; pk_advise), and draft the
 * request (pk_render_advice prints both). */
#include <getopt.h>
#include <string.h>

#include "cli.h"

int cmd_advise(int argc, char **argv, cli_ctx *ctx);

enum {
	OPT_DRAFT = 0x2101,
	OPT_DESCRIPTION,
	OPT_REFERENCE,
	OPT_ASSIGNEE,
	OPT_CONTACT
};

static const cli_help help = {
	"usage: portkit advise [OPTIONS]\n"
	"Reviews a planned service against RFC 6335 and RFC 7605: its name, its port,\n"
	"its transports; --draft adds the fields of an IANA assignment request.\n"
	"\n"
	"options:\n"
	"  -N, --name NAME         the service name planned (1-15 characters, RFC 6335)\n"
	"  -P, --port PORT[/PROTO] the port planned (one port, not a range)\n"
	"      --draft             also the fields of an IANA assignment request\n"
	"      --description TEXT  the request's description (with --draft)\n"
	"      --reference REF     the request's reference (with --draft)\n"
	"      --assignee WHO      the request's assignee (with --draft)\n"
	"      --contact WHO       the request's contact (with --draft)\n",
	"example:\n"
	"  portkit advise --name myservice --port 8444/tcp --draft\n"
	"\n"
	"exit status: 0 nothing against the plan, 4 warnings or errors about it,\n"
	"2 usage error or invalid argument, 3 data or system error.\n"
};

static void usage(FILE *out)
{
	cli_help_print(out, &help);
}

/* --draft when the review says a request is the next step. */
static void print_hints(const pk_advice *adv, bool with_draft)
{
	for (size_t i = 0; !with_draft && i < pk_advice_count(adv); i++)
		if (strcmp(pk_finding_code(pk_advice_get(adv, i)),
			   "port-unassigned") == 0) {
			printf("\nhint: --draft adds the fields of the IANA assignment request\n");
			return;
		}
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
	const char *port_arg = NULL;
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
		case 'P':
			port_arg = optarg;
			break;
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
	/* Checked once every option is read: --json may come after. */
	if (port_arg != NULL) {
		pk_portspec spec;
		if ((st = pk_portspec_parse(port_arg, &spec, &err)) != PK_OK)
			return cli_fail(ctx, PK_INVAL, &err);
		if (spec.lo != spec.hi)
			return cli_usage(ctx, "invalid port '%s': expected one port, not a range",
					 port_arg);
		plan.has_port = true;
		plan.port = spec.lo;
		port_protos = spec.protos;
	}
	if (optind < argc) {
		rc = cli_usage(ctx, "advise: unexpected argument '%s'", argv[optind]);
		usage(stderr);
		return rc;
	}
	if (plan.name == NULL && !plan.has_port) {
		rc = cli_usage(ctx, "advise: nothing to review: expected --name, --port, or both");
		usage(stderr);
		return rc;
	}
	/* --port 80/udp and --proto udp say the same; both must agree. */
	if (port_protos != 0 && ctx->protomask != 0 && port_protos != ctx->protomask)
		return cli_usage(ctx, "advise: --port and --proto name different transports");
	plan.protos = port_protos != 0 ? port_protos : ctx->protomask;
	plan.protos &= PK_PROTOMASK_TRANSPORTS;

	if ((rc = cli_open_registry(ctx, &reg)) != 0)
		return rc;
	if ((st = pk_advise(reg, &plan, &adv, &err)) != PK_OK) {
		rc = cli_fail(ctx, st, &err);
		goto out;
	}
	pk_render *r = cli_render_new(ctx);
	if (r != NULL)
		pk_render_advice(r, adv, with_draft);
	rc = cli_render_end(r, pk_advice_worst(adv) >= PK_SEV_WARNING ?
				       EXIT_FINDINGS : EXIT_FOUND);
	if (!ctx->json && rc != EXIT_DATA)
		print_hints(adv, with_draft);
out:
	pk_advice_free(adv);
	pk_registry_close(reg);
	return rc;
}
