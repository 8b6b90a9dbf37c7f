/* test_update.c - pk_registry_add_extras(): what `portkit update` keeps
 * from the embedded snapshot when it installs IANA's registry. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "helper_regfix.h"

static uint32_t add(pk_builder *b, const char *name, pk_proto proto,
		    unsigned lo, unsigned hi, pk_rec_origin origin,
		    const char *desc)
{
	pk_record in = { .name = name, .proto = proto, .has_port = true,
			 .port_lo = (uint16_t)lo, .port_hi = (uint16_t)hi,
			 .kind = PK_KIND_ASSIGNED, .origin = origin,
			 .description = desc };
	uint32_t idx;

	assert_int_equal(pk__builder_add(b, &in, &idx), PK_OK);
	return idx;
}

/* IANA's registry as `portkit update` downloads it. */
static pk_registry *base_registry(void)
{
	pk_builder *b = pk__builder_new();

	assert_non_null(b);
	assert_int_equal(pk__builder_set_source(b, "IANA XML"), PK_OK);
	assert_int_equal(pk__builder_set_updated(b, "2026-08-17"), PK_OK);
	pk__builder_add_flags(b, PK_REGFLAG_FULL | PK_REGFLAG_METADATA);
	add(b, "ssh", PK_PROTO_TCP, 22, 22, PK_ORIGIN_IANA, "The Secure Shell (SSH) Protocol");
	add(b, "http", PK_PROTO_TCP, 80, 80, PK_ORIGIN_IANA, "World Wide Web HTTP");
	add(b, "www", PK_PROTO_TCP, 80, 80, PK_ORIGIN_IANA, "World Wide Web HTTP");
	add(b, "kerberos", PK_PROTO_UDP, 88, 88, PK_ORIGIN_IANA, "Kerberos");
	add(b, "x11", PK_PROTO_TCP, 6000, 6063, PK_ORIGIN_IANA, "X Window System");
	pk_registry *reg = regfix_open(b);
	pk__builder_free(b);
	return reg;
}

/* A snapshot like the embedded one: npm records carrying netbase aliases,
 * netbase-only names, the supplement and unofficial uses. */
static pk_registry *snapshot_registry(void)
{
	pk_builder *b = pk__builder_new();

	assert_non_null(b);
	assert_int_equal(pk__builder_set_source(b, "embedded snapshot"), PK_OK);
	pk__builder_add_flags(b, PK_REGFLAG_EMBEDDED | PK_REGFLAG_UNOFFICIAL);
	/* npm's record with netbase's aliases folded in. */
	uint32_t k = add(b, "kerberos", PK_PROTO_UDP, 88, 88, PK_ORIGIN_IANA, "Kerberos");
	assert_int_equal(pk__builder_add_alias(b, k, "krb5"), PK_OK);
	/* An npm record IANA has since dropped, with a netbase alias. */
	uint32_t m = add(b, "smtp", PK_PROTO_TCP, 25, 25, PK_ORIGIN_IANA, "Simple Mail Transfer");
	assert_int_equal(pk__builder_add_alias(b, m, "mail"), PK_OK);
	/* npm records without aliases: IANA's copy wins, nothing is added. */
	add(b, "ssh", PK_PROTO_TCP, 22, 22, PK_ORIGIN_IANA, "old description");
	add(b, "gone", PK_PROTO_TCP, 999, 999, PK_ORIGIN_IANA, "dropped by IANA");
	/* netbase's own record on 80/tcp, where npm has www-http. */
	uint32_t h = add(b, "http", PK_PROTO_TCP, 80, 80, PK_ORIGIN_SERVICES, "WorldWideWeb HTTP");
	assert_int_equal(pk__builder_add_alias(b, h, "www"), PK_OK);
	add(b, "webmin", PK_PROTO_TCP, 10000, 10000, PK_ORIGIN_SERVICES, "");
	add(b, "x11", PK_PROTO_TCP, 6000, 6063, PK_ORIGIN_SUPPLEMENT, "X Window System");
	add(b, "grafana", PK_PROTO_TCP, 3000, 3000, PK_ORIGIN_UNOFFICIAL, "Grafana web UI");
	pk_registry *reg = regfix_open(b);
	pk__builder_free(b);
	return reg;
}

