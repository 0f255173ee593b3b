// SPDX-License-Identifier: GPL-2.0
/*
 * revoke - FL_IOC_REVOKE zaps every mapping of the device (what vfio does
 * on reset or memory disable), faults get SIGBUS until FL_IOC_RESTORE,
 * and then data written lands.
 *
 *  1. A thread writes over a mapping in a loop; another revokes: the
 *     writer gets SIGBUS, at an address inside the mapping.
 *  2. For every strategy (remap-fault: remap-fault.c): map 16 MiB, touch
 *     every page, revoke; then no page is readable (no stale entry),
 *     each attempt is one SIGBUS in the counters, zapped_pages and the
 *     revoke/zapped counters are the mapping's size; restore, write a new
 *     pattern through the old mapping, read it through a new one.
 *  3. remap-mmap fills its page tables inside mmap(), before the kernel
 *     links the VMA where a revoke can see it: mmap() in a loop while
 *     revoking; after each revoke, the last mapping made must SIGBUS.
 */
#include <pthread.h>
#include <stdatomic.h>

#include "fltest.h"

#define LEN	(16 * MiB)

static volatile uint64_t *acc_map;
static atomic_int acc_passes;
static atomic_int acc_stop;
static volatile void *acc_bus_addr;
static atomic_int acc_bus;

static void *accessor(void *arg)
{
	uint64_t i = 0;

	(void)arg;
	while (!atomic_load(&acc_stop)) {
		if (fl_access(acc_map + (i % (LEN / 8)), true, i, NULL)) {
			acc_bus_addr = fl_bus_addr;
			atomic_store(&acc_bus, 1);
			return NULL;
		}
		i += PAGE / 8;
		if (!(i % (LEN / 8)))
			atomic_fetch_add(&acc_passes, 1);
	}
	return NULL;
}

static int do_revoke(int fd, uint64_t *zapped)
{
	struct fl_revoke r = { .size = sizeof(r) };

	if (ioctl(fd, FL_IOC_REVOKE, &r)) {
		ktap_print_msg("ioctl FL_IOC_REVOKE: %s", strerror(errno));
		return -1;
	}
	if (zapped)
		*zapped = r.zapped_pages;
	return 0;
}

static int do_restore(int fd)
{
	struct fl_revoke r = { .size = sizeof(r) };

	if (ioctl(fd, FL_IOC_RESTORE, &r)) {
		ktap_print_msg("ioctl FL_IOC_RESTORE: %s", strerror(errno));
		return -1;
	}
	return 0;
}

static void during_access(const char *dev)
{
	pthread_t t;
	uint64_t zapped = 0;
	int fd = fl_reopen(dev);

	if (fd < 0 || fl_set(fd, FL_STRAT_INSERT_PAGE, 0, 0, FL_CACHE_DEFAULT)) {
		ktap_result(0, "during access: set up");
		return;
	}
	acc_map = fl_map(fd, LEN, 0, 0, 0);
	if (acc_map == MAP_FAILED) {
		ktap_result(0, "during access: mmap");
		close(fd);
		return;
	}
	pthread_create(&t, NULL, accessor, NULL);
	/* Revoke while the writer is going round (no timing: a handshake). */
	while (atomic_load(&acc_passes) < 2 && !atomic_load(&acc_bus))
		sched_yield();
	do_revoke(fd, &zapped);
	pthread_join(t, NULL);

	KTAP_EXPECT(atomic_load(&acc_bus),
		    "during access: the writing thread got SIGBUS");
	KTAP_EXPECT((uintptr_t)acc_bus_addr >= (uintptr_t)acc_map &&
		    (uintptr_t)acc_bus_addr < (uintptr_t)acc_map + LEN,
		    "during access: at an address of the mapping (%p)",
		    (void *)acc_bus_addr);
	KTAP_EXPECT_EQ_U64(zapped, LEN / PAGE,
			   "during access: zapped_pages is the mapping's pages");
	do_restore(fd);
	munmap((void *)acc_map, LEN);
	close(fd);
}

