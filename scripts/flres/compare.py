# SPDX-License-Identifier: GPL-2.0
"""Comparison of two result sets (scripts/compare; CONFIG.md "Comparison").

Cases are matched by scenario, target, variant and every parameter but
those in results.KEY_IGNORE.  For a matched pair, every metric is compared:

- metrics with per-repetition samples: Mann-Whitney U test (two-sided)
  between the two sample sets; flagged when p < alpha AND the median moved
  by more than the metric's noise floor (relative);
- histogram percentiles (fio's list, default 50/90/99/99.9): quantile test
  on the histogram bins, same rule with the percentile's floor;
- counts (metrics of unit "count", the driver's fault counters per
  repetition, the fault oracle's driver verdict): a count that is the
  same in every repetition of each run is compared exactly and flagged on
  any difference; a count that varies between the repetitions of one run
  (threads racing, stray faults of the process, per-cycle counts that
  follow the workers' speed) is a measurement like the others (rank test
  and the count floor).
"""

import math

from . import fmt, stats
from .results import KEY_IGNORE

# Noise floors.  A change is flagged only when the median (or percentile)
# moved by more than a factor 1 + F/100 either way: F = 10 flags +10.0% or
# -9.1%; F = 150 flags 2.5x slower or faster.  Looked up as: --floor NAME,
# then by metric name, then (histograms) by percentile, then by unit.
#
# Two profiles.  "native": a quiet machine, numbers of one kind of run.
# "emulated" (either run is a QEMU TCG lab run): emulated times follow the
# host's load and the translator's state, not the kernel alone.  Lab runs
# of compare-test.mx on this project's shared 2-core hosts (the same
# kernel and module, nothing changed) differed, side by side or one after
# the other on a quiet host, by up to 2.8x in populate time, 3.6x in tput
# bandwidth and 3.1x at p90 of first-touch latency (a percentile at a knee
# of the distribution jumps between modes); p99 and p99.9 follow host
# scheduling (up to 33x and 52x).  Runs made under different outside load
# differed by up to 5.7x.  So the emulated profile flags only changes
# beyond 4x and compares p50 and p90 only by default; fault counts stay
# exact.
PROFILES = {
    "native": {
        "by_name": {"mmap_ns": 25, "munmap_ns": 25, "revoke_ioctl_ns": 25,
                    "restore_ioctl_ns": 25, "fork_ns": 25},
        "by_percentile": {"50": 10, "90": 15, "99": 25, "99.9": 50,
                          "99.99": 100},
        "by_unit": {"ns": 10, "B/s": 10, "1/s": 10, "ratio": 10, "B": 10,
                    "count": 10},
        "other": 10,
        "percentiles": ("50", "90", "99", "99.9"),
    },
    "emulated": {
        "by_name": {},
        "by_percentile": {"50": 300, "90": 300, "99": 1000, "99.9": 1000,
                          "99.99": 1000},
        "by_unit": {"ns": 300, "B/s": 300, "1/s": 300, "ratio": 300, "B": 300,
                    "count": 300},
        "other": 300,
        "percentiles": ("50", "90"),
    },
}
PERCENTILE_FALLBACK = 50    # native floor of a percentile not in the table

DEFAULT_ALPHA = 0.05
DEFAULT_PERCENTILES = PROFILES["native"]["percentiles"]

# verdicts of a row
REGRESSION, IMPROVEMENT, COUNT, CHANGED = "regression", "improvement", "count", "changed"


def beyond_floor(rel, floor):
    """Did a relative change REL move by more than a factor 1 + FLOOR/100?"""
    if rel is None:
        return False
    ratio = 1.0 + rel
    f = 1.0 + floor / 100.0
    return ratio <= 0 or ratio > f or ratio < 1.0 / f


