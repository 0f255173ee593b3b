# SPDX-License-Identifier: GPL-2.0
"""Statistics for comparing two result sets (CONFIG.md, "Comparison").

- Mann-Whitney U (Wilcoxon rank-sum) test, two-sided, on the
  per-repetition samples of a metric: exact null distribution of the rank
  sum (ties given mid-ranks, the distribution enumerated for the tied
  ranks as they are) when the two samples hold 40 values or fewer, else
  the normal approximation with tie and continuity correction.
- Quantile test for a histogram percentile: the pooled q-quantile of both
  histograms splits each side into "at or below" and "above"; a
  two-proportion z test says whether the sides put different fractions
  above it (Mood's median test, generalised to any quantile).  Histograms
  hold every first touch, not one value per repetition, so this is the
  test that uses them.
"""

import math

EXACT_MAX_N = 40


def median(xs):
    s = sorted(xs)
    n = len(s)
    if n == 0:
        return None
    m = n // 2
    return s[m] if n % 2 else (s[m - 1] + s[m]) / 2.0


def mean(xs):
    return sum(xs) / len(xs) if xs else None


def stddev(xs):
    """Sample standard deviation (n - 1); 0 for one value."""
    n = len(xs)
    if n == 0:
        return None
    if n == 1:
        return 0.0
    m = mean(xs)
    return math.sqrt(sum((x - m) ** 2 for x in xs) / (n - 1))


def describe(xs):
    """n, min, median, mean, stddev, max of a sample list."""
    if not xs:
        return None
    return {"n": len(xs), "min": min(xs), "median": median(xs),
            "mean": mean(xs), "stddev": stddev(xs), "max": max(xs)}


def _midranks(values):
    """Mid-ranks (1-based) of VALUES, in their order."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    ranks = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        r = (i + j) / 2.0 + 1.0
        for k in range(i, j + 1):
            ranks[order[k]] = r
        i = j + 1
    return ranks


def _norm_sf(z):
    """P(Z > z) for a standard normal Z."""
    return 0.5 * math.erfc(z / math.sqrt(2.0))


def mann_whitney(a, b):
    """Two-sided Mann-Whitney U test of samples A and B.
    Returns (U of A, p, method)."""
    n1, n2 = len(a), len(b)
    if n1 == 0 or n2 == 0:
        return None, None, "no data"
    ranks = _midranks(list(a) + list(b))
    r1 = sum(ranks[:n1])
    u1 = r1 - n1 * (n1 + 1) / 2.0
    n = n1 + n2
    mu = n1 * (n + 1) / 2.0          # expected rank sum of A
    if len(set(ranks)) == 1:
        return u1, 1.0, "all values equal"
    if n <= EXACT_MAX_N:
        # Exact: count the n1-subsets of the (tied) ranks whose rank sum is
        # at least as far from its mean as the observed one.  Ranks are
        # doubled so that mid-ranks are integers.
        dr = [int(round(2 * r)) for r in ranks]
        total = sum(dr)
        # ways[k][s]: subsets of size k with doubled rank sum s
        ways = [dict() for _ in range(n1 + 1)]
        ways[0][0] = 1
        for r in dr:
            for k in range(min(n1, n) - 1, -1, -1):
                src = ways[k]
                if not src:
                    continue
                dst = ways[k + 1]
                for s, c in src.items():
                    dst[s + r] = dst.get(s + r, 0) + c
        obs = abs(int(round(2 * r1)) - 2 * mu)
        extreme = sum(c for s, c in ways[n1].items()
                      if abs(s - 2 * mu) >= obs - 1e-9)
        allc = math.comb(n, n1)
        del total
        return u1, min(1.0, extreme / allc), "Mann-Whitney U, exact"
    # Normal approximation with tie correction.
    counts = {}
    for r in ranks:
        counts[r] = counts.get(r, 0) + 1
    tie = sum(t ** 3 - t for t in counts.values())
    var = n1 * n2 / 12.0 * ((n + 1) - tie / (n * (n - 1)))
    if var <= 0:
        return u1, 1.0, "all values equal"
    z = (abs(u1 - n1 * n2 / 2.0) - 0.5) / math.sqrt(var)
    return u1, min(1.0, 2 * _norm_sf(max(z, 0.0))), \
        "Mann-Whitney U, normal approximation"


def mw_min_p(n1, n2):
    """The smallest two-sided p the exact test can give for n1, n2 distinct
    values: 2 / C(n1 + n2, n1)."""
    if n1 == 0 or n2 == 0:
        return 1.0
    return min(1.0, 2.0 / math.comb(n1 + n2, n1))


def _bin_points(bins):
    """(value, count) of histogram bins [lowest, highest, count]."""
    pts = []
    for b in bins:
        if len(b) < 3 or b[2] <= 0:
            continue
        pts.append(((b[0] + b[1]) / 2.0, int(b[2])))
    pts.sort()
    return pts


def bins_quantile(bins, q):
    """The q-quantile (0 < q < 1) of histogram bins, nearest rank."""
    pts = _bin_points(bins)
    total = sum(c for _, c in pts)
    if total == 0:
        return None
    rank = max(1, math.ceil(q * total))
    acc = 0
    for v, c in pts:
        acc += c
        if acc >= rank:
            return v
    return pts[-1][0]


def quantile_test(bins_a, bins_b, q):
    """Two-sided test that histograms A and B put the same fraction of their
    values above their pooled q-quantile.  Returns (p, method)."""
    pa, pb = _bin_points(bins_a), _bin_points(bins_b)
    na, nb = sum(c for _, c in pa), sum(c for _, c in pb)
    if na == 0 or nb == 0:
        return None, "no data"
    pooled = sorted(pa + pb)
    t = bins_quantile([[v, v, c] for v, c in pooled], q)
    above_a = sum(c for v, c in pa if v > t)
    above_b = sum(c for v, c in pb if v > t)
    p_pool = (above_a + above_b) / (na + nb)
    if p_pool <= 0 or p_pool >= 1:
        return 1.0, "quantile test (no value above the pooled quantile)"
    se = math.sqrt(p_pool * (1 - p_pool) * (1 / na + 1 / nb))
    z = abs(above_a / na - above_b / nb) / se
    return min(1.0, 2 * _norm_sf(z)), "quantile test (pooled quantile, two-proportion z)"
