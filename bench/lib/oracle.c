// SPDX-License-Identifier: GPL-2.0
/*
 * oracle.c - expected entries and faults of one aligned populate pass.
 */
#include <string.h>

#include "common.h"
#include "oracle.h"

#define FL_PUD_PAGES	(FL_GIB / FL_PAGE_SIZE)

/* Touch points (multiples of @s pages) in pages [@start, @start + @n). */
static uint64_t fl_oracle_points(uint64_t start, uint64_t n, uint64_t s)
{
	return (start + n + s - 1) / s - (start + s - 1) / s;
}

/*
 * Entries of @unit pages (aligned) in pages [@start, @start + @n) that
 * contain a touch point, @s a power of two like @unit.
 */
static uint64_t fl_oracle_hit(uint64_t start, uint64_t n, uint64_t unit,
			      uint64_t s)
{
	if (s <= unit)
		return (n + unit - 1) / unit;
	return fl_oracle_points(start, n, s);
}

/* Faults of @pages touched in @unit-page entries, if no two threads share one. */
static int64_t fl_oracle_faults(const struct fl_oracle_in *in, uint64_t pages,
				uint64_t unit, uint64_t s)
{
	uint64_t T = (uint64_t)in->threads;

	if (T <= 1 || s >= unit)	/* no two touches share an entry */
		return (int64_t)fl_oracle_hit(0, pages, unit, s);
	if (in->interleaved || unit >= pages || pages % (unit * T))
		return -1;
	return (int64_t)(pages / unit);
}

bool fl_oracle_compute(const struct fl_oracle_in *in, struct fl_oracle *r)
{
	uint64_t pages = in->size / FL_PAGE_SIZE, size = in->size;
	uint64_t npud = 0, npmd = 0, npte, unit, w, last;
	uint64_t st = in->stride > 1 ? in->stride : 1;
	unsigned int cap;

	memset(r, 0, sizeof(*r));
	r->faults = -1;
	switch (in->strategy) {
	case FL_STRAT_REMAP_MMAP:
		r->cnt[FL_CNT_REMAP] = 1;
		r->cnt[FL_CNT_REMAP_PAGES] = pages;
		r->faults = 0;
		return true;
	case FL_STRAT_REMAP_FAULT:
		r->cnt[FL_CNT_REMAP] = 1;
		r->cnt[FL_CNT_REMAP_PAGES] = pages;
		r->faults = fl_oracle_faults(in, pages, pages, st);
		return true;
	case FL_STRAT_INSERT_PAGE:
		r->cnt[FL_CNT_INSERT_PTE] = fl_oracle_points(0, pages, st);
		r->faults = fl_oracle_faults(in, pages, 1, st);
		return true;
	case FL_STRAT_INSERT_BULK:
		r->cnt[FL_CNT_INSERT_PTE] = pages;
		r->faults = fl_oracle_faults(in, pages, pages, st);
		return true;
	case FL_STRAT_INSERT_AROUND:
		w = in->window ? in->window : 1;
		r->faults = fl_oracle_faults(in, pages, w, st);
		if (st <= w) {
			r->cnt[FL_CNT_INSERT_PTE] = pages;
			return true;
		}
		/* One window per touch; the last one ends with the VMA. */
		last = (fl_oracle_points(0, pages, st) - 1) * st;
		r->cnt[FL_CNT_INSERT_PTE] = last / st * w + FL_MIN(w, pages - last);
		return true;
	case FL_STRAT_HUGE:
		cap = (unsigned int)(in->max_order > 0 ? in->max_order : 0);
		cap = FL_MIN(cap, in->chunk_order);
		if (cap >= FL_ORDER_PUD && (in->features & FL_FEAT_PUD_PFNMAP))
			npud = size / FL_GIB;
		size -= npud * FL_GIB;
		if (cap >= FL_ORDER_PMD && (in->features & FL_FEAT_PMD_PFNMAP))
			npmd = size / (2 * FL_MIB);
		size -= npmd * 2 * FL_MIB;
		npte = size / FL_PAGE_SIZE;
		/* Entries a touch lands in: PUDs first, then PMDs, then PTEs. */
		npud = fl_oracle_hit(0, npud * FL_PUD_PAGES, FL_PUD_PAGES, st);
		npmd = fl_oracle_hit(pages - (npmd * 512 + npte), npmd * 512, 512, st);
		npte = fl_oracle_points(pages - npte, npte, st);
		r->cnt[FL_CNT_INSERT_PUD] = npud;
		r->cnt[FL_CNT_INSERT_PMD] = npmd;
		r->cnt[FL_CNT_INSERT_PTE] = npte;
		if (npte && (npud || npmd)) {
			/* Mixed sizes: exact for one thread only. */
			r->faults = in->threads <= 1 ?
				    (int64_t)(npud + npmd + npte) : -1;
			return true;
		}
		unit = npud ? FL_PUD_PAGES : npmd ? 512 : 1;
		r->faults = fl_oracle_faults(in, pages, unit, st);
		return true;
	default:
		return false;
	}
}
