/* fuzz_portspec.c - the one port parser and the kernel-list parser of
 * port sets on any string, with their invariants checked:
 *   - pk_portspec_parse accepts only lo <= hi and known transports;
 *   - pk_port_parse accepts exactly what pk_portspec_parse accepts as a
 *     single port without transport;
 *   - pk_portlist_parse gives only valid specs, the same count with
 *     and without room for them;
 *   - pk_portset_parse leaves the set untouched on error, and what
 *     pk_portset_format writes parses back to the same set. */
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	pk_portspec spec;
	pk_error err;
	uint16_t port;
	static pk_portset set, before, again;
	static char buf[65536 * 7];

	if (s == NULL)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';

	if (pk_portspec_parse(s, &spec, &err) == PK_OK) {
		if (spec.lo > spec.hi || (spec.protos & ~PK_PROTOMASK_TRANSPORTS))
			abort();
	} else if (err.message[0] == '\0') {
		abort();
	}
	if (pk_port_parse(s, &port, &err) == PK_OK) {
		if (pk_portspec_parse(s, &spec, NULL) != PK_OK ||
		    spec.lo != port || spec.hi != port || spec.protos != 0)
			abort();
	}

	/* Port lists: every element a valid spec, the count the same with
	 * and without room, and a list always looks like one. */
	static pk_portspec specs[64];
	size_t n = 0, n2 = 0;
	if (pk_portlist_parse(s, specs, 64, &n, &err) == PK_OK) {
		if (n == 0 || !pk_portlist_looks_like(s) ||
		    pk_portlist_parse(s, NULL, 0, &n2, NULL) != PK_OK || n2 != n)
			abort();
		for (size_t i = 0; i < n && i < 64; i++)
			if (specs[i].lo > specs[i].hi ||
			    (specs[i].protos & ~PK_PROTOMASK_TRANSPORTS))
				abort();
	} else if (err.message[0] == '\0' || n != 0) {
		abort();
	}

	pk_portset_clear(&set);
	pk_portset_add(&set, 7); /* something for an error to leave alone */
	before = set;
	if (pk_portset_parse(&set, s, &err) == PK_OK) {
		size_t n = pk_portset_format(&set, buf, sizeof buf);
		if (n >= sizeof buf)
			abort();
		pk_portset_clear(&again);
		if (pk_portset_parse(&again, buf, NULL) != PK_OK ||
		    memcmp(&again, &set, sizeof set) != 0)
			abort();
	} else if (memcmp(&before, &set, sizeof set) != 0) {
		abort();
	}
	free(s);
	return 0;
}
