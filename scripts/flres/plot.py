# SPDX-License-Identifier: GPL-2.0
"""gnuplot plots of one run (scripts/plot; CONFIG.md "Plots").

Every plot is a folder entry NAME.png, NAME.svg, NAME.gp (self-contained:
`gnuplot NAME.gp` remakes both images from NAME.dat) and NAME.dat.  Titles
say what is plotted; the caption under every plot names the kernel, the
CPU, lab or native (a lab plot: "times emulated"), and the run.
"""

import math
import os
import subprocess

from . import fmt, stats
from .results import FIO_PERCENTILES

HERE = os.path.dirname(os.path.abspath(__file__))
GP_DIR = os.path.join(os.path.dirname(HERE), "gp")

WIDTH, HEIGHT = 1280, 760

# Strategies first (DESIGN.md order), then peers, then ring access modes.
VARIANT_ORDER = ["remap-mmap", "remap-fault", "insert-page", "insert-bulk",
                 "insert-around", "huge", "pages", "default", "vfio", "sysfs",
                 "anon", "thp", "hugetlb:2M", "hugetlb:1G",
                 "uaccess", "uaccess-batched", "kmap", "io_uring"]
PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
           "#e377c2", "#7f7f7f", "#17becf", "#bcbd22", "#000000", "#a6761d",
           "#1b9e77", "#666666", "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728"]
POINTS = [7, 5, 9, 11, 13, 15, 4, 6, 8, 10, 12, 14, 1, 2, 7, 5, 9, 11]
PEERS = {"vfio", "sysfs", "anon", "thp", "hugetlb:2M", "hugetlb:1G", "io_uring"}

# Percentile ticks on the "nines" axis x = -log10(1 - p/100).
NINES_TICKS = ("10", "50", "90", "99", "99.9", "99.99")


def variant_rank(v):
    return (VARIANT_ORDER.index(v), v) if v in VARIANT_ORDER else (len(VARIANT_ORDER), v)


def sorted_variants(vs):
    return sorted(set(vs), key=variant_rank)


def series_style(v, points=True):
    """gnuplot line/point style of variant V: the same in every plot."""
    i = VARIANT_ORDER.index(v) if v in VARIANT_ORDER else \
        (sum(map(ord, v)) % len(PALETTE))
    dt = 2 if v in PEERS else 1
    pt = f" pt {POINTS[i]}" if points else ""
    return f"lc rgb '{PALETTE[i]}'{pt} dt {dt} lw 2"


def nines(p):
    return -math.log10(1.0 - float(p) / 100.0)


def gp_str(s):
    """A gnuplot double-quoted string."""
    return '"' + str(s).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def slug(s):
    out = "".join(c if c.isalnum() or c in ".-" else "-" for c in str(s))
    while "--" in out:
        out = out.replace("--", "-")
    return out.strip("-")


def _log_tic_values(lo, hi):
    """1, 2, 5 x 10^k between LO and HI (only the decades over 4 of them)."""
    if not lo or not hi or lo <= 0 or hi <= 0:
        return []
    vals = []
    k = math.floor(math.log10(lo))
    while 10 ** k <= hi * 10:
        for m in ((1, 2, 5) if hi / lo < 1e4 else (1,)):
            v = m * 10 ** k
            if lo <= v <= hi:
                vals.append(v)
        k += 1
    return vals


def log_tics(lo, hi, axis="y"):
    """Tics at 1, 2, 5 x 10^k between LO and HI (gnuplot labels only the
    decades of a log axis, too few when the range is narrow)."""
    vals = _log_tic_values(lo, hi)
    if len(vals) < 2:
        return f"set {axis}tics autofreq"
    return f"set {axis}tics (" + ", ".join(f"'{v:g}' {v:.10g}" for v in vals) + ")"


def wrap_title(t, width=88):
    """Long titles on two lines: what, then (after ' - ') for which cases."""
    if len(t) <= width:
        return t
    if " - " in t:
        head, tail = t.split(" - ", 1)
        return head + "\n" + tail
    import textwrap
    return "\n".join(textwrap.wrap(t, width))


def _num(v):
    if v is None or (isinstance(v, float) and (math.isnan(v) or math.isinf(v))):
        return "NaN"
    return f"{v:.10g}"


class Plot:
    """One plot: data blocks, gnuplot body, title and caption."""

    def __init__(self, name, kind, title, caption):
        self.name, self.kind, self.title, self.caption = name, kind, title, caption
        self.height = HEIGHT
        self.blocks = []        # (comment, header, rows)
        self.body = []          # gnuplot lines after the style
        self.notes = []
        self.display_title = None   # pre-wrapped title lines, else wrap_title(title)
        self.bmargin = None         # room for a longer caption

    def block(self, comment, header, rows):
        self.blocks.append((comment, header, rows))
        return len(self.blocks) - 1

    def write(self, outdir, style):
        dat = f"{self.name}.dat"
        with open(os.path.join(outdir, dat), "w", encoding="utf-8") as f:
            f.write(f"# {self.title}\n")
            for line in self.caption.splitlines():
                f.write(f"# {line}\n")
            for i, (comment, header, rows) in enumerate(self.blocks):
                if i:
                    f.write("\n\n")
                f.write(f"# index {i}: {comment}\n# " + "\t".join(header) + "\n")
                for r in rows:
                    f.write("\t".join(x if isinstance(x, str) else _num(x) for x in r) + "\n")
        gp = [f"# {self.title}",
              "# Made by scripts/plot; `gnuplot " + self.name + ".gp` in this folder",
              f"# remakes {self.name}.png and {self.name}.svg from {dat}.",
              "", style.rstrip(), "",
              f"data = '{dat}'",
              'do for [fmt in "png svg"] {',
              '    if (fmt eq "png") {',
              f"        set terminal pngcairo size {WIDTH},{self.height} font 'DejaVu Sans,11' noenhanced",
              "    } else {",
              f"        set terminal svg size {WIDTH},{self.height} dynamic font 'DejaVu Sans,11' noenhanced",
              "    }",
              f"    set output '{self.name}.'.fmt",
              f"    set title {gp_str(self.display_title or wrap_title(self.title))}",
              f"    set label 101 {gp_str(self.caption)} at screen 0.5, screen {self.caption_y():g} "
              "center font ',9' tc rgb '#444444'"]
        if self.bmargin:
            gp.append(f"    set bmargin {self.bmargin}")
        gp += ["    " + line for line in self.body]
        gp += ["    set output", "}", ""]
        path = os.path.join(outdir, f"{self.name}.gp")
        with open(path, "w", encoding="utf-8") as f:
            f.write("\n".join(gp))
        return path

    def caption_y(self):
        """Screen y of the caption: raised by about a line of its font for
        every line past two, so that the last stays inside the image."""
        n = self.caption.count("\n") + 1
        return 0.03 + max(0, n - 2) * 0.0185

    def files(self):
        return [f"{self.name}.{e}" for e in ("png", "svg", "gp", "dat")]


