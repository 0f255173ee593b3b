// SPDX-License-Identifier: GPL-2.0
/*
 * test_oracle.c - the exact fault oracle against DESIGN.md's figures for a
 * 1 GiB BAR mapped at a 1 GiB aligned address and touched once per page.
 */
#include "common.h"
#include "oracle.h"
#include "tap.h"

static struct fl_oracle run(unsigned int strategy, uint64_t size, int threads,
			    int max_order, unsigned int window)
{
	struct fl_oracle_in in = {
		.strategy = strategy, .size = size, .threads = threads,
		.window = window, .max_order = max_order,
		.features = FL_FEAT_PMD_PFNMAP | FL_FEAT_PUD_PFNMAP,
		.chunk_order = 30,
	};
	struct fl_oracle r;

	fl_oracle_compute(&in, &r);
	return r;
}

int main(void)
{
	struct fl_oracle r;
	struct fl_oracle_in in = { .strategy = FL_STRAT_HUGE, .size = FL_GIB,
				   .threads = 1, .max_order = FL_ORDER_PUD,
				   .features = FL_FEAT_PMD_PFNMAP, .chunk_order = 20 };

	r = run(FL_STRAT_INSERT_PAGE, FL_GIB, 1, 0, 0);
	ok(r.cnt[FL_CNT_INSERT_PTE] == 262144 && r.faults == 262144,
	   "insert-page: 262144 PTE inserts and faults");
	r = run(FL_STRAT_HUGE, FL_GIB, 1, FL_ORDER_PUD, 0);
	ok(r.cnt[FL_CNT_INSERT_PUD] == 1 && !r.cnt[FL_CNT_INSERT_PMD] &&
	   !r.cnt[FL_CNT_INSERT_PTE] && r.faults == 1, "huge: 1 PUD insert, 1 fault");
	r = run(FL_STRAT_HUGE, FL_GIB, 1, FL_ORDER_PMD, 0);
	ok(r.cnt[FL_CNT_INSERT_PMD] == 512 && !r.cnt[FL_CNT_INSERT_PUD] &&
	   r.faults == 512, "huge capped at PMD: 512 PMD inserts");
	r = run(FL_STRAT_HUGE, FL_GIB, 1, FL_ORDER_PTE, 0);
	ok(r.cnt[FL_CNT_INSERT_PTE] == 262144 && r.faults == 262144,
	   "huge capped at PTE: 262144 PTEs");
	r = run(FL_STRAT_INSERT_AROUND, FL_GIB, 1, 0, 16);
	ok(r.cnt[FL_CNT_INSERT_PTE] == 262144 && r.faults == 16384,
	   "insert-around(16): 16384 faults, every PTE inserted");
	r = run(FL_STRAT_REMAP_FAULT, FL_GIB, 1, 0, 0);
	ok(r.faults == 1 && r.cnt[FL_CNT_REMAP] == 1 &&
	   r.cnt[FL_CNT_REMAP_PAGES] == 262144, "remap-fault: 1 fault, 1 remap of every page");
	r = run(FL_STRAT_REMAP_MMAP, FL_GIB, 1, 0, 0);
	ok(r.faults == 0 && r.cnt[FL_CNT_REMAP] == 1, "remap-mmap: 0 faults, the remap in mmap");
	r = run(FL_STRAT_INSERT_BULK, FL_GIB, 1, 0, 0);
	ok(r.faults == 1 && r.cnt[FL_CNT_INSERT_PTE] == 262144,
	   "insert-bulk: 1 fault, every PTE");

	r = run(FL_STRAT_HUGE, 4 * FL_GIB, 2, FL_ORDER_PUD, 0);
	ok(r.cnt[FL_CNT_INSERT_PUD] == 4 && r.faults == 4,
	   "4 GiB, 2 threads, huge: 4 PUDs, the slices do not share one");
	r = run(FL_STRAT_INSERT_BULK, 4 * FL_GIB, 2, 0, 0);
	ok(r.faults == -1, "insert-bulk with 2 threads: faults not determined (race)");
	r = run(FL_STRAT_HUGE, FL_GIB + 2 * FL_MIB + 8192, 1, FL_ORDER_PUD, 0);
	ok(r.cnt[FL_CNT_INSERT_PUD] == 1 && r.cnt[FL_CNT_INSERT_PMD] == 1 &&
	   r.cnt[FL_CNT_INSERT_PTE] == 2 && r.faults == 4,
	   "1G + 2M + 8K: one PUD, one PMD, two PTEs");
	fl_oracle_compute(&in, &r);
	ok(r.cnt[FL_CNT_INSERT_PMD] == 512 && !r.cnt[FL_CNT_INSERT_PUD],
	   "no PUD when the kernel cannot map PFNMAP PUDs or the chunk is smaller");

	/* --touch-stride: one touch per 2 MiB (512 pages) of a 64 GiB BAR. */
	in = (struct fl_oracle_in){ .strategy = FL_STRAT_HUGE, .size = 64 * FL_GIB,
				    .threads = 2, .max_order = FL_ORDER_PUD,
				    .features = FL_FEAT_PMD_PFNMAP | FL_FEAT_PUD_PFNMAP,
				    .chunk_order = 36, .stride = 512 };
	fl_oracle_compute(&in, &r);
	ok(r.cnt[FL_CNT_INSERT_PUD] == 64 && r.faults == 64,
	   "64G, stride 2M, huge: 64 PUDs, 64 faults");
	in.strategy = FL_STRAT_INSERT_BULK;
	in.threads = 1;
	fl_oracle_compute(&in, &r);
	ok(r.cnt[FL_CNT_INSERT_PTE] == 16777216 && r.faults == 1,
	   "64G, stride 2M, insert-bulk: every PTE on one fault");
	in.strategy = FL_STRAT_INSERT_PAGE;
	in.threads = 2;
	fl_oracle_compute(&in, &r);
	ok(r.cnt[FL_CNT_INSERT_PTE] == 32768 && r.faults == 32768,
	   "64G, stride 2M, insert-page: 32768 PTEs and faults");
	in.strategy = FL_STRAT_INSERT_AROUND;
	in.window = 16;
	in.size = 4 * FL_MIB + 8192;
	in.threads = 1;
	fl_oracle_compute(&in, &r);
	ok(r.faults == 3 && r.cnt[FL_CNT_INSERT_PTE] == 34,
	   "4M+8K, stride 2M, insert-around(16): 3 faults, the last window cut to 2 pages");
	in.strategy = FL_STRAT_HUGE;
	in.size = FL_GIB + 4 * FL_MIB + 16384;
	in.stride = 1024;
	fl_oracle_compute(&in, &r);
	ok(r.cnt[FL_CNT_INSERT_PUD] == 1 && r.cnt[FL_CNT_INSERT_PMD] == 1 &&
	   r.cnt[FL_CNT_INSERT_PTE] == 1 && r.faults == 3,
	   "1G+4M+16K, stride 4M, huge: the touches land in 1 PUD, 1 of 2 PMDs, 1 of 4 PTEs");
	in.stride = 0;
	in.strategy = FL_STRAT_NR;
	ok(!fl_oracle_compute(&in, &r), "an unknown strategy has no oracle");
	return done_testing();
}
