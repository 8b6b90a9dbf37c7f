/* records.h - showing registry records: the aligned table every lookup
 * prints, the --long blocks and the --json objects (docs/json.md).  Shared
 * by the lookup, search and range subcommands. */
#ifndef PK_CLI_RECORDS_H
#define PK_CLI_RECORDS_H

#include <jansson.h>

#include "cli.h"

/* The table columns of a record list. */
enum { REC_COLS = 5 };
extern const char *const rec_table_header[REC_COLS];

/* "iana", "services", "supplement", "unofficial": the JSON names. */
const char *rec_origin_name(pk_rec_origin origin);

/* Adds one row for record id (PORT PROTO CLASS NAME DESCRIPTION).
 * Returns -1 on no memory. */
int rec_table_add(cli_table *t, const pk_registry *reg, pk_recid id);

/* "System", "User", "Dynamic/Private", or "System..User" for a range that
 * spans classes. */
void rec_class_text(uint16_t lo, uint16_t hi, char *buf, size_t size);

/* Prints every field of a record as a block of "label: value" lines. */
int rec_print_long(FILE *out, const pk_registry *reg, pk_recid id,
		   const cli_ctx *ctx);

/* The record as a JSON object (every field, see docs/json.md); NULL on no
 * memory. */
json_t *rec_to_json(const pk_registry *reg, pk_recid id);

/* {"source", "updated", "origin"}: where the answers come from. */
json_t *rec_registry_json(const pk_registry *reg);

/* The RFC 6335 classes [lo, hi] touches, as a JSON array of names. */
json_t *rec_classes_json(uint16_t lo, uint16_t hi);

/* "14533 (tcp 6100, udp 6050, sctp 91, dccp 10, no transport 282)" */
void rec_counts_text(const pk_registry_info *info, char *buf, size_t size);

/* {"tcp": N, "udp": N, "sctp": N, "dccp": N, "none": N} */
json_t *rec_counts_json(const pk_registry_info *info);

/* "tcp" style names of the transports in mask, as a JSON array. */
json_t *rec_protos_json(unsigned mask);

/* Prints the ids as a table, --long blocks, or nothing for JSON (the
 * caller builds that), depending on ctx.  Returns 0, or EXIT_DATA. */
int rec_print_list(const cli_ctx *ctx, const pk_registry *reg,
		   const pk_recid *ids, size_t n);

/* A lookup of one kind; rec_collect() returns every matching id. */
typedef enum rec_query_type {
	REC_Q_PORTS = 0, /* lo..hi: pk_lookup_port or pk_lookup_range */
	REC_Q_NAME = 1,
	REC_Q_SEARCH = 2
} rec_query_type;

typedef struct rec_query {
	rec_query_type type;
	uint16_t lo, hi;
	const char *name;
	const char *const *words;
	size_t nwords;
	unsigned protomask; /* PK_PROTOMASK bits */
} rec_query;

/* The lookup mask for an argument's own transports ("53/udp") and
 * --proto: both given means both must hold (0 when that leaves none); no
 * transport at all means every one.  Records that name no transport apply
 * to every transport, so they always match. */
unsigned rec_protomask(unsigned own, unsigned option);

/* Stores a malloc'd array of the ids in *ids (NULL when none) and their
 * number in *n.  Returns 0, or EXIT_DATA (after a message) on no memory. */
int rec_collect(const pk_registry *reg, const rec_query *q, pk_recid **ids,
		size_t *n);

#endif /* PK_CLI_RECORDS_H */
