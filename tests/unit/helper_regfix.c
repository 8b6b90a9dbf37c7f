/* helper_regfix.c - the registry fixture of the registry/index tests.
 *
 * Records (inserted out of order on purpose; the index sorts them):
 *   port 0        Reserved tcp, Reserved udp
 *   35/tcp        nameless "any private printer server" (kind OTHER)
 *   43            whois/tcp; nicname/tcp and nicname/udp, historic aliases of whois
 *   51            Reserved with no transport
 *   63/tcp        whois++          66/tcp sql*net
 *   80            http tcp, udp, sctp; www/tcp; www-http/tcp
 *   81            Unassigned with no transport
 *   88            kerberos tcp+udp (aliases kerberos5 krb5 [kerberos-sec]),
 *                 KERBEROS/sctp (another spelling)
 *   210/tcp       z39.50           211/tcp 914c/g
 *   591, 8008, 8080/tcp and 8080/udp   http-alt (one name, several ports)
 *   1030-1040/tcp Unassigned range; 1030/tcp iad1 inside it
 *   1999/udp      De-registered
 *   5353          mdns tcp+udp ("Multicast DNS")
 *   6000-6063     x11 tcp+udp       6514/dccp syslog-tls (service code)
 *   9999/tcp      netbase-only (origin services, alias nbo, no description)
 *   25565/tcp     minecraft (origin unofficial)
 *   27000-27009   flex-lm/tcp (origin supplement)
 *   65535/tcp     Reserved
 *   no port       xmpp-bosh/tcp; nameonly-svc (no transport either)
 * People: IESG, IETF_Chair, Stephen_Gildea, _3GPP (unreferenced).
 */
#include <dirent.h>
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "helper_regfix.h"

typedef struct fix {
	const char *name;
	pk_proto proto;
	int lo, hi; /* lo < 0: no port */
	pk_rec_origin origin;
	uint32_t flags;
	const char *description;
} fix;

static uint32_t add(pk_builder *b, const fix *f)
{
	pk_record in = {
		.name = f->name,
		.proto = f->proto,
		.has_port = f->lo >= 0,
		.port_lo = (uint16_t)(f->lo < 0 ? 0 : f->lo),
		.port_hi = (uint16_t)(f->lo < 0 ? 0 : f->hi < 0 ? f->lo : f->hi),
		.kind = pk__kind_from(f->name, f->description),
		.origin = f->origin,
		.flags = f->flags,
		.description = f->description,
	};
	uint32_t idx = UINT32_MAX;

	assert_int_equal(pk__builder_add(b, &in, &idx), PK_OK);
	return idx;
}

#define TCP PK_PROTO_TCP
#define UDP PK_PROTO_UDP
#define SCTP PK_PROTO_SCTP
#define DCCP PK_PROTO_DCCP
#define NONE PK_PROTO_NONE
#define IANA PK_ORIGIN_IANA
#define H PK_RECFLAG_HISTORIC

pk_builder *regfix_builder(void)
{
	return regfix_builder_keyed(NULL);
}

