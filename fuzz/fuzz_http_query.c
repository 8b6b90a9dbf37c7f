/* fuzz_http_query.c - the request targets of `portkit serve`: the input
 * is one request target (the bytes after the method), parsed by sq_parse
 * and answered by api_answer against a small CSV registry, as GET (or,
 * when the first byte is odd, HEAD / POST / OPTIONS in turn).  Checked:
 * a parsed path starts with '/', decoded text holds no control byte, no
 * key is repeated; every answer has a known status and, when JSON, parses
 * and begins with schema and command; an error's status is 400, 404,
 * 405 or 414 (500 only for out of memory, never here). */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../serve/api.h"
#include "../serve/http_query.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The embedded files of the real binary (serve/assets.S). */
const char serve_index_html[] = "<!doctype html>", serve_app_js[] = "",
	   serve_app_css[] = "", serve_openapi_json[] = "{}";
const uint64_t serve_index_html_size = 15, serve_app_js_size = 0,
	       serve_app_css_size = 0, serve_openapi_json_size = 2;

static pk_registry *fixture(void)
{
	static pk_registry *reg;
	static const char csv[] =
		"Service Name,Port Number,Transport Protocol,Description,Assignee,"
		"Contact,Registration Date,Modification Date,Reference,Service Code,"
		"Unauthorized Use Reported,Assignment Notes\n"
		"http,80,tcp,World Wide Web HTTP,,,,,,,,\n"
		"kerberos,88,udp,Kerberos,,,,,,,,\n"
		",4200-4299,,Unassigned,,,,,,,,\n"
		",0,udp,Reserved,,,,,,,,\n";

	if (reg == NULL &&
	    pk_registry_import_mem(csv, sizeof csv - 1, PK_FORMAT_CSV, "fuzz",
				   &reg, NULL) != PK_OK)
		abort();
	return reg;
}

static void check_target(const char *s, size_t n)
{
	static sq_target t;
	const char *why = NULL;
	int rc = sq_parse(s, n, &t, &why);

	if (rc != 0) {
		if ((rc != 400 && rc != 414) || why == NULL || why[0] == '\0')
			abort();
		return;
	}
	if (t.path[0] != '/' || t.nparams > SQ_MAX_PARAMS)
		abort();
	for (const char *p = t.path; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			abort();
	for (size_t i = 0; i < t.nparams; i++) {
		if (t.params[i].key[0] == '\0' || strlen(t.params[i].key) > SQ_KEY_MAX)
			abort();
		for (size_t j = 0; j < i; j++)
			if (strcmp(t.params[i].key, t.params[j].key) == 0)
				abort();
		for (const char *p = t.params[i].value; *p != '\0'; p++)
			if ((unsigned char)*p < 0x20 || *p == 0x7f)
				abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const methods[] = { "GET", "HEAD", "POST", "OPTIONS" };
	static const char map[] = "{}\n";
	const char *method = "GET";
	api_reply r;

	if (size > 0 && (data[0] & 1)) {
		method = methods[(data[0] >> 1) % 4];
		data++;
		size--;
	}
	/* Requests that would pick thousands of ports cost time, not
	 * coverage: the API caps them at API_MAX_PICK anyway. */
	if (size > SQ_URI_MAX + 16)
		return 0;
	check_target((const char *)data, size);
	api_env env = { .reg = fixture(), .map = map, .map_len = sizeof map - 1 };
	api_answer(&env, method, (const char *)data, size, &r);
	switch (r.status) {
	case 200: case 400: case 404: case 405: case 414:
		break;
	default:
		abort();
	}
	if (strcmp(r.content_type, "application/json") == 0 && r.body != map &&
	    r.body != serve_openapi_json) {
		json_error_t e;
		json_t *doc = json_loadb(r.body, r.len, 0, &e);
		const char *first = doc != NULL ? json_object_iter_key(json_object_iter(doc)) : NULL;
		if (doc == NULL || first == NULL || strcmp(first, "schema") != 0 ||
		    json_object_get(doc, "command") == NULL)
			abort();
		if (r.status != 200 && json_object_get(doc, "error") == NULL)
			abort();
		json_decref(doc);
	}
	api_reply_free(&r);
	return 0;
}
