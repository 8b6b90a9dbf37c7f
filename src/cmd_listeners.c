/* cmd_listeners.c - `portkit listeners`: what this host listens on, like
 * `ss -tulpn`, with the services the registry names on each port
 * (pk_port_services) and a mark when it sits in the ephemeral range. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "records.h"

static void usage(FILE *out)
{
	fputs("usage: portkit listeners [--proto tcp|udp] [--json] [--proc-root DIR]\n\n"
	      "Every listening TCP socket and bound UDP socket, IPv4 and IPv6, with the\n"
	      "registry's names for its port and its process (all of them as root).\n"
	      "exit status: 0 sockets listed, 1 none, 2 usage, 3 system error.\n", out);
}

/* The services the registry names on a socket (pk_port_services, every
 * origin); up to SERVICES_MAX. */
#define SERVICES_MAX 32

static size_t socket_services(const pk_registry *reg, const pk_socket *k,
			      pk_recid *ids)
{
	size_t n;

	if (reg == NULL)
		return 0;
	n = pk_port_services(reg, k->port, k->proto, PK_ORIGINMASK_ALL, ids,
			     SERVICES_MAX);
	return n < SERVICES_MAX ? n : SERVICES_MAX;
}

/* One service as shown: its name, unofficial uses marked. */
static void service_text(const pk_registry *reg, pk_recid id, char *buf,
			 size_t size)
{
	pk_record rec;

	buf[0] = '\0';
	if (pk_record_get(reg, id, &rec) == PK_OK)
		snprintf(buf, size, "%s%s", rec.name,
			 rec.origin == PK_ORIGIN_UNOFFICIAL ? " (unofficial)" : "");
}

/* "http, www, ng-serve (unofficial)"; "" when none. */
static void service_names(const pk_registry *reg, const pk_socket *k,
			  char *buf, size_t size)
{
	pk_recid ids[SERVICES_MAX];
	size_t n = socket_services(reg, k, ids), len = 0;
	char one[128];

	buf[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		service_text(reg, ids[i], one, sizeof one);
		int w = snprintf(buf + len, size - len, "%s%s", len ? ", " : "", one);
		if (w < 0 || (size_t)w >= size - len) {
			buf[len] = '\0';
			break;
		}
		len += (size_t)w;
	}
}

static const char *range_note(const pk_host_portconf *conf, uint16_t port)
{
	if (!conf->have_range || port < conf->ephemeral_lo ||
	    port > conf->ephemeral_hi)
		return "";
	if (conf->have_reserved && pk_portset_contains(&conf->reserved, port))
		return "reserved";
	return "ephemeral";
}

static void address_text(const pk_socket *k, char *buf, size_t size)
{
	char addr[64];

	pk_addr_format(k->family, k->addr, addr, sizeof addr);
	if (k->family == 6)
		snprintf(buf, size, "[%s]%s", addr, k->dual_stack ? " +v4" : "");
	else
		snprintf(buf, size, "%s", addr);
}

static int print_table(const pk_host_sockets *socks, const pk_registry *reg,
		       const pk_host_portconf *conf, const cli_ctx *ctx,
		       size_t *shown)
{
	cli_table *t = cli_table_new(7);
	char addr[80], port[8], uid[16], proc[48], names[512];

	if (t == NULL) {
		cli_error("out of memory");
		return EXIT_DATA;
	}
	const char *head[] = { "PROTO", "ADDRESS", "PORT", "RANGE", "USER",
			       "PROCESS", "SERVICE" };
	int rc = cli_table_add_header(t, head, ctx->color);
	for (size_t i = 0; rc == 0 && i < pk_host_sockets_count(socks); i++) {
		const pk_socket *k = pk_host_sockets_get(socks, i);
		if (ctx->protomask && !(ctx->protomask & PK_PROTOMASK(k->proto)))
			continue;
		address_text(k, addr, sizeof addr);
		snprintf(port, sizeof port, "%u", k->port);
		snprintf(uid, sizeof uid, "%u", k->uid);
		if (k->pid != 0)
			snprintf(proc, sizeof proc, "%s/%d", k->comm, k->pid);
		else
			snprintf(proc, sizeof proc, "-");
		service_names(reg, k, names, sizeof names);
		const char *row[] = { pk_proto_name(k->proto), addr, port,
				      range_note(conf, k->port), uid, proc,
				      names[0] ? names : "-" };
		rc = cli_table_add(t, row);
		(*shown)++;
	}
	if (rc == 0 && *shown > 0)
		cli_table_print(t, stdout, ctx->width);
	cli_table_free(t);
	if (rc != 0) {
		cli_error("out of memory");
		return EXIT_DATA;
	}
	return 0;
}