def caption_of(run):
    """Two lines: kernel, CPU and lab/native; then the run."""
    return (f"kernel {run.kernel}  |  CPU {run.cpu}  |  {run.env_text()}\\n"
            f"{run.run_text()}").replace("\\n", "\n")


def _ok(run, scenario):
    return [c for c in run.cases if c.ok and c.scenario == scenario]


def _threads(n):
    return f"{n} thread" + ("" if n == 1 else "s")


def _pop_group(c):
    """Populate cases drawn together: threads, access, order, alignment."""
    return (c.p("threads", 1), c.p("access", "read"), c.p("order", "seq"),
            bool(c.p("misalign", False)))


def _pop_group_text(g):
    t, acc, order, mis = g
    return f"{_threads(t)}, {acc}, {order}" + (", misaligned" if mis else "")


def _pop_group_slug(g):
    t, acc, order, mis = g
    return f"T{t}-{acc}-{order}" + ("-misaligned" if mis else "")


def _med(case, metric):
    m = case.metrics.get(metric)
    if not m or not m.samples:
        return None
    return stats.median(m.samples)


def _faults_taken(case):
    """The faults the threads took: the fewest of any repetition.  Stray
    faults of the process (10 to 25 in some repetitions of two-node lab
    runs made before flbench kept NUMA-balancing hinting faults out) only
    ever add to a repetition's count."""
    f = case.raw.get("faults") or {}
    perf = f.get("perf") or {}
    if perf.get("available") and perf.get("per_rep"):
        return min(float(x) for x in perf["per_rep"]), "perf"
    ru = f.get("rusage") or {}
    if ru.get("available") and ru.get("per_rep"):
        return min(float(x.get("minflt", 0)) for x in ru["per_rep"]), "rusage"
    m = case.metrics.get("faults")
    return (min(m.samples) if m and m.samples else None), "faults"


def _driver_med(case, counter):
    if not case.driver_per_rep:
        return None
    vals = [r.get(counter) for r in case.driver_per_rep if r.get(counter) is not None]
    return stats.median([float(v) for v in vals]) if vals else None


def _largest_per_variant(cases):
    """One case per variant: the largest size (a sweep is drawn elsewhere)."""
    best = {}
    for c in cases:
        v = c.variant
        if v not in best or c.p("size", 0) > best[v].p("size", 0):
            best[v] = c
    return [best[v] for v in sorted_variants(best)]


# ------------------------------------------------------------------ faults

FAULT_SERIES = [("faults taken", None), ("PTE inserts", "insert_pte"),
                ("PMD inserts", "insert_pmd"), ("PUD inserts", "insert_pud"),
                ("remap pages", "remap_pages")]
FAULT_COLORS = ["#444444", "#2ca02c", "#1f77b4", "#9467bd", "#ff7f0e"]


def plot_faults(run, caption):
    plots = []
    groups, notok = {}, {}
    for c in _ok(run, "populate"):
        groups.setdefault(_pop_group(c), []).append(c)
    for c in run.cases:
        if c.scenario == "populate" and not c.ok:
            notok.setdefault(_pop_group(c), {}).setdefault(c.variant, c)
    for g in sorted(groups):
        cases = _largest_per_variant(groups[g])
        sizes = {c.p("size") for c in cases}
        rows, present, srcs = [], [False] * len(FAULT_SERIES), set()
        for c in cases:
            label = c.variant if len(sizes) == 1 else f"{c.variant} ({fmt.human_size(c.p('size'))})"
            vals = []
            for i, (_, counter) in enumerate(FAULT_SERIES):
                if counter is None:
                    v, src = _faults_taken(c)
                    srcs.add(src)
                else:
                    v = _driver_med(c, counter)
                if v:
                    present[i] = True
                # zero has no place on a log axis: an empty bar with a "0"
                vals.append(v)
            rows.append([label] + vals + ["ok"])
        if not rows or not any(present):
            continue
        # strategies that did not run here (huge on 6.1): shown as such
        have = {c.variant for c in cases}
        for v in sorted_variants(set(notok.get(g, {})) - have):
            rows.append([v] + [None] * len(FAULT_SERIES) + [notok[g][v].status])
        sz = fmt.human_size(next(iter(sizes))) + " mapped, " if len(sizes) == 1 else ""
        p = Plot(f"faults-{_pop_group_slug(g)}", "faults",
                 f"Faults per strategy and peer, by insert size - populate, {sz}{_pop_group_text(g)}",
                 caption)
        cols = [i for i, ok in enumerate(present) if ok]
        hdr = ["variant"] + [FAULT_SERIES[i][0].replace(" ", "_") for i in range(len(FAULT_SERIES))]
        # x position of every bar, so that value labels sit on their bar
        n = len(cols)
        width = 0.8 / n
        data = []
        for xi, r in enumerate(rows):
            data.append([r[0], xi] + r[1:])
        p.block("one row per variant: faults taken (" + "/".join(sorted(srcs)) + ", the "
                "fewest of the repetitions) and the driver's insert counters (median of "
                "the repetitions); NaN = not available (peers have no driver counters); "
                "the case's status (a variant that did not run has no bars)",
                [hdr[0], "x"] + hdr[1:] + ["status"], data)
        ymax = max(v for r in rows for v in r[1:-1] if v)
        stcol = 3 + len(FAULT_SERIES)
        p.body += [
            "set logscale y",
            f"set yrange [0.5:{ymax * 40:.6g}]",
            "set format y '%.0f'",
            "set ylabel 'per repetition, log scale (faults taken: the fewest of the repetitions)'",
            "set xlabel 'strategy or peer'",
            f"set xrange [-0.6:{len(rows) - 0.4}]",
            "set xtics (" + ", ".join(f"{gp_str(r[0])} {i}" for i, r in enumerate(rows)) + ") rotate by -30",
            f"set boxwidth {width * 0.95:.4f}",
            "set key outside right top vertical",
            "set grid noxtics",
            "set bmargin 10",
        ]
        clauses = []
        for k, i in enumerate(cols):
            off = (k - (n - 1) / 2.0) * width
            col = 3 + i
            clauses.append(f"data using ($2+{off:.4f}):{col} with boxes lc rgb '{FAULT_COLORS[i]}' "
                           f"title {gp_str(FAULT_SERIES[i][0])}")
            clauses.append(f"data using ($2+{off:.4f}):(column({col}) > 0 ? column({col}) : NaN):"
                           f"(sprintf('%.0f', column({col}))) "
                           f"with labels rotate by 90 left offset 0,0.4 font ',8' notitle")
            clauses.append(f"data using ($2+{off:.4f}):(column({col}) == 0 ? 0.62 : NaN):('0') "
                           f"with labels font ',9' tc rgb '{FAULT_COLORS[i]}' notitle")
        clauses.append(f"data using 2:(stringcolumn({stcol}) eq 'ok' ? NaN : 0.62):{stcol} "
                       f"with labels rotate by 90 left font ',10' tc rgb '#d62728' notitle")
        p.body.append("plot " + ", \\\n         ".join(clauses))
        plots.append(p)
    return plots


