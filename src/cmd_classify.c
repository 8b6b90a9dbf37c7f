/* cmd_classify.c - `portkit classify FILE|- [FILTER]`: which end of each
 * flow of a pcap or pcapng capture is the server, and what service it
 * probably is (pk_classify, pk_render_classify).
 *
 * libpcap reads the file and compiles the filter; it is loaded with
 * dlopen when this command runs, not linked: libpcap.so brings dbus,
 * systemd and gcrypt with it, and every other command (`portkit 443`)
 * would map them at start-up for nothing (tests/cli/test_archives.sh
 * keeps the CLI on libc alone).  The decoding is the library's own. */
#include <dlfcn.h>
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <pcap/pcap.h>

#include "cli.h"

#define LIBPCAP_SONAME "libpcap.so.0.8"

/* The libpcap functions this command uses. */
typedef struct pcap_api {
	void *handle;
	pcap_t *(*open_offline)(const char *, char *);
	pcap_t *(*fopen_offline)(FILE *, char *);
	int (*datalink)(pcap_t *);
	const char *(*datalink_val_to_name)(int);
	int (*next_ex)(pcap_t *, struct pcap_pkthdr **, const u_char **);
	char *(*geterr)(pcap_t *);
	int (*compile)(pcap_t *, struct bpf_program *, const char *, int, bpf_u_int32);
	int (*setfilter)(pcap_t *, struct bpf_program *);
	void (*freecode)(struct bpf_program *);
	int (*get_tstamp_precision)(pcap_t *);
	void (*close)(pcap_t *);
} pcap_api;

static int resolve(void *handle, const char *name, void *fnptr, size_t size)
{
	void *sym = dlsym(handle, name);

	if (sym == NULL || size != sizeof sym)
		return -1;
	memcpy(fnptr, &sym, size);
	return 0;
}

