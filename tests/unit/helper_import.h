/* helper_import.h - what the importer tests share: reading fixtures from
 * $PK_TEST_DATA/import, importing them through the public API, finding
 * the one record a test talks about, and printing a record's lists as
 * short strings that expectations can be written against by hand. */
#ifndef HELPER_IMPORT_H
#define HELPER_IMPORT_H

#include <stddef.h>

#include "portkit.h"

/* $PK_TEST_DATA/import/name, NUL-terminated (fails the test if absent). */
char *imp_read(const char *name, size_t *len);
/* Imports data, failing the test (with the message) on error. */
pk_registry *imp_import(const char *data, size_t len, pk_format fmt,
			const char *label);
/* imp_read() + imp_import() with the file name as label. */
pk_registry *imp_fixture(const char *name, pk_format fmt);

/* The one record with this name (NULL: nameless), transport and port
 * (-1: none); fails the test unless exactly one matches. */
pk_recid imp_find(const pk_registry *reg, const char *name, pk_proto proto,
		  int port);
/* imp_find() and pk_record_get() in one. */
pk_record imp_get(const pk_registry *reg, const char *name, pk_proto proto,
		  int port);
/* How many records match, like imp_find(). */
size_t imp_count(const pk_registry *reg, const char *name, pk_proto proto,
		 int port);

/* "rfc:rfc9110 person:..." ; "IESG" or "text:ACME" for parties; aliases
 * space-separated.  Static buffers, valid until the next call. */
const char *imp_refs(const pk_registry *reg, pk_recid id);
const char *imp_assignees(const pk_registry *reg, pk_recid id);
const char *imp_contacts(const pk_registry *reg, pk_recid id);
const char *imp_aliases(const pk_registry *reg, pk_recid id);

/* Imports data expecting failure: the status and the exact message. */
void imp_expect_error(const char *data, size_t len, pk_format fmt,
		      const char *label, pk_status status,
		      const char *message);
/* The same where the message's end comes from another library (expat,
 * jansson): only its first strlen(prefix) bytes are compared. */
void imp_expect_error_prefix(const char *data, size_t len, pk_format fmt,
			     const char *label, pk_status status,
			     const char *prefix);
/* The same for a NUL-terminated string. */
#define IMP_BAD(s, fmt, status, message) \
	imp_expect_error((s), sizeof(s) - 1, (fmt), "bad", (status), (message))
#define IMP_BAD_PREFIX(s, fmt, status, prefix) \
	imp_expect_error_prefix((s), sizeof(s) - 1, (fmt), "bad", (status), (prefix))

#endif
