/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fltest.h - helpers for the faultline driver's guest tests: finding a
 * device, choosing a strategy, mapping at a chosen alignment, reading the
 * exact counters, catching SIGBUS, and watching the kernel log.
 *
 * Header-only (the tests are single-file programs); every helper that can
 * fail reports the call, its argument and errno on the KTAP stream.
 */
#ifndef FLTEST_H
#define FLTEST_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <faultline.h>
#include "ktap.h"

#define KiB	(1ULL << 10)
#define MiB	(1ULL << 20)
#define GiB	(1ULL << 30)
#define PAGE	4096ULL

static const char *const fl_strat_names[FL_STRAT_NR] = {
	"remap-mmap", "remap-fault", "insert-page", "insert-bulk",
	"insert-around", "huge",
};

static const char *const fl_cnt_names[FL_CNT_NR] = {
	"fault", "huge_fault_pmd", "huge_fault_pud", "insert_pte",
	"insert_pmd", "insert_pud", "remap", "remap_pages", "fallback",
	"sigbus", "nopage_race", "mmap", "revoke", "zapped", "injected",
};

static const char *const fl_cache_names[FL_CACHE_NR] = {
	"default", "uc", "wc", "wb",
};

/* ------------------------------------------------------------- devices */

static inline int fl_info(int fd, struct fl_info *info)
{
	memset(info, 0, sizeof(*info));
	info->size = sizeof(*info);
	return ioctl(fd, FL_IOC_GET_INFO, info);
}

/*
 * Open the @nth device of backing @kind (/dev/faultlineN in order), or
 * return -1.  @path (may be NULL) gets its node.
 */
