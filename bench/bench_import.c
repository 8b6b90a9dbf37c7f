/*
 * bench_import.c - how long importing IANA's registry takes, next to
 * baselines measured in the same run:
 *   - expat alone parsing the XML with empty handlers (the floor for any
 *     expat-based importer);
 *   - Python's xml.etree.ElementTree.parse on the same file, when python3
 *     is installed (the reference point the import was measured
 *     against, "about 78 ms").
 * Reads $PK_IANA_DIR/service-names-port-numbers.{xml,csv}; says SKIP
 * without them.  nmap's nmap-services (Debian's nmap-common, read where
 * it is installed, $PK_NMAP_SERVICES overriding) is timed in the same runs
 * when it is there.  PK_BENCH_RUNS sets the number of runs (default 15); the
 * table shows medians.
 */
#include <expat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "registry/registry_internal.h"
#include "bench.h"

static void XMLCALL on_start(void *ud, const XML_Char *name,
			     const XML_Char **atts)
{
	(void)ud;
	(void)name;
	(void)atts;
}

static void XMLCALL on_end(void *ud, const XML_Char *name)
{
	(void)ud;
	(void)name;
}

static void XMLCALL on_text(void *ud, const XML_Char *s, int len)
{
	(void)ud;
	(void)s;
	(void)len;
}

static double expat_only(const char *data, size_t len)
{
	double t0 = bench_now_ms();
	XML_Parser p = XML_ParserCreate("UTF-8");

	XML_SetElementHandler(p, on_start, on_end);
	XML_SetCharacterDataHandler(p, on_text);
	if (XML_Parse(p, data, (int)len, 1) == XML_STATUS_ERROR) {
		fprintf(stderr, "bench_import: expat: %s\n",
			XML_ErrorString(XML_GetErrorCode(p)));
		exit(3);
	}
	XML_ParserFree(p);
	return bench_now_ms() - t0;
}

/* Import + finish; *import_ms receives the import part. */
static double import_finish(pk_format fmt, const char *data, size_t len,
			    double *import_ms)
{
	pk_builder *b = pk__builder_new();
	void *idx = NULL;
	size_t idx_len = 0;
	pk_error err;
	double t0, t1;

	if (b == NULL)
		exit(3);
	t0 = bench_now_ms();
	if (pk__import(b, fmt, data, len, "bench", &err) != PK_OK) {
		fprintf(stderr, "bench_import: %s\n", err.message);
		exit(3);
	}
	t1 = bench_now_ms();
	if (pk__builder_finish(b, &idx, &idx_len, &err) != PK_OK) {
		fprintf(stderr, "bench_import: %s\n", err.message);
		exit(3);
	}
	*import_ms = t1 - t0;
	t1 = bench_now_ms() - t0;
	free(idx);
	pk__builder_free(b);
	return t1;
}

/* The median of python3's own timing of ElementTree.parse, -1 without
 * python3. */
static double python_etree(const char *path, int runs)
{
	char cmd[8192];
	double ms = -1;
	FILE *p;

	snprintf(cmd, sizeof cmd,
		 "python3 -c 'import sys,time,statistics,xml.etree.ElementTree as E\n"
		 "t=[]\n"
		 "for i in range(%d):\n"
		 "  a=time.perf_counter(); E.parse(sys.argv[1]); t.append((time.perf_counter()-a)*1e3)\n"
		 "print(statistics.median(t))' '%s' 2>/dev/null",
		 runs, path);
	p = popen(cmd, "r");
	if (p == NULL)
		return -1;
	if (fscanf(p, "%lf", &ms) != 1)
		ms = -1;
	pclose(p);
	return ms;
}

static char *load(const char *dir, const char *file, size_t *len, char *path,
		  size_t pathsize)
{
	char *data = NULL;
	pk_error err;

	snprintf(path, pathsize, "%s/%s", dir, file);
	if (pk__read_file(path, PK_IMPORT_MAX_BYTES, &data, len, &err) != PK_OK)
		return NULL;
	return data;
}

