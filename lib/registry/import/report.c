/* report.c - what an import with a report keeps: the warnings about lines
 * and records it skipped (the first PK_IMPORT_WARNINGS_KEPT with their
 * text, all of them counted) and the counts the summary shows. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "registry/import/import.h"

typedef struct warning {
	char *file;
	char *message;
	unsigned long line;
} warning;

struct pk_import_report {
	unsigned flags;
	uint64_t count[PK_IMPORT_NONCONFORMING + 1];
	warning kept[PK_IMPORT_WARNINGS_KEPT];
	size_t nkept;
};

pk_status pk_import_report_new(unsigned flags, pk_import_report **out,
			       pk_error *err)
{
	*out = calloc(1, sizeof **out);
	if (*out == NULL)
		return pk__error_set(err, PK_NOMEM, "import report: %s",
				    pk_strerror(PK_NOMEM));
	(*out)->flags = flags;
	return PK_OK;
}

void pk_import_report_free(pk_import_report *rep)
{
	if (rep == NULL)
		return;
	for (size_t i = 0; i < rep->nkept; i++) {
		free(rep->kept[i].file);
		free(rep->kept[i].message);
	}
	free(rep);
}

size_t pk_import_report_kept(const pk_import_report *rep)
{
	return rep != NULL ? rep->nkept : 0;
}

const char *pk_import_report_warning(const pk_import_report *rep, size_t i,
				     const char **file, unsigned long *line)
{
	if (rep == NULL || i >= rep->nkept)
		return NULL;
	if (file != NULL)
		*file = rep->kept[i].file;
	if (line != NULL)
		*line = rep->kept[i].line;
	return rep->kept[i].message;
}

uint64_t pk_import_report_count(const pk_import_report *rep,
				pk_import_count what)
{
	if (rep == NULL || (unsigned)what > PK_IMPORT_NONCONFORMING)
		return 0;
	return rep->count[what];
}

void pk__report_add(pk_import_report *rep, pk_import_count what,
		    uint64_t n)
{
	if (rep != NULL && (unsigned)what <= PK_IMPORT_NONCONFORMING)
		rep->count[what] += n;
}

bool pk__report_strict(const pk_import_report *rep)
{
	return rep == NULL || (rep->flags & PK_IMPORT_STRICT) != 0;
}

pk_status pk__import_vwarn(pk_builder *b, pk_error *err, const char *label,
			   unsigned long line, const char *left_out,
			   const char *fmt, va_list ap)
{
	pk_import_report *rep = pk__builder_report(b);
	char msg[PK_ERROR_MESSAGE_SIZE];
	int n = vsnprintf(msg, sizeof msg, fmt, ap);

	if (pk__report_strict(rep))
		return pk__import_fail(err, PK_PARSE, label, line, "%s", msg);
	if (left_out != NULL && n >= 0 && (size_t)n < sizeof msg)
		snprintf(msg + n, sizeof msg - (size_t)n, "; %s skipped",
			 left_out);
	rep->count[PK_IMPORT_WARNINGS]++;
	/* A comment is part of an entry that was kept. */
	if (left_out != NULL && strcmp(left_out, "comment") != 0)
		rep->count[PK_IMPORT_SKIPPED]++;
	if (rep->nkept < PK_IMPORT_WARNINGS_KEPT) {
		warning *w = &rep->kept[rep->nkept];
		/* Without memory for its text the warning is still counted. */
		w->file = strdup(label != NULL ? label : "<input>");
		w->message = strdup(msg);
		w->line = line;
		if (w->file != NULL && w->message != NULL) {
			rep->nkept++;
		} else {
			free(w->file);
			free(w->message);
		}
	}
	return PK_OK;
}

pk_status pk__import_warn(pk_builder *b, pk_error *err, const char *label,
			  unsigned long line, const char *left_out,
			  const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	pk_status st = pk__import_vwarn(b, err, label, line, left_out, fmt, ap);
	va_end(ap);
	return st;
}
