# SPDX-License-Identifier: GPL-2.0
"""The report folder of a run (scripts/report; CONFIG.md "Plots").

    OUT/report.md       the report: run, summary, unsupported and failed
                        cases, the comparison with BASE (when given), plots
    OUT/plots/          every plot of the run (scripts/plot)
    OUT/plots-base/     the base run's plots (with --plot-base)
    OUT/compare.{txt,md,json}, OUT/change-per-case.*   with BASE
"""

import json
import os

from . import compare as C
from . import fmt
from . import plot as P


def _md(s):
    return str(s).replace("|", "\\|")


def run_table(run, title="Run"):
    m = run.meta
    L = [f"| {title} | |", "|---|---|"]
    sc = run.run.get("status_counts") or {}
    lab = m.get("lab_env") or {}
    rows = [
        ("run", f"{run.id} ({run.run.get('kind', '?')}"
                + (f", matrix {os.path.basename(run.run.get('matrix_file') or '')}" if run.run.get("matrix_file") else "")
                + ")"),
        ("folder", run.dir),
        ("kernel", f"{run.kernel} ({(m.get('kernel') or {}).get('version', '')})"),
        ("CPU", f"{run.cpu}, {(m.get('cpu') or {}).get('online', '?')} online"),
        ("environment", run.env_text()),
        ("started", run.started),
        ("elapsed", f"{run.run.get('elapsed_s', 0):.0f} s"),
        ("git", run.git_rev),
        ("flbench", m.get("flbench_version", "?")),
        ("cases", ", ".join(f"{v} {k}" for k, v in sc.items()) or str(len(run.cases))),
        ("complete", "yes" if run.complete else "NO"),
    ]
    if lab:
        rows.append(("lab", ", ".join(f"{k[7:].lower()}={v}" for k, v in sorted(lab.items())
                                      if k.startswith("FL_LAB_"))))
    mod = m.get("faultline_module") or {}
    if mod.get("loaded"):
        rows.append(("faultline.ko", f"version {mod.get('version') or '?'}, srcversion {mod.get('srcversion') or '?'}, parameters "
                     + ", ".join(f"{k}={v}" for k, v in (mod.get("parameters") or {}).items())))
    opts = ((m.get("kernel") or {}).get("kernel_config") or {}).get("options") or {}
    keys = [k for k in ("CONFIG_ARCH_SUPPORTS_PMD_PFNMAP", "CONFIG_ARCH_SUPPORTS_PUD_PFNMAP",
                        "CONFIG_TRANSPARENT_HUGEPAGE", "CONFIG_PER_VMA_LOCK") if k in opts]
    if keys:
        rows.append(("kernel config", ", ".join(f"{k[7:]}={opts[k]}" for k in keys)))
    for k, v in rows:
        L.append(f"| {k} | {_md(v)} |")
    return "\n".join(L)


def not_ok_table(run):
    bad = [c for c in run.cases if not c.ok]
    if not bad:
        return "Every case ran (status ok)."
    L = ["| case | status | reason |", "|---|---|---|"]
    for c in bad:
        L.append(f"| {c.id} {_md(c.name)} | {c.status} | {_md(c.reason or '')} |")
    return "\n".join(L)


def _plots_section(entries, skipped, reldir, heading):
    L = [heading, ""]
    for e in entries:
        L += [f"### {_md(e['title'])}", "",
              f"![{e['name']}]({reldir}/{e['name']}.png)", "",
              f"{_md(e['caption'])}  ",
              f"[SVG]({reldir}/{e['name']}.svg) · [gnuplot]({reldir}/{e['name']}.gp) · "
              f"[data]({reldir}/{e['name']}.dat)", ""]
    for kind, why in skipped:
        L.append(f"- not drawn: {kind}: {why}")
    return "\n".join(L)


def _demote(md):
    """Markdown headings one level down (to nest the comparison)."""
    return "\n".join(("#" + line) if line.startswith("#") else line
                     for line in md.splitlines())


