/* classify.c - `portkit classify`'s answer: the flows of a capture with
 * their server end, confidence, evidence and candidate services (a table
 * by bytes, CSV rows or the JSON document), or the totals per service and
 * per server port. */
#include <stdio.h>
#include <string.h>

#include "render/render_internal.h"

/* Services named on one port, at most this many. */
#define SERVICES_MAX 16

static void endpoint_text(uint8_t family, const uint8_t addr[16], uint16_t port,
			  char *buf, size_t size)
{
	char a[64];

	pk_addr_format(family, addr, a, sizeof a);
	if (family == 6)
		snprintf(buf, size, "[%s]:%u", a, port);
	else
		snprintf(buf, size, "%s:%u", a, port);
}

static size_t services(const pk_classify *c, const pk_flow *f, pk_recid *ids)
{
	const pk_registry *reg = pk_classify_registry(c);

	if (reg == NULL)
		return 0;
	size_t n = pk_port_services(reg, f->server_port, f->proto,
				    PK_ORIGINMASK_ALL, ids, SERVICES_MAX);
	return n < SERVICES_MAX ? n : SERVICES_MAX;
}

/* "http (iana), www (services)"; "-" for none. */
static pk_status services_text(const pk_classify *c, const pk_flow *f,
			       pk_buf *b)
{
	pk_recid ids[SERVICES_MAX];
	size_t n = services(c, f, ids);
	pk_status st = PK_OK;

	b->len = 0;
	for (size_t i = 0; i < n && st == PK_OK; i++) {
		pk_record rec;
		if (pk_record_get(pk_classify_registry(c), ids[i], &rec, NULL) != PK_OK)
			continue;
		st = pk__buf_printf(b, "%s%s (%s)", b->len ? ", " : "", rec.name,
				    pk__origin_code(rec.origin));
	}
	if (st == PK_OK && b->len == 0)
		st = pk__buf_addstr(b, "-");
	if (st == PK_OK && (f->warnings & PK_FLOW_WARN_EPHEMERAL))
		st = pk__buf_addstr(b, "; server port in an ephemeral range");
	if (st == PK_OK && (f->warnings & PK_FLOW_WARN_DYNAMIC))
		st = pk__buf_printf(b, "; %s", f->dynamic_why);
	if (st == PK_OK)
		st = pk__buf_terminate(b);
	return st;
}

/* " linux,freebsd": the ids of the profiles in mask. */
static pk_status profile_ids(pk_buf *b, uint32_t mask)
{
	size_t n;
	const pk_os_profile *p = pk_os_profiles(&n);
	pk_status st = PK_OK;
	bool first = true;

	for (size_t i = 0; i < n && i < 32 && st == PK_OK; i++) {
		if (!(mask & (1u << i)))
			continue;
		st = pk__buf_printf(b, "%s%s", first ? " " : ",", p[i].id);
		first = false;
	}
	return st;
}

/* "syn-ack, service-port 80 (+30), ephemeral-port 51000 linux (+20),
 * lower-port 80 (-5)": evidence against the decision has a minus. */
static pk_status evidence_text(const pk_flow *f, pk_buf *b)
{
	pk_status st = PK_OK;

	b->len = 0;
	for (size_t i = 0; i < f->evidence_count && st == PK_OK; i++) {
		const pk_evidence *e = &f->evidence[i];
		st = pk__buf_printf(b, "%s%s", i ? ", " : "", pk_evidence_name(e->kind));
		if (st == PK_OK && e->value != 0)
			st = pk__buf_printf(b, " %u", e->value);
		if (st == PK_OK && e->profiles != 0)
			st = profile_ids(b, e->profiles);
		if (st == PK_OK && e->kind != PK_EV_HANDSHAKE)
			st = pk__buf_printf(b, " (%c%u)", e->for_server ? '+' : '-',
					    e->weight);
	}
	if (st == PK_OK)
		st = pk__buf_terminate(b);
	return st;
}

