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
 *   lookup_only dump             what the conformance test compares with
 *                                IANA's XML: every record pk_lookup_port
 *                                finds at its first port (0-65535), then
 *                                for each name read from stdin (one a
 *                                line) what pk_lookup_name finds; lines
 *                                "QUERY<TAB>NAME<TAB>PORTS<TAB>PROTO<TAB>
 *                                KIND<TAB>HISTORIC-ALIAS-OF<TAB>ORIGIN", QUERY
 *                                "=" for the port walk, "-" for absent
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

static const char *const kinds[] = { "assigned", "reserved", "unassigned",
				     "deregistered", "other" };
static const char *const origins[] = { "iana", "services", "supplement", "unofficial" };

static void dump_record(const pk_registry *reg, const char *query, pk_recid id)
{
	pk_record r;
	char ports[16] = "-";

	if (pk_record_get(reg, id, &r, NULL) != PK_OK)
		return;
	if (r.has_port && r.port_lo == r.port_hi)
		snprintf(ports, sizeof ports, "%u", (unsigned)r.port_lo);
	else if (r.has_port)
		snprintf(ports, sizeof ports, "%u-%u", (unsigned)r.port_lo, (unsigned)r.port_hi);
	printf("%s\t%s\t%s\t%s\t%s\t%s\t%s\n", query, r.name ? r.name : "-", ports,
	       r.proto == PK_PROTO_NONE ? "-" : pk_proto_name(r.proto),
	       (unsigned)r.kind < 5 ? kinds[r.kind] : "?",
	       !(r.flags & PK_RECFLAG_HISTORIC) ? "-" : r.alias_of[0] ? r.alias_of : "*",
	       (unsigned)r.origin < 4 ? origins[r.origin] : "other");
}

static int dump(const pk_registry *reg)
{
	static pk_recid ids[CAP];
	char line[1024];

	for (unsigned p = 0; p <= 65535; p++) {
		size_t n = pk_lookup_port(reg, (uint16_t)p, 0, ids, CAP);
		if (n > CAP)
			return 3;
		for (size_t i = 0; i < n; i++) {
			pk_record r;
			if (pk_record_get(reg, ids[i], &r, NULL) == PK_OK && r.port_lo == p)
				dump_record(reg, "=", ids[i]);
		}
	}
	while (fgets(line, sizeof line, stdin) != NULL) {
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] == '\0')
			continue;
		size_t n = pk_lookup_name(reg, line, 0, ids, CAP);
		if (n > CAP)
			return 3;
		for (size_t i = 0; i < n; i++)
			dump_record(reg, line, ids[i]);
	}
	return fflush(stdout) == 0 ? 0 : 3;
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
				"use PORT PROTO | verify FILE | dump\n");
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
	} else if (strcmp(argv[1], "dump") == 0 && argc == 2) {
		rc = dump(reg);
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
