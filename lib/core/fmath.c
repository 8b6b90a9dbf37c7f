/* fmath.c - logarithms, powers of ten and rounding without libm (see
 * fmath.h for why).
 *
 * pk__log and pk__log10 are fdlibm's e_log.c and e_log10.c (FreeBSD's
 * msun, musl and Go carry the same code), with the word access written
 * with memcpy.  Their notice:
 *
 * ====================================================
 * Copyright (C) 1993 by Sun Microsystems, Inc. All rights reserved.
 *
 * Developed at SunSoft, a Sun Microsystems, Inc. business.
 * Permission to use, copy, modify, and distribute this
 * software is freely granted, provided that this notice
 * is preserved.
 * ====================================================
 */
#include <string.h>

#include "core/fmath.h"

static inline uint32_t high_word(double x)
{
	uint64_t u;
	memcpy(&u, &x, sizeof u);
	return (uint32_t)(u >> 32);
}

static inline uint32_t low_word(double x)
{
	uint64_t u;
	memcpy(&u, &x, sizeof u);
	return (uint32_t)u;
}

static inline double with_high_word(double x, uint32_t hi)
{
	uint64_t u;
	memcpy(&u, &x, sizeof u);
	u = (u & 0xffffffffu) | (uint64_t)hi << 32;
	memcpy(&x, &u, sizeof x);
	return x;
}

static const double ln2_hi = 6.93147180369123816490e-01, /* 3fe62e42 fee00000 */
	ln2_lo = 1.90821492927058770002e-10,              /* 3dea39ef 35793c76 */
	two54 = 1.80143985094819840000e+16,               /* 43500000 00000000 */
	Lg1 = 6.666666666666735130e-01,                   /* 3FE55555 55555593 */
	Lg2 = 3.999999999940941908e-01,                   /* 3FD99999 9997FA04 */
	Lg3 = 2.857142874366239149e-01,                   /* 3FD24924 94229359 */
	Lg4 = 2.222219843214978396e-01,                   /* 3FCC71C5 1D8E78AF */
	Lg5 = 1.818357216161805012e-01,                   /* 3FC74664 96CB03DE */
	Lg6 = 1.531383769920937332e-01,                   /* 3FC39A09 D078C69F */
	Lg7 = 1.479819860511658591e-01;                   /* 3FC2F112 DF3E5244 */

/* x = 2^k (1 + f) with sqrt(2)/2 < 1 + f < sqrt(2); log(1 + f) from
 * s = f / (2 + f) and a minimax polynomial in s^2 (see fdlibm's
 * e_log.c for the error analysis). */
double pk__log(double x)
{
	double hfsq, f, s, z, R, w, t1, t2, dk;
	int32_t k, hx, i, j;
	uint32_t lx;

	hx = (int32_t)high_word(x);
	lx = low_word(x);
	k = 0;
	if (hx < 0x00100000) { /* x < 2^-1022 */
		if (((hx & 0x7fffffff) | (int32_t)lx) == 0)
			return -__builtin_inf(); /* log(+-0) */
		if (hx < 0)
			return __builtin_nan(""); /* log(-#) */
		k -= 54;
		x *= two54; /* subnormal: scale up */
		hx = (int32_t)high_word(x);
	}
	if (hx >= 0x7ff00000)
		return x + x;
	k += (hx >> 20) - 1023;
	hx &= 0x000fffff;
	i = (hx + 0x95f64) & 0x100000;
	x = with_high_word(x, (uint32_t)(hx | (i ^ 0x3ff00000))); /* x or x/2 */
	k += (i >> 20);
	f = x - 1.0;
	if ((0x000fffff & (2 + hx)) < 3) { /* -2^-20 <= f < 2^-20 */
		if (f == 0.0) {
			if (k == 0)
				return 0.0;
			dk = (double)k;
			return dk * ln2_hi + dk * ln2_lo;
		}
		R = f * f * (0.5 - 0.33333333333333333 * f);
		if (k == 0)
			return f - R;
		dk = (double)k;
		return dk * ln2_hi - ((R - dk * ln2_lo) - f);
	}
	s = f / (2.0 + f);
	dk = (double)k;
	z = s * s;
	i = hx - 0x6147a;
	w = z * z;
	j = 0x6b851 - hx;
	t1 = w * (Lg2 + w * (Lg4 + w * Lg6));
	t2 = z * (Lg1 + w * (Lg3 + w * (Lg5 + w * Lg7)));
	i |= j;
	R = t2 + t1;
	if (i > 0) {
		hfsq = 0.5 * f * f;
		if (k == 0)
			return f - (hfsq - s * (hfsq + R));
		return dk * ln2_hi - ((hfsq - (s * (hfsq + R) + dk * ln2_lo)) - f);
	}
	if (k == 0)
		return f - s * (f - R);
	return dk * ln2_hi - ((s * (f - R) - dk * ln2_lo) - f);
}

