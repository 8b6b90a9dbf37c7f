/* catalog.c - the application catalog: parsing its text format
 * (docs/apps.md) and finding applications by name, word and port. */
#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apps/apps_internal.h"

/* An application while it is read, and as the catalog keeps it: the
 * public view first, then the arrays it points into. */
typedef struct app_full {
	pk_app pub;
	char *name, *title, *category;
	char **aliases, **helpers, **notes, **sources;
	pk_app_port *ports;
	pk_app_ipproto *ipprotos;
	char **strings; /* notes and IANA names of the lines */
	size_t nstrings;
} app_full;

static const struct {
	const char *name;
	uint8_t number;
} ipprotos[] = {
	{ "icmp", 1 }, { "igmp", 2 }, { "ipip", 4 }, { "ipv6", 41 },
	{ "gre", 47 }, { "esp", 50 }, { "ah", 51 }, { "icmpv6", 58 },
	{ "ospf", 89 }, { "pim", 103 }, { "vrrp", 112 }, { "l2tp", 115 },
};

/* Linux's connection-tracking helpers (nf_conntrack_NAME). */
static const char *const helpers[] = { "ftp", "tftp", "sip", "h323", "pptp",
				       "irc", "snmp", "amanda", "netbios-ns" };

static const char *const categories[] = {
	"messaging", "voip", "file-sharing", "games", "storage", "printing",
	"mail", "vpn", "remote-access", "database", "broker", "cluster",
	"monitoring", "web", "infrastructure", "media", "peer-to-peer",
};

const char *pk_direction_name(pk_direction dir)
{
	switch (dir) {
	case PK_DIR_IN: return "in";
	case PK_DIR_OUT: return "out";
	case PK_DIR_BOTH: return "both";
	}
	return "unknown";
}

pk_status pk_ipproto_parse(const char *s, uint8_t *out, pk_error *err)
{
	for (size_t i = 0; i < sizeof ipprotos / sizeof ipprotos[0]; i++)
		if (pk__strcasecmp(s, ipprotos[i].name) == 0) {
			*out = ipprotos[i].number;
			return PK_OK;
		}
	unsigned v = 0;
	size_t n = 0;
	for (; s[n] >= '0' && s[n] <= '9' && n < 4; n++)
		v = v * 10 + (unsigned)(s[n] - '0');
	if (n == 0 || s[n] != '\0' || v > 255)
		return pk__error_set(err, PK_INVAL,
				     "unknown IP protocol '%.40s': expected gre, esp, ah, "
				     "ospf, vrrp, ... or a number 0-255", s);
	*out = (uint8_t)v;
	return PK_OK;
}

static void app_free(app_full *a)
{
	if (a == NULL)
		return;
	free(a->name);
	free(a->title);
	free(a->category);
	char **lists[] = { a->aliases, a->helpers, a->notes, a->sources };
	size_t counts[] = { a->pub.alias_count, a->pub.helper_count, a->pub.note_count,
			    a->pub.source_count };
	for (size_t l = 0; l < 4; l++) {
		for (size_t i = 0; i < counts[l]; i++)
			free(lists[l][i]);
		free(lists[l]);
	}
	for (size_t i = 0; i < a->nstrings; i++)
		free(a->strings[i]);
	free(a->strings);
	free(a->ports);
	free(a->ipprotos);
	free(a);
}

void pk_catalog_free(pk_catalog *c)
{
	if (c == NULL)
		return;
	for (size_t i = 0; i < c->napps; i++)
		app_free((app_full *)c->apps[i]);
	free(c->apps);
	for (size_t i = 0; i < c->nfiles; i++)
		free(c->files[i]);
	free(c->files);
	free(c);
}

pk_status pk_catalog_new(pk_catalog **out, pk_error *err)
{
	*out = calloc(1, sizeof **out);
	return *out ? PK_OK : pk__error_set(err, PK_NOMEM, "out of memory");
}

size_t pk_catalog_count(const pk_catalog *c)
{
	return c ? c->napps : 0;
}

const pk_app *pk_catalog_app(const pk_catalog *c, size_t i)
{
	return c != NULL && i < c->napps ? c->apps[i] : NULL;
}

