/* pk_httpd ROOT - the loopback HTTP server of tests/unit/helper_httpd.c as
 * a program, for the CLI tests: prints the port it listens on, then serves
 * ROOT until it gets SIGTERM (or for five minutes at most).
 *
 * pk_httpd --free-port prints a loopback port nobody listens on (one the
 * kernel assigned and that was closed again), to test refused connections
 * without a fixed port number. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <stdio.h>
#include <unistd.h>

#include "helper_httpd.h"

int main(int argc, char **argv)
{
	uint16_t port;
	sigset_t set;
	int sig;

	if (argc == 2 && strcmp(argv[1], "--free-port") == 0) {
		struct sockaddr_in sa = { .sin_family = AF_INET };
		socklen_t len = sizeof sa;
		int fd = socket(AF_INET, SOCK_STREAM, 0);
		sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0 ||
		    getsockname(fd, (struct sockaddr *)&sa, &len) != 0)
			return 1;
		close(fd);
		printf("%u\n", (unsigned)ntohs(sa.sin_port));
		return 0;
	}
	if (argc != 2) {
		fprintf(stderr, "usage: pk_httpd ROOT\n");
		return 2;
	}
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGALRM);
	/* Blocked before the server thread starts, so only sigwait sees them. */
	sigprocmask(SIG_BLOCK, &set, NULL);
	pk_test_httpd *h = pk_test_httpd_start(argv[1], &port);
	if (h == NULL)
		return 1;
	printf("%u\n", (unsigned)port);
	fflush(stdout);
	alarm(300);
	sigwait(&set, &sig);
	pk_test_httpd_stop(h);
	return 0;
}
