// SPDX-License-Identifier: GPL-2.0
/*
 * remap-fault - the vfio-pci 5.8-6.9 strategy: io_remap_pfn_range() of
 * the whole VMA from the first fault, under the mmap lock held for read.
 *
 * Its known bug is reproduced on purpose: remap_pfn_range() changes
 * vm_flags, which asserts the mmap lock held for write, so kernels with
 * that assertion (6.12) print "WARNING ... at include/linux/rwsem.h" in
 * track_pfn_remap() and remap_pfn_range_internal() at every such fault.
 * TESTS declares the warning (expect-warn): it is the finding.
 *
 *  1. 1 GiB written once per page: 1 fault, 1 remap of 262144 pages.
 *  2. Data integrity, UC and WC.
 *  3. Revoke: no page readable, one SIGBUS per access; restore: the next
 *     fault remaps the whole VMA again.
 *  4. Two threads first-touch one VMA at once: one remap, both succeed
 *     (remap_pfn_range() BUG()s on an entry already mapped, so the loser
 *     must see the winner's work).
 */
#include <pthread.h>

#include "fltest.h"

#define LEN	GiB
#define SMALL	(8 * MiB)

static pthread_barrier_t go;
static volatile uint64_t *two[2];

static void *toucher(void *arg)
{
	long i = (long)arg;

	pthread_barrier_wait(&go);
	*two[i] = 0x2000 + i;
	return NULL;
}

static int open_remap_fault(const char *dev, unsigned int cache)
{
	int fd = fl_reopen(dev);

	if (fd >= 0 && (fl_set(fd, FL_STRAT_REMAP_FAULT, 0, 0, cache) ||
			fl_reset(fd))) {
		close(fd);
		fd = -1;
	}
	return fd;
}

static void oracle(const char *dev)
{
	uint64_t want[FL_CNT_NR] = { 0 };
	volatile uint64_t *p;
	int fd = open_remap_fault(dev, FL_CACHE_UC);

	if (fd < 0) {
		ktap_result(0, "oracle: set up");
		return;
	}
	p = fl_map(fd, LEN, 0, GiB, 0);
	if (p == MAP_FAILED) {
		ktap_result(0, "oracle: mmap");
		close(fd);
		return;
	}
	fl_write_sweep(p, LEN, PAGE, 30);
	want[FL_CNT_MMAP] = 1;
	want[FL_CNT_FAULT] = 1;
	want[FL_CNT_REMAP] = 1;
	want[FL_CNT_REMAP_PAGES] = LEN / PAGE;
	fl_expect_counts(fd, FL_STRAT_REMAP_FAULT, want, "remap-fault 1 GiB");
	KTAP_EXPECT_EQ_U64(fl_check_sweep(p, LEN, PAGE, 30), 0,
			   "remap-fault 1 GiB: reads back what was written");
	munmap((void *)p, LEN);
	close(fd);
}

static void integrity(const char *dev, unsigned int cache, uint64_t off)
{
	volatile uint64_t *p;
	int fd = open_remap_fault(dev, cache);

	if (fd < 0) {
		ktap_result(0, "%s: set up", fl_cache_names[cache]);
		return;
	}
	p = fl_map(fd, SMALL, off, 0, 0);
	if (p == MAP_FAILED) {
		ktap_result(0, "%s: mmap", fl_cache_names[cache]);
		close(fd);
		return;
	}
	fl_fill(p, SMALL, 31 + cache);
	KTAP_EXPECT_EQ_U64(fl_check_fill(p, SMALL, 31 + cache), 0,
			   "remap-fault %s: every word reads back",
			   fl_cache_names[cache]);
	munmap((void *)p, SMALL);
	close(fd);
}

static void revoke_restore(const char *dev)
{
	struct fl_revoke r = { .size = sizeof(r) };
	volatile uint64_t *p;
	uint64_t before;
	int fd = open_remap_fault(dev, FL_CACHE_UC);

	if (fd < 0) {
		ktap_result(0, "revoke: set up");
		return;
	}
	p = fl_map(fd, SMALL, 0, 0, 0);
	if (p == MAP_FAILED) {
		ktap_result(0, "revoke: mmap");
		close(fd);
		return;
	}
	fl_write_sweep(p, SMALL, PAGE, 40);
	ioctl(fd, FL_IOC_REVOKE, &r);
	before = fl_cnt(fd, FL_STRAT_REMAP_FAULT, FL_CNT_SIGBUS);
	KTAP_EXPECT_EQ_U64(fl_readable_pages(p, SMALL), 0,
			   "revoke: no page readable");
	KTAP_EXPECT_EQ_U64(fl_cnt(fd, FL_STRAT_REMAP_FAULT, FL_CNT_SIGBUS) - before,
			   SMALL / PAGE, "revoke: one SIGBUS per access");
	ioctl(fd, FL_IOC_RESTORE, &r);
	before = fl_cnt(fd, FL_STRAT_REMAP_FAULT, FL_CNT_REMAP);
	KTAP_EXPECT_EQ_U64(fl_check_sweep(p, SMALL, PAGE, 40), 0,
			   "restore: the data is back");
	KTAP_EXPECT_EQ_U64(fl_cnt(fd, FL_STRAT_REMAP_FAULT, FL_CNT_REMAP) - before,
			   1, "restore: one fault remapped the whole VMA");
	munmap((void *)p, SMALL);
	close(fd);
}

static void concurrent_first_touch(const char *dev)
{
	int fd = open_remap_fault(dev, FL_CACHE_UC), r, bad = 0;
	pthread_t t[2];
	long i;

	if (fd < 0) {
		ktap_result(0, "concurrent: set up");
		return;
	}
	for (r = 0; r < 20; r++) {
		volatile uint64_t *p = fl_map(fd, SMALL, 0, 0, 0);
		uint64_t before = fl_cnt(fd, FL_STRAT_REMAP_FAULT, FL_CNT_REMAP);

		if (p == MAP_FAILED) {
			bad++;
			break;
		}
		two[0] = p;
		two[1] = p + (SMALL - 8) / 8;
		pthread_barrier_init(&go, NULL, 2);
		for (i = 0; i < 2; i++)
			pthread_create(&t[i], NULL, toucher, (void *)i);
		for (i = 0; i < 2; i++)
			pthread_join(t[i], NULL);
		pthread_barrier_destroy(&go);
		if (*two[0] != 0x2000 || *two[1] != 0x2001 ||
		    fl_cnt(fd, FL_STRAT_REMAP_FAULT, FL_CNT_REMAP) - before != 1)
			bad++;
		munmap((void *)p, SMALL);
	}
	KTAP_EXPECT(bad == 0,
		    "concurrent first touch: both threads succeed, one remap, 20 rounds (%d bad)",
		    bad);
	close(fd);
}

int main(void)
{
	struct fl_info info;
	char dev[64];
	int fd;

	ktap_start(0);
	fl_bus_install();
	fd = fl_open_backing(FL_BACKING_PCI, 0, dev, sizeof(dev));
	if (fd < 0 || fl_info(fd, &info))
		ktap_bail("no PCI-backed faultline device");
	close(fd);
	if (info.bar_size >= LEN && !(info.phys_base & (GiB - 1)))
		oracle(dev);
	else
		ktap_skip("oracle: needs a 1 GiB-aligned BAR of 1 GiB or more");
	integrity(dev, FL_CACHE_UC, 16 * MiB);
	integrity(dev, FL_CACHE_WC, 32 * MiB);
	revoke_restore(dev);
	concurrent_first_touch(dev);
	return ktap_finish();
}
