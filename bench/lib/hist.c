// SPDX-License-Identifier: GPL-2.0
/*
 * hist.c - log-linear histogram: bucket bounds, merge and quantiles.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "hist.h"

const double fl_hist_fio_pcts[] = {
	1, 5, 10, 20, 30, 40, 50, 60, 70, 80, 90, 95, 99, 99.5, 99.9,
	99.95, 99.99,
};
const size_t fl_hist_fio_npcts = FL_ARRAY_SIZE(fl_hist_fio_pcts);

struct fl_hist *fl_hist_new(void)
{
	struct fl_hist *h = fl_xaligned(FL_CACHELINE, sizeof(*h));

	fl_hist_reset(h);
	return h;
}

void fl_hist_free(struct fl_hist *h)
{
	free(h);
}

void fl_hist_reset(struct fl_hist *h)
{
	memset(h, 0, sizeof(*h));
	h->min = UINT64_MAX;
}

void fl_hist_bucket_bounds(unsigned int i, uint64_t *lo, uint64_t *hi)
{
	unsigned int shift;
	uint64_t mant;

	if (i < FL_HIST_SUB) {
		*lo = *hi = i;
		return;
	}
	shift = i / FL_HIST_SUB - 1;
	mant = FL_HIST_SUB + i % FL_HIST_SUB;
	*lo = mant << shift;
	/* (mant + 1) << shift overflows only for the very last bucket. */
	if (shift + FL_HIST_SUB_BITS + 1 >= 64 && mant == 2 * FL_HIST_SUB - 1)
		*hi = UINT64_MAX;
	else
		*hi = ((mant + 1) << shift) - 1;
}

void fl_hist_merge(struct fl_hist *dst, const struct fl_hist *src)
{
	unsigned int i;

	if (!src->count)
		return;
	for (i = 0; i < FL_HIST_NBUCKETS; i++)
		dst->bucket[i] += src->bucket[i];
	dst->count += src->count;
	dst->sum += src->sum;
	dst->sumsq += src->sumsq;
	if (src->min < dst->min)
		dst->min = src->min;
	if (src->max > dst->max)
		dst->max = src->max;
}

uint64_t fl_hist_percentile(const struct fl_hist *h, double pct)
{
	uint64_t rank, seen = 0, lo, hi, mid;
	unsigned int i;

	if (!h->count)
		return 0;
	if (pct <= 0)
		return h->min;
	if (pct >= 100)
		return h->max;
	rank = (uint64_t)ceil(pct / 100.0 * (double)h->count);
	if (rank < 1)
		rank = 1;
	for (i = 0; i < FL_HIST_NBUCKETS; i++) {
		seen += h->bucket[i];
		if (seen >= rank)
			break;
	}
	if (i == FL_HIST_NBUCKETS)
		return h->max;
	fl_hist_bucket_bounds(i, &lo, &hi);
	mid = lo + (hi - lo) / 2;
	if (mid < h->min)
		mid = h->min;
	if (mid > h->max)
		mid = h->max;
	return mid;
}

double fl_hist_mean(const struct fl_hist *h)
{
	return h->count ? h->sum / (double)h->count : NAN;
}

double fl_hist_stddev(const struct fl_hist *h)
{
	double n = (double)h->count, m, var;

	if (h->count < 2)
		return NAN;
	m = h->sum / n;
	var = (h->sumsq - n * m * m) / (n - 1);
	return var > 0 ? sqrt(var) : 0;
}
