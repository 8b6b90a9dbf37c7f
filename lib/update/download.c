/* download.c - fetching a registry over HTTP(S) or from a file:// URL.
 *
 * libcurl is loaded with dlopen() when pk_download() is called, not linked:
 * a plain `portkit 443` must not pay for loading libcurl and the TLS stack
 * behind it (a dozen shared objects) at every start.  curl.h is used only
 * for its types and constants. */
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define CURL_DISABLE_TYPECHECK 1
#include <curl/curl.h>

#include "core/internal.h"

#define LIBCURL_SONAME "libcurl.so.4"

/* The libcurl functions pk_download() needs, resolved from the handle. */
typedef struct curl_api {
	void *handle;
	CURLcode (*global_init)(long flags);
	void (*global_cleanup)(void);
	CURL *(*easy_init)(void);
	CURLcode (*easy_setopt)(CURL *curl, CURLoption option, ...);
	CURLcode (*easy_perform)(CURL *curl);
	CURLcode (*easy_getinfo)(CURL *curl, CURLINFO info, ...);
	void (*easy_cleanup)(CURL *curl);
	const char *(*easy_strerror)(CURLcode code);
} curl_api;

/* dlsym() returns void *; going through a union keeps the conversion to a
 * function pointer well-defined under -Wpedantic-style warnings. */
static int resolve(void *handle, const char *name, void *fnptr, size_t size)
{
	void *sym = dlsym(handle, name);

	if (sym == NULL || size != sizeof sym)
		return -1;
	memcpy(fnptr, &sym, size);
	return 0;
}