# ------------------------------------------------------------ populate/size

def plot_populate_size(run, caption):
    plots = []
    groups = {}
    for c in _ok(run, "populate"):
        groups.setdefault(_pop_group(c), []).append(c)
    for g in sorted(groups):
        byv = {}
        for c in groups[g]:
            byv.setdefault(c.variant, []).append(c)
        lines = {v: sorted(cs, key=lambda c: c.p("size")) for v, cs in byv.items()
                 if len({c.p("size") for c in cs}) >= 2}
        if not lines:
            continue
        p = Plot(f"populate-vs-size-{_pop_group_slug(g)}", "populate-size",
                 f"Time to populate against mapping size - {_pop_group_text(g)}",
                 caption)
        sizes = set()
        clauses = []
        allv = [x for v in lines for c in lines[v] if "populate_ns" in c.metrics
                for x in c.metrics["populate_ns"].samples]
        if not allv:
            continue
        div, unit = fmt.scale_for("ns", stats.median(allv))
        ylo, yhi = min(allv) / div / 1.5, max(allv) / div * 1.5
        for v in sorted_variants(lines):
            rows = []
            for c in lines[v]:
                m = c.metrics.get("populate_ns")
                if not m or not m.samples:
                    continue
                sizes.add(c.p("size"))
                rows.append([c.p("size"), stats.median(m.samples) / div,
                             min(m.samples) / div, max(m.samples) / div])
            if not rows:
                continue
            idx = p.block(f"{v}: size (bytes), populate_ns median, min, max ({unit})",
                          ["size", "median", "min", "max"], rows)
            clauses.append(f"data index {idx} using 1:2:3:4 with yerrorlines {series_style(v)} title {gp_str(v)}")
        if not clauses:
            continue
        ss = sorted(sizes)
        p.body += [
            "set logscale xy",
            "set format y '%g'",
            f"set xrange [{ss[0] / 1.5:.6g}:{ss[-1] * 1.5:.6g}]",
            "set xtics (" + ", ".join(f"{gp_str(fmt.human_size(s))} {s}" for s in ss) + ")",
            f"set yrange [{ylo:.6g}:{yhi:.6g}]",
            log_tics(ylo, yhi),
            "set xlabel 'mapping size (bytes, log scale)'",
            f"set ylabel 'time to populate, median of repetitions ({unit}, log scale; bars: min-max)'",
            "set key outside right top",
            "plot " + ", \\\n         ".join(clauses),
        ]
        plots.append(p)
    return plots


# ------------------------------------------------------------ latency

def _pct_plot(p, series, ylabel):
    """Percentile lines on a 'nines' axis; SERIES: (label, variant,
    percentiles[, gnuplot style: else the variant's])."""
    clauses, vmin, vmax = [], None, None
    for v, var, pct, *style in series:
        rows = []
        for q in FIO_PERCENTILES:
            val = pct.get(q)
            if val is None:
                continue
            rows.append([nines(q), float(q), val / 1e3])
            vmin = val / 1e3 if vmin is None else min(vmin, val / 1e3)
            vmax = val / 1e3 if vmax is None else max(vmax, val / 1e3)
        if not rows:
            continue
        idx = p.block(f"{v}: x = -log10(1 - p/100), percentile, latency (us)",
                      ["x_nines", "percentile", "latency_us"], rows)
        st = style[0] if style else series_style(var)
        clauses.append(f"data index {idx} using 1:3 with linespoints {st} title {gp_str(v)}")
    if not clauses:
        return False
    p.body += [
        "set logscale y",
        "set format y '%g'",
        f"set yrange [{max(vmin / 1.5, 1e-3):.6g}:{vmax * 1.5:.6g}]",
        log_tics(max(vmin / 1.5, 1e-3), vmax * 1.5),
        f"set xrange [0:{nines('99.99') + 0.3:.3f}]",
        "set xtics (" + ", ".join(f"{gp_str(q)} {nines(q):.4f}" for q in NINES_TICKS) + ")",
        "set xlabel 'percentile (fio list: 1 5 10 20 ... 90 95 99 99.5 99.9 99.95 99.99; axis -log10(1-p))'",
        f"set ylabel {gp_str(ylabel)}",
        "set key outside right top",
        "plot " + ", \\\n         ".join(clauses),
    ]
    return True


