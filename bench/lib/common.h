/* SPDX-License-Identifier: GPL-2.0 */
/*
 * common.h - small helpers shared by every part of flbench.
 *
 * Error reporting follows one rule: every failing system call is reported
 * with the call, its argument and errno, so that a reader of a result file
 * can tell what was tried and why it failed.
 */
#ifndef FL_COMMON_H
#define FL_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <stdarg.h>

#define FL_ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define FL_CACHELINE		64
#define FL_MIN(a, b)		((a) < (b) ? (a) : (b))
#define FL_MAX(a, b)		((a) > (b) ? (a) : (b))
#define FL_KIB			1024ULL
#define FL_MIB			(1024ULL * 1024)
#define FL_GIB			(1024ULL * 1024 * 1024)
#define FL_PAGE_SIZE		4096UL

/* Length of the buffers that carry a human-readable reason. */
#define FL_WHY_LEN		512

#define fl_likely(x)		__builtin_expect(!!(x), 1)
#define fl_unlikely(x)		__builtin_expect(!!(x), 0)

#define FL_PRINTF(a, b)		__attribute__((format(printf, a, b)))

/* Print "flbench: <message>" on stderr. */
void fl_err(const char *fmt, ...) FL_PRINTF(1, 2);
/* Print "flbench: warning: <message>" on stderr. */
void fl_warn(const char *fmt, ...) FL_PRINTF(1, 2);
/* Verbose diagnostics, shown with --verbose (fl_verbose set). */
void fl_dbg(const char *fmt, ...) FL_PRINTF(1, 2);
extern int fl_verbose;

/*
 * Format "call(arg): strerror (ERRNO)" into @why, for a system call that
 * failed with @err.  Returns -@err so that callers can "return fl_sys(...)".
 */
int fl_sys(char *why, size_t len, int err, const char *call,
	   const char *argfmt, ...) FL_PRINTF(5, 6);

/* snprintf into a reason buffer; returns -1. */
int fl_why(char *why, size_t len, const char *fmt, ...) FL_PRINTF(3, 4);

/* Symbolic name of an errno value ("ENOENT"), or "E?" if unknown. */
const char *fl_errno_name(int err);

/* Allocation that reports and exits on failure (setup paths only). */
void *fl_xcalloc(size_t n, size_t size);
void *fl_xaligned(size_t align, size_t size);
char *fl_xstrdup(const char *s);
char *fl_xasprintf(const char *fmt, ...) FL_PRINTF(1, 2);

/*
 * Read a whole small file (sysfs, procfs) into a NUL-terminated buffer,
 * trailing newlines stripped.  Returns 0 or -errno.
 */
int fl_read_file(const char *path, char *buf, size_t len);
/* Read an unsigned integer from a file.  Returns 0 or -errno/-EINVAL. */
int fl_read_u64(const char *path, uint64_t *val);
/* Write a string to a file (sysfs).  Returns 0 or -errno. */
int fl_write_file(const char *path, const char *s);

/* Round helpers. */
static inline uint64_t fl_align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) / a * a;
}

static inline uint64_t fl_align_down(uint64_t v, uint64_t a)
{
	return v / a * a;
}

/* xorshift64* generator: small, fast, good enough for access patterns. */
static inline uint64_t fl_rand64(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return x * 0x2545F4914F6CDD1DULL;
}

#endif /* FL_COMMON_H */
