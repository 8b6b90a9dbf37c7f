/* records.h - jansson forms of registry records for the subcommands that
 * lib/render does not render yet (advise, audit, update). */
#ifndef PK_CLI_RECORDS_H
#define PK_CLI_RECORDS_H

#include <jansson.h>

#include "cli.h"

/* The record object of docs/json.md; NULL on no memory. */
json_t *rec_to_json(const pk_registry *reg, pk_recid id);
/* {"source", "updated", "origin"}: where the answers come from. */
json_t *rec_registry_json(const pk_registry *reg);
/* "14533 (tcp 6100, udp 6050, sctp 91, dccp 10, no transport 282)" */
void rec_counts_text(const pk_registry_info *info, char *buf, size_t size);
/* {"tcp": N, "udp": N, "sctp": N, "dccp": N, "none": N} */
json_t *rec_counts_json(const pk_registry_info *info);
/* "tcp" style names of the transports in mask, as a JSON array. */
json_t *rec_protos_json(unsigned mask);

#endif /* PK_CLI_RECORDS_H */
