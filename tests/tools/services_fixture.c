/* services_fixture.c - writes the registry the services(5) view is tested
 * on (tests/cli/test_export.sh, tests/cli/test_nss.sh, test_nss_module):
 * every rule of the view (IANA's primary first, services(5) aliases,
 * supplement ranges, records naming no transport, historic aliases last,
 * unofficial uses left out, repeats and port-less names) and names no
 * importer accepts but a crafted index can hold (blanks, '#', controls,
 * non-ASCII).  Built with the builder, so it links the library without
 * the snapshot.
 *
 *   services_fixture OUT.idx [SOURCE [b]]
 * SOURCE: the registry's source text; b: variant B, where 1020/tcp is
 * "huge" with one alias (the NSS tests replace A by B under lookups). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "registry/registry_internal.h"

typedef struct fx {
	const char *name;
	unsigned lo, hi;
	pk_proto proto;
	pk_rec_origin origin;
	pk_rec_kind kind;
	unsigned flags;
	const char *aliases[4];
} fx;

static const fx records[] = {
	{ "tcpmux", 1, 1, PK_PROTO_TCP, PK_ORIGIN_IANA, PK_KIND_ASSIGNED, 0, { NULL } },
	{ "whoispp", 63, 63, PK_PROTO_TCP, PK_ORIGIN_IANA, PK_KIND_ASSIGNED, 0, { NULL } },
	{ "whois++", 63, 63, PK_PROTO_TCP, PK_ORIGIN_IANA, PK_KIND_ASSIGNED, PK_RECFLAG_HISTORIC, { NULL } },
	{ "www-http", 80, 80, PK_PROTO_TCP, PK_ORIGIN_IANA, PK_KIND_ASSIGNED, 0, { NULL } },
	{ "http", 80, 80, PK_PROTO_TCP, PK_ORIGIN_IANA, PK_KIND_ASSIGNED, 0, { NULL } },
	{ "http", 80, 80, PK_PROTO_TCP, PK_ORIGIN_SERVICES, PK_KIND_ASSIGNED, 0, { "www", "WWW-HTTP", NULL } },
	{ "http", 80, 80, PK_PROTO_UDP, PK_ORIGIN_IANA, PK_KIND_ASSIGNED, 0, { NULL } },
	{ "bad name", 1001, 1001, PK_PROTO_TCP, PK_ORIGIN_IANA, PK_KIND_ASSIGNED, 0, { NULL } },
	{ "bad#hash", 1002, 1002, PK_PROTO_TCP, PK_ORIGIN_IANA, PK_KIND_ASSIGNED, 0, { NULL } },
	{ "ctl\001x", 1003, 1003, PK_PROTO_UDP, PK_ORIGIN_IANA, PK_KIND_ASSIGNED, 0, { NULL } },
	{ "caf\303\251", 1004, 1004, PK_PROTO_TCP, PK_ORIGIN_IANA, PK_KIND_ASSIGNED, 0, { NULL } },
	{ "primary-ok", 1005, 1005, PK_PROTO_TCP, PK_ORIGIN_IANA, PK_KIND_ASSIGNED, 0, { "zz bad", "\033[31m", "alias-ok", NULL } },
	{ "new\nline", 1007, 1007, PK_PROTO_TCP, PK_ORIGIN_IANA, PK_KIND_ASSIGNED, 0, { NULL } },
	{ "sctp-svc", 1008, 1008, PK_PROTO_SCTP, PK_ORIGIN_IANA, PK_KIND_ASSIGNED, 0, { NULL } },
	{ "dccp-svc", 1009, 1009, PK_PROTO_DCCP, PK_ORIGIN_IANA, PK_KIND_ASSIGNED, 0, { NULL } },
	{ NULL, 1010, 1010, PK_PROTO_TCP, PK_ORIGIN_IANA, PK_KIND_RESERVED, 0, { NULL } },
	{ "big", 1020, 1020, PK_PROTO_TCP, PK_ORIGIN_IANA, PK_KIND_ASSIGNED, 0,
	  { "big-alias-number-one", "big-alias-number-two", "big-alias-number-three", NULL } },
	{ "hbci", 3000, 3000, PK_PROTO_TCP, PK_ORIGIN_IANA, PK_KIND_ASSIGNED, 0, { NULL } },
	{ "grafana", 3000, 3000, PK_PROTO_TCP, PK_ORIGIN_UNOFFICIAL, PK_KIND_ASSIGNED, 0, { NULL } },
	{ "flask", 5000, 5000, PK_PROTO_TCP, PK_ORIGIN_UNOFFICIAL, PK_KIND_ASSIGNED, 0, { NULL } },
	{ "x11", 6000, 6002, PK_PROTO_TCP, PK_ORIGIN_SUPPLEMENT, PK_KIND_ASSIGNED, 0, { NULL } },
	{ "x11-1", 6001, 6001, PK_PROTO_TCP, PK_ORIGIN_IANA, PK_KIND_ASSIGNED, 0, { NULL } },
	{ "boe-any", 7000, 7001, PK_PROTO_NONE, PK_ORIGIN_IANA, PK_KIND_ASSIGNED, 0, { NULL } },
	{ "Mixed-Case", 7100, 7100, PK_PROTO_UDP, PK_ORIGIN_IANA, PK_KIND_ASSIGNED, 0, { NULL } },
	{ "dnssd-only", 0, 0, PK_PROTO_NONE, PK_ORIGIN_IANA, PK_KIND_ASSIGNED, 0, { NULL } },
};

int main(int argc, char **argv)
{
	pk_builder *b = pk__builder_new();
	pk_registry *reg = NULL;
	pk_error err = { 0 };
	void *data = NULL;
	size_t len = 0;
	pk_status st = PK_NOMEM;

	bool variant_b = argc > 3 && strcmp(argv[3], "b") == 0;

	if (argc < 2 || argc > 4) {
		fputs("usage: services_fixture OUT.idx [SOURCE [b]]\n", stderr);
		return 2;
	}
	if (b == NULL)
		goto fail;
	if ((st = pk__builder_set_source(b, argc > 2 ? argv[2] : "services view fixture")) != PK_OK ||
	    (st = pk__builder_set_updated(b, "2026-01-01")) != PK_OK)
		goto fail;
	for (size_t i = 0; i < sizeof records / sizeof records[0]; i++) {
		const fx *f = &records[i];
		pk_record r;
		uint32_t at;
		memset(&r, 0, sizeof r);
		r.name = f->name;
		r.has_port = f->lo != 0;
		r.port_lo = (uint16_t)f->lo;
		r.port_hi = (uint16_t)f->hi;
		r.proto = f->proto;
		r.kind = f->kind;
		r.origin = f->origin;
		r.flags = f->flags;
		r.description = f->name != NULL ? "fixture" : "Reserved";
		r.alias_of = (f->flags & PK_RECFLAG_HISTORIC) ? "whoispp" : "";
		if (variant_b && f->lo == 1020) {
			r.name = "huge";
			if ((st = pk__builder_add(b, &r, &at)) != PK_OK ||
			    (st = pk__builder_add_alias(b, at, "huge-alias")) != PK_OK)
				goto fail;
			continue;
		}
		if ((st = pk__builder_add(b, &r, &at)) != PK_OK)
			goto fail;
		for (size_t k = 0; f->aliases[k] != NULL; k++)
			if ((st = pk__builder_add_alias(b, at, f->aliases[k])) != PK_OK)
				goto fail;
	}
	if ((st = pk__builder_finish(b, &data, &len, &err)) != PK_OK ||
	    (st = pk_registry_open_mem(data, len, &reg, &err)) != PK_OK ||
	    (st = pk_registry_save(reg, argv[1], &err)) != PK_OK)
		goto fail;
	pk_registry_close(reg);
	free(data);
	pk__builder_free(b);
	return 0;
fail:
	fprintf(stderr, "services_fixture: %s\n", err.message[0] ? err.message : pk_strerror(st));
	pk_registry_close(reg);
	free(data);
	pk__builder_free(b);
	return 1;
}
