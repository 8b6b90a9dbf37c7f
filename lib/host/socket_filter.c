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
};

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

bool pk_socket_filter_match(const pk_socket_filter *f, const pk_socket *k)
{
	if (f == NULL)
		return true;
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
