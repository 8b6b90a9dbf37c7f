/* lookup_only - a small front end built from libportkit-lookup.a alone
 * (linked whole, with nothing but libc: see the Makefile), as the NSS
 * module will be.  It answers from the embedded snapshot:
 *
 *   lookup_only ARG...           each ARG in the lookup grammar
 *                                (pk_query_parse: a port, a range,
 *                                PORT/PROTO, a name, NAME/PROTO): one line
 *                                per record, "PORT[-HI] PROTO NAME" (proto
 *                                "-" when none)
 *   lookup_only search WORD...   records with every word, same lines
 *   lookup_only use PORT PROTO   the port-use state over every origin
 *                                ("assigned", ...), then the records that
 *                                decide it, as above
 *   lookup_only verify FILE      writes the snapshot to FILE and opens it
 *                                again, checksum and every structure checked
 *
 * Exit status: 0, 1 when an argument found nothing, 2 on bad usage or an
 * argument the grammar refuses, 3 when the registry fails. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "portkit.h"

#define CAP 4096

static void print(const pk_registry *reg, const pk_recid *ids, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		pk_record r;
		if (pk_record_get(reg, ids[i], &r, NULL) != PK_OK)
			continue;
		if (r.port_lo == r.port_hi)
			printf("%u", (unsigned)r.port_lo);
		else
			printf("%u-%u", (unsigned)r.port_lo, (unsigned)r.port_hi);
		printf(" %s %s\n", r.proto == PK_PROTO_NONE ? "-" : pk_proto_name(r.proto),
		       r.name ? r.name : "-");
	}
}

static int lookup(const pk_registry *reg, const char *arg)
{
	pk_query *q = NULL;
	pk_error err;
	size_t n = 0;
	int rc;

	if (pk_query_parse(arg, 0, &q, &err) != PK_OK) {
		fprintf(stderr, "lookup_only: %s\n", err.message);
		return 2;
	}
	if (pk_query_run(reg, q, &err) != PK_OK) {
		fprintf(stderr, "lookup_only: %s\n", err.message);
		rc = 3;
	} else {
		const pk_recid *ids = pk_query_records(q, &n);
		print(reg, ids, n);
		rc = pk_query_found(q) ? 0 : 1;
	}
	pk_query_free(q);
	return rc;
}

int main(int argc, char **argv)
{
	static pk_recid ids[CAP];
	pk_registry *reg = NULL, *again = NULL;
	pk_error err;
	int rc = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: lookup_only ARG... | search WORD... | "
				"use PORT PROTO | verify FILE\n");
		return 2;
	}
	if (pk_registry_open_embedded(&reg, &err) != PK_OK) {
		fprintf(stderr, "lookup_only: %s\n", err.message);
		return 3;
	}
	if (strcmp(argv[1], "search") == 0) {
		size_t n = pk_search(reg, (const char *const *)argv + 2,
				     (size_t)argc - 2, 0, ids, CAP);
		print(reg, ids, n < CAP ? n : CAP);
		rc = n == 0;
	} else if (strcmp(argv[1], "use") == 0 && argc == 4) {
		uint16_t port;
		pk_proto proto;
		size_t n = 0;
		if (pk_port_parse(argv[2], &port, &err) != PK_OK ||
		    pk_proto_parse(argv[3], strlen(argv[3]), &proto, &err) != PK_OK) {
			fprintf(stderr, "lookup_only: %s\n", err.message);
			rc = 2;
		} else {
			pk_port_state st = pk_port_use(reg, port, proto, PK_ORIGINMASK_ALL,
						       ids, CAP, &n);
			puts(pk_port_state_name(st));
			print(reg, ids, n < CAP ? n : CAP);
		}
	} else if (strcmp(argv[1], "verify") == 0 && argc == 3) {
		if (pk_registry_save(reg, argv[2], &err) != PK_OK ||
		    pk_registry_open_file(argv[2], &again, &err) != PK_OK) {
			fprintf(stderr, "lookup_only: %s\n", err.message);
			rc = 3;
		} else {
			printf("%u records\n", (unsigned)pk_registry_count(again));
		}
	} else {
		for (int i = 1; i < argc; i++) {
			int r = lookup(reg, argv[i]);
			if (r > rc)
				rc = r;
		}
	}
	pk_registry_close(again);
	pk_registry_close(reg);
	return rc;
}
