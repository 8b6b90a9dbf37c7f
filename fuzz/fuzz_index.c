/* fuzz_index.c - the compiled index reader, two ways per input:
 *
 *  1. the bytes as an index: pk_registry_open_mem (the public path,
 *     checksum first), and the validator with the checksum skipped (the
 *     embedded snapshot's path), so that mutations reach every check;
 *  2. the bytes as patches to a valid index: 5 bytes each, a 32-bit
 *     offset and a byte to XOR there.  Random bytes almost never pass the
 *     structural checks; a few flipped bytes in a real index do, and then
 *     the lookups run over subtly wrong data.
 *
 * Whatever opens is exercised in full (every accessor and lookup). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "exercise_registry.h"
#include "seed_registry.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static void *base;
static size_t base_len;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	pk_builder *b = seed_registry(2);

	(void)argc;
	(void)argv;
	if (b == NULL || pk__builder_finish(b, &base, &base_len, NULL) != PK_OK)
		abort();
	pk__builder_free(b);
	return 0;
}

/* Validates copy (malloc'd, len bytes) without the checksum; frees it. */
static void open_trusted(void *copy, size_t len)
{
	pk_registry *reg = NULL;
	pk_error err;

	if (pk__registry_from_index(copy, len, PK_MEM_HEAP, true, "fuzz", &reg, &err) == PK_OK) {
		(void)exercise_registry(reg);
		pk_registry_close(reg); /* frees copy */
		return;
	}
	if (err.message[0] == '\0' ||
	    (err.status != PK_CORRUPT && err.status != PK_VERSION))
		abort(); /* a failure always says why */
	free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	pk_registry *reg = NULL;
	pk_error err;

	if (pk_registry_open_mem(data, size, &reg, &err) == PK_OK) {
		(void)exercise_registry(reg);
		pk_registry_close(reg);
	}
	/* Exactly size bytes, so ASan sees any read past the end. */
	void *copy = malloc(size ? size : 1);
	if (copy == NULL)
		return 0;
	if (size > 0)
		memcpy(copy, data, size);
	open_trusted(copy, size);

	unsigned char *patched = malloc(base_len);
	if (patched == NULL)
		return 0;
	memcpy(patched, base, base_len);
	for (size_t i = 0; i + 5 <= size && i < 5 * 64; i += 5) {
		uint32_t off;
		memcpy(&off, data + i, 4);
		patched[off % base_len] ^= data[i + 4];
	}
	open_trusted(patched, base_len);
	return 0;
}
