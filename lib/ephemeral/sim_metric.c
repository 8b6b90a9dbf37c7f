/* sim_metric.c - the simulator's metrics by name: which number of a
 * pk_sim_result each is, how to title it and how to scale a plot of it.
 * docs/ephemeral.md defines what each measures. */
#include <stddef.h>
#include <stdio.h>

#include "core/internal.h"

typedef enum field_type { F_DOUBLE, F_U32, F_U64 } field_type;

struct pk_sim_metric {
	const char *name;   /* what --metric takes, and the plot's y label */
	const char *column; /* the CSV column, the JSON key */
	const char *title;
	pk_sim_scale scale;
	size_t offset;      /* of the field in pk_sim_result */
	field_type type;
};

#define M(name, column, title, scale, field, type) \
	{ name, column, title, scale, offsetof(pk_sim_result, field), type }

static const pk_sim_metric metrics[] = {
	M("probes", "probes_mean", "mean probes per allocation", PK_SIM_SCALE_LOG,
	  probes_mean, F_DOUBLE),
	M("p99", "probes_p99", "99th percentile of probes per allocation",
	  PK_SIM_SCALE_LOG, probes_p99, F_U32),
	M("max", "probes_max", "most probes for one allocation", PK_SIM_SCALE_LOG,
	  probes_max, F_U32),
	M("failures", "failures", "failed allocations", PK_SIM_SCALE_LINEAR, failures,
	  F_U64),
	M("reuse-tw", "reuse_within_tw",
	  "share of same-destination reuses within TIME_WAIT", PK_SIM_SCALE_SHARE,
	  reuse_in_tw, F_DOUBLE),
	M("pred-blind", "pred_blind", "P(next port among k blind guesses)",
	  PK_SIM_SCALE_SHARE, pred_blind, F_DOUBLE),
	M("pred-same", "pred_same",
	  "P(next port among k guesses | last port to that server)", PK_SIM_SCALE_SHARE,
	  pred_same, F_DOUBLE),
	M("pred-own", "pred_own",
	  "P(next port among k guesses | port to the attacker's server)",
	  PK_SIM_SCALE_SHARE, pred_own, F_DOUBLE),
	M("leak", "leak", "cross-destination leakage (attacker's advantage)",
	  PK_SIM_SCALE_SHARE, leak, F_DOUBLE),
	M("chi2", "chi2_per_df", "chi-square per degree of freedom (1 = uniform)",
	  PK_SIM_SCALE_LOG, chi2, F_DOUBLE),
	M("ns", "ns_per_alloc", "nanoseconds per allocation", PK_SIM_SCALE_LOG,
	  ns_per_alloc, F_DOUBLE),
};
#define NMETRICS (sizeof metrics / sizeof metrics[0])

size_t pk_sim_metric_count(void)
{
	return NMETRICS;
}

const pk_sim_metric *pk_sim_metric_at(size_t i)
{
	return i < NMETRICS ? &metrics[i] : NULL;
}

pk_status pk_sim_metric_find(const char *name, const pk_sim_metric **out,
			     pk_error *err)
{
	char list[256];
	size_t len = 0;

	*out = NULL;
	for (size_t i = 0; i < NMETRICS; i++)
		if (strcmp(name, metrics[i].name) == 0 ||
		    strcmp(name, metrics[i].column) == 0) {
			*out = &metrics[i];
			return PK_OK;
		}
	/* "probes, p99, ... chi2 or ns", from the table itself */
	list[0] = '\0';
	for (size_t i = 0; i < NMETRICS && len < sizeof list; i++) {
		int n = snprintf(list + len, sizeof list - len, "%s%s",
				 i == 0 ? "" : i + 1 == NMETRICS ? " or " : ", ",
				 metrics[i].name);
		if (n < 0)
			break;
		len += (size_t)n;
	}
	return pk__error_set(err, PK_NOTFOUND, "unknown metric '%.40s': expected %s", name,
			    list);
}

const char *pk_sim_metric_name(const pk_sim_metric *m)
{
	return m->name;
}

const char *pk_sim_metric_column(const pk_sim_metric *m)
{
	return m->column;
}

const char *pk_sim_metric_title(const pk_sim_metric *m)
{
	return m->title;
}

pk_sim_scale pk_sim_metric_scale(const pk_sim_metric *m)
{
	return m->scale;
}

double pk_sim_metric_value(const pk_sim_metric *m, const pk_sim_result *r)
{
	const unsigned char *p = (const unsigned char *)r + m->offset;

	switch (m->type) {
	case F_U32:
		return (double)*(const uint32_t *)(const void *)p;
	case F_U64:
		return (double)*(const uint64_t *)(const void *)p;
	default:
		return *(const double *)(const void *)p;
	}
}

bool pk_sim_metric_is_count(const pk_sim_metric *m)
{
	return m->type != F_DOUBLE;
}