int main(void)
{
	const char *dir = getenv("PK_IANA_DIR");
	const char *r = getenv("PK_BENCH_RUNS");
	int runs = r != NULL ? atoi(r) : 15;
	char xml_path[4096], csv_path[4096];
	size_t xml_len = 0, csv_len = 0, nmap_len = 0;
	char *xml, *csv, *nmap = NULL;
	double *base, *xml_t, *xml_i, *csv_t, *csv_i, *nmap_t, *nmap_i;
	double mb, mx, mxi, mc, mci, mn = -1, mni = -1, py;
	const char *nmap_path = getenv("PK_NMAP_SERVICES");
	pk_error nerr;

	if (runs < 1 || runs > 1000)
		runs = 15;
	if (dir == NULL || dir[0] == '\0' ||
	    (xml = load(dir, "service-names-port-numbers.xml", &xml_len,
			xml_path, sizeof xml_path)) == NULL) {
		printf("SKIP: bench_import: no $PK_IANA_DIR/service-names-port-numbers.xml\n");
		return 0;
	}
	csv = load(dir, "service-names-port-numbers.csv", &csv_len, csv_path,
		   sizeof csv_path);
	base = calloc((size_t)runs, sizeof *base);
	xml_t = calloc((size_t)runs, sizeof *xml_t);
	xml_i = calloc((size_t)runs, sizeof *xml_i);
	csv_t = calloc((size_t)runs, sizeof *csv_t);
	csv_i = calloc((size_t)runs, sizeof *csv_i);
	nmap_t = calloc((size_t)runs, sizeof *nmap_t);
	nmap_i = calloc((size_t)runs, sizeof *nmap_i);
	if (!base || !xml_t || !xml_i || !csv_t || !csv_i || !nmap_t || !nmap_i)
		return 3;
	if (nmap_path == NULL || nmap_path[0] == '\0')
		nmap_path = "/usr/share/nmap/nmap-services";
	if (pk__read_file(nmap_path, PK_IMPORT_MAX_BYTES, &nmap, &nmap_len, &nerr) != PK_OK)
		nmap = NULL;

	/* One untimed round to fault the pages in, then interleaved runs so
	 * that a busy moment of the machine hits every column alike. */
	expat_only(xml, xml_len);
	import_finish(PK_FORMAT_XML, xml, xml_len, &mxi);
	for (int i = 0; i < runs; i++) {
		base[i] = expat_only(xml, xml_len);
		xml_t[i] = import_finish(PK_FORMAT_XML, xml, xml_len, &xml_i[i]);
		if (csv != NULL)
			csv_t[i] = import_finish(PK_FORMAT_CSV, csv, csv_len, &csv_i[i]);
		if (nmap != NULL)
			nmap_t[i] = import_finish(PK_FORMAT_NMAP, nmap, nmap_len, &nmap_i[i]);
	}
	if (nmap != NULL) {
		mn = bench_median(nmap_t, runs);
		mni = bench_median(nmap_i, runs);
	}
	mb = bench_median(base, runs);
	mx = bench_median(xml_t, runs);
	mxi = bench_median(xml_i, runs);
	mc = csv != NULL ? bench_median(csv_t, runs) : -1;
	mci = csv != NULL ? bench_median(csv_i, runs) : -1;
	py = python_etree(xml_path, runs < 5 ? runs : 5);

	printf("import: IANA registry, %s (%zu bytes), median of %d runs\n",
	       xml_path, xml_len, runs);
	printf("  %-44s %9s %9s\n", "what", "ms", "x expat");
	printf("  %-44s %9.2f %9.2f\n", "baseline: expat parse, empty handlers", mb, 1.0);
	if (py >= 0)
		printf("  %-44s %9.2f %9.2f\n", "baseline: python3 ElementTree.parse", py, py / mb);
	else
		printf("  %-44s %9s %9s\n", "baseline: python3 ElementTree.parse", "n/a", "n/a");
	printf("  %-44s %9.2f %9.2f\n", "XML import (pk__import_xml)", mxi, mxi / mb);
	printf("  %-44s %9.2f %9.2f\n", "XML import + pk__builder_finish", mx, mx / mb);
	if (csv != NULL) {
		printf("  %-44s %9.2f %9.2f\n", "CSV import (pk__import_csv)", mci, mci / mb);
		printf("  %-44s %9.2f %9.2f\n", "CSV import + pk__builder_finish", mc, mc / mb);
	}
	if (nmap != NULL) {
		printf("  %-44s %9.2f %9.2f\n", "nmap-services import (pk__import_nmap)", mni, mni / mb);
		printf("  %-44s %9.2f %9.2f\n", "nmap-services import + pk__builder_finish", mn, mn / mb);
		printf("  (nmap-services: %s, %zu bytes)\n", nmap_path, nmap_len);
	} else {
		printf("  %-44s %9s %9s\n", "nmap-services import", "n/a", "n/a");
	}
	if (py >= 0)
		printf("  XML import + finish vs ElementTree parse: %.2fx the time\n",
		       mx / py);
	printf("  target XML import + finish <= 40 ms: %s (%.2f ms)\n",
	       mx <= 40.0 ? "met" : "NOT met", mx);
	free(base);
	free(xml_t);
	free(xml_i);
	free(csv_t);
	free(nmap_t);
	free(nmap_i);
	free(nmap);
	free(csv_i);
	free(xml);
	free(csv);
	return 0;
}
