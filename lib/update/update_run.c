/* update_run.c - the whole update sequence (pk_update): fetch, check the
 * format, import, add the extras, compare, create directories, install.
 *
 * The order makes a failed or interrupted update harmless: everything
 * that can fail on the data (download, format, import, merge) runs before
 * anything is written, and the write itself is atomic (pk_registry_save:
 * temporary file, fsync, rename).  Until the rename the previous index is
 * untouched; a process killed at any point leaves it as it was. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/internal.h"
#include "registry/registry_internal.h"

/* The official XML is about 4 MB; anything far larger is not it. */
#define DOWNLOAD_MAX_BYTES ((size_t)64 << 20)

/* update reads IANA's registry only; the first bytes tell the format. */
#define PEEK_BYTES 4096

typedef struct change {
	char kind;      /* '+', '-', '~' */
	bool previous;  /* id refers to the previous registry */
	pk_recid id;
} change;

struct pk_update {
	/* settings */
	char *url;
	char *file;
	pk_format fmt;
	pk_update_target target;
	char *target_path;
	char *current;
	bool extras_set;
	const pk_registry *extras;
	pk_progress_fn progress;
	void *progress_ctx;
	unsigned timeout_s; /* 0: pk_download's default */
	bool force;
	/* outcome */
	pk_update_step step;
	char *output;
	pk_registry *installed;
	pk_registry *previous;
	char *previous_problem;
	pk_diff_stats changes;
	change *list;
	size_t nlist, caplist;
	bool list_failed;
	bool in_place; /* the new index was renamed over the target */
	char *shadowed_by;
};

pk_status pk_update_new(pk_update **out, pk_error *err)
{
	*out = calloc(1, sizeof **out);
	if (*out == NULL)
		return pk__error_set(err, PK_NOMEM, "update: %s", pk_strerror(PK_NOMEM));
	(*out)->fmt = PK_FORMAT_AUTO;
	(*out)->target = PK_UPDATE_USER;
	return PK_OK;
}

/* Forgets what an earlier run found. */
static void reset_outcome(pk_update *u)
{
	free(u->output);
	pk_registry_close(u->installed);
	pk_registry_close(u->previous);
	free(u->previous_problem);
	free(u->list);
	free(u->shadowed_by);
	u->output = NULL;
	u->installed = NULL;
	u->previous = NULL;
	u->previous_problem = NULL;
	u->list = NULL;
	u->nlist = u->caplist = 0;
	u->list_failed = false;
	u->in_place = false;
	u->shadowed_by = NULL;
	memset(&u->changes, 0, sizeof u->changes);
	u->step = PK_UPDATE_NOT_RUN;
}

void pk_update_free(pk_update *u)
{
	if (u == NULL)
		return;
	reset_outcome(u);
	free(u->url);
	free(u->file);
	free(u->target_path);
	free(u->current);
	free(u);
}

/* Replaces *slot with a copy of s (NULL clears it). */
static pk_status set_string(char **slot, const char *s, const char *what,
			    pk_error *err)
{
	char *copy = NULL;

	if (s != NULL && (copy = strdup(s)) == NULL)
		return pk__error_set(err, PK_NOMEM, "%s: %s", what, pk_strerror(PK_NOMEM));
	free(*slot);
	*slot = copy;
	return PK_OK;
}

pk_status pk_update_set_url(pk_update *u, const char *url, pk_error *err)
{
	pk_status st = pk_url_check(url, err);
	if (st == PK_OK)
		st = set_string(&u->url, url, "update URL", err);
	if (st == PK_OK) {
		free(u->file);
		u->file = NULL;
	}
	return st;
}

pk_status pk_update_set_file(pk_update *u, const char *path, pk_error *err)
{
	if (path == NULL || path[0] == '\0')
		return pk__error_set(err, PK_INVAL, "update: empty file name");
	pk_status st = set_string(&u->file, path, "update file", err);
	if (st == PK_OK) {
		free(u->url);
		u->url = NULL;
	}
	return st;
}

pk_status pk_update_set_format(pk_update *u, pk_format fmt, pk_error *err)
{
	if (fmt != PK_FORMAT_AUTO && fmt != PK_FORMAT_XML && fmt != PK_FORMAT_CSV)
		return pk__error_set(err, PK_INVAL,
				    "invalid format '%s' for an update: expected xml or csv "
				    "(IANA's two formats)", pk_format_name(fmt));
	u->fmt = fmt;
	return PK_OK;
}