/* Host connections: how many decisions the listening sockets confirm. */
static void truth_line(pk_render *r, const pk_classify *c)
{
	size_t known = 0, agree = 0;

	for (size_t i = 0; i < pk_classify_flow_count(c); i++) {
		const pk_flow *f = pk_classify_flow(c, i);
		known += f->truth_known;
		agree += f->truth_known && f->truth_agrees;
	}
	if (known > 0)
		pk__render_printf(r, "%zu of %zu decisions agree with this host's listening sockets\n",
				  agree, known);
}

static void stats_line(pk_render *r, const pk_classify *c)
{
	pk_classify_stats s;

	pk_classify_get_stats(c, &s);
	pk__render_printf(r, "%llu packets, %llu flows", (unsigned long long)s.packets,
			  (unsigned long long)s.flows);
	if (s.evicted_lru + s.evicted_idle > 0)
		pk__render_printf(r, " (%llu evicted: %llu at the limit of %llu, %llu idle; in the summary only)",
				  (unsigned long long)(s.evicted_lru + s.evicted_idle),
				  (unsigned long long)s.evicted_lru,
				  (unsigned long long)s.max_flows,
				  (unsigned long long)s.evicted_idle);
	bool first = true;
	for (int i = 1; i < PK_PKT_STATUS_COUNT; i++) {
		if (s.by_status[i] == 0)
			continue;
		pk__render_printf(r, "%s%llu %s", first ? "; not classified: " : ", ",
				  (unsigned long long)s.by_status[i],
				  pk_packet_status_name((pk_packet_status)i));
		first = false;
	}
	pk__render_puts(r, "\n");
}

static void text_flows(pk_render *r, const pk_classify *c)
{
	static const char *const head[] = { "PROTO", "SERVER", "CLIENT", "PACKETS",
					    "BYTES", "CONFIDENCE", "EVIDENCE",
					    "SERVICES" };
	pk_text_table *t = pk__table_new(r, 8);
	pk_buf ev, sv;

	pk__buf_init(&ev, 1 << 12);
	pk__buf_init(&sv, 1 << 16);
	pk__table_add_header(r, t, head);
	for (size_t i = 0; t != NULL && i < pk_classify_flow_count(c); i++) {
		const pk_flow *f = pk_classify_flow(c, i);
		char server[80], client[80], pkts[24], bytes[24], conf[40];
		endpoint_text(f->family, f->server_addr, f->server_port, server, sizeof server);
		endpoint_text(f->family, f->client_addr, f->client_port, client, sizeof client);
		snprintf(pkts, sizeof pkts, "%llu",
			 (unsigned long long)(f->packets_to_server + f->packets_to_client));
		snprintf(bytes, sizeof bytes, "%llu",
			 (unsigned long long)(f->bytes_to_server + f->bytes_to_client));
		snprintf(conf, sizeof conf, "%s %u%s", pk_confidence_name(f->confidence),
			 f->score, !f->truth_known ? "" :
				   f->truth_agrees ? " (true)" : " (FALSE)");
		pk_status st = evidence_text(f, &ev);
		if (st == PK_OK)
			st = services_text(c, f, &sv);
		if (st != PK_OK) {
			pk__render_fail(r, st, "classify: %s", pk_strerror(st));
			break;
		}
		const char *row[] = { pk_proto_name(f->proto), server, client, pkts,
				      bytes, conf, ev.data, sv.data };
		pk__table_add(r, t, row);
	}
	if (pk_classify_flow_count(c) > 0)
		pk__table_write(r, t);
	pk__table_free(t);
	pk__buf_free(&ev);
	pk__buf_free(&sv);
	stats_line(r, c);
	truth_line(r, c);
}

