# SPDX-License-Identifier: GPL-2.0
"""Command-line pieces shared by scripts/compare and scripts/report."""

import argparse
import sys

from . import compare as C
from .results import FIO_PERCENTILES


def die(prog, msg):
    print(f"{prog}: error: {msg}", file=sys.stderr)
    sys.exit(2)


def parse_floor(text):
    if "=" not in text:
        raise argparse.ArgumentTypeError(
            f"'{text}': expected NAME=PERCENT (e.g. populate_ns=5, "
            f"first_touch_ns:p99=30, p99.9=40, unit:ns=10)")
    k, v = text.split("=", 1)
    try:
        f = float(v.rstrip("%"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}': '{v}' is not a number") from None
    if f < 0 or not k:
        raise argparse.ArgumentTypeError(f"'{text}': need a name and a floor >= 0")
    return k, f


def parse_alpha(text):
    try:
        a = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number") from None
    if not 0 < a < 1:
        raise argparse.ArgumentTypeError(f"'{text}': alpha must be in (0, 1)")
    return a


def parse_percentiles(text):
    out = []
    for p in text.split(","):
        p = p.strip()
        if p not in FIO_PERCENTILES:
            raise argparse.ArgumentTypeError(
                f"'{p}' is not one of flbench's percentiles ({', '.join(FIO_PERCENTILES)})")
        out.append(p)
    return out


def add_compare_options(ap):
    ap.add_argument("--alpha", type=parse_alpha, default=C.DEFAULT_ALPHA,
                    help="significance level of the tests (default %(default)s)")
    ap.add_argument("--floor", type=parse_floor, action="append", default=[],
                    metavar="NAME=PCT",
                    help="noise floor in percent for a metric (populate_ns=5), a "
                         "histogram percentile (first_touch_ns:p99=30), every "
                         "histogram at a percentile (p99=30) or a unit (unit:ns=8); "
                         "repeatable")
    ap.add_argument("--profile", choices=sorted(C.PROFILES),
                    help="default noise floors: native, or emulated (the default "
                         "when either run's times are emulated: QEMU TCG lab)")
    ap.add_argument("--percentiles", type=parse_percentiles, metavar="LIST",
                    help="histogram percentiles compared (default: native "
                         + ",".join(C.PROFILES["native"]["percentiles"]) + ", emulated "
                         + ",".join(C.PROFILES["emulated"]["percentiles"]) + ")")
    ap.add_argument("--ignore-param", action="append", default=[], metavar="P",
                    help="also match cases that differ in parameter P (repeatable)")
    ap.add_argument("--counts-informational", action="store_true",
                    help="changed fault counts are shown and flagged but do not "
                         "make the exit status 1 (kernel-versus-kernel reports)")
    ap.add_argument("--allow-incomplete", action="store_true",
                    help="read runs that did not finish")
    ap.add_argument("--base-label", metavar="TEXT", help="column title of BASE")
    ap.add_argument("--new-label", metavar="TEXT", help="column title of NEW")


def settings_from(args):
    return C.Settings(alpha=args.alpha, percentiles=args.percentiles,
                      floors=dict(args.floor), profile=args.profile,
                      ignore=args.ignore_param,
                      counts_fail=not args.counts_informational)


def parse(ap, argv=None):
    """argparse, but a usage error exits 2 (and --help 0)."""
    try:
        return ap.parse_args(argv)
    except SystemExit as e:
        sys.exit(2 if e.code else 0)
