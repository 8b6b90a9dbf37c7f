/* test_index.c - the compiled index format: round trips, and validation
 * of truncated, corrupted and hand-broken indexes (every failure must be
 * PK_CORRUPT or PK_VERSION with a message, never a crash: run these under
 * ASan with `make check-san`). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "registry/index.h"
#include "helper_regfix.h"
#include "exercise_registry.h"

static unsigned char *fixture_copy(size_t *len)
{
	void *d = regfix_index(len);
	/* malloc'd, so 8-byte aligned */
	return d;
}

static pk_idx_header *hdr_of(unsigned char *d)
{
	return (pk_idx_header *)d;
}

static void *sec(unsigned char *d, int s)
{
	return d + hdr_of(d)->sections[s].offset;
}

/* Recomputes both checksums, so only the structural checks can object. */
static void reseal(unsigned char *d, size_t len)
{
	pk_idx_header *h = hdr_of(d);

	h->body_checksum = pk__hash64(d + sizeof *h, len - sizeof *h, 0);
	h->header_checksum = pk__idx_header_checksum(d, sizeof *h);
}

static void test_roundtrip_header(void **state)
{
	size_t len;
	unsigned char *d = fixture_copy(&len);
	pk_idx_header *h = hdr_of(d);
	pk_registry *reg = NULL;
	pk_registry_info info;
	pk_error err;

	(void)state;
	assert_memory_equal(h->magic, "PKIDX\r\n\x1a", 8);
	assert_int_equal(h->version, 3);
	assert_int_equal(h->header_size, sizeof *h);
	assert_int_equal(h->file_size, len);
	assert_int_equal(len % 8, 0);
	for (int s = 0; s < PK_SEC_COUNT_; s++) {
		assert_int_equal(h->sections[s].id, s);
		assert_int_equal(h->sections[s].offset % 8, 0);
	}
	assert_int_equal(h->sections[PK_SEC_RECORDS].count, 38);
	assert_int_equal(h->sections[PK_SEC_PORTS].count, 65537);
	/* 36 records with a port; x11 tcp+udp and the 1030-1040 and flex-lm
	 * ranges add 2*63 + 10 + 9 postings. */
	assert_int_equal(h->sections[PK_SEC_PORT_POSTINGS].count, 36 + 2 * 63 + 10 + 9);
	assert_int_equal(h->sections[PK_SEC_PEOPLE].count, 4);

	assert_int_equal(pk__registry_from_index(d, len, PK_MEM_HEAP, false, "fixture", &reg,
						&err), PK_OK);
	pk_registry_get_info(reg, &info);
	assert_string_equal(info.source, "portkit test fixture");
	assert_string_equal(info.updated, "2026-08-17");
	assert_string_equal(info.origin, "fixture");
	assert_int_equal(info.records, 38);
	assert_int_equal(info.people, 4);
	/* whois nicname whois++ sql*net http www www-http kerberos kerberos5
	 * krb5 kerberos-sec z39.50 914c/g http-alt iad1 mdns x11 syslog-tls
	 * netbase-only nbo minecraft flex-lm nameonly-svc xmpp-bosh */
	assert_int_equal(info.names, 24);
	assert_int_equal(info.counts_by_proto[PK_PROTO_NONE], 3);
	assert_int_equal(info.counts_by_proto[PK_PROTO_TCP], 24);
	assert_int_equal(info.counts_by_proto[PK_PROTO_UDP], 8);
	assert_int_equal(info.counts_by_proto[PK_PROTO_SCTP], 2);
	assert_int_equal(info.counts_by_proto[PK_PROTO_DCCP], 1);
	pk_registry_close(reg); /* frees d */
}

