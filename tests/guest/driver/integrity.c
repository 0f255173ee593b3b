// SPDX-License-Identifier: GPL-2.0
/*
 * integrity - the data read back is the data written, for every strategy
 * and caching mode of the PCI BAR, and the caching mode is the one asked
 * for.
 *
 * For each strategy (remap-fault is in remap-fault.c) and each of UC and
 * WC: an 8 MiB window at its own offset is filled (every 64-bit word,
 * seeded per combination), read back through the same mapping, then
 * through a second mapping made by another file (insert-page, UC): what
 * the first wrote must be in the device, not in a cache or an alias.
 * While a WC mapping lives, PAT must record the BAR as write-combining
 * (/sys/kernel/debug/x86/pat_memtype_list), and no longer once it is gone;
 * a UC remap mapping must be recorded uncached-minus.  WB on a BAR is
 * EINVAL, and a second caching mode while the first is mapped is EBUSY.
 */
#include "fltest.h"

#define WIN	(8 * MiB)
#define PAT_LIST "/sys/kernel/debug/x86/pat_memtype_list"

/* Does PAT record [@start, ...) with type @type?  -1: no PAT list. */
static int pat_has(uint64_t start, const char *type)
{
	unsigned long long s, e;
	char line[256], t[64];
	FILE *f = fopen(PAT_LIST, "r");
	int found = 0;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "PAT: [mem 0x%llx-0x%llx] %63s", &s, &e, t) == 3 &&
		    s == start && !strcmp(t, type))
			found = 1;
	fclose(f);
	return found;
}

static void check_through_other_file(const char *dev, uint64_t off,
				     uint64_t seed, const char *what)
{
	volatile uint64_t *q;
	int fd = fl_reopen(dev);

	if (fd < 0 || fl_set(fd, FL_STRAT_INSERT_PAGE, FL_ORDER_PTE, 0,
			     FL_CACHE_UC)) {
		ktap_result(0, "%s: second file", what);
		goto out;
	}
	q = fl_map(fd, WIN, off, 0, 0);
	if (q == MAP_FAILED) {
		ktap_result(0, "%s: second mapping", what);
		goto out;
	}
	KTAP_EXPECT_EQ_U64(fl_check_fill(q, WIN, seed), 0,
			   "%s: another file's mapping reads the same data",
			   what);
	munmap((void *)q, WIN);
out:
	if (fd >= 0)
		close(fd);
}

static void one(const char *dev, const struct fl_info *info,
		unsigned int strategy, unsigned int cache, uint64_t off,
		uint64_t seed)
{
	volatile uint64_t *p;
	char what[64];
	int fd, pat;

	snprintf(what, sizeof(what), "%s/%s", fl_strat_names[strategy],
		 fl_cache_names[cache]);
	fd = fl_reopen(dev);
	if (fd < 0) {
		ktap_result(0, "%s: open", what);
		return;
	}
	if (strategy == FL_STRAT_HUGE && !fl_huge_supported(fd, FL_ORDER_PMD)) {
		ktap_skip("%s: this kernel cannot map huge PFNMAP entries", what);
		close(fd);
		return;
	}
	if (fl_set(fd, strategy, strategy == FL_STRAT_HUGE ? FL_ORDER_PMD : 0,
		   8, cache)) {
		ktap_result(0, "%s: set strategy", what);
		close(fd);
		return;
	}
	/* 2 MiB-aligned, so huge maps PMDs. */
	p = fl_map(fd, WIN, off, 2 * MiB, 0);
	if (p == MAP_FAILED) {
		ktap_result(0, "%s: mmap", what);
		close(fd);
		return;
	}

	fl_fill(p, WIN, seed);
	KTAP_EXPECT_EQ_U64(fl_check_fill(p, WIN, seed), 0,
			   "%s: reads back what it wrote", what);

	pat = pat_has(info->phys_base, "write-combining");
	if (pat < 0)
		ktap_skip("%s: no %s (PAT off?)", what, PAT_LIST);
	else if (cache == FL_CACHE_WC)
		KTAP_EXPECT(pat == 1, "%s: PAT records the BAR write-combining",
			    what);
	else if (strategy == FL_STRAT_REMAP_MMAP)
		KTAP_EXPECT(pat_has(info->phys_base + off, "uncached-minus") == 1,
			    "%s: PAT records the mapping uncached-minus", what);
	else
		KTAP_EXPECT(pat == 0, "%s: PAT has no write-combining record",
			    what);

	munmap((void *)p, WIN);
	close(fd);
	check_through_other_file(dev, off, seed, what);
	if (cache == FL_CACHE_WC && pat >= 0)
		KTAP_EXPECT(pat_has(info->phys_base, "write-combining") == 0,
			    "%s: the write-combining record is gone with the mapping",
			    what);
}

