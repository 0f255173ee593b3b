# SPDX-License-Identifier: GPL-2.0
"""Reading flbench run folders: result.json, schema "faultline-results" v1
(CONFIG.md, "Results schema").  Everything that is wrong with the input
raises BadInput with a message naming the file and what was wrong."""

import json
import os

SCHEMA = "faultline-results"
SCHEMA_VERSION = 1

# Parameters that do not make two cases different measurements: how many
# repetitions, the seed, the label, the clock, and the fault injection
# (a run with the per-fault delay on is compared with one without it).
KEY_IGNORE = ("reps", "warmup", "seed", "label", "clock",
              "inject_delay_ns", "inject_error_ppm")

# The histogram percentiles flbench reports (fio's list), in order.
FIO_PERCENTILES = ("1", "5", "10", "20", "30", "40", "50", "60", "70", "80",
                   "90", "95", "99", "99.5", "99.9", "99.95", "99.99")


class BadInput(Exception):
    """Input that cannot be used; the message says which and why."""


def _need(obj, field, where, types=None):
    if not isinstance(obj, dict) or field not in obj:
        raise BadInput(f"{where}: missing field '{field}'")
    v = obj[field]
    if types is not None and not isinstance(v, types):
        want = types.__name__ if isinstance(types, type) else \
            "/".join(t.__name__ for t in types)
        raise BadInput(f"{where}: field '{field}' is {type(v).__name__}, "
                       f"expected {want}")
    return v


def find_result_json(path):
    """PATH is a run folder, a result.json, or a folder holding exactly one
    run folder (what `scripts/matrix lab --out HOSTDIR` leaves).  Returns
    (path of result.json, path of the lab's lab.json or None)."""
    if not os.path.exists(path):
        raise BadInput(f"{path}: no such file or folder")
    if os.path.isfile(path):
        rj = path
    elif os.path.isfile(os.path.join(path, "result.json")):
        rj = os.path.join(path, "result.json")
    else:
        subs = sorted(d for d in os.listdir(path)
                      if os.path.isfile(os.path.join(path, d, "result.json")))
        if not subs:
            raise BadInput(f"{path}: not a run folder (no result.json in it "
                           f"or in a folder below it)")
        if len(subs) > 1:
            raise BadInput(f"{path}: holds {len(subs)} run folders "
                           f"({', '.join(subs)}): name one")
        rj = os.path.join(path, subs[0], "result.json")
    rundir = os.path.dirname(os.path.abspath(rj))
    lab = None
    for cand in (os.path.join(rundir, "lab", "lab.json"),
                 os.path.join(os.path.dirname(rundir), "lab", "lab.json")):
        if os.path.isfile(cand):
            lab = cand
            break
    return rj, lab


def find_runs(path):
    """Every run folder at PATH or up to two levels below it, sorted (what
    scripts/run-matrix leaves: OUT/<matrix>/<matrix>/result.json)."""
    if os.path.isfile(os.path.join(path, "result.json")) or os.path.isfile(path):
        return [path]
    found = []
    if os.path.isdir(path):
        for d1 in sorted(os.listdir(path)):
            p1 = os.path.join(path, d1)
            if not os.path.isdir(p1):
                continue
            if os.path.isfile(os.path.join(p1, "result.json")):
                found.append(p1)
                continue
            for d2 in sorted(os.listdir(p1)):
                p2 = os.path.join(p1, d2)
                if os.path.isfile(os.path.join(p2, "result.json")):
                    found.append(p2)
    return found


class Metric:
    """One metric of a case: its per-repetition samples and summary."""

    def __init__(self, raw, where):
        self.name = _need(raw, "name", where, str)
        where = f"{where}: metric '{self.name}'"
        self.unit = _need(raw, "unit", where, str)
        self.better = raw.get("better") or "neither"
        if self.better not in ("lower", "higher", "neither"):
            raise BadInput(f"{where}: 'better' is '{self.better}', expected "
                           f"lower, higher or neither")
        samples = _need(raw, "samples", where, list)
        for s in samples:
            if s is not None and (isinstance(s, bool) or
                                  not isinstance(s, (int, float))):
                raise BadInput(f"{where}: sample {s!r} is not a number")
        self.samples = [float(s) for s in samples if s is not None]
        self.summary = raw.get("summary") or {}


class Case:
    """One case of a run."""

    def __init__(self, raw, where):
        self.raw = raw
        self.id = _need(raw, "id", where, int)
        where = f"{where}: case {self.id}"
        self.name = _need(raw, "name", where, str)
        self.status = _need(raw, "status", where, str)
        self.reason = raw.get("reason")
        self.params = _need(raw, "params", where, dict)
        for f in ("scenario", "target", "variant"):
            _need(self.params, f, f"{where}: params", str)
        self.scenario = self.params["scenario"]
        self.variant = self.params["variant"]
        self.metrics = {}
        for i, m in enumerate(raw.get("metrics") or []):
            met = Metric(m, f"{where}: metrics[{i}]")
            self.metrics[met.name] = met
        self.histograms = {}
        for i, h in enumerate(raw.get("histograms") or []):
            hw = f"{where}: histograms[{i}]"
            name = _need(h, "name", hw, str)
            _need(h, "bins", hw, list)
            self.histograms[name] = h
        faults = raw.get("faults") or {}
        drv = faults.get("driver") or {}
        self.driver_per_rep = drv.get("per_rep") if drv.get("available") else None
        sc = raw.get("scenario") or {}
        self.oracle = sc.get("oracle") if isinstance(sc, dict) else None
        self.key = case_key(self.params)

    @property
    def ok(self):
        return self.status == "ok"

    def p(self, name, default=None):
        v = self.params.get(name)
        return default if v is None else v


