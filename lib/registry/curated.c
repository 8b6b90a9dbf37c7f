/* curated.c - the names people type that no registry has: "dns" for IANA's
 * "domain", "rdp" for "ms-wbt-server".  A short list chosen by hand, each
 * entry with why (one home: this table; docs/registry.md lists it),
 * consulted only when a name finds no record, and shown as a curated
 * alias, never as IANA's.  Also the "did you mean" suggestions for a name
 * that finds nothing. */
#include <string.h>

#include "registry/index.h"

static const pk_curated curated[] = {
	{ "dns", "domain", "Domain Name System (DNS): IANA's name is \"domain\"" },
	{ "rdp", "ms-wbt-server", "Remote Desktop Protocol (RDP), Microsoft's remote desktop: IANA's name is \"ms-wbt-server\"" },
	{ "vnc", "rfb", "Virtual Network Computing (VNC) remote desktop: its protocol is the Remote Framebuffer, IANA's \"rfb\"" },
	{ "mongo", "mongodb", "MongoDB's short name" },
	{ "postgresql", "postgresql", "PostgreSQL: IANA's own name, kept here so that registries without it (a services(5) file with only \"postgres\") still answer" },
	{ "pgsql", "postgresql", "PostgreSQL's short name" },
	{ "mariadb", "mysql", "MariaDB speaks MySQL's protocol on its port: IANA's \"mysql\"" },
	{ "smb", "microsoft-ds", "SMB/CIFS file sharing over TCP: IANA's \"microsoft-ds\"" },
	{ "cifs", "microsoft-ds", "CIFS (SMB) file sharing over TCP: IANA's \"microsoft-ds\"" },
	{ "mssql", "ms-sql-s", "Microsoft SQL Server: IANA's \"ms-sql-s\"" },
	{ "dhcp", "bootps", "DHCP servers listen on BOOTP's port: IANA's \"bootps\" (clients: \"bootpc\")" },
	{ "netbios", "netbios-ssn", "NetBIOS session service: IANA's \"netbios-ssn\"" },
	{ "ike", "isakmp", "Internet Key Exchange (IPsec): IANA's \"isakmp\"" },
};

size_t pk__curated_count(void)
{
	return sizeof curated / sizeof curated[0];
}

const pk_curated *pk__curated_get(size_t i)
{
	return i < pk__curated_count() ? &curated[i] : NULL;
}

const pk_curated *pk_curated_alias(const char *typed)
{
	if (typed == NULL)
		return NULL;
	for (size_t i = 0; i < pk__curated_count(); i++)
		if (pk__strcasecmp(curated[i].typed, typed) == 0)
			return &curated[i];
	return NULL;
}

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* Levenshtein distance of a and b (ASCII case-insensitively), or max + 1
 * when it is larger than max: names are at most PK_QUERY_NAME_MAX bytes. */
static unsigned distance(const char *a, const char *b, unsigned max)
{
	size_t la = strlen(a), lb = strlen(b);
	unsigned row[PK_QUERY_NAME_MAX + 2];

	if (la > PK_QUERY_NAME_MAX || lb > PK_QUERY_NAME_MAX)
		return max + 1;
	if ((la > lb ? la - lb : lb - la) > max)
		return max + 1;
	for (size_t j = 0; j <= lb; j++)
		row[j] = (unsigned)j;
	for (size_t i = 1; i <= la; i++) {
		unsigned diag = row[0], best;
		row[0] = (unsigned)i;
		best = row[0];
		for (size_t j = 1; j <= lb; j++) {
			unsigned up = row[j];
			char ca = lower(a[i - 1]), cb = lower(b[j - 1]);
			unsigned v = diag + (ca != cb);
			if (up + 1 < v)
				v = up + 1;
			if (row[j - 1] + 1 < v)
				v = row[j - 1] + 1;
			diag = up;
			row[j] = v;
			if (v < best)
				best = v;
		}
		if (best > max)
			return max + 1;
	}
	return row[lb];
}

/* Keeps out[] (n of cap) sorted by distance, then name. */
static void offer(const char **out, unsigned *dist, size_t *n, size_t cap,
		  const char *name, unsigned d)
{
	for (size_t i = 0; i < *n; i++)
		if (pk__strcasecmp(out[i], name) == 0)
			return;
	size_t j = *n < cap ? (*n)++ : cap;
	if (j == cap) {
		if (cap == 0 || d > dist[cap - 1] ||
		    (d == dist[cap - 1] && pk__strcasecmp(name, out[cap - 1]) >= 0))
			return;
		j = cap - 1;
	}
	while (j > 0 && (d < dist[j - 1] ||
			 (d == dist[j - 1] && pk__strcasecmp(name, out[j - 1]) < 0))) {
		out[j] = out[j - 1];
		dist[j] = dist[j - 1];
		j--;
	}
	out[j] = name;
	dist[j] = d;
}

size_t pk_suggest_names(const pk_registry *reg, const char *name,
			const char **out, size_t cap)
{
	unsigned dist[16];
	size_t n = 0;
	/* One edit for short names, two from six characters on: "dsn" finds
	 * "dns", not every three-letter name. */
	unsigned max = strlen(name) >= 6 ? 2 : 1;

	if (cap > 16)
		cap = 16;
	for (uint32_t s = 0; reg != NULL && s <= reg->name_mask; s++) {
		if (reg->names[s].key == 0)
			continue;
		const char *key = pk_idx_str(reg, reg->names[s].key);
		unsigned d = distance(name, key, max);
		if (d > 0 && d <= max)
			offer(out, dist, &n, cap, key, d);
	}
	for (size_t i = 0; i < pk__curated_count(); i++) {
		unsigned d = distance(name, curated[i].typed, max);
		if (d > 0 && d <= max)
			offer(out, dist, &n, cap, curated[i].typed, d);
	}
	return n;
}
