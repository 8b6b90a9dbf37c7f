/* bench_firewall.c - every application of the catalog at once: rule sets
 * generated per second (built and rendered as nftables text), next to
 * parsing the embedded catalog in the same run; and the rule count of
 * the nftables output (one rule per transport and direction, matching a
 * named set) against firewalld's one rule per port entry, for the same
 * ports and for the catalog applications firewalld ships a service of
 * the same name for (counted from its service files).
 *
 *   bench_firewall [FIREWALLD_SERVICES_DIR]  (default /usr/lib/firewalld/services) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "portkit.h"
#include "bench.h"

#define BATCHES 7

static int count_bytes(void *ctx, const char *d, size_t len)
{
	(void)d;
	*(size_t *)ctx += len;
	return 0;
}

static pk_fw *build(const pk_catalog *c, pk_direction dirs, const char *only_dir)
{
	pk_fw *fw;
	if (pk_fw_new(dirs, &fw, NULL) != PK_OK)
		exit(1);
	for (size_t i = 0; i < pk_catalog_count(c); i++) {
		const pk_app *a = pk_catalog_app(c, i);
		if (only_dir != NULL) {
			char path[4096];
			snprintf(path, sizeof path, "%s/%s.xml", only_dir, a->name);
			FILE *f = fopen(path, "r");
			if (f == NULL)
				continue;
			fclose(f);
		}
		pk_fw_add_app(fw, a, NULL); /* an app without ports in dirs adds nothing */
	}
	return fw;
}

/* firewalld's rules for a service: one per <port> and <protocol>. */
static size_t firewalld_rules(const char *path)
{
	FILE *f = fopen(path, "r");
	char line[4096];
	size_t n = 0;
	if (f == NULL)
		return 0;
	while (fgets(line, sizeof line, f) != NULL)
		for (const char *s = line; (s = strstr(s, "<port ")) != NULL; s++)
			n++;
	rewind(f);
	while (fgets(line, sizeof line, f) != NULL)
		for (const char *s = line; (s = strstr(s, "<protocol ")) != NULL; s++)
			n++;
	fclose(f);
	return n;
}

int main(int argc, char **argv)
{
	const char *fwd = argc > 1 ? argv[1] : "/usr/lib/firewalld/services";
	pk_catalog *c;
	pk_error err;
	double gen[BATCHES], parse[BATCHES];
	size_t bytes = 0;
	enum { N = 200 };

	if (pk_catalog_open_embedded(&c, &err) != PK_OK || pk_catalog_count(c) == 0) {
		fprintf(stderr, "bench_firewall: no embedded catalog: %s\n", err.message);
		return 1;
	}
	for (int b = 0; b < BATCHES; b++) {
		double t0 = bench_now_s();
		for (int i = 0; i < N; i++) {
			pk_fw *fw = build(c, PK_DIR_BOTH, NULL);
			pk_render *r;
			bytes = 0;
			if (pk_render_new(PK_RENDER_TEXT, count_bytes, &bytes, &r, NULL) != PK_OK)
				return 1;
			pk_render_firewall(r, fw, PK_FW_NFT);
			pk_render_flush(r, NULL);
			pk_render_free(r);
			pk_fw_free(fw);
		}
		gen[b] = (bench_now_s() - t0) / N;
		t0 = bench_now_s();
		for (int i = 0; i < N; i++) {
			pk_catalog *x;
			if (pk_catalog_open_embedded(&x, NULL) != PK_OK)
				return 1;
			pk_catalog_free(x);
		}
		parse[b] = (bench_now_s() - t0) / N;
	}
	double g = bench_median(gen, BATCHES), p = bench_median(parse, BATCHES);
	pk_fw *all = build(c, PK_DIR_BOTH, NULL);
	size_t nft = pk_fw_rule_count(all, PK_FW_NFT), ipt = pk_fw_rule_count(all, PK_FW_IPTABLES);
	size_t per_port = pk_fw_rule_count(all, PK_FW_FIREWALLD);
	printf("firewall: all %zu catalog applications, both directions (median of %d x %d)\n",
	       pk_catalog_count(c), BATCHES, N);
	printf("  generate + render nft     %9.1f us   %8.0f rule sets/s   %8.0f rules/s (one per port entry)\n",
	       g * 1e6, 1 / g, (double)per_port / g);
	printf("  baseline: parse catalog   %9.1f us   ratio generate/parse %.2f   (%zu bytes of nft)\n",
	       p * 1e6, g / p, bytes);
	printf("  rules: nft %zu, iptables %zu (multiport <= 15), one per port entry %zu: "
	       "ratio per-port/nft %.1f\n", nft, ipt, per_port, nft ? (double)per_port / (double)nft : 0);
	pk_fw_free(all);

	/* The applications firewalld has a service file of the same name for. */
	size_t same = 0, fwd_rules = 0;
	for (size_t i = 0; i < pk_catalog_count(c); i++) {
		char path[4096];
		snprintf(path, sizeof path, "%s/%s.xml", fwd, pk_catalog_app(c, i)->name);
		size_t n = firewalld_rules(path);
		same += n > 0;
		fwd_rules += n;
	}
	if (same == 0) {
		printf("  firewalld: no service files in %s (SKIP)\n", fwd);
	} else {
		pk_fw *in = build(c, PK_DIR_IN, fwd);
		size_t nft_in = pk_fw_rule_count(in, PK_FW_NFT);
		printf("  firewalld: %zu services of the same name: %zu rules from their files "
		       "(one per port), portkit nft %zu: ratio %.1f\n",
		       same, fwd_rules, nft_in, nft_in ? (double)fwd_rules / (double)nft_in : 0);
		pk_fw_free(in);
	}
	pk_catalog_free(c);
	return 0;
}
