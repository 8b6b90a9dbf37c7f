/* bench.h - timing helpers every bench/bench_*.c shares: a monotonic clock
 * and the median of a set of runs.  Static inline, so each benchmark stays
 * one file to build. */
#ifndef PK_BENCH_H
#define PK_BENCH_H

#include <stdint.h>
#include <stdlib.h>
#include <time.h>

/* Monotonic time in nanoseconds (an integer, for exact differences). */
static inline uint64_t bench_clock_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* The same clock in nanoseconds, milliseconds and seconds, as a double. */
static inline double bench_now_ns(void)
{
	return (double)bench_clock_ns();
}

static inline double bench_now_ms(void)
{
	return (double)bench_clock_ns() / 1e6;
}

static inline double bench_now_s(void)
{
	return (double)bench_clock_ns() / 1e9;
}

static inline int bench_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The median of v[0..n) (n >= 1), which it sorts: the middle value, or
 * the mean of the two middle ones when n is even. */
static inline double bench_median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof *v, bench_cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

#endif /* PK_BENCH_H */