static inline int fl_find_backing(unsigned int kind, int nth, char *path,
				  size_t len)
{
	struct fl_info info;
	char p[64];
	int i, fd;

	for (i = 0; i < 64; i++) {
		snprintf(p, sizeof(p), "/dev/faultline%d", i);
		fd = open(p, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			continue;
		if (!fl_info(fd, &info) && info.backing == kind && !nth--) {
			if (path)
				snprintf(path, len, "%s", p);
			return fd;
		}
		close(fd);
	}
	return -1;
}

/* fl_find_backing(), saying so when there is none. */
static inline int fl_open_backing(unsigned int kind, int nth, char *path,
				  size_t len)
{
	int fd = fl_find_backing(kind, nth, path, len);

	if (fd < 0)
		ktap_print_msg("no faultline device of backing %u (is faultline.ko loaded with it?)",
			       kind);
	return fd;
}

static inline int fl_reopen(const char *path)
{
	int fd = open(path, O_RDWR | O_CLOEXEC);

	if (fd < 0)
		ktap_print_msg("open %s: %s", path, strerror(errno));
	return fd;
}

/* ------------------------------------------------------------ strategy */

/* Set the file's strategy; returns 0 or -1 with errno (no message). */
static inline int fl_try_set(int fd, unsigned int strategy,
			     unsigned int max_order, unsigned int window,
			     unsigned int cache)
{
	struct fl_strategy s = {
		.size = sizeof(s),
		.strategy = strategy,
		.max_order = max_order,
		.window = window,
		.cache = cache,
	};

	return ioctl(fd, FL_IOC_SET_STRATEGY, &s);
}

static inline int fl_set(int fd, unsigned int strategy, unsigned int max_order,
			 unsigned int window, unsigned int cache)
{
	if (!fl_try_set(fd, strategy, max_order, window, cache))
		return 0;
	ktap_print_msg("ioctl FL_IOC_SET_STRATEGY strategy=%s max_order=%u window=%u cache=%s: %s",
		       fl_strat_names[strategy], max_order, window,
		       fl_cache_names[cache], strerror(errno));
	return -1;
}

static inline bool fl_huge_supported(int fd, unsigned int order)
{
	struct fl_info info;

	if (fl_info(fd, &info))
		return false;
	if (order == FL_ORDER_PUD)
		return info.features & FL_FEAT_PUD_PFNMAP;
	return info.features & FL_FEAT_PMD_PFNMAP;
}

/* ------------------------------------------------------------ counters */

/*
 * The first PCI-backed device under huge with PUD entries allowed, for a
 * test of @len bytes: its fd, or -1 after ktap_skip() on a kernel that
 * cannot map huge PFNMAP PUD entries.  Bails out on anything else.
 */
static inline int fl_open_huge_pud(uint64_t len)
{
	struct fl_info info;
	char dev[64];
	int fd;

	fd = fl_open_backing(FL_BACKING_PCI, 0, dev, sizeof(dev));
	if (fd < 0 || fl_info(fd, &info))
		ktap_bail("no PCI-backed faultline device");
	if (!fl_huge_supported(fd, FL_ORDER_PUD)) {
		ktap_skip("this kernel cannot map huge PFNMAP PUD entries");
		close(fd);
		return -1;
	}
	if (info.bar_size < len ||
	    fl_set(fd, FL_STRAT_HUGE, FL_ORDER_PUD, 0, 0))
		ktap_bail("cannot select huge with PUD entries over the BAR");
	return fd;
}

static inline int fl_counters(int fd, struct fl_counters *c, bool reset)
{
	memset(c, 0, sizeof(*c));
	c->size = sizeof(*c);
	c->flags = reset ? FL_COUNTERS_RESET : 0;
	if (!ioctl(fd, FL_IOC_GET_COUNTERS, c))
		return 0;
	ktap_print_msg("ioctl FL_IOC_GET_COUNTERS: %s", strerror(errno));
	return -1;
}

static inline int fl_reset(int fd)
{
	if (!ioctl(fd, FL_IOC_RESET_COUNTERS, 0))
		return 0;
	ktap_print_msg("ioctl FL_IOC_RESET_COUNTERS: %s", strerror(errno));
	return -1;
}

/*
 * One KTAP result: the counters of @strategy since the last reset are
 * exactly @want (all FL_CNT_NR of them, so an unexpected outcome fails
 * too).  Every difference is printed.
 */
static inline int fl_expect_counts(int fd, unsigned int strategy,
				   const uint64_t want[FL_CNT_NR],
				   const char *what)
{
	struct fl_counters c;
	unsigned int k;
	int ok = 1;

	if (fl_counters(fd, &c, false))
		return ktap_result(0, "%s: counters", what);
	for (k = 0; k < FL_CNT_NR; k++) {
		if (c.val[strategy][k] != want[k]) {
			ktap_print_msg("%s: %s %s = %llu, want %llu", what,
				       fl_strat_names[strategy], fl_cnt_names[k],
				       (unsigned long long)c.val[strategy][k],
				       (unsigned long long)want[k]);
			ok = 0;
		}
	}
	if (ok) {
		char line[512];
		size_t n = 0;

		for (k = 0; k < FL_CNT_NR; k++)
			if (want[k])
				n += snprintf(line + n, sizeof(line) - n, " %s=%llu",
					      fl_cnt_names[k],
					      (unsigned long long)want[k]);
		ktap_print_msg("%s:%s", what, n ? line : " all zero");
	}
	return ktap_result(ok, "%s: exact counters", what);
}

static inline uint64_t fl_cnt(int fd, unsigned int strategy, unsigned int k)
{
	struct fl_counters c;

	if (fl_counters(fd, &c, false))
		return UINT64_MAX;
	return c.val[strategy][k];
}

/* ------------------------------------------------------------- mapping */

/*
 * Map @len bytes of the device at offset @off, at an address that is
 * @align-aligned plus @misalign (align 0: let the kernel, and so the
 * driver's get_unmapped_area, choose).  A PROT_NONE reservation makes
 * room and MAP_FIXED puts the mapping inside it.  The reservation covers
 * every @align-sized range the mapping touches, so no other mapping
 * shares a page table with it: a fault finds the upper levels as empty as
 * in a fresh process, whatever ran before, and counts stay exact.
 */
static inline void *fl_map(int fd, uint64_t len, uint64_t off, uint64_t align,
			   uint64_t misalign)
{
	uint8_t *res, *want, *p;
	uint64_t rlen;

	if (!align) {
		p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
			 (off_t)off);
		if (p == MAP_FAILED)
			ktap_print_msg("mmap len=%#llx off=%#llx: %s",
				       (unsigned long long)len,
				       (unsigned long long)off, strerror(errno));
		return p;
	}
	rlen = ((len + misalign + align - 1) & ~(align - 1)) + align;
	res = mmap(NULL, rlen, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS |
		   MAP_NORESERVE, -1, 0);
	if (res == MAP_FAILED) {
		ktap_print_msg("mmap reservation of %#llx bytes: %s",
			       (unsigned long long)rlen, strerror(errno));
		return MAP_FAILED;
	}
	want = (uint8_t *)(((uintptr_t)res + align - 1) & ~(uintptr_t)(align - 1)) +
	       misalign;
	p = mmap(want, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd,
		 (off_t)off);
	if (p == MAP_FAILED) {
		ktap_print_msg("mmap MAP_FIXED at %p len=%#llx off=%#llx: %s",
			       (void *)want, (unsigned long long)len,
			       (unsigned long long)off, strerror(errno));
		munmap(res, rlen);
		return MAP_FAILED;
	}
	/* Give back the parts of the reservation around the mapping. */
	if (want > res)
		munmap(res, want - res);
	if (res + rlen > want + len)
		munmap(want + len, res + rlen - (want + len));
	return p;
}