static void test_hash_properties(void **state)
{
	unsigned char buf[200];

	(void)state;
	for (size_t i = 0; i < sizeof buf; i++)
		buf[i] = (unsigned char)(i * 37 + 11);
	/* Every single-bit change of every length is seen. */
	for (size_t len = 1; len <= sizeof buf; len += 13) {
		uint64_t h0 = pk__hash64(buf, len, 0);
		for (size_t i = 0; i < len; i++) {
			for (int bit = 0; bit < 8; bit++) {
				buf[i] ^= (unsigned char)(1u << bit);
				assert_true(pk__hash64(buf, len, 0) != h0);
				buf[i] ^= (unsigned char)(1u << bit);
			}
		}
		assert_true(pk__hash64(buf, len, 1) != h0);
	}
	/* Length matters, even for zero bytes. */
	unsigned char z[16] = { 0 };
	for (size_t a = 0; a < 16; a++)
		for (size_t b = a + 1; b <= 16; b++)
			assert_true(pk__hash64(z, a, 0) != pk__hash64(z, b, 0));
	/* Name hashing ignores ASCII case only, and is SipHash-2-4 of the
	 * lower-cased bytes under the key. */
	pk_sipkey k = { 1, 2 }, k2 = { 1, 3 };
	assert_int_equal(pk__name_hash(&k, "HTTP", SIZE_MAX), pk__name_hash(&k, "http", SIZE_MAX));
	assert_int_equal(pk__name_hash(&k, "http-alt", 4), pk__name_hash(&k, "http", SIZE_MAX));
	assert_int_not_equal(pk__name_hash(&k, "http", SIZE_MAX), pk__name_hash(&k, "https", SIZE_MAX));
	assert_int_not_equal(pk__name_hash(&k, "ÄÖ", SIZE_MAX), pk__name_hash(&k, "äö", SIZE_MAX));
	assert_int_equal(pk__name_hash(&k, "Mixed-CASE_Name.With/Slash", SIZE_MAX),
			 (uint32_t)pk__siphash24(&k, "mixed-case_name.with/slash", 26));
	/* The key decides: the same name under another key hashes apart. */
	assert_int_not_equal(pk__name_hash(&k, "http", SIZE_MAX), pk__name_hash(&k2, "http", SIZE_MAX));
}

static void expect_fail(const unsigned char *d, size_t len, bool trusted,
			pk_status want, const char *needle)
{
	pk_registry *reg = (pk_registry *)0x1;
	pk_error err;

	pk__error_clear(&err);
	pk_status st = pk__registry_from_index(d, len, PK_MEM_STATIC, trusted, "t.idx",
					      &reg, &err);
	if (st != want)
		fail_msg("expected %s, got %s (%s), needle '%s'", pk_status_name(want),
			 pk_status_name(st), err.message, needle ? needle : "");
	assert_null(reg);
	assert_int_equal(err.status, want);
	assert_non_null(strstr(err.message, "t.idx"));
	if (needle != NULL && strstr(err.message, needle) == NULL)
		fail_msg("message '%s' lacks '%s'", err.message, needle);
}

static void test_truncated_at_every_length(void **state)
{
	size_t len;
	unsigned char *d = fixture_copy(&len);

	(void)state;
	for (size_t l = 0; l < len; l++) {
		expect_fail(d, l, false, PK_CORRUPT, NULL);
		expect_fail(d, l, true, PK_CORRUPT, NULL);
	}
	expect_fail(d, 3, false, PK_CORRUPT, "truncated");
	expect_fail(d, 100, false, PK_CORRUPT, "the header alone needs");
	expect_fail(d, len - 1, false, PK_CORRUPT, "truncated");
	free(d);
}

/* A truncation whose header was "fixed" to match: the section table must
 * catch what the size check no longer can. */
static void test_truncated_with_matching_size(void **state)
{
	size_t len;
	unsigned char *d = fixture_copy(&len);
	pk_idx_header *h = hdr_of(d);

	(void)state;
	for (size_t l = sizeof *h; l < len; l++) {
		h->file_size = l;
		expect_fail(d, l, true, PK_CORRUPT, NULL);
	}
	h->file_size = len - 8;
	expect_fail(d, len - 8, true, PK_CORRUPT, "outside the file");
	free(d);
}

static size_t flips, flips_accepted;

/* Flips byte i of d (a len-byte index) and checks the outcome. */
static void flip_one(unsigned char *d, size_t len, size_t i)
{
	pk_registry *reg = NULL;
	pk_error err;

	flips++;
	d[i] ^= 0x5a;
	bool version = i >= 8 && i < 12;
	expect_fail(d, len, false, version ? PK_VERSION : PK_CORRUPT, NULL);
	/* Trusted (no checksum): validation alone must stop anything that
	 * could make a lookup read outside the index. */
	if (pk__registry_from_index(d, len, PK_MEM_STATIC, true, "t", &reg, &err) == PK_OK) {
		flips_accepted++;
		(void)exercise_registry(reg);
		pk_registry_close(reg);
	} else {
		assert_true(err.status == PK_CORRUPT || err.status == PK_VERSION);
		assert_true(err.message[0] != '\0');
	}
	d[i] ^= 0x5a;
}