static void group_row(pk_render *r, pk_text_table *t, const pk_classify_group *g,
		      bool by_port)
{
	char port[8], flows[24], pkts[24], bytes[24], ev[24], cert[24];

	snprintf(port, sizeof port, "%u", g->port);
	snprintf(flows, sizeof flows, "%llu", (unsigned long long)g->flows);
	snprintf(pkts, sizeof pkts, "%llu", (unsigned long long)g->packets);
	snprintf(bytes, sizeof bytes, "%llu", (unsigned long long)g->bytes);
	snprintf(ev, sizeof ev, "%llu", (unsigned long long)g->evicted);
	snprintf(cert, sizeof cert, "%llu", (unsigned long long)g->certain);
	const char *svc = g->service ? g->service : "-";
	if (by_port) {
		const char *row[] = { pk_proto_name(g->proto), port, flows, pkts,
				      bytes, ev, cert, svc };
		pk__table_add(r, t, row);
	} else {
		const char *row[] = { pk_proto_name(g->proto), svc, flows, pkts,
				      bytes, ev, cert };
		pk__table_add(r, t, row);
	}
}

static void text_summary(pk_render *r, const pk_classify *c)
{
	static const char *const shead[] = { "PROTO", "SERVICE", "FLOWS", "PACKETS",
					     "BYTES", "EVICTED", "HANDSHAKE" };
	static const char *const phead[] = { "PROTO", "PORT", "FLOWS", "PACKETS",
					     "BYTES", "EVICTED", "HANDSHAKE",
					     "SERVICE" };
	pk_text_table *t = pk__table_new(r, 7);

	pk__table_add_header(r, t, shead);
	for (size_t i = 0; t != NULL && i < pk_classify_service_count(c); i++)
		group_row(r, t, pk_classify_service(c, i), false);
	if (t != NULL && pk_classify_service_count(c) > 0) {
		pk__table_write(r, t);
		pk__render_puts(r, "\n");
	}
	pk__table_free(t);
	t = pk__table_new(r, 8);
	pk__table_add_header(r, t, phead);
	for (size_t i = 0; t != NULL && i < pk_classify_port_count(c); i++)
		group_row(r, t, pk_classify_port(c, i), true);
	if (t != NULL && pk_classify_port_count(c) > 0) {
		pk__table_write(r, t);
		pk__render_puts(r, "\n");
	}
	pk__table_free(t);
	stats_line(r, c);
}

static void json_group(pk_render *r, const pk_classify_group *g, bool by_port)
{
	pk__json_object_begin(r, NULL);
	pk__json_string(r, "protocol", pk_proto_name(g->proto));
	if (by_port)
		pk__json_uint(r, "port", g->port);
	pk__json_string(r, "service", g->service);
	pk__json_uint(r, "flows", g->flows);
	pk__json_uint(r, "packets", g->packets);
	pk__json_uint(r, "bytes", g->bytes);
	pk__json_uint(r, "evicted", g->evicted);
	pk__json_uint(r, "handshakes", g->certain);
	pk__json_object_end(r);
}

static void json_end(pk_render *r, uint8_t family, const uint8_t addr[16],
		     uint16_t port, const char *key)
{
	char a[64];

	pk_addr_format(family, addr, a, sizeof a);
	pk__json_object_begin(r, key);
	pk__json_string(r, "address", a);
	pk__json_uint(r, "port", port);
	pk__json_object_end(r);
}

