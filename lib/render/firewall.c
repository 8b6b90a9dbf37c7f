/* firewall.c - a rule set (lib/firewall) as nftables, iptables and
 * ip6tables-restore input, a ufw application profile, a firewalld
 * service file or pf.conf rules (docs/firewall.md).  Ports and IP
 * protocols are always numbers: a name would be resolved through NSS by
 * the tool (nft, iptables) or differ between systems. */
#include <stdio.h>

#include "firewall/fw_internal.h"
#include "render/render_internal.h"

static const char *const half_name[2] = { "in", "out" };

static bool half_empty(const pk_fw_half *h)
{
	for (int p = 0; p < PK_PROTO_COUNT; p++)
		if (h->n[p] > 0)
			return false;
	for (int k = 0; k < 256; k++)
		if (h->ipproto[k])
			return false;
	return true;
}

static bool has_v(const pk_fw *fw, bool v6)
{
	for (size_t i = 0; i < fw->nsources; i++)
		if (fw->source_v6[i] == v6)
			return true;
	return false;
}

/* The first line: what the rules are for.  prefix starts a comment. */
static void header(pk_render *r, const pk_fw *fw, const char *prefix)
{
	pk__render_printf(r, "%s portkit firewall: ", prefix);
	for (size_t i = 0; i < fw->nwhat; i++) {
		if (i > 0)
			pk__render_puts(r, ", ");
		if (i == 8 && fw->nwhat > 9) {
			pk__render_printf(r, "and %zu more", fw->nwhat - 8);
			break;
		}
		if (prefix[0] != '\0') {
			pk__render_text(r, fw->what[i], strlen(fw->what[i]), false);
			continue;
		}
		/* Inside an XML comment no "--" may appear. */
		for (const char *c = fw->what[i]; *c != '\0'; c++) {
			pk__render_text(r, c, 1, false);
			if (c[0] == '-' && c[1] == '-')
				pk__render_puts(r, " ");
		}
	}
	pk__render_printf(r, " (%s)\n", fw->dirs == PK_DIR_IN ? "inbound" :
					 fw->dirs == PK_DIR_OUT ? "outbound" : "inbound and outbound");
}

/* "22, 6881-6889" with sep between entries and rsep inside a range. */
static void ports_list(pk_render *r, const pk_fw_range *v, size_t n, const char *sep,
		       const char *rsep)
{
	for (size_t i = 0; i < n; i++) {
		pk__render_printf(r, "%s%u", i ? sep : "", (unsigned)v[i].lo);
		if (v[i].hi != v[i].lo)
			pk__render_printf(r, "%s%u", rsep, (unsigned)v[i].hi);
	}
}

static bool helper_wanted(const pk_fw *fw, size_t k, int half)
{
	size_t n;
	const pk_fw_helper *hp = pk__fw_helpers(&n);
	if (!(fw->helpers & (1u << k)))
		return false;
	/* A helper watches a port the rules open in that half. */
	const pk_fw_half *h = &fw->half[half];
	for (size_t i = 0; i < h->n[hp[k].proto]; i++)
		if (h->ranges[hp[k].proto][i].lo <= hp[k].port &&
		    hp[k].port <= h->ranges[hp[k].proto][i].hi)
			return true;
	return false;
}

/* ---- nftables ------------------------------------------------------------ */

