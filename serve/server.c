/* server.c - `portkit serve` (server.h): listening sockets (given, socket
 * activation or loopback by default), libmicrohttpd daemons with an epoll
 * thread per core, the registry and its replacement, HTTP caching and
 * compression headers, the request log, shutdown on SIGTERM. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "api.h"
#include "dl.h"
#include "server.h"

#define DEFAULT_LISTEN "localhost:8080"
#define RELOAD_CHECK_NS 1000000000LL /* a replaced index is seen within 1 s */
#define GZIP_MIN 512                 /* smaller bodies are sent as they are */
#define LOG_URI_MAX 512              /* bytes of the target in a log line */

/* Content-Security-Policy of the page: its own script and style only, API
 * calls to itself, no frames, no forms, no plugins. */
#define PAGE_CSP                                                              \
	"default-src 'none'; script-src 'self'; style-src 'self'; "          \
	"connect-src 'self'; img-src 'self' data:; base-uri 'none'; "       \
	"form-action 'none'; frame-ancestors 'none'"
#define API_CSP "default-src 'none'; frame-ancestors 'none'"

/* A rendered answer kept for the next request with the same target: the
 * answers depend only on the registry (pick without a seed and health
 * are not kept), so a generation's cache is exact until it is replaced. */
#define CACHE_SLOTS 1024
#define CACHE_MAX_BODY (256u << 10)
#define CACHE_MAX_BYTES (6u << 20) /* the server stays small (bench/serve.sh) */

typedef struct centry {
	char *uri;           /* NULL: empty slot */
	const char *ctype;
	bool from_registry, is_page;
	char *body;
	size_t len;
	char etag[24];       /* the body's tag, without quotes */
	char *gz;            /* the body compressed, once asked for */
	size_t gzlen;
} centry;

/* One registry with what is derived from it, shared by the requests that
 * started while it was current. */
typedef struct generation {
	pk_registry *reg;
	unsigned refs;
	pthread_mutex_t map_lock;
	bool map_done;
	char *map;
	size_t map_len;
	pthread_rwlock_t cache_lock;
	size_t cache_bytes;
	centry cache[CACHE_SLOTS];
} generation;

typedef struct server {
	const serve_config *cfg;
	serve_mhd mhd;
	char user_index[PATH_MAX];
	bool have_user_index;
	pthread_mutex_t lock;
	generation *cur;
	char fingerprint[512]; /* of the files the registry may come from */
	long long checked_ns;
} server;

