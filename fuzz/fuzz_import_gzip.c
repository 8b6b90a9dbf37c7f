/* fuzz_import_gzip.c - gzip input (pk_registry_import_mem_ex, zlib): the
 * bytes as they are (seeds are .gz files of the importers' test data),
 * and the same bytes as the deflate stream behind a fixed gzip header, so
 * that zlib's inflate and the importer behind it see damaged streams, not
 * only damaged headers.  No crash, no leak; an accepted input is a
 * registry that can be read in full; a refusal names the input. */
#include "fuzz_input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void one(const char *data, size_t size)
{
	pk_import_report *rep = NULL;
	pk_registry *reg = NULL;
	pk_error err;

	if (pk_import_report_new(0, &rep, NULL) != PK_OK)
		abort();
	if (pk_registry_import_mem_ex(data, size, PK_FORMAT_AUTO, "fuzz", rep,
				      &reg, &err) == PK_OK) {
		exercise_registry(reg);
		pk_registry_close(reg);
	} else if (strncmp(err.message, "fuzz", 4) != 0) {
		abort();
	}
	pk_import_report_free(rep);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned char header[10] = { 0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3 };
	char *buf = malloc(sizeof header + size + 1);

	if (buf == NULL)
		abort();
	memcpy(buf, data, size);
	buf[size] = '\0';
	one(buf, size);
	memcpy(buf, header, sizeof header);
	memcpy(buf + sizeof header, data, size);
	buf[sizeof header + size] = '\0';
	one(buf, sizeof header + size);
	free(buf);
	return 0;
}