static void nft(pk_render *r, const pk_fw *fw)
{
	size_t nh;
	const pk_fw_helper *hp = pk__fw_helpers(&nh);
	bool any_helper = false;

	pk__render_puts(r, "#!/usr/sbin/nft -f\n");
	header(r, fw, "#");
	pk__render_printf(r, "# Check: nft -c -f FILE; load: nft -f FILE.  The table is replaced\n"
			     "# as a whole; %s\n",
			  fw->drop ? "its input policy drops what no rule accepts." :
				     "its policy accepts: copy the rules into your own chains, or "
				     "generate with --policy drop.");
	pk__render_printf(r, "table inet %s\ndelete table inet %s\ntable inet %s {\n", fw->name,
			  fw->name, fw->name);
	for (int h = 0; h < 2; h++)
		for (int p = PK_PROTO_TCP; p < PK_PROTO_COUNT; p++) {
			const pk_fw_half *half = &fw->half[h];
			if (half->n[p] == 0)
				continue;
			pk__render_printf(r, "\tset %s_%s {\n\t\ttype inet_service\n\t\tflags interval\n"
					     "\t\telements = { ",
					  pk_proto_name((pk_proto)p), half_name[h]);
			ports_list(r, half->ranges[p], half->n[p], ", ", "-");
			pk__render_puts(r, " }\n\t}\n");
		}
	for (int v6 = 0; v6 <= 1; v6++) {
		if (!has_v(fw, v6))
			continue;
		pk__render_printf(r, "\tset src%d {\n\t\ttype %s\n\t\tflags interval\n\t\telements = { ",
				  v6 ? 6 : 4, v6 ? "ipv6_addr" : "ipv4_addr");
		bool first = true;
		for (size_t i = 0; i < fw->nsources; i++)
			if (fw->source_v6[i] == (bool)v6) {
				pk__render_printf(r, "%s%s", first ? "" : ", ", fw->sources[i]);
				first = false;
			}
		pk__render_puts(r, " }\n\t}\n");
	}
	for (size_t k = 0; k < nh; k++)
		if (helper_wanted(fw, k, 0) || helper_wanted(fw, k, 1)) {
			pk__render_printf(r, "\tct helper %s-%u {\n\t\ttype \"%s\" protocol %s\n\t}\n",
					  hp[k].name, (unsigned)hp[k].port, hp[k].type,
					  pk_proto_name(hp[k].proto));
			any_helper = true;
		}
	for (int h = 0; h < 2; h++) {
		const pk_fw_half *half = &fw->half[h];
		if (!(fw->dirs & (h == 0 ? PK_DIR_IN : PK_DIR_OUT)))
			continue;
		pk__render_printf(r, "\tchain %s {\n\t\ttype filter hook %s priority filter; policy %s;\n",
				  h == 0 ? "input" : "output", h == 0 ? "input" : "output",
				  fw->drop ? "drop" : "accept");
		pk__render_puts(r, "\t\tct state established,related accept\n");
		if (fw->drop)
			pk__render_puts(r, "\t\tct state invalid drop\n"
					   "\t\tmeta l4proto 58 accept comment \"ICMPv6: neighbour discovery\"\n");
		bool scoped = h == 0 && fw->nsources > 0;
		for (int p = PK_PROTO_TCP; p < PK_PROTO_COUNT; p++) {
			if (half->n[p] == 0)
				continue;
			const char *pn = pk_proto_name((pk_proto)p);
			if (!scoped) {
				pk__render_printf(r, "\t\t%s dport @%s_%s accept\n", pn, pn, half_name[h]);
				continue;
			}
			for (int v6 = 0; v6 <= 1; v6++)
				if (has_v(fw, v6))
					pk__render_printf(r, "\t\t%s saddr @src%d %s dport @%s_%s accept\n",
							  v6 ? "ip6" : "ip", v6 ? 6 : 4, pn, pn,
							  half_name[h]);
		}
		for (int k = 0; k < 256; k++) {
			if (!half->ipproto[k])
				continue;
			if (!scoped)
				pk__render_printf(r, "\t\tmeta l4proto %d accept\n", k);
			for (int v6 = 0; scoped && v6 <= 1; v6++)
				if (has_v(fw, v6))
					pk__render_printf(r, "\t\t%s saddr @src%d meta l4proto %d accept\n",
							  v6 ? "ip6" : "ip", v6 ? 6 : 4, k);
		}
		pk__render_puts(r, "\t}\n");
	}
	if (any_helper) {
		/* Helpers are attached to a connection before it is confirmed:
		 * in prerouting for what comes in, in output for what goes
		 * out. */
		for (int h = 0; h < 2; h++) {
			bool any = false;
			for (size_t k = 0; k < nh; k++)
				any |= helper_wanted(fw, k, h);
			if (!any)
				continue;
			pk__render_printf(r, "\tchain helpers_%s {\n\t\ttype filter hook %s priority filter; "
					     "policy accept;\n",
					  half_name[h], h == 0 ? "prerouting" : "output");
			for (size_t k = 0; k < nh; k++)
				if (helper_wanted(fw, k, h))
					pk__render_printf(r, "\t\t%s dport %u ct helper set \"%s-%u\"\n",
							  pk_proto_name(hp[k].proto), (unsigned)hp[k].port,
							  hp[k].name, (unsigned)hp[k].port);
			pk__render_puts(r, "\t}\n");
		}
	}
	pk__render_puts(r, "}\n");
}

