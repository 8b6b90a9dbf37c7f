/* registry_import.c - a registry straight from a source file: parse into
 * a builder (the importers of this folder), compile the index in memory,
 * validate it, use it.  Above lib/registry: the registry never imports. */
#include <stdlib.h>

#include "registry/import/import.h"
#include "registry/index.h"

pk_status pk_registry_import_mem_ex(const char *data, size_t len,
				    pk_format fmt, const char *label,
				    pk_import_report *rep, pk_registry **out,
				    pk_error *err)
{
	const char *l = label && label[0] ? label : "input";
	pk_builder *b = NULL;
	void *idx = NULL;
	size_t idx_len = 0;
	char *plain = NULL;
	size_t plain_len = 0;
	const char *other;
	pk_status st;

	*out = NULL;
	if (fmt == PK_FORMAT_INDEX) {
		st = pk__error_set(err, PK_INVAL, "%s: a compiled index is opened, not "
				  "imported", l);
		goto out;
	}
	if (data != NULL && (other = pk__compressed_other(data, len)) != NULL) {
		st = pk__error_set(err, PK_UNSUPPORTED,
				  "%s: %s-compressed data (expected a registry as text, or gzip; decompress it first)",
				  l, other);
		goto out;
	}
	if (data != NULL && pk__is_gzip(data, len)) {
		if ((st = pk__gunzip(data, len, PK_IMPORT_MAX_BYTES, l, &plain,
				     &plain_len, err)) != PK_OK)
			goto out;
		data = plain;
		len = plain_len;
		if (pk__is_gzip(data, len)) {
			st = pk__error_set(err, PK_UNSUPPORTED,
					  "%s: gzip data inside gzip data (expected one layer)",
					  l);
			goto out;
		}
	}
	b = pk__builder_new();
	if (b == NULL) {
		st = pk__error_set(err, PK_NOMEM, "%s: %s", l, pk_strerror(PK_NOMEM));
		goto out;
	}
	pk__builder_set_report(b, rep);
	/* Files in the wild repeat records (a services file concatenated
	 * with itself): one record each, counted. */
	pk__builder_set_dedup(b, true);
	if ((st = pk__import(b, fmt, data, len, l, err)) != PK_OK)
		goto out;
	pk__report_add(rep, PK_IMPORT_DUPLICATES, pk__builder_duplicates(b));
	pk__report_add(rep, PK_IMPORT_NONCONFORMING,
		       pk__builder_count_flags(b, PK_RECFLAG_NONCONFORMING));
	/* The parse's input is no longer needed: the builder copied it. */
	free(plain);
	plain = NULL;
	if ((st = pk__builder_finish(b, &idx, &idx_len, err)) != PK_OK)
		goto out;
	pk__builder_free(b);
	b = NULL;
	/* Just built here: the checksum cannot be wrong, the rest is checked. */
	st = pk__registry_from_index(idx, idx_len, PK_MEM_HEAP, true, l, out, err);
	if (st == PK_OK)
		idx = NULL;
out:
	free(plain);
	free(idx);
	pk__builder_free(b);
	return st;
}

pk_status pk_registry_import_mem(const char *data, size_t len, pk_format fmt,
				 const char *label, pk_registry **out,
				 pk_error *err)
{
	return pk_registry_import_mem_ex(data, len, fmt, label, NULL, out, err);
}

pk_status pk_registry_import_ex(const char *path, pk_format fmt,
				pk_import_report *rep, pk_registry **out,
				pk_error *err)
{
	char *data = NULL;
	size_t len = 0;
	pk_status st;

	*out = NULL;
	st = pk__read_file(path, PK_IMPORT_MAX_BYTES, &data, &len, err);
	if (st == PK_OK)
		st = pk_registry_import_mem_ex(data, len, fmt, path, rep, out,
					       err);
	free(data);
	return st;
}

pk_status pk_registry_import(const char *path, pk_format fmt,
			     pk_registry **out, pk_error *err)
{
	return pk_registry_import_ex(path, fmt, NULL, out, err);
}
