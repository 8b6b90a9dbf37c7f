/* bench_audit.c - `portkit audit` on a host with 10,000 bound sockets
 * (5,000 listening TCP, 5,000 bound UDP, all held by this process), next
 * to `ss -tuln` and `ss -tulpn` measured in the same run.  Target: the
 * whole audit process under 100 ms.
 *
 *   bench_audit [PORTKIT]
 *
 * The sockets live in a private network namespace when this process may
 * create one (root), so the count is exact and the host is not disturbed;
 * otherwise in the current one (the audit then also sees the host's own
 * sockets).  In the private namespace two cases are run: the sockets
 * outside the ephemeral range (a normal host: few findings) and inside it
 * (10,000 findings: the audit's worst case). */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "portkit.h"
#include "bench.h"

#define SOCKETS 10000
#define RUNS 11

extern char **environ;

/* Median wall time of running argv to completion, stdout to /dev/null;
 * negative when it cannot run or fails with status >= 2. */
static double time_process(char *const argv[])
{
	double t[RUNS];
	posix_spawn_file_actions_t fa;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	for (int i = 0; i < RUNS; i++) {
		pid_t pid;
		int status;
		double t0 = bench_now_ms();
		if (posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ) != 0 ||
		    waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
		    WEXITSTATUS(status) >= 2) {
			posix_spawn_file_actions_destroy(&fa);
			return -1;
		}
		t[i] = bench_now_ms() - t0;
	}
	posix_spawn_file_actions_destroy(&fa);
	return bench_median(t, RUNS);
}

static bool private_netns(void)
{
	if (unshare(CLONE_NEWNET) != 0)
		return false;
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	struct ifreq ifr;
	memset(&ifr, 0, sizeof ifr);
	strcpy(ifr.ifr_name, "lo");
	if (fd >= 0 && ioctl(fd, SIOCGIFFLAGS, &ifr) == 0) {
		ifr.ifr_flags |= IFF_UP;
		ioctl(fd, SIOCSIFFLAGS, &ifr);
	}
	if (fd >= 0)
		close(fd);
	return true;
}

static bool set_range(const char *value)
{
	int fd = open("/proc/sys/net/ipv4/ip_local_port_range", O_WRONLY);
	bool ok = fd >= 0 && write(fd, value, strlen(value)) == (ssize_t)strlen(value);
	if (fd >= 0)
		close(fd);
	return ok;
}

/* Opens up to n sockets, half TCP listeners, half UDP; returns how many. */
static int open_sockets(int n)
{
	int made = 0;

	for (int i = 0; i < n; i++) {
		bool tcp = i % 2 == 0;
		struct sockaddr_in a = { .sin_family = AF_INET };
		/* CLOEXEC: the processes timed must not inherit 10,000
		 * descriptors (and scan them as their own). */
		int fd = socket(AF_INET, (tcp ? SOCK_STREAM : SOCK_DGRAM) | SOCK_CLOEXEC, 0);
		if (fd < 0)
			break;
		if (bind(fd, (struct sockaddr *)&a, sizeof a) != 0 ||
		    (tcp && listen(fd, 4) != 0)) {
			close(fd);
			break;
		}
		made++;
	}
	return made;
}

/* In-process: what `portkit audit` does after start-up, median ms. */
static void time_inprocess(const pk_registry *reg, double *read_nl,
			   double *read_proc, double *run, double *no_owners)
{
	double a[RUNS], b[RUNS], c[RUNS], d[RUNS];
	pk_host_portconf *conf = malloc(sizeof *conf);
	pk_error err;

	for (int i = 0; i < RUNS; i++) {
		pk_host_sockets *s = NULL;
		pk_audit *au = NULL;
		double t0 = bench_now_ms();
		pk_host_portconf_read(NULL, conf, &err);
		if (pk_host_sockets_read(NULL, 0, &s, &err) != PK_OK) {
			fprintf(stderr, "bench_audit: %s\n", err.message);
			exit(1);
		}
		double t1 = bench_now_ms();
		pk_audit_input in = { .conf = conf, .sockets = s, .reg = reg };
		if (pk_audit_run(&in, &au, &err) != PK_OK) {
			fprintf(stderr, "bench_audit: %s\n", err.message);
			exit(1);
		}
		double t2 = bench_now_ms();
		pk_audit_free(au);
		pk_host_sockets_free(s);
		double t3 = bench_now_ms();
		if (pk_host_sockets_read(NULL, PK_SOCKETS_NO_NETLINK, &s, &err) != PK_OK)
			exit(1);
		double t4 = bench_now_ms();
		pk_host_sockets_free(s);
		if (pk_host_sockets_read(NULL, PK_SOCKETS_NO_OWNERS, &s, &err) != PK_OK)
			exit(1);
		double t5 = bench_now_ms();
		pk_host_sockets_free(s);
		a[i] = t1 - t0;
		b[i] = t4 - t3;
		c[i] = t2 - t1;
		d[i] = t5 - t4;
	}
	free(conf);
	*read_nl = bench_median(a, RUNS);
	*read_proc = bench_median(b, RUNS);
	*run = bench_median(c, RUNS);
	*no_owners = bench_median(d, RUNS);
}

