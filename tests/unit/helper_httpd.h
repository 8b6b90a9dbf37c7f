/* helper_httpd.h - a loopback HTTP server for tests of downloads and
 * `portkit update` (libmicrohttpd, 127.0.0.1, a port the kernel picks).
 *
 *   GET /NAME          the file ROOT/NAME (200), or 404
 *   GET /status/NNN    an empty response with status NNN
 *   GET /half/NAME     the first half of the file, as a complete 200 reply
 *   GET /cut/NAME      announces the whole file, sends half, drops the
 *                      connection: an interrupted download
 *   GET /slow/NAME     the file, 256 bytes every 100 ms (to interrupt)
 *   GET /redirect?to=URL  a 302 redirect to URL
 */
#ifndef PK_HELPER_HTTPD_H
#define PK_HELPER_HTTPD_H

#include <stdint.h>

typedef struct pk_test_httpd pk_test_httpd;

/* NULL on failure (with a message on stderr). */
pk_test_httpd *pk_test_httpd_start(const char *root, uint16_t *port);
/* The same over HTTPS with a certificate and key in PEM files (the
 * self-signed pair in tests/data/tls is for 127.0.0.1). */
pk_test_httpd *pk_test_httpd_start_tls(const char *root, const char *cert_file,
				       const char *key_file, uint16_t *port);
void pk_test_httpd_stop(pk_test_httpd *h);

#endif