/* ---- parsing ------------------------------------------------------------ */

typedef struct parser {
	const char *label;
	uint32_t line;
	pk_error *err;
	pk_status st;
} parser;

static pk_status FAIL(parser *p, const char *fmt, ...) PK_PRINTF(2, 3);
static pk_status FAIL(parser *p, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	p->st = pk__error_setv(p->err, PK_PARSE, fmt, ap);
	va_end(ap);
	return p->st;
}

static char *dupn(const char *s, size_t n)
{
	char *d = malloc(n + 1);
	if (d != NULL) {
		memcpy(d, s, n);
		d[n] = '\0';
	}
	return d;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t';
}

/* Appends s to a list of strings (a growable array of count entries). */
static pk_status list_add(char ***list, size_t *count, const char *s, size_t n)
{
	if (*count >= PK_APPS_MAX_LIST)
		return PK_TOOBIG;
	char **l = realloc(*list, (*count + 1) * sizeof *l);
	if (l == NULL)
		return PK_NOMEM;
	*list = l;
	if ((l[*count] = dupn(s, n)) == NULL)
		return PK_NOMEM;
	(*count)++;
	return PK_OK;
}

static bool valid_name(const char *s, size_t n)
{
	if (n == 0 || n > PK_APPS_MAX_NAME)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
			  (c == '-' && i > 0 && i + 1 < n);
		if (!ok)
			return false;
	}
	return true;
}

static bool valid_source(const char *s)
{
	if (strncmp(s, "https://", 8) == 0 || strncmp(s, "http://", 7) == 0)
		return s[s[4] == 's' ? 8 : 7] != '\0' && strpbrk(s, " \t") == NULL;
	if (strncmp(s, "iana:", 5) == 0)
		return valid_name(s + 5, strlen(s + 5));
	if (strncmp(s, "rfc", 3) == 0) {
		size_t n = strspn(s + 3, "0123456789");
		return n > 0 && n <= 5 && s[3 + n] == '\0' && s[3] != '0';
	}
	return false;
}

static int parse_dir(const char *s, size_t n)
{
	if (n == 2 && memcmp(s, "in", 2) == 0)
		return PK_DIR_IN;
	if (n == 3 && memcmp(s, "out", 3) == 0)
		return PK_DIR_OUT;
	if (n == 4 && memcmp(s, "both", 4) == 0)
		return PK_DIR_BOTH;
	return 0;
}

/* The next space-separated token of [*s, end): false when none. */
static bool token(const char **s, const char *end, const char **tok, size_t *n)
{
	while (*s < end && is_space(**s))
		(*s)++;
	if (*s >= end)
		return false;
	*tok = *s;
	while (*s < end && !is_space(**s))
		(*s)++;
	*n = (size_t)(*s - *tok);
	return true;
}

static pk_status keep_string(app_full *a, const char *s, size_t n, const char **out)
{
	if (list_add(&a->strings, &a->nstrings, s, n) != PK_OK)
		return PK_NOMEM;
	*out = a->strings[a->nstrings - 1];
	return PK_OK;
}

/* Splits "TOKENS : NOTE": *mid is where the note's ':' is (end if none). */
static void split_note(const char *s, const char *end, const char **mid,
		       const char **note, size_t *note_len)
{
	const char *colon = memchr(s, ':', (size_t)(end - s));
	*mid = colon ? colon : end;
	*note = colon ? colon + 1 : end;
	while (*note < end && is_space(**note))
		(*note)++;
	*note_len = (size_t)(end - *note);
}