pk_builder *regfix_builder_keyed(const pk_sipkey *key)
{
	pk_builder *b = pk__builder_new_keyed(key);
	uint32_t i;

	assert_non_null(b);
	assert_int_equal(pk__builder_set_source(b, "portkit test fixture"), PK_OK);
	assert_int_equal(pk__builder_set_updated(b, "2026-08-17"), PK_OK);
	pk__builder_add_flags(b, PK_REGFLAG_FULL);

	i = add(b, &(fix){ "x11", TCP, 6000, 6063, IANA, 0, "X Window System" });
	{
		pk_record in = { .name = "x11", .proto = UDP, .has_port = true,
				 .port_lo = 6000, .port_hi = 6063,
				 .kind = PK_KIND_ASSIGNED, .origin = IANA,
				 .description = "X Window System",
				 .unauthorized = "Known Unauthorized Use on port 6003" };
		assert_int_equal(pk__builder_add(b, &in, &i), PK_OK);
		assert_int_equal(pk__builder_add_ref(b, i, PK_REF_PERSON, "Stephen_Gildea"), PK_OK);
	}
	add(b, &(fix){ "xmpp-bosh", TCP, -1, -1, IANA, 0,
		       "Bidirectional-streams Over Synchronous HTTP (BOSH)" });
	add(b, &(fix){ NULL, TCP, 65535, -1, IANA, 0, "Reserved" });
	add(b, &(fix){ "nameonly-svc", NONE, -1, -1, IANA, 0,
		       "A service name with neither port nor transport" });
	add(b, &(fix){ "www-http", TCP, 80, -1, IANA, 0, "World Wide Web HTTP" });
	add(b, &(fix){ "www", TCP, 80, -1, IANA, 0, "World Wide Web HTTP" });
	{
		pk_record in = { .name = "http", .proto = TCP, .has_port = true,
				 .port_lo = 80, .port_hi = 80, .kind = PK_KIND_ASSIGNED,
				 .origin = IANA, .description = "World Wide Web HTTP",
				 .notes = "Defined TXT keys: u=<username> p=<password>",
				 .registered = "1992-05", .modified = "2022-06-14" };
		assert_int_equal(pk__builder_add(b, &in, &i), PK_OK);
		assert_int_equal(pk__builder_add_assignee(b, i, "IESG", NULL), PK_OK);
		assert_int_equal(pk__builder_add_contact(b, i, "IETF_Chair", ""), PK_OK);
		assert_int_equal(pk__builder_add_ref(b, i, PK_REF_PERSON, "IETF_Chair"), PK_OK);
		assert_int_equal(pk__builder_add_ref(b, i, PK_REF_RFC, "rfc9110"), PK_OK);
	}
	i = add(b, &(fix){ "http", UDP, 80, -1, IANA, 0, "World Wide Web HTTP" });
	assert_int_equal(pk__builder_add_assignee(b, i, "IESG", NULL), PK_OK);
	i = add(b, &(fix){ "http", SCTP, 80, -1, IANA, 0, "HTTP" });
	assert_int_equal(pk__builder_add_assignee(b, i, NULL, "IETF TSVWG"), PK_OK);
	assert_int_equal(pk__builder_add_contact(b, i, "Ghost_Person", NULL), PK_OK);
	assert_int_equal(pk__builder_add_ref(b, i, PK_REF_DRAFT, "draft-ietf-tsvwg-sctp"), PK_OK);
	assert_int_equal(pk__builder_add_ref(b, i, PK_REF_URI, "https://example.org/sctp"), PK_OK);
	assert_int_equal(pk__builder_add_ref(b, i, PK_REF_TEXT, "see the SCTP notes"), PK_OK);
	assert_int_equal(pk__builder_add_ref(b, i, PK_REF_NOTE, "note-7"), PK_OK);
	add(b, &(fix){ NULL, TCP, 0, -1, IANA, 0, "Reserved" });
	add(b, &(fix){ NULL, UDP, 0, -1, IANA, 0, "Reserved" });
	add(b, &(fix){ NULL, TCP, 35, -1, IANA, 0, "any private printer server" });
	add(b, &(fix){ "whois", TCP, 43, -1, IANA, 0, "Who Is" });
	{
		pk_record in = { .name = "nicname", .proto = TCP, .has_port = true,
				 .port_lo = 43, .port_hi = 43, .kind = PK_KIND_ASSIGNED,
				 .origin = IANA, .flags = H, .description = "Who Is",
				 .alias_of = "whois" };
		assert_int_equal(pk__builder_add(b, &in, NULL), PK_OK);
		in.proto = UDP;
		assert_int_equal(pk__builder_add(b, &in, NULL), PK_OK);
	}
	add(b, &(fix){ NULL, NONE, 51, -1, IANA, 0, "Reserved" });
	add(b, &(fix){ "whois++", TCP, 63, -1, IANA, 0, "whois++" });
	add(b, &(fix){ "sql*net", TCP, 66, -1, IANA, 0, "Oracle SQL*NET" });
	add(b, &(fix){ NULL, NONE, 81, -1, IANA, 0, "Unassigned" });
	i = add(b, &(fix){ "kerberos", TCP, 88, -1, IANA, 0, "Kerberos" });
	assert_int_equal(pk__builder_add_alias(b, i, "kerberos5"), PK_OK);
	assert_int_equal(pk__builder_add_alias(b, i, "krb5"), PK_OK);
	assert_int_equal(pk__builder_add_alias(b, i, "kerberos-sec"), PK_OK);
	i = add(b, &(fix){ "kerberos", UDP, 88, -1, IANA, 0, "Kerberos" });
	assert_int_equal(pk__builder_add_alias(b, i, "kerberos5"), PK_OK);
	assert_int_equal(pk__builder_add_alias(b, i, "krb5"), PK_OK);
	add(b, &(fix){ "KERBEROS", SCTP, 88, -1, IANA, 0, "Kerberos over SCTP" });
	add(b, &(fix){ "z39.50", TCP, 210, -1, IANA, 0, "ANSI Z39.50" });
	add(b, &(fix){ "914c/g", TCP, 211, -1, IANA, 0, "Texas Instruments 914C/G Terminal" });
	add(b, &(fix){ "http-alt", TCP, 8080, -1, IANA, 0, "HTTP Alternate (see port 80)" });
	add(b, &(fix){ "http-alt", UDP, 8080, -1, IANA, 0, "HTTP Alternate (see port 80)" });
	add(b, &(fix){ "http-alt", TCP, 8008, -1, IANA, 0, "HTTP Alternate" });
	add(b, &(fix){ "http-alt", TCP, 591, -1, IANA, 0,
		       "FileMaker, Inc. - HTTP Alternate (see Port 80)" });
	add(b, &(fix){ "iad1", TCP, 1030, -1, IANA, 0, "BBN IAD" });
	add(b, &(fix){ NULL, TCP, 1030, 1040, IANA, 0, "Unassigned" });
	add(b, &(fix){ NULL, UDP, 1999, -1, IANA, 0, "De-registered" });
	add(b, &(fix){ "mdns", UDP, 5353, -1, IANA, 0, "Multicast DNS" });
	add(b, &(fix){ "mdns", TCP, 5353, -1, IANA, 0, "Multicast DNS" });
	{
		pk_record in = { .name = "syslog-tls", .proto = DCCP, .has_port = true,
				 .port_lo = 6514, .port_hi = 6514, .kind = PK_KIND_ASSIGNED,
				 .origin = IANA, .description = "syslog over DTLS",
				 .service_code = "1398361159", .registered = "2010-02-05" };
		assert_int_equal(pk__builder_add(b, &in, &i), PK_OK);
		assert_int_equal(pk__builder_add_ref(b, i, PK_REF_RFC, "rfc6012"), PK_OK);
	}
	i = add(b, &(fix){ "netbase-only", TCP, 9999, -1, PK_ORIGIN_SERVICES, 0, NULL });
	assert_int_equal(pk__builder_add_alias(b, i, "nbo"), PK_OK);
	add(b, &(fix){ "minecraft", TCP, 25565, -1, PK_ORIGIN_UNOFFICIAL, 0, "Minecraft server" });
	add(b, &(fix){ "flex-lm", TCP, 27000, 27009, PK_ORIGIN_SUPPLEMENT, 0, "FLEX LM (1-10)" });

	assert_int_equal(pk__builder_add_person(b, "_3GPP", NULL, "3GPP",
					       "mailto:dongwook.kim&etsi.org", "2026-01-23"), PK_OK);
	assert_int_equal(pk__builder_add_person(b, "Stephen_Gildea", "Stephen Gildea", NULL,
					       "mailto:gildea&stop.mail-abuse.org", NULL), PK_OK);
	assert_int_equal(pk__builder_add_person(b, "IETF_Chair", "IETF Chair", "IETF",
					       "mailto:chair&ietf.org", "2015-05-11"), PK_OK);
	assert_int_equal(pk__builder_add_person(b, "IESG", "Internet Engineering Steering Group",
					       NULL, "mailto:iesg&ietf.org", NULL), PK_OK);
	assert_int_equal(pk__builder_count(b), 38);
	return b;
}

