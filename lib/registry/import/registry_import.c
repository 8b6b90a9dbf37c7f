/* registry_import.c - a registry straight from a source file: parse into
 * a builder (the importers of this folder), compile the index in memory,
 * validate it, use it.  Above lib/registry: the registry never imports. */
#include <stdlib.h>

#include "registry/index.h"

pk_status pk_registry_import_mem(const char *data, size_t len, pk_format fmt,
				 const char *label, pk_registry **out,
				 pk_error *err)
{
	const char *l = label && label[0] ? label : "input";
	pk_builder *b = NULL;
	void *idx = NULL;
	size_t idx_len = 0;
	pk_status st;

	*out = NULL;
	if (fmt == PK_FORMAT_INDEX) {
		st = pk__error_set(err, PK_INVAL, "%s: a compiled index is opened, not "
				  "imported", l);
		goto out;
	}
	b = pk__builder_new();
	if (b == NULL) {
		st = pk__error_set(err, PK_NOMEM, "%s: %s", l, pk_strerror(PK_NOMEM));
		goto out;
	}
	if ((st = pk__import(b, fmt, data, len, l, err)) != PK_OK ||
	    (st = pk__builder_finish(b, &idx, &idx_len, err)) != PK_OK)
		goto out;
	/* Just built here: the checksum cannot be wrong, the rest is checked. */
	st = pk__registry_from_index(idx, idx_len, PK_MEM_HEAP, true, l, out, err);
	if (st == PK_OK)
		idx = NULL;
out:
	free(idx);
	pk__builder_free(b);
	return st;
}

pk_status pk_registry_import(const char *path, pk_format fmt,
			     pk_registry **out, pk_error *err)
{
	char *data = NULL;
	size_t len = 0;
	pk_status st;

	*out = NULL;
	st = pk__read_file(path, PK_IMPORT_MAX_BYTES, &data, &len, err);
	if (st == PK_OK)
		st = pk_registry_import_mem(data, len, fmt, path, out, err);
	free(data);
	return st;
}
