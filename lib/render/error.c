/* error.c - an error as a document of its own, in the renderer's format:
 * {"schema": N, "command": c, "error": {"status", "message"}} or the
 * message on a line.  A document renderer like the others: it calls the
 * writers (render.c, json.c), which never call back. */
#include <string.h>

#include "render/render_internal.h"

void pk_render_error(pk_render *r, const char *command, pk_status status,
		     const char *message)
{
	if (r->format == PK_RENDER_JSON) {
		pk__json_document_begin(r, command);
		pk__json_object_begin(r, "error");
		pk__json_string(r, "status", pk_status_name(status));
		pk__json_string(r, "message",
				message && *message ? message : pk_strerror(status));
		pk__json_object_end(r);
		pk__json_object_end(r);
		return;
	}
	const char *text = message && *message ? message : pk_strerror(status);
	pk__render_text(r, text, strlen(text), false);
	pk__render_put(r, "\n", 1);
}
