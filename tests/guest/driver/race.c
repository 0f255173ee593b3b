// SPDX-License-Identifier: GPL-2.0
/*
 * race - concurrent first touches are counted once and mapped once.
 *
 *  huge: two threads fault the first and the last page of one PMD range
 *  (cap PMD), or of one PUD range (cap PUD), at the same moment, on a fresh
 *  mapping, many times.  Both must succeed and read each other's data,
 *  and each round must count exactly one insert of that size and no PTE;
 *  the driver counts the loser (if the loser faulted at all) as a race.
 *
 *  insert-page: two threads write the same 64 pages at once; exactly 64
 *  PTE inserts, whoever wins each page.
 */
#include <pthread.h>
#include <stdatomic.h>

#include "fltest.h"

#define ROUNDS	40

static pthread_barrier_t go;
static volatile uint64_t *touch[2];

static void *toucher(void *arg)
{
	long i = (long)arg;

	pthread_barrier_wait(&go);
	*touch[i] = 0x1000 + i;
	return NULL;
}

static void huge_round(int fd, uint64_t size, unsigned int cnt_insert,
		       uint64_t *bad, uint64_t *races)
{
	volatile uint64_t *p;
	pthread_t t[2];
	uint64_t before, b_pte, b_race;
	long i;

	p = fl_map(fd, size, 0, size, 0);
	if (p == MAP_FAILED) {
		(*bad)++;
		return;
	}
	before = fl_cnt(fd, FL_STRAT_HUGE, cnt_insert);
	b_pte = fl_cnt(fd, FL_STRAT_HUGE, FL_CNT_INSERT_PTE);
	b_race = fl_cnt(fd, FL_STRAT_HUGE, FL_CNT_NOPAGE_RACE);
	touch[0] = p;
	touch[1] = p + (size - 8) / 8;
	pthread_barrier_init(&go, NULL, 2);
	for (i = 0; i < 2; i++)
		pthread_create(&t[i], NULL, toucher, (void *)i);
	for (i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	pthread_barrier_destroy(&go);

	if (*touch[0] != 0x1000 || *touch[1] != 0x1001 ||
	    fl_cnt(fd, FL_STRAT_HUGE, cnt_insert) - before != 1 ||
	    fl_cnt(fd, FL_STRAT_HUGE, FL_CNT_INSERT_PTE) != b_pte)
		(*bad)++;
	*races += fl_cnt(fd, FL_STRAT_HUGE, FL_CNT_NOPAGE_RACE) - b_race;
	munmap((void *)p, size);
}

static void huge_race(const char *dev, unsigned int order, uint64_t size,
		      unsigned int cnt_insert, const char *what)
{
	uint64_t bad = 0, races = 0;
	int fd = fl_reopen(dev), r;

	if (fd < 0) {
		ktap_result(0, "%s: open", what);
		return;
	}
	if (!fl_huge_supported(fd, order)) {
		ktap_skip("%s: this kernel cannot map such entries", what);
		close(fd);
		return;
	}
	if (fl_set(fd, FL_STRAT_HUGE, order, 0, 0)) {
		ktap_result(0, "%s: set strategy", what);
		close(fd);
		return;
	}
	for (r = 0; r < ROUNDS; r++)
		huge_round(fd, size, cnt_insert, &bad, &races);
	ktap_print_msg("%s: %d rounds, the driver saw %llu lost races", what,
		       ROUNDS, (unsigned long long)races);
	KTAP_EXPECT_EQ_U64(bad, 0,
			   "%s: first and last page at once: both succeed, one insert, no PTE, every round",
			   what);
	close(fd);
}

static volatile uint64_t *same_map;

static void *same_writer(void *arg)
{
	long i = (long)arg, pg;

	pthread_barrier_wait(&go);
	for (pg = 0; pg < 64; pg++)
		same_map[pg * PAGE / 8 + i] = pg;
	return NULL;
}

static void pte_race(const char *dev)
{
	uint64_t total = 0;
	pthread_t t[2];
	int fd = fl_reopen(dev), r;
	long i;

	if (fd < 0 || fl_set(fd, FL_STRAT_INSERT_PAGE, 0, 0, 0)) {
		ktap_result(0, "insert-page race: set up");
		return;
	}
	for (r = 0; r < ROUNDS; r++) {
		uint64_t before = fl_cnt(fd, FL_STRAT_INSERT_PAGE,
					 FL_CNT_INSERT_PTE);

		same_map = fl_map(fd, 64 * PAGE, 0, 0, 0);
		if (same_map == MAP_FAILED)
			break;
		pthread_barrier_init(&go, NULL, 2);
		for (i = 0; i < 2; i++)
			pthread_create(&t[i], NULL, same_writer, (void *)i);
		for (i = 0; i < 2; i++)
			pthread_join(t[i], NULL);
		pthread_barrier_destroy(&go);
		total += fl_cnt(fd, FL_STRAT_INSERT_PAGE, FL_CNT_INSERT_PTE) -
			 before;
		munmap((void *)same_map, 64 * PAGE);
	}
	KTAP_EXPECT_EQ_U64(total, 64ULL * ROUNDS,
			   "insert-page: two threads on the same 64 pages: one insert per page");
	close(fd);
}

int main(void)
{
	struct fl_info info;
	char dev[64];
	int fd;

	ktap_start(0);
	fd = fl_open_backing(FL_BACKING_PCI, 0, dev, sizeof(dev));
	if (fd < 0 || fl_info(fd, &info))
		ktap_bail("no PCI-backed faultline device");
	close(fd);
	huge_race(dev, FL_ORDER_PMD, 2 * MiB, FL_CNT_INSERT_PMD, "huge PMD");
	if (info.bar_size >= GiB)
		huge_race(dev, FL_ORDER_PUD, GiB, FL_CNT_INSERT_PUD, "huge PUD");
	else
		ktap_skip("huge PUD: the BAR is smaller than 1 GiB");
	pte_race(dev);
	return ktap_finish();
}
