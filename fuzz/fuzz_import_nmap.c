/* fuzz_import_nmap.c - pk__import_nmap (nmap-services) on any bytes: no
 * crash, no leak, an accepted input gives a valid index (fuzz_input.h);
 * with a report (bad lines skipped), the popularity table is ordered and
 * ranked consistently. */
#include "fuzz_input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	pk_import_report *rep = NULL;
	pk_registry *reg = NULL;
	pk_error err;

	fuzz_import(pk__import_nmap, data, size);
	if (pk_import_report_new(0, &rep, NULL) != PK_OK)
		abort();
	if (pk_registry_import_mem_ex((const char *)data, size, PK_FORMAT_NMAP,
				      "fuzz", rep, &reg, &err) == PK_OK) {
		size_t top[8];
		size_t total = pk_popularity_top(reg, 0, top, 8);
		uint32_t prev = UINT32_MAX;
		if (total != pk_popularity_count(reg))
			abort();
		for (size_t i = 0; i < total && i < 8; i++) {
			uint16_t port;
			pk_proto proto;
			uint32_t ppm, again;
			if (!pk_popularity_get(reg, top[i], &port, &proto, &ppm) ||
			    ppm > 1000000u || ppm > prev ||
			    !pk_port_popularity(reg, port, proto, &again) || again != ppm)
				abort();
			prev = ppm;
		}
		pk_registry_close(reg);
	} else if (strncmp(err.message, "fuzz", 4) != 0) {
		abort();
	}
	for (size_t i = 0; i < pk_import_report_kept(rep); i++) {
		const char *file;
		if (pk_import_report_warning(rep, i, &file, NULL) == NULL ||
		    strcmp(file, "fuzz") != 0)
			abort();
	}
	pk_import_report_free(rep);
	return 0;
}