def _cdf_plot(p, series, xlabel):
    clauses, lo, hi, tail = [], None, None, None
    for v, var, bins in series:
        pts = sorted(((b[0], b[1], b[2]) for b in bins if len(b) >= 3 and b[2] > 0))
        total = sum(b[2] for b in pts)
        if not total:
            continue
        rows, acc = [], 0
        first = max(pts[0][0], 1) / 1e3
        rows.append([first, 0.0])
        for lo_b, hi_b, cnt in pts:
            acc += cnt
            rows.append([max(hi_b, 1) / 1e3, acc / total])
        lo = first if lo is None else min(lo, first)
        hi = rows[-1][0] if hi is None else max(hi, rows[-1][0])
        # the x axis ends a little past the highest p99.99: beyond it the
        # curves are flat at 1 and would squeeze the rest
        q = stats.bins_quantile(bins, 0.9999)
        if q:
            tail = q / 1e3 if tail is None else max(tail, q / 1e3)
        idx = p.block(f"{v}: upper edge of each non-empty bin (us), cumulative fraction",
                      ["latency_us", "cum_fraction"], rows)
        clauses.append(f"data index {idx} using 1:2 with steps {series_style(var, points=False)} title {gp_str(v)}")
    if not clauses:
        return False
    p.body += [
        "set logscale x",
        "set format x '%g'",
        f"set xrange [{lo / 1.3:.6g}:{min(hi, (tail or hi) * 2) * 1.3:.6g}]",
        "set yrange [0:1.02]",
        "set ytics 0.1",
        f"set xlabel {gp_str(xlabel)}",
        "set ylabel 'fraction of accesses at or below (CDF)'",
        "set key outside right top",
        "plot " + ", \\\n         ".join(clauses),
    ]
    return True


def plot_first_touch(run, caption):
    plots = []
    groups = {}
    for c in _ok(run, "populate"):
        if "first_touch_ns" in c.histograms:
            groups.setdefault(_pop_group(c), []).append(c)
    for g in sorted(groups):
        cases = _largest_per_variant(groups[g])
        sizes = {c.p("size") for c in cases}
        sz = fmt.human_size(next(iter(sizes))) + " mapped, " if len(sizes) == 1 else ""
        what = f"populate, {sz}{_pop_group_text(g)}"

        def lab(c):
            return c.variant if len(sizes) == 1 else f"{c.variant} ({fmt.human_size(c.p('size'))})"
        p = Plot(f"first-touch-percentiles-{_pop_group_slug(g)}", "latency-percentiles",
                 f"First-touch latency percentiles - {what}", caption)
        if _pct_plot(p, [(lab(c), c.variant, c.histograms["first_touch_ns"].get("percentiles") or {})
                         for c in cases],
                     "first-touch latency (us, log scale)"):
            plots.append(p)
        p = Plot(f"first-touch-cdf-{_pop_group_slug(g)}", "latency-cdf",
                 f"First-touch latency CDF - {what}", caption)
        if _cdf_plot(p, [(lab(c), c.variant, c.histograms["first_touch_ns"]["bins"]) for c in cases],
                     "first-touch latency (us, log scale)"):
            plots.append(p)
    return plots


# ------------------------------------------------------------ throughput

def plot_tput(run, caption):
    plots = []
    groups = {}
    for c in _ok(run, "tput"):
        g = (c.p("op", "read"), c.p("pattern", "seq"), c.p("bs", 4096),
             c.p("access", "read"), bool(c.p("nt", False)), bool(c.p("misalign", False)))
        groups.setdefault(g, []).append(c)
    for g in sorted(groups):
        op, pattern, bs, access, nt, mis = g
        byv = {}
        for c in groups[g]:
            byv.setdefault(c.variant, {}).setdefault(c.p("threads", 1), c)
        vmax = max((max(c.metrics["bw_Bps"].samples) for d in byv.values() for c in d.values()
                    if "bw_Bps" in c.metrics and c.metrics["bw_Bps"].samples), default=None)
        if not vmax:
            continue
        div, unit = fmt.scale_for("B/s", vmax)
        opd = op + (f" ({access})" if op == "copy" else "") + (", non-temporal" if nt else "")
        title = (f"Throughput against threads - {opd}, {pattern}, access size {fmt.human_size(bs)}"
                 + (", misaligned" if mis else ""))
        p = Plot(f"tput-{slug(op)}-{pattern}-bs{fmt.human_size(bs)}"
                 + ("-" + access if op == "copy" else "") + ("-nt" if nt else "")
                 + ("-misaligned" if mis else ""), "tput", title, caption)
        clauses, threads = [], set()
        order = sorted_variants(byv)
        for i, v in enumerate(order):
            rows = []
            # variants side by side around each thread count, so that
            # their min-max bars do not hide each other
            dx = (i - (len(order) - 1) / 2.0) * min(0.6 / len(order), 0.08)
            for t in sorted(byv[v]):
                m = byv[v][t].metrics.get("bw_Bps")
                if not m or not m.samples:
                    continue
                threads.add(t)
                rows.append([t + dx, stats.median(m.samples) / div, min(m.samples) / div,
                             max(m.samples) / div, byv[v][t].p("size")])
            if rows:
                idx = p.block(f"{v}: threads (offset {dx:+.3f} to set variants apart), "
                              f"bw_Bps median, min, max ({unit}), size (bytes)",
                              ["threads", "median", "min", "max", "size"], rows)
                clauses.append(f"data index {idx} using 1:2:3:4 with yerrorlines {series_style(v)} title {gp_str(v)}")
        if not clauses:
            continue
        ts = sorted(threads)
        p.body += [
            f"set xrange [{ts[0] - 0.5}:{ts[-1] + 0.5}]",
            "set xtics (" + ", ".join(f"'{t}' {t}" for t in ts) + ")",
            "set yrange [0:*]",
            "set xlabel 'threads'",
            f"set ylabel 'bandwidth, median of repetitions ({unit}; bars: min-max)'",
            "set key outside right top",
            "plot " + ", \\\n         ".join(clauses),
        ]
        plots.append(p)
    return plots


# ------------------------------------------------------------ revoke storm

def _dodge(i, n, rates):
    """A per-variant x factor (log axis) or offset (one rate), so that
    variants at the same rate do not hide each other."""
    k = i - (n - 1) / 2.0
    if len(rates) > 1 and rates[0] > 0:
        return lambda r: r * 1.04 ** k
    return lambda r: r + k * 6


