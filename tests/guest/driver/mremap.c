// SPDX-License-Identifier: GPL-2.0
/*
 * mremap - a 1 GiB mapping under huge, mapped by one PUD entry, moved by
 * mremap(MREMAP_FIXED) to another 1 GiB-aligned address.
 *
 * 6.12's move_page_tables() looks up the old PUD with get_old_pud(),
 * which calls pud_none_or_clear_bad() before it asks whether the entry is
 * a huge one; on x86 pud_bad() is true for every leaf entry, so the kernel
 * logs "mm/pgtable-generic.c:NN: bad pud ..." and clears the entry instead
 * of moving it (found by flbench stress: its mremap of a huge mapping).
 * The data is the BAR's, so nothing is lost: the new address faults the
 * PUD entry in again.  A kernel that moves the entry (move_huge_pud())
 * needs no fault at all.  Asserted: the move succeeds, the old range is
 * gone, every page reads back at the new address, and exactly one of the
 * two outcomes happened, with its exact counts and kernel-log lines; the
 * dropped entry is printed as a finding.  TESTS declares the "bad pud"
 * line expected for fl-runtests' log check.
 */
#include "fltest.h"

#define LEN	GiB

int main(void)
{
	uint64_t want[FL_CNT_NR] = { 0 }, pud, ins, other = 0;
	volatile uint64_t *p, *q;
	unsigned char vec;
	uint8_t *res, *to;
	int fd, klog, bad, k;

	ktap_start(0);
	fd = fl_open_huge_pud(LEN);
	if (fd < 0)
		return ktap_finish();
	p = fl_map(fd, LEN, 0, GiB, 0);
	if (p == MAP_FAILED)
		ktap_bail("mmap 1 GiB");
	/* The destination: a 1 GiB-aligned GiB inside a reservation. */
	res = mmap(NULL, 2 * GiB, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS |
		   MAP_NORESERVE, -1, 0);
	if (res == MAP_FAILED)
		ktap_bail("reserve 2 GiB of address space");
	to = (uint8_t *)(((uintptr_t)res + GiB - 1) & ~(uintptr_t)(GiB - 1));

	fl_reset(fd);
	fl_fill(p, LEN, 11);
	want[FL_CNT_HUGE_FAULT_PUD] = 1;
	want[FL_CNT_INSERT_PUD] = 1;
	fl_expect_counts(fd, FL_STRAT_HUGE, want, "written through one PUD entry");

	klog = fl_klog_mark();
	q = mremap((void *)p, LEN, LEN, MREMAP_MAYMOVE | MREMAP_FIXED, to);
	if (q == MAP_FAILED)
		ktap_print_msg("mremap: %s", strerror(errno));
	KTAP_EXPECT((void *)q == (void *)to, "mremap moves the PUD mapping to another 1 GiB-aligned address");
	if ((void *)q != (void *)to)
		ktap_bail("nothing to check without the move");
	KTAP_EXPECT_ERRNO(mincore((void *)p, PAGE, &vec) == -1, ENOMEM,
			  "the old range is no longer mapped (mincore: ENOMEM)");

	fl_reset(fd);
	KTAP_EXPECT_EQ_U64(fl_check_fill(q, LEN, 11), 0,
			   "every page reads back at the new address");
	pud = fl_cnt(fd, FL_STRAT_HUGE, FL_CNT_HUGE_FAULT_PUD);
	ins = fl_cnt(fd, FL_STRAT_HUGE, FL_CNT_INSERT_PUD);
	for (k = 0; k < FL_CNT_NR; k++)
		if (k != FL_CNT_HUGE_FAULT_PUD && k != FL_CNT_INSERT_PUD)
			other += fl_cnt(fd, FL_STRAT_HUGE, k);
	bad = fl_klog_new_lines_with(klog, "bad pud");
	ktap_print_msg("after the move: %llu PUD faults, %llu PUD entries installed, %llu other counts, %d 'bad pud' lines",
		       (unsigned long long)pud, (unsigned long long)ins,
		       (unsigned long long)other, bad);
	if (bad)
		ktap_print_msg("finding: this kernel's mremap() cleared the PUD entry as a bad one instead of moving it (get_old_pud(): pud_none_or_clear_bad() before the leaf check)");
	KTAP_EXPECT((pud == 0 && ins == 0 && other == 0 && bad == 0) ||
		    (pud == 1 && ins == 1 && other == 0 && bad == 1),
		    "either the entry moved (no fault, no report) or it was dropped (one 'bad pud' line, one PUD refault)");
	munmap((void *)q, LEN);
	munmap(res, 2 * GiB);
	close(fd);
	return ktap_finish();
}