/* What one request carries from its start to its log line. */
typedef struct request {
	char uri[SQ_URI_MAX + 1];
	size_t uri_len;
	bool too_long;
	bool seen;
	bool answered;
	char client[INET6_ADDRSTRLEN];
	const char *method;
	const char *version;
	unsigned status;
	size_t bytes;
} request;

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
	va_list ap;

	fputs("portkit: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* ---- the registry and its replacement ----------------------------------- */

/* Identifies the files the registry is opened from (as
 * pk_registry_open_default looks for them): a replaced file (a rename by
 * `portkit update`, a new import) has another inode or mtime. */
static void fingerprint(const server *s, char *buf, size_t size)
{
	const char *paths[3];
	size_t n = 0, used = 0;
	const char *env = getenv("PORTKIT_INDEX");

	if (s->cfg->index_path != NULL)
		paths[n++] = s->cfg->index_path;
	else if (env != NULL && env[0] != '\0')
		paths[n++] = env;
	else {
		if (s->have_user_index)
			paths[n++] = s->user_index;
		paths[n++] = PK_SYSTEM_INDEX_PATH;
	}
	buf[0] = '\0';
	for (size_t i = 0; i < n && used < size; i++) {
		struct stat st;
		int k;
		if (stat(paths[i], &st) != 0)
			k = snprintf(buf + used, size - used, "-;");
		else
			k = snprintf(buf + used, size - used, "%ju:%ju:%lld.%ld:%lld;",
				     (uintmax_t)st.st_dev, (uintmax_t)st.st_ino,
				     (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec,
				     (long long)st.st_size);
		used += k > 0 ? (size_t)k : 0;
	}
}

static pk_status open_registry(const server *s, pk_registry **out, pk_error *err)
{
	if (s->cfg->index_path != NULL)
		return pk_registry_open_file(s->cfg->index_path, out, err);
	return pk_registry_open_default(out, err);
}

static void centry_clear(generation *g, centry *e)
{
	g->cache_bytes -= e->len + e->gzlen;
	free(e->uri);
	free(e->body);
	free(e->gz);
	memset(e, 0, sizeof *e);
}

static void gen_release(generation *g)
{
	if (g == NULL || --g->refs > 0)
		return;
	for (size_t i = 0; i < CACHE_SLOTS; i++)
		centry_clear(g, &g->cache[i]);
	pthread_rwlock_destroy(&g->cache_lock);
	pthread_mutex_destroy(&g->map_lock);
	pk_registry_close(g->reg);
	free(g->map);
	free(g);
}

static generation *gen_new(pk_registry *reg)
{
	generation *g = calloc(1, sizeof *g);

	if (g == NULL)
		return NULL;
	g->reg = reg;
	g->refs = 1;
	pthread_mutex_init(&g->map_lock, NULL);
	pthread_rwlock_init(&g->cache_lock, NULL);
	return g;
}

/* The current registry, checked for replacement at most once a second;
 * the caller releases it (gen_put). */
static generation *gen_get(server *s)
{
	pthread_mutex_lock(&s->lock);
	long long t = now_ns();
	if (t - s->checked_ns >= RELOAD_CHECK_NS) {
		char fp[sizeof s->fingerprint];
		s->checked_ns = t;
		fingerprint(s, fp, sizeof fp);
		if (strcmp(fp, s->fingerprint) != 0) {
			pk_registry *reg = NULL;
			pk_error err;
			generation *g = NULL;
			if (open_registry(s, &reg, &err) != PK_OK)
				say("index changed but cannot be opened (still serving the previous one): %s",
				    err.message);
			else if ((g = gen_new(reg)) == NULL)
				pk_registry_close(reg);
			if (g != NULL) {
				gen_release(s->cur);
				s->cur = g;
				memcpy(s->fingerprint, fp, sizeof fp);
				if (!s->cfg->quiet)
					say("serving a new registry (%u records)",
					    (unsigned)pk_registry_count(reg));
			}
		}
	}
	generation *g = s->cur;
	g->refs++;
	pthread_mutex_unlock(&s->lock);
	return g;
}

static void gen_put(server *s, generation *g)
{
	pthread_mutex_lock(&s->lock);
	gen_release(g);
	pthread_mutex_unlock(&s->lock);
}

/* The map is rendered once per registry (it walks all 65,536 ports).
 * (No thread-local or pthread_once here: either would make the CLI need
 * the dynamic loader's TLS support, and it maps libc alone.) */
static void render_map(generation *g)
{
	pthread_mutex_lock(&g->map_lock);
	if (!g->map_done) {
		g->map = api_render_map(g->reg, &g->map_len);
		g->map_done = true;
	}
	pthread_mutex_unlock(&g->map_lock);
}

/* ---- responses ------------------------------------------------------------ */

/* FNV-1a over the body: the ETag names the bytes, whatever produced them. */
static uint64_t body_hash(const char *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)p[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

/* Does the client accept gzip (Accept-Encoding, RFC 9110 §12.5.3)?  A
 * "gzip;q=0" refuses it. */
static bool accepts_gzip(const char *ae)
{
	for (const char *p = ae; p != NULL && *p != '\0';) {
		p += strspn(p, " \t,");
		size_t n = strcspn(p, ",");
		size_t tok = strcspn(p, " \t;,");
		if ((tok == 4 && strncasecmp(p, "gzip", 4) == 0) ||
		    (tok == 1 && p[0] == '*')) {
			const char *q = memchr(p, ';', n);
			if (q == NULL)
				return true;
			q = strstr(q, "q=");
			if (q == NULL || (size_t)(q - p) > n)
				return true;
			return strtod(q + 2, NULL) > 0;
		}
		p += n;
	}
	return false;
}

/* Does If-None-Match name etag (or "*")? */
static bool etag_matches(const char *inm, const char *etag)
{
	size_t n = strlen(etag);

	if (inm == NULL)
		return false;
	for (const char *p = inm; *p != '\0';) {
		p += strspn(p, " \t,");
		if (p[0] == '*')
			return true;
		if (strncmp(p, "W/", 2) == 0)
			p += 2;
		if (strncmp(p, etag, n) == 0 && (p[n] == '\0' || p[n] == ',' || p[n] == ' '))
			return true;
		p += strcspn(p, ",");
	}
	return false;
}

/* The body gzip-compressed into a malloc'd buffer, or NULL. */
static char *gzip(const char *in, size_t len, size_t *out_len)
{
	z_stream z;

	memset(&z, 0, sizeof z);
	if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return NULL;
	size_t cap = (size_t)deflateBound(&z, (uLong)len) + 32;
	char *out = malloc(cap);
	if (out != NULL) {
		z.next_in = (Bytef *)(uintptr_t)in;
		z.avail_in = (uInt)len;
		z.next_out = (Bytef *)out;
		z.avail_out = (uInt)cap;
		if (deflate(&z, Z_FINISH) != Z_STREAM_END) {
			free(out);
			out = NULL;
		} else {
			*out_len = cap - z.avail_out;
		}
	}
	deflateEnd(&z);
	return out;
}

/* What is sent: a body (kept by libmicrohttpd as mode says) and what its
 * headers are made from. */
typedef struct outgoing {
	unsigned status;
	const char *ctype;
	bool from_registry, is_page, gz;
	const char *allow;
	const char *body;
	size_t len;
	enum MHD_ResponseMemoryMode mode;
	char etag[40]; /* quoted; "" for none */
} outgoing;

/* Queues o, or 304 when If-None-Match names its tag. */
static enum MHD_Result queue(server *s, struct MHD_Connection *con,
			     request *req, outgoing *o)
{
	const serve_mhd *m = &s->mhd;
	bool not_modified = false;

	if (o->etag[0] != '\0')
		not_modified = etag_matches(m->lookup_connection_value(con, MHD_HEADER_KIND,
								       MHD_HTTP_HEADER_IF_NONE_MATCH),
					    o->etag);
	if (not_modified) {
		if (o->mode == MHD_RESPMEM_MUST_FREE)
			free((char *)(uintptr_t)o->body);
		o->body = NULL;
		o->len = 0;
		o->mode = MHD_RESPMEM_PERSISTENT;
		o->status = MHD_HTTP_NOT_MODIFIED;
	}
	struct MHD_Response *r = m->create_response_from_buffer(o->len, (void *)(uintptr_t)o->body,
								o->mode);
	if (r == NULL) {
		if (o->mode == MHD_RESPMEM_MUST_FREE)
			free((char *)(uintptr_t)o->body);
		return MHD_NO;
	}
	m->add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, o->ctype);
	m->add_response_header(r, "X-Content-Type-Options", "nosniff");
	m->add_response_header(r, "Referrer-Policy", "no-referrer");
	m->add_response_header(r, "Content-Security-Policy", o->is_page ? PAGE_CSP : API_CSP);
	if (o->etag[0] != '\0') {
		m->add_response_header(r, MHD_HTTP_HEADER_ETAG, o->etag);
		m->add_response_header(r, MHD_HTTP_HEADER_VARY, s->cfg->cors != NULL ?
					   "Accept-Encoding, Origin" : "Accept-Encoding");
		/* Answers change only when the registry does: a minute of
		 * freshness, then a cheap revalidation by ETag.  The page
		 * and the health check are always revalidated. */
		m->add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL,
				       o->from_registry ? "public, max-age=60" : "no-cache");
	} else {
		m->add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	}
	if (o->gz && !not_modified)
		m->add_response_header(r, MHD_HTTP_HEADER_CONTENT_ENCODING, "gzip");
	if (o->allow != NULL)
		m->add_response_header(r, MHD_HTTP_HEADER_ALLOW, o->allow);
	if (s->cfg->cors != NULL)
		m->add_response_header(r, MHD_HTTP_HEADER_ACCESS_CONTROL_ALLOW_ORIGIN, s->cfg->cors);
	enum MHD_Result ret = m->queue_response(con, o->status, r);
	m->destroy_response(r);
	req->status = o->status;
	req->bytes = o->len;
	return ret;
}

/* An answer just rendered (not from the cache): tagged by its bytes and
 * compressed for this request when asked. */
static enum MHD_Result send_reply(server *s, struct MHD_Connection *con,
				  request *req, api_reply *rep, bool want_gz)
{
	outgoing o = { .status = (unsigned)rep->status, .ctype = rep->content_type,
		       .from_registry = rep->from_registry, .is_page = rep->is_page,
		       .allow = rep->allow, .body = rep->body, .len = rep->len,
		       .mode = rep->body_static ? MHD_RESPMEM_PERSISTENT : MHD_RESPMEM_MUST_FREE };

	if (rep->status == 200) {
		o.gz = want_gz && rep->len >= GZIP_MIN;
		if (o.gz) {
			size_t zlen = 0;
			char *z = gzip(rep->body, rep->len, &zlen);
			if (z != NULL) {
				api_reply_free(rep);
				o.body = z;
				o.len = zlen;
				o.mode = MHD_RESPMEM_MUST_FREE;
			} else {
				o.gz = false;
			}
		}
		/* Each representation has its own tag (RFC 9110 §8.8.3). */
		snprintf(o.etag, sizeof o.etag, "\"%016llx%s\"",
			 (unsigned long long)body_hash(o.body, o.len), o.gz ? "-gz" : "");
	}
	return queue(s, con, req, &o);
}

static size_t cache_slot(const char *uri)
{
	return (size_t)(body_hash(uri, strlen(uri)) % CACHE_SLOTS);
}

/* Keeps a copy of a 200 answer for uri (when it fits). */
static void cache_put(generation *g, const char *uri, const api_reply *rep)
{
	centry e = { 0 };

	if (rep->len > CACHE_MAX_BODY)
		return;
	e.uri = strdup(uri);
	e.body = malloc(rep->len ? rep->len : 1);
	if (e.uri == NULL || e.body == NULL) {
		free(e.uri);
		free(e.body);
		return;
	}
	memcpy(e.body, rep->body, rep->len);
	e.len = rep->len;
	e.ctype = rep->content_type;
	e.from_registry = rep->from_registry;
	e.is_page = rep->is_page;
	snprintf(e.etag, sizeof e.etag, "%016llx", (unsigned long long)body_hash(e.body, e.len));
	pthread_rwlock_wrlock(&g->cache_lock);
	centry *slot = &g->cache[cache_slot(uri)];
	if (slot->uri != NULL)
		centry_clear(g, slot);
	if (g->cache_bytes + e.len <= CACHE_MAX_BYTES) {
		*slot = e;
		g->cache_bytes += e.len;
		e.uri = NULL;
		e.body = NULL;
	}
	pthread_rwlock_unlock(&g->cache_lock);
	free(e.uri);
	free(e.body);
}

/* Answers from the cache when it holds uri (*ret set, true). */
static bool cache_answer(server *s, generation *g, struct MHD_Connection *con,
			 request *req, const char *uri, bool want_gz,
			 enum MHD_Result *ret)
{
	centry *e = &g->cache[cache_slot(uri)];

	pthread_rwlock_rdlock(&g->cache_lock);
	if (e->uri == NULL || strcmp(e->uri, uri) != 0) {
		pthread_rwlock_unlock(&g->cache_lock);
		return false;
	}
	bool gz = want_gz && e->len >= GZIP_MIN;
	if (gz && e->gz == NULL) {
		/* Compressed once, by the first request that asks. */
		pthread_rwlock_unlock(&g->cache_lock);
		pthread_rwlock_wrlock(&g->cache_lock);
		if (e->uri != NULL && strcmp(e->uri, uri) == 0 && e->gz == NULL &&
		    g->cache_bytes + e->len / 2 <= CACHE_MAX_BYTES) {
			e->gz = gzip(e->body, e->len, &e->gzlen);
			g->cache_bytes += e->gz != NULL ? e->gzlen : 0;
			if (e->gz == NULL)
				e->gzlen = 0;
		}
		pthread_rwlock_unlock(&g->cache_lock);
		pthread_rwlock_rdlock(&g->cache_lock);
		if (e->uri == NULL || strcmp(e->uri, uri) != 0) {
			pthread_rwlock_unlock(&g->cache_lock);
			return false;
		}
	}
	gz = gz && e->gz != NULL;
	/* Copied into the response while the entry is held: a later
	 * request may replace the entry before this one is sent. */
	outgoing o = { .status = MHD_HTTP_OK, .ctype = e->ctype,
		       .from_registry = e->from_registry, .is_page = e->is_page,
		       .gz = gz, .body = gz ? e->gz : e->body, .len = gz ? e->gzlen : e->len,
		       .mode = MHD_RESPMEM_MUST_COPY };
	snprintf(o.etag, sizeof o.etag, "\"%s%s\"", e->etag, gz ? "-gz" : "");
	*ret = queue(s, con, req, &o);
	pthread_rwlock_unlock(&g->cache_lock);
	return true;
}

/* ---- libmicrohttpd callbacks ---------------------------------------------- */

/* Called with the raw request target before anything else: the API parses
 * it itself (http_query.c), and the log shows it as sent. */
static void *on_uri(void *cls, const char *uri, struct MHD_Connection *con)
{
	server *s = cls;
	request *req = calloc(1, sizeof *req);

	if (req == NULL)
		return NULL;
	size_t n = strlen(uri);
	req->too_long = n > SQ_URI_MAX;
	req->uri_len = req->too_long ? SQ_URI_MAX : n;
	memcpy(req->uri, uri, req->uri_len);
	req->method = "-";
	req->version = "-";
	const union MHD_ConnectionInfo *ci =
		s->mhd.get_connection_info(con, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	strcpy(req->client, "-");
	if (ci != NULL && ci->client_addr != NULL) {
		const struct sockaddr *sa = ci->client_addr;
		if (sa->sa_family == AF_INET)
			inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr,
				  req->client, sizeof req->client);
		else if (sa->sa_family == AF_INET6)
			inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr,
				  req->client, sizeof req->client);
	}
	return req;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *con,
				  const char *url, const char *method,
				  const char *version, const char *upload_data,
				  size_t *upload_data_size, void **req_cls)
{
	server *s = cls;
	request *req = *req_cls;
	api_reply rep;

	(void)url;
	(void)upload_data;
	if (req == NULL)
		return MHD_NO;
	req->method = method;
	req->version = version;
	/* The first call only announces the request; answering then would
	 * make libmicrohttpd close the connection (it cannot know the body
	 * was read).  A body nobody asked for is read and dropped. */
	if (!req->seen || *upload_data_size != 0) {
		req->seen = true;
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (req->answered)
		return MHD_YES;
	req->answered = true;
	const char *ae = s->mhd.lookup_connection_value(con, MHD_HEADER_KIND,
							MHD_HTTP_HEADER_ACCEPT_ENCODING);
	bool want_gz = accepts_gzip(ae);
	if (req->too_long) {
		memset(&rep, 0, sizeof rep);
		api_error(&rep, 414, "serve", PK_TOOBIG, "request target too long (at most 2048 bytes)");
		return send_reply(s, con, req, &rep, false);
	}
	if (s->cfg->cors != NULL && strcmp(method, "OPTIONS") == 0) {
		/* A CORS preflight: the API is read-only and needs no
		 * request headers. */
		struct MHD_Response *r = s->mhd.create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
		if (r == NULL)
			return MHD_NO;
		s->mhd.add_response_header(r, MHD_HTTP_HEADER_ACCESS_CONTROL_ALLOW_ORIGIN, s->cfg->cors);
		s->mhd.add_response_header(r, "Access-Control-Allow-Methods", "GET, HEAD");
		s->mhd.add_response_header(r, "Access-Control-Max-Age", "600");
		s->mhd.add_response_header(r, MHD_HTTP_HEADER_VARY, "Origin");
		enum MHD_Result ret = s->mhd.queue_response(con, MHD_HTTP_NO_CONTENT, r);
		s->mhd.destroy_response(r);
		req->status = MHD_HTTP_NO_CONTENT;
		return ret;
	}
	generation *g = gen_get(s);
	enum MHD_Result ret;
	/* pick chooses at random unless seeded by a name; health must
	 * reach the server: neither is kept. */
	bool cacheable = (strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0) &&
			 strncmp(req->uri, "/v1/pick", 8) != 0 &&
			 strncmp(req->uri, "/v1/health", 10) != 0;
	if (cacheable && cache_answer(s, g, con, req, req->uri, want_gz, &ret)) {
		gen_put(s, g);
		return ret;
	}
	char user[PATH_MAX];
	api_env env = { .reg = g->reg };
	if (s->have_user_index) {
		memcpy(user, s->user_index, sizeof user);
		env.user_index_path = user;
	}
	if (strcmp(req->uri, "/v1/map") == 0 || strncmp(req->uri, "/v1/map?", 8) == 0) {
		render_map(g);
		env.map = g->map;
		env.map_len = g->map_len;
	}
	api_answer(&env, method, req->uri, req->uri_len, &rep);
	if (cacheable && rep.status == 200) {
		cache_put(g, req->uri, &rep);
		if (cache_answer(s, g, con, req, req->uri, want_gz, &ret)) {
			api_reply_free(&rep);
			gen_put(s, g);
			return ret;
		}
	}
	ret = send_reply(s, con, req, &rep, want_gz);
	gen_put(s, g);
	return ret;
}

/* One log line per request, Common Log Format:
 * host ident authuser [date] "request line" status bytes */
static void on_done(void *cls, struct MHD_Connection *con, void **req_cls,
		    enum MHD_RequestTerminationCode why)
{
	server *s = cls;
	request *req = *req_cls;
	char date[64], uri[LOG_URI_MAX * 4 + 8], line[LOG_URI_MAX * 4 + 256];
	struct tm tm;
	time_t t = time(NULL);

	(void)con;
	(void)why;
	if (req == NULL)
		return;
	*req_cls = NULL;
	if (!s->cfg->quiet) {
		/* The target is the client's: bytes that could fake a line or
		 * a field are escaped. */
		size_t o = 0;
		for (size_t i = 0; i < req->uri_len && i < LOG_URI_MAX; i++) {
			unsigned char c = (unsigned char)req->uri[i];
			if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\')
				o += (size_t)snprintf(uri + o, sizeof uri - o, "\\x%02x", c);
			else
				uri[o++] = (char)c;
		}
		if (req->uri_len > LOG_URI_MAX || req->too_long)
			o += (size_t)snprintf(uri + o, sizeof uri - o, "...");
		uri[o] = '\0';
		gmtime_r(&t, &tm);
		strftime(date, sizeof date, "%d/%b/%Y:%H:%M:%S +0000", &tm);
		char status[16] = "-";
		if (req->status != 0)
			snprintf(status, sizeof status, "%u", req->status);
		int n = snprintf(line, sizeof line, "%s - - [%s] \"%s %s %s\" %s %zu\n",
				 req->client, date, req->method, uri, req->version,
				 status, req->bytes);
		/* One write per line: lines of concurrent requests do not
		 * interleave. */
		if (n > 0)
			(void)!write(STDERR_FILENO, line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
	}
	free(req);
}

/* ---- listening sockets -------------------------------------------------- */

typedef struct listener {
	int fd;
	struct sockaddr_storage addr;
	struct MHD_Daemon *daemon;
} listener;

static int bind_one(const struct sockaddr *sa, socklen_t len, listener *l,
		    const char *spec)
{
	int fd = socket(sa->sa_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int one = 1;

	if (fd < 0) {
		say("--listen %s: socket: %s", spec, strerror(errno));
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (sa->sa_family == AF_INET6) {
		/* "[::]" takes IPv4 too; other IPv6 addresses are only
		 * themselves. */
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)(const void *)sa;
		int v6only = !IN6_IS_ADDR_UNSPECIFIED(&s6->sin6_addr);
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof v6only);
	}
	if (bind(fd, sa, len) != 0 || listen(fd, 1024) != 0) {
		say("--listen %s: %s", spec, strerror(errno));
		close(fd);
		return -1;
	}
	socklen_t alen = sizeof l->addr;
	getsockname(fd, (struct sockaddr *)&l->addr, &alen);
	l->fd = fd;
	return 0;
}

static uint16_t port_of(const listener *l)
{
	if (l->addr.ss_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)(const void *)&l->addr)->sin6_port);
	return ntohs(((const struct sockaddr_in *)(const void *)&l->addr)->sin_port);
}

