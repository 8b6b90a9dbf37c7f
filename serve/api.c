/* api.c - the endpoints of the HTTP API (api.h, docs/serve.md).  Each one
 * reads its parameters, runs the library as the CLI command of the same
 * question does, and renders with the same renderer. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"

extern const char serve_index_html[], serve_app_js[], serve_app_css[],
	serve_openapi_json[];
extern const uint64_t serve_index_html_size, serve_app_js_size,
	serve_app_css_size, serve_openapi_json_size;

#define JSON_TYPE "application/json"

/* ---- rendering into memory ---------------------------------------------- */

typedef struct membuf {
	char *data;
	size_t len, cap;
} membuf;

static int mem_write(void *ctx, const char *data, size_t len)
{
	membuf *b = ctx;

	if (len > API_MAX_BODY - b->len)
		return -1;
	if (b->len + len > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		while (cap < b->len + len)
			cap *= 2;
		char *p = realloc(b->data, cap);
		if (p == NULL)
			return -1;
		b->data = p;
		b->cap = cap;
	}
	memcpy(b->data + b->len, data, len);
	b->len += len;
	return 0;
}

typedef struct render_job {
	pk_render *r;
	membuf b;
} render_job;

static pk_render *job_begin(render_job *j)
{
	memset(j, 0, sizeof *j);
	if (pk_render_new(PK_RENDER_JSON, mem_write, &j->b, &j->r, NULL) != PK_OK)
		j->r = NULL;
	return j->r;
}

/* Flushes j into out with status; a failed rendering becomes a 500. */
static void job_end(render_job *j, api_reply *out, int status)
{
	pk_error err;

	if (j->r == NULL || pk_render_flush(j->r, &err) != PK_OK) {
		pk_render_free(j->r);
		free(j->b.data);
		api_error(out, 500, "serve", PK_NOMEM,
			  j->r == NULL ? "out of memory" : err.message);
		return;
	}
	pk_render_free(j->r);
	out->status = status;
	out->content_type = JSON_TYPE;
	out->body = j->b.data != NULL ? j->b.data : calloc(1, 1);
	out->len = j->b.len;
	out->body_static = false;
}

void api_reply_free(api_reply *r)
{
	if (!r->body_static)
		free(r->body);
	r->body = NULL;
}

void api_error(api_reply *out, int status, const char *command, pk_status st,
	       const char *message)
{
	render_job j;
	bool registry = out->from_registry;

	api_reply_free(out);
	memset(out, 0, sizeof *out);
	(void)registry;
	if (job_begin(&j) != NULL)
		pk_render_error(j.r, command, st, message);
	if (j.r == NULL || pk_render_flush(j.r, NULL) != PK_OK) {
		static const char oom[] = "{\"error\": \"out of memory\"}\n";
		pk_render_free(j.r);
		free(j.b.data);
		out->status = 500;
		out->content_type = JSON_TYPE;
		out->body = (char *)oom;
		out->len = sizeof oom - 1;
		out->body_static = true;
		return;
	}
	pk_render_free(j.r);
	out->status = status;
	out->content_type = JSON_TYPE;
	out->body = j.b.data;
	out->len = j.b.len;
}

/* The HTTP status of a library failure. */
static int http_status(pk_status st)
{
	switch (st) {
	case PK_INVAL:
	case PK_RANGE:
	case PK_PARSE:
	case PK_TOOBIG:
		return 400;
	case PK_EXHAUSTED:
	case PK_NOTFOUND:
		return 404;
	default:
		return 500;
	}
}

static void fail(api_reply *out, const char *command, pk_status st,
		 const pk_error *err)
{
	api_error(out, http_status(st), command, st, err != NULL ? err->message : NULL);
}

