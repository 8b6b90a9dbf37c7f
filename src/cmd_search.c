/* cmd_search.c - `portkit search WORD...`: records whose name, aliases or
 * description contain every word (case-insensitive); exact name matches
 * first, then name prefixes, then the rest by port (pk_search). */
#include <getopt.h> /* optind */
#include <stdlib.h>
#include <string.h>

#include "records.h"

/* A word longer than any name or description cannot match; refusing it
 * keeps a pasted blob from being scanned against every record. */
#define WORD_MAX_LEN 256

static int print_json(const pk_registry *reg, char **words, int nwords,
		      unsigned mask, const pk_recid *ids, size_t n)
{
	json_t *root = json_object();
	json_t *jw = json_array();
	json_t *recs = json_array();
	bool ok = root != NULL && jw != NULL && recs != NULL;

	for (int i = 0; ok && i < nwords; i++)
		ok = json_array_append_new(jw, json_string(words[i])) == 0;
	for (size_t i = 0; ok && i < n; i++)
		ok = json_array_append_new(recs, rec_to_json(reg, ids[i])) == 0;
	ok = ok && json_object_set_new(root, "registry", rec_registry_json(reg)) == 0;
	ok = ok && json_object_set(root, "words", jw) == 0;
	ok = ok && json_object_set_new(root, "protocols", rec_protos_json(mask)) == 0;
	ok = ok && json_object_set_new(root, "count", json_integer((json_int_t)n)) == 0;
	ok = ok && json_object_set(root, "records", recs) == 0;
	json_decref(jw);
	json_decref(recs);
	return cli_json_finish(root, ok);
}

int cmd_search(int argc, char **argv, cli_ctx *ctx); /* for main.c */

int cmd_search(int argc, char **argv, cli_ctx *ctx)
{
	pk_registry *reg = NULL;
	pk_recid *ids = NULL;
	size_t n = 0;
	int rc = cli_parse_options(argc, argv, ctx,
				   "usage: portkit search [OPTIONS] WORD...\n"
				   "Records whose name, aliases or description contain every word.\n");

	if (rc >= 0)
		return rc;
	int nwords = argc - optind;
	char **words = argv + optind;
	if (nwords == 0) {
		cli_error("nothing to search for: expected one or more words");
		return EXIT_USAGE;
	}
	for (int i = 0; i < nwords; i++) {
		size_t len = strlen(words[i]);
		if (len == 0) {
			cli_error("invalid search word '': expected a non-empty word");
			return EXIT_USAGE;
		}
		if (len > WORD_MAX_LEN) {
			cli_error("invalid search word '%.40s...' (%zu bytes): expected at most %d bytes",
				  words[i], len, WORD_MAX_LEN);
			return EXIT_USAGE;
		}
	}
	rc = cli_open_registry(ctx, &reg);
	if (rc != 0)
		return rc;
	rec_query q = { .type = REC_Q_SEARCH,
			.words = (const char *const *)words,
			.nwords = (size_t)nwords,
			.protomask = rec_protomask(0, ctx->protomask) };
	rc = rec_collect(reg, &q, &ids, &n);
	if (rc != 0)
		goto out;
	if (ctx->json)
		rc = print_json(reg, words, nwords, ctx->protomask, ids, n);
	else if (n > 0)
		rc = rec_print_list(ctx, reg, ids, n);
	if (rc == 0 && n == 0) {
		if (!ctx->json)
			cli_error("no record matches every word");
		rc = EXIT_NOTFOUND;
	}
out:
	free(ids);
	pk_registry_close(reg);
	return rc;
}