pk_status pk_update_set_output(pk_update *u, pk_update_target target,
			       const char *path, pk_error *err)
{
	switch (target) {
	case PK_UPDATE_USER:
	case PK_UPDATE_SYSTEM:
		if (path != NULL)
			return pk__error_set(err, PK_INVAL,
					    "update: a path is given only with PK_UPDATE_FILE");
		break;
	case PK_UPDATE_FILE:
		if (path == NULL || path[0] == '\0')
			return pk__error_set(err, PK_INVAL, "update: empty index path");
		break;
	default:
		return pk__error_set(err, PK_INVAL, "update: unknown target %d", (int)target);
	}
	pk_status st = set_string(&u->target_path, path, "update target", err);
	if (st == PK_OK)
		u->target = target;
	return st;
}

pk_status pk_update_set_current(pk_update *u, const char *path, pk_error *err)
{
	if (path != NULL && path[0] == '\0')
		return pk__error_set(err, PK_INVAL, "update: empty index path");
	return set_string(&u->current, path, "update: the current index", err);
}

void pk_update_set_extras(pk_update *u, const pk_registry *extras)
{
	u->extras_set = true;
	u->extras = extras;
}

void pk_update_set_progress(pk_update *u, pk_progress_fn fn, void *ctx)
{
	u->progress = fn;
	u->progress_ctx = ctx;
}

void pk_update_set_force(pk_update *u, bool force)
{
	u->force = force;
}

pk_status pk_update_set_timeout(pk_update *u, unsigned seconds, pk_error *err)
{
	if (seconds > PK_DOWNLOAD_TIMEOUT_MAX)
		return pk__error_set(err, PK_RANGE, "download deadline %u s: at most %u s "
				    "(a day)", seconds, PK_DOWNLOAD_TIMEOUT_MAX);
	u->timeout_s = seconds;
	return PK_OK;
}

/* ---- the steps ---------------------------------------------------------- */

static pk_status resolve_target(pk_update *u, pk_error *err)
{
	char user[4096];
	const char *path;

	if (u->target == PK_UPDATE_FILE) {
		path = u->target_path;
	} else if (u->target == PK_UPDATE_SYSTEM) {
		path = PK_SYSTEM_INDEX_PATH;
	} else {
		pk_status st = pk_user_index_path(user, sizeof user, NULL);
		if (st == PK_NOTFOUND)
			return pk__error_set(err, st, "no place for the per-user index: "
					    "neither XDG_DATA_HOME nor HOME is set to an absolute path");
		if (st != PK_OK)
			return pk__error_set(err, st, "no place for the per-user index: "
					    "the path is too long");
		path = user;
	}
	return set_string(&u->output, path, "update target", err);
}

/* Refuses what is not IANA's XML or CSV, naming what it looks like,
 * rather than failing later as "malformed XML". */
static pk_status check_format(const char *data, size_t len, const char *input,
			      pk_format *fmt, pk_error *err)
{
	const char *foreign = pk_format_foreign(data, len);
	if (foreign != NULL)
		return pk__error_set(err, PK_PARSE, "%s is %s, not IANA's XML or CSV registry%s",
				    input, foreign,
				    strcmp(foreign, "gzip-compressed data") == 0 ?
					    ": decompress it first (gunzip)" :
				    strcmp(foreign, "an HTML page") == 0 ?
					    ": a server's error or login page? check the URL" : "");
	if (*fmt != PK_FORMAT_AUTO)
		return PK_OK;
	*fmt = pk_format_detect(data, len);
	if (*fmt == PK_FORMAT_XML || *fmt == PK_FORMAT_CSV)
		return PK_OK;
	return pk__error_set(err, PK_UNSUPPORTED,
			    "%s: looks like the %s format, not IANA's XML or CSV registry",
			    input, pk_format_name(*fmt));
}

/* The first bytes of a file, for check_format; an unreadable file is left
 * to the import, whose message names it. */
static size_t peek_file(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "rb");
	size_t n = 0;

	if (f != NULL) {
		n = fread(buf, 1, size, f);
		fclose(f);
	}
	return n;
}

