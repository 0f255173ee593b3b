// SPDX-License-Identifier: GPL-2.0
/*
 * timing.c - clock selection, TSC calibration, sample overhead.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "stats.h"
#include "timing.h"

enum fl_clock_src fl_clock_src = FL_CLOCK_MONO_RAW;
uint64_t fl_tsc_mult;

#define FL_OVH_SAMPLES	20001

double fl_clock_overhead(double *resolution)
{
	double *d = fl_xcalloc(FL_OVH_SAMPLES, sizeof(*d)), med, res = INFINITY;
	uint64_t a, b;
	int i;

	for (i = 0; i < 1000; i++)
		(void)fl_now();
	for (i = 0; i < FL_OVH_SAMPLES; i++) {
		a = fl_now();
		b = fl_now();
		d[i] = (double)(b - a);
		if (b > a && (double)(b - a) < res)
			res = (double)(b - a);
	}
	med = fl_median(d, FL_OVH_SAMPLES);
	free(d);
	if (resolution)
		*resolution = res;
	return med;
}

/* Invariant TSC: both flags must be present in /proc/cpuinfo. */
static int fl_tsc_invariant(char *why, size_t len)
{
	char line[8192];
	int constant = 0, nonstop = 0, rdtscp = 0;
	FILE *f;

	f = fopen("/proc/cpuinfo", "r");
	if (!f)
		return fl_sys(why, len, errno, "fopen", "/proc/cpuinfo");
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "flags", 5))
			continue;
		constant = strstr(line, " constant_tsc") != NULL;
		nonstop = strstr(line, " nonstop_tsc") != NULL;
		rdtscp = strstr(line, " rdtscp") != NULL;
		break;
	}
	fclose(f);
	if (!rdtscp)
		return fl_why(why, len, "CPU has no rdtscp");
	if (!constant || !nonstop)
		return fl_why(why, len,
			      "TSC not invariant (constant_tsc %s, nonstop_tsc %s)",
			      constant ? "yes" : "no", nonstop ? "yes" : "no");
	return 0;
}

static int fl_tsc_calibrate(double *ghz)
{
	uint64_t m0, m1, t0, t1;

	m0 = fl_mono_ns();
	t0 = fl_rdtscp();
	do {
		m1 = fl_mono_ns();
	} while (m1 - m0 < 50000000ULL);
	t1 = fl_rdtscp();
	if (t1 <= t0)
		return -1;
	*ghz = (double)(t1 - t0) / (double)(m1 - m0);
	fl_tsc_mult = (uint64_t)((1.0 / *ghz) * 4294967296.0);
	return 0;
}

int fl_clock_init(const char *want, struct fl_clock_info *info, char *why,
		  size_t len)
{
	double res_mono, res_tsc = NAN;
	int tsc_ok;

	memset(info, 0, sizeof(*info));
	if (fl_read_file("/sys/devices/system/clocksource/clocksource0/current_clocksource",
			 info->kernel_clocksource,
			 sizeof(info->kernel_clocksource)))
		snprintf(info->kernel_clocksource,
			 sizeof(info->kernel_clocksource), "unknown");
	if (!want)
		want = "auto";
	if (strcmp(want, "auto") && strcmp(want, "monotonic-raw") &&
	    strcmp(want, "tsc"))
		return fl_why(why, len,
			      "invalid --clock '%s' (use auto, monotonic-raw or tsc)",
			      want);

	fl_clock_src = FL_CLOCK_MONO_RAW;
	info->mono_overhead_ns = fl_clock_overhead(&res_mono);
	info->tsc_overhead_ns = NAN;
	info->tsc_ghz = NAN;

#if defined(__x86_64__)
	tsc_ok = !fl_tsc_invariant(info->tsc_why, sizeof(info->tsc_why));
	if (tsc_ok && fl_tsc_calibrate(&info->tsc_ghz)) {
		snprintf(info->tsc_why, sizeof(info->tsc_why),
			 "TSC calibration failed (TSC did not advance)");
		tsc_ok = 0;
	}
	if (tsc_ok) {
		fl_clock_src = FL_CLOCK_TSC;
		info->tsc_overhead_ns = fl_clock_overhead(&res_tsc);
		fl_clock_src = FL_CLOCK_MONO_RAW;
	}
#else
	tsc_ok = 0;
	snprintf(info->tsc_why, sizeof(info->tsc_why), "not x86-64");
#endif
	if (!strcmp(want, "tsc") && !tsc_ok)
		return fl_why(why, len, "--clock tsc: %s", info->tsc_why);

	if (!strcmp(want, "tsc") ||
	    (!strcmp(want, "auto") && tsc_ok &&
	     info->tsc_overhead_ns * 2 <= info->mono_overhead_ns)) {
		fl_clock_src = FL_CLOCK_TSC;
		info->src = FL_CLOCK_TSC;
		info->name = "tsc";
		info->overhead_ns = info->tsc_overhead_ns;
		info->resolution_ns = res_tsc;
	} else {
		info->src = FL_CLOCK_MONO_RAW;
		info->name = "monotonic-raw";
		info->overhead_ns = info->mono_overhead_ns;
		info->resolution_ns = res_mono;
	}
	return 0;
}

void fl_sleep_until_mono(uint64_t t_ns)
{
	struct timespec ts;
	uint64_t now = fl_mono_ns();

	if (t_ns <= now)
		return;
	/* CLOCK_MONOTONIC_RAW is not accepted by clock_nanosleep. */
	t_ns -= now;
	ts.tv_sec = (time_t)(t_ns / 1000000000ULL);
	ts.tv_nsec = (long)(t_ns % 1000000000ULL);
	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}
