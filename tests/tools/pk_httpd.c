/* pk_httpd ROOT - the loopback HTTP server of tests/unit/helper_httpd.c as
 * a program, for the CLI tests: prints the port it listens on, then serves
 * ROOT until it gets SIGTERM (or for five minutes at most). */
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

#include "helper_httpd.h"

int main(int argc, char **argv)
{
	uint16_t port;
	sigset_t set;
	int sig;

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
