/* socket_filter.c - which listed sockets a question is about (`portkit
 * listeners --port 80,443 --process nginx --user www-data`), and users by
 * name: the filters of ss, for every front end. */
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/internal.h"

struct pk_socket_filter {
	bool have_ports;
	pk_portset ports;
	unsigned protomask;
	int32_t pid;         /* 0: none */
	char comm[16];       /* "": none */
	bool have_uid;
	uint32_t uid;
	unsigned states;     /* 1 << kernel TCP state; 0: any */
};

/* ss's names, indexed by the kernel's numbers (tcp_states.h). */
static const char *const state_names[] = {
	NULL, "established", "syn-sent", "syn-recv", "fin-wait-1",
	"fin-wait-2", "time-wait", "closed", "close-wait", "last-ack",
	"listening", "closing"
};
#define NSTATES (sizeof state_names / sizeof state_names[0])
#define STATE_LISTEN 10u
#define STATE_CLOSE 7u

const char *pk_tcp_state_name(unsigned state)
{
	return state > 0 && state < NSTATES ? state_names[state] : "?";
}

pk_status pk_socket_filter_new(pk_socket_filter **out, pk_error *err)
{
	*out = calloc(1, sizeof **out);
	return *out != NULL ? PK_OK : pk__error_set(err, PK_NOMEM, "out of memory");
}

void pk_socket_filter_free(pk_socket_filter *f)
{
	free(f);
}

void pk_socket_filter_ports(pk_socket_filter *f, const pk_portset *ports)
{
	f->have_ports = ports != NULL;
	if (ports != NULL)
		f->ports = *ports;
}

void pk_socket_filter_protos(pk_socket_filter *f, unsigned protomask)
{
	f->protomask = protomask & PK_PROTOMASK_TRANSPORTS;
}

unsigned pk_socket_filter_get_protos(const pk_socket_filter *f)
{
	return f != NULL ? f->protomask : 0;
}

/* A decimal below 2^31, digits only. */
static bool parse_id(const char *s, uint32_t *out)
{
	uint64_t v = 0;

	if (s[0] == '\0' || strspn(s, "0123456789") != strlen(s) || strlen(s) > 10)
		return false;
	for (const char *p = s; *p != '\0'; p++)
		v = v * 10 + (uint64_t)(*p - '0');
	if (v > 0x7fffffff)
		return false;
	*out = (uint32_t)v;
	return true;
}

pk_status pk_socket_filter_process(pk_socket_filter *f, const char *process,
				   pk_error *err)
{
	uint32_t pid;

	f->pid = 0;
	f->comm[0] = '\0';
	if (process == NULL)
		return PK_OK;
	if (parse_id(process, &pid) && pid > 0) {
		f->pid = (int32_t)pid;
		return PK_OK;
	}
	size_t n = strlen(process);
	if (n == 0 || n >= sizeof f->comm)
		return pk__error_set(err, PK_INVAL,
				    "invalid process '%.40s': expected a pid or a process name of 1-15 bytes (as ps -o comm shows it)",
				    process);
	memcpy(f->comm, process, n + 1);
	return PK_OK;
}

pk_status pk_socket_filter_user(pk_socket_filter *f, const char *user,
				pk_error *err)
{
	uint32_t uid;

	f->have_uid = false;
	if (user == NULL)
		return PK_OK;
	if (parse_id(user, &uid)) {
		f->have_uid = true;
		f->uid = uid;
		return PK_OK;
	}
	struct passwd pw, *res = NULL;
	char buf[4096];
	if (getpwnam_r(user, &pw, buf, sizeof buf, &res) != 0 || res == NULL)
		return pk__error_set(err, PK_NOTFOUND,
				    "unknown user '%.40s': expected a user name or a uid", user);
	f->have_uid = true;
	f->uid = (uint32_t)pw.pw_uid;
	return PK_OK;
}

pk_status pk_socket_filter_states(pk_socket_filter *f, const char *states,
				  pk_error *err)
{
	unsigned mask = 0;

	f->states = 0;
	if (states == NULL)
		return PK_OK;
	for (const char *p = states;; p++) {
		size_t n = strcspn(p, ",");
		unsigned m = 0;
		if (n == sizeof "connected" - 1 && memcmp(p, "connected", n) == 0)
			m = ((1u << NSTATES) - 2) & ~(1u << STATE_LISTEN | 1u << STATE_CLOSE);
		for (unsigned i = 1; i < NSTATES && m == 0; i++)
			if (strlen(state_names[i]) == n && memcmp(p, state_names[i], n) == 0)
				m = 1u << i;
		if (m == 0)
			return pk__error_set(err, PK_INVAL,
					    "invalid state '%.*s': expected listening, established, syn-sent, syn-recv, fin-wait-1, fin-wait-2, time-wait, close-wait, last-ack, closing, closed or connected",
					    (int)(n > 40 ? 40 : n), p);
		mask |= m;
		p += n;
		if (*p == '\0')
			break;
	}
	f->states = mask;
	return PK_OK;
}

bool pk_socket_filter_has_states(const pk_socket_filter *f)
{
	return f != NULL && f->states != 0;
}

bool pk_socket_filter_match_conn(const pk_socket_filter *f, const pk_conn *c)
{
	if (f == NULL)
		return true;
	if (f->have_ports && !pk_portset_contains(&f->ports, c->lport) &&
	    !pk_portset_contains(&f->ports, c->rport))
		return false;
	if (f->protomask != 0 && !(f->protomask & PK_PROTOMASK(c->proto)))
		return false;
	if (f->pid != 0 && c->pid != f->pid)
		return false;
	if (f->comm[0] != '\0' && (c->pid == 0 || strcmp(f->comm, c->comm) != 0))
		return false;
	if (f->have_uid && c->uid != f->uid)
		return false;
	if (f->states != 0 && (c->state >= NSTATES || !(f->states & (1u << c->state))))
		return false;
	return true;
}

bool pk_socket_filter_match(const pk_socket_filter *f, const pk_socket *k)
{
	if (f == NULL)
		return true;
	/* Listed sockets are all "listening" (bound UDP as `ss -l` has it). */
	if (f->states != 0 && !(f->states & (1u << STATE_LISTEN)))
		return false;
	if (f->have_ports && !pk_portset_contains(&f->ports, k->port))
		return false;
	if (f->protomask != 0 && !(f->protomask & PK_PROTOMASK(k->proto)))
		return false;
	if (f->pid != 0 && k->pid != f->pid)
		return false;
	if (f->comm[0] != '\0' && strcmp(f->comm, k->comm) != 0)
		return false;
	if (f->have_uid && k->uid != f->uid)
		return false;
	return true;
}

const char *pk_user_name(uint32_t uid, char *buf, size_t size)
{
	struct passwd pw, *res = NULL;
	char tmp[4096];

	if (getpwuid_r((uid_t)uid, &pw, tmp, sizeof tmp, &res) == 0 && res != NULL &&
	    strlen(pw.pw_name) < size)
		snprintf(buf, size, "%s", pw.pw_name);
	else
		snprintf(buf, size, "%u", (unsigned)uid);
	return buf;
}
