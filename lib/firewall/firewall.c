/* firewall.c - the rule set `portkit firewall` writes: the ports of
 * applications, service names and port specs, merged per transport and
 * direction, with IP protocols, helpers and source scopes
 * (docs/firewall.md).  The formats are lib/render/firewall.c's. */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "firewall/fw_internal.h"

static const pk_fw_helper helpers[] = {
	{ "ftp", "ftp", PK_PROTO_TCP, 21 },
	{ "tftp", "tftp", PK_PROTO_UDP, 69 },
	{ "sip", "sip", PK_PROTO_UDP, 5060 },
	{ "sip", "sip", PK_PROTO_TCP, 5060 },
	{ "h323", "Q.931", PK_PROTO_TCP, 1720 },
	{ "h323", "RAS", PK_PROTO_UDP, 1719 },
	{ "pptp", "pptp", PK_PROTO_TCP, 1723 },
	{ "irc", "irc", PK_PROTO_TCP, 6667 },
	{ "snmp", "snmp", PK_PROTO_UDP, 161 },
	{ "amanda", "amanda", PK_PROTO_UDP, 10080 },
	{ "netbios-ns", "netbios-ns", PK_PROTO_UDP, 137 },
};

static const char *const format_names[PK_FW_FORMAT_COUNT] = {
	"nft", "iptables", "ip6tables", "ufw", "firewalld", "pf"
};

const pk_fw_helper *pk__fw_helpers(size_t *n)
{
	*n = sizeof helpers / sizeof helpers[0];
	return helpers;
}

const char *pk_fw_format_name(pk_fw_format fmt)
{
	return (unsigned)fmt < PK_FW_FORMAT_COUNT ? format_names[fmt] : "unknown";
}

pk_status pk_fw_format_parse(const char *s, pk_fw_format *out, pk_error *err)
{
	for (unsigned i = 0; i < PK_FW_FORMAT_COUNT; i++)
		if (strcmp(s, format_names[i]) == 0) {
			*out = (pk_fw_format)i;
			return PK_OK;
		}
	if (strcmp(s, "nftables") == 0) {
		*out = PK_FW_NFT;
		return PK_OK;
	}
	return pk__error_set(err, PK_INVAL,
			     "unknown firewall format '%.40s': expected nft, iptables, ip6tables, "
			     "ufw, firewalld or pf", s);
}

pk_status pk_fw_new(pk_direction dirs, pk_fw **out, pk_error *err)
{
	*out = NULL;
	if (dirs != PK_DIR_IN && dirs != PK_DIR_OUT && dirs != PK_DIR_BOTH)
		return pk__error_set(err, PK_INVAL, "direction must be in, out or both");
	pk_fw *fw = calloc(1, sizeof *fw);
	if (fw == NULL)
		return pk__error_set(err, PK_NOMEM, "out of memory");
	fw->dirs = dirs;
	strcpy(fw->name, "portkit");
	*out = fw;
	return PK_OK;
}

void pk_fw_free(pk_fw *fw)
{
	if (fw == NULL)
		return;
	for (int h = 0; h < 2; h++)
		for (int p = 0; p < PK_PROTO_COUNT; p++)
			free(fw->half[h].ranges[p]);
	for (size_t i = 0; i < fw->nsources; i++)
		free(fw->sources[i]);
	free(fw->sources);
	free(fw->source_v6);
	for (size_t i = 0; i < fw->nwhat; i++)
		free(fw->what[i]);
	free(fw->what);
	free(fw->title);
	free(fw);
}

void pk_fw_set_drop_policy(pk_fw *fw, bool drop)
{
	if (fw != NULL)
		fw->drop = drop;
}

pk_status pk_fw_set_name(pk_fw *fw, const char *name, pk_error *err)
{
	size_t n = strlen(name);
	bool ok = n > 0 && n < sizeof fw->name && name[0] != '-';
	for (size_t i = 0; ok && i < n; i++)
		ok = (name[i] >= 'a' && name[i] <= 'z') || (name[i] >= '0' && name[i] <= '9') ||
		     name[i] == '-';
	if (!ok)
		return pk__error_set(err, PK_INVAL,
				     "invalid rule set name '%.40s': lower-case letters, digits and "
				     "'-', at most 32", name);
	memcpy(fw->name, name, n + 1);
	return PK_OK;
}

const char *pk_fw_get_name(const pk_fw *fw)
{
	return fw ? fw->name : "";
}

static pk_status add_what(pk_fw *fw, const char *what, pk_error *err)
{
	if (fw->nwhat >= PK_FW_MAX_WHAT)
		return pk__error_set(err, PK_TOOBIG, "more than %u applications and specs",
				     PK_FW_MAX_WHAT);
	char **w = realloc(fw->what, (fw->nwhat + 1) * sizeof *w);
	if (w == NULL)
		return pk__error_set(err, PK_NOMEM, "out of memory");
	fw->what = w;
	if ((w[fw->nwhat] = strdup(what)) == NULL)
		return pk__error_set(err, PK_NOMEM, "out of memory");
	fw->nwhat++;
	return PK_OK;
}