/* -------------------------------------------------------------- access */

/* The value the pattern @seed puts at byte offset @off of a mapping. */
static inline uint64_t fl_pattern(uint64_t seed, uint64_t off)
{
	uint64_t x = (seed ^ 0x9e3779b97f4a7c15ULL) + off * 0xbf58476d1ce4e5b9ULL;

	x ^= x >> 31;
	return x ? x : 1;
}

/* One 64-bit write at the start of every @stride bytes. */
static inline void fl_write_sweep(volatile uint64_t *p, uint64_t len,
				  uint64_t stride, uint64_t seed)
{
	uint64_t off;

	for (off = 0; off < len; off += stride)
		p[off / 8] = fl_pattern(seed, off);
}

/* Check fl_write_sweep()'s values; returns the number of mismatches. */
static inline uint64_t fl_check_sweep(volatile uint64_t *p, uint64_t len,
				      uint64_t stride, uint64_t seed)
{
	uint64_t off, bad = 0;

	for (off = 0; off < len; off += stride) {
		uint64_t got = p[off / 8], want = fl_pattern(seed, off);

		if (got != want && bad++ < 4)
			ktap_print_msg("at +%#llx: read %#llx, wrote %#llx",
				       (unsigned long long)off,
				       (unsigned long long)got,
				       (unsigned long long)want);
	}
	return bad;
}

/* Fill every 64-bit word of [p, p + len) with the pattern. */
static inline void fl_fill(volatile uint64_t *p, uint64_t len, uint64_t seed)
{
	fl_write_sweep(p, len, 8, seed);
}

static inline uint64_t fl_check_fill(volatile uint64_t *p, uint64_t len,
				     uint64_t seed)
{
	return fl_check_sweep(p, len, 8, seed);
}

/* ----------------------------------------------------- data round trip */

/* Called while the mapping of fl_roundtrip() lives (PAT checks). */
typedef void (*fl_mapped_cb)(void *arg, const char *what);

/*
 * Data integrity of one strategy and caching mode: map @len bytes at
 * offset @off through a new file of node @dev (2 MiB-aligned, so huge
 * maps PMDs), fill every 64-bit word, read it back, unmap; then read it
 * through a mapping of another file (insert-page, caching @check_cache):
 * the data must be in the device, not in a cache or an alias.
 */
static inline void fl_roundtrip(const char *dev, unsigned int strategy,
				unsigned int cache, unsigned int check_cache,
				uint64_t off, uint64_t len, uint64_t seed,
				fl_mapped_cb cb, void *arg)
{
	volatile uint64_t *p;
	char what[64];
	int fd;

	snprintf(what, sizeof(what), "%s/%s", fl_strat_names[strategy],
		 fl_cache_names[cache]);
	fd = fl_reopen(dev);
	if (fd < 0) {
		ktap_result(0, "%s: open", what);
		return;
	}
	if (strategy == FL_STRAT_HUGE && !fl_huge_supported(fd, FL_ORDER_PMD)) {
		ktap_skip("%s: this kernel cannot map huge PFNMAP entries", what);
		close(fd);
		return;
	}
	if (fl_set(fd, strategy, strategy == FL_STRAT_HUGE ? FL_ORDER_PMD : 0,
		   8, cache)) {
		ktap_result(0, "%s: set strategy", what);
		close(fd);
		return;
	}
	p = fl_map(fd, len, off, 2 * MiB, 0);
	if (p == MAP_FAILED) {
		ktap_result(0, "%s: mmap", what);
		close(fd);
		return;
	}
	fl_fill(p, len, seed);
	KTAP_EXPECT_EQ_U64(fl_check_fill(p, len, seed), 0,
			   "%s: reads back what it wrote", what);
	if (cb)
		cb(arg, what);
	munmap((void *)p, len);
	close(fd);

	fd = fl_reopen(dev);
	if (fd < 0 || fl_set(fd, FL_STRAT_INSERT_PAGE, 0, 0, check_cache)) {
		ktap_result(0, "%s: second file", what);
		goto out;
	}
	p = fl_map(fd, len, off, 0, 0);
	if (p == MAP_FAILED) {
		ktap_result(0, "%s: second mapping", what);
		goto out;
	}
	KTAP_EXPECT_EQ_U64(fl_check_fill(p, len, seed), 0,
			   "%s: another file's mapping reads the same data", what);
	munmap((void *)p, len);
out:
	if (fd >= 0)
		close(fd);
}

