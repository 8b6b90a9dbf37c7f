/* cmd_update.c - `portkit update [--url URL | --file FILE] [--system]`:
 * installs the full IANA registry.
 *
 * The order makes a failed or interrupted update harmless: download,
 * import (which validates everything), add the embedded snapshot's
 * services(5) names and unofficial uses, compare with the registry in use,
 * and only then write the index, atomically (pk_registry_save: temporary
 * file, fsync, rename).  Until the rename the previous index is untouched;
 * Ctrl-C at any point leaves it as it was. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "records.h"

/* The official XML is about 4 MB; anything far larger is not it. */
#define DOWNLOAD_MAX_BYTES ((size_t)64 << 20)

typedef struct progress {
	const char *url;
	int last_permille;
	uint64_t last_bytes;
	bool shown;
} progress;

static int show_progress(void *ctx, uint64_t now, uint64_t total)
{
	progress *p = ctx;
	int permille = total > 0 ? (int)(now * 1000 / total) : -1;

	/* Redraw on each 0.1 % step, or every 256 kB when the size is unknown. */
	if (total > 0 ? permille == p->last_permille :
			now - p->last_bytes < 256 * 1024)
		return 0;
	p->last_permille = permille;
	p->last_bytes = now;
	p->shown = true;
	if (total > 0)
		fprintf(stderr, "\rdownloading: %.1f of %.1f MB (%d%%)  ",
			(double)now / 1e6, (double)total / 1e6, permille / 10);
	else
		fprintf(stderr, "\rdownloading: %.1f MB  ", (double)now / 1e6);
	return 0;
}

typedef struct change_ctx {
	bool print;
	unsigned shown;
} change_ctx;

static void on_change(void *ctx, char change, const pk_registry *reg,
		      pk_recid id)
{
	change_ctx *c = ctx;
	pk_record r;
	char ports[16] = "-";

	if (!c->print || pk_record_get(reg, id, &r, NULL) != PK_OK)
		return;
	if (r.has_port && r.port_lo == r.port_hi)
		snprintf(ports, sizeof ports, "%u", (unsigned)r.port_lo);
	else if (r.has_port)
		snprintf(ports, sizeof ports, "%u-%u", (unsigned)r.port_lo,
			 (unsigned)r.port_hi);
	printf("%c %s/%s %s\n", change, ports,
	       r.proto == PK_PROTO_NONE ? "-" : pk_proto_name(r.proto),
	       r.name ? r.name : r.description);
	c->shown++;
}

/* What to compare with: the file about to be replaced when there is one;
 * else, for the default places, the registry in use now (which the new
 * index will shadow); a new -o FILE has nothing before it (NULL).  An
 * unreadable index is about to be replaced, so that is a warning (and the
 * comparison is with the embedded snapshot, or with nothing). */
static pk_registry *open_previous(const cli_ctx *ctx, const char *target,
				  bool explicit_target)
{
	pk_registry *reg = NULL;
	pk_error err;
	pk_status st;

	if (access(target, F_OK) == 0)
		st = pk_registry_open_file(target, &reg, &err);
	else if (explicit_target)
		return NULL;
	else if (ctx->index_path)
		st = pk_registry_open_file(ctx->index_path, &reg, &err);
	else
		st = pk_registry_open_default(&reg, &err);

	if (st == PK_OK)
		return reg;
	if (explicit_target)
		cli_warn("%s cannot be read (%s); comparing with the embedded snapshot",
			 target, err.message);
	else
		cli_warn("the registry in use cannot be read (%s); comparing with the embedded snapshot",
			 err.message);
	if (pk_registry_open_embedded(&reg, &err) != PK_OK)
		reg = NULL;
	return reg;
}

/* update takes IANA's registry only: XML or CSV.  Without --format, the
 * first bytes decide (as for import); anything else is refused here,
 * naming what it looks like, rather than failing as "malformed XML". */