def case_key(params):
    """What makes two cases the same measurement in two runs: scenario,
    target, variant and every parameter except KEY_IGNORE."""
    items = tuple(sorted((k, json.dumps(v, sort_keys=True))
                         for k, v in params.items() if k not in KEY_IGNORE))
    return items


class Run:
    """A run folder."""

    def __init__(self, path, allow_incomplete=False):
        self.arg = path
        self.json_path, self.lab_path = find_result_json(path)
        self.dir = os.path.dirname(os.path.abspath(self.json_path))
        try:
            with open(self.json_path, encoding="utf-8") as f:
                doc = json.load(f)
        except json.JSONDecodeError as e:
            raise BadInput(f"{self.json_path}: not valid JSON: {e}") from None
        except (OSError, UnicodeDecodeError) as e:
            raise BadInput(f"{self.json_path}: cannot read: {e}") from None
        where = self.json_path
        if not isinstance(doc, dict):
            raise BadInput(f"{where}: not a faultline result (top level is "
                           f"{type(doc).__name__})")
        if doc.get("schema") != SCHEMA:
            raise BadInput(f"{where}: not a faultline result (schema is "
                           f"{doc.get('schema')!r}, expected {SCHEMA!r})")
        ver = doc.get("schema_version")
        if ver != SCHEMA_VERSION:
            raise BadInput(f"{where}: schema_version {ver!r} is not supported "
                           f"(this tool reads version {SCHEMA_VERSION})")
        self.doc = doc
        self.meta = _need(doc, "meta", where, dict)
        self.run = _need(doc, "run", where, dict)
        cases = _need(doc, "cases", where, list)
        self.complete = bool(doc.get("complete")) and not \
            os.path.exists(os.path.join(self.dir, "INCOMPLETE"))
        if not self.complete and not allow_incomplete:
            why = doc.get("incomplete_reason")
            marker = os.path.join(self.dir, "INCOMPLETE")
            if os.path.exists(marker):
                with open(marker, encoding="utf-8", errors="replace") as f:
                    why = f.read().strip() or why
            raise BadInput(f"{self.dir}: the run is incomplete ({why or 'complete is false'}); "
                           f"use --allow-incomplete to read it anyway")
        self.cases = [Case(c, where) for c in cases]
        self.lab = None
        if self.lab_path:
            try:
                with open(self.lab_path, encoding="utf-8") as f:
                    self.lab = json.load(f)
            except (OSError, json.JSONDecodeError):
                self.lab = None

    # ---- what the run was, for titles, captions and table headers
    @property
    def id(self):
        return self.run.get("id") or os.path.basename(self.dir)

    @property
    def kernel(self):
        return (self.meta.get("kernel") or {}).get("release") or "unknown kernel"

    @property
    def cpu(self):
        return (self.meta.get("cpu") or {}).get("model") or "unknown CPU"

    @property
    def environment(self):
        return self.meta.get("environment") or "unknown"

    @property
    def emulated(self):
        return bool(self.run.get("times_emulated"))

    @property
    def accel(self):
        env = self.meta.get("lab_env") or {}
        return env.get("FL_LAB_ACCEL") or (self.lab or {}).get("accel")

    @property
    def qemu(self):
        env = self.meta.get("lab_env") or {}
        return env.get("FL_LAB_QEMU") or (self.lab or {}).get("qemu")

    @property
    def started(self):
        return self.meta.get("started_utc") or ""

    @property
    def git_rev(self):
        return self.meta.get("git_rev") or "unknown"

    def env_text(self):
        """'lab (QEMU 10.0.2 TCG: times emulated)' or 'native'."""
        if self.environment == "lab":
            acc = (self.accel or "tcg").upper()
            q = f"QEMU {self.qemu} " if self.qemu else "QEMU "
            if self.emulated:
                return f"lab ({q}{acc}: times emulated)"
            return f"lab ({q}{acc})"
        return self.environment

    def run_text(self):
        when = self.started.replace("T", " ").replace("Z", " UTC")
        return f"run {self.id}, {when}, git {self.git_rev}".replace(", ,", ",")

    def caption(self):
        """One line naming kernel, CPU, lab or native, and the run."""
        return (f"kernel {self.kernel} | CPU {self.cpu} | {self.env_text()} | "
                f"{self.run_text()}")

    def describe(self):
        """The identity of the run as a dict (for JSON outputs)."""
        return {
            "path": self.dir, "id": self.id, "kernel": self.kernel,
            "cpu": self.cpu, "environment": self.environment,
            "accel": self.accel, "times_emulated": self.emulated,
            "started_utc": self.started, "git_rev": self.git_rev,
            "complete": self.complete, "cases": len(self.cases),
            "module_parameters": (self.meta.get("faultline_module") or {})
            .get("parameters"),
        }
