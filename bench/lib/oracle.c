// SPDX-License-Identifier: GPL-2.0
/*
 * oracle.c - expected entries and faults of one aligned populate pass.
 */
#include <string.h>

#include "common.h"
#include "oracle.h"

/* Faults of @pages touched in @unit-page entries, if no two threads share one. */
static int64_t fl_oracle_faults(const struct fl_oracle_in *in, uint64_t pages,
				uint64_t unit)
{
	uint64_t T = (uint64_t)in->threads;

	if (T <= 1)
		return (int64_t)((pages + unit - 1) / unit);
	if (in->interleaved || unit >= pages || pages % (unit * T))
		return -1;
	return (int64_t)(pages / unit);
}

bool fl_oracle_compute(const struct fl_oracle_in *in, struct fl_oracle *r)
{
	uint64_t pages = in->size / FL_PAGE_SIZE, size = in->size;
	uint64_t npud = 0, npmd = 0, npte, unit;
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
		r->faults = fl_oracle_faults(in, pages, pages);
		return true;
	case FL_STRAT_INSERT_PAGE:
		r->cnt[FL_CNT_INSERT_PTE] = pages;
		r->faults = fl_oracle_faults(in, pages, 1);
		return true;
	case FL_STRAT_INSERT_BULK:
		r->cnt[FL_CNT_INSERT_PTE] = pages;
		r->faults = fl_oracle_faults(in, pages, pages);
		return true;
	case FL_STRAT_INSERT_AROUND:
		r->cnt[FL_CNT_INSERT_PTE] = pages;
		r->faults = fl_oracle_faults(in, pages, in->window ? in->window : 1);
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
		r->cnt[FL_CNT_INSERT_PUD] = npud;
		r->cnt[FL_CNT_INSERT_PMD] = npmd;
		r->cnt[FL_CNT_INSERT_PTE] = npte;
		if (npte && (npud || npmd)) {
			/* Mixed sizes: exact for one thread only. */
			r->faults = in->threads <= 1 ?
				    (int64_t)(npud + npmd + npte) : -1;
			return true;
		}
		unit = npud ? FL_GIB / FL_PAGE_SIZE : npmd ? 512 : 1;
		r->faults = fl_oracle_faults(in, pages, unit);
		return true;
	default:
		return false;
	}
}
