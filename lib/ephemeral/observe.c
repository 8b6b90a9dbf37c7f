/* observe.c - asks the running kernel which source ports it picks:
 * connections over loopback to a listener on an ephemeral port of its
 * own, each closed with a reset (SO_LINGER 0) so that no TIME_WAIT
 * socket outlives the observation on a shared machine. */
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "core/internal.h"

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static pk_status observe_loopback(size_t max, uint32_t max_ms, uint16_t *ports,
				  uint64_t *when_ns, pk_observation *out,
				  pk_error *err)
{
	struct sockaddr_in addr;
	socklen_t len = sizeof addr;
	pk_status st = PK_OK;
	int lfd = -1;

	memset(out, 0, sizeof *out);
	memset(&addr, 0, sizeof addr);
	addr.sin_family = AF_INET;
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	addr.sin_port = 0;
	lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&addr, sizeof addr) != 0 ||
	    listen(lfd, 64) != 0 ||
	    getsockname(lfd, (struct sockaddr *)&addr, &len) != 0) {
		st = pk__error_set(err, errno == EACCES || errno == EPERM ? PK_PERM : PK_IO,
				  "cannot listen on 127.0.0.1: %s", strerror(errno));
		goto out;
	}
	out->listen_port = ntohs(addr.sin_port);

	const uint64_t start = mono_ns(), deadline = start + (uint64_t)max_ms * 1000000u;
	const struct linger abort_close = { 1, 0 };
	while (out->count < max && mono_ns() < deadline) {
		struct sockaddr_in me;
		socklen_t mlen = sizeof me;
		int cfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (cfd < 0) {
			st = pk__error_set(err, PK_IO, "socket: %s", strerror(errno));
			goto out;
		}
		uint64_t t0 = mono_ns();
		int rc = connect(cfd, (struct sockaddr *)&addr, sizeof addr);
		uint64_t t1 = mono_ns();
		if (rc != 0 || getsockname(cfd, (struct sockaddr *)&me, &mlen) != 0) {
			int e = errno;
			close(cfd);
			/* Out of ports is an answer too: report what we saw. */
			if (e == EADDRNOTAVAIL && out->count > 0)
				break;
			st = pk__error_set(err, PK_IO, "connect to 127.0.0.1:%u: %s",
					  out->listen_port, strerror(e));
			goto out;
		}
		int afd = accept(lfd, NULL, NULL);
		setsockopt(cfd, SOL_SOCKET, SO_LINGER, &abort_close, sizeof abort_close);
		close(cfd);
		if (afd >= 0)
			close(afd);
		ports[out->count] = ntohs(me.sin_port);
		if (when_ns != NULL)
			when_ns[out->count] = t0 - start;
		out->connect_ns += t1 - t0;
		out->count++;
	}
out:
	if (lfd >= 0)
		close(lfd);
	return st;
}

pk_status pk_observe_loopback_(size_t max, uint32_t max_ms, uint16_t *ports,
			       uint64_t *when_ns, pk_observation *out,
			       size_t out_size, pk_error *err)
{
	pk_observation full;
	pk_status st = observe_loopback(max, max_ms, ports, when_ns, &full, err);

	pk__copy_out(out, out_size, &full, sizeof full);
	return st;
}
