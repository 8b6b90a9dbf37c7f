/* http_query.c - the request target, parsed and checked (http_query.h). */
#include <string.h>

#include "http_query.h"

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes s[0..len) to *out (NUL-terminated); advances *out past the NUL.
 * plus: '+' means a space (the query). */
static int decode(const char *s, size_t len, bool plus, char **out,
		  const char **why)
{
	char *o = *out;

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '%') {
			int hi = i + 2 < len ? hexval(s[i + 1]) : -1;
			int lo = i + 2 < len ? hexval(s[i + 2]) : -1;
			if (hi < 0 || lo < 0) {
				*why = "invalid percent-escape in the request target";
				return 400;
			}
			c = (unsigned char)(hi * 16 + lo);
			i += 2;
		} else if (c == '+' && plus) {
			c = ' ';
		}
		if (c < 0x20 || c == 0x7f) {
			*why = "control character in the request target";
			return 400;
		}
		*o++ = (char)c;
	}
	*o++ = '\0';
	*out = o;
	return 0;
}

int sq_parse(const char *target, size_t len, sq_target *t, const char **why)
{
	char *o = t->buf;
	int rc;

	t->path = NULL;
	t->nparams = 0;
	if (len > SQ_URI_MAX) {
		*why = "request target too long";
		return 414;
	}
	if (len == 0 || target[0] != '/') {
		*why = "request target must be an absolute path";
		return 400;
	}
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)target[i] <= 0x20 || (unsigned char)target[i] >= 0x7f) {
			*why = "invalid character in the request target";
			return 400;
		}
	const char *q = memchr(target, '?', len);
	const char *hash = memchr(target, '#', len);
	if (hash != NULL) {
		*why = "fragment in the request target";
		return 400;
	}
	size_t plen = q != NULL ? (size_t)(q - target) : len;
	t->path = o;
	if ((rc = decode(target, plen, false, &o, why)) != 0)
		return rc;
	if (q == NULL)
		return 0;
	const char *p = q + 1, *end = target + len;
	while (p < end) {
		const char *amp = memchr(p, '&', (size_t)(end - p));
		const char *stop = amp != NULL ? amp : end;
		if (stop == p) { /* "a=1&&b=2": an empty pair is nothing */
			p = stop + 1;
			continue;
		}
		const char *eq = memchr(p, '=', (size_t)(stop - p));
		const char *kend = eq != NULL ? eq : stop;
		if (t->nparams == SQ_MAX_PARAMS) {
			*why = "too many query parameters";
			return 400;
		}
		if (kend == p || (size_t)(kend - p) > SQ_KEY_MAX * 3) {
			*why = "invalid query parameter name";
			return 400;
		}
		sq_param *prm = &t->params[t->nparams];
		prm->key = o;
		if ((rc = decode(p, (size_t)(kend - p), true, &o, why)) != 0)
			return rc;
		if (strlen(prm->key) > SQ_KEY_MAX || prm->key[0] == '\0') {
			*why = "invalid query parameter name";
			return 400;
		}
		if (sq_get(t, prm->key) != NULL) {
			*why = "a query parameter given twice";
			return 400;
		}
		prm->value = o;
		if (eq != NULL) {
			if ((rc = decode(eq + 1, (size_t)(stop - eq - 1), true, &o, why)) != 0)
				return rc;
		} else {
			*o++ = '\0';
		}
		t->nparams++;
		p = stop + 1;
	}
	return 0;
}

const char *sq_get(const sq_target *t, const char *key)
{
	for (size_t i = 0; i < t->nparams; i++)
		if (strcmp(t->params[i].key, key) == 0)
			return t->params[i].value;
	return NULL;
}

const char *sq_path_after(const sq_target *t, const char *prefix)
{
	size_t n = strlen(prefix);

	return strncmp(t->path, prefix, n) == 0 ? t->path + n : NULL;
}