/* Adds [lo, hi] to the sorted, merged list of one transport: ranges that
 * overlap or touch it are folded into it. */
static pk_status add_range(pk_fw_half *h, pk_proto proto, uint16_t lo, uint16_t hi,
			   pk_error *err)
{
	pk_fw_range *r = h->ranges[proto];
	size_t n = h->n[proto], a = 0;

	while (a < n && (uint32_t)r[a].hi + 1 < lo)
		a++;
	size_t z = a;
	uint16_t nlo = lo, nhi = hi;
	while (z < n && r[z].lo <= (uint32_t)hi + 1) {
		if (r[z].lo < nlo)
			nlo = r[z].lo;
		if (r[z].hi > nhi)
			nhi = r[z].hi;
		z++;
	}
	if (z == a) { /* nothing to fold: insert at a */
		if (n >= PK_FW_MAX_RANGES)
			return pk__error_set(err, PK_TOOBIG, "more than %u port ranges",
					     PK_FW_MAX_RANGES);
		r = realloc(r, (n + 1) * sizeof *r);
		if (r == NULL)
			return pk__error_set(err, PK_NOMEM, "out of memory");
		memmove(r + a + 1, r + a, (n - a) * sizeof *r);
		h->ranges[proto] = r;
		h->n[proto] = n + 1;
	} else { /* [a, z) become one */
		memmove(r + a + 1, r + z, (n - z) * sizeof *r);
		h->n[proto] = n - (z - a) + 1;
	}
	r[a].lo = nlo;
	r[a].hi = nhi;
	return PK_OK;
}

static pk_status add_ports(pk_fw *fw, int half, unsigned protos, uint16_t lo, uint16_t hi,
			   pk_error *err)
{
	for (unsigned p = PK_PROTO_TCP; p <= PK_PROTO_DCCP; p++)
		if (protos & PK_PROTOMASK(p)) {
			pk_status st = add_range(&fw->half[half], (pk_proto)p, lo, hi, err);
			if (st != PK_OK)
				return st;
		}
	return PK_OK;
}

static bool wants(const pk_fw *fw, int half)
{
	return (fw->dirs & (half == 0 ? PK_DIR_IN : PK_DIR_OUT)) != 0;
}

/* Does a catalog direction belong in half (0 inbound, 1 outbound)? */
static bool dir_in_half(pk_direction d, int half)
{
	return (d & (half == 0 ? PK_DIR_IN : PK_DIR_OUT)) != 0;
}

pk_status pk_fw_add_app(pk_fw *fw, const pk_app *app, pk_error *err)
{
	size_t used = 0;
	pk_status st;

	for (size_t i = 0; i < app->port_count; i++)
		for (int h = 0; h < 2; h++)
			used += wants(fw, h) && dir_in_half(app->ports[i].dir, h);
	for (size_t i = 0; i < app->ipproto_count; i++)
		for (int h = 0; h < 2; h++)
			used += wants(fw, h) && dir_in_half(app->ipprotos[i].dir, h);
	if (used == 0)
		return pk__error_set(err, PK_INVAL,
				     "%s has no %s ports: its ports are for %s connections "
				     "(write the port specs for the other side, e.g. %u/%s)",
				     app->name, fw->dirs == PK_DIR_IN ? "inbound" : "outbound",
				     fw->dirs == PK_DIR_IN ? "outbound" : "inbound",
				     app->port_count ? (unsigned)app->ports[0].lo : 0u,
				     app->port_count && (app->ports[0].protos & PK_PROTOMASK(PK_PROTO_UDP)) &&
						     !(app->ports[0].protos & PK_PROTOMASK(PK_PROTO_TCP)) ?
					     "udp" : "tcp");
	if ((st = add_what(fw, app->name, err)) != PK_OK)
		return st;
	if (fw->title == NULL && (fw->title = strdup(app->title)) == NULL)
		return pk__error_set(err, PK_NOMEM, "out of memory");
	for (size_t i = 0; i < app->port_count; i++) {
		const pk_app_port *p = &app->ports[i];
		for (int h = 0; h < 2; h++)
			if (wants(fw, h) && dir_in_half(p->dir, h) &&
			    (st = add_ports(fw, h, p->protos, p->lo, p->hi, err)) != PK_OK)
				return st;
	}
	for (size_t i = 0; i < app->ipproto_count; i++)
		for (int h = 0; h < 2; h++)
			if (wants(fw, h) && dir_in_half(app->ipprotos[i].dir, h))
				fw->half[h].ipproto[app->ipprotos[i].number] = true;
	for (size_t i = 0; i < app->helper_count; i++)
		for (size_t k = 0; k < sizeof helpers / sizeof helpers[0]; k++)
			if (strcmp(helpers[k].name, app->helpers[i]) == 0)
				fw->helpers |= 1u << k;
	return PK_OK;
}

