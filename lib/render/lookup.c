/* lookup.c - the answers to queries (include/portkit.h, "Queries"):
 * `portkit ARG...`, `portkit search` and `portkit range`, as record tables
 * or --long blocks, and as the documents of docs/json.md. */
#include <stdio.h>

#include "render/render_internal.h"

static const char *query_type_name(pk_query_type t)
{
	switch (t) {
	case PK_QUERY_PORT:
		return "port";
	case PK_QUERY_RANGE:
		return "range";
	case PK_QUERY_NAME:
		return "name";
	case PK_QUERY_WORDS:
		return "words";
	}
	return "unknown";
}

/* ---- paging ----------------------------------------------------------- */

/* A paged answer says how many records the whole answer has and where
 * the next page starts (null on the last); an answer that is not paged
 * has neither member, as before paging existed. */
static void json_page(pk_render *r, const pk_query *q)
{
	size_t total, next;
	char cursor[24];

	if (!pk_query_page(q, &total, &next))
		return;
	pk__json_uint(r, "total", total);
	snprintf(cursor, sizeof cursor, "%zu", next);
	pk__json_string(r, "next_cursor", next > 0 ? cursor : NULL);
}

static void text_page(pk_render *r, const pk_query *q)
{
	size_t total, next;

	if (pk_query_page(q, &total, &next) && next > 0)
		pk__render_printf(r, "(%zu records in all; the next page: --cursor %zu)\n",
				  total, next);
}

/* ---- lookup ----------------------------------------------------------- */

static void json_query(pk_render *r, const pk_registry *reg, const pk_query *q)
{
	uint16_t lo, hi;
	size_t n;
	const pk_recid *ids = pk_query_records(q, &n);

	pk__json_object_begin(r, NULL);
	pk__json_string(r, "query", pk_query_text(q));
	/* An element of a port list: the list it came from. */
	if (pk_query_argument(q) != pk_query_text(q))
		pk__json_string(r, "argument", pk_query_argument(q));
	pk__json_string(r, "type", query_type_name(pk_query_get_type(q)));
	if (pk_query_ports(q, &lo, &hi)) {
		pk__json_uint(r, "port_lo", lo);
		pk__json_uint(r, "port_hi", hi);
		pk__json_classes(r, "classes", lo, hi);
	} else {
		pk__json_string(r, "name", pk_query_name(q));
	}
	pk__json_protocols(r, "protocols", pk_query_protocols(q));
	if (pk_query_get_type(q) == PK_QUERY_NAME) {
		const pk_curated *c = pk_query_curated(q);
		if (c != NULL) {
			pk__json_object_begin(r, "curated_alias");
			pk__json_string(r, "typed", c->typed);
			pk__json_string(r, "name", c->name);
			pk__json_string(r, "why", c->why);
			pk__json_object_end(r);
		} else {
			pk__json_null(r, "curated_alias");
		}
		pk__json_array_begin(r, "suggestions");
		for (size_t i = 0; i < pk_query_suggestion_count(q); i++)
			pk__json_string(r, NULL, pk_query_suggestion(q, i));
		pk__json_array_end(r);
	}
	pk__json_bool(r, "found", pk_query_found(q));
	pk__json_array_begin(r, "records");
	for (size_t i = 0; i < n && pk__render_ok(r); i++)
		pk__json_record(r, NULL, reg, ids[i]);
	pk__json_array_end(r);
	json_page(r, q);
	pk__json_object_end(r);
}

/* What a port with no record for the transports asked about has on the
 * others: "domain/tcp, domain/udp" (at most a few), "" for nothing. */
static void others_text(const pk_registry *reg, uint16_t port, char *buf,
			size_t size)
{
	pk_recid ids[8];
	size_t n = pk_lookup_port(reg, port, PK_PROTOMASK_ANY, ids, 8);
	size_t len = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n && i < 8 && len < size; i++) {
		pk_record rec;
		/* An Unassigned record is nothing to point to. */
		if (pk_record_get(reg, ids[i], &rec, NULL) != PK_OK ||
		    (rec.name == NULL && rec.kind != PK_KIND_RESERVED))
			continue;
		int w = snprintf(buf + len, size - len, "%s%s/%s", len ? ", " : "",
				 rec.name ? rec.name : "Reserved",
				 rec.proto == PK_PROTO_NONE ? "any" : pk_proto_name(rec.proto));
		if (w < 0)
			break;
		len += (size_t)w;
	}
	if (n > 8 && len + 8 < size)
		snprintf(buf + len, size - len, ", ...");
}