static void json_flow(pk_render *r, const pk_classify *c, const pk_flow *f)
{
	pk_recid ids[SERVICES_MAX];

	pk__json_object_begin(r, NULL);
	pk__json_string(r, "protocol", pk_proto_name(f->proto));
	pk__json_uint(r, "family", f->family);
	json_end(r, f->family, f->server_addr, f->server_port, "server");
	json_end(r, f->family, f->client_addr, f->client_port, "client");
	pk__json_uint(r, "packets_to_server", f->packets_to_server);
	pk__json_uint(r, "packets_to_client", f->packets_to_client);
	pk__json_uint(r, "bytes_to_server", f->bytes_to_server);
	pk__json_uint(r, "bytes_to_client", f->bytes_to_client);
	pk__json_uint(r, "first_us", f->first_us);
	pk__json_uint(r, "last_us", f->last_us);
	pk__json_string(r, "confidence", pk_confidence_name(f->confidence));
	pk__json_uint(r, "score", f->score);
	pk__json_array_begin(r, "evidence");
	for (size_t i = 0; i < f->evidence_count; i++) {
		const pk_evidence *e = &f->evidence[i];
		pk__json_object_begin(r, NULL);
		pk__json_string(r, "kind", pk_evidence_name(e->kind));
		pk__json_bool(r, "for_server", e->for_server);
		pk__json_uint(r, "weight", e->weight);
		if (e->value != 0)
			pk__json_uint(r, "value", e->value);
		else
			pk__json_null(r, "value");
		if (e->profiles != 0) {
			size_t n;
			const pk_os_profile *p = pk_os_profiles(&n);
			pk__json_array_begin(r, "profiles");
			for (size_t k = 0; k < n && k < 32; k++)
				if (e->profiles & (1u << k))
					pk__json_string(r, NULL, p[k].id);
			pk__json_array_end(r);
		} else {
			pk__json_null(r, "profiles");
		}
		pk__json_object_end(r);
	}
	pk__json_array_end(r);
	pk__json_array_begin(r, "services");
	size_t n = services(c, f, ids);
	for (size_t i = 0; i < n; i++) {
		pk_record rec;
		if (pk_record_get(pk_classify_registry(c), ids[i], &rec, NULL) != PK_OK)
			continue;
		pk__json_object_begin(r, NULL);
		pk__json_string(r, "name", rec.name);
		pk__json_string(r, "origin", pk__origin_code(rec.origin));
		pk__json_object_end(r);
	}
	pk__json_array_end(r);
	if (f->truth_known)
		pk__json_bool(r, "agrees_with_listeners", f->truth_agrees);
	else
		pk__json_null(r, "agrees_with_listeners");
	pk__json_array_begin(r, "warnings");
	if (f->warnings & PK_FLOW_WARN_EPHEMERAL) {
		pk__json_object_begin(r, NULL);
		pk__json_string(r, "code", "server-port-ephemeral");
		pk__json_string(r, "text", "the server port lies in a common OS ephemeral range");
		pk__json_object_end(r);
	}
	if (f->warnings & PK_FLOW_WARN_DYNAMIC) {
		pk__json_object_begin(r, NULL);
		pk__json_string(r, "code", "dynamic-ports");
		pk__json_string(r, "text", f->dynamic_why);
		pk__json_object_end(r);
	}
	pk__json_array_end(r);
	pk__json_object_end(r);
}

static void json_classify(pk_render *r, const pk_classify *c, const char *source,
			  bool summary)
{
	pk_classify_stats s;

	pk_classify_get_stats(c, &s);
	pk__json_document_begin(r, "classify");
	pk__json_registry(r, "registry", pk_classify_registry(c));
	pk__json_string(r, "source", source);
	pk__json_object_begin(r, "stats");
	pk__json_uint(r, "packets", s.packets);
	pk__json_object_begin(r, "packets_by_result");
	for (int i = 0; i < PK_PKT_STATUS_COUNT; i++)
		pk__json_uint(r, pk_packet_status_name((pk_packet_status)i), s.by_status[i]);
	pk__json_object_end(r);
	pk__json_uint(r, "flows", s.flows);
	pk__json_uint(r, "evicted_lru", s.evicted_lru);
	pk__json_uint(r, "evicted_idle", s.evicted_idle);
	pk__json_uint(r, "max_flows", s.max_flows);
	pk__json_uint(r, "peak_flows", s.peak_flows);
	pk__json_uint(r, "flow_state_bytes", pk_classify_flow_state_bytes());
	pk__json_object_end(r);
	if (!summary) {
		pk__json_array_begin(r, "flows");
		for (size_t i = 0; i < pk_classify_flow_count(c); i++)
			json_flow(r, c, pk_classify_flow(c, i));
		pk__json_array_end(r);
	}
	pk__json_array_begin(r, "services");
	for (size_t i = 0; i < pk_classify_service_count(c); i++)
		json_group(r, pk_classify_service(c, i), false);
	pk__json_array_end(r);
	pk__json_array_begin(r, "ports");
	for (size_t i = 0; i < pk_classify_port_count(c); i++)
		json_group(r, pk_classify_port(c, i), true);
	pk__json_array_end(r);
	pk__json_object_end(r);
}

