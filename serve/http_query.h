/* http_query.h - the request target of an HTTP request (RFC 9112 §3.2:
 * origin-form, "/path?query") as the API reads it: the path
 * percent-decoded, the query split into at most SQ_MAX_PARAMS key=value
 * pairs, each decoded ('+' is a space in the query).  Everything is
 * checked: no NUL or control byte after decoding, no bad escape, no
 * repeated key, bounded lengths.  Used by the server and by
 * fuzz/fuzz_http_query.c; it never allocates. */
#ifndef PK_SERVE_HTTP_QUERY_H
#define PK_SERVE_HTTP_QUERY_H

#include <stdbool.h>
#include <stddef.h>

#define SQ_URI_MAX 2048   /* bytes of a request target the API reads */
#define SQ_MAX_PARAMS 16  /* query parameters */
#define SQ_KEY_MAX 32     /* bytes of a parameter name */

typedef struct sq_param {
	const char *key;
	const char *value; /* "" for "key" and "key=" alike */
} sq_param;

typedef struct sq_target {
	const char *path; /* decoded, starts with '/' */
	sq_param params[SQ_MAX_PARAMS];
	size_t nparams;
	char buf[SQ_URI_MAX + 2 * SQ_MAX_PARAMS + 2]; /* what the pointers point into */
} sq_target;

/* Parses target[0..len).  Returns 0, or an HTTP status (400, 414) with
 * *why set to a sentence naming what is wrong. */
int sq_parse(const char *target, size_t len, sq_target *out,
	     const char **why);

/* The value of key, or NULL when the query has none. */
const char *sq_get(const sq_target *t, const char *key);

/* When the path starts with prefix, what follows it (maybe ""); else
 * NULL. */
const char *sq_path_after(const sq_target *t, const char *prefix);

#endif /* PK_SERVE_HTTP_QUERY_H */
