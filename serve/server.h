/* server.h - `portkit serve`: the HTTP server around api.c, on
 * libmicrohttpd (loaded at run time, dl.h).  docs/serve.md. */
#ifndef PK_SERVE_SERVER_H
#define PK_SERVE_SERVER_H

#include <stdbool.h>
#include <stddef.h>

#define SERVE_MAX_LISTEN 16

typedef struct serve_config {
	const char *listen[SERVE_MAX_LISTEN]; /* ADDR:PORT; none: localhost:8080 */
	size_t nlisten;
	const char *index_path; /* --index, or NULL for the default registry */
	bool quiet;             /* no request log */
	const char *cors;       /* --cors ORIGIN, or NULL */
	unsigned timeout;       /* seconds a connection may stay idle */
	unsigned max_conns;     /* connections at once, per listening socket */
	unsigned threads;       /* 0: one per online CPU */
} serve_config;

/* Serves until SIGTERM or SIGINT.  Returns 0, 2 for a bad --listen (after
 * a message naming it), 3 when the server cannot start. */
int serve_run(const serve_config *cfg);

#endif /* PK_SERVE_SERVER_H */