static pk_status parse_port(parser *p, app_full *a, const char *s, const char *end)
{
	const char *mid, *note, *tok;
	size_t note_len, n;
	pk_app_port port = { .iana = "", .note = "", .line = p->line };
	char spec[64];
	pk_error e;

	split_note(s, end, &mid, &note, &note_len);
	if (!token(&s, mid, &tok, &n))
		return FAIL(p, "%s:%u: 'port' needs PORT[-PORT]/PROTO[,PROTO] and a direction",
			    p->label, p->line);
	if (n >= sizeof spec)
		return FAIL(p, "%s:%u: port '%.40s' is too long", p->label, p->line, tok);
	memcpy(spec, tok, n);
	spec[n] = '\0';
	pk_portspec ps;
	if (pk_portspec_parse(spec, &ps, &e) != PK_OK)
		return FAIL(p, "%s:%u: %s", p->label, p->line, e.message);
	if (ps.protos == 0)
		return FAIL(p, "%s:%u: port '%s' names no transport (write %s/tcp, %s/udp, ...)",
			    p->label, p->line, spec, spec, spec);
	port.lo = ps.lo;
	port.hi = ps.hi;
	port.protos = ps.protos;
	int dir = token(&s, mid, &tok, &n) ? parse_dir(tok, n) : 0;
	if (dir == 0)
		return FAIL(p, "%s:%u: port %s needs a direction: in, out or both",
			    p->label, p->line, spec);
	port.dir = (pk_direction)dir;
	while (token(&s, mid, &tok, &n)) {
		if (n == 7 && memcmp(tok, "dynamic", 7) == 0) {
			port.dynamic = true;
		} else if (n > 5 && memcmp(tok, "iana=", 5) == 0 && valid_name(tok + 5, n - 5)) {
			if (keep_string(a, tok + 5, n - 5, &port.iana) != PK_OK)
				return p->st = PK_NOMEM;
		} else {
			return FAIL(p, "%s:%u: unknown word '%.*s' on a port line: expected "
				       "iana=NAME, dynamic, or ': NOTE'",
				    p->label, p->line, (int)(n > 40 ? 40 : n), tok);
		}
	}
	if (port.dynamic && port.iana[0] != '\0')
		return FAIL(p, "%s:%u: a dynamic range is nobody's IANA assignment",
			    p->label, p->line);
	if (note_len > 0 && keep_string(a, note, note_len, &port.note) != PK_OK)
		return p->st = PK_NOMEM;
	/* Two lines for the same ports must agree on the direction: one line
	 * with "both" says what two lines with "in" and "out" would. */
	for (size_t i = 0; i < a->pub.port_count; i++) {
		const pk_app_port *q = &a->ports[i];
		if (!(q->protos & port.protos) || q->hi < port.lo || port.hi < q->lo)
			continue;
		if (q->dir != port.dir)
			return FAIL(p, "%s:%u: conflicting directions: %s here, %s at line %u for "
				       "overlapping ports of %s; write one line with 'both'",
				    p->label, p->line, pk_direction_name(port.dir),
				    pk_direction_name(q->dir), q->line, a->name);
		return FAIL(p, "%s:%u: ports %s overlap line %u of %s", p->label, p->line, spec,
			    q->line, a->name);
	}
	if (a->pub.port_count >= PK_APPS_MAX_LIST)
		return FAIL(p, "%s:%u: more than %u port lines", p->label, p->line,
			    PK_APPS_MAX_LIST);
	pk_app_port *np = realloc(a->ports, (a->pub.port_count + 1) * sizeof *np);
	if (np == NULL)
		return p->st = PK_NOMEM;
	a->ports = np;
	np[a->pub.port_count++] = port;
	return PK_OK;
}

