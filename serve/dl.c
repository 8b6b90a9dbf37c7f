/* dl.c - dlopen() of libmicrohttpd (dl.h). */
#include <dlfcn.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "dl.h"

#define MHD_SONAME "libmicrohttpd.so.12"

/* A data pointer to a function pointer: POSIX guarantees dlsym's result
 * converts; memcpy says so without a cast the compiler warns about. */
#define LOAD(h, field, name, ok)                                   \
	do {                                                       \
		void *sym_ = dlsym((h), (name));                   \
		if (sym_ == NULL)                                  \
			(ok) = false;                              \
		memcpy(&(field), &sym_, sizeof sym_);              \
	} while (0)

int serve_mhd_load(serve_mhd *m, char *why, size_t size)
{
	bool ok = true;

	memset(m, 0, sizeof *m);
	m->handle = dlopen(MHD_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (m->handle == NULL) {
		snprintf(why, size, "cannot load %s (Debian: apt install libmicrohttpd12): %s",
			 MHD_SONAME, dlerror());
		return -1;
	}
	LOAD(m->handle, m->start_daemon, "MHD_start_daemon", ok);
	LOAD(m->handle, m->stop_daemon, "MHD_stop_daemon", ok);
	LOAD(m->handle, m->create_response_from_buffer, "MHD_create_response_from_buffer", ok);
	LOAD(m->handle, m->add_response_header, "MHD_add_response_header", ok);
	LOAD(m->handle, m->queue_response, "MHD_queue_response", ok);
	LOAD(m->handle, m->destroy_response, "MHD_destroy_response", ok);
	LOAD(m->handle, m->lookup_connection_value, "MHD_lookup_connection_value", ok);
	LOAD(m->handle, m->get_connection_info, "MHD_get_connection_info", ok);
	if (!ok) {
		snprintf(why, size, "%s lacks a function portkit needs", MHD_SONAME);
		dlclose(m->handle);
		m->handle = NULL;
		return -1;
	}
	return 0;
}
