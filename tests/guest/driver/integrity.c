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

struct pat_check {
	uint64_t base;		/* the BAR */
	uint64_t off;		/* the mapping's offset */
	unsigned int strategy, cache;
};

static void pat_while_mapped(void *arg, const char *what)
{
	struct pat_check *pc = arg;
	int wc = pat_has(pc->base, "write-combining");

	if (wc < 0)
		ktap_skip("%s: no %s (PAT off?)", what, PAT_LIST);
	else if (pc->cache == FL_CACHE_WC)
		KTAP_EXPECT(wc == 1, "%s: PAT records the BAR write-combining",
			    what);
	else if (pc->strategy == FL_STRAT_REMAP_MMAP)
		KTAP_EXPECT(pat_has(pc->base + pc->off, "uncached-minus") == 1,
			    "%s: PAT records the mapping uncached-minus", what);
	else
		KTAP_EXPECT(wc == 0, "%s: PAT has no write-combining record",
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
	KTAP_EXPECT_ERRNO(q == MAP_FAILED, EBUSY,
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
	struct pat_check pc;
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

	KTAP_EXPECT_ERRNO(fl_try_set(fd, FL_STRAT_INSERT_PAGE, 0, 0,
				   FL_CACHE_WB), EINVAL,
			"write-back on a PCI BAR: EINVAL");
	close(fd);

	for (s = 0; s < sizeof(strategies) / sizeof(strategies[0]); s++) {
		for (c = 0; c < 2; c++, n++) {
			pc.base = info.phys_base;
			pc.off = (n + 1) * 2 * WIN;
			pc.strategy = strategies[s];
			pc.cache = caches[c];
			fl_roundtrip(dev, pc.strategy, pc.cache, FL_CACHE_UC,
				     pc.off, WIN, 0xabc0 + n, pat_while_mapped,
				     &pc);
			if (pc.cache == FL_CACHE_WC && pat_has(pc.base, "write-combining") >= 0)
				KTAP_EXPECT(pat_has(pc.base, "write-combining") == 0,
					    "%s/wc: the write-combining record is gone with the mapping",
					    fl_strat_names[pc.strategy]);
		}
	}
	mode_conflict(dev);
	return ktap_finish();
}
