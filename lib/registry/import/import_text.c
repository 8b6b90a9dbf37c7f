/* import_text.c - the text rules every importer shares: messages with
 * label:line, IANA's whitespace normalisation, historic aliases, dates,
 * names and UTF-8 checks. */
#include <stdio.h>
#include <string.h>

#include "registry/import/import.h"

pk_status pk__import_fail(pk_error *err, pk_status status, const char *label,
			 unsigned long line, const char *fmt, ...)
{
	char msg[PK_ERROR_MESSAGE_SIZE];
	va_list ap;

	if (err == NULL)
		return status;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return pk__error_set(err, status, "%s:%lu: %s",
			    label != NULL ? label : "<input>", line, msg);
}

pk_status pk__import_begin(size_t len, const char *label, pk_error *err)
{
	pk__error_clear(err);
	if (len > PK_IMPORT_MAX_BYTES)
		return pk__import_fail(err, PK_TOOBIG, label, 1,
				      "input of %zu bytes (expected at most %zu)",
				      len, (size_t)PK_IMPORT_MAX_BYTES);
	return PK_OK;
}

const char *pk__quote(const char *s, size_t len, char *buf, size_t size)
{
	size_t o = 0;
	size_t i = 0;

	if (size == 0)
		return buf;
	for (; i < len && i < 40 && o + 5 < size; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c < 0x7f) {
			buf[o++] = (char)c;
		} else {
			snprintf(buf + o, size - o, "\\x%02x", c);
			o += 4;
		}
	}
	if (i < len && o + 4 < size) {
		memcpy(buf + o, "...", 3);
		o += 3;
	}
	buf[o] = '\0';
	return buf;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == '\r';
}

size_t pk__text_clean(char *s, size_t len)
{
	size_t o = 0;              /* output length; never passes i */
	bool in_line = false;      /* the current output line has text */
	bool need_newline = false; /* a line ended: '\n' before more text */
	bool need_space = false;   /* blanks seen inside the line */

	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (c == '\n') {
			if (in_line)
				need_newline = true;
			in_line = false;
			need_space = false;
			continue;
		}
		if (is_blank(c)) {
			need_space = in_line;
			continue;
		}
		if (!in_line) {
			if (need_newline)
				s[o++] = '\n';
			need_newline = false;
			in_line = true;
		} else if (need_space) {
			s[o++] = ' ';
		}
		need_space = false;
		s[o++] = c;
		/* The rest of a word in a tight loop: every blank and '\n'
		 * is <= ' ', so anything above is copied as is. */
		while (i + 1 < len && (unsigned char)s[i + 1] > ' ')
			s[o++] = s[++i];
	}
	s[o] = '\0';
	return o;
}

char *pk__text_trim_n(char *s, size_t *len)
{
	size_t n = *len;

	while (n > 0 && (is_blank(*s) || *s == '\n')) {
		s++;
		n--;
	}
	while (n > 0 && (is_blank(s[n - 1]) || s[n - 1] == '\n'))
		n--;
	s[n] = '\0';
	*len = n;
	return s;
}

char *pk__text_trim(char *s)
{
	size_t n = strlen(s);

	return pk__text_trim_n(s, &n);
}

bool pk__text_alias_of(const char *text, const char **name, size_t *len)
{
	static const char marker[] = "This entry is an alias to \"";
	const char *p;
	const char *q;

	if (text == NULL)
		return false;
	p = strstr(text, marker);
	if (p == NULL)
		return false;
	p += sizeof marker - 1;
	q = strchr(p, '"');
	if (q == NULL || q == p)
		return false;
	*name = p;
	*len = (size_t)(q - p);
	return true;
}

static bool digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

static unsigned two(const char *s)
{
	return (unsigned)(s[0] - '0') * 10 + (unsigned)(s[1] - '0');
}

bool pk__date_valid(const char *s)
{
	size_t n = strlen(s);

	if ((n != 7 && n != 10) || !digits(s, 4) || s[4] != '-' ||
	    !digits(s + 5, 2))
		return false;
	if (two(s + 5) < 1 || two(s + 5) > 12)
		return false;
	if (n == 7)
		return true;
	return s[7] == '-' && digits(s + 8, 2) && two(s + 8) >= 1 &&
	       two(s + 8) <= 31;
}

bool pk__service_code_valid(const char *s)
{
	size_t n = strlen(s);
	uint64_t v = 0;

	if (n == 0 || n > 10 || !digits(s, n))
		return false;
	for (size_t i = 0; i < n; i++)
		v = v * 10 + (uint64_t)(s[i] - '0');
	return v <= UINT32_MAX;
}

bool pk__service_name_valid(const char *s)
{
	if (s == NULL || s[0] == '\0' || s[0] == ' ')
		return false;
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;
		/* Inner single spaces: IANA has had names such as "Apple
		 * Remote Desktop (Net Assistant)" (its 2024 CSV, 3283). */
		if (c == ' ' && s[1] != ' ' && s[1] != '\0')
			continue;
		if (c <= 0x20 || c >= 0x7f)
			return false;
	}
	return true;
}

unsigned long pk__line_at(const char *data, size_t off)
{
	unsigned long line = 1;
	const char *p = data;
	const char *end = data + off;

	while (p < end && (p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		line++;
		p++;
	}
	return line;
}

void pk__rec_detect_alias(pk_record *rec, char *buf, size_t size)
{
	const char *name;
	size_t len;

	if (!pk__text_alias_of(rec->notes, &name, &len) &&
	    !pk__text_alias_of(rec->description, &name, &len))
		return;
	/* A "name" too long for a service name is not one. */
	if (len >= size)
		return;
	memcpy(buf, name, len);
	buf[len] = '\0';
	rec->alias_of = buf;
	rec->flags |= PK_RECFLAG_HISTORIC;
}
