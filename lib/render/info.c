/* info.c - what a registry is: `portkit info` (its source, counts, what it
 * lacks and how to get the full one) and the summary of `portkit import`. */
#include <stdio.h>

#include "render/render_internal.h"

#define PK_STR2_(x) #x
#define PK_STR_(x) PK_STR2_(x)

#define NORIGINS 5

typedef struct stats {
	pk_registry_info info;
	uint32_t by_origin[NORIGINS];
	uint32_t ranges[NORIGINS]; /* range records, by origin */
	/* Names on 80/tcp by origin: shows what a one-name-per-port source
	 * leaves out. */
	char http_names[NORIGINS][128];
	uint32_t facts;  /* records restored from the facts file */
	uint32_t nodesc; /* IANA's named records without a description */
	bool has_age;
	int64_t age;     /* days since info.updated */
} stats;

static const char *const origin_labels[NORIGINS] = {
	"IANA", "services(5)", "supplement (IANA ranges)", "unofficial",
	"application catalog"
};

static void gather(const pk_registry *reg, int64_t now, stats *s)
{
	memset(s, 0, sizeof *s);
	pk_registry_get_info(reg, &s->info);
	s->has_age = pk_registry_age_days(reg, now, &s->age, NULL) == PK_OK;
	uint32_t n = pk_registry_count(reg);
	for (pk_recid id = 0; id < n; id++) {
		pk_record r;
		if (pk_record_get(reg, id, &r, NULL) != PK_OK || (unsigned)r.origin >= NORIGINS)
			continue;
		s->by_origin[r.origin]++;
		if (r.flags & PK_RECFLAG_FACTS)
			s->facts++;
		if (r.name != NULL && r.description[0] == '\0' &&
		    (PK_ORIGINMASK_IANA & PK_ORIGINMASK(r.origin)))
			s->nodesc++;
		if (r.has_port && r.port_lo != r.port_hi)
			s->ranges[r.origin]++;
	}
	pk_recid ids[64];
	size_t k = pk_lookup_port(reg, 80, PK_PROTOMASK(PK_PROTO_TCP), ids, 64);
	for (size_t i = 0; i < k && i < 64; i++) {
		pk_record r;
		if (pk_record_get(reg, ids[i], &r, NULL) != PK_OK || r.name == NULL ||
		    (unsigned)r.origin >= NORIGINS || r.port_lo != r.port_hi)
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

/* What a registry can lack: a code for JSON, a sentence for people. */
enum { LACK_METADATA, LACK_PEOPLE, LACK_RANGES, LACK_NAMES, LACK_TEXT, LACK_COUNT };
static const char *const lack_codes[LACK_COUNT] = { "metadata", "people",
						    "ranges", "names", "descriptions" };

static size_t lacks(const stats *s, int out[LACK_COUNT])
{
	size_t n = 0;
	uint32_t f = s->info.flags;

	if (!(f & PK_REGFLAG_METADATA))
		out[n++] = LACK_METADATA;
	if (!(f & PK_REGFLAG_PEOPLE))
		out[n++] = LACK_PEOPLE;
	/* The facts file restores every range and name of IANA's XML. */
	if (!(f & PK_REGFLAG_FULL) && s->facts == 0 &&
	    (s->ranges[PK_ORIGIN_SUPPLEMENT] > 0 || !(f & PK_REGFLAG_RANGES)))
		out[n++] = LACK_RANGES;
	if (!(f & PK_REGFLAG_FULL) && s->facts == 0 &&
	    s->http_names[PK_ORIGIN_IANA][0] != '\0')
		out[n++] = LACK_NAMES;
	if (s->nodesc > 0)
		out[n++] = LACK_TEXT;
	return n;
}

static void lack_text(const stats *s, int lack, char *buf, size_t size)
{
	switch (lack) {
	case LACK_METADATA:
		snprintf(buf, size, "assignees, contacts, registration and modification dates, references, notes, reports of unauthorized use and DCCP service codes");
		break;
	case LACK_PEOPLE:
		snprintf(buf, size, "the people section (names, organisations, URIs)");
		break;
	case LACK_RANGES:
		if (s->ranges[PK_ORIGIN_SUPPLEMENT] > 0)
			snprintf(buf, size, "IANA's port ranges, except the %u named ones of portkit's supplement (x11 6000-6063, ...); no Unassigned or Reserved ranges",
				 (unsigned)s->ranges[PK_ORIGIN_SUPPLEMENT]);
		else
			snprintf(buf, size, "port ranges");
		break;
	case LACK_TEXT:
		snprintf(buf, size, "descriptions of %u named IANA records (names portkit's facts file restores without text; `portkit update` fills them)",
			 (unsigned)s->nodesc);
		break;
	default:
		snprintf(buf, size, "all but one name per port and transport in IANA's part: 80/tcp is %s there%s%s%s",
			 s->http_names[PK_ORIGIN_IANA],
			 s->http_names[PK_ORIGIN_SERVICES][0] ? " (plus " : "",
			 s->http_names[PK_ORIGIN_SERVICES],
			 s->http_names[PK_ORIGIN_SERVICES][0] ? " from services(5))" : "");
		break;
	}
}

static void json_info(pk_render *r, const pk_registry *reg, const stats *s,
		      const char *user_path, const char *update_command)
{
	static const struct { uint32_t bit; const char *name; } fl[] = {
		{ PK_REGFLAG_FULL, "full" },	     { PK_REGFLAG_RANGES, "ranges" },
		{ PK_REGFLAG_METADATA, "metadata" }, { PK_REGFLAG_PEOPLE, "people" },
		{ PK_REGFLAG_UNOFFICIAL, "unofficial" },
		{ PK_REGFLAG_EMBEDDED, "embedded" },
	};
	const pk_registry_info *in = &s->info;
	int lack[LACK_COUNT];
	size_t nl = lacks(s, lack);

	pk__json_document_begin(r, "info");
	pk__json_registry(r, "registry", reg);
	pk__json_bool(r, "embedded", in->flags & PK_REGFLAG_EMBEDDED);
	pk__json_uint(r, "records", in->records);
	pk__json_uint(r, "names", in->names);
	pk__json_uint(r, "people", in->people);
	pk__json_proto_counts(r, "by_protocol", in);
	pk__json_object_begin(r, "by_origin");
	for (int o = 0; o < NORIGINS; o++)
		pk__json_uint(r, pk__origin_code((pk_rec_origin)o), s->by_origin[o]);
	pk__json_object_end(r);
	pk__json_array_begin(r, "flags");
	for (size_t i = 0; i < sizeof fl / sizeof fl[0]; i++)
		if (in->flags & fl[i].bit)
			pk__json_string(r, NULL, fl[i].name);
	pk__json_array_end(r);
	pk__json_array_begin(r, "lacks");
	for (size_t i = 0; i < nl; i++)
		pk__json_string(r, NULL, lack_codes[lack[i]]);
	pk__json_array_end(r);
	pk__json_uint(r, "names_without_description", s->nodesc);
	if (s->has_age)
		pk__json_int(r, "age_days", s->age);
	else
		pk__json_null(r, "age_days");
	pk__json_bool(r, "old", s->has_age && s->age > PK_REGISTRY_OLD_DAYS);
	pk__json_uint(r, "old_after_days", PK_REGISTRY_OLD_DAYS);
	pk__json_string(r, "user_index_path", user_path);
	pk__json_string(r, "system_index_path", PK_SYSTEM_INDEX_PATH);
	pk__json_string(r, "update_command", update_command);
	pk__json_object_end(r);
}

static void text_info(pk_render *r, const stats *s, const char *user_path,
		      const char *update_command)
{
	const pk_registry_info *in = &s->info;
	char buf[4600]; /* room for a user index path */
	int lack[LACK_COUNT];
	size_t nl = lacks(s, lack);
	pk_text_table *t = pk__table_new(r, 2);

	pk__table_add_pair(r, t, "registry:", in->source[0] ? in->source :
							       "(no source recorded)");
	pk__table_add_pair(r, t, "location:", in->flags & PK_REGFLAG_EMBEDDED ?
			   "the snapshot built into portkit (no index file installed)" :
			   in->origin);
	pk__table_add_pair(r, t, "updated:", in->updated[0] ? in->updated : "unknown");
	if (s->has_age) {
		bool old = s->age > PK_REGISTRY_OLD_DAYS;
		snprintf(buf, sizeof buf, "%lld days since %s%s", (long long)s->age, in->updated,
			 old ? " (old: more than " PK_STR_(PK_REGISTRY_OLD_DAYS) " days)" : "");
		pk__table_add_pair(r, t, "age:", buf);
	}
	pk__proto_counts_text(in, buf, sizeof buf);
	pk__table_add_pair(r, t, "records:", buf);
	size_t used = 0;
	buf[0] = '\0';
	for (int o = 0; o < NORIGINS; o++)
		if (s->by_origin[o] > 0 && used < sizeof buf)
			used += (size_t)snprintf(buf + used, sizeof buf - used, "%s%s %u",
						 used ? ", " : "", origin_labels[o],
						 (unsigned)s->by_origin[o]);
	pk__table_add_pair(r, t, "by origin:", buf);
	snprintf(buf, sizeof buf, "%u distinct service names and aliases",
		 (unsigned)in->names);
	pk__table_add_pair(r, t, "names:", buf);
	snprintf(buf, sizeof buf, "%u", (unsigned)in->people);
	pk__table_add_pair(r, t, "people:", buf);
	for (size_t i = 0; i < nl; i++) {
		lack_text(s, lack[i], buf, sizeof buf);
		pk__table_add_pair(r, t, i == 0 ? "lacks:" : "", buf);
	}
	if (nl == 0)
		pk__table_add_pair(r, t, "lacks:", "nothing IANA publishes");
	/* An old full registry: the hint below covers the others. */
	if (s->has_age && s->age > PK_REGISTRY_OLD_DAYS && update_command != NULL &&
	    (in->flags & PK_REGFLAG_FULL)) {
		snprintf(buf, sizeof buf, "run `%s` for IANA's current registry", update_command);
		pk__table_add_pair(r, t, "old:", buf);
	}
	/* How to get the full registry, in the front end's own words. */
	if (!(in->flags & PK_REGFLAG_FULL) && update_command != NULL) {
		snprintf(buf, sizeof buf, "%srun `%s`: it downloads IANA's XML registry (about 4 MB) and installs it to %s; `%s --file FILE` uses a copy you downloaded",
			 s->has_age && s->age > PK_REGISTRY_OLD_DAYS ? "this one is old: " : "",
			 update_command,
			 user_path ? user_path : "$XDG_DATA_HOME/portkit/registry.idx",
			 update_command);
		pk__table_add_pair(r, t, "full registry:", buf);
	}
	pk__table_write(r, t);
	pk__table_free(t);
}

void pk_render_info(pk_render *r, const pk_registry *reg,
		    const char *user_index_path, const char *update_command)
{
	stats s;

	gather(reg, r->now, &s);
	if (r->format == PK_RENDER_JSON)
		json_info(r, reg, &s, user_index_path, update_command);
	else
		text_info(r, &s, user_index_path, update_command);
}

void pk_render_import(pk_render *r, const pk_registry *reg, const char *input,
		      const char *output)
{
	pk_render_import_ex(r, reg, NULL, input, output, NULL);
}

void pk_render_version(pk_render *r, const pk_registry *reg)
{
	pk_registry_info in;

	if (reg != NULL)
		pk_registry_get_info(reg, &in);
	if (r->format == PK_RENDER_JSON) {
		pk__json_document_begin(r, "version");
		pk__json_string(r, "version", pk_version());
		pk__json_registry(r, "registry", reg);
		pk__json_object_end(r);
		return;
	}
	pk__render_printf(r, "portkit %s\n", pk_version());
	if (reg == NULL) {
		pk__render_puts(r, "registry: none usable\n");
		return;
	}
	pk__render_puts(r, "registry: ");
	pk__render_text(r, in.source, strlen(in.source), false);
	pk__render_puts(r, "\n    from: ");
	pk__render_text(r, in.origin, strlen(in.origin), false);
	pk__render_puts(r, "\n    date: ");
	if (in.updated[0] != '\0')
		pk__render_text(r, in.updated, strlen(in.updated), false);
	else
		pk__render_puts(r, "unknown (the source gives none)");
	pk__render_puts(r, "\n");
}
