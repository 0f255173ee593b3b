/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ktap.h - KTAP output for faultline's test programs, in the manner of
 * tools/testing/selftests/kselftest.h, with liburing's exit codes:
 * 0 pass, 1 fail, 77 skip (the whole program).
 *
 *	ktap_start(3);
 *	KTAP_EXPECT(fd >= 0, "open %s", path);
 *	KTAP_EXPECT_EQ_U64(count, 262144, "PTE inserts");
 *	ktap_skip("no PUD support");
 *	return ktap_finish();
 *
 * A plan of 0 means "no plan up front": ktap_finish() prints it at the end.
 */
#ifndef FL_KTAP_H
#define FL_KTAP_H

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KTAP_EXIT_PASS	0
#define KTAP_EXIT_FAIL	1
#define KTAP_EXIT_SKIP	77

struct ktap_state {
	unsigned int planned;
	unsigned int n;
	unsigned int failed;
	unsigned int skipped;
};

static struct ktap_state ktap;

static inline void ktap_start(unsigned int plan)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	ktap.planned = plan;
	printf("KTAP version 1\n");
	if (plan)
		printf("1..%u\n", plan);
}

static inline void __attribute__((format(printf, 1, 2)))
ktap_print_msg(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

static inline void ktap_vresult(int ok, const char *directive,
				const char *fmt, va_list ap)
{
	ktap.n++;
	printf("%s %u ", ok ? "ok" : "not ok", ktap.n);
	vprintf(fmt, ap);
	if (directive)
		printf(" # %s", directive);
	printf("\n");
	if (!ok)
		ktap.failed++;
}

/* One result; returns @ok so callers can stop on failure. */
static inline int __attribute__((format(printf, 2, 3)))
ktap_result(int ok, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ktap_vresult(ok, NULL, fmt, ap);
	va_end(ap);
	return ok;
}

static inline void __attribute__((format(printf, 1, 2)))
ktap_skip(const char *fmt, ...)
{
	va_list ap;

	ktap.skipped++;
	va_start(ap, fmt);
	ktap_vresult(1, "SKIP", fmt, ap);
	va_end(ap);
}

/* Skip the whole program (before any result). */
static inline void __attribute__((format(printf, 1, 2), noreturn))
ktap_exit_skip(const char *fmt, ...)
{
	va_list ap;

	printf("1..0 # SKIP ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	exit(KTAP_EXIT_SKIP);
}

/* Stop the program: something the rest depends on failed. */
static inline void __attribute__((format(printf, 1, 2), noreturn))
ktap_bail(const char *fmt, ...)
{
	va_list ap;

	printf("Bail out! ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	exit(KTAP_EXIT_FAIL);
}

static inline int ktap_finish(void)
{
	if (!ktap.planned)
		printf("1..%u\n", ktap.n);
	else if (ktap.n != ktap.planned) {
		printf("# planned %u tests, ran %u\n", ktap.planned, ktap.n);
		ktap.failed++;
	}
	printf("# totals: pass:%u fail:%u skip:%u\n",
	       ktap.n - ktap.failed - ktap.skipped, ktap.failed, ktap.skipped);
	if (ktap.failed)
		return KTAP_EXIT_FAIL;
	if (ktap.n && ktap.skipped == ktap.n)
		return KTAP_EXIT_SKIP;
	return KTAP_EXIT_PASS;
}

#define KTAP_EXPECT(cond, fmt, ...) \
	ktap_result(!!(cond), fmt, ##__VA_ARGS__)

/* Compare two unsigned 64-bit values, printing both on failure. */
#define KTAP_EXPECT_EQ_U64(got, want, fmt, ...) ({			\
	uint64_t __g = (got), __w = (want);				\
	if (__g != __w)							\
		ktap_print_msg("got %" PRIu64 ", want %" PRIu64, __g, __w); \
	ktap_result(__g == __w, fmt, ##__VA_ARGS__);			\
})

/* A call expected to fail with errno @err (returns -1 / MAP_FAILED). */
#define KTAP_EXPECT_ERRNO(failed, err, fmt, ...) ({			\
	int __f = !!(failed), __e = errno;				\
	if (!__f)							\
		ktap_print_msg("succeeded, want errno %d (%s)",		\
			       (err), strerror(err));			\
	else if (__e != (err))						\
		ktap_print_msg("errno %d (%s), want %d (%s)", __e,	\
			       strerror(__e), (err), strerror(err));	\
	ktap_result(__f && __e == (err), fmt, ##__VA_ARGS__);		\
})

#endif /* FL_KTAP_H */
