/* SPDX-License-Identifier: GPL-2.0 */
/*
 * stats.h - summary statistics of repetitions.
 *
 * Every figure flbench reports is a set of per-repetition samples
 * summarised as: n, min, max, median, mean, sample standard deviation
 * (n - 1), a 95% confidence interval of the mean from Student's t
 * distribution (mean +- t(0.975, n-1) * s / sqrt(n)), and a
 * distribution-free confidence interval of the median from order
 * statistics (the interval [x(k), x(n-k+1)] with the largest k whose
 * binomial coverage is still >= 95%; for n < 6 no such k exists and the
 * widest interval [min, max] is given with its achieved level, e.g.
 * 93.75% for n = 5).
 */
#ifndef FL_STATS_H
#define FL_STATS_H

#include <stddef.h>

struct fl_summary {
	size_t n;
	double min, max, median, mean, stddev;
	double ci95_lo, ci95_hi;	/* t interval of the mean */
	double med_ci_lo, med_ci_hi;	/* order-statistic interval */
	double med_ci_level;		/* its exact coverage, 0..1 */
};

/* Summarise @n samples (not modified).  NaN fields where undefined. */
void fl_summarize(const double *x, size_t n, struct fl_summary *s);
/* Quantile function of Student's t distribution with @df degrees. */
double fl_t_quantile(double p, double df);
/* Cumulative distribution of Student's t. */
double fl_t_cdf(double t, double df);
/* Median of @n values (sorts a copy). */
double fl_median(const double *x, size_t n);
/* Linear-interpolated quantile (type 7) of sorted data, 0 <= q <= 1. */
double fl_quantile_sorted(const double *sorted, size_t n, double q);

#endif /* FL_STATS_H */