static void test_flipped_bytes_in_every_section(void **state)
{
	size_t len;
	unsigned char *d = fixture_copy(&len);
	pk_idx_header *h = hdr_of(d);

	(void)state;
	for (size_t i = 0; i < sizeof *h; i++)
		flip_one(d, len, i);
	for (int s = 0; s < PK_SEC_COUNT_; s++) {
		size_t off = h->sections[s].offset, size = h->sections[s].size;
		if (size == 0)
			continue;
		size_t step = size / 256 + 1;
		for (size_t i = 0; i < size; i++)
			if (i < 64 || i + 64 >= size || i % step == 0)
				flip_one(d, len, off + i);
	}
	/* And the final padding byte, also under the checksum. */
	flip_one(d, len, len - 1);
	print_message("%zu flips; %zu passed the trusted (checksum-less) validation\n",
		      flips, flips_accepted);
	free(d);
}

static void test_checksums(void **state)
{
	size_t len;
	unsigned char *d = fixture_copy(&len);
	pk_idx_header *h = hdr_of(d);
	pk_registry *reg;
	pk_error err;

	(void)state;
	h->body_checksum ^= 1;
	expect_fail(d, len, false, PK_CORRUPT, "checksum mismatch");
	h->body_checksum ^= 1;
	h->flags ^= 1; /* header data is under the header checksum */
	expect_fail(d, len, false, PK_CORRUPT, "header checksum");
	h->flags ^= 1;
	/* A corrupted description: caught by the checksum unless trusted. */
	unsigned char *pool = sec(d, PK_SEC_STRINGS);
	unsigned char *x = memmem(pool, h->sections[PK_SEC_STRINGS].size, "X Window", 8);
	assert_non_null(x);
	x[0] = 'Y';
	expect_fail(d, len, false, PK_CORRUPT, "checksum mismatch");
	assert_int_equal(pk__registry_from_index(d, len, PK_MEM_STATIC, true, "t", &reg, &err),
			 PK_OK);
	pk_recid id;
	pk_record r;
	assert_int_equal(pk_lookup_name(reg, "x11", 0, &id, 1), 2);
	assert_int_equal(pk_record_get(reg, id, &r, NULL), PK_OK);
	assert_string_equal(r.description, "Y Window System");
	pk_registry_close(reg);
	free(d);
}

typedef void (*mutator)(unsigned char *d);

static void check_mutation(mutator m, pk_status want, const char *needle)
{
	size_t len;
	unsigned char *d = fixture_copy(&len);

	m(d);
	reseal(d, len);
	expect_fail(d, len, false, want, needle);
	free(d);
}

#define H(d) hdr_of(d)
#define SECT(d, s) (H(d)->sections[s])
#define RECS(d) ((pk_idx_rec *)sec(d, PK_SEC_RECORDS))
#define U32S(d, s) ((uint32_t *)sec(d, s))
#define NAMES(d) ((pk_idx_name *)sec(d, PK_SEC_NAMES))
#define ITEMS(d) ((pk_idx_item *)sec(d, PK_SEC_LISTS))
#define PEOPLE(d) ((pk_idx_person *)sec(d, PK_SEC_PEOPLE))
#define COUNTS(d) ((pk_idx_counts *)sec(d, PK_SEC_COUNTS))

/* The fixture's record ids (see test_builder's fixture_order). */
enum { R_HTTP_TCP = 9, R_HTTP_SCTP = 13, R_KERBEROS_TCP = 15, R_X11_UDP = 27 };