/* -------------------------------------------------------------- SIGBUS */

static __thread sigjmp_buf fl_bus_jmp;
static __thread volatile int fl_bus_armed;
static __thread volatile void *fl_bus_addr;

static inline void fl_bus_handler(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	if (!fl_bus_armed) {
		/* Not expected here: die of it, as without a handler. */
		signal(sig, SIG_DFL);
		raise(sig);
		return;
	}
	fl_bus_addr = si->si_addr;
	fl_bus_armed = 0;
	siglongjmp(fl_bus_jmp, 1);
}

static inline void fl_bus_install(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = fl_bus_handler;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGBUS, &sa, NULL);
}

/*
 * Read (or write @val, if @write) the 64-bit word at @p.  Returns 0, or 1
 * if the access raised SIGBUS.
 */
static inline int fl_access(volatile uint64_t *p, bool write, uint64_t val,
			    uint64_t *out)
{
	if (sigsetjmp(fl_bus_jmp, 1))
		return 1;
	fl_bus_armed = 1;
	if (write)
		*p = val;
	else if (out)
		*out = *p;
	else
		(void)*p;
	fl_bus_armed = 0;
	return 0;
}

/* How many of the pages of [p, p + len) can be read without SIGBUS. */
static inline uint64_t fl_readable_pages(volatile uint64_t *p, uint64_t len)
{
	uint64_t off, ok = 0;

	for (off = 0; off < len; off += PAGE)
		ok += !fl_access(p + off / 8, false, 0, NULL);
	return ok;
}

/* ---------------------------------------------------------- kernel log */

/*
 * The kernel log from now on: klog_mark() remembers where it ends,
 * klog_new_lines() counts the records added since (and prints them).
 */
static inline int fl_klog_mark(void)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0) {
		ktap_print_msg("open /dev/kmsg: %s", strerror(errno));
		return -1;
	}
	lseek(fd, 0, SEEK_END);
	return fd;
}

/* ... of them only those holding @sub (NULL: all). */
static inline int fl_klog_new_lines_with(int fd, const char *sub)
{
	char rec[2048];
	int n = 0;
	ssize_t r;

	if (fd < 0)
		return -1;
	for (;;) {
		r = read(fd, rec, sizeof(rec) - 1);
		if (r < 0 && errno == EPIPE)
			continue;	/* overwritten records: skip */
		if (r <= 0)
			break;
		rec[r] = 0;
		if (sub && !strstr(rec, sub))
			continue;
		ktap_print_msg("kernel: %s", strchr(rec, ';') ? strchr(rec, ';') + 1 : rec);
		n++;
	}
	close(fd);
	return n;
}

static inline int fl_klog_new_lines(int fd)
{
	return fl_klog_new_lines_with(fd, NULL);
}

/* --------------------------------------------------------------- files */

static inline int fl_write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0) {
		ktap_print_msg("open %s: %s", path, strerror(errno));
		return -1;
	}
	n = write(fd, s, strlen(s));
	if (n < 0)
		ktap_print_msg("write '%s' to %s: %s", s, path, strerror(errno));
	close(fd);
	return n < 0 ? -1 : 0;
}

static inline int fl_read_file(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0) {
		ktap_print_msg("open %s: %s", path, strerror(errno));
		return -1;
	}
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0) {
		ktap_print_msg("read %s: %s", path, strerror(errno));
		return -1;
	}
	buf[n] = 0;
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = 0;
	return 0;
}

/* The misc device's sysfs attribute @attr of node @path ("/dev/faultline0"). */
static inline int fl_sysfs(const char *path, const char *attr, char *buf,
			   size_t len)
{
	char p[256];

	snprintf(p, sizeof(p), "/sys/class/misc/%s/%s", strrchr(path, '/') + 1,
		 attr);
	return fl_read_file(p, buf, len);
}

/* Run a shell command (fl-module, sysfs writes); 0 if it exited 0. */
static inline int fl_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static inline int fl_sh(const char *fmt, ...)
{
	char cmd[512];
	va_list ap;
	int rc;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	fflush(stdout);
	rc = system(cmd);
	if (rc) {
		ktap_print_msg("'%s' failed (status %d)", cmd, rc);
		return -1;
	}
	return 0;
}

/* The lab's BAR device (FL_BAR_BDF) or NULL. */
static inline const char *fl_bar_bdf(void)
{
	const char *b = getenv("FL_BAR_BDF");

	return b && *b ? b : NULL;
}

#endif /* FLTEST_H */