pk_status pk_fw_add_spec(pk_fw *fw, const char *spec, pk_error *err)
{
	pk_portspec ps;
	pk_status st = pk_portspec_parse(spec, &ps, err);

	if (st != PK_OK)
		return st;
	if (ps.protos == 0)
		return pk__error_set(err, PK_INVAL,
				     "port '%.40s' names no transport: write %.20s/tcp or %.20s/udp",
				     spec, spec, spec);
	if ((st = add_what(fw, spec, err)) != PK_OK)
		return st;
	for (int h = 0; h < 2; h++)
		if (wants(fw, h) && (st = add_ports(fw, h, ps.protos, ps.lo, ps.hi, err)) != PK_OK)
			return st;
	return PK_OK;
}

pk_status pk_fw_add_service(pk_fw *fw, const pk_registry *reg, const char *name,
			    pk_error *err)
{
	enum { CAP = 64 };
	pk_recid ids[CAP];
	size_t n = pk_lookup_name(reg, name, 0, ids, CAP), used = 0;
	pk_status st = PK_OK;

	for (size_t i = 0; i < n && i < CAP; i++) {
		pk_record r;
		if (pk_record_get(reg, ids[i], &r, NULL) != PK_OK || !r.has_port ||
		    r.proto == PK_PROTO_NONE || r.kind != PK_KIND_ASSIGNED ||
		    (r.flags & PK_RECFLAG_HISTORIC) ||
		    !(PK_ORIGINMASK(r.origin) & PK_ORIGINMASK_IANA))
			continue;
		for (int h = 0; h < 2 && st == PK_OK; h++)
			if (wants(fw, h))
				st = add_ports(fw, h, PK_PROTOMASK(r.proto), r.port_lo, r.port_hi, err);
		if (st != PK_OK)
			return st;
		used++;
	}
	if (used == 0)
		return pk__error_set(err, PK_NOTFOUND,
				     "'%.60s' is neither an application of the catalog nor a service "
				     "name IANA assigns a port to", name);
	return add_what(fw, name, err);
}

pk_status pk_fw_add_source(pk_fw *fw, const char *addr, pk_error *err)
{
	char host[64];
	unsigned char bin[16];
	const char *slash = strchr(addr, '/');
	size_t hn = slash ? (size_t)(slash - addr) : strlen(addr);
	unsigned prefix = 0;
	bool v6;

	if (hn == 0 || hn >= sizeof host)
		goto bad;
	memcpy(host, addr, hn);
	host[hn] = '\0';
	if (inet_pton(AF_INET, host, bin) == 1)
		v6 = false;
	else if (inet_pton(AF_INET6, host, bin) == 1)
		v6 = true;
	else
		goto bad;
	if (slash != NULL) {
		const char *s = slash + 1;
		size_t k = strspn(s, "0123456789");
		if (k == 0 || k > 3 || s[k] != '\0')
			goto bad;
		for (size_t i = 0; i < k; i++)
			prefix = prefix * 10 + (unsigned)(s[i] - '0');
		if (prefix > (v6 ? 128u : 32u))
			goto bad;
	}
	if (fw->nsources >= PK_FW_MAX_SOURCES)
		return pk__error_set(err, PK_TOOBIG, "more than %u sources", PK_FW_MAX_SOURCES);
	char **s = realloc(fw->sources, (fw->nsources + 1) * sizeof *s);
	if (s != NULL)
		fw->sources = s;
	bool *f = realloc(fw->source_v6, (fw->nsources + 1) * sizeof *f);
	if (f != NULL)
		fw->source_v6 = f;
	if (s == NULL || f == NULL || (s[fw->nsources] = strdup(addr)) == NULL)
		return pk__error_set(err, PK_NOMEM, "out of memory");
	f[fw->nsources++] = v6;
	return PK_OK;
bad:
	return pk__error_set(err, PK_INVAL,
			     "invalid source address '%.60s': expected an IPv4 or IPv6 address, "
			     "optionally with /PREFIX", addr);
}

size_t pk__fw_multiport_weight(const pk_fw_range *r, size_t n)
{
	size_t w = 0;
	for (size_t i = 0; i < n; i++)
		w += r[i].lo == r[i].hi ? 1 : 2;
	return w;
}

/* Multiport rules for one list: chunks of at most 15 entries. */
static size_t multiport_rules(const pk_fw_range *r, size_t n)
{
	size_t rules = 0, w = 0;
	for (size_t i = 0; i < n; i++) {
		size_t e = r[i].lo == r[i].hi ? 1 : 2;
		if (w == 0 || w + e > PK_FW_MULTIPORT_MAX) {
			rules++;
			w = 0;
		}
		w += e;
	}
	return rules;
}

size_t pk_fw_rule_count(const pk_fw *fw, pk_fw_format fmt)
{
	size_t n = 0;

	if (fw == NULL)
		return 0;
	for (int h = 0; h < 2; h++) {
		const pk_fw_half *half = &fw->half[h];
		for (int p = 0; p < PK_PROTO_COUNT; p++) {
			switch (fmt) {
			case PK_FW_NFT:
				n += half->n[p] > 0; /* one rule matching a named set */
				break;
			case PK_FW_IPTABLES:
			case PK_FW_IP6TABLES:
				n += multiport_rules(half->ranges[p], half->n[p]);
				break;
			default: /* one entry per port or range */
				n += half->n[p];
			}
		}
		for (int k = 0; k < 256; k++)
			n += half->ipproto[k];
	}
	return n;
}