static pk_status parse_ipproto(parser *p, app_full *a, const char *s, const char *end)
{
	const char *mid, *note, *tok;
	size_t note_len, n;
	pk_app_ipproto ip = { .note = "", .line = p->line };
	char name[16];

	split_note(s, end, &mid, &note, &note_len);
	if (!token(&s, mid, &tok, &n) || n >= sizeof name)
		return FAIL(p, "%s:%u: 'proto' needs an IP protocol (gre, esp, ...) and a direction",
			    p->label, p->line);
	memcpy(name, tok, n);
	name[n] = '\0';
	pk_error e;
	if (pk_ipproto_parse(name, &ip.number, &e) != PK_OK)
		return FAIL(p, "%s:%u: %s", p->label, p->line, e.message);
	if (ip.number == 6 || ip.number == 17 || ip.number == 33 || ip.number == 132)
		return FAIL(p, "%s:%u: protocol %s is a port transport: write a port line",
			    p->label, p->line, name);
	int dir = token(&s, mid, &tok, &n) ? parse_dir(tok, n) : 0;
	if (dir == 0)
		return FAIL(p, "%s:%u: proto %s needs a direction: in, out or both",
			    p->label, p->line, name);
	ip.dir = (pk_direction)dir;
	if (token(&s, mid, &tok, &n))
		return FAIL(p, "%s:%u: unexpected '%.*s' after the direction", p->label, p->line,
			    (int)(n > 40 ? 40 : n), tok);
	for (size_t i = 0; i < a->pub.ipproto_count; i++)
		if (a->ipprotos[i].number == ip.number)
			return FAIL(p, "%s:%u: protocol %s listed twice (line %u)", p->label,
				    p->line, name, a->ipprotos[i].line);
	if (keep_string(a, name, n, &ip.name) != PK_OK ||
	    (note_len > 0 && keep_string(a, note, note_len, &ip.note) != PK_OK))
		return p->st = PK_NOMEM;
	pk_app_ipproto *np = realloc(a->ipprotos, (a->pub.ipproto_count + 1) * sizeof *np);
	if (np == NULL)
		return p->st = PK_NOMEM;
	a->ipprotos = np;
	np[a->pub.ipproto_count++] = ip;
	return PK_OK;
}

/* An application is complete: check what one line alone cannot. */
static pk_status app_finish(parser *p, app_full *a)
{
	const char *missing = a->title == NULL ? "title" :
			      a->category == NULL ? "category" :
			      a->pub.source_count == 0 ? "source" : NULL;
	if (missing != NULL)
		return FAIL(p, "%s:%u: application %s has no %s", a->pub.file, a->pub.line,
			    a->name, missing);
	if (a->pub.port_count == 0 && a->pub.ipproto_count == 0)
		return FAIL(p, "%s:%u: application %s has no port and no proto line", p->label,
			    a->pub.line, a->name);
	a->pub.name = a->name;
	a->pub.title = a->title;
	a->pub.category = a->category;
	a->pub.aliases = (const char *const *)a->aliases;
	a->pub.helpers = (const char *const *)a->helpers;
	a->pub.notes = (const char *const *)a->notes;
	a->pub.sources = (const char *const *)a->sources;
	a->pub.ports = a->ports;
	a->pub.ipprotos = a->ipprotos;
	return PK_OK;
}

/* Does any application of c, or of the pending list, answer to name? */
static const pk_app *find_in(pk_app *const *apps, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++) {
		const pk_app *a = apps[i];
		if (pk__strcasecmp(a->name, name) == 0)
			return a;
		for (size_t k = 0; k < a->alias_count; k++)
			if (pk__strcasecmp(a->aliases[k], name) == 0)
				return a;
	}
	return NULL;
}

static pk_status one_value(parser *p, char **field, const char *key, const char *s,
			   size_t n)
{
	if (*field != NULL)
		return FAIL(p, "%s:%u: a second '%s' line", p->label, p->line, key);
	if (n == 0)
		return FAIL(p, "%s:%u: '%s' needs a value", p->label, p->line, key);
	return (*field = dupn(s, n)) ? PK_OK : (p->st = PK_NOMEM);
}

