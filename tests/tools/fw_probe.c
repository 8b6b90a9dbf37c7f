/* fw_probe.c - for the firewall tests, inside a network namespace of
 * their own: does a TCP connection or a UDP datagram to a loopback port
 * get through the firewall loaded there?
 *
 *   fw_probe lo-up                 brings the namespace's loopback up
 *   fw_probe tcp|udp PORT          listens on 127.0.0.1:PORT, connects or
 *                                  sends to it; prints "pass" or "drop"
 *
 * A dropped SYN or datagram shows as a timeout (300 ms): short, since
 * nothing on loopback takes longer. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#define TIMEOUT_MS 300

static int lo_up(void)
{
	struct ifreq ifr;
	int s = socket(AF_INET, SOCK_DGRAM, 0);
	if (s < 0)
		return 1;
	memset(&ifr, 0, sizeof ifr);
	strcpy(ifr.ifr_name, "lo");
	if (ioctl(s, SIOCGIFFLAGS, &ifr) != 0)
		return 1;
	ifr.ifr_flags |= IFF_UP;
	int rc = ioctl(s, SIOCSIFFLAGS, &ifr) != 0;
	close(s);
	return rc;
}

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "lo-up") == 0)
		return lo_up();
	if (argc != 3 || (strcmp(argv[1], "tcp") != 0 && strcmp(argv[1], "udp") != 0)) {
		fprintf(stderr, "usage: fw_probe lo-up | tcp|udp PORT\n");
		return 2;
	}
	bool tcp = strcmp(argv[1], "tcp") == 0;
	long port = strtol(argv[2], NULL, 10);
	if (port <= 0 || port > 65535)
		return 2;
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	int type = tcp ? SOCK_STREAM : SOCK_DGRAM;
	int srv = socket(AF_INET, type, 0), one = 1;
	if (srv < 0 || setsockopt(srv, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
	    bind(srv, (struct sockaddr *)&a, sizeof a) != 0 || (tcp && listen(srv, 4) != 0)) {
		perror("fw_probe: listen");
		return 2;
	}
	int cli = socket(AF_INET, type | SOCK_NONBLOCK, 0);
	if (cli < 0)
		return 2;
	struct pollfd p;
	bool pass;
	if (tcp) {
		if (connect(cli, (struct sockaddr *)&a, sizeof a) != 0 && errno != EINPROGRESS)
			return 2;
		p = (struct pollfd){ .fd = cli, .events = POLLOUT };
		int err = 0;
		socklen_t len = sizeof err;
		pass = poll(&p, 1, TIMEOUT_MS) == 1 &&
		       getsockopt(cli, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err == 0;
	} else {
		if (sendto(cli, "x", 1, 0, (struct sockaddr *)&a, sizeof a) != 1)
			return 2;
		p = (struct pollfd){ .fd = srv, .events = POLLIN };
		char c;
		pass = poll(&p, 1, TIMEOUT_MS) == 1 && recv(srv, &c, 1, 0) == 1;
	}
	puts(pass ? "pass" : "drop");
	close(cli);
	close(srv);
	return 0;
}
