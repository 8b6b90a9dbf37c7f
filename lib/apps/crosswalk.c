/* crosswalk.c - where firewalld's service files, ufw's application
 * profiles, the catalog and IANA disagree on the ports of a name
 * (`portkit app --crosswalk`).  The other projects' files are read at
 * run time from their installed packages (expat for firewalld's XML);
 * nothing of them is copied into portkit. */
#include <dirent.h>
#include <expat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apps/apps_internal.h"

#define CW_MAX_FILE (1u << 20)
#define CW_MAX_PORTS 256u
#define CW_MAX_ENTRIES 16384u

typedef struct cw_port {
	uint8_t proto;
	uint16_t lo, hi;
} cw_port;

typedef struct cw_set {
	cw_port p[CW_MAX_PORTS];
	size_t n;
} cw_set;

struct pk_crosswalk {
	pk_crosswalk_entry *e;
	size_t n, cap;
	size_t firewalld_files, ufw_profiles;
};

static void set_add(cw_set *s, unsigned proto, unsigned lo, unsigned hi)
{
	if (s->n < CW_MAX_PORTS && lo <= hi && hi <= 65535)
		s->p[s->n++] = (cw_port){ (uint8_t)proto, (uint16_t)lo, (uint16_t)hi };
}

/* How two sets relate by their port numbers: 0 the same ports, 1
 * overlapping, 2 disjoint.  Transports are left out: a service file
 * that opens only TCP where IANA assigns TCP and UDP agrees with it. */
static int relation(const cw_set *a, const cw_set *b)
{
	bool overlap = false, a_in_b = true, b_in_a = true;
	for (size_t i = 0; i < a->n; i++) {
		bool covered = false;
		for (size_t j = 0; j < b->n; j++) {
			if (a->p[i].hi < b->p[j].lo || b->p[j].hi < a->p[i].lo)
				continue;
			overlap = true;
			covered |= b->p[j].lo <= a->p[i].lo && a->p[i].hi <= b->p[j].hi;
		}
		a_in_b &= covered;
	}
	for (size_t j = 0; j < b->n; j++) {
		bool covered = false;
		for (size_t i = 0; i < a->n; i++)
			covered |= a->p[i].lo <= b->p[j].lo && b->p[j].hi <= a->p[i].hi;
		b_in_a &= covered;
	}
	return !overlap ? 2 : (a_in_b && b_in_a) ? 0 : 1;
}

static int port_cmp(const void *x, const void *y)
{
	const cw_port *a = x, *b = y;
	if (a->lo != b->lo)
		return a->lo < b->lo ? -1 : 1;
	return (int)a->proto - (int)b->proto;
}

/* "427/tcp,udp 1605/tcp" style: sorted, one entry per port range. */
static char *set_text(cw_set *s)
{
	pk_buf b;
	pk__buf_init(&b, 1u << 16);
	qsort(s->p, s->n, sizeof s->p[0], port_cmp);
	for (size_t i = 0; i < s->n; i++) {
		unsigned mask = PK_PROTOMASK(s->p[i].proto);
		size_t j = i + 1;
		while (j < s->n && s->p[j].lo == s->p[i].lo && s->p[j].hi == s->p[i].hi)
			mask |= PK_PROTOMASK(s->p[j++].proto);
		char protos[32];
		pk__protomask_format(mask, protos, sizeof protos);
		if (s->p[i].lo == s->p[i].hi)
			pk__buf_printf(&b, "%s%u/%s", i ? " " : "", (unsigned)s->p[i].lo, protos);
		else
			pk__buf_printf(&b, "%s%u-%u/%s", i ? " " : "", (unsigned)s->p[i].lo,
				       (unsigned)s->p[i].hi, protos);
		i = j - 1;
	}
	if (pk__buf_terminate(&b) != PK_OK) {
		pk__buf_free(&b);
		return NULL;
	}
	return b.data ? b.data : strdup("");
}

/* IANA's ports for name (its assignments, not historic aliases; a
 * record carrying name as an alias counts: the embedded snapshot's
 * 80/tcp is www-http with netbase's http beside it). */
