// SPDX-License-Identifier: GPL-2.0
/*
 * counts - the suite's oracle: exact fault and insert counts per strategy.
 *
 * A 1 GiB window of the PCI BAR (offset 0) is mapped at a 1 GiB-aligned
 * address and written once per 4 KiB page; the counters of the strategy
 * (all fifteen) must then be exactly:
 *
 *   remap-mmap        0 faults; 1 remap of 262144 pages, in mmap()
 *   insert-page       262144 faults, 262144 PTE inserts
 *   insert-bulk       1 fault, 262144 PTE inserts
 *   insert-around(16) 16384 faults, 262144 PTE inserts
 *   huge              1 PUD fault, 1 PUD insert
 *   huge, cap PMD     1 PUD fault that falls back, 512 PMD faults and inserts
 *   huge, +4 KiB      the address misaligned by 4 KiB: no huge entry fits,
 *                     every page is a PTE fault and insert; the huge_fault
 *                     calls that fall back first are counted too (below)
 *   huge, mmap(NULL)  as "huge", at the address the driver's
 *                     get_unmapped_area chose (which must be aligned)
 *
 * remap-fault is in its own test (remap-fault.c): it warns by design.
 * The figures are computed from the geometry, and the data written is
 * read back.  On kernels without huge PFNMAP support the huge cases check
 * that FL_IOC_SET_STRATEGY fails with EOPNOTSUPP, and are skipped.
 *
 * usage: counts [CASE...]   (default: all)
 */
#include "fltest.h"

#define LEN	GiB
#define PMD_SZ	(2 * MiB)

struct fl_case {
	const char *name;
	unsigned int strategy, max_order, window;
	uint64_t misalign;	/* bytes past a 1 GiB boundary */
	bool plain_mmap;	/* mmap(NULL, ...): the driver aligns */
	void (*expect)(const struct fl_case *c, uint64_t want[FL_CNT_NR]);
};

static const uint64_t npages = LEN / PAGE;

static void want_remap_mmap(const struct fl_case *c, uint64_t w[FL_CNT_NR])
{
	(void)c;
	w[FL_CNT_REMAP] = 1;
	w[FL_CNT_REMAP_PAGES] = npages;
}

static void want_insert_page(const struct fl_case *c, uint64_t w[FL_CNT_NR])
{
	(void)c;
	w[FL_CNT_FAULT] = npages;
	w[FL_CNT_INSERT_PTE] = npages;
}

static void want_insert_bulk(const struct fl_case *c, uint64_t w[FL_CNT_NR])
{
	(void)c;
	w[FL_CNT_FAULT] = 1;
	w[FL_CNT_INSERT_PTE] = npages;
}

static void want_insert_around(const struct fl_case *c, uint64_t w[FL_CNT_NR])
{
	w[FL_CNT_FAULT] = npages / c->window;
	w[FL_CNT_INSERT_PTE] = npages;
}

static void want_huge_pud(const struct fl_case *c, uint64_t w[FL_CNT_NR])
{
	(void)c;
	w[FL_CNT_HUGE_FAULT_PUD] = LEN / GiB;
	w[FL_CNT_INSERT_PUD] = LEN / GiB;
}

/* The first fault offers the PUD (refused: cap), then each PMD range. */
static void want_huge_pmd(const struct fl_case *c, uint64_t w[FL_CNT_NR])
{
	(void)c;
	w[FL_CNT_HUGE_FAULT_PUD] = LEN / GiB;
	w[FL_CNT_FALLBACK] = LEN / GiB;
	w[FL_CNT_HUGE_FAULT_PMD] = LEN / PMD_SZ;
	w[FL_CNT_INSERT_PMD] = LEN / PMD_SZ;
}

/*
 * [A + 4K, A + 1G + 4K) touches 2 PUD ranges and 513 PMD ranges, and no
 * huge entry fits anywhere.  The first touch of a PUD range offers it to
 * ->huge_fault(PUD) (fallback), then the PMD (fallback).  Under the
 * per-VMA lock (x86 SMP kernels since 6.4; huge PFNMAPs need 6.12) the
 * PTE path cannot call ->fault() and retries under the mmap lock, where
 * the PMD entry is still empty: ->huge_fault(PMD) is offered the first
 * page of each PMD range twice.  Every page is then one ->fault() and one
 * PTE insert.
 */
static void want_huge_misaligned(const struct fl_case *c,
				 uint64_t w[FL_CNT_NR])
{
	uint64_t start = c->misalign, end = c->misalign + LEN;
	uint64_t npud = (end - 1) / GiB - start / GiB + 1;
	uint64_t npmd = (end - 1) / PMD_SZ - start / PMD_SZ + 1;

	w[FL_CNT_HUGE_FAULT_PUD] = npud;
	w[FL_CNT_HUGE_FAULT_PMD] = 2 * npmd;
	w[FL_CNT_FALLBACK] = npud + 2 * npmd;
	w[FL_CNT_FAULT] = npages;
	w[FL_CNT_INSERT_PTE] = npages;
}