def make_report(run, outdir, base=None, settings=None, title=None,
                plot_base=False, base_label=None, new_label=None,
                gnuplot="gnuplot"):
    """Write the report folder.  Returns (comparison or None, errors)."""
    os.makedirs(outdir, exist_ok=True)
    errors = []
    made, skipped, errs = P.make_plots(run, os.path.join(outdir, "plots"), gnuplot=gnuplot)
    errors += [f"gnuplot failed on plots/{n}.gp: {m}" for n, m in errs]
    bmade = bskipped = None
    if base is not None and plot_base:
        bmade, bskipped, errs = P.make_plots(base, os.path.join(outdir, "plots-base"), gnuplot=gnuplot)
        errors += [f"gnuplot failed on plots-base/{n}.gp: {m}" for n, m in errs]
    cmp = None
    change = None
    if base is not None:
        cmp = C.Comparison(base, run, settings or C.Settings())
        bl = base_label or C._col_label(base, run, None)
        nl = new_label or C._col_label(run, base, None)
        text = C.render_text(cmp, base_label=bl, new_label=nl)
        cmd = C.render_markdown(cmp, base_label=bl, new_label=nl, title="Comparison")
        with open(os.path.join(outdir, "compare.txt"), "w", encoding="utf-8") as f:
            f.write(text)
        with open(os.path.join(outdir, "compare.md"), "w", encoding="utf-8") as f:
            f.write(cmd)
        with open(os.path.join(outdir, "compare.json"), "w", encoding="utf-8") as f:
            json.dump(cmp.to_json(), f, indent=1, default=str)
            f.write("\n")
        try:
            change = P.plot_change(cmp, outdir, bl, nl, gnuplot=gnuplot)
        except RuntimeError as e:
            errors.append(str(e))
    L = [f"# {title or 'faultline report: ' + run.id}", ""]
    L.append(P.caption_of(run).replace("\n", "  \n"))
    L.append("")
    if run.emulated:
        L += ["> Times in this report come from the QEMU TCG lab: they are emulated, "
              "comparable only within one lab run (as ratios).  Fault counts are exact.", ""]
    if cmp is not None:
        L += [f"**Comparison verdict: {cmp.verdict_line()}**", "",
              "Full tables: [compare.txt](compare.txt) (fixed width, for a mail), "
              "[compare.md](compare.md), [compare.json](compare.json).", ""]
    L += ["## Contents", ""]
    L += ["- [Run](#run)", "- [Summary](#summary)", "- [Cases that did not run](#cases-that-did-not-run)"]
    if cmp is not None:
        L.append("- [Comparison](#comparison)")
    L.append("- [Plots](#plots)")
    if bmade is not None:
        L.append("- [Plots of the base run](#plots-of-the-base-run)")
    L += ["", "## Run", "", run_table(run, "new" if base is not None else "run"), ""]
    if base is not None:
        L += [run_table(base, "base"), ""]
    L += ["## Summary", ""]
    summ = os.path.join(run.dir, "summary.txt")
    if os.path.isfile(summ):
        with open(summ, encoding="utf-8", errors="replace") as f:
            L += ["```", f.read().rstrip(), "```", ""]
    else:
        L += ["(no summary.txt in the run folder)", ""]
    L += ["## Cases that did not run", "", not_ok_table(run), ""]
    if base is not None:
        L += ["Base run:", "", not_ok_table(base), ""]
    if cmp is not None:
        L += ["## Comparison", ""]
        if change:
            L += [f"![change per case]({change['name']}.png)", "",
                  f"{_md(change['caption'])}  ",
                  f"[SVG]({change['name']}.svg) · [gnuplot]({change['name']}.gp) · "
                  f"[data]({change['name']}.dat)", ""]
        body = C.render_markdown(cmp, base_label=base_label, new_label=new_label,
                                 title="Comparison")
        # the title line and verdict are already above
        L += [_demote("\n".join(body.splitlines()[2:])), ""]
    L += [_plots_section(made, skipped, "plots", "## Plots"), ""]
    if bmade is not None:
        L += [_plots_section(bmade, bskipped, "plots-base", "## Plots of the base run"), ""]
    with open(os.path.join(outdir, "report.md"), "w", encoding="utf-8") as f:
        f.write("\n".join(L))
    index = {"run": run.describe(), "base": base.describe() if base else None,
             "verdict": cmp.verdict if cmp else None,
             "plots": made, "plots_base": bmade, "change_plot": change,
             "skipped": [{"kind": k, "why": w} for k, w in skipped],
             "errors": errors}
    with open(os.path.join(outdir, "report.json"), "w", encoding="utf-8") as f:
        json.dump(index, f, indent=1, default=str)
        f.write("\n")
    return cmp, errors


def make_index(entries, outdir, title=None):
    """report.md in OUTDIR linking the reports of several runs.
    ENTRIES: (run, path of its report.md)."""
    os.makedirs(outdir, exist_ok=True)
    L = [f"# {title or 'faultline reports'}", "",
         "| run | kernel | environment | cases | complete | report |",
         "|---|---|---|---|---|---|"]
    for r, rep in entries:
        sc = r.run.get("status_counts") or {}
        cases = ", ".join(f"{v} {k}" for k, v in sc.items() if v) or str(len(r.cases))
        L.append(f"| {_md(r.id)} | {_md(r.kernel)} | {_md(r.env_text())} | {cases} | "
                 f"{'yes' if r.complete else 'NO'} | [report]({os.path.relpath(rep, outdir)}) |")
    L.append("")
    for r, rep in entries:
        L += [f"## {_md(r.id)}", "", P.caption_of(r).replace("\n", "  \n"), ""]
        made = os.path.join(os.path.dirname(rep), "report.json")
        if os.path.isfile(made):
            with open(made, encoding="utf-8") as f:
                idx = json.load(f)
            # the fault counts first: the plots that say most at a glance
            for e in idx.get("plots", []):
                if e["kind"] in ("faults", "revoke-faults", "vring-ops"):
                    png = os.path.relpath(os.path.join(os.path.dirname(rep), "plots",
                                                       e["name"] + ".png"), outdir)
                    L += [f"![{e['name']}]({png})", ""]
        L += [f"Full report: [{os.path.relpath(rep, outdir)}]({os.path.relpath(rep, outdir)})", ""]
    path = os.path.join(outdir, "report.md")
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(L))
    return path


__all__ = ["make_report", "make_index", "fmt"]
