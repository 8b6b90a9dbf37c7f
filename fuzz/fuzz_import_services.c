/* fuzz_import_services.c - pk__import_services on any bytes: no crash, no leak, and
 * an accepted input gives a valid index (fuzz_input.h). */
#include "fuzz_input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_import(pk__import_services, data, size);
	return 0;
}