static void per_strategy(const char *dev, unsigned int s, uint64_t off)
{
	const char *name = fl_strat_names[s];
	volatile uint64_t *p, *q;
	uint64_t zapped = 0, readable, before;
	int fd = fl_reopen(dev);

	if (fd < 0) {
		ktap_result(0, "%s: open", name);
		return;
	}
	if (s == FL_STRAT_HUGE && !fl_huge_supported(fd, FL_ORDER_PMD)) {
		ktap_skip("%s: this kernel cannot map huge PFNMAP entries", name);
		close(fd);
		return;
	}
	if (fl_set(fd, s, s == FL_STRAT_HUGE ? FL_ORDER_PMD : 0, 0,
		   FL_CACHE_DEFAULT)) {
		ktap_result(0, "%s: set strategy", name);
		close(fd);
		return;
	}
	p = fl_map(fd, LEN, off, 2 * MiB, 0);
	if (p == MAP_FAILED) {
		ktap_result(0, "%s: mmap", name);
		close(fd);
		return;
	}
	fl_write_sweep(p, LEN, PAGE, 1);
	fl_reset(fd);

	if (do_revoke(fd, &zapped)) {
		ktap_result(0, "%s: revoke", name);
		goto out;
	}
	KTAP_EXPECT_EQ_U64(zapped, LEN / PAGE, "%s: zapped_pages", name);
	before = fl_cnt(fd, s, FL_CNT_SIGBUS);
	readable = fl_readable_pages(p, LEN);
	KTAP_EXPECT_EQ_U64(readable, 0,
			   "%s: no page readable after revoke (no stale entry)",
			   name);
	KTAP_EXPECT_EQ_U64(fl_cnt(fd, s, FL_CNT_SIGBUS) - before, LEN / PAGE,
			   "%s: one SIGBUS counted per access", name);
	KTAP_EXPECT_EQ_U64(fl_cnt(fd, s, FL_CNT_REVOKE), 1,
			   "%s: revoke counted", name);
	KTAP_EXPECT_EQ_U64(fl_cnt(fd, s, FL_CNT_ZAPPED), LEN / PAGE,
			   "%s: zapped pages counted", name);

	if (do_restore(fd)) {
		ktap_result(0, "%s: restore", name);
		goto out;
	}
	/* The old mapping faults back in; the data must land. */
	fl_write_sweep(p, LEN, PAGE, 2);
	KTAP_EXPECT_EQ_U64(fl_check_sweep(p, LEN, PAGE, 2), 0,
			   "%s: after restore, the old mapping reads what it wrote",
			   name);
	q = fl_map(fd, LEN, off, 0, 0);
	if (q != MAP_FAILED) {
		KTAP_EXPECT_EQ_U64(fl_check_sweep(q, LEN, PAGE, 2), 0,
				   "%s: a new mapping reads the same", name);
		munmap((void *)q, LEN);
	} else {
		ktap_result(0, "%s: new mapping after restore", name);
	}
out:
	munmap((void *)p, LEN);
	close(fd);
}

static volatile uint64_t *race_last;
static atomic_int race_stop;
static atomic_int race_made;
static int race_fd;

/* mmap() and munmap() remap-mmap windows until told to stop. */
static void *mapper(void *arg)
{
	volatile uint64_t *prev = NULL, *p;

	(void)arg;
	while (!atomic_load(&race_stop)) {
		p = mmap(NULL, 2 * MiB, PROT_READ | PROT_WRITE, MAP_SHARED,
			 race_fd, 0);
		if (p == MAP_FAILED)
			break;
		if (prev)
			munmap((void *)prev, 2 * MiB);
		prev = p;
		atomic_fetch_add(&race_made, 1);
	}
	race_last = prev;
	return NULL;
}

static void revoke_vs_mmap(const char *dev)
{
	int i, stale = 0, rounds = 200;
	pthread_t t;

	race_fd = fl_reopen(dev);
	if (race_fd < 0 || fl_set(race_fd, FL_STRAT_REMAP_MMAP, 0, 0,
				  FL_CACHE_DEFAULT)) {
		ktap_result(0, "revoke vs mmap: set up");
		return;
	}
	for (i = 0; i < rounds; i++) {
		int made;

		atomic_store(&race_stop, 0);
		atomic_store(&race_made, 0);
		race_last = NULL;
		pthread_create(&t, NULL, mapper, NULL);
		while (atomic_load(&race_made) < 1 + i % 3)
			sched_yield();
		do_revoke(race_fd, NULL);
		atomic_store(&race_stop, 1);
		pthread_join(t, NULL);
		made = atomic_load(&race_made);
		if (!race_last) {
			ktap_print_msg("round %d: no mapping made (%d)", i, made);
			stale = -1;
			break;
		}
		/* Made before or after the revoke: it must not be readable. */
		if (fl_readable_pages(race_last, PAGE))
			stale++;
		munmap((void *)race_last, 2 * MiB);
		do_restore(race_fd);
	}
	KTAP_EXPECT(stale == 0,
		    "revoke vs mmap: after %d revokes racing remap-mmap mmap(), no mapping readable (%d were)",
		    rounds, stale);
	close(race_fd);
}

int main(void)
{
	char dev[64];
	unsigned int s;
	int fd;

	ktap_start(0);
	fl_bus_install();
	fd = fl_open_backing(FL_BACKING_PCI, 0, dev, sizeof(dev));
	if (fd < 0)
		ktap_bail("no PCI-backed faultline device");
	close(fd);

	during_access(dev);
	for (s = 0; s < FL_STRAT_NR; s++)
		if (s != FL_STRAT_REMAP_FAULT)
			per_strategy(dev, s, (s + 1) * 2 * LEN);
	revoke_vs_mmap(dev);
	return ktap_finish();
}
