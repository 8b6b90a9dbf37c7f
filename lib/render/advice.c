/* advice.c - `portkit advise`'s answer in both formats: one line per
 * finding (severity, RFC sections, sentence) and the fields of the IANA
 * assignment request. */
#include <stdio.h>

#include "render/finding.h"

static void text_advice(pk_render *r, const pk_advice *adv, bool with_draft)
{
	pk_text_table *t = pk__table_new(r, 3);
	pk_buf cite, sentence;

	pk__buf_init(&cite, 1 << 12);
	pk__buf_init(&sentence, (size_t)1 << 20);
	for (size_t i = 0; t != NULL && i < pk_advice_count(adv); i++) {
		const pk_finding *f = pk_advice_get(adv, i);
		cite.len = sentence.len = 0;
		pk_status st = pk__finding_text(&cite, f, PK_FINDING_CITE);
		if (st == PK_OK)
			st = pk__finding_text(&sentence, f, PK_FINDING_SUMMARY);
		if (st != PK_OK) {
			pk__render_fail(r, st, "finding %s: %s", pk_finding_code(f),
					pk_strerror(st));
			break;
		}
		const char *cells[3] = {
			pk_severity_name(pk_finding_severity(f)), cite.data,
			sentence.data
		};
		pk__table_add(r, t, cells);
	}
	pk__table_write(r, t);
	pk__table_free(t);
	pk__buf_free(&cite);
	pk__buf_free(&sentence);
	if (!with_draft)
		return;

	pk_text_table *d = pk__table_new(r, 2);
	for (size_t i = 0; d != NULL && i < pk_advice_draft_count(adv); i++) {
		const pk_draft_field *f = pk_advice_draft_get(adv, i);
		char field[64];
		snprintf(field, sizeof field, "%s:", f->field);
		pk__table_add_pair(r, d, field, f->value);
	}
	pk__render_puts(r, "\nIANA assignment request (https://www.iana.org/form/ports-services; RFC 6335 \302\2478.1):\n");
	pk__table_write(r, d);
	pk__table_free(d);
}

static void json_advice(pk_render *r, const pk_advice *adv, bool with_draft)
{
	bool assumed;
	const pk_plan *plan = pk_advice_get_plan(adv, &assumed);

	pk__json_document_begin(r, "advise");
	pk__json_registry(r, "registry", pk_advice_get_registry(adv));
	pk__json_object_begin(r, "plan");
	pk__json_string(r, "name", plan->name);
	if (plan->has_port)
		pk__json_uint(r, "port", plan->port);
	else
		pk__json_null(r, "port");
	pk__json_protocols(r, "protocols", plan->protos);
	pk__json_bool(r, "protocols_assumed", assumed);
	pk__json_object_end(r);
	pk__json_string(r, "worst", pk_severity_name(pk_advice_worst(adv)));
	pk__json_array_begin(r, "findings");
	for (size_t i = 0; i < pk_advice_count(adv); i++)
		pk__json_finding(r, NULL, pk_advice_get(adv, i));
	pk__json_array_end(r);
	if (!with_draft) {
		pk__json_null(r, "draft");
	} else {
		pk__json_array_begin(r, "draft");
		for (size_t i = 0; i < pk_advice_draft_count(adv); i++) {
			const pk_draft_field *f = pk_advice_draft_get(adv, i);
			pk__json_object_begin(r, NULL);
			pk__json_string(r, "field", f->field);
			pk__json_string(r, "value", f->value);
			pk__json_bool(r, "known", f->known);
			pk__json_object_end(r);
		}
		pk__json_array_end(r);
	}
	pk__json_object_end(r);
}

void pk_render_advice(pk_render *r, const pk_advice *advice, bool with_draft)
{
	if (r->format == PK_RENDER_JSON)
		json_advice(r, advice, with_draft);
	else
		text_advice(r, advice, with_draft);
}
