/* fuzz_expect.c - the expected-services config parser (one "SPEC [LABEL]"
 * per line, comments) as `portkit audit --config` reads it. */
#include <stdlib.h>
#include <string.h>

#include "portkit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	pk_expect_list *l;
	pk_error err;

	if (pk_expect_list_new(&l, NULL) != PK_OK)
		return 0;
	/* The reader NUL-terminates what it reads; so does this copy. */
	char *text = malloc(size + 1);
	if (text != NULL) {
		memcpy(text, data, size);
		text[size] = '\0';
		if (pk_expect_load_mem(l, text, size, "fuzz.conf", &err) == PK_OK) {
			for (size_t i = 0; i < pk_expect_count(l); i++) {
				const pk_expect *e = pk_expect_get(l, i);
				if (e->lo == 0 || e->lo > e->hi || strlen(e->origin) == 0)
					abort();
			}
		} else if (strncmp(err.message, "fuzz.conf:", 10) != 0) {
			abort(); /* every error names file:line */
		}
	}
	free(text);
	pk_expect_list_free(l);
	return 0;
}
