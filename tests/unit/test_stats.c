// SPDX-License-Identifier: GPL-2.0
/*
 * test_stats.c - summary statistics on datasets with known answers.
 */
#include <math.h>
#include <stdlib.h>

#include "stats.h"
#include "tap.h"

static int close_to(double a, double b, double tol)
{
	return fabs(a - b) <= tol * (fabs(b) > 1 ? fabs(b) : 1);
}

static void t_quantiles(void)
{
	/* Student's t, two-sided 95% (p = 0.975), from standard tables. */
	static const struct { double df, t; } tab[] = {
		{ 1, 12.7062047 }, { 2, 4.30265273 }, { 3, 3.18244631 },
		{ 4, 2.77644511 }, { 5, 2.57058184 }, { 9, 2.26215716 },
		{ 19, 2.09302405 }, { 30, 2.04227246 }, { 100, 1.98397152 },
		{ 1000, 1.96233908 },
	};
	size_t i;

	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
		ok(close_to(fl_t_quantile(0.975, tab[i].df), tab[i].t, 1e-6),
		   "t(0.975, df=%g) = %.6f (table %.6f)", tab[i].df,
		   fl_t_quantile(0.975, tab[i].df), tab[i].t);
	ok(close_to(fl_t_quantile(0.995, 4), 4.60409487, 1e-6),
	   "t(0.995, df=4) = 4.604095");
	ok(close_to(fl_t_cdf(0, 7), 0.5, 1e-12), "t CDF at 0 is 1/2");
	ok(isnan(fl_t_quantile(1.5, 3)) && isnan(fl_t_quantile(0.5, 0)),
	   "t quantile refuses p outside (0,1) and df <= 0");
}

int main(void)
{
	/* Classic dataset: mean 5, population sd 2, sample sd sqrt(32/7). */
	const double d1[] = { 2, 4, 4, 4, 5, 5, 7, 9 };
	const double d2[] = { 3, 1, 2 };
	const double d5[] = { 10, 12, 11, 14, 13 };
	double d10[10], d6[6];
	struct fl_summary s;
	int i;

	t_quantiles();

	fl_summarize(d1, 8, &s);
	ok(s.n == 8 && s.min == 2 && s.max == 9, "n, min, max");
	ok(s.median == 4.5, "median of an even count is the mean of the middle two (%g)",
	   s.median);
	ok(close_to(s.mean, 5, 1e-15), "mean 5");
	ok(close_to(s.stddev, sqrt(32.0 / 7), 1e-12),
	   "sample standard deviation sqrt(32/7) = %.6f", s.stddev);
	ok(close_to(s.ci95_hi - s.mean, 2.36462425 * sqrt(32.0 / 7) / sqrt(8),
		    1e-6),
	   "95%% CI half-width = t(0.975,7) s/sqrt(n)");
	ok(close_to(s.ci95_lo + s.ci95_hi, 2 * s.mean, 1e-12),
	   "CI is centred on the mean");

	fl_summarize(d2, 3, &s);
	ok(s.median == 2 && s.min == 1 && s.max == 3,
	   "unsorted input: median 2 of {3,1,2}");

	fl_summarize(d5, 5, &s);
	ok(s.median == 12 && close_to(s.mean, 12, 1e-15) &&
	   close_to(s.stddev, sqrt(2.5), 1e-12), "n=5: median 12, mean 12, sd sqrt(2.5)");
	ok(s.med_ci_lo == 10 && s.med_ci_hi == 14 &&
	   close_to(s.med_ci_level, 0.9375, 1e-12),
	   "n=5: median CI is [min, max] at 93.75%% (no 95%% interval exists)");

	for (i = 0; i < 6; i++)
		d6[i] = i + 1;
	fl_summarize(d6, 6, &s);
	ok(s.med_ci_lo == 1 && s.med_ci_hi == 6 &&
	   close_to(s.med_ci_level, 1 - 2.0 / 64, 1e-12),
	   "n=6: median CI [x(1), x(6)] at 96.875%%");

	for (i = 0; i < 10; i++)
		d10[i] = 10 - i;
	fl_summarize(d10, 10, &s);
	ok(s.med_ci_lo == 2 && s.med_ci_hi == 9 &&
	   close_to(s.med_ci_level, 1 - 2 * 11.0 / 1024, 1e-12),
	   "n=10: median CI [x(2), x(9)] at 97.85%% (got [%g, %g] at %g)",
	   s.med_ci_lo, s.med_ci_hi, s.med_ci_level);
	ok(s.median == 5.5, "n=10: median 5.5");

	fl_summarize(d1, 1, &s);
	ok(s.n == 1 && s.median == 2 && isnan(s.stddev) && isnan(s.ci95_lo) &&
	   isnan(s.med_ci_level), "one sample: no spread, no interval (NaN)");
	fl_summarize(d1, 0, &s);
	ok(s.n == 0 && isnan(s.median) && isnan(s.mean), "no samples: all NaN");

	ok(fl_median(d5, 5) == 12 && fl_median(d1, 8) == 4.5, "fl_median");
	{
		const double q[] = { 1, 2, 3, 4 };

		ok(close_to(fl_quantile_sorted(q, 4, 0.25), 1.75, 1e-15) &&
		   fl_quantile_sorted(q, 4, 0) == 1 && fl_quantile_sorted(q, 4, 1) == 4,
		   "type-7 quantiles of {1,2,3,4}");
	}
	return done_testing();
}