static void row(const char *what, double ms, double base)
{
	if (ms < 0)
		printf("  %-46s %10s\n", what, "n/a");
	else if (base > 0)
		printf("  %-46s %10.2f %10.2f\n", what, ms, ms / base);
	else
		printf("  %-46s %10.2f %10s\n", what, ms, "-");
}

static void run_case(const char *title, const char *portkit,
		     const pk_registry *reg)
{
	char *ss_tuln[] = { "ss", "-tuln", NULL };
	char *ss_tulpn[] = { "ss", "-tulpn", NULL };
	char *audit[] = { (char *)portkit, "audit", NULL };
	char *quiet[] = { (char *)portkit, "audit", "--quiet", NULL };
	char *version[] = { (char *)portkit, "--version", NULL };
	char *listeners[] = { (char *)portkit, "listeners", NULL };
	double nl, proc, run, nown;

	double base = time_process(ss_tuln);
	printf("\n%s\n  %-46s %10s %10s\n", title, "what (median of 11)", "ms",
	       "x ss -tuln");
	row("ss -tuln (whole process, baseline)", base, base);
	row("ss -tulpn (with processes)", time_process(ss_tulpn), base);
	if (portkit != NULL) {
		row("portkit --version (start-up only)", time_process(version), base);
		double t = time_process(audit);
		row("portkit audit (whole process, with owners)", t, base);
		double q = time_process(quiet);
		row("portkit audit --quiet (no owner scan)", q, base);
		row("portkit listeners (whole process)", time_process(listeners), base);
		if (t >= 0)
			printf("  target: whole audit < 100 ms: %s (%.1f ms; --quiet %.1f ms)\n",
			       t < 100 ? "met" : "MISSED", t, q);
	}
	time_inprocess(reg, &nl, &proc, &run, &nown);
	row("in-process: read sockets + owners (netlink)", nl, base);
	row("in-process: read sockets, no owners (netlink)", nown, base);
	row("in-process: read sockets + owners (/proc)", proc, base);
	row("in-process: pk_audit_run", run, base);
}

int main(int argc, char **argv)
{
	const char *portkit = argc > 1 ? argv[1] : NULL;
	pk_registry *reg = NULL;
	pk_error err;
	struct rlimit rl;

	if (portkit != NULL && access(portkit, X_OK) != 0) {
		fprintf(stderr, "bench_audit: %s: %s\n", portkit, strerror(errno));
		return 1;
	}
	/* 10,000 descriptors and some room. */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < SOCKETS + 256) {
		rlim_t want = SOCKETS + 256;
		if (rl.rlim_max < want && geteuid() == 0)
			rl.rlim_max = want;
		rl.rlim_cur = rl.rlim_max < want ? rl.rlim_max : want;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	if (pk_registry_open_default(&reg, &err) != PK_OK)
		reg = NULL;

	bool priv = private_netns();
	/* In the private namespace the sockets come from 10000-31999, so
	 * that moving the range afterwards puts them outside or inside. */
	if (priv)
		set_range("10000 31999");
	int made = open_sockets(SOCKETS);
	printf("bench_audit: %d bound sockets (%d TCP listening, %d UDP) in %s\n",
	       made, (made + 1) / 2, made / 2,
	       priv ? "a private network namespace" : "this host's network namespace");
	if (made < SOCKETS)
		printf("  (fewer than %d: descriptor limit or ports ran out)\n", SOCKETS);
	if (priv) {
		set_range("32768 60999");
		run_case("sockets outside the ephemeral range (32768-60999)", portkit, reg);
		set_range("10000 31999");
		run_case("sockets inside the ephemeral range (10000-31999): one finding each",
			 portkit, reg);
	} else {
		run_case("this host's range", portkit, reg);
	}
	pk_registry_close(reg);
	return 0;
}