/* ADDR:PORT, [V6ADDR]:PORT; ADDR "" or "localhost" is the loopback
 * addresses of both families, "*" every address.  Adds to ls; returns 0,
 * 2 for a bad spec, 3 when binding fails. */
static int parse_listen(const char *spec, listener *ls, size_t *n, size_t max)
{
	char host[64];
	const char *colon, *portstr;

	if (spec[0] == '[') {
		const char *end = strchr(spec, ']');
		if (end == NULL || end[1] != ':' || (size_t)(end - spec - 1) >= sizeof host)
			goto bad;
		memcpy(host, spec + 1, (size_t)(end - spec - 1));
		host[end - spec - 1] = '\0';
		portstr = end + 2;
	} else {
		if ((colon = strrchr(spec, ':')) == NULL || (size_t)(colon - spec) >= sizeof host)
			goto bad;
		memcpy(host, spec, (size_t)(colon - spec));
		host[colon - spec] = '\0';
		portstr = colon + 1;
	}
	uint16_t port;
	if (portstr[0] == '0' && portstr[1] == '\0')
		port = 0;
	else if (pk_port_parse(portstr, &port, NULL) != PK_OK)
		goto bad;
	struct sockaddr_in v4 = { .sin_family = AF_INET, .sin_port = htons(port) };
	struct sockaddr_in6 v6 = { .sin6_family = AF_INET6, .sin6_port = htons(port) };
	bool both = host[0] == '\0' || strcmp(host, "localhost") == 0;
	if (*n + (both ? 2 : 1) > max) {
		say("--listen: at most %zu addresses", max);
		return 2;
	}
	if (both) {
		v4.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		if (bind_one((struct sockaddr *)&v4, sizeof v4, &ls[*n], spec) != 0)
			return 3;
		/* The same port on ::1, when this host has IPv6 at all. */
		v6.sin6_addr = in6addr_loopback;
		v6.sin6_port = htons(port_of(&ls[*n]));
		(*n)++;
		int fd = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd >= 0) {
			close(fd);
			if (bind_one((struct sockaddr *)&v6, sizeof v6, &ls[*n], spec) == 0)
				(*n)++;
		}
		return 0;
	}
	if (strcmp(host, "*") == 0) {
		v6.sin6_addr = in6addr_any;
		if (bind_one((struct sockaddr *)&v6, sizeof v6, &ls[*n], spec) == 0) {
			(*n)++;
			return 0;
		}
		v4.sin_addr.s_addr = htonl(INADDR_ANY);
		if (bind_one((struct sockaddr *)&v4, sizeof v4, &ls[*n], spec) != 0)
			return 3;
		(*n)++;
		return 0;
	}
	if (inet_pton(AF_INET, host, &v4.sin_addr) == 1) {
		if (bind_one((struct sockaddr *)&v4, sizeof v4, &ls[*n], spec) != 0)
			return 3;
	} else if (inet_pton(AF_INET6, host, &v6.sin6_addr) == 1) {
		if (bind_one((struct sockaddr *)&v6, sizeof v6, &ls[*n], spec) != 0)
			return 3;
	} else {
		say("invalid listen address '%.64s': expected an IP address, [IPv6], localhost or *", host);
		return 2;
	}
	(*n)++;
	return 0;
