/* nss_stub.c - libnss_pkstub.so.2, the dispatch floor of bench/nss.sh: a
 * services module that answers NOTFOUND at once, so that its time through
 * getservbyport_r is glibc's own (reading nsswitch.conf's state, finding
 * the module, calling it). */
#include <errno.h>
#include <netdb.h>
#include <nss.h>
#include <stddef.h>

#define API __attribute__((visibility("default")))

API enum nss_status _nss_pkstub_getservbyname_r(const char *, const char *, struct servent *,
						char *, size_t, int *);
API enum nss_status _nss_pkstub_getservbyport_r(int, const char *, struct servent *, char *,
						size_t, int *);

enum nss_status _nss_pkstub_getservbyname_r(const char *name, const char *proto,
					    struct servent *r, char *b, size_t n, int *e)
{
	(void)name, (void)proto, (void)r, (void)b, (void)n;
	*e = ENOENT;
	return NSS_STATUS_NOTFOUND;
}

enum nss_status _nss_pkstub_getservbyport_r(int port, const char *proto,
					    struct servent *r, char *b, size_t n, int *e)
{
	(void)port, (void)proto, (void)r, (void)b, (void)n;
	*e = ENOENT;
	return NSS_STATUS_NOTFOUND;
}
