/* fuzz_facts.c - pk__facts_parse on any bytes, and what it accepts merged
 * (pk__facts_merge) over a small npm registry, the base newer or older by
 * the input's length: no crash, no leak, and the merge gives a valid index
 * (fuzz_input.h); a rejected input has a fuzz:LINE: message. */
#include "fuzz_input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* One name per port, as the npm copy has them; read once, kept. */
static const pk_registry *base(void)
{
	static pk_registry *reg;
	static const char npm[] =
		"{\"42/tcp\": [\"nameserver\", \"Host Name Server\"],"
		" \"63/tcp\": [\"whois++\", \"whois++\"],"
		" \"81/tcp\": [\"\", \"Unassigned\"],"
		" \"5543/tcp\": [\"qftest-lic-mcp\", \"QF-Test\"]}";

	if (reg == NULL &&
	    pk_registry_import_mem(npm, sizeof npm - 1, PK_FORMAT_NPM_JSON, "npm", &reg, NULL) != PK_OK)
		abort();
	return reg;
}

static pk_status facts_import(pk_builder *b, const char *data, size_t len,
			      const char *label, pk_error *err)
{
	pk_facts *fs = NULL;
	pk_status st = pk__facts_parse(data, len, label, &fs, err);

	if (st != PK_OK)
		return st;
	st = pk__facts_merge(b, fs, base(), len % 2 == 0, NULL, err);
	pk__facts_free(fs);
	if (st != PK_OK)
		abort(); /* a parsed file always merges, short of memory */
	return st;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_import(facts_import, data, size);
	return 0;
}