/* A row saying that ports have no record, with their class: the class is
 * part of every answer.  When the query asked for transports the port has
 * no record for, the row says which, and what the port has instead. */
static void empty_port_row(pk_render *r, pk_text_table *t, const char *lead,
			   const pk_registry *reg, const pk_query *q,
			   uint16_t lo, uint16_t hi)
{
	char port[16], cls[48], why[512], others[256] = "", protos[32];
	unsigned own, option;
	bool conflict = pk_query_conflict(q, &own, &option);

	pk__ports_text(lo, hi, port, sizeof port);
	pk__class_text(lo, hi, cls, sizeof cls);
	if (lo == hi)
		others_text(reg, lo, others, sizeof others);
	if (conflict) {
		char a[32], b[32];
		snprintf(why, sizeof why,
			 "nothing asked: %s (of the argument) and %s (of the option) exclude each other%s%s",
			 pk__protomask_format(own, a, sizeof a),
			 pk__protomask_format(option, b, sizeof b),
			 others[0] ? "; it has " : "", others);
	} else if (others[0] != '\0') {
		snprintf(why, sizeof why, "no %s record for %s; it has %s",
			 pk__protomask_format(pk_query_protocols(q), protos, sizeof protos),
			 port, others);
	} else {
		snprintf(why, sizeof why, "%s",
			 pk_port_class_of(lo) == PK_CLASS_DYNAMIC &&
					 pk_port_class_of(hi) == PK_CLASS_DYNAMIC ?
				 "no record: Dynamic/Private ports are never assigned (RFC 6335)" :
				 "no record: unassigned");
	}
	const char *cells[PK_RECORD_COLS + 1] = { lead, port, "-", cls, "-", why };
	pk__table_add(r, t, cells);
}

/* "dns: a curated alias of domain (why)", for a query answered through
 * the curated table: its origin is portkit's list, not a registry. */
static void curated_note(pk_render *r, const pk_query *q)
{
	const pk_curated *c = pk_query_curated(q);

	if (c == NULL)
		return;
	pk__render_text(r, c->typed, strlen(c->typed), false);
	pk__render_puts(r, ": a curated alias of ");
	pk__render_text(r, c->name, strlen(c->name), false);
	pk__render_puts(r, " (");
	pk__render_text(r, c->why, strlen(c->why), false);
	pk__render_puts(r, "; portkit's list, not a registry name)\n");
}

void pk_render_not_found(pk_render *r, const pk_query *q)
{
	const char *name = pk_query_name(q);
	const char *text = pk_query_text(q);
	size_t ns = pk_query_suggestion_count(q);

	if (name == NULL)
		return;
	pk__render_puts(r, "no service named '");
	pk__render_text(r, name, strlen(name), false);
	pk__render_puts(r, "'");
	if (strcmp(name, text) != 0) {
		pk__render_puts(r, " for ");
		pk__render_text(r, text + strlen(name) + 1,
				strlen(text + strlen(name) + 1), false);
	}
	for (size_t i = 0; i < ns; i++) {
		const char *s = pk_query_suggestion(q, i);
		pk__render_puts(r, i == 0 ? "; did you mean " : i + 1 == ns ? " or " : ", ");
		pk__render_text(r, s, strlen(s), false);
	}
	pk__render_puts(r, ns > 0 ? "?\n" : "\n");
}

/* --long: a block per record, and for ports nobody has, their class. */
static void long_lookup(pk_render *r, const pk_registry *reg,
			pk_query_next_fn next, void *ctx)
{
	bool first = true;
	const pk_query *q;

	while (pk__render_ok(r) && (q = next(ctx)) != NULL) {
		size_t n;
		uint16_t lo, hi;
		const pk_recid *ids = pk_query_records(q, &n);
		if (pk_query_curated(q) != NULL) {
			if (!first)
				pk__render_put(r, "\n", 1);
			curated_note(r, q);
			first = true;
		}
		for (size_t i = 0; i < n; i++) {
			if (!first)
				pk__render_put(r, "\n", 1);
			first = false;
			pk__record_long(r, reg, ids[i]);
		}
		if (n == 0 && pk_query_ports(q, &lo, &hi)) {
			char cls[48];
			const char *text = pk_query_text(q);
			pk__class_text(lo, hi, cls, sizeof cls);
			pk__render_puts(r, first ? "port:   " : "\nport:   ");
			pk__render_text(r, text, strlen(text), false);
			pk__render_printf(r, "\nclass:  %s (RFC 6335)\nrecord: none\n", cls);
			first = false;
		}
	}
}