void *regfix_finish(const pk_builder *b, size_t *len)
{
	void *data = NULL;
	pk_error err;

	if (pk__builder_finish(b, &data, len, &err) != PK_OK)
		fail_msg("pk__builder_finish: %s", err.message);
	return data;
}

pk_registry *regfix_open(const pk_builder *b)
{
	size_t len;
	void *data = regfix_finish(b, &len);
	pk_registry *reg = NULL;
	pk_error err;

	if (pk__registry_from_index(data, len, PK_MEM_HEAP, false, "fixture", &reg,
				   &err) != PK_OK)
		fail_msg("pk__registry_from_index: %s", err.message);
	return reg;
}

void *regfix_index(size_t *len)
{
	pk_builder *b = regfix_builder();
	void *data = regfix_finish(b, len);

	pk__builder_free(b);
	return data;
}

pk_registry *regfix_registry(void)
{
	pk_builder *b = regfix_builder();
	pk_registry *reg = regfix_open(b);

	pk__builder_free(b);
	return reg;
}

const char *regfix_describe(const pk_registry *reg, pk_recid id, char *buf)
{
	static const char *const kinds[] = { "#assigned", "#reserved", "#unassigned",
					     "#deregistered", "#other" };
	pk_record r;
	char port[16] = "-";

	assert_int_equal(pk_record_get(reg, id, &r, NULL), PK_OK);
	if (r.has_port && r.port_lo == r.port_hi)
		snprintf(port, sizeof port, "%u", (unsigned)r.port_lo);
	else if (r.has_port)
		snprintf(port, sizeof port, "%u-%u", (unsigned)r.port_lo, (unsigned)r.port_hi);
	snprintf(buf, 128, "%s/%s/%s", r.name ? r.name : kinds[r.kind],
		 r.proto == PK_PROTO_NONE ? "-" : pk_proto_name(r.proto), port);
	return buf;
}

