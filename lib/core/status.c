/* status.c - status codes and the error report every fallible call fills. */
#include <stdio.h>
#include <string.h>

#include "core/internal.h"

static const char *const status_names[] = {
#define XX(name, msg) "PK_" #name,
	PK_STATUS_MAP(XX)
#undef XX
};

static const char *const status_messages[] = {
#define XX(name, msg) msg,
	PK_STATUS_MAP(XX)
#undef XX
};

const char *pk_version(void)
{
	return PK_VERSION_STRING;
}

const char *pk_severity_name(pk_severity sev)
{
	switch (sev) {
	case PK_SEV_OK: return "ok";
	case PK_SEV_INFO: return "info";
	case PK_SEV_WARNING: return "warning";
	case PK_SEV_ERROR: return "error";
	}
	return "unknown";
}

const char *pk_status_name(pk_status status)
{
	if ((unsigned)status >= (unsigned)PK_STATUS_COUNT_)
		return "PK_UNKNOWN";
	return status_names[status];
}

const char *pk_strerror(pk_status status)
{
	if ((unsigned)status >= (unsigned)PK_STATUS_COUNT_)
		return "unknown status";
	return status_messages[status];
}

void pk__error_clear(pk_error *err)
{
	if (err == NULL)
		return;
	err->status = PK_OK;
	err->message[0] = '\0';
}

pk_status pk__error_setv(pk_error *err, pk_status status, const char *fmt,
			va_list ap)
{
	if (err == NULL)
		return status;
	err->status = status;
	if (fmt == NULL || fmt[0] == '\0')
		snprintf(err->message, sizeof err->message, "%s",
			 pk_strerror(status));
	else
		vsnprintf(err->message, sizeof err->message, fmt, ap);
	return status;
}

pk_status pk__error_set(pk_error *err, pk_status status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	pk__error_setv(err, status, fmt, ap);
	va_end(ap);
	return status;
}
