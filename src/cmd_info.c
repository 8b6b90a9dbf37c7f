/* cmd_info.c - `portkit info`: which registry answers, what it holds,
 * what it lacks, and how to get the full one. */
#include <getopt.h> /* optind */
#include <stdlib.h>
#include <string.h>

#include "records.h"

typedef struct stats {
	pk_registry_info info;
	uint32_t by_origin[4];
	uint32_t ranges[4]; /* range records, by origin */
	/* Names on 80/tcp by origin: shows what a one-name-per-port source
	 * leaves out. */
	char http_names[4][128];
} stats;

static const char *const origin_labels[4] = { "IANA", "services(5)",
					      "supplement (IANA ranges)",
					      "unofficial" };

static void gather(const pk_registry *reg, stats *s)
{
	memset(s, 0, sizeof *s);
	pk_registry_get_info(reg, &s->info);
	uint32_t n = pk_registry_count(reg);
	for (pk_recid id = 0; id < n; id++) {
		pk_record r;
		if (pk_record_get(reg, id, &r, NULL) != PK_OK || (unsigned)r.origin >= 4)
			continue;
		s->by_origin[r.origin]++;
		if (r.has_port && r.port_lo != r.port_hi)
			s->ranges[r.origin]++;
	}
	pk_recid ids[64];
	size_t k = pk_lookup_port(reg, 80, PK_PROTOMASK(PK_PROTO_TCP), ids, 64);
	for (size_t i = 0; i < k && i < 64; i++) {
		pk_record r;
		if (pk_record_get(reg, ids[i], &r, NULL) != PK_OK || r.name == NULL ||
		    (unsigned)r.origin >= 4 || r.port_lo != r.port_hi)
			continue;
		char *dst = s->http_names[r.origin];
		size_t used = strlen(dst);
		snprintf(dst + used, sizeof s->http_names[0] - used, "%s%s",
			 used ? ", " : "", r.name);
		for (uint32_t a = 0; a < r.alias_count; a++) {
			const char *alias = pk_record_alias(reg, ids[i], a);
			used = strlen(dst);
			if (alias != NULL)
				snprintf(dst + used, sizeof s->http_names[0] - used,
					 ", %s", alias);
		}
	}
}

/* What the registry lacks, one sentence each; returns how many. */
static size_t lacks(const stats *s, char out[][512], size_t max)
{
	size_t n = 0;
	uint32_t f = s->info.flags;

	if (!(f & PK_REGFLAG_METADATA) && n < max)
		snprintf(out[n++], 512, "assignees, contacts, registration and modification dates, references and notes");
	if (!(f & PK_REGFLAG_PEOPLE) && n < max)
		snprintf(out[n++], 512, "the people section (names, organisations, URIs)");
	if (!(f & PK_REGFLAG_FULL) && n < max) {
		if (s->ranges[PK_ORIGIN_SUPPLEMENT] > 0)
			snprintf(out[n++], 512, "IANA's port ranges, except the %u named ones of portkit's supplement (x11 6000-6063, ...); no Unassigned or Reserved ranges",
				 (unsigned)s->ranges[PK_ORIGIN_SUPPLEMENT]);
		else if (!(f & PK_REGFLAG_RANGES))
			snprintf(out[n++], 512, "port ranges");
	}
	if (!(f & PK_REGFLAG_FULL) && n < max &&
	    s->http_names[PK_ORIGIN_IANA][0] != '\0')
		snprintf(out[n++], 512, "all but one name per port and transport in IANA's part: 80/tcp is %s there%s%s%s",
			 s->http_names[PK_ORIGIN_IANA],
			 s->http_names[PK_ORIGIN_SERVICES][0] ? " (plus " : "",
			 s->http_names[PK_ORIGIN_SERVICES],
			 s->http_names[PK_ORIGIN_SERVICES][0] ? " from services(5))" : "");
	return n;
}

