/* fmath.h - the few elementary functions lib/ computes with (the
 * simulator's exponential draws, plot scales), so that no program built
 * on libportkit needs libm: mapping it costs every `portkit 443` about a
 * tenth of its start-up, and glibc's libm cannot be linked statically into
 * a dynamic program.  Use these, not <math.h>'s, in lib/;
 * tests/cli/test_archives.sh fails when the CLI or the lookup library
 * needs libm. */
#ifndef PK_FMATH_H
#define PK_FMATH_H

#include <stdint.h>

/* Natural and decimal logarithms (fdlibm's algorithms): pk__log within
 * 1 ulp, pk__log10 within 2 and exact at powers of ten.  0 gives
 * -inf, negative numbers and NaN give NaN, +inf gives +inf. */
double pk__log(double x);
double pk__log10(double x);

/* 10^k, correctly rounded for |k| <= 22 (exact for 0 <= k <= 22). */
double pk__exp10i(int k);

/* floor, ceil and llround (halves away from zero) as C defines them, for
 * every finite x whose result fits in an int64_t; NaN and infinities are
 * returned as they are by floor and ceil. */
double pk__floor(double x);
double pk__ceil(double x);
int64_t pk__llround(double x);

#endif /* PK_FMATH_H */