def plot_revoke(run, caption):
    plots = []
    groups = {}
    for c in _ok(run, "revoke"):
        g = (c.p("threads", 1), c.p("access", "read"), c.p("size", 0), c.p("hold_ns", 0))
        groups.setdefault(g, []).append(c)
    for g in sorted(groups):
        t, access, size, hold = g
        what = f"{_threads(t)}, {access}, {fmt.human_size(size)} window, hold {hold / 1e6:g} ms"
        byv = {}
        for c in groups[g]:
            byv.setdefault(c.variant, []).append(c)
        rates = sorted({c.p("rate_hz") for c in groups[g]})
        xt = "set xtics (" + ", ".join(f"'{r:g}' {r}" for r in rates) + ")"
        xr = (f"set xrange [{rates[0] / 1.6:.6g}:{rates[-1] * 1.6:.6g}]\nset logscale x"
              if len(rates) > 1 and rates[0] > 0 else
              f"set xrange [{rates[0] - 40:g}:{rates[-1] + 40:g}]")
        # refault latency
        p = Plot(f"revoke-refault-T{t}-{access}-{fmt.human_size(size)}", "revoke-refault",
                 f"Revoke storm: refault latency against revoke rate - {what}", caption)
        clauses = []
        order = sorted_variants(byv)
        for i, v in enumerate(order):
            rows = []
            dx = _dodge(i, len(order), rates)
            for c in sorted(byv[v], key=lambda c: c.p("rate_hz")):
                h = c.histograms.get("refault_ns")
                if not h:
                    continue
                pc = h.get("percentiles") or {}
                if pc.get("50") is None:
                    continue
                rows.append([dx(c.p("rate_hz")), pc.get("50") / 1e3, (pc.get("99") or pc.get("50")) / 1e3,
                             h.get("count"), c.p("rate_hz")])
            if rows:
                idx = p.block(f"{v}: x (the rate, set apart per variant), refault_ns p50, p99 (us), "
                              f"refaults, rate (Hz)",
                              ["x", "p50_us", "p99_us", "count", "rate_hz"], rows)
                st = series_style(v)
                clauses.append(f"data index {idx} using 1:2 with linespoints {st} title {gp_str(v + ' p50')}")
                clauses.append(f"data index {idx} using 1:3 with linespoints {st.replace('dt 1', 'dt 3').replace('dt 2', 'dt 3')} "
                               f"pointsize 0.7 title {gp_str(v + ' p99')}")
        if clauses:
            p.body += [xr, xt, "set logscale y", "set format y '%g'",
                       "set xlabel 'revoke/restore cycles per second'",
                       "set ylabel 'refault latency (us, log scale)'",
                       "set key outside right top",
                       "plot " + ", \\\n         ".join(clauses)]
            plots.append(p)
        # faults per cycle
        p = Plot(f"revoke-faults-T{t}-{access}-{fmt.human_size(size)}", "revoke-faults",
                 f"Revoke storm: faults per cycle against revoke rate - {what}", caption)
        clauses = []
        for i, v in enumerate(order):
            rows = []
            dx = _dodge(i, len(order), rates)
            for c in sorted(byv[v], key=lambda c: c.p("rate_hz")):
                m = c.metrics.get("faults_per_cycle")
                if not m or not m.samples:
                    continue
                rows.append([dx(c.p("rate_hz")), stats.median(m.samples), min(m.samples),
                             max(m.samples), c.p("rate_hz")])
            if rows:
                idx = p.block(f"{v}: x (the rate, set apart per variant), faults_per_cycle "
                              f"median, min, max, rate (Hz)",
                              ["x", "median", "min", "max", "rate_hz"], rows)
                clauses.append(f"data index {idx} using 1:2:3:4 with yerrorlines {series_style(v)} title {gp_str(v)}")
        if clauses:
            p.body += [xr, xt, "set logscale y", "set format y '%g'",
                       "set xlabel 'revoke/restore cycles per second'",
                       "set ylabel 'faults per revoke cycle, median (log scale; bars: min-max)'",
                       "set key outside right top",
                       "plot " + ", \\\n         ".join(clauses)]
            plots.append(p)
    return plots


# ------------------------------------------------------------ ring (vring)
#
# From `flbench vring` (issue 5; CONFIG.md "Plots"): scenario "vring";
# params.mode (else params.access_mode, else variant) = the access mode
# (uaccess, uaccess-batched, kmap; io_uring for the NOP peer);
# params.inval_rate_hz (else inval_rate, else rate_hz) = invalidations per
# second asked for (0: none) and params.inval_kind; the metric inval_per_s
# = the rate achieved (under TCG often far below the one asked for);
# metric ops_per_s (else descs_per_s); the histogram rtt_ns (else the first
# whose name has "rtt" or "lat").  Cases are grouped by every parameter of
# VRING_GROUP_PARAMS that varies among the access-mode cases, then by
# invalidation kind: a case without invalidation belongs to every kind of
# its group (the "none" point).  The io_uring NOP peer has no kick, ring
# memory, payload or direction: it is the reference drawn in every plot.

VRING_GROUP_PARAMS = ("ring_size", "batch", "payload", "dir", "kick", "placement",
                      "threads", "ring_mem", "target")
VRING_REF = "io_uring"
VRING_REF_LABEL = "io_uring NOP reference"
# Ring title lines are wrapped at this many characters (title font at 1280
# pixels holds about 130).
VRING_TITLE_WIDTH = 100


def _vring_mode(c):
    return c.p("mode") or c.p("access_mode") or c.variant


def _vring_rate(c):
    for k in ("inval_rate_hz", "inval_rate", "rate_hz"):
        if c.params.get(k) is not None:
            return c.params[k]
    return 0


def _vring_achieved(c):
    """(median, min, max, source) of the invalidations per second the case
    achieved: the metric inval_per_s (source "inval_per_s"); without it 0
    when none was asked for ("none"), else the rate asked for ("asked")."""
    m = c.metrics.get("inval_per_s")
    if m and m.samples:
        return stats.median(m.samples), min(m.samples), max(m.samples), "inval_per_s"
    r = float(_vring_rate(c) or 0)
    return r, r, r, "asked" if r else "none"


def _vring_ops(c):
    for k in ("ops_per_s", "descs_per_s"):
        if k in c.metrics and c.metrics[k].samples:
            return c.metrics[k]
    return None


def _vring_hist(c):
    if "rtt_ns" in c.histograms:
        return c.histograms["rtt_ns"]
    for n, h in c.histograms.items():
        if "rtt" in n or "lat" in n:
            return h
    return next(iter(c.histograms.values()), None)


