// SPDX-License-Identifier: GPL-2.0
/*
 * huge - a ring and its buffers in one transparent huge page, then in one
 * hugetlb page, in every access mode: exact counters, every payload
 * checked; kmap pins exactly the ring's pages (subpages of the huge
 * page).  In the THP, an MADV_DONTNEED of a page that holds no ring part
 * splits the huge page mapping: the split is an invalidation of the
 * whole 2 MiB, so it reaches the ring; the kernel remaps once and goes
 * on.  Each kind is skipped, with the reason, where the guest cannot
 * give one (THP disabled, no hugetlb page).
 */
#include "vring.h"

#define NUM	256
#define BUFSZ	1024
#define HPAGE	(2 * MiB)

static uint64_t want[FL_VCNT_NR];

/* AnonHugePages of the mapping at @p, in kB, from /proc/self/smaps. */
static long anon_huge_kb(void *p)
{
	char line[256];
	unsigned long start, end;
	long kb = -1;
	bool in = false;
	FILE *f = fopen("/proc/self/smaps", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx ", &start, &end) == 2 && strchr(line, '-') < strchr(line, ' '))
			in = (uintptr_t)p >= start && (uintptr_t)p < end;
		else if (in && sscanf(line, "AnonHugePages: %ld kB", &kb) == 1)
			break;
	}
	fclose(f);
	return kb;
}

/* One mode on a ring at @mem, buffers 1 MiB further. */
static void run(int fd, const char *kind, uint8_t *mem, unsigned int mode,
		bool thp)
{
	const char *m = vr_mode_names[mode];
	uint64_t k = mode == FL_VRING_KMAP, bytes;
	long long pins0 = vr_pins();
	struct tring r = { 0 };

	tring_init(&r, mem, NUM, mem + MiB, BUFSZ, 77);
	if (vr_setup(fd, mode, &r, 32, 0, -1, -1)) {
		ktap_result(0, "%s: %s: setup", kind, m);
		return;
	}
	/* desc (4 KiB), avail, used (page-aligned): 3 pages. */
	KTAP_EXPECT_EQ_U64(vr_pins() - pins0, k * 3, "%s: %s: %llu ring pages pinned",
			   kind, m, (unsigned long long)(k * 3));
	bytes = tring_push(&r, 50, false, 3, 2000);
	bytes += tring_push(&r, 50, true, 2, 0);
	KTAP_EXPECT_EQ_U64(vr_process(fd, 0), 100, "%s: %s: 100 chains", kind, m);
	KTAP_EXPECT_EQ_U64(tring_reap(&r), 100, "%s: %s: 100 used entries", kind, m);
	memset(want, 0, sizeof(want));
	want[FL_VCNT_DESCS] = 100;
	want[FL_VCNT_BYTES] = bytes;
	want[FL_VCNT_BATCHES] = 4;
	want[FL_VCNT_KICKS] = 1;
	vr_expect(fd, want, "%s: %s", kind, m);

	if (thp) {
		struct fl_vring_stats st;

		/*
		 * A page far from the ring: its zap does not reach the ring,
		 * the split of the PMD (the whole 2 MiB) does, once.
		 */
		vr_stats(fd, &st, true);
		madvise(mem + HPAGE - PAGE, PAGE, MADV_DONTNEED);
		KTAP_EXPECT(anon_huge_kb(mem) < 2048, "%s: %s: MADV_DONTNEED split the THP",
			    kind, m);
		bytes = tring_push(&r, 10, true, 1, 0);
		KTAP_EXPECT_EQ_U64(vr_process(fd, 0), 10,
				   "%s: %s: after the split: 10 chains", kind, m);
		KTAP_EXPECT_EQ_U64(tring_reap(&r), 10,
				   "%s: %s: after the split: 10 entries", kind, m);
		memset(want, 0, sizeof(want));
		want[FL_VCNT_DESCS] = 10;
		want[FL_VCNT_BYTES] = bytes;
		want[FL_VCNT_BATCHES] = 1;
		want[FL_VCNT_KICKS] = 1;
		want[FL_VCNT_INVALIDATIONS] = k;
		want[FL_VCNT_RETRIES] = k;
		want[FL_VCNT_REMAPS] = k;
		vr_expect(fd, want, "%s: %s: THP split", kind, m);
		KTAP_EXPECT_EQ_U64(vr_pins() - pins0, k * 3,
				   "%s: %s: still %llu ring pages pinned", kind, m,
				   (unsigned long long)(k * 3));
	}
	KTAP_EXPECT_EQ_U64(r.bad, 0, "%s: %s: every entry checked out", kind, m);
	vr_teardown(fd);
	KTAP_EXPECT_EQ_U64(vr_pins(), pins0, "%s: %s: unpinned", kind, m);
	tring_free(&r);
}

static void thp(int fd)
{
	unsigned int mode;
	uint8_t *res, *mem;
	char sys[128];

	if (fl_read_file("/sys/kernel/mm/transparent_hugepage/enabled", sys,
			 sizeof(sys)) || strstr(sys, "[never]")) {
		ktap_skip("THP: not available (%s)", sys);
		return;
	}
	/* A fresh huge page per mode: the split is not undone. */
	for (mode = 0; mode < FL_VRING_MODE_NR; mode++) {
		res = mmap(NULL, 2 * HPAGE, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (res == MAP_FAILED) {
			ktap_result(0, "THP: mmap: %s", strerror(errno));
			return;
		}
		mem = (uint8_t *)(((uintptr_t)res + HPAGE - 1) & ~(uintptr_t)(HPAGE - 1));
		madvise(mem, HPAGE, MADV_HUGEPAGE);
		memset(mem, 1, HPAGE);
		if (anon_huge_kb(mem) < 2048) {
			ktap_skip("THP: the kernel gave no huge page (AnonHugePages %ld kB)",
				  anon_huge_kb(mem));
			munmap(res, 2 * HPAGE);
			return;
		}
		run(fd, "THP", mem, mode, true);
		munmap(res, 2 * HPAGE);
	}
}

static void hugetlb(int fd)
{
	unsigned int mode;
	char old[32];
	uint8_t *mem;

	if (fl_read_file("/proc/sys/vm/nr_hugepages", old, sizeof(old)) ||
	    fl_write_file("/proc/sys/vm/nr_hugepages", "1")) {
		ktap_skip("hugetlb: cannot reserve a huge page");
		return;
	}
	mem = mmap(NULL, HPAGE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0);
	if (mem == MAP_FAILED) {
		ktap_skip("hugetlb: no 2 MiB page (%s)", strerror(errno));
	} else {
		memset(mem, 0, HPAGE);
		for (mode = 0; mode < FL_VRING_MODE_NR; mode++)
			run(fd, "hugetlb", mem, mode, false);
		munmap(mem, HPAGE);
	}
	fl_write_file("/proc/sys/vm/nr_hugepages", old);
}

int main(void)
{
	char dev[64];
	int fd, kmsg;

	ktap_start(0);
	fd = vr_open(dev, sizeof(dev));
	kmsg = fl_klog_mark();
	thp(fd);
	hugetlb(fd);
	KTAP_EXPECT_EQ_U64(fl_klog_new_lines(kmsg), 0, "nothing in the kernel log");
	close(fd);
	return ktap_finish();
}