static const struct fl_case cases[] = {
	{ "remap-mmap", FL_STRAT_REMAP_MMAP, FL_ORDER_PTE, 0, 0, false,
	  want_remap_mmap },
	{ "insert-page", FL_STRAT_INSERT_PAGE, FL_ORDER_PTE, 0, 0, false,
	  want_insert_page },
	{ "insert-bulk", FL_STRAT_INSERT_BULK, FL_ORDER_PTE, 0, 0, false,
	  want_insert_bulk },
	{ "insert-around", FL_STRAT_INSERT_AROUND, FL_ORDER_PTE, 16, 0, false,
	  want_insert_around },
	{ "huge", FL_STRAT_HUGE, FL_ORDER_PUD, 0, 0, false, want_huge_pud },
	{ "huge-pmd", FL_STRAT_HUGE, FL_ORDER_PMD, 0, 0, false, want_huge_pmd },
	{ "huge-misaligned", FL_STRAT_HUGE, FL_ORDER_PUD, 0, 4 * KiB, false,
	  want_huge_misaligned },
	{ "huge-mmap-null", FL_STRAT_HUGE, FL_ORDER_PUD, 0, 0, true,
	  want_huge_pud },
};

static void run_case(const char *dev, const struct fl_case *c, uint64_t seed)
{
	uint64_t want[FL_CNT_NR] = { 0 };
	volatile uint64_t *p;
	int fd;

	fd = fl_reopen(dev);
	if (fd < 0) {
		ktap_result(0, "%s: open", c->name);
		return;
	}
	if (c->strategy == FL_STRAT_HUGE && !fl_huge_supported(fd, c->max_order)) {
		KTAP_EXPECT_ERRNO(fl_try_set(fd, c->strategy, c->max_order, 0,
					     FL_CACHE_DEFAULT), EOPNOTSUPP,
				  "%s: FL_IOC_SET_STRATEGY fails with EOPNOTSUPP on this kernel",
				  c->name);
		ktap_skip("%s: this kernel cannot map huge PFNMAP entries",
			  c->name);
		close(fd);
		return;
	}
	if (fl_set(fd, c->strategy, c->max_order, c->window, FL_CACHE_DEFAULT) ||
	    fl_reset(fd)) {
		ktap_result(0, "%s: set up", c->name);
		close(fd);
		return;
	}

	p = fl_map(fd, LEN, 0, c->plain_mmap ? 0 : GiB, c->misalign);
	if (p == MAP_FAILED) {
		ktap_result(0, "%s: mmap", c->name);
		close(fd);
		return;
	}
	if (c->plain_mmap)
		KTAP_EXPECT(((uintptr_t)p & (GiB - 1)) == 0,
			    "%s: get_unmapped_area chose a 1 GiB-aligned address (%p)",
			    c->name, (void *)p);

	fl_write_sweep(p, LEN, PAGE, seed);
	c->expect(c, want);
	want[FL_CNT_MMAP] = 1;
	fl_expect_counts(fd, c->strategy, want, c->name);
	KTAP_EXPECT_EQ_U64(fl_check_sweep(p, LEN, PAGE, seed), 0,
			   "%s: every page reads back what was written", c->name);

	munmap((void *)p, LEN);
	close(fd);
}

int main(int argc, char **argv)
{
	char dev[64];
	struct fl_info info;
	unsigned int i;
	int fd, a, ran = 0;

	ktap_start(0);
	fd = fl_open_backing(FL_BACKING_PCI, 0, dev, sizeof(dev));
	if (fd < 0)
		ktap_bail("no PCI-backed faultline device");
	if (fl_info(fd, &info))
		ktap_bail("FL_IOC_GET_INFO: %s", strerror(errno));
	if (info.bar_size < LEN)
		ktap_exit_skip("the BAR is %llu bytes, the oracle needs 1 GiB",
			       (unsigned long long)info.bar_size);
	if (info.phys_base & (GiB - 1))
		ktap_exit_skip("the BAR at %#llx is not 1 GiB-aligned",
			       (unsigned long long)info.phys_base);
	close(fd);
	ktap_print_msg("%s: %s, BAR at %#llx, %llu MiB", dev, info.name,
		       (unsigned long long)info.phys_base,
		       (unsigned long long)(info.bar_size >> 20));

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		bool want = argc < 2;

		for (a = 1; a < argc; a++)
			want |= !strcmp(argv[a], cases[i].name);
		if (!want)
			continue;
		run_case(dev, &cases[i], 0x1000 + i);
		ran++;
	}
	if (!ran)
		ktap_bail("no such case among the arguments");
	return ktap_finish();
}
