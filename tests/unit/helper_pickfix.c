/* helper_pickfix.c - registries, /proc trees and occupied sockets for the
 * pick and advise tests (see helper_pickfix.h). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "registry/registry_internal.h"
#include "helper_pickfix.h"

static const char csv_header[] =
	"Service Name,Port Number,Transport Protocol,Description,Assignee,"
	"Contact,Registration Date,Modification Date,Reference,Service Code,"
	"Unauthorized Use Reported,Assignment Notes\n";

pk_registry *pickfix_registry(const char *csv_rows, const char *services,
			      const char *unofficial)
{
	pk_builder *b = pk__builder_new();
	pk_registry *reg = NULL;
	pk_error err;
	void *data = NULL;
	size_t len = 0;

	assert_non_null(b);
	if (csv_rows != NULL) {
		size_t n = strlen(csv_header) + strlen(csv_rows) + 1;
		char *csv = malloc(n);
		assert_non_null(csv);
		snprintf(csv, n, "%s%s", csv_header, csv_rows);
		if (pk__import_csv(b, csv, strlen(csv), "fixture.csv", &err) != PK_OK)
			fail_msg("fixture.csv: %s", err.message);
		free(csv);
	}
	if (services != NULL &&
	    pk__import_services_ex(b, services, strlen(services), "fixture.services",
				  PK_ORIGIN_SERVICES, &err) != PK_OK)
		fail_msg("fixture.services: %s", err.message);
	if (unofficial != NULL &&
	    pk__import_services_ex(b, unofficial, strlen(unofficial),
				  "fixture.unofficial", PK_ORIGIN_UNOFFICIAL,
				  &err) != PK_OK)
		fail_msg("fixture.unofficial: %s", err.message);
	if (pk__builder_finish(b, &data, &len, &err) != PK_OK)
		fail_msg("finish: %s", err.message);
	if (pk_registry_open_mem(data, len, &reg, &err) != PK_OK)
		fail_msg("open: %s", err.message);
	free(data);
	pk__builder_free(b);
	return reg;
}

static void write_proc_file(const char *dir, const char *name, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof path, "%s/sys/net/ipv4/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

char *pickfix_proc(const char *range, const char *reserved)
{
	char *dir = strdup("/tmp/pk-pick-proc-XXXXXX");
	char path[512];

	assert_non_null(dir);
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/sys", dir);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof path, "%s/sys/net", dir);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof path, "%s/sys/net/ipv4", dir);
	assert_int_equal(mkdir(path, 0700), 0);
	if (range != NULL)
		write_proc_file(dir, "ip_local_port_range", range);
	if (reserved != NULL)
		write_proc_file(dir, "ip_local_reserved_ports", reserved);
	return dir;
}

void pickfix_rmtree(char *dir)
{
	char cmd[600];

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	free(dir);
}

static int bind_addr(const char *addr, int type, bool reuseaddr, uint16_t port)
{
	bool v6 = strchr(addr, ':') != NULL;
	int fd = socket(v6 ? AF_INET6 : AF_INET, type, 0);
	int one = 1;

	if (fd < 0)
		return -1;
	if (reuseaddr)
		assert_int_equal(setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one,
					    sizeof one), 0);
	if (v6) {
		struct sockaddr_in6 sa = { .sin6_family = AF_INET6,
					   .sin6_port = htons(port) };
		assert_int_equal(setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one,
					    sizeof one), 0);
		assert_int_equal(inet_pton(AF_INET6, addr, &sa.sin6_addr), 1);
		if (bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0)
			goto fail;
	} else {
		struct sockaddr_in sa = { .sin_family = AF_INET,
					  .sin_port = htons(port) };
		assert_int_equal(inet_pton(AF_INET, addr, &sa.sin_addr), 1);
		if (bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0)
			goto fail;
	}
	return fd;
fail:
	close(fd);
	return -1;
}

int pickfix_occupy(const char *addr, int type, bool reuseaddr, bool listen_too,
		   uint16_t *port)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;
	int fd = bind_addr(addr, type, reuseaddr, 0);

	if (fd < 0)
		return -1;
	assert_int_equal(getsockname(fd, (struct sockaddr *)&ss, &len), 0);
	*port = ss.ss_family == AF_INET6 ?
			ntohs(((struct sockaddr_in6 *)&ss)->sin6_port) :
			ntohs(((struct sockaddr_in *)&ss)->sin_port);
	if (listen_too)
		assert_int_equal(listen(fd, 1), 0);
	return fd;
}

int pickfix_occupy_port(const char *addr, int type, uint16_t port)
{
	return bind_addr(addr, type, false, port);
}

bool pickfix_have_ipv6(void)
{
	uint16_t port;
	int fd = pickfix_occupy("::", SOCK_DGRAM, false, false, &port);

	if (fd < 0)
		return false;
	close(fd);
	return true;
}
