/* listeners.c - `portkit listeners`' answer in both formats: every
 * listening TCP and bound UDP socket, like `ss -tulpn`, with where its
 * port lies for the kernel and the services the registry names on it. */
#include <stdio.h>

#include "render/finding.h"

/* Services named on one port, at most this many. */
#define SERVICES_MAX 32


/* The services the registry names on the socket's port and transport,
 * by the port-use rule (pk_port_services, every origin). */
static size_t services(const pk_registry *reg, const pk_socket *k,
		       pk_recid *out, size_t cap)
{
	size_t n;

	if (reg == NULL)
		return 0;
	n = pk_port_services(reg, k->port, k->proto, PK_ORIGINMASK_ALL, out, cap);
	return n < cap ? n : cap;
}

/* "ephemeral" inside ip_local_port_range, "reserved" there but reserved,
 * NULL outside it. */
static const char *range_note(const pk_host_portconf *conf, uint16_t port)
{
	if (!conf->have_range || port < conf->ephemeral_lo ||
	    port > conf->ephemeral_hi)
		return NULL;
	if (conf->have_reserved && pk_portset_contains(&conf->reserved, port))
		return "reserved";
	return "ephemeral";
}

static bool listed(const pk_socket *k, const pk_socket_filter *filter)
{
	return pk_socket_filter_match(filter, k);
}

static void text_listeners(pk_render *r, const pk_registry *reg,
			   const pk_host_portconf *conf,
			   const pk_host_sockets *socks,
			   const pk_socket_filter *filter)
{
	static const char *const head[] = { "PROTO", "ADDRESS", "PORT", "RANGE",
					    "USER", "PROCESS", "SERVICE" };
	pk_text_table *t = pk__table_new(r, 7);
	size_t shown = 0;
	pk_buf names;

	pk__buf_init(&names, 1 << 16);
	pk__table_add_header(r, t, head);
	for (size_t i = 0; t != NULL && i < pk_host_sockets_count(socks); i++) {
		const pk_socket *k = pk_host_sockets_get(socks, i);
		char addr[64], address[80], port[8], uid[40], proc[48];
		pk_recid ids[SERVICES_MAX];
		if (!listed(k, filter))
			continue;
		pk_addr_format(k->family, k->addr, addr, sizeof addr);
		if (k->family == 6)
			snprintf(address, sizeof address, "[%s]%s", addr,
				 k->dual_stack ? " +v4" : "");
		else
			snprintf(address, sizeof address, "%s", addr);
		snprintf(port, sizeof port, "%u", k->port);
		if (r->flags & PK_RENDER_NUMERIC)
			snprintf(uid, sizeof uid, "%u", k->uid);
		else
			pk_user_name(k->uid, uid, sizeof uid);
		if (k->pid != 0)
			snprintf(proc, sizeof proc, "%s/%d", k->comm, k->pid);
		else
			snprintf(proc, sizeof proc, "-");
		names.len = 0;
		pk_status st = PK_OK;
		size_t n = services(reg, k, ids, SERVICES_MAX);
		for (size_t s = 0; s < n && st == PK_OK; s++) {
			pk_record rec;
			if (pk_record_get(reg, ids[s], &rec, NULL) != PK_OK)
				continue;
			st = pk__buf_printf(&names, "%s%s%s", names.len ? ", " : "",
					    rec.name,
					    rec.origin == PK_ORIGIN_UNOFFICIAL ?
						    " (unofficial)" :
					    rec.origin == PK_ORIGIN_APP ? " (app)" : "");
		}
		if (st == PK_OK)
			st = pk__buf_terminate(&names);
		if (st != PK_OK) {
			pk__render_fail(r, st, "listeners: %s", pk_strerror(st));
			break;
		}
		const char *note = range_note(conf, k->port);
		const char *row[] = { pk_proto_name(k->proto), address, port,
				      note ? note : "", uid, proc,
				      names.len ? names.data : "-" };
		pk__table_add(r, t, row);
		shown++;
	}
	if (shown > 0)
		pk__table_write(r, t);
	pk__table_free(t);
	pk__buf_free(&names);
}