static int pcap_load(pcap_api *api)
{
	memset(api, 0, sizeof *api);
	api->handle = dlopen(LIBPCAP_SONAME, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
	if (api->handle == NULL) {
		const char *why = dlerror();
		cli_error("classify: %s is not available (%s): install libpcap0.8",
			  LIBPCAP_SONAME, why ? why : "dlopen failed");
		return -1;
	}
#define RESOLVE(field, name) resolve(api->handle, name, &api->field, sizeof api->field)
	if (RESOLVE(open_offline, "pcap_open_offline") != 0 ||
	    RESOLVE(fopen_offline, "pcap_fopen_offline") != 0 ||
	    RESOLVE(datalink, "pcap_datalink") != 0 ||
	    RESOLVE(datalink_val_to_name, "pcap_datalink_val_to_name") != 0 ||
	    RESOLVE(next_ex, "pcap_next_ex") != 0 ||
	    RESOLVE(geterr, "pcap_geterr") != 0 ||
	    RESOLVE(compile, "pcap_compile") != 0 ||
	    RESOLVE(setfilter, "pcap_setfilter") != 0 ||
	    RESOLVE(freecode, "pcap_freecode") != 0 ||
	    RESOLVE(get_tstamp_precision, "pcap_get_tstamp_precision") != 0 ||
	    RESOLVE(close, "pcap_close") != 0) {
		cli_error("classify: %s lacks the functions portkit needs", LIBPCAP_SONAME);
		dlclose(api->handle);
		return -1;
	}
#undef RESOLVE
	return 0;
}

static const cli_help help = {
	"usage: portkit classify [OPTIONS] FILE|- [FILTER...]\n"
	"       portkit classify --live [OPTIONS]\n"
	"Which end of each flow of a pcap or pcapng capture is the server, how sure\n"
	"that is and why, and the services the registry names on the server port\n"
	"(docs/classify.md).  FILE - reads standard input (tcpdump -w - | portkit\n"
	"classify -); FILTER is a pcap filter expression (tcpdump's syntax).\n\n"
	"options:\n"
	"      --summary          totals per service and per server port\n"
	"      --csv              one CSV row per flow (or per group with --summary)\n"
	"      --max-flows N      flows held at once (16-67108864; default 262144);\n"
	"                         beyond it the least recently seen flow is evicted\n"
	"                         into the summary\n"
	"      --idle SEC         evict flows idle this long (capture time; default\n"
	"                         never)\n"
	"      --live             this host's connections (sock_diag) instead of a\n"
	"                         capture, each checked against its listening sockets\n",
	"example:\n"
	"  tcpdump -i eth0 -w - | portkit classify --summary - port 443\n\n"
	"exit status: 0 flows classified, 1 no flow, 2 usage error, a missing file or\n"
	"not a readable capture (not a capture, truncated header, empty, unsupported\n"
	"link type, bad filter), 3 data or system error (no libpcap, a read error).\n"
};

static void usage(FILE *out)
{
	cli_help_print(out, &help);
}

enum { OPT_SUMMARY = 0x2001, OPT_CSV, OPT_MAX_FLOWS, OPT_IDLE, OPT_LIVE };

int cmd_classify(int argc, char **argv, cli_ctx *ctx); /* main.c */

/* A decimal in [lo, hi], whole. */
static int parse_count(const char *s, unsigned long lo, unsigned long hi,
		       unsigned long *out)
{
	char *end;

	if (s[0] < '0' || s[0] > '9')
		return -1;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

/* The filter: the operands after FILE, joined by spaces. */
static char *join(int argc, char **argv, int from)
{
	size_t len = 1;

	for (int i = from; i < argc; i++)
		len += strlen(argv[i]) + 1;
	char *s = malloc(len);
	if (s == NULL)
		return NULL;
	s[0] = '\0';
	for (int i = from; i < argc; i++) {
		if (i > from)
			strcat(s, " ");
		strcat(s, argv[i]);
	}
	return s;
}

/* Opens the capture, or says why it is not one. */
static pcap_t *open_capture(const cli_ctx *ctx, const pcap_api *api,
			    const char *path, int *rc)
{
	char errbuf[PCAP_ERRBUF_SIZE] = "";
	pcap_t *p;

	if (strcmp(path, "-") == 0) {
		p = api->fopen_offline(stdin, errbuf);
	} else {
		struct stat st;
		if (stat(path, &st) != 0) {
			cli_io_error(ctx, "classify: cannot open '%s': %s", path, strerror(errno));
			/* A missing input file is bad input, as for every command. */
			*rc = EXIT_USAGE;
			return NULL;
		}
		if (S_ISREG(st.st_mode) && st.st_size == 0) {
			*rc = cli_usage(ctx, "classify: '%s' is empty: not a capture", path);
			return NULL;
		}
		p = api->open_offline(path, errbuf);
	}
	if (p != NULL)
		return p;
	/* libpcap's words: "unknown file format", "truncated dump file; tried
	 * to read 24 file header bytes, only got 10". */
	if (strstr(errbuf, "unknown file format") != NULL)
		*rc = cli_usage(ctx, "classify: '%s' is not a pcap or pcapng capture", path);
	else if (strstr(errbuf, "only got 0") != NULL)
		*rc = cli_usage(ctx, "classify: '%s' is empty: not a capture", path);
	else if (strstr(errbuf, "truncated") != NULL || strstr(errbuf, "header") != NULL)
		*rc = cli_usage(ctx, "classify: '%s': truncated capture header (%s)", path, errbuf);
	else
		*rc = cli_usage(ctx, "classify: '%s': %s", path, errbuf);
	return NULL;
}

/* --live: this host's connections, decided from their ports and checked
 * against its listening sockets. */
static int classify_live(const cli_ctx *ctx, bool summary, bool csv,
			 unsigned long max_flows)
{
	pk_host_portconf *conf = NULL;
	pk_host_sockets *socks = NULL;
	pk_registry *reg = NULL;
	pk_classify *c = NULL;
	pk_error err;
	int rc;

	if ((rc = cli_read_host(ctx, NULL, PK_SOCKETS_CONNECTIONS | PK_SOCKETS_NO_OWNERS,
				&conf, &socks)) != EXIT_FOUND)
		goto out;
	if ((rc = cli_open_registry_optional(ctx, &reg)) != EXIT_FOUND)
		goto out;
	pk_status st = pk_classify_new(reg, &c, &err);
	if (st == PK_OK && max_flows != PK_CLASSIFY_MAX_FLOWS)
		st = pk_classify_set_max_flows(c, max_flows, &err);
	if (st == PK_OK) {
		pk_classify_host(c, socks);
		st = pk_classify_finish(c, &err);
	}
	if (st != PK_OK) {
		rc = cli_fail(ctx, st, &err);
		goto out;
	}
	pk_render *r = csv ? cli_render_new_as(ctx, PK_RENDER_CSV) : cli_render_new(ctx);
	if (r != NULL)
		pk_render_classify(r, c, "live", summary);
	rc = cli_render_end(r, pk_classify_flow_count(c) > 0 ? EXIT_FOUND : EXIT_NOTFOUND);
	if (rc == EXIT_NOTFOUND && !ctx->json)
		cli_error("classify: no TCP or UDP connection on this host");
out:
	pk_classify_free(c);
	pk_registry_close(reg);
	pk_host_sockets_free(socks);
	free(conf);
	return rc;
}

int cmd_classify(int argc, char **argv, cli_ctx *ctx)
{
	static const struct option longopts[] = {
		{ "summary", no_argument, NULL, OPT_SUMMARY },
		{ "csv", no_argument, NULL, OPT_CSV },
		{ "max-flows", required_argument, NULL, OPT_MAX_FLOWS },
		{ "idle", required_argument, NULL, OPT_IDLE },
		{ "live", no_argument, NULL, OPT_LIVE },
		{ "help", no_argument, NULL, 'h' },
		CLI_COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 }
	};
	unsigned long max_flows = PK_CLASSIFY_MAX_FLOWS, idle = 0;
	bool summary = false, csv = false, live = false;
	pk_registry *reg = NULL;
	pk_classify *c = NULL;
	pcap_t *p = NULL;
	char *filter = NULL;
	pcap_api api = { 0 };
	pk_error err;
	int rc = EXIT_FOUND;
	int opt;

	optind = 1;
	/* "+": the filter after FILE may hold words such as "-" or "not". */
	while ((opt = getopt_long(argc, argv, "+h" CLI_COMMON_SHORTOPTS, longopts,
				  NULL)) != -1) {
		switch (opt) {
		case 'h':
			usage(stdout);
			return EXIT_FOUND;
		case OPT_SUMMARY:
			summary = true;
			break;
		case OPT_CSV:
			csv = true;
			break;
		case OPT_LIVE:
			live = true;
			break;
		case OPT_MAX_FLOWS:
			if (parse_count(optarg, 16, 1ul << 26, &max_flows) != 0)
				return cli_usage(ctx, "classify: invalid --max-flows '%s': expected 16-67108864",
						 optarg);
			break;
		case OPT_IDLE:
			if (parse_count(optarg, 0, 86400ul * 365, &idle) != 0)
				return cli_usage(ctx, "classify: invalid --idle '%s': expected seconds, 0-31536000",
						 optarg);
			break;
		default:
			if ((rc = cli_other_option(opt, optarg, ctx, usage)) != 0)
				return rc;
		}
	}
	if (csv && ctx->json)
		return cli_usage(ctx, "classify: --csv and --json exclude each other");
	if (live) {
		if (optind < argc)
			return cli_usage(ctx, "classify: unexpected argument '%s': --live reads this host's connections",
					 argv[optind]);
		return classify_live(ctx, summary, csv, max_flows);
	}
	if (optind >= argc)
		return cli_usage(ctx, "classify: expected a capture file (or - for standard input)");
	const char *path = argv[optind];
	if (optind + 1 < argc && (filter = join(argc, argv, optind + 1)) == NULL) {
		cli_error("classify: out of memory");
		return EXIT_DATA;
	}
	if (pcap_load(&api) != 0) {
		rc = EXIT_DATA;
		goto out;
	}
	if ((p = open_capture(ctx, &api, path, &rc)) == NULL)
		goto out;
	int linktype = api.datalink(p);
	if (!pk_link_supported(linktype)) {
		const char *name = api.datalink_val_to_name(linktype);
		rc = cli_usage(ctx, "classify: unsupported link type %d (%s): expected Ethernet, Linux cooked (SLL, SLL2), raw IP or BSD loopback",
			       linktype, name ? name : "unknown");
		goto out;
	}
	if (filter != NULL) {
		struct bpf_program prog;
		if (api.compile(p, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) != 0) {
			rc = cli_usage(ctx, "classify: invalid filter '%s': %s", filter,
				       api.geterr(p));
			goto out;
		}
		int r = api.setfilter(p, &prog);
		api.freecode(&prog);
		if (r != 0) {
			cli_io_error(ctx, "classify: cannot apply the filter: %s", api.geterr(p));
			rc = EXIT_DATA;
			goto out;
		}
	}
	if ((rc = cli_open_registry_optional(ctx, &reg)) != EXIT_FOUND)
		goto out;
	pk_status st = pk_classify_new(reg, &c, &err);
	if (st == PK_OK && max_flows != PK_CLASSIFY_MAX_FLOWS)
		st = pk_classify_set_max_flows(c, max_flows, &err);
	if (st != PK_OK) {
		rc = cli_fail(ctx, st, &err);
		goto out;
	}
	pk_classify_set_idle(c, (uint32_t)idle);
	bool nano = api.get_tstamp_precision(p) == PCAP_TSTAMP_PRECISION_NANO;
	struct pcap_pkthdr *h;
	const u_char *data;
	int r;
	while ((r = api.next_ex(p, &h, &data)) == 1) {
		uint64_t us = (uint64_t)h->ts.tv_sec * 1000000u +
			      (uint64_t)(nano ? h->ts.tv_usec / 1000 : h->ts.tv_usec);
		pk_classify_packet(c, linktype, us, data, h->caplen, h->len);
	}
	if (r == PCAP_ERROR) {
		/* A capture cut short (a full disk, a killed tcpdump): what was
		 * read is still an answer. */
		cli_warn("classify: '%s': %s; the flows read so far follow", path,
			 api.geterr(p));
	}
	if ((st = pk_classify_finish(c, &err)) != PK_OK) {
		rc = cli_fail(ctx, st, &err);
		goto out;
	}
	pk_render *rr = csv ? cli_render_new_as(ctx, PK_RENDER_CSV) : cli_render_new(ctx);
	if (rr != NULL)
		pk_render_classify(rr, c, path, summary);
	pk_classify_stats stats;
	pk_classify_get_stats(c, &stats);
	rc = cli_render_end(rr, stats.flows > 0 ? EXIT_FOUND : EXIT_NOTFOUND);
	if (rc == EXIT_NOTFOUND && !ctx->json)
		cli_error("classify: no TCP, UDP or SCTP flow in '%s'", path);
out:
	if (p != NULL)
		api.close(p);
	pk_classify_free(c);
	pk_registry_close(reg);
	free(filter);
	return rc;
}
