/* audit.c - `portkit audit`'s answer in both formats: the host's settings,
 * the findings most severe first with their fixes, the proposed settings
 * and the counts. */
#include <stdio.h>
#include <stdlib.h>

#include "render/finding.h"

static const char *const titles[] = { "", "INFO", "WARNINGS", "ERRORS" };

static const char *sev_color(pk_severity sev)
{
	switch (sev) {
	case PK_SEV_ERROR:
		return "\033[1;31m";
	case PK_SEV_WARNING:
		return "\033[1;33m";
	default:
		return "\033[1;36m";
	}
}

/* Each line of s (escaped) after indent. */
static void put_indented(pk_render *r, const char *s, size_t len,
			 const char *indent)
{
	size_t i = 0;

	while (i < len) {
		size_t n = 0;
		while (i + n < len && s[i + n] != '\n')
			n++;
		pk__render_puts(r, indent);
		pk__render_text(r, s + i, n, false);
		pk__render_put(r, "\n", 1);
		i += n + 1;
	}
}

/* One part of a finding's words into b (emptied first); false after a
 * failure, which is kept in r. */
static bool part(pk_render *r, pk_buf *b, const pk_finding *f,
		 pk_finding_part which)
{
	b->len = 0;
	pk_status st = pk__finding_text(b, f, which);
	if (st != PK_OK) {
		pk__render_fail(r, st, "finding %s: %s", pk_finding_code(f),
				pk_strerror(st));
		return false;
	}
	return true;
}

static void text_header(pk_render *r, const pk_host_portconf *conf,
			const pk_host_sockets *socks)
{
	if (conf->have_range)
		pk__render_printf(r, "ephemeral range   %u-%u (net.ipv4.ip_local_port_range)\n",
				  conf->ephemeral_lo, conf->ephemeral_hi);
	else
		pk__render_puts(r, "ephemeral range   not readable\n");
	if (conf->have_reserved) {
		char buf[256];
		size_t need = pk_portset_format(&conf->reserved, buf, sizeof buf);
		pk__render_printf(r, "reserved ports    %s%s\n", need == 0 ? "none" : buf,
				  need >= sizeof buf ? ",..." : "");
	}
	if (conf->have_unprivileged)
		pk__render_printf(r, "unprivileged from %u (net.ipv4.ip_unprivileged_port_start)\n",
				  conf->unprivileged_start);
	if (socks != NULL) {
		pk_host_sockets_info info;
		pk_host_sockets_get_info(socks, &info);
		pk__render_printf(r, "sockets           %zu listening or bound, %u outgoing connection%s (%s)\n",
				  pk_host_sockets_count(socks), info.outbound,
				  info.outbound == 1 ? "" : "s",
				  info.source);
	}
}

static void text_finding(pk_render *r, pk_buf *b, const pk_finding *f)
{
	if (!part(r, b, f, PK_FINDING_SUMMARY))
		return;
	pk__render_puts(r, "* ");
	pk__render_text(r, b->data, b->len, false);
	pk__render_printf(r, " [%s]\n", pk_finding_code(f));
	if (!part(r, b, f, PK_FINDING_DETAIL))
		return;
	put_indented(r, b->data, b->len, "    ");
	if (!part(r, b, f, PK_FINDING_FIX))
		return;
	if (b->len > 0) {
		pk__render_puts(r, "  fix:\n");
		put_indented(r, b->data, b->len, "    ");
	}
}

static void text_brief(pk_render *r, const pk_audit *a)
{
	pk_buf b;

	pk__buf_init(&b, (size_t)1 << 24);
	for (size_t i = 0; i < pk_audit_count(a); i++) {
		const pk_finding *f = pk_audit_get(a, i);
		if (pk_finding_severity(f) < PK_SEV_WARNING ||
		    !part(r, &b, f, PK_FINDING_SUMMARY))
			continue;
		pk__render_printf(r, "%s: ", pk_severity_name(pk_finding_severity(f)));
		pk__render_text(r, b.data, b.len, false);
		pk__render_printf(r, " [%s]\n", pk_finding_code(f));
	}
	pk__buf_free(&b);
}