static void mode_conflict(const char *dev)
{
	volatile uint64_t *p, *q;
	int a = fl_reopen(dev), b = fl_reopen(dev);

	if (a < 0 || b < 0 ||
	    fl_set(a, FL_STRAT_INSERT_PAGE, 0, 0, FL_CACHE_UC) ||
	    fl_set(b, FL_STRAT_INSERT_PAGE, 0, 0, FL_CACHE_WC)) {
		ktap_result(0, "mode conflict: set up");
		goto out;
	}
	p = fl_map(a, 2 * MiB, 0, 0, 0);
	if (p == MAP_FAILED) {
		ktap_result(0, "mode conflict: UC mapping");
		goto out;
	}
	q = mmap(NULL, 2 * MiB, PROT_READ | PROT_WRITE, MAP_SHARED, b, 4 * MiB);
	FL_EXPECT_ERRNO(q == MAP_FAILED, EBUSY,
			  "mmap WC while a UC mapping of the device lives: EBUSY");
	if (q != MAP_FAILED)
		munmap((void *)q, 2 * MiB);
	munmap((void *)p, 2 * MiB);
	q = mmap(NULL, 2 * MiB, PROT_READ | PROT_WRITE, MAP_SHARED, b, 4 * MiB);
	KTAP_EXPECT(q != MAP_FAILED, "mmap WC once the UC mapping is gone (%s)",
		    q == MAP_FAILED ? strerror(errno) : "ok");
	if (q != MAP_FAILED)
		munmap((void *)q, 2 * MiB);
out:
	if (a >= 0)
		close(a);
	if (b >= 0)
		close(b);
}

int main(void)
{
	static const unsigned int strategies[] = {
		FL_STRAT_REMAP_MMAP, FL_STRAT_INSERT_PAGE, FL_STRAT_INSERT_BULK,
		FL_STRAT_INSERT_AROUND, FL_STRAT_HUGE,
	};
	static const unsigned int caches[] = { FL_CACHE_UC, FL_CACHE_WC };
	struct fl_info info;
	char dev[64];
	unsigned int s, c, n = 0;
	int fd;

	ktap_start(0);
	fd = fl_open_backing(FL_BACKING_PCI, 0, dev, sizeof(dev));
	if (fd < 0 || fl_info(fd, &info))
		ktap_bail("no PCI-backed faultline device");
	if (info.bar_size < 16 * WIN)
		ktap_exit_skip("BAR of %llu bytes is too small",
			       (unsigned long long)info.bar_size);

	FL_EXPECT_ERRNO(fl_try_set(fd, FL_STRAT_INSERT_PAGE, 0, 0,
				     FL_CACHE_WB), EINVAL,
			  "write-back on a PCI BAR: EINVAL");
	close(fd);

	for (s = 0; s < sizeof(strategies) / sizeof(strategies[0]); s++)
		for (c = 0; c < 2; c++, n++)
			one(dev, &info, strategies[s], caches[c],
			    (n + 1) * 2 * WIN, 0xabc0 + n);
	mode_conflict(dev);
	return ktap_finish();
}
