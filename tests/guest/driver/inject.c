// SPDX-License-Identifier: GPL-2.0
/*
 * inject - the fault-injection knobs do what they say, and are per device.
 *
 *  error_ppm = 1000000: every insert fails; every access is a SIGBUS,
 *  counted as injected and as SIGBUS, nothing is inserted.  For
 *  insert-bulk the faulting page fails, so nothing else is tried.
 *  error_ppm = 0 again: everything maps.
 *  delay_ns: read back as set (a benchmark measures its cost; a test does
 *  not time anything), faults still complete and count normally.
 */
#include "fltest.h"

#define LEN	(256 * KiB)

static int set_inject(int fd, uint64_t delay, uint32_t ppm)
{
	struct fl_inject in = { .size = sizeof(in), .delay_ns = delay,
				.error_ppm = ppm };

	if (!ioctl(fd, FL_IOC_SET_INJECT, &in))
		return 0;
	ktap_print_msg("ioctl FL_IOC_SET_INJECT delay_ns=%llu error_ppm=%u: %s",
		       (unsigned long long)delay, ppm, strerror(errno));
	return -1;
}

static void all_fail(const char *dev, unsigned int s)
{
	const char *name = fl_strat_names[s];
	uint64_t want[FL_CNT_NR] = { 0 };
	volatile uint64_t *p;
	int fd = fl_reopen(dev);

	if (fd < 0 || fl_set(fd, s, 0, 0, 0) || fl_reset(fd)) {
		ktap_result(0, "%s: set up", name);
		return;
	}
	p = fl_map(fd, LEN, 0, 0, 0);
	if (p == MAP_FAILED) {
		ktap_result(0, "%s: mmap", name);
		close(fd);
		return;
	}
	KTAP_EXPECT_EQ_U64(fl_readable_pages(p, LEN), 0,
			   "%s: error_ppm=1000000: no page maps", name);
	want[FL_CNT_MMAP] = 1;
	want[FL_CNT_FAULT] = LEN / PAGE;
	want[FL_CNT_SIGBUS] = LEN / PAGE;
	want[FL_CNT_INJECTED] = LEN / PAGE;
	fl_expect_counts(fd, s, want, name);
	munmap((void *)p, LEN);
	close(fd);
}

static int inject_fd = -1;

/* Leave the device as found, even if a step bails out. */
static void clear_inject(void)
{
	if (inject_fd >= 0)
		set_inject(inject_fd, 0, 0);
}

int main(void)
{
	struct fl_inject got = { .size = sizeof(got) };
	uint64_t want[FL_CNT_NR] = { 0 };
	volatile uint64_t *p;
	char dev[64];
	int fd;

	ktap_start(0);
	fl_bus_install();
	fd = fl_open_backing(FL_BACKING_PCI, 0, dev, sizeof(dev));
	if (fd < 0)
		ktap_bail("no PCI-backed faultline device");
	inject_fd = fd;
	atexit(clear_inject);

	if (set_inject(fd, 0, 1000000))
		ktap_bail("cannot set error_ppm");
	all_fail(dev, FL_STRAT_INSERT_PAGE);
	all_fail(dev, FL_STRAT_INSERT_BULK);
	all_fail(dev, FL_STRAT_INSERT_AROUND);

	if (set_inject(fd, 50000, 0))
		ktap_bail("cannot set delay_ns");
	KTAP_EXPECT(!ioctl(fd, FL_IOC_GET_INJECT, &got) &&
		    got.delay_ns == 50000 && got.error_ppm == 0,
		    "GET_INJECT reads back delay_ns=50000 error_ppm=0");
	fl_set(fd, FL_STRAT_INSERT_PAGE, 0, 0, 0);
	fl_reset(fd);
	p = fl_map(fd, LEN, 0, 0, 0);
	if (p != MAP_FAILED) {
		fl_write_sweep(p, LEN, PAGE, 5);
		KTAP_EXPECT_EQ_U64(fl_check_sweep(p, LEN, PAGE, 5), 0,
				   "with a delay, faults complete and data lands");
		want[FL_CNT_MMAP] = 1;
		want[FL_CNT_FAULT] = LEN / PAGE;
		want[FL_CNT_INSERT_PTE] = LEN / PAGE;
		fl_expect_counts(fd, FL_STRAT_INSERT_PAGE, want, "delayed");
		munmap((void *)p, LEN);
	} else {
		ktap_result(0, "delayed: mmap");
	}
	return ktap_finish();
}