/* Fetch, check the format, import: *fresh is IANA's registry. */
static pk_status fetch_and_import(pk_update *u, const char *input,
				  pk_registry **fresh, pk_error *err)
{
	pk_format fmt = u->fmt;
	pk_status st;

	if (u->file != NULL) {
		char head[PEEK_BYTES];
		size_t n = peek_file(u->file, head, sizeof head);
		u->step = PK_UPDATE_FORMAT;
		if (n > 0 && (st = check_format(head, n, input, &fmt, err)) != PK_OK)
			return st;
		u->step = PK_UPDATE_IMPORT;
		return pk_registry_import(u->file, fmt == PK_FORMAT_AUTO ? PK_FORMAT_XML : fmt,
					  fresh, err);
	}
	char *data = NULL;
	size_t len = 0;
	u->step = PK_UPDATE_FETCH;
	st = pk_download_timeout(input, DOWNLOAD_MAX_BYTES, u->timeout_s, u->progress,
				 u->progress_ctx, &data, &len, err);
	if (st == PK_OK) {
		u->step = PK_UPDATE_FORMAT;
		st = check_format(data, len, input, &fmt, err);
	}
	if (st == PK_OK) {
		u->step = PK_UPDATE_IMPORT;
		st = pk_registry_import_mem(data, len, fmt, input, fresh, err);
	}
	free(data);
	return st;
}

/* What to compare with: the file about to be replaced when there is one;
 * else, for the per-user and system index, the registry in use now (which
 * the new index will shadow); a new file of the caller's has nothing
 * before it.  An unreadable index is about to be replaced, so that is no
 * failure: the problem is kept, and the comparison is with the embedded
 * snapshot (or with nothing). */
static void open_previous(pk_update *u)
{
	pk_registry *reg = NULL;
	pk_error err;
	pk_status st;

	if (access(u->output, F_OK) == 0)
		st = pk_registry_open_file(u->output, &reg, &err);
	else if (u->target == PK_UPDATE_FILE)
		return;
	else if (u->current != NULL)
		st = pk_registry_open_file(u->current, &reg, &err);
	else
		st = pk_registry_open_default(&reg, &err);
	if (st == PK_OK) {
		u->previous = reg;
		return;
	}
	u->previous_problem = strdup(err.message);
	if (pk_registry_open_embedded(&reg, &err) == PK_OK)
		u->previous = reg;
}

static void on_change(void *ctx, char kind, const pk_registry *reg, pk_recid id)
{
	pk_update *u = ctx;

	if (u->list_failed)
		return;
	if (u->nlist == u->caplist) {
		size_t cap = u->caplist ? u->caplist * 2 : 256;
		change *p = realloc(u->list, cap * sizeof *p);
		if (p == NULL) {
			u->list_failed = true;
			return;
		}
		u->list = p;
		u->caplist = cap;
	}
	u->list[u->nlist++] = (change){ kind, reg == u->previous, id };
}

/* The index pk_registry_open_default() opens ahead of the new one. */
static void find_shadow(pk_update *u)
{
	const char *env = getenv("PORTKIT_INDEX");
	char user[4096];

	if (env != NULL && env[0] != '\0') {
		if (strcmp(env, u->output) != 0)
			u->shadowed_by = strdup(env);
	} else if (u->target == PK_UPDATE_SYSTEM &&
		   pk_user_index_path(user, sizeof user, NULL) == PK_OK &&
		   access(user, F_OK) == 0) {
		u->shadowed_by = strdup(user);
	}
}

