/* SPDX-License-Identifier: GPL-2.0 */
/*
 * oracle.h - the exact fault oracle of DESIGN.md: for a faultline mapping
 * populated once, aligned, the entries the driver installs and the faults
 * the touching threads take.  E.g. a 1 GiB BAR touched once per page:
 * insert-page 262144 PTEs and faults, huge 1 PUD, huge capped at PMD 512
 * PMDs, insert-around(16) 16384 faults, remap-fault 1 fault, remap-mmap 0.
 */
#ifndef FL_ORACLE_H
#define FL_ORACLE_H

#include <stdbool.h>
#include <stdint.h>

#include "faultline.h"

struct fl_oracle_in {
	unsigned int strategy;		/* FL_STRAT_* */
	uint64_t size;			/* bytes mapped, 4 KiB multiple */
	int threads;
	bool interleaved;		/* threads share units (--order interleaved) */
	unsigned int window;		/* insert-around pages */
	int max_order;			/* FL_ORDER_* for huge */
	unsigned int features;		/* FL_FEAT_* */
	unsigned int chunk_order;	/* backing contiguity */
	uint64_t stride;		/* pages between touches, 0 or 1: all */
};

struct fl_oracle {
	uint64_t cnt[FL_CNT_NR];	/* entries: insert_*, remap, remap_pages */
	int64_t faults;			/* -1 when threads may race for an entry */
};

/* Returns false for a strategy the oracle does not know. */
bool fl_oracle_compute(const struct fl_oracle_in *in, struct fl_oracle *out);

#endif /* FL_ORACLE_H */
