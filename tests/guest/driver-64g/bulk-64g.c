// SPDX-License-Identifier: GPL-2.0
/*
 * bulk-64g - insert-bulk over a 64 GiB BAR: the first fault inserts all
 * 16777216 pages (vfio-pci 6.10's prefault) and must reschedule as it
 * goes, so the kernel log shows no soft lockup, RCU stall or hung task
 * (fl-runtests checks it).  The last page then reads without a fault.
 */
#include "../driver/fltest.h"

#define LEN	(64 * GiB)

int main(void)
{
	uint64_t want[FL_CNT_NR] = { 0 };
	volatile uint64_t *p;
	struct fl_info info;
	char dev[64];
	int fd;

	ktap_start(0);
	fd = fl_open_backing(FL_BACKING_PCI, 0, dev, sizeof(dev));
	if (fd < 0 || fl_info(fd, &info))
		ktap_bail("no PCI-backed faultline device");
	if (info.bar_size < LEN)
		ktap_exit_skip("the BAR is %llu MiB; run the lab with --bar-size 64G",
			       (unsigned long long)(info.bar_size >> 20));
	if (fl_set(fd, FL_STRAT_INSERT_BULK, 0, 0, 0) || fl_reset(fd))
		ktap_bail("cannot select insert-bulk");
	p = fl_map(fd, LEN, 0, 0, 0);
	if (p == MAP_FAILED)
		ktap_bail("mmap 64 GiB");

	KTAP_EXPECT_EQ_U64(p[0], 0, "the first page reads zero (one fault)");
	KTAP_EXPECT_EQ_U64(p[(LEN - PAGE) / 8], 0, "the last page reads zero");
	want[FL_CNT_MMAP] = 1;
	want[FL_CNT_FAULT] = 1;
	want[FL_CNT_INSERT_PTE] = LEN / PAGE;
	fl_expect_counts(fd, FL_STRAT_INSERT_BULK, want, "insert-bulk 64 GiB");
	munmap((void *)p, LEN);
	close(fd);
	return ktap_finish();
}
