/* api.h - the HTTP API and the page: a parsed request target in, a status
 * and a body out.  Every JSON body is rendered by lib/render exactly as
 * the CLI's --json renders the same question (docs/serve.md lists the
 * command line for each endpoint).  Knows nothing of sockets or of
 * libmicrohttpd, so that tests and the fuzz target can call it. */
#ifndef PK_SERVE_API_H
#define PK_SERVE_API_H

#include <stdbool.h>
#include <stddef.h>

#include "portkit.h"
#include "http_query.h"

#define API_DEFAULT_LIMIT 100 /* records per page when no limit is given */
#define API_MAX_PICK 1000     /* ports one pick request may ask for */
#define API_MAX_BODY (16u << 20) /* bytes of one rendered answer */

/* What an answer is rendered from. */
typedef struct api_env {
	const pk_registry *reg;
	const char *user_index_path; /* for info; NULL when unknown */
	const char *map;             /* a rendered /v1/map body, or NULL */
	size_t map_len;
} api_env;

typedef struct api_reply {
	int status;               /* 200, 400, 404, 405, 414, 500 */
	const char *content_type;
	char *body;               /* malloc'd, or static (body_static) */
	size_t len;
	bool body_static;
	bool from_registry;       /* depends on the registry: ETag from its hash */
	bool is_page;             /* the HTML page or its assets */
	const char *allow;        /* for 405: the methods allowed */
} api_reply;

/* method: the request's; target: the raw request target (path?query).
 * Fills out (free with api_reply_free). */
void api_answer(const api_env *env, const char *method, const char *target,
		size_t target_len, api_reply *out);
void api_reply_free(api_reply *r);

/* An error document ({"schema", "command", "error"}) with status. */
void api_error(api_reply *out, int status, const char *command,
	       pk_status st, const char *message);

/* Renders /v1/map for reg into a malloc'd buffer (*len bytes). */
char *api_render_map(const pk_registry *reg, size_t *len);

#endif /* PK_SERVE_API_H */
