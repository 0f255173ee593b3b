// SPDX-License-Identifier: GPL-2.0
/*
 * huge-64g - a 64 GiB sparse BAR (lab --bar-size 64G) swept with reads
 * under huge: one read in each 1 GiB range maps 64 PUD entries, and
 * nothing else; every read returns zero (an untouched sparse BAR), and so
 * does the BAR's last word, without another fault.
 *
 * One read per 1 GiB, not per page: on the lab host every BAR range the
 * guest reads costs host memory (QEMU 10.0.2 under TCG, host THP: a read
 * sweep of 8 GiB grew QEMU by 8.4 GB, one read per 2 MiB of 64 GiB went
 * past 11 GB in 30 s), so a denser sweep of 64 GiB does not fit the host.
 * One read per PUD range is what the count needs: each maps its whole
 * range, as the read of the last word shows.
 */
#include "../driver/fltest.h"

#define LEN	(64 * GiB)

int main(void)
{
	uint64_t want[FL_CNT_NR] = { 0 }, off, nonzero = 0;
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
	if (!fl_huge_supported(fd, FL_ORDER_PUD)) {
		KTAP_EXPECT_ERRNO(fl_try_set(fd, FL_STRAT_HUGE, FL_ORDER_PUD, 0, 0) == -1,
				EOPNOTSUPP, "huge without kernel support: EOPNOTSUPP");
		ktap_skip("this kernel cannot map huge PFNMAP entries");
		close(fd);
		return ktap_finish();
	}
	if (fl_set(fd, FL_STRAT_HUGE, FL_ORDER_PUD, 0, 0) || fl_reset(fd))
		ktap_bail("cannot select huge");
	p = fl_map(fd, LEN, 0, GiB, 0);
	if (p == MAP_FAILED)
		ktap_bail("mmap 64 GiB");

	for (off = 0; off < LEN; off += GiB)
		nonzero += p[off / 8] != 0;
	nonzero += p[(LEN - 8) / 8] != 0;
	KTAP_EXPECT_EQ_U64(nonzero, 0, "the sparse BAR reads zero");
	want[FL_CNT_MMAP] = 1;
	want[FL_CNT_HUGE_FAULT_PUD] = LEN / GiB;
	want[FL_CNT_INSERT_PUD] = LEN / GiB;
	fl_expect_counts(fd, FL_STRAT_HUGE, want, "64 GiB under huge");
	munmap((void *)p, LEN);
	close(fd);
	return ktap_finish();
}
