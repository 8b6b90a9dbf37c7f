/* host_portconf.c - this network namespace's port settings, read from
 * /proc/sys/net/ipv4 (or PROC_ROOT, as ss(8) allows, so tests can feed
 * fixture files). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"

/* Reads a small /proc file into buf; false when it cannot be read. */
static bool read_small(const char *root, const char *name, char *buf,
		       size_t size)
{
	char path[4096];
	FILE *f;
	size_t n;

	if ((size_t)snprintf(path, sizeof path, "%s/sys/net/ipv4/%s", root,
			     name) >= sizeof path)
		return false;
	f = fopen(path, "re");
	if (f == NULL)
		return false;
	n = fread(buf, 1, size - 1, f);
	bool ok = !ferror(f);
	fclose(f);
	buf[n] = '\0';
	return ok;
}

/* Splits "32768\t60999\n" into two ports with the one port parser. */
static pk_status parse_two_ports(const char *s, uint16_t *a, uint16_t *b,
				 pk_error *err)
{
	char first[16], second[16];
	const char *text = s;
	size_t i = 0, n;

	s += strspn(s, " \t");
	n = strcspn(s, " \t\n");
	if (n == 0 || n >= sizeof first)
		goto bad;
	memcpy(first, s, n);
	first[n] = '\0';
	s += n;
	s += strspn(s, " \t");
	n = strcspn(s, " \t\n");
	if (n == 0 || n >= sizeof second)
		goto bad;
	memcpy(second, s, n);
	second[n] = '\0';
	s += n;
	i = strspn(s, " \t\n");
	if (s[i] != '\0')
		goto bad;
	if (pk_port_parse(first, a, err) != PK_OK ||
	    pk_port_parse(second, b, err) != PK_OK)
		return PK_PARSE;
	return PK_OK;
bad:
	n = strcspn(text, "\n");
	return pk__error_set(err, PK_PARSE, "expected two ports, got '%.*s'",
			    (int)(n < 40 ? n : 40), text);
}

/* Prefixes err's message with the file it is about.  The message is
 * copied first: formatting err->message into itself is undefined. */
static pk_status file_error(pk_error *err, const char *root, const char *name)
{
	char inner[PK_ERROR_MESSAGE_SIZE] = "";

	if (err != NULL)
		snprintf(inner, sizeof inner, "%s", err->message);
	return pk__error_set(err, PK_PARSE, "%s/sys/net/ipv4/%s: %s", root, name,
			    inner);
}

static pk_status portconf_read(const char *proc_root, pk_host_portconf *out,
			       pk_error *err)
{
	char buf[65536];
	pk_status st;

	if (proc_root == NULL)
		proc_root = getenv("PROC_ROOT");
	if (proc_root == NULL || proc_root[0] == '\0')
		proc_root = "/proc";
	memset(out, 0, sizeof *out);
	pk__error_clear(err);

	if (read_small(proc_root, "ip_local_port_range", buf, sizeof buf)) {
		st = parse_two_ports(buf, &out->ephemeral_lo,
				     &out->ephemeral_hi, err);
		if (st != PK_OK)
			return file_error(err, proc_root, "ip_local_port_range");
		out->have_range = true;
	}
	if (read_small(proc_root, "ip_unprivileged_port_start", buf,
		       sizeof buf)) {
		buf[strcspn(buf, " \t\n")] = '\0';
		/* The kernel accepts 0..65535 here (65536 would be a parse
		 * error for us too, which is right: it is not a port). */
		if (pk_port_parse(buf, &out->unprivileged_start, err) != PK_OK)
			return file_error(err, proc_root,
					  "ip_unprivileged_port_start");
		out->have_unprivileged = true;
	}
	if (read_small(proc_root, "ip_local_reserved_ports", buf, sizeof buf)) {
		pk_portset_clear(&out->reserved);
		if (pk_portset_parse(&out->reserved, buf, err) != PK_OK)
			return file_error(err, proc_root,
					  "ip_local_reserved_ports");
		out->have_reserved = true;
	}
	return PK_OK;
}

pk_status pk_host_portconf_read_(const char *proc_root, pk_host_portconf *out,
				 size_t out_size, pk_error *err)
{
	pk_host_portconf full;
	pk_status st = portconf_read(proc_root, &full, err);

	full.size = out_size < sizeof full ? out_size : sizeof full;
	pk__copy_out(out, out_size, &full, sizeof full);
	return st;
}