class Settings:
    def __init__(self, alpha=DEFAULT_ALPHA, percentiles=None,
                 floors=None, profile=None, ignore=(),
                 counts_fail=True):
        self.alpha = alpha
        self.user_percentiles = tuple(percentiles) if percentiles else None
        self.user_floors = dict(floors or {})
        self.user_profile = profile
        self.profile = profile or "native"
        self.ignore = tuple(KEY_IGNORE) + tuple(ignore)
        self.counts_fail = counts_fail

    def use_profile(self, emulated):
        """The profile for two runs: the user's, else emulated when either
        run's times are emulated, else native."""
        self.profile = self.user_profile or ("emulated" if emulated else "native")

    @property
    def percentiles(self):
        return self.user_percentiles or PROFILES[self.profile]["percentiles"]

    def floor(self, name, unit, percentile=None):
        """Noise floor in percent for metric NAME (or histogram NAME at
        PERCENTILE) and where the number came from."""
        keys = [f"{name}:p{percentile}"] if percentile else []
        keys.append(name)
        if percentile:
            keys.append(f"p{percentile}")
        keys.append(f"unit:{unit}")
        for k in keys:
            if k in self.user_floors:
                return self.user_floors[k], "--floor " + k
        prof = PROFILES[self.profile]
        if percentile is None and name in prof["by_name"]:
            return prof["by_name"][name], self.profile
        if percentile is not None:
            return prof["by_percentile"].get(percentile, PERCENTILE_FALLBACK), self.profile
        return prof["by_unit"].get(unit, prof["other"]), self.profile

    def describe(self):
        return {
            "alpha": self.alpha, "percentiles": list(self.percentiles),
            "profile": self.profile, "profiles": PROFILES,
            "user_floors": self.user_floors,
            "floor_rule": "flagged when significant and the median moved by more "
                          "than a factor 1 + floor/100 either way",
            "ignored_params": list(self.ignore),
            "counts_fail": self.counts_fail,
            "test_samples": "Mann-Whitney U, two-sided (exact for n1+n2 <= "
                            f"{stats.EXACT_MAX_N}, else normal approximation)",
            "test_percentiles": "quantile test on histogram bins (pooled "
                                "quantile, two-proportion z)",
        }


class Row:
    """One compared quantity of a case."""

    def __init__(self, kind, name, unit, better, label=None):
        self.kind = kind            # metric, percentile, count, driver, oracle
        self.name = name
        self.label = label or name
        self.unit = unit
        self.better = better
        self.base = None            # stats.describe() or {"value": v}
        self.new = None
        self.rel = None             # relative change of the median/value
        self.p = None
        self.method = None
        self.floor = None
        self.floor_src = None
        self.significant = False
        self.flag = None            # REGRESSION, IMPROVEMENT, COUNT, CHANGED
        self.note = None

    def center(self, side):
        d = self.base if side == "base" else self.new
        if d is None:
            return None
        return d.get("median", d.get("value"))

    def to_json(self):
        return {k: getattr(self, k) for k in
                ("kind", "name", "label", "unit", "better", "base", "new",
                 "rel", "p", "method", "floor", "floor_src", "significant",
                 "flag", "note")}


