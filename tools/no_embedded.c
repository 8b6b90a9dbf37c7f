/* no_embedded.c - an empty embedded snapshot, for the programs that must
 * not depend on one: tools/mkindex (which builds it) and the unit tests.
 * pk_registry_open_embedded() reports PK_NOTFOUND when it is linked. */
#include "registry/registry_internal.h"

const unsigned char pk__embedded_index[1] = { 0 };
const size_t pk__embedded_index_size = 0;
/* An empty application catalog (lib/apps). */
const unsigned char pk__embedded_apps[1] = { 0 };
const size_t pk__embedded_apps_size = 0;
