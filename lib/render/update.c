/* update.c - the outcome of an update: what was installed where, and how
 * it differs from the registry it replaced. */
#include <stdio.h>
#include <string.h>

#include "render/render_internal.h"

static void text(pk_render *r, const char *s)
{
	pk__render_text(r, s, strlen(s), false);
}

/* "+ 70/tcp gopher": one line per changed record. */
static void text_changes(pk_render *r, const pk_update *u)
{
	size_t n = pk_update_change_count(u);

	for (size_t i = 0; i < n; i++) {
		const pk_registry *reg;
		pk_recid id;
		char change = pk_update_change(u, i, &reg, &id);
		pk_record rec;
		char ports[16] = "-";
		if (pk_record_get(reg, id, &rec, NULL) != PK_OK)
			continue;
		if (rec.has_port)
			pk__ports_text(rec.port_lo, rec.port_hi, ports, sizeof ports);
		pk__render_printf(r, "%c %s/%s ", change, ports,
				  rec.proto == PK_PROTO_NONE ? "-" :
							       pk_proto_name(rec.proto));
		text(r, rec.name ? rec.name : rec.description);
		pk__render_put(r, "\n", 1);
	}
}

/* The date line: IANA's CSV carries no registry date, so say that rather
 * than "unknown". */
static void text_date(pk_render *r, const pk_registry_info *info,
		      const char *input)
{
	if (info->updated[0] != '\0') {
		text(r, info->updated);
		return;
	}
	pk__render_puts(r, "no date in ");
	text(r, input);
	if (strstr(info->source, "CSV") != NULL)
		pk__render_puts(r, " (IANA's CSV has no registry date)");
}

static void text_previous(pk_render *r, const pk_registry *prev,
			  const pk_diff_stats *d)
{
	pk_registry_info pi;

	pk_registry_get_info(prev, &pi);
	pk__render_puts(r, "changes against the previous registry (");
	if (pi.flags & PK_REGFLAG_EMBEDDED)
		pk__render_puts(r, "the embedded snapshot");
	else
		text(r, pi.origin);
	pk__render_puts(r, ", ");
	if (pi.updated[0] != '\0') {
		pk__render_puts(r, "updated ");
		text(r, pi.updated);
	} else {
		pk__render_puts(r, strstr(pi.source, "CSV") ?
				"no registry date: imported from IANA's CSV" :
				"no registry date");
	}
	pk__render_printf(r, "):\n  %u added, %u removed, %u modified, %u unchanged\n",
			  (unsigned)d->added, (unsigned)d->removed,
			  (unsigned)d->modified, (unsigned)d->unchanged);
}

/* "N modified" explained: how many records changed in each field. */
static void text_modified_fields(pk_render *r, const pk_registry *prev,
				 const pk_registry *reg)
{
	uint32_t counts[PK_DIFF_FIELDS];
	bool any = false;

	pk_registry_diff_fields(prev, reg, counts);
	for (unsigned f = 0; f < PK_DIFF_FIELDS; f++) {
		if (counts[f] == 0)
			continue;
		pk__render_printf(r, "%s%s %u", any ? ", " : "  modified: ",
				  pk_diff_field_name(f), (unsigned)counts[f]);
		any = true;
	}
	if (any)
		pk__render_puts(r, " (records; one may count under several fields)\n");
}

static void json_modified_fields(pk_render *r, const pk_registry *prev,
				 const pk_registry *reg)
{
	uint32_t counts[PK_DIFF_FIELDS];

	pk_registry_diff_fields(prev, reg, counts);
	pk__json_object_begin(r, "modified_by_field");
	for (unsigned f = 0; f < PK_DIFF_FIELDS; f++)
		if (counts[f] != 0)
			pk__json_uint(r, pk_diff_field_name(f), counts[f]);
	pk__json_object_end(r);
}

void pk_render_update(pk_render *r, const pk_update *u)
{
	const pk_registry *reg = pk_update_registry(u);
	const pk_registry *prev = pk_update_previous(u);
	const char *input = pk_update_input(u);
	const char *output = pk_update_output(u);
	pk_registry_info info;
	pk_diff_stats d;
	char counts[256];

	if (reg == NULL || input == NULL || output == NULL) {
		pk__render_fail(r, PK_INVAL, "the update has not run");
		return;
	}
	pk_registry_get_info(reg, &info);
	pk_update_get_changes(u, &d);
	if (r->format == PK_RENDER_JSON) {
		pk__json_document_begin(r, "update");
		pk__json_string(r, "input", input);
		pk__json_string(r, "output", output);
		pk__json_registry(r, "registry", reg);
		pk__json_uint(r, "records", info.records);
		pk__json_proto_counts(r, "by_protocol", &info);
		pk__json_registry(r, "previous", prev);
		/* Nothing was compared without a previous registry. */
		if (prev == NULL) {
			pk__json_null(r, "changes");
		} else {
			pk__json_object_begin(r, "changes");
			pk__json_uint(r, "added", d.added);
			pk__json_uint(r, "removed", d.removed);
			pk__json_uint(r, "modified", d.modified);
			pk__json_uint(r, "unchanged", d.unchanged);
			json_modified_fields(r, prev, reg);
			pk__json_object_end(r);
		}
		pk__json_object_end(r);
		return;
	}
	if (r->flags & PK_RENDER_LONG)
		text_changes(r, u);
	pk__proto_counts_text(&info, counts, sizeof counts);
	pk__render_puts(r, "installed ");
	text(r, input);
	pk__render_puts(r, "\n  source:   ");
	text(r, info.source);
	pk__render_puts(r, "\n  updated:  ");
	text_date(r, &info, input);
	pk__render_printf(r, "\n  records:  %s\n  to:       ", counts);
	text(r, output);
	pk__render_put(r, "\n", 1);
	if (prev != NULL) {
		text_previous(r, prev, &d);
		if ((r->flags & PK_RENDER_LONG) && d.modified > 0)
			text_modified_fields(r, prev, reg);
	} else {
		pk__render_puts(r, "no previous registry at ");
		text(r, output);
		pk__render_puts(r, ": nothing to compare with\n");
	}
}