static pk_status parse_line(parser *p, app_full *a, const char *key, size_t klen,
			    const char *s, const char *end)
{
	size_t n = (size_t)(end - s);
	pk_status st;
	bool known = false;

#define KEY(k) (klen == sizeof k - 1 && memcmp(key, k, klen) == 0)
	if (KEY("title"))
		return one_value(p, &a->title, "title", s, n);
	if (KEY("category")) {
		for (size_t i = 0; i < sizeof categories / sizeof categories[0]; i++)
			known |= strlen(categories[i]) == n && memcmp(categories[i], s, n) == 0;
		if (!known)
			return FAIL(p, "%s:%u: unknown category '%.*s' (docs/apps.md lists them)",
				    p->label, p->line, (int)(n > 40 ? 40 : n), s);
		return one_value(p, &a->category, "category", s, n);
	}
	if (KEY("port"))
		return parse_port(p, a, s, end);
	if (KEY("proto"))
		return parse_ipproto(p, a, s, end);
	if (n == 0)
		return FAIL(p, "%s:%u: '%.*s' needs a value", p->label, p->line, (int)klen, key);
	if (KEY("alias")) {
		if (!valid_name(s, n))
			return FAIL(p, "%s:%u: alias '%.*s': expected lower-case letters, digits "
				       "and inner '-', at most %u", p->label, p->line,
				    (int)(n > 40 ? 40 : n), s, PK_APPS_MAX_NAME);
		st = list_add(&a->aliases, &a->pub.alias_count, s, n);
	} else if (KEY("helper")) {
		for (size_t i = 0; i < sizeof helpers / sizeof helpers[0]; i++)
			known |= strlen(helpers[i]) == n && memcmp(helpers[i], s, n) == 0;
		if (!known)
			return FAIL(p, "%s:%u: unknown conntrack helper '%.*s' (ftp, tftp, sip, "
				       "h323, pptp, irc, snmp, amanda, netbios-ns)",
				    p->label, p->line, (int)(n > 40 ? 40 : n), s);
		st = list_add(&a->helpers, &a->pub.helper_count, s, n);
	} else if (KEY("note")) {
		st = list_add(&a->notes, &a->pub.note_count, s, n);
	} else if (KEY("source")) {
		st = list_add(&a->sources, &a->pub.source_count, s, n);
		if (st == PK_OK && !valid_source(a->sources[a->pub.source_count - 1]))
			return FAIL(p, "%s:%u: source '%.*s': expected rfcNNNN, iana:NAME or an "
				       "http(s) URL", p->label, p->line, (int)(n > 60 ? 60 : n), s);
	} else {
		return FAIL(p, "%s:%u: unknown keyword '%.*s' (app, title, category, alias, "
			       "port, proto, helper, note, source)",
			    p->label, p->line, (int)(klen > 40 ? 40 : klen), key);
	}
#undef KEY
	if (st == PK_TOOBIG)
		return FAIL(p, "%s:%u: more than %u '%.*s' lines", p->label, p->line,
			    PK_APPS_MAX_LIST, (int)klen, key);
	return st == PK_OK ? PK_OK : (p->st = st);
}

