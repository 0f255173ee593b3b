// SPDX-License-Identifier: GPL-2.0
/*
 * access.c - warm access calibration.
 */
#include <stdlib.h>

#include "access.h"
#include "stats.h"

#define FL_WARM_SAMPLES	4095

double fl_warm_cost(void *base, uint64_t npages, bool write)
{
	double *d = fl_xcalloc(FL_WARM_SAMPLES, sizeof(*d)), med;
	uint64_t t0, t1, n = npages ? FL_MIN(npages, 16) : 1;
	char *p = base;
	int i;

	for (i = 0; i < 64; i++)	/* make everything hot */
		fl_touch(p + (uint64_t)(i % n) * FL_PAGE_SIZE, write, (uint64_t)i);
	for (i = 0; i < FL_WARM_SAMPLES; i++) {
		char *a = p + (uint64_t)(i % n) * FL_PAGE_SIZE;

		t0 = fl_now();
		fl_touch(a, write, (uint64_t)i);
		t1 = fl_now();
		d[i] = (double)(t1 - t0);
	}
	med = fl_median(d, FL_WARM_SAMPLES);
	free(d);
	return med;
}