/* ---- iptables and ip6tables -------------------------------------------- */

/* One rule per chunk of at most 15 multiport entries (a range is two). */
static void ipt_ports(pk_render *r, const char *chain, const char *src, const char *pn,
		      const char *dir, const pk_fw_range *v, size_t n)
{
	size_t i = 0;
	while (i < n) {
		size_t w = 0, j = i;
		while (j < n && w + (v[j].lo == v[j].hi ? 1u : 2u) <= PK_FW_MULTIPORT_MAX) {
			w += v[j].lo == v[j].hi ? 1 : 2;
			j++;
		}
		pk__render_printf(r, "-A %s%s%s -p %s -m multiport --%s ", chain, src[0] ? " -s " : "",
				  src, pn, dir);
		ports_list(r, v + i, j - i, ",", ":");
		pk__render_puts(r, " -j ACCEPT\n");
		i = j;
	}
}

static void ipt(pk_render *r, const pk_fw *fw, bool v6)
{
	size_t nh;
	const pk_fw_helper *hp = pk__fw_helpers(&nh);
	const char *tool = v6 ? "ip6tables" : "iptables";

	header(r, fw, "#");
	pk__render_printf(r, "# Check: %s-restore --test < FILE; load: %s-restore --noflush < FILE\n",
			  tool, tool);
	pk__render_puts(r, "*filter\n");
	for (int h = 0; h < 2; h++) {
		if (!(fw->dirs & (h == 0 ? PK_DIR_IN : PK_DIR_OUT)))
			continue;
		const char *base = h == 0 ? "INPUT" : "OUTPUT";
		char chain[64];
		snprintf(chain, sizeof chain, "%s-%s", fw->name, h == 0 ? "IN" : "OUT");
		for (char *c = chain; *c; c++)
			*c = (char)(*c >= 'a' && *c <= 'z' ? *c - 'a' + 'A' : *c);
		if (fw->drop)
			pk__render_printf(r, ":%s DROP [0:0]\n", base);
		pk__render_printf(r, ":%s - [0:0]\n-A %s -j %s\n", chain, base, chain);
		pk__render_printf(r, "-A %s -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT\n",
				  chain);
		if (fw->drop && v6)
			pk__render_printf(r, "-A %s -p 58 -j ACCEPT\n", chain);
		const pk_fw_half *half = &fw->half[h];
		bool scoped = h == 0 && fw->nsources > 0;
		if (scoped && !has_v(fw, v6))
			pk__render_printf(r, "# the sources are %s only: nothing is accepted here\n",
					  v6 ? "IPv4" : "IPv6");
		for (size_t s = 0; s < (scoped ? fw->nsources : 1); s++) {
			if (scoped && fw->source_v6[s] != v6)
				continue;
			const char *src = scoped ? fw->sources[s] : "";
			for (int p = PK_PROTO_TCP; p < PK_PROTO_COUNT; p++)
				ipt_ports(r, chain, src, pk_proto_name((pk_proto)p), "dports",
					  half->ranges[p], half->n[p]);
			for (int k = 0; k < 256; k++)
				if (half->ipproto[k])
					pk__render_printf(r, "-A %s%s%s -p %d -j ACCEPT\n", chain,
							  src[0] ? " -s " : "", src, k);
		}
	}
	pk__render_puts(r, "COMMIT\n");
	bool any = false;
	for (size_t k = 0; k < nh; k++)
		any |= helper_wanted(fw, k, 0) || helper_wanted(fw, k, 1);
	if (!any)
		return;
	pk__render_puts(r, "*raw\n");
	for (int h = 0; h < 2; h++)
		for (size_t k = 0; k < nh; k++)
			if (helper_wanted(fw, k, h))
				pk__render_printf(r, "-A %s -p %s --dport %u -j CT --helper %s\n",
						  h == 0 ? "PREROUTING" : "OUTPUT",
						  pk_proto_name(hp[k].proto), (unsigned)hp[k].port,
						  hp[k].type);
	pk__render_puts(r, "COMMIT\n");
}

