/* replace.c - may one registry replace another?  `portkit import` and
 * `portkit update` ask before installing over the registry in use: an
 * older file, or a services(5) file of a few hundred names over IANA's
 * fourteen thousand, would quietly make lookups wrong (3389 "unassigned",
 * `pick` offering ports IANA assigned). */
#include <string.h>

#include "registry/index.h"

pk_status pk_registry_check_replace(const pk_registry *installed,
				    const pk_registry *candidate,
				    const char *label, pk_error *err)
{
	pk_registry_info old_info, new_info;
	const char *l = label != NULL && label[0] ? label : "the new registry";

	pk__error_clear(err);
	if (installed == NULL || candidate == NULL)
		return PK_OK;
	pk_registry_get_info(installed, &old_info);
	pk_registry_get_info(candidate, &new_info);
	/* Dates are YYYY-MM-DD or YYYY-MM: byte order is time order. */
	if (old_info.updated[0] != '\0' && new_info.updated[0] != '\0' &&
	    strcmp(new_info.updated, old_info.updated) < 0)
		return pk__error_set(err, PK_REFUSED,
				    "%s is older (%s) than the registry it would replace (%s, %s)",
				    l, new_info.updated, old_info.source,
				    old_info.updated);
	if ((uint64_t)new_info.records * 100u <
	    (uint64_t)old_info.records * PK_REPLACE_MIN_SHARE)
		return pk__error_set(err, PK_REFUSED,
				    "%s has %u records, fewer than half of the %u of the registry it would replace (%s)",
				    l, (unsigned)new_info.records,
				    (unsigned)old_info.records, old_info.source);
	return PK_OK;
}