static void invalid(api_reply *out, const char *command, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void invalid(api_reply *out, const char *command, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	api_error(out, 400, command, PK_INVAL, msg);
}

/* ---- parameters --------------------------------------------------------- */

/* Every parameter must be one the endpoint knows (NULL-terminated list):
 * a misspelt one is an error, not silently ignored. */
static bool known_params(const sq_target *t, const char *const *names,
			 api_reply *out, const char *command)
{
	for (size_t i = 0; i < t->nparams; i++) {
		bool ok = false;
		for (size_t k = 0; names[k] != NULL && !ok; k++)
			ok = strcmp(names[k], t->params[i].key) == 0;
		if (!ok) {
			invalid(out, command, "unknown parameter '%.32s'", t->params[i].key);
			return false;
		}
	}
	return true;
}

/* proto=tcp,udp (as --proto). */
static bool param_protos(const sq_target *t, unsigned *mask, api_reply *out,
			 const char *command)
{
	const char *s = sq_get(t, "proto");
	unsigned m = 0;

	*mask = 0;
	if (s == NULL || strcmp(s, "any") == 0 || strcmp(s, "all") == 0)
		return true;
	for (const char *p = s;;) {
		size_t n = strcspn(p, ",");
		pk_proto proto;
		if (n == 0 || pk_proto_parse(p, n, &proto, NULL) != PK_OK) {
			invalid(out, command,
				"invalid transport '%.40s': expected tcp, udp, sctp, dccp or a comma-separated list",
				s);
			return false;
		}
		m |= PK_PROTOMASK(proto);
		if (p[n] == '\0')
			break;
		p += n + 1;
	}
	*mask = m;
	return true;
}

/* true/false parameters: present with "", "1" or "true" is true. */
static bool param_bool(const sq_target *t, const char *key, bool *v,
		       api_reply *out, const char *command)
{
	const char *s = sq_get(t, key);

	*v = false;
	if (s == NULL)
		return true;
	if (s[0] == '\0' || strcmp(s, "1") == 0 || strcmp(s, "true") == 0)
		*v = true;
	else if (strcmp(s, "0") != 0 && strcmp(s, "false") != 0) {
		invalid(out, command, "invalid %s '%.40s': expected true or false", key, s);
		return false;
	}
	return true;
}

/* A decimal count in [1, max]. */
static bool parse_count(const char *s, size_t max, size_t *out)
{
	size_t len = strlen(s), n = 0;

	if (len == 0 || len > 6 || strspn(s, "0123456789") != len)
		return false;
	for (const char *p = s; *p != '\0'; p++)
		n = n * 10 + (size_t)(*p - '0');
	*out = n;
	return n >= 1 && n <= max;
}

/* limit and cursor onto q (default API_DEFAULT_LIMIT records). */
static bool set_page(const sq_target *t, pk_query *q, api_reply *out,
		     const char *command)
{
	const char *ls = sq_get(t, "limit"), *cursor = sq_get(t, "cursor");
	size_t limit = API_DEFAULT_LIMIT;
	pk_error err;

	if (ls != NULL && !parse_count(ls, PK_QUERY_LIMIT_MAX, &limit)) {
		invalid(out, command, "invalid limit '%.40s': expected 1-%u", ls,
			(unsigned)PK_QUERY_LIMIT_MAX);
		return false;
	}
	pk_status st = pk_query_set_page(q, limit, cursor, &err);
	if (st != PK_OK) {
		fail(out, command, st, &err);
		return false;
	}
	return true;
}

/* ---- endpoints ---------------------------------------------------------- */

typedef struct one_query {
	pk_query *q;
	bool given;
} one_query;

static const pk_query *next_one(void *ctx)
{
	one_query *o = ctx;

	if (o->given)
		return NULL;
	o->given = true;
	return o->q;
}

/* /v1/ports/SPEC and /v1/names/NAME: `portkit --json ARG`. */
static void ep_lookup(const api_env *env, const sq_target *t, const char *arg,
		      bool want_ports, api_reply *out)
{
	static const char *const params[] = { "proto", "limit", "cursor", NULL };
	pk_query *q = NULL;
	pk_error err;
	unsigned mask;
	pk_status st;

	if (!known_params(t, params, out, "lookup") ||
	    !param_protos(t, &mask, out, "lookup"))
		return;
	if ((st = pk_query_parse(arg, mask, &q, &err)) != PK_OK) {
		fail(out, "lookup", st, &err);
		return;
	}
	bool is_name = pk_query_get_type(q) == PK_QUERY_NAME;
	if (want_ports && is_name) {
		pk_portspec spec;
		/* The CLI's message for a bad port specification. */
		st = pk_portspec_parse(arg, &spec, &err);
		pk_query_free(q);
		if (st != PK_OK)
			fail(out, "lookup", st, &err);
		else
			invalid(out, "lookup", "invalid port '%.40s'", arg);
		return;
	}
	if (!want_ports && !is_name) {
		pk_query_free(q);
		invalid(out, "lookup", "invalid name '%.40s': a port; ask /v1/ports/ for ports", arg);
		return;
	}
	if (!set_page(t, q, out, "lookup")) {
		pk_query_free(q);
		return;
	}
	if ((st = pk_query_run(env->reg, q, &err)) != PK_OK) {
		pk_query_free(q);
		fail(out, "lookup", st, &err);
		return;
	}
	one_query o = { q, false };
	render_job j;
	if (job_begin(&j) != NULL)
		pk_render_lookup(j.r, env->reg, next_one, &o);
	job_end(&j, out, 200);
	pk_query_free(q);
}

/* /v1/search?q=WORDS: `portkit search --json WORD...`. */
static void ep_search(const api_env *env, const sq_target *t, api_reply *out)
{
	static const char *const params[] = { "q", "proto", "limit", "cursor", NULL };
	const char *words[64];
	char buf[SQ_URI_MAX + 1];
	size_t n = 0;
	unsigned mask;
	pk_query *q = NULL;
	pk_error err;
	pk_status st;

	if (!known_params(t, params, out, "search") ||
	    !param_protos(t, &mask, out, "search"))
		return;
	const char *text = sq_get(t, "q");
	snprintf(buf, sizeof buf, "%s", text != NULL ? text : "");
	/* Words are separated by spaces, as the shell separates them. */
	for (char *save = NULL, *w = strtok_r(buf, " ", &save); w != NULL;
	     w = strtok_r(NULL, " ", &save)) {
		if (n == sizeof words / sizeof words[0]) {
			invalid(out, "search", "too many words: at most %zu", n);
			return;
		}
		words[n++] = w;
	}
	if ((st = pk_query_parse_words(words, n, mask, &q, &err)) != PK_OK) {
		fail(out, "search", st, &err);
		return;
	}
	if (set_page(t, q, out, "search")) {
		if ((st = pk_query_run(env->reg, q, &err)) != PK_OK) {
			fail(out, "search", st, &err);
		} else {
			render_job j;
			if (job_begin(&j) != NULL)
				pk_render_search(j.r, env->reg, q);
			job_end(&j, out, 200);
		}
	}
	pk_query_free(q);
}

/* /v1/range/LO-HI?filter=: `portkit range --json [--assigned|--unassigned]`. */
static void ep_range(const api_env *env, const sq_target *t, const char *arg,
		     api_reply *out)
{
	static const char *const params[] = { "filter", "proto", "limit", "cursor", NULL };
	pk_range_filter f = PK_FILTER_ALL;
	unsigned mask;
	pk_query *q = NULL;
	pk_error err;
	pk_status st;

	if (!known_params(t, params, out, "range") ||
	    !param_protos(t, &mask, out, "range"))
		return;
	const char *fs = sq_get(t, "filter");
	if (fs != NULL) {
		if (strcmp(fs, "assigned") == 0)
			f = PK_FILTER_ASSIGNED;
		else if (strcmp(fs, "unassigned") == 0)
			f = PK_FILTER_UNASSIGNED;
		else if (strcmp(fs, "all") != 0) {
			invalid(out, "range", "invalid filter '%.40s': expected all, assigned or unassigned", fs);
			return;
		}
	}
	if ((st = pk_query_parse_range(arg, mask, f, &q, &err)) != PK_OK) {
		fail(out, "range", st, &err);
		return;
	}
	if (set_page(t, q, out, "range")) {
		if ((st = pk_query_run(env->reg, q, &err)) != PK_OK) {
			fail(out, "range", st, &err);
		} else {
			render_job j;
			if (job_begin(&j) != NULL)
				pk_render_range(j.r, env->reg, q);
			job_end(&j, out, 200);
		}
	}
	pk_query_free(q);
}

/* /v1/ranges?os=ID: `portkit ranges --json [--os ID]`. */
static void ep_ranges(const sq_target *t, api_reply *out)
{
	static const char *const params[] = { "os", NULL };
	const pk_os_profile *only = NULL;

	if (!known_params(t, params, out, "ranges"))
		return;
	const char *os = sq_get(t, "os");
	if (os != NULL && (only = pk_os_profile_find(os)) == NULL) {
		size_t n;
		const pk_os_profile *all = pk_os_profiles(&n);
		char ids[512] = "";
		for (size_t i = 0; i < n; i++) {
			if (i > 0)
				strncat(ids, ", ", sizeof ids - strlen(ids) - 1);
			strncat(ids, all[i].id, sizeof ids - strlen(ids) - 1);
		}
		invalid(out, "ranges", "unknown OS profile '%.40s': expected one of %s", os, ids);
		return;
	}
	render_job j;
	if (job_begin(&j) != NULL)
		pk_render_os_profiles(j.r, only);
	job_end(&j, out, 200);
}

/* The pick the parameters ask for, as cmd_pick.c's setup(); false after
 * an error reply. */
static bool pick_setup(pk_pick *pick, const sq_target *t, unsigned mask,
		       api_reply *out)
{
	const char *range = sq_get(t, "range"), *cls = sq_get(t, "class");
	const char *near = sq_get(t, "near"), *name = sq_get(t, "name");
	const char *avoid_os = sq_get(t, "avoid_os");
	bool aa, au;
	pk_error err;
	pk_status st = PK_OK;
	pk_portspec spec;
	uint16_t port;

	if (!param_bool(t, "allow_assigned", &aa, out, "pick") ||
	    !param_bool(t, "allow_unofficial", &au, out, "pick"))
		return false;
	if (range != NULL && cls != NULL) {
		invalid(out, "pick", "pick: --range and --class exclude each other");
		return false;
	}
	if (near != NULL && name != NULL) {
		invalid(out, "pick", "pick: --near and --name exclude each other");
		return false;
	}
	if (mask != 0 && (mask & PK_PROTOMASK_TRANSPORTS) == 0) {
		invalid(out, "pick", "pick: invalid transport: expected tcp, udp, sctp or dccp");
		return false;
	}
	if (range != NULL) {
		if ((st = pk_portspec_parse(range, &spec, &err)) != PK_OK) {
			fail(out, "pick", st, &err);
			return false;
		}
		if (spec.protos != 0) {
			invalid(out, "pick", "invalid range '%.40s': expected LO-HI without a transport (use --proto)",
				range);
			return false;
		}
		st = pk_pick_set_range(pick, spec.lo, spec.hi, &err);
	} else if (cls != NULL) {
		if (strcmp(cls, "user") != 0 && strcmp(cls, "dynamic") != 0) {
			invalid(out, "pick", "invalid class '%.40s': expected user or dynamic", cls);
			return false;
		}
		pk_pick_set_class(pick, cls[0] == 'u' ? PK_CLASS_USER : PK_CLASS_DYNAMIC);
	}
	if (st == PK_OK && near != NULL && (st = pk_port_parse(near, &port, &err)) == PK_OK)
		pk_pick_set_near(pick, port);
	if (st == PK_OK && mask != 0)
		st = pk_pick_set_protos(pick, mask & PK_PROTOMASK_TRANSPORTS, &err);
	if (st == PK_OK && name != NULL)
		st = pk_pick_set_name(pick, name, &err);
	if (st == PK_OK)
		st = pk_pick_avoid_os(pick, avoid_os != NULL ? avoid_os : "common", &err);
	/* The server's host is not the host the service will run on: a pick
	 * here asks the registry and the OS ranges only (the document's
	 * constraints say "host_check": false). */
	pk_pick_set_flags(pick, PK_PICK_NO_HOST_CHECK | (aa ? PK_PICK_ALLOW_ASSIGNED : 0) |
				       (au ? PK_PICK_ALLOW_UNOFFICIAL : 0));
	if (st != PK_OK) {
		fail(out, "pick", st, &err);
		return false;
	}
	return true;
}

/* /v1/pick: `portkit pick --json --no-host-check ...`. */
static void ep_pick(const api_env *env, const sq_target *t, api_reply *out)
{
	static const char *const params[] = { "count", "range", "class", "near", "name",
					      "avoid_os", "allow_assigned",
					      "allow_unofficial", "proto", NULL };
	size_t count = 1, found = 0;
	unsigned mask;
	pk_pick *pick = NULL;
	pk_pick_result *res = NULL;
	pk_error err;
	pk_status st;

	if (!known_params(t, params, out, "pick") || !param_protos(t, &mask, out, "pick"))
		return;
	const char *cs = sq_get(t, "count");
	if (cs != NULL && !parse_count(cs, API_MAX_PICK, &count)) {
		invalid(out, "pick", "invalid count '%.40s': expected 1-%d", cs, API_MAX_PICK);
		return;
	}
	if ((st = pk_pick_new(env->reg, &pick, &err)) != PK_OK) {
		fail(out, "pick", st, &err);
		return;
	}
	if (!pick_setup(pick, t, mask, out))
		goto done;
	if ((res = calloc(count, sizeof *res)) == NULL) {
		api_error(out, 500, "pick", PK_NOMEM, NULL);
		goto done;
	}
	if ((st = pk_pick_run(pick, count, res, &found, &err)) != PK_OK) {
		fail(out, "pick", st, &err);
		goto done;
	}
	render_job j;
	if (job_begin(&j) != NULL)
		pk_render_pick(j.r, env->reg, pick, res, found);
	job_end(&j, out, 200);
done:
	free(res);
	pk_pick_free(pick);
}

/* /v1/advise: `portkit advise --json ...`. */
static void ep_advise(const api_env *env, const sq_target *t, api_reply *out)
{
	static const char *const params[] = { "name", "port", "proto", "draft",
					      "description", "reference", "assignee",
					      "contact", NULL };
	pk_plan plan = { 0 };
	unsigned mask, port_protos = 0;
	bool draft;
	pk_advice *adv = NULL;
	pk_error err;
	pk_status st;

	if (!known_params(t, params, out, "advise") || !param_protos(t, &mask, out, "advise") ||
	    !param_bool(t, "draft", &draft, out, "advise"))
		return;
	plan.name = sq_get(t, "name");
	plan.description = sq_get(t, "description");
	plan.reference = sq_get(t, "reference");
	plan.assignee = sq_get(t, "assignee");
	plan.contact = sq_get(t, "contact");
	const char *port_arg = sq_get(t, "port");
	if (port_arg != NULL) {
		pk_portspec spec;
		if ((st = pk_portspec_parse(port_arg, &spec, &err)) != PK_OK) {
			fail(out, "advise", PK_INVAL, &err);
			return;
		}
		if (spec.lo != spec.hi) {
			invalid(out, "advise", "invalid port '%.40s': expected one port, not a range", port_arg);
			return;
		}
		plan.has_port = true;
		plan.port = spec.lo;
		port_protos = spec.protos;
	}
	if (plan.name == NULL && !plan.has_port) {
		invalid(out, "advise", "advise: nothing to review: expected --name, --port, or both");
		return;
	}
	if (port_protos != 0 && mask != 0 && port_protos != mask) {
		invalid(out, "advise", "advise: --port and --proto name different transports");
		return;
	}
	plan.protos = (port_protos != 0 ? port_protos : mask) & PK_PROTOMASK_TRANSPORTS;
	if ((st = pk_advise(env->reg, &plan, &adv, &err)) != PK_OK) {
		fail(out, "advise", st, &err);
		return;
	}
	render_job j;
	if (job_begin(&j) != NULL)
		pk_render_advice(j.r, adv, draft);
	job_end(&j, out, 200);
	pk_advice_free(adv);
}

static void no_params(const sq_target *t, api_reply *out, const char *command,
		      bool *ok)
{
	static const char *const none[] = { NULL };

	*ok = known_params(t, none, out, command);
}

char *api_render_map(const pk_registry *reg, size_t *len)
{
	render_job j;
	api_reply r = { 0 };

	if (job_begin(&j) != NULL)
		pk_render_port_map(j.r, reg);
	job_end(&j, &r, 200);
	if (r.status != 200) {
		api_reply_free(&r);
		return NULL;
	}
	*len = r.len;
	return r.body;
}

static void asset(api_reply *out, const char *data, uint64_t size,
		  const char *type, bool page)
{
	out->status = 200;
	out->content_type = type;
	out->body = (char *)data;
	out->len = (size_t)size;
	out->body_static = true;
	out->is_page = page;
}

void api_answer(const api_env *env, const char *method, const char *target,
		size_t target_len, api_reply *out)
{
	sq_target *t = malloc(sizeof *t);
	const char *why = NULL, *arg;
	bool ok;

	memset(out, 0, sizeof *out);
	if (t == NULL) {
		api_error(out, 500, "serve", PK_NOMEM, NULL);
		return;
	}
	int rc = sq_parse(target, target_len, t, &why);
	if (rc != 0) {
		api_error(out, rc, "serve", rc == 414 ? PK_TOOBIG : PK_INVAL, why);
		goto done;
	}
	/* GET and HEAD only (libmicrohttpd leaves the body out for HEAD). */
	if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) {
		char msg[96];
		snprintf(msg, sizeof msg, "method %.16s not allowed: GET and HEAD only", method);
		api_error(out, 405, "serve", PK_UNSUPPORTED, msg);
		out->allow = "GET, HEAD";
		goto done;
	}
	out->from_registry = true;
	if (strcmp(t->path, "/") == 0) {
		asset(out, serve_index_html, serve_index_html_size, "text/html; charset=utf-8", true);
	} else if (strcmp(t->path, "/app.js") == 0) {
		asset(out, serve_app_js, serve_app_js_size, "text/javascript; charset=utf-8", true);
	} else if (strcmp(t->path, "/app.css") == 0) {
		asset(out, serve_app_css, serve_app_css_size, "text/css; charset=utf-8", true);
	} else if (strcmp(t->path, "/v1/openapi.json") == 0) {
		asset(out, serve_openapi_json, serve_openapi_json_size, JSON_TYPE, false);
	} else if ((arg = sq_path_after(t, "/v1/ports/")) != NULL) {
		ep_lookup(env, t, arg, true, out);
	} else if ((arg = sq_path_after(t, "/v1/names/")) != NULL) {
		ep_lookup(env, t, arg, false, out);
	} else if (strcmp(t->path, "/v1/search") == 0) {
		ep_search(env, t, out);
	} else if ((arg = sq_path_after(t, "/v1/range/")) != NULL) {
		ep_range(env, t, arg, out);
	} else if (strcmp(t->path, "/v1/ranges") == 0) {
		ep_ranges(t, out);
	} else if (strcmp(t->path, "/v1/pick") == 0) {
		ep_pick(env, t, out);
	} else if (strcmp(t->path, "/v1/advise") == 0) {
		ep_advise(env, t, out);
	} else if (strcmp(t->path, "/v1/info") == 0) {
		no_params(t, out, "info", &ok);
		if (ok) {
			render_job j;
			if (job_begin(&j) != NULL)
				pk_render_info(j.r, env->reg, env->user_index_path, "portkit update");
			job_end(&j, out, 200);
		}
	} else if (strcmp(t->path, "/v1/map") == 0) {
		no_params(t, out, "map", &ok);
		if (ok && env->map != NULL) {
			asset(out, env->map, env->map_len, JSON_TYPE, false);
		} else if (ok) {
			size_t len = 0;
			char *body = api_render_map(env->reg, &len);
			if (body == NULL)
				api_error(out, 500, "map", PK_NOMEM, NULL);
			else
				*out = (api_reply){ .status = 200, .content_type = JSON_TYPE,
						    .body = body, .len = len };
		}
	} else if (strcmp(t->path, "/v1/health") == 0) {
		no_params(t, out, "health", &ok);
		if (ok) {
			render_job j;
			if (job_begin(&j) != NULL)
				pk_render_health(j.r, env->reg);
			job_end(&j, out, 200);
			/* A health check must see the server, not a cache. */
			out->from_registry = false;
		}
	} else {
		char msg[192];
		snprintf(msg, sizeof msg, "no such resource: %.80s (the API is under /v1, see /v1/openapi.json)",
			 t->path);
		api_error(out, 404, "serve", PK_NOTFOUND, msg);
	}
	if (out->status != 200)
		out->from_registry = false;
	else if (out->body_static && out->body != env->map)
		out->from_registry = false; /* the embedded files: ETag by build */
done:
	free(t);
}