static void m_version(unsigned char *d) { H(d)->version = 4; }
static void m_magic(unsigned char *d) { d[0] = 'Q'; }
static void m_header_size(unsigned char *d) { H(d)->header_size += 8; }
static void m_section_count(unsigned char *d) { H(d)->section_count = 13; }
static void m_sec_id(unsigned char *d) { SECT(d, 3).id = 4; }
static void m_sec_align(unsigned char *d) { SECT(d, PK_SEC_RECORDS).offset += 4; }
static void m_sec_outside(unsigned char *d) { SECT(d, PK_SEC_TEXT).size += 1u << 20; }
static void m_sec_overlap(unsigned char *d) { SECT(d, PK_SEC_PEOPLE).offset = SECT(d, PK_SEC_LISTS).offset; }
static void m_sec_count(unsigned char *d) { SECT(d, PK_SEC_RECORDS).count += 1; }
static void m_pool_end(unsigned char *d)
{
	((char *)sec(d, PK_SEC_STRINGS))[SECT(d, PK_SEC_STRINGS).size - 1] = 'x';
}
static void m_pool_start(unsigned char *d) { ((char *)sec(d, PK_SEC_STRINGS))[0] = 'x'; }
static void m_source(unsigned char *d) { H(d)->source = SECT(d, PK_SEC_STRINGS).count; }
static void m_ports_count(unsigned char *d)
{
	SECT(d, PK_SEC_PORTS).count -= 2;
	SECT(d, PK_SEC_PORTS).size -= 8;
}
static void m_rec_string(unsigned char *d) { RECS(d)[5].description = SECT(d, PK_SEC_STRINGS).count; }
static void m_rec_alias_of(unsigned char *d) { RECS(d)[37].alias_of = 0xffffffffu; }
static void m_rec_proto(unsigned char *d) { RECS(d)[3].proto = 5; }
static void m_rec_kind(unsigned char *d) { RECS(d)[3].kind = 5; }
static void m_rec_origin(unsigned char *d) { RECS(d)[3].origin = 5; }
static void m_rec_has_port(unsigned char *d) { RECS(d)[3].has_port = 2; }
static void m_rec_ports(unsigned char *d) { RECS(d)[R_X11_UDP].port_hi = 5999; }
static void m_rec_portless_ports(unsigned char *d) { RECS(d)[36].port_hi = 9; }
static void m_rec_order(unsigned char *d) { RECS(d)[0].port_lo = 1000; RECS(d)[0].port_hi = 1000; }
static void m_rec_noport_first(unsigned char *d) { RECS(d)[0].has_port = 0; RECS(d)[0].port_lo = RECS(d)[0].port_hi = 0; }
static void m_rec_items(unsigned char *d) { RECS(d)[R_KERBEROS_TCP].items += 1; }
static void m_rec_alias_count(unsigned char *d) { RECS(d)[37].alias_count = 60000; }
static void m_alias(unsigned char *d) { ITEMS(d)[RECS(d)[R_KERBEROS_TCP].items].a = SECT(d, PK_SEC_STRINGS).count + 3; }
static void m_alias_empty(unsigned char *d) { ITEMS(d)[RECS(d)[R_KERBEROS_TCP].items].a = 0; }
static void m_ref_type(unsigned char *d) { ITEMS(d)[RECS(d)[R_HTTP_TCP].items].a = 6; }
static void m_ref_data(unsigned char *d) { ITEMS(d)[RECS(d)[R_HTTP_TCP].items].b = 0x7fffffffu; }
static void m_party(unsigned char *d)
{
	const pk_idx_rec *r = &RECS(d)[R_HTTP_TCP];
	ITEMS(d)[r->items + r->alias_count + r->ref_count].a = 4; /* 4 people */
}
static void m_party_text(unsigned char *d)
{
	const pk_idx_rec *r = &RECS(d)[R_HTTP_SCTP];
	ITEMS(d)[r->items + r->alias_count + r->ref_count].b = SECT(d, PK_SEC_STRINGS).count;
}
static void m_counts_records(unsigned char *d) { COUNTS(d)->records += 1; }
static void m_counts_port_records(unsigned char *d) { COUNTS(d)->port_records = 39; }
static void m_counts_proto(unsigned char *d) { COUNTS(d)->by_proto[1]++; COUNTS(d)->by_proto[2]--; }
static void m_counts_names(unsigned char *d) { COUNTS(d)->names += 1; }
static void m_port_monotonic(unsigned char *d) { U32S(d, PK_SEC_PORTS)[81] = 0; }
static void m_port_span(unsigned char *d) { U32S(d, PK_SEC_PORTS)[65536] -= 1; }
static void m_port_first(unsigned char *d) { U32S(d, PK_SEC_PORTS)[0] = 1; }
static void m_posting_range(unsigned char *d) { U32S(d, PK_SEC_PORT_POSTINGS)[0] = 38; }
static void m_names_pow2(unsigned char *d)
{
	SECT(d, PK_SEC_NAMES).count -= 1;
	SECT(d, PK_SEC_NAMES).size -= sizeof(pk_idx_name);
}
static pk_idx_name *some_name(unsigned char *d, bool used)
{
	pk_idx_name *n = NAMES(d);
	for (uint32_t j = 0; j < SECT(d, PK_SEC_NAMES).count; j++)
		if ((n[j].key != 0) == used)
			return &n[j];
	return NULL;
}
static void m_name_key(unsigned char *d) { some_name(d, true)->key = SECT(d, PK_SEC_STRINGS).count; }
static void m_name_postings(unsigned char *d) { some_name(d, true)->count = 1000; }
static void m_name_first(unsigned char *d) { some_name(d, true)->first = 0xfffffff0u; }
static void m_name_zero(unsigned char *d) { some_name(d, true)->count = 0; }
static void m_name_empty_slot(unsigned char *d) { some_name(d, false)->count = 1; }
static void m_name_posting_id(unsigned char *d) { U32S(d, PK_SEC_NAME_POSTINGS)[2] = 1000; }
static void m_people_order(unsigned char *d)
{
	pk_idx_person t = PEOPLE(d)[0];
	PEOPLE(d)[0] = PEOPLE(d)[1];
	PEOPLE(d)[1] = t;
}
static void m_people_dup(unsigned char *d) { PEOPLE(d)[1].id = PEOPLE(d)[0].id; }
static void m_people_string(unsigned char *d) { PEOPLE(d)[2].uri = SECT(d, PK_SEC_STRINGS).count; }
static void m_people_noid(unsigned char *d) { PEOPLE(d)[0].id = 0; }
static void m_text_off(unsigned char *d) { U32S(d, PK_SEC_TEXT_OFFSETS)[4] = U32S(d, PK_SEC_TEXT_OFFSETS)[3]; }
static void m_text_span(unsigned char *d) { U32S(d, PK_SEC_TEXT_OFFSETS)[38] -= 1; }
static void m_text_first(unsigned char *d) { U32S(d, PK_SEC_TEXT_OFFSETS)[0] = 1; }
static void m_text_nul(unsigned char *d)
{
	uint32_t end = U32S(d, PK_SEC_TEXT_OFFSETS)[10];
	((char *)sec(d, PK_SEC_TEXT))[end - 1] = 'x';
}
static void m_text_count(unsigned char *d)
{
	SECT(d, PK_SEC_TEXT_OFFSETS).count -= 2;
	SECT(d, PK_SEC_TEXT_OFFSETS).size -= 8;
}