/* ---- ufw ------------------------------------------------------------------ */

static void ufw(pk_render *r, const pk_fw *fw)
{
	size_t nh;
	const pk_fw_helper *hp = pk__fw_helpers(&nh);
	const pk_fw_half *in = &fw->half[0], *out = &fw->half[1];

	header(r, fw, "#");
	pk__render_printf(r, "# Install as /etc/ufw/applications.d/%s, then:\n", fw->name);
	if (!half_empty(in)) {
		pk__render_printf(r, "#   ufw app update %s\n", fw->name);
		if (fw->nsources == 0)
			pk__render_printf(r, "#   ufw allow %s\n", fw->name);
		for (size_t i = 0; i < fw->nsources; i++)
			pk__render_printf(r, "#   ufw allow from %s to any app %s\n", fw->sources[i],
					  fw->name);
	}
	/* Profiles describe ports to allow in; outbound rules are commands. */
	for (int p = PK_PROTO_TCP; p < PK_PROTO_COUNT; p++)
		for (size_t i = 0; i < out->n[p]; i++) {
			pk__render_printf(r, "#   ufw allow out to any port %u", (unsigned)out->ranges[p][i].lo);
			if (out->ranges[p][i].hi != out->ranges[p][i].lo)
				pk__render_printf(r, ":%u", (unsigned)out->ranges[p][i].hi);
			pk__render_printf(r, " proto %s\n", pk_proto_name((pk_proto)p));
		}
	for (int h = 0; h < 2; h++)
		for (int k = 0; k < 256; k++)
			if (fw->half[h].ipproto[k])
				pk__render_printf(r, "# A ufw profile cannot express IP protocol %d: add\n"
						     "#   -A ufw-before-%s -p %d -j ACCEPT\n"
						     "# to /etc/ufw/before.rules (before6.rules for IPv6).\n",
						  k, h == 0 ? "input" : "output", k);
	for (int p = PK_PROTO_SCTP; p < PK_PROTO_COUNT; p++)
		if (in->n[p] > 0)
			pk__render_printf(r, "# ufw profiles take tcp and udp only: the %s ports are left out.\n",
					  pk_proto_name((pk_proto)p));
	for (size_t k = 0; k < nh; k++)
		if (helper_wanted(fw, k, 0) || helper_wanted(fw, k, 1))
			pk__render_printf(r, "# Conntrack helper %s: ufw cannot attach one; add "
					     "nf_conntrack_%s to IPT_MODULES in /etc/default/ufw.\n",
					  hp[k].type, strcmp(hp[k].name, "netbios-ns") == 0 ? "netbios_ns" :
						       hp[k].name);
	if (half_empty(in))
		return;
	pk__render_printf(r, "[%s]\ntitle=", fw->name);
	const char *title = fw->title ? fw->title : "ports opened by portkit";
	pk__render_text(r, title, strlen(title), false);
	pk__render_puts(r, "\ndescription=portkit firewall: ");
	for (size_t i = 0; i < fw->nwhat; i++) {
		pk__render_puts(r, i ? ", " : "");
		pk__render_text(r, fw->what[i], strlen(fw->what[i]), false);
	}
	pk__render_puts(r, "\nports=");
	bool first = true;
	for (int p = PK_PROTO_TCP; p <= PK_PROTO_UDP; p++)
		for (size_t i = 0; i < in->n[p]; i++) {
			pk__render_printf(r, "%s%u", first ? "" : "|", (unsigned)in->ranges[p][i].lo);
			if (in->ranges[p][i].hi != in->ranges[p][i].lo)
				pk__render_printf(r, ":%u", (unsigned)in->ranges[p][i].hi);
			pk__render_printf(r, "/%s", pk_proto_name((pk_proto)p));
			first = false;
		}
	pk__render_puts(r, "\n");
}

