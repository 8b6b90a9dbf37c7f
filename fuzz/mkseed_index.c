/* mkseed_index.c - writes the seed indexes of fuzz_index into DIR. */
#include <stdio.h>
#include <stdlib.h>

#include "seed_registry.h"

int main(int argc, char **argv)
{
	int rc = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: mkseed_index DIR\n");
		return 2;
	}
	for (int which = 0; which < 3; which++) {
		pk_builder *b = seed_registry(which);
		void *data = NULL;
		size_t len = 0;
		char path[4096];
		pk_error err;

		if (b == NULL || pk__builder_finish(b, &data, &len, &err) != PK_OK) {
			fprintf(stderr, "mkseed_index: cannot build seed %d\n", which);
			return 1;
		}
		snprintf(path, sizeof path, "%s/seed%d.idx", argv[1], which);
		FILE *f = fopen(path, "wb");
		if (f == NULL || fwrite(data, 1, len, f) != len || fclose(f) != 0) {
			perror(path);
			rc = 1;
		}
		free(data);
		pk__builder_free(b);
	}
	return rc;
}