def _vring_param_text(k, v):
    if k == "threads":
        return _threads(v)
    if k == "payload":
        if not isinstance(v, int):
            return f"payload {v}"
        return f"payload {v} B" if v < 1024 else f"payload {fmt.human_size(v)}iB"
    if k == "ring_size":
        return f"ring of {v} entries"
    return f"{k.replace('_', ' ')} {v}"


def _vring_ref(refs, ring_params):
    """The io_uring NOP case closest to a group (same ring size, batch,
    threads), and its legend label naming what differs."""
    keys = ("ring_size", "batch", "threads")
    if not refs:
        return None, None
    ref = max(refs, key=lambda c: (sum(c.params.get(k) == ring_params.get(k) for k in keys),
                                   -refs.index(c)))
    diff = [_vring_param_text(k, ref.params.get(k)) for k in keys
            if ring_params.get(k) is not None and ref.params.get(k) != ring_params.get(k)]
    return ref, VRING_REF_LABEL + (f" ({', '.join(diff)})" if diff else "")


def _vring_log_tics(lo, hi, axis, first=()):
    """'set Xtics (...)' on a log axis from LO to HI: 1, 2, 5 x 10^k, or
    1, 1.5, 2, 3, 5, 7 x 10^k when that leaves fewer than three (a narrow
    range); FIRST: (label, position) pairs put before them."""
    vals = _log_tic_values(lo, hi)
    if len(vals) < 3:
        k0, k1 = math.floor(math.log10(lo)), math.ceil(math.log10(hi))
        vals = [m * 10 ** k for k in range(k0, k1 + 1) for m in (1, 1.5, 2, 3, 5, 7)
                if lo <= m * 10 ** k <= hi]
    tics = [f"'{a}' {x:.6g}" for a, x in first] + [f"'{v:g}' {v:.10g}" for v in vals]
    return f"set {axis}tics (" + ", ".join(tics) + ")"


def _vring_title(what, lines):
    """A title of pre-wrapped lines: WHAT, then LINES, each wrapped."""
    import textwrap
    out = [what]
    for line in lines:
        out += textwrap.wrap(line, VRING_TITLE_WIDTH, break_on_hyphens=False) or [""]
    return "\n".join(out)


def _vring_ops_plot(p, bym, ref, ref_label):
    """Descriptors per second per mode against the achieved invalidation
    rate (log x; the cases without invalidation at a 'none' tick left of
    the rest), or, when no case of the plot invalidates, per mode; the
    io_uring NOP reference as a dashed line with its min-max band."""
    modes = sorted_variants(bym)
    vals = [(c, _vring_ops(c)) for m in modes for c in bym[m].values()]
    vals = [(c, met) for c, met in vals if met]
    if not vals:
        return False
    refm = _vring_ops(ref) if ref else None
    div, unit = fmt.scale_for("1/s", max(stats.median(met.samples) for _, met in vals))
    ys = [x for _, met in vals for x in met.samples] + (list(refm.samples) if refm else [])
    ylo, yhi = min(ys) / div / 1.4, max(ys) / div * 1.4
    achieved = [a for m in modes for c in bym[m].values() for a in _vring_achieved(c)[:3] if a > 0]
    clauses, unmeasured = [], False
    if achieved:
        lo, hi = min(achieved), max(achieved)
        x_none = lo / 10 ** 0.8
        xlo, xhi = x_none / 1.6, hi * 1.6
        sep = math.sqrt(x_none * lo / 1.3)
        body = ["set logscale x", f"set xrange [{xlo:.6g}:{xhi:.6g}]",
                _vring_log_tics(max(lo / 1.3, sep * 1.01), hi * 1.3, "x", [("none", x_none)]),
                f"set arrow 2 from {sep:.6g}, graph 0 to {sep:.6g}, graph 1 nohead dt 3 lc rgb '#999999'"]
        for i, m in enumerate(modes):
            k = i - (len(modes) - 1) / 2.0
            rows = []
            for req, c in sorted(bym[m].items(), key=lambda rc: _vring_achieved(rc[1])[0]):
                met = _vring_ops(c)
                if not met:
                    continue
                a, amin, amax, src = _vring_achieved(c)
                unmeasured |= src == "asked"
                f = 1.05 ** k
                x, xmin, xmax = (x_none * f,) * 3 if a <= 0 else (a * f, amin * f, amax * f)
                rows.append([x, xmin, xmax, a, amin, amax, req, src,
                             stats.median(met.samples) / div, min(met.samples) / div,
                             max(met.samples) / div])
            if rows:
                idx = p.block(f"{m}: x (the achieved rate, 'none' for no invalidation, set apart "
                              f"per mode), x from, x to; inval_per_s median, min, max; "
                              f"inval_rate_hz asked for; where the rate comes from; "
                              f"ops_per_s median, min, max ({unit})",
                              ["x", "x_min", "x_max", "inval_per_s", "inval_per_s_min",
                               "inval_per_s_max", "inval_rate_hz", "rate_from",
                               "ops_median", "ops_min", "ops_max"], rows)
                clauses.append(f"data index {idx} using 1:9:2:3:10:11 with xyerrorlines "
                               f"{series_style(m)} title {gp_str(m)}")
        xlabel = ("invalidations per second achieved (metric inval_per_s: median, bars min-max; "
                  "log scale; none: no invalidation)")
        if unmeasured:
            xlabel += "; the rate asked for where inval_per_s is missing"
    else:
        xlo, xhi = -0.6, len(modes) - 0.4
        body = [f"set xrange [{xlo}:{xhi}]",
                "set xtics (" + ", ".join(f"{gp_str(m)} {i}" for i, m in enumerate(modes)) + ")"]
        for i, m in enumerate(modes):
            c = next((c for c in bym[m].values() if _vring_ops(c)), None)
            if not c:
                continue
            met = _vring_ops(c)
            med = stats.median(met.samples) / div
            idx = p.block(f"{m}: x, ops_per_s median, min, max ({unit}), label",
                          ["x", "ops_median", "ops_min", "ops_max", "label"],
                          [[i, med, min(met.samples) / div, max(met.samples) / div,
                            f"{med:.4g} {unit}"]])
            clauses.append(f"data index {idx} using 1:2:3:4 with yerrorbars {series_style(m)} "
                           f"pointsize 1.6 title {gp_str(m)}")
            clauses.append(f"data index {idx} using 1:2:5 with labels left offset 1.2,0 "
                           f"font ',10' notitle")
        xlabel = "access mode (no invalidation)"
    if not clauses:
        return False
    if refm:
        r = [stats.median(refm.samples) / div, min(refm.samples) / div, max(refm.samples) / div]
        idx = p.block(f"{ref_label} (io_uring IORING_OP_NOP round trips, case {ref.id}): "
                      f"x (the plot's edges), ops_per_s median, min, max ({unit})",
                      ["x", "ops_median", "ops_min", "ops_max"], [[xlo] + r, [xhi] + r])
        clauses[:0] = [
            f"data index {idx} using 1:3:4 with filledcurves fs transparent solid 0.12 noborder "
            f"lc rgb '{PALETTE[VARIANT_ORDER.index(VRING_REF)]}' "
            f"title {gp_str(VRING_REF_LABEL + ': min-max')}",
            f"data index {idx} using 1:2 with lines {series_style(VRING_REF, points=False)} "
            f"title {gp_str(ref_label + ': median')}"]
    p.body += body + [
        "set logscale y",
        f"set yrange [{ylo:.6g}:{yhi:.6g}]",
        _vring_log_tics(ylo, yhi, "y"),
        f"set xlabel {gp_str(xlabel)}",
        f"set ylabel 'descriptors per second ({unit}, log scale; median, bars: min-max)'",
        "set key outside right top",
        "plot " + ", \\\n         ".join(clauses)]
    return True


