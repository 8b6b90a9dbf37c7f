/* portset.c - sets of ports as 65,536-bit bitmaps, and the kernel's
 * ip_local_reserved_ports list syntax in both directions. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"

void pk_portset_clear(pk_portset *set)
{
	memset(set->bits, 0, sizeof set->bits);
}

void pk_portset_add(pk_portset *set, uint16_t port)
{
	set->bits[port >> 6] |= (uint64_t)1 << (port & 63);
}

void pk_portset_remove(pk_portset *set, uint16_t port)
{
	set->bits[port >> 6] &= ~((uint64_t)1 << (port & 63));
}

bool pk_portset_contains(const pk_portset *set, uint16_t port)
{
	return (set->bits[port >> 6] >> (port & 63)) & 1;
}

/* Bits lo..hi (0-63, lo <= hi) of one word. */
static uint64_t word_mask(unsigned lo, unsigned hi)
{
	uint64_t upto_hi = hi == 63 ? ~(uint64_t)0 : (((uint64_t)1 << (hi + 1)) - 1);
	return upto_hi & ~(((uint64_t)1 << lo) - 1);
}

void pk_portset_add_range(pk_portset *set, uint16_t lo, uint16_t hi)
{
	if (lo > hi)
		return;
	unsigned wlo = lo >> 6, whi = hi >> 6;
	if (wlo == whi) {
		set->bits[wlo] |= word_mask(lo & 63u, hi & 63u);
		return;
	}
	set->bits[wlo] |= word_mask(lo & 63u, 63);
	for (unsigned w = wlo + 1; w < whi; w++)
		set->bits[w] = ~(uint64_t)0;
	set->bits[whi] |= word_mask(0, hi & 63u);
}

uint32_t pk_portset_count(const pk_portset *set, uint16_t lo, uint16_t hi)
{
	uint32_t n = 0;

	if (lo > hi)
		return 0;
	unsigned wlo = lo >> 6, whi = hi >> 6;
	for (unsigned w = wlo; w <= whi; w++) {
		unsigned a = w == wlo ? (lo & 63u) : 0;
		unsigned b = w == whi ? (hi & 63u) : 63;
		n += (uint32_t)__builtin_popcountll(set->bits[w] & word_mask(a, b));
	}
	return n;
}

int32_t pk_portset_next(const pk_portset *set, uint32_t from)
{
	if (from > 65535)
		return -1;
	unsigned w = from >> 6;
	uint64_t word = set->bits[w] & ~((((uint64_t)1) << (from & 63)) - 1);
	for (;;) {
		if (word != 0)
			return (int32_t)(w * 64 + (unsigned)__builtin_ctzll(word));
		if (++w == 65536 / 64)
			return -1;
		word = set->bits[w];
	}
}

void pk_portset_union(pk_portset *dst, const pk_portset *src)
{
	for (size_t i = 0; i < 65536 / 64; i++)
		dst->bits[i] |= src->bits[i];
}

pk_status pk_portset_parse(pk_portset *set, const char *list, pk_error *err)
{
	pk_portset tmp = *set;
	const char *p = list;

	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\n')
			p++;
		if (*p == '\0')
			break;
		size_t n = strcspn(p, ",");
		/* The item without surrounding blanks, copied so the one port
		 * parser sees exactly the item. */
		size_t end = n;
		while (end > 0 && (p[end - 1] == ' ' || p[end - 1] == '\t' ||
				   p[end - 1] == '\n'))
			end--;
		char item[32];
		pk_portspec spec;
		if (end == 0 || end >= sizeof item)
			return pk__error_set(err, PK_INVAL,
					    "invalid port list '%.60s': expected items like 8080 or 9000-9010 separated by ','",
					    list);
		memcpy(item, p, end);
		item[end] = '\0';
		if (pk_portspec_parse(item, &spec, err) != PK_OK)
			return PK_INVAL;
		if (spec.protos != 0)
			return pk__error_set(err, PK_INVAL,
					    "invalid port list item '%s': no transport allowed here",
					    item);
		pk_portset_add_range(&tmp, spec.lo, spec.hi);
		p += n;
		if (*p == ',') {
			p++;
			/* A trailing comma leaves an empty item. */
			const char *q = p;
			while (*q == ' ' || *q == '\t' || *q == '\n')
				q++;
			if (*q == '\0')
				return pk__error_set(err, PK_INVAL,
						    "invalid port list '%.60s': empty item after ','",
						    list);
		}
	}
	*set = tmp;
	return PK_OK;
}

size_t pk_portset_format(const pk_portset *set, char *buf, size_t size)
{
	size_t need = 0;
	int32_t lo = pk_portset_next(set, 0);

	if (size > 0)
		buf[0] = '\0';
	while (lo >= 0) {
		int32_t hi = lo;
		while (hi < 65535 && pk_portset_contains(set, (uint16_t)(hi + 1)))
			hi++;
		char item[16];
		int n = hi == lo ? snprintf(item, sizeof item, "%s%d",
					    need ? "," : "", lo) :
				   snprintf(item, sizeof item, "%s%d-%d",
					    need ? "," : "", lo, hi);
		if (need + (size_t)n < size)
			memcpy(buf + need, item, (size_t)n + 1);
		else if (size > 0 && need < size)
			buf[need] = '\0'; /* keep only whole items */
		need += (size_t)n;
		lo = hi == 65535 ? -1 : pk_portset_next(set, (uint32_t)hi + 1);
	}
	return need;
}

pk_status pk_portset_add_list(pk_portset *set, const char *list,
			      pk_error *err)
{
	pk_portspec spec[64];
	size_t n;
	pk_status st = pk_portlist_parse(list, spec, 64, &n, err);

	if (st != PK_OK)
		return st;
	if (n > 64) {
		/* Rare: parse it again with room for every element. */
		pk_portspec *all = malloc(n * sizeof *all);
		if (all == NULL)
			return pk__error_set(err, PK_NOMEM, "out of memory");
		st = pk_portlist_parse(list, all, n, &n, err);
		for (size_t i = 0; st == PK_OK && i < n; i++)
			pk_portset_add_range(set, all[i].lo, all[i].hi);
		free(all);
		return st;
	}
	for (size_t i = 0; i < n; i++)
		pk_portset_add_range(set, spec[i].lo, spec[i].hi);
	return PK_OK;
}
