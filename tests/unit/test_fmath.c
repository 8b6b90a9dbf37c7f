/* test_fmath.c - lib/core/fmath.c against glibc's libm (which this test,
 * unlike the library, links): logarithms within 1 ulp over the whole
 * range of doubles, exact where exactness is promised (log of 1, log10 of
 * powers of ten, 10^k), and floor, ceil and llround equal to C's on
 * random values and on the cases that trip naive versions.  (fdlibm's
 * log10 rounds twice, ivln10 * log(m) then the sum: up to 2 ulps from
 * glibc's, which is ample for placing points on a plot.) */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <math.h>
#include <cmocka.h>

#include "core/fmath.h"
#include "core/prng.h"

static double from_bits(uint64_t u)
{
	double d;
	memcpy(&d, &u, sizeof d);
	return d;
}

/* Distance in units in the last place between two finite doubles of one
 * sign. */
static uint64_t ulps(double a, double b)
{
	int64_t x, y;
	memcpy(&x, &a, sizeof x);
	memcpy(&y, &b, sizeof y);
	if (x < 0)
		x = INT64_MIN - x;
	if (y < 0)
		y = INT64_MIN - y;
	return x > y ? (uint64_t)(x - y) : (uint64_t)(y - x);
}

typedef double (*fn)(double);

/* max ulps between mine and libm's over n positive finite doubles drawn
 * with uniform bit patterns (every exponent equally), and near 1. */
static uint64_t worst(fn mine, fn ref, size_t n, double *where)
{
	pk_prng r;
	uint64_t max = 0;

	pk__prng_seed(&r, 20260917);
	for (size_t i = 0; i < n; i++) {
		double x = i % 4 == 0 ? 1.0 + (pk__prng_unit(&r) - 0.5) / 64 :
			   from_bits(pk__prng_next(&r) >> 1);
		if (!isfinite(x) || x == 0)
			continue;
		uint64_t d = ulps(mine(x), ref(x));
		if (d > max) {
			max = d;
			*where = x;
		}
	}
	return max;
}

static void test_log(void **state)
{
	double where = 0;

	(void)state;
	uint64_t w = worst(pk__log, log, 2000000, &where);
	if (w > 1)
		fail_msg("pk__log(%a) is %llu ulps from log", where, (unsigned long long)w);
	assert_true(pk__log(1.0) == 0.0);
	assert_true(pk__log(0.0) == -INFINITY);
	assert_true(pk__log(-0.0) == -INFINITY);
	assert_true(isnan(pk__log(-1.0)));
	assert_true(isnan(pk__log(NAN)));
	assert_true(pk__log(INFINITY) == INFINITY);
	/* subnormals, the smallest double, the largest */
	assert_true(ulps(pk__log(0x1p-1074), log(0x1p-1074)) <= 1);
	assert_true(ulps(pk__log(0x1.8p-1030), log(0x1.8p-1030)) <= 1);
	assert_true(ulps(pk__log(0x1.fffffffffffffp1023), log(0x1.fffffffffffffp1023)) <= 1);
	/* what the simulator takes the log of: 1 - u for u in [0, 1) */
	assert_true(ulps(pk__log(0x1p-53), log(0x1p-53)) <= 1);
	assert_true(ulps(pk__log(1 - 0x1p-53), log(1 - 0x1p-53)) <= 1);
}

static void test_log10(void **state)
{
	double where = 0;

	(void)state;
	uint64_t w = worst(pk__log10, log10, 2000000, &where);
	if (w > 2)
		fail_msg("pk__log10(%a) is %llu ulps from log10", where, (unsigned long long)w);
	/* powers of ten land on whole numbers: plot axes depend on it */
	double p = 1;
	for (int k = 0; k <= 22; k++, p *= 10)
		if (pk__log10(p) != k)
			fail_msg("pk__log10(1e%d) = %.17g", k, pk__log10(p));
	for (int k = 1; k <= 300; k++)
		assert_true(ulps(pk__log10(pow(10, -k)), log10(pow(10, -k))) <= 2);
	assert_true(pk__log10(0.0) == -INFINITY);
	assert_true(isnan(pk__log10(-2.0)));
	assert_true(pk__log10(INFINITY) == INFINITY);
	assert_true(ulps(pk__log10(0x1p-1074), log10(0x1p-1074)) <= 1);
}

static void test_exp10i(void **state)
{
	(void)state;
	for (int k = -22; k <= 22; k++)
		if (pk__exp10i(k) != pow(10, k))
			fail_msg("pk__exp10i(%d) = %.17g, pow gives %.17g", k,
				 pk__exp10i(k), pow(10, k));
	assert_true(pk__exp10i(0) == 1);
	assert_true(pk__exp10i(400) == INFINITY);
	assert_true(pk__exp10i(-400) == 0);
}

static void same_rounding(double x)
{
	if (memcmp(&(double){ pk__floor(x) }, &(double){ floor(x) }, sizeof x) != 0)
		fail_msg("pk__floor(%a) = %a, floor gives %a", x, pk__floor(x), floor(x));
	if (memcmp(&(double){ pk__ceil(x) }, &(double){ ceil(x) }, sizeof x) != 0)
		fail_msg("pk__ceil(%a) = %a, ceil gives %a", x, pk__ceil(x), ceil(x));
	if (fabs(x) < 0x1p62 && pk__llround(x) != llround(x))
		fail_msg("pk__llround(%a) = %lld, llround gives %lld", x,
			 (long long)pk__llround(x), llround(x));
}

static void test_rounding(void **state)
{
	static const double edge[] = {
		0.0, -0.0, 0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 0.49999999999999994,
		-0.49999999999999994, 0x1p52 - 0.5, -(0x1p52 - 0.5), 0x1p52, 0x1p53 + 2,
		-0x1p60, 1e-300, -1e-300, 0.99 * 1000, 1e9 * 0.35, 4.0, -4.0,
	};
	pk_prng r;

	(void)state;
	for (size_t i = 0; i < sizeof edge / sizeof edge[0]; i++)
		same_rounding(edge[i]);
	pk__prng_seed(&r, 7);
	for (int i = 0; i < 200000; i++) {
		double scale = pk__exp10i((int)pk__prng_below(&r, 40) - 20);
		same_rounding((pk__prng_unit(&r) - 0.5) * scale);
		/* exact halves */
		same_rounding((double)(int32_t)pk__prng_u32(&r) + 0.5);
	}
	assert_true(isnan(pk__floor(NAN)) && isnan(pk__ceil(NAN)));
	assert_true(pk__floor(-INFINITY) == -INFINITY && pk__ceil(INFINITY) == INFINITY);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_log),
		cmocka_unit_test(test_log10),
		cmocka_unit_test(test_exp10i),
		cmocka_unit_test(test_rounding),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
