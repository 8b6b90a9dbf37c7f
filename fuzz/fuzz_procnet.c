/* fuzz_procnet.c - the /proc/net/{tcp,tcp6,udp,udp6} parser, and the audit
 * over whatever host it yields.
 *
 * Input: one selector byte (bit 0: udp, bit 1: IPv6, bit 2: bindv6only),
 * six bytes of settings (ephemeral lo, hi, reserved-from, big-endian, so
 * ranges may be reversed or odd), then the table's text. */
#include <stdlib.h>
#include <string.h>

#include "host/host_sockets.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A renderer's output, dropped: the renderer itself is what is tried. */
static int discard(void *ctx, const char *data, size_t len)
{
	(void)ctx;
	(void)data;
	(void)len;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	pk_host_sockets *s = NULL;
	pk_audit *a = NULL;
	pk_error err;

	if (size < 7)
		return 0;
	uint8_t sel = data[0];
	pk_host_portconf *conf = calloc(1, sizeof *conf);
	char *text = malloc(size - 7 + 1);
	if (conf == NULL || text == NULL)
		goto out;
	memcpy(text, data + 7, size - 7);
	text[size - 7] = '\0';
	if (pk__host_sockets_begin(sel & 4, &s) != PK_OK)
		goto out;
	if (pk__procnet_parse(s, text, size - 7, sel & 1 ? PK_PROTO_UDP : PK_PROTO_TCP,
			     sel & 2 ? 6 : 4, "fuzz", &err) != PK_OK ||
	    pk__host_sockets_finish(s) != PK_OK)
		goto out;
	conf->size = sizeof *conf;
	conf->have_range = true;
	conf->ephemeral_lo = (uint16_t)(data[1] << 8 | data[2]);
	conf->ephemeral_hi = (uint16_t)(data[3] << 8 | data[4]);
	conf->have_reserved = true;
	uint16_t from = (uint16_t)(data[5] << 8 | data[6]);
	pk_portset_add_range(&conf->reserved, from, (uint16_t)(from + (sel >> 3) * 97));
	conf->have_unprivileged = sel & 8;
	conf->unprivileged_start = 1024;
	pk_audit_input in = { .conf = conf, .sockets = s };
	if (pk_audit_run(&in, &a, &err) == PK_OK) {
		/* Every finding has words, and both formats render. */
		char text[64];
		for (size_t i = 0; i < pk_audit_count(a); i++)
			if (pk_finding_text(pk_audit_get(a, i), PK_FINDING_SUMMARY,
					    text, sizeof text) == 0)
				abort();
		for (int fmt = PK_RENDER_TEXT; fmt <= PK_RENDER_JSON; fmt++) {
			pk_render *r;
			if (pk_render_new((pk_render_format)fmt, discard, NULL, &r,
					  NULL) != PK_OK)
				abort();
			pk_render_audit(r, a);
			if (pk_render_flush(r, NULL) != PK_OK)
				abort();
			pk_render_free(r);
		}
		(void)strlen(pk_audit_sysctl_snippet(a));
	}
out:
	pk_audit_free(a);
	pk_host_sockets_free(s);
	free(text);
	free(conf);
	return 0;
}