static void test_structural_checks(void **state)
{
	static const struct {
		mutator m;
		pk_status want;
		const char *needle;
	} cases[] = {
		{ m_version, PK_VERSION, "version 4" },
		{ m_magic, PK_CORRUPT, "bad magic" },
		{ m_header_size, PK_CORRUPT, "header size" },
		{ m_section_count, PK_CORRUPT, "sections" },
		{ m_sec_id, PK_CORRUPT, "has id 4" },
		{ m_sec_align, PK_CORRUPT, "not 8-byte aligned" },
		{ m_sec_outside, PK_CORRUPT, "outside the file" },
		{ m_sec_overlap, PK_CORRUPT, "overlaps" },
		{ m_sec_count, PK_CORRUPT, "bytes for" },
		{ m_pool_end, PK_CORRUPT, "NUL-terminated" },
		{ m_pool_start, PK_CORRUPT, "NUL-terminated" },
		{ m_source, PK_CORRUPT, "source or date" },
		{ m_ports_count, PK_CORRUPT, "port table" },
		{ m_rec_string, PK_CORRUPT, "record 5 has a string outside" },
		{ m_rec_alias_of, PK_CORRUPT, "record 37 has a string outside" },
		{ m_rec_proto, PK_CORRUPT, "transport 5" },
		{ m_rec_kind, PK_CORRUPT, "kind 5" },
		{ m_rec_origin, PK_CORRUPT, "origin 5" },
		{ m_rec_has_port, PK_CORRUPT, "port flag 2" },
		{ m_rec_ports, PK_CORRUPT, "has ports 6000-5999" },
		{ m_rec_portless_ports, PK_CORRUPT, "record 36 has ports 0-9" },
		{ m_rec_order, PK_CORRUPT, "out of (port, transport) order" },
		{ m_rec_noport_first, PK_CORRUPT, "out of order" },
		{ m_rec_items, PK_CORRUPT, "lists start at" },
		{ m_rec_alias_count, PK_CORRUPT, "run past the list section" },
		{ m_alias, PK_CORRUPT, "alias 0 is outside" },
		{ m_alias_empty, PK_CORRUPT, "alias 0 is outside" },
		{ m_ref_type, PK_CORRUPT, "reference 0 is invalid" },
		{ m_ref_data, PK_CORRUPT, "reference 0 is invalid" },
		{ m_party, PK_CORRUPT, "party 0 is invalid" },
		{ m_party_text, PK_CORRUPT, "party 0 is invalid" },
		{ m_counts_records, PK_CORRUPT, "counts disagree" },
		{ m_counts_port_records, PK_CORRUPT, "counts disagree" },
		{ m_counts_proto, PK_CORRUPT, "per-transport" },
		{ m_counts_names, PK_CORRUPT, "counts say" },
		{ m_port_monotonic, PK_CORRUPT, "not monotonic at port 80" },
		{ m_port_span, PK_CORRUPT, "does not span" },
		{ m_port_first, PK_CORRUPT, "does not span" },
		{ m_posting_range, PK_CORRUPT, "lists record 38, beyond the 36 records with a port" },
		{ m_names_pow2, PK_CORRUPT, "not a power of two" },
		{ m_name_key, PK_CORRUPT, "out of range" },
		{ m_name_postings, PK_CORRUPT, "out of range" },
		{ m_name_first, PK_CORRUPT, "out of range" },
		{ m_name_zero, PK_CORRUPT, "out of range" },
		{ m_name_empty_slot, PK_CORRUPT, "empty name slot" },
		{ m_name_posting_id, PK_CORRUPT, "lists record 1000" },
		{ m_people_order, PK_CORRUPT, "not sorted" },
		{ m_people_dup, PK_CORRUPT, "not sorted" },
		{ m_people_string, PK_CORRUPT, "person 2" },
		{ m_people_noid, PK_CORRUPT, "person 0" },
		{ m_text_off, PK_CORRUPT, "search text of record 3" },
		{ m_text_span, PK_CORRUPT, "do not span" },
		{ m_text_first, PK_CORRUPT, "do not span" },
		{ m_text_nul, PK_CORRUPT, "search text of record 9" },
		{ m_text_count, PK_CORRUPT, "do not match the records" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		print_message("case %zu: %s\n", i, cases[i].needle);
		check_mutation(cases[i].m, cases[i].want, cases[i].needle);
	}
}

static void test_trailing_bytes_and_alignment(void **state)
{
	size_t len;
	unsigned char *d = fixture_copy(&len);
	unsigned char *big = calloc(1, len + 16);
	pk_registry *reg = NULL;
	pk_error err;

	(void)state;
	memcpy(big, d, len);
	expect_fail(big, len + 8, false, PK_CORRUPT, "trailing bytes");
	/* The sections are read in place: the data must be 8-byte aligned. */
	memmove(big + 1, big, len);
	assert_int_equal(pk__registry_from_index(big + 1, len, PK_MEM_STATIC, false, "t",
						&reg, &err), PK_INVAL);
	assert_null(reg);
	assert_non_null(strstr(err.message, "aligned"));
	/* pk_registry_open_mem copies, so any alignment will do. */
	assert_int_equal(pk_registry_open_mem(big + 1, len, &reg, &err), PK_OK);
	assert_string_equal(regfix_port(reg, 80, PK_PROTOMASK(PK_PROTO_SCTP)),
			    "http/sctp/80");
	pk_registry_close(reg);
	free(big);
	free(d);
}

static void test_open_mem_copies(void **state)
{
	size_t len;
	unsigned char *d = fixture_copy(&len);
	pk_registry *reg = NULL;
	pk_registry_info info;
	pk_error err;

	(void)state;
	assert_int_equal(pk_registry_open_mem(d, len, &reg, &err), PK_OK);
	memset(d, 0xee, len);
	free(d);
	pk_registry_get_info(reg, &info);
	assert_string_equal(info.origin, "memory");
	assert_string_equal(regfix_name(reg, "krb5", 0), "kerberos/tcp/88 kerberos/udp/88");
	pk_registry_close(reg);
	pk_registry_close(NULL);

	assert_int_equal(pk_registry_open_mem("", 0, &reg, &err), PK_CORRUPT);
	assert_null(reg);
	assert_int_equal(pk_registry_open_mem("PKIDX\r\n\x1a\x01", 9, &reg, &err), PK_CORRUPT);
	assert_non_null(strstr(err.message, "truncated"));
	assert_int_equal(pk_registry_open_mem("<?xml version", 13, &reg, &err), PK_CORRUPT);
	assert_non_null(strstr(err.message, "not a portkit index"));
}

static char *write_file(const char *dir, const char *name, const void *data, size_t len)
{
	char *path = malloc(strlen(dir) + strlen(name) + 2);
	sprintf(path, "%s/%s", dir, name);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
	return path;
}

static void expect_open_fail(const char *path, pk_status want, const char *needle)
{
	pk_registry *reg = (pk_registry *)0x1;
	pk_error err;

	assert_int_equal(pk_registry_open_file(path, &reg, &err), want);
	assert_null(reg);
	if (strstr(err.message, path) == NULL)
		fail_msg("message '%s' does not name '%s'", err.message, path);
	if (strstr(err.message, needle) == NULL)
		fail_msg("message '%s' lacks '%s'", err.message, needle);
}

static void test_save_and_open_file(void **state)
{
	char *dir = regfix_tmpdir();
	size_t len;
	unsigned char *d = fixture_copy(&len);
	pk_registry *reg = NULL, *back = NULL;
	pk_registry_info info;
	pk_error err;
	char path[512];

	(void)state;
	assert_int_equal(pk_registry_open_mem(d, len, &reg, &err), PK_OK);
	snprintf(path, sizeof path, "%s/registry.idx", dir);
	assert_int_equal(pk_registry_save(reg, path, &err), PK_OK);
	/* The file is the index, byte for byte. */
	char *bytes;
	size_t blen;
	assert_int_equal(pk__read_file(path, 1 << 24, &bytes, &blen, &err), PK_OK);
	assert_int_equal(blen, len);
	assert_memory_equal(bytes, d, len);
	free(bytes);
	struct stat sb;
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0644);

	assert_int_equal(pk_registry_open_file(path, &back, &err), PK_OK);
	pk_registry_get_info(back, &info);
	assert_string_equal(info.origin, path);
	assert_int_equal(info.records, 38);
	assert_string_equal(regfix_port(back, 6003, 0), "x11/tcp/6000-6063 x11/udp/6000-6063");
	/* Saving a registry that came from a file works as well. */
	char path2[600];
	snprintf(path2, sizeof path2, "%s/again.idx", dir);
	assert_int_equal(pk_registry_save(back, path2, &err), PK_OK);
	pk_registry_close(back);

	/* Errors name the path and say what is wrong. */
	char missing[600];
	snprintf(missing, sizeof missing, "%s/missing.idx", dir);
	expect_open_fail(missing, PK_NOTFOUND, "No such file");
	expect_open_fail(dir, PK_IO, "not a regular file");
	char *p = write_file(dir, "empty.idx", "", 0);
	expect_open_fail(p, PK_CORRUPT, "truncated");
	free(p);
	p = write_file(dir, "short.idx", d, 40);
	expect_open_fail(p, PK_CORRUPT, "truncated");
	free(p);
	p = write_file(dir, "half.idx", d, len / 2);
	expect_open_fail(p, PK_CORRUPT, "truncated");
	free(p);
	p = write_file(dir, "text.idx", "# /etc/services\nhttp 80/tcp\n", 28);
	expect_open_fail(p, PK_CORRUPT, "not a portkit index");
	free(p);
	d[len - 100] ^= 1;
	p = write_file(dir, "flipped.idx", d, len);
	expect_open_fail(p, PK_CORRUPT, "checksum");
	free(p);
	d[len - 100] ^= 1;
	hdr_of(d)->version = 7;
	p = write_file(dir, "future.idx", d, len);
	expect_open_fail(p, PK_VERSION, "version 7");
	free(p);

	pk_registry_close(reg);
	free(d);
	regfix_rmtree(dir);
	free(dir);
}