static void iana_set(const pk_registry *reg, const char *name, cw_set *s)
{
	enum { CAP = 64 };
	pk_recid ids[CAP];
	size_t n = pk_lookup_name(reg, name, 0, ids, CAP);
	s->n = 0;
	for (size_t i = 0; i < n && i < CAP; i++) {
		pk_record r;
		if (pk_record_get(reg, ids[i], &r, NULL) != PK_OK || !r.has_port ||
		    r.proto == PK_PROTO_NONE || r.kind != PK_KIND_ASSIGNED ||
		    (r.flags & PK_RECFLAG_HISTORIC) ||
		    !(PK_ORIGINMASK(r.origin) & PK_ORIGINMASK_IANA))
			continue;
		set_add(s, r.proto, r.port_lo, r.port_hi);
	}
}

static void app_set(const pk_app *a, cw_set *s)
{
	s->n = 0;
	for (size_t i = 0; i < a->port_count; i++)
		for (unsigned p = PK_PROTO_TCP; p <= PK_PROTO_DCCP; p++)
			if (a->ports[i].protos & PK_PROTOMASK(p))
				set_add(s, p, a->ports[i].lo, a->ports[i].hi);
}

static pk_status add_entry(pk_crosswalk *cw, const char *source, const char *name,
			   cw_set *ports, const char *other, cw_set *other_ports, int rel)
{
	if (cw->n >= CW_MAX_ENTRIES)
		return PK_TOOBIG;
	if (cw->n == cw->cap) {
		size_t cap = cw->cap ? cw->cap * 2 : 64;
		pk_crosswalk_entry *e = realloc(cw->e, cap * sizeof *e);
		if (e == NULL)
			return PK_NOMEM;
		cw->e = e;
		cw->cap = cap;
	}
	pk_crosswalk_entry *e = &cw->e[cw->n];
	memset(e, 0, sizeof *e);
	e->source = source;
	e->other = other;
	e->disjoint = rel == 2;
	char *nm = strdup(name), *a = set_text(ports), *b = set_text(other_ports);
	if (nm == NULL || a == NULL || b == NULL) {
		free(nm);
		free(a);
		free(b);
		return PK_NOMEM;
	}
	e->name = nm;
	e->ports = a;
	e->other_ports = b;
	cw->n++;
	return PK_OK;
}

/* A name of another project compared with IANA's and the catalog's. */
static pk_status compare(pk_crosswalk *cw, const pk_catalog *cat, const pk_registry *reg,
			 const char *source, const char *name, cw_set *ports)
{
	cw_set other;
	pk_status st = PK_OK;

	if (ports->n == 0)
		return PK_OK;
	iana_set(reg, name, &other);
	if (other.n > 0) {
		int rel = relation(ports, &other);
		if (rel != 0)
			st = add_entry(cw, source, name, ports, "iana", &other, rel);
	}
	const pk_app *a = pk_catalog_find(cat, name);
	if (st == PK_OK && a != NULL && cat != NULL) {
		app_set(a, &other);
		int rel = relation(ports, &other);
		if (rel != 0)
			st = add_entry(cw, source, name, ports, "catalog", &other, rel);
	}
	return st;
}

/* ---- firewalld: <service><port port="N[-M]" protocol="tcp"/>... -------- */

typedef struct fwd_ctx {
	cw_set *set;
	unsigned depth;
	bool bad;
} fwd_ctx;

static void XMLCALL fwd_start(void *ud, const XML_Char *el, const XML_Char **attr)
{
	fwd_ctx *c = ud;
	c->depth++;
	if (c->depth != 2 || strcmp(el, "port") != 0)
		return;
	const char *port = NULL, *proto = NULL;
	for (size_t i = 0; attr[i] != NULL && attr[i + 1] != NULL; i += 2) {
		if (strcmp(attr[i], "port") == 0)
			port = attr[i + 1];
		else if (strcmp(attr[i], "protocol") == 0)
			proto = attr[i + 1];
	}
	pk_proto p;
	pk_portspec spec;
	if (port == NULL || proto == NULL ||
	    pk_proto_parse(proto, strlen(proto), &p, NULL) != PK_OK ||
	    pk_portspec_parse(port, &spec, NULL) != PK_OK || spec.protos != 0) {
		c->bad = true;
		return;
	}
	set_add(c->set, p, spec.lo, spec.hi);
}

