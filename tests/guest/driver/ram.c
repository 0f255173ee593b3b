// SPDX-License-Identifier: GPL-2.0
/*
 * ram - the RAM backing: faultline.ko reloaded with ram_mb=64 on the last
 * NUMA node (the lab has two), then restored as the lab loaded it.
 *
 *  - the device describes itself (RAM, 64 MiB, chunks of at least 2 MiB,
 *    the node asked for, write-back by default) and reads zero at first
 *  - exact counts: insert-page one PTE per page; remap-mmap one remap per
 *    chunk; huge (capped at PUD, which RAM chunks cannot give) a PUD call
 *    that falls back, then one PMD insert per 2 MiB
 *  - integrity for every strategy in WB, UC and WC (remap-fault warns on
 *    6.12 by design: TESTS declares it), and EBUSY for a second mode
 */
#include "fltest.h"

#define RAM_MB	64
#define LEN	(RAM_MB * MiB)
#define WIN	(4 * MiB)

static int last_node(void)
{
	char buf[64];
	char *dash;

	if (fl_read_file("/sys/devices/system/node/online", buf, sizeof(buf)))
		return 0;
	dash = strrchr(buf, '-');
	return atoi(dash ? dash + 1 : buf);
}

static void restore_module(void)
{
	fl_sh("fl-module reload");
}

static void counts(const char *dev, const struct fl_info *info)
{
	uint64_t chunk = PAGE << info->chunk_order;
	uint64_t want[FL_CNT_NR];
	volatile uint64_t *p;
	int fd;

	/* insert-page */
	memset(want, 0, sizeof(want));
	fd = fl_reopen(dev);
	if (fd >= 0 && !fl_set(fd, FL_STRAT_INSERT_PAGE, 0, 0, 0) &&
	    !fl_reset(fd) && (p = fl_map(fd, LEN, 0, 2 * MiB, 0)) != MAP_FAILED) {
		fl_write_sweep(p, LEN, PAGE, 50);
		want[FL_CNT_MMAP] = 1;
		want[FL_CNT_FAULT] = LEN / PAGE;
		want[FL_CNT_INSERT_PTE] = LEN / PAGE;
		fl_expect_counts(fd, FL_STRAT_INSERT_PAGE, want, "ram insert-page");
		munmap((void *)p, LEN);
	} else {
		ktap_result(0, "ram insert-page: set up");
	}
	if (fd >= 0)
		close(fd);

	/* remap-mmap: one io_remap_pfn_range() per chunk */
	memset(want, 0, sizeof(want));
	fd = fl_reopen(dev);
	if (fd >= 0 && !fl_set(fd, FL_STRAT_REMAP_MMAP, 0, 0, 0) &&
	    !fl_reset(fd) && (p = fl_map(fd, LEN, 0, 2 * MiB, 0)) != MAP_FAILED) {
		KTAP_EXPECT_EQ_U64(fl_check_sweep(p, LEN, PAGE, 50), 0,
				   "ram remap-mmap: reads what insert-page wrote");
		want[FL_CNT_MMAP] = 1;
		want[FL_CNT_REMAP] = LEN / chunk;
		want[FL_CNT_REMAP_PAGES] = LEN / PAGE;
		fl_expect_counts(fd, FL_STRAT_REMAP_MMAP, want, "ram remap-mmap");
		munmap((void *)p, LEN);
	} else {
		ktap_result(0, "ram remap-mmap: set up");
	}
	if (fd >= 0)
		close(fd);

	/* huge: RAM chunks are at most MAX_PAGE_ORDER, so PMDs only */
	memset(want, 0, sizeof(want));
	fd = fl_reopen(dev);
	if (fd >= 0 && !fl_huge_supported(fd, FL_ORDER_PMD)) {
		ktap_skip("ram huge: this kernel cannot map huge PFNMAP entries");
	} else if (fd >= 0 &&
		   !fl_set(fd, FL_STRAT_HUGE,
			   fl_huge_supported(fd, FL_ORDER_PUD) ? FL_ORDER_PUD :
			   FL_ORDER_PMD, 0, 0) &&
		   !fl_reset(fd) &&
		   (p = fl_map(fd, LEN, 0, GiB, 0)) != MAP_FAILED) {
		fl_write_sweep(p, LEN, PAGE, 51);
		want[FL_CNT_MMAP] = 1;
		want[FL_CNT_HUGE_FAULT_PUD] = 1;
		want[FL_CNT_FALLBACK] = 1;
		want[FL_CNT_HUGE_FAULT_PMD] = LEN / (2 * MiB);
		want[FL_CNT_INSERT_PMD] = LEN / (2 * MiB);
		fl_expect_counts(fd, FL_STRAT_HUGE, want, "ram huge");
		KTAP_EXPECT_EQ_U64(fl_check_sweep(p, LEN, PAGE, 51), 0,
				   "ram huge: reads back what it wrote");
		munmap((void *)p, LEN);
	} else {
		ktap_result(0, "ram huge: set up");
	}
	if (fd >= 0)
		close(fd);
}

