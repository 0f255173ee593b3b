# SPDX-License-Identifier: GPL-2.0
"""Numbers with units, the same scale for the base and new columns."""

import math

# (threshold, divisor, suffix), largest first, per unit of the schema.
_SCALES = {
    "ns": [(1e9, 1e9, "s"), (1e6, 1e6, "ms"), (1e3, 1e3, "us"), (0, 1, "ns")],
    "B/s": [(2 ** 30, 2 ** 30, "GiB/s"), (2 ** 20, 2 ** 20, "MiB/s"),
            (2 ** 10, 2 ** 10, "KiB/s"), (0, 1, "B/s")],
    "B": [(2 ** 40, 2 ** 40, "TiB"), (2 ** 30, 2 ** 30, "GiB"),
          (2 ** 20, 2 ** 20, "MiB"), (2 ** 10, 2 ** 10, "KiB"), (0, 1, "B")],
    "1/s": [(1e9, 1e9, "G/s"), (1e6, 1e6, "M/s"), (1e3, 1e3, "k/s"),
            (0, 1, "/s")],
}


def scale_for(unit, ref):
    """(divisor, suffix) for values of UNIT around REF."""
    table = _SCALES.get(unit)
    if not table or ref is None:
        return 1, "" if unit in ("count", "ratio") else (unit or "")
    a = abs(ref)
    for thr, div, suf in table:
        if a >= thr:
            return div, suf
    return table[-1][1], table[-1][2]


def num(v, unit, scale=None, width=0):
    """V formatted in UNIT (with SCALE from scale_for), right-aligned."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        s = "-"
    elif unit == "count":
        s = f"{v:.0f}" if float(v).is_integer() else f"{v:.1f}"
    else:
        div, suf = scale if scale else scale_for(unit, v)
        x = v / div
        if unit == "ratio" or not suf:
            s = f"{x:.4g}"
        else:
            s = f"{x:.2f} {suf}" if abs(x) < 1000 else f"{x:.0f} {suf}"
    return s.rjust(width) if width else s


def pct(rel):
    """A relative change as '+12.34%'."""
    if rel is None:
        return "n/a"
    if math.isinf(rel):
        return "+inf%" if rel > 0 else "-inf%"
    x = rel * 100
    return f"{x:+.2f}%" if abs(x) < 1e5 else f"{x:+.3g}%"


def human_size(b):
    """Bytes as 64M, 4G, 1.5G ..."""
    if b is None:
        return "?"
    for suf, m in (("T", 2 ** 40), ("G", 2 ** 30), ("M", 2 ** 20), ("K", 2 ** 10)):
        if b >= m:
            x = b / m
            return f"{x:.0f}{suf}" if x.is_integer() else f"{x:.3g}{suf}"
    return f"{b}"


def pvalue(p):
    if p is None:
        return "-"
    if p < 0.001:
        return "<0.001"
    return f"{p:.3f}"
