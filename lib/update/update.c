/* update.c - the registry `portkit update` installs: a freshly imported
 * IANA registry plus the services(5) names and unofficial uses the
 * embedded snapshot carries, so that updating never loses `portkit www`,
 * `portkit postgres` or `portkit 3000`. */
#include <stdlib.h>
#include <string.h>

#include "registry/registry_internal.h"

#define ORIGIN_BIT(o) (1u << (unsigned)(o))
#define ALL_ORIGINS                                                         \
	(ORIGIN_BIT(PK_ORIGIN_IANA) | ORIGIN_BIT(PK_ORIGIN_SERVICES) |      \
	 ORIGIN_BIT(PK_ORIGIN_SUPPLEMENT) | ORIGIN_BIT(PK_ORIGIN_UNOFFICIAL) | \
	 ORIGIN_BIT(PK_ORIGIN_APP))

/*
 * The snapshot's services(5) aliases of names IANA also has (smtp's
 * "mail", kerberos' "krb5") sit on IANA-origin records there, since
 * pk__builder_merge() folded them in.  They are re-added here as
 * services(5) records of their own, name and aliases only, so that the
 * merge folds them into the new registry's record of the same name.
 */
static pk_status add_services_aliases(pk_builder *x, const pk_registry *extras,
				      pk_error *err)
{
	uint32_t n = pk_registry_count(extras);

	for (pk_recid id = 0; id < n; id++) {
		pk_record r;
		uint32_t idx;
		if (pk_record_get(extras, id, &r, NULL) != PK_OK ||
		    r.origin != PK_ORIGIN_IANA || r.alias_count == 0 ||
		    r.name == NULL)
			continue;
		pk_record in = {
			.name = r.name,
			.proto = r.proto,
			.has_port = r.has_port,
			.port_lo = r.port_lo,
			.port_hi = r.port_hi,
			.kind = PK_KIND_ASSIGNED,
			.origin = PK_ORIGIN_SERVICES,
		};
		pk_status st = pk__builder_add(x, &in, &idx);
		for (uint32_t i = 0; st == PK_OK && i < r.alias_count; i++) {
			const char *alias = pk_record_alias(extras, id, i);
			if (alias != NULL)
				st = pk__builder_add_alias(x, idx, alias);
		}
		if (st != PK_OK)
			return pk__error_set(err, st, "adding the aliases of %s: %s",
					    r.name, pk__builder_strerror(x, st));
	}
	return PK_OK;
}

pk_status pk_registry_add_extras(const pk_registry *base,
				 const pk_registry *extras, pk_registry **out,
				 pk_error *err)
{
	pk_builder *b = NULL;
	pk_builder *x = NULL;
	pk_registry_info bi;
	pk_registry_info xi;
	pk_buf source;
	void *data = NULL;
	size_t len = 0;
	pk_status st;

	*out = NULL;
	pk__buf_init(&source, 4096);
	pk_registry_get_info(base, &bi);
	b = pk__builder_new();
	x = pk__builder_new();
	if (b == NULL || x == NULL) {
		st = pk__error_set(err, PK_NOMEM, "out of memory");
		goto out;
	}
	st = pk__builder_add_registry(b, base, ALL_ORIGINS, err);
	if (st != PK_OK)
		goto out;
	if ((st = pk__builder_add_popularity(b, base)) != PK_OK) {
		pk__error_set(err, st, "%s", pk_strerror(st));
		goto out;
	}
	st = pk__buf_addstr(&source, bi.source);
	if (st == PK_OK && extras != NULL) {
		pk_registry_get_info(extras, &xi);
		st = pk__builder_add_registry(x, extras,
					     ORIGIN_BIT(PK_ORIGIN_SERVICES) |
						     ORIGIN_BIT(PK_ORIGIN_UNOFFICIAL) |
						     ORIGIN_BIT(PK_ORIGIN_APP),
					     err);
		if (st != PK_OK)
			goto out;
		st = add_services_aliases(x, extras, err);
		if (st != PK_OK)
			goto out;
		st = pk__builder_merge(b, x, err);
		if (st != PK_OK)
			goto out;
		if (xi.flags & PK_REGFLAG_UNOFFICIAL)
			pk__builder_add_flags(b, PK_REGFLAG_UNOFFICIAL);
		st = pk__buf_printf(&source, " + services(5) names and unofficial uses from the %s",
				   (xi.flags & PK_REGFLAG_EMBEDDED) ?
					   "embedded snapshot" : xi.origin);
	}
	if (st == PK_OK)
		st = pk__builder_set_source(b, source.data ? source.data : "");
	if (st == PK_OK)
		st = pk__builder_set_updated(b, bi.updated);
	if (st != PK_OK) {
		pk__error_set(err, st, "%s", pk_strerror(st));
		goto out;
	}
	pk__builder_add_flags(b, bi.flags & ~PK_REGFLAG_EMBEDDED);
	st = pk__builder_finish(b, &data, &len, err);
	if (st != PK_OK)
		goto out;
	st = pk__registry_from_index(data, len, PK_MEM_HEAP, false, bi.origin,
				    out, err);
	if (st == PK_OK)
		data = NULL; /* the registry owns it now */
out:
	free(data);
	pk__buf_free(&source);
	pk__builder_free(b);
	pk__builder_free(x);
	return st;
}