void pk_render_lookup(pk_render *r, const pk_registry *reg,
		      pk_query_next_fn next, void *ctx)
{
	const pk_query *q;

	if (r->format == PK_RENDER_JSON) {
		pk__json_document_begin(r, "lookup");
		pk__json_registry(r, "registry", reg);
		pk__json_array_begin(r, "queries");
		while (pk__render_ok(r) && (q = next(ctx)) != NULL)
			json_query(r, reg, q);
		pk__json_array_end(r);
		pk__json_object_end(r);
		return;
	}
	if (r->flags & PK_RENDER_BARE) {
		/* getent services: the ports a query asked about, or the
		 * first port of a record found by name. */
		while (pk__render_ok(r) && (q = next(ctx)) != NULL) {
			size_t n;
			uint16_t lo, hi;
			const pk_recid *ids = pk_query_records(q, &n);
			if (!pk_query_ports(q, &lo, &hi)) {
				lo = 1;
				hi = 0;
			}
			for (size_t i = 0; i < n; i++)
				pk__record_services_lines(r, reg, ids[i], lo, hi,
							  pk_query_protocols(q));
		}
		return;
	}
	if (r->flags & PK_RENDER_LONG) {
		long_lookup(r, reg, next, ctx);
		return;
	}
	/* One table for every query, so that its columns line up; with
	 * PK_RENDER_QUERIES, a first column names the query each row answers
	 * (the front end knows how many there are: the table is written a
	 * chunk at a time, so that memory does not grow with the number of
	 * queries, and cannot wait to count them; a wider cell in a later
	 * chunk widens its column from there on); notes on curated aliases
	 * after it. */
	pk_text_table *t = pk__table_new(r, PK_RECORD_COLS + 1);
	size_t rows = 0;
	pk_buf notes;
	pk__buf_init(&notes, 1u << 16);
	if (!(r->flags & PK_RENDER_QUERIES))
		pk__table_hide_first(t);
	pk__record_header(r, t, "QUERY");
	while (pk__render_ok(r) && (q = next(ctx)) != NULL) {
		size_t n;
		uint16_t lo, hi;
		const pk_recid *ids = pk_query_records(q, &n);
		const pk_curated *c = pk_query_curated(q);
		if (c != NULL)
			pk__buf_printf(&notes, "%s: a curated alias of %s (%s; portkit's list, not a registry name)\n",
				       c->typed, c->name, c->why);
		const char *lead = pk_query_text(q);
		for (size_t i = 0; i < n; i++, rows++)
			pk__record_row(r, t, reg, ids[i], lead);
		if (n == 0 && pk_query_ports(q, &lo, &hi)) {
			empty_port_row(r, t, lead, reg, q, lo, hi);
			rows++;
		}
		if (pk__table_rows(t) >= PK_TABLE_CHUNK)
			pk__table_flush(r, t);
	}
	/* Only unknown names: nothing to show. */
	if (rows > 0)
		pk__table_flush(r, t);
	pk__table_free(t);
	if (notes.len > 0)
		pk__render_text(r, notes.data, notes.len, true);
	pk__buf_free(&notes);
}

/* ---- search ----------------------------------------------------------- */

void pk_render_search(pk_render *r, const pk_registry *reg, const pk_query *q)
{
	size_t n;
	const pk_recid *ids = pk_query_records(q, &n);

	if (r->format != PK_RENDER_JSON) {
		pk__record_list(r, reg, ids, n);
		text_page(r, q);
		return;
	}
	pk__json_document_begin(r, "search");
	pk__json_registry(r, "registry", reg);
	pk__json_array_begin(r, "words");
	for (size_t i = 0; i < pk_query_word_count(q); i++)
		pk__json_string(r, NULL, pk_query_word(q, i));
	pk__json_array_end(r);
	pk__json_protocols(r, "protocols", pk_query_protocols(q));
	pk__json_uint(r, "count", n);
	pk__json_array_begin(r, "records");
	for (size_t i = 0; i < n && pk__render_ok(r); i++)
		pk__json_record(r, NULL, reg, ids[i]);
	pk__json_array_end(r);
	json_page(r, q);
	pk__json_object_end(r);
}

/* ---- range ------------------------------------------------------------ */

