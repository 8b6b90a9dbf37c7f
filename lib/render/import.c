/* import.c - what `portkit import` says: the registry it compiled, what
 * it skipped, merged and kept despite RFC 6335, what it replaced, and the
 * warnings (FILE:LINE) of the lines and records it left out. */
#include <string.h>

#include "render/render_internal.h"

static void json_warnings(pk_render *r, const pk_import_report *rep)
{
	pk__json_array_begin(r, "warnings");
	for (size_t i = 0; i < pk_import_report_kept(rep); i++) {
		const char *file;
		unsigned long line;
		const char *msg = pk_import_report_warning(rep, i, &file, &line);
		pk__json_object_begin(r, NULL);
		pk__json_string(r, "file", file);
		pk__json_uint(r, "line", line);
		pk__json_string(r, "message", msg);
		pk__json_object_end(r);
	}
	pk__json_array_end(r);
}

static void json_import(pk_render *r, const pk_registry *reg,
			const pk_import_report *rep, const char *input,
			const char *output, const pk_registry *replaced)
{
	pk_registry_info in;

	pk_registry_get_info(reg, &in);
	pk__json_document_begin(r, "import");
	pk__json_string(r, "input", input);
	pk__json_string(r, "output", output);
	pk__json_registry(r, "registry", reg);
	pk__json_uint(r, "records", in.records);
	pk__json_proto_counts(r, "by_protocol", &in);
	pk__json_uint(r, "names", in.names);
	pk__json_uint(r, "people", in.people);
	if (rep != NULL) {
		pk__json_uint(r, "warnings_total",
			      pk_import_report_count(rep, PK_IMPORT_WARNINGS));
		pk__json_uint(r, "skipped",
			      pk_import_report_count(rep, PK_IMPORT_SKIPPED));
		pk__json_uint(r, "duplicates_merged",
			      pk_import_report_count(rep, PK_IMPORT_DUPLICATES));
		pk__json_uint(r, "nonconforming_names",
			      pk_import_report_count(rep, PK_IMPORT_NONCONFORMING));
		json_warnings(r, rep);
	}
	if (replaced != NULL) {
		pk_registry_info old;
		pk_registry_get_info(replaced, &old);
		pk__json_object_begin(r, "replaced");
		pk__json_string(r, "source", old.source);
		pk__json_string(r, "updated", old.updated);
		pk__json_uint(r, "records", old.records);
		pk__json_object_end(r);
	} else {
		pk__json_null(r, "replaced");
	}
	pk__json_object_end(r);
}

static void text_count(pk_render *r, const char *label, uint64_t n,
		       const char *what)
{
	pk__render_printf(r, "  %-11s%llu %s\n", label, (unsigned long long)n,
			  what);
}

void pk_render_import_ex(pk_render *r, const pk_registry *reg,
			 const pk_import_report *rep, const char *input,
			 const char *output, const pk_registry *replaced)
{
	pk_registry_info in;
	char counts[256];

	if (r->format == PK_RENDER_JSON) {
		json_import(r, reg, rep, input, output, replaced);
		return;
	}
	pk_registry_get_info(reg, &in);
	pk__proto_counts_text(&in, counts, sizeof counts);
	const char *updated = in.updated[0] ? in.updated : "unknown";
	pk__render_puts(r, "imported ");
	pk__render_text(r, input, strlen(input), false);
	pk__render_puts(r, "\n  source:   ");
	pk__render_text(r, in.source, strlen(in.source), false);
	pk__render_puts(r, "\n  updated:  ");
	pk__render_text(r, updated, strlen(updated), false);
	pk__render_printf(r, "\n  records:  %s\n  names:    %u\n  people:   %u\n",
			  counts, (unsigned)in.names, (unsigned)in.people);
	if (rep != NULL) {
		text_count(r, "skipped:", pk_import_report_count(rep, PK_IMPORT_SKIPPED),
			   "lines or records left out, each with a warning");
		text_count(r, "merged:", pk_import_report_count(rep, PK_IMPORT_DUPLICATES),
			   "duplicate records (same name, port, transport, kind and description)");
		text_count(r, "odd names:", pk_import_report_count(rep, PK_IMPORT_NONCONFORMING),
			   "kept that break RFC 6335's name syntax");
		text_count(r, "warnings:", pk_import_report_count(rep, PK_IMPORT_WARNINGS),
			   "in all");
	}
	if (replaced != NULL) {
		pk_registry_info old;
		pk_registry_get_info(replaced, &old);
		pk__render_puts(r, "replaced ");
		pk__render_text(r, old.source, strlen(old.source), false);
		pk__render_puts(r, " (updated ");
		pk__render_text(r, old.updated[0] ? old.updated : "unknown",
				strlen(old.updated[0] ? old.updated : "unknown"), false);
		pk__render_printf(r, ", %u records)\n", (unsigned)old.records);
	}
	pk__render_puts(r, "wrote ");
	pk__render_text(r, output, strlen(output), false);
	pk__render_put(r, "\n", 1);
}

void pk_render_import_warnings(pk_render *r, const pk_import_report *rep)
{
	size_t kept = pk_import_report_kept(rep);
	uint64_t total = pk_import_report_count(rep, PK_IMPORT_WARNINGS);

	for (size_t i = 0; i < kept; i++) {
		const char *file;
		unsigned long line;
		const char *msg = pk_import_report_warning(rep, i, &file, &line);
		pk__render_text(r, file, strlen(file), false);
		pk__render_printf(r, ":%lu: warning: ", line);
		pk__render_text(r, msg, strlen(msg), false);
		pk__render_put(r, "\n", 1);
	}
	if (total > kept)
		pk__render_printf(r, "... and %llu more warnings\n",
				  (unsigned long long)(total - kept));
}
