/* holdports SPEC... - holds sockets for the audit tests (tests/cli), so that
 * a shell script can put real listeners and connections in a network
 * namespace.  Every port is chosen by the kernel unless given.
 *
 *   tcp4:PORT         listen on 0.0.0.0:PORT (0: the kernel picks)
 *   tcp6:PORT[:only]  listen on [::]:PORT, dual-stack unless ":only"
 *   udp4:PORT         bind a UDP socket on 0.0.0.0:PORT
 *   conn:PORT:N       N TCP connections to 127.0.0.1:PORT
 *
 * "-n NAME" first sets the process name (prctl PR_SET_NAME, what
 * /proc/PID/comm shows, at most 15 bytes), so that a test can give a
 * listener a name full of terminal escapes.
 *
 * Prints "SPEC PORT" per socket (the port bound, or connected from), then
 * "ready", and holds everything until its standard input closes.  Exit
 * status 2 on a bad spec, 1 when a socket call fails. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

static int fail(const char *spec, const char *what)
{
	fprintf(stderr, "holdports: %s: %s: %s\n", spec, what, strerror(errno));
	exit(1);
}

static unsigned number(const char *spec, const char *s, unsigned max)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);

	if (*s == '\0' || *end != '\0' || v > max) {
		fprintf(stderr, "holdports: bad number in '%s'\n", spec);
		exit(2);
	}
	return (unsigned)v;
}

static uint16_t local_port(int fd, const char *spec)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;

	if (getsockname(fd, (struct sockaddr *)&ss, &len) != 0)
		fail(spec, "getsockname");
	return ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port :
						 ((struct sockaddr_in *)&ss)->sin_port);
}

int main(int argc, char **argv)
{
	int first = 1;
	if (argc > 2 && strcmp(argv[1], "-n") == 0) {
		if (prctl(PR_SET_NAME, argv[2], 0, 0, 0) != 0)
			fail(argv[2], "prctl");
		first = 3;
	}
	for (int i = first; i < argc; i++) {
		char spec[64], *kind, *a, *b;
		snprintf(spec, sizeof spec, "%s", argv[i]);
		kind = strtok(spec, ":");
		a = strtok(NULL, ":");
		b = strtok(NULL, ":");
		if (kind == NULL || a == NULL) {
			fprintf(stderr, "holdports: bad spec '%s'\n", argv[i]);
			return 2;
		}
		uint16_t port = (uint16_t)number(argv[i], a, 65535);
		if (strcmp(kind, "tcp4") == 0 || strcmp(kind, "udp4") == 0) {
			int tcp = kind[0] == 't';
			struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port) };
			int fd = socket(AF_INET, tcp ? SOCK_STREAM : SOCK_DGRAM, 0);
			if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0)
				fail(argv[i], "bind");
			if (tcp && listen(fd, 1024) != 0)
				fail(argv[i], "listen");
			printf("%s %u\n", argv[i], local_port(fd, argv[i]));
		} else if (strcmp(kind, "tcp6") == 0) {
			struct sockaddr_in6 sa = { .sin6_family = AF_INET6, .sin6_port = htons(port) };
			int only = b != NULL && strcmp(b, "only") == 0;
			int fd = socket(AF_INET6, SOCK_STREAM, 0);
			if (fd < 0 || setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &only, sizeof only) != 0 ||
			    bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(fd, 1024) != 0)
				fail(argv[i], "listen");
			printf("%s %u\n", argv[i], local_port(fd, argv[i]));
		} else if (strcmp(kind, "conn") == 0 && b != NULL) {
			unsigned n = number(argv[i], b, 100000);
			struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port) };
			sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
			for (unsigned k = 0; k < n; k++) {
				int fd = socket(AF_INET, SOCK_STREAM, 0);
				if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0)
					fail(argv[i], "connect");
				printf("%s %u\n", argv[i], local_port(fd, argv[i]));
			}
		} else {
			fprintf(stderr, "holdports: unknown spec '%s'\n", argv[i]);
			return 2;
		}
	}
	printf("ready\n");
	fflush(stdout);
	char buf[256];
	while (read(0, buf, sizeof buf) > 0)
		;
	return 0;
}
