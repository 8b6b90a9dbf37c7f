/* fuzz_apps.c - the application catalog parser (data/apps, docs/apps.md)
 * and what is built from a catalog it accepts: the firewall rule set of
 * every application, in both directions, rendered in every format. */
#include <stdlib.h>
#include <string.h>

#include "portkit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int discard(void *ctx, const char *d, size_t len)
{
	(void)ctx;
	(void)d;
	(void)len;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	pk_catalog *c;
	pk_error err;

	if (pk_catalog_new(&c, NULL) != PK_OK)
		return 0;
	if (pk_catalog_parse(c, (const char *)data, size, "fuzz.apps", &err) != PK_OK) {
		/* ("#@file NAME" renames the input, as the build's joined
		 * catalog does.) */
		if (strncmp(err.message, "fuzz.apps", 9) != 0 && err.status != PK_NOMEM &&
		    memmem(data, size, "#@file", 6) == NULL)
			abort(); /* every error names FILE:LINE (or the file) */
		pk_catalog_free(c);
		return 0;
	}
	pk_fw *fw = NULL;
	if (pk_fw_new(PK_DIR_BOTH, &fw, NULL) == PK_OK) {
		for (size_t i = 0; i < pk_catalog_count(c); i++) {
			const pk_app *a = pk_catalog_app(c, i);
			if (a->source_count == 0 || a->title == NULL || (a->port_count == 0 && a->ipproto_count == 0))
				abort();
			for (size_t k = 0; k < a->port_count; k++)
				if (a->ports[k].lo > a->ports[k].hi || a->ports[k].protos == 0)
					abort();
			if (pk_catalog_find(c, a->name) != a)
				abort(); /* names are unique */
			pk_fw_add_app(fw, a, NULL);
		}
		for (int f = 0; f < PK_FW_FORMAT_COUNT; f++) {
			pk_render *r;
			if (pk_render_new(PK_RENDER_TEXT, discard, NULL, &r, NULL) != PK_OK)
				break;
			pk_render_firewall(r, fw, (pk_fw_format)f);
			pk_render_flush(r, NULL);
			pk_render_free(r);
		}
		pk_fw_free(fw);
	}
	const pk_app *out[4];
	pk_catalog_suggest(c, "a", out, 4);
	pk_catalog_search(c, "a b", out, 4);
	pk_render *r;
	if (pk_render_new(PK_RENDER_JSON, discard, NULL, &r, NULL) == PK_OK) {
		size_t n = pk_catalog_count(c) < 4 ? pk_catalog_count(c) : 4;
		for (size_t i = 0; i < n; i++)
			out[i] = pk_catalog_app(c, i);
		pk_render_apps(r, NULL, out, n);
		pk_render_flush(r, NULL);
		pk_render_free(r);
	}
	pk_catalog_free(c);
	return 0;
}