const char *regfix_list(const pk_registry *reg, const pk_recid *ids, size_t n)
{
	static char out[16384];
	char one[128];
	size_t o = 0;

	out[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		int k = snprintf(out + o, sizeof out - o, "%s%s", i ? " " : "",
				 regfix_describe(reg, ids[i], one));
		assert_true(k > 0 && (size_t)k < sizeof out - o);
		o += (size_t)k;
	}
	return out;
}

/* Runs a lookup three ways: counting only, capped at 2, and in full;
 * the totals must agree and the capped ids must be the full list's head. */
#define RUN3(call_)                                                            \
	do {                                                                   \
		pk_recid *out = NULL;                                          \
		size_t cap = 0;                                                \
		size_t n0 = (call_);                                           \
		pk_recid two[2] = { 0xdead, 0xbeef };                          \
		out = two;                                                     \
		cap = 2;                                                       \
		size_t n2 = (call_);                                           \
		assert_int_equal(n0, n2);                                      \
		ids = calloc(n0 + 1, sizeof *ids);                             \
		assert_non_null(ids);                                          \
		out = ids;                                                     \
		cap = n0;                                                      \
		n = (call_);                                                   \
		assert_int_equal(n, n0);                                       \
		for (size_t k_ = 0; k_ < 2 && k_ < n; k_++)                    \
			assert_int_equal(two[k_], ids[k_]);                    \
		/* Nothing is written beyond the results. */                \
		if (n == 0)                                                    \
			assert_int_equal(two[0], 0xdead);                      \
		if (n < 2)                                                     \
			assert_int_equal(two[1], 0xbeef);                      \
	} while (0)

static const char *finish_list(const pk_registry *reg, pk_recid *ids, size_t n)
{
	const char *s = regfix_list(reg, ids, n);

	free(ids);
	return s;
}

const char *regfix_port(const pk_registry *reg, unsigned port, unsigned mask)
{
	pk_recid *ids;
	size_t n;

	RUN3(pk_lookup_port(reg, (uint16_t)port, mask, out, cap));
	return finish_list(reg, ids, n);
}

const char *regfix_name(const pk_registry *reg, const char *name, unsigned mask)
{
	pk_recid *ids;
	size_t n;

	RUN3(pk_lookup_name(reg, name, mask, out, cap));
	return finish_list(reg, ids, n);
}

const char *regfix_range(const pk_registry *reg, unsigned lo, unsigned hi,
			 unsigned mask)
{
	pk_recid *ids;
	size_t n;

	RUN3(pk_lookup_range(reg, (uint16_t)lo, (uint16_t)hi, mask, out, cap));
	return finish_list(reg, ids, n);
}

const char *regfix_search(const pk_registry *reg, const char *words,
			  unsigned mask)
{
	char buf[4096];
	const char *w[64];
	size_t nw = 0;
	pk_recid *ids;
	size_t n;

	snprintf(buf, sizeof buf, "%s", words);
	for (char *save = NULL, *t = strtok_r(buf, " ", &save); t && nw < 64;
	     t = strtok_r(NULL, " ", &save))
		w[nw++] = t;
	RUN3(pk_search(reg, w, nw, mask, out, cap));
	return finish_list(reg, ids, n);
}

char *regfix_tmpdir(void)
{
	char tmpl[] = "/tmp/portkit-test.XXXXXX";
	char *d = mkdtemp(tmpl);

	assert_non_null(d);
	d = strdup(d);
	assert_non_null(d);
	return d;
}

void regfix_rmtree(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[4096];

	if (d == NULL)
		return;
	chmod(dir, 0700);
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		struct stat sb;
		if (lstat(path, &sb) == 0 && S_ISDIR(sb.st_mode))
			regfix_rmtree(path);
		else
			unlink(path);
	}
	closedir(d);
	rmdir(dir);
}

size_t regfix_count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t n = 0;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}