static void XMLCALL fwd_end(void *ud, const XML_Char *el)
{
	(void)el;
	((fwd_ctx *)ud)->depth--;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names of dir's regular entries ending in suffix ("" for all),
 * sorted; NULL when dir cannot be read. */
static char **list_dir(const char *dir, const char *suffix, size_t *n)
{
	DIR *d = opendir(dir);
	char **names = NULL;
	struct dirent *de;
	size_t sl = strlen(suffix);

	*n = 0;
	if (d == NULL)
		return NULL;
	while ((de = readdir(d)) != NULL && *n < CW_MAX_ENTRIES) {
		size_t len = strlen(de->d_name);
		if (de->d_name[0] == '.' || len <= sl || strcmp(de->d_name + len - sl, suffix) != 0)
			continue;
		char **nn = realloc(names, (*n + 1) * sizeof *nn);
		if (nn == NULL)
			break;
		names = nn;
		if ((names[*n] = strdup(de->d_name)) == NULL)
			break;
		(*n)++;
	}
	closedir(d);
	if (names == NULL)
		names = calloc(1, sizeof *names);
	if (*n > 0)
		qsort(names, *n, sizeof *names, name_cmp);
	return names;
}

static void free_list(char **l, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(l[i]);
	free(l);
}

static pk_status read_firewalld(pk_crosswalk *cw, const pk_catalog *cat, const pk_registry *reg,
				const char *dir)
{
	size_t n;
	char **files = list_dir(dir, ".xml", &n);
	pk_status st = PK_OK;
	cw_set *set = malloc(sizeof *set);

	if (files == NULL || set == NULL) {
		free_list(files, n);
		free(set);
		return files == NULL ? PK_OK : PK_NOMEM; /* not installed: nothing to compare */
	}
	for (size_t i = 0; i < n && st == PK_OK; i++) {
		char path[4096], *data = NULL;
		size_t len;
		snprintf(path, sizeof path, "%s/%s", dir, files[i]);
		if (pk__read_file(path, CW_MAX_FILE, &data, &len, NULL) != PK_OK)
			continue;
		set->n = 0;
		fwd_ctx c = { .set = set };
		XML_Parser p = XML_ParserCreate("UTF-8");
		if (p == NULL) {
			free(data);
			st = PK_NOMEM;
			break;
		}
		XML_SetUserData(p, &c);
		XML_SetElementHandler(p, fwd_start, fwd_end);
		bool ok = XML_Parse(p, data, (int)len, 1) == XML_STATUS_OK;
		XML_ParserFree(p);
		free(data);
		if (!ok)
			continue; /* not a service file we can read */
		cw->firewalld_files++;
		files[i][strlen(files[i]) - 4] = '\0';
		st = compare(cw, cat, reg, "firewalld", files[i], set);
	}
	free(set);
	free_list(files, n);
	return st;
}

/* ---- ufw: [Name] ... ports=80,443/tcp|53/udp|5298 ---------------------- */

static void ufw_ports(const char *v, cw_set *s)
{
	while (*v != '\0') {
		size_t len = strcspn(v, "|");
		char item[256];
		if (len < sizeof item) {
			memcpy(item, v, len);
			item[len] = '\0';
			char *slash = strchr(item, '/');
			unsigned protos = PK_PROTOMASK(PK_PROTO_TCP) | PK_PROTOMASK(PK_PROTO_UDP);
			pk_proto p;
			if (slash != NULL) {
				*slash = '\0';
				protos = pk_proto_parse(slash + 1, strlen(slash + 1), &p, NULL) == PK_OK ?
						 PK_PROTOMASK(p) : 0;
			}
			for (char *tok = strtok(item, ","); tok != NULL; tok = strtok(NULL, ",")) {
				char *colon = strchr(tok, ':');
				if (colon != NULL)
					*colon = '-';
				pk_portspec spec;
				if (pk_portspec_parse(tok, &spec, NULL) != PK_OK || spec.protos != 0)
					continue;
				for (unsigned q = PK_PROTO_TCP; q <= PK_PROTO_UDP; q++)
					if (protos & PK_PROTOMASK(q))
						set_add(s, q, spec.lo, spec.hi);
			}
		}
		v += len + (v[len] == '|');
	}
}

static pk_status read_ufw(pk_crosswalk *cw, const pk_catalog *cat, const pk_registry *reg,
			  const char *dir)
{
	size_t n;
	char **files = list_dir(dir, "", &n);
	pk_status st = PK_OK;
	cw_set *set = malloc(sizeof *set);

	if (files == NULL || set == NULL) {
		free_list(files, n);
		free(set);
		return files == NULL ? PK_OK : PK_NOMEM;
	}
	for (size_t i = 0; i < n && st == PK_OK; i++) {
		char path[4096], *data = NULL, section[128] = "";
		size_t len, pos = 0, ll;
		const char *line;
		snprintf(path, sizeof path, "%s/%s", dir, files[i]);
		if (pk__read_file(path, CW_MAX_FILE, &data, &len, NULL) != PK_OK)
			continue;
		while (st == PK_OK && pk__next_line(data, len, &pos, &line, &ll)) {
			if (ll > 2 && line[0] == '[' && line[ll - 1] == ']' && ll - 2 < sizeof section) {
				memcpy(section, line + 1, ll - 2);
				section[ll - 2] = '\0';
				cw->ufw_profiles++;
			} else if (ll > 6 && strncmp(line, "ports=", 6) == 0 && section[0] != '\0' &&
				   ll < 1024) {
				char v[1024];
				memcpy(v, line + 6, ll - 6);
				v[ll - 6] = '\0';
				set->n = 0;
				ufw_ports(v, set);
				/* Profile names are titles ("OpenSSH", "WWW Full"):
				 * compared in lower case, one word only. */
				char lower[128];
				size_t k = 0;
				for (; section[k] != '\0' && k + 1 < sizeof lower; k++)
					lower[k] = (char)pk__lower((unsigned char)section[k]);
				lower[k] = '\0';
				if (strpbrk(lower, " \t") == NULL)
					st = compare(cw, cat, reg, "ufw", lower, set);
			}
		}
		free(data);
	}
	free(set);
	free_list(files, n);
	return st;
}

void pk_crosswalk_free(pk_crosswalk *cw)
{
	if (cw == NULL)
		return;
	for (size_t i = 0; i < cw->n; i++) {
		free((char *)cw->e[i].name);
		free((char *)cw->e[i].ports);
		free((char *)cw->e[i].other_ports);
	}
	free(cw->e);
	free(cw);
}

pk_status pk_crosswalk_run(const pk_catalog *cat, const pk_registry *reg,
			   const char *firewalld_dir, const char *ufw_dir, pk_crosswalk **out,
			   pk_error *err)
{
	pk_crosswalk *cw = calloc(1, sizeof *cw);
	pk_status st = cw ? PK_OK : PK_NOMEM;
	cw_set *a = malloc(sizeof *a), *b = malloc(sizeof *b);

	*out = NULL;
	if (a == NULL || b == NULL)
		st = PK_NOMEM;
	if (st == PK_OK && firewalld_dir != NULL)
		st = read_firewalld(cw, cat, reg, firewalld_dir);
	if (st == PK_OK && ufw_dir != NULL)
		st = read_ufw(cw, cat, reg, ufw_dir);
	/* The catalog's own names against IANA's (irc 6667 vs 194). */
	for (size_t i = 0; st == PK_OK && i < pk_catalog_count(cat); i++) {
		const pk_app *app = pk_catalog_app(cat, i);
		app_set(app, a);
		iana_set(reg, app->name, b);
		if (a->n > 0 && b->n > 0 && relation(a, b) == 2)
			st = add_entry(cw, "catalog", app->name, a, "iana", b, 2);
	}
	free(a);
	free(b);
	if (st != PK_OK) {
		pk_crosswalk_free(cw);
		return pk__error_set(err, st, "crosswalk: %s", pk_strerror(st));
	}
	*out = cw;
	return PK_OK;
}

size_t pk_crosswalk_count(const pk_crosswalk *cw)
{
	return cw ? cw->n : 0;
}

const pk_crosswalk_entry *pk_crosswalk_get(const pk_crosswalk *cw, size_t i)
{
	return cw != NULL && i < cw->n ? &cw->e[i] : NULL;
}

void pk_crosswalk_sources(const pk_crosswalk *cw, size_t *firewalld_files,
			  size_t *ufw_profiles)
{
	*firewalld_files = cw ? cw->firewalld_files : 0;
	*ufw_profiles = cw ? cw->ufw_profiles : 0;
}