def _vring_latency_series(bym, ref, ref_label):
    """Per mode: the percentiles without invalidation (else at the lowest
    rate) and at the highest achieved rate (dotted); then the reference."""
    series = []
    for m in sorted_variants(bym):
        by_a = sorted(bym[m].values(), key=lambda c: _vring_achieved(c)[0])
        ends = [by_a[0]] + ([by_a[-1]] if len(by_a) > 1 else [])
        for j, c in enumerate(ends):
            h = _vring_hist(c)
            if not h:
                continue
            a, _, _, src = _vring_achieved(c)
            kind = c.p("inval_kind")
            req = _vring_rate(c)
            when = "no invalidation" if a <= 0 else \
                f"{kind + ' ' if kind else ''}{a:.3g}/s" + \
                (f" ({req:g}/s asked)" if src == "inval_per_s" else " (asked; achieved not measured)")
            st = series_style(m)
            if j:
                st = st.replace("dt 1", "dt 3").replace("dt 2", "dt 3") + " pointsize 0.8"
            series.append((f"{m}, {when}", m, h.get("percentiles") or {}, st))
    h = _vring_hist(ref) if ref else None
    if h:
        series.append((ref_label, VRING_REF, h.get("percentiles") or {}))
    return series


def plot_vring(run, caption):
    plots = []
    ok = _ok(run, "vring")
    refs = [c for c in ok if _vring_mode(c) == VRING_REF]
    ring = [c for c in ok if _vring_mode(c) != VRING_REF]
    if not ring:           # a run of the peer alone: its own series
        ring, refs = refs, []
    if not ring:
        return plots
    notok = [c for c in run.cases if c.scenario == "vring" and not c.ok
             and _vring_mode(c) != VRING_REF]
    varying = [k for k in VRING_GROUP_PARAMS if len({str(c.params.get(k)) for c in ring}) > 1]
    fixed = [(k, ring[0].params[k]) for k in VRING_GROUP_PARAMS
             if k not in varying and ring[0].params.get(k) is not None]
    cap = caption
    if fixed:
        cap = ("every ring plot of this run: " + ", ".join(_vring_param_text(k, v) for k, v in fixed)
               + "\n" + caption)

    def new_plot(kind, name, what, where):
        p = Plot(f"{kind}-{name}", kind, f"{what} - {where}", cap)
        p.display_title = _vring_title(what, [where])
        p.bmargin = 8 if fixed else None
        return p

    groups = {}
    for c in ring:
        groups.setdefault(tuple(c.params.get(k) for k in varying), []).append(c)
    for g in sorted(groups, key=str):
        gparams = dict(zip(varying, g))
        desc = [_vring_param_text(k, v) for k, v in gparams.items()]
        sl = "-".join(slug(f"{k}{v}") for k, v in gparams.items()) or "all"
        ref, ref_label = _vring_ref(refs, groups[g][0].params)
        kinds = sorted({c.p("inval_kind") or "" for c in groups[g] if _vring_rate(c)}) or [None]
        for kind in kinds:
            cases = [c for c in groups[g] if not _vring_rate(c) or (c.p("inval_kind") or "") == kind]
            bym = {}
            for c in cases:
                bym.setdefault(_vring_mode(c), {})[_vring_rate(c)] = c
            reqs = sorted({_vring_rate(c) for c in cases if _vring_rate(c)})
            parts = [", ".join(desc)]
            if kind is not None:
                parts.append(f"{kind or 'invalidations'} asked for at "
                             + ", ".join(f"{r:g}" for r in reqs) + " per second")
            missing = [c for c in notok if tuple(c.params.get(k) for k in varying) == g
                       and (not _vring_rate(c) or (c.p("inval_kind") or "") == kind)]
            if missing:
                parts.append("not run: " + ", ".join(sorted({f"{_vring_mode(c)} ({c.status})"
                                                            for c in missing})))
            where = "; ".join(x for x in parts if x) or "all ring cases"
            name = f"{sl}-inval-{slug(kind)}" if kind else sl
            what = ("Ring: descriptors per second per access mode against the achieved "
                    "invalidation rate" if kind is not None else
                    "Ring: descriptors per second per access mode, no invalidation")
            p = new_plot("vring-ops", name, what, where)
            if _vring_ops_plot(p, bym, ref, ref_label):
                plots.append(p)
            what = "Ring: round-trip latency percentiles per access mode" + \
                (f", without and with {kind or 'invalidations'}" if kind is not None else "")
            p = new_plot("vring-latency", name, what, where)
            series = _vring_latency_series(bym, ref, ref_label)
            if series and _pct_plot(p, series, "round-trip latency (us, log scale)"):
                plots.append(p)
    return plots


# ------------------------------------------------------------ driver