static const double ivln10 = 4.34294481903251816668e-01, /* 3FDBCB7B 1526E50E */
	log10_2hi = 3.01029995663611771306e-01,           /* 3FD34413 509F6000 */
	log10_2lo = 3.69423907715893078616e-13;           /* 3D59FEF3 11F12B36 */

/* log10(x) = n log10(2) + log10(m) for x = 2^n m, 1 <= m < 2, with the
 * n term split in two so that log10(10^N) = N exactly. */
double pk__log10(double x)
{
	double y, z;
	int32_t i, k, hx;
	uint32_t lx;

	hx = (int32_t)high_word(x);
	lx = low_word(x);
	k = 0;
	if (hx < 0x00100000) { /* x < 2^-1022 */
		if (((hx & 0x7fffffff) | (int32_t)lx) == 0)
			return -__builtin_inf(); /* log10(+-0) */
		if (hx < 0)
			return __builtin_nan(""); /* log10(-#) */
		k -= 54;
		x *= two54; /* subnormal: scale up */
		hx = (int32_t)high_word(x);
	}
	if (hx >= 0x7ff00000)
		return x + x;
	k += (hx >> 20) - 1023;
	i = (int32_t)(((uint32_t)k & 0x80000000u) >> 31);
	hx = (hx & 0x000fffff) | ((0x3ff - i) << 20);
	y = (double)(k + i);
	x = with_high_word(x, (uint32_t)hx);
	z = y * log10_2lo + ivln10 * pk__log(x);
	return z + y * log10_2hi;
}

double pk__exp10i(int k)
{
	double p = 1.0, b = 10.0;
	unsigned n = k < 0 ? 0u - (unsigned)k : (unsigned)k;

	/* Square and multiply: exact while the powers stay below 2^53
	 * (10^22 is the last that does), one rounding per step beyond. */
	while (n != 0) {
		if (n & 1u)
			p *= b;
		b *= b;
		n >>= 1;
	}
	return k < 0 ? 1.0 / p : p;
}

/* Doubles from 2^52 on are whole numbers. */
#define WHOLE 4503599627370496.0

double pk__floor(double x)
{
	if (!(x > -WHOLE && x < WHOLE) || x == 0)
		return x; /* NaN, infinities, whole already, and +-0 */
	double t = (double)(int64_t)x; /* towards zero */
	return t > x ? t - 1.0 : t;
}

double pk__ceil(double x)
{
	if (!(x > -WHOLE && x < WHOLE) || x == 0)
		return x;
	double t = (double)(int64_t)x;
	if (t < x)
		t += 1.0;
	return t == 0 && x < 0 ? -0.0 : t; /* ceil(-0.5) is -0 */
}

int64_t pk__llround(double x)
{
	if (!(x > -WHOLE && x < WHOLE))
		return (int64_t)x;
	int64_t t = (int64_t)x;
	double frac = x - (double)t; /* exact: both are below 2^52 */
	if (frac >= 0.5)
		t++;
	else if (frac <= -0.5)
		t--;
	return t;
}