static void csv_u(pk_render *r, uint64_t v, const char *sep)
{
	pk__render_printf(r, "%llu%s", (unsigned long long)v, sep);
}

static void csv_classify(pk_render *r, const pk_classify *c, bool summary)
{
	if (summary) {
		pk__render_puts(r, "group,protocol,port,service,flows,packets,bytes,evicted,handshakes\n");
		for (int by_port = 0; by_port < 2; by_port++) {
			size_t n = by_port ? pk_classify_port_count(c) : pk_classify_service_count(c);
			for (size_t i = 0; i < n; i++) {
				const pk_classify_group *g = by_port ? pk_classify_port(c, i) :
								       pk_classify_service(c, i);
				pk__render_puts(r, by_port ? "port," : "service,");
				pk__render_printf(r, "%s,", pk_proto_name(g->proto));
				if (by_port)
					pk__render_printf(r, "%u", g->port);
				pk__render_puts(r, ",");
				pk__csv_field(r, g->service ? g->service : "");
				pk__render_puts(r, ",");
				csv_u(r, g->flows, ",");
				csv_u(r, g->packets, ",");
				csv_u(r, g->bytes, ",");
				csv_u(r, g->evicted, ",");
				csv_u(r, g->certain, "\n");
			}
		}
		return;
	}
	pk_buf ev, sv;
	pk__buf_init(&ev, 1 << 12);
	pk__buf_init(&sv, 1 << 16);
	pk__render_puts(r, "protocol,server_address,server_port,client_address,client_port,"
			   "packets_to_server,packets_to_client,bytes_to_server,bytes_to_client,"
			   "confidence,score,evidence,services,agrees_with_listeners\n");
	for (size_t i = 0; i < pk_classify_flow_count(c); i++) {
		const pk_flow *f = pk_classify_flow(c, i);
		char a[64];
		pk_status st = evidence_text(f, &ev);
		if (st == PK_OK)
			st = services_text(c, f, &sv);
		if (st != PK_OK) {
			pk__render_fail(r, st, "classify: %s", pk_strerror(st));
			break;
		}
		pk__render_printf(r, "%s,", pk_proto_name(f->proto));
		pk__csv_field(r, pk_addr_format(f->family, f->server_addr, a, sizeof a));
		pk__render_printf(r, ",%u,", f->server_port);
		pk__csv_field(r, pk_addr_format(f->family, f->client_addr, a, sizeof a));
		pk__render_printf(r, ",%u,", f->client_port);
		csv_u(r, f->packets_to_server, ",");
		csv_u(r, f->packets_to_client, ",");
		csv_u(r, f->bytes_to_server, ",");
		csv_u(r, f->bytes_to_client, ",");
		pk__render_printf(r, "%s,%u,", pk_confidence_name(f->confidence), f->score);
		pk__csv_field(r, ev.data);
		pk__render_puts(r, ",");
		pk__csv_field(r, sv.data);
		pk__render_puts(r, !f->truth_known ? ",\n" : f->truth_agrees ? ",yes\n" : ",no\n");
	}
	pk__buf_free(&ev);
	pk__buf_free(&sv);
}

void pk_render_classify(pk_render *r, const pk_classify *c, const char *source,
			bool summary)
{
	if (r->format == PK_RENDER_JSON)
		json_classify(r, c, source, summary);
	else if (r->format == PK_RENDER_CSV)
		csv_classify(r, c, summary);
	else if (summary)
		text_summary(r, c);
	else
		text_flows(r, c);
}
