/* bench_cli.c - whole-process start-up: `portkit 443` against
 * `getent services 443` (glibc reading /etc/services), measured in the same
 * run, interleaved so that both see the same machine.
 *
 *   bench_cli PORTKIT [ITERATIONS]
 *
 * Each iteration spawns the command with stdout and stderr on /dev/null
 * and waits for it; the wall time from spawn to exit is taken with
 * CLOCK_MONOTONIC.  Prints a table of medians and 90th percentiles and the
 * ratio of the medians (portkit / baseline; below 1 means portkit is
 * faster). */
#include <fcntl.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

extern char **environ;

/* Runs argv once; returns its wall time in ns, or 0 when it failed. */
static uint64_t run_once(char *const argv[], int devnull)
{
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int status;
	uint64_t t0;
	uint64_t t1;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, devnull, STDOUT_FILENO);
	posix_spawn_file_actions_adddup2(&fa, devnull, STDERR_FILENO);
	t0 = bench_clock_ns();
	if (posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ) != 0) {
		posix_spawn_file_actions_destroy(&fa);
		return 0;
	}
	waitpid(pid, &status, 0);
	t1 = bench_clock_ns();
	posix_spawn_file_actions_destroy(&fa);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return 0;
	return t1 - t0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a;
	uint64_t y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

typedef struct cmd {
	const char *label;
	char *argv[6];
	uint64_t *t;
	double median_us;
	double p90_us;
} cmd;

int main(int argc, char **argv)
{
	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: bench_cli PORTKIT [ITERATIONS]\n");
		return 2;
	}
	long n = argc == 3 ? strtol(argv[2], NULL, 10) : 500;
	if (n < 5 || n > 1000000) {
		fprintf(stderr, "bench_cli: ITERATIONS must be 5-1000000\n");
		return 2;
	}
	int devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (devnull < 0) {
		perror("bench_cli: /dev/null");
		return 1;
	}
	cmd cmds[] = {
		{ "getent services 443", { "getent", "services", "443", NULL }, NULL, 0, 0 },
		{ "portkit 443", { argv[1], "443", NULL }, NULL, 0, 0 },
		{ "getent services http", { "getent", "services", "http", NULL }, NULL, 0, 0 },
		{ "portkit http", { argv[1], "http", NULL }, NULL, 0, 0 },
	};
	size_t ncmds = sizeof cmds / sizeof cmds[0];

	for (size_t c = 0; c < ncmds; c++) {
		cmds[c].t = calloc((size_t)n, sizeof(uint64_t));
		if (cmds[c].t == NULL)
			return 1;
		/* Warm the page cache and the dynamic loader's caches. */
		for (int w = 0; w < 5; w++)
			if (run_once(cmds[c].argv, devnull) == 0) {
				fprintf(stderr, "bench_cli: '%s' failed\n", cmds[c].label);
				return 1;
			}
	}
	/* Interleaved: a disturbance hits every command alike. */
	for (long i = 0; i < n; i++)
		for (size_t c = 0; c < ncmds; c++)
			if ((cmds[c].t[i] = run_once(cmds[c].argv, devnull)) == 0) {
				fprintf(stderr, "bench_cli: '%s' failed\n", cmds[c].label);
				return 1;
			}
	for (size_t c = 0; c < ncmds; c++) {
		qsort(cmds[c].t, (size_t)n, sizeof(uint64_t), cmp_u64);
		cmds[c].median_us = (double)cmds[c].t[n / 2] / 1e3;
		cmds[c].p90_us = (double)cmds[c].t[n * 9 / 10] / 1e3;
	}
	printf("whole process, %ld runs each, interleaved (wall time per run)\n", n);
	printf("%-22s %12s %12s %16s\n", "command", "median us", "p90 us", "ratio to getent");
	for (size_t c = 0; c < ncmds; c++) {
		const cmd *base = &cmds[c & ~(size_t)1];
		printf("%-22s %12.0f %12.0f %16.2f\n", cmds[c].label, cmds[c].median_us,
		       cmds[c].p90_us, cmds[c].median_us / base->median_us);
	}
	for (size_t c = 0; c < ncmds; c++)
		free(cmds[c].t);
	close(devnull);
	return 0;
}