bad:
	say("invalid --listen '%.80s': expected ADDR:PORT, [IPV6]:PORT or :PORT", spec);
	return 2;
}

/* systemd socket activation (sd_listen_fds(3)): LISTEN_PID is this
 * process and LISTEN_FDS sockets start at descriptor 3.  Returns how many
 * were added. */
static size_t activation_sockets(listener *ls, size_t max)
{
	const char *pid = getenv("LISTEN_PID"), *fds = getenv("LISTEN_FDS");
	size_t n = 0;

	if (pid == NULL || fds == NULL || strtol(pid, NULL, 10) != (long)getpid())
		return 0;
	long count = strtol(fds, NULL, 10);
	for (long i = 0; i < count && n < max; i++) {
		int fd = 3 + (int)i;
		socklen_t alen = sizeof ls[n].addr;
		if (getsockname(fd, (struct sockaddr *)&ls[n].addr, &alen) != 0)
			continue;
		fcntl(fd, F_SETFD, FD_CLOEXEC);
		ls[n].fd = fd;
		n++;
	}
	unsetenv("LISTEN_PID");
	unsetenv("LISTEN_FDS");
	unsetenv("LISTEN_FDNAMES");
	return n;
}

static void print_url(const listener *l)
{
	char addr[INET6_ADDRSTRLEN] = "?";

	if (l->addr.ss_family == AF_INET6) {
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)&l->addr)->sin6_addr,
			  addr, sizeof addr);
		printf("portkit: serving http://[%s]:%u/\n", addr, (unsigned)port_of(l));
	} else {
		inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)&l->addr)->sin_addr,
			  addr, sizeof addr);
		printf("portkit: serving http://%s:%u/\n", addr, (unsigned)port_of(l));
	}
}

