/* listeners.c - `portkit listeners`' answer in both formats: every
 * listening TCP and bound UDP socket, like `ss -tulpn`, with where its
 * port lies for the kernel and the services the registry names on it. */
#include <stdio.h>
#include <string.h>

#include "render/finding.h"

/* Services named on one port, at most this many. */
#define SERVICES_MAX 32


/* names: the services the registry names on port/proto by the port-use
 * rule (pk_port_services, every origin), "name (unofficial), ..." (""
 * for none or without a registry). */
static pk_status service_names(const pk_registry *reg, uint16_t port,
			       pk_proto proto, pk_buf *names)
{
	pk_recid ids[SERVICES_MAX];
	pk_status st = PK_OK;
	size_t n = 0;

	names->len = 0;
	if (reg != NULL) {
		n = pk_port_services(reg, port, proto, PK_ORIGINMASK_ALL, ids,
				     SERVICES_MAX);
		n = n < SERVICES_MAX ? n : SERVICES_MAX;
	}
	for (size_t s = 0; s < n && st == PK_OK; s++) {
		pk_record rec;
		if (pk_record_get(reg, ids[s], &rec, NULL) != PK_OK)
			continue;
		st = pk__buf_printf(names, "%s%s%s", names->len ? ", " : "",
				    rec.name,
				    rec.origin == PK_ORIGIN_UNOFFICIAL ?
					    " (unofficial)" :
				    rec.origin == PK_ORIGIN_APP ? " (app)" : "");
	}
	return st == PK_OK ? pk__buf_terminate(names) : st;
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
		pk_status st = service_names(reg, k->port, k->proto, &names);
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

static void json_services(pk_render *r, const char *key,
			  const pk_registry *reg, uint16_t port, pk_proto proto)
{
	pk_recid ids[SERVICES_MAX];
	size_t n = 0;

	if (reg != NULL) {
		n = pk_port_services(reg, port, proto, PK_ORIGINMASK_ALL, ids,
				     SERVICES_MAX);
		n = n < SERVICES_MAX ? n : SERVICES_MAX;
	}
	pk__json_array_begin(r, key);
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
}

static void json_user(pk_render *r, uint32_t uid)
{
	char user[40];

	pk__json_uint(r, "uid", uid);
	pk__json_string(r, "user", r->flags & PK_RENDER_NUMERIC ? NULL :
				   pk_user_name(uid, user, sizeof user));
}

static void json_listeners(pk_render *r, const pk_registry *reg,
			   const pk_host_portconf *conf,
			   const pk_host_sockets *socks,
			   const pk_socket_filter *filter, bool all)
{
	size_t count = 0, nconns = 0;

	for (size_t i = 0; i < pk_host_sockets_count(socks); i++)
		count += listed(pk_host_sockets_get(socks, i), filter);
	for (size_t i = 0; all && i < pk_host_sockets_conn_count(socks); i++)
		nconns += pk_socket_filter_match_conn(filter,
						      pk_host_sockets_conn(socks, i));
	pk__json_document_begin(r, "listeners");
	pk__json_registry(r, "registry", reg);
	pk__json_host(r, conf, socks);
	pk__json_protocols(r, "protocols", pk_socket_filter_get_protos(filter));
	pk__json_uint(r, "count", count);
	pk__json_array_begin(r, "sockets");
	for (size_t i = 0; i < pk_host_sockets_count(socks); i++) {
		const pk_socket *k = pk_host_sockets_get(socks, i);
		char addr[64];
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
		json_user(r, k->uid);
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
		json_services(r, "services", reg, k->port, k->proto);
		pk__json_string(r, "range", range_note(conf, k->port));
		pk__json_object_end(r);
	}
	pk__json_array_end(r);
	if (all) {
		pk__json_uint(r, "connection_count", nconns);
		pk__json_array_begin(r, "connections");
		for (size_t i = 0; i < pk_host_sockets_conn_count(socks); i++) {
			const pk_conn *c = pk_host_sockets_conn(socks, i);
			char addr[64];
			if (!pk_socket_filter_match_conn(filter, c))
				continue;
			pk__json_object_begin(r, NULL);
			pk__json_string(r, "protocol", pk_proto_name(c->proto));
			pk__json_uint(r, "family", c->family);
			pk__json_string(r, "state", pk_tcp_state_name(c->state));
			pk__json_string(r, "local_address",
					pk_addr_format(c->family, c->laddr, addr, sizeof addr));
			pk__json_uint(r, "local_port", c->lport);
			pk__json_string(r, "remote_address",
					pk_addr_format(c->family, c->raddr, addr, sizeof addr));
			pk__json_uint(r, "remote_port", c->rport);
			json_user(r, c->uid);
			pk__json_uint(r, "inode", c->inode);
			if (c->pid != 0) {
				pk__json_int(r, "pid", c->pid);
				pk__json_string(r, "process", c->comm);
			} else {
				pk__json_null(r, "pid");
				pk__json_null(r, "process");
			}
			json_services(r, "local_services", reg, c->lport, c->proto);
			json_services(r, "remote_services", reg, c->rport, c->proto);
			pk__json_object_end(r);
		}
		pk__json_array_end(r);
	}
	pk__json_object_end(r);
}

/* "1.2.3.4:80", "[::1]:80". */
static const char *endpoint(uint8_t family, const uint8_t a[16], uint16_t port,
			    char *buf, size_t size)
{
	char addr[64];

	pk_addr_format(family, a, addr, sizeof addr);
	snprintf(buf, size, family == 6 ? "[%s]:%u" : "%s:%u", addr, port);
	return buf;
}

/* One table, `ss -tuap` style: the sockets, then the connections. */
static void text_all(pk_render *r, const pk_registry *reg,
		     const pk_host_sockets *socks,
		     const pk_socket_filter *filter)
{
	static const char *const head[] = { "PROTO", "STATE", "LOCAL", "PEER",
					    "USER", "PROCESS", "SERVICE",
					    "PEER-SERVICE" };
	pk_text_table *t = pk__table_new(r, 8);
	size_t shown = 0;
	pk_buf lnames, rnames;
	pk_status st = PK_OK;

	pk__buf_init(&lnames, 1 << 16);
	pk__buf_init(&rnames, 1 << 16);
	pk__table_add_header(r, t, head);
	size_t nsocks = pk_host_sockets_count(socks);
	size_t nconns = pk_host_sockets_conn_count(socks);
	for (size_t i = 0; t != NULL && st == PK_OK && i < nsocks + nconns; i++) {
		const pk_socket *k = i < nsocks ? pk_host_sockets_get(socks, i) : NULL;
		const pk_conn *c = k == NULL ? pk_host_sockets_conn(socks, i - nsocks) : NULL;
		char local[96], peer[96], uid[40], proc[48];
		pk_proto proto;
		uint32_t uidnum;
		int32_t pid;
		const char *comm;
		if (k != NULL) {
			if (!listed(k, filter))
				continue;
			endpoint(k->family, k->addr, k->port, local, sizeof local);
			if (k->dual_stack)
				snprintf(local + strlen(local), sizeof local - strlen(local), " +v4");
			snprintf(peer, sizeof peer, "*");
			proto = k->proto;
			uidnum = k->uid;
			pid = k->pid;
			comm = k->comm;
			st = service_names(reg, k->port, proto, &lnames);
			rnames.len = 0;
			if (st == PK_OK)
				st = pk__buf_terminate(&rnames);
		} else {
			if (!pk_socket_filter_match_conn(filter, c))
				continue;
			endpoint(c->family, c->laddr, c->lport, local, sizeof local);
			endpoint(c->family, c->raddr, c->rport, peer, sizeof peer);
			proto = c->proto;
			uidnum = c->uid;
			pid = c->pid;
			comm = c->comm;
			st = service_names(reg, c->lport, proto, &lnames);
			if (st == PK_OK)
				st = service_names(reg, c->rport, proto, &rnames);
		}
		if (st != PK_OK)
			break;
		if (r->flags & PK_RENDER_NUMERIC)
			snprintf(uid, sizeof uid, "%u", uidnum);
		else
			pk_user_name(uidnum, uid, sizeof uid);
		if (pid != 0)
			snprintf(proc, sizeof proc, "%s/%d", comm, pid);
		else
			snprintf(proc, sizeof proc, "-");
		const char *row[] = { pk_proto_name(proto),
				      k != NULL ? "listening" : pk_tcp_state_name(c->state),
				      local, peer, uid, proc,
				      lnames.len ? lnames.data : "-",
				      rnames.len ? rnames.data : "-" };
		pk__table_add(r, t, row);
		shown++;
	}
	if (st != PK_OK)
		pk__render_fail(r, st, "listeners: %s", pk_strerror(st));
	else if (shown > 0)
		pk__table_write(r, t);
	pk__table_free(t);
	pk__buf_free(&lnames);
	pk__buf_free(&rnames);
}

void pk_render_listeners_all(pk_render *r, const pk_registry *reg,
			     const pk_host_portconf *conf,
			     const pk_host_sockets *socks,
			     const pk_socket_filter *filter)
{
	if (r->format == PK_RENDER_JSON)
		json_listeners(r, reg, conf, socks, filter, true);
	else
		text_all(r, reg, socks, filter);
}

void pk_render_listeners_where(pk_render *r, const pk_registry *reg,
			       const pk_host_portconf *conf,
			       const pk_host_sockets *socks,
			       const pk_socket_filter *filter)
{
	if (r->format == PK_RENDER_JSON)
		json_listeners(r, reg, conf, socks, filter, false);
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
		json_listeners(r, reg, conf, socks, f, false);
	else
		text_listeners(r, reg, conf, socks, f);
	pk_socket_filter_free(f);
}
