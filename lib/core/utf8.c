/* utf8.c - the one UTF-8 decoder: importers validate with it, renderers
 * escape what it rejects. */
#include "core/internal.h"

size_t pk__utf8_decode(const char *s, size_t len, uint32_t *cp)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned char c = p[0];
	size_t n;
	uint32_t v;

	*cp = c;
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		n = 1;
		v = c & 0x1fu;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 2;
		v = c & 0x0fu;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 3;
		v = c & 0x07u;
	} else {
		return 0;
	}
	if (len <= n)
		return 0;
	for (size_t k = 1; k <= n; k++) {
		if ((p[k] & 0xc0) != 0x80)
			return 0;
		v = (v << 6) | (p[k] & 0x3fu);
	}
	/* Overlong forms, surrogates and beyond U+10FFFF. */
	if ((n == 2 && v < 0x800) || (n == 3 && v < 0x10000) ||
	    (v >= 0xd800 && v <= 0xdfff) || v > 0x10ffff)
		return 0;
	*cp = v;
	return n + 1;
}

size_t pk__utf8_check(const char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		uint32_t cp;
		size_t n = pk__utf8_decode(s + i, len - i, &cp);
		if (n == 0 || cp == 0)
			return i;
		i += n;
	}
	return len;
}