static const char *origin_of(const pk_registry *reg, const char *name,
			     unsigned port)
{
	static const char *const names[] = { "iana", "services", "supplement",
					     "unofficial" };
	pk_recid ids[8];
	size_t n = pk_lookup_name(reg, name, PK_PROTOMASK_ANY, ids, 8);

	for (size_t i = 0; i < n && i < 8; i++) {
		pk_record r;
		assert_int_equal(pk_record_get(reg, ids[i], &r, NULL), PK_OK);
		if (r.has_port && r.port_lo == port)
			return names[r.origin];
	}
	return "absent";
}

static void test_extras(void **state)
{
	pk_registry *base = base_registry();
	pk_registry *snap = snapshot_registry();
	pk_registry *out = NULL;
	pk_error err;

	(void)state;
	assert_int_equal(pk_registry_add_extras(base, snap, &out, &err), PK_OK);
	/* Every IANA record, plus smtp (name + alias), webmin, grafana. */
	assert_int_equal(pk_registry_count(out), 5 + 3);
	/* netbase aliases join IANA's records of the same name. */
	assert_string_equal(regfix_name(out, "krb5", PK_PROTOMASK_ANY), "kerberos/udp/88");
	assert_string_equal(origin_of(out, "krb5", 88), "iana");
	assert_string_equal(regfix_name(out, "www", PK_PROTOMASK_ANY),
			    "http/tcp/80 www/tcp/80");
	assert_string_equal(origin_of(out, "http", 80), "iana");
	/* IANA's description is kept, the snapshot's npm copy is not used. */
	assert_string_equal(regfix_name(out, "ssh", PK_PROTOMASK_ANY), "ssh/tcp/22");
	pk_recid id;
	assert_int_equal(pk_lookup_name(out, "ssh", PK_PROTOMASK_ANY, &id, 1), 1);
	pk_record r;
	assert_int_equal(pk_record_get(out, id, &r, NULL), PK_OK);
	assert_string_equal(r.description, "The Secure Shell (SSH) Protocol");
	/* What IANA dropped stays dropped; a netbase alias keeps its name. */
	assert_string_equal(origin_of(out, "gone", 999), "absent");
	assert_string_equal(regfix_name(out, "mail", PK_PROTOMASK_ANY), "smtp/tcp/25");
	assert_string_equal(origin_of(out, "smtp", 25), "services");
	assert_string_equal(origin_of(out, "webmin", 10000), "services");
	assert_string_equal(origin_of(out, "grafana", 3000), "unofficial");
	/* The supplement's ranges are IANA's: the new registry has its own. */
	assert_string_equal(regfix_name(out, "x11", PK_PROTOMASK_ANY), "x11/tcp/6000-6063");
	assert_string_equal(origin_of(out, "x11", 6000), "iana");

	pk_registry_info info;
	pk_registry_get_info(out, &info);
	assert_string_equal(info.source,
			    "IANA XML + services(5) names and unofficial uses from the embedded snapshot");
	assert_string_equal(info.updated, "2026-08-17");
	assert_true(info.flags & PK_REGFLAG_FULL);
	assert_true(info.flags & PK_REGFLAG_UNOFFICIAL);
	assert_false(info.flags & PK_REGFLAG_EMBEDDED);
	pk_registry_close(out);
	pk_registry_close(snap);
	pk_registry_close(base);
}

static void test_no_extras(void **state)
{
	pk_registry *base = base_registry();
	pk_registry *out = NULL;
	pk_error err;

	(void)state;
	assert_int_equal(pk_registry_add_extras(base, NULL, &out, &err), PK_OK);
	assert_int_equal(pk_registry_count(out), pk_registry_count(base));
	/* regfix_range() returns a static buffer: copy one side. */
	char *want = strdup(regfix_range(base, 0, 65535, PK_PROTOMASK_ANY));
	assert_non_null(want);
	assert_string_equal(regfix_range(out, 0, 65535, PK_PROTOMASK_ANY), want);
	assert_string_equal(want, "ssh/tcp/22 http/tcp/80 www/tcp/80 kerberos/udp/88 x11/tcp/6000-6063");
	free(want);
	pk_registry_info info;
	pk_registry_get_info(out, &info);
	assert_string_equal(info.source, "IANA XML");
	pk_registry_close(out);
	pk_registry_close(base);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_extras),
		cmocka_unit_test(test_no_extras),
	};

	return cmocka_run_group_tests_name("update", tests, NULL, NULL);
}