static void mode_conflict(const char *dev)
{
	volatile uint64_t *p;
	void *q;
	int a = fl_reopen(dev), b = fl_reopen(dev);

	if (a < 0 || b < 0 || fl_set(a, FL_STRAT_INSERT_PAGE, 0, 0, FL_CACHE_WB) ||
	    fl_set(b, FL_STRAT_INSERT_PAGE, 0, 0, FL_CACHE_UC) ||
	    (p = fl_map(a, WIN, 0, 0, 0)) == MAP_FAILED) {
		ktap_result(0, "ram mode conflict: set up");
	} else {
		q = mmap(NULL, WIN, PROT_READ | PROT_WRITE, MAP_SHARED, b, 0);
		KTAP_EXPECT_ERRNO(q == MAP_FAILED, EBUSY,
				"ram: mmap UC while a WB mapping lives: EBUSY");
		if (q != MAP_FAILED)
			munmap(q, WIN);
		munmap((void *)p, WIN);
	}
	if (a >= 0)
		close(a);
	if (b >= 0)
		close(b);
}

int main(void)
{
	static const unsigned int caches[] = { FL_CACHE_WB, FL_CACHE_UC,
					       FL_CACHE_WC };
	struct fl_info info;
	volatile uint64_t *p;
	char dev[64], buf[64];
	unsigned int s, c, n = 0;
	int node = last_node(), fd;
	uint64_t off;

	ktap_start(0);
	if (fl_sh("fl-module reload ram_mb=%d ram_node=%d", RAM_MB, node))
		ktap_bail("cannot load faultline.ko with a RAM backing");
	atexit(restore_module);

	fd = fl_open_backing(FL_BACKING_RAM, 0, dev, sizeof(dev));
	if (fd < 0 || fl_info(fd, &info))
		ktap_bail("no RAM-backed faultline device");
	ktap_print_msg("%s: %llu MiB, chunks of order %u, node %d", dev,
		       (unsigned long long)(info.bar_size >> 20),
		       info.chunk_order, info.numa_node);
	KTAP_EXPECT_EQ_U64(info.bar_size, LEN, "size is ram_mb");
	KTAP_EXPECT(info.chunk_order >= 9, "chunks of 2 MiB or more");
	KTAP_EXPECT(info.numa_node == node, "on node %d", node);
	KTAP_EXPECT_EQ_U64(info.default_cache, FL_CACHE_WB,
			   "default caching: WB");
	KTAP_EXPECT(!fl_sysfs(dev, "backing", buf, sizeof(buf)) &&
		    !strcmp(buf, "ram"), "sysfs backing: ram");

	fl_set(fd, FL_STRAT_INSERT_PAGE, 0, 0, 0);
	p = fl_map(fd, LEN, 0, 0, 0);
	if (p != MAP_FAILED) {
		uint64_t nonzero = 0;

		for (off = 0; off < LEN; off += 8)
			nonzero += p[off / 8] != 0;
		KTAP_EXPECT_EQ_U64(nonzero, 0,
				   "fresh RAM backing reads zero (no kernel data leaks)");
		munmap((void *)p, LEN);
	} else {
		ktap_result(0, "zero check: mmap");
	}
	close(fd);

	counts(dev, &info);
	for (s = 0; s < FL_STRAT_NR; s++)
		for (c = 0; c < 3; c++, n++)
			fl_roundtrip(dev, s, caches[c], FL_CACHE_WB,
				     (n % (LEN / WIN)) * WIN, WIN, 0x5a00 + n,
				     NULL, NULL);
	mode_conflict(dev);
	return ktap_finish();
}
