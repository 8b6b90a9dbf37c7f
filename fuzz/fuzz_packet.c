/* fuzz_packet.c - the packet decoder and the flow table behind
 * `portkit classify`.
 *
 * Input: one byte choosing the link type, then packets, each a 2-byte
 * big-endian length and its bytes; the last one takes what is left.
 * Each packet is decoded from an exactly-sized copy (any overread is
 * caught) and added to a classifier with a small table, so eviction and
 * the decision run too; then every flow is rendered in each format. */
#include <stdlib.h>
#include <string.h>

#include "portkit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int discard(void *ctx, const char *data, size_t len)
{
	(void)ctx;
	(void)data;
	(void)len;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int links[] = { PK_LINK_ETHERNET, PK_LINK_RAW, PK_LINK_LINUX_SLL,
				     PK_LINK_LINUX_SLL2, PK_LINK_NULL, PK_LINK_IPV6,
				     PK_LINK_IPV4, 108 };
	pk_classify *c;

	if (size < 1 || pk_classify_new(NULL, &c, NULL) != PK_OK)
		return 0;
	if (pk_classify_set_max_flows(c, 16, NULL) != PK_OK)
		abort();
	pk_classify_set_idle(c, 1);
	int lt = links[data[0] % (sizeof links / sizeof links[0])];
	size_t off = 1;
	uint64_t t = 0;
	while (off < size) {
		size_t n = size - off;
		if (n >= 2) {
			size_t want = (size_t)data[off] << 8 | data[off + 1];
			off += 2;
			n = size - off;
			if (want < n)
				n = want;
		}
		uint8_t *copy = malloc(n ? n : 1);
		if (copy == NULL)
			break;
		memcpy(copy, data + off, n);
		pk_packet p;
		pk_packet_status st = pk_packet_decode(lt, copy, n, &p);
		if (st == PK_PKT_OK && p.proto != PK_PROTO_TCP && p.proto != PK_PROTO_UDP &&
		    p.proto != PK_PROTO_SCTP)
			abort();
		if (pk_classify_packet(c, lt, t, copy, n, (uint32_t)n) != st)
			abort();
		t += 400000;
		free(copy);
		off += n;
	}
	if (pk_classify_finish(c, NULL) != PK_OK)
		abort();
	for (size_t i = 0; i < pk_classify_flow_count(c); i++) {
		const pk_flow *f = pk_classify_flow(c, i);
		if (f->score < 50 || f->score > 100 || f->evidence_count > PK_EVIDENCE_MAX)
			abort();
	}
	for (int fmt = PK_RENDER_TEXT; fmt <= PK_RENDER_CSV; fmt++) {
		pk_render *r;
		if (pk_render_new((pk_render_format)fmt, discard, NULL, &r, NULL) != PK_OK)
			abort();
		pk_render_classify(r, c, "fuzz", fmt == PK_RENDER_CSV);
		pk_render_classify(r, c, "fuzz", false);
		if (pk_render_flush(r, NULL) != PK_OK)
			abort();
		pk_render_free(r);
	}
	pk_classify_free(c);
	return 0;
}
