// SPDX-License-Identifier: GPL-2.0
/*
 * errno - every bad input gets its documented errno (CONFIG.md, "Driver")
 * and nothing in the kernel log.
 */
#include "fltest.h"

static int fd;
static uint64_t bar;

#define EXPECT_IOCTL(cmd, arg, err, fmt, ...) \
	KTAP_EXPECT_ERRNO(ioctl(fd, cmd, arg) == -1, err, fmt, ##__VA_ARGS__)

static void *try_mmap(size_t len, off_t off, int flags)
{
	return mmap(NULL, len, PROT_READ | PROT_WRITE, flags, fd, off);
}

#define EXPECT_MMAP_FAILS(len, off, flags, err, fmt, ...) ({		\
	void *__p = try_mmap(len, off, flags);				\
	KTAP_EXPECT_ERRNO(__p == MAP_FAILED, err, fmt, ##__VA_ARGS__);	\
	if (__p != MAP_FAILED)						\
		munmap(__p, len);					\
})

static void bad_mmaps(void)
{
	EXPECT_MMAP_FAILS(PAGE, (off_t)bar, MAP_SHARED, EINVAL,
			  "mmap at offset = BAR size: EINVAL");
	EXPECT_MMAP_FAILS(2 * PAGE, (off_t)(bar - PAGE), MAP_SHARED, EINVAL,
			  "mmap crossing the end of the BAR: EINVAL");
	EXPECT_MMAP_FAILS(bar + PAGE, 0, MAP_SHARED | MAP_NORESERVE, EINVAL,
			  "mmap longer than the BAR: EINVAL");
	EXPECT_MMAP_FAILS(PAGE, 4 * GiB * 1024 * 1024, MAP_SHARED, EINVAL,
			  "mmap at a huge offset: EINVAL");
	EXPECT_MMAP_FAILS(PAGE, 1, MAP_SHARED, EINVAL,
			  "mmap at an unaligned offset: EINVAL");
	EXPECT_MMAP_FAILS(PAGE, 0, MAP_PRIVATE, EINVAL,
			  "private mapping: EINVAL");
}

static void bad_strategies(void)
{
	struct { unsigned int s, o, w, c; const char *what; int err; } t[] = {
		{ FL_STRAT_NR, 0, 0, 0, "unknown strategy", EINVAL },
		{ 99, 0, 0, 0, "strategy 99", EINVAL },
		{ FL_STRAT_INSERT_PAGE, 5, 0, 0, "max_order 5", EINVAL },
		{ FL_STRAT_INSERT_PAGE, 0, 3, 0, "window 3 (not a power of two)", EINVAL },
		{ FL_STRAT_INSERT_PAGE, 0, FL_WINDOW_MAX * 2, 0, "window above FL_WINDOW_MAX", EINVAL },
		{ FL_STRAT_INSERT_PAGE, 0, 0, FL_CACHE_NR, "unknown cache mode", EINVAL },
		{ FL_STRAT_INSERT_PAGE, 0, 0, FL_CACHE_WB, "write-back on a BAR", EINVAL },
	};
	struct fl_strategy s = { .size = sizeof(s), .strategy = 2, .flags = 1 };
	unsigned int i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		KTAP_EXPECT_ERRNO(fl_try_set(fd, t[i].s, t[i].o, t[i].w, t[i].c) == -1,
				  t[i].err, "FL_IOC_SET_STRATEGY %s: %s",
				  t[i].what, strerror(t[i].err));
	EXPECT_IOCTL(FL_IOC_SET_STRATEGY, &s, EINVAL,
		     "FL_IOC_SET_STRATEGY flags=1: EINVAL");
	if (!fl_huge_supported(fd, FL_ORDER_PMD))
		KTAP_EXPECT_ERRNO(fl_try_set(fd, FL_STRAT_HUGE, FL_ORDER_PUD, 0, 0) == -1,
				  EOPNOTSUPP,
				  "FL_IOC_SET_STRATEGY huge without kernel support: EOPNOTSUPP");
	else if (!fl_huge_supported(fd, FL_ORDER_PUD))
		KTAP_EXPECT_ERRNO(fl_try_set(fd, FL_STRAT_HUGE, FL_ORDER_PUD, 0, 0) == -1,
				  EOPNOTSUPP,
				  "FL_IOC_SET_STRATEGY huge capped at PUD without PUD support: EOPNOTSUPP");
	else
		KTAP_EXPECT(!fl_try_set(fd, FL_STRAT_HUGE, FL_ORDER_PUD, 0, 0),
			    "FL_IOC_SET_STRATEGY huge accepted on this kernel");
}