/* ---- firewalld -------------------------------------------------------------- */

static void xml_text(pk_render *r, const char *s)
{
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '<': pk__render_puts(r, "&lt;"); break;
		case '>': pk__render_puts(r, "&gt;"); break;
		case '&': pk__render_puts(r, "&amp;"); break;
		case '"': pk__render_puts(r, "&quot;"); break;
		default: pk__render_text(r, s, 1, false);
		}
	}
}

static void firewalld(pk_render *r, const pk_fw *fw)
{
	size_t nh;
	const pk_fw_helper *hp = pk__fw_helpers(&nh);
	const pk_fw_half *in = &fw->half[0];

	pk__render_puts(r, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<!--");
	header(r, fw, "");
	/* No double hyphen may appear in an XML comment: the commands are
	 * described, not spelled out. */
	pk__render_printf(r, "  Install as /etc/firewalld/services/%s.xml, reload firewalld and add\n"
			     "  the service to a zone (firewall-cmd, permanent, add-service=%s)", fw->name,
			  fw->name);
	if (fw->nsources > 0)
		pk__render_puts(r, ", or scope it to the sources with rich rules\n"
				   "  (firewall-cmd, permanent, add-rich-rule=RULE):\n");
	else
		pk__render_puts(r, ".\n");
	for (size_t i = 0; i < fw->nsources; i++)
		pk__render_printf(r, "    rule family=\"%s\" source address=\"%s\" service name=\"%s\" accept\n",
				  fw->source_v6[i] ? "ipv6" : "ipv4", fw->sources[i], fw->name);
	if (!half_empty(&fw->half[1]))
		pk__render_puts(r, "  A service describes inbound traffic only: the outbound ports need a\n"
				   "  policy (firewall-cmd, new-policy) or direct rules.\n");
	pk__render_puts(r, "-->\n<service>\n  <short>");
	pk__render_printf(r, "%s", fw->name);
	pk__render_puts(r, "</short>\n  <description>");
	xml_text(r, fw->title ? fw->title : "ports opened by portkit");
	pk__render_puts(r, "</description>\n");
	for (int p = PK_PROTO_TCP; p < PK_PROTO_COUNT; p++)
		for (size_t i = 0; i < in->n[p]; i++) {
			pk__render_printf(r, "  <port protocol=\"%s\" port=\"%u", pk_proto_name((pk_proto)p),
					  (unsigned)in->ranges[p][i].lo);
			if (in->ranges[p][i].hi != in->ranges[p][i].lo)
				pk__render_printf(r, "-%u", (unsigned)in->ranges[p][i].hi);
			pk__render_puts(r, "\"/>\n");
		}
	for (int k = 0; k < 256; k++)
		if (in->ipproto[k])
			pk__render_printf(r, "  <protocol value=\"%d\"/>\n", k);
	const char *done[16];
	size_t ndone = 0;
	for (size_t k = 0; k < nh; k++) {
		if (!helper_wanted(fw, k, 0))
			continue;
		bool seen = false;
		for (size_t i = 0; i < ndone; i++)
			seen |= strcmp(done[i], hp[k].name) == 0;
		if (seen || ndone >= 16)
			continue;
		done[ndone++] = hp[k].name;
		pk__render_printf(r, "  <helper name=\"%s\"/>\n", hp[k].name);
	}
	pk__render_puts(r, "</service>\n");
}

/* ---- pf --------------------------------------------------------------------- */

static void pf(pk_render *r, const pk_fw *fw)
{
	size_t nh;
	const pk_fw_helper *hp = pk__fw_helpers(&nh);
	char id[40];

	/* pf macro and table names: letters, digits and '_'. */
	snprintf(id, sizeof id, "%s", fw->name);
	for (char *c = id; *c; c++)
		if (*c == '-')
			*c = '_';
	header(r, fw, "#");
	pk__render_puts(r, "# pf.conf(5) rules; check with pfctl -nf FILE, load with pfctl -f FILE.\n");
	/* pf.conf(5): macros come first, then tables, then the rules. */
	for (int h = 0; h < 2; h++)
		for (int p = PK_PROTO_TCP; p <= PK_PROTO_UDP; p++) {
			const pk_fw_half *half = &fw->half[h];
			if (half->n[p] == 0)
				continue;
			pk__render_printf(r, "%s_%s_%s = \"{ ", id, pk_proto_name((pk_proto)p), half_name[h]);
			ports_list(r, half->ranges[p], half->n[p], ", ", ":");
			pk__render_puts(r, " }\"\n");
		}
	if (fw->nsources > 0) {
		pk__render_printf(r, "table <%s_src> const { ", id);
		for (size_t i = 0; i < fw->nsources; i++)
			pk__render_printf(r, "%s%s", i ? ", " : "", fw->sources[i]);
		pk__render_puts(r, " }\n");
	}
	if (fw->drop)
		pk__render_printf(r, "block %s all\n", fw->dirs == PK_DIR_IN ? "in" :
						     fw->dirs == PK_DIR_OUT ? "out" : "");
	for (int h = 0; h < 2; h++) {
		const pk_fw_half *half = &fw->half[h];
		char from[64];
		if (h == 0 && fw->nsources > 0)
			snprintf(from, sizeof from, "from <%s_src> ", id);
		else
			snprintf(from, sizeof from, "%s", "");
		for (int p = PK_PROTO_TCP; p <= PK_PROTO_UDP; p++)
			if (half->n[p] > 0)
				pk__render_printf(r, "pass %s quick proto %s %sto any port $%s_%s_%s\n",
						  half_name[h], pk_proto_name((pk_proto)p),
						  from[0] ? from : "", id, pk_proto_name((pk_proto)p),
						  half_name[h]);
		for (int p = PK_PROTO_SCTP; p < PK_PROTO_COUNT; p++)
			if (half->n[p] > 0)
				pk__render_printf(r, "# pf filters no %s ports: the %s rules are left out\n",
						  pk_proto_name((pk_proto)p), pk_proto_name((pk_proto)p));
		for (int k = 0; k < 256; k++)
			if (half->ipproto[k])
				pk__render_printf(r, "pass %s quick proto %d %sto any\n", half_name[h], k,
						  from);
	}
	for (size_t k = 0; k < nh; k++)
		if (helper_wanted(fw, k, 0) || helper_wanted(fw, k, 1)) {
			if (strcmp(hp[k].name, "ftp") == 0)
				pk__render_puts(r, "# FTP: pf has no conntrack helper; run ftp-proxy(8) and add\n"
						   "#   anchor \"ftp-proxy/*\"\n");
			else
				pk__render_printf(r, "# %s: pf has no helper for it; open the ports it "
						     "negotiates explicitly\n", hp[k].type);
		}
}

void pk_render_firewall(pk_render *r, const pk_fw *fw, pk_fw_format fmt)
{
	if (r == NULL || fw == NULL)
		return;
	switch (fmt) {
	case PK_FW_NFT: nft(r, fw); break;
	case PK_FW_IPTABLES: ipt(r, fw, false); break;
	case PK_FW_IP6TABLES: ipt(r, fw, true); break;
	case PK_FW_UFW: ufw(r, fw); break;
	case PK_FW_FIREWALLD: firewalld(r, fw); break;
	case PK_FW_PF: pf(r, fw); break;
	default: pk__render_fail(r, PK_INVAL, "unknown firewall format %d", (int)fmt);
	}
}
