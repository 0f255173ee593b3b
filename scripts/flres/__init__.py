# SPDX-License-Identifier: GPL-2.0
"""faultline results: reading flbench run folders (schema v1), statistics,
comparison of two runs, gnuplot plots and Markdown reports.

Python 3 standard library only.  Used by scripts/compare, scripts/plot and
scripts/report; see CONFIG.md ("Plots", "Comparison", "Nightly").
"""
