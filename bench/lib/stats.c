// SPDX-License-Identifier: GPL-2.0
/*
 * stats.c - median, mean, standard deviation and confidence intervals.
 *
 * The t quantile is computed, not looked up: the t CDF is expressed
 * through the regularized incomplete beta function (evaluated by its
 * continued fraction, modified Lentz method) and inverted by bisection,
 * which is exact to double precision for every df >= 1.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "stats.h"

static int fl_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

double fl_quantile_sorted(const double *s, size_t n, double q)
{
	double h, lo;
	size_t i;

	if (!n)
		return NAN;
	if (q <= 0)
		return s[0];
	if (q >= 1)
		return s[n - 1];
	h = (double)(n - 1) * q;
	lo = floor(h);
	i = (size_t)lo;
	if (i + 1 >= n)
		return s[n - 1];
	return s[i] + (h - lo) * (s[i + 1] - s[i]);
}

double fl_median(const double *x, size_t n)
{
	double *s, m;

	if (!n)
		return NAN;
	s = fl_xcalloc(n, sizeof(*s));
	memcpy(s, x, n * sizeof(*s));
	qsort(s, n, sizeof(*s), fl_cmp_double);
	m = fl_quantile_sorted(s, n, 0.5);
	free(s);
	return m;
}

/* Continued fraction of the incomplete beta function (Lentz). */
static double fl_betacf(double a, double b, double x)
{
	const double tiny = 1e-300, eps = 1e-16;
	double c = 1, d, h, del, aa;
	int m, m2;

	d = 1 - (a + b) * x / (a + 1);
	if (fabs(d) < tiny)
		d = tiny;
	d = 1 / d;
	h = d;
	for (m = 1; m <= 10000; m++) {
		m2 = 2 * m;
		aa = m * (b - m) * x / ((a + m2 - 1) * (a + m2));
		d = 1 + aa * d;
		if (fabs(d) < tiny)
			d = tiny;
		c = 1 + aa / c;
		if (fabs(c) < tiny)
			c = tiny;
		d = 1 / d;
		h *= d * c;
		aa = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
		d = 1 + aa * d;
		if (fabs(d) < tiny)
			d = tiny;
		c = 1 + aa / c;
		if (fabs(c) < tiny)
			c = tiny;
		d = 1 / d;
		del = d * c;
		h *= del;
		if (fabs(del - 1) < eps)
			break;
	}
	return h;
}

/* Regularized incomplete beta I_x(a, b). */
static double fl_betai(double a, double b, double x)
{
	double bt;

	if (x <= 0)
		return 0;
	if (x >= 1)
		return 1;
	bt = exp(lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) +
		 b * log1p(-x));
	if (x < (a + 1) / (a + b + 2))
		return bt * fl_betacf(a, b, x) / a;
	return 1 - bt * fl_betacf(b, a, 1 - x) / b;
}

double fl_t_cdf(double t, double df)
{
	double x = df / (df + t * t);
	double tail = 0.5 * fl_betai(df / 2, 0.5, x);

	return t >= 0 ? 1 - tail : tail;
}

double fl_t_quantile(double p, double df)
{
	double lo = -1e6, hi = 1e6, mid;
	int i;

	if (!(p > 0 && p < 1) || !(df > 0))
		return NAN;
	for (i = 0; i < 200; i++) {
		mid = (lo + hi) / 2;
		if (fl_t_cdf(mid, df) < p)
			lo = mid;
		else
			hi = mid;
		if (hi - lo < 1e-12 * (1 + fabs(mid)))
			break;
	}
	return (lo + hi) / 2;
}

/* P(X <= k) for X ~ Binomial(n, 1/2). */
static double fl_binom_half_cdf(size_t n, size_t k)
{
	double sum = 0;
	size_t i;

	for (i = 0; i <= k && i <= n; i++)
		sum += exp(lgamma((double)n + 1) - lgamma((double)i + 1) -
			   lgamma((double)(n - i) + 1) - (double)n * log(2));
	return sum;
}

static void fl_median_ci(const double *s, size_t n, struct fl_summary *r)
{
	size_t k, best = 1;
	double level;

	/* Coverage of [x(k), x(n-k+1)] is 1 - 2 P(X <= k - 1). */
	for (k = 1; k <= n / 2; k++) {
		level = 1 - 2 * fl_binom_half_cdf(n, k - 1);
		if (level >= 0.95)
			best = k;
		else
			break;
	}
	r->med_ci_lo = s[best - 1];
	r->med_ci_hi = s[n - best];
	r->med_ci_level = n >= 2 ? 1 - 2 * fl_binom_half_cdf(n, best - 1) :
			  NAN;
	if (n < 2) {
		r->med_ci_lo = NAN;
		r->med_ci_hi = NAN;
	}
}

void fl_summarize(const double *x, size_t n, struct fl_summary *r)
{
	double *s, sum = 0, ss = 0, half;
	size_t i;

	memset(r, 0, sizeof(*r));
	r->n = n;
	r->min = r->max = r->median = r->mean = r->stddev = NAN;
	r->ci95_lo = r->ci95_hi = NAN;
	r->med_ci_lo = r->med_ci_hi = r->med_ci_level = NAN;
	if (!n)
		return;
	s = fl_xcalloc(n, sizeof(*s));
	memcpy(s, x, n * sizeof(*s));
	qsort(s, n, sizeof(*s), fl_cmp_double);
	r->min = s[0];
	r->max = s[n - 1];
	r->median = fl_quantile_sorted(s, n, 0.5);
	for (i = 0; i < n; i++)
		sum += s[i];
	r->mean = sum / (double)n;
	if (n >= 2) {
		for (i = 0; i < n; i++)
			ss += (s[i] - r->mean) * (s[i] - r->mean);
		r->stddev = sqrt(ss / (double)(n - 1));
		half = fl_t_quantile(0.975, (double)(n - 1)) * r->stddev /
		       sqrt((double)n);
		r->ci95_lo = r->mean - half;
		r->ci95_hi = r->mean + half;
	}
	fl_median_ci(s, n, r);
	free(s);
}