PLOTTERS = [
    ("faults", plot_faults,
     "populate cases (faults per strategy and peer by insert size)"),
    ("populate-size", plot_populate_size,
     "populate cases of one variant at two or more sizes (scripts/matrices/sizes.mx)"),
    ("first-touch", plot_first_touch, "populate cases with a first_touch_ns histogram"),
    ("tput", plot_tput, "tput cases"),
    ("revoke", plot_revoke, "revoke cases"),
    ("vring", plot_vring, "vring cases (flbench vring, issue 5)"),
]


def load_style():
    with open(os.path.join(GP_DIR, "style.gp"), encoding="utf-8") as f:
        return "".join(line for line in f if not line.startswith("# SPDX"))


def make_plots(run, outdir, kinds=None, gnuplot="gnuplot", render=True):
    """Write every plot of RUN into OUTDIR.  Returns (made, skipped, errors):
    made: list of dicts (name, kind, title, files); skipped: (kind, why)."""
    os.makedirs(outdir, exist_ok=True)
    style = load_style()
    caption = caption_of(run)
    made, skipped, errors = [], [], []
    for kind, fn, needs in PLOTTERS:
        if kinds and kind not in kinds:
            continue
        plots = fn(run, caption)
        if not plots:
            skipped.append((kind, f"no {needs} in this run"))
            continue
        for p in plots:
            gp = p.write(outdir, style)
            if render:
                r = subprocess.run([gnuplot, os.path.basename(gp)], cwd=outdir,
                                   capture_output=True, text=True)
                if r.returncode != 0:
                    errors.append((p.name, r.stderr.strip()))
                    continue
                if r.stderr.strip():
                    p.notes.append(r.stderr.strip())
            made.append({"name": p.name, "kind": p.kind, "title": p.title,
                         "caption": p.caption.replace("\n", " | "), "files": p.files(),
                         "gnuplot_messages": p.notes})
    return made, skipped, errors


# ------------------------------------------------------------ comparison

# The headline metric of each scenario, for the change-per-case plot.
HEADLINE = {"populate": ("populate_ns",), "tput": ("bw_Bps",),
            "revoke": ("accesses_per_s", "faults_per_cycle"),
            "churn": ("windows_per_s",), "fio": ("fio_bw_Bps", "bw_Bps"),
            "vring": ("ops_per_s", "descs_per_s")}
FLAG_COLORS = {"regression": "#d62728", "improvement": "#2ca02c", None: "#9e9e9e",
               "changed": "#9e9e9e", "count": "#ff7f0e"}


def plot_change(cmp, outdir, base_label, new_label, gnuplot="gnuplot", render=True):
    """One bar per matched case: the relative change of its headline
    metric's median, coloured by the comparison's verdict.  Returns the
    index entry, or None when no case has a headline metric."""
    rows = []
    for cc in cmp.cases:
        if cc.status != "both":
            continue
        names = HEADLINE.get(cc.base.scenario, ())
        row = next((r for n in names for r in cc.rows if r.kind == "metric" and r.name == n
                    and r.rel is not None and not math.isinf(r.rel)), None)
        if row is None:
            continue
        rows.append((cc.name, row.name, row.rel * 100, row.flag, row.p))
    if not rows:
        return None
    b, n = cmp.base_run, cmp.new_run
    cap = (f"base: kernel {b.kernel}, {b.env_text()}, {b.run_text()}\n"
           f"new:  kernel {n.kernel}, {n.env_text()}, {n.run_text()}")
    p = Plot("change-per-case", "change",
             f"Headline metric per case: {new_label} (new) against {base_label} (base)", cap)
    p.body.append("set title offset 0,1")
    data = []
    for i, (name, metric, rel, flag, pv) in enumerate(rows):
        ratio = max(1.0 + rel / 100.0, 1e-6)
        mark = {"regression": " REGR", "improvement": " impr"}.get(flag, "")
        data.append([i, f"{name} [{metric}]", ratio, min(1.0, ratio), max(1.0, ratio),
                     f"{fmt.pct(rel / 100.0)}{mark}", flag or "-",
                     "NaN" if pv is None else f"{pv:.4g}",
                     FLAG_COLORS.get(flag, "#9e9e9e").replace("#", "0x")])
    p.block("y, case [metric], new/base ratio of the median, bar from, bar to, "
            "label, flag, p, colour",
            ["y", "case", "ratio", "lo", "hi", "label", "flag", "p", "rgb"], data)
    lo = min(r[3] for r in data)
    hi = max(r[4] for r in data)
    span = max(hi / lo, 1.2)
    xlo, xhi = lo / span ** 0.12, hi * span ** 0.35
    h = max(HEIGHT, 180 + 26 * len(rows))
    p.height = h
    longest = max(len(r[1]) for r in data)
    p.body += [
        f"set yrange [{len(rows) - 0.3}:-0.7]",
        "set ytics (" + ", ".join(f"{gp_str(r[1])} {r[0]}" for r in data) + ") font ',9'",
        "set grid xtics noytics",
        "set logscale x",
        "set tmargin 7",
        f"set xrange [{xlo:.6g}:{xhi:.6g}]",
        log_tics(xlo, xhi, "x").replace("')", "x')").replace("' ", "x' ")
        if "autofreq" not in log_tics(xlo, xhi, "x") else "set xtics autofreq",
        "set format x '%gx'",
        "set xlabel 'median of new / median of base (log scale; 1x = unchanged)'",
        f"set lmargin {min(90, int(longest * 0.8) + 3)}",
        "set key at graph 0.5, graph 1.015 center bottom horizontal",
        "set arrow 1 from 1, graph 0 to 1, graph 1 nohead lc rgb '#333333' lw 1.5",
        "plot data using (1):1:4:5:($1-0.35):($1+0.35):9 with boxxyerror lc rgb variable notitle, \\",
        "     data using 5:1:6 with labels left offset 0.6,0 font ',9' notitle, \\",
        "     NaN with boxes lc rgb '#d62728' title 'flagged regression', \\",
        "     NaN with boxes lc rgb '#2ca02c' title 'flagged improvement', \\",
        "     NaN with boxes lc rgb '#9e9e9e' title 'not flagged'",
    ]
    style = load_style()
    gp = p.write(outdir, style)
    if render:
        r = subprocess.run([gnuplot, os.path.basename(gp)], cwd=outdir,
                           capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError(f"gnuplot failed on {gp}: {r.stderr.strip()}")
    return {"name": p.name, "kind": p.kind, "title": p.title,
            "caption": cap.replace("\n", " | "), "files": p.files()}
