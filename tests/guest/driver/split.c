// SPDX-License-Identifier: GPL-2.0
/*
 * split - a 1 GiB mapping under huge, mapped by one PUD entry, then split
 * by munmap() of one page in its middle and by mprotect() of another.
 * 6.12's VMA split only splits PMD entries and walks into a PUD leaf as
 * if it were a PMD table (an oops found by flbench stress); the driver
 * zaps the PUD range before the split (fl_vm_may_split()).  Asserted: no
 * kernel report (fl-runtests checks the log), the hole is gone, every
 * other page still holds what was written, and the pages fault in again,
 * exactly: the kernel offers the empty 1 GiB range to ->huge_fault() once
 * (fallback: no VMA covers it now), then every 2 MiB range; the two that
 * a split point cuts fall back to 4 KiB pages (511 and 512 of them), the
 * other 510 map as PMD entries.  Each of those two is offered twice: the
 * first try runs under the per-VMA lock, and after the fallback the read
 * fault is retried under the mmap lock (vmf_can_call_fault(): a VMA
 * without ->map_pages), which offers the still empty range again (seen
 * in the trace: two order-9 FALLBACK events at the same address).
 */
#include "fltest.h"

#define LEN	GiB
#define HOLE	(LEN / 2 + 5 * PAGE)		/* munmap() of one page */
#define RO	(LEN / 4 + 3 * PAGE)		/* mprotect(PROT_READ) of one */

int main(void)
{
	uint64_t want[FL_CNT_NR] = { 0 }, bad = 0, off;
	volatile uint64_t *p;
	unsigned char vec;
	int fd;

	ktap_start(0);
	fd = fl_open_huge_pud(LEN);
	if (fd < 0)
		return ktap_finish();
	p = fl_map(fd, LEN, 0, GiB, 0);
	if (p == MAP_FAILED)
		ktap_bail("mmap 1 GiB");
	fl_reset(fd);
	fl_fill(p, LEN, 7);
	KTAP_EXPECT_EQ_U64(fl_check_fill(p, LEN, 7), 0, "1 GiB written and read back");
	want[FL_CNT_HUGE_FAULT_PUD] = 1;
	want[FL_CNT_INSERT_PUD] = 1;
	fl_expect_counts(fd, FL_STRAT_HUGE, want, "written through one PUD entry");

	KTAP_EXPECT(!munmap((void *)((char *)p + HOLE), PAGE),
		    "munmap of one page in the middle of the PUD mapping");
	KTAP_EXPECT(!mprotect((void *)((char *)p + RO), PAGE, PROT_READ),
		    "mprotect of one page in the other half");
	KTAP_EXPECT_ERRNO(mincore((char *)p + HOLE, PAGE, &vec) == -1, ENOMEM,
			  "the hole is no longer mapped (mincore: ENOMEM)");
	fl_reset(fd);
	for (off = 0; off < LEN; off += PAGE)
		if (off != HOLE && p[off / 8] != fl_pattern(7, off))
			bad++;
	KTAP_EXPECT_EQ_U64(bad, 0, "every other page still holds what was written");
	memset(want, 0, sizeof(want));
	/* Each split point: its 2 MiB range in PTEs, the rest of 1 GiB in PMDs. */
	want[FL_CNT_HUGE_FAULT_PUD] = 1;
	want[FL_CNT_HUGE_FAULT_PMD] = 510 + 2 * 2;
	want[FL_CNT_INSERT_PMD] = 510;
	want[FL_CNT_FAULT] = 2 * 512 - 1;
	want[FL_CNT_INSERT_PTE] = 2 * 512 - 1;
	want[FL_CNT_FALLBACK] = 1 + 2 * 2;
	fl_expect_counts(fd, FL_STRAT_HUGE, want, "faulted in again: 510 PMDs and 1023 PTEs");
	munmap((void *)p, LEN);
	close(fd);
	return ktap_finish();
}
