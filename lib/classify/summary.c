/* summary.c - the end of a classification: the flows still held, decided
 * and ordered by bytes, and the totals per server port and per service
 * that every flow, evicted or not, went into. */
#include <stdlib.h>

#include "classify/classify_internal.h"

static int cmp_order(const void *x, const void *y, void *ctx)
{
	const pk_classify *c = ctx;
	const pk__flowent *a = &c->flows[*(const uint32_t *)x];
	const pk__flowent *b = &c->flows[*(const uint32_t *)y];
	uint64_t ba = a->bytes_ab + a->bytes_ba, bb = b->bytes_ab + b->bytes_ba;

	if (ba != bb)
		return ba > bb ? -1 : 1;
	if (a->first_us != b->first_us)
		return a->first_us < b->first_us ? -1 : 1;
	return *(const uint32_t *)x < *(const uint32_t *)y ? -1 : 1;
}

static int cmp_group(const void *x, const void *y)
{
	const pk_classify_group *a = x, *b = y;

	if (a->bytes != b->bytes)
		return a->bytes > b->bytes ? -1 : 1;
	if (a->flows != b->flows)
		return a->flows > b->flows ? -1 : 1;
	if (a->proto != b->proto)
		return a->proto < b->proto ? -1 : 1;
	if (a->port != b->port)
		return a->port < b->port ? -1 : 1;
	if (a->service == NULL || b->service == NULL)
		return (a->service == NULL) - (b->service == NULL);
	return strcmp(a->service, b->service);
}

static int cmp_service(const void *x, const void *y)
{
	const pk_classify_group *a = x, *b = y;

	if (a->proto != b->proto)
		return a->proto < b->proto ? -1 : 1;
	if (a->service == NULL || b->service == NULL)
		return (a->service == NULL) - (b->service == NULL);
	return strcmp(a->service, b->service);
}

static const char *first_service(const pk_registry *reg, uint16_t port,
				 pk_proto proto)
{
	pk_recid id;
	pk_record rec;

	if (reg == NULL || pk_port_services(reg, port, proto, PK_ORIGINMASK_ALL, &id, 1) == 0 ||
	    pk_record_get(reg, id, &rec, NULL) != PK_OK)
		return NULL;
	return rec.name;
}

static pk_status groups(pk_classify *c, pk_error *err)
{
	size_t n = c->nports;

	c->port_groups = calloc(n ? n : 1, sizeof *c->port_groups);
	c->svc_groups = calloc(n ? n : 1, sizeof *c->svc_groups);
	if (c->port_groups == NULL || c->svc_groups == NULL)
		return pk__error_set(err, PK_NOMEM, "classify: out of memory");
	size_t k = 0;
	for (uint32_t i = 0; i < c->capports; i++) {
		const pk__port_acc *a = &c->ports[i];
		if (a->key == 0)
			continue;
		pk_classify_group *g = &c->port_groups[k++];
		g->proto = (pk_proto)((a->key - 1) >> 16);
		g->port = (uint16_t)(a->key - 1);
		g->service = first_service(c->reg, g->port, g->proto);
		g->flows = a->flows;
		g->packets = a->packets;
		g->bytes = a->bytes;
		g->evicted = a->evicted;
		g->certain = a->certain;
	}
	c->nport_groups = n;
	/* Services: the port groups merged by (transport, name). */
	memcpy(c->svc_groups, c->port_groups, n * sizeof *c->svc_groups);
	qsort(c->svc_groups, n, sizeof *c->svc_groups, cmp_service);
	size_t m = 0;
	for (size_t i = 0; i < n; i++) {
		pk_classify_group *g = &c->svc_groups[i];
		g->port = 0;
		if (m > 0 && cmp_service(&c->svc_groups[m - 1], g) == 0) {
			pk_classify_group *t = &c->svc_groups[m - 1];
			t->flows += g->flows;
			t->packets += g->packets;
			t->bytes += g->bytes;
			t->evicted += g->evicted;
			t->certain += g->certain;
		} else {
			c->svc_groups[m++] = *g;
		}
	}
	c->nsvc_groups = m;
	qsort(c->port_groups, n, sizeof *c->port_groups, cmp_group);
	qsort(c->svc_groups, m, sizeof *c->svc_groups, cmp_group);
	return PK_OK;
}

pk_status pk_classify_finish(pk_classify *c, pk_error *err)
{
	if (c->finished)
		return PK_OK;
	c->finished = true;
	if (c->nomem)
		return pk__error_set(err, PK_NOMEM, "classify: no memory for %llu flows",
				     (unsigned long long)c->stats.max_flows);
	c->order = malloc((c->live ? c->live : 1) * sizeof *c->order);
	if (c->order == NULL)
		return pk__error_set(err, PK_NOMEM, "classify: out of memory");
	for (uint32_t i = c->max ? c->lru_head : PK__NIL; i != PK__NIL;
	     i = c->flows[i].lru_next) {
		pk_flow d;
		pk__decide(c, &c->flows[i], &d);
		pk__account(c, &d, false);
		c->order[c->norder++] = i;
	}
	qsort_r(c->order, c->norder, sizeof *c->order, cmp_order, c);
	if (c->nomem)
		return pk__error_set(err, PK_NOMEM, "classify: out of memory");
	return groups(c, err);
}

size_t pk_classify_flow_count(const pk_classify *c)
{
	return c->norder;
}

const pk_flow *pk_classify_flow(const pk_classify *c, size_t i)
{
	if (i >= c->norder)
		return NULL;
	/* Decided again on demand: keeping a decision per flow would cost
	 * more than the flow. */
	pk_classify *w = (pk_classify *)c;
	pk__decide(c, &c->flows[c->order[i]], &w->scratch);
	return &w->scratch;
}

size_t pk_classify_port_count(const pk_classify *c)
{
	return c->nport_groups;
}

const pk_classify_group *pk_classify_port(const pk_classify *c, size_t i)
{
	return i < c->nport_groups ? &c->port_groups[i] : NULL;
}

size_t pk_classify_service_count(const pk_classify *c)
{
	return c->nsvc_groups;
}

const pk_classify_group *pk_classify_service(const pk_classify *c, size_t i)
{
	return i < c->nsvc_groups ? &c->svc_groups[i] : NULL;
}
