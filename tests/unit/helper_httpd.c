/* helper_httpd.c - see helper_httpd.h. */
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "helper_httpd.h"

struct pk_test_httpd {
	struct MHD_Daemon *daemon;
	char root[4096];
	char *cert, *key; /* PEM, for TLS; kept while the daemon runs */
};

/* The body of a /cut/ reply (half of data, then an error) or a /slow/
 * one (256 bytes every 100 ms). */
typedef struct cut_body {
	char *data;
	size_t len;
	bool slow;
} cut_body;

static ssize_t cut_reader(void *cls, uint64_t pos, char *buf, size_t max)
{
	cut_body *c = cls;
	size_t end = c->slow ? c->len : c->len / 2;

	if (pos >= end)
		return c->slow ? MHD_CONTENT_READER_END_OF_STREAM :
				 MHD_CONTENT_READER_END_WITH_ERROR;
	size_t n = end - (size_t)pos < max ? end - (size_t)pos : max;
	if (c->slow) {
		struct timespec ts = { 0, 100 * 1000 * 1000 };
		nanosleep(&ts, NULL);
		if (n > 256)
			n = 256;
	}
	memcpy(buf, c->data + pos, n);
	return (ssize_t)n;
}

static void cut_free(void *cls)
{
	cut_body *c = cls;

	free(c->data);
	free(c);
}

static char *read_whole(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *data = NULL;
	size_t cap = 0;

	*len = 0;
	if (f == NULL)
		return NULL;
	for (;;) {
		if (*len == cap) {
			cap = cap ? cap * 2 : 65536;
			char *p = realloc(data, cap);
			if (p == NULL) {
				free(data);
				fclose(f);
				return NULL;
			}
			data = p;
		}
		size_t n = fread(data + *len, 1, cap - *len, f);
		if (n == 0)
			break;
		*len += n;
	}
	fclose(f);
	return data;
}

/* A whole text file, NUL-terminated, or NULL. */
static char *read_pem(const char *path)
{
	size_t n;
	char *data = read_whole(path, &n);
	char *text = data ? realloc(data, n + 1) : NULL;

	if (text == NULL) {
		free(data);
		return NULL;
	}
	text[n] = '\0';
	return text;
}

static enum MHD_Result reply(struct MHD_Connection *conn, unsigned status,
			     struct MHD_Response *resp)
{
	enum MHD_Result r;

	if (resp == NULL)
		return MHD_NO;
	r = MHD_queue_response(conn, status, resp);
	MHD_destroy_response(resp);
	return r;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *conn,
			      const char *url, const char *method,
			      const char *version, const char *upload_data,
			      size_t *upload_data_size, void **con_cls)
{
	pk_test_httpd *h = cls;
	char path[8192];
	size_t len;

	(void)version;
	(void)upload_data;
	(void)upload_data_size;
	(void)con_cls;
	if (strcmp(method, "GET") != 0)
		return reply(conn, 405, MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT));
	if (strcmp(url, "/redirect") == 0) {
		const char *to = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "to");
		struct MHD_Response *r = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
		if (r != NULL && to != NULL)
			MHD_add_response_header(r, "Location", to);
		return reply(conn, to != NULL ? 302 : 400, r);
	}
	if (strncmp(url, "/status/", 8) == 0)
		return reply(conn, (unsigned)strtoul(url + 8, NULL, 10),
			     MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT));
	const char *mode = "";
	if (strncmp(url, "/half/", 6) == 0 || strncmp(url, "/cut/", 5) == 0 ||
	    strncmp(url, "/slow/", 6) == 0) {
		mode = url[1] == 'h' ? "half" : url[1] == 'c' ? "cut" : "slow";
		url = strchr(url + 1, '/');
	}
	if (strstr(url, "..") != NULL ||
	    snprintf(path, sizeof path, "%s%s", h->root, url) >= (int)sizeof path)
		return reply(conn, 404, MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT));
	char *data = read_whole(path, &len);
	if (data == NULL)
		return reply(conn, 404, MHD_create_response_from_buffer(9, (void *)"not found", MHD_RESPMEM_PERSISTENT));
	if (strcmp(mode, "cut") == 0 || strcmp(mode, "slow") == 0) {
		cut_body *c = malloc(sizeof *c);
		if (c == NULL) {
			free(data);
			return MHD_NO;
		}
		c->data = data;
		c->len = len;
		c->slow = mode[0] == 's';
		return reply(conn, 200, MHD_create_response_from_callback(len, 4096, cut_reader, c, cut_free));
	}
	if (strcmp(mode, "half") == 0)
		len /= 2;
	return reply(conn, 200, MHD_create_response_from_buffer(len, data, MHD_RESPMEM_MUST_FREE));
}

static pk_test_httpd *start(const char *root, const char *cert_file,
			    const char *key_file, uint16_t *port)
{
	pk_test_httpd *h = calloc(1, sizeof *h);
	struct sockaddr_in sa;

	if (h == NULL)
		return NULL;
	snprintf(h->root, sizeof h->root, "%s", root);
	if (cert_file != NULL &&
	    ((h->cert = read_pem(cert_file)) == NULL || (h->key = read_pem(key_file)) == NULL)) {
		fprintf(stderr, "helper_httpd: cannot read %s or %s\n", cert_file, key_file);
		pk_test_httpd_stop(h);
		return NULL;
	}
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_port = 0; /* the kernel picks: tests never use fixed ports */
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (cert_file != NULL)
		h->daemon = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG | MHD_USE_TLS,
					     0, NULL, NULL, handle, h,
					     MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
					     MHD_OPTION_HTTPS_MEM_CERT, h->cert,
					     MHD_OPTION_HTTPS_MEM_KEY, h->key,
					     MHD_OPTION_END);
	else
		h->daemon = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG,
					     0, NULL, NULL, handle, h,
					     MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
					     MHD_OPTION_END);
	if (h->daemon == NULL) {
		fprintf(stderr, "helper_httpd: cannot start the HTTP server\n");
		pk_test_httpd_stop(h);
		return NULL;
	}
	const union MHD_DaemonInfo *info =
		MHD_get_daemon_info(h->daemon, MHD_DAEMON_INFO_BIND_PORT);
	if (info == NULL || info->port == 0) {
		fprintf(stderr, "helper_httpd: cannot read the port back\n");
		pk_test_httpd_stop(h);
		return NULL;
	}
	*port = info->port;
	return h;
}

pk_test_httpd *pk_test_httpd_start(const char *root, uint16_t *port)
{
	return start(root, NULL, NULL, port);
}

pk_test_httpd *pk_test_httpd_start_tls(const char *root, const char *cert_file,
				       const char *key_file, uint16_t *port)
{
	return start(root, cert_file, key_file, port);
}

void pk_test_httpd_stop(pk_test_httpd *h)
{
	if (h == NULL)
		return;
	if (h->daemon != NULL)
		MHD_stop_daemon(h->daemon);
	free(h->cert);
	free(h->key);
	free(h);
}