static int check_format(const char *data, size_t len, const char *input,
			pk_format *fmt)
{
	if (*fmt != PK_FORMAT_AUTO)
		return 0;
	*fmt = pk_format_detect(data, len);
	if (*fmt == PK_FORMAT_XML || *fmt == PK_FORMAT_CSV)
		return 0;
	cli_error("%s: looks like the %s format, not IANA's XML or CSV registry: update "
		  "installs IANA's registry (--format xml|csv forces one; "
		  "`portkit import` takes other formats)", input, pk_format_name(*fmt));
	return EXIT_DATA;
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

/* The date line: IANA's CSV carries no registry date, so say that rather
 * than "unknown". */
static void date_text(const pk_registry_info *info, const char *input, char *buf,
		      size_t size)
{
	if (info->updated[0] != '\0')
		snprintf(buf, size, "%s", info->updated);
	else if (strstr(info->source, "CSV") != NULL)
		snprintf(buf, size, "no date in %s (IANA's CSV has no registry date)",
			 input);
	else
		snprintf(buf, size, "no date in %s", input);
}

static int print_result(const cli_ctx *ctx, const pk_registry *reg,
			const pk_registry *prev, const char *input,
			const char *target, const pk_diff_stats *d)
{
	pk_registry_info info;
	pk_registry_info pi = { 0 };
	char counts[256], date[512], pdate[512];

	pk_registry_get_info(reg, &info);
	if (prev != NULL)
		pk_registry_get_info(prev, &pi);
	if (ctx->json) {
		json_t *root = json_object();
		json_t *changes = json_object();
		bool ok = root != NULL && changes != NULL &&
			  json_object_set_new(changes, "added", json_integer(d->added)) == 0 &&
			  json_object_set_new(changes, "removed", json_integer(d->removed)) == 0 &&
			  json_object_set_new(changes, "modified", json_integer(d->modified)) == 0 &&
			  json_object_set_new(changes, "unchanged", json_integer(d->unchanged)) == 0 &&
			  json_object_set_new(root, "input", json_string(input)) == 0 &&
			  json_object_set_new(root, "output", json_string(target)) == 0 &&
			  json_object_set_new(root, "source", json_string(info.source)) == 0 &&
			  json_object_set_new(root, "updated", json_string(info.updated)) == 0 &&
			  json_object_set_new(root, "records", json_integer(info.records)) == 0 &&
			  json_object_set_new(root, "by_protocol", rec_counts_json(&info)) == 0 &&
			  json_object_set_new(root, "previous", prev ? rec_registry_json(prev) :
								       json_null()) == 0 &&
			  json_object_set(root, "changes", changes) == 0;
		json_decref(changes);
		return cli_json_finish(root, ok);
	}
	rec_counts_text(&info, counts, sizeof counts);
	date_text(&info, input, date, sizeof date);
	printf("installed %s\n  source:   %s\n  updated:  %s\n  records:  %s\n  to:       %s\n",
	       input, info.source, date, counts, target);
	if (prev != NULL) {
		const char *name = (pi.flags & PK_REGFLAG_EMBEDDED) ?
					   "the embedded snapshot" : pi.origin;
		if (pi.updated[0] != '\0')
			snprintf(pdate, sizeof pdate, "updated %s", pi.updated);
		else
			snprintf(pdate, sizeof pdate, "no registry date%s",
				 strstr(pi.source, "CSV") ? ": imported from IANA's CSV" : "");
		printf("changes against the previous registry (%s, %s):\n"
		       "  %u added, %u removed, %u modified, %u unchanged\n",
		       name, pdate, (unsigned)d->added, (unsigned)d->removed,
		       (unsigned)d->modified, (unsigned)d->unchanged);
	} else {
		printf("no previous registry at %s: nothing to compare with\n", target);
	}
	return 0;
}

int cmd_update(int argc, char **argv, cli_ctx *ctx); /* for main.c */

int cmd_update(int argc, char **argv, cli_ctx *ctx)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "url", required_argument, NULL, 'u' },
		{ "file", required_argument, NULL, 'f' },
		{ "format", required_argument, NULL, 'F' },
		{ "system", no_argument, NULL, 's' },
		{ "output", required_argument, NULL, 'o' },
		CLI_COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	const char *url = NULL;
	const char *file = NULL;
	const char *target = NULL;
	bool system_wide = false;
	pk_format fmt = PK_FORMAT_AUTO;
	bool explicit_target = false;
	char user_path[4096];
	char head[4096];
	char *data = NULL;
	size_t len = 0;
	pk_registry *fresh = NULL;
	pk_registry *embedded = NULL;
	pk_registry *merged = NULL;
	pk_registry *prev = NULL;
	pk_error err;
	pk_status st;
	int rc;
	int opt;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "ho:" CLI_COMMON_SHORTOPTS, longopts,
				  NULL)) != -1) {
		switch (opt) {
		case 'h':
			printf("usage: portkit update [--url URL | --file FILE] [--format xml|csv] [--system | -o INDEX]\n"
			       "Downloads IANA's registry and installs it as the default registry.\n"
			       "Without --format, XML or CSV is told from the content; changes are\n"
			       "reported against the index being replaced.\n");
			return 0;
		case 'u':
			url = optarg;
			break;
		case 'f':
			file = optarg;
			break;
		case 'F':
			if (pk_format_parse(optarg, &fmt, NULL) != PK_OK ||
			    (fmt != PK_FORMAT_XML && fmt != PK_FORMAT_CSV)) {
				cli_error("invalid format '%.40s': expected xml or csv (IANA's two formats)",
					  optarg);
				return EXIT_USAGE;
			}
			break;
		case 's':
			system_wide = true;
			break;
		case 'o':
			target = optarg;
			explicit_target = true;
			break;
		default:
			rc = cli_common_option(opt, optarg, ctx);
			if (rc != 0)
				return rc;
		}
	}
	if (optind < argc) {
		cli_error("unexpected argument '%.40s': update takes only options", argv[optind]);
		return EXIT_USAGE;
	}
	if (url != NULL && file != NULL) {
		cli_error("--url and --file exclude each other");
		return EXIT_USAGE;
	}
	if (system_wide && target != NULL) {
		cli_error("--system and -o exclude each other");
		return EXIT_USAGE;
	}
	if (system_wide) {
		target = PK_SYSTEM_INDEX_PATH;
	} else if (target == NULL) {
		if (pk_user_index_path(user_path, sizeof user_path, NULL) != PK_OK) {
			cli_error("no place for the index: set XDG_DATA_HOME or HOME, or use --system");
			return EXIT_DATA;
		}
		target = user_path;
	}
	if (url == NULL && file == NULL)
		url = PK_IANA_XML_URL;

	/* 1. Fetch and validate: nothing is written before this succeeds. */
	if (file != NULL) {
		size_t n = peek_file(file, head, sizeof head);
		if (n > 0 && (rc = check_format(head, n, file, &fmt)) != 0)
			goto out;
		st = pk_registry_import(file, fmt == PK_FORMAT_AUTO ? PK_FORMAT_XML : fmt,
					&fresh, &err);
	} else {
		progress p = { url, -1, 0, false };
		bool tty = isatty(STDERR_FILENO);
		st = pk_download(url, DOWNLOAD_MAX_BYTES, tty ? show_progress : NULL,
				 &p, &data, &len, &err);
		if (p.shown)
			fputc('\n', stderr);
		if (st == PK_OK && (rc = check_format(data, len, url, &fmt)) != 0)
			goto out;
		if (st == PK_OK)
			st = pk_registry_import_mem(data, len, fmt, url, &fresh, &err);
	}
	if (st != PK_OK) {
		cli_report(st, &err);
		cli_error("update failed; the registry in use is unchanged");
		rc = EXIT_DATA;
		goto out;
	}
	if (pk_registry_count(fresh) == 0) {
		cli_error("%s holds no records; the registry in use is unchanged",
			  file ? file : url);
		rc = EXIT_DATA;
		goto out;
	}

	/* 2. Keep what the snapshot knows beyond IANA. */
	if (pk_registry_open_embedded(&embedded, &err) != PK_OK)
		embedded = NULL; /* a library built without one */
	st = pk_registry_add_extras(fresh, embedded, &merged, &err);
	if (st != PK_OK) {
		cli_report(st, &err);
		rc = EXIT_DATA;
		goto out;
	}

	/* 3. What changes, then 4. install. */
	prev = open_previous(ctx, target, explicit_target);
	pk_diff_stats d = { 0 };
	change_ctx cc = { ctx->long_format && !ctx->json, 0 };
	if (prev != NULL)
		pk_registry_diff(prev, merged, on_change, &cc, &d);
	rc = cli_make_parent_dirs(target);
	if (rc != 0)
		goto out;
	st = pk_registry_save(merged, target, &err);
	if (st != PK_OK) {
		cli_report(st, &err);
		cli_error("update failed; the registry in use is unchanged");
		rc = EXIT_DATA;
		goto out;
	}
	rc = print_result(ctx, merged, prev, file ? file : url, target, &d);
	/* Say so when the index just installed is not the one lookups use. */
	const char *env = getenv("PORTKIT_INDEX");
	if (env != NULL && env[0] != '\0' && strcmp(env, target) != 0)
		cli_warn("PORTKIT_INDEX=%s takes precedence over %s", env, target);
	else if (system_wide &&
		 pk_user_index_path(user_path, sizeof user_path, NULL) == PK_OK &&
		 access(user_path, F_OK) == 0)
		cli_warn("your per-user index %s takes precedence over %s", user_path,
			 target);
out:
	free(data);
	pk_registry_close(fresh);
	pk_registry_close(embedded);
	pk_registry_close(merged);
	pk_registry_close(prev);
	return rc;
}
