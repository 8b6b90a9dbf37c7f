/* bench_pick.c - how fast pk_pick chooses a port, next to the baseline a
 * "find a free port" helper uses (socket + bind(0) + getsockname + close),
 * measured in the same run; and the whole `portkit pick --count 1`
 * process next to `portkit --version`.
 *
 *   bench_pick [PORTKIT [INDEX]]
 * PORTKIT: the CLI to time (whole-process rows skipped without it);
 * INDEX: a compiled index (default: pk_registry_open_default). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "portkit.h"
#include "bench.h"

#define BATCHES 7

/* Median over BATCHES of the mean ns per call of fn over n calls. */
static double measure(int (*fn)(void *), void *ctx, int n)
{
	double per[BATCHES];

	for (int b = 0; b < BATCHES; b++) {
		double t0 = bench_now_ns();
		for (int i = 0; i < n; i++)
			if (fn(ctx) != 0) {
				fprintf(stderr, "bench_pick: a call failed\n");
				exit(1);
			}
		per[b] = (bench_now_ns() - t0) / n;
	}
	return bench_median(per, BATCHES);
}

/* The baseline: what most "free port" helpers do, IPv4 TCP only. */
static int bind0_once(int family, int type)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;
	int fd = socket(family, type | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	memset(&ss, 0, sizeof ss);
	ss.ss_family = (sa_family_t)family;
	int rc = bind(fd, (struct sockaddr *)&ss,
		      family == AF_INET ? sizeof(struct sockaddr_in) :
					  sizeof(struct sockaddr_in6));
	if (rc == 0)
		rc = getsockname(fd, (struct sockaddr *)&ss, &len);
	close(fd);
	return rc;
}

static int bind0(void *ctx)
{
	(void)ctx;
	return bind0_once(AF_INET, SOCK_STREAM);
}

/* The same, for the four sockets pk_pick's host check binds. */
static int bind0_x4(void *ctx)
{
	(void)ctx;
	return bind0_once(AF_INET, SOCK_STREAM) | bind0_once(AF_INET6, SOCK_STREAM) |
	       bind0_once(AF_INET, SOCK_DGRAM) | bind0_once(AF_INET6, SOCK_DGRAM);
}

static int pick_once(void *ctx)
{
	pk_pick_result r;
	size_t found;
	pk_error err;

	if (pk_pick_run(ctx, 1, &r, &found, &err) != PK_OK) {
		fprintf(stderr, "bench_pick: %s\n", err.message);
		return -1;
	}
	return 0;
}

/* Wall time of one run of argv, stdout to /dev/null. */
static int run_process(void *ctx)
{
	char *const *argv = ctx;
	pid_t pid = fork();
	int status;

	if (pid < 0)
		return -1;
	if (pid == 0) {
		if (freopen("/dev/null", "w", stdout) == NULL)
			_exit(127);
		execv(argv[0], argv);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0)
		return -1;
	return 0;
}

static void row(const char *what, double ns, double base)
{
	printf("%-44s %12.0f %12.0f %8.2f\n", what, ns, 1e9 / ns, ns / base);
}

int main(int argc, char **argv)
{
	const char *portkit = argc > 1 ? argv[1] : NULL;
	const char *index = argc > 2 ? argv[2] : NULL;
	pk_registry *reg = NULL;
	pk_pick *host = NULL, *nohost = NULL, *named = NULL;
	pk_error err;

	if ((index ? pk_registry_open_file(index, &reg, &err) :
		     pk_registry_open_default(&reg, &err)) != PK_OK ||
	    pk_pick_new(reg, &host, &err) != PK_OK ||
	    pk_pick_new(reg, &nohost, &err) != PK_OK ||
	    pk_pick_new(reg, &named, &err) != PK_OK ||
	    pk_pick_set_name(named, "bench-service", &err) != PK_OK) {
		fprintf(stderr, "bench_pick: %s\n", err.message);
		return 1;
	}
	pk_pick_set_flags(nohost, PK_PICK_NO_HOST_CHECK);

	double base = measure(bind0, NULL, 2000);
	double base4 = measure(bind0_x4, NULL, 500);
	double with_host = measure(pick_once, host, 500);
	double without = measure(pick_once, nohost, 2000);
	double by_name = measure(pick_once, named, 500);

	printf("in-process (median of %d batches)            ns/op        ops/s   ratio\n",
	       BATCHES);
	row("bind(0)+getsockname+close, tcp4 [baseline]", base, base);
	row("bind(0) x4: tcp4 tcp6 udp4 udp6", base4, base);
	row("pk_pick_run, host check (4 binds)", with_host, base);
	row("pk_pick_run, --no-host-check", without, base);
	row("pk_pick_run, --name, host check", by_name, base);
	printf("target: in-process pick with host check <= 100000 ns: %s (%.0f ns)\n",
	       with_host <= 100000 ? "met" : "MISSED", with_host);

	if (portkit != NULL) {
		fflush(stdout); /* or each child would print it again */
		char *version[] = { (char *)portkit, "--version", NULL };
		char *pick[] = { (char *)portkit, "pick", "--count", "1", NULL };
		char *pick_idx[] = { (char *)portkit, "pick", "--count", "1",
				     "--index", (char *)index, NULL };
		double v = measure(run_process, version, 20);
		double p = measure(run_process, index ? pick_idx : pick, 20);
		printf("\nwhole process (median of %d batches)         ns/run       runs/s   ratio\n",
		       BATCHES);
		row("portkit --version [baseline]", v, v);
		row("portkit pick --count 1", p, v);
	}
	pk_pick_free(host);
	pk_pick_free(nohost);
	pk_pick_free(named);
	pk_registry_close(reg);
	return 0;
}