pk_status pk_catalog_parse(pk_catalog *c, const char *data, size_t len,
			   const char *label, pk_error *err)
{
	parser p = { .label = label ? label : "catalog", .err = err };
	pk_app **added = NULL;
	size_t nadded = 0;
	app_full *a = NULL;
	char **labels = NULL, *file = NULL;
	size_t nlabels = 0;
	size_t pos = 0, n;
	const char *line;

	if (c == NULL)
		return pk__error_set(err, PK_INVAL, "no catalog");
	if (len > PK_APPS_MAX_FILE)
		return pk__error_set(err, PK_TOOBIG, "%s: larger than %u bytes", p.label,
				     PK_APPS_MAX_FILE);
	if ((labels = malloc(sizeof *labels)) == NULL ||
	    (labels[0] = file = strdup(p.label)) == NULL) {
		free(labels);
		return pk__error_set(err, PK_NOMEM, "out of memory");
	}
	nlabels = 1;
	while (p.st == PK_OK && pk__next_line(data, len, &pos, &line, &n)) {
		p.line++;
		if (n > 0 && line[n - 1] == '\r')
			n--;
		if (n > PK_APPS_MAX_LINE) {
			FAIL(&p, "%s:%u: line longer than %u bytes", p.label, p.line,
			     PK_APPS_MAX_LINE);
			break;
		}
		size_t bad = pk__utf8_check(line, n);
		for (size_t i = 0; i < bad; i++)
			if (((unsigned char)line[i] < 0x20 && line[i] != '\t') || line[i] == 0x7f)
				bad = i;
		if (bad < n) {
			FAIL(&p, "%s:%u: byte %zu is a control character or not UTF-8", p.label,
			     p.line, bad + 1);
			break;
		}
		const char *s = line, *end = line + n, *key;
		size_t klen;
		while (end > s && is_space(end[-1]))
			end--;
		if (!token(&s, end, &key, &klen))
			continue;
		/* "#@file NAME": the build joins the files of data/apps into one text
		 * with these marks, so that the embedded catalog still names
		 * each application's file and line. */
		if (klen == 6 && memcmp(key, "#@file", 6) == 0) {
			const char *nm;
			size_t nl;
			if (!token(&s, end, &nm, &nl)) {
				FAIL(&p, "%s:%u: '#@file' needs a name", p.label, p.line);
				break;
			}
			char **nlab = realloc(labels, (nlabels + 1) * sizeof *nlab);
			if (nlab == NULL) {
				p.st = PK_NOMEM;
				break;
			}
			labels = nlab;
			if ((labels[nlabels] = dupn(nm, nl)) == NULL) {
				p.st = PK_NOMEM;
				break;
			}
			file = labels[nlabels++];
			p.label = file;
			p.line = 0;
			continue;
		}
		if (key[0] == '#')
			continue;
		while (s < end && is_space(*s))
			s++;
		if (klen == 3 && memcmp(key, "app", 3) == 0) {
			const char *name;
			size_t nn;
			if (a != NULL && app_finish(&p, a) != PK_OK)
				break;
			if (a != NULL) {
				added[nadded++] = &a->pub;
				a = NULL;
			}
			if (!token(&s, end, &name, &nn) || !valid_name(name, nn) || s != end) {
				FAIL(&p, "%s:%u: 'app' needs one name: lower-case letters, digits and "
					 "inner '-', at most %u", p.label, p.line, PK_APPS_MAX_NAME);
				break;
			}
			if (c->napps + nadded >= PK_APPS_MAX_APPS) {
				FAIL(&p, "%s:%u: more than %u applications", p.label, p.line,
				     PK_APPS_MAX_APPS);
				break;
			}
			pk_app **na = realloc(added, (nadded + 1) * sizeof *na);
			if (na == NULL || (a = calloc(1, sizeof *a)) == NULL ||
			    (a->name = dupn(name, nn)) == NULL) {
				if (na != NULL)
					added = na;
				p.st = PK_NOMEM;
				break;
			}
			added = na;
			a->pub.line = p.line;
			a->pub.file = file;
			continue;
		}
		if (a == NULL) {
			FAIL(&p, "%s:%u: '%.*s' before the first 'app' line", p.label, p.line,
			     (int)(klen > 40 ? 40 : klen), key);
			break;
		}
		parse_line(&p, a, key, klen, s, end);
	}
	if (p.st == PK_OK && a != NULL && app_finish(&p, a) == PK_OK) {
		added[nadded++] = &a->pub;
		a = NULL;
	}
	/* Names and aliases are unique across the catalog. */
	for (size_t i = 0; p.st == PK_OK && i < nadded; i++) {
		const pk_app *x = added[i];
		const char *names[PK_APPS_MAX_LIST + 1];
		size_t nn = 0;
		names[nn++] = x->name;
		for (size_t k = 0; k < x->alias_count; k++)
			names[nn++] = x->aliases[k];
		for (size_t k = 0; k < nn && p.st == PK_OK; k++) {
			const pk_app *y = find_in(c->apps, c->napps, names[k]);
			if (y == NULL)
				y = find_in(added, i, names[k]);
			if (y == NULL)
				for (size_t m = 0; m < k && y == NULL; m++)
					y = strcmp(names[m], names[k]) == 0 ? x : NULL;
			if (y != NULL)
				pk__error_set(err, p.st = PK_PARSE,
					      "%s:%u: duplicate application name '%s' (also %s at "
					      "%s:%u)", x->file, x->line, names[k], y->name, y->file,
					      y->line);
		}
	}
	if (p.st == PK_OK) {
		pk_app **na = c->napps + nadded > c->cap ?
				      realloc(c->apps, (c->napps + nadded + 16) * sizeof *na) :
				      c->apps;
		char **nf = realloc(c->files, (c->nfiles + nlabels) * sizeof *nf);
		if (nf != NULL)
			c->files = nf;
		if (na == NULL || nf == NULL) {
			if (na != NULL && na != c->apps) {
				c->apps = na;
				c->cap = c->napps + nadded + 16;
			}
			p.st = pk__error_set(err, PK_NOMEM, "out of memory");
		} else {
			if (na != c->apps) {
				c->apps = na;
				c->cap = c->napps + nadded + 16;
			}
			memcpy(c->apps + c->napps, added, nadded * sizeof *added);
			c->napps += nadded;
			memcpy(c->files + c->nfiles, labels, nlabels * sizeof *labels);
			c->nfiles += nlabels;
			nlabels = 0;
			nadded = 0;
		}
	}
	if (p.st == PK_NOMEM)
		pk__error_set(err, PK_NOMEM, "out of memory");
	app_free(a);
	for (size_t i = 0; i < nadded; i++)
		app_free((app_full *)added[i]);
	free(added);
	for (size_t i = 0; i < nlabels; i++)
		free(labels[i]);
	free(labels);
	return p.st;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

pk_status pk_catalog_open_dir(const char *dir, pk_catalog **out, pk_error *err)
{
	pk_catalog *c = NULL;
	char **names = NULL;
	size_t nnames = 0;
	pk_status st;
	struct dirent *d;
	DIR *dp = opendir(dir);

	*out = NULL;
	if (dp == NULL)
		return pk__error_set(err, PK_IO, "%s: cannot open the catalog directory", dir);
	while ((d = readdir(dp)) != NULL) {
		size_t n = strlen(d->d_name);
		if (n < 6 || d->d_name[0] == '.' || strcmp(d->d_name + n - 5, ".apps") != 0)
			continue;
		char **nn = realloc(names, (nnames + 1) * sizeof *nn);
		if (nn == NULL) {
			st = pk__error_set(err, PK_NOMEM, "out of memory");
			goto out;
		}
		names = nn;
		if ((names[nnames] = malloc(strlen(dir) + n + 2)) == NULL) {
			st = pk__error_set(err, PK_NOMEM, "out of memory");
			goto out;
		}
		sprintf(names[nnames++], "%s/%s", dir, d->d_name);
	}
	if (nnames > 0)
		qsort(names, nnames, sizeof *names, name_cmp);
	if ((st = pk_catalog_new(&c, err)) != PK_OK)
		goto out;
	for (size_t i = 0; i < nnames; i++) {
		char *data = NULL;
		size_t len = 0;
		st = pk__read_file(names[i], PK_APPS_MAX_FILE, &data, &len, err);
		if (st == PK_OK)
			st = pk_catalog_parse(c, data, len, names[i], err);
		free(data);
		if (st != PK_OK)
			goto out;
	}
	if (c->napps == 0) {
		st = pk__error_set(err, PK_NOTFOUND, "%s: no *.apps file holds an application",
				   dir);
		goto out;
	}
	*out = c;
	c = NULL;
out:
	closedir(dp);
	for (size_t i = 0; i < nnames; i++)
		free(names[i]);
	free(names);
	pk_catalog_free(c);
	return st;
}

pk_status pk_catalog_open_embedded(pk_catalog **out, pk_error *err)
{
	pk_catalog *c;
	pk_status st = pk_catalog_new(&c, err);

	*out = NULL;
	if (st != PK_OK)
		return st;
	st = pk_catalog_parse(c, (const char *)pk__embedded_apps, pk__embedded_apps_size,
			      "embedded catalog", err);
	if (st != PK_OK) {
		pk_catalog_free(c);
		return st;
	}
	*out = c;
	return PK_OK;
}

/* ---- finding applications ------------------------------------------------ */

const pk_app *pk_catalog_find(const pk_catalog *c, const char *name)
{
	return c != NULL && name != NULL ? find_in(c->apps, c->napps, name) : NULL;
}

/* Edit distance of a and b (case-insensitive), or a large number when
 * either is too long to matter. */
static unsigned edits(const char *a, const char *b)
{
	enum { MAX = 48 };
	unsigned row[MAX + 1];
	size_t la = strlen(a), lb = strlen(b);

	if (la > MAX || lb > MAX)
		return 1000;
	for (size_t j = 0; j <= lb; j++)
		row[j] = (unsigned)j;
	for (size_t i = 1; i <= la; i++) {
		unsigned diag = row[0];
		row[0] = (unsigned)i;
		for (size_t j = 1; j <= lb; j++) {
			unsigned up = row[j];
			unsigned cost = pk__lower((unsigned char)a[i - 1]) !=
					pk__lower((unsigned char)b[j - 1]);
			unsigned best = diag + cost;
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb];
}

size_t pk_catalog_suggest(const pk_catalog *c, const char *name, const pk_app **out,
			  size_t cap)
{
	size_t n = 0;
	unsigned dist[16];

	if (c == NULL || name == NULL || name[0] == '\0')
		return 0;
	if (cap > 16)
		cap = 16;
	for (size_t i = 0; i < c->napps; i++) {
		const pk_app *a = c->apps[i];
		unsigned best = 1000;
		size_t ln = strlen(name);
		for (size_t k = 0; k <= a->alias_count; k++) {
			const char *s = k == 0 ? a->name : a->aliases[k - 1];
			unsigned d = edits(name, s);
			/* A prefix ("post" for postgresql) is as near as two edits. */
			if (d > 2 && ln >= 3 && pk__strncasecmp(s, name, ln) == 0)
				d = 2;
			if (d < best)
				best = d;
		}
		if (best > 2 || cap == 0)
			continue;
		/* Insert in order of distance, ties in catalog order. */
		size_t at = n < cap ? n : cap;
		while (at > 0 && dist[at - 1] > best)
			at--;
		if (at >= cap)
			continue;
		size_t last = n < cap ? n : cap - 1;
		for (size_t k = last; k > at; k--) {
			out[k] = out[k - 1];
			dist[k] = dist[k - 1];
		}
		out[at] = a;
		dist[at] = best;
		if (n < cap)
			n++;
	}
	return n;
}

static bool app_has_word(const pk_app *a, const char *w)
{
	if (pk__strcasestr_lower(a->name, w) || pk__strcasestr_lower(a->title, w) ||
	    pk__strcasestr_lower(a->category, w))
		return true;
	for (size_t k = 0; k < a->alias_count; k++)
		if (pk__strcasestr_lower(a->aliases[k], w))
			return true;
	for (size_t k = 0; k < a->note_count; k++)
		if (pk__strcasestr_lower(a->notes[k], w))
			return true;
	return false;
}

size_t pk_catalog_search(const pk_catalog *c, const char *words, const pk_app **out,
			 size_t cap)
{
	char w[PK_APPS_MAX_LINE];
	size_t found = 0;

	if (c == NULL || words == NULL)
		return 0;
	for (size_t i = 0; i < c->napps; i++) {
		const char *s = words;
		bool all = true, any = false;
		while (all && *s != '\0') {
			while (*s == ' ' || *s == '\t')
				s++;
			size_t n = 0;
			while (s[n] != '\0' && s[n] != ' ' && s[n] != '\t' && n + 1 < sizeof w) {
				w[n] = (char)pk__lower((unsigned char)s[n]);
				n++;
			}
			s += n;
			while (*s != '\0' && *s != ' ' && *s != '\t')
				s++; /* a word too long to store matches nothing anyway */
			if (n == 0)
				break;
			w[n] = '\0';
			any = true;
			all = app_has_word(c->apps[i], w);
		}
		if (all && any) {
			if (found < cap)
				out[found] = c->apps[i];
			found++;
		}
	}
	return found;
}

size_t pk_catalog_by_port(const pk_catalog *c, uint16_t port, unsigned protomask,
			  const pk_app **out, size_t cap)
{
	size_t found = 0;

	if (c == NULL)
		return 0;
	if (protomask == 0)
		protomask = PK_PROTOMASK_TRANSPORTS;
	for (size_t i = 0; i < c->napps; i++) {
		const pk_app *a = c->apps[i];
		for (size_t k = 0; k < a->port_count; k++) {
			const pk_app_port *p = &a->ports[k];
			if ((p->protos & protomask) && p->lo <= port && port <= p->hi) {
				if (found < cap)
					out[found] = a;
				found++;
				break;
			}
		}
	}
	return found;
}
