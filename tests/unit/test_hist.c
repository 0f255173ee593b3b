// SPDX-License-Identifier: GPL-2.0
/*
 * test_hist.c - the log-linear histogram against exact quantiles.
 *
 * For each distribution the exact nearest-rank quantile of the sorted
 * samples is compared with fl_hist_percentile() at fio's percentile list:
 * the histogram must be within its documented bound (exact below 128,
 * else within 1/256 of the value, the half-width of a 1/128 bucket).
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hist.h"
#include "tap.h"

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

static uint64_t exact_pct(const uint64_t *sorted, size_t n, double pct)
{
	size_t rank = (size_t)ceil(pct / 100.0 * (double)n);

	if (rank < 1)
		rank = 1;
	return sorted[rank - 1];
}

static uint64_t rng = 88172645463325252ULL;

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static double rnd01(void)
{
	return (double)(rnd() >> 11) / 9007199254740992.0;
}

/* Check every fio percentile of @v against the exact one. */
static void check_dist(const char *name, uint64_t *v, size_t n)
{
	struct fl_hist *h = fl_hist_new();
	double worst = 0, err;
	uint64_t e, g;
	long double sum = 0;
	size_t i, k;
	int good = 1;

	for (i = 0; i < n; i++)
		fl_hist_record(h, v[i]);
	qsort(v, n, sizeof(*v), cmp_u64);
	for (k = 0; k < fl_hist_fio_npcts; k++) {
		e = exact_pct(v, n, fl_hist_fio_pcts[k]);
		g = fl_hist_percentile(h, fl_hist_fio_pcts[k]);
		err = e ? fabs((double)g - (double)e) / (double)e : (double)g;
		if (e < FL_HIST_SUB ? g != e : err > 1.0 / 256 + 1e-12) {
			good = 0;
			diag("%s p%g: exact %llu, histogram %llu (error %.5f)", name,
			     fl_hist_fio_pcts[k], (unsigned long long)e,
			     (unsigned long long)g, err);
		}
		if (err > worst && e >= FL_HIST_SUB)
			worst = err;
	}
	ok(good, "%s: %zu values, every fio percentile within bound (worst %.4f%%)",
	   name, n, worst * 100);
	ok(h->count == n && h->min == v[0] && h->max == v[n - 1],
	   "%s: count, min and max exact", name);
	for (i = 0; i < n; i++)
		sum += (long double)v[i];
	ok(fabs(fl_hist_mean(h) - (double)(sum / n)) <=
	   1e-9 * ((double)(sum / n) + 1), "%s: mean exact", name);
	fl_hist_free(h);
}

static void test_layout(void)
{
	uint64_t lo, hi, plo = 0, phi = 0, v;
	unsigned int i;
	int contiguous = 1, narrow = 1, inside = 1;

	for (i = 0; i < FL_HIST_NBUCKETS; i++) {
		fl_hist_bucket_bounds(i, &lo, &hi);
		if (i && lo != phi + 1)
			contiguous = 0;
		if (lo >= FL_HIST_SUB && (double)(hi - lo + 1) > (double)lo / FL_HIST_SUB)
			narrow = 0;
		if (fl_hist_index(lo) != i || fl_hist_index(hi) != i)
			inside = 0;
		plo = lo;
		phi = hi;
	}
	ok(contiguous, "buckets tile the value range without gaps or overlaps");
	ok(plo > 0 && phi == UINT64_MAX, "the last bucket ends at UINT64_MAX");
	ok(narrow, "every bucket above 127 is at most 1/128 of its lower bound wide");
	ok(inside, "bucket bounds map back to their own index");
	for (i = 0; i < 100000; i++) {
		v = rnd() >> (rnd() % 64);
		fl_hist_bucket_bounds(fl_hist_index(v), &lo, &hi);
		if (v < lo || v > hi)
			inside = 0;
	}
	ok(inside, "100000 random values fall inside their bucket");
}

static void test_merge(void)
{
	struct fl_hist *a = fl_hist_new(), *b = fl_hist_new(), *all = fl_hist_new();
	uint64_t v;
	int i;

	for (i = 0; i < 50000; i++) {
		v = rnd() % 1000000;
		fl_hist_record(i & 1 ? a : b, v);
		fl_hist_record(all, v);
	}
	fl_hist_merge(a, b);
	ok(!memcmp(a->bucket, all->bucket, sizeof(a->bucket)) &&
	   a->count == all->count && a->min == all->min && a->max == all->max,
	   "merging two per-thread histograms equals recording into one");
	fl_hist_reset(b);
	fl_hist_merge(a, b);
	ok(a->count == all->count, "merging an empty histogram changes nothing");
	fl_hist_free(a);
	fl_hist_free(b);
	fl_hist_free(all);
}

int main(void)
{
	size_t n = 200000, i;
	uint64_t *v = calloc(n, sizeof(*v));
	struct fl_hist *h;
	uint64_t lo, hi;

	test_layout();
	test_merge();

	for (i = 0; i < n; i++)
		v[i] = rnd() % 1000000;
	check_dist("uniform 0..1e6", v, n);
	for (i = 0; i < n; i++)
		v[i] = (uint64_t)(-log(1 - rnd01()) * 5000.0);
	check_dist("exponential mean 5000", v, n);
	for (i = 0; i < n; i++)
		v[i] = (uint64_t)exp(8 + 2.5 * sqrt(-2 * log(1 - rnd01())) *
				     cos(6.283185307 * rnd01()));
	check_dist("lognormal heavy tail", v, n);
	for (i = 0; i < n; i++)
		v[i] = i % 100 < 97 ? 6400 + rnd() % 100 : 1600000 + rnd() % 50000;
	check_dist("bimodal 97/3 (fault vs huge fault)", v, n);
	for (i = 0; i < n; i++)
		v[i] = 12345;
	check_dist("constant", v, n);
	for (i = 0; i < n; i++)
		v[i] = rnd() % 128;
	check_dist("small values (exact range)", v, n);
	/* Adversarial: every value sits on a bucket edge. */
	for (i = 0; i < n; i++) {
		fl_hist_bucket_bounds(200 + (unsigned int)(rnd() % 6000), &lo, &hi);
		v[i] = rnd() & 1 ? lo : hi;
	}
	check_dist("bucket edges", v, n);
	for (i = 0; i < n; i++) {
		unsigned int b = 1 + (unsigned int)(rnd() % 62);

		v[i] = (1ULL << b) + (rnd() % 3) - 1;
	}
	check_dist("powers of two +-1 up to 2^62", v, n);
	for (i = 0; i < n; i++)
		v[i] = i;
	check_dist("ascending run 0..n-1", v, n);
	v[0] = 777;
	check_dist("single value", v, 1);
	v[0] = 5;
	v[1] = 1000000007;
	check_dist("two values far apart", v, 2);

	h = fl_hist_new();
	ok(fl_hist_percentile(h, 50) == 0 && isnan(fl_hist_mean(h)),
	   "an empty histogram reports 0 and NaN mean");
	fl_hist_record(h, UINT64_MAX);
	ok(fl_hist_percentile(h, 99.99) == UINT64_MAX,
	   "UINT64_MAX is recorded and reported");
	fl_hist_free(h);
	free(v);
	return done_testing();
}