static void text_runs(pk_render *r, const pk_query *q)
{
	static const char *const header[4] = { "PORTS", "PROTO", "CLASS", "COUNT" };
	const pk_port_runs *runs = pk_query_runs(q);
	size_t nruns = runs ? pk_port_runs_count(runs) : 0;
	unsigned mask = pk_query_protocols(q);
	uint16_t lo, hi;

	pk_query_ports(q, &lo, &hi);
	if (nruns > 0) {
		pk_text_table *t = pk__table_new(r, 4);
		pk__table_add_header(r, t, header);
		for (size_t i = 0; i < nruns; i++) {
			const pk_port_run *x = pk_port_runs_get(runs, i);
			char ports[16], count[16];
			pk__ports_text(x->lo, x->hi, ports, sizeof ports);
			snprintf(count, sizeof count, "%u", (unsigned)(x->hi - x->lo) + 1);
			const char *cells[4] = { ports, pk_proto_name(x->proto),
						 pk_port_class_name(x->cls), count };
			pk__table_add(r, t, cells);
		}
		pk__table_write(r, t);
		pk__table_free(t);
		pk__render_put(r, "\n", 1);
	}
	pk__render_printf(r, "unassigned in %u-%u:", (unsigned)lo, (unsigned)hi);
	unsigned own, option;
	if (pk_query_conflict(q, &own, &option)) {
		char a[32], b[32];
		pk__render_printf(r, " nothing asked: %s (of the argument) and %s (of the option) exclude each other\n",
				  pk__protomask_format(own, a, sizeof a),
				  pk__protomask_format(option, b, sizeof b));
		return;
	}
	const char *sep = " ";
	for (int p = PK_PROTO_TCP; p <= PK_PROTO_DCCP; p++)
		if (mask & PK_PROTOMASK(p)) {
			pk__render_printf(r, "%s%s %u of %u", sep,
					  pk_proto_name((pk_proto)p),
					  runs ? (unsigned)pk_port_runs_total(runs, (pk_proto)p) : 0u,
					  (unsigned)(hi - lo) + 1);
			sep = ", ";
		}
	pk__render_put(r, "\n", 1);
}

static void json_runs(pk_render *r, const pk_query *q)
{
	const pk_port_runs *runs = pk_query_runs(q);
	size_t nruns = runs ? pk_port_runs_count(runs) : 0;
	unsigned mask = pk_query_protocols(q);

	pk__json_array_begin(r, "unassigned");
	for (size_t i = 0; i < nruns; i++) {
		const pk_port_run *x = pk_port_runs_get(runs, i);
		pk__json_object_begin(r, NULL);
		pk__json_uint(r, "port_lo", x->lo);
		pk__json_uint(r, "port_hi", x->hi);
		pk__json_string(r, "protocol", pk_proto_name(x->proto));
		pk__json_string(r, "class", pk__class_code(x->cls));
		pk__json_uint(r, "count", (unsigned)(x->hi - x->lo) + 1);
		pk__json_object_end(r);
	}
	pk__json_array_end(r);
	pk__json_object_begin(r, "unassigned_counts");
	for (int p = PK_PROTO_TCP; p <= PK_PROTO_DCCP; p++)
		if (mask & PK_PROTOMASK(p))
			pk__json_uint(r, pk_proto_name((pk_proto)p),
				      runs ? pk_port_runs_total(runs, (pk_proto)p) : 0);
	pk__json_object_end(r);
}

void pk_render_range(pk_render *r, const pk_registry *reg, const pk_query *q)
{
	size_t n;
	uint16_t lo, hi;
	const pk_recid *ids = pk_query_records(q, &n);
	pk_range_filter f = pk_query_filter(q);

	if (r->format != PK_RENDER_JSON) {
		if (f == PK_FILTER_UNASSIGNED) {
			text_runs(r, q);
		} else {
			pk__record_list(r, reg, ids, n);
			text_page(r, q);
		}
		return;
	}
	pk_query_ports(q, &lo, &hi);
	pk__json_document_begin(r, "range");
	pk__json_registry(r, "registry", reg);
	pk__json_uint(r, "port_lo", lo);
	pk__json_uint(r, "port_hi", hi);
	pk__json_classes(r, "classes", lo, hi);
	pk__json_protocols(r, "protocols", pk_query_protocols(q));
	pk__json_string(r, "filter", pk_range_filter_name(f));
	pk__json_array_begin(r, "records");
	for (size_t i = 0; i < n && pk__render_ok(r); i++)
		pk__json_record(r, NULL, reg, ids[i]);
	pk__json_array_end(r);
	json_page(r, q);
	if (f == PK_FILTER_UNASSIGNED) {
		json_runs(r, q);
	} else {
		pk__json_null(r, "unassigned");
		pk__json_null(r, "unassigned_counts");
	}
	pk__json_object_end(r);
}
