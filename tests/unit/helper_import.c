/* helper_import.c - see helper_import.h. */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "helper_import.h"

char *imp_read(const char *name, size_t *len)
{
	const char *dir = getenv("PK_TEST_DATA");
	char path[4096];
	FILE *f;
	char *data;
	long n;

	snprintf(path, sizeof path, "%s/import/%s", dir ? dir : "tests/data",
		 name);
	f = fopen(path, "rb");
	if (f == NULL)
		fail_msg("cannot open fixture %s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	data = malloc((size_t)n + 1);
	assert_non_null(data);
	assert_int_equal(fread(data, 1, (size_t)n, f), (size_t)n);
	data[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return data;
}

pk_registry *imp_import(const char *data, size_t len, pk_format fmt,
			const char *label)
{
	pk_registry *reg = NULL;
	pk_error err;
	pk_status st = pk_registry_import_mem(data, len, fmt, label, &reg, &err);

	if (st != PK_OK)
		fail_msg("import of %s failed: %s: %s", label,
			 pk_status_name(st), err.message);
	return reg;
}

pk_registry *imp_fixture(const char *name, pk_format fmt)
{
	size_t len;
	char *data = imp_read(name, &len);
	pk_registry *reg = imp_import(data, len, fmt, name);

	free(data);
	return reg;
}

static bool matches(const pk_record *r, const char *name, pk_proto proto,
		    int port)
{
	if ((name == NULL) != (r->name == NULL))
		return false;
	if (name != NULL && strcmp(name, r->name) != 0)
		return false;
	if (r->proto != proto)
		return false;
	if (port < 0)
		return !r->has_port;
	return r->has_port && r->port_lo == (uint16_t)port;
}

size_t imp_count(const pk_registry *reg, const char *name, pk_proto proto,
		 int port)
{
	size_t n = 0;

	for (pk_recid id = 0; id < pk_registry_count(reg); id++) {
		pk_record r;
		assert_int_equal(pk_record_get(reg, id, &r, NULL), PK_OK);
		if (matches(&r, name, proto, port))
			n++;
	}
	return n;
}

pk_recid imp_find(const pk_registry *reg, const char *name, pk_proto proto,
		  int port)
{
	pk_recid found = 0;
	size_t n = 0;

	for (pk_recid id = 0; id < pk_registry_count(reg); id++) {
		pk_record r;
		assert_int_equal(pk_record_get(reg, id, &r, NULL), PK_OK);
		if (matches(&r, name, proto, port)) {
			found = id;
			n++;
		}
	}
	if (n != 1)
		fail_msg("%zu records %s/%s/%d, expected exactly one",
			 n, name ? name : "(nameless)", pk_proto_name(proto), port);
	return found;
}

pk_record imp_get(const pk_registry *reg, const char *name, pk_proto proto,
		  int port)
{
	pk_record r;

	assert_int_equal(pk_record_get(reg, imp_find(reg, name, proto, port), &r, NULL),
			 PK_OK);
	return r;
}

static char listbuf[8192];

static void append(const char *fmt, ...)
{
	size_t n = strlen(listbuf);
	va_list ap;

	if (n > 0 && n < sizeof listbuf - 1)
		listbuf[n++] = ' ';
	va_start(ap, fmt);
	vsnprintf(listbuf + n, sizeof listbuf - n, fmt, ap);
	va_end(ap);
}

const char *imp_refs(const pk_registry *reg, pk_recid id)
{
	pk_ref ref;

	listbuf[0] = '\0';
	for (uint32_t i = 0; pk_record_ref(reg, id, i, &ref, NULL) == PK_OK; i++)
		append("%s:%s", pk_ref_type_name(ref.type), ref.data);
	return listbuf;
}

static const char *parties(const pk_registry *reg, pk_recid id,
			   pk_status (*get)(const pk_registry *, pk_recid, uint32_t,
					    pk_party *, size_t, pk_error *))
{
	pk_party p;

	listbuf[0] = '\0';
	for (uint32_t i = 0; get(reg, id, i, &p, sizeof p, NULL) == PK_OK; i++) {
		if (p.id[0] != '\0')
			append("%s", p.id);
		else
			append("text:%s", p.name);
	}
	return listbuf;
}

const char *imp_assignees(const pk_registry *reg, pk_recid id)
{
	return parties(reg, id, pk_record_assignee_);
}

const char *imp_contacts(const pk_registry *reg, pk_recid id)
{
	return parties(reg, id, pk_record_contact_);
}

const char *imp_aliases(const pk_registry *reg, pk_recid id)
{
	const char *a;

	listbuf[0] = '\0';
	for (uint32_t i = 0; (a = pk_record_alias(reg, id, i)) != NULL; i++)
		append("%s", a);
	return listbuf;
}

static void expect_error(const char *data, size_t len, pk_format fmt,
			 const char *label, pk_status status,
			 const char *message, bool prefix)
{
	pk_registry *reg = NULL;
	pk_error err;
	pk_status st = pk_registry_import_mem(data, len, fmt, label, &reg, &err);

	if (st == PK_OK) {
		pk_registry_close(reg);
		fail_msg("import of %.60s succeeded, expected %s: %s", data,
			 pk_status_name(status), message);
	}
	assert_null(reg);
	if (st != status ||
	    (prefix ? strncmp(err.message, message, strlen(message))
		    : strcmp(err.message, message)) != 0)
		fail_msg("import of %.60s\n  gave     %s: %s\n  expected %s: %s",
			 data, pk_status_name(st), err.message,
			 pk_status_name(status), message);
}

void imp_expect_error(const char *data, size_t len, pk_format fmt,
		      const char *label, pk_status status, const char *message)
{
	expect_error(data, len, fmt, label, status, message, false);
}

void imp_expect_error_prefix(const char *data, size_t len, pk_format fmt,
			     const char *label, pk_status status,
			     const char *prefix)
{
	expect_error(data, len, fmt, label, status, prefix, true);
}
