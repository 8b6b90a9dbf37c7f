/* helper_regfix.h - a registry fixture built through the builder API (the
 * unit tests link no importer), and helpers to compare lookup results
 * with expectations written by hand as "name/proto/port" lists. */
#ifndef HELPER_REGFIX_H
#define HELPER_REGFIX_H

#include <stddef.h>

#include "registry/registry_internal.h"

/* The fixture: 38 records with every pitfall of the real registry; see
 * helper_regfix.c for the list.  Fails the test on any error. */
pk_builder *regfix_builder(void);
/* The same with a chosen hash key (NULL: random, as regfix_builder). */
pk_builder *regfix_builder_keyed(const pk_sipkey *key);
/* regfix_builder() compiled to an index (malloc'd, caller frees). */
void *regfix_index(size_t *len);
/* The fixture as a registry over a heap index. */
pk_registry *regfix_registry(void);
/* An index of any builder (fails the test on error). */
void *regfix_finish(const pk_builder *b, size_t *len);
pk_registry *regfix_open(const pk_builder *b);

/* "name/proto/lo[-hi]": "#reserved" etc. for nameless records, "-" for no
 * transport or no port.  buf holds at least 128 bytes. */
const char *regfix_describe(const pk_registry *reg, pk_recid id, char *buf);
/* The space-separated descriptions of ids[0..n) (static buffer). */
const char *regfix_list(const pk_registry *reg, const pk_recid *ids, size_t n);

/* Lookup wrappers returning regfix_list() of all results, and checking
 * that the total agrees with a capped call. */
const char *regfix_port(const pk_registry *reg, unsigned port, unsigned mask);
const char *regfix_name(const pk_registry *reg, const char *name, unsigned mask);
const char *regfix_range(const pk_registry *reg, unsigned lo, unsigned hi,
			 unsigned mask);
const char *regfix_search(const pk_registry *reg, const char *words,
			  unsigned mask);

/* A temporary directory (created; removed with regfix_rmtree). */
char *regfix_tmpdir(void);
void regfix_rmtree(const char *dir);
/* The number of entries in dir but "." files (fails the test if it cannot
 * be read): what an atomic save leaves behind. */
size_t regfix_count_entries(const char *dir);

#endif