pk_status pk_registry_add_popularity(const pk_registry *base,
				     const pk_registry *src,
				     pk_registry **out, pk_error *err)
{
	pk_builder *b = NULL;
	pk_registry_info bi, si;
	pk_buf source;
	void *data = NULL;
	size_t len = 0;
	pk_status st;

	*out = NULL;
	pk__buf_init(&source, 4096);
	pk_registry_get_info(base, &bi);
	pk_registry_get_info(src, &si);
	if (pk_popularity_count(src) == 0) {
		st = pk__error_set(err, PK_INVAL,
				  "%s has no popularity data (expected nmap-services)",
				  si.origin);
		goto out;
	}
	if ((b = pk__builder_new()) == NULL) {
		st = pk__error_set(err, PK_NOMEM, "out of memory");
		goto out;
	}
	if ((st = pk__builder_add_registry(b, base, ALL_ORIGINS, err)) != PK_OK)
		goto out;
	/* The base's own first, so that src's values win for a port. */
	st = pk__builder_add_popularity(b, base);
	if (st == PK_OK)
		st = pk__builder_add_popularity(b, src);
	/* One " + popularity from" in the source, however often it is added. */
	const char *cut = strstr(bi.source, " + popularity from ");
	if (st == PK_OK)
		st = pk__buf_add(&source, bi.source,
				 cut != NULL ? (size_t)(cut - bi.source) : strlen(bi.source));
	/* src may carry popularity from elsewhere itself (the registry in
	 * use, during an update): name where it came from. */
	const char *from = strstr(si.source, " + popularity from ");
	if (st == PK_OK)
		st = pk__buf_printf(&source, " + popularity from %s",
				   from != NULL ? from + strlen(" + popularity from ")
						: si.source);
	if (st == PK_OK)
		st = pk__builder_set_source(b, source.data);
	if (st == PK_OK)
		st = pk__builder_set_updated(b, bi.updated);
	if (st != PK_OK) {
		pk__error_set(err, st, "%s", pk_strerror(st));
		goto out;
	}
	pk__builder_add_flags(b, bi.flags & ~PK_REGFLAG_EMBEDDED);
	if ((st = pk__builder_finish(b, &data, &len, err)) != PK_OK)
		goto out;
	st = pk__registry_from_index(data, len, PK_MEM_HEAP, false, bi.origin,
				    out, err);
	if (st == PK_OK)
		data = NULL;
out:
	free(data);
	pk__buf_free(&source);
	pk__builder_free(b);
	return st;
}