static int print_json(const pk_host_sockets *socks, const pk_registry *reg,
		      const pk_host_portconf *conf, const cli_ctx *ctx,
		      size_t *shown)
{
	pk_host_sockets_info info;
	json_t *root = json_object();
	json_t *arr = json_array();
	char addr[64], one[128];
	pk_recid ids[SERVICES_MAX];

	pk_host_sockets_get_info(socks, &info);
	json_object_set_new(root, "source", json_string(info.source));
	json_object_set_new(root, "owners_unknown", json_integer(info.owners_unknown));
	json_object_set_new(root, "processes_denied", json_integer(info.procs_denied));
	for (size_t i = 0; i < pk_host_sockets_count(socks); i++) {
		const pk_socket *k = pk_host_sockets_get(socks, i);
		if (ctx->protomask && !(ctx->protomask & PK_PROTOMASK(k->proto)))
			continue;
		pk_addr_format(k->family, k->addr, addr, sizeof addr);
		json_t *svc = json_array();
		size_t nsvc = socket_services(reg, k, ids);
		for (size_t j = 0; j < nsvc; j++) {
			service_text(reg, ids[j], one, sizeof one);
			json_array_append_new(svc, json_string(one));
		}
		const char *note = range_note(conf, k->port);
		json_array_append_new(
			arr,
			json_pack("{s:s,s:i,s:s,s:i,s:b,s:b,s:i,s:i,s:I,s:o,s:o,s:i,s:s,s:o,s:s}",
				  "proto", pk_proto_name(k->proto), "family", k->family,
				  "address", addr, "port", k->port,
				  "dual_stack", k->dual_stack,
				  "v6only_known", k->v6only_known,
				  "ifindex", (int)k->ifindex, "uid", (int)k->uid,
				  "inode", (json_int_t)k->inode,
				  "pid", k->pid ? json_integer(k->pid) : json_null(),
				  "process", k->pid ? json_string(k->comm) : json_null(),
				  "processes", (int)k->nprocs,
				  "class", pk_port_class_name(pk_port_class_of(k->port)),
				  "services", svc,
				  "range", note[0] ? note : "none"));
		(*shown)++;
	}
	json_object_set_new(root, "sockets", arr);
	return cli_json_print(root);
}

enum { OPT_PROC_ROOT = 0x2001 };

int cmd_listeners(int argc, char **argv, cli_ctx *ctx); /* main.c */

int cmd_listeners(int argc, char **argv, cli_ctx *ctx)
{
	static const struct option longopts[] = {
		{ "proc-root", required_argument, NULL, OPT_PROC_ROOT },
		{ "help", no_argument, NULL, 'h' },
		CLI_COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 }
	};
	pk_host_portconf *conf = NULL;
	pk_host_sockets *socks = NULL;
	pk_registry *reg = NULL;
	const char *proc_root = NULL;
	size_t shown = 0;
	int rc = EXIT_FOUND;
	int opt;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "h" CLI_COMMON_SHORTOPTS, longopts,
				  NULL)) != -1) {
		if (opt == 'h') {
			usage(stdout);
			return EXIT_FOUND;
		}
		if (opt == OPT_PROC_ROOT) {
			proc_root = optarg;
			continue;
		}
		if ((rc = cli_common_option(opt, optarg, ctx)) != 0) {
			if (opt == '?')
				usage(stderr);
			return rc;
		}
	}
	if (optind < argc) {
		cli_error("listeners: unexpected argument '%s': expected options only",
			  argv[optind]);
		return EXIT_USAGE;
	}
	/* Only TCP listeners and UDP sockets are read: another transport
	 * would always answer "none". */
	unsigned other = ctx->protomask & ~(PK_PROTOMASK(PK_PROTO_TCP) | PK_PROTOMASK(PK_PROTO_UDP));
	if (ctx->protomask != 0 && other != 0) {
		cli_error("listeners: invalid transport '%s': expected tcp or udp",
			  pk_proto_name(other & PK_PROTOMASK(PK_PROTO_SCTP) ? PK_PROTO_SCTP : PK_PROTO_DCCP));
		return EXIT_USAGE;
	}
	if ((rc = cli_read_host(proc_root, 0, &conf, &socks)) != EXIT_FOUND)
		goto out;
	if ((rc = cli_open_registry_optional(ctx, &reg)) != EXIT_FOUND)
		goto out;
	rc = ctx->json ? print_json(socks, reg, conf, ctx, &shown) :
			 print_table(socks, reg, conf, ctx, &shown);
	if (rc != 0)
		goto out;
	pk_host_sockets_info info;
	pk_host_sockets_get_info(socks, &info);
	if (info.owners_unknown > 0 && info.procs_denied > 0 && !ctx->json)
		cli_warn("the processes of %u sockets are not visible: run as root to see them",
			 info.owners_unknown);
	rc = shown > 0 ? EXIT_FOUND : EXIT_NOTFOUND;
	if (shown == 0 && !ctx->json)
		cli_error("no listening TCP or bound UDP socket%s",
			  ctx->protomask != 0 ? " of the transports asked for" : "");
out:
	pk_registry_close(reg);
	pk_host_sockets_free(socks);
	free(conf);
	return rc;
}