static int print_json(const stats *s, const char *user_path)
{
	const pk_registry_info *in = &s->info;
	json_t *root = json_object();
	json_t *protos = rec_counts_json(in);
	json_t *origins = json_object();
	json_t *flags = json_array();
	json_t *lack = json_array();
	char text[8][512];
	bool ok = root && protos && origins && flags && lack;

	static const struct { uint32_t bit; const char *name; } fl[] = {
		{ PK_REGFLAG_FULL, "full" },	     { PK_REGFLAG_RANGES, "ranges" },
		{ PK_REGFLAG_METADATA, "metadata" }, { PK_REGFLAG_PEOPLE, "people" },
		{ PK_REGFLAG_UNOFFICIAL, "unofficial" },
		{ PK_REGFLAG_EMBEDDED, "embedded" },
	};
	for (size_t i = 0; ok && i < sizeof fl / sizeof fl[0]; i++)
		if (in->flags & fl[i].bit)
			ok = json_array_append_new(flags, json_string(fl[i].name)) == 0;
	for (int o = 0; ok && o < 4; o++)
		ok = json_object_set_new(origins, rec_origin_name((pk_rec_origin)o),
					 json_integer(s->by_origin[o])) == 0;
	size_t nl = lacks(s, text, 8);
	for (size_t i = 0; ok && i < nl; i++)
		ok = json_array_append_new(lack, json_string(text[i])) == 0;
	ok = ok && json_object_set_new(root, "source", json_string(in->source)) == 0;
	ok = ok && json_object_set_new(root, "updated", json_string(in->updated)) == 0;
	ok = ok && json_object_set_new(root, "origin", json_string(in->origin)) == 0;
	ok = ok && json_object_set_new(root, "embedded",
				       json_boolean(in->flags & PK_REGFLAG_EMBEDDED)) == 0;
	ok = ok && json_object_set_new(root, "records", json_integer(in->records)) == 0;
	ok = ok && json_object_set_new(root, "names", json_integer(in->names)) == 0;
	ok = ok && json_object_set_new(root, "people", json_integer(in->people)) == 0;
	ok = ok && json_object_set(root, "by_protocol", protos) == 0;
	ok = ok && json_object_set(root, "by_origin", origins) == 0;
	ok = ok && json_object_set(root, "flags", flags) == 0;
	ok = ok && json_object_set(root, "lacks", lack) == 0;
	ok = ok && json_object_set_new(root, "user_index_path",
				       user_path ? json_string(user_path) : json_null()) == 0;
	ok = ok && json_object_set_new(root, "system_index_path",
				       json_string(PK_SYSTEM_INDEX_PATH)) == 0;
	ok = ok && json_object_set_new(root, "update_command",
				       json_string("portkit update")) == 0;
	json_decref(protos);
	json_decref(origins);
	json_decref(flags);
	json_decref(lack);
	return cli_json_finish(root, ok);
}

static int print_text(const stats *s, const char *user_path, const cli_ctx *ctx)
{
	const pk_registry_info *in = &s->info;
	cli_table *t = cli_table_new(2);
	char buf[4600]; /* room for a user index path */
	char text[8][512];
	int rc = t == NULL;
	bool embedded = in->flags & PK_REGFLAG_EMBEDDED;

	rc = rc || cli_table_add_pair(t, "registry:", in->source[0] ? in->source : "(no source recorded)");
	if (embedded)
		snprintf(buf, sizeof buf, "the snapshot built into portkit (no index file installed)");
	else
		snprintf(buf, sizeof buf, "%s", in->origin);
	rc = rc || cli_table_add_pair(t, "location:", buf);
	rc = rc || cli_table_add_pair(t, "updated:", in->updated[0] ? in->updated : "unknown");
	rec_counts_text(in, buf, sizeof buf);
	rc = rc || cli_table_add_pair(t, "records:", buf);
	size_t used = 0;
	buf[0] = '\0';
	for (int o = 0; o < 4; o++)
		if (s->by_origin[o] > 0 && used < sizeof buf)
			used += (size_t)snprintf(buf + used, sizeof buf - used, "%s%s %u",
						 used ? ", " : "", origin_labels[o],
						 (unsigned)s->by_origin[o]);
	rc = rc || cli_table_add_pair(t, "by origin:", buf);
	snprintf(buf, sizeof buf, "%u distinct service names and aliases", (unsigned)in->names);
	rc = rc || cli_table_add_pair(t, "names:", buf);
	snprintf(buf, sizeof buf, "%u", (unsigned)in->people);
	rc = rc || cli_table_add_pair(t, "people:", buf);
	size_t nl = lacks(s, text, 8);
	for (size_t i = 0; i < nl; i++)
		rc = rc || cli_table_add_pair(t, i == 0 ? "lacks:" : "", text[i]);
	if (nl == 0)
		rc = rc || cli_table_add_pair(t, "lacks:", "nothing IANA publishes");
	if (!(in->flags & PK_REGFLAG_FULL)) {
		snprintf(buf, sizeof buf, "run `portkit update`: it downloads IANA's XML registry (about 4 MB) and installs it to %s; `portkit update --file FILE` uses a copy you downloaded",
			 user_path ? user_path : "$XDG_DATA_HOME/portkit/registry.idx");
		rc = rc || cli_table_add_pair(t, "full registry:", buf);
	}
	if (rc != 0) {
		cli_table_free(t);
		cli_error("out of memory");
		return EXIT_DATA;
	}
	cli_table_print(t, stdout, ctx->width);
	cli_table_free(t);
	return 0;
}

int cmd_info(int argc, char **argv, cli_ctx *ctx); /* for main.c */

int cmd_info(int argc, char **argv, cli_ctx *ctx)
{
	pk_registry *reg = NULL;
	char user_path[4096];
	stats s;
	int rc = cli_parse_options(argc, argv, ctx,
				   "usage: portkit info [--json] [--index FILE]\n"
				   "What the active registry is, what it lacks, how to get the full one.\n");

	if (rc >= 0)
		return rc;
	if (optind < argc) {
		cli_error("unexpected argument '%.40s': info takes none", argv[optind]);
		return EXIT_USAGE;
	}
	rc = cli_open_registry(ctx, &reg);
	if (rc != 0)
		return rc;
	gather(reg, &s);
	const char *up = pk_user_index_path(user_path, sizeof user_path, NULL) == PK_OK ?
				 user_path : NULL;
	rc = ctx->json ? print_json(&s, up) : print_text(&s, up, ctx);
	pk_registry_close(reg);
	return rc;
}
