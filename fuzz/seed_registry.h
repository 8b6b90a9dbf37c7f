/* seed_registry.h - small registries with every kind of field, built
 * through the builder: the seeds of fuzz_index (mkseed_index.c) and the
 * base index its patch mode mutates. */
#ifndef SEED_REGISTRY_H
#define SEED_REGISTRY_H

#include "registry/registry_internal.h"

/* A fixed key: a seed, and the base index fuzz_index patches, must be
 * the same bytes in every run for a crash input to replay. */
static const pk_sipkey seed_key = { 0x0123456789abcdefull, 0xfedcba9876543210ull };

/* which: 0 empty, 1 one record, 2 a few records with ranges, aliases,
 * references, people, text and unknown-id parties.  NULL on failure. */
static pk_builder *seed_registry(int which)
{
	pk_builder *b = pk__builder_new_keyed(&seed_key);
	uint32_t i;

	if (b == NULL || which == 0)
		return b;
	pk_record http = { .name = "http", .proto = PK_PROTO_TCP, .has_port = true,
			   .port_lo = 80, .port_hi = 80, .description = "World Wide Web HTTP" };
	if (pk__builder_add(b, &http, &i) != PK_OK)
		goto fail;
	if (which == 1)
		return b;
	pk_record x11 = { .name = "x11", .proto = PK_PROTO_UDP, .has_port = true,
			  .port_lo = 6000, .port_hi = 6063, .description = "X Window System",
			  .registered = "1992-05", .flags = PK_RECFLAG_HISTORIC, .alias_of = "x" };
	pk_record none = { .proto = PK_PROTO_NONE, .has_port = true, .kind = PK_KIND_RESERVED,
			   .description = "Reserved" };
	pk_record noport = { .name = "svc", .proto = PK_PROTO_SCTP, .description = "no port" };
	pk_record www = { .name = "WWW", .proto = PK_PROTO_TCP, .has_port = true,
			  .port_lo = 80, .port_hi = 80, .description = "World Wide Web HTTP" };
	if (pk__builder_add_alias(b, i, "www") != PK_OK ||
	    pk__builder_add_ref(b, i, PK_REF_RFC, "rfc9110") != PK_OK ||
	    pk__builder_add_ref(b, i, PK_REF_PERSON, "IESG") != PK_OK ||
	    pk__builder_add_assignee(b, i, "IESG", NULL) != PK_OK ||
	    pk__builder_add_contact(b, i, NULL, "free text") != PK_OK ||
	    pk__builder_add_contact(b, i, "Nobody_Known", NULL) != PK_OK ||
	    pk__builder_add_person(b, "IESG", "IESG", "IETF", "mailto:iesg&ietf.org", "2020-01") != PK_OK ||
	    pk__builder_add_person(b, "Z", "Zed", NULL, NULL, NULL) != PK_OK ||
	    pk__builder_add(b, &x11, NULL) != PK_OK || pk__builder_add(b, &none, NULL) != PK_OK ||
	    pk__builder_add(b, &noport, NULL) != PK_OK || pk__builder_add(b, &www, NULL) != PK_OK ||
	    pk__builder_set_source(b, "seed") != PK_OK ||
	    pk__builder_set_updated(b, "2026-01-01") != PK_OK)
		goto fail;
	return b;
fail:
	pk__builder_free(b);
	return NULL;
}

#endif