static void bad_sizes(void)
{
	union {
		struct fl_info info;
		uint8_t bytes[8192];
	} u;

	memset(&u, 0, sizeof(u));
	u.info.size = 0;
	EXPECT_IOCTL(FL_IOC_GET_INFO, &u, EINVAL, "GET_INFO size 0: EINVAL");
	u.info.size = FL_INFO_SIZE_VER0 - 1;
	EXPECT_IOCTL(FL_IOC_GET_INFO, &u, EINVAL,
		     "GET_INFO size below the first version: EINVAL");
	u.info.size = 4097;
	EXPECT_IOCTL(FL_IOC_GET_INFO, &u, E2BIG, "GET_INFO size above 4096: E2BIG");

	/* A newer caller's larger struct: zero tail accepted, else E2BIG. */
	memset(&u, 0, sizeof(u));
	u.info.size = sizeof(u.info) + 8;
	KTAP_EXPECT(!ioctl(fd, FL_IOC_GET_INFO, &u),
		    "GET_INFO with a larger struct, zero tail: accepted");
	KTAP_EXPECT_EQ_U64(u.info.size, sizeof(u.info),
			   "GET_INFO sets size to the bytes written");
	memset(&u, 0, sizeof(u));
	u.info.size = sizeof(u.info) + 8;
	u.bytes[sizeof(u.info) + 3] = 1;
	EXPECT_IOCTL(FL_IOC_GET_INFO, &u, E2BIG,
		     "GET_INFO with non-zero bytes past the known struct: E2BIG");

	/* An older caller's smaller struct (the first version) is fine. */
	memset(&u, 0, sizeof(u));
	u.info.size = FL_INFO_SIZE_VER0;
	KTAP_EXPECT(!ioctl(fd, FL_IOC_GET_INFO, &u),
		    "GET_INFO with the first version's size: accepted");

	memset(&u, 0, sizeof(u));
	u.info.size = FL_STRATEGY_SIZE_VER0 - 4;
	EXPECT_IOCTL(FL_IOC_SET_STRATEGY, &u, EINVAL,
		     "SET_STRATEGY short struct: EINVAL");
	u.info.size = FL_COUNTERS_SIZE_VER0 - 8;
	EXPECT_IOCTL(FL_IOC_GET_COUNTERS, &u, EINVAL,
		     "GET_COUNTERS short struct: EINVAL");
	u.info.size = FL_INJECT_SIZE_VER0 - 1;
	EXPECT_IOCTL(FL_IOC_SET_INJECT, &u, EINVAL,
		     "SET_INJECT short struct: EINVAL");
	u.info.size = FL_REVOKE_SIZE_VER0 - 8;
	EXPECT_IOCTL(FL_IOC_REVOKE, &u, EINVAL, "REVOKE short struct: EINVAL");
}

static void bad_values(void)
{
	struct fl_counters c = { .size = sizeof(c), .flags = 2 };
	struct fl_inject in = { .size = sizeof(in) };
	struct fl_revoke r = { .size = sizeof(r), .flags = 1 };

	EXPECT_IOCTL(FL_IOC_GET_COUNTERS, &c, EINVAL,
		     "GET_COUNTERS unknown flag: EINVAL");
	in.error_ppm = 1000001;
	EXPECT_IOCTL(FL_IOC_SET_INJECT, &in, EINVAL,
		     "SET_INJECT error_ppm above a million: EINVAL");
	in.error_ppm = 0;
	in.delay_ns = FL_INJECT_DELAY_MAX + 1;
	EXPECT_IOCTL(FL_IOC_SET_INJECT, &in, EINVAL,
		     "SET_INJECT delay above FL_INJECT_DELAY_MAX: EINVAL");
	EXPECT_IOCTL(FL_IOC_REVOKE, &r, EINVAL, "REVOKE flags=1: EINVAL");
	EXPECT_IOCTL(FL_IOC_RESTORE, &r, EINVAL, "RESTORE flags=1: EINVAL");
	KTAP_EXPECT_ERRNO(ioctl(fd, FL_IOC_RESET_COUNTERS, 1) == -1, EINVAL,
			  "RESET_COUNTERS with an argument: EINVAL");
}

