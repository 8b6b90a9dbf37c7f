/* fuzz_input.h - what the importer fuzz targets share: an importer's
 * contract wants data[len] == '\0', and whatever it accepts must compile
 * to an index that validates and can be read in full. */
#ifndef FUZZ_INPUT_H
#define FUZZ_INPUT_H

#include <stdlib.h>
#include <string.h>

#include "exercise_registry.h"
#include "registry/registry_internal.h"

typedef pk_status (*fuzz_importer)(pk_builder *b, const char *data,
				   size_t len, const char *label,
				   pk_error *err);

static void fuzz_import(fuzz_importer import, const uint8_t *data,
			size_t size)
{
	char *copy = malloc(size + 1);
	/* A fixed key: a crash input replays with the same tables. */
	static const pk_sipkey key = { 0x0123456789abcdefull, 0xfedcba9876543210ull };
	pk_builder *b = pk__builder_new_keyed(&key);
	pk_registry *reg = NULL;
	void *idx = NULL;
	size_t len = 0;
	pk_error err;

	if (copy == NULL || b == NULL)
		abort();
	if (size > 0)
		memcpy(copy, data, size);
	copy[size] = '\0';
	if (import(b, copy, size, "fuzz", &err) == PK_OK) {
		if (pk__builder_finish(b, &idx, &len, &err) != PK_OK)
			abort(); /* an accepted input must compile */
		if (pk__registry_from_index(idx, len, PK_MEM_HEAP, false, "fuzz",
					   &reg, &err) != PK_OK)
			abort(); /* and validate */
		exercise_registry(reg);
		pk_registry_close(reg);
	} else if (strncmp(err.message, "fuzz:", 5) != 0) {
		abort(); /* every message names the input and a line */
	}
	pk__builder_free(b);
	free(copy);
}

#endif