int serve_run(const serve_config *cfg)
{
	server s = { .cfg = cfg };
	listener ls[SERVE_MAX_LISTEN * 2];
	size_t n = 0;
	char why[512];
	pk_error err;
	pk_registry *reg = NULL;
	int rc = 0;

	memset(ls, 0, sizeof ls);
	if (serve_mhd_load(&s.mhd, why, sizeof why) != 0) {
		say("%s", why);
		return 3;
	}
	s.have_user_index = pk_user_index_path(s.user_index, sizeof s.user_index, NULL) == PK_OK;
	pthread_mutex_init(&s.lock, NULL);
	fingerprint(&s, s.fingerprint, sizeof s.fingerprint);
	s.checked_ns = now_ns();
	if (open_registry(&s, &reg, &err) != PK_OK) {
		say("%s", err.message);
		return 3;
	}
	if ((s.cur = gen_new(reg)) == NULL) {
		pk_registry_close(reg);
		say("out of memory");
		return 3;
	}

	n = activation_sockets(ls, sizeof ls / sizeof ls[0]);
	bool activated = n > 0;
	for (size_t i = 0; !activated && i < (cfg->nlisten ? cfg->nlisten : 1) && rc == 0; i++)
		rc = parse_listen(cfg->nlisten ? cfg->listen[i] : DEFAULT_LISTEN, ls, &n,
				  sizeof ls / sizeof ls[0]);
	if (rc == 0 && n == 0) {
		say("no socket to listen on");
		rc = 3;
	}

	/* Signals are taken by sigwait below: blocked before any thread
	 * starts, so every thread inherits the mask. */
	sigset_t sigs;
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);

	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned threads = cfg->threads ? cfg->threads : cpus > 0 ? (unsigned)cpus : 1;
	for (size_t i = 0; rc == 0 && i < n; i++) {
		struct MHD_OptionItem opts[] = {
			{ MHD_OPTION_LISTEN_SOCKET, ls[i].fd, NULL },
			{ MHD_OPTION_THREAD_POOL_SIZE, (intptr_t)threads, NULL },
			{ MHD_OPTION_CONNECTION_LIMIT, (intptr_t)cfg->max_conns, NULL },
			{ MHD_OPTION_PER_IP_CONNECTION_LIMIT, (intptr_t)cfg->max_conns, NULL },
			{ MHD_OPTION_CONNECTION_TIMEOUT, (intptr_t)cfg->timeout, NULL },
			/* Request line and headers must fit in this; a longer
			 * request line is answered 414 by libmicrohttpd itself. */
			{ MHD_OPTION_CONNECTION_MEMORY_LIMIT, 16384, NULL },
			{ MHD_OPTION_END, 0, NULL },
		};
		/* The callbacks go through the variadic arguments (an option
		 * array holds no function pointers). */
		ls[i].daemon = s.mhd.start_daemon(
			MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_TURBO | MHD_USE_ERROR_LOG,
			0, NULL, NULL, on_request, &s,
			MHD_OPTION_URI_LOG_CALLBACK, on_uri, &s,
			MHD_OPTION_NOTIFY_COMPLETED, on_done, &s,
			MHD_OPTION_ARRAY, opts,
			MHD_OPTION_END);
		if (ls[i].daemon == NULL) {
			say("cannot start the HTTP server on descriptor %d", ls[i].fd);
			rc = 3;
		}
	}
	if (rc == 0) {
		for (size_t i = 0; i < n; i++)
			print_url(&ls[i]);
		fflush(stdout);
		for (;;) {
			int sig = 0;
			if (sigwait(&sigs, &sig) != 0)
				continue;
			if (sig == SIGHUP) {
				/* Look at the index file now. */
				pthread_mutex_lock(&s.lock);
				s.checked_ns = 0;
				pthread_mutex_unlock(&s.lock);
				generation *g = gen_get(&s);
				gen_put(&s, g);
				continue;
			}
			if (!cfg->quiet)
				say("%s: shutting down", sig == SIGTERM ? "SIGTERM" : "SIGINT");
			break;
		}
	}
	/* Stopping a daemon finishes the requests it is answering. */
	for (size_t i = 0; i < n; i++) {
		/* A daemon closes its listening socket itself. */
		if (ls[i].daemon != NULL)
			s.mhd.stop_daemon(ls[i].daemon);
		else if (ls[i].fd > 0)
			close(ls[i].fd);
	}
	gen_release(s.cur);
	pthread_mutex_destroy(&s.lock);
	return rc;
}
