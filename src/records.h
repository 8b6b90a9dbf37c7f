/* records.h - jansson forms of registry records for the subcommands that
 * lib/render does not render yet (advise, audit). */
#ifndef PK_CLI_RECORDS_H
#define PK_CLI_RECORDS_H

#include <jansson.h>

#include "cli.h"

/* The record object of docs/json.md; NULL on no memory. */
json_t *rec_to_json(const pk_registry *reg, pk_recid id);
/* "tcp" style names of the transports in mask, as a JSON array. */
json_t *rec_protos_json(unsigned mask);

#endif /* PK_CLI_RECORDS_H */