static void json_listeners(pk_render *r, const pk_registry *reg,
			   const pk_host_portconf *conf,
			   const pk_host_sockets *socks,
			   const pk_socket_filter *filter)
{
	size_t count = 0;

	for (size_t i = 0; i < pk_host_sockets_count(socks); i++)
		count += listed(pk_host_sockets_get(socks, i), filter);
	pk__json_document_begin(r, "listeners");
	pk__json_registry(r, "registry", reg);
	pk__json_host(r, conf, socks);
	pk__json_protocols(r, "protocols", pk_socket_filter_get_protos(filter));
	pk__json_uint(r, "count", count);
	pk__json_array_begin(r, "sockets");
	for (size_t i = 0; i < pk_host_sockets_count(socks); i++) {
		const pk_socket *k = pk_host_sockets_get(socks, i);
		char addr[64];
		pk_recid ids[SERVICES_MAX];
		if (!listed(k, filter))
			continue;
		pk_addr_format(k->family, k->addr, addr, sizeof addr);
		pk__json_object_begin(r, NULL);
		pk__json_string(r, "protocol", pk_proto_name(k->proto));
		pk__json_uint(r, "family", k->family);
		pk__json_string(r, "address", addr);
		pk__json_uint(r, "port", k->port);
		pk__json_bool(r, "dual_stack", k->dual_stack);
		pk__json_bool(r, "v6only_known", k->v6only_known);
		pk__json_uint(r, "ifindex", k->ifindex);
		char user[40];
		pk__json_uint(r, "uid", k->uid);
		pk__json_string(r, "user", r->flags & PK_RENDER_NUMERIC ? NULL :
					   pk_user_name(k->uid, user, sizeof user));
		pk__json_uint(r, "inode", k->inode);
		if (k->pid != 0) {
			pk__json_int(r, "pid", k->pid);
			pk__json_string(r, "process", k->comm);
		} else {
			pk__json_null(r, "pid");
			pk__json_null(r, "process");
		}
		pk__json_uint(r, "processes", k->nprocs);
		pk__json_string(r, "class", pk__class_code(pk_port_class_of(k->port)));
		pk__json_array_begin(r, "services");
		size_t n = services(reg, k, ids, SERVICES_MAX);
		for (size_t s = 0; s < n; s++) {
			pk_record rec;
			if (pk_record_get(reg, ids[s], &rec, NULL) != PK_OK)
				continue;
			pk__json_object_begin(r, NULL);
			pk__json_string(r, "name", rec.name);
			pk__json_string(r, "origin", pk__origin_code(rec.origin));
			pk__json_object_end(r);
		}
		pk__json_array_end(r);
		pk__json_string(r, "range", range_note(conf, k->port));
		pk__json_object_end(r);
	}
	pk__json_array_end(r);
	pk__json_object_end(r);
}

void pk_render_listeners_where(pk_render *r, const pk_registry *reg,
			       const pk_host_portconf *conf,
			       const pk_host_sockets *socks,
			       const pk_socket_filter *filter)
{
	if (r->format == PK_RENDER_JSON)
		json_listeners(r, reg, conf, socks, filter);
	else
		text_listeners(r, reg, conf, socks, filter);
}

void pk_render_listeners(pk_render *r, const pk_registry *reg,
			 const pk_host_portconf *conf,
			 const pk_host_sockets *socks, unsigned protomask)
{
	pk_socket_filter *f = NULL;

	if (pk_socket_filter_new(&f, NULL) != PK_OK) {
		pk__render_fail(r, PK_NOMEM, "out of memory");
		return;
	}
	pk_socket_filter_protos(f, protomask);
	if (r->format == PK_RENDER_JSON)
		json_listeners(r, reg, conf, socks, f);
	else
		text_listeners(r, reg, conf, socks, f);
	pk_socket_filter_free(f);
}
