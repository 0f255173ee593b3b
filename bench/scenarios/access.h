/* SPDX-License-Identifier: GPL-2.0 */
/*
 * access.h - the single memory accesses scenarios time, and the warm
 * access calibration that is subtracted from first-touch latencies.
 */
#ifndef FL_SCEN_ACCESS_H
#define FL_SCEN_ACCESS_H

#include "flbench.h"

static inline uint64_t fl_load(const void *p)
{
	return *(const volatile uint64_t *)p;
}

static inline void fl_store(void *p, uint64_t v)
{
	*(volatile uint64_t *)p = v;
}

/* One access of the kind --access asks for. */
static inline void fl_touch(void *p, bool write, uint64_t v)
{
	if (write)
		fl_store(p, v);
	else
		(void)fl_load(p);
}

/*
 * Median cost of timing one warm access to @base (@npages pages already
 * mapped and touched): timer overhead plus a TLB- and cache-hot access.
 */
double fl_warm_cost(void *base, uint64_t npages, bool write);

#endif /* FL_SCEN_ACCESS_H */