def json_safe(x):
    """X with infinities and NaN replaced by strings (JSON has neither)."""
    if isinstance(x, float) and (math.isinf(x) or math.isnan(x)):
        return str(x)
    if isinstance(x, dict):
        return {k: json_safe(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [json_safe(v) for v in x]
    return x


def _rel(a, b):
    if a is None or b is None:
        return None
    if a == 0:
        return 0.0 if b == 0 else math.copysign(math.inf, b)
    return (b - a) / abs(a)


def _direction(better, rel):
    if rel is None or rel == 0 or better not in ("lower", "higher"):
        return CHANGED
    worse = rel > 0 if better == "lower" else rel < 0
    return REGRESSION if worse else IMPROVEMENT


def _compare_samples(row, a, b, s):
    row.base, row.new = stats.describe(a), stats.describe(b)
    if row.base is None or row.new is None:
        row.note = "no samples in " + ("base" if row.base is None else "new")
        return
    row.rel = _rel(row.base["median"], row.new["median"])
    _, row.p, row.method = stats.mann_whitney(a, b)
    row.floor, row.floor_src = s.floor(row.name, row.unit, None)
    row.significant = row.p is not None and row.p < s.alpha
    if stats.mw_min_p(len(a), len(b)) >= s.alpha:
        row.note = (f"n={len(a)}/{len(b)}: the rank test cannot reach "
                    f"p < {s.alpha:g}")
    if row.significant and beyond_floor(row.rel, row.floor):
        row.flag = _direction(row.better, row.rel)


def _compare_counts(row, a, b, s):
    """Counts: exact when each side is the same in every repetition; a
    count that varies between repetitions (threads racing, stray faults,
    counts per revoke cycle that follow the speed of the workers) is a
    measurement like the others: rank test and the profile's count floor."""
    if not a or not b:
        row.base, row.new = stats.describe(a), stats.describe(b)
        row.note = "no values in " + ("base" if not a else "new")
        return
    if len(set(a)) == 1 and len(set(b)) == 1:
        row.base, row.new = {"value": a[0], "n": len(a)}, {"value": b[0], "n": len(b)}
        row.rel = _rel(a[0], b[0])
        row.method = "exact"
        row.floor, row.floor_src = 0, "exact"
        if a[0] != b[0]:
            row.significant = True
            row.flag = COUNT
        return
    row.base, row.new = stats.describe(a), stats.describe(b)
    row.rel = _rel(row.base["median"], row.new["median"])
    _, row.p, row.method = stats.mann_whitney(a, b)
    row.floor, row.floor_src = s.floor(row.name, "count", None)
    row.note = "varies between repetitions"
    row.significant = row.p is not None and row.p < s.alpha
    if row.significant and beyond_floor(row.rel, row.floor):
        d = _direction(row.better, row.rel)
        row.flag = COUNT if d == CHANGED else d


class CaseComparison:
    def __init__(self, key, base, new):
        self.key = key
        self.base = base
        self.new = new
        self.rows = []
        self.status = None          # both, base-only, new-only, status change
        self.flag = None            # a status-level flag
        self.note = None

    @property
    def name(self):
        return (self.base or self.new).name

    @property
    def flags(self):
        out = [self.flag] if self.flag else []
        return out + [r.flag for r in self.rows if r.flag]

    def to_json(self):
        def side(c):
            if c is None:
                return None
            return {"id": c.id, "name": c.name, "status": c.status,
                    "reason": c.reason}
        return {"name": self.name, "key": dict(self.key),
                "status": self.status, "flag": self.flag, "note": self.note,
                "base": side(self.base), "new": side(self.new),
                "rows": [r.to_json() for r in self.rows]}


def compare_case(cc, s):
    b, n = cc.base, cc.new
    # metrics, in the order the base lists them
    names = list(b.metrics) + [m for m in n.metrics if m not in b.metrics]
    for name in names:
        mb, mn = b.metrics.get(name), n.metrics.get(name)
        ref = mb or mn
        row = Row("count" if ref.unit == "count" else "metric", name,
                  ref.unit, ref.better)
        if mb is None or mn is None:
            row.note = "only in " + ("new" if mb is None else "base")
        elif ref.unit == "count":
            _compare_counts(row, mb.samples, mn.samples, s)
        else:
            _compare_samples(row, mb.samples, mn.samples, s)
        cc.rows.append(row)
    # histogram percentiles
    for hname in [h for h in b.histograms if h in n.histograms]:
        hb, hn = b.histograms[hname], n.histograms[hname]
        for q in s.percentiles:
            vb = (hb.get("percentiles") or {}).get(q)
            vn = (hn.get("percentiles") or {}).get(q)
            row = Row("percentile", hname, hb.get("unit") or "ns", "lower",
                      label=f"p{q}")
            row.base = None if vb is None else {"value": vb, "n": hb.get("count")}
            row.new = None if vn is None else {"value": vn, "n": hn.get("count")}
            if vb is None or vn is None:
                row.note = "percentile missing"
                cc.rows.append(row)
                continue
            row.rel = _rel(vb, vn)
            row.p, row.method = stats.quantile_test(hb["bins"], hn["bins"],
                                                    float(q) / 100.0)
            row.floor, row.floor_src = s.floor(hname, row.unit, q)
            row.significant = row.p is not None and row.p < s.alpha
            if row.significant and beyond_floor(row.rel, row.floor):
                row.flag = _direction("lower", row.rel)
            cc.rows.append(row)
    # the driver's fault counters, per repetition
    if b.driver_per_rep and n.driver_per_rep:
        keys = []
        for rep in b.driver_per_rep + n.driver_per_rep:
            for k in rep:
                if k not in keys:
                    keys.append(k)
        for k in keys:
            a = [r.get(k) for r in b.driver_per_rep if r.get(k) is not None]
            c = [r.get(k) for r in n.driver_per_rep if r.get(k) is not None]
            if not any(a) and not any(c):
                continue        # zero on both sides: not shown
            row = Row("driver", k, "count", "neither", label=f"driver.{k}")
            _compare_counts(row, a, c, s)
            cc.rows.append(row)
    # the exact fault oracle's verdicts
    if b.oracle and n.oracle:
        for k in ("driver_match", "faults_match"):
            vb, vn = b.oracle.get(k), n.oracle.get(k)
            if vb is None and vn is None:
                continue
            row = Row("oracle", k, "bool", "neither", label=f"oracle.{k}")
            row.base, row.new = {"value": vb}, {"value": vn}
            row.method = "exact"
            if vb != vn and k == "faults_match":
                # The faults the threads took come from perf/rusage of the
                # process: stray faults (10 to 25 in some repetitions of
                # two-node lab runs made before flbench kept NUMA-balancing
                # hinting faults out) can break the match in one repetition.
                # The faults row above compares those counts (exactly, or
                # by rank when they vary); this row only says so.
                row.note = "differs: see the faults row (process fault " \
                    "counts include stray faults)"
            elif vb != vn:
                row.significant = True
                row.flag = REGRESSION if vb is True else \
                    (IMPROVEMENT if vn is True else COUNT)
            cc.rows.append(row)


def _status_flag(cc):
    b, n = cc.base, cc.new
    if b is None:
        cc.status = "new-only"
        cc.note = "only in NEW"
        return
    if n is None:
        cc.status = "base-only"
        cc.note = "only in BASE"
        return
    if b.ok and n.ok:
        cc.status = "both"
        return
    bs = "failed" if b.status == "interrupted" else b.status
    ns = "failed" if n.status == "interrupted" else n.status
    cc.status = f"{b.status}/{n.status}"
    if bs == ns:
        cc.note = f"{b.status} on both" + (f" (NEW: {n.reason})" if n.reason else "")
    elif b.ok:
        cc.flag = REGRESSION
        cc.note = f"{n.status} on NEW: {n.reason}"
    elif n.ok:
        cc.flag = IMPROVEMENT
        cc.note = f"{b.status} on BASE: {b.reason}"
    elif ns == "failed":
        cc.flag = REGRESSION
        cc.note = f"{b.status} on BASE, {n.status} on NEW: {n.reason}"
    else:
        cc.flag = IMPROVEMENT
        cc.note = f"{b.status} on BASE ({b.reason}), {n.status} on NEW"


def _index(run, ignore):
    out = {}
    for c in run.cases:
        key = tuple((k, v) for k, v in c.key if k not in ignore)
        k, i = key, 1
        while k in out:     # the same case twice in one run
            i += 1
            k = key + (("#", str(i)),)
        out[k] = c
    return out


class Comparison:
    def __init__(self, base, new, settings):
        self.base_run, self.new_run, self.settings = base, new, settings
        self.emulated = base.emulated or new.emulated
        settings.use_profile(self.emulated)
        bi, ni = _index(base, settings.ignore), _index(new, settings.ignore)
        keys = list(bi) + [k for k in ni if k not in bi]
        # A case that did not run records what it did, not what was asked:
        # flbench's params.size is 0 when nothing was mapped (huge on 6.1).
        # Left-over cases are paired by their name (which holds the size
        # asked for) when one of the two did not run.
        nleft = {}
        for k in ni:
            if k not in bi:
                c = ni[k]
                nleft.setdefault((c.name, c.scenario, c.variant), []).append(k)
        pairs = {}
        for k in bi:
            if k in ni:
                continue
            c = bi[k]
            cand = nleft.get((c.name, c.scenario, c.variant)) or []
            for nk in cand:
                if not (c.ok and ni[nk].ok):
                    pairs[k] = nk
                    cand.remove(nk)
                    break
        paired_new = set(pairs.values())
        keys = [k for k in keys if k not in paired_new]
        self.cases = []
        for k in keys:
            cc = CaseComparison(k, bi.get(k), ni.get(pairs.get(k, k)))
            _status_flag(cc)
            if cc.status == "both":
                compare_case(cc, settings)
            self.cases.append(cc)
        self.param_diffs = self._param_diffs()
        self.meta_diffs = self._meta_diffs()

    def _param_diffs(self):
        """Ignored parameters that differ between matched cases."""
        out = {}
        for cc in self.cases:
            if cc.base is None or cc.new is None:
                continue
            for k in self.settings.ignore:
                vb, vn = cc.base.params.get(k), cc.new.params.get(k)
                if vb != vn:
                    out.setdefault(k, {}).setdefault(f"{vb} -> {vn}", 0)
                    out[k][f"{vb} -> {vn}"] += 1
        return out

    def _meta_diffs(self):
        b, n = self.base_run, self.new_run
        fields = [
            ("kernel", b.kernel, n.kernel),
            ("cpu", b.cpu, n.cpu),
            ("environment", b.env_text(), n.env_text()),
            ("git_rev", b.git_rev, n.git_rev),
        ]
        for name, get in (
                ("module parameters", lambda r: (r.meta.get("faultline_module") or {}).get("parameters")),
                ("kernel cmdline", lambda r: (r.meta.get("kernel") or {}).get("cmdline")),
                ("THP", lambda r: (r.meta.get("thp") or {}).get("enabled")),
                ("clock", lambda r: (r.meta.get("clock") or {}).get("source")),
                ("lab BAR", lambda r: (r.meta.get("lab_env") or {}).get("FL_LAB_BAR_SIZE")),
                ("lab vCPUs", lambda r: (r.meta.get("lab_env") or {}).get("FL_LAB_CPUS"))):
            fields.append((name, get(b), get(n)))
        return [(k, vb, vn) for k, vb, vn in fields if vb != vn]

    # ---- verdict
    def counts(self):
        c = {REGRESSION: 0, IMPROVEMENT: 0, COUNT: 0, CHANGED: 0}
        for cc in self.cases:
            for f in cc.flags:
                c[f] += 1
        c["cases"] = len(self.cases)
        c["matched"] = sum(1 for cc in self.cases if cc.base and cc.new)
        c["base_only"] = sum(1 for cc in self.cases if cc.new is None)
        c["new_only"] = sum(1 for cc in self.cases if cc.base is None)
        c["compared_ok"] = sum(1 for cc in self.cases if cc.status == "both")
        return c

    @property
    def failed(self):
        c = self.counts()
        return c[REGRESSION] > 0 or (self.settings.counts_fail and c[COUNT] > 0)

    @property
    def verdict(self):
        return "regression" if self.failed else "pass"

    def flagged(self):
        """(case comparison, row or None) for every flag."""
        out = []
        for cc in self.cases:
            if cc.flag:
                out.append((cc, None))
            out += [(cc, r) for r in cc.rows if r.flag]
        return out

    def verdict_line(self):
        c = self.counts()
        parts = [f"{c[REGRESSION]} regression(s)", f"{c[IMPROVEMENT]} improvement(s)",
                 f"{c[COUNT]} count change(s)"]
        tail = (f"{c['matched']} matched cases ({c['compared_ok']} ok on both), "
                f"{c['base_only']} only in BASE, {c['new_only']} only in NEW")
        v = "REGRESSION" if self.failed else "PASS"
        return f"{v}: " + ", ".join(parts) + "; " + tail

    def to_json(self):
        return json_safe(self._to_json())

    def _to_json(self):
        return {
            "schema": "faultline-compare", "schema_version": 1,
            "verdict": self.verdict, "exit_status": 1 if self.failed else 0,
            "summary": self.verdict_line(),
            "counts": self.counts(),
            "base": self.base_run.describe(), "new": self.new_run.describe(),
            "times_emulated": self.emulated,
            "settings": self.settings.describe(),
            "ignored_param_differences": self.param_diffs,
            "meta_differences": [{"field": k, "base": vb, "new": vn}
                                 for k, vb, vn in self.meta_diffs],
            "flagged": [{"case": cc.name, "what": (r.label if r else "status"),
                         "metric": (r.name if r else None),
                         "flag": (r.flag if r else cc.flag),
                         "rel": (r.rel if r else None),
                         "p": (r.p if r else None),
                         "note": (r.note if r else cc.note)}
                        for cc, r in self.flagged()],
            "cases": [cc.to_json() for cc in self.cases],
        }


# ---------------------------------------------------------------- rendering

MARK = {REGRESSION: "REGR", IMPROVEMENT: "impr", COUNT: "COUNT", CHANGED: "chg"}


def _wrap(text, width=78, indent=""):
    import textwrap
    return textwrap.wrap(text, width=width, subsequent_indent=indent) or [""]


def short_kernel(release):
    """6.12.117+deb12-cloud-amd64 -> 6.12.117; 6.1.0-27-cloud-amd64 -> 6.1.0-27."""
    k = release.split("+", 1)[0]
    for suf in ("-cloud-amd64", "-amd64", "-generic"):
        if k.endswith(suf):
            k = k[: -len(suf)]
    return k


def _col_label(run, other, override):
    if override:
        return override
    if run.kernel != other.kernel:
        a, b = short_kernel(run.kernel), short_kernel(other.kernel)
        return a if a != b else run.kernel
    if run.id != other.id:
        return run.id
    if run.git_rev != other.git_rev:
        return run.git_rev
    if run.started != other.started:
        if run.started[:10] == other.started[:10]:
            return run.started[11:19]           # HH:MM:SS, same day
        return run.started[5:16].replace("T", " ")
    return "base" if run is not other else "new"


def _pct_cell(row, rel, marked):
    p = fmt.pct(rel)
    if marked:
        return f"*{p:>9}*"
    return f"({p:>9})"


def method_text(s):
    prof = PROFILES[s.profile]
    u = prof["by_unit"]["ns"]
    pc = ", ".join(f"p{q} {prof['by_percentile'].get(q, PERCENTILE_FALLBACK)}%"
                   for q in s.percentiles)
    return (f"Flagged *x%* when the change is significant (per-repetition "
            f"samples: Mann-Whitney U, two-sided; histogram percentiles: "
            f"quantile test on the bins; p < {s.alpha:g}) and the median moved "
            f"by more than the metric's noise floor (profile {s.profile}: "
            f"times and rates {u}%, {pc}"
            + (", user floors " + ", ".join(f"{k}={v:g}%" for k, v in s.user_floors.items())
               if s.user_floors else "")
            + "); counts (count metrics, driver counters, fault oracle) are "
            "compared exactly (~: a count that varies between repetitions, "
            "compared as a measurement).  REGR = worse, impr = better, COUNT = "
            "a count changed, ? = too few repetitions to reach p < alpha, "
            "! = differs, not flagged (the oracle's faults_match: the process's "
            "fault counts include stray faults, see the faults row).  "
            "Changes are of the value: (new - base) / base.")


def render_text(cmp, base_label=None, new_label=None, only_flagged=False,
                brief=False):
    b, n, s = cmp.base_run, cmp.new_run, cmp.settings
    L = []
    L.append("faultline comparison")
    L += _wrap("BASE " + b.caption(), indent="     ")
    L += _wrap("NEW  " + n.caption(), indent="     ")
    if cmp.emulated:
        L += _wrap("Times are QEMU TCG emulation: they compare two lab runs "
                   "only as well as the host's load was alike; fault counts "
                   "are exact.")
    for k, vb, vn in cmp.meta_diffs:
        if k in ("kernel", "git_rev", "cpu", "environment"):
            continue
        L += _wrap(f"Differs: {k}: {vb} -> {vn}", indent="  ")
    for k, d in cmp.param_diffs.items():
        L += _wrap(f"Not matched on {k}: " +
                   ", ".join(f"{v} ({c} cases)" for v, c in d.items()), indent="  ")
    L += _wrap(method_text(s))
    L += _wrap("Verdict: " + cmp.verdict_line(), indent="  ")
    bl = _col_label(b, n, base_label)[:12]
    nl = _col_label(n, b, new_label)[:12]
    W = 22
    head = f"{'':9}{'':{W}}{bl:>11} {nl:>11}"
    for cc in cmp.cases:
        if only_flagged and not cc.flags:
            continue
        L.append("")
        bid = cc.base.id if cc.base else "-"
        nid = cc.new.id if cc.new else "-"
        L.append(f"{cc.name}  [case {bid}/{nid}]")
        if cc.status != "both":
            mark = f"  {MARK[cc.flag]}" if cc.flag else ""
            L += _wrap(f"  {cc.note}{mark}", indent="    ")
            continue
        L.append(head)
        for r in cc.rows:
            if only_flagged and not r.flag:
                continue
            L += _text_rows(r, W, brief)
    return "\n".join(L) + "\n"


def _text_rows(r, W, brief):
    out = []
    mark = MARK.get(r.flag, "")
    pv = f" p={fmt.pvalue(r.p)}" if r.p is not None else ""
    if r.base is None or r.new is None:
        out.append(f"{'':9}{r.label:<{W}}{'-':>11} {'-':>11}  {r.note or ''}")
        return out
    if r.kind in ("percentile", "oracle") or "value" in r.base:
        stat = {"percentile": r.label, "oracle": "Oracle", "driver": "Driver",
                "count": "Count"}.get(r.kind, "Value")
        name = r.name if r.kind != "driver" else r.name
        if r.kind == "oracle":
            name = r.name
        vb, vn = r.base.get("value"), r.new.get("value")
        if r.unit == "bool":
            sb, sn = str(vb).lower(), str(vn).lower()
            cell = "(        =)" if vb == vn else \
                ("*  changed*" if r.flag else "(  changed)")
        else:
            sc = fmt.scale_for(r.unit, vb)
            sb, sn = fmt.num(vb, r.unit, sc), fmt.num(vn, r.unit, sc)
            cell = _pct_cell(r, r.rel, bool(r.flag))
        note = " !" if r.note and not r.flag and r.kind == "oracle" else \
            (f" ({r.note})" if r.note and not r.flag else "")
        out.append(f"{stat:<9}{name:<{W}}{sb:>11} {sn:>11} {cell} {mark}{pv}{note}".rstrip())
        return out
    sc = fmt.scale_for(r.unit, r.base["median"])
    stats_rows = [("Median", "median")] if brief else \
        [("Min", "min"), ("Median", "median"), ("Amean", "mean"), ("Stddev", "stddev")]
    for lab, k in stats_rows:
        vb, vn = r.base[k], r.new[k]
        rel = _rel(vb, vn)
        main = k == "median"
        cell = _pct_cell(r, rel, main and bool(r.flag))
        tail = ""
        if main:
            # ~: a count that varies between repetitions (rank test);
            # ?: too few repetitions for the rank test to reach alpha
            if r.note and "varies" in r.note:
                cell += "~"
            elif r.note and "cannot reach" in r.note:
                cell += "?"
            tail = f" {mark}{pv}"
        out.append(f"{lab:<9}{r.label:<{W}}{fmt.num(vb, r.unit, sc):>11} "
                   f"{fmt.num(vn, r.unit, sc):>11} {cell}{tail}".rstrip())
    return out


def _md_esc(s):
    return str(s).replace("|", "\\|")


def render_markdown(cmp, base_label=None, new_label=None, only_flagged=False,
                    title=None):
    b, n, s = cmp.base_run, cmp.new_run, cmp.settings
    bl = _col_label(b, n, base_label)
    nl = _col_label(n, b, new_label)
    L = [f"# {title or 'Comparison'}: {bl} (base) vs {nl} (new)", ""]
    L.append(f"**Verdict: {cmp.verdict_line()}**")
    L.append("")
    L.append("| | base | new |")
    L.append("|---|---|---|")
    for k, vb, vn in (("run", b.id, n.id), ("kernel", b.kernel, n.kernel),
                      ("CPU", b.cpu, n.cpu),
                      ("environment", b.env_text(), n.env_text()),
                      ("started", b.started, n.started),
                      ("git", b.git_rev, n.git_rev),
                      ("cases", len(b.cases), len(n.cases)),
                      ("folder", b.dir, n.dir)):
        L.append(f"| {k} | {_md_esc(vb)} | {_md_esc(vn)} |")
    for k, vb, vn in cmp.meta_diffs:
        if k in ("kernel", "git_rev", "cpu", "environment"):
            continue
        L.append(f"| {k} | {_md_esc(vb)} | {_md_esc(vn)} |")
    L.append("")
    if cmp.emulated:
        L.append("Times are QEMU TCG emulation (lab): they compare two lab "
                 "runs only as well as the host's load was alike.  Fault "
                 "counts are exact.")
        L.append("")
    for k, d in cmp.param_diffs.items():
        L.append(f"Not matched on `{k}`: " +
                 ", ".join(f"{v} ({c} cases)" for v, c in d.items()) + ".")
        L.append("")
    L.append(method_text(s).replace("*x%*", "**x%**"))
    L.append("")
    flagged = cmp.flagged()
    L.append("## Flagged")
    L.append("")
    if not flagged:
        L.append("Nothing flagged.")
    else:
        L.append("| case | what | base | new | change | p | verdict |")
        L.append("|---|---|---:|---:|---:|---:|---|")
        for cc, r in flagged:
            if r is None:
                L.append(f"| {_md_esc(cc.name)} | status | {cc.base.status if cc.base else '-'} "
                         f"| {cc.new.status if cc.new else '-'} | | | "
                         f"{MARK[cc.flag]}: {_md_esc(cc.note)} |")
                continue
            vb, vn = r.center("base"), r.center("new")
            sc = fmt.scale_for(r.unit, vb)
            what = r.label if r.kind != "percentile" else f"{r.name} {r.label}"
            L.append(f"| {_md_esc(cc.name)} | {what} | {_v(vb, r, sc)} | "
                     f"{_v(vn, r, sc)} | {fmt.pct(r.rel) if r.unit != 'bool' else ''} | "
                     f"{fmt.pvalue(r.p)} | {MARK[r.flag]} |")
    L.append("")
    L.append("## All cases")
    for cc in cmp.cases:
        if only_flagged and not cc.flags:
            continue
        L.append("")
        L.append(f"### {_md_esc(cc.name)}")
        L.append("")
        if cc.status != "both":
            mark = f" — **{MARK[cc.flag]}**" if cc.flag else ""
            L.append(f"{_md_esc(cc.note)}{mark}")
            continue
        L.append("| metric | base median | new median | change | base min / mean ± sd "
                 "| new min / mean ± sd | p | floor | verdict |")
        L.append("|---|---:|---:|---:|---:|---:|---:|---:|---|")
        for r in cc.rows:
            if only_flagged and not r.flag:
                continue
            L.append(_md_row(r))
    return "\n".join(L) + "\n"


def _v(v, r, sc):
    if r.unit == "bool":
        return str(v).lower()
    return fmt.num(v, r.unit, sc)


def _md_row(r):
    what = r.label if r.kind != "percentile" else f"{r.name} {r.label}"
    if r.base is None or r.new is None:
        return f"| {what} | - | - | | | | | | {_md_esc(r.note or '')} |"
    vb, vn = r.center("base"), r.center("new")
    sc = fmt.scale_for(r.unit, vb)

    def spread(d):
        if "mean" not in d:
            return ""
        return (f"{fmt.num(d['min'], r.unit, sc)} / {fmt.num(d['mean'], r.unit, sc)} "
                f"± {fmt.num(d['stddev'], r.unit, sc)}")
    chg = fmt.pct(r.rel) if r.unit != "bool" else ("=" if vb == vn else "changed")
    flag = f"**{MARK[r.flag]}**" if r.flag else ""
    if r.note and not r.flag:
        flag = _md_esc(r.note)
    floor = "exact" if r.floor_src == "exact" or r.kind == "oracle" else \
        ("" if r.floor is None else f"{r.floor:g}%")
    return (f"| {what} | {_v(vb, r, sc)} | {_v(vn, r, sc)} | {chg} | {spread(r.base)} "
            f"| {spread(r.new)} | {fmt.pvalue(r.p)} | {floor} | {flag} |")