static void bad_commands(void)
{
	EXPECT_IOCTL(_IO(FL_IOC_MAGIC, 0x3f), NULL, ENOTTY,
		     "unknown command 0x3f: ENOTTY");
	EXPECT_IOCTL(_IO(FL_IOC_MAGIC, 0x50), NULL, ENOTTY,
		     "unknown command 0x50: ENOTTY");
	EXPECT_IOCTL(_IOR('x', 1, int), NULL, ENOTTY,
		     "another driver's command: ENOTTY");
}

static void bad_pointers(void)
{
	struct fl_info *ro;

	EXPECT_IOCTL(FL_IOC_GET_INFO, NULL, EFAULT, "GET_INFO NULL: EFAULT");
	EXPECT_IOCTL(FL_IOC_GET_INFO, (void *)8, EFAULT,
		     "GET_INFO wild pointer: EFAULT");
	EXPECT_IOCTL(FL_IOC_SET_STRATEGY, NULL, EFAULT,
		     "SET_STRATEGY NULL: EFAULT");
	EXPECT_IOCTL(FL_IOC_GET_COUNTERS, (void *)-4096L, EFAULT,
		     "GET_COUNTERS kernel address: EFAULT");
	EXPECT_IOCTL(FL_IOC_REVOKE, NULL, EFAULT, "REVOKE NULL: EFAULT");

	/* Readable but not writable: the copy out fails. */
	ro = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
		  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (ro == MAP_FAILED) {
		ktap_result(0, "read-only page: mmap");
		return;
	}
	ro->size = sizeof(*ro);
	mprotect(ro, PAGE, PROT_READ);
	EXPECT_IOCTL(FL_IOC_GET_INFO, ro, EFAULT,
		     "GET_INFO into read-only memory: EFAULT");
	munmap(ro, PAGE);
}

static void busy(void)
{
	void *p;

	if (fl_set(fd, FL_STRAT_INSERT_PAGE, 0, 0, 0)) {
		ktap_result(0, "EBUSY: set up");
		return;
	}
	p = try_mmap(PAGE, 0, MAP_SHARED);
	if (p == MAP_FAILED) {
		ktap_result(0, "EBUSY: mmap (%s)", strerror(errno));
		return;
	}
	KTAP_EXPECT_ERRNO(fl_try_set(fd, FL_STRAT_INSERT_BULK, 0, 0, 0) == -1,
			  EBUSY, "strategy change while mapped: EBUSY");
	munmap(p, PAGE);
	KTAP_EXPECT(!fl_try_set(fd, FL_STRAT_INSERT_BULK, 0, 0, 0),
		    "strategy change once unmapped: accepted");
}

int main(void)
{
	struct fl_info info;
	char dev[64];
	int kmsg;

	ktap_start(0);
	fd = fl_open_backing(FL_BACKING_PCI, 0, dev, sizeof(dev));
	if (fd < 0 || fl_info(fd, &info))
		ktap_bail("no PCI-backed faultline device");
	bar = info.bar_size;

	kmsg = fl_klog_mark();
	bad_mmaps();
	bad_strategies();
	bad_sizes();
	bad_values();
	bad_commands();
	bad_pointers();
	busy();
	KTAP_EXPECT_EQ_U64(fl_klog_new_lines(kmsg), 0,
			   "none of it wrote to the kernel log");
	close(fd);
	return ktap_finish();
}
