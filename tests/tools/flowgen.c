/* flowgen.c - traffic whose server end is known by construction, for
 * tests/cli/test_classify.sh: run inside a private network namespace
 * while a capture runs on lo.  Each flow it makes is printed as one line
 * of ground truth, "PROTO SERVER_ADDR SERVER_PORT CLIENT_ADDR CLIENT_PORT"
 * (addresses as the kernel prints them).
 *
 *   flowgen tcp SERVER_ADDR SERVER_PORT CLIENT_ADDR CLIENT_PORT N [banner]
 *       a TCP server, one client (CLIENT_PORT 0: an ephemeral port) and N
 *       request/response exchanges; "banner": the server speaks first
 *   flowgen udp SERVER_ADDR SERVER_PORT CLIENT_ADDR CLIENT_PORT N [oneway]
 *       N requests each answered, or N datagrams never answered
 * Mode "hold": N clients (TCP; UDP: one, connected) of one exchange
 * each, every socket kept open until a signal ends the program, for
 * `portkit classify --live`.
 * Fixed ports are fine here: the namespace is the test's own. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

typedef union {
	struct sockaddr sa;
	struct sockaddr_in in4;
	struct sockaddr_in6 in6;
} addr_u;

static socklen_t make_addr(const char *host, unsigned port, addr_u *a)
{
	memset(a, 0, sizeof *a);
	if (strchr(host, ':') != NULL) {
		a->in6.sin6_family = AF_INET6;
		a->in6.sin6_port = htons((uint16_t)port);
		if (inet_pton(AF_INET6, host, &a->in6.sin6_addr) != 1)
			exit(2);
		return sizeof a->in6;
	}
	a->in4.sin_family = AF_INET;
	a->in4.sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, host, &a->in4.sin_addr) != 1)
		exit(2);
	return sizeof a->in4;
}

static int bound(int type, const char *host, unsigned port)
{
	addr_u a;
	socklen_t len = make_addr(host, port, &a);
	int one = 1;
	int fd = socket(a.sa.sa_family, type, 0);

	if (fd < 0)
		exit(3);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (bind(fd, &a.sa, len) != 0) {
		perror("flowgen: bind");
		exit(3);
	}
	return fd;
}

static unsigned local_port(int fd)
{
	addr_u a;
	socklen_t len = sizeof a;

	getsockname(fd, &a.sa, &len);
	return ntohs(a.sa.sa_family == AF_INET6 ? a.in6.sin6_port : a.in4.sin_port);
}

static void xfer(int from, int to, const char *msg)
{
	char buf[256];
	size_t n = strlen(msg);

	if (send(from, msg, n, 0) != (ssize_t)n || recv(to, buf, sizeof buf, 0) <= 0)
		exit(3);
}

int main(int argc, char **argv)
{
	if (argc < 7)
		return 2;
	const char *saddr = argv[2], *caddr = argv[4];
	unsigned sport = (unsigned)atoi(argv[3]), cport = (unsigned)atoi(argv[5]);
	int n = atoi(argv[6]);
	const char *mode = argc > 7 ? argv[7] : "";
	addr_u sa;
	socklen_t slen = make_addr(saddr, sport, &sa);

	if (strcmp(argv[1], "tcp") == 0 && strcmp(mode, "hold") == 0) {
		int l = bound(SOCK_STREAM, saddr, sport);
		if (listen(l, 64) != 0)
			return 3;
		for (int i = 0; i < n; i++) {
			int c = bound(SOCK_STREAM, caddr, cport);
			if (connect(c, &sa.sa, slen) != 0)
				return 3;
			int s = accept(l, NULL, NULL);
			if (s < 0)
				return 3;
			printf("tcp %s %u %s %u\n", saddr, sport, caddr, local_port(c));
			xfer(c, s, "request\r\n");
			xfer(s, c, "response\r\n");
		}
		fflush(stdout);
		pause();
		return 0;
	}
	if (strcmp(argv[1], "tcp") == 0) {
		int l = bound(SOCK_STREAM, saddr, sport);
		if (listen(l, 4) != 0)
			return 3;
		int c = bound(SOCK_STREAM, caddr, cport);
		if (connect(c, &sa.sa, slen) != 0)
			return 3;
		int s = accept(l, NULL, NULL);
		if (s < 0)
			return 3;
		printf("tcp %s %u %s %u\n", saddr, sport, caddr, local_port(c));
		/* Let the handshake finish before any data, so that a filter
		 * on SYN flags leaves what a capture started later sees. */
		usleep(20000);
		if (strcmp(mode, "banner") == 0)
			xfer(s, c, "220 ready\r\n");
		for (int i = 0; i < n; i++) {
			xfer(c, s, "request\r\n");
			xfer(s, c, "response\r\n");
		}
		close(c);
		close(s);
		close(l);
		return 0;
	}
	int s = bound(SOCK_DGRAM, saddr, sport);
	int c = bound(SOCK_DGRAM, caddr, cport);
	if (strcmp(mode, "hold") == 0 && connect(c, &sa.sa, slen) != 0)
		return 3;
	printf("udp %s %u %s %u\n", saddr, sport, caddr, local_port(c));
	for (int i = 0; i < n; i++) {
		char buf[256];
		addr_u from;
		socklen_t flen = sizeof from;
		if (sendto(c, "query", 5, 0, &sa.sa, slen) != 5 ||
		    recvfrom(s, buf, sizeof buf, 0, &from.sa, &flen) <= 0)
			return 3;
		if (strcmp(mode, "oneway") != 0 &&
		    (sendto(s, "answer", 6, 0, &from.sa, flen) != 6 ||
		     recv(c, buf, sizeof buf, 0) <= 0))
			return 3;
	}
	if (strcmp(mode, "hold") == 0) {
		fflush(stdout);
		pause();
	}
	close(c);
	close(s);
	return 0;
}
