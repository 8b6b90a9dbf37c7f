/* import.c - picks the importer for a source file: by name (--format) or
 * by its first bytes. */
#include <string.h>

#include "registry/import/import.h"

static const char *const format_names[] = {
	"auto", "xml", "csv", "services", "npm-json", "index", "nmap-services"
};

const char *pk_format_name(pk_format fmt)
{
	if ((unsigned)fmt >= sizeof format_names / sizeof format_names[0])
		return "?";
	return format_names[fmt];
}

pk_status pk_format_parse(const char *s, pk_format *out, pk_error *err)
{
	if (s == NULL)
		return pk__error_set(err, PK_INVAL, "no format given");
	for (unsigned i = 0; i < sizeof format_names / sizeof format_names[0];
	     i++) {
		if (pk__strcasecmp(s, format_names[i]) == 0) {
			*out = (pk_format)i;
			return PK_OK;
		}
	}
	return pk__error_set(err, PK_INVAL,
			    "'%.64s' is not a format (auto, xml, csv, services, "
			    "npm-json, nmap-services or index)", s);
}

static bool starts_with(const char *p, const char *end, const char *prefix,
			bool nocase)
{
	size_t n = strlen(prefix);

	if ((size_t)(end - p) < n)
		return false;
	return nocase ? pk__strncasecmp(p, prefix, n) == 0
		      : memcmp(p, prefix, n) == 0;
}

/* The first entry (past comments and blank lines, within 64 kB) has a
 * frequency as its third word: nmap-services, not services(5), where the
 * third word would be an alias. */
static bool nmap_like(const char *p, const char *end)
{
	if (end - p > 65536)
		end = p + 65536;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *e = nl != NULL ? nl : end;
		const char *w[3];
		size_t wl[3], n = 0;
		const char *q = p;
		while (q < e && *q != '#' && n < 3) {
			while (q < e && (*q == ' ' || *q == '\t' || *q == '\r'))
				q++;
			if (q == e || *q == '#')
				break;
			w[n] = q;
			while (q < e && *q != ' ' && *q != '\t' && *q != '\r' && *q != '#')
				q++;
			wl[n] = (size_t)(q - w[n]);
			n++;
		}
		if (n > 0) {
			uint32_t ppm;
			return n == 3 && pk__nmap_frequency(w[2], wl[2], &ppm);
		}
		if (nl == NULL)
			break;
		p = nl + 1;
	}
	return false;
}

pk_format pk_format_detect(const char *data, size_t len)
{
	const char *p = data;
	const char *end = data + len;

	if (data == NULL)
		return PK_FORMAT_SERVICES;
	if (starts_with(p, end, "\xef\xbb\xbf", false)) /* UTF-8 BOM */
		p += 3;
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
		p++;
	/* Any markup is taken for XML, so that a file starting with a
	 * comment gets XML's messages rather than the services parser's. */
	if (starts_with(p, end, "<", false))
		return PK_FORMAT_XML;
	if (starts_with(p, end, "{", false))
		return PK_FORMAT_NPM_JSON;
	if (starts_with(p, end, "Service Name,", true) ||
	    starts_with(p, end, "\"Service Name\",", true))
		return PK_FORMAT_CSV;
	if (nmap_like(p, end))
		return PK_FORMAT_NMAP;
	return PK_FORMAT_SERVICES;
}

const char *pk_format_foreign(const char *data, size_t len)
{
	const char *p = data;
	const char *end = data + len;

	if (data == NULL)
		return NULL;
	if (len >= 2 && (unsigned char)data[0] == 0x1f && (unsigned char)data[1] == 0x8b)
		return "gzip-compressed data";
	if (starts_with(p, end, "%PDF-", false))
		return "a PDF document";
	if (starts_with(p, end, "PKIDX", false))
		return "a compiled portkit index";
	if (starts_with(p, end, "\xef\xbb\xbf", false))
		p += 3;
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
		p++;
	/* A web page where a registry was expected: a server's error or
	 * login page, or a link to the page about the registry. */
	if (starts_with(p, end, "<!doctype html", true) || starts_with(p, end, "<html", true))
		return "an HTML page";
	return NULL;
}

/* The hint that goes with pk_format_foreign()'s answer. */
static const char *foreign_hint(const char *what)
{
	if (strcmp(what, "gzip-compressed data") == 0)
		return "decompress it first (gunzip)";
	if (strcmp(what, "an HTML page") == 0)
		return "a server's error or login page, or the page about the registry? "
		       "IANA's XML is " PK_IANA_XML_URL;
	if (strcmp(what, "a compiled portkit index") == 0)
		return "an index is opened with --index FILE, not imported";
	return "expected IANA's XML or CSV, a services(5) file or npm JSON";
}

pk_status pk__import(pk_builder *b, pk_format fmt, const char *data,
		    size_t len, const char *label, pk_error *err)
{
	const char *l = label != NULL ? label : "<input>";
	const char *other;

	/* Compressed bytes are never a services file with odd bytes. */
	if (data != NULL && pk__is_gzip(data, len))
		return pk__error_set(err, PK_UNSUPPORTED,
				    "%s: gzip-compressed data (expected text here; pk_registry_import decompresses it)",
				    l);
	if (data != NULL && (other = pk__compressed_other(data, len)) != NULL)
		return pk__error_set(err, PK_UNSUPPORTED,
				    "%s: %s-compressed data (expected a registry as text, or gzip; decompress it first)",
				    l, other);
	/* Other things that are not a registry, named (a web page where a
	 * registry was expected, a PDF, a compiled index). */
	const char *foreign = pk_format_foreign(data, len);
	if (foreign != NULL)
		return pk__error_set(err, PK_PARSE, "%s is %s, not a registry source: %s",
				    l, foreign, foreign_hint(foreign));
	if (fmt == PK_FORMAT_AUTO)
		fmt = pk_format_detect(data, len);
	switch (fmt) {
	case PK_FORMAT_XML:
		return pk__import_xml(b, data, len, label, err);
	case PK_FORMAT_CSV:
		return pk__import_csv(b, data, len, label, err);
	case PK_FORMAT_SERVICES:
		return pk__import_services(b, data, len, label, err);
	case PK_FORMAT_NPM_JSON:
		return pk__import_npm_json(b, data, len, label, err);
	case PK_FORMAT_NMAP:
		return pk__import_nmap(b, data, len, label, err);
	case PK_FORMAT_INDEX:
		return pk__error_set(err, PK_UNSUPPORTED,
				    "%s: a compiled index is not a source to import (expected xml, csv, services, npm-json or nmap-services; open an index with pk_registry_open_file)",
				    l);
	case PK_FORMAT_AUTO:
		break;
	}
	return pk__error_set(err, PK_INVAL,
			    "%s: unknown format %d (expected xml, csv, services, npm-json or nmap-services)",
			    l, (int)fmt);
}