static pk_status curl_load(curl_api *api, pk_error *err)
{
	memset(api, 0, sizeof *api);
	/* RTLD_NODELETE: libcurl's TLS library registers exit handlers, so
	 * the code must stay mapped after dlclose(). */
	api->handle = dlopen(LIBCURL_SONAME, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
	if (api->handle == NULL) {
		const char *why = dlerror();
		return pk__error_set(err, PK_UNSUPPORTED,
				    "cannot download: %s is not available (%s); install libcurl4, or fetch the file yourself and use --file",
				    LIBCURL_SONAME, why ? why : "dlopen failed");
	}
#define RESOLVE(field, name) resolve(api->handle, name, &api->field, sizeof api->field)
	if (RESOLVE(global_init, "curl_global_init") != 0 ||
	    RESOLVE(global_cleanup, "curl_global_cleanup") != 0 ||
	    RESOLVE(easy_init, "curl_easy_init") != 0 ||
	    RESOLVE(easy_setopt, "curl_easy_setopt") != 0 ||
	    RESOLVE(easy_perform, "curl_easy_perform") != 0 ||
	    RESOLVE(easy_getinfo, "curl_easy_getinfo") != 0 ||
	    RESOLVE(easy_cleanup, "curl_easy_cleanup") != 0 ||
	    RESOLVE(easy_strerror, "curl_easy_strerror") != 0) {
		dlclose(api->handle);
		api->handle = NULL;
		return pk__error_set(err, PK_UNSUPPORTED,
				    "cannot download: %s lacks the functions portkit needs",
				    LIBCURL_SONAME);
	}
#undef RESOLVE
	return PK_OK;
}

/* What the transfer callbacks share. */
typedef struct transfer {
	pk_buf buf;
	bool toobig;
	bool aborted;
	pk_progress_fn progress;
	void *progress_ctx;
} transfer;

static size_t on_data(char *ptr, size_t size, size_t nmemb, void *userdata)
{
	transfer *t = userdata;
	size_t n = size * nmemb;
	pk_status st = pk__buf_add(&t->buf, ptr, n);

	if (st == PK_TOOBIG)
		t->toobig = true;
	/* Anything but n makes libcurl stop with CURLE_WRITE_ERROR. */
	return st == PK_OK ? n : 0;
}

static int on_progress(void *clientp, curl_off_t dltotal, curl_off_t dlnow,
		       curl_off_t ultotal, curl_off_t ulnow)
{
	transfer *t = clientp;

	(void)ultotal;
	(void)ulnow;
	if (t->progress == NULL)
		return 0;
	if (t->progress(t->progress_ctx, dlnow > 0 ? (uint64_t)dlnow : 0,
			dltotal > 0 ? (uint64_t)dltotal : 0) != 0) {
		t->aborted = true;
		return 1;
	}
	return 0;
}

/* Short form of a URL for messages, so a huge one cannot crowd out the
 * reason. */
static const char *url_for_message(const char *url, char *buf, size_t size)
{
	size_t n = strlen(url);

	if (n < size)
		return url;
	memcpy(buf, url, size - 4);
	memcpy(buf + size - 4, "...", 4);
	return buf;
}

pk_status pk_url_check(const char *url, pk_error *err)
{
	static const char *const schemes[] = { "http://", "https://", "file://" };
	size_t rest = 0;

	if (url == NULL)
		url = "";
	for (size_t i = 0; i < sizeof schemes / sizeof schemes[0]; i++)
		if (strncasecmp(url, schemes[i], strlen(schemes[i])) == 0)
			rest = strlen(schemes[i]);
	bool clean = true;
	for (const unsigned char *p = (const unsigned char *)url; *p != '\0'; p++)
		clean = clean && *p > 0x20 && *p != 0x7f;
	/* http(s) needs a host, file:// an absolute path. */
	bool file = strncasecmp(url, "file://", 7) == 0;
	if (rest == 0 || !clean || url[rest] == '\0' || (file && url[rest] != '/') ||
	    (!file && (url[rest] == '/' || url[rest] == ':')))
		return pk__error_set(err, PK_INVAL,
				    "'%.80s' is not a URL: expected http://HOST/..., https://HOST/... or file:///PATH (a local file: --file)",
				    url);
	return PK_OK;
}

pk_status pk_download(const char *url, size_t max_bytes, pk_progress_fn fn,
		      void *ctx, char **data, size_t *len, pk_error *err)
{
	return pk_download_timeout(url, max_bytes, 0, fn, ctx, data, len, err);
}

pk_status pk_download_timeout(const char *url, size_t max_bytes,
			      unsigned timeout_s, pk_progress_fn fn, void *ctx,
			      char **data, size_t *len, pk_error *err)
{
	curl_api api;
	transfer t;
	CURL *curl = NULL;
	char curl_err[CURL_ERROR_SIZE];
	char shown[200];
	long http_code = 0;
	bool global = false;
	pk_status st;

	if (data == NULL || len == NULL)
		return pk__error_set(err, PK_INVAL, "pk_download: no place for the result");
	*data = NULL;
	*len = 0;
	if ((st = pk_url_check(url, err)) != PK_OK)
		return st;
	pk__buf_init(&t.buf, max_bytes);
	t.toobig = false;
	t.aborted = false;
	t.progress = fn;
	t.progress_ctx = ctx;

	st = curl_load(&api, err);
	if (st != PK_OK)
		return st;
	/* Thread-safe and reference counted since libcurl 7.84. */
	if (api.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		st = pk__error_set(err, PK_NETWORK, "cannot download: libcurl failed to initialise");
		goto out;
	}
	global = true;
	curl = api.easy_init();
	if (curl == NULL) {
		st = pk__error_set(err, PK_NOMEM, "cannot download: out of memory");
		goto out;
	}
	curl_err[0] = '\0';
	api.easy_setopt(curl, CURLOPT_URL, url);
	api.easy_setopt(curl, CURLOPT_ERRORBUFFER, curl_err);
	/* Registries are fetched from web servers or local mirrors only, and
	 * what starts over HTTPS stays there: a redirect to plain HTTP would
	 * hand the transfer to anyone on the path.  Options a libcurl older
	 * than 7.85 does not know fail, and so does the download. */
	bool https = strncasecmp(url, "https://", 8) == 0;
	if (api.easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https,file") != CURLE_OK ||
	    api.easy_setopt(curl, CURLOPT_REDIR_PROTOCOLS_STR, https ? "https" : "http,https") != CURLE_OK) {
		st = pk__error_set(err, PK_UNSUPPORTED, "cannot download: %s cannot restrict "
				  "the protocols of redirects (libcurl 7.85 or later needed)",
				  LIBCURL_SONAME);
		goto out;
	}
	api.easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 1L);
	api.easy_setopt(curl, CURLOPT_MAXREDIRS, 5L);
	api.easy_setopt(curl, CURLOPT_FAILONERROR, 1L);
	api.easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	api.easy_setopt(curl, CURLOPT_USERAGENT, "portkit/" PK_VERSION_STRING);
	api.easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, "");
	api.easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, 30L);
	/* The deadline for everything, however the server paces its bytes. */
	if (timeout_s == 0)
		timeout_s = PK_DOWNLOAD_TIMEOUT_DEFAULT;
	api.easy_setopt(curl, CURLOPT_TIMEOUT, (long)timeout_s);
	/* A stalled transfer (below 1 kB/s for a minute) is given up. */
	api.easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1024L);
	api.easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, 60L);
	if (max_bytes < (size_t)INT64_MAX)
		api.easy_setopt(curl, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)max_bytes);
	api.easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_data);
	api.easy_setopt(curl, CURLOPT_WRITEDATA, &t);
	api.easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, on_progress);
	api.easy_setopt(curl, CURLOPT_XFERINFODATA, &t);
	api.easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);

	CURLcode rc = api.easy_perform(curl);
	api.easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &http_code);
	curl_off_t total_us = 0;
	api.easy_getinfo(curl, CURLINFO_TOTAL_TIME_T, &total_us);
	/* After a redirect that was refused, the URL libcurl stopped at is
	 * the one it was sent to. */
	const char *redirect = NULL;
	long redirects = 0;
	api.easy_getinfo(curl, CURLINFO_REDIRECT_COUNT, &redirects);
	if (redirects > 0)
		api.easy_getinfo(curl, CURLINFO_EFFECTIVE_URL, &redirect);
	char redirect_shown[200];
	if (redirect != NULL)
		redirect = url_for_message(redirect, redirect_shown, sizeof redirect_shown);
	url = url_for_message(url, shown, sizeof shown);
	if (rc == CURLE_OK && http_code >= 400)
		rc = CURLE_HTTP_RETURNED_ERROR; /* file:// has no status */
	switch (rc) {
	case CURLE_OK:
		st = pk__buf_terminate(&t.buf);
		if (st != PK_OK) {
			pk__error_set(err, st, "%s: %s", url, pk_strerror(st));
			goto out;
		}
		*data = t.buf.data;
		*len = t.buf.len;
		t.buf.data = NULL;
		st = PK_OK;
		break;
	case CURLE_HTTP_RETURNED_ERROR:
		st = pk__error_set(err, PK_NETWORK, "HTTP %ld from %s", http_code, url);
		break;
	case CURLE_FILESIZE_EXCEEDED:
		st = pk__error_set(err, PK_TOOBIG, "%s: larger than %zu bytes", url, max_bytes);
		break;
	case CURLE_WRITE_ERROR:
		if (t.toobig)
			st = pk__error_set(err, PK_TOOBIG, "%s: larger than %zu bytes", url, max_bytes);
		else
			st = pk__error_set(err, PK_NOMEM, "%s: out of memory", url);
		break;
	case CURLE_ABORTED_BY_CALLBACK:
		st = pk__error_set(err, PK_NETWORK, "%s: download interrupted", url);
		break;
	case CURLE_OPERATION_TIMEDOUT:
		if (total_us >= (curl_off_t)timeout_s * 1000000 - 100000)
			st = pk__error_set(err, PK_NETWORK, "%s: not complete after %u s, the "
					  "download deadline; given up", url, timeout_s);
		else
			st = pk__error_set(err, PK_NETWORK, "%s: %s", url,
					  curl_err[0] ? curl_err : api.easy_strerror(rc));
		break;
	case CURLE_UNSUPPORTED_PROTOCOL:
		if (redirect != NULL) {
			st = pk__error_set(err, PK_NETWORK, "%s redirects to %s: refused (%s)",
					  url, redirect, https ? "a download that starts over "
					  "https continues over https only" : "redirects go to "
					  "http or https only");
			break;
		}
		st = pk__error_set(err, PK_NETWORK, "%s: %s", url,
				  curl_err[0] ? curl_err : api.easy_strerror(rc));
		break;
	case CURLE_FILE_COULDNT_READ_FILE:
		st = pk__error_set(err, PK_IO, "%s: %s", url,
				  curl_err[0] ? curl_err : api.easy_strerror(rc));
		break;
	default:
		st = pk__error_set(err, PK_NETWORK, "%s: %s", url,
				  curl_err[0] ? curl_err : api.easy_strerror(rc));
		break;
	}
out:
	pk__buf_free(&t.buf);
	if (curl != NULL)
		api.easy_cleanup(curl);
	if (global)
		api.global_cleanup();
	dlclose(api.handle);
	return st;
}
