/* fuzz_pick.c - the outside input pick and advise parse: OS profile lists
 * (--avoid-os), service names (--name for pick, --name for advise: every
 * RFC 6335 section 5.1 and RFC 7605 name rule), against a small registry.
 * No sockets: the host check is off. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "portkit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A renderer's output, dropped: the renderer itself is what is tried. */
static int discard(void *ctx, const char *data, size_t len)
{
	(void)ctx;
	(void)data;
	(void)len;
	return 0;
}

static pk_registry *fixture(void)
{
	static pk_registry *reg;
	static const char csv[] =
		"Service Name,Port Number,Transport Protocol,Description,Assignee,"
		"Contact,Registration Date,Modification Date,Reference,Service Code,"
		"Unauthorized Use Reported,Assignment Notes\n"
		"http,80,tcp,World Wide Web HTTP,,,,,,,,\n"
		"widget,4100,tcp,Widget,,,,,,,,\n"
		"gadgets,4150,tcp,Gadget,,,,,,,,\n"
		",4200,udp,Reserved,,,,,,,,\n";
	pk_error err;

	if (reg == NULL &&
	    pk_registry_import_mem(csv, sizeof csv - 1, PK_FORMAT_CSV, "fuzz",
				   &reg, &err) != PK_OK)
		abort();
	return reg;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	pk_registry *reg = fixture();
	char *s;
	pk_error err;
	pk_pick *pick = NULL;
	pk_pick_result r[4];
	size_t found;

	if (size < 1)
		return 0;
	s = malloc(size);
	if (s == NULL)
		return 0;
	memcpy(s, data + 1, size - 1);
	s[size - 1] = '\0';

	if (pk_pick_new(reg, &pick, &err) != PK_OK)
		abort();
	pk_pick_set_flags(pick, PK_PICK_NO_HOST_CHECK);
	switch (data[0] % 3) {
	case 0:
		if (pk_pick_avoid_os(pick, s, &err) == PK_OK &&
		    pk_pick_set_range(pick, 4090, 4210, &err) == PK_OK)
			(void)pk_pick_run(pick, 4, r, &found, &err);
		break;
	case 1:
		if (pk_pick_set_name(pick, s, &err) == PK_OK &&
		    pk_pick_set_range(pick, 4090, (uint16_t)(4090 + data[0]), &err) == PK_OK &&
		    pk_pick_run(pick, 2, r, &found, &err) == PK_OK) {
			char text[64];
			pk_pick_explain(pick, &r[0], text, sizeof text);
		}
		break;
	default: {
		pk_plan plan = { 0 };
		pk_advice *adv = NULL;
		plan.name = s;
		plan.has_port = data[0] & 8;
		plan.port = (uint16_t)(data[0] * 257u);
		plan.protos = data[0] & PK_PROTOMASK_TRANSPORTS;
		(void)pk_service_name_check(s, NULL);
		if (pk_advise(reg, &plan, &adv, &err) == PK_OK) {
			char text[64];
			for (size_t i = 0; i < pk_advice_count(adv); i++)
				if (pk_finding_text(pk_advice_get(adv, i), PK_FINDING_SUMMARY,
						    text, sizeof text) == 0)
					abort();
			/* Both formats render the whole review. */
			for (int fmt = PK_RENDER_TEXT; fmt <= PK_RENDER_JSON; fmt++) {
				pk_render *r;
				if (pk_render_new((pk_render_format)fmt, discard, NULL,
						  &r, NULL) != PK_OK)
					abort();
				pk_render_advice(r, adv, data[0] & 16);
				if (pk_render_flush(r, NULL) != PK_OK)
					abort();
				pk_render_free(r);
			}
			pk_advice_free(adv);
		}
		break;
	}
	}
	pk_pick_free(pick);
	free(s);
	return 0;
}
