/* helper_pickfix.h - fixtures for the pick and advise tests: registries
 * imported from IANA CSV and services(5) text, fixture /proc trees, and
 * sockets that occupy a port the kernel chose (never a fixed port). */
#ifndef HELPER_PICKFIX_H
#define HELPER_PICKFIX_H

#include <stdbool.h>
#include <stdint.h>

#include "core/internal.h"

/* A registry from rows of IANA CSV (the header is added; origin iana),
 * services(5) lines (origin services) and services(5) lines of well-known
 * unofficial uses (origin unofficial).  Any part may be NULL.  Fails the
 * test on error. */
pk_registry *pickfix_registry(const char *csv_rows, const char *services,
			      const char *unofficial);

/* A /proc-like tree holding sys/net/ipv4/ip_local_port_range (when range
 * is not NULL) and ip_local_reserved_ports (when reserved is not NULL).
 * Returns a malloc'd path; pickfix_rmtree removes it and frees it. */
char *pickfix_proc(const char *range, const char *reserved);
void pickfix_rmtree(char *dir);

/* A socket of type (SOCK_STREAM, SOCK_DGRAM) bound to port 0 of addr
 * ("0.0.0.0", "127.0.0.1", "::", "::1"); IPv6 sockets are v6-only.
 * *port receives the port the kernel chose.  -1 when the family is not
 * available (the caller skips). */
int pickfix_occupy(const char *addr, int type, bool reuseaddr, bool listen,
		   uint16_t *port);
/* The same on a given port (to take a second transport of one number);
 * -1 when that bind fails. */
int pickfix_occupy_port(const char *addr, int type, uint16_t port);
/* IPv6 sockets can be bound on this host. */
bool pickfix_have_ipv6(void);

#endif