pk_status pk_update_run(pk_update *u, pk_error *err)
{
	const char *input = pk_update_input(u);
	pk_registry *fresh = NULL;
	pk_registry *embedded = NULL;
	pk_registry *merged = NULL;
	pk_status st;

	pk__error_clear(err);
	reset_outcome(u);

	/* 1. Where to, then fetch and validate: nothing is written before
	 * this succeeds. */
	u->step = PK_UPDATE_TARGET;
	st = resolve_target(u, err);
	if (st != PK_OK)
		goto out;
	st = fetch_and_import(u, input, &fresh, err);
	if (st != PK_OK)
		goto out;
	if (pk_registry_count(fresh) == 0) {
		u->step = PK_UPDATE_EMPTY;
		st = pk__error_set(err, PK_PARSE, "%s holds no records", input);
		goto out;
	}

	/* 2. Keep what the snapshot knows beyond IANA. */
	u->step = PK_UPDATE_MERGE;
	const pk_registry *extras = u->extras;
	if (!u->extras_set && pk_registry_open_embedded(&embedded, NULL) == PK_OK)
		extras = embedded; /* else a library built without one */
	st = pk_registry_add_extras(fresh, extras, &merged, err);
	if (st != PK_OK)
		goto out;

	/* 3. What changes, then 4. install. */
	open_previous(u);
	/* An unreadable index in use is replaced whatever the snapshot's
	 * date: it is not what lookups use. */
	if (u->previous != NULL && !u->force && u->previous_problem == NULL) {
		pk_registry_info was, now;
		pk_registry_get_info(u->previous, &was);
		pk_registry_get_info(fresh, &now);
		/* YYYY-MM-DD: byte order is time order. */
		if (was.updated[0] != '\0' && now.updated[0] != '\0' &&
		    strcmp(now.updated, was.updated) < 0) {
			u->step = PK_UPDATE_OLDER;
			st = pk__error_set(err, PK_REFUSED,
					  "%s is older (%s) than the registry in use (%s, %s)",
					  input, now.updated, was.source, was.updated);
			goto out;
		}
	}
	/* Popularity (nmap-services, added by `portkit import --add`) is
	 * not IANA's: carried over from the registry in use. */
	if (u->previous != NULL && pk_popularity_count(u->previous) > 0 &&
	    pk_popularity_count(merged) == 0) {
		pk_registry *with = NULL;
		st = pk_registry_add_popularity(merged, u->previous, &with, err);
		if (st != PK_OK)
			goto out;
		pk_registry_close(merged);
		merged = with;
	}
	if (u->previous != NULL)
		pk_registry_diff(u->previous, merged, on_change, u, &u->changes);
	if (u->list_failed) {
		st = pk__error_set(err, PK_NOMEM, "listing the changes: %s",
				  pk_strerror(PK_NOMEM));
		goto out;
	}
	u->step = PK_UPDATE_DIRS;
	st = pk_make_parent_dirs(u->output, err);
	if (st != PK_OK)
		goto out;
	u->step = PK_UPDATE_INSTALL;
	st = pk__registry_save(merged, u->output, &u->in_place, err);
	if (st != PK_OK && !u->in_place)
		goto out;
	/* Renamed into place: the new registry is the one in use, even when
	 * syncing its directory then failed (st says so, the step stays
	 * PK_UPDATE_INSTALL). */
	u->installed = merged;
	merged = NULL;
	if (st != PK_OK)
		goto out;
	find_shadow(u);
	u->step = PK_UPDATE_DONE;
out:
	pk_registry_close(fresh);
	pk_registry_close(embedded);
	pk_registry_close(merged);
	return st;
}

/* ---- the outcome ---------------------------------------------------------- */

pk_update_step pk_update_get_step(const pk_update *u)
{
	return u->step;
}

const char *pk_update_input(const pk_update *u)
{
	return u->file ? u->file : u->url ? u->url : PK_IANA_XML_URL;
}

const char *pk_update_output(const pk_update *u)
{
	return u->output ? u->output : "";
}

const pk_registry *pk_update_registry(const pk_update *u)
{
	return u->installed;
}

bool pk_update_in_place(const pk_update *u)
{
	return u->in_place;
}

const pk_registry *pk_update_previous(const pk_update *u)
{
	return u->previous;
}

const char *pk_update_previous_problem(const pk_update *u)
{
	return u->previous_problem;
}

void pk_update_get_changes(const pk_update *u, pk_diff_stats *out)
{
	*out = u->changes;
}

size_t pk_update_change_count(const pk_update *u)
{
	return u->nlist;
}

char pk_update_change(const pk_update *u, size_t i, const pk_registry **reg,
		      pk_recid *id)
{
	if (i >= u->nlist)
		return 0;
	if (reg != NULL)
		*reg = u->list[i].previous ? u->previous : u->installed;
	if (id != NULL)
		*id = u->list[i].id;
	return u->list[i].kind;
}

const char *pk_update_shadowed_by(const pk_update *u)
{
	return u->shadowed_by;
}