static void text_audit(pk_render *r, const pk_audit_input *in,
		       const pk_audit *a)
{
	bool color = r->flags & PK_RENDER_COLOR;
	pk_buf b;

	text_header(r, in->conf, in->sockets);
	pk__buf_init(&b, (size_t)1 << 24);
	for (int sev = PK_SEV_ERROR; sev >= PK_SEV_INFO; sev--) {
		size_t count = pk_audit_count_severity(a, (pk_severity)sev);
		if (count == 0)
			continue;
		pk__render_printf(r, "\n%s%s (%zu)%s\n",
				  color ? sev_color((pk_severity)sev) : "",
				  titles[sev], count, color ? "\033[0m" : "");
		for (size_t i = 0; i < pk_audit_count(a); i++) {
			const pk_finding *f = pk_audit_get(a, i);
			if ((int)pk_finding_severity(f) == sev)
				text_finding(r, &b, f);
		}
	}
	pk__buf_free(&b);
	const char *snippet = pk_audit_sysctl_snippet(a);
	if (snippet[0] != '\0') {
		const char *cmds = pk_audit_sysctl_commands(a);
		pk__render_puts(r, "\nPROPOSED SETTINGS (nothing has been changed)\n");
		put_indented(r, cmds, strlen(cmds), "  ");
		pk__render_printf(r, "  sysctl.d snippet, for %s:\n",
				  PK_AUDIT_SNIPPET_PATH);
		put_indented(r, snippet, strlen(snippet), "    ");
	}
	size_t e = pk_audit_count_severity(a, PK_SEV_ERROR);
	size_t w = pk_audit_count_severity(a, PK_SEV_WARNING);
	pk__render_printf(r, "\n%zu error%s, %zu warning%s, %zu info\n", e,
			  e == 1 ? "" : "s", w, w == 1 ? "" : "s",
			  pk_audit_count_severity(a, PK_SEV_INFO));
}

static void json_audit(pk_render *r, const pk_audit_input *in,
		       const pk_audit *a)
{
	pk__json_document_begin(r, "audit");
	pk__json_registry(r, "registry", in->reg);
	pk__json_host(r, in->conf, in->sockets);
	pk__json_array_begin(r, "expected");
	for (size_t i = 0; in->expect != NULL && i < pk_expect_count(in->expect); i++) {
		const pk_expect *e = pk_expect_get(in->expect, i);
		pk__json_object_begin(r, NULL);
		pk__json_uint(r, "port_lo", e->lo);
		pk__json_uint(r, "port_hi", e->hi);
		pk__json_protocols(r, "protocols", e->protos);
		pk__json_string(r, "label", e->label);
		pk__json_string(r, "origin", e->origin);
		pk__json_object_end(r);
	}
	pk__json_array_end(r);
	pk__json_array_begin(r, "findings");
	for (size_t i = 0; i < pk_audit_count(a); i++)
		pk__json_finding(r, NULL, pk_audit_get(a, i));
	pk__json_array_end(r);
	pk__json_object_begin(r, "counts");
	pk__json_uint(r, "error", pk_audit_count_severity(a, PK_SEV_ERROR));
	pk__json_uint(r, "warning", pk_audit_count_severity(a, PK_SEV_WARNING));
	pk__json_uint(r, "info", pk_audit_count_severity(a, PK_SEV_INFO));
	pk__json_object_end(r);

	pk__json_object_begin(r, "proposed");
	const char *res = pk_audit_proposed_reserved(a);
	uint16_t lo = 0, hi = 0;
	bool have = pk_audit_proposed_range(a, &lo, &hi);
	if (res[0] != '\0') {
		pk_portset *set = malloc(sizeof *set);
		pk_error err;
		if (set == NULL) {
			pk__render_fail(r, PK_NOMEM, "out of memory");
		} else {
			pk_portset_clear(set);
			if (pk_portset_parse(set, res, &err) != PK_OK)
				pk__render_fail(r, err.status, "%s", err.message);
			pk__json_portset(r, "ip_local_reserved_ports", set);
		}
		free(set);
	} else {
		pk__json_null(r, "ip_local_reserved_ports");
	}
	if (have)
		pk__json_range(r, "ip_local_port_range", lo, hi);
	else
		pk__json_null(r, "ip_local_port_range");
	/* The settings in the order to apply them: reserve first. */
	pk__json_array_begin(r, "sysctl");
	if (res[0] != '\0') {
		pk__json_object_begin(r, NULL);
		pk__json_string(r, "key", "net.ipv4.ip_local_reserved_ports");
		pk__json_string(r, "value", res);
		pk__json_object_end(r);
	}
	if (have) {
		char v[16];
		snprintf(v, sizeof v, "%u %u", lo, hi);
		pk__json_object_begin(r, NULL);
		pk__json_string(r, "key", "net.ipv4.ip_local_port_range");
		pk__json_string(r, "value", v);
		pk__json_object_end(r);
	}
	pk__json_array_end(r);
	const char *snippet = pk_audit_sysctl_snippet(a);
	if (snippet[0] != '\0') {
		pk__json_object_begin(r, "file");
		pk__json_string(r, "path", PK_AUDIT_SNIPPET_PATH);
		pk__json_string(r, "text", snippet);
		pk__json_object_end(r);
	} else {
		pk__json_null(r, "file");
	}
	pk__json_object_end(r);
	pk__json_object_end(r);
}

void pk_render_audit(pk_render *r, const pk_audit *a)
{
	const pk_audit_input *in = pk_audit_get_input(a);

	if (r->format == PK_RENDER_JSON)
		json_audit(r, in, a);
	else if (r->flags & PK_RENDER_BRIEF)
		text_brief(r, a);
	else
		text_audit(r, in, a);
}
