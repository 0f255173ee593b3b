/* SPDX-License-Identifier: GPL-2.0 */
/*
 * timing.h - the clock every sample is taken with.
 *
 * Two sources: clock_gettime(CLOCK_MONOTONIC_RAW) (the default, through
 * the vDSO when the kernel's clocksource allows it), and rdtscp calibrated
 * against CLOCK_MONOTONIC_RAW (only on CPUs whose TSC is invariant:
 * constant_tsc and nonstop_tsc).  "auto" takes rdtscp when it is available
 * and at least twice cheaper.  fl_now() returns nanoseconds either way.
 * The cost of one sample (two back-to-back reads) is measured and stored
 * with every result.
 */
#ifndef FL_TIMING_H
#define FL_TIMING_H

#include <stdint.h>
#include <stddef.h>
#include <time.h>

enum fl_clock_src {
	FL_CLOCK_MONO_RAW,
	FL_CLOCK_TSC,
};

struct fl_clock_info {
	enum fl_clock_src src;
	const char *name;		/* "monotonic-raw" or "tsc" */
	double overhead_ns;		/* median cost of one sample */
	double resolution_ns;		/* smallest non-zero difference */
	double mono_overhead_ns;	/* both sources, for the record */
	double tsc_overhead_ns;		/* NaN if TSC not usable */
	double tsc_ghz;			/* calibrated frequency, or NaN */
	char kernel_clocksource[32];
	char tsc_why[128];		/* why TSC is not usable, if so */
};

extern enum fl_clock_src fl_clock_src;
extern uint64_t fl_tsc_mult;		/* ns = (tsc * mult) >> 32 */

static inline uint64_t fl_mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static inline uint64_t fl_rdtscp(void)
{
	uint32_t lo, hi, aux;

	__asm__ __volatile__("rdtscp" : "=a"(lo), "=d"(hi), "=c"(aux));
	return ((uint64_t)hi << 32) | lo;
}

static inline uint64_t fl_now(void)
{
#if defined(__x86_64__)
	if (fl_clock_src == FL_CLOCK_TSC)
		return (uint64_t)(((unsigned __int128)fl_rdtscp() *
				   fl_tsc_mult) >> 32);
#endif
	return fl_mono_ns();
}

/*
 * Choose and calibrate the clock: @want is "auto", "monotonic-raw" or
 * "tsc".  Fills @info.  Returns 0, or -1 with a reason in @why when the
 * requested source cannot be used.
 */
int fl_clock_init(const char *want, struct fl_clock_info *info,
		  char *why, size_t len);
/* Median cost of a sample with the current source, in ns. */
double fl_clock_overhead(double *resolution);
/* Sleep until an absolute fl_mono_ns() time. */
void fl_sleep_until_mono(uint64_t t_ns);

#endif /* FL_TIMING_H */
