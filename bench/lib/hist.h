/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hist.h - log-linear latency histogram (HdrHistogram layout).
 *
 * Values are unsigned 64-bit integers (nanoseconds in flbench).  Values
 * below 2^FL_HIST_SUB_BITS get one bucket each (exact).  Above, every
 * power-of-two range [2^k, 2^(k+1)) is split into 2^FL_HIST_SUB_BITS
 * equal buckets, so a bucket is at most 1/128 = 0.78% of its lower bound
 * wide and a value reported as the bucket midpoint is within 0.39% of any
 * value that fell in the bucket.
 *
 * One histogram belongs to one thread: fl_hist_record() touches only that
 * thread's memory (the structure is cacheline aligned and allocated by its
 * owner).  Histograms are merged with fl_hist_merge() after the run.
 */
#ifndef FL_HIST_H
#define FL_HIST_H

#include <stdint.h>
#include <stddef.h>

#define FL_HIST_SUB_BITS	7
#define FL_HIST_SUB		(1U << FL_HIST_SUB_BITS)
#define FL_HIST_NBUCKETS	((64 - FL_HIST_SUB_BITS) * FL_HIST_SUB + FL_HIST_SUB)

struct fl_hist {
	uint64_t count;
	uint64_t min;
	uint64_t max;
	double sum;		/* for the mean */
	double sumsq;		/* for the standard deviation */
	uint64_t bucket[FL_HIST_NBUCKETS];
} __attribute__((aligned(64)));

/* fio's default percentile list. */
extern const double fl_hist_fio_pcts[];
extern const size_t fl_hist_fio_npcts;

struct fl_hist *fl_hist_new(void);
void fl_hist_free(struct fl_hist *h);
void fl_hist_reset(struct fl_hist *h);

static inline unsigned int fl_hist_index(uint64_t v)
{
	unsigned int msb, shift;

	if (v < FL_HIST_SUB)
		return (unsigned int)v;
	msb = 63 - (unsigned int)__builtin_clzll(v);
	shift = msb - FL_HIST_SUB_BITS;
	return shift * FL_HIST_SUB + (unsigned int)(v >> shift);
}

static inline void fl_hist_record(struct fl_hist *h, uint64_t v)
{
	h->bucket[fl_hist_index(v)]++;
	h->count++;
	h->sum += (double)v;
	h->sumsq += (double)v * (double)v;
	if (v < h->min)
		h->min = v;
	if (v > h->max)
		h->max = v;
}

/* Bounds of bucket @i: values v with lo <= v <= hi fall into it. */
void fl_hist_bucket_bounds(unsigned int i, uint64_t *lo, uint64_t *hi);
/* Add @src into @dst. */
void fl_hist_merge(struct fl_hist *dst, const struct fl_hist *src);
/*
 * Value at percentile @pct (0 < pct <= 100) by the nearest-rank method:
 * the smallest recorded value v such that at least pct% of the values are
 * <= v, reported as the midpoint of its bucket clamped to [min, max].
 * Returns 0 for an empty histogram.
 */
uint64_t fl_hist_percentile(const struct fl_hist *h, double pct);
double fl_hist_mean(const struct fl_hist *h);
double fl_hist_stddev(const struct fl_hist *h);

#endif /* FL_HIST_H */