/* ---- the name table's key ---------------------------------------------------- */

/* The lookups a name table serves, as one string. */
static const char *name_answers(const pk_registry *reg)
{
	static char buf[4096];
	const char *names[] = { "http", "HTTP", "www", "Www-Http", "x11", "kerberos",
				"no-such-name", "iad1" };

	buf[0] = '\0';
	for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
		strncat(buf, regfix_name(reg, names[i], 0), sizeof buf - strlen(buf) - 2);
		strcat(buf, "|");
	}
	return buf;
}

static void test_name_key(void **state)
{
	pk_sipkey k = { 0x1111111111111111ull, 0x2222222222222222ull };
	pk_builder *a = regfix_builder_keyed(&k), *b = regfix_builder_keyed(&k);
	pk_builder *r1 = regfix_builder(), *r2 = regfix_builder();
	size_t la, lb, l1, l2;
	unsigned char *da = regfix_finish(a, &la), *db = regfix_finish(b, &lb);
	unsigned char *d1 = regfix_finish(r1, &l1), *d2 = regfix_finish(r2, &l2);
	pk_registry *ra, *rr1, *rr2;
	pk_error err;

	(void)state;
	/* A chosen key: the same bytes from separate builders (what keeps the
	 * embedded snapshot reproducible), and the key is in the header. */
	assert_int_equal(la, lb);
	assert_memory_equal(da, db, la);
	assert_true(hdr_of(da)->name_key[0] == k.k0 && hdr_of(da)->name_key[1] == k.k1);
	/* Every used slot's hash is the key's hash of its name. */
	pk_idx_name *slots = sec(da, PK_SEC_NAMES);
	const char *pool = sec(da, PK_SEC_STRINGS);
	uint32_t used = 0;
	for (uint32_t j = 0; j < hdr_of(da)->sections[PK_SEC_NAMES].count; j++) {
		if (slots[j].key == 0)
			continue;
		used++;
		assert_int_equal(slots[j].hash, pk__name_hash(&k, pool + slots[j].key, SIZE_MAX));
	}
	assert_true(used > 20);

	/* Random keys: two builds of the same records differ in key and
	 * bytes, answer every lookup alike, and have one content hash. */
	assert_int_equal(l1, l2);
	assert_true(hdr_of(d1)->name_key[0] != hdr_of(d2)->name_key[0] ||
		    hdr_of(d1)->name_key[1] != hdr_of(d2)->name_key[1]);
	assert_true(memcmp(d1, d2, l1) != 0);
	assert_int_equal(pk_registry_open_mem(da, la, &ra, &err), PK_OK);
	assert_int_equal(pk_registry_open_mem(d1, l1, &rr1, &err), PK_OK);
	assert_int_equal(pk_registry_open_mem(d2, l2, &rr2, &err), PK_OK);
	char want[4096];
	strcpy(want, name_answers(ra));
	assert_non_null(strstr(want, "http/tcp/80"));
	assert_string_equal(name_answers(rr1), want);
	assert_string_equal(name_answers(rr2), want);
	assert_true(pk_registry_content_hash(rr1) == pk_registry_content_hash(rr2));
	assert_true(pk_registry_content_hash(ra) == pk_registry_content_hash(rr1));
	/* ... and a change of content changes it. */
	pk_record in = { .name = "late", .proto = PK_PROTO_UDP, .has_port = true,
			 .port_lo = 7, .port_hi = 7 };
	assert_int_equal(pk__builder_add(r2, &in, NULL), PK_OK);
	pk_registry *more = regfix_open(r2);
	assert_true(pk_registry_content_hash(more) != pk_registry_content_hash(rr1));
	pk_registry_close(more);

	/* The reader hashes with the header's key: another key (resealed)
	 * makes the names unfindable, never a crash. */
	hdr_of(db)->name_key[0] ^= 1;
	reseal(db, lb);
	pk_registry *wrong;
	assert_int_equal(pk_registry_open_mem(db, lb, &wrong, &err), PK_OK);
	assert_string_equal(regfix_name(wrong, "http", 0), "");
	pk_registry_close(wrong);

	pk_registry_close(ra);
	pk_registry_close(rr1);
	pk_registry_close(rr2);
	free(da);
	free(db);
	free(d1);
	free(d2);
	pk__builder_free(a);
	pk__builder_free(b);
	pk__builder_free(r1);
	pk__builder_free(r2);
}

static void test_no_embedded_snapshot(void **state)
{
	pk_registry *reg = (pk_registry *)0x1;
	pk_error err;

	(void)state;
	/* The unit tests link tools/no_embedded.c. */
	assert_int_equal(pk_registry_open_embedded(&reg, &err), PK_NOTFOUND);
	assert_null(reg);
	assert_string_equal(err.message, "this build has no embedded registry");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip_header),
		cmocka_unit_test(test_name_key),
		cmocka_unit_test(test_hash_properties),
		cmocka_unit_test(test_truncated_at_every_length),
		cmocka_unit_test(test_truncated_with_matching_size),
		cmocka_unit_test(test_flipped_bytes_in_every_section),
		cmocka_unit_test(test_checksums),
		cmocka_unit_test(test_structural_checks),
		cmocka_unit_test(test_trailing_bytes_and_alignment),
		cmocka_unit_test(test_open_mem_copies),
		cmocka_unit_test(test_save_and_open_file),
		cmocka_unit_test(test_no_embedded_snapshot),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
